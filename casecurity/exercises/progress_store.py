"""The learner's local progress: where it is kept, reading it safely, and the progress() report."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import sys
from pathlib import Path

from casecurity.exercises.lessons import LessonInfo, get_lesson, lesson_folders, registered_lessons
from casecurity.exercises.lessons import lesson_number as _lesson_number


def progress_path() -> Path:
    """Where progress is kept: ``CASECURITY_PROGRESS`` or the user data dir."""
    override = os.environ.get("CASECURITY_PROGRESS")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("casecurity")) / "progress.json"


def warn(message: str) -> None:
    """One line on stderr: a progress problem must never interrupt a lesson."""
    print(f"casecurity: {message}", file=sys.stderr)


def _set_aside(path: Path) -> Path | None:
    for number in itertools.count(1):
        target = path.with_name(f"{path.name}.corrupt-{number}")
        if not target.exists():
            try:
                os.replace(path, target)
            except OSError:
                return None
            return target
    return None  # pragma: no cover - unreachable


def load_progress() -> dict:
    """The progress data ``{"version": 1, "lessons": {NN: {qK: {...}}}}``; never raises."""
    path = progress_path()
    empty = {"version": 1, "lessons": {}}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty
    except OSError as exc:
        warn(f"could not read the progress file {path} ({exc.strerror}); progress is not shown.")
        return empty
    try:
        data = json.loads(text)
        valid = isinstance(data, dict) and isinstance(data.get("lessons"), dict)
        valid = valid and all(isinstance(v, dict) for v in data["lessons"].values())
    except ValueError:
        valid = False
    if not valid:
        moved = _set_aside(path)
        where = f"moved it to {moved.name}" if moved else "could not move it"
        warn(f"the progress file {path} was unreadable; {where} and started a new one.")
        return empty
    return data


class ProgressReport:
    """Per-lesson counts; an HTML table in notebooks, aligned text elsewhere."""

    columns = ("Lesson", "Title", "Questions", "Answered", "Correct", "Submitted for review")

    def __init__(self, rows: list[tuple], note: str = ""):
        self.rows = rows
        self.note = note

    def __repr__(self) -> str:
        if not self.rows:
            return self.note
        table = [self.columns] + [tuple(str(v) for v in row) for row in self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                 for row in table]
        return "\n".join([lines[0], "  ".join("-" * w for w in widths)] + lines[1:])

    def _repr_html_(self) -> str:
        if not self.rows:
            return f"<p>{html.escape(self.note)}</p>"
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in self.rows
        )
        return (f"<table><caption>Your progress (answered = checked at least once)</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _safe_get_lesson(number: str) -> LessonInfo | None:
    try:
        return get_lesson(number)
    except Exception:  # a broken lesson module must not hide the learner's progress
        return None


def _course_lessons() -> list[str]:
    """Numbers of the lesson modules shipped with the package (and on CASECURITY_LESSONS_PATH)."""
    found = set(registered_lessons())
    for folder in lesson_folders():
        found |= {m.group(1) for p in Path(folder).glob("lesson*.py") if (m := re.fullmatch(r"lesson(\d+)\.py", p.name))}
    return sorted(found)


def progress(lesson: str | int | None = None) -> ProgressReport:
    """Questions answered and correct, per lesson (or for one lesson)."""
    lessons = load_progress()["lessons"]
    numbers = sorted(lessons) if lesson is None else [_lesson_number(lesson)]
    if lesson is not None and numbers[0] not in lessons and _safe_get_lesson(numbers[0]) is None:
        from casecurity.errors import CourseError

        known = ", ".join(_course_lessons()) or "none found"
        raise CourseError(f"There is no lesson {numbers[0]}; the lessons are {known} (e.g. progress('02')).")
    rows = []
    for number in numbers:
        recorded = lessons.get(number, {})
        info = _safe_get_lesson(number)
        names = list(info.questions) if info else sorted(recorded)
        statuses = [recorded.get(q, {}).get("status") if isinstance(recorded.get(q), dict) else None
                    for q in names]
        answered = sum(s in ("correct", "incorrect", "submitted", "needs_more", "recorded") for s in statuses)
        rows.append((number, info.title if info else "", len(names), answered,
                     statuses.count("correct"), statuses.count("submitted")))
    note = "No answers checked yet: open an exercise notebook and run ex.q1.check(...)."
    return ProgressReport(rows, note)


_warn = warn  # the former name
