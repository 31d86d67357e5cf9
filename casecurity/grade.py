"""Teacher grading: ``python -m casecurity.grade SUBMISSIONS... --out grades.csv``.

Each submitted notebook is executed in a fresh kernel, in a temporary copy, by a
child process that has a memory limit (``resource.setrlimit``, inherited by the
kernel). Checks write their outcomes to the file named by ``CASECURITY_RESULTS``;
the grader reads them *by question id*, so deleted, reordered or duplicated
cells do not matter; the last check of a question counts, and a question never
checked is ``not_attempted`` with 0 points. A notebook that is not valid JSON,
crashes its kernel, runs too long or belongs to another lesson yields ``error``
rows with a clear message, and grading goes on with the next one.

Usage::

    python -m casecurity.grade submissions/ --out grades.csv --feedback feedback/ \\
        [--lesson 02] [--timeout 60] [--notebook-timeout 600] [--memory-mb 2048] [--jobs 1]

The CSV has the columns ``submission, lesson, question, status, points, max_points,
message``. ``--feedback DIR`` writes one HTML page per submission with the messages
(never the checking code). Exit status: 0 when grading completed, 1 when the CSV could not be
written, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from casecurity.files import write_text_atomically

__all__ = ["COLUMNS", "grade_notebook", "find_submissions", "detect_lesson", "main"]

COLUMNS = ("submission", "lesson", "question", "status", "points", "max_points", "message", "answer")
_CHECK_CALL = re.compile(r"\b(q\d+)\.(?:check|quiz)\s*\(")
_QUIZ_CALL = re.compile(r"\b(q\d+)\.(?:quiz\s*\(|check\s*\(\s*\))")
_IMPORT = re.compile(r"(?:from\s+casecurity\.exercises\s+import\s+lesson(\d+)|"
                     r"import\s+casecurity\.exercises\.lesson(\d+))")


class UsageError(Exception):
    """Bad command line: reported as one line, exit status 2."""


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
                    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                    if errors:
                        why = _error_of(errors[0])
                        if _BLANK.search(str(cell.source)):  # pandas/folium turn a used ____ into their own errors
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
    outcome = _run_notebook(notebook_path, float(cell_timeout), float(notebook_timeout), int(memory_mb))
    Path(report).write_text(json.dumps(outcome), encoding="utf-8")
    return 0


def grade_notebook(
    path: Path,
    *,
    lesson: str | None = None,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    memory_mb: int = 2048,
) -> list[dict]:
    """Grade one submission; return its CSV rows (dicts). Never raises for a bad notebook."""
    from casecurity.exercises import _lesson_number, get_lesson

    submission = str(path)

    def error(message: str, lesson_number: str = "") -> list[dict]:
        return [dict(submission=submission, lesson=lesson_number, question="", status="error",
                     points=0, max_points=0, message=message)]

    try:
        text = path.read_text(encoding="utf-8")
        notebook = json.loads(text)
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            raise ValueError("no list of cells")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return error(f"not a valid notebook file ({type(exc).__name__}: {str(exc)[:120]}); ask for a fresh copy")
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

    _freeze_lesson(info)
    quiz_answers = _quiz_answers(notebook, number)
    tampering = _tampering(notebook)
    with tempfile.TemporaryDirectory(prefix="casecurity-grade-") as scratch, \
            tempfile.TemporaryDirectory(prefix="casecurity-report-") as private:
        scratch_path = Path(scratch)
        copy = scratch_path / "submission.ipynb"
        copy.write_text(text, encoding="utf-8")
        results = scratch_path / "results.jsonl"
        report = Path(private) / "report.json"  # outside the kernel's working folder
        env = dict(os.environ)
        env["CASECURITY_RESULTS"] = str(results)
        env["CASECURITY_PROGRESS"] = str(scratch_path / "progress.json")  # never the teacher's own
        env["CASECURITY_MODE"] = "assessment"
        env.pop("CASECURITY_SOLUTIONS", None)
        command = [sys.executable, "-m", "casecurity.grade", "--run-one", str(copy), str(cell_timeout),
                   str(notebook_timeout), str(memory_mb), str(report)]
        problem = ""
        try:
            subprocess.run(command, env=env, cwd=scratch, timeout=notebook_timeout + 60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            problem = f"the notebook ran longer than {notebook_timeout:g} s and was stopped"
        try:
            outcome = json.loads(report.read_text(encoding="utf-8"))
            problem = problem or outcome.get("problem", "")
            timed_out = int(outcome.get("timed_out_cells", 0))
            cell_problems = dict(outcome.get("cell_problems") or {})
            answers = dict(outcome.get("answers") or {})
        except (OSError, ValueError, TypeError):
            problem = problem or "the notebook could not be run (the grading process stopped, maybe out of memory)"
            timed_out = 0
            cell_problems, answers = {}, {}
    called = set()
    for cell in notebook.get("cells") or []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            called |= set(_CHECK_CALL.findall(_source(cell)))

    rows = []
    for name, question in info.questions.items():
        base = dict(submission=submission, lesson=number, question=name, max_points=question.points, answer="")
        if getattr(question, "criteria", None):
            base["rubric"] = [[text, points] for text, points in question.criteria]
        recorded = answers.get(name) if isinstance(answers.get(name), dict) else None
        if recorded is not None and recorded.get("lesson") != number:
            recorded = None
        quiz = quiz_answers.get(name)
        if quiz is not None and (recorded is None or quiz["cell"] > int(recorded.get("cell", -1))):
            recorded = quiz  # a quiz answer saved later in the notebook than the last check
        if recorded is not None and tampering and question.kind != "reflection":
            rows.append(dict(base, status="error", points=0, message=f"not graded: {tampering}"))
            continue
        if recorded is not None:
            rows.append(dict(base, **_grade_answer(question, recorded["answer"])))
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
    return rows


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


_FROZEN: set[str] = set()
_GRADE_LOCK = threading.Lock()


def _freeze_lesson(info) -> None:
    """Compute every expected answer in this process, once, before any student code runs."""
    with _GRADE_LOCK:
        if info.number in _FROZEN:
            return
        for question in info.questions.values():
            question.freeze_expected()
        _FROZEN.add(info.number)


def _grade_answer(question, record) -> dict:
    """The grader's own verdict on a recorded answer (assessment mode: no expected value in the message)."""
    from casecurity.exercises import mode
    from casecurity.exercises.answers import decode

    with _GRADE_LOCK, mode("assessment"):
        result = question.grade_record(record)
    status, message = result.status, result.message
    if status == "submitted":  # the learner's "compare with the model answer below" has no "below" here
        words = re.match(r"\d+ words?\b", message)
        message = f"{words.group(0) if words else 'a written answer'}; your teacher grades this answer by hand."
    try:
        shown = _answer_text(decode(record), full=question.kind == "reflection")
    except Exception:
        shown = ""
    return dict(status=status, points=result.points, message=" ".join(message.split()), answer=shown,
                record=record)


