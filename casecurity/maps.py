"""Interactive maps for the lessons, one line each.

Every builder returns a :class:`folium.Map` with a title, a legend (text, swatch
and dash pattern: nothing is shown by colour alone), attribution, and two extra
attributes: ``.alt_text`` (a one-paragraph summary of what the map shows, also
embedded in the page for screen readers) and ``.table`` (a DataFrame of what is
drawn). :func:`describe` returns the alt text.

>>> from casecurity import maps
>>> m = maps.membership_map("CSTO", on="2010-01-01")     # doctest: +SKIP
>>> maps.describe(m)                                     # doctest: +SKIP
>>> m.table                                              # doctest: +SKIP

Two modes:

* **online** (default; the saved lesson outputs use it): folium as usual, with
  Esri's light grey canvas tiles. CARTO's Positron tiles, the usual choice, show an
  "API key required" watermark since August 2026, and OpenStreetMap's own tile
  servers refuse requests without a Referer header, which maps saved to files or
  shown in notebook iframes do not always send.
* **offline** (``offline(True)`` or the environment variable ``CASECURITY_OFFLINE=1``):
  no tiles (land and sea are drawn from the packaged Natural Earth outlines),
  Leaflet, its CSS and jQuery are inlined from ``casecurity/static/``, and folium's
  other CDN assets (Bootstrap, Font Awesome, awesome-markers) are left out, so the
  saved HTML renders with no network at all. The mode is fixed when a map is built.
* **site** (offline mode plus the environment variable ``CASECURITY_ASSETS_URL``, e.g.
  ``../_static/casecurity/``): as offline, but the map's HTML links Leaflet, its CSS and
  jQuery from that URL (a folder holding copies of ``casecurity/static/``) instead of
  inlining them, so a website with many maps loads them once (``tools/build_site.py``);
  it also links ``site-maps.css`` there, the website's layout rules for maps on small screens.
  A notebook shows a map in an ``<iframe srcdoc>``, which resolves a relative URL
  against the page that holds it: give the URL relative to that page.

The time slider of :func:`membership_timeline_map` is a small native
``<input type="range">`` that restyles the country shapes in the page itself: it
needs no kernel and no extra JavaScript library, and it is keyboard operable.
folium's ``TimeSliderChoropleth`` would need d3 and ``TimestampedGeoJson`` jQuery
UI, moment and leaflet-timedimension, which are too heavy to inline.

All text from the data (names, notes, treaty titles) is HTML-escaped before it
reaches a popup, tooltip, legend or layer name, and only http(s) links are made
clickable. Output is deterministic apart from branca's random element ids:
features and markers are sorted and the view is fixed.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import folium
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from casecurity import data, map_loader, palette
from casecurity.errors import CourseError, suggest

__all__ = [
    "assets_url",
    "describe",
    "events_map",
    "facilities_map",
    "is_offline",
    "membership_map",
    "membership_timeline_map",
    "offline",
    "region_map",
    "treaty_network_map",
]

#: Units in data/geo/central_asia.geojson (1:50m); others come from world_110m.geojson.
REGION = (
    "AFG", "ARM", "AZE", "BTN", "CHN", "GEO", "IND", "IRN", "KAZ", "KGZ",
    "MNG", "NPL", "PAK", "RUS", "TJK", "TKM", "TUR", "UZB", "XSG",
)  # fmt: skip
#: The fixed initial view: (south, west), (north, east) around the five states.
VIEW_BOUNDS = [[35.0, 46.5], [55.5, 87.5]]

_STATIC = Path(__file__).resolve().parent / "static"
_NATURAL_EARTH = (
    'Country outlines: <a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener">'
    "Natural Earth</a> (public domain; de facto borders)"
)
_NO_STATUS = ""  # key for "no spell on that date" in style tables

_offline_override: bool | None = None


# --------------------------------------------------------------------------- mode


def offline(enabled: bool = True) -> bool:
    """Switch offline mode on or off for maps built from now on; return the new setting.

    Offline maps inline Leaflet and jQuery and draw no tiles, so their saved HTML
    works without a network. ``offline(False)`` returns to online mode even when
    ``CASECURITY_OFFLINE=1`` is set.
    """
    global _offline_override
    if not isinstance(enabled, bool):
        raise CourseError(f"offline() takes True or False, not {enabled!r}.")
    _offline_override = enabled
    return enabled


def is_offline() -> bool:
    """True when maps are built in offline mode (``offline(True)`` or ``CASECURITY_OFFLINE=1``)."""
    if _offline_override is not None:
        return _offline_override
    return os.environ.get("CASECURITY_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def describe(m: folium.Map) -> str:
    """The one-paragraph text summary of a course map (its ``.alt_text``)."""
    text = getattr(m, "alt_text", None)
    if not isinstance(text, str):
        raise CourseError("describe() needs a map made by casecurity.maps, e.g. describe(maps.region_map()).")
    return text


# --------------------------------------------------------------------------- text helpers


def _esc(value: object) -> str:
    """HTML-escape text for popups, tooltips and labels.

    Besides ``< > & " '``, backticks, ``$`` and backslashes become entities too,
    because folium pastes popup and tooltip HTML into JavaScript template literals.
    """
    text = html.escape("" if value is None else str(value), quote=True)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _link(url: object, label: str = "source") -> str:
    """An escaped link for http(s) URLs; empty for anything else (no javascript: links)."""
    if not isinstance(url, str) or not re.match(r"https?://", url.strip(), re.IGNORECASE):
        return ""
    return f'<a href="{_esc(url.strip())}" target="_blank" rel="noopener">{_esc(label)}</a>'


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fmt_date(value: object, precision: object = None) -> str:
    """A date as text at its known precision: '2006', '2006-08' or '2006-08-16'; '' if missing."""
    if _is_missing(value):
        return ""
    stamp = pd.Timestamp(value)
    precision = "" if _is_missing(precision) else str(precision)
    if precision == "year":
        return f"{stamp.year:04d}"
    if precision == "month":
        return f"{stamp.year:04d}-{stamp.month:02d}"
    return stamp.strftime("%Y-%m-%d")


def _day(value: object, what: str = "date") -> dt.date:
    """Normalise a date argument the way casecurity.data does (None means the as-of date)."""
    if value is None:
        return data.AS_OF
    if isinstance(value, bool):
        raise CourseError(f"Give the {what} as 'YYYY-MM-DD' or a year such as 2010, not {value!r}.")
    if isinstance(value, int):
        if 1800 <= value <= 2100:
            return dt.date(value, 1, 1)
        raise CourseError(f"The year {value} for the {what} is out of range; use a year such as 2010.")
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CourseError(f"Cannot read {value!r} as the {what}; use 'YYYY-MM-DD' (e.g. '2010-01-01') or a year.")


def _names() -> dict[str, str]:
    countries = data.load("countries")
    return dict(zip(countries["iso3"], countries["name"], strict=True))


def _name(code: str, names: dict[str, str], geo_names: dict[str, str] | None = None) -> str:
    return names.get(code) or (geo_names or {}).get(code) or code


def _org(org: object) -> tuple[str, str]:
    """(id, name) of an organisation given by id or name, case-insensitively."""
    organizations = data.load("organizations")
    ids = organizations["id"].astype(str).tolist()
    if not isinstance(org, str) or not org.strip():
        raise CourseError(f"Give the organization as an id such as 'CSTO' or 'SCO', not {org!r}.")
    wanted = org.strip().casefold()
    for org_id, name in zip(ids, organizations["name"].astype(str), strict=True):
        if wanted in (org_id.casefold(), name.casefold()):
            return org_id, name
    raise suggest(org, ids, "organization")


def _as_list(value: object, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        items = list(value)
        if all(isinstance(v, str) for v in items):
            return items
    raise CourseError(f"Give {what} as a string or a list of strings, not {value!r}.")


# --------------------------------------------------------------------------- geometry


@lru_cache(maxsize=4)
def _geo_by_code(signature: str) -> dict[str, dict]:
    collection = data.countries_geo()
    return {f["properties"]["iso3"]: f for f in collection["features"]}


def _geo() -> dict[str, dict]:
    """iso3 -> GeoJSON feature (cached per data folder; callers must copy before changing)."""
    return _geo_by_code(str(data.data_dir().resolve()))


def _feature(code: str, properties: dict) -> dict | None:
    source = _geo().get(code)
    if source is None:
        return None
    return {"type": "Feature", "id": code, "properties": properties, "geometry": source["geometry"]}


# --------------------------------------------------------------------------- page elements


class _Control(MacroElement):
    """A Leaflet control holding fixed HTML (title, legend)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str, css_class: str, name: str):
        super().__init__()
        self._name = name
        self.html = html_text
        self.position = position
        self.css_class = css_class


