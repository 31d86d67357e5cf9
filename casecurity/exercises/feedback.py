"""How outcomes look: Result and Note objects, their text and HTML, and short safe reprs."""

from __future__ import annotations

import contextlib
import contextvars
import html
import os

from casecurity.exercises.limits import (
    CENTRAL_ASIA_BOX,  # noqa: F401 - re-exported
    NO_ANSWER,
)
from casecurity.exercises.limits import MAX_ITEMS as _MAX_ITEMS  # noqa: F401 - re-exported
from casecurity.exercises.limits import missing_answer as _missing_answer  # noqa: F401 - re-exported
from casecurity.exercises.wording import a_type as _a_type  # noqa: F401 - re-exported
from casecurity.exercises.wording import listing as _listing  # noqa: F401 - re-exported
from casecurity.exercises.wording import plural as _plural  # noqa: F401 - re-exported
from casecurity.exercises.wording import safe_repr as _safe_repr  # noqa: F401 - re-exported
from casecurity.exercises.wording import type_name as _type_name  # noqa: F401 - re-exported

STATUSES = ("correct", "incorrect", "not_attempted", "submitted", "needs_more", "error", "recorded")
LABELS = {
    "correct": ("✓", "Correct"),
    "incorrect": ("✗", "Incorrect"),
    "not_attempted": ("○", "Not attempted"),
    "submitted": ("✎", "Submitted for review"),
    "needs_more": ("✎", "Needs more"),
    "error": ("⚠", "Could not check"),
    "recorded": ("✎", "Recorded"),  # assessment mode: saved for grading, no verdict
    "hint": ("💡", "Hint"),
    "solution": ("📖", "Solution"),
    "info": ("ℹ", "Note"),
}
_MISSING = NO_ANSWER


class Result:
    """The outcome of one check: status, points and a message; displays as words and a symbol."""

    def __init__(
        self,
        status: str,
        message: str = "",
        *,
        points: float = 0,
        max_points: float = 1,
        question: str = "",
        lesson: str = "",
        details: str = "",
    ):
        self.status = status
        self.message = message
        self.points = points
        self.max_points = max_points
        self.question = question
        self.lesson = lesson
        self.details = details  # shown to the learner (model answer, rubric); not recorded

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    def as_record(self) -> dict:
        """The JSON line appended to CASECURITY_RESULTS."""
        return {
            "lesson": self.lesson,
            "question": self.question,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.message,
        }

    def _heading(self) -> str:
        symbol, word = LABELS.get(self.status, ("", self.status))
        where = f" ({question_label(self.lesson, self.question)})" if self.question else ""
        return f"{symbol} {word}{where}"

    def __repr__(self) -> str:
        text = self._heading() + (f": {self.message}" if self.message else "")
        return text + (f"\n{self.details}" if self.details else "")

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return feedback_html(self.status, self._heading(), self.message, self.details)

    def _ipython_display_(self) -> None:
        """Show once per cell run: check() shows the verdict at once, and the cell's value must not repeat it."""
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        run = getattr(shell, "execution_count", None)
        if run is not None and getattr(self, "_shown_in", None) == run:
            return
        self._shown_in = run
        display({"text/plain": repr(self), "text/html": self._repr_html_()}, raw=True)


class Note(Result):
    """A hint, a solution or an informative message (not a check outcome)."""

    def __init__(self, kind: str, message: str, *, code: str = "", question: str = "", lesson: str = "",
                 prose: bool = False):
        super().__init__(kind, message, question=question, lesson=lesson, details=code)
        self.prose = prose  # a model answer in words: wrapped like text, not shown as code

    def _repr_html_(self) -> str:
        return feedback_html(self.status, self._heading(), self.message, self.details, code=not self.prose)


def question_label(lesson: str, question: str) -> str:
    return f"lesson{lesson}.{question}" if lesson else question


def feedback_html(status: str, heading: str, message: str, details: str, code: bool = False) -> str:
    # Words and a symbol carry the meaning; the border only repeats it (never colour alone).
    body = f"<strong>{html.escape(heading)}</strong>"
    if message:
        body += f"<span>: {html.escape(message)}</span>"
    if details:
        tag = "pre" if code else "div"
        style = ' style="white-space: pre-wrap; margin: 0.4em 0 0 0"'
        body += f"<{tag}{style}>{html.escape(details)}</{tag}>"
    return (
        f'<div class="casecurity-feedback casecurity-{html.escape(status)}" role="status" '
        f'style="border-left: 4px solid currentColor; padding: 0.2em 0.6em">{body}</div>'
    )



# --------------------------------------------------------------------------------------------
# Modes: practice (progressive, the default) and assessment (no expected value in any message)
# --------------------------------------------------------------------------------------------

_MODE_OVERRIDE: contextvars.ContextVar[str | None] = contextvars.ContextVar("casecurity_mode", default=None)
MODES = ("practice", "assessment")


def current_mode() -> str:
    """``practice`` unless ``CASECURITY_MODE=assessment`` (the grader always grades in assessment)."""
    override = _MODE_OVERRIDE.get()
    if override:
        return override
    wanted = os.environ.get("CASECURITY_MODE", "").strip().lower()
    return wanted if wanted in MODES else "practice"


@contextlib.contextmanager
def mode(name: str):
    """``with mode("assessment"): ...`` grades in that mode (used by the grader and tests)."""
    if name not in MODES:
        raise ValueError(f"unknown mode {name!r}; use one of {', '.join(MODES)}")
    token = _MODE_OVERRIDE.set(name)
    try:
        yield
    finally:
        _MODE_OVERRIDE.reset(token)


# --------------------------------------------------------------------------------------------
# The ____ placeholder of scaffolded templates
# --------------------------------------------------------------------------------------------

BLANK_MESSAGE = "fill in the blanks (____) first: replace each ____ with your code, then run the cell again."


def _blank_error():
    from casecurity.errors import CourseError

    class BlankError(CourseError):
        """Raised when a template's ____ is used before it is filled in."""

    return BlankError


BlankError = _blank_error()


class Blank:
    """The ``____`` of a scaffolded template: any use of it stops with "fill in the blanks"."""

    def __repr__(self) -> str:
        return "____"

    __str__ = __repr__
    # unhashable: pandas then treats df[____] as a use (BlankError), not as a missing column (KeyError ____)
    __hash__ = None  # type: ignore[assignment]

    def _refuse(self, *args, **kwargs):
        raise BlankError("Fill in the blanks (____) first: replace each ____ with your code, then run the cell again.")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __bool__ = __len__ = __iter__ = __getitem__ = __contains__ = __call__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __and__ = __rand__ = __or__ = __ror__ = __invert__ = __neg__ = _refuse
    __int__ = __float__ = __index__ = _refuse

    def __getattr__(self, name: str):
        if name.startswith("_"):  # introspection (IPython, numpy) asks for dunders: say "no such attribute"
            raise AttributeError(name)
        self._refuse()


_LABELS = LABELS  # the former name
