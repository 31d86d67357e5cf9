"""docs/teaching.md's worked example ("Adding or changing a question"), built as a teacher would:
the question module and the solutions cell are taken from the guide's own code blocks, then
`make exercises` (tools/make_exercises.py) and the grader run on them in a temporary folder."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from casecurity import grade

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
make_exercises = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_exercises)


def _guide_blocks() -> list[str]:
    text = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    section = text.split("## Adding or changing a question", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    # the blocks are indented under their numbered step
    return ["\n".join(line[3:] if line.startswith("   ") else line for line in b.splitlines()) for b in blocks]


@pytest.mark.slow
def test_the_guides_worked_example_builds_and_grades(tmp_path, lesson_module):
    question, cell = _guide_blocks()[:2]
    assert "### BEGIN SOLUTION" in cell and "q11" in question
    lesson_module(
        "91", "from casecurity.exercises import CountrySetQuestion, define_lesson\n\n" + question
        + '\ndefine_lesson(__name__, title="Worked example", notebook="91_example")\n')
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from casecurity.exercises import lesson91 as ex"),
        nbformat.v4.new_code_cell(cell)], metadata={"casecurity": {"lesson": "91"}})
    nbformat.write(notebook, solutions / "91_example_solutions.ipynb")
    # `make exercises`
    assert make_exercises.main(["--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    generated = (exercises / "91_example_exercises.ipynb").read_text(encoding="utf-8")
    assert "your code here" in generated and "KGZ" not in generated  # the model answer stays out
    solved = {r["question"]: r["status"] for r in grade.grade_notebook(solutions / "91_example_solutions.ipynb")}
    assert solved == {"q11": "correct"}
    blank = {r["question"]: r["status"] for r in grade.grade_notebook(exercises / "91_example_exercises.ipynb")}
    assert blank == {"q11": "not_attempted"}
