"""Model solutions, read from the single source (``solutions/NN_topic_solutions.ipynb``)."""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

from casecurity.exercises.lessons import LessonInfo

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"


def solutions_dir() -> Path:
    """``CASECURITY_SOLUTIONS`` or ``<repo>/solutions``."""
    override = os.environ.get("CASECURITY_SOLUTIONS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "solutions"


def _cell_source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def solution_blocks(source: str) -> list[str]:
    """The code between the solution markers of one cell, dedented (markers excluded)."""
    blocks, current = [], None
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN_SOLUTION):
            current = []
        elif stripped.startswith(END_SOLUTION):
            if current is not None:
                blocks.append(textwrap.dedent("\n".join(current)).strip("\n"))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def find_solution(notebook: Mapping, question: str) -> list[str]:
    """Solution pieces for ``question`` ("q1") in a solution notebook (as a JSON dict)."""
    calls = re.compile(rf"\b{re.escape(question)}\.check\s*\(")
    pieces = []
    for cell in notebook.get("cells", []):
        source = _cell_source(cell)
        metadata = cell.get("metadata", {}) or {}
        tagged = "solution" in (metadata.get("tags") or [])
        owner = (metadata.get("casecurity") or {}).get("question")
        if tagged and owner == question:
            pieces.append(source.strip("\n"))
        elif cell.get("cell_type") == "code" and calls.search(source):
            pieces.extend(solution_blocks(source))
    return pieces


def solution_notebook(lesson: LessonInfo | None, number: str) -> Path | str:
    """The lesson's solution notebook, or a one-line explanation of why there is none."""
    folder = solutions_dir()
    if not folder.is_dir():
        return (
            f"Solutions are not included in this copy of the course (no folder {folder}); "
            "ask your teacher, or set CASECURITY_SOLUTIONS to the solutions folder."
        )
    if lesson is not None and lesson.notebook:
        path = folder / f"{lesson.notebook.removesuffix('.ipynb')}_solutions.ipynb"
        return path if path.is_file() else f"The solution notebook {path} is missing; please report this."
    found = sorted(folder.glob(f"{number}_*.ipynb"))
    return found[0] if found else f"No solution notebook for lesson {number} in {folder}; please report this."
