"""The multiple-choice keys of the course cannot be guessed (issue #11, "Keys").

Rules enforced over every ChoiceQuestion of every lesson (found through get_lesson, not listed):

1. Letter balance: no option letter is the key of more than 30% of the questions, so always
   answering "b" (or any other letter) scores at most 30%.
2. Length is no clue: the key is the strictly longest option in at most a fair share of the
   questions, i.e. no more often than if lengths were unrelated to the key. With k options the
   key is the longest by chance in 1/k of the questions, so the bound is the sum of 1/k over the
   questions (25% when every question has four options).
3. Options are parallel: in every question the longest option is at most 1.6 times as long as
   the shortest (in characters), and there are at least three options with letters a, b, c, ...
4. Every option has its own explanation; the key's explanation starts with "Right" and no
   distractor's does (so a reordering that forgets to move an explanation is caught).
5. Exactly one option is graded correct by check().
6. Where a solutions notebook lists the options in markdown, the list is the module's options.

Each rule is also run on a synthetic, deliberately biased question set that must fail it.
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from pathlib import Path

import pytest

from casecurity import exercises as E
from casecurity.exercises import ChoiceQuestion, get_lesson

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [f"{n:02d}" for n in range(7)]
MAX_KEY_SHARE = 0.30  # rule 1
MAX_LENGTH_RATIO = 1.6  # rule 3
MIN_OPTIONS = 3


def course_choice_questions() -> dict[str, ChoiceQuestion]:
    """Every ChoiceQuestion of lessons 00–06, keyed "NN.qK"."""
    found = {}
    for number in LESSONS:
        lesson = get_lesson(number)
        assert lesson is not None, f"lesson {number} is not registered"
        for name, question in lesson.questions.items():
            if isinstance(question, ChoiceQuestion):
                found[f"{number}.{name}"] = question
    return found


def key_of(question: ChoiceQuestion) -> str:
    """The key, found the way a learner would: the one letter that check() grades correct."""
    right = [letter for letter in question.options if question.check(letter).status == "correct"]
    assert len(right) == 1, f"{question.prompt[:60]!r}: {len(right)} options graded correct ({right})"
    return right[0]


def strictly_longest(question: ChoiceQuestion, key: str) -> bool:
    lengths = {letter: len(text) for letter, text in question.options.items()}
    return all(lengths[key] > length for letter, length in lengths.items() if letter != key)


def fair_share(questions) -> float:
    """How many keys would be the strictly longest option if length told nothing: sum of 1/k."""
    return sum(1 / len(q.options) for q in questions)


def key_problems(questions: dict[str, ChoiceQuestion]) -> list[str]:
    """Every breach of rules 1–5 in ``questions``, as readable lines (empty when all hold)."""
    problems = []
    keys = {name: key_of(q) for name, q in questions.items()}
    total = len(questions)
    for letter, count in sorted(Counter(keys.values()).items()):
        if count > MAX_KEY_SHARE * total:
            problems.append(f"letter {letter!r} is the key of {count} of {total} questions "
                            f"(more than {MAX_KEY_SHARE:.0%})")
    longest = [name for name, q in questions.items() if strictly_longest(q, keys[name])]
    if len(longest) > fair_share(questions.values()):
        problems.append(f"the key is the strictly longest option in {len(longest)} of {total} questions, "
                        f"more than the fair share {fair_share(questions.values()):.2f}: {longest}")
    for name, q in questions.items():
        letters = list(q.options)
        if len(letters) < MIN_OPTIONS or letters != list(string.ascii_lowercase[: len(letters)]):
            problems.append(f"{name}: options should be lettered a, b, c, ... (at least {MIN_OPTIONS}); got {letters}")
        lengths = [len(text) for text in q.options.values()]
        if max(lengths) > MAX_LENGTH_RATIO * min(lengths):
            problems.append(f"{name}: the longest option is {max(lengths) / min(lengths):.2f} times the "
                            f"shortest (at most {MAX_LENGTH_RATIO})")
        missing = [letter for letter in letters if not q.explanations.get(letter, "").strip()]
        if missing:
            problems.append(f"{name}: no explanation for option(s) {missing}")
        if set(q.explanations) - set(letters):
            problems.append(f"{name}: explanations for letters that are not options: "
                            f"{sorted(set(q.explanations) - set(letters))}")
        for letter in letters:
            says_right = q.explanations.get(letter, "").startswith("Right")
            if says_right != (letter == keys[name]):
                problems.append(f"{name}: the explanation of ({letter}) "
                                f"{'says' if says_right else 'does not say'} 'Right' but ({letter}) is "
                                f"{'not ' if letter != keys[name] else ''}the key")
    return problems


def always_answer_score(questions: dict[str, ChoiceQuestion], letter: str) -> float:
    """The share of questions that answering ``letter`` everywhere gets right, graded by check()."""
    right = sum(q.check(letter).status == "correct" for q in questions.values())
    return right / len(questions)


# ---- the course -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course():
    questions = course_choice_questions()
    assert len(questions) >= 10, "fewer multiple-choice questions than expected: is discovery broken?"
    return questions


def test_every_lesson_module_is_searched(course):
    lessons_with_choices = {name.split(".")[0] for name in course}
    # every lesson 00–06 has multiple-choice questions today; a lesson that loses them all is news
    assert lessons_with_choices == set(LESSONS)


def test_course_keys_are_balanced_and_options_parallel(course):
    assert key_problems(course) == []


@pytest.mark.parametrize("letter", list("abcd"))
def test_always_answering_one_letter_scores_at_most_30_percent(course, letter):
    assert always_answer_score(course, letter) <= MAX_KEY_SHARE


def test_always_answering_the_longest_option_scores_no_better_than_chance(course):
    def longest(q):
        return max(q.options, key=lambda letter: len(q.options[letter]))

    score = sum(q.check(longest(q)).status == "correct" for q in course.values())
    assert score <= fair_share(course.values())


_OPTION_LINE = re.compile(r"^- (?:\*\*)?\(([a-z])\)(?:\*\*)? (.+)$", re.M)


def test_options_listed_in_solutions_markdown_are_the_modules_options(course):
    checked = 0
    for path in sorted((ROOT / "solutions").glob("0[0-6]_*_solutions.ipynb")):
        number = path.name[:2]
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            heading = re.match(r"## Question (\d+)", source)
            listed = dict(_OPTION_LINE.findall(source))
            if cell["cell_type"] != "markdown" or not heading or not listed:
                continue
            question = course.get(f"{number}.q{heading.group(1)}")
            assert question is not None, f"{path.name}: Question {heading.group(1)} lists options but is not a choice"
            assert listed == question.options, f"{path.name}: Question {heading.group(1)} lists other options"
            checked += 1
    assert checked >= 10  # most exercise sets show the options; finding none means the pattern broke


# ---- the rules catch biased sets (known wrong) ----------------------------------------------------------


def _set(*specs) -> dict[str, ChoiceQuestion]:
    """Synthetic registered questions from (options, key) pairs; explanations follow the key."""
    questions = {}
    for index, (options, key) in enumerate(specs, start=1):
        explanations = {letter: ("Right: because." if letter == key else "No: because.") for letter in options}
        questions[f"q{index}"] = ChoiceQuestion(f"Synthetic {index}?", options=options, answer=key,
                                                explanations=explanations)
    E.register_questions("97", questions, title="Synthetic keys")
    return {f"97.{name}": q for name, q in questions.items()}


def _options(longest: str | None = None, n: int = 4) -> dict[str, str]:
    """n options of equal length, except ``longest`` which is a few characters longer."""
    letters = string.ascii_lowercase[:n]
    return {letter: f"Option {letter} text" + ("!!!" if letter == longest else "") for letter in letters}


def _balanced(n_questions: int = 8, longest_key_every: int = 0):
    keys = "abcd" * n_questions
    return [(_options(longest=keys[i] if longest_key_every and i % longest_key_every == 0 else None), keys[i])
            for i in range(n_questions)]


def test_a_balanced_synthetic_set_passes():
    assert key_problems(_set(*_balanced(8, longest_key_every=4))) == []


def test_the_old_course_pattern_fails():
    """15 of 20 keys "b", 18 of 20 the longest option: what issue #11 found."""
    specs = [(_options(longest="b"), "b")] * 15 + [(_options(longest="a"), "a")] * 3 + [(_options(), "c")] * 2
    questions = _set(*specs)
    problems = key_problems(questions)
    assert any("letter 'b' is the key of 15 of 20" in p for p in problems)
    assert any("strictly longest option in 18 of 20" in p for p in problems)
    assert always_answer_score(questions, "b") == 0.75 > MAX_KEY_SHARE


