"""End to end: a real JupyterLab in headless Chromium runs the widget demo notebook.

What a learner does, checked in a browser: open a notebook, run all cells, see the
membership explorer, move its date slider with the keyboard (no mouse), read a new
summary line, and see country shapes on an offline folium map.

The server runs from a temporary copy of ``widget_demo.ipynb`` with its own settings
(no news toast, no windowing) and ``CASECURITY_OFFLINE=1``, so the map needs no internet.
It is stopped in teardown whatever happens (its whole process group is killed).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright import sync_api as playwright_sync

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "widget_demo.ipynb"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

# JupyterLab user settings written into a private settings folder for the test server:
# no "Jupyter news" toast or update check (they cover the notebook and need internet),
# and no notebook windowing, so every output is in the DOM without scrolling.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


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
    """A headless JupyterLab serving a copy of the demo notebook; yields (base_url, token)."""
    work = tmp_path_factory.mktemp("jupyterlab")
    root = work / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    settings = work / "lab-settings"
    for relative, content in LAB_SETTINGS.items():
        target = settings / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content))
    port = _free_port()
    token = secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        {
            "CASECURITY_OFFLINE": "1",  # Leaflet inlined, no tiles: the map draws without internet
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
            "JUPYTER_CONFIG_DIR": str(work / "config"),  # ignore the user's own server config
            "IPYTHONDIR": str(work / "ipython"),
        }
    )
    log = work / "server.log"
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.token={token}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_server(f"{base}/api/status?token={token}", process, log)
        yield base, token
    finally:
        _stop(process)


def test_widgets_and_map_work_in_jupyterlab(lab_server, browser, screens_dir):
    base, token = lab_server
    expect = playwright_sync.expect
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
        expect(page.locator(".jp-Notebook").first).to_be_visible(timeout=90_000)
        # the kernel must be up before "run all", else the command may find no session
        page.wait_for_function(
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'; }",
            timeout=90_000,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

        # the explorer renders: a labelled slider and drop-down
        slider = page.locator(".widget-slider").first
        expect(slider).to_be_visible(timeout=120_000)
        expect(page.locator(".widget-dropdown").first).to_be_visible()
        expect(page.get_by_text("Members on:", exact=True).first).to_be_visible()
        # the drop-down is named by its label, so a screen reader announces "Organisation:"
        expect(page.get_by_label("Organisation:").first).to_be_visible()

        summary = page.locator("[role=status]").first
        expect(summary).to_contain_text("On 1 January 2000", timeout=60_000)
        before = summary.inner_text()
        explorer_map = page.locator(".casecurity-visual iframe").first
        expect(explorer_map).to_be_attached(timeout=60_000)
        map_before = explorer_map.get_attribute("srcdoc")

        # keyboard only: focus the slider handle, press ArrowRight, the kernel recomputes
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        expect(summary).to_contain_text("On 1 January 2001", timeout=60_000)
        assert summary.inner_text() != before
        expect(explorer_map).not_to_have_attribute("srcdoc", map_before, timeout=60_000)  # map redrawn

        # both maps (the explorer's and the plain map cell's) draw country shapes with the
        # inlined Leaflet: with no network, a map whose scripts failed to load has no paths
        shapes = "path.leaflet-interactive"
        expect(page.frame_locator(".casecurity-visual iframe").first.locator(shapes).first).to_be_attached(
            timeout=60_000
        )
        map_cell = page.locator(".jp-CodeCell").nth(2)
        expect(map_cell.frame_locator("iframe").first.locator(shapes).first).to_be_attached(timeout=60_000)
        # the map's text alternative is printed by the last cell
        expect(page.locator(".jp-CodeCell").nth(3).locator(".jp-OutputArea-output")).not_to_be_empty()
        # the treaty explorer draws its network map, the timeline its SVG chart
        expect(page.frame_locator(".casecurity-visual iframe").nth(1).locator(shapes).first).to_be_attached(
            timeout=60_000
        )
        expect(page.locator(".casecurity-visual svg[role=img]").first).to_be_visible(timeout=60_000)
        # no cell failed or warned
        stderr = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        assert page.locator(stderr).count() == 0

        explorers = page.locator(".jp-OutputArea-output > .widget-vbox")
        for index, name in enumerate(["membership_explorer", "treaty_explorer", "timeline"]):
            explorers.nth(index).screenshot(path=str(screens_dir / f"jupyterlab_{name}.png"))
        page.screenshot(path=str(screens_dir / "jupyterlab_widget_demo.png"))
    finally:
        context.close()
