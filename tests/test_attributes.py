"""Which columns become attributes, and how values become levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibrate.attributes import (
    CategoricalSpec,
    NumericSpec,
    bin_labels,
    infer_attributes,
    nice_edges,
)
from calibrate.errors import DataError


def _reasons(frame: pd.DataFrame, **kwargs: object) -> dict[str, str]:
    _, left_out, _ = infer_attributes(frame, **kwargs)
    return {o.column: o.reason for o in left_out}


@pytest.fixture
def export() -> pd.DataFrame:
    """A small export as read from CSV (all text), 120 rows."""
    rng = np.random.default_rng(0)
    n = 120
    return pd.DataFrame({
        "Prospect ID": [f"7927b2df-{i:04d}" for i in range(n)],
        "Lead Number": [str(660000 + 7 * i) for i in range(n)],
        "Source": rng.choice(["Google", "google", " Google ", "Direct", "Referral"], n),
        "Magazine": ["No"] * n,
        "Empty": [""] * n,
        "Created": [f"2025-03-{1 + i % 28:02d}" for i in range(n)],
        "Seconds": [str(v) for v in rng.permutation(np.arange(1000, 1000 + n))],
        "City": rng.choice(["Select", "Mumbai", "Pune", "Thane"], n),
        "Unnamed: 9": [""] * n,
    })


def test_columns_left_out_with_reasons(export: pd.DataFrame) -> None:
    reasons = _reasons(export, min_support=10)
    assert reasons == {
        "Prospect ID": "identifier-like: every value is unique (120 rows)",
        "Lead Number": "identifier-like: every value is unique (120 rows)",
        "Magazine": "constant: every lead has the same value ('No')",
        "Empty": "all values missing",
        "Created": "date/time column: dates are not scored (pass date_column= to record the period)",
        "Unnamed: 9": "empty trailing column: every line ends with a delimiter",
    }


def test_unique_whole_numbers_without_an_id_name_stay_numeric(export: pd.DataFrame) -> None:
    specs, _, _ = infer_attributes(export, min_support=10)
    seconds = next(s for s in specs if s.name == "Seconds")
    assert isinstance(seconds, NumericSpec) and seconds.integer


def test_case_variants_merge_and_placeholders_become_missing(export: pd.DataFrame) -> None:
    specs, _, notes = infer_attributes(export, min_support=10)
    source = next(s for s in specs if s.name == "Source")
    assert isinstance(source, CategoricalSpec)
    assert sorted(source.levels) == ["Direct", "Google", "Referral"]
    kinds = {(n.column, n.kind) for n in notes}
    assert ("Source", "case_merged") in kinds and ("City", "placeholders") in kinds
    city_note = next(n for n in notes if (n.column, n.kind) == ("City", "placeholders"))
    assert city_note.rows == int((export["City"] == "Select").sum()) and "'Select'" in city_note.detail
    city = next(s for s in specs if s.name == "City")
    codes = city.encode(export["City"])
    assert (codes == city.level_labels.index("(missing)")).sum() == city_note.rows


def test_user_and_target_decisions_are_reported_first(export: pd.DataFrame) -> None:
    reasons = _reasons(export, min_support=10, left_out={"Source": "dropped by the user"})
    assert reasons["Source"] == "dropped by the user"


def test_rare_values_are_pooled_into_other_and_listed() -> None:
    values = ["A"] * 50 + ["B"] * 40 + ["C"] * 5 + ["D"] * 3
    specs, _, notes = infer_attributes(pd.DataFrame({"x": values}), min_support=30)
    spec = specs[0]
    assert spec.levels == ["A", "B"] and spec.other_values == ["C", "D"]
    codes = spec.encode(pd.Series(["A", "c", "D ", "Z", None]))
    assert [spec.level_labels[c] for c in codes] == ["A", "(other)", "(other)", "(unseen)", "(missing)"]
    assert next(n for n in notes if n.kind == "pooled").rows == 8


def test_no_value_reaching_support_leaves_the_column_out() -> None:
    frame = pd.DataFrame({"domain": [f"d{i % 40}.com" for i in range(200)]})
    assert _reasons(frame, min_support=30) == {
        "domain": "no value reaches the minimum support of 30 leads (40 distinct values)"}


def test_numeric_looking_column_can_be_categorical() -> None:
    frame = pd.DataFrame({"zip": ["10115", "10117", "20095"] * 40})
    specs, _, _ = infer_attributes(frame, categorical=["zip"], min_support=10)
    assert isinstance(specs[0], CategoricalSpec) and specs[0].levels == ["10115", "10117", "20095"]


def test_quantile_edges_match_numpy_quantiles() -> None:
    values = np.arange(1, 1001, dtype=float)
    expected = np.quantile(values, [0.25, 0.5, 0.75])  # 250.75, 500.5, 750.25 → 2 significant figures
    assert nice_edges(values, 4, integer=True) == [float(np.ceil(float(f"{q:.2g}"))) for q in expected]


def test_heavy_zero_keeps_its_own_bin() -> None:
    rng = np.random.default_rng(1)
    visits = np.concatenate([np.zeros(8000), rng.integers(1, 30, 2000)]).astype(float)
    edges = nice_edges(visits, 5, integer=True)
    assert edges[0] == 1.0 and len(edges) >= 3


def test_small_quantile_bins_are_merged_to_min_support() -> None:
    values = np.concatenate([np.arange(100), np.full(5, 1000)]).astype(str)
    specs, _, _ = infer_attributes(pd.DataFrame({"v": values}), n_bins=20, min_support=30)
    spec = specs[0]
    counts = np.bincount(spec.encode(pd.Series(values)), minlength=len(spec.level_labels))[: len(spec.edges) + 1]
    assert counts.min() >= 30 and counts.sum() == 105


def test_user_edges_are_kept_exactly() -> None:
    frame = pd.DataFrame({"employees": [str(v) for v in [1, 5, 9, 10, 20, 21, 50, 51, 5000] * 10]})
    specs, _, notes = infer_attributes(frame, bins={"employees": [10, 21, 51]}, min_support=30)
    spec = specs[0]
    assert spec.edges == [10.0, 21.0, 51.0]
    assert spec.labels == ["1–9", "10–20", "21–50", "51+"]
    assert "user-given edges" in notes[-1].detail


def test_user_edges_must_be_distinct_numbers() -> None:
    with pytest.raises(DataError, match="bins for column 'v' must be distinct finite numbers"):
        infer_attributes(pd.DataFrame({"v": ["1", "2"] * 20}), bins={"v": [5, 5]})


def test_bins_for_unknown_column_is_an_error() -> None:
    with pytest.raises(DataError, match=r"bins given for column\(s\) not in the data: \['nope'\]"):
        infer_attributes(pd.DataFrame({"v": ["1", "2"] * 20}), bins={"nope": [1]})


def test_numeric_encoding_boundaries() -> None:
    spec = NumericSpec("employees", edges=[10, 21, 51], integer=True, observed_min=1)
    values = pd.Series(["-5", "9", "10", "20.99", "21", "50", "51", "1e9", "N/A", "", "lots", None])
    labels = [spec.level_labels[c] for c in spec.encode(values)]
    assert labels == ["1–9", "1–9", "10–20", "10–20", "21–50", "21–50", "51+", "51+",
                      "(missing)", "(missing)", "(unseen)", "(missing)"]


def test_numeric_encoding_of_typed_columns() -> None:
    spec = NumericSpec("x", edges=[1.5, 3.0])
    assert spec.encode(pd.Series([1.0, 1.5, np.nan, 3.0, np.inf, -np.inf])).tolist() == [0, 1, 3, 2, 2, 0]


@pytest.mark.parametrize(("edges", "integer", "low", "expected"), [
    ([10, 21, 51], True, 1, ["1–9", "10–20", "21–50", "51+"]),
    ([1, 2], True, 0, ["0", "1", "2+"]),
    ([1, 2], True, None, ["≤ 0", "1", "2+"]),
    ([1.5, 3], False, None, ["< 1.5", "1.5 to <3", "≥ 3"]),
    ([], True, 0, ["all values"]),
])
def test_bin_labels(edges: list[float], integer: bool, low: float | None, expected: list[str]) -> None:
    assert bin_labels(edges, integer=integer, observed_min=low) == expected


def test_numeric_column_with_one_value_and_missing_is_kept_as_two_levels() -> None:
    frame = pd.DataFrame({"flag": ["1"] * 50 + [""] * 50})
    specs, left_out, _ = infer_attributes(frame)
    assert not left_out and specs[0].level_labels == ["all values", "(missing)", "(unseen)"]
    assert np.bincount(specs[0].encode(frame["flag"])).tolist() == [50, 50]


def test_numeric_column_too_concentrated_to_bin_is_left_out() -> None:
    frame = pd.DataFrame({"visits": ["0"] * 200 + ["1"] * 5})
    specs, left_out, _ = infer_attributes(frame, min_support=30)
    assert not specs and left_out[0].reason == "numeric column with too little spread to bin into groups of 30 leads"


def test_numeric_edges_from_distinct_values_equal_the_edges_of_every_row():
    # Reference: nice_edges + merge_small_bins over every row (numpy.quantile on the rows), as binning was
    # computed before it moved to the distinct values weighted by their rows.
    from calibrate.attributes import merge_small_bins, nice_edges, to_numbers

    rng = np.random.default_rng(7)
    n = 20_000
    amounts = np.round(rng.lognormal(8, 1.5, n), 2)
    amounts[rng.random(n) < 0.3] = 0.0
    amounts[rng.random(n) < 0.05] = np.nan
    visits = rng.poisson(0.7, n).astype(float)
    visits[:40] = -1  # a numeric placeholder: no key, but still a number to the binning
    frame = pd.DataFrame({
        "amount": amounts,
        "visits": pd.array(np.where(np.isnan(visits), None, visits), dtype="Int64"),
        "pages_text": pd.Series(rng.integers(0, 60, n).astype(str), dtype="str").where(rng.random(n) > 0.1, "n/a"),
        "score": np.where(rng.random(n) < 0.01, np.inf, rng.normal(50, 10, n)),
    })
    placeholders = ("n/a", "-1")
    specs, _, _ = infer_attributes(frame, n_bins=6, min_support=30, placeholders=placeholders)
    edges = {s.name: s.edges for s in specs if hasattr(s, "edges")}
    assert set(edges) == {"amount", "visits", "pages_text", "score"}
    for column in edges:
        numbers, _ = to_numbers(frame[column], placeholders)
        integer = bool(np.all(np.mod(numbers[np.isfinite(numbers)], 1) == 0))
        expected = merge_small_bins(numbers, nice_edges(numbers, 6, integer=integer), 30)
        assert edges[column] == expected, column
        assert len(expected) >= 2, column


def test_merge_small_bins_counts_sorted_values_as_it_counts_shuffled_ones():
    # Sorted values are counted by cumulative sums, others by a bincount of every value: both must merge alike.
    from calibrate.attributes import merge_small_bins

    rng = np.random.default_rng(11)
    for _ in range(200):
        values = rng.integers(0, int(rng.integers(2, 40)), int(rng.integers(5, 400))).astype(float)
        weights = rng.integers(1, 20, len(values))
        edges = sorted(set(rng.choice(values, int(rng.integers(1, 8))).tolist()))
        min_support = int(rng.integers(1, 300))
        order = np.argsort(values)
        shuffled = rng.permutation(len(values))
        for w in (None, weights):
            on_sorted = merge_small_bins(values[order], edges, min_support, weights=None if w is None else w[order])
            on_shuffled = merge_small_bins(values[shuffled], edges, min_support,
                                           weights=None if w is None else w[shuffled])
            assert on_sorted == on_shuffled


def test_a_column_of_numbers_with_a_few_text_cells_is_named_with_its_rows():
    # 95 numbers and 5 text cells (rows known by construction): read as categories, with a warning naming them.
    from calibrate.errors import DataQualityWarning

    values = [str(i % 40) for i in range(100)]
    for row in (3, 17, 40, 41, 99):
        values[row] = "see notes" if row != 17 else "n.a"
    mostly = pd.Series(values, dtype="category")  # as read_leads_coded reads Parquet text
    half = pd.Series(["x" if i % 2 else str(i) for i in range(100)])
    with pytest.warns(DataQualityWarning) as caught:
        specs, _, _ = infer_attributes(pd.DataFrame({"mostly": mostly, "half": half}), min_support=2)
    messages = [str(w.message) for w in caught if "read as categories" in str(w.message)]
    assert messages == [
        "column 'mostly' holds numbers in 95 of 100 rows but text in 5 ('see notes' at data row 4, 'n.a' at data "
        "row 18), so it was read as categories instead of numeric bins; fix those cells, or pass "
        "placeholders=[...] (CLI: --placeholder VALUE) to read them as missing"]
    assert {s.name: s.kind for s in specs}["mostly"] == "categorical"
