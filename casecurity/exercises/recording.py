"""Recording what the learner answered: the local progress file and, for the grader, the results file."""

from __future__ import annotations

import json
import os

from casecurity.exercises.feedback import Result
from casecurity.exercises.progress_store import _warn, load_progress, progress_path
from casecurity.files import write_text_atomically


def _record(result: Result) -> None:
    """Save the outcome to progress and, for the grader, to CASECURITY_RESULTS; never raises."""
    if not result.lesson or not result.question:
        return
    results_file = os.environ.get("CASECURITY_RESULTS")
    if results_file:
        try:
            with open(results_file, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(result.as_record(), sort_keys=True, ensure_ascii=False) + "\n")
        except (OSError, TypeError, ValueError) as exc:
            _warn(f"could not write the results file {results_file}: {exc}")
    try:
        data = load_progress()
        lesson = data["lessons"].setdefault(result.lesson, {})
        entry = lesson.get(result.question)
        if not isinstance(entry, dict):  # a hand-edited or damaged entry: start it afresh
            entry = lesson[result.question] = {}
        entry.update(
            status=result.status,
            points=result.points,
            max_points=result.max_points,
            attempts=int(entry.get("attempts", 0)) + 1 if isinstance(entry.get("attempts"), int) else 1,
        )
        write_text_atomically(progress_path(), json.dumps(data, indent=1, sort_keys=True) + "\n")
    except Exception as exc:  # saving progress must never break a check
        _warn(f"could not save progress to {progress_path()}: {exc}")
