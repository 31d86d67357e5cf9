"""Lesson 00 (start here): a practice question and a short quiz on how the course works.

q1 is the practice data question of the lesson; q2–q4 are multiple-choice questions
about the course's own conventions (what "Not attempted" means, where expected answers
come from, the half-open date convention); q5–q7 practise the pandas primer of section 9
(select and filter, filter by a date and count, sort).

The expected answers of q1 and q5–q7 are computed from ``data/`` at check time, so a
correction to the data never leaves a stale answer key behind.
"""

from __future__ import annotations

from operator import eq, gt, lt

from casecurity.exercises import ChoiceQuestion, CountrySetQuestion, ValueQuestion, define_lesson


def _central_asian_states():
    """ISO3 codes of the countries whose ``group`` is ``central_asia`` in data/countries.csv."""
    from casecurity import data

    return data.central_asia()


def _only_turkmenistan_missing(got, expected) -> bool:
    """Four of the five and nothing else: the state left out is Turkmenistan."""
    return expected - got == {"TKM"} and got <= expected


q1 = CountrySetQuestion(
    "Which states form Central Asia in this course? Give their names or ISO3 codes.",
    expected=_central_asian_states,
    hints=[
        "Load the countries table with data.load('countries') and look at its 'group' column.",
        "Keep the rows where countries['group'] == 'central_asia', then take the 'iso3' column.",
    ],
    mistakes=[
        (lambda got: "AFG" in got, "Afghanistan borders Central Asia but is a neighbour, not one of the five."),
        (lambda got: "MNG" in got, "Mongolia is sometimes counted in Inner Asia, but not in this course's five."),
        (lambda got: "RUS" in got or "CHN" in got, "Russia and China are external powers in this course."),
        # Turkmenistan is in neither the CSTO nor the SCO, so lists built from those blocs miss it.
        (
            _only_turkmenistan_missing,
            "4 of 5 right; missing: Turkmenistan. It belongs to neither the CSTO nor the SCO, "
            "but it is one of the five Central Asian states.",
        ),
    ],
)

q2 = ChoiceQuestion(
    "You run ex.q1.check(answer) while the cell still says answer = ... and the result reads "
    "'○ Not attempted'. What does that mean?",
    options={
        "a": "Your answer was checked, and it was wrong: try a different option.",
        "b": "The course could not work out the expected answer, so please report a bug.",
        "c": "No answer was given yet (answer is still ...): nothing was graded.",
        "d": "You have used up all the attempts allowed for this question today.",
    },
    answer="c",
    explanations={
        "a": "A wrong answer reads '✗ Incorrect' and says why; 'Not attempted' means there was no "
             "answer to grade.",
        "b": "That case reads '⚠ Could not check' and asks you to report it; 'Not attempted' is "
             "something else.",
        "c": "Right: ... (or None) is the placeholder, so there was no answer to grade yet.",
        "d": "There is no limit on attempts: check as often as you like; progress keeps your last result.",
    },
    hints=["Look at the placeholder in the cell: what value does answer have?"],
)

q3 = ChoiceQuestion(
    "Where does the expected answer of a check come from?",
    options={
        "a": "From a fixed answer key that was typed in when the lesson was written.",
        "b": "It is downloaded from the course's website each time you check.",
        "c": "It is copied from the saved output cells of the solution notebook.",
        "d": "It is computed from the course dataset in data/ when you check.",
    },
    answer="d",
    explanations={
        "a": "No: answers are never typed in as literals, so they cannot go stale when a row is corrected.",
        "b": "No: checks work offline; the dataset ships with the course.",
        "c": "No: the solution notebook shows a worked answer (solution()), but checks compute their own.",
        "d": "Right: each check queries data/ (through casecurity.data), so a correction to the data "
             "flows into every check.",
    },
    hints=["The README says what happens when a row of the data is corrected."],
)


