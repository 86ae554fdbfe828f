"""Held-out evaluation checked against sklearn, scipy, statsmodels, R's pROC and hand computations.

Reference numbers for DeLong's interval: ``tests/reference/evaluate_r_reference.json``,
written by ``tests/reference/evaluate_reference.R`` (R 4.2.2, pROC 1.18.0:
``roc(y, score, direction = "<", levels = c(0, 1))``, ``auc``,
``ci.auc(method = "delong")``, ``var(method = "delong")``). The data of every
case is stored in the JSON, so these tests need no R.
"""

from __future__ import annotations

import doctest
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from sklearn.metrics import brier_score_loss, roc_auc_score
from statsmodels.stats.proportion import proportion_confint

import calibrate.evaluate as evaluate_module
from calibrate.errors import DataError
from calibrate.evaluate import (
    MAX_DEFAULT_THRESHOLDS,
    auc_with_ci,
    brier_score,
    calibration_edges,
    calibration_table,
    evaluate_scores,
    gains_table,
    holdout_split,
    kfold_splits,
    threshold_table,
)

R_REFERENCE = json.loads((Path(__file__).parent / "reference" / "evaluate_r_reference.json").read_text())


def _tied_sample(seed: int, n: int = 2000, prevalence: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Outcome and integer scores 0..10 (heavy ties) that carry some signal."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    score = np.clip(np.round(rng.normal(4 + 2 * y, 2.5)), 0, 10).astype(int)
    return y, score


def _wilson(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    low, high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)


# ---------------------------------------------------------------------- AUC
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_equals_sklearn_roc_auc_score_with_heavy_ties(seed: int) -> None:
    # Reference: sklearn.metrics.roc_auc_score (trapezoidal ROC area, ties count one half).
    y, score = _tied_sample(seed)
    assert len(np.unique(score)) <= 11
    result = auc_with_ci(y, score)
    assert result["auc"] == pytest.approx(roc_auc_score(y, score), rel=1e-12)
    assert result["method"] == "delong"


def test_auc_equals_mann_whitney_u_over_pairs() -> None:
    # Reference: scipy.stats.mannwhitneyu: AUC = U / (m * n) with mid-ranks for ties.
    y, score = _tied_sample(7, n=500, prevalence=0.3)
    u = sps.mannwhitneyu(score[y == 1], score[y == 0]).statistic
    m, n = int(y.sum()), int((y == 0).sum())
    assert auc_with_ci(y, score)["auc"] == pytest.approx(u / (m * n), rel=1e-12)


@pytest.mark.parametrize("case", R_REFERENCE["cases"], ids=lambda c: c["id"])
def test_delong_interval_matches_r_proc(case: dict) -> None:
    # Reference: R pROC 1.18.0, ci.auc(roc(y, score, direction = "<"), method = "delong") and var(method = "delong").
    y, score = np.array(case["y"]), np.array(case["score"])
    assert len(y) == case["n"] and int(y.sum()) == case["customers"]
    result = auc_with_ci(y, score, confidence=0.95)
    assert result["auc"] == pytest.approx(case["auc"], rel=1e-9)
    assert result["se"] == pytest.approx(math.sqrt(case["var"]), rel=1e-9)
    assert result["ci_low"] == pytest.approx(case["ci_low"], rel=1e-9)
    assert result["ci_high"] == pytest.approx(case["ci_high"], rel=1e-9)
    result90 = auc_with_ci(y, score, confidence=0.90)
    assert result90["ci_low"] == pytest.approx(case["ci90_low"], rel=1e-9)
    assert result90["ci_high"] == pytest.approx(case["ci90_high"], rel=1e-9)


def test_r_reference_covers_clipping_and_inverse_scores() -> None:
    # Guards the reference itself: one case clipped at 1 by pROC, one with AUC below 0.5 (direction fixed to "<").
    ids = {c["id"]: c for c in R_REFERENCE["cases"]}
    assert ids["clipped_n40"]["ci_high"] == 1.0
    assert ids["inverse_n80"]["auc"] < 0.5
    assert R_REFERENCE["proc_version"] == "1.18.0"


def test_auc_is_invariant_to_row_order_and_monotone_rescaling() -> None:
    # Reference: the AUC and DeLong's se depend only on the ranks of the scores.
    y, score = _tied_sample(3, n=400)
    perm = np.random.default_rng(3).permutation(len(y))
    base = auc_with_ci(y, score)
    shuffled = auc_with_ci(y[perm], score[perm])
    rescaled = auc_with_ci(y, 10.0 * score - 3.0)
    for key in ("auc", "se", "ci_low", "ci_high"):
        assert shuffled[key] == pytest.approx(base[key], rel=1e-12)
        assert rescaled[key] == pytest.approx(base[key], rel=1e-12)


def test_auc_with_one_customer_has_no_variance_and_no_customer_raises() -> None:
    # Reference: pROC's ci.auc(method = "delong") returns NA when there is one case or one control.
    result = auc_with_ci(np.array([0, 0, 1, 0]), np.array([1, 2, 3, 4]))
    assert result["auc"] == pytest.approx(2 / 3)
    assert math.isnan(result["se"]) and math.isnan(result["ci_low"]) and math.isnan(result["ci_high"])
    with pytest.raises(DataError, match="no customers"):
        auc_with_ci(np.zeros(5, dtype=int), np.arange(5))


def test_auc_rejects_bad_outcome_and_missing_scores() -> None:
    with pytest.raises(DataError, match="must be 0/1"):
        auc_with_ci(np.array([0, 1, 2]), np.array([1, 2, 3]))
    with pytest.raises(DataError, match="1 missing or infinite"):
        auc_with_ci(np.array([0, 1, 1]), np.array([1.0, np.nan, 3.0]))
    with pytest.raises(DataError, match="one score per lead"):
        auc_with_ci(np.array([0, 1, 1]), np.array([1, 2]))


def test_brier_score_equals_sklearn() -> None:
    # Reference: sklearn.metrics.brier_score_loss.
    rng = np.random.default_rng(11)
    p = rng.random(300)
    y = (rng.random(300) < p).astype(int)
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p), rel=1e-12)
    assert brier_score(np.array([1, 0]), np.array([1.0, 0.0])) == 0.0
    with pytest.raises(DataError, match="outside \\[0, 1\\]"):
        brier_score(np.array([0, 1]), np.array([0.2, 40.0]))


