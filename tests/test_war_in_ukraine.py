"""Issue 23: the war in Ukraine and its effects on Central Asia are in the data and in the lessons.

The rows are pinned by id with the facts the lessons build on (dates, who voted how, which
countries take part); a lesson claim about a vote fails here if the row it rests on changes."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from casecurity import data, palette

ROOT = Path(__file__).resolve().parent.parent
FIVE = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}

# id -> (date, category, countries that must be listed)
PINNED = {
    "2022_rus_invades_ukraine": ("2022-02-24", "armed_clash", {"RUS", "UKR"}),
    "2022_unga_aggression_vote": ("2022-03-02", "diplomacy", FIVE),
    "2022_unga_hrc_suspension_vote": ("2022-04-07", "diplomacy", FIVE),
    "2022_kaz_non_recognition_spief": ("2022-06-17", "diplomacy", {"KAZ", "RUS"}),
    "2022_rus_mobilisation_exodus": ("2022-09-21", "migration", {"RUS", "KAZ"}),
    "2022_unga_annexation_vote": ("2022-10-12", "diplomacy", FIVE),
    "2022_central_asia_russia_summit": ("2022-10-14", "diplomacy", FIVE | {"RUS"}),
    "2023_germany_central_asia_summit": ("2023-09-29", "diplomacy", FIVE | {"DEU"}),
    "2025_china_central_asia_summit": ("2025-06-17", "diplomacy", FIVE | {"CHN"}),
    "2025_central_asia_russia_summit": ("2025-10-09", "diplomacy", FIVE | {"RUS"}),
    "2025_japan_central_asia_summit": ("2025-12-20", "diplomacy", FIVE),
}


@pytest.fixture(scope="module")
def events():
    return data.load("events").set_index("id")


@pytest.mark.parametrize("event_id", sorted(PINNED))
def test_war_era_row_is_pinned(events, event_id):
    day, category, countries = PINNED[event_id]
    assert event_id in events.index, f"events.csv lost the row {event_id}"
    row = events.loc[event_id]
    assert str(row["start_date"].date()) == day
    assert row["category"] == category
    assert countries <= set(row["countries"].split(";"))
    assert re.match(r"https?://", row["source_url"])


def _votes(summary: str) -> dict[str, str]:
    """Country name -> 'abstained' / 'did not vote' / 'voted against', read from a vote row's summary."""
    found = {}
    for sentence in re.split(r"(?<=[.;])\s", summary):
        for verb in ("abstained", "did not vote", "voted against", "is in none"):
            if verb in sentence:
                for iso3 in FIVE:
                    if data.country_name(iso3) in sentence:
                        found[iso3] = verb
    return found


def test_un_votes_are_what_lesson_06_says(events):
    march = _votes(events.loc["2022_unga_aggression_vote", "summary"])
    assert march == {"KAZ": "abstained", "KGZ": "abstained", "TJK": "abstained",
                     "UZB": "did not vote", "TKM": "did not vote"}
    april = _votes(events.loc["2022_unga_hrc_suspension_vote", "summary"])
    assert {k for k, v in april.items() if v == "voted against"} == {"KAZ", "KGZ", "TJK", "UZB"}
    assert april["TKM"] == "did not vote"
    october = _votes(events.loc["2022_unga_annexation_vote", "summary"])
    assert {k for k, v in october.items() if v == "abstained"} == {"KAZ", "KGZ", "TJK", "UZB"}
    assert october["TKM"] == "is in none"


def test_vote_reader_catches_a_changed_vote():
    wrong = "Kazakhstan and Kyrgyzstan abstained. Tajikistan voted against. Uzbekistan and Turkmenistan did not vote."
    assert _votes(wrong)["TJK"] == "voted against"


def test_migration_category_has_its_own_colour():
    assert palette.event_color("migration") != palette.NEUTRAL
    others = {c: palette.event_color(c) for c in palette.EVENT_CATEGORIES if c != "migration"}
    assert palette.event_color("migration") not in others.values()


def _markdown(stem: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_lesson_06_teaches_the_war_and_feeds_it_into_the_scenarios():
    text = _markdown("06_future")
    assert "## 7. Central Asia and the war in Ukraine" in text
    for topic in ("Human Rights Council", "annexation", "mobilisation", "Remittances", "re-export",
                  "Middle Corridor", "C5+"):
        assert topic.lower() in text.lower(), f"lesson 06 section 7 does not cover {topic}"
    assert "**The war in the scenarios.**" in text
    assert text.index("## 7. Central Asia") < text.index("## 8. Four scenarios") < text.index("## 9. The capstone")


def test_lesson_04_updates_the_umbrella_after_2022():
    text = _markdown("04_major_powers")
    assert "### The umbrella after 2022" in text


def test_bases_the_lessons_call_open_after_2022_are_active():
    open_sites = data.facilities(status="active", active_on=data.AS_OF)["id"].tolist()
    assert {"rus_kant"} <= set(open_sites)
    assert any(site.startswith("rus_201") for site in open_sites)