q4 = ChoiceQuestion(
    "A membership spell in memberships.csv has start_date 2006-06-23 and end_date 2012-12-19. "
    "Does it count the state as a member on 19 December 2012?",
    options={
        "a": "No: the end date is the first day the status no longer held.",
        "b": "Yes: the end date is the last day the state was still a member.",
        "c": "Only if end_precision is 'day'; otherwise the month still counts.",
    },
    answer="a",
    explanations={
        "a": "Right: spells are half-open, [start, end). On the end date itself the spell is no longer "
             "active.",
        "b": "Not in this course: spells are half-open, [start, end). The last day of membership is the "
             "day before end_date.",
        "c": "Precision says how exact a date is; it does not change the rule that end_date is excluded.",
    },
    hints=["Read 'Spells are half-open' in data/README.md.", "Try data.members('CSTO', on='2012-12-19')."],
)

# ---- the pandas primer (lesson 00, section 9): select, filter, filter by date, count, sort ----


# q5's variants: one condition on one column of the countries table each (the first is the lesson's own);
# `test` is the pandas condition the hints show, `who` and `condition` the prompt's words
PRIMER_FILTERS = [
    {"who": "does the course count as neighbours of Central Asia", "condition": "group 'neighbour'",
     "column": "group", "operator": "==", "value": "neighbour", "test": "countries['group'] == 'neighbour'"},
    {"who": "does the course count as external powers", "condition": "group 'external_power'",
     "column": "group", "operator": "==", "value": "external_power", "test": "countries['group'] == 'external_power'"},
    {"who": "have their capital north of 50° N", "condition": "capital_lat above 50",
     "column": "capital_lat", "operator": ">", "value": 50, "test": "countries['capital_lat'] > 50"},
    {"who": "have their capital south of 20° N", "condition": "capital_lat below 20",
     "column": "capital_lat", "operator": "<", "value": 20, "test": "countries['capital_lat'] < 20"},
    {"who": "have their capital east of 100° E", "condition": "capital_lon above 100",
     "column": "capital_lon", "operator": ">", "value": 100, "test": "countries['capital_lon'] > 100"},
    {"who": "have their capital west of the Greenwich meridian", "condition": "capital_lon below 0",
     "column": "capital_lon", "operator": "<", "value": 0, "test": "countries['capital_lon'] < 0"},
]

_COMPARISONS = {"==": eq, ">": gt, "<": lt}


def _filtered_countries(column="group", operator="==", value="neighbour", **_wording):
    """ISO3 codes of the rows of data/countries.csv where ``column operator value`` holds."""
    from casecurity import data

    countries = data.load("countries")
    return set(countries.loc[_COMPARISONS[operator](countries[column], value), "iso3"])


def _filters_on_group() -> bool:
    return q5.params["column"] == "group"


# q6's variants: the first day of the count (the lesson's own is PRIMER_DATE)
PRIMER_DATE = "2022-01-01"
PRIMER_DATES = ["2000-01-01", "2005-01-01", "2010-01-01", "2015-01-01", "2018-01-01", "2020-01-01",
                PRIMER_DATE, "2024-01-01"]


def _events_since_primer_date(date=PRIMER_DATE) -> int:
    """How many rows of events.csv start on or after ``date``."""
    from casecurity import data

    events = data.load("events")
    return int((events["start_date"] >= date).sum())


def _event_count() -> int:
    from casecurity import data

    return len(data.load("events"))


# q7's variants: a compass direction (the column and sort order that bring its capital to the top)
# and a place in that ranking (first or second)
SORT_DIRECTIONS = {
    "north": {"column": "capital_lat", "axis": "latitude", "order": "highest", "ascending": False,
              "extreme": "northernmost", "opposite": "south"},
    "south": {"column": "capital_lat", "axis": "latitude", "order": "lowest", "ascending": True,
              "extreme": "southernmost", "opposite": "north"},
    "east": {"column": "capital_lon", "axis": "longitude", "order": "highest", "ascending": False,
             "extreme": "easternmost", "opposite": "west"},
    "west": {"column": "capital_lon", "axis": "longitude", "order": "lowest", "ascending": True,
             "extreme": "westernmost", "opposite": "east"},
}
SORT_PLACES = {0: ("", "first"), 1: ("second ", "second")}


