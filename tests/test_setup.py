"""tools/setup_env.py, driven for real in a small copy of the course: a fresh .venv from a lock of four
packages, installed with uv and with the pip fallback; a hash mismatch, an unreachable index, a
wrong Python and an interrupted install each end in one line (or a rebuild).

The copies use the real script and real entries (pins and hashes) of requirements.lock; the
package index is needed (CI reaches PyPI), the unreachable one is a closed port on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# uv, pip and setuptools are the set-up's own tools; six is pure Python, MarkupSafe has compiled wheels.
SMALL = ("uv", "pip", "setuptools", "six", "markupsafe")
DISTRIBUTIONS = (
    "import importlib.metadata as m, json; "
    "print(json.dumps(sorted(f\"{d.metadata['Name'].lower().replace('_', '-')}=={d.version}\" "
    "for d in m.distributions())))"
)
# whether six and markupsafe have a .pyc beside their source, found without importing them
COMPILED = ("import importlib.util, os\n"
            "for name in ('six', 'markupsafe'):\n"
            "    print(os.path.exists(importlib.util.cache_from_source(importlib.util.find_spec(name).origin)))")

pytestmark = pytest.mark.slow


def lock_entries() -> dict[str, str]:
    """name -> the whole entry (pin, hashes, comments) of each package in the real lock."""
    entries = {}
    for entry in re.split(r"\n(?=[^\s#])", (ROOT / "requirements.lock").read_text()):
        match = re.match(r"([A-Za-z0-9_.\-]+)==", entry)
        if match:
            entries.setdefault(re.sub(r"[-_.]+", "-", match.group(1)).lower(), entry.rstrip("\n") + "\n")
    return entries


def pin_of(entry: str) -> str:
    return entry.split(" ", 1)[0].split("\n", 1)[0]


def make_course(where: Path, names=SMALL) -> Path:
    """A copy of the course's set-up: the real script, a lock cut from the real one, a tiny package."""
    entries = lock_entries()
    (where / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "setup_env.py", where / "tools" / "setup_env.py")
    (where / "requirements.lock").write_text("".join(entries[n] for n in names))
    (where / "requirements.txt").write_text(f"{pin_of(entries['six'])}\n{pin_of(entries['markupsafe'])}\n")
    (where / "requirements-test.txt").write_text(
        "".join(f"{pin_of(entries[name])}\n" for name in ("uv", "pip", "setuptools"))
    )
    (where / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "casecurity"\nversion = "0.1.0"\n'
        '[tool.setuptools.packages.find]\ninclude = ["casecurity*"]\n'
    )
    (where / "casecurity").mkdir()
    (where / "casecurity" / "__init__.py").write_text("ANSWER = 42\n")
    # Stands in for the course's JupyterLab settings installer, which set-up runs on every call.
    (where / "casecurity" / "install.py").write_text(
        "import pathlib, sys\n(pathlib.Path(sys.prefix) / 'course-settings').write_text(' '.join(sys.argv[1:]))\n"
    )
    return where


def environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASECURITY_INSTALLER", "UV_"))}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def set_up(course: Path, **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "tools/setup_env.py"], cwd=course, env=environment(**changes),
        capture_output=True, text=True, timeout=600,
    )


