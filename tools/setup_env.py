"""Create or update the course's virtual environment (.venv); used by `make lab` and `make test`.

Runs with any Python 3; looks for a Python 3.11 interpreter, creates .venv with it,
installs the pinned requirements and the course package. pip's output goes to
.venv/install.log; on failure one line says what is missing and how to fix it.
Re-running is cheap: nothing is installed when the requirement files did not change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
LOG = VENV / "install.log"
REQUIRED = (3, 11)
INPUTS = ["requirements.txt", "requirements-test.txt", "constraints.txt", "pyproject.toml"]
NETWORK_SIGNS = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Connection refused",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "No matching distribution found",
    "Could not find a version that satisfies",
)


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_python() -> str:
    asked = os.environ.get("PYTHON")
    candidates = dict.fromkeys([asked, "python3.11", "python3", "python"] if asked else ["python3.11", "python3", "python"])
    seen = []
    for name in candidates:
        path = shutil.which(name) or (name if Path(name).exists() else None)
        if not path:
            continue
        found = version_of(path)
        if found == REQUIRED:
            return path
        if found:
            seen.append(f"{path} is {found[0]}.{found[1]}")
    where = "; ".join(seen) if seen else "none found"
    fail(
        f"the course needs Python 3.11 ({where}); install Python 3.11 "
        "or point to it with `make PYTHON=/path/to/python3.11 ...`"
    )
    return ""  # unreachable


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def pip(args: list[str], what: str) -> None:
    with LOG.open("a") as log:
        log.write(f"\n$ pip {' '.join(args)}\n")
        log.flush()
        result = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", *args, "--disable-pip-version-check"],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
    if result.returncode != 0:
        text = LOG.read_text(errors="replace")
        if any(sign in text for sign in NETWORK_SIGNS) or not index_reachable():
            fail(
                f"could not download {what} from the package index (PyPI); "
                f"check the internet connection or proxy, then re-run (details: {LOG.relative_to(ROOT)})"
            )
        fail(f"installing {what} failed; see {LOG.relative_to(ROOT)} for pip's message")


def index_reachable() -> bool:
    """Can pip list a well-known package? (An unreachable index can look like a version conflict.)"""
    try:
        probe = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "index", "versions", "pip", "--disable-pip-version-check"],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def install_course_settings(venv_python: Path) -> None:
    """The course's JupyterLab settings and kernel extension (casecurity.install), into .venv."""
    done = subprocess.run([str(venv_python), "-m", "casecurity.install", "--quiet"], cwd=ROOT)
    if done.returncode != 0:
        fail("could not install the course's JupyterLab settings into .venv (message above)")


def main() -> None:
    venv_python = VENV / "bin" / "python"
    if venv_python.exists() and version_of(str(venv_python)) != REQUIRED:
        print("Recreating .venv: it was made with another Python version.", file=sys.stderr)
        shutil.rmtree(VENV)
    if not venv_python.exists():
        python = find_python()
        print(f"Creating .venv with {python} ...", file=sys.stderr)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    wanted = fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        install_course_settings(venv_python)
        return  # nothing changed since the last install
    print("Installing the pinned packages into .venv (about a minute the first time) ...", file=sys.stderr)
    LOG.write_text("")
    pip(["install", "-r", "requirements.txt", "-r", "requirements-test.txt", "-c", "constraints.txt"],
        "the pinned packages")
    pip(["install", "--no-deps", "-e", "."], "the course package (casecurity)")
    install_course_settings(venv_python)
    STAMP.write_text(wanted + "\n")
    print("The course environment is ready.", file=sys.stderr)


if __name__ == "__main__":
    main()
