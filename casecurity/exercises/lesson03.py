"""Lesson 03 (treaties: the legal web): questions and two lesson helpers.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`,
so a correction to ``data/treaties.csv`` or ``data/treaty_parties.csv`` updates the
answer key too.

Besides the question types of :mod:`casecurity.exercises`, this module defines
:class:`ExcerptCodingQuestion` for the treaty-coding workshop (q7): the learner codes short
excerpts of official texts (:data:`EXCERPTS`) with the ATOP codebook's obligations and is
compared with the course's coding, with Cohen's kappa (:mod:`casecurity.coding`). The helpers
:func:`obligations_by_decade` and :func:`bilateral_partners` build the tables the
lesson shows; no package function builds them yet (see the lesson-03 report).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from casecurity.coding import cohens_kappa
from casecurity.errors import CourseError
from casecurity.exercises import (
    ChoiceQuestion,
    CountrySetQuestion,
    MapQuestion,
    Question,
    ReflectionQuestion,
    TableQuestion,
    ValueQuestion,
    define_lesson,
)
from casecurity.exercises import a_type as _a_type
from casecurity.practice import practice_set

# The obligation words of the dataset's security core (used by the lesson's tables).
SECURITY_CODES = ("defense", "nonaggression", "neutrality", "consultation", "basing", "declaration")
# The treaty row of data/treaties.csv that the lesson reads as an example of an "allied" treaty.
CODED_TREATY = "kaz_uzb_allied_relations_2022"
# The treaty-coding workshop (q7): the five obligation types of the ATOP codebook, plus "none".
ATOP_CODES = ("defense", "offense", "neutrality", "nonaggression", "consultation", "none")
ATOP_DEFINITIONS = {
    "defense": "a promise of active military support to a partner whose sovereignty or territory is attacked",
    "offense": "a promise of active military support in a conflict the partner starts, or in circumstances "
               "other than an attack on a partner",
    "neutrality": "a promise not to help any state that acts militarily against a partner (staying out, "
                  "not lending territory or support to the attacker)",
    "nonaggression": "a promise not to attack the partner, or not to use or threaten force against it",
    "consultation": "a promise to consult the partner in a crisis that could become a military conflict, "
                    "with the aim of coordinating policy (a general promise to talk about common problems "
                    "is not enough)",
    "none": "the excerpt states none of these five obligations (cooperation, principles, procedure ...)",
}
# The layer name q8 looks for in the learner's map.
BORDER_LAYER = "Border treaties"
# How q6 and q8 name the as-of date in their prompts (their other variants name a day such as 2010-01-01).
AS_OF_TEXT = "data.AS_OF"
# q2's variants: states whose bilateral rows with Central Asian states have a single leader
PARTNER_POWERS = ["RUS", "CHN", "USA", "KAZ", "UZB"]
# q4's variants (state, obligation): no declaration carries that obligation for that state, so every
# row counted is a treaty
BILATERAL_OBLIGATIONS = [("UZB", "defense"), ("UZB", "border"), ("KGZ", "border"), ("KAZ", "border"),
                         ("TJK", "border"), ("KGZ", "basing"), ("KAZ", "nonaggression"), ("UZB", "friendship"),
                         ("KAZ", "military_cooperation")]
# q6's variants: days across the entries into force (1994, 1998, 2014, 2017) and ends (2005-2014) of
# the defence and basing treaties
DEFENCE_DAYS = ["1995-01-01", "2000-01-01", "2005-01-01", "2010-01-01", "2015-01-01", "2020-01-01"]
# q8's variants: days across the entries into force of the border treaties (2003, 2006, 2017, 2023, 2025)
BORDER_DAYS = ["2004-01-01", "2007-01-01", "2012-01-01", "2018-01-01", "2023-03-01", "2025-06-01"]
# Reading order of the obligation words (the vocabulary of docs/design.md).
OBLIGATION_ORDER = (
    "defense", "offense", "neutrality", "nonaggression", "consultation", "basing", "military_cooperation",
    "nuclear_weapon_free", "border", "friendship", "strategic_partnership", "counter_terrorism", "declaration",
)  # fmt: skip


def _data():
    from casecurity import data

    return data


def _codes(cell: object) -> set[str]:
    """The obligation words of one ``obligations`` cell ("a;b" -> {"a", "b"}); empty for a blank cell."""
    if not isinstance(cell, str):
        return set()
    return {item.strip() for item in cell.split(";") if item.strip()}


def obligations_by_decade(kind: str | None = None):
    """How many treaties carry each obligation, by decade of signature (a DataFrame of counts).

    Args:
        kind: ``"bilateral"``, ``"multilateral"`` or None for both.

    One row per obligation word (in the order of the vocabulary in docs/design.md), one
    column per decade (1990, 2000, ...), plus a ``total`` column. A treaty with three
    obligations is counted once in each of the three rows, so the columns do not add up
    to the number of treaties.
    """
    import pandas as pd

    data = _data()
    table = data.treaties(kind=kind)
    exploded = table.assign(
        decade=pd.to_datetime(table["signed_date"]).dt.year // 10 * 10,
        obligation=table["obligations"].map(lambda cell: sorted(_codes(cell))),
    ).explode("obligation", ignore_index=True)  # duplicate labels break crosstab on pandas 3.0
    exploded = exploded.dropna(subset=["obligation", "decade"])
    counts = pd.crosstab(exploded["obligation"], exploded["decade"].astype(int))
    order = [o for o in OBLIGATION_ORDER if o in counts.index] + sorted(
        set(counts.index) - set(OBLIGATION_ORDER)
    )
    counts = counts.loc[order]
    counts["total"] = counts.sum(axis=1)
    counts.columns.name = "signed in decade"
    return counts


def bilateral_partners(partner: str, on=None):
    """Bilateral treaties of ``partner`` (e.g. ``"RUS"``) with a Central Asian state, one row each.

    Args:
        partner: ISO3 code or name of the outside power.
        on: a day; if given, only treaties in force that day (``data.treaties(in_force_on=...)``).

    Columns: with (the Central Asian party), id, signed_date, in_force_date, end_date, obligations;
    sorted by state and signing date (a year- or month-precision date at the end of its period). Declarations are included: their ``obligations`` say
    ``declaration``.
    """
    data = _data()
    code = data.iso3_of(partner)
    table = data.treaties(party=code, kind="bilateral", in_force_on=on)
    states = set(_data().central_asia())
    table["with"] = table["parties"].map(lambda cell: ";".join(sorted(set(cell.split(";")) & states)))
    table = table.loc[table["with"] != ""]
    columns = ["with", "id", "signed_date", "in_force_date", "end_date", "obligations"]
    # data.treaties() already sorts by signing date with its precision (period end); keep that order
    return table[columns].sort_values("with", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------ code words


def _normalise_code(text: str) -> str:
    word = "_".join(text.strip().lower().replace("-", " ").split())
    # British spelling and the obvious variants learners type.
    return {"defence": "defense", "non_aggression": "nonaggression", "consultations": "consultation",
            "bases": "basing", "base": "basing"}.get(word, word)  # fmt: skip


# ------------------------------------------------------------------------ the treaty-coding workshop

# Short excerpts of official texts, in the course's own words with at most a short quoted phrase.
# Each names the article and the official (or best available) text it was read in. The course's own
# codes are the expected answer of q7 and are not shown in the notebooks.
EXCERPTS = (
    {"id": "E1", "document": "Collective Security Treaty (Tashkent, 15 May 1992)", "article": "Article 1",
     "text": "The parties confirm their obligation to abstain from the use or threat of force in relations "
             "between states, and undertake to settle all their disagreements, among themselves and with "
             "other states, by peaceful means.",
     "url": "http://www.odkb.gov.ru/b/azbengl.htm"},
    {"id": "E2", "document": "Collective Security Treaty (Tashkent, 15 May 1992)", "article": "Article 2",
     "text": "The parties consult one another on important questions of international security that affect "
             "them. If the security, territorial integrity or sovereignty of one or more parties is "
             "threatened, they will \"immediately put into action the mechanism of joint consultations\" "
             "to coordinate their positions and take measures to remove the threat.",
     "url": "http://www.odkb.gov.ru/b/azbengl.htm"},
    {"id": "E3", "document": "Collective Security Treaty (Tashkent, 15 May 1992)", "article": "Article 4",
     "text": "Aggression against one party is regarded as aggression against all. If an act of aggression "
             "is committed against a party, the others give it \"necessary assistance, including "
             "military\", and support it with the means at their disposal, as collective self-defence "
             "under Article 51 of the UN Charter.",
     "url": "http://www.odkb.gov.ru/a/aengl.htm"},
    {"id": "E4", "document": "Treaty on Allied Relations between Kazakhstan and Uzbekistan (Tashkent, "
                             "22 Dec 2022)", "article": "the article on a threat of armed attack",
     "text": "If a situation arises in which a third state threatens an armed attack on one of the parties, "
             "the two will hold consultations, bilaterally and in the international organisations they "
             "belong to, and immediately take measures towards a peaceful settlement.",
     "url": "http://www.theasian.asia/archives/176110"},
    {"id": "E5", "document": "Treaty on Allied Relations between Kazakhstan and Uzbekistan (Tashkent, "
                             "22 Dec 2022)", "article": "the article on blocs and territory",
     "text": "Neither party joins blocs or alliances, or takes part in actions, directed against the other; "
             "neither lets its territory or resources be used to prepare or carry out aggression against "
             "the other.",
     "url": "https://en.trend.az/casia/kazakhstan/3867856.html"},
    {"id": "E6", "document": "United States-Uzbekistan Declaration on the Strategic Partnership and "
                             "Cooperation Framework (Washington, 12 Mar 2002)", "article": "security cooperation",
     "text": "The United States affirms that it \"would regard with grave concern\" any external threat to "
             "Uzbekistan's security and territorial integrity; the two sides expect to develop their "
             "military cooperation.",
     "url": "https://2001-2009.state.gov/r/pa/prs/ps/2002/8736.htm"},
    {"id": "E7", "document": "Treaty of Permanent Good-Neighbourliness, Friendship and Cooperation between "
                             "China and the five Central Asian states (Astana, 17 Jun 2025)",
     "article": "the article on force and disputes",
     "text": "The parties reaffirm that they renounce the use or threat of force against one another and "
             "will settle their disputes peacefully.",
     "url": "https://socialistchina.org/2025/06/22/china-signs-landmark-treaty-with-central-asian-countries/"},
    {"id": "E8", "document": "Treaty of Permanent Good-Neighbourliness, Friendship and Cooperation between "
                             "China and the five Central Asian states (Astana, 17 Jun 2025)", "article": "Article 3",
     "text": "The parties do not take part in any alliance or grouping directed against another party, do "
             "not support actions hostile to another party, and prohibit on their territory activities "
             "that violate another party's sovereignty and territorial integrity.",
     "url": "https://www.fredgao.com/p/china-central-asia-summit"},
    {"id": "E9", "document": "Treaty of Permanent Good-Neighbourliness, Friendship and Cooperation between "
                             "China and the five Central Asian states (Astana, 17 Jun 2025)",
     "article": "the article on defence and security",
     "text": "In line with their laws and other international obligations, the parties will strengthen "
             "mutual trust in defence, the defence industry and security, and widen their cooperation in "
             "these fields.",
     "url": "https://socialistchina.org/2025/06/22/china-signs-landmark-treaty-with-central-asian-countries/"},
    {"id": "E10", "document": "Agreement between Kazakhstan and Russia on joint planning of the use of "
                              "troops (Moscow, 16 Jan 2004)", "article": "preamble and Article 1",
     "text": "Recalling their 1992 friendship treaty, the Collective Security Treaty and their 1994 "
             "military-cooperation treaty, the two states plan jointly how coalition groupings of their "
             "troops, under joint command, would be used for their joint security.",
     "url": "https://zakonpravo.kz/en/zakony/zakon-o-ratifikatsii-soglasheniya-mezhdu-respublikoy-kazahstan-i-"
            "rossiyskoy-federatsiey-o-sovmestnom-planirovanii-primeneniya-voysk-sil-v-interesah-"
            "obespecheniya-sovmestnoy-bezopasnosti-respubliki-kazahstan-i-rossiyskoy-federatsii"},
)


def workshop_excerpts():
    """The workshop's excerpts as a table (id, document, article, text, url), for reading in a notebook."""
    import pandas as pd

    return pd.DataFrame(list(EXCERPTS), columns=["id", "document", "article", "text", "url"]).set_index("id")


