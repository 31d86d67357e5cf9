"""A grading run is never lost (issue #17): odd notebooks, odd files, output paths, the journal,
--resume, the CSV's formula cells, and the one line a teacher gets when no sandbox can be made."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from casecurity import grade, gradebook, sandbox
from casecurity.journal import Journal, JournalError
from casecurity.submissions import SubmissionProblem, feedback_name, read_submission, structure_problem

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"


@pytest.mark.parametrize("notebook, words", [
    ([], "a JSON list, not a notebook"),
    ({"cells": [], "metadata": []}, "its metadata is a list"),
    ({"cells": [], "metadata": {"casecurity": ["lesson", 99]}}, "metadata.casecurity is a list"),
    ({"cells": [], "metadata": {"casecurity": {"lesson": [99]}}}, "metadata.casecurity.lesson is a list"),
    ({"metadata": {}}, "it has no list of cells"),
    ({"cells": "x"}, "its cells are a str"),
    ({"cells": [3]}, "cell 1 is a int"),
    ({"cells": [{"source": "x"}]}, "cell 1 has no cell_type"),
    ({"cells": [{"cell_type": "code", "source": ["a", 2]}]}, "cell 1 has a source that is not text"),
    ({"cells": [{"cell_type": "code", "source": "", "outputs": "oops"}]}, "cell 1 has outputs that are not a list"),
    ({"cells": [{"cell_type": "code", "source": "", "outputs": [1]}]}, "cell 1 has an output that is not an object"),
    ({"cells": [{"cell_type": "code", "source": "", "outputs": [{"data": []}]}]}, "output whose data is not"),
    ({"cells": [{"cell_type": "markdown", "source": "", "metadata": "x"}]}, "cell 1 has metadata that is not"),
])
def test_odd_shapes_are_named(notebook, words):
    assert words in structure_problem(notebook)


def test_a_well_formed_notebook_has_no_structure_problem():
    for path in SUBMISSIONS.glob("*.ipynb"):
        if path.name != "broken_json.ipynb":
            assert structure_problem(json.loads(path.read_text(encoding="utf-8"))) == "", path


def test_odd_notebooks_become_one_error_row_each(tmp_path):
    (tmp_path / "meta.ipynb").write_text(json.dumps({"cells": [], "metadata": {"casecurity": []}}))
    os.symlink(SUBMISSIONS / "all_correct.ipynb", tmp_path / "link.ipynb")
    (tmp_path / "dir.ipynb").mkdir()
    os.mkfifo(tmp_path / "pipe.ipynb")  # reading it would block the run forever
    found = grade.find_submissions([str(tmp_path)])
    assert sorted(p.name for p in found) == ["dir.ipynb", "link.ipynb", "meta.ipynb", "pipe.ipynb"]
    for path in found:
        rows = grade.grade_notebook(path, lesson="99")
        assert len(rows) == 1 and rows[0]["status"] == "error" and rows[0]["points"] == 0
        assert "\n" not in rows[0]["message"]
    assert "symbolic link" in grade.grade_notebook(tmp_path / "link.ipynb")[0]["message"]
    assert "metadata.casecurity is a list" in grade.grade_notebook(tmp_path / "meta.ipynb")[0]["message"]
    with pytest.raises(SubmissionProblem, match="not a regular file"):
        read_submission(tmp_path / "pipe.ipynb")


def test_feedback_names_never_collide():
    paths = ["class/ann.ipynb", "class/ann~.ipynb", "class/ann_.ipynb", "class/ann .ipynb", "class/sub/ann.ipynb",
             "class/sub_ann.ipynb", "class_sub/ann.ipynb", "/class/ann.ipynb", "class/ann", "class/.ann.ipynb",
             "class/Ann.ipynb", "class/анна.ipynb", "class/" + "x" * 300 + "1.ipynb", "class/" + "x" * 300 + "2.ipynb"]
    names = [feedback_name(p) for p in paths]
    assert len(set(names)) == len(paths)
    assert all(n.endswith(".html") and "/" not in n and not n.startswith(".") and len(n) < 250 for n in names)
    assert feedback_name("class/ann.ipynb") == "class_2fann.html"  # readable for plain names


def test_feedback_pages_of_colliding_names_are_both_kept(tmp_path):
    def rows(submission, points):
        return [dict(submission=submission, lesson="99", question="q1", status="correct" if points else "incorrect",
                     points=points, max_points=1, message="m")]

    first = gradebook.write_feedback(rows("class/ann.ipynb", 1), tmp_path)
    second = gradebook.write_feedback(rows("class/ann~.ipynb", 0), tmp_path)
    assert first != second
    assert "1 of 1 points" in first.read_text(encoding="utf-8")
    assert "0 of 1 points" in second.read_text(encoding="utf-8")


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    answers = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "42", "a=b", ""]
    rows = [dict(submission=f"class/s{i}.ipynb", lesson="99", question="q1", status="incorrect", points=0,
                 max_points=1, message="-m", answer=a) for i, a in enumerate(answers)]
    gradebook.write_csv(rows, tmp_path / "g.csv")
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as stream:
        read = list(csv.DictReader(stream))
    assert [r["answer"] for r in read] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\nx", "42", "a=b", ""]
    assert {r["message"] for r in read} == {"'-m"}
    assert {r["points"] for r in read} == {"0"}  # numbers stay numbers


@pytest.mark.parametrize("target", ["out", "json", "report", "feedback", "journal"])
def test_unusable_outputs_stop_before_grading(tmp_path, capsys, target):
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    out = tmp_path / "res" / "grades.csv"
    paths = {"out": out, "json": out.with_suffix(".json"), "report": out.with_name("grades_report.html"),
             "journal": out.with_suffix(".journal.jsonl")}
    if target == "feedback":
        (tmp_path / "fb").write_text("a file")
    else:
        paths[target].mkdir(parents=True)
    status = grade.main([str(notebook), "--out", str(out), "--feedback", str(tmp_path / "fb"), "--no-sandbox"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1 and ("is a folder" in err or "is a file" in err)
    assert not out.exists() or out.is_dir()


def test_missing_bubblewrap_stops_with_one_line(tmp_path):
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    env = dict(os.environ, PATH=str(tmp_path))  # no bwrap on this PATH
    process = subprocess.run([sys.executable, "-m", "casecurity.grade", str(notebook), "--out",
                              str(tmp_path / "g.csv")], env=env, capture_output=True, text=True, timeout=300)
    assert process.returncode == 2
    assert len(process.stderr.strip().splitlines()) == 1
    assert "apt-get install bubblewrap" in process.stderr and "--no-sandbox" in process.stderr
    assert not (tmp_path / "g.csv").exists()


def test_journal_ignores_a_line_cut_short_and_refuses_other_settings(tmp_path):
    journal = Journal(tmp_path / "grades.csv")
    journal.start({"lesson": "99"})
    journal.record("a.ipynb", [{"submission": "a.ipynb", "points": 1}], True)
    with open(journal.path, "a", encoding="utf-8") as stream:
        stream.write('{"submission": "b.ipynb", "rows": [')  # killed mid-write
    journal.record("c.ipynb", [{"submission": "c.ipynb", "points": 0}], False)
    done = journal.load({"lesson": "99"})
    assert sorted(done) == ["a.ipynb", "c.ipynb"]
    assert done["a.ipynb"]["isolated"] is True and done["c.ipynb"]["isolated"] is False
    with pytest.raises(JournalError, match="other settings"):
        journal.load({"lesson": "98"})


def _class(folder: Path) -> list[Path]:
    names = {"a.ipynb": "all_correct.ipynb", "b.ipynb": "partly_correct.ipynb", "c.ipynb": "errors_and_quiz.ipynb"}
    folder.mkdir()
    for name, fixture in names.items():
        shutil.copy(SUBMISSIONS / fixture, folder / name)
    return [folder / name for name in names]


def _run(folder, out, *extra, wait=True):
    # a killed grader cannot remove its temporary folders: keep them in the test's own folder
    scratch = folder.parent / "tmp"
    scratch.mkdir(exist_ok=True)
    env = dict(os.environ, CASECURITY_LESSONS_PATH=str(FIXTURES / "lessons"), TMPDIR=str(scratch))
    command = [sys.executable, "-m", "casecurity.grade", str(folder), "--out", str(out), "--lesson", "99",
               "--timeout", "60", "--jobs", "1", "--no-sandbox", *extra]
    if not wait:
        return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_a_killed_run_resumes_without_grading_a_notebook_twice(tmp_path):
    folder = tmp_path / "class"
    _class(folder)
    full = _run(folder, tmp_path / "full" / "grades.csv")
    assert full.returncode == 0, full.stderr
    assert "3 notebook(s) were graded without a sandbox" in full.stderr  # --no-sandbox is reported
    assert "without a sandbox" in (tmp_path / "full" / "grades_report.html").read_text(encoding="utf-8")

    out = tmp_path / "run" / "grades.csv"
    journal = out.with_suffix(".journal.jsonl")
    process = _run(folder, out, wait=False)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and (not journal.exists() or journal.read_text().count("\n") < 2):
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the grader and everything it started
    process.wait()
    assert not out.exists() and journal.exists()
    graded_before = [json.loads(line)["submission"] for line in journal.read_text().splitlines()[1:]]
    assert graded_before == [str(folder / "a.ipynb")]

    again = _run(folder, out)
    assert again.returncode == 2 and "add --resume" in again.stderr  # never silently starts over

    resumed = _run(folder, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming: 1 of 3" in resumed.stderr
    progress = [line for line in resumed.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 2 and not any("a.ipynb" in line for line in progress)  # a is not graded twice
    assert out.read_text(encoding="utf-8") == (tmp_path / "full" / "grades.csv").read_text(encoding="utf-8")
    assert not journal.exists()


@pytest.mark.skipif(subprocess.run(["sh", "-c", "docker info"], capture_output=True).returncode != 0,
                    reason="no Docker engine here (docker info fails)")
@pytest.mark.slow
def test_docker_sandbox_grades_like_bubblewrap(tmp_path):
    if sandbox.unavailable_reason("docker"):
        pytest.skip(sandbox.unavailable_reason("docker"))
    rows = grade.grade_notebook(SUBMISSIONS / "all_correct.ipynb", lesson="99", isolation="docker")
    assert [(r["question"], r["status"]) for r in rows] == [("q1", "correct"), ("q2", "correct"), ("q3", "correct")]
