"""Explorers and quizzes on the course website, where no Python runs behind the page.

A widget needs a kernel to react: on a static page its slider would move while the text, the map
and the table kept the saved state. So the website (``tools/build_site.py``) replaces every
widget output of a lesson with plain HTML made here, when the site is built:

* :func:`live_view` — an explorer with one control that can be precomputed: the membership
  explorer's date (one state per change date of the chosen organisation, plus the saved date),
  the facilities explorer's year (one state per year in which the open facilities change, plus
  the saved year) and the event timeline's category. Each state holds the summary, the table and
  the map (or chart) that the explorer itself computed for that value; the site's script
  (``site/_static/casecurity-explorer.js``) shows one state at a time, so readout, text, map and
  table always agree. The other controls are shown fixed, with a line to launch Binder.
* :func:`saved_view` — anything else (the treaty explorer, the quizzes): the saved view from the
  notebook's widget state, with no live control, and one line saying to launch Binder.

Maps of a live view are separate pages (``LiveView.maps``), loaded into one frame when their
state is shown, so a lesson page carries one map per explorer, not one per state.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

import ipywidgets

from casecurity import widgets as explorers

__all__ = ["LiveView", "live_view", "saved_view", "BINDER_LINE", "QUIZ_LINE"]

BINDER_LINE = "This is the saved view. To explore other choices, launch Binder (button at the top of the page)."
QUIZ_LINE = "To check your answer, launch Binder (button at the top of the page) and press Check there."
_SRCDOC = re.compile(r'srcdoc="([^"]*)"')


@dataclass
class LiveView:
    """One precomputed explorer: a control with ``labels`` (one per state) and its states."""

    control: str  # the control's label, e.g. "Members on:"
    labels: list[str]
    start: int  # index of the state saved in the notebook
    summaries: list[str] = field(default_factory=list)  # HTML, one per state
    tables: list[str] = field(default_factory=list)  # HTML, one per state
    charts: list[str] = field(default_factory=list)  # inline HTML (SVG charts), one per state, or empty
    maps: list[str] = field(default_factory=list)  # a map page's HTML, one per state, or empty
    fixed: list[str] = field(default_factory=list)  # "Organisation: SCO", the controls that stay as saved

    def html(self, map_urls: list[str] | None = None, map_title: str = "Map") -> str:
        """The page's HTML: control, readout, one map frame, and every state (all but one hidden).

        ``map_urls``: where the build wrote ``maps`` (one URL per state, relative to the page).
        """
        last = len(self.labels) - 1
        if len(self.labels) > 12:
            control = (f'<input type="range" min="0" max="{last}" step="1" value="{self.start}" '
                       f'class="casecurity-explorer-control" aria-valuetext="{html.escape(self.labels[self.start])}">')
        else:
            options = "".join(f'<option value="{i}"{" selected" if i == self.start else ""}>{html.escape(label)}</option>'
                              for i, label in enumerate(self.labels))
            control = f'<select class="casecurity-explorer-control">{options}</select>'
        parts = [
            '<div class="casecurity-explorer">',
            '<div class="casecurity-explorer-controls">',
            f'<label>{html.escape(self.control)} {control}</label> ',
            f'<output class="casecurity-explorer-readout">{html.escape(self.labels[self.start])}</output>',
            "</div>",
        ]
        if self.fixed:
            parts.append(f'<p class="casecurity-explorer-fixed">{html.escape("; ".join(self.fixed))} '
                         "(fixed on this page: launch Binder to change it).</p>")
        labels = json.dumps(self.labels)
        parts.append(f'<script type="application/json" class="casecurity-explorer-labels">{_script_safe(labels)}</script>')
        if map_urls:
            parts.append(
                '<div class="casecurity-explorer-map">'
                f'<iframe class="casecurity-explorer-frame" title="{html.escape(map_title)}" '
                f'src="{html.escape(map_urls[self.start])}"></iframe></div>'
            )
        for index in range(len(self.labels)):
            hidden = "" if index == self.start else " hidden"
            url = f' data-map="{html.escape(map_urls[index])}"' if map_urls else ""
            chart = self.charts[index] if self.charts else ""
            described = _map_description(self.maps[index]) if self.maps else ""
            if described:  # printed under the map frame (a frame prints only what fits in it)
                described = f'<p class="casecurity-map-description" aria-hidden="true">{html.escape(described)}</p>'
            parts.append(f'<div class="casecurity-explorer-state" data-state="{index}"{url}{hidden}>'
                         f"{self.summaries[index]}{described}{chart}{self.tables[index]}</div>")
        parts.append("</div>")
        return "".join(parts)


def _script_safe(text: str) -> str:
    return text.replace("</", "<\\/")


def _map_description(page: str) -> str:
    """The text alternative of a map page (its ``casecurity-sr-only`` element), as plain text."""
    match = re.search(r'class="casecurity-sr-only"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def _map_page(map_html: str) -> str:
    """The page inside a folium map's ``<iframe srcdoc>`` (what a map frame shows)."""
    match = _SRCDOC.search(map_html)
    return html.unescape(match.group(1)) if match else ""