def print_excerpts() -> None:
    """Print each excerpt with its document, article and source, ready to code."""
    for item in EXCERPTS:
        print(f"{item['id']}. {item['document']}, {item['article']}\n   {item['text']}\n   [{item['url']}]\n")


def _course_codes() -> dict[str, str]:
    """The course's coding of the excerpts, with the ATOP definitions (the expected answer of q7)."""
    return {"E1": "nonaggression", "E2": "consultation", "E3": "defense", "E4": "consultation",
            "E5": "neutrality", "E6": "none", "E7": "nonaggression", "E8": "neutrality", "E9": "none",
            "E10": "none"}  # fmt: skip


def _atop_word(text: str) -> str:
    word = _normalise_code(text)
    return {"defensive": "defense", "offensive": "offense", "neutral": "neutrality", "consult": "consultation",
            "no_obligation": "none", "nothing": "none"}.get(word, word)  # fmt: skip


class ExcerptCodingQuestion(Question):
    """One code per excerpt (a dict ``{"E1": "defense", ...}``), compared with the course's coding.

    Correct when every code matches; otherwise the message gives how many match and Cohen's kappa
    with the course's codes, never which excerpts differ (that is for the partner discussion).
    """

    kind = "excerpt-codes"

    def __init__(self, prompt, expected, *, vocabulary: Iterable[str], **kwargs):
        super().__init__(prompt, **kwargs)
        self.expected = expected
        self.vocabulary = list(vocabulary)

    def _compute_expected(self) -> dict[str, str]:
        return dict(self._expected(self.expected))

    def _wanted(self):
        return "a dict with one code per excerpt, e.g. {'E1': 'consultation', 'E2': 'none', ...}"

    def _grade(self, answer, expected: dict[str, str]):
        if not isinstance(answer, dict):
            return "incorrect", f"give a dict such as {{'E1': 'none', 'E2': ...}}, not {_a_type(answer)}.", None
        if not answer:
            return "incorrect", "your dict is empty: give one code per excerpt.", None
        given = {str(key).strip().upper(): value for key, value in answer.items()}
        missing = [key for key in expected if key not in given]
        if missing:
            return "incorrect", f"code every excerpt: {', '.join(missing)} has no code yet.", None
        extra = sorted(set(given) - set(expected))
        if extra:
            return "incorrect", f"{', '.join(extra)} is not one of the excerpts (E1 to E{len(expected)}).", None
        codes = {}
        for key in expected:
            value = given[key]
            if not isinstance(value, str):
                return "incorrect", f"{key}: {value!r} is not a code; write one word such as 'consultation'.", None
            word = _atop_word(value)
            if word not in self.vocabulary:
                close = difflib.get_close_matches(word, self.vocabulary, n=1, cutoff=0.6)
                tip = f" Did you mean {close[0]!r}?" if close else ""
                return "incorrect", (f"{key}: {value.strip()!r} is not one of the codes "
                                     f"({', '.join(self.vocabulary)}).{tip}"), None
            codes[key] = word
        alike = sum(codes[key] == expected[key] for key in expected)
        if alike == len(expected):
            return "correct", f"all {alike} excerpts coded as the course codes them.", codes
        try:
            kappa = f"Cohen's kappa with the course's coding = {cohens_kappa(codes, expected):.2f}"
        except CourseError:
            kappa = "kappa is undefined: you gave every excerpt the same code"
        return "incorrect", (f"{alike} of {len(expected)} excerpts coded as the course codes them; {kappa}. "
                             "Reread the definitions, then compare with your partner."), codes


