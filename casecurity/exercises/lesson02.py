"""Lesson 02 (alliances: the CSTO, the SCO and the rest): questions and one lesson helper.

Every expected answer is a callable evaluated at check time from :mod:`casecurity.data`,
so a correction to ``data/memberships.csv`` updates the answer key too.

The helper :func:`overlap_matrix` builds the "who belongs to what on a date" table that
the lesson shows; no package function builds it yet (see the lesson-02 report).
"""

from __future__ import annotations

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

# The date questions q1 and q8 ask about, and the founding day of the SCO (15 Jun 2001):
# spells starting after it are enlargement, not foundation.
CSTO_QUESTION_DATE = "2015-01-01"
SCO_MAP_DATE = "2020-01-01"
SCO_FOUNDED = "2001-06-15"

# Default columns of the overlap matrix: the organisations the lesson discusses, in reading order.
LESSON_ORGS = ("CSTO", "SCO", "CIS", "EAEU", "OTS", "PFP", "C5+1", "CAHS")


def _data():
    from casecurity import data

    return data


def overlap_matrix(on=None, countries=None, orgs=LESSON_ORGS):
    """Who belongs to what on one day: a DataFrame with one row per country, one column per organisation.

    Args:
        on: the day (any form ``data`` accepts); default the dataset's as-of date.
        countries: ISO3 codes or names; default the five Central Asian states.
        orgs: organisation ids (default: the ones this lesson discusses).

    Each cell holds the country's status on that day (``member``, ``observer``, ``suspended``,
    ``frozen``, ``associate``, ``partner``, ``guest`` ...) or ``"—"`` when it has none, so the
    table never relies on colour. The index is the country name; ``.attrs["on"]`` records the date.
    """
    import pandas as pd

    data = _data()
    day = data.to_timestamp(data.AS_OF if on is None else on, "date `on`").date()
    codes = _data().central_asia() if countries is None else [data.iso3_of(c) for c in countries]
    known = set(data.load("organizations")["id"].astype(str))
    wanted = []
    for org in orgs:
        match = [k for k in known if k.upper() == str(org).strip().upper()]
        if not match:
            from casecurity.errors import suggest

            raise suggest(org, sorted(known), "organization")
        wanted.append(match[0])
    rows = {}
    for code in codes:
        spells = data.memberships_of(code, on=day)
        status = dict(zip(spells["organization_id"].astype(str), spells["status"].astype(str), strict=True))
        rows[data.country_name(code)] = [status.get(org, "—") for org in wanted]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=wanted)
    table.index.name = "country"
    table.attrs["on"] = day.isoformat()
    return table


