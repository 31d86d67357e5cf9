"""Graded exercises: instant feedback, tiered hints, solutions from one source, local progress.

Learner API (in an exercise notebook)
=====================================

.. code-block:: python

    from casecurity.exercises import lesson02 as ex
    ex.q1                  # shows the question
    ex.q1.check(answer)    # ✓ Correct / ✗ Incorrect (why) / ○ Not attempted; in assessment: ✎ Recorded
    ex.q1.hint()           # the next hint; ex.q1.hint(2) shows the second hint
    ex.q1.solution()       # the model solution, read from solutions/02_*.ipynb
    ex.q3.quiz()           # ChoiceQuestion: radio buttons + Check button (ex.q3.check("b") also works)
    import casecurity; casecurity.progress()   # per lesson: questions answered and correct

A check never raises, whatever it is given; it returns a :class:`Result` that
shows the outcome in words and symbol (never colour alone) and contains no
timestamp, so saved notebooks compare byte-for-byte under strict nbval.

Writing a lesson's question module (``casecurity/exercises/lessonNN.py``)
=========================================================================

1. Declare each question as a module-level variable ``q1``, ``q2``, ... (the
   variable name is the question id; results are stored as ``lessonNN.qK``).
2. Expected answers are *callables* evaluated at check time, computed from
   :mod:`casecurity.data` (never literals), so a data correction updates them.
3. End the module with ``define_lesson(__name__, title=..., notebook="NN_topic")``.

.. code-block:: python

    from casecurity import data
    from casecurity.exercises import ChoiceQuestion, CountrySetQuestion, ValueQuestion, define_lesson

    def _central_asia():
        countries = data.load("countries")
        return countries.loc[countries["group"] == "central_asia", "iso3"]

    q1 = CountrySetQuestion(
        "Which states form Central Asia?",
        expected=_central_asia,
        hints=["Load data.load('countries')", "Keep rows where group == 'central_asia'"],
        mistakes=[(lambda got: "AFG" in got, "Afghanistan is a neighbour here, not one of the five.")],
    )
    q2 = ValueQuestion("How many are there?", expected=lambda: len(_central_asia()))
    q3 = ChoiceQuestion("Pick one", options={"a": "...", "b": "..."}, answer=lambda: "b")
    define_lesson(__name__, title="Start here", notebook="00_start_here")

Question types (all take ``prompt``, ``hints=[...]``, ``mistakes=[...]``, ``points=1``):

- :class:`ValueQuestion` ``(prompt, expected, tolerance=0, rel_tolerance=0, case_sensitive=False)``:
  a number (absolute/relative tolerance), a date (tolerance in days) or a string
  (case- and space-insensitive; ``expected`` may return a set of accepted strings).
- :class:`CountrySetQuestion` ``(prompt, expected)``: names or ISO3 codes, any case or order.
- :class:`TableQuestion` ``(prompt, expected, key=None, columns=None, check_values=True)``:
  a DataFrame; rows are matched on ``key`` columns (default: the first expected column).
- :class:`MapQuestion` ``(prompt, layers=None, shaded=None, markers=None, over_central_asia=True)``:
  a folium map; ``layers`` are FeatureGroup names, ``shaded`` the states drawn in GeoJson layers.
- :class:`ChoiceQuestion` ``(prompt, options={"a": ...}, answer="b", explanations={"a": "why not"})``.
- :class:`FunctionQuestion` ``(prompt, cases)``: ``cases`` returns ``[((args...), expected), ...]``;
  an untouched stub (body only ``...``/``pass``/docstring) counts as not attempted.
- :class:`ReflectionQuestion` ``(prompt, model_answer, rubric=[...], min_words=0, max_words=None)``: marked
  by the teacher; each rubric item is a criterion text (1 point) or ``(text, points)``, and the question
  is worth their sum. The prompt's word range ("120–250 words") is the gate; an answer too short,
  repetitive or copied from the prompt is "needs more" and does not unlock the model answer.

``mistakes`` is a list of ``(predicate, message)``: when an answer is wrong, the first
predicate that returns true gives its message (it is called with the *normalised* answer —
a frozenset of ISO3 codes for country sets, the DataFrame for tables, the raw value otherwise —
or with ``(answer, expected)`` if it takes two parameters). A predicate that raises is skipped;
predicates are not called for an empty set or a country name that is not recognised (the plain
message is the useful one there). Iterators (generators, ``map(...)``) are read into a list first,
at most 1000 items, so a question type never sees an endless one.

A custom type subclasses :class:`Question` (or a type above) and overrides
``_compute_expected(self)`` (returns the expected value, evaluated at check time) and
``_grade(self, answer, expected) -> (status, message, normalised)`` where status is
"correct", "incorrect" or "submitted" and ``normalised`` is what ``mistakes`` predicates
receive (None when the answer has the wrong shape, so that predicates are skipped).
``_safe_check`` turns any exception into an "incorrect" outcome and handles ``...``/None.

Writing the solution notebook (``solutions/NN_topic_solutions.ipynb``, the single source)
===============================================================================

The exercise notebook ``exercises/NN_topic_exercises.ipynb`` is generated from it by
``make exercises`` (``tools/make_exercises.py``), and ``qK.solution()`` reads it.

- Import the lesson module as ``from casecurity.exercises import lessonNN as ex`` (the grader
  detects the lesson from this line) and set notebook metadata ``{"casecurity": {"lesson": "NN"}}``.
- One code cell per question: the answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  (nbgrader's markers), then the check call ``ex.qK.check(answer)`` in the *same* cell::

      # Which five states form Central Asia?
      ### BEGIN SOLUTION
      countries = data.load("countries")
      answer = countries.loc[countries["group"] == "central_asia", "iso3"]
      ### END SOLUTION
      ex.q1.check(answer)

  The learner sees ``answer = ...  # your code here`` instead of the block (the variable that
  the check call uses; a ``def`` keeps its signature line).
- Whole solution cells (code or markdown, e.g. a model paragraph) carry the tag ``solution``
  and the metadata ``{"casecurity": {"question": "qK"}}``; the generator drops markdown ones
  and empties code ones, and ``qK.solution()`` shows them.

Package layout
==============

Layers, lowest first; imports point down only (``tests/test_import_layers.py``): ``wording``,
``limits``, ``variants`` -> ``countries``, ``mapwalk`` -> ``answers``, ``feedback`` -> ``lessons``
(the registry), ``solutions``, ``progress_store``, ``recording`` -> ``question`` (the base Question:
record, then judge or, in assessment, a receipt) -> ``kinds``, ``quiz`` -> ``learner`` (what
``ex.qK`` is: :class:`LearnerQuestion`, with no expected answers; ``define_lesson``;
``use_handout``) -> this module, which re-exports the public names. ``ex.LESSON.questions`` keeps
the judging questions (for the grader and tests).

Variants: a question written with ``params=`` (a function of its own ``random.Random``) and
``default_params=`` is a template: its prompt, hints, mistake messages and expected answer follow
the variant in force (``ex.qK.params``). Multiple-choice options are shuffled per variant. Without a
handout every question shows its default variant; ``python -m casecurity.assign`` writes handouts.

Recording and grading
=====================

``check(answer)`` turns the answer into a JSON-able record (:func:`encode`: numbers, text,
dates, lists, tables, a map's layers/shaded states/markers, a function's results on the test
inputs), then grades ``decode(record)`` — the very path the grader takes with the same record in
its own process, from expected answers it computed itself before the notebook ran. When
``CASECURITY_RESULTS`` is set (the grader sets it), each check appends
``{lesson, question, via, answer}`` to that file: the answer only, never a status. Quiz answers
(``qK.quiz()``) are graded the same way and saved in the notebook's outputs (mime type
``application/vnd.casecurity.answer+json``) for the grader. In a notebook the verdict is displayed
at once, so output that follows in the cell (``ex.q1.check(a); ex.q1.hint()``) cannot hide it.

Feedback modes: ``practice`` (default) says what kind of thing is wrong, with counts ("2 of 3
right, 1 missing, 1 extra"), and names missing items only in ``hint()`` after a real attempt;
``assessment`` (``CASECURITY_MODE=assessment``, or a handout's first cell) has no oracle: ``check()``
and the quiz button say only "recorded" and whether the answer has the asked shape, ``hint()`` gives
the first hint only and ``solution()`` nothing; the grader judges the records in its own process.

Scaffolded templates write ``____`` for a blank and import it with
``from casecurity.exercises import lessonNN as ex, ____``. Using a blank raises
:class:`BlankError` ("Fill in the blanks (____) first ..."); ``check(____)`` or an answer that
still holds one is "not attempted" with the same words, and so is it in the grader.

Every check also records its last outcome to a small JSON file in
``platformdirs.user_data_dir("casecurity")`` (``CASECURITY_PROGRESS`` = a file path overrides
it), written atomically; an unreadable file is set aside as ``progress.json.corrupt-N``.
Extra lesson modules (tests, a teacher's own questions) can be imported as
``casecurity.exercises.lessonNN`` from the folders listed in ``CASECURITY_LESSONS_PATH``.
"""