# ---------------------------------------------------------------------- splits
def test_time_split_puts_exactly_the_latest_leads_in_test() -> None:
    # Reference: by construction; the 25 latest of 100 distinct dates, in shuffled order.
    rng = np.random.default_rng(5)
    dates = pd.Series(pd.date_range("2024-01-01", periods=100, freq="D")[rng.permutation(100)])
    y = np.tile([0, 1, 0, 0], 25)
    train, test = holdout_split(100, y, dates=dates, test_size=0.25)
    assert test.sum() == 25 and (train ^ test).all()
    assert set(dates[test]) == set(pd.date_range("2024-03-16", periods=25, freq="D"))
    assert dates[train].max() < dates[test].min()


def test_time_split_sends_ties_at_the_cut_to_test_and_parses_strings() -> None:
    # Reference: hand example; 12 leads, the 3rd latest date (2025-02-03) is shared by 3 leads.
    dates = np.array(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05", "2025-01-06",
                      "2025-02-03", "2025-01-07", "2025-02-03", "2025-02-05", "2025-02-03", "2025-01-08"])
    y = np.array([1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0])
    train, test = holdout_split(12, y, dates=dates, test_size=0.25)  # ceil(3) = 3 latest, plus ties
    assert np.flatnonzero(test).tolist() == [6, 8, 9, 10]


