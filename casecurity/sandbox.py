"""Running one submission sealed off: the only module that knows bubblewrap (and Docker).

The grader runs each notebook through a small runner (``python -m casecurity.grade --run-one``)
inside a sandbox made by a maintained tool:

- ``bwrap`` (default; the Debian package ``bubblewrap``, no root needed): new user, PID, network,
  IPC and UTS namespaces (``--unshare-all``; loopback still works for the kernel, nothing else
  does), ``--die-with-parent``, ``--new-session``, no capabilities. The sandbox sees the system's
  programs and libraries, Python and the course's virtual environment, the course's ``casecurity``
  package, ``data/`` and the lesson modules, all read-only; ``solutions/`` is never mounted (an
  empty folder covers it if it sits inside something mounted). It also sees its own scratch
  folder (the notebook's copy, the recorded answers) and a private ``/tmp``. The submissions
  folder, the output paths, the teacher's home and the grader's processes are not there.
- ``docker``: the same runner in a container of the image built from ``requirements.lock``
  (``tools/grader.Dockerfile``), ``--network none``, a memory and a process limit.
- ``none`` (``--no-sandbox``): the runner as a plain child process; the report says the run was
  not isolated.

Limits hold for the sandbox as a whole: from outside, the summed memory (RSS) of all its
processes is watched and the whole sandbox is killed when it goes over the limit or the time runs
out. With bubblewrap, the sandbox's first process is the init of its PID namespace, so every
process a notebook started (detached or not) ends when the sandbox ends.

The runner hands its report back through a pipe that only it holds (not a file the notebook
could rewrite); the grader reads at most :data:`REPORT_CAP` bytes of it, as JSON, never anything
else the notebook left behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MODES", "REPORT_CAP", "Outcome", "hand_back", "isolated", "run", "unavailable_reason"]

MODES = ("bwrap", "docker", "none")
REPORT_CAP = 64 * 1024 * 1024  # the runner's report (every recorded answer) at most
DOCKER_IMAGE = os.environ.get("CASECURITY_GRADER_IMAGE", "casecurity-grader")
HOW_TO_GET_BWRAP = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap), or grade without "
                    "isolation with --no-sandbox")
_ENV_KEPT = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM")
_POLL_SECONDS = 0.2


@dataclass
class Outcome:
    """What came back from one sandboxed run: the runner's report (bytes) and any problem."""

    report: bytes | None
    problem: str = ""


def isolated(mode: str) -> bool:
    return mode in ("bwrap", "docker")


_AVAILABLE: dict[str, str] = {}


def unavailable_reason(mode: str) -> str:
    """Why no sandbox of this kind can be made here, in one line ("" when it can)."""
    if mode == "none":
        return ""
    if mode not in _AVAILABLE:
        _AVAILABLE[mode] = _probe(mode)
    return _AVAILABLE[mode]


def _probe(mode: str) -> str:
    if mode == "docker":
        engine = shutil.which("docker") or shutil.which("podman")
        if not engine:
            return "no docker or podman command found; install one, or use the default bubblewrap sandbox"
        try:
            found = subprocess.run([engine, "image", "inspect", DOCKER_IMAGE], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{engine} does not answer ({exc}); start it, or use the default bubblewrap sandbox"
        if found.returncode != 0:
            return (f"no {DOCKER_IMAGE} image; build it with: {Path(engine).name} build -t {DOCKER_IMAGE} "
                    "-f tools/grader.Dockerfile .")
        return ""
    if not shutil.which("bwrap"):
        return f"bubblewrap (bwrap) is not installed: {HOW_TO_GET_BWRAP}"
    try:
        trial = subprocess.run(_bwrap_command([sys.executable, "-c", "pass"], scratch=None, read_only=_system_paths(),
                                              hidden=[]), capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc}): {HOW_TO_GET_BWRAP}"
    if trial.returncode != 0:
        why = " ".join(trial.stderr.decode("utf-8", "replace").split())[:160]
        return (f"bubblewrap cannot create a sandbox here ({why}; user namespaces may be switched off: "
                f"sysctl kernel.unprivileged_userns_clone=1); or grade with --no-sandbox")
    return ""


def _system_paths() -> list[Path]:
    """System programs and libraries, Python itself and the virtual environment (read-only)."""
    paths = [Path(p) for p in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc") if os.path.lexists(p)]
    # abspath, not resolve: the virtual environment must keep its own path (a "tools/../.venv" too)
    return paths + [Path(sys.base_prefix).resolve(), Path(os.path.abspath(sys.prefix)), Path(sys.prefix).resolve()]


def _bwrap_command(command: list[str], *, scratch: Path | None, read_only: list[Path], hidden: list[Path]) -> list[str]:
    command = [os.path.abspath(command[0]), *command[1:]]  # "tools/../.venv/bin/python": no tools/ inside
    argv = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "grading", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    done: set[str] = set()
    for path in read_only:
        if str(path) in done or not os.path.lexists(path):
            continue
        done.add(str(path))
        if path.is_symlink() and path.parent == Path("/"):  # merged /usr: /bin -> usr/bin
            argv += ["--symlink", os.readlink(path), str(path)]
        else:
            argv += ["--ro-bind", str(path.resolve()), str(path)]
    for path in hidden:  # inside something mounted: covered by an empty folder or file
        argv += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    if scratch is not None:
        argv += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch)]
    return argv + ["--", *command]


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path == f or f in path.parents for f in folders)


