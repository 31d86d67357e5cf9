"""Source quality and dataset version: no row rests only on a weak source, the
weak-source check itself catches a known-weak row, and about() reports what
datapackage.json says."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from casecurity import data

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
MINI = Path(__file__).parent / "fixtures" / "mini_data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# --------------------------------------------------------------------------- weak sources


# Rows allowed to rest only on a weak source while they wait for a primary, agency or scholarly
# source that someone has read. Empty since 2026-12-01 (the last 22 were the capital coordinates
# from a Wikipedia mirror, now Natural Earth, and three empty GCI 2018 rows citing a scribd copy,
# now removed). The list may only shrink: a row fixed but still listed fails below, and any other
# weak-only row fails at once.
PENDING: dict[tuple[str, str], str] = {}


def _row_key(filename: str, line: int) -> tuple[str, str]:
    """(file, row key) of a CSV line: the id, ``org/iso3``, ``iso3/edition`` or the iso3."""
    import csv

    with open(DATA / filename, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if reader.line_num == line or reader.line_num - row.get("note", "").count("\n") == line:
                for keys in (("id",), ("organization_id", "iso3"), ("iso3", "edition"), ("iso3",)):
                    if all(row.get(k) for k in keys):
                        return filename, "/".join(row[k] for k in keys)
    raise AssertionError(f"{filename} line {line} not found")


def test_no_row_rests_only_on_a_weak_source():
    found = {}
    for problem in data.weak_only_sources():
        match = re.match(r"(\w+\.csv) line (\d+):", problem)
        found[_row_key(match.group(1), int(match.group(2)))] = problem
    new = [text for key, text in found.items() if key not in PENDING]
    assert new == [], f"{len(new)} row(s) with only a weak source:\n" + "\n".join(new)
    fixed = sorted(set(PENDING) - set(found))
    assert fixed == [], f"no longer weak-only, remove from PENDING in tests/test_sources.py: {fixed}"


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://amansaja.com/wiki/CSTO", "wiki_mirror"),
        ("https://de.zxc.wiki/wiki/Woruch", "wiki_mirror"),  # subdomain of a listed domain
        ("https://www.visionias.in/current-affairs/x", "exam_prep"),
        ("https://tr.scribd.com/document/1", "essay_site"),
        ("https://tass.com/world/1684559", None),
        ("https://www.nato.int/cps/en/natohq/topics_49598.htm", None),
        ("https://notscribd.com/x", None),  # a suffix that is not a subdomain
        ("", None),
        (None, None),
    ],
)
def test_weak_source_kind(url, kind):
    assert data.weak_source_kind(url) == kind


def test_weak_list_is_documented_in_the_readme():
    """Every kind of the machine-readable list is explained in data/README.md, and every domain has a known kind."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    kinds = PACKAGE["weakSources"]["kinds"]
    for kind in kinds:
        assert f"`{kind}`" in readme, f"data/README.md does not explain weak-source kind {kind}"
    for entry in PACKAGE["weakSources"]["domains"]:
        assert entry["kind"] in kinds, entry
        assert re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", entry["domain"]), entry


