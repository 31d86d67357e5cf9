"""Lesson 04 (the major powers: Russia, China, the United States and others): questions and helpers.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`,
so a correction to ``data/facilities.csv`` or ``data/treaties.csv`` updates the answer key too.

Lesson helpers (used by ``notebooks/04_major_powers.ipynb``):

- :func:`presence_years` and :func:`presence_table`: how long each power has held military
  facilities in the region, summed over its facilities, in years.
- :func:`facilities_explorer`: a year slider that redraws the facilities map.
"""

from __future__ import annotations

import datetime as dt

from casecurity.exercises import (
    ChoiceQuestion,
    CountrySetQuestion,
    FunctionQuestion,
    MapQuestion,
    ReflectionQuestion,
    TableQuestion,
    ValueQuestion,
    define_lesson,
)
from casecurity.practice import practice_set

# Dates the questions ask about (named once so prompts, answers and tests agree).
TABLE_QUESTION_DATE = "2005-01-01"
KYRGYZSTAN_QUESTION_DATE = "2010-01-01"

# Per-student variants (issue #18); the first entry of each list is the default (practice) variant.
# q1: (host, date) pairs with at least one foreign operator in the host that day, none of which is
# there only through a 'reported' facility (so every answer is clear-cut).
HOST_QUESTION_VARIANTS = [
    ("KGZ", KYRGYZSTAN_QUESTION_DATE), ("KGZ", "2000-01-01"), ("KGZ", "2005-01-01"), ("TJK", "2005-01-01"),
    ("TJK", "2010-01-01"), ("TJK", "2015-01-01"), ("UZB", "2003-01-01"), ("UZB", "2010-01-01"),
    ("KAZ", "2018-01-01"),
]
# q2: (operator, host) whose facilities there have all closed; host "" means all of Central Asia
# (params are written into the handout as Python literals, so no None).
LAST_CLOSURE_VARIANTS = [("USA", ""), ("DEU", ""), ("FRA", ""), ("IND", ""), ("USA", "UZB"), ("USA", "KGZ")]
# how q2's prompt names each operator ("the last US military facility")
POWER_ADJECTIVES = {"USA": "US", "DEU": "German", "FRA": "French", "IND": "Indian"}
# q4: days whose per-operator counts all differ from one another
TABLE_QUESTION_DATES = [
    TABLE_QUESTION_DATE, "2000-01-01", "2003-01-01", "2008-06-30", "2015-01-01", "2016-06-30", "2018-01-01",
    "2023-01-01",
]
# Every operating state in data/facilities.csv (a test keeps this equal to the data): q7 tests all of
# them and q8 draws all of them by default.
FACILITY_OPERATORS = ["CHN", "DEU", "FRA", "IND", "RUS", "TJK", "USA"]
# q7: the operators a variant's test cases call. Each set has Russia (reported sites confirmed up to
# last_confirmed), one operator whose only site is reported and never confirmed or undated (CHN, IND's
# Farkhor, TJK) and one operator with closed facilities, so every rule of the prompt is tested.
PRESENCE_CASE_SETS = [
    FACILITY_OPERATORS, ["CHN", "RUS", "TJK", "USA"], ["DEU", "IND", "RUS", "TJK"], ["CHN", "FRA", "IND", "RUS"],
    ["IND", "RUS", "TJK", "USA"], ["CHN", "DEU", "FRA", "RUS"], ["CHN", "IND", "RUS", "USA"],
    ["FRA", "RUS", "TJK", "USA"],
]
# q8: the operators a variant's map shows (three foreign powers each).
MAP_OPERATOR_SETS = [
    FACILITY_OPERATORS, ["DEU", "RUS", "USA"], ["CHN", "IND", "RUS"], ["DEU", "FRA", "USA"], ["FRA", "IND", "RUS"],
    ["CHN", "IND", "USA"], ["DEU", "FRA", "IND"], ["CHN", "RUS", "USA"],
]
# A year has 365.25 days on average (leap years included): presence-years = days / 365.25.
DAYS_PER_YEAR = 365.25
# The first New Year after the Alma-Ata Declaration (21 Dec 1991) that ended the USSR:
# clipping at this day counts only post-Soviet years.
POST_SOVIET_START = "1992-01-01"


