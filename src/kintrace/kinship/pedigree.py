"""Pedigrees as label vectors plus parent index vectors (the pedtools model).

A :class:`Pedigree` may hold several unconnected components (e.g. "unrelated" = singletons).
A person may have both parents, none (a founder) or, unlike pedtools, one: the unknown parent's
allele is then drawn from the population like a founder allele. Validation gathers every problem
(duplicate ids, unknown parents, parents of the wrong sex, a person who is their own ancestor)
before raising one :class:`~kintrace.errors.PedigreeError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from kintrace.errors import PedigreeError

NO_PARENT = -1
"""Parent index of an unknown parent."""


class Sex(IntEnum):
    """Sex codes of ped files: 0 unknown, 1 male, 2 female."""

    UNKNOWN = 0
    MALE = 1
    FEMALE = 2


@dataclass(frozen=True, slots=True)
class Pedigree:
    """Persons with ids, sex and the index of each one's father and mother (-1 if unknown)."""

    ids: tuple[str, ...]
    sex: tuple[Sex, ...]
    father: tuple[int, ...]
    mother: tuple[int, ...]

    @property
    def size(self) -> int:
        """Return the number of persons."""
        return len(self.ids)

    def index(self, person: str) -> int:
        """Return the index of a person; raise PedigreeError when the id is unknown."""
        try:
            return self.ids.index(person)
        except ValueError:
            raise PedigreeError(f"unknown person {person!r}") from None

    def founders(self) -> tuple[int, ...]:
        """Return the indices of persons with no known parent."""
        return tuple(
            i
            for i in range(self.size)
            if self.father[i] == NO_PARENT and self.mother[i] == NO_PARENT
        )

    def children(self, i: int) -> tuple[int, ...]:
        """Return the indices of the children of person ``i``."""
        return tuple(c for c in range(self.size) if i in (self.father[c], self.mother[c]))

    def components(self) -> tuple[tuple[int, ...], ...]:
        """Return the connected components (each a sorted tuple of person indices)."""
        root = list(range(self.size))

        def find(i: int) -> int:
            while root[i] != i:
                root[i] = root[root[i]]
                i = root[i]
            return i

        for child in range(self.size):
            for parent in (self.father[child], self.mother[child]):
                if parent != NO_PARENT:
                    root[find(child)] = find(parent)
        groups: dict[int, list[int]] = {}
        for i in range(self.size):
            groups.setdefault(find(i), []).append(i)
        return tuple(tuple(g) for g in groups.values())

    def generation_order(self) -> tuple[int, ...]:
        """Return person indices with every parent before its children."""
        done: set[int] = set()
        order: list[int] = []
        while len(order) < self.size:
            for i in range(self.size):
                if i not in done and all(
                    p == NO_PARENT or p in done for p in (self.father[i], self.mother[i])
                ):
                    done.add(i)
                    order.append(i)
        return tuple(order)


def build_pedigree(
    ids: Sequence[str],
    fathers: Sequence[str | None],
    mothers: Sequence[str | None],
    sex: Sequence[int],
    *,
    source: str = "<pedigree>",
    lines: Sequence[int] | None = None,
) -> Pedigree:
    """Build and validate a pedigree from ids, parent ids (None or "0" = unknown) and sex codes.

    ``lines`` (one per person, e.g. the line of a file) are added to every problem as
    ``source:line``.

    Raises:
        PedigreeError: with one problem line per duplicate id, unknown parent, parent of the
            wrong sex, bad sex code, and person who is their own ancestor.

    >>> ped = build_pedigree(["fa", "mo", "ch"], [None, None, "fa"], [None, None, "mo"], [1, 2, 1])
    >>> ped.father, ped.mother
    ((-1, -1, 0), (-1, -1, 1))
    """
    where = [f"{source}:{n}" for n in lines] if lines is not None else [source] * len(ids)
    problems: list[str] = []
    index: dict[str, int] = {}
    for i, person in enumerate(ids):
        if person in index:
            problems.append(f"{where[i]}: person {person}: id given twice")
        index.setdefault(person, i)
    sexes: list[Sex] = []
    for i, (person, code) in enumerate(zip(ids, sex, strict=True)):
        try:
            sexes.append(Sex(code))
        except ValueError:
            problems.append(f"{where[i]}: person {person}: sex {code!r} is not 0, 1 or 2")
            sexes.append(Sex.UNKNOWN)
    father_idx = _parent_indices(ids, fathers, index, sexes, Sex.MALE, "father", where, problems)
    mother_idx = _parent_indices(ids, mothers, index, sexes, Sex.FEMALE, "mother", where, problems)
    ped = Pedigree(tuple(ids), tuple(sexes), tuple(father_idx), tuple(mother_idx))
    if not problems:
        problems.extend(_cycle_problems(ped, where))
    if problems:
        raise PedigreeError(problems[0], problems=problems)
    return ped


def _parent_indices(
    ids: Sequence[str],
    parents: Sequence[str | None],
    index: dict[str, int],
    sexes: Sequence[Sex],
    expected: Sex,
    role: str,
    where: Sequence[str],
    problems: list[str],
) -> list[int]:
    result: list[int] = []
    for person, parent, source in zip(ids, parents, where, strict=True):
        if parent is None or parent == "0":
            result.append(NO_PARENT)
            continue
        if parent not in index:
            problems.append(f"{source}: person {person}: {role} {parent} is not in the pedigree")
            result.append(NO_PARENT)
            continue
        j = index[parent]
        if sexes[j] != expected:
            problems.append(
                f"{source}: person {person}: {role} {parent} has sex {sexes[j].value}, "
                f"expected {expected.value} ({expected.name.lower()})"
            )
        if parent == person:
            problems.append(f"{source}: person {person}: is their own {role}")
        result.append(j)
    return result


def _cycle_problems(ped: Pedigree, where: Sequence[str]) -> list[str]:
    state = [0] * ped.size  # 0 unseen, 1 on the current path, 2 finished
    problems: list[str] = []

    def visit(i: int) -> bool:
        if state[i] == 1:
            return True
        if state[i] == 2:
            return False
        state[i] = 1
        cyclic = any(p != NO_PARENT and visit(p) for p in (ped.father[i], ped.mother[i]))
        state[i] = 2
        return cyclic

    for i in range(ped.size):
        if state[i] == 0 and visit(i):
            problems.append(f"{where[i]}: person {ped.ids[i]}: is their own ancestor")
    return problems


def merge_pedigrees(*peds: Pedigree) -> Pedigree:
    """Join pedigrees with distinct ids into one pedigree of several components."""
    ids: list[str] = []
    sex: list[Sex] = []
    father: list[int] = []
    mother: list[int] = []
    for ped in peds:
        offset = len(ids)
        ids.extend(ped.ids)
        sex.extend(ped.sex)
        father.extend(f if f == NO_PARENT else f + offset for f in ped.father)
        mother.extend(m if m == NO_PARENT else m + offset for m in ped.mother)
    if len(set(ids)) != len(ids):
        raise PedigreeError("merged pedigrees share person ids")
    return Pedigree(tuple(ids), tuple(sex), tuple(father), tuple(mother))


def singletons(ids: Sequence[str], sex: Sequence[int]) -> Pedigree:
    """Build unrelated persons (each its own component)."""
    return build_pedigree(ids, [None] * len(ids), [None] * len(ids), sex)
