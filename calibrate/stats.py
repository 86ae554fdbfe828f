"""Statistics over per-level counts: pure functions, no I/O, vectorised.

Everything here works on counts (leads and customers per attribute level),
never on raw rows, so it costs the same for a thousand leads as for a
hundred million. Tests, intervals and multiple-testing corrections come from
statsmodels and scipy.

Notes
-----
* Close-rate intervals: Wilson score interval
  (``statsmodels.stats.proportion.proportion_confint(method="wilson")``), the
  interval of R's ``prop.test(x, n, correct = FALSE)``.
* Level against the other leads: Pearson's chi-square test of the 2x2 table
  without continuity correction (the score test of
  ``statsmodels.stats.proportion.test_proportions_2indep``; R's
  ``prop.test(correct = FALSE)``), or Fisher's exact test
  (``scipy.stats.fisher_exact``; R's ``fisher.test``) when an expected cell
  count is below 5.
* Many levels at once: Benjamini–Hochberg q-values
  (``statsmodels.stats.multitest.multipletests``; R's ``p.adjust(method = "BH")``).
* Attribute association: chi-square test of the levels x outcome table; with
  small expected counts, Fisher's exact test (2 levels) or its Monte Carlo
  version with a fixed seed (more levels), as R's
  ``fisher.test(simulate.p.value = TRUE)``.
* Information value: ``sum((g_i - b_i) * ln(g_i / b_i))`` where ``g_i`` and
  ``b_i`` are the shares of customers and non-customers in level ``i``, with
  0.5 added to every cell when a level has no customers or no non-customers
  (Siddiqi, *Credit Risk Scorecards*, 2006).

Examples
--------
>>> import numpy as np
>>> from calibrate.stats import wilson_interval
>>> low, high = wilson_interval(np.array([1213]), np.array([20000]))
>>> round(float(low[0]), 4), round(float(high[0]), 4)
(0.0574, 0.064)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

__all__ = [
    "Baseline",
    "AssociationResult",
    "baseline_rate",
    "wilson_interval",
    "level_vs_rest_pvalues",
    "adjust_pvalues",
    "association_test",
    "information_value",
    "level_statistics",
    "attribute_statistics",
    "CORRECTIONS",
]

#: Multiple-testing corrections accepted (statsmodels ``multipletests`` names).
CORRECTIONS = ("fdr_bh", "fdr_by", "bonferroni", "holm", "none")

#: Cochran's rule: below this expected count a large-sample test is not trusted.
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class Baseline:
    """The overall lead-to-customer close rate with its interval."""

    leads: int
    customers: int
    rate: float
    ci_low: float
    ci_high: float
    confidence: float


@dataclass(frozen=True)
class AssociationResult:
    """Test of association between an attribute's levels and the outcome."""

    statistic: float
    dof: int
    p_value: float
    test: str


