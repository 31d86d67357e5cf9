"""Variants: one version of a question per student, derived from the teacher's secret (PrairieLearn's seed -> params).

A question declares ``params=`` (a function of its own :class:`random.Random`) and ``default_params=``
(today's text: practice mode without a handout). The seed of a student's variant is an HMAC of the
teacher's secret, the student id and the question id, so nobody without the secret can tell which
variant another student got, and the grader derives it again instead of trusting the notebook.
The kernel learns its variants from the handout's first cell (:func:`use_handout_variants`).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import json
import random

_ACTIVE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("casecurity_variants", default=None)
_HANDOUT: dict[str, dict] = {}  # set once in a student's kernel by the handout's first cell


def seed_for(secret: bytes, student: str, question_id: str) -> int:
    """The seed of ``student``'s variant of ``question_id`` (e.g. "lesson03.q2"): an HMAC, never ``hash()``."""
    digest = hmac.new(secret, f"{student}\x1f{question_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def generator(seed: int) -> random.Random:
    """A generator of the question's own (student code shares no global seed with it)."""
    return random.Random(seed)


def canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(secret: bytes, payload) -> str:
    """The signature of a handout's variant metadata (HMAC-SHA256 of its canonical JSON)."""
    return hmac.new(secret, canonical(payload), hashlib.sha256).hexdigest()


def signature_ok(secret: bytes, payload, signature: object) -> bool:
    return isinstance(signature, str) and hmac.compare_digest(sign(secret, payload), signature)


def active_params(question_id: str) -> dict | None:
    """The params in force for ``question_id``: the grader's (``using``), else the handout's, else None."""
    chosen = _ACTIVE.get()
    if chosen is not None:
        return chosen.get(question_id)
    return _HANDOUT.get(question_id)


@contextlib.contextmanager
def using(params_by_question: dict[str, dict]):
    """``with using({"lesson03.q2": {...}}): ...`` judges with those variants (the grader, tests)."""
    token = _ACTIVE.set(dict(params_by_question))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def use_handout_variants(params_by_question: dict[str, dict]) -> None:
    """Set this kernel's variants (called by a handout's first cell)."""
    _HANDOUT.clear()
    _HANDOUT.update({str(k): dict(v) for k, v in dict(params_by_question).items()})