def _answer_text(answer, full: bool = False) -> str:
    """The student's answer in one line for the CSV (a written answer in full)."""
    from casecurity.exercises.feedback import _safe_repr

    if isinstance(answer, str):
        text = " ".join(answer.split())
        return text if full else text[:200]
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


# Reaching into the course's own answers or checking code: "ex.q1.expected", "_compute_expected",
# replacing check or the recorder. A notebook that does this gets no automatic marks.
_TAMPERING = re.compile(
    r"(_compute_expected|_expected_value|_frozen|freeze_expected|record_answer|grade_record|_check_and_record"
    r"|_safe_check|\._grade\b|\bq\d+\.(?:expected|answer|cases|layers|shaded|markers|model_answer)\b"
    r"|casecurity\.(?:grade|exercises\.(?:kinds|answers|recording|feedback))|CASECURITY_RESULTS"
    r"|\.check\s*=[^=]|\bsetattr\s*\(|__class__|__dict__|ANSWER_MIME|vnd\.casecurity)"
)


def _tampering(notebook: dict) -> str:
    """Why the notebook's code reaches into the checking machinery ("" when it does not)."""
    for index, cell in enumerate(notebook.get("cells") or [], 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            match = _TAMPERING.search(_source(cell))
            if match:
                return (f"cell {index} uses {match.group(0).strip()!r}, which reads or changes the course's "
                        "checking code; remove it and submit again")
    return ""


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def write_csv(rows: list[dict], out: Path) -> None:
    """Write the grades atomically (a half-written gradebook is worse than none)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _number(row.get(k, "")) if k in ("points", "max_points") else row.get(k, "")
                         for k in COLUMNS})
    write_text_atomically(out, buffer.getvalue())


_SYMBOLS = {"correct": "✓ Correct", "incorrect": "✗ Incorrect", "not_attempted": "○ Not attempted",
            "submitted": "✎ Submitted for review", "needs_more": "✎ Needs more", "marked": "✎ Marked by your teacher",
            "error": "⚠ Error"}
_PAGE_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;line-height:1.4}"
               "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.35em .6em;"
               "text-align:left;vertical-align:top}th{background:#eee}td:nth-child(2),td:nth-child(3){white-space:nowrap}")


def _to_review(rows: list[dict]) -> float:
    """Points that wait for the teacher (written answers), not lost ones."""
    return sum(float(r["max_points"] or 0) for r in rows if r["status"] == "submitted")


def _points_text(rows: list[dict], unit: str = "") -> str:
    """ "9/10 (1 to review)": points that wait for the teacher are not shown as lost."""
    earned = sum(float(r["points"] or 0) for r in rows)
    possible = sum(float(r["max_points"] or 0) for r in rows)
    review = _to_review(rows)
    return f"{_number(earned)}/{_number(possible)}{unit}" + (f" ({_number(review)} to review)" if review else "")


def write_feedback(rows: list[dict], folder: Path) -> Path:
    """One HTML page per submission: status in words, points, messages, and each written answer with
    its rubric and the teacher's marks (never the checking code or an expected answer)."""
    submission = rows[0]["submission"]
    earned = sum(float(r["points"] or 0) for r in rows)
    possible = sum(float(r["max_points"] or 0) for r in rows)
    review = _to_review(rows)
    if not rows[0]["question"]:  # one error row: the notebook as a whole could not be graded
        summary = "This notebook could not be graded; the reason is below."
    else:
        summary = f"Lesson {html.escape(str(rows[0]['lesson']))}: {_number(earned)} of {_number(possible)} points"
        summary += (f"; {_number(review)} more point(s) for the written answer, which your teacher grades by hand."
                    if review else ".")
    body = "".join(
        f"<tr><td>{html.escape(str(r['question']))}</td><td>{html.escape(_SYMBOLS.get(r['status'], r['status']))}"
        f"</td><td>{'to grade' if r['status'] == 'submitted' else _number(r['points'])} / {_number(r['max_points'])}"
        f"</td><td>{html.escape(r['message'])}</td></tr>"
        for r in rows
    )
    written = "".join(_written_answer_html(r) for r in rows if r.get("rubric") is not None)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Feedback: {html.escape(Path(submission).name)}</title><style>{_PAGE_STYLE}</style></head><body>"
        f"<h1>Feedback on {html.escape(Path(submission).name)}</h1>"
        f"<p>{summary}</p>"
        "<table><thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Result</th>"
        f"<th scope=\"col\">Points</th><th scope=\"col\">Message</th></tr></thead><tbody>{body}</tbody></table>"
        f"{written}</body></html>\n"
    )
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(Path(submission).with_suffix(""))).strip("_") + ".html"
    target = folder / name
    write_text_atomically(target, page)
    return target


