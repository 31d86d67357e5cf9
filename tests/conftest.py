"""Fixtures shared by every test module."""

import textwrap

import pytest


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    """Keep the learner's real progress file, and any grader log, out of every test."""
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.delenv("CASECURITY_RESULTS", raising=False)
    return tmp_path / "progress.json"


@pytest.fixture
def lesson_module(tmp_path, monkeypatch):
    """Install a lesson's question module for this test only: ``lesson_module("95", source)``.

    The module is written to ``tmp_path/lessons/lessonNN.py`` and found through
    CASECURITY_LESSONS_PATH, as a teacher's own question modules would be.
    """
    folder = tmp_path / "lessons"

    def install(number: str, source: str):
        folder.mkdir(exist_ok=True)
        (folder / f"lesson{number}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        monkeypatch.setenv("CASECURITY_LESSONS_PATH", str(folder))
        return folder

    return install


# The files that keep one worker longest run first, longest first (measured with `make test` on a
# two-core machine, 2026-12-08: test_site about 125 s of one worker, JupyterLab 70, test_setup 60,
# the exercise sets and nbgrader 35, down to about 8). `make test` hands out whole files
# (--dist loadfile) in collection order (--no-loadscope-reorder), so a long file left to the end
# would run alone on one core while the other idles. A stale or missing entry only costs time.
LONG_FILES = (
    "tests/browser/test_site.py",
    "tests/test_setup.py",
    "tests/browser/test_jupyterlab.py",
    "tests/test_exercise_sets_end_to_end.py",
    "tests/test_nbgrader_route.py",
    "tests/test_variants.py",
    "tests/test_grade.py",
    "tests/test_grade_hostile.py",
    "tests/browser/test_maps_browser.py",
    "tests/test_assessment_mode.py",
    "tests/test_nbval_strict.py",
    "tests/test_grade_safety.py",
    "tests/test_exercises_kernel.py",
    "tests/test_templates.py",
    "tests/test_class_rows.py",
    "tests/test_class.py",
    "tests/test_stable_outputs.py",
    "tests/test_class_lesson03.py",
)


def pytest_collection_modifyitems(config, items):
    """LONG_FILES first, in its order; then the rest as collected (a stable sort: the order inside
    a file stays)."""
    rank = {name: position for position, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONG_FILES)))
