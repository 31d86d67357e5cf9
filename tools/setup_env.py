"""Create or update the course's virtual environment (.venv); used by `make lab` and `make test`.

Runs with any Python 3; looks for a Python 3.11 interpreter, creates .venv with it and installs
requirements.lock (every package, transitive ones included, pinned with its hashes) and the
course package. The installer is uv, fetched at the lock's version and hashes with pip (the base
Python's, so .venv is made without pip: ensurepip alone takes seconds, and the lock brings pip);
when uv cannot be had, pip installs the same lock (slower, same environment).
CASECURITY_INSTALLER=pip (or =uv) forces one of them.

The installers' output goes to .venv/install.log; on failure one line says what is wrong and
what to do. Re-running is cheap: nothing is installed when the lock did not change. The stamp
that says so is written (atomically) only after a successful install, so a .venv left behind
by an interrupted install is recognised and rebuilt on the next run.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
LOG = VENV / "install.log"
LOCK = ROOT / "requirements.lock"
REQUIREMENTS = ["requirements.txt", "requirements-test.txt", "requirements-site.txt"]
INPUTS = ["requirements.lock", "pyproject.toml"]
# How the packages are installed, part of the stamp: a change here rebuilds an existing .venv once.
# Bytecode is compiled at install time because .venv is read-only inside the grader's sandbox and
# PYTHONDONTWRITEBYTECODE is often set: without .pyc files every kernel, grader and server compiles
# each module it imports from source again (about 0.7 s of CPU per kernel start, measured).
RECIPE = "packages installed with their bytecode compiled"
REQUIRED = (3, 11)
# One lock for Python 3.11 on every platform (Linux x86_64 here, in CI and on Binder; a teacher's
# Mac or Windows machine too): platform-only packages carry markers, and each pin lists the hashes
# of all its wheels.
LOCK_TARGET = ["--universal", "--python-version", "3.11"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s#;\\]+)")
NETWORK_SIGNS = (
    # pip
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
    # uv
    "Failed to fetch",
    "error sending request",
    "dns error",
    "Could not connect",
    "operation timed out",
    "was not found in the package registry",
)
HASH_SIGNS = ("DO NOT MATCH THE HASHES", "Hash mismatch")


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """name -> version of every `name==version` line (requirement files and the lock alike)."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.split("#", 1)[0].strip())
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def lock_blocks(text: str) -> dict[str, str]:
    """name -> the lock's whole entry for it (the pin and its `--hash` lines)."""
    blocks: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            name = normalise(match.group(1))
            blocks[name] = line + "\n"
        elif name and line.startswith(" ") and not line.strip().startswith("#"):
            blocks[name] += line + "\n"
        elif not line.startswith(" "):
            name = None
    return blocks


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
    digest = hashlib.sha256(RECIPE.encode())
    for name in INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def write_stamp(text: str) -> None:
    """Write the stamp in one step (a crash leaves the old state or the new, never half a file)."""
    handle, temporary = tempfile.mkstemp(dir=VENV, prefix=".installed.")
    with os.fdopen(handle, "w") as out:
        out.write(text + "\n")
    os.replace(temporary, STAMP)


def uv_environment() -> dict[str, str]:
    """The environment for uv: pip's index settings carried over (a mirror or a wheel folder)."""
    env = dict(os.environ)
    for pip_name, uv_name in (("PIP_INDEX_URL", "UV_DEFAULT_INDEX"), ("PIP_FIND_LINKS", "UV_FIND_LINKS")):
        if os.environ.get(pip_name) and not os.environ.get(uv_name):
            env[uv_name] = os.environ[pip_name]
    if os.environ.get("PIP_NO_INDEX", "").lower() in ("1", "true", "yes") and "UV_NO_INDEX" not in env:
        env["UV_NO_INDEX"] = "1"
    return env


def run_logged(command: list[str], env: dict[str, str] | None = None) -> tuple[bool, str]:
    """Run an installer step with its output appended to the log; (succeeded, its output)."""
    start = LOG.stat().st_size if LOG.exists() else 0
    with LOG.open("a") as log:
        log.write(f"\n$ {' '.join(command)}\n")
        log.flush()
        started = time.monotonic()
        result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        log.write(f"(exit {result.returncode} after {time.monotonic() - started:.1f} s)\n")
    with LOG.open(errors="replace") as log:
        log.seek(start)
        return result.returncode == 0, log.read()


