"""Point the teacher at code that reaches into the course's checking machinery, without punishing a guess.

The grader already judges only answers recorded by each question's own ``check`` cell, with expected
answers frozen before the notebook runs; this scan is a second pair of eyes. It reads each code cell's
syntax tree (not its text, so a comment or an honest ``getattr(row, "parties")`` never matches) and
reports what reaches the course's objects: a question's expected answer (``ex.q1.expected``), the
lesson module's private helpers or the public functions that are a question's answer, reflection on
the lesson or its questions (``getattr(ex.q1, ...)``, ``vars(ex.q2)``, ``type(ex.q1).__mro__``),
the checking modules themselves (``casecurity.exercises.kinds``), the grader's results file, and code
built from strings (``exec("K.record_" + "answer = f")`` is folded and read like any other code).

A finding never zeroes anything by itself: :func:`flagged_cells` names the checking cells it
touches, the grader gives those questions the status ``review`` and holds their points until the
teacher clears or confirms them. A finding that *changes* the machinery (assigning to a course
object, running code that cannot be read, importing the checking modules) touches every check after
it; one that only *reads* touches its own cell and later cells that use a name it defined.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

__all__ = ["Finding", "answer_functions", "scan_notebook", "flagged_cells"]

_LESSON = re.compile(r"lesson\d+$")
_QUESTION = re.compile(r"q\d+[a-z]?$")
# what a learner does with a question: check, quiz buttons, hints, the model solution, reading its prompt
_QUESTION_PUBLIC = {"check", "quiz", "hint", "solution", "prompt", "points", "name", "lesson", "kind", "options",
                    "min_words", "max_words", "id", "hints", "rubric",
                    # a per-student variant's parameters (a date, a country): the question's own input
                    "params"}
# the checking modules of casecurity.exercises (the lesson modules and the package's public names are fine)
_INTERNAL_MODULES = {"kinds", "question", "quiz", "answers", "recording", "feedback", "solutions", "progress_store",
                     "lessons", "countries"}
_GRADER_MODULES = {"grade", "gradebook", "roster", "exports", "source_scan"}
_MACHINERY = {"_compute_expected", "_expected_value", "_frozen", "freeze_expected", "record_answer", "grade_record",
              "_check_and_record", "_safe_check", "expected_answers", "ANSWER_MIME", "find_solution",
              "solutions_dir", "input_transformers", "input_transformers_post", "register_magic_function"}
_DUNDERS = {"__globals__", "__closure__", "__code__", "__func__", "__wrapped__", "__self__", "__subclasses__",
            "__mro__", "__bases__", "__builtins__", "__getstate__", "__reduce__", "__reduce_ex__",
            "__getattribute__", "__kwdefaults__", "__defaults__"}
_STRINGS = ("CASECURITY_RESULTS", "CASECURITY_SOLUTIONS", "vnd.casecurity", "_solutions.ipynb")
# calls that only show or describe an object (``help(ex.q1)``, ``print(ex)``): never a finding
_LOOKING = {"print", "display", "help", "repr", "str", "dir", "len", "isinstance", "id", "type", "bool", "hash"}

# roots: what a name or expression stands for
LESSON, QUESTION, PACKAGE, TOP, INTERNAL = "lesson", "question", "package", "casecurity", "internal"
_COURSE = (LESSON, QUESTION, PACKAGE, INTERNAL)


@dataclass
class Finding:
    """One cell's finding: the cell (0-based index), what it does in words, and how far it reaches."""

    cell: int
    what: str
    changes: bool  # True: it changes the checking machinery, so every later check is in doubt
    names: set[str] = field(default_factory=set)  # names the cell defines (a later cell using one is in doubt)

    def sentence(self) -> str:
        return f"cell {self.cell + 1} {self.what}; please look"


def answer_functions(info) -> set[str]:
    """Public names of functions whose result is a question's expected answer (e.g. lesson01's
    ``afghan_border_states``), given directly or called by the question's ``lambda``."""
    names: set[str] = set()
    for question in getattr(info, "questions", {}).values():
        for attribute in ("expected", "answer", "cases"):
            value = getattr(question, attribute, None)
            if not callable(value):
                continue
            name = getattr(value, "__name__", "")
            called = getattr(getattr(value, "__code__", None), "co_names", ()) if name == "<lambda>" else (name,)
            namespace = getattr(value, "__globals__", {})
            names |= {n for n in called if n.isidentifier() and not n.startswith("_") and callable(namespace.get(n))
                      and getattr(namespace.get(n), "__module__", "") == getattr(value, "__module__", None)}
    return names


