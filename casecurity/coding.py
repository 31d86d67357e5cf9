"""Agreement between two coders: Cohen's kappa for the treaty-coding workshop of lesson 03.

Two people who code the same excerpts with the same codebook will not agree on every one. The
share of excerpts they code alike overstates their agreement, because some agreement happens by
chance; Cohen's kappa corrects for it:

    kappa = (p_observed - p_chance) / (1 - p_chance)

where ``p_chance`` is the agreement expected if each coder kept their own mix of codes but chose
them independently of the text. 1 is perfect agreement, 0 is what chance gives, below 0 is worse
than chance (Cohen, J., "A coefficient of agreement for nominal scales", *Educational and
Psychological Measurement* 20(1), 1960, 37-46).

>>> cohens_kappa(["defense", "consultation", "none"], ["defense", "consultation", "none"])
1.0
>>> round(cohens_kappa(["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15,
...                    ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15), 2)
0.4
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from casecurity.errors import CourseError

__all__ = ["cohens_kappa", "codes_in_order", "agreement_summary"]


def codes_in_order(codes: Mapping | Iterable, order: Iterable[str] | None = None) -> list[str]:
    """One coder's codes as a list of clean words, e.g. ``{"E1": "Defense"}`` -> ``["defense"]``.

    A mapping (excerpt id -> code) is read in the order of ``order`` (every id must be there); a
    list or tuple is taken as it is. Codes are compared case- and space-insensitively.
    """
    if isinstance(codes, Mapping):
        if order is None:
            order = list(codes)
        order = list(order)
        missing = [key for key in order if key not in codes]
        if missing:
            raise CourseError(f"no code for {', '.join(map(str, missing))}: give one code for every excerpt.")
        values = [codes[key] for key in order]
    elif isinstance(codes, (list, tuple)):
        values = list(codes)
    else:
        raise CourseError(f"give the codes as a dict (excerpt -> code) or a list, not {type(codes).__name__}.")
    cleaned = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise CourseError(f"{value!r} is not a code: write each code as a word, e.g. 'consultation'.")
        cleaned.append(" ".join(value.split()).casefold())
    return cleaned


def cohens_kappa(first: Mapping | Iterable, second: Mapping | Iterable) -> float:
    """Cohen's kappa between two coders who coded the same items (lists in the same order, or dicts).

    Raises CourseError (one line) when the two do not code the same items, when there are none,
    or when kappa is undefined: both coders gave every item one and the same code, so chance alone
    explains their agreement.
    """
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        if set(first) != set(second):
            only = sorted(map(str, set(first) ^ set(second)))
            raise CourseError(f"the two coders did not code the same excerpts (only one has {', '.join(only)}).")
        order = sorted(first, key=str)
        a, b = codes_in_order(first, order), codes_in_order(second, order)
    else:
        a, b = codes_in_order(first), codes_in_order(second)
    if len(a) != len(b):
        raise CourseError(f"the two coders gave {len(a)} and {len(b)} codes: give one code per item to both.")
    if not a:
        raise CourseError("there are no codes to compare: give at least one code to each coder.")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    chance = sum(count_a[code] * count_b[code] for code in count_a) / (n * n)
    if chance == 1:
        raise CourseError("kappa is undefined here: both coders used one and the same code for every item.")
    return (observed - chance) / (1 - chance)


def agreement_summary(first: Mapping, second: Mapping) -> str:
    """One line for a notebook: how many excerpts two coders coded alike, and their kappa."""
    kappa = cohens_kappa(first, second)
    order = sorted(first, key=str)
    a, b = codes_in_order(first, order), codes_in_order(second, order)
    alike = sum(x == y for x, y in zip(a, b, strict=True))
    return f"{alike} of {len(a)} excerpts coded alike; Cohen's kappa = {kappa:.2f}"
