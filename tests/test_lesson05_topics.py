"""Issue 23: lesson 05 teaches water and security, the 2022 crackdowns, Afghanistan up to the
as-of date and China's internal-security dimension, with the securitisation critique and method
notes; lesson 02 treats Osh 2010 as inter-ethnic violence. The data rows they rest on are pinned."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from casecurity import data

ROOT = Path(__file__).resolve().parent.parent

# id -> (start date, category, countries, fatalities range or None)
PINNED = {
    "2022_gbao_crackdown": ("2022-05-16", "unrest", "TJK", (9, 25)),
    "2022_karakalpakstan_unrest": ("2022-07-01", "unrest", "UZB", (18, 21)),
    "2022_kempir_abad_agreement": ("2022-11-03", "treaty", "KGZ;UZB", None),
    "2025_rus_recognises_taliban": ("2025-07-03", "diplomacy", "RUS;AFG", None),
    "2010_osh_violence": ("2010-06-10", "unrest", "KGZ", (426, 2000)),
}


@pytest.mark.parametrize("event_id", sorted(PINNED))
def test_topic_rows_are_pinned(event_id):
    events = data.load("events").set_index("id")
    day, category, countries, deaths = PINNED[event_id]
    row = events.loc[event_id]
    assert (str(row["start_date"].date()), row["category"], row["countries"]) == (day, category, countries)
    if deaths:
        assert (int(row["fatalities_low"]), int(row["fatalities_high"])) == deaths
    assert row["source_url"].startswith("http") and row["alt_source_url"].startswith("http")


def _markdown(stem: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_lesson_05_sections_and_their_order():
    text = _markdown("05_threats")
    order = ["### The securitisation critique", "### Method note: how the event chronology was chosen",
             "## 7. Water and security", "## 8. Unrest at home", "## 9. Afghanistan since 2021",
             "## 10. China's internal-security dimension", "## Debate"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    for project in ("Rogun", "Kambarata-1", "Kempir-Abad", "Qosh Tepa"):
        assert f"**{project}" in text, f"the water table lacks {project}"
    assert "**Method note: which capability figures, and why.**" in text


def test_lesson_05_tolls_match_the_rows():
    text = _markdown("05_threats")
    events = data.load("events").set_index("id")
    karakalpak = events.loc["2022_karakalpakstan_unrest"]
    assert f"{int(karakalpak['fatalities_low'])} dead and 243 injured" in text
    assert f"gave {int(karakalpak['fatalities_high'])} dead" in text


def test_lesson_02_treats_osh_as_inter_ethnic_violence():
    text = _markdown("02_alliances")
    osh = data.load("events").set_index("id").loc["2010_osh_violence"]
    assert "#### Osh, June 2010: inter-ethnic violence first" in text
    assert f"(`2010_osh_violence`: {int(osh['fatalities_low'])} to {int(osh['fatalities_high']):,})" in text


def test_water_table_rows_are_sourced_and_taught():
    water = data.load("water")
    assert set(water["id"]) >= {"rogun_dam", "kambarata_1", "kempir_abad_reservoir", "qosh_tepa_canal"}
    known = set(data.load("countries")["iso3"])
    for _, row in water.iterrows():
        assert set(row["countries"].split(";")) <= known, row["id"]
        assert row["source_url"].startswith("http"), row["id"]
    text = _markdown("05_threats")
    for name in ("Rogun", "Kambarata-1", "Kempir-Abad", "Qosh Tepa"):
        assert water["name"].str.contains(name, regex=False).any(), f"water.csv lacks {name}"
        assert name in text
    assert water.set_index("id").loc["kempir_abad_reservoir", "status"] == "jointly_managed"
