"""QA round for the grader: what a teacher reads in the CSV, on stderr and in the feedback pages.

Uses a small lesson written into tmp_path (found through CASECURITY_LESSONS_PATH), with a
written reflection, so that the tests do not depend on the dataset.
"""

from __future__ import annotations

import nbformat
import pytest

from casecurity import grade

LESSON = '''
from casecurity.exercises import ReflectionQuestion, ValueQuestion, define_lesson

q1 = ValueQuestion("What is six times seven?", expected=lambda: 42)
q2 = ValueQuestion("What is two plus two?", expected=lambda: 4)
q3 = ReflectionQuestion("Why?", model_answer="Because.", rubric=["says why"])
define_lesson(__name__, title="QA grading fixture", notebook="95_fixture")
'''


@pytest.fixture
def lesson95(tmp_path, lesson_module):
    lesson_module("95", LESSON)
    return tmp_path


def _submission(folder, *sources):
    cells = [nbformat.v4.new_code_cell("from casecurity.exercises import lesson95 as ex")]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / "student.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.mark.slow
def test_never_checked_rows_say_why(lesson95):
    path = _submission(lesson95, "answer = 1 / 0\nex.q1.check(answer)",
                       'ex.q3.check("""It matters because the pledge is collective.""")')
    rows = {r["question"]: r for r in grade.grade_notebook(path, cell_timeout=30, notebook_timeout=120)}
    # a cell that raises is an error (type, message and line), not "not attempted" (issue #11)
    assert rows["q1"]["status"] == "error"
    assert rows["q1"]["message"] == ("ZeroDivisionError: division by zero (line 1 of the cell that checks q1); "
                                     "the check did not run")
    assert rows["q2"]["message"] == "never checked: no cell calls ex.q2.check(...) (deleted or renamed?)"
    # the learner's "compare with the model answer below" has no "below" in a CSV or feedback page
    assert rows["q3"]["status"] == "submitted"
    assert rows["q3"]["message"] == "7 words; your teacher grades this answer by hand."


def _rows(statuses):
    points = {"correct": 1}
    return [dict(submission="class/ann.ipynb", lesson="95", question=f"q{i}", status=status,
                 points=points.get(status, 0), max_points=1, message="m")
            for i, status in enumerate(statuses, 1)]


def test_written_answers_count_as_to_review_not_as_lost_points(tmp_path):
    rows = _rows(["correct", "correct", "submitted"])
    assert grade._points_text(rows) == "2/3 (1 to review)"
    assert "2/3 (1 to review)" in grade._summary(rows)
    page = grade.write_feedback(rows, tmp_path).read_text(encoding="utf-8")
    assert "2 of 3 points; 1 more point(s) for the written answer, which your teacher grades by hand." in page
    assert "<td>to grade / 1</td>" in page
    assert "<style>" in page and "border" in page  # a readable table, not bare unstyled cells


def test_feedback_for_an_ungradable_notebook_says_so(tmp_path):
    rows = [dict(submission="class/bad.ipynb", lesson="", question="", status="error", points=0, max_points=0,
                 message="not a valid notebook file (JSONDecodeError); ask for a fresh copy")]
    page = grade.write_feedback(rows, tmp_path).read_text(encoding="utf-8")
    assert "This notebook could not be graded" in page
    assert "Lesson :" not in page


@pytest.mark.parametrize("option", ["--out", "--feedback"])
def test_an_unusable_output_path_is_refused_before_grading(tmp_path, capsys, option):
    folder, a_file = tmp_path / "folder", tmp_path / "a_file"
    folder.mkdir()
    a_file.write_text("x")
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    args = [str(notebook), "--out", str(folder if option == "--out" else tmp_path / "g.csv")]
    args += ["--feedback", str(a_file)] if option == "--feedback" else []
    assert grade.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and ("is a folder" in err or "is a file" in err)
