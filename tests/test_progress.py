"""Local progress: env override, atomic writes, corrupt files set aside, the per-lesson report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from casecurity import exercises as E


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "progress.json"
    monkeypatch.setenv("CASECURITY_PROGRESS", str(path))
    monkeypatch.delenv("CASECURITY_RESULTS", raising=False)
    return path


def _questions():
    questions = {"q1": E.ValueQuestion("a", expected=lambda: 1), "q2": E.ValueQuestion("b", expected=lambda: 2),
                 "q3": E.ReflectionQuestion("c", model_answer="m")}
    E.register_questions("97", questions, title="Progress tests")
    return questions


def test_env_override_and_content(store):
    assert E.progress_path() == store
    questions = _questions()
    questions["q1"].check(1)
    questions["q2"].check(5)
    questions["q2"].check(...)
    data = json.loads(store.read_text())
    assert data["lessons"]["97"]["q1"] == {
        "status": "correct", "ever_correct": True, "points": 1, "max_points": 1, "attempts": 1
    }
    assert data["lessons"]["97"]["q2"]["status"] == "not_attempted"  # the last check counts
    assert data["lessons"]["97"]["q2"]["attempts"] == 2


def test_default_location_is_the_user_data_dir(monkeypatch):
    import platformdirs

    monkeypatch.delenv("CASECURITY_PROGRESS", raising=False)
    assert E.progress_path().parent == Path(platformdirs.user_data_dir("casecurity"))
    # one file per copy of the course, named after its folder
    from casecurity.exercises import progress_store

    assert E.progress_path().name.startswith(f"progress-{progress_store.course_folder().name}-")
    monkeypatch.setattr(progress_store, "course_folder", lambda: Path("/elsewhere/another-copy"))
    other = E.progress_path()
    assert other.name.startswith("progress-another-copy-") and other != Path(platformdirs.user_data_dir("casecurity"))


def test_write_is_atomic(store, monkeypatch):
    questions = _questions()
    questions["q1"].check(1)
    before = store.read_text()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    result = questions["q2"].check(2)  # the save fails: the check still answers, the old file stays whole
    assert result.correct
    assert store.read_text() == before
    # no temp file left behind (the lock file beside it is empty and kept)
    assert sorted(p.name for p in store.parent.iterdir()) == ["progress.json", "progress.json.lock"]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"lessons": 3}', "", '{"lessons": {"01": 5}}'])
def test_corrupt_file_is_set_aside(store, capsys, content):
    store.parent.mkdir(parents=True)
    store.write_text(content)
    (store.parent / "progress.json.corrupt-1").write_text("older")
    questions = _questions()
    assert questions["q1"].check(1).correct
    warning = capsys.readouterr().err.strip()
    assert len(warning.splitlines()) == 1 and "progress.json.corrupt-2" in warning
    assert (store.parent / "progress.json.corrupt-2").read_text() == content
    assert json.loads(store.read_text())["lessons"]["97"]["q1"]["status"] == "correct"


def test_progress_report(store):
    questions = _questions()
    assert "No answers checked yet" in repr(E.progress())
    questions["q1"].check(1)
    questions["q2"].check(3)
    questions["q3"].check("My reflection.")
    report = E.progress()
    assert report.rows == [("97", "Progress tests", 3, 3, 1, 1)]
    text = repr(report)
    assert "Answered" in text and "Progress tests" in text
    assert "<table>" in report._repr_html_() and "<th scope=\"col\">Correct</th>" in report._repr_html_()
    assert E.progress("97").rows == report.rows
    assert E.progress(lesson=97).rows == report.rows


def test_casecurity_progress_is_wired(store):
    import casecurity

    _questions()["q1"].check(1)
    assert casecurity.progress().rows[0][:5] == ("97", "Progress tests", 3, 1, 1)


def test_a_stray_wrong_answer_after_a_right_one_keeps_ever_right(store):
    questions = _questions()
    questions["q1"].check(1)
    questions["q1"].check(5)  # a stray wrong answer afterwards
    report = E.progress("97")
    assert report.rows == [("97", "Progress tests", 3, 1, 1, 0)]  # still counted as answered right
    assert report.questions[0] == ("q1", "yes", "incorrect", 2)
    assert report.questions[1] == ("q2", "no", "not checked yet", 0)
    assert "Ever right" in repr(report) and "Per question" in report._repr_html_()


def test_casecurity_progress_expands_home_and_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COURSE_USER", "amina")
    monkeypatch.setenv("CASECURITY_PROGRESS", "~/progress/$COURSE_USER.json")
    assert E.progress_path() == tmp_path / "progress" / "amina.json"


_SAVER = """
import sys, time
from pathlib import Path
from casecurity import exercises as E
q = E.ValueQuestion("a", expected=lambda: 1)
E.register_questions("96", {f"q{sys.argv[1]}": q}, title="Two kernels")
ready = Path(sys.argv[2])
(ready / sys.argv[1]).touch()
while len(list(ready.iterdir())) < 2:  # start together, so the saves overlap
    time.sleep(0.001)
for _ in range(20):
    q.check(1)
"""


def test_two_processes_saving_at_once_keep_every_update(store):
    """Two real processes (as two kernels) save 20 checks each into one file: all 40 are kept."""
    import subprocess
    import sys

    env = dict(os.environ, CASECURITY_PROGRESS=str(store))
    ready = store.parent.parent / "ready"
    ready.mkdir()
    savers = [subprocess.Popen([sys.executable, "-c", _SAVER, name, str(ready)], env=env) for name in ("1", "2")]
    assert [saver.wait(timeout=300) for saver in savers] == [0, 0]
    lesson = json.loads(store.read_text())["lessons"]["96"]
    assert lesson["q1"]["attempts"] + lesson["q2"]["attempts"] == 40
