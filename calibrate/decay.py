"""How fast does engagement stop predicting a sale? Half-life estimation and decay rules.

Model
-----
A lead's log-odds of becoming a customer are taken as

``logit(p) = a + g * log(1 + n) + sum over its activities of beta[type] * 0.5 ** (age_days / H)``

where ``age_days`` is measured at the lead's as-of date: an activity is worth
``beta[type]`` on the day it happens and half that ``H`` days later. ``n`` is
the lead's number of activities whatever their age: leads who engage at all
are keener buyers (a lasting trait, not a fading one), and without this
term the regression credits old activities for that trait and overstates
the half-life (on :func:`calibrate.crm_data.make_crm_export` data with a
true half-life of 30 days, about 40 days instead of 25-30).
:func:`decayed_counts` builds the per-type sums; :func:`estimate_half_life`
chooses ``H`` by the held-out log-loss of a logistic regression on them
(statsmodels ``Logit``, maximum likelihood), with a profile-likelihood
interval; :func:`decay_curve` shows the close rate by days since the last
activity; :func:`step_rules` and :func:`decay_multiplier` translate the
result into what a CRM can apply (subtract points after N inactive days, or
multiply engagement points every period).

The events come from :func:`calibrate.activity.aggregate_activities`
(``features.events``), or any ``(lead, type_code, age_days)`` triple.

Examples
--------
>>> from calibrate.decay import decay_multiplier, step_rules
>>> round(decay_multiplier(30, 7), 4)
0.8507
>>> step_rules([0, 7, 30], [10, 6, 0])
[{'inactive_days': 7, 'add_points': -4}, {'inactive_days': 30, 'add_points': -6}]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps

from calibrate.errors import DataError
from calibrate.stats import wilson_interval

__all__ = [
    "DEFAULT_EDGES",
    "HalfLifeEstimate",
    "decay_curve",
    "decay_multiplier",
    "decayed_counts",
    "estimate_half_life",
    "step_rules",
]

#: Default bucket edges (days since the last activity) of :func:`decay_curve`.
DEFAULT_EDGES: tuple[float, ...] = (0, 7, 14, 30, 60, 90, 180, 365)

_DEFAULT_GRID = (1.0, 730.0, 30)
# Below this a decayed-count column is treated as absent (its events are all
# so old that 0.5 ** (age / H) underflows): its coefficient is 0.
_NEGLIGIBLE = 1e-12


@dataclass(frozen=True, eq=False)
class HalfLifeEstimate:
    """The estimated half-life of activity's predictive value.

    Attributes
    ----------
    half_life_days : float
        The half-life with the lowest held-out log-loss.
    ci_low, ci_high : float or None
        Profile-likelihood interval on all leads; ``None`` when the interval
        runs past the end of the grid on that side (open-ended).
    profile : pandas.DataFrame
        Over the grid: ``half_life_days``, ``holdout_log_loss`` (mean, test
        leads) and ``deviance`` (-2 log-likelihood, all leads).
    holdout_log_loss : float
        Mean held-out log-loss at :attr:`half_life_days`.
    no_decay_log_loss : float
        The same with raw (undecayed) counts, ``H = infinity``.
    n_leads, n_events : int
        Leads and events used.
    method : str
        One line describing the method, for reports.
    confidence : float
        Level of the interval.
    deviance_half_life_days : float
        The half-life minimising the all-leads deviance (the maximum-likelihood
        estimate, centre of the interval).
    coefficients : numpy.ndarray
        Intercept, the lasting activity level ``log(1 + n)``, then one
        coefficient per type, fitted on all leads at
        :attr:`half_life_days` (log-odds per decayed activity; 0 for a type
        without events).

    Examples
    --------
    >>> import pandas as pd
    >>> est = HalfLifeEstimate(30.0, 20.0, 45.0, pd.DataFrame(), 0.41, 0.43, 1000, 5000, "example")
    >>> round(est.improvement, 3)
    0.02
    """

    half_life_days: float
    ci_low: float | None
    ci_high: float | None
    profile: pd.DataFrame
    holdout_log_loss: float
    no_decay_log_loss: float
    n_leads: int
    n_events: int
    method: str
    confidence: float = 0.95
    deviance_half_life_days: float = math.nan
    coefficients: np.ndarray | None = None

    @property
    def improvement(self) -> float:
        """Held-out log-loss saved by decaying: ``no_decay_log_loss - holdout_log_loss``."""
        return self.no_decay_log_loss - self.holdout_log_loss


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #
def _unpack(events: Any, n_leads: int, n_types: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if hasattr(events, "lead") and hasattr(events, "type_code") and hasattr(events, "age_days"):
        parts = (events.lead, events.type_code, events.age_days)
    else:
        try:
            parts = tuple(events)
        except TypeError:
            parts = ()
        if len(parts) != 3:
            raise DataError("events must be ActivityEvents (features.events) or a (lead, type_code, age_days) triple; "
                            "pass aggregate_activities(...).events")
    lead = np.asarray(parts[0])
    type_code = np.asarray(parts[1])
    age = np.asarray(parts[2], dtype=np.float64)
    if not (lead.ndim == type_code.ndim == age.ndim == 1) or not (len(lead) == len(type_code) == len(age)):
        raise DataError("events: lead, type_code and age_days must be 1-d arrays of one length; "
                        "pass aggregate_activities(...).events")
    if isinstance(n_leads, bool) or int(n_leads) != n_leads or n_leads < 1:
        raise DataError(f"n_leads={n_leads!r} must be a positive whole number (rows of the lead table)")
    if isinstance(n_types, bool) or int(n_types) != n_types or n_types < 1:
        raise DataError(f"n_types={n_types!r} must be a positive whole number (activity types counted)")
    if len(lead):
        if not np.issubdtype(lead.dtype, np.integer) or lead.min() < 0 or lead.max() >= n_leads:
            raise DataError(f"events.lead must hold row positions 0..{int(n_leads) - 1}; "
                            "pass n_leads=len(features.frame) with the same features' events")
        if not np.issubdtype(type_code.dtype, np.integer) or type_code.min() < 0 or type_code.max() >= n_types:
            raise DataError(f"events.type_code must hold codes 0..{int(n_types) - 1}; "
                            "pass n_types=len(features.types) with the same features' events")
        if not np.isfinite(age).all() or age.min() < 0:
            bad = int((~np.isfinite(age) | (age < 0)).sum())
            raise DataError(f"events.age_days has {bad:,} negative or missing ages; ages are days before the as-of date "
                            "(>= 0): pass aggregate_activities(...).events, which drops activities after the as-of date")
    return lead.astype(np.int64, copy=False), type_code.astype(np.int64, copy=False), age


def _check_half_life(half_life_days: float, name: str = "half_life_days") -> float:
    value = float(half_life_days)
    if not value > 0:  # also catches NaN
        raise DataError(f"{name}={half_life_days!r} must be a positive number of days (math.inf for no decay)")
    return value


def _binary_outcome(y: Any, n: int, what: str = "y") -> np.ndarray:
    values = np.asarray(y)
    if values.ndim != 1 or len(values) != n:
        raise DataError(f"{what} has {values.size:,} values but there are {n:,} leads; pass one 0/1 outcome per lead")
    if values.dtype == bool:
        return values.astype(np.float64)
    try:
        number = values.astype(np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{what} must hold 0/1 (or True/False) outcomes; resolve the target first") from None
    if np.isnan(number).any() or not np.isin(number, (0.0, 1.0)).all():
        raise DataError(f"{what} must hold only 0 and 1 (customer) without missing values; "
                        "drop undecided leads before estimating")
    return number


# --------------------------------------------------------------------------- #
# Decayed counts
# --------------------------------------------------------------------------- #
def decayed_counts(events: Any, n_leads: int, n_types: int, half_life_days: float) -> np.ndarray:
    """Per lead and type, the sum of ``0.5 ** (age_days / H)`` over its events.

    Parameters
    ----------
    events : ActivityEvents or tuple
        ``features.events`` of :func:`calibrate.activity.aggregate_activities`,
        or a ``(lead, type_code, age_days)`` triple of arrays.
    n_leads : int
        Rows of the lead table.
    n_types : int
        Activity types (``len(features.types)``).
    half_life_days : float
        ``H``; ``math.inf`` gives raw counts.

    Returns
    -------
    numpy.ndarray
        ``float64`` of shape ``(n_leads, n_types)``.

    Examples
    --------
    >>> import numpy as np
    >>> events = (np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([0.0, 30.0, 60.0]))
    >>> decayed_counts(events, 3, 2, 30.0)
    array([[1.  , 0.5 ],
           [0.  , 0.25],
           [0.  , 0.  ]])
    """
    lead, type_code, age = _unpack(events, n_leads, n_types)
    half_life = _check_half_life(half_life_days)
    weights = np.ones(len(age)) if math.isinf(half_life) else np.exp2(-age / half_life)
    flat = np.bincount(lead * int(n_types) + type_code, weights=weights, minlength=int(n_leads) * int(n_types))
    return flat.reshape(int(n_leads), int(n_types))


# --------------------------------------------------------------------------- #
# Logistic fits
# --------------------------------------------------------------------------- #
def _mean_log_loss(eta: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, eta) - y * eta))


class _Fitter:
    """Logistic fits of y on decayed counts, cached per half-life."""

    def __init__(self, events: tuple[np.ndarray, np.ndarray, np.ndarray], n_leads: int, n_types: int,
                 y: np.ndarray, train: np.ndarray, *, full: bool = True) -> None:
        self.events, self.n_leads, self.n_types = events, n_leads, n_types
        self.y, self.train, self.test, self.full = y, train, ~train, full
        self.level = np.log1p(decayed_counts(events, n_leads, n_types, math.inf).sum(axis=1))
        self.cache: dict[float, tuple[float, float, np.ndarray]] = {}
        self.starts: dict[str, np.ndarray | None] = {"train": None, "all": None}

    def evaluate(self, half_life: float) -> tuple[float, float, np.ndarray]:
        """(held-out mean log-loss, all-leads deviance, all-leads coefficients)."""
        key = float(half_life)
        if key not in self.cache:
            counts = decayed_counts(self.events, self.n_leads, self.n_types, key)
            # The lasting activity level goes first, then the decayed per-type counts.
            counts = np.column_stack([self.level, counts])
            holdout, deviance, beta_all = math.nan, math.nan, np.zeros(self.n_types + 2)
            if self.test.any():
                beta_train = self._fit(counts, self.train, "train")
                holdout = _mean_log_loss(self._eta(counts[self.test], beta_train), self.y[self.test])
            if self.full:
                everyone = np.ones(self.n_leads, dtype=bool)
                beta_all = self._fit(counts, everyone, "all")
                deviance = 2.0 * self.n_leads * _mean_log_loss(self._eta(counts, beta_all), self.y)
            self.cache[key] = (holdout, deviance, beta_all)
        return self.cache[key]

    @staticmethod
    def _eta(counts: np.ndarray, beta: np.ndarray) -> np.ndarray:
        return beta[0] + counts @ beta[1:]

    def _fit(self, counts: np.ndarray, rows: np.ndarray, which: str) -> np.ndarray:
        """Maximum-likelihood intercept and per-type coefficients (0 for absent columns)."""
        import statsmodels.api as sm

        x = counts[rows]
        y = self.y[rows]
        scale = x.max(axis=0)
        used = scale > _NEGLIGIBLE
        design = np.column_stack([np.ones(len(x)), x[:, used] / scale[used]])
        start = self.starts[which]
        start_scaled = None
        if start is not None:
            start_scaled = np.concatenate([[start[0]], start[1:][used] * scale[used]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                # The design is full rank by construction (empty columns dropped): skip the QR rank check.
                model = sm.Logit(y, design, check_rank=False)
                result = model.fit(method="newton", start_params=start_scaled, disp=False, maxiter=100,
                                   warn_convergence=False)
                params = np.asarray(result.params, dtype=float)
                if not np.isfinite(params).all():
                    raise np.linalg.LinAlgError("non-finite coefficients")
            except (np.linalg.LinAlgError, ValueError):
                params = self._fallback(design, y)
        beta = np.zeros(x.shape[1] + 1)
        beta[0] = params[0]
        beta[1:][used] = params[1:] / scale[used]
        self.starts[which] = beta
        return beta

    @staticmethod
    def _fallback(design: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Nearly unpenalised logistic regression (C=1e4) when Newton's method fails (separation, collinearity)."""
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=1e4, fit_intercept=False, max_iter=2000, tol=1e-10)
        model.fit(design, y.astype(int))
        return model.coef_[0].astype(float)


