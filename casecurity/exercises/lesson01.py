"""Lesson 01 (foundations: five states, one neighbourhood): questions and two lesson helpers.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`
(tables in ``data/`` and the country outlines in ``data/geo/``), so a data correction
updates the answer key too.

Helpers used by the lesson notebook:

- :func:`obligation_table` — the obligation vocabulary of ``treaties.csv`` (ATOP's five
  categories plus the course's additions), each with a plain-words meaning, the number of
  treaties coded with it and the earliest example.
- :func:`afghan_border_states` — which of the five states touch Afghanistan, derived from
  the Natural Earth outlines rather than typed in.
"""

from __future__ import annotations

from itertools import combinations

from casecurity.exercises import (
    ChoiceQuestion,
    CountrySetQuestion,
    MapQuestion,
    ReflectionQuestion,
    TableQuestion,
    ValueQuestion,
    define_lesson,
)
from casecurity.practice import practice_set

# The treaty the lesson is about and the year the independence questions look at.
CST_ID = "cst_1992"
CST_SIGNED = "1992-05-15"
INDEPENDENCE_YEAR = ("1991-01-01", "1991-12-31")
DAYS_PER_YEAR = 365.25

# q1's variants: a group of the countries table (its words in the prompt and hints) and a capital column
CAPITAL_GROUPS = {
    "central_asia": {"states": "five Central Asian states", "short": "five states"},
    "neighbour": {"states": "states the course counts as neighbours of Central Asia (group 'neighbour')",
                  "short": "neighbours"},
    "external_power": {"states": "states the course counts as external powers (group 'external_power')",
                       "short": "external powers"},
}
CAPITAL_COLUMNS = {"capital": "capitals", "capital_lat": "capitals' latitudes", "capital_lon": "capitals' longitudes"}

# q3's variants: a category of events.csv and a year with at least two such events
EVENT_CATEGORY_YEARS = [("independence", 1991), ("diplomacy", 2022), ("diplomacy", 2023), ("diplomacy", 2025),
                        ("exercise", 2021), ("unrest", 2022), ("armed_clash", 2021)]

# q4's variants: treaties whose parties signed together on one day, in a place the data names
SIGNATORY_TREATIES = [CST_ID, "csto_charter_2002", "ca_friendship_treaty_2022", "shanghai5_confidence_1996",
                      "sco_charter_2002", "canwfz_2006", "chn_ca_eternal_friendship_2025"]
# q6's variants: treaties with a day-precise entry into force, at least half a year apart
IN_FORCE_TREATIES = [CST_ID, "rus_kaz_military_cooperation_1994", "sco_shanghai_convention_2001",
                     "csto_charter_2002", "canwfz_2006", "sco_good_neighbourliness_2007", "rus_tjk_basing_2012"]
# the prompts' name of a treaty where the data's full name does not read well in a sentence
TREATY_TITLES = {CST_ID: "Collective Security Treaty"}
# the lesson's own wording of q4 and q6 (what _treaty_params(CST_ID) gives)
CST_PARAMS = {"treaty": CST_ID, "title": "Collective Security Treaty", "place": "Tashkent", "signed": CST_SIGNED,
              "day": "15 May 1992"}

# q7's variants: the state whose Central Asian neighbours are asked for
BORDER_QUESTION_STATES = ["AFG", "CHN", "RUS", "IRN", "KAZ", "KGZ", "TJK", "TKM", "UZB"]

# q8's variants: how many of the five capitals the map marks (every subset of these sizes is one variant)
CAPITAL_MAP_SIZES = (3, 4, 5)
NUMBER_WORDS = {3: "three", 4: "four", 5: "five"}