class _Attribution(MacroElement):
    """Adds a line to the map's attribution control (e.g. Natural Earth)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "casecurity_attribution"
        self.text = text


class _FeatureText(MacroElement):
    """Binds each country's pre-escaped tooltip and popup, and tags its SVG path with data-iso3.

    folium's GeoJsonTooltip joins fields with commas it then strips, which loses
    commas in the text; binding our own escaped strings avoids that.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.layer.get_name() }}.eachLayer(function (shape) {
            var p = shape.feature.properties;
            if (p.tooltip) { shape.bindTooltip(p.tooltip, {sticky: true}); }
            if (p.popup) { shape.bindPopup(p.popup, {maxWidth: 340}); }
            var el = shape.getElement ? shape.getElement() : null;
            if (el) { el.setAttribute("data-iso3", p.iso3); }
        });
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.GeoJson):
        super().__init__()
        self._name = "casecurity_feature_text"
        self.layer = layer


class _TimeSlider(MacroElement):
    """A native range input that restyles a GeoJSON layer by the status on each date."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var layer = {{ this.layer.get_name() }};
            var steps = {{ this.steps|tojson }};
            var spells = {{ this.spells|tojson }};
            var styles = {{ this.styles|tojson }};
            var labels = {{ this.labels|tojson }};
            var plurals = {{ this.plurals|tojson }};
            var order = {{ this.order|tojson }};
            var names = {{ this.names|tojson }};
            function statusOn(code, day) {
                var list = spells[code] || [];
                for (var i = 0; i < list.length; i++) {
                    if (list[i][0] <= day && (list[i][1] === null || day < list[i][1])) { return list[i][2]; }
                }
                return "";
            }
            // the legend's corner: Leaflet stacks the controls of one corner, so the legend
            // sits above the slider and never covers it, however narrow the map
            var control = L.control({position: "bottomright"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "casecurity-box casecurity-slider");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
            var box = control.getContainer();
            var input = box.querySelector("input");
            var output = box.querySelector("output");
            var summary = box.querySelector(".casecurity-slider-summary");
            function show(index) {
                var day = steps[index];
                layer.eachLayer(function (shape) {
                    var code = shape.feature.properties.iso3;
                    var status = statusOn(code, day);
                    shape.setStyle(styles[status] || styles[""]);
                    if (shape.getTooltip()) { shape.setTooltipContent(names[code] + ": " + labels[status]); }
                });
                var counts = {};
                Object.keys(spells).forEach(function (code) {
                    var status = statusOn(code, day);
                    if (status) { counts[status] = (counts[status] || 0) + 1; }
                });
                var parts = [];
                order.forEach(function (status) {
                    if (counts[status]) {
                        parts.push(counts[status] + " " + (counts[status] === 1 ? labels[status] : plurals[status]));
                    }
                });
                output.textContent = day;
                input.setAttribute("aria-valuetext", day);
                summary.textContent = parts.length ? parts.join(", ") : "no participating states";
                box.setAttribute("data-date", day);
            }
            input.addEventListener("input", function () { show(Number(input.value)); });
            show(Number(input.value));
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layer, steps, spells, styles, labels, order, names, html_text):
        super().__init__()
        self.plurals = {status: _esc(_plural(_status_label(status), 2)) for status in labels}
        self._name = "casecurity_time_slider"
        self.layer = layer
        self.steps = steps
        self.spells = spells
        self.styles = styles
        self.labels = labels
        self.order = order
        self.names = names
        self.html = html_text


_CSS = """
.casecurity-box { background: white; color: black; padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif;
  max-width: 340px; }
