"""From per-level evidence to integer points: the points pipeline of a fit.

Notes
-----
``lift``: ``points_per_lift × (lift − 1)`` where the level's q-value is below
alpha, else 0, with ``lift = close_rate / baseline``: a value closing at twice
the baseline earns ``points_per_lift``, one that never closes loses it. The
default, 50, gives the sales-ready threshold of 100 a plain reading: one value
closing at three times the baseline makes a lead sales-ready on its own.
``log_odds`` and ``logistic``: ``points_to_double_odds / ln 2`` times the log
odds ratio (against the baseline) or the regression coefficient.

Steps, in order: method (float points per level) → monotone bins where asked →
per-attribute caps → threshold rule (rescale so the rule's threshold lands on
the sales-ready score) → integer rounding that keeps the ranking of leads.
Every step works on points per level code (one small array per attribute),
never on rows, except the rounding and threshold steps, which score the
training leads with vectorised lookups.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from calibrate.attributes import CategoricalSpec
>>> from calibrate.counting import count_levels
>>> from calibrate.stats import level_statistics
>>> from calibrate.fitting import PointsSettings, derive_points
>>> spec = CategoricalSpec("demo", levels=["Yes", "No"])
>>> frame = pd.DataFrame({"demo": ["Yes"] * 100 + ["No"] * 900})
>>> y = np.r_[np.ones(40), np.zeros(60), np.ones(60), np.zeros(840)].astype(int)
>>> counts, codes = count_levels(frame, [spec], y)
>>> stats = level_statistics(counts[["leads", "customers"]])
>>> result = derive_points([spec], codes, y, stats, PointsSettings(method="lift"))
>>> result.points["demo"].tolist()[:2]
[150, -17]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from calibrate.attributes import AttributeSpec, NumericSpec
from calibrate.grading import place_threshold, rescale_to_threshold
from calibrate.methods import (
    apply_caps,
    fit_logistic,
    log_odds_points,
    logistic_points,
    monotone_points,
    round_points,
    shrink_rates,
)

__all__ = ["PointsSettings", "PointsResult", "derive_points", "resolve_shrinkage", "scores_from_points"]


@dataclass(frozen=True)
class PointsSettings:
    """Parameters of the points pipeline (see :class:`calibrate.Calibrator`)."""

    method: str = "lift"
    alpha: float = 0.05
    points_per_lift: float = 50.0
    points_to_double_odds: float = 40.0
    C: float = 1.0
    shrinkage: str = "none"
    pseudo_count: float = 20.0
    monotone: Sequence[str] = ()
    attribute_cap: int | None = None
    threshold: int = 100
    threshold_rule: str = "fixed"
    threshold_value: float | None = None
    leads_per_period: float | None = None
    rounding: str = "nearest"


@dataclass
class PointsResult:
    """Integer points per level code of every attribute, and how they were made."""

    base: int
    points: dict[str, np.ndarray]
    raw_points: dict[str, np.ndarray]
    shrunk_rate: pd.Series
    shrinkage: dict[str, Any]
    threshold_rule: dict[str, Any]
    rounding: dict[str, Any] = field(default_factory=dict)
    logistic: dict[str, Any] | None = None


def resolve_shrinkage(shrinkage: str, method: str) -> str:
    """``"auto"``: none for ``lift`` (the classic rule) and ``logistic`` (regularised), beta-binomial for ``log_odds``.

    Examples
    --------
    >>> resolve_shrinkage("auto", "log_odds"), resolve_shrinkage("auto", "lift")
    ('beta_binomial', 'none')
    """
    if shrinkage != "auto":
        return shrinkage
    return "beta_binomial" if method == "log_odds" else "none"


def scores_from_points(points: Mapping[str, np.ndarray], codes: Mapping[str, np.ndarray], base: float = 0.0) -> np.ndarray:
    """Total score of every row: base plus each attribute's points at the row's level code.

    Codes index the points (``0 <= code < len(points[name])``), as :func:`calibrate.counting.encode_all` gives.

    Examples
    --------
    >>> import numpy as np
    >>> scores_from_points({"a": np.array([10.0, -5.0])}, {"a": np.array([0, 1, 1])}, base=1.0).tolist()
    [11.0, -4.0, -4.0]
    """
    n = len(next(iter(codes.values()))) if codes else 0
    total = np.full(n, float(base))
    looked_up = np.empty(n)  # one buffer for every attribute: new memory costs page faults
    for name, per_code in points.items():
        table, level_codes = np.asarray(per_code, dtype=float), np.asarray(codes[name])
        if n and (level_codes.min() < 0 or level_codes.max() >= len(table)):
            raise ValueError(f"level codes of {name!r} must lie in [0, {len(table)}), the points' levels")
        total += np.take(table, level_codes, out=looked_up, mode="clip")  # checked above: nothing is clipped
    return total


def _per_code(specs: Sequence[AttributeSpec], by_level: pd.Series) -> dict[str, np.ndarray]:
    """Each attribute's values of ``by_level`` (indexed by attribute and level) per level code, 0 where absent or NaN."""
    # One dict for every level: an index built per attribute costs more than the lookups.
    lookup = dict(zip(by_level.index, by_level.to_numpy(dtype=float), strict=True))
    out = {}
    for spec in specs:
        values = np.array([lookup.get((spec.name, label), np.nan) for label in spec.level_labels], dtype=float)
        out[spec.name] = np.where(np.isnan(values), 0.0, values)
    return out


