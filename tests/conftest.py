"""Fixtures shared by every test module."""

import pytest


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    """Keep the learner's real progress file, and any grader log, out of every test."""
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.delenv("CASECURITY_RESULTS", raising=False)
    return tmp_path / "progress.json"
