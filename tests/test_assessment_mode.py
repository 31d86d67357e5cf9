"""Assessment mode: wrong answers to every question of every lesson never get an expected value back.

Issue #11: in assessment (``CASECURITY_MODE=assessment``, and always in the grader) no message may
contain an expected item. Hypothesis builds wrong answers of the right kind for each question —
subsets and supersets of the expected countries, tables with rows dropped, added or changed, maps
with some layers and states, near-miss numbers and dates, the other option letters, functions that
return wrong values — and the test looks for the expected items (computed here, from the expected
answer, independently of the engine's own leak guard) in the message.
"""

from __future__ import annotations

import datetime as dt
import re

import folium
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casecurity import data
from casecurity.exercises import encode, get_lesson, mode
from casecurity.exercises.answers import _args_key

LESSONS = ["00", "01", "02", "03", "04", "05", "06"]
QUESTIONS = [(number, name) for number in LESSONS for name, q in get_lesson(number).questions.items()
             if q.kind != "reflection"]
OTHER_STATES = ["AFG", "RUS", "CHN", "IRN", "MNG", "USA", "TUR", "IND", "PAK", "ARM", "BLR"]


def _country_names(codes) -> set[str]:
    names = set()
    for code in codes:
        names.add(code)
        try:
            names.add(data.country_name(code))
        except Exception:
            pass
    return names


def _items(question, expected) -> set[str]:
    """What must never appear in an assessment message: the expected items, as a reader would see them."""
    kind = question.kind
    if kind == "choice":
        return {f"({expected})", question.options[expected]}
    if kind == "countries":
        return _country_names(expected)
    if kind == "map":
        items = {str(n) for n in expected["layers"] or []}
        return items | _country_names(expected["shaded"] or [])
    if kind == "table":
        key = question.key or list(question.columns or expected.columns)[:1]
        return {str(v) for column in key for v in expected[column] if len(str(v)) > 1}
    if kind == "function":
        return {str(wanted) for _args, wanted in expected if isinstance(wanted, str) and len(wanted) > 1}
    if kind == "value":
        if isinstance(expected, dt.date):
            return {expected.isoformat()}
        if isinstance(expected, int | float):
            return {f"{expected:g}"}
        return {expected} if isinstance(expected, str) else set(expected)
    return {str(item) for item in expected if len(str(item)) > 1} if isinstance(expected, frozenset) else set()


def _mentioned(item: str, message: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(item) + r"(?![\w]|\.\d)", message, re.IGNORECASE) is not None


def _wrong_answer(question, expected, draw):
    """A wrong answer of the question's own kind (or None when none can be built)."""
    kind = question.kind
    if kind == "choice":
        others = [k for k in question.options if k != expected]
        return draw(st.sampled_from(others))
    if kind in ("countries", "codes"):
        pool = sorted(expected) + (OTHER_STATES if kind == "countries" else ["basing", "defense", "consultation"])
        chosen = draw(st.sets(st.sampled_from(pool), max_size=len(pool)))
        if frozenset(chosen) == expected:
            chosen = set(chosen) - {sorted(expected)[0]}
        return sorted(chosen)
    if kind == "value":
        if isinstance(expected, dt.date):
            return (pd.Timestamp(expected) + pd.Timedelta(days=draw(st.integers(1, 4000)) * draw(
                st.sampled_from([-1, 1])))).date().isoformat()
        if isinstance(expected, int | float):
            return expected + draw(st.integers(1, 50)) * draw(st.sampled_from([-1, 1]))
        return draw(st.text(min_size=1, max_size=20))
    if kind == "table":
        frame = expected.copy()
        drop = draw(st.lists(st.integers(0, max(len(frame) - 1, 0)), max_size=len(frame), unique=True))
        frame = frame.drop(frame.index[drop]).reset_index(drop=True) if len(frame) else frame
        if draw(st.booleans()) and len(frame):  # change one value
            column = draw(st.sampled_from(list(frame.columns)))
            frame[column] = frame[column].astype(object)
            frame.loc[0, column] = "zzz-wrong"
        if draw(st.booleans()):  # an extra row
            frame = pd.concat([frame, pd.DataFrame({c: ["XXQ"] for c in frame.columns})], ignore_index=True)
        if frame.astype(str).equals(expected.astype(str).reset_index(drop=True)):
            frame = frame.iloc[1:]
        return frame
    if kind == "map":
        m = folium.Map(location=[draw(st.floats(30, 60)), draw(st.floats(40, 90))], tiles=None)
        layers = list(expected["layers"] or [])
        for name in draw(st.lists(st.sampled_from(layers), unique=True)) if layers else []:
            folium.FeatureGroup(name=name).add_to(m)
        pool = sorted(expected["shaded"] or []) + OTHER_STATES[:3]
        shaded = draw(st.sets(st.sampled_from(pool)))
        features = [{"type": "Feature", "properties": {"iso3": c}, "geometry": None} for c in sorted(shaded)]
        folium.GeoJson({"type": "FeatureCollection", "features": features}).add_to(m)
        for _ in range(draw(st.integers(0, 3))):
            folium.Marker([draw(st.floats(35, 55)), draw(st.floats(46, 88))]).add_to(m)
        return m
    if kind == "function":
        value = draw(st.one_of(st.integers(-5, 5), st.text(max_size=5), st.none()))
        calls = {_args_key(args): {"result": encode(value)} for args, _wanted in expected}
        return ("record", {"t": "function", "name": "f", "calls": calls})
    return None


@pytest.mark.parametrize(("number", "name"), QUESTIONS, ids=[f"lesson{n}.{q}" for n, q in QUESTIONS])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(draw=st.data())
def test_no_expected_item_in_any_assessment_message(number, name, draw):
    question = get_lesson(number).questions[name]
    expected = question._compute_expected()
    answer = _wrong_answer(question, expected, draw.draw)
    if answer is None:
        pytest.skip(f"no wrong-answer strategy for {type(question).__name__}")
    record = answer[1] if isinstance(answer, tuple) and answer[:1] == ("record",) else encode(answer)
    with mode("assessment"):
        result = question.grade_record(record)
        hint = repr(question.hint())
    if question.kind in ("choice", "countries", "codes"):
        # these wrong answers differ from the key as sets or letters: a "correct" here would hide a leak check
        assert result.status != "correct", f"{question.id}: the wrong answer {answer!r} was graded correct"
    if result.status == "correct":
        return  # a generated answer that happens to be right (e.g. an equivalent spelling)
    shown = result.message + "\n" + result.details
    # what the prompt itself says (a layer name to use) is no secret
    leaked = sorted(item for item in _items(question, expected)
                    if _mentioned(item, shown) and not _mentioned(item, question.prompt))
    assert not leaked, f"{question.id} message gives away {leaked}: {shown!r}"
    # hints in assessment are the authored ones only: never "about your last answer: missing ..."
    assert "About your last answer" not in hint
