"""python -m casecurity.grade on a folder of fixture submissions, one per failure mode."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from casecurity import grade

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"

# (submission, question) -> (lesson, status, points, max_points), worked out from each fixture
# notebook and lesson99's points (q1: 1, q2: 2, q3: 1).
EXPECTED = {
    ("all_correct", "q1"): ("99", "correct", "1", "1"),
    ("all_correct", "q2"): ("99", "correct", "2", "2"),
    ("all_correct", "q3"): ("99", "correct", "1", "1"),
    ("broken_json", ""): ("", "error", "0", "0"),
    ("crashing", "q1"): ("99", "correct", "1", "1"),  # checked before the kernel died
    ("crashing", "q2"): ("99", "error", "0", "2"),
    ("crashing", "q3"): ("99", "error", "0", "1"),
    ("deleted_reordered", "q1"): ("99", "not_attempted", "0", "1"),  # its cell was deleted
    ("deleted_reordered", "q2"): ("99", "correct", "2", "2"),  # wrong first, then right: last counts
    ("deleted_reordered", "q3"): ("99", "correct", "1", "1"),  # moved before q2
    ("infinite_loop", "q1"): ("99", "correct", "1", "1"),
    ("infinite_loop", "q2"): ("99", "correct", "2", "2"),  # the loop's cell was stopped, the rest ran
    ("infinite_loop", "q3"): ("99", "not_attempted", "0", "1"),
    ("memory_hog", "q1"): ("99", "correct", "1", "1"),
    ("memory_hog", "q2"): ("99", "not_attempted", "0", "2"),
    ("memory_hog", "q3"): ("99", "incorrect", "0", "1"),  # checked after the failed allocation
    ("partly_correct", "q1"): ("99", "incorrect", "0", "1"),  # right, then wrong: last counts
    ("partly_correct", "q2"): ("99", "correct", "2", "2"),
    ("partly_correct", "q3"): ("99", "not_attempted", "0", "1"),  # answer left as ...
    ("wrong_lesson", ""): ("00", "error", "0", "0"),
    # attacks (see README.md): each earns nothing it did not answer for
    # forged lines from other cells are ignored; the check after the cell that names the results file waits
    ("attack_forged_results", "q1"): ("99", "review", "0", "1"),
    ("attack_forged_results", "q2"): ("99", "not_attempted", "0", "2"),
    ("attack_forged_results", "q3"): ("99", "not_attempted", "0", "1"),
    # the kernel's verdict is never read; the checks after the patching cell wait for the teacher, 0 points
    ("attack_patched_checker", "q1"): ("99", "review", "0", "1"),
    ("attack_patched_checker", "q2"): ("99", "review", "0", "2"),
    ("attack_patched_checker", "q3"): ("99", "review", "0", "1"),
    ("attack_edited_outputs", "q1"): ("99", "not_attempted", "0", "1"),  # saved "✓ Correct" outputs ignored
    ("attack_edited_outputs", "q2"): ("99", "not_attempted", "0", "2"),
    ("attack_edited_outputs", "q3"): ("99", "incorrect", "0", "1"),  # a pasted quiz answer is graded, not trusted
    # the honest wrong answer before the recorder is replaced stays what it was; the checks after it
    # wait for the teacher (the source scan), and the forged lines they wrote earn nothing
    ("attack_recorder_overwritten", "q1"): ("99", "incorrect", "0", "1"),
    ("attack_recorder_overwritten", "q2"): ("99", "review", "0", "2"),
    ("attack_recorder_overwritten", "q3"): ("99", "review", "0", "1"),
    # reading ex.qK.expected: the cell's answer waits for the teacher, its points held (issue #24)
    ("attack_reads_expected", "q1"): ("99", "review", "0", "1"),
    ("attack_reads_expected", "q2"): ("99", "review", "0", "2"),
    ("attack_reads_expected", "q3"): ("99", "review", "0", "1"),
    ("attack_reflective_expected", "q1"): ("99", "review", "0", "1"),  # getattr/vars/attrgetter on a question
    ("attack_reflective_expected", "q2"): ("99", "review", "0", "2"),
    ("attack_reflective_expected", "q3"): ("99", "review", "0", "1"),
    ("attack_lesson_helpers", "q1"): ("99", "incorrect", "0", "1"),  # an honest cell is not touched
    ("attack_lesson_helpers", "q2"): ("99", "review", "0", "2"),  # ex._helper() / fixture_key() give the answers
    ("attack_lesson_helpers", "q3"): ("99", "review", "0", "1"),
    ("attack_equal_to_anything", "q1"): ("99", "incorrect", "0", "1"),  # recorded as plain data, __eq__ is lost
    ("attack_equal_to_anything", "q2"): ("99", "incorrect", "0", "2"),
    ("attack_equal_to_anything", "q3"): ("99", "incorrect", "0", "1"),
    ("attack_solution_in_grader", "q1"): ("99", "incorrect", "0", "1"),  # the grader's kernel sees no solutions
    ("attack_solution_in_grader", "q2"): ("99", "not_attempted", "0", "2"),
    ("attack_solution_in_grader", "q3"): ("99", "not_attempted", "0", "1"),
    ("errors_and_quiz", "q1"): ("99", "error", "0", "1"),  # the cell raised before the check
    ("errors_and_quiz", "q2"): ("99", "not_attempted", "0", "2"),  # a ____ left in the template
    ("errors_and_quiz", "q3"): ("99", "correct", "1", "1"),  # answered with the quiz buttons
}


def _env(tmp_path):
    import os

    env = dict(os.environ)
    env["CASECURITY_LESSONS_PATH"] = str(FIXTURES / "lessons")
    env["CASECURITY_PROGRESS"] = str(tmp_path / "teacher-progress.json")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp_path / "tmp")  # the grader's own temporary folders land here, to be counted
    return env


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("grade")
    out, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
    command = [sys.executable, "-m", "casecurity.grade", str(SUBMISSIONS), "--out", str(out),
               "--feedback", str(feedback), "--lesson", "99", "--timeout", "5", "--memory-mb", "2048", "--jobs", "2"]
    process = subprocess.run(command, env=_env(tmp_path), capture_output=True, text=True, timeout=600)
    with open(out, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return process, rows, feedback, tmp_path


@pytest.mark.slow
def test_rows_are_exactly_the_expected_ones(graded):
    process, rows, _, _ = graded
    assert process.returncode == 0, process.stderr
    assert list(rows[0]) == list(grade.COLUMNS)
    got = {(Path(r["submission"]).stem, r["question"]): (r["lesson"], r["status"], r["points"], r["max_points"])
           for r in rows}
    assert len(rows) == len(got)  # one row per submission and question
    assert got == EXPECTED


@pytest.mark.slow
def test_the_grader_leaves_no_temporary_folder_behind(graded):
    process, _, _, tmp_path = graded
    assert process.returncode == 0, process.stderr
    left = sorted(p.name for p in (tmp_path / "tmp").iterdir())
    assert left == [], f"the grader left {left} in its temporary folder"


@pytest.mark.slow
def test_messages_explain_the_problem(graded):
    _, rows, _, _ = graded
    message = {(Path(r["submission"]).stem, r["question"]): r["message"] for r in rows}
    assert "not a valid notebook" in message[("broken_json", "")]
    assert "kernel died" in message[("crashing", "q2")]
    assert "lesson 00, not lesson 99" in message[("wrong_lesson", "")]
    assert "ran too long" in message[("infinite_loop", "q3")]
    assert message[("partly_correct", "q1")] == "your 41 is not the expected value."  # assessment: no direction
    assert message[("errors_and_quiz", "q1")].startswith("ZeroDivisionError: division by zero (line 2 ")
    assert "fill in the blanks (____)" in message[("errors_and_quiz", "q2")]
    assert message[("attack_reads_expected", "q1")] == ("held for your teacher: cell 3 reads ex.q1.expected, which "
                                                        "the checking code uses; please look")
    assert "cell 4 calls vars on ex.q2" in message[("attack_reflective_expected", "q2")]
    assert "cell 4 reads ex._fixture_countries" in message[("attack_lesson_helpers", "q2")]
    assert "cell 4, which runs before this check, imports the course's checking code" in \
        message[("attack_recorder_overwritten", "q2")]
    assert "\n" not in "".join(message.values())


@pytest.mark.slow
def test_progress_lines_summary_and_feedback(graded):
    process, rows, feedback, tmp_path = graded
    submissions = {r["submission"] for r in rows}
    progress_lines = [line for line in process.stderr.splitlines() if line.startswith("[")]
    assert len(progress_lines) == len(submissions) == 18
    assert "submission" in process.stderr and "points" in process.stderr  # the summary table
    pages = sorted(feedback.glob("*.html"))
    assert len(pages) == 18
    crashing = next(p for p in pages if "crashing" in p.name).read_text(encoding="utf-8")
    assert "kernel died" in crashing and "os._exit" not in crashing and "check(" not in crashing
    assert not (tmp_path / "teacher-progress.json").exists()  # kernels never touch the teacher's progress


@pytest.mark.parametrize("args", [[], ["x.ipynb"], ["/no/such/folder", "--out", "g.csv"],
                                  [str(SUBMISSIONS), "--out", "g.csv", "--timeout", "-1"],
                                  [str(SUBMISSIONS), "--out", "g.csv", "--lesson", "two"]])
def test_bad_usage_exits_2_with_one_line(args, capsys):
    assert grade.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("python -m casecurity.grade: error:")


def test_lesson_detection():
    def notebook(source, metadata=None):
        return {"metadata": metadata or {}, "cells": [{"cell_type": "code", "source": source}]}

    assert grade.detect_lesson(notebook("from casecurity.exercises import lesson02 as ex"))[0] == "02"
    assert grade.detect_lesson(notebook("import casecurity.exercises.lesson3"))[0] == "03"
    assert grade.detect_lesson(notebook("x = 1", {"casecurity": {"lesson": "5"}}))[0] == "05"
    several = grade.detect_lesson(notebook("from casecurity.exercises import lesson01\n"
                                           "from casecurity.exercises import lesson02"))
    assert several[0] is None and "several" in several[1]
    assert grade.detect_lesson(notebook("print(1)"))[0] is None


def test_unknown_lesson_and_undetectable_lesson_give_error_rows(tmp_path):
    import nbformat

    path = tmp_path / "no_lesson.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), path)
    rows = grade.grade_notebook(path)
    assert [(r["status"], r["question"]) for r in rows] == [("error", "")]
    assert "cannot tell the lesson" in rows[0]["message"]
    rows = grade.grade_notebook(path, lesson="96")
    assert rows[0]["status"] == "error" and "no question module for lesson 96" in rows[0]["message"]


@pytest.mark.slow
def test_a_notebook_that_edits_the_course_data_earns_nothing(tmp_path, monkeypatch):
    """Without a sandbox the edit happens and is caught; in the sandbox (test_grade_hostile) it fails."""
    import shutil

    import nbformat

    data_copy = tmp_path / "data"
    shutil.copytree(FIXTURES / "mini_data", data_copy)
    monkeypatch.setenv("CASECURITY_DATA", str(data_copy))
    monkeypatch.setenv("CASECURITY_LESSONS_PATH", str(FIXTURES / "lessons"))
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))
    cells = [nbformat.v4.new_code_cell("from casecurity.exercises import lesson99 as ex"),
             nbformat.v4.new_code_cell("import os, pathlib\n"
                                       "table = pathlib.Path(os.environ['CASECURITY_DATA']) / 'countries.csv'\n"
                                       "table.write_text(table.read_text() + '\\n')"),
             nbformat.v4.new_code_cell("ex.q1.check(42)")]
    path = tmp_path / "edits_data.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    rows = {r["question"]: r for r in grade.grade_notebook(path, lesson="99", cell_timeout=30, isolation="none")}
    assert rows["q1"]["status"] == "error" and rows["q1"]["points"] == 0
    assert "changed the course's own files" in rows["q1"]["message"]


@pytest.mark.slow
def test_expected_answers_are_computed_before_the_notebook_runs(tmp_path, monkeypatch):
    import nbformat

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    source = tmp_path / "answer.txt"
    source.write_text("42")
    (lessons / "lesson92.py").write_text(
        "from pathlib import Path\nfrom casecurity.exercises import ValueQuestion, define_lesson\n"
        f"q1 = ValueQuestion('x', expected=lambda: int(Path({str(source)!r}).read_text()))\n"
        "define_lesson(__name__, title='frozen', notebook='92_frozen')\n")
    monkeypatch.setenv("CASECURITY_LESSONS_PATH", str(lessons))
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))
    cells = [nbformat.v4.new_code_cell("from casecurity.exercises import lesson92 as ex"),
             # the notebook rewrites what the expected answer is computed from, then answers to match
             nbformat.v4.new_code_cell(f"open({str(source)!r}, 'w').write('41')\nex.q1.check(41)")]
    path = tmp_path / "rewrites_expected.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    # without a sandbox, so that the notebook can reach the file (the sandbox would hide it)
    rows = grade.grade_notebook(path, cell_timeout=30, isolation="none")
    assert source.read_text() == "41"  # the notebook did run
    assert [(r["question"], r["status"], r["points"]) for r in rows] == [("q1", "incorrect", 0)]
