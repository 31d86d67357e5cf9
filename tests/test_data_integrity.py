"""Integrity of data/ beyond what the Table Schema can say.

These checks read the CSV files with the csv module and their own small
helpers, independently of casecurity.data, so that a bug in the package cannot
hide a bug in the data. The last tests feed known-wrong rows to
``casecurity.data.validate()`` to show that it catches each kind of mistake.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from casecurity import data

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
GEO = DATA / "geo" / "central_asia.geojson"
WORLD = DATA / "geo" / "world_110m.geojson"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini_data"
URL = re.compile(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?([/?#][^\s]*)?")
# simplified outlines (Natural Earth, rounded) may shift a border by a kilometre or two
BORDER_TOLERANCE_DEGREES = 0.02


def rows(table: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of one CSV in data/."""
    path = DATA / f"{table}.csv"
    if not path.is_file():
        pytest.skip(f"data/{table}.csv is not there yet")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        result = []
        for row in reader:
            result.append((reader.line_num, row))
        return result


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@pytest.fixture(autouse=True)
def real_data(monkeypatch):
    monkeypatch.delenv("CASECURITY_DATA", raising=False)


# --------------------------------------------------------------------------- point in polygon


def in_ring(x: float, y: float, ring: list) -> bool:
    inside = False
    for i in range(len(ring)):
        x1, y1 = ring[i][:2]
        x2, y2 = ring[i - 1][:2]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def segment_distance(x: float, y: float, ring: list) -> float:
    best = float("inf")
    for i in range(len(ring)):
        (x1, y1), (x2, y2) = ring[i - 1][:2], ring[i][:2]
        dx, dy = x2 - x1, y2 - y1
        t = (
            0.0
            if dx == dy == 0
            else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        )
        best = min(best, ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5)
    return best


def polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def inside(lat: float, lon: float, geometry: dict, tolerance: float = 0.0) -> bool:
    for polygon in polygons(geometry):
        if in_ring(lon, lat, polygon[0]) and not any(in_ring(lon, lat, hole) for hole in polygon[1:]):
            return True
    return tolerance > 0 and any(
        segment_distance(lon, lat, ring) <= tolerance for polygon in polygons(geometry) for ring in polygon
    )


def outlines() -> dict[str, dict]:
    if not GEO.is_file():
        pytest.skip("data/geo/central_asia.geojson is not there yet (written by the geometry task)")
    found: dict[str, dict] = {}
    for path in (GEO, WORLD):
        if path.is_file():
            for feature in json.loads(path.read_text())["features"]:
                found.setdefault(feature["properties"]["iso3"], feature["geometry"])
    return found


# capitals from general knowledge (rounded); each lies in its own country and not in the others
CAPITALS = {
    "KAZ": (51.17, 71.45),  # Astana
    "KGZ": (42.87, 74.59),  # Bishkek
    "TJK": (38.56, 68.77),  # Dushanbe
    "TKM": (37.95, 58.38),  # Ashgabat
    "UZB": (41.30, 69.24),  # Tashkent
}