def explain_failure(output: str, what: str) -> None:
    """One line for a failed install: a hash mismatch, an unreachable index, or anything else."""
    log = LOG.relative_to(ROOT)
    if any(sign in output for sign in HASH_SIGNS):
        named = re.search(r"Hash mismatch for `([^`]+)`", output) or re.search(
            r"^\s+(\S+?) from \S+", output.split("DO NOT MATCH THE HASHES", 1)[-1], re.M
        )
        package = f" ({named.group(1)})" if named else ""
        fail(
            f"a downloaded package{package} does not match its hash in requirements.lock, so it was not "
            f"installed: the download was corrupted or the file was changed on the index; re-run later "
            f"or from another network, and do not edit the hash (details: {log})"
        )
    if any(sign in output for sign in NETWORK_SIGNS) or not index_reachable():
        fail(
            f"could not download {what} from the package index (PyPI); "
            f"check the internet connection or proxy, then re-run (details: {log})"
        )
    fail(f"installing {what} failed; see {log} for the installer's message")


def index_reachable() -> bool:
    """Can pip list a well-known package? (An unreachable index can look like a version conflict.)"""
    if not venv_has_pip():
        return True  # cannot tell: say what failed, not that the network did
    try:
        probe = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "index", "versions", "pip", "--disable-pip-version-check"],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def pip_command() -> list[str]:
    return [str(VENV / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]


def venv_has_pip() -> bool:
    return any((VENV / "lib").glob("python3*/site-packages/pip/__init__.py"))


def ensure_pip() -> bool:
    """pip in .venv (made without it, because ensurepip alone takes seconds and uv brings pip from the lock)."""
    return venv_has_pip() or run_logged([str(VENV / "bin" / "python"), "-m", "ensurepip", "--default-pip"])[0]


def bootstrap_pip(base_python: str | None) -> list[str] | None:
    """A pip to fetch uv with: .venv's own, else the base Python's (no need to put pip into .venv first)."""
    if venv_has_pip():
        return pip_command()
    if base_python and subprocess.run([base_python, "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return [base_python, "-m", "pip", "--disable-pip-version-check"]
    return pip_command() if ensure_pip() else None


def uv_command(base_python: str | None) -> list[str] | None:
    """uv at the lock's version: .venv's own, else fetched with pip (hash-checked) into .venv/uv-bootstrap."""
    wanted = pins(LOCK.read_text()).get("uv")
    if not wanted:
        return None
    for uv in (VENV / "bin" / "uv", VENV / "uv-bootstrap" / "bin" / "uv"):
        probe = subprocess.run([str(uv), "--version"], capture_output=True, text=True) if uv.exists() else None
        if probe and probe.returncode == 0 and probe.stdout.split()[1:2] == [wanted]:
            return [str(uv), "pip", "install", "--python", str(VENV / "bin" / "python")]
    pip = bootstrap_pip(base_python)
    if not pip:
        return None
    entry = VENV / "uv-requirement.txt"
    entry.write_text(lock_blocks(LOCK.read_text())["uv"])
    target = VENV / "uv-bootstrap"
    shutil.rmtree(target, ignore_errors=True)
    ok, _ = run_logged([*pip, "install", "--no-deps", "--require-hashes", "--target", str(target), "-r", str(entry)])
    uv = target / "bin" / "uv"
    if not ok or not uv.exists():
        return None
    return [str(uv), "pip", "install", "--python", str(VENV / "bin" / "python")]


def check_lock_matches_requirements() -> None:
    lock = pins(LOCK.read_text())
    for name in REQUIREMENTS:
        path = ROOT / name
        if not path.exists():
            continue
        for package, version in pins(path.read_text()).items():
            if lock.get(package) != version:
                fail(
                    f"{name} pins {package}=={version} but requirements.lock has "
                    f"{package}=={lock.get(package, '(nothing)')}; run `make lock` to regenerate the lock"
                )


def installer_choice() -> str:
    choice = os.environ.get("CASECURITY_INSTALLER", "auto").lower()
    if choice not in ("auto", "uv", "pip"):
        fail(f"CASECURITY_INSTALLER is {choice!r}; use uv, pip or leave it unset")
    return choice


def install(base_python: str | None) -> str:
    """Install the lock and the course package into .venv; returns the installer used.

    base_python: the Python that just made .venv (without pip), whose pip can fetch uv; None for an
    existing .venv."""
    choice = installer_choice()
    base = uv_command(base_python) if choice in ("auto", "uv") else None
    if base:
        installer, env = "uv", uv_environment()
    elif choice == "uv":
        explain_failure(LOG.read_text(errors="replace"), "uv (CASECURITY_INSTALLER=uv)")
    else:
        if choice == "auto":
            print("uv could not be installed; installing with pip instead (slower).", file=sys.stderr)
        if not ensure_pip():
            fail("pip could not be put into .venv (python -m ensurepip failed); on Debian or Ubuntu "
                 f"`apt-get install python3.11-venv`, then re-run (details: {LOG.relative_to(ROOT)})")
        installer, env, base = "pip", None, [*pip_command(), "install"]
    ok, output = run_logged([*base, "--require-hashes", "-r", str(LOCK)], env)
    if not ok:
        explain_failure(output, "the pinned packages")
    # The lock installed setuptools, so the course package builds offline and from verified files.
    ok, output = run_logged([*base, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], env)
    if not ok:
        explain_failure(output, "the course package (casecurity)")
    shutil.rmtree(VENV / "uv-bootstrap", ignore_errors=True)  # the lock put uv into .venv/bin
    compile_bytecode()
    return installer


def compile_bytecode() -> None:
    """Compile every installed module to bytecode (see RECIPE). uv compiles only what it installs
    and only when asked, pip what it installs; this also covers a .venv that was already there.
    Not fatal: a file that does not compile (a package's test data, say) is only slower to import."""
    run_logged([str(VENV / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(VENV / "lib")])


def lock(extra: list[str]) -> None:
    """`make lock`: resolve requirements*.txt again into requirements.lock (pins and hashes), then install it.

    uv keeps the versions already in the lock where they still fit; pass `--upgrade` or
    `--upgrade-package NAME` (make lock LOCK_ARGS=...) to move them.
    """
    set_up(check_requirements=False)  # uv comes from the current lock
    command = [
        str(VENV / "bin" / "uv"), "pip", "compile", "--quiet", "--generate-hashes",
        *LOCK_TARGET, "--custom-compile-command", "make lock", *extra,
        *[name for name in REQUIREMENTS if (ROOT / name).exists()], "-o", LOCK.name,
    ]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        fail("uv could not resolve requirements*.txt into requirements.lock (its message is above)")
    set_up()


def install_course_settings(venv_python: Path) -> None:
    """The course's JupyterLab settings and kernel extension (casecurity.install), into .venv."""
    done = subprocess.run([str(venv_python), "-m", "casecurity.install", "--quiet"], cwd=ROOT)
    if done.returncode != 0:
        fail("could not install the course's JupyterLab settings into .venv (message above)")


def set_up(check_requirements: bool = True) -> None:
    venv_python = VENV / "bin" / "python"
    if not LOCK.exists():
        fail("requirements.lock is missing; restore it (git checkout requirements.lock), then re-run")
    if venv_python.exists() and version_of(str(venv_python)) != REQUIRED:
        print("Recreating .venv: it was made with another Python version.", file=sys.stderr)
        shutil.rmtree(VENV)
    elif VENV.exists() and not (STAMP.exists() and venv_python.exists()):
        print("Rebuilding .venv: the last set-up did not finish.", file=sys.stderr)
        shutil.rmtree(VENV)
    if STAMP.exists() and STAMP.read_text().strip() == fingerprint():
        install_course_settings(venv_python)
        return  # nothing changed since the last install
    installer_choice()
    if check_requirements:
        check_lock_matches_requirements()
    python = None
    if not venv_python.exists():
        python = find_python()
        print(f"Creating .venv with {python} ...", file=sys.stderr)
        made = subprocess.run([python, "-m", "venv", "--without-pip", str(VENV)], capture_output=True, text=True)
        if made.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            reason = (made.stderr.strip().splitlines() or ["no message"])[-1]
            fail(f"{python} could not create .venv ({reason}); on Debian or Ubuntu install its venv "
                 "module with `apt-get install python3.11-venv`, then re-run")
    print("Installing the pinned, hash-checked packages into .venv ...", file=sys.stderr)
    STAMP.unlink(missing_ok=True)  # from here until the new stamp, an interruption means "rebuild"
    LOG.write_text("")
    installer = install(python)
    install_course_settings(venv_python)
    write_stamp(fingerprint())
    print(f"The course environment is ready (installed with {installer}).", file=sys.stderr)


def main(args: list[str]) -> None:
    if args[:1] == ["lock"]:
        lock(args[1:])
    elif args:
        fail(f"unknown arguments {' '.join(args)!r}; use no argument (set up) or `lock [uv options]`")
    else:
        set_up()


if __name__ == "__main__":
    main(sys.argv[1:])
