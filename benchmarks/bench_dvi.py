"""Benchmark: joint DVI of simulated remains against simulated families (prints the figures).

Run: ``uv run python benchmarks/bench_dvi.py [FAMILIES] [REMAINS] [FROM_FAMILIES] [REPEAT]``,
or ``uv run python benchmarks/bench_dvi.py shapes [NAME ...]`` for the case shapes of issue 17
(:data:`SHAPES`: nuclear families with untyped parents, grandparents and half-siblings, several
missing brothers, a grave, a larger grave, a plane, 1,000 remains × 500 families): each case
is written to files and ``kintrace dvi`` is run on them as a user runs it (process start
included; best of 3, with Python's bytecode caches as a user has them); the wall time, the
steps in process (reading, solve, suggestions, JSON text; best of 3), the peak memory of the
process, precision and recall against the truth, the load average and ``joint.exact`` (false
when pairs with LR below 1 were left out with a bounded mass, or a family was split) are
printed.
(default 100 150 80 1). Families are nuclear (father, mother, missing son, sibling) with 1–3
typed relatives; genotypes are simulated with a fixed seed on the 23 core markers of the
Norwegian table; the LRs use an ``equal`` mutation model (rate 0.001). Prints the time to the
pairwise matrix, to the undisputed list, to the full result (:func:`solve_dvi`: pairwise LRs,
undisputed rounds, joint search, conclusions) and to the extra-relative suggestions that
``kintrace dvi`` adds by default; then precision and recall against the truth. With ``REPEAT``
above 1 each step runs that many times in the process and the best time is printed next to the
first (cold) one: the machine may be shared, and the best run is the least disturbed.

The speed-up is against the reference R implementation (dvir) on the default case, as the
issue (#7) states it for this machine: about 60 s for the pairwise matrix and 90 s for the
whole analysis. Those two figures are quoted, not measured here: R and CRAN cannot be reached
from this machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

# isort: off
import kintrace.cli.blas_threads  # noqa: F401  # before NumPy loads, as in kintrace dvi

# isort: on
import numpy as np

from kintrace.dvi import jsontext
from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.pairwise import pairwise_matrix
from kintrace.dvi.simulate import simulate_genotypes
from kintrace.dvi.solve import Conclusion, DviResult, Settings, solve_dvi
from kintrace.dvi.suggest import weak_missing
from kintrace.dvi.undisputed import identify_undisputed
from kintrace.kinship.datasets import CORE_23, norwegian_frequencies
from kintrace.kinship.genotypes import format_genotype
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
from kintrace.kinship.pedigree import build_pedigree

DEFAULT = (100, 150, 80)
DVIR_PAIRWISE_S = 60.0
"""dvir's time to the pairwise matrix of the default case, as stated in issue #7 (not measured)."""
DVIR_WHOLE_S = 90.0
"""dvir's time to the whole analysis of the default case, as stated in issue #7 (not measured)."""

T = TypeVar("T")


def timed(step: Callable[[], T], repeat: int) -> tuple[T, float, float]:
    """Run ``step`` ``repeat`` times; return its result, the first time and the best time."""
    times = []
    result: T | None = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    assert result is not None
    return result, times[0], min(times)


def simulate(n_families: int, n_remains: int, n_from: int, seed: int = 7) -> tuple[
    str, str, dict[str, str]
]:  # fmt: skip
    rng = np.random.default_rng(seed)
    table = norwegian_frequencies()
    markers = list(CORE_23)
    rows, remains, truth = [], [], {}
    typed_sets = [("MO",), ("MO", "FA"), ("MO", "SIB"), ("FA", "MO", "SIB"), ("SIB",)]
    for f in range(n_families):
        ids = ["FA", "MO", "MP", "SIB"]
        ped = build_pedigree(ids, [None, None, "FA", "FA"], [None, None, "MO", "MO"], [1, 2, 1, 1])
        geno = simulate_genotypes(ped, table, markers, rng)
        typed = typed_sets[f % len(typed_sets)]
        for person, sex in zip(ids, [1, 2, 1, 1], strict=True):
            fid, mid = ("0", "0") if person in ("FA", "MO") else (f"F{f}FA", f"F{f}MO")
            cells = [
                format_genotype(geno[m][person]) if person in typed else "-/-" for m in markers
            ]
            missing = int(person == "MP")
            rows.append(f"F{f}\tF{f}{person}\t{fid}\t{mid}\t{sex}\t{missing}\t" + "\t".join(cells))
        if f < n_from:
            remains.append(
                f"V{f}\t1\t" + "\t".join(format_genotype(geno[m]["MP"]) for m in markers)
            )
            truth[f"V{f}"] = f"F{f}MP"
    single = build_pedigree(["X"], [None], [None], [1])
    for k in range(n_remains - len(remains)):
        geno = simulate_genotypes(single, table, markers, rng)
        remains.append(f"U{k}\t1\t" + "\t".join(format_genotype(geno[m]["X"]) for m in markers))
    header = "\t".join(markers)
    families_text = f"family\tid\tfid\tmid\tsex\tmissing\t{header}\n" + "\n".join(rows) + "\n"
    remains_text = f"id\tsex\t{header}\n" + "\n".join(remains) + "\n"
    return families_text, remains_text, truth


