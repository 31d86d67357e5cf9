"""`make diff`: a notebook-aware diff (nbdime) that a reviewer can read in seconds.

    python tools/notebook_diff.py                 # working tree against HEAD
    python tools/notebook_diff.py main            # working tree against main
    python tools/notebook_diff.py main HEAD       # what a branch changed

nbdime diffs notebooks cell by cell, but a saved folium map is one line of a few hundred
thousand characters (the map's page inside an iframe's ``srcdoc``), and nbdime's
character-level diff of two such lines takes minutes. So before diffing, every long output
value is condensed on both sides to its length and, where the two versions differ, the text
around the first and last difference. A corrected data row then shows up as the few cells
whose outputs changed, with the changed words, and nothing else.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import nbformat
from nbdime import diff_notebooks
from nbdime.prettyprint import PrettyPrintConfig, pretty_print_notebook_diff

ROOT = Path(__file__).resolve().parent.parent
LONG = 2_000  # characters: longer output values are condensed before diffing
CONTEXT = 80  # characters shown on each side of a change


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value if isinstance(value, str) else ""


def _condensed(old: str, new: str) -> tuple[str, str]:
    """Short stand-ins for two long strings that keep what differs between them."""
    if old == new:
        note = f"[{len(old):,} characters, unchanged]"
        return note, note
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1

    def around(text: str) -> str:
        changed = text[max(0, start - CONTEXT): len(text) - end + CONTEXT]
        return f"[{len(text):,} characters; around the change:]\n…{changed}…"

    return around(old), around(new)


def condense(before: dict, after: dict) -> tuple[dict, dict]:
    """Copies of two notebooks whose long output values (maps, big tables) are condensed."""
    before, after = copy.deepcopy(before), copy.deepcopy(after)
    for cell_a, cell_b in zip(before.get("cells", []), after.get("cells", []), strict=False):
        for out_a, out_b in zip(cell_a.get("outputs", []), cell_b.get("outputs", []), strict=False):
            for mime in set(out_a.get("data", {})) & set(out_b.get("data", {})):
                a, b = _text(out_a["data"][mime]), _text(out_b["data"][mime])
                if max(len(a), len(b)) > LONG:
                    out_a["data"][mime], out_b["data"][mime] = _condensed(a, b)
    for notebook in (before, after):  # widget state: its own line, not thousands
        notebook.get("metadata", {}).pop("widgets", None)
    return before, after


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def _version(revision: str | None, path: str) -> dict:
    """The notebook at ``revision`` (None: the working tree); an empty one where it is missing."""
    try:
        text = (ROOT / path).read_text(encoding="utf-8") if revision is None else _git("show", f"{revision}:{path}")
    except (OSError, subprocess.CalledProcessError):
        return nbformat.v4.new_notebook()
    return nbformat.reads(text, as_version=4)


def main(argv: list[str]) -> int:
    if len(argv) > 2:
        print("usage: python tools/notebook_diff.py [BASE [OTHER]]  (git revisions; default HEAD)")
        return 2
    base = argv[0] if argv else "HEAD"
    other = argv[1] if len(argv) == 2 else None
    try:
        names = _git("diff", "--name-only", base, *([other] if other else []), "--", "*.ipynb").split()
    except subprocess.CalledProcessError as error:
        print(f"error: git cannot compare {base!r}{' and ' + repr(other) if other else ''}: "
              f"{error.stderr.strip().splitlines()[-1] if error.stderr.strip() else 'unknown revision'}")
        return 2
    if not names:
        print("No notebook changed.")
    config = PrettyPrintConfig(out=sys.stdout, use_color=sys.stdout.isatty(), use_git=False)
    for name in names:
        before, after = condense(_version(base, name), _version(other, name))
        pretty_print_notebook_diff(f"{name} ({base})", f"{name} ({other or 'working tree'})",
                                   before, diff_notebooks(before, after), config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