.casecurity-title h2 { margin: 0; font-size: 15px; line-height: 1.3; }
.casecurity-title p { margin: 2px 0 0; font-size: 12px; }
.casecurity-legend h3 { margin: 0 0 4px; font-size: 13px; }
.casecurity-legend ul { list-style: none; margin: 0; padding: 0; }
.casecurity-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.casecurity-legend svg { flex: none; }
.casecurity-legend p { margin: 4px 0 0; font-size: 11px; max-width: 260px; }
.casecurity-slider label { font-weight: 600; margin-right: 4px; }
.casecurity-slider input { width: 230px; display: block; margin: 4px 0; }
.casecurity-slider input:focus { outline: 3px solid black; outline-offset: 2px; }
.casecurity-slider-summary { font-size: 12px; margin: 0; }
.casecurity-sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.leaflet-popup-content a { text-decoration: underline; }
"""


@lru_cache(maxsize=1)
def _offline_assets() -> str:
    """Leaflet CSS (images as data URIs), Leaflet JS and jQuery as inline tags."""

    def data_uri(match: re.Match) -> str:
        image = (_STATIC / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode('ascii')})"

    css = re.sub(r"url\((images/[a-z0-9-]+\.png)\)", data_uri, (_STATIC / "leaflet.css").read_text("utf-8"))
    leaflet = (_STATIC / "leaflet.js").read_text("utf-8")
    jquery = (_STATIC / "jquery.min.js").read_text("utf-8")
    # a literal "</script" inside inlined code would end the tag early
    leaflet, jquery = (code.replace("</script", "<\\/script") for code in (leaflet, jquery))
    return f"<style>{css}</style>\n<script>{leaflet}</script>\n<script>{jquery}</script>"


def assets_url() -> str | None:
    """Where site-mode maps link Leaflet and jQuery from (``CASECURITY_ASSETS_URL``), or None.

    Only used in offline mode. The URL names a folder (a trailing ``/`` is added) that
    holds ``leaflet.js``, ``leaflet.css`` (with its ``images/``), ``jquery.min.js``,
    ``site-maps.css`` and ``site-maps.js``.
    """
    url = os.environ.get("CASECURITY_ASSETS_URL", "").strip()
    if not url:
        return None
    if re.search(r"[\s\"'<>]", url):
        raise CourseError(f"CASECURITY_ASSETS_URL={url!r} is not a usable URL; give a folder such as ../_static/casecurity/")
    return url if url.endswith("/") else url + "/"


def _linked_assets(url: str) -> str:
    """Site mode: tags that load the shared copies of Leaflet (CSS, JS) and jQuery from ``url``."""
    link = html.escape(url, quote=True)
    return (
        f'<link rel="stylesheet" href="{link}leaflet.css">\n<link rel="stylesheet" href="{link}site-maps.css">\n'
        f'<script src="{link}leaflet.js"></script>\n<script src="{link}jquery.min.js"></script>\n'
        f'<script src="{link}site-maps.js"></script>'  # phone layout and popups (the website's site-maps.js)
    )


class _CourseMap(folium.Map):
    """A folium map whose notebook output says how to see it, instead of "Trust Notebook"."""

    def _repr_html_(self, **kwargs) -> str:
        return map_loader.with_note(super()._repr_html_(**kwargs))


def _tile_layer() -> folium.TileLayer:
    import xyzservices.providers as providers

    return folium.TileLayer(providers.Esri.WorldGrayCanvas, name="Esri light grey canvas", control=False)


def _new_map(title: str, subtitle: str = "") -> folium.Map:
    """A map with our assets, view, title and attribution; offline or online per the current mode."""
    offline_mode = is_offline()
    m = _CourseMap(tiles=None, zoom_start=4, location=[45.0, 67.0], min_zoom=2, control_scale=False)
    # instance attributes: never mutate folium's module-level lists (they leak into every map)
    figure = m.get_root()
    if offline_mode:
        m.default_js, m.default_css = [], []
        shared = assets_url()
        assets = _linked_assets(shared) if shared else _offline_assets()
        figure.header.add_child(Element(assets), name="casecurity_offline_assets")
        figure.header.add_child(
            Element(f"<style>.leaflet-container {{ background: {palette.SEA}; }}</style>"),
            name="casecurity_sea",
        )
    else:
        # Leaflet and jQuery from the Jupyter server's copy (casecurity.lab_assets), else the CDN
        m.default_js, m.default_css = [], []
        figure.header.add_child(Element(map_loader.loader_html()), name="casecurity_loader")
        _tile_layer().add_to(m)
    figure.header.add_child(Element(f"<style>{_CSS}</style>"), name="casecurity_css")
    figure.header.add_child(Element(f"<title>{_esc(title)}</title>"), name="casecurity_title")
    m.fit_bounds(VIEW_BOUNDS)
    heading = f"<h2>{_esc(title)}</h2>" + (f"<p>{_esc(subtitle)}</p>" if subtitle else "")
    m.add_child(_Control(heading, "topright", "casecurity-box casecurity-title", "casecurity_title"))
    m.add_child(_Attribution(_NATURAL_EARTH))
    m.casecurity_offline = offline_mode
    return m


def _land_basemap(m: folium.Map, drawn: set[str]) -> None:
    """Offline only: every other country as plain land, under the thematic layers."""
    if not m.casecurity_offline:
        return
    features = [
        {"type": "Feature", "id": code, "properties": {"iso3": code}, "geometry": feature["geometry"]}
        for code, feature in sorted(_geo().items())
        if code not in drawn
    ]
    if not features:
        return
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Land",
        style_function=lambda _f: {
            "fillColor": palette.LAND,
            "fillOpacity": 1,
            "color": palette.NEUTRAL,
            "weight": 0.5,
        },
        interactive=False,
        control=False,
    ).add_to(m)


def _finish(m: folium.Map, legend_html: str, alt_text: str, table: pd.DataFrame) -> folium.Map:
    m.add_child(_Control(legend_html, "bottomright", "casecurity-box casecurity-legend", "casecurity_legend"))
    m.get_root().html.add_child(
        Element(f'<p class="casecurity-sr-only">{_esc(alt_text)}</p>'), name="casecurity_alt"
    )
    m.alt_text = alt_text
    m.table = table.reset_index(drop=True)
    return m


# --------------------------------------------------------------------------- legend swatches


def _svg_area(
    color: str, fill_opacity: float, dash: str | None, weight: float = 1.5, stroke: str | None = None
) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg width="30" height="18" aria-hidden="true" focusable="false">'
        f'<rect x="2" y="2" width="26" height="14" fill="{color}" fill-opacity="{fill_opacity}" '
        f'stroke="{stroke or color}" stroke-width="{weight}"{dash_attr}/></svg>'
    )


def _svg_line(color: str, dash: str | None, weight: float) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg width="36" height="14" aria-hidden="true" focusable="false">'
        f'<line x1="1" y1="7" x2="35" y2="7" stroke="{color}" stroke-width="{weight}"{dash_attr}/></svg>'
    )


def _svg_circle(color: str, fill_opacity: float, dash: str | None, radius: float = 6) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg width="18" height="18" aria-hidden="true" focusable="false">'
        f'<circle cx="9" cy="9" r="{radius}" fill="{color}" fill-opacity="{fill_opacity}" '
        f'stroke="{color}" stroke-width="2"{dash_attr}/></svg>'
    )


def _legend(title: str, rows: list[tuple[str, str]], note: str = "") -> str:
    items = "".join(f"<li>{swatch}<span>{_esc(label)}</span></li>" for swatch, label in rows)
    note_html = f"<p>{_esc(note)}</p>" if note else ""
    return f'<section aria-label="Legend"><h3>{_esc(title)}</h3><ul>{items}</ul>{note_html}</section>'


# --------------------------------------------------------------------------- country styles


# Every status short of full membership also gets a hatching of its own (black strokes over the
# organisation's colour), so observer, dialogue partner, partner and guest differ in texture,
# not only in hue, opacity and border dash: readable by colour-blind readers and in greyscale.
# Each value is the SVG drawing of one 8 x 8 pattern tile.
_HATCHES = {
    "associate": '<path d="M0,4 H8 M4,0 V8" stroke-width="1.2"/>',  # grid
    "observer": '<path d="M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6" stroke-width="1.6"/>',  # diagonal /
    "dialogue_partner": '<circle cx="4" cy="4" r="1.6" stroke="none" fill="black"/>',  # dots
    "partner": '<path d="M0,0 L8,8 M8,0 L0,8" stroke-width="1.2"/>',  # cross-hatch
    "guest": '<path d="M0,4 H8" stroke-width="1.6"/>',  # horizontal lines
    "suspended": '<path d="M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2" stroke-width="1.6"/>',  # diagonal \\
    "frozen": '<path d="M4,0 V8" stroke-width="1.6"/>',  # vertical lines
}


def _hatch_id(color: str, status: str) -> str:
    return f"casecurity-hatch-{status.replace('_', '-')}-{color.lstrip('#').lower()}"


def _hatch_defs(color: str) -> str:
    """Hidden SVG holding the hatch patterns of one organisation colour (Leaflet fills use them)."""
    tiles = []
    for status, drawing in _HATCHES.items():
        opacity = palette.status_style(status)["fill_opacity"]
        tiles.append(
            f'<pattern id="{_hatch_id(color, status)}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{color}" fill-opacity="{opacity}"/>'
            f'<g stroke="black" stroke-opacity="0.8" fill="none">{drawing}</g></pattern>'
        )
    return (
        '<svg class="casecurity-hatches" width="0" height="0" aria-hidden="true" focusable="false" '
        f'style="position:absolute"><defs>{"".join(tiles)}</defs></svg>'
    )


def _add_hatches(m: folium.Map, color: str) -> None:
    m.get_root().html.add_child(Element(_hatch_defs(color)), name=f"casecurity_hatches_{color.lstrip('#')}")


def _status_style(color: str, status: str) -> dict:
    """Leaflet path style of a country with a membership status (or none).

    Members are filled in the organisation's colour; other statuses with its hatch pattern
    (see ``_HATCHES``; the map must hold ``_hatch_defs(color)``), whose colour carries the
    status's opacity. The border is dark with the status's dash, so neighbours stay apart.
    """
    if not status:
        return {"fillColor": palette.NEUTRAL, "fillOpacity": 0.45, "color": palette.OKABE_ITO["black"],
                "opacity": 0.35, "weight": 0.6, "dashArray": None}  # fmt: skip
    style = palette.status_style(status)
    hatched = status in _HATCHES
    return {
        "fillColor": f"url(#{_hatch_id(color, status)})" if hatched else color,
        "fillOpacity": 1.0 if hatched else style["fill_opacity"],
        "color": palette.OKABE_ITO["black"],
        "opacity": 0.8,
        "weight": style["weight"],
        "dashArray": style["dash_array"],
    }


def _status_swatch(color: str, status: str) -> str:
    style = _status_style(color, status)
    return _svg_area(
        style["fillColor"], style["fillOpacity"], style["dashArray"], style["weight"], style["color"]
    )  # a hatched status's swatch uses the same pattern as the map (one document)


def _status_label(status: str) -> str:
    return palette.status_style(status)["label"] if status else "not participating"


def _status_order() -> list[str]:
    return list(palette.STATUS_STYLES)


# --------------------------------------------------------------------------- region


def _capital_marker(m: folium.Map, lat, lon, tooltip: str, iso3: str) -> None:
    """A capital as a small white dot with a black ring; the tooltip text is escaped here."""
    folium.CircleMarker(
        location=[float(lat), float(lon)],
        radius=4,
        color=palette.OKABE_ITO["black"],
        fill=True,
        fill_color="white",
        fill_opacity=1,
        weight=2,
        tooltip=folium.Tooltip(_esc(tooltip)),
        class_name=f"casecurity-capital casecurity-iso-{iso3}",
    ).add_to(m)


# The view that frames the Fergana valley, where Kyrgyzstan, Tajikistan and Uzbekistan meet.
FERGANA_BOUNDS = [[39.55, 69.6], [41.45, 73.5]]


def region_map(focus: str | None = None) -> folium.Map:
    """The five Central Asian states and their neighbours, with capitals.

    ``focus="fergana"`` zooms on the Fergana valley and marks the enclaves of
    ``data/enclaves.csv`` (Sokh, Shakhimardan, Vorukh) in their own layer.

    ``.table``: one row per country drawn, columns iso3, name, group
    (central_asia / neighbour / ...), capital, capital_lat, capital_lon; with
    ``focus="fergana"``, ``.enclaves`` is the enclaves table.
    """
    if focus not in (None, "fergana"):
        raise CourseError(f"Unknown focus {focus!r}; use region_map() or region_map(focus='fergana').")
    countries = data.load("countries").set_index("iso3")
    geo_names = {code: f["properties"].get("name", code) for code, f in _geo().items()}
    if focus == "fergana":
        m = _new_map("The Fergana valley and its enclaves", "Natural Earth 1:50m outlines; enclaves marked")
    else:
        m = _new_map("Central Asia and its neighbours", "Natural Earth 1:50m outlines; capitals marked")
    highlight = palette.TOL_MUTED["sand"]
    features, rows = [], []
    for code in REGION:
        name = countries["name"].get(code) if code in countries.index else geo_names.get(code, code)
        group = str(countries["group"].get(code)) if code in countries.index else "other"
        in_ca = code in data.central_asia()
        capital = countries["capital"].get(code) if code in countries.index else None
        tooltip = _esc(name) + (" (Central Asia)" if in_ca else "")
        popup = f"<strong>{_esc(name)}</strong>"
        if not _is_missing(capital):
            popup += f"<br>Capital: {_esc(capital)}"
        feature = _feature(code, {"iso3": code, "in_ca": in_ca, "tooltip": tooltip, "popup": popup})
        if feature is None:
            continue
        features.append(feature)
        rows.append(
            {
                "iso3": code,
                "name": name,
                "group": group,
                "capital": None if _is_missing(capital) else capital,
                "capital_lat": countries["capital_lat"].get(code) if code in countries.index else None,
                "capital_lon": countries["capital_lon"].get(code) if code in countries.index else None,
            }
        )
    _land_basemap(m, {f["id"] for f in features})

    def style(feature: dict) -> dict:
        if feature["properties"]["in_ca"]:
            return {
                "fillColor": highlight,
                "fillOpacity": 0.7,
                "color": palette.OKABE_ITO["black"],
                "weight": 1.5,
            }
        return {"fillColor": palette.NEUTRAL, "fillOpacity": 0.45, "color": palette.OKABE_ITO["black"],
                "opacity": 0.5, "weight": 0.8, "dashArray": "4 3"}  # fmt: skip

    layer = folium.GeoJson({"type": "FeatureCollection", "features": features}, name="Countries",
                           style_function=style, control=False)  # fmt: skip
    layer.add_to(m)
    m.add_child(_FeatureText(layer))
    table = pd.DataFrame(rows, columns=["iso3", "name", "group", "capital", "capital_lat", "capital_lon"])
    capitals = table.dropna(subset=["capital_lat", "capital_lon"])
    for row in capitals.itertuples():
        _capital_marker(m, row.capital_lat, row.capital_lon, f"{row.capital} (capital of {row.name})", row.iso3)
    ca_names = [n for n in table.loc[table["iso3"].isin(data.central_asia()), "name"]]
    neighbours = [n for n in table.loc[~table["iso3"].isin(data.central_asia()), "name"] if n != "Siachen Glacier"]
    rows = [
        (_svg_area(highlight, 0.7, None), f"Central Asian state ({', '.join(ca_names)})"),
        (_svg_area(palette.NEUTRAL, 0.45, "4 3", 1, palette.OKABE_ITO["black"]), "neighbouring state"),
        (_svg_circle(palette.OKABE_ITO["black"], 0.0, None, 4), "capital"),
    ]
    alt = (
        f"Map of Central Asia: the {len(ca_names)} states {', '.join(ca_names)} are highlighted; "
        f"the neighbouring units drawn for context are {', '.join(neighbours)}. "
        f"Capitals are marked with white dots. Borders follow Natural Earth's de facto lines."
    )
    enclaves = None
    if focus == "fergana":
        enclaves = _enclave_layer(m)
        rows.append((_svg_circle(palette.OKABE_ITO["vermillion"], 0.8, None, 6), "enclave (approximate centre)"))
        described = "; ".join(
            f"{r.name}, part of {data.country_name(r.owner_iso3)} inside {data.country_name(r.surrounded_by_iso3)}"
            for r in enclaves.itertuples()
        )
        alt = (
            "Map of the Fergana valley, where Kyrgyzstan, Tajikistan and Uzbekistan meet. "
            f"Dots mark {len(enclaves)} enclaves: {described}. Borders follow Natural Earth's de facto lines; "
            "enclave positions are approximate centres."
        )
        m.fit_bounds(FERGANA_BOUNDS)
    legend = _legend("Legend", rows, "Borders: Natural Earth, de facto lines (see data/geo/README.md).")
    m = _finish(m, legend, alt, table)
    if enclaves is not None:
        m.enclaves = enclaves
    return m


def _enclave_layer(m: folium.Map) -> pd.DataFrame:
    """Mark the enclaves of data/enclaves.csv in a layer of their own; return the table drawn."""
    enclaves = data.load("enclaves").sort_values("id").reset_index(drop=True)
    layer = folium.FeatureGroup(name=f"Enclaves ({len(enclaves)})", show=True)
    for row in enclaves.itertuples():
        owner, around = data.country_name(row.owner_iso3), data.country_name(row.surrounded_by_iso3)
        text = f"{row.name}: part of {owner}, surrounded by {around}; area {row.area}"
        folium.CircleMarker(
            location=[float(row.lat), float(row.lon)],
            radius=7,
            color=palette.OKABE_ITO["black"],
            weight=2,
            fill=True,
            fill_color=palette.OKABE_ITO["vermillion"],
            fill_opacity=0.8,
            tooltip=folium.Tooltip(_esc(text)),
            popup=folium.Popup(f"{_esc(text)}<br>{_link(row.source_url)}", max_width=300, parse_html=False),
            class_name=f"casecurity-enclave casecurity-iso-{row.owner_iso3}",
        ).add_to(layer)
    layer.add_to(m)
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    return enclaves


# --------------------------------------------------------------------------- memberships


def _org_spells(org_id: str) -> pd.DataFrame:
    spells = data.load("memberships")
    spells = spells.loc[spells["organization_id"] == org_id].copy()
    for column in ("status", "start_precision", "end_precision"):
        if column in spells:
            spells[column] = spells[column].astype(object).where(spells[column].notna(), None)
    return spells.sort_values(["iso3", "start_date"]).reset_index(drop=True)


def _spell_lines(spells: pd.DataFrame, active_index: object = None) -> str:
    """HTML list of a state's spells in one organisation, with source links."""
    lines = []
    for index, spell in spells.iterrows():
        start = _fmt_date(spell["start_date"], spell.get("start_precision"))
        end = _fmt_date(spell["end_date"], spell.get("end_precision")) or "today"
        links = " ".join(
            x
            for x in (_link(spell.get("source_url")), _link(spell.get("alt_source_url"), "second source"))
            if x
        )
        text = f"{_esc(_status_label(spell['status']))}: {_esc(start)} to {_esc(end)}"
        if index == active_index:
            text = f"<strong>{text}</strong>"
        lines.append(f"<li>{text}{' (' + links + ')' if links else ''}</li>")
    return f'<ul style="margin:4px 0;padding-left:18px">{"".join(lines)}</ul>' if lines else ""


