"""The Fellegi–Sunter linkage model on Splink: blocking, training, scoring and clustering.

:func:`link_features` takes the comparison columns of every record (one list, or two lists
put one after the other) and returns every scored pair above a probability, with the evidence
of each field, and the persons (clusters) they make. It runs on any Splink backend: DuckDB
embedded by default, Spark when given ``SparkAPI(spark_session=...)``.

Method (Fellegi & Sunter 1969; Splink's implementation, Linacre et al. 2022):

- candidate pairs come from the union of the blocking rules of :data:`BLOCKING_RULES`, which
  are written on the normalised keys so that a nickname, a Ukrainian form, a transliteration
  or a swapped name order still falls in the same block;
- ``u`` (the chance that two different people agree at a level) is estimated by random
  sampling of record pairs; ``m`` (the chance for the same person) by expectation
  maximisation on two blockings, each leaving out the fields it blocks on; the prior m and u
  of :mod:`kintrace.linkage.comparisons` stand when the lists are too small to train on;
- term-frequency adjustments make agreement on a rare surname or given name count more
  than agreement on Иванов or Александр;
- clusters are connected components above a threshold, guarded against chaining
  (:func:`kintrace.linkage.clustering.cluster_pairs`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]  # ships no type information
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import SplinkException  # Splink exports no public error types

from kintrace.linkage.clustering import cluster_pairs, connected_components
from kintrace.linkage.comparisons import COMPARISONS, splink_comparisons
from kintrace.linkage.normalise import PersonFeatures

BLOCKING_RULES: tuple[str, ...] = (
    "l.surname_key = r.surname_key AND l.given_initial = r.given_initial",
    "l.surname_key = r.surname_key AND l.birth_year = r.birth_year",
    "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
    " AND l.birth_month = r.birth_month",
    "l.given_canonical = r.given_canonical AND l.patronymic_canonical = r.patronymic_canonical"
    " AND l.birth_year = r.birth_year",
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical",
    "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
    " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)",
    "l.given_canonical = r.given_canonical AND l.patronymic_canonical = r.patronymic_canonical"
    " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)",
    "l.surname_key = r.given_as_surname_key AND l.given_as_surname_key = r.surname_key",
    "substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3)"
    " AND l.given_canonical = r.given_canonical",
    "l.given_canonical = r.given_canonical AND l.region = r.region"
    " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)",
    "l.given_canonical = r.given_canonical AND l.unit = r.unit",
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_day AND l.birth_day = r.birth_month"
    " AND l.given_initial = r.given_initial",
    "l.personal_number = r.personal_number",
    "l.unit = r.unit AND l.birth_year = r.birth_year",
)
"""Rules that make candidate pairs: a pair is scored when any rule holds."""

EM_BLOCKING_RULES: tuple[str, ...] = (
    "l.surname_key = r.surname_key AND l.birth_year = r.birth_year",
    "l.given_canonical = r.given_canonical AND l.patronymic_canonical = r.patronymic_canonical"
    " AND l.region = r.region",
    "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
    " AND l.birth_month = r.birth_month",
)
"""Blockings on which EM estimates m: each leaves the other fields free to disagree.

The first two are used; the third stands in when one of them finds no pairs (lists without
patronymics or regions)."""

DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_year = r.birth_year",
    "l.personal_number = r.personal_number",
)
"""Near-certain matches, used to estimate the share of pairs that match."""

_FEATURE_FIELDS = tuple(f.name for f in fields(PersonFeatures))
_INT_FIELDS = frozenset({"birth_year", "birth_year_min", "birth_month", "birth_day", "rank_level"})


@dataclass(frozen=True, slots=True)
class LinkageSettings:
    """How to train and score; the defaults suit lists of a thousand to a million rows.

    ``min_records_to_train``: below it the prior m and u are used as they are (a handful of
    rows cannot teach a model). ``u_max_pairs``: random pairs sampled for u. ``seed`` makes
    u sampling reproducible. ``cluster_probability``: the clustering threshold;
    ``cannot_link_probability``: a scored pair below it may not end up in one cluster.
    ``em_max_iterations``: the most EM iterations of each training session.
    """

    min_records_to_train: int = 1000
    u_max_pairs: float = 1e6
    seed: int = 5
    train_m: bool = True
    use_term_frequencies: bool = True
    cluster_probability: float = 0.9
    cannot_link_probability: float = 0.01
    em_max_iterations: int = 20


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A scored pair of records (indices into the input), ``left < right``.

    ``match_weight`` is in bits (log2 of the Bayes factor plus the prior);
    ``evidence`` gives each field's agreement level (``exact``, ``nickname``, ``missing``...).
    """

    left: int
    right: int
    match_probability: float
    match_weight: float
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LinkageResult:
    """What a linkage run found.

    ``pairs``: every scored pair at or above the asked probability, strongest first;
    ``clusters``: the cluster of each record (the lowest record index in it);
    ``pairs_scored``: every candidate pair the model scored; ``trained``: whether m and u
    were estimated from these data (else the priors were used).
    """

    pairs: tuple[ScoredPair, ...]
    clusters: tuple[int, ...]
    pairs_scored: int
    trained: bool


