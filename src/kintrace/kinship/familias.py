"""Familias ``.fam`` files: persons, pedigree hypotheses, the frequency database and mutation.

A ``.fam`` file (Familias 3, Egeland et al. 2000) is one value a line, strings in double
quotes. The layout, as Familias writes it and as R's pedFamilias reads and writes it:

1. three header lines (the third is the version), then a line that may be empty, then the
   number of persons;
2. per person: name, ``#FALSE#``, ``-1`` (maybe ``-1 (Consider dropouts)``), ``#FALSE#``,
   ``#TRUE#`` for a male else ``#FALSE#``, the number ``k`` of typed markers, then ``k``
   triples (first allele, second allele, marker), all 0-based indices into the database;
3. ``"Known relations"``, the numbers of extra females and males, the number of parent–child
   pairs, the pairs (parent, child) — shared by every pedigree;
4. the number of pedigrees; per pedigree: its index, name, extra females, extra males, the
   number of pairs and the pairs;
5. ``#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: θ )``, the number of loci, ``#TRUE#`` and the
   database name; per locus: name, female and male rate, female and male model code (0 equal,
   1 proportional, 2 stepwise, 3 stationary stepwise, 4 extended stepwise), the number of
   alleles, female and male range, female and male rate2, ``#FALSE#`` (no silent allele), the
   silent frequency, ``n<TAB>(DatabaseSize = ...)`` and ``n`` pairs of allele and frequency;
6. optional sections (``[Advanced]``, ``[DVI]``), not read here: :func:`parse_fam_database`
   gives the database and where it ends, and :mod:`kintrace.dvi.familias` reads ``[DVI]``.

Extra persons (unnamed in Familias) get the ids ``added_1``, ``added_2``, ... Familias has no
unknown sex: a person of unknown sex is written as a female. A one-allele genotype is written
with ``-1`` for the untyped allele. Stationary stepwise models (code 3, Familias' own
stabilisation) are not supported and raise an error; so does a ``[DVI]`` section in
:func:`parse_fam`, which reads kinship cases only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kintrace.errors import SourceFormatError
from kintrace.kinship.genotypes import Genotype, PedigreeData
from kintrace.kinship.markers import FrequencyTable, Marker, make_marker
from kintrace.kinship.mutation import (
    NO_MUTATION,
    MutationByMarker,
    MutationModel,
    MutationSpec,
    marker_mutation,
)
from kintrace.kinship.pedigree import NO_PARENT, Pedigree, Sex, build_pedigree

ADDED_PREFIX = "added_"
MAX_EXTRA_PERSONS = 1000
"""Most extra (untyped) females or males a pedigree of a ``.fam`` file may add."""
_MODEL_CODES = {0: "equal", 1: "proportional", 2: "stepwise", 4: "stepwise"}
_THETA = re.compile(r"Theta/Kinship/Fst:\s*([0-9.eE+-]+)")


@dataclass(frozen=True, slots=True)
class FamiliasCase:
    """What a ``.fam`` file holds: named hypotheses, the database, mutation models and theta."""

    hypotheses: Mapping[str, PedigreeData]
    table: FrequencyTable
    mutation: MutationByMarker
    theta: float
    database: str = "unknown"


class _Lines:
    """A cursor over the unquoted lines of a ``.fam`` file, naming the line on each error."""

    def __init__(self, text: str, source: str) -> None:
        self.lines = [line.strip().replace('"', "") for line in text.splitlines()]
        self.source = source
        self.at = 0

    def error(self, what: str, line: int | None = None) -> SourceFormatError:
        n = self.at if line is None else line
        found = self.lines[n - 1] if 0 < n <= len(self.lines) else "end of file"
        return SourceFormatError(f"{self.source}:{n}: expected {what}, found {found!r}")

    def text(self, what: str) -> str:
        self.at += 1
        if self.at > len(self.lines):
            raise self.error(what)
        return self.lines[self.at - 1]

    def integer(self, what: str) -> int:
        value = self.text(what)
        try:
            return int(value.split()[0])
        except (ValueError, IndexError):
            raise self.error(what) from None

    def number(self, what: str) -> float:
        try:
            value = float(self.text(what))
        except ValueError:
            raise self.error(what) from None
        if not math.isfinite(value):
            raise self.error(f"{what} (a finite number)")
        return value

    def count(self, what: str, *, lines_each: int = 1, cap: int | None = None) -> int:
        """Read a count of items that follow: not negative, within ``cap`` and the file."""
        value = self.integer(what)
        most = (len(self.lines) - self.at) // lines_each if cap is None else cap
        if not 0 <= value <= most:
            raise self.error(f"{what} (a whole number from 0 to {most})")
        return value


@dataclass
class _Person:
    name: str
    male: bool
    alleles: list[tuple[int, int, int, int]]  # first, second, marker, line


@dataclass(frozen=True, slots=True)
class FamiliasDatabase:
    """The database part of a ``.fam`` file, and the line where that part ends.

    ``end_line`` is the 1-based number of the database's last line: optional sections
    (``[DVI]``, ``[Advanced]``) follow it.
    """

    table: FrequencyTable
    mutation: MutationByMarker
    theta: float
    database: str
    end_line: int


@dataclass
class _Main:
    """The main part of a ``.fam`` file as read, before the pedigrees are built."""

    persons: list[_Person]
    shared_extra: tuple[int, int]
    shared_pairs: list[tuple[int, int]]
    hypotheses: list[tuple[str, tuple[int, int], list[tuple[int, int]]]]
    theta: float
    table: FrequencyTable
    mutation: MutationByMarker
    database: str
    order: dict[str, list[str]]


def _read_main(cur: _Lines, xlinked: bool) -> _Main:
    """Read the header, persons, relations, pedigrees and database (sections 1 to 5)."""
    for _ in range(3):
        cur.text("a header line")
    if cur.lines[cur.at : cur.at + 1] == [""]:
        cur.at += 1
    persons = [_read_person(cur) for _ in range(cur.count("the number of persons", lines_each=5))]
    if cur.text('"Known relations"') != "Known relations":
        raise cur.error('"Known relations"')
    shared_extra, shared_pairs = _read_relations(cur)
    hypotheses: list[tuple[str, tuple[int, int], list[tuple[int, int]]]] = []
    n_peds = cur.count("the number of pedigrees", lines_each=5)
    for k in range(n_peds):
        cur.integer("the pedigree index")
        name = cur.text("the pedigree name") or f"Ped {k + 1}"
        extra, pairs = _read_relations(cur)
        hypotheses.append((name, extra, pairs))
    header = cur.text("the database line")
    if header.startswith("#TRUE#"):
        raise cur.error("no precomputed probabilities (#FALSE#)")
    match = _THETA.search(header)
    try:
        theta = float(match.group(1)) if match else 0.0
    except ValueError:
        theta = math.nan
    if not 0.0 <= theta < 1.0:
        raise cur.error("a theta (Fst) from 0 to below 1")
    table, mutation, database, order = _read_database(cur, xlinked)
    return _Main(
        persons, shared_extra, shared_pairs, hypotheses, theta, table, mutation, database, order
    )


def parse_fam(text: str, *, source: str = "<fam>", xlinked: bool = False) -> FamiliasCase:
    """Parse a Familias ``.fam`` file (persons, pedigrees, database, mutation models).

    Args:
        text: the file's text.
        source: file name for error messages.
        xlinked: mark every marker X-linked (Familias files do not say).

    Raises:
        SourceFormatError: naming the file and line that does not fit the layout; a file with
            a ``[DVI]`` section is refused (:mod:`kintrace.dvi.familias` reads those).
    """
    cur = _Lines(text, source)
    main = _read_main(cur, xlinked)
    if "[DVI]" in cur.lines:
        line = cur.lines.index("[DVI]") + 1
        raise SourceFormatError(
            f"{source}:{line}: a DVI section: this reader takes kinship cases only "
            "(DVI files are read by kintrace.dvi.familias, `kintrace dvi --fam`)"
        )
    if not main.hypotheses:
        what = "only a frequency database" if not main.persons else "persons but no pedigree"
        raise SourceFormatError(
            f"{source}: no pedigree to compare: the file holds {what}; an LR needs the "
            "pedigree hypotheses (define them in Familias)"
        )
    hypotheses = main.hypotheses
    persons = main.persons
    result: dict[str, PedigreeData] = {}
    for name, extra, pairs in hypotheses:
        if name in result:
            raise SourceFormatError(f"{source}: pedigree {name!r} given twice")
        ped = _pedigree(persons, main.shared_extra, main.shared_pairs, extra, pairs, source, name)
        result[name] = PedigreeData(ped, main.table.names, _typing(persons, main.order, source))
    return FamiliasCase(result, main.table, main.mutation, main.theta, main.database)


def parse_fam_database(
    text: str, *, source: str = "<fam>", xlinked: bool = False
) -> FamiliasDatabase:
    """Parse the database part of a ``.fam`` file: frequencies, mutation models and theta.

    The persons and pedigrees of the main part are read (to reach the database) but not
    built; a DVI file has none there, its cases are in the ``[DVI]`` section that follows.

    Raises:
        SourceFormatError: naming the file and line that does not fit the layout.
    """
    cur = _Lines(text, source)
    main = _read_main(cur, xlinked)
    return FamiliasDatabase(main.table, main.mutation, main.theta, main.database, cur.at)


def _read_person(cur: _Lines) -> _Person:
    name = cur.text("a person's name")
    for _ in range(3):
        cur.text("a person field")
    male = cur.text("#TRUE# or #FALSE# (male)") == "#TRUE#"
    alleles = []
    for _ in range(cur.count(f"the number of typed markers of {name}", lines_each=3)):
        line = cur.at + 1
        first = cur.integer("an allele index")
        second = cur.integer("an allele index")
        alleles.append((first, second, cur.integer("a marker index"), line))
    return _Person(name, male, alleles)


def _read_relations(cur: _Lines) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    females = cur.count("the number of extra females", cap=MAX_EXTRA_PERSONS)
    males = cur.count("the number of extra males", cap=MAX_EXTRA_PERSONS)
    pairs = []
    for _ in range(cur.count("the number of parent-child pairs", lines_each=2)):
        line = cur.at + 1
        parent = cur.text("a parent index")
        if "Direct" in parent:
            raise cur.error("a parent index (twins are not supported)", line)
        try:
            pairs.append((int(parent), cur.integer("a child index")))
        except ValueError:
            raise cur.error("a parent index", line) from None
    return (females, males), pairs


def _read_database(
    cur: _Lines, xlinked: bool
) -> tuple[FrequencyTable, MutationByMarker, str, dict[str, list[str]]]:
    n_loci = cur.count("the number of loci", lines_each=12)
    database = cur.text("the database name") if cur.text("#TRUE#") == "#TRUE#" else ""
    markers = {}
    order: dict[str, list[str]] = {}
    mutation: dict[str, MutationModel] = {}
    for _ in range(n_loci):
        name = cur.text("a locus name")
        rates = (cur.number("the female rate"), cur.number("the male rate"))
        code_line = cur.at + 1
        codes = (cur.integer("the female model code"), cur.integer("the male model code"))
        cur.integer("the number of alleles")
        ranges = (cur.number("the female range"), cur.number("the male range"))
        rates2 = (cur.number("the female rate2"), cur.number("the male rate2"))
        if cur.text("#FALSE# (no silent allele)") != "#FALSE#":
            raise cur.error("#FALSE# (silent alleles are not supported)")
        cur.number("the silent allele frequency")
        n_alleles = cur.count("the number of alleles", lines_each=2)
        freqs: dict[str, float] = {}
        for _ in range(n_alleles):
            allele = cur.text("an allele")
            freqs[allele] = cur.number("an allele frequency")
        specs = []
        for sex, (rate, code, step_range, rate2) in enumerate(
            zip(rates, codes, ranges, rates2, strict=True)
        ):
            if code not in _MODEL_CODES:
                what = "model code 0, 1, 2 or 4 (stationary stepwise is not supported)"
                raise cur.error(what, code_line + sex)
            model = _MODEL_CODES[code]
            specs.append(
                None
                if rate == 0.0 and (model != "stepwise" or rate2 == 0.0)
                else MutationSpec(
                    model,
                    rate=rate,
                    rate2=rate2 if model == "stepwise" else None,
                    range=step_range if model == "stepwise" else None,
                )
            )
        markers[name] = make_marker(name, freqs, xlinked=xlinked, source=cur.source)
        order[name] = list(freqs)
        mutation[name] = MutationModel(female=specs[0], male=specs[1])
    return FrequencyTable(markers), mutation, database, order


def _pedigree(
    persons: Sequence[_Person],
    shared_extra: tuple[int, int],
    shared_pairs: list[tuple[int, int]],
    extra: tuple[int, int],
    pairs: list[tuple[int, int]],
    source: str,
    name: str,
) -> Pedigree:
    ids = [p.name for p in persons]
    sexes = [Sex.MALE if p.male else Sex.FEMALE for p in persons]
    for females, males in (shared_extra, extra):
        for sex in [Sex.FEMALE] * females + [Sex.MALE] * males:
            ids.append(f"{ADDED_PREFIX}{len(ids) - len(persons) + 1}")
            sexes.append(sex)
    fathers: list[str | None] = [None] * len(ids)
    mothers: list[str | None] = [None] * len(ids)
    for parent, child in shared_pairs + pairs:
        if not (0 <= parent < len(ids) and 0 <= child < len(ids)):
            raise SourceFormatError(
                f"{source}: pedigree {name}: relation {parent} -> {child} out of range"
            )
    sexes = parent_roles(sexes, shared_pairs + pairs, f"{source}: pedigree {name}")
    for parent, child in shared_pairs + pairs:
        (fathers if sexes[parent] == Sex.MALE else mothers)[child] = ids[parent]
    return build_pedigree(ids, fathers, mothers, sexes, source=f"{source}: pedigree {name}")


def parent_roles(sexes: Sequence[Sex], pairs: Sequence[tuple[int, int]], where: str) -> list[Sex]:
    """Return the sexes with the two parents of every child in opposite roles, as Familias reads.

    Familias has no unknown sex and writes it as female, so a child's two recorded parents may
    carry the same sex; Familias still takes both as parents. Co-parents are linked, and each
    linked group gets the father/mother roles that keep the most recorded sexes (the other
    persons of the group take the role's sex). Only a group that cannot be split into fathers
    and mothers (three persons each parent with each other) is refused.

    >>> [s.name for s in parent_roles([Sex.FEMALE] * 3, [(0, 2), (1, 2)], "f")]
    ['MALE', 'FEMALE', 'FEMALE']
    """
    result = list(sexes)
    parents: dict[int, list[int]] = {}
    for parent, child in pairs:
        if parent not in parents.setdefault(child, []):
            parents[child].append(parent)
    links: dict[int, set[int]] = {}
    for child, pair in parents.items():
        if len(pair) > 2:
            raise SourceFormatError(f"{where}: person {child} has more than two parents")
        if len(pair) == 2:
            links.setdefault(pair[0], set()).add(pair[1])
            links.setdefault(pair[1], set()).add(pair[0])
    done: set[int] = set()
    for start in sorted(links):
        if start in done:
            continue
        side = {start: 0}
        todo = [start]
        while todo:
            person = todo.pop()
            for other in links[person]:
                if other not in side:
                    side[other] = 1 - side[person]
                    todo.append(other)
                elif side[other] == side[person]:
                    raise SourceFormatError(
                        f"{where}: parents that cannot be told apart as father and mother"
                    )
        done.update(side)
        # side 0 male keeps how many recorded sexes? keep the better choice (ties: as recorded
        # for the first person)
        keep = sum((sexes[p] == Sex.MALE) == (k == 0) for p, k in side.items())
        male_side = 0 if keep * 2 >= len(side) else 1
        for person, k in side.items():
            result[person] = Sex.MALE if k == male_side else Sex.FEMALE
    return result


def _typing(
    persons: Sequence[_Person], orders: Mapping[str, list[str]], source: str
) -> dict[str, dict[str, Genotype]]:
    names = list(orders)
    typing: dict[str, dict[str, Genotype]] = {m: {} for m in names}
    for person in persons:
        for first, second, index, line in person.alleles:
            if not 0 <= index < len(names):
                raise SourceFormatError(f"{source}:{line}: marker index {index} out of range")
            order = orders[names[index]]
            labels = []
            for allele in (first, second):
                if allele >= len(order) or allele < -1:
                    raise SourceFormatError(
                        f"{source}:{line}: person {person.name}: marker {names[index]}: "
                        f"allele index {allele} out of range"
                    )
                labels.append(None if allele < 0 else order[allele])
            a, b = labels
            typing[names[index]][person.name] = (a, b) if a is not None else (b, None)
    return typing


_WRITE_CODES = {"equal": 0, "proportional": 1}


def format_fam(
    hypotheses: Mapping[str, PedigreeData],
    table: FrequencyTable,
    mutation: MutationModel | MutationByMarker = NO_MUTATION,
    *,
    theta: float = 0.0,
    database: str = "unknown",
    version: str = "3.3.1",
) -> str:
    """Write hypotheses, their markers' frequencies and mutation models as a ``.fam`` file.

    Persons are the union of all hypotheses (a person must have one sex and one typing in
    all); each hypothesis becomes a Familias pedigree. Familias models ``equal``,
    ``proportional`` and ``stepwise`` can be written; others raise an error.

    Raises:
        SourceFormatError: a person differs between hypotheses, a marker is missing from the
            table, or a mutation model Familias does not have.
    """
    persons, sexes = _union(hypotheses)
    markers = list(dict.fromkeys(m for data in hypotheses.values() for m in data.markers))
    missing = [m for m in markers if m not in table]
    if missing:
        raise SourceFormatError(f"marker {missing[0]}: not in the frequency table")
    out = [
        f'"Output from Familias, version {version}"',
        '"(written by kintrace)"',
        version,
        '""',
        str(len(persons)),
    ]
    for person in persons:
        out += [f'"{person}"', "#FALSE#", "-1", "#FALSE#"]
        out.append("#TRUE#" if sexes[person] == Sex.MALE else "#FALSE#")
        triples = _triples(hypotheses, person, markers, table)
        out.append(str(len(triples) // 3))
        out += [str(v) for v in triples]
    out += ['"Known relations"', "0", "0", "0", str(len(hypotheses))]
    index = {p: i for i, p in enumerate(persons)}
    for k, (name, data) in enumerate(hypotheses.items()):
        ped = data.pedigree
        pairs = [
            (index[ped.ids[parent]], index[ped.ids[child]])
            for child in range(ped.size)
            for parent in (ped.father[child], ped.mother[child])
            if parent != NO_PARENT
        ]
        out += [str(k), f'"{name}"', "0", "0", str(len(pairs))]
        out += [str(v) for pair in pairs for v in pair]
    out += [
        f"#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: {theta:g} )",
        str(len(markers)),
        "#TRUE#",
        f'"{database}"',
    ]
    for name in markers:
        out += _locus_lines(table[name], marker_mutation(mutation, name))
    return "\n".join(out) + "\n"


def _union(hypotheses: Mapping[str, PedigreeData]) -> tuple[list[str], dict[str, Sex]]:
    persons: list[str] = []
    sexes: dict[str, Sex] = {}
    typings: dict[str, dict[str, Genotype]] = {}
    for name, data in hypotheses.items():
        ped = data.pedigree
        for i, person in enumerate(ped.ids):
            genotypes = {m: data.genotype(m, person) for m in data.markers}
            typed = {m: g for m, g in genotypes.items() if g != (None, None)}
            if person not in sexes:
                persons.append(person)
                sexes[person] = ped.sex[i]
                typings[person] = typed
            elif sexes[person] != ped.sex[i] or typings[person] != typed:
                raise SourceFormatError(
                    f"pedigree {name}: person {person}: sex or genotypes differ between pedigrees"
                )
    return persons, sexes


def _triples(
    hypotheses: Mapping[str, PedigreeData],
    person: str,
    markers: Sequence[str],
    table: FrequencyTable,
) -> list[int]:
    result: list[int] = []
    for k, name in enumerate(markers):
        genotype = next(
            (d.genotype(name, person) for d in hypotheses.values() if person in d.pedigree.ids),
            (None, None),
        )
        if genotype == (None, None):
            continue
        marker = table[name]
        idx = [-1 if a is None else marker.index(a) for a in genotype]
        for allele, i in zip(genotype, idx, strict=True):
            if allele is not None and i < 0:
                raise SourceFormatError(
                    f"person {person}: marker {name}: allele {allele} is not in the frequency table"
                )
        result += [idx[0], idx[1], k]
    return result


def _locus_lines(marker: Marker, model: MutationModel) -> list[str]:
    params = [_familias_model(marker.name, spec) for spec in (model.female, model.male)]
    n = marker.n_alleles
    lines = [f'"{marker.name}"']
    lines += [repr(params[0][0]), repr(params[1][0])]
    lines += [str(params[0][1]), str(params[1][1]), str(n)]
    lines += [repr(params[0][2]), repr(params[1][2]), repr(params[0][3]), repr(params[1][3])]
    lines += [
        "#FALSE#",
        "0",
        f"{n}\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )",
    ]
    for allele, p in zip(marker.alleles, marker.freqs.tolist(), strict=True):
        lines += [f'"{allele}"', repr(p)]
    return lines


def _familias_model(marker: str, spec: MutationSpec | None) -> tuple[float, int, float, float]:
    """Return (rate, code, range, rate2) of a model in Familias' terms."""
    if spec is None or spec.model == "trivial":
        return 0.0, 0, 0.0, 0.0
    if spec.model == "stepwise":
        return spec.rate or 0.0, 4, spec.range or 0.0, spec.rate2 or 0.0
    if spec.model in _WRITE_CODES:
        return spec.rate or 0.0, _WRITE_CODES[spec.model], 0.0, 0.0
    raise SourceFormatError(
        f"marker {marker}: Familias has no {spec.model} model (equal, proportional, stepwise)"
    )
