"""The Fellegi–Sunter linkage model on Splink: blocking, training, scoring and clustering.

:func:`link_features` takes the comparison columns of every record (one list, or two lists
put one after the other) and returns every scored pair above a probability, with the evidence
of each field, and the persons (clusters) they make. It runs on any Splink backend: DuckDB
embedded by default, Spark when given ``SparkAPI(spark_session=...)``.

Method (Fellegi & Sunter 1969; Splink's implementation, Linacre et al. 2022):

- candidate pairs come from the union of the blocking rules of
  :mod:`kintrace.linkage.blocking`, which are written on the normalised keys so that a
  nickname, a Ukrainian form, a transliteration or a swapped name order still falls in the
  same block (more selective rules for large inputs, whose pairs grow with the square of
  the records);
- ``u`` (the chance that two different people agree at a level) is estimated by random
  sampling of record pairs; ``m`` (the chance for the same person) by expectation
  maximisation on two blockings, each leaving out the fields it blocks on; the prior m and u
  of :mod:`kintrace.linkage.comparisons` stand when the lists are too small to train on;
- term-frequency adjustments make agreement on a rare surname or given name count more
  than agreement on Иванов or Александр;
- analysts' decisions (:class:`PairLabel`) feed back: confirmed pairs update m (a
  Dirichlet update whose prior is the trained m, so that a few labels move it a little and
  many move it much), rejected pairs never end up in one cluster;
- clusters are connected components above a threshold, guarded against chaining
  (:func:`kintrace.linkage.clustering.cluster_pairs`).

Only the pair ids and scores of every candidate pair are kept; the evidence (each field's
level) is computed afterwards for the pairs returned, which keeps a million-record run in
memory.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]  # ships no type information
import pyarrow.compute as pc  # type: ignore[import-untyped]  # ships no type information
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import (
    SplinkException,  # Splink exports no public error types
)

from kintrace.errors import InvalidInput
from kintrace.linkage.blocking import (
    BLOCKING_RULES,
    DETERMINISTIC_RULES,
    EM_BLOCKING_RULES,
    EM_FIELDS,
    blocked_pairs_sql,
    blocking_rules_for,
)
from kintrace.linkage.clustering import cluster_pairs, connected_components
from kintrace.linkage.comparisons import (
    COMPARISONS,
    Comparison,
    extra_column,
    extra_comparison,
    splink_comparisons,
)
from kintrace.linkage.labels import PairLabel, check_labels, update_m
from kintrace.linkage.normalise import ExtraField, PersonFeatures
from kintrace.linkage.relatives import yielded_pairs
from kintrace.linkage.weighing import (
    FEATURE_FIELDS,
    Scoring,
    joint_scores,
    levels_by_gamma,
    pair_class,
    pair_levels,
)

_INT_FIELDS = frozenset({"birth_year", "birth_year_min", "birth_month", "birth_day", "rank_level"})
_NULL_STRING = pa.scalar(None, pa.string())


@dataclass(frozen=True, slots=True)
class LinkageSettings:
    """How to train and score; the defaults suit lists of a thousand to a million rows.

    ``min_records_to_train``: below it the prior m and u are used as they are (a handful of
    rows cannot teach a model). ``u_max_pairs``: random pairs sampled for u. ``seed`` makes
    u sampling reproducible. ``cluster_probability``: the clustering threshold;
    ``cannot_link_probability``: a scored pair below it may not end up in one cluster.
    ``em_max_iterations``: the most EM iterations of each training session.
    ``min_labels_to_train``: confirmed pairs needed before labels update m;
    ``label_prior_pairs``: how many labelled pairs the trained (or prior) m counts as.
    ``given_name_guard``: keep the twins-and-brothers guard (a wholly different given name
    vetoes a pair unless the personal numbers agree). Turn it off only for lists that cannot
    hold two relatives, such as a register of one person per row: without it, twins with
    different given names but the same surname, birth date and address are one person.
    ``large_input_records``: from this many records on, candidate pairs come from the
    selective :data:`~kintrace.linkage.blocking.LARGE_BLOCKING_RULES`.
    ``em_full_records``: beyond this many records,
    each EM blocking is sampled, one pair in (records / em_full_records) squared, so that
    training costs the same at any size. ``joint``: turn each pair's probability into the
    probability given the pairs around it (:mod:`kintrace.linkage.joint`), counting the
    pairs scored at or above ``joint_edge``; components of up to ``joint_exact_limit``
    records are counted whole, a larger one pair by pair over ``joint_local_limit``
    records. ``guard_from_lists``: when two lists are linked (``split``), let the guard yield
    to the lists themselves (:mod:`kintrace.linkage.relatives`). ``list_priors``: when two
    lists are linked and the model trained, give pairs across the lists and pairs within
    each list their own prior (:func:`list_priors`), estimated from the pairs scored at or
    above ``joint_edge`` (so that the pairs a caller asks back do not change the scores).
    ``joint_triangles``: in the joint count, a person of three or more records counts its
    prior and the agreement its records share once per record that joins it, not once per
    pair (:func:`~kintrace.linkage.joint.triangle_correction`).
    """

    min_records_to_train: int = 1000
    u_max_pairs: float = 1e6
    seed: int = 5
    train_m: bool = True
    use_term_frequencies: bool = True
    cluster_probability: float = 0.9
    cannot_link_probability: float = 0.01
    em_max_iterations: int = 20
    min_labels_to_train: int = 20
    label_prior_pairs: float = 50.0
    given_name_guard: bool = True
    large_input_records: int = 400_000
    em_full_records: int = 200_000
    joint: bool = True
    joint_edge: float = 0.05
    joint_exact_limit: int = 9
    joint_local_limit: int = 6
    guard_from_lists: bool = True
    list_priors: bool = True
    joint_triangles: bool = True


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A scored pair of records (indices into the input), ``left < right``.

    ``match_probability`` is the probability that the two records are one person given the
    pairs around them (:mod:`kintrace.linkage.joint`); ``pairwise_probability`` is the
    Fellegi–Sunter probability of the pair on its own, and ``match_weight`` its weight in
    bits (log2 of the Bayes factor plus the prior); ``evidence`` gives each field's
    agreement level (``exact``, ``nickname``, ``missing``...).
    """

    left: int
    right: int
    match_probability: float
    match_weight: float
    evidence: dict[str, str] = field(default_factory=dict)
    pairwise_probability: float | None = None