# Plain-words meaning of each obligation code, in the order the lesson presents them.
# The first five are ATOP's categories (Leeds et al. 2002); the rest are this course's
# additions, as documented in data/README.md ("treaties.obligations").
OBLIGATION_MEANINGS = {
    "defense": "help a party that is attacked (ATOP)",
    "offense": "join in military action that is not a response to an attack (ATOP)",
    "neutrality": "stay out of a conflict involving a party (ATOP; in data/ also a recognised neutral status)",
    "nonaggression": "not use force against each other (ATOP)",
    "consultation": "consult when a crisis could turn military (ATOP)",
    "basing": "host or allow the use of military facilities (course addition)",
    "military_cooperation": "train, supply or plan together (course addition)",
    "border": "settle, delimit or build confidence along a border (course addition)",
    "friendship": "general friendship and cooperation (course addition)",
    "strategic_partnership": "a declared strategic or allied partnership (course addition)",
    "counter_terrorism": "cooperate against terrorism, separatism and extremism (course addition)",
    "nuclear_weapon_free": "keep the territory free of nuclear weapons (course addition)",
    "declaration": "a political declaration, not a binding treaty (course addition)",
}


def _data():
    from casecurity import data

    return data


def obligation_table():
    """One row per obligation code: meaning, number of treaties coded with it, earliest example.

    Columns: ``obligation, meaning, treaties, earliest_example, signed``. Codes that no
    treaty uses yet (``offense`` today) have 0 treaties and no example: the vocabulary is
    ATOP's, but Central Asia's treaties have no offensive pledge.
    """
    import pandas as pd

    # data.treaties() sorts a year- or month-precision date at the end of its period, so "2001"
    # (Manas, December 2001) does not pass for the earliest example of 2001
    treaties = _data().treaties()
    coded = treaties["obligations"].fillna("").str.split(";")
    in_data = sorted({code.strip() for codes in coded for code in codes if code.strip()})
    order = list(OBLIGATION_MEANINGS) + [code for code in in_data if code not in OBLIGATION_MEANINGS]
    rows = []
    for code in order:
        with_code = treaties[coded.map(lambda codes, code=code: code in [c.strip() for c in codes])]
        first = with_code.iloc[0] if len(with_code) else None
        rows.append({
            "obligation": code,
            "meaning": OBLIGATION_MEANINGS.get(code, "(not described in this lesson)"),
            "treaties": len(with_code),
            "earliest_example": "—" if first is None else str(first["name"]),
            "signed": "—" if first is None else _with_precision(first["signed_date"], first.get("signed_precision")),
        })
    return pd.DataFrame(rows, columns=["obligation", "meaning", "treaties", "earliest_example", "signed"])


def _with_precision(day, precision) -> str:
    """A date written only as precisely as the source gives it (2001, 2001-12 or 2001-12-01)."""
    text = day.date().isoformat()
    return {"year": text[:4], "month": text[:7]}.get(str(precision), text)


def _outlines() -> dict:
    from shapely.geometry import shape

    return {f["properties"]["iso3"]: shape(f["geometry"]) for f in _data().countries_geo()["features"]}


def afghan_border_states() -> list[str]:
    """The Central Asian states whose outline touches Afghanistan's (Natural Earth 1:50m), sorted.

    A shared border means the two outlines meet: their distance is zero. Kyrgyzstan, the
    nearest of the others, is about a degree away (Tajikistan's Pamirs lie in between).
    """
    return border_states("AFG")


def border_states(neighbour: str = "AFG", **_wording) -> list[str]:
    """The Central Asian states (other than ``neighbour`` itself) whose outline touches ``neighbour``'s."""
    outlines = _outlines()
    other = outlines[neighbour]
    return [code for code in _data().central_asia() if code != neighbour and outlines[code].distance(other) == 0]


# --------------------------------------------------------------------------- expected answers


def _capital_params(group: str, column: str) -> dict:
    return {"group": group, "column": column, "what": CAPITAL_COLUMNS[column], **CAPITAL_GROUPS[group]}


def _capitals(group="central_asia", column="capital", **_wording):
    countries = _data().load("countries")
    chosen = countries.loc[countries["group"] == group, ["name", column]]
    return chosen.sort_values("name").reset_index(drop=True)


def _events_of(category="independence", year=1991, **_wording):
    events = _data().events(category=category, between=(f"{year}-01-01", f"{year}-12-31"))
    return events[["id", "start_date", "countries"]].sort_values(["start_date", "id"]).reset_index(drop=True)


