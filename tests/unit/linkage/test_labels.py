"""Analysts' decisions feed back: confirmed pairs update m, rejected pairs split clusters."""

from __future__ import annotations

import pytest

from kintrace.errors import InvalidInput
from kintrace.linkage.labels import PairLabel
from kintrace.linkage.model import LinkageSettings, link_features
from unit.linkage.test_model import a_person, synthetic_features

SETTINGS = LinkageSettings(min_records_to_train=500, label_prior_pairs=50.0)


def test_confirmed_pairs_move_m_towards_the_levels_they_show() -> None:
    features, _ = synthetic_features(500, seed=21)
    before = link_features(features, min_probability=0.0, settings=SETTINGS)
    assert before.trained and before.labels_used == 0
    # 30 pairs that disagree on the birth date, all confirmed: an analyst's way of saying
    # that in these lists a birth date is often wrong
    chosen = [p for p in before.pairs if p.evidence["birth_date"] == "different"][:30]
    assert len(chosen) == 30
    labels = [PairLabel(p.left, p.right, True) for p in chosen]
    after = link_features(features, min_probability=0.0, settings=SETTINGS, labels=labels)
    assert after.labels_used == 30
    m_before, m_after = before.m_probabilities, after.m_probabilities
    # the Dirichlet update: m = (count + 50 m_before) / (30 + 50)
    assert m_after["birth_date"]["different"] == pytest.approx(
        (30 + 50 * m_before["birth_date"]["different"]) / 80
    )
    assert m_after["birth_date"]["exact"] == pytest.approx(
        50 * m_before["birth_date"]["exact"] / 80
    )
    assert m_after["birth_date"]["different"] > 10 * m_before["birth_date"]["different"]
    # the twins guard is fixed: no label moves it
    assert m_after["given_name"]["different"] == m_before["given_name"]["different"]
    # and so the pairs that differ only in birth date score higher than before
    scored_before = {(p.left, p.right): p.match_probability for p in before.pairs}
    raised = [p for p in after.pairs if p.evidence["birth_date"] == "different"]
    assert all(p.match_probability >= scored_before[(p.left, p.right)] for p in raised)


def test_too_few_labels_leave_the_model_as_it_was() -> None:
    features, _ = synthetic_features(500, seed=21)
    plain = link_features(features, settings=SETTINGS)
    labelled = link_features(features, settings=SETTINGS, labels=[PairLabel(0, 1, True)])
    assert labelled.labels_used == 0
    assert labelled.m_probabilities.keys() == plain.m_probabilities.keys()
    for name, levels in plain.m_probabilities.items():  # EM sums in parallel: not bit-exact
        assert labelled.m_probabilities[name] == pytest.approx(levels, rel=1e-6), name


def test_a_rejected_pair_never_ends_in_one_cluster_and_a_confirmed_one_does() -> None:
    records = [
        a_person("Петров", "Саша", "Иванович", "1998", "Курская область"),
        a_person("PETROV", "Aleksandr", "Ivanovich", "03.05.1998", "Kurskaia oblast"),
        a_person("Сидоров", "Олег", "", "1985"),
        a_person("Sidorov", "Oleg", "Petrovich", "1985"),
        a_person("Иванов", "Пётр", "", "1970"),
        a_person("Ivanova", "Anna", "", "1999"),
    ]
    plain = link_features(records)
    assert plain.clusters[0] == plain.clusters[1]
    decided = link_features(records, labels=[PairLabel(0, 1, False), PairLabel(4, 5, True)])
    assert decided.clusters[0] != decided.clusters[1]
    assert decided.clusters[4] == decided.clusters[5]
    assert decided.clusters[2] == decided.clusters[3]


def test_labels_must_name_two_records_of_the_input() -> None:
    records = [a_person("Петров", "Иван"), a_person("Petrov", "Ivan")]
    with pytest.raises(InvalidInput) as raised:
        link_features(records, labels=[PairLabel(0, 2, True), PairLabel(1, 1, False)])
    assert len(raised.value.problems) == 2