def _active_mask(spells: pd.DataFrame, day: dt.date) -> pd.Series:
    stamp = pd.Timestamp(day)
    return (
        spells["start_date"].notna()
        & (spells["start_date"] <= stamp)
        & (spells["end_date"].isna() | (stamp < spells["end_date"]))
    )


def _add_status_layer(m: folium.Map, org_id: str, color: str, features: list, codes) -> folium.GeoJson:
    """The land basemap, then one GeoJson layer of country shapes styled by membership status."""
    _land_basemap(m, set(codes))
    _add_hatches(m, color)
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"{org_id} status",
        style_function=lambda f: _status_style(color, f["properties"]["status"]),
        control=False,
    )
    layer.add_to(m)
    m.add_child(_FeatureText(layer))
    return layer


def membership_map(org: str, on: object = None) -> folium.Map:
    """Who belonged to ``org`` on ``on`` (default: the dataset's as-of date), by status.

    Countries are filled in the organisation's colour; the status sets fill
    opacity and border dash. The popup lists each state's spells with dates and
    source links. States outside the drawn area (and too small for 1:110m
    outlines) are still listed in the table with ``drawn == False``.

    ``.table``: one row per state with a spell active on that date, columns iso3,
    name, status, start_date, end_date, source_url, drawn.
    """
    org_id, org_name = _org(org)
    day = _day(on, "date `on`")
    data.members(org_id, on=day.isoformat(), status=None)  # validates with the data module's rules
    names = _names()
    spells = _org_spells(org_id)
    active = spells.loc[_active_mask(spells, day)]
    status_of = dict(zip(active["iso3"], active["status"], strict=True))
    color = palette.org_color(org_id)
    m = _new_map(f"{org_name} ({org_id}) on {day.isoformat()}", "Status of each state on that date")
    geo = _geo()
    codes = sorted(set(REGION) | {c for c in status_of if c in geo})
    features = []
    for code in codes:
        status = status_of.get(code, _NO_STATUS)
        name = _name(code, names, {code: geo[code]["properties"].get("name", code)} if code in geo else None)
        own = spells.loc[spells["iso3"] == code]
        active_index = active.index[active["iso3"] == code]
        popup = (
            f"<strong>{_esc(name)}</strong><br>{_esc(org_id)} on {day.isoformat()}: "
            f"<em>{_esc(_status_label(status))}</em>"
            + (f"<br>All spells in the {_esc(org_id)}:" + _spell_lines(own, active_index[0] if len(active_index) else None)
               if len(own) else "")
        )  # fmt: skip
        feature = _feature(code, {"iso3": code, "status": status,
                                  "tooltip": f"{_esc(name)}: {_esc(_status_label(status))}", "popup": popup})  # fmt: skip
        if feature is not None:
            features.append(feature)
    _add_status_layer(m, org_id, color, features, codes)
    table = active[["iso3", "status", "start_date", "end_date", "source_url"]].copy()
    table.insert(1, "name", [_name(c, names) for c in table["iso3"]])
    table["drawn"] = table["iso3"].isin(geo)
    present = [s for s in _status_order() if s in set(status_of.values())]
    rows = [(_status_swatch(color, s), _status_label(s)) for s in present]
    rows.append((_status_swatch(color, _NO_STATUS), f"not in the {org_id} on that date"))
    legend = _legend(f"{org_id} on {day.isoformat()}", rows, "Click a country for its dates and sources.")
    alt = _membership_sentence(org_id, org_name, day, table)
    return _finish(m, legend, alt, table)


