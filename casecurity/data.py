"""The course dataset: typed tables and questions about dates.

Every lesson asks the same kinds of question: *who was a member of the CSTO on
1 January 2010?*, *which treaties bind Kazakhstan?*, *which bases were open in
2005?* This module answers them from the CSV tables in ``data/`` so that no
lesson re-implements date logic.

Dates follow one rule (see ``docs/design.md``): a spell is the half-open
interval ``[start, end)``. It is active on day ``d`` when ``start <= d`` and
``end`` is empty or ``d < end``; the end date is the first day the status no
longer holds. So a spell that ends on the query date is *not* active that day.

>>> from casecurity import data
>>> data.members("csto", on="2010-01-01")["iso3"].tolist()
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK', 'UZB']
>>> data.iso3_of("Kyrgyz Republic"), data.country_name("kaz")
('KGZ', 'Kazakhstan')

The tables are read once per process (the first time they are needed, not at
import) and cached; every function returns a fresh copy, so changing a result
never changes what the next call sees. The folder is ``<repo>/data`` unless the
environment variable ``CASECURITY_DATA`` names another one.

Check the whole dataset with ``python -m casecurity.data validate``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import difflib
import json
import math
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from casecurity.errors import CourseError, suggest

if TYPE_CHECKING:  # pandas is imported lazily: `import casecurity.data` must stay cheap
    import pandas as pd

__all__ = [
    "AS_OF",
    "TABLES",
    "About",
    "about",
    "as_date",
    "central_asia",
    "to_timestamp",
    "CourseError",
    "clear_cache",
    "countries_geo",
    "country_name",
    "data_dir",
    "dataset_version",
    "events",
    "facilities",
    "iso3_of",
    "load",
    "members",
    "memberships_of",
    "period_end",
    "point_in_country",
    "treaties",
    "validate",
    "vocabulary",
    "weak_only_sources",
    "weak_source_kind",
]

#: The day the dataset was last checked against its sources. Queries without a
#: date answer "as of" this day; narrative built on them should say so.
AS_OF = dt.date(2026, 11, 27)

#: The tables of the dataset, in the order of ``data/datapackage.json``.
TABLES = (
    "countries",
    "organizations",
    "memberships",
    "treaties",
    "treaty_parties",
    "facilities",
    "events",
    "cyber_index",
    "enclaves",
    "water",
)

_REPO_DATA = Path(__file__).resolve().parent.parent / "data"
_GEO_FILES = ("central_asia.geojson", "world_110m.geojson")  # first file wins for a country
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT_RE = re.compile(r"[+-]?\d+")
# Names people commonly use for a country that the table spells differently.
_ALIASES = {
    "kyrgyz republic": "KGZ",
    "kirghizia": "KGZ",
    "russian federation": "RUS",
    "people's republic of china": "CHN",
    "prc": "CHN",
    "united states of america": "USA",
    "united states": "USA",
    "us": "USA",
    "u.s.": "USA",
    "uk": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "islamic republic of iran": "IRN",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "turkey": "TUR",
    "republic of korea": "KOR",
    "south korea": "KOR",
}

# cache: (table name, resolved path) -> (file signature, _Table)
_TABLE_CACHE: dict[tuple[str, str], tuple[tuple[int, int], _Table]] = {}
_SCHEMA_CACHE: dict[str, tuple[tuple[int, int], dict]] = {}
_GEO_CACHE: dict[str, tuple[tuple, dict]] = {}
# lookups built from a cached table, kept with the very frame they were built from (rebuilt when it is re-read)
_INDEX_CACHE: dict[str, tuple[pd.DataFrame, tuple]] = {}


class _Table:
    """A parsed table: the typed frame, the CSV line of each row, and the problems found."""

    def __init__(
        self, frame: pd.DataFrame, lines: list[int], problems: list[str], filename: str, bad_cells: set
    ):
        self.frame = frame
        self.bad_cells = bad_cells  # (row index, column) of cells that failed to parse
        self.lines = lines
        self.problems = problems
        self.filename = filename


# --------------------------------------------------------------------------- locations


def data_dir() -> Path:
    """The folder holding the CSV tables: ``$CASECURITY_DATA`` if set, else ``<repo>/data``.

    >>> data_dir().name                  # unless CASECURITY_DATA is set
    'data'
    """
    override = os.environ.get("CASECURITY_DATA", "").strip()
    folder = Path(override).expanduser() if override else _REPO_DATA
    if not folder.is_dir():
        how = "unset CASECURITY_DATA or point it to" if override else "restore"
        raise CourseError(
            f"Data folder {str(folder)!r} not found; {how} a folder with the course CSV tables."
        )
    return folder


def _signature(path: Path) -> tuple[int, int]:
    """mtime and size: a cached table is re-read only when its file changed."""
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


def _datapackage_path() -> Path:
    """The datapackage.json of the data folder, or the repository's when a test copy has none."""
    own = data_dir() / "datapackage.json"
    return own if own.is_file() else _REPO_DATA / "datapackage.json"


def _package() -> dict:
    path = _datapackage_path()
    if not path.is_file():
        raise CourseError(f"{path} not found; restore data/datapackage.json (it describes every table).")
    key = str(path.resolve())
    signature = _signature(path)
    cached = _SCHEMA_CACHE.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CourseError(f"{path} is not valid JSON ({exc}); restore it from git.") from None
    _SCHEMA_CACHE[key] = (signature, package)
    return package


def _resource(name: str) -> dict:
    for resource in _package().get("resources", []):
        if resource.get("name") == name:
            return resource
    raise CourseError(f"Table {name!r} is not described in datapackage.json; restore data/datapackage.json.")


def _table_name(name: object) -> str:
    if not isinstance(name, str):
        raise CourseError(f"Table name must be a string such as 'memberships', not {type(name).__name__}.")
    clean = name.strip().lower().removesuffix(".csv")
    if clean not in TABLES:
        raise _unknown(name, list(TABLES), "table")
    return clean


# --------------------------------------------------------------------------- version and as-of


