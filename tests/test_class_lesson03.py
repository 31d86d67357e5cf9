"""Issue #24's own scenario on the real lesson 03: a Moodle download of lesson-03 notebooks, built
from the course's solutions and exercises notebooks, one student using ``getattr(row, "parties")``
and ``import inspect`` in q4, one getting the course's friendly "did you mean" error there."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NAME = "03_treaties_exercises.ipynb"

GETATTR_Q4 = ('import inspect\nuzbek_defence = data.treaties(party="UZB", obligation="defense", kind="bilateral")\n'
              'assert "party" in inspect.signature(data.treaties).parameters\n'
              'answer = sorted({code for row in uzbek_defence.itertuples() for code in getattr(row, "parties")'
              '.split(";")} - {"UZB"})\nex.q4.check(answer)')
COURSE_ERROR_Q4 = ('uzbek_defence = data.treaties(party="UZB", obligation="defence", kind="bilateral")\n'
                   'answer = sorted(uzbek_defence["parties"])\nex.q4.check(answer)')


def _with_q4(source: Path, q4: str, target: Path) -> None:
    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "ex.q4.check" in cell.source:
            cell.source = q4
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)


@pytest.mark.slow
def test_a_moodle_class_of_lesson_03(tmp_path):
    folder = tmp_path / "submissions"
    solutions = ROOT / "solutions" / "03_treaties_solutions.ipynb"
    _with_q4(solutions, GETATTR_Q4, folder / "Aigerim Bekova_2001_assignsubmission_file_" / NAME)
    _with_q4(solutions, COURSE_ERROR_Q4, folder / "Daniyar Omarov_2002_assignsubmission_file_" / NAME)
    _with_q4(ROOT / "exercises" / NAME, "answer = ...  # your code here\nex.q4.check(answer)",
             folder / "Malika Yusupova_2003_assignsubmission_file_" / NAME)
    out = tmp_path / "grades.csv"
    env = {**os.environ, "CASECURITY_PROGRESS": str(tmp_path / "progress.json")}
    run = subprocess.run([sys.executable, "-m", "casecurity.grade", str(folder), "--out", str(out), "--lesson", "03",
                          "--timeout", "120", "--export", "wide"], env=env, capture_output=True, text=True,
                         timeout=1800, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        rows = {(r["student"], r["question"]): r for r in csv.DictReader(stream)}
    aigerim = {q: r["status"] for (s, q), r in rows.items() if s == "Aigerim Bekova"}
    # honest getattr and inspect: every automatic question is graded, none held or zeroed
    assert aigerim["q4"] == "correct" and "review" not in aigerim.values() and "error" not in aigerim.values()
    daniyar = rows[("Daniyar Omarov", "q4")]
    assert daniyar["status"] == "error"
    assert daniyar["message"].startswith("CourseError: ") and "did you mean 'defense'?" in daniyar["message"]
    assert rows[("Malika Yusupova", "q4")]["status"] == "not_attempted"
    assert rows[("Malika Yusupova", "q4")]["answer"] == ""
    with open(tmp_path / "grades_wide.csv", newline="", encoding="utf-8") as stream:
        wide = list(csv.DictReader(stream))
    assert [w["student"] for w in wide] == ["Aigerim Bekova", "Daniyar Omarov", "Malika Yusupova"]
    assert [w["student_id"] for w in wide] == ["2001", "2002", "2003"]
