"""Tests of lesson 01's questions: reference answers pass, realistic wrong answers fail with the right message.

Reference answers are computed here independently (pandas on the raw tables, or facts checked
against sources: the six Tashkent signatories, the three states bordering Afghanistan), never
copied from the question module.
"""

from __future__ import annotations

import datetime as dt
import json

import folium
import pandas as pd
import pytest

from casecurity import data, maps
from casecurity.exercises import get_lesson
from casecurity.exercises import lesson01 as ex
from casecurity.exercises.variants import using

FIVE = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
# Verified facts (see docs and seed-corrections): the 15 May 1992 signatories, and the
# Central Asian states with a border on Afghanistan (Tajik MFA, Wikipedia border articles).
TASHKENT_SIGNATORIES = {"ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
AFGHAN_NEIGHBOURS = {"TJK", "TKM", "UZB"}



def _raw(name: str) -> pd.DataFrame:
    """The CSV as pandas reads it, without the package's typing (an independent path)."""
    return pd.read_csv(data.data_dir() / f"{name}.csv", dtype=str, keep_default_na=False)


def _independence_1991() -> pd.DataFrame:
    events = _raw("events")
    chosen = events[(events["category"] == "independence") & events["start_date"].str.startswith("1991")]
    frame = chosen[["id", "start_date", "countries"]].copy()
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    return frame.sort_values(["start_date", "id"])


def _capitals_map(points, location=(43, 65)) -> folium.Map:
    m = folium.Map(location=list(location), zoom_start=4)
    for lat, lon in points:
        folium.Marker([lat, lon]).add_to(m)
    return m


def _five_capitals() -> list[tuple[float, float]]:
    countries = _raw("countries")
    rows = countries[countries["group"] == "central_asia"]
    return [(float(a), float(b)) for a, b in zip(rows["capital_lat"], rows["capital_lon"], strict=True)]


# ------------------------------------------------------------------ q1 capitals


def test_q1_reference_table_is_correct():
    countries = _raw("countries")
    answer = countries.loc[countries["iso3"].isin(FIVE), ["name", "capital"]]
    assert set(answer["capital"]) == {"Astana", "Bishkek", "Dushanbe", "Ashgabat", "Tashkent"}
    assert ex.q1.check(answer).correct


def test_q1_almaty_gets_the_capital_move_message():
    countries = _raw("countries")
    answer = countries.loc[countries["iso3"].isin(FIVE), ["name", "capital"]].copy()
    answer.loc[answer["name"] == "Kazakhstan", "capital"] = "Almaty"
    result = ex.q1.check(answer)
    assert not result.correct and "Akmola" in result.message


def test_q1_neighbours_included_is_named():
    countries = _raw("countries")
    answer = countries.loc[countries["iso3"].isin(FIVE + ["AFG"]), ["name", "capital"]]
    result = ex.q1.check(answer)
    assert not result.correct and "more than five rows" in result.message


# ------------------------------------------------------------------ q2 / q5 multiple choice


def test_q2_collective_defence_is_the_answer():
    assert ex.q2.options["d"].startswith("Collective defence") and ex.q2.check("d").correct
    wrong = ex.q2.check("a")
    assert not wrong.correct and "despite the treaty's name" in wrong.message


def test_q5_nonaggression_is_not_defense():
    assert ex.q5.options["b"].startswith("Not to use force") and ex.q5.check("b").correct
    wrong = ex.q5.check("a")
    assert not wrong.correct and "'defense'" in wrong.message


# ------------------------------------------------------------------ q3 independence events


def test_q3_reference_sorted_table_is_correct():
    answer = _independence_1991()
    assert len(answer) == 5 and answer["start_date"].is_monotonic_increasing
    assert ex.q3.check(answer).correct


def test_q3_unsorted_rows_are_refused():
    answer = _independence_1991().sort_values("start_date", ascending=False)
    result = ex.q3.check(answer)
    assert not result.correct and "not in order" in result.message


def test_q3_cis_founding_is_not_independence():
    events = _raw("events")
    cis = events[events["id"] == "1991_cis_alma_ata"][["id", "start_date", "countries"]].copy()
    cis["start_date"] = pd.to_datetime(cis["start_date"])
    answer = pd.concat([_independence_1991(), cis])
    result = ex.q3.check(answer)
    assert not result.correct and "'founding'" in result.message


def test_q3_missing_rows_are_named():
    result = ex.q3.check(_independence_1991().iloc[:4])
    assert not result.correct and "fewer than five" in result.message


# ------------------------------------------------------------------ q4 Tashkent signatories


def test_q4_signatories_match_the_data_and_the_known_fact():
    parties = _raw("treaty_parties")
    from_data = set(parties[(parties["treaty_id"] == "cst_1992") & (parties["signed_date"] == "1992-05-15")]["iso3"])
    assert from_data == TASHKENT_SIGNATORIES
    assert ex.q4.check(sorted(TASHKENT_SIGNATORIES)).correct
    assert ex.q4.check(["Armenia", "kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan", "UZB"]).correct


def test_q4_belarus_is_not_a_founder():
    result = ex.q4.check(sorted(TASHKENT_SIGNATORIES | {"BLR"}))
    assert not result.correct and "31 December 1993" in result.message


def test_q4_forgetting_uzbekistan_is_explained():
    result = ex.q4.check(sorted(TASHKENT_SIGNATORIES - {"UZB"}))
    assert not result.correct and "original signatory" in result.message


# ------------------------------------------------------------------ q6 years


def _in_force() -> pd.Timestamp:
    treaties = _raw("treaties").set_index("id")
    return pd.Timestamp(treaties.loc["cst_1992", "in_force_date"])


def test_q6_reference_value_is_correct():
    last = _independence_1991()["start_date"].max()
    days = (_in_force() - last).days
    # Independently known: Kazakhstan declared on 16 Dec 1991; the treaty entered into force on 20 Apr 1994.
    assert days == (dt.date(1994, 4, 20) - dt.date(1991, 12, 16)).days
    assert ex.q6.check(days / 365.25).correct
    assert ex.q6.check(round(days / 365.25, 2)).correct


def test_q6_signing_date_is_spotted():
    last = _independence_1991()["start_date"].max()
    result = ex.q6.check((pd.Timestamp("1992-05-15") - last).days / 365.25)
    assert not result.correct and "signing date" in result.message


def test_q6_first_declaration_is_spotted():
    first = _independence_1991()["start_date"].min()
    result = ex.q6.check((_in_force() - first).days / 365.25)
    assert not result.correct and "FIRST declaration" in result.message


def test_q6_days_instead_of_years_is_spotted():
    last = _independence_1991()["start_date"].max()
    result = ex.q6.check((_in_force() - last).days)
    assert not result.correct and "number of days" in result.message


# ------------------------------------------------------------------ q7 Afghan border


def test_q7_geometry_gives_the_known_neighbours():
    assert set(ex.afghan_border_states()) == AFGHAN_NEIGHBOURS
    assert ex.q7.check(["Tajikistan", "Turkmenistan", "Uzbekistan"]).correct


def test_q7_kyrgyzstan_is_refused_with_reason():
    result = ex.q7.check(sorted(AFGHAN_NEIGHBOURS | {"KGZ"}))
    assert not result.correct and "Gorno-Badakhshan" in result.message


def test_q7_forgetting_uzbekistan_is_explained():
    result = ex.q7.check(["TJK", "TKM"])
    assert not result.correct and "Termez" in result.message


# ------------------------------------------------------------------ q8 map


def test_q8_five_capital_markers_are_correct():
    assert ex.q8.check(_capitals_map(_five_capitals())).correct


def test_q8_region_map_has_too_many_markers():
    result = ex.q8.check(maps.region_map())
    assert not result.correct and "region_map()" in result.message


def test_q8_markers_must_sit_on_the_capitals():
    countries = _raw("countries")
    elsewhere = countries[countries["iso3"].isin(["AFG", "IRN", "PAK", "CHN", "MNG"])]
    points = [(float(a), float(b)) for a, b in zip(elsewhere["capital_lat"], elsewhere["capital_lon"], strict=True)]
    result = ex.q8.check(_capitals_map(points))
    assert not result.correct and "no marker on" in result.message


def test_q8_map_centred_elsewhere_is_refused():
    result = ex.q8.check(_capitals_map(_five_capitals(), location=(48, 2)))
    assert not result.correct and "outside Central Asia" in result.message


# ------------------------------------------------------------------ q9 reflection


def test_q9_reflection_is_submitted_with_model_answer():
    text = ex.LESSON.questions["q9"].model_answer  # a repeated sentence is "needs more" now (issue #11)
    result = ex.q9.check(text)
    assert result.status == "submitted"
    assert "Model answer" in result.details and "201st" in result.details


def test_q9_too_short_is_refused():
    result = ex.q9.check("Because of the border.")
    assert result.status == "needs_more" and "at least" in result.message


# ------------------------------------------------------------------ helpers and robustness


def test_obligation_table_counts_match_the_raw_csv():
    table = ex.obligation_table().set_index("obligation")
    treaties = _raw("treaties")
    codes = treaties["obligations"].str.split(";")
    for code in ("defense", "offense", "consultation", "basing", "declaration"):
        expected = int(codes.map(lambda items, code=code: code in items).sum())
        assert table.loc[code, "treaties"] == expected
    assert table.loc["offense", "earliest_example"] == "—" or table.loc["offense", "treaties"] > 0


@pytest.mark.parametrize("question", [ex.q1, ex.q3, ex.q4, ex.q6, ex.q7, ex.q8])
@pytest.mark.parametrize("odd", [42, "text", None, ..., [1, 2], object()])
def test_checks_never_raise(question, odd):
    result = question.check(odd)
    assert result.status in {"incorrect", "not_attempted"}


# ---------------------------------------------------------------- prose against sources (issue 12)


def test_lesson_prose_keeps_the_corrected_facts():
    """Two claims the review found wrong must not come back.

    AP, 6 Dec 1992: the 201st division's tanks helped *defend* Dushanbe against Communist-backed forces.
    Jamestown Monitor 4/175 and Gas and Oil Connections, 30 Dec 1997: the Korpeje-Kurt Kui pipeline to
    Iran (Dec 1997) was Turkmenistan's first gas export route that avoided Russia, before the 2009 China line.
    """
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / "01_foundations.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "retaking Dushanbe" not in text and "*defend* the capital" in text
    assert "apnews.com" in text
    assert "first major export route that bypassed Russia" not in text
    assert "Korpeje–Kurt Kui" in text and text.index("Korpeje–Kurt Kui") < text.index("Central Asia–China gas pipeline")


def test_no_offense_pledge_as_the_prose_says():
    # Section 7: "no treaty in the data promises joint *offensive* action", counted from treaties.csv.
    treaties = _raw("treaties")
    assert not treaties["obligations"].str.split(";").map(lambda codes: "offense" in codes).any()


def test_a_year_precision_date_does_not_pass_for_the_earliest_example():
    # Issue 22, minor error 7: the Manas coalition agreement is stored as 2001-01-01 with year precision
    # (the base opened in Dec 2001); the Shanghai Convention was signed on 15 Jun 2001. Sorted as stored,
    # "2001" came first; sorted by the end of its period it cannot.
    treaties = _raw("treaties").set_index("id")
    manas, shanghai = treaties.loc["manas_coalition_agreement_2001"], treaties.loc["sco_shanghai_convention_2001"]
    assert manas["signed_date"] == "2001-01-01" and manas["signed_precision"] == "year"
    assert shanghai["signed_date"] == "2001-06-15"
    row = ex.obligation_table().set_index("obligation").loc["counter_terrorism"]
    assert row["earliest_example"].startswith("Shanghai Convention") and row["signed"] == "2001-06-15"
    order = list(data.treaties(obligation="counter_terrorism")["id"])
    assert order.index("sco_shanghai_convention_2001") < order.index("manas_coalition_agreement_2001")


# ------------------------------------------------------------------ variants (issue #18)
# Each checker is tried on a version other than the lesson's own: the default's answer must fail
# there, and an answer computed here from the raw tables must pass.

VARIED = ["q1", "q3", "q4", "q6", "q7", "q8"]
# Verified facts: China borders Kazakhstan, Kyrgyzstan and Tajikistan; Uzbekistan borders the other four.
CHINESE_NEIGHBOURS = {"KAZ", "KGZ", "TJK"}
UZBEK_NEIGHBOURS = {"KAZ", "KGZ", "TJK", "TKM"}


def _variants(name: str) -> list[dict]:
    question = get_lesson("01").questions[name]
    seen = {}
    for seed in range(300):
        params = question.variant_params(seed)
        seen[json.dumps(params, sort_keys=True)] = params
    return list(seen.values())


def _variant(name: str, **wanted) -> dict:
    return next(p for p in _variants(name) if all(p[k] == v for k, v in wanted.items()))


def _judged(name: str, params: dict, answer) -> object:
    question = get_lesson("01").questions[name]
    with using({question.id: params}):
        return question.grade_record(question.record_answer(answer))


@pytest.mark.parametrize("name", VARIED)
def test_the_default_version_is_one_of_the_variants(name):
    question = get_lesson("01").questions[name]
    assert question.default_params in _variants(name)
    assert len(_variants(name)) >= 6


def test_q1_neighbours_latitude_variant():
    params = _variant("q1", group="neighbour", column="capital_lat")
    countries = _raw("countries")
    five = countries.loc[countries["iso3"].isin(FIVE), ["name", "capital"]]
    right = countries.loc[countries["group"] == "neighbour", ["name", "capital_lat"]].astype({"capital_lat": float})
    assert _judged("q1", params, five).status != "correct"
    assert _judged("q1", params, right).status == "correct"
    too_many = _judged("q1", params, countries[["name", "capital_lat"]].astype({"capital_lat": float}))
    assert too_many.status != "correct" and "'neighbour'" in too_many.message


def test_q3_diplomacy_2025_variant():
    params = _variant("q3", category="diplomacy", year=2025)
    events = _raw("events")
    chosen = events[(events["category"] == "diplomacy") & events["start_date"].str.startswith("2025")]
    right = chosen[["id", "start_date", "countries"]].assign(start_date=lambda f: pd.to_datetime(f["start_date"]))
    assert _judged("q3", params, _independence_1991()).status != "correct"
    assert _judged("q3", params, right.sort_values("start_date")).status == "correct"
    assert "not in order" in _judged("q3", params, right.sort_values("start_date", ascending=False)).message


def test_q4_csto_charter_variant():
    params = _variant("q4", treaty="csto_charter_2002")
    treaties = _raw("treaties").set_index("id")
    parties = _raw("treaty_parties")
    signed = treaties.loc["csto_charter_2002", "signed_date"]
    right = set(parties.loc[(parties["treaty_id"] == "csto_charter_2002") & (parties["signed_date"] == signed), "iso3"])
    assert "BLR" in right and "UZB" not in right  # Belarus signed the 2002 Charter; Uzbekistan joined later
    assert _judged("q4", params, sorted(TASHKENT_SIGNATORIES)).status != "correct"
    assert _judged("q4", params, sorted(right)).status == "correct"
    with_uzbekistan = _judged("q4", params, sorted(right | {"UZB"}))
    assert with_uzbekistan.status != "correct" and "another day" in with_uzbekistan.message
    assert "Belarus did not sign" not in _judged("q4", params, sorted(right - {"KAZ"})).message


def test_q6_semipalatinsk_variant():
    params = _variant("q6", treaty="canwfz_2006")
    treaties = _raw("treaties").set_index("id")
    in_force = pd.Timestamp(treaties.loc["canwfz_2006", "in_force_date"])
    last = _independence_1991()["start_date"].max()
    cst = pd.Timestamp(treaties.loc["cst_1992", "in_force_date"])
    assert _judged("q6", params, (cst - last).days / 365.25).status != "correct"
    assert _judged("q6", params, (in_force - last).days / 365.25).status == "correct"
    signed = pd.Timestamp(treaties.loc["canwfz_2006", "signed_date"])
    signing = _judged("q6", params, (signed - last).days / 365.25)
    assert signing.status != "correct" and "8 September 2006" in signing.message


def test_q7_china_and_uzbekistan_variants():
    china = _variant("q7", neighbour="CHN")
    assert _judged("q7", china, sorted(AFGHAN_NEIGHBOURS)).status != "correct"
    assert _judged("q7", china, sorted(CHINESE_NEIGHBOURS)).status == "correct"
    # the Afghan border's messages stay with the Afghan version
    assert "Termez" not in _judged("q7", china, ["KAZ", "KGZ"]).message
    uzbekistan = _variant("q7", neighbour="UZB")
    assert _judged("q7", uzbekistan, sorted(UZBEK_NEIGHBOURS)).status == "correct"
    itself = _judged("q7", uzbekistan, sorted(UZBEK_NEIGHBOURS | {"UZB"}))
    assert itself.status != "correct" and "not Uzbekistan itself" in itself.message


def _capitals_of(codes) -> list[tuple[float, float]]:
    countries = _raw("countries")
    rows = countries[countries["iso3"].isin(codes)]
    return [(float(a), float(b)) for a, b in zip(rows["capital_lat"], rows["capital_lon"], strict=True)]


def test_q8_three_capitals_variant():
    params = _variant("q8", states=["KAZ", "TJK", "UZB"])
    question = get_lesson("01").questions["q8"]
    with using({question.id: params}):
        assert "capitals of Kazakhstan, Tajikistan and Uzbekistan, and on no other" in question.prompt
    all_five = _judged("q8", params, _capitals_map(_five_capitals()))
    assert all_five.status != "correct" and "more than three markers" in all_five.message
    assert _judged("q8", params, _capitals_map(_capitals_of(["KAZ", "TJK", "UZB"]))).status == "correct"
    # three markers, but Bishkek instead of Tashkent
    swapped = _judged("q8", params, _capitals_map(_capitals_of(["KAZ", "KGZ", "TJK"])))
    assert swapped.status != "correct" and "Tashkent" in swapped.message
    too_few = _judged("q8", params, _capitals_map(_capitals_of(["KAZ", "TJK"])))
    assert too_few.status != "correct" and "fewer than three" in too_few.message
    region = _judged("q8", params, maps.region_map())
    assert region.status != "correct" and "region_map()" in region.message


def test_q8_four_capitals_variant_and_the_default():
    params = _variant("q8", states=["KGZ", "TJK", "TKM", "UZB"])
    assert _judged("q8", params, _capitals_map(_five_capitals())).status != "correct"
    assert _judged("q8", params, _capitals_map(_capitals_of(["KGZ", "TJK", "TKM", "UZB"]))).status == "correct"
    default = get_lesson("01").questions["q8"].default_params
    assert _judged("q8", default, _capitals_map(_five_capitals())).status == "correct"
    assert _judged("q8", default, _capitals_map(_capitals_of(["KGZ", "TJK", "TKM", "UZB"]))).status != "correct"
