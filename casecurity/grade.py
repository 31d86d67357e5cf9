"""Teacher grading: ``python -m casecurity.grade SUBMISSIONS... --out grades.csv``.

Each submitted notebook is executed in a fresh kernel, in a temporary copy, by a
child process that has a memory limit (``resource.setrlimit``, inherited by the
kernel), inside a sandbox (``casecurity.sandbox``: bubblewrap by default, ``--sandbox
docker``, or none with ``--no-sandbox``) that sees neither ``solutions/``, the other
submissions, the outputs nor the teacher's files, and is killed as a whole past the time or
memory limit. The kernel only *records answers* (``casecurity.exercises.answers``); this
process computes every expected answer itself before any notebook runs and grades
the recorded answers with the same checking code, in assessment mode. An answer
counts only when the cell that calls that question's own ``check(...)`` recorded
it; quiz answers are read from the submitted notebook's outputs and graded the
same way; a status reported by the kernel is never read. Questions are found by
id, so deleted, reordered or duplicated cells do not matter; the last answer
counts. A cell that raises before its check gives ``error`` (exception, message,
line; also the course's own one-line errors, which the kernel extension prints);
a template blank (``____``) left in the code gives ``not_attempted``. The source
scan (:mod:`casecurity.source_scan`) never zeroes a notebook: a question whose
checking cell reaches into the checking code gets ``review``, its points held
until the teacher clears or confirms it in the marks file. A notebook that is not
valid JSON, crashes its kernel, runs too long or belongs to another lesson yields
``error`` rows, and grading goes on. Students are named from ``--roster`` or from
Moodle's and Canvas's download layouts (:mod:`casecurity.roster`).

Usage::

    python -m casecurity.grade submissions/ --out grades.csv --feedback feedback/ \\
        [--lesson 02] [--timeout 60] [--notebook-timeout 600] [--memory-mb 2048] [--jobs 1] \\
        [--marks marks.csv] [--report report.html] [--roster roster.csv] [--export canvas|moodle|wide]
        [--resume] [--sandbox bwrap|docker|none] [--no-sandbox] [--secret FILE] [--questions DIR]
    python -m casecurity.grade --out grades.csv --marks marks.csv [--feedback feedback/]

The CSV has the columns ``student_id, student, submission, lesson, question, status,
points, max_points, message, answer``; the graded answers are also kept in ``grades.json`` (next to the
CSV), so that ``--marks`` (hand-given points: submission, question, criterion, points,
comment) can be applied later without re-running notebooks. ``--feedback DIR`` writes
one HTML page per submission with the messages and each written answer beside its
rubric (never the checking code or an expected answer). A class report (what waits for
the teacher per student, per-question statistics, hardest first, other lessons apart) is
printed and written as HTML; ``--export`` writes one row per student for an LMS gradebook.
Each submission's rows are saved as soon as it is graded, in a journal next to the CSV
(``grades.journal.jsonl``, removed when the run completes); ``--resume`` carries on a stopped
run without grading a notebook twice. Symlinks, non-regular files and notebooks of an odd shape
are one ``error`` row each (``casecurity.submissions``).
Exit status: 0 when grading completed, 1 when the CSV could not be written, 2 for bad
usage, a bad marks file, an unusable output path or no sandbox.
"""

from __future__ import annotations

import argparse
import ast
import atexit
import concurrent.futures
import io
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import tokenize
from pathlib import Path

from casecurity import sandbox
from casecurity.files import unwritable_reason
from casecurity.journal import Journal, JournalError
from casecurity.submissions import SubmissionProblem, read_submission

__all__ = ["COLUMNS", "grade_notebook", "find_submissions", "detect_lesson", "main"]

from casecurity.errors import CourseError  # noqa: E402
from casecurity.exercises.variants import using  # noqa: E402
from casecurity.exports import EXPORTS, export_path  # noqa: E402
from casecurity.gradebook import (  # noqa: E402, F401 - the gradebook's names stay reachable as grade.X
    COLUMNS,
    MARK_COLUMNS,
    UsageError,
    apply_marks,
    class_report,
    graded_path,
    load_graded,
    report_text,
    save_graded,
    write_csv,
    write_feedback,
    write_report_html,
)
from casecurity.gradebook import number as _number  # noqa: E402, F401
from casecurity.gradebook import points_text as _points_text  # noqa: E402
from casecurity.gradebook import summary as _summary  # noqa: E402
from casecurity.gradebook import to_review as _to_review  # noqa: E402, F401
from casecurity.handout import (  # noqa: E402
    check_handout,
    read_roster,
    read_secret,
    student_for,
    use_question_folder,
    variant_of,
)
from casecurity.roster import RosterError, assign_students, load_roster  # noqa: E402
from casecurity.source_scan import answer_functions, flagged_cells, scan_notebook  # noqa: E402