def _independence_1991():
    events = _data().events(category="independence", between=INDEPENDENCE_YEAR)
    return events[["id", "start_date", "countries"]].sort_values(["start_date", "id"]).reset_index(drop=True)


def _treaty_params(treaty: str) -> dict:
    """A treaty's words for a prompt, from data/treaties.csv: id, title, place and day of signature."""
    row = _data().load("treaties").set_index("id").loc[treaty]
    day = row["signed_date"]
    return {"treaty": treaty, "title": TREATY_TITLES.get(treaty, str(row["name"])), "place": str(row["signed_place"]),
            "signed": day.date().isoformat(), "day": f"{day.day} {day:%B %Y}"}


def _original_signatories(treaty=CST_ID, signed=CST_SIGNED, **_wording):
    parties = _data().load("treaty_parties")
    chosen = (parties["treaty_id"] == treaty) & (parties["signed_date"] == signed)
    return sorted(parties.loc[chosen, "iso3"].astype(str))


def _later_signatories() -> set[str]:
    """Parties of q4's treaty that signed or joined on another day than the one asked about."""
    asked = q4.params
    parties = _data().load("treaty_parties")
    treaty = parties.loc[parties["treaty_id"] == asked["treaty"]]
    return set(treaty["iso3"]) - set(_original_signatories(**asked))


def _in_force(treaty=CST_ID):
    treaties = _data().load("treaties").set_index("id")
    return treaties.loc[treaty, "in_force_date"]


def _signed(treaty=CST_ID):
    treaties = _data().load("treaties").set_index("id")
    return treaties.loc[treaty, "signed_date"]


def _last_independence():
    return _independence_1991()["start_date"].max()


def _years_independence_to_treaty(treaty=CST_ID, **_wording):
    return round((_in_force(treaty) - _last_independence()).days / DAYS_PER_YEAR, 2)


def _years_from(start, treaty=CST_ID):
    return (_in_force(treaty) - start).days / DAYS_PER_YEAR


def _border_params(neighbour: str) -> dict:
    five = _data().central_asia()
    return {"neighbour": neighbour, "country": _data().country_name(neighbour),
            "others": "the other four states" if neighbour in five else "the five states"}


def _capital_map_params(states) -> dict:
    """q8's words for a map of some of the five capitals; all five read as the lesson's own text."""
    countries = _data().load("countries").set_index("iso3")
    five = _data().central_asia()
    chosen = [code for code in five if code in set(states)]
    count = NUMBER_WORDS[len(chosen)]
    if len(chosen) == len(five):
        return {"states": chosen, "count": count, "asked": "the five capitals", "rows": "five rows",
                "condition": "group == 'central_asia'", "every": "every Central Asian capital"}
    names = [str(countries.loc[code, "name"]) for code in chosen]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return {"states": chosen, "count": count,
            "asked": f"the capitals of {listed}, and on no other capital",
            "rows": f"{count} rows", "condition": f"name in {names!r}",
            "every": f"each capital of {listed}"}


def _capital_map_variant(rng) -> dict:
    five = _data().central_asia()
    subsets = [list(chosen) for size in CAPITAL_MAP_SIZES for chosen in combinations(five, size)]
    return _capital_map_params(rng.choice(subsets))


def _capital_markers(states=(), **_wording) -> int:
    return len(states)


def _about_afghanistan() -> bool:
    """q7's mistakes that name Afghanistan's borders apply only to its Afghan variant."""
    return q7.params["neighbour"] == "AFG"


def _close_to(value, target, tolerance=0.05):
    return abs(float(value) - float(target)) <= tolerance


class OrderedTableQuestion(TableQuestion):
    """A TableQuestion that also wants the rows in order of one column (ties in any order)."""

    def __init__(self, prompt, expected, *, order_by, **kwargs):
        super().__init__(prompt, expected, **kwargs)
        self.order_by = order_by

    def _grade(self, answer, expected):
        status, message, normalised = super()._grade(answer, expected)
        if status == "correct":
            import pandas as pd

            values = pd.to_datetime(answer[self.order_by], errors="coerce")
            if not values.is_monotonic_increasing:
                return "incorrect", (f"the rows are right but not in order of {self.order_by!r}: "
                                     f"add .sort_values({self.order_by!r})."), normalised
        return status, message, normalised