def _written_answer_html(row: dict) -> str:
    """A written answer as the student wrote it, beside the rubric (with the teacher's marks, once given)."""
    marks = row.get("marks") or {}
    items = []
    for index, (text, points) in enumerate(row.get("rubric") or [], 1):
        given = marks.get(str(index))
        mark = f"{_number(given['points'])} of {_number(points)}" if given else f"{_number(points)} point(s)"
        comment = f" — {html.escape(given['comment'])}" if given and given.get("comment") else ""
        items.append(f"<li>{html.escape(str(text))} <strong>({mark})</strong>{comment}</li>")
    overall = marks.get("")
    note = (f"<p><strong>Your teacher:</strong> {html.escape(overall['comment'])}</p>"
            if overall and overall.get("comment") else "")
    answer = row.get("answer") or "(no written answer)"
    return (f"<section><h2>Written answer, {html.escape(str(row['question']))}</h2>"
            f"<blockquote style=\"white-space:pre-wrap\">{html.escape(str(answer))}</blockquote>"
            f"<h3>Rubric</h3><ul>{''.join(items)}</ul>{note}</section>")


def _summary(rows: list[dict]) -> str:
    by_submission: dict[str, list[dict]] = {}
    for row in rows:
        by_submission.setdefault(row["submission"], []).append(row)
    table = [("submission", "lesson", "points", "correct", "errors")]
    for submission, group in by_submission.items():
        table.append((submission, str(group[0]["lesson"]), _points_text(group),
                      str(sum(r["status"] == "correct" for r in group)),
                      str(sum(r["status"] == "error" for r in group))))
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table)


