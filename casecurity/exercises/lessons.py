"""The registry of lessons and their questions (``define_lesson`` / ``get_lesson``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kinds imports this module; the registry only needs the name
    from casecurity.exercises.question import Question

class LessonInfo:
    """A lesson's number, title, notebook stem and questions (in declaration order)."""

    def __init__(self, number: str, title: str, notebook: str | None, questions: dict[str, Question]):
        self.number = number
        self.title = title
        self.notebook = notebook
        self.questions = questions

    def __repr__(self) -> str:
        return f"LessonInfo({self.number!r}, {self.title!r}, questions={list(self.questions)})"


_LESSONS: dict[str, LessonInfo] = {}


def _lesson_number(value: object) -> str:
    """Normalise 2, "2", "02", "lesson02" to "02"."""
    text = str(value).strip().lower().removeprefix("lesson")
    if not text.isdigit():
        from casecurity.errors import CourseError

        raise CourseError(f"Unknown lesson {value!r}; give its number, e.g. progress('02').")
    return f"{int(text):02d}"


def register_questions(
    number: str | int, questions: Mapping[str, Question], *, title: str = "", notebook: str | None = None
) -> LessonInfo:
    """Register questions under lesson ``number`` (ids ``qK`` taken from the mapping keys)."""
    number = _lesson_number(number)
    for name, question in questions.items():
        question.lesson = number
        question.name = name
    info = LessonInfo(number, title, notebook, dict(questions))
    _LESSONS[number] = info
    return info


def get_lesson(number: str | int) -> LessonInfo | None:
    """The registered lesson, importing ``casecurity.exercises.lessonNN`` if needed; None if absent."""
    import importlib

    from casecurity import exercises

    number = _lesson_number(number)
    if number not in _LESSONS:
        exercises._add_lesson_folders()
        try:
            importlib.import_module(f"{exercises.__name__}.lesson{number}")
        except ImportError:
            return None
    return _LESSONS.get(number)
