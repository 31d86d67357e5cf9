"""The registry of lessons and their questions (``register_questions`` / ``get_lesson``); ``define_lesson``
is in :mod:`learner`."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from typing import Any

from casecurity.errors import CourseError

# The registry sits below the question layer, so it never imports Question, not even for type
# checking: a question is any object with an ``id`` (casecurity.exercises.question.Question).
Question = Any

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


def lesson_number(value: object) -> str:
    """Normalise 2, "2", "02", "lesson02" to "02"."""
    text = str(value).strip().lower().removeprefix("lesson")
    if not text.isdigit():
        raise CourseError(f"Unknown lesson {value!r}; give its number, e.g. progress('02').")
    return f"{int(text):02d}"


def register_questions(
    number: str | int, questions: Mapping[str, Question], *, title: str = "", notebook: str | None = None
) -> LessonInfo:
    """Register questions under lesson ``number`` (ids ``qK`` taken from the mapping keys)."""
    number = lesson_number(number)
    for name, question in questions.items():
        question.lesson = number
        question.name = name
    info = LessonInfo(number, title, notebook, dict(questions))
    _LESSONS[number] = info
    return info


def registered_lessons() -> list[str]:
    """Numbers of the lessons registered so far."""
    return sorted(_LESSONS)


def lesson_folders() -> list[str]:
    """The folders searched for ``casecurity.exercises.lessonNN`` (the package's own ``__path__``)."""
    return sys.modules[__package__].__path__  # a submodule's package is always imported before it


def add_lesson_folders() -> None:
    """Let ``casecurity.exercises.lessonNN`` be found in the CASECURITY_LESSONS_PATH folders."""
    folders = lesson_folders()
    for folder in filter(None, os.environ.get("CASECURITY_LESSONS_PATH", "").split(os.pathsep)):
        if folder not in folders:  # the import machinery searches a package's __path__
            folders.append(folder)


def get_lesson(number: str | int) -> LessonInfo | None:
    """The registered lesson, importing ``casecurity.exercises.lessonNN`` if needed; None if absent."""
    number = lesson_number(number)
    if number not in _LESSONS:
        add_lesson_folders()
        try:
            importlib.import_module(f"{__package__}.lesson{number}")
        except ImportError:
            return None
    return _LESSONS.get(number)


_lesson_number = lesson_number  # the former name