def dataset_version() -> str:
    """The dataset's semantic version, from ``version`` in datapackage.json (e.g. ``'0.2.0'``).

    A correction of values bumps the patch number, a new column or table the
    minor number, a renamed or removed column the major number (data/CHANGELOG.md).
    """
    version = _package().get("version")
    if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise CourseError(
            f"datapackage.json has version {version!r}; it must be MAJOR.MINOR.PATCH, e.g. '0.2.0'."
        )
    return version


class About:
    """The dataset version and as-of date a lesson ran with; shows itself as one line."""

    def __init__(self, version: str, as_of: dt.date):
        self.version = version
        self.as_of = as_of

    @property
    def text(self) -> str:
        return (
            f"Dataset v{self.version}, as of {self.as_of.isoformat()} "
            "(corrections: data/CHANGELOG.md; to report an error see the README)."
        )

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return (
            f"**Dataset v{self.version}**, as of {self.as_of.isoformat()} "
            "(corrections: `data/CHANGELOG.md`; to report an error see *Reporting an error* in the README)."
        )

    def _repr_html_(self) -> str:
        return (
            f'<p class="casecurity-about"><strong>Dataset v{self.version}</strong>, as of '
            f'<time datetime="{self.as_of.isoformat()}">{self.as_of.isoformat()}</time> '
            "(corrections: <code>data/CHANGELOG.md</code>; to report an error see "
            "<em>Reporting an error</em> in the README).</p>"
        )


def about() -> About:
    """The version and as-of date of the dataset, for the first lines of a lesson.

    >>> about().as_of == AS_OF
    True
    """
    return About(dataset_version(), AS_OF)


# --------------------------------------------------------------------------- weak sources


def weak_source_domains() -> dict[str, str]:
    """Domains that may not be a row's only source, with their kind (``weakSources`` in datapackage.json)."""
    listed = _package().get("weakSources", {}).get("domains", [])
    return {str(entry["domain"]).lower(): str(entry["kind"]) for entry in listed}