@dataclass(frozen=True, slots=True)
class LinkageResult:
    """What a linkage run found.

    ``pairs``: every scored pair at or above the asked probability, strongest first;
    ``clusters``: the cluster of each record (the lowest record index in it);
    ``pairs_scored``: every candidate pair the model scored; ``trained``: whether m and u
    were estimated from these data (else the priors were used); ``labels_used``: the
    confirmed pairs that updated m (0 when there were too few); ``m_probabilities``: the
    m of each level of each comparison that scored the pairs (by evidence label).
    """

    pairs: tuple[ScoredPair, ...]
    clusters: tuple[int, ...]
    pairs_scored: int
    trained: bool
    labels_used: int = 0
    m_probabilities: dict[str, dict[str, float]] = field(default_factory=dict)


def extra_fields(features: Sequence[PersonFeatures]) -> tuple[ExtraField, ...]:
    """Return the extra fields any record holds, in the order they first appear."""
    found: dict[ExtraField, None] = {}
    for record in features:
        for extra, _ in record.extra:
            found.setdefault(extra, None)
    names = Counter(extra.name for extra in found)
    clashes = sorted(name for name, n in names.items() if n > 1)
    if clashes:
        raise InvalidInput(f"extra fields {', '.join(clashes)} are given with two kinds")
    return tuple(found)


