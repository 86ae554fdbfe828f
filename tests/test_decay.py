"""Tests of calibrate.decay: half-life recovery on simulated data, log-loss, decay curve and CRM rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.metrics import log_loss
from statsmodels.stats.proportion import proportion_confint

from calibrate.activity import ActivityEvents, aggregate_activities, read_activities
from calibrate.decay import decay_curve, decay_multiplier, decayed_counts, estimate_half_life, step_rules
from calibrate.errors import DataError

# The true model of the simulations: logit(p) = A + sum over activities of BETA[type] * 0.5 ** (age / H).
A = -2.5
BETA = np.array([0.8, 0.4, 1.2])


def simulate(seed: int, half_life: float, n: int = 20_000, rate: float = 4.0) -> tuple[ActivityEvents, np.ndarray]:
    """Poisson(rate) activities per lead, 3 types, ages uniform on 0-180 days, outcomes from the true model."""
    rng = np.random.default_rng(seed)
    lead = np.repeat(np.arange(n), rng.poisson(rate, n))
    type_code = rng.integers(0, 3, len(lead))
    age = rng.uniform(0, 180, len(lead))
    logit = A + np.bincount(lead, weights=BETA[type_code] * 0.5 ** (age / half_life), minlength=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return ActivityEvents(lead, type_code, age), y


# --------------------------------------------------------------------------- #
# Recovery of a known half-life
# --------------------------------------------------------------------------- #
def test_recovers_a_30_day_half_life():
    covered = 0
    for seed in (0, 1, 2):
        events, y = simulate(seed, 30.0)
        est = estimate_half_life(events, len(y), 3, y, random_state=seed)
        assert abs(est.half_life_days - 30) <= 0.25 * 30, (seed, est.half_life_days)
        covered += est.ci_low is not None and est.ci_high is not None and est.ci_low <= 30 <= est.ci_high
        assert est.holdout_log_loss < est.no_decay_log_loss  # decay helps when there is decay
        assert est.n_leads == len(y) and est.n_events == len(events)
        assert est.profile.columns.tolist() == ["half_life_days", "holdout_log_loss", "deviance"]
        assert len(est.profile) == 30
        # The maximum-likelihood coefficients are near the truth (no lasting activity level in this simulation).
        np.testing.assert_allclose(est.coefficients, np.r_[A, 0.0, BETA], atol=0.35)
    assert covered >= 2


def test_recovers_a_90_day_half_life():
    events, y = simulate(0, 90.0)
    est = estimate_half_life(events, len(y), 3, y)
    assert abs(est.half_life_days - 90) <= 0.25 * 90
    assert est.ci_low < 90 < est.ci_high


def test_no_decay_in_the_data_gives_a_long_half_life():
    events, y = simulate(4, 1e9, n=10_000)
    est = estimate_half_life(events, len(y), 3, y)
    assert est.half_life_days > 180
    assert est.ci_high is None  # open-ended: the deviance stays flat up to the grid's end
    assert est.improvement < 0.001


# --------------------------------------------------------------------------- #
# The log-loss and deviance against an independent computation
# --------------------------------------------------------------------------- #
def test_log_loss_and_deviance_match_an_independent_fit():
    events, y = simulate(5, 30.0, n=3_000)
    rng = np.random.default_rng(5)
    train = rng.random(len(y)) < 0.7
    est = estimate_half_life(events, len(y), 3, y, train=train, grid=[10.0, 30.0, 100.0])
    frame = pd.DataFrame({"lead": events.lead, "type": events.type_code, "age": events.age_days})

    level = np.log1p(frame.groupby("lead").size().reindex(range(len(y)), fill_value=0).to_numpy())

    def features(half_life: float) -> np.ndarray:
        # Intercept, the lasting activity level log(1 + activities), then the decayed per-type counts.
        weight = 0.5 ** (frame["age"] / half_life) if math.isfinite(half_life) else 1.0
        table = frame.assign(w=weight).pivot_table(index="lead", columns="type", values="w", aggfunc="sum")
        decayed = table.reindex(index=range(len(y)), columns=range(3), fill_value=0).fillna(0).to_numpy()
        return sm.add_constant(np.column_stack([level, decayed]))

    for half_life, row in zip([10.0, 30.0, 100.0, math.inf], [0, 1, 2, None], strict=True):
        x = features(half_life)
        glm = sm.GLM(y[train], x[train], family=sm.families.Binomial()).fit()
        expected_loss = log_loss(y[~train], glm.predict(x[~train]))
        everyone = sm.GLM(y, x, family=sm.families.Binomial()).fit()
        if row is None:
            assert est.no_decay_log_loss == pytest.approx(expected_loss, rel=1e-6)
        else:
            assert est.profile.loc[row, "holdout_log_loss"] == pytest.approx(expected_loss, rel=1e-6)
            assert est.profile.loc[row, "deviance"] == pytest.approx(everyone.deviance, rel=1e-6)
    # The estimate is the profile's best point or better (refined between grid neighbours).
    assert est.holdout_log_loss <= est.profile["holdout_log_loss"].min() + 1e-12
    assert 10 <= est.half_life_days <= 100


def test_train_as_row_positions_equals_mask():
    events, y = simulate(6, 30.0, n=2_000)
    mask = np.zeros(len(y), dtype=bool)
    mask[::2] = True
    a = estimate_half_life(events, len(y), 3, y, train=mask, grid=[5, 20, 80])
    b = estimate_half_life(events, len(y), 3, y, train=np.flatnonzero(mask), grid=[5, 20, 80])
    pd.testing.assert_frame_equal(a.profile, b.profile)
    assert a.half_life_days == b.half_life_days


def test_decayed_counts_match_pandas():
    events, _ = simulate(7, 30.0, n=500)
    got = decayed_counts(events, 500, 3, 45.0)
    frame = pd.DataFrame({"lead": events.lead, "type": events.type_code, "w": 0.5 ** (events.age_days / 45.0)})
    expected = frame.groupby(["lead", "type"])["w"].sum().unstack(fill_value=0.0)
    expected = expected.reindex(index=range(500), columns=range(3), fill_value=0.0)
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=1e-12)
    raw = decayed_counts((events.lead, events.type_code, events.age_days), 500, 3, math.inf)
    assert raw.sum() == len(events)


# --------------------------------------------------------------------------- #
# From an activity log: the leakage guard feeds the estimate
# --------------------------------------------------------------------------- #
def test_events_from_an_activity_log_and_post_outcome_activity():
    rng = np.random.default_rng(8)
    n = 300
    as_of = pd.Series(pd.Timestamp("2024-06-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"))
    lead = np.repeat(np.arange(n), rng.poisson(5, n))
    age = rng.uniform(0, 180, len(lead)).round(3)
    kinds = np.array(["Email Open", "Demo Request"])[rng.integers(0, 2, len(lead))]
    times = as_of.iloc[lead].reset_index(drop=True) - pd.to_timedelta(age, unit="D")
    ids = np.array([f"P{i}" for i in range(n)])
    log = pd.DataFrame({"prospect_id": ids[lead], "event": kinds, "occurred_at": times})
    features = aggregate_activities(read_activities(log), ids, as_of)
    y = rng.integers(0, 2, n)
    # Customers' "contract signed" activity after the sale must not count (nor change the events).
    after = pd.DataFrame({"prospect_id": ids[y == 1], "event": "Demo Request",
                          "occurred_at": as_of[y == 1] + pd.Timedelta(days=2)})
    guarded = aggregate_activities(read_activities(pd.concat([log, after], ignore_index=True)), ids, as_of)
    assert guarded.ignored_after_as_of == int(y.sum())
    for name in ("lead", "type_code", "age_days"):
        np.testing.assert_array_equal(getattr(features.events, name), getattr(guarded.events, name))
    # The ages are the as-of date minus the event time.
    order = np.lexsort((features.events.age_days, features.events.lead))
    expected = np.lexsort((age, lead))
    np.testing.assert_allclose(features.events.age_days[order], age[expected], atol=1e-6)
    est = estimate_half_life(features.events, n, len(features.types), y, grid=[3, 30, 300])
    assert est.n_events == len(lead)


# --------------------------------------------------------------------------- #
# Degenerate input
# --------------------------------------------------------------------------- #
def test_degenerate_input_raises():
    events, y = simulate(9, 30.0, n=400)
    empty = ActivityEvents(np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([]))
    with pytest.raises(DataError, match="no activity events"):
        estimate_half_life(empty, 400, 3, y)
    with pytest.raises(DataError, match="all 400 leads are non-customers"):
        estimate_half_life(events, 400, 3, np.zeros(400))
    with pytest.raises(DataError, match="only one outcome class"):
        estimate_half_life(events, 400, 3, np.r_[1, np.zeros(399)], train=np.arange(1, 400))
    with pytest.raises(DataError, match="only 0 and 1"):
        estimate_half_life(events, 400, 3, np.full(400, 2))
    with pytest.raises(DataError, match="one 0/1 outcome per lead"):
        estimate_half_life(events, 400, 3, y[:-1])
    with pytest.raises(DataError, match="events.lead must hold row positions"):
        estimate_half_life(events, 10, 3, y[:10])
    with pytest.raises(DataError, match="events.type_code"):
        decayed_counts(events, 400, 2, 30.0)
    with pytest.raises(DataError, match="negative"):
        decayed_counts((events.lead, events.type_code, -events.age_days), 400, 3, 30.0)
    with pytest.raises(DataError, match="half_life_days"):
        decayed_counts(events, 400, 3, 0.0)
    with pytest.raises(DataError, match="grid"):
        estimate_half_life(events, 400, 3, y, grid=[10, 20])


# --------------------------------------------------------------------------- #
# Decay curve
# --------------------------------------------------------------------------- #
def test_decay_curve_counts_and_wilson_intervals():
    rng = np.random.default_rng(10)
    days = np.floor(rng.exponential(60, 5_000))
    days[rng.random(5_000) < 0.1] = np.nan
    y = (rng.random(5_000) < np.where(np.isnan(days), 0.05, 0.3 * np.exp(-np.nan_to_num(days) / 60))).astype(int)
    curve = decay_curve(days, y)
    assert curve["days"].tolist() == ["0-6", "7-13", "14-29", "30-59", "60-89", "90-179", "180-364", "365+",
                                      "no activity"]
    starts = [0, 7, 14, 30, 60, 90, 180, 365, None]
    ends = [7, 14, 30, 60, 90, 180, 365, np.inf, None]
    for row, (start, end) in enumerate(zip(starts, ends, strict=True)):
        inside = np.isnan(days) if start is None else (days >= start) & (days < end)
        leads, customers = int(inside.sum()), int(y[inside].sum())
        assert curve.loc[row, "leads"] == leads
        assert curve.loc[row, "customers"] == customers
        assert curve.loc[row, "close_rate"] == pytest.approx(customers / leads)
        low, high = proportion_confint(customers, leads, alpha=0.05, method="wilson")
        assert curve.loc[row, "ci_low"] == pytest.approx(low, abs=1e-12)
        assert curve.loc[row, "ci_high"] == pytest.approx(high, abs=1e-12)
        assert curve.loc[row, "lift"] == pytest.approx(customers / leads / y.mean())
    assert curve["leads"].sum() == 5_000
    narrow = decay_curve(days, y, confidence=0.8)
    assert (narrow["ci_high"] - narrow["ci_low"] < curve["ci_high"] - curve["ci_low"]).all()


def test_decay_curve_rejects_bad_input():
    with pytest.raises(DataError, match="below the first edge"):
        decay_curve(np.array([-1.0, 2.0]), np.array([0, 1]))
    with pytest.raises(DataError, match="ascending"):
        decay_curve(np.array([1.0]), np.array([1]), edges=(0, 30, 7))
    with pytest.raises(DataError, match="0/1 outcome per lead"):
        decay_curve(np.array([1.0, 2.0]), np.array([1]))


# --------------------------------------------------------------------------- #
# CRM rules
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", range(5))
def test_step_rules_running_sum_equals_bin_points(seed):
    rng = np.random.default_rng(seed)
    n_bins = int(rng.integers(2, 8))
    edges = np.r_[0, np.cumsum(rng.integers(1, 60, n_bins - 1))].tolist()
    points = rng.integers(-20, 30, n_bins).tolist()
    for given in (edges, [*edges, math.inf]):
        rules = step_rules(given, points)
        assert [r["inactive_days"] for r in rules] == edges[1:]
        running = points[0] + np.cumsum([r["add_points"] for r in rules])
        assert running.tolist() == points[1:]


def test_step_rules_rejects_bad_bins():
    with pytest.raises(DataError, match="ascend strictly from 0"):
        step_rules([1, 7], [5, 0])
    with pytest.raises(DataError, match="ascend strictly from 0"):
        step_rules([0, 7, 7], [5, 3, 0])
    with pytest.raises(DataError, match="one edge per bin"):
        step_rules([0, 7, 14, 30, 60], [5, 3])
    assert step_rules([0], [5]) == []


def test_decay_multiplier():
    assert decay_multiplier(30, 30) == 0.5
    assert decay_multiplier(30, 7) ** (30 / 7) == pytest.approx(0.5)
    assert decay_multiplier(math.inf, 7) == 1.0
    with pytest.raises(DataError, match="half_life_days"):
        decay_multiplier(-1, 7)
    with pytest.raises(DataError, match="period_days"):
        decay_multiplier(30, 0)
