"""Shared fixtures for the real-browser tests: Debian's Chromium driven by Playwright.

No Playwright browser download is used: the tests drive the system Chromium
(``apt-get install chromium``; CI installs it too). If it is missing the tests
FAIL with a one-line message, because a silently skipped browser test proves
nothing. Set ``CASECURITY_SKIP_BROWSER=1`` to skip them on purpose.

Fixtures for every browser test module (the JupyterLab test reuses them):

- ``chromium_path``: the Chromium executable (session).
- ``browser``: one Playwright browser for the whole session, so Chromium starts once.
  Each ``launch`` gets a fresh temporary profile (Playwright creates and deletes it),
  so no state leaks in from a previous run.
- ``screens_dir``: ``test-artifacts/screens/`` (git-ignored) for screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CASECURITY_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = REPO / "test-artifacts" / "screens"


def _skip_requested() -> bool:
    return os.environ.get("CASECURITY_SKIP_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium; fails (not skips) when it is missing, unless skipping was asked for."""
    if _skip_requested():
        pytest.skip("browser tests skipped because CASECURITY_SKIP_BROWSER=1")
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(or set CASECURITY_SKIP_BROWSER=1 to skip the browser tests).",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole test session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        pytest.fail("The Python package `playwright` is missing: pip install playwright.", pytrace=False)
    from playwright.sync_api import expect

    # Waits are for states, sized for a machine three times slower than a quiet one (CI shares its
    # two cores): an expect() waits up to 30 s (Playwright's default is 5 s), an action up to 90 s.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=LAUNCH_ARGS)
        new_context = launched.new_context

        def patient_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.set_default_timeout(90_000)
            return context

        launched.new_context = patient_context
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def screens_dir() -> Path:
    """Folder for screenshots a person can look at after the run (git-ignored)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
