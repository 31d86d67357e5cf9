"""Dependency-free SVG charts: who belonged to what, and when things happened.

The charts are written as plain SVG text (no matplotlib), so that

* they are small and identical on every run (strict nbval compares saved
  outputs, and a random id or a font-dependent layout would break that);
* they carry their own text alternative: every chart has a ``<title>`` and a
  ``<desc>``, every bar or point has its own ``<title>`` (shown on hover and
  read by screen readers), and the Python object has ``.alt_text`` and
  ``.table`` (the rows that were drawn), so nothing is told by colour alone.

Both builders return an :class:`SVGChart`, which Jupyter displays as SVG.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from casecurity import palette
from casecurity.data import as_date
from casecurity.errors import CourseError, suggest

__all__ = ["SVGChart", "membership_timeline_chart", "events_timeline_chart"]

# Layout in SVG user units (pixels at 100% zoom). Fixed numbers keep the output deterministic.
_WIDTH = 920
_LABEL_WIDTH = 250  # left column with "Kazakhstan · CSTO"
_RIGHT_PAD = 24
_TOP = 56  # room for the heading
_ROW = 20
_BAR = 13
_AXIS_HEIGHT = 30
_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""
_CHAR_WIDTH = 6.2  # rough width of one 11px character, to decide whether a label fits in a bar
_TEXT = palette.OKABE_ITO["black"]
_GRID = palette.NEUTRAL


@dataclass
class SVGChart:
    """An SVG chart with its text alternative.

    Attributes:
        svg: the SVG document (a string); Jupyter shows it through ``_repr_svg_``.
        title: the chart's heading (also its SVG ``<title>``).
        alt_text: a one-paragraph summary in words (also its SVG ``<desc>``).
        table: a DataFrame with one row per drawn bar or point.
    """

    svg: str
    title: str
    alt_text: str
    table: pd.DataFrame = field(repr=False)

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.alt_text

    def __repr__(self) -> str:
        # the plain-text fallback a notebook saves next to the SVG: short, and the same on every run
        return f"<SVGChart: {self.title} ({len(self.table)} rows drawn)>"

    def save(self, path: str | os.PathLike) -> Path:
        """Write the SVG to ``path`` (atomically) and return the path."""
        target = Path(path)
        if target.suffix.lower() != ".svg":
            raise CourseError(
                f"Chart file name {str(target)!r} should end in '.svg'; for example 'timeline.svg'."
            )
        from casecurity.files import write_text_atomically

        return write_text_atomically(target, self.svg)


# --------------------------------------------------------------------------- helpers


def _data():
    # imported late: casecurity.data reads CSV files, which a chart-less import should not pay for
    from casecurity import data

    return data


def _with_precision(day: dt.date, precision) -> str:
    """A date written no more precisely than the source gives it: '1992', '1992-05' or '1992-05-15'."""
    text = day.isoformat()
    if str(precision) == "year":
        return text[:4]
    if str(precision) == "month":
        return text[:7]
    return text


def _year_fraction(day: dt.date) -> float:
    """1994-07-02 -> about 1994.5, so bars sit at the right place inside a year."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _fmt(number: float) -> str:
    """Short, stable number formatting for SVG attributes."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _as_list(value, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        items = [str(v) for v in value]
        if not items:
            raise CourseError(f"The list of {what} is empty; give at least one, or None for all.")
        return items
    raise CourseError(
        f"{what.capitalize()} should be a string or a list of strings, not {type(value).__name__}."
    )


def _chart_id(*parts: str) -> str:
    """A deterministic id, so two charts on one page do not share ids but reruns match."""
    return "cachart-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def _axis(x_of, first_year: int, last_year: int, top: float, bottom: float) -> list[str]:
    """Year grid lines and labels; a tick every 1, 2, 5 or 10 years depending on the span."""
    span = last_year - first_year
    step = next(s for s in (1, 2, 5, 10, 20) if span / s <= 12)
    parts = ['<g class="axis" aria-hidden="true">']
    year = first_year + (-first_year) % step
    while year <= last_year:
        x = _fmt(x_of(float(year)))
        parts.append(
            f'<line x1="{x}" y1="{_fmt(top)}" x2="{x}" y2="{_fmt(bottom)}" stroke="{_GRID}" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{x}" y="{_fmt(bottom + 16)}" text-anchor="middle" font-size="11" fill="{_TEXT}">{year}</text>'
        )
        year += step
    parts.append("</g>")
    return parts


def _x_scale(first_year: int, last_year: int):
    plot_width = _WIDTH - _LABEL_WIDTH - _RIGHT_PAD

    def x_of(year: float) -> float:
        return _LABEL_WIDTH + (year - first_year) / (last_year - first_year) * plot_width

    return x_of


def _document(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_WIDTH} {_fmt(height)}" style="max-width:100%;height:auto" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {_FONT}>'
    )
    return "\n".join(
        [
            head,
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
            f'<rect x="0" y="0" width="{_WIDTH}" height="{_fmt(height)}" fill="white"/>',
            f'<text x="12" y="24" font-size="16" font-weight="bold" fill="{_TEXT}">{escape(title)}</text>',
            *body,
            "</svg>",
        ]
    )


# --------------------------------------------------------------------------- membership Gantt chart


def _membership_rows(orgs: list[str] | None, countries: list[str] | None) -> tuple[pd.DataFrame, list[str]]:
    """The spells to draw, with country names, and the countries in display order."""
    data = _data()
    spells = data.load("memberships").copy()
    spells["organization_id"] = spells["organization_id"].astype(str)
    spells["iso3"] = spells["iso3"].astype(str)
    spells["status"] = spells["status"].astype(str)

    if countries is None:
        table = data.load("countries")
        country_order = sorted(
            table.loc[table["group"].astype(str) == "central_asia", "iso3"].astype(str),
            key=lambda code: data.country_name(code),
        )
    else:
        # iso3_of raises a CourseError with suggestions; a repeated country gets one set of rows
        country_order = list(dict.fromkeys(data.iso3_of(c) for c in countries))
    if orgs is not None:
        organizations = data.load("organizations")
        known = sorted(organizations["id"].astype(str))
        by_key = {str(i).casefold(): str(i) for i in organizations["id"]}
        by_key.update(
            {
                str(n).casefold(): str(i)
                for i, n in zip(organizations["id"], organizations["name"], strict=True)
            }
        )
        wanted = []
        for org in orgs:
            if org.strip().casefold() not in by_key:
                raise suggest(org, known, "organization")
            wanted.append(by_key[org.strip().casefold()])
        spells = spells[spells["organization_id"].isin(wanted)]
    spells = spells[spells["iso3"].isin(country_order)].copy()
    spells["start"] = spells["start_date"].map(as_date)
    spells["end"] = spells["end_date"].map(as_date)
    spells = spells[spells["start"].notna()]
    return spells, country_order


def membership_timeline_chart(orgs=None, countries=None) -> SVGChart:
    """A Gantt chart of memberships: one row per country and organisation, one bar per spell.

    Args:
        orgs: organisation id or name, or a list of them (``"CSTO"``, ``["CSTO", "SCO"]``); None = every
            organisation that any of the countries belonged to.
        countries: ISO3 code(s) or name(s); None = the five Central Asian states.

    Bars take the organisation's colour (``palette.org_color``); the status is shown by fill
    opacity and border dash (``palette.status_style``), written inside the bar when it fits, and
    always in the bar's tooltip and in ``.table``. A spell still running is drawn up to
    ``data.AS_OF`` and ends in an arrow. Returns an :class:`SVGChart`; ``.table`` has the columns
    ``country, iso3, organization_id, status, start_date, start_precision, end_date, end_precision``
    (``end_date`` None = ongoing); tooltips write dates only as precisely as the source gives them.
    """
    data = _data()
    org_list = _as_list(orgs, "organisations")
    country_list = _as_list(countries, "countries")
    spells, country_order = _membership_rows(org_list, country_list)
    as_of = data.AS_OF
    if spells.empty:
        raise CourseError(
            "No membership spells match these organisations and countries; "
            "check the lists (for example orgs=['CSTO'], countries=['KAZ'])."
        )

    # rows: countries in the given order; inside a country, organisations by first joining date
    first_start = spells.groupby(["iso3", "organization_id"])["start"].min()
    rows: list[tuple[str, str]] = []
    for iso3 in country_order:
        if iso3 in first_start.index.get_level_values(0):
            orgs_here = first_start.loc[iso3].sort_index()
            rows.extend((iso3, org) for org in orgs_here.sort_values(kind="stable").index)

    first_year = min(spells["start"]).year
    last_year = as_of.year + 1
    x_of = _x_scale(first_year, last_year)
    plot_top = _TOP
    plot_bottom = plot_top + len(rows) * _ROW

    body: list[str] = []
    body.extend(_axis(x_of, first_year, last_year, plot_top - 4, plot_bottom))
    table_rows = []
    previous_country = None
    for index, (iso3, org) in enumerate(rows):
        y = plot_top + index * _ROW
        name = data.country_name(iso3)
        if iso3 != previous_country and index:
            body.append(
                f'<line x1="8" y1="{_fmt(y)}" x2="{_WIDTH - _RIGHT_PAD}" y2="{_fmt(y)}" '
                f'stroke="{_TEXT}" stroke-width="0.5" aria-hidden="true"/>'
            )
        previous_country = iso3
        body.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{_fmt(y + _BAR)}" text-anchor="end" font-size="12" '
            f'fill="{_TEXT}">{escape(name)} · {escape(org)}</text>'
        )
        color = palette.org_color(org)
        row_spells = spells[(spells["iso3"] == iso3) & (spells["organization_id"] == org)].sort_values(
            "start"
        )
        body.append(f'<g class="row" data-iso3="{iso3}" data-org="{escape(org)}">')
        for spell in row_spells.itertuples():
            style = palette.status_style(spell.status)
            end = spell.end if spell.end is not None else as_of
            x0 = x_of(_year_fraction(spell.start))
            x1 = max(x_of(_year_fraction(end)), x0 + 2)  # a one-day spell stays visible
            until = (
                f"until {_with_precision(spell.end, getattr(spell, 'end_precision', None))}"
                if spell.end is not None
                else f"to the present (as of {as_of.isoformat()})"
            )
            since = _with_precision(spell.start, getattr(spell, "start_precision", None))
            tooltip = f"{name}, {org}: {style['label']} from {since} {until}"
            dash = f' stroke-dasharray="{style["dash_array"]}"' if style["dash_array"] else ""
            body.append(
                f'<g class="spell" data-status="{escape(spell.status)}"><title>{escape(tooltip)}</title>'
                f'<rect x="{_fmt(x0)}" y="{_fmt(y + 2)}" width="{_fmt(x1 - x0)}" height="{_BAR}" '
                f'fill="{color}" fill-opacity="{style["fill_opacity"]}" stroke="{color}" '
                f'stroke-width="{style["weight"]}"{dash}/>'
            )
            if spell.end is None:  # an arrow head says "still running"
                tip_y = y + 2 + _BAR / 2
                body.append(
                    f'<path d="M{_fmt(x1)} {_fmt(y + 1)} L{_fmt(x1 + 7)} {_fmt(tip_y)} L{_fmt(x1)} {_fmt(y + 3 + _BAR)} Z" '
                    f'fill="{color}" aria-hidden="true"/>'
                )
            word = style["label"].split(" (")[0]
            if (x1 - x0) > len(word) * _CHAR_WIDTH + 8:
                body.append(
                    f'<text x="{_fmt(x0 + 4)}" y="{_fmt(y + _BAR - 1)}" font-size="10.5" fill="{_TEXT}" '
                    f'aria-hidden="true">{escape(word)}</text>'
                )
            body.append("</g>")
            table_rows.append(
                {
                    "country": name,
                    "iso3": iso3,
                    "organization_id": org,
                    "status": spell.status,
                    "start_date": spell.start,
                    "start_precision": str(getattr(spell, "start_precision", "day")),
                    "end_date": spell.end,
                    "end_precision": None
                    if spell.end is None
                    else str(getattr(spell, "end_precision", "day")),
                }
            )
        body.append("</g>")

    # legend: organisations (colour) and statuses (opacity + dash + word)
    legend_y = plot_bottom + _AXIS_HEIGHT + 10
    shown_orgs = sorted({org for _, org in rows})
    shown_statuses = [s for s in palette.STATUS_STYLES if s in set(spells["status"])]
    shown_statuses += sorted(set(spells["status"]) - set(shown_statuses))
    legend, legend_height = _legend(
        legend_y,
        [("Organisation:", None)]
        + [(org, {"color": palette.org_color(org), "status": "member"}) for org in shown_orgs],
        [("Status:", None)]
        + [(palette.status_style(s)["label"], {"color": _TEXT, "status": s}) for s in shown_statuses],
    )
    body.extend(legend)

    title = _membership_title(org_list, rows)
    alt_text = _membership_alt_text(table_rows, country_order, first_year, as_of)
    chart_id = _chart_id("membership", title, alt_text)
    svg = _document(chart_id, title, alt_text, legend_y + legend_height + 8, body)
    table = pd.DataFrame(
        table_rows,
        columns=[
            "country",
            "iso3",
            "organization_id",
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
        ],
    )
    return SVGChart(svg=svg, title=title, alt_text=alt_text, table=table)


def _legend(top: float, *lines: list[tuple[str, dict | None]]) -> tuple[list[str], float]:
    """Legend lines of swatches; each swatch shows colour, opacity and dash, with its word beside it."""
    parts = ['<g class="legend">']
    y = top
    for line in lines:
        x = 12.0
        for text, swatch in line:
            if swatch is None:
                parts.append(
                    f'<text x="{_fmt(x)}" y="{_fmt(y + 11)}" font-size="12" font-weight="bold" fill="{_TEXT}">{escape(text)}</text>'
                )
                x += len(text) * 7.6 + 12
                continue
            width = len(text) * 6.9 + 40
            if x + width > _WIDTH - _RIGHT_PAD:  # wrap
                x = 12.0 + 90
                y += 18
            style = palette.status_style(swatch["status"])
            dash = f' stroke-dasharray="{style["dash_array"]}"' if style["dash_array"] else ""
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y + 1)}" width="18" height="11" fill="{swatch["color"]}" '
                f'fill-opacity="{style["fill_opacity"]}" stroke="{swatch["color"]}" stroke-width="{style["weight"]}"{dash}/>'
            )
            parts.append(
                f'<text x="{_fmt(x + 23)}" y="{_fmt(y + 11)}" font-size="11.5" fill="{_TEXT}">{escape(text)}</text>'
            )
            x += width
        y += 20
    parts.append("</g>")
    return parts, y - top


def _membership_title(org_list: list[str] | None, rows: list[tuple[str, str]]) -> str:
    orgs = sorted({org for _, org in rows})
    if org_list is None or len(orgs) > 3:
        return "Who belonged to which organisation, and when"
    listed = orgs[0] if len(orgs) == 1 else ", ".join(orgs[:-1]) + " and " + orgs[-1]
    return f"Membership of {listed} over time"


def _membership_alt_text(
    table_rows: list[dict], country_order: list[str], first_year: int, as_of: dt.date
) -> str:
    """One sentence per country: each organisation with status and years."""
    sentences = []
    for iso3 in country_order:
        mine = [r for r in table_rows if r["iso3"] == iso3]
        if not mine:
            continue
        items = []
        for row in mine:
            label = palette.status_style(row["status"])["label"].split(" (")[0]
            end = f"–{row['end_date'].year}" if row["end_date"] is not None else " onwards"
            items.append(f"{row['organization_id']} {label} {row['start_date'].year}{end}")
        sentences.append(f"{mine[0]['country']}: {'; '.join(items)}.")
    head = (
        f"Timeline chart of {len(table_rows)} membership spells from {first_year} to {as_of.isoformat()} "
        f"(bars still running end in an arrow)."
    )
    return " ".join([head, *sentences])


# --------------------------------------------------------------------------- events timeline


def _category_colors(categories: list[str]) -> dict[str, str]:
    """The colour of each event category, from casecurity.palette (the same as on the events map).

    The row already names the category, so colour is never the only cue. Categories the palette
    does not know (a vocabulary extended later) get the neutral grey.
    """
    return {category: palette.event_color(category) for category in categories}


def events_timeline_chart(category=None, between=None) -> SVGChart:
    """A timeline of events: one row per category, one dot per event (a line when it lasted).

    Args:
        category: an ``events.category`` word (``"armed_clash"``) or a list of them; None = all.
        between: ``(start, end)`` dates or years, inclusive (as in ``data.events``); None = all time.

    Every dot has a tooltip with its date and title. Returns an :class:`SVGChart`; ``.table`` has
    the columns ``id, start_date, end_date, category, title`` in date order.
    """
    data = _data()
    categories = _as_list(category, "categories")
    events = data.events(category=categories, between=between).copy()
    events["start"] = events["start_date"].map(as_date)
    events["end"] = events["end_date"].map(as_date)
    events["category"] = events["category"].astype(str)
    # keep data.events()' order: a year- or month-precision start sorts at the end of its period
    events = events[events["start"].notna()]
    as_of = data.AS_OF
    if events.empty:
        raise CourseError(
            "No events match this category and period; try category=None or a wider between=(1991, 2026)."
        )

    all_categories = data.load("events")["category"]
    vocabulary = (
        [str(c) for c in all_categories.cat.categories]
        if isinstance(all_categories.dtype, pd.CategoricalDtype)
        else sorted(all_categories.astype(str).unique())
    )
    colors = _category_colors(vocabulary)
    rows = [c for c in vocabulary if c in set(events["category"])]
    rows += sorted(set(events["category"]) - set(rows))

    if between is not None:
        first_year = min(events["start"]).year
        last_year = (
            max(
                max(events["start"]).year,
                max((e for e in events["end"] if e is not None), default=dt.date.min).year,
            )
            + 1
        )
    else:
        first_year = min(events["start"]).year
        last_year = as_of.year + 1
    last_year = max(last_year, first_year + 1)
    x_of = _x_scale(first_year, last_year)
    plot_top = _TOP
    plot_bottom = plot_top + len(rows) * _ROW

    body = _axis(x_of, first_year, last_year, plot_top - 4, plot_bottom)
    for index, cat in enumerate(rows):
        y = plot_top + index * _ROW + _ROW / 2
        color = colors.get(cat, palette.NEUTRAL)
        label = cat.replace("_", " ")
        body.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{_fmt(y + 4)}" text-anchor="end" font-size="12" fill="{_TEXT}">{escape(label)}</text>'
        )
        body.append(
            f'<line x1="{_LABEL_WIDTH}" y1="{_fmt(y)}" x2="{_WIDTH - _RIGHT_PAD}" y2="{_fmt(y)}" stroke="{_GRID}" stroke-width="0.4" aria-hidden="true"/>'
        )
        body.append(f'<g class="row" data-category="{escape(cat)}">')
        for event in events[events["category"] == cat].itertuples():
            x0 = x_of(_year_fraction(event.start))
            when = event.start.isoformat() + (f" to {event.end.isoformat()}" if event.end is not None else "")
            body.append(
                f'<g class="event" data-id="{escape(str(event.id))}"><title>{escape(f"{when}: {event.title}")}</title>'
            )
            if event.end is not None and event.end > event.start:
                x1 = x_of(_year_fraction(event.end))
                body.append(
                    f'<line x1="{_fmt(x0)}" y1="{_fmt(y)}" x2="{_fmt(x1)}" y2="{_fmt(y)}" stroke="{color}" stroke-width="4" stroke-linecap="round"/>'
                )
            body.append(
                f'<circle cx="{_fmt(x0)}" cy="{_fmt(y)}" r="4.5" fill="{color}" fill-opacity="0.8" stroke="{_TEXT}" stroke-width="0.6"/>'
            )
            body.append("</g>")
        body.append("</g>")

    table = pd.DataFrame(
        {
            "id": events["id"].astype(str).to_list(),
            "start_date": events["start"].to_list(),
            "end_date": events["end"].to_list(),
            "category": events["category"].to_list(),
            "title": events["title"].astype(str).to_list(),
        }
    )
    what = "all categories" if categories is None else ", ".join(c.replace("_", " ") for c in categories)
    title = "Events over time" + ("" if categories is None else f": {what}")
    counts = table["category"].value_counts()
    count_words = ", ".join(f"{c.replace('_', ' ')} {counts[c]}" for c in rows)
    first, last = table.iloc[0], table.iloc[-1]
    alt_text = (
        f"Timeline of {len(table)} events ({what}) from {first['start_date'].isoformat()} to "
        f"{last['start_date'].isoformat()}, one row per category. Events per category: {count_words}. "
        f"Earliest: {first['title']} ({first['start_date'].isoformat()}). "
        f"Latest: {last['title']} ({last['start_date'].isoformat()})."
    )
    chart_id = _chart_id("events", title, alt_text)
    svg = _document(chart_id, title, alt_text, plot_bottom + _AXIS_HEIGHT + 6, body)
    return SVGChart(svg=svg, title=title, alt_text=alt_text, table=table)