def _membership_sentence(org_id: str, org_name: str, day: dt.date, table: pd.DataFrame) -> str:
    parts = []
    for status in _status_order():
        states = table.loc[table["status"] == status, "name"].tolist()
        if states:
            parts.append(f"{len(states)} {_plural(_status_label(status), len(states))} ({', '.join(states)})")
    hidden = table.loc[~table["drawn"], "name"].tolist()
    text = f"Map of the {org_name} ({org_id}) on {day.isoformat()}: "
    text += "; ".join(parts) if parts else "no state held any status on that date"
    text += ". Other countries are drawn in light grey."
    if hidden:
        text += f" Not drawn (outside the map data): {', '.join(hidden)}."
    return text


def _plural(label: str, count: int) -> str:
    if count == 1:
        return label
    head, _, tail = label.partition(" (")
    return head + "s" + (f" ({tail}" if tail else "")


def membership_timeline_map(org: str, start: object = None) -> folium.Map:
    """Membership of ``org`` through time, with a date slider that works in a saved page.

    The slider steps through every date on which some state's status changed
    (plus the as-of date); ``start`` chooses the initial date (default: the
    latest step). It is a native, labelled ``<input type="range">``: arrow keys
    move it, and a line under it counts the states per status on that date.

    ``.table``: every spell of the organisation, columns iso3, name, status,
    start_date, start_precision, end_date, end_precision, source_url, drawn.
    """
    org_id, org_name = _org(org)
    names = _names()
    spells = _org_spells(org_id)
    if spells.empty:
        raise CourseError(
            f"The dataset has no membership spells for {org_id}; try membership_map('{org_id}')."
        )
    change_days = set(spells["start_date"].dropna()) | set(spells["end_date"].dropna())
    steps = sorted(
        {pd.Timestamp(d).date() for d in change_days if pd.Timestamp(d).date() <= data.AS_OF} | {data.AS_OF}
    )
    steps = [d for d in steps if d >= min(pd.Timestamp(s).date() for s in spells["start_date"].dropna())]
    initial_day = data.AS_OF if start is None else _day(start, "start date")
    initial = max([i for i, d in enumerate(steps) if d <= initial_day], default=0)
    day = steps[initial]
    color = palette.org_color(org_id)
    geo = _geo()
    m = _new_map(f"{org_name} ({org_id}) through time", "Move the slider to change the date")
    codes = sorted(set(REGION) | {c for c in spells["iso3"] if c in geo})
    active = spells.loc[_active_mask(spells, day)]
    status_of = dict(zip(active["iso3"], active["status"], strict=True))
    features = []
    for code in codes:
        name = _name(code, names, {code: geo[code]["properties"].get("name", code)} if code in geo else None)
        own = spells.loc[spells["iso3"] == code]
        status = status_of.get(code, _NO_STATUS)
        popup = f"<strong>{_esc(name)}</strong>" + (
            f"<br>Spells in the {_esc(org_id)}:" + _spell_lines(own)
            if len(own)
            else f"<br>Never in the {_esc(org_id)}."
        )
        feature = _feature(code, {"iso3": code, "status": status,
                                  "tooltip": f"{_esc(name)}: {_esc(_status_label(status))}", "popup": popup})  # fmt: skip
        if feature is not None:
            features.append(feature)
    layer = _add_status_layer(m, org_id, color, features, codes)
    spell_lists: dict[str, list] = {}
    for spell in spells.itertuples():
        end = None if _is_missing(spell.end_date) else pd.Timestamp(spell.end_date).strftime("%Y-%m-%d")
        if _is_missing(spell.start_date):
            continue
        spell_lists.setdefault(spell.iso3, []).append(
            [pd.Timestamp(spell.start_date).strftime("%Y-%m-%d"), end, spell.status]
        )
    statuses = [s for s in _status_order() if s in set(spells["status"])]
    styles = {s: _status_style(color, s) for s in [*statuses, _NO_STATUS]}
    labels = {s: _esc(_status_label(s)) for s in [*statuses, _NO_STATUS]}
    slider_id = f"casecurity-slider-{org_id.lower().replace('+', 'plus')}"
    html_text = (
        f'<label for="{slider_id}">Date</label><output for="{slider_id}">{day.isoformat()}</output>'
        f'<input id="{slider_id}" type="range" min="0" max="{len(steps) - 1}" step="1" value="{initial}" '
        f'aria-valuetext="{day.isoformat()}">'
        '<p class="casecurity-slider-summary" aria-live="polite"></p>'
    )
    m.add_child(
        _TimeSlider(
            layer,
            [d.isoformat() for d in steps],
            spell_lists,
            styles,
            labels,
            statuses,
            {
                c: _esc(_name(c, names, {c: geo[c]["properties"].get("name", c)} if c in geo else None))
                for c in codes
            },
            html_text,
        )
    )
    table = spells[
        ["iso3", "status", "start_date", "start_precision", "end_date", "end_precision", "source_url"]
    ].copy()
    table.insert(1, "name", [_name(c, names) for c in table["iso3"]])
    table["drawn"] = table["iso3"].isin(geo)
    rows = [(_status_swatch(color, s), _status_label(s)) for s in statuses]
    rows.append((_status_swatch(color, _NO_STATUS), f"not in the {org_id} on that date"))
    legend = _legend(f"{org_id} status", rows, "Click a country for all its dates and sources.")
    history = []
    for code, group in table.groupby("iso3", sort=True):
        spans = [
            f"{_status_label(r.status)} {_fmt_date(r.start_date, r.start_precision)}"
            f"–{_fmt_date(r.end_date, r.end_precision) or 'today'}"
            for r in group.itertuples()
        ]
        history.append(f"{_name(code, names)}: {', '.join(spans)}")
    alt = (
        f"Map of the {org_name} ({org_id}) with a date slider over {len(steps)} dates from "
        f"{steps[0].isoformat()} to {steps[-1].isoformat()}, showing each state's status on the chosen date; "
        f"it opens at {day.isoformat()}. Spells: " + "; ".join(history) + "."
    )
    return _finish(m, legend, alt, table)


