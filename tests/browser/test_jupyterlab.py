"""End to end: the course in a real JupyterLab, started by `make lab`, in headless Chromium.

The server is started the way a learner starts it: ``make lab`` from the repository root, with
only ``LAB_ARGS`` added (no browser, a free port, the app exposed to the test); Jupyter makes up
the token, which the tests read from the URL ``make lab`` prints. So these tests see the root,
the settings and the kernel extension that ``make lab`` gives a learner. Test-only settings (no
autosave, no notebook windowing) live in a private user-settings folder; the "Jupyter news"
pop-up must stay away by the course's own setting. The learner's progress goes to a temporary file
(``CASECURITY_PROGRESS``). The server is stopped in teardown whatever happens (its whole process
group is killed), and the repository's notebooks are checked to be unchanged afterwards.

- The course path: open lesson 00 from the printed URL, follow its link to the exercise set,
  answer a question wrongly and then correctly, and see the verdict and the progress change.
- Widgets: run the widget demo notebook, see the membership explorer, move its date slider
  with the keyboard, read a new summary line, and see country shapes on an offline map.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright import sync_api as playwright_sync

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOK = HERE / "widget_demo.ipynb"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Test-only JupyterLab user settings, in a private settings folder: no autosave (the tests
# run the repository's own notebooks and must not write outputs into them) and no notebook
# windowing, so every cell is in the DOM without scrolling. The news pop-up is NOT switched
# off here: the course's own setting (casecurity.install, run by `make lab`) must do that.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


# Long waits (a kernel going idle, a cell's output) ask every 100 ms, not on every animation frame
# (Playwright's default): polling each frame kept Chromium drawing, 0.5-0.9 CPU-s per 8 s of waiting
# (measured), taken from the other tests running beside these.
POLL_MS = 100


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


LESSON_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/lab/tree/notebooks/00_start_here\.ipynb\?token=([0-9a-f]+)")


def _wait_for_text(path: Path, pattern: re.Pattern, timeout: float = 120,
                   process: subprocess.Popen | None = None) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = pattern.search(path.read_text(errors="replace")) if path.is_file() else None
        if found:
            return found
        if process is not None and process.poll() is not None:
            pytest.fail(f"`make lab` exited with code {process.returncode}:\n{path.read_text()[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"{pattern.pattern} did not appear in {path} within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and its kernels: SIGTERM to the process group, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab started by `make lab` at the repository root; yields (base_url, token, progress,
    printed_url): the token is Jupyter's own, read from the lesson URL `make lab` prints."""
    work = tmp_path_factory.mktemp("jupyterlab")
    settings = work / "lab-settings"
    for relative, content in LAB_SETTINGS.items():
        target = settings / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content))
    port = _free_port()
    progress = work / "progress.json"
    env = dict(os.environ)
    env.update(
        {
            "CASECURITY_PROGRESS": str(progress),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
            "JUPYTER_CONFIG_DIR": str(work / "config"),  # ignore the user's own server config
            "IPYTHONDIR": str(work / "ipython"),
        }
    )
    env.pop("MAKEFLAGS", None)
    # online map mode, as a learner has it: maps must draw with the CDN blocked (_new_context)
    env.pop("CASECURITY_OFFLINE", None)
    lab_args = f"--no-browser --ip=127.0.0.1 --port={port} --LabApp.expose_app_in_browser=True"
    log = work / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        printed = _wait_for_text(log, LESSON_URL, timeout=300, process=process)
        token = printed.group(2)
        _wait_for_server(f"{base}/api/status?token={token}", process, log, timeout=300)
        yield base, token, progress, printed
    finally:
        _stop(process)
    saved = [line for line in log.read_text().splitlines() if "Saving file at" in line]
    assert saved == [], f"the test server wrote into the repository: {saved}"


