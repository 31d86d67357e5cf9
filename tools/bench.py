"""`make bench`: execution time and size of every notebook, against the course's targets.

Targets (2-core machine): a lesson executes in under 10 s and is saved under 1.5 MB; the
repository stays under 20 MB; total execution time is under 2x the "floor" (N times a
notebook whose only cell imports pandas, folium and ipywidgets: kernel start-up plus the
stack); `import casecurity` adds under 0.3 s to `import pandas, folium`; a fresh set-up (.venv from
requirements.lock with uv, as on a fresh clone) is ready in under 20 s; `make check` runs in under
60 s and the whole suite (`make test`) in under 5 minutes.
Timings are measured here, never asserted in tests: shared machines are noisy.
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
import tempfile
import threading
import time
from pathlib import Path

import bench_grading  # tools/bench_grading.py, beside this file
import bench_site  # tools/bench_site.py, beside this file
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["notebooks", "solutions", "exercises"]
LESSON_SECONDS, LESSON_MB, REPO_MB, RATIO, IMPORT_S = 10.0, 1.5, 20.0, 2.0, 0.3
SETUP_S = 20.0
CHECK_S, SUITE_S = 60.0, 300.0  # `make check` (inner loop) and `make test` (whole suite)
LAB_REPEAT_S = 5.0
# What `make lab` skips on a repeat when nothing changed (tools/trust_notebooks.py, casecurity.install)
LAB_STAMPS = [ROOT / ".venv" / ".trusted", ROOT / ".venv" / "etc" / "casecurity-install.stamp"]
LESSON_URL = re.compile(r"http://127\.0\.0\.1:\d+/lab/tree/notebooks/00_start_here\.ipynb\?token=\w+")
# What tools/setup_env.py reads: a copy of these is a fresh clone as far as set-up is concerned.
SETUP_FILES = ["tools/setup_env.py", "requirements.txt", "requirements-test.txt", "requirements-site.txt",
               "requirements.lock", "pyproject.toml", "README.md", "casecurity"]


def run(nb, folder: Path) -> float:
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - started


def map_outputs(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", ""))
            count += "leaflet" in html.lower() or "folium" in html.lower()
    return count


def best_start_seconds(*args: str) -> float:
    """The quickest of three runs of ``python ARGS`` in a new process (start-up and imports)."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True)
        times.append(time.perf_counter() - started)
    return min(times)


def import_overhead() -> float:
    return (best_start_seconds("-c", "import pandas, folium, casecurity, casecurity.data")
            - best_start_seconds("-c", "import pandas, folium"))


def nbformat_import_seconds() -> tuple[float, float]:
    """`import nbformat` in a new process (what each graded notebook, nbval and the Jupyter server pay),
    with the environment's start-up files and without them (-S: no casecurity_fast_start stand-in)."""
    import site

    paths = [p for p in site.getsitepackages() if Path(p).is_dir()]
    return (best_start_seconds("-c", "import nbformat"),
            best_start_seconds("-S", "-c", f"import sys; sys.path[:0] = {paths!r}; import nbformat"))


def repo_megabytes() -> float:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    names = [n for n in files.decode().split("\0") if n]
    return sum((ROOT / n).stat().st_size for n in names if (ROOT / n).exists()) / 1e6


