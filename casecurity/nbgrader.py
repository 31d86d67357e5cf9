"""`python -m casecurity.nbgrader COURSE_DIR`: the course's exercise sets as an nbgrader course.

Many teachers already run nbgrader. This writes ``COURSE_DIR/source/<lesson>/<set>.ipynb`` for
each exercise set, from the same single source as ``exercises/`` (``solutions/``), and a
``COURSE_DIR/nbgrader_config.py``. Then nbgrader's own commands take over::

    cd COURSE_DIR
    nbgrader generate_assignment lesson02      # release/lesson02/: the student version
    nbgrader autograde lesson02                # grades submitted/<student>/lesson02/

What the conversion does to each cell:

- a cell with ``### BEGIN SOLUTION`` becomes an nbgrader *solution* cell; its fill-in template
  (``### BEGIN/END TEMPLATE``) stays in the student version as commented lines to fill in;
- after each auto-graded question's cell comes a locked *test* cell worth the question's points.
  It grades the answer that the question's own ``check()`` recorded in the kernel, not the
  variable ``answer``, so a later question that reuses ``answer`` cannot change it; its last
  line prints the points earned, which nbgrader counts as partial credit;
- a written reflection's cell is a *manually graded* answer worth its rubric points.

Scores match ``python -m casecurity.grade`` on the same notebooks (tested with nbgrader itself).
Unlike the course's grader, nbgrader judges inside the student's kernel, so a determined student
can forge a test cell's result there: use the course's grader where marks matter.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from casecurity.exercises import get_lesson
from casecurity.files import write_text_atomically

ROOT = Path(__file__).resolve().parent.parent
CHECK_CALL = re.compile(r"\bex\.(q\d+)\.check\(")
TEMPLATE_MARKER = re.compile(r"^\s*### (BEGIN|END) TEMPLATE\s*$")
CODE_STUB = "# YOUR CODE HERE: uncomment the template below, if there is one, and fill in each ____"
CONFIG = f'''# Written by `python -m casecurity.nbgrader`: the course's exercise sets as nbgrader assignments.
c = get_config()  # noqa: F821 (nbgrader provides it)
# The solution region becomes this line; a question's fill-in template stays below it as comments.
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
'''
TEST_CELL = '''# Autograder test for {question} (locked): grades the answer that {question}.check() recorded.
from casecurity.nbgrader_tests import points_for_recorded_answer
points_for_recorded_answer("{lesson}", "{question}")'''


class ConversionError(ValueError):
    """A solutions notebook that cannot become an nbgrader assignment (one-line message)."""


def _grade_metadata(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: float = 0) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked, "schema_version": 3}
    if grade:
        meta["points"] = points
    return meta


def assignment_name(solutions_path: Path) -> str:
    """``lesson02`` for ``02_alliances_solutions.ipynb``: nbgrader's folder and gradebook name."""
    return f"lesson{solutions_path.name[:2]}"


def convert(solutions_path: Path) -> nbformat.NotebookNode:
    """The solutions notebook as an nbgrader source notebook (see the module docstring)."""
    notebook = nbformat.read(solutions_path, as_version=4)
    lesson_number = str(notebook.metadata.get("casecurity", {}).get("lesson", solutions_path.name[:2]))
    lesson = get_lesson(lesson_number)
    if lesson is None:
        raise ConversionError(f"{solutions_path.name}: no question module for lesson {lesson_number!r}")
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type != "code" or "### BEGIN SOLUTION" not in cell.source:
            continue
        questions = CHECK_CALL.findall(cell.source)
        if len(set(questions)) != 1:
            raise ConversionError(f"{solutions_path.name}: a solution cell must check exactly one question "
                                  f"(found {sorted(set(questions)) or 'none'}): {cell.source.splitlines()[0]!r}")
        name = questions[0]
        question = lesson.questions.get(name)
        if question is None:
            raise ConversionError(f"{solutions_path.name}: the cell checks {name}, which lesson "
                                  f"{lesson_number} does not define")
        cell.source = "\n".join(line for line in cell.source.split("\n") if not TEMPLATE_MARKER.match(line))
        grade_id = f"lesson{lesson_number}-{name}"
        if question.kind == "reflection":  # written: the teacher marks it in nbgrader's formgrader
            cell.metadata["nbgrader"] = _grade_metadata(grade_id, solution=True, grade=True, locked=False,
                                                        points=question.points)
            continue
        cell.metadata["nbgrader"] = _grade_metadata(f"{grade_id}-answer", solution=True, grade=False, locked=False)
        test = nbformat.v4.new_code_cell(TEST_CELL.format(lesson=lesson_number, question=name))
        test.id = f"{grade_id}-test"
        test.metadata["nbgrader"] = _grade_metadata(f"{grade_id}-test", solution=False, grade=True,
                                                    locked=True, points=question.points)
        cells.append(test)
    notebook.cells = cells
    return notebook


def write_course(course_dir: Path, solutions: list[Path]) -> list[Path]:
    """Write the nbgrader ``source/`` folder and config for ``solutions``; return the notebooks written."""
    written = []
    for path in solutions:
        target = course_dir / "source" / assignment_name(path) / path.name.replace("_solutions", "")
        notebook = convert(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, nbformat.writes(notebook) + "\n")
        written.append(target)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():  # a teacher's own settings are kept
        write_text_atomically(config, CONFIG)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casecurity.nbgrader", description=__doc__.split("\n\n")[0])
    parser.add_argument("course_dir", help="the nbgrader course folder (created if missing)")
    parser.add_argument("--lesson", action="append", default=[],
                        help="a lesson number (00-06); repeat for several; default every exercise set")
    args = parser.parse_args(argv)
    course_dir = Path(args.course_dir)
    if course_dir.exists() and not course_dir.is_dir():
        print(f"error: {course_dir} is a file; give a folder for the nbgrader course", file=sys.stderr)
        return 2
    solutions = sorted((ROOT / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))
    if args.lesson:
        wanted = {number.zfill(2) for number in args.lesson}
        unknown = wanted - {path.name[:2] for path in solutions}
        if unknown:
            print(f"error: no exercise set for lesson {', '.join(sorted(unknown))}; "
                  f"choose from {', '.join(p.name[:2] for p in solutions)}", file=sys.stderr)
            return 2
        solutions = [path for path in solutions if path.name[:2] in wanted]
    try:
        written = write_course(course_dir, solutions)
    except (ConversionError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f"next: cd {course_dir} && nbgrader generate_assignment {assignment_name(solutions[0])}"
          if solutions else "no exercise set to write")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