def _train_mask(train: Any, y: np.ndarray, random_state: int) -> np.ndarray:
    n = len(y)
    if train is None:
        from sklearn.model_selection import train_test_split

        train_rows, _ = train_test_split(np.arange(n), test_size=0.25, stratify=y, random_state=random_state)
        mask = np.zeros(n, dtype=bool)
        mask[train_rows] = True
        return mask
    values = np.asarray(train)
    if values.dtype == bool:
        if values.shape != (n,):
            raise DataError(f"train has {values.size:,} flags but there are {n:,} leads; "
                            "pass one True/False per lead or the row positions of the training leads")
        return values.copy()
    if not np.issubdtype(values.dtype, np.integer) or values.ndim != 1 or (len(values) and
                                                                          (values.min() < 0 or values.max() >= n)):
        raise DataError(f"train must be a boolean mask of {n:,} leads or row positions 0..{n - 1}; "
                        "or leave it out for a stratified 75/25 split")
    mask = np.zeros(n, dtype=bool)
    mask[values] = True
    return mask


def _grid(grid: Sequence[float] | None) -> np.ndarray:
    if grid is None:
        low, high, points = _DEFAULT_GRID
        return np.geomspace(low, high, int(points))
    values = np.unique(np.asarray(grid, dtype=float))
    if len(values) < 3 or not np.isfinite(values).all() or values.min() <= 0:
        raise DataError("grid must hold at least 3 distinct positive, finite half-lives in days, "
                        "e.g. numpy.geomspace(1, 730, 30)")
    return values