# ----------------------------------------------------------------------------------------- answers


def _treaty_row(treaty_id: str):
    table = _data().load("treaties")
    return table.loc[table["id"] == treaty_id].iloc[0]


def _partner_counts(power: str = "RUS") -> dict[str, int]:
    """Number of bilateral rows (declarations included) between ``power`` and each Central Asian partner."""
    states = set(_data().central_asia()) - {power}
    counts: dict[str, int] = {}
    for cell in _data().treaties(party=power, kind="bilateral")["parties"]:
        for code in set(cell.split(";")) & states:
            counts[code] = counts.get(code, 0) + 1
    return counts


def _top_partner(power: str = "RUS", **_) -> set[str]:
    """Accepted answers: ISO3 code and name of the Central Asian partner(s) of ``power`` with the most rows."""
    data = _data()
    counts = _partner_counts(power)
    best = max(counts.values())
    leaders = [code for code, count in counts.items() if count == best]
    return {text for code in leaders for text in (code, data.country_name(code))}


def _partner_question(rng) -> dict:
    power = rng.choice(PARTNER_POWERS)
    name = _data().country_name(power)
    return {"power": power, "power_name": f"the {name}" if name.startswith("United ") else name}


def _is_country(answer: object, code: str) -> bool:
    return isinstance(answer, str) and _data().iso3_of(answer) == code