# --------------------------------------------------------------------------------------------
# The teacher's marking loop: graded answers kept as JSON, hand-given marks applied later
# --------------------------------------------------------------------------------------------

MARK_COLUMNS = ("submission", "question", "criterion", "points", "comment")


def graded_path(out: Path) -> Path:
    """Where the graded answers are kept, next to the CSV (``grades.csv`` -> ``grades.json``)."""
    return out.with_suffix(".json")


def save_graded(rows: list[dict], path: Path) -> None:
    """Keep every row with the student's recorded answer, so marks can be applied without re-running."""
    write_text_atomically(path, json.dumps({"version": 1, "rows": rows}, indent=1, ensure_ascii=False,
                                           default=str) + "\n")


def load_graded(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["rows"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) and "submission" in r for r in rows):
            raise ValueError("no rows")
        return rows
    except FileNotFoundError:
        raise UsageError(f"no graded answers at {path}; grade the notebooks first (with the same --out)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path} is not a graded-answers file written by casecurity.grade ({exc})") from None


def _same_submission(given: str, submission: str) -> bool:
    given = given.strip()
    path = Path(submission)
    return given in (submission, path.name, path.stem)


def apply_marks(rows: list[dict], marks_file: Path) -> list[dict]:
    """Apply the teacher's marks (CSV: submission, question, criterion, points, comment) to ``rows``.

    ``criterion`` is a rubric criterion's number (1, 2, ...) or the start of its text; left empty, the
    points are for the whole question. Marks are checked first: any bad line stops with one line
    naming it, and nothing is changed.
    """
    try:
        with open(marks_file, newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            header = [h.strip() for h in reader.fieldnames or []]
            lines = list(reader)
    except OSError as exc:
        raise UsageError(f"could not read the marks file {marks_file}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UsageError(f"the marks file {marks_file} is not a readable CSV ({exc})") from None
    missing = [c for c in ("submission", "question", "points") if c not in header]
    if missing:
        raise UsageError(f"the marks file needs the columns {', '.join(MARK_COLUMNS)}; missing: {', '.join(missing)}")
    marked: dict[int, dict] = {}
    for line_number, line in enumerate(lines, 2):
        line = {str(k).strip(): (v or "").strip() for k, v in line.items() if k is not None}
        where = f"{marks_file.name} line {line_number}"
        targets = [i for i, r in enumerate(rows)
                   if _same_submission(line["submission"], r["submission"]) and r["question"] == line["question"]]
        if not targets:
            raise UsageError(f"{where}: no graded question {line['question']!r} for submission {line['submission']!r}")
        if len({rows[i]["submission"] for i in targets}) > 1:
            raise UsageError(f"{where}: {line['submission']!r} matches several submissions; give its full path")
        row = rows[targets[0]]
        try:
            points = float(line["points"])
        except ValueError:
            raise UsageError(f"{where}: points must be a number, not {line['points']!r}") from None
        rubric = row.get("rubric") or []
        criterion = line.get("criterion", "")
        key = ""
        limit = float(row["max_points"] or 0)
        if criterion:
            index = None
            if criterion.isdigit() and 1 <= int(criterion) <= len(rubric):
                index = int(criterion)
            else:
                starts = [i for i, (text, _p) in enumerate(rubric, 1) if str(text).lower().startswith(criterion.lower())]
                index = starts[0] if len(starts) == 1 else None
            if index is None:
                raise UsageError(f"{where}: {criterion!r} is not one of the {len(rubric)} rubric criteria of "
                                 f"{row['question']} (give its number, 1 to {len(rubric)})")
            key, limit = str(index), float(rubric[index - 1][1])
        if not 0 <= points <= limit:
            raise UsageError(f"{where}: {_number(points)} points is outside 0–{_number(limit)} for "
                             f"{row['question']}{' criterion ' + key if key else ''}")
        marked.setdefault(targets[0], {})[key] = {"points": points, "comment": line.get("comment", "")}
    updated = [dict(row) for row in rows]
    for index, marks in marked.items():
        row = updated[index]
        row["marks"] = {**(row.get("marks") or {}), **marks}
        whole = row["marks"].get("")
        by_criterion = [m["points"] for k, m in row["marks"].items() if k]
        total = whole["points"] if whole and not by_criterion else sum(by_criterion)
        row["points"] = min(total, float(row["max_points"] or 0))
        row["status"] = "marked"
        comments = [m["comment"] for k, m in sorted(row["marks"].items()) if m.get("comment")]
        row["message"] = "marked by your teacher" + (": " + "; ".join(comments) if comments else ".")
    return updated


# --------------------------------------------------------------------------------------------
# The class report
# --------------------------------------------------------------------------------------------

_ATTEMPTED = ("correct", "incorrect", "submitted", "needs_more", "marked")


def class_report(rows: list[dict]) -> dict:
    """Per-student totals and per-question statistics (hardest first), and a warning for mixed lessons."""
    by_submission: dict[str, list[dict]] = {}
    for row in rows:
        by_submission.setdefault(row["submission"], []).append(row)
    students = [{"submission": s, "lesson": str(g[0]["lesson"]), "points": sum(float(r["points"] or 0) for r in g),
                 "max_points": sum(float(r["max_points"] or 0) for r in g),
                 "errors": sum(r["status"] == "error" for r in g)} for s, g in by_submission.items()]
    questions: dict[tuple, dict] = {}
    for row in rows:
        if not row["question"]:
            continue
        stats = questions.setdefault((str(row["lesson"]), row["question"]),
                                     {"lesson": str(row["lesson"]), "question": row["question"], "submissions": 0,
                                      "attempted": 0, "correct": 0, "wrong": {}})
        stats["submissions"] += 1
        stats["attempted"] += row["status"] in _ATTEMPTED
        stats["correct"] += row["status"] == "correct" or (row["status"] == "marked" and row["points"] ==
                                                          row["max_points"])
        if row["status"] == "incorrect" and row.get("answer"):
            stats["wrong"][row["answer"]] = stats["wrong"].get(row["answer"], 0) + 1
    table = []
    for stats in questions.values():
        stats["commonest_wrong"] = sorted(stats.pop("wrong").items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        stats["share"] = stats["correct"] / stats["submissions"] if stats["submissions"] else 0.0
        table.append(stats)
    table.sort(key=lambda s: (s["share"], -s["attempted"] + s["correct"], s["lesson"], _question_order(s["question"])))
    lessons: dict[str, list[str]] = {}
    for student in students:
        if student["lesson"]:
            lessons.setdefault(student["lesson"], []).append(student["submission"])
    warning = ""
    if len(lessons) > 1:
        main_lesson = max(lessons, key=lambda n: (len(lessons[n]), n))
        odd = [f"lesson {n}: {', '.join(Path(s).name for s in subs)}" for n, subs in sorted(lessons.items())
               if n != main_lesson]
        warning = f"this folder mixes lessons: most are lesson {main_lesson}; the odd ones out are " + "; ".join(odd)
    return {"students": students, "questions": table, "warning": warning}


def _question_order(name: str) -> int:
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else 0


def _wrong_text(stats: dict) -> str:
    return "; ".join(f"{answer[:60]} ({count})" for answer, count in stats["commonest_wrong"]) or "—"


def report_text(report: dict) -> str:
    lines = ["Per question, hardest first (attempted / correct of all submissions; commonest wrong answers):"]
    for s in report["questions"]:
        lines.append(f"  lesson{s['lesson']}.{s['question']}: attempted {s['attempted']}/{s['submissions']}, "
                     f"correct {s['correct']}/{s['submissions']}; wrong: {_wrong_text(s)}")
    if report["warning"]:
        lines.append(f"warning: {report['warning']}")
    return "\n".join(lines)


def write_report_html(report: dict, path: Path) -> Path:
    """The class report as one HTML page a teacher can open."""
    students = "".join(
        f"<tr><td>{html.escape(Path(s['submission']).name)}</td><td>{html.escape(s['lesson'])}</td>"
        f"<td>{_number(s['points'])} / {_number(s['max_points'])}</td><td>{s['errors']}</td></tr>"
        for s in report["students"])
    questions = "".join(
        f"<tr><td>lesson{html.escape(s['lesson'])}.{html.escape(s['question'])}</td><td>{s['attempted']} of "
        f"{s['submissions']}</td><td>{s['correct']} of {s['submissions']}</td><td>{html.escape(_wrong_text(s))}</td></tr>"
        for s in report["questions"])
    warning = (f"<p role=\"alert\"><strong>Warning:</strong> {html.escape(report['warning'])}</p>"
               if report["warning"] else "")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Class report</title>"
        f"<style>{_PAGE_STYLE}</style></head><body><h1>Class report</h1>{warning}"
        "<h2>Questions, hardest first</h2><table><thead><tr><th scope=\"col\">Question</th>"
        "<th scope=\"col\">Attempted</th><th scope=\"col\">Correct</th><th scope=\"col\">Commonest wrong answers"
        f"</th></tr></thead><tbody>{questions}</tbody></table>"
        "<h2>Students</h2><table><thead><tr><th scope=\"col\">Submission</th><th scope=\"col\">Lesson</th>"
        f"<th scope=\"col\">Points</th><th scope=\"col\">Errors</th></tr></thead><tbody>{students}</tbody></table>"
        "</body></html>\n")
    return write_text_atomically(path, page)


def _write_outputs(rows: list[dict], out: Path, feedback: str | None, report_path: Path) -> int:
    """CSV, graded-answers JSON, feedback pages and the class report; the exit status."""
    try:
        write_csv(rows, out)
        save_graded(rows, graded_path(out))
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
    report = class_report(rows)
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
        submissions = find_submissions(args.submissions) if args.submissions else []
        if args.submissions and not submissions:
            raise UsageError("no .ipynb files found in the given paths")
        previous = load_graded(graded_path(Path(args.out))) if not submissions else []
        if args.marks and previous:
            previous = apply_marks(previous, Path(args.marks))
    except UsageError as exc:
        print(f"python -m casecurity.grade: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    report_path = Path(args.report) if args.report else out.with_name(out.stem + "_report.html")
    if not submissions:  # marking only: nothing is re-run
        return _write_outputs(previous, out, args.feedback, report_path)
    notebook_timeout = args.notebook_timeout or 10 * args.timeout

    def one(path: Path) -> list[dict]:
        return grade_notebook(path, lesson=args.lesson, cell_timeout=args.timeout,
                              notebook_timeout=notebook_timeout, memory_mb=args.memory_mb)

    all_rows: list[dict] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for number, (path, rows) in enumerate(zip(submissions, pool.map(one, submissions), strict=True), 1):
            errors = sum(r["status"] == "error" for r in rows)
            print(f"[{number}/{len(submissions)}] {path}: {_points_text(rows, ' points')}"
                  + (f", {errors} error row(s)" if errors else ""), file=sys.stderr)
            all_rows += rows
    if args.marks:
        try:
            all_rows = apply_marks(all_rows, Path(args.marks))
        except UsageError as exc:
            print(f"python -m casecurity.grade: error: {exc}", file=sys.stderr)
            return 2
    return _write_outputs(all_rows, out, args.feedback, report_path)


if __name__ == "__main__":
    sys.exit(main())
