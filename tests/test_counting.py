"""Level counts (calibrate.counting) against pandas' own counting of the same rows.

Reference: ``pandas.crosstab`` of each attribute's level labels (from ``spec.encode``) and the outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibrate.attributes import CategoricalSpec
from calibrate.counting import count_levels, encode_all


@pytest.mark.parametrize("n_values", [5, 64, 130, 40_000])
def test_counts_equal_a_crosstab_whatever_the_number_of_levels(n_values: int) -> None:
    # Codes are stored narrow (int8 up to 127 levels, then int16, then int32): counting must not overflow them.
    rng = np.random.default_rng(n_values)
    values = [f"v{i}" for i in range(n_values)]
    n = 3 * n_values + 500
    frame = pd.DataFrame({"source": rng.choice(values + [None], n)})
    y = (rng.random(n) < 0.3).astype(np.int64)
    spec = CategoricalSpec("source", levels=values[: n_values - 1], other_values=values[n_values - 1:])
    table, codes = count_levels(frame, [spec], y)
    assert codes["source"].dtype.itemsize <= (1 if n_values < 127 else 4) and codes["source"].max() < len(spec.level_labels)
    labels = np.asarray(spec.level_labels, dtype=object)[codes["source"].astype(np.int64)]
    expected = pd.crosstab(labels, y).reindex(spec.level_labels, fill_value=0)
    assert table.loc["source", "leads"].tolist() == expected.sum(axis=1).tolist()
    assert table.loc["source", "customers"].tolist() == expected[1].tolist()
    assert (encode_all(frame, [spec])["source"] == codes["source"]).all()
    assert (codes["source"].astype(np.int64) == spec.encode(frame["source"])).all()


def test_distinct_counts_equals_numpy_unique():
    # Reference: numpy.unique(return_counts=True), on dense and sparse ranges, negatives and every integer type.
    from calibrate.counting import distinct_counts

    rng = np.random.default_rng(4)
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64):
        info = np.iinfo(dtype)
        for low, high, n in ((0, 3, 50), (-40, 90, 1000), (0, 10**6, 300), (info.min, info.max, 200), (7, 8, 1),
                                (info.max - 5, info.max, 30)):
            low, high = max(low, info.min), min(high, info.max)
            values = rng.integers(low, high, n, dtype=dtype, endpoint=True)
            distinct, counts = distinct_counts(values)
            expected_distinct, expected_counts = np.unique(values, return_counts=True)
            np.testing.assert_array_equal(distinct, expected_distinct)
            np.testing.assert_array_equal(counts, expected_counts)
            assert distinct.dtype == expected_distinct.dtype and counts.dtype == expected_counts.dtype
    floats = np.array([2.5, -1.0, 2.5])
    assert [a.tolist() for a in distinct_counts(floats)] == [[-1.0, 2.5], [1, 2]]
