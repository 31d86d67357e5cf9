"""Words for messages: a short repr that never raises, type names with their article, plurals, listings.

The lowest layer of the engine (with :mod:`limits` and :mod:`variants`): it imports nothing of the course.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

_short_repr = reprlib.Repr()
_short_repr.maxstring = 60
_short_repr.maxother = 60
_short_repr.maxlist = _short_repr.maxtuple = _short_repr.maxset = 6


def safe_repr(value: object) -> str:
    """A short repr that never raises, even for objects whose __repr__ does."""
    try:
        shape = getattr(value, "shape", None)
        if hasattr(value, "iloc") and isinstance(shape, tuple):  # pandas: a printed table is unreadable on one line
            size = f"{shape[0]} rows × {shape[1]} columns" if len(shape) == 2 else f"{shape[0]} values"
            return f"<{type(value).__name__}, {size}>"
        text = _short_repr.repr(value)
    except BaseException:  # noqa: B036 - a learner's object may raise anything from __repr__
        text = f"<{type(value).__name__} object>"
    return " ".join(text.split())[:120]


def type_name(value: object) -> str:
    recorded = getattr(type(value), "casecurity_recorded", False) and getattr(value, "casecurity_type", None)
    if recorded:  # an answer rebuilt from its record keeps the learner's type name
        return str(recorded)
    kind = type(value)
    module = getattr(kind, "__module__", "builtins")
    return kind.__name__ if module == "builtins" else f"{module.split('.')[0]}.{kind.__name__}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def a_type(value: object) -> str:
    """The type name with its article ("a str", "an int"), for "you gave ..." messages."""
    name = type_name(value)
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def listing(items: Iterable[str], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" (and {len(items) - limit} more)" if len(items) > limit else "")
