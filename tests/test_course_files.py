"""The course's files keep their promises: every lesson follows the template, every exercise set
is complete and single-sourced, and the README's lesson map matches what is really there."""

import re
from pathlib import Path

import nbformat
import pytest

from casecurity.exercises import (
    ChoiceQuestion,
    CountrySetQuestion,
    FunctionQuestion,
    MapQuestion,
    ReflectionQuestion,
    TableQuestion,
    ValueQuestion,
    find_solution,
    get_lesson,
)

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
TEMPLATE = ["Overview", "Prerequisites", "Debate", "Readings", "Check your understanding", "Summary", "What's next", "Sources"]
DATA_TYPES = (ValueQuestion, CountrySetQuestion, TableQuestion, FunctionQuestion)


def headings(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [line.strip() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("#")]


def section(path: Path, title: str) -> str:
    """The markdown text under the level-2 heading ``title`` up to the next level-2 heading."""
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    return match.group(1) if match else ""


def test_there_are_seven_lessons():
    assert [p.name[:2] for p in LESSONS] == ["00", "01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_follows_the_template(path):
    found = headings(path)
    assert found[0].startswith(f"# {path.name[:2]} — "), "a lesson starts with '# NN — Title'"
    level2 = [h[3:].strip() for h in found if h.startswith("## ")]
    missing = [t for t in TEMPLATE if t not in level2]
    assert not missing, f"{path.name} lacks template sections {missing}"
    order = [level2.index(t) for t in TEMPLATE]
    assert order == sorted(order), f"{path.name}: template sections out of order"
    objectives = re.findall(r"^\s*[-*] ", section(path, "Overview"), flags=re.M)
    assert 3 <= len(objectives) <= 8, f"{path.name}: overview should list 3-5 objectives, found {len(objectives)}"
    assert re.search(r"time to learn", section(path, "Prerequisites"), flags=re.I)


def readings_problems(text: str) -> list[str]:
    """What is wrong with a Readings section: 2-4 entries, each with authors, a year in brackets,
    an italic title or venue and a publisher or journal volume."""
    entries = re.findall(r"^- (.+)$", text, flags=re.M)
    problems = [] if 2 <= len(entries) <= 4 else [f"{len(entries)} readings (want 2-4)"]
    for entry in entries:
        if not re.match(r"[A-Z][\w' -]+, [A-Z].*\((19|20)\d\d\)\. ", entry):
            problems.append(f"no 'Author, First (year).' start: {entry[:60]}")
        if "*" not in entry:
            problems.append(f"no italic title or venue: {entry[:60]}")
        if not re.search(r"Press|Routledge|Hurst|Chatham House|\d+ \(\d+\)", entry):
            problems.append(f"no publisher or volume (issue): {entry[:60]}")
    return problems


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_a_debate_and_verified_readings(path):
    debate = section(path, "Debate")
    assert len(debate.split()) >= 120, f"{path.name}: the Debate section is too short to set out positions"
    if path.name[:2] != "00":
        positions = re.findall(r"^- \*\*", debate, flags=re.M)
        assert 2 <= len(positions) <= 3, f"{path.name}: a Debate sets out two or three positions"
        assert "Evidence" in debate, f"{path.name}: each position needs the evidence from the data"
    assert readings_problems(section(path, "Readings")) == []


def test_readings_checker_catches_a_bad_entry():
    good = "- Cooley, Alexander (2012). *Great Games, Local Rules*. New York: Oxford University Press.\n" * 2
    assert readings_problems(good) == []
    assert readings_problems("- Cooley, Great Games, OUP\n- Someone (2012). A title.\n")
    assert readings_problems(good * 3), "six readings are too many"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_cites_numbered_sources(path):
    sources = section(path, "Sources")
    numbered = re.findall(r"^\s*\d+\.\s.*https?://", sources, flags=re.M)
    assert len(numbered) >= 3, f"{path.name}: the Sources section needs a numbered list with links"
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"))}
    listed = len(re.findall(r"^\s*\d+\.\s", sources, flags=re.M))
    assert all(1 <= n <= listed for n in cited), f"{path.name}: a [n] citation points past the source list"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_set_is_complete_and_single_sourced(path):
    number = path.name[:2]
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("casecurity", {}).get("lesson") == number
    exercise = path.name.replace("_solutions.ipynb", "_exercises.ipynb")
    assert (ROOT / "exercises" / exercise).exists(), f"run `make exercises`: exercises/{exercise} is missing"
    lesson = get_lesson(number)
    assert lesson is not None, f"casecurity/exercises/lesson{number}.py is missing"
    questions = lesson.questions
    if number != "00":  # lesson 00 has a practice set only
        graded = [q for q in questions.values() if not isinstance(q, ReflectionQuestion)]
        assert len(graded) >= 6, f"lesson {number} needs at least 6 graded questions"
        assert sum(isinstance(q, DATA_TYPES) for q in questions.values()) >= 3
        for kind in (MapQuestion, ChoiceQuestion, ReflectionQuestion):
            assert any(isinstance(q, kind) for q in questions.values()), f"lesson {number} lacks a {kind.__name__}"
    as_json = nbformat.writes(nb)
    import json
    raw = json.loads(as_json)
    for name, question in questions.items():
        assert question.hints, f"{number}.{name} has no hint"
        assert f"ex.{name}.check(" in as_json or f"ex.{name}.quiz(" in as_json, f"{number}.{name} is never checked"
        if not isinstance(question, ChoiceQuestion):
            assert find_solution(raw, name), f"{number}.{name} has no solution block in {path.name}"


def test_readme_lesson_map_matches_the_lessons():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| \[[^\]]+\]\((notebooks/[^)]+)\) \|[^|]+\|[^|]+\| (\d+)", readme, flags=re.M)
    assert [r[0] for r in rows] == [p.name[:2] for p in LESSONS], "README lesson map lists other lessons"
    for number, link, count in rows:
        assert (ROOT / link).exists(), f"README links a missing notebook {link}"
        lesson = get_lesson(number)
        assert lesson is not None and int(count) == len(lesson.questions), (
            f"README says lesson {number} has {count} questions; lesson{number}.py has "
            f"{len(lesson.questions) if lesson else 0}")


def test_teaching_guide_table_matches_the_lessons():
    guide = (ROOT / "docs" / "teaching.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| [^|]*\(`(\d\d_[a-z_]+)`\) \|.*\| (\d+)(?: \([^)]*\))? \|\s*$", guide, flags=re.M)
    assert [r[0] for r in rows] == [p.name[:2] for p in LESSONS], "teaching.md's table lists other lessons"
    for number, stem, count in rows:
        assert (ROOT / "notebooks" / f"{stem}.ipynb").exists(), f"teaching.md names a missing lesson {stem}"
        assert int(count) == len(get_lesson(number).questions), f"teaching.md: wrong question count for {number}"