def test_time_split_errors_name_the_count_and_a_fix() -> None:
    y = np.array([0, 1] * 5)
    dates = ["2025-01-01", "junk", None, *[f"2025-01-{d:02d}" for d in range(2, 9)]]
    with pytest.raises(DataError, match="2 of 10 dates are missing or unparseable; fix them"):
        holdout_split(10, y, dates=dates)
    # The latest leads are all non-customers: the test set has no customers.
    y_late = np.array([1, 0, 1, 0, 1, 0, 1, 0, 0, 0])
    good = [f"2025-01-{d:02d}" for d in range(1, 11)]
    with pytest.raises(DataError, match="time split leaves the test set \\(3 leads\\) with no customers"):
        holdout_split(10, y_late, dates=good, test_size=0.25)
    with pytest.raises(DataError, match="one date per lead"):
        holdout_split(10, y, dates=good[:9])


def test_stratified_split_keeps_the_customer_share_and_is_deterministic() -> None:
    # Reference: sklearn train_test_split(stratify=y) keeps each class within one lead of its share.
    rng = np.random.default_rng(9)
    y = (rng.random(1003) < 0.07).astype(int)
    customers = int(y.sum())
    train, test = holdout_split(1003, y, test_size=0.25, seed=4)
    assert (train ^ test).all()
    assert test.sum() == math.ceil(0.25 * 1003)
    assert abs(y[test].sum() - customers * test.sum() / 1003) <= 1
    assert abs(y[train].sum() - customers * train.sum() / 1003) <= 1
    again_train, again_test = holdout_split(1003, y, test_size=0.25, seed=4)
    assert np.array_equal(test, again_test) and np.array_equal(train, again_train)
    assert not np.array_equal(test, holdout_split(1003, y, test_size=0.25, seed=5)[1])


def test_stratified_split_errors() -> None:
    y = np.zeros(100, dtype=int)
    y[0] = 1
    with pytest.raises(DataError, match="needs at least 2 customers, got 1"):
        holdout_split(100, y)
    y[1] = 1  # 2 customers, 10 test leads: the stratified allocation gives test none
    with pytest.raises(DataError, match="stratified split leaves the test set \\(10 leads\\) with no customers"):
        holdout_split(100, y, test_size=0.1)
    with pytest.raises(DataError, match="100 values but there are 99 leads"):
        holdout_split(99, y)
    with pytest.raises(ValueError, match="test_size"):
        holdout_split(100, y, test_size=1.5)


def test_kfold_partitions_rows_and_keeps_the_customer_share() -> None:
    # Reference: sklearn StratifiedKFold(shuffle=True) keeps each fold's class counts within one of the share.
    rng = np.random.default_rng(13)
    y = (rng.random(997) < 0.11).astype(int)
    folds = kfold_splits(y, n_splits=5, seed=2)
    assert len(folds) == 5
    all_test = np.sort(np.concatenate([test for _, test in folds]))
    assert np.array_equal(all_test, np.arange(997))
    for train, test in folds:
        assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 997
        assert abs(y[test].sum() - y.sum() * len(test) / 997) <= 1
    again = kfold_splits(y, n_splits=5, seed=2)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again))
    with pytest.raises(DataError, match="needs at least 5 customers, got 3"):
        kfold_splits(np.r_[np.ones(3, dtype=int), np.zeros(50, dtype=int)], n_splits=5)


