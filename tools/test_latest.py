"""`make test-latest`: will tomorrow's releases break the course? An early warning, not a gate.

In a throwaway venv (build/latest/venv, made afresh each run) it installs the newest releases
allowed by the NAMES in requirements*.txt (pins dropped) and the course package, then:

1. prints which packages moved (locked version -> newest);
2. runs the unit and browser tests in tests/ (all but tests/test_setup.py, which checks the
   installation of the lock itself, not the packages' behaviour);
3. executes every lesson and solution notebook, as copies in build/latest/run/ (the repository's
   notebooks and their saved outputs are never touched), and names the first error of each.

It needs the package index, and its answer can change from day to day, so it is not part of
`make test`. Run it before a term starts and before a release; a failure names what to fix (or to
pin) before the lock moves. Exit status 1 when anything broke.

`--with NAME==VERSION` (repeatable) holds a package at another release, to try a version the course
may meet elsewhere (e.g. `--with pandas==3.0.2`, as in Pyodide); other arguments go to pytest.

    .venv/bin/python tools/test_latest.py [--with NAME==VERSION ...] [pytest args]
    make test-latest LATEST_ARGS="--with pandas==3.0.2"
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "latest"
VENV = WORK / "venv"
REQUIREMENTS = ["requirements.txt", "requirements-test.txt", "requirements-site.txt"]
NOTEBOOK_FOLDERS = ["notebooks", "solutions"]
NAME = re.compile(r"^([A-Za-z0-9_.\-]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def names_and_pins() -> tuple[list[str], dict[str, str]]:
    """The requirement names (no versions), and name -> version of every package in the lock."""
    names = []
    for file in REQUIREMENTS:
        for line in (ROOT / file).read_text().splitlines():
            match = NAME.match(line.split("#", 1)[0].strip())
            if match:
                names.append(match.group(1))
    from packaging.markers import Marker  # installed with the course's tools (pip, uv and pytest need it)

    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;([^\\]*))?", line)
        # The lock is universal: keep only the entries whose markers hold on this machine.
        if match and (not match.group(3) or Marker(match.group(3).strip()).evaluate()):
            locked[normalise(match.group(1))] = match.group(2)
    return names, locked


def uv() -> str:
    found = Path(sys.executable).parent / "uv"
    if not found.exists():
        sys.exit("error: uv is missing from .venv; run `make setup` first")
    return str(found)


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def install(names: list[str], held: list[str]) -> dict[str, str]:
    """A fresh venv with the newest allowed releases (but `held` pins); returns name -> installed version."""
    shutil.rmtree(VENV, ignore_errors=True)
    VENV.parent.mkdir(parents=True, exist_ok=True)
    python = str(VENV / "bin" / "python")
    log = WORK / "install.log"
    overrides = WORK / "overrides.txt"
    overrides.write_text("".join(f"{pin}\n" for pin in held))
    with log.open("w") as out:
        for command in (
            [uv(), "venv", "--quiet", "--python", sys.executable, str(VENV)],
            [uv(), "pip", "install", "--python", python, "--refresh", "--override", str(overrides), *names],
            [uv(), "pip", "install", "--python", python, "--no-deps", "-e", str(ROOT)],
        ):
            out.write(f"\n$ {' '.join(command)}\n")
            out.flush()
            if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT).returncode:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:]
                sys.exit(f"error: could not install the newest releases ({' '.join(tail)}); "
                         f"details: {log.relative_to(ROOT)}")
    listing = subprocess.run([uv(), "pip", "list", "--python", python, "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
    return {normalise(p["name"]): p["version"] for p in json.loads(listing)}


def report_moves(locked: dict[str, str], latest: dict[str, str]) -> list[str]:
    moved = [f"{name}: {locked[name]} -> {latest[name]}"
             for name in sorted(latest) if name in locked and latest[name] != locked[name]]
    added = [f"{name}: (not in the lock) -> {latest[name]}"
             for name in sorted(latest) if name not in locked and name != "casecurity"]
    gone = [f"{name}: {locked[name]} -> (no longer needed)"
            for name in sorted(locked) if name not in latest and name not in ("pip",)]
    lines = moved + added + gone
    print(f"{len(moved)} of {len(locked)} locked packages are at another release here:")
    for line in lines:
        print(f"  {line}")
    return lines


def run_tests(extra: list[str]) -> list[str]:
    """pytest in the throwaway venv; returns the failing test ids (empty when all passed)."""
    log = WORK / "pytest.log"
    command = [str(VENV / "bin" / "python"), "-m", "pytest", "-n", "2", "--dist", "loadfile", "-p",
               "no:cacheprovider", "-q", "-rfE", "tests", "--ignore=tests/test_setup.py", *extra]
    with log.open("w") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    text = log.read_text(errors="replace")
    summary = [line for line in text.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    print(summary[-1].strip("= ") if summary else f"pytest ended with status {result.returncode}")
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)(?: - (.*))?$", text, re.M)
    for test, why in failed:
        print(f"  {test}: {why[:200]}")
    if result.returncode and not failed:
        failed = [("pytest", f"exit status {result.returncode}; see {log.relative_to(ROOT)}")]
        print(f"  {failed[0][1]}")
    print(f"(full output: {log.relative_to(ROOT)})")
    return [test for test, _ in failed]


def run_notebooks() -> list[str]:
    """Execute copies of the lessons and solutions with the throwaway venv's kernel."""
    run = WORK / "run"
    shutil.rmtree(run, ignore_errors=True)
    for folder in NOTEBOOK_FOLDERS:
        shutil.copytree(ROOT / folder, run / folder)
    copies = [str(p) for folder in NOTEBOOK_FOLDERS for p in sorted((run / folder).glob("*.ipynb"))]
    result = subprocess.run([str(VENV / "bin" / "python"), __file__, "--execute", *copies], cwd=ROOT,
                            capture_output=True, text=True)
    print(result.stdout, end="")
    if result.returncode not in (0, 1):
        print(f"  the notebook runner itself failed: {result.stderr.strip().splitlines()[-1:]}")
        return ["(notebook runner)"]
    return [line.split(":", 1)[0].strip() for line in result.stdout.splitlines() if "FAILED" in line]


