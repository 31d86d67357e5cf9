"""casecurity.data: the query API, its date rules and its error messages.

Two kinds of test live here:

* mechanics (types, caching, half-open spells, errors) against the small
  fixture ``tests/fixtures/mini_data`` whose rows are known exactly;
* facts, against the real ``data/``: the expected answers come from sources
  read independently of the CSV files (URLs beside each test), never from the
  output under test.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from casecurity import data
from casecurity.errors import CourseError

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini_data"


@pytest.fixture
def mini(monkeypatch):
    """Point the package at the fixture dataset."""
    monkeypatch.setenv("CASECURITY_DATA", str(MINI))
    yield MINI


@pytest.fixture
def real(monkeypatch):
    """Use the real data/ folder, whatever the environment says."""
    monkeypatch.delenv("CASECURITY_DATA", raising=False)
    if not (REPO / "data" / "memberships.csv").is_file():
        pytest.skip("data/memberships.csv is not there yet")


def iso3s(frame: pd.DataFrame) -> set[str]:
    return set(frame["iso3"])


# --------------------------------------------------------------------------- import and loading


def test_import_reads_no_csv_and_no_pandas():
    code = "import sys, casecurity.data; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_load_types_dates_and_vocabularies(mini):
    memberships = data.load("memberships")
    assert pd.api.types.is_datetime64_any_dtype(memberships["start_date"])
    assert pd.api.types.is_datetime64_any_dtype(memberships["end_date"])
    assert isinstance(memberships["status"].dtype, pd.CategoricalDtype)
    assert "frozen" in list(memberships["status"].cat.categories)
    # an empty precision next to a date reads "day"; next to no date it stays empty
    kaz = memberships[(memberships["iso3"] == "KAZ") & (memberships["organization_id"] == "CSTO")].iloc[0]
    assert kaz["start_precision"] == "day"
    assert pd.isna(kaz["end_date"]) and pd.isna(kaz["end_precision"])
    facilities = data.load("facilities.csv")
    assert facilities["lat"].dtype == "float64"
    assert pd.api.types.is_integer_dtype(data.load("cyber_index")["rank"])


def test_load_returns_a_copy(mini):
    first = data.load("countries")
    first.loc[:, "name"] = "corrupted"
    first.iloc[0, 0] = "XXX"
    again = data.load("countries")
    assert "Kazakhstan" in set(again["name"])
    members = data.members("CSTO", on="2010-01-01")
    members.loc[:, "iso3"] = "XXX"
    assert "XXX" not in iso3s(data.members("CSTO", on="2010-01-01"))


def test_load_reads_each_file_once(mini, monkeypatch):
    data.clear_cache()
    calls = []
    original = data._parse
    monkeypatch.setattr(data, "_parse", lambda *args: calls.append(args[0]) or original(*args))
    for _ in range(3):
        data.load("memberships")
        data.members("CSTO", on=2010)
    assert calls.count("memberships") == 1


def test_unknown_table_suggests(mini):
    with pytest.raises(CourseError, match=r"Unknown table 'membership'; did you mean 'memberships'\?"):
        data.load("membership")


# --------------------------------------------------------------------------- half-open spells (fixture)


def test_spell_ending_on_query_day_is_not_active(mini):
    # fixture: CSTO,UZB,member,2006-08-16 .. 2012-12-19
    assert "UZB" in iso3s(data.members("CSTO", on="2012-12-18"))
    assert "UZB" not in iso3s(data.members("CSTO", on="2012-12-19"))
    assert "UZB" in iso3s(data.members("CSTO", on="2006-08-16"))  # the start day counts
    assert "UZB" not in iso3s(data.members("CSTO", on="2006-08-15"))


def test_next_spell_starts_on_previous_end_day(mini):
    # fixture: ARM member until 2024-02-22 (exclusive), frozen from 2024-02-22
    day_before = data.members("CSTO", on="2024-02-21", status=None)
    same_day = data.members("CSTO", on="2024-02-22", status=None)
    assert day_before.set_index("iso3").loc["ARM", "status"] == "member"
    assert same_day.set_index("iso3").loc["ARM", "status"] == "frozen"
    assert list(same_day["iso3"]).count("ARM") == 1


def test_date_argument_forms_agree(mini):
    expected = iso3s(data.members("CSTO", on="2010-01-01"))
    for on in (dt.date(2010, 1, 1), dt.datetime(2010, 1, 1, 15, 30), pd.Timestamp("2010-01-01"), 2010):
        assert iso3s(data.members("CSTO", on=on)) == expected


def test_default_date_is_as_of(mini):
    assert data.AS_OF == dt.date(2026, 11, 27)
    assert data.members("CSTO").equals(data.members("CSTO", on=data.AS_OF))


def test_members_columns_and_order(mini):
    result = data.members("csto", on="2010-01-01")
    assert list(result.columns) == ["iso3", "name", "status", "start_date", "end_date", "note", "source_url"]
    assert list(result["iso3"]) == sorted(result["iso3"])
    assert dict(zip(result["iso3"], result["name"], strict=True))["KAZ"] == "Kazakhstan"


def test_status_filters(mini):
    assert iso3s(data.members("SCO", on=2020, status="guest")) == {"TKM"}
    assert iso3s(data.members("SCO", on=2020, status=["member", "GUEST"])) == {"KAZ", "TKM"}
    assert iso3s(data.members("SCO", on=2020, status=None)) == {"KAZ", "TKM"}


def test_memberships_of(mini):
    all_spells = data.memberships_of("uzbekistan")
    assert len(all_spells) == 2 and set(all_spells["organization_id"]) == {"CSTO"}
    assert data.memberships_of("UZB", on=2000).empty
    assert list(data.memberships_of("UZB", on=2010)["organization"]) == [
        "Collective Security Treaty Organization"
    ]


def test_organisation_by_full_name(mini):
    by_name = data.members("Collective Security Treaty Organization", on=2010)
    assert by_name.equals(data.members("CSTO", on=2010))


def test_treaties_filters(mini):
    assert list(data.treaties(party="UZB")["id"]) == ["cst_1992"]
    assert data.treaties(party="UZB", in_force_on="2000-01-01").empty  # left 1999-04-20
    on_2000 = data.treaties(in_force_on=2000).set_index("id")
    assert on_2000.loc["cst_1992", "parties"] == "KAZ;RUS"
    assert data.treaties().set_index("id").loc["cst_1992", "parties"] == "KAZ;RUS;UZB"
    assert list(data.treaties(kind="bilateral")["id"]) == ["kaz_rus_2013"]
    assert list(data.treaties(obligation="defense")["id"]) == ["cst_1992"]


def test_facilities_filters(mini):
    assert list(data.facilities(active_on="2005-11-20")["id"]) == ["rus_kant", "usa_k2"]
    assert list(data.facilities(active_on="2005-11-21")["id"]) == ["rus_kant"]  # closed that day
    assert list(data.facilities(host="Kyrgyzstan")["id"]) == ["rus_kant"]
    assert list(data.facilities(status="closed")["id"]) == ["usa_k2"]
    assert data.facilities(operator="KAZ").empty


def test_confirmed_on_keeps_a_reported_site_up_to_its_last_confirmed_date():
    """A `reported` row is confirmed from `opened` through `last_confirmed`, reported after it, and never
    confirmed when `last_confirmed` is empty; active and closed rows are confirmed while open.
    Expected values come from the raw CSV (csv module), not from the function under test."""
    import csv
    import datetime as dt

    with open(data.data_dir() / "facilities.csv", newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}

    def expected(day: dt.date) -> set[str]:
        keep = set()
        for rid, row in rows.items():
            if not row["opened"] or dt.date.fromisoformat(row["opened"]) > day:
                continue
            if row["closed"] and dt.date.fromisoformat(row["closed"]) <= day:
                continue
            last = row["last_confirmed"]
            if row["status"] != "reported" or (last and dt.date.fromisoformat(last) >= day):
                keep.add(rid)
        return keep

    node = rows["rus_kaindy_comms"]  # reported today, confirmed in use up to last_confirmed
    assert node["status"] == "reported" and node["last_confirmed"]
    last = dt.date.fromisoformat(node["last_confirmed"])
    for day in (dt.date(2010, 1, 1), last, last + dt.timedelta(days=1), data.AS_OF):
        assert set(data.facilities(confirmed_on=day)["id"]) == expected(day), day
    assert "rus_kaindy_comms" in set(data.facilities(confirmed_on=last)["id"])
    assert "rus_kaindy_comms" not in set(data.facilities(confirmed_on=last + dt.timedelta(days=1))["id"])
    assert "rus_kaindy_comms" in set(data.facilities(active_on=data.AS_OF)["id"])  # still drawn, as reported
    # never confirmed: the Chinese outpost is open in the data but confirmed on no day
    assert "chn_murghab_outpost" in set(data.facilities(active_on="2020-01-01")["id"])
    assert "chn_murghab_outpost" not in set(data.facilities(confirmed_on="2020-01-01")["id"])


def test_events_filters(mini):
    assert list(data.events(country="ARM")["id"]) == ["csto_kaz_2022"]
    # overlap with an inclusive window: the 2022 deployment lasted 6-19 January
    assert list(data.events(between=("2022-01-19", "2022-02-01"))["id"]) == ["csto_kaz_2022"]
    assert data.events(between=("2022-01-20", None)).empty
    assert list(data.events(between=(None, "2012-12-19"))["id"]) == ["uzb_csto_suspended"]
    assert list(data.events(category=["membership"])["id"]) == ["uzb_csto_suspended"]


def test_country_names(mini):
    assert data.iso3_of("kazakhstan") == "KAZ"
    assert data.iso3_of(" kgz ") == "KGZ"
    assert data.iso3_of("Kyrgyz Republic") == "KGZ"
    assert data.country_name("uzb") == "Uzbekistan"


# --------------------------------------------------------------------------- errors


def test_unknown_organisation_suggests_closest(mini):
    with pytest.raises(CourseError) as error:
        data.members("CTSO", on=2010)
    assert str(error.value) == "Unknown organization 'CTSO'; did you mean 'CSTO'?"


def test_misspelt_country_suggests_code(mini):
    with pytest.raises(CourseError) as error:
        data.iso3_of("Kazakstan")
    assert str(error.value).startswith("Unknown country 'Kazakstan'; did you mean 'KAZ' (Kazakhstan)")


@pytest.mark.parametrize(
    "bad", ["2010-13-01", "2010-02-30", "01/01/2010", "yesterday", "", 20100101, 3.5, True, None.__class__]
)
def test_bad_dates_raise_course_error(mini, bad):
    with pytest.raises(CourseError, match="YYYY-MM-DD|out of range"):
        data.members("CSTO", on=bad)


def test_bad_arguments_raise_course_error(mini):
    with pytest.raises(CourseError, match="did you mean 'member'"):
        data.members("CSTO", on=2010, status="memebr")
    with pytest.raises(CourseError, match="Unknown obligation"):
        data.treaties(obligation="defence_pact")
    with pytest.raises(CourseError, match="pair"):
        data.events(between="2010")
    with pytest.raises(CourseError, match="Unknown country"):
        data.facilities(host="Atlantis")
    with pytest.raises(CourseError, match="ISO3 code"):
        data.iso3_of(42)


def test_missing_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CASECURITY_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(CourseError, match="not found"):
        data.load("countries")


def test_malformed_row_names_file_line_and_column(monkeypatch, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    path = folder / "memberships.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("1994-04-20", "1994-04-31", 1)  # file line 3
    lines[4] = lines[4].replace(",member,", ",membr,", 1)  # file line 5
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    with pytest.raises(CourseError) as error:
        data.load("memberships")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("memberships.csv line 3, column start_date: '1994-04-31' is not a valid date")
    assert "1 more" in message
    with pytest.raises(CourseError, match=r"memberships.csv line 3, column start_date"):
        data.members("CSTO", on=2010)
    problems = data.validate()
    assert any(
        "line 5, column status: 'membr' is not in the vocabulary; did you mean 'member'" in p
        for p in problems
    )


def test_changed_file_is_read_again(monkeypatch, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    assert "TKM" not in iso3s(data.members("CSTO", on=2010))
    with open(folder / "memberships.csv", "a") as handle:
        handle.write("CSTO,TKM,member,2009-01-01,,,,Wrong on purpose.,https://example.org/x,\n")
    assert "TKM" in iso3s(data.members("CSTO", on=2010))


def test_corrected_country_name_is_used_at_once(monkeypatch, tmp_path):
    """Country lookups are indexed once per reading of countries.csv: a corrected name shows in the
    same session, in country_name, iso3_of and the names of a query's rows."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    assert data.country_name("KAZ") == "Kazakhstan"
    with pytest.raises(CourseError):
        data.iso3_of("Qazaqstan Republic")
    countries = folder / "countries.csv"
    countries.write_text(countries.read_text().replace("KAZ,Kazakhstan", "KAZ,Qazaqstan Republic"))
    assert data.country_name("kaz") == "Qazaqstan Republic"
    assert data.iso3_of("qazaqstan republic") == "KAZ"
    assert "Qazaqstan Republic" in data.members("CSTO", on=2010)["name"].tolist()


