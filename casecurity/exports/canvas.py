"""Canvas gradebook import: a CSV whose first columns identify the student, then one column per
assignment (a column Canvas does not know becomes a new assignment on import).

Canvas's own export of the Gradebook starts with the columns ``Student``, ``ID``, ``SIS User ID``,
``SIS Login ID`` and ``Section``; an import needs the student's name, Canvas ID or SIS User ID (one
of the three), the SIS Login ID and Section columns, and the assignment columns (Ohio State's
guide "Import a CSV file into Carmen Grades", teaching.resources.osu.edu, read December 2026, from
Canvas's "How do I import grades in the Gradebook?"). ``ID`` holds the student's id, which is the
Canvas user id when the student was read from a Canvas download; the name is given as
"Last, First", the form Canvas's export uses.
"""

from __future__ import annotations

from pathlib import Path

from casecurity.exports.table import points_text, student_totals, write_rows

HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _sortable(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def export(rows: list[dict], dest: Path, lesson: str | None = None) -> Path:
    """One row per student: the identifying columns, the lesson's total, then each question's points."""
    number, questions, students = student_totals(rows, lesson)
    header = HEADER + [f"Lesson {number} total"] + [f"Lesson {number} {q}" for q in questions]
    body = [[_sortable(s.student), s.student_id, "", "", "", points_text(s.total)]
            + [points_text(s.points.get(q, 0.0)) for q in questions] for s in students]
    return write_rows(dest, header, body)