def comparisons_for(
    extras: Sequence[ExtraField], *, given_name_guard: bool = True
) -> tuple[Comparison, ...]:
    """Return the standard comparisons and one for each extra field.

    Without ``given_name_guard`` a wholly different given name is an ordinary disagreement
    (prior m 0.02, trained) instead of a veto.
    """
    standard = COMPARISONS
    if not given_name_guard:
        standard = tuple(
            replace(c, else_m=0.02, else_fixed_m=False) if c.name == "given_name" else c
            for c in COMPARISONS
        )
    return standard + tuple(extra_comparison(extra) for extra in extras)


def features_table(features: Sequence[PersonFeatures], extras: Sequence[ExtraField] = ()) -> Any:
    """Return the records as an Arrow table: ``unique_id`` is the record's index.

    Empty strings become nulls, so that Splink's "missing" levels see them as missing;
    each extra field is a string column (:func:`~.comparisons.extra_column`).
    """
    columns: dict[str, Any] = {"unique_id": pa.array(range(len(features)), pa.int64())}
    for name in FEATURE_FIELDS:
        read = attrgetter(name)
        if name == "given_candidates":
            columns[name] = pa.array(
                [list(value) or None for value in map(read, features)], pa.list_(pa.string())
            )
        elif name in _INT_FIELDS:  # None becomes null; 0 stays (a number)
            columns[name] = pa.array(list(map(read, features)), pa.int64())
        else:  # "" and None become null
            written = pa.array(list(map(read, features)), pa.string())
            columns[name] = pc.if_else(pc.equal(written, ""), _NULL_STRING, written)
    for extra in extras:
        columns[extra_column(extra)] = pa.array(
            [dict(record.extra).get(extra) for record in features], pa.string()
        )
    return pa.table(columns)


def _as_rules(rules: Sequence[str]) -> list[Any]:
    """Return SQL blocking rules as Splink takes them (it types them as rule objects)."""
    return list(rules)


def settings_for(
    count: int,
    *,
    use_tf: bool,
    em_max_iterations: int = 20,
    comparisons: Sequence[Comparison] = COMPARISONS,
    blocking_rules: Sequence[str] = BLOCKING_RULES,
) -> SettingsCreator:
    """Return the Splink settings of the model for ``count`` records (dedupe of their union)."""
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=splink_comparisons(comparisons, use_tf=use_tf),
        blocking_rules_to_generate_predictions=_as_rules(blocking_rules),
        # one true partner per record among all pairs is the prior before training
        probability_two_random_records_match=min(0.5, 1.0 / max(count, 2)),
        # only ids and scores of every candidate pair: the evidence of the pairs returned is
        # computed afterwards (_scored_pairs), which keeps a million-record run in memory
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=em_max_iterations,
    )


def _train(linker: Any, count: int, settings: LinkageSettings) -> None:
    pairs = count * (count - 1) / 2
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(settings.u_max_pairs, pairs) + 1, seed=settings.seed, num_chunks=1
    )
    if settings.train_m:
        freed: set[str] = set()
        # the pairs of an EM blocking grow with the square of the records: a sample of them
        # (the pairs whose two ids add up to a multiple of `every`, matches and non-matches
        # alike) keeps the cost of training the same at any size
        every = max(1, round((count / settings.em_full_records) ** 2))
        sample = f" AND (l.unique_id + r.unique_id) % {every} = 0" if every > 1 else ""
        for rule, fixed in EM_BLOCKING_RULES:
            if not (EM_FIELDS - fixed) - freed:
                continue  # every field it would estimate has been estimated
            # A failed session leaves the linker without the comparisons it blocked on (Splink
            # removes them in place and puts them back only when training ends), so the model
            # is saved first and restored on failure.
            saved = linker._settings_obj.core_model_settings.copy()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule + sample, estimate_without_term_frequencies=True
                )
            except (ValueError, SplinkException):
                # Splink refuses a blocking with no pairs, and an m that underflows to 0 (a
                # level seen only in clear non-matches of a small blocking); the session is
                # then dropped whole and the m of the priors or of earlier sessions stand.
                linker._settings_obj.core_model_settings = saved
                continue
            freed |= EM_FIELDS - fixed