def estimate_half_life(
    events: Any,
    n_leads: int,
    n_types: int,
    y: np.ndarray,
    *,
    train: np.ndarray | None = None,
    grid: Sequence[float] | None = None,
    random_state: int = 0,
    confidence: float = 0.95,
    folds: int = 5,
) -> HalfLifeEstimate:
    """Estimate the half-life of activity's predictive value for the outcome.

    For each half-life ``H`` of the grid, a logistic regression of ``y`` on
    an intercept and the per-type decayed counts (:func:`decayed_counts`,
    linear as in the model of the module docstring) is fitted on the
    training leads by maximum likelihood (statsmodels ``Logit``) and scored
    by its mean log-loss on the other leads: by default the leads are cut
    into ``folds`` stratified folds and each fold is scored by the fit on the
    others (cross-validation, so every lead is held out once and one lucky
    split cannot pick the half-life). The best grid point is refined
    by a bounded search on ``log(H)`` between its grid neighbours
    (``scipy.optimize.minimize_scalar``). The interval is the profile
    likelihood's: the half-lives whose all-leads deviance is within
    ``chi2(1).ppf(confidence)`` of its minimum, its ends found with
    ``scipy.optimize.brentq``.

    Parameters
    ----------
    events : ActivityEvents or tuple
        ``features.events`` or a ``(lead, type_code, age_days)`` triple.
    n_leads : int
        Leads (rows of the lead table).
    n_types : int
        Activity types.
    y : numpy.ndarray
        One 0/1 outcome per lead (1 = became a customer).
    train : numpy.ndarray, optional
        Boolean mask or row positions of the training leads; the others are
        the test leads. Default: ``folds``-fold cross-validation.
    grid : sequence of float, optional
        Half-lives tried, in days. Default: 30 geometric points from 1 to 730.
    random_state : int
        Seed of the folds.
    confidence : float
        Level of the profile-likelihood interval.
    folds : int
        Cross-validation folds when ``train`` is not given (at least 2).

    Returns
    -------
    HalfLifeEstimate

    Raises
    ------
    DataError
        No events, only one outcome class (overall, in training or in test),
        or inputs that do not match.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> n = 4000
    >>> lead = np.repeat(np.arange(n), rng.poisson(4, n))
    >>> age = rng.uniform(0, 180, len(lead))
    >>> logit = -2.5 + np.bincount(lead, weights=1.2 * 0.5 ** (age / 30), minlength=n)
    >>> y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    >>> est = estimate_half_life((lead, np.zeros(len(lead), dtype=int), age), n, 1, y)
    >>> 15 < est.half_life_days < 60, est.ci_low < 30 < est.ci_high
    (True, True)
    >>> est.holdout_log_loss < est.no_decay_log_loss
    True
    """
    lead, type_code, age = _unpack(events, n_leads, n_types)
    n_leads, n_types = int(n_leads), int(n_types)
    if len(lead) == 0:
        raise DataError("no activity events to estimate a half-life from; check that the activity log matches the "
                        "lead table's ids and that activities happen before the as-of dates")
    outcome = _binary_outcome(y, n_leads)
    if outcome.min() == outcome.max():
        only = "customers" if outcome[0] == 1 else "non-customers"
        raise DataError(f"all {n_leads:,} leads are {only}; a half-life needs both outcomes: include won and lost leads")
    if not 0 < confidence < 1:
        raise DataError(f"confidence={confidence!r} must be between 0 and 1, e.g. 0.95")
    if train is None:
        from sklearn.model_selection import StratifiedKFold

        if int(folds) < 2 or outcome.sum() < int(folds) or (1 - outcome).sum() < int(folds):
            raise DataError(f"folds={folds!r}: cross-validation needs at least 2 folds and as many customers and "
                            "non-customers as folds; pass fewer folds or more leads")
        splitter = StratifiedKFold(int(folds), shuffle=True, random_state=random_state)
        masks = []
        for train_rows, _ in splitter.split(np.zeros(n_leads), outcome):
            mask = np.zeros(n_leads, dtype=bool)
            mask[train_rows] = True
            masks.append(mask)
    else:
        masks = [_train_mask(train, outcome, random_state)]
    for mask in masks:
        for name, rows in (("training", mask), ("test", ~mask)):
            if rows.sum() == 0 or outcome[rows].min() == outcome[rows].max():
                raise DataError(f"the {name} leads hold only one outcome class; pass a train= split with customers "
                                "and non-customers on both sides, or more leads")
    half_lives = _grid(grid)
    triple = (lead, type_code, age)
    fitter = _Fitter(triple, n_leads, n_types, outcome, np.ones(n_leads, dtype=bool))
    fold_fitters = [_Fitter(triple, n_leads, n_types, outcome, mask, full=False) for mask in masks]

    def held_out(h: float) -> float:
        # Mean log-loss over every held-out lead (each fold weighted by its size).
        return sum(f.evaluate(h)[0] * f.test.sum() for f in fold_fitters) / sum(f.test.sum() for f in fold_fitters)

    table = np.array([(held_out(h), fitter.evaluate(h)[1]) for h in half_lives])  # a few dozen grid points
    holdout, deviance = table[:, 0], table[:, 1]
    best = _refine(held_out, half_lives, holdout)
    mle = _refine(lambda h: fitter.evaluate(h)[1], half_lives, deviance)
    deviance_min = fitter.evaluate(mle)[1]
    threshold = deviance_min + float(sps.chi2.ppf(confidence, df=1))
    ci_low = _profile_end(fitter, half_lives, deviance, mle, threshold, side=-1)
    ci_high = _profile_end(fitter, half_lives, deviance, mle, threshold, side=+1)
    no_decay = held_out(math.inf)
    holdout_best = held_out(best)
    coefficients = fitter.evaluate(best)[2]

    if len(masks) > 1:
        split = f"{len(masks)}-fold cross-validation over {n_leads:,} leads"
    else:
        n_train = int(masks[0].sum())
        split = f"trained on {n_train:,} leads, tested on {n_leads - n_train:,}"
    method = (
        f"half-life H with the lowest held-out log-loss of a logistic regression on per-type activity counts "
        f"decayed by 0.5**(age/H) and the lasting activity level log(1 + activities) ({len(half_lives)}-point grid {half_lives[0]:g}-{half_lives[-1]:g} days, refined; "
        f"{split}); {confidence:.0%} profile-likelihood interval on all {n_leads:,} leads"
    )
    profile = pd.DataFrame({"half_life_days": half_lives, "holdout_log_loss": holdout, "deviance": deviance})
    return HalfLifeEstimate(
        half_life_days=float(best),
        ci_low=ci_low,
        ci_high=ci_high,
        profile=profile,
        holdout_log_loss=float(holdout_best),
        no_decay_log_loss=float(no_decay),
        n_leads=n_leads,
        n_events=len(lead),
        method=method,
        confidence=float(confidence),
        deviance_half_life_days=float(mle),
        coefficients=coefficients,
    )