def _sort_params(direction: str, position: int) -> dict:
    """q7's params for one direction and place (0 = the top row)."""
    way = SORT_DIRECTIONS[direction]
    rank, row = SORT_PLACES[position]
    rule = ("sort_values sorts from low to high unless you pass ascending=False" if not way["ascending"]
            else "sort_values sorts from low to high by default: leave out ascending=False")
    return {"column": way["column"], "axis": way["axis"], "order": way["order"], "ascending": way["ascending"],
            "which": f"{rank}furthest {direction}", "opposite": f"{rank}furthest {way['opposite']}",
            "extreme": way["extreme"], "row": row, "position": position, "sort_rule": rule}


def _capitals_ranked(column="capital_lat", ascending=False, position=0, **_wording):
    """ISO3 codes of the countries whose capital holds this place when the table is sorted (ties: all)."""
    from casecurity import data

    values = data.load("countries").sort_values(column, ascending=ascending)
    wanted = values[column].iloc[position]
    return set(values.loc[values[column] == wanted, "iso3"])


def _sorted_the_other_way(got) -> bool:
    asked = q7.params
    return got == _capitals_ranked(asked["column"], not asked["ascending"], asked["position"])


q5 = CountrySetQuestion(
    "Primer, select and filter: which countries {who} ({condition} in the countries table)? "
    "Give their ISO3 codes or names.",
    expected=_filtered_countries,
    params=lambda rng: dict(rng.choice(PRIMER_FILTERS)),
    default_params=PRIMER_FILTERS[0],
    hints=[
        "countries = data.load('countries'), then keep the rows where {test}.",
        "countries.loc[{test}, 'iso3'] gives the codes of those rows.",
    ],
    mistakes=[
        (
            lambda got, expected: _filters_on_group() and bool((set(got) - expected) & set(_central_asian_states())),
            "Your list includes Central Asian states: they have group 'central_asia'; "
            "the states asked for have '{value}'.",
        ),
    ],
)

q6 = ValueQuestion(
    "Primer, filter by a date and count: how many events in the events table started on or after "
    "{date}? Give a number.",
    expected=_events_since_primer_date,
    params=lambda rng: {"date": rng.choice(PRIMER_DATES)},
    default_params={"date": PRIMER_DATE},
    hints=[
        "events = data.load('events'); the condition events['start_date'] >= '{date}' is True "
        "for the rows you want.",
        "Keep those rows with events[events['start_date'] >= '{date}'] and count them with len(...).",
    ],
    mistakes=[
        (
            lambda got, expected: got == _event_count() and got != expected,
            "That is the number of all events in the table: keep only the rows from the date on, then count.",
        ),
    ],
)

q7 = CountrySetQuestion(
    "Primer, sort: sort the countries table by the {axis} of the capital (column {column}), {order} "
    "first. Whose capital lies {which}? Give the country's ISO3 code or name.",
    expected=_capitals_ranked,
    params=lambda rng: _sort_params(rng.choice(sorted(SORT_DIRECTIONS)), rng.choice(sorted(SORT_PLACES))),
    default_params=_sort_params("north", 0),
    hints=[
        "countries = data.load('countries'); countries.sort_values('{column}', ascending={ascending}) puts the "
        "{extreme} capital first.",
        "Take the iso3 of the {row} row: sorted_table['iso3'].iloc[{position}].",
    ],
    mistakes=[
        (
            _sorted_the_other_way,
            "That capital lies {opposite}: {sort_rule}.",
        ),
    ],
)

define_lesson(__name__, title="Start here", notebook="00_start_here")
