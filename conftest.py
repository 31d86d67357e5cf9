"""Settings shared by the unit tests and the strict nbval run over notebooks/ and solutions/."""

import os
import tempfile

# Notebook kernels inherit this process's environment: keep a learner's real progress file
# out of the tests, and render maps in the mode the saved outputs were made in (online).
os.environ.setdefault("CASECURITY_PROGRESS", os.path.join(tempfile.mkdtemp(prefix="casecurity-progress-"), "progress.json"))
os.environ.pop("CASECURITY_OFFLINE", None)
os.environ.pop("CASECURITY_RESULTS", None)

# Notebooks under tests/ are fixtures (some deliberately broken), not lessons to validate.
collect_ignore_glob = ["tests/*.ipynb", "tests/**/*.ipynb"]
