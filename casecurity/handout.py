"""Handouts: one notebook per student with that student's variants, signed with the teacher's secret.

Used by ``python -m casecurity.assign`` (writes the handouts) and ``python -m casecurity.grade
--roster --secret`` (grades each notebook against its own student's variants). The notebook's
metadata ``casecurity.handout`` holds ``{lesson, student, params, signature}``; the signature is an
HMAC of the rest with the teacher's secret, so an edited or swapped variant is detected, and the
grader derives every student's params again from the secret instead of trusting them.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from casecurity.errors import CourseError
from casecurity.exercises import LessonInfo, add_lesson_folders
from casecurity.exercises.variants import seed_for, sign, signature_ok, using

SETUP_MARK = "# casecurity handout: your own version of the questions (do not edit this cell)"


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str = ""
    email: str = ""
    path: str = ""


def read_roster(path: Path) -> list[Student]:
    """Students from a CSV with the columns ``student_id,name,email,path`` (only student_id is required)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CourseError(f"cannot read the roster {path} ({exc}); give a CSV with a student_id column") from exc
    students, seen = [], set()
    for number, row in enumerate(rows, 2):
        student_id = (row.get("student_id") or "").strip()
        if not student_id:
            raise CourseError(f"{path}, line {number}: no student_id; every row needs one (columns "
                              "student_id,name,email,path)")
        if student_id in seen:
            raise CourseError(f"{path}, line {number}: student_id {student_id!r} appears twice")
        seen.add(student_id)
        students.append(Student(student_id, (row.get("name") or "").strip(), (row.get("email") or "").strip(),
                                (row.get("path") or "").strip()))
    if not students:
        raise CourseError(f"the roster {path} lists no students")
    return students


def read_secret(path: Path) -> bytes:
    """The teacher's secret (a file with at least 16 characters, kept outside the course folder)."""
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as exc:
        raise CourseError(f"cannot read the secret file {path} ({exc.strerror})") from exc
    if len(secret) < 16:
        raise CourseError(f"the secret in {path} is too short ({len(secret)} bytes); use at least 16 random "
                          "characters, e.g. python -c \"import secrets; print(secrets.token_hex(32))\"")
    return secret


def variant_of(info: LessonInfo, secret: bytes, student_id: str) -> dict[str, dict]:
    """``{"lesson03.q2": params, ...}`` for every question of the lesson that has variants."""
    return {question.id: question.variant_params(seed_for(secret, student_id, question.id))
            for question in info.questions.values() if question.has_variants}


def metadata_for(info: LessonInfo, secret: bytes, student_id: str) -> dict:
    payload = {"lesson": info.number, "student": student_id, "params": variant_of(info, secret, student_id)}
    return dict(payload, signature=sign(secret, payload))


def setup_source(meta: dict) -> str:
    """The handout's first code cell: this kernel's variants, and assessment mode."""
    params = json.dumps(meta["params"], sort_keys=True)
    return (f"{SETUP_MARK}\nfrom casecurity.exercises import use_handout\n"
            f"use_handout({meta['student']!r}, {params!r})")


QUESTION_HEADING = re.compile(r"^## Question (\d+)\b")
OPTION_LINE = re.compile(r"^- (\*\*)?\(([a-z])\)(\*\*)? (.*)$")


def _default_traces(question) -> list[str]:
    """How the default variant's values may be written in a question's markdown (2015-01-01, 1 January 2015)."""
    traces = []
    for value in question.default_params.values():
        if isinstance(value, bool) or not isinstance(value, str | int):
            continue
        traces.append(str(value))
        try:
            day = _dt.date.fromisoformat(str(value))
        except ValueError:
            continue
        traces.append(f"{day.day} {day:%B %Y}")
    return [t for t in traces if len(t) >= 2]


