"""casecurity.site_explorers: explorers and quizzes as plain HTML for the website (no kernel)."""

from __future__ import annotations

import re

from casecurity import site_explorers, widgets


def test_membership_explorer_becomes_one_state_per_change_date():
    explorer = widgets.membership_explorer("CSTO", on="2010-06-01", show_map=False)
    view = site_explorers.live_view(explorer)
    assert view is not None and view.maps == []
    all_dates = [label for label, _ in explorer.date.options]
    assert 2 <= len(view.labels) < len(all_dates), "states are per change date, not per year"
    assert view.labels[view.start] == "1 Jan 2010", "the saved date is the state shown first"
    assert view.labels[-1] == all_dates[-1]
    for label, summary, table in zip(view.labels, view.summaries, view.tables, strict=True):
        year = re.search(r"\d{4}", label).group(0)
        assert year in summary and year in table, label  # text and table of the same date
    assert explorer.date.value == "2010-01-01", "the explorer is left as it was"
    html = view.html()
    assert html.count('class="casecurity-explorer-state"') == len(view.labels)
    assert html.count(" hidden>") == len(view.labels) - 1
    assert "Organisation: CSTO" in html


def test_treaty_explorer_has_no_live_view():
    assert site_explorers.live_view(widgets.treaty_explorer(show_map=False)) is None
    assert site_explorers.live_view("not a widget") is None


def test_saved_quiz_shows_choices_but_no_control():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_q", "IPY_MODEL_r", "IPY_MODEL_b"]}},
        "q": {"model_name": "HTMLModel", "state": {"value": "<strong>Q1</strong>: Which year?"}},
        "r": {"model_name": "RadioButtonsModel", "state": {"_options_labels": ["(a) 1992", "(b) <2002>"], "index": None}},
        "b": {"model_name": "ButtonModel", "state": {"description": "Check"}},
    }
    html = site_explorers.saved_view("box", state)
    assert "Which year?" in html and "(a) 1992" in html and "(b) &lt;2002&gt;" in html
    assert not re.search(r"<(input|button|select)\b", html)
    assert site_explorers.QUIZ_LINE in html


def test_saved_explorer_shows_its_choices_and_the_binder_line():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_d", "IPY_MODEL_s", "IPY_MODEL_gone"]}},
        "d": {"model_name": "DropdownModel", "state": {"description": "Party:", "_options_labels": ["any", "UZB"], "index": 1}},
        "s": {"model_name": "HTMLModel", "state": {"value": "<p>3 treaties</p>"}},
    }
    html = site_explorers.saved_view("box", state)
    assert "Party: <strong>UZB</strong>" in html and "<p>3 treaties</p>" in html
    assert site_explorers.BINDER_LINE in html and site_explorers.QUIZ_LINE not in html