class CapitalsMapQuestion(MapQuestion):
    """A MapQuestion whose markers must also sit on the capitals asked for (within a quarter degree)."""

    TOLERANCE_DEGREES = 0.25

    def _grade(self, answer, expected):
        status, message, normalised = super()._grade(answer, expected)
        if status != "correct":
            return status, message, normalised
        import folium

        from casecurity.exercises import walk_elements as _walk

        countries = _data().load("countries").set_index("iso3")
        wanted = {code: (float(countries.loc[code, "capital_lat"]), float(countries.loc[code, "capital_lon"]))
                  for code in self.params["states"]}
        found = set()
        for element in _walk(answer):
            if isinstance(element, folium.Marker) and element.location:
                lat, lon = (float(v) for v in element.location[:2])
                for code, (clat, clon) in wanted.items():
                    if abs(lat - clat) <= self.TOLERANCE_DEGREES and abs(lon - clon) <= self.TOLERANCE_DEGREES:
                        found.add(code)
        missing = sorted(str(countries.loc[code, "capital"]) for code in set(wanted) - found)
        if missing:
            return "incorrect", (f"no marker on {', '.join(missing)}: place each marker at "
                                 "[capital_lat, capital_lon] from data.load('countries')."), normalised
        return status, f"{self.params['count']} markers, one on each capital, over Central Asia.", normalised


def _marker_count(answer) -> int:
    import folium

    from casecurity.exercises import walk_elements as _walk

    return sum(isinstance(element, folium.Marker) for element in _walk(answer))


# --------------------------------------------------------------------------- questions

q1 = TableQuestion(
    "Make a table of the {states} and their {what}: a DataFrame with the "
    "columns 'name' and '{column}', one row per state.",
    expected=_capitals,
    key="name",
    params=lambda rng: _capital_params(rng.choice(sorted(CAPITAL_GROUPS)), rng.choice(sorted(CAPITAL_COLUMNS))),
    default_params=_capital_params("central_asia", "capital"),
    hints=[
        "data.load('countries') has a 'group' column; the {short} have group == '{group}'.",
        "countries.loc[countries['group'] == '{group}', ['name', '{column}']] keeps the rows and the "
        "two columns (double brackets give a DataFrame).",
    ],
    mistakes=[
        (lambda df: df["capital"].astype(str).str.contains("Almaty|Alma-Ata", case=False).any(),
         "Almaty (Alma-Ata) was Kazakhstan's capital in 1991, but the capital moved north to Akmola, now "
         "Astana, in December 1997; use the capital column of the data."),
        (lambda df: q1.params["group"] == "central_asia" and len(df) > 5,
         "your table has more than five rows: keep only group == 'central_asia' "
         "(Afghanistan, Russia and China are neighbours)."),
        (lambda df, expected: len(df) > len(expected),
         "your table has more rows than the question asks for: keep only group == '{group}'."),
    ],
)

q2 = ChoiceQuestion(
    "Article 4 of the 1992 Collective Security Treaty says that aggression against one party is "
    "aggression against all, and that the others will give it the necessary help, including military "
    "help. In this course's terms, what kind of commitment is that article?",
    options={
        "a": "Collective security in the UN sense: every state in the system acts against any "
             "aggressor, even a member.",
        "b": "Cooperative security: dialogue and confidence-building among the parties, with no promise "
             "of military help.",
        "c": "Neutrality: the parties promise to stay out of each other's wars, whoever the enemy is "
             "and whoever began it.",
        "d": "Collective defence: a limited group of allies promise to help each other if one of them "
             "is attacked.",
    },
    answer="d",
    explanations={
        "a": "Not quite: despite the treaty's name, Article 4 binds a small group of parties to help "
             "each other; a collective-security system in the UN sense covers (nearly) all states and "
             "turns against any aggressor, members included.",
        "b": "No: cooperative security builds trust (like the Shanghai Five border agreements) but "
             "Article 4 goes further and promises help, including military help.",
        "c": "No: neutrality means staying out; Article 4 promises to come in.",
        "d": "Right: a mutual-assistance pledge among a limited group against an attack is collective "
             "defence (NATO's Article 5 is the classic example), whatever the treaty is called.",
    },
    hints=[
        "Ask: who is protected (a closed group or everybody?) and against whom (outsiders or any aggressor?).",
        "The lesson's 'Three ideas' section contrasts the UN's collective security with NATO-style "
        "collective defence; the treaty's name is not the test, its obligation is.",
    ],
)