def wilson_interval(customers: np.ndarray, leads: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of each close rate (vectorised).

    Examples
    --------
    >>> import numpy as np
    >>> low, high = wilson_interval(np.array([0]), np.array([25]))
    >>> float(low[0]), round(float(high[0]), 4)
    (0.0, 0.1332)
    """
    customers = np.asarray(customers, dtype=float)
    leads = np.asarray(leads, dtype=float)
    low, high = np.full(leads.shape, np.nan), np.full(leads.shape, np.nan)
    ok = leads > 0
    if ok.any():
        low[ok], high[ok] = proportion_confint(customers[ok], leads[ok], alpha=1 - confidence, method="wilson")
    # The Wilson interval of 0 (or n) of n starts at exactly 0 (ends at 1); drop float round-off there.
    low[ok & (customers == 0)] = 0.0
    high[ok & (customers == leads)] = 1.0
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def baseline_rate(leads: int, customers: int, confidence: float = 0.95) -> Baseline:
    """The overall close rate with its Wilson interval.

    Examples
    --------
    >>> b = baseline_rate(20000, 1213)
    >>> round(b.rate, 5), round(b.ci_low, 4)
    (0.06065, 0.0574)
    """
    low, high = wilson_interval(np.array([customers]), np.array([leads]), confidence)
    return Baseline(int(leads), int(customers), customers / leads, float(low[0]), float(high[0]), confidence)


def level_vs_rest_pvalues(
    leads: np.ndarray, customers: np.ndarray, total_leads: int, total_customers: int, *, min_expected: float = MIN_EXPECTED
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-value of each level's close rate against all other leads.

    Parameters
    ----------
    leads, customers : numpy.ndarray
        Per-level counts.
    total_leads, total_customers : int
        Counts over all leads (level plus rest).
    min_expected : float
        Below this expected count in any cell of the 2x2 table, Fisher's exact
        test replaces the chi-square test.

    Returns
    -------
    p_values : numpy.ndarray
        NaN where the test is undefined (a level holding no or all leads).
    tests : numpy.ndarray of str
        ``"chi2"``, ``"fisher"`` or ``"none"`` per level.

    Examples
    --------
    >>> import numpy as np
    >>> p, tests = level_vs_rest_pvalues(np.array([900, 12]), np.array([210, 0]), 20000, 1213)
    >>> tests.tolist(), bool(p[0] < 1e-100)
    (['chi2', 'fisher'], True)
    """
    n1 = np.asarray(leads, dtype=np.int64)
    x1 = np.asarray(customers, dtype=np.int64)
    n2, x2 = total_leads - n1, total_customers - x1
    rate = total_customers / total_leads
    expected = np.stack([n1 * rate, n1 * (1 - rate), n2 * rate, n2 * (1 - rate)])
    defined = (n1 > 0) & (n2 > 0)
    small = defined & (expected.min(axis=0) < min_expected)
    large = defined & ~small
    p = np.full(n1.shape, np.nan)
    tests = np.full(n1.shape, "none", dtype=object)
    if large.any():
        with np.errstate(divide="ignore", invalid="ignore"):  # a level without customers: p-value still defined
            result = test_proportions_2indep(x1[large], n1[large], x2[large], n2[large],
                                             method="score", compare="diff", correction=False)
        p[large] = np.asarray(result.pvalue, dtype=float)
        tests[large] = "chi2"
    for i in np.flatnonzero(small):  # few levels (small ones only), each an exact enumeration
        table = [[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]]
        p[i] = sps.fisher_exact(table).pvalue
        tests[i] = "fisher"
    return p, tests.astype(str)


def adjust_pvalues(p_values: np.ndarray, method: str = "fdr_bh") -> np.ndarray:
    """Adjust p-values for testing many levels at once (NaN stays NaN).

    Examples
    --------
    >>> import numpy as np
    >>> adjust_pvalues(np.array([0.01, 0.04, 0.03, np.nan])).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    if method not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, got {method!r}")
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full(p_values.shape, np.nan)
    ok = ~np.isnan(p_values)
    if method == "none":
        adjusted[ok] = p_values[ok]
    elif ok.any():
        adjusted[ok] = multipletests(p_values[ok], method=method)[1]
    return adjusted


def association_test(customers: np.ndarray, non_customers: np.ndarray, *, min_expected: float = MIN_EXPECTED,
                     n_resamples: int = 99_999, seed: int = 20_251) -> AssociationResult:
    """Test whether an attribute's levels and the outcome are associated.

    Chi-square test of the levels x outcome table; when more than 20 % of the
    expected counts are below ``min_expected`` (Cochran's rule), Fisher's exact
    test for two levels, or its seeded Monte Carlo version for more.

    Examples
    --------
    >>> import numpy as np
    >>> r = association_test(np.array([210, 1003]), np.array([690, 18097]))
    >>> r.test, r.dof, bool(r.p_value < 1e-60)
    ('chi2', 1, True)
    """
    table = np.column_stack([customers, non_customers]).astype(np.int64)
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return AssociationResult(np.nan, 0, np.nan, "none")
    chi2 = sps.chi2_contingency(table, correction=False)
    expected = chi2.expected_freq
    dof = int(chi2.dof)
    if (expected < min_expected).mean() <= 0.2:
        return AssociationResult(float(chi2.statistic), dof, float(chi2.pvalue), "chi2")
    if table.shape[0] == 2:
        return AssociationResult(float(chi2.statistic), dof, float(sps.fisher_exact(table).pvalue), "fisher")
    method = sps.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    p = float(sps.fisher_exact(table, method=method).pvalue)
    return AssociationResult(float(chi2.statistic), dof, p, "fisher_monte_carlo")


def information_value(customers: np.ndarray, non_customers: np.ndarray, pseudo_count: float = 0.5) -> float:
    """Information value of an attribute from its per-level counts.

    Examples
    --------
    >>> import numpy as np
    >>> round(information_value(np.array([50, 50]), np.array([50, 50])), 6)
    0.0
    """
    good = np.asarray(customers, dtype=float)
    bad = np.asarray(non_customers, dtype=float)
    if ((good == 0) | (bad == 0)).any():
        good, bad = good + pseudo_count, bad + pseudo_count
    g, b = good / good.sum(), bad / bad.sum()
    return float(np.sum((g - b) * np.log(g / b)))


def level_statistics(counts: pd.DataFrame, *, confidence: float = 0.95, correction: str = "fdr_bh",
                     min_support: int = 30) -> pd.DataFrame:
    """Close rate, interval, lift, p- and q-value of every attribute level.

    Parameters
    ----------
    counts : pandas.DataFrame
        Indexed by ``(attribute, level)`` with integer columns ``leads`` and
        ``customers`` (every attribute's levels partition the same leads).
    confidence : float
        Level of the Wilson intervals.
    correction : str
        Multiple-testing correction across all levels of all attributes.
    min_support : int
        Levels with fewer leads are flagged ``small_support``.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``leads``, ``customers``, ``close_rate``,
        ``ci_low``, ``ci_high``, ``lift``, ``rate_diff``, ``p_value``,
        ``test``, ``q_value``, ``small_support``. Levels with no leads are
        dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"leads": [900, 19100], "customers": [210, 1003]},
    ...     index=pd.MultiIndex.from_tuples([("demo", "Yes"), ("demo", "No")], names=["attribute", "level"]))
    >>> level_statistics(counts)["lift"].round(2).tolist()
    [3.85, 0.87]
    """
    counts = counts[counts["leads"] > 0]
    first = counts.index.get_level_values(0)[0]
    one = counts.xs(first, level=0, drop_level=False)
    total_leads, total_customers = int(one["leads"].sum()), int(one["customers"].sum())
    leads = counts["leads"].to_numpy(dtype=np.int64)
    customers = counts["customers"].to_numpy(dtype=np.int64)
    base = total_customers / total_leads
    rate = customers / leads
    low, high = wilson_interval(customers, leads, confidence)
    p, tests = level_vs_rest_pvalues(leads, customers, total_leads, total_customers)
    out = pd.DataFrame({
        "leads": leads, "customers": customers, "close_rate": rate, "ci_low": low, "ci_high": high,
        "lift": rate / base, "rate_diff": rate - base, "p_value": p, "test": tests,
        "q_value": adjust_pvalues(p, correction), "small_support": leads < min_support,
    }, index=counts.index)
    return out


def attribute_statistics(counts: pd.DataFrame) -> pd.DataFrame:
    """Association test and information value of every attribute.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``attribute``; columns ``levels``, ``statistic``, ``dof``,
        ``p_value``, ``test``, ``information_value``.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"leads": [900, 19100], "customers": [210, 1003]},
    ...     index=pd.MultiIndex.from_tuples([("demo", "Yes"), ("demo", "No")], names=["attribute", "level"]))
    >>> attribute_statistics(counts).loc["demo", "test"]
    'chi2'
    """
    rows = []
    for attribute, group in counts[counts["leads"] > 0].groupby(level=0, sort=False):
        customers = group["customers"].to_numpy()
        non_customers = group["leads"].to_numpy() - customers
        result = association_test(customers, non_customers)
        rows.append({"attribute": attribute, "levels": len(group), "statistic": result.statistic, "dof": result.dof,
                     "p_value": result.p_value, "test": result.test,
                     "information_value": information_value(customers, non_customers)})
    return pd.DataFrame(rows).set_index("attribute")
