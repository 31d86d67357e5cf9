"""Practice questions for the quizzes inside the lessons, kept apart from the graded exercise sets.

A lesson module lists them as ``PRACTICE = practice_set(p1=ChoiceQuestion(...), ...)``. They are
not registered with the lesson (``define_lesson`` registers only module-level questions), so they
are never graded, never recorded for the grader and never counted in ``progress()``; the lesson
notebook shows them with ``ex.PRACTICE["p1"].quiz()``. ``tests/test_practice_quizzes.py`` checks that
no practice question repeats a graded one.
"""

from __future__ import annotations

__all__ = ["practice_set"]


def practice_set(**questions):
    """Name each practice question after its key (``PRACTICE["p1"]``), for its quiz title; return them."""
    for key, question in questions.items():
        question.name = f'PRACTICE["{key}"]'
    return questions
