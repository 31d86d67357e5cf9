"""Lesson 02 (alliances): every question accepts its reference answer and rejects realistic wrong ones.

Reference answers are computed here independently of casecurity/exercises/lesson02.py — with
pandas on the raw memberships table, or from facts checked against sources (e.g. the SCO's
enlargement: India and Pakistan on 9 June 2017, Iran on 4 July 2023, Belarus on 4 July 2024).
"""

from __future__ import annotations

import json
from pathlib import Path

import folium
import pandas as pd
import pytest

from casecurity import data
from casecurity.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent



@pytest.fixture(scope="module")
def ex():
    from casecurity.exercises import lesson02

    return lesson02


def _spells() -> pd.DataFrame:
    return data.load("memberships")


def _central_asia() -> set[str]:
    countries = data.load("countries")
    return set(countries.loc[countries["group"] == "central_asia", "iso3"])


def _active_members(org: str, day: str) -> set[str]:
    """Members of ``org`` on ``day``, by the half-open rule, straight from the table."""
    spells = _spells()
    when = pd.Timestamp(day)
    active = (spells["start_date"] <= when) & (spells["end_date"].isna() | (spells["end_date"] > when))
    chosen = (spells["organization_id"] == org) & (spells["status"] == "member") & active
    return set(spells.loc[chosen, "iso3"])


def _map_of(codes, layer_name="SCO members", location=(45, 70)) -> folium.Map:
    geo = data.countries_geo()
    features = [f for f in geo["features"] if f["properties"]["iso3"] in set(codes)]
    m = folium.Map(location=list(location), zoom_start=3)
    group = folium.FeatureGroup(name=layer_name)
    folium.GeoJson({"type": "FeatureCollection", "features": features}).add_to(group)
    group.add_to(m)
    return m


# ---------------------------------------------------------------- q1: CSTO members in Central Asia, 2015


def test_q1_reference_answer(ex):
    reference = _active_members("CSTO", "2015-01-01") & _central_asia()
    assert reference == {"KAZ", "KGZ", "TJK"}  # Uzbekistan suspended in Dec 2012; Turkmenistan never joined
    assert ex.q1.check(sorted(reference)).correct
    assert ex.q1.check(["Kazakhstan", "kyrgyzstan", "TJK"]).correct


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (["KAZ", "KGZ", "TJK", "UZB"], "suspended on 19 December 2012"),
        (["KAZ", "KGZ", "TJK", "TKM"], "neutrality"),
        (["KAZ", "KGZ", "TJK", "RUS"], "only for Central Asian states"),
    ],
)
def test_q1_wrong_answers(ex, answer, fragment):
    result = ex.q1.check(answer)
    assert result.status == "incorrect"
    assert fragment in result.message


# ---------------------------------------------------------------- q2, q4, q7: multiple choice


@pytest.mark.parametrize(
    ("question", "right", "right_words", "wrong", "fragment"),
    [
        ("q2", "a", "set up in 2002–2003", "b", "common mix-up"),
        ("q4", "c", "aggression against all", "a", "automatic"),
        ("q7", "d", "no mutual-defence clause", "c", "Peace Mission"),
    ],
)
def test_choice_questions(ex, question, right, right_words, wrong, fragment):
    item = getattr(ex, question)
    assert right_words in item.options[right] and item.check(right).correct
    result = item.check(wrong)
    assert result.status == "incorrect" and fragment in result.message


def test_choice_options_match_the_solution_notebook(ex):
    """The exercise notebook lists the options in markdown: they must not drift from the module."""
    notebook = json.loads((ROOT / "solutions" / "02_alliances_solutions.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for name in ("q2", "q4", "q7"):
        for letter, option in getattr(ex, name).options.items():
            assert f"**({letter})** {option}" in text


# ---------------------------------------------------------------- q3: number of SCO members


def test_q3_reference_answer(ex):
    reference = len(_active_members("SCO", data.AS_OF.isoformat()))
    assert reference == 10  # 6 founders + India, Pakistan (2017) + Iran (2023) + Belarus (2024)
    assert ex.q3.check(reference).correct


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (len(data.members("SCO", status=None)), "not members"),
        (9, "Belarus joined on 4 July 2024"),
        (6, "founders"),
        ("10", "without quotes"),
    ],
)
def test_q3_wrong_answers(ex, answer, fragment):
    result = ex.q3.check(answer)
    assert result.status == "incorrect"
    assert fragment in result.message


