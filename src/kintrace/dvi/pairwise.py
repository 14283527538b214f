"""The pairwise LR matrix of remains against missing persons, with exclusion counts.

``LR(V = M) = L(family with V's profile on M) / (L(family) · L(V alone))`` (Vigeland & Egeland
2021, eq. 1), which is ``P(M = g_V | family data) / P(g_V)``: it depends on V's genotype only, so
the kinship engine's familial-search tables (:func:`kintrace.kinship.search.build_family_tables`)
give every pair by array lookups. A pair is considered only when the sexes agree (or one is
unknown). A marker is *incompatible* for a pair when its LR is 0 without mutation; the count of
such markers is the exclusion evidence (dvir ``findExcluded``), whatever mutation model the LRs
use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kintrace.dvi.pairwise_direct import DirectRows, direct_rows, structure_key
from kintrace.errors import MendelianInconsistency
from kintrace.kinship.genotypes import PedigreeData
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Pedigree
from kintrace.kinship.search import (
    FamilyTables,
    OnInconsistent,
    build_family_tables,
    profile_columns,
)


def _is_trivial(spec: object) -> bool:
    return spec is None or getattr(spec, "model", "") == "trivial"


def has_mutation(mutation: MutationModel) -> bool:
    """Return whether either sex has a (non-trivial) mutation model."""
    return not (_is_trivial(mutation.female) and _is_trivial(mutation.male))


@dataclass(frozen=True, slots=True, eq=False)
class PairwiseMatrix:
    """Pairwise LRs: rows missing persons, columns remains.

    ``log10_lr`` is ``-inf`` for LR 0 and ``nan`` where the pair is not considered (sexes differ).
    ``incompatible`` counts markers with LR 0 without mutation. ``identifiable`` is False for a
    missing person whose family data cannot tell him from an unrelated person (every LR is 1).
    """

    families: tuple[str, ...]
    missing: tuple[str, ...]
    remains: tuple[str, ...]
    log10_lr: npt.NDArray[np.float64]
    incompatible: npt.NDArray[np.int64]
    identifiable: npt.NDArray[np.bool_]

    @property
    def considered(self) -> npt.NDArray[np.bool_]:
        """Return the mask of pairs that are considered (sex-consistent)."""
        return ~np.isnan(self.log10_lr)

    def lr(self) -> npt.NDArray[np.float64]:
        """Return the LRs (``nan`` where not considered)."""
        with np.errstate(over="ignore"):
            result: npt.NDArray[np.float64] = np.power(10.0, self.log10_lr)
        return result


def canonical(family: Family) -> Family:
    """Return the family with person ids replaced by their positions (``#0``, ``#1``, ...).

    The kinship engine peels families of one structure together, indexing every family's
    persons by the first family's ids; position ids make structurally equal families agree.
    """
    ped = family.data.pedigree
    names = {p: f"#{i}" for i, p in enumerate(ped.ids)}
    renamed = Pedigree(tuple(names[p] for p in ped.ids), ped.sex, ped.father, ped.mother)
    typing = {
        m: {names[p]: g for p, g in by_person.items()}
        for m, by_person in family.data.typing.items()
    }
    data = PedigreeData(renamed, family.data.markers, typing)
    return Family(family.name, data, tuple(names[m] for m in family.missing))


def family_tables(
    families: Sequence[Family],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    source: str = "",
    inconsistent: OnInconsistent = "raise",
    zeros_only: bool = False,
) -> FamilyTables:
    """Build the kinship engine's LR tables with the families' own person ids in the rows.

    ``zeros_only``: only which LRs are 0 will be used (:func:`build_family_tables`). The
    peeled families' products run by BLAS (``blas``: the LRs within rounding of the exact
    order's, a few units in the last place).
    """
    tables = build_family_tables(
        [canonical(f) for f in families], table, mutation, source=source,
        inconsistent=inconsistent, zeros_only=zeros_only, blas=True,
    )  # fmt: skip
    positions = tuple(m for f in families for m in f.missing)
    return FamilyTables(
        tables.families, positions, tables.sexes, tables.markers, tables.log10_lr,
        tables.likelihood, tables.inconsistent,
    )  # fmt: skip


def _lookup(
    tables: Sequence[npt.NDArray[np.floating[Any]]], columns: Sequence[npt.NDArray[np.intp]]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    n_rows = tables[0].shape[0] if tables else 0
    n_cols = columns[0].size if columns else 0
    total = np.zeros((n_rows, n_cols))
    zeros = np.zeros((n_rows, n_cols), dtype=np.int64)
    for table, cols in zip(tables, columns, strict=True):
        part = np.take(table, cols, axis=1)
        total += part
        zeros += np.isneginf(part)
    return total, zeros


def _incompatible_tables(
    families: Sequence[Family], table: FrequencyTable, source: str
) -> list[tuple[int, FamilyTables | None]]:
    """No-mutation tables with their row counts; None for a family inconsistent without them.

    Only which LRs are 0 is used (the incompatible markers), so the tables are built with
    ``zeros_only`` (BLAS products: the same zeros, other values may differ in the last bits).
    """
    try:
        whole = family_tables(families, table, NO_MUTATION, source=source, zeros_only=True)
    except MendelianInconsistency:
        parts: list[tuple[int, FamilyTables | None]] = []
        for family in families:
            part: FamilyTables | None
            try:
                part = family_tables([family], table, NO_MUTATION, source=source, zeros_only=True)
            except MendelianInconsistency:
                part = _consistent_markers_tables(family, table, source)
            parts.append((len(family.missing), part))
        return parts
    return [(len(whole.families), whole)]


def _consistent_markers_tables(
    family: Family, table: FrequencyTable, source: str
) -> FamilyTables | None:
    """No-mutation tables of a family over the markers where its references are consistent.

    A marker where the references need a mutation cannot tell incompatibility (every genotype
    of the missing person is then impossible without mutation): it counts no incompatible
    marker; every other marker still counts. None when no marker is consistent.
    """
    data = family.data
    keep: list[str] = []
    for name in data.markers:
        one = PedigreeData(data.pedigree, (name,), {name: data.typing.get(name, {})})
        try:
            family_tables(
                [Family(family.name, one, family.missing)], table, NO_MUTATION, zeros_only=True
            )
        except MendelianInconsistency:
            continue
        keep.append(name)
    if not keep:
        return None
    typing = {name: data.typing.get(name, {}) for name in keep}
    part = Family(family.name, PedigreeData(data.pedigree, tuple(keep), typing), family.missing)
    return family_tables([part], table, NO_MUTATION, source=source, zeros_only=True)


def pairwise_matrix(
    families: Sequence[Family],
    remains: Sequence[Profile],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    families_source: str = "",
    remains_source: str = "",
) -> PairwiseMatrix:
    """Compute the LR of every remains against every missing person, and exclusion counts.

    Args:
        families: reference families with their missing persons.
        remains: the remains profiles.
        table: allele frequencies of every marker.
        mutation: mutation models used for the LRs (exclusions are counted without mutation).
        families_source: file name of the families for error messages.
        remains_source: file name of the remains for error messages.

    Returns:
        The matrix; rows in the order of the families' missing persons, columns as ``remains``.

    >>> from kintrace.kinship.markers import make_marker, FrequencyTable
    >>> from kintrace.dvi.data import parse_dvi_families, parse_remains
    >>> t = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    >>> fams = parse_dvi_families("family id fid mid sex missing M\\n"
    ...     "F MP 0 0 1 1 -/-\\nF CH MP 0 1 0 a/a\\n")
    >>> pm = pairwise_matrix(fams, parse_remains("id sex M\\nV 1 a/b\\n"), t)
    >>> round(float(pm.lr()[0, 0]), 12)  # paternity index 1 / (2 p_a)
    2.0
    """
    pm, _ = pairwise_with_likelihoods(
        families, remains, table, mutation,
        families_source=families_source, remains_source=remains_source,
    )  # fmt: skip
    return pm


def pairwise_with_likelihoods(
    families: Sequence[Family],
    remains: Sequence[Profile],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    families_source: str = "",
    remains_source: str = "",
) -> tuple[PairwiseMatrix, dict[str, float]]:
    """Return :func:`pairwise_matrix` and ``log10 L(F)`` of each family with a missing person.

    The family likelihoods come free with the LR tables (the peeling that gives ``P(M = g |
    F)`` gives ``P(F)`` too), so nothing is peeled twice. A family whose structure no other
    family shares is scored pair by pair instead (:mod:`kintrace.dvi.pairwise_direct`: the
    same numbers, without peeling every genotype of every position alone).
    """
    shapes = Counter(structure_key(f) for f in families)
    markers = sorted({m for f in families for m in f.data.markers if m in table})
    # the remains' alleles checked here, before any family is scored; the columns are kept
    checked = profile_columns(remains, [table[m] for m in markers], source=remains_source)
    known = dict(zip(markers, checked, strict=True))
    direct: dict[int, DirectRows] = {}
    for k, family in enumerate(families):
        if shapes[structure_key(family)] == 1 and _alleles_known(family, table):
            rows = direct_rows(
                family, remains, table, mutation, mutation_used=has_mutation(mutation)
            )
            if rows is not None:
                direct[k] = rows
    rest = [f for k, f in enumerate(families) if k not in direct]
    if not direct:
        return _table_pairwise(
            rest, remains, table, mutation, families_source=families_source,
            remains_source=remains_source, known=known,
        )  # fmt: skip
    parts: list[PairwiseMatrix] = []
    log10_family: dict[str, float] = {}
    by_rest: dict[str, PairwiseMatrix] = {}
    if rest:
        whole, rest_family = _table_pairwise(
            rest, remains, table, mutation, families_source=families_source,
            remains_source=remains_source, known=known,
        )  # fmt: skip
        log10_family.update(rest_family)
        for f in rest:
            mine = [i for i, name in enumerate(whole.families) if name == f.name]
            by_rest[f.name] = select(whole, mine, range(len(remains)))
    ids = tuple(p.id for p in remains)
    for k, family in enumerate(families):
        if k not in direct:
            parts.append(by_rest[family.name])
            continue
        d = direct[k]
        log10_lr = d.log10_lr.copy()
        parts.append(
            PairwiseMatrix(
                families=(family.name,) * len(family.missing),
                missing=tuple(family.missing),
                remains=ids,
                log10_lr=log10_lr,
                incompatible=d.incompatible,
                identifiable=d.informative,
            )
        )
        log10_family[family.name] = d.log10_family
    return stack(parts, ids), log10_family


def _alleles_known(family: Family, table: FrequencyTable) -> bool:
    """Whether every allele of the family is in the frequency table (else the tables report it)."""
    for name in family.data.markers:
        if name not in table:
            return False
        marker = table[name]
        for genotype in family.data.typing.get(name, {}).values():
            if any(a is not None and marker.index(a) < 0 for a in genotype):
                return False
    return True


def _table_pairwise(
    families: Sequence[Family],
    remains: Sequence[Profile],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    families_source: str = "",
    remains_source: str = "",
    known: Mapping[str, npt.NDArray[np.intp]] | None = None,
) -> tuple[PairwiseMatrix, dict[str, float]]:
    """:func:`pairwise_with_likelihoods` by the familial-search tables (every family).

    ``known``: the remains' table columns of some markers, already computed
    (:func:`profile_columns`).
    """
    tables = family_tables(families, table, mutation, source=families_source)
    known = known or {}

    def columns_of(markers: Sequence[Marker], source: str = "") -> list[npt.NDArray[np.intp]]:
        if all(m.name in known for m in markers):
            return [known[m.name] for m in markers]
        return profile_columns(remains, markers, source=source)

    columns = columns_of(tables.markers, remains_source)
    log10_lr, zeros = _lookup(tables.log10_lr, columns)
    rows = len(tables.families)
    incompatible = np.zeros((rows, len(remains)), dtype=np.int64)
    if has_mutation(mutation):
        start = 0
        for n_rows, part in _incompatible_tables(families, table, families_source):
            if part is not None:
                same = part.markers == tables.markers
                cols = columns if same else columns_of(part.markers)
                _, part_zeros = _lookup(part.log10_lr, cols)
                incompatible[start : start + n_rows] = part_zeros
            start += n_rows
    else:
        incompatible = zeros
    informative = np.zeros(rows, dtype=bool)
    for t in tables.log10_lr:
        informative |= np.any(np.abs(t) > 1e-9, axis=1)
    sexes = np.array([p.sex for p in remains], dtype=np.int64)
    row_sex = tables.sexes.astype(np.int64)[:, None]
    clash = (row_sex != sexes[None, :]) & (row_sex != 0) & (sexes[None, :] != 0)
    log10_lr[clash] = np.nan
    pm = PairwiseMatrix(
        families=tables.families,
        missing=tables.positions,
        remains=tuple(p.id for p in remains),
        log10_lr=log10_lr,
        incompatible=incompatible,
        identifiable=informative,
    )
    with np.errstate(divide="ignore"):
        log10_family = np.log10(tables.likelihood).sum(axis=1)
    return pm, {f: float(v) for f, v in zip(tables.families, log10_family, strict=True)}


def select(pm: PairwiseMatrix, rows: Sequence[int], cols: Sequence[int]) -> PairwiseMatrix:
    """Return the matrix restricted to some rows (missing persons) and columns (remains)."""
    r = np.asarray(rows, dtype=np.intp)
    c = np.asarray(cols, dtype=np.intp)
    return PairwiseMatrix(
        families=tuple(pm.families[i] for i in r),
        missing=tuple(pm.missing[i] for i in r),
        remains=tuple(pm.remains[i] for i in c),
        log10_lr=pm.log10_lr[np.ix_(r, c)],
        incompatible=pm.incompatible[np.ix_(r, c)],
        identifiable=pm.identifiable[r],
    )


def stack(parts: Sequence[PairwiseMatrix], remains: Sequence[str]) -> PairwiseMatrix:
    """Join matrices over the same remains (in that order) row-wise."""
    n = len(remains)
    return PairwiseMatrix(
        families=tuple(f for p in parts for f in p.families),
        missing=tuple(m for p in parts for m in p.missing),
        remains=tuple(remains),
        log10_lr=np.concatenate([p.log10_lr for p in parts]) if parts else np.zeros((0, n)),
        incompatible=(
            np.concatenate([p.incompatible for p in parts])
            if parts
            else np.zeros((0, n), dtype=np.int64)
        ),
        identifiable=(
            np.concatenate([p.identifiable for p in parts]) if parts else np.zeros(0, dtype=bool)
        ),
    )
