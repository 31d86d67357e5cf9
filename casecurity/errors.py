"""User-facing errors.

Every mistake a learner or teacher can make (an unknown organisation, a date
that does not parse, an answer of the wrong type) raises :class:`CourseError`
with a one-line message that says what is wrong and how to fix it. In a
notebook, ``import casecurity`` installs a handler that prints that line
instead of a traceback, because a wall of pandas internals teaches nothing.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable

__all__ = ["CourseError", "suggest", "install_notebook_handler"]


class CourseError(ValueError):
    """A mistake the user can fix; the message says how."""


def suggest(value: object, choices: Iterable[str], what: str) -> CourseError:
    """Build a CourseError for an unknown ``value`` among ``choices``.

    >>> str(suggest("CTSO", ["CSTO", "SCO"], "organization"))
    "Unknown organization 'CTSO'; did you mean 'CSTO'?"
    """
    choices = sorted({str(c) for c in choices})
    text = str(value)
    close = difflib.get_close_matches(text.upper(), [c.upper() for c in choices], n=3, cutoff=0.6)
    by_upper = {c.upper(): c for c in choices}
    close = [by_upper[c] for c in close]
    if not close:  # names such as "kazakstan" match better case-insensitively
        close = difflib.get_close_matches(text.lower(), [c.lower() for c in choices], n=3, cutoff=0.6)
        by_lower = {c.lower(): c for c in choices}
        close = [by_lower[c] for c in close]
    if close:
        options = " or ".join(repr(c) for c in close)
        return CourseError(f"Unknown {what} {text!r}; did you mean {options}?")
    shown = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    return CourseError(f"Unknown {what} {text!r}; valid choices are: {shown}.")


def _show_course_error(shell, etype, evalue, tb, tb_offset=None):  # pragma: no cover - IPython only
    print(f"{etype.__name__}: {evalue}")
    return None


def install_notebook_handler() -> bool:
    """Show CourseError in IPython as one line; return True when installed."""
    # A running IPython has always imported IPython; importing it here would cost plain Python
    # (the grader, the Jupyter server's extension) about a second for nothing.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    # casecurity.friendly shows CourseError as this one line and also explains the commonest
    # beginner mistakes; IPython keeps one custom handler only, so install that one, not ours.
    try:
        from casecurity.friendly import load_ipython_extension
    except ImportError:  # pragma: no cover - a broken install: the one-liner still works
        shell.set_custom_exc((CourseError,), _show_course_error)
        return True
    load_ipython_extension(shell)
    return True
