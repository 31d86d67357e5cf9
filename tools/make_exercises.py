"""Generate exercises/NN_topic_exercises.ipynb from the single source solutions/NN_topic_solutions.ipynb.

The suffixes keep a lesson, its exercise set and its solutions apart in JupyterLab's tabs.

- Code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a placeholder:
  ``answer = ...  # your code here`` (named after the variable that the block assigns and the
  check call uses); a block that defines a function keeps its ``def`` line with ``...`` as body.
- A ``### BEGIN TEMPLATE`` / ``### END TEMPLATE`` section right after a solution block is a
  scaffold (Kaggle Learn style): its lines are comments in the solution notebook (so they do
  not run there) and become the learner's code, uncommented, instead of the placeholder. Its
  blanks are written ``____`` (``from casecurity.exercises import ____`` makes an unfilled one
  say so). A template that does not parse once its blanks are filled is an error.
- Cells tagged ``solution`` are dropped when markdown and emptied when code.
- Outputs, execution counts and volatile metadata are cleared, so regenerating is byte-identical.

Usage: ``python tools/make_exercises.py [--check] [--solutions DIR] [--exercises DIR]``.
``--check`` writes nothing and exits 1 listing the exercise notebooks that are stale,
missing or orphaned (no solution notebook).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from pathlib import Path

import nbformat

from casecurity.files import write_text_atomically

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_TEMPLATE, END_TEMPLATE = "### BEGIN TEMPLATE", "### END TEMPLATE"
BLANK = "____"
PLACEHOLDER = "...  # your code here"
_CHECK_CALL = re.compile(r"\.check\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*[,)]")
# Cell metadata worth keeping; everything else (execution timings, collapsed, scrolled) is noise.
_KEEP_CELL_METADATA = ("tags", "casecurity")
_KEEP_NOTEBOOK_METADATA = ("kernelspec", "casecurity")


def _assigned_names(block: str) -> list[str]:
    """Top-level names assigned in a block, in order (empty when it does not parse)."""
    try:
        tree = ast.parse(textwrap.dedent(block))
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def _function_headers(block: str) -> list[str]:
    """``def`` lines (signature only) of the functions a block defines at top level."""
    source = textwrap.dedent(block)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.splitlines()
    headers = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            header = lines[first - 1 : node.body[0].lineno - 1] or [lines[node.lineno - 1]]
            body = node.body[0]
            if isinstance(body, ast.Expr) and isinstance(getattr(body, "value", None), ast.Constant) \
                    and isinstance(body.value.value, str):  # keep the docstring: it is the task
                header = lines[first - 1 : body.end_lineno]
            headers.append("\n".join(header + ["    " + PLACEHOLDER]))
    return headers


def placeholder_for(block: str, checked_names: list[str]) -> str:
    """What the learner sees instead of a solution block."""
    functions = _function_headers(block)
    if functions:
        return "\n\n".join(functions)
    assigned = _assigned_names(block)
    used = [name for name in checked_names if name in assigned]
    name = used[-1] if used else (assigned[-1] if assigned else None)
    return f"{name} = {PLACEHOLDER}" if name else "# your code here"


def uncomment_template(lines: list[str], indent: str) -> list[str]:
    """The learner's lines of a template: each ``# `` comment marker after the indentation removed."""
    result = []
    for line in lines:
        body = line[len(indent) :] if line.startswith(indent) else line.lstrip()
        if body.startswith("# "):
            body = body[2:]
        elif body.rstrip() == "#":
            body = ""
        else:
            raise ValueError(f"a template line must be a comment ('# ...'): {line!r}")
        result.append(indent + body if body else body)
    return result


def check_template(lines: list[str]) -> None:
    """A template must be valid Python once each blank is filled, and must have a blank."""
    code = textwrap.dedent("\n".join(lines))
    if BLANK not in code:
        raise ValueError(f"a template has no blank ({BLANK}): {code!r}")
    try:
        ast.parse(code.replace(BLANK, "x"))
    except SyntaxError as exc:
        raise ValueError(f"a template is not valid Python once filled in ({exc.msg}, line {exc.lineno})") from exc