def weak_source_kind(url: object) -> str | None:
    """The weak-source kind of ``url`` (``'wiki_mirror'``, ...) or None if it is not on the list.

    A listed domain matches itself and its subdomains (``wiki_mirror`` for
    ``https://de.zxc.wiki/...`` because ``zxc.wiki`` is listed).
    """
    if not isinstance(url, str) or not url.strip():
        return None
    host = (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.")
    for domain, kind in weak_source_domains().items():
        if host == domain or host.endswith("." + domain):
            return kind
    return None


def weak_only_sources() -> list[str]:
    """Rows of any table whose only source is on the weak-source list, one message per row.

    A row fails when its ``source_url`` is weak and it has no ``alt_source_url``
    (or that one is weak too). The fix: cite a primary, agency or scholarly
    source you have read, in ``source_url`` or ``alt_source_url``.
    """
    problems = []
    for name in TABLES:
        table = _table(name)
        frame = table.frame
        if "source_url" not in frame.columns:
            continue
        alt = frame["alt_source_url"] if "alt_source_url" in frame.columns else None
        for index, url in frame["source_url"].items():
            kind = weak_source_kind(url)
            if kind is None:
                continue
            second = None if alt is None else alt[index]
            if weak_source_kind(second) is None and isinstance(second, str) and second.strip():
                continue
            problems.append(
                f"{_where(table, index)}: only source is weak ({kind.replace('_', ' ')}: {url}); "
                "add a primary, agency or scholarly source you have read"
            )
    return problems


# --------------------------------------------------------------------------- parsing


def _check_cell(raw: str, field: dict) -> tuple[Any, str | None]:
    """Convert one CSV cell by its Table Schema field; return (value, problem or None)."""
    constraints = field.get("constraints", {})
    if raw == "":
        return None, ("is empty but required" if constraints.get("required") else None)
    if raw != raw.strip():
        return None, f"{raw!r} has spaces around it; remove them"
    kind = field.get("type", "string")
    value: Any = raw
    if kind == "date":
        try:
            if not _DATE_RE.fullmatch(raw):
                raise ValueError
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return None, f"{raw!r} is not a valid date (write YYYY-MM-DD, e.g. 2010-01-01)"
    elif kind == "integer":
        if not _INT_RE.fullmatch(raw):
            return None, f"{raw!r} is not a whole number"
        value = int(raw)
    elif kind == "number":
        try:
            value = float(raw)
        except ValueError:
            return None, f"{raw!r} is not a number"
        if not math.isfinite(value):
            return None, f"{raw!r} is not a finite number"
    enum = constraints.get("enum")
    if enum is not None and value not in enum:
        close = difflib.get_close_matches(raw, [str(e) for e in enum], n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else "valid: " + ", ".join(map(str, enum))
        return None, f"{raw!r} is not in the vocabulary; {hint}"
    pattern = constraints.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, raw):
        return None, f"{raw!r} does not match the pattern {pattern}"
    if "minimum" in constraints and value < constraints["minimum"]:
        return None, f"{raw} is below the minimum {constraints['minimum']}"
    if "maximum" in constraints and value > constraints["maximum"]:
        return None, f"{raw} is above the maximum {constraints['maximum']}"
    return value, None


def _companion_date(precision_column: str, columns: Iterable[str]) -> str | None:
    """The date column a ``*_precision`` column qualifies (``start_precision`` -> ``start_date``)."""
    stem = precision_column.removesuffix("_precision")
    for candidate in (f"{stem}_date", stem):
        if candidate in columns:
            return candidate
    return None


def _parse(name: str, path: Path, fields: list[dict]) -> _Table:
    """Read one CSV with the csv module (exact line numbers) and type it by its schema."""
    import pandas as pd

    filename = path.name
    problems: list[str] = []
    names = [field["name"] for field in fields]
    values: dict[str, list] = {column: [] for column in names}
    lines: list[int] = []
    bad_cells: set[tuple[int, str]] = set()
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CourseError(
            f"Cannot read {path} ({exc.strerror}); restore it or fix CASECURITY_DATA."
        ) from None
    with handle:
        try:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                problems.append(f"{filename} is empty; it needs the header line {','.join(names)}")
                header = names
            missing = [column for column in names if column not in header]
            extra = [column for column in header if column not in names]
            if missing:
                problems.append(f"{filename} line 1: missing column(s) {', '.join(missing)}")
            if extra:
                problems.append(f"{filename} line 1: unexpected column(s) {', '.join(extra)}")
            if not missing and not extra and header != names:
                problems.append(
                    f"{filename} line 1: columns are not in the documented order {','.join(names)}"
                )
            previous_line = reader.line_num
            for row in reader:
                line = previous_line + 1
                previous_line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue  # a blank line is harmless
                if len(row) != len(header):
                    problems.append(
                        f"{filename} line {line}: {len(row)} cells but the header has {len(header)}"
                    )
                    continue
                cells = dict(zip(header, row, strict=True))
                lines.append(line)
                for field in fields:
                    column = field["name"]
                    value, problem = _check_cell(cells.get(column, ""), field)
                    if problem:
                        problems.append(f"{filename} line {line}, column {column}: {problem}")
                        bad_cells.add((len(lines) - 1, column))
                    values[column].append(value)
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(f"{filename} line {reader.line_num}: unreadable CSV ({exc})")

    frame = pd.DataFrame(index=range(len(lines)))
    for field in fields:
        column, kind = field["name"], field.get("type", "string")
        enum = field.get("constraints", {}).get("enum")
        raw = values[column] if len(values[column]) == len(lines) else [None] * len(lines)
        if kind == "date":
            frame[column] = pd.to_datetime(pd.Series(raw, dtype="object"), errors="coerce")
        elif kind == "integer":
            frame[column] = pd.array(raw, dtype="Int64")
        elif kind == "number":
            frame[column] = pd.Series([math.nan if v is None else v for v in raw], dtype="float64")
        elif enum is not None:
            frame[column] = pd.Categorical(raw, categories=list(enum))
        else:
            frame[column] = pd.Series(raw, dtype="str")
    for column in names:
        if column.endswith("_precision"):
            date_column = _companion_date(column, names)
            if date_column is not None:  # empty precision means "day" wherever there is a date
                fill = frame[column].isna() & frame[date_column].notna()
                frame.loc[fill, column] = "day"
    return _Table(frame, lines, problems, filename, bad_cells)


def _table(name: str) -> _Table:
    name = _table_name(name)
    path = data_dir() / f"{name}.csv"
    if not path.is_file():
        raise CourseError(f"Table file {path} not found; restore data/{name}.csv or fix CASECURITY_DATA.")
    key = (name, str(path.resolve()))
    signature = _signature(path)
    cached = _TABLE_CACHE.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    schema = _resource(name).get("schema", {})
    table = _parse(name, path, schema.get("fields", []))
    _TABLE_CACHE[key] = (signature, table)
    return table


def clear_cache() -> None:
    """Forget every table read so far (the next call reads the CSV files again)."""
    _TABLE_CACHE.clear()
    _SCHEMA_CACHE.clear()
    _GEO_CACHE.clear()
    _INDEX_CACHE.clear()


def load(name: str) -> pd.DataFrame:
    """Return one table as a typed DataFrame (a copy: change it freely).

    Date columns are ``datetime64`` (empty = ``NaT``), vocabulary columns are
    categorical, and an empty ``*_precision`` next to a date reads ``"day"``.
    A malformed file raises a one-line CourseError naming file, line and column.

    >>> load("memberships")["status"].dtype.name
    'category'
    >>> load("membership")
    Traceback (most recent call last):
    ...
    casecurity.errors.CourseError: Unknown table 'membership'; did you mean 'memberships'?
    """
    table = _table(name)
    if table.problems:
        more = len(table.problems) - 1
        tail = f" (and {more} more; run `python -m casecurity.data validate`)" if more else ""
        raise CourseError(f"{table.problems[0]}{tail}")
    return table.frame.copy()


# --------------------------------------------------------------------------- arguments


def as_date(value) -> dt.date | None:
    """A table cell (Timestamp, date, ISO string or missing) as a ``datetime.date``; None when missing.

    >>> as_date("2003-09-18"), as_date(None)
    (datetime.date(2003, 9, 18), None)
    """
    import pandas as pd

    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


def to_timestamp(value: object, what: str = "date") -> pd.Timestamp:
    """Read a date argument ('YYYY-MM-DD', date, datetime, Timestamp or an int year) as a Timestamp.

    Anything else raises a one-line CourseError that says which forms are accepted.
    """
    import pandas as pd

    how = f"give the {what} as 'YYYY-MM-DD' (e.g. '2010-01-01'), a datetime.date, or a year such as 2010"
    if isinstance(value, bool):
        raise CourseError(f"Cannot read {value!r} as a {what}; {how}.")
    if isinstance(value, int):
        if not 1000 <= value <= 2999:
            raise CourseError(f"Year {value} is out of range; {how}.")
        return pd.Timestamp(value, 1, 1)
    if isinstance(value, str):
        text = value.strip()
        try:
            if not _DATE_RE.fullmatch(text):
                raise ValueError
            return pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:
            raise CourseError(f"Cannot read {value!r} as a {what}; {how}.") from None
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise CourseError(f"The {what} is NaT (missing); {how}.")
        return value.tz_localize(None).normalize() if value.tzinfo else value.normalize()
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.replace(tzinfo=None)).normalize()
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    raise CourseError(f"Cannot read {value!r} ({type(value).__name__}) as a {what}; {how}.")


def _vocabulary(table: str, column: str) -> list[str]:
    for field in _resource(table).get("schema", {}).get("fields", []):
        if field["name"] == column:
            return list(field.get("constraints", {}).get("enum", []))
    raise CourseError(f"Column {column!r} is missing from {table} in datapackage.json; restore the file.")


