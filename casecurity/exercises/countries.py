"""Country names and ISO3 codes as learners write them (any case, short or long names)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

from casecurity.exercises.limits import MAX_ITEMS as _MAX_ITEMS
from casecurity.exercises.wording import a_type as _a_type

# Used when casecurity.data is unavailable (a broken data folder must not break every check).
FALLBACK_COUNTRIES = {
    "KAZ": ("Kazakhstan", "Qazaqstan", "Republic of Kazakhstan"),
    "KGZ": ("Kyrgyzstan", "Kyrgyz Republic", "Kirghizia", "Kirgizia"),
    "TJK": ("Tajikistan", "Republic of Tajikistan"),
    "TKM": ("Turkmenistan",),
    "UZB": ("Uzbekistan", "Republic of Uzbekistan"),
    "AFG": ("Afghanistan",),
    "RUS": ("Russia", "Russian Federation"),
    "CHN": ("China", "People's Republic of China", "PRC"),
    "USA": ("United States", "United States of America", "US", "America"),
    "IRN": ("Iran", "Islamic Republic of Iran"),
    "PAK": ("Pakistan",),
    "IND": ("India",),
    "TUR": ("Turkey", "Türkiye", "Turkiye"),
    "ARM": ("Armenia",),
    "AZE": ("Azerbaijan",),
    "BLR": ("Belarus",),
    "GEO": ("Georgia",),
    "MNG": ("Mongolia",),
    "UKR": ("Ukraine",),
}
_FALLBACK_LOOKUP = {code.casefold(): code for code in FALLBACK_COUNTRIES}
_FALLBACK_LOOKUP.update(
    {name.casefold(): code for code, names in FALLBACK_COUNTRIES.items() for name in names}
)


def _data_module():
    try:
        from casecurity import data
    except Exception:  # data.py missing or broken: fall back to the built-in table
        return None
    return data


def country_code(text: str) -> str | None:
    """ISO3 code of a country name or code (any case), or None when unknown."""
    text = str(text)
    if len(text) > 100:  # no country name is this long; spare the fuzzy matching below
        return None
    text = " ".join(text.split())
    if not text:
        return None
    data = _data_module()
    iso3_of = getattr(data, "iso3_of", None)
    if callable(iso3_of):
        try:
            code = iso3_of(text)
            if isinstance(code, str) and len(code) == 3:
                return code.upper()
        except Exception:  # unknown name (CourseError) or data problem: try the built-in table
            pass
    return _FALLBACK_LOOKUP.get(text.casefold())


def country_label(code: str) -> str:
    """Display name of an ISO3 code."""
    data = _data_module()
    name_of = getattr(data, "country_name", None)
    if callable(name_of):
        try:
            name = name_of(code)
            if isinstance(name, str) and name:
                return name
        except Exception:
            pass
    return FALLBACK_COUNTRIES.get(code, (code,))[0]


def known_country_names() -> list[str]:
    return [names[0] for names in FALLBACK_COUNTRIES.values()] + list(FALLBACK_COUNTRIES)


def country_items(answer) -> tuple[list | None, str]:
    """The answer's items as a list, or None and a message explaining the shape problem."""
    if isinstance(answer, str):
        return [part for part in re.split(r"[,;]", answer) if part.strip()], ""
    if isinstance(answer, BaseException):
        return None, f"your answer is an error object ({type(answer).__name__}), not a list of countries."
    columns = getattr(answer, "columns", None)
    if columns is not None and hasattr(answer, "iloc"):  # a DataFrame: use its country column
        for column in ("iso3", "name"):
            if column in list(columns):
                return list(itertools.islice(answer[column], _MAX_ITEMS + 1)), ""
        return None, ("you gave a DataFrame without an 'iso3' or 'name' column; "
                      "select the column with the countries, e.g. df['iso3'].")
    if isinstance(answer, Mapping):
        return None, "you gave a dict; give a list of countries, e.g. ['KAZ', 'KGZ']."
    if isinstance(answer, bytes | bytearray):
        return None, "you gave bytes; give a list of country names or ISO3 codes."
    if not isinstance(answer, Iterable):
        return None, (f"you gave {_a_type(answer)}; give a list of country names or "
                      "ISO3 codes, e.g. ['Kazakhstan', 'KGZ'].")
    return list(itertools.islice(iter(answer), _MAX_ITEMS + 1)), ""


