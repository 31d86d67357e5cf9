"""data/datapackage.json: it matches the design contract, frictionless accepts
data/, and a deliberately broken copy is rejected with every error named."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from casecurity import data

frictionless = pytest.importorskip("frictionless")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {resource["name"]: resource for resource in PACKAGE["resources"]}
DESIGN = (REPO / "docs" / "design.md").read_text(encoding="utf-8")


def design_columns() -> dict[str, list[str]]:
    """The column contract table of docs/design.md: {table: [columns]}."""
    found = {}
    for match in re.finditer(r"^\| (\w+)\.csv \| ([^|]+) \|$", DESIGN, re.MULTILINE):
        found[match.group(1)] = [column.strip() for column in match.group(2).split(",")]
    return found


def design_vocabulary(label: str) -> list[str]:
    """A vocabulary list of docs/design.md, e.g. 'memberships.status'."""
    block = DESIGN.split(f"- {label}", 1)[1].split("\n- ", 1)[0]
    block = block.split("\n  (", 1)[0]  # drop the explanatory parenthesis on the next line
    return re.findall(r"`([a-z_]+)`", block)


def field(table: str, name: str) -> dict:
    return next(f for f in RESOURCES[table]["schema"]["fields"] if f["name"] == name)


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --------------------------------------------------------------------------- the description itself


def test_every_table_is_described_in_design_order():
    assert [resource["name"] for resource in PACKAGE["resources"]] == list(data.TABLES)
    assert set(design_columns()) == set(data.TABLES)
    for resource in PACKAGE["resources"]:
        assert resource["path"] == f"{resource['name']}.csv"
        assert resource["licenses"][0]["name"] == "CC-BY-4.0"
        assert resource.get("description")


def test_fields_follow_the_column_contract():
    for table, columns in design_columns().items():
        assert [f["name"] for f in RESOURCES[table]["schema"]["fields"]] == columns, table


def test_csv_headers_follow_the_column_contract():
    for table, columns in design_columns().items():
        path = DATA / f"{table}.csv"
        if path.is_file():
            assert read_rows(path)[0] == columns, f"header of data/{table}.csv"


def test_no_undescribed_csv_files():
    assert {path.stem for path in DATA.glob("*.csv")} <= set(data.TABLES)


@pytest.mark.parametrize(
    "label, table, column",
    [
        ("countries.group", "countries", "group"),
        ("organizations.kind", "organizations", "kind"),
        ("memberships.status", "memberships", "status"),
        ("treaties.kind", "treaties", "kind"),
        ("facilities.kind", "facilities", "kind"),
        ("facilities.location_precision", "facilities", "location_precision"),
        ("facilities.status", "facilities", "status"),
        ("events.category", "events", "category"),
    ],
)
def test_vocabularies_match_design(label, table, column):
    assert field(table, column)["constraints"]["enum"] == design_vocabulary(label)


def test_obligations_and_precision_vocabularies():
    obligations = design_vocabulary("treaties.obligations")
    pattern = re.compile(field("treaties", "obligations")["constraints"]["pattern"])
    assert pattern.fullmatch(";".join(obligations))
    assert pattern.fullmatch("defense")
    assert not pattern.fullmatch("defence")
    assert not pattern.fullmatch("defense;")
    for resource in PACKAGE["resources"]:
        for f in resource["schema"]["fields"]:
            if f["name"].endswith("_precision") and f["name"] != "location_precision":
                assert f["constraints"]["enum"] == ["day", "month", "year"], f["name"]


def test_patterns_accept_and_reject():
    iso3 = re.compile(field("memberships", "iso3")["constraints"]["pattern"])
    assert iso3.fullmatch("KAZ") and not iso3.fullmatch("kaz") and not iso3.fullmatch("KZ")
    url = re.compile(field("memberships", "source_url")["constraints"]["pattern"])
    assert url.fullmatch("https://tass.com/russia/687141")
    assert url.fullmatch("http://www.odkb.gov.ru/b/azbengl.htm")
    for wrong in (
        "tass.com/russia",
        "ftp://example.org/x",
        "https://",
        "https://exa mple.org",
        "http://localhost",
    ):
        assert not url.fullmatch(wrong), wrong
    events = re.compile(field("events", "countries")["constraints"]["pattern"])
    assert events.fullmatch("KAZ;RUS") and not events.fullmatch("KAZ,RUS")


def test_keys_and_as_of():
    assert PACKAGE["as_of"] == data.AS_OF.isoformat()
    assert RESOURCES["memberships"]["schema"]["primaryKey"] == ["organization_id", "iso3", "start_date"]
    references = {
        (table, fk["fields"], fk["reference"]["resource"])
        for table, resource in RESOURCES.items()
        for fk in resource["schema"].get("foreignKeys", [])
    }
    assert {
        ("memberships", "iso3", "countries"),
        ("memberships", "organization_id", "organizations"),
        ("treaty_parties", "treaty_id", "treaties"),
        ("treaty_parties", "iso3", "countries"),
        ("facilities", "host_iso3", "countries"),
        ("facilities", "operator_iso3", "countries"),
        ("cyber_index", "iso3", "countries"),
    } <= references
    for resource in PACKAGE["resources"]:
        assert field(resource["name"], "source_url")["constraints"]["required"] is True


# --------------------------------------------------------------------------- frictionless on data/


def errors_of(report) -> list[tuple[str, str, int | None, str | None]]:
    return [
        (task.name, error.type, getattr(error, "row_number", None), getattr(error, "field_name", None))
        for task in report.tasks
        for error in task.errors
    ]


def test_frictionless_accepts_data():
    missing = [name for name in data.TABLES if not (DATA / f"{name}.csv").is_file()]
    if missing:
        pytest.skip(f"tables not written yet: {missing}")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    messages = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, "\n".join(messages)


@pytest.fixture
def broken(tmp_path, monkeypatch):
    """A copy of data/ with four known mistakes in memberships.csv; yields their row numbers."""
    source = (
        DATA if (DATA / "memberships.csv").is_file() else Path(__file__).parent / "fixtures" / "mini_data"
    )
    folder = tmp_path / "data"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("geo", "sources", "*.md"))
    shutil.copy(DATA / "datapackage.json", folder / "datapackage.json")
    path = folder / "memberships.csv"
    rows = read_rows(path)
    header = rows[0]
    column = {name: header.index(name) for name in header}
    # four rows appended at the end, so their row numbers are known (row 1 = header)
    template = ["CSTO", "KAZ", "member", "", "", "", "", "Broken on purpose.", "https://example.org/src", ""]
    unknown_country = list(template)
    unknown_country[column["iso3"]], unknown_country[column["start_date"]] = "XKX", "2001-01-01"
    end_before_start = list(template)
    end_before_start[column["organization_id"]] = "SCO"
    end_before_start[column["iso3"]] = "PAK"
    end_before_start[column["start_date"]] = "1980-05-01"
    end_before_start[column["end_date"]] = "1979-05-01"
    missing_source = list(template)
    missing_source[column["organization_id"]] = "SCO"
    missing_source[column["iso3"]] = "IND"
    missing_source[column["start_date"]] = "1981-01-01"
    missing_source[column["end_date"]] = "1982-01-01"
    missing_source[column["source_url"]] = ""
    bad_date = list(template)
    bad_date[column["organization_id"]] = "SCO"
    bad_date[column["iso3"]] = "IRN"
    bad_date[column["start_date"]] = "1983-02-30"
    rows += [unknown_country, end_before_start, missing_source, bad_date]
    write_rows(path, rows)
    first = len(rows) - 3
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    yield folder, {"unknown_country": first, "end_before_start": first + 1, "missing_source": first + 2,
                   "bad_date": first + 3}  # fmt: skip


def test_frictionless_reports_each_schema_error(broken):
    folder, row = broken
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    found = {(e[1], e[2], e[3]) for e in errors_of(report) if e[0] == "memberships"}
    assert ("foreign-key", row["unknown_country"], None) in found
    assert ("constraint-error", row["missing_source"], "source_url") in found
    assert ("type-error", row["bad_date"], "start_date") in found


def test_validate_reports_each_error_including_end_before_start(broken):
    _, row = broken
    problems = data.validate()
    text = "\n".join(problems)
    assert (
        f"memberships.csv line {row['unknown_country']}, column iso3: 'XKX' is not in countries.csv" in text
    )
    assert f"memberships.csv line {row['end_before_start']}: end_date 1979-05-01 is on or before" in text
    assert f"memberships.csv line {row['missing_source']}, column source_url: is empty but required" in text
    assert (
        f"memberships.csv line {row['bad_date']}, column start_date: '1983-02-30' is not a valid date" in text
    )
    with pytest.raises(data.CourseError, match=r"^memberships\.csv line \d+, column"):
        data.load("memberships")


def test_fixture_dataset_follows_the_schema(tmp_path):
    """tests/fixtures/mini_data must stay valid against the real datapackage.json."""
    folder = tmp_path / "mini"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini_data", folder)
    shutil.copy(DATA / "datapackage.json", folder / "datapackage.json")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, [error.message for task in report.tasks for error in task.errors]