def main() -> None:
    args = [int(a) for a in sys.argv[1:5]]
    n_families, n_remains, n_from, repeat = (args + [*DEFAULT, 1][len(args) :])[:4]
    families_text, remains_text, truth = simulate(n_families, n_remains, n_from)
    table = norwegian_frequencies().subset(CORE_23)
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    fams = parse_dvi_families(families_text)
    remains = parse_remains(remains_text)
    data = check_dvi(fams, remains)
    print(f"{n_families} families, {n_remains} remains ({n_from} from the families), 23 markers")
    _, pairwise_first, pairwise = timed(
        lambda: pairwise_matrix(fams, remains, table, mutation), repeat
    )
    rounds, undisputed_first, undisputed = timed(
        lambda: identify_undisputed(fams, remains, table, mutation), repeat
    )
    result, full_first, full = timed(lambda: solve_dvi(data, table, mutation), repeat)

    def suggest(result: DviResult = result) -> list[object]:
        idents = [(i.family or "", i.missing or "", i.conclusion.value) for i in result.missing]
        return list(weak_missing(result.families, idents, table, threshold=1e4, mutation=mutation))

    suggestions, suggest_first, suggest_best = timed(suggest, repeat)
    best = "" if repeat <= 1 else f" (best of {repeat}; first run {{:.2f}} s)"
    print(f"pairwise matrix:      {pairwise:8.2f} s{best.format(pairwise_first)}")
    print(f"undisputed list:      {undisputed:8.2f} s{best.format(undisputed_first)}"
          f"  ({len(rounds[0])} undisputed)")  # fmt: skip
    print(f"full result:          {full:8.2f} s{best.format(full_first)}"
          f"  (joint components: {result.joint.components}, exact posteriors: "
          f"{result.joint.exact})")  # fmt: skip
    print(f"suggestions:          {suggest_best:8.2f} s{best.format(suggest_first)}"
          f"  ({len(suggestions)} thin families; kintrace dvi runs it after solve)")  # fmt: skip
    if (n_families, n_remains, n_from) == DEFAULT:
        print(f"speed-up against dvir (issue #7's figures, not measured here): pairwise "
              f"{DVIR_PAIRWISE_S / pairwise:.0f}x ({DVIR_PAIRWISE_S:.0f} s), whole analysis "
              f"{DVIR_WHOLE_S / full:.0f}x ({DVIR_WHOLE_S:.0f} s)")  # fmt: skip
    else:
        print("speed-up against dvir: its figures (issue #7) are for the default case only")
    sure = {Conclusion.UNDISPUTED, Conclusion.PROBABLE}
    claimed = {(i.remains, i.missing) for i in result.remains if i.conclusion in sure}
    correct = sum(1 for v, m in claimed if truth.get(v or "") == m)
    false = len(claimed) - correct
    by_kind = {kind.value: sum(1 for i in result.remains if i.conclusion is kind) for kind in sure}
    false_kind = {
        kind.value: sum(
            1
            for i in result.remains
            if i.conclusion is kind and truth.get(i.remains or "") != i.missing
        )
        for kind in sure
    }
    print(f"by conclusion: {by_kind}; false by conclusion: {false_kind}")
    held = [i for i in result.remains if i.reason is not None]
    held_true = sum(1 for i in held if truth.get(i.remains or "") == i.missing)
    print(f"held back by the chance bound (N / LR above {Settings().max_chance:g}): "
          f"{len(held)} ({held_true} true, {len(held) - held_true} false)")  # fmt: skip
    precision = correct / len(claimed) if claimed else 1.0
    recall = correct / len(truth) if truth else 1.0
    print(f"identifications (undisputed + probable): {len(claimed)}; false: {false}")
    print(f"precision {precision:.3f}, recall {recall:.3f}")