# ---------------------------------------------------------------- q5: Uzbekistan's member spells


def test_q5_reference_answer(ex):
    spells = _spells()
    uzbek = spells[(spells["organization_id"] == "CSTO") & (spells["iso3"] == "UZB")]
    reference = int((uzbek["status"] == "member").sum())
    assert reference == 2  # 1992-1999 and 2006-2012
    assert ex.q5.check(reference).correct


def test_q5_wrong_answers(ex):
    three = ex.q5.check(3)
    assert three.status == "incorrect" and "suspended" in three.message and "only once" in three.message
    one = ex.q5.check(1)
    assert one.status == "incorrect" and "restored in 2006" in one.message


# ---------------------------------------------------------------- q6: SCO enlargement table


def _enlargement_reference() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": ["IND", "PAK", "IRN", "BLR"],
            "start_date": pd.to_datetime(["2017-06-09", "2017-06-09", "2023-07-04", "2024-07-04"]),
        }
    )


def test_q6_reference_answer(ex):
    assert ex.q6.check(_enlargement_reference()).correct
    shuffled = _enlargement_reference().iloc[::-1].assign(start_date=lambda f: f["start_date"].dt.strftime("%Y-%m-%d"))
    assert ex.q6.check(shuffled).correct  # any order; dates as text are accepted


def test_q6_wrong_answers(ex):
    spells = _spells()
    sco = spells[(spells["organization_id"] == "SCO") & (spells["start_date"] > "2001-06-15")]
    with_observers = sco.loc[sco["iso3"].isin(["IND", "PAK", "IRN", "BLR"]), ["iso3", "start_date"]]
    result = ex.q6.check(with_observers)
    assert result.status == "incorrect" and "observer" in result.message

    all_members = spells.loc[
        (spells["organization_id"] == "SCO") & (spells["status"] == "member"), ["iso3", "start_date"]
    ]
    result = ex.q6.check(all_members)
    assert result.status == "incorrect" and "Founding members" in result.message

    wrong_date = _enlargement_reference()
    wrong_date.loc[wrong_date["iso3"] == "IRN", "start_date"] = pd.Timestamp("2005-07-05")
    result = ex.q6.check(wrong_date)
    assert result.status == "incorrect" and "your start_date for Iran is 2005-07-05" in result.message

    result = ex.q6.check(_enlargement_reference()["iso3"])
    assert result.status == "incorrect" and "Series" in result.message


# ---------------------------------------------------------------- q8: CSTO and EAEU at once


def test_q8_reference_answer(ex):
    today = data.AS_OF.isoformat()
    reference = _active_members("CSTO", today) & _active_members("EAEU", today) & _central_asia()
    assert reference == {"KAZ", "KGZ"}
    assert ex.q8.check(reference).correct


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [(["KAZ", "KGZ", "TJK"], "not in the EAEU"), (["KAZ", "KGZ", "UZB"], "observer"), (["KAZ", "KGZ", "ARM"], "Central Asian")],
)
def test_q8_wrong_answers(ex, answer, fragment):
    result = ex.q8.check(answer)
    assert result.status == "incorrect" and fragment in result.message


# ---------------------------------------------------------------- q9: SCO map, 2020


SCO_2020 = {"CHN", "RUS", "KAZ", "KGZ", "TJK", "UZB", "IND", "PAK"}


def test_q9_reference_answer(ex):
    assert _active_members("SCO", "2020-01-01") == SCO_2020
    assert ex.q9.check(_map_of(SCO_2020)).correct


