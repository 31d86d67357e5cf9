"""The teacher's class (issue #24): a class folder laid out like a Moodle "Download all submissions",
graded with students' names, honest code not punished, marks that replace, the report leading with
what waits, and gradebook exports in the columns Canvas and Moodle document."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from casecurity import grade, roster
from casecurity.exports import canvas, moodle

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"
NOTEBOOK = "99_fixture_exercises.ipynb"  # every student hands in the same file name, as in a real class

# student (as Moodle names the folder) -> the fixture notebook they hand in
CLASS = {
    "Aigerim Bekova_1001": "all_correct.ipynb",
    "Daniyar Omarov_1002": "partly_correct.ipynb",
    "Malika Yusupova_1003": "honest_getattr",  # all_correct, with honest reflection in q1's cell
    "Timur Aliev_1004": "attack_reads_expected.ipynb",
    "Zarina Karimova_1005": "wrong_lesson.ipynb",  # another lesson's notebook
}


def _honest_copy(target: Path) -> None:
    """all_correct.ipynb with code the old scan zeroed: getattr on a row, import inspect, vars(obj)."""
    notebook = nbformat.read(SUBMISSIONS / "all_correct.ipynb", as_version=4)
    for cell in notebook.cells:
        if "ex.q1.check" in cell.source:
            cell.source = ("import inspect\nfrom collections import namedtuple\n"
                           "Row = namedtuple('Row', 'factor')\nrow = Row(7)\n"
                           "class Box:\n    def __init__(self):\n        self.n = 6\n"
                           "answer = vars(Box())['n'] * getattr(row, 'factor')  # getattr(ex.q1, ...) in a comment\n"
                           "assert inspect.isclass(Box)\nex.q1.check(answer)")
    nbformat.write(notebook, target)


def build_moodle_class(folder: Path) -> Path:
    """A class folder as Moodle's "Download all submissions" unpacks it: one folder per student."""
    for student, source in CLASS.items():
        place = folder / f"{student}_assignsubmission_file_"
        place.mkdir(parents=True)
        if source == "honest_getattr":
            _honest_copy(place / NOTEBOOK)
        else:
            shutil.copy(SUBMISSIONS / source, place / NOTEBOOK)
    return folder


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["CASECURITY_LESSONS_PATH"] = str(FIXTURES / "lessons")
    env["CASECURITY_PROGRESS"] = str(tmp_path / "teacher-progress.json")
    return env


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casecurity.grade", *args], env=_env(tmp_path), capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)


def _csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("class")
    folder = build_moodle_class(tmp_path / "submissions")
    out = tmp_path / "grades.csv"
    run = _run(tmp_path, str(folder), "--out", str(out), "--feedback", str(tmp_path / "feedback"), "--lesson", "99",
               "--timeout", "30", "--export", "canvas")
    return tmp_path, out, run


# --- students have names ---------------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("class/Ann Lee_4711_assignsubmission_file_/03_treaties_exercises.ipynb", ("4711", "Ann Lee", "moodle")),
    ("class/Ann Lee_4711_assignsubmission_file_03_treaties_exercises.ipynb", ("4711", "Ann Lee", "moodle")),
    ("class/leeann_340934_208490284_03_treaties_exercises.ipynb", ("340934", "leeann", "canvas")),
    ("class/leeann_LATE_340934_208490284_03_treaties_exercises-1.ipynb", ("340934", "leeann", "canvas")),
    ("class/ann/03_treaties_exercises.ipynb", ("ann", "ann", "folder name")),
    ("class/ann_lee.ipynb", ("ann_lee", "ann_lee", "file name")),
])
def test_the_student_is_read_from_the_download_layout(path, expected):
    student = roster.infer_student(Path(path), Path("class"))
    assert (student.id, student.name, student.source) == expected


def test_a_roster_claims_files_and_folders_and_names_the_rest(tmp_path):
    folder = tmp_path / "class"
    (folder / "Ann Lee_4711_assignsubmission_file_").mkdir(parents=True)
    (folder / "Ann Lee_4711_assignsubmission_file_" / NOTEBOOK).write_text("{}")
    (folder / "bo.ipynb").write_text("{}")
    (folder / "stray.ipynb").write_text("{}")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("Student ID,Name,Email,Path\nS-1,Ann Lee,ann@example.edu,\n"
                     "S-2,Bo Chen,bo@example.edu,class/bo.ipynb\n", encoding="utf-8")
    students = roster.load_roster(sheet)
    found, warnings = roster.assign_students(sorted(folder.rglob("*.ipynb")), students, [folder])
    by_name = {Path(p).name if "Lee" not in p else "ann": s for p, s in found.items()}
    assert (by_name["ann"].id, by_name["ann"].email) == ("S-1", "ann@example.edu")  # matched by the Moodle name
    assert by_name["bo.ipynb"].id == "S-2"  # claimed by its path
    assert by_name["stray.ipynb"].source == "file name"
    assert warnings == [f"{folder / 'stray.ipynb'}: not on the roster; graded as stray (from the file name)"]