# ---------------------------------------------------------------------- gains
def test_gains_table_hand_example_keeps_ties_together() -> None:
    # Reference: computed by hand. Average descending ranks 1, 2.5, 2.5, 4, 5, 6, 8, 8, 8, 10 -> groups
    # ceil(rank * 5 / 10) = 1, 2, 2, 2, 3, 3, 4, 4, 4, 5: the tied 90s and the tied 50s each stay together.
    score = np.array([100, 90, 90, 80, 70, 60, 50, 50, 50, 10])
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])
    perm = np.array([3, 9, 0, 7, 5, 1, 8, 2, 6, 4])  # row order must not matter
    table = gains_table(y[perm], score[perm], n_groups=5)
    assert list(table.columns) == ["group", "score_min", "score_max", "leads", "customers", "close_rate", "lift",
                                   "cumulative_share_of_leads", "cumulative_share_of_customers",
                                   "cumulative_close_rate", "cumulative_lift"]
    assert table["group"].tolist() == [1, 2, 3, 4, 5]
    assert table["score_max"].tolist() == [100, 90, 70, 50, 10]
    assert table["score_min"].tolist() == [100, 80, 60, 50, 10]
    assert table["leads"].tolist() == [1, 3, 2, 3, 1]
    assert table["customers"].tolist() == [1, 2, 0, 1, 0]
    np.testing.assert_allclose(table["close_rate"], [1, 2 / 3, 0, 1 / 3, 0])
    np.testing.assert_allclose(table["lift"], [2.5, 5 / 3, 0, 5 / 6, 0])
    np.testing.assert_allclose(table["cumulative_share_of_leads"], [0.1, 0.4, 0.6, 0.9, 1.0])
    np.testing.assert_allclose(table["cumulative_share_of_customers"], [0.25, 0.75, 0.75, 1.0, 1.0])
    np.testing.assert_allclose(table["cumulative_close_rate"], [1, 0.75, 0.5, 4 / 9, 0.4])
    np.testing.assert_allclose(table["cumulative_lift"], [2.5, 1.875, 1.25, 10 / 9, 1.0])


def test_gains_table_on_tied_scores_never_splits_a_score_and_ends_at_one() -> None:
    # Reference: invariants; a score value in two groups would make score ranges overlap.
    y, score = _tied_sample(21, n=3000)
    table = gains_table(y, score)
    assert (table["score_min"].to_numpy()[:-1] > table["score_max"].to_numpy()[1:]).all()
    assert table["group"].tolist() == list(range(1, len(table) + 1))
    assert table["leads"].sum() == 3000 and table["customers"].sum() == y.sum()
    assert table["cumulative_share_of_leads"].iloc[-1] == 1.0
    assert table["cumulative_share_of_customers"].iloc[-1] == 1.0
    assert table["cumulative_lift"].iloc[-1] == pytest.approx(1.0)
    for _, row in table.iterrows():  # each group's counts equal a direct count of its score range
        inside = (score >= row["score_min"]) & (score <= row["score_max"])
        assert row["leads"] == inside.sum() and row["customers"] == y[inside].sum()


def test_gains_table_drops_groups_emptied_by_a_large_tie() -> None:
    # Reference: hand example; 6 of 10 leads score 0 (average rank 7.5 -> group 8), so groups 5..7 and 9..10
    # would be empty: 5 groups remain, numbered without gaps.
    score = np.array([9, 8, 7, 6, 0, 0, 0, 0, 0, 0])
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
    table = gains_table(y, score)
    assert table["group"].tolist() == [1, 2, 3, 4, 5]
    assert table["leads"].tolist() == [1, 1, 1, 1, 6]
    assert table["customers"].tolist() == [1, 0, 1, 0, 1]