def sandbox_env(env: dict, scratch: Path) -> dict:
    """The runner's environment: the grader's CASECURITY_* settings and locale, a home in the scratch
    folder, no bytecode written, and nothing else of the teacher's (no tokens, no $HOME)."""
    kept = {k: v for k, v in env.items() if k in _ENV_KEPT or k.startswith(("CASECURITY_", "LC_"))}
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    kept.update(HOME=str(home), TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1", PYTHONNOUSERSITE="1",
                JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_DATA_DIR=str(home / "jupyter"),
                IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "matplotlib"),
                XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"))
    return kept


def run(command: list[str], *, mode: str, scratch: Path, env: dict, read_only: list[Path], hidden: list[Path],
        timeout: float, memory_mb: int) -> Outcome:
    """Run ``command`` (the runner; its last argument is replaced by the report channel) in a sandbox.

    ``read_only``: folders the notebook may read (course code, data, lesson modules); ``hidden``:
    paths that must not be seen even if they sit inside those (``solutions/``, the submissions,
    the outputs). The whole sandbox is killed past ``timeout`` seconds or ``memory_mb`` of memory.
    """
    reader, writer = os.pipe()
    try:
        if mode == "docker":
            argv = _docker_command(command + ["fd:1"], scratch, memory_mb, [Path(p).absolute() for p in read_only], env)
            stdout, pass_fds = writer, ()
        else:
            argv = command + [f"fd:{writer}"]
            if mode == "bwrap":
                folders = _system_paths() + [Path(p).absolute() for p in read_only]
                argv = _bwrap_command(argv, scratch=scratch, read_only=folders,
                                      hidden=[h for h in hidden if _inside(h, folders) and os.path.lexists(h)])
                env = sandbox_env(env, scratch)
            stdout, pass_fds = subprocess.DEVNULL, (writer,)
        process = subprocess.Popen(argv, env=env, cwd=scratch, stdin=subprocess.DEVNULL, stdout=stdout,
                                   stderr=subprocess.DEVNULL, pass_fds=pass_fds, start_new_session=True)
    finally:
        os.close(writer)
    chunks: list[bytes] = []
    thread = threading.Thread(target=_read_capped, args=(reader, chunks), daemon=True)
    thread.start()
    problem = _watch(process, timeout, memory_mb)
    thread.join(timeout=30)
    report = b"".join(chunks)
    if len(report) > REPORT_CAP:
        return Outcome(None, problem or f"the notebook's recorded answers are larger than {REPORT_CAP // 2**20} MB "
                                        "(a map with millions of markers?) and were not read")
    return Outcome(report or None, problem)


def _read_capped(handle: int, chunks: list[bytes]) -> None:
    size = 0
    with os.fdopen(handle, "rb") as stream:
        while size <= REPORT_CAP:
            chunk = stream.read(1 << 16)
            if not chunk:
                return
            chunks.append(chunk)
            size += len(chunk)


def _watch(process: subprocess.Popen, timeout: float, memory_mb: int) -> str:
    """Wait for the sandbox; kill it all past the time or memory limit. The problem, or ""."""
    deadline = time.monotonic() + timeout
    problem = ""
    while True:
        try:
            process.wait(timeout=_POLL_SECONDS)
            break
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() > deadline:
            problem = f"the notebook ran longer than {timeout:g} s and was stopped"
        elif memory_mb and _tree_rss(process.pid) > memory_mb * 2**20:
            problem = (f"the notebook's processes together used more than {memory_mb} MB of memory and were "
                       "stopped")
        if problem:
            break
    _kill_tree(process)
    return problem


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (a sandbox's orphans stay below its PID namespace's init)."""
    children = _children_map()
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    total = 0
    for member in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{member}/statm", "rb") as stream:
                total += int(stream.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def _kill_tree(process: subprocess.Popen) -> None:
    """End the sandbox and everything in it (with bwrap, killing its init ends its PID namespace)."""
    for member in [*descendants(process.pid), process.pid]:
        try:
            os.kill(member, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.wait()


def _docker_command(command: list[str], scratch: Path, memory_mb: int, read_only: list[Path], env: dict) -> list[str]:
    """The runner in a container: Python and the locked dependencies from the image, the course's
    package, data and lesson modules mounted read-only at the same paths, the report on stdout."""
    engine = shutil.which("docker") or shutil.which("podman") or "docker"
    argv = [engine, "run", "--rm", "-i", "--network", "none", "--read-only", "--tmpfs", "/tmp",
            "--pids-limit", "256", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "-v", f"{scratch}:{scratch}", "-w", str(scratch), "-e", "PYTHONDONTWRITEBYTECODE=1",
            "-e", f"HOME={scratch}/home", "-e", f"PYTHONPATH={read_only[0].parent}" if read_only else "PYTHONPATH="]
    for path in read_only:
        argv += ["-v", f"{path}:{path}:ro"]
    for key in sorted(k for k in env if k.startswith("CASECURITY_")):
        argv += ["-e", key]  # the value is taken from the environment run() starts docker with
    if memory_mb:
        argv += ["--memory", f"{memory_mb}m", "--memory-swap", f"{memory_mb}m"]
    return argv + [DOCKER_IMAGE, "python", *command[1:]]


def hand_back(report: dict, channel: str) -> None:
    """In the runner: write the report to the channel the grader gave (``fd:N``, or a file path)."""
    text = json.dumps(report)
    if channel.startswith("fd:"):
        with os.fdopen(int(channel[3:]), "w", encoding="utf-8") as stream:
            stream.write(text)
    else:
        Path(channel).write_text(text, encoding="utf-8")


def guard_channel(channel: str) -> None:
    """In the runner, first thing: the report pipe is not inherited by the kernel, and the runner
    cannot be read through /proc by the notebook's processes (not dumpable)."""
    if channel.startswith("fd:"):
        os.set_inheritable(int(channel[3:]), False)
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass
