"""Answers as plain data: what the learner's kernel records, and what the grader grades.

The kernel never decides a verdict that counts. ``check(answer)`` turns the answer into a
JSON-able *record* with :func:`encode` (numbers, text, dates, lists, tables, a map's layers,
shaded states and markers, a function's results on the test inputs) and then grades
``decode(record)`` — exactly what the grader does with the same record in its own process.
So there is one copy of the checking logic, and the record holds only the answer, never a
status: a forged record can give an answer, never a mark.

``decode`` rebuilds ordinary objects (a pandas DataFrame, a folium.Map with the same layers,
GeoJson states and markers, a callable that replays the recorded results), so question kinds
and a lesson's ``mistakes`` predicates work on recorded answers unchanged.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import fractions
import itertools
import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from casecurity.exercises.feedback import Blank
from casecurity.exercises.limits import MAX_ITEMS as _MAX_ITEMS
from casecurity.exercises.mapwalk import feature_countries, walk_elements
from casecurity.exercises.wording import safe_repr

__all__ = ["encode", "decode", "Opaque", "RecordedFunction", "contains_blank", "MAX_TABLE_ROWS"]

MAX_TABLE_ROWS = 5000  # a longer table is recorded by its first rows and its length
_MAX_TEXT = 100_000
_MAX_DEPTH = 20


class Opaque:
    """An answer the record keeps only by type and short text (an object of no answer kind)."""

    casecurity_recorded = True

    def __init__(self, type_name: str, text: str):
        self.casecurity_type = type_name
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other):
        return isinstance(other, Opaque) and (other.casecurity_type, other.text) == (self.casecurity_type, self.text)

    __hash__ = object.__hash__


def _exception_class(name: str) -> type:
    return type(str(name)[:60] or "Exception", (Exception,), {})


class RecordedFunction:
    """A learner's function as recorded: its results on the question's test inputs, replayed."""

    casecurity_recorded = True
    casecurity_type = "function"

    def __init__(self, name: str, calls: dict[str, dict], stub: bool = False):
        self.__name__ = name
        self.calls = calls
        self.stub = stub

    def __call__(self, *args):
        outcome = self.calls.get(args_key(args))
        if outcome is None:
            raise _exception_class("NotRecorded")("this test case was not run in your notebook")
        if "raised" in outcome:
            kind, message = outcome["raised"]
            raise _exception_class(kind)(message)
        return decode(outcome["result"])

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"


def args_key(args) -> str:
    return json.dumps(encode(list(args)), sort_keys=True, default=str)


def contains_blank(value, depth: int = 0) -> bool:
    """True when an answer still holds the ``____`` placeholder of a scaffolded template."""
    if isinstance(value, Blank):
        return True
    if depth > 3:
        return False
    if isinstance(value, str):
        return "____" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_blank(item, depth + 1) for item in itertools.islice(value, 100))
    if isinstance(value, Mapping):
        return any(contains_blank(v, depth + 1) or contains_blank(k, depth + 1)
                   for k, v in itertools.islice(value.items(), 100))
    return False


def _type_name(value) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "builtins") or "builtins"
    return kind.__name__ if module == "builtins" else f"{module.split('.')[0]}.{kind.__name__}"


def _short(value) -> str:

    return safe_repr(value)


# --------------------------------------------------------------------------------------------
# encode: any Python object -> JSON-able data (never raises)
# --------------------------------------------------------------------------------------------


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON-able description of ``value``; anything unusual becomes an opaque type + short text."""
    try:
        return _encode(value, depth)
    except RecursionError:
        return {"t": "opaque", "type": _type_name(value), "text": "<nested too deeply>"}
    except Exception:  # a learner's object may raise anything from its methods
        return {"t": "opaque", "type": _type_name(value), "text": _short(value)}


def _encode(value, depth):  # noqa: C901 - one branch per kind of answer
    if depth > _MAX_DEPTH:
        return {"t": "opaque", "type": _type_name(value), "text": "<nested too deeply>"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Blank):
        return {"t": "blank"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else {"t": "str", "v": value[:_MAX_TEXT], "length": len(value)}
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else {"t": "float", "v": repr(float(value))}
    if isinstance(value, decimal.Decimal | fractions.Fraction):
        return _encode(float(value), depth)
    module = type(value).__module__ or ""
    if module.startswith("numpy"):
        if getattr(value, "shape", None) == () and hasattr(value, "item"):
            return _encode(value.item(), depth)
        if hasattr(value, "tolist"):
            return {"t": "ndarray", "items": [_encode(v, depth + 1) for v in list(value.ravel())[:_MAX_ITEMS + 1]],
                    "shape": list(value.shape)}
    if module.startswith("pandas"):
        encoded = _encode_pandas(value, depth)
        if encoded is not None:
            return encoded
    if isinstance(value, _dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, _dt.date):
        return {"t": "date", "v": value.isoformat()}
    # a subclass counts too (casecurity.maps' course maps are folium maps)
    if any((k.__module__ or "").startswith(("folium", "branca")) for k in type(value).__mro__):
        encoded = _encode_map(value)
        if encoded is not None:
            return encoded
    if isinstance(value, BaseException):
        return {"t": "exception", "type": type(value).__name__, "text": str(value)[:200]}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(itertools.islice(iter(value), _MAX_ITEMS + 1))
        if isinstance(value, set | frozenset):
            items.sort(key=lambda item: repr(item))
        kind = next(k.__name__ for k in (list, tuple, frozenset, set) if isinstance(value, k))
        return {"t": kind, "items": [_encode(v, depth + 1) for v in items]}
    if isinstance(value, Mapping):
        items = list(itertools.islice(value.items(), _MAX_ITEMS + 1))
        return {"t": "dict", "items": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in items]}
    if isinstance(value, Iterator):
        try:
            items = list(itertools.islice(value, _MAX_ITEMS + 1))
        except Exception as exc:
            return {"t": "iterator", "items": [], "raised": type(exc).__name__}
        return {"t": "iterator", "items": [_encode(v, depth + 1) for v in items]}
    return {"t": "opaque", "type": _type_name(value), "text": _short(value)}


