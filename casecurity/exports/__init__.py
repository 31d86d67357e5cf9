"""Gradebook exports: one row per student, in the import format an LMS documents.

Each exporter is a module with one function, ``export(rows, dest, lesson=None)``, chosen by name
(``python -m casecurity.grade ... --export canvas|moodle|wide``), as nbgrader chooses its export
plugin; all of them read the same per-student table (:mod:`casecurity.exports.table`).
"""

from __future__ import annotations

from pathlib import Path

from casecurity.exports import canvas, moodle, wide

EXPORTS = {"canvas": canvas.export, "moodle": moodle.export, "wide": wide.export}

__all__ = ["EXPORTS", "export_path"]


def export_path(out: Path, name: str) -> Path:
    """Where an export is written: next to the grades CSV (``grades.csv`` -> ``grades_canvas.csv``)."""
    return out.with_name(f"{out.stem}_{name}.csv")