def _data():
    from casecurity import data

    return data


def _day(value) -> dt.date:
    """Any date form the data API accepts -> datetime.date (CourseError on nonsense)."""
    data = _data()
    return data.to_timestamp(value, "date").date()


# ----------------------------------------------------------------------------- helpers


def presence_days(operator: str, as_of=None, since=None, status: str = "confirmed") -> int:
    """Days of military presence of one operating state, summed over its facilities.

    Each facility counts ``(closed, or as_of if still open) - opened`` days. Facilities
    without an opening date are left out (nothing can be counted for them). A ``reported``
    facility's days are split at its ``last_confirmed`` date: confirmed from ``opened``
    through that day, reported after it (all reported if ``last_confirmed`` is empty), so
    a site used for decades is not erased because no recent source confirms it.

    Args:
        operator: ISO3 code or name (``"RUS"``, ``"Russia"``).
        as_of: the end of the count for facilities still open; default ``data.AS_OF``.
        since: count only days on or after this date (e.g. ``POST_SOVIET_START``); default: no clip.
        status: ``"confirmed"`` (days a source confirms: active and closed rows, and reported
            rows up to ``last_confirmed``), ``"reported"`` (the other days of reported rows)
            or ``"all"``.
    """
    data = _data()
    if status not in ("confirmed", "reported", "all"):
        from casecurity.errors import suggest

        raise suggest(status, ["confirmed", "reported", "all"], "status")
    end_default = _day(data.AS_OF if as_of is None else as_of)
    start_clip = None if since is None else _day(since)
    rows = data.facilities(operator=operator)
    import pandas as pd

    total = 0
    for row in rows.itertuples():
        if pd.isna(row.opened):  # the opening date is unknown: nothing can be counted
            continue
        start = row.opened.date()
        end = end_default if pd.isna(row.closed) else min(row.closed.date(), end_default)
        if start_clip is not None:
            start = max(start, start_clip)
        if row.status == "reported":
            # confirmed through last_confirmed (inclusive), reported from the day after
            split = start if pd.isna(row.last_confirmed) else row.last_confirmed.date() + dt.timedelta(days=1)
            split = min(max(split, start), max(end, start))
            spans = {"confirmed": (start, split), "reported": (split, end)}
        else:
            spans = {"confirmed": (start, end), "reported": (start, start)}
        for kind, (first, last) in spans.items():
            if status in (kind, "all"):
                total += max((last - first).days, 0)
    return total


def presence_years(operator: str, as_of=None, since=None, status: str = "confirmed") -> float:
    """:func:`presence_days` divided by 365.25, so a leap-year-rich span is not overcounted."""
    return presence_days(operator, as_of=as_of, since=since, status=status) / DAYS_PER_YEAR


def presence_table(as_of=None, since=None):
    """Presence-years by operating state, largest first: a DataFrame with one row per operator.

    Columns: ``operator_iso3``, ``power`` (name), ``facilities`` (confirmed: active or closed),
    ``presence_years`` (confirmed years, rounded to 0.1: active and closed facilities, and reported
    ones up to their ``last_confirmed`` date), ``reported_facilities`` and ``reported_years``
    (status ``reported``: journalists saw it, governments deny or recast it, or no recent source
    confirms it; kept apart so that an unconfirmed site never inflates the confirmed total).
    Operators that are themselves Central Asian states are left out: they are hosts, not foreign
    powers.
    """
    import pandas as pd

    data = _data()
    table = data.load("facilities")
    countries = data.load("countries")
    # A facility run by a Central Asian state itself (the Chinese-funded Tajik police base at Vakhon)
    # is not a foreign presence, so its operator gets no row.
    hosts = set(countries.loc[countries["group"] == "central_asia", "iso3"].astype(str))
    rows = []
    for code in sorted(set(table["operator_iso3"].dropna().astype(str)) - hosts):
        mine = table[table["operator_iso3"] == code]
        rows.append(
            {
                "operator_iso3": code,
                "power": data.country_name(code),
                "facilities": int((mine["status"] != "reported").sum()),
                "presence_years": round(presence_years(code, as_of=as_of, since=since), 1),
                "reported_facilities": int((mine["status"] == "reported").sum()),
                "reported_years": round(presence_years(code, as_of=as_of, since=since, status="reported"), 1),
            }
        )
    result = pd.DataFrame(rows).sort_values(["presence_years", "operator_iso3"], ascending=[False, True])
    return result.reset_index(drop=True)


