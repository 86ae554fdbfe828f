"""The data fingerprint ignores the order of rows and columns, and nothing else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from calibrate.fingerprint import column_hashes, data_fingerprint, row_hashes


def test_row_order_does_not_matter_when_an_object_column_mixes_0_and_0_0() -> None:
    """0 == 0.0, so hashing by category (pandas' default) hashed both as whichever came first."""
    frame = pd.DataFrame({"x": pd.Series([0, 0.0, "a", 1.0, 1], dtype=object), "y": [1, 2, 3, 4, 5]})
    assert data_fingerprint(frame) == data_fingerprint(frame.iloc[::-1])
    assert data_fingerprint(frame) == data_fingerprint(frame.iloc[[2, 0, 4, 1, 3]].reset_index(drop=True))


def test_column_order_and_index_do_not_matter() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"b": rng.choice(["x", "y", None], 50), "a": rng.normal(size=50),
                          "c": pd.array(rng.integers(0, 3, 50), dtype="Int64")})
    shuffled = frame.iloc[rng.permutation(50)][["c", "a", "b"]].set_index(pd.Index(np.arange(50) * 7))
    assert data_fingerprint(shuffled) == data_fingerprint(frame)


def test_swapping_same_named_columns_does_not_matter() -> None:
    frame = pd.DataFrame([[1, 2], [2, 3], [3, 1]], columns=["1", 1])
    assert data_fingerprint(frame) == data_fingerprint(frame.iloc[:, [1, 0]])
    assert data_fingerprint(frame) == data_fingerprint(frame.iloc[::-1])


def test_any_changed_value_changes_the_fingerprint() -> None:
    frame = pd.DataFrame({"x": pd.Series([0, "a"], dtype=object), "y": [1.0, 2.0]})
    assert data_fingerprint(frame) != data_fingerprint(frame.assign(x=pd.Series([0.0, "a"], dtype=object)))
    assert data_fingerprint(frame) != data_fingerprint(frame.assign(y=[1.0, 2.5]))
    assert data_fingerprint(frame) != data_fingerprint(frame.rename(columns={"y": "z"}))
    # A multiset: a repeated row counts.
    assert data_fingerprint(frame) != data_fingerprint(pd.concat([frame, frame.iloc[:1]]))


# Reference: pandas.util.hash_pandas_object(..., index=False, categorize=False), which hashes every cell.
@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": pd.Series(["x", None, "y", "x", np.nan], dtype=object), "b": [1, 2, 3, 4, 5]}),
    pd.DataFrame({"a": pd.Series(["x", None, "y", "x", None], dtype="str"), "b": [1.0, np.nan, 3, 4, 5]}),
    pd.DataFrame({"a": pd.Series(["x", None, "é", "x", pd.NA], dtype="string"),
                  "c": pd.Series([0, 0.0, "0", None, np.nan], dtype=object)}),
    pd.DataFrame({"a": pd.Series(["x", None, "y", "x", None], dtype=pd.ArrowDtype(pa.string()))}),
    pd.DataFrame({"a": pd.Series([pd.NA, None, np.nan, "x", "x"], dtype=object)}),
    pd.DataFrame({"a": pd.Series([None, None], dtype=object), "b": pd.array([1, None], dtype="Int64")}),
    pd.DataFrame({"a": pd.Series([], dtype="str")}),
    pd.DataFrame(index=range(3)),
])
def test_row_hashes_equal_pandas_cell_by_cell_hashes(frame: pd.DataFrame) -> None:
    expected = pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy()
    assert row_hashes(frame).tolist() == expected.tolist()
    hashes = column_hashes(frame)
    for i in range(frame.shape[1]):
        cell = pd.util.hash_pandas_object(frame.iloc[:, i], index=False, categorize=False).to_numpy()
        assert hashes[i].tolist() == cell.tolist()


def test_row_hashes_on_many_random_text_columns() -> None:
    rng = np.random.default_rng(3)
    words = np.array(["a", "b", "Select", "", " a", "ü", None], dtype=object)
    frame = pd.DataFrame({f"c{i}": pd.Series(rng.choice(words, 2_000), dtype="str" if i % 2 else object)
                          for i in range(6)})
    expected = pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy()
    assert row_hashes(frame).tolist() == expected.tolist()
    assert data_fingerprint(frame, column_hashes(frame)) == data_fingerprint(frame)


@pytest.mark.parametrize("values", [
    pd.Series(["x", None, "y", "x", None], dtype="str"),
    pd.Series(["Select", "é", None, "", "x"], dtype="str"),
    pd.Series([1.5, np.nan, 2.0, 1.5, np.nan]),
    pd.Series([3, 1, 2, 3, 1]),
    pd.Series([f"v{i % 200}" if i % 7 else None for i in range(1_000)], dtype="str"),  # int16 codes
    pd.Series([f"v{i}" if i % 7 else None for i in range(40_000)], dtype="str"),  # int32 codes
])
def test_a_categorical_column_hashes_as_its_values(values: pd.Series) -> None:
    # Reference: pandas.util.hash_pandas_object of the uncategorised column; pandas' own hash of the
    # categorical differs on missing cells (2**64 - 1), so the same leads would split differently.
    expected = pd.util.hash_pandas_object(values, index=False, categorize=False).to_numpy()
    categories = values.astype("category")
    padded = categories.cat.add_categories([-7] if categories.cat.categories.dtype.kind in "if" else ["never"])
    reordered = padded.cat.reorder_categories(list(padded.cat.categories)[::-1])
    for column in (categories, padded, reordered):
        assert column_hashes(pd.DataFrame({"a": column}))[0].tolist() == expected.tolist()
    frame = pd.DataFrame({"a": values, "b": range(len(values))})
    assert data_fingerprint(frame) == data_fingerprint(frame.assign(a=reordered))


def test_sorted_row_hashes_fold_columns_as_row_hashes_of_the_sorted_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reference: pandas.util.hash_pandas_object of the frame with its columns in sorted name order.
    import calibrate.parallel as parallel
    from calibrate.fingerprint import fingerprint_of_rows, sorted_row_hashes

    rng = np.random.default_rng(2)
    frame = pd.DataFrame({name: pd.Series(rng.choice(["a", "b", None], 300), dtype="str") for name in "zyx"})
    frame["n"] = rng.normal(size=300)
    frame["c"] = frame["z"].astype("category")
    for threaded_rows in (parallel.THREADED_ROWS, 1):  # one column at a time, then batches on threads
        monkeypatch.setattr(parallel, "THREADED_ROWS", threaded_rows)
        ordered = frame[sorted(frame.columns)].astype({"c": "str"})
        expected = pd.util.hash_pandas_object(ordered, index=False, categorize=False).to_numpy()
        assert sorted_row_hashes(frame).tolist() == expected.tolist()
        assert sorted_row_hashes(frame, threads=False).tolist() == expected.tolist()
        some = ["y", "n", "c"]
        assert sorted_row_hashes(frame, some).tolist() == row_hashes(frame[sorted(some)]).tolist()
        assert fingerprint_of_rows(frame.columns, sorted_row_hashes(frame)) == data_fingerprint(frame)
    assert sorted_row_hashes(frame, []).tolist() == row_hashes(frame[[]]).tolist()
