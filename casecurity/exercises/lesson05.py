"""Lesson 05 (threats and challenges): questions and two lesson helpers.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`
(``events.csv`` and ``cyber_index.csv``), so a corrected row updates the answer key too.

Helper used by the lesson notebook: :func:`gci_overview` — the ITU Global Cybersecurity
Index results of the five states, one row per state, one column per edition, written out in
words (rank or tier). The Fergana valley map is ``maps.region_map(focus="fergana")``.
"""

from __future__ import annotations

from casecurity.exercises import (
    ChoiceQuestion,
    FunctionQuestion,
    MapQuestion,
    ReflectionQuestion,
    TableQuestion,
    ValueQuestion,
    define_lesson,
)
from casecurity.practice import practice_set

# The GCI edition whose ranks q1 asks about by default, and the first edition published as tiers.
GCI_RANK_EDITION = 2020
GCI_TIER_EDITION = 2024
# Tier names as published in GCI 2024 (Kazinform, 13 Sep 2024, quoting the ITU report).
GCI_TIER_NAMES = {"1": "Role-modelling", "2": "Advancing", "3": "Establishing", "4": "Evolving", "5": "Building"}

# q1's variants: (edition, position). Counting from the worst end is asked only of 2017, the one edition
# in which all five states have a rank; in 2020 Tajikistan and Turkmenistan have none (the ITU put them in
# the lowest score band), so the best three positions among the ranked states are still their true order.
GCI_RANK_POSITIONS = {"best": 0, "second-best": 1, "third-best": 2, "second-worst": -2, "worst": -1}
GCI_RANK_QUESTIONS = [
    (2020, "best"), (2020, "second-best"), (2020, "third-best"),
    (2017, "best"), (2017, "second-best"), (2017, "third-best"), (2017, "second-worst"), (2017, "worst"),
]

# q3's variants: (edition, column) pairs in which every one of the five states has a row.
GCI_TABLE_QUESTIONS = [(2024, "tier"), (2017, "rank"), (2020, "rank"), (2020, "score"), (2024, "score")]

# q4's variants: (category, plural label, first state, second state); every pair has at least one event.
PAIR_QUESTIONS = [
    ("armed_clash", "armed clashes", "KGZ", "TJK"),
    ("armed_clash", "armed clashes", "KGZ", "UZB"),
    ("armed_clash", "armed clashes", "TJK", "UZB"),
    ("armed_clash", "armed clashes", "TJK", "AFG"),
    ("terrorist_attack", "terrorist attacks", "TJK", "CHN"),
    ("terrorist_attack", "terrorist attacks", "TJK", "RUS"),
]

# q6's variants: category, plural label, column name, one event (bare and with its article).
DECADE_QUESTIONS = [
    ("terrorist_attack", "terrorist attacks", "attacks", "attack", "an attack"),
    ("armed_clash", "armed clashes", "clashes", "clash", "a clash"),
    ("exercise", "military exercises", "exercises", "exercise", "an exercise"),
    ("treaty", "treaty events", "treaties", "treaty", "a treaty"),
    ("unrest", "episodes of unrest", "episodes", "episode", "an episode"),
    ("deployment", "deployments", "deployments", "deployment", "a deployment"),
    ("diplomacy", "diplomatic events", "events", "diplomatic event", "a diplomatic event"),
]

# q7's variants: category, the exact countries value of the first test's events, how the prompt names
# those events, and how it names the whole category (tests check the counts these texts give).
FATALITY_QUESTIONS = [
    ("armed_clash", "KGZ;TJK", "the two Kyrgyz–Tajik border clashes", "every armed clash"),
    ("armed_clash", "AFG;TJK", "the two Tajik–Afghan border clashes of 2025 and 2026", "every armed clash"),
    ("armed_clash", "KGZ;TJK;UZB", "the two IMU incursions of 1999 and 2000", "every armed clash"),
    ("terrorist_attack", "UZB", "the two attacks in Uzbekistan of 1999 and 2004", "every terrorist attack"),
    ("unrest", "KGZ", "the two episodes of unrest in Kyrgyzstan in 2010", "every episode of unrest"),
    ("unrest", "UZB", "the unrest of Andijan (2005) and of Karakalpakstan (2022)", "every episode of unrest"),
]

