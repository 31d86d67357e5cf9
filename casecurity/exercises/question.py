"""The base Question: check, hints, solution, and the one grading path (record -> decode -> grade)
shared by the learner's kernel and the grader; what assessment mode must never reveal."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import inspect
import itertools
import json
import math
import numbers
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from casecurity.exercises.answers import Opaque, contains_blank, decode, encode
from casecurity.exercises.countries import country_label
from casecurity.exercises.feedback import BLANK_MESSAGE, Note, Result, current_mode
from casecurity.exercises.feedback import feedback_html as _feedback_html
from casecurity.exercises.feedback import question_label as _question_label
from casecurity.exercises.lessons import get_lesson
from casecurity.exercises.limits import MAX_ITEMS as _MAX_ITEMS
from casecurity.exercises.limits import NO_ANSWER as _MISSING
from casecurity.exercises.limits import missing_answer as _missing_answer
from casecurity.exercises.recording import record_answer, save_progress
from casecurity.exercises.solutions import BEGIN_SOLUTION, find_solution, solution_notebook
from casecurity.exercises.variants import active_params, generator
from casecurity.exercises.wording import safe_repr as _safe_repr
from casecurity.exercises.wording import type_name as _type_name

_FROZEN_EXPECTED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("casecurity_expected", default=None)


@contextlib.contextmanager
def expected_answers(frozen: dict):
    """Grade with expected answers computed earlier (``{id(question): question.freeze_expected()}``)."""
    token = _FROZEN_EXPECTED.set(frozen)
    try:
        yield
    finally:
        _FROZEN_EXPECTED.reset(token)


_GRADING = threading.RLock()  # grading notes named details on the question: one grading at a time


def _show_now(result: Result) -> None:
    """In a notebook, display the verdict at once, so output that follows in the cell cannot hide it."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return
        from IPython.display import display

        display(result)
    except Exception:  # no IPython, or a display problem: the returned Result still shows
        return


def mentions(message: str, token: str) -> bool:
    """True when ``token`` occurs in ``message`` as a whole word or number (case-insensitive)."""
    token = str(token).strip()
    if not token:
        return False
    pattern = r"(?<![\w.])" + re.escape(token) + r"(?![\w]|\.\d)"
    return re.search(pattern, message, flags=re.IGNORECASE) is not None


def expected_tokens(expected, small_numbers: bool = True) -> set[str]:
    """The texts by which an expected answer could be given away: names, codes, values, dates."""
    tokens: set[str] = set()

    def add(value, depth=0):
        if depth > 4:
            return
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, str):
            text = " ".join(value.split())
            if len(text) >= 2:
                tokens.add(text)
                if len(text) == 3 and text.isupper():
                    label = country_label(text)
                    if label != text:
                        tokens.add(label)
            return
        if as_date(value) is not None:
            tokens.add(as_date(value).isoformat())
            return
        if is_number(value):
            number = float(value)
            if math.isfinite(number) and (small_numbers or abs(number) >= 10 or not number.is_integer()):
                tokens.add(str(int(number)) if number.is_integer() else f"{number:g}")
            return
        if hasattr(value, "itertuples"):  # a table: every cell
            for row in itertools.islice(value.itertuples(index=False, name=None), 500):
                for cell in row:
                    add(cell, depth + 1) if not is_number(cell) else add_number(cell)
            return
        if isinstance(value, Mapping):
            for item in value.values():
                add(item, depth + 1)
            return
        if isinstance(value, Iterable):
            for item in itertools.islice(value, 500):
                add(item, depth + 1)

    def add_number(value):
        number = float(value)
        if math.isfinite(number) and (abs(number) >= 10 or not number.is_integer()):
            tokens.add(str(int(number)) if number.is_integer() else f"{number:g}")

    add(expected)
    return tokens


