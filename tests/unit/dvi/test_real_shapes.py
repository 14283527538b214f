"""Case shapes that real laboratories meet (issue 17): references that need a mutation."""

from __future__ import annotations

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.solve import Conclusion, solve_dvi
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec

EXCLUSION_FAMILIES = """family id fid mid sex missing M1 M2 M3 M4
F1 MP 0 0 1 1 -/- -/- -/- -/-
F1 MO 0 0 2 0 a/a a/a a/a a/a
F1 CH MP MO 1 0 a/b b/b a/b a/b
"""
EXCLUSION_REMAINS = "id sex M1 M2 M3 M4\nV1 1 c/c c/c c/c c/c\nV2 1 b/b b/b b/b b/b\n"


def test_exclusions_counted_when_references_need_a_mutation_at_one_marker() -> None:
    """CH b/b with mother a/a needs a mutation at M2 only: V1 (c/c everywhere) is still
    incompatible at M1, M3 and M4 (3 markers) and excluded; M2 counts nothing."""
    table = FrequencyTable(
        {m: make_marker(m, {"a": 0.4, "b": 0.3, "c": 0.3}) for m in ("M1", "M2", "M3", "M4")}
    )
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    data = check_dvi(parse_dvi_families(EXCLUSION_FAMILIES), parse_remains(EXCLUSION_REMAINS))
    res = solve_dvi(data, table, mutation)
    assert res.pairwise.incompatible.tolist() == [[3, 0]]
    by_body = {i.remains: i for i in res.remains}
    assert by_body["V1"].conclusion is Conclusion.EXCLUDED