def features_table(features: Sequence[PersonFeatures]) -> Any:
    """Return the records as an Arrow table: ``unique_id`` is the record's index.

    Empty strings become nulls, so that Splink's "missing" levels see them as missing.
    """
    columns: dict[str, list[Any]] = {"unique_id": list(range(len(features)))}
    for name in _FEATURE_FIELDS:
        values: list[Any] = []
        for record in features:
            value = getattr(record, name)
            if name == "given_candidates":
                values.append(list(value) or None)
            else:
                values.append(value if value not in ("", None) else None)
        columns[name] = values
    schema = pa.schema(
        [pa.field("unique_id", pa.int64())]
        + [
            pa.field(
                name,
                pa.list_(pa.string())
                if name == "given_candidates"
                else pa.int64()
                if name in _INT_FIELDS
                else pa.string(),
            )
            for name in _FEATURE_FIELDS
        ]
    )
    return pa.Table.from_pydict(columns, schema=schema)


def _as_rules(rules: Sequence[str]) -> list[Any]:
    """Return SQL blocking rules as Splink takes them (it types them as rule objects)."""
    return list(rules)


def settings_for(count: int, *, use_tf: bool, em_max_iterations: int = 20) -> SettingsCreator:
    """Return the Splink settings of the model for ``count`` records (dedupe of their union)."""
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=splink_comparisons(use_tf=use_tf),
        blocking_rules_to_generate_predictions=_as_rules(BLOCKING_RULES),
        # one true partner per record among all pairs is the prior before training
        probability_two_random_records_match=min(0.5, 1.0 / max(count, 2)),
        retain_matching_columns=True,  # keeps the gamma_ columns: the evidence
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
        sessions = 0
        for rule in EM_BLOCKING_RULES:
            if sessions == 2:
                break
            # A failed session leaves the linker without the comparisons it blocked on (Splink
            # removes them in place and puts them back only when training ends), so the model
            # is saved first and restored on failure.
            saved = linker._settings_obj.core_model_settings.copy()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except (ValueError, SplinkException):
                # Splink refuses a blocking with no pairs, and an m that underflows to 0 (a
                # level seen only in clear non-matches of a small blocking); the session is
                # then dropped whole and the m of the priors or of earlier sessions stand.
                linker._settings_obj.core_model_settings = saved
                continue
            sessions += 1


def _evidence(record: dict[str, Any]) -> dict[str, str]:
    evidence = {}
    for comparison in COMPARISONS:
        labels = comparison.labels()
        value = record.get(f"gamma_{comparison.name}")
        evidence[comparison.name] = labels.get(int(value), "") if value is not None else ""
    return evidence


def link_features(
    features: Sequence[PersonFeatures],
    *,
    min_probability: float = 0.5,
    settings: LinkageSettings | None = None,
    db_api: Any = None,
    on_stage: Callable[[str], None] | None = None,
) -> LinkageResult:
    """Score candidate pairs among ``features`` and cluster them into persons.

    Args:
        features: the comparison columns of every record; indices are the record ids.
        min_probability: pairs below it are not returned (they still guard clusters).
        settings: training and clustering settings; :class:`LinkageSettings` by default.
        db_api: a Splink database API (``DuckDBAPI()``, ``SparkAPI(spark_session=...)``);
            a new in-memory DuckDB when not given.
        on_stage: called with the name of each stage as it starts (for progress bars).

    Returns:
        The pairs at or above ``min_probability``, the cluster of each record and counts.
    """
    settings = settings or LinkageSettings()
    report = on_stage or (lambda _stage: None)
    count = len(features)
    if count < 2:
        return LinkageResult((), tuple(range(count)), 0, False)
    api = db_api if db_api is not None else DuckDBAPI()
    logging.getLogger("splink").setLevel(logging.ERROR)
    report("prepare")
    table = api.register(features_table(features))
    trained = count >= settings.min_records_to_train
    linker = Linker(
        table,
        settings_for(
            count,
            use_tf=settings.use_term_frequencies,
            em_max_iterations=settings.em_max_iterations,
        ),
        log_level=None,
    )
    if trained:
        report("train")
        _train(linker, count, settings)
    report("score")
    predictions = linker.inference.predict(warning_mode="never")
    floor = min(min_probability, settings.cluster_probability)
    gammas = ", ".join(f"gamma_{c.name}" for c in COMPARISONS)
    kept = predictions.query_sql(
        "SELECT unique_id_l, unique_id_r, match_probability, match_weight, "
        f"{gammas} FROM {{this}} WHERE match_probability >= {floor!r}"
    ).as_record_list()
    pairs_scored = int(
        predictions.query_sql("SELECT count(*) AS n FROM {this}").as_record_list()[0]["n"]
    )
    report("cluster")
    scored = sorted(
        (
            ScoredPair(
                min(int(r["unique_id_l"]), int(r["unique_id_r"])),
                max(int(r["unique_id_l"]), int(r["unique_id_r"])),
                float(r["match_probability"]),
                float(r["match_weight"]) if r["match_weight"] is not None else -math.inf,
                _evidence(r),
            )
            for r in kept
        ),
        key=lambda p: (-p.match_probability, p.left, p.right),
    )
    edges = [
        (p.left, p.right, p.match_probability)
        for p in scored
        if p.match_probability >= settings.cluster_probability
    ]
    cannot = _cannot_links(api, predictions, count, edges, settings.cannot_link_probability)
    clusters = cluster_pairs(count, edges, cannot)
    returned = tuple(p for p in scored if p.match_probability >= min_probability)
    return LinkageResult(returned, tuple(clusters), pairs_scored, trained)


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
