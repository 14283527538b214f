"""OUT.json text: the fast writer gives exactly what ``json.dumps(..., indent=2)`` gives."""

from __future__ import annotations

import json
import math
from enum import StrEnum

import numpy as np
import pytest

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.jsontext import dumps
from kintrace.dvi.solve import solve_dvi
from kintrace.kinship.markers import FrequencyTable, make_marker


class Colour(StrEnum):
    RED = "red"


def reference(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        {"a": []},
        {"a": {}},
        [1.5, -0.0, 1e-320, 1.7976931348623157e308, 0.1 + 0.2],
        [1.5, None, 2.0],
        [math.nan, math.inf, -math.inf, None, 3.0],
        [None, None],
        ["V1", "Ölund", 'quote " and \\ back', "tab\tnew\nline", "\u2028", "😀"],
        ["a", 1],
        [1, 2, 3],
        [True, False, None, 0, -7, 10**30],
        {"assignment": {"V1": "M1", "V2": None}, "lr": 200.0, "posterior": 0.6895},
        {"nested": [[1.0, 2.0], [None, 3.0], [], [{"x": [1.0]}]]},
        {"tuple": (1, 2.5, "x"), "inner": [{"t": (None, [1.0])}]},
        {1: "int key", "s": "str key"},
        {"enum": Colour.RED, "numpy": np.float64(0.25), "np list": [np.float64(1.5), 2.0]},
        {"bool": [True, 1.0]},
    ],
)
def test_the_text_is_what_json_dumps_writes(document: object) -> None:
    assert dumps(document) == reference(document)


def test_a_whole_result_is_written_as_json_writes_it() -> None:
    # pairwise columns with nan (a sex clash) and finite LRs, joint solutions, identifications
    table = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    fams = parse_dvi_families(
        "family id fid mid sex missing M\nF MP 0 0 1 1 -/-\nF CH MP 0 1 0 a/a\n"
        "G W 0 0 2 1 -/-\nG D 0 W 2 0 b/b\n"
    )
    remains = parse_remains("id sex M\nV 1 a/b\nU 2 b/b\nX 1 a/a\n")
    document = solve_dvi(check_dvi(fams, remains), table).as_dict()
    lr = document["pairwise_lr"]
    assert isinstance(lr, dict)
    assert any(x is None for column in lr["lr"] for x in column)  # nan written as null
    assert dumps(document) == reference(document)
    assert json.loads(dumps(document)) == json.loads(reference(document))
