"""The comparisons: levels as data, compiled for Splink, and the evidence computed from them."""

from __future__ import annotations

from splink import DuckDBAPI, Linker

from kintrace.cases.model import PersonDetails
from kintrace.linkage.comparisons import COMPARISONS, extra_comparison, gamma_sql
from kintrace.linkage.model import (
    comparisons_for,
    extra_fields,
    features_table,
    link_features,
    settings_for,
)
from kintrace.linkage.normalise import ExtraField, ExtraKind, person_features
from unit.linkage.test_model import synthetic_features


def test_the_evidence_is_the_level_splink_scored() -> None:
    # The evidence of a returned pair is computed after scoring, from the same level
    # conditions: it must be the comparison vector Splink itself used.
    features, _ = synthetic_features(150, seed=4)
    features += [
        person_features(PersonDetails("capel", "benjamin", personal_number="4415928")),
        person_features(PersonDetails("capel", "joshua", personal_number="4415928")),
    ]
    ours = link_features(features, min_probability=0.0)
    settings = settings_for(len(features), use_tf=True)
    settings.retain_matching_columns = True  # keeps Splink's own gamma_ columns
    api = DuckDBAPI()
    linker = Linker(api.register(features_table(features)), settings, log_level=None)
    theirs = linker.inference.predict(warning_mode="never").as_record_list()
    assert len(theirs) == ours.pairs_scored == len(ours.pairs)
    evidence = {(p.left, p.right): p.evidence for p in ours.pairs}
    levels_seen = set()
    for row in theirs:
        pair = (
            min(row["unique_id_l"], row["unique_id_r"]),
            max(row["unique_id_l"], row["unique_id_r"]),
        )
        for comparison in COMPARISONS:
            label = comparison.labels()[int(row[f"gamma_{comparison.name}"])]
            assert evidence[pair][comparison.name] == label, (pair, comparison.name)
            levels_seen.add((comparison.name, label))
    assert ("given_name", "different_same_number") in levels_seen
    assert ("given_name", "nickname") in levels_seen
    assert len(levels_seen) > 25


def test_gamma_sql_numbers_levels_as_splink_does() -> None:
    sex = next(c for c in COMPARISONS if c.name == "sex")
    assert gamma_sql(sex, "duckdb") == (
        "CASE WHEN sex_l IS NULL OR sex_r IS NULL THEN -1 WHEN sex_l = sex_r THEN 1 ELSE 0 END"
    )
    assert sex.labels() == {-1: "missing", 1: "exact", 0: "different"}


def test_extra_fields_get_comparisons_by_kind() -> None:
    words = extra_comparison(ExtraField("street"))
    code = extra_comparison(ExtraField("postcode", ExtraKind.CODE))
    assert [lv.label for lv in words.levels] == ["exact", "typo", "similar"]
    assert [lv.label for lv in code.levels] == ["exact", "typo"]
    assert words.levels[0].tf_column == "extra_street"
    records = [
        person_features(PersonDetails("Петров", "Иван"), {ExtraField("street"): "Садовая"}),
        person_features(PersonDetails("Petrov", "Ivan")),
    ]
    extras = extra_fields(records)
    assert extras == (ExtraField("street"),)
    assert [c.name for c in comparisons_for(extras)][-1] == "street"
    table = features_table(records, extras)
    assert table.column("extra_street").to_pylist() == ["sadova", None]


def test_without_the_guard_a_different_given_name_is_an_ordinary_disagreement() -> None:
    guarded = {c.name: c for c in comparisons_for(())}["given_name"]
    unguarded = {c.name: c for c in comparisons_for((), given_name_guard=False)}["given_name"]
    assert guarded.else_fixed_m and guarded.else_m < 1e-15
    assert not unguarded.else_fixed_m and unguarded.else_m == 0.02
