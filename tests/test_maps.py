"""Map builders, checked on the folium objects and their rendered HTML (no browser).

Expected values come from casecurity.data queries or from independently known
facts (e.g. who was in the CSTO in 2010), never from the map under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest
from shapely.geometry import Point, shape

from casecurity import data, maps, palette
from casecurity.errors import CourseError

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "data" / "geo"
FIXTURE = REPO / "tests" / "fixtures" / "mini_data"
# the same sanitising rule as tests/nbval_sanitize.cfg: branca's random ids
BRANCA_ID = re.compile(r"\b([a-z][a-z0-9_]*?)_[0-9a-f]{32}(?![0-9a-f])")
EXTERNAL_ASSET = re.compile(r"<script[^>]+src=[\"']https?://|<link[^>]+href=[\"']https?://", re.IGNORECASE)


@pytest.fixture(autouse=True)
def online_mode():
    """Every test starts in online mode (the default) and restores the previous setting."""
    previous = maps.is_offline()
    maps.offline(False)
    yield
    maps.offline(previous)


def render(m: folium.Map) -> str:
    return m.get_root().render()


def geojson_layers(m: folium.Map) -> list[folium.GeoJson]:
    return [child for child in m._children.values() if isinstance(child, folium.GeoJson)]


def thematic_features(m: folium.Map) -> list[dict]:
    """Features of the map's country layers (not the offline land basemap)."""
    return [f for layer in geojson_layers(m) if layer.layer_name != "Land" for f in layer.data["features"]]


def geo_codes() -> set[str]:
    return {f["properties"]["iso3"] for f in data.countries_geo()["features"]}


def markers(m: folium.Map, css_class: str) -> list[folium.CircleMarker]:
    found = []

    def walk(element):
        for child in element._children.values():
            if isinstance(child, folium.CircleMarker) and css_class in child.options.get("className", ""):
                found.append(child)
            walk(child)

    walk(m)
    return found


# --------------------------------------------------------------------------- geometry files


def test_geo_files_are_small_and_keyed_by_iso3():
    assert (GEO / "central_asia.geojson").stat().st_size < 300_000
    assert (GEO / "world_110m.geojson").stat().st_size < 200_000
    for name in ("central_asia.geojson", "world_110m.geojson"):
        features = json.loads((GEO / name).read_text(encoding="utf-8"))["features"]
        codes = [f["properties"]["iso3"] for f in features]
        assert codes == sorted(set(codes)), f"{name}: codes must be unique and sorted"
        assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)
        assert all(f["properties"]["name"] for f in features)


def test_fergana_enclaves_survive():
    """Sokh and Shakhimardan (Uzbek) and Vorukh (Tajik) are separate polygons ringed by Kyrgyzstan."""
    features = json.loads((GEO / "central_asia.geojson").read_text(encoding="utf-8"))["features"]
    shapes = {f["properties"]["iso3"]: shape(f["geometry"]) for f in features}
    kyrgyzstan = shapes["KGZ"].buffer(0.01)
    # approximate centres from Wikipedia ("Sokh District", "Shohimardon", "Vorukh")
    for enclave, owner, lat, lon in [("Sokh", "UZB", 39.95, 71.10), ("Shakhimardan", "UZB", 39.98, 71.80),
                                     ("Vorukh", "TJK", 39.85, 70.58)]:  # fmt: skip
        parts = list(getattr(shapes[owner], "geoms", [shapes[owner]]))
        main = max(parts, key=lambda p: p.area)
        nearby = [p for p in parts if p is not main and p.distance(Point(lon, lat)) < 0.3]
        assert any(kyrgyzstan.contains(p.exterior) for p in nearby), f"{enclave} enclave is missing"


