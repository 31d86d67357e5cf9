"""The course maps in a real browser, offline: they render, click, toggle and slide.

Each map is built in offline mode, saved with ``Map.save`` and opened from a
``file://`` URL in headless Chromium with every http(s) request blocked, so
these tests also prove that the saved pages need no network. Expected counts come
from casecurity.data queries, not from the maps under test. Screenshots go to
test-artifacts/screens/ for a person to look at.
"""

from __future__ import annotations

import pytest

from casecurity import data, maps, palette

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def offline_maps():
    """Build every map of this module in offline mode; restore the previous mode afterwards."""
    previous = maps.is_offline()
    maps.offline(True)
    yield
    maps.offline(previous)


@pytest.fixture()
def page(browser):
    """A fresh page that refuses all network traffic and records page errors."""
    context = browser.new_context(viewport={"width": 1100, "height": 750})
    page = context.new_page()
    page.blocked = []
    page.errors = []

    def block(route):
        page.blocked.append(route.request.url)
        route.abort()

    page.route("http://**/*", block)
    page.route("https://**/*", block)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def open_map(page, m, tmp_path, screens_dir, name):
    """Save ``m``, open it from disk, wait for Leaflet, and take a screenshot."""
    path = tmp_path / f"{name}.html"
    m.save(str(path))
    page.goto(path.as_uri())
    page.wait_for_function(
        "typeof window.L !== 'undefined' && document.querySelector('.leaflet-pane') !== null"
    )
    # two animation frames: Leaflet has drawn what it queued before the screenshot
    page.wait_for_function("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))")
    page.screenshot(path=str(screens_dir / f"{name}.png"))
    return page


def geo_codes() -> set[str]:
    return {f["properties"]["iso3"] for f in data.countries_geo()["features"]}


def country_shapes(page) -> list[str]:
    return page.eval_on_selector_all("path[data-iso3]", "els => els.map(e => e.getAttribute('data-iso3'))")


def assert_clean(page):
    assert page.errors == [], f"JavaScript errors: {page.errors}"
    assert page.blocked == [], f"the offline page tried the network: {page.blocked[:3]}"


def test_region_map_renders_offline(page, tmp_path, screens_dir):
    open_map(page, maps.region_map(), tmp_path, screens_dir, "region_map")
    assert page.evaluate("typeof window.L.map") == "function"
    expected = set(maps.REGION) & geo_codes()
    assert sorted(country_shapes(page)) == sorted(expected)
    assert page.locator(".casecurity-title h2").inner_text() == "Central Asia and its neighbours"
    assert page.locator(".casecurity-legend").is_visible()
    capitals = data.load("countries").dropna(subset=["capital_lat"])
    assert page.locator("path.casecurity-capital").count() == int(capitals["iso3"].isin(expected).sum())
    assert_clean(page)


def test_membership_map_colours_members(page, tmp_path, screens_dir):
    day = "2010-01-01"
    open_map(page, maps.membership_map("CSTO", on=day), tmp_path, screens_dir, "membership_map_csto_2010")
    members = set(data.members("CSTO", on=day)["iso3"]) & geo_codes()
    assert {"KAZ", "KGZ", "TJK", "RUS", "UZB"} <= members  # independent fact: all five bar TKM in 2010
    fills = dict(
        page.eval_on_selector_all(
            "path[data-iso3]", "els => els.map(e => [e.dataset.iso3, e.getAttribute('fill')])"
        )
    )
    coloured = {code for code, fill in fills.items() if fill.upper() == palette.org_color("CSTO").upper()}
    assert coloured == members
    assert fills["TKM"].upper() == palette.NEUTRAL.upper()
    assert_clean(page)


