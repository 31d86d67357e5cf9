"""Make a notebook's saved outputs byte-stable: the same code and data give the same file.

Executing a notebook leaves four kinds of run-to-run noise in its outputs: the random
32-hex ids that branca gives every folium element (``map_3e6b…``), the random ids of
ipywidgets models (in outputs and in the notebook's widget-state metadata), memory
addresses in plain-text reprs (``<folium.folium.Map at 0x7f…>``), and printed text that
arrives split into several outputs when the machine is busy. Left alone they make
every re-execution rewrite hundreds of lines, and a reviewer cannot see the one number
that really changed.

:func:`stabilise` joins split printed text back into one output, and renames each id and
address, consistently across the whole notebook, to a token derived from the notebook's
name and the order in which the token first appears.
The same execution therefore always yields the same bytes, and links between outputs
and widget state (the same id in both places) stay intact. Replacements keep the
original shape (32 hex digits, ``0x`` + hex) so the nbval sanitize rules still apply.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

HEX_ID = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{32}(?![0-9a-fA-F])")
# Where a 32-hex token is an id rather than content (a checksum a cell prints must stay):
# branca's ``name_<hex>``, ipywidgets' ``IPY_MODEL_<hex>``, a widget view's model id, and
# the keys of the saved widget state.
ID_CONTEXT = re.compile(
    r"(?:[a-z0-9]_|IPY_MODEL_|\"model_id\": \"|\"state\": \{\"|\}, \")([0-9a-f]{32})(?![0-9a-fA-F])"
)
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")


def _derived(seed: str, kind: str, number: int, length: int) -> str:
    return hashlib.sha256(f"{seed}:{kind}:{number}".encode()).hexdigest()[:length]


def _widget_state(metadata: dict) -> dict:
    widgets = metadata.get("widgets", {}) if isinstance(metadata, dict) else {}
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return state if isinstance(state, dict) else {}


def _without_timing(cell: dict) -> dict:
    """The cell without nbclient's execution timestamps (they change on every run)."""
    metadata = cell.get("metadata")
    if isinstance(metadata, dict) and "execution" in metadata:
        cell = dict(cell, metadata={k: v for k, v in metadata.items() if k != "execution"})
    return cell


def _joined_streams(cell: dict) -> dict:
    """The cell with each run of consecutive same-name stream outputs joined into one.

    ipykernel sends printed text in chunks, flushed on a timer: on a busy machine one
    ``print`` can arrive as two outputs ("...Uzbekistan" and a newline). A reader sees the same
    text either way, and nbval joins streams before comparing, so the saved file joins them too.
    """
    outputs = cell.get("outputs")
    if not isinstance(outputs, list) or len(outputs) < 2:
        return cell
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (isinstance(output, dict) and isinstance(previous, dict)
                and output.get("output_type") == previous.get("output_type") == "stream"
                and output.get("name") == previous.get("name")):
            text = "".join(previous.get("text", "")) + "".join(output.get("text", ""))
            joined[-1] = dict(previous, text=text)
        else:
            joined.append(output)
    return dict(cell, outputs=joined) if len(joined) != len(outputs) else cell


def stabilise(notebook: dict, seed: str) -> dict:
    """Return ``notebook`` with every random id and memory address renamed deterministically.

    Args:
        notebook: a notebook as a plain dict (``nbformat`` node or ``json.load`` result).
        seed: a per-notebook string (its file name) so two notebooks never share ids.

    Tokens are numbered in order of first appearance in the cells, then the metadata,
    which is the order execution produced them; the result is a new dict.
    """
    cells = [_joined_streams(_without_timing(cell)) for cell in notebook.get("cells", [])]
    cells_text = json.dumps(cells, sort_keys=True)
    metadata = notebook.get("metadata", {})
    renames: dict[str, str] = {}

    def number(token: str) -> None:
        if token not in renames:
            renames[token] = _derived(seed, "id", len(renames), 32)

    for match in ID_CONTEXT.finditer(cells_text):
        number(match.group(1))
    # Widget models reached only through other models: walk the saved state from the models
    # the outputs show, in field order, so numbering never depends on the random key order.
    state = _widget_state(metadata)
    queue = [token for token in renames if token in state]
    while queue:
        model = queue.pop(0)
        for match in ID_CONTEXT.finditer(json.dumps(state[model], sort_keys=True)):
            token = match.group(1)
            if token not in renames:
                number(token)
                if token in state:
                    queue.append(token)
    orphans = [key for key in state if key not in renames]
    for key in sorted(orphans, key=lambda k: HEX_ID.sub("ID", json.dumps(state[k], sort_keys=True))):
        number(key)
    meta_text = json.dumps(metadata, sort_keys=True)
    for match in ID_CONTEXT.finditer(meta_text):
        number(match.group(1))
    addresses: dict[str, str] = {}
    for match in ADDRESS.finditer(cells_text):
        token = match.group(0)
        if token not in addresses:
            addresses[token] = "0x" + _derived(seed, "address", len(addresses), 12)

    def rename(text: str) -> str:
        text = HEX_ID.sub(lambda m: renames.get(m.group(0), m.group(0)), text)
        return ADDRESS.sub(lambda m: addresses.get(m.group(0), m.group(0)), text)

    result = dict(notebook)
    result["cells"] = json.loads(rename(cells_text))
    result["metadata"] = json.loads(rename(meta_text))
    return result


def main(paths: list[str]) -> int:
    """``python tools/stable_outputs.py --check FILE...``: list notebooks that are not stable.

    Used by the pre-commit hook: a notebook saved from JupyterLab (random ids, timings) is
    reported with the command that re-saves it byte-stably.
    """
    unstable = []
    for name in (p for p in paths if p != "--check"):
        text = Path(name).read_text(encoding="utf-8")
        notebook = json.loads(text)
        expected = nbformat.writes(nbformat.from_dict(stabilise(notebook, seed=Path(name).name))) + "\n"
        if expected != text:
            unstable.append(name)
    for name in unstable:
        print(f"{name}: saved outputs carry random ids or timings; run "
              f"`.venv/bin/python tools/execute_notebooks.py {name}`")
    return 1 if unstable else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