def _evidence(
    record: dict[str, Any], labels: Sequence[tuple[str, dict[int, str]]]
) -> dict[str, str]:
    """Return the label of each comparison's level in a row of :func:`pair_levels`.

    ``labels``: each comparison's name and :meth:`Comparison.labels`, made once for all
    the pairs.
    """
    evidence = {}
    for name, by_value in labels:
        value = record.get(f"gamma_{name}")
        evidence[name] = by_value.get(int(value), "") if value is not None else ""
    return evidence


def _m_probabilities(
    model: dict[str, Any], comparisons: Sequence[Comparison]
) -> dict[str, dict[str, float]]:
    """Return the m of each level of a Splink model dict, by comparison and evidence label."""
    labels = {c.name: c.labels() for c in comparisons}
    return {
        name: {
            labels[name][gamma]: float(level["m_probability"]) for gamma, level in levels.items()
        }
        for name, levels in levels_by_gamma(model).items()
    }


def _learn_from_labels(
    api: Any,
    table: Any,
    model: dict[str, Any],
    comparisons: Sequence[Comparison],
    extras: Sequence[ExtraField],
    confirmed: Sequence[PairLabel],
    weight: float,
) -> dict[str, Any]:
    """Return the model with m updated by the levels of analyst-confirmed pairs."""
    pairs = [(p.left, p.right) for p in confirmed]
    rows = pair_levels(api, pairs, table.physical_name, comparisons, extras)
    levels = [{c.name: int(row[f"gamma_{c.name}"]) for c in comparisons} for row in rows]
    return update_m(model, levels, weight)