def facilities_explorer(year: int = 2005, show_map: bool = True):
    """A year slider (1992 to the data's as-of year) that redraws the facilities map and table.

    The summary line states in words how many facilities each power had open on 1 January of
    the chosen year. Returns an ``ipywidgets.VBox`` with ``.year`` (the slider), ``.summary``,
    ``.visual`` (the map's HTML) and ``.table`` (the DataFrame behind the map).
    """
    import html

    import ipywidgets as widgets

    from casecurity import maps

    data = _data()
    last = data.AS_OF.year
    if isinstance(year, bool) or not isinstance(year, int):
        from casecurity.errors import CourseError

        raise CourseError(f"Give the year as a whole number, e.g. facilities_explorer(year=2005), not {year!r}.")
    slider = widgets.IntSlider(
        value=min(max(year, 1992), last), min=1992, max=last, step=1,
        description="1 January of:", style={"description_width": "initial"},
        continuous_update=False,
    )
    summary = widgets.HTML()
    visual = widgets.HTML(layout=widgets.Layout(width="100%"))
    table_view = widgets.HTML()
    box = widgets.VBox([slider, summary] + ([visual] if show_map else []) + [table_view])
    box.year, box.summary, box.visual = slider, summary, visual

    def update(_change=None):
        on = f"{slider.value}-01-01"
        m = maps.facilities_map(on=on)
        shown = m.table
        box.table = shown
        counts = shown.groupby("operator_iso3").size()
        parts = [f"{data.country_name(code)} {count}" for code, count in counts.items()]
        text = f"On 1 January {slider.value}: {len(shown)} foreign-run facilities open or reported"
        text += (" (" + ", ".join(parts) + ")." if parts else ".")
        summary.value = f'<p role="status" aria-live="polite">{html.escape(text)}</p>'
        if show_map:
            visual.value = m._repr_html_()
        columns = {"name": "Facility", "operator_iso3": "Operator", "host_iso3": "Host", "status_shown": "Status"}
        table_view.value = shown[list(columns)].rename(columns=columns).to_html(index=False)

    slider.observe(update, names="value")
    update()
    return box


# ----------------------------------------------------------------------------- expected answers


def _active_by_operator(date=TABLE_QUESTION_DATE):
    """Facilities open on the day, counted per operator (the q4 reference)."""
    frame = _data().facilities(active_on=date)
    counts = frame.groupby("operator_iso3", observed=True).size().rename("facilities").reset_index()
    return counts.sort_values("operator_iso3").reset_index(drop=True)


def _host_variant(host: str, date: str) -> dict:
    return {"host": host, "country": _data().country_name(host), "date": date}


def _powers_in_host(host="KGZ", date=KYRGYZSTAN_QUESTION_DATE, **_names):
    return _data().facilities(host=host, active_on=date)["operator_iso3"]


def _closure_variant(operator: str, host: str) -> dict:
    where = _data().country_name(host) if host else "Central Asia"
    call = f"operator={operator!r}" + (f", host={host!r}" if host else "")
    return {"operator": operator, "host": host, "power": POWER_ADJECTIVES[operator], "where": where, "call": call}


def _closure_years(operator="USA", host="", **_names) -> list[int]:
    closed = _data().facilities(operator=operator, host=host or None)["closed"].dropna()
    return sorted({int(day.year) for day in closed})


def _last_closure_year(operator="USA", host="", **_names):
    return _closure_years(operator, host)[-1]


def _operators():
    return sorted(_data().load("facilities")["operator_iso3"].dropna().astype(str).unique())


def _presence_cases(operators=FACILITY_OPERATORS):
    return [((code,), presence_years(code)) for code in operators]


def _close(a, b, rel=1e-6) -> bool:
    return abs(float(a) - float(b)) <= rel * max(1.0, abs(float(b)))


