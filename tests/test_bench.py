"""tools/bench.py's machine measure: the busy CPU-seconds it reports beside the suite's time count
the work of the processes the suite starts, not only its own."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import bench  # noqa: E402

BURN = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end:\n    pass\n"


def test_busy_cpu_seconds_count_what_a_child_process_burns():
    before = bench.busy_cpu_seconds()
    if before is None:
        pytest.skip("no /proc/stat on this system")
    subprocess.run([sys.executable, "-c", BURN], check=True)
    assert bench.busy_cpu_seconds() - before >= 0.45