def test_region_borders_are_shared_exactly():
    """Coverage simplification keeps neighbours gap-free: no slivers between them."""
    features = json.loads((GEO / "central_asia.geojson").read_text(encoding="utf-8"))["features"]
    shapes = {f["properties"]["iso3"]: shape(f["geometry"]) for f in features}
    assert shapes["KGZ"].intersection(shapes["UZB"]).area < 1e-6  # no overlap
    assert shapes["KGZ"].boundary.intersection(shapes["UZB"].boundary).length > 5  # a long shared border


# --------------------------------------------------------------------------- region and memberships


def test_region_map_draws_the_region():
    m = maps.region_map()
    codes = {f["id"] for f in thematic_features(m)}
    assert codes == set(maps.REGION) & geo_codes()
    assert set(data.central_asia()) <= codes
    html = render(m)
    assert "Central Asia and its neighbours" in html and "casecurity-legend" in html
    assert "Natural Earth" in html
    assert maps.describe(m) == m.alt_text and "Kazakhstan" in m.alt_text
    assert set(m.table["iso3"]) == codes


def test_membership_map_colours_the_members_on_a_date():
    m = maps.membership_map("csto", on="2010-01-01")
    expected = set(data.members("CSTO", on="2010-01-01")["iso3"])
    # independent fact: in 2010 the CSTO had seven members, Uzbekistan included, Turkmenistan never
    assert expected == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    features = {f["id"]: f for f in thematic_features(m)}
    coloured = {code for code, f in features.items() if f["properties"]["status"] == "member"}
    assert coloured == expected & geo_codes()
    layer = geojson_layers(m)[-1]
    style = layer.style_function(features["KAZ"])
    assert style["fillColor"] == palette.org_color("CSTO")
    assert style["fillOpacity"] == palette.status_style("member")["fill_opacity"]
    assert layer.style_function(features["TKM"])["fillColor"] == palette.NEUTRAL
    assert set(m.table["iso3"]) == set(data.members("CSTO", on="2010-01-01", status=None)["iso3"])
    assert m.table["drawn"].all()
    html = render(m)
    assert "Collective Security Treaty Organization (CSTO) on 2010-01-01" in html
    assert "casecurity-legend" in html and "not in the CSTO on that date" in html


def test_membership_map_popups_give_dates_and_sources():
    m = maps.membership_map("CSTO", on=2007)
    uzbekistan = next(f for f in thematic_features(m) if f["id"] == "UZB")
    spells = data.load("memberships")
    spells = spells[(spells["organization_id"] == "CSTO") & (spells["iso3"] == "UZB")]
    for url in spells["source_url"]:
        assert f'href="{url}"' in uzbekistan["properties"]["popup"]
    assert "member" in uzbekistan["properties"]["tooltip"]


def test_status_is_not_shown_by_colour_alone():
    m = maps.membership_map("SCO")
    layer = geojson_layers(m)[-1]
    styles = {}
    for feature in thematic_features(m):
        style = layer.style_function(feature)
        styles[feature["properties"]["status"]] = (style["fillOpacity"], style["dashArray"])
    assert len(styles) == len(set(styles.values())), "two statuses look the same apart from colour"


def test_sco_statuses_differ_in_texture_not_only_in_colour_or_dash():
    """Observer, dialogue partner, partner and guest: each its own hatch pattern, drawn in the map."""
    spells = data.load("memberships")
    statuses = set(spells.loc[spells["organization_id"] == "SCO", "status"]) - {"member"}
    assert {"observer", "dialogue_partner"} <= statuses  # what the SCO map must tell apart
    m = maps.membership_timeline_map("SCO")
    html = render(m)
    color = palette.org_color("SCO")
    fills = {}
    for status in statuses | {"partner", "guest"}:
        fill = maps._status_style(color, status)["fillColor"]
        assert fill.startswith("url(#") and fill != color, status
        pattern_id = fill[len("url(#") : -1]
        assert f'<pattern id="{pattern_id}"' in html, f"the map lacks the pattern of {status}"
        fills[status] = fill
    assert len(set(fills.values())) == len(fills)
    drawings = [maps._HATCHES[s] for s in fills]
    assert len(set(drawings)) == len(drawings), "two statuses share a hatching"
    legend = next(c for c in m._children.values() if type(c).__name__ == "_Control" and "legend" in c.css_class)
    for status in statuses:
        assert fills[status] in legend.html, f"the legend does not show the hatching of {status}"
    assert maps._status_style(color, "member")["fillColor"] == color  # full members stay solid


