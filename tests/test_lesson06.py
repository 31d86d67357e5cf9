"""Lesson 06 (where it is heading, capstone): every question accepts its reference answer and rejects
realistic wrong ones with the intended message.

Reference answers are computed here straight from the CSV files with pandas (not through the
lesson module or ``casecurity.data``'s query functions), or come from facts checked against sources:

- the 2022 Central Asian friendship treaty: signed 21 Jul 2022 by Kazakhstan, Kyrgyzstan and Uzbekistan
  (RFE/RL, 22 Jul 2022: rferl.org/a/central-asia-summit-failure-cooperate/31955695.html); Tajikistan signed
  on 28 Aug 2025 (Trend via menafn.com/1109989100); no Turkmen signature found;
- SCO members: six founders (2001), India and Pakistan (Jun 2017), Iran (Jul 2023), Belarus (Jul 2024).
"""

from __future__ import annotations

import functools
from pathlib import Path

import folium
import pandas as pd
import pytest

from casecurity import data, maps
from casecurity.errors import CourseError
from casecurity.exercises import get_lesson
from casecurity.exercises import lesson06 as ex
from casecurity.exercises.variants import using

REPO = Path(__file__).resolve().parent.parent
CENTRAL_ASIA = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
AS_OF = pd.Timestamp(data.AS_OF)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """Real data/, a throwaway progress file, no grader log."""
    monkeypatch.delenv("CASECURITY_DATA", raising=False)
    monkeypatch.delenv("CASECURITY_RESULTS", raising=False)
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))


