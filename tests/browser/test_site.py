"""The course website (`make site`): built offline, no dead link, every lesson readable in Chromium.

The site is built once per session, with tools/build_site.py, into a temporary folder. The
static checks (links, contents, downloads) read the built files; the browser checks serve
the folder on 127.0.0.1 (an ephemeral port) and open every lesson page in the system Chromium
with every request that would leave 127.0.0.1 refused and recorded. Expected values come from
the repository (notebooks/, data/datapackage.json, README.md), never from the site under test.
Screenshots go to test-artifacts/screens/site-*.png for a person to look at.
"""

from __future__ import annotations

import functools
import hashlib
import html
import http.server
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from casecurity.errors import CourseError

pytestmark = pytest.mark.slow  # builds the whole site (about a minute, more on a cold cache)

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb"))
EXERCISES = sorted(p.stem for p in (REPO / "exercises").glob("*.ipynb"))
AXE = REPO / "site" / "node_modules" / "axe-core" / "axe.min.js"
# axe's rules whose every check reports at most "moderate": the test fails only on serious or critical
# violations, so these are switched off (a quarter of axe's time on a lesson page). Read from axe's
# own rule data (internal, of the pinned axe-core); a check of unknown impact keeps its rule on.
AXE_LOW_ONLY = """Object.fromEntries(axe._audit.rules
    .filter(r => [...r.any, ...r.all, ...r.none].every(c => ['minor', 'moderate'].includes(
        ((axe._audit.data.checks || {})[c.id || c] || {}).impact)))
    .map(r => [r.id, {enabled: false}]))"""
NOTEBOOKS_BEFORE_BUILD: dict[str, str] = {}
PACKAGE = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- building and serving


