"""Attribute selection: leakage suspects, Cramér's V, the ranked short list.

References: Cramér's V is checked against ``scipy.stats.contingency.association``
(method ``"cramer"``) on a ``pandas.crosstab`` built here; information value and
association p-values come from :mod:`calibrate.stats` (tested in test_stats.py
against R). The X Education check uses Kaggle's "Lead Scoring" export
(``Leads.csv``, 9,240 leads) when it is present next to the repository.
"""

from __future__ import annotations

import doctest
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import association

from calibrate import selection
from calibrate.errors import DataError
from calibrate.selection import cramers_v_matrix, detect_leakage, select_attributes
from calibrate.stats import attribute_statistics, level_statistics

XEDUCATION = Path(__file__).resolve().parents[2] / "shared" / "data" / "xeducation" / "Leads.csv"


def _statistics(frame: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """attribute_statistics and level_statistics of categorical columns (counted with groupby)."""
    blocks = []
    for column in frame.columns:
        counts = pd.DataFrame({"level": frame[column].to_numpy(), "y": y}).groupby("level", sort=True)["y"].agg(
            leads="size", customers="sum")
        counts.index = pd.MultiIndex.from_arrays([[column] * len(counts), counts.index.astype(str)],
                                                 names=["attribute", "level"])
        blocks.append(counts)
    counts = pd.concat(blocks)
    return attribute_statistics(counts), level_statistics(counts)


def _codes(frame: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    codes, n_levels = {}, {}
    for column in frame.columns:
        values, uniques = pd.factorize(frame[column], sort=True)
        codes[column], n_levels[column] = values.astype(np.int64), len(uniques)
    return codes, n_levels


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, np.ndarray]:
    """20,000 leads: a leaked field, a genuine partial signal, a small pure channel, noise with CRM-like names."""
    rng = np.random.default_rng(7)
    n = 20_000
    webinar = np.where(rng.random(n) < 0.05, "Attended", "No")              # 5 % of leads, lift about 3
    source = rng.choice(["Google", "Direct", "Olark Chat", "Organic"], size=n)
    partner = rng.random(n) < 0.015                                        # a real, small, nearly pure channel
    source = np.where(partner, "Partner site", source)
    p = np.where(webinar == "Attended", 0.60, 0.18)
    p = np.where(partner, 0.98, p)
    y = (rng.random(n) < p).astype(np.int64)
    flip = rng.random(n) < 0.005                                           # a noisy copy of the outcome
    result = np.where((y == 1) ^ flip, "Enrolled", "Not interested")
    result = np.where(rng.random(n) < 0.3, "Busy", result)                 # plus an uninformative level
    frame = pd.DataFrame({
        "Call Result": result,
        "Webinar": webinar,
        "Lead Source": source,
        "Lead Profile": rng.choice(["Potential Lead", "Other Leads", "Student"], size=n),
        "Lead Quality": rng.choice(["High", "Medium", "Low", "Worst"], size=n),  # named like a leak, pure noise
    })
    return frame, y


@pytest.fixture(scope="module")
def suspects(synthetic: tuple[pd.DataFrame, np.ndarray]) -> pd.DataFrame:
    attribute_stats, level_stats = _statistics(*synthetic)
    return detect_leakage(attribute_stats, level_stats).set_index("attribute")


# ------------------------------------------------------------------ leakage, synthetic
def test_noisy_copy_of_the_outcome_is_flagged_by_separation_and_information_value(suspects: pd.DataFrame) -> None:
    row = suspects.loc["Call Result"]
    assert row["kind"] == "separation"
    assert row["kinds"] == ("separation", "information_value")
    assert row["information_value"] > 1.0
    assert "'Enrolled' closes at 9" in row["reason"] and "'Not interested' closes at 0." in row["reason"]
    assert "information value" in row["reason"] and "above 1.0" in row["reason"]


def test_genuine_partial_signal_and_small_pure_channel_are_not_flagged(
        synthetic: tuple[pd.DataFrame, np.ndarray], suspects: pd.DataFrame) -> None:
    attribute_stats, level_stats = _statistics(*synthetic)
    assert level_stats.loc[("Webinar", "Attended"), "lift"] > 2.5       # strong, but only 5 % of leads
    assert level_stats.loc[("Lead Source", "Partner site"), "close_rate"] >= 0.97
    assert attribute_stats.loc["Webinar", "information_value"] < 1.0
    assert "Webinar" not in suspects.index
    assert "Lead Source" not in suspects.index
    # The coverage rule is what spares the partner channel: without it, it would be "separation".
    no_share = detect_leakage(attribute_stats, level_stats, min_share=0.0).set_index("attribute")
    assert no_share.loc["Lead Source", "kinds"] == ("separation",)
    assert "'Partner site' closes at" in no_share.loc["Lead Source", "reason"]


def test_leak_named_column_without_signal_is_flagged_by_name_only(suspects: pd.DataFrame) -> None:
    row = suspects.loc["Lead Quality"]
    assert row["kind"] == "name" and row["kinds"] == ("name",)
    assert row["information_value"] < 0.05
    assert row["reason"] == "named like a field filled in after contact ('quality')"
    assert "Lead Profile" not in suspects.index
    assert set(suspects.index) == {"Call Result", "Lead Quality"}
    assert suspects["kind"].tolist() == ["separation", "name"]          # strongest evidence first


def test_name_rule_matches_whole_words_only() -> None:
    empty_attrs = pd.DataFrame({"information_value": []}, index=pd.Index([], name="attribute"))
    empty_levels = pd.DataFrame({"leads": [], "customers": []},
                                index=pd.MultiIndex.from_tuples([], names=["attribute", "level"]))
    flagged = ["Tags", "Lead Status", "lead_owner", "SalesRep", "Deal Stage", "Lost Reason", "Call Disposition",
               "Closed Won Date", "Sales Notes"]
    spared = ["Lead Source", "Lead Profile", "Lead Origin", "Reporting Region", "Do Not Call", "Stagecoach Route",
              "Last Activity", "Last Notable Activity", "Total Time Spent on Website", "Highest Qualification",
              "Reason for enquiry", "Wonderland Visits"]
    out = detect_leakage(empty_attrs, empty_levels, names=[*flagged, *spared])
    assert out["attribute"].tolist() == flagged
    assert (out["kind"] == "name").all() and out["information_value"].isna().all()
    assert out.set_index("attribute").loc["SalesRep", "reason"].endswith("('rep')")


def test_separation_needs_a_large_odds_ratio_not_just_a_high_rate() -> None:
    # Baseline 95 %: a level closing at 97.5 % is ordinary here (odds ratio about 3), not separation.
    index = pd.MultiIndex.from_tuples([("Segment", "A"), ("Segment", "B")], names=["attribute", "level"])
    levels = pd.DataFrame({"leads": [2000, 2000], "customers": [1950, 1850]}, index=index)
    stats = pd.DataFrame({"information_value": [0.1]}, index=pd.Index(["Segment"], name="attribute"))
    assert detect_leakage(stats, levels).empty
    assert detect_leakage(stats, levels, min_odds_ratio=2.0)["kind"].tolist() == ["separation"]


def test_special_levels_and_small_levels_do_not_count_as_separation() -> None:
    index = pd.MultiIndex.from_tuples([("Profile", "A"), ("Profile", "(other)"), ("Profile", "(missing)"),
                                       ("Profile", "tiny")], names=["attribute", "level"])
    levels = pd.DataFrame({"leads": [3000, 800, 800, 29], "customers": [1000, 800, 0, 29]}, index=index)
    stats = pd.DataFrame({"information_value": [0.9]}, index=pd.Index(["Profile"], name="attribute"))
    assert detect_leakage(stats, levels, min_share=0.0).empty
    assert detect_leakage(stats, levels, min_share=0.0, min_leads=20)["attribute"].tolist() == ["Profile"]


# ------------------------------------------------------------------ leakage, X Education
@pytest.fixture(scope="module")
def xeducation():
    if not XEDUCATION.exists():
        pytest.skip(f"X Education Leads.csv not found at {XEDUCATION} (Kaggle 'Lead Scoring' dataset)")
    from calibrate import Calibrator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # All leads, leakage suspects kept: this test checks the detector on the full evidence.
        return Calibrator(holdout=None, leakage="keep").fit(XEDUCATION, target="Converted")


def test_xeducation_tags_and_lead_quality_are_flagged(xeducation) -> None:
    out = detect_leakage(xeducation.attribute_stats_, xeducation.stats_).set_index("attribute")
    assert out.index.tolist() == ["Tags", "Lead Quality"]
    assert out.loc["Tags", "kinds"] == ("separation", "information_value", "name")
    assert "'Closed by Horizzon' closes at 99.4% of 358 leads" in out.loc["Tags", "reason"]
    assert "information value 4.71 (above 1.0)" in out.loc["Tags", "reason"]
    # Lead Quality: 'Worst' closes at 2.0 % but holds 6.5 % of the leads (< min_share), 'High in Relevance'
    # closes at 94.7 % (< 97 %): flagged by information value 1.89 and by name, not by separation.
    assert out.loc["Lead Quality", "kinds"] == ("information_value", "name")
    assert "information value 1.89" in out.loc["Lead Quality", "reason"]
    for name in ["Lead Source", "Lead Profile", "Last Activity", "Last Notable Activity",
                 "Total Time Spent on Website", "What is your current occupation"]:
        assert name not in out.index, name
    # 'Welingak Website' closes at 98.6 % of 142 leads (1.5 % of all): a real partner channel, spared by min_share.
    lenient = detect_leakage(xeducation.attribute_stats_, xeducation.stats_, min_share=0.0).set_index("attribute")
    assert lenient.loc["Lead Source", "kinds"] == ("separation",)
    assert "'Welingak Website' closes at 98.6% of 142 leads" in lenient.loc["Lead Source", "reason"]


# ------------------------------------------------------------------ Cramér's V
@pytest.fixture(scope="module")
def categorical() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 20_000
    a = rng.choice(["x", "y", "z", "w"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    b = np.where(rng.random(n) < 0.6, a, rng.choice(["x", "y", "z", "w"], size=n))   # partly determined by a
    return pd.DataFrame({
        "a": a,
        "b": b,
        "a copy": pd.Series(a).map({"x": "1", "y": "2", "z": "3", "w": "4"}).to_numpy(),
        "independent": rng.choice(["p", "q", "r"], size=n),
        "binary": rng.choice(["yes", "no"], size=n, p=[0.2, 0.8]),
    })


def test_cramers_v_matches_scipy_on_pandas_crosstab(categorical: pd.DataFrame) -> None:
    codes, n_levels = _codes(categorical)
    v = cramers_v_matrix(codes, n_levels)
    for left, right in [("a", "b"), ("b", "independent"), ("a", "binary"), ("independent", "binary")]:
        expected = association(pd.crosstab(categorical[left], categorical[right]).to_numpy(), method="cramer")
        assert v.loc[left, right] == pytest.approx(expected, rel=1e-12)
        assert v.loc[right, left] == v.loc[left, right]
    assert np.allclose(v.to_numpy(), v.to_numpy().T)
    assert (np.diag(v.to_numpy()) == 1.0).all()
    assert v.loc["a", "a copy"] == pytest.approx(1.0)
    assert v.loc["a", "independent"] < 0.03 and v.loc["binary", "independent"] < 0.03
    assert 0.5 < v.loc["a", "b"] < 0.8


def test_pair_tables_from_blocks_equal_pandas_crosstab_of_each_pair() -> None:
    # Reference: pandas.crosstab of each pair. Sizes from 1 to 300 levels make blocks of one, two and
    # three attributes (at most selection._BLOCK_CELLS combinations), so every way a pair is summed
    # out of a joint table is checked: within a block, across blocks, and single-attribute blocks.
    rng = np.random.default_rng(17)
    sizes = [2, 3, 5, 40, 1, 7, 300, 4, 2, 9, 12, 16, 16]  # the last two: a block whose codes pass 127
    n = 5000
    codes = [rng.integers(0, size, n) for size in sizes]
    codes[2] = (codes[1] + rng.integers(0, 2, n)) % sizes[2]  # dependent pairs, so tables are not uniform
    codes = [c.astype(np.int8 if size <= 127 else np.int16) for c, size in zip(codes, sizes)]  # as count_levels
    tables = selection._pair_tables(codes, sizes)
    assert set(tables) == {(i, j) for i in range(len(sizes)) for j in range(i + 1, len(sizes))}
    for (i, j), table in tables.items():
        expected = pd.crosstab(pd.Categorical(codes[i], categories=range(sizes[i])),
                               pd.Categorical(codes[j], categories=range(sizes[j])), dropna=False)
        np.testing.assert_array_equal(table, expected.to_numpy(), err_msg=f"pair {i}, {j}")


def test_cramers_v_ignores_empty_levels_and_samples_deterministically(categorical: pd.DataFrame) -> None:
    codes, n_levels = _codes(categorical)
    padded = {name: n + 3 for name, n in n_levels.items()}          # unused codes, as (unseen) levels are
    full = cramers_v_matrix(codes, n_levels)
    pd.testing.assert_frame_equal(cramers_v_matrix(codes, padded), full)
    sampled = cramers_v_matrix(codes, n_levels, max_rows=5000, seed=1)
    pd.testing.assert_frame_equal(sampled, cramers_v_matrix(codes, n_levels, max_rows=5000, seed=1))
    assert np.abs(sampled.to_numpy() - full.to_numpy()).max() < 0.05
    assert sampled.loc["a", "a copy"] == pytest.approx(1.0)


def test_cramers_v_sample_by_row_hash_ignores_row_order(categorical: pd.DataFrame) -> None:
    codes, n_levels = _codes(categorical)
    n = len(next(iter(codes.values())))
    keys = np.random.default_rng(5).integers(0, 2**63, n).astype(np.uint64)  # stand-ins for content hashes
    order = np.random.default_rng(6).permutation(n)
    sampled = cramers_v_matrix(codes, n_levels, max_rows=5000, row_keys=keys)
    shuffled = cramers_v_matrix({k: c[order] for k, c in codes.items()}, n_levels, max_rows=5000, row_keys=keys[order])
    pd.testing.assert_frame_equal(sampled, shuffled)
    used = np.argsort(keys)[:5000]  # the 5,000 smallest hashes: V of those rows exactly
    pd.testing.assert_frame_equal(sampled, cramers_v_matrix({k: c[used] for k, c in codes.items()}, n_levels,
                                                            max_rows=None))


def test_cramers_v_rejects_bad_codes() -> None:
    with pytest.raises(DataError, match="must lie in"):
        cramers_v_matrix({"a": np.array([0, 1, 2]), "b": np.array([0, 1, 1])}, {"a": 2, "b": 2})
    with pytest.raises(DataError, match="different lengths"):
        cramers_v_matrix({"a": np.array([0, 1, 1]), "b": np.array([0, 1])}, {"a": 2, "b": 2})


def test_cramers_v_of_a_constant_attribute_is_undefined() -> None:
    v = cramers_v_matrix({"a": np.array([0, 1, 0, 1]), "c": np.array([2, 2, 2, 2])}, {"a": 2, "c": 3})
    assert np.isnan(v.loc["a", "c"]) and v.loc["c", "c"] == 1.0


# ------------------------------------------------------------------ selection
@pytest.fixture(scope="module")
def ranked() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attribute statistics and Cramér's V of signals of decreasing strength, an exact and a near copy."""
    rng = np.random.default_rng(11)
    n = 20_000
    columns = {}
    logit = np.full(n, -1.0)
    for i, effect in enumerate([1.6, 1.2, 0.9, 0.6, 0.4, 0.2]):
        values = rng.integers(0, 3, n)
        logit += effect * (values - 1)
        columns[f"s{i}"] = values.astype(str)
    columns["noise"] = rng.choice(["u", "v"], size=n)
    columns["s0 exact copy"] = pd.Series(columns["s0"]).map({"0": "low", "1": "mid", "2": "high"}).to_numpy()
    columns["s1 near copy"] = np.where(rng.random(n) < 0.04, rng.integers(0, 3, n).astype(str), columns["s1"])
    frame = pd.DataFrame(columns)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    attribute_stats, _ = _statistics(frame, y)
    codes, n_levels = _codes(frame)
    return attribute_stats, cramers_v_matrix(codes, n_levels)


def test_duplicates_are_dropped_in_favour_of_the_stronger(ranked: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    attribute_stats, v = ranked
    out = select_attributes(attribute_stats, v).set_index("attribute")
    assert attribute_stats.loc["s1 near copy", "information_value"] < attribute_stats.loc["s1", "information_value"]
    assert out.loc["s0 exact copy", "duplicates"] == "s0" and not out.loc["s0 exact copy", "selected"]
    assert out.loc["s1 near copy", "duplicates"] == "s1" and not out.loc["s1 near copy", "selected"]
    assert out.loc["s1 near copy", "reason"].startswith("dropped: redundant with 's1' (Cramér's V 0.9")
    assert out.loc["s0", "selected"] and out.loc["s0", "duplicates"] is None
    assert out.loc["s0", "reason"].startswith("kept: information value") and "(rank 1)" in out.loc["s0", "reason"]
    # An attribute not associated with the outcome is kept (its levels score 0), and the reason says so.
    assert attribute_stats.loc["noise", "p_value"] > 0.05
    assert out.loc["noise", "selected"] and "not associated with the outcome" in out.loc["noise", "reason"]
    # Without the matrix nothing is redundant.
    assert select_attributes(attribute_stats, None)["selected"].all()


def test_max_attributes_keeps_exactly_the_top_k_by_information_value(ranked: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    attribute_stats, v = ranked
    out = select_attributes(attribute_stats, None, max_attributes=3)
    top = attribute_stats["information_value"].nlargest(3).index
    assert out["selected"].sum() == 3 and set(out.loc[out["selected"], "attribute"]) == set(top)
    assert out["rank"].tolist() == list(range(1, len(attribute_stats) + 1))
    assert out["information_value"].is_monotonic_decreasing
    # With the matrix, the copies do not use up places: the 3 kept are the 3 strongest non-redundant.
    kept = select_attributes(attribute_stats, v, max_attributes=3).query("selected")["attribute"].tolist()
    assert kept == ["s0", "s1", "s2"]
    cut = select_attributes(attribute_stats, v, max_attributes=3).set_index("attribute").loc["s3", "reason"]
    assert cut.startswith("dropped: beyond the 3 strongest attributes")


def test_exclude_reasons_are_carried(ranked: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    attribute_stats, v = ranked
    reason = "leakage suspect: information value 4.71 (above 1.0)"
    out = select_attributes(attribute_stats, v, exclude={"s0": reason, "not an attribute": "ignored"})
    out = out.set_index("attribute")
    assert out.loc["s0", "reason"] == f"dropped: {reason}" and not out.loc["s0", "selected"]
    # The exact copy of an excluded attribute is judged on its own, and kept.
    assert out.loc["s0 exact copy", "selected"] and out.loc["s0 exact copy", "duplicates"] is None
    assert "not an attribute" not in out.index


def test_selection_is_deterministic_and_order_independent(ranked: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    attribute_stats, v = ranked
    first = select_attributes(attribute_stats, v, max_attributes=4)
    pd.testing.assert_frame_equal(first, select_attributes(attribute_stats, v, max_attributes=4))
    shuffled = attribute_stats.drop(index="s0 exact copy").sample(frac=1.0, random_state=5)
    ordered = attribute_stats.drop(index="s0 exact copy")
    pd.testing.assert_frame_equal(select_attributes(shuffled, v, max_attributes=4),
                                  select_attributes(ordered, v, max_attributes=4))


def test_equally_strong_attributes_are_ranked_by_name_not_position(ranked: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """s0 and its exact copy have the same information value and p-value: the name decides, so the order
    of the columns cannot change which one is kept (it used to be the first column)."""
    attribute_stats, v = ranked
    tied = attribute_stats.loc[["s0", "s0 exact copy"], ["information_value", "p_value"]]
    assert tied.iloc[0].tolist() == tied.iloc[1].tolist()
    for order in (["s0 exact copy", "s0"], ["s0", "s0 exact copy"]):
        stats = attribute_stats.loc[order + [a for a in attribute_stats.index if a not in order]]
        out = select_attributes(stats, v).set_index("attribute")
        assert out.loc["s0", "selected"] and out.loc["s0", "rank"] == 1
        assert out.loc["s0 exact copy", "duplicates"] == "s0" and out.loc["s0 exact copy", "rank"] == 2
        pair = stats.loc[order]
        assert select_attributes(pair, None, max_attributes=1).query("selected")["attribute"].tolist() == ["s0"]
        renamed = pair.rename(index={"s0": "z", "s0 exact copy": "a"})
        assert select_attributes(renamed, None, max_attributes=1).query("selected")["attribute"].tolist() == ["a"]


def test_selection_validates_its_inputs(ranked: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    attribute_stats, v = ranked
    with pytest.raises(ValueError, match="max_attributes"):
        select_attributes(attribute_stats, v, max_attributes=0)
    with pytest.raises(DataError, match="cramers_v has no row"):
        select_attributes(attribute_stats, v.drop(index="noise", columns="noise"))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(selection, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_cramers_v_of_a_table_equals_scipy_association_exactly() -> None:
    # Reference: scipy.stats.contingency.association(method="cramer"), to the last bit, on tables from
    # sparse to large counts (the matrix computes V without scipy's per-call overhead).
    from calibrate.selection import _cramers_v

    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(500):
        rows, columns = rng.integers(2, 12, 2)
        table = rng.integers(0, rng.choice([3, 50, 5000]), (rows, columns))
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        if min(table.shape) < 2:
            continue
        assert _cramers_v(table) == float(association(table, method="cramer"))
        checked += 1
    assert checked > 400
