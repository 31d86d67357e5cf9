"""Start every Python process of the course's environment about a second sooner.

``jsonschema`` (imported by ``nbformat``, so by nbclient, nbval, the grader, the Jupyter
server and the website build) imports ``rfc3987_syntax`` when it loads, and that package
builds its IRI grammar with Lark on import: about 0.9 s of CPU in every process, for a
check (the ``iri`` format) that no notebook schema uses. See
https://github.com/python-jsonschema/jsonschema/issues/1428.

``python -m casecurity.install`` copies this file into the environment's site-packages as
``casecurity_fast_start.py``, with a ``.pth`` line that imports it when Python starts. It
puts a stand-in for ``rfc3987_syntax`` in ``sys.modules`` that loads the real package the
first time anything asks for more than its name: validating an IRI still works, and only
a process that really validates one pays for the grammar.

This module imports nothing of the course (it runs before anything else does) and does
nothing when ``rfc3987_syntax`` is not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

NAME = "rfc3987_syntax"
_lock = threading.Lock()


def _real() -> types.ModuleType:
    """The real ``rfc3987_syntax``, imported on first use in place of the stand-in."""
    with _lock:
        current = sys.modules.get(NAME)
        if isinstance(current, _Deferred):
            del sys.modules[NAME]
            try:
                return importlib.import_module(NAME)
            except BaseException:
                sys.modules[NAME] = current  # leave the stand-in so the next call says the same
                raise
        return current if current is not None else importlib.import_module(NAME)


class _Deferred(types.ModuleType):
    """``rfc3987_syntax`` by name only; any other attribute loads the real package."""

    def __getattr__(self, name: str):
        if name.startswith("__"):  # the import system probes __path__, __spec__ ...: not a use
            raise AttributeError(name)
        return getattr(_real(), name)


def is_valid_syntax(term: str, value: str) -> bool:
    """What ``from rfc3987_syntax import is_valid_syntax`` gets: the real check, loaded when first called."""
    return _real().is_valid_syntax(term, value)


def defer() -> bool:
    """Put the stand-in in place unless the package is missing or already loaded; True when placed."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return False
    stand_in = _Deferred(NAME, "stand-in until first use (casecurity_fast_start)")
    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules[NAME] = stand_in
    return True


if __name__ == "casecurity_fast_start":  # the copy Python imports at start-up, not casecurity.fast_start
    defer()
