"""The SVG charts draw exactly the data: one bar per membership spell, one dot per event.

Expected values come from the CSV tables (through casecurity.data.load / events), never
from the chart itself. Each test runs on the course data and on the small fixture copy.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from casecurity import charts, data, palette
from casecurity.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(params=["course", "mini"], autouse=True)
def dataset(request, monkeypatch):
    """Run every test on data/ and on tests/fixtures/mini_data/."""
    if request.param == "mini":
        monkeypatch.setenv("CASECURITY_DATA", str(ROOT / "tests" / "fixtures" / "mini_data"))
    else:
        monkeypatch.delenv("CASECURITY_DATA", raising=False)
    return request.param


def _day(value) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _spells(countries: list[str], orgs: list[str] | None = None) -> pd.DataFrame:
    """The membership spells of these countries (and organisations), straight from the table."""
    table = data.load("memberships")
    table = table[table["iso3"].astype(str).isin(countries) & table["start_date"].notna()]
    if orgs is not None:
        table = table[table["organization_id"].astype(str).isin(orgs)]
    return table


def _central_asia() -> list[str]:
    countries = data.load("countries")
    return countries.loc[countries["group"].astype(str) == "central_asia", "iso3"].astype(str).tolist()


def _spell_groups(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "spell"]


def test_one_bar_per_spell_with_colour_opacity_and_words():
    expected = _spells(_central_asia())
    chart = charts.membership_timeline_chart()
    groups = _spell_groups(chart.svg)
    assert len(groups) == len(expected) > 0
    assert len(chart.table) == len(expected)

    drawn = {
        (row.iso3, row.organization_id, row.status, row.start_date, row.end_date)
        for row in chart.table.itertuples()
    }
    wanted = {
        (str(r.iso3), str(r.organization_id), str(r.status), _day(r.start_date), _day(r.end_date))
        for r in expected.itertuples()
    }
    assert drawn == wanted

    for group in groups:
        rect = group.find(f"{SVG}rect")
        title = group.find(f"{SVG}title").text
        status = group.get("data-status")
        org = title.split(",")[1].split(":")[0].strip()
        assert rect.get("fill") == palette.org_color(org)
        assert float(rect.get("fill-opacity")) == palette.status_style(status)["fill_opacity"]
        # the status is also in words, not only in colour and opacity
        assert palette.status_style(status)["label"] in title


def test_bar_lengths_are_proportional_to_spell_durations():
    chart = charts.membership_timeline_chart()
    ratios = []
    for group, row in zip(_spell_groups(chart.svg), chart.table.itertuples(), strict=True):
        width = float(group.find(f"{SVG}rect").get("width"))
        end = row.end_date or data.AS_OF
        days = (end - row.start_date).days
        if days > 365:  # very short spells get a minimum width to stay visible
            ratios.append(width / days)
    assert ratios
    assert max(ratios) / min(ratios) < 1.02


def test_open_spells_end_in_an_arrow_and_ended_spells_do_not():
    chart = charts.membership_timeline_chart()
    for group, row in zip(_spell_groups(chart.svg), chart.table.itertuples(), strict=True):
        has_arrow = group.find(f"{SVG}path") is not None
        assert has_arrow == (row.end_date is None)
        title = group.find(f"{SVG}title").text
        if row.end_date is None:
            assert "to the present" in title
        else:  # written as precisely as the source gives it: 1999, 1999-04 or 1999-04-20
            digits = {"year": 4, "month": 7}.get(row.end_precision, 10)
            assert title.endswith(f"until {row.end_date.isoformat()[:digits]}")
        digits = {"year": 4, "month": 7}.get(row.start_precision, 10)
        assert f" from {row.start_date.isoformat()[:digits]} " in title


def test_filters_keep_only_the_chosen_countries_and_organisations():
    spells = data.load("memberships")
    org = str(spells["organization_id"].iloc[0])
    iso3 = str(spells["iso3"].iloc[0])
    chart = charts.membership_timeline_chart(orgs=[org.lower()], countries=[iso3])
    assert set(chart.table["organization_id"]) == {org}
    assert set(chart.table["iso3"]) == {iso3}
    assert len(chart.table) == len(_spells([iso3], [org]))
    # a wrong answer would be another country's row: none is drawn
    rows = [g for g in ET.fromstring(chart.svg).iter(f"{SVG}g") if g.get("class") == "row"]
    assert {g.get("data-iso3") for g in rows} == {iso3}


def test_accessible_title_description_and_legend():
    chart = charts.membership_timeline_chart()
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(root.get("aria-labelledby").split()) <= ids
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.alt_text
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    legend_words = {t.text for t in legend.iter(f"{SVG}text")}
    assert set(chart.table["organization_id"]) <= legend_words
    assert {palette.status_style(s)["label"] for s in chart.table["status"]} <= legend_words
    for name in chart.table["country"].unique():
        assert name in chart.alt_text


def test_output_is_deterministic_and_displays_as_svg(tmp_path):
    first = charts.membership_timeline_chart()
    again = charts.membership_timeline_chart()
    assert first.svg == again.svg
    assert first._repr_svg_() == first.svg
    saved = first.save(tmp_path / "out" / "chart.svg")
    assert saved.read_text(encoding="utf-8") == first.svg
    with pytest.raises(CourseError, match=r"\.svg"):
        first.save(tmp_path / "chart.png")


def test_mistakes_give_one_line_course_errors():
    with pytest.raises(CourseError, match="did you mean 'CSTO'"):
        charts.membership_timeline_chart(orgs="CTSO")
    with pytest.raises(CourseError, match="Unknown country"):
        charts.membership_timeline_chart(countries=["Atlantis"])
    with pytest.raises(CourseError, match="empty"):
        charts.membership_timeline_chart(orgs=[])
    with pytest.raises(CourseError):
        charts.events_timeline_chart(category="battle")


def test_events_chart_has_one_dot_per_event_with_its_title():
    expected = data.events()
    chart = charts.events_timeline_chart()
    root = ET.fromstring(chart.svg)
    dots = [g for g in root.iter(f"{SVG}g") if g.get("class") == "event"]
    assert len(dots) == len(expected) == len(chart.table)
    assert sorted(g.get("data-id") for g in dots) == sorted(expected["id"].astype(str))
    titles = {str(t): str(i) for t, i in zip(expected["title"], expected["id"], strict=True)}
    for dot in dots:
        tooltip = dot.find(f"{SVG}title").text
        assert any(title in tooltip for title, event_id in titles.items() if event_id == dot.get("data-id"))
    assert f"Timeline of {len(expected)} events" in chart.alt_text


def test_events_chart_filters_by_category_and_period():
    events = data.events()
    category = str(events["category"].iloc[0])
    chart = charts.events_timeline_chart(category=category)
    assert set(chart.table["category"]) == {category}
    assert len(chart.table) == int((events["category"].astype(str) == category).sum())

    year = pd.Timestamp(events["start_date"].iloc[0]).year
    between = (f"{year}-01-01", f"{year}-12-31")
    chart = charts.events_timeline_chart(between=between)
    assert sorted(chart.table["id"]) == sorted(data.events(between=between)["id"].astype(str))
    with pytest.raises(CourseError, match="No events"):
        charts.events_timeline_chart(between=("1800-01-01", "1800-12-31"))


def test_plain_text_repr_is_short_and_stable():
    chart = charts.membership_timeline_chart()
    assert repr(chart) == f"<SVGChart: {chart.title} ({len(chart.table)} rows drawn)>"
    assert "0x" not in repr(chart) and "<svg" not in repr(chart)


def test_organisation_names_and_repeated_countries_are_understood():
    organizations = data.load("organizations")
    org_id, name = str(organizations["id"].iloc[0]), str(organizations["name"].iloc[0])
    iso3 = str(data.load("memberships").query("organization_id == @org_id")["iso3"].iloc[0])
    by_name = charts.membership_timeline_chart(orgs=name.upper(), countries=[iso3, iso3.lower()])
    by_id = charts.membership_timeline_chart(orgs=org_id, countries=[iso3])
    assert by_name.svg == by_id.svg
    assert len(by_id.table) == len(_spells([iso3], [org_id]))
