"""Lesson 03 (treaties: the legal web): questions and two lesson helpers.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`,
so a correction to ``data/treaties.csv`` or ``data/treaty_parties.csv`` updates the
answer key too.

Besides the question types of :mod:`casecurity.exercises`, this module defines
:class:`CodeSetQuestion`: the learner codes a treaty by hand (a set of obligation
words) and is compared with the dataset's coding. The helpers
:func:`obligations_by_decade` and :func:`bilateral_partners` build the tables the
lesson shows; no package function builds them yet (see the lesson-03 report).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

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

# The obligation words a learner uses in q7: the ATOP-style security core of the vocabulary.
SECURITY_CODES = ("defense", "nonaggression", "neutrality", "consultation", "basing", "declaration")
# The treaty q7 asks the learner to code (a real row of data/treaties.csv).
CODED_TREATY = "kaz_uzb_allied_relations_2022"
# The layer name q8 looks for in the learner's map.
BORDER_LAYER = "Border treaties"
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


# ---------------------------------------------------------------------------------- CodeSetQuestion


def _code_items(answer) -> list | None:
    """The answer's items: a "a; b" / "a, b" string split, or the items of a list/set/Series."""
    if isinstance(answer, str):
        return [part for part in answer.replace(",", ";").split(";") if part.strip()]
    if isinstance(answer, bytes | bytearray | dict) or not isinstance(answer, Iterable):
        return None
    return list(answer)[:50]


def _normalise_code(text: str) -> str:
    word = "_".join(text.strip().lower().replace("-", " ").split())
    # British spelling and the obvious variants learners type.
    return {"defence": "defense", "non_aggression": "nonaggression", "consultations": "consultation",
            "bases": "basing", "base": "basing"}.get(word, word)  # fmt: skip


class CodeSetQuestion(Question):
    """A set of obligation words (e.g. ``{"consultation", "nonaggression"}``), any case or order.

    ``expected`` returns the accepted set; ``vocabulary`` lists the words the learner may use.
    "defence" is read as "defense". The mistake predicates receive the frozenset of words.
    """

    kind = "codes"

    def __init__(self, prompt, expected, *, vocabulary: Iterable[str], **kwargs):
        super().__init__(prompt, **kwargs)
        self.expected = expected
        self.vocabulary = list(vocabulary)

    def _compute_expected(self) -> frozenset[str]:
        return frozenset(self._expected(self.expected))

    def _wanted(self):
        return "a set of obligation words, e.g. {'consultation', 'basing'}"

    def _grade(self, answer, expected: frozenset[str]):
        items = _code_items(answer)
        if items is None:
            return (
                "incorrect",
                (f"give a set of words such as {{'consultation', 'basing'}}, not {_a_type(answer)}."),
                None,
            )
        words = set()
        for item in items:
            if not isinstance(item, str):
                return "incorrect", f"{item!r} is not a word: give the obligation words as text.", None
            word = _normalise_code(item)
            if word not in self.vocabulary:
                close = difflib.get_close_matches(word, self.vocabulary, n=1, cutoff=0.6)
                tip = f" Did you mean {close[0]!r}?" if close else ""
                return (
                    "incorrect",
                    (
                        f"{item.strip()!r} is not one of the words to use here "
                        f"({', '.join(self.vocabulary)}).{tip}"
                    ),
                    None,  # no mistake message: the vocabulary message is the useful one
                )
            words.add(word)
        found = frozenset(words)
        if found == expected:
            return (
                "correct",
                f"{', '.join(sorted(found)) or 'no code'}: the same coding as the dataset.",
                found,
            )
        if not found:
            return "incorrect", "your set is empty.", found
        parts = []
        if expected - found:
            parts.append(f"missing {len(expected - found)} code(s)")
        if found - expected:
            parts.append(f"{', '.join(sorted(found - expected))} should not be there")
        return "incorrect", "; ".join(parts) + ".", found


# ----------------------------------------------------------------------------------------- answers


def _treaty_row(treaty_id: str):
    table = _data().load("treaties")
    return table.loc[table["id"] == treaty_id].iloc[0]


