"""What ``ex.qK`` is: the learner's handle on a question, and ``define_lesson`` that binds the handles.

A lesson module declares judging questions (``q1 = ValueQuestion(...)``); ``define_lesson``
registers them (``ex.LESSON.questions`` keeps the judging objects, for the grader and tests) and
rebinds each ``qK`` to a :class:`LearnerQuestion`, as learntools' ``bind_exercises`` does. The
handle offers what a learner uses — the prompt, ``check``, ``hint``, ``solution``, ``quiz`` — and
nothing that computes an expected answer (``expected``, ``answer``, ``cases``, explanations of
options). The course is open, so this is no lock: it keeps the learner's API free of oracles.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from casecurity.exercises.feedback import NO_ANSWER, current_mode
from casecurity.exercises.lessons import LessonInfo, register_questions
from casecurity.exercises.question import Question
from casecurity.exercises.variants import use_handout_variants


class LearnerQuestion:
    """``ex.qK``: check, hints, solution and (multiple choice) quiz; no expected answers."""

    __slots__ = ("_question",)

    def __init__(self, question: Question):
        self._question = question

    # what the question says
    @property
    def prompt(self) -> str:
        return self._question.prompt

    @property
    def id(self) -> str:
        return self._question.id

    @property
    def name(self) -> str:
        return self._question.name

    @property
    def lesson(self) -> str:
        return self._question.lesson

    @property
    def kind(self) -> str:
        return self._question.kind

    @property
    def points(self) -> float:
        return self._question.points

    @property
    def params(self) -> dict:
        """This student's variant of the question (e.g. ``{"country": "Kyrgyzstan"}``); {} if it has none."""
        return self._question.params if self._question.templated else {}

    @property
    def hints(self) -> list[str]:
        """The authored hints (in assessment mode only the first, as ``hint()`` shows)."""
        hints = list(self._question.hints)
        return hints[:1] if current_mode() == "assessment" else hints

    @property
    def options(self) -> dict[str, str]:
        """A multiple-choice question's options, letter -> text, in the order shown."""
        options = getattr(self._question, "options", None)
        if options is None:
            raise AttributeError(f"{self.id} is not a multiple-choice question: it has no options")
        return dict(options)

    @property
    def rubric(self) -> list[str]:
        """A reflection question's marking criteria (what the teacher looks for)."""
        rubric = getattr(self._question, "rubric", None)
        if rubric is None:
            raise AttributeError(f"{self.id} is not a reflection question: it has no rubric")
        return list(rubric)

    # what the learner does
    def check(self, answer: Any = NO_ANSWER):
        """Check (practice) or record (assessment) ``answer``; never raises."""
        return self._question.check(answer)

    def hint(self, n: int | None = None):
        """The next hint (or the ``n``-th); in assessment mode only the first."""
        return self._question.hint(n)

    def solution(self):
        """The model solution (practice mode only)."""
        return self._question.solution()

    def quiz(self):
        """Radio buttons and a Check button (multiple-choice questions)."""
        quiz = getattr(self._question, "quiz", None)
        if quiz is None:
            raise AttributeError(f"{self.id} is not a multiple-choice question: answer it with check(answer)")
        return quiz()

    def __repr__(self) -> str:
        return repr(self._question)

    def _repr_html_(self) -> str:
        return self._question._repr_html_()


def define_lesson(module_name: str, *, title: str = "", notebook: str | None = None, number=None) -> LessonInfo:
    """Register every Question defined at the top level of ``module_name`` (call it last).

    The lesson number comes from the module name (``lesson02`` -> ``"02"``) unless given. Each
    ``qK`` of the module then becomes its :class:`LearnerQuestion`; ``LESSON.questions`` keeps the
    judging questions.
    """
    module = sys.modules[module_name]
    if number is None:
        match = re.search(r"lesson(\d+)$", module_name)
        if not match:
            raise ValueError(f"cannot tell the lesson number from module {module_name!r}; pass number=")
        number = match.group(1)
    questions = {name: value for name, value in vars(module).items() if isinstance(value, Question)}
    info = register_questions(number, questions, title=title, notebook=notebook)
    for name, question in questions.items():
        setattr(module, name, LearnerQuestion(question))
    module.LESSON = info
    return info


def use_handout(student: str, params_by_question: dict | str, mode: str = "assessment") -> None:
    """A handout's first cell: this kernel's variants of the questions, and (by default) assessment mode.

    The variants may come as JSON text, which is how the handout writes them (JSON's null, true and
    false are not Python).
    """
    if isinstance(params_by_question, str):
        params_by_question = json.loads(params_by_question)
    use_handout_variants(params_by_question)
    os.environ["CASECURITY_MODE"] = mode
    os.environ["CASECURITY_STUDENT"] = str(student)