def _encode_cell(value):
    """One table cell: a JSON scalar or a tagged date."""
    try:
        import pandas as pd

        if value is None or value is pd.NaT or (not isinstance(value, str | bytes | list | tuple) and pd.isna(value)):
            return None
    except (TypeError, ValueError):
        pass
    return _encode(value, _MAX_DEPTH - 1)


def _encode_pandas(value, depth):
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return {"t": "timestamp", "v": value.isoformat()}
    if value is pd.NaT:
        return {"t": "nat"}
    if isinstance(value, pd.DataFrame):
        rows = min(len(value), MAX_TABLE_ROWS)
        head = value.iloc[:rows]
        columns = [{"name": str(name), "dtype": str(dtype), "values": [_encode_cell(v) for v in head.iloc[:, i]]}
                   for i, (name, dtype) in enumerate(zip(value.columns, value.dtypes, strict=True))]
        return {"t": "frame", "columns": columns, "rows": len(value), "index": _encode_index(head.index)}
    if isinstance(value, pd.Series):
        head = value.iloc[:MAX_TABLE_ROWS]
        return {"t": "series", "name": None if value.name is None else str(value.name), "dtype": str(value.dtype),
                "values": [_encode_cell(v) for v in head], "rows": len(value), "index": _encode_index(head.index)}
    if isinstance(value, pd.Index):
        return {"t": "index", "items": [_encode_cell(v) for v in list(value)[:_MAX_ITEMS + 1]]}
    return None


def _encode_index(index):
    import pandas as pd

    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return None
    return {"name": None if index.name is None else str(index.name), "values": [_encode_cell(v) for v in index]}


# ---- maps ----------------------------------------------------------------------------------------

def _encode_map(value):
    """A folium map as a plain description: each layer, GeoJson states, marker and bounds, with parents."""
    import folium


    if isinstance(value, folium.Figure):
        maps = [e for e in walk_elements(value) if isinstance(e, folium.Map)]
        if not maps:
            return None
        value = maps[0]
    if not isinstance(value, folium.Map):
        return None
    # most specific first: a Circle is a CircleMarker is a Marker
    classes = [(name, getattr(folium, name)) for name in ("Map", "FeatureGroup", "GeoJson", "Circle", "CircleMarker",
                                                          "Marker", "FitBounds", "LayerControl")]
    nodes: list[dict] = []
    index_of: dict[int, int] = {}

    def visit(element, parent: int | None, depth: int = 0):
        if depth > 50 or len(nodes) > 20_000:
            return
        kind = next((name for name, cls in classes if isinstance(element, cls)), None)
        here = parent
        if kind is not None and id(element) not in index_of:
            node: dict[str, Any] = {"kind": kind, "parent": parent}
            if kind == "Map":
                node["location"] = [float(v) for v in element.location] if element.location else None
            elif kind == "FeatureGroup":
                node["name"] = str(element.layer_name)
            elif kind == "GeoJson":
                node["states"] = sorted(feature_countries(getattr(element, "data", None)))
            elif kind in ("Marker", "CircleMarker", "Circle"):
                location = getattr(element, "location", None)
                node["location"] = [float(v) for v in location[:2]] if location else None
            elif kind == "FitBounds":
                node["bounds"] = [[float(v) for v in corner] for corner in element.bounds]
            index_of[id(element)] = len(nodes)
            here = len(nodes)
            nodes.append(node)
        children = getattr(element, "_children", None)
        if isinstance(children, Mapping):
            for child in list(children.values()):
                visit(child, here, depth + 1)

    visit(value, None)
    encoded = {"t": "map", "nodes": nodes}
    if isinstance(getattr(value, "alt_text", None), str):  # the course's own maps (casecurity.maps) carry one
        encoded["alt_text"] = value.alt_text[:2000]
    return encoded