def _new_context(browser, viewport: dict):
    """A browser context where every request outside this machine fails, as on a filtered network.

    The blocked URLs are kept in ``context.blocked``.
    """
    context = browser.new_context(viewport=viewport)
    context.blocked = []

    def route(route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if route.request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            context.blocked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    return context


def _open(page, base: str, token: str, path: str) -> None:
    """Open a notebook by its path from the root and wait for its kernel to be idle."""
    page.goto(f"{base}/lab/tree/{path}?reset&token={token}", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
    _wait_for_notebook(page, path)


def _wait_for_notebook(page, path: str) -> None:
    page.wait_for_function(
        "(path) => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.context && w.context.path === path && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'; }",
        arg=path,
        timeout=120_000,
        polling=POLL_MS,
    )


def _current_panel(page):
    """The notebook panel JupyterLab has in focus, by its widget id. Not "every panel not hidden":
    a panel left open by an earlier test in the same server can be visible beside it (seen under
    load: two map frames where the lesson has one)."""
    panel_id = page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    return page.locator(f'.jp-NotebookPanel[id="{panel_id}"]')


def _run_cell(page, cell, source: str | None = None) -> None:
    """Click into a code cell, optionally replace its text as a learner would, press Shift+Enter.

    Each step waits for the state it needs (the cell active, the editor focused, the typed
    text in the cell's model) before the next key press: on a loaded machine a key pressed
    before the editor has focus goes elsewhere, and the old text would run instead.
    """
    expect = playwright_sync.expect
    editor = cell.locator(".cm-content").first
    editor.click()
    expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"), timeout=180_000)
    expect(editor).to_be_focused(timeout=180_000)
    if source is not None:
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(source)  # typed text, without the editor's auto-closing brackets
        page.wait_for_function(
            "(text) => window.jupyterapp.shell.currentWidget.content.activeCell"
            ".model.sharedModel.getSource() === text",
            arg=source,
            timeout=180_000,
        )
    page.keyboard.press("Shift+Enter")


def _wait_for_output(page, needle: str, text: str, absent: str = "\0", timeout: float = 180_000) -> None:
    """Wait until the code cell whose source contains ``needle`` has run to its end with an output
    holding ``text`` (and not ``absent``: the previous run's output is gone).

    It waits on the notebook's model (what the kernel sent), not on the page's rendering, so a
    slow machine only makes it wait longer; on failure it says what the cell holds instead.
    """
    # done means: the output is there, the kernel's reply too (an execution count) and the kernel is
    # idle again. A cell run again before that is aborted by the kernel when the run before raised
    # (as the template's "Fill in the blanks" does): the cell is left empty, with no count.
    script = """([needle, text, absent]) => {
        const panel = window.jupyterapp.shell.currentWidget;
        const cell = panel.content.widgets.find(
            (w) => w.model.type === 'code' && w.model.sharedModel.getSource().includes(needle));
        const outputs = cell ? JSON.stringify(cell.model.outputs.toJSON()) : '';
        return outputs.includes(text) && !outputs.includes(absent) && cell.model.executionCount !== null
            && panel.sessionContext.session.kernel.status === 'idle';
    }"""
    try:
        page.wait_for_function(script, arg=[needle, text, absent], timeout=timeout, polling=POLL_MS)
    except playwright_sync.TimeoutError:
        held = page.evaluate("""(needle) => {
            const cell = window.jupyterapp.shell.currentWidget.content.widgets.find(
                (w) => w.model.type === 'code' && w.model.sharedModel.getSource().includes(needle));
            return cell ? [cell.model.executionCount, JSON.stringify(cell.model.outputs.toJSON()).slice(0, 600),
                           window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status] : null;
        }""", needle)
        pytest.fail(f"no output with {text!r} in the cell with {needle!r} after {timeout / 1000:.0f} s; "
                    f"[execution count, outputs, kernel status] = {held}")


@pytest.fixture(scope="module")
def lesson_from_printed_url(lab_server, browser):
    """Lesson 00 in Chromium, opened from the URL `make lab` printed, as pasted (nothing added), its
    kernel idle. The printed-URL test checks that load; the course-path test then works on the
    same page instead of loading JupyterLab again (5-7 s of Chromium's CPU)."""
    _, _, _, printed = lab_server
    context = _new_context(browser, {"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(printed.group(0), wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
        _wait_for_notebook(page, "notebooks/00_start_here.ipynb")
        yield page
    finally:
        context.close()


def test_make_lab_without_a_browser_prints_the_lesson_url(lab_server, lesson_from_printed_url):
    """`make lab LAB_ARGS=--no-browser` prints a URL, with its token, that opens lesson 00 itself
    (the module's server: started that way, with a token Jupyter made up)."""
    base, _, _, printed = lab_server
    assert base.endswith(f":{printed.group(1)}")
    shown = lesson_from_printed_url.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    assert shown == "notebooks/00_start_here.ipynb"


def test_lesson_links_to_its_exercise_set_where_answers_are_checked(lab_server, lesson_from_printed_url, screens_dir):
    """From lesson 00 (opened from the printed URL) to its exercise set: a template, a wrong and a
    right answer, each verdict and the learner's progress."""
    _, _, progress, _ = lab_server
    expect = playwright_sync.expect
    page = lesson_from_printed_url
    lesson = "notebooks/00_start_here.ipynb"
    exercises = "exercises/00_start_here_exercises.ipynb"
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path") == lesson
    # the course's setting, not a flag: JupyterLab does not ask about Jupyter news
    fetch_news = page.evaluate(
        "async () => (await window.jupyterapp.serviceManager.settings.fetch("
        "'@jupyterlab/apputils-extension:notification')).schema.properties.fetchNews.default"
    )  # the course's override becomes the default the learner's JupyterLab starts from
    assert fetch_news == "false"
    # JupyterLab asks about news once it has started; by the time the lesson's kernel is
    # idle that start-up is over, so the absence of the question is meaningful
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=120_000,
        polling=POLL_MS,
    )
    expect(page.get_by_text("official Jupyter news")).to_have_count(0)

    # the file browser shows the lesson's folder; its root is the course folder
    browser_panel = page.locator(".jp-FileBrowser")
    expect(browser_panel.locator(".jp-BreadCrumbs")).to_contain_text("notebooks", timeout=30_000)
    browser_panel.locator(".jp-BreadCrumbs-home").click()
    for folder in ("notebooks", "exercises", "solutions", "data"):
        expect(browser_panel.locator(f".jp-DirListing-item[title^='Name: {folder}']")).to_have_count(1)
    page.screenshot(path=str(screens_dir / "jupyterlab_course_root.png"))

    # the lesson ends with a link to its exercise set; clicking it opens the set
    link = page.locator(f".jp-RenderedMarkdown a[href*='{exercises.split('/')[1]}']").first
    link.scroll_into_view_if_needed()
    link.click()
    _wait_for_notebook(page, exercises)
    notebook = _current_panel(page).locator(".jp-Notebook")
    expect(notebook.locator(".jp-RenderedMarkdown").first).to_contain_text(
        "First run the code cell below"
    )

    cells = notebook.locator(".jp-CodeCell")
    _run_cell(page, cells.first)  # the imports, as the notebook says
    question = cells.filter(has_text="ex.q1.check(answer)").first
    output = question.locator(".jp-OutputArea-output")

    # the cell holds a template: run as it is, it asks for the blank; then fill the blank in,
    # wrongly and then rightly, as a learner types it
    template = next(
        c.source
        for c in nbformat.read(ROOT / exercises, as_version=4).cells
        if c.cell_type == "code" and "ex.q1.check(" in c.source
    )
    code_lines = [line for line in template.split("\n") if not line.startswith("#")]
    assert "\n".join(code_lines).count("____") == 1  # one blank to fill (the comment names it)

    def filled(value: str) -> str:
        head, _, tail = template.rpartition("____")
        return head + value + tail

    _run_cell(page, question)
    _wait_for_output(page, "ex.q1.check(answer)", "Fill in the blanks")
    expect(output).to_contain_text("Fill in the blanks", timeout=180_000)
    _run_cell(page, question, filled('"neighbour"'))
    _wait_for_output(page, "ex.q1.check(answer)", "Incorrect", absent="Fill in the blanks")
    expect(output).to_contain_text("Incorrect", timeout=180_000)
    _wait_until(lambda: _status(progress, "00", "q1") == "incorrect")

    # fixed by index: Shift+Enter in the last cell adds a new empty cell after it
    progress_cell = cells.nth(cells.count() - 1)
    lesson_row = progress_cell.locator("tr", has_text="Start here")
    _run_cell(page, progress_cell)
    expect(lesson_row.locator("td").nth(4)).to_have_text("0", timeout=180_000)  # the "Correct" column

    _run_cell(page, question, filled('"central_asia"'))
    _wait_for_output(page, "ex.q1.check(answer)", "Correct", absent="Incorrect")
    expect(output).to_contain_text("Correct", timeout=180_000)
    expect(output).not_to_contain_text("Incorrect")
    _wait_until(lambda: _status(progress, "00", "q1") == "correct")
    _run_cell(page, progress_cell)
    expect(lesson_row.locator("td").nth(4)).to_have_text("1", timeout=180_000)
    page.screenshot(path=str(screens_dir / "jupyterlab_exercise_checked.png"))


def _status(progress: Path, lesson: str, question: str) -> str | None:
    """The status the learner's progress file records for one question, if any."""
    try:
        return json.loads(progress.read_text())["lessons"][lesson][question]["status"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail("the learner's progress file did not record the check")


def test_widgets_and_map_work_in_jupyterlab(lab_server, browser, screens_dir):
    base, token, _, _ = lab_server
    expect = playwright_sync.expect
    context = _new_context(browser, {"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        # _open waits for the kernel: "run all" before it is up may find no session
        _open(page, base, token, f"tests/browser/{NOTEBOOK.name}")
        expect(page.locator(".jp-Notebook").first).to_be_visible(timeout=90_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

        # the explorer renders: a labelled slider and drop-down
        slider = page.locator(".widget-slider").first
        expect(slider).to_be_visible(timeout=120_000)
        expect(page.locator(".widget-dropdown").first).to_be_visible()
        expect(page.get_by_text("Members on:", exact=True).first).to_be_visible()
        # the drop-down is named by its label, so a screen reader announces "Organisation:"
        expect(page.get_by_label("Organisation:").first).to_be_visible()

        summary = page.locator("[role=status]").first
        expect(summary).to_contain_text("On 1 January 2000", timeout=180_000)
        before = summary.inner_text()
        explorer_map = page.locator(".casecurity-visual iframe").first
        expect(explorer_map).to_be_attached(timeout=180_000)
        map_before = explorer_map.get_attribute("srcdoc")

        # keyboard only: focus the slider handle, press ArrowRight, the kernel recomputes
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        expect(summary).to_contain_text("On 1 January 2001", timeout=180_000)
        assert summary.inner_text() != before
        expect(explorer_map).not_to_have_attribute("srcdoc", map_before, timeout=180_000)  # map redrawn

        # both maps (the explorer's and the plain map cell's) draw country shapes with the
        # inlined Leaflet: with no network, a map whose scripts failed to load has no paths
        shapes = "path.leaflet-interactive"
        expect(page.frame_locator(".casecurity-visual iframe").first.locator(shapes).first).to_be_attached(
            timeout=180_000
        )
        map_cell = page.locator(".jp-CodeCell").nth(2)
        expect(map_cell.frame_locator("iframe").first.locator(shapes).first).to_be_attached(timeout=180_000)
        # the map's text alternative is printed by the last cell
        expect(page.locator(".jp-CodeCell").nth(3).locator(".jp-OutputArea-output")).not_to_be_empty()
        # the treaty explorer draws its network map, the timeline its SVG chart
        expect(page.frame_locator(".casecurity-visual iframe").nth(1).locator(shapes).first).to_be_attached(
            timeout=180_000
        )
        expect(page.locator(".casecurity-visual svg[role=img]").first).to_be_visible(timeout=180_000)
        # no cell failed or warned
        stderr = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        assert page.locator(stderr).count() == 0

        explorers = page.locator(".jp-OutputArea-output > .widget-vbox")
        for index, name in enumerate(["membership_explorer", "treaty_explorer", "timeline"]):
            explorers.nth(index).screenshot(path=str(screens_dir / f"jupyterlab_{name}.png"))
        page.screenshot(path=str(screens_dir / "jupyterlab_widget_demo.png"))
    finally:
        context.close()


def _make_lab(work: Path, lab_args: str, **env_extra: str) -> tuple[subprocess.Popen, Path]:
    """`make lab` as a learner runs it (Jupyter makes up the token), private runtime and config folders."""
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(work / "runtime"), JUPYTER_CONFIG_DIR=str(work / "config"),
               JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"), **env_extra)
    env.pop("MAKEFLAGS", None)
    log = work / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return process, log


def test_plain_make_lab_opens_the_same_lesson_url(tmp_path):
    """Without --no-browser, `make lab` hands the browser ($BROWSER) the URL it prints."""
    opened = tmp_path / "opened.txt"
    recorder = tmp_path / "browser.sh"
    recorder.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    recorder.chmod(0o755)
    process, log = _make_lab(tmp_path, f"--ip=127.0.0.1 --port={_free_port()}", BROWSER=str(recorder))
    try:
        handed = _wait_for_text(opened, re.compile(r"\S+"), timeout=300).group(0)
        # Jupyter hands the browser a local page that forwards to the server's URL
        target = Path(urllib.parse.urlsplit(handed).path).read_text() if handed.startswith("file:") else handed
        printed = _wait_for_text(log, LESSON_URL)
        assert printed.group(0) in target
    finally:
        _stop(process)


def _saved_maps(path: Path) -> dict[int, int]:
    """Cell index -> how many map outputs that cell holds as saved (counted in the file, not the page)."""
    counts = {}
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            maps = sum("<iframe srcdoc=" in str(o.get("data", {}).get("text/html", "")) for o in cell.outputs)
            if maps:
                counts[index] = maps
    return counts


def _map_frames(page, cell_index: int, selector: str = "iframe"):
    """The map frames in one cell's outputs. Only the cells that hold saved maps are looked at: a widget
    restored from the notebook's saved state (lesson 00's membership explorer) can bring a frame of
    its own, sooner or later depending on the machine's load (seen: two frames where one was saved)."""
    cell = _current_panel(page).locator(".jp-Notebook .jp-Cell").nth(cell_index)
    return cell.locator(f".jp-OutputArea-output {selector}")


def test_maps_draw_with_the_cdn_blocked_on_open_and_after_rerun(lab_server, browser, screens_dir):
    """A lesson's saved maps, and the maps it draws again, appear with no request leaving the machine."""
    base, token, _, _ = lab_server
    expect = playwright_sync.expect
    lesson = "notebooks/00_start_here.ipynb"
    saved = _saved_maps(ROOT / lesson)
    assert saved, "lesson 00 is meant to show saved maps"
    context = _new_context(browser, {"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _open(page, base, token, lesson)
        # on open: the saved outputs of the trusted lesson, nothing run; each frame draws its shapes
        for cell_index, count in saved.items():
            frames = _map_frames(page, cell_index)
            expect(frames).to_have_count(count, timeout=180_000)
            for index in range(count):
                shapes = frames.nth(index).content_frame.locator("path.leaflet-interactive")
                expect(shapes.first).to_be_attached(timeout=180_000)
        page.screenshot(path=str(screens_dir / "jupyterlab_saved_map_no_cdn.png"))

        # after re-running: every frame is new (old ones marked), and each draws again
        page.evaluate("() => document.querySelectorAll('.jp-OutputArea-output iframe').forEach(f => f.dataset.old = '1')")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        for cell_index, count in saved.items():
            fresh = _map_frames(page, cell_index, "iframe:not([data-old])")
            expect(fresh).to_have_count(count, timeout=180_000)
            for index in range(count):
                shapes = fresh.nth(index).content_frame.locator("path.leaflet-interactive")
                expect(shapes.first).to_be_attached(timeout=180_000)
                expect(fresh.nth(index).content_frame.get_by_text("could not load")).to_have_count(0)
        outputs = page.locator(".jp-OutputArea-output")
        expect(outputs.get_by_text("Trust Notebook")).to_have_count(0)
        assert not [url for url in context.blocked if "leaflet" in url or "jquery" in url], (
            "maps asked the CDN although the Jupyter server has the libraries"
        )
    finally:
        context.close()
