# The course's commands. `make lab` and `make test` set everything up on a fresh machine
# (only Python 3.11, make and the package index needed) and are cheap to re-run.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
# JupyterLab refuses to start as root unless told; containers and CI machines often run as root
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PYTEST_ARGS ?=
LATEST_ARGS ?=
LOCK_ARGS ?=
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# pytest keeps the test modules it rewrites (for its assert messages) in tests/__pycache__
# (git-ignored) only where bytecode may be written: with PYTHONDONTWRITEBYTECODE set, every
# worker rewrote all of them on every run (collection 8.6 -> 4.4 CPU-seconds without it).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest
export PYTHON

.PHONY: help setup lab test check test-lesson diff hooks lint nbval unit bench site exercises outputs lock test-latest clean

# `make test-lesson 03` (or `make test-lesson N=03`): the lesson number is the second goal.
ifeq (test-lesson,$(firstword $(MAKECMDGOALS)))
  N ?= $(word 2,$(MAKECMDGOALS))
  $(eval $(word 2,$(MAKECMDGOALS)):;@:)
endif

help:
	@echo "make lab        set up (first time) and open the course in JupyterLab"
	@echo "make test       set up (first time) and run every test (lint, unit, browser, notebooks)"
	@echo "make check      the fast inner loop: lint and unit tests (no browser, no notebook runs)"
	@echo "make test-lesson 03  everything about one lesson: its questions, notebooks and exercise set"
	@echo "make diff       notebook-aware diff of your changes (nbdime), outputs included"
	@echo "make hooks      install the pre-commit hooks (ruff and the fast checks before each commit)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make outputs    re-execute notebooks/ and solutions/ and save their outputs"
	@echo "make bench      time and size every notebook, the website's pages, and a fresh set-up"
	@echo "make site       build the course website into build/site/"
	@echo "make lock       re-resolve requirements*.txt into requirements.lock (pins and hashes)"
	@echo "make test-latest  unit tests and every notebook with the newest releases (needs network)"

# setup_env.py installs requirements.lock (hash-checked) with uv, or pip if uv cannot be had;
# it compares a hash of the lock with the last install, so re-runs are instant.
setup:
	@python3 tools/setup_env.py

# Served from the repository root (as on Binder and a JupyterHub), so the file browser and the
# lessons' links reach exercises/, solutions/ and data/. casecurity.install puts the course's
# JupyterLab settings (no news pop-up) and kernel extension (plain-language errors) into .venv.
# The printed URL (and the page a browser opens) is lesson 00 itself, with the token.
# Both set-up steps are skipped when their stamps say nothing changed, so a re-run is quick.
LAB_START ?= /lab/tree/notebooks/00_start_here.ipynb
lab: setup
	@$(BIN)/python -m casecurity.install --quiet
	@$(BIN)/python tools/trust_notebooks.py notebooks/*.ipynb solutions/*.ipynb
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=$(LAB_START) $(AS_ROOT) $(LAB_ARGS)

lint: setup
	$(BIN)/ruff check casecurity tests tools notebooks solutions exercises

# Strict nbval over lessons and solutions, and the unit and browser tests, on both cores.
# --dist loadfile keeps each notebook's cells on one worker (they share one kernel);
# --no-loadscope-reorder hands files out in collection order, longest first (tests/conftest.py).
test: setup lint
	$(PYTEST) -n 2 --dist loadfile --no-loadscope-reorder $(NBVAL) tests notebooks solutions $(PYTEST_ARGS)

# The inner loop: no browser, no notebook execution, no kernel (tests marked slow/browser).
check: setup lint
	CASECURITY_QUICK=1 $(PYTEST) -n 2 -q -m "not slow and not browser" tests $(PYTEST_ARGS)

test-lesson: setup
	@[ -n "$(N)" ] || { echo "usage: make test-lesson 03   (a lesson number, 00-06)"; exit 2; }
	@ls notebooks/$(N)_*.ipynb >/dev/null 2>&1 || { echo "no lesson $(N) in notebooks/ (try 00-06)"; exit 2; }
	$(PYTEST) -n 2 --dist loadfile $(NBVAL) tests/test_lesson$(N).py \
		notebooks/$(N)_*.ipynb solutions/$(N)_*.ipynb $(PYTEST_ARGS)
	$(PYTEST) -n 2 tests/test_exercise_sets_end_to_end.py tests/test_templates.py \
		-k "$(N)_ or $(N)-q" $(PYTEST_ARGS)

# Notebook-aware diff (nbdime) of the working tree against HEAD, or between revisions:
# `make diff REV="main HEAD"`.
REV ?=
diff: setup
	@$(BIN)/python tools/notebook_diff.py $(REV)

# pre-commit with local hooks only (no download), and nbdime as git's notebook diff driver.
hooks: setup
	$(BIN)/pre-commit install
	$(BIN)/nbdime config-git --enable

unit: setup
	$(PYTEST) -n 2 --dist loadfile tests $(PYTEST_ARGS)

nbval: setup
	$(PYTEST) -n 2 --dist loadfile $(NBVAL) notebooks solutions $(PYTEST_ARGS)

exercises: setup
	$(BIN)/python tools/make_exercises.py

outputs: setup
	$(BIN)/python tools/execute_notebooks.py notebooks solutions
	$(BIN)/python tools/make_exercises.py
	@touch exercises  # records that exercises/ was checked against the new solutions

bench: setup
	$(BIN)/python tools/bench.py

# The course as a static website in build/site/ (lesson copies executed offline; see README)
site: setup
	$(BIN)/python tools/build_site.py

# After changing requirements*.txt. Keeps the locked versions that still fit;
# `make lock LOCK_ARGS=--upgrade` (or --upgrade-package NAME) moves them.
lock:
	@python3 tools/setup_env.py lock $(LOCK_ARGS)

# Early warning, not part of `make test` (needs the network; the answer changes from day to day):
# the newest releases allowed by the requirements' names, in a throwaway venv under build/.
test-latest: setup
	$(BIN)/python tools/test_latest.py $(LATEST_ARGS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts build/latest