_CHECK_CALL = re.compile(r"\b(q\d+)\.(?:check|quiz)\s*\(")
_QUIZ_CALL = re.compile(r"\b(q\d+)\.(?:quiz\s*\(|check\s*\(\s*\))")
_IMPORT = re.compile(r"(?:from\s+casecurity\.exercises\s+import\s+lesson(\d+)|"
                     r"import\s+casecurity\.exercises\.lesson(\d+))")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of argparse's usage block
        raise UsageError(message)


# --------------------------------------------------------------------------------------------
# Finding submissions and their lesson
# --------------------------------------------------------------------------------------------


def find_submissions(paths: list[str]) -> list[Path]:
    """Notebook files named directly or found (recursively) in folders, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return found


def detect_lesson(notebook: dict) -> tuple[str | None, str]:
    """The lesson number from metadata ``casecurity.lesson`` or the ``lessonNN`` import; (None, why)."""
    metadata = notebook.get("metadata") or {}
    declared = (metadata.get("casecurity") or {}).get("lesson") if isinstance(metadata, dict) else None
    imported = set()
    for cell in notebook.get("cells") or []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            imported |= {f"{int(a or b):02d}" for a, b in _IMPORT.findall(source)}
    if declared is not None and str(declared).isdigit():
        return f"{int(declared):02d}", ""
    if len(imported) == 1:
        return imported.pop(), ""
    if imported:
        return None, f"the notebook imports several lessons ({', '.join(sorted(imported))}); use --lesson"
    return None, "cannot tell the lesson: no 'from casecurity.exercises import lessonNN' line; use --lesson"


# --------------------------------------------------------------------------------------------
# Executing one notebook (in a child process with a memory limit)
# --------------------------------------------------------------------------------------------


def _run_notebook(notebook_path: str, cell_timeout: float, notebook_timeout: float, memory_mb: int) -> dict:
    """Execute a notebook in place of the child process; return {"status": ..., "problem": ...}."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    if memory_mb:
        import resource

        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # inherited by the kernel
    try:
        notebook = nbformat.read(notebook_path, as_version=4)
    except Exception as exc:  # JSON that is not a notebook nbformat understands
        return {"problem": f"the notebook could not be read ({type(exc).__name__}: {str(exc)[:200]})",
                "timed_out_cells": 0}
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        allow_errors=True,  # one broken cell must not stop the later checks
        interrupt_on_timeout=True,  # an endless loop loses its own cell only
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(notebook_path).parent)}},
        # every answer is already in the results file (written and closed by each check); a graceful
        # shutdown only waits about half a second per notebook for the kernel to tidy up and exit
        shutdown_kernel="immediate",
    )
    deadline = time.monotonic() + notebook_timeout
    timed_out_cells = 0
    cell_problems: dict[str, dict] = {}  # question id -> why the cell that checks it did not finish
    answers: dict[str, dict] = {}  # question id -> the last answer recorded by a cell that checks it
    results_path = os.environ.get("CASECURITY_RESULTS", "")
    offset = 0
    problem = ""
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    problem = f"the notebook ran longer than {notebook_timeout:g} s and was stopped"
                    break
                client.timeout = max(1, int(min(cell_timeout, remaining)))
                started = time.monotonic()
                client.execute_cell(cell, index)
                if cell.cell_type != "code":
                    continue
                # answers count only from the cell that checks that very question: a line written to
                # the results file by any other cell (or for another question) is ignored
                offset, lines = _new_lines(results_path, offset)
                called = set(_CHECK_CALL.findall(str(cell.source)))
                for record in lines:
                    question = str(record.get("question"))
                    if question in called and "answer" in record:
                        answers[question] = {"cell": index, "lesson": str(record.get("lesson")),
                                             "answer": record["answer"], "via": str(record.get("via", "check"))}
                why = None
                if time.monotonic() - started >= client.timeout:
                    timed_out_cells += 1
                    why = {"kind": "timeout", "text": f"its cell ran too long (over {client.timeout:g} s) and was stopped"}
                else:
                    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"] \
                        or _printed_errors(cell)
                    if errors:
                        why = _error_of(errors[0])
                        if _blank_in_code(str(cell.source)):  # pandas/folium turn a used ____ into their own errors
                            why["kind"] = "blank"
                for question in called if why else ():
                    if question not in answers or answers[question]["cell"] != index:
                        cell_problems[question] = why
    except DeadKernelError:
        problem = "the kernel died (the notebook crashed or ran out of memory)"
    except Exception as exc:  # nbclient failures are reported, not raised
        problem = f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})"
    return {"problem": problem, "timed_out_cells": timed_out_cells, "cell_problems": cell_problems,
            "answers": answers}


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BLANK = re.compile(r"(?<!\w)____(?!\w)")  # a template's blank, still in the cell
# the one line casecurity.friendly prints instead of a traceback ("CourseError: Unknown obligation ...")
_PRINTED_ERROR = re.compile(r"^(?P<type>[A-Z]\w*(?:Error|Exception)): (?P<message>.+)$", re.MULTILINE)