# ---------------------------------------------------------------------- thresholds
def test_threshold_table_hand_example_every_column() -> None:
    # Reference: computed by hand; 8 leads, 4 customers. Wilson: statsmodels proportion_confint(method="wilson").
    score = np.array([50, 50, 40, 30, 30, 20, 10, 0])
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    table = threshold_table(y, score, [60, 30, 0, 50])
    assert list(table.columns) == ["threshold", "leads_above", "share_of_leads_above", "customers_above",
                                   "close_rate_above", "ci_low_above", "ci_high_above",
                                   "share_of_customers_captured", "close_rate_below"]
    assert table["threshold"].tolist() == [0, 30, 50, 60]
    assert table["leads_above"].tolist() == [8, 5, 2, 0]
    np.testing.assert_allclose(table["share_of_leads_above"], [1.0, 0.625, 0.25, 0.0])
    assert table["customers_above"].tolist() == [4, 3, 1, 0]
    np.testing.assert_allclose(table["close_rate_above"], [0.5, 0.6, 0.5, np.nan])
    for i, (x, n) in enumerate([(4, 8), (3, 5), (1, 2)]):
        low, high = _wilson(x, n)
        assert table["ci_low_above"].iloc[i] == pytest.approx(low, rel=1e-12)
        assert table["ci_high_above"].iloc[i] == pytest.approx(high, rel=1e-12)
    assert np.isnan(table["ci_low_above"].iloc[3]) and np.isnan(table["ci_high_above"].iloc[3])
    np.testing.assert_allclose(table["share_of_customers_captured"], [1.0, 0.75, 0.25, 0.0])
    np.testing.assert_allclose(table["close_rate_below"], [np.nan, 1 / 3, 0.5, 0.5])


def test_threshold_table_equals_a_brute_force_loop() -> None:
    # Reference: a direct loop over thresholds with boolean masks (fine in a test).
    rng = np.random.default_rng(17)
    y = (rng.random(500) < 0.15).astype(int)
    score = (5 * np.round(rng.normal(10 + 4 * y, 5))).astype(int)
    table = threshold_table(y, score)
    assert table["threshold"].tolist() == np.unique(score).tolist()  # default: every distinct score
    for row in table.itertuples():
        above = score >= row.threshold
        below = ~above
        assert row.leads_above == above.sum()
        assert row.customers_above == y[above].sum()
        assert row.share_of_leads_above == pytest.approx(above.mean())
        assert row.close_rate_above == pytest.approx(y[above].mean())
        low, high = _wilson(int(y[above].sum()), int(above.sum()))
        assert row.ci_low_above == pytest.approx(low, rel=1e-9, abs=1e-15)
        assert row.ci_high_above == pytest.approx(high, rel=1e-9)
        assert row.share_of_customers_captured == pytest.approx(y[above].sum() / y.sum())
        if below.any():
            assert row.close_rate_below == pytest.approx(y[below].mean())
        else:
            assert np.isnan(row.close_rate_below)


def test_threshold_table_uses_a_grid_of_observed_scores_when_there_are_many() -> None:
    rng = np.random.default_rng(19)
    score = rng.integers(0, 5000, size=4000)
    y = (rng.random(4000) < 0.1).astype(int)
    table = threshold_table(y, score)
    assert 100 < len(table) <= MAX_DEFAULT_THRESHOLDS
    assert np.isin(table["threshold"], score).all()
    assert table["threshold"].iloc[0] == score.min() and table["threshold"].iloc[-1] == score.max()
    assert table["threshold"].is_monotonic_increasing and table["leads_above"].is_monotonic_decreasing


# ---------------------------------------------------------------------- calibration
def test_calibration_table_counts_and_wilson_intervals_keep_empty_bands() -> None:
    # Reference: direct counts with masks; statsmodels proportion_confint(method="wilson") called directly.
    rng = np.random.default_rng(23)
    score = 10 * rng.integers(0, 8, size=400)  # 0, 10, ..., 70: nothing in [41, 45) nor at 1000 or more
    y = (rng.random(400) < 0.05 + score / 200).astype(int)
    edges = [20, 41, 45, 60, 1000]
    table = calibration_table(y, score, edges)
    assert list(table.columns) == ["score_min", "score_max", "leads", "customers", "close_rate", "ci_low", "ci_high"]
    assert table["score_min"].tolist() == [None, 20, 41, 45, 60, 1000]
    assert table["score_max"].tolist() == [20, 41, 45, 60, 1000, None]
    bounds = [-np.inf, *edges, np.inf]
    for i, row in table.iterrows():
        inside = (score >= bounds[i]) & (score < bounds[i + 1])
        assert row["leads"] == inside.sum() and row["customers"] == y[inside].sum()
        if inside.any():
            low, high = _wilson(int(y[inside].sum()), int(inside.sum()))
            assert row["close_rate"] == pytest.approx(y[inside].mean())
            assert row["ci_low"] == pytest.approx(low, rel=1e-9, abs=1e-15)
            assert row["ci_high"] == pytest.approx(high, rel=1e-9)
    empty = table["leads"] == 0
    assert empty.tolist() == [False, False, True, False, False, True]
    assert table.loc[empty, ["close_rate", "ci_low", "ci_high"]].isna().all().all()
    assert table["leads"].sum() == 400