from __future__ import annotations

__all__ = [
    "Result",
    "Question",
    "ValueQuestion",
    "CountrySetQuestion",
    "TableQuestion",
    "MapQuestion",
    "ChoiceQuestion",
    "FunctionQuestion",
    "ReflectionQuestion",
    "define_lesson",
    "register_questions",
    "get_lesson",
    "progress",
    "progress_path",
    "STATUSES",
    "____",
    "current_mode",
    "mode",
]


# The public surface: lesson modules and notebooks import everything from here.
from casecurity.exercises.answers import decode, encode  # noqa: E402, F401
from casecurity.exercises.feedback import (  # noqa: E402, F401
    LABELS,
    STATUSES,
    Blank,
    BlankError,
    Note,
    Result,
    current_mode,
    mode,
)
from casecurity.exercises.kinds import (  # noqa: E402, F401
    CENTRAL_ASIA_BOX,
    ChoiceQuestion,
    CountrySetQuestion,
    FunctionQuestion,
    MapQuestion,
    Question,
    ReflectionQuestion,
    TableQuestion,
    ValueQuestion,
    country_code,
    country_label,
)
from casecurity.exercises.learner import LearnerQuestion, define_lesson, use_handout  # noqa: E402, F401
from casecurity.exercises.lessons import (  # noqa: E402, F401
    LessonInfo,
    add_lesson_folders,
    get_lesson,
    lesson_number,
    register_questions,
)
from casecurity.exercises.mapwalk import feature_countries, walk_elements  # noqa: E402, F401
from casecurity.exercises.progress_store import ProgressReport, load_progress, progress, progress_path  # noqa: E402, F401
from casecurity.exercises.recording import save_progress  # noqa: E402, F401
from casecurity.exercises.solutions import (  # noqa: E402, F401
    BEGIN_SOLUTION,
    END_SOLUTION,
    find_solution,
    solution_blocks,
    solutions_dir,
)
from casecurity.exercises.wording import a_type, listing, plural, safe_repr  # noqa: E402, F401

add_lesson_folders()  # teachers' and tests' lesson modules on CASECURITY_LESSONS_PATH

# The blank of scaffolded templates: ``from casecurity.exercises import lesson02 as ex, ____``.
# Using it before it is filled in stops with "Fill in the blanks (____) first"; check(____) says so too.
____ = Blank()