def _univariate_points(stats: pd.DataFrame, settings: PointsSettings, rate_column: str) -> pd.Series:
    if settings.method == "lift":
        base = stats["customers"].groupby(level=0).sum().iloc[0] / stats["leads"].groupby(level=0).sum().iloc[0]
        lift = stats[rate_column].to_numpy(dtype=float) / base
        raw = settings.points_per_lift * (lift - 1.0)
        significant = (stats["q_value"] < settings.alpha).to_numpy()
        return pd.Series(np.where(significant, raw, 0.0), index=stats.index)
    return log_odds_points(stats, alpha=settings.alpha, points_to_double_odds=settings.points_to_double_odds,
                           rate_column=rate_column)


def derive_points(specs: Sequence[AttributeSpec], codes: Mapping[str, np.ndarray], y: np.ndarray,
                  stats: pd.DataFrame, settings: PointsSettings, row_keys: np.ndarray | None = None) -> PointsResult:
    """Run the points pipeline on the training leads.

    Parameters
    ----------
    specs : sequence of AttributeSpec
        The attributes scored.
    codes : mapping
        Level codes of every training row, per attribute.
    y : numpy.ndarray
        0/1 outcome of every training row.
    stats : pandas.DataFrame
        :func:`calibrate.stats.level_statistics` of the same leads.
    settings : PointsSettings
    row_keys : numpy.ndarray, optional
        A content hash of each training row: the rank-preserving rounding of
        a large table then uses the same rows whatever their order.

    Returns
    -------
    PointsResult
    """
    shrunk, prior = shrink_rates(stats["customers"].to_numpy(), stats["leads"].to_numpy(),
                                 method=settings.shrinkage, pseudo_count=settings.pseudo_count)
    shrunk_rate = pd.Series(shrunk, index=stats.index, name="shrunk_rate")
    rate_column = "close_rate" if settings.shrinkage == "none" else "shrunk_rate"
    logistic_info = None
    if settings.method == "logistic":
        n_levels = {spec.name: len(spec.level_labels) for spec in specs}
        fit = fit_logistic({s.name: codes[s.name] for s in specs}, n_levels, y, C=settings.C)
        base_raw, points = logistic_points(fit, points_to_double_odds=settings.points_to_double_odds)
        # Score 0 reads as the baseline odds: the intercept is taken relative to the overall close rate.
        rate = float(np.mean(y))
        base = base_raw - settings.points_to_double_odds / math.log(2) * math.log(rate / (1 - rate))
        logistic_info = {"intercept": fit.intercept, "n_iter": fit.n_iter, "converged": fit.converged}
    else:
        with_rates = stats.assign(shrunk_rate=shrunk_rate)
        points = _per_code(specs, _univariate_points(with_rates, settings, rate_column))
        base = 0.0
    points = {name: np.array(p, dtype=float) for name, p in points.items()}  # writable copies
    raw_points = {name: p.copy() for name, p in points.items()}

    leads_by_level = stats["leads"]
    for spec in specs:
        if spec.name in settings.monotone and isinstance(spec, NumericSpec):
            n_bins = len(spec.edges) + 1
            index = pd.MultiIndex.from_arrays([[spec.name] * n_bins, spec.level_labels[:n_bins]])
            weights = leads_by_level.reindex(index).fillna(0).to_numpy(dtype=float)
            points[spec.name][:n_bins] = monotone_points(points[spec.name][:n_bins], weights)
    if settings.attribute_cap is not None:
        points = apply_caps(points, attribute_cap=settings.attribute_cap)

    rule_info: dict[str, Any] = {"rule": settings.threshold_rule,
                                 "value": settings.threshold_value if settings.threshold_rule != "fixed"
                                 else settings.threshold}
    if settings.threshold_rule != "fixed":
        raw_scores = scores_from_points(points, codes, base)
        placed = place_threshold(raw_scores, y, rule=settings.threshold_rule, value=float(settings.threshold_value),
                                 leads_per_period=settings.leads_per_period)
        points, base, factor = rescale_to_threshold(points, base, placed["threshold"], target=settings.threshold)
        rule_info.update({"leads_per_period": settings.leads_per_period, "reached": bool(placed["reached"]),
                          "scale_factor": float(factor)})

    if settings.rounding == "rank":
        int_base, int_points, rounding = round_points(points, codes, base=base, row_keys=row_keys)
        rounding = {k: rounding[k] for k in ("rank_correlation_before", "rank_correlation_after")} | {
            "changed_levels": len(rounding["changed_levels"])}
    else:
        int_base = int(np.round(base))
        int_points = {name: np.round(p).astype(np.int64) for name, p in points.items()}
        rounding = {}
    return PointsResult(base=int(int_base), points={k: np.asarray(v, dtype=np.int64) for k, v in int_points.items()},
                        raw_points=raw_points, shrunk_rate=shrunk_rate, shrinkage=prior, threshold_rule=rule_info,
                        rounding=rounding, logistic=logistic_info)