@functools.cache
def _csv(name: str) -> pd.DataFrame:
    """One CSV as strings, read once (callers never modify it)."""
    return pd.read_csv(REPO / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _active(start: str, end: str, day: pd.Timestamp) -> bool:
    """The half-open rule [start, end) of docs/design.md, on raw CSV strings."""
    return bool(start) and pd.Timestamp(start) <= day and (not end or day < pd.Timestamp(end))


def _spells_on(day: pd.Timestamp) -> pd.DataFrame:
    spells = _csv("memberships")
    mask = [_active(s, e, day) for s, e in zip(spells["start_date"], spells["end_date"], strict=True)]
    return spells.loc[mask]


def _org_counts(statuses: set[str], day: pd.Timestamp = AS_OF) -> pd.DataFrame:
    spells = _spells_on(day)
    rows = []
    for code in CENTRAL_ASIA:
        own = spells.loc[(spells["iso3"] == code) & spells["status"].isin(statuses)]
        rows.append({"iso3": code, "organisations": own["organization_id"].nunique()})
    return pd.DataFrame(rows)


def _members_on(org: str, day: str, statuses: set[str]) -> int:
    spells = _spells_on(pd.Timestamp(day))
    return int(((spells["organization_id"] == org) & spells["status"].isin(statuses)).sum())


def _briefing_reference() -> pd.DataFrame:
    counts = _org_counts({"member"}).set_index("iso3")["organisations"]
    parties = _csv("treaty_parties")
    facilities = _csv("facilities")
    rows = []
    for code in CENTRAL_ASIA:
        hosted = facilities.loc[(facilities["host_iso3"] == code) & (facilities["operator_iso3"] != code)]
        open_now = [
            _active(o, c, AS_OF) and status == "active"
            for o, c, status in zip(hosted["opened"], hosted["closed"], hosted["status"], strict=True)
        ]
        rows.append(
            {
                "iso3": code,
                "organisations": int(counts[code]),
                "treaties": parties.loc[parties["iso3"] == code, "treaty_id"].nunique(),
                "foreign_facilities": sum(open_now),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- q1, q4, q6


def test_q1_armenia_is_frozen_in_the_data_and_the_frozen_option_is_right():
    spells = _spells_on(AS_OF)
    armenia = spells.loc[(spells["organization_id"] == "CSTO") & (spells["iso3"] == "ARM"), "status"].tolist()
    assert armenia == ["frozen"]
    assert "frozen" in ex.q1.options["a"] and ex.q1.check("a").status == "correct"
    wrong = ex.q1.check("b")
    assert wrong.status == "incorrect" and "withdrawal notice" in wrong.message


def test_q4_consultative_meetings():
    assert "2018" in ex.q4.options["c"] and ex.q4.check("c").status == "correct"
    wrong = ex.q4.check("d")
    assert wrong.status == "incorrect" and "Avaza" in wrong.message


def test_q6_scenario_indicator():
    assert "facilities.csv" in ex.q6.options["b"] and ex.q6.check("b").status == "correct"
    assert ex.q6.check("a").status == "incorrect"
    assert "cyber" in ex.q6.check("d").message


# ------------------------------------------------------------------------------------- q2


def test_q2_reference_signers_match_sources_and_are_accepted():
    parties = _csv("treaty_parties")
    own = parties.loc[parties["treaty_id"] == "ca_friendship_treaty_2022"]
    signed = {
        code
        for code, day in zip(own["iso3"], own["signed_date"], strict=True)
        if day and pd.Timestamp(day) <= AS_OF
    }
    assert signed == {"KAZ", "KGZ", "UZB", "TJK"}  # RFE/RL 2022 + Trend 28 Aug 2025
    assert ex.q2.check(sorted(signed)).status == "correct"
    assert ex.q2.check(["Kazakhstan", "kyrgyz republic", "uzb", "Tajikistan"]).status == "correct"


def test_q2_wrong_answers_get_targeted_messages():
    with_turkmenistan = ex.q2.check(["KAZ", "KGZ", "UZB", "TJK", "TKM"])
    assert with_turkmenistan.status == "incorrect" and "Turkmen signature" in with_turkmenistan.message
    only_2022 = ex.q2.check(["KAZ", "KGZ", "UZB"])
    assert only_2022.status == "incorrect" and "28 Aug 2025" in only_2022.message
    with_russia = ex.q2.check(["KAZ", "KGZ", "UZB", "TJK", "RUS"])
    assert with_russia.status == "incorrect" and "no outside power" in with_russia.message


# ------------------------------------------------------------------------------------- q3


def test_q3_reference_counts_are_accepted():
    reference = _org_counts({"member"})
    # independent sanity: neutral Turkmenistan holds fewer full memberships than Kazakhstan
    counts = reference.set_index("iso3")["organisations"]
    assert counts["TKM"] < counts["KAZ"]
    assert ex.q3.check(reference).status == "correct"
    assert ex.q3.check(reference.iloc[::-1].reset_index(drop=True)).status == "correct"


@pytest.mark.parametrize(
    ("statuses", "fragment"),
    [
        (
            {
                "member",
                "observer",
                "dialogue_partner",
                "associate",
                "guest",
                "partner",
                "suspended",
                "frozen",
            },
            "every status",
        ),
        ({"member", "suspended", "frozen"}, "suspended"),
        ({"member", "partner"}, "Partnership for Peace"),
    ],
)
def test_q3_common_mistakes(statuses, fragment):
    result = ex.q3.check(_org_counts(statuses))
    assert result.status == "incorrect"
    assert fragment in result.message


def test_q3_series_is_rejected():
    result = ex.q3.check(_org_counts({"member"})["organisations"])
    assert result.status == "incorrect" and "Series" in result.message


# ------------------------------------------------------------------------------------- q5


def _reference_counter(statuses=frozenset({"member"}), month_day="12-31"):
    def count(org, year):
        return _members_on(org, f"{year}-{month_day}", set(statuses))

    return count


def test_q5_reference_function_and_known_facts():
    count = _reference_counter()
    assert [count("SCO", y) for y in (2001, 2017, 2023, 2024)] == [6, 8, 9, 10]
    assert ex.q5.check(count).status == "correct"


def test_q5_mistakes():
    any_status = _reference_counter(
        {"member", "observer", "dialogue_partner", "associate", "guest", "partner", "suspended", "frozen"}
    )
    assert "observers" in ex.q5.check(any_status).message
    first_january = _reference_counter(month_day="01-01")
    assert "END of 2017" in ex.q5.check(first_january).message
    with_frozen = _reference_counter({"member", "frozen"})
    result = ex.q5.check(with_frozen)
    assert result.status == "incorrect" and "frozen" in result.message


def test_q5_stub_and_non_function():
    def members_at_end_of(org, year): ...

    assert ex.q5.check(members_at_end_of).status == "not_attempted"
    assert ex.q5.check(6).status == "incorrect"


# ------------------------------------------------------------------- variants of q2, q3, q5 (issue 18)


def _judged(name: str, params: dict, answer):
    """``answer`` graded against the variant ``params`` of question ``name`` (as the grader does)."""
    question = get_lesson("06").questions[name]
    with using({question.id: params}):
        return question.grade_record(question.record_answer(answer))


def _signers(treaty_id: str, day: str) -> set[str]:
    parties = _csv("treaty_parties")
    own = parties.loc[parties["treaty_id"] == treaty_id]
    return {code for code, signed in zip(own["iso3"], own["signed_date"], strict=True)
            if signed and pd.Timestamp(signed) <= pd.Timestamp(day)}


def _q2_params(treaty_id: str, day: str) -> dict:
    return next(
        params for params in (get_lesson("06").questions["q2"].variant_params(seed) for seed in range(200))
        if (params["treaty_id"], params["date"]) == (treaty_id, day)
    )


def test_q2_default_variant_keeps_todays_text():
    q2 = get_lesson("06").questions["q2"]
    assert q2.prompt.startswith("Which states had signed the 2022 Treaty on Friendship, Good-Neighbourliness "
                                "and Cooperation for the Development of Central Asia in the 21st Century by "
                                "data.AS_OF?")
    treaties = _csv("treaties").set_index("id")
    assert q2.default_params["treaty"] == f"the 2022 {treaties.at['ca_friendship_treaty_2022', 'name']}"


def test_q2_the_1992_treaty_before_georgia_and_belarus_acceded():
    params = _q2_params("cst_1992", "1993-10-31")
    right = _signers("cst_1992", "1993-10-31")
    assert right == {"ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB", "AZE"}  # Azerbaijan acceded on 24 Sep 1993
    assert _judged("q2", params, sorted(right)).status == "correct"
    assert _judged("q2", params, ["KAZ", "KGZ", "UZB", "TJK"]).status != "correct"  # the default's answer
    originals = _judged("q2", params, sorted(right - {"AZE"}))
    assert originals.status == "incorrect" and "own signed_date" in originals.message
    every_party = _judged("q2", params, sorted(right | {"GEO", "BLR"}))
    assert every_party.status == "incorrect" and "only after '1993-10-31'" in every_party.message
    outsider = _judged("q2", params, sorted(right | {"CHN"}))
    assert outsider.status == "incorrect" and "not a party to this treaty" in outsider.message
    turkmen = _judged("q2", params, sorted(right | {"TKM"}))
    assert "Turkmen signature" in turkmen.message and "'1993-10-31'" in turkmen.message


def test_q2_the_2022_treaty_before_tajikistan_signed():
    params = _q2_params("ca_friendship_treaty_2022", "2024-01-01")
    assert _signers("ca_friendship_treaty_2022", "2024-01-01") == {"KAZ", "KGZ", "UZB"}
    assert _judged("q2", params, ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"]).status == "correct"
    default_answer = _judged("q2", params, ["KAZ", "KGZ", "UZB", "TJK"])
    assert default_answer.status == "incorrect" and "only after '2024-01-01'" in default_answer.message


def test_q2_the_csto_charter_has_no_uzbek_signature():
    params = _q2_params("csto_charter_2002", "2010-01-01")
    right = _signers("csto_charter_2002", "2010-01-01")
    assert right == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
    assert _judged("q2", params, sorted(right)).status == "correct"
    # Uzbekistan was a CSTO member in 2010 (back from 2006) but its Charter row has no signed_date
    with_uzbekistan = _judged("q2", params, sorted(right | {"UZB"}))
    assert with_uzbekistan.status == "incorrect" and "no signed_date" in with_uzbekistan.message


def test_q3_on_another_date_counts_that_days_memberships():
    params = {"date": "2013-06-30", "date_name": "'2013-06-30'"}
    day = pd.Timestamp("2013-06-30")
    right = _org_counts({"member"}, day)
    assert right.set_index("iso3")["organisations"].to_dict() == {"KAZ": 5, "KGZ": 5, "TJK": 4, "TKM": 0, "UZB": 3}
    assert _judged("q3", params, right).status == "correct"
    assert _judged("q3", params, _org_counts({"member"})).status != "correct"  # the as-of date's counts
    suspended = _judged("q3", params, _org_counts({"member", "suspended", "frozen"}, day))
    assert suspended.status == "incorrect" and "suspended" in suspended.message
    partner = _judged("q3", params, _org_counts({"member", "partner"}, day))
    assert partner.status == "incorrect" and "Partnership for Peace" in partner.message
    with using({ex.q3.id: params}):
        assert "on '2013-06-30'?" in ex.q3.prompt and "on='2013-06-30'" in ex.q3.hints[0]


def test_q3_before_uzbekistans_suspension_the_suspended_count_is_no_mistake():
    params = {"date": "2010-06-30", "date_name": "'2010-06-30'"}
    day = pd.Timestamp("2010-06-30")
    assert _judged("q3", params, _org_counts({"member", "suspended", "frozen"}, day)).status == "correct"
    every = _judged("q3", params, _org_counts({"member", "observer", "associate", "guest", "partner"}, day))
    assert every.status == "incorrect" and "every status" in every.message


def test_q5_other_organisations_are_tested():
    params = {"org": "EAEU", "other_org": "CIS"}
    with using({ex.q5.id: params}):
        assert "(e.g. 'EAEU', 'CIS')" in ex.q5.prompt and "f'{year}-12-31'" in ex.q5.hints[1]
    assert _judged("q5", params, _reference_counter()).status == "correct"

    def answers_of_the_default_cases(org, year):  # right for the SCO and the CSTO only
        return _reference_counter()(org, year) if org in ("SCO", "CSTO") else 0

    assert _judged("q5", params, answers_of_the_default_cases).status != "correct"
    # the EAEU began on 1 Jan 2015 and Kyrgyzstan joined in August, so 1 January gives a wrong 2015 count
    first_january = _judged("q5", params, _reference_counter(month_day="01-01"))
    assert first_january.status == "incorrect" and "END of 2017" in first_january.message
    # Moldova has been an EAEU observer since 2018, Turkmenistan a CIS associate since 2005
    any_status = _judged("q5", params, _reference_counter({"member", "observer", "associate"}))
    assert any_status.status == "incorrect" and "observers" in any_status.message


# --------------------------------------------------------------------------------- q7 map


def test_q7_model_map_is_accepted():
    m = maps.facilities_map(on=data.AS_OF)
    ex.add_briefing_layer(m, ["TJK", "Kyrgyzstan"], "hosts Russian sites")
    assert ex.q7.check(m).status == "correct"


def test_q7_map_without_layer_or_elsewhere_is_rejected():
    plain = maps.facilities_map(on=data.AS_OF)
    result = ex.q7.check(plain)
    assert result.status == "incorrect" and "Briefing" in result.message
    far_away = folium.Map(location=[48.8, 2.3], zoom_start=5)
    folium.FeatureGroup(name="Briefing").add_to(far_away)
    result = ex.q7.check(far_away)
    assert result.status == "incorrect" and "outside Central Asia" in result.message


def test_add_briefing_layer_errors():
    with pytest.raises(CourseError, match="folium.Map"):
        ex.add_briefing_layer("not a map", ["TJK"])
    with pytest.raises(CourseError):
        ex.add_briefing_layer(folium.Map(location=[45, 67]), ["Atlantis"])


# ------------------------------------------------------------------------------- q8 table


def test_q8_reference_table_is_accepted_with_extra_columns():
    reference = _briefing_reference()
    assert ex.q8.check(reference).status == "correct"
    assert ex.q8.check(reference.assign(my_note="anything")).status == "correct"


def test_q8_counting_reported_facilities_is_caught():
    facilities = _csv("facilities")
    reported = facilities.loc[
        (facilities["status"] == "reported")
        & (facilities["host_iso3"] == "TJK")
        & (facilities["operator_iso3"] != "TJK")
    ]
    assert len(reported) >= 1  # the Chinese outpost the mistake is about
    # the mistake: every foreign site open on the as-of date counted, 'reported' ones included
    wrong = _briefing_reference()
    for code in CENTRAL_ASIA:
        hosted = facilities.loc[(facilities["host_iso3"] == code) & (facilities["operator_iso3"] != code)]
        wrong.loc[wrong["iso3"] == code, "foreign_facilities"] = sum(
            _active(o, c, AS_OF) and status in {"active", "reported"}
            for o, c, status in zip(hosted["opened"], hosted["closed"], hosted["status"], strict=True)
        )
    assert (wrong["foreign_facilities"] > _briefing_reference()["foreign_facilities"]).any()
    result = ex.q8.check(wrong)
    assert result.status == "incorrect" and "reported" in result.message


def test_q8_missing_column_is_named():
    result = ex.q8.check(_briefing_reference().drop(columns="treaties"))
    assert result.status == "incorrect" and "treaties" in result.message


def _treaties_signed_since(year: int) -> dict[str, int]:
    """Per state, treaties listed with it as party whose treaty was signed in ``year`` or later (raw CSVs)."""
    treaties = _csv("treaties").set_index("id")
    parties = _csv("treaty_parties")
    recent = {tid for tid, day in treaties["signed_date"].items() if int(day[:4]) >= year}
    return {code: parties.loc[(parties["iso3"] == code) & parties["treaty_id"].isin(recent), "treaty_id"].nunique()
            for code in CENTRAL_ASIA}


def _q8_params(since) -> dict:
    return next(params for params in (get_lesson("06").questions["q8"].variant_params(seed) for seed in range(200))
                if params["since"] == since)


def test_q8_default_variant_keeps_todays_text():
    question = get_lesson("06").questions["q8"]
    assert question.default_params["since"] is None
    assert "signed, whatever their entry-into-force date), and foreign_facilities" in question.prompt
    assert len({params["since"] for params in (question.variant_params(seed) for seed in range(200))}) >= 8


@pytest.mark.parametrize("year", [2005, 2015])
def test_q8_treaties_signed_since_a_year(year):
    params = _q8_params(year)
    counts = _treaties_signed_since(year)
    right = _briefing_reference().assign(treaties=[counts[code] for code in CENTRAL_ASIA])
    assert (right["treaties"] < _briefing_reference()["treaties"]).all()
    assert _judged("q8", params, right).status == "correct"
    every_treaty = _judged("q8", params, _briefing_reference())
    assert every_treaty.status != "correct" and f"signed in {year} or later" in every_treaty.message
    after = _treaties_signed_since(year + 1)
    strictly_after = _judged("q8", params, right.assign(treaties=[after[code] for code in CENTRAL_ASIA]))
    assert strictly_after.status != "correct" and f"signed in {year} itself" in strictly_after.message
    in_force = right.assign(treaties=[len(data.treaties(party=c, in_force_on=AS_OF)) for c in CENTRAL_ASIA])
    message = _judged("q8", params, in_force).message
    assert "in force on data.AS_OF" in message and f"signed in {year} or later" in message
    question = get_lesson("06").questions["q8"]
    with using({question.id: params}):
        assert f"only those signed in {year} or later" in question.prompt


# ------------------------------------------------------------------------------ q9 reflection


def test_q9_memo_word_limits_and_model_memo():
    memo = ex.model_memo()
    assert 1500 <= len(memo.split()) <= 2000
    assert ex.q9.check(memo).status == "submitted"
    assert ex.q9.check(ex.model_briefing()).status == "needs_more"  # a 400-word briefing is not a memo
    assert ex.q9.check("word " * 1600).status == "needs_more"  # one word repeated (issue #11)
    short = ex.q9.check("word " * 150)
    assert short.status == "needs_more" and "at least 1500" in short.message
    long = ex.q9.check(memo + " " + memo)
    assert long.status == "incorrect" and "at most 2000" in long.message
    assert ex.q9.check("").status == "not_attempted"


def test_q9_memo_has_one_rubric_in_the_module_the_exercise_set_and_the_guide():
    """The grader's criteria, the student's copy and the teacher's guide come from MEMO_RUBRIC."""
    import json
    import re

    assert [text for text, _points in ex.LESSON.questions["q9"].criteria] == [f"{name}: {full}" for name, _p, full, _h in ex.MEMO_RUBRIC]
    assert ex.q9.points == sum(points for _n, points, _f, _h in ex.MEMO_RUBRIC) == 20
    rubric = ex.memo_rubric_markdown()
    for folder, name in (("solutions", "06_future_solutions.ipynb"), ("exercises", "06_future_exercises.ipynb")):
        cells = json.loads((REPO / folder / name).read_text(encoding="utf-8"))["cells"]
        copies = [c for c in cells if c["cell_type"] == "markdown" and "| Criterion | Points |" in "".join(c["source"])]
        assert len(copies) == 1, f"{folder}: exactly one rubric table for the memo"
        assert rubric in "".join(copies[0]["source"]), f"{folder}: the memo rubric differs from MEMO_RUBRIC"
    guide = (REPO / "docs" / "teaching.md").read_text(encoding="utf-8")
    between = re.search(r"<!-- memo-rubric -->\n(.*?)\n<!-- /memo-rubric -->", guide, flags=re.S)
    assert between and between.group(1).strip() == rubric.strip(), "teaching.md's memo rubric differs"
    words = " ".join([rubric, guide, *(c for c, _p in ex.LESSON.questions["q9"].criteria)]).lower()
    assert "seed error" not in words and "seed-error" not in words  # no internal jargon


# ----------------------------------------------------------------------------------- helpers


def test_member_counts_matches_csv():
    table = ex.member_counts("SCO", [2005, 2017])
    assert table["members"].tolist() == [
        _members_on("SCO", "2005-12-31", {"member"}),
        _members_on("SCO", "2017-12-31", {"member"}),
    ]
    assert (table["any_status"] >= table["members"]).all()


def test_facilities_by_power_leaves_out_reported_sites():
    table = ex.facilities_by_power([2010, 2025])
    assert "China" not in table.columns  # its only site is 'reported' and was never confirmed
    facilities = _csv("facilities")

    def russian_confirmed(day: pd.Timestamp) -> int:
        # confirmed that day: active/closed rows while open; reported rows through last_confirmed
        return sum(
            _active(o, c, day) and (s != "reported" or (bool(last) and day <= pd.Timestamp(last)))
            for o, c, s, last, op in zip(
                facilities["opened"],
                facilities["closed"],
                facilities["status"],
                facilities["last_confirmed"],
                facilities["operator_iso3"],
                strict=True,
            )
            if op == "RUS"
        )

    assert table.loc[2025, "Russia"] == russian_confirmed(pd.Timestamp("2025-01-01"))
    assert table.loc[2010, "Russia"] == russian_confirmed(pd.Timestamp("2010-01-01"))
    # the Kara-Balta node (reported today) was confirmed in use in 2010, and is counted then
    node = facilities.set_index("id").loc["rus_kaindy_comms"]
    assert node["status"] == "reported" and pd.Timestamp(node["last_confirmed"]) > pd.Timestamp("2010-01-01")
    assert "rus_kaindy_comms" in set(data.facilities(confirmed_on=2010)["id"])


def test_treaties_by_partner_defence_counts():
    treaties = _csv("treaties").set_index("id")
    parties = _csv("treaty_parties")
    russian = set(parties.loc[parties["iso3"] == "RUS", "treaty_id"])
    regional = set(parties.loc[parties["iso3"].isin(CENTRAL_ASIA), "treaty_id"])
    defence = [t for t in russian & regional if "defense" in treaties.at[t, "obligations"].split(";")]
    assert ex.treaties_by_partner().loc["Russia", "defence"] == len(defence)


def test_status_table_shows_words_not_codes():
    table = ex.status_table()
    assert table.loc["Uzbekistan", "CSTO"] == "suspended"
    assert table.loc["Turkmenistan", "SCO"] == "guest"
    with pytest.raises(CourseError):
        ex.status_table(on="not a date")


# ------------------------------------------------------------- prose and model briefing vs data
# Each claim below is a sentence of lesson 06 or of the model briefing (q9) that depends on the
# data; the reference is recomputed here from the CSV files, so a corrected row cannot leave the
# prose behind (issue 12).

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _foreign_sites_open(statuses: set[str]) -> pd.DataFrame:
    facilities = _csv("facilities")
    mask = [
        _active(o, c, AS_OF) and status in statuses and host in CENTRAL_ASIA and op != host
        for o, c, status, host, op in zip(
            facilities["opened"], facilities["closed"], facilities["status"],
            facilities["host_iso3"], facilities["operator_iso3"], strict=True,
        )
    ]
    return facilities.loc[mask]


def test_model_briefing_counts_come_from_the_data():
    text = ex.model_briefing()
    reference = _briefing_reference().set_index("iso3")
    names = _csv("countries").set_index("iso3")["name"]
    hosting = text.split("The table shows ", 1)[1].split(".", 1)[0]
    for code, count in reference["foreign_facilities"].items():
        if count:
            assert f"{names[code]} hosting {_WORDS[count]} " in hosting or f"{names[code]} {_WORDS[count]}" in hosting
        else:
            assert names[code] in hosting.split("while", 1)[1]
    most = reference["organisations"].max()
    assert f"{_WORDS[most]} full memberships" in text


def test_model_briefing_follows_the_table_it_is_given():
    changed = _briefing_reference()
    changed.loc[changed["iso3"] == "TJK", "foreign_facilities"] = 7
    assert "Tajikistan hosting seven confirmed" in ex.model_briefing(changed)


def test_model_briefing_russia_only_and_kulob_closed():
    # "confirmed sites run by Russia only": the operators of confirmed foreign sites open on AS_OF
    assert set(_foreign_sites_open({"active"})["operator_iso3"]) == {"RUS"}
    assert "run by Russia only" in ex.model_briefing()
    # Russia left Kulob in late 2015 (relocation order of 15 Oct 2015: Asia-Plus and Eurasianet, Nov 2015)
    kulob = _csv("facilities").set_index("id").loc["rus_201_kulob"]
    assert kulob["status"] == "closed" and kulob["closed"].startswith("2015-")
    assert "Kulob in 2015" in ex.model_briefing()
    # "the one Chinese site ... is marked 'reported'"
    chinese = _csv("facilities").query("operator_iso3 == 'CHN'")
    assert chinese["status"].tolist() == ["reported"]


def test_model_briefing_dates_the_c5_plus_1_summits_right():
    text = ex.model_briefing()
    # the first leaders' summit was New York, 19 Sep 2023; 6 Nov 2025 was the first at the White House
    assert "first summit at the White House" not in text
    assert "19 September 2023" in text and "first time at the White House" in text
    spells = _spells_on(AS_OF)
    c5 = set(spells.loc[(spells["organization_id"] == "C5+1") & (spells["status"] == "member"), "iso3"])
    assert set(CENTRAL_ASIA) <= c5  # "all five take part in the C5+1"


def test_sco_partner_list_is_complete():
    # TASS (1 Sep 2025) counted 17 SCO partners after the Tianjin merger, Laos included
    spells = _spells_on(AS_OF)
    partners = spells.loc[(spells["organization_id"] == "SCO") & (spells["status"] == "partner"), "iso3"]
    assert len(partners) == 17 and "LAO" in set(partners)
    lesson = (REPO / "notebooks" / "06_future.ipynb").read_text(encoding="utf-8")
    assert "lower bound" not in lesson


def _lesson06_text() -> str:
    import json

    cells = json.loads((REPO / "notebooks" / "06_future.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_section_5_treaty_claims_hold_in_the_data():
    table = ex.treaties_by_partner()
    text = _lesson06_text()
    # "Russia has by far the most treaties, including all of the outside powers' defence obligations
    # and most of their basing ones"
    totals = table["bilateral"] + table["multilateral"]
    assert totals.idxmax() == "Russia" and "Russia has by far the most treaties" in text
    assert table.loc["Russia", "defence"] == table["defence"].sum() > 0
    assert table.loc["Russia", "basing"] > table["basing"].sum() / 2
    # "China has many treaties but no defence or basing obligation"
    assert table.loc["China", ["defence", "basing"]].sum() == 0 and totals["China"] > 0
    # "Türkiye and the EU have no treaty rows at all" (the EU is not a party code in the data)
    assert totals[_csv("countries").set_index("iso3").at["TUR", "name"]] == 0


def test_section_5_reported_sites_named_in_the_lesson_are_reported():
    facilities = _csv("facilities").set_index("id")
    assert facilities.at["chn_murghab_outpost", "status"] == "reported"
    assert facilities.at["ind_farkhor", "status"] == "reported"
    assert "an Indian air base at Farkhor" in _lesson06_text()


def test_turkmenistan_and_multi_vector_claims_hold_on_the_as_of_date():
    spells = _spells_on(AS_OF)
    members = spells[spells["status"] == "member"]
    # section 1: Turkmenistan is a full participant only in the C5+1 and the Consultative Meetings
    assert set(members.loc[members["iso3"] == "TKM", "organization_id"]) == {"C5+1", "CAHS"}
    # section 6: Kazakhstan and Kyrgyzstan are in the CSTO, the SCO, the OTS and the C5+1 at once
    for code in ("KAZ", "KGZ"):
        assert {"CSTO", "SCO", "OTS", "C5+1"} <= set(members.loc[members["iso3"] == code, "organization_id"])


def test_western_sites_span_2001_to_2015():
    # "the Western sites of 2001–2015 ... have gone" (lesson) / "(K2, Manas, Termez, Dushanbe) have all closed"
    facilities = _csv("facilities")
    western = facilities[facilities["operator_iso3"].isin({"USA", "DEU", "FRA"}) & (facilities["status"] != "reported")]
    assert min(d[:4] for d in western["opened"]) == "2001" and max(d[:4] for d in western["closed"]) == "2015"
    assert (western["status"] == "closed").all()
    assert "Western sites of 2001-2015" in ex.model_briefing()
    assert "Western sites of 2001–2015" in _lesson06_text()


def test_section_3_names_the_year_the_kara_balta_node_counts_until():
    # "the Russian sites now `reported` up to their `last_confirmed` date (the Kara-Balta communications
    # node, for example, counts until 2023)"; Sary-Shagan is active again (issue 22), so not the example
    facilities = _csv("facilities").set_index("id")
    node = facilities.loc["rus_kaindy_comms"]
    assert node["status"] == "reported"
    assert f"the Kara-Balta communications node, for example, counts until {node['last_confirmed'][:4]}" in _lesson06_text()
    assert facilities.at["rus_sary_shagan", "status"] == "active"
    assert "Sary-Shagan, for example, counts until" not in _lesson06_text()


def test_q8_counts_sary_shagan_among_kazakhstans_foreign_facilities():
    # Issue 22, serious error 1: Sary-Shagan is active (Kazakh deputy defence minister, 28 Feb 2024), so
    # Kazakhstan hosts two confirmed foreign-run sites on the as-of date, Baikonur and Sary-Shagan.
    facilities = _csv("facilities")
    hosted = facilities[(facilities["host_iso3"] == "KAZ") & (facilities["status"] == "active")]
    assert set(hosted["id"]) == {"rus_baikonur", "rus_sary_shagan"}
    reference = _briefing_reference()
    assert reference.set_index("iso3").at["KAZ", "foreign_facilities"] == 2
    assert ex.q8.check(reference).status == "correct"
    # the old answer (Baikonur only) is now wrong
    old = reference.copy()
    old.loc[old["iso3"] == "KAZ", "foreign_facilities"] = 1
    assert ex.q8.check(old).status != "correct"
    assert "Kazakhstan two" in ex.model_briefing() or "Kazakhstan hosting two" in ex.model_briefing()


def test_turkiye_summit_format_does_not_include_all_five():
    # Issue 22, minor error 4: the OTS is not a format "with the five": Tajikistan is not in it and
    # Turkmenistan is only an observer (memberships.csv).
    spells = _spells_on(AS_OF)
    ots = spells[spells["organization_id"] == "OTS"].set_index("iso3")["status"]
    assert "TJK" not in ots.index and ots["TKM"] == "observer"
    assert {c for c in ("KAZ", "KGZ", "UZB") if ots.get(c) == "member"} == {"KAZ", "KGZ", "UZB"}
    text = _lesson06_text()
    assert "every major power" not in text
    assert "Tajikistan is not in it" in text and "Turkmenistan only as an observer" in text
    teaching = (Path(__file__).resolve().parent.parent / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert "every major power" not in teaching and "Tajikistan\n   is not a member" in teaching


def test_completeness_claims_are_scoped_to_the_data():
    # Issue 22: "every"/"all"/"only" claims about facilities and treaties say they are about the data,
    # because the facilities table leaves out two Russian-leased ranges (data/README.md).
    text = _lesson06_text()
    assert "In the data, Russia has by far the most treaties" in text
    assert "every confirmed foreign site that the facilities table holds" in text
    readme = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    assert "## What the tables leave out" in readme


# ---------------------------------------------------------------------- simulation (issue 23)

ROLES = ["Tajikistan", "Russia", "Kazakhstan", "Kyrgyzstan", "Uzbekistan", "Turkmenistan", "China",
         "United States", "European Union"]


def test_simulation_has_a_role_brief_for_each_power_and_a_teachers_guide():
    import json
    import re

    cells = json.loads((REPO / "notebooks" / "06_future.ipynb").read_text(encoding="utf-8"))["cells"]
    section = next("".join(c["source"]) for c in cells
                   if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## 10. Simulation"))
    briefs = re.findall(r"^- \*\*([^*]+)\*\*", section, flags=re.M)
    assert briefs == ROLES, briefs
    assert "invented" in section and "Article 4" in section and "communiqué" in section
    for brief in re.findall(r"^- \*\*.*$", section, flags=re.M):
        assert re.search(r"\b(19|20)\d\d\b", brief), f"a role brief without a dated fact: {brief[:60]}"
    guide = (REPO / "docs" / "teaching.md").read_text(encoding="utf-8")
    part = guide[guide.index("**Simulation: an emergency session"):]
    assert "90 minutes" in part and "Debrief questions:" in part
    minutes = [int(m) for m in re.findall(r"^\| (\d+) min \|", part, flags=re.M)]
    assert sum(minutes) == 90, minutes  # the steps add up to the time the guide announces