@pytest.mark.parametrize(("text", "why"), [
    ("name,email\nAnn,a@x\n", "needs the columns id and name"),
    ("id,name\n1,Ann\n1,Bo\n", "line 3: the id '1' is already on line 2"),
    ("id,name\n1,\n", "line 2: every student needs an id and a name"),
])
def test_a_bad_roster_is_one_line(tmp_path, capsys, text, why):
    sheet = tmp_path / "roster.csv"
    sheet.write_text(text, encoding="utf-8")
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    assert grade.main([str(notebook), "--out", str(tmp_path / "g.csv"), "--roster", str(sheet)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and why in err


@pytest.mark.slow
def test_every_row_and_page_names_the_student(graded_class):
    tmp_path, out, run = graded_class
    assert run.returncode == 0, run.stderr
    rows = _csv(out)
    assert list(rows[0])[:2] == ["student_id", "student"] and set(grade.COLUMNS) == set(rows[0])
    assert {(r["student_id"], r["student"]) for r in rows} == {
        ("1001", "Aigerim Bekova"), ("1002", "Daniyar Omarov"), ("1003", "Malika Yusupova"), ("1004", "Timur Aliev"),
        ("1005", "Zarina Karimova")}
    pages = sorted((tmp_path / "feedback").glob("*.html"))
    assert len(pages) == 5  # same file name, five pages
    titles = {p.read_text(encoding="utf-8").split("<title>")[1].split("</title>")[0] for p in pages}
    assert "Feedback for Aigerim Bekova (1001)" in titles and len(titles) == 5
    assert "Aigerim Bekova" in run.stderr.split("Waiting for you")[0]  # the per-notebook progress lines


@pytest.mark.slow
def test_honest_code_is_graded_and_reaching_in_waits_for_the_teacher(graded_class):
    _, out, _ = graded_class
    rows = {(r["student_id"], r["question"]): r for r in _csv(out)}
    assert [rows[("1003", q)]["status"] for q in ("q1", "q2", "q3")] == ["correct"] * 3
    assert rows[("1003", "q1")]["points"] == "1"
    timur = [rows[("1004", q)] for q in ("q1", "q2", "q3")]
    assert [(r["status"], r["points"]) for r in timur] == [("review", "0")] * 3
    assert timur[0]["message"] == ("held for your teacher: cell 3 reads ex.q1.expected, which the checking code "
                                   "uses; please look")


@pytest.mark.slow
def test_the_report_leads_with_what_waits_and_sets_other_lessons_apart(graded_class):
    tmp_path, out, run = graded_class
    report = (tmp_path / "grades_report.html").read_text(encoding="utf-8")
    assert report.index("Waiting for you") < report.index("Questions, hardest first")
    # Timur's 3 held answers; Daniyar's q3 is not attempted (nothing to review), Zarina's notebook is apart
    assert "Waiting for you: 3 answer(s) to review from 1 student(s)" in run.stderr
    assert "Timur Aliev (1004): 0/4, 3 to review" in run.stderr
    assert 'href="feedback/' in report
    assert "Notebooks from another lesson" in report and "lesson 00, not lesson 99" in report
    assert "lesson99.q1: attempted 4/4" in run.stderr  # Zarina's lesson-00 notebook is not counted
    assert "lesson00" not in run.stderr


@pytest.mark.slow
def test_canvas_export_has_the_documented_columns(graded_class):
    tmp_path, out, _ = graded_class
    with open(tmp_path / "grades_canvas.csv", newline="", encoding="utf-8") as stream:
        table = list(csv.reader(stream))
    # Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then assignments
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lesson 99 total",
                        "Lesson 99 q1", "Lesson 99 q2", "Lesson 99 q3"]
    assert table[0][:5] == canvas.HEADER
    rows = {r[1]: r for r in table[1:]}
    assert rows["1001"] == ["Bekova, Aigerim", "1001", "", "", "", "4", "1", "2", "1"]
    assert rows["1002"][5:] == ["2", "0", "2", "0"]  # partly correct: 41 then right set, q3 left as ...
    assert "1005" not in rows  # the other lesson's notebook is not in this lesson's column


@pytest.mark.slow
def test_marks_replace_name_students_and_feed_the_moodle_export(graded_class, tmp_path):
    base, out, _ = graded_class
    work = tmp_path / "work"
    shutil.copytree(base, work, ignore=shutil.ignore_patterns("submissions"))
    out = work / "grades.csv"
    marks = work / "marks.csv"
    marks.write_text("submission,question,criterion,points,comment\n"
                     "Timur Aliev,q1,,clear,fine: he printed it first\n"
                     "1004,q2,,confirm,copied the expected answer\n"
                     "Daniyar Omarov,q3,,1,answered on paper\n", encoding="utf-8")
    sheet = work / "roster.csv"
    sheet.write_text("id,name,email\n1001,Aigerim Bekova,aigerim@example.edu\n1004,Timur Aliev,timur@example.edu\n",
                     encoding="utf-8")
    first = _run(work, "--out", str(out), "--marks", str(marks), "--roster", str(sheet), "--export", "moodle")
    assert first.returncode == 0, first.stderr
    assert "warning: marks.csv line 4: Daniyar Omarov (1002) did not answer q3" in first.stderr
    rows = {(r["student_id"], r["question"]): r for r in _csv(out)}
    # cleared: the automatic verdict comes back. Since issue #18 ex.q1 has no expected(), so the
    # attack's cell raised before its check ran, and that verdict is the cell's error, with no point
    assert (rows[("1004", "q1")]["status"], rows[("1004", "q1")]["points"]) == ("error", "0")
    assert "has no attribute 'expected'" in rows[("1004", "q1")]["message"]
    assert (rows[("1004", "q2")]["status"], rows[("1004", "q2")]["points"]) == ("marked", "0")
    assert rows[("1002", "q3")]["points"] == "1"
    with open(work / "grades_moodle.csv", newline="", encoding="utf-8") as stream:
        table = list(csv.reader(stream))
    assert table[0][:4] == moodle.HEADER == ["First name", "Last name", "ID number", "Email address"]
    assert ["Timur", "Aliev", "1004", "timur@example.edu", "0", "0", "0", "0"] in table  # q1 cleared: its error
    # the corrected file drops two lines: their marks go, and the automatic verdicts come back
    marks.write_text("submission,question,criterion,points,comment\n"
                     "1004,q2,,confirm,copied the expected answer\n", encoding="utf-8")
    again = _run(work, "--out", str(out), "--marks", str(marks))
    assert again.returncode == 0, again.stderr
    rows = {(r["student_id"], r["question"]): r for r in _csv(out)}
    assert (rows[("1004", "q1")]["status"], rows[("1004", "q1")]["points"]) == ("review", "0")
    assert (rows[("1002", "q3")]["status"], rows[("1002", "q3")]["points"]) == ("not_attempted", "0")
    stored = json.loads((work / "grades.json").read_text(encoding="utf-8"))["rows"]
    assert sum(bool(r.get("marks")) for r in stored) == 1


@pytest.mark.slow
@pytest.mark.parametrize(("lines", "why"), [
    ("99_fixture_exercises.ipynb,q1,,1,\n", "matches several submissions"),
    ("1004,q1,,1,\n1004,q1,,0,\n", "already marked on line 2"),
    ("1004,q1,,clear,\n1004,q1,1,1,\n", "not one of the 0 rubric criteria"),
    ("1001,q1,,confirm,\n", "only for a whole question in review"),
])
def test_bad_marks_on_the_class_are_one_line(graded_class, tmp_path, lines, why):
    base, _, _ = graded_class
    work = tmp_path / "work"
    shutil.copytree(base, work, ignore=shutil.ignore_patterns("submissions"))
    marks = work / "marks.csv"
    marks.write_text("submission,question,criterion,points,comment\n" + lines, encoding="utf-8")
    run = _run(work, "--out", str(work / "grades.csv"), "--marks", str(marks))
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and why in run.stderr


def test_a_question_marked_whole_and_per_criterion_is_one_line(tmp_path, capsys):
    rows = [dict(student_id="7", student="Ann Lee", submission="class/ann.ipynb", lesson="94", question="q2",
                 status="submitted", points=0, max_points=3, message="m", answer="text",
                 rubric=[["Names the pledge", 2], ["Gives a reason", 1]])]
    out = tmp_path / "grades.csv"
    grade.save_graded(rows, grade.graded_path(out))
    marks = tmp_path / "marks.csv"
    marks.write_text("submission,question,criterion,points,comment\nAnn Lee,q2,1,1.5,\nann,q2,,2,re-read\n",
                     encoding="utf-8")
    assert grade.main(["--out", str(out), "--marks", str(marks)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "marked both as a whole and per criterion (see line 2)" in err


def test_feedback_names_the_student_and_says_held_points_wait(tmp_path):
    rows = [dict(student_id="1004", student="Timur Aliev", submission="class/t/99.ipynb", lesson="99", question="q1",
                 status="review", points=0, max_points=1, held_points=1,
                 message="held for your teacher: cell 3 reads ex.q1.expected, which the checking code uses; please look"),
            dict(student_id="1004", student="Timur Aliev", submission="class/t/99.ipynb", lesson="99", question="q2",
                 status="correct", points=2, max_points=2, message="right")]
    page = grade.write_feedback(rows, tmp_path).read_text(encoding="utf-8")
    assert "<title>Feedback for Timur Aliev (1004)</title>" in page
    assert "2 of 3 points; 1 point(s) wait until your teacher has looked at the cells named below." in page
    assert "Your teacher will look at this answer" in page
