"""Familias ``.fam`` DVI files: the remains and reference families of ``kintrace dvi --fam``.

A Familias 3 file saved from its DVI module holds, after the database (read by
:func:`kintrace.kinship.familias.parse_fam_database`), a ``[DVI]`` section of bracketed
headings (the number of brackets is the depth) and ``Key= value`` lines::

    [DVI]
    [[Unidentified persons]]
    nPersons= 2
    [[[Person 1 ]]]
    Name= V1
    Gender= Female                      Male, Female (anything else: unknown sex)
    [[[[DNA data]]]]
    nSystems= 1
    SystemName= TH01                    a locus of the database
    Allele1= 6                          allele labels (not indices as in the main part)
    Allele2= 9.3
    [[Notes]]                           free text per family; skipped
    [[Reference Families]]
    nFamilies= 1
    [[[Family 1 ]]]
    Name= F1
    [[[[Persons]]]]
    nPersons= 1
    [[[[[Person 1]]]]]
    Name= MO ...                        as above, one level deeper
    [[[[Pedigrees]]]]
    nPedigrees= 2
    [[[[[Pedigree 1]]]]]
    Name= Reference pedigree
    nRelations= 1
    Parent= MO
    Child= Missing person

The section ends at the next one-bracket heading (``[Prior]``, ``[Advanced]``) or at the end
of the file; :mod:`kintrace.dvi.fam_sections` reads it into a tree of sections. How a family
becomes a :class:`~kintrace.kinship.pedfile.Family`:

* **pedigree**: Familias keeps a "Reference pedigree" and the user's pedigree(s), usually
  identical copies. The pedigrees other than "Reference pedigree" are used (the reference one
  only when it is alone); when they differ from each other the file is refused, since the DVI
  engine takes one pedigree per family;
* **missing persons**: ``Missing person`` (Familias' own name for the family's missing person,
  who appears in the relations only) and every untyped person whose name starts with
  ``Missing`` (dvir's ``familias2dvir`` convention for families with several missing) or is
  ``M`` and a number (``M1``, ``M2``: thoree/dviapp's files);
* **persons**: those of the Persons list that are typed or appear in a relation of the chosen
  pedigree, then the names that appear in relations only, in order of appearance. Such a name
  has no recorded sex: a parent gets the sex opposite to a co-parent of known sex (the other
  parent of a shared child); a child's only recorded parent keeps unknown sex and takes the
  father's place (Familias reads him as that parent; remains of either sex are compared); two
  parents of a child whose sexes cannot be told are an error (add a sex in Familias); a person
  who is only a child keeps unknown sex;
* **ids**: a person's name, except that a name used in two families or by a remains is written
  ``FAMILY/NAME`` in every family (every family has a ``Missing person``);
* **markers**: the database's loci typed in somebody, in the database's order.

Every problem found after the sections are read is gathered, each naming the file and line;
a malformed section structure stops at its line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from kintrace.dvi.data import DviData
from kintrace.dvi.fam_sections import Section, SectionReader, parse_sections
from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.kinship.familias import FamiliasDatabase, parse_fam_database
from kintrace.kinship.genotypes import Genotype, PedigreeData
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import (
    NO_MUTATION,
    MutationByMarker,
    MutationModel,
    MutationSpec,
    marker_mutation,
)
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Sex, build_pedigree

MISSING_PERSON = "Missing person"
"""Familias' name, in the relations, of a reference family's missing person."""
MISSING_PREFIX = "Missing"
MISSING_SHORT = re.compile(r"M[0-9]+")
"""Untyped persons named M1, M2, ... are missing too (thoree/dviapp's files name them so)."""
"""Untyped persons whose name starts with this are missing too (dvir's convention)."""
REFERENCE_PEDIGREE = "Reference pedigree"
"""The copy of a family's pedigree that Familias keeps besides the user's own."""

_SEXES = {"male": Sex.MALE, "female": Sex.FEMALE}


@dataclass(frozen=True, slots=True)
class FamiliasDvi:
    """A DVI case read from a ``.fam`` file: the case data, database and mutation models.

    ``renamed`` lists ``(family, name in the file, id used)`` for every person whose id had
    to be qualified with the family's name.
    """

    data: DviData
    table: FrequencyTable
    mutation: MutationByMarker
    theta: float
    database: str
    renamed: tuple[tuple[str, str, str], ...] = ()


@dataclass
class _Person:
    name: str
    sex: Sex
    line: int
    genotypes: dict[str, Genotype]


@dataclass
class _Pedigree:
    name: str
    line: int
    relations: list[tuple[str, str, int]]  # parent, child, line of Parent=


def parse_fam_dvi(text: str, *, source: str = "<fam>") -> FamiliasDvi:
    """Parse a Familias ``.fam`` file with a ``[DVI]`` section into a DVI case.

    Args:
        text: the file's text.
        source: file name for error messages.

    Raises:
        SourceFormatError: one line per problem, ``file:line: ...: expected ...``.
    """
    base = parse_fam_database(text, source=source)
    lines = [line.strip() for line in text.splitlines()]
    start = next(
        (n for n in range(base.end_line, len(lines)) if lines[n] == "[DVI]"),
        None,
    )
    if start is None:
        raise SourceFormatError(
            f"{source}:{base.end_line + 1}: expected a [DVI] section after the database "
            "(this file is a kinship case: read it with `kintrace kinship fam`)"
        )
    root = parse_sections(lines, start, source)
    return _case(root, base, source)


class _Reader(SectionReader):
    """Reads persons and pedigrees; gathers the problems that do not stop reading."""

    def __init__(self, source: str, table: FrequencyTable) -> None:
        super().__init__(source)
        self.table = table
        self.problems: list[str] = []

    def person(self, section: Section, where: str) -> _Person:
        name, _ = self.value(section, "Name")
        gender, _ = self.value(section, "Gender", 1)
        sex = _SEXES.get(gender.strip().lower(), Sex.UNKNOWN)
        dna = self.child(section, "DNA data")
        n, _ = self.integer(dna, "nSystems")
        genotypes: dict[str, Genotype] = {}
        for k in range(n):
            marker, line = self.value(dna, "SystemName", 1 + 3 * k)
            first, line1 = self.value(dna, "Allele1", 2 + 3 * k)
            second, line2 = self.value(dna, "Allele2", 3 + 3 * k)
            here = f"{self.source}:{line}: {where}person {name}: marker {marker}"
            if marker in genotypes:
                self.problems.append(f"{here}: typed twice")
                continue
            if marker not in self.table:
                self.problems.append(f"{here}: not a locus of the database")
                continue
            alleles: list[str | None] = []
            for allele, at in ((first, line1), (second, line2)):
                if allele == "":
                    alleles.append(None)
                elif self.table[marker].index(allele) < 0:
                    self.problems.append(
                        f"{self.source}:{at}: {where}person {name}: marker {marker}: "
                        f"allele {allele!r} is not in the database"
                    )
                    alleles.append(None)
                else:
                    alleles.append(allele)
            a, b = alleles
            if a is None and b is None:
                continue
            genotypes[marker] = (a, b) if a is not None else (b, None)
        self.no_more(dna, 1 + 3 * n, f"no more than nSystems= {n} markers")
        return _Person(name, sex, section.line, genotypes)

    def pedigree(self, section: Section) -> _Pedigree:
        name, _ = self.value(section, "Name")
        n, _ = self.integer(section, "nRelations", 1)
        relations = []
        for k in range(n):
            parent, at = self.value(section, "Parent", 2 + 2 * k)
            child, _ = self.value(section, "Child", 3 + 2 * k)
            relations.append((parent, child, at))
        self.no_more(section, 2 + 2 * n, f"no more than nRelations= {n} pairs")
        return _Pedigree(name, section.line, relations)


def _case(root: Section, base: FamiliasDatabase, source: str) -> FamiliasDvi:
    reader = _Reader(source, base.table)
    unidentified = reader.child(root, "Unidentified persons")
    reader.count(unidentified, "nPersons", "person")
    remains = [reader.person(s, "") for s in unidentified.children]
    references = reader.child(root, "Reference Families")
    reader.count(references, "nFamilies", "family")
    read: list[tuple[str, int, list[_Person], _Pedigree]] = []
    for section in references.children:
        name, _ = reader.value(section, "Name")
        persons_section = reader.child(section, "Persons")
        reader.count(persons_section, "nPersons", "person")
        persons = [reader.person(s, f"family {name}: ") for s in persons_section.children]
        peds_section = reader.child(section, "Pedigrees")
        reader.count(peds_section, "nPedigrees", "pedigree")
        pedigrees = [reader.pedigree(s) for s in peds_section.children]
        chosen = _choose_pedigree(pedigrees, name, section.line, reader)
        if chosen is not None:
            read.append((name, section.line, persons, chosen))
    problems = reader.problems
    seen: dict[str, int] = {}
    for person in remains:
        if person.name in seen:
            problems.append(
                f"{source}:{person.line}: person {person.name}: name already used on line "
                f"{seen[person.name]}"
            )
        seen.setdefault(person.name, person.line)
    families_seen: dict[str, int] = {}
    for name, line, _, _ in read:
        if name in families_seen:
            problems.append(
                f"{source}:{line}: family {name}: name already used on line {families_seen[name]}"
            )
        families_seen.setdefault(name, line)
    members = []
    broken: set[str] = set()  # families whose members have problems: their pedigree is not built
    for name, line, persons, ped in read:
        before = len(problems)
        members.append(_members(name, line, persons, ped, source, problems))
        if len(problems) > before:
            broken.add(name)
    shared = Counter(n for kept, _ in members for n in {m.name for m in kept})
    clash = {n for n, k in shared.items() if k > 1} | {p.name for p in remains}
    families: list[Family] = []
    renamed: list[tuple[str, str, str]] = []
    markers = _markers(base.table, remains, members)
    for (name, _, _, ped), (kept, missing) in zip(read, members, strict=True):
        ids = {m.name: f"{name}/{m.name}" if m.name in clash else m.name for m in kept}
        renamed += [(name, m.name, ids[m.name]) for m in kept if ids[m.name] != m.name]
        if name in broken:
            continue
        family = _family(name, ped, kept, missing, ids, markers, source, problems)
        if family is not None:
            families.append(family)
    owner: dict[str, str] = {}
    for built in families:
        for pid in built.data.pedigree.ids:
            if owner.setdefault(pid, built.name) != built.name:
                problems.append(
                    f"{source}: person {pid}: expected ids unique across families, found it in "
                    f"families {owner[pid]} and {built.name}"
                )
    if not remains:
        problems.append(f"{source}:{unidentified.line}: expected unidentified persons, found none")
    if not read and not problems:
        problems.append(f"{source}:{references.line}: expected reference families, found none")
    if problems:
        raise SourceFormatError(problems[0], problems=problems)
    profiles = tuple(Profile(p.name, int(p.sex), p.genotypes) for p in remains)
    return FamiliasDvi(
        DviData(tuple(families), profiles),
        base.table,
        base.mutation,
        base.theta,
        base.database,
        tuple(renamed),
    )


def _choose_pedigree(
    pedigrees: Sequence[_Pedigree], family: str, line: int, reader: _Reader
) -> _Pedigree | None:
    """Return the family's pedigree: the user's own, or the reference copy when alone."""
    if not pedigrees:
        reader.problems.append(
            f"{reader.source}:{line}: family {family}: expected a pedigree, found none"
        )
        return None
    own = [p for p in pedigrees if p.name != REFERENCE_PEDIGREE] or list(pedigrees)
    shapes = {frozenset((a, b) for a, b, _ in p.relations) for p in own}
    if len(shapes) > 1:
        names = ", ".join(repr(p.name) for p in own)
        reader.problems.append(
            f"{reader.source}:{own[1].line}: family {family}: expected one pedigree, found "
            f"{len(own)} that differ ({names}); the DVI engine takes one pedigree per family: "
            "keep one in Familias"
        )
        return None
    return own[0]


def _members(
    family: str,
    line: int,
    persons: Sequence[_Person],
    ped: _Pedigree,
    source: str,
    problems: list[str],
) -> tuple[list[_Person], list[str]]:
    """Return the family's members (persons kept, then relation-only names) and its missing."""
    where = f"family {family}: "
    listed: dict[str, _Person] = {}
    for person in persons:
        if person.name in listed:
            problems.append(
                f"{source}:{person.line}: {where}person {person.name}: name already used on "
                f"line {listed[person.name].line}"
            )
        listed.setdefault(person.name, person)
    related = {n for parent, child, _ in ped.relations for n in (parent, child)}
    kept = {p.name: p for p in listed.values() if p.genotypes or p.name in related}
    for parent, child, at in ped.relations:
        for name in (parent, child):
            if name not in kept:
                kept[name] = _Person(name, Sex.UNKNOWN, at, {})
    _derive_sexes(kept, ped, where, source, problems)
    missing = []
    for person in kept.values():
        if (
            person.name == MISSING_PERSON
            or person.name.startswith(MISSING_PREFIX)
            or (MISSING_SHORT.fullmatch(person.name) is not None and not person.genotypes)
        ):
            if person.genotypes:
                problems.append(
                    f"{source}:{person.line}: {where}person {person.name}: expected no DNA "
                    "data (the name marks a missing person), found typed markers"
                )
            missing.append(person.name)
    if not missing:
        problems.append(
            f"{source}:{ped.line}: {where}expected a missing person ({MISSING_PERSON!r} in "
            f"a relation, or an untyped person named {MISSING_PREFIX!r}...), found none"
        )
    return list(kept.values()), missing


def _derive_sexes(
    members: Mapping[str, _Person],
    ped: _Pedigree,
    where: str,
    source: str,
    problems: list[str],
) -> None:
    """Give each parent of unknown sex the sex opposite to a co-parent's; check the parents."""
    parents_of: dict[str, list[str]] = {}
    for parent, child, _ in ped.relations:
        if parent not in parents_of.setdefault(child, []):
            parents_of[child].append(parent)
    changed = True
    while changed:
        changed = False
        for parents in parents_of.values():
            known = [members[p].sex for p in parents if members[p].sex != Sex.UNKNOWN]
            for p in parents:
                if members[p].sex == Sex.UNKNOWN and len(known) == 1:
                    members[p].sex = Sex.FEMALE if known[0] == Sex.MALE else Sex.MALE
                    changed = True
    first_line = {p: at for p, _, at in reversed(ped.relations)}
    for parent in dict.fromkeys(p for parents in parents_of.values() for p in parents):
        alone = all(len(ps) == 1 for ps in parents_of.values() if parent in ps)
        if members[parent].sex == Sex.UNKNOWN and not alone:
            problems.append(
                f"{source}:{first_line[parent]}: {where}person {parent}: expected a parent of "
                "known sex, found none recorded and no co-parent of known sex to tell it "
                "(add the child's other parent in Familias)"
            )
    for child, parents in parents_of.items():
        sexes = [members[p].sex for p in parents]
        if len(parents) > 2 or (len(parents) == 2 and sexes[0] == sexes[1] != Sex.UNKNOWN):
            problems.append(
                f"{source}:{first_line[parents[-1]]}: {where}person {child}: expected one "
                f"father and one mother, found parents {', '.join(parents)}"
            )


def _markers(
    table: FrequencyTable,
    remains: Sequence[_Person],
    members: Sequence[tuple[list[_Person], list[str]]],
) -> tuple[str, ...]:
    """Return the database's loci typed in a remains or a family member, in database order."""
    typed = {m for p in remains for m in p.genotypes}
    typed |= {m for kept, _ in members for p in kept for m in p.genotypes}
    return tuple(name for name in table.names if name in typed)


def _family(
    name: str,
    ped: _Pedigree,
    members: Sequence[_Person],
    missing: Sequence[str],
    ids: Mapping[str, str],
    markers: tuple[str, ...],
    source: str,
    problems: list[str],
) -> Family | None:
    """Build one reference family (pedigree, typing, missing ids) from its members."""
    sex = {m.name: m.sex for m in members}
    fathers: dict[str, str] = {}
    mothers: dict[str, str] = {}
    # a parent of unknown sex is a child's only recorded parent (Familias reads him so): he
    # takes the father's place, his sex stays unknown (remains of either sex are compared)
    unknown = {parent for parent, _, _ in ped.relations if sex[parent] == Sex.UNKNOWN}
    for parent, child, _ in ped.relations:
        (fathers if sex[parent] in (Sex.MALE, Sex.UNKNOWN) else mothers)[child] = ids[parent]
    try:
        pedigree = build_pedigree(
            [ids[m.name] for m in members],
            [fathers.get(m.name) for m in members],
            [mothers.get(m.name) for m in members],
            [int(Sex.MALE if m.name in unknown else m.sex) for m in members],
            source=source,
            lines=[m.line for m in members],
        )
    except InvalidInput as error:
        problems.extend(f"{p} (family {name})" for p in error.problems)
        return None
    if unknown:
        pedigree = replace(
            pedigree, sex=tuple(m.sex if m.name in unknown else s for m, s in
                                zip(members, pedigree.sex, strict=True)),
        )  # fmt: skip
    typing: dict[str, dict[str, Genotype]] = {m: {} for m in markers}
    for member in members:
        for marker, genotype in member.genotypes.items():
            typing[marker][ids[member.name]] = genotype
    lines = {ids[m.name]: m.line for m in members}
    data = PedigreeData(pedigree, markers, typing, lines)
    return Family(name, data, tuple(ids[n] for n in missing))


def _spec_key(spec: MutationSpec | None) -> tuple[object, ...] | None:
    if spec is None or spec.model == "trivial" or not (spec.rate or spec.rate2):
        return None
    return (spec.model, spec.rate, spec.rate2, spec.range, spec.seed)


def common_mutation(mutation: MutationByMarker, markers: Sequence[str]) -> MutationModel | None:
    """Return the one mutation model all these markers share, or None when they differ.

    A model with rate 0 (and rate2 0) counts as no mutation.

    >>> eq = MutationModel.both(MutationSpec("equal", rate=0.001))
    >>> common_mutation({"A": eq, "B": eq}, ["A", "B"]) is eq
    True
    >>> common_mutation({"A": eq}, ["A", "B"]) is None
    True
    """
    models = [marker_mutation(mutation, m) for m in markers]
    keys = {(_spec_key(m.female), _spec_key(m.male)) for m in models}
    if len(keys) > 1:
        return None
    if not models or keys == {(None, None)}:
        return NO_MUTATION
    return models[0]


def describe_mutation(model: MutationModel) -> str:
    """Describe a mutation model in words for reports (``none`` without mutation).

    >>> describe_mutation(MutationModel.both(MutationSpec("equal", rate=0.001)))
    'equal (rate 0.001)'
    >>> describe_mutation(MutationModel(male=MutationSpec("equal", rate=0.002)))
    'female: none; male: equal (rate 0.002)'
    """
    female, male = (_describe_spec(s) for s in (model.female, model.male))
    return female if female == male else f"female: {female}; male: {male}"


def _describe_spec(spec: MutationSpec | None) -> str:
    if _spec_key(spec) is None or spec is None:
        return "none"
    params = [
        f"{key} {value:g}"
        for key, value in (("rate", spec.rate), ("rate2", spec.rate2), ("range", spec.range))
        if value is not None
    ]
    return f"{spec.model} ({', '.join(params)})" if params else spec.model
