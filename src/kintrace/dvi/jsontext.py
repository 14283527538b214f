"""OUT.json text, exactly as ``json.dumps(document, ensure_ascii=False, indent=2)`` writes it.

With ``indent`` set, the standard library encodes in pure Python, one call per value; the
pairwise matrix of a large case is half a million floats (1,000 remains × 500 missing persons:
0.7 s of a 3.5 s run, of which 0.5 s is ``float.__repr__`` itself). Here a list whose items are
all floats (or ``None``), or all strings, is written by one ``join`` over ``float.__repr__``
(what ``json`` writes for a float) or over ``json``'s own string escaper; dicts, other lists
and scalars are written the way ``json`` writes them. Any value this module does not know (a
tuple, a non-string key, a subclass) is handed to ``json.dumps`` itself, so the text is the
same whatever the document holds (``tests/unit/dvi/test_jsontext.py`` compares them).
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "


def _float(x: float) -> str:
    if math.isfinite(x):
        return float.__repr__(x)
    if math.isnan(x):
        return "NaN"
    return "Infinity" if x > 0 else "-Infinity"


def _scalar(value: Any) -> str | None:
    """The JSON text of a plain scalar, or None when ``value`` is not one."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is float:
        return _float(value)
    if kind is int:
        return int.__repr__(value)
    return None


def _flat(items: list[Any], inner: str) -> str | None:
    """A list of floats (and None), or of strings, in one join; None for any other list."""
    first = type(items[0])
    if first is str and all(type(x) is str for x in items):
        texts: Any = map(encode_basestring, items)
    elif all(type(x) is float or x is None for x in items):
        finite = [x for x in items if x is not None]
        if all(map(math.isfinite, finite)):
            if len(finite) == len(items):
                texts = map(float.__repr__, items)
            else:
                texts = ["null" if x is None else float.__repr__(x) for x in items]
        else:
            texts = ["null" if x is None else _float(x) for x in items]
    else:
        return None
    return "[\n" + inner + (",\n" + inner).join(texts) + "\n" + inner[: -len(_INDENT)] + "]"


def _write(value: Any, depth: int, out: list[str]) -> None:
    text = _scalar(value)
    if text is not None:
        out.append(text)
        return
    inner = _INDENT * (depth + 1)
    kind = type(value)
    if kind is list:
        if not value:
            out.append("[]")
            return
        fast = _flat(value, inner)
        if fast is not None:
            out.append(fast)
            return
        out.append("[\n" + inner)
        for k, item in enumerate(value):
            if k:
                out.append(",\n" + inner)
            _write(item, depth + 1, out)
        out.append("\n" + _INDENT * depth + "]")
        return
    if kind is dict and all(type(key) is str for key in value):
        if not value:
            out.append("{}")
            return
        out.append("{\n" + inner)
        for k, (key, item) in enumerate(value.items()):
            if k:
                out.append(",\n" + inner)
            out.append(encode_basestring(key) + ": ")
            _write(item, depth + 1, out)
        out.append("\n" + _INDENT * depth + "}")
        return
    # anything else (tuples, other keys, subclasses): json's own text, indented to this depth
    out.append(
        json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + _INDENT * depth)
    )


def dumps(document: Any) -> str:
    """Return ``json.dumps(document, ensure_ascii=False, indent=2)``, faster on float lists.

    >>> doc = {"a": [1.5, None, float("inf")], "b": {"c": "é", "d": [], "e": {}}, "f": (1, 2)}
    >>> dumps(doc) == json.dumps(doc, ensure_ascii=False, indent=2)
    True
    """
    out: list[str] = []
    _write(document, 0, out)
    return "".join(out)
