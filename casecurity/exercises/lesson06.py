"""Lesson 06 (where it is heading, and a capstone briefing): questions and lesson helpers.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`, so a
corrected row updates the answer key too.

Helpers used by the lesson and exercise notebooks (short cells call them; the logic lives here):

- :func:`status_table` — each Central Asian state's status in every organisation on a date;
- :func:`member_counts` — how many states held ``member`` status in an organisation, year by year;
- :func:`treaties_by_partner` — treaties (and declarations) linking the region to each outside power;
- :func:`facilities_by_power` — confirmed foreign-run facilities open on 1 January, by operator;
- :func:`add_briefing_layer` — add a named layer outlining chosen states to any folium map.
"""

from __future__ import annotations

import datetime as dt

import folium
import pandas as pd

from casecurity import data, palette
from casecurity.errors import CourseError
from casecurity.exercises import (
    ChoiceQuestion,
    CountrySetQuestion,
    FunctionQuestion,
    MapQuestion,
    ReflectionQuestion,
    TableQuestion,
    define_lesson,
)
from casecurity.practice import practice_set

#: The five states the course is about, in the order tables list them.
#: Outside powers compared in the lesson (the EU is not a state, so it has no treaty rows of its own).
POWERS = ("RUS", "CHN", "USA", "TUR")
#: The 2022 regional treaty (treaties.csv id).
CA_TREATY = "ca_friendship_treaty_2022"
#: q2's variants: a treaty and a date on either side of a later signature or accession (the 2022 treaty:
#: Tajikistan signed on 28 Aug 2025; the 1992 treaty: Azerbaijan, Georgia and Belarus acceded in 1993; the
#: CSTO Charter: Uzbekistan came back into the CSTO in 2006 without a signature of it in the data).
TREATY_QUESTION_VARIANTS = [
    (CA_TREATY, "2024-01-01"),
    (CA_TREATY, "2025-12-31"),
    ("cst_1992", "1992-12-31"),
    ("cst_1992", "1993-10-31"),
    ("cst_1992", "1993-12-20"),
    ("cst_1992", "1994-06-30"),
    ("csto_charter_2002", "2010-01-01"),
]
#: q3's variants: days from 2006 on (Tajikistan is a Partnership for Peace partner from 2002 and
#: Turkmenistan holds weaker statuses in most of its organisations), each with different counts.
MEMBERSHIP_COUNT_DATES = ["2006-01-01", "2008-06-30", "2010-06-30", "2013-06-30", "2015-06-30", "2016-06-30",
                          "2019-06-30"]
#: q5's test cases: years per organisation chosen so that counting observers (or associates), counting on
#: 1 January, or counting Armenia's frozen CSTO spell each gives a wrong number somewhere.
MEMBER_COUNT_YEARS = {
    "SCO": (2001, 2005, 2016, 2017, 2023, 2024, 2025),
    "CSTO": (2005, 2010, 2013, 2024),
    "EAEU": (2014, 2015, 2018, 2024),
    "CIS": (2004, 2005, 2009, 2018),
    "OTS": (2009, 2018, 2019, 2024),
    "CICA": (2002, 2010, 2014, 2022),
}
#: q5's variants: the two organisations its test cases (and its prompt's examples) use.
MEMBER_COUNT_PAIRS = [("SCO", "CSTO"), ("EAEU", "CSTO"), ("OTS", "CSTO"), ("CICA", "CSTO"), ("CIS", "CSTO"),
                      ("SCO", "CIS"), ("EAEU", "CIS"), ("OTS", "CIS"), ("CICA", "CIS")]
#: q8's variants: the treaties column counts those signed in this year or later (each year gives other counts).
TREATIES_SIGNED_SINCE = [1995, 1998, 2000, 2002, 2005, 2008, 2010, 2015, 2020]
#: The name of the layer the capstone map must carry.
BRIEFING_LAYER = "Briefing"
#: Word limits of the capstone's written assessment.
MIN_WORDS, MAX_WORDS = 200, 400


# --------------------------------------------------------------------------------------- helpers


def _day(on: object) -> dt.date:
    """``on`` as a date through the data module's rules (None = the as-of date)."""
    if on is None:
        return data.AS_OF
    data.memberships_of("KAZ", on=on)  # validates `on` with the course's one-line errors
    return pd.Timestamp(f"{on}-01-01" if isinstance(on, int) else on).date()


def status_table(on: object = None) -> pd.DataFrame:
    """Each Central Asian state's status in every organisation on ``on`` (default: the as-of date).

    One row per state (index: the state's name), one column per organisation any of them had a
    status in; an empty cell means no status that day. Statuses are the data's words
    (``member``, ``observer``, ``guest``, ``suspended`` ...), so a reader can tell membership
    from the weaker links.
    """
    day = _day(on)
    rows = {}
    for code in data.central_asia():
        spells = data.memberships_of(code, on=day)
        rows[data.country_name(code)] = dict(
            zip(spells["organization_id"], spells["status"].astype(str), strict=True)
        )
    table = pd.DataFrame.from_dict(rows, orient="index").fillna("")
    table = table[sorted(table.columns)]
    table.index.name = f"status on {day.isoformat()}"
    return table


def member_counts(org: str, years: range | list[int], month_day: str = "12-31") -> pd.DataFrame:
    """Number of states with ``member`` status in ``org`` on ``month_day`` of each year.

    Also counts every status (members plus observers, partners, guests ...) so the two can be
    compared. Columns: year, members, any_status.
    """
    rows = []
    for year in years:
        day = f"{int(year)}-{month_day}"
        rows.append(
            {
                "year": int(year),
                "members": len(data.members(org, on=day)),
                "any_status": len(data.members(org, on=day, status=None)),
            }
        )
    return pd.DataFrame(rows, columns=["year", "members", "any_status"])


