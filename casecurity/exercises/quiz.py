"""Multiple-choice questions and their quiz widget (the answer is saved in the notebook for the grader)."""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping
from typing import Any

from casecurity.exercises.feedback import Note, current_mode
from casecurity.exercises.limits import NO_ANSWER as _MISSING
from casecurity.exercises.question import Question
from casecurity.exercises.question import norm_text as _norm_text
from casecurity.exercises.recording import ANSWER_MIME
from casecurity.exercises.wording import safe_repr as _safe_repr

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

    def __init__(self, prompt, options: Mapping[str, str], answer, *, explanations=None, shuffle=True, **kwargs):
        super().__init__(prompt, **kwargs)
        self.written_options = {str(k).strip().lower(): str(v) for k, v in options.items()}
        self.answer = answer
        self.written_explanations = {str(k).strip().lower(): str(v) for k, v in (explanations or {}).items()}
        if shuffle and self.make_params is None:  # a student's variant shows the options in its own order
            letters = list(self.written_options)
            self.make_params = lambda rng: {"order": rng.sample(letters, len(letters))}
            self.default_params = {"order": letters}

    def _order(self) -> list[str]:
        """The written letters in the order shown (the default variant: as written)."""
        order = self.params.get("order")
        letters = list(self.written_options)
        return list(order) if isinstance(order, list) and sorted(order) == sorted(letters) else letters

    def _shown_letter(self, written: str) -> str:
        return list(self.written_options)[self._order().index(written)]

    @property
    def options(self) -> dict[str, str]:
        """Letter -> text as shown: the letters stay a, b, c...; a variant reorders the texts."""
        if self._order() == list(self.written_options):  # the default variant: the options as written
            return self.written_options
        return {shown: self.written_options[written]
                for shown, written in zip(self.written_options, self._order(), strict=True)}

    @property
    def explanations(self) -> dict[str, str]:
        if self._order() == list(self.written_options):
            return self.written_explanations
        return {self._shown_letter(k): v for k, v in self.written_explanations.items() if k in self.written_options}

    def _compute_expected(self):
        key = str(self._expected(self.answer)).strip().lower()
        if key not in self.written_options:
            raise ValueError(f"the answer {key!r} is not among the options")
        return self._shown_letter(key)

    def _wanted(self):
        return "one of the option letters, e.g. 'b'"

    def _shape(self, answer):
        wanted = "one of the option letters (" + ", ".join(self.options) + ")"
        if not isinstance(answer, str):
            return False, wanted
        key = answer.strip().strip("()").strip().lower()
        by_text = {_norm_text(v, False) for v in self.options.values()}
        return key in self.options or _norm_text(answer, False) in by_text, wanted

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
            if choices.value is None:  # nothing to grade or save: say so in the button's words
                feedback.value = _QUIZ_STYLE + Note(
                    "info", "Choose an option first, then press Check.", question=self.name, lesson=self.lesson
                )._repr_html_()
                return
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