def test_q9_wrong_answers(ex):
    with_observers = SCO_2020 | {"AFG", "BLR", "IRN", "MNG"}
    result = ex.q9.check(_map_of(with_observers))
    assert result.status == "incorrect" and "observers" in result.message

    today = set(data.members("SCO")["iso3"])
    result = ex.q9.check(_map_of(today))
    assert result.status == "incorrect" and "today's members" in result.message

    from casecurity import maps

    result = ex.q9.check(maps.membership_map("SCO", on="2020-01-01"))
    assert result.status == "incorrect" and "membership_map" in result.message

    result = ex.q9.check(_map_of(SCO_2020, layer_name="members"))
    assert result.status == "incorrect" and "add a layer named 'SCO members'" in result.message  # as the prompt says
    assert "folium" not in result.message and "FeatureGroup" not in result.message  # the lesson's words

    result = ex.q9.check(_map_of(SCO_2020, location=(48, 2)))
    assert result.status == "incorrect" and "outside Central Asia" in result.message


# ---------------------------------------------------------------- q10: reflection


def test_q10_reflection(ex):
    result = ex.q10.check(ex.MODEL_ANSWER)
    assert result.status == "submitted"
    assert "Kyrgyzstan 2010" in result.details and "Model answer" in result.details
    short = ex.q10.check("No, it is not.")
    assert short.status == "needs_more" and "at least 120" in short.message  # the prompt's range
    assert ex.q10.check("   ").status == "not_attempted"


# ---------------------------------------------------------------- lesson helper and registration


def test_every_question_has_hints_and_a_solution(ex):
    assert list(ex.LESSON.questions) == [f"q{i}" for i in range(1, 12)]
    for name, question in ex.LESSON.questions.items():
        assert len(question.hints) >= 2, name
        assert question.solution().status == "solution", name


def test_overlap_matrix(ex):
    table = ex.overlap_matrix(on="2010-01-01")
    assert list(table.index) == sorted(data.country_name(c) for c in _central_asia())
    assert table.loc["Uzbekistan", "CSTO"] == "member"
    assert table.loc["Turkmenistan", "CSTO"] == "—"
    assert table.loc["Turkmenistan", "CIS"] == "associate"
    assert table.loc["Kazakhstan", "EAEU"] == "—"  # the EAEU began on 1 Jan 2015
    today = ex.overlap_matrix()
    assert today.loc["Uzbekistan", "CSTO"] == "suspended"
    assert today.attrs["on"] == data.AS_OF.isoformat()
    assert list(ex.overlap_matrix(countries=["Armenia"], orgs=["csto"]).loc["Armenia"]) == ["frozen"]
    with pytest.raises(CourseError, match="CSTO"):
        ex.overlap_matrix(orgs=["CTSO"])


# ---------------------------------------------------------------- prose against data (issue 12)


