"""Benchmark: joint DVI of simulated remains against simulated families (prints the figures).

Run: ``uv run python benchmarks/bench_dvi.py [FAMILIES] [REMAINS] [FROM_FAMILIES]`` (default
100 150 80). Families are nuclear (father, mother, missing son, sibling) with 1–3 typed relatives;
genotypes are simulated with a fixed seed on the 23 core markers of the Norwegian table; the
LRs use an ``equal`` mutation model (rate 0.001). Prints the time to the pairwise matrix, to the
undisputed list and to the full result, and precision and recall against the truth.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.pairwise import pairwise_matrix
from kintrace.dvi.simulate import simulate_genotypes
from kintrace.dvi.solve import Conclusion, solve_dvi
from kintrace.dvi.undisputed import identify_undisputed
from kintrace.kinship.datasets import CORE_23, norwegian_frequencies
from kintrace.kinship.genotypes import format_genotype
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
from kintrace.kinship.pedigree import build_pedigree


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
    args = [int(a) for a in sys.argv[1:4]]
    n_families, n_remains, n_from = (args + [100, 150, 80][len(args) :])[:3]
    families_text, remains_text, truth = simulate(n_families, n_remains, n_from)
    table = norwegian_frequencies().subset(CORE_23)
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    fams = parse_dvi_families(families_text)
    remains = parse_remains(remains_text)
    data = check_dvi(fams, remains)
    print(f"{n_families} families, {n_remains} remains ({n_from} from the families), 23 markers")
    t0 = time.perf_counter()
    pairwise_matrix(fams, remains, table, mutation)
    t1 = time.perf_counter()
    found, *_ = identify_undisputed(fams, remains, table, mutation)
    t2 = time.perf_counter()
    result = solve_dvi(data, table, mutation)
    t3 = time.perf_counter()
    print(f"pairwise matrix:      {t1 - t0:8.2f} s")
    print(f"undisputed list:      {t2 - t1:8.2f} s  ({len(found)} undisputed)")
    print(f"full result:          {t3 - t2:8.2f} s  (joint components: {result.joint.components},"
          f" exact posteriors: {result.joint.exact})")  # fmt: skip
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
    precision = correct / len(claimed) if claimed else 1.0
    recall = correct / len(truth) if truth else 1.0
    print(f"identifications (undisputed + probable): {len(claimed)}; false: {false}")
    print(f"precision {precision:.3f}, recall {recall:.3f}")


if __name__ == "__main__":
    main()
