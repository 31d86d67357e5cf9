"""A spreadsheet with one row per student: id, name, email, notebook, total, the most possible, how
many answers wait for the teacher, and each question's points."""

from __future__ import annotations

from pathlib import Path

from casecurity.exports.table import points_text, student_totals, write_rows

HEADER = ["student_id", "student", "email", "submission", "lesson", "total", "max_points", "to_review"]


def export(rows: list[dict], dest: Path, lesson: str | None = None) -> Path:
    """One row per student, one column per question."""
    number, questions, students = student_totals(rows, lesson)
    body = [[s.student_id, s.student, s.email, s.submission, number, points_text(s.total), points_text(s.max_points),
             str(s.to_review)] + [points_text(s.points.get(q, 0.0)) for q in questions] for s in students]
    return write_rows(dest, HEADER + list(questions), body)