def _refine(objective: Any, grid: np.ndarray, values: np.ndarray) -> float:
    """Minimise ``objective`` on log(H) between the grid neighbours of the best grid point."""
    i = int(np.argmin(values))
    low, high = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    found = optimize.minimize_scalar(lambda log_h: objective(math.exp(log_h)), bounds=(math.log(low), math.log(high)),
                                     method="bounded", options={"xatol": 1e-3})
    candidate = math.exp(float(found.x))
    return candidate if objective(candidate) < values[i] else float(grid[i])


def _profile_end(fitter: _Fitter, grid: np.ndarray, deviance: np.ndarray, mle: float, threshold: float,
                 side: int) -> float | None:
    """Where the deviance crosses ``threshold`` below (side -1) or above (+1) the minimum; None if not in the grid."""
    beyond = np.flatnonzero(grid < mle)[::-1] if side < 0 else np.flatnonzero(grid > mle)
    crossing = next((j for j in beyond if deviance[j] > threshold), None)
    if crossing is None:
        return None
    inner = grid[crossing - side] if 0 <= crossing - side < len(grid) else mle
    inner = inner if (inner - mle) * side > 0 and fitter.evaluate(inner)[1] <= threshold else mle
    root = optimize.brentq(lambda log_h: fitter.evaluate(math.exp(log_h))[1] - threshold,
                           *sorted((math.log(inner), math.log(grid[crossing]))), xtol=1e-4)
    return float(math.exp(root))


