"""Lesson 00 (start here): a practice question and a short quiz on how the course works.

q1 is the practice data question of the lesson; q2–q4 are multiple-choice questions
about the course's own conventions (what "Not attempted" means, where expected answers
come from, the half-open date convention); q5–q7 practise the pandas primer of section 9
(select and filter, filter by a date and count, sort).

The expected answers of q1 and q5–q7 are computed from ``data/`` at check time, so a
correction to the data never leaves a stale answer key behind.
"""

from __future__ import annotations

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


def _neighbours():
    """ISO3 codes of the countries whose ``group`` is ``neighbour`` in data/countries.csv."""
    from casecurity import data

    countries = data.load("countries")
    return set(countries.loc[countries["group"] == "neighbour", "iso3"])


PRIMER_DATE = "2022-01-01"


def _events_since_primer_date() -> int:
    """How many rows of events.csv start on or after PRIMER_DATE."""
    from casecurity import data

    events = data.load("events")
    return int((events["start_date"] >= PRIMER_DATE).sum())


def _event_count() -> int:
    from casecurity import data

    return len(data.load("events"))


def _capitals_by_latitude():
    """The countries table sorted by the latitude of the capital, northernmost first."""
    from casecurity import data

    return data.load("countries").sort_values("capital_lat", ascending=False)


def _northernmost_capital():
    ranking = _capitals_by_latitude()
    return set(ranking.loc[ranking["capital_lat"] == ranking["capital_lat"].max(), "iso3"])


def _is_southernmost_capital(got) -> bool:
    ranking = _capitals_by_latitude()
    return got == set(ranking.loc[ranking["capital_lat"] == ranking["capital_lat"].min(), "iso3"])


q5 = CountrySetQuestion(
    "Primer, select and filter: which countries does the course count as neighbours of Central Asia "
    "(group 'neighbour' in the countries table)? Give their ISO3 codes or names.",
    expected=_neighbours,
    hints=[
        "countries = data.load('countries'), then keep the rows where countries['group'] == 'neighbour'.",
        "countries.loc[countries['group'] == 'neighbour', 'iso3'] gives the codes of those rows.",
    ],
    mistakes=[
        (
            lambda got: bool(set(got) & set(_central_asian_states())),
            "Your list includes Central Asian states: they have group 'central_asia'; neighbours have 'neighbour'.",
        ),
    ],
)

q6 = ValueQuestion(
    f"Primer, filter by a date and count: how many events in the events table started on or after "
    f"{PRIMER_DATE}? Give a number.",
    expected=_events_since_primer_date,
    hints=[
        f"events = data.load('events'); the condition events['start_date'] >= '{PRIMER_DATE}' is True "
        "for the rows you want.",
        f"Keep those rows with events[events['start_date'] >= '{PRIMER_DATE}'] and count them with len(...).",
    ],
    mistakes=[
        (
            lambda got: got == _event_count() and got != _events_since_primer_date(),
            "That is the number of all events in the table: keep only the rows from the date on, then count.",
        ),
    ],
)

q7 = CountrySetQuestion(
    "Primer, sort: sort the countries table by the latitude of the capital (column capital_lat), highest "
    "first. Whose capital lies furthest north? Give the country's ISO3 code or name.",
    expected=_northernmost_capital,
    hints=[
        "countries = data.load('countries'); countries.sort_values('capital_lat', ascending=False) puts the "
        "northernmost capital first.",
        "Take the iso3 of the first row: sorted_table['iso3'].iloc[0].",
    ],
    mistakes=[
        (
            _is_southernmost_capital,
            "That capital lies furthest south: sort_values sorts from low to high unless you pass ascending=False.",
        ),
    ],
)

define_lesson(__name__, title="Start here", notebook="00_start_here")
