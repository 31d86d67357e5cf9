"""Cohen's kappa (casecurity.coding) against answers worked out by hand, and its one-line errors."""

from __future__ import annotations

import pytest

from casecurity.coding import agreement_summary, codes_in_order, cohens_kappa
from casecurity.errors import CourseError


def _pairs(table: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """Two coders' lists from a cross-table {(code of A, code of B): count}."""
    a, b = [], []
    for (x, y), count in table.items():
        a += [x] * count
        b += [y] * count
    return a, b


def test_textbook_two_by_two_example():
    # The worked example of the Wikipedia article "Cohen's kappa": 50 proposals, both readers say yes
    # to 20 and no to 15, they disagree on 15; p_o = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4.
    a, b = _pairs({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert cohens_kappa(a, b) == pytest.approx(0.4)


def test_three_codes_worked_by_hand():
    # 30 items; A's margins 10/8/12, B's 10/9/11; 24 alike. p_o = 24/30, p_e = 304/900,
    # kappa = (720 - 304) / (900 - 304) = 416/596.
    a, b = _pairs({
        ("defense", "defense"): 8, ("defense", "consultation"): 2,
        ("consultation", "defense"): 1, ("consultation", "consultation"): 6, ("consultation", "none"): 1,
        ("none", "defense"): 1, ("none", "consultation"): 1, ("none", "none"): 10,
    })
    assert cohens_kappa(a, b) == pytest.approx(416 / 596)


def test_chance_level_is_zero_and_worse_is_negative():
    assert cohens_kappa(["x", "x", "y", "y"], ["x", "y", "x", "y"]) == pytest.approx(0.0)
    assert cohens_kappa(["x", "y", "x", "y"], ["y", "x", "y", "x"]) == pytest.approx(-1.0)


def test_perfect_agreement_is_one_and_order_of_coders_does_not_matter():
    a, b = _pairs({("p", "p"): 3, ("q", "r"): 2, ("r", "r"): 4, ("q", "q"): 1})
    assert cohens_kappa(a, a) == 1.0
    assert cohens_kappa(a, b) == pytest.approx(cohens_kappa(b, a))


def test_dicts_are_matched_by_excerpt_and_codes_are_normalised():
    first = {"E1": "Defense", "E2": "consultation ", "E3": "none"}
    second = {"E3": "none", "E1": "defense", "E2": "non-aggression"}
    # E1 and E3 alike: p_o = 2/3; margins A d/c/n = 1/1/1, B d/na/n = 1/1/1: p_e = 2/9
    assert cohens_kappa(first, second) == pytest.approx((2 / 3 - 2 / 9) / (1 - 2 / 9))
    assert agreement_summary(first, second) == "2 of 3 excerpts coded alike; Cohen's kappa = 0.57"
    assert codes_in_order(first, ["E3", "E1"]) == ["none", "defense"]


@pytest.mark.parametrize(
    ("first", "second", "fragment"),
    [
        (["a", "b"], ["a"], "gave 2 and 1 codes"),
        ([], [], "no codes to compare"),
        (["a", "a"], ["a", "a"], "undefined"),
        ({"E1": "a"}, {"E2": "a"}, "not code the same excerpts"),
        (["a", None], ["a", "b"], "is not a code"),
        ("defense", ["d"], "as a dict"),
    ],
)
def test_bad_input_gets_one_line(first, second, fragment):
    with pytest.raises(CourseError) as caught:
        cohens_kappa(first, second)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_a_mapping_missing_an_excerpt_is_named():
    with pytest.raises(CourseError, match="no code for E2"):
        codes_in_order({"E1": "defense"}, ["E1", "E2"])
