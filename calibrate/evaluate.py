"""Held-out evaluation of a lead score: splits, AUC with its interval, gains, thresholds, calibration.

Pure functions, no I/O, vectorised over leads (sorts, ranks and cumulative
sums; no Python loop over rows). Every table is a tidy
:class:`pandas.DataFrame` with stable snake_case columns.

Notes
-----
* Splits: a time-based holdout (the latest leads form the test set, as the
  score will be used on leads that come after the ones it was fitted on) or
  a stratified random one (``sklearn.model_selection.train_test_split`` with
  ``stratify=y``); stratified k-fold (``sklearn.model_selection.StratifiedKFold``).
* AUC: the probability that a random customer scores above a random
  non-customer, ties counting one half (equal to
  ``sklearn.metrics.roc_auc_score``). Its interval is DeLong's (DeLong,
  DeLong & Clarke-Pearson, *Biometrics* 44, 1988), computed with the fast
  mid-rank algorithm of Sun & Xu (*IEEE Signal Processing Letters* 21, 2014):
  ``auc ± z·se`` clipped to [0, 1], what R's
  ``pROC::ci.auc(roc(y, score, direction = "<"), method = "delong")``
  reports.
* Close-rate intervals are Wilson score intervals
  (:func:`calibrate.stats.wilson_interval`).
* Score bands follow the convention of the rest of calibrate: interior edges
  ``e1 < ... < ek`` cut left-closed bands ``score < e1``,
  ``e1 <= score < e2``, ..., ``score >= ek``.

Examples
--------
>>> import numpy as np
>>> from calibrate.evaluate import auc_with_ci
>>> y = np.array([0, 0, 1, 0, 1, 1, 0, 1])
>>> score = np.array([10, 20, 30, 30, 40, 50, 0, 20])
>>> result = auc_with_ci(y, score)
>>> round(result["auc"], 4), result["method"]
(0.875, 'delong')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import StratifiedKFold, train_test_split

from calibrate.counting import distinct_counts
from calibrate.errors import DataError
from calibrate.validation import as_outcome
from calibrate.stats import wilson_interval

__all__ = [
    "holdout_split",
    "kfold_splits",
    "auc_with_ci",
    "brier_score",
    "gains_table",
    "threshold_table",
    "calibration_table",
    "calibration_edges",
    "evaluate_scores",
    "MAX_DEFAULT_THRESHOLDS",
]

#: Above this many distinct scores, :func:`threshold_table` uses a quantile grid of this many thresholds.
MAX_DEFAULT_THRESHOLDS = 200


# ---------------------------------------------------------------------- input checks

def _scores(score: Any, n_rows: int, name: str = "score") -> np.ndarray:
    """``score`` as a finite numeric array of ``n_rows`` values (integer scores stay integer)."""
    arr = np.asarray(score)
    if arr.ndim != 1 or len(arr) != n_rows:
        raise DataError(f"{name} has shape {arr.shape} but there are {n_rows} leads; pass one {name} per lead")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise DataError(f"{name} must be numeric; convert it with pandas.to_numeric first") from None
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            raise DataError(f"{name} has {int(bad.sum())} missing or infinite values; score every lead "
                            f"or drop the unscored leads")
    return arr


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """``scipy.stats.rankdata(values)`` (ties share their average rank), counted for whole-number scores.

    A value's average rank is the count of smaller values plus half of (its
    ties + 1): integers and halves, exact in float64 as rankdata's are. Whole
    numbers in a short range are counted with one bincount instead of sorted.
    """
    if not len(values) or np.abs(values).max() >= 2**53 or not bool(np.all(values == np.floor(values))):
        return sps.rankdata(values)
    whole = values.astype(np.int64)
    lowest = int(whole.min())
    span = int(whole.max()) - lowest + 1
    if span > 2 * len(values) + 1024:  # a sparse range: sorting is cheaper than counting it
        return sps.rankdata(values)
    distinct, counts = distinct_counts(whole)
    average = np.zeros(span)
    average[distinct - lowest] = np.concatenate([[0], np.cumsum(counts)[:-1]]) + (counts + 1) / 2.0
    return average[whole - lowest]


def _outcome_and_scores(y: Any, score: Any) -> tuple[np.ndarray, np.ndarray]:
    outcome = as_outcome(y)
    if len(outcome) == 0:
        raise DataError("there are no leads to evaluate")
    return outcome, _scores(score, len(outcome))


def _require_customers(y: np.ndarray, what: str) -> None:
    if y.sum() == 0:
        raise DataError(f"{what} needs at least one customer, but none of the {len(y)} leads is one; "
                        f"check the target mapping or evaluate on more leads")


def _check_both_sides(y: np.ndarray, train: np.ndarray, test: np.ndarray, how: str) -> None:
    for side, mask in (("train", train), ("test", test)):
        customers, leads = int(y[mask].sum()), int(mask.sum())
        if customers == 0 or customers == leads:
            missing = "customers" if customers == 0 else "non-customers"
            raise DataError(f"the {how} split leaves the {side} set ({leads} leads) with no {missing}; "
                            f"use more leads, another test_size, or the other kind of split")


# ---------------------------------------------------------------------- splits
def holdout_split(n_rows: int, y: np.ndarray, *, dates: pd.Series | np.ndarray | None = None,
                  test_size: float = 0.25, seed: int = 0,
                  row_keys: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split leads into a training and a held-out test set.

    Parameters
    ----------
    n_rows : int
        Number of leads.
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean.
    dates : pandas.Series or numpy.ndarray, optional
        Creation date of each lead. When given, the split is by time: the
        latest ``ceil(test_size * n_rows)`` leads form the test set, and
        leads dated exactly at the cut also go to test (so the test set can
        be a little larger). Strings are parsed with
        ``pandas.to_datetime(format="mixed")``.
    test_size : float
        Share of leads held out, strictly between 0 and 1.
    seed : int
        Seed of the stratified random split (ignored for a time split).
    row_keys : numpy.ndarray of uint64, optional
        A hash of each lead's content (``pandas.util.hash_pandas_object``).
        When given, the stratified split takes, within each class, the leads
        with the smallest seeded keys, so the same leads are held out
        whatever the order of the rows.

    Returns
    -------
    train, test : numpy.ndarray of bool
        Complementary masks over the ``n_rows`` leads.

    Raises
    ------
    DataError
        Dates are missing or unparseable, or either side would have no
        customers or no non-customers.

    Notes
    -----
    Without dates the split is ``sklearn.model_selection.train_test_split``
    with ``stratify=y``: both sides keep the overall customer share to
    within one lead, and the same seed gives the same split.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 1] * 10)
    >>> train, test = holdout_split(20, y, test_size=0.25, seed=1)
    >>> int(test.sum()), int(y[test].sum())
    (5, 3)
    >>> dates = np.array([f"2025-01-{d:02d}" for d in range(1, 21)])
    >>> train, test = holdout_split(20, y, dates=dates, test_size=0.25)
    >>> np.flatnonzero(test).tolist()
    [15, 16, 17, 18, 19]
    """
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be strictly between 0 and 1, got {test_size!r}")
    outcome = as_outcome(y, n_rows)
    if n_rows < 2:
        raise DataError(f"a holdout split needs at least 2 leads, got {n_rows}")
    n_test = math.ceil(test_size * n_rows)
    if dates is not None:
        parsed = _parse_dates(dates, n_rows)
        order = np.sort(parsed)
        cut = order[n_rows - n_test]
        test = parsed >= cut  # ties at the cut go to test
        train = ~test
        _check_both_sides(outcome, train, test, "time")
        return train, test
    counts = np.bincount(outcome, minlength=2)
    if counts.min() < 2:
        kind = "customers" if counts[1] < 2 else "non-customers"
        raise DataError(f"a stratified split needs at least 2 {kind}, got {int(counts.min())}; "
                        f"use more leads or evaluate with cross-validation on a larger sample")
    if n_test < 2 or n_rows - n_test < 2:
        raise DataError(f"test_size={test_size} leaves {n_test} of {n_rows} leads for test; each side needs "
                        f"room for a customer and a non-customer: choose a test_size nearer 0.25")
    if row_keys is not None:
        test = _keyed_stratified_test(np.asarray(row_keys, dtype=np.uint64), outcome, test_size, seed)
    else:
        _, test_idx = train_test_split(np.arange(n_rows), test_size=n_test, stratify=outcome, random_state=seed)
        test = np.zeros(n_rows, dtype=bool)
        test[test_idx] = True
    train = ~test
    _check_both_sides(outcome, train, test, "stratified")
    return train, test


