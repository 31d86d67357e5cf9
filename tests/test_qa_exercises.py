"""QA round: answers a learner really types, and the messages they must get back.

Each test here failed before the fix it names: an endless generator hung a lesson's own
question type, a mistake message hid a typo or an empty answer, a damaged progress entry
raised a traceback from check(), long quiz options were cut off at the cell's edge, and so on.
"""

from __future__ import annotations

import itertools
import json

import ipywidgets as widgets
import pandas as pd
import pytest

from casecurity import exercises as E
from casecurity.errors import CourseError
from casecurity.exercises import lesson01, lesson02, lesson03


def registered(**questions):
    E.register_questions("94", questions, title="QA tests")
    return questions


def endless_but_guarded():
    """Endless in practice: raises (instead of hanging the test) once read past any sane limit."""
    for index in itertools.count():
        if index > 5000:
            raise AssertionError("the check read far more of the generator than it may")
        yield "KAZ"


class ListsEverything(E.Question):
    """Like lesson03's CodeSetQuestion: calls list(answer) on whatever it gets."""

    def _grade(self, answer, expected):
        return "incorrect", f"{len(list(answer))} items", None


def test_endless_generator_is_refused_before_any_question_type_reads_it():
    custom = registered(q1=ListsEverything("Give words."))["q1"]
    for question in (custom, lesson03.q7, lesson02.q1):
        result = question.check(endless_but_guarded())
        assert result.status == "incorrect"
        assert "iterator with more than 1000 items" in result.message, result.message


def test_short_generator_is_read_like_a_list():
    assert lesson02.q1.check(code for code in lesson02._csto_central_asian_members()).correct


def test_unknown_country_name_is_not_hidden_by_a_mistake_message():
    # lesson01.q4 has a mistake "Uzbekistan was an original signatory..." for answers without UZB
    result = lesson01.q4.check(["Kazakhstan", "tajik istan"])
    assert "Did you mean 'Tajikistan'" in result.message
    assert "Uzbekistan" not in result.message
    assert "not a country I know" in lesson01.q7.check("5").message


def test_empty_answer_gets_the_empty_message_not_a_mistake():
    assert lesson01.q7.check([]).message == "your list is empty."
    assert lesson01.q7.check("").message == "your list is empty."
    assert lesson03.q7.check({}).message == "your dict is empty: give one code per excerpt."  # a lesson's own type


def test_true_for_a_number_is_answered_as_true_false_not_by_a_mistake():
    result = lesson02.q5.check(True)
    assert result.status == "incorrect" and "True/False" in result.message


@pytest.mark.parametrize("answer", [5, 10**400], ids=["small", "huge"])
def test_type_names_take_the_right_article(answer):
    message = lesson01.q1.check(answer).message
    assert message.startswith("you gave an int;"), message


def test_reflection_word_count_is_singular_for_one_word():
    assert lesson02.q10.check("Yes").message.startswith("1 word:")
    assert lesson02.q10.check("Yes indeed").message.startswith("2 words:")


def test_dataframe_argument_is_shown_compactly_when_a_function_raises():
    frame = pd.DataFrame({"a": range(40), "b": range(40)})
    question = registered(q1=E.FunctionQuestion("f", cases=lambda: [((frame,), 1)]))["q1"]

    def broken(table):
        raise KeyError("x")

    message = question.check(broken).message
    assert "<DataFrame, 40 rows × 2 columns>" in message, message
    assert "[40 rows x 2 columns]" not in message


def test_hints_accept_a_quoted_number_and_explain_out_of_range_numbers():
    question = registered(q1=E.ValueQuestion("n?", expected=lambda: 1, hints=["first", "second"]))["q1"]
    assert question.hint("2").message.startswith("second")
    note = question.hint(99)
    assert note.status == "info" and note.message == "There is no hint 99; this question has 2 hints: hint(1) and hint(2)."
    single = registered(q1=E.ValueQuestion("n?", expected=lambda: 1, hints=["only"]))["q1"]
    assert "one hint: hint(1)" in single.hint(0).message


def test_a_damaged_progress_entry_does_not_break_check(private_progress):
    private_progress.write_text(json.dumps({"version": 1, "lessons": {"94": {"q1": "garbage"}}}))
    question = registered(q1=E.ValueQuestion("n?", expected=lambda: 1))["q1"]
    assert question.check(1).correct  # used to raise AttributeError from the progress store
    saved = json.loads(private_progress.read_text())
    assert saved["lessons"]["94"]["q1"]["status"] == "correct"


def test_progress_for_a_lesson_that_does_not_exist_is_a_one_line_course_error():
    # 83: no test registers it (other tests register throwaway lessons 87-98 in the same process)
    with pytest.raises(CourseError, match=r"There is no lesson 83; the lessons are 00, 01, .*06"):
        E.progress("83")
    with pytest.raises(CourseError, match="Unknown lesson 'xx'"):
        E.progress("xx")
    assert E.progress("02").rows[0][0] == "02"  # a real lesson with nothing checked yet still shows


def test_quiz_options_wrap_and_the_keyboard_is_explained():
    question = registered(q1=E.ChoiceQuestion("Which?", options={"a": "x " * 80, "b": "y"}, answer="b"))["q1"]
    box = question.quiz()
    radios = next(w for w in box.children if isinstance(w, widgets.RadioButtons))
    feedback = box.children[-1]
    assert "casecurity-quiz" in radios._dom_classes and radios.layout.width != "max-content"
    assert ".casecurity-quiz label" in feedback.value and "white-space:normal" in feedback.value
    assert "Space to choose" in feedback.value  # arrows move between cells in JupyterLab
    radios.value = "b"
    next(w for w in box.children if isinstance(w, widgets.Button)).click()
    assert "Correct" in feedback.value and ".casecurity-quiz label" in feedback.value  # style kept


def test_model_answer_is_shown_as_prose_not_code():
    page = lesson02.q10.solution()._repr_html_()
    assert "<pre" not in page and "Article 4" in page
    assert "<pre" in lesson02.q1.solution()._repr_html_()  # code solutions stay code


def test_a_column_named_in_another_case_gets_a_rename_tip():
    frame = lesson02._enlargement().rename(columns={"iso3": "ISO3"})
    message = lesson02.q6.check(frame).message
    assert "'ISO3' should be named 'iso3'" in message, message


def test_displaying_a_choice_question_shows_its_options():
    # exercises/00 says "Run ex.q2 to read the question, then give the letter": the letters must be there
    from casecurity.exercises import lesson00

    for shown in (repr(lesson00.q2), lesson00.q2._repr_html_()):
        for key, text in lesson00.q2.options.items():
            assert f"({key})" in shown and text.split()[0] in shown
        assert "q2.check(&#x27;a&#x27;)" in shown or "q2.check('a')" in shown
    assert "(a)" not in repr(lesson00.q1)  # other question types are unchanged