def _used_status_column(frame) -> bool:
    """The q4 answer equals the count of facilities whose *current* status is active."""
    current = _data().facilities(status="active")
    wanted = current.groupby("operator_iso3", observed=True).size()
    given = frame.set_index("operator_iso3")["facilities"]
    return dict(given.astype(int)) == dict(wanted.astype(int))


def _counted_every_facility(frame) -> bool:
    """The q4 answer counts all facilities ever, whatever their dates."""
    every = _data().load("facilities").groupby("operator_iso3", observed=True).size()
    given = frame.set_index("operator_iso3")["facilities"]
    return dict(given.astype(int)) == dict(every.astype(int))


# ----------------------------------------------------------------------------- questions


def _names_a_host(got) -> bool:
    return bool(set(got) & set(_data().central_asia()))


q1 = CountrySetQuestion(
    "Which foreign powers had a military facility open in {country} on {date}? "
    "Give names or ISO3 codes of the operating states.",
    expected=_powers_in_host,
    params=lambda rng: _host_variant(*rng.choice(HOST_QUESTION_VARIANTS)),
    default_params={"host": "KGZ", "country": "Kyrgyzstan", "date": KYRGYZSTAN_QUESTION_DATE},
    hints=[
        "data.facilities() takes host= and active_on= filters.",
        "data.facilities(host='{host}', active_on='{date}')['operator_iso3'] lists the operators.",
    ],
    mistakes=[
        # of the variants, only Kyrgyzstan's (2005, 2010) have exactly these two: days between Kant's
        # opening (Oct 2003) and Manas's closing (Jun 2014)
        (lambda got, expected: got == frozenset({"RUS"}) and expected == frozenset({"RUS", "USA"}),
         "Russia is right, but you forgot Manas: the US used it from December 2001 until June 2014."),
        (lambda got, expected: got == frozenset({"USA"}) and expected == frozenset({"RUS", "USA"}),
         "The US ran Manas, but Russia was there too: Kant air base opened in October 2003."),
        (_names_a_host, "The Central Asian states host the facilities ({country} is the host here); the question "
                        "asks for the foreign operators."),
        (lambda got, expected: "CHN" in got and "CHN" not in expected,
         "The data records no Chinese facility open in {country} on {date}."),
    ],
)


def _about_us_with_manas() -> bool:
    """q2's variant asks about US facilities in a region that includes Manas (Kyrgyzstan)."""
    return q2.params["operator"] == "USA" and q2.params["host"] in ("", "KGZ")


def _earlier_closure(got, expected) -> bool:
    return got != expected and got in _closure_years(**q2.params)


q2 = ValueQuestion(
    "In which year did the last {power} military facility in {where} close? Answer with a year (a number).",
    expected=_last_closure_year,
    params=lambda rng: _closure_variant(*rng.choice(LAST_CLOSURE_VARIANTS)),
    default_params={"operator": "USA", "host": "", "power": "US", "where": "Central Asia",
                    "call": "operator='USA'"},
    hints=[
        "Filter the facilities table to operator '{operator}' and look at the 'closed' column.",
        "data.facilities({call})['closed'].max().year",
    ],
    mistakes=[
        (lambda got: got == 2005 and _about_us_with_manas(),
         "2005 is when the US left Karshi-Khanabad (K2) in Uzbekistan; Manas stayed open."),
        (lambda got, expected: got == 2021 and expected < 2021,
         "2021 is when US forces left Afghanistan; no {power} military facility in {where} was open by then."),
        (lambda got: got == 2009 and _about_us_with_manas(),
         "In 2009 Manas was renamed the Transit Center, but it stayed open."),
        (_earlier_closure,
         "That year an earlier {power} facility in {where} closed, but not the last one: take the latest "
         "closing date."),
    ],
)

