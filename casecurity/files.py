"""Writing files so that nothing is ever half-written.

Progress files, gradebooks, feedback pages, generated notebooks and saved
charts are all written the same way: to a temporary file in the same folder,
then moved into place in one step, so a crash or a full disk leaves either the
old file or the new one, never a fragment.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_text_atomically(path: str | os.PathLike, text: str, *, newline: str | None = None) -> Path:
    """Write ``text`` to ``path`` atomically, with the usual (umask) permissions; return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
            stream.write(text)
        # mkstemp makes owner-only files; course files and gradebooks are shared
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def unwritable_reason(path: str | os.PathLike, what: str = "file") -> str:
    """Why ``path`` cannot be written as a ``what`` ("file" or "folder"); "" when it can.

    Checked before long work starts (an hour of grading must not end in a failed write): the
    path is not the other kind, its folder exists or can be made, and a file can be created there.
    """
    target = Path(path)
    if what == "file" and target.is_dir():
        return f"{target} is a folder, not a file"
    if what == "folder" and target.exists() and not target.is_dir():
        return f"{target} is a file, not a folder"
    folder = target if what == "folder" else target.parent
    existing = folder
    while not existing.exists():
        if existing.is_symlink():
            return f"{existing} is a broken symbolic link"
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, so {folder} cannot be made"
    try:
        handle, probe = tempfile.mkstemp(prefix=".casecurity-probe.", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        return f"cannot write in {existing} ({exc.strerror or exc})"
    return ""