# --------------------------------------------------------------------------- facilities


def _outline_layer(m: folium.Map, codes: Iterable[str], names: dict[str, str]) -> set[str]:
    """Light outlines of some countries as context (with name tooltips); returns the codes drawn."""
    features = []
    for code in sorted(set(codes)):
        feature = _feature(code, {"iso3": code, "tooltip": _esc(_name(code, names)), "popup": ""})
        if feature is not None:
            features.append(feature)
    _land_basemap(m, {f["id"] for f in features})
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Countries",
        style_function=lambda _f: {
            "fillColor": palette.LAND,
            "fillOpacity": 0.85,
            "color": palette.OKABE_ITO["black"],
            "weight": 1,
            "opacity": 0.6,
        },  # fmt: skip
        control=False,
    )
    layer.add_to(m)
    m.add_child(_FeatureText(layer))
    return {f["id"] for f in features}


_PRECISION_TEXT = {"site": "exact site", "town": "placed at the nearest town (site not public)"}


def facilities_map(on: object = None, operators: str | list[str] | None = None) -> folium.Map:
    """Foreign military facilities in Central Asia, one toggleable layer per operating power.

    - ``on``: only facilities open on that date (``opened <= on < closed``); those
      are drawn as *active* when a source confirms their use that day, else as
      *reported* (a ``reported`` row is confirmed up to its ``last_confirmed``
      date). Default: every facility in the dataset, drawn by its current status.
    - ``operators``: one ISO3 code or name, or a list (default: all).

    Sites run by their own host state (``operator_iso3 == host_iso3``, e.g. a
    foreign-funded national base) are not foreign facilities: they are left out
    of the map, and the alt text names them.

    Markers are circles in the operator's colour; status sets fill and dash.
    The popup gives the name, dates, location precision and source links.

    ``.table``: one row per facility drawn, columns id, name, host_iso3,
    operator_iso3, kind, lat, lon, location_precision, opened, closed, status,
    status_shown, source_url.
    """
    wanted = _as_list(operators, "operators")
    codes = sorted({data.iso3_of(o) for o in wanted}) if wanted else None
    frame = data.facilities(active_on=None if on is None else _day(on, "date `on`").isoformat())
    if codes is not None:
        frame = frame.loc[frame["operator_iso3"].isin(codes)]
    frame = frame.dropna(subset=["lat", "lon"]).sort_values(["operator_iso3", "id"]).reset_index(drop=True)
    # a site run by its own host (e.g. a Chinese-funded Tajik base) is not a foreign facility
    host_run = frame.loc[frame["operator_iso3"] == frame["host_iso3"], "name"].tolist()
    frame = frame.loc[frame["operator_iso3"] != frame["host_iso3"]].reset_index(drop=True)
    names = _names()
    day = None if on is None else _day(on, "date `on`")
    # on a date, a reported site is drawn as active up to its last_confirmed date (data.facilities)
    confirmed_then = set(data.facilities(confirmed_on=day.isoformat())["id"]) if day else set()
    title = "Foreign military facilities in Central Asia" + (f" open on {day.isoformat()}" if day else "")
    m = _new_map(title, "One layer per operating state: use the layer control to hide one")
    _outline_layer(m, [*data.central_asia(), *frame["host_iso3"].dropna()], names)
    shown = []
    for operator, group in frame.groupby("operator_iso3", sort=True):
        color = palette.power_color(operator)
        layer = folium.FeatureGroup(name=f"{_esc(_name(operator, names))} ({len(group)})", show=True)
        for row in group.itertuples():
            status = str(row.status)
            if day:
                status_shown = "active" if row.id in confirmed_then else "reported"
            else:
                status_shown = status
            shown.append(status_shown)
            style = palette.FACILITY_STATUS.get(status_shown, palette.FACILITY_STATUS["active"])
            opened = _fmt_date(row.opened, getattr(row, "opened_precision", None)) or "unknown"
            closed = _fmt_date(row.closed, getattr(row, "closed_precision", None))
            links = " · ".join(
                x
                for x in (_link(row.source_url), _link(getattr(row, "alt_source_url", None), "second source"))
                if x
            )
            precision = _PRECISION_TEXT.get(str(row.location_precision), str(row.location_precision))
            popup = (
                f"<strong>{_esc(row.name)}</strong><br>"
                f"Operator: {_esc(_name(operator, names))}; host: {_esc(_name(str(row.host_iso3), names))}<br>"
                f"Kind: {_esc(str(row.kind).replace('_', ' '))}<br>"
                f"Open: {_esc(opened)} to {_esc(closed or 'today')}<br>"
                f"Status: {_esc(style['label'])}<br>"
                f"Location: {_esc(precision)}" + (f"<br>{links}" if links else "")
            )
            folium.CircleMarker(
                location=[float(row.lat), float(row.lon)],
                radius=style["radius"],
                color=color,
                weight=2.5,
                fill=True,
                fill_color=color,
                fill_opacity=style["fill_opacity"],
                dash_array=style["dash_array"],
                popup=folium.Popup(popup, max_width=340, parse_html=False),
                tooltip=folium.Tooltip(f"{_esc(row.name)} ({_esc(style['label'])})"),
                class_name=f"casecurity-facility casecurity-op-{operator}",
            ).add_to(layer)
        layer.add_to(m)
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    operators_drawn = sorted(frame["operator_iso3"].unique())
    rows = [
        (_svg_circle(palette.power_color(c), 0.9, None), f"operated by {_name(c, names)}")
        for c in operators_drawn
    ]
    for status in palette.FACILITY_STATUS:
        if status in shown:
            s = palette.FACILITY_STATUS[status]
            rows.append(
                (_svg_circle(palette.OKABE_ITO["black"], s["fill_opacity"], s["dash_array"]), s["label"])
            )
    legend = _legend("Facilities", rows, "Click a marker for dates, location precision and sources.")
    table = frame[["id", "name", "host_iso3", "operator_iso3", "kind", "lat", "lon", "location_precision",
                   "opened", "closed", "status"]].copy()  # fmt: skip
    table["status_shown"] = shown
    table["source_url"] = frame["source_url"]
    by_operator = [f"{_name(c, names)} {int((frame['operator_iso3'] == c).sum())}" for c in operators_drawn]
    # a reported site is drawn but never counted as confirmed: say how many of each
    n_reported = shown.count("reported")
    status_note = (
        f"; {len(frame) - n_reported} confirmed, {n_reported} reported but unconfirmed" if n_reported else ""
    )
    alt = (
        f"{title}: {len(frame)} facilities"
        + (f" ({', '.join(by_operator)})" if by_operator else "")
        + status_note
        + ". "
        + " ".join(
            f"{r.name} in {_name(str(r.host_iso3), names)} ({r.status_shown});" for r in table.itertuples()
        )
    ).rstrip(";") + ("." if len(frame) else "")
    if host_run:
        alt += f" Not drawn, because the host runs it: {'; '.join(host_run)}."
    return _finish(m, legend, alt, table)