def link_features(
    features: Sequence[PersonFeatures],
    *,
    min_probability: float = 0.5,
    settings: LinkageSettings | None = None,
    labels: Sequence[PairLabel] = (),
    db_api: Any = None,
    on_stage: Callable[[str], None] | None = None,
    split: int | None = None,
) -> LinkageResult:
    """Score candidate pairs among ``features`` and cluster them into persons.

    Args:
        features: the comparison columns of every record; indices are the record ids.
            Extra fields the records hold (:class:`~.normalise.ExtraField`) are compared too.
        min_probability: pairs below it are not returned (they still guard clusters).
        settings: training and clustering settings; :class:`LinkageSettings` by default.
        labels: analysts' decisions on pairs of these records: confirmed pairs update m
            once there are ``settings.min_labels_to_train`` of them, and join their
            records' clusters; rejected pairs never end up in one cluster.
        db_api: a Splink database API (``DuckDBAPI()``, ``SparkAPI(spark_session=...)``);
            a new in-memory DuckDB when not given.
        on_stage: called with the name of each stage as it starts (for progress bars).
        split: two lists linked: the records before this index are the first list, the
            rest the second (duplicates within each are still found); ``None``: one list.

    Returns:
        The pairs at or above ``min_probability``, the cluster of each record and counts.
    """
    settings = settings or LinkageSettings()
    report = on_stage or (lambda _stage: None)
    count = len(features)
    check_labels(labels, count)
    if count < 2:
        return LinkageResult((), tuple(range(count)), 0, False)
    extras = extra_fields(features)
    comparisons = comparisons_for(extras, given_name_guard=settings.given_name_guard)
    api = db_api if db_api is not None else DuckDBAPI()
    logging.getLogger("splink").setLevel(logging.ERROR)
    report("prepare")
    table = api.register(features_table(features, extras))
    trained = count >= settings.min_records_to_train
    rules = blocking_rules_for(extras, large=count >= settings.large_input_records)
    linker = Linker(
        table,
        settings_for(
            count,
            use_tf=settings.use_term_frequencies,
            em_max_iterations=settings.em_max_iterations,
            comparisons=comparisons,
            blocking_rules=rules,
        ),
        log_level=None,
    )
    # Splink caches term frequencies and blocked pairs on the database API, by table name: a
    # db_api the caller passes again still holds those of the records it linked last time
    linker.table_management.invalidate_cache()  # type: ignore[no-untyped-call]  # Splink: untyped
    confirmed = [p for p in labels if p.match]
    learn = len(confirmed) >= settings.min_labels_to_train
    if trained or learn:
        report("train")
    if trained:
        _train(linker, count, settings)
    model = linker.misc.save_model_to_json()
    if learn:
        model = _learn_from_labels(
            api,
            table,
            model,
            comparisons,
            extras,
            confirmed,
            settings.label_prior_pairs,
        )
        linker = Linker(table, model, log_level=None)
    report("score")
    blocked = api.query_sql(blocked_pairs_sql(rules, table.physical_name))
    linker.table_management.register_blocked_pairs_for_predict(blocked)
    predictions = linker.inference.predict(warning_mode="never")
    # Splink drops the pairs it blocked itself after scoring, but keeps registered ones
    blocked.drop_table_from_database_and_remove_from_cache()
    floor = min(min_probability, settings.cluster_probability)
    # the joint step and the lists' priors count pairs down to the joint edge, below the
    # floor of the pairs returned
    scores = _scores(api, predictions, min(floor, settings.joint_edge))
    scoring = Scoring(api, table, comparisons, extras, model)
    yielded = (
        yielded_pairs(scoring, split, count)
        if split is not None and settings.given_name_guard and settings.guard_from_lists
        else {}
    )
    # a yielded probability lies in (0, 1): at least 0.5 without the guard, times a share in (0, 1)
    scores.update({pair: (p, math.log2(p / (1.0 - p))) for pair, p in yielded.items()})
    # the priors and the joint step read the pairs scored at or above the joint edge (as
    # Splink scored them), whatever pairs the caller asks back: pairs asked down to 0.001
    # would add their many small probabilities to the expected matches, and pairs a list's
    # prior lifts over the edge would join neighbourhoods, so that the same lists would
    # score otherwise
    counted = {pair: v for pair, v in scores.items() if v[0] >= settings.joint_edge}
    shift = (
        list_priors(
            counted,
            split,
            count,
            float(model["probability_two_random_records_match"]),
        )
        if split is not None and trained and settings.list_priors
        else None
    )
    if shift is not None:
        # a pair Splink scored below the joint edge takes its list's prior only where that
        # lowers it: such a pair has, nearly always, a better rival that the joint step
        # (which weighs only pairs at or above the edge) would have set against it, and
        # lifted alone (by 3.5 nats across two lists at 10,000 persons) it rose over 0.5
        # where the default floor never read it (61 such pairs on realistic lists of 10,000
        # persons asked down to 0.001, one of them true)
        scores = {
            pair: shift.apply(pair, p, w) if pair in counted or shift.of(pair) < 0.0 else (p, w)
            for pair, (p, w) in scores.items()
        }
    pairwise = {pair: p for pair, (p, _) in scores.items()}
    report("weigh")
    probability = (
        pairwise
        | joint_scores(
            scoring,
            predictions,
            {pair: p for pair, p in pairwise.items() if pair in counted},
            labels,
            edge=settings.joint_edge,
            exact_limit=settings.joint_exact_limit,
            local_limit=settings.joint_local_limit,
            adjust=(lambda pair, p: shift.apply(pair, p, 0.0)[0]) if shift is not None else None,
            split=split,
            partner=shift.partner if shift is not None else 0.0,
            priors=_pair_priors(float(model["probability_two_random_records_match"]), shift)
            if settings.joint_triangles
            else None,
        )
        if settings.joint
        else pairwise
    )
    chosen = [pair for pair, p in probability.items() if p >= floor]
    kept = pair_levels(api, chosen, table.physical_name, comparisons, extras)
    pairs_scored = int(
        predictions.query_sql("SELECT count(*) AS n FROM {this}").as_record_list()[0]["n"]
    )
    report("cluster")
    labels_of = [(comparison.name, comparison.labels()) for comparison in comparisons]
    scored = sorted(
        (
            ScoredPair(
                pair[0],
                pair[1],
                probability[pair],
                scores[pair][1],
                _evidence(r, labels_of),
                pairwise_probability=pairwise[pair],
            )
            for r in kept
            for pair in [(int(r["unique_id_l"]), int(r["unique_id_r"]))]
        ),
        key=lambda p: (-p.match_probability, p.left, p.right),
    )
    edges = [
        (p.left, p.right, p.match_probability)
        for p in scored
        if p.match_probability >= settings.cluster_probability
    ]
    edges += [(p.left, p.right, 1.0) for p in confirmed]
    cannot = [
        pair
        for pair in _cannot_links(api, predictions, count, edges, settings.cannot_link_probability)
        if (min(pair), max(pair)) not in yielded
    ]
    cannot += [(p.left, p.right) for p in labels if not p.match]
    clusters = cluster_pairs(count, edges, cannot)
    returned = tuple(p for p in scored if p.match_probability >= min_probability)
    return LinkageResult(
        returned,
        tuple(clusters),
        pairs_scored,
        trained,
        labels_used=len(confirmed) if learn else 0,
        m_probabilities=_m_probabilities(model, comparisons),
    )


