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


# The files that keep one worker longest (seconds, `make test` on a quiet two-core machine,
# 2026-12-07) run first. `make test` hands out whole files (--dist loadfile) in collection order
# (--no-loadscope-reorder), so a long file left to the end would run alone on one core while
# the other idles. A stale or missing entry only costs time, never a result.
LONG_FILES = {
    "tests/browser/test_site.py": 150,
    "tests/test_setup.py": 60,
    "tests/browser/test_jupyterlab.py": 50,
    "tests/test_exercise_sets_end_to_end.py": 45,
    "tests/test_grade_hostile.py": 33,
    "tests/test_assessment_mode.py": 30,
    "tests/test_nbgrader_route.py": 30,
    "tests/test_grade.py": 25,
    "tests/test_templates.py": 20,
    "tests/test_grade_safety.py": 19,
    "tests/test_variants.py": 18,
    "tests/browser/test_maps_browser.py": 17,
    "tests/test_nbval_strict.py": 17,
    "tests/test_class.py": 13,
    "tests/test_class_rows.py": 12,
    "tests/test_stable_outputs.py": 12,
    "tests/test_exercises_kernel.py": 10,
    "tests/test_class_lesson03.py": 9,
}


def pytest_collection_modifyitems(config, items):
    """Longest files first (a stable sort: the order inside a file and among the others stays)."""
    items.sort(key=lambda item: -LONG_FILES.get(item.nodeid.split("::")[0], 0))