Person = tuple[str, str | None, str | None, int]
"""id, father, mother, sex (1 male, 2 female)."""


@dataclass(frozen=True)
class Shape:
    """A family shape: its persons, the typed ones, the missing ones; how many families,
    how many of their missing persons' remains are found, how many unrelated remains."""

    persons: tuple[Person, ...]
    typed: tuple[str, ...]
    missing: tuple[str, ...]
    families: int
    found: float
    unrelated: int


NUCLEAR = (("FA", None, None, 1), ("MO", None, None, 2), ("MP", "FA", "MO", 1))
SHAPES: dict[str, list[Shape]] = {
    "nuclear, untyped parents (100 families x 150 remains)": [
        Shape(NUCLEAR, ("FA",), ("MP",), 25, 0.8, 0),
        Shape((*NUCLEAR, ("SIB", "FA", "MO", 1)), ("FA", "SIB"), ("MP",), 25, 0.8, 0),
        Shape(
            (
                ("GF", None, None, 1),
                ("GM", None, None, 2),
                ("FA", "GF", "GM", 1),
                ("MO", None, None, 2),
                ("MP", "FA", "MO", 1),
            ),
            ("GM", "MO"),
            ("MP",),
            25,
            0.8,
            0,
        ),
        Shape(
            (*NUCLEAR, ("SIB", "FA", "MO", 1), ("SIS", "FA", "MO", 2)),
            ("SIB", "SIS"),
            ("MP",),
            25,
            0.8,
            70,
        ),
    ],
    "grandparents and half-siblings (60 families x 80 remains)": [
        Shape(
            (
                ("GF", None, None, 1),
                ("GM", None, None, 2),
                ("FA", "GF", "GM", 1),
                ("MO", None, None, 2),
                ("MP", "FA", "MO", 1),
            ),
            ("GF", "GM"),
            ("MP",),
            30,
            0.8,
            0,
        ),
        Shape(
            (
                ("FA", None, None, 1),
                ("MO", None, None, 2),
                ("M2", None, None, 2),
                ("MP", "FA", "MO", 1),
                ("HS", "FA", "M2", 1),
                ("HS2", "FA", "M2", 2),
            ),
            ("HS", "HS2", "MO"),
            ("MP",),
            30,
            0.8,
            32,
        ),
    ],
    "several missing brothers (20 families x 60 remains)": [
        Shape(
            (*NUCLEAR, ("B2", "FA", "MO", 1), ("B3", "FA", "MO", 1), ("SIS", "FA", "MO", 2)),
            ("MO", "SIS"),
            ("MP", "B2", "B3"),
            20,
            0.8,
            12,
        ),
    ],
    "grave (1 family, 8 missing, 8 remains)": [
        Shape(
            (
                ("GF", None, None, 1),
                ("GM", None, None, 2),
                ("S1", "GF", "GM", 1),
                ("S2", "GF", "GM", 1),
                ("S3", "GF", "GM", 1),
                ("W1", None, None, 2),
                ("W2", None, None, 2),
                ("W3", None, None, 2),
                ("C1", "S1", "W1", 1),
                ("C2", "S1", "W1", 1),
                ("C3", "S2", "W2", 1),
                ("C4", "S2", "W2", 1),
                ("C5", "S3", "W3", 1),
                ("D3", "S3", "W3", 2),
            ),
            ("GM", "W1", "W2", "W3", "D3"),
            ("S1", "S2", "S3", "C1", "C2", "C3", "C4", "C5"),
            1,
            1.0,
            0,
        ),
    ],
    "large grave (1 family, 10 missing, 10 remains)": [
        Shape(
            (
                ("GF", None, None, 1),
                ("GM", None, None, 2),
                ("S1", "GF", "GM", 1),
                ("S2", "GF", "GM", 1),
                ("S3", "GF", "GM", 1),
                ("W1", None, None, 2),
                ("W2", None, None, 2),
                ("W3", None, None, 2),
                ("C1", "S1", "W1", 1),
                ("C2", "S1", "W1", 1),
                ("C3", "S2", "W2", 1),
                ("C4", "S2", "W2", 1),
                ("C5", "S3", "W3", 1),
                ("C6", "S3", "W3", 1),
                ("C7", "S1", "W1", 1),
                ("D3", "S3", "W3", 2),
            ),
            ("GM", "W1", "W2", "W3", "D3"),
            ("S1", "S2", "S3", "C1", "C2", "C3", "C4", "C5", "C6", "C7"),
            1,
            1.0,
            0,
        ),
    ],
    "plane (150 small families x 150 remains)": [
        Shape(NUCLEAR, ("FA", "MO"), ("MP",), 75, 1.0, 0),
        Shape((("MO", None, None, 2), ("MP", None, "MO", 1)), ("MO",), ("MP",), 75, 1.0, 0),
    ],
    "1,000 remains x 500 families": [
        Shape(NUCLEAR, ("FA",), ("MP",), 125, 0.8, 0),
        Shape((*NUCLEAR, ("SIB", "FA", "MO", 1)), ("MO", "SIB"), ("MP",), 125, 0.8, 0),
        Shape((*NUCLEAR, ("SIB", "FA", "MO", 1)), ("SIB",), ("MP",), 125, 0.8, 0),
        Shape(
            (*NUCLEAR, ("SIB", "FA", "MO", 1), ("SIS", "FA", "MO", 2)),
            ("SIB", "SIS"),
            ("MP",),
            125,
            0.8,
            600,
        ),
    ],
}


