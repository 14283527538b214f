"""Scored pairs → persons: connected components with a guard against chaining. Pure.

Plain connected components above a threshold join two different people through one weak
link: Петров Александр 1998 matches «Petrov A., 1998», which also matches Петров Алексей
1998, and all three become one person. :func:`cluster_pairs` joins records greedily, the
strongest link first (single linkage), but never joins two groups that hold a pair the model
scored as a clear non-match (a *cannot-link*): the brothers stay apart, and the weak record
joins whichever of them it resembles most.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def connected_components(count: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Return the component of each of ``count`` nodes (the lowest node index in it).

    >>> connected_components(5, [(0, 1), (3, 4), (1, 2)])
    [0, 0, 0, 3, 3]
    """
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in edges:
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find(node) for node in range(count)]


def cluster_pairs(
    count: int,
    edges: Sequence[tuple[int, int, float]],
    cannot_link: Iterable[tuple[int, int]] = (),
) -> list[int]:
    """Return the cluster of each of ``count`` records (the lowest record index in it).

    ``edges`` are ``(left, right, match_probability)`` above the clustering threshold;
    ``cannot_link`` are pairs that must not end up in one cluster. Edges are taken
    strongest first; an edge whose two clusters hold a cannot-link pair is skipped.

    >>> # 0–1 and 1–2 are links, but 0 and 2 are scored as different people
    >>> cluster_pairs(3, [(0, 1, 0.99), (1, 2, 0.7)], cannot_link=[(0, 2)])
    [0, 0, 2]
    >>> cluster_pairs(3, [(0, 1, 0.99), (1, 2, 0.7)])
    [0, 0, 0]
    """
    parent = list(range(count))
    members: dict[int, list[int]] = {}
    forbidden: dict[int, set[int]] = {}
    for a, b in cannot_link:
        if a != b:
            forbidden.setdefault(a, set()).add(b)
            forbidden.setdefault(b, set()).add(a)

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right, _ in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        a, b = find(left), find(right)
        if a == b:
            continue
        group_a = members.get(a, [a])
        group_b = members.get(b, [b])
        if forbidden:
            small, large = (
                (group_a, group_b) if len(group_a) <= len(group_b) else (group_b, group_a)
            )
            other = set(large)
            if any(forbidden.get(node, set()) & other for node in small):
                continue
        root, child = min(a, b), max(a, b)
        parent[child] = root
        members[root] = group_a + group_b
        members.pop(child, None)
    return [find(node) for node in range(count)]
