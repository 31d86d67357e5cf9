"""Moodle grade import (Grades > Import > CSV file): a CSV with a header row, a column that
identifies each user, and one column per grade item.

Moodle's "Grade import" page (docs.moodle.org, read December 2026) says the import format is the
export format, and that on the preview page the teacher maps the identifying column: "Map from"
"Email address" to "useremail", or "ID number" to "useridnumber". Moodle's plain-text grade export
starts with ``First name``, ``Last name``, ``ID number``, ``Institution``, ``Department`` and
``Email address``; this file uses the same names, so the mapping page offers them by name.
"""

from __future__ import annotations

from pathlib import Path

from casecurity.exports.table import points_text, student_totals, write_rows

HEADER = ["First name", "Last name", "ID number", "Email address"]


def export(rows: list[dict], dest: Path, lesson: str | None = None) -> Path:
    """One row per student: names, ID number and email (map either in Moodle), total, each question."""
    number, questions, students = student_totals(rows, lesson)
    header = HEADER + [f"Lesson {number} total"] + [f"Lesson {number} {q}" for q in questions]
    body = []
    for s in students:
        first, _, last = s.student.rpartition(" ")
        body.append([first or last, last if first else "", s.student_id, s.email, points_text(s.total)]
                    + [points_text(s.points.get(q, 0.0)) for q in questions])
    return write_rows(dest, header, body)
