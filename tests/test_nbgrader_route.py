"""The nbgrader route: the real nbgrader 0.9.6 grades the course's exercise set as the course does.

`python -m casecurity.nbgrader` writes an nbgrader course; nbgrader (installed from PyPI into
its own virtual environment under build/, as its pins clash with the course's) generates the
student version and autogrades three submissions: strong, partial and empty. Its scores must
equal the course grader's on the same notebooks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from casecurity import nbgrader as route
from casecurity.exercises import get_lesson
from casecurity.grade import grade_notebook

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NBGRADER = "nbgrader==0.9.6"
VENV = ROOT / "build" / "nbgrader-venv"
LESSON = "02"
SOLUTIONS = ROOT / "solutions" / "02_alliances_solutions.ipynb"

SCORES = """
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///" + sys.argv[1]) as gradebook:
    scores = {}
    for student in ("strong", "partial", "empty"):
        submission = gradebook.find_submission_notebook("02_alliances", "lesson02", student)
        scores[student] = {grade.name: grade.score for grade in submission.grades}
print(json.dumps(scores))
"""


@pytest.fixture(scope="session")
def nbgrader_bin() -> Path:
    """nbgrader in its own venv (built once, kept under build/ for later runs)."""
    nbgrader = VENV / "bin" / "nbgrader"
    if not nbgrader.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        # the course's own uv (requirements.lock pins it), bytecode compiled as pip does: a fifth of
        # pip's time on a fresh machine; pip when uv is missing or fails (an index only pip is set up for)
        uv = Path(sys.executable).parent / "uv"
        installed = None
        if uv.exists() and subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(VENV)],
                                          capture_output=True).returncode == 0:
            installed = subprocess.run([str(uv), "pip", "install", "-q", "--compile-bytecode", "--python",
                                        str(VENV / "bin" / "python"), NBGRADER], capture_output=True, text=True)
        if installed is None or installed.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            installed = subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", NBGRADER],
                                       capture_output=True, text=True)
        assert installed.returncode == 0, f"could not install {NBGRADER} from PyPI:\n{installed.stderr[-2000:]}"
    return nbgrader


def run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def course_kernel(folder: Path) -> Path:
    """A Jupyter data folder whose "python3" kernel is the course's Python (where casecurity is)."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (course)", "language": "python"}))
    return folder


def test_conversion_marks_solution_test_and_manual_cells():
    notebook = route.convert(SOLUTIONS)
    lesson = get_lesson(LESSON)
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells if "nbgrader" in c.metadata}
    for name, question in lesson.questions.items():
        if question.kind == "reflection":
            meta = by_id[f"lesson{LESSON}-{name}"].metadata["nbgrader"]
            assert meta["solution"] and meta["grade"] and meta["points"] == question.points
        else:
            test = by_id[f"lesson{LESSON}-{name}-test"]
            assert test.metadata["nbgrader"]["locked"] and test.metadata["nbgrader"]["points"] == question.points
            # it names its question and never reads the shared variable `answer`
            assert f'"{name}"' in test.source and not re.search(r"\banswer\b", test.source.split("\n")[-1])
            assert by_id[f"lesson{LESSON}-{name}-answer"].metadata["nbgrader"]["solution"]
    assert not any("### BEGIN TEMPLATE" in c.source for c in notebook.cells)


def test_bad_arguments_get_one_line(tmp_path, capsys):
    assert route.main([str(tmp_path), "--lesson", "42"]) == 2
    assert "no exercise set for lesson 42" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert route.main([str(tmp_path / "file")]) == 2


def test_nbgrader_scores_equal_the_course_graders(nbgrader_bin, tmp_path):
    course = tmp_path / "course"
    assert route.main([str(course), "--lesson", LESSON]) == 0
    env = dict(os.environ, JUPYTER_PATH=str(course_kernel(tmp_path / "jupyter")),
               PATH=f"{nbgrader_bin.parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("CASECURITY_RESULTS", None)
    run([str(nbgrader_bin), "generate_assignment", "lesson02", "--force"], course, env)
    released = nbformat.read(course / "release" / "lesson02" / "02_alliances.ipynb", as_version=4)
    source = nbformat.read(course / "source" / "lesson02" / "02_alliances.ipynb", as_version=4)
    assert not any("### BEGIN SOLUTION" in c.source for c in released.cells)
    assert any("# # Fill in each ____" in c.source for c in released.cells), "templates kept for students"

    # strong: the model answers; partial: the first half answered; empty: the student version
    partial = nbformat.from_dict(json.loads(json.dumps(released)))
    solution_cells = [i for i, c in enumerate(source.cells)
                      if c.metadata.get("nbgrader", {}).get("solution") and not c.metadata["nbgrader"]["grade"]]
    for i in solution_cells[: len(solution_cells) // 2]:
        partial.cells[i].source = source.cells[i].source
    submissions = {"strong": source, "partial": partial, "empty": released}
    for student, notebook in submissions.items():
        target = course / "submitted" / student / "lesson02" / "02_alliances.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
    run([str(nbgrader_bin), "autograde", "lesson02", "--create", "--force"], course, env)
    scores = json.loads(run([str(nbgrader_bin.parent / "python"), "-c", SCORES,
                             str(course / "gradebook.db")], course, env).stdout)

    lesson = get_lesson(LESSON)
    auto = {name for name, q in lesson.questions.items() if q.kind != "reflection"}
    totals = {}
    for student in submissions:
        rows = grade_notebook(course / "submitted" / student / "lesson02" / "02_alliances.ipynb",
                              cell_timeout=120, notebook_timeout=600)
        course_points = {r["question"]: float(r["points"] or 0) for r in rows if r["question"] in auto}
        nbgrader_points = {grade_id.split("-")[1]: float(score or 0)
                           for grade_id, score in scores[student].items() if grade_id.endswith("-test")}
        assert nbgrader_points == course_points, student
        totals[student] = sum(course_points.values())
    assert totals["strong"] == len(auto)  # every auto-graded question right
    assert 0 < totals["partial"] < totals["strong"]
    assert totals["empty"] == 0
