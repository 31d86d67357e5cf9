"""check() in a real kernel (nbclient): the verdict shows even when other output follows, once."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient


def _run(tmp_path, monkeypatch, *sources):
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return notebook.cells


def _texts(cell) -> list[str]:
    texts = []
    for output in cell.outputs:
        if output.get("output_type") in ("display_data", "execute_result"):
            texts.append(output["data"].get("text/plain", ""))
        elif output.get("output_type") == "stream":
            texts.append(output["text"])
        elif output.get("output_type") == "error":
            texts.append(f"{output['ename']}: {output['evalue']}")
    return texts


@pytest.mark.slow
def test_verdict_and_hint_both_show_and_the_verdict_shows_once(tmp_path, monkeypatch):
    cells = _run(tmp_path, monkeypatch,
                 "from casecurity.exercises import lesson02 as ex, ____",
                 "ex.q1.check(['kaz']); ex.q1.hint()",  # README's pattern: the hint must not hide the verdict
                 "ex.q1.check(['KAZ'])",  # the cell's value is the verdict: shown once, not twice
                 "answer = ['KAZ', ____]\nex.q1.check(answer)")
    both = _texts(cells[1])
    assert len(both) == 2 and both[0].startswith("✗ Incorrect (lesson02.q1)") and both[1].startswith("💡 Hint")
    assert "1 of 3 right, 2 missing" in both[0]  # lower-case ISO3 codes are read as codes
    once = _texts(cells[2])
    assert len(once) == 1 and once[0].startswith("✗ Incorrect"), once
    blank = _texts(cells[3])
    assert len(blank) == 1 and "fill in the blanks (____)" in blank[0], blank


@pytest.mark.slow
def test_quiz_answer_is_saved_in_the_notebook_and_found_by_the_grader(tmp_path, monkeypatch):
    from casecurity import grade

    cells = _run(tmp_path, monkeypatch,
                 "from casecurity.exercises import lesson02 as ex",
                 "box = ex.q2.quiz()\nbox",
                 # what pressing the buttons does (a browser is not needed to send the click)
                 "box.children[1].value = 'a'\nbox.children[2].click()")
    saved = [o for o in cells[1].outputs if "application/vnd.casecurity.answer+json" in o.get("data", {})]
    assert len(saved) == 1, cells[1].outputs
    assert saved[0]["data"]["application/vnd.casecurity.answer+json"]["answer"] == "a"
    notebook = {"cells": [dict(cell) for cell in cells]}
    assert grade._quiz_answers(notebook, "02")["q2"]["answer"] == "a"
    progress = (tmp_path / "progress.json").read_text(encoding="utf-8")
    assert '"q2"' in progress  # recorded in the learner's progress too, like check()


WRITTEN = (
    "On paper the CSTO's Article 4 looks like a defence promise: an attack on one member is treated as an "
    "attack on all, yet help follows only after the Collective Security Council decides. Practice tells a "
    "more cautious story. When Kyrgyzstan asked for troops during the Osh violence of 2010, members held "
    "\"consultations\" and sent nobody, calling it an internal matter.\n\n"
    "Armenia's request in 2022, after Azerbaijani shelling, produced a monitoring mission rather than "
    "soldiers, which Yerevan read as abandonment. Kazakhstan in January 2022 is the exception: the first "
    "deployment ever, about two thousand troops, mostly Russian, who left within weeks. That case was "
    "domestic unrest, not an outside attack, so it hardly tests the clause. My verdict: the treaty text "
    "describes collective defence, but the record shows a regime-security club that acts when Moscow wants."
)


@pytest.mark.slow
def test_a_reflection_written_in_the_box_is_saved_in_the_notebook_and_graded(tmp_path, monkeypatch):
    """No Python: apostrophes, quotes and line breaks go in as typed, a word count shows, the grader reads it."""
    import json

    from casecurity import grade

    cells = _run(tmp_path, monkeypatch,
                 "from casecurity.exercises import lesson02 as ex",
                 "box = ex.q10.check()\nbox",
                 f"box.children[1].value = {WRITTEN!r}",  # what typing in the box does
                 "print(box.children[2].value)\nbox.children[3].click()\nprint(box.children[4].value)")
    saved = [o for o in cells[1].outputs if "application/vnd.casecurity.answer+json" in o.get("data", {})]
    assert len(saved) == 1, cells[1].outputs
    assert saved[0]["data"]["application/vnd.casecurity.answer+json"]["answer"] == WRITTEN
    words = len(WRITTEN.split())
    shown = "".join(_texts(cells[3]))
    assert f"{words} words (the question asks for at least 120" in shown or f"{words} words (the question asks for 120" in shown
    assert "Submitted" in shown or "submitted" in shown, shown
    assert "SyntaxError" not in "".join(_texts(cell)[0] if _texts(cell) else "" for cell in cells)
    # the grader reads the saved text from the notebook, paragraphs and quotes intact
    submission = tmp_path / "02_alliances_exercises.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[cells[0], cells[1]])
    nbformat.write(notebook, submission)
    found = grade._quiz_answers(json.loads(submission.read_text()), "02")
    assert found["q10"]["answer"] == WRITTEN
    rows = {row["question"]: row for row in grade.grade_notebook(submission, lesson="02")}
    assert rows["q10"]["status"] == "submitted", rows["q10"]
    assert "Armenia's request in 2022" in rows["q10"]["answer"]  # the text the grader graded


@pytest.mark.slow
def test_a_reflection_written_as_a_string_is_still_graded(tmp_path, monkeypatch):
    from casecurity import grade

    cells = _run(tmp_path, monkeypatch,
                 "from casecurity.exercises import lesson02 as ex",
                 f"answer = {WRITTEN!r}\nex.q10.check(answer)")
    submission = tmp_path / "02_alliances_exercises.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), submission)
    rows = {row["question"]: row for row in grade.grade_notebook(submission, lesson="02")}
    assert rows["q10"]["status"] == "submitted", rows["q10"]
