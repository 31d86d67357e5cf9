"""Strict nbval really compares saved outputs: a fresh notebook passes, a corrupted copy fails.

The notebook contains a folium map, so passing twice also shows that the sanitize file
removes folium's random element ids and memory addresses, and nothing more.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # executes a notebook and runs nbval on it: not for `make check`

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"

CELLS = [
    "import folium\nimport pandas as pd",
    "pd.DataFrame({'state': ['Kazakhstan', 'Kyrgyzstan'], 'iso3': ['KAZ', 'KGZ']})",
    "m = folium.Map(location=[42, 68], zoom_start=4, tiles=None)\n"
    "folium.Marker([51.17, 71.45], popup='Astana').add_to(m)\nm",
    "print(2 + 2)",
]


def run_nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE), str(path)],
        cwd=path.parent, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nbval")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    path = folder / "fresh.ipynb"
    nbformat.write(nb, path)
    return path


def test_fresh_outputs_pass_strict_nbval(executed_notebook):
    result = run_nbval(executed_notebook)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "4 passed" in result.stdout


@pytest.mark.parametrize("cell, corrupt", [
    (1, lambda out: out["data"].__setitem__("text/plain", out["data"]["text/plain"].replace("KGZ", "TJK"))),
    (3, lambda out: out.__setitem__("text", "5\n")),
])
def test_stale_output_fails_strict_nbval(executed_notebook, tmp_path, cell, corrupt):
    nb = nbformat.read(executed_notebook, as_version=4)
    corrupt(nb.cells[cell].outputs[0])
    broken = tmp_path / "stale.ipynb"
    nbformat.write(nb, broken)
    result = run_nbval(broken)
    assert result.returncode != 0
    assert "1 failed" in result.stdout, result.stdout[-2000:]