@pytest.fixture
def weak_copy(tmp_path, monkeypatch):
    """A copy of the mini dataset with one weak-only row, one weak row with a good second source,
    and one row whose two sources are both weak; yields their line numbers."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    shutil.copy(DATA / "datapackage.json", folder / "datapackage.json")
    path = folder / "memberships.csv"
    text = path.read_text(encoding="utf-8")
    first = len(text.splitlines()) + 1
    path.write_text(
        text
        + "SCO,ARM,partner,2015-07-10,,,,Weak only.,https://blogen.wiki/wiki/SCO,\n"
        + "SCO,AZE,partner,2015-07-10,,,,Weak plus agency.,https://blogen.wiki/wiki/SCO,https://tass.com/world/1\n"
        + "SCO,TUR,partner,2013-04-26,,,,Two weak.,https://amansaja.com/SCO,https://www.visionias.in/x\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    data.clear_cache()
    yield {"weak_only": first, "weak_plus_good": first + 1, "two_weak": first + 2}
    data.clear_cache()


def test_weak_only_rows_are_caught(weak_copy):
    problems = data.weak_only_sources()
    text = "\n".join(problems)
    assert f"memberships.csv line {weak_copy['weak_only']}: only source is weak (wiki mirror" in text
    assert f"memberships.csv line {weak_copy['two_weak']}: only source is weak (wiki mirror" in text
    assert f"line {weak_copy['weak_plus_good']}:" not in text
    assert len(problems) == 2, problems


# --------------------------------------------------------------------------- dataset version and as-of


def test_dataset_version_is_the_datapackage_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", PACKAGE["version"])
    assert data.dataset_version() == PACKAGE["version"]
    assert data.AS_OF.isoformat() == PACKAGE["as_of"]


def test_about_shows_version_and_as_of():
    shown = data.about()
    assert shown.version == PACKAGE["version"]
    assert shown.as_of.isoformat() == PACKAGE["as_of"]
    for text in (repr(shown), shown._repr_markdown_(), shown._repr_html_()):
        assert f"v{PACKAGE['version']}" in text
        assert PACKAGE["as_of"] in text


def test_a_bad_version_is_a_one_line_error(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    package = dict(PACKAGE, version="v1")
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    monkeypatch.setenv("CASECURITY_DATA", str(folder))
    data.clear_cache()
    try:
        with pytest.raises(data.CourseError, match=r"version 'v1'; it must be MAJOR\.MINOR\.PATCH"):
            data.about()
    finally:
        data.clear_cache()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_lesson_shows_version_and_as_of_after_its_imports(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(code) >= 2, path.name
    assert "import" in code[0], f"{path.name}: the first code cell should be the imports"
    assert re.search(r"\bdata\.about\(\)", code[1]), (
        f"{path.name}: the second code cell should call data.about()"
    )


def test_the_readme_citation_names_the_current_version():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    cited = re.search(r"course dataset\*, version (\d+\.\d+\.\d+), as of (\d{4}-\d{2}-\d{2})", readme)
    assert cited, "data/README.md: the 'How to cite' line lost its version"
    assert cited.groups() == (PACKAGE["version"], PACKAGE["as_of"])


# --------------------------------------------------------------------------- weak sources, no exceptions (issue 22)

WEAK_EXAMPLES = {
    "wiki_mirror": ["https://en.m.wikipedia.org/wiki/X", "https://franco.wiki/fr/X.html", "https://owiki.org/wiki/X"],
    "exam_prep": ["https://www.drishtiias.com/x"],
    "essay_site": ["https://essay.ua-referat.com/Russian_And_CIS_Interventions", "https://paperzz.com/doc/1"],
    "opinion": ["https://internationalrelationsen.blogspot.com/2021/04/x.html"],
    "forum_repost": ["https://www.armenianclub.com/x"],
    "repost_aggregator": [
        "https://www.urdupoint.com/en/world/x.html",
        "https://www.idntimes.com/news/world/x/amp",
        "https://pledgetimes.com/x/",
    ],
    "travel_listicle": [
        "https://tripomatic.com/de/poi/x",
        "https://www.worldatlas.com/articles/x.html",
        "https://pt.ripleybelieves.com/x-2275",
    ],
    "dictionary": ["http://dictionary.channelj.co.jp/2018/18082807"],
}


def test_every_weak_kind_has_a_caught_example():
    kinds = set(PACKAGE["weakSources"]["kinds"])
    assert kinds == set(WEAK_EXAMPLES), "add an example URL for each weak-source kind"
    for kind, urls in WEAK_EXAMPLES.items():
        for url in urls:
            assert data.weak_source_kind(url) == kind, url


def test_no_data_row_cites_a_weak_source_at_all():
    """Neither source_url nor alt_source_url of any row is on the weak list (a weak second source is still cited)."""
    import csv

    found = []
    for path in sorted(DATA.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column in ("source_url", "alt_source_url"):
                    kind = data.weak_source_kind(row.get(column))
                    if kind:
                        found.append(f"{path.name} {row.get('id') or row.get('iso3')}: {column} is {kind}: {row[column]}")
    assert found == [], "\n".join(found)


SOURCES_HEADING = re.compile(r"^#+\s*Sources\s*$", re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_lesson_sources_list_cites_a_weak_source(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    match = SOURCES_HEADING.search(markdown)
    assert match, f"{path.name} has no Sources section"
    urls = re.findall(r"https?://[^\s)\]>\"']+", markdown)
    weak = [f"{url} ({data.weak_source_kind(url)})" for url in urls if data.weak_source_kind(url)]
    assert weak == [], f"{path.name} cites weak sources:\n" + "\n".join(weak)


def test_teaching_guide_cites_no_weak_source():
    text = (REPO / "docs" / "teaching.md").read_text(encoding="utf-8")
    weak = [url for url in re.findall(r"https?://[^\s)\]>\"']+", text) if data.weak_source_kind(url)]
    assert weak == [], weak