# --------------------------------------------------------------------------- events


def events_map(
    category: str | list[str] | None = None, between: tuple[object, object] | None = None
) -> folium.Map:
    """Events with a location, one toggleable layer per category.

    ``category``: one category or a list (see docs/design.md); ``between``:
    ``(start, end)``, inclusive, either may be None. Events without coordinates
    are kept in the table with ``drawn == False``.

    ``.table``: columns id, start_date, end_date, title, category, countries,
    lat, lon, fatalities_low, fatalities_high, source_url, drawn.
    """
    # data.events() sorts by start date, a year- or month-precision start at the end of its period
    frame = data.events(category=category, between=between).reset_index(drop=True)
    names = _names()
    window = ""
    if between is not None:
        start, end = between
        window = f" {_day(start).isoformat() if start is not None else '…'} to {_day(end).isoformat() if end is not None else '…'}"
    categories = _as_list(category, "category")
    title = (
        "Security events"
        + (f": {', '.join(c.replace('_', ' ') for c in categories)}" if categories else "")
        + window
    )
    m = _new_map(title, "One layer per category: use the layer control to hide one")
    _outline_layer(m, data.central_asia(), names)
    frame["drawn"] = frame["lat"].notna() & frame["lon"].notna()
    drawn = frame.loc[frame["drawn"]]
    for cat, group in drawn.groupby(drawn["category"].astype(str), sort=True):
        color = palette.event_color(cat)
        layer = folium.FeatureGroup(name=f"{_esc(cat.replace('_', ' '))} ({len(group)})", show=True)
        for row in group.itertuples():
            when = _fmt_date(row.start_date, getattr(row, "start_precision", None))
            if not _is_missing(row.end_date):
                when += f" to {_fmt_date(row.end_date)}"
            places = ", ".join(_name(c, names) for c in str(row.countries or "").split(";") if c)
            deaths = ""
            if not _is_missing(row.fatalities_low) or not _is_missing(row.fatalities_high):
                low, high = row.fatalities_low, row.fatalities_high
                deaths = f"<br>Deaths: {_esc(_range_text(low, high))}"
            links = " · ".join(
                x
                for x in (_link(row.source_url), _link(getattr(row, "alt_source_url", None), "second source"))
                if x
            )
            popup = (
                f"<strong>{_esc(row.title)}</strong><br>{_esc(when)} · {_esc(cat.replace('_', ' '))}<br>"
                f"Countries: {_esc(places)}{deaths}"
                + (f"<br>{_esc(row.summary)}" if not _is_missing(getattr(row, "summary", None)) else "")
                + (f"<br>{links}" if links else "")
            )
            folium.CircleMarker(
                location=[float(row.lat), float(row.lon)],
                radius=7,
                color=color,
                weight=2,
                fill=True,
                fill_color=color,
                fill_opacity=0.7,
                popup=folium.Popup(popup, max_width=340, parse_html=False),
                tooltip=folium.Tooltip(f"{_esc(when)}: {_esc(row.title)} ({_esc(cat.replace('_', ' '))})"),
                class_name=f"casecurity-event casecurity-cat-{cat}",
            ).add_to(layer)
        layer.add_to(m)
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    present = sorted(drawn["category"].astype(str).unique())
    rows = [
        (_svg_circle(palette.event_color(c), 0.7, None), c.replace("_", " ")) for c in present
    ]
    legend = _legend("Event category", rows, "Click a marker for the date, summary and sources.")
    table = frame[["id", "start_date", "end_date", "title", "category", "countries", "lat", "lon",
                   "fatalities_low", "fatalities_high", "source_url", "drawn"]].copy()  # fmt: skip
    counts = ", ".join(
        f"{int((drawn['category'].astype(str) == c).sum())} {c.replace('_', ' ')}" for c in present
    )
    alt = f"{title}: {len(drawn)} events drawn" + (f" ({counts})" if counts else "") + "."
    missing = int((~frame["drawn"]).sum())
    if missing:
        alt += f" {missing} more have no coordinates and are only in the table."
    return _finish(m, legend, alt, table)


