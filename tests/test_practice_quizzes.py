"""The quizzes inside the lessons are practice, not previews of the graded exercise sets (issue 23).

Each lesson 01-06 notebook quizzes only its module's PRACTICE questions; none of them repeats the
prompt or an option of any graded question of the course, and as a set they keep the multiple-choice
key rules of tests/test_choice_keys.py. (Lesson 00's exercise set is itself practice, so its lesson
may quiz its own questions.)
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from test_choice_keys import key_problems

from casecurity.exercises import ChoiceQuestion, get_lesson

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["01", "02", "03", "04", "05", "06"]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _practice():
    found = {}
    for number in LESSONS:
        module = __import__(f"casecurity.exercises.lesson{number}", fromlist=["PRACTICE"])
        for key, question in module.PRACTICE.items():
            found[f"{number}.{key}"] = question
    return found


def _graded_texts() -> tuple[set[str], set[str]]:
    prompts, options = set(), set()
    for number in ["00", *LESSONS]:
        for question in get_lesson(number).questions.values():
            prompts.add(_norm(question.prompt))
            if isinstance(question, ChoiceQuestion):
                options |= {_norm(text) for text in question.options.values()}
    return prompts, options


@pytest.mark.parametrize("number", LESSONS)
def test_lesson_quizzes_use_practice_questions_only(number):
    path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    quizzes = [source for source in code if ".quiz()" in source]
    assert quizzes, f"{path.name} has no quiz"
    for source in quizzes:
        assert re.fullmatch(r'ex\.PRACTICE\["p\d+"\]\.quiz\(\)', source.strip()), (path.name, source)
    module = __import__(f"casecurity.exercises.lesson{number}", fromlist=["PRACTICE"])
    for source in quizzes:
        assert re.search(r'"(p\d+)"', source).group(1) in module.PRACTICE


def test_no_practice_question_repeats_a_graded_one():
    prompts, options = _graded_texts()
    for name, question in _practice().items():
        assert _norm(question.prompt) not in prompts, f"{name} repeats a graded prompt"
        shared = {_norm(text) for text in question.options.values()} & options
        assert not shared, f"{name} repeats graded options: {shared}"


def test_practice_questions_are_not_registered_or_recorded():
    registered = {id(q) for number in LESSONS for q in get_lesson(number).questions.values()}
    for name, question in _practice().items():
        assert id(question) not in registered, f"{name} is graded"
        assert question.lesson == "", f"{name} would be recorded in progress"


def test_practice_questions_keep_the_key_rules():
    questions = _practice()
    assert len(questions) >= 17
    assert key_problems(questions) == []


def test_a_reused_graded_question_is_caught():
    """The check above is not vacuous: a graded question offered as practice is found."""
    prompts, _options = _graded_texts()
    graded = get_lesson("03").questions["q1"]
    assert _norm(graded.prompt) in prompts
