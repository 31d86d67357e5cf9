"""The run's journal: each submission's rows saved as soon as it is graded, so no run is lost.

``grades.csv`` gets a journal beside it (``grades.journal.jsonl``). Its first line names the run
(the settings that change a grade); every later line is one graded submission with its rows,
appended in one ``write`` and flushed to disk. A run that is stopped or killed leaves the
journal; ``--resume`` reads it, skips every submission already in it and grades only the rest. A
last line cut short by the kill is ignored (that notebook is graded again, once). The journal is
removed when the final CSV, JSON, feedback and report are written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["Journal", "JournalError"]

_KIND = "casecurity.grade journal"


class JournalError(Exception):
    """The journal cannot be used (unreadable, or written by a run with other settings)."""


class Journal:
    """Append-only record of one grading run, next to its CSV."""

    def __init__(self, out: Path):
        self.path = out.with_suffix(".journal.jsonl")

    def exists(self) -> bool:
        return os.path.lexists(self.path)

    def load(self, settings: dict) -> dict[str, dict]:
        """Graded submissions already in the journal: submission -> {"rows": [...], "isolated": bool}."""
        try:
            lines = self.path.read_bytes().split(b"\n")
        except OSError as exc:
            raise JournalError(f"the journal {self.path} could not be read ({exc.strerror or exc})") from None
        try:
            header = json.loads(lines[0])
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("kind") != _KIND:
            raise JournalError(f"{self.path} is not a grading journal; move it away to start again")
        if header.get("settings") != settings:
            raise JournalError(f"{self.path} was written with other settings ({header.get('settings')}); "
                               "resume with the same options, or delete it to start again")
        done: dict[str, dict] = {}
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except ValueError:  # a line cut short by a kill: that notebook is graded again
                continue
            if (isinstance(entry, dict) and isinstance(entry.get("submission"), str)
                    and isinstance(entry.get("rows"), list) and all(isinstance(r, dict) for r in entry["rows"])):
                done[entry["submission"]] = {"rows": entry["rows"], "isolated": entry.get("isolated") is True}
        return done

    def start(self, settings: dict) -> None:
        """A new journal holding only the run's settings."""
        self._append({"kind": _KIND, "settings": settings}, truncate=True)

    def record(self, submission: str, rows: list[dict], isolated: bool) -> None:
        """Save one graded submission (one line, flushed to disk before the next notebook)."""
        self._append({"submission": submission, "isolated": isolated, "rows": rows})

    def remove(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def _append(self, entry: dict, truncate: bool = False) -> None:
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if truncate else os.O_APPEND)
        handle = os.open(self.path, flags, 0o666)
        try:
            if not truncate:
                # a line cut short by an earlier kill must not swallow this one
                size = os.fstat(handle).st_size
                if size and os.pread(handle, 1, size - 1) != b"\n":
                    line = b"\n" + line
            os.write(handle, line)
            os.fsync(handle)
        finally:
            os.close(handle)