def _treaty_partners(iso3: str = "UZB", obligation: str = "defense", **_) -> list[str]:
    """Partners of ``iso3`` in bilateral treaties coded ``obligation`` (any date)."""
    table = _data().treaties(party=iso3, obligation=obligation, kind="bilateral")
    return sorted({code for cell in table["parties"] for code in cell.split(";")} - {iso3})


def _multilateral_partners(iso3: str, obligation: str) -> set[str]:
    """States that share with ``iso3`` a multilateral treaty coded ``obligation`` (q4's usual slip)."""
    table = _data().treaties(party=iso3, obligation=obligation, kind="multilateral")
    return {code for cell in table["parties"] for code in cell.split(";")} - {iso3}


def _obligation_question(rng) -> dict:
    iso3, obligation = rng.choice(BILATERAL_OBLIGATIONS)
    return {"country": _data().country_name(iso3), "iso3": iso3, "obligation": obligation}


def _day_question(days):
    """A params function: one of ``days``, as the prompt shows it and as code would write it."""
    def make(rng) -> dict:
        day = rng.choice(days)
        return {"day": day, "day_arg": repr(day)}
    return make


def _on(day: str):
    """The day a q6 or q8 variant asks about, for ``data``: None (the as-of date) or the ISO date."""
    return None if day == AS_OF_TEXT else day


def defence_or_basing_in_force(on=None):
    """Treaties in force on ``on`` (default: as-of date) with a defense or basing obligation
    that bind at least one Central Asian state that day; columns id, obligations."""
    data = _data()
    table = data.treaties(in_force_on=data.AS_OF if on is None else on)
    states = set(_data().central_asia())
    wanted = table["obligations"].map(lambda cell: bool(_codes(cell) & {"defense", "basing"}))
    binding = table["parties"].map(lambda cell: bool(set(cell.split(";")) & states))
    return table.loc[wanted & binding, ["id", "obligations"]].reset_index(drop=True)


def border_treaty_states(on=None) -> list[str]:
    """States bound on ``on`` (default: as-of date) by a treaty with a border obligation."""
    data = _data()
    table = data.treaties(obligation="border", in_force_on=data.AS_OF if on is None else on)
    return sorted({code for cell in table["parties"] for code in cell.split(";") if code})


def _defence_or_basing_on(day: str = AS_OF_TEXT, **_):
    return defence_or_basing_in_force(on=_on(day))


def _border_states_on(day: str = AS_OF_TEXT, **_) -> list[str]:
    return border_treaty_states(on=_on(day))


def _ids(frame) -> set[str]:
    return set(frame["id"].astype(str))


def _not_yet_in_force_ids(on=None) -> set[str]:
    """Defense/basing treaties whose entry into force comes after the day."""
    import pandas as pd

    data = _data()
    day = pd.Timestamp(data.AS_OF if on is None else on)
    table = data.treaties()
    wanted = table["obligations"].map(lambda cell: bool(_codes(cell) & {"defense", "basing"}))
    return set(table.loc[wanted & (table["in_force_date"] > day), "id"].astype(str))


def _expired_ids(on=None) -> set[str]:
    """Defense/basing treaties with a CA party whose end_date is on or before the day."""
    import pandas as pd

    data = _data()
    day = pd.Timestamp(data.AS_OF if on is None else on)
    table = data.treaties()
    wanted = table["obligations"].map(lambda cell: bool(_codes(cell) & {"defense", "basing"}))
    return set(table.loc[wanted & (table["end_date"] <= day), "id"].astype(str))


def _never_dated_ids() -> set[str]:
    """Defense/basing treaties whose entry into force the dataset does not record."""
    table = _data().treaties()
    wanted = table["obligations"].map(lambda cell: bool(_codes(cell) & {"defense", "basing"}))
    return set(table.loc[wanted & table["in_force_date"].isna(), "id"].astype(str))


def _declaration_ids() -> set[str]:
    return set(_data().treaties(obligation="declaration")["id"].astype(str))


