"""The scaffolded questions of the exercise sets (the first data question of 01–06, more in 01, and every map question), run in a real kernel.

Left as generated, the template stops with one sentence ("Fill in the blanks") instead of
a traceback; filled in with the values a learner reads in the question, it is graded
correct. So a template can neither leak the answer nor lead to a wrong one.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
pytestmark = pytest.mark.slow

# What a learner writes into the blanks, in order, read off the question's text and hints.
FILL_INS = {
    ("00", "q1"): ['"central_asia"'],
    ("00", "q5"): ['countries["group"] == "neighbour"'],
    ("00", "q6"): ['"2022-01-01"'],
    ("00", "q7"): ['"capital_lat"', "False", "0"],
    ("01", "q1"): ['"central_asia"', '"name"', '"capital"'],
    ("01", "q3"): ['"independence"', '"1991-01-01"', '"1991-12-31"', '"start_date"'],
    ("01", "q4"): ['"cst_1992"', '"1992-05-15"'],
    ("01", "q6"): ['"cst_1992"', "365.25"],
    ("01", "q7"): ['"AFG"', '"AFG"'],
    ("01", "q8"): ["row.capital_lon"],
    ("02", "q1"): ['"central_asia"', '"CSTO"', '"2015-01-01"'],
    ("03", "q2"): ['"RUS"', "0"],
    ("04", "q1"): ['"KGZ"', '"2010-01-01"', '"operator_iso3"'],
    ("05", "q1"): ["2020", '"rank"', "0"],
    ("06", "q2"): ['"ca_friendship_treaty_2022"', '"iso3"'],
    # every map question has a template too (issue #20)
    ("02", "q9"): ['"SCO"', '"2020-01-01"', '"SCO members"'],
    ("03", "q8"): ['"border"', "data.AS_OF", '"Border treaties"'],
    ("04", "q8"): ['"operator_iso3"', "row.lon"],
    ("05", "q9"): ['"armed_clash"'],
    ("06", "q7"): ['"RUS"', '"hosts confirmed Russian military sites"'],
}


def test_every_template_has_fill_ins_here():
    templates = set()
    for path in sorted((ROOT / "exercises").glob("[0-9][0-9]_*_exercises.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            found = re.search(r"ex\.(q\d+)\.check\(", cell.source)
            if cell.cell_type == "code" and found and "____" in cell.source:
                templates.add((path.name[:2], found.group(1)))
    assert templates == set(FILL_INS)


def _fill(template: str, values: list[str]) -> str:
    """Replace the blanks of the code lines (not of comments) in order."""
    remaining = list(values)
    lines = []
    for line in template.split("\n"):
        if not line.lstrip().startswith("#"):
            while "____" in line:
                line = line.replace("____", remaining.pop(0), 1)
        lines.append(line)
    assert remaining == [], "more fill-ins than blanks"
    return "\n".join(lines)


def _text(cell) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "error":
            parts.append("\n".join(output.traceback))
        elif output.output_type == "stream":
            parts.append(output.text)
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return ANSI.sub("", "\n".join(parts))


NUMBERS = sorted({number for number, _ in FILL_INS})


def _questions(number: str) -> list[str]:
    return sorted((q for n, q in FILL_INS if n == number), key=lambda q: int(q[1:]))


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory) -> dict[str, list]:
    """lesson number -> its cells (imports, then each template as generated and filled in), run in
    one kernel for the selected lessons (all of them in `make test`, one in `make test-lesson`):
    starting a kernel and importing pandas and folium was most of this test's time. Each lesson
    starts from an empty namespace (%reset), so a template cannot lean on another lesson's names."""
    selected = sorted({item.callspec.params["number"] for item in request.session.items
                       if getattr(item, "module", None) is request.module and hasattr(item, "callspec")})
    cells, where = [], {}
    for number in selected:
        path = next((ROOT / "exercises").glob(f"{number}_*_exercises.ipynb"))
        code = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
        start = len(cells)
        cells += ["%reset -f", code[0]]
        for question in _questions(number):
            template = next(source for source in code if f"ex.{question}.check(" in source)
            cells += [template, _fill(template, FILL_INS[number, question])]
        where[number] = (start, len(cells))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    with pytest.MonkeyPatch.context() as patch:  # the kernel inherits it: never the learner's progress file
        patch.setenv("CASECURITY_PROGRESS", str(tmp_path_factory.mktemp("templates") / "progress.json"))
        NotebookClient(
            notebook, timeout=180, kernel_name="python3", allow_errors=True,
            resources={"metadata": {"path": str(ROOT / "exercises")}},
        ).execute()  # fmt: skip
    return {number: notebook.cells[first:last] for number, (first, last) in where.items()}


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"{n}-questions")
def test_template_says_fill_in_then_grades_the_filled_in_answer(number, executed):
    """Every template of one lesson, as generated and then filled in, after the lesson's imports."""
    cells = executed[number]
    assert "Traceback" not in _text(cells[1]), (number, _text(cells[1]))  # the imports ran
    for index, question in enumerate(_questions(number)):
        unfilled, filled = _text(cells[2 + 2 * index]), _text(cells[3 + 2 * index])
        assert "Fill in the blanks (____) first" in unfilled, (question, unfilled)
        assert "Traceback" not in unfilled and unfilled.strip().count("\n") == 0, (question, unfilled)
        assert "✓ Correct" in filled, (question, filled)
