"""Interactive explorers built from ipywidgets: pick an organisation, a date, a filter; see the result.

Each explorer is a container widget (a ``VBox``) with

* labelled controls that work with the keyboard (Tab to reach them, arrow keys
  to move a slider or change a drop-down),
* a summary line that states the result in words (nothing is told by colour
  alone),
* the map or chart, and a table of exactly what is shown.

The explorers compute their result in Python as soon as a control's value
changes, so they can be used (and tested) without a browser: set
``explorer.org.value = "SCO"`` and read ``explorer.table`` or
``explorer.summary.value``. ``explorer.update()`` recomputes on demand.

Saved notebook outputs of widgets cannot be compared by strict nbval; tag the
cells that display an explorer ``nbval-ignore-output``.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import ipywidgets as widgets
import pandas as pd

from casecurity import palette
from casecurity.data import as_date
from casecurity.errors import CourseError, suggest

__all__ = [
    "MembershipExplorer",
    "TreatyExplorer",
    "EventTimeline",
    "membership_explorer",
    "treaty_explorer",
    "timeline",
]

_STYLE = {"description_width": "initial"}  # show the whole label, never "Organis..."
_ANY = "any"


# --------------------------------------------------------------------------- helpers


def _data():
    from casecurity import data

    return data


def _maps():
    from casecurity import maps

    return maps


def _long_date(day: dt.date) -> str:
    """2000-01-01 -> '1 January 2000' (no locale: the same on every machine)."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _status_word(status: str) -> str:
    return palette.status_style(status)["label"]


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _html_table(
    frame: pd.DataFrame, caption: str, link_column: str | None = "Source", collapsed: bool | None = None
) -> str:
    """An accessible HTML table: a caption, column headers with scope, links that open in a new tab.

    The table sits in a ``<details>`` element, which a keyboard user opens and closes with Enter
    like any button; ``collapsed=None`` closes it when it is longer than a screen (over 15 rows).
    """
    if collapsed is None:
        collapsed = len(frame) > 15
    head = "".join(
        f'<th scope="col" style="text-align:left;padding:2px 8px">{escape(str(c))}</th>'
        for c in frame.columns
    )
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            if column == link_column and text.startswith(("http://", "https://")):
                cell = f'<a href="{escape(text)}" target="_blank" rel="noopener">source</a>'
            else:
                cell = escape(text)
            cells.append(f'<td style="padding:2px 8px">{cell}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(
            f'<tr><td colspan="{len(frame.columns)}" style="padding:2px 8px"><em>(no rows)</em></td></tr>'
        )
    table = (
        '<table style="border-collapse:collapse;font-size:0.9em">'
        f'<caption style="text-align:left;font-weight:bold;padding:4px 0">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    rows = _plural(len(frame), "row")
    return (
        f'<details{"" if collapsed else " open"}><summary style="cursor:pointer">Table ({rows}): '
        f"show or hide</summary>{table}</details>"
    )


def _summary_html(text: str) -> str:
    # role=status: screen readers announce the new summary after a control changes
    return f'<p role="status" aria-live="polite" style="margin:4px 0;font-size:1.05em">{escape(text)}</p>'


def _map_html(build) -> tuple[str, object | None]:
    """The map's HTML (a self-contained iframe) and the map, or a one-line message when it cannot be drawn."""
    try:
        folium_map = build()
    except CourseError as error:
        return f"<p><em>No map: {escape(str(error))}</em></p>", None
    return folium_map._repr_html_(), folium_map


class _Explorer(widgets.VBox):
    """Common parts: summary line, table view, current table, update on every control change."""

    def __init__(
        self, controls: list[widgets.Widget], show_visual: bool, watched: list[widgets.Widget] | None = None
    ):
        self.summary = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.visual = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.visual.add_class("casecurity-visual")
        self.table_view = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.show_visual = show_visual
        self.table = pd.DataFrame()
        children = [widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")), self.summary]
        if show_visual:
            children.append(self.visual)
        children.append(self.table_view)
        super().__init__(children=children)
        for control in controls if watched is None else watched:  # linked copies are not watched twice
            control.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, change) -> None:
        self.update()

    def update(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


# --------------------------------------------------------------------------- membership explorer


def _org_choices() -> list[tuple[str, str]]:
    organizations = _data().load("organizations").sort_values("id")
    return [
        (f"{org_id} — {name}", str(org_id))
        for org_id, name in zip(organizations["id"], organizations["name"], strict=True)
    ]


def _date_choices() -> list[tuple[str, str]]:
    """1 January of every year from independence (1991) to the data's as-of date, then the as-of date itself."""
    data = _data()
    spells = data.load("memberships")
    first = min(1991, int(pd.Timestamp(spells["start_date"].min()).year))
    choices = [(f"1 Jan {year}", f"{year}-01-01") for year in range(first, data.AS_OF.year + 1)]
    if data.AS_OF != dt.date(data.AS_OF.year, 1, 1):
        choices.append(
            (
                f"{data.AS_OF.day} {data.AS_OF.strftime('%b')} {data.AS_OF.year} (latest)",
                data.AS_OF.isoformat(),
            )
        )
    return choices


class MembershipExplorer(_Explorer):
    """Organisation drop-down + date slider -> summary line, membership map and member table.

    Attributes: ``org`` (Dropdown, value = organisation id), ``date`` (SelectionSlider, value =
    ISO date string), ``date_list`` (Dropdown linked to ``date``, for screen readers), ``summary`` (HTML), ``visual`` (HTML holding the map), ``table_view`` (HTML),
    ``table`` (DataFrame: ``data.members(org, on=date, status=None)``), ``map`` (the folium map or None).
    """

    def __init__(self, org: str = "CSTO", on=None, show_map: bool = True):
        data = _data()
        choices = _org_choices()
        ids = [value for _, value in choices]
        names = _data().load("organizations").set_index("id")["name"].astype(str)
        by_key = {i.casefold(): i for i in ids} | {names[i].casefold(): i for i in ids}
        wanted = str(org).strip().casefold()
        if wanted not in by_key:
            raise suggest(org, ids, "organization")
        dates = _date_choices()
        values = [value for _, value in dates]
        start = data.AS_OF.isoformat() if on is None else _nearest_choice(on, values)
        self.map = None
        self.org = widgets.Dropdown(
            options=choices,
            value=by_key[wanted],
            description="Organisation:",
            description_allow_html=False,
            tooltip="Choose the organisation whose members are shown",
            style=_STYLE,
            layout=widgets.Layout(width="38em"),
        )
        self.date = widgets.SelectionSlider(
            options=dates,
            value=start,
            description="Members on:",
            description_allow_html=False,
            tooltip="Move with the arrow keys: one step is one year",
            continuous_update=False,
            style=_STYLE,
            layout=widgets.Layout(width="32em"),
        )
        # The slider's handle has no accessible name and announces its position number, not the
        # date (ipywidgets/noUiSlider); a labelled drop-down linked to it gives screen-reader users
        # the same choice in words.
        self.date_list = widgets.Dropdown(
            options=dates,
            value=start,
            description="or pick the date:",
            description_allow_html=False,
            style=_STYLE,
            layout=widgets.Layout(width="22em"),
        )
        widgets.link((self.date, "value"), (self.date_list, "value"))
        super().__init__(
            [self.org, self.date, self.date_list], show_visual=show_map, watched=[self.org, self.date]
        )

    def update(self) -> None:
        """Recompute the table, the summary and (if shown) the map for the current org and date."""
        data = _data()
        org_id = self.org.value
        day = dt.date.fromisoformat(self.date.value)
        table = data.members(org_id, on=day, status=None)
        self.table = table
        self.summary.value = _summary_html(_membership_summary(org_id, day, table))
        shown = pd.DataFrame(
            {
                "Country": table["name"],
                "ISO3": table["iso3"],
                "Status": [_status_word(str(s)) for s in table["status"]],
                "Since": [as_date(d).isoformat() if as_date(d) else "" for d in table["start_date"]],
                "Until": [as_date(d).isoformat() if as_date(d) else "" for d in table["end_date"]],
                "Source": table["source_url"],
            }
        )
        self.table_view.value = _html_table(shown, f"{org_id} on {_long_date(day)}: states by status")
        if self.show_visual:
            html, self.map = _map_html(lambda: _maps().membership_map(org_id, on=day))
            self.visual.value = html


def _nearest_choice(on, values: list[str]) -> str:
    """The slider position for a requested date: the latest option on or before it."""
    from casecurity.data import to_timestamp

    day = to_timestamp(on, "date `on`").date().isoformat()
    earlier = [v for v in values if v <= day]
    return earlier[-1] if earlier else values[0]


def _membership_summary(org_id: str, day: dt.date, table: pd.DataFrame) -> str:
    """'On 1 January 2000, CSTO had 6 members: ...; 1 observer: ....'"""
    organizations = _data().load("organizations").set_index("id")
    name = organizations.loc[org_id, "name"]
    founded = as_date(organizations.loc[org_id, "founded"]) if "founded" in organizations else None
    when = f"On {_long_date(day)}"
    if table.empty:
        if founded is not None and day < founded:
            return (
                f"{when}, the {name} ({org_id}) did not exist yet: it was founded on {founded.isoformat()}."
            )
        return f"{when}, the {name} ({org_id}) had no member states in the course data."
    parts = []
    order = [s for s in palette.STATUS_STYLES if s in set(table["status"].astype(str))]
    order += sorted(set(table["status"].astype(str)) - set(order))
    for status in order:
        names = table.loc[table["status"].astype(str) == status, "name"].astype(str).tolist()
        label = _status_word(status)
        # "members", "observers" ... but "2 suspended", "1 frozen (...)": adjectives take no plural
        noun = label.split(" (")[0].endswith(("member", "observer", "partner", "guest"))
        counted = _plural(len(names), label) if noun else f"{len(names)} {label}"
        parts.append(f"{counted}: {_names(names)}")
    return f"{when}, the {name} ({org_id}) had " + "; ".join(parts) + "."


def membership_explorer(org: str = "CSTO", on=None, show_map: bool = True) -> MembershipExplorer:
    """Explore who belonged to an organisation on a date.

    Args:
        org: the organisation shown first (id such as ``"CSTO"`` or its name; case-insensitive).
        on: the date shown first (any date form ``data`` accepts; the slider moves to the
            1 January on or before it); default: the data's as-of date.
        show_map: draw the folium membership map (``maps.membership_map``); False = summary
            and table only (faster).

    Returns a :class:`MembershipExplorer` (a VBox): ``.org`` and ``.date`` are the controls,
    ``.table`` is ``data.members(org, on=date, status=None)`` for the current choice.
    """
    return MembershipExplorer(org=org, on=on, show_map=show_map)


# --------------------------------------------------------------------------- treaty explorer


_DECADES = [1990, 2000, 2010, 2020]


class TreatyExplorer(_Explorer):
    """Party, obligation and decade drop-downs -> summary line, treaty network map and treaty table.

    Attributes: ``party`` (Dropdown: ISO3 or ``"any"``), ``obligation`` (Dropdown: obligation or
    ``"any"``), ``decade`` (Dropdown: 1990, 2000, ... or ``"any"``), ``summary``, ``visual`` (map),
    ``table_view``, ``table`` (the rows of ``data.treaties(party=, obligation=)`` signed in the
    decade), ``map``.
    """

    def __init__(self, party=None, obligation=None, decade=None, show_map: bool = True):
        data = _data()
        parties = data.load("treaty_parties")["iso3"].astype(str).unique().tolist()
        party_choices = [("any country", _ANY)] + sorted(
            ((f"{_country_label(code)} ({code})", code) for code in parties), key=lambda item: item[0]
        )
        obligations = sorted(
            {
                item
                for cell in data.load("treaties")["obligations"].dropna().astype(str)
                for item in cell.split(";")
                if item
            }
        )
        obligation_choices = [("any obligation", _ANY)] + [(o.replace("_", " "), o) for o in obligations]
        decade_choices = [("any decade", _ANY)] + [(f"{d}s", d) for d in _DECADES]
        self.map = None
        self.party = widgets.Dropdown(
            options=party_choices,
            value=_ANY if party is None else data.iso3_of(party),
            description="Party:",
            tooltip="Only treaties this country is a party to",
            style=_STYLE,
        )
        self.obligation = widgets.Dropdown(
            options=obligation_choices,
            value=_ANY if obligation is None else _pick(obligation, obligations, "obligation"),
            description="Obligation:",
            tooltip="Only treaties with this obligation",
            style=_STYLE,
        )
        self.decade = widgets.Dropdown(
            options=decade_choices,
            value=_ANY if decade is None else _pick_decade(decade),
            description="Signed in:",
            tooltip="Only treaties signed in this decade",
            style=_STYLE,
        )
        super().__init__([self.party, self.obligation, self.decade], show_visual=show_map)

    def map_date(self) -> dt.date | None:
        """The day the network map shows: the last day of the chosen decade (or the as-of date)."""
        if self.decade.value == _ANY:
            return None
        return min(dt.date(self.decade.value + 9, 12, 31), _data().AS_OF)

    def update(self) -> None:
        """Recompute the table, the summary and (if shown) the map for the current filters."""
        data = _data()
        party = None if self.party.value == _ANY else self.party.value
        obligation = None if self.obligation.value == _ANY else self.obligation.value
        table = data.treaties(party=party, obligation=obligation)
        if self.decade.value != _ANY:
            signed = pd.to_datetime(table["signed_date"])
            table = table[(signed.dt.year >= self.decade.value) & (signed.dt.year < self.decade.value + 10)]
        table = table.reset_index(drop=True)
        self.table = table
        if self.show_visual:
            on = self.map_date()
            html, self.map = _map_html(lambda: _maps().treaty_network_map(obligation=obligation, on=on))
            self.visual.value = html
        self.summary.value = _summary_html(self._summary(table, party, obligation))
        shown = pd.DataFrame(
            {
                "Treaty": table["name"].astype(str),
                "Kind": table["kind"].astype(str),
                "Signed": [as_date(d).isoformat() if as_date(d) else "" for d in table["signed_date"]],
                "In force": [as_date(d).isoformat() if as_date(d) else "" for d in table["in_force_date"]],
                "Obligations": table["obligations"]
                .fillna("")
                .astype(str)
                .str.replace(";", ", ")
                .str.replace("_", " "),
                "Parties": table["parties"].astype(str).str.replace(";", ", "),
                "Source": table["source_url"],
            }
        )
        self.table_view.value = _html_table(shown, "Treaties matching the filters")

    def _summary(self, table: pd.DataFrame, party: str | None, obligation: str | None) -> str:
        filters = []
        if party is not None:
            filters.append(f"with {_country_label(party)} as a party")
        if obligation is not None:
            filters.append(f"with the obligation '{obligation.replace('_', ' ')}'")
        if self.decade.value != _ANY:
            filters.append(f"signed in the {self.decade.value}s")
        count = _plural(len(table), "treaty or declaration", "treaties or declarations")
        text = f"{count} {' and '.join(filters) if filters else 'in the course data'}"
        if len(table):
            names = table["name"].astype(str).tolist()
            # names contain commas, so semicolons separate them
            text += (
                ": "
                + "; ".join(names[:4])
                + (f"; and {len(names) - 4} more (see the table)" if len(names) > 4 else "")
            )
        text += "."
        if self.show_visual:
            on = self.map_date()
            when = f"in force on {_long_date(on)}" if on else "in force on the data's as-of date"
            what = (
                f"bilateral '{obligation.replace('_', ' ')}' treaties" if obligation else "bilateral treaties"
            )
            drawn = (
                "" if self.map is None else f" ({_plural(len(self.map.table), 'treaty', 'treaties')} drawn)"
            )
            text += f" The map shows the {what} {when} as lines between capitals{drawn}; it is not filtered by party."
        return text


def _country_label(code: str) -> str:
    """A country's name; the bare code for a party that countries.csv does not list."""
    try:
        return _data().country_name(code)
    except CourseError:
        return code


def _pick(value: str, choices: list[str], what: str) -> str:
    by_lower = {c.lower(): c for c in choices}
    if str(value).strip().lower() not in by_lower:
        raise suggest(value, choices, what)
    return by_lower[str(value).strip().lower()]


def _pick_decade(decade) -> int:
    text = str(decade).strip().rstrip("s")
    if not text.isdigit() or int(text) not in _DECADES:
        raise CourseError(
            f"Unknown decade {decade!r}; choose one of {', '.join(f'{d}s' for d in _DECADES)} (e.g. decade=2000)."
        )
    return int(text)


def treaty_explorer(party=None, obligation=None, decade=None, show_map: bool = True) -> TreatyExplorer:
    """Explore the treaties: filter by a party, an obligation and the decade of signature.

    Args:
        party: ISO3 code or name (``"KAZ"``, ``"Kazakhstan"``) selected first; None = any country.
        obligation: an obligation word (``"defense"``) selected first; None = any.
        decade: 1990, 2000, 2010 or 2020 (or ``"2000s"``); None = any.
        show_map: draw ``maps.treaty_network_map(obligation=..., on=<end of decade>)``.

    Returns a :class:`TreatyExplorer` (a VBox) whose ``.table`` holds the matching treaties.
    """
    return TreatyExplorer(party=party, obligation=obligation, decade=decade, show_map=show_map)


# --------------------------------------------------------------------------- events timeline


class EventTimeline(_Explorer):
    """Category drop-down + year-range slider -> summary line, SVG timeline chart and event table.

    Attributes: ``category`` (Dropdown: category or ``"any"``), ``years`` (IntRangeSlider, inclusive),
    ``summary``, ``visual`` (the chart), ``table_view``, ``table`` (``chart.table``), ``chart``.
    """

    def __init__(self, category=None, show_chart: bool = True):
        data = _data()
        events = data.load("events")
        column = events["category"]
        vocabulary = (
            [str(c) for c in column.cat.categories]
            if isinstance(column.dtype, pd.CategoricalDtype)
            else sorted(column.astype(str).unique())
        )
        first = int(pd.Timestamp(events["start_date"].min()).year)
        last = data.AS_OF.year
        self.chart = None
        self.category = widgets.Dropdown(
            options=[("any category", _ANY)] + [(c.replace("_", " "), c) for c in vocabulary],
            value=_ANY if category is None else _pick(category, vocabulary, "event category"),
            description="Category:",
            tooltip="Only events of this kind",
            style=_STYLE,
        )
        self.years = widgets.IntRangeSlider(
            value=(first, last),
            min=first,
            max=last,
            step=1,
            description="Years:",
            tooltip="First and last year shown (arrow keys move the selected handle)",
            continuous_update=False,
            style=_STYLE,
            layout=widgets.Layout(width="32em"),
        )
        super().__init__([self.category, self.years], show_visual=show_chart)

    def update(self) -> None:
        """Redraw the chart and the table for the current category and years."""
        from casecurity import charts

        category = None if self.category.value == _ANY else self.category.value
        first, last = self.years.value
        between = (f"{first}-01-01", f"{last}-12-31")
        try:
            chart = charts.events_timeline_chart(category=category, between=between)
        except CourseError:
            chart = None
        self.chart = chart
        if chart is None:
            self.table = pd.DataFrame(columns=["id", "start_date", "end_date", "category", "title"])
            what = "events" if category is None else f"events of category '{category.replace('_', ' ')}'"
            self.summary.value = _summary_html(f"No {what} between {first} and {last} in the course data.")
            self.visual.value = ""
        else:
            self.table = chart.table
            self.summary.value = _summary_html(chart.alt_text)
            self.visual.value = chart.svg if self.show_visual else ""
        shown = self.table.rename(
            columns={
                "id": "Id",
                "start_date": "Start",
                "end_date": "End",
                "category": "Category",
                "title": "Event",
            }
        )
        self.table_view.value = _html_table(shown, "Events shown", link_column=None)


def timeline(category=None, show_chart: bool = True) -> EventTimeline:
    """Explore the events on a timeline, filtered by category and years.

    Args:
        category: an ``events.category`` word selected first (``"armed_clash"``); None = all.
        show_chart: draw the SVG chart (``charts.events_timeline_chart``); False = summary and table.

    Returns an :class:`EventTimeline` (a VBox): ``.category`` and ``.years`` are the controls,
    ``.table`` lists the events shown.
    """
    return EventTimeline(category=category, show_chart=show_chart)