def _shaded_codes(folium_map) -> set[str]:
    """ISO3 codes drawn in the GeoJson layers of a folium map (for the mistake messages of q8)."""
    import folium

    codes, stack, seen = set(), [folium_map], set()
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        if isinstance(element, folium.GeoJson) and isinstance(element.data, dict):
            for feature in element.data.get("features", []):
                code = (feature.get("properties") or {}).get("iso3")
                if isinstance(code, str):
                    codes.add(code)
        stack.extend(getattr(element, "_children", {}).values())
    return codes


def _asks_uzbek_defence() -> bool:
    """True when q4 is on its default variant (Uzbekistan, defense), whose mistakes name Uzbekistan's documents."""
    return (q4.params["iso3"], q4.params["obligation"]) == ("UZB", "defense")


# ---------------------------------------------------------------------------------------- questions

q1 = ChoiceQuestion(
    "On what legal instrument does Turkmenistan's internationally recognised permanent neutrality rest?",
    options={
        "a": "A treaty on Turkmenistan's permanent neutrality signed by all five Central Asian states",
        "b": "A UN Security Council resolution that binds every UN member to respect it",
        "c": "A UN General Assembly resolution of 1995 recognising the status Turkmenistan declared",
        "d": "A neutrality clause in the CSTO Charter that lets Turkmenistan stay out of it",
    },
    answer="c",
    explanations={
        "a": "No such treaty exists: neutrality was declared by Turkmenistan alone and recognised by "
             "the UN.",
        "b": "It was the General Assembly, whose resolutions recommend; the Security Council was not "
             "involved.",
        "c": "Right: the General Assembly resolution of 12 Dec 1995 (usually cited as 50/80 A) "
             "recognises and supports a status Turkmenistan proclaimed itself; a resolution is not a "
             "treaty, and Turkmenistan's law of 27 Dec 1995 bars it from military blocs.",
        "d": "Turkmenistan never joined the CSTO; its neutrality is the reason it stays out of blocs.",
    },
    hints=[
        "Look at the row tkm_neutrality_1995 of data.load('treaties'): its name and its note.",
        "Ask two things: who adopted the text, and did Turkmenistan sign anything with other states?",
    ],
)

q2 = ValueQuestion(
    "Count every bilateral row of data.treaties(party='{power}', kind='bilateral') (declarations included). "
    "Which Central Asian state has the most bilateral treaties and declarations with {power_name}? "
    "Give its name or ISO3 code.",
    expected=_top_partner,
    params=_partner_question,
    default_params={"power": "RUS", "power_name": "Russia"},
    hints=[
        "Start from data.treaties(party='{power}', kind='bilateral') and look at its 'parties' column.",
        "Each 'parties' cell reads like 'KAZ;RUS': count the cells per value with .value_counts().",
    ],
    mistakes=[
        (
            lambda got: _is_country(got, q2.params["power"]),
            "{power_name} is the partner we count against: name the other party.",
        ),
        # facts about Russia's partners: only for the Russian variant
        (
            lambda got: q2.params["power"] == "RUS" and _is_country(got, "TJK"),
            "Tajikistan hosts Russia's largest base, but another state has more rows: count every row, "
            "declarations included.",
        ),
        (
            lambda got: q2.params["power"] == "RUS" and (_is_country(got, "UZB") or _is_country(got, "KGZ")),
            "Count again: Uzbekistan and Kyrgyzstan have only a few bilateral documents with Russia in the data.",
        ),
        (
            lambda got: isinstance(got, str) and _data().iso3_of(got) not in _data().central_asia(),
            "Only Central Asian partners count: skip the rows with states from outside the region.",
        ),
    ],
)

q3 = ChoiceQuestion(
    "Where is the mutual-assistance pledge that makes the CSTO a defence alliance?",
    options={
        "a": "The CSTO Charter signed in Chisinau on 7 October 2002 (in force 2003)",
        "b": "Article 4 of the Collective Security Treaty (Tashkent, 15 May 1992)",
        "c": "The protocol of 2 April 1999 that extended the Collective Security Treaty",
        "d": "The Charter of the Shanghai Cooperation Organization, signed in 2002",
    },
    answer="b",
    explanations={
        "a": "The Charter (in force 18 Sep 2003) created the organisation, its councils and "
             "secretariat; the assistance pledge stayed in the 1992 treaty. That is why 'the CSTO was "
             "founded in 1992' is wrong.",
        "b": "Right: Article 4 treats aggression against one party as aggression against all and "
             "promises the necessary assistance, including military; the 2002 Charter built the "
             "organisation around it.",
        "c": "The 1999 protocol only extended the treaty's term (and Azerbaijan, Georgia and Uzbekistan "
             "did not sign it); the pledge itself is older.",
        "d": "The SCO is not a military alliance: its charter has consultation and counter-terrorism, "
             "no defence pledge.",
    },
    hints=[
        "Compare the obligations of cst_1992 and csto_charter_2002 in data.load('treaties').",
        "Which of the two rows is coded 'defense'? Read its note too.",
    ],
)