def repository_notebooks() -> dict[str, str]:
    return {str(p.relative_to(REPO)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("notebooks", "exercises") for p in sorted((REPO / folder).glob("*.ipynb"))}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole website, built once for the session (lesson executions are cached in build/).
    CASECURITY_TEST_SITE=build/site tests a site built before instead (while working on a test)."""
    if os.environ.get("CASECURITY_TEST_SITE"):
        return Path(os.environ["CASECURITY_TEST_SITE"]).resolve()
    out = tmp_path_factory.mktemp("website") / "site"
    before = repository_notebooks()
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_site.py"), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"make site failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}", pytrace=False)
    NOTEBOOKS_BEFORE_BUILD.update(before)  # for the test that the saved outputs stay untouched
    return out


@pytest.fixture()
def build_site_module(monkeypatch, tmp_path):
    """tools/build_site.py as a module whose repository is an empty tmp_path."""
    spec = importlib.util.spec_from_file_location("build_site_under_test", REPO / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    (tmp_path / "data").mkdir()
    return module


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def server(site):
    """http://127.0.0.1:PORT/ serving the built site from a thread."""
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def new_page(browser, server: str, width: int = 1366, height: int = 800, touch: bool = False, refuse: bool = True):
    """A page in a new context with that viewport; every request outside the site is recorded
    (``page.left_machine``) and refused. refuse=False only records: Playwright's routing, which
    refuses, also turns the browser's cache off, and a page's weight counts cached files once."""
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
    page = context.new_page()
    page.left_machine, page.errors = [], []

    def local(url: str) -> bool:
        return url.startswith(server) or url.startswith(("data:", "about:", "blob:"))

    def route(request_route):
        if local(request_route.request.url):
            request_route.continue_()
        else:
            page.left_machine.append(request_route.request.url)
            request_route.abort()

    if refuse:
        context.route("**/*", route)
    else:
        context.on("request", lambda request: None if local(request.url) else page.left_machine.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture()
def page_factory(browser, server):
    """Open pages (see new_page); their contexts close after the test."""
    pages = []

    def open_page(width: int = 1366, height: int = 800, touch: bool = False):
        pages.append(new_page(browser, server, width, height, touch))
        return pages[-1]

    yield open_page
    for page in pages:
        page.context.close()


@pytest.fixture(scope="module")
def desktop_lesson(browser, server):
    """``desktop_lesson(name)``: the lesson's page at desktop size (1366x768, as `make bench` measures
    it), loaded once for the module, and the WireMeter that watched that load.
    test_lesson_page_in_chromium checks the load; the keyboard, layout, menu, explorer and search
    tests then work on the same page instead of loading and drawing it again (2-3 s of
    Chromium's CPU a page). Each leaves the page as it found it (menus and dialogs shut), except
    the explorer test, which leaves each explorer at its last state."""
    opened = {}

    def lesson(name: str):
        if name not in opened:
            page = new_page(browser, server, 1366, 768, refuse=False)
            meter = bench_site_module().WireMeter(page)  # the same measure as `make bench`
            opened[name] = (open_lesson(page, server, name), meter)
        return opened[name]

    yield lesson
    for page, _ in opened.values():
        page.context.close()


@pytest.fixture(scope="module")
def phone_lesson(browser, server):
    """``phone_lesson(name)``: the lesson's page on a phone (390x844, touch), loaded once for the
    module: the layout, menu and search tests use it, the map test taps its maps, the chart test
    then only reads the same page."""
    opened = {}

    def lesson(name: str):
        if name not in opened:
            opened[name] = open_lesson(new_page(browser, server, 390, 844, touch=True), server, name)
        return opened[name]

    yield lesson
    for page in opened.values():
        page.context.close()


# --------------------------------------------------------------------------- helpers


class _Links(HTMLParser):
    """Collects ids and the href/src of links, scripts, images and styles of one HTML text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs, self.srcdocs = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append(attrs[key])
        if tag == "iframe" and attrs.get("srcdoc"):
            self.srcdocs.append(attrs["srcdoc"])


def parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def saved_maps(name: str) -> int:
    """How many maps a lesson shows: folium outputs, also those inside saved widget state."""
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            count += "leaflet" in str(output.get("data", {}).get("text/html", "")).lower()
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        count += isinstance(value, str) and "leaflet" in value.lower() and "<iframe" in value
    return count


def saved_charts(name: str) -> int:
    """How many SVG charts a lesson's saved outputs hold."""
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    return sum("image/svg+xml" in output.get("data", {}) for cell in nb.cells for output in cell.get("outputs", []))


def plain(text: str) -> str:
    """The visible words of an HTML text, whitespace collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", text, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def lesson_text(name: str) -> str:
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def open_lesson(page, server: str, name: str):
    page.goto(f"{server}notebooks/{name}.html")
    page.wait_for_load_state("load")
    return page


#: map frames: folium's (the map in the page) and a live explorer's (casecurity.site_explorers)
MAP_FRAMES = "iframe[srcdoc], iframe.casecurity-explorer-frame"


def wait_for_maps(page, expected: int) -> list:
    """Wait until ``expected`` map frames have drawn their shapes; return those frames."""
    page.wait_for_function(
        f"document.querySelectorAll('{MAP_FRAMES}').length >= {expected}", timeout=90_000
    )
    frames = []
    for handle in page.query_selector_all(MAP_FRAMES):
        handle.scroll_into_view_if_needed()  # an explorer's map frame loads when it comes into view
        frame = handle.content_frame()
        frame.wait_for_function(
            "typeof window.L !== 'undefined' && document.querySelectorAll('.leaflet-overlay-pane path').length > 0",
            timeout=90_000,
        )
        frames.append(frame)
    return frames


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


# --------------------------------------------------------------------------- site mode of maps


@pytest.fixture()
def offline_maps():
    from casecurity import maps

    previous = maps.is_offline()
    maps.offline(True)
    yield maps
    maps.offline(previous)


def test_site_mode_links_leaflet_instead_of_inlining(offline_maps, monkeypatch):
    maps = offline_maps
    inlined = maps.region_map().get_root().render()
    monkeypatch.setenv("CASECURITY_ASSETS_URL", "../_static/casecurity")  # a missing "/" is added
    linked = maps.region_map().get_root().render()
    for name in ("leaflet.js", "jquery.min.js"):
        assert f'<script src="../_static/casecurity/{name}"></script>' in linked
        assert f'src="../_static/casecurity/{name}"' not in inlined
    assert '<link rel="stylesheet" href="../_static/casecurity/leaflet.css">' in linked
    leaflet = (REPO / "casecurity" / "static" / "leaflet.js").read_text(encoding="utf-8")[200:260]
    assert leaflet in inlined and leaflet not in linked
    assert len(linked) < len(inlined) - 200_000


def test_site_mode_needs_offline_mode_and_a_usable_url(offline_maps, monkeypatch):
    maps = offline_maps
    monkeypatch.setenv("CASECURITY_ASSETS_URL", "../_static/casecurity/")
    maps.offline(False)  # online maps load Leaflet from the CDN as before
    assert "../_static/casecurity/leaflet.js" not in maps.region_map().get_root().render()
    maps.offline(True)
    monkeypatch.setenv("CASECURITY_ASSETS_URL", 'x" onload="alert(1)')
    with pytest.raises(CourseError, match="CASECURITY_ASSETS_URL"):
        maps.region_map()


# --------------------------------------------------------------------------- static checks


def test_building_leaves_the_repository_notebooks_untouched(site):
    """The site executes copies: the saved outputs that nbval compares stay byte for byte."""
    assert NOTEBOOKS_BEFORE_BUILD and repository_notebooks() == NOTEBOOKS_BEFORE_BUILD


def test_missing_version_or_lesson_map_is_one_clear_line(build_site_module, tmp_path, capsys):
    (tmp_path / "data" / "datapackage.json").write_text('{"version": "1.0.0"}', encoding="utf-8")
    with pytest.raises(SystemExit):
        build_site_module.dataset_info()
    message = capsys.readouterr().err.strip()
    assert message.count("\n") == 0 and "as_of" in message and "datapackage.json" in message
    (tmp_path / "README.md").write_text("# A course\n\nNo table here.\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        build_site_module.lesson_map()
    message = capsys.readouterr().err.strip()
    assert message.count("\n") == 0 and "Lesson map" in message


def test_lesson_copies_execute_without_kernel_warnings(tmp_path):
    """The site's lesson executions talk to their kernels over IPC: over TCP every kernel printed
    "Kernel is running over TCP without encryption" into the output of `make site`."""
    lesson = tmp_path / "one.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from casecurity import data\nlen(data.load('countries'))")])
    nbformat.write(nb, lesson)
    run = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, 'tools'); import build_site; "
         f"build_site.execute_copy({str(lesson)!r}, {str(tmp_path / 'out.ipynb')!r})"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "WARNING" not in run.stderr, run.stderr[-2000:]
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert executed.cells[0].outputs and "text/plain" in executed.cells[0].outputs[0].data


def dead_internal_links(site: Path, pages: list[Path]) -> list[str]:
    """Links (and a map frame's links) of ``pages`` to a file or an anchor of ``site`` that is not there."""
    ids_of: dict[Path, set[str]] = {}
    dead = []
    for page in pages:
        found = parse(page.read_text(encoding="utf-8"))
        # a map's frame resolves its links against the page that holds it
        refs = found.refs + [ref for doc in found.srcdocs for ref in parse(doc).refs]
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("//", "mailto:", "javascript:", "data:")) or not (parts.path or parts.fragment):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                dead.append(f"{page.relative_to(site)} -> {ref}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids_of:
                    ids_of[target] = parse(target.read_text(encoding="utf-8")).ids
                if unquote(parts.fragment) not in ids_of[target]:
                    dead.append(f"{page.relative_to(site)} -> {ref} (no such anchor)")
    return dead


def test_every_internal_link_and_anchor_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= len(LESSONS) + len(EXERCISES) + 5
    dead = dead_internal_links(site, pages)
    assert dead == [], f"{len(dead)} dead internal links, e.g. {dead[:8]}"


def test_the_link_checker_finds_known_dead_links(tmp_path):
    """The test of the test: a two-page site with a dead file, a dead anchor and a dead link inside a map frame."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "index.html").write_text('<h1 id="top">Home</h1><a href="notebooks/01.html#map">ok</a>')
    frame = html.escape('<script src="../_static/leaflet.js"></script><a href="01.html">ok</a>')
    (tmp_path / "notebooks" / "01.html").write_text(
        '<div id="map"></div><a href="../index.html#top">ok</a> <a href="../index.html#gone">x</a>'
        ' <a href="02.html">x</a> <a href="https://example.org/x.html">web</a> <a href="#map">ok</a>'
        f' <iframe srcdoc="{frame}"></iframe>'
    )
    dead = dead_internal_links(tmp_path, sorted(tmp_path.rglob("*.html")))
    assert sorted(dead) == [
        "notebooks/01.html -> ../_static/leaflet.js",
        "notebooks/01.html -> ../index.html#gone (no such anchor)",
        "notebooks/01.html -> 02.html",
    ]


def test_nothing_is_loaded_from_another_host(site):
    """No page (nor a map inside one) names an external script, stylesheet, font or frame."""
    external = re.compile(r"""<(?:script|img|iframe)\b[^>]*\bsrc=["']?(?:https?:)?//|<link\b[^>]*\bhref=["']?(?:https?:)?//""", re.I)
    offenders = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for chunk in [text, *(html.unescape(doc) for doc in parse(text).srcdocs)]:
            offenders += [f"{page.relative_to(site)}: {m.group(0)[:80]}" for m in external.finditer(chunk)]
    # the <link rel="canonical"> kind of link would be harmless, but the theme writes none
    assert offenders == []


def test_landing_page_has_the_lesson_map_and_how_to_run(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = set(parse(index).refs)
    for name in LESSONS:
        assert f"notebooks/{name}.html" in links, f"the lesson map does not link {name}"
    text = plain(index)
    for phrase in ("Lesson map", "How to run it", "make lab", "Binder", "Who it is for"):
        assert phrase in text
    assert f"version {PACKAGE['version']}, as of {PACKAGE['as_of']}" in text
    for page in ("exercises/index.html", "docs/teaching.html", "data/README.html", "data/CHANGELOG.html",
                 "downloads.html"):
        assert page in links, f"the landing page does not link {page}"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_page_has_version_buttons_and_clickable_sources(site, name):
    page = site / "notebooks" / f"{name}.html"
    text = page.read_text(encoding="utf-8")
    found = parse(text)
    shown = plain(text)
    assert f"Dataset version {PACKAGE['version']}, data as of {PACKAGE['as_of']}" in shown
    binder = [r for r in found.refs if r.startswith("https://mybinder.org/")]
    assert binder and binder[0].endswith(f"urlpath=lab/tree/notebooks/{name}.ipynb"), binder
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert binder[0].split("?")[0] in readme, "the Binder button and the README's badge differ"
    download = [r for r in found.refs if r.endswith(f"/{name}.ipynb") and "_downloads" in r]
    assert download, "no 'download this notebook' link"
    offered, saved = (page.parent / download[0]).resolve().read_bytes(), (REPO / "notebooks" / f"{name}.ipynb").read_bytes()
    assert offered == saved, f"the download ({len(offered)} bytes) is not the repository's notebook ({len(saved)} bytes)"
    # every URL of the lesson's Sources list is a link on the page
    source_urls = re.findall(r"https?://[^\s)<>\]]+", lesson_text(name).split("## Sources")[-1])
    assert source_urls, "the lesson's Sources list has no URL"
    hrefs = {html.unescape(r).rstrip(".,;") for r in found.refs}
    missing = [u for u in source_urls if u.rstrip(".,;") not in hrefs]
    assert missing == [], f"source URLs shown as plain text: {missing[:3]}"
    if "application/vnd.jupyter.widget-view+json" in (REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"):
        assert "launch Binder" in shown
    assert "mathjax" not in text.lower(), "a page loads MathJax (dollarmath must stay off)"


@pytest.mark.parametrize("name", EXERCISES)
def test_exercise_page_says_how_to_get_checked(site, name):
    text = (site / "exercises" / f"{name}.html").read_text(encoding="utf-8")
    shown = plain(text)
    assert "To get your answers checked" in shown and "check" in shown
    assert f"urlpath=lab/tree/exercises/{name}.ipynb" in text
    # the student version, never the worked answers: no solution line of the solution notebook
    solutions = nbformat.read(REPO / "solutions" / f"{name.replace('_exercises', '_solutions')}.ipynb", as_version=4)
    code = "\n".join(c.source for c in solutions.cells if c.cell_type == "code")
    exercise = "\n".join(c.source for c in nbformat.read(REPO / "exercises" / f"{name}.ipynb", as_version=4).cells)
    answers = [line.strip() for block in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", code, re.S)
               for line in block.splitlines() if len(line.strip()) > 25 and line.strip() not in exercise]
    assert answers, "the solution notebook has no solution block to compare with"
    words = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert [a for a in answers if a in words] == []


def test_teachers_guide_and_data_pages_are_in_the_site(site):
    expected = ["docs/teaching.html", "data/README.html", "data/CHANGELOG.html"] + [
        f"data/sources/{p.stem}.html" for p in (REPO / "data" / "sources").glob("*.md")
    ]
    for page in expected:
        assert (site / page).exists(), page
    h1 = re.search(r"<h1>(.*?)</h1>", (site / "docs" / "teaching.html").read_text(encoding="utf-8"), re.S)
    first_heading = (REPO / "docs" / "teaching.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    assert h1 and plain(h1.group(1)).replace("\u2019", "'").rstrip("#").strip() == first_heading


def test_downloads_hold_the_dataset_and_the_notebooks(site):
    zips = list(site.glob(f"_downloads/*/casecurity-data-{PACKAGE['version']}.zip"))
    assert len(zips) == 1
    with zipfile.ZipFile(zips[0]) as archive:
        names = {Path(n).name for n in archive.namelist()}
    for resource in PACKAGE["resources"]:
        assert Path(resource["path"]).name in names
        assert list(site.glob(f"_downloads/*/{Path(resource['path']).name}")), resource["path"]
    assert "datapackage.json" in names
    for name in LESSONS:
        assert list(site.glob(f"_downloads/*/{name}.ipynb")), name
    for name in EXERCISES:
        assert list(site.glob(f"_downloads/*/{name}.ipynb")), name


def test_leaflet_and_country_outlines_are_shipped_once(site):
    """Site mode: maps link _static/casecurity/leaflet.js and take the country outlines from
    _static/casecurity/geometry.js; no page carries its own copy of either."""
    from casecurity import data

    leaflet = (REPO / "casecurity" / "static" / "leaflet.js").read_text(encoding="utf-8")
    signature = leaflet[200:260]  # a stretch of Leaflet's own code
    assert (site / "_static" / "casecurity" / "leaflet.js").read_text(encoding="utf-8") == leaflet
    outlines = {f["properties"]["iso3"]: f["geometry"]["coordinates"] for f in data.countries_geo()["features"]}
    kazakhstan = json.dumps(outlines["KAZ"])[:60]  # the start of Kazakhstan's outline as JSON
    shared = (site / "_static" / "casecurity" / "geometry.js").read_text(encoding="utf-8")
    assert set(outlines) <= set(re.findall(r'^"([A-Z]{3})":', shared, re.MULTILINE))
    for page in (site / "notebooks").glob("*.html"):
        text = html.unescape(html.unescape(page.read_text(encoding="utf-8")))
        assert signature not in text, f"{page.name} inlines Leaflet"
        assert "../_static/casecurity/leaflet.js" in text and "../_static/casecurity/geometry.js" in text
        assert kazakhstan not in text.replace('\\"', '"'), f"{page.name} carries its own outlines"


def test_pages_workflow_is_valid(tmp_path):
    """The GitHub Pages workflow passes a workflow linter (it cannot run here): check-jsonschema
    with its bundled copy of the GitHub workflow schema, which works offline."""
    workflow = REPO / ".github" / "workflows" / "pages.yml"
    checker = Path(sys.executable).parent / "check-jsonschema"
    if not checker.exists():
        pytest.fail("check-jsonschema is not installed (pip install check-jsonschema)", pytrace=False)

    def lint(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(path)],
                              capture_output=True, text=True)

    result = lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"  # the linter does catch a mistake
    broken.write_text(workflow.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    assert lint(broken).returncode != 0
    text = workflow.read_text(encoding="utf-8")
    assert "make site" in text and "build/site" in text


# --------------------------------------------------------------------------- in Chromium


@pytest.mark.browser
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_page_in_chromium(desktop_lesson, site, name):
    """Maps draw with legend and text alternative, widgets and tables render, nothing leaves
    127.0.0.1, no script error, axe-core finds no serious or critical violation, and the page with
    everything it and its map frames load is at most 2 MB as Chromium receives it from
    python -m http.server (uncompressed). Sizes, not timings: they do not depend on the machine."""
    page, meter = desktop_lesson(name)
    expected = saved_maps(name)
    frames = wait_for_maps(page, expected)
    assert len(frames) == expected, f"{len(frames)} maps drawn, {expected} in the lesson"
    for frame in frames:
        assert frame.locator(".casecurity-legend").is_visible()
        assert frame.locator(".casecurity-sr-only").inner_text().strip()
    if "application/vnd.jupyter.widget-view+json" in (REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"):
        # no widget manager on the site: explorers and quizzes are plain HTML (casecurity.site_explorers)
        assert page.locator(".casecurity-explorer, .casecurity-saved-view").count() > 0
        assert page.locator(".jupyter-widgets").count() == 0
    # tables outside other explorer states and closed details (one call for all, not one per table)
    tables = page.locator(".output.text_html table:not([hidden], [hidden] table, details:not([open]) table)")
    for table in tables.all()[:5]:
        assert table.is_visible()
    charts = page.locator(".casecurity-chart:not(.casecurity-explorer .casecurity-chart) svg[role=img]")
    assert charts.count() == saved_charts(name)
    for chart in charts.all():
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, "a chart is not drawn"
    weight = meter.total()
    assert weight <= 2_000_000, f"{name} is {weight / 1e6:.2f} MB on the wire (at most 2 MB)"
    if expected:  # the measure counts what the frames load: a lesson with maps weighs more than its HTML
        assert weight > (site / "notebooks" / f"{name}.html").stat().st_size + 300_000, weight
    # axe in the page and in every map frame (axe reports frames through the page's run)
    page.add_script_tag(path=str(AXE))
    for frame in page.frames[1:]:
        frame.add_script_tag(path=str(AXE))
    report = page.evaluate(f"axe.run(document, {{resultTypes: ['violations'], rules: {AXE_LOW_ONLY}}})")
    bad = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in report["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"axe-core on {name}: {bad}"
    assert page.errors == [], f"script errors: {page.errors}"
    assert page.left_machine == [], f"requests left the machine: {page.left_machine[:3]}"


@pytest.mark.browser
def test_axe_with_low_impact_rules_off_still_finds_serious_violations(browser):
    """The rules switched off are only those that cannot report serious or critical: on a page with a
    missing alt text (critical), grey-on-white text (serious) and no landmarks (moderate), axe still
    reports the first two and no longer the third."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><p style="color:#bbb;'
                         'background:#fff">faint text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw='
                         '"></body></html>')
        page.add_script_tag(path=str(AXE))
        off = page.evaluate(AXE_LOW_ONLY)
        assert "region" in off and "color-contrast" not in off and "image-alt" not in off
        full = {v["id"] for v in page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]}
        reduced = page.evaluate(f"axe.run(document, {{resultTypes: ['violations'], rules: {AXE_LOW_ONLY}}})")
        assert {"image-alt", "color-contrast", "region"} <= full
        assert {"image-alt", "color-contrast"} <= {v["id"] for v in reduced["violations"]}
        assert all(v["impact"] in ("serious", "critical") for v in reduced["violations"])
    finally:
        page.close()


@pytest.mark.browser
def test_search_finds_the_alliance_lessons(page_factory, server):
    page = page_factory()
    page.goto(f"{server}search.html?q=CSTO")
    page.wait_for_selector("#search-results ul.search li", timeout=90_000)
    page.wait_for_function("!document.querySelector('#search-progress') || "
                           "document.querySelector('#search-progress').textContent.trim() !== ''")
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
    found = {name for name in LESSONS if any(f"notebooks/{name}.html" in h for h in hrefs)}
    about_csto = {name for name in LESSONS if re.search(r"^#+ .*CSTO", lesson_text(name), re.MULTILINE)}
    assert about_csto, "no lesson has a heading about the CSTO"
    assert about_csto <= found, f"search misses {sorted(about_csto - found)}"
    assert page.left_machine == [] and page.errors == []


def slider_lesson() -> str:
    """The first lesson with a time-slider map (from its saved output)."""
    for name in LESSONS:
        if "casecurity-box casecurity-slider" in (REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"):
            return name
    pytest.fail("no lesson has a time-slider map")


@pytest.mark.browser
def test_keyboard_reaches_map_controls_and_time_slider(desktop_lesson):
    name = slider_lesson()
    page, _ = desktop_lesson(name)
    frames = wait_for_maps(page, saved_maps(name))
    frame = next(f for f in frames if f.locator(".casecurity-slider input").count())
    handle = frame.frame_element()
    handle.scroll_into_view_if_needed()
    handle.focus()  # the map's frame is in the page's tab order; Tab moves into it
    reached = []
    for _ in range(200):  # the country shapes come first in Leaflet's tab order
        page.keyboard.press("Tab")
        reached.append(frame.evaluate("(document.activeElement.getAttribute('class') || document.activeElement.tagName)"))
        if frame.evaluate("document.activeElement.type === 'range'"):
            break
    assert any("leaflet-control-zoom-in" in r for r in reached), reached
    assert frame.evaluate("document.activeElement.type") == "range", reached
    before = frame.locator(".casecurity-slider output").inner_text()
    page.keyboard.press("Home")
    after = frame.locator(".casecurity-slider output").inner_text()
    assert after != before, "the slider did not move with the keyboard"


@pytest.mark.browser
@pytest.mark.parametrize("width,label", [(1366, "desktop"), (390, "phone")])
def test_layout_at_desktop_and_phone_width(desktop_lesson, phone_lesson, screens_dir, width, label):
    """Nothing overflows the page sideways, wide tables scroll in their own box, and no map
    legend covers the time slider; screenshots for a person to look at."""
    name = slider_lesson()
    page = phone_lesson(name) if label == "phone" else desktop_lesson(name)[0]
    assert page.viewport_size["width"] == width
    frames = wait_for_maps(page, saved_maps(name))
    page.screenshot(path=str(screens_dir / f"site-{name}-{label}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    # the theme's icons (drawn by casecurity-icons.css with the theme's font) are there
    page.evaluate("document.fonts.ready")
    icons = page.eval_on_selector_all(
        "i.fa-solid", "els => els.filter(e => e.offsetParent).map(e => getComputedStyle(e, '::before').content)")
    assert icons and all(content not in ("none", "normal", '""') for content in icons), icons
    theme_css = page.evaluate("fetch('../_static/styles/pydata-sphinx-theme.css').then(r => r.text())")
    major = re.search(r'"Font Awesome (\d+) Free"', theme_css).group(1)
    assert page.evaluate(f"document.fonts.check('900 16px \"Font Awesome {major} Free\"')")
    boxes = page.eval_on_selector_all("div.cell_output .output.text_html",
                                      "els => els.map(e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX])")
    for sizes in boxes:
        if sizes[0] > sizes[1]:
            assert sizes[2] in ("auto", "scroll"), "a wide table overflows instead of scrolling"
    slider_frame = next(f for f in frames if f.locator(".casecurity-slider").count())
    slider_frame.frame_element().scroll_into_view_if_needed()
    page.screenshot(path=str(screens_dir / f"site-{name}-{label}-map.png"))
    for frame in frames:
        if frame.locator(".casecurity-slider").count():
            slider = frame.locator(".casecurity-slider").bounding_box()
            legend = frame.locator(".casecurity-legend").bounding_box()
            title = frame.locator(".casecurity-title").bounding_box()
            zoom = frame.locator(".leaflet-control-zoom").bounding_box()
            assert not boxes_overlap(slider, legend), f"the legend covers the time slider at {label} width"
            assert not boxes_overlap(title, zoom), f"the title covers the zoom buttons at {label} width"


# --------------------------------------------------------------------------- navigation

VISIBLE_LINKS = """hrefs => hrefs.filter(href => [...document.querySelectorAll('a[href]')].some(a => {
    if (!(href.includes('#') ? a.href : a.href.split('#')[0]).endsWith(href)) return false;
    const box = a.getBoundingClientRect(), style = getComputedStyle(a);
    return box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth
        && box.bottom > 0 && box.top < innerHeight && style.visibility !== 'hidden';
}))"""


def visible_links(page, hrefs: list[str]) -> list[str]:
    """Those of ``hrefs`` (URL endings) that a visible link on the screen points to."""
    return page.evaluate(VISIBLE_LINKS, hrefs)


def wait_links(page, hrefs: list[str], shown: bool) -> None:
    page.wait_for_function(f"hrefs => ({VISIBLE_LINKS})(hrefs).length {'===' if shown else '<'} hrefs.length",
                           arg=hrefs, timeout=90_000)


def press_toggle(page, selector: str, how: str) -> None:
    """Tap, click or (focused) press Enter on the visible button matching ``selector``."""
    buttons = [b for b in page.locator(selector).all() if b.is_visible()]
    assert len(buttons) == 1, f"{len(buttons)} visible {selector} buttons"
    if how == "tap":
        buttons[0].tap()
    elif how == "click":
        buttons[0].click()
    else:
        buttons[0].focus()
        page.keyboard.press(how)


@pytest.mark.browser
@pytest.mark.parametrize("label", ["phone", "desktop"])
def test_menus_open_by_tap_and_keyboard(desktop_lesson, phone_lesson, screens_dir, label):
    """The ☰ button shows the list of lessons and "Contents" the page's outline, by tap, click
    and keyboard, and both close again (pydata-sphinx-theme issue #2451 broke the phone menus)."""
    phone = label == "phone"
    page = phone_lesson("02_alliances") if phone else desktop_lesson("02_alliances")[0]
    lessons = [f"/notebooks/{name}.html" for name in LESSONS if name != "02_alliances"]
    headings = [slug for slug in re.findall(r"^## (.+)$", lesson_text("02_alliances"), re.MULTILINE)][:3]
    assert headings, "lesson 02 has no ## headings"
    outline = page.eval_on_selector_all(
        "#pst-page-toc-nav a",
        "(links, names) => [...new Set(links.filter(a => names.some(n => a.textContent.trim() === n))"
        ".map(a => '/notebooks/02_alliances.html#' + a.href.split('#')[1]))]", headings)
    assert len(outline) == len(headings), f"the page's outline lacks headings {headings}: {outline}"
    if phone:
        assert visible_links(page, lessons) == [], "the lesson list shows on a phone before ☰ is tapped"
        for toggle, wanted in ((".primary-toggle", lessons), (".secondary-toggle", outline)):
            for opener in ("tap", "Enter", " "):
                press_toggle(page, toggle, opener)
                wait_links(page, wanted, shown=True)
                page.screenshot(path=str(screens_dir / f"site-menu-{label}-{toggle[1:]}.png"))
                page.keyboard.press("Escape")
                wait_links(page, wanted, shown=False)
        assert page.locator(".bd-sidebar-primary a[href$='06_future.html']").count() >= 1
    else:
        wait_links(page, lessons, shown=True)  # the sidebar is open on a wide screen
        wait_links(page, outline, shown=True)  # and so is the page's outline
        for closer, opener in (("click", "click"), ("Enter", "Enter"), (" ", "click")):
            press_toggle(page, ".primary-toggle", closer)
            wait_links(page, lessons, shown=False)
            press_toggle(page, ".primary-toggle", opener)
            wait_links(page, lessons, shown=True)
    assert page.errors == [], f"script errors: {page.errors}"


# --------------------------------------------------------------------------- weight


@functools.cache
def bench_site_module():
    spec = importlib.util.spec_from_file_location("bench_site_under_test", REPO / "tools" / "bench_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_home_page_stays_within_its_weight_on_the_wire(site, browser):
    """The home page, with all it loads, is at most 1 MB as Chromium receives it (each lesson page's
    2 MB is checked by test_lesson_page_in_chromium, on the load that test makes anyway)."""
    sizes = bench_site_module().wire_sizes(site, ["index.html"], browser=browser)
    assert sizes["index.html"] <= 1_000_000, f"home page: {sizes['index.html'] / 1e6:.2f} MB"
    assert not list(site.glob("_static/widgets/embed.js")), "the widget manager is shipped again"


# --------------------------------------------------------------------------- explorers without a kernel


def explorer_lessons() -> list[str]:
    """Lessons whose saved outputs show an explorer (a widget that is not a quiz)."""
    return [name for name in LESSONS
            if re.search(r"(explorer|timeline)\(", "\n".join(
                c.source for c in nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4).cells
                if c.cell_type == "code"))]


def numbers_agree(summary: str, rows: int, label: str) -> str | None:
    """Why a state's summary and its table disagree, or None."""
    counted = re.search(r"(\d+) (?:foreign-run facilities|events)", summary)
    if counted and int(counted.group(1)) != rows:
        return f"the summary counts {counted.group(1)}, the table has {rows} rows"
    year = re.search(r"\d{4}", label)
    if year and "Timeline" not in summary and year.group(0) not in summary:
        return f"the summary does not speak of {year.group(0)}"
    return None


# An explorer's readout and its visible states (visible as Playwright means it: a box on the page and
# not visibility:hidden), each with its summary line, table rows, caption and map: one call per step
# instead of eight (each call is a round trip to Chromium; a 36-year explorer made 300 of them).
EXPLORER_STATE = """explorer => ({
    readout: explorer.querySelector('.casecurity-explorer-readout').innerText,
    shown: [...explorer.querySelectorAll('.casecurity-explorer-state')]
        .filter(s => s.getClientRects().length > 0 && getComputedStyle(s).visibility !== 'hidden')
        .map(s => ({state: s.getAttribute('data-state'), map: s.getAttribute('data-map'),
                    summary: s.querySelector('p') ? s.querySelector('p').innerText : null,
                    rows: s.querySelectorAll('table tbody tr').length,
                    caption: s.querySelector('caption') ? s.querySelector('caption').textContent : null})),
})"""


@pytest.mark.browser
@pytest.mark.parametrize("name", explorer_lessons())
def test_explorers_move_text_map_and_table_together(desktop_lesson, name):
    """On the static site an explorer's control changes readout, summary, table and map together
    (states precomputed at build time), or the page shows no live control, only a saved view.
    Works on the page test_lesson_page_in_chromium loaded (or loads it, when run alone)."""
    page, _ = desktop_lesson(name)
    assert page.locator(".jupyter-widgets, .widget-slider, .noUi-handle").count() == 0, "a dead widget is shown"
    explorers = page.locator(".casecurity-explorer").all()
    saved = page.locator(".casecurity-saved-view").all()
    assert explorers or saved, "the explorer is missing"
    for view in saved:
        assert view.locator("input, select, button").count() == 0, "a saved view shows a control"
        assert "launch Binder" in view.inner_text()
    for explorer in explorers:
        control = explorer.locator(".casecurity-explorer-control")
        labels = json.loads(explorer.locator(".casecurity-explorer-labels").text_content())
        assert len(labels) >= 2
        frame_handle = explorer.locator(".casecurity-explorer-frame")
        is_range = control.evaluate("e => e.type") == "range"
        if is_range:
            control.focus()
            page.keyboard.press("Home")
        for index, label in enumerate(labels):
            if index and is_range:
                page.keyboard.press("ArrowRight")
            elif not is_range:
                control.select_option(str(index))
            seen = explorer.evaluate(EXPLORER_STATE)  # what a reader sees now, read in one call
            assert seen["readout"].strip() == label
            assert len(seen["shown"]) == 1 and seen["shown"][0]["state"] == str(index), label
            shown = seen["shown"][0]
            assert shown["summary"] is not None, f"{name}, {label}: the state has no summary line"
            problem = numbers_agree(shown["summary"], shown["rows"], label)
            assert problem is None, f"{name}, {label}: {problem}"
            year = re.search(r"\d{4}", label)
            if year and shown["caption"] is not None:
                assert year.group(0) in shown["caption"], f"{name}, {label}: the table is of another date"
            if frame_handle.count() and (index % 5 == 0 or index == len(labels) - 1):
                frame_handle.scroll_into_view_if_needed()
                # the frame's document must be the new map's: right after src changes, the old one
                # (with the previous date's title) is still there until the new one has loaded
                page.wait_for_function("([f, src]) => f.getAttribute('src') === src && f.contentDocument"
                                       " && f.contentDocument.URL === new URL(src, document.baseURI).href"
                                       " && f.contentDocument.querySelector('.casecurity-title')",
                                       arg=[frame_handle.element_handle(), shown["map"]],
                                       timeout=180_000)
                title = frame_handle.element_handle().content_frame().locator(".casecurity-title").inner_text()
                if year:
                    assert year.group(0) in title, f"{name}, {label}: the map shows {title!r}"
    assert page.errors == [], f"script errors: {page.errors}"


# --------------------------------------------------------------------------- maps on a phone

COVERED = """() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    const area = map.width * map.height;
    return [...document.querySelectorAll('.leaflet-control')].filter(c => c.offsetParent).map(c => {
        const r = c.getBoundingClientRect();
        const w = Math.max(0, Math.min(r.right, map.right) - Math.max(r.left, map.left));
        const h = Math.max(0, Math.min(r.bottom, map.bottom) - Math.max(r.top, map.top));
        return [c.className.split(' ').filter(n => n.startsWith('casecurity-') || n.startsWith('leaflet-control-')).join(' '),
                w * h / area];
    });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", [name for name in LESSONS if saved_maps(name)])
def test_maps_on_a_phone_leave_the_map_visible(phone_lesson, screens_dir, name):
    """At 390x844 no control covers more than 25% of any map, the legend and layer list start
    folded behind a button that opens them, and an open popup lies above every control."""
    page = phone_lesson(name)
    frames = wait_for_maps(page, saved_maps(name))
    for number, frame in enumerate(frames):
        frame.wait_for_function("document.querySelector('.casecurity-legend .casecurity-fold')", timeout=90_000)
        shares = frame.evaluate(COVERED)
        big = [(control, round(share, 2)) for control, share in shares if share > 0.25]
        assert big == [], f"{name} map {number}: controls cover more than a quarter of the map: {big}"
        legend = frame.locator(".casecurity-legend")
        assert not legend.locator("ul, h3").first.is_visible(), "the legend is not folded on a phone"
        legend.locator(".casecurity-fold").tap()
        legend.locator("ul, h3").first.wait_for(state="visible", timeout=90_000)
        assert legend.locator(".casecurity-fold").get_attribute("aria-expanded") == "true"
        legend.locator(".casecurity-fold").tap()
        layers = frame.locator(".leaflet-control-layers")
        if layers.count():
            assert not layers.locator(".leaflet-control-layers-list").is_visible()
            layers.locator(".casecurity-fold").tap()
            layers.locator(".leaflet-control-layers-list").wait_for(state="visible", timeout=90_000)
            layers.locator(".casecurity-fold").tap()
    # a popup: open one on the first map and check that the controls lie below it
    frame = frames[0]
    frame.frame_element().scroll_into_view_if_needed()
    opened = frame.evaluate("""() => { for (const k of Object.keys(window)) { const m = k.startsWith('map_') && window[k];
        if (m instanceof L.Map) { let done = false; m.eachLayer(l => { if (!done && l.getPopup && l.getPopup() && l.getLatLng) {
            l.openPopup(); done = true; } else if (!done && l.getPopup && l.getPopup() && l.getBounds) { l.openPopup(l.getBounds().getCenter()); done = true; } });
            return done; } } return false; }""")
    if opened:
        # points of the popup inside the map's frame (once Leaflet has panned it into view)
        points = """() => { const p = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
            const inside = [];
            for (let i = 1; i < 6; i++) for (let j = 1; j < 6; j++) {
                const x = p.left + p.width * i / 6, y = p.top + p.height * j / 6;
                if (x > 0 && y > 0 && x < innerWidth && y < innerHeight) inside.push([x, y]); }
            return inside; }"""
        frame.wait_for_function(f"({points})().length > 0", timeout=90_000)
        covered = frame.evaluate(f"""() => ({points})().filter(([x, y]) => !document.elementFromPoint(x, y).closest('.leaflet-popup'))
            .map(([x, y]) => document.elementFromPoint(x, y).className)""")
        page.screenshot(path=str(screens_dir / f"site-{name}-phone-popup.png"))
        assert covered == [], f"something lies on top of the open popup: {covered[:3]}"


# --------------------------------------------------------------------------- charts and tables on a phone


@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", "notebooks/02_alliances.html", "notebooks/05_threats.html"])
def test_charts_readable_and_wide_boxes_show_they_scroll_on_a_phone(page_factory, phone_lesson, server, path):
    """At 390 px a chart's 11 px labels are drawn at 10 px or more (the chart scrolls instead of
    shrinking), and every box wider than the screen scrolls and shows a shadow where it does."""
    if path.startswith("notebooks/"):  # the page the phone map test loaded (only read here)
        page = phone_lesson(path.split("/")[1].removesuffix(".html"))
    else:
        page = page_factory(390, 844, touch=True)
        page.goto(server + path, wait_until="load")
    # each read in one call for all the page's charts and boxes (a call per element is a round trip)
    scales = page.eval_on_selector_all(".casecurity-chart svg", """charts => charts.filter(e => !e.closest('[hidden]'))
        .map(e => e.getBoundingClientRect().width / e.viewBox.baseVal.width)""")
    for scale in scales:
        assert 11 * scale >= 10, f"chart labels drawn at {11 * scale:.1f} px on a phone"
    wide = page.eval_on_selector_all(
        "div.cell_output .output.text_html, .casecurity-chart, .pst-scrollable-table-container",
        """boxes => boxes.filter(e => !e.closest('[hidden]') && e.scrollWidth > e.clientWidth + 1)
            .map(e => [getComputedStyle(e).overflowX, getComputedStyle(e).backgroundImage])""")
    if path == "index.html":
        assert wide, "the lesson table fits a phone: this test would show nothing"
    for style in wide:
        assert style[0] in ("auto", "scroll") and "gradient" in style[1], f"a wide box hides that it scrolls: {style}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"


# --------------------------------------------------------------------------- print


def saved_map_descriptions(name: str) -> list[str]:
    """The text alternative of every map the lesson shows, from its saved outputs in notebooks/."""
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    chunks = [str(output.get("data", {}).get("text/html", "")) for cell in nb.cells for output in cell.get("outputs", [])]
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    chunks += [str(model.get("state", {}).get("value", "")) for model in state.values()]
    found = []
    for chunk in chunks:
        for doc in parse(chunk).srcdocs:
            match = re.search(r'class="casecurity-sr-only"[^>]*>(.*?)</div>', doc, re.S)
            if match:
                found.append(plain(match.group(1)))
    return found


@pytest.mark.browser
def test_lesson_04_prints_whole_maps_and_descriptions(page_factory, server, screens_dir, tmp_path):
    """Printed to PDF by Chromium, lesson 04 holds each map's whole description, and the print
    stylesheet leaves out the navigation."""
    from pypdf import PdfReader

    name = "04_major_powers"
    expected = saved_map_descriptions(name)
    assert len(expected) >= 2 and all(len(text) > 80 for text in expected), expected
    # its own page: the explorer test has moved lesson 04's explorer on the shared one
    page = open_lesson(page_factory(), server, name)
    wait_for_maps(page, saved_maps(name))
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.bd-header', '.bd-sidebar-primary', '.bd-sidebar-secondary', '.prev-next-area']
        .filter(s => document.querySelector(s)).map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden and set(hidden) == {"none"}, f"navigation is printed: {hidden}"
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    (screens_dir / f"site-{name}-print.pdf").write_bytes(pdf.read_bytes())
    text = "".join("".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages).split())
    missing = [description[:60] for description in expected if "".join(description.split()) not in text]
    assert missing == [], f"descriptions not printed whole: {missing}"


@pytest.mark.browser
@pytest.mark.parametrize("label", ["desktop", "phone"])
def test_search_field_text_starts_after_its_icon(desktop_lesson, phone_lesson, label):
    page = phone_lesson("02_alliances") if label == "phone" else desktop_lesson("02_alliances")[0]
    next(b for b in page.locator(".search-button__button").all() if b.is_visible()).click()
    field = page.locator("#pst-search-dialog input[type=search]")
    field.wait_for(state="visible", timeout=90_000)
    field.type("CSTO")
    text_starts, icon_ends = page.evaluate("""() => {
        const input = document.querySelector('#pst-search-dialog input[type=search]');
        const icon = input.closest('form').querySelector('i');
        return [input.getBoundingClientRect().left + parseFloat(getComputedStyle(input).paddingLeft),
                icon.getBoundingClientRect().right]; }""")
    field.fill("")
    page.keyboard.press("Escape")  # the page is shared: the dialog is shut again
    field.wait_for(state="hidden", timeout=90_000)
    assert text_starts >= icon_ends, "the search icon overlaps the typed text"
