"""Every relative link in every notebook and Markdown file leads to a file that exists.

JupyterLab opens a relative link from a Markdown cell against the notebook's folder; a
dead one fails silently (a 404 in the server log), so it is caught here instead. Links to
the web, mail addresses and pure anchors (``#section``) are not followed; an anchor after
a file name is ignored (the file must exist). Links inside code spans and code blocks are
not links and are skipped.

Also here: every lesson ends ("What's next") with a link to its exercise set, and every
exercise set links back to its lesson and says at the top to run the first cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", ".git", "build", "test-artifacts", "node_modules", "_build", "casecurity.egg-info"}
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# [text](target "title") and ![alt](target); the target may be wrapped in <...>
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
HTML = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # http:, mailto:, data:, //host


def course_documents() -> list[Path]:
    """Every .md and .ipynb file of the course (outside the environment and build folders)."""
    found = []
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        hidden = any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts)
        if hidden or relative.parts[:2] == ("tests", "fixtures"):  # fixtures are broken on purpose
            continue
        if relative.parts[0] == "site":  # laid out for the built site; tests/browser/test_site.py checks its links
            continue
        if path.suffix in {".md", ".ipynb"} and path.is_file():
            found.append(path)
    return found


def markdown_texts(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def relative_links(markdown: str) -> list[str]:
    """The link targets of a Markdown text that point into the repository."""
    text = CODE_SPAN.sub("", FENCE.sub("", markdown))
    targets = [m.group(1).strip("<>") for m in INLINE.finditer(text)]
    targets += REFERENCE.findall(text) + HTML.findall(text)
    return [t for t in targets if t and not t.startswith("#") and not EXTERNAL.match(t)]


def dead_links(path: Path, root: Path = ROOT) -> list[str]:
    dead = []
    for markdown in markdown_texts(path):
        for target in relative_links(markdown):
            file_part = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if file_part.startswith("/"):
                resolved = root / file_part.lstrip("/")
            else:
                resolved = (path.parent / file_part).resolve()
            if not resolved.exists():
                dead.append(f"{path.relative_to(root)}: {target}")
    return dead


DOCUMENTS = course_documents()


def test_the_course_has_documents_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in DOCUMENTS}
    assert {"README.md", "data/README.md", "notebooks/00_start_here.ipynb"} <= names
    assert any(n.startswith("exercises/") for n in names) and any(n.startswith("solutions/") for n in names)
    assert any(n.startswith("docs/") for n in names)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(path):
    assert dead_links(path) == []


def test_a_dead_link_fails(tmp_path):
    """The test of the test: a course tree with one dead link among good ones."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "README.md").write_text("")
    (tmp_path / "exercises" / "02_alliances_exercises.ipynb").write_text("{}")
    text = (
        "Old name: [the set](../exercises/02_alliances.ipynb). New: [set](../exercises/02_alliances_exercises.ipynb),"
        " [readme](../README.md#top), [web](https://example.org), [anchor](#top) and `[code](nowhere.md)`."
    )
    notebook = tmp_path / "notebooks" / "02_alliances.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]), notebook)
    assert dead_links(notebook, root=tmp_path) == [
        "notebooks/02_alliances.ipynb: ../exercises/02_alliances.ipynb"
    ]
    page = tmp_path / "notebooks" / "notes.md"
    page.write_text("[fine](../README.md)\n\n```\n[in a code block](gone.md)\n```\n")
    assert dead_links(page, root=tmp_path) == []
    page.write_text("[gone](missing.md)")
    assert dead_links(page, root=tmp_path) == ["notebooks/notes.md: missing.md"]


def test_links_in_html_and_references_are_followed():
    text = '<a href="../data/README.md">data</a> <img src="img/x.png">\n[1]: ../LICENSE\n[web](https://example.org)'
    assert relative_links(text) == ["../LICENSE", "../data/README.md", "img/x.png"]


LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_ends_with_a_link_to_its_exercise_set(lesson):
    exercise = f"../exercises/{lesson.stem}_exercises.ipynb"
    assert (lesson.parent / exercise).resolve().is_file()
    cells = markdown_texts(lesson)
    # the end of the lesson: everything from "What's next" on (Sources may follow)
    start = max(i for i, text in enumerate(cells) if "what's next" in text.lower())
    ending = "\n".join(cells[start:]).lower().split("what's next", 1)[1]
    assert exercise in relative_links(ending), f"{lesson.name}: no link to {exercise} after 'What's next'"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_each_exercise_set_links_back_and_says_to_run_the_first_cell(lesson):
    for folder, suffix in (("exercises", "_exercises"), ("solutions", "_solutions")):
        notebook = ROOT / folder / f"{lesson.stem}{suffix}.ipynb"
        first = markdown_texts(notebook)[0]
        assert f"../notebooks/{lesson.name}" in relative_links(first), notebook.name
        assert "run the code cell below (the imports)" in first.split("\n\n")[1].lower(), notebook.name
