"""Markers, allele labels and allele-frequency tables.

Allele labels stay strings (``"9.3"``, ``"13.2"``) so that nothing is lost; :func:`allele_value`
gives the numeric repeat number that stepwise mutation models need. Alleles of a marker are kept
sorted as pedtools sorts them: numerically when every label is a number, else as text.

Alleles missing from a table: the default is an error naming the marker and the allele. The
alternative rule, :func:`with_unseen_alleles`, adds each unseen allele with a minimum frequency and
renormalises the marker so that its frequencies sum to 1 (the rule Familias offers).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kintrace.errors import FrequencyError, SourceFormatError

FREQUENCY_TOLERANCE = 0.01
RESCALE_FROM = 1e-12
"""A marker whose frequencies sum off 1 by more than this (and at most the tolerance) is
rescaled to sum to 1; beyond the tolerance it is refused."""
MIN_FREQUENCY = 1e-12
"""Smallest allele frequency read: below it (a subnormal 1e-320, say) products of likelihoods
lose every digit; real databases give rare alleles about 1e-4 or a minimum of 5/2N."""
"""How far the frequencies of a marker may sum from 1 (tables are rounded at the source)."""


def allele_value(label: str) -> float:
    """Return the numeric repeat value of an allele label, NaN when it is not a number.

    >>> allele_value("9.3"), allele_value("13")
    (9.3, 13.0)
    """
    try:
        value = float(label)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def sort_alleles(labels: Iterable[str]) -> tuple[str, ...]:
    """Sort allele labels numerically when all are numbers, else as text (pedtools' order).

    >>> sort_alleles(["10", "9.3", "9"])
    ('9', '9.3', '10')
    """
    unique = set(labels)
    values = {a: allele_value(a) for a in unique}
    if all(not math.isnan(v) for v in values.values()):
        return tuple(sorted(unique, key=lambda a: (values[a], a)))
    return tuple(sorted(unique))


@dataclass(frozen=True, slots=True, eq=False)
class Marker:
    """One STR marker: its alleles (sorted), their frequencies and whether it is X-linked."""

    name: str
    alleles: tuple[str, ...]
    freqs: npt.NDArray[np.float64]
    xlinked: bool = False
    raw_sum: float = 1.0
    """The sum of the frequencies as given, before :func:`make_marker` rescaled them."""
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update({a: i for i, a in enumerate(self.alleles)})

    @property
    def n_alleles(self) -> int:
        """Return the number of alleles."""
        return len(self.alleles)

    def index(self, allele: str) -> int:
        """Return the position of an allele, -1 when the marker does not have it."""
        return self._index.get(allele, -1)

    def knows(self, alleles: Set[str | None]) -> bool:
        """Return whether the marker has every allele of a set."""
        return self._index.keys() >= alleles

    def values(self) -> npt.NDArray[np.float64]:
        """Return the numeric value of each allele (NaN for a non-numeric label)."""
        return np.array([allele_value(a) for a in self.alleles], dtype=np.float64)


def make_marker(
    name: str, freqs: Mapping[str, float], *, xlinked: bool = False, source: str = "<marker>"
) -> Marker:
    """Build a marker from allele → frequency, checking that frequencies are in [MIN_FREQUENCY, 1]
    (finite) and sum to 1.

    >>> make_marker("TH01", {"9.3": 0.3, "6": 0.7}).alleles
    ('6', '9.3')
    """
    problems = []
    for allele, p in freqs.items():
        if not (MIN_FREQUENCY <= p <= 1.0):
            problems.append(
                f"{source}: marker {name}: allele {allele}: frequency {p} not in "
                f"[{MIN_FREQUENCY:g}, 1]"
            )
    total = sum(freqs.values())
    if freqs and abs(total - 1.0) > FREQUENCY_TOLERANCE:
        problems.append(f"{source}: marker {name}: frequencies sum to {total:.6g}, not 1")
    if not freqs:
        problems.append(f"{source}: marker {name}: no alleles")
    if problems:
        raise FrequencyError(problems[0], problems=problems)
    alleles = sort_alleles(freqs)
    array = np.array([freqs[a] for a in alleles], dtype=np.float64)
    if abs(total - 1.0) > RESCALE_FROM:
        # within the tolerance: rescaled to sum to 1, as the reference packages make the
        # founder distribution (published tables are rounded at source)
        array = array / float(array.sum())
    return Marker(name=name, alleles=alleles, freqs=array, xlinked=xlinked, raw_sum=total)


def rescaled_markers(freqs: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Return the markers whose frequencies :func:`make_marker` rescales (sum off 1 by more
    than 1e-12, within the 0.01 tolerance), for a note to the user.

    >>> rescaled_markers({"A": {"1": 0.5, "2": 0.505}, "B": {"1": 0.5, "2": 0.5}})
    ['A']
    """
    return [
        name
        for name, table in freqs.items()
        if RESCALE_FROM < abs(sum(table.values()) - 1.0) <= FREQUENCY_TOLERANCE
    ]


@dataclass(frozen=True, slots=True)
class FrequencyTable:
    """Allele frequencies of several markers, by marker name, in the order first seen."""

    markers: Mapping[str, Marker]

    def __getitem__(self, name: str) -> Marker:
        return self.markers[name]

    def __contains__(self, name: object) -> bool:
        return name in self.markers

    @property
    def names(self) -> tuple[str, ...]:
        """Return the marker names in table order."""
        return tuple(self.markers)

    def rescaled(self) -> tuple[str, ...]:
        """Return the markers whose frequencies were rescaled to sum to 1 (see make_marker)."""
        return tuple(n for n, m in self.markers.items() if abs(m.raw_sum - 1.0) > RESCALE_FROM)

    def rescale_note(self, source: str) -> str | None:
        """Return one line saying which markers were rescaled and by how much, or None.

        >>> t = FrequencyTable({"A": make_marker("A", {"1": 0.5, "2": 0.505})})
        >>> t.rescale_note("f.csv")
        'note: f.csv: the frequencies of 1 marker (A) sum off 1 by up to 0.005 (within the tolerance 0.01): rescaled to sum to 1'
        """  # noqa: E501
        names = self.rescaled()
        if not names:
            return None
        worst = max(abs(self.markers[n].raw_sum - 1.0) for n in names)
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return (
            f"note: {source}: the frequencies of {len(names)} marker"
            f"{'' if len(names) == 1 else 's'} ({shown}) sum off 1 by up to {worst:.3g} "
            f"(within the tolerance {FREQUENCY_TOLERANCE:g}): rescaled to sum to 1"
        )

    def subset(self, names: Iterable[str]) -> FrequencyTable:
        """Return the table restricted to the given markers (in that order)."""
        return FrequencyTable({n: self.markers[n] for n in names})


def parse_frequency_csv(text: str, *, source: str = "<frequencies>") -> FrequencyTable:
    """Parse ``marker,allele,frequency[,chromosome]`` CSV text (``X`` marks an X-linked marker)."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise SourceFormatError(
            f"{source}: not a CSV file that can be read exactly ({error})"
        ) from error
    reader = iter(rows)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["marker", "allele", "frequency"] or header[3:] not in ([], ["chromosome"]):
        raise SourceFormatError(
            f"{source}:1: header must be marker,allele,frequency[,chromosome], not {header}"
        )
    problems: list[str] = []
    freqs: dict[str, dict[str, float]] = {}
    xlinked: dict[str, bool] = {}
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        if len(row) > len(header):
            problems.append(f"{source}:{line}: {len(row)} fields, expected {len(header)}")
            continue
        marker, allele, value = cells[0], cells[1], cells[2]
        chromosome = cells[3].upper() if len(header) == 4 else ""
        try:
            p = float(value)
        except ValueError:
            problems.append(f"{source}:{line}: frequency: {value!r} is not a number")
            continue
        if not marker or not allele:
            problems.append(f"{source}:{line}: marker and allele must not be empty")
            continue
        if chromosome not in ("", "X") and not chromosome.isdigit():
            problems.append(
                f"{source}:{line}: chromosome: {chromosome!r} is not X, a number or empty"
            )
        is_x = chromosome == "X"
        if xlinked.setdefault(marker, is_x) != is_x:
            problems.append(f"{source}:{line}: marker {marker}: chromosome differs between rows")
        if allele in freqs.setdefault(marker, {}):
            problems.append(f"{source}:{line}: marker {marker}: allele {allele} given twice")
        freqs[marker][allele] = p
    return _build_table(freqs, xlinked, problems, source)


def parse_familias_frequencies(text: str, *, source: str = "<frequencies>") -> FrequencyTable:
    """Parse a Familias frequency file, in "list" or "allelic ladder" format (as pedtools reads).

    List format: a marker name line, then ``allele frequency`` lines (tab, space or comma);
    markers are separated by blank lines. Ladder format: a header ``Allele M1 M2 ...`` (tab
    separated) and one row per allele, an empty cell or ``NA`` where a marker lacks the allele.
    Familias files carry no chromosome, so every marker is autosomal.

    >>> parse_familias_frequencies("Allele\\tTH01\\n6\\t0.5\\n9.3\\t0.5\\n")["TH01"].alleles
    ('6', '9.3')
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "\t" in first and first.split("\t")[0].strip().lower() == "allele":
        return _parse_ladder(text, source)
    problems: list[str] = []
    freqs: dict[str, dict[str, float]] = {}
    marker: str | None = None
    for line, raw in enumerate(text.splitlines(), start=1):
        cells = raw.replace(",", " ").split()
        if not cells:
            marker = None
            continue
        if marker is None:
            marker = raw.strip()
            freqs.setdefault(marker, {})
            continue
        if len(cells) != 2:
            problems.append(f"{source}:{line}: expected 'allele frequency', got {raw.strip()!r}")
            continue
        try:
            freqs[marker][cells[0]] = float(cells[1])
        except ValueError:
            problems.append(f"{source}:{line}: frequency: {cells[1]!r} is not a number")
    return _build_table(freqs, {}, problems, source)


def _parse_ladder(text: str, source: str) -> FrequencyTable:
    lines = [(n, raw) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    names = [c.strip() for c in lines[0][1].split("\t")[1:]]
    freqs: dict[str, dict[str, float]] = {name: {} for name in names}
    problems: list[str] = []
    for line, raw in lines[1:]:
        cells = [c.strip() for c in raw.split("\t")]
        if len(cells) > len(names) + 1:
            problems.append(f"{source}:{line}: {len(cells)} fields, expected {len(names) + 1}")
            continue
        allele = cells[0]
        for name, cell in zip(names, cells[1:], strict=False):
            if cell in ("", "NA"):
                continue
            try:
                freqs[name][allele] = float(cell)
            except ValueError:
                problems.append(f"{source}:{line}: {name}: {cell!r} is not a number")
    return _build_table(freqs, {}, problems, source)


def _build_table(
    freqs: dict[str, dict[str, float]],
    xlinked: Mapping[str, bool],
    problems: list[str],
    source: str,
) -> FrequencyTable:
    markers: dict[str, Marker] = {}
    for name, table in freqs.items():
        try:
            markers[name] = make_marker(
                name, table, xlinked=xlinked.get(name, False), source=source
            )
        except FrequencyError as error:
            problems.extend(error.problems)
    if problems:
        raise FrequencyError(problems[0], problems=problems)
    return FrequencyTable(markers)


def with_unseen_alleles(marker: Marker, alleles: Iterable[str], min_freq: float) -> Marker:
    """Add unseen alleles with frequency ``min_freq`` and renormalise the marker to sum 1.

    Args:
        marker: the marker as in the table.
        alleles: alleles observed in the data; those already in the marker are left alone.
        min_freq: frequency given to each new allele before renormalising (Familias' rule).

    Returns:
        The marker itself when nothing is new, else a new marker whose frequencies sum to 1.

    >>> m = with_unseen_alleles(make_marker("M", {"1": 0.5, "2": 0.5}), ["3"], 0.25)
    >>> [round(float(p), 4) for p in m.freqs]
    [0.4, 0.4, 0.2]
    """
    new = sorted({a for a in alleles if marker.index(a) < 0})
    if not new:
        return marker
    if not (0.0 < min_freq < 1.0):
        raise FrequencyError(f"minimum frequency {min_freq} not in (0, 1)")
    table = dict(zip(marker.alleles, marker.freqs.tolist(), strict=True))
    table.update({a: min_freq for a in new})
    total = sum(table.values())
    return make_marker(
        marker.name, {a: p / total for a, p in table.items()}, xlinked=marker.xlinked
    )