def _partner_counts(power: str = "RUS") -> dict[str, int]:
    """Number of bilateral rows (declarations included) between ``power`` and each partner."""
    counts: dict[str, int] = {}
    for cell in _data().treaties(party=power, kind="bilateral")["parties"]:
        for code in set(cell.split(";")) - {power}:
            counts[code] = counts.get(code, 0) + 1
    return counts


def _top_russian_partner() -> set[str]:
    """Accepted answers: ISO3 code and name of the partner(s) with the most bilateral rows."""
    data = _data()
    counts = _partner_counts("RUS")
    best = max(counts.values())
    leaders = [code for code, count in counts.items() if count == best]
    return {text for code in leaders for text in (code, data.country_name(code))}


def _is_country(answer: object, code: str) -> bool:
    return isinstance(answer, str) and _data().iso3_of(answer) == code


def _uzbek_defence_partners() -> list[str]:
    """Partners of Uzbekistan in bilateral treaties coded ``defense`` (any date)."""
    table = _data().treaties(party="UZB", obligation="defense", kind="bilateral")
    return sorted({code for cell in table["parties"] for code in cell.split(";")} - {"UZB"})


def defence_or_basing_in_force(on=None):
    """Treaties in force on ``on`` (default: as-of date) with a defense or basing obligation
    that bind at least one Central Asian state that day; columns id, obligations."""
    data = _data()
    table = data.treaties(in_force_on=data.AS_OF if on is None else on)
    states = set(_data().central_asia())
    wanted = table["obligations"].map(lambda cell: bool(_codes(cell) & {"defense", "basing"}))
    binding = table["parties"].map(lambda cell: bool(set(cell.split(";")) & states))
    return table.loc[wanted & binding, ["id", "obligations"]].reset_index(drop=True)


def _coded_treaty_codes() -> frozenset[str]:
    return frozenset(_codes(_treaty_row(CODED_TREATY)["obligations"]) & set(SECURITY_CODES))


def border_treaty_states(on=None) -> list[str]:
    """States bound on ``on`` (default: as-of date) by a treaty with a border obligation."""
    data = _data()
    table = data.treaties(obligation="border", in_force_on=data.AS_OF if on is None else on)
    return sorted({code for cell in table["parties"] for code in cell.split(";") if code})


