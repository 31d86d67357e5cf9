"""Walking a folium map's element tree: every element once, and the countries its GeoJSON features name."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from casecurity.exercises.countries import country_code


def walk_elements(element, seen=None, depth=0):
    """Every element below a folium map (children of children), each once."""
    seen = set() if seen is None else seen
    if id(element) in seen or depth > 50:
        return
    seen.add(id(element))
    yield element
    children = getattr(element, "_children", None)
    if isinstance(children, Mapping):
        for child in list(children.values()):
            yield from walk_elements(child, seen, depth + 1)


def feature_countries(data) -> set[str]:
    codes = set()
    features = data.get("features", []) if isinstance(data, Mapping) else []
    if isinstance(data, Mapping) and data.get("type") == "Feature":
        features = [data]
    for feature in itertools.islice(features, 10_000):
        properties = feature.get("properties") or {} if isinstance(feature, Mapping) else {}
        for field in ("iso3", "ISO3", "iso_a3", "ISO_A3", "adm0_a3", "name", "NAME"):
            value = properties.get(field)
            code = country_code(value) if isinstance(value, str) else None
            if code:
                codes.add(code)
                break
    return codes
