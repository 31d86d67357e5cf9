"""tools/make_exercises.py: the learner's notebook generated from the single-source solution."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
make_exercises = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_exercises)

CHECK_CELL = """# Which states form Central Asia?
### BEGIN SOLUTION
countries = data.load("countries")
central = countries.loc[countries["group"] == "central_asia", "iso3"]
### END SOLUTION
ex.q1.check(central)"""

FUNCTION_CELL = """### BEGIN SOLUTION
def active(start, end, on):
    \"\"\"True when [start, end) contains on.\"\"\"
    return start <= on and (end is None or on < end)
### END SOLUTION
ex.q2.check(active)"""


def solution_notebook() -> nbformat.NotebookNode:
    check = new_code_cell(CHECK_CELL, execution_count=3,
                          outputs=[new_output("execute_result", {"text/plain": "✓ Correct"}, execution_count=3)],
                          metadata={"execution": {"iopub.status.busy": "2026-11-27T10:00:00"}, "tags": ["q1"]})
    nb = new_notebook(cells=[
        new_markdown_cell("# Lesson 42: exercises"),
        new_code_cell("from casecurity import data\nfrom casecurity.exercises import lesson42 as ex", execution_count=1),
        check,
        new_code_cell(FUNCTION_CELL, execution_count=4),
        new_markdown_cell("Model answer: because...", metadata={"tags": ["solution"],
                                                                "casecurity": {"question": "q3"}}),
        new_code_cell("print('worked example')", metadata={"tags": ["solution"]}, execution_count=5,
                      outputs=[new_output("stream", name="stdout", text="worked example\n")]),
        new_code_cell("    ### BEGIN SOLUTION\n    total = 1\n    ### END SOLUTION", execution_count=6),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python", "version": "3.11.9"}, "widgets": {"state": {}}})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell{index}"
    return nb


@pytest.fixture
def folders(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(solution_notebook(), solutions / "42_test_solutions.ipynb")
    return solutions, exercises


def run(folders, *extra):
    solutions, exercises = folders
    return make_exercises.main(["--solutions", str(solutions), "--exercises", str(exercises), *extra])


def test_generated_notebook(folders):
    assert run(folders) == 0
    nb = nbformat.read(folders[1] / "42_test_exercises.ipynb", as_version=4)
    sources = [c.source for c in nb.cells]
    assert sources[2] == "# Which states form Central Asia?\ncentral = ...  # your code here\nex.q1.check(central)"
    assert sources[3] == ('def active(start, end, on):\n    """True when [start, end) contains on."""\n'
                          "    ...  # your code here\nex.q2.check(active)")
    assert "Model answer" not in "".join(sources)  # markdown solution cell dropped
    assert sources[4] == ""  # code solution cell emptied, kept as a place to work
    assert sources[5] == "    total = ...  # your code here"  # indentation kept
    assert "BEGIN SOLUTION" not in "".join(sources) and "data.load" not in "".join(sources)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        assert set(cell.metadata) <= {"tags", "casecurity"}
        assert "solution" not in cell.metadata.get("tags", [])
    assert nb.cells[2].metadata == {"tags": ["q1"]}
    assert nb.metadata["casecurity"] == {"lesson": "42", "generated_from": "solutions/42_test_solutions.ipynb"}
    assert "widgets" not in nb.metadata and nb.metadata["language_info"] == {"name": "python"}
    nbformat.validate(nb)


def test_regeneration_is_byte_identical_and_check_passes(folders):
    assert run(folders) == 0
    first = (folders[1] / "42_test_exercises.ipynb").read_bytes()
    assert run(folders) == 0
    assert (folders[1] / "42_test_exercises.ipynb").read_bytes() == first
    assert run(folders, "--check") == 0


def test_check_lists_stale_missing_and_orphan_files(folders, capsys):
    assert run(folders, "--check") == 1  # missing
    assert "42_test_exercises.ipynb (missing)" in capsys.readouterr().err
    assert run(folders) == 0
    nb = solution_notebook()
    nb.cells[0].source = "# Lesson 42: exercises, revised"
    nbformat.write(nb, folders[0] / "42_test_solutions.ipynb")
    (folders[1] / "43_gone_exercises.ipynb").write_text("{}")
    assert run(folders, "--check") == 1
    err = capsys.readouterr().err
    assert "42_test_exercises.ipynb (stale)" in err and "43_gone_exercises.ipynb (orphan" in err
    assert "revised" not in (folders[1] / "42_test_exercises.ipynb").read_text()  # --check writes nothing


def test_repository_exercises_are_up_to_date():
    if not any((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        pytest.skip("no solution notebooks yet")
    assert make_exercises.main(["--check"]) == 0, "run `make exercises`"


TEMPLATE_CELL = """### BEGIN SOLUTION
countries = data.load("countries")
answer = countries.loc[countries["group"] == "central_asia", "iso3"]
### END SOLUTION
### BEGIN TEMPLATE
# countries = data.load(____)
#
# answer = countries.loc[countries["group"] == ____, "iso3"]
### END TEMPLATE
ex.q1.check(answer)"""


def test_a_template_replaces_the_placeholder_with_its_uncommented_lines():
    learner = make_exercises.strip_solution_code(TEMPLATE_CELL)
    assert learner == (
        'countries = data.load(____)\n\nanswer = countries.loc[countries["group"] == ____, "iso3"]\n'
        "ex.q1.check(answer)"
    )
    assert "central_asia" not in learner and "###" not in learner


def test_a_template_keeps_indentation_and_leaves_other_blocks_alone():
    source = (
        "for day in days:\n    ### BEGIN SOLUTION\n    total = 1\n    ### END SOLUTION\n"
        "    ### BEGIN TEMPLATE\n    # total = ____\n    ### END TEMPLATE\n"
        "### BEGIN SOLUTION\nother = 2\n### END SOLUTION\nex.q1.check(total)"
    )
    assert make_exercises.strip_solution_code(source) == (
        "for day in days:\n    total = ____\nother = ...  # your code here\nex.q1.check(total)"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("# answer = countries[____\n", "not valid Python"),  # would leave the learner a broken cell
        ("# answer = 1\n", "no blank"),
        ("answer = ____\n", "must be a comment"),  # would run (and fail) in the solution notebook
    ],
)
def test_a_broken_template_is_refused(template, message):
    source = f"### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION\n### BEGIN TEMPLATE\n{template}### END TEMPLATE"
    with pytest.raises(ValueError, match=message):
        make_exercises.strip_solution_code(source)


def test_an_unterminated_template_is_refused():
    with pytest.raises(ValueError, match="END TEMPLATE"):
        make_exercises.strip_solution_code("### BEGIN TEMPLATE\n# answer = ____\n")


def test_first_data_question_of_each_exercise_set_is_a_template():
    """Lessons 01–06: the first question answered with code gives a scaffold with blanks."""
    import importlib

    from casecurity.exercises import ChoiceQuestion, ReflectionQuestion

    for path in sorted((ROOT / "exercises").glob("0[1-6]_*_exercises.ipynb")):
        module = importlib.import_module(f"casecurity.exercises.lesson{path.name[:2]}")
        questions = module.LESSON.questions  # the judging questions (ex.qK are learner handles)
        data_questions = sorted(
            (name for name, q in questions.items() if not isinstance(q, ChoiceQuestion | ReflectionQuestion)),
            key=lambda name: int(name[1:]),
        )
        first = data_questions[0]
        notebook = nbformat.read(path, as_version=4)
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        cell = next(source for source in code if f"ex.{first}.check(" in source)
        assert "____" in cell, f"{path.name}: {first}, the first data question, has no template"
        assert "____" in code[0] and "from casecurity.exercises import" in code[0], path.name
