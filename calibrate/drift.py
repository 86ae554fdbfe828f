"""Drift between two periods (then vs now): the statistics of a quarterly review.

Pure functions over counts (leads and customers per attribute level or score
band), vectorised, no I/O. Every table is a tidy :class:`pandas.DataFrame`
with stable snake_case columns. Differences are always *now minus then*.

Notes
-----
* Population stability index (PSI) of a distribution over bins:
  ``sum((a_i - e_i) * ln(a_i / e_i))`` where ``e_i`` and ``a_i`` are the
  shares of bin ``i`` then (expected) and now (actual). When any count on
  either side is zero the logarithm is undefined, so ``epsilon`` (0.5 by
  default, the pseudo-count :func:`calibrate.stats.information_value` uses)
  is added to every count of both sides before taking shares. Reading (the
  usual industry rule, Siddiqi, *Credit Risk Scorecards*, 2006; see also
  Yurdakul, *Statistical properties of the population stability index*,
  2018): below 0.10 stable, 0.10 to 0.25 a moderate shift, above 0.25 a
  major shift.
* Close rate then vs now of one level: the two periods are independent
  samples of leads. Two-sided test of equal rates: Pearson's chi-square test
  of the 2x2 table without continuity correction (the score test of
  ``statsmodels.stats.proportion.test_proportions_2indep(method="score",
  compare="diff", correction=False)``; R's ``prop.test(correct = FALSE)``),
  or Fisher's exact test (``scipy.stats.fisher_exact``; R's ``fisher.test``)
  when an expected cell count is below 5 (Cochran's rule). Interval of the
  difference: Newcombe's hybrid Wilson score interval (Newcombe,
  *Statistics in Medicine* 17, 1998, method 10;
  ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``),
  which is vectorised and stays inside [-1, 1] with zero counts.
* Many levels at once: q-values by ``statsmodels.stats.multitest.multipletests``
  (Benjamini–Hochberg by default), through :func:`calibrate.stats.adjust_pvalues`.
* AUC then vs now: the two AUCs come from disjoint sets of leads, so they
  are independent and ``z = (auc_now - auc_then) / sqrt(se_then² + se_now²)``
  with a two-sided normal p-value (DeLong's paired test does not apply).
* Calibration now: for each score band, the exact binomial test
  (``scipy.stats.binomtest``; R's ``binom.test``) of the customers now
  against the close rate expected from then, the Wilson interval of the rate
  observed now and Benjamini–Hochberg q-values across bands.

Examples
--------
>>> import numpy as np
>>> from calibrate.drift import population_stability_index, psi_reading
>>> psi = population_stability_index(np.array([500, 300, 200]), np.array([400, 300, 300]))
>>> round(psi, 4), psi_reading(psi)
(0.0629, 'stable')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats import proportion as smp

from calibrate.errors import DataError
from calibrate.stats import MIN_EXPECTED, adjust_pvalues, wilson_interval

__all__ = [
    "PSI_MODERATE",
    "PSI_MAJOR",
    "population_stability_index",
    "psi_reading",
    "psi_table",
    "rate_changes",
    "significance_changes",
    "auc_change",
    "calibration_check",
    "proportion_change",
]

#: PSI at or above this reads as a moderate shift (below: stable).
PSI_MODERATE = 0.10
#: PSI above this reads as a major shift.
PSI_MAJOR = 0.25


# ---------------------------------------------------------------------- helpers

def _counts_frame(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """``frame`` restricted to integer ``columns``, indexed by (attribute, level)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{name} lacks column(s) {missing}; pass counts indexed by (attribute, level) "
                        f"with columns {list(columns)}")
    if frame.index.nlevels != 2:
        raise DataError(f"{name} must be indexed by (attribute, level), got an index with "
                        f"{frame.index.nlevels} level(s); use set_index(['attribute', 'level'])")
    if frame.index.has_duplicates:
        raise DataError(f"{name} has duplicated (attribute, level) rows; aggregate them first")
    out = frame.loc[:, list(columns)]
    values = out.to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any() or (values != np.round(values)).any():
        raise DataError(f"{name} counts {list(columns)} must be non-negative whole numbers")
    if "customers" in columns and (out["customers"].to_numpy() > out["leads"].to_numpy()).any():
        raise DataError(f"{name} has levels with more customers than leads")
    return out.astype(np.int64)