def peace_missions():
    """The SCO "Peace Mission" exercises in the events data, and which SCO members took part.

    One row per exercise, in date order: the year, the title, how many of the SCO's members
    *on the exercise's first day* took part, out of how many, and the members not listed
    (they stayed away, or their part is not recorded: a row's note may say more).
    Non-members that joined a drill (Belarus in 2021) are not counted. The lesson shows
    this table instead of typing counts, so a corrected or added row in ``events.csv``
    changes the prose's evidence too.
    """
    import pandas as pd

    data = _data()
    drills = data.events(category="exercise")
    drills = drills.loc[drills["title"].str.contains("Peace Mission", regex=False)]
    rows = []
    for drill in drills.itertuples():
        members = data.members("SCO", on=drill.start_date)
        took_part = set(str(drill.countries).split(";")) & set(members["iso3"])
        not_listed = members.loc[~members["iso3"].isin(took_part), "name"]
        rows.append(
            {
                "year": drill.start_date.year,
                "exercise": drill.title,
                "SCO members taking part": len(took_part),
                "SCO members then": len(members),
                "members not listed": ", ".join(not_listed) or "—",
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- expected answers


# q1's variants: days on both sides of Uzbekistan's exit (1999), return (2006) and suspension (2012)
CSTO_QUESTION_DATES = ["1995-01-01", "2001-01-01", "2008-01-01", "2011-06-30", "2015-01-01", "2019-06-30"]

# q3's variants: organisations where some states on the as-of date have a status other than member
# (observer, partner, guest, associate, suspended, frozen), so counting every row is the slip to catch
MEMBER_COUNT_ORGS = ["SCO", "CSTO", "CIS", "EAEU", "OTS", "CICA"]

# q5's variants (state, organisation): each has member spells and spells with another status
SPELL_QUESTIONS = [("UZB", "CSTO"), ("ARM", "CSTO"), ("TKM", "CIS"), ("BLR", "SCO"), ("IND", "SCO"),
                   ("IRN", "SCO"), ("BGD", "CICA"), ("LKA", "CICA")]

# q6's variants (organisation, day after which a new member spell counts; None = its founding day),
# each with non-member spells after that day, so status == 'member' matters
ENLARGEMENT_QUESTIONS = [("SCO", None), ("SCO", "2018-01-01"), ("SCO", "2023-12-31"), ("EAEU", None),
                         ("OTS", None), ("CICA", "2005-01-01"), ("CICA", "2012-01-01")]

# q8's variants: two organisations whose Central Asian members on the as-of date overlap only in part
TWO_CLUBS = [("CSTO", "EAEU"), ("SCO", "OTS"), ("CSTO", "SCO"), ("CIS", "OTS"), ("CIS", "SCO"), ("SCO", "EAEU"),
             ("CSTO", "OTS"), ("CIS", "CAHS")]

# q9's variants (organisation, day): days before the organisation's latest change of membership,
# so that today's members are a wrong answer
MAP_QUESTIONS = [("SCO", "2020-01-01"), ("SCO", "2010-01-01"), ("SCO", "2023-12-31"), ("CSTO", "1995-01-01"),
                 ("CSTO", "2010-01-01"), ("EAEU", "2015-06-01"), ("OTS", "2015-01-01"), ("CIS", "2000-01-01")]


def _csto_central_asian_members(date=CSTO_QUESTION_DATE):
    members = _data().members("CSTO", on=date)
    return [code for code in members["iso3"] if code in _data().central_asia()]


def _member_count(org="SCO"):
    data = _data()
    return len(data.members(org, on=data.AS_OF))


def _all_statuses_count(org="SCO"):
    data = _data()
    return len(data.members(org, on=data.AS_OF, status=None))


def _member_spells(iso3="UZB", org="CSTO", **_):
    """How many of ``iso3``'s spells in ``org`` have status 'member' (q5)."""
    spells = _data().load("memberships")
    chosen = (spells["organization_id"] == org) & (spells["iso3"] == iso3) & (spells["status"] == "member")
    return int(chosen.sum())


def _all_spells(iso3="UZB", org="CSTO", **_):
    """How many spells ``iso3`` has in ``org``, whatever their status (q5's usual slip)."""
    spells = _data().load("memberships")
    return int(((spells["organization_id"] == org) & (spells["iso3"] == iso3)).sum())


def _spell_question(rng) -> dict:
    iso3, org = rng.choice(SPELL_QUESTIONS)
    return {"country": _data().country_name(iso3), "iso3": iso3, "org": org, "org_text": org}


def _enlargement(org="SCO", after=SCO_FOUNDED, **_):
    spells = _data().load("memberships")
    chosen = (spells["organization_id"] == org) & (spells["status"] == "member") & (spells["start_date"] > after)
    return spells.loc[chosen, ["iso3", "start_date"]].sort_values(["start_date", "iso3"]).reset_index(drop=True)


def _enlargement_question(rng) -> dict:
    org, after = rng.choice(ENLARGEMENT_QUESTIONS)
    if after is None:  # counted from the founding day, as recorded in data/organizations.csv
        founded = _data().load("organizations").set_index("id").at[org, "founded"]
        after = founded.date().isoformat() if hasattr(founded, "date") else str(founded)[:10]
        return {"org": org, "after": after, "when": f"the founding day ({after})"}
    return {"org": org, "after": after, "when": after}


def _members_on(org, day) -> set[str]:
    return set(_data().members(org, on=day)["iso3"])


def _enlargement_founders(got, org, after) -> set[str]:
    """States of ``got`` that were already members of ``org`` on the day ``after`` (not enlargement)."""
    return set(got["iso3"]) & _members_on(org, after)


def _enlargement_other_status(got, expected, org, after) -> bool:
    """True when the extra states of ``got`` only had another status in ``org`` after the day ``after``."""
    extra = set(got["iso3"]) - set(expected["iso3"])
    if not extra:
        return False
    spells = _data().load("memberships")
    later = spells.loc[(spells["organization_id"] == org) & (spells["start_date"] > after)]
    return extra <= set(later.loc[later["status"] != "member", "iso3"])


def _central_asians_in_both(first="CSTO", second="EAEU", **_):
    data = _data()
    both = _members_on(first, data.AS_OF) & _members_on(second, data.AS_OF)
    return sorted(both & set(_data().central_asia()))


def _two_clubs_question(rng) -> dict:
    first, second = rng.choice(TWO_CLUBS)
    name = _data().load("organizations").set_index("id").at[second, "name"]
    return {"first": first, "second": second, "second_name": f"{name} ({second})"}


def _in_first_only(code, first, second) -> bool:
    data = _data()
    return code in _members_on(first, data.AS_OF) and code not in _members_on(second, data.AS_OF)


def _members_on_map_date(org="SCO", date=SCO_MAP_DATE):
    return list(_data().members(org, on=date)["iso3"])


def _map_layer(org="SCO", **_):
    return [f"{org} members"]


def _has(code):
    return lambda got: code in got


def _shaded(folium_map) -> frozenset[str]:
    """ISO3 codes of the states drawn in a map's GeoJson layers (as MapQuestion sees them)."""
    import folium

    from casecurity.exercises import feature_countries as _feature_countries
    from casecurity.exercises import walk_elements as _walk

    codes = set()
    for element in _walk(folium_map):
        if isinstance(element, folium.GeoJson):
            codes |= _feature_countries(getattr(element, "data", None))
    return frozenset(codes)


def _any_status_on_map_date(org="SCO", date=SCO_MAP_DATE):
    return frozenset(_data().members(org, on=date, status=None)["iso3"])


def _extra_are_non_members(shaded: frozenset[str], org="SCO", date=SCO_MAP_DATE) -> bool:
    """True when the map holds every member plus only states with a non-member status that day."""
    members = frozenset(_members_on_map_date(org, date))
    extra = shaded - members
    return bool(extra) and members <= shaded and extra <= _any_status_on_map_date(org, date)


def _members_today(org="SCO", **_):
    data = _data()
    return frozenset(data.members(org, on=data.AS_OF)["iso3"])


def _asks_sco_2020() -> bool:
    """True when q9 is on its default variant (the SCO on 2020-01-01), whose mistakes name that year's facts."""
    return (q9.params["org"], q9.params["date"]) == ("SCO", SCO_MAP_DATE)


# --------------------------------------------------------------------------- questions

q1 = CountrySetQuestion(
    "Which Central Asian states were members of the CSTO on {date}? "
    "Give names or ISO3 codes.",
    expected=_csto_central_asian_members,
    params=lambda rng: {"date": rng.choice(CSTO_QUESTION_DATES)},
    default_params={"date": CSTO_QUESTION_DATE},
    hints=[
        "data.members('CSTO', on='{date}') lists the member spells active that day.",
        "Keep only the five Central Asian states: data.load('countries') has a 'group' column "
        "('central_asia'). Watch the status column: only 'member' counts.",
    ],
    mistakes=[
        (lambda got, expected: "UZB" in got and "UZB" not in expected,
         "Uzbekistan was not a CSTO member on {date}: it let the treaty lapse in 1999, came back in 2006, "
         "and its membership was suspended on 19 December 2012 (its spell after that has status 'suspended')."),
        (_has("TKM"), "Turkmenistan has never joined the CSTO: its permanent neutrality rules out "
                      "military blocs."),
        (lambda got: bool(got & {"RUS", "BLR", "ARM"}), "Russia, Belarus and Armenia were members, "
                                                        "but the question asks only for Central Asian states."),
    ],
)

q2 = ChoiceQuestion(
    "Which statement about the CSTO's dates is right?",
    options={
        "a": "The treaty was signed in 1992; the organisation was set up in 2002–2003 (Charter signed "
             "in Chisinau, 2002).",
        "b": "The CSTO was founded in Tashkent on 15 May 1992 by six states, and its membership has not "
             "changed since then.",
        "c": "The CSTO was founded in Shanghai on 15 June 2001, together with the SCO, as the military "
             "wing of the Shanghai Five.",
        "d": "The treaty and the organisation were both signed in Chisinau on 7 October 2002; nothing "
             "was signed in 1992.",
    },
    answer="a",
    explanations={
        "a": "Right: treaty 1992, organisation 2002 (Charter signed in Chisinau on 7 October 2002) and "
             "2003 (in force 18 September 2003).",
        "b": "This is the common mix-up: 1992 is the treaty (signed in Tashkent by six states, "
             "including Uzbekistan but not Belarus); the organisation came ten years later, and "
             "membership has changed several times.",
        "c": "2001 and Shanghai are the SCO's founding year and city; the CSTO has nothing to do with "
             "them.",
        "d": "Only the Charter was signed in Chisinau in 2002; the treaty is ten years older (15 May "
             "1992).",
    },
    hints=["Two different things share the name: a treaty and an organisation built on it.",
           "Look for the option that gives two dates."],
)

q3 = ValueQuestion(
    "How many {org} member states are there as of the dataset's as-of date (data.AS_OF)? "
    "Give a number.",
    expected=_member_count,
    params=lambda rng: {"org": rng.choice(MEMBER_COUNT_ORGS)},
    default_params={"org": "SCO"},
    hints=[
        "data.members('{org}', on=data.AS_OF) uses status='member' by default.",
        "len(...) of that table is the answer; observers, partners and guests are not members.",
    ],
    mistakes=[
        # facts about the SCO's own history: only for the SCO variant
        (lambda got: q3.params["org"] == "SCO" and got == _all_statuses_count("SCO"),
         "You counted every status: partners (former observers and dialogue partners) and "
         "Turkmenistan as a guest are not members. Keep status == 'member'."),
        (lambda got: q3.params["org"] == "SCO" and got == 6,
         "Six is the number of founders (2001); the SCO has enlarged since then."),
        (lambda got: q3.params["org"] == "SCO" and got == 8, "Eight was the count after India and Pakistan joined "
                                                            "in 2017; Iran (2023) and Belarus (2024) joined later."),
        (lambda got: q3.params["org"] == "SCO" and got == 9,
         "Nine was the count after Iran joined in 2023; Belarus joined on 4 July 2024."),
        (lambda got: got == _all_statuses_count(q3.params["org"]),
         "You counted every status: observers, partners, guests, associates and suspended or frozen "
         "members are not members. Keep status == 'member'."),
    ],
)

q4 = ChoiceQuestion(
    "What does Article 4 of the 1992 Collective Security Treaty require when a member is attacked?",
    options={
        "a": "Every other member must send troops automatically, within 24 hours, with no further "
             "decision by anyone.",
        "b": "Members must help a member government put down any internal unrest or protest whenever "
             "that government asks.",
        "c": "Aggression against one counts as aggression against all, and the others give necessary "
             "help, including military.",
        "d": "Members only have to consult each other when one is attacked; the treaty rules out any "
             "military assistance.",
    },
    answer="c",
    explanations={
        "a": "Nothing in Article 4 is automatic or has a deadline: assistance is decided collectively.",
        "b": "Article 4 is about aggression by another state. Kazakhstan's 2022 request was framed "
             "under Article 4, but that was the Council's reading, not what the article says.",
        "c": "Right: the pledge is broad (under Article 51 of the UN Charter), but in practice any "
             "collective response needs a decision of the Collective Security Council, which is why "
             "requests in 2010 and 2022 could be turned down or answered with monitors.",
        "d": "Consultation is Article 2; Article 4 explicitly mentions military assistance.",
    },
    hints=["Article 4 is modelled on collective self-defence under the UN Charter (Article 51).",
           "Remember what happened when Armenia invoked it in 2022: who decides?"],
)

q5 = ValueQuestion(
    "In how many separate spells was {country} a *member* (status 'member') of the {org_text}? "
    "Give a number.",
    expected=_member_spells,
    params=_spell_question,
    default_params={"country": "Uzbekistan", "iso3": "UZB", "org": "CSTO", "org_text": "CSTO system"},
    hints=[
        "Filter data.load('memberships') for organization_id '{org}' and iso3 '{iso3}'.",
        "Then keep status == 'member' and count the rows; a spell with another status ('suspended', "
        "'observer' ...) is not membership.",
    ],
    mistakes=[
        # Uzbekistan's own CSTO story: only for that variant
        (lambda got: (q5.params["iso3"], q5.params["org"]) == ("UZB", "CSTO") and got == 3,
         "Three counts the 'suspended' spell (from 19 Dec 2012) as membership. "
         "Uzbekistan left twice (1999, 2012) but came back only once (2006)."),
        (lambda got: (q5.params["iso3"], q5.params["org"]) == ("UZB", "CSTO") and got == 1,
         "Uzbekistan's participation lapsed in 1999 and was restored in 2006: look at every CSTO row for UZB."),
        (lambda got, expected: got == _all_spells(**q5.params) != expected,
         "You counted every {org} spell of {country}, whatever its status: keep status == 'member'."),
    ],
)

q6 = TableQuestion(
    "Build a table of the {org}'s enlargement: one row per state that became a full member after "
    "{when}, with the columns 'iso3' and 'start_date' (the day its member spell began).",
    expected=_enlargement,
    key="iso3",
    columns=["iso3", "start_date"],
    params=_enlargement_question,
    default_params={"org": "SCO", "after": SCO_FOUNDED, "when": f"the founding day ({SCO_FOUNDED})"},
    hints=[
        "Start from data.load('memberships') and keep organization_id == '{org}' and status == 'member'.",
        "Keep rows whose start_date is after '{after}', then select [['iso3', 'start_date']].",
    ],
    mistakes=[
        (lambda got, expected: got["iso3"].duplicated().any() and not expected["iso3"].duplicated().any(),
         "A state appears twice: you kept its observer or dialogue-partner spell as well. "
         "Keep status == 'member'."),
        (lambda got: q6.params["org"] == "SCO" and _enlargement_founders(got, "SCO", q6.params["after"]) == {"UZB"},
         "Uzbekistan joined the Shanghai Five on 14 June 2001 but is a founding member of the SCO "
         "(15 June 2001), not an enlargement."),
        (lambda got: bool(_enlargement_founders(got, q6.params["org"], q6.params["after"])),
         "Founding members, and states that were already members on {after}, are not enlargement: "
         "keep start_date after {after}."),
        (lambda got, expected: _enlargement_other_status(got, expected, q6.params["org"], q6.params["after"]),
         "Some of your states only had another status after {after} (observer, partner, dialogue partner ...): "
         "keep status == 'member'."),
    ],
)

q7 = ChoiceQuestion(
    "Why is the SCO not a defence alliance?",
    options={
        "a": "Because India and Pakistan joined in 2017, and its Charter forbids alliances between "
             "members with border disputes.",
        "b": "Because it has no permanent bodies: it is only a yearly summit of heads of state, with no "
             "secretariat or staff.",
        "c": "Because its Charter forbids its members to hold joint military exercises with each other "
             "or with outsiders.",
        "d": "Because its Charter has no mutual-defence clause; its security work targets terrorism, "
             "separatism and extremism.",
    },
    answer="d",
    explanations={
        "a": "The Charter has no such rule, and the SCO was not an alliance before 2017 either.",
        "b": "It has two permanent bodies: the Secretariat in Beijing and RATS in Tashkent.",
        "c": "No such ban exists: SCO members exercise together in the Peace Mission counter-terrorism "
             "drills.",
        "d": "Right: no Article-4-style pledge exists in the SCO Charter; its security work is "
             "coordination against terrorism, separatism and extremism (RATS in Tashkent) and joint "
             "'Peace Mission' exercises, and its officials stress it 'is not a military bloc'.",
    },
    hints=["Compare the SCO Charter's Article 1 (goals and tasks) with Article 4 of the CSTO treaty.",
           "What do the Peace Mission exercises rehearse?"],
)

q8 = CountrySetQuestion(
    "Which Central Asian states were members of both the {first} and the {second_name} "
    "on the dataset's as-of date (data.AS_OF)?",
    expected=_central_asians_in_both,
    params=_two_clubs_question,
    default_params={"first": "CSTO", "second": "EAEU", "second_name": "Eurasian Economic Union (EAEU)"},
    hints=[
        "Take the member iso3 codes of each organisation with data.members(org, on=data.AS_OF).",
        "Intersect the two sets (set(a) & set(b)), then keep the Central Asian states.",
    ],
    mistakes=[
        (lambda got: "TJK" in got and _in_first_only("TJK", q8.params["first"], q8.params["second"]),
         "Tajikistan is in the {first} but not in the {second}."),
        # the facts below are about the CSTO and the EAEU: only for that variant
        (lambda got: (q8.params["first"], q8.params["second"]) == ("CSTO", "EAEU") and "UZB" in got,
         "Uzbekistan is only an EAEU observer (since Dec 2020), and its CSTO membership is suspended."),
        (lambda got: (q8.params["first"], q8.params["second"]) == ("CSTO", "EAEU") and "TKM" in got,
         "Turkmenistan belongs to neither: its neutrality keeps it out of both blocs."),
        (lambda got: bool(got - set(_data().central_asia())), "Only Central Asian states are asked for."),
        (lambda got, expected: bool(got - set(expected)),
         "At least one of your states was not a member of both on that day (observer, associate, guest or "
         "suspended is not membership): keep the states in both sets."),
    ],
)

q9 = MapQuestion(
    "Draw a folium map of the {org}'s member states on {date}: shade exactly those states in a "
    "GeoJson layer inside a folium.FeatureGroup named '{org} members', and centre the map on Central Asia.",
    layers=_map_layer,
    shaded=_members_on_map_date,
    params=lambda rng: dict(zip(("org", "date"), rng.choice(MAP_QUESTIONS), strict=True)),
    default_params={"org": "SCO", "date": SCO_MAP_DATE},
    hints=[
        "data.members('{org}', on='{date}') gives the members; data.countries_geo() the shapes "
        "(each feature has properties['iso3']).",
        "Keep the features whose iso3 is a member, wrap them in {{'type': 'FeatureCollection', "
        "'features': [...]}}, add folium.GeoJson(...) to folium.FeatureGroup(name='{org} members'), "
        "add the group to folium.Map(location=[45, 65], zoom_start=3).",
    ],
    mistakes=[
        (lambda got: hasattr(got, "alt_text"),
         "maps.membership_map draws every country of the region (non-members in grey) in one layer; "
         "for this task build your own layer that holds only the members."),
        # the SCO's enlargement after 2020: only for the default variant
        (lambda got: _asks_sco_2020() and _shaded(got) == _members_today("SCO"),
         "You shaded today's members (data.AS_OF); the question asks for {date}, "
         "before Iran (2023) and Belarus (2024) joined."),
        (lambda got: _shaded(got) == _members_today(q9.params["org"]) != frozenset(_members_on_map_date(**q9.params)),
         "You shaded today's members (data.AS_OF); the question asks for the members on {date}."),
        (lambda got: _asks_sco_2020() and _extra_are_non_members(_shaded(got)),
         "You shaded states that only had another SCO status that day: observers, dialogue partners "
         "and guests (e.g. Afghanistan, Belarus, Iran, Mongolia in 2020) are not members."),
        (lambda got: _extra_are_non_members(_shaded(got), **q9.params),
         "You shaded states that only had another {org} status on {date} (observer, dialogue partner, "
         "guest, associate, suspended ...): they are not members."),
    ],
)

MODEL_ANSWER = (
    "On paper, yes: Article 4 of the 1992 treaty treats aggression against one member as aggression "
    "against all and promises assistance, including military. In practice the pledge works only when "
    "the Collective Security Council decides to act, and the record is uneven. In June 2010 Kyrgyzstan's "
    "interim government asked Russia for troops during the Osh violence; Moscow called it an internal "
    "conflict and the CSTO held consultations instead. In September 2022 Armenia invoked Article 4 after "
    "Azerbaijani attacks on its territory and received only a fact-finding and monitoring mission; "
    "Armenia froze its participation in 2024. The one real deployment, Kazakhstan in January 2022 "
    "(about 2,030 troops, ~2,500 announced, gone within two weeks), answered domestic unrest framed as "
    "outside-backed terrorism, not an external attack. So the CSTO behaves less like a collective-defence "
    "alliance than like a Russian-led instrument for regime security, used when Moscow and the other "
    "members agree, and its Central Asian members hedge through the SCO and bilateral ties."
)

q10 = ReflectionQuestion(
    "Is the CSTO a collective-defence alliance in practice? Answer in 120–250 words, using the "
    "Kyrgyzstan 2010, Armenia 2022 and Kazakhstan 2022 cases.",
    model_answer=MODEL_ANSWER,
    rubric=[
        "States what Article 4 promises and that a Collective Security Council decision is needed.",
        "Uses Kyrgyzstan 2010 correctly (request to Russia refused; consultations only).",
        "Uses Armenia 2022 correctly (Article 4 invoked; monitoring mission, no troops).",
        "Uses Kazakhstan 2022 correctly (first deployment; domestic unrest; ~2,030 deployed vs ~2,500 "
        "announced; withdrawn by 19 January).",
        "Reaches a reasoned verdict that distinguishes the treaty text from practice.",
    ],
    min_words=80,
    hints=["Start with what Article 4 says, then test it against each case.",
           "Ask in each case: who asked, for what, who decided, and what was sent?"],
)

q11 = ReflectionQuestion(
    (
        'Judgement essay (250-450 words). Is the Shanghai Cooperation Organization a security '
        'organisation? Judge its stated aims against its instruments (the Regional Anti-Terrorist '
        'Structure, the Peace Mission exercises) and its record, and say what enlargement since '
        '2017 has done to it. State a verdict, give evidence for and against, and say what '
        'evidence would change your mind.'
    ),
    model_answer=(
        "The SCO is a security organisation in a narrow sense: it coordinates its members' fight "
        'against what it calls terrorism, separatism and extremism, but it is not a defence '
        'alliance, and enlargement has made even the narrow role thinner. '
        'By its own aims it is a security body. Its anti-terrorist structure, RATS, sits in '
        'Tashkent and keeps shared lists and coordinates security services. Its Peace Mission '
        'exercises rehearse counter-terrorist operations. But its officials stress that it is not '
        'a military bloc, its Charter contains no promise of help to a member under attack, and '
        'its exercises show how voluntary the military side is: Uzbekistan sent only officers in '
        '2007, stayed away from 2010 to 2016 and took part again in 2021. '
        'Its record points the same way. When members faced crises - inter-ethnic violence in '
        "southern Kyrgyzstan in 2010, or the Taliban's return in 2021 - no SCO force acted, and "
        'its response stayed at the level of statements and meetings. That is consistent with an '
        'organisation whose real product is mutual support between governments for their own '
        'security against domestic challengers. '
        'Enlargement cuts both ways. With India and Pakistan (2017), Iran (2023) and Belarus '
        '(2024) the SCO has ten members and more weight as a diplomatic forum, but members in '
        'open rivalry, India and Pakistan above all, make joint operations and even shared threat '
        'lists harder, so the security core shrinks as the membership grows. '
        'My verdict would change if the SCO agreed a binding mechanism of joint action in a '
        'crisis, or if RATS were shown to run joint operations rather than exchange information; '
        'the data would show the first as a new treaty coded defense or consultation for the SCO.'
    ),
    rubric=[
        ('Gives a clear verdict and the criterion it judges by (stated aims, instruments, record).', 2),
        ("Uses at least three pieces of evidence from the lesson or the data (RATS, Peace Mission, membership dates, Uzbekistan's pattern of participation, 'not a military bloc').", 2),
        ('Weighs evidence on both sides and judges what enlargement (India and Pakistan 2017, Iran 2023, Belarus 2024) does to cohesion.', 2),
        ('Names evidence that would change the verdict, concretely enough to check.', 2),
    ],
    hints=[
        'Separate three tests: what the Charter and its officials say the SCO is for, which tools it has, and what it did when its members faced a crisis.',
        "data.members('SCO') gives the membership spells; the lesson's section on the SCO has RATS and the Peace Mission exercises.",
    ],
)

# Practice questions for the lesson's 'Check your understanding' quizzes: not graded, not in the
# exercise set (casecurity.practice).
PRACTICE = practice_set(
    p1=ChoiceQuestion(
        "What is the SCO's Regional Anti-Terrorist Structure (RATS)?",
        options={
            'a': "The CSTO's rapid-reaction force for unrest inside its member states",
            'b': 'A Russian-led border force on the Tajik-Afghan frontier',
            'c': "The joint command of the SCO's Peace Mission exercises",
            'd': "The SCO's permanent body for security cooperation, in Tashkent",
        },
        answer='d',
        explanations={
            'a': "The CSTO's forces are a separate thing; RATS belongs to the SCO.",
            'b': 'Border protection is national; RATS is an SCO body that coordinates security services.',
            'c': "The Peace Mission exercises are run by the members' armed forces; RATS coordinates security services.",
            'd': "Right: RATS, in Tashkent, coordinates the members' security services against what the SCO calls terrorism, separatism and extremism.",
        },
    ),
    p2=ChoiceQuestion(
        'Turkmenistan takes part in which of these formats?',
        options={
            'a': 'The CSTO, as a member with frozen participation',
            'b': 'The C5+1 with the United States, as one of the five',
            'c': 'The SCO, as a full member since its founding in 2001',
            'd': 'The Eurasian Economic Union, as an observer state',
        },
        answer='b',
        explanations={
            'a': 'Turkmenistan never joined the CSTO; Armenia is the member that froze its participation.',
            'b': 'Right: the C5+1 brings all five Central Asian states together with the United States; neutrality does not bar it.',
            'c': 'Turkmenistan is not an SCO member; it attends only as a guest.',
            'd': 'Turkmenistan is not an observer of the Eurasian Economic Union; its neutrality keeps it out of such blocs.',
        },
    ),
    p3=ChoiceQuestion(
        "What does NATO's Partnership for Peace (PfP) give the Central Asian states that joined it?",
        options={
            'a': 'Practical cooperation with NATO without a defence guarantee',
            'b': "NATO's Article 5 guarantee in return for hosting NATO bases",
            'c': 'Membership of NATO after a probation period',
            'd': "A vote on the North Atlantic Council's decisions",
        },
        answer='a',
        explanations={
            'a': 'Right: PfP is a programme of practical cooperation with NATO (training, exercises, disaster response) with no defence pledge.',
            'b': 'Article 5 protects NATO members only; partners get no guarantee.',
            'c': 'PfP does not lead to membership by itself.',
            'd': 'Partners have no seat or vote in the North Atlantic Council.',
        },
    ),
)

define_lesson(__name__, title="Alliances: the CSTO, the SCO and the rest", notebook="02_alliances")