q3 = ChoiceQuestion(
    "What did the 12 March 2002 Declaration on the Strategic Partnership and Cooperation Framework "
    "commit the United States to?",
    options={
        "a": "To 'regard with grave concern' any external threat to Uzbekistan, and to cooperate and "
             "consult.",
        "b": "To defend Uzbekistan if it were ever attacked, with a pledge like NATO's Article 5 for "
             "its allies.",
        "c": "To keep a permanent US air base at Karshi-Khanabad (K2) for at least the next 25 years.",
        "d": "Nothing on security at all: the declaration dealt only with trade, investment and "
             "economic reform.",
    },
    answer="a",
    explanations={
        "a": "Right: a statement of concern plus cooperation and consultation, with Uzbek reform "
             "pledges in return: a political declaration, not a defence guarantee, and it did not stop "
             "the eviction from K2 in 2005.",
        "b": "No: the declaration contains no promise of military assistance. It is a political "
             "document, not a defence treaty.",
        "c": "No: basing rested on a separate 2001 status-of-forces agreement, and the US left K2 in "
             "November 2005 after an eviction notice.",
        "d": "No: security cooperation is one of its five parts (with political, economic, humanitarian "
             "and legal cooperation).",
    },
    hints=[
        "Look at the obligations of usa_uzb_declaration_2002 in data.treaties().",
        "The treaty table codes it 'declaration', not 'defense'; its note quotes the key phrase.",
    ],
)

q4 = TableQuestion(
    "How many facilities did each operating state have open on {date}? Give a DataFrame "
    "with the columns 'operator_iso3' and 'facilities' (one row per operator with at least one).",
    expected=_active_by_operator,
    key="operator_iso3",
    params=lambda rng: {"date": rng.choice(TABLE_QUESTION_DATES)},
    default_params={"date": TABLE_QUESTION_DATE},
    hints=[
        "data.facilities(active_on='{date}') keeps the facilities open that day.",
        "Then .groupby('operator_iso3', observed=True).size().rename('facilities').reset_index().",
    ],
    mistakes=[
        (_used_status_column,
         "You counted the facilities whose status is 'active' today; the status column describes the "
         "as-of date, not {date}. Filter on the dates with active_on=."),
        (_counted_every_facility,
         "You counted every facility ever recorded; keep only those opened on or before the date and "
         "not yet closed (active_on=)."),
    ],
)

q5 = ChoiceQuestion(
    "What can be said about the Chinese outpost near Shaymak (Murghab district, Tajikistan)?",
    options={
        "a": "It is a Chinese base under a published basing treaty, like Russia's 201st military base "
             "in Tajikistan.",
        "b": "Journalists reported Chinese troops there; Tajik officials call it a Tajik post, hence "
             "'reported'.",
        "c": "It was a US military facility that Tajikistan handed over to China after the US left in "
             "2014.",
        "d": "It is the SCO's joint counter-terrorism headquarters, staffed by officers of every member "
             "state.",
    },
    answer="b",
    explanations={
        "a": "No: no basing treaty with China is in the data, and neither government acknowledges a "
             "Chinese base.",
        "b": "Right: reported by journalists (Washington Post 2019, RFE/RL 2021), denied or recast by "
             "officials (a Tajik post built with Chinese grants); the course keeps such rows as "
             "'reported' and out of the confirmed totals.",
        "c": "No: the US never had a facility in Tajikistan's Pamirs; Manas (Kyrgyzstan) went back to "
             "Kyrgyzstan.",
        "d": "No: none of the reports links the site to the SCO, whose counter-terrorism structure "
             "(RATS) sits in Tashkent; they describe a Chinese or Tajik border post.",
    },
    hints=[
        "Look at the row chn_murghab_outpost in data.load('facilities'): its status and its note.",
        "What does the status 'reported' mean in the course's vocabulary?",
    ],
)

q6 = ChoiceQuestion(
    "When did the C5+1 (the five Central Asian states and the United States) first meet at the level of presidents?",
    options={
        "a": "1 November 2015 in Samarkand, Uzbekistan.",
        "b": "6 November 2025 at the White House.",
        "c": "12 March 2002 in Washington, D.C.",
        "d": "19 September 2023 in New York (UN).",
    },
    answer="d",
    explanations={
        "a": "No: Samarkand (2015) was the first formal meeting of foreign ministers with Secretary Kerry.",
        "b": "No: that was the second leaders' meeting, the first hosted in Washington.",
        "c": "No: that is the date of the US-Uzbek declaration, a bilateral document.",
        "d": "Right: President Biden met the five presidents on the sidelines of the 78th UN General "
             "Assembly.",
    },
    hints=[
        "Look for C5+1 in data.events(category='diplomacy').",
        "Two C5+1 events are in the data: a ministerial one and a presidential one.",
    ],
)