def _ids(frame) -> set[str]:
    return set(frame["id"].astype(str))


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
    "Count every bilateral row of data.treaties(party='RUS', kind='bilateral') (declarations included). "
    "Which Central Asian state has the most bilateral treaties and declarations with Russia? "
    "Give its name or ISO3 code.",
    expected=_top_russian_partner,
    hints=[
        "Start from data.treaties(party='RUS', kind='bilateral') and look at its 'parties' column.",
        "Each 'parties' cell reads like 'KAZ;RUS': count the cells per value with .value_counts().",
    ],
    mistakes=[
        (
            lambda got: _is_country(got, "RUS"),
            "Russia is the partner we count against: name the other party.",
        ),
        (
            lambda got: _is_country(got, "TJK"),
            "Tajikistan hosts Russia's largest base, but another state has more rows: count every row, "
            "declarations included.",
        ),
        (
            lambda got: _is_country(got, "UZB") or _is_country(got, "KGZ"),
            "Count again: Uzbekistan and Kyrgyzstan have only a few bilateral documents with Russia in the data.",
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
    "With which states has Uzbekistan concluded a bilateral treaty coded 'defense' in the dataset "
    "(at any time)? Give names or ISO3 codes, Uzbekistan itself excluded.",
    expected=_uzbek_defence_partners,
    hints=[
        "data.treaties(party='UZB', obligation='defense', kind='bilateral') lists the treaties.",
        "Split each 'parties' cell on ';' and drop 'UZB'.",
    ],
    mistakes=[
        (
            lambda got: "USA" in got,
            "The 2002 US-Uzbek document is a political declaration: the US 'would regard with grave concern' a "
            "threat, with no promise to help; it is coded declaration, not defense.",
        ),
        (
            lambda got: "CHN" in got,
            "Uzbekistan's documents with China (2005, 2013, ...) are partnership and friendship treaties; "
            "none is a defence pact.",
        ),
        (
            lambda got: bool({"KAZ", "TJK"} & got),
            "The 2022 Kazakh-Uzbek and 2024 Tajik-Uzbek treaties are called 'allied', but no pledge of "
            "assistance to a party under attack was found in them: the Kazakh-Uzbek draft promises consultations "
            "and non-aggression, and summaries of the Tajik-Uzbek text list cooperation (including against "
            "terrorism). Neither is coded defense; read their notes in data.load('treaties').",
        ),
        (lambda got: "UZB" in got, "Leave Uzbekistan itself out: the question asks for its partners."),
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
    "Build a DataFrame with columns id and obligations: the treaties in force on data.AS_OF that carry a "
    "'defense' or a 'basing' obligation and bind at least one Central Asian state on that day.",
    expected=defence_or_basing_in_force,
    key="id",
    columns=["id", "obligations"],
    hints=[
        "data.treaties(in_force_on=data.AS_OF) keeps only treaties in force that day, and its 'parties' "
        "column then lists only the states bound that day.",
        "Keep the rows whose obligations (split on ';') contain 'defense' or 'basing' and whose parties "
        "include one of KAZ, KGZ, TJK, TKM, UZB.",
    ],
    mistakes=[
        (
            lambda got: bool(_ids(got) & _expired_ids()),
            "Some of your treaties have expired (end_date before the day): e.g. the US base agreements at "
            "Karshi-Khanabad and Manas, or the 2004 Russia-Tajikistan base agreement replaced in 2014.",
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

q7 = CodeSetQuestion(
    f"Code a treaty yourself. Read the summary and the note of {CODED_TREATY} (data.load('treaties')), "
    f"then give the set of the words from {', '.join(SECURITY_CODES)} that apply to it. The checker "
    "compares your set with the dataset's coding.",
    expected=_coded_treaty_codes,
    vocabulary=SECURITY_CODES,
    hints=[
        "defense = a promise to help a party that is attacked; nonaggression = not to attack or join actions "
        "against the other; consultation = to consult when a threat arises; declaration = a political text, "
        "not a treaty.",
        "The note says what the text promises if a third state threatens an armed attack: consultation and "
        "peaceful measures, or assistance?",
    ],
    mistakes=[
        (
            lambda got: "defense" in got,
            "The word 'allied' in the title is not a pledge: the text promises immediate consultations and "
            "peaceful measures, not assistance to a party under attack, so it is not coded defense.",
        ),
        (
            lambda got: "declaration" in got,
            "This is a treaty, ratified by Kazakhstan in 2024, not a political declaration.",
        ),
        (
            lambda got: "basing" in got,
            "Nothing in it lets one party station forces on the other's territory.",
        ),
        (
            lambda got: "nonaggression" not in got,
            "Reread the summary: neither joins blocs or actions directed against the other. Which word is that?",
        ),
    ],
)

q8 = MapQuestion(
    f"Build a folium map of the border treaties in force on data.AS_OF: a FeatureGroup named "
    f"'{BORDER_LAYER}' with one line between the capitals of each pair of parties, and a GeoJson layer that "
    "shades exactly the states bound by at least one of these treaties.",
    layers=[BORDER_LAYER],
    shaded=border_treaty_states,
    hints=[
        "maps.treaty_network_map(obligation='border') shows the bilateral part of the answer; its .table "
        "lists the pairs. data.treaties(obligation='border', in_force_on=data.AS_OF) also has the "
        "multilateral Khujand treaty.",
        "Take the features of data.countries_geo() whose properties['iso3'] is in your set of states and pass "
        "them to folium.GeoJson; draw folium.PolyLine between capitals (data.load('countries')) inside "
        "folium.FeatureGroup(name='Border treaties').",
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

define_lesson(__name__, title="Treaties: the legal web", notebook="03_treaties")
