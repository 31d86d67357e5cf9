"""State-owned and state-funded news outlets, and the label a Sources entry from one must carry.

The course cites Russian, Chinese, Central Asian and US-government-funded outlets alike; a reader
should see who owns or pays for each one, and the label must be the same for all of them. A
Sources entry is *from* an outlet when its URL is on the outlet's domain or the outlet's name is
the italic publication name (``*TASS*``). Names mentioned in passing ("citing TASS") do not count:
the entry then comes from the outlet that did the citing.

>>> required_labels("3. \\"Title\\", *TASS*, 7 Oct 2025. https://tass.com/politics/1")
['Russian state media']
>>> missing_labels("3. \\"Title\\", *TASS* (Russian state media), 2025. https://tass.com/politics/1")
[]
>>> missing_labels("4. \\"Title\\", *RFE/RL*, 2022. https://www.rferl.org/a/x.html")
['US-government-funded']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["OUTLETS", "Outlet", "missing_labels", "required_labels"]


@dataclass(frozen=True)
class Outlet:
    """One outlet: its label, the domains it publishes on and the names it is cited by."""

    label: str
    domains: tuple[str, ...]
    names: tuple[str, ...]


RUSSIAN = "Russian state media"
CHINESE = "Chinese state media"
US_FUNDED = "US-government-funded"

OUTLETS: tuple[Outlet, ...] = (
    Outlet(RUSSIAN, ("tass.com", "tass.ru"), ("TASS",)),
    Outlet(RUSSIAN, ("ria.ru", "riafan.ru"), ("RIA Novosti", "RIA")),
    Outlet(RUSSIAN, ("sputniknews.com", "sputnik.kz", "sputnik.kg", "sputniknews.uz", "sputnik-tj.com"), ("Sputnik",)),
    Outlet(RUSSIAN, ("rt.com",), ("RT", "Russia Today")),
    Outlet(RUSSIAN, ("vesti.ru", "smotrim.ru"), ("Vesti", "Vesti.ru")),
    Outlet(RUSSIAN, ("rg.ru",), ("Rossiyskaya Gazeta",)),
    Outlet(CHINESE, ("xinhuanet.com", "news.cn", "english.news.cn"), ("Xinhua",)),
    Outlet(CHINESE, ("chinadaily.com.cn",), ("China Daily",)),
    Outlet(CHINESE, ("people.cn", "people.com.cn"), ("People's Daily", "People's Daily Online")),
    Outlet(CHINESE, ("cri.cn",), ("CRI", "China Radio International", "CRI Online")),
    Outlet(CHINESE, ("cgtn.com",), ("CGTN",)),
    Outlet(CHINESE, ("globaltimes.cn",), ("Global Times",)),
    Outlet(CHINESE, ("scio.gov.cn", "english.scio.gov.cn"), ("State Council Information Office",)),
    Outlet(CHINESE, ("english.www.gov.cn", "gov.cn"), ("State Council of the PRC",)),
    Outlet("Turkmen state media", ("tdh.gov.tm", "turkmenistan.gov.tm", "neutralnyturkmenistan.gov.tm"),
           ("Turkmenistan Today", "Neutral Turkmenistan", "TDH")),
    Outlet("Kazakh state media", ("inform.kz", "kazinform.kz"), ("Kazinform",)),
    Outlet("Kyrgyz state media", ("kabar.kg",), ("Kabar",)),
    Outlet("Tajik state media", ("khovar.tj",), ("Khovar",)),
    Outlet("Uzbek state media", ("uza.uz",), ("UzA",)),
    Outlet("Azerbaijani state media", ("azertag.az",), ("AZERTAC", "Azertac")),
    Outlet("Turkish state media", ("aa.com.tr",), ("Anadolu Agency", "Anadolu")),
    Outlet("Turkish state media", ("trt.global", "trtworld.com", "trt.net.tr"), ("TRT World", "TRT")),
    Outlet(US_FUNDED, ("rferl.org", "azattyk.org", "ozodi.org", "azattyq.org", "ozodlik.org", "azathabar.com",
                       "currenttime.tv"), ("RFE/RL", "Radio Free Europe/Radio Liberty", "Azattyk", "Ozodi",
                                           "Azattyq", "Ozodlik", "Azatlyk", "Current Time")),
    Outlet(US_FUNDED, ("voanews.com", "amerikaovozi.com"), ("VOA", "Voice of America")),
)


def _domain_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _cites_by_name(entry: str, name: str) -> bool:
    """True when ``name`` stands as a publication name: italic, or between punctuation marks."""
    pattern = rf"(?:^|[*,.;]\s*|\d\.\s+|ITAR-)(?:{re.escape(name)})(?=\s*[*,.;(]|\s*$)"
    return re.search(pattern, entry) is not None


def required_labels(entry: str) -> list[str]:
    """The labels a Sources entry must carry: one per state outlet it comes from (by URL or name)."""
    hosts = [(urlsplit(url).hostname or "").lower() for url in re.findall(r"https?://[^\s)]+", entry)]
    labels = []
    for outlet in OUTLETS:
        by_url = any(_domain_matches(host, domain) for host in hosts for domain in outlet.domains)
        by_name = any(_cites_by_name(entry, name) for name in outlet.names)
        if (by_url or by_name) and outlet.label not in labels:
            labels.append(outlet.label)
    return labels


def missing_labels(entry: str) -> list[str]:
    """The required labels the entry does not carry, in brackets or after a comma."""
    return [label for label in required_labels(entry) if label not in entry]