def test_one_letter_over_30_percent_fails():
    specs = _balanced(7) + [(_options(), "a")] * 2  # a: 2 + 2 of 9 = 44%
    assert any("letter 'a'" in p for p in key_problems(_set(*specs)))


def test_key_longest_more_than_a_fair_share_fails():
    specs = _balanced(8, longest_key_every=2)  # 4 of 8 > 8 * 1/4
    assert any("strictly longest" in p for p in key_problems(_set(*specs)))


def test_unparallel_options_fail():
    specs = _balanced(8)
    specs[0] = ({"a": "Short.", "b": "A much, much longer option text", "c": "Mid-size option", "d": "Another"}, "a")
    assert any("q1: the longest option is" in p for p in key_problems(_set(*specs)))


def test_missing_or_misplaced_explanations_fail():
    questions = _set(*_balanced(8))
    first = questions["97.q1"]
    del first.explanations["d"]
    questions["97.q2"].explanations["a"], questions["97.q2"].explanations["b"] = "Right: moved.", "No: moved."
    problems = key_problems(questions)
    assert any("q1: no explanation for option(s) ['d']" in p for p in problems)
    assert any("q2: the explanation of (a) says 'Right'" in p for p in problems)


def test_two_options_or_odd_letters_fail():
    specs = _balanced(8)
    specs[0] = ({"a": "Yes, it does.", "b": "No, it doesn't."}, "a")
    specs[1] = ({"a": "Option one", "b": "Option two", "x": "Option six"}, "b")
    problems = key_problems(_set(*specs))
    assert any("q1: options should be lettered" in p for p in problems)
    assert any("q2: options should be lettered" in p for p in problems)
