"""Every exercise set, graded exactly as a teacher would grade it.

- solutions/NN: every auto-graded question is correct, the reflection is submitted;
- exercises/NN (the untouched student version): runs cleanly, every question not attempted.
Questions come from casecurity.exercises.lessonNN, so a question without a check cell shows up
as not_attempted in the solutions and fails here.
"""

from pathlib import Path

import pytest

from casecurity.exercises import ReflectionQuestion, get_lesson
from casecurity.grade import grade_notebook

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted(p.name for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def statuses(path: Path) -> dict[str, str]:
    rows = grade_notebook(path, cell_timeout=120, notebook_timeout=600)
    errors = [r["message"] for r in rows if r["status"] == "error"]
    assert not errors, f"{path.name}: {errors}"
    return {r["question"]: r["status"] for r in rows}


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_solution_notebook_answers_every_question_correctly(name):
    lesson = get_lesson(name[:2])
    expected = {q: "submitted" if isinstance(question, ReflectionQuestion) else "correct"
                for q, question in lesson.questions.items()}
    assert statuses(ROOT / "solutions" / name) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_exercise_notebook_runs_with_every_question_not_attempted(name):
    lesson = get_lesson(name[:2])
    got = statuses(ROOT / "exercises" / name.replace("_solutions.ipynb", "_exercises.ipynb"))
    assert got == dict.fromkeys(lesson.questions, "not_attempted")