def _counted_reported(function) -> bool:
    return function("CHN") > 0


def _dropped_every_reported_row(function) -> bool:
    """Reported rows left out entirely, so decades of confirmed use before last_confirmed vanish."""
    data = _data()
    rows = data.facilities(operator="RUS")
    rows = rows[(rows["status"] != "reported") & rows["opened"].notna()]
    ends = [min(c.date(), data.AS_OF) if c == c else data.AS_OF for c in rows["closed"]]
    wrong = sum((end - opened.date()).days for end, opened in zip(ends, rows["opened"], strict=True))
    return _close(function("RUS"), wrong / DAYS_PER_YEAR)


def _divided_by_365(function) -> bool:
    return _close(function("USA"), presence_days("USA") / 365)


def _counted_to_today_for_closed(function) -> bool:
    """Closed facilities counted up to the as-of date instead of their closing day."""
    data = _data()
    rows = data.facilities(operator="USA")
    wrong = sum((data.AS_OF - opened.date()).days for opened in rows["opened"]) / DAYS_PER_YEAR
    return _close(function("USA"), wrong)


q7 = FunctionQuestion(
    "Write a function presence_years(operator) that returns the presence-years of one operating state "
    "(ISO3 code): the sum over its facilities of (closed date, or data.AS_OF if still open) minus the "
    "opened date, in days, divided by 365.25. Leave out facilities without an opening date. A facility "
    "whose status is 'reported' counts only through its last_confirmed date (its end is last_confirmed "
    "plus one day, if that is earlier), and not at all if last_confirmed is empty.",
    cases=_presence_cases,
    params=lambda rng: {"operators": list(rng.choice(PRESENCE_CASE_SETS))},
    default_params={"operators": list(FACILITY_OPERATORS)},
    hints=[
        "Start from rows = data.facilities(operator=operator); drop rows without 'opened' and the "
        "'reported' rows whose 'last_confirmed' is empty.",
        "end = rows['closed'].fillna(pd.Timestamp(data.AS_OF)); last_day = rows['last_confirmed'] + "
        "pd.Timedelta(days=1); end = end.where(last_day.isna() | (end <= last_day), last_day); "
        "return (end - rows['opened']).dt.days.sum() / 365.25.",
    ],
    mistakes=[
        (_counted_reported,
         "presence_years('CHN') should be 0: China's only facility in the data is 'reported' and was never "
         "confirmed (its last_confirmed is empty)."),
        (_dropped_every_reported_row,
         "Russia's figure is too small: a 'reported' site such as the Kara-Balta node was confirmed in use up to its "
         "last_confirmed date; count it up to that day instead of leaving it out."),
        (_divided_by_365, "Divide by 365.25 (the average year), not 365."),
        (_counted_to_today_for_closed,
         "Closed facilities stop counting on their closing day: use 'closed' when it is given."),
    ],
)


def _map_variant(operators: list[str]) -> dict:
    if operators == FACILITY_OPERATORS:
        return {"operators": list(operators), "run_by": "", "rows": "data.facilities()"}
    codes = sorted(operators)
    return {"operators": codes, "run_by": f" whose operator_iso3 is {', '.join(codes[:-1])} or {codes[-1]},",
            "rows": f'data.facilities().query("operator_iso3 in {codes}")'}


def _layer_names(operators=FACILITY_OPERATORS, **_texts):
    return [code for code in _operators() if code in operators]


def _marker_count(operators=FACILITY_OPERATORS, **_texts):
    """A variant's map needs one marker per facility it asks for: its layers alone would also accept the
    map of every facility. The map of every facility (the default) is checked on its layers, as always."""
    if set(operators) >= set(_operators()):
        return None
    return int(_data().facilities()["operator_iso3"].isin(operators).sum())


def _named_like_package_map(folium_map) -> bool:
    import folium

    from casecurity.exercises import walk_elements as _walk

    names = [str(e.layer_name) for e in _walk(folium_map) if isinstance(e, folium.FeatureGroup)]
    return any(name.rstrip().endswith(")") for name in names)


