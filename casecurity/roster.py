"""Who handed in which notebook: a teacher's roster (``--roster roster.csv``), or, without one, the
student read from the way Moodle and Canvas name the files of a bulk download, then from the file name.

The download layouts, as documented or shown by the tools that unpack them (read December 2026):

- Moodle, "Download all submissions" (mod/assign): each student's files sit in a folder named
  ``Firstname Lastname_<participant id>_assignsubmission_file_``; without "Download submissions in
  folders" the same prefix starts each file name (``..._assignsubmission_file_<original name>``).
  Moodle's language string ``downloadasfolders_help`` (moodle/moodle, mod/assign/lang/en/assign.php)
  says each submission is put in a separate folder and files are not renamed; the folder name
  format is the one Moodle's feedback-upload guides give ("First Last_participantId_assignsubmission_file_").
- Canvas, "Download Submissions": one zip of loose files named
  ``<lastnamefirstname>_<user id>_<submission id>_<original name>`` (e.g. ``smithbob_340934_208490284_
  BobsWork.zip`` in the README of mikewesthad/canvas-unzipper), with ``late`` after the name for a
  late submission (``name_LATE_canvasid_number_...`` in HCI-Data-Analysis's notes on the same zip).

A roster always wins over a guess; a submission the roster does not name keeps the guess, and the
grader says so.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Student", "RosterError", "load_roster", "infer_student", "assign_students"]

ROSTER_COLUMNS = ("id", "name", "email", "path")
# accepted spellings of each roster column (a spreadsheet's own headers)
_ALIASES = {
    "id": ("id", "student_id", "student id", "id number", "sis user id", "sis_user_id"),
    "name": ("name", "student", "full name", "student name"),
    "email": ("email", "email address", "e-mail"),
    "path": ("path", "file", "folder", "file or folder", "submission"),
}
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_")
_CANVAS = re.compile(r"^(?P<name>[a-z][a-z-]*?)(?:_late)?_(?P<id>\d+)_(?P<submission>\d+)_(?P<original>.+)$",
                     re.IGNORECASE)
# the course's own notebook names: a file called like this says nothing about who handed it in
_COURSE_NAME = re.compile(r"^\d\d_\w+?_(?:exercises|solutions)$")


class RosterError(ValueError):
    """A roster that cannot be used: the message says which line and what to fix."""


@dataclass(frozen=True)
class Student:
    """One student: an id (the LMS's or the school's), a name, an email, and the file or folder that is theirs."""

    id: str
    name: str
    email: str = ""
    path: str = ""
    source: str = "roster"  # "roster", "moodle", "canvas" or "file name": where the name came from


def load_roster(path: Path) -> list[Student]:
    """Read a roster CSV (columns id, name, and optionally email and path); one-line RosterError if unusable."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
            lines = list(reader)
    except OSError as exc:
        raise RosterError(f"could not read the roster {path}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise RosterError(f"the roster {path} is not a readable CSV ({exc})") from None
    columns = {key: next((header[a] for a in aliases if a in header), None) for key, aliases in _ALIASES.items()}
    if columns["id"] is None or columns["name"] is None:
        raise RosterError(f"the roster {path.name} needs the columns id and name (and may have email and path); "
                          f"it has: {', '.join(header) or 'no header'}")
    students: list[Student] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 2):
        values = {key: (line.get(column) or "").strip() if column else "" for key, column in columns.items()}
        if not any(values.values()):
            continue  # a blank line
        if not values["id"] or not values["name"]:
            raise RosterError(f"{path.name} line {number}: every student needs an id and a name")
        if values["id"] in seen:
            raise RosterError(f"{path.name} line {number}: the id {values['id']!r} is already on line "
                              f"{seen[values['id']]}; each student needs their own id")
        seen[values["id"]] = number
        where = values["path"]
        if where and not Path(where).is_absolute():
            where = str(path.parent / where)
        students.append(Student(values["id"], values["name"], values["email"], where))
    return students


def infer_student(submission: Path, root: Path | None = None) -> Student:
    """The student a submission's own path names: a Moodle folder or file prefix, a Canvas file name,
    the student's own folder inside the class folder, or else the file name."""
    relative = submission
    if root is not None:
        try:
            relative = submission.resolve().relative_to(root.resolve())
        except ValueError:
            relative = submission
    for part in reversed(relative.parts):
        found = _MOODLE.match(part)
        if found:
            return Student(found["id"], found["name"].strip(), source="moodle")
    found = _CANVAS.match(submission.name)
    if found:
        return Student(found["id"], found["name"], source="canvas")
    if len(relative.parts) > 1 and _COURSE_NAME.match(submission.stem):
        folder = relative.parts[-2]  # a class folder with one folder per student
        return Student(folder, folder, source="folder name")
    return Student(submission.stem, submission.stem, source="file name")


def _inside(path: Path, place: str) -> bool:
    target = Path(place).resolve()
    resolved = path.resolve()
    return resolved == target or target in resolved.parents


def assign_students(submissions: list[Path], roster: list[Student] | None = None,
                    roots: list[Path] | None = None) -> tuple[dict[str, Student], list[str]]:
    """Each submission's student (keyed by ``str(path)``) and warnings for the teacher.

    With a roster, a student's ``path`` (a file or folder, relative to the roster's folder) claims
    the submissions inside it; a student without a path is matched by id or name to the student the
    download layout names. A submission the roster does not claim keeps its guessed student, and a
    warning says so; so does a submission two roster lines claim.
    """
    found: dict[str, Student] = {}
    warnings: list[str] = []
    roots = roots or []
    for submission in submissions:
        root = next((r for r in roots if r.is_dir() and _inside(submission, str(r))), None)
        guess = infer_student(submission, root)
        if not roster:
            found[str(submission)] = guess
            continue
        claims = [s for s in roster if s.path and _inside(submission, s.path)]
        if not claims:
            claims = [s for s in roster if not s.path and (s.id == guess.id or s.name.casefold() == guess.name.casefold())]
        if len(claims) > 1:
            warnings.append(f"{submission}: the roster names it for several students "
                            f"({', '.join(s.id for s in claims)}); using {claims[0].id}")
        if claims:
            found[str(submission)] = claims[0]
        else:
            warnings.append(f"{submission}: not on the roster; graded as {guess.name} (from the {guess.source})")
            found[str(submission)] = guess
    return found, warnings