def vocabulary() -> set[str]:
    """Every value a vocabulary column may hold (datapackage.json's lists), e.g. 'central_asia', 'member'."""
    return {
        value
        for resource in _package().get("resources", [])
        for field in resource.get("schema", {}).get("fields", [])
        for value in field.get("constraints", {}).get("enum", [])
    }


def _closest(value: str, choices: Iterable[str]) -> list[str]:
    """The choices nearest to ``value`` (case-insensitive): the best match and any nearly as good."""
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, value.casefold(), choice.casefold()).ratio(), choice)
            for choice in choices
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.6:
        return []
    return [choice for ratio, choice in scored[:3] if ratio >= scored[0][0] - 0.1]


def _unknown(value: object, choices: list[str], what: str) -> CourseError:
    """CourseError for an unknown value, suggesting only the clearly closest choices."""
    close = _closest(value, choices) if isinstance(value, str) else []
    return suggest(value, close or choices, what)


def _choose(value: object, choices: list[str], what: str, allow_none: bool = True) -> list[str] | None:
    """Normalise a str / list of str against a vocabulary (case-insensitive); None = any."""
    if value is None:
        if allow_none:
            return None
        raise CourseError(f"Give a {what}; valid choices are: {', '.join(choices)}.")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple | set | frozenset):
        raise CourseError(f"Give the {what} as a string or a list of strings, not {type(value).__name__}.")
    by_lower = {choice.lower(): choice for choice in choices}
    chosen = []
    for item in items:
        if not isinstance(item, str) or item.strip().lower() not in by_lower:
            raise _unknown(item, choices, what)
        chosen.append(by_lower[item.strip().lower()])
    return chosen


def _org_id(org: object) -> str:
    """An organisation id from its id or full name, case-insensitively."""
    organizations = _table_frame("organizations")
    ids = organizations["id"].tolist()
    if isinstance(org, str):
        wanted = org.strip().casefold()
        for org_id, name in zip(ids, organizations["name"], strict=True):
            if wanted in (org_id.casefold(), str(name).casefold()):
                return org_id
    raise _unknown(org, ids, "organization")


def _table_frame(name: str) -> pd.DataFrame:
    """The cached frame itself (not a copy): for read-only use inside this module."""
    table = _table(name)
    if table.problems:
        load(name)  # raises the one-line message
    return table.frame