q3 = OrderedTableQuestion(
    "Which events of category '{category}' happened in {year}? Give a DataFrame with the columns "
    "'id', 'start_date' and 'countries', sorted by start_date (earliest first).",
    expected=_events_of,
    key="id",
    order_by="start_date",
    params=lambda rng: dict(zip(("category", "year"), rng.choice(EVENT_CATEGORY_YEARS), strict=True)),
    default_params={"category": "independence", "year": 1991},
    hints=[
        "data.events(category='{category}', between=('{year}-01-01', '{year}-12-31')) filters the events table.",
        "Keep the three columns with [['id', 'start_date', 'countries']] and sort with .sort_values('start_date').",
    ],
    mistakes=[
        (lambda df, expected: (df["id"].astype(str) == "1991_cis_alma_ata").any()
         and "1991_cis_alma_ata" not in set(expected["id"]),
         "the founding of the CIS (21 Dec 1991) is category 'founding', not '{category}'."),
        (lambda df: q3.params["category"] == "independence" and len(df) < 5,
         "fewer than five rows: each of the five states declared independence in 1991 "
         "(check the between= dates cover the whole year)."),
        (lambda df, expected: len(df) < len(expected),
         "fewer rows than expected: check that the between= dates cover the whole of {year}."),
    ],
)

q4 = CountrySetQuestion(
    "Which states signed the {title} in {place} on {day} (the original "
    "signatories)? Give names or ISO3 codes.",
    expected=_original_signatories,
    params=lambda rng: _treaty_params(rng.choice(SIGNATORY_TREATIES)),
    default_params=CST_PARAMS,
    hints=[
        "data.load('treaty_parties') has one row per party and spell; the treaty id is '{treaty}'.",
        "Keep the rows with treaty_id == '{treaty}' and signed_date == '{signed}', then take 'iso3'.",
    ],
    mistakes=[
        (lambda got: q4.params["treaty"] == CST_ID and "BLR" in got,
         "Belarus did not sign in 1992: it acceded on 31 December 1993 (a common error, repeated "
         "in many summaries that list today's members as the founders)."),
        (lambda got: q4.params["treaty"] == CST_ID and bool(got & {"AZE", "GEO"}),
         "Azerbaijan and Georgia acceded in 1993, not at Tashkent in 1992."),
        (lambda got: q4.params["treaty"] == CST_ID and "UZB" not in got,
         "Uzbekistan was an original signatory in 1992 (it left in 1999, rejoined in 2006 and was "
         "suspended in 2012): the question asks who signed in 1992."),
        (lambda got: q4.params["treaty"] == CST_ID and "TKM" in got,
         "Turkmenistan never signed the treaty: it chose neutrality."),
        (lambda got: bool(got & _later_signatories()),
         "Your list includes a state that signed or joined on another day: keep signed_date == '{signed}'."),
    ],
)

q5 = ChoiceQuestion(
    "data/treaties.csv codes the Shanghai Five's 1996 agreement on military confidence in the border "
    "areas as 'nonaggression'. What does that obligation commit the parties to?",
    options={
        "a": "Come to each other's help, including with troops, if one of them is attacked by an "
             "outside state.",
        "b": "Not to use force against each other, and keep forces along the shared border "
             "non-threatening.",
        "c": "Let each other station troops and open military bases on their territory under a "
             "long-term lease.",
        "d": "Stay neutral, and give the enemy no help, if one of them goes to war with a third state.",
    },
    answer="b",
    explanations={
        "a": "That is 'defense' (ATOP). The 1996 agreement promises no help at all; it is about not "
             "threatening each other along the former Sino-Soviet border.",
        "b": "Right: a non-aggression commitment is a promise not to attack each other; unlike "
             "'defense' it says nothing about helping a partner.",
        "c": "That is the course's 'basing' code (e.g. the 1999 Russia–Tajikistan basing treaty).",
        "d": "That is 'neutrality' (ATOP): staying out of a partner's conflict with someone else.",
    },
    hints=[
        "Look at the table ex.obligation_table() in the lesson: each code has a one-line meaning.",
        "ATOP separates promises to help (defense, offense), to stay out (neutrality), not to attack "
        "(nonaggression) and to talk (consultation).",
    ],
)