def execute_notebooks(paths: list[str]) -> None:
    """(In the throwaway venv.) Execute each notebook copy, save it, and print ok or its first error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ.pop("CASECURITY_OFFLINE", None)
    os.environ["CASECURITY_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "progress.json")
    broken = 0
    for path in map(Path, paths):
        label = f"{path.parent.name}/{path.name}"
        nb = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        try:
            NotebookClient(nb, timeout=300, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            print(f"  {label}: ok ({time.perf_counter() - started:.1f} s)", flush=True)
        except CellExecutionError as error:
            broken += 1
            lines = [line for line in str(error).strip().splitlines() if line.strip()]
            print(f"  {label}: FAILED {lines[-1][:300] if lines else type(error).__name__}", flush=True)
        except Exception as error:  # a dead kernel or a timeout: report it and go on with the next
            broken += 1
            print(f"  {label}: FAILED {type(error).__name__}: {str(error)[:300]}", flush=True)
        nbformat.write(nb, path)
    sys.exit(1 if broken else 0)


def main(args: list[str]) -> None:
    if args[:1] == ["--execute"]:
        execute_notebooks(args[1:])
        return
    held = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--with"]
    args = [arg for i, arg in enumerate(args) if arg != "--with" and (i == 0 or args[i - 1] != "--with")]
    names, locked = names_and_pins()
    step(f"Installing the newest releases of {len(names)} requirements into {VENV.relative_to(ROOT)}"
         + (f", holding {', '.join(held)}" if held else ""))
    latest = install(names, held)
    step("Packages that moved (requirements.lock -> newest)")
    report_moves(locked, latest)
    step("Unit and browser tests (tests/, without tests/test_setup.py)")
    failed_tests = run_tests(args)
    step(f"Every notebook, executed as a copy in {(WORK / 'run').relative_to(ROOT)}")
    failed_notebooks = run_notebooks()
    step("Summary")
    if not failed_tests and not failed_notebooks:
        print("Nothing broke with these releases. To move the lock: `make lock LOCK_ARGS=--upgrade`, then "
              "`make outputs` (saved outputs may change) and `make test`.")
        return
    print(f"Broke with these releases: {len(failed_tests)} test(s), {len(failed_notebooks)} notebook(s).")
    print("Fix the code (or cap the package in requirements*.txt) before the lock is moved.")
    sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