def test_timeline_map_steps_through_the_change_dates():
    m = maps.membership_timeline_map("CSTO")
    slider = next(c for c in m._children.values() if type(c).__name__ == "_TimeSlider")
    spells = data.load("memberships")
    spells = spells[spells["organization_id"] == "CSTO"]
    uzbek_returns = spells[(spells["iso3"] == "UZB")]["start_date"].max().strftime("%Y-%m-%d")
    assert uzbek_returns in slider.steps
    assert slider.steps == sorted(slider.steps) and slider.steps[-1] == data.AS_OF.isoformat()
    assert len(m.table) == len(spells)
    assert 'type="range"' in slider.html and "<label for=" in slider.html  # a labelled native slider
    assert "casecurity-slider" in render(m)


# --------------------------------------------------------------------------- facilities, events, treaties


def test_facilities_map_has_one_layer_per_operator():
    facilities = data.facilities().dropna(subset=["lat", "lon"])
    facilities = facilities[facilities["operator_iso3"] != facilities["host_iso3"]]  # foreign only
    m = maps.facilities_map()
    drawn = markers(m, "casecurity-facility")
    assert len(drawn) == len(facilities)
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert len(groups) == facilities["operator_iso3"].nunique()
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())
    russian = markers(m, "casecurity-op-RUS")
    assert len(russian) == int((facilities["operator_iso3"] == "RUS").sum())
    assert all(mk.options["color"] == palette.power_color("RUS") for mk in russian)
    html = render(m)
    for url in facilities["source_url"]:
        assert html.count(f'href="{url}"') >= 1


def test_facilities_map_leaves_out_host_run_sites_and_says_so():
    every = data.facilities().dropna(subset=["lat", "lon"])
    host_run = every[every["operator_iso3"] == every["host_iso3"]]
    m = maps.facilities_map()
    assert not set(host_run["id"]) & set(m.table["id"])
    for name in host_run["name"]:
        assert name in m.alt_text


def test_facilities_map_alt_text_separates_reported_sites():
    m = maps.facilities_map(on=data.AS_OF.isoformat())
    frame = data.facilities(active_on=data.AS_OF).dropna(subset=["lat", "lon"])
    frame = frame[frame["operator_iso3"] != frame["host_iso3"]]
    reported = int((frame["status"] == "reported").sum())
    assert reported, "the data has reported sites open on the as-of date (fixture assumption)"
    assert f"{len(frame) - reported} confirmed, {reported} reported but unconfirmed" in m.alt_text
    assert (m.table.loc[m.table["status"] == "reported", "status_shown"] == "reported").all()


def test_dated_facilities_map_draws_a_reported_site_as_active_up_to_last_confirmed():
    frame = data.load("facilities").set_index("id")
    last = frame.at["rus_kaindy_comms", "last_confirmed"]
    assert frame.at["rus_kaindy_comms", "status"] == "reported" and pd.notna(last)
    shown = {}
    for day in (last.date(), (last + pd.Timedelta(days=1)).date()):
        m = maps.facilities_map(on=day.isoformat())
        shown[day] = m.table.set_index("id")["status_shown"]
    before, after = shown.values()
    assert before["rus_kaindy_comms"] == "active" and after["rus_kaindy_comms"] == "reported"
    # a site never confirmed stays reported on every date it is open
    farkhor_open = maps.facilities_map(on="2005-01-01").table.set_index("id")["status_shown"]
    assert pd.isna(frame.at["ind_farkhor", "last_confirmed"]) and farkhor_open["ind_farkhor"] == "reported"
    # the alt text counts what is drawn: on the earlier day the Kara-Balta node is among the confirmed sites
    m = maps.facilities_map(on=last.date().isoformat())
    n_reported = int((m.table["status_shown"] == "reported").sum())
    assert f"{len(m.table) - n_reported} confirmed, {n_reported} reported but unconfirmed" in m.alt_text