def simulate_shapes(shapes: list[Shape], seed: int = 11) -> tuple[str, str, dict[str, str]]:
    """Simulate families of the given shapes and their remains; return the two files' text
    and the truth (remains id -> missing person id)."""
    rng = np.random.default_rng(seed)
    table = norwegian_frequencies()
    markers = list(CORE_23)
    rows, remains, truth = [], [], {}
    f = 0
    for shape in shapes:
        ids = [p[0] for p in shape.persons]
        ped = build_pedigree(
            ids, [p[1] for p in shape.persons], [p[2] for p in shape.persons],
            [p[3] for p in shape.persons],
        )  # fmt: skip
        for k in range(shape.families):
            f += 1
            geno = simulate_genotypes(ped, table, markers, rng)
            for person, fid, mid, sex in shape.persons:
                cells = [
                    format_genotype(geno[m][person]) if person in shape.typed else "-/-"
                    for m in markers
                ]
                parents = [f"F{f}{x}" if x else "0" for x in (fid, mid)]
                missing = int(person in shape.missing)
                rows.append(f"F{f}\tF{f}{person}\t{parents[0]}\t{parents[1]}\t{sex}\t"
                            f"{missing}\t" + "\t".join(cells))  # fmt: skip
            for person in shape.missing:
                if rng.random() < shape.found or shape.found >= 1.0:
                    v = f"V{len(remains)}"
                    sex = next(p[3] for p in shape.persons if p[0] == person)
                    cells = [format_genotype(geno[m][person]) for m in markers]
                    remains.append(f"{v}\t{sex}\t" + "\t".join(cells))
                    truth[v] = f"F{f}{person}"
            del k
        single = build_pedigree(["X"], [None], [None], [1])
        for _ in range(shape.unrelated):
            geno = simulate_genotypes(single, table, markers, rng)
            v = f"U{len(remains)}"
            remains.append(f"{v}\t1\t" + "\t".join(format_genotype(geno[m]["X"]) for m in markers))
    header = "\t".join(markers)
    families_text = f"family\tid\tfid\tmid\tsex\tmissing\t{header}\n" + "\n".join(rows) + "\n"
    remains_text = f"id\tsex\t{header}\n" + "\n".join(remains) + "\n"
    return families_text, remains_text, truth


