"""Question kinds: the base Question and the value, country-set, table, map, choice, function
and reflection questions. Each grades an answer against an expected answer it computes from data."""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import html
import inspect
import itertools
import json
import math
import numbers
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from casecurity.exercises.answers import Opaque, RecordedFunction, _args_key, contains_blank, decode, encode
from casecurity.exercises.feedback import (
    _MAX_ITEMS,
    _MISSING,
    BLANK_MESSAGE,
    CENTRAL_ASIA_BOX,
    Note,
    Result,
    _a_type,
    _feedback_html,
    _listing,
    _missing_answer,
    _plural,
    _question_label,
    _safe_repr,
    _type_name,
    current_mode,
)
from casecurity.exercises.lessons import _LESSONS
from casecurity.exercises.recording import ANSWER_MIME, record_answer, save_progress
from casecurity.exercises.solutions import BEGIN_SOLUTION, _solution_notebook, find_solution

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


def _mentions(message: str, token: str) -> bool:
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
        if _as_date(value) is not None:
            tokens.add(_as_date(value).isoformat())
            return
        if _is_number(value):
            number = float(value)
            if math.isfinite(number) and (small_numbers or abs(number) >= 10 or not number.is_integer()):
                tokens.add(str(int(number)) if number.is_integer() else f"{number:g}")
            return
        if hasattr(value, "itertuples"):  # a table: every cell
            for row in itertools.islice(value.itertuples(index=False, name=None), 500):
                for cell in row:
                    add(cell, depth + 1) if not _is_number(cell) else add_number(cell)
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
    ):
        self.prompt = prompt
        self.hints = list(hints)
        self.mistakes = list(mistakes)
        self.points = points
        self.lesson = ""
        self.name = ""
        self._hints_shown = 0

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
        result = self.grade_record(record)
        save_progress(result)
        return result

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

    def freeze_expected(self) -> None:
        """Compute the expected answer now and keep it (the grader does this before any notebook runs)."""
        self._frozen = _MISSING
        try:
            self._frozen = ("ok", self._compute_expected())
        except Exception as exc:
            self._frozen = ("error", exc)

    def _expected_value(self):
        frozen = getattr(self, "_frozen", _MISSING)
        if frozen is _MISSING:
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
        return any(_mentions(message, token) and not _mentions(self.prompt, token) for token in tokens)

    def hint(self, n: int | None = None) -> Note:
        """The next hint (or the ``n``-th, counting from 1)."""
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
        more = f" (hint {n} of {count}; hint() shows the next)" if n < count else ""
        named = getattr(self, "_named_hint", "")
        if named and current_mode() == "practice":
            more += f"\nAbout your last answer: {named}."
        return Note("hint", self.hints[n - 1] + more, question=self.name, lesson=self.lesson)

    def solution(self) -> Note:
        """The model solution, read from the lesson's solution notebook."""
        try:
            lesson = _LESSONS.get(self.lesson)
            path = _solution_notebook(lesson, self.lesson)
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
        return value() if callable(value) else value

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
                    return message
            except Exception:  # a predicate written for another answer shape: ignore it
                continue
        return None

    def _grade(self, answer, expected) -> tuple[str, str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError


# ---- ValueQuestion ---------------------------------------------------------------------------


def _as_date(value) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas.Timestamp
    if callable(to_pydatetime) and not isinstance(value, type):
        result = to_pydatetime()
        return result.date() if isinstance(result, _dt.datetime) else None
    return None


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _norm_text(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


class ValueQuestion(Question):
    """A single number, date or string; ``expected`` decides which (a set of strings = alternatives)."""

    kind = "value"

    def __init__(self, prompt, expected, *, tolerance=0, rel_tolerance=0, case_sensitive=False, **kwargs):
        super().__init__(prompt, **kwargs)
        self.expected = expected
        self.tolerance = tolerance
        self.rel_tolerance = rel_tolerance
        self.case_sensitive = case_sensitive

    def _compute_expected(self):
        value = self._expected(self.expected)
        if hasattr(value, "item") and getattr(value, "shape", None) == ():  # numpy scalar
            value = value.item()
        return value

    def _wanted(self):
        return "a single value"

    def _grade(self, answer, expected):
        if _as_date(expected) is not None:
            return self._grade_date(answer, _as_date(expected))
        if _is_number(expected):
            return self._grade_number(answer, expected)
        alternatives = [expected] if isinstance(expected, str) else [str(e) for e in expected]
        return self._grade_text(answer, alternatives)

    def _shape_problem(self, answer, wanted: str) -> str | None:
        """Messages for the usual wrong shapes: quoted numbers, tuples, Series, DataFrames."""
        if isinstance(answer, BaseException):
            return f"your answer is an error object ({type(answer).__name__}), not {wanted}."
        size = getattr(answer, "shape", None)
        if size is not None and hasattr(answer, "iloc"):
            return (f"you gave a pandas {type(answer).__name__} (shape {_safe_repr(size)}); "
                    f"the question wants {wanted}, e.g. len(df) or series.iloc[0].")
        if isinstance(answer, tuple | list | set | dict | frozenset):
            return f"you gave a {type(answer).__name__} ({_safe_repr(answer)}); the question wants {wanted}."
        return None

    def _grade_number(self, answer, expected):
        if hasattr(answer, "item") and getattr(answer, "shape", None) == ():
            answer = answer.item()
        if isinstance(answer, bool):
            return "incorrect", f"you gave {answer} (True/False); the question wants a number.", None
        if isinstance(answer, str):
            try:
                float(answer.replace(",", ""))
                return "incorrect", (f"you gave the text {_safe_repr(answer)} (in quotes); "
                                     "give the number itself, without quotes."), answer
            except ValueError:
                return "incorrect", f"you gave the text {_safe_repr(answer)}; the question wants a number.", answer
        if not _is_number(answer):
            try:
                import decimal
                import fractions

                if isinstance(answer, decimal.Decimal | fractions.Fraction):
                    answer = float(answer)
            except (ValueError, OverflowError, ArithmeticError):
                pass
        if not _is_number(answer):
            problem = self._shape_problem(answer, "one number")
            return "incorrect", problem or f"you gave {_a_type(answer)}; the question wants a number.", None
        try:
            value = float(answer)
        except (OverflowError, ValueError):
            return "incorrect", "your number is far too large.", answer
        if math.isnan(value):
            return "incorrect", "your answer is NaN (not a number): check for missing values.", answer
        if math.isclose(value, float(expected), rel_tol=self.rel_tolerance, abs_tol=self.tolerance):
            return "correct", f"{_safe_repr(answer)} is right.", answer
        if current_mode() == "assessment":
            return "incorrect", f"your {_safe_repr(answer)} is not the expected value.", answer
        direction = "higher" if value > expected else "lower"
        return "incorrect", f"your {_safe_repr(answer)} is {direction} than the expected value.", answer

    def _grade_date(self, answer, expected: _dt.date):
        given = _as_date(answer)
        if given is None and isinstance(answer, str):
            try:
                given = _dt.date.fromisoformat(answer.strip()[:10])
            except ValueError:
                return "incorrect", (f"could not read {_safe_repr(answer)} as a date; "
                                     "write it as 'YYYY-MM-DD', e.g. '2002-10-07'."), answer
        if given is None:
            if _is_number(answer) and float(answer) == expected.year:
                return "incorrect", "the year is right, but the question wants the full date ('YYYY-MM-DD').", answer
            problem = self._shape_problem(answer, "one date")
            return "incorrect", problem or (f"you gave {_a_type(answer)}; the question wants a date "
                                            "such as '2002-10-07'."), None
        gap = (given - expected).days
        if abs(gap) <= self.tolerance:
            return "correct", f"{given.isoformat()} is right.", given
        if current_mode() == "assessment":
            return "incorrect", f"your date {given.isoformat()} is not the expected date.", given
        if given.year == expected.year:
            return "incorrect", f"your date {given.isoformat()}: the year is right but the month or day is not.", given
        direction = "later" if gap > 0 else "earlier"
        return "incorrect", f"your date {given.isoformat()} is {direction} than the expected date.", given

    def _grade_text(self, answer, alternatives: list[str]):
        if not isinstance(answer, str):
            if _is_number(answer):
                return "incorrect", "you gave a number; the question wants text (in quotes).", answer
            problem = self._shape_problem(answer, "one piece of text")
            return "incorrect", problem or f"you gave {_a_type(answer)}; the question wants text.", None
        given = _norm_text(answer, self.case_sensitive)
        wanted = [_norm_text(a, self.case_sensitive) for a in alternatives]
        if given in wanted:
            return "correct", f"{_safe_repr(answer)} is right.", answer
        if len(given) < 500 and difflib.get_close_matches(given, wanted, n=1, cutoff=0.8):
            return "incorrect", f"{_safe_repr(answer)} is close: check the spelling.", answer
        return "incorrect", f"{_safe_repr(answer)} is not the expected answer.", answer


# ---- CountrySetQuestion ------------------------------------------------------------------------

# Used when casecurity.data is unavailable (a broken data folder must not break every check).
_FALLBACK_COUNTRIES = {
    "KAZ": ("Kazakhstan", "Qazaqstan", "Republic of Kazakhstan"),
    "KGZ": ("Kyrgyzstan", "Kyrgyz Republic", "Kirghizia", "Kirgizia"),
    "TJK": ("Tajikistan", "Republic of Tajikistan"),
    "TKM": ("Turkmenistan",),
    "UZB": ("Uzbekistan", "Republic of Uzbekistan"),
    "AFG": ("Afghanistan",),
    "RUS": ("Russia", "Russian Federation"),
    "CHN": ("China", "People's Republic of China", "PRC"),
    "USA": ("United States", "United States of America", "US", "America"),
    "IRN": ("Iran", "Islamic Republic of Iran"),
    "PAK": ("Pakistan",),
    "IND": ("India",),
    "TUR": ("Turkey", "Türkiye", "Turkiye"),
    "ARM": ("Armenia",),
    "AZE": ("Azerbaijan",),
    "BLR": ("Belarus",),
    "GEO": ("Georgia",),
    "MNG": ("Mongolia",),
    "UKR": ("Ukraine",),
}
_FALLBACK_LOOKUP = {code.casefold(): code for code in _FALLBACK_COUNTRIES}
_FALLBACK_LOOKUP.update(
    {name.casefold(): code for code, names in _FALLBACK_COUNTRIES.items() for name in names}
)


def _data_module():
    try:
        from casecurity import data
    except Exception:  # data.py missing or broken: fall back to the built-in table
        return None
    return data


def country_code(text: str) -> str | None:
    """ISO3 code of a country name or code (any case), or None when unknown."""
    text = str(text)
    if len(text) > 100:  # no country name is this long; spare the fuzzy matching below
        return None
    text = " ".join(text.split())
    if not text:
        return None
    data = _data_module()
    iso3_of = getattr(data, "iso3_of", None)
    if callable(iso3_of):
        try:
            code = iso3_of(text)
            if isinstance(code, str) and len(code) == 3:
                return code.upper()
        except Exception:  # unknown name (CourseError) or data problem: try the built-in table
            pass
    return _FALLBACK_LOOKUP.get(text.casefold())


def country_label(code: str) -> str:
    """Display name of an ISO3 code."""
    data = _data_module()
    name_of = getattr(data, "country_name", None)
    if callable(name_of):
        try:
            name = name_of(code)
            if isinstance(name, str) and name:
                return name
        except Exception:
            pass
    return _FALLBACK_COUNTRIES.get(code, (code,))[0]


def _known_country_names() -> list[str]:
    return [names[0] for names in _FALLBACK_COUNTRIES.values()] + list(_FALLBACK_COUNTRIES)


def _country_items(answer) -> tuple[list | None, str]:
    """The answer's items as a list, or None and a message explaining the shape problem."""
    if isinstance(answer, str):
        return [part for part in re.split(r"[,;]", answer) if part.strip()], ""
    if isinstance(answer, BaseException):
        return None, f"your answer is an error object ({type(answer).__name__}), not a list of countries."
    columns = getattr(answer, "columns", None)
    if columns is not None and hasattr(answer, "iloc"):  # a DataFrame: use its country column
        for column in ("iso3", "name"):
            if column in list(columns):
                return list(itertools.islice(answer[column], _MAX_ITEMS + 1)), ""
        return None, ("you gave a DataFrame without an 'iso3' or 'name' column; "
                      "select the column with the countries, e.g. df['iso3'].")
    if isinstance(answer, Mapping):
        return None, "you gave a dict; give a list of countries, e.g. ['KAZ', 'KGZ']."
    if isinstance(answer, bytes | bytearray):
        return None, "you gave bytes; give a list of country names or ISO3 codes."
    if not isinstance(answer, Iterable):
        return None, (f"you gave {_a_type(answer)}; give a list of country names or "
                      "ISO3 codes, e.g. ['Kazakhstan', 'KGZ'].")
    return list(itertools.islice(iter(answer), _MAX_ITEMS + 1)), ""


class CountrySetQuestion(Question):
    """A set of countries given as names or ISO3 codes, in any case and order."""

    kind = "countries"

    def __init__(self, prompt, expected, **kwargs):
        super().__init__(prompt, **kwargs)
        self.expected = expected

    def _compute_expected(self) -> frozenset[str]:
        codes = set()
        for item in self._expected(self.expected):
            code = country_code(item)
            if code is None:
                raise ValueError(f"unknown country {item!r} in the expected answer")
            codes.add(code)
        return frozenset(codes)

    def _wanted(self):
        return "a list of country names or ISO3 codes"

    def _grade(self, answer, expected: frozenset[str]):
        items, problem = _country_items(answer)
        if items is None:
            return "incorrect", problem, None
        if len(items) > _MAX_ITEMS:
            return "incorrect", f"your answer has more than {_MAX_ITEMS} items; give just the countries.", None
        codes, unknown, not_text = set(), [], []
        for item in items:
            if not isinstance(item, str):
                not_text.append(_safe_repr(item))
                continue
            code = country_code(item)
            if code is None:
                unknown.append(item.strip())
            else:
                codes.add(code)
        if not_text:
            return "incorrect", f"{_listing(not_text)} is not a country name or code (give text).", None
        if unknown:
            shown = _safe_repr(unknown[0])
            close = difflib.get_close_matches(unknown[0][:100], _known_country_names(), n=1, cutoff=0.6)
            tip = f" Did you mean {close[0]!r}?" if close else " Use English short names or ISO3 codes."
            # None: the spelling tip is what helps; a mistake message would hide the typo
            return "incorrect", f"{shown} is not a country I know.{tip}", None
        found = frozenset(codes)
        if found == expected:
            whole = "the one country" if len(expected) == 1 else f"all {len(expected)} countries"
            return "correct", f"{whole}, none extra.", found
        if not found:
            return "incorrect", "your list is empty.", found
        missing = sorted(country_label(code) for code in expected - found)
        extra = sorted(country_label(code) for code in found - expected)
        message = _count_summary(len(found & expected), len(expected), len(missing), len(extra))
        if extra and current_mode() == "practice":  # the learner's own items: naming them gives nothing away
            message += f" Not in the answer: {_listing(extra)}."
        if missing:
            self._name(f"missing: {_listing(missing)}", real=bool(found & expected))
            if current_mode() == "practice":
                message += " hint() names what is missing."
        return "incorrect", message, found


# ---- TableQuestion ------------------------------------------------------------------------------


def _cell_key(value) -> str:
    """A comparable text form of a table cell (dates as ISO, numbers without trailing .0)."""
    try:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        try:
            import pandas

            if value is pandas.NaT or (not isinstance(value, str | bytes) and pandas.isna(value) is True):
                return ""
        except (TypeError, ValueError, ImportError):
            pass
        as_date = _as_date(value)
        if as_date is not None:
            return as_date.isoformat()
        if _is_number(value):
            number = float(value)
            return repr(int(number)) if number.is_integer() else repr(round(number, 6))
        return " ".join(str(value).split())
    except Exception:
        return _safe_repr(value)


def _count_summary(right: int, total: int, missing: int, extra: int, noun: str = "") -> str:
    """ "2 of 3 right, 1 missing, 1 extra." — what kind of thing is wrong, without naming expected items."""
    parts = [f"{right} of {_plural(total, noun) if noun else total} right"]
    if missing:
        parts.append(f"{missing} missing")
    if extra:
        parts.append(f"{extra} extra")
    return ", ".join(parts) + "."


def _row_label(key: tuple) -> str:
    """A row's key as a reader says it: a country's name for an ISO3 code, the value otherwise."""
    labels = []
    for value in key:
        code = value if isinstance(value, str) and len(value) == 3 and value.isupper() else None
        labels.append(country_label(code) if code else str(value))
    return labels[0] if len(labels) == 1 else "(" + ", ".join(labels) + ")"


class TableQuestion(Question):
    """A pandas DataFrame compared row by row on ``key`` columns; names missing/extra rows and columns."""

    kind = "table"

    def __init__(self, prompt, expected, *, key=None, columns=None, check_values=True, **kwargs):
        super().__init__(prompt, **kwargs)
        self.expected = expected
        self.key = [key] if isinstance(key, str) else key
        self.columns = columns
        self.check_values = check_values

    def _compute_expected(self):
        return self._expected(self.expected)

    def _wanted(self):
        return "a pandas DataFrame"

    def _grade(self, answer, expected):
        import pandas as pd

        if not isinstance(answer, pd.DataFrame):
            if isinstance(answer, pd.Series):
                return "incorrect", ("you gave a Series (one column); give a DataFrame, e.g. "
                                     "df[['iso3', 'name']] with double brackets."), None
            return "incorrect", f"you gave {_a_type(answer)}; the question wants a pandas DataFrame.", None
        wanted_columns = list(self.columns or expected.columns)
        key = list(self.key or wanted_columns[:1])
        have = [str(c) for c in answer.columns]
        missing_columns = [c for c in wanted_columns if c not in have]
        if missing_columns:
            tips = []
            for column in missing_columns:
                # "ISO3" or " iso3" for "iso3": difflib alone misses a change of case
                close = [h for h in have if h.casefold().strip() == str(column).casefold()]
                close = close or difflib.get_close_matches(str(column), have, n=1, cutoff=0.7)
                if close:
                    tips.append(f"{close[0]!r} should be named {column!r}")
            tip = f" ({'; '.join(tips)})" if tips else ""
            return "incorrect", (f"missing column(s): {_listing(repr(c) for c in missing_columns)}{tip}. "
                                 f"Your columns: {_listing(have, 8)}."), answer
        if answer.attrs.get("casecurity_rows", len(answer)) > len(answer):
            rows = answer.attrs["casecurity_rows"]
            return "incorrect", f"your table has {rows} rows, far more than the question asks for.", answer
        if len(answer) > 100_000:
            return "incorrect", f"your table has {len(answer)} rows, far more than expected ({len(expected)}).", answer
        answer = answer.loc[:, ~pd.Index(have).duplicated()]
        answer.columns = have if len(set(have)) == len(have) else list(answer.columns)

        def rows(frame):
            keys = [tuple(_cell_key(v) for v in row) for row in frame[key].itertuples(index=False, name=None)]
            return keys

        given_keys, wanted_keys = rows(answer), rows(expected)
        label = (lambda k: k[0] if len(k) == 1 else "(" + ", ".join(k) + ")")  # noqa: E731
        duplicates = sorted({k for k in given_keys if given_keys.count(k) > 1})
        missing = [k for k in wanted_keys if k not in set(given_keys)]
        extra = [k for k in given_keys if k not in set(wanted_keys)]
        if missing or extra or duplicates:
            right = len(set(wanted_keys) & set(given_keys))
            message = (f"rows are matched on {', '.join(key)}: "
                       + _count_summary(right, len(wanted_keys), len(missing), len(extra), noun="row"))
            practice = current_mode() == "practice"
            if extra and practice:
                message += f" Rows that should not be there: {_listing([label(k) for k in extra])}."
            if duplicates:
                message += (f" Rows repeated: {_listing([label(k) for k in duplicates])}." if practice
                            else f" {_plural(len(duplicates), 'row')} repeated.")
            if missing:
                self._name(f"missing rows: {_listing([label(k) for k in missing])}", real=right > 0)
                if practice:
                    message += " hint() names what is missing."
            return "incorrect", message, answer
        if self.check_values:
            given_rows = dict(zip(given_keys, answer[wanted_columns].itertuples(index=False, name=None), strict=True))
            wrong, columns_wrong, should = [], [], []
            for wanted_key, row in zip(wanted_keys, expected[wanted_columns].itertuples(index=False, name=None),
                                       strict=True):
                for column, wanted_value, given_value in zip(wanted_columns, row, given_rows[wanted_key],
                                                             strict=True):
                    if _cell_key(wanted_value) != _cell_key(given_value):
                        where = _row_label(wanted_key)
                        yours = _cell_key(given_value) or "empty"
                        wrong.append(f"your {column} for {where} is {yours}")
                        should.append(f"{column} for {where} should be {_cell_key(wanted_value) or 'empty'}")
                        columns_wrong.append(str(column))
            if wrong:
                self._name("; ".join(should[:3]), real=True)
                if current_mode() == "practice":
                    return "incorrect", (f"{_plural(len(wrong), 'wrong value')}: {_listing(wrong, 3)}; "
                                         "compare with the data (hint() tells you more)."), answer
                columns_text = _listing(sorted({repr(c) for c in columns_wrong}))
                return "incorrect", f"{_plural(len(wrong), 'wrong value')} in the column(s) {columns_text}.", answer
        rows_text = "the one row" if len(expected) == 1 else f"all {len(expected)} rows"
        return "correct", f"{rows_text} and the columns {_listing(wanted_columns, 8)} match.", answer


# ---- MapQuestion ----------------------------------------------------------------------------------


def _walk(element, seen=None, depth=0):
    """Every element below a folium map (children of children), each once."""
    seen = set() if seen is None else seen
    if id(element) in seen or depth > 50:
        return
    seen.add(id(element))
    yield element
    children = getattr(element, "_children", None)
    if isinstance(children, Mapping):
        for child in list(children.values()):
            yield from _walk(child, seen, depth + 1)


def _feature_countries(data) -> set[str]:
    codes = set()
    features = data.get("features", []) if isinstance(data, Mapping) else []
    if isinstance(data, Mapping) and data.get("type") == "Feature":
        features = [data]
    for feature in itertools.islice(features, 10_000):
        properties = feature.get("properties") or {} if isinstance(feature, Mapping) else {}
        for field in ("iso3", "ISO3", "iso_a3", "ISO_A3", "adm0_a3", "name", "NAME"):
            value = properties.get(field)
            code = country_code(value) if isinstance(value, str) else None
            if code:
                codes.add(code)
                break
    return codes


class MapQuestion(Question):
    """A folium map, inspected through its element tree: layers, shaded states, markers, region."""

    kind = "map"

    def __init__(self, prompt, *, layers=None, shaded=None, markers=None, over_central_asia=True, **kwargs):
        super().__init__(prompt, **kwargs)
        self.layers = layers
        self.shaded = shaded
        self.markers = markers
        self.over_central_asia = over_central_asia

    def _compute_expected(self):
        layers = self._expected(self.layers)
        shaded = self._expected(self.shaded)
        markers = self._expected(self.markers)
        shaded_codes = None
        if shaded is not None:
            shaded_codes = frozenset(country_code(item) or str(item) for item in shaded)
        return {"layers": list(layers) if layers is not None else None, "shaded": shaded_codes,
                "markers": int(markers) if markers is not None else None}

    def _wanted(self):
        return "a folium.Map"

    def _grade(self, answer, expected):
        import folium

        if isinstance(answer, folium.Figure):
            maps = [e for e in _walk(answer) if isinstance(e, folium.Map)]
            answer = maps[0] if maps else answer
        if not isinstance(answer, folium.Map):
            return "incorrect", (f"you gave {_a_type(answer)}; the question wants the folium.Map itself "
                                 "(end the cell with the map variable, not m.save(...) or display(m))."), None
        elements = list(_walk(answer))
        problems = []
        if expected["layers"] is not None:
            names = [str(e.layer_name) for e in elements if isinstance(e, folium.FeatureGroup)]
            folded = {n.casefold().strip() for n in names}
            missing = [n for n in expected["layers"] if str(n).casefold().strip() not in folded]
            if missing:
                found = _listing(repr(n) for n in names) if names else "none"
                wanted = len(expected["layers"])
                told = [n for n in missing if _mentions(self.prompt, str(n))]  # names the prompt gives away itself
                named = f": {_listing(repr(n) for n in told)}" if told and len(told) == len(missing) else ""
                problems.append(f"{wanted - len(missing)} of {_plural(wanted, 'layer')} found, {len(missing)} missing"
                                f"{named} (folium.FeatureGroup(name=...); your layers: {found})")
                self._name(f"missing layer(s) {_listing(repr(n) for n in missing)}", real=len(missing) < wanted)
        if expected["shaded"] is not None:
            shaded = set()
            for element in elements:
                if isinstance(element, folium.GeoJson):
                    shaded |= _feature_countries(getattr(element, "data", None))
            missing = sorted(country_label(c) for c in expected["shaded"] - shaded)
            extra = sorted(country_label(c) for c in shaded - expected["shaded"])
            if missing or extra:
                right = len(shaded & expected["shaded"])
                text = "shaded states: " + _count_summary(right, len(expected["shaded"]), len(missing), len(extra),
                                                          noun="state").rstrip(".")
                if extra and current_mode() == "practice":
                    text += f" (should not be shaded: {_listing(extra)})"
                problems.append(text)
                if missing:
                    self._name(f"not shaded: {_listing(missing)}", real=right > 0)
        if expected["markers"] is not None:
            count = sum(isinstance(e, folium.Marker) for e in elements)
            if count != expected["markers"]:
                problems.append(f"{_plural(count, 'marker')} found, "
                                f"{'fewer' if count < expected['markers'] else 'more'} than the question asks for")
                self._name(f"the map needs {_plural(expected['markers'], 'marker')}")
        if self.over_central_asia:
            problem = self._region_problem(answer, elements)
            if problem:
                problems.append(problem)
        if problems:
            return "incorrect", "; ".join(problems) + ".", answer
        checked = [k for k in ("layers", "shaded", "markers") if expected[k] is not None]
        checked += ["region"] if self.over_central_asia else []
        return "correct", f"the map is right (checked: {', '.join(checked) or 'type'}).", answer

    @staticmethod
    def _region_problem(answer, elements) -> str | None:
        centre = None
        for element in elements:
            bounds = getattr(element, "bounds", None) if type(element).__name__ == "FitBounds" else None
            if bounds:
                (south, west), (north, east) = bounds[0], bounds[1]
                centre = ((float(south) + float(north)) / 2, (float(west) + float(east)) / 2)
        if centre is None and answer.location:
            centre = (float(answer.location[0]), float(answer.location[1]))
        if centre is None:
            return "the map has no centre: give folium.Map(location=[45, 65], ...) or call m.fit_bounds(...)"
        south, west, north, east = CENTRAL_ASIA_BOX
        if not (south <= centre[0] <= north and west <= centre[1] <= east):
            return (f"the map is centred on ({centre[0]:.1f}, {centre[1]:.1f}), outside Central Asia "
                    "(about 35–56° N, 46–88° E)")
        return None


# ---- ChoiceQuestion --------------------------------------------------------------------------------


# ipywidgets gives each radio label one line of fixed height, so a long option was cut off at the
# cell's edge; this lets the options of a quiz wrap (scoped to the quiz's own class).
_QUIZ_STYLE = (
    "<style>.casecurity-quiz label{display:flex!important;align-items:flex-start;gap:0.4em;height:auto!important;"
    "line-height:1.4!important;white-space:normal!important;padding:0.15em 0}"
    ".casecurity-quiz input[type=radio]{order:-1;flex:none;height:auto!important;margin:0.25em 0 0 0}</style>"
)
_QUIZ_KEYS = ('<span style="opacity:0.75">Keyboard: Tab to an option, Space to choose it, '
              "then Tab to Check and press Enter.</span>")


class ChoiceQuestion(Question):
    """Multiple choice: ``check("b")``, or ``quiz()`` for radio buttons and a Check button."""

    kind = "choice"

    def __init__(self, prompt, options: Mapping[str, str], answer, *, explanations=None, **kwargs):
        super().__init__(prompt, **kwargs)
        self.options = {str(k).strip().lower(): str(v) for k, v in options.items()}
        self.answer = answer
        self.explanations = {str(k).strip().lower(): str(v) for k, v in (explanations or {}).items()}

    def _compute_expected(self):
        key = str(self._expected(self.answer)).strip().lower()
        if key not in self.options:
            raise ValueError(f"the answer {key!r} is not among the options")
        return key

    def _wanted(self):
        return "one of the option letters, e.g. 'b'"

    def _how_to_answer(self) -> str:
        # the options must be part of the displayed question: `ex.q2` alone is how a learner reads it
        options = "\n".join(f"({key}) {text}" for key, text in self.options.items())
        first = next(iter(self.options), "a")
        name = self.name or "qK"
        return f"{options}\nGive the letter as text, e.g. {name}.check('{first}'), or use {name}.quiz()."

    def check(self, answer: Any = _MISSING):
        """Check ``answer`` (an option letter); without an argument, show the quiz widget."""
        if answer is _MISSING:
            return self.quiz()
        return super().check(answer)

    def _grade(self, answer, expected):
        letters = ", ".join(self.options)
        if not isinstance(answer, str):
            return "incorrect", f"give the letter of an option as text, e.g. check('{next(iter(self.options))}').", None
        key = answer.strip().strip("()").strip().lower()
        if key not in self.options:
            by_text = {_norm_text(v, False): k for k, v in self.options.items()}
            key = by_text.get(_norm_text(answer, False), key)
        if key not in self.options:
            return "incorrect", f"{_safe_repr(answer)} is not one of the options ({letters}).", answer
        if key == expected:
            return "correct", self.explanations.get(key, f"({key}) is right."), key
        if current_mode() == "assessment":  # an explanation of a wrong option may point at the right one
            return "incorrect", f"({key}) is not the best answer.", key
        return "incorrect", self.explanations.get(key, f"({key}) is not the best answer; try again."), key

    def quiz(self):
        """An ipywidgets quiz: radio buttons, a Check button and the feedback below them.

        Keyboard: Tab to an option, Space to choose it, Tab to Check, Enter. (In JupyterLab the
        arrow keys move between cells instead of options, so the instructions say Space.)
        """
        try:
            import ipywidgets as widgets
        except ImportError:  # pragma: no cover - ipywidgets is a dependency
            return Note("info", f"Widgets are unavailable; answer with {self.name}.check('a').",
                        question=self.name, lesson=self.lesson)
        choices = widgets.RadioButtons(
            options=[(f"({k}) {text}", k) for k, text in self.options.items()],
            value=None, description="", layout=widgets.Layout(width="auto"),
        )
        choices.add_class("casecurity-quiz")
        button = widgets.Button(description="Check", tooltip=f"Check your answer to {self.id}",
                                button_style="", icon="check")
        # the style travels with the feedback (the last child), which every check rewrites
        feedback = widgets.HTML(value=_QUIZ_STYLE + _QUIZ_KEYS)

        display_id = f"casecurity-quiz-{uuid.uuid4().hex}"

        def on_click(_button):
            # graded and recorded exactly like check(); the answer (never a verdict) is also saved in
            # the notebook's outputs, where the grader finds it (it cannot press the button itself)
            result = self._check_and_record(choices.value, via="quiz")
            feedback.value = _QUIZ_STYLE + result._repr_html_()
            _save_quiz_answer(display_id, self, choices.value)

        button.on_click(on_click)
        prompt = widgets.HTML(value=f"<strong>{html.escape(self.id)}</strong>: {html.escape(self.prompt)}")
        return _quiz_box_class()([prompt, choices, button, feedback], display_id=display_id)


_QUIZ_PLACEHOLDER = "(Your quiz answer is saved here when you press Check.)"


def _save_quiz_answer(display_id: str, question: Question, choice) -> None:
    """Replace the quiz's answer line in the notebook's outputs with the recorded answer."""
    try:
        from IPython.display import update_display

        record = question.record_answer(choice)
        bundle = {"text/plain": f"Quiz answer saved for {question.id}: {_safe_repr(choice)}",
                  ANSWER_MIME: {"lesson": question.lesson, "question": question.name, "answer": record}}
        update_display(bundle, display_id=display_id, raw=True)
    except Exception:  # outside a kernel there is no output to update
        return


_QUIZ_BOX = None


def _quiz_box_class():
    """A VBox that, when displayed, also shows the line where the quiz answer is saved."""
    global _QUIZ_BOX
    if _QUIZ_BOX is None:
        import ipywidgets as widgets

        class QuizBox(widgets.VBox):
            def __init__(self, children, *, display_id: str):
                super().__init__(children)
                self.casecurity_display_id = display_id

            def _ipython_display_(self):
                from IPython.display import display

                display(self._repr_mimebundle_(), raw=True)
                display({"text/plain": _QUIZ_PLACEHOLDER}, raw=True, display_id=self.casecurity_display_id)

        _QUIZ_BOX = QuizBox
    return _QUIZ_BOX


# ---- FunctionQuestion -------------------------------------------------------------------------------


def _values_match(given, wanted) -> bool:
    if _is_number(wanted) and _is_number(given):
        return math.isclose(float(given), float(wanted), rel_tol=1e-9, abs_tol=1e-9)
    if hasattr(wanted, "equals"):  # pandas objects
        return bool(wanted.equals(given))
    if _as_date(wanted) is not None and _as_date(given) is not None:
        return _as_date(wanted) == _as_date(given)
    result = given == wanted
    return result if isinstance(result, bool) else bool(getattr(result, "all", lambda: False)())


def _is_stub(function) -> bool:
    """True for a function whose body is only a docstring, ``...`` or ``pass`` (it returns None)."""
    try:
        if not inspect.isfunction(function):
            return False
        import dis

        instructions = list(dis.get_instructions(function))
        allowed = {"RESUME", "NOP", "LOAD_CONST", "RETURN_CONST", "RETURN_VALUE"}
        constants = [i.argval for i in instructions if i.opname in ("LOAD_CONST", "RETURN_CONST")]
        return {i.opname for i in instructions} <= allowed and all(c is None for c in constants)
    except Exception:  # an odd callable: let the normal check speak
        return False


class FunctionQuestion(Question):
    """A function, run on test cases ``[((args...), expected), ...]`` (``cases`` may be a callable)."""

    kind = "function"

    def __init__(self, prompt, cases, **kwargs):
        super().__init__(prompt, **kwargs)
        self.cases = cases

    def _compute_expected(self):
        return [(tuple(args) if isinstance(args, tuple | list) else (args,), wanted)
                for args, wanted in self._expected(self.cases)]

    def _wanted(self):
        return "a function"

    def record_answer(self, answer):
        """A function is recorded by what it returns (or raises) on each test input, run here."""
        if _is_stub(answer):
            return {"t": "function", "name": getattr(answer, "__name__", "f"), "stub": True, "calls": {}}
        if not callable(answer) or isinstance(answer, type) or isinstance(answer, RecordedFunction):
            return encode(answer)
        try:
            cases = self._expected_value()
        except Exception:  # the course's own problem: grading reports it
            return encode(answer)
        calls = {}
        for args, _wanted in cases:
            key = _args_key(args)
            try:
                calls[key] = {"result": encode(answer(*copy.deepcopy(args)))}
            except (Exception, SystemExit) as exc:
                calls[key] = {"raised": [type(exc).__name__, str(exc)[:200]]}
        return {"t": "function", "name": str(getattr(answer, "__name__", "f")), "calls": calls}

    def _safe_check(self, answer):
        if getattr(answer, "stub", False) is True or _is_stub(answer):  # `def f(...): ...  # your code here`
            return self._result("not_attempted", "write the body of your function (replace ...), "
                                                 "then run the cell again.")
        return super()._safe_check(answer)

    def _grade(self, answer, cases):
        if not callable(answer) or isinstance(answer, type):
            return "incorrect", (f"you gave {_a_type(answer)}; pass the function itself, "
                                 "e.g. check(my_function) — without calling it."), None
        name = getattr(answer, "__name__", "f")
        for args, wanted in cases:
            call = f"{name}({', '.join(_safe_repr(a) for a in args)})"
            try:
                given = answer(*args)
            except (Exception, SystemExit) as exc:
                return "incorrect", f"{call} raised {type(exc).__name__}: {_safe_repr(str(exc))}", answer
            try:
                same = _values_match(given, wanted)
            except Exception:
                same = False
            if not same:
                self._name(f"{call} should return {_safe_repr(wanted)}")
                return "incorrect", (f"{call} returned {_safe_repr(given)}, which is not what the test expects "
                                     "(hint() tells you more)." if current_mode() == "practice" else
                                     f"{call} returned {_safe_repr(given)}, which is not what the test expects."), answer
        return "correct", f"passed all {_plural(len(cases), 'test case')}.", answer


# ---- ReflectionQuestion ---------------------------------------------------------------------------


def _criterion(item) -> tuple[str, float]:
    """A rubric criterion as (text, points): "text" is worth 1 point; (text, points) or {"text", "points"}."""
    if isinstance(item, Mapping):
        return str(item.get("text", "")), float(item.get("points", 1))
    if isinstance(item, tuple | list) and len(item) == 2:
        points = float(item[1])
        return str(item[0]), int(points) if points.is_integer() else points
    return str(item), 1


_WORD_RANGE = re.compile(r"(about\s+|around\s+)?(\d+)\s*(?:–|—|-|to)\s*(\d+)\s*words", re.IGNORECASE)


def _prompt_word_range(prompt: str) -> tuple[int, int | None]:
    """The word range a prompt asks for ("120–250 words" -> (120, 250); "about 150-250 words" -> (135, 250))."""
    match = _WORD_RANGE.search(str(prompt))
    if not match:
        return 0, None
    low, high = int(match.group(2)), int(match.group(3))
    return (int(low * 0.9) if match.group(1) else low), high


def _copied_share(words: list[str], prompt: str) -> float:
    """Share of the answer's three-word runs that also occur in the prompt (a copied question scores ~1)."""
    source = [w for w in (re.sub(r"\W+", "", w.casefold()) for w in str(prompt).split()) if w]
    grams = {tuple(source[i:i + 3]) for i in range(len(source) - 2)}
    runs = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    return sum(run in grams for run in runs) / len(runs) if runs else 0.0


class ReflectionQuestion(Question):
    """Free text, marked by the teacher against a rubric; shows the model answer once submitted.

    ``rubric`` items are criteria, each a text (worth 1 point) or ``(text, points)``; the question is
    worth the rubric's total unless ``points=`` is given. The word range written in the prompt
    ("120–250 words") is the gate, together with ``min_words``/``max_words``: an answer that is too
    short, repeats one word or copies the prompt gets "needs more" and does not unlock the model answer.
    """

    kind = "reflection"

    def __init__(self, prompt, model_answer: str = "", *, rubric: Iterable = (), min_words: int = 0,
                 max_words: int | None = None, **kwargs):
        self.criteria = [_criterion(item) for item in rubric]
        if "points" not in kwargs and self.criteria:
            kwargs["points"] = sum(points for _text, points in self.criteria)
        super().__init__(prompt, **kwargs)
        self.model_answer = model_answer
        self.rubric = [text for text, _points in self.criteria]
        low, high = _prompt_word_range(prompt)
        self.min_words = max(int(min_words or 0), low)
        if max_words is not None or high is not None:
            self.max_words = max_words if max_words is not None else high

    def _wanted(self):
        return "your answer as text"

    def _safe_check(self, answer):
        if isinstance(answer, str) and not answer.strip():
            answer = None
        result = super()._safe_check(answer)
        if result.status == "submitted":
            details = []
            if self.model_answer:
                details.append("Model answer: " + self._expected(self.model_answer))
            if self.criteria:
                details.append("Your teacher will look for:\n" + "\n".join(
                    f"- {text} ({_plural(points, 'point')})" for text, points in self.criteria))
            result.details = "\n\n".join(details)
        return result

    def _grade(self, answer, expected):
        if not isinstance(answer, str):
            return "incorrect", "write your answer as text between quotes: answer = \"\"\"...\"\"\"", None
        words = answer.split()
        count = len(words)
        if count < self.min_words:
            return "needs_more", f"{_plural(count, 'word')}: the question asks for at least {self.min_words}.", answer
        maximum = getattr(self, "max_words", None)
        if maximum and count > maximum * 1.1:  # a little over is fine; a long essay is not a briefing
            return "needs_more", f"{_plural(count, 'word')}: the question asks for at most {maximum}; cut it down.", answer
        folded = [re.sub(r"\W+", "", w.casefold()) for w in words]
        folded = [w for w in folded if w]
        if folded and len(set(folded)) < 0.35 * len(folded):
            return "needs_more", (f"{_plural(count, 'word')}, but the same few words again and again "
                                  f"({len(set(folded))} different); write your own sentences."), answer
        if _copied_share(folded, self.prompt) > 0.5:
            return "needs_more", "most of this repeats the question; answer it in your own words.", answer
        return "submitted", f"{_plural(count, 'word')}, saved for your teacher; compare with the model answer below.", answer

    def solution(self):
        if self.model_answer:
            return Note("solution", "model answer", code=str(self._expected(self.model_answer)),
                        question=self.name, lesson=self.lesson, prose=True)
        return super().solution()

