"""Inputs past any sensible size are one clear error or simply work, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

from kintrace.dvi.joint import joint_search
from kintrace.dvi.pairwise import PairwiseMatrix
from kintrace.errors import StoryError
from kintrace.reconciliation.story import MAX_STORY_DEPTH, decode_story


def test_the_joint_search_handles_a_component_deeper_than_the_recursion_limit() -> None:
    # 1,200 remains that could each be one of three missing persons: one component whose
    # depth-first search goes 1,200 bodies deep (a RecursionError before)
    n_missing, n_remains = 3, 1200
    pm = PairwiseMatrix(
        families=("F1", "F2", "F3"),
        missing=("M1", "M2", "M3"),
        remains=tuple(f"V{k}" for k in range(n_remains)),
        log10_lr=np.tile(np.array([[3.0], [2.0], [1.0]]), (1, n_remains)),
        incompatible=np.zeros((n_missing, n_remains), dtype=np.int64),
        identifiable=np.ones(n_missing, dtype=bool),
    )
    result = joint_search(pm, max_nodes=20_000)
    assert result.components == 1
    best = result.solutions[0]
    assert len(best.pairs) == 3 and best.log10_lr == pytest.approx(6.0)


def test_a_story_nested_100k_deep_is_one_story_error() -> None:
    with pytest.raises(StoryError, match=f"nested deeper than {MAX_STORY_DEPTH} levels"):
        decode_story("[" * 100_000 + "]" * 100_000, source="story.json")


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = '{"today": "2024-01-01", "reports": [], "note": "' + "[" * 1000 + '\\""}'
    assert decode_story(text)["note"] == "[" * 1000 + '"'  # type: ignore[index]