q6 = ValueQuestion(
    "How many years passed between the LAST of the five Central Asian declarations of independence "
    "(events of category 'independence' in 1991) and the entry into force of the {title} "
    "(column in_force_date of '{treaty}' in data.load('treaties'))? Count the days and divide "
    "by 365.25; answer as a number (two decimals are enough).",
    expected=_years_independence_to_treaty,
    params=lambda rng: _treaty_params(rng.choice(IN_FORCE_TREATIES)),
    default_params=CST_PARAMS,
    tolerance=0.02,
    hints=[
        "The last declaration is the latest start_date among the 1991 independence events; the treaty's "
        "in_force_date is a Timestamp too.",
        "Subtracting two Timestamps gives a Timedelta: (in_force - last).days / 365.25.",
    ],
    mistakes=[
        (lambda got: _close_to(got, _years_from(_independence_1991()["start_date"].min(), q6.params["treaty"])),
         "you started from the FIRST declaration (31 Aug 1991); the question asks from the last one."),
        (lambda got: _close_to(got, (_signed(q6.params["treaty"]) - _last_independence()).days / DAYS_PER_YEAR),
         "you used the signing date ({day}); the question asks for the entry into force (in_force_date)."),
        (lambda got: float(got) > 100, "that looks like a number of days: divide by 365.25 to get years."),
        (lambda got: float(got) < 0, "negative: subtract the independence date from the entry-into-force date."),
    ],
)

q7 = CountrySetQuestion(
    "Which Central Asian states share a border with {country}? Derive it from the country outlines in "
    "data.countries_geo() (for example with shapely: two states share a border when their outlines "
    "meet). Give names or ISO3 codes.",
    expected=border_states,
    params=lambda rng: _border_params(rng.choice(BORDER_QUESTION_STATES)),
    default_params={"neighbour": "AFG", "country": "Afghanistan", "others": "the five states"},
    hints=[
        "from shapely.geometry import shape; outlines = {{f['properties']['iso3']: shape(f['geometry']) "
        "for f in data.countries_geo()['features']}}",
        "Keep {others} whose outline has distance 0 to outlines['{neighbour}'] "
        "(outlines[code].distance(outlines['{neighbour}']) == 0). The region map in the lesson lets you check by eye.",
    ],
    mistakes=[
        (lambda got: _about_afghanistan() and "KGZ" in got,
         "Kyrgyzstan does not touch Afghanistan: Tajikistan's Gorno-Badakhshan (the Pamirs) lies "
         "between them. Zoom in on the lesson's region map."),
        (lambda got: _about_afghanistan() and "KAZ" in got,
         "Kazakhstan is far from Afghanistan: Uzbekistan and Turkmenistan lie in between."),
        (lambda got: _about_afghanistan() and "UZB" not in got,
         "Uzbekistan's Afghan border is short (roughly 135–145 km along the Amu Darya near "
         "Termez), but it is real."),
        (lambda got: _about_afghanistan() and "TKM" not in got,
         "Turkmenistan has one of the longest borders with Afghanistan (about 744–804 km "
         "depending on the source)."),
        (lambda got: q7.params["neighbour"] in got,
         "the question asks which Central Asian states border {country}, not {country} itself."),
    ],
)

