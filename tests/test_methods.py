"""Point methods (:mod:`calibrate.methods`) checked against independent references.

References: simulation from a known Beta prior and ``scipy.stats.betabinom``
(shrinkage); closed-form odds ratios computed here (log-odds points);
``statsmodels`` ``Logit`` and ``GLM.fit_regularized`` and scikit-learn's own
``predict_proba`` (logistic points); ``scipy.stats.spearmanr`` (rounding);
``scipy.optimize.isotonic_regression`` (monotone points).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize
from scipy import stats as sps
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from calibrate.methods import (
    MAX_PRIOR_STRENGTH,
    LogisticFit,
    apply_caps,
    cap_total,
    fit_logistic,
    log_odds_points,
    logistic_log_odds,
    logistic_points,
    monotone_points,
    one_hot_design,
    round_points,
    shrink_rates,
)
from calibrate.stats import level_statistics

PDO = 20.0


# --------------------------------------------------------------------------- shrinkage
def _simulated_groups(a: float, b: float, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    leads = rng.integers(20, 300, k)
    customers = rng.binomial(leads, rng.beta(a, b, k))
    return customers, leads


def test_beta_binomial_recovers_the_simulated_prior() -> None:
    # Reference: the Beta(3, 27) prior the groups were drawn from (mean 0.1, strength 30).
    customers, leads = _simulated_groups(3.0, 27.0, 2000, seed=1)
    _, prior = shrink_rates(customers, leads, method="beta_binomial")
    assert prior["method"] == "beta_binomial"
    assert not prior["capped"]
    assert prior["prior_mean"] == pytest.approx(0.1, rel=0.05)
    assert prior["prior_strength"] == pytest.approx(30.0, rel=0.3)
    assert prior["prior_mean"] == pytest.approx(prior["a"] / (prior["a"] + prior["b"]))
    assert prior["prior_strength"] == pytest.approx(prior["a"] + prior["b"])


def test_beta_binomial_likelihood_is_at_least_that_of_the_moment_start() -> None:
    # Reference: scipy.stats.betabinom.logpmf summed over groups, evaluated here.
    customers, leads = _simulated_groups(2.0, 38.0, 300, seed=2)
    _, prior = shrink_rates(customers, leads)
    fitted = sps.betabinom.logpmf(customers, leads, prior["a"], prior["b"]).sum()
    start = sps.betabinom.logpmf(customers, leads, prior["start_a"], prior["start_b"]).sum()
    assert fitted >= start - 1e-9
    assert prior["log_likelihood"] == pytest.approx(fitted, rel=1e-10)
    # A local maximum: moving either parameter by 5 % lowers the likelihood.
    for da, db in [(1.05, 1), (0.95, 1), (1, 1.05), (1, 0.95)]:
        assert sps.betabinom.logpmf(customers, leads, prior["a"] * da, prior["b"] * db).sum() < fitted


def test_shrunk_rates_lie_between_raw_rate_and_prior_mean() -> None:
    customers, leads = _simulated_groups(2.0, 18.0, 200, seed=3)
    rates, prior = shrink_rates(customers, leads)
    raw = customers / leads
    m = prior["prior_mean"]
    assert np.all(rates >= np.minimum(raw, m) - 1e-12)
    assert np.all(rates <= np.maximum(raw, m) + 1e-12)
    # Posterior mean formula, and small groups move further than large ones.
    np.testing.assert_allclose(rates, (customers + prior["a"]) / (leads + prior["a"] + prior["b"]))
    moved = np.abs(rates - raw) / np.maximum(np.abs(m - raw), 1e-12)
    assert np.corrcoef(moved, leads)[0, 1] < -0.5


def test_pseudo_count_formula() -> None:
    # Reference: (x + m k) / (n + k) with m the pooled rate, computed here.
    customers = np.array([0, 7, 30, 45, 3])
    leads = np.array([12, 40, 100, 45, 60])
    k = 20.0
    rates, prior = shrink_rates(customers, leads, method="pseudo_count", pseudo_count=k)
    m = customers.sum() / leads.sum()
    np.testing.assert_allclose(rates, (customers + m * k) / (leads + k), rtol=1e-12)
    assert prior["prior_mean"] == pytest.approx(m)
    assert prior["prior_strength"] == pytest.approx(k)
    assert (prior["a"], prior["b"]) == pytest.approx((m * k, (1 - m) * k))


@pytest.mark.parametrize("method", ["beta_binomial", "pseudo_count"])
def test_zero_and_full_groups_get_finite_interior_rates(method: str) -> None:
    customers, leads = _simulated_groups(2.0, 18.0, 100, seed=4)
    customers = np.append(customers, [0, 25, 0])
    leads = np.append(leads, [25, 25, 0])
    rates, prior = shrink_rates(customers, leads, method=method)
    assert np.all(np.isfinite(rates))
    assert np.all((rates > 0) & (rates < 1))
    assert rates[-1] == pytest.approx(prior["prior_mean"])  # no leads: the prior mean


def test_no_overdispersion_caps_the_prior_strength() -> None:
    # Every group closes at exactly 10 % (less spread than chance): the likelihood rises without
    # bound as the prior tightens. (Binomial draws at one rate diverge only about half the time.)
    leads = 10 * np.random.default_rng(5).integers(2, 40, 300)
    customers = leads // 10
    rates, prior = shrink_rates(customers, leads)
    assert prior["capped"]
    assert prior["prior_strength"] == pytest.approx(MAX_PRIOR_STRENGTH)
    assert prior["prior_mean"] == pytest.approx(customers.sum() / leads.sum(), rel=1e-3)
    assert np.ptp(rates) < 1e-3


def test_no_shrinkage_gives_raw_rates_and_bad_input_raises() -> None:
    rates, prior = shrink_rates(np.array([1, 0, 0]), np.array([4, 5, 0]), method="none")
    np.testing.assert_array_equal(rates[:2], [0.25, 0.0])
    assert np.isnan(rates[2])
    assert prior["prior_strength"] == 0.0
    with pytest.raises(ValueError, match="method"):
        shrink_rates(np.array([1]), np.array([4]), method="laplace")
    with pytest.raises(ValueError, match="customers"):
        shrink_rates(np.array([5]), np.array([4]))
    with pytest.raises(ValueError, match="both"):
        shrink_rates(np.array([0, 0]), np.array([4, 5]))


# --------------------------------------------------------------------------- log-odds
def _hand_stats() -> pd.DataFrame:
    # Two attributes over the same 2000 leads, 200 customers (baseline 0.1, odds 1/9).
    index = pd.MultiIndex.from_tuples([("demo", "Yes"), ("demo", "No"), ("size", "small"), ("size", "large"),
                                       ("size", "(missing)")], names=["attribute", "level"])
    return pd.DataFrame({"leads": [400, 1600, 1000, 960, 40], "customers": [100, 100, 60, 140, 0],
                         "q_value": [1e-30, 1e-5, 0.001, 0.2, np.nan]}, index=index).assign(
        close_rate=lambda d: d["customers"] / d["leads"])


def test_log_odds_points_equal_the_odds_ratio_on_a_hand_example() -> None:
    stats = _hand_stats()
    points = log_odds_points(stats, alpha=0.05, points_to_double_odds=PDO)
    base_odds = 0.1 / 0.9
    scale = PDO / math.log(2)
    # Reference: odds ratios of the hand counts, computed here.
    assert points[("demo", "Yes")] == pytest.approx(scale * math.log((100 / 300) / base_odds))
    assert points[("demo", "No")] == pytest.approx(scale * math.log((100 / 1500) / base_odds))
    assert points[("size", "small")] == pytest.approx(scale * math.log((60 / 940) / base_odds))
    assert points[("size", "large")] == 0.0  # q = 0.2: not significant
    assert points[("size", "(missing)")] == 0.0  # q NaN: untestable
    assert points.dtype == float and points.name == "points"


def test_log_odds_points_map_back_to_odds() -> None:
    # Single attribute: baseline odds * 2 ** (points / PDO) gives the level's odds back.
    stats = _hand_stats().loc[["demo"]]
    points = log_odds_points(stats, alpha=0.05, points_to_double_odds=PDO)
    rate = stats["close_rate"].to_numpy()
    np.testing.assert_allclose((0.1 / 0.9) * 2 ** (points.to_numpy() / PDO), rate / (1 - rate), rtol=1e-12)


def test_log_odds_of_a_rate_of_zero_uses_half_a_lead() -> None:
    stats = _hand_stats()
    stats.loc[("size", "(missing)"), "q_value"] = 0.01
    points = log_odds_points(stats, alpha=0.05, points_to_double_odds=PDO)
    adjusted = 0.5 / 41  # (0 + 0.5) / (40 + 1)
    expected = PDO / math.log(2) * math.log(adjusted / (1 - adjusted) / (0.1 / 0.9))
    assert points[("size", "(missing)")] == pytest.approx(expected)
    assert np.isfinite(points).all()


def test_log_odds_points_of_shrunk_rates_use_the_rate_column() -> None:
    stats = _hand_stats()
    stats["shrunk"], _ = shrink_rates(stats["customers"].to_numpy(), stats["leads"].to_numpy(),
                                      method="pseudo_count", pseudo_count=50)
    raw = log_odds_points(stats, alpha=0.05)
    shrunk = log_odds_points(stats, alpha=0.05, rate_column="shrunk")
    significant = raw != 0
    assert np.all(np.abs(shrunk[significant]) < np.abs(raw[significant]))
    r = stats.loc[("demo", "Yes"), "shrunk"]
    assert shrunk[("demo", "Yes")] == pytest.approx(PDO / math.log(2) * math.log(r / (1 - r) * 9))


# --------------------------------------------------------------------------- logistic
def _logistic_data(n: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, int], np.ndarray]:
    rng = np.random.default_rng(seed)
    n_levels = {"source": 4, "size": 5, "flag": 3}  # the last code of each is never used, like (unseen)
    codes = {"source": rng.integers(0, 3, n), "size": rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05]),
             "flag": rng.integers(0, 2, n)}
    effects = {"source": np.array([0.0, 0.8, -0.5, 0.0]), "size": np.array([0.0, 0.3, 1.0, -1.0, 0.0]),
               "flag": np.array([0.0, 0.2, 0.0])}
    eta = -2.0 + sum(effects[name][codes[name]] for name in codes)
    y = (rng.random(n) < expit(eta)).astype(int)
    return codes, n_levels, y


def _differences(coefficients: np.ndarray, used: int) -> np.ndarray:
    """Reference coding: coefficient of code k minus that of code 0 (identifiable)."""
    return coefficients[1:used] - coefficients[0]


@pytest.mark.filterwarnings("error")  # no deprecation (penalty) or convergence warning from scikit-learn
def test_logistic_matches_unpenalised_statsmodels_logit() -> None:
    codes, n_levels, y = _logistic_data(40_000, seed=10)
    fit = fit_logistic(codes, n_levels, y, C=1e6)
    used = {name: int(codes[name].max()) + 1 for name in codes}
    # Reference: statsmodels Logit with an intercept and reference coding (code 0 dropped).
    columns = [np.ones(len(y))] + [(codes[name] == k).astype(float) for name in codes for k in range(1, used[name])]
    result = sm.Logit(y, np.column_stack(columns)).fit(disp=0)
    start = 1
    for name in codes:
        ref = result.params[start:start + used[name] - 1]
        start += used[name] - 1
        np.testing.assert_allclose(_differences(fit.coefficients[name], used[name]), ref, atol=1e-3)
    assert fit.converged and fit.n_iter > 0 and fit.C == 1e6


def test_logistic_matches_penalised_statsmodels_glm() -> None:
    codes, n_levels, y = _logistic_data(5_000, seed=11)
    C = 0.05
    fit = fit_logistic(codes, n_levels, y, C=C)
    # Reference: statsmodels GLM ridge (L1_wt=0) on the full one-hot design, intercept unpenalised;
    # scikit-learn's C * sum(loss) + |b|^2/2 equals statsmodels' loss/n + alpha |b|^2/2 with alpha = 1/(C n).
    dense = np.column_stack([np.eye(n_levels[name])[codes[name]] for name in codes])
    design = np.column_stack([np.ones(len(y)), dense])
    alpha = np.r_[0.0, np.full(dense.shape[1], 1.0 / (C * len(y)))]
    reference = sm.GLM(y, design, family=sm.families.Binomial()).fit_regularized(
        alpha=alpha, L1_wt=0.0, cnvrg_tol=1e-12, maxiter=1000).params
    unpenalised = fit_logistic(codes, n_levels, y, C=1e6)
    start = 1
    for name in codes:
        k = n_levels[name]
        ref = reference[start:start + k] - reference[start]
        start += k
        ours = fit.coefficients[name] - fit.coefficients[name][0]
        np.testing.assert_allclose(ours[:-1], ref[:-1], atol=1e-3)
    # The penalty matters at this C (so the comparison above is not the unpenalised one).
    assert np.abs(fit.coefficients["size"] - unpenalised.coefficients["size"]).max() > 0.05


def test_logistic_centering_and_predictions() -> None:
    codes, n_levels, y = _logistic_data(5_000, seed=12)
    fit = fit_logistic(codes, n_levels, y, C=0.5)
    for name in codes:
        leads = np.bincount(codes[name], minlength=n_levels[name])
        assert np.average(fit.coefficients[name], weights=leads) == pytest.approx(0.0, abs=1e-12)
        assert fit.coefficients[name][-1] == 0.0  # never seen in training
    # Reference: scikit-learn's own predict_proba on an independently built dense one-hot design.
    dense = np.column_stack([np.eye(n_levels[name])[codes[name]] for name in codes])
    model = LogisticRegression(C=0.5, l1_ratio=0.0, solver="lbfgs", tol=1e-6, max_iter=1000).fit(dense, y)
    np.testing.assert_allclose(expit(logistic_log_odds(fit, codes)), model.predict_proba(dense)[:, 1], atol=1e-6)
    np.testing.assert_array_equal(one_hot_design(codes, n_levels).toarray(), dense)


def test_logistic_sample_weight_equals_repeated_rows() -> None:
    # Reference: the same fit on the data with each row repeated weight times.
    codes, n_levels, y = _logistic_data(3_000, seed=13)
    weight = np.random.default_rng(0).integers(1, 4, len(y))
    weighted = fit_logistic(codes, n_levels, y, sample_weight=weight, tol=1e-9)
    repeated_codes = {name: np.repeat(values, weight) for name, values in codes.items()}
    repeated = fit_logistic(repeated_codes, n_levels, np.repeat(y, weight), tol=1e-9)
    assert weighted.intercept == pytest.approx(repeated.intercept, abs=1e-5)
    for name in codes:
        np.testing.assert_allclose(weighted.coefficients[name], repeated.coefficients[name], atol=1e-5)


def test_logistic_is_deterministic_and_validates() -> None:
    codes, n_levels, y = _logistic_data(2_000, seed=14)
    first, second = fit_logistic(codes, n_levels, y), fit_logistic(codes, n_levels, y)
    assert first.intercept == second.intercept
    for name in codes:
        np.testing.assert_array_equal(first.coefficients[name], second.coefficients[name])
    with pytest.raises(ValueError, match="codes"):
        fit_logistic({"a": np.array([0, 3])}, {"a": 3}, np.array([0, 1]))
    with pytest.raises(ValueError, match="both outcomes"):
        fit_logistic({"a": np.array([0, 1])}, {"a": 2}, np.array([1, 1]))


def _overlap_data(n: int = 40_000, seed: int = 20) -> tuple[dict[str, np.ndarray], np.ndarray]:
    # A hidden intent alone drives closing; demo and pricing are 90 %-faithful copies of it; noise is unrelated.
    rng = np.random.default_rng(seed)
    intent = rng.random(n) < 0.3
    demo = np.where(rng.random(n) < 0.9, intent, ~intent).astype(np.int64)
    pricing = np.where(rng.random(n) < 0.9, intent, ~intent).astype(np.int64)
    noise = rng.integers(0, 3, n)
    y = (rng.random(n) < np.where(intent, 0.30, 0.05)).astype(int)
    return {"demo": demo, "pricing": pricing, "noise": noise}, y


def test_overlapping_attributes_share_credit_and_a_null_attribute_gets_none() -> None:
    codes, y = _overlap_data()
    n_levels = {"demo": 2, "pricing": 2, "noise": 3}
    _, points = logistic_points(fit_logistic(codes, n_levels, y), points_to_double_odds=PDO)
    # Reference: the univariate log-odds points of each attribute on its own.
    rows = [(name, k, int(np.sum(codes[name] == k)), int(y[codes[name] == k].sum()))
            for name in codes for k in range(n_levels[name])]
    counts = pd.DataFrame(rows, columns=["attribute", "level", "leads", "customers"]).set_index(["attribute", "level"])
    univariate = log_odds_points(level_statistics(counts), alpha=0.05, points_to_double_odds=PDO)
    for name in ["demo", "pricing"]:
        spread_logistic = points[name][1] - points[name][0]
        spread_univariate = univariate[(name, 1)] - univariate[(name, 0)]
        assert spread_univariate > 30
        assert 0 < spread_logistic < 0.75 * spread_univariate
    assert np.abs(points["noise"]).max() < 3.0  # a coefficient of about 0.1 at most


def test_logistic_points_scale_and_odds() -> None:
    codes, y = _overlap_data(n=5_000, seed=21)
    n_levels = {"demo": 2, "pricing": 2, "noise": 3}
    fit = fit_logistic(codes, n_levels, y)
    base, points = logistic_points(fit, points_to_double_odds=PDO)
    assert base == pytest.approx(PDO / math.log(2) * fit.intercept)
    total = base + sum(points[name][codes[name]] for name in codes)
    # Every PDO points double the odds: 2 ** (total / PDO) is the predicted odds.
    np.testing.assert_allclose(2 ** (total / PDO), np.exp(logistic_log_odds(fit, codes)), rtol=1e-10)
    assert isinstance(fit, LogisticFit) and isinstance(base, float)


# --------------------------------------------------------------------------- rounding
def _rounding_example(n: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    points, codes = {}, {}
    for i in range(6):
        k = int(rng.integers(2, 7))
        values = rng.normal(0, 6, k)
        values[rng.random(k) < 0.3] = 0.0  # not significant
        points[f"a{i}"] = values
        codes[f"a{i}"] = rng.integers(0, k, n)
    return points, codes


def test_rounding_keeps_ranking_and_zeros() -> None:
    points, codes = _rounding_example(3_000, seed=30)
    base, rounded, info = round_points(points, codes, base=-41.6)
    assert base == -42 and isinstance(base, int)
    assert info["rank_correlation_after"] >= info["rank_correlation_before"]
    for name in points:
        assert rounded[name].dtype == np.int64
        assert np.all(rounded[name][points[name] == 0.0] == 0)
        assert np.all(np.abs(rounded[name] - points[name]) < 1.0)
    # Reference: scipy.stats.spearmanr of the rounded and unrounded totals over all rows.
    exact = sum(points[name][codes[name]] for name in points)
    nearest = sum(np.round(points[name])[codes[name]] for name in points)
    final = sum(rounded[name][codes[name]] for name in points)
    assert info["rank_correlation_before"] == pytest.approx(sps.spearmanr(nearest, exact).statistic, abs=1e-12)
    assert info["rank_correlation_after"] == pytest.approx(sps.spearmanr(final, exact).statistic, abs=1e-12)
    assert info["changed_levels"] == [(name, k) for name in points for k in range(len(points[name]))
                                      if rounded[name][k] != np.round(points[name][k])]
    assert not info["subsampled"] and info["rows_used"] == 3_000


@pytest.mark.parametrize("seed", [34, 35, 36])
def test_rounding_moves_are_those_of_the_greedy_rule_with_scipy_spearman(seed: int) -> None:
    # Reference: the rule as the docstring states it, each trial scored by scipy.stats.spearmanr of the rounded
    # and unrounded totals over every row (round_points scores trials on a histogram of the scores instead).
    points, codes = _rounding_example(400, seed=seed)
    names = list(points)
    exact = sum(points[name][codes[name]] for name in names)
    rounded = {name: np.round(points[name]).astype(np.int64) for name in names}

    def correlation() -> float:
        return float(sps.spearmanr(sum(rounded[name][codes[name]] for name in names), exact).statistic)

    current = correlation()
    for _ in range(3):
        moved = False
        for name in names:
            for k, target in enumerate(points[name]):
                if target == 0.0 or not (codes[name] == k).any():
                    continue
                for step in (1, -1):
                    if abs(rounded[name][k] + step - target) >= 1.0:
                        continue
                    rounded[name][k] += step
                    trial = correlation()
                    if trial > current + 1e-12:
                        current, moved = trial, True
                        break
                    rounded[name][k] -= step
        if not moved:
            break
    _, fast, info = round_points(points, codes)
    for name in names:
        np.testing.assert_array_equal(fast[name], rounded[name])
    assert info["rank_correlation_after"] == pytest.approx(current, abs=1e-12)


def test_rounding_is_deterministic_and_subsamples_with_a_fixed_seed() -> None:
    points, codes = _rounding_example(5_000, seed=31)
    first = round_points(points, codes, max_rows=1_000)
    second = round_points(points, codes, max_rows=1_000)
    assert first[0] == second[0] and first[2] == second[2]
    for name in points:
        np.testing.assert_array_equal(first[1][name], second[1][name])
    assert first[2]["subsampled"] and first[2]["rows_used"] == 1_000
    assert first[2]["rank_correlation_after"] >= first[2]["rank_correlation_before"]


def test_rounding_subsample_by_row_hash_ignores_row_order() -> None:
    points, codes = _rounding_example(5_000, seed=33)
    keys = np.random.default_rng(7).integers(0, 2**63, 5_000).astype(np.uint64)  # stand-ins for content hashes
    order = np.random.default_rng(8).permutation(5_000)
    first = round_points(points, codes, max_rows=1_000, row_keys=keys)
    shuffled = round_points(points, {n: c[order] for n, c in codes.items()}, max_rows=1_000, row_keys=keys[order])
    assert first[0] == shuffled[0] and first[2] == shuffled[2]
    for name in points:
        np.testing.assert_array_equal(first[1][name], shuffled[1][name])
    # The rows used are the 1,000 smallest keys: the correlation is that of those rows (scipy.stats.spearmanr).
    used = np.argsort(keys)[:1_000]
    exact = sum(points[name][codes[name][used]] for name in points)
    nearest = sum(np.round(points[name])[codes[name][used]] for name in points)
    assert first[2]["rank_correlation_before"] == pytest.approx(sps.spearmanr(nearest, exact).statistic, abs=1e-12)


def test_rounding_without_passes_is_nearest_rounding() -> None:
    points, codes = _rounding_example(500, seed=32)
    _, rounded, info = round_points(points, codes, max_passes=0)
    for name in points:
        np.testing.assert_array_equal(rounded[name], np.round(points[name]))
    assert info["changed_levels"] == []


# --------------------------------------------------------------------------- caps
def test_attribute_and_total_caps() -> None:
    points = {"a": np.array([-40, 5, 70]), "b": np.array([90, -120])}
    capped = apply_caps(points, attribute_cap=50)
    np.testing.assert_array_equal(capped["a"], [-40, 5, 50])
    np.testing.assert_array_equal(capped["b"], [50, -50])
    per_attribute = apply_caps(points, attribute_cap={"b": 100})
    np.testing.assert_array_equal(per_attribute["a"], points["a"])
    np.testing.assert_array_equal(per_attribute["b"], [90, -100])
    untouched = apply_caps(points)
    assert untouched["a"] is not points["a"] and np.array_equal(untouched["a"], points["a"])
    np.testing.assert_array_equal(cap_total(np.array([-700, -20, 80, 640]), 500), [-500, -20, 80, 500])
    np.testing.assert_array_equal(cap_total(np.array([-700, 640]), None), [-700, 640])
    with pytest.raises(ValueError):
        cap_total(np.array([1]), -1)


# --------------------------------------------------------------------------- monotone
@pytest.mark.parametrize("trend", [1.0, -1.0])
def test_monotone_points_match_scipy_and_auto_picks_the_trend(trend: float) -> None:
    rng = np.random.default_rng(40)
    points = trend * np.linspace(-20, 20, 8) + rng.normal(0, 6, 8)
    weights = rng.integers(30, 500, 8).astype(float)
    result = monotone_points(points, weights)
    increasing = trend > 0
    # Reference: scipy.optimize.isotonic_regression in the expected direction.
    expected = optimize.isotonic_regression(points, weights=weights, increasing=increasing).x
    np.testing.assert_allclose(result, expected)
    steps = np.diff(result)
    assert np.all(steps >= -1e-12) if increasing else np.all(steps <= 1e-12)
    forced = monotone_points(points, weights, direction="decreasing" if increasing else "increasing")
    assert np.sum(weights * (forced - points) ** 2) >= np.sum(weights * (result - points) ** 2)


def test_monotone_points_handle_empty_bins_and_bad_direction() -> None:
    result = monotone_points(np.array([1.0, 5.0, 3.0, 8.0]), np.array([10.0, 0.0, 10.0, 10.0]), direction="increasing")
    np.testing.assert_allclose(result, [1.0, 3.0, 3.0, 8.0], atol=1e-6)
    with pytest.raises(ValueError, match="direction"):
        monotone_points(np.array([1.0]), np.array([1.0]), direction="up")


def test_no_warnings_from_the_methods() -> None:
    codes, n_levels, y = _logistic_data(2_000, seed=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_logistic(codes, n_levels, y)
        base, points = logistic_points(fit)
        round_points(points, codes, base=base)
        shrink_rates(np.array([0, 3, 9]), np.array([10, 30, 40]))


def test_scores_from_points_sums_each_attributes_points_and_refuses_codes_outside_its_levels():
    # Reference: the sum written out per row with Python indexing.
    from calibrate.fitting import scores_from_points

    rng = np.random.default_rng(2)
    points = {"a": np.array([10.0, -5.0, 0.0]), "b": np.array([3.0, 7.0])}
    codes = {"a": rng.integers(0, 3, 50).astype(np.int8), "b": rng.integers(0, 2, 50)}
    expected = [2.0 + points["a"][i] + points["b"][j] for i, j in zip(codes["a"], codes["b"], strict=True)]
    assert scores_from_points(points, codes, base=2.0).tolist() == expected
    for bad in (3, -1):
        broken = dict(codes, a=np.where(np.arange(50) == 7, bad, codes["a"]))
        with pytest.raises(ValueError, match=r"level codes of 'a' must lie in \[0, 3\)"):
            scores_from_points(points, broken)
