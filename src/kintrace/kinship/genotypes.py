"""Genotypes of persons at markers, as allele labels.

A genotype is a pair of allele labels, ``None`` for an allele not typed: ``("12", "13")``,
``("12", None)`` for ``12/-``, ``(None, None)`` untyped. A male at an X-linked marker is
hemizygous; he is stored as ``("a", "a")`` whether written ``a`` or ``a/a``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kintrace.errors import FrequencyError, SourceFormatError
from kintrace.kinship.markers import FrequencyTable, with_unseen_alleles
from kintrace.kinship.pedigree import Pedigree

Genotype = tuple[str | None, str | None]
UNTYPED: Genotype = (None, None)
MISSING_ALLELE = "-"

Typing = Mapping[str, Mapping[str, Genotype]]
"""Genotypes by marker name, then by person id; persons absent are untyped."""


def parse_genotype(cell: str, *, where: str = "") -> Genotype:
    """Parse a genotype cell: ``a/b``, ``a/-``, ``-/-`` (or ``-``), or ``a`` (hemizygous).

    >>> parse_genotype("9.3/10"), parse_genotype("-/12"), parse_genotype("-/-"), parse_genotype("8")
    (('9.3', '10'), ('12', None), (None, None), ('8', '8'))
    """
    text = cell.strip()
    if text in ("", MISSING_ALLELE):
        return UNTYPED
    parts = text.split("/")
    if len(parts) == 1:
        return (parts[0], parts[0])
    if len(parts) != 2 or any(not p.strip() for p in parts):
        raise SourceFormatError(f"{where}genotype {cell!r} is not a/b, a/- or -/-")
    a, b = (p.strip() for p in parts)
    first = None if a == MISSING_ALLELE else a
    second = None if b == MISSING_ALLELE else b
    if first is None and second is not None:
        return (second, None)
    return (first, second)


def format_genotype(genotype: Genotype) -> str:
    """Write a genotype as a ped-file cell.

    >>> format_genotype(("12", None)), format_genotype((None, None))
    ('12/-', '-/-')
    """
    a, b = genotype
    return f"{a or MISSING_ALLELE}/{b or MISSING_ALLELE}"


def is_typed(genotype: Genotype) -> bool:
    """Return whether at least one allele is typed."""
    return genotype[0] is not None or genotype[1] is not None


@dataclass(frozen=True, slots=True)
class PedigreeData:
    """A pedigree with the genotypes of its typed members at named markers.

    ``lines`` maps a person to the line of the file it came from (for error messages).
    """

    pedigree: Pedigree
    markers: tuple[str, ...]
    typing: Typing
    lines: Mapping[str, int] = field(default_factory=dict)

    def where(self, source: str, person: str) -> str:
        """Return ``source:line`` of a person when the line is known, else ``source``."""
        line = self.lines.get(person)
        return source if line is None else f"{source}:{line}"

    def genotype(self, marker: str, person: str) -> Genotype:
        """Return the genotype of a person at a marker (UNTYPED when absent)."""
        return self.typing.get(marker, {}).get(person, UNTYPED)

    def typed_persons(self) -> frozenset[str]:
        """Return the ids typed at one marker or more."""
        return frozenset(
            p for by_person in self.typing.values() for p, g in by_person.items() if is_typed(g)
        )


def check_alleles(data: PedigreeData, table: FrequencyTable, *, source: str = "") -> None:
    """Check that every marker and every typed allele is in the frequency table.

    Raises:
        FrequencyError: one problem line per missing marker and per (person, marker, allele).
    """
    prefix = f"{source}: " if source else ""
    problems: list[str] = []
    for marker in data.markers:
        if marker not in table:
            problems.append(f"{prefix}marker {marker}: not in the frequency table")
            continue
        known = table[marker]
        for person, genotype in data.typing.get(marker, {}).items():
            for allele in genotype:
                if allele is not None and known.index(allele) < 0:
                    where = f"{data.where(source, person)}: " if source else ""
                    problems.append(
                        f"{where}person {person}: marker {marker}: allele {allele} "
                        "is not in the frequency table"
                    )
    if problems:
        raise FrequencyError(problems[0], problems=sorted(set(problems), key=problems.index))


def all_alleles_known(datas: Iterable[PedigreeData], table: FrequencyTable) -> bool:
    """Whether :func:`check_alleles` would pass every one of ``datas`` (a fast check without
    messages: per marker, the distinct genotypes of all the families at once)."""
    markers = table.markers
    names: dict[str, set[Genotype]] = {}
    empty: dict[str, Genotype] = {}
    for data in datas:
        typing = data.typing
        for name in data.markers:
            seen = names.get(name)
            if seen is None:
                seen = names[name] = set()
            seen.update(typing.get(name, empty).values())
    for name, genotypes in names.items():
        marker = markers.get(name)
        if marker is None:
            return False
        alleles = {allele for genotype in genotypes for allele in genotype}
        alleles.discard(None)
        if not marker.knows(alleles):
            return False
    return True


def add_unseen_alleles(
    table: FrequencyTable, datasets: Iterable[PedigreeData], min_freq: float
) -> FrequencyTable:
    """Give every typed allele missing from the table ``min_freq`` and renormalise its marker.

    The rule Familias offers for alleles unseen in the database (see
    :func:`~kintrace.kinship.markers.with_unseen_alleles`); markers absent from the table stay
    absent (and :func:`check_alleles` still reports them).
    """
    seen: dict[str, set[str]] = {}
    for data in datasets:
        for marker in data.markers:
            for genotype in data.typing.get(marker, {}).values():
                seen.setdefault(marker, set()).update(a for a in genotype if a is not None)
    markers = dict(table.markers)
    for name, alleles in seen.items():
        if name in markers:
            markers[name] = with_unseen_alleles(markers[name], alleles, min_freq)
    return FrequencyTable(markers)