def test_command_line_validate(tmp_path):
    env = {"CASECURITY_DATA": str(MINI), "PATH": ""}
    ok = subprocess.run(
        [sys.executable, "-m", "casecurity.data", "validate"], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK")
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    (folder / "countries.csv").write_text(
        (MINI / "countries.csv").read_text().replace("KAZ,Kazakhstan", "KAZ,")
    )
    bad = subprocess.run(
        [sys.executable, "-m", "casecurity.data", "validate"],
        capture_output=True,
        text=True,
        env={"CASECURITY_DATA": str(folder), "PATH": ""},
    )
    assert bad.returncode == 1
    assert "countries.csv line 2, column name: is empty but required" in bad.stdout


# --------------------------------------------------------------------------- facts (real data)
# Sources read for these facts (all in the `pages` corpus, read 2026-11-27):
#  CSTO/UZB: rt.com/politics/uzbekistan-quits-pro-russian-bloc-996 (left 1999, rejoined 2006),
#    tass.com/archive/678014 (protocol of 16 Aug 2006), tass.com/russia/687141 (suspended 19 Dec 2012;
#    members henceforth ARM, BLR, KAZ, KGZ, RUS, TJK)
#  ARM frozen: kyivindependent.com/pashinyan-armenia-freezes-participation-in-russian-led-security-coalition
#    (22-23 Feb 2024); novayagazeta.eu (same)
#  SCO: indianexpress.com (India, Pakistan full members at Astana, 9 Jun 2017);
#    sputnikglobe.com/20230704 and lokmattimes.com (Iran member 4 Jul 2023);
#    astanatimes.com/2024/07/sco-welcomes-belarus-as-its-10th-member-state (Belarus 4 Jul 2024);
#    gstimes.in (six founders 2001)
#  TKM: tass.com/politics/1505877 (no CSTO, neutrality); idsa.in/taxonomy/term/562 (did not join SCO, guest)
#  EAEU: thailand.mid.ru/en/press-centre/news/about_eurasian_economic_union (treaty in force 1 Jan 2015)

CSTO_AFTER_2012 = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
SCO_FOUNDERS = {"CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"}


def test_fact_uzbekistan_in_and_out_of_csto(real):
    assert "UZB" in iso3s(data.members("CSTO", on="2010-01-01"))
    assert "UZB" not in iso3s(data.members("CSTO", on="2000-01-01"))
    assert "UZB" not in iso3s(data.members("CSTO", on="2013-06-01"))


def test_fact_csto_members_2013(real):
    assert iso3s(data.members("CSTO", on="2013-06-01")) == CSTO_AFTER_2012


def test_fact_armenia_frozen_not_member(real):
    on = "2025-01-01"
    assert "ARM" not in iso3s(data.members("CSTO", on=on))
    assert "ARM" in iso3s(data.members("CSTO", on=on, status="frozen"))
    assert iso3s(data.members("CSTO", on=on)) == CSTO_AFTER_2012 - {"ARM"}


def test_fact_sco_enlargements(real):
    assert {"IND", "PAK"} <= iso3s(data.members("SCO", on="2017-06-09"))
    assert not {"IND", "PAK"} & iso3s(data.members("SCO", on="2017-06-08"))
    assert "IRN" in iso3s(data.members("SCO", on="2023-07-04"))
    assert "IRN" not in iso3s(data.members("SCO", on="2023-07-03"))
    assert "BLR" in iso3s(data.members("SCO", on="2024-07-04"))
    assert "BLR" not in iso3s(data.members("SCO", on="2024-07-03"))
    assert iso3s(data.members("SCO", on="2025-01-01")) == SCO_FOUNDERS | {"IND", "PAK", "IRN", "BLR"}


def test_fact_sco_founders(real):
    assert iso3s(data.members("SCO", on="2001-06-15")) == SCO_FOUNDERS
    assert data.members("SCO", on="2001-06-14").empty


def test_fact_turkmenistan_never_in_csto_or_sco(real):
    spells = data.memberships_of("TKM")
    for org in ("CSTO", "SCO"):
        statuses = set(spells.loc[spells["organization_id"] == org, "status"])
        assert "member" not in statuses, f"TKM coded as {org} member"
    for year in range(1994, data.AS_OF.year + 1):
        assert "TKM" not in iso3s(data.members("CSTO", on=year, status=None))
        assert "TKM" not in iso3s(data.members("SCO", on=year))


def test_fact_kazakhstan_in_eaeu_2015(real):
    assert "KAZ" in iso3s(data.members("EAEU", on="2015-01-01"))
    assert "KAZ" not in iso3s(data.members("EAEU", on="2014-12-31"))


def test_every_real_spell_ends_exclusively(real):
    """Property of the real data: on a spell's end day, that spell is no longer reported."""
    spells = data.load("memberships").dropna(subset=["end_date"])
    for row in spells.itertuples():
        active = data.members(row.organization_id, on=row.end_date, status=None)
        same = active[(active["iso3"] == row.iso3) & (active["start_date"] == row.start_date)]
        assert same.empty, f"{row.organization_id}/{row.iso3} spell still active on its end day"


def test_real_errors(real):
    with pytest.raises(CourseError) as error:
        data.members("CTSO")
    assert str(error.value) == "Unknown organization 'CTSO'; did you mean 'CSTO'?"
    with pytest.raises(CourseError, match=r"did you mean 'KAZ' \(Kazakhstan\)"):
        data.country_name("Kazakstan")
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        data.members("SCO", on="2017-06-31")


def test_docstring_examples_hold_on_real_data(real):
    """The examples in casecurity.data's docstrings are true statements about data/."""
    import doctest

    if not (REPO / "data" / "geo" / "central_asia.geojson").is_file():
        pytest.skip("data/geo is not there yet")
    result = doctest.testmod(data, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 15
    assert result.failed == 0


def test_countries_geo_is_a_merged_copy(real):
    if not (REPO / "data" / "geo" / "central_asia.geojson").is_file():
        pytest.skip("data/geo is not there yet")
    geo = data.countries_geo()
    assert geo["type"] == "FeatureCollection"
    codes = [feature["properties"]["iso3"] for feature in geo["features"]]
    assert len(codes) == len(set(codes))  # a country present in both files appears once
    assert {"KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS", "CHN", "AFG"} <= set(codes)
    assert all(feature["properties"].get("name") for feature in geo["features"])
    geo["features"].clear()
    assert data.countries_geo()["features"], "countries_geo() must return a copy"


def test_countries_geo_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("CASECURITY_DATA", str(tmp_path))
    with pytest.raises(CourseError, match="make_geo"):
        data.countries_geo()


def test_dates_keep_their_precision_when_sorted():
    # Issue 22: a year- or month-precision date sorts at the end of its period, never as 1 January.
    dates = pd.Series(pd.to_datetime(["2001-01-01", "2001-06-01", "2001-06-15", None]))
    ends = data.period_end(dates, pd.Series(["year", "month", "day", "year"]))
    assert [d.date() if pd.notna(d) else None for d in ends] == [
        dt.date(2001, 12, 31), dt.date(2001, 6, 30), dt.date(2001, 6, 15), None
    ]
    # treaties() and events() come back in that order (undated rows last)
    for table, date, precision in (
        (data.treaties(), "signed_date", "signed_precision"),
        (data.events(), "start_date", "start_precision"),
    ):
        keys = data.period_end(table[date], table[precision])
        dated = keys.dropna()
        assert dated.is_monotonic_increasing, f"{date}: not sorted by period end"
        assert keys.isna().sum() == 0 or keys.isna().iloc[-int(keys.isna().sum()):].all()
        assert table[precision].isin(["year", "month"]).any()  # the data has imprecise dates to sort


# --------------------------------------------------------------------------- recency (issue 22)
# Sources read 2026-12-07 (pages corpus): astanatimes.com/2024/07/sco-welcomes-belarus-as-its-10th-member-state
#  and shine.cn/biz/event/2407045318 (Belarus admitted 4 Jul 2024); newscentralasia.net Tianjin Declaration
#  of 1 Sep 2025 and news.by (BelTA: observer + dialogue partner -> "SCO partner", Laos admitted);
#  24.kg/english/311756 (18 Nov 2024, one Chinese worker killed); globaltimes.cn/page/202511/1349271 and
#  gazeta.press (Interfax) 2025-12-01 (three killed 26 Nov, two killed 30 Nov 2025); kommersant.ru/doc/8316801
#  (Khovar: 3 intruders + 2 border guards dead, 24 Dec 2025) and news.mail.ru (Hasht-e Subh: 2 + 2);
#  lenta.ru 2026-01-20 (Armenian intelligence: no unfreezing in 2026), haqqin.az (Zakharova, Dec 2025).


def _event(event_id):
    table = data.load("events")
    row = table[table["id"] == event_id]
    assert len(row) == 1, f"events.csv has no single row {event_id}"
    return row.iloc[0]


def test_recency_sco_summits_match_the_membership_spells(real):
    astana = _event("2024_sco_astana_summit")
    assert astana["start_date"] == pd.Timestamp("2024-07-04")
    assert "BLR" in astana["countries"].split(";")
    # Belarus is a member from the summit day, not the day before
    assert "BLR" in iso3s(data.members("SCO", on=astana["start_date"]))
    assert "BLR" not in iso3s(data.members("SCO", on=astana["start_date"] - pd.Timedelta(days=1)))
    tianjin = _event("2025_sco_tianjin_summit")
    assert (tianjin["start_date"], tianjin["end_date"]) == (pd.Timestamp("2025-08-31"), pd.Timestamp("2025-09-01"))
    # the single "partner" status exists from the declaration day (1 Sep 2025) and not before
    partners = iso3s(data.members("SCO", on=tianjin["end_date"], status="partner"))
    assert {"LAO", "MNG", "AFG", "TUR", "ARM", "AZE"} <= partners
    assert not iso3s(data.members("SCO", on=tianjin["start_date"], status="partner"))
    assert "TKM" not in partners  # still a guest, outside the merged status
    assert iso3s(data.members("SCO", on=tianjin["end_date"])) == SCO_FOUNDERS | {"IND", "PAK", "IRN", "BLR"}


def test_recency_tajik_afghan_border_violence_2024_2025(real):
    window = ("2024-01-01", data.AS_OF)
    violent = data.events(category=["terrorist_attack", "armed_clash"], country="TJK", between=window)
    # Crocus (Moscow, 2024) lists TJK because Tajik nationals were charged; the rest are on the border
    assert list(violent["id"]) == [
        "2024_crocus_attack",
        "2024_tjk_chinese_camp_attack",
        "2025_tjk_afghan_border_attacks",
        "2025_tjk_afghan_border_clash",
        "2026_tjk_afghan_border_clash",
    ]
    attacks = _event("2025_tjk_afghan_border_attacks")
    assert (attacks["fatalities_low"], attacks["fatalities_high"]) == (5, 5)  # 3 on 26 Nov + 2 on 30 Nov
    assert {"AFG", "CHN", "TJK"} == set(attacks["countries"].split(";"))
    clash = _event("2025_tjk_afghan_border_clash")
    # the Tajik account (3 intruders + 2 guards) and the Afghan outlet's (2 + 2) are both kept
    assert (clash["fatalities_low"], clash["fatalities_high"]) == (4, 5)
    assert clash["category"] == "armed_clash"
    assert _event("2024_tjk_chinese_camp_attack")["fatalities_high"] == 1
    # fergana.news / The Independent (19 Jan 2026): four intruders killed, no Tajik losses reported
    january = _event("2026_tjk_afghan_border_clash")
    assert (january["fatalities_low"], january["fatalities_high"]) == (4, 4)


def test_recency_armenia_still_frozen_on_the_as_of_date(real):
    assert "ARM" in iso3s(data.members("CSTO", status="frozen"))
    assert "ARM" not in iso3s(data.members("CSTO"))
    note = data.members("CSTO", status="frozen").set_index("iso3").loc["ARM", "note"]
    assert "Jan 2026" in note and "No formal withdrawal notice" in note


def test_recency_csto_bishkek_summit_2025_without_armenia(real):
    # 24.kg 2025-11-27 (15 documents), nsn.fm (Armenia absent)
    summit = _event("2025_csto_bishkek_summit")
    assert summit["start_date"] == pd.Timestamp("2025-11-27")
    attending = set(summit["countries"].split(";"))
    assert "ARM" not in attending
    # the five who attended are exactly the members not frozen on that day
    assert attending == iso3s(data.members("CSTO", on=summit["start_date"]))