# --------------------------------------------------------------------------- #
# Descriptive curve and CRM rules
# --------------------------------------------------------------------------- #
def decay_curve(
    days_since_last: np.ndarray,
    y: np.ndarray,
    *,
    edges: Sequence[float] = DEFAULT_EDGES,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Close rate by days since the lead's last activity.

    Parameters
    ----------
    days_since_last : numpy.ndarray
        Per lead, days from the last activity to the as-of date
        (``activity.days_since_last``); NaN for leads without activity.
    y : numpy.ndarray
        One 0/1 outcome per lead.
    edges : sequence of float
        Ascending bucket starts; the first must be 0 (or less), the last
        bucket is open-ended (``"365+"``).
    confidence : float
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per bucket (``"0-6"``, ``"7-13"``, ..., ``"365+"``) and a last
        row ``"no activity"``, every bucket listed even when empty: columns
        ``days``, ``leads``, ``customers``, ``close_rate``, ``ci_low``,
        ``ci_high`` (Wilson) and ``lift`` (close rate over the overall rate).

    Examples
    --------
    >>> import numpy as np
    >>> curve = decay_curve(np.array([0, 3, 8, 40, 400, np.nan]), np.array([1, 1, 0, 1, 0, 0]),
    ...                     edges=(0, 7, 30, 365))
    >>> curve[["days", "leads", "customers", "close_rate", "lift"]]
              days  leads  customers  close_rate  lift
    0          0-6      2          2         1.0   2.0
    1         7-29      1          0         0.0   0.0
    2       30-364      1          1         1.0   2.0
    3         365+      1          0         0.0   0.0
    4  no activity      1          0         0.0   0.0
    """
    days = np.asarray(days_since_last, dtype=np.float64)
    outcome = _binary_outcome(y, len(days))
    bounds = np.asarray(edges, dtype=np.float64)
    if bounds.ndim != 1 or len(bounds) == 0 or not np.isfinite(bounds).all() or (np.diff(bounds) <= 0).any():
        raise DataError(f"edges={tuple(edges)!r} must be ascending finite day counts starting at 0, e.g. {DEFAULT_EDGES}")
    known = ~np.isnan(days)
    if (days[known] < bounds[0]).any():
        raise DataError(f"days_since_last has {int((days[known] < bounds[0]).sum()):,} values below the first edge "
                        f"{bounds[0]:g}; days since the last activity cannot be negative: start edges at 0")
    if not 0 < confidence < 1:
        raise DataError(f"confidence={confidence!r} must be between 0 and 1, e.g. 0.95")
    bucket = np.full(len(days), len(bounds), dtype=np.int64)  # last bucket: no activity
    bucket[known] = np.searchsorted(bounds, days[known], side="right") - 1
    leads = np.bincount(bucket, minlength=len(bounds) + 1)
    customers = np.bincount(bucket, weights=outcome, minlength=len(bounds) + 1).round().astype(np.int64)
    low, high = wilson_interval(customers, leads, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(leads > 0, customers / np.maximum(leads, 1), np.nan)
    overall = outcome.mean() if len(outcome) else np.nan
    labels = [_bucket_label(bounds, i) for i in range(len(bounds))] + ["no activity"]
    return pd.DataFrame({
        "days": labels,
        "leads": leads.astype(np.int64),
        "customers": customers,
        "close_rate": rate,
        "ci_low": low,
        "ci_high": high,
        "lift": rate / overall if overall > 0 else np.full(len(rate), np.nan),
    })


def _number(value: float) -> str:
    return f"{value:g}"


def _bucket_label(bounds: np.ndarray, i: int) -> str:
    if i == len(bounds) - 1:
        return f"{_number(bounds[i])}+"
    start, end = bounds[i], bounds[i + 1]
    if float(start).is_integer() and float(end).is_integer():
        return f"{_number(start)}-{_number(end - 1)}"
    return f"{_number(start)}-<{_number(end)}"


def step_rules(bin_edges: Sequence[float], bin_points: Sequence[int]) -> list[dict[str, Any]]:
    """Turn points per "days since last activity" bin into add/subtract steps for a CRM.

    Some CRMs can only add or subtract points once a lead has been inactive
    for N days. Starting from ``bin_points[0]`` (the points of the first bin,
    which starts at 0 days), each rule adds the difference to the next bin's
    points at the day that bin starts, so the running total after each step
    equals that bin's points.

    Parameters
    ----------
    bin_edges : sequence of float
        Ascending bin edges starting at 0: either each bin's start (one per
        bin, the last bin open-ended) or the starts plus the last bin's end.
    bin_points : sequence of int
        Points of each bin.

    Returns
    -------
    list of dict
        ``{"inactive_days": edge, "add_points": points[i] - points[i - 1]}``
        for each interior edge (an edge that is a whole number comes back as
        ``int``).

    Raises
    ------
    DataError
        Edges not ascending, not starting at 0, or not matching the points.

    Examples
    --------
    >>> rules = step_rules([0, 7, 30, 90], [10, 6, 2, 0])
    >>> rules
    [{'inactive_days': 7, 'add_points': -4}, {'inactive_days': 30, 'add_points': -4}, {'inactive_days': 90, 'add_points': -2}]
    >>> 10 + sum(rule["add_points"] for rule in rules)
    0
    >>> step_rules([0, 14, float("inf")], [5, 0])
    [{'inactive_days': 14, 'add_points': -5}]
    """
    edges = [float(e) for e in bin_edges]
    points = list(bin_points)
    if len(points) == 0 or len(edges) not in (len(points), len(points) + 1):
        raise DataError(f"step_rules needs one edge per bin (or one more, the last bin's end): got {len(edges)} edges "
                        f"for {len(points)} bins")
    if edges[0] != 0 or any(b <= a for a, b in pairwise(edges)) or any(math.isnan(e) for e in edges):
        raise DataError(f"bin_edges {tuple(bin_edges)!r} must ascend strictly from 0 (days since the last activity)")
    rules = []
    for i in range(1, len(points)):  # one rule per bin: a handful
        edge = edges[i]
        if math.isinf(edge):
            raise DataError(f"bin_edges {tuple(bin_edges)!r}: only the last edge may be infinite")
        step = points[i] - points[i - 1]
        rules.append({"inactive_days": int(edge) if edge.is_integer() else edge,
                      "add_points": int(step) if float(step).is_integer() else step})
    return rules


def decay_multiplier(half_life_days: float, period_days: float) -> float:
    """Factor to multiply engagement points by every period: ``0.5 ** (period_days / half_life_days)``.

    For CRMs that decay points by multiplying them on a schedule (e.g. weekly
    by 0.85), multiply engagement points by this every ``period_days`` days:
    after ``half_life_days`` days they are worth half.

    Parameters
    ----------
    half_life_days : float
        Half-life in days (``math.inf``: no decay, factor 1).
    period_days : float
        Days between two multiplications.

    Returns
    -------
    float

    Examples
    --------
    >>> decay_multiplier(30, 30)
    0.5
    >>> round(decay_multiplier(45, 7), 3)
    0.898
    """
    half_life = _check_half_life(half_life_days)
    period = float(period_days)
    if not period > 0 or math.isinf(period):
        raise DataError(f"period_days={period_days!r} must be a positive number of days, e.g. 7 for weekly")
    return float(0.5 ** (period / half_life))
