"""Re-execute notebooks and save their outputs in place (`make outputs`).

Outputs are made exactly as strict nbval will re-make them: a fresh kernel started in the
notebook's folder, online map mode, a throwaway progress file. Random ids and memory
addresses are then renamed deterministically (tools/stable_outputs.py), so executing a
notebook twice with the same data writes the same bytes. Each notebook is written
atomically, and only after it executed without error, so a failure never leaves a
half-written lesson behind.

    python tools/execute_notebooks.py notebooks solutions        # folders or .ipynb files
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from casecurity.files import write_text_atomically

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stable_outputs import stabilise  # noqa: E402  (a sibling script, not a package)

ROOT = Path(__file__).resolve().parent.parent


def notebooks_in(args: list[str]) -> list[Path]:
    found = []
    for arg in args or ["notebooks", "solutions"]:
        path = (ROOT / arg) if not Path(arg).is_absolute() else Path(arg)
        if path.is_dir():
            found.extend(sorted(path.glob("*.ipynb")))
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            sys.exit(f"error: {arg} is neither a folder nor a notebook")
    return found


def execute(path: Path) -> float:
    """Execute ``path`` in a fresh kernel and save it byte-stably; return the seconds it took.

    Each execution gets its own empty progress file, so what a notebook shows of the learner's
    progress (attempts, ever right) is the same on every run.
    """
    nb = nbformat.read(path, as_version=4)
    previous = os.environ.get("CASECURITY_PROGRESS")
    with tempfile.TemporaryDirectory(prefix="casecurity-outputs-") as scratch:
        os.environ["CASECURITY_PROGRESS"] = os.path.join(scratch, "progress.json")
        try:
            started = time.perf_counter()
            # IPC (Unix sockets in the scratch folder), as tools/build_site.py: over TCP ipykernel
            # prints "Kernel is running over TCP without encryption" once per notebook
            manager = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(scratch, "kernel"))
            try:
                NotebookClient(nb, km=manager, timeout=300, kernel_name="python3", record_timing=False,
                               resources={"metadata": {"path": str(path.parent)}}).execute()
            finally:  # a kernel manager passed in is not shut down by nbclient
                if manager.has_kernel:
                    manager.shutdown_kernel()
            elapsed = time.perf_counter() - started
        finally:
            if previous is None:
                os.environ.pop("CASECURITY_PROGRESS", None)
            else:
                os.environ["CASECURITY_PROGRESS"] = previous
    # Same code and data -> same bytes, so a re-execution shows only real changes in git.
    stable = nbformat.from_dict(stabilise(nb, seed=path.name))
    write_text_atomically(path, nbformat.writes(stable) + "\n")
    return elapsed


def main() -> None:
    os.environ.pop("CASECURITY_OFFLINE", None)  # saved outputs use online mode (see README)
    os.environ.pop("CASECURITY_RESULTS", None)
    paths = notebooks_in(sys.argv[1:])
    failed = []
    for number, path in enumerate(paths, 1):
        label = path.relative_to(ROOT)
        print(f"[{number}/{len(paths)}] {label} ...", end=" ", flush=True)
        try:
            print(f"{execute(path):.1f} s")
        except CellExecutionError as error:
            print("FAILED")
            failed.append(f"{label}: {str(error).strip().splitlines()[-1]}")
    if failed:
        print("\nNot saved (fix and re-run):\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