def _range_text(low: object, high: object) -> str:
    low_text = "" if _is_missing(low) else f"{int(low)}"
    high_text = "" if _is_missing(high) else f"{int(high)}"
    if low_text and high_text and low_text != high_text:
        return f"{low_text}–{high_text}"
    return low_text or high_text


# --------------------------------------------------------------------------- treaties


def _strongest(obligations: str) -> str:
    listed = [o for o in str(obligations or "").split(";") if o]
    if "declaration" in listed:  # a political declaration binds to nothing it lists: never draw it as a pact
        return "declaration"
    for candidate in palette.OBLIGATIONS:
        if candidate in listed:
            return candidate
    return listed[0] if listed else "other"


def treaty_network_map(obligation: str | None = None, on: object = None) -> folium.Map:
    """Bilateral treaties in force on ``on`` (default: as-of date) as lines between capitals.

    One line per pair of states, styled (colour, dash, width) by the strongest
    obligation among their treaties (order: defence, basing, military
    cooperation, border, strategic partnership, friendship, declaration), or by
    ``obligation`` when given (then only treaties carrying it are drawn).

    ``.table``: one row per treaty, columns id, name, party_a, party_b,
    signed_date, in_force_date, obligations, style_obligation, source_url.
    """
    day = _day(on, "date `on`")
    frame = data.treaties(obligation=obligation, in_force_on=day.isoformat(), kind="bilateral")
    countries = data.load("countries").set_index("iso3")
    names = _names()
    label = "" if obligation is None else f" with a {str(obligation).replace('_', ' ')} obligation"
    title = f"Bilateral treaties{label} in force on {day.isoformat()}"
    m = _new_map(title, "Lines join capitals; click a line for the treaties")
    rows, skipped = [], []
    for treaty in frame.sort_values(["id"]).itertuples():
        parties = sorted(p for p in str(treaty.parties or "").split(";") if p)
        if len(parties) != 2 or any(p not in countries.index for p in parties):
            skipped.append(str(treaty.id))
            continue
        rows.append(
            {
                "id": treaty.id,
                "name": treaty.name,
                "party_a": parties[0],
                "party_b": parties[1],
                "signed_date": treaty.signed_date,
                "in_force_date": treaty.in_force_date,
                "obligations": treaty.obligations,
                "style_obligation": str(obligation) if obligation else _strongest(treaty.obligations),
                "source_url": treaty.source_url,
            }
        )
    table = pd.DataFrame(rows, columns=["id", "name", "party_a", "party_b", "signed_date", "in_force_date",
                                        "obligations", "style_obligation", "source_url"])  # fmt: skip
    involved = sorted(set(table["party_a"]) | set(table["party_b"]))
    _outline_layer(m, data.central_asia(), names)
    rank = {o: i for i, o in enumerate(palette.OBLIGATIONS)}
    used_styles = set()
    for (a, b), group in table.groupby(["party_a", "party_b"], sort=True):
        key = min(group["style_obligation"], key=lambda o: rank.get(o, len(rank)))
        used_styles.add(key)
        style = palette.obligation_style(key)
        points = [
            [float(countries.at[c, "capital_lat"]), float(countries.at[c, "capital_lon"])] for c in (a, b)
        ]
        items = "".join(
            f"<li>{_esc(r.name)} (signed {_esc(_fmt_date(r.signed_date))}; "
            f"{_esc(str(r.obligations).replace(';', ', ').replace('_', ' '))})"
            f"{' ' + _link(r.source_url) if _link(r.source_url) else ''}</li>"
            for r in group.itertuples()
        )
        popup = (
            f"<strong>{_esc(_name(a, names))} – {_esc(_name(b, names))}</strong>"
            f'<ul style="margin:4px 0;padding-left:18px">{items}</ul>'
        )
        folium.PolyLine(
            points,
            color=style["color"],
            weight=style["weight"],
            dash_array=style["dash_array"],
            opacity=0.9,
            popup=folium.Popup(popup, max_width=360, parse_html=False),
            tooltip=folium.Tooltip(
                f"{_esc(_name(a, names))} – {_esc(_name(b, names))}: {len(group)} treaty(ies), "
                f"strongest: {_esc(key.replace('_', ' '))}"
            ),
            class_name=f"casecurity-treaty casecurity-pair-{a}-{b}",
        ).add_to(m)
    for code in involved:
        _capital_marker(m, countries.at[code, "capital_lat"], countries.at[code, "capital_lon"],
                        f"{countries.at[code, 'capital']} ({_name(code, names)})", code)
    ordered = sorted(used_styles, key=lambda o: rank.get(o, len(rank)))
    legend_rows = [
        (_svg_line(palette.obligation_style(o)["color"], palette.obligation_style(o)["dash_array"],
                   palette.obligation_style(o)["weight"]), o.replace("_", " "))
        for o in ordered
    ]  # fmt: skip
    legend_rows.append((_svg_circle(palette.OKABE_ITO["black"], 0.0, None, 4), "capital"))
    legend = _legend("Strongest obligation", legend_rows, "One line per pair of states.")
    pairs = [f"{_name(a, names)}–{_name(b, names)} ({min(g['style_obligation'], key=lambda o: rank.get(o, len(rank))).replace('_', ' ')})"
             for (a, b), g in table.groupby(["party_a", "party_b"], sort=True)]  # fmt: skip
    alt = f"{title}: {len(table)} treaties linking {len(pairs)} pairs of states"
    alt += (": " + "; ".join(pairs) + ".") if pairs else "."
    if skipped:
        alt += f" Not drawn (not exactly two parties with known capitals): {', '.join(skipped)}."
    return _finish(m, legend, alt, table)
