"""Every lesson 01-06 has a graded analytic writing task (issue 23, item 5): an essay of at least 250
words under a rubric of criteria with points, which turns away the weak answers a teacher should never
have to mark (too short, padded with repeated words, the prompt copied back)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from casecurity.exercises import ReflectionQuestion, get_lesson

ROOT = Path(__file__).resolve().parent.parent


# lesson -> the analytic task's id (added for issue 23; lesson 06's is the policy memo)
ANALYTIC = {"01": "q10", "02": "q11", "03": "q10", "04": "q10", "05": "q11", "06": "q9"}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.delenv("CASECURITY_RESULTS", raising=False)
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))


@pytest.mark.parametrize(("number", "qid"), sorted(ANALYTIC.items()))
def test_lesson_has_an_analytic_writing_task_with_a_rubric(number, qid):
    question = get_lesson(number).questions[qid]
    assert isinstance(question, ReflectionQuestion)
    assert question.min_words >= 250, f"{number}.{qid}: an analytic task asks for at least 250 words"
    assert len(question.criteria) >= 4 and all(points >= 2 for _text, points in question.criteria)
    assert question.points == sum(points for _text, points in question.criteria)
    assert any(word in question.prompt.lower() for word in ("argue", "judge", "thesis", "explain", "verdict",
                                                           "judgement", "memo"))


@pytest.mark.parametrize(("number", "qid"), sorted(ANALYTIC.items()))
def test_weak_answers_need_more(number, qid):
    question = get_lesson(number).questions[qid]
    short = "The CSTO is weak because Russia decides everything and the others follow. " * 4
    assert question.check(short).status == "needs_more"
    padded = " ".join(["security alliance Russia"] * (question.min_words // 3 + 20))
    assert question.check(padded).status == "needs_more"
    copied = " ".join([question.prompt] * (question.min_words // max(len(question.prompt.split()), 1) + 1))
    assert question.check(copied).status == "needs_more"
    assert question.check(12).status == "incorrect"


@pytest.mark.parametrize(("number", "qid"), sorted(ANALYTIC.items()))
def test_the_exercise_set_shows_the_same_rubric(number, qid):
    """The markdown above the task in the exercise set lists every criterion of the module's rubric."""
    path = next((ROOT / "solutions").glob(f"{number}_*_solutions.ipynb"))
    cells = nbformat.read(path, as_version=4).cells
    at = next(i for i, c in enumerate(cells) if c.cell_type == "code" and f"ex.{qid}.check(" in c.source)
    text = " ".join(cells[at - 1].source.split())
    for criterion, _points in get_lesson(number).questions[qid].criteria:
        # lesson 06's criteria read "Name: description"; its exercise set shows them as a table row
        head = " ".join(criterion.split(": ", 1)[-1].split()[:6])
        assert head.replace("'", '"') in text.replace("'", '"') or head in text, (number, qid, head)