def treaties_by_partner(powers: tuple[str, ...] = POWERS) -> pd.DataFrame:
    """Treaties and declarations in the data that list an outside power and a Central Asian state.

    One row per power: ``bilateral`` and ``multilateral`` counts, ``defence`` (those coded with a
    ``defense`` obligation), ``basing``, and ``declarations`` (political statements, not binding).
    Signed documents are counted whether or not an entry-into-force date is known, because for
    many the data has none.
    """
    table = data.treaties()
    table["party_set"] = table["parties"].str.split(";").apply(set)
    table["obligation_set"] = table["obligations"].fillna("").str.split(";").apply(set)
    with_region = table.loc[table["party_set"].apply(lambda parties: bool(parties & set(data.central_asia())))]
    rows = []
    for power in powers:
        own = with_region.loc[with_region["party_set"].apply(lambda parties, p=power: p in parties)]
        rows.append(
            {
                "power": data.country_name(power),
                "bilateral": int((own["kind"] == "bilateral").sum()),
                "multilateral": int((own["kind"] == "multilateral").sum()),
                "defence": int(own["obligation_set"].apply(lambda o: "defense" in o).sum()),
                "basing": int(own["obligation_set"].apply(lambda o: "basing" in o).sum()),
                "declarations": int(own["obligation_set"].apply(lambda o: "declaration" in o).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("power")


def facilities_by_power(years: range | list[int]) -> pd.DataFrame:
    """Foreign-run facilities in Central Asia open on 1 January of each year, by operating power.

    Only sites confirmed in use that day are counted (``data.facilities(confirmed_on=...)``): rows
    with status ``active`` or ``closed``, and a ``reported`` Russian site such as the Kara-Balta node up to
    its ``last_confirmed`` date. Sites never confirmed, such as the Chinese outpost in the Tajik
    Pamirs, are left out because no government has acknowledged them. One row per year, one column
    per power that ever ran a confirmed site.
    """
    every = data.facilities()
    every = every.loc[every["host_iso3"].isin(data.central_asia()) & (every["operator_iso3"] != every["host_iso3"])]
    ever_confirmed = (every["status"] != "reported") | every["last_confirmed"].notna()
    operators = sorted(every.loc[ever_confirmed, "operator_iso3"].unique())
    rows = []
    for year in years:
        open_then = data.facilities(confirmed_on=int(year))
        open_then = open_then.loc[open_then["id"].isin(every["id"])]
        counts = open_then["operator_iso3"].value_counts()
        rows.append({"year": int(year), **{data.country_name(o): int(counts.get(o, 0)) for o in operators}})
    return pd.DataFrame(rows).set_index("year")


def add_briefing_layer(m: folium.Map, states, label: str = "", name: str = BRIEFING_LAYER) -> folium.Map:
    """Add a layer called ``name`` that outlines ``states`` (names or ISO3 codes) on map ``m``.

    The outlines are thick black borders with a light fill, so they stay readable on top of any
    course map; ``label`` is shown in each state's tooltip. Returns ``m`` (so a cell can end
    with it). Raises CourseError for an unknown state or if ``m`` is not a folium map.
    """
    if not isinstance(m, folium.Map):
        raise CourseError(
            f"add_briefing_layer needs a folium.Map as first argument, not {type(m).__name__}; "
            "build one with casecurity.maps first."
        )
    if isinstance(states, str):
        states = [states]
    codes = [data.iso3_of(s) for s in states]
    features = [f for f in data.countries_geo()["features"] if f["properties"].get("iso3") in codes]
    drawn = {f["properties"]["iso3"] for f in features}
    missing = [c for c in codes if c not in drawn]
    if missing:
        raise CourseError(
            f"No outline for {', '.join(missing)} in the map data; choose states in or near Central Asia."
        )
    group = folium.FeatureGroup(name=name)
    for feature in features:
        name_here = data.country_name(feature["properties"]["iso3"])
        folium.GeoJson(
            feature,
            style_function=lambda _f: {
                "color": palette.OKABE_ITO["black"],
                "weight": 3.5,
                "fill": True,
                "fillColor": palette.OKABE_ITO["yellow"],
                "fillOpacity": 0.25,
            },
            tooltip=f"{name_here}: {label}" if label else name_here,
        ).add_to(group)
    group.add_to(m)
    return m


# ------------------------------------------------------------------------------- answer keys


def _organisation_counts(statuses: tuple[str, ...] = ("member",), on: object = None) -> pd.DataFrame:
    """Organisations in which each Central Asian state held one of ``statuses`` on ``on``."""
    day = data.AS_OF if on is None else on
    rows = []
    for code in data.central_asia():
        spells = data.memberships_of(code, on=day)
        held = spells.loc[spells["status"].astype(str).isin(statuses), "organization_id"]
        rows.append({"iso3": code, "organisations": int(held.nunique())})
    return pd.DataFrame(rows, columns=["iso3", "organisations"])


def _all_statuses() -> tuple[str, ...]:
    """Every membership status of the data's vocabulary (member, observer, guest, ...)."""
    return tuple(str(s) for s in data.load("memberships")["status"].cat.categories)


def _same_counts(got: pd.DataFrame, other: pd.DataFrame) -> bool:
    """True when ``got`` gives exactly the counts of ``other`` (the fingerprint of a known mistake)."""
    given = dict(zip(got["iso3"].astype(str).str.upper(), got["organisations"].astype(int), strict=True))
    wanted = dict(zip(other["iso3"], other["organisations"], strict=True))
    return given == wanted


def _treaty_rows(treaty_id: str) -> pd.DataFrame:
    parties = data.load("treaty_parties")
    return parties.loc[parties["treaty_id"] == treaty_id]


def _treaty_signers(treaty_id: str = CA_TREATY, date: object = None, **_texts) -> list[str]:
    """States that had signed ``treaty_id`` on ``date`` (default: the 2022 Central Asian treaty, the as-of date).

    q2's answer key; ``_texts`` are the variant's words for the prompt (its title, the date as written).
    """
    day = pd.Timestamp(data.AS_OF if date is None else date)
    own = _treaty_rows(treaty_id)
    return sorted(set(own.loc[own["signed_date"].notna() & (own["signed_date"] <= day), "iso3"]))


def _treaty_question(treaty_id: str, date: str) -> dict:
    """q2's params for one treaty and date: the title as the prompt names it, the date as code writes it."""
    treaty = data.treaties().set_index("id").loc[treaty_id]
    return {"treaty_id": treaty_id, "treaty": f"the {treaty['signed_date'].year} {treaty['name']}",
            **_dated(date)}


def _q2_rows() -> pd.DataFrame:
    """The treaty_parties rows of the treaty in the q2 variant in force."""
    return _treaty_rows(q2.params["treaty_id"])


def _signed_on_treaty_date_only(got: set, expected) -> bool:
    """True when ``got`` is the parties that signed on the treaty's own date, and that is not the answer."""
    treaty = data.treaties().set_index("id").loc[q2.params["treaty_id"]]
    rows = _q2_rows()
    return got != set(expected) and got == set(rows.loc[rows["signed_date"] == treaty["signed_date"], "iso3"])


def _signed_later(got: set, expected) -> bool:
    """True when ``got`` lists a party that signed only after the variant's date."""
    rows = _q2_rows()
    later = set(rows.loc[rows["signed_date"] > pd.Timestamp(q2.params["date"]), "iso3"])
    return bool((got - set(expected)) & later)


def _never_signed(got: set, expected) -> bool:
    """True when ``got`` lists a party whose every row has no signed_date (it joined another way)."""
    rows = _q2_rows()
    signed = set(rows.loc[rows["signed_date"].notna(), "iso3"])
    return bool((got - set(expected)) & (set(rows["iso3"]) - signed))


def _outside_parties(got: set, regional_treaty: bool) -> bool:
    """True when ``got`` lists a state that is no party at all, and the treaty is (or is not) among the five only."""
    parties = set(_q2_rows()["iso3"])
    return bool(got - parties) and (parties <= set(data.central_asia())) == regional_treaty


def _dated(date: str) -> dict:
    """A variant's date in ISO form (for code) and as the prompt and hints write it (a Python literal)."""
    return {"date": date, "date_name": repr(date)}


def _member_counts_on(date: object = None, **_texts) -> pd.DataFrame:
    """q3's answer key: full memberships per Central Asian state on ``date`` (``_texts``: the prompt's words)."""
    return _organisation_counts(on=date)


def _q3_counts(statuses: tuple[str, ...]) -> pd.DataFrame:
    """Per-state counts of ``statuses`` on the date of the q3 variant in force (a known mistake's fingerprint)."""
    return _organisation_counts(statuses, on=q3.params["date"])


def _count_members(org: str, year: int, statuses=("member",), month_day: str = "12-31") -> int:
    return len(data.members(org, on=f"{year}-{month_day}", status=list(statuses)))


def _count_cases(org: str = "SCO", other_org: str = "CSTO"):
    """(org, year) cases for q5 with the expected count of members on 31 December."""
    cases = [(name, year) for name in (org, other_org) for year in MEMBER_COUNT_YEARS[name]]
    return [((name, year), _count_members(name, year)) for name, year in cases]


def _counts_as(function, cases, **how) -> bool:
    """True when ``function`` gives the count of ``_count_members(..., **how)`` in every case where that
    count is wrong, and there is such a case (the fingerprint of one mistake)."""
    wrong = [args for args, wanted in cases if _count_members(*args, **how) != wanted]
    return bool(wrong) and all(function(*args) == _count_members(*args, **how) for args in wrong)


def _calls(function, cases) -> bool:
    """True when ``function`` returns the given value for every ((args), value) case."""
    return all(function(*args) == wanted for args, wanted in cases)


def _treaty_count(code: str, since: int | None = None) -> int:
    """Treaties listed with ``code`` as party, only those signed in ``since`` or later when it is given."""
    listed = data.treaties(party=code)
    if since is not None:
        listed = listed.loc[listed["signed_date"].dt.year >= since]
    return len(listed)


def _briefing_expected(on: object = None, since: int | None = None, **_wording) -> pd.DataFrame:
    """The capstone table: per Central Asian state, organisations, treaties listed (signed in ``since`` or
    later when it is given), foreign facilities open."""
    day = data.AS_OF if on is None else on
    counts = _organisation_counts(on=day).set_index("iso3")["organisations"]
    rows = []
    for code in data.central_asia():
        hosted = data.facilities(host=code, active_on=day, status="active")
        rows.append(
            {
                "iso3": code,
                "organisations": int(counts[code]),
                "treaties": _treaty_count(code, since),
                "foreign_facilities": int((hosted["operator_iso3"] != code).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["iso3", "organisations", "treaties", "foreign_facilities"])


def _treaties_since_params(since: int | None) -> dict:
    """q8's words for its treaties column: every treaty listed (None, the lesson's own text) or those signed
    in ``since`` or later."""
    if since is None:
        return {"since": None, "treaties_rule": "signed, whatever their entry-into-force date",
                "treaties_hint": "len(data.treaties(party=code)) gives treaties",
                "treaties_scope": "every treaty listed with the state as party"}
    return {"since": since,
            "treaties_rule": f"only those signed in {since} or later (signed_date), whatever their "
                             "entry-into-force date",
            "treaties_hint": f"for treaties, count the rows of data.treaties(party=code) whose "
                             f"signed_date.dt.year >= {since}",
            "treaties_scope": f"every treaty listed with the state as party and signed in {since} or later"}


def _treaties_column(since: int | None, *, in_force: bool = False) -> list[int]:
    """A treaties column as a likely mistake computes it: in force on the as-of date, or signed since a year."""
    if in_force:
        return [len(data.treaties(party=c, in_force_on=data.AS_OF)) for c in data.central_asia()]
    return [_treaty_count(c, since) for c in data.central_asia()]


def _with_reported_facilities() -> pd.DataFrame:
    """The capstone table if 'reported' facilities are counted as if confirmed (a likely mistake)."""
    table = _briefing_expected().copy()
    for index, code in enumerate(table["iso3"]):
        hosted = data.facilities(host=code, active_on=data.AS_OF)
        table.loc[index, "foreign_facilities"] = int((hosted["operator_iso3"] != code).sum())
    return table


def _column_equals(got: pd.DataFrame, other: pd.DataFrame, column: str) -> bool:
    given = dict(zip(got["iso3"].astype(str).str.upper(), got[column].astype(int), strict=True))
    return given == dict(zip(other["iso3"], other[column], strict=True))


# ------------------------------------------------------------------------------ model briefing

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def _in_words(count: int) -> str:
    """A small count as a word ('four'), a larger one as digits."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def _names(codes) -> str:
    """'Kazakhstan', 'Kazakhstan and Kyrgyzstan', 'A, B and C' from ISO3 codes."""
    names = [data.country_name(code) for code in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _hosting_sentence(sites: pd.Series) -> str:
    """'Kyrgyzstan hosting four confirmed foreign-run sites, Tajikistan three and Kazakhstan one, while ...'."""
    hosts = sites[sites > 0].sort_values(ascending=False, kind="stable")
    parts = [f"{data.country_name(code)} hosting {_in_words(int(n))} confirmed foreign-run "
             f"site{'s' if n != 1 else ''}" if i == 0 else f"{data.country_name(code)} {_in_words(int(n))}"
             for i, (code, n) in enumerate(hosts.items())]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    empty = [code for code in sites.index if sites[code] == 0]
    if empty:
        text += f", while {_names(empty)} host{'s' if len(empty) == 1 else ''} none"
    return text


def model_briefing(table: pd.DataFrame | None = None) -> str:
    """The model capstone briefing (q9), its numbers read from the q8 table (default: the reference table).

    The text is the model answer shown after a learner submits q9 and the solution in
    solutions/06_future_solutions.ipynb; because counts come from the data, a corrected facility or
    membership row updates the briefing too (issue 12: the Kulob garrison, closed in 2015, had
    inflated Tajikistan's count).
    """
    table = (_briefing_expected() if table is None else table).copy()
    table["iso3"] = table["iso3"].astype(str).str.upper()
    table = table.set_index("iso3")
    sites = table["foreign_facilities"].astype(int)
    memberships = table["organisations"].astype(int)
    most = memberships[memberships == memberships.max()].index.tolist()
    each = " each" if len(most) > 1 else ""
    open_now = data.facilities(active_on=data.AS_OF, status="active")
    foreign = open_now.loc[open_now["host_iso3"].isin(data.central_asia())
                           & (open_now["operator_iso3"] != open_now["host_iso3"])]
    operators = _names(sorted(foreign["operator_iso3"].unique())) if len(foreign) else "no outside power"
    where = _names([code for code in data.central_asia() if sites.get(code, 0) > 0]) or "no state"
    day = f"{data.AS_OF.day} {data.AS_OF:%B %Y}"
    kulob = data.load("facilities").set_index("id")["closed"].get("rus_201_kulob")
    kulob = f", and Russia itself gave up its garrison at Kulob in {kulob.year}" if pd.notna(kulob) else ""
    return (
        f"Question: is Russia still the only outside power with a military footprint in Central Asia, as of {day}?"
        " Bottom line: yes on the ground, but not in the region's diplomacy.\n\n"
        f"Evidence. The map of facilities open on the as-of date shows confirmed sites run by {operators} only, "
        f"in {where}; the one Chinese site, an outpost in the Tajik Pamirs, is marked 'reported' because no "
        "government acknowledges it. The table shows "
        f"{_hosting_sentence(sites)}. The Western sites of 2001-2015 (K2, Manas, Termez, Dushanbe) have all "
        f"closed{kulob} (lesson 04).\n\n"
        f"The same table shows the states hedging. {_names(most)} count{'' if len(most) > 1 else 's'} "
        f"{_in_words(int(memberships.max()))} full memberships{each}, from the CSTO and the SCO to the "
        "Organization of Turkic States; all five take part in the C5+1 with the United States, whose leaders "
        "first met in New York on 19 September 2023 and again, for the first time at the White House, on "
        "6 November 2025 (24.kg, Oct 2025). In June 2025 all five signed a treaty of eternal "
        "good-neighbourliness with China, in which, by reported summaries, the parties promise not to join "
        "alliances directed against one another (Astana Times, 18 Jun 2025). Uzbekistan's CSTO membership has "
        "been suspended since 2012, and Armenia's freeze since February 2024 shows that a member can step back "
        "from the alliance without formally leaving.\n\n"
        "Scenario. The evidence fits 'Russian-led consolidation' for hard power and 'regional self-reliance' "
        "for diplomacy at the same time. Indicators to watch: (1) a new row in facilities.csv with a "
        "non-Russian operator and status 'active' - above all China; (2) a change in Armenia's CSTO spell in "
        "memberships.csv, from 'frozen' to no spell (withdrawal) or back to 'member', and any Central Asian "
        "member following Armenia's path.\n\n"
        "What would change my mind: an officially acknowledged Chinese site, a basing or defence obligation "
        "in a treaty with China, or a Central Asian CSTO member freezing its participation."
    )


# ------------------------------------------------------------------------------------ questions

q1 = ChoiceQuestion(
    "What was Armenia's position in the CSTO as of March 2025, the date of the latest sources the lesson cites?",
    options={
        "a": "It had frozen its participation and its payments, while Russia still called it a full "
             "member.",
        "b": "It had formally withdrawn in June 2024, when its prime minister publicly announced 'we "
             "will leave'.",
        "c": "The Collective Security Council had suspended it, just as it had done with Uzbekistan in "
             "2012.",
        "d": "It had become an observer, the status that Turkmenistan holds in the organisation.",
    },
    answer="a",
    explanations={
        "a": "Right: the freeze is a political act without a procedure in the Charter; Moscow's "
             "position is that Armenia remains a member with all rights and obligations, and the data "
             "codes the spell as 'frozen' from February 2024.",
        "b": "Pashinyan said 'we will leave' on 12 June 2024 but gave no date, and no withdrawal notice "
             "was sent: Russia's deputy foreign minister said in March 2025 that Yerevan had not "
             "notified any exit.",
        "c": "No Council decision suspended Armenia; the freeze was Armenia's own announcement "
             "(Uzbekistan's 2012 case is the one coded 'suspended').",
        "d": "The CSTO has no observer status in the data, and Turkmenistan has never joined the CSTO "
             "at all.",
    },
    hints=[
        "Look at data.members('CSTO', on=data.AS_OF, status=None) and find Armenia's status.",
        "Then compare what Yerevan said (a freeze; 'we will leave') with what Moscow said (still a member).",
    ],
)

q2 = CountrySetQuestion(
    "Which states had signed {treaty} by {date_name}? Answer with a list of names or ISO3 codes.",
    expected=_treaty_signers,
    params=lambda rng: _treaty_question(*rng.choice(TREATY_QUESTION_VARIANTS)),
    default_params={
        "treaty_id": CA_TREATY,
        "treaty": "the 2022 Treaty on Friendship, Good-Neighbourliness and Cooperation for the Development of "
                  "Central Asia in the 21st Century",
        "date": data.AS_OF.isoformat(),
        "date_name": "data.AS_OF",
    },
    hints=[
        "The parties are in data.load('treaty_parties'); the treaty's id is '{treaty_id}'.",
        "Keep the rows whose signed_date is on or before {date_name}, not only those signed on the treaty's date.",
        "Take the iso3 column of what is left.",
    ],
    mistakes=[
        (
            lambda got, expected: "TKM" in got and "TKM" not in expected,
            "Turkmenistan had not signed: no Turkmen signature of this treaty is recorded in the data as of "
            "{date_name}.",
        ),
        (
            _signed_on_treaty_date_only,
            "Not every party signed on the treaty's own date (Tajikistan, for example, signed the 2022 Central "
            "Asian treaty only on 28 Aug 2025): use each party's own signed_date, on or before {date_name}.",
        ),
        (
            _signed_later,
            "A state you listed signed only after {date_name}: keep the rows whose signed_date is on or before it.",
        ),
        (
            _never_signed,
            "A state whose rows have no signed_date had not signed the text (it joined by another instrument, "
            "such as a protocol): leave it out.",
        ),
        (
            lambda got: _outside_parties(got, regional_treaty=True),
            "This is a treaty among Central Asian states only: no outside power is a party.",
        ),
        (
            lambda got: _outside_parties(got, regional_treaty=False),
            "A state you listed is not a party to this treaty at all: keep only its rows in treaty_parties.",
        ),
    ],
)

q3 = TableQuestion(
    "For each of the five Central Asian states, in how many organisations did it hold the status 'member' "
    "on {date_name}? Give a DataFrame with the columns iso3 and organisations (one row per state).",
    expected=_member_counts_on,
    params=lambda rng: _dated(rng.choice(MEMBERSHIP_COUNT_DATES)),
    default_params={"date": data.AS_OF.isoformat(), "date_name": "data.AS_OF"},
    key="iso3",
    hints=[
        "data.memberships_of(code, on={date_name}) lists one country's spells active that day.",
        "Keep only the rows whose status is 'member' — observer, guest, partner, associate, suspended and "
        "frozen are weaker (or dormant) links, not membership.",
        "Count the distinct organization_id values per state, e.g. in a loop over the five ISO3 codes, "
        "and build pd.DataFrame({{'iso3': [...], 'organisations': [...]}}).",
    ],
    mistakes=[
        (
            lambda got: _same_counts(got, _q3_counts(_all_statuses())),
            "You counted every status: Turkmenistan, for example, is only an observer, guest, associate or "
            "partner in most of its organisations. Keep status == 'member'.",
        ),
        (
            lambda got: _same_counts(got, _q3_counts(("member", "suspended", "frozen"))),
            "You counted Uzbekistan's CSTO membership, which has been 'suspended' since 19 Dec 2012; a suspended "
            "(or frozen) spell is not membership.",
        ),
        (
            lambda got: _same_counts(got, _q3_counts(("member", "partner"))),
            "You counted the NATO Partnership for Peace, where every state is a 'partner', not a member.",
        ),
    ],
)

q4 = ChoiceQuestion(
    "Which statement about the Consultative Meetings of the Heads of State of Central Asia is right?",
    options={
        "a": "They are the summits of the C5+1 format, which the United States chairs and hosts.",
        "b": "They are a defence alliance whose members must help one another if one is attacked.",
        "c": "Begun in 2018, they gather the five presidents without an outside power; Azerbaijan "
             "joined in 2025.",
        "d": "Turkmenistan stays away from them because its neutrality bars it from such summits.",
    },
    answer="c",
    explanations={
        "a": "The C5+1 is a separate format with the United States; the Consultative Meetings have no "
             "outside chair.",
        "b": "They are a consultative summit with no treaty of their own and no mutual-defence clause.",
        "c": "Right: the first meeting was in Astana in March 2018; the seventh, in Tashkent on 16 Nov "
             "2025, admitted Azerbaijan as a full participant.",
        "d": "Turkmenistan takes part: it hosted the third meeting (Avaza, 2021); see the CAHS rows in "
             "memberships.csv.",
    },
    hints=["Look at data.members('CAHS', on=data.AS_OF) and at the note on Turkmenistan's row."],
)


q5 = FunctionQuestion(
    "Write a function members_at_end_of(org, year) that returns how many states held the status 'member' "
    "in organisation org (e.g. '{org}', '{other_org}') on 31 December of year.",
    cases=_count_cases,
    params=lambda rng: dict(zip(("org", "other_org"), rng.choice(MEMBER_COUNT_PAIRS), strict=True)),
    default_params={"org": "SCO", "other_org": "CSTO"},
    hints=[
        "data.members(org, on=...) returns one row per member on a date; its default status is 'member'.",
        "Build the date as an f-string: f'{{year}}-12-31'.",
        "Return len(...) of the result.",
    ],
    mistakes=[
        (
            lambda f, cases: _counts_as(f, cases, statuses=_all_statuses()),
            "Your count includes observers or other weaker statuses (Mongolia, India, Pakistan and Iran, for "
            "example, were SCO observers in 2005): keep status 'member' only.",
        ),
        (
            lambda f, cases: _counts_as(f, cases, month_day="01-01"),
            "You counted on 1 January: a state that joins during a year counts at its end (India and Pakistan "
            "joined the SCO in June 2017, so they count at the END of 2017).",
        ),
        (
            lambda f, cases: _counts_as(f, cases, statuses=("member", "frozen")),
            "You counted Armenia, whose CSTO spell is coded 'frozen' from February 2024 (Russia disputes the "
            "word, but the question asks for status 'member').",
        ),
    ],
)

q6 = ChoiceQuestion(
    "Under the scenario 'China's security footprint grows', which observation, and which course table, "
    "would be the clearest early sign?",
    options={
        "a": "Another country becoming an SCO partner or a full member (a new row in memberships.csv).",
        "b": "A new active site run by China that China or the host acknowledges (facilities.csv).",
        "c": "China's trade with the five Central Asian states rising year after year (events.csv).",
        "d": "A higher ITU Global Cybersecurity Index score for Kazakhstan (cyber_index.csv).",
    },
    answer="b",
    explanations={
        "a": "SCO enlargement mostly adds states outside Central Asia; it says little about Chinese "
             "forces in the region.",
        "b": "Right: a new row with operator_iso3 CHN, status 'active', hosted by a Central Asian state "
             "would be new — as of the as-of date the only Chinese site in the data is a 'reported' "
             "outpost that no government confirms.",
        "c": "Trade is economic influence, and the course data has no trade table; it is not a security "
             "footprint.",
        "d": "A national cyber score measures the state's own capacity, not a foreign presence.",
    },
    hints=["A security 'footprint' means people or sites on the ground; which table records those?"],
)

q7 = MapQuestion(
    "Capstone, part 1 — the map. Build a folium map for your briefing question: start from any "
    "casecurity.maps builder (or folium.Map) and add a layer named 'Briefing' that marks what your "
    "assessment is about (ex.add_briefing_layer(m, [...], label) does it). The map must be centred over "
    "Central Asia.",
    layers=[BRIEFING_LAYER],
    over_central_asia=True,
    hints=[
        "For example m = maps.facilities_map(on=data.AS_OF), then ex.add_briefing_layer(m, ['TJK'], 'hosts the 201st base').",
        "The check looks for a folium.FeatureGroup whose name is 'Briefing', and for a centre or bounds in "
        "Central Asia; end the cell with the map variable.",
    ],
)

q8 = TableQuestion(
    "Capstone, part 2 — the table. Build one row per Central Asian state with the columns iso3, organisations "
    "(status 'member' on data.AS_OF, as in q3), treaties (number of treaties in data.treaties(party=...) — "
    "{treaties_rule}), and foreign_facilities (facilities hosted by the state, "
    "open on data.AS_OF, with status 'active' and run by another state). You may add columns for your own "
    "question.",
    expected=_briefing_expected,
    params=lambda rng: _treaties_since_params(rng.choice([None, *TREATIES_SIGNED_SINCE])),
    default_params=_treaties_since_params(None),
    key="iso3",
    columns=["iso3", "organisations", "treaties", "foreign_facilities"],
    hints=[
        "Count organisations as in q3, but on data.AS_OF (your own q3 may ask about another day); {treaties_hint}.",
        "data.facilities(host=code, active_on=data.AS_OF, status='active') lists sites open that day; keep "
        "those whose operator_iso3 differs from code.",
        "Build the rows in a loop over the five codes and make a DataFrame at the end.",
    ],
    mistakes=[
        (
            lambda got: (
                _column_equals(got, _with_reported_facilities(), "foreign_facilities")
                and not _column_equals(got, _briefing_expected(), "foreign_facilities")
            ),
            "foreign_facilities counts the 'reported' Chinese outpost in Tajikistan; only confirmed sites "
            "(status 'active') count.",
        ),
        (
            lambda got: (
                _same_counts(got, _organisation_counts(_all_statuses()))
                and not _same_counts(got, _organisation_counts())
            ),
            "organisations counts every status; keep 'member' only (as in q3).",
        ),
        (
            lambda got, expected: (
                _column_equals(got, expected.assign(treaties=_treaties_column(None, in_force=True)), "treaties")
                and not _column_equals(got, expected, "treaties")
            ),
            "treaties counts only those in force on data.AS_OF; many treaties have no known entry-into-force "
            "date, so the question counts {treaties_scope}.",
        ),
        (
            lambda got, expected: (
                q8.params["since"] is not None
                and _column_equals(got, expected.assign(treaties=_treaties_column(None)), "treaties")
            ),
            "treaties counts every treaty listed, whenever it was signed; keep those signed in {since} or later "
            "(the year of signed_date).",
        ),
        (
            lambda got, expected: (
                q8.params["since"] is not None
                and _column_equals(got, expected.assign(treaties=_treaties_column(q8.params["since"] + 1)),
                                   "treaties")
                and not _column_equals(got, expected, "treaties")
            ),
            "treaties leaves out those signed in {since} itself: the question counts {since} or later (>=).",
        ),
    ],
)


# ---------------------------------------------------------------------------------- the policy memo

MEMO_MIN_WORDS, MEMO_MAX_WORDS = 1500, 2000

# The one rubric of the policy memo (q9): the grader's criteria, the student's copy in the exercise set
# and the teacher's guide are all rendered from this list (memo_rubric_markdown), so they cannot differ.
MEMO_RUBRIC = (
    ("Question and recommendation", 3,
     "A precise policy question for a named decision-maker; the recommendation stated in the first paragraph.",
     "A question, but the recommendation is vague or comes late."),
    ("Argument", 4,
     "Weighs at least two positions of the scholarly or policy debate and argues for one, answering the "
     "strongest objection.",
     "Presents positions without weighing them, or ignores the strongest objection."),
    ("Evidence", 4,
     "At least three numbers from the map, the table or data/, each dated ('as of ...'), and at least three "
     "cited sources, one of them a primary text (a treaty, an official statement).",
     "Fewer numbers or sources, numbers without dates, or no primary text."),
    ("Accuracy", 3,
     "Facts are right and dated; contested points give both sides; reported claims are kept apart from "
     "confirmed facts; declarations are not called treaties, nor partners allies.",
     "A minor error, or a contested point given one-sidedly."),
    ("Options and indicators", 3,
     "Compares at least two policy options with their costs and risks, and names indicators (with the table "
     "that would show them) and what would change the recommendation.",
     "One option only, or indicators without a way to observe them."),
    ("Form", 3,
     "1,500-2,000 words under headings; the map and the table are annexes the text refers to; plain language "
     "for a busy reader.",
     "Within the word range but hard to follow, or the annexes are not used."),
)


def memo_rubric_markdown() -> str:
    """The memo's rubric as a markdown table: the student's and the teacher's copy (one source)."""
    total = sum(points for _name, points, _full, _part in MEMO_RUBRIC)
    rows = [f"| {name} | {points} | {full} | {part} |" for name, points, full, part in MEMO_RUBRIC]
    return "\n".join([
        f"The memo is marked on {len(MEMO_RUBRIC)} criteria, {total} points in all. Full points when the "
        "first description holds; about half when the second does; none when the criterion is missing. "
        "The map (q7) and the table (q8) are checked automatically.",
        "",
        "| Criterion | Points | Full points when | About half when |",
        "|---|---|---|---|",
        *rows,
    ])


def model_memo(table: pd.DataFrame | None = None) -> str:
    """A model policy memo (q9), built around the model briefing, its numbers read from the q8 table."""
    briefing = model_briefing(table)
    evidence = briefing.split("\n\n", 1)[1].rsplit("\n\nScenario.", 1)[0]
    day = f"{data.AS_OF.day} {data.AS_OF:%B %Y}"
    return "\n\n".join([
        f"To: the foreign minister of Kazakhstan. From: a policy analyst. Date: {day}.",
        "Question: should Kazakhstan keep relying on the Collective Security Treaty Organization (CSTO) and "
        "its bilateral alliance with Russia as the core of its external security, or should it shift weight "
        "towards regional and other partners?",
        "Recommendation: keep the CSTO and the Russian alliance as the legal core of Kazakhstan's defence, "
        "but stop treating them as sufficient. Invest in three things that reduce dependence without "
        "provoking Moscow: the Central Asian consultative format and the bilateral allied treaties with "
        "neighbours; border and crisis capacity of Kazakhstan's own; and working security ties with China, "
        "Türkiye, the European Union and the United States that stop short of bases or guarantees.",
        "1. Why the question matters now",
        "Kazakhstan is the one member that has received a CSTO deployment. In January 2022, at President "
        "Tokayev's request, the organisation sent about 2,030 troops, most of them Russian, who arrived on "
        "6 January and had left by 19 January. The operation showed that the alliance can act fast when a "
        "member government asks for help against unrest. It also showed its limits as a defence alliance: "
        "it was framed under Article 4 of the 1992 treaty, which speaks of aggression by a state or group "
        "of states, although the threat was internal. Since 2022 Russia's attention, forces and credibility "
        "have been bound up in the war in Ukraine, and the region's governments have had to ask what the "
        "alliance is worth to them.",
        "The neighbourhood has changed too. The Taliban took Kabul on 15 August 2021, and on 3 July 2025 "
        "Russia became the first state to recognise their government, while Tajikistan, a fellow CSTO "
        "member with the longest border with Afghanistan, had been the most openly hostile neighbour. Two "
        "CSTO members, Kyrgyzstan and Tajikistan, fought each other in April 2021 and again in September "
        "2022, and the organisation stayed aside; the two settled their border by treaty only on 13 March "
        "2025. Uzbekistan, the region's most populous state, has been outside the CSTO since its suspension "
        "in 2012, and Turkmenistan has stood outside every bloc since the UN recognised its neutrality in "
        "December 1995. An alliance that covers only three of the five, cannot act between its own members "
        "and is led by a power whose Afghan policy differs from its members', is a narrow basis for a "
        "country's security. That is the case for looking beyond it; the rest of this memo asks how far, "
        "and at what cost.",
        "2. What the evidence shows",
        evidence,
        "Three further facts frame the choice. First, Article 4 of the Collective Security Treaty, signed in "
        "Tashkent on 15 May 1992, is the only defence pledge that binds Kazakhstan: aggression against one "
        "party is aggression against all, and the others give necessary assistance, including military "
        "(CSTO, treaty text, odkb.gov.ru). In practice, assistance depends on a decision of the Collective "
        "Security Council: Kyrgyzstan's request for troops in June 2010 was turned down, and Armenia's "
        "appeal in September 2022 brought only a monitoring mission. Second, Kazakhstan's bilateral treaties "
        "with Russia, from the 1992 friendship treaty to the 2013 treaty on alliance, have no automatic "
        "assistance clause in any text the course could read; the 2025 declaration of a comprehensive "
        "strategic partnership and alliance is a political declaration, not a treaty. Third, the allied "
        "treaty with Uzbekistan of 22 December 2022, ratified by Kazakhstan in 2024, promises consultations "
        "and peaceful measures if a third state threatens attack, not military help (Trend, 28 Feb 2024; "
        "zakonpravo.kz, law of 20 May 2024).",
        "3. The debate behind the choice",
        "Two readings of the CSTO compete. The first sees it as a collective-defence alliance under Russian "
        "leadership: its value lies in deterrence, Russia's forces and the legal pledge of Article 4, and "
        "Kazakhstan should invest in it because no other power offers a guarantee. The second sees it as an "
        "instrument of regime security and 'protective integration': governments join Russian-led bodies to "
        "gain support against domestic challenges and to keep Moscow's goodwill, while the pledge against "
        "outside attack has never been tested in Central Asia. The record fits the second reading better. "
        "The one deployment served a government against unrest; the two requests that looked most like "
        "calls for defence, Kyrgyzstan's in 2010 and Armenia's in 2022, did not bring troops.",
        "A third position, common in the region's own foreign-policy concepts, treats the choice as false: "
        "a multi-vector policy keeps every partner engaged and none dominant. Kazakhstan's pattern of "
        "memberships in the table fits this reading: the CSTO and the Eurasian Economic Union sit beside "
        "the SCO, the Organization of Turkic States and the C5+1 with the United States. The strongest "
        "objection to my recommendation comes from the first reading: that hedging weakens the only "
        "guarantee Kazakhstan has, and that Moscow punishes partners who drift. The answer is that the "
        "recommendation keeps every legal commitment in place and adds capacity rather than alignments; "
        "what Moscow has tolerated since 2022 - the C5+1 leaders' summits, the EU strategic partnership of "
        "April 2025, the June 2025 treaty with China - shows that the room for manoeuvre is real.",
        "4. Options",
        "Option A, rely on the alliance: keep the present balance and treat Russia as the provider of last "
        "resort. Cost: none in the short run. Risk: Russian capacity and attention stay tied to the war, and "
        "Kazakhstan's security depends on a partner whose choices it cannot shape; its leverage over Moscow "
        "shrinks as dependence grows.",
        "Option B, hedge inside the legal framework (recommended): keep the CSTO and the Russian treaties, "
        "build up the Central Asian format and the allied treaties with Uzbekistan and Kyrgyzstan, fund "
        "Kazakhstan's own border and crisis forces, and widen training and equipment ties with Türkiye, the "
        "EU and the United States. Cost: money and diplomatic care. Risk: Moscow reads it as drift; the "
        "regional format may stay a talking shop, since it has no secretariat, forces or dispute mechanism.",
        "Option C, re-align: freeze participation in the CSTO as Armenia did in February 2024 and seek new "
        "guarantees. Cost and risk: high. No outside power offers a guarantee - China's 2025 treaty renounces "
        "force and hostile groupings but promises no help, and the United States offers partnership, not "
        "defence - so Kazakhstan would trade a weak guarantee for none, and provoke its largest neighbour.",
        "5. Indicators and what would change this recommendation",
        "Watch four indicators. (1) The facilities table: a new site with a non-Russian operator and status "
        "'active', above all a Chinese one, would mean the outside balance has moved. (2) The memberships "
        "table: any change to Armenia's 'frozen' spell, or a Central Asian member following Armenia's path. "
        "(3) The treaties table: a treaty between Central Asian states coded defense rather than "
        "consultation would show regional self-reliance growing teeth. (4) The events table: a border clash "
        "between members in which the CSTO again stays aside.",
        "The recommendation would change in two cases. If Russia used the alliance to press Kazakhstan on "
        "its foreign policy - for example by tying help to recognition of annexations or to sanctions "
        "evasion - Option C would have to be reconsidered. If a regional crisis showed that the Central "
        "Asian format can settle a dispute without outside help, the weight of Option B should shift further "
        "towards the neighbours.",
        "6. Limits of this memo",
        "The numbers come from the course's dataset, which records treaties and facilities as published, "
        "not secret annexes or informal arrangements; a 'reported' site is counted apart because no "
        "government confirms it. Several texts were read in translation or in summaries rather than in the "
        "original, and the middle articles of the 1992 Kazakh-Russian treaty were not read. The memo also "
        "judges intentions from public records; a minister will know more about what Moscow and Beijing "
        "have said in private.",
        "Annexes: the map (question 7) shows the confirmed foreign military facilities on the as-of date; "
        "the table (question 8) gives each state's full memberships, treaties and confirmed foreign "
        "facilities.",
    ])


class _AssessmentQuestion(ReflectionQuestion):
    """A reflection with a word range: a briefing that runs long is sent back, like one that is too short."""

    def __init__(self, *args, max_words: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_words = max_words

    def _grade(self, answer, expected):
        if isinstance(answer, str) and len(answer.split()) > self.max_words:
            return (
                "incorrect",
                f"{len(answer.split())} words: the piece should be at most {self.max_words}; "
                "cut it down to the strongest evidence.",
                answer,
            )
        return super()._grade(answer, expected)


q9 = _AssessmentQuestion(
    "Capstone, part 3 - the policy memo (1,500-2,000 words). Write a memo to a named decision-maker on one "
    "question about Central Asia's security: state the question and your recommendation first; argue from "
    "the debate, weighing at least two positions and the strongest objection; support it with dated numbers "
    "from your map and table (q7, q8) and at least three cited sources, one of them a primary text; compare "
    "at least two options with their costs and risks; name indicators to watch and what would change your "
    "recommendation.",
    # computed from the data at check time (also the solution in solutions/06_future_solutions.ipynb)
    model_answer=model_memo,
    rubric=[(f"{name}: {full}", points) for name, points, full, _part in MEMO_RUBRIC],
    min_words=MEMO_MIN_WORDS,
    max_words=MEMO_MAX_WORDS,
    hints=[
        "Structure: question and recommendation (one paragraph); why it matters now; the evidence (map, "
        "table, sources); the debate; two or three options; indicators and what would change your mind; "
        "limits. Put headings on each part.",
        'Write your memo between triple quotes: answer = """...""" and count words with len(answer.split()); '
        "the rubric is printed above the question.",
    ],
)

# Practice questions for the lesson's 'Check your understanding' quizzes: not graded, not in the
# exercise set (casecurity.practice).
PRACTICE = practice_set(
    p1=ChoiceQuestion(
        'Which state became a full member of the SCO in 2024?',
        options={
            'a': 'Iran, which became a full member',
            'b': 'Belarus, until then an observer',
            'c': 'Turkmenistan, after ending neutrality',
            'd': "Mongolia, the SCO's oldest observer",
        },
        answer='b',
        explanations={
            'a': 'Iran joined in 2023.',
            'b': "Right: Belarus became the SCO's tenth member in 2024.",
            'c': 'Turkmenistan keeps its neutrality and is not a member.',
            'd': 'Mongolia remains an observer.',
        },
    ),
    p2=ChoiceQuestion(
        'What was the main outcome of the first EU-Central Asia summit (Samarkand, 4 April 2025)?',
        options={
            'a': 'A strategic partnership and a 12-billion-euro investment package',
            'b': 'An EU security guarantee for the five Central Asian states',
            'c': 'A free-trade area between the EU and the five, from 2026',
            'd': 'EU observer status in the CSTO and the SCO from 2025',
        },
        answer='a',
        explanations={
            'a': 'Right: the leaders raised relations to a strategic partnership, and the Commission announced a 12-billion-euro Global Gateway package.',
            'b': 'The EU offers no security guarantee; its security role is border management and aid.',
            'c': 'No free-trade area was agreed.',
            'd': 'The EU is not an observer in either organisation.',
        },
    ),
    p3=ChoiceQuestion(
        "A CSTO force sent at a member's request, like Kazakhstan's in January 2022, fits which scenario of section 7?",
        options={
            'a': 'Regional self-reliance among the five',
            'b': 'A growing Chinese security footprint',
            'c': "Fragmentation of the region's formats",
            'd': 'Russian-led consolidation of the CSTO',
        },
        answer='d',
        explanations={
            'a': 'A Russian-led CSTO force is the opposite of the five managing on their own.',
            'b': 'China played no part in the 2022 deployment.',
            'c': 'A deployment the members agreed on shows cohesion, not fragmentation.',
            'd': "Right: a CSTO force led by Russia at a member's request is what Russian-led consolidation predicts.",
        },
    ),
)

define_lesson(__name__, title="Where it is heading — and a capstone briefing", notebook="06_future")