def test_calibration_bands_are_left_closed() -> None:
    # Reference: calibrate's band convention; a score equal to an edge belongs to the band above it.
    table = calibration_table(np.array([0, 1, 0, 1]), np.array([9, 10, 19, 20]), [10, 20])
    assert table["leads"].tolist() == [1, 2, 1]
    assert table["customers"].tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match="strictly increasing"):
        calibration_table(np.array([0, 1]), np.array([1, 2]), [20, 10])


def test_calibration_edges_are_distinct_observed_scores_with_similar_bands() -> None:
    rng = np.random.default_rng(29)
    score = rng.integers(-20, 121, size=5000)
    edges = calibration_edges(score, n_bands=5)
    assert len(edges) == 4 and edges == sorted(set(edges))
    assert all(float(e).is_integer() and e in score for e in edges)
    leads = calibration_table(np.zeros(5000, dtype=int), score, edges)["leads"]
    assert leads.min() > 0.9 * 1000 and leads.max() < 1.1 * 1000
    # Heavy ties: fewer bands, never an empty first band.
    tied = np.r_[np.zeros(70, dtype=int), np.full(20, 50), np.full(10, 100)]
    tied_edges = calibration_edges(tied, n_bands=5)
    assert tied_edges == [50.0, 100.0]
    assert calibration_edges(np.full(10, 3)) == []


# ---------------------------------------------------------------------- all at once
def test_evaluate_scores_bundles_consistent_results() -> None:
    # Reference: the building blocks above and sklearn's brier_score_loss.
    y, score = _tied_sample(31, n=800)
    score = score * 20  # points, threshold 100
    probability = np.clip(score / 250, 0.01, 0.99)
    result = evaluate_scores(y, score, threshold=100, probability=probability)
    assert set(result) == {"auc", "gains", "threshold", "above_threshold", "below_threshold", "calibration", "brier"}
    assert result["auc"]["auc"] == pytest.approx(roc_auc_score(y, score), rel=1e-12)
    above = score >= 100
    a, b = result["above_threshold"], result["below_threshold"]
    assert a["leads"] == above.sum() and b["leads"] == (~above).sum()
    assert a["share"] + b["share"] == pytest.approx(1.0)
    assert a["close_rate"] == pytest.approx(y[above].mean()) and b["close_rate"] == pytest.approx(y[~above].mean())
    assert (a["ci_low"], a["ci_high"]) == pytest.approx(_wilson(int(y[above].sum()), int(above.sum())), rel=1e-9)
    assert (b["ci_low"], b["ci_high"]) == pytest.approx(_wilson(int(y[~above].sum()), int((~above).sum())), rel=1e-9)
    assert result["calibration"]["leads"].sum() == 800
    assert result["gains"]["cumulative_share_of_customers"].iloc[-1] == 1.0
    assert result["brier"] == pytest.approx(brier_score_loss(y, probability), rel=1e-12)
    explicit = evaluate_scores(y, score, threshold=100, edges=[60, 100, 140])
    assert explicit["brier"] is None and len(explicit["calibration"]) == 4


