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