def strip_solution_code(source: str) -> str:
    """Replace every marked block of one cell's source by its placeholder or its template."""
    checked_names = _CHECK_CALL.findall(source)
    lines = source.split("\n")
    output, block, indent = [], None, ""
    template, template_indent = None, ""  # lines of a template section being read, and its indentation
    pending = None  # (index in output, length) of the placeholder a following template replaces
    for line in lines:
        stripped = line.strip()
        if template is not None:
            if stripped.startswith(END_TEMPLATE):
                learner = uncomment_template(template, template_indent)
                check_template(learner)
                if pending is not None:
                    start, length = pending
                    del output[start : start + length]
                output += learner
                template, pending = None, None
            else:
                template.append(line)
            continue
        if stripped.startswith(BEGIN_TEMPLATE) and block is None:
            template, template_indent = [], line[: len(line) - len(line.lstrip())]
            continue
        if stripped and block is None and not stripped.startswith(BEGIN):
            pending = None  # a template only replaces the block directly above it
        if stripped.startswith(BEGIN) and block is None:
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped.startswith(END) and block is not None:
            replacement = placeholder_for("\n".join(block), checked_names)
            new_lines = [indent + part if part else part for part in replacement.split("\n")]
            pending = (len(output), len(new_lines))
            output += new_lines
            block = None
        elif block is not None:
            block.append(line)
        else:
            output.append(line)
    if template is not None:
        raise ValueError(f"a template has no {END_TEMPLATE} line")
    if block is not None:  # an unterminated block: hide it rather than leak the answer
        output.append(indent + placeholder_for("\n".join(block), checked_names))
    return "\n".join(output)


def make_exercise(solution: nbformat.NotebookNode, source_name: str) -> nbformat.NotebookNode:
    """The learner's notebook for one solution notebook."""
    cells = []
    for cell in solution.cells:
        metadata = {k: cell.metadata[k] for k in _KEEP_CELL_METADATA if k in cell.get("metadata", {})}
        tags = [t for t in metadata.get("tags", []) if t != "solution"]
        is_solution = "solution" in cell.get("metadata", {}).get("tags", [])
        if tags:
            metadata["tags"] = tags
        else:
            metadata.pop("tags", None)
        if is_solution and cell.cell_type != "code":
            continue
        if cell.cell_type == "code":
            source = "" if is_solution else strip_solution_code(cell.source)
            new = nbformat.v4.new_code_cell(source=source, metadata=metadata)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(source=cell.source, metadata=metadata)
        else:
            new = nbformat.v4.new_raw_cell(source=cell.source, metadata=metadata)
        if cell.get("id"):
            new["id"] = cell["id"]  # stable ids keep regeneration byte-identical
        cells.append(new)
    metadata = {k: solution.metadata[k] for k in _KEEP_NOTEBOOK_METADATA if k in solution.metadata}
    metadata["language_info"] = {"name": "python"}
    course = dict(metadata.get("casecurity", {}))
    course["generated_from"] = f"solutions/{source_name}"
    match = re.match(r"(\d+)_", source_name)
    if match and "lesson" not in course:
        course["lesson"] = match.group(1)
    metadata["casecurity"] = course
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    notebook.nbformat, notebook.nbformat_minor = 4, max(solution.get("nbformat_minor", 5), 5)
    for index, cell in enumerate(notebook.cells):
        cell.setdefault("id", f"cell-{index}")
    return notebook


def render(notebook: nbformat.NotebookNode) -> str:
    """Deterministic text of a notebook (nbformat's sorted, indented JSON plus a final newline)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def exercise_name(solution_name: str) -> str:
    """``02_alliances_solutions.ipynb`` -> ``02_alliances_exercises.ipynb``."""
    stem = solution_name.removesuffix(".ipynb").removesuffix("_solutions")
    return f"{stem}_exercises.ipynb"


def expected_exercises(solutions: Path) -> dict[str, str]:
    """Exercise file name -> notebook text, for every solutions/NN_topic_solutions.ipynb."""
    result = {}
    for path in sorted(solutions.glob("[0-9][0-9]_*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        result[exercise_name(path.name)] = render(make_exercise(solution, path.name))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if exercises/ is stale; write nothing")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises")
    args = parser.parse_args(argv)
    if not args.solutions.is_dir():
        print(f"make_exercises: no solutions folder at {args.solutions}", file=sys.stderr)
        return 2
    try:
        wanted = expected_exercises(args.solutions)
    except (OSError, ValueError, nbformat.ValidationError) as exc:
        print(f"make_exercises: cannot read a solution notebook: {exc}", file=sys.stderr)
        return 2
    existing = {p.name for p in args.exercises.glob("[0-9][0-9]_*.ipynb")} if args.exercises.is_dir() else set()
    stale = []
    for name, text in wanted.items():
        target = args.exercises / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            stale.append(f"{target} ({'missing' if current is None else 'stale'})")
            if not args.check:
                args.exercises.mkdir(parents=True, exist_ok=True)
                write_text_atomically(target, text)
    orphans = sorted(existing - set(wanted))
    if args.check:
        problems = stale + [f"{args.exercises / name} (orphan: no solution notebook)" for name in orphans]
        if problems:
            print("make_exercises: out of date; run `make exercises`:\n  " + "\n  ".join(problems), file=sys.stderr)
            return 1
        print(f"make_exercises: {len(wanted)} exercise notebook(s) up to date")
        return 0
    for name in orphans:
        print(f"make_exercises: warning: {args.exercises / name} has no solution notebook", file=sys.stderr)
    print(f"make_exercises: {len(stale)} written, {len(wanted) - len(stale)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
