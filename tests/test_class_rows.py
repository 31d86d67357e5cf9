"""Rows a teacher can trust (issue #24): the course's friendly errors are errors, a filled-in template
that raises is an error, a written answer is shown with its paragraphs even when its cell failed,
and the answer column is readable (nothing for an unanswered question, a map in words)."""

from __future__ import annotations

import folium
import nbformat
import pytest

from casecurity import grade
from casecurity.exercises.answers import encode

LESSON = '''
from casecurity.exercises import MapQuestion, ReflectionQuestion, ValueQuestion, define_lesson

q1 = ValueQuestion("How many defence treaties?", expected=lambda: 3)
q2 = ValueQuestion("Fill in the template.", expected=lambda: 1)
q3 = ValueQuestion("Fill in the other template.", expected=lambda: 2)
q4 = ValueQuestion("Left alone.", expected=lambda: 4)
q5 = ReflectionQuestion("Why? Answer in 5-80 words.", model_answer="Because.", rubric=["says why"])
q6 = ReflectionQuestion("And then? Answer in 5-80 words.", model_answer="Then.", rubric=["says what next"])
q7 = MapQuestion("Shade Kazakhstan in a layer named 'KAZ'.", layers=["KAZ"], shaded=["KAZ"])
define_lesson(__name__, title="Rows fixture", notebook="90_rows")
'''

FAILING_ESSAY = "The pledge binds the members together.\n\nYet it was never tested   in 2010."
WORKING_ESSAY = "First, the treaty set duties.\n\n\nSecond, the members   kept them for thirty years."
MAP = ("import folium\nm = folium.Map(location=[45, 65])\ngroup = folium.FeatureGroup(name='KAZ')\n"
       "folium.GeoJson({'type': 'FeatureCollection', 'features': [{'type': 'Feature', 'properties': "
       "{'iso3': 'KAZ'}, 'geometry': {'type': 'Point', 'coordinates': [66, 48]}}]}).add_to(group)\n"
       "group.add_to(m)\nex.q7.check(m)")


@pytest.fixture
def graded_rows(tmp_path, lesson_module):
    lesson_module("90", LESSON)
    cells = [
        "from casecurity.exercises import lesson90 as ex\nfrom casecurity import data",
        # the course's own friendly error: printed by the kernel extension, no traceback
        "answer = len(data.treaties(obligation='defence'))\nex.q1.check(answer)",
        # every ____ filled in, the comment still has one, then a KeyError
        "# Fill in each ____, then run the cell.\nanswer = {'a': 1}['b']\nex.q2.check(answer)",
        # a ____ left in the code itself
        "# Fill in each ____, then run the cell.\nanswer = ____ + 1\nex.q3.check(answer)",
        "answer = ...  # your code here\nex.q4.check(answer)",
        f"text = {FAILING_ESSAY!r}\nprint(1 / 0)\nex.q5.check(text)",
        f"ex.q6.check({WORKING_ESSAY!r})",
        MAP,
    ]
    path = tmp_path / "rows.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    return {r["question"]: r for r in grade.grade_notebook(path, cell_timeout=60, notebook_timeout=300)}


@pytest.mark.slow
def test_the_course_s_friendly_error_is_an_error_row_with_its_sentence(graded_rows):
    row = graded_rows["q1"]
    assert row["status"] == "error"
    assert row["message"].startswith("CourseError: Unknown obligation 'defence'; did you mean 'defense'?")


@pytest.mark.slow
def test_a_filled_in_template_that_raises_is_an_error_and_a_blank_in_code_is_not_filled_in(graded_rows):
    assert graded_rows["q2"]["status"] == "error"
    assert graded_rows["q2"]["message"] == "KeyError: 'b' (line 2 of the cell that checks q2); the check did not run"
    assert graded_rows["q3"]["status"] == "not_attempted"
    assert "were not filled in" in graded_rows["q3"]["message"]


@pytest.mark.slow
def test_the_answer_column_is_readable(graded_rows):
    assert graded_rows["q4"]["status"] == "not_attempted" and graded_rows["q4"]["answer"] == ""
    assert graded_rows["q7"]["answer"] == "a map; layers: KAZ; shaded: KAZ"
    assert "0x" not in "".join(r["answer"] for r in graded_rows.values())


@pytest.mark.slow
def test_written_answers_keep_their_paragraphs_even_when_the_cell_failed(graded_rows, tmp_path):
    assert graded_rows["q5"]["status"] == "error"
    assert graded_rows["q5"]["answer"] == ("The pledge binds the members together.\n\n"
                                           "Yet it was never tested in 2010.")
    assert graded_rows["q6"]["status"] == "submitted"
    assert graded_rows["q6"]["answer"] == ("First, the treaty set duties.\n\n"
                                           "Second, the members kept them for thirty years.")
    rows = [dict(r, submission="class/ann.ipynb") for r in graded_rows.values()]
    page = grade.write_feedback(rows, tmp_path).read_text(encoding="utf-8")
    assert "Yet it was never tested in 2010." in page and "(no written answer)" not in page


def test_a_map_record_is_summarised_as_layers_and_shaded_states():
    world = folium.Map(location=[45, 65])
    group = folium.FeatureGroup(name="Members")
    folium.GeoJson({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso3": code}, "geometry": {"type": "Point", "coordinates": [66, 48]}}
        for code in ("UZB", "KAZ")]}).add_to(group)
    folium.Marker([41.3, 69.2]).add_to(group)
    group.add_to(world)
    assert grade._map_summary(encode(world)) == "a map; layers: Members; shaded: KAZ, UZB; 1 marker"
    assert grade._map_summary(encode(folium.Map())) == "a map; no named layers; no shaded states"


@pytest.mark.parametrize(("source", "blank"), [
    ("# Fill in each ____, then run the cell.\nanswer = df['parties']", False),
    ("answer = df['____']", True),
    ("answer = ____", True),
    ("answer = 1  # not ____ here", False),
    ("answer = (  # an unfinished line ____", False),
])
def test_only_a_blank_in_code_counts(source, blank):
    assert grade._blank_in_code(source) is blank
