"""Statistics checked against R 4.2.2 (base ``stats``), scipy and statsmodels.

Reference numbers: ``tests/reference/r_stats_reference.json``, written by
``tests/reference/stats_reference.R`` (``prop.test``, ``fisher.test``,
``p.adjust``, ``chisq.test``, ``binom.test``); see ``tests/reference/README.md``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from calibrate.stats import (
    adjust_pvalues,
    association_test,
    attribute_statistics,
    baseline_rate,
    information_value,
    level_statistics,
    level_vs_rest_pvalues,
    wilson_interval,
)

REFERENCE = json.loads((Path(__file__).parent / "reference" / "r_stats_reference.json").read_text())


def _case_id(case: dict) -> str:
    return case["id"]


@pytest.mark.parametrize("case", REFERENCE["level_vs_rest"], ids=_case_id)
def test_level_vs_rest_chi_square_matches_r_prop_test(case: dict) -> None:
    # R: prop.test(c(x1, x2), c(n1, n2), correct = FALSE)$p.value
    p, tests = level_vs_rest_pvalues(np.array([case["n1"]]), np.array([case["x1"]]), case["N"], case["X"], min_expected=0)
    if case["n1"] == case["N"]:
        pytest.skip("level holds every lead: no rest to compare with")
    assert tests[0] == "chi2"
    assert p[0] == pytest.approx(case["prop_test_p"], rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("case", REFERENCE["level_vs_rest"], ids=_case_id)
def test_level_vs_rest_fisher_matches_r_fisher_test(case: dict) -> None:
    # R: fisher.test(matrix(c(x1, n1 - x1, x2, n2 - x2), nrow = 2))$p.value
    p, tests = level_vs_rest_pvalues(np.array([case["n1"]]), np.array([case["x1"]]), case["N"], case["X"],
                                     min_expected=math.inf)
    assert tests[0] == "fisher"
    assert p[0] == pytest.approx(float(case["fisher_p"]), rel=1e-9, abs=1e-300)


def test_level_vs_rest_picks_fisher_only_for_small_expected_counts() -> None:
    cases = REFERENCE["level_vs_rest"]
    n1 = np.array([c["n1"] for c in cases if c["N"] == 20000])
    x1 = np.array([c["x1"] for c in cases if c["N"] == 20000])
    p, tests = level_vs_rest_pvalues(n1, x1, 20000, 1213)
    expected_small = np.minimum(n1 * 1213 / 20000, n1 * (1 - 1213 / 20000)) < 5
    assert (tests == np.where(expected_small, "fisher", "chi2")).all()
    by_id = {(c["n1"], c["x1"]): c for c in cases if c["N"] == 20000}
    for i, (n, x) in enumerate(zip(n1, x1)):
        reference = by_id[(n, x)]["fisher_p" if expected_small[i] else "prop_test_p"]
        assert p[i] == pytest.approx(float(reference), rel=1e-9, abs=1e-300)


def test_level_covering_all_leads_has_no_test() -> None:
    p, tests = level_vs_rest_pvalues(np.array([100, 0]), np.array([10, 0]), 100, 10)
    assert np.isnan(p).all() and tests.tolist() == ["none", "none"]


@pytest.mark.parametrize("case", REFERENCE["wilson"], ids=_case_id)
def test_wilson_interval_matches_r_prop_test(case: dict) -> None:
    # R: prop.test(x, n, correct = FALSE, conf.level = L)$conf.int
    low, high = wilson_interval(np.array([case["x"]]), np.array([case["n"]]), confidence=case["conf_level"])
    assert low[0] == pytest.approx(case["ci_low"], rel=1e-9, abs=1e-12)
    assert high[0] == pytest.approx(case["ci_high"], rel=1e-9, abs=1e-12)


def test_baseline_rate_uses_wilson_interval() -> None:
    case = next(c for c in REFERENCE["wilson"] if c["x"] == 1213 and c["n"] == 20000)
    base = baseline_rate(20000, 1213)
    assert base.rate == 1213 / 20000
    assert (base.ci_low, base.ci_high) == pytest.approx((case["ci_low"], case["ci_high"]), rel=1e-9)


@pytest.mark.parametrize("case", REFERENCE["p_adjust"], ids=_case_id)
@pytest.mark.parametrize(("ours", "theirs"), [("fdr_bh", "BH"), ("bonferroni", "bonferroni"), ("holm", "holm")])
def test_adjust_pvalues_matches_r_p_adjust(case: dict, ours: str, theirs: str) -> None:
    # R: p.adjust(p, method = "BH" / "bonferroni" / "holm")
    np.testing.assert_allclose(adjust_pvalues(np.array(case["p"]), ours), case[theirs], rtol=1e-12)


def test_adjust_pvalues_keeps_nan_out_of_the_family() -> None:
    p = np.array(REFERENCE["p_adjust"][0]["p"])
    with_nan = np.insert(p, 3, np.nan)
    adjusted = adjust_pvalues(with_nan)
    assert np.isnan(adjusted[3])
    np.testing.assert_allclose(np.delete(adjusted, 3), REFERENCE["p_adjust"][0]["BH"], rtol=1e-12)


def test_adjust_pvalues_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="correction must be one of"):
        adjust_pvalues(np.array([0.1]), "fdr_magic")


@pytest.mark.parametrize("case", REFERENCE["association"], ids=_case_id)
def test_association_statistic_matches_r_chisq_test(case: dict) -> None:
    # R: chisq.test(m, correct = FALSE)$statistic, $parameter; fisher.test(m)$p.value when small
    table = np.array(case["table"])
    result = association_test(table[:, 0], table[:, 1])
    assert result.statistic == pytest.approx(case["chisq_stat"], rel=1e-9)
    assert result.dof == case["chisq_df"]
    if result.test == "chi2":
        assert result.p_value == pytest.approx(case["chisq_p"], rel=1e-9, abs=1e-300)
    elif result.test == "fisher":
        assert result.p_value == pytest.approx(case["fisher_p"], rel=1e-9)
    else:
        # Seeded Monte Carlo Fisher (99,999 tables): within 5 standard errors of R's exact p.
        assert result.test == "fisher_monte_carlo"
        se = math.sqrt(case["fisher_p"] * (1 - case["fisher_p"]) / 99_999)
        assert abs(result.p_value - case["fisher_p"]) < 5 * se + 1e-5


def test_association_small_table_uses_exact_test() -> None:
    t3 = next(c for c in REFERENCE["association"] if c["id"] == "T3")
    table = np.array(t3["table"])
    assert association_test(table[:, 0], table[:, 1]).test == "fisher_monte_carlo"
    two = np.array([[3, 5], [1, 9]])
    result = association_test(two[:, 0], two[:, 1])
    assert result.test == "fisher"
    assert result.p_value == pytest.approx(sps.fisher_exact(two).pvalue, rel=1e-12)


def test_association_is_deterministic() -> None:
    table = np.array(next(c for c in REFERENCE["association"] if c["id"] == "T3")["table"])
    assert association_test(table[:, 0], table[:, 1]) == association_test(table[:, 0], table[:, 1])


def test_information_value_from_its_definition() -> None:
    # Siddiqi (2006): IV = sum((g_i - b_i) * ln(g_i / b_i)) over the shares of goods and bads per level.
    g, b = np.array([1 / 3, 2 / 3]), np.array([4 / 7, 3 / 7])
    expected = float(np.sum((g - b) * np.log(g / b)))
    assert information_value(np.array([10, 20]), np.array([40, 30])) == pytest.approx(expected, rel=1e-12)


def test_information_value_is_finite_with_empty_cells() -> None:
    value = information_value(np.array([0, 20]), np.array([40, 30]))
    g, b = np.array([0.5, 20.5]) / 21, np.array([40.5, 30.5]) / 71
    assert value == pytest.approx(float(np.sum((g - b) * np.log(g / b))), rel=1e-12)


def _counts(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples([(a, lvl) for a, lvl, _, _ in rows], names=["attribute", "level"])
    return pd.DataFrame({"leads": [r[2] for r in rows], "customers": [r[3] for r in rows]}, index=index)


def test_level_statistics_table() -> None:
    counts = _counts([("demo", "Yes", 900, 210), ("demo", "No", 19100, 1003),
                      ("size", "small", 3100, 301), ("size", "big", 16900, 912), ("size", "(missing)", 0, 0)])
    table = level_statistics(counts)
    assert table.index.tolist() == [("demo", "Yes"), ("demo", "No"), ("size", "small"), ("size", "big")]
    assert table.columns.tolist() == ["leads", "customers", "close_rate", "ci_low", "ci_high", "lift", "rate_diff",
                                      "p_value", "test", "q_value", "small_support"]
    base = 1213 / 20000
    np.testing.assert_allclose(table["lift"], table["close_rate"] / base)
    np.testing.assert_allclose(table["rate_diff"], table["close_rate"] - base)
    demo = next(c for c in REFERENCE["level_vs_rest"] if (c["n1"], c["x1"]) == (900, 210))
    assert table.loc[("demo", "Yes"), "p_value"] == pytest.approx(demo["prop_test_p"], rel=1e-9)
    # BH over the four levels, as R's p.adjust(method = "BH") would give; statsmodels called directly.
    from statsmodels.stats.multitest import multipletests

    np.testing.assert_allclose(table["q_value"], multipletests(table["p_value"], method="fdr_bh")[1])
    assert not table["small_support"].any()


def test_attribute_statistics_columns() -> None:
    counts = _counts([("demo", "Yes", 900, 210), ("demo", "No", 19100, 1003)])
    table = attribute_statistics(counts)
    t1 = next(c for c in REFERENCE["association"] if c["id"] == "T1")
    assert table.loc["demo", "statistic"] == pytest.approx(t1["chisq_stat"], rel=1e-9)
    assert table.loc["demo", "levels"] == 2