def _active(start: pd.Series, end: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Half-open spell test: start <= on < end; an empty end is open; an empty start never matches."""
    return start.notna() & (start <= on) & (end.isna() | (on < end))


# --------------------------------------------------------------------------- countries


def iso3_of(name_or_code: str) -> str:
    """The ISO3 code of a country given by code or English name (case-insensitive).

    >>> iso3_of("kazakhstan"), iso3_of("kgz"), iso3_of("Kyrgyz Republic")
    ('KAZ', 'KGZ', 'KGZ')
    >>> iso3_of("Kazakstan")
    Traceback (most recent call last):
    ...
    casecurity.errors.CourseError: Unknown country 'Kazakstan'; did you mean 'KAZ' (Kazakhstan)?
    """
    names, by_name = _country_index()
    if not isinstance(name_or_code, str):
        raise CourseError(
            f"Give a country as an ISO3 code or name such as 'KAZ' or 'Kazakhstan', not {name_or_code!r}."
        )
    text = name_or_code.strip()
    if text.upper() in names:
        return text.upper()
    folded = text.casefold()
    if folded in by_name:
        return by_name[folded]
    if _ALIASES.get(folded) in names:
        return _ALIASES[folded]
    close_names = [by_name[name.casefold()] for name in _closest(text, [str(n) for n in names.values()])]
    close_codes = _closest(text.upper(), list(names)) if len(text) <= 4 else []
    close = list(dict.fromkeys(close_names + close_codes))[:3]
    if close:
        options = " or ".join(f"{code!r} ({names[code]})" for code in close)
        raise CourseError(f"Unknown country {name_or_code!r}; did you mean {options}?")
    raise CourseError(
        f"Unknown country {name_or_code!r}; use an ISO3 code such as 'KAZ' (see load('countries'))."
    )


def central_asia() -> tuple[str, ...]:
    """ISO3 codes of the Central Asian states, from ``countries.csv`` (``group == "central_asia"``).

    >>> central_asia()
    ('KAZ', 'KGZ', 'TJK', 'TKM', 'UZB')
    """
    countries = load("countries")
    return tuple(sorted(countries.loc[countries["group"] == "central_asia", "iso3"].astype(str)))


def country_name(iso3: str) -> str:
    """The English short name of a country (code or name accepted).

    >>> country_name("kgz")
    'Kyrgyzstan'
    """
    return str(_country_index()[0][iso3_of(iso3)])


def _names_by_code() -> dict[str, str]:
    return dict(_country_index()[0])


def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """Names by ISO3 code and codes by case-folded name, from countries.csv. Built once per reading of
    the file (checks ask for country names thousands of times): country_name went from about 0.29 ms
    to 0.08 ms a call, measured 2026-12-08."""
    countries = _table_frame("countries")
    cached = _INDEX_CACHE.get("countries")
    if cached is not None and cached[0] is countries:
        return cached[1]
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    index = (names, {str(name).casefold(): code for code, name in names.items()})
    _INDEX_CACHE["countries"] = (countries, index)
    return index


# --------------------------------------------------------------------------- queries


def members(org: str, on: object = None, status: str | list[str] | None = "member") -> pd.DataFrame:
    """The states holding ``status`` in ``org`` on day ``on`` (default: :data:`AS_OF`).

    ``status`` may be one status, a list, or ``None`` for any status. The result
    has columns iso3, name, status, start_date, end_date, note, source_url,
    sorted by iso3. A spell ending on ``on`` is not counted (half-open spells).

    >>> members("CSTO", on="2010-01-01")["iso3"].tolist()
    ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK', 'UZB']
    >>> members("CSTO", on=2025, status="frozen")["iso3"].tolist()
    ['ARM']
    >>> members("CTSO")
    Traceback (most recent call last):
    ...
    casecurity.errors.CourseError: Unknown organization 'CTSO'; did you mean 'CSTO'?
    """
    org_id = _org_id(org)
    day = to_timestamp(AS_OF if on is None else on, "date `on`")
    statuses = _choose(status, _vocabulary("memberships", "status"), "membership status")
    spells = _table_frame("memberships")
    mask = (spells["organization_id"] == org_id) & _active(spells["start_date"], spells["end_date"], day)
    if statuses is not None:
        mask &= spells["status"].isin(statuses)
    result = spells.loc[mask].copy()
    result["name"] = result["iso3"].map(_names_by_code())
    columns = ["iso3", "name", "status", "start_date", "end_date", "note", "source_url"]
    return result[columns].sort_values(["iso3", "start_date"]).reset_index(drop=True)


def memberships_of(iso3: str, on: object = None) -> pd.DataFrame:
    """Every organisation spell of one country; only those active on ``on`` if given.

    Columns: organization_id, organization, status, start_date, start_precision,
    end_date, end_precision, note, source_url; sorted by organisation and start.

    >>> spells = memberships_of("TKM", on="2020-01-01")
    >>> dict(zip(spells["organization_id"], spells["status"]))["SCO"]   # neutral Turkmenistan
    'guest'
    """
    code = iso3_of(iso3)
    spells = _table_frame("memberships")
    mask = spells["iso3"] == code
    if on is not None:
        mask &= _active(spells["start_date"], spells["end_date"], to_timestamp(on, "date `on`"))
    result = spells.loc[mask].copy()
    organizations = _table_frame("organizations")
    result["organization"] = result["organization_id"].map(
        dict(zip(organizations["id"], organizations["name"], strict=True))
    )
    columns = [
        "organization_id", "organization", "status", "start_date", "start_precision",
        "end_date", "end_precision", "note", "source_url",
    ]  # fmt: skip
    return result[columns].sort_values(["organization_id", "start_date"]).reset_index(drop=True)


def _party_spells() -> pd.DataFrame:
    """treaty_parties with the date each party was bound: joined_date, else the treaty's entry into force."""
    parties = _table_frame("treaty_parties").copy()
    in_force = _table_frame("treaties").set_index("id")["in_force_date"]
    parties["bound_from"] = parties["joined_date"].fillna(parties["treaty_id"].map(in_force))
    return parties


def period_end(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day of the period each date stands for, for sorting by date.

    A date with ``year`` precision is stored as 1 January and one with ``month``
    precision as the first of the month; sorted as they are, "2001" would come
    before 15 June 2001 although it may well be December. Sorting by the period's
    end (31 December, the month's last day, or the day itself) never puts an
    imprecise date before a day it could follow. Missing dates stay missing.

    >>> import pandas as pd
    >>> days = pd.Series(pd.to_datetime(["2001-01-01", "2001-06-01", "2001-06-15"]))
    >>> period_end(days, pd.Series(["year", "month", "day"])).dt.strftime("%Y-%m-%d").tolist()
    ['2001-12-31', '2001-06-30', '2001-06-15']
    """
    import pandas as pd  # lazily, like the rest of this module

    precision = precision.reindex(dates.index).fillna("day").astype(str)
    ends = dates.copy()
    year = precision == "year"
    month = precision == "month"
    ends[year] = dates[year] + pd.offsets.YearEnd(0)
    ends[month] = dates[month] + pd.offsets.MonthEnd(0)
    return ends


def _sorted_by_period_end(table: pd.DataFrame, date: str, precision: str) -> pd.DataFrame:
    """``table`` sorted by the end of each row's ``date`` period, then ``id``; undated rows last."""
    key = period_end(table[date], table[precision]) if precision in table else table[date]
    order = table.assign(_period_end=key).sort_values(["_period_end", "id"], na_position="last", kind="stable")
    return order.drop(columns="_period_end").reset_index(drop=True)


def treaties(
    party: str | None = None,
    obligation: str | None = None,
    in_force_on: object = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """Treaties (and declarations), filtered; with a ``parties`` column such as ``"KAZ;RUS"``.

    - ``party``: a country that is listed as party (if ``in_force_on`` is given:
      bound on that day, from its ``joined_date`` — or the treaty's entry into
      force when that is empty — until its ``left_date``).
    - ``obligation``: one of the ATOP-based obligations, e.g. ``"defense"``.
    - ``in_force_on``: in force on that day (``in_force_date <= d < end_date``).
    - ``kind``: ``"bilateral"`` or ``"multilateral"``.

    ``parties`` lists every state in treaty_parties for the treaty (signatories
    included), or with ``in_force_on`` only those bound on that day. Sorted by
    signing date, a year- or month-precision date at the end of its period
    (``period_end``).

    >>> "cst_1992" in treaties(party="UZB", obligation="defense")["id"].tolist()
    True
    >>> "UZB" in treaties(in_force_on="2005-01-01").set_index("id").at["cst_1992", "parties"]
    False
    """
    table = _table_frame("treaties")
    mask = table["id"].notna()
    if kind is not None:
        mask &= table["kind"] == _choose(kind, _vocabulary("treaties", "kind"), "treaty kind")[0]
    if obligation is not None:
        wanted = _choose(obligation, _OBLIGATIONS, "obligation")[0]
        mask &= table["obligations"].fillna("").str.split(";").apply(lambda items: wanted in items)
    spells = _party_spells()
    day = None
    if in_force_on is not None:
        day = to_timestamp(in_force_on, "date `in_force_on`")
        mask &= _active(table["in_force_date"], table["end_date"], day)
        spells = spells.loc[_active(spells["bound_from"], spells["left_date"], day)]
    if party is not None:
        code = iso3_of(party)
        mask &= table["id"].isin(spells.loc[spells["iso3"] == code, "treaty_id"])
    result = table.loc[mask].copy()
    listed = spells.groupby("treaty_id")["iso3"].agg(lambda codes: ";".join(sorted(set(codes))))
    result["parties"] = result["id"].map(listed).fillna("")
    return _sorted_by_period_end(result, "signed_date", "signed_precision")


_OBLIGATIONS = [
    "defense", "offense", "neutrality", "nonaggression", "consultation", "basing",
    "military_cooperation", "nuclear_weapon_free", "border", "friendship",
    "strategic_partnership", "counter_terrorism", "declaration",
]  # fmt: skip


def facilities(
    operator: str | None = None,
    active_on: object = None,
    host: str | None = None,
    status: str | list[str] | None = None,
    confirmed_on: object = None,
) -> pd.DataFrame:
    """Military facilities, filtered by operator, host country, status and date.

    ``active_on`` keeps facilities open that day (``opened <= d < closed``); a
    facility whose opening date is unknown is left out of dated questions,
    because the dataset cannot say it was open then.

    ``confirmed_on`` keeps facilities open that day whose use that day a source
    confirms: every ``active`` or ``closed`` row, and a ``reported`` row up to and
    including its ``last_confirmed`` date (never, if that is empty). The Kara-Balta
    communications node, for example, is ``reported`` today but confirmed in use in 2010.

    >>> "rus_kant" in facilities(operator="RUS", host="KGZ", active_on=2010)["id"].tolist()
    True
    """
    table = _table_frame("facilities")
    mask = table["id"].notna()
    if operator is not None:
        mask &= table["operator_iso3"] == iso3_of(operator)
    if host is not None:
        mask &= table["host_iso3"] == iso3_of(host)
    statuses = _choose(status, _vocabulary("facilities", "status"), "facility status")
    if statuses is not None:
        mask &= table["status"].isin(statuses)
    if active_on is not None:
        mask &= _active(table["opened"], table["closed"], to_timestamp(active_on, "date `active_on`"))
    if confirmed_on is not None:
        day = to_timestamp(confirmed_on, "date `confirmed_on`")
        # a reported row is confirmed through the day of its latest confirming source
        confirmed = (table["status"] != "reported") | (table["last_confirmed"] >= day)
        mask &= _active(table["opened"], table["closed"], day) & confirmed
    return table.loc[mask].sort_values("id").reset_index(drop=True)


def events(
    category: str | list[str] | None = None,
    between: tuple[object, object] | None = None,
    country: str | None = None,
) -> pd.DataFrame:
    """Events, filtered by category, a date window and an involved country.

    ``between=(start, end)`` is inclusive at both ends and keeps every event
    that overlaps the window (an event without ``end_date`` lasts one day);
    either bound may be ``None``. Sorted by start date; a month- or year-precision
    start sorts at the end of its month or year (``period_end``).

    >>> clashes = events(category="armed_clash", country="KGZ", between=("2021-01-01", "2022-12-31"))
    >>> clashes["start_date"].dt.year.tolist()
    [2021, 2022]
    """
    table = _table_frame("events")
    mask = table["id"].notna()
    categories = _choose(category, _vocabulary("events", "category"), "event category")
    if categories is not None:
        mask &= table["category"].isin(categories)
    if between is not None:
        if not isinstance(between, tuple | list) or len(between) != 2:
            raise CourseError("Give `between` as a pair (start, end), e.g. ('2010-01-01', '2012-12-31').")
        start, end = between
        last_day = table["end_date"].fillna(table["start_date"])
        if start is not None:
            mask &= last_day >= to_timestamp(start, "start of `between`")
        if end is not None:
            mask &= table["start_date"] <= to_timestamp(end, "end of `between`")
    if country is not None:
        code = iso3_of(country)
        mask &= table["countries"].fillna("").str.split(";").apply(lambda codes: code in codes)
    return _sorted_by_period_end(table.loc[mask], "start_date", "start_precision")


# --------------------------------------------------------------------------- geometry


def _geo_paths() -> list[Path]:
    folder = data_dir() / "geo"
    return [folder / name for name in _GEO_FILES if (folder / name).is_file()]


def countries_geo() -> dict:
    """Country outlines as a GeoJSON FeatureCollection (properties ``iso3`` and ``name``).

    Central Asia and its neighbours come from ``data/geo/central_asia.geojson``;
    other countries, if present, from ``world_110m.geojson``. Natural Earth, de
    facto boundaries. Returns a deep copy.

    >>> {"KAZ", "KGZ", "TJK", "TKM", "UZB"} <= {f["properties"]["iso3"] for f in countries_geo()["features"]}
    True
    """
    paths = _geo_paths()
    if not paths:
        raise CourseError(
            f"No country outlines in {data_dir() / 'geo'}; run tools/make_geo.py to create them."
        )
    key = str(paths[0].parent.resolve())
    signature = tuple(_signature(path) for path in paths)
    cached = _GEO_CACHE.get(key)
    if not cached or cached[0] != signature:
        seen: set[str] = set()
        features = []
        for path in paths:
            try:
                collection = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CourseError(
                    f"{path} is not valid GeoJSON ({exc}); rebuild it with tools/make_geo.py."
                ) from None
            for feature in collection.get("features", []):
                code = feature.get("properties", {}).get("iso3")
                if code and code not in seen:
                    seen.add(code)
                    features.append(feature)
        cached = (signature, {"type": "FeatureCollection", "features": features})
        _GEO_CACHE[key] = cached
    return copy.deepcopy(cached[1])


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """Polygon or MultiPolygon -> list of polygons, each a list of rings of [lon, lat]."""
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting (even-odd rule)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _distance_to_ring(lon: float, lat: float, ring: list[list[float]]) -> float:
    """Shortest planar distance in degrees from the point to the ring's edges."""
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((lon - x1) * dx + (lat - y1) * dy) / length))
        best = min(best, math.hypot(lon - (x1 + t * dx), lat - (y1 + t * dy)))
    return best


def point_in_country(lat: float, lon: float, iso3: str, tolerance: float = 0.0) -> bool | None:
    """Whether (lat, lon) lies in the country's outline in data/geo; None if it has no outline.

    ``tolerance`` (degrees) also accepts points that close to the border, to
    allow for the simplified outlines (0.02 degree is about 2 km).

    >>> point_in_country(51.17, 71.45, "KAZ"), point_in_country(51.17, 71.45, "UZB")   # Astana
    (True, False)
    """
    geometry = None
    for feature in countries_geo()["features"]:
        if feature.get("properties", {}).get("iso3") == iso3:
            geometry = feature.get("geometry") or {}
            break
    if geometry is None:
        return None
    for polygon in _polygons(geometry):
        if (
            polygon
            and _in_ring(lon, lat, polygon[0])
            and not any(_in_ring(lon, lat, hole) for hole in polygon[1:])
        ):
            return True
    if tolerance > 0:
        return any(
            _distance_to_ring(lon, lat, ring) <= tolerance
            for polygon in _polygons(geometry)
            for ring in polygon
        )
    return False


# --------------------------------------------------------------------------- validation


def _url_problem(url: str) -> str | None:
    """Why a source URL is not a well-formed http(s) URL, or None."""
    if any(character.isspace() for character in url):
        return "contains spaces"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "does not start with http:// or https://"
    if host.endswith("."):
        return f"has a host name ending in a dot ({host!r}); drop the dot"
    if "." not in host or host.startswith("."):
        return "has no valid host name"
    return None


def _where(table: _Table, index: int) -> str:
    return f"{table.filename} line {table.lines[index]}"


def validate() -> list[str]:
    """Check every table; return a list of problems (empty when the dataset is sound).

    Beyond the schema in datapackage.json (types, vocabularies, required cells,
    patterns, keys), it checks what a schema cannot express: spells that end
    before they start or overlap, bilateral treaties without exactly two
    parties, dates qualified by a precision that they do not respect, malformed
    source URLs, facility status against its closing date, and facility
    coordinates outside their host country (when data/geo is present).

    >>> validate()                       # doctest: +SKIP
    []
    """
    problems: list[str] = []
    try:
        package = _package()
        tables: dict[str, _Table] = {}
        for name in TABLES:
            try:
                tables[name] = _table(name)
            except CourseError as exc:
                problems.append(str(exc))
    except CourseError as exc:
        return [str(exc)]
    for table in tables.values():
        problems.extend(table.problems)
    resources = {resource["name"]: resource for resource in package.get("resources", [])}
    for name, table in tables.items():
        problems.extend(_key_problems(name, table, resources.get(name, {}).get("schema", {}), tables))
    problems.extend(_cross_problems(tables))
    return problems


def _key_problems(name: str, table: _Table, schema: dict, tables: dict[str, _Table]) -> list[str]:
    """Unique fields, the primary key and foreign keys of one table."""
    problems = []
    frame = table.frame
    keys = [
        [field["name"]] for field in schema.get("fields", []) if field.get("constraints", {}).get("unique")
    ]
    primary = schema.get("primaryKey")
    if primary:
        keys.append([primary] if isinstance(primary, str) else list(primary))
    for columns in keys:
        if not set(columns) <= set(frame.columns):
            continue
        subset = frame[columns].astype("object")
        duplicated = subset.notna().all(axis=1) & subset.duplicated(keep="first")
        for index in frame.index[duplicated]:
            shown = ", ".join(f"{c}={frame.at[index, c]}" for c in columns)
            problems.append(f"{_where(table, index)}: duplicate {shown} (must be unique)")
    for foreign in schema.get("foreignKeys", []):
        fields = foreign["fields"] if isinstance(foreign["fields"], list) else [foreign["fields"]]
        reference = foreign["reference"]
        target_fields = (
            reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
        )
        target = tables.get(reference.get("resource") or name)
        if target is None or len(fields) != 1:
            continue
        known = set(target.frame[target_fields[0]].dropna())
        for index, value in frame[fields[0]].items():
            if value is not None and value == value and value not in known:
                problems.append(
                    f"{_where(table, index)}, column {fields[0]}: {value!r} is not in "
                    f"{target.filename} ({target_fields[0]})"
                )
    return problems


def _cross_problems(tables: dict[str, _Table]) -> list[str]:
    problems: list[str] = []
    as_of = to_timestamp(AS_OF)

    def ordered(name: str, first: str, second: str, strict: bool) -> None:
        table = tables.get(name)
        if table is None:
            return
        frame = table.frame
        both = frame[first].notna() & frame[second].notna()
        wrong = both & ((frame[second] <= frame[first]) if strict else (frame[second] < frame[first]))
        word = "on or before" if strict else "before"
        for index in frame.index[wrong]:
            problems.append(
                f"{_where(table, index)}: {second} {frame.at[index, second].date()} is {word} "
                f"{first} {frame.at[index, first].date()}"
            )

    ordered("memberships", "start_date", "end_date", strict=True)
    ordered("treaties", "signed_date", "in_force_date", strict=False)
    ordered("treaties", "in_force_date", "end_date", strict=True)
    ordered("treaty_parties", "signed_date", "joined_date", strict=False)
    ordered("treaty_parties", "joined_date", "left_date", strict=True)
    ordered("facilities", "opened", "closed", strict=True)
    ordered("events", "start_date", "end_date", strict=False)

    # precision: a month-precise date is the 1st, a year-precise one is 1 January
    for table in tables.values():
        frame = table.frame
        for column in frame.columns:
            date_column = _companion_date(column, frame.columns) if column.endswith("_precision") else None
            if date_column is None:
                continue
            dates = frame[date_column]
            for precision, bad in (
                ("month", dates.dt.day != 1),
                ("year", (dates.dt.day != 1) | (dates.dt.month != 1)),
            ):
                for index in frame.index[(frame[column] == precision) & dates.notna() & bad]:
                    problems.append(
                        f"{_where(table, index)}, column {date_column}: {dates[index].date()} has "
                        f"{precision} precision, so it must be the first day of the {precision}"
                    )
            undated = frame[column].notna() & dates.isna()
            for index in frame.index[undated]:
                if (index, date_column) in table.bad_cells:
                    continue  # already reported as an unreadable date
                problems.append(
                    f"{_where(table, index)}, column {column}: a precision without a {date_column}"
                )

    # source URLs
    for table in tables.values():
        for column in ("source_url", "alt_source_url"):
            if column not in table.frame.columns:
                continue
            for index, url in table.frame[column].items():
                if isinstance(url, str) and (why := _url_problem(url)):
                    problems.append(f"{_where(table, index)}, column {column}: {url!r} {why}")

    memberships = tables.get("memberships")
    if memberships is not None:
        frame = memberships.frame.sort_values(["organization_id", "iso3", "start_date"])
        previous = None
        for index, row in frame.iterrows():
            if _notna(row["start_date"]) and row["start_date"] > as_of:
                problems.append(f"{_where(memberships, index)}: start_date is after the as-of date {AS_OF}")
            key = (row["organization_id"], row["iso3"])
            if previous is not None and previous[0] == key:
                end = previous[2]
                if not _notna(end) or row["start_date"] < end:
                    problems.append(
                        f"{_where(memberships, index)}: {key[1]} spell in {key[0]} starting "
                        f"{row['start_date'].date()} overlaps the spell at line {memberships.lines[previous[1]]}"
                    )
            previous = (key, index, row["end_date"])

    treaties_table, parties = tables.get("treaties"), tables.get("treaty_parties")
    if treaties_table is not None and parties is not None:
        counts = parties.frame.groupby("treaty_id")["iso3"].nunique()
        for index, row in treaties_table.frame.iterrows():
            if row["kind"] == "bilateral" and counts.get(row["id"], 0) != 2:
                problems.append(
                    f"{_where(treaties_table, index)}: bilateral treaty {row['id']} has "
                    f"{counts.get(row['id'], 0)} parties in treaty_parties.csv (needs exactly 2)"
                )

    countries, events_table = tables.get("countries"), tables.get("events")
    if countries is not None and events_table is not None:
        known = set(countries.frame["iso3"].dropna())
        for index, listed in events_table.frame["countries"].items():
            for code in str(listed).split(";") if isinstance(listed, str) else []:
                if code not in known:
                    problems.append(
                        f"{_where(events_table, index)}, column countries: {code!r} is not in countries.csv"
                    )
        for index, start in events_table.frame["start_date"].items():
            if _notna(start) and start > as_of:
                problems.append(f"{_where(events_table, index)}: start_date is after the as-of date {AS_OF}")

    facilities_table = tables.get("facilities")
    if facilities_table is not None:
        frame = facilities_table.frame
        for index, row in frame.iterrows():
            if row["status"] == "closed" and not _notna(row["closed"]):
                problems.append(
                    f"{_where(facilities_table, index)}: status is closed but closed date is empty"
                )
            if row["status"] == "active" and _notna(row["closed"]) and row["closed"] <= as_of:
                problems.append(
                    f"{_where(facilities_table, index)}: status is active but it closed {row['closed'].date()}"
                )
            # last_confirmed (README): the end of a reported row's confirmed span; other rows are
            # confirmed while open, so the column is theirs to leave empty
            if "last_confirmed" in frame.columns:
                last = row["last_confirmed"]
                where = _where(facilities_table, index)
                if _notna(last) and row["status"] != "reported":
                    problems.append(
                        f"{where}: status is {row['status']} but last_confirmed is set; leave it empty "
                        "(only a reported row needs the date of its latest confirming source)"
                    )
                elif _notna(last):
                    for column, word in (("opened", "before"), ("closed", "on or after")):
                        bound = row[column]
                        if _notna(bound) and (last < bound if column == "opened" else last >= bound):
                            problems.append(
                                f"{where}: last_confirmed {last.date()} is {word} {column} {bound.date()}"
                            )
                    if last > as_of:
                        problems.append(f"{where}: last_confirmed {last.date()} is after the as-of date {AS_OF}")
                elif row["status"] == "reported" and "never confirmed" not in str(row["note"] or "").lower():
                    problems.append(
                        f"{where}: status is reported but last_confirmed is empty; give the date of the latest "
                        "source that confirms use, or say in the note that use was 'never confirmed' and why"
                    )
            # the audit rule (README): a status other than "reported" rests on two sources
            if "alt_source_url" in frame.columns and row["status"] in ("active", "closed"):
                if not (isinstance(row["alt_source_url"], str) and row["alt_source_url"].strip()):
                    problems.append(
                        f"{_where(facilities_table, index)}: status is {row['status']} but alt_source_url is "
                        "empty; add a second source or set status to reported"
                    )
        if _geo_paths():
            problems.extend(_facility_location_problems(facilities_table))
    return problems


def _notna(value: object) -> bool:
    """True for a real value (not None, NaN or NaT)."""
    import pandas as pd

    return bool(pd.notna(value))


def _facility_location_problems(table: _Table | None = None, tolerance: float = 0.02) -> list[str]:
    """Facilities whose coordinates fall outside their host country's outline (data/geo)."""
    table = table or _table("facilities")
    problems = []
    for index, row in table.frame.iterrows():
        if not (_notna(row["lat"]) and _notna(row["lon"]) and isinstance(row["host_iso3"], str)):
            continue
        inside = point_in_country(row["lat"], row["lon"], row["host_iso3"], tolerance=tolerance)
        if inside is None:
            problems.append(f"{_where(table, index)}: no outline for host {row['host_iso3']} in data/geo")
        elif not inside:
            problems.append(
                f"{_where(table, index)}: {row['id']} at ({row['lat']}, {row['lon']}) is outside "
                f"its host country {row['host_iso3']}"
            )
    return problems


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """``python -m casecurity.data validate``: print every problem; exit 1 if any."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["validate"] or len(args) > 1:
        print("usage: python -m casecurity.data validate   (set CASECURITY_DATA to check another folder)")
        return 2
    try:
        problems = validate()
    except CourseError as exc:  # pragma: no cover - validate() collects its errors
        problems = [str(exc)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {data_dir()}")
        return 1
    rows = sum(len(_table(name).frame) for name in TABLES)
    print(f"OK: {len(TABLES)} tables, {rows} rows in {data_dir()}, no problems (as of {AS_OF}).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