def _pair_priors(prior: float, shift: PriorShift | None) -> tuple[float, float, float] | None:
    """Return the prior log odds (natural) of a pair across two lists, within the first and
    within the second (one list: all three the same)."""
    if not 0.0 < prior < 1.0:
        return None
    base = math.log(prior / (1.0 - prior))
    if shift is None:
        return base, base, base
    return base + shift.across, base + shift.first, base + shift.second


@dataclass(frozen=True, slots=True)
class PriorShift:
    """Log-odds shifts (natural) of the pairs across two lists and of those within each."""

    split: int
    across: float
    first: float
    second: float
    partner: float = 0.0

    def of(self, pair: tuple[int, int]) -> float:
        """Return the shift of a pair's class (across: with the partner term)."""
        kind = pair_class(pair, self.split)
        if kind == "across":
            return self.across + self.partner
        return self.first if kind == "first" else self.second

    def apply(self, pair: tuple[int, int], p: float, weight: float) -> tuple[float, float]:
        """Return a pair's probability and weight (bits) under its own list prior."""
        shift = self.of(pair)
        if p <= 0.0 or p >= 1.0:
            return p, weight
        log_odds = math.log(p / (1.0 - p)) + shift
        return 1.0 / (1.0 + math.exp(-log_odds)), weight + shift / math.log(2.0)