def _keyed_stratified_test(keys: np.ndarray, outcome: np.ndarray, test_size: float, seed: int) -> np.ndarray:
    """Per class, the ``ceil(test_size * n_class)`` leads with the smallest seeded content keys."""
    # Mix the seed in with an invertible multiply-xorshift so each seed orders the keys differently.
    with np.errstate(over="ignore"):
        mixed = keys ^ np.uint64(0x9E3779B97F4A7C15 * (seed + 1) % 2**64)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(31)
    test = np.zeros(len(keys), dtype=bool)
    for label in (0, 1):
        members = outcome == label
        wanted = math.ceil(test_size * int(np.count_nonzero(members)))
        if wanted == 0:
            continue
        # The first `wanted` members ordered by (key, row): a partition finds the cut key without a full sort;
        # members sharing it (duplicate rows) are taken in row order, as the sort would. Masks over the rows,
        # not arrays of positions: a fit's memory is its time on a machine where fresh pages are slow.
        member_keys = mixed[members]
        member_keys.partition(wanted - 1)  # in place: the members' keys are a copy
        cut = member_keys[wanted - 1]
        below = members & (mixed < cut)
        test |= below
        at_cut = np.flatnonzero(members & (mixed == cut))[: wanted - int(np.count_nonzero(below))]
        test[at_cut] = True
    return test