def _shown_options(markdown: str, question, params: dict) -> str:
    """The option list of a multiple-choice cell, reordered as the student's variant shows it."""
    lines = markdown.split("\n")
    found = [(i, OPTION_LINE.match(line)) for i, line in enumerate(lines)]
    found = [(i, m) for i, m in found if m]
    written = getattr(question, "written_options", {})
    if not found or {m.group(4) for _, m in found} != set(written.values()):
        return markdown  # options not listed in the markdown: ex.qK shows them in the student's order
    with using({question.id: params}):
        shown = list(question.options.items())
    for (i, match), (letter, text) in zip(found, shown, strict=True):
        bold = match.group(1) or ""
        lines[i] = f"- {bold}({letter}){bold} {text}"
    return "\n".join(lines)


def _own_prompt(markdown: str, question, params: dict) -> str:
    """A data question's markdown with the student's own prompt in place of the default wording."""
    heading, _, body = markdown.partition("\n")
    paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
    with using({question.id: params}):
        prompt = question.prompt
    traces = _default_traces(question)
    rest = paragraphs[1:]
    if paragraphs and paragraphs[0].rstrip().endswith(":"):  # the list that finished the old prompt goes too
        while rest and rest[0].lstrip().startswith("- "):
            rest = rest[1:]
    kept = [p for p in rest if not any(t in p for t in traces)]
    return "\n\n".join([_plain_heading(heading), f"**Your version of this question:** {prompt}", *kept])


def _plain_heading(heading: str) -> str:
    """"## Question 5 — Who borders Afghanistan? (country set)" -> "## Question 5 (country set)": the title
    was written for the default variant."""
    number = QUESTION_HEADING.match(heading)
    kind = re.search(r"\(([^()]*)\)\s*$", heading)
    return f"## Question {number.group(1)}" + (f" ({kind.group(1)})" if kind else "")


def personalise_markdown(notebook: dict, info: LessonInfo, params_by_question: dict[str, dict]) -> dict:
    """Each question's markdown in a handout says what the student's own variant asks.

    A data question's first paragraph becomes its filled-in prompt (paragraphs naming the default
    variant's values go); a multiple-choice list is reordered as the student's checks expect.
    """
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        match = QUESTION_HEADING.match(text)
        question = info.questions.get(f"q{match.group(1)}") if match else None
        params = params_by_question.get(question.id) if question is not None else None
        if params is None or params == question.default_params:
            continue
        if getattr(question, "written_options", None) is not None:
            cell["source"] = _shown_options(text, question, params)
        elif question.templated:
            cell["source"] = _own_prompt(text, question, params)
    return notebook


def check_handout(notebook: dict, info: LessonInfo, secret: bytes, student_id: str) -> str:
    """"" when the notebook carries ``student_id``'s own signed variants, else what is wrong (one line)."""
    meta = ((notebook.get("metadata") or {}).get("casecurity") or {}).get("handout")
    if not isinstance(meta, dict):
        return "the notebook has no handout metadata (not a handed-out copy, or the metadata was removed)"
    payload = {key: meta.get(key) for key in ("lesson", "student", "params")}
    if not signature_ok(secret, payload, meta.get("signature")):
        return "the handout's variant metadata was edited (its signature does not match)"
    if payload["student"] != student_id:
        return f"this is the handout of student {payload['student']!r}, not of {student_id!r} (swapped copies?)"
    if payload["lesson"] != info.number:
        return f"this handout is for lesson {payload['lesson']}, not lesson {info.number}"
    if payload["params"] != variant_of(info, secret, student_id):
        return "the handout's variants are not the ones this secret gives (another course secret?)"
    return ""


def student_for(submission: Path, roster: list[Student]) -> Student | None:
    """The roster row whose ``path`` is this submission (same path, else same file name)."""
    for student in roster:
        if student.path and Path(student.path).resolve() == submission.resolve():
            return student
    named = [s for s in roster if s.path and Path(s.path).name == submission.name]
    return named[0] if len(named) == 1 else None


def use_question_folder(folder: Path) -> None:
    """Make a teacher's own ``lessonNN.py`` modules in ``folder`` importable as course lessons."""
    if not folder.is_dir():
        raise CourseError(f"--questions {folder}: no such folder")
    paths = [p for p in os.environ.get("CASECURITY_LESSONS_PATH", "").split(os.pathsep) if p]
    os.environ["CASECURITY_LESSONS_PATH"] = os.pathsep.join([str(folder.resolve()), *paths])
    add_lesson_folders()