def list_priors(
    scores: dict[tuple[int, int], tuple[float, float]],
    split: int,
    count: int,
    prior: float,
    *,
    rounds: int = 500,
    partner_share: float = 0.9,
) -> PriorShift | None:
    """Return the shifts that give pairs across two lists and within each its own prior.

    Splink's model deduplicates the union of the lists, with one prior λ for every pair.
    But two lists about one population share their persons across (a request and its list
    entry) far more often than within (a request written twice): a·b pairs across hold most
    of the matches, a(a−1)/2 + b(b−1)/2 within hold few. One λ is then too low for a pair
    across, so a lone candidate with thin evidence is underconfident, and too high for a
    pair within, so namesakes within a list are overconfident (issue 19, cause 6). And the
    two lists repeat themselves at their own rates: families write a second request more
    often than a clerk enters a man twice, so that one prior for both lists' pairs within
    left the requests' duplicates underconfident (on the realistic lists of 100,000
    persons, requests' pairs within scored 0.3–0.5 were 60% true). Each class (across,
    within the first list, within the second) has its prior estimated as the expected
    matches among its pairs (the sum of their probabilities, each under its class's prior)
    over its pairs, by fixed-point iteration (the EM update of a mixing weight,
    Fellegi–Sunter's λ, per class); each pair's log odds move by the logit of its class's
    prior less the logit of λ. ``None`` when there is no pair across or none within.
    A list of one record has no pairs within; its shift is that of the other list.
    """
    a, b = split, count - split
    classes = {"across": float(a * b), "first": a * (a - 1) / 2, "second": b * (b - 1) / 2}
    if classes["across"] <= 0 or classes["first"] + classes["second"] <= 0:
        return None
    if not 0.0 < prior < 1.0:
        return None
    base = math.log(prior / (1.0 - prior))
    # each class's pairs as log odds (certain pairs counted as they are)
    chosen: dict[str, list[float]] = {kind: [] for kind in classes}
    for pair, (p, _) in scores.items():
        chosen[pair_class(pair, split)].append(p)
    odds: dict[str, Any] = {}
    certain: dict[str, float] = {}
    for kind, values in chosen.items():
        inside = np.array([p for p in values if 0.0 < p < 1.0], dtype=float)
        odds[kind] = np.log(inside / (1.0 - inside))
        certain[kind] = float(sum(p for p in values if p >= 1.0))
    shifts = dict.fromkeys(classes, 0.0)
    expected = dict.fromkeys(classes, 0.0)
    for _ in range(rounds):
        moved = 0.0
        for kind, pairs in classes.items():
            if pairs <= 0:
                continue
            expected[kind] = certain[kind] + float(
                np.sum(1.0 / (1.0 + np.exp(-(odds[kind] + shifts[kind]))))
            )
            share = min(max(expected[kind], 0.5) / pairs, 0.5)
            new = math.log(share / (1.0 - share)) - base
            moved = max(moved, abs(new - shifts[kind]))
            shifts[kind] = new
        if moved < 1e-12:
            break
    for kind, other in (("first", "second"), ("second", "first")):
        if classes[kind] <= 0:
            shifts[kind] = shifts[other]
    # one partner at most: n persons on both lists leave a − n and b − n records alone
    matched = min(expected["across"], partner_share * min(a, b))
    partner = math.log(a * b / ((a - matched) * (b - matched)))
    return PriorShift(split, shifts["across"], shifts["first"], shifts["second"], partner)


def _scores(api: Any, predictions: Any, floor: float) -> dict[tuple[int, int], tuple[float, float]]:
    """Return the probability and weight of every scored pair at or above ``floor``."""
    rows = api.query_sql(
        "SELECT unique_id_l, unique_id_r, match_probability, match_weight "
        f"FROM {predictions.physical_name} WHERE match_probability >= {floor!r}"
    ).as_record_list()
    return {
        (min(left, right), max(left, right)): (
            float(r["match_probability"]),
            float(r["match_weight"]) if r["match_weight"] is not None else -math.inf,
        )
        for r in rows
        for left, right in [(int(r["unique_id_l"]), int(r["unique_id_r"]))]
    }


def _cannot_links(
    api: Any,
    predictions: Any,
    count: int,
    edges: Sequence[tuple[int, int, float]],
    below: float,
) -> list[tuple[int, int]]:
    """Return the scored pairs below ``below`` inside components of three or more records."""
    components = connected_components(count, ((a, b) for a, b, _ in edges))
    sizes: dict[int, int] = {}
    for component in components:
        sizes[component] = sizes.get(component, 0) + 1
    nodes = [(n, c) for n, c in enumerate(components) if sizes[c] >= 3]
    if not nodes:
        return []
    members = api.register(
        pa.table(
            {
                "node": pa.array([n for n, _ in nodes], pa.int64()),
                "component": pa.array([c for _, c in nodes], pa.int64()),
            }
        )
    )
    rows = api.query_sql(
        f"SELECT p.unique_id_l AS a, p.unique_id_r AS b FROM {predictions.physical_name} p "
        f"JOIN {members.physical_name} x ON p.unique_id_l = x.node "
        f"JOIN {members.physical_name} y ON p.unique_id_r = y.node "
        f"WHERE x.component = y.component AND p.match_probability < {below!r}"
    ).as_record_list()
    return [(int(r["a"]), int(r["b"])) for r in rows]
