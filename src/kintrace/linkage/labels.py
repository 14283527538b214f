"""Analysts' decisions as labels: confirmed pairs update the model's m. Pure.

An analyst who confirms a pair says that its records are one person; the levels at which
the pair agrees are then evidence of what true pairs look like in these lists. Each
comparison's m (the share of true pairs at each level) gets a Dirichlet prior whose mean is
the m the model had (trained, or the priors) and whose weight is a number of pseudo-pairs;
the confirmed pairs' counts update it:

    m = (count at the level + weight * m before) / (labelled pairs + weight)

(Gelman et al., *Bayesian Data Analysis*, 3rd ed., section 3.4: the Dirichlet is conjugate
to the multinomial.) A few labels move m a little, many move it much, and a level no label
shows keeps a share of its m instead of falling to 0, which would make it a veto. Levels
whose m is fixed (the twins guard) never move. Labels are a biased sample, the doubtful pairs
an analyst was shown, and the prior weight tempers that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kintrace.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class PairLabel:
    """An analyst's decision on two records (indices into the input): one person or not."""

    left: int
    right: int
    match: bool


def check_labels(labels: Sequence[PairLabel], count: int) -> None:
    """Raise one error naming every label that is not two different records of ``count``.

    >>> check_labels([PairLabel(0, 1, True)], 2)
    """
    bad = [
        f"label ({p.left}, {p.right}): not two different records among {count}"
        for p in labels
        if not (0 <= p.left < count and 0 <= p.right < count) or p.left == p.right
    ]
    if bad:
        raise InvalidInput(f"{len(bad)} bad label(s)", bad)


def update_m(
    model: Mapping[str, Any], levels: Sequence[Mapping[str, int]], weight: float
) -> dict[str, Any]:
    """Return a Splink model dict with m updated by the levels of confirmed pairs.

    Args:
        model: a Splink settings dict with m probabilities (``save_model_to_json``).
        levels: each confirmed pair's comparison vector: comparison name → Splink's level
            value (-1 missing, 0 the last level, the first level highest).
        weight: the prior's weight, in pairs.

    Returns:
        A copy of ``model`` with the m of every level whose m is not fixed updated; a
        comparison that every labelled pair misses keeps its m.

    >>> model = {"comparisons": [{"output_column_name": "unit", "comparison_levels": [
    ...     {"is_null_level": True}, {"m_probability": 0.8}, {"m_probability": 0.2}]}]}
    >>> updated = update_m(model, [{"unit": 0}, {"unit": 0}, {"unit": -1}], weight=2.0)
    >>> [lv.get("m_probability") for lv in updated["comparisons"][0]["comparison_levels"]]
    [None, 0.4, 0.6]
    """
    updated: dict[str, Any] = {**model, "comparisons": []}
    for compared in model["comparisons"]:
        name = compared["output_column_name"]
        counts = Counter(pair[name] for pair in levels if pair[name] != -1)
        labelled = sum(counts.values())
        copied = [dict(level) for level in compared["comparison_levels"]]
        free = [level for level in copied if not level.get("is_null_level")]
        for index, level in enumerate(free):
            if level.get("fix_m_probability") or not labelled:
                continue
            before = float(level["m_probability"])
            count = counts.get(len(free) - 1 - index, 0)
            level["m_probability"] = (count + weight * before) / (labelled + weight)
        updated["comparisons"].append({**compared, "comparison_levels": copied})
    return updated
