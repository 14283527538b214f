"""DVI input: reference families (with missing persons) and remains profiles, checked together.

The ped cell rules are the kinship engine's (:mod:`kintrace.kinship.pedfile`); this module adds
what DVI needs on top: ids unique across the families file and across both files, and a problem
line naming file, line and field for each violation, all gathered before one error is raised.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from kintrace.errors import SourceFormatError
from kintrace.kinship.genotypes import PedigreeData, is_typed
from kintrace.kinship.pedfile import Family, Profile, parse_families, parse_profiles


@dataclass(frozen=True, slots=True)
class DviData:
    """Reference families and remains profiles of one DVI case."""

    families: tuple[Family, ...]
    remains: tuple[Profile, ...]

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """Return ``(family, missing id)`` for every missing person, in file order."""
        return tuple((f.name, m) for f in self.families for m in f.missing)


def _id_lines(text: str, column: int) -> list[tuple[int, str]]:
    """Return ``(line number, id)`` of every data row (the header is skipped)."""
    rows = [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    return [(n, cells[column]) for n, cells in rows[1:] if len(cells) > column]


def parse_dvi_families(
    text: str, *, source: str = "<families>", xlinked: Collection[str] | None = None
) -> list[Family]:
    """Parse a DVI families file: ``family id fid mid sex missing`` + one column per marker.

    Raises:
        SourceFormatError: one line per problem (file:line: person: field: message); ids must
            be unique across the whole file, not only within a family.

    >>> fams = parse_dvi_families("family id fid mid sex missing TH01\\nF1 R 0 0 1 0 9/9\\n"
    ...                           "F1 M R 0 1 1 -/-\\n")
    >>> fams[0].name, fams[0].missing
    ('F1', ('M',))
    """
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, person in _id_lines(text, 1):
        if person in seen:
            problems.append(
                f"{source}:{line}: person {person}: id: already used on line {seen[person]} "
                "(ids must be unique across the file)"
            )
        seen.setdefault(person, line)
    try:
        families = parse_families(text, source=source, xlinked=xlinked)
    except SourceFormatError as error:
        raise SourceFormatError(error.problems[0], problems=[*error.problems, *problems]) from error
    if problems:
        raise SourceFormatError(problems[0], problems=problems)
    if not families:
        raise SourceFormatError(f"{source}: no family, only a header; expected one row per person")
    return families


def parse_remains(
    text: str, *, source: str = "<remains>", xlinked: Collection[str] | None = None
) -> list[Profile]:
    """Parse a remains file: ``id sex`` + one column per marker.

    >>> [p.id for p in parse_remains("id sex TH01\\nV1 1 9/10\\nV2 2 -/-\\n")]
    ['V1', 'V2']
    """
    _, profiles = parse_profiles(text, source=source, xlinked=xlinked)
    return profiles


def check_dvi(
    families: Sequence[Family],
    remains: Sequence[Profile],
    *,
    remains_text: str = "",
    remains_source: str = "<remains>",
) -> DviData:
    """Check that there are families and remains and that no remains id is also a person id in
    the families; return the case data.

    Raises:
        SourceFormatError: a file with no family or no remains (a header alone); one line per
            clashing id (with its line in the remains file when ``remains_text`` is given).
    """
    if not families:
        raise SourceFormatError("the families file has no family (a header alone?)")
    if not remains:
        raise SourceFormatError(f"{remains_source}: no remains (a header alone?)")
    persons = {p for f in families for p in f.data.pedigree.ids}
    lines = dict((person, line) for line, person in _id_lines(remains_text, 0))
    problems = [
        f"{remains_source}:{lines.get(p.id, '?')}: person {p.id}: id: also a person id in the "
        "families file"
        for p in remains
        if p.id in persons
    ]
    if problems:
        raise SourceFormatError(problems[0], problems=problems)
    return DviData(tuple(families), tuple(remains))


def with_victim(family: Family, missing: str, profile: Profile) -> Family:
    """Return the family with the profile's genotypes placed on one missing person.

    The person stops being missing; the family keeps its other missing persons.
    """
    data = family.data
    typing = {marker: dict(by_person) for marker, by_person in data.typing.items()}
    for marker, genotype in profile.genotypes.items():
        if marker in typing:
            typing[marker][missing] = genotype
    rest = tuple(m for m in family.missing if m != missing)
    return Family(family.name, PedigreeData(data.pedigree, data.markers, typing), rest)


def jointly_informative(family: Family) -> frozenset[str]:
    """Return the family's missing persons who are blood relatives of another missing person.

    Such a person may be identified jointly even when every pairwise LR is 1 (dvir's
    ``example1``: the grandfather, whose only typed relative is his partner, is told apart once
    his son and grandson are placed). Two persons are blood relatives when one is the other's
    ancestor or they share one; a person with no blood relative among the typed persons and the
    other missing persons is independent of them all, whatever is placed.

    >>> fams = parse_dvi_families("family id fid mid sex missing M\\nF A 0 0 1 1 -/-\\n"
    ...     "F W 0 0 2 0 a/a\\nF B A W 1 1 -/-\\nF C 0 0 1 1 -/-\\n")
    >>> sorted(jointly_informative(fams[0]))
    ['A', 'B']
    """
    ped = family.data.pedigree
    lines: list[set[int]] = []
    for i in range(ped.size):
        seen = {i}
        todo = [i]
        while todo:
            j = todo.pop()
            for parent in (ped.father[j], ped.mother[j]):
                if parent >= 0 and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        lines.append(seen)
    missing = [ped.index(m) for m in family.missing]
    return frozenset(
        ped.ids[i] for i in missing if any(j != i and lines[i] & lines[j] for j in missing)
    )


def independent_groups(family: Family) -> dict[str, int]:
    """Split the family's missing persons into groups independent given its typed members.

    Two missing persons are in different groups when every path between them in the moral
    graph of the pedigree (parent-child links, and the two parents of each child linked)
    passes through a person typed at every marker of the family. Given the typed members'
    genotypes the groups' genotypes are then independent (d-separation: separated in the
    moral graph of the whole pedigree, hence in that of any ancestral set), so the likelihood
    of placing victims in several groups is the product of the groups':
    ``L(F + P) / L(F) = prod_g L(F + P_g) / L(F)``, and each group can be searched as its own
    unit. A person typed at some markers only (or half-typed) does not separate.

    >>> fams = parse_dvi_families("family id fid mid sex missing M\\nF GF 0 0 1 1 -/-\\n"
    ...     "F GM 0 0 2 0 a/a\\nF FA GF GM 1 0 a/b\\nF MO 0 0 2 0 -/-\\n"
    ...     "F S1 FA MO 1 1 -/-\\nF S2 FA MO 1 1 -/-\\n")
    >>> independent_groups(fams[0])  # the typed father separates his father from his sons
    {'GF': 0, 'S1': 1, 'S2': 1}
    """
    if len(family.missing) == 1:  # one group, whatever separates
        return {family.missing[0]: 0}
    ped = family.data.pedigree
    markers = family.data.markers
    typed = {
        i
        for i, pid in enumerate(ped.ids)
        if markers
        and all(
            (g := family.data.typing.get(m, {}).get(pid)) is not None
            and is_typed(g)
            and None not in g
            for m in markers
        )
    }
    root = list(range(ped.size))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    def link(i: int, j: int) -> None:
        if i >= 0 and j >= 0 and i not in typed and j not in typed:
            root[find(i)] = find(j)

    for child in range(ped.size):
        father, mother = ped.father[child], ped.mother[child]
        link(child, father)
        link(child, mother)
        link(father, mother)
    groups: dict[int, int] = {}
    out: dict[str, int] = {}
    for m in family.missing:
        out[m] = groups.setdefault(find(ped.index(m)), len(groups))
    return out