def test_facilities_map_filters_by_date_and_operator():
    m = maps.facilities_map(on="2005-01-01", operators=["usa"])
    expected = data.facilities(operator="USA", active_on="2005-01-01").dropna(subset=["lat", "lon"])
    assert sorted(m.table["id"]) == sorted(expected["id"])
    assert (m.table["status_shown"] != "closed").all()


def test_treaty_network_draws_one_line_per_pair():
    treaties = data.treaties(kind="bilateral", in_force_on=data.AS_OF)
    pairs = {tuple(sorted(p.split(";"))) for p in treaties["parties"] if len(p.split(";")) == 2}
    m = maps.treaty_network_map()
    lines = [c for c in m._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == len(pairs)
    assert "casecurity-legend" in render(m)
    defence = maps.treaty_network_map(obligation="defense")
    assert set(defence.table["id"]) == set(data.treaties(kind="bilateral", obligation="defense",
                                                         in_force_on=data.AS_OF)["id"])  # fmt: skip


@pytest.fixture()
def fixture_data(tmp_path, monkeypatch):
    """The small fixture dataset plus the real geometry, as the active data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    for csv in FIXTURE.glob("*.csv"):
        (folder / csv.name).write_bytes(csv.read_bytes())
    (folder / "geo").symlink_to(GEO)
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    data.clear_cache()
    yield folder
    data.clear_cache()


def test_events_map_draws_events_with_coordinates(fixture_data):
    events = data.events()
    m = maps.events_map()
    assert len(markers(m, "casecurity-event")) == int(events["lat"].notna().sum())
    assert list(m.table["id"]) == list(events["id"])
    assert (m.table["drawn"] == events["lat"].notna()).all()
    if (~m.table["drawn"]).any():
        assert "no coordinates" in m.alt_text


# --------------------------------------------------------------------------- escaping, modes, errors


HOSTILE = '<b>&"Kaz`${x}\\'


def test_names_are_escaped_everywhere(monkeypatch):
    real_load = data.load

    def load(name):
        frame = real_load(name)
        if name == "countries":
            frame.loc[frame["iso3"] == "KAZ", "name"] = HOSTILE
        return frame

    real_facilities = data.facilities

    def facilities(*args, **kwargs):
        frame = real_facilities(*args, **kwargs)
        frame["name"] = HOSTILE
        return frame

    monkeypatch.setattr(data, "load", load)
    monkeypatch.setattr(data, "facilities", facilities)
    for m in (maps.membership_map("CSTO", on=2010), maps.facilities_map(), maps.region_map()):
        html = render(m)
        assert "<b>&" not in html and "\\u003cb\\u003e" not in html  # raw, or raw inside JSON
        assert "&lt;b&gt;&amp;&quot;Kaz&#96;&#36;{x}&#92;" in html


def test_only_http_links_are_clickable():
    assert maps._link("javascript:alert(1)") == ""
    assert maps._link("https://example.org/a?b=1&c=2") == (
        '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener">source</a>'
    )


def test_offline_mode_leaves_no_external_scripts_or_styles():
    online = render(maps.membership_map("CSTO"))
    # online maps name the CDN (as the fallback after the Jupyter server's copy, casecurity.map_loader)
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in online, "the check must see the CDN online"
    maps.offline(True)
    builders = [maps.region_map, lambda: maps.membership_map("CSTO"), lambda: maps.membership_timeline_map("SCO"),
                maps.facilities_map, maps.treaty_network_map]  # fmt: skip
    for build in builders:
        m = build()
        html = render(m)
        assert not EXTERNAL_ASSET.search(html) and "cdn.jsdelivr.net" not in html and "casecurityLocal" not in html
        assert "L.map(" in html and "jQuery" in html  # Leaflet and jQuery are inlined
        assert not any(isinstance(c, folium.TileLayer) for c in m._children.values())
        assert any(layer.layer_name == "Land" for layer in geojson_layers(m))


def test_offline_switch_does_not_leak_into_plain_folium():
    before = list(folium.Map.default_js)
    maps.offline(True)
    maps.region_map()
    assert folium.Map.default_js == before
    assert "bootstrap" in folium.Map().get_root().render()  # a plain folium map is untouched


def test_environment_variable_switches_offline(monkeypatch):
    maps._offline_override = None
    monkeypatch.setenv("CASECURITY_OFFLINE", "1")
    assert maps.is_offline()
    monkeypatch.setenv("CASECURITY_OFFLINE", "0")
    assert not maps.is_offline()


def test_online_maps_are_small_and_attributed():
    for m in (maps.region_map(), maps.membership_map("SCO"), maps.membership_timeline_map("CSTO"),
              maps.facilities_map(), maps.treaty_network_map()):  # fmt: skip
        html = render(m)
        assert len(html.encode("utf-8")) < 250_000
        assert "Esri" in html and "Natural Earth" in html


def test_output_is_deterministic_apart_from_ids():
    first = BRANCA_ID.sub(r"\1_ID", render(maps.membership_timeline_map("CSTO")))
    second = BRANCA_ID.sub(r"\1_ID", render(maps.membership_timeline_map("CSTO")))
    assert first == second


def test_mistakes_give_one_line_course_errors():
    with pytest.raises(CourseError, match="did you mean 'CSTO'"):
        maps.membership_map("CTSO")
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        maps.membership_map("CSTO", on="next year")
    with pytest.raises(CourseError):
        maps.describe(folium.Map())
    with pytest.raises(CourseError):
        maps.offline("yes")
    assert isinstance(maps.membership_map("CSTO").table, pd.DataFrame)


def test_fergana_focus_marks_every_enclave_inside_its_owner():
    enclaves = data.load("enclaves")
    assert set(enclaves["id"]) >= {"sokh", "shakhimardan", "vorukh"}  # the three large ones
    (south, west), (north, east) = maps.FERGANA_BOUNDS
    for row in enclaves.itertuples():
        # Natural Earth 1:50m simplifies these small outlines: allow about 3 km
        assert data.point_in_country(row.lat, row.lon, row.owner_iso3, tolerance=0.03), row.name
        assert south <= row.lat <= north and west <= row.lon <= east
    m = maps.region_map(focus="fergana")
    assert len(markers(m, "casecurity-enclave")) == len(enclaves)
    assert sorted(m.enclaves["id"]) == sorted(enclaves["id"])
    for name in enclaves["name"]:
        assert name in m.alt_text
    assert any(isinstance(c, folium.FeatureGroup) and c.layer_name.startswith("Enclaves")
               for c in m._children.values())
    assert "enclave" in render(m)


def test_region_map_rejects_an_unknown_focus():
    with pytest.raises(CourseError, match="focus='fergana'"):
        maps.region_map(focus="ferghana")


def test_online_maps_load_the_servers_copy_first_and_never_ask_for_trust():
    html = render(maps.region_map())
    loader = html.index("casecurityLocal")
    assert loader < html.index("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    assert "casecurity/static/" in html and "jupyter-config-data" in html  # the server's base URL, e.g. Binder's
    assert "could not load" in html  # the one line shown when neither copy loads
    shown = maps.region_map()._repr_html_()
    assert "Trust Notebook" not in shown and "Run this cell" in shown