q8 = CapitalsMapQuestion(
    "Build a folium map centred on Central Asia with one marker on each of {asked} "
    "(folium.Marker or folium.CircleMarker, placed at capital_lat, capital_lon from "
    "data.load('countries')). Assign the map to `answer`.",
    markers=_capital_markers,
    params=_capital_map_variant,
    default_params=_capital_map_params(["KAZ", "KGZ", "TJK", "TKM", "UZB"]),
    hints=[
        "m = folium.Map(location=[43, 65], zoom_start=4) makes a map centred on the region.",
        "Loop over the {rows} of data.load('countries') with {condition} and call "
        "folium.Marker([row.capital_lat, row.capital_lon], tooltip=row.capital).add_to(m).",
    ],
    mistakes=[
        (lambda m: _marker_count(m) > 5,
         "more than five markers: maps.region_map() (or a loop over the whole countries table) also marks "
         "the neighbours' capitals. Keep only {condition}."),
        (lambda m, expected: expected["markers"] < _marker_count(m) <= 5,
         "more than {count} markers: the question asks for {every}, and no other Central Asian capital. "
         "Keep only {condition}."),
        (lambda m, expected: 0 < _marker_count(m) < expected["markers"],
         "fewer than {count} markers: add one for {every}."),
    ],
)

q9 = ReflectionQuestion(
    "Why did Afghanistan shape the early security arrangements of the region (1991–2001)? Answer in "
    "120–250 words, naming at least two concrete events or arrangements.",
    model_answer=(
        "Three of the five states (Tajikistan, Uzbekistan, Turkmenistan) inherited the Soviet border with "
        "Afghanistan, about 2,200–2,300 km of it, most of it Tajikistan's, running along rivers and high mountains "
        "that are hard to guard. Afghanistan was at war throughout the 1990s, and its wars spilled north: "
        "the Tajik opposition used bases in northern Afghanistan during the Tajik civil war (1992–1997), "
        "and the Islamic Movement of Uzbekistan raided Kyrgyzstan and Uzbekistan in 1999 and 2000. The "
        "new states had little military of their own (Tajikistan could not even take over the Soviet units on "
        "its soil), so the first answers were collective and Russian-led: Russian border "
        "guards stayed on the Tajik–Afghan border under a 1993 agreement, the former Soviet 201st division "
        "stayed in Tajikistan and formed the core of the CIS peacekeeping force set up in 1993, and when "
        "the Taliban took Kabul in September 1996 the CIS leaders met in Almaty and warned they could "
        "invoke the 1992 Collective Security Treaty. In 2001 the treaty states created rapid-deployment "
        "forces for Central Asia. Afghanistan was not the only driver (the Soviet collapse and "
        "Russia's wish to keep influence mattered too), and Turkmenistan chose neutrality instead of the "
        "treaty, but the southern border explains why the early arrangements were about border guards, "
        "peacekeepers and rapid reaction rather than about defending against a great power."
    ),
    rubric=[
        "Uses geography: which states border Afghanistan, and that the Tajik border is the longest and hardest.",
        "Names at least two concrete events or arrangements with approximate dates (e.g. CIS peacekeeping "
        "force 1993, Taliban in Kabul 1996 and the Almaty meeting, IMU incursions 1999–2000, rapid-deployment "
        "forces 2001, Russian border guards).",
        "Explains the mechanism: new states with little military of their own plus spill-over threats led "
        "to Russian-led collective answers.",
        "Notes a limit or counter-point (e.g. Turkmenistan's neutrality, Uzbekistan leaving the treaty in 1999, "
        "Russia's own interests).",
    ],
    min_words=60,
    hints=[
        'Start from the map: which of the five share the Afghan border, and how easy is that border to guard?',
        "Name events that crossed it (the Tajik civil war's bases, the IMU raids of 1999-2000) and the collective answers that followed (border guards, the CIS peacekeeping force, the 1992 treaty).",
    ],
)