q4 = CountrySetQuestion(
    "With which states has {country} concluded a bilateral treaty coded '{obligation}' in the dataset "
    "(at any time)? Give names or ISO3 codes, {country} itself excluded.",
    expected=_treaty_partners,
    params=_obligation_question,
    default_params={"country": "Uzbekistan", "iso3": "UZB", "obligation": "defense"},
    hints=[
        "data.treaties(party='{iso3}', obligation='{obligation}', kind='bilateral') lists the treaties.",
        "Split each 'parties' cell on ';' and drop '{iso3}'.",
    ],
    mistakes=[
        # facts about Uzbekistan's documents: only for the default variant (Uzbekistan, defense)
        (
            lambda got: _asks_uzbek_defence() and "USA" in got,
            "The 2002 US-Uzbek document is a political declaration: the US 'would regard with grave concern' a "
            "threat, with no promise to help; it is coded declaration, not defense.",
        ),
        (
            lambda got: _asks_uzbek_defence() and "CHN" in got,
            "Uzbekistan's documents with China (2005, 2013, ...) are partnership and friendship treaties; "
            "none is a defence pact.",
        ),
        (
            lambda got: _asks_uzbek_defence() and bool({"KAZ", "TJK"} & got),
            "The 2022 Kazakh-Uzbek and 2024 Tajik-Uzbek treaties are called 'allied', but no pledge of "
            "assistance to a party under attack was found in them: the Kazakh-Uzbek draft promises consultations "
            "and non-aggression, and summaries of the Tajik-Uzbek text list cooperation (including against "
            "terrorism). Neither is coded defense; read their notes in data.load('treaties').",
        ),
        (lambda got: q4.params["iso3"] in got, "Leave {country} itself out: the question asks for its partners."),
        (
            lambda got, expected: bool(got - set(expected))
            and got - set(expected) <= _multilateral_partners(q4.params["iso3"], q4.params["obligation"]),
            "Some of your states share only a multilateral treaty coded '{obligation}' with {country}: "
            "keep kind='bilateral'.",
        ),
    ],
)

q5 = ChoiceQuestion(
    "Why is the 12 March 2002 US-Uzbekistan Declaration on the Strategic Partnership and Cooperation "
    "Framework not a defence pact?",
    options={
        "a": "Because it was signed by foreign ministers rather than by the two presidents themselves",
        "b": "Because Uzbekistan's 2012 foreign-policy concept later ruled out joining any "
             "military-political bloc",
        "c": "Because US forces left the Karshi-Khanabad (K2) air base in 2005, after Uzbekistan's "
             "eviction notice",
        "d": "Because the US only says it 'would regard with grave concern' a threat: no help is promised",
    },
    answer="d",
    explanations={
        "a": "Who signs does not decide it: foreign ministers sign many binding treaties. What matters "
             "is whether the text promises help when a party is attacked.",
        "b": "A 2012 law cannot change what a 2002 text said; the declaration never contained a defence "
             "pledge.",
        "c": "The end of basing in 2005 does not explain what the 2002 text promised (or did not promise).",
        "d": "Right: 'grave concern' is a statement of interest, not a commitment to act; the text "
             "records political understandings, not a ratified treaty, and the dataset codes it "
             "declaration (not defense).",
    },
    hints=[
        "Read the note of usa_uzb_declaration_2002 in data.load('treaties').",
        "A defence pact promises to assist a partner that is attacked. Does 'grave concern' promise that?",
    ],
)

q6 = TableQuestion(
    "Build a DataFrame with columns id and obligations: the treaties in force on {day} that carry a "
    "'defense' or a 'basing' obligation and bind at least one Central Asian state on that day.",
    expected=_defence_or_basing_on,
    key="id",
    columns=["id", "obligations"],
    params=_day_question(DEFENCE_DAYS),
    default_params={"day": AS_OF_TEXT, "day_arg": AS_OF_TEXT},
    hints=[
        "data.treaties(in_force_on={day_arg}) keeps only treaties in force that day, and its 'parties' "
        "column then lists only the states bound that day.",
        "Keep the rows whose obligations (split on ';') contain 'defense' or 'basing' and whose parties "
        "include one of KAZ, KGZ, TJK, TKM, UZB.",
    ],
    mistakes=[
        (
            # the examples are the treaties that have ended by the as-of date
            lambda got: q6.params["day"] == AS_OF_TEXT and bool(_ids(got) & _expired_ids()),
            "Some of your treaties have expired (end_date before the day): e.g. the US base agreements at "
            "Karshi-Khanabad and Manas, or the 2004 Russia-Tajikistan base agreement replaced in 2014.",
        ),
        (
            lambda got: bool(_ids(got) & _expired_ids(_on(q6.params["day"]))),
            "Some of your treaties had ended by {day} (their end_date is on or before it).",
        ),
        (
            lambda got: bool(_ids(got) & _not_yet_in_force_ids(_on(q6.params["day"]))),
            "Some of your treaties entered into force after {day}: keep in_force_date <= day.",
        ),
        (
            lambda got: bool(_ids(got) & _never_dated_ids()),
            "Some of your treaties have no entry-into-force date in the dataset, so they cannot be shown to be "
            "in force: use data.treaties(in_force_on=...), which applies the in_force_date <= day < end_date rule.",
        ),
        (
            lambda got: bool(_ids(got) & _declaration_ids()),
            "A declaration is a political statement, not a treaty in force with defence or basing obligations.",
        ),
    ],
)