q8 = MapQuestion(
    "Build a folium map of every facility in data.facilities(){run_by} with one folium.FeatureGroup per operating "
    "state, each named with the operator's ISO3 code (e.g. 'RUS'), and centre it on Central Asia.",
    layers=_layer_names,
    markers=_marker_count,
    params=lambda rng: _map_variant(rng.choice(MAP_OPERATOR_SETS)),
    default_params={"operators": list(FACILITY_OPERATORS), "run_by": "", "rows": "data.facilities()"},
    hints=[
        "m = folium.Map(location=[42, 68], zoom_start=4); then loop over "
        "{rows}.groupby('operator_iso3', observed=True).",
        "For each group: layer = folium.FeatureGroup(name=code); add a folium.CircleMarker per row; "
        "layer.add_to(m); finally folium.LayerControl().add_to(m).",
    ],
    mistakes=[
        (_named_like_package_map,
         "Your layers look like maps.facilities_map's ('Russia (12)'); name each layer by the ISO3 code alone."),
    ],
)

q9 = ReflectionQuestion(
    "What does each power offer the Central Asian states, and what does it ask in return? Compare at least "
    "Russia, China and the United States, and say which claims are confirmed and which only reported.",
    model_answer=(
        "Russia offers a defence umbrella through the CSTO and bilateral alliance treaties, bases such as the "
        "201st in Tajikistan and Kant in Kyrgyzstan, discounted arms, free or cheap officer training and help "
        "against threats from Afghanistan; it asks for basing rights (often nearly free), loyalty in the CSTO, "
        "and that no Western base returns to the region (Moscow called a US presence 'unacceptable' in 2021). "
        "China offers settled borders, trade, loans and investment (the Belt and Road was launched in Astana in "
        "2013), and funds border posts; it asks for help against groups it calls terrorists or separatists, "
        "above all Uyghur militants, and for non-alignment against it (the 2025 treaty). Its troops in the "
        "Tajik Pamirs are reported by journalists but officially denied. The United States offered rent, aid "
        "and a 2002 declaration of 'grave concern' for Uzbekistan in exchange for bases for the war in "
        "Afghanistan (K2 2001-2005, Manas 2001-2014) and reform pledges; since 2015 the C5+1 offers dialogue, "
        "border-security and economic help, and since 2025 interest in critical minerals. Germany, France and "
        "India paid for or improved airfields they needed for Afghanistan; Turkey sells drones; the EU funds "
        "border management and investment. The host states trade access for money, arms and recognition, and "
        "play the powers against each other (Bakiyev's 2009 Manas bargaining)."
    ),
    rubric=[
        "Names a concrete offer AND a concrete demand for Russia, China and the United States.",
        "Uses evidence from the data (a facility, a treaty, a date) for each power.",
        "Separates confirmed facts from reported ones (e.g. the Chinese outpost in Tajikistan).",
        "Notices that the Central Asian states also bargain (rent, aid, multi-vector policy).",
        "Cites at least one source or data row.",
    ],
    min_words=80,
    hints=[
        'Take the powers one at a time and list what each brings (bases, arms, money, markets, training, legitimacy) using the facilities and treaties tables.',
        'Then ask what each wants back (basing rights, votes, loyalty in a bloc, market access) and mark which claims the lesson calls confirmed and which only reported.',
    ],
)

