"""The teacher's marking loop (issue #11): written answers in the outputs, rubric points, hand-given
marks applied without re-running notebooks, gates for reflections, and the class report."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import nbformat
import pytest

from casecurity import grade
from casecurity.exercises import ReflectionQuestion, register_questions

LESSON = '''
from casecurity.exercises import ReflectionQuestion, ValueQuestion, define_lesson

q1 = ValueQuestion("What is six times seven?", expected=lambda: 42)
q2 = ReflectionQuestion("Why does the pledge matter? Answer in 20-60 words.", model_answer="Because.",
                        rubric=[("Names the pledge", 2), "Gives a reason"])
define_lesson(__name__, title="Marking fixture", notebook="94_fixture")
'''
ESSAY = ("The pledge matters because it turns a promise of help into a shared duty, so an attack on one member "
         "raises the cost for the attacker and gives small states some cover they could not buy alone.")


def test_reflection_gates_follow_the_prompt():
    q = register_questions("93", {"q1": ReflectionQuestion("Explain it in 120–250 words.", rubric=["a", ("b", 3)])},
                           title="gates").questions["q1"]
    assert q.points == 4 and q.min_words == 120 and q.max_words == 250  # each criterion has points
    eighty = " ".join(f"word{i}" for i in range(80))
    assert q.check(eighty).status == "needs_more" and "at least 120" in q.check(eighty).message
    assert q.check(" ".join(["word"] * 130)).status == "needs_more"  # a repeated word
    copied = q.check(" ".join(["Explain it in 120–250 words."] * 1) + " " + " ".join(f"w{i}" for i in range(10)))
    assert copied.status == "needs_more"
    assert "Model answer" not in copied.details  # "needs more" does not unlock the model answer
    text = " ".join(f"distinct{i}" for i in range(150))
    assert q.check(text).status == "submitted"
    assert q.check(" ".join(f"d{i}" for i in range(400))).status == "needs_more"  # far over the range


@pytest.fixture
def graded_class(tmp_path, lesson_module):
    lesson_module("94", LESSON)
    submissions = tmp_path / "class"
    submissions.mkdir()
    for name, q1, essay in (("ann", "42", ESSAY), ("bob", "41", ESSAY), ("cy", "41", "short")):
        cells = [nbformat.v4.new_code_cell("from casecurity.exercises import lesson94 as ex"),
                 nbformat.v4.new_code_cell(f"ex.q1.check({q1})"),
                 nbformat.v4.new_code_cell(f"ex.q2.check({essay!r})")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), submissions / f"{name}.ipynb")
    other = [nbformat.v4.new_code_cell("from casecurity.exercises import lesson95 as ex")]
    nbformat.write(nbformat.v4.new_notebook(cells=other), submissions / "stray.ipynb")
    out, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
    env = {**__import__("os").environ}
    run = subprocess.run([sys.executable, "-m", "casecurity.grade", str(submissions), "--out", str(out),
                          "--feedback", str(feedback), "--timeout", "30"], env=env, capture_output=True, text=True,
                         timeout=600)
    return tmp_path, out, feedback, run, env


def _rows(out):
    with open(out, newline="", encoding="utf-8") as stream:
        return {(r["submission"].rsplit("/", 1)[-1], r["question"]): r for r in csv.DictReader(stream)}


@pytest.mark.slow
def test_class_is_graded_marked_and_reported_without_rerunning(graded_class):
    tmp_path, out, feedback, run, env = graded_class
    assert run.returncode == 0, run.stderr
    rows = _rows(out)
    essay = rows[("ann.ipynb", "q2")]
    assert essay["status"] == "submitted" and essay["max_points"] == "3" and essay["answer"] == ESSAY
    assert rows[("cy.ipynb", "q2")]["status"] == "needs_more"
    page = (feedback / next(p.name for p in feedback.iterdir() if "ann" in p.name)).read_text(encoding="utf-8")
    assert ESSAY in page and "Names the pledge" in page and "(2 point(s))" in page
    # the class report: hardest question first, commonest wrong answer, and the odd lesson named
    assert "lesson94.q1: attempted 3/3, correct 1/3; wrong: 41 (2)" in run.stderr
    assert "mixes lessons" in run.stderr and "stray.ipynb" in run.stderr
    report = (tmp_path / "grades_report.html").read_text(encoding="utf-8")
    assert report.index("lesson94.q2") < report.index("lesson94.q1")  # 0 correct before 1 correct
    # hand-given marks: applied to the stored answers, nothing re-run (the notebooks are gone)
    for notebook in (tmp_path / "class").iterdir():
        notebook.unlink()
    marks = tmp_path / "marks.csv"
    marks.write_text("submission,question,criterion,points,comment\n"
                     "ann.ipynb,q2,1,2,names the pledge clearly\n"
                     "ann,q2,Gives a reason,0.5,the reason needs evidence\n"
                     "bob.ipynb,q2,,3,\n", encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "casecurity.grade", "--out", str(out), "--marks", str(marks),
                            "--feedback", str(tmp_path / "feedback")], env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    rows = _rows(out)
    assert (rows[("ann.ipynb", "q2")]["status"], rows[("ann.ipynb", "q2")]["points"]) == ("marked", "2.5")
    assert "the reason needs evidence" in rows[("ann.ipynb", "q2")]["message"]
    assert rows[("bob.ipynb", "q2")]["points"] == "3"
    assert rows[("ann.ipynb", "q1")]["status"] == "correct"  # automatic verdicts unchanged
    page = (feedback / next(p.name for p in feedback.iterdir() if "ann" in p.name)).read_text(encoding="utf-8")
    assert "3.5 of 4 points" in page and "(2 of 2)" in page  # q1 (1) + q2 marked 2 + 0.5
    assert "names the pledge clearly" in page and "the reason needs evidence" in page  # the marker's comments
    stored = json.loads((tmp_path / "grades.json").read_text(encoding="utf-8"))
    assert any(r.get("marks") for r in stored["rows"])


@pytest.mark.parametrize(("line", "why"), [
    ("ann.ipynb,q9,,1,", "no graded question 'q9'"),
    ("ann.ipynb,q2,7,1,", "not one of the 2 rubric criteria"),
    ("ann.ipynb,q2,1,5,", "outside 0–2"),
    ("ann.ipynb,q2,,lots,", "points must be a number"),
])
def test_bad_marks_give_one_line_and_change_nothing(tmp_path, capsys, line, why):
    rows = [dict(submission="class/ann.ipynb", lesson="94", question="q2", status="submitted", points=0,
                 max_points=3, message="m", answer="text", rubric=[["Names the pledge", 2], ["Gives a reason", 1]])]
    out = tmp_path / "grades.csv"
    grade.save_graded(rows, grade.graded_path(out))
    marks = tmp_path / "marks.csv"
    marks.write_text("submission,question,criterion,points,comment\n" + line + "\n", encoding="utf-8")
    assert grade.main(["--out", str(out), "--marks", str(marks)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and why in err and "marks.csv line 2" in err
    assert not out.exists()