def _decode_map(record):
    import folium

    built: list = []
    root = None
    for node in record.get("nodes", []):
        kind = node.get("kind")
        parent = built[node["parent"]] if isinstance(node.get("parent"), int) and node["parent"] < len(built) else root
        if kind == "Map":
            element = folium.Map(location=node.get("location"), tiles=None)
        elif kind == "FeatureGroup":
            element = folium.FeatureGroup(name=str(node.get("name", "")))
        elif kind == "GeoJson":
            features = [{"type": "Feature", "properties": {"iso3": code}, "geometry": None}
                        for code in node.get("states", [])]
            element = folium.GeoJson({"type": "FeatureCollection", "features": features})
        elif kind in ("Marker", "CircleMarker", "Circle"):
            location = node.get("location") or [0, 0]
            element = {"Marker": folium.Marker, "CircleMarker": folium.CircleMarker,
                       "Circle": folium.Circle}[kind](location)
        elif kind == "FitBounds":
            element = folium.FitBounds(node.get("bounds"))
        elif kind == "LayerControl":
            element = folium.LayerControl()
        else:
            built.append(parent)
            continue
        if root is None:
            root = element
        elif parent is not None:
            parent.add_child(element)
        built.append(element)
    if root is None:
        return Opaque("folium.Map", "<an empty map record>")
    if isinstance(record.get("alt_text"), str):
        root.alt_text = record["alt_text"]
    return root


# --------------------------------------------------------------------------------------------
# decode: recorded data -> ordinary Python objects
# --------------------------------------------------------------------------------------------


def decode(record: Any) -> Any:
    """The answer rebuilt from its record (what question kinds grade)."""
    if record is None or isinstance(record, bool | int | float | str):
        return record
    if isinstance(record, list):  # not produced by encode; accept a plain JSON list as a list
        return [decode(item) for item in record]
    if not isinstance(record, dict):
        return Opaque(type(record).__name__, repr(record)[:120])
    kind = record.get("t")
    items = record.get("items", [])
    if kind == "blank":
        return Blank()
    if kind == "ellipsis":
        return Ellipsis
    if kind == "str":
        return str(record.get("v", ""))
    if kind == "float":
        return float(record.get("v", "nan"))
    if kind in ("list", "tuple", "set", "frozenset", "iterator", "index", "ndarray"):
        values = [decode(item) for item in items]
        if kind == "tuple":
            return tuple(values)
        if kind in ("set", "frozenset"):
            try:
                return set(values) if kind == "set" else frozenset(values)
            except TypeError:
                return values
        if kind == "iterator":
            return _replay(values, record.get("raised"))
        if kind == "index":
            import pandas as pd

            return pd.Index(values)
        if kind == "ndarray":
            import numpy as np

            return np.asarray(values)
        return values
    if kind == "dict":
        result = {}
        for key, value in items:
            key = decode(key)
            try:
                result[key] = decode(value)
            except TypeError:  # an unhashable key
                result[repr(key)] = decode(value)
        return result
    if kind == "date":
        return _dt.date.fromisoformat(record["v"])
    if kind == "datetime":
        return _dt.datetime.fromisoformat(record["v"])
    if kind in ("timestamp", "nat"):
        import pandas as pd

        return pd.NaT if kind == "nat" else pd.Timestamp(record["v"])
    if kind == "exception":
        return _exception_class(record.get("type", "Exception"))(record.get("text", ""))
    if kind == "frame":
        return _decode_frame(record)
    if kind == "series":
        return _decode_series(record)
    if kind == "map":
        return _decode_map(record)
    if kind == "function":
        return RecordedFunction(str(record.get("name", "f")), dict(record.get("calls") or {}),
                                stub=bool(record.get("stub")))
    if kind == "opaque":
        return Opaque(str(record.get("type", "object")), str(record.get("text", "")))
    return Opaque("object", "<an unreadable answer record>")


def _replay(values, raised):
    yield from values
    if raised:
        raise _exception_class(raised)("raised while reading the iterator")


def _column(values, dtype: str, name=None):
    import pandas as pd

    series = pd.Series([decode(v) for v in values], name=name, dtype=object)
    try:
        if dtype.startswith("datetime64"):
            return pd.to_datetime(series)
        if dtype == "category":
            return series.astype("category")
        return series.astype(dtype) if dtype != "object" else series
    except (TypeError, ValueError):
        return series


def _decode_index(record):
    import pandas as pd

    if not record:
        return None
    return pd.Index([decode(v) for v in record.get("values", [])], name=record.get("name"))


def _decode_frame(record):
    import pandas as pd

    columns = record.get("columns", [])
    frame = pd.DataFrame({i: _column(c.get("values", []), str(c.get("dtype", "object"))) for i, c in enumerate(columns)})
    if not columns:
        frame = pd.DataFrame(index=range(0))
    frame.columns = [c.get("name") for c in columns]
    index = _decode_index(record.get("index"))
    if index is not None and len(index) == len(frame):
        frame.index = index
    frame.attrs["casecurity_rows"] = int(record.get("rows", len(frame)))
    return frame


def _decode_series(record):
    series = _column(record.get("values", []), str(record.get("dtype", "object")), name=record.get("name"))
    index = _decode_index(record.get("index"))
    if index is not None and len(index) == len(series):
        series.index = index
    series.attrs["casecurity_rows"] = int(record.get("rows", len(series)))
    return series


_args_key = args_key  # the former name
