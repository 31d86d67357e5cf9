"""One row per student from the grader's rows (one per submission and question): the table every
export writes in its own columns."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from casecurity.files import write_text_atomically
from casecurity.gradebook import WAITING

__all__ = ["StudentTotal", "student_totals", "write_rows", "points_text"]


@dataclass
class StudentTotal:
    """A student's result on one lesson: total, the most possible, and each question's points."""

    student_id: str
    student: str
    email: str
    submission: str
    lesson: str
    total: float = 0.0
    max_points: float = 0.0
    to_review: int = 0
    points: dict[str, float] = field(default_factory=dict)


def _question_key(name: str) -> tuple[int, str]:
    digits = "".join(c for c in name if c.isdigit())
    return (int(digits) if digits else 0, name)


def student_totals(rows: list[dict], lesson: str | None = None) -> tuple[str, list[str], list[StudentTotal]]:
    """(lesson, its questions in order, one StudentTotal per student). Submissions for another lesson
    are left out; a student with two submissions of the lesson keeps the later one."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.get("question"):
            counts[str(row["lesson"])] = counts.get(str(row["lesson"]), 0) + 1
    wanted = (f"{int(lesson):02d}" if lesson and str(lesson).isdigit() else lesson) or (
        max(counts, key=lambda n: (counts[n], n)) if counts else "")
    questions: set[str] = set()
    by_student: dict[str, StudentTotal] = {}
    for row in rows:
        if str(row.get("lesson") or "") not in (wanted, ""):
            continue
        key = str(row.get("student_id") or row["submission"])
        total = by_student.get(key)
        if total is None or total.submission != row["submission"]:
            total = by_student[key] = StudentTotal(key, str(row.get("student") or key), str(row.get("email") or ""),
                                                   str(row["submission"]), wanted)
        points = float(row.get("points") or 0)
        total.total += points
        total.max_points += float(row.get("max_points") or 0)
        total.to_review += row["status"] in WAITING and bool(row.get("question"))
        if row.get("question"):
            questions.add(str(row["question"]))
            total.points[str(row["question"])] = points
    ordered = sorted(questions, key=_question_key)
    return wanted, ordered, sorted(by_student.values(), key=lambda s: (s.student.casefold(), s.student_id))


def points_text(value: float) -> str:
    return f"{value:g}"


def write_rows(dest: Path, header: list[str], body: list[list[str]]) -> Path:
    """Write a CSV atomically (a half-written gradebook import is worse than none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return write_text_atomically(dest, buffer.getvalue())