q7 = ExcerptCodingQuestion(
    "Treaty-coding workshop. Read the ten excerpts (ex.print_excerpts()) and give each ONE code from the "
    f"ATOP codebook's obligations: {', '.join(ATOP_CODES)} (ex.ATOP_DEFINITIONS defines them). Answer "
    "with a dict {'E1': ..., ..., 'E10': ...}. The check compares your codes with the course's and "
    "reports how many match and Cohen's kappa; then compare with a partner's codes.",
    expected=_course_codes,
    vocabulary=ATOP_CODES,
    hints=[
        "Code what the excerpt obliges the parties to do, not the document's title or how close the "
        "partners are: ask 'if a party is attacked or threatened, what must the others do?'",
        "Tell neighbouring codes apart: defense promises help to the victim; neutrality promises not to "
        "help the attacker; nonaggression promises not to attack; consultation promises talks in a "
        "crisis aimed at a common policy. A statement of concern or of cooperation is none of them.",
    ],
)

q8 = MapQuestion(
    "Build a folium map of the border treaties in force on {day}: a FeatureGroup named "
    f"'{BORDER_LAYER}' with one line between the capitals of each pair of parties, and a GeoJson layer that "
    "shades exactly the states bound by at least one of these treaties.",
    layers=[BORDER_LAYER],
    shaded=_border_states_on,
    params=_day_question(BORDER_DAYS),
    default_params={"day": AS_OF_TEXT, "day_arg": AS_OF_TEXT},
    hints=[
        "maps.treaty_network_map(obligation='border', on={day_arg}) shows the bilateral part of the answer; "
        "its .table lists the pairs. data.treaties(obligation='border', in_force_on={day_arg}) also has the "
        "multilateral ones, if any.",
        "Take the features of data.countries_geo() whose properties['iso3'] is in your set of states and pass "
        "them to folium.GeoJson; draw folium.PolyLine between capitals (data.load('countries')) inside "
        f"folium.FeatureGroup(name='{BORDER_LAYER}').",
    ],
    mistakes=[
        (
            lambda got: "CHN" in _shaded_codes(got),
            "China's border agreements with Kazakhstan, Kyrgyzstan and Tajikistan have no entry-into-force date "
            "in the dataset, so they are not shown as in force: do not shade China.",
        ),
        (
            lambda got: "TKM" in _shaded_codes(got),
            "Turkmenistan has no border treaty in force in the dataset: do not shade it.",
        ),
        (
            lambda got, expected: _shaded_codes(got) == set(border_treaty_states()) != set(expected["shaded"]),
            "You shaded the states bound on data.AS_OF; the question asks for the border treaties in force "
            "on {day}.",
        ),
    ],
)

q9 = ReflectionQuestion(
    "Which single instrument most binds Central Asia's security, and why? Name it, say which states it binds "
    "and what it obliges them to do, and give one limit of it (about 150-250 words).",
    model_answer=(
        "A strong case can be made for the Collective Security Treaty of 15 May 1992. It is the only "
        "instrument in the dataset with a multilateral defence pledge that is in force for Central Asian "
        "states: under Article 4, aggression against one party is aggression against all, and the others "
        "give the necessary assistance, including military. It binds Kazakhstan, Kyrgyzstan and Tajikistan "
        "(with Russia, Belarus and Armenia), and the 2002-2003 CSTO Charter built an organisation, councils "
        "and joint forces on it; Russia's bases in Kyrgyzstan and Tajikistan and the Kazakh-Russian joint "
        "planning agreement rest on the same alliance. Its limits are real: it does not bind Uzbekistan "
        "(out since 1999, back 2006-2012) or neutral Turkmenistan; in practice assistance needs a decision "
        "of the Collective Security Council, and Kyrgyzstan's request for troops in June 2010 was turned down. Another defensible "
        "answer is the Semipalatinsk treaty, a security treaty ratified by all five states, whose "
        "protocol gives them legal assurances from nuclear powers - but it forbids nuclear weapons rather than "
        "promising defence. Bilateral 'allied' treaties between Central Asian states bind less: no pledge of "
        "assistance was found in them (the Kazakh-Uzbek treaty's published draft promises consultations "
        "and non-aggression)."
    ),
    rubric=[
        "Names one specific instrument (not 'the CSTO' in general) and dates it correctly (e.g. CST 1992 vs "
        "Charter 2002/2003).",
        "Says which of the five states it binds and which it does not (Uzbekistan, Turkmenistan).",
        "States what the instrument obliges (assistance, consultation, no nuclear weapons ...) in the "
        "vocabulary of the lesson, and does not confuse a declaration with a defence pledge.",
        "Gives at least one limit or counter-argument supported by evidence (e.g. Kyrgyzstan 2010, "
        "no US ratification of the nuclear-free-zone protocol found, 'allied' treaties without defence).",
    ],
    min_words=60,
    hints=[
        "Candidates: the Collective Security Treaty (1992), the CSTO Charter (2002), the Semipalatinsk "
        "nuclear-weapon-free-zone treaty (2006), a Russian base agreement, a Central Asian 'allied' treaty.",
        "For your candidate, use data.treaties() to see who is bound today and which obligations it carries; "
        "then ask what happened when it was tested (the lesson's section on the CST).",
    ],
)

