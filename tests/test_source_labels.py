"""Every Sources entry from a state-owned or state-funded outlet carries the same label for all
outlets of its kind (issue 23): Russian, Chinese, Central Asian and other state media, and
US-government-funded broadcasters alike."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from casecurity import outlets

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def sources_entries(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    entries = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "## Sources" in cell.source:
            tail = cell.source.split("## Sources", 1)[1]
            entries += [line for line in tail.splitlines() if re.match(r"\s*\d+\. ", line)]
    return entries


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_state_outlet_entry_is_labelled(path):
    unlabelled = [f"{outlets.missing_labels(e)}: {e[:90]}" for e in sources_entries(path) if outlets.missing_labels(e)]
    assert unlabelled == [], f"{path.name}: label these Sources entries:\n" + "\n".join(unlabelled)


def test_the_course_cites_outlets_of_every_kind_it_labels():
    """The check is not vacuous: the lessons do cite Russian, Chinese and US-funded outlets."""
    found = {label for path in LESSONS for entry in sources_entries(path) for label in outlets.required_labels(entry)}
    assert {"Russian state media", "Chinese state media", "US-government-funded"} <= found


@pytest.mark.parametrize(
    "entry, missing",
    [
        ('1. "Title", TASS, 2021. https://tass.com/defense/1', ["Russian state media"]),
        ('2. "Title", 2012. http://tass.com/archive/678014', ["Russian state media"]),  # by URL only
        ('3. "Title". Xinhua, 2009. http://example.org/x', ["Chinese state media"]),  # by name only
        ('4. "Title", *RFE/RL*, 2022. https://www.rferl.org/a/x.html', ["US-government-funded"]),
        ('5. "Title", Azattyk, 2024. https://rus.azattyk.org/a/1.html', ["US-government-funded"]),
        ('6. "Title", Kazinform, 2016. https://en.inform.kz/amp/x', ["Kazakh state media"]),
        ('7. "Title", VOA, 2020. https://www.voanews.com/a/x', ["US-government-funded"]),
        ('8. "Title", *TASS* (Russian state media), 2025. https://tass.com/politics/1', []),
        ('9. "Title", *EADaily*, 2025 (interview with RIA Novosti). https://eadaily.com/x', []),  # passing mention
        ('10. "Title", Kazinform (Kazakh state media) (citing Trend and Sputnik), 2015. https://en.inform.kz/x', []),
        ('11. "Title", *The Diplomat*, 2022. https://thediplomat.com/x', []),
        ('12. "Title", *Nature*, 2020. https://www.nature.com/articles/x', []),  # 'rt' inside a word
    ],
)
def test_label_checker_on_known_entries(entry, missing):
    assert outlets.missing_labels(entry) == missing