def _states_where_changed(values: list, keys: list, keep) -> list[int]:
    """Indices of ``values`` whose key differs from the previous value's, plus ``keep`` and the last."""
    chosen = [i for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
    return sorted(set(chosen) | {keep, len(values) - 1})


def _membership(explorer: explorers.MembershipExplorer) -> LiveView:
    data = explorers._data()
    labels = [label for label, _ in explorer.date.options]
    values = [value for _, value in explorer.date.options]
    saved = values.index(explorer.date.value)
    org = explorer.org.value
    keys = [data.members(org, on=value, status=None)[["iso3", "status"]].astype(str).to_json() for value in values]
    view = LiveView(control=explorer.date.description, labels=[], start=0,
                    fixed=[f"{explorer.org.description} {org}"])
    for index in _states_where_changed(values, keys, saved):
        explorer.date.value = values[index]  # the explorer recomputes summary, map and table
        if index == saved:
            view.start = len(view.labels)
        view.labels.append(labels[index])
        view.summaries.append(explorer.summary.value)
        view.tables.append(explorer.table_view.value)
        if explorer.show_visual:
            view.maps.append(_map_page(explorer.visual.value))
    explorer.date.value = values[saved]
    return view


def _year_slider_box(box: ipywidgets.VBox) -> LiveView:
    """The facilities explorer of lesson 04: a VBox with ``.year`` (IntSlider), ``.summary``,
    ``.visual`` (map, when shown) and ``.table``."""
    slider = box.year
    saved = slider.value
    years = list(range(slider.min, slider.max + 1))
    rows = []
    for year in years:
        slider.value = year
        rows.append((box.table.to_json(), box.summary.value, box.visual.value if box.visual in box.children else "",
                     box.children[-1].value))
    keys = [row[0] for row in rows]
    view = LiveView(control=slider.description, labels=[], start=0)
    for index in _states_where_changed(years, keys, years.index(saved)):
        if years[index] == saved:
            view.start = len(view.labels)
        _, summary, visual, table = rows[index]
        view.labels.append(str(years[index]))
        view.summaries.append(summary)
        view.tables.append(table)
        if visual:
            view.maps.append(_map_page(visual))
    slider.value = saved
    return view


def _timeline(explorer: explorers.EventTimeline) -> LiveView:
    options = list(explorer.category.options)
    saved = explorer.category.value
    first, last = explorer.years.value
    view = LiveView(control=explorer.category.description, labels=[], start=0,
                    fixed=[f"{explorer.years.description} {first} to {last}"])
    for index, (label, value) in enumerate(options):
        explorer.category.value = value
        if value == saved:
            view.start = index
        view.labels.append(label)
        view.summaries.append(explorer.summary.value)
        view.tables.append(explorer.table_view.value)
        view.charts.append(f'<div class="casecurity-chart">{explorer.visual.value}</div>' if explorer.show_visual else "")
    explorer.category.value = saved
    return view


def live_view(widget) -> LiveView | None:
    """A precomputed, kernel-free version of ``widget``, or None when it cannot have one."""
    if isinstance(widget, explorers.MembershipExplorer):
        return _membership(widget)
    if isinstance(widget, explorers.EventTimeline):
        return _timeline(widget)
    if isinstance(widget, ipywidgets.VBox) and isinstance(getattr(widget, "year", None), ipywidgets.IntSlider):
        return _year_slider_box(widget)
    return None


# --------------------------------------------------------------------------- saved view


def saved_view(model_id: str, state: dict[str, dict]) -> str:
    """The saved view of the widget ``model_id`` as plain HTML, from a notebook's widget state
    (``metadata.widgets[...]["state"]``): text and choices as they were saved, no control that
    could seem to work, and one line saying how to use it for real."""
    quiz = False

    def render(ref: str) -> str:
        nonlocal quiz
        model = state.get(ref.removeprefix("IPY_MODEL_"), {})
        name, values = model.get("model_name", ""), model.get("state", {})
        label = values.get("description") or ""
        if name in ("VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"):
            tag = "div" if name != "HBoxModel" else 'div class="casecurity-saved-row"'
            return f"<{tag}>" + "".join(render(child) for child in values.get("children", [])) + "</div>"
        if name in ("HTMLModel", "HTMLMathModel"):
            return f"<div>{values.get('value', '')}</div>"
        if name == "LabelModel":
            return f"<p>{html.escape(values.get('value', ''))}</p>"
        if name == "RadioButtonsModel":
            quiz = True
            items = "".join(f"<li>{html.escape(option)}</li>" for option in values.get("_options_labels", []))
            return f'<ul class="casecurity-saved-choices">{items}</ul>'
        if name == "ButtonModel":
            return ""
        options = values.get("_options_labels")
        if options is not None:  # drop-downs and selection sliders: the saved choice
            index = values.get("index")
            if isinstance(index, list):
                shown = ", ".join(options[i] for i in index)
            else:
                shown = options[index] if isinstance(index, int) and 0 <= index < len(options) else "(none)"
            return f'<p class="casecurity-saved-control">{html.escape(label)} <strong>{html.escape(shown)}</strong></p>'
        if "value" in values and "Slider" in name:
            value = values["value"]
            shown = " to ".join(map(str, value)) if isinstance(value, list) else str(value)
            return f'<p class="casecurity-saved-control">{html.escape(label)} <strong>{html.escape(shown)}</strong></p>'
        return ""

    body = render(model_id)
    line = QUIZ_LINE if quiz else BINDER_LINE
    return (f'<div class="casecurity-saved-view">{body}'
            f'<p class="casecurity-widget-note">{html.escape(line)}</p></div>')