def _blank_in_code(source: str) -> bool:
    """Whether a ``____`` is left in the code itself: the template's comment ("# Fill in each ____")
    does not count, so a filled-in template that raises is an error, not "not filled in"."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return bool(_BLANK.search("\n".join(line.split("#", 1)[0] for line in source.splitlines())))
    return any(_BLANK.search(t.string) for t in tokens if t.type != tokenize.COMMENT)


def _printed_errors(cell) -> list[dict]:
    """The course's friendly error line (printed by the kernel extension, so no error output) as an error
    output, when the cell printed one as its last word."""
    streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stdout"]
    text = "".join(str(o.get("text", "")) for o in streams[-1:]).strip()
    found = list(_PRINTED_ERROR.finditer(text))
    if not found or found[-1].end() != len(text):
        return []
    return [{"output_type": "error", "ename": found[-1]["type"], "evalue": found[-1]["message"], "traceback": []}]


def _new_lines(path: str, offset: int) -> tuple[int, list[dict]]:
    """JSON records appended to the results file since ``offset``."""
    if not path:
        return offset, []
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            data = stream.read()
    except OSError:
        return offset, []
    end = data.rfind(b"\n") + 1  # a half-written last line waits for the next cell
    records = []
    for line in data[:end].decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return offset + end, records


def _error_of(output: dict) -> dict:
    """An error output as {kind, type, message, line}: what the teacher's `error` row says."""
    name = str(output.get("ename", "Error"))[:60]
    message = " ".join(str(output.get("evalue", "")).split())[:200]
    line = None
    for entry in output.get("traceback") or []:
        found = re.findall(r"(?:Cell In\[\d*\], line |<ipython-input-[^>]*> in <module>\D*)(\d+)",
                           _ANSI.sub("", str(entry)))
        if found:
            line = int(found[0])
            break
    return {"kind": "blank" if name == "BlankError" else "error", "type": name, "message": message, "line": line}


def _child_main(argv: list[str]) -> int:
    notebook_path, cell_timeout, notebook_timeout, memory_mb, report = argv
    sandbox.guard_channel(report)  # before the kernel starts
    outcome = _run_notebook(notebook_path, float(cell_timeout), float(notebook_timeout), int(memory_mb))
    sandbox.hand_back(outcome, report)
    return 0


NOT_ISOLATED = ("{} notebook(s) were graded without a sandbox (--no-sandbox): their code could read and change "
                "anything you can, including other students' files and these grades.")
ANSWER_CAP = 4 * 1024 * 1024  # one recorded answer, as JSON: a map with millions of markers is over it


def grade_notebook(path: Path, **options) -> list[dict]:
    """Grade one submission; return its CSV rows (dicts). Never raises: a notebook that cannot be
    graded, for whatever reason, is one ``error`` row and the class's run goes on."""
    try:
        return _grade_notebook(path, **options)
    except Exception as exc:  # a run is never lost to one notebook
        return [dict(submission=str(path), lesson="", question="", status="error", points=0, max_points=0,
                     message=f"could not be graded ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})")]


