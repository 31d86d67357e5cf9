"""Code that must not depend on the pandas release: the course also meets versions other than the pins
(Binder's build, a teacher's machine, `make test-latest`)."""

from __future__ import annotations

import pandas as pd

from casecurity import data
from casecurity.exercises import lesson03


def test_obligations_by_decade_never_hands_crosstab_duplicate_labels(monkeypatch):
    """pandas 3.0 raises "cannot reindex on an axis with duplicate labels" in crosstab when its
    inputs share index labels, as an explode without ignore_index leaves them (3.1 tolerates it).
    The treaties here carry a duplicated label as well as several obligations each."""
    table = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "signed_date": ["1992-05-15", "1995-03-01", "2003-07-30"],
            "obligations": ["defense;consultation", "border", "consultation;"],
        },
        index=[7, 7, 8],
    )
    monkeypatch.setattr(data, "treaties", lambda kind=None: table.copy())
    real_crosstab = pd.crosstab

    def strict_crosstab(index, columns, *args, **kwargs):
        assert index.index.is_unique and columns.index.is_unique, "crosstab got duplicate labels"
        return real_crosstab(index, columns, *args, **kwargs)

    monkeypatch.setattr(pd, "crosstab", strict_crosstab)
    counts = lesson03.obligations_by_decade()
    # Counted by hand from the three rows above.
    assert counts.at["defense", 1990] == 1
    assert counts.at["consultation", 1990] == 1
    assert counts.at["consultation", 2000] == 1
    assert counts.at["border", 1990] == 1
    assert counts.at["border", 2000] == 0
    assert counts["total"].to_dict() == {"defense": 1, "consultation": 2, "border": 1}
