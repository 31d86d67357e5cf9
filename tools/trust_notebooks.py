"""Trust the course's notebooks for this user, unless they are already trusted (`make lab`).

JupyterLab hides a saved map until its notebook is trusted, and trust is kept per user
(a signature database in the Jupyter data folder), not in the file. `jupyter trust` takes
about 3 s, so it runs only when the stamp ``.venv/.trusted`` does not match: the stamp is
a hash of every notebook's bytes and of where this user's signatures live. A changed
notebook, another user or a deleted signature database means trusting again.

    python tools/trust_notebooks.py [--stamp FILE] notebooks/*.ipynb solutions/*.ipynb
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir

from casecurity.files import write_text_atomically

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".venv" / ".trusted"


def stamp_key(notebooks: list[Path]) -> str:
    """What trust depends on: the notebooks' bytes and this user's signature database."""
    database = Path(jupyter_data_dir()) / "nbsignatures.db"
    digest = hashlib.sha256(f"{database} exists={database.is_file()}\n".encode())
    for notebook in sorted(notebooks):
        digest.update(f"{notebook}\n".encode())
        digest.update(notebook.read_bytes())
    return digest.hexdigest()


def main(args: list[str]) -> int:
    stamp = STAMP
    if args[:1] == ["--stamp"] and len(args) > 1:
        stamp, args = Path(args[1]), args[2:]
    notebooks = [Path(arg).resolve() for arg in args if Path(arg).is_file()]
    key = stamp_key(notebooks)
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == key:
        return 0
    jupyter = Path(sys.executable).with_name("jupyter")
    done = subprocess.run([str(jupyter), "trust", *map(str, notebooks)], capture_output=True, text=True)
    if done.returncode != 0:  # maps then wait for a run; the course still opens
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"Could not trust the course's notebooks ({reason}); saved maps appear once you run their cells.",
              file=sys.stderr)
        return 0
    write_text_atomically(stamp, stamp_key(notebooks) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
