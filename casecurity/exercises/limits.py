"""Limits and markers shared by every layer: the longest answer read, the missing-answer marker, the region."""

from __future__ import annotations

MAX_ITEMS = 1000  # longest iterable a check will read (guards against endless generators)
NO_ANSWER = object()  # check() called without an answer
# Central Asia's extent (lat 35–56 N, lon 46–88 E): a map centred outside it shows the wrong region.
CENTRAL_ASIA_BOX = (35.0, 46.0, 56.0, 88.0)  # south, west, north, east


def missing_answer(answer: object) -> bool:
    """``...`` (the exercise placeholder) and None mean "not attempted"."""
    return answer is None or answer is Ellipsis
