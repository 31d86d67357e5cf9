"""Central Asian Collective Security: the course's helper package.

Lessons call this package for data queries (:mod:`casecurity.data`), maps
(:mod:`casecurity.maps`), widgets (:mod:`casecurity.widgets`) and exercises
(:mod:`casecurity.exercises`); teachers grade with ``python -m casecurity.grade``.
Submodules are imported lazily so that ``import casecurity`` stays cheap.
"""

from __future__ import annotations

import importlib

from casecurity.errors import CourseError
from casecurity.friendly import install_notebook_handler

__version__ = "0.1.0"
__all__ = ["CourseError", "progress", "__version__"]

_SUBMODULES = {"data", "maps", "charts", "widgets", "exercises", "grade", "palette", "errors"}


def progress(lesson: str | None = None):
    """Show how many questions are answered and correct, per lesson."""
    from casecurity.exercises import progress as _progress

    return _progress(lesson)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"casecurity.{name}")
    raise AttributeError(f"module 'casecurity' has no attribute {name!r}")


install_notebook_handler()
