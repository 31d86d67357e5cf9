"""What the lessons' Markdown says renders as meant and reads well for a newcomer.

- No unescaped pair of dollar signs: JupyterLab typesets the text between two ``$`` as TeX,
  so "$7.5 bn ... $1.1 bn" turns into garbled maths. Write ``\\$``.
- Each acronym of the glossary is spelled out at its first use in each lesson, next to it
  ("Shanghai Cooperation Organization (SCO)" or "the SCO (Shanghai Cooperation
  Organization)"). Organisation names come from data/organizations.csv.
- Lesson 00's tour of the dataset names every table of ``casecurity.data.TABLES``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from casecurity import data

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb"), *ROOT.glob("exercises/*.ipynb")]
)
LESSONS = sorted(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def markdown_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]


def without_code(text: str) -> str:
    return CODE_SPAN.sub("", FENCE.sub("", text))


def dollar_pairs(text: str) -> list[str]:
    """Snippets between two unescaped dollar signs (outside code), which JupyterLab reads as TeX."""
    text = without_code(text)
    positions = [m.start() for m in UNESCAPED_DOLLAR.finditer(text)]
    return [text[a : b + 1] for a, b in zip(positions[::2], positions[1::2], strict=False)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_unescaped_dollar_pair_in_markdown(path):
    found = [
        f"cell {cell.get('id')}: {pair!r}"
        for cell in markdown_cells(path)
        for pair in dollar_pairs(cell.source)
    ]
    assert found == [], "escape dollar signs as \\$ in Markdown"


def test_dollar_pairs_are_found_and_escaped_or_coded_ones_are_not():
    assert dollar_pairs("a budget of $7.5 bn and $1.1 bn") == ["$7.5 bn and $"]
    assert dollar_pairs(r"a budget of \$7.5 bn and \$1.1 bn") == []
    assert dollar_pairs("one $5 note") == []  # a single sign is not typeset
    assert dollar_pairs("code `x = '$a$'` and\n```\n$y$\n```\n") == []


def glossary() -> dict[str, str]:
    """Acronym -> expansion: organisations from the data, the rest spelled out here."""
    names = data.load("organizations").set_index("id")["name"]
    terms = {
        key: names[key] for key in ["CSTO", "SCO", "CIS", "OTS", "EAEU", "CICA", "CAHS"] if key in names.index
    }
    terms["PfP"] = names["PFP"].removeprefix("NATO ").strip()
    terms.update(
        {
            "CST": "Collective Security Treaty",
            "RATS": "Regional Anti-Terrorist Structure",
            "CRRF": "Collective Rapid Reaction Force",
            "NWFZ": "nuclear-weapon-free zone",
            "GCI": "Global Cybersecurity Index",
            "ITU": "International Telecommunication Union",
            "NATO": "North Atlantic Treaty Organization",
            "OSCE": "Organization for Security and Co-operation in Europe",
        }
    )
    return terms


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("organisation", "organization"))


def lesson_prose(cells: list[str]) -> str:
    """The running text a learner reads: no code, no headings, no link targets or link
    texts (lesson titles), no list of sources."""
    parts = []
    for source in cells:
        text = without_code(source)
        text = re.split(r"^#+ Sources\s*$", text, flags=re.MULTILINE)[0]
        text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
        text = re.sub(r"\[[^\]]*\]", "", text)  # link texts and citation numbers
        text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))
        parts.append(text)
    return "\n\n".join(parts)


def unexplained_acronyms(prose: str, terms: dict[str, str]) -> list[str]:
    """Acronyms whose first use in ``prose`` has no expansion right next to it."""
    problems = []
    for acronym, expansion in terms.items():
        first = re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", prose)
        if first is None:
            continue
        reach = len(expansion) + 20
        window = prose[max(0, first.start() - reach) : first.end() + reach]
        if _normalise(expansion) not in _normalise(window):
            problems.append(f"{acronym}: {prose[max(0, first.start() - 40) : first.end() + 40]!r}")
    return problems


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_acronyms_are_spelled_out_at_first_use(lesson):
    prose = lesson_prose([cell.source for cell in markdown_cells(lesson)])
    assert unexplained_acronyms(prose, glossary()) == []


def test_an_acronym_used_before_its_expansion_is_caught():
    terms = {"SCO": "Shanghai Cooperation Organization"}
    assert unexplained_acronyms(
        "The SCO met. " + "x" * 80 + " The Shanghai Cooperation Organisation (SCO).", terms
    )
    assert not unexplained_acronyms("The Shanghai Cooperation Organisation (SCO) met. The SCO ...", terms)
    assert not unexplained_acronyms("The SCO (Shanghai Cooperation Organization) met.", terms)
    # a heading or a link text does not count as a first use, and neither does code
    prose = lesson_prose(["# The SCO\n\nSee [the SCO lesson](02.ipynb) and `SCO`.\n\nThe SCO met."])
    problems = unexplained_acronyms(prose, terms)
    assert len(problems) == 1 and problems[0].endswith("The SCO met.'")


def test_glossary_names_come_from_the_data():
    terms = glossary()
    assert terms["CSTO"] == "Collective Security Treaty Organization"
    assert terms["PfP"] == "Partnership for Peace"


def test_lesson_00_tour_names_every_table():
    cells = [cell.source for cell in markdown_cells(ROOT / "notebooks" / "00_start_here.ipynb")]
    tour = next(text for text in cells if text.startswith("In words:"))
    named = set(re.findall(r"\*\*([a-z_]+)\*\*", tour))
    assert set(data.TABLES) - named == set(), "lesson 00's tour of the dataset misses a table"