def test_facility_popup_has_source_link(page, tmp_path, screens_dir):
    facilities = data.facilities().dropna(subset=["lat", "lon"])
    facilities = facilities[facilities["operator_iso3"] != facilities["host_iso3"]]  # foreign only
    open_map(page, maps.facilities_map(), tmp_path, screens_dir, "facilities_map")
    markers = page.locator("path.casecurity-facility")
    assert markers.count() == len(facilities)
    # click (with the mouse) the first marker whose centre is not covered by another element
    index = page.evaluate(
        """() => {
            const paths = [...document.querySelectorAll('path.casecurity-facility')];
            return paths.findIndex(p => {
                const r = p.getBoundingClientRect();
                return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === p;
            });
        }"""
    )
    assert index >= 0, "every facility marker is covered by another element"
    markers.nth(index).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    links = popup.locator("a").evaluate_all("els => els.map(e => e.href)")
    shown_name = popup.locator("strong").inner_text()
    row = facilities.loc[facilities["name"] == shown_name]
    assert len(row) == 1, f"popup names {shown_name!r}, not a facility of the dataset"
    assert row["source_url"].iloc[0] in links
    page.wait_for_function(  # the popup has faded in
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    page.screenshot(path=str(screens_dir / "facilities_map_popup.png"))
    assert_clean(page)


def test_layer_control_hides_an_operator(page, tmp_path, screens_dir):
    facilities = data.facilities().dropna(subset=["lat", "lon"])
    facilities = facilities[facilities["operator_iso3"] != facilities["host_iso3"]]  # foreign only
    russian = int((facilities["operator_iso3"] == "RUS").sum())
    others = len(facilities) - russian
    assert russian > 0 and others > 0
    open_map(page, maps.facilities_map(), tmp_path, screens_dir, "facilities_layers")
    assert page.locator("path.casecurity-op-RUS").count() == russian
    label = page.locator(".leaflet-control-layers-overlays label", has_text="Russia")
    label.locator("input").uncheck()
    assert page.locator("path.casecurity-op-RUS").count() == 0
    assert page.locator("path.casecurity-facility").count() == others
    page.screenshot(path=str(screens_dir / "facilities_layers_russia_hidden.png"))
    label.locator("input").check()
    assert page.locator("path.casecurity-op-RUS").count() == russian
    assert_clean(page)


def test_time_slider_changes_uzbekistan(page, tmp_path, screens_dir):
    m = maps.membership_timeline_map("CSTO")
    open_map(page, m, tmp_path, screens_dir, "timeline_csto")
    uzbekistan = page.locator('path[data-iso3="UZB"]')
    slider = page.locator(".casecurity-slider input[type=range]")
    assert page.locator(f"label[for='{slider.get_attribute('id')}']").count() == 1  # labelled
    box = page.locator(".casecurity-slider")
    slider.focus()
    page.keyboard.press("Home")
    seen = {}
    # step with the keyboard (no mouse) through every date up to 2008
    while box.get_attribute("data-date") < "2008-01-01":
        day = box.get_attribute("data-date")
        seen[day] = uzbekistan.get_attribute("fill").upper()
        page.keyboard.press("ArrowRight")
    in_2005 = max(d for d in seen if d <= "2005-01-01")
    in_2007 = max(d for d in seen if d <= "2007-01-01")
    # expected from the data: not in the CSTO in 2005, a member in 2007
    assert "UZB" not in set(data.members("CSTO", on=in_2005, status=None)["iso3"])
    assert "UZB" in set(data.members("CSTO", on=in_2007)["iso3"])
    assert seen[in_2005] == palette.NEUTRAL.upper()
    assert seen[in_2007] == palette.org_color("CSTO").upper()
    assert slider.get_attribute("aria-valuetext") == box.get_attribute("data-date")
    page.screenshot(path=str(screens_dir / "timeline_csto_2008.png"))
    assert_clean(page)


def test_treaty_network_draws_one_line_per_pair(page, tmp_path, screens_dir):
    treaties = data.treaties(kind="bilateral", in_force_on=data.AS_OF)
    pairs = {tuple(sorted(p.split(";"))) for p in treaties["parties"] if len(p.split(";")) == 2}
    open_map(page, maps.treaty_network_map(), tmp_path, screens_dir, "treaty_network")
    assert page.locator("path.casecurity-treaty").count() == len(pairs)
    assert_clean(page)


def test_events_map_draws_located_events(page, tmp_path, screens_dir):
    events = data.events()
    located = events.dropna(subset=["lat", "lon"])
    open_map(page, maps.events_map(), tmp_path, screens_dir, "events_map")
    assert page.locator("path.casecurity-event").count() == len(located)
    clashes = int((located["category"] == "armed_clash").sum())
    assert page.locator("path.casecurity-cat-armed_clash").count() == clashes
    assert_clean(page)


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (760, 480), (480, 420)])
def test_legend_never_covers_the_time_slider(browser, tmp_path, screens_dir, width, height):
    """A laptop screen, a narrow notebook column and a phone-sized map: legend and slider apart."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.route("http://**/*", lambda route: route.abort())
    page.route("https://**/*", lambda route: route.abort())
    try:
        open_map(page, maps.membership_timeline_map("SCO"), tmp_path, screens_dir, f"timeline_sco_{width}x{height}")
        legend = page.locator(".casecurity-legend").bounding_box()
        slider = page.locator(".casecurity-slider").bounding_box()
        assert legend and slider
        assert not _overlap(legend, slider), f"legend {legend} covers slider {slider}"
        assert slider["y"] + slider["height"] <= height and slider["x"] >= 0  # the slider stays in view
    finally:
        context.close()


def test_sco_statuses_are_drawn_with_hatch_patterns(page, tmp_path, screens_dir):
    m = maps.membership_map("SCO", on=data.AS_OF)
    open_map(page, m, tmp_path, screens_dir, "membership_sco_hatched")
    members = data.members("SCO", on=data.AS_OF.isoformat(), status=None)
    shown = set(country_shapes(page))
    checked = 0
    for row in members.itertuples():
        if row.iso3 not in shown:
            continue
        fill = page.locator(f'path[data-iso3="{row.iso3}"]').first.get_attribute("fill")
        if row.status == "member":
            assert fill.upper() == palette.org_color("SCO").upper()
        else:
            assert fill.startswith("url(#"), (row.iso3, row.status, fill)
            assert page.locator(f"pattern{fill[4:-1]}").count() == 1  # the pattern exists in the page
            checked += 1
    assert checked >= 2, "no hatched (non-member) state drawn on the SCO map"
    # a greyscale copy for a person to look at: textures, not hues, tell the statuses apart
    page.add_style_tag(content="html { filter: grayscale(1); }")
    page.screenshot(path=str(screens_dir / "membership_sco_hatched_greyscale.png"))
    assert_clean(page)


def test_an_online_map_with_no_library_anywhere_says_what_to_do(page, tmp_path):
    """Outside Jupyter (no server copy) and with the CDN blocked, the frame says in one line what to do."""
    maps.offline(False)
    try:
        online = maps.region_map()
    finally:
        maps.offline(True)
    path = tmp_path / "online.html"
    online.save(str(path))
    page.goto(path.as_uri())
    note = page.get_by_text("The map library could not load")
    note.wait_for(timeout=180_000)
    assert "maps.offline(True)" in note.inner_text()
    assert any("leaflet" in url for url in page.blocked)  # it did try the CDN