class Question:
    """Base class: prompt, hints, common mistakes, points; subclasses implement ``_grade``."""

    kind = "question"

    def __init__(
        self,
        prompt: str,
        *,
        hints: Iterable[str] = (),
        mistakes: Iterable[tuple[Callable, str]] = (),
        points: float = 1,
        params: Callable | None = None,
        default_params: Mapping | None = None,
    ):
        # a question with params is a template: prompt, hints and expected answer follow the variant
        self.make_params = params
        self.templated = params is not None  # texts with {placeholders} filled from the params
        self.default_params = dict(default_params or {})
        self.prompt = prompt
        self.hints = list(hints)
        self.mistakes = list(mistakes)
        self.points = points
        self.lesson = ""
        self.name = ""
        self._hints_shown = 0

    # -- variants ---------------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        return self._fill(self.prompt_template)

    @prompt.setter
    def prompt(self, text: str) -> None:
        self.prompt_template = text

    @property
    def hints(self) -> list[str]:
        return [self._fill(text) for text in self.hint_templates]

    @hints.setter
    def hints(self, texts: Iterable[str]) -> None:
        self.hint_templates = list(texts)

    @property
    def has_variants(self) -> bool:
        return self.make_params is not None

    @property
    def params(self) -> dict:
        """The params of the variant in force (the default variant outside a handout and the grader)."""
        chosen = active_params(self.id) if self.has_variants else None
        return dict(chosen) if chosen is not None else dict(self.default_params)

    def variant_params(self, seed: int) -> dict:
        """The params of the variant with this seed (JSON-able; dates as ISO text)."""
        if not self.has_variants:
            return {}
        return dict(self.make_params(generator(seed)))

    def _fill(self, text: str) -> str:
        return text.format(**self.params) if self.templated else text

    @property
    def id(self) -> str:
        return _question_label(self.lesson, self.name) if self.name else "(unregistered question)"

    # -- display ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"{self.id}: {self.prompt}\n{self._how_to_answer()}"

    def _repr_html_(self) -> str:
        return _feedback_html("info", self.id, self.prompt, self._how_to_answer())

    def _how_to_answer(self) -> str:
        """What the displayed question says below its prompt."""
        return f"Check your answer with {self.name or 'qK'}.check(answer)."

    # -- learner API -------------------------------------------------------------------------
    def check(self, answer: Any = _MISSING) -> Result:
        """Check ``answer``; always returns a Result (never raises), records it and shows it at once."""
        result = self._check_and_record(answer, via="check")
        _show_now(result)
        return result

    def _check_and_record(self, answer: Any, via: str) -> Result:
        """Record the answer as data, then grade that record exactly as the grader will."""
        if answer is _MISSING:
            answer = None
        record = self.record_answer(answer)
        record_answer(self.lesson, self.name, record, via)
        # assessment: no oracle in the learner's kernel; the grader judges the record in its own process
        result = self.receipt(record) if current_mode() == "assessment" else self.grade_record(record)
        save_progress(result)
        return result

    def receipt(self, record: Any) -> Result:
        """Assessment mode's answer to a check: "recorded", and whether the answer has the asked shape.

        It never judges: a right and a wrong answer of the same shape get the very same message.
        """
        try:
            answer = decode(record)
        except Exception:
            answer = Opaque("object", "<an unreadable answer record>")
        if _missing_answer(answer) or getattr(answer, "stub", False) is True:
            return self._result("not_attempted", "replace ... with your answer, then run the cell again.")
        if contains_blank(answer):
            return self._result("not_attempted", BLANK_MESSAGE)
        try:
            fits, wanted = self._shape(answer)
        except Exception:
            fits, wanted = False, self._wanted()
        if fits:
            message = (f"saved for grading; it is {wanted}, as asked. No verdict is shown in assessment "
                       "mode: your teacher's grading marks it.")
        else:
            message = (f"your answer is saved, but the question wants {wanted}: "
                       "check what kind of value it is and run the cell again.")
        return self._result("recorded", message)

    def _shape(self, answer: Any) -> tuple[bool, str]:
        """(does ``answer`` have the asked shape, what that shape is in words); never uses the verdict."""
        return True, "an answer"

    def record_answer(self, answer: Any) -> Any:
        """The answer as JSON-able data (see :mod:`casecurity.exercises.answers`); never raises."""
        return encode(answer)

    def grade_record(self, record: Any) -> Result:
        """Grade a recorded answer: the one checking path of the kernel and of the grader."""
        try:
            answer = decode(record)
        except Exception:  # a hand-made record: grade what is left of it
            answer = Opaque("object", "<an unreadable answer record>")
        self._named = []
        self._real_attempt = False
        with _GRADING:
            result = self._safe_check(answer)
            named, real = list(self._named), self._real_attempt
        if current_mode() == "assessment":
            if result.status != "correct" and self._leaks(result.message):
                result.message = "this answer is not right yet."
            result.details = "" if result.status != "submitted" else result.details
        elif result.status == "incorrect":
            # named items (what is missing, what was expected) wait for hint(), after a real attempt
            self._named_hint = "; ".join(named) if (named and real) else ""
        else:
            self._named_hint = ""
        return result

    def freeze_expected(self) -> tuple[str, Any]:
        """The expected answer computed now, as ("ok", value) or ("error", exception), for
        :func:`expected_answers` (the grader computes them before any notebook runs)."""
        try:
            return ("ok", self._compute_expected())
        except Exception as exc:
            return ("error", exc)

    def _expected_value(self):
        frozen = (_FROZEN_EXPECTED.get() or {}).get(id(self))
        if frozen is None:
            return self._compute_expected()
        kind, value = frozen
        if kind == "error":
            raise value
        return value

    def _name(self, text: str, real: bool = True) -> None:
        """Note a named detail (e.g. "missing: Kyrgyzstan") that only hint() may show, in practice."""
        self._named = getattr(self, "_named", [])
        self._named.append(text)
        self._real_attempt = getattr(self, "_real_attempt", False) or real

    def _leaks(self, message: str) -> bool:
        """True when ``message`` contains an expected value (assessment must never show one)."""
        try:
            tokens = expected_tokens(self._expected_value())
        except Exception:
            return False
        # what the prompt itself says (a layer name to use, a country it names) gives nothing away
        return any(mentions(message, token) and not mentions(self.prompt, token) for token in tokens)

    def hint(self, n: int | None = None) -> Note:
        """The next hint (or the ``n``-th, counting from 1); in assessment mode, only the first."""
        if current_mode() == "assessment":
            return self._assessment_hint(n)
        if not self.hints:
            named = getattr(self, "_named_hint", "") if current_mode() == "practice" else ""
            text = f"About your last answer: {named}." if named else \
                "There is no hint for this question; try solution() if you are stuck."
            return Note("hint", text, question=self.name, lesson=self.lesson)
        count = len(self.hints)
        if isinstance(n, str) and n.strip().isdigit():  # hint("2") means hint(2)
            n = int(n)
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, count)
            n = self._hints_shown
        elif not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= count:
            if count == 1:
                choices = "one hint: hint(1)"
            else:
                choices = f"{count} hints: " + ", ".join(f"hint({i})" for i in range(1, count)) + f" and hint({count})"
            return Note("info", f"There is no hint {_safe_repr(n)}; this question has {choices}.",
                        question=self.name, lesson=self.lesson)
        else:
            self._hints_shown = max(self._hints_shown, n)
        more = (
            f" (hint {n} of {count}; hint() shows the next)"
            if n < count
            else f"\nThat was the last hint; ex.{self.name}.solution() shows a worked answer."
        )
        named = getattr(self, "_named_hint", "")
        if named and current_mode() == "practice":
            more += f"\nAbout your last answer: {named}."
        return Note("hint", self.hints[n - 1] + more, question=self.name, lesson=self.lesson)

    def _assessment_hint(self, n) -> Note:
        if not self.hints:
            return Note("hint", "There is no hint for this question.", question=self.name, lesson=self.lesson)
        if n not in (None, 1, "1"):
            return Note("info", "In assessment mode only the first hint is shown: hint().",
                        question=self.name, lesson=self.lesson)
        return Note("hint", self.hints[0], question=self.name, lesson=self.lesson)

    def _assessment_refusal(self) -> Note | None:
        """In assessment mode, the note that replaces a solution; None in practice."""
        if current_mode() != "assessment":
            return None
        return Note("info", "Solutions are not shown in assessment mode; they come back with the graded work.",
                    question=self.name, lesson=self.lesson)

    def solution(self) -> Note:
        """The model solution, read from the lesson's solution notebook (not in assessment mode)."""
        refusal = self._assessment_refusal()
        if refusal is not None:
            return refusal
        try:
            lesson = get_lesson(self.lesson) if self.lesson else None
            path = solution_notebook(lesson, self.lesson)
            if isinstance(path, str):
                return Note("info", path, question=self.name, lesson=self.lesson)
            notebook = json.loads(path.read_text(encoding="utf-8"))
            pieces = find_solution(notebook, self.name)
        except (OSError, ValueError, AttributeError) as exc:
            return Note("info", f"Could not read the solution notebook ({exc}); please report this.",
                        question=self.name, lesson=self.lesson)
        if not pieces:
            return Note(
                "info",
                f"No solution for {self.id} in {path.name} (a cell with {BEGIN_SOLUTION} that calls "
                f"{self.name}.check(...) is expected); please report this.",
                question=self.name, lesson=self.lesson,
            )
        return Note("solution", f"from {path.name}", code="\n\n".join(pieces), question=self.name,
                    lesson=self.lesson)

    # -- grading -------------------------------------------------------------------------------
    def _result(self, status: str, message: str, details: str = "") -> Result:
        points = self.points if status == "correct" else 0
        return Result(status, message, points=points, max_points=self.points, question=self.name,
                      lesson=self.lesson, details=details)

    def _expected(self, value):
        if not callable(value):
            return value
        return value(**self.params) if self.templated else value()

    def _safe_check(self, answer: Any) -> Result:
        if answer is _MISSING:
            answer = None
        if _missing_answer(answer):
            return self._result("not_attempted", "replace ... with your answer, then run the cell again.")
        if contains_blank(answer):
            return self._result("not_attempted", BLANK_MESSAGE)
        if isinstance(answer, Iterator):
            # generators, map(), zip(), ...: read them once, here, so that no question type
            # (including a lesson's own) can loop forever on an endless one
            try:
                items = list(itertools.islice(answer, _MAX_ITEMS + 1))
            except Exception as exc:
                return self._result("incorrect", f"your answer is an iterator that raised {type(exc).__name__} "
                                                 "when read; give a list instead.")
            if len(items) > _MAX_ITEMS:
                return self._result("incorrect", f"your answer is an iterator with more than {_MAX_ITEMS} items "
                                                 "(maybe endless); give a list of just what the question asks for.")
            answer = items
        try:
            expected = self._expected_value()
        except Exception as exc:  # a course bug, not the learner's fault: say so plainly
            return self._result("error", f"the expected answer could not be computed ({type(exc).__name__}: "
                                         f"{_safe_repr(str(exc))}); please report this.")
        try:
            status, message, normalised = self._grade(answer, expected)
            # mistakes see only answers of a usable shape (None = wrong shape): a predicate
            # such as `"AFG" in got` must never run on an endless generator
            # an empty set gets the plain "empty" message: a mistake such as "you left out
            # Uzbekistan" would suggest that the rest was right
            empty_set = isinstance(normalised, set | frozenset) and not normalised
            if status == "incorrect" and normalised is not None and not empty_set:
                message = self._mistake_message(normalised, expected) or message
            return self._result(status, message)
        except RecursionError:
            return self._result("incorrect", f"your answer ({_type_name(answer)}) is nested too deeply to check.")
        except Exception as exc:
            return self._result(
                "incorrect",
                f"your answer could not be checked: using it raised {type(exc).__name__}. "
                f"Expected {self._wanted()}.",
            )

    def _compute_expected(self):
        return None

    def _wanted(self) -> str:
        return "a different kind of answer"

    def _mistake_message(self, normalised, expected) -> str | None:
        for predicate, message in self.mistakes:
            try:
                two = len(inspect.signature(predicate).parameters) >= 2
                hit = predicate(normalised, expected) if two else predicate(normalised)
                if bool(hit):
                    return self._fill(message)  # a variant's mistake message names its own date, country...
            except Exception:  # a predicate written for another answer shape: ignore it
                continue
        return None

    def _grade(self, answer, expected) -> tuple[str, str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError



def as_date(value) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas.Timestamp
    if callable(to_pydatetime) and not isinstance(value, type):
        result = to_pydatetime()
        return result.date() if isinstance(result, _dt.datetime) else None
    return None


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def norm_text(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