def _fold(node: ast.AST) -> str | None:
    """A string built only from literals ("CASECURITY_" + "RESULTS"), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _fold(node.left), _fold(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values)
    return None


def _module_problem(name: str) -> str | None:
    """Why importing this module reaches the checking code (None when it does not)."""
    parts = name.split(".")
    if parts[0] != "casecurity" or len(parts) < 2:
        return None
    if parts[1] in _GRADER_MODULES:
        return f"imports the grader ({name})"
    if parts[1] == "exercises" and len(parts) > 2 and not _LESSON.match(parts[2]):
        return f"imports the course's checking code ({name})"
    return None


class _CellScan(ast.NodeVisitor):
    """Walk one cell, with the names bound to course objects so far (shared across the notebook)."""

    def __init__(self, roots: dict[str, str], answers: set[str]):
        self.roots = roots
        self.answers = answers
        self.found: list[tuple[str, bool]] = []
        self.bound: set[str] = set()

    def flag(self, what: str, changes: bool = False) -> None:
        self.found.append((what, changes))

    # --- what an expression stands for -------------------------------------------------------
    def root(self, node: ast.AST) -> str | None:  # noqa: C901 - one branch per kind of expression
        if isinstance(node, ast.Name):
            return self.roots.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.root(node.value)
            attr = node.attr
            if base == TOP:
                if attr == "exercises":
                    return PACKAGE
                return INTERNAL if attr in _GRADER_MODULES else None
            if base == PACKAGE:
                if _LESSON.match(attr):
                    return LESSON
                return INTERNAL if attr in _INTERNAL_MODULES or attr.startswith("_") else None
            if base == LESSON:
                if _QUESTION.match(attr):
                    return QUESTION
                return INTERNAL if attr.startswith("_") or attr in self.answers else None
            if base == QUESTION:
                return None if attr in _QUESTION_PUBLIC else INTERNAL
            if base == INTERNAL:
                return None if attr in ("__name__", "__doc__") else INTERNAL
            return None
        if isinstance(node, ast.Subscript):
            return INTERNAL if self.root(node.value) in _COURSE else None
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in ("type", "vars") and node.args \
                    and self.root(node.args[0]) in _COURSE:
                return INTERNAL
            return None
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return INTERNAL if any(self.root(e) in _COURSE for e in node.elts) else None
        if isinstance(node, ast.Starred):
            return self.root(node.value)
        return None

    def describe(self, node: ast.AST) -> str:
        try:
            return ast.unparse(node)[:60]
        except Exception:  # an odd node: a general word is enough
            return "a course object"

    # --- findings -----------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = self.root(node.value)
        if node.attr in _DUNDERS:
            self.flag(f"reads {node.attr} (the inside of a function or class)", changes=True)
        elif node.attr in _MACHINERY:
            self.flag(f"uses {node.attr}, part of the course's checking code", changes=True)
        elif isinstance(node.value, ast.Name) and node.value.id == "sys" and node.attr == "modules":
            self.flag("reaches loaded modules through sys.modules", changes=True)
        elif base in (LESSON, QUESTION, INTERNAL) and self.root(node) == INTERNAL and base != INTERNAL:
            self.flag(f"reads {self.describe(node)}, which the checking code uses")
        elif base == INTERNAL and node.attr not in ("__name__", "__doc__"):
            self.flag(f"reads {self.describe(node)}, inside the checking code")
        elif base == PACKAGE and self.root(node) == INTERNAL:
            self.flag(f"reaches {self.describe(node)}, the course's checking code", changes=True)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _MACHINERY:
            self.flag(f"uses {node.id}, part of the course's checking code", changes=True)

    def visit_Constant(self, node: ast.Constant) -> None:
        self.check_string(node.value if isinstance(node.value, str) else None)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        folded = _fold(node)
        if folded is not None:
            self.check_string(folded)
            return
        self.generic_visit(node)

    def check_string(self, text: str | None) -> None:
        if not text:
            return
        for marker in _STRINGS:
            if marker in text:
                self.flag(f"names {marker}, which the grader uses", changes=True)
                return
        if text in _MACHINERY:
            self.flag(f"names {text}, part of the course's checking code", changes=True)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ("exec", "eval", "compile") and isinstance(func, ast.Name):
            code = _fold(node.args[0]) if node.args else None
            if code is None:
                self.flag(f"runs code built while the notebook runs ({name})", changes=True)
            else:
                try:
                    tree = ast.parse(code, mode="exec")
                except SyntaxError:
                    tree = None
                if tree is None:
                    self.flag(f"runs code that cannot be read ({name})", changes=True)
                else:
                    self.visit(tree)  # the string is code: read it like the cell's own
            for extra in node.args[1:] + [k.value for k in node.keywords]:
                self.visit(extra)
            return
        if name in ("import_module", "__import__"):
            module = _fold(node.args[0]) if node.args else None
            if module is None:
                self.flag("imports a module whose name is computed while the notebook runs", changes=True)
            elif _module_problem(module):
                self.flag(_module_problem(module), changes=True)
        looking = isinstance(func, ast.Name) and func.id in _LOOKING
        own_check = isinstance(func, ast.Attribute) and self.root(func.value) == QUESTION
        if not looking and not own_check:
            for argument in list(node.args) + [k.value for k in node.keywords]:
                if self.root(argument) in _COURSE:
                    self.flag(f"calls {self.describe(func)} on {self.describe(argument)}; a course object passed "
                              "to another function can reveal its expected answer")
                    break
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            problem = _module_problem(alias.name)
            if problem:
                self.flag(problem, changes=True)
            parts = alias.name.split(".")
            if alias.asname:
                kind = (LESSON if len(parts) == 3 and parts[:2] == ["casecurity", "exercises"] and _LESSON.match(parts[2])
                        else PACKAGE if parts == ["casecurity", "exercises"]
                        else INTERNAL if problem else TOP if parts == ["casecurity"] else None)
                self.bind(alias.asname, kind)
            else:
                self.bind(parts[0], TOP if parts[0] == "casecurity" else None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        problem = _module_problem(module)
        if problem:
            self.flag(problem, changes=True)
        parts = module.split(".")
        for alias in node.names:
            bound = alias.asname or alias.name
            kind = None
            if parts == ["casecurity"] and alias.name == "exercises":
                kind = PACKAGE
            elif parts == ["casecurity"] and alias.name in _GRADER_MODULES:
                self.flag(f"imports the grader (casecurity.{alias.name})", changes=True)
                kind = INTERNAL
            elif parts == ["casecurity", "exercises"]:
                if _LESSON.match(alias.name):
                    kind = LESSON
                elif alias.name in _INTERNAL_MODULES or alias.name in _MACHINERY or (
                        alias.name.startswith("_") and alias.name != "____"):
                    self.flag(f"imports {alias.name} from the course's checking code", changes=True)
                    kind = INTERNAL
            elif len(parts) == 3 and parts[:2] == ["casecurity", "exercises"] and _LESSON.match(parts[2]):
                if _QUESTION.match(alias.name):
                    kind = QUESTION
                elif alias.name.startswith("_") or alias.name in self.answers:
                    self.flag(f"imports {alias.name} from {module}, which computes a question's answer")
                    kind = INTERNAL
            self.bind(bound, kind)

    def bind(self, name: str, kind: str | None) -> None:
        self.bound.add(name)
        if kind is None:
            self.roots.pop(name, None)
        else:
            self.roots[name] = kind

    def bind_target(self, target: ast.AST, kind: str | None) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, kind)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.bind_target(element, kind)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            if self.root(target.value) in _COURSE + (TOP,):
                self.flag(f"changes {self.describe(target)}, part of the checking code", changes=True)
            self.visit(target.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        kind = self.root(node.value)
        for target in node.targets:
            self.bind_target(target, kind)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self.bind_target(node.target, None)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self.bind_target(node.target, self.root(node.value))

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)
        self.bind_target(node.target, INTERNAL if self.root(node.iter) in _COURSE else None)
        for statement in node.body + node.orelse:
            self.visit(statement)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.add(node.name)
        self.roots.pop(node.name, None)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.roots.pop(node.name, None)
        self.generic_visit(node)


_MAGIC = re.compile(r"^\s*[%!]")


def _parse(source: str) -> ast.Module | None:
    """A cell's syntax tree; IPython's ``%magic`` and ``!shell`` lines count as nothing."""
    lines = ["pass" if _MAGIC.match(line) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None  # a cell that does not parse does not run either: its own error row says so


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def scan_notebook(notebook: dict, answers: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Each code cell's first finding, in notebook order (``answers``: see :func:`answer_functions`)."""
    roots: dict[str, str] = {}
    findings: list[Finding] = []
    for index, cell in enumerate(notebook.get("cells") or []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tree = _parse(_source(cell))
        if tree is None:
            continue
        scan = _CellScan(roots, set(answers))
        scan.visit(tree)
        if scan.found:
            changes = any(c for _w, c in scan.found)
            what = next((w for w, c in scan.found if c), scan.found[0][0]) if changes else scan.found[0][0]
            findings.append(Finding(index, what, changes, scan.bound))
    return findings


_CHECKS = re.compile(r"\b(q\d+[a-z]?)\.(?:check|quiz)\s*\(")


def _loaded_names(source: str) -> set[str]:
    tree = _parse(source)
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def flagged_cells(notebook: dict, findings: list[Finding]) -> dict[int, str]:
    """Checking cells (0-based index) whose answers wait for the teacher, each with a neutral sentence."""
    by_cell = {f.cell: f for f in findings}
    flagged: dict[int, str] = {}
    change: Finding | None = None
    readers: list[Finding] = []
    for index, cell in enumerate(notebook.get("cells") or []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        own = by_cell.get(index)
        if _CHECKS.search(source):
            if own is not None:
                flagged[index] = own.sentence()
            elif change is not None:
                flagged[index] = f"cell {change.cell + 1}, which runs before this check, {change.what}; please look"
            else:
                used = _loaded_names(source)
                reader = next((f for f in readers if f.names & used), None)
                if reader is not None:
                    name = sorted(reader.names & used)[0]
                    flagged[index] = (f"this cell uses {name} from cell {reader.cell + 1}, which {reader.what}; "
                                      "please look")
        if own is not None:
            if own.changes and change is None:
                change = own
            readers.append(own)
    return flagged
