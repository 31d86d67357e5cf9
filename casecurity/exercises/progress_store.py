"""The learner's local progress: where it is kept, reading it safely, and the progress() report."""

from __future__ import annotations

import contextlib
import hashlib
import html
import itertools
import json
import os
import re
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: saves stay atomic, but are not locked
    fcntl = None

from casecurity.exercises.lessons import LessonInfo, get_lesson, lesson_folders, registered_lessons
from casecurity.exercises.lessons import lesson_number as _lesson_number

# The copy of the course this package runs from: the folder holding ``casecurity/`` (found from
# this file, so the engine never imports the package itself).
_COURSE_FOLDER = Path(__file__).resolve().parent.parent.parent


def course_folder() -> Path:
    """The copy of the course this package runs from (the folder holding ``casecurity/``)."""
    return _COURSE_FOLDER


def progress_path() -> Path:
    """Where progress is kept: ``CASECURITY_PROGRESS`` (``~`` and ``$VARS`` expanded), else one
    file per copy of the course in the user data dir, named after the course folder, so two
    clones (or a clone and a teacher's copy) never mix their totals."""
    override = os.environ.get("CASECURITY_PROGRESS")
    if override:
        return Path(os.path.expandvars(os.path.expanduser(override)))
    import platformdirs

    folder = course_folder()
    key = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:12]
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", folder.name)[:40] or "course"
    return Path(platformdirs.user_data_dir("casecurity")) / f"progress-{safe_name}-{key}.json"


@contextlib.contextmanager
def progress_lock(path: Path):
    """Hold an exclusive lock beside ``path`` while a save re-reads, merges and replaces it.

    Two kernels saving at once would otherwise each write the file they read, and the
    later write would drop the other's update. The lock is a separate ``.lock`` file
    because the progress file itself is replaced on every save (``os.replace``).
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    question_columns = ("Question", "Ever right", "Last attempt", "Attempts")

    def __init__(self, rows: list[tuple], note: str = "", questions: list[tuple] | None = None):
        self.rows = rows
        self.note = note
        #: for one lesson: per question, whether it was ever answered right and the last attempt
        self.questions = questions or []

    def __repr__(self) -> str:
        if not self.rows:
            return self.note
        table = [self.columns] + [tuple(str(v) for v in row) for row in self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                 for row in table]
        text = "\n".join([lines[0], "  ".join("-" * w for w in widths)] + lines[1:])
        if self.questions:
            table = [self.question_columns] + [tuple(str(v) for v in row) for row in self.questions]
            widths = [max(len(row[i]) for row in table) for i in range(len(self.question_columns))]
            text += "\n\n" + "\n".join(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in table
            )
        return text

    def _repr_html_(self) -> str:
        if not self.rows:
            return f"<p>{html.escape(self.note)}</p>"
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in self.rows
        )
        summary = (f"<table><caption>Your progress (answered = checked at least once; correct = answered "
                   f"right at least once)</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if not self.questions:
            return summary
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.question_columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in self.questions
        )
        return (summary + f"<table><caption>Per question</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")


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
        entries = [recorded.get(q) if isinstance(recorded.get(q), dict) else {} for q in names]
        statuses = [entry.get("status") for entry in entries]
        answered = sum(s in ("correct", "incorrect", "submitted", "needs_more", "recorded") for s in statuses)
        right = sum(_ever_correct(entry) for entry in entries)
        rows.append((number, info.title if info else "", len(names), answered, right, statuses.count("submitted")))
        if lesson is not None:
            questions = [
                (name, "yes" if _ever_correct(entry) else "no", _LAST.get(entry.get("status"), "not checked yet"),
                 entry.get("attempts", 0))
                for name, entry in zip(names, entries, strict=True)
            ]
    note = "No answers checked yet: open an exercise notebook and run ex.q1.check(...)."
    return ProgressReport(rows, note, questions if lesson is not None else [])


_LAST = {
    "correct": "correct",
    "incorrect": "incorrect",
    "not_attempted": "no answer given",
    "submitted": "submitted for review",
    "needs_more": "needs more",
    "error": "could not check",
    "recorded": "recorded for grading",
}


def _ever_correct(entry: dict) -> bool:
    """Answered right at least once (files from before ``ever_correct`` only know the last status)."""
    return entry.get("ever_correct") is True or entry.get("status") == "correct"


_warn = warn  # the former name