def _lesson_markdown() -> str:
    notebook = json.loads((ROOT / "notebooks" / "02_alliances.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def test_consultative_meetings_prose_names_every_outside_participant():
    """The lesson may not say "the five meet alone" while the data record an outside participant."""
    outsiders = _active_members("CAHS", data.AS_OF.isoformat()) - _central_asia()
    assert "AZE" in outsiders  # full participant since 16 Nov 2025 (Trend; Report.az; Anadolu)
    text = _lesson_markdown()
    bullet = next(line for line in text.splitlines() if "Consultative Meetings of the Heads of State" in line)
    for code in outsiders:
        assert data.country_name(code) in bullet, code
    for stale in ("meet alone", "on their own, without outside powers"):
        assert stale not in text


def test_peace_missions_table_counts_sco_members_from_the_events(ex):
    table = ex.peace_missions().set_index("year")
    # Checked against sources: 2013 was a China-Russia bilateral drill (China Daily, 1 Aug 2013; RT);
    # 2007 involved all six members (RUSI); 2021 all eight members of the time (TASS).
    assert table.at[2013, "SCO members taking part"] == 2
    assert table.at[2007, "SCO members taking part"] == table.at[2007, "SCO members then"] == 6
    assert table.at[2021, "SCO members taking part"] == table.at[2021, "SCO members then"] == 8
    assert table.at[2021, "members not listed"] == "—"  # Belarus, not yet a member, is not counted
    for year in (2010, 2012, 2013, 2014, 2016):
        assert "Uzbekistan" in table.at[year, "members not listed"], year


def test_peace_mission_prose_names_every_bilateral_drill():
    events = pd.read_csv(data.data_dir() / "events.csv", dtype=str, keep_default_na=False)
    drills = events.loc[events["title"].str.contains("Peace Mission")]
    bilateral = {row.start_date[:4] for row in drills.itertuples() if set(row.countries.split(";")) == {"CHN", "RUS"}}
    assert {"2005", "2013"} <= bilateral
    paragraph = next(p for p in _lesson_markdown().split("\n\n") if "**Peace Mission**" in p)
    assert "bilateral" in paragraph
    for year in bilateral:
        assert year in paragraph, year
    assert "five members took part" not in paragraph


def test_csto_withdrawal_rule_is_stated_from_the_charter():
    # CSTO Charter Article 19 (odkb-csto.org; quoted by the Russian MFA, Caucasus Watch): withdrawal
    # on six months' written notice. Suspension was Uzbekistan's choice, not the only route.
    text = _lesson_markdown()
    assert "Article 19" in text and "six months" in text
    notes = " ".join(_spells()["note"].astype(str))
    for where in (text, notes):
        assert "allows no unilateral withdrawal" not in where
        assert "has no unilateral withdrawal" not in where


def test_membership_statements_in_the_prose_match_the_data():
    """Sentences of sections 1, 3 and the summary that state who belongs where 'as of the data's date'."""
    today = data.AS_OF.isoformat()
    five = _central_asia()
    spells = _spells()
    # Summary: only Kazakhstan, Kyrgyzstan and Tajikistan are CSTO members; Uzbekistan suspended;
    # Turkmenistan never joined.
    assert _active_members("CSTO", today) & five == {"KAZ", "KGZ", "TJK"}
    uzb = data.memberships_of("UZB", on=today)
    assert list(uzb.loc[uzb["organization_id"] == "CSTO", "status"].astype(str)) == ["suspended"]
    assert spells.query("organization_id == 'CSTO' and iso3 == 'TKM'").empty
    # OTS: Kazakhstan, Kyrgyzstan and Uzbekistan are members with Turkey and Azerbaijan; Turkmenistan observes.
    assert _active_members("OTS", today) == {"KAZ", "KGZ", "UZB", "TUR", "AZE"}
    tkm = data.memberships_of("TKM", on=today)
    assert list(tkm.loc[tkm["organization_id"] == "OTS", "status"].astype(str)) == ["observer"]
    # EAEU: Kazakhstan and Kyrgyzstan are members; Uzbekistan an observer.
    assert _active_members("EAEU", today) & five == {"KAZ", "KGZ"}
    # PfP: all five signed up, four in 1994 and Tajikistan in 2002.
    pfp = spells.query("organization_id == 'PFP'").set_index("iso3")
    assert five <= set(pfp.index)
    years = {code: pd.Timestamp(pfp.at[code, "start_date"]).year for code in five}
    assert years.pop("TJK") == 2002 and set(years.values()) == {1994}


def test_consultative_meetings_are_not_called_yearly():
    # Issue 22, minor error 6: no meeting was held in 2020; the third met at Avaza in August 2021 (Kabar, 16 Jul 2021).
    note = data.load("organizations").set_index("id").at["CAHS", "note"]
    assert "2019" in note and "6 Aug 2021" in note and "2020" not in note
    text = _lesson_markdown()
    assert "a yearly summit of the region's presidents" not in text
    assert "met yearly since 2018" not in text
    assert "none was held in 2020" in text and "kabar.kg" in text


# ---------------------------------------------------------------- variants (issue 18): a non-default variant
# rejects the default's answer and accepts its own, computed here from the memberships table


def _graded(name: str, params: dict, answer):
    from casecurity.exercises import get_lesson
    from casecurity.exercises.variants import using

    question = get_lesson("02").questions[name]
    with using({question.id: params}):
        assert question.prompt != question.prompt_template  # the variant's own values are filled in
        return question.grade_record(question.record_answer(answer))


def _any_status(org: str, day: str) -> set[str]:
    spells = _spells()
    when = pd.Timestamp(day)
    active = (spells["start_date"] <= when) & (spells["end_date"].isna() | (spells["end_date"] > when))
    return set(spells.loc[(spells["organization_id"] == org) & active, "iso3"])


def test_q3_variant_counts_its_own_organisation():
    params = {"org": "CSTO"}
    today = data.AS_OF.isoformat()
    reference = len(_active_members("CSTO", today))
    assert reference == 5  # Armenia frozen since 2024, Uzbekistan suspended since 2012
    assert _graded("q3", params, reference).status == "correct"
    assert _graded("q3", params, 10).status == "incorrect"  # the SCO's count, the default's answer
    every_status = _graded("q3", params, len(_any_status("CSTO", today)))
    assert every_status.status == "incorrect" and "counted every status" in every_status.message
    assert "Turkmenistan as a guest" not in every_status.message  # the SCO's facts stay with the SCO


def test_q5_variant_counts_its_own_state_and_organisation():
    params = {"country": "Armenia", "iso3": "ARM", "org": "CSTO", "org_text": "CSTO"}
    spells = _spells()
    armenian = spells[(spells["organization_id"] == "CSTO") & (spells["iso3"] == "ARM")]
    reference = int((armenian["status"] == "member").sum())
    assert reference == 1 and len(armenian) == 2  # member 1992-2024, then frozen
    assert _graded("q5", params, reference).status == "correct"
    wrong = _graded("q5", params, 2)  # the default's answer, and here every spell counted
    assert wrong.status == "incorrect" and "every CSTO spell of Armenia" in wrong.message
    assert "Uzbekistan" not in wrong.message


def test_q6_variant_builds_its_own_enlargement():
    params = {"org": "EAEU", "after": "2015-01-01", "when": "the founding day (2015-01-01)"}
    spells = _spells()
    eaeu = spells[(spells["organization_id"] == "EAEU") & (spells["start_date"] > "2015-01-01")]
    reference = eaeu.loc[eaeu["status"] == "member", ["iso3", "start_date"]]
    assert set(reference["iso3"]) == {"ARM", "KGZ"}
    assert _graded("q6", params, reference).status == "correct"
    assert _graded("q6", params, _enlargement_reference()).status == "incorrect"  # the SCO's table
    observers = _graded("q6", params, eaeu[["iso3", "start_date"]])
    assert observers.status == "incorrect" and "another status after 2015-01-01" in observers.message
    founders = spells.loc[(spells["organization_id"] == "EAEU") & (spells["status"] == "member"), ["iso3", "start_date"]]
    result = _graded("q6", params, founders)
    assert result.status == "incorrect" and "already members on 2015-01-01" in result.message


def test_q8_variant_intersects_its_own_organisations():
    params = {"first": "SCO", "second": "OTS", "second_name": "Organization of Turkic States (OTS)"}
    today = data.AS_OF.isoformat()
    reference = _active_members("SCO", today) & _active_members("OTS", today) & _central_asia()
    assert reference == {"KAZ", "KGZ", "UZB"}
    assert _graded("q8", params, sorted(reference)).status == "correct"
    assert _graded("q8", params, ["KAZ", "KGZ"]).status == "incorrect"  # the default's answer
    with_tajikistan = _graded("q8", params, sorted(reference | {"TJK"}))
    assert with_tajikistan.status == "incorrect"
    assert "Tajikistan is in the SCO but not in the OTS" in with_tajikistan.message


def test_q9_variant_maps_its_own_organisation_and_day():
    params = {"org": "CSTO", "date": "2010-01-01"}
    reference = _active_members("CSTO", "2010-01-01")
    assert "UZB" in reference and "ARM" in reference
    assert _graded("q9", params, _map_of(reference, layer_name="CSTO members")).status == "correct"
    assert _graded("q9", params, _map_of(SCO_2020)).status == "incorrect"  # the default's map
    today = _graded("q9", params, _map_of(_active_members("CSTO", data.AS_OF.isoformat()), layer_name="CSTO members"))
    assert today.status == "incorrect" and "today's members" in today.message and "Iran" not in today.message
