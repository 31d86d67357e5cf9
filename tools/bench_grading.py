"""`make bench`, grading part: seconds per graded notebook with and without the sandbox.

Grades a copy of every solution notebook (full answers: every check runs) once without isolation
(``--no-sandbox``) and once in the bubblewrap sandbox, alternating, and prints the ratio (target:
the sandbox costs at most 1.3x). The issue's second target, a class of 30 lesson notebooks in under
10 minutes with ``--jobs 2`` on 2 cores, is measured for real with ``CASECURITY_BENCH_CLASS=1``
(30 notebooks: several minutes); otherwise it is extrapolated from the per-notebook time and the
line says so. Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from casecurity import grade, sandbox

ROOT = Path(__file__).resolve().parent.parent
SANDBOX_RATIO, CLASS_SIZE, CLASS_MINUTES = 1.3, 30, 10.0


def _copies(folder: Path, count: int | None = None) -> list[Path]:
    """Copies of the solution notebooks outside the course (the sandbox hides solutions/)."""
    sources = sorted((ROOT / "solutions").glob("*_solutions.ipynb"))
    folder.mkdir(parents=True, exist_ok=True)
    count = count or len(sources)
    copies = []
    for number in range(count):
        source = sources[number % len(sources)]
        target = folder / f"student{number + 1:02d}_{source.name}"
        shutil.copy(source, target)
        copies.append(target)
    return copies


def _seconds(path: Path, isolation: str) -> float:
    started = time.perf_counter()
    grade.grade_notebook(path, isolation=isolation)
    return time.perf_counter() - started


def main() -> None:
    why = sandbox.unavailable_reason("bwrap")
    if why:
        print(f"grading with the sandbox: not measured ({why})")
        return
    work = Path(tempfile.mkdtemp(prefix="casecurity-bench-grading-"))
    try:
        rows = []
        for path in _copies(work / "one"):
            print(f"grading {path.name} (without and with the sandbox) ...", file=sys.stderr, flush=True)
            rows.append((path.name, _seconds(path, "none"), _seconds(path, "bwrap")))
        print(f"\n{'graded notebook':<48} {'no sandbox':>10} {'sandbox':>8} {'ratio':>6}")
        for name, plain, boxed in rows:
            print(f"{name:<48} {plain:10.1f} {boxed:8.1f} {boxed / plain:6.2f}")
        plain, boxed = sum(r[1] for r in rows), sum(r[2] for r in rows)
        ratio = boxed / plain if plain else 0.0
        print(f"{'total':<48} {plain:10.1f} {boxed:8.1f} {ratio:6.2f}  (target <= {SANDBOX_RATIO})  "
              f"{'ok' if ratio <= SANDBOX_RATIO else 'OVER'}")
        if os.environ.get("CASECURITY_BENCH_CLASS") == "1":
            folder = work / "class"
            _copies(folder, CLASS_SIZE)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "casecurity.grade", str(folder), "--out", str(work / "grades.csv"),
                            "--jobs", "2"], check=False, stderr=subprocess.DEVNULL, timeout=3600)
            minutes, how = (time.perf_counter() - started) / 60, "measured"
        else:
            minutes, how = CLASS_SIZE * boxed / len(rows) / 2 / 60, "extrapolated: per-notebook time x 30 / 2 jobs"
        print(f"class of {CLASS_SIZE} notebooks, --jobs 2, sandbox: {minutes:.1f} min ({how}; "
              f"CASECURITY_BENCH_CLASS=1 measures it)  (target < {CLASS_MINUTES:.0f} min)  "
              f"{'ok' if minutes < CLASS_MINUTES else 'OVER'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
