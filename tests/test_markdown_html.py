"""No words swallowed as HTML: `<date>` in Markdown prose is an unknown HTML tag to JupyterLab and
to the website, which show nothing where it stood ("as of <date>" became "as of ")."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
#: HTML the course writes on purpose in Markdown
INTENDED = {"a", "abbr", "b", "br", "code", "details", "div", "em", "i", "img", "kbd", "mark", "p", "pre",
            "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr",
            "u", "ul", "ol", "li", "hr", "h1", "h2", "h3", "h4", "figure", "figcaption", "section", "blockquote"}
TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w-]*)")
PARSER = MarkdownIt("commonmark")


def swallowed(markdown: str) -> list[str]:
    """Tags in ``markdown`` that a renderer would take for HTML and hide (code spans and blocks,
    where ``<date>`` shows as written, are not looked at)."""
    found = []
    for token in PARSER.parse(markdown):
        children = token.children or []
        for part in [token, *children]:
            if part.type in ("html_inline", "html_block"):
                found += [f"<{name}>" for name in TAG.findall(part.content) if name.lower() not in INTENDED]
    return found


def markdown_sources() -> list[tuple[str, str]]:
    sources = [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8"))
               for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "data").rglob("*.md"))]]
    for folder in ("notebooks", "exercises", "solutions"):
        for path in sorted((REPO / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            sources += [(f"{path.relative_to(REPO)} cell {cell.get('id', i)}", cell.source)
                        for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"]
    return sources


def test_the_finder_sees_a_swallowed_word_but_not_code_or_intended_html():
    assert swallowed('Lessons say "as of <date>" wherever a claim can go stale.') == ["<date>"]
    assert swallowed("Run `make lab` at `<repo>/data`, or type <kbd>Tab</kbd>.") == []
    assert swallowed("```\nfrom <module> import x\n```\n") == []
    assert swallowed("A line<br>break and an escaped \\<word\\>.") == []
    assert swallowed("<details><summary>More</summary>\n\n<name>_precision\n</details>") == ["<name>"]


@pytest.mark.parametrize("where,text", markdown_sources(), ids=lambda value: value if len(value) < 60 else "")
def test_no_word_is_swallowed_as_html(where, text):
    assert swallowed(text) == [], f"{where}: write these as `<word>` in a code span or escape them as \\<word\\>"