def test_docstring_examples_run() -> None:
    result = doctest.testmod(evaluate_module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15
    assert result.failed == 0


def test_keyed_stratified_split_ignores_row_order() -> None:
    rng = np.random.default_rng(4)
    y = (rng.random(2000) < 0.1).astype(int)
    keys = rng.integers(0, 2**63, 2000, dtype=np.uint64)
    _, test = holdout_split(2000, y, test_size=0.25, seed=3, row_keys=keys)
    order = rng.permutation(2000)
    _, test_shuffled = holdout_split(2000, y[order], test_size=0.25, seed=3, row_keys=keys[order])
    assert (test_shuffled == test[order]).all()
    for label in (0, 1):  # stratified: each class contributes its own ceil(25 %)
        assert test[y == label].sum() == np.ceil(0.25 * (y == label).sum())
    _, other_seed = holdout_split(2000, y, test_size=0.25, seed=4, row_keys=keys)
    assert (other_seed != test).any()


def test_keyed_stratified_split_takes_the_smallest_keys_with_duplicates_in_row_order() -> None:
    # Definition: per class, sort the leads by (seeded key, row) and take the first ceil(test_size * n);
    # few distinct keys make many duplicate rows straddle the cut.
    rng = np.random.default_rng(8)
    for _ in range(200):
        n = int(rng.integers(1, 400))
        keys = rng.integers(0, int(rng.integers(1, 40)), n).astype(np.uint64)
        y = rng.integers(0, 2, n)
        test_size, seed = float(rng.uniform(0.0, 1.0)), int(rng.integers(0, 9))
        test = evaluate_module._keyed_stratified_test(keys, y, test_size, seed)
        with np.errstate(over="ignore"):
            seeded = (keys ^ np.uint64(0x9E3779B97F4A7C15 * (seed + 1) % 2**64)) * np.uint64(0xBF58476D1CE4E5B9)
            seeded ^= seeded >> np.uint64(31)
        expected = np.zeros(n, dtype=bool)
        for label in (0, 1):
            members = np.flatnonzero(y == label)
            ranked = members[np.lexsort((members, seeded[members]))]
            expected[ranked[: math.ceil(test_size * len(members))]] = True
        assert (test == expected).all()


def test_average_ranks_equal_scipy_rankdata_bit_for_bit():
    # Reference: scipy.stats.rankdata (average method). Whole-number scores are counted, others sorted by scipy.
    from scipy import stats as sps

    from calibrate.evaluate import _average_ranks

    rng = np.random.default_rng(8)
    cases = [rng.integers(-50, 50, 3000).astype(float), -rng.integers(0, 3, 500).astype(float),
             rng.integers(0, 10**9, 300).astype(float), rng.normal(size=400), np.array([7.0]), np.array([1e300, 2.0])]
    for values in cases:
        ranks = _average_ranks(values)
        assert ranks.dtype == np.float64
        np.testing.assert_array_equal(ranks, sps.rankdata(values))


@pytest.mark.parametrize("dtype", [np.int64, np.int16, np.uint32])
def test_calibration_table_of_whole_scores_counts_as_per_lead_bands(dtype: type) -> None:
    # Reference: the same scores as floats, which take a band per lead (numpy.searchsorted); whole-number
    # scores are counted per score value instead. Edges at, between and beyond the scores.
    rng = np.random.default_rng(8)
    scores = (rng.integers(0, 300, 20_000) + (0 if dtype == np.uint32 else -120)).astype(dtype)
    y = (rng.random(20_000) < 0.1).astype(int)
    for edges in ([], [-50, 0.5, 40, 41, 1_000], [float(np.median(scores))]):
        counted = calibration_table(y, scores, edges)
        banded = calibration_table(y, scores.astype(float), edges)
        pd.testing.assert_frame_equal(counted, banded)
        assert counted["leads"].sum() == 20_000 and counted["customers"].sum() == y.sum()
