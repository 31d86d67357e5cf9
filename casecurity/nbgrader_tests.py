"""What the test cells of the nbgrader route call, inside the student's kernel.

Kept apart from :mod:`casecurity.nbgrader` (which writes the assignments) because it runs in
the kernel that nbgrader starts, where only this small function is needed.
"""

from __future__ import annotations

import os

from casecurity.exercises import get_lesson
from casecurity.exercises.recording import last_record


def points_for_recorded_answer(lesson: str, question: str) -> float:
    """The points that the last answer ``check()`` recorded for ``question`` earns, or 0.

    nbgrader reads a number printed by a test cell as partial credit. A question never checked
    earns 0 and raises, so the cell shows the student why. Under the course's own grader
    (``CASECURITY_RESULTS`` set) it returns 0 without judging: that grader judges the
    recorded answers itself, outside the kernel.
    """
    if os.environ.get("CASECURITY_RESULTS"):
        return 0.0
    record = last_record(lesson, question)
    if record is None:
        raise AssertionError(f"{question} has no recorded answer: run its cell, which calls "
                             f"ex.{question}.check(answer)")
    result = get_lesson(lesson).questions[question].grade_record(record)
    return float(result.points or 0)
