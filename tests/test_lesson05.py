"""Lesson 05 (threats and challenges): every question accepts its reference answer and rejects realistic wrong ones.

Reference answers are computed here independently of casecurity/exercises/lesson05.py, with pandas on
the raw tables (events, cyber_index) or from facts checked against sources: the Kyrgyz–Tajik clashes of
2021 and 2022 are the only armed clashes in the data whose countries are exactly KGZ and TJK; GCI 2020
ranked Kazakhstan 31st (ITU CIS office, 10 Aug 2021), Uzbekistan 70th and Kyrgyzstan 92nd.
"""

from __future__ import annotations

import json
from pathlib import Path

import folium
import pandas as pd
import pytest

from casecurity import data, maps

ROOT = Path(__file__).resolve().parent.parent



@pytest.fixture(scope="module")
def ex():
    from casecurity.exercises import lesson05

    return lesson05


def _cyber() -> pd.DataFrame:
    return data.load("cyber_index")


def _events() -> pd.DataFrame:
    return data.load("events")


def _codes(countries) -> set[str]:
    return set(str(countries).split(";")) if isinstance(countries, str) else set()


def _wrong(result, fragment: str) -> None:
    assert result.status == "incorrect", result.message
    assert fragment in result.message, result.message


# ---------------------------------------------------------------- q1: best GCI 2020 rank


def test_q1_reference_answer(ex):
    rows = _cyber()
    ranks = rows[(rows["edition"] == 2020) & rows["rank"].notna()].set_index("iso3")["rank"]
    assert ranks.to_dict() == {"KAZ": 31, "KGZ": 92, "UZB": 70}  # the ITU-based figures cited in the data
    best = ranks.idxmin()
    assert ex.q1.check(best).correct
    assert ex.q1.check(data.country_name(best)).correct
    assert ex.q1.check(" kazakhstan ").correct


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ("KGZ", "highest rank *number*"),  # the largest number is the worst position
        ("Kyrgyzstan", "highest rank *number*"),
        ("TKM", "no 2020 rank"),
        ("Tajikistan", "no 2020 rank"),
    ],
)
def test_q1_wrong_answers(ex, answer, fragment):
    _wrong(ex.q1.check(answer), fragment)


def test_q1_other_wrong_answer_is_incorrect(ex):
    assert ex.q1.check("UZB").status == "incorrect"
    assert ex.q1.check(31).status == "incorrect"


# ---------------------------------------------------------------- q2, q5, q8: multiple choice


@pytest.mark.parametrize(
    ("question", "right", "right_words", "wrong", "fragment"),
    [
        ("q2", "c", "five tiers", "a", "stopped publishing ranks"),
        ("q2", "c", "five tiers", "d", "bands of the overall score"),
        ("q5", "a", "Both were members", "b", "member since 1992"),
        ("q5", "a", "Both were members", "c", "2,030 troops"),
        ("q8", "b", "exercises in Tajikistan", "a", "no CSTO troops entered Afghanistan"),
        ("q8", "b", "exercises in Tajikistan", "c", "no aggression"),
    ],
)
def test_choice_questions(ex, question, right, right_words, wrong, fragment):
    item = getattr(ex, question)
    assert right_words in item.options[right] and item.check(right).correct
    _wrong(item.check(wrong), fragment)


