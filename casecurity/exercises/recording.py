"""Recording what the learner answered: the local progress file and, for the grader, the results file.

The results file (``CASECURITY_RESULTS``, set by the grader) receives one JSON line per check:
``{"lesson", "question", "via", "answer"}`` where ``answer`` is the answer's record
(:func:`casecurity.exercises.answers.encode`). It never holds a status or points: the grader
grades the recorded answer itself, so a line written by anything else can only give an answer.
The local progress file keeps the learner's own view (status, attempts) for ``progress()``.
"""

from __future__ import annotations

import json
import os

from casecurity.exercises.feedback import Result
from casecurity.exercises.progress_store import load_progress, progress_lock, progress_path
from casecurity.exercises.progress_store import warn as _warn
from casecurity.files import write_text_atomically

ANSWER_MIME = "application/vnd.casecurity.answer+json"  # a quiz answer saved in the notebook's outputs


# The last answer recorded for each (lesson, question) in this kernel: what the nbgrader route's
# test cells grade (casecurity.nbgrader_tests), whatever a later cell puts in `answer`.
_LAST_RECORDS: dict[tuple[str, str], object] = {}


def last_record(lesson: str, question: str):
    """The record of the last answer checked for ``question`` in this kernel, or None."""
    return _LAST_RECORDS.get((str(lesson), str(question)))


def answer_line(lesson: str, question: str, record, via: str = "check") -> str:
    """The JSON line that carries one recorded answer (no verdict)."""
    return json.dumps({"lesson": lesson, "question": question, "via": via, "answer": record},
                      sort_keys=True, ensure_ascii=False, default=str)


def record_answer(lesson: str, question: str, record, via: str = "check") -> None:
    """Append the answer to CASECURITY_RESULTS when the grader runs this notebook; never raises."""
    if lesson and question:
        _LAST_RECORDS[(str(lesson), str(question))] = record
    results_file = os.environ.get("CASECURITY_RESULTS")
    if not results_file or not lesson or not question:
        return
    try:
        line = answer_line(lesson, question, record, via)
        with open(results_file, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")
    except (OSError, TypeError, ValueError) as exc:
        _warn(f"could not write the results file {results_file}: {exc}")


def save_progress(result: Result) -> None:
    """Save the outcome to the learner's local progress file; never raises."""
    if not result.lesson or not result.question:
        return
    try:
        path = progress_path()
        with progress_lock(path):  # re-read under the lock: another kernel may have saved meanwhile
            data = load_progress()
            lesson = data["lessons"].setdefault(result.lesson, {})
            entry = lesson.get(result.question)
            if not isinstance(entry, dict):  # a hand-edited or damaged entry: start it afresh
                entry = lesson[result.question] = {}
            entry.update(
                status=result.status,  # the last attempt
                ever_correct=entry.get("ever_correct") is True or result.status == "correct",
                points=result.points,
                max_points=result.max_points,
                attempts=int(entry.get("attempts", 0)) + 1 if isinstance(entry.get("attempts"), int) else 1,
            )
            write_text_atomically(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
    except Exception as exc:  # saving progress must never break a check
        _warn(f"could not save progress to {progress_path()}: {exc}")


# the engine's former name for saving an outcome (kept for code that still calls it)
_record = save_progress