def _grade_notebook(
    path: Path,
    *,
    lesson: str | None = None,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    memory_mb: int = 2048,
    roster: list | None = None,
    secret: bytes | None = None,
    isolation: str = "bwrap",
    hidden: tuple[Path, ...] = (),
) -> list[dict]:
    """Grade one submission; return its CSV rows (dicts). Never raises for a bad notebook.

    The notebook runs sealed off (``isolation``: see :mod:`casecurity.sandbox`), with ``hidden``
    paths out of its sight. With ``roster`` and ``secret`` (handouts from ``python -m
    casecurity.assign``), it is graded against its own student's variants, and an answer right
    only for another student's variant becomes a ``review`` row naming that variant.
    """
    from casecurity.exercises import get_lesson
    from casecurity.exercises import lesson_number as _lesson_number

    submission = str(path)

    def error(message: str, lesson_number: str = "") -> list[dict]:
        return [dict(submission=submission, lesson=lesson_number, question="", status="error",
                     points=0, max_points=0, message=message)]

    try:
        text, notebook = read_submission(path)
    except SubmissionProblem as exc:
        return error(str(exc))
    unavailable = sandbox.unavailable_reason(isolation)
    if unavailable:
        return error(f"not run: {unavailable}")
    detected, why = detect_lesson(notebook)
    wanted = _lesson_number(lesson) if lesson is not None else None
    if wanted and detected and detected != wanted:
        return error(f"this notebook is for lesson {detected}, not lesson {wanted}", detected)
    number = wanted or detected
    if number is None:
        return error(why)
    try:
        info = get_lesson(number)
    except Exception as exc:
        info = None
        why = f"{type(exc).__name__}: {exc}"
    if info is None:
        return error(f"no question module for lesson {number} ({why or 'casecurity.exercises.lesson' + number})",
                     number)

    variants, others = {}, []
    if secret is not None:
        student = student_for(path, roster or [])
        if student is None:
            return error("not on the roster: no row's path column names this notebook; add it and grade again",
                         number)
        problem = check_handout(notebook, info, secret, student.student_id)
        if problem:
            return error(f"{problem}; not graded", number)
        variants = variant_of(info, secret, student.student_id)
        others = [(s.student_id, variant_of(info, secret, s.student_id)) for s in roster
                  if s.student_id != student.student_id]
    frozen = _freeze_variant(info, variants) if variants else _freeze_lesson(info)
    course_before = _course_fingerprint()
    quiz_answers = _quiz_answers(notebook, number)
    # cells the source scan points at: their answers wait for the teacher, nothing is zeroed on a guess
    held = flagged_cells(notebook, scan_notebook(notebook, answer_functions(info)))
    tampering = ""
    with tempfile.TemporaryDirectory(prefix="casecurity-grade-") as scratch, \
            tempfile.TemporaryDirectory(prefix="casecurity-report-") as private:
        scratch_path = Path(scratch)
        copy = scratch_path / "submission.ipynb"
        copy.write_text(text, encoding="utf-8")
        results = scratch_path / "results.jsonl"
        env = dict(os.environ)
        env["CASECURITY_RESULTS"] = str(results)
        env["CASECURITY_PROGRESS"] = str(scratch_path / "progress.json")  # never the teacher's own
        env["CASECURITY_MODE"] = "assessment"
        # the kernel must not read the teacher's model solutions (ex.qK.solution() in a submission)
        env["CASECURITY_SOLUTIONS"] = str(Path(private) / "no-solutions")
        command = [sys.executable, "-m", "casecurity.grade", "--run-one", str(copy), str(cell_timeout),
                   str(notebook_timeout), str(memory_mb)]
        ran = sandbox.run(command, mode=isolation, scratch=scratch_path, env=env, read_only=_course_paths(),
                          hidden=[*_solutions_folders(), *hidden],
                          timeout=notebook_timeout + 60, memory_mb=memory_mb)
        problem = ran.problem
        try:
            outcome = json.loads(ran.report or b"null")
            if not isinstance(outcome, dict):
                raise ValueError("no report")
            problem = problem or str(outcome.get("problem") or "")
            timed_out = int(outcome.get("timed_out_cells", 0))
            cell_problems = dict(outcome.get("cell_problems") or {})
            answers = dict(outcome.get("answers") or {})
        except (ValueError, TypeError, RecursionError):
            problem = problem or "the notebook could not be run (the grading process stopped, maybe out of memory)"
            timed_out = 0
            cell_problems, answers = {}, {}
    called = set()
    check_cells: dict[str, tuple[int, str]] = {}  # question -> (index, source) of the last cell that checks it
    for index, cell in enumerate(notebook.get("cells") or []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            found = set(_CHECK_CALL.findall(_source(cell)))
            called |= found
            check_cells.update(dict.fromkeys(found, (index, _source(cell))))
    answer_cells: dict[str, int] = {}  # question -> the cell whose answer is graded
    if _course_fingerprint() != course_before:  # the expected answers are frozen; this is for the teacher
        tampering = tampering or ("the notebook changed the course's own files (data/ or casecurity/) while it "
                                  "ran; restore them (git checkout) before grading more")

    rows = []
    for name, question in info.questions.items():
        base = dict(submission=submission, lesson=number, question=name, max_points=question.points, answer="")
        if getattr(question, "criteria", None):
            base["rubric"] = [[text, points] for text, points in question.criteria]
        recorded = answers.get(name) if isinstance(answers.get(name), dict) else None
        if recorded is not None and recorded.get("lesson") != number:
            recorded = None
        if recorded is not None and len(json.dumps(recorded.get("answer"))) > ANSWER_CAP:
            rows.append(dict(base, status="error", points=0,
                             message=f"not graded: the recorded answer is larger than {ANSWER_CAP // 2**20} MB"))
            continue
        quiz = quiz_answers.get(name)
        if quiz is not None and (recorded is None or quiz["cell"] > int(recorded.get("cell", -1))):
            recorded = quiz  # a quiz answer saved later in the notebook than the last check
        if recorded is not None and tampering and question.kind != "reflection":
            rows.append(dict(base, status="error", points=0, message=f"not graded: {tampering}"))
            continue
        if recorded is not None:
            answer_cells[name] = int(recorded.get("cell", -1))
            row = dict(base, **_grade_answer(question, recorded["answer"], frozen, variants))
            rows.append(_other_variant(row, info, question, variants, others) if variants else row)
            continue
        why = cell_problems.get(name)
        if problem:
            rows.append(dict(base, status="error", points=0, message=f"not checked: {problem}"))
        elif isinstance(why, dict) and why.get("kind") == "error":
            line = f" (line {why['line']} of the cell that checks {name})" if why.get("line") else ""
            rows.append(dict(base, status="error", points=0,
                             message=f"{why.get('type')}: {why.get('message')}{line}; the check did not run"))
        elif isinstance(why, dict) and why.get("kind") == "blank":
            rows.append(dict(base, status="not_attempted", points=0,
                             message="the template's blanks (____) were not filled in"))
        else:
            if isinstance(why, dict):
                reason = str(why.get("text"))
            elif name not in called:
                reason = f"no cell calls ex.{name}.check(...) (deleted or renamed?)"
            else:
                reason = f"the cell with ex.{name}.check(...) did not run the check"
            if timed_out and not isinstance(why, dict):  # an endless cell may have replaced the question's own
                reason += f"; {timed_out} cell(s) ran too long and were stopped"
            rows.append(dict(base, status="not_attempted", points=0, message=f"never checked: {reason}"))
    for index, row in enumerate(rows):
        question = info.questions.get(row["question"])
        if question is None:
            continue
        if question.kind == "reflection" and not row.get("answer"):
            # a written answer is shown even when its cell failed before the check recorded it
            row["answer"] = _written_text(check_cells.get(row["question"], (-1, ""))[1], row["question"])
        cell = answer_cells.get(row["question"], check_cells.get(row["question"], (-1, ""))[0])
        if held.get(cell) and question.kind != "reflection" and not tampering:
            # the source scan points at this question's cell: its points wait for the teacher
            rows[index] = dict(row, status="review", points=0, held_points=row["points"], held_status=row["status"],
                               held_message=row["message"], message=f"held for your teacher: {held[cell]}")
    return rows


def _course_paths() -> list[Path]:
    """What a sandboxed notebook may read: the course's package, its data and the lesson modules."""
    from casecurity import data

    paths = [Path(__file__).resolve().parent]
    try:
        paths.append(data.data_dir().resolve())
    except Exception:  # a missing data folder is the notebook's own error inside
        pass
    extra = os.environ.get("CASECURITY_LESSONS_PATH", "")
    return paths + [Path(p).resolve() for p in extra.split(os.pathsep) if p.strip() and Path(p).is_dir()]


def _solutions_folders() -> list[Path]:
    """The model solutions: never visible to a submission, even inside a folder it may read."""
    from casecurity.exercises.solutions import solutions_dir

    return [Path(__file__).resolve().parents[1] / "solutions", solutions_dir().resolve()]


def _course_fingerprint() -> dict[str, tuple[int, int]]:
    """Size and modification time of the data tables and the package's code (what a notebook must not edit)."""
    from casecurity import data

    folders = [Path(__file__).resolve().parent]
    try:
        folders.append(data.data_dir())
    except Exception:  # a missing data folder is reported elsewhere
        pass
    found = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in (".csv", ".json", ".py") and "__pycache__" not in path.parts:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


_EXPECTED: dict[int, tuple] = {}  # id(LessonInfo) -> (the LessonInfo, its frozen expected answers)
_GRADE_LOCK = threading.Lock()


def _freeze_lesson(info) -> dict:
    """Every expected answer of the lesson, computed in this process, once, before any student code runs."""
    with _GRADE_LOCK:
        cached = _EXPECTED.get(id(info))
        if cached is None or cached[0] is not info:
            cached = _EXPECTED[id(info)] = (info, {id(q): q.freeze_expected() for q in info.questions.values()})
        return cached[1]


def _freeze_variant(info, variants: dict) -> dict:
    """Expected answers for one student's variants (not cached: each student has their own)."""
    with _GRADE_LOCK, using(variants):
        return {id(q): q.freeze_expected() for q in info.questions.values()}


def _other_variant(row: dict, info, question, variants: dict, others: list) -> dict:
    """An incorrect answer that is right for another student's variant: ``review``, naming that variant."""
    if row["status"] != "incorrect" or not question.has_variants:
        return row
    own = variants.get(question.id)
    for student_id, other in others:
        if other.get(question.id) == own:
            continue
        verdict = _grade_answer(question, row["record"], _freeze_variant(info, other), other)
        if verdict["status"] == "correct":
            return dict(row, status="review", points=0,
                        message=f"right for the variant of student {student_id} ({other.get(question.id)}), "
                                f"not for this student's own ({own}): check whose work this is")
    return row


def _grade_answer(question, record, frozen: dict | None = None, variants: dict | None = None) -> dict:
    """The grader's own verdict on a recorded answer (assessment mode: no expected value in the message)."""
    from casecurity.exercises import mode
    from casecurity.exercises.answers import decode
    from casecurity.exercises.question import expected_answers

    with _GRADE_LOCK, mode("assessment"), expected_answers(frozen or {}), using(variants or {}):
        result = question.grade_record(record)
    status, message = result.status, result.message
    if status == "submitted":  # the learner's "compare with the model answer below" has no "below" here
        words = re.match(r"\d+ words?\b", message)
        from casecurity.exercises.kinds import COPIED_MODEL

        copied = f"; {COPIED_MODEL}" if COPIED_MODEL in message else ""
        message = f"{words.group(0) if words else 'a written answer'}{copied}; your teacher grades this answer by hand."
    try:
        if isinstance(record, dict) and record.get("t") == "map":
            shown = _map_summary(record)
        elif isinstance(record, dict) and record.get("t") in ("ellipsis", "blank"):
            shown = ""
        else:
            shown = _answer_text(decode(record), full=question.kind == "reflection")
    except Exception:
        shown = ""
    return dict(status=status, points=result.points, message=" ".join(message.split()), answer=shown,
                record=record)


def _paragraphs(text: str) -> str:
    """A written answer with its paragraphs kept (blank lines) and the spacing inside each tidied."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def _written_text(source: str, question: str) -> str:
    """The text a reflection cell passes to ``qK.check(...)``, read from the cell's code (for a cell that
    failed before its check recorded anything): the string given, or the variable's last string value."""
    try:
        tree = ast.parse("\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                                   for line in source.splitlines()))
    except (SyntaxError, ValueError):
        return ""
    strings: dict[str, str] = {}
    text = ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    strings[target.id] = node.value.value
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check"
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == question and node.args):
            given = node.args[0]
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                text = given.value
            elif isinstance(given, ast.Name):
                text = strings.get(given.id, "")
    return _paragraphs(text) if text.strip() else ""


