"""Parse and write ped files: ``id fid mid sex`` + one genotype column per marker.

Cells are separated by tabs or spaces. ``0`` is an unknown parent; sex is ``1`` male, ``2``
female, ``0`` unknown; genotypes are ``a/b``, ``a/-`` or ``-/-``, and a male at an X-linked marker
may be written ``a``. The same cell rules serve the families file of familial search and DVI
(``family id fid mid sex missing`` + markers) and the profiles file (``id sex`` + markers).
Every problem is gathered, each naming file, line, person and column, before one error is raised.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.kinship.genotypes import Genotype, PedigreeData, format_genotype, parse_genotype
from kintrace.kinship.pedigree import NO_PARENT, build_pedigree

PED_COLUMNS = ("id", "fid", "mid", "sex")
FAMILY_COLUMNS = ("family", "id", "fid", "mid", "sex", "missing")
PROFILE_COLUMNS = ("id", "sex")


@dataclass(frozen=True, slots=True)
class Family:
    """A reference family: its pedigree and typing, and the ids of its missing persons."""

    name: str
    data: PedigreeData
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """An unidentified profile: sample id, sex code and genotypes by marker."""

    id: str
    sex: int
    genotypes: dict[str, Genotype]


class _Table:
    """Rows of a whitespace-separated file with a fixed leading header."""

    def __init__(self, text: str, leading: tuple[str, ...], source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        lines = [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not lines or tuple(c.lower() for c in lines[0][1][: len(leading)]) != leading:
            raise SourceFormatError(f"{source}:1: header must start with {' '.join(leading)}")
        self.markers = tuple(lines[0][1][len(leading) :])
        if len(set(self.markers)) != len(self.markers):
            self.problems.append(f"{source}:1: a marker column is given twice")
        width = len(leading) + len(self.markers)
        self.rows: list[tuple[int, list[str]]] = []
        for n, cells in lines[1:]:
            if len(cells) != width:
                self.problems.append(f"{source}:{n}: {len(cells)} fields, expected {width}")
            else:
                self.rows.append((n, cells))

    def sex(self, line: int, person: str, cell: str) -> int:
        if cell not in ("0", "1", "2"):
            self.problems.append(f"{self.source}:{line}: person {person}: sex {cell!r} not 0, 1, 2")
            return 0
        return int(cell)

    def genotypes(
        self, line: int, person: str, cells: list[str], xlinked: Collection[str] | None
    ) -> dict[str, Genotype]:
        result: dict[str, Genotype] = {}
        for marker, cell in zip(self.markers, cells, strict=True):
            try:
                genotype = _cell(cell)
            except InvalidInput:
                # parsed again only to word the problem with its place
                where = f"{self.source}:{line}: person {person}: marker {marker}: "
                try:
                    parse_genotype(cell, where=where)
                except InvalidInput as error:
                    self.problems.extend(error.problems)
                continue
            single = "/" not in cell and cell.strip() not in ("-", "")
            if single and xlinked is not None and marker not in xlinked:
                where = f"{self.source}:{line}: person {person}: marker {marker}: "
                self.problems.append(f"{where}one allele {cell!r} at an autosomal marker")
            if genotype != (None, None):
                result[marker] = genotype
        return result

    def raise_problems(self) -> None:
        if self.problems:
            raise SourceFormatError(self.problems[0], problems=self.problems)


@functools.lru_cache(maxsize=8192)
def _cell(cell: str) -> Genotype:
    """:func:`parse_genotype` of a cell, remembered: a file repeats a few hundred cells (the
    same genotypes, ``-/-``) thousands of times. Genotypes are tuples, never written to."""
    return parse_genotype(cell)


def parse_ped(
    text: str, *, source: str = "<ped>", xlinked: Collection[str] | None = None
) -> PedigreeData:
    """Parse a ped file into a pedigree with genotypes.

    Args:
        text: the file's text.
        source: file name used in error messages.
        xlinked: names of X-linked markers; when given, a single-allele cell at any other
            marker is an error.

    >>> data = parse_ped("id fid mid sex TH01\\nAF 0 0 1 12/12\\nCH AF 0 1 12/13\\n")
    >>> data.pedigree.father, data.genotype("TH01", "CH")
    ((-1, 0), ('12', '13'))
    """
    table = _Table(text, PED_COLUMNS, source)
    ids, fathers, mothers, sexes, lines = [], [], [], [], []
    typing: dict[str, dict[str, Genotype]] = {m: {} for m in table.markers}
    for line, cells in table.rows:
        person = cells[0]
        ids.append(person)
        lines.append(line)
        fathers.append(None if cells[1] == "0" else cells[1])
        mothers.append(None if cells[2] == "0" else cells[2])
        sexes.append(table.sex(line, person, cells[3]))
        for marker, genotype in table.genotypes(line, person, cells[4:], xlinked).items():
            typing[marker][person] = genotype
    table.raise_problems()
    ped = build_pedigree(ids, fathers, mothers, sexes, source=source, lines=lines)
    return PedigreeData(ped, table.markers, typing, dict(zip(ids, lines, strict=True)))


def format_ped(data: PedigreeData) -> str:
    """Write a pedigree with genotypes as ped-file text (tab-separated)."""
    ped = data.pedigree
    lines = ["\t".join(PED_COLUMNS + data.markers)]
    for i, person in enumerate(ped.ids):
        fid = "0" if ped.father[i] == NO_PARENT else ped.ids[ped.father[i]]
        mid = "0" if ped.mother[i] == NO_PARENT else ped.ids[ped.mother[i]]
        cells = [person, fid, mid, str(int(ped.sex[i]))]
        cells += [format_genotype(data.genotype(m, person)) for m in data.markers]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def parse_profiles(
    text: str, *, source: str = "<profiles>", xlinked: Collection[str] | None = None
) -> tuple[tuple[str, ...], list[Profile]]:
    """Parse a profiles file (``id sex`` + markers); return the marker names and the profiles."""
    table = _Table(text, PROFILE_COLUMNS, source)
    profiles: list[Profile] = []
    seen: set[str] = set()
    for line, cells in table.rows:
        if cells[0] in seen:
            table.problems.append(f"{source}:{line}: person {cells[0]}: id given twice")
        seen.add(cells[0])
        sex = table.sex(line, cells[0], cells[1])
        profiles.append(Profile(cells[0], sex, table.genotypes(line, cells[0], cells[2:], xlinked)))
    table.raise_problems()
    return table.markers, profiles


def parse_families(
    text: str, *, source: str = "<families>", xlinked: Collection[str] | None = None
) -> list[Family]:
    """Parse a families file (``family id fid mid sex missing`` + markers), in file order."""
    table = _Table(text, FAMILY_COLUMNS, source)
    rows: dict[str, list[tuple[int, list[str]]]] = {}
    for line, cells in table.rows:
        rows.setdefault(cells[0], []).append((line, cells[1:]))
    families: list[Family] = []
    for name, members in rows.items():
        ids, fathers, mothers, sexes, missing, lines = [], [], [], [], [], []
        typing: dict[str, dict[str, Genotype]] = {m: {} for m in table.markers}
        for line, cells in members:
            person = cells[0]
            ids.append(person)
            lines.append(line)
            fathers.append(None if cells[1] == "0" else cells[1])
            mothers.append(None if cells[2] == "0" else cells[2])
            sexes.append(table.sex(line, person, cells[3]))
            if cells[4] not in ("0", "1"):
                table.problems.append(f"{source}:{line}: person {person}: missing must be 0 or 1")
            genotypes = table.genotypes(line, person, cells[5:], xlinked)
            if cells[4] == "1":
                missing.append(person)
                if genotypes:
                    table.problems.append(f"{source}:{line}: person {person}: missing but typed")
            for marker, genotype in genotypes.items():
                typing[marker][person] = genotype
        if not missing:
            table.problems.append(f"{source}: family {name}: no person is marked missing")
        try:
            ped = build_pedigree(ids, fathers, mothers, sexes, source=source, lines=lines)
        except InvalidInput as error:
            table.problems.extend(error.problems)
            continue
        data = PedigreeData(ped, table.markers, typing, dict(zip(ids, lines, strict=True)))
        families.append(Family(name, data, tuple(missing)))
    table.raise_problems()
    return families