# q9's variants: a category and one of its events in words; the marker counts all differ.
MAP_QUESTIONS = [
    ("armed_clash", "armed clash"),
    ("terrorist_attack", "terrorist attack"),
    ("exercise", "military exercise"),
    ("treaty", "treaty event"),
    ("withdrawal", "withdrawal of foreign forces"),
    ("independence", "declaration of independence"),
    ("diplomacy", "diplomatic event"),
]

def _data():
    from casecurity import data

    return data


# --------------------------------------------------------------------------- stub-aware function question


# --------------------------------------------------------------------------- lesson helpers


def gci_overview():
    """The GCI results of the five states as a readable table (one row per state, one column per edition).

    A cell says ``rank 31`` for the ranked editions (2017–2020), ``Tier 2 (Advancing)`` for 2024,
    and ``—`` where the data row is empty (not published, or not found in a source we could read).
    Scores are left out: they are missing for most rows and the 2017 scale differs (0–1).
    """
    import pandas as pd

    data = _data()
    cyber = data.load("cyber_index")
    editions = sorted(int(e) for e in cyber["edition"].dropna().unique())
    rows = {}
    for code in _data().central_asia():
        cells = []
        for edition in editions:
            row = cyber[(cyber["iso3"] == code) & (cyber["edition"] == edition)]
            cells.append(_gci_cell(row.iloc[0]) if len(row) else "—")
        rows[data.country_name(code)] = cells
    table = pd.DataFrame.from_dict(rows, orient="index", columns=[f"GCI {e}" for e in editions])
    table.index.name = "country"
    return table


def _gci_cell(row) -> str:
    import pandas as pd

    if not pd.isna(row["tier"]) and str(row["tier"]).strip():
        tier = str(row["tier"]).strip()
        return f"Tier {tier} ({GCI_TIER_NAMES.get(tier, '?')})"
    if not pd.isna(row["rank"]):
        return f"rank {int(row['rank'])}"
    return "—"


# --------------------------------------------------------------------------- expected answers


def _gci_edition(edition: int):
    cyber = _data().load("cyber_index")
    return cyber[cyber["edition"] == edition]


def _ranked_codes(edition: int) -> list[str]:
    """The states with a rank in one edition, best (smallest rank number) first."""
    ranked = _gci_edition(edition).dropna(subset=["rank"]).sort_values("rank")
    return [str(code) for code in ranked["iso3"]]


def _ranked_state(edition=GCI_RANK_EDITION, position="best") -> str:
    return _ranked_codes(edition)[GCI_RANK_POSITIONS[position]]


def _unranked(edition: int) -> set[str]:
    rows = _gci_edition(edition)
    return set(rows.loc[rows["rank"].isna(), "iso3"].astype(str))


def _names_for(code: str) -> set[str]:
    """Accepted spellings of one state: its ISO3 code and its course name."""
    return {code, _data().country_name(code)}


def _is_state(answer, code: str) -> bool:
    if not isinstance(answer, str):
        return False
    try:
        return _data().iso3_of(answer.strip()) == code
    except Exception:
        return False


def _gci_column(edition=GCI_TIER_EDITION, column="tier"):
    rows = _gci_edition(edition)
    return rows[["iso3", column]].sort_values("iso3").reset_index(drop=True)


def _involves_all(countries, codes) -> bool:
    return set(codes) <= set(str(countries or "").split(";"))


def _events_with_both(category="armed_clash", first="KGZ", second="TJK", **_labels):
    """Events of one category whose countries include both states (others may be listed too)."""
    events = _data().events(category=category)
    mask = events["countries"].apply(lambda c: _involves_all(c, (first, second)))
    return events.loc[mask, ["id", "start_date", "fatalities_low", "fatalities_high"]].reset_index(drop=True)


def _pair_params(category: str, events: str, first: str, second: str) -> dict:
    names = _data().country_name
    return {"category": category, "events": events, "first": first, "first_name": names(first),
            "second": second, "second_name": names(second)}


def _events_exactly(category: str, countries: str):
    """Events of one category whose countries are exactly these (e.g. the Kyrgyz–Tajik border clashes)."""
    events = _data().events(category=category)
    mask = events["countries"].apply(lambda c: set(str(c or "").split(";")) == set(countries.split(";")))
    return events.loc[mask].reset_index(drop=True)