def _map_summary(record: dict) -> str:
    """A recorded folium map in words: its layers, shaded states and markers."""
    nodes = [n for n in record.get("nodes") or [] if isinstance(n, dict)]
    layers = [str(n.get("name")) for n in nodes if n.get("kind") == "FeatureGroup" and n.get("name")]
    states = sorted({str(s) for n in nodes if n.get("kind") == "GeoJson" for s in n.get("states") or []})
    markers = sum(n.get("kind") in ("Marker", "CircleMarker", "Circle") for n in nodes)
    parts = [f"layers: {', '.join(layers)}" if layers else "no named layers",
             f"shaded: {', '.join(states)}" if states else "no shaded states"]
    if markers:
        parts.append(f"{markers} marker{'s' if markers != 1 else ''}")
    return "a map; " + "; ".join(parts)


def _answer_text(answer, full: bool = False) -> str:
    """The student's answer in one line for the CSV (a written answer in full, with its paragraphs)."""
    from casecurity.exercises.wording import safe_repr as _safe_repr

    if answer is Ellipsis or type(answer).__name__ == "Blank":
        return ""  # left as the template's ... or ____: nothing was answered
    if isinstance(answer, str):
        return _paragraphs(answer) if full else " ".join(answer.split())[:200]
    if isinstance(answer, list | tuple | set | frozenset):
        return ", ".join(sorted(str(item) for item in answer))[:200]
    if hasattr(answer, "itertuples"):
        return f"a table of {len(answer)} rows: " + ", ".join(str(v) for v in list(answer.iloc[:, 0])[:10])[:180]
    return _safe_repr(answer)