def test_point_in_polygon_helpers_on_known_points():
    square_with_hole = {
        "type": "Polygon",
        "coordinates": [
            [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
            [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
        ],
    }
    assert inside(2, 2, square_with_hole)
    assert not inside(5, 5, square_with_hole)  # in the hole
    assert not inside(11, 5, square_with_hole)
    assert inside(10.01, 5, square_with_hole, tolerance=0.02)
    shapes = outlines()
    for code, (lat, lon) in CAPITALS.items():
        assert inside(lat, lon, shapes[code]), f"capital of {code} outside {code}"
        assert data.point_in_country(lat, lon, code) is True
        for other in CAPITALS:
            if other != code:
                assert not inside(lat, lon, shapes[other]), f"capital of {code} inside {other}"
                assert data.point_in_country(lat, lon, other) is False
    assert data.point_in_country(0.0, 0.0, "XXX") is None


def test_facilities_lie_in_their_host_country():
    shapes = outlines()
    missing, outside = [], []
    for line, row in rows("facilities"):
        geometry = shapes.get(row["host_iso3"])
        if geometry is None:
            missing.append(f"line {line}: no outline for {row['host_iso3']}")
        elif not inside(float(row["lat"]), float(row["lon"]), geometry, BORDER_TOLERANCE_DEGREES):
            outside.append(f"line {line}: {row['id']} ({row['lat']}, {row['lon']}) not in {row['host_iso3']}")
    assert not outside, "facilities.csv: " + "; ".join(outside)
    assert not missing, "facilities.csv hosts without outline in data/geo: " + "; ".join(missing)


# --------------------------------------------------------------------------- spells and references


def test_membership_spells_never_overlap():
    spells = defaultdict(list)
    for line, row in rows("memberships"):
        spells[(row["organization_id"], row["iso3"])].append(
            (day(row["start_date"]), day(row["end_date"]) or dt.date.max, line)
        )
    overlaps = []
    for key, items in spells.items():
        items.sort()
        for (_, end, line), (next_start, _, next_line) in zip(items, items[1:], strict=False):
            if next_start < end:
                overlaps.append(f"{key}: line {line} overlaps line {next_line}")
    assert not overlaps, "memberships.csv: " + "; ".join(overlaps)


def test_spells_end_after_they_start():
    wrong = []
    for table, start, end in [
        ("memberships", "start_date", "end_date"),
        ("treaty_parties", "joined_date", "left_date"),
        ("treaties", "in_force_date", "end_date"),
        ("facilities", "opened", "closed"),
    ]:
        for line, row in rows(table):
            if row[start] and row[end] and day(row[end]) <= day(row[start]):
                wrong.append(f"{table}.csv line {line}: {end} {row[end]} <= {start} {row[start]}")
    assert not wrong, "; ".join(wrong)


def test_members_and_parties_exist_in_countries():
    countries = {row["iso3"] for _, row in rows("countries")}
    unknown = []
    for table, columns in [
        ("memberships", ["iso3"]),
        ("treaty_parties", ["iso3"]),
        ("facilities", ["host_iso3", "operator_iso3"]),
        ("cyber_index", ["iso3"]),
    ]:
        for line, row in rows(table):
            unknown += [f"{table}.csv line {line}: {row[c]}" for c in columns if row[c] not in countries]
    for line, row in rows("events"):
        unknown += [f"events.csv line {line}: {c}" for c in filter(None, row["countries"].split(";"))
                    if c not in countries]  # fmt: skip
    assert not unknown, "codes missing from countries.csv: " + "; ".join(unknown)


def test_memberships_refer_to_known_organisations():
    organisations = {row["id"] for _, row in rows("organizations")}
    unknown = [f"line {line}: {row['organization_id']}" for line, row in rows("memberships")
               if row["organization_id"] not in organisations]  # fmt: skip
    assert not unknown, "memberships.csv: " + "; ".join(unknown)


def test_bilateral_treaties_have_exactly_two_parties():
    parties = defaultdict(set)
    for _, row in rows("treaty_parties"):
        parties[row["treaty_id"]].add(row["iso3"])
    wrong = [
        f"line {line}: {row['id']} has {sorted(parties[row['id']])}"
        for line, row in rows("treaties")
        if row["kind"] == "bilateral" and len(parties[row["id"]]) != 2
    ]
    assert not wrong, "treaties.csv bilateral: " + "; ".join(wrong)


def test_every_treaty_has_parties():
    listed = {row["treaty_id"] for _, row in rows("treaty_parties")}
    orphans = [f"line {line}: {row['id']}" for line, row in rows("treaties") if row["id"] not in listed]
    assert not orphans, "treaties.csv without treaty_parties rows: " + "; ".join(orphans)


def test_source_urls_are_well_formed():
    bad = []
    for table in data.TABLES:
        for line, row in rows(table):
            for column in ("source_url", "alt_source_url"):
                value = row.get(column, "")
                if column == "source_url" and not value:
                    bad.append(f"{table}.csv line {line}: empty source_url")
                elif value and not URL.fullmatch(value):
                    bad.append(f"{table}.csv line {line}: {column} {value!r}")
    assert not bad, "; ".join(bad)


def test_ids_unique():
    for table, key in [("countries", "iso3"), ("organizations", "id"), ("treaties", "id"),
                       ("facilities", "id"), ("events", "id")]:  # fmt: skip
        counts = Counter(row[key] for _, row in rows(table))
        assert [k for k, n in counts.items() if n > 1] == [], f"duplicate {key} in {table}.csv"


def test_central_asian_five_are_present_with_astana():
    countries = {row["iso3"]: row for _, row in rows("countries")}
    assert {code for code, row in countries.items() if row["group"] == "central_asia"} == set(CAPITALS)
    assert countries["KAZ"]["capital"] == "Astana"
    assert countries["KGZ"]["name"] == "Kyrgyzstan"


def test_validate_reports_no_problems():
    for table in data.TABLES:
        rows(table)  # skip while a table is missing
    problems = data.validate()
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --------------------------------------------------------------------------- validate() on known-wrong data


def test_validate_catches_each_kind_of_mistake(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    if (DATA / "geo").is_dir():
        shutil.copytree(DATA / "geo", folder / "geo")

    def append(table: str, line: str) -> int:
        path = folder / f"{table}.csv"
        text = path.read_text()
        path.write_text(text + line + "\n")
        return len(text.splitlines()) + 1

    overlap = append(
        "memberships", "CSTO,KAZ,member,2000-01-01,,2001-01-01,,Overlaps.,https://example.org/a,"
    )
    future = append("memberships", "SCO,UZB,member,2030-01-01,,,,In the future.,https://example.org/a,")
    month = append("memberships", "SCO,RUS,observer,2005-07-05,month,,,Precision.,https://example.org/a,")
    url = append("memberships", "SCO,ARM,partner,2015-07-10,,,,Bad URL.,htp:/example,")
    bilateral = append("treaty_parties", "kaz_rus_2013,UZB,,,,Third party.,https://example.org/a")
    closed = append(
        "facilities",
        "kz_test,Test site,KAZ,RUS,test_range,43.24,76.89,town,1994-01-01,year,,,closed,No date.,https://example.org/a,,2026-12-01,",
    )
    wrong_host = append(
        "facilities",
        "uz_test,Misplaced,UZB,RUS,radar,51.17,71.45,town,1999-01-01,year,,,active,In Astana.,https://example.org/a,,2026-12-01,",
    )
    # last_confirmed: a reported row needs it or a "never confirmed" note; only reported rows carry it,
    # and it lies within the row's open spell and before the as-of date
    unexplained = append(
        "facilities",
        "kz_rep,Unexplained,KAZ,RUS,radar,43.24,76.89,town,1994-01-01,year,,,reported,Not seen lately.,https://example.org/a,,2026-12-01,",
    )
    explained = append(
        "facilities",
        "kz_never,Explained,KAZ,RUS,radar,43.24,76.89,town,1994-01-01,year,,,reported,Use never confirmed by a source.,https://example.org/a,,2026-12-01,",
    )
    on_active = append(
        "facilities",
        "kz_act,Active,KAZ,RUS,radar,43.24,76.89,town,1994-01-01,year,,,active,Fixture.,https://example.org/a,https://example.org/b,2026-12-01,2020-01-01",
    )
    early = append(
        "facilities",
        "kz_early,Early,KAZ,RUS,radar,43.24,76.89,town,1994-01-01,year,2000-01-01,year,reported,Fixture.,https://example.org/a,,2026-12-01,1990-05-01",
    )
    late = append(
        "facilities",
        "kz_late,Late,KAZ,RUS,radar,43.24,76.89,town,1994-01-01,year,2000-01-01,year,reported,Fixture.,https://example.org/a,,2026-12-01,2000-01-01",
    )
    event = append(
        "events", "bad_event,2010-01-01,,,Event,unrest,KAZ;ZZZ,,,,,Fixture.,,https://example.org/a,"
    )
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    problems = "\n".join(data.validate())
    expected = [
        f"memberships.csv line {overlap}: KAZ spell in CSTO starting 2000-01-01 overlaps",
        f"memberships.csv line {future}: start_date is after the as-of date",
        f"memberships.csv line {month}, column start_date: 2005-07-05 has month precision",
        f"memberships.csv line {url}, column source_url",
        "treaties.csv line 3: bilateral treaty kaz_rus_2013 has 3 parties",
        f"facilities.csv line {closed}: status is closed but closed date is empty",
        f"facilities.csv line {closed}: status is closed but alt_source_url is empty",
        f"facilities.csv line {unexplained}: status is reported but last_confirmed is empty",
        f"facilities.csv line {on_active}: status is active but last_confirmed is set",
        f"facilities.csv line {early}: last_confirmed 1990-05-01 is before opened 1994-01-01",
        f"facilities.csv line {late}: last_confirmed 2000-01-01 is on or after closed 2000-01-01",
        f"events.csv line {event}, column countries: 'ZZZ' is not in countries.csv",
    ]
    if (DATA / "geo").is_dir():
        expected.append(f"facilities.csv line {wrong_host}: uz_test at (51.17, 71.45) is outside")
    for text in expected:
        assert text in problems, f"validate() missed: {text}\n{problems}"
    assert bilateral  # the line itself is fine; the treaty row is reported
    assert f"facilities.csv line {explained}:" not in problems  # "never confirmed" explains an empty date


# ----------------------------------------------------------------- host-language searches (issue 22)

HOST_SEARCH = re.compile(r"Host-language search \(((?:ru|kk|ky|tg|uz|tk)(?:/(?:ru|kk|ky|tg|uz|tk))*), (\d{4}-\d{2}-\d{2})\)")


@pytest.mark.parametrize("table", ["facilities", "treaties"])
def test_every_facility_and_treaty_row_records_a_host_language_search(table):
    """Each row's note says what was searched, in which of the region's languages, and when."""
    with open(DATA / f"{table}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = []
    for row in rows:
        match = HOST_SEARCH.search(row["note"])
        if not match:
            missing.append(row["id"])
            continue
        day = dt.date.fromisoformat(match.group(2))
        assert day >= dt.date(2026, 12, 1), (row["id"], day)
        # the search records what was searched, not only that one happened
        assert len(row["note"][match.end():]) > 40, row["id"]
    assert missing == [], f"{table}: rows without a host-language search in their note: {missing}"


def test_a_reported_facility_records_a_search_that_found_nothing_recent():
    with open(DATA / "facilities.csv", newline="", encoding="utf-8") as handle:
        reported = [row for row in csv.DictReader(handle) if row["status"] == "reported"]
    assert reported
    for row in reported:
        after = row["note"][HOST_SEARCH.search(row["note"]).end():]
        assert "stays 'reported'" in after, row["id"]