def _events_by_decade(category="terrorist_attack", column="attacks", **_labels):
    chosen = _data().events(category=category)
    decades = (chosen["start_date"].dt.year // 10 * 10).astype(int)
    table = decades.value_counts().sort_index().rename_axis("decade").reset_index(name=column)
    return table


def _sum_range(events) -> tuple[int, int]:
    return int(events["fatalities_low"].sum()), int(events["fatalities_high"].sum())


def _fatality_cases(category="armed_clash", countries="KGZ;TJK", **_labels):
    chosen = _events_exactly(category, countries)
    whole_category = _data().events(category=category)
    one_row = chosen.head(1)
    return [((frame,), _sum_range(frame)) for frame in (chosen, whole_category, one_row)]


def _drawn_events(category=None, **_labels) -> int:
    """How many events (of one category, or all) have coordinates: one marker each."""
    events = _data().events(category=category)
    return int((events["lat"].notna() & events["lon"].notna()).sum())


def _marker_count(m) -> int | None:
    import folium

    from casecurity.exercises import walk_elements as _walk

    if not isinstance(m, folium.Map):
        return None
    return sum(isinstance(e, folium.Marker) for e in _walk(m))


# --------------------------------------------------------------------------- mistakes
# Predicates get (answer, expected) only; those that need the variant read it from the question.


def _worst_of_ranked(got, expected) -> bool:
    """A best-end question answered with the state that has the largest rank number."""
    params = q1.params
    worst = _ranked_codes(params["edition"])[-1]
    return GCI_RANK_POSITIONS[params["position"]] >= 0 and worst not in expected and _is_state(got, worst)


def _counted_from_the_other_end(got, expected) -> bool:
    params = q1.params
    mirrored = _ranked_codes(params["edition"])[-1 - GCI_RANK_POSITIONS[params["position"]]]
    return mirrored not in expected and _is_state(got, mirrored)


def _has_no_rank(got) -> bool:
    return any(_is_state(got, code) for code in _unranked(q1.params["edition"]))


def _is_tier_question(expected) -> bool:
    return "tier" in expected.columns


def _asked_column_empty(df, expected) -> bool:
    column = expected.columns[-1]
    return bool(df[column].isna().all()) and bool(expected[column].notna().any())


def _another_editions_values(df, expected) -> bool:
    """The asked column holds the values of another edition (filtered on the wrong edition)."""
    column = expected.columns[-1]
    given = dict(zip(df["iso3"].astype(str), df[column].astype(str), strict=True))
    cyber = _data().load("cyber_index")
    for edition, rows in cyber.groupby("edition"):
        if edition == q3.params["edition"] or rows[column].isna().all():
            continue
        if given == dict(zip(rows["iso3"].astype(str), rows[column].astype(str), strict=True)):
            return True
    return False


def _pair_event_codes(df) -> list[set[str]]:
    """The countries of each event in the learner's table (events the data does not know are skipped)."""
    known = _data().load("events").set_index("id")["countries"]
    return [set(str(known[i]).split(";")) for i in df["id"] if i in known.index]


def _lists_one_of_the_pair(df) -> bool:
    pair = {q4.params["first"], q4.params["second"]}
    return any(len(codes & pair) == 1 for codes in _pair_event_codes(df))


def _lists_neither_of_the_pair(df) -> bool:
    pair = {q4.params["first"], q4.params["second"]}
    return any(not codes & pair for codes in _pair_event_codes(df))


def _other_category(df) -> bool:
    categories = _data().load("events").set_index("id")["category"]
    return any(categories[i] != q4.params["category"] for i in df["id"] if i in categories.index)


def _left_out_wider_events(df, expected) -> bool:
    """Events that list a third state besides the pair are expected, and none of them was given."""
    wider = {i for i, codes in zip(expected["id"], _pair_event_codes(expected), strict=True) if len(codes) > 2}
    return bool(wider) and wider.isdisjoint(set(df["id"]))


def _call_first_case(function, cases):
    (args, wanted) = cases[0]
    return function(*args), wanted


def _one_bound_only(function, cases) -> bool:
    given, (low, high) = _call_first_case(function, cases)
    values = tuple(int(v) for v in given)
    return low != high and values in {(low, low), (high, high)}


def _single_number(function, cases) -> bool:
    given, _wanted = _call_first_case(function, cases)
    return not isinstance(given, tuple | list)


def _list_not_tuple(function, cases) -> bool:
    given, wanted = _call_first_case(function, cases)
    return isinstance(given, list) and tuple(int(v) for v in given) == wanted


def _filtered_itself(function, cases) -> bool:
    # The learner's function may filter on its own: compare with the sums over every event of the
    # category that lists at least the first test's states (for the default, the IMU incursions too).
    params = q7.params
    given, wanted = _call_first_case(function, cases)
    broad = _data().events(category=params["category"])
    broad = broad[broad["countries"].apply(lambda c: _involves_all(c, params["countries"].split(";")))]
    values = tuple(int(v) for v in given)
    return values != wanted and values == _sum_range(broad)

# --------------------------------------------------------------------------- questions

q1 = ValueQuestion(
    "In the ITU Global Cybersecurity Index {edition}, which of the five Central Asian states had the "
    "{position} global rank? Give its name or ISO3 code.",
    expected=lambda edition, position: _names_for(_ranked_state(edition, position)),
    params=lambda rng: dict(zip(("edition", "position"), rng.choice(GCI_RANK_QUESTIONS), strict=True)),
    default_params={"edition": GCI_RANK_EDITION, "position": "best"},
    hints=[
        "Load data.load('cyber_index') and keep the rows of the {edition} edition.",
        "Rank 1 is the best position in the world, so a smaller rank number is a better position; rows with "
        "an empty rank were not published or not found — drop them (dropna(subset=['rank'])) before "
        "sort_values('rank'), then count from the right end of the sorted table.",
    ],
    mistakes=[
        (_worst_of_ranked,
         "That state has the highest rank *number*, which is the worst position: rank 1 is the best."),
        (_counted_from_the_other_end,
         "You counted from the wrong end: a larger rank *number* is a worse position (rank 1 is the best)."),
        (_has_no_rank,
         "That state has no {edition} rank in the data (empty cell: not published or not found), so it cannot "
         "be the {position}-ranked one."),
    ],
)


q2 = ChoiceQuestion(
    f"In cyber_index.csv every {GCI_TIER_EDITION} row has a tier but an empty rank. Why?",
    options={
        "a": "The course lost the ranks when it converted the ITU report's tables to CSV.",
        "b": "The five states refused to answer the ITU's 2024 survey, so none was ranked.",
        "c": "The 2024 edition replaced the world ranking with five tiers: no rank to record.",
        "d": "A tier is just the rank divided by 40, so the course dropped the redundant rank.",
    },
    answer="c",
    explanations={
        "a": "No: the ITU itself stopped publishing ranks in 2024; the empty rank cells are faithful to "
             "the source.",
        "b": "No: all five have a 2024 tier, which the ITU gives only to states it assessed.",
        "c": "Right: GCI 2024 groups countries into five tiers (Tier 1 'Role-modelling' to Tier 5 "
             "'Building'); compare states within an edition, and do not line a 2024 tier up against a "
             "2020 rank as if they were the same scale.",
        "d": "No: tiers are bands of the overall score (e.g. Tier 3 'Establishing' = 55–85 points), not "
             "ranks.",
    },
    hints=["Look at the note column of a 2024 row.", "What changed in the fifth edition of the index?"],
)

q3 = TableQuestion(
    "Make a DataFrame with the GCI {edition} {column} of each of the five states: columns 'iso3' and "
    "'{column}', one row per state.",
    expected=_gci_column,
    params=lambda rng: dict(zip(("edition", "column"), rng.choice(GCI_TABLE_QUESTIONS), strict=True)),
    default_params={"edition": GCI_TIER_EDITION, "column": "tier"},
    key="iso3",
    hints=[
        "Filter data.load('cyber_index') on the edition column.",
        "Keep the columns with double brackets: rows[['iso3', '{column}']].",
    ],
    mistakes=[
        (lambda df, expected: _is_tier_question(expected) and "rank" in df.columns and "tier" not in df.columns,
         "2024 uses tiers, not ranks: the rank column is empty for that edition — keep the 'tier' column."),
        (lambda df, expected: _is_tier_question(expected) and df["tier"].isna().all(),
         "Your tier column is empty: only the 2024 edition has tiers — check the edition you filtered on."),
        (lambda df, expected: _is_tier_question(expected)
         and df["tier"].astype(str).str.contains("tier", case=False).any(),
         "Keep the tier as it is in the data (e.g. '2'), without the word 'Tier'."),
        (_asked_column_empty,
         "Your '{column}' column is empty: check that you kept the rows of the {edition} edition."),
        (_another_editions_values,
         "Those are the values of another edition: keep the rows where edition == {edition}."),
    ],
)


q4 = TableQuestion(
    "Make a DataFrame of the {events} whose countries include both {first_name} ({first}) and "
    "{second_name} ({second}), with the columns 'id', 'start_date', 'fatalities_low' and 'fatalities_high'.",
    expected=_events_with_both,
    params=lambda rng: _pair_params(*rng.choice(PAIR_QUESTIONS)),
    default_params={"category": "armed_clash", "events": "armed clashes", "first": "KGZ",
                    "first_name": "Kyrgyzstan", "second": "TJK", "second_name": "Tajikistan"},
    key="id",
    hints=[
        "data.events(category='{category}', country='{first}') keeps the {events} that involve {first_name}.",
        "Then keep the rows whose 'countries' also contain {second}, e.g. "
        "df[df['countries'].str.contains('{second}')], and select the four columns.",
    ],
    mistakes=[
        (lambda df, expected: "1992_tjk_civil_war" in set(df["id"]) and "1992_tjk_civil_war" not in set(expected["id"]),
         "The Tajik civil war involved only Tajikistan in the data: keep events that list both {first} and "
         "{second}."),
        (_lists_neither_of_the_pair,
         "Some of your events involve neither {first_name} nor {second_name}: filter on the countries column."),
        (_lists_one_of_the_pair,
         "Some of your events list only one of the two states: keep events that list both {first} and {second}."),
        (_other_category, "Some of your events are not {events}: filter on category='{category}'."),
        (lambda df, expected: {"1999_batken_incursion", "2000_imu_incursions"} <= set(expected["id"])
         and {"1999_batken_incursion", "2000_imu_incursions"}.isdisjoint(set(df["id"])),
         "The IMU incursions of 1999 and 2000 list {first} and {second} too (their countries are "
         "'KGZ;TJK;UZB'): 'include both' does not mean 'exactly these two'."),
        (_left_out_wider_events,
         "Events that list {first} and {second} together with another state count too: 'include both' does "
         "not mean 'exactly these two'."),
        (lambda df: "fatalities_low" not in df.columns or "fatalities_high" not in df.columns,
         "Keep both fatality columns: the sources give a range (low–high), never one agreed number."),
    ],
)


q5 = ChoiceQuestion(
    "Kyrgyzstan and Tajikistan fought over their border in April 2021 and September 2022. Why did the CSTO not "
    "intervene militarily?",
    options={
        "a": "Both were members: the CSTO answers aggression from outside and left a clash between "
             "members to talks.",
        "b": "Kyrgyzstan had already left the CSTO in protest before the first of the two clashes, in "
             "April 2021.",
        "c": "The CSTO had no collective forces at all, so there was nothing it could send to a member "
             "state.",
        "d": "The UN Security Council passed a resolution that forbade any outside military intervention.",
    },
    answer="a",
    explanations={
        "a": "Right: Article 4 speaks of aggression against a member; with members on both sides, the "
             "CSTO treated it as a bilateral matter, called for a ceasefire and offered to help talks. "
             "Years earlier, after a shoot-out near Vorukh, its Secretary-General had said a third "
             "party had no right to interfere in such border incidents.",
        "b": "No: Kyrgyzstan has been a member since 1992 and its Security Council secretary said in "
             "Sept 2022 that leaving was not being considered.",
        "c": "No: the CSTO sent about 2,030 troops to Kazakhstan in January 2022, between the two "
             "clashes: eight months after the April 2021 fighting and eight months before the September "
             "2022 war.",
        "d": "No: the Security Council took no such decision; the constraint was the CSTO's own design.",
    },
    hints=["Who is a CSTO member?", "Against whom does Article 4 promise help?"],
)

q6 = TableQuestion(
    "Count the {events} in the events table by decade: a DataFrame with the columns 'decade' "
    "(e.g. 1990) and '{column}', one row per decade that has at least one {one}.",
    expected=_events_by_decade,
    params=lambda rng: dict(zip(("category", "events", "column", "one", "a_one"), rng.choice(DECADE_QUESTIONS),
                                strict=True)),
    default_params=dict(zip(("category", "events", "column", "one", "a_one"), DECADE_QUESTIONS[0], strict=True)),
    key="decade",
    hints=[
        "data.events(category='{category}') gives the {events}; their year is df['start_date'].dt.year.",
        "year // 10 * 10 turns 1999 into 1990; then value_counts().sort_index(), and "
        ".rename_axis('decade').reset_index(name='{column}').",
    ],
    mistakes=[
        (lambda df: (df["decade"].astype(int) < 1000).all(),
         "Your decades look like 199 and 200: multiply year // 10 by 10 again to get 1990, 2000, ..."),
        (lambda df, expected: int(df[expected.columns[-1]].sum()) > int(expected[expected.columns[-1]].sum()),
         "You counted more events than there are {events}: filter on category='{category}' first."),
        (lambda df, expected: (df[expected.columns[-1]] == 0).any(),
         "Leave out decades without {a_one} (the question asks for decades with at least one)."),
    ],
)


q7 = FunctionQuestion(
    "Write fatality_range(events) that takes a DataFrame of events and returns the tuple (low, high): the sum "
    "of 'fatalities_low' and the sum of 'fatalities_high' (missing values count as unknown, i.e. are skipped). "
    "It is tested on {subset} (countries exactly '{countries}'), on {every} and on a single event.",
    cases=_fatality_cases,
    params=lambda rng: dict(zip(("category", "countries", "subset", "every"), rng.choice(FATALITY_QUESTIONS),
                                strict=True)),
    default_params=dict(zip(("category", "countries", "subset", "every"), FATALITY_QUESTIONS[0], strict=True)),
    hints=[
        "pandas' .sum() already skips missing values: events['fatalities_low'].sum().",
        "Return both sums as a tuple of plain ints: return int(low), int(high).",
    ],
    mistakes=[
        (_one_bound_only,
         "You returned the same sum twice: add up the low bounds for 'low' and the high bounds for 'high' — "
         "a range has two ends."),
        (lambda function, cases: _call_first_case(function, cases)[0] is None,
         "Your function returned None: did you forget the return statement?"),
        (_single_number, "Return a pair (low, high), not a single number: the sources do not agree on one figure."),
        (_list_not_tuple, "The sums are right; return them as a tuple (low, high), not a list."),
        (_filtered_itself,
         "Your function filters the events itself and keeps events that list other states too: use the "
         "DataFrame it is given."),
    ],
)


q8 = ChoiceQuestion(
    "After the Taliban took Kabul on 15 August 2021, what did the CSTO actually do?",
    options={
        "a": "It sent a peacekeeping force across the border into northern Afghanistan in the autumn of "
             "2021.",
        "b": "It held big exercises in Tajikistan near the Afghan border and agreed to strengthen that "
             "border.",
        "c": "It invoked Article 4 on behalf of Tajikistan and formally named the Taliban as the "
             "aggressor.",
        "d": "Nothing: Afghanistan lies outside the CSTO's area of responsibility, so it was left to "
             "Russia.",
    },
    answer="b",
    explanations={
        "a": "No: no CSTO troops entered Afghanistan; the drills stayed on Tajik soil about 20 km from "
             "the border.",
        "b": "Right: about 4,000 troops in October 2021 (Poisk, Eshelon and Vzaimodeistvie 2021 at "
             "Kharb-Maidon and Momirak, after Rubezh-2021 in Kyrgyzstan in September); deterrence and "
             "reassurance rather than intervention.",
        "c": "No: there was no aggression against Tajikistan to invoke it for; the response was "
             "exercises and plans.",
        "d": "No: Afghanistan dominated the CSTO's Dushanbe summit of September 2021.",
    },
    hints=["Look at data.events(category='exercise', between=('2021-08-15', '2021-12-31')).",
           "Where were the exercises held, and on whose territory?"],
)

q9 = MapQuestion(
    "Build a map of every {one} in the events table (one marker per event that has coordinates), "
    "centred on Central Asia.",
    markers=_drawn_events,
    params=lambda rng: dict(zip(("category", "one"), rng.choice(MAP_QUESTIONS), strict=True)),
    default_params=dict(zip(("category", "one"), MAP_QUESTIONS[0], strict=True)),
    hints=[
        "maps.events_map(category='{category}') does it in one call.",
        "With folium: folium.Map(location=[42, 68], zoom_start=4), then one folium.CircleMarker per row of "
        "data.events(category='{category}').dropna(subset=['lat', 'lon']).",
    ],
    mistakes=[
        (lambda m: _marker_count(m) == _drawn_events(),
         "You drew every event: keep only category '{category}'."),
        (lambda m: _marker_count(m) == 0, "The map has no markers: add one per {one}."),
    ],
)


q10 = ReflectionQuestion(
    "Which threat covered in this lesson is most likely to draw an external power deeper into Central Asia, "
    "and which power? Argue in about 150–250 words, using at least two pieces of evidence from the lesson "
    "(events, data rows or cited sources).",
    model_answer=(
        "Spill-over from Afghanistan is the most likely trigger. It is the one threat that every outside power "
        "claims a stake in and that already produced a collective response: within two months of the Taliban "
        "taking Kabul (15 Aug 2021) the CSTO held three exercises with about 4,000 troops near the Tajik–Afghan "
        "border, run by the CSTO Joint Staff, with a Russian contingent from the Central Military District "
        "drawn mostly from the 201st base, and the SCO made "
        "Afghanistan the centre of its Dushanbe declaration. Russia is the power most likely to be drawn in, "
        "because it has troops on the spot (Tajikistan, Kyrgyzstan) and treaty commitments; China's interest "
        "shows in the reported outposts in the Tajik Pamirs and was raised by the raids from Afghanistan that "
        "killed five Chinese workers in Tajikistan in November 2025. ISIS-K's recruitment of Central Asians and the "
        "Crocus attack of 2024 tie terrorism to the same theatre. Border conflicts inside the region are less "
        "likely to draw a power in: in 2021 and 2022 the CSTO stayed out because both sides were members, and "
        "the 2025 treaties moved the dispute to diplomacy. Cyber threats draw in partners through training and "
        "equipment rather than troops. A counter-argument: Russia's war in Ukraine limits what it can send, "
        "which could open room for China."
    ),
    rubric=[
        "Names one threat and one external power, and says 'deeper' compared with what exists today.",
        "Uses at least two pieces of evidence from the lesson (e.g. the 2021 CSTO drills, the 201st base, the "
        "Dushanbe declaration, ISIS-K recruitment, the 2021/2022 clashes, the 2025 treaties).",
        "Explains the mechanism (treaty obligation, bases already present, threat to the power's own territory).",
        "Considers at least one counter-argument or a rival threat/power.",
        "Does not state invented numbers; ranges and dates come from the data or cited sources.",
    ],
    min_words=100,
    hints=[
        'List the threats of the lesson and, for each, which outside power has both a motive and an instrument (a base, a treaty, an organisation) to act on it.',
        'Support your choice with two pieces of evidence: an event from data.events(), a data row or a cited source, and say what would change your mind.',
    ],
)

q11 = ReflectionQuestion(
    (
        'Explanatory essay (250-450 words). Why did neither the CSTO nor the Central Asian '
        "states' own summit format prevent or stop the Kyrgyz-Tajik border clashes of 2021 and "
        "2022, and what did the 2025 border treaties change? Explain with the clashes' casualty "
        "ranges from the data, the CSTO's rules, and one explanation from the lesson for why the "
        'five rarely act together.'
    ),
    model_answer=(
        'The Kyrgyz-Tajik clashes were fought between two members of the same alliance, and the '
        "region's institutions are built to protect governments from outsiders and from unrest, "
        'not to judge between members. That is the main reason none of them stopped the fighting. '
        ''
        "The clashes were serious. The course's data give the deaths of April 2021 and of "
        "September 2022 as ranges, because the two governments' figures and independent counts "
        'differ; the 2022 fighting was the deadlier of the two at both ends of its range. Yet the '
        "CSTO's defence pledge, Article 4 of the 1992 treaty, concerns aggression by a state from "
        'outside: when both sides are members, taking a side would break the alliance, and a '
        'response needs a decision of its Collective Security Council that neither side would '
        'accept against itself, so the organisation offered calls for restraint and nothing more. '
        ''
        "The Central Asian states' own format is weaker still for this purpose. Their "
        'consultative summits have no secretariat, no forces and no dispute mechanism, and each '
        'state puts its sovereignty first: border lines, water and roads in the Fergana valley '
        'are matters neither Bishkek nor Dushanbe will let a third party decide. The uneven '
        "forces and Uzbekistan's and Turkmenistan's distance from blocs leave no neighbour able "
        'or willing to impose a settlement. '
        'What changed was bilateral. In March 2025 the two presidents signed a treaty on their '
        'state border, and at the end of that month the two of them and Uzbekistan signed the '
        'Khujand treaty on the point where their borders meet. These settle the line on paper. '
        'They leave open demarcation on the ground, access to water and roads across the '
        'enclaves, and whether local incidents can be kept from escalating - tasks for the two '
        'states, not for the CSTO.'
    ),
    rubric=[
        ('Explains the non-intervention with a causal argument (why), not a narrative (what happened).', 2),
        ("Uses the clashes' casualty ranges from the data correctly, as ranges, with their dates.", 2),
        ("Applies one explanation for why the five rarely act together (sovereignty first, regime security, uneven forces, Uzbekistan's and Turkmenistan's positions) to this case.", 2),
        ('Says what the 2025 treaties settled and what they left open.', 2),
    ],
    hints=[
        "data.load('events') has the 2021 and 2022 clashes with low and high casualty figures; quote both.",
        'Article 4 is about aggression by an outside state: what does the CSTO do when both sides are members?',
    ],
)

# Practice questions for the lesson's 'Check your understanding' quizzes: not graded, not in the
# exercise set (casecurity.practice).
PRACTICE = practice_set(
    p1=ChoiceQuestion(
        'Why does the course give the deaths in the Kyrgyz-Tajik border clashes as ranges?',
        options={
            'a': 'Because the clashes lasted for several months each',
            'b': 'Because official and independent counts differ',
            'c': 'Because the CSTO publishes only rounded figures',
            'd': 'Because only one side reported its casualties',
        },
        answer='b',
        explanations={
            'a': 'They lasted days: 28 April to 1 May 2021, 14 to 17 September 2022.',
            'b': "Right: the two governments' counts and later counts differ, so the honest answer runs from the lowest to the highest sourced figure.",
            'c': 'The CSTO publishes no casualty figures for these clashes.',
            'd': 'Both sides reported, and their figures differ.',
        },
    ),
    p2=ChoiceQuestion(
        'Which dispute set off the Kyrgyz-Tajik clashes of April 2021?',
        options={
            'a': 'Surveillance cameras at a water-distribution point',
            'b': 'A Russian base being moved to the Batken region',
            'c': 'A Chinese road project across the high Pamir mountains',
            'd': 'An Uzbek dam blocking a river to both states',
        },
        answer='a',
        explanations={
            'a': 'Right: a quarrel over cameras at a water-distribution point near Kok-Tash escalated into fighting between troops.',
            'b': "No base was moved; Russia's base in Tajikistan stayed where it was.",
            'c': 'The Pamirs are far from Batken and Vorukh, where the fighting was.',
            'd': 'Uzbekistan was not a party to the clash.',
        },
    ),
    p3=ChoiceQuestion(
        "Which group is the Islamic State's branch in Afghanistan?",
        options={
            'a': 'The Islamic Movement of Uzbekistan, known as the IMU',
            'b': 'Hizb ut-Tahrir, a transnational party',
            'c': "The Taliban's own interior ministry",
            'd': "ISIS-K, the Islamic State's Khorasan branch",
        },
        answer='d',
        explanations={
            'a': "The IMU began in the Fergana valley in the 1990s; it is not the Islamic State's branch.",
            'b': 'Hizb ut-Tahrir is an Islamist party banned in the region, not an armed branch of the Islamic State.',
            'c': 'The Taliban fight ISIS-K; they are its enemy.',
            'd': "Right: ISIS-K, the Islamic State's Khorasan Province, is active in Afghanistan and has recruited Central Asians.",
        },
    ),
)

define_lesson(__name__, title="Threats and challenges", notebook="05_threats")
