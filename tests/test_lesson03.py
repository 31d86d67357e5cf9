"""Lesson 03 (treaties): every question accepts its reference answer and rejects realistic wrong ones.

Reference answers are computed here straight from the CSV files with pandas (not through
``casecurity.data.treaties``), or come from facts checked against sources:

- the Collective Security Treaty's Article 4 (odkb.gov.ru/b/azbengl.htm; pavlodar.com/zakon/?dok=00542),
- the 2002 US-Uzbek declaration's "grave concern" wording (2001-2009.state.gov/r/pa/prs/ps/2002/8736.htm),
- the Russia-Uzbekistan allied-relations treaty of 14 Nov 2005 ("help each other when faced with
  military threats", staging.rferl.org/a/1067830.html), Uzbekistan's only defence treaty,
- UNGA resolution of 12 Dec 1995 on Turkmenistan's neutrality (presidentniyazov.tripod.com/id44.html).
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pandas as pd
import pytest

from casecurity import data
from casecurity.exercises import lesson03 as ex

REPO = Path(__file__).resolve().parent.parent
CENTRAL_ASIA = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """Real data/, a throwaway progress file, no grader log."""
    monkeypatch.delenv("CASECURITY_DATA", raising=False)
    monkeypatch.delenv("CASECURITY_RESULTS", raising=False)
    monkeypatch.setenv("CASECURITY_PROGRESS", str(tmp_path / "progress.json"))


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _codes(cell: str) -> set[str]:
    return {c for c in cell.split(";") if c}


def _day(text: str):
    return pd.Timestamp(text) if text else None


def _bound_on(day: pd.Timestamp) -> pd.DataFrame:
    """treaties in force on ``day`` with the parties bound that day, computed from the CSVs."""
    treaties = _csv("treaties")
    parties = _csv("treaty_parties")
    in_force = dict(zip(treaties["id"], treaties["in_force_date"], strict=True))
    rows = []
    for t in treaties.itertuples():
        start, end = _day(t.in_force_date), _day(t.end_date)
        if start is None or start > day or (end is not None and day >= end):
            continue
        bound = set()
        for p in parties.loc[parties["treaty_id"] == t.id].itertuples():
            since = _day(p.joined_date) or _day(in_force[t.id])
            left = _day(p.left_date)
            if since is not None and since <= day and (left is None or day < left):
                bound.add(p.iso3)
        rows.append({"id": t.id, "obligations": t.obligations, "bound": bound})
    return pd.DataFrame(rows)


def _status(result) -> str:
    return result.status


# ------------------------------------------------------------------------------------------- q1


def test_q1_neutrality_rests_on_a_general_assembly_resolution():
    assert "General Assembly" in ex.q1.options["c"] and ex.q1.check("c").status == "correct"
    wrong = ex.q1.check("a")
    assert wrong.status == "incorrect" and "No such treaty" in wrong.message
    assert "Security Council was not involved" in ex.q1.check("b").message
    # the dataset agrees: the row is a resolution coded neutrality, with Turkmenistan alone as party
    row = _csv("treaties").set_index("id").loc["tkm_neutrality_1995"]
    assert "resolution" in row["name"].lower() and _codes(row["obligations"]) == {"neutrality"}


# ------------------------------------------------------------------------------------------- q2


def _russian_partner_counts() -> pd.Series:
    treaties = _csv("treaties")
    parties = _csv("treaty_parties")
    bilateral = set(treaties.loc[treaties["kind"] == "bilateral", "id"])
    with_russia = set(parties.loc[parties["iso3"] == "RUS", "treaty_id"]) & bilateral
    others = parties.loc[parties["treaty_id"].isin(with_russia) & (parties["iso3"] != "RUS")]
    return others.drop_duplicates(["treaty_id", "iso3"])["iso3"].value_counts()


def test_q2_top_russian_partner_accepts_code_and_name():
    counts = _russian_partner_counts()
    top = counts.index[0]
    assert counts.iloc[0] > counts.iloc[1], "the question needs a single leader"
    assert ex.q2.check(top).status == "correct"
    assert ex.q2.check(data.country_name(top).upper()).status == "correct"


def test_q2_wrong_answers_get_targeted_messages():
    assert "Russia is the partner" in ex.q2.check("Russia").message
    runner_up = _russian_partner_counts().index[1]
    if runner_up == "TJK":
        assert "declarations included" in ex.q2.check("Tajikistan").message
    assert ex.q2.check("UZB").status == "incorrect"
    assert ex.q2.check(f" {_russian_partner_counts().index[0].lower()} ").status == "correct"  # case, spaces


# ------------------------------------------------------------------------------------------- q3


def test_q3_pledge_is_in_article_4_of_the_1992_treaty():
    assert ex.q3.options["b"].startswith("Article 4") and ex.q3.check("b").status == "correct"
    charter = ex.q3.check("a")
    assert charter.status == "incorrect" and "founded in 1992" in charter.message
    treaties = _csv("treaties").set_index("id")
    assert "defense" in _codes(treaties.at["cst_1992", "obligations"])
    assert "defense" not in _codes(treaties.at["csto_charter_2002", "obligations"])


# ------------------------------------------------------------------------------------------- q4


def test_q4_uzbek_defence_partner_is_russia_only():
    # Verified fact (RFE/RL 2006): the 2005 allied-relations treaty obliges Russia and Uzbekistan to help
    # each other; the US and China documents are not defence pacts.
    assert ex.q4.check(["Russia"]).status == "correct"
    assert ex.q4.check("RUS").status == "correct"
    # and the CSV agrees
    treaties = _csv("treaties")
    parties = _csv("treaty_parties")
    defence = set(
        treaties.loc[
            (treaties["kind"] == "bilateral") & treaties["obligations"].map(lambda c: "defense" in _codes(c)),
            "id",
        ]
    )
    uzb = set(parties.loc[parties["iso3"] == "UZB", "treaty_id"]) & defence
    partners = set(parties.loc[parties["treaty_id"].isin(uzb), "iso3"]) - {"UZB"}
    assert partners == {"RUS"}


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (["Russia", "United States"], "grave concern"),
        (["RUS", "CHN"], "none is a defence pact"),
        (["Russia", "Kazakhstan"], "called 'allied'"),
        (["RUS", "UZB"], "Leave Uzbekistan itself out"),
    ],
)
def test_q4_seed_errors_are_named(answer, fragment):
    result = ex.q4.check(answer)
    assert result.status == "incorrect" and fragment in result.message


# ------------------------------------------------------------------------------------------- q5


def test_q5_declaration_gives_no_guarantee():
    assert "grave concern" in ex.q5.options["d"] and ex.q5.check("d").status == "correct"
    assert "2002 text" in ex.q5.check("b").message
    assert "Who signs does not decide" in ex.q5.check("a").message
    assert _codes(_csv("treaties").set_index("id").at["usa_uzb_declaration_2002", "obligations"]) >= {
        "declaration"
    }


# ------------------------------------------------------------------------------------------- q6


def _q6_reference() -> pd.DataFrame:
    frame = _bound_on(pd.Timestamp(data.AS_OF))
    keep = frame["obligations"].map(lambda c: bool(_codes(c) & {"defense", "basing"})) & frame["bound"].map(
        lambda b: bool(b & CENTRAL_ASIA)
    )
    return frame.loc[keep, ["id", "obligations"]].reset_index(drop=True)


def test_q6_reference_table_is_correct():
    reference = _q6_reference()
    assert "cst_1992" in set(reference["id"])  # Article 4 binds KAZ, KGZ, TJK today
    assert ex.q6.check(reference).status == "correct"
    # row order does not matter
    assert ex.q6.check(reference.iloc[::-1]).status == "correct"


def test_q6_expired_base_agreement_is_flagged():
    reference = _q6_reference()
    expired = _csv("treaties").set_index("id").loc["usa_uzb_k2_sofa_2001"]
    assert pd.Timestamp(expired["end_date"]) <= pd.Timestamp(data.AS_OF)
    wrong = pd.concat([reference, pd.DataFrame([{"id": "usa_uzb_k2_sofa_2001", "obligations": "basing"}])])
    result = ex.q6.check(wrong)
    assert result.status == "incorrect" and "expired" in result.message


def test_q6_treaty_without_entry_into_force_is_flagged():
    reference = _q6_reference()
    row = _csv("treaties").set_index("id").loc["rus_uzb_allied_relations_2005"]
    if row["in_force_date"]:
        pytest.skip("the dataset now records its entry into force")
    wrong = pd.concat(
        [reference, pd.DataFrame([{"id": "rus_uzb_allied_relations_2005", "obligations": "defense"}])]
    )
    result = ex.q6.check(wrong)
    assert result.status == "incorrect" and "no entry-into-force date" in result.message


def test_q6_series_and_missing_rows():
    reference = _q6_reference()
    assert "Series" in ex.q6.check(reference["id"]).message
    assert "missing" in ex.q6.check(reference.iloc[1:]).message


# ------------------------------------------------------------------------------------------- q7


# Codes worked out here from the excerpts' own words with the ATOP definitions: Art 1 CST renounces force
# (nonaggression), Art 2 promises joint consultations on a threat (consultation), Art 4 promises assistance
# including military (defense); the Kazakh-Uzbek treaty promises consultations and peaceful measures on a
# threat of attack (consultation) and denies its territory to an aggressor (neutrality); "grave concern"
# promises nothing (none); the China-Central Asia treaty renounces force (nonaggression), bars support to
# hostile actions (neutrality) and widens defence cooperation (none); the 2004 Kazakh-Russian agreement
# plans the use of troops without a promise of help (none).
WORKSHOP_KEY = {"E1": "nonaggression", "E2": "consultation", "E3": "defense", "E4": "consultation",
                "E5": "neutrality", "E6": "none", "E7": "nonaggression", "E8": "neutrality", "E9": "none",
                "E10": "none"}


def test_q7_workshop_excerpts_cite_official_or_named_texts():
    assert [item["id"] for item in ex.EXCERPTS] == [f"E{n}" for n in range(1, 11)]
    for item in ex.EXCERPTS:
        assert item["url"].startswith("http") and item["document"] and item["article"]
        quoted = re.findall(r'"([^"]+)"', item["text"])
        assert all(len(q.split()) <= 12 for q in quoted), f"{item['id']}: quote a short phrase at most"
        assert len(item["text"].split()) <= 70, f"{item['id']}: keep each excerpt short"
    documents = " ".join(item["document"] for item in ex.EXCERPTS)
    for needed in ("Collective Security Treaty", "Kazakhstan and Uzbekistan", "United States-Uzbekistan",
                   "China and the five Central Asian states", "Kazakhstan and Russia"):
        assert needed in documents
    assert set(ex.ATOP_DEFINITIONS) == set(ex.ATOP_CODES)


def test_q7_course_coding_is_accepted_in_any_spelling():
    assert ex.q7.check(WORKSHOP_KEY).status == "correct"
    spelled = {key.lower(): value.upper().replace("NONAGGRESSION", "Non-aggression").replace("DEFENSE", "defence")
               for key, value in WORKSHOP_KEY.items()}
    assert ex.q7.check(spelled).status == "correct"


def test_q7_wrong_codings_get_count_and_kappa_not_the_answer():
    wrong = dict(WORKSHOP_KEY, E6="defense", E5="nonaggression")
    result = ex.q7.check(wrong)
    assert result.status == "incorrect"
    assert "8 of 10" in result.message and "kappa" in result.message
    assert "E5" not in result.message and "E6" not in result.message  # which ones differ is for the partner talk
    from casecurity.coding import cohens_kappa
    assert f"{cohens_kappa(wrong, WORKSHOP_KEY):.2f}" in result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ({"E1": "none"}, "has no code yet"),
        (dict(WORKSHOP_KEY, E11="none"), "not one of the excerpts"),
        (dict(WORKSHOP_KEY, E3="alliance"), "not one of the codes"),
        (dict(WORKSHOP_KEY, E3="defens"), "Did you mean 'defense'"),
        (dict(WORKSHOP_KEY, E3=3), "is not a code"),
        ({key: "none" for key in WORKSHOP_KEY}, "3 of 10"),
        (["defense"] * 10, "give a dict"),
    ],
)
def test_q7_malformed_or_lazy_answers(answer, fragment):
    result = ex.q7.check(answer)
    assert result.status == "incorrect" and fragment in result.message


def test_q7_notebooks_do_not_give_the_coding_away():
    """No markdown of the lesson or the exercise set, and no hint, states an excerpt's code."""
    import json

    texts = [_lesson_markdown()]
    for folder, name in (("solutions", "03_treaties_solutions.ipynb"), ("exercises", "03_treaties_exercises.ipynb")):
        notebook = json.loads((REPO / folder / name).read_text(encoding="utf-8"))
        texts.append("\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"))
    texts += ex.q7.hints
    for text in texts:
        for key in WORKSHOP_KEY:
            assert not re.search(rf"\b{key}\b\W{{0,6}}(?:is|=|:|→|->)\s*\W?(?:defen[cs]e|offense|neutrality|"
                                 r"non-?aggression|consultation|none)\b", text, flags=re.I), (key, text[:80])
    exercise = json.loads((REPO / "exercises" / "03_treaties_exercises.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in exercise["cells"] if c["cell_type"] == "code")
    assert '"E5": "neutrality"' not in code and "nonaggression" not in code


# ------------------------------------------------------------------------------------------- q8


def _border_states() -> set[str]:
    frame = _bound_on(pd.Timestamp(data.AS_OF))
    border = frame.loc[frame["obligations"].map(lambda c: "border" in _codes(c))]
    return set().union(*border["bound"]) if len(border) else set()


def _border_map(states: set[str], layer: str = ex.BORDER_LAYER) -> folium.Map:
    countries = _csv("countries").set_index("iso3")
    m = folium.Map(location=[42, 68], zoom_start=4, tiles=None)
    features = [f for f in data.countries_geo()["features"] if f["properties"]["iso3"] in states]
    folium.GeoJson({"type": "FeatureCollection", "features": features}, name="States").add_to(m)
    group = folium.FeatureGroup(name=layer).add_to(m)
    codes = sorted(states)
    for a, b in zip(codes, codes[1:], strict=False):
        points = [
            [float(countries.at[c, "capital_lat"]), float(countries.at[c, "capital_lon"])] for c in (a, b)
        ]
        folium.PolyLine(points).add_to(group)
    return m


def test_q8_reference_map_is_correct():
    states = _border_states()
    assert {"KGZ", "TJK", "UZB"} <= states  # the Khujand junction treaty of 31 Mar 2025 is in force
    assert ex.q8.check(_border_map(states)).status == "correct"


def test_q8_wrong_maps():
    states = _border_states()
    with_china = ex.q8.check(_border_map(states | {"CHN"}))
    assert with_china.status == "incorrect" and "China's border agreements" in with_china.message
    assert "Turkmenistan has no border treaty" in ex.q8.check(_border_map(states | {"TKM"})).message
    unnamed = ex.q8.check(_border_map(states, layer="Lines"))
    assert unnamed.status == "incorrect" and "Border treaties" in unnamed.message
    assert "folium.Map" in ex.q8.check(data.treaties(obligation="border")).message


# ------------------------------------------------------------------------------------------- q9


def test_q9_reflection_is_submitted_not_graded():
    result = ex.q9.check(ex.LESSON.questions["q9"].model_answer)
    assert result.status == "submitted" and "Model answer" in result.details
    assert ex.q9.check(" ".join(["word"] * 160)).status == "needs_more"  # one word repeated (issue #11)
    assert "at least" in ex.q9.check("Too short.").message


def test_q10_coding_memo_rubric_and_weak_answers():
    assert ex.q10.points == 8 and len(ex.LESSON.questions["q10"].criteria) == 4
    question = ex.LESSON.questions["q10"]
    assert (question.min_words, question.max_words) == (300, 450)
    assert ex.q10.check(ex.LESSON.questions["q10"].model_answer).status == "submitted"
    weak = "We agreed on most of them and the treaties are alliances because they say allied in the title. " * 3
    assert ex.q10.check(weak).status == "needs_more"  # far too short for a memo
    padded = " ".join(["kappa agreement partner"] * 110)
    assert ex.q10.check(padded).status == "needs_more"  # the same three words again and again
    assert ex.q10.check(ex.q10.prompt + " " + ex.q10.prompt).status == "needs_more"  # the prompt copied


def test_every_check_without_an_answer_is_not_attempted():
    for question in (ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7, ex.q8, ex.q9, ex.q10):
        assert question.check(...).status == "not_attempted"
        assert len(question.hints) >= 2


# ------------------------------------------------------------------------------------------- helpers


def test_obligations_by_decade_counts_each_treaty_once_per_obligation():
    table = ex.obligations_by_decade()
    treaties = _csv("treaties")
    border_2020s = sum(
        1
        for t in treaties.itertuples()
        if "border" in _codes(t.obligations) and t.signed_date.startswith("202")
    )
    assert table.at["border", 2020] == border_2020s
    assert (table["total"] == table.drop(columns="total").sum(axis=1)).all()


def test_bilateral_partners_lists_only_central_asian_partners():
    table = ex.bilateral_partners("Russia")
    assert set(table["with"]) <= CENTRAL_ASIA
    assert "rus_kaz_baikonur_1994" in set(table["id"])


def test_every_question_has_a_worked_solution():
    for question in (ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7, ex.q8, ex.q9, ex.q10):
        assert question.solution().status == "solution", question.id


# ------------------------------------------------------------- prose against data (issue 12)


def _lesson_markdown() -> str:
    import json

    notebook = json.loads((REPO / "notebooks" / "03_treaties.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def test_kazakh_russian_border_treaty_is_in_force_and_expected_on_the_q8_map():
    # Ratified by both parliaments (State Duma debate 16 Nov 2005, Materik; Federation Council and
    # Kazakh Senate, afnfn.com) and demarcated since 2009, so it must count as in force today.
    row = _csv("treaties").set_index("id").loc["rus_kaz_border_2005"]
    assert row["in_force_date"] and row["in_force_date"] <= data.AS_OF.isoformat()
    assert {"KAZ", "RUS"} <= _border_states() == set(ex.border_treaty_states())
    forgot_russia = ex.q8.check(_border_map(_border_states() - {"RUS"}))
    assert forgot_russia.status == "incorrect"
    # The prose says the border map shows "one line to an outside power, Kazakhstan–Russia".
    from casecurity import maps

    border = maps.treaty_network_map(obligation="border").table
    pairs = zip(border["party_a"], border["party_b"], strict=True)
    outside = {frozenset(p) for p in pairs if not set(p) <= CENTRAL_ASIA}
    assert outside == {frozenset({"KAZ", "RUS"})}
    assert "one line to an outside power, Kazakhstan–Russia" in _lesson_markdown()


def test_network_map_prose_matches_the_map_styles():
    from casecurity import maps

    table = maps.treaty_network_map().table
    pairs = table.assign(pair=table[["party_a", "party_b"]].apply(lambda r: frozenset(r), axis=1))
    us_uzb = pairs.loc[pairs["pair"] == frozenset({"USA", "UZB"}), "style_obligation"]
    assert set(us_uzb) == {"declaration"}  # the 2002 text is a political declaration (state.gov fact sheet)
    text = _lesson_markdown()
    assert "the map styles it as one" in text and 'styles it by "military cooperation"' not in text
    # "Russia's lines to Kazakhstan, Kyrgyzstan and Tajikistan are basing lines": no stronger style exists.
    for partner in ("KAZ", "KGZ", "TJK"):
        styles = set(pairs.loc[pairs["pair"] == frozenset({"RUS", partner}), "style_obligation"])
        assert "basing" in styles and "defense" not in styles, partner


def test_allied_treaty_claims_follow_the_coding():
    # Summaries of the Tajik-Uzbek text (Asia-Plus/UzDaily, Darakchi) show no consultation or
    # non-aggression pledge; the Kazakh-Uzbek draft (Trend, The Asian) does promise both.
    treaties = _csv("treaties").set_index("id")
    assert _codes(treaties.at["tjk_uzb_allied_relations_2024", "obligations"]).isdisjoint(
        {"consultation", "nonaggression", "defense"}
    )
    assert {"consultation", "nonaggression"} <= _codes(treaties.at["kaz_uzb_allied_relations_2022", "obligations"])
    tjk_message = ex.q4.check(["Russia", "Tajikistan"]).message
    assert "Tajik-Uzbek" in tjk_message
    assert "but their texts promise" not in tjk_message
    for text in (_lesson_markdown(), ex.LESSON.questions["q9"].model_answer):
        assert "2024/2025) promise consultation and non-aggression" not in text
        assert "they promise consultation and non-aggression" not in text


def test_only_and_none_statements_in_the_prose_match_the_data():
    # "the only bilateral treaty of a Central Asian state coded defense" (Russia-Uzbekistan 2005), which
    # "has no entry-into-force date in the dataset".
    bilateral_defense = data.treaties(obligation="defense", kind="bilateral")
    assert list(bilateral_defense["id"]) == ["rus_uzb_allied_relations_2005"]
    assert bilateral_defense["in_force_date"].isna().all()
    # "the only treaty in this lesson known to be ratified by all five states" (Semipalatinsk).
    in_force = data.treaties(in_force_on=data.AS_OF)
    binding_all = {
        t.id
        for t in in_force.itertuples()
        if CENTRAL_ASIA <= set(t.parties.split(";")) and "declaration" not in _codes(t.obligations)
    }
    assert binding_all == {"canwfz_2006"}
    # "China's border agreements ... without entry-into-force dates"; "Turkmenistan ... none with a defence pledge".
    chinese = data.treaties(party="CHN", obligation="border")
    assert len(chinese) and chinese["in_force_date"].isna().all()
    assert data.treaties(party="TKM", obligation="defense").empty


# ------------------------------------------------------------------- variants (issue 18): a non-default
# variant rejects the default's answer and accepts its own, computed here from the CSV files


def _graded(name: str, params: dict, answer):
    from casecurity.exercises import get_lesson
    from casecurity.exercises.variants import using

    question = get_lesson("03").questions[name]
    with using({question.id: params}):
        assert question.prompt != question.prompt_template  # the variant's own values are filled in
        return question.grade_record(question.record_answer(answer))


def _bilateral_partners(iso3: str, obligation: str | None = None) -> pd.Series:
    """Partners of ``iso3``, one per bilateral row (optionally only rows coded ``obligation``)."""
    treaties = _csv("treaties")
    parties = _csv("treaty_parties")
    chosen = treaties["kind"] == "bilateral"
    if obligation:
        chosen &= treaties["obligations"].map(lambda c: obligation in _codes(c))
    rows = set(treaties.loc[chosen, "id"]) & set(parties.loc[parties["iso3"] == iso3, "treaty_id"])
    others = parties.loc[parties["treaty_id"].isin(rows) & (parties["iso3"] != iso3)]
    return others.drop_duplicates(["treaty_id", "iso3"])["iso3"]


def test_q2_variant_counts_partners_of_its_own_state():
    params = {"power": "CHN", "power_name": "China"}
    counts = _bilateral_partners("CHN").value_counts()
    counts = counts[counts.index.isin(CENTRAL_ASIA)]
    assert counts.iloc[0] > counts.iloc[1], "the variant needs a single leader"
    assert _graded("q2", params, counts.index[0]).status == "correct"
    assert counts.index[0] != "KAZ"
    assert _graded("q2", params, "KAZ").status == "incorrect"  # the default's answer
    china = _graded("q2", params, "China")
    assert china.status == "incorrect" and "China is the partner we count against" in china.message


def test_q4_variant_lists_its_own_partners():
    params = {"country": "Kyrgyzstan", "iso3": "KGZ", "obligation": "border"}
    reference = set(_bilateral_partners("KGZ", "border"))
    assert reference == {"CHN", "UZB", "TJK"}
    assert _graded("q4", params, sorted(reference)).status == "correct"
    assert _graded("q4", params, ["RUS"]).status == "incorrect"  # the default's answer
    itself = _graded("q4", params, sorted(reference | {"KGZ"}))
    assert itself.status == "incorrect" and "Leave Kyrgyzstan itself out" in itself.message
    # Uzbekistan's border partners: Tajikistan only through the multilateral Khujand treaty
    params = {"country": "Uzbekistan", "iso3": "UZB", "obligation": "border"}
    reference = set(_bilateral_partners("UZB", "border"))
    assert "TJK" not in reference and _graded("q4", params, sorted(reference)).status == "correct"
    multilateral = _graded("q4", params, sorted(reference | {"TJK"}))
    assert multilateral.status == "incorrect" and "kind='bilateral'" in multilateral.message


def _defence_or_basing_reference(day: str) -> pd.DataFrame:
    frame = _bound_on(pd.Timestamp(day))
    keep = frame["obligations"].map(lambda c: bool(_codes(c) & {"defense", "basing"})) & frame["bound"].map(
        lambda b: bool(b & CENTRAL_ASIA)
    )
    return frame.loc[keep, ["id", "obligations"]].reset_index(drop=True)


def test_q6_variant_keeps_the_treaties_in_force_on_its_own_day():
    params = {"day": "2005-01-01", "day_arg": "'2005-01-01'"}
    reference = _defence_or_basing_reference("2005-01-01")
    assert "cst_1992" in set(reference["id"]) and "rus_kgz_unified_base_2012" not in set(reference["id"])
    assert _graded("q6", params, reference).status == "correct"
    later = _graded("q6", params, _q6_reference())  # the default's answer: two of its treaties came later
    assert later.status == "incorrect" and "entered into force after 2005-01-01" in later.message


def test_q8_variant_maps_the_border_treaties_of_its_own_day():
    params = {"day": "2007-01-01", "day_arg": "'2007-01-01'"}
    frame = _bound_on(pd.Timestamp("2007-01-01"))
    border = frame.loc[frame["obligations"].map(lambda c: "border" in _codes(c))]
    reference = set().union(*border["bound"])
    assert reference == {"KAZ", "RUS", "UZB"}
    assert _graded("q8", params, _border_map(reference)).status == "correct"
    today = _graded("q8", params, _border_map(_border_states()))  # the default's map
    assert today.status == "incorrect" and "states bound on data.AS_OF" in today.message
