"""Question kinds: value, country-set, table, map, function and reflection questions (the base
Question is in :mod:`question`, multiple choice in :mod:`quiz`). Each grades an answer against an
expected answer it computes from data."""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import inspect
import math
import re
from collections.abc import Iterable, Mapping

from casecurity.exercises.answers import RecordedFunction, encode
from casecurity.exercises.answers import args_key as _args_key
from casecurity.exercises.countries import country_code, country_label
from casecurity.exercises.countries import country_items as _country_items
from casecurity.exercises.countries import known_country_names as _known_country_names
from casecurity.exercises.feedback import Note, current_mode
from casecurity.exercises.limits import CENTRAL_ASIA_BOX
from casecurity.exercises.limits import MAX_ITEMS as _MAX_ITEMS
from casecurity.exercises.limits import NO_ANSWER as _MISSING
from casecurity.exercises.mapwalk import feature_countries as _feature_countries
from casecurity.exercises.mapwalk import walk_elements as _walk
from casecurity.exercises.question import Question, expected_answers, expected_tokens  # noqa: F401 - re-exported
from casecurity.exercises.question import as_date as _as_date
from casecurity.exercises.question import is_number as _is_number
from casecurity.exercises.question import mentions as _mentions
from casecurity.exercises.question import norm_text as _norm_text
from casecurity.exercises.quiz import ChoiceQuestion  # noqa: F401 - re-exported
from casecurity.exercises.wording import a_type as _a_type
from casecurity.exercises.wording import listing as _listing
from casecurity.exercises.wording import plural as _plural
from casecurity.exercises.wording import safe_repr as _safe_repr
from casecurity.exercises.writing import writing_box


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

    def _shape(self, answer):
        expected = self._expected_value()
        if hasattr(answer, "item") and getattr(answer, "shape", None) == ():
            answer = answer.item()
        if _as_date(expected) is not None:
            if isinstance(answer, str):
                try:
                    _dt.date.fromisoformat(answer.strip()[:10])
                    return True, "a date"
                except ValueError:
                    return False, "a date written 'YYYY-MM-DD'"
            return _as_date(answer) is not None, "a date"
        if _is_number(expected):
            return _is_number(answer) and not isinstance(answer, bool), "a number"
        return isinstance(answer, str), "a text"

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
            return "incorrect", f"your {_safe_repr(answer)} is close to the expected answer: check the spelling.", answer
        return "incorrect", f"your {_safe_repr(answer)} is not the expected answer.", answer


# ---- CountrySetQuestion ------------------------------------------------------------------------

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

    def _shape(self, answer):
        items, _problem = _country_items(answer)
        fits = items is not None and len(items) <= _MAX_ITEMS and all(
            isinstance(item, str) and country_code(item) is not None for item in items)
        return fits, "a list of countries, as names or ISO3 codes"

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

    def _shape(self, answer):
        import pandas as pd

        asked = [str(c) for c in (self.columns or list(self._expected_value().columns))]
        wanted = "a table (DataFrame) with the columns " + ", ".join(asked)
        if not isinstance(answer, pd.DataFrame):
            return False, wanted
        return set(asked) <= {str(c) for c in answer.columns}, wanted

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

        def rows(frame, upper=()):
            keys = [tuple(_cell_key(v).upper() if i in upper else _cell_key(v) for i, v in enumerate(row))
                    for row in frame[key].itertuples(index=False, name=None)]
            return keys

        wanted_keys = rows(expected)
        # key columns of ISO3 codes accept lower-case codes ("kaz"), as country lists do
        codes = {i for i in range(len(key)) if wanted_keys and all(re.fullmatch(r"[A-Z]{3}", k[i]) for k in wanted_keys)}
        given_keys = rows(answer, codes)
        if codes:
            answer = answer.copy()
            for i in codes:
                answer[key[i]] = [str(v).upper() if isinstance(v, str) else v for v in answer[key[i]]]
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

    def _shape(self, answer):
        import folium

        return isinstance(answer, folium.Map | folium.Figure), "a folium map"

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
                # the lesson's words ("a layer named ..."), not folium's class names
                if told and len(told) == len(missing):
                    ask = "add " + _listing(f"a layer named {n!r}" for n in told)
                else:
                    which = "missing layer" if len(missing) == 1 else f"{len(missing)} missing layers"
                    ask = f"add the {which}, named as the question says"
                problems.append(f"{wanted - len(missing)} of {_plural(wanted, 'layer')} found, {len(missing)} missing: "
                                f"{ask} (your layers: {found})")
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

    def _shape(self, answer):
        return callable(answer) and not isinstance(answer, type), "a function"

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


COPIED_MODEL = "most of it copies the model answer"  # also kept in the grader's message


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

    def _shape(self, answer):
        maximum = getattr(self, "max_words", None)
        length = (f" of {self.min_words}–{maximum} words" if maximum else
                  f" of at least {self.min_words} words" if self.min_words else "")
        if not isinstance(answer, str):
            return False, "text" + length
        count = len(answer.split())
        return count >= self.min_words and not (maximum and count > maximum * 1.1), "text" + length

    def check(self, answer=_MISSING):
        """Check a written answer; without an argument, show a box to write it in (no Python needed)."""
        if answer is _MISSING:
            return writing_box(self)
        return super().check(answer)

    def check_written(self, text: str):
        """Grade and record text written in the box (what its Check button does)."""
        return self._check_and_record(text, via="write")

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
        # the model answer is one solution() away: a pasted copy stays "submitted" (a solutions notebook
        # may hand in the model itself) but says so, for the teacher who marks it (0.8: the course's
        # worked solutions written in other words share at most ~0.6 of their runs with it)
        if self.model_answer and _copied_share(folded, str(self._expected(self.model_answer))) > 0.8:
            return "submitted", f"{_plural(count, 'word')}, saved for your teacher; {COPIED_MODEL}.", answer
        return "submitted", f"{_plural(count, 'word')}, saved for your teacher; compare with the model answer below.", answer

    def solution(self):
        refusal = self._assessment_refusal()
        if refusal is not None:
            return refusal
        if self.model_answer:
            return Note("solution", "model answer", code=str(self._expected(self.model_answer)),
                        question=self.name, lesson=self.lesson, prose=True)
        return super().solution()

