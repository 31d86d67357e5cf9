"""The course's colours: one per organisation, one per power, one style per status.

Every map, chart and legend takes its colours from here, so an organisation
looks the same everywhere. The colours come from the Okabe-Ito palette and
Paul Tol's "muted" palette, both designed to stay distinguishable for the
common forms of colour-blindness. Status is never shown by colour alone: each
status also has its own fill opacity and border dash, and its word is written
in tooltips, popups and tables.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
# Paul Tol, "muted" qualitative scheme (https://personal.sron.nl/~pault/).
TOL_MUTED = {
    "indigo": "#332288",
    "cyan": "#88CCEE",
    "teal": "#44AA99",
    "green": "#117733",
    "olive": "#999933",
    "sand": "#DDCC77",
    "rose": "#CC6677",
    "wine": "#882255",
    "purple": "#AA4499",
}
NEUTRAL = "#BBBBBB"  # non-members, context countries
LAND = "#F2F2EE"
SEA = "#DCE9F2"

ORGANIZATIONS = {
    "CSTO": OKABE_ITO["vermillion"],
    "SCO": OKABE_ITO["blue"],
    "SHANGHAI5": TOL_MUTED["cyan"],
    "CIS": OKABE_ITO["orange"],
    "OTS": OKABE_ITO["bluish_green"],
    "PFP": TOL_MUTED["indigo"],
    "EAEU": OKABE_ITO["reddish_purple"],
    "CACO": TOL_MUTED["olive"],
    "GUAM": TOL_MUTED["sand"],
    "CICA": TOL_MUTED["teal"],
    "C5+1": OKABE_ITO["sky_blue"],
    "CAHS": TOL_MUTED["green"],
}
POWERS = {
    "RUS": OKABE_ITO["vermillion"],
    "CHN": TOL_MUTED["wine"],
    "USA": OKABE_ITO["blue"],
    "DEU": OKABE_ITO["black"],
    "FRA": OKABE_ITO["sky_blue"],
    "IND": OKABE_ITO["orange"],
    "TUR": OKABE_ITO["bluish_green"],
    "GBR": TOL_MUTED["purple"],
}

# fill opacity and border dash make the status readable without colour
STATUS_STYLES = {
    "member": {"fill_opacity": 0.75, "dash_array": None, "weight": 1.5, "label": "member"},
    "associate": {"fill_opacity": 0.55, "dash_array": "6 3", "weight": 1.5, "label": "associate member"},
    "observer": {"fill_opacity": 0.35, "dash_array": "4 4", "weight": 1.5, "label": "observer"},
    "dialogue_partner": {"fill_opacity": 0.25, "dash_array": "2 4", "weight": 1.5, "label": "dialogue partner"},
    "partner": {"fill_opacity": 0.45, "dash_array": "8 2 2 2", "weight": 1.5, "label": "partner"},
    "guest": {"fill_opacity": 0.15, "dash_array": "1 3", "weight": 1.5, "label": "guest"},
    "suspended": {"fill_opacity": 0.2, "dash_array": "10 4", "weight": 2.5, "label": "suspended"},
    "frozen": {"fill_opacity": 0.2, "dash_array": "2 2", "weight": 2.5, "label": "frozen (participation suspended by the member)"},
}
FACILITY_STATUS = {
    "active": {"fill_opacity": 0.9, "dash_array": None, "radius": 8, "label": "active"},
    "closed": {"fill_opacity": 0.15, "dash_array": "3 3", "radius": 7, "label": "closed"},
    "reported": {"fill_opacity": 0.5, "dash_array": "1 3", "radius": 7, "label": "reported, unconfirmed"},
}
# the category word is always written next to the colour (legend, tooltip, table)
EVENT_CATEGORIES = {
    "independence": TOL_MUTED["indigo"],
    "founding": OKABE_ITO["blue"],
    "membership": OKABE_ITO["sky_blue"],
    "treaty": OKABE_ITO["bluish_green"],
    "deployment": OKABE_ITO["black"],
    "exercise": OKABE_ITO["orange"],
    "armed_clash": OKABE_ITO["vermillion"],
    "terrorist_attack": TOL_MUTED["wine"],
    "unrest": OKABE_ITO["reddish_purple"],
    "diplomacy": TOL_MUTED["teal"],
    "withdrawal": TOL_MUTED["olive"],
    "migration": TOL_MUTED["sand"],
}
OBLIGATIONS = {
    "defense": {"color": OKABE_ITO["vermillion"], "dash_array": None, "weight": 4},
    "basing": {"color": OKABE_ITO["black"], "dash_array": "8 4", "weight": 3},
    "military_cooperation": {"color": OKABE_ITO["orange"], "dash_array": "4 4", "weight": 3},
    "border": {"color": OKABE_ITO["bluish_green"], "dash_array": "1 5", "weight": 3},
    "strategic_partnership": {"color": OKABE_ITO["blue"], "dash_array": "10 4 2 4", "weight": 2},
    "friendship": {"color": OKABE_ITO["reddish_purple"], "dash_array": "2 6", "weight": 2},
    "declaration": {"color": "#777777", "dash_array": "1 8", "weight": 2},
}


def org_color(org_id: str) -> str:
    """Colour of an organisation (``"CSTO"``); neutral grey when it has none."""
    return ORGANIZATIONS.get(str(org_id).upper(), NEUTRAL)


def power_color(iso3: str) -> str:
    """Colour of an external power (``"RUS"``); neutral grey when it has none."""
    return POWERS.get(str(iso3).upper(), NEUTRAL)


def event_color(category: str) -> str:
    """Colour of an event category (``"armed_clash"``); neutral grey when it has none."""
    return EVENT_CATEGORIES.get(str(category), NEUTRAL)


def status_style(status: str) -> dict:
    """Opacity, dash and label of a membership status (``"observer"``)."""
    return STATUS_STYLES.get(str(status), {"fill_opacity": 0.1, "dash_array": None, "weight": 1, "label": str(status)})


def obligation_style(obligation: str) -> dict:
    """Line colour, dash and weight for a treaty obligation."""
    return OBLIGATIONS.get(str(obligation), {"color": "#777777", "dash_array": "2 2", "weight": 2})
