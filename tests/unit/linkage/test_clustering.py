"""Pairs into persons: connected components guarded against chaining."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kintrace.linkage.clustering import cluster_pairs, connected_components


def test_a_weak_record_between_two_brothers_does_not_join_them() -> None:
    # 0 and 2 are brothers (scored as different people); 1 is "Petrov A., 1998".
    clusters = cluster_pairs(3, [(0, 1, 0.97), (1, 2, 0.95)], cannot_link=[(0, 2)])
    assert clusters[0] == clusters[1] != clusters[2]


def test_without_a_cannot_link_the_components_are_plain() -> None:
    assert cluster_pairs(4, [(0, 1, 0.9), (1, 2, 0.9)]) == [0, 0, 0, 3]


def test_the_strongest_link_wins() -> None:
    clusters = cluster_pairs(3, [(0, 1, 0.91), (1, 2, 0.99)], cannot_link=[(0, 2)])
    assert clusters == [0, 1, 1]


_EDGES = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0.5, 1.0)), max_size=30)


@given(_EDGES, st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=10))
def test_clusters_never_hold_a_cannot_link_and_refine_components(
    edges: list[tuple[int, int, float]], cannot: list[tuple[int, int]]
) -> None:
    clusters = cluster_pairs(10, edges, cannot)
    components = connected_components(10, [(a, b) for a, b, _ in edges])
    for a, b in cannot:
        if a != b:
            assert clusters[a] != clusters[b]
    for a in range(10):
        for b in range(10):
            if clusters[a] == clusters[b]:
                assert components[a] == components[b]
