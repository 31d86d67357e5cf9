"""Reading a submitted notebook without trusting it: the file, its JSON and its shape.

A class folder can hold anything a student (or a download tool) put there: a symbolic link to
the model solutions, a folder or a pipe named ``x.ipynb``, valid JSON of the wrong shape
(``metadata.casecurity`` as a list, a cell's outputs as a string). Each of these becomes one
:class:`SubmissionProblem` whose message names what is wrong, so that the grader writes one
``error`` row for that notebook and goes on with the others. Nothing here runs a notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

__all__ = ["MAX_NOTEBOOK_BYTES", "SubmissionProblem", "feedback_name", "read_submission", "structure_problem"]

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # far above any lesson notebook with its outputs


class SubmissionProblem(Exception):
    """Why a submission cannot be graded, in one line for the teacher."""


def read_submission(path: Path) -> tuple[str, dict]:
    """The notebook's text and parsed JSON; :class:`SubmissionProblem` for anything that is not a
    regular, readable notebook file of the expected shape (never follows a symbolic link)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise SubmissionProblem(f"the file could not be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(info.st_mode):
        raise SubmissionProblem("a symbolic link, not a notebook file: not graded (ask for the notebook itself)")
    if not stat.S_ISREG(info.st_mode):
        raise SubmissionProblem("not a regular file (a folder, pipe or device named like a notebook): not graded")
    try:
        # O_NOFOLLOW/O_NONBLOCK: the name may have been swapped for a link or a pipe since lstat
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise SubmissionProblem(f"the file could not be opened ({exc.strerror or exc}): not graded") from None
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise SubmissionProblem("not a regular file: not graded")
        data = stream.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise SubmissionProblem(f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; clear its outputs "
                                "and submit again")
    try:
        text = data.decode("utf-8")
        notebook = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SubmissionProblem(f"not a valid notebook file ({type(exc).__name__}: {str(exc)[:120]}); "
                                "ask for a fresh copy") from None
    problem = structure_problem(notebook)
    if problem:
        raise SubmissionProblem(f"not a valid notebook file: {problem}; ask for a fresh copy")
    return text, notebook


def structure_problem(notebook) -> str:
    """What is wrong with the notebook's shape, where the grader reads it ("" when it is fine)."""
    if not isinstance(notebook, dict):
        return f"the file holds a JSON {type(notebook).__name__}, not a notebook object"
    metadata = notebook.get("metadata", {})
    if not isinstance(metadata, dict):
        return f"its metadata is a {type(metadata).__name__}, not an object"
    own = metadata.get("casecurity", {})
    if not isinstance(own, dict):
        return f"metadata.casecurity is a {type(own).__name__}, not an object"
    if not isinstance(own.get("lesson", ""), str | int):
        return f"metadata.casecurity.lesson is a {type(own['lesson']).__name__}, not a lesson number"
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        return "it has no list of cells" if cells is None else f"its cells are a {type(cells).__name__}, not a list"
    for number, cell in enumerate(cells, 1):
        problem = _cell_problem(cell)
        if problem:
            return f"cell {number} {problem}"
    return ""


def _cell_problem(cell) -> str:
    if not isinstance(cell, dict):
        return f"is a {type(cell).__name__}, not an object"
    if not isinstance(cell.get("cell_type"), str):
        return "has no cell_type"
    source = cell.get("source", "")
    if not (isinstance(source, str) or isinstance(source, list) and all(isinstance(s, str) for s in source)):
        return "has a source that is not text"
    if not isinstance(cell.get("metadata", {}), dict):
        return "has metadata that is not an object"
    outputs = cell.get("outputs", [])
    if not isinstance(outputs, list):
        return "has outputs that are not a list"
    for output in outputs:
        if not isinstance(output, dict):
            return "has an output that is not an object"
        if not isinstance(output.get("data", {}), dict):
            return "has an output whose data is not an object"
        if not isinstance(output.get("traceback", []), list):
            return "has an error output whose traceback is not a list"
    return ""


_SAFE = re.compile(r"[A-Za-z0-9.-]")


def feedback_name(submission: str) -> str:
    """The feedback page's file name for a submission, derived from its whole path.

    Every character other than letters, digits, ``.`` and ``-`` is written as ``_xx`` (its
    code in hex, ``_`` itself included), so two different paths never give the same name
    (``ann~.ipynb`` and ``ann.ipynb``; ``a/b_c.ipynb`` and ``a_b/c.ipynb``). Very long
    paths keep their start and end a digest of the whole path.
    """
    stem = submission.removesuffix(".ipynb")
    name = "".join(c if _SAFE.match(c) else "".join(f"_{b:02x}" for b in c.encode("utf-8")) for c in stem)
    if stem == submission:
        name += "_"  # "a" and "a.ipynb" differ; a lone "_" never ends an escaped name
    if not name or name.startswith("."):
        name = "_2e" + name[1:] if name else "_"  # never a hidden file
    if len(name) > 180:
        name = f"{name[:100]}_{hashlib.sha256(submission.encode('utf-8')).hexdigest()[:32]}"
    return name + ".html"