q10 = ReflectionQuestion(
    "Coding memo (300-450 words). After the workshop (q7), compare your codes with a partner's and with the "
    "course's. Report your agreement (how many excerpts alike, and Cohen's kappa), take the two excerpts on "
    "which you disagreed most and argue, from the codebook's definitions, which reading is right. Then "
    "judge: do the region's 'allied' treaties deserve the name? End with one limit of coding from excerpts.",
    model_answer=(
        "My partner and I coded eight of the ten excerpts alike (kappa about 0.74); against the course's "
        "coding I had nine of ten. Our first disagreement was the clause in which each party promises not to "
        "join blocs directed against the other and not to let its territory be used for aggression against "
        "it. My partner read it as non-aggression, because it is about not harming the partner. The codebook "
        "separates the two: non-aggression is a promise not to attack the partner, neutrality a promise not "
        "to help whoever attacks it. Denying one's territory and support to an attacker is the second, so "
        "neutrality is the better code; the course's own dataset uses the wider word nonaggression for such "
        "clauses, which shows how a vocabulary choice moves a count. Our second disagreement was the US "
        "declaration of 2002. 'Grave concern' sounds like a commitment, but the codebook's consultation "
        "obligation needs a promise to consult in a crisis with the aim of a common policy, and defence needs "
        "a promise of military support; the sentence makes neither, so it is none. Do the 'allied' treaties "
        "deserve the name? Only in part. The Kazakh-Uzbek treaty of 2022 promises consultations and peaceful "
        "measures when a third state threatens attack, plus non-aggression and neutrality between the two; "
        "nowhere does it promise help to a victim, which is what an alliance in the ATOP sense requires. "
        "Its value is political: it commits two former rivals to talk first and not to be used against each "
        "other. The only bilateral defence promise of a Central Asian state in the data is with Russia (2005). "
        "A limit: several excerpts were read in translation or in news summaries of the text rather than in "
        "the official text, and two key documents - the CSTO Charter's decision rule and the articles of the "
        "1992 Kazakh-Russian treaty - were not read at all, so the coding of the region's web is incomplete."
    ),
    rubric=[
        ("Reports agreement with the partner and the course as counts and Cohen's kappa, and says what the "
         "kappa means (agreement beyond chance).", 2),
        ("Argues each of two disagreements from the codebook's definitions (defence vs neutrality vs "
         "non-aggression vs consultation), not from titles or impressions.", 2),
        ("Judges whether the 'allied' treaties deserve the name, with evidence from the excerpts or the "
         "data (e.g. consultation and peaceful settlement rather than assistance).", 2),
        ("Names a real limit of coding from excerpts (translation, summaries, unread articles, one code per "
         "excerpt) and what it does to the result.", 2),
    ],
    hints=[
        "Start with the numbers: ex.q7.check(...) gives your kappa with the course's codes; "
        "coding.agreement_summary(your_codes, partner_codes) gives it with your partner.",
        "For each disagreement, quote the definition that decides it (ex.ATOP_DEFINITIONS) and say which "
        "words of the excerpt meet it or fail it.",
    ],
)

# Practice questions for the lesson's 'Check your understanding' quizzes: not graded, not in the
# exercise set (casecurity.practice).
PRACTICE = practice_set(
    p1=ChoiceQuestion(
        "In the course's vocabulary of obligations, what does the code 'declaration' mark?",
        options={
            'a': 'A treaty that declares war or a state of emergency',
            'b': 'A political text, not a treaty, whatever it promises',
            'c': 'A treaty whose text has been officially published',
            'd': 'A treaty in force for all parties on the as-of date',
        },
        answer='b',
        explanations={
            'a': 'No: the code says what kind of document it is, not what it is about.',
            'b': 'Right: a declaration is a political statement (the 2002 US-Uzbek one, the 2025 Kazakh-Russian one); it is never coded defense.',
            'c': 'Publication has nothing to do with it; most treaties in the data are published.',
            'd': 'Being in force is recorded in in_force_date, not in the obligation codes.',
        },
    ),
    p2=ChoiceQuestion(
        'What did the Semipalatinsk treaty of 2006 oblige the five states to do?',
        options={
            'a': 'Host no foreign military bases of any kind on their soil',
            'b': 'Defend one another against any nuclear-armed state',
            'c': 'Leave the CSTO within ten years of entry into force',
            'd': 'Not make, acquire or station nuclear weapons at home',
        },
        answer='d',
        explanations={
            'a': "Bases are not its subject; Russia's bases stayed.",
            'b': 'It promises no defence; it creates a nuclear-weapon-free zone.',
            'c': 'It leaves CSTO membership untouched, although Western nuclear powers objected to its relation to the 1992 treaty.',
            'd': 'Right: the treaty, in force since 21 March 2009, makes Central Asia a nuclear-weapon-free zone binding all five.',
        },
    ),
    p3=ChoiceQuestion(
        'What did the Kyrgyz-Tajik treaty of 13 March 2025 do?',
        options={
            'a': 'It created a joint CSTO peacekeeping force in Batken',
            'b': 'It gave Uzbekistan a corridor through the Fergana valley',
            'c': "It fixed the line of the two states' common border",
            'd': "It ended both states' membership of the CSTO",
        },
        answer='c',
        explanations={
            'a': 'No CSTO force was created; the CSTO stayed out of the dispute.',
            'b': 'Uzbekistan is not a party to it; the point where the three borders meet was settled at Khujand on 31 March 2025.',
            'c': 'Right: it is a treaty on the state border, settling the line whose disputes led to the clashes of 2021 and 2022.',
            'd': 'Both remain CSTO members.',
        },
    ),
)

define_lesson(__name__, title="Treaties: the legal web", notebook="03_treaties")
