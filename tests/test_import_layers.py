"""The package's imports point one way (issue #18): no import cycle inside ``casecurity/`` and no module
importing another module's ``_private`` names.

Read with ``ast`` from the source, so the test sees imports anywhere in a file (also inside functions,
where a cycle would otherwise hide until the function runs). ``if TYPE_CHECKING:`` imports count too:
they never run, but a reader (and a type checker) still sees the two modules lean on each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "casecurity"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import in the file that runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, [], child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - child.level + 1] + ([base] if base else []))
                names = [alias.name for alias in child.names]
                submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
                found.append((base, [n for n in names if f"{base}.{n}" not in MODULES], child.lineno))
                found.extend((sub, [], child.lineno) for sub in submodules)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = set()
        for module, _names, _line in _imports(path, name):
            if module in MODULES and module != name and not name.startswith(module + "."):
                # importing a submodule runs its package first; a module's own parents are not edges
                targets.add(module)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_layers():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_module_imports_another_modules_private_names():
    offences = []
    for name, path in MODULES.items():
        for module, names, line in _imports(path, name):
            if not module.startswith("casecurity") or module == name:
                continue
            offences += [f"{path.relative_to(PACKAGE.parent)}:{line} imports {n} from {module}"
                         for n in names if n.startswith("_") and not n.startswith("__")]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("source", [
    "from casecurity.exercises.feedback import _safe_repr\n",
    "def f():\n    from casecurity.exercises.kinds import _walk\n",
])
def test_the_private_import_check_sees_top_level_and_hidden_imports(tmp_path, source):
    path = PACKAGE / "exercises" / "probe.py"  # only read, never written
    tree_imports = []
    fake = tmp_path / "probe.py"
    fake.write_text(source, encoding="utf-8")
    tree_imports = _imports(fake, "casecurity.exercises.probe")
    assert any(n.startswith("_") for _m, names, _l in tree_imports for n in names), path
