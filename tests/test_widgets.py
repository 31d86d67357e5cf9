"""The explorers recompute in Python when a control changes: no browser needed.

Setting a control's value (what a click or key press does) must give a table equal to the
one computed directly with casecurity.data, and a summary that says it in words. Each test
runs on the course data and on the small fixture copy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import folium
import pandas as pd
import pytest

from casecurity import data, maps, palette, widgets
from casecurity.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["course", "mini"], autouse=True)
def dataset(request, monkeypatch):
    if request.param == "mini":
        monkeypatch.setenv("CASECURITY_DATA", str(ROOT / "tests" / "fixtures" / "mini_data"))
    else:
        monkeypatch.delenv("CASECURITY_DATA", raising=False)
    return request.param


@pytest.fixture
def map_calls(monkeypatch):
    """Replace the map builders by fakes that record their arguments (maps are tested elsewhere)."""
    calls = []

    def fake(kind):
        def build(*args, **kwargs):
            calls.append((kind, args, kwargs))
            fake_map = folium.Map(tiles=None)
            fake_map.table, fake_map.alt_text = pd.DataFrame({"id": ["a", "b"]}), "A fake map."
            return fake_map

        return build

    monkeypatch.setattr(maps, "membership_map", fake("membership"), raising=False)
    monkeypatch.setattr(maps, "treaty_network_map", fake("treaty"), raising=False)
    return calls


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["iso3"].astype(str), frame["status"].astype(str), strict=True))


def test_moving_the_date_slider_updates_the_table_to_the_members_on_that_date():
    explorer = widgets.membership_explorer("CSTO", show_map=False)
    options = [value for _, value in explorer.date.options]
    assert options[-1] == data.AS_OF.isoformat()
    seen = set()
    for value in options:
        explorer.date.value = value  # what the slider's ArrowRight does
        expected = data.members("CSTO", on=value, status=None)
        assert _pairs(explorer.table) == _pairs(expected)
        seen.add(tuple(_pairs(expected)))
        for name in expected["name"]:
            assert name in explorer.summary.value
            assert name in explorer.table_view.value
    assert len(seen) > 1, "the data should change over time; otherwise this test proves nothing"


def test_the_date_drop_down_moves_the_slider_and_updates_once():
    explorer = widgets.membership_explorer("CSTO", on=2000, show_map=False)
    updates = []
    original = explorer.update
    explorer.update = lambda: (updates.append(1), original())
    explorer.date_list.value = "2010-01-01"
    assert explorer.date.value == "2010-01-01"
    assert _pairs(explorer.table) == _pairs(data.members("CSTO", on="2010-01-01", status=None))
    assert len(updates) == 1
    explorer.date.value = "2005-01-01"
    assert explorer.date_list.value == "2005-01-01"


def test_changing_the_organisation_updates_the_table():
    explorer = widgets.membership_explorer("CSTO", on=2010, show_map=False)
    assert explorer.date.value == "2010-01-01"
    before = _pairs(explorer.table)
    explorer.org.value = "SCO"
    expected = data.members("SCO", on="2010-01-01", status=None)
    assert _pairs(explorer.table) == _pairs(expected)
    assert _pairs(expected) != before  # a wrong answer (the CSTO table) would fail


def test_summary_states_counts_and_status_in_words():
    explorer = widgets.membership_explorer("CSTO", show_map=False)
    table = data.members("CSTO", status=None)
    for status, group in table.groupby(table["status"].astype(str), observed=True):
        assert f"{len(group)} {palette.status_style(status)['label']}" in explorer.summary.value
    assert f"{data.AS_OF.day} {data.AS_OF.strftime('%B')} {data.AS_OF.year}" in explorer.summary.value


def test_summary_before_the_founding_says_it_did_not_exist():
    founded = pd.Timestamp(data.load("organizations").set_index("id").loc["SCO", "founded"]).date()
    explorer = widgets.membership_explorer("SCO", on=founded.year - 1, show_map=False)
    assert explorer.table.empty
    assert "did not exist yet" in explorer.summary.value
    assert founded.isoformat() in explorer.summary.value


def test_controls_are_labelled_and_unknown_organisation_is_a_course_error():
    explorer = widgets.membership_explorer(show_map=False)
    for control in (explorer.org, explorer.date):
        assert control.description.strip()
        assert control.description_allow_html is False
    assert 'role="status"' in explorer.summary.value
    with pytest.raises(CourseError, match="did you mean 'CSTO'"):
        widgets.membership_explorer("CTSO")


def test_the_map_follows_the_controls(map_calls):
    explorer = widgets.membership_explorer("CSTO", on=2000)
    explorer.org.value = "SCO"
    explorer.date.value = "2005-01-01"
    made = [(args, kwargs) for kind, args, kwargs in map_calls if kind == "membership"]
    assert made[0] == (("CSTO",), {"on": dt.date(2000, 1, 1)})
    assert made[-1] == (("SCO",), {"on": dt.date(2005, 1, 1)})
    assert "<iframe" in explorer.visual.value
    assert explorer.visual in explorer.children


def test_treaty_explorer_filters_like_data_treaties(map_calls):
    explorer = widgets.treaty_explorer()
    assert len(explorer.table) == len(data.treaties())
    party = data.load("treaty_parties")["iso3"].astype(str).iloc[0]
    explorer.party.value = party
    treaties = data.treaties(party=party)
    assert sorted(explorer.table["id"]) == sorted(treaties["id"])
    obligation = str(treaties["obligations"].dropna().iloc[0]).split(";")[0]
    explorer.obligation.value = obligation
    expected = data.treaties(party=party, obligation=obligation)
    assert sorted(explorer.table["id"]) == sorted(expected["id"])
    decade = pd.Timestamp(expected["signed_date"].dropna().iloc[0]).year // 10 * 10
    explorer.decade.value = decade
    years = pd.to_datetime(expected["signed_date"]).dt.year
    in_decade = expected[(years >= decade) & (years < decade + 10)]
    assert sorted(explorer.table["id"]) == sorted(in_decade["id"]) and len(in_decade) > 0
    assert f"signed in the {decade}s" in explorer.summary.value
    assert "2 treaties drawn" in explorer.summary.value  # counted from the map's own table
    # the map shows the chosen obligation at the end of the decade
    kind, args, kwargs = map_calls[-1]
    assert kind == "treaty"
    assert kwargs == {"obligation": obligation, "on": min(dt.date(decade + 9, 12, 31), data.AS_OF)}


def test_timeline_filters_by_category_and_years():
    view = widgets.timeline()
    assert sorted(view.table["id"]) == sorted(data.events()["id"].astype(str))
    category = str(data.events()["category"].iloc[0])
    view.category.value = category
    assert sorted(view.table["id"]) == sorted(data.events(category=category)["id"].astype(str))
    assert view.chart is not None and view.visual.value == view.chart.svg
    view.years.value = (view.years.min, view.years.min)
    expected = data.events(category=category, between=(f"{view.years.min}-01-01", f"{view.years.min}-12-31"))
    assert sorted(view.table["id"]) == sorted(expected["id"].astype(str))
    if expected.empty:
        assert "No events" in view.summary.value


def test_the_real_map_shows_the_same_states_as_the_table(dataset):
    explorer = widgets.membership_explorer("CSTO", on=2000)
    if dataset == "mini":  # the fixture copy has no country outlines: a one-line message, table still there
        assert explorer.map is None
        assert "No map:" in explorer.visual.value and "geo" in explorer.visual.value
        assert _pairs(explorer.table) == _pairs(data.members("CSTO", on=2000, status=None))
        return
    assert explorer.map is not None
    assert sorted(explorer.map.table["iso3"].astype(str)) == sorted(explorer.table["iso3"].astype(str))
    explorer.date.value = data.AS_OF.isoformat()
    assert sorted(explorer.map.table["iso3"].astype(str)) == sorted(explorer.table["iso3"].astype(str))
    assert "<iframe" in explorer.visual.value


def test_the_organisation_may_be_given_by_its_name():
    name = str(data.load("organizations").set_index("id").loc["CSTO", "name"])
    explorer = widgets.membership_explorer(name.lower(), show_map=False)
    assert explorer.org.value == "CSTO"