def installed(course: Path) -> list[str]:
    out = subprocess.run([str(course / ".venv" / "bin" / "python"), "-c", DISTRIBUTIONS],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def unreachable_index() -> dict[str, str]:
    """Environment that sends pip and uv to a closed port on this machine, with no cache to fall back on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: connections are refused
    url = f"http://127.0.0.1:{port}/simple"
    # no retries: the message after a refused connection is the same, retrying only waits (6.5 s for uv)
    return {"PIP_INDEX_URL": url, "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": None, "PIP_RETRIES": "0",
            "PIP_NO_CACHE_DIR": "1", "UV_DEFAULT_INDEX": url, "UV_NO_CACHE": "1", "UV_HTTP_RETRIES": "0"}


def test_uv_and_pip_build_the_same_environment(tmp_path):
    courses = {name: make_course(tmp_path / name) for name in ("uv", "pip")}
    running = {
        name: subprocess.Popen([sys.executable, "tools/setup_env.py"], cwd=course,
                               env=environment(CASECURITY_INSTALLER=name),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, course in courses.items()
    }
    for name, process in running.items():
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert f"installed with {name}" in err
    uv_env, pip_env = installed(courses["uv"]), installed(courses["pip"])
    assert uv_env == pip_env
    wanted = {pin_of(entry).lower() for name, entry in lock_entries().items() if name in SMALL}
    assert wanted | {"casecurity==0.1.0"} <= set(uv_env)
    for name, course in courses.items():
        # both installers leave bytecode (looked up without importing: an import could write it)
        compiled = subprocess.run([str(course / ".venv" / "bin" / "python"), "-B", "-c", COMPILED],
                                  capture_output=True, text=True, cwd=tmp_path)
        assert compiled.stdout.split() == ["True", "True"], (name, compiled.stdout, compiled.stderr)
        answer = subprocess.run([str(course / ".venv" / "bin" / "python"), "-c",
                                 "import casecurity, six, markupsafe; print(casecurity.ANSWER)"],
                                capture_output=True, text=True, cwd=tmp_path)
        assert answer.stdout.strip() == "42", answer.stderr
        assert (course / ".venv" / "course-settings").read_text() == "--quiet"
    again = set_up(courses["uv"])
    assert again.returncode == 0 and "Installing" not in again.stderr  # nothing changed: nothing done


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_hash_mismatch_stops_with_one_line(tmp_path, installer):
    course = make_course(tmp_path / "course")
    lock = course / "requirements.lock"
    six = lock_entries()["six"]
    lock.write_text(lock.read_text().replace(six, re.sub(r"sha256:[0-9a-f]{64}", "sha256:" + "0" * 64, six)))
    result = set_up(course, CASECURITY_INSTALLER=installer)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = error_lines(result)
    assert "six" in line and "does not match its hash in requirements.lock" in line, line
    assert not (course / ".venv" / ".installed").exists()
    assert "six==" not in " ".join(installed(course))


@pytest.mark.parametrize("installer", ["auto", "pip"])
def test_unreachable_index_is_one_line(tmp_path, installer):
    course = make_course(tmp_path / "course")
    result = set_up(course, CASECURITY_INSTALLER=installer, **unreachable_index())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = error_lines(result)
    assert "from the package index (PyPI); check the internet connection or proxy" in line, line


def test_unreachable_index_is_one_line_for_uv_too(tmp_path):
    """uv already in .venv, the lock gains a package, the index is gone: uv's own error, one line."""
    course = make_course(tmp_path / "course")
    assert set_up(course, CASECURITY_INSTALLER="uv").returncode == 0
    lock = course / "requirements.lock"
    lock.write_text(lock.read_text() + lock_entries()["text-unidecode"])
    result = set_up(course, CASECURITY_INSTALLER="uv", **unreachable_index())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = error_lines(result)
    assert "could not download the pinned packages from the package index" in line, line
    assert "$ " + str(course / ".venv" / "bin" / "uv") in (course / ".venv" / "install.log").read_text()


def test_interrupted_install_is_rebuilt(tmp_path):
    """Kill the set-up while it waits for an index that never answers; the next run starts afresh."""
    course = make_course(tmp_path / "course")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept_and_say_nothing():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/simple"
    hanging = {"PIP_INDEX_URL": url, "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": None,
               "PIP_NO_CACHE_DIR": "1", "UV_DEFAULT_INDEX": url, "UV_NO_CACHE": "1"}
    process = subprocess.Popen([sys.executable, "tools/setup_env.py"], cwd=course, env=environment(**hanging),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    log = course / ".venv" / "install.log"
    try:
        deadline = time.monotonic() + 120
        while not (log.exists() and "$ " in log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert log.exists(), "the set-up never started installing"
        time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        listener.close()
        for connection in held:
            connection.close()
    assert (course / ".venv" / "bin" / "python").exists()
    assert not (course / ".venv" / ".installed").exists()
    (course / ".venv" / "left-by-the-interrupted-run").write_text("")

    result = set_up(course)
    assert result.returncode == 0, result.stderr
    assert "Rebuilding .venv: the last set-up did not finish." in result.stderr
    assert not (course / ".venv" / "left-by-the-interrupted-run").exists()
    assert (course / ".venv" / ".installed").exists()
    assert "casecurity==0.1.0" in installed(course)


def test_wrong_python_is_one_line(tmp_path):
    course = make_course(tmp_path / "course")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3.11", "python3", "python"):
        fake = bin_dir / name
        fake.write_text("#!/bin/sh\necho 3 9\n")  # answers the version question like a Python 3.9
        fake.chmod(0o755)
    result = set_up(course, PATH=str(bin_dir), PYTHON=None)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: the course needs Python 3.11 ({bin_dir}/python3.11 is 3.9; {bin_dir}/python3 is 3.9; "
        f"{bin_dir}/python is 3.9); install Python 3.11 or point to it with `make PYTHON=/path/to/python3.11 ...`"
    ]


def test_a_lock_behind_the_requirements_asks_for_make_lock(tmp_path):
    course = make_course(tmp_path / "course")
    (course / "requirements.txt").write_text("six==1.16.0\n")
    result = set_up(course)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: requirements.txt pins six==1.16.0 but requirements.lock has six==1.17.0; "
        "run `make lock` to regenerate the lock"
    ]
    assert not (course / ".venv").exists()


def test_an_unknown_installer_is_one_line(tmp_path):
    course = make_course(tmp_path / "course")
    result = set_up(course, CASECURITY_INSTALLER="conda")
    assert result.returncode == 1
    assert error_lines(result) == ["error: CASECURITY_INSTALLER is 'conda'; use uv, pip or leave it unset"]


def test_make_lock_follows_the_requirements(tmp_path):
    """`make lock` (setup_env.py lock) re-resolves requirements*.txt into pins with hashes and installs them."""
    course = make_course(tmp_path / "course")
    (course / "requirements.txt").write_text("six==1.16.0\nMarkupSafe==3.0.4\n")  # six moved back a release
    result = subprocess.run([sys.executable, "tools/setup_env.py", "lock"], cwd=course, env=environment(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lock = (course / "requirements.lock").read_text()
    assert "make lock" in lock.splitlines()[1]
    for pin in ("six==1.16.0", "markupsafe==3.0.4", pin_of(lock_entries()["uv"])):
        entry = next(e for e in re.split(r"\n(?=[^\s#])", lock) if e.lower().startswith(pin.lower()))
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry
    assert "six==1.16.0" in installed(course)


def test_a_python_without_venv_is_one_line(tmp_path):
    """Debian's python3.11 without the python3.11-venv package cannot create a venv."""
    course = make_course(tmp_path / "course")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3.11"
    fake.write_text('#!/bin/sh\ncase "$*" in\n  *venv*) echo "Error: ensurepip is not available" >&2; exit 1;;\n'
                    '  *) echo 3 11;;\nesac\n')
    fake.chmod(0o755)
    result = set_up(course, PATH=str(bin_dir), PYTHON=None)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: {fake} could not create .venv (Error: ensurepip is not available); on Debian or Ubuntu "
        "install its venv module with `apt-get install python3.11-venv`, then re-run"
    )
    assert "Traceback" not in result.stderr
    assert not (course / ".venv").exists()


def test_make_lab_trusts_the_notebooks_once_until_one_changes(tmp_path):
    """tools/trust_notebooks.py runs `jupyter trust` only when its stamp is stale, with the real notary."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notebook = tmp_path / "lesson.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), notebook)
    data_dir, stamp = tmp_path / "jupyter-data", tmp_path / "trusted.stamp"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(data_dir))
    command = [sys.executable, str(ROOT / "tools" / "trust_notebooks.py"), "--stamp", str(stamp), str(notebook)]
    database = data_dir / "nbsignatures.db"

    def trusted() -> bool:
        notary = NotebookNotary(data_dir=str(data_dir))
        try:
            return notary.check_signature(nbformat.read(notebook, as_version=4))
        finally:
            notary.store.close()

    subprocess.run(command, env=env, check=True)
    assert stamp.is_file() and trusted()
    signed = database.stat().st_mtime_ns
    subprocess.run(command, env=env, check=True)  # nothing changed: the database is not touched
    assert database.stat().st_mtime_ns == signed
    changed = nbformat.read(notebook, as_version=4)
    changed.cells.append(nbformat.v4.new_markdown_cell("new"))
    nbformat.write(changed, notebook)
    assert not trusted()
    subprocess.run(command, env=env, check=True)
    assert trusted()


def test_course_settings_install_is_skipped_only_while_current(tmp_path):
    from casecurity import install

    assert not install.is_current(tmp_path)
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    assert install.is_current(tmp_path)
    server = tmp_path / "etc" / "jupyter" / "jupyter_server_config.d" / "casecurity.json"
    assert json.loads(server.read_text())["ServerApp"]["jpserver_extensions"] == {"casecurity.lab_assets": True}
    overrides = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "casecurity.json"
    overrides.write_text("{}")  # someone changed the settings: the next run repairs them
    assert not install.is_current(tmp_path)
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    assert install.is_current(tmp_path) and overrides.read_text() != "{}"