q10 = ReflectionQuestion(
    (
        'Policy judgement (250-450 words). Is Russia still the main security provider of Central '
        "Asia as of the dataset's as-of date? Weigh Russia's bases, treaties and the January 2022 "
        "deployment to Kazakhstan against China's and the West's security roles. Separate "
        'confirmed facts from reports, and say which evidence would change your judgement.'
    ),
    model_answer=(
        'Russia is still the main military security provider of Kazakhstan, Kyrgyzstan and '
        'Tajikistan, but it is no longer the only provider for the region, and for Uzbekistan and '
        'Turkmenistan it never was. '
        "The confirmed evidence is on Russia's side. It runs the largest foreign military sites "
        'in the region in the course data: the base in Tajikistan, kept under a 2012 agreement '
        'until 2042, and the air base at Kant in Kyrgyzstan, part of a unified base since 2017. '
        'Kazakhstan, Kyrgyzstan and Tajikistan are bound to Russia by Article 4 of the 1992 '
        'treaty, and in January 2022 Russia led the only real CSTO deployment, about 2,030 troops '
        "sent to Kazakhstan at President Tokayev's request and withdrawn within two weeks. That "
        'operation showed what Russia provides best: help to a government facing unrest, more '
        'than defence against an outside attacker. '
        "China's role is growing but different. It settled its borders with Kazakhstan, "
        'Kyrgyzstan and Tajikistan by treaty, and in 2025 signed a treaty with all five in which '
        'the parties renounce force against one another and refuse to join groupings directed '
        'against each other. A Chinese outpost in the Pamirs is reported by journalists and '
        "denied by governments, so the course counts it apart as 'reported', not as a base. The "
        'United States left its last base, Manas, in 2014; the West offers training, border aid '
        'and diplomacy, not guarantees. '
        'My judgement would change if a Chinese site were confirmed, if Russia reduced its forces '
        'in Tajikistan or Kyrgyzstan, or if a Central Asian state asked an outside power other '
        'than Russia for help in a crisis.'
    ),
    rubric=[
        ('Gives a clear judgement, qualified by state and by kind of security (external defence, regime security, border security).', 2),
        ('Uses confirmed evidence from the data (facilities and their dates, treaties, the 2022 deployment) and keeps reported claims (e.g. the Chinese outpost in the Pamirs) apart.', 2),
        ('Compares at least two other powers on what they offer and ask, without treating trade or investment as security by default.', 2),
        ('Names evidence that would change the judgement.', 2),
    ],
    hints=[
        'data.facilities(on=data.AS_OF) shows who runs which site today; presence-years (q7) show who has been there longest.',
        "Ask 'provider of what?': a base, a guarantee, arms, training, help against unrest, border forces.",
    ],
)

# Practice questions for the lesson's 'Check your understanding' quizzes: not graded, not in the
# exercise set (casecurity.practice).
PRACTICE = practice_set(
    p1=ChoiceQuestion(
        'What was Karshi-Khanabad (K2)?',
        options={
            'a': 'A US air base in Uzbekistan, used from 2001 until 2005',
            'b': 'A Russian air base in Kyrgyzstan near Bishkek',
            'c': 'A Chinese outpost in the Tajik Pamirs near Murghab',
            'd': 'A German transit base in the southern Uzbek city of Termez',
        },
        answer='a',
        explanations={
            'a': 'Right: the US used K2 after 2001; Uzbekistan gave notice on 29 July 2005 and the last aircraft left on 21 November 2005.',
            'b': 'That is Kant, opened in 2003.',
            'c': 'That is the reported outpost near Shaymak, which no government acknowledges.',
            'd': "Germany's transit base was at Termez, a different site.",
        },
    ),
    p2=ChoiceQuestion(
        "On what does Russia's military base in Tajikistan rest today?",
        options={
            'a': 'Article 4 of the Collective Security Treaty alone',
            'b': 'A 1999 declaration of eternal friendship with Dushanbe',
            'c': 'A 2012 base agreement that runs until 2042',
            'd': 'A lease that the SCO renews every five years',
        },
        answer='c',
        explanations={
            'a': 'Article 4 is a pledge of assistance; it stations no troops.',
            'b': 'The 1999 documents were an allied-cooperation treaty and a ten-year basing treaty; the base now rests on a later agreement.',
            'c': 'Right: the agreement of 5 October 2012 keeps the base until 2042.',
            'd': "The SCO has no role in Russia's bases.",
        },
    ),
    p3=ChoiceQuestion(
        "Why does the course count a 'reported' facility apart from the confirmed ones?",
        options={
            'a': 'Because reported sites are always smaller than real bases',
            'b': 'Because the CSTO forbids counting Chinese sites',
            'c': 'Because reported sites all closed before the as-of date',
            'd': 'Because no government has confirmed that the site exists',
        },
        answer='d',
        explanations={
            'a': 'Size is not the point: the question is whether the site is confirmed.',
            'b': 'No such rule exists.',
            'c': 'A reported site is not a closed one; its status is unconfirmed.',
            'd': "Right: a site that journalists report and governments deny cannot be counted as fact, so the course keeps it apart as 'reported'.",
        },
    ),
)

define_lesson(
    __name__,
    title="The major powers: Russia, China, the United States and others",
    notebook="04_major_powers",
)
