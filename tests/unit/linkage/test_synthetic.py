"""The synthetic lists: seeded, with a known truth and a realistic long tail of surnames."""

from __future__ import annotations

from collections import Counter

from kintrace.linkage.synthetic import generate_lists, surname_pool, true_pairs


def test_the_same_seed_gives_the_same_lists_and_the_truth_pairs_them() -> None:
    a, b = generate_lists(300, seed=3)
    assert (a, b) == generate_lists(300, seed=3)
    rows = a + b
    truth = true_pairs(rows)
    assert truth and all(rows[i]["person"] == rows[j]["person"] for i, j in truth)
    assert {r["id"][0] for r in a} == {"A"} and {r["id"][0] for r in b} == {"B"}


def test_surnames_have_a_long_tail_with_a_head_of_about_one_percent() -> None:
    # one over (rank + 10): the commonest about 1.1%, two men share a surname with
    # chance about 0.15% (against 0.5% for the 197 equally likely surnames of before)
    a, b = generate_lists(20_000, seed=9)
    people = {r["person"]: r["surname"] for r in a if not r["surname"].endswith("а")}
    counts = Counter(people.values())
    total = sum(counts.values())
    commonest = counts.most_common(1)[0][1] / total
    shared = sum(c * (c - 1) for c in counts.values()) / (total * (total - 1))
    assert 0.006 < commonest < 0.02
    assert 0.0008 < shared < 0.0025
    assert len(counts) > 3_000
    assert len(surname_pool()) > 20_000


def test_brothers_and_twins_are_there_to_be_kept_apart() -> None:
    a, b = generate_lists(3_000, seed=4)
    rows = a + b
    by_name: dict[tuple[str, str], set[str]] = {}
    for row in b:
        if row["patronymic"]:
            key = (row["surname"].lower(), row["birth_date"])
            by_name.setdefault(key, set()).add(row["person"])
    assert any(len(persons) > 1 for persons in by_name.values())  # twins: one birth date
    assert len({r["person"] for r in rows}) < len(rows)
