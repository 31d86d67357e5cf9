"""casecurity.fast_start: the IRI grammar jsonschema builds on import waits until an IRI is checked.

Measured here: `import nbclient, nbformat` took 1.9 s of CPU, 0.9 s of it building that grammar;
grading one notebook took 6.0 CPU-seconds before and 4.2 after (`make bench` reports the import).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from casecurity import install

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
import nbformat, nbclient  # what the grader's child process and nbval import
loaded_early = "lark" in sys.modules
from jsonschema import FormatChecker
checker = FormatChecker()
verdicts = [checker.conforms(value, "iri") for value in ("https://example.org/ä", "https://example.org/a b", "no scheme")]
import rfc3987_syntax
print(json.dumps({"loaded_early": loaded_early, "verdicts": verdicts,
                  "parsed": rfc3987_syntax.parse("iri", "https://example.org/x").data,
                  "loaded_after": "lark" in sys.modules}))
"""


def test_the_course_environment_imports_nbformat_without_building_the_iri_grammar():
    """`make setup` ran casecurity.install: a new process of .venv has the stand-in from its first line."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    found = json.loads(result.stdout)
    assert found["loaded_early"] is False, "importing nbformat built the IRI grammar (is casecurity_fast_start.pth installed?)"
    # the format check is as strict as before: a right IRI passes, two wrong ones fail
    assert found["verdicts"] == [True, False, False]
    assert found["parsed"] == "iri" and found["loaded_after"] is True


def test_without_the_stand_in_the_same_probe_builds_the_grammar_at_import():
    """The probe above can tell: with site-packages' .pth files skipped (-S plus the path), lark loads at once."""
    import site

    paths = [p for p in site.getsitepackages() if Path(p).is_dir()]
    code = f"import sys; sys.path[:0] = {paths!r}; exec({PROBE!r})"
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["loaded_early"] is True


def test_install_writes_the_module_and_its_start_up_line_and_then_is_current(tmp_path):
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    folder = install.site_packages(tmp_path)
    assert folder.is_relative_to(tmp_path)
    module, pth = folder / "casecurity_fast_start.py", folder / "casecurity_fast_start.pth"
    assert module.read_text(encoding="utf-8") == (ROOT / "casecurity" / "fast_start.py").read_text(encoding="utf-8")
    assert pth.read_text(encoding="utf-8") == "import casecurity_fast_start\n"
    assert install.is_current(tmp_path)
    module.write_text("# an older copy\n", encoding="utf-8")
    assert not install.is_current(tmp_path)  # a changed copy is written again on the next `make lab`
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    assert module.read_text(encoding="utf-8") == (ROOT / "casecurity" / "fast_start.py").read_text(encoding="utf-8")


def test_nothing_is_deferred_when_the_package_is_missing_or_already_loaded():
    code = ("import sys, casecurity.fast_start as f\n"
            "f.NAME = 'no_such_package_casecurity'\n"
            "missing = f.defer()\n"
            "f.NAME = 'json'\n"
            "import json\n"
            "print(missing, f.defer(), 'no_such_package_casecurity' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "False"]


# The kernel, the grader's child process, nbval and the site build all import these; with no .pyc
# each such process compiled about 330 modules from source again (0.7 s of CPU per kernel start).
COMPILED_PROBE = """
import importlib.util, json, os, sys
sys.path[:0] = {extra!r}
for name in {modules!r}:
    __import__(name)
missing = sorted(name for name, module in list(sys.modules.items())
                 if (getattr(module, "__file__", None) or "").endswith(".py")
                 and any(module.__file__.startswith(folder) for folder in {folders!r})
                 and not os.path.exists(importlib.util.cache_from_source(module.__file__)))
print(json.dumps(missing))
"""


def modules_without_bytecode(modules: list[str], folders: list[str], extra: list[str] = ()) -> list[str]:
    """Modules imported from ``folders`` by a new process (that writes no bytecode, -B) with no .pyc."""
    code = COMPILED_PROBE.format(modules=modules, folders=folders, extra=list(extra))
    result = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_the_environments_packages_are_installed_with_their_bytecode():
    """tools/setup_env.py compiles .venv: a kernel, the grader and nbval load every package from a .pyc."""
    import site

    folders = [p for p in site.getsitepackages() if Path(p).is_dir()]
    missing = modules_without_bytecode(
        ["ipykernel.kernelapp", "ipykernel.ipkernel", "pandas", "folium", "nbclient", "nbformat", "ipywidgets"], folders)
    assert missing == [], f"{len(missing)} modules have no .pyc (run `make setup`), e.g. {missing[:5]}"


def test_the_bytecode_probe_finds_a_module_without_a_pyc(tmp_path):
    (tmp_path / "never_compiled_here.py").write_text("VALUE = 1\n")
    assert modules_without_bytecode(["never_compiled_here"], [str(tmp_path)], [str(tmp_path)]) == ["never_compiled_here"]


def test_install_compiles_the_course_package_again_where_a_module_changed(tmp_path):
    """casecurity.install (run by every `make lab` and `make test`) leaves a current .pyc for each
    module of the course package, so kernels in the read-only sandbox load them compiled."""
    import importlib.util

    import casecurity.palette

    cached = Path(importlib.util.cache_from_source(casecurity.palette.__file__))
    cached.unlink(missing_ok=True)  # as after a change to palette.py that nothing compiled yet
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    assert cached.is_file()
    package = Path(casecurity.palette.__file__).parent
    stale = [str(source.relative_to(package)) for source in package.rglob("*.py")
             if not Path(importlib.util.cache_from_source(str(source))).is_file()]
    assert stale == []
