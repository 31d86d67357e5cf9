"""Lesson 04 (the major powers): every question's reference answer, and realistic wrong answers.

Expected values are recomputed here with plain pandas on ``data.load(...)`` (not with the
helpers under test) or come from independently known facts (e.g. the US left Manas in 2014).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import folium
import pandas as pd
import pytest

from casecurity import data, maps
from casecurity.exercises import lesson04 as ex


def _open_on(day: str) -> pd.DataFrame:
    """Facilities open on a day, by the half-open rule opened <= day < closed, in plain pandas."""
    table = data.load("facilities")
    when = pd.Timestamp(day)
    mask = (table["opened"] <= when) & (table["closed"].isna() | (when < table["closed"]))
    return table[mask]


def _years(operator: str, part: str = "confirmed") -> float:
    """Presence-years in plain pandas: a reported row is confirmed from opened through last_confirmed
    (not at all if that is empty) and reported after it; part is confirmed, reported or all."""
    table = data.load("facilities")
    rows = table[(table["operator_iso3"] == operator) & table["opened"].notna()]
    total = 0
    for row in rows.itertuples():
        start = row.opened.date()
        end = data.AS_OF if pd.isna(row.closed) else row.closed.date()
        if row.status != "reported":
            confirmed, reported = (end - start).days, 0
        elif pd.isna(row.last_confirmed):
            confirmed, reported = 0, (end - start).days
        else:
            confirmed = (row.last_confirmed.date() - start).days + 1
            reported = (end - start).days - confirmed
        total += {"confirmed": confirmed, "reported": reported, "all": confirmed + reported}[part]
    return total / 365.25


# ------------------------------------------------------------------------- q1 Kyrgyzstan 2010


def test_q1_reference_is_russia_and_the_united_states():
    operators = set(_open_on(ex.KYRGYZSTAN_QUESTION_DATE).query("host_iso3 == 'KGZ'")["operator_iso3"])
    assert operators == {"RUS", "USA"}  # Kant (2003-) and Manas (2001-2014)
    assert ex.q1.check(["United States", "Russia"]).correct
    assert ex.q1.check(sorted(operators)).correct


def test_q1_forgetting_manas_or_kant_is_explained():
    forgot_manas = ex.q1.check(["RUS"])
    assert not forgot_manas.correct and "Manas" in forgot_manas.message
    forgot_kant = ex.q1.check(["USA"])
    assert not forgot_kant.correct and "Kant" in forgot_kant.message
    with_host = ex.q1.check(["RUS", "USA", "KGZ"])
    assert not with_host.correct and "host" in with_host.message


# ------------------------------------------------------------------------- q2 last US closure


def test_q2_reference_is_2014():
    table = data.load("facilities")
    last = table.loc[table["operator_iso3"] == "USA", "closed"].max()
    assert last.year == 2014  # keys of the Manas Transit Center handed over on 3 June 2014
    assert ex.q2.check(2014).correct


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [(2005, "Karshi-Khanabad"), (2021, "Afghanistan"), (2009, "Transit Center")],
)
def test_q2_likely_wrong_years(wrong, phrase):
    result = ex.q2.check(wrong)
    assert not result.correct
    assert phrase in result.message


# ------------------------------------------------------------------------- q3, q5, q6 choices


def test_q3_the_declaration_is_coded_as_a_declaration_not_a_defence_pact():
    row = data.load("treaties").set_index("id").loc["usa_uzb_declaration_2002"]
    obligations = str(row["obligations"]).split(";")
    assert "declaration" in obligations and "defense" not in obligations
    assert "grave concern" in ex.q3.options["a"] and ex.q3.check("a").correct
    wrong = ex.q3.check("b")
    assert not wrong.correct and "no promise of military assistance" in wrong.message


def test_q5_the_shaymak_outpost_is_reported_not_confirmed():
    row = data.load("facilities").set_index("id").loc["chn_murghab_outpost"]
    assert row["status"] == "reported" and row["operator_iso3"] == "CHN"
    assert "reported" in ex.q5.options["b"] and ex.q5.check("b").correct
    wrong = ex.q5.check("a")
    assert not wrong.correct and "basing treaty" in wrong.message


def test_q6_first_presidential_c5_plus_1_was_19_september_2023():
    events = data.load("events").set_index("id")
    assert events.loc["2023_c5_plus_1_summit", "start_date"].date() == dt.date(2023, 9, 19)
    assert ex.q6.options["d"].startswith("19 September 2023") and ex.q6.check("d").correct
    samarkand = ex.q6.check("a")
    assert not samarkand.correct and "foreign ministers" in samarkand.message


# ------------------------------------------------------------------------- q4 table on 2005-01-01


def _reference_table() -> pd.DataFrame:
    open_then = _open_on(ex.TABLE_QUESTION_DATE)
    counts = open_then["operator_iso3"].astype(str).value_counts().sort_index()
    return pd.DataFrame({"operator_iso3": counts.index, "facilities": counts.to_numpy()})


def test_q4_reference_table_is_correct():
    reference = _reference_table()
    assert {"USA": 2}.items() <= dict(zip(reference["operator_iso3"], reference["facilities"], strict=True)).items()
    assert "CHN" not in set(reference["operator_iso3"])  # the Pamir outpost is dated from 2016
    assert ex.q4.check(reference).correct
    assert ex.q4.check(reference.iloc[::-1].reset_index(drop=True)).correct  # row order does not matter


def test_q4_filtering_on_todays_status_is_explained():
    table = data.load("facilities")
    today = table[table["status"] == "active"]["operator_iso3"].astype(str).value_counts()
    wrong = pd.DataFrame({"operator_iso3": today.index, "facilities": today.to_numpy()})
    result = ex.q4.check(wrong)
    assert not result.correct and "status" in result.message


def test_q4_counting_every_facility_ever_is_explained():
    table = data.load("facilities")
    ever = table["operator_iso3"].astype(str).value_counts()
    wrong = pd.DataFrame({"operator_iso3": ever.index, "facilities": ever.to_numpy()})
    result = ex.q4.check(wrong)
    assert not result.correct and "every facility" in result.message


def test_q4_missing_operator_is_named():
    reference = _reference_table()
    result = ex.q4.check(reference[reference["operator_iso3"] != "USA"])
    # the check counts; hint() names the missing row after a real attempt (issue #11)
    assert not result.correct and "1 missing" in result.message and "USA" in repr(ex.q4.hint())


# ------------------------------------------------------------------------- q7 presence-years


def _reference_function(operator):
    return _years(operator)


def test_q7_reference_function_passes_and_matches_known_dates():
    assert ex.q7.check(_reference_function).correct
    # Independent of the helpers: K2 Oct 2001 - 21 Nov 2005 and Manas Dec 2001 - 3 Jun 2014.
    k2 = (dt.date(2005, 11, 21) - dt.date(2001, 10, 1)).days
    manas = (dt.date(2014, 6, 3) - dt.date(2001, 12, 1)).days
    assert ex.presence_years("USA") == pytest.approx((k2 + manas) / 365.25)


def test_q7_counting_the_reported_outpost_is_explained():
    result = ex.q7.check(lambda op: _years(op, "all"))
    assert not result.correct and "reported" in result.message


def test_q7_leaving_out_every_reported_row_is_explained():
    # the pre-last_confirmed rule: the Kara-Balta node's decades of confirmed use vanish
    def without_reported(operator):
        table = data.load("facilities")
        rows = table[(table["operator_iso3"] == operator) & (table["status"] != "reported")].dropna(subset=["opened"])
        ends = [data.AS_OF if pd.isna(c) else c.date() for c in rows["closed"]]
        return sum((e - o.date()).days for e, o in zip(ends, rows["opened"], strict=True)) / 365.25

    result = ex.q7.check(without_reported)
    assert not result.correct and "last_confirmed" in result.message


def test_sary_shagan_is_active_on_the_kazakh_mod_statement_of_february_2024():
    # Issue 22, serious error 1: on 28 Feb 2024 Kazakhstan's deputy defence minister said Russia tests
    # missiles at Sary-Shagan under an agreement running to 2030 (Tengrinews, BES.media), a source
    # within three years of the as-of date, so the row is active with no last_confirmed.
    row = data.load("facilities").set_index("id").loc["rus_sary_shagan"]
    assert row["status"] == "active" and pd.isna(row["last_confirmed"])
    assert "tengrinews.kz" in row["alt_source_url"] and "28 Feb 2024" in row["note"]
    assert "rus_sary_shagan" in set(data.facilities(confirmed_on=data.AS_OF)["id"])
    # all its days since 1956 count as confirmed, none as reported
    whole = (data.AS_OF - dt.date(1956, 1, 1)).days
    assert ex.presence_days("RUS") > whole
    with_reported = ex.presence_days("RUS", status="reported")
    node_days = sum(
        (data.AS_OF - r["last_confirmed"].date()).days - 1
        for _, r in data.load("facilities").iterrows()
        if r["operator_iso3"] == "RUS" and r["status"] == "reported"
    )
    assert with_reported == node_days


def test_a_reported_site_counts_as_confirmed_through_its_last_confirmed_date():
    # Independent of the helpers: Kara-Balta node opened 1 Jan 1997 (legal basis); last named by TASS 4 Oct 2023.
    row = data.load("facilities").set_index("id").loc["rus_kaindy_comms"]
    assert row["status"] == "reported" and row["last_confirmed"].date() == dt.date(2023, 10, 4)
    confirmed = (dt.date(2023, 10, 4) - dt.date(1997, 1, 1)).days + 1
    reported = (data.AS_OF - dt.date(1997, 1, 1)).days - confirmed
    assert ex.presence_days("RUS") == pytest.approx(_years("RUS") * 365.25)
    # the node's confirmed days are in Russia's confirmed total, its last years in the reported one
    assert ex.presence_days("RUS") > confirmed
    assert ex.presence_days("RUS", status="reported") >= reported
    assert ex.presence_days("RUS", as_of="2023-10-05", status="reported") == 0  # all confirmed then
    # the two parts add up to the whole span of every row
    assert ex.presence_days("RUS", status="all") == ex.presence_days("RUS") + ex.presence_days("RUS", status="reported")


def test_q7_dividing_by_365_is_explained():
    result = ex.q7.check(lambda op: _years(op) * 365.25 / 365)
    assert not result.correct and "365.25" in result.message


def test_q7_ignoring_closing_dates_is_explained():
    def to_today(operator):
        table = data.load("facilities")
        rows = table[(table["operator_iso3"] == operator) & (table["status"] != "reported")].dropna(subset=["opened"])
        return sum((data.AS_OF - opened.date()).days for opened in rows["opened"]) / 365.25

    result = ex.q7.check(to_today)
    assert not result.correct and "closing day" in result.message


def test_q7_a_value_instead_of_a_function():
    result = ex.q7.check(16.6)
    assert not result.correct and "function" in result.message


# ------------------------------------------------------------------------- q8 map


def _layered_map(name_of=lambda code: code, location=(42, 68)) -> folium.Map:
    m = folium.Map(location=list(location), zoom_start=4)
    for code, rows in data.load("facilities").groupby("operator_iso3", observed=True):
        layer = folium.FeatureGroup(name=name_of(str(code)))
        for row in rows.itertuples():
            folium.CircleMarker([row.lat, row.lon], radius=5).add_to(layer)
        layer.add_to(m)
    return m


def test_q8_layer_per_operator_is_correct():
    assert ex.q8.check(_layered_map()).correct


def test_q8_package_map_layer_names_are_explained():
    result = ex.q8.check(maps.facilities_map())
    assert not result.correct and "ISO3 code alone" in result.message


def test_q8_map_outside_central_asia_is_caught():
    result = ex.q8.check(_layered_map(location=(48.8, 2.3)))
    assert not result.correct and "outside Central Asia" in result.message


def test_q8_missing_layer_is_named():
    m = _layered_map(name_of=lambda code: "other" if code == "USA" else code)
    result = ex.q8.check(m)
    assert not result.correct and "1 missing" in result.message and "'USA'" in repr(ex.q8.hint())


# ------------------------------------------------------------------------- q9 reflection


def test_q9_is_submitted_for_review_with_rubric():
    result = ex.q9.check(ex.LESSON.questions["q9"].model_answer)  # a repeated sentence is "needs more" (issue #11)
    assert result.status == "submitted"
    assert "reported" in " ".join(ex.q9.rubric)


# ------------------------------------------------------------------------- lesson helpers


def test_presence_table_matches_independent_sums():
    table = ex.presence_table().set_index("operator_iso3")
    for code in ["RUS", "USA", "DEU", "FRA", "IND"]:
        assert table.loc[code, "presence_years"] == pytest.approx(round(_years(code), 1))
    # China's only site is reported: none confirmed, but its years are shown apart.
    assert table.loc["CHN", "facilities"] == 0 and table.loc["CHN", "reported_facilities"] == 1
    assert table.loc["CHN", "reported_years"] == pytest.approx(round(_years("CHN", "reported"), 1))
    assert table.loc["RUS", "reported_years"] == pytest.approx(round(_years("RUS", "reported"), 1))
    assert "TJK" not in table.index  # a host-run facility is not a foreign presence
    assert table.index[0] == "RUS"


def test_presence_table_post_soviet_clip_only_shortens_soviet_dated_sites():
    full = ex.presence_table().set_index("operator_iso3")["presence_years"]
    clipped = ex.presence_table(since=ex.POST_SOVIET_START).set_index("operator_iso3")["presence_years"]
    assert clipped["RUS"] < full["RUS"]
    for code in ["USA", "DEU", "FRA", "IND"]:  # all opened after 1992
        assert clipped[code] == full[code]


def test_presence_days_rejects_an_unknown_status():
    from casecurity.errors import CourseError

    with pytest.raises(CourseError):
        ex.presence_days("RUS", status="confirmd")


def test_facilities_explorer_updates_with_the_year():
    box = ex.facilities_explorer(year=2005, show_map=False)
    assert "USA" in set(box.table["operator_iso3"])
    box.year.value = 2015  # K2 closed in 2005 and Manas in 2014
    assert "USA" not in set(box.table["operator_iso3"])
    assert "1 January 2015" in box.summary.value


def test_q7_the_generated_placeholder_function_is_not_attempted():
    def presence_years(operator):
        ...  # your code here

    result = ex.q7.check(presence_years)
    assert result.status == "not_attempted"
    # a real (wrong) body is graded, not waved through
    assert ex.q7.check(lambda operator: 0.0).status == "incorrect"


# ------------------------------------------------------------------ prose against data (issue 12)
# Sentences of lesson 04 that depend on the facilities table, checked against the rows so that a
# corrected row cannot leave the prose behind.


def _lesson_text() -> str:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / "04_major_powers.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_kulob_garrison_closed_in_2015_as_the_lesson_says():
    # relocation order as of 15 Oct 2015, to be completed within two months (Asia-Plus, Eurasianet)
    row = data.load("facilities").set_index("id").loc["rus_201_kulob"]
    assert row["status"] == "closed" and row["closed"].year == 2015
    text = _lesson_text()
    assert "at Kulob, was withdrawn in late 2015" in text
    assert "in older reports a third site at Kulob" not in text
    # the 201st base today: Dushanbe and Bokhtar
    open_201 = _open_on(str(data.AS_OF)).query("id.str.startswith('rus_201_')", engine="python")
    assert set(open_201["id"]) == {"rus_201_dushanbe", "rus_201_bokhtar"}


def test_farkhor_is_reported_and_the_lesson_says_contested():
    table = data.load("facilities").set_index("id")
    assert table.at["ind_farkhor", "status"] == "reported"
    text = _lesson_text()
    assert "codes Farkhor as `reported`" in text
    assert "India** ran the **Farkhor** airfield" not in text
    # India's confirmed presence is Ayni only, so Farkhor adds nothing to India's confirmed presence-years
    confirmed_india = table[(table["operator_iso3"] == "IND") & (table["status"] != "reported")]
    assert list(confirmed_india.index) == ["ind_ayni"]
    assert ex.presence_years("IND") == pytest.approx(_years("IND"))


def test_powers_present_on_1_january_2005_are_the_ones_the_lesson_names():
    # "On 1 January 2005 the region hosted Russian, American, German, French and Indian facilities"
    open_then = _open_on("2005-01-01")
    confirmed = set(open_then.loc[open_then["status"] != "reported", "operator_iso3"])
    assert confirmed == {"RUS", "USA", "DEU", "FRA", "IND"}
    assert "hosted Russian, American, German, French and Indian facilities" in _lesson_text()


def test_russia_dwarfs_the_others_since_1992_as_the_lesson_says():
    table = ex.presence_table(since=ex.POST_SOVIET_START).set_index("operator_iso3")["presence_years"]
    assert table["RUS"] > table.drop("RUS").sum()


def test_tajikistans_reported_rows_are_the_three_the_lesson_names():
    # "Here are Tajikistan's reported rows: these two, and India's contested air base at Farkhor"
    rows = data.facilities(host="TJK", status="reported")
    assert set(rows["id"]) == {"chn_murghab_outpost", "chn_vakhon_base", "ind_farkhor"}
    assert "these two, and India's contested air base at Farkhor" in _lesson_text()
    # "the Chinese site, and Russian sites whose present use no recent source confirms" are dashed today
    open_now = _open_on(str(data.AS_OF))
    assert set(open_now.loc[open_now["status"] == "reported", "operator_iso3"]) == {"CHN", "RUS"}


def test_the_sites_counted_up_to_last_confirmed_are_the_two_the_lesson_names():
    # "Two Soviet-era Russian sites (the Kara-Balta communications node and the Mailuu-Suu seismic
    # station) ... for them `last_confirmed` gives the date of the latest source that does"
    table = data.load("facilities")
    dated = table[table["last_confirmed"].notna()]
    assert set(dated["id"]) == {"rus_kaindy_comms", "rus_mailuu_suu"}
    assert set(dated["status"]) == {"reported"} and set(dated["operator_iso3"]) == {"RUS"}
    text = _lesson_text()
    assert "Two Soviet-era Russian sites (the Kara-Balta communications node and the Mailuu-Suu" in text
    assert "`presence_years` counts the confirmed days and `reported_years` the rest" in text


def test_lesson_says_which_leased_russian_ranges_the_table_leaves_out():
    # Issue 22, serious error 2: the table is not "every foreign-run military site"; Kazakhstan's MoD
    # counts three Russian-leased ranges (Times of Central Asia), and only Sary-Shagan has a row.
    text = _lesson_text()
    assert "every foreign-run military site" not in text
    assert "It is not a complete list." in text
    for name in ("929th State Flight Test Centre", "Kapustin Yar", "data/README.md"):
        assert name in text, name
    ids = set(data.load("facilities")["id"])
    assert "rus_sary_shagan" in ids
    names = " ".join(data.load("facilities")["name"]).lower()
    assert "kapustin" not in names and "929" not in names  # if a row is added, reword the lesson
    readme = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    left_out = readme.split("## What the tables leave out", 1)[1].split("\n## ", 1)[0]
    assert "929th State Flight Test Centre" in left_out and "Kapustin Yar" in left_out


# ------------------------------------------------------------------ per-student variants (issue #18)
# Each varied question is graded on a variant other than the default: the default's answer is wrong
# there, and the right answer, recomputed with plain pandas, is right.


def _question(name: str):
    from casecurity.exercises import get_lesson

    return get_lesson("04").questions[name]


def _variant(name: str, **wanted) -> dict:
    """The params of the first seed whose variant has these values (so the variant is one students get)."""
    question = _question(name)
    for seed in range(2000):
        params = question.variant_params(seed)
        if all(params.get(key) == value for key, value in wanted.items()):
            return params
    raise AssertionError(f"no seed gives {name} the variant {wanted}")


def _grade(name: str, params: dict, answer):
    from casecurity.exercises.variants import using

    question = _question(name)
    with using({question.id: params}):
        return question.grade_record(question.record_answer(answer))


def test_variant_lists_match_the_data():
    operators = sorted(data.load("facilities")["operator_iso3"].dropna().astype(str).unique())
    assert ex.FACILITY_OPERATORS == operators  # q7's and q8's default variants cover every operator
    for host, day in ex.HOST_QUESTION_VARIANTS:  # q1: someone to name, only foreign operators, none merely reported
        open_there = _open_on(day).query("host_iso3 == @host")
        assert len(open_there) and host not in set(open_there["operator_iso3"])
        confirmed = open_there[open_there["status"] != "reported"]
        assert set(confirmed["operator_iso3"]) == set(open_there["operator_iso3"]), (host, day)
    table = data.load("facilities")
    for operator, host in ex.LAST_CLOSURE_VARIANTS:  # q2: "the last ... facility" has closed
        rows = table[(table["operator_iso3"] == operator) & ((table["host_iso3"] == host) if host else True)]
        assert len(rows) and rows["closed"].notna().all(), (operator, host)
    for day in ex.TABLE_QUESTION_DATES:  # q4: at least two operators each day
        assert _open_on(day)["operator_iso3"].nunique() >= 2, day


def test_q1_variant_in_tajikistan_wants_its_own_operators():
    params = _variant("q1", host="TJK", date="2005-01-01")
    assert "Tajikistan on 2005-01-01" in _question_prompt("q1", params)
    right = sorted(set(_open_on("2005-01-01").query("host_iso3 == 'TJK'")["operator_iso3"]))
    assert right == ["FRA", "IND", "RUS"]  # the 201st base and Okno, the French detachment, Ayni
    assert _grade("q1", params, right).correct
    assert _grade("q1", params, ["Russia", "United States"]).status != "correct"  # the default's answer


def test_q1_variant_mistake_messages_fit_the_variant():
    uzbekistan = _variant("q1", host="UZB", date="2003-01-01")
    half = _grade("q1", uzbekistan, ["USA"])  # Termez is missing, not Kant
    assert not half.correct and "Kant" not in half.message and "Manas" not in half.message
    with_host = _grade("q1", uzbekistan, ["USA", "DEU", "UZB"])
    assert not with_host.correct and "Uzbekistan is the host" in with_host.message
    china = _grade("q1", _variant("q1", host="KAZ"), ["RUS", "CHN"])
    assert not china.correct and "Chinese facility open in Kazakhstan" in china.message


def _question_prompt(name: str, params: dict) -> str:
    from casecurity.exercises.variants import using

    question = _question(name)
    with using({question.id: params}):
        return question.prompt


def test_q2_variant_about_germany_wants_termez_closing_year():
    params = _variant("q2", operator="DEU")
    assert "last German military facility in Central Asia" in _question_prompt("q2", params)
    table = data.load("facilities")
    right = int(table.loc[table["operator_iso3"] == "DEU", "closed"].max().year)
    assert right == 2015  # Termez, decommissioned December 2015
    assert _grade("q2", params, right).correct
    assert _grade("q2", params, 2014).status != "correct"  # the default's answer
    k2 = _grade("q2", params, 2005)
    assert not k2.correct and "Karshi-Khanabad" not in k2.message  # the US hint is for US variants only
    afghanistan = _grade("q2", params, 2021)
    assert not afghanistan.correct and "no German military facility in Central Asia" in afghanistan.message


def test_q2_variant_about_the_us_in_uzbekistan_wants_k2s_year():
    params = _variant("q2", operator="USA", host="UZB")
    assert "last US military facility in Uzbekistan" in _question_prompt("q2", params)
    table = data.load("facilities")
    chosen = (table["operator_iso3"] == "USA") & (table["host_iso3"] == "UZB")
    right = int(table.loc[chosen, "closed"].max().year)
    assert right == 2005  # K2: the last aircraft left on 21 November 2005
    assert _grade("q2", params, right).correct
    assert _grade("q2", params, 2014).status != "correct"


def test_q2_an_earlier_closing_year_is_explained_in_every_variant():
    params = _variant("q2", operator="IND")
    result = _grade("q2", params, 2008)  # Farkhor (reported) closed in 2008, Ayni only in 2022
    assert not result.correct and "earlier Indian facility" in result.message


def test_q4_variant_of_2023_wants_that_days_counts():
    params = _variant("q4", date="2023-01-01")
    open_then = _open_on("2023-01-01")
    counts = open_then["operator_iso3"].astype(str).value_counts().sort_index()
    right = pd.DataFrame({"operator_iso3": counts.index, "facilities": counts.to_numpy()})
    assert set(right["operator_iso3"]) == {"CHN", "RUS"}  # India left Ayni in 2022
    assert _grade("q4", params, right).correct
    assert _grade("q4", params, _reference_table()).status != "correct"  # the default's (2005) table
    today = data.load("facilities").query("status == 'active'")["operator_iso3"].astype(str).value_counts()
    by_status = _grade("q4", params, pd.DataFrame({"operator_iso3": today.index, "facilities": today.to_numpy()}))
    assert not by_status.correct and "not 2023-01-01" in by_status.message


def test_q7_every_variant_tests_each_rule_of_the_prompt():
    counts_reported = lambda op: _years(op, "all")  # noqa: E731
    divides_by_365 = lambda op: _years(op) * 365.25 / 365  # noqa: E731
    for operators in ex.PRESENCE_CASE_SETS:
        params = _variant("q7", operators=list(operators))
        assert _grade("q7", params, _reference_function).correct
        assert _grade("q7", params, counts_reported).status != "correct", operators
        assert _grade("q7", params, divides_by_365).status != "correct", operators


def test_q7_variant_checks_its_own_operators():
    params = _variant("q7", operators=["CHN", "RUS", "TJK", "USA"])

    def wrong_for_germany(operator):
        return 0.0 if operator == "DEU" else _years(operator)

    assert _grade("q7", params, wrong_for_germany).correct  # Germany is not among this variant's cases
    assert not ex.q7.check(wrong_for_germany).correct  # the default tests every operator


def _map_of(operators) -> folium.Map:
    m = folium.Map(location=[42, 68], zoom_start=4)
    table = data.load("facilities")
    for code, rows in table[table["operator_iso3"].isin(operators)].groupby("operator_iso3", observed=True):
        layer = folium.FeatureGroup(name=str(code))
        for row in rows.itertuples():
            folium.CircleMarker([row.lat, row.lon], radius=5).add_to(layer)
        layer.add_to(m)
    return m


def test_q8_variant_wants_a_map_of_its_own_operators():
    params = _variant("q8", operators=["DEU", "FRA", "USA"])
    assert "whose operator_iso3 is DEU, FRA or USA" in _question_prompt("q8", params)
    assert _grade("q8", params, _map_of(["DEU", "FRA", "USA"])).correct
    assert _grade("q8", params, _layered_map()).status != "correct"  # the default's map of every facility
    assert _grade("q8", params, _map_of(["DEU", "USA"])).status != "correct"


def test_every_variant_can_be_written_into_a_handout():
    # a handout stores the params as JSON (metadata and setup cell), so they must survive a round trip
    import json

    for name in ("q1", "q2", "q4", "q7", "q8"):
        question = _question(name)
        for seed in range(40):
            params = question.variant_params(seed)
            assert json.loads(json.dumps(params, sort_keys=True)) == params, (name, params)