def _quiz_answers(notebook: dict, number: str) -> dict[str, dict]:
    """Answers given with the quiz buttons, saved in the submitted notebook's outputs (graded here)."""
    from casecurity.exercises.recording import ANSWER_MIME

    found: dict[str, dict] = {}
    for index, cell in enumerate(notebook.get("cells") or []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        asked = set(_QUIZ_CALL.findall(_source(cell)))
        for output in cell.get("outputs") or []:
            data = (output.get("data") or {}).get(ANSWER_MIME) if isinstance(output, dict) else None
            if isinstance(data, dict) and data.get("question") in asked and str(data.get("lesson")) == number:
                answer = data.get("answer")
                if isinstance(answer, str | type(None)):  # a quiz answer is an option letter, nothing else
                    found[str(data["question"])] = {"cell": index, "answer": answer, "via": "quiz"}
    return found


def _write_outputs(rows: list[dict], out: Path, feedback: str | None, report_path: Path,
                   lesson: str | None = None, export: str | None = None, not_isolated: int = 0) -> int:
    """CSV, graded-answers JSON, feedback pages, the class report and an LMS export; the exit status."""
    try:
        write_csv(rows, out)
        save_graded(rows, graded_path(out))
        if export:
            target = export_path(out, export)
            EXPORTS[export](rows, target, lesson=lesson)
            print(f"{export} gradebook: {target}", file=sys.stderr)
    except OSError as exc:
        print(f"python -m casecurity.grade: error: could not write {out}: {exc}", file=sys.stderr)
        return 1
    if feedback:
        groups: dict[str, list[dict]] = {}
        for row in rows:
            groups.setdefault(row["submission"], []).append(row)
        for submission, group in groups.items():
            try:
                write_feedback(group, Path(feedback))
            except OSError as exc:
                print(f"python -m casecurity.grade: could not write feedback for {submission}: {exc}", file=sys.stderr)
    report = class_report(rows, lesson=lesson, feedback=Path(feedback) if feedback else None)
    if not_isolated:
        report["warning"] = " ".join(filter(None, [report.get("warning", ""), NOT_ISOLATED.format(not_isolated)]))
    try:
        write_report_html(report, report_path)
    except OSError as exc:
        print(f"python -m casecurity.grade: could not write the class report {report_path}: {exc}", file=sys.stderr)
    print(_summary(rows), file=sys.stderr)
    print(report_text(report), file=sys.stderr)
    print(f"class report: {report_path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--run-one"]:
        return _child_main(argv[1:])
    parser = _Parser(prog="python -m casecurity.grade", description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="*", help="notebook files or folders of notebooks")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--feedback", help="folder for one HTML feedback page per submission")
    parser.add_argument("--lesson", help="expected lesson number; other lessons give error rows")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    parser.add_argument("--notebook-timeout", type=float, default=None,
                        help="seconds per notebook (default 10 x --timeout)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="memory limit per notebook (default 2048)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded in parallel (default 1)")
    parser.add_argument("--marks", help="CSV of hand-given marks (submission, question, criterion, points, comment); "
                                        "without submissions, applied to the answers graded before into --out")
    parser.add_argument("--report", help="class report page (default: next to --out, e.g. grades_report.html)")
    parser.add_argument("--roster", help="CSV of students (id or student_id, name, optional email and path: the "
                                         "file or folder that is theirs); without it, students are read from "
                                         "Moodle's or Canvas's download layout, then from the file name; with "
                                         "--secret it also gives each handout's student")
    parser.add_argument("--export", choices=sorted(EXPORTS), help="also write one row per student for an LMS "
                                                                 "gradebook import (next to --out)")
    parser.add_argument("--secret", help="file with the secret the handouts were made with (python -m casecurity.assign)")
    parser.add_argument("--questions", help="folder of the teacher's own question modules (lessonNN.py)")
    parser.add_argument("--resume", action="store_true",
                        help="carry on a run that was stopped, from its journal (grades.journal.jsonl)")
    parser.add_argument("--sandbox", choices=sandbox.MODES, default="bwrap",
                        help="how each notebook is sealed off: bwrap (default, bubblewrap), docker, none")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade without isolation (the report says so); same as --sandbox none")
    warnings: list[str] = []
    try:
        args = parser.parse_args(argv)
        if args.timeout <= 0 or args.memory_mb < 0 or args.jobs < 1:
            raise UsageError("--timeout and --jobs must be positive and --memory-mb not negative")
        if args.lesson is not None and not str(args.lesson).removeprefix("lesson").isdigit():
            raise UsageError(f"--lesson must be a lesson number such as 02, not {args.lesson!r}")
        # checked before grading starts: an hour of grading must not end in a traceback
        if Path(args.out).is_dir():
            raise UsageError(f"--out must be a CSV file, but {args.out} is a folder")
        if args.feedback and Path(args.feedback).exists() and not Path(args.feedback).is_dir():
            raise UsageError(f"--feedback must be a folder, but {args.feedback} is a file")
        if not args.submissions and not args.marks:
            raise UsageError("give the notebooks (files or folders) to grade, or --marks to mark graded answers")
        if args.secret and not args.roster:
            raise UsageError("--secret needs --roster: handouts are graded against each student's own variant")
        handout_roster = read_roster(Path(args.roster)) if args.roster and args.secret else None
        secret = read_secret(Path(args.secret)) if args.secret else None
        if args.questions:
            use_question_folder(Path(args.questions))
        submissions = find_submissions(args.submissions) if args.submissions else []
        if args.submissions and not submissions:
            raise UsageError("no .ipynb files found in the given paths")
        roster = load_roster(Path(args.roster)) if args.roster else None
        previous = load_graded(graded_path(Path(args.out))) if not submissions else []
        if roster and previous:
            previous = _with_students(previous, roster)
        if args.marks and previous:
            previous = apply_marks(previous, Path(args.marks), warnings)
        out = Path(args.out)
        report_path = Path(args.report) if args.report else out.with_name(out.stem + "_report.html")
        journal = Journal(out)
        targets = [(out, "file"), (graded_path(out), "file"), (report_path, "file"), (journal.path, "file")]
        for target, kind in targets + ([(Path(args.feedback), "folder")] if args.feedback else []):
            why = unwritable_reason(target, kind)
            if why:
                raise UsageError(f"cannot write the outputs: {why}")
        isolation = "none" if args.no_sandbox else args.sandbox
        if submissions and sandbox.unavailable_reason(isolation):
            raise UsageError(f"no sandbox for the notebooks: {sandbox.unavailable_reason(isolation)}")
        settings = {"lesson": args.lesson, "timeout": args.timeout, "notebook_timeout": args.notebook_timeout,
                    "memory_mb": args.memory_mb}
        done = {}
        if submissions and journal.exists():
            if not args.resume:
                raise UsageError(f"an unfinished run left its journal at {journal.path}: add --resume to carry "
                                 "on, or delete it to start again")
            done = journal.load(settings)
    except (UsageError, RosterError, CourseError, JournalError) as exc:
        print(f"python -m casecurity.grade: error: {exc}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"python -m casecurity.grade: warning: {warning}", file=sys.stderr)
    if not submissions:  # marking only: nothing is re-run
        return _write_outputs(previous, out, args.feedback, report_path, args.lesson, args.export)
    students, notes = assign_students(submissions, roster, [Path(p) for p in args.submissions])
    for note in notes:
        print(f"python -m casecurity.grade: warning: {note}", file=sys.stderr)
    notebook_timeout = args.notebook_timeout or 10 * args.timeout

    # the grader never loads compiled files from the course's __pycache__ folders (a notebook run
    # without a sandbox could plant one there); and everything it judges with is imported now.
    # folium (recorded maps are rebuilt to be judged) comes from .venv's bytecode first: under the
    # private prefix it and its dependencies were compiled from source in every run (1 s of CPU)
    import folium  # noqa: F401
    sys.pycache_prefix = tempfile.mkdtemp(prefix="casecurity-grader-pycache-")
    atexit.register(shutil.rmtree, sys.pycache_prefix, True)  # a class of runs must not fill /tmp
    import casecurity.exercises  # noqa: F401
    hidden = (*[Path(p).absolute() for p in args.submissions], out.absolute(), graded_path(out).absolute(),
              report_path.absolute(), journal.path.absolute(), *([Path(args.feedback).absolute()] if args.feedback else []))

    def one(path: Path) -> list[dict]:
        rows = grade_notebook(path, lesson=args.lesson, cell_timeout=args.timeout, notebook_timeout=notebook_timeout,
                              memory_mb=args.memory_mb, roster=handout_roster, secret=secret,
                              isolation=isolation, hidden=hidden)
        student = students[str(path)]
        return [{"student_id": student.id, "student": student.name, "email": student.email, **row} for row in rows]

    if done:
        print(f"resuming: {sum(str(p) in done for p in submissions)} of {len(submissions)} submission(s) were "
              f"graded before and are kept from {journal.path}", file=sys.stderr)
    else:
        try:
            journal.start(settings)
        except OSError as exc:
            print(f"python -m casecurity.grade: error: could not write the journal {journal.path}: {exc}", file=sys.stderr)
            return 1
    graded = {key: entry for key, entry in done.items() if key in {str(p) for p in submissions}}
    waiting = [p for p in submissions if str(p) not in graded]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(one, path): path for path in waiting}
        for number, future in enumerate(concurrent.futures.as_completed(futures), len(submissions) - len(waiting) + 1):
            path, rows = futures[future], future.result()
            try:
                journal.record(str(path), rows, sandbox.isolated(isolation))
            except OSError as exc:  # grading goes on; only --resume would lose this notebook
                print(f"python -m casecurity.grade: could not save {path} in the journal: {exc}", file=sys.stderr)
            graded[str(path)] = {"rows": rows, "isolated": sandbox.isolated(isolation)}
            errors = sum(r["status"] == "error" for r in rows)
            print(f"[{number}/{len(submissions)}] {students[str(path)].name} ({path}): {_points_text(rows, ' points')}"
                  + (f", {errors} error row(s)" if errors else ""), file=sys.stderr)
    all_rows = [row for path in submissions for row in graded[str(path)]["rows"]]
    not_isolated = sum(not graded[str(path)]["isolated"] for path in submissions)
    if args.marks:
        try:
            all_rows = apply_marks(all_rows, Path(args.marks), warnings)
        except UsageError as exc:
            print(f"python -m casecurity.grade: error: {exc}", file=sys.stderr)
            return 2
        for warning in warnings:
            print(f"python -m casecurity.grade: warning: {warning}", file=sys.stderr)
    status = _write_outputs(all_rows, out, args.feedback, report_path, args.lesson, args.export, not_isolated)
    if status == 0:
        journal.remove()  # the run is complete: the final files hold everything
    return status


def _with_students(rows: list[dict], roster: list) -> list[dict]:
    """Graded rows re-assigned to the roster's students (a roster given only when marking)."""
    paths = sorted({Path(str(r["submission"])) for r in rows})
    students, _notes = assign_students(paths, roster)
    found = {path: students[path] for path in students}
    return [{**r, "student_id": found[str(r["submission"])].id, "student": found[str(r["submission"])].name,
             "email": found[str(r["submission"])].email} for r in rows]


if __name__ == "__main__":
    sys.exit(main())