def test_choice_options_match_the_solution_notebook(ex):
    """The exercise notebook lists the options in markdown: they must not drift from the module."""
    notebook = json.loads((ROOT / "solutions" / "05_threats_solutions.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for name in ("q2", "q5", "q8"):
        for letter, option in getattr(ex, name).options.items():
            assert f"**({letter})** {option}" in text


# ---------------------------------------------------------------- q3: GCI 2024 tiers


def _tiers_2024() -> pd.DataFrame:
    rows = _cyber()
    return rows.loc[rows["edition"] == 2024, ["iso3", "tier"]]


def test_q3_reference_answer(ex):
    reference = _tiers_2024()
    # Tiers as published: KAZ and UZB Tier 2, KGZ Tier 3, TJK and TKM Tier 4 (ITU CIS office, Jan 2025).
    assert dict(zip(reference["iso3"], reference["tier"], strict=True)) == {
        "KAZ": "2", "KGZ": "3", "TJK": "4", "TKM": "4", "UZB": "2"
    }
    assert ex.q3.check(reference).correct
    assert ex.q3.check(reference.sample(frac=1, random_state=1)).correct  # row order does not matter
    as_numbers = reference.assign(tier=reference["tier"].astype(int))
    assert ex.q3.check(as_numbers).correct


def test_q3_wrong_answers(ex):
    rows = _cyber()
    ranks_2024 = rows.loc[rows["edition"] == 2024, ["iso3", "rank"]]
    _wrong(ex.q3.check(ranks_2024), "2024 uses tiers, not ranks")
    tiers_2020 = rows.loc[rows["edition"] == 2020, ["iso3", "tier"]]
    _wrong(ex.q3.check(tiers_2020), "only the 2024 edition has tiers")
    worded = _tiers_2024().assign(tier=lambda df: "Tier " + df["tier"])
    _wrong(ex.q3.check(worded), "without the word 'Tier'")
    _wrong(ex.q3.check(_tiers_2024()["tier"]), "Series")


# ---------------------------------------------------------------- q4: clashes involving KGZ and TJK


def _clashes_with_both() -> pd.DataFrame:
    events = _events()
    chosen = (events["category"] == "armed_clash") & events["countries"].apply(
        lambda c: {"KGZ", "TJK"} <= _codes(c)
    )
    return events.loc[chosen, ["id", "start_date", "fatalities_low", "fatalities_high"]]


def test_q4_reference_answer(ex):
    reference = _clashes_with_both()
    assert set(reference["id"]) >= {
        "1999_batken_incursion", "2000_imu_incursions", "2021_kgz_tjk_clash", "2022_kgz_tjk_clash"
    }
    assert ex.q4.check(reference).correct


def test_q4_wrong_answers(ex):
    events = _events()
    clashes = events[events["category"] == "armed_clash"]
    columns = ["id", "start_date", "fatalities_low", "fatalities_high"]
    with_tajik = clashes[clashes["countries"].apply(lambda c: "TJK" in _codes(c))][columns]
    _wrong(ex.q4.check(with_tajik), "Tajik civil war involved only Tajikistan")
    exactly_two = clashes[clashes["countries"] == "KGZ;TJK"][columns]
    _wrong(ex.q4.check(exactly_two), "IMU incursions")
    _wrong(ex.q4.check(clashes[columns]), "Tajik civil war")
    one_bound = _clashes_with_both().drop(columns=["fatalities_high"])
    _wrong(ex.q4.check(one_bound), "range (low–high)")


# ---------------------------------------------------------------- q6: terrorist attacks by decade


def _attacks_by_decade() -> pd.DataFrame:
    events = _events()
    attacks = events[events["category"] == "terrorist_attack"]
    decade = attacks["start_date"].dt.year // 10 * 10
    counts = decade.groupby(decade).size()
    return pd.DataFrame({"decade": counts.index.astype(int), "attacks": counts.to_numpy()})


def test_q6_reference_answer(ex):
    reference = _attacks_by_decade()
    # At least Tashkent 1999, Tashkent/Bukhara 2004 and Crocus 2024 are in the table.
    counts = dict(zip(reference["decade"], reference["attacks"], strict=True))
    assert all(counts.get(decade, 0) >= 1 for decade in (1990, 2000, 2020))
    assert ex.q6.check(reference).correct


def test_q6_wrong_answers(ex):
    reference = _attacks_by_decade()
    _wrong(ex.q6.check(reference.assign(decade=reference["decade"] // 10)), "multiply year // 10 by 10")
    events = _events()
    decade = events["start_date"].dt.year // 10 * 10
    all_events = decade.value_counts().sort_index().rename_axis("decade").reset_index(name="attacks")
    _wrong(ex.q6.check(all_events), "filter on category='terrorist_attack'")
    with_empty = pd.concat([reference, pd.DataFrame({"decade": [2010], "attacks": [0]})], ignore_index=True)
    _wrong(ex.q6.check(with_empty), "Leave out decades without an attack")


# ---------------------------------------------------------------- q7: fatality range function


def fatality_range(events):
    return int(events["fatalities_low"].sum()), int(events["fatalities_high"].sum())


def low_only(events):
    return int(events["fatalities_low"].sum()), int(events["fatalities_low"].sum())


def high_only(events):
    return int(events["fatalities_high"].sum()), int(events["fatalities_high"].sum())


def midpoint(events):
    return (events["fatalities_low"].sum() + events["fatalities_high"].sum()) / 2


def as_list(events):
    return [int(events["fatalities_low"].sum()), int(events["fatalities_high"].sum())]


def no_return(events):
    int(events["fatalities_low"].sum())


def stub(events):
    ...  # your code here


def test_q7_reference_answer(ex):
    events = _events()
    kgz_tjk = events[(events["category"] == "armed_clash") & (events["countries"] == "KGZ;TJK")]
    assert set(kgz_tjk["id"]) == {"2021_kgz_tjk_clash", "2022_kgz_tjk_clash"}
    low, high = fatality_range(kgz_tjk)
    # Each bound is the sum of the sourced per-clash bounds (2021: 41-55, 2022: 81-94 as of this writing).
    assert low == sum(int(v) for v in kgz_tjk["fatalities_low"]) and high == sum(int(v) for v in kgz_tjk["fatalities_high"])
    assert low < high
    assert ex.q7.check(fatality_range).correct


@pytest.mark.parametrize(
    ("function", "fragment"),
    [
        (low_only, "same sum twice"),
        (high_only, "same sum twice"),
        (midpoint, "not a single number"),
        (as_list, "as a tuple"),
        (no_return, "forget the return"),
    ],
)
def test_q7_wrong_answers(ex, function, fragment):
    _wrong(ex.q7.check(function), fragment)


def test_q7_stub_is_not_attempted(ex):
    assert ex.q7.check(stub).status == "not_attempted"
    assert ex.q7.check(...).status == "not_attempted"
    _wrong(ex.q7.check(149), "function")


# ---------------------------------------------------------------- q9: map of armed clashes


def _clash_points() -> pd.DataFrame:
    events = _events()
    return events[(events["category"] == "armed_clash") & events["lat"].notna() & events["lon"].notna()]


def test_q9_reference_answers(ex):
    assert ex.q9.check(maps.events_map(category="armed_clash")).correct
    m = folium.Map(location=[42, 68], zoom_start=4)
    for row in _clash_points().itertuples():
        folium.CircleMarker([row.lat, row.lon], radius=6, tooltip=row.title).add_to(m)
    assert ex.q9.check(m).correct


def test_q9_wrong_answers(ex):
    _wrong(ex.q9.check(maps.events_map()), "You drew every event")
    _wrong(ex.q9.check(folium.Map(location=[42, 68], zoom_start=4)), "no markers")
    far_away = folium.Map(location=[0, 0], zoom_start=4)
    for row in _clash_points().itertuples():
        folium.Marker([row.lat, row.lon]).add_to(far_away)
    _wrong(ex.q9.check(far_away), "outside Central Asia")
    _wrong(ex.q9.check(_clash_points()), "folium.Map")


# ---------------------------------------------------------------- q10: reflection


def test_q10_reflection_is_submitted_not_graded(ex):
    text = " ".join(["Afghanistan draws Russia in because of its bases and treaty duties."] * 12)
    result = ex.q10.check(text)
    assert result.status not in {"correct", "incorrect"}
    assert ex.q10.rubric and ex.LESSON.questions["q10"].model_answer
    assert ex.q10.check(...).status == "not_attempted"


# ---------------------------------------------------------------- lesson helpers


def test_gci_overview_matches_the_table(ex):
    table = ex.gci_overview()
    rows = _cyber()
    assert list(table.index) == [data.country_name(c) for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB")]
    for row in rows.itertuples():
        cell = table.loc[data.country_name(row.iso3), f"GCI {row.edition}"]
        if isinstance(row.tier, str) and row.tier:
            assert cell.startswith(f"Tier {row.tier} (")
        elif not pd.isna(row.rank):
            assert cell == f"rank {row.rank}"
        else:
            assert cell == "—"  # empty in the data: not published or not found


def test_questions_are_registered(ex):
    assert [ex.q1.id, ex.q10.id] == ["lesson05.q1", "lesson05.q10"]


def test_exercise_notebook_has_no_solutions():
    path = ROOT / "exercises" / "05_threats_exercises.ipynb"
    if not path.exists():
        pytest.skip("exercises/05_threats_exercises.ipynb is generated by tools/make_exercises.py")
    text = path.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text
    assert "def fatality_range(events):" in text  # the signature line stays for the learner


# ------------------------------------------------------------------ prose against data (issue 12)
# Sentences of lesson 05 and of q5's feedback that depend on the events table, recomputed here from
# the CSV rows, so that a corrected row cannot leave the prose behind.


def _raw_events() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "events.csv", dtype=str, keep_default_na=False).set_index("id")


def _lesson_text() -> str:
    cells = json.loads((ROOT / "notebooks" / "05_threats.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _full_months(start: str, end: str) -> int:
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return (b.year - a.year) * 12 + b.month - a.month - (b.day < a.day)


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]


def test_q5_feedback_gives_the_gaps_between_deployment_and_clashes(ex):
    rows = _raw_events()
    deployed = rows.at["2022_csto_kazakhstan", "start_date"]
    after_2021 = _full_months(rows.at["2021_kgz_tjk_clash", "start_date"], deployed)
    before_2022 = _full_months(deployed, rows.at["2022_kgz_tjk_clash", "start_date"])
    assert (after_2021, before_2022) == (8, 8)  # 28 Apr 2021 -> 6 Jan 2022 -> 14 Sep 2022
    text = ex.LESSON.questions["q5"].explanations["c"]
    assert f"{_WORDS[after_2021]} months after the April 2021" in text
    assert f"{_WORDS[before_2022]} months before the September 2022" in text
    assert "a few months" not in text


def test_2022_war_range_matches_the_official_counts_the_lesson_quotes():
    row = _raw_events().loc["2022_kgz_tjk_clash"]
    # 18 Sep: 46 Kyrgyz + 35 Tajik (Al Jazeera); 9-10 Oct: 63 Kyrgyz + 41 Tajik (Asia-Plus), quoted in the lesson
    assert (int(row["fatalities_low"]), int(row["fatalities_high"])) == (46 + 35, 63 + 41)
    text = _lesson_text()
    assert "63 Kyrgyz dead and Dushanbe 41 Tajik dead" in text
    assert "nearer 100" not in text


def test_rubezh_dates_in_the_lesson_come_from_the_row():
    row = _raw_events().loc["2021_csto_rubezh"]
    start, end = pd.Timestamp(row["start_date"]), pd.Timestamp(row["end_date"])  # TASS: 7-9 Sep 2021
    assert (start.day, end.day) == (7, 9)
    assert f"Rubezh-2021 in Kyrgyzstan ({start.day}–{end.day} September" in _lesson_text()
    assert "Tajik" in row["note"] and row["alt_source_url"]  # both versions of Tajik participation


def test_crocus_and_kazakhstan_tolls_are_the_latest_official_figures():
    rows = _raw_events()
    # Crocus: 149 dead (Investigative Committee 2025; AP on the verdict, 12 Mar 2026)
    assert rows.at["2024_crocus_attack", "fatalities_high"] == "149"
    # Kazakhstan, Jan 2022: 238 (Prosecutor General, 5 Jan 2023), earlier figures kept in the note
    assert rows.at["2022_kaz_january_unrest", "fatalities_low"] == "238"
    assert all(f in rows.at["2022_kaz_january_unrest", "note"] for f in ("225", "227", "230"))


def test_the_weakest_states_sentence_does_not_put_kyrgyzstan_on_the_afghan_border():
    text = _lesson_text()
    assert "the two weakest states are the ones on the Afghan border" not in text
    assert "the two weakest, Kyrgyzstan and Tajikistan" in text


def test_q10_model_answer_says_who_ran_the_october_2021_drills(ex):
    # Issue 22, minor error 5: the Oct 2021 drills were CSTO exercises run by the CSTO Joint Staff (its chief
    # opened them, Interfax-AVN 18 Oct 2021); the Central Military District supplied the Russian contingent
    # (TASS, 5 Oct 2021, https://tass.com/defense/1345851).
    answer = ex.LESSON.questions["q10"].model_answer
    assert "led by Russia's Central Military District" not in answer
    assert "run by the CSTO Joint Staff" in answer and "Russian contingent from the Central Military District" in answer


def test_kgz_tjk_clash_has_both_ceasefires():
    # Issue 22, minor error 3: a first ceasefire on 29 Apr 2021 broke down; the protocol came on 1 May (Khovar).
    row = data.load("events").set_index("id").loc["2021_kgz_tjk_clash"]
    assert "29 April" in row["summary"] and "1 May" in row["summary"]
    assert "khovar.tj" in row["note"]
    text = _lesson_text()
    assert "a ceasefire was agreed on 1 May" not in text
    assert "a first ceasefire, agreed on 29 April, broke down" in text


# ------------------------------------------------------------------ variants (issue #18)
# Each varied question, judged on a variant other than the default: the default's answer is wrong
# there, the variant's answer (computed here with pandas on the raw tables) is right, and the
# mistake messages stay true. The default's texts are the lesson's own.


def _judge(name: str):
    from casecurity.exercises import get_lesson

    return get_lesson("05").questions[name]


def _grade(question, answer):
    return question.grade_record(question.record_answer(answer))


def test_variants_keep_the_default_text():
    assert _judge("q1").prompt.startswith("In the ITU Global Cybersecurity Index 2020, which of the five")
    assert "the best global rank" in _judge("q1").prompt
    assert "GCI 2024 tier" in _judge("q3").prompt
    assert "include both Kyrgyzstan (KGZ) and Tajikistan (TJK)" in _judge("q4").prompt
    assert "Count the terrorist attacks" in _judge("q6").prompt and "'attacks'" in _judge("q6").prompt
    assert "the two Kyrgyz–Tajik border clashes (countries exactly 'KGZ;TJK')" in _judge("q7").prompt
    assert "every armed clash in the events table" in _judge("q9").prompt


@pytest.mark.parametrize(("edition", "position"), [(2017, "worst"), (2017, "second-best"), (2020, "third-best")])
def test_q1_variant(edition, position):
    from casecurity.exercises.variants import using

    q = _judge("q1")
    rows = _cyber()
    ranks = rows[(rows["edition"] == edition) & rows["rank"].notna()].sort_values("rank")["iso3"].tolist()
    index = {"best": 0, "second-best": 1, "third-best": 2, "second-worst": -2, "worst": -1}[position]
    if index < 0:  # counting from the worst end is asked only where all five states have a rank
        assert len(ranks) == 5
    right = ranks[index]
    with using({q.id: {"edition": edition, "position": position}}):
        assert f"Index {edition}" in q.prompt and f"the {position} global rank" in q.prompt
        assert _grade(q, right).correct
        assert _grade(q, data.country_name(right)).correct
        assert _grade(q, "KAZ").status != "correct"  # the default's answer
        mirrored = ranks[-1 - index]
        assert "wrong end" in _grade(q, mirrored).message or "highest rank" in _grade(q, mirrored).message


def test_q1_variants_counted_from_the_worst_end_are_true_statements():
    from casecurity.exercises import lesson05

    rows = _cyber()
    for edition, position in lesson05.GCI_RANK_QUESTIONS:
        ranks = rows[(rows["edition"] == edition) & rows["rank"].notna()]
        if "worst" in position:
            assert len(ranks) == len(rows[rows["edition"] == edition]) == 5


@pytest.mark.parametrize(("edition", "column"), [(2017, "rank"), (2020, "score")])
def test_q3_variant(edition, column):
    from casecurity.exercises.variants import using

    q = _judge("q3")
    rows = _cyber()
    right = rows.loc[rows["edition"] == edition, ["iso3", column]]
    with using({q.id: {"edition": edition, "column": column}}):
        assert f"GCI {edition} {column}" in q.prompt
        assert _grade(q, right).correct
        assert _grade(q, _tiers_2024()).status != "correct"  # the default's answer
        other = rows.loc[rows["edition"] == (2020 if edition == 2017 else 2024), ["iso3", column]]
        _wrong(_grade(q, other), "another edition")


@pytest.mark.parametrize(("category", "first", "second"),
                         [("armed_clash", "TJK", "AFG"), ("terrorist_attack", "TJK", "CHN")])
def test_q4_variant(category, first, second):
    from casecurity.exercises.variants import using

    q = _judge("q4")
    events = _events()
    columns = ["id", "start_date", "fatalities_low", "fatalities_high"]
    chosen = events[(events["category"] == category) & events["countries"].apply(lambda c: {first, second} <= _codes(c))]
    params = {"category": category, "events": category.replace("_", " ") + "s", "first": first,
              "first_name": data.country_name(first), "second": second, "second_name": data.country_name(second)}
    with using({q.id: params}):
        assert f"both {data.country_name(first)} ({first}) and {data.country_name(second)} ({second})" in q.prompt
        assert len(chosen) >= 1 and _grade(q, chosen[columns]).correct
        assert _grade(q, _clashes_with_both()).status != "correct"  # the default's answer
        with_first = events[(events["category"] == category) & events["countries"].apply(lambda c: first in _codes(c))]
        _wrong(_grade(q, with_first[columns]), f"keep events that list both {first} and {second}")
        if category == "terrorist_attack":  # one of the two attacks lists AFG too
            exactly_two = chosen[chosen["countries"].apply(lambda c: _codes(c) == {first, second})]
            _wrong(_grade(q, exactly_two[columns]), "'include both' does not mean 'exactly these two'")


@pytest.mark.parametrize(("category", "column"), [("armed_clash", "clashes"), ("exercise", "exercises")])
def test_q6_variant(category, column):
    from casecurity.exercises import lesson05
    from casecurity.exercises.variants import using

    q = _judge("q6")
    row = next(r for r in lesson05.DECADE_QUESTIONS if r[0] == category)
    params = dict(zip(("category", "events", "column", "one", "a_one"), row, strict=True))
    events = _events()
    decade = events.loc[events["category"] == category, "start_date"].dt.year // 10 * 10
    counts = decade.groupby(decade).size()
    right = pd.DataFrame({"decade": counts.index.astype(int), column: counts.to_numpy()})
    with using({q.id: params}):
        assert f"'{column}'" in q.prompt
        assert _grade(q, right).correct
        assert _grade(q, _attacks_by_decade()).status != "correct"  # the default's answer
        everything = (events["start_date"].dt.year // 10 * 10).value_counts().sort_index()
        too_many = everything.rename_axis("decade").reset_index(name=column)
        _wrong(_grade(q, too_many), f"filter on category='{category}'")


def test_q7_variant():
    from casecurity.exercises import lesson05
    from casecurity.exercises.variants import using

    q = _judge("q7")
    row = next(r for r in lesson05.FATALITY_QUESTIONS if r[1] == "UZB" and r[0] == "terrorist_attack")
    params = dict(zip(("category", "countries", "subset", "every"), row, strict=True))
    events = _events()
    chosen = events[(events["category"] == "terrorist_attack") & (events["countries"] == "UZB")]
    assert len(chosen) == 2 and set(chosen["start_date"].dt.year) == {1999, 2004}  # as the prompt says

    def kgz_tjk_only(frame):  # right on the default's first test, wrong here
        return 122, 159

    with using({q.id: params}):
        assert "the two attacks in Uzbekistan of 1999 and 2004" in q.prompt
        assert _grade(q, fatality_range).correct
        assert _grade(q, kgz_tjk_only).status != "correct"
        _wrong(_grade(q, low_only), "same sum twice")


def test_q7_variant_texts_match_the_data():
    from casecurity.exercises import lesson05

    events = _events()
    for category, countries, subset, every in lesson05.FATALITY_QUESTIONS:
        chosen = events[(events["category"] == category) & events["countries"].apply(
            lambda c, wanted=countries: _codes(c) == set(wanted.split(";")))]
        assert len(chosen) == 2 and subset.startswith("the "), (subset, len(chosen))
        assert all(str(year) in subset for year in chosen["start_date"].dt.year) or "two" in subset
        assert every.startswith("every ")


@pytest.mark.parametrize("category", ["terrorist_attack", "exercise", "withdrawal"])
def test_q9_variant(category):
    from casecurity.exercises import lesson05
    from casecurity.exercises.variants import using

    q = _judge("q9")
    one = dict(lesson05.MAP_QUESTIONS)[category]
    with using({q.id: {"category": category, "one": one}}):
        assert f"every {one} in the events table" in q.prompt
        assert _grade(q, maps.events_map(category=category)).correct
        assert _grade(q, maps.events_map(category="armed_clash")).status != "correct"  # the default's answer
        _wrong(_grade(q, maps.events_map()), f"keep only category '{category}'")
    counts = [_drawn(c) for c, _one in lesson05.MAP_QUESTIONS]
    assert len(set(counts)) == len(counts)  # no two variants want the same number of markers


def _drawn(category: str) -> int:
    events = _events()
    chosen = events[events["category"] == category]
    return int((chosen["lat"].notna() & chosen["lon"].notna()).sum())