def _two_proportions(x_then: np.ndarray, n_then: np.ndarray, x_now: np.ndarray, n_now: np.ndarray, *,
                     confidence: float = 0.95, min_expected: float = MIN_EXPECTED) -> dict[str, np.ndarray]:
    """Rates, difference (now - then), Newcombe interval and p-value per pair; all ``n`` > 0."""
    x1, n1 = np.asarray(x_now, dtype=np.int64), np.asarray(n_now, dtype=np.int64)
    x2, n2 = np.asarray(x_then, dtype=np.int64), np.asarray(n_then, dtype=np.int64)
    rate_now, rate_then = x1 / n1, x2 / n2
    low, high = np.full(n1.shape, np.nan), np.full(n1.shape, np.nan)
    p = np.full(n1.shape, np.nan)
    tests = np.full(n1.shape, "none", dtype=object)
    if n1.size:
        low_, high_ = smp.confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff",
                                                     alpha=1 - confidence)
        low[:], high[:] = np.clip(low_, -1.0, 1.0), np.clip(high_, -1.0, 1.0)
        pooled = (x1 + x2) / (n1 + n2)
        expected = np.stack([n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)])
        small = expected.min(axis=0) < min_expected
        large = ~small
        if large.any():
            with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels also forms ratios we ignore
                result = smp.test_proportions_2indep(x1[large], n1[large], x2[large], n2[large],
                                                     method="score", compare="diff", correction=False)
            p[large] = np.asarray(result.pvalue, dtype=float)
            tests[large] = "chi2"
        for i in np.flatnonzero(small):  # only the small pairs, each an exact enumeration
            p[i] = sps.fisher_exact([[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]]).pvalue
            tests[i] = "fisher"
    return {"rate_then": rate_then, "rate_now": rate_now, "diff": rate_now - rate_then,
            "diff_ci_low": low, "diff_ci_high": high, "p_value": p, "test": tests.astype(str)}


# ---------------------------------------------------------------------- PSI

def population_stability_index(expected: np.ndarray, actual: np.ndarray, *, epsilon: float = 0.5) -> float:
    """Population stability index between two distributions over the same bins.

    Parameters
    ----------
    expected : numpy.ndarray
        Counts per bin then (the reference distribution).
    actual : numpy.ndarray
        Counts per bin now, in the same bin order.
    epsilon : float
        Pseudo-count added to *every* count of both sides when any count is
        zero (a share of zero makes the logarithm undefined). Without zeros
        the counts are used as they are.

    Returns
    -------
    float
        ``sum((a_i - e_i) * ln(a_i / e_i))`` over bin shares ``e_i`` then and
        ``a_i`` now; 0 for identical shares, symmetric in the two sides.

    Raises
    ------
    DataError
        Different numbers of bins, negative counts, or a side with no counts.

    Examples
    --------
    >>> import numpy as np
    >>> round(population_stability_index(np.array([50, 30, 20]), np.array([20, 30, 50])), 4)
    0.5498
    >>> population_stability_index(np.array([10, 20]), np.array([20, 40]))
    0.0
    >>> round(population_stability_index(np.array([10, 0]), np.array([10, 10])), 4)
    1.3839
    """
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.ndim != 1 or e.shape != a.shape:
        raise DataError(f"expected and actual must be counts over the same bins, got shapes {e.shape} and {a.shape}")
    if np.isnan(e).any() or np.isnan(a).any() or (e < 0).any() or (a < 0).any():
        raise DataError("counts must be non-negative numbers")
    if e.sum() == 0 or a.sum() == 0:
        raise DataError("each side needs at least one count to form shares")
    if epsilon < 0:
        raise ValueError(f"epsilon must be non-negative, got {epsilon!r}")
    if ((e == 0) | (a == 0)).any():
        e, a = e + epsilon, a + epsilon
    e_share, a_share = e / e.sum(), a / a.sum()
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))