def _parse_dates(dates: pd.Series | np.ndarray, n_rows: int) -> np.ndarray:
    """Dates as datetime64[ns] values; missing or unparseable ones raise."""
    series = dates if isinstance(dates, pd.Series) else pd.Series(np.asarray(dates))
    if len(series) != n_rows:
        raise DataError(f"dates has {len(series)} values but there are {n_rows} leads; pass one date per lead")
    try:
        parsed = pd.to_datetime(series, errors="coerce", format="mixed")
    except (TypeError, ValueError) as exc:  # e.g. time-zone-aware mixed with naive
        raise DataError(f"dates could not be parsed ({exc}); give dates like 2025-01-31") from None
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    missing = int(parsed.isna().sum())
    if missing:
        raise DataError(f"{missing} of {n_rows} dates are missing or unparseable; fix them (dates like "
                        f"2025-01-31) or drop those leads, or pass dates=None for a stratified random split")
    return parsed.to_numpy(dtype="datetime64[ns]")


def kfold_splits(y: np.ndarray, *, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold splits (``sklearn.model_selection.StratifiedKFold``, shuffled with ``seed``).

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean.
    n_splits : int
        Number of folds, at least 2.
    seed : int
        Seed of the shuffle; the same seed gives the same folds.

    Returns
    -------
    list of (train_index, test_index)
        Integer index arrays; the test indices of the folds partition the leads.

    Raises
    ------
    DataError
        Fewer customers (or non-customers) than folds: some fold would test
        on no customer.

    Examples
    --------
    >>> import numpy as np
    >>> folds = kfold_splits(np.array([0, 0, 0, 1] * 5), n_splits=5)
    >>> [len(test) for _, test in folds]
    [4, 4, 4, 4, 4]
    """
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits}")
    outcome = as_outcome(y)
    counts = np.bincount(outcome, minlength=2)
    if counts.min() < n_splits:
        kind = "customers" if counts[1] < counts[0] else "non-customers"
        raise DataError(f"{n_splits}-fold cross-validation needs at least {n_splits} {kind}, got "
                        f"{int(counts.min())}; lower n_splits or use more leads")
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(train, test) for train, test in folds.split(np.zeros(len(outcome)), outcome)]


# ---------------------------------------------------------------------- discrimination
def auc_with_ci(y: np.ndarray, score: np.ndarray, *, confidence: float = 0.95) -> dict[str, Any]:
    """AUC of a score with DeLong's confidence interval.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean; needs customers and non-customers.
    score : numpy.ndarray
        Score per lead (higher means more likely a customer). Ties are
        allowed and count one half, as in ``sklearn.metrics.roc_auc_score``.
    confidence : float
        Level of the interval.

    Returns
    -------
    dict
        ``auc``, ``ci_low``, ``ci_high``, ``se`` (DeLong's standard error)
        and ``method`` (``"delong"``). With a single customer or a single
        non-customer the variance is undefined: ``se`` and the interval are
        NaN (R's pROC returns NA there).

    Notes
    -----
    Sun & Xu's algorithm: with mid-ranks ``r`` of all scores, ``r_X`` of the
    customers' scores among themselves and ``r_Y`` of the non-customers',
    the placement of customer ``i`` is ``V10_i = (r_i - r_X,i) / n`` (the
    share of non-customers it beats, ties one half) and that of non-customer
    ``j`` is ``V01_j = 1 - (r_j - r_Y,j) / m``. The AUC is the mean of
    ``V10``, and ``se² = var(V10) / m + var(V01) / n`` with sample variances
    (``ddof = 1``), for ``m`` customers and ``n`` non-customers. Three rank
    computations: O(N log N).

    Examples
    --------
    >>> import numpy as np
    >>> r = auc_with_ci(np.array([0, 0, 1, 0, 1, 1]), np.array([1, 2, 2, 3, 4, 5]))
    >>> round(r["auc"], 4), round(r["se"], 4)
    (0.8333, 0.1925)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    outcome, values = _outcome_and_scores(y, score)
    positive = outcome == 1
    m, n = int(positive.sum()), int((~positive).sum())
    if m == 0 or n == 0:
        missing = "customers" if m == 0 else "non-customers"
        raise DataError(f"the AUC needs customers and non-customers, but there are no {missing} among the "
                        f"{len(outcome)} leads; evaluate on a sample holding both")
    x, yy = values[positive].astype(float), values[~positive].astype(float)
    ranks_all = _average_ranks(np.concatenate([x, yy]))
    v10 = (ranks_all[:m] - _average_ranks(x)) / n
    v01 = 1.0 - (ranks_all[m:] - _average_ranks(yy)) / m
    auc = float(v10.mean())
    if m > 1 and n > 1:
        se = math.sqrt(float(np.var(v10, ddof=1)) / m + float(np.var(v01, ddof=1)) / n)
        z = float(sps.norm.ppf(0.5 + confidence / 2))
        low, high = min(max(auc - z * se, 0.0), 1.0), min(max(auc + z * se, 0.0), 1.0)
    else:
        se = low = high = math.nan
    return {"auc": auc, "ci_low": low, "ci_high": high, "se": se, "method": "delong"}


def brier_score(y: np.ndarray, probability: np.ndarray) -> float:
    """Brier score (mean squared error of predicted close probabilities), lower is better.

    ``sklearn.metrics.brier_score_loss``.

    Examples
    --------
    >>> import numpy as np
    >>> round(brier_score(np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.8, 0.3])), 6)
    0.0375
    """
    outcome = as_outcome(y)
    p = _scores(probability, len(outcome), name="probability").astype(float)
    if ((p < 0) | (p > 1)).any():
        raise DataError(f"{int(((p < 0) | (p > 1)).sum())} probabilities lie outside [0, 1]; pass predicted "
                        f"close probabilities, not scores")
    return float(brier_score_loss(outcome, p))


# ---------------------------------------------------------------------- tables
def gains_table(y: np.ndarray, score: np.ndarray, *, n_groups: int = 10) -> pd.DataFrame:
    """Gains and lift of the leads sorted by score, in (about) equal groups.

    Leads are sorted by score, highest first, and cut into ``n_groups``
    groups by the average rank of their score: lead with average descending
    rank ``r`` (of ``N``) goes to group ``ceil(r * n_groups / N)``. Leads
    with equal scores share an average rank, so a tie is never split across
    groups; groups may then hold unequal numbers of leads, and groups left
    empty by a large tie are dropped (the table can have fewer than
    ``n_groups`` rows, numbered 1, 2, ... without gaps).

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean; needs at least one customer.
    score : numpy.ndarray
        Score per lead.
    n_groups : int
        Number of groups (10: deciles).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group`` (1 = highest scores), ``score_min``,
        ``score_max``, ``leads``, ``customers``, ``close_rate``, ``lift``
        (close rate over the overall close rate),
        ``cumulative_share_of_leads``, ``cumulative_share_of_customers``
        (the gains curve; both end at 1.0), ``cumulative_close_rate``,
        ``cumulative_lift``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    >>> score = np.array([90, 80, 70, 60, 50, 40, 30, 20, 10, 0])
    >>> table = gains_table(y, score, n_groups=5)
    >>> table["customers"].tolist(), table["lift"].round(2).tolist()
    ([2, 1, 0, 0, 0], [3.33, 1.67, 0.0, 0.0, 0.0])
    """
    if n_groups < 1:
        raise ValueError(f"n_groups must be at least 1, got {n_groups}")
    outcome, values = _outcome_and_scores(y, score)
    _require_customers(outcome, "a gains table")
    n = len(outcome)
    order = np.argsort(-values.astype(float), kind="stable")
    sorted_scores, sorted_y = values[order], outcome[order]
    ranks = _average_ranks(-sorted_scores.astype(float))  # average ranks, 1 = highest score
    raw_group = np.ceil(ranks * n_groups / n).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, raw_group[1:] != raw_group[:-1]])
    ends = np.r_[starts[1:], n] - 1
    leads = np.diff(np.r_[starts, n])
    customers = np.add.reduceat(sorted_y, starts)
    overall = outcome.sum() / n
    cum_leads, cum_customers = np.cumsum(leads), np.cumsum(customers)
    close_rate = customers / leads
    cumulative_close_rate = cum_customers / cum_leads
    return pd.DataFrame({
        "group": np.arange(1, len(starts) + 1),
        "score_min": sorted_scores[ends],
        "score_max": sorted_scores[starts],
        "leads": leads,
        "customers": customers,
        "close_rate": close_rate,
        "lift": close_rate / overall,
        "cumulative_share_of_leads": cum_leads / n,
        "cumulative_share_of_customers": cum_customers / outcome.sum(),
        "cumulative_close_rate": cumulative_close_rate,
        "cumulative_lift": cumulative_close_rate / overall,
    })


def _default_thresholds(values: np.ndarray) -> np.ndarray:
    distinct = np.unique(values)
    if len(distinct) <= MAX_DEFAULT_THRESHOLDS:
        return distinct
    # Observed score values at evenly spaced quantiles: integer scores give integer thresholds.
    grid = np.quantile(values, np.linspace(0, 1, MAX_DEFAULT_THRESHOLDS), method="inverted_cdf")
    return np.unique(grid)


def threshold_table(y: np.ndarray, score: np.ndarray, thresholds: Sequence[int] | None = None,
                    *, confidence: float = 0.95) -> pd.DataFrame:
    """What a sales-ready threshold would pass on, for every candidate threshold.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean; needs at least one customer.
    score : numpy.ndarray
        Score per lead.
    thresholds : sequence of int, optional
        Candidate thresholds (sorted and deduplicated in the table). Default:
        every distinct score, or, with more than
        :data:`MAX_DEFAULT_THRESHOLDS` distinct scores, the observed scores
        at that many evenly spaced quantiles.
    confidence : float
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per threshold ``t``, about the leads with ``score >= t``:
        ``threshold``, ``leads_above``, ``share_of_leads_above``,
        ``customers_above``, ``close_rate_above``, ``ci_low_above``,
        ``ci_high_above`` (Wilson), ``share_of_customers_captured``, and
        ``close_rate_below`` (of the leads with ``score < t``). Rates over
        no leads are NaN.

    Notes
    -----
    One sort of the scores and a cumulative sum of the outcome; each
    threshold is then a binary search: O((N + T) log N).

    Examples
    --------
    >>> import numpy as np
    >>> table = threshold_table(np.array([0, 1, 0, 1, 1]), np.array([0, 10, 10, 20, 30]), [10, 20])
    >>> table["leads_above"].tolist(), table["close_rate_above"].tolist(), table["close_rate_below"].round(3).tolist()
    ([4, 2], [0.75, 1.0], [0.0, 0.333])
    """
    outcome, values = _outcome_and_scores(y, score)
    _require_customers(outcome, "a threshold table")
    n, total_customers = len(outcome), int(outcome.sum())
    if thresholds is None:
        cuts = _default_thresholds(values)
    else:
        cuts = np.unique(np.asarray(thresholds))
        if cuts.ndim != 1 or not np.issubdtype(cuts.dtype, np.number):
            raise ValueError("thresholds must be a sequence of numbers")
    order = np.argsort(values, kind="stable")
    sorted_scores = values[order]
    customers_below_sorted = np.r_[0, np.cumsum(outcome[order])]
    leads_below = np.searchsorted(sorted_scores, cuts, side="left")
    customers_below = customers_below_sorted[leads_below]
    leads_above = n - leads_below
    customers_above = total_customers - customers_below
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_above = np.where(leads_above > 0, customers_above / leads_above, np.nan)
        rate_below = np.where(leads_below > 0, customers_below / leads_below, np.nan)
    low, high = wilson_interval(customers_above, leads_above, confidence)
    return pd.DataFrame({
        "threshold": cuts,
        "leads_above": leads_above.astype(np.int64),
        "share_of_leads_above": leads_above / n,
        "customers_above": customers_above.astype(np.int64),
        "close_rate_above": rate_above,
        "ci_low_above": low,
        "ci_high_above": high,
        "share_of_customers_captured": customers_above / total_customers,
        "close_rate_below": rate_below,
    })


def _check_edges(edges: Sequence[float]) -> np.ndarray:
    cuts = np.asarray(list(edges), dtype=float)
    if cuts.ndim != 1 or not np.isfinite(cuts).all() or (np.diff(cuts) <= 0).any():
        raise ValueError(f"edges must be finite and strictly increasing, got {list(edges)!r}")
    return cuts


def calibration_table(y: np.ndarray, score: np.ndarray, edges: Sequence[float], *,
                      confidence: float = 0.95) -> pd.DataFrame:
    """Close rate with its Wilson interval in score bands cut at explicit edges.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean.
    score : numpy.ndarray
        Score per lead.
    edges : sequence of float
        Interior edges ``e1 < ... < ek``, cutting ``k + 1`` left-closed bands
        ``score < e1``, ``e1 <= score < e2``, ..., ``score >= ek`` (the
        convention of the rest of calibrate). No edges: one band.
    confidence : float
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per band, lowest first, empty bands kept: ``score_min`` (the
        band's inclusive lower edge; None for the first, open band),
        ``score_max`` (its exclusive upper edge; None for the last, open
        band), ``leads``, ``customers``, ``close_rate``, ``ci_low``,
        ``ci_high`` (NaN rates for an empty band).

    Examples
    --------
    >>> import numpy as np
    >>> table = calibration_table(np.array([0, 0, 1, 0, 1, 1]), np.array([0, 10, 20, 30, 40, 50]), [20, 100])
    >>> table[["score_min", "score_max", "leads", "customers"]].values.tolist()
    [[None, 20.0, 2, 0], [20.0, 100.0, 4, 3], [100.0, None, 0, 0]]
    """
    outcome, values = _outcome_and_scores(y, score)
    cuts = _check_edges(edges)
    n_bands = len(cuts) + 1
    whole = values.dtype.kind == "i" or (values.dtype.kind == "u" and values.dtype.itemsize < 8)
    lowest = int(values.min()) if whole else 0
    if whole and int(values.max()) - lowest <= 2 * len(values) + 1024:
        # Whole-number scores in a short range: leads and customers counted per score, each score's band
        # found once (the same counts as a band per lead; 750,000 scores: 20 ms -> 3 ms).
        offsets = np.subtract(values, lowest, dtype=np.int64)
        per_score = np.bincount(offsets)
        customers_per_score = np.bincount(offsets, weights=outcome, minlength=len(per_score))
        band_of_score = np.searchsorted(cuts, np.arange(len(per_score)) + lowest, side="right")
        leads = np.bincount(band_of_score, weights=per_score, minlength=n_bands).astype(np.int64)
        customers = np.bincount(band_of_score, weights=customers_per_score, minlength=n_bands).astype(np.int64)
    else:
        band = np.searchsorted(cuts, values, side="right")
        leads = np.bincount(band, minlength=n_bands).astype(np.int64)
        customers = np.bincount(band, weights=outcome, minlength=n_bands).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(leads > 0, customers / leads, np.nan)
    low, high = wilson_interval(customers, leads, confidence)
    bounds = [float(c) for c in cuts]
    return pd.DataFrame({
        "score_min": pd.Series([None, *bounds], dtype=object),
        "score_max": pd.Series([*bounds, None], dtype=object),
        "leads": leads,
        "customers": customers,
        "close_rate": rate,
        "ci_low": low,
        "ci_high": high,
    })


def calibration_edges(score: np.ndarray, *, n_bands: int = 5) -> list[float]:
    """Interior edges cutting scores into about ``n_bands`` bands of similar lead counts.

    Every edge is an observed score (so integer scores get integer edges),
    chosen as the one whose share of leads below it is nearest to
    ``1/n_bands``, ``2/n_bands``, ...; duplicates are dropped, so heavy ties
    give fewer bands. The lowest score is never an edge (its band would be
    empty).

    Parameters
    ----------
    score : numpy.ndarray
        Score per lead.
    n_bands : int
        Number of bands wanted.

    Returns
    -------
    list of float
        Distinct, increasing interior edges for :func:`calibration_table`.

    Examples
    --------
    >>> import numpy as np
    >>> calibration_edges(np.arange(100), n_bands=4)
    [25.0, 50.0, 75.0]
    >>> calibration_edges(np.array([0, 0, 0, 0, 0, 0, 10, 20]), n_bands=4)
    [10.0]
    """
    if n_bands < 1:
        raise ValueError(f"n_bands must be at least 1, got {n_bands}")
    values = _scores(score, len(np.asarray(score)))
    given = np.asarray(score)
    distinct, counts = distinct_counts(given if given.dtype.kind in "iu" else values)  # integers: counted
    if len(distinct) <= 1 or n_bands == 1:
        return []
    share_below = np.cumsum(counts)[:-1] / len(values)  # share of leads below distinct[1:]
    targets = np.arange(1, n_bands) / n_bands
    right = np.clip(np.searchsorted(share_below, targets), 0, len(share_below) - 1)
    left = np.clip(right - 1, 0, len(share_below) - 1)
    nearest = np.where(np.abs(share_below[left] - targets) <= np.abs(share_below[right] - targets), left, right)
    return [float(e) for e in np.unique(distinct[1:][nearest])]


def _side_summary(y: np.ndarray, mask: np.ndarray, confidence: float) -> dict[str, Any]:
    leads, customers = int(mask.sum()), int(y[mask].sum())
    low, high = wilson_interval(np.array([customers]), np.array([leads]), confidence)
    return {"leads": leads, "customers": customers, "share": leads / len(y),
            "close_rate": customers / leads if leads else math.nan,
            "ci_low": float(low[0]), "ci_high": float(high[0])}


def evaluate_scores(y: np.ndarray, score: np.ndarray, *, threshold: int, edges: Sequence[float] | None = None,
                    probability: np.ndarray | None = None, confidence: float = 0.95) -> dict[str, Any]:
    """Every held-out metric of a score in one call.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per (held-out) lead, 0/1 or boolean; needs customers and
        non-customers.
    score : numpy.ndarray
        Score per lead.
    threshold : int
        Sales-ready threshold: leads with ``score >= threshold`` are above.
    edges : sequence of float, optional
        Interior edges of the calibration bands; default
        :func:`calibration_edges` of the scores.
    probability : numpy.ndarray, optional
        Predicted close probability per lead, for the Brier score.
    confidence : float
        Level of every interval.

    Returns
    -------
    dict
        ``auc`` (:func:`auc_with_ci`), ``gains`` (:func:`gains_table`),
        ``threshold``, ``above_threshold`` and ``below_threshold`` (each a
        dict of ``leads``, ``customers``, ``share``, ``close_rate``,
        ``ci_low``, ``ci_high``; Wilson interval), ``calibration``
        (:func:`calibration_table`) and ``brier`` (:func:`brier_score`, or
        None without ``probability``).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 0, 1, 1, 0, 1, 0, 0])
    >>> score = np.array([0, 10, 120, 40, 90, 150, 20, 100, 60, 110])
    >>> result = evaluate_scores(y, score, threshold=100)
    >>> result["above_threshold"]["leads"], result["above_threshold"]["close_rate"]
    (4, 0.75)
    >>> result["brier"] is None
    True
    """
    outcome, values = _outcome_and_scores(y, score)
    above = values >= threshold
    return {
        "auc": auc_with_ci(outcome, values, confidence=confidence),
        "gains": gains_table(outcome, values),
        "threshold": threshold,
        "above_threshold": _side_summary(outcome, above, confidence),
        "below_threshold": _side_summary(outcome, ~above, confidence),
        "calibration": calibration_table(outcome, values,
                                         calibration_edges(values) if edges is None else edges,
                                         confidence=confidence),
        "brier": None if probability is None else brier_score(outcome, probability),
    }