def _child_env() -> dict[str, str]:
    """The environment of ``kintrace`` as a user has it: Python keeps its bytecode caches.

    This machine sets ``PYTHONDONTWRITEBYTECODE=1``, so every run would compile every module
    of kintrace, Typer, rich, NumPy and pydantic again (about 0.4 s per run); an installed
    kintrace, or one run before, has them compiled. The first of the runs writes them.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _load() -> str:
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]


def run_shape(
    name: str, shapes: list[Shape], folder: Path, timeout: float = 120.0, repeat: int = 3
) -> None:
    """Run ``kintrace dvi`` on one simulated case; print time, peak memory, precision, recall.

    The whole command (process start included) and the steps in process (reading the files,
    the solve, the suggestions, the JSON text) are each the best of ``repeat`` runs.
    """
    families_text, remains_text, truth = simulate_shapes(shapes)
    table = norwegian_frequencies().subset(CORE_23)
    paths = {k: folder / f"{k}.txt" for k in ("families", "remains", "freqs", "out")}
    paths["families"].write_text(families_text, encoding="utf-8")
    paths["remains"].write_text(remains_text, encoding="utf-8")
    paths["freqs"].write_text(
        "marker,allele,frequency\n" + "".join(
            f"{m},{a},{float(p)!r}\n" for m in table.names
            for a, p in zip(table[m].alleles, table[m].freqs, strict=True)
        ), encoding="utf-8",
    )  # fmt: skip
    command = [
        sys.executable, "-c", "from kintrace.cli.main import app; app()", "dvi",
        "--families", str(paths["families"]),
        "--remains", str(paths["remains"]), "--freqs", str(paths["freqs"]),
        "--mutation", "equal:rate=0.001", "--json", str(paths["out"]),
    ]  # fmt: skip
    n_fam = sum(s.families for s in shapes)
    n_rem = remains_text.count("\n") - 1
    walls = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, env=_child_env()
            )
        except subprocess.TimeoutExpired:
            print(f"{name}: {n_fam} families, {n_rem} remains: over {timeout:.0f} s (stopped)")
            return
        walls.append(time.perf_counter() - start)
        if done.returncode != 0:
            print(f"{name}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
            return
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads(paths["out"].read_text(encoding="utf-8"))
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    steps: dict[str, float] = {}

    def step(label: str, run: Callable[[], T]) -> T:
        value, _, best = timed(run, repeat)
        steps[label] = best
        return value

    data = step("read", lambda: check_dvi(parse_dvi_families(families_text),
                                          parse_remains(remains_text)))  # fmt: skip
    solved = step("solve", lambda: solve_dvi(data, table, mutation))
    idents = [(i.family or "", i.missing or "", i.conclusion.value) for i in solved.missing]
    step("suggestions", lambda: weak_missing(
        solved.families, idents, table, threshold=1e4, mutation=mutation))  # fmt: skip
    step("json", lambda: jsontext.dumps(solved.as_dict()))
    claimed = {
        (i["remains"], i["missing"])
        for i in result["identifications"]
        if i.get("conclusion") in ("undisputed", "probable") and i.get("remains")
    }
    correct = sum(1 for v, m in claimed if truth.get(v) == m)
    precision = correct / len(claimed) if claimed else 1.0
    recall = correct / len(truth) if truth else 1.0
    inside = ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
    print(f"{name}: {n_fam} families, {n_rem} remains ({len(truth)} true): "
          f"{min(walls):.2f} s (best of {len(walls)}: "
          f"{' '.join(f'{w:.2f}' for w in walls)}; in process: {inside}), peak "
          f"{peak:.0f} MB (largest run so far), precision "
          f"{precision:.3f}, recall {recall:.3f} ({len(claimed)} identified), joint.exact "
          f"{str(solved.joint.exact).lower()}; load {_load()}")  # fmt: skip


def main_shapes(names: list[str]) -> None:
    """Run the case shapes (all, or those whose name starts with one of ``names``)."""
    helps = []
    for _ in range(4):  # the first run writes the bytecode caches
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from kintrace.cli.main import app; app()", "--help"],
            capture_output=True, check=True, env=_child_env(),
        )  # fmt: skip
        helps.append(time.perf_counter() - start)
    print(f"process start (kintrace --help): {min(helps[1:]):.2f} s (best of 3 after a first "
          f"run of {helps[0]:.2f} s); load {_load()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for name, shapes in SHAPES.items():
            if names and not any(name.startswith(n) for n in names):
                continue
            run_shape(name, shapes, Path(folder))


if __name__ == "__main__":
    if sys.argv[1:2] == ["shapes"]:
        main_shapes(sys.argv[2:])
    else:
        main()