def psi_reading(psi: float) -> str:
    """Conventional reading of a PSI value.

    Below 0.10 ``"stable"``, from 0.10 to 0.25 (both included)
    ``"moderate shift"``, above 0.25 ``"major shift"``: the rule of thumb of
    credit-scorecard monitoring (Siddiqi, *Credit Risk Scorecards*, 2006).
    NaN reads ``"undefined"``.

    Examples
    --------
    >>> [psi_reading(v) for v in (0.02, 0.10, 0.25, 0.4)]
    ['stable', 'moderate shift', 'moderate shift', 'major shift']
    """
    if psi is None or math.isnan(psi):
        return "undefined"
    if psi < PSI_MODERATE:
        return "stable"
    if psi <= PSI_MAJOR:
        return "moderate shift"
    return "major shift"


def psi_table(then: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """PSI of every attribute's level distribution, then vs now.

    Parameters
    ----------
    then, now : pandas.DataFrame
        Indexed by ``(attribute, level)`` with an integer ``leads`` column.
        A level missing on one side counts 0 leads there; levels with no
        leads on either side are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per attribute (in order of first appearance, ``then`` first),
        columns ``attribute``, ``psi``, ``reading``, ``new_levels`` (levels
        with leads now but none then) and ``gone_levels`` (leads then, none
        now), the last two lists in index order. The PSI uses
        :func:`population_stability_index` with its default ``epsilon``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = lambda pairs: pd.MultiIndex.from_tuples(pairs, names=["attribute", "level"])
    >>> then = pd.DataFrame({"leads": [500, 500, 300]},
    ...                     index=idx([("source", "web"), ("source", "fair"), ("source", "call")]))
    >>> now = pd.DataFrame({"leads": [700, 400, 20]},
    ...                    index=idx([("source", "web"), ("source", "fair"), ("source", "ads")]))
    >>> row = psi_table(then, now).iloc[0]
    >>> row["reading"], row["new_levels"], row["gone_levels"]
    ('major shift', ['ads'], ['call'])
    """
    t = _counts_frame(then, ("leads",), "then")["leads"].rename("then")
    n = _counts_frame(now, ("leads",), "now")["leads"].rename("now")
    both = pd.concat([t, n], axis=1, join="outer", sort=False).fillna(0).astype(np.int64)
    both = both[(both["then"] > 0) | (both["now"] > 0)]
    rows = []
    for attribute, group in both.groupby(level=0, sort=False):
        levels = group.index.get_level_values(1)
        counts_then, counts_now = group["then"].to_numpy(), group["now"].to_numpy()
        if counts_then.sum() > 0 and counts_now.sum() > 0:
            psi = population_stability_index(counts_then, counts_now)
        else:
            psi = math.nan
        rows.append({"attribute": attribute, "psi": psi, "reading": psi_reading(psi),
                     "new_levels": list(levels[(counts_then == 0) & (counts_now > 0)]),
                     "gone_levels": list(levels[(counts_then > 0) & (counts_now == 0)])})
    return pd.DataFrame(rows, columns=["attribute", "psi", "reading", "new_levels", "gone_levels"])


# ---------------------------------------------------------------------- close rates

def rate_changes(then: pd.DataFrame, now: pd.DataFrame, *, alpha: float = 0.05, correction: str = "fdr_bh",
                 confidence: float = 0.95) -> pd.DataFrame:
    """Test every level's close rate for a change between two periods.

    Parameters
    ----------
    then, now : pandas.DataFrame
        Indexed by ``(attribute, level)`` with integer columns ``leads`` and
        ``customers``. Only levels with leads on both sides are tested
        (:func:`psi_table` reports new and gone levels).
    alpha : float
        A level is ``changed`` when its q-value is below ``alpha``.
    correction : str
        Multiple-testing correction across all tested levels of all
        attributes (:data:`calibrate.stats.CORRECTIONS`).
    confidence : float
        Level of the interval of the difference.

    Returns
    -------
    pandas.DataFrame
        One row per tested level, in the order of ``then``: ``attribute``,
        ``level``, ``leads_then``, ``customers_then``, ``rate_then``,
        ``leads_now``, ``customers_now``, ``rate_now``, ``diff``
        (``rate_now - rate_then``), ``diff_ci_low``, ``diff_ci_high``
        (Newcombe's hybrid score interval), ``p_value`` (two-sided),
        ``test`` (``"chi2"``, or ``"fisher"`` when an expected cell count of
        the 2x2 table is below 5), ``q_value``, ``changed``.

    Notes
    -----
    The chi-square p-values come from one vectorised call of
    ``test_proportions_2indep``; only the small levels loop, through
    ``scipy.stats.fisher_exact``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("source", "web"), ("source", "fair"), ("source", "call")],
    ...                                 names=["attribute", "level"])
    >>> then = pd.DataFrame({"leads": [4000, 3000, 30], "customers": [400, 300, 3]}, index=idx)
    >>> now = pd.DataFrame({"leads": [4000, 3000, 25], "customers": [560, 310, 2]}, index=idx)
    >>> out = rate_changes(then, now)
    >>> out[["level", "test", "changed"]].values.tolist()
    [['web', 'chi2', True], ['fair', 'chi2', False], ['call', 'fisher', False]]
    >>> round(float(out["diff"].iloc[0]), 3)
    0.04
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    t = _counts_frame(then, ("leads", "customers"), "then")
    n = _counts_frame(now, ("leads", "customers"), "now")
    both = t.add_suffix("_then").join(n.add_suffix("_now"), how="inner", sort=False)
    both = both[(both["leads_then"] > 0) & (both["leads_now"] > 0)]
    stats = _two_proportions(both["customers_then"].to_numpy(), both["leads_then"].to_numpy(),
                             both["customers_now"].to_numpy(), both["leads_now"].to_numpy(), confidence=confidence)
    q = adjust_pvalues(stats["p_value"], correction)
    return pd.DataFrame({
        "attribute": both.index.get_level_values(0).to_numpy(),
        "level": both.index.get_level_values(1).to_numpy(),
        "leads_then": both["leads_then"].to_numpy(), "customers_then": both["customers_then"].to_numpy(),
        "rate_then": stats["rate_then"],
        "leads_now": both["leads_now"].to_numpy(), "customers_now": both["customers_now"].to_numpy(),
        "rate_now": stats["rate_now"],
        "diff": stats["diff"], "diff_ci_low": stats["diff_ci_low"], "diff_ci_high": stats["diff_ci_high"],
        "p_value": stats["p_value"], "test": stats["test"], "q_value": q,
        "changed": np.nan_to_num(q, nan=1.0) < alpha,
    })


def proportion_change(customers_then: int, leads_then: int, customers_now: int, leads_now: int, *,
                      confidence: float = 0.95) -> dict[str, Any]:
    """Compare one close rate then vs now (e.g. the rate above the threshold).

    The same test and interval as :func:`rate_changes`, for a single pair.

    Returns
    -------
    dict
        ``rate_then``, ``rate_now``, ``diff`` (now - then), ``diff_ci_low``,
        ``diff_ci_high``, ``p_value`` (two-sided), ``test`` (``"chi2"`` or
        ``"fisher"``).

    Raises
    ------
    DataError
        A side without leads, or more customers than leads.

    Examples
    --------
    >>> r = proportion_change(300, 1000, 380, 1000)
    >>> round(r["diff"], 2), r["test"], r["p_value"] < 0.001
    (0.08, 'chi2', True)
    """
    for name, x, n in (("then", customers_then, leads_then), ("now", customers_now, leads_now)):
        if n <= 0 or x < 0 or x > n:
            raise DataError(f"{name}: need leads > 0 and 0 <= customers <= leads, got {x} of {n}")
    stats = _two_proportions(np.array([customers_then]), np.array([leads_then]),
                             np.array([customers_now]), np.array([leads_now]), confidence=confidence)
    out: dict[str, Any] = {key: float(value[0]) for key, value in stats.items() if key != "test"}
    out["test"] = str(stats["test"][0])
    return out


def significance_changes(then_q: pd.Series, now_q: pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """How each level's significance moved between two periods.

    Parameters
    ----------
    then_q, now_q : pandas.Series
        q-values per level (e.g. ``level_statistics(...)["q_value"]``),
        indexed alike; typically by ``(attribute, level)``. The union of the
        two indexes is used; a level missing (or NaN) on one side counts as
        not significant there.
    alpha : float
        Significance threshold on q.

    Returns
    -------
    pandas.DataFrame
        The index as column(s) (unnamed levels become ``attribute``,
        ``level`` for a two-level index, ``level`` for one), then ``q_then``,
        ``q_now`` and ``status``: ``"gained significance"``,
        ``"lost significance"``, ``"still significant"`` or
        ``"not significant"``.

    Examples
    --------
    >>> import pandas as pd
    >>> then = pd.Series([0.01, 0.20, 0.03, 0.50], index=["a", "b", "c", "d"])
    >>> now = pd.Series([0.02, 0.01, 0.30, 0.60], index=["a", "b", "c", "d"])
    >>> significance_changes(then, now)["status"].tolist()
    ['still significant', 'gained significance', 'lost significance', 'not significant']
    """
    both = pd.concat([pd.Series(then_q, dtype=float).rename("q_then"),
                      pd.Series(now_q, dtype=float).rename("q_now")], axis=1, join="outer", sort=False)
    sig_then = both["q_then"].fillna(1.0).to_numpy() < alpha
    sig_now = both["q_now"].fillna(1.0).to_numpy() < alpha
    status = np.select([sig_then & sig_now, ~sig_then & sig_now, sig_then & ~sig_now],
                       ["still significant", "gained significance", "lost significance"],
                       default="not significant")
    both["status"] = status
    defaults = ["attribute", "level"] if both.index.nlevels == 2 else (
        ["level"] if both.index.nlevels == 1 else [f"level_{i}" for i in range(both.index.nlevels)])
    both.index = both.index.set_names([name if name is not None else default
                                       for name, default in zip(both.index.names, defaults)])
    return both.reset_index()


# ---------------------------------------------------------------------- score quality

def _se_of(result: Mapping[str, Any], z: float, name: str) -> float:
    se = result.get("se")
    if se is not None and not math.isnan(float(se)):
        return float(se)
    if "ci_low" in result and "ci_high" in result:
        return (float(result["ci_high"]) - float(result["ci_low"])) / (2 * z)
    raise DataError(f"{name} needs 'se' or both 'ci_low' and 'ci_high' (as auc_with_ci returns)")


def auc_change(auc_then: Mapping[str, Any], auc_now: Mapping[str, Any], *, alpha: float = 0.05,
               confidence: float = 0.95) -> dict[str, float | bool]:
    """Test whether the AUC changed between two independent samples of leads.

    Parameters
    ----------
    auc_then, auc_now : dict
        As returned by :func:`calibrate.evaluate.auc_with_ci`: ``auc`` with
        ``se``, or ``auc`` with ``ci_low`` and ``ci_high``. When ``se`` is
        missing or NaN it is derived from the interval as
        ``(ci_high - ci_low) / (2 * z)`` with ``z = 1.959964`` for the default
        ``confidence`` of 0.95 (an interval clipped at 0 or 1 gives a smaller
        se; pass ``se`` then).
    alpha : float
        ``significant`` when the p-value is below ``alpha``.
    confidence : float
        Level of the intervals the se is derived from.

    Returns
    -------
    dict
        ``auc_then``, ``auc_now``, ``diff`` (now - then), ``se_then``,
        ``se_now``, ``z = diff / sqrt(se_then² + se_now²)``, ``p_value``
        (two-sided normal), ``significant``.

    Examples
    --------
    >>> r = auc_change({"auc": 0.80, "se": 0.010}, {"auc": 0.76, "ci_low": 0.7404, "ci_high": 0.7796})
    >>> round(r["z"], 2), round(r["p_value"], 4), r["significant"]
    (-2.83, 0.0047, True)
    """
    z_crit = float(sps.norm.ppf(0.5 + confidence / 2))
    se_then, se_now = _se_of(auc_then, z_crit, "auc_then"), _se_of(auc_now, z_crit, "auc_now")
    a_then, a_now = float(auc_then["auc"]), float(auc_now["auc"])
    diff = a_now - a_then
    se = math.sqrt(se_then ** 2 + se_now ** 2)
    z = diff / se if se > 0 else math.nan
    p = float(2 * sps.norm.sf(abs(z))) if not math.isnan(z) else math.nan
    return {"auc_then": a_then, "auc_now": a_now, "diff": diff, "se_then": se_then, "se_now": se_now,
            "z": z, "p_value": p, "significant": bool(p < alpha)}


def calibration_check(bands: pd.DataFrame, *, alpha: float = 0.05, correction: str = "fdr_bh",
                      confidence: float = 0.95) -> pd.DataFrame:
    """Check each score band's close rate now against the rate expected from then.

    Parameters
    ----------
    bands : pandas.DataFrame
        One row per score band with columns ``rate_then`` (expected close
        rate, from training or the holdout), ``leads_now`` and
        ``customers_now``; the band label in a ``band`` column, or else the
        index.
    alpha : float
        A band is ``outside`` when its q-value is below ``alpha``.
    correction : str
        Multiple-testing correction across bands.
    confidence : float
        Level of the Wilson interval of the rate now.

    Returns
    -------
    pandas.DataFrame
        ``band``, ``rate_then``, ``leads_now``, ``customers_now``,
        ``rate_now``, ``ci_low``, ``ci_high``, ``p_value`` (two-sided exact
        binomial test of ``customers_now`` out of ``leads_now`` at
        ``rate_then``; NaN for a band without leads now), ``q_value``,
        ``outside``.

    Examples
    --------
    >>> import pandas as pd
    >>> bands = pd.DataFrame({"band": ["low", "mid", "high"], "rate_then": [0.02, 0.08, 0.25],
    ...                       "leads_now": [5000, 2000, 800], "customers_now": [105, 170, 120]})
    >>> calibration_check(bands)["outside"].tolist()
    [False, False, True]
    """
    missing = [c for c in ("rate_then", "leads_now", "customers_now") if c not in bands.columns]
    if missing:
        raise DataError(f"bands lacks column(s) {missing}")
    band = bands["band"].to_numpy() if "band" in bands.columns else bands.index.to_numpy()
    rate_then = bands["rate_then"].to_numpy(dtype=float)
    leads = bands["leads_now"].to_numpy(dtype=np.int64)
    customers = bands["customers_now"].to_numpy(dtype=np.int64)
    if np.isnan(rate_then).any() or ((rate_then < 0) | (rate_then > 1)).any():
        raise DataError("rate_then must be close rates in [0, 1]")
    if (leads < 0).any() or (customers < 0).any() or (customers > leads).any():
        raise DataError("need 0 <= customers_now <= leads_now in every band")
    p = np.full(leads.shape, np.nan)
    for i in np.flatnonzero(leads > 0):  # one exact test per band (a handful)
        p[i] = sps.binomtest(int(customers[i]), int(leads[i]), float(rate_then[i])).pvalue
    low, high = wilson_interval(customers, leads, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_now = np.where(leads > 0, customers / np.maximum(leads, 1), np.nan)
    q = adjust_pvalues(p, correction)
    return pd.DataFrame({"band": band, "rate_then": rate_then, "leads_now": leads, "customers_now": customers,
                         "rate_now": rate_now, "ci_low": low, "ci_high": high, "p_value": p, "q_value": q,
                         "outside": np.nan_to_num(q, nan=1.0) < alpha})