q10 = ReflectionQuestion(
    (
        'Analytic essay (250-450 words). Which concept - collective security, collective defence '
        'or cooperative security - best describes how the five states actually provided for their '
        'security in 1991-2001? State a thesis, support it with at least three dated events or '
        'instruments from the lesson, answer one counter-argument, and say where the label fails.'
    ),
    model_answer=(
        'In 1991-2001 the five states provided for their security mainly through collective '
        'defence led by Russia, not through collective security among themselves. Collective '
        'security would mean that members protect one another against one another; collective '
        'defence that they promise help against outsiders; cooperative security that they build '
        'confidence and rules without promising help. '
        'The evidence points to defence against outside and cross-border threats. The Collective '
        'Security Treaty, signed in Tashkent on 15 May 1992, despite its name, is a defence pact: '
        'its Article 4 treats aggression against one party as aggression against all and promises '
        "assistance, including military. In Tajikistan's civil war (1992-1997) Russia's 201st "
        'division stayed on, Russian border guards held the Afghan border, and CIS peacekeepers '
        'were deployed; these were Russian-led forces shielding a government, and the border '
        'against Afghanistan, rather than a system in which equals restrained each other. '
        "A counter-argument is that the decade's most durable achievements were cooperative: the "
        'Shanghai Five agreements of 1996 and 1997 built confidence and reduced forces along the '
        'former Soviet-Chinese border without any promise of help. That is true, but they settled '
        'relations with China rather than protecting the five from the threats they actually '
        'faced, which came from Afghanistan and from armed opposition at home. '
        'The label fails at the edges. Turkmenistan, neutral since 1995, stood outside every '
        "pact, and Uzbekistan let the 1992 treaty lapse for itself in 1999, so 'collective' "
        'defence covered only some of the five. And the defence was far from automatic: it rested '
        "on Russia's willingness to act, which made it closer to a patron's protection than to an "
        'alliance of equals.'
    ),
    rubric=[
        ('States a clear thesis that picks one concept and defines all three correctly (who is protected, against whom, by what promise).', 2),
        ("Supports it with at least three dated events or instruments of 1991-2001 (e.g. the 1992 Collective Security Treaty, CIS peacekeeping and the 201st division in Tajikistan, Russian border guards, the Shanghai Five agreements of 1996-1997, Uzbekistan's exit in 1999).", 2),
        ('Answers a real counter-argument with evidence rather than assertion.', 2),
        ('Says where the chosen label fails or which states it does not fit (e.g. neutral Turkmenistan).', 2),
    ],
    hints=[
        'Collective security protects members against one another; collective defence protects them against outsiders; cooperative security builds confidence and rules without a promise of help.',
        "Sort the lesson's events of 1991-2001 under the three headings first; the heading with the most weighty evidence is your thesis, the runner-up your counter-argument.",
    ],
)

# Practice questions for the lesson's 'Check your understanding' quizzes: not graded, not in the
# exercise set (casecurity.practice).
PRACTICE = practice_set(
    p1=ChoiceQuestion(
        'Which term fits an arrangement whose members promise to help one another against an attack from outside the group?',
        options={
            'a': 'Collective security',
            'b': 'Cooperative security',
            'c': 'Collective defence',
            'd': 'Permanent neutrality',
        },
        answer='c',
        explanations={
            'a': 'Collective security guards members against one another: all act against any member that breaks the peace.',
            'b': 'Cooperative security builds confidence and rules without any promise of help.',
            'c': 'Right: collective defence is a promise of help against an outside attack, as in Article 4 of the 1992 treaty.',
            'd': 'Neutrality means staying out of alliances altogether, as Turkmenistan does.',
        },
    ),
    p2=ChoiceQuestion(
        'Why are the Fergana valley enclaves a security problem?',
        options={
            'a': 'Pockets of one state inside another turn land, water and roads into flashpoints',
            'b': 'They are demilitarised zones run jointly by the CSTO and the SCO since the year 2001',
            'c': 'They host the largest foreign military bases in the Central Asian region',
            'd': 'They lie on the Afghan border, where armed groups cross into the region',
        },
        answer='a',
        explanations={
            'a': 'Right: enclaves such as Sokh, Shakhimardan and Vorukh have repeatedly seen clashes over land, water and roads.',
            'b': 'No such arrangement exists; each enclave is run by the state it belongs to.',
            'c': "Russia's bases are at Kant and in Tajikistan, not in the enclaves.",
            'd': 'The enclaves lie in the Fergana valley, far north of the Afghan border.',
        },
    ),
)

define_lesson(__name__, title="Foundations: five states, one neighbourhood", notebook="01_foundations")