def fresh_setup_seconds(cold: bool) -> float:
    """Time tools/setup_env.py on a copy of the set-up files with no .venv (a fresh clone).

    cold: with empty uv and pip caches (every package downloaded), else with the user's caches.
    """
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch) / "course"
        for name in SETUP_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, course / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                (course / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, course / name)
        env = {k: v for k, v in os.environ.items() if k not in ("CASECURITY_INSTALLER", "UV_CACHE_DIR")}
        if cold:
            env |= {"UV_CACHE_DIR": str(Path(scratch) / "uv-cache"), "PIP_NO_CACHE_DIR": "1"}
        started = time.perf_counter()
        subprocess.run(["python3", "tools/setup_env.py"], cwd=course, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def busy_cpu_seconds() -> float | None:
    """CPU-seconds the whole machine has spent busy since boot (Linux /proc/stat), or None."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def reference_seconds() -> float:
    """CPU time of a fixed pure-Python loop, best of three: this machine's speed at this moment.
    On a shared machine it drifts (by a third within an hour, seen 2026-12-07), and the suite's
    time with it; reported beside the suite so a slow hour can be told from a slower suite."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        sum(i * i for i in range(5_000_000))
        best = min(best, time.process_time() - started)
    return best


def suite_seconds(target: str) -> tuple[float, bool, float | None]:
    """Wall-clock time of ``make <target>`` (set-up already done), whether it passed, and the
    machine's busy CPU-seconds meanwhile (None where /proc/stat is missing)."""
    busy = busy_cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(["make", "-s", target], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    after = busy_cpu_seconds()
    return seconds, done.returncode == 0, (after - busy if busy is not None and after is not None else None)


def lab_start_seconds(first: bool) -> float:
    """Time `make lab LAB_ARGS=--no-browser` from the command to the printed lesson-00 URL.

    first: with the stamps removed, so the course settings are installed and the notebooks
    trusted as on the first `make lab` after set-up; else a repeat (nothing changed).
    """
    if first:
        for stamp in LAB_STAMPS:
            stamp.unlink(missing_ok=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"}
    started = time.perf_counter()
    # the output is read line by line; a server that never prints the URL is stopped after 300 s
    deadline = threading.Timer(300, lambda: os.killpg(server.pid, signal.SIGTERM))
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS=--no-browser --ip=127.0.0.1 --port={port}"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    deadline.start()
    try:
        for line in server.stdout:
            if LESSON_URL.search(line):
                return time.perf_counter() - started
        raise SystemExit(f"make lab ended without printing the lesson URL (exit code {server.wait()})")
    finally:
        deadline.cancel()
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate()


def main() -> None:
    print("timing make lab (first after set-up, then a repeat) ...", file=sys.stderr, flush=True)
    lab_first, lab_repeat = lab_start_seconds(first=True), lab_start_seconds(first=False)
    print("timing a fresh set-up (uv; cold and warm caches) ...", file=sys.stderr, flush=True)
    setups = {"empty caches": fresh_setup_seconds(cold=True), "warm caches": fresh_setup_seconds(cold=False)}
    os.environ["CASECURITY_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "progress.json")
    paths = [p for folder in FOLDERS for p in sorted((ROOT / folder).glob("*.ipynb"))]
    floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas, folium, ipywidgets")])
    floor = min(run(floor_nb, ROOT) for _ in range(2))
    rows = []
    for number, path in enumerate(paths, 1):
        print(f"[{number}/{len(paths)}] {path.relative_to(ROOT)}", file=sys.stderr, flush=True)
        seconds = run(nbformat.read(path, as_version=4), path.parent)
        rows.append((str(path.relative_to(ROOT)), seconds, path.stat().st_size / 1024, map_outputs(path)))
    print(f"\n{'notebook':<40} {'seconds':>8} {'KB':>8} {'maps':>5}  verdict")
    for name, seconds, kb, maps in rows:
        over = []
        if name.startswith("notebooks/") and seconds > LESSON_SECONDS:
            over.append(f"> {LESSON_SECONDS:.0f} s")
        if kb / 1024 > LESSON_MB:
            over.append(f"> {LESSON_MB} MB")
        print(f"{name:<40} {seconds:8.1f} {kb:8.0f} {maps:5d}  {'OVER ' + ', '.join(over) if over else 'ok'}")
    total = sum(r[1] for r in rows)
    ratio = total / (len(rows) * floor) if rows else 0.0
    size = repo_megabytes()
    overhead = import_overhead()
    print(f"\n{'total':<40} {total:8.1f} {sum(r[2] for r in rows):8.0f} {sum(r[3] for r in rows):5d}")
    print(f"floor (kernel + import pandas, folium, ipywidgets): {floor:.2f} s")
    print(f"ratio total / (N x floor): {ratio:.2f}  (target < {RATIO})  {'ok' if ratio < RATIO else 'OVER'}")
    print(f"repository size: {size:.1f} MB  (target < {REPO_MB:.0f} MB)  {'ok' if size < REPO_MB else 'OVER'}")
    print(f"import casecurity overhead: {overhead:+.2f} s  (target < {IMPORT_S} s)  "
          f"{'ok' if overhead < IMPORT_S else 'OVER'}")
    with_stand_in, without = nbformat_import_seconds()
    print(f"import nbformat in a new process: {with_stand_in:.2f} s (without casecurity_fast_start: {without:.2f} s)")
    for label, seconds in setups.items():
        print(f"fresh set-up (.venv from the lock, uv, {label}): {seconds:.1f} s  (target < {SETUP_S:.0f} s)  "
              f"{'ok' if seconds < SETUP_S else 'OVER'}")
    print(f"make lab to the lesson URL: first after set-up {lab_first:.1f} s, repeat {lab_repeat:.1f} s  "
          f"(target < {LAB_REPEAT_S:.0f} s)  {'ok' if lab_repeat <= LAB_REPEAT_S else 'OVER'}")
    bench_site.main()  # the website's page weights (builds build/site if it is missing)
    bench_grading.main()  # seconds per graded notebook, with and without the sandbox
    if os.environ.get("BENCH_SUITE", "1") != "0":  # BENCH_SUITE=0 skips the two suite runs
        print("timing make check and make test ...", file=sys.stderr, flush=True)
        print(f"machine speed now: a reference loop takes {reference_seconds():.2f} s of CPU "
              "(compare two suite times only with this close; more means a slower hour)")
        for target, limit in (("check", CHECK_S), ("test", SUITE_S)):
            seconds, passed, cpu = suite_seconds(target)
            verdict = ("ok" if seconds < limit else "OVER") if passed else "FAILED (see make " + target + ")"
            used = f", {cpu:.0f} CPU-s on the machine" if cpu is not None else ""
            print(f"make {target}: {seconds:.0f} s{used}  (target < {limit:.0f} s on a quiet 2-core machine)  {verdict}")


if __name__ == "__main__":
    main()
