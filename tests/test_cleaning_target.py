"""Text normalisation and the outcome column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibrate.cleaning import (
    DEFAULT_PLACEHOLDERS,
    factorize_keys,
    normalize_keys,
    normalize_value,
)
from calibrate.errors import DataError
from calibrate.target import resolve_target


@pytest.mark.parametrize(("raw", "key"), [
    ("Google", "google"), ("  google ", "google"), ("GOOGLE", "google"), ("Closed\t  Won", "closed won"),
    ("Ｇｏｏｇｌｅ", "google"),  # full-width letters (NFKC)
    (3.0, "3"), (3, "3"), (2.5, "2.5"), (True, "true"), (np.int64(7), "7"),
    ("Select", None), ("N/A", None), ("n/a", None), ("-", None), ("unknown", None), ("", None), ("   ", None),
    (None, None), (np.nan, None), (pd.NA, None),
])
def test_normalize_value(raw: object, key: str | None) -> None:
    assert normalize_value(raw) == key


def test_placeholders_are_configurable() -> None:
    assert normalize_value("Select", placeholders=["none"]) == "select"
    assert normalize_value("None", placeholders=["none"]) is None


def test_factorize_keys_merges_spellings_and_counts_placeholders() -> None:
    values = pd.Series(["Google", "google", " Google", "Bing", "Select", "", None, "N/A"])
    f = factorize_keys(values)
    assert f.keys == ["google", "bing"]
    assert f.codes.tolist() == [0, 0, 0, 1, -1, -1, -1, -1]
    assert f.placeholder_rows == 2  # "Select" and "N/A"; empty cells are not placeholders spelled out
    assert f.placeholder_spellings == ["N/A", "Select"]
    assert f.merged == {"google": {"Google": 2, "google": 1}}
    assert f.labels == ["Google", "Bing"] and f.counts.tolist() == [3, 1]


def test_display_label_ties_are_deterministic() -> None:
    assert factorize_keys(pd.Series(["b", "B", "B", "b"])).labels == ["B"]
    assert factorize_keys(pd.Series(["B", "b", "b", "B"])).labels == ["B"]


@pytest.mark.parametrize("values", [
    pd.Series(["Ａ b", "a\u00a0B", " a\tb ", "x"], dtype=object),
    pd.Series(["Ａ b", "a\u00a0B", " a\tb ", "x"], dtype="str"),
    pd.Series([1, 2.0, 2.5, None], dtype=object),
    pd.Series([1.0, 2.0, 1e20, np.nan]),
    pd.Series([True, False, True]),
    pd.Series(["1", 1, "x", 2.5, None], dtype=object),
])
def test_vectorised_keys_equal_scalar_keys(values: pd.Series) -> None:
    # The column path (fitting, scoring) and the scalar path (config values) must agree.
    f = factorize_keys(values, placeholders=())
    lookup = np.array(f.keys + [None], dtype=object)
    assert lookup[f.codes].tolist() == [normalize_value(v, placeholders=()) for v in values]


@pytest.mark.parametrize("placeholders", [DEFAULT_PLACEHOLDERS, ("-1", "0"), ("-1.5", "1e+16", "x")])
@pytest.mark.parametrize("values", [
    pd.Series([1.0, -0.0, 0.0, np.nan, 3.5, 1.0, np.inf, -1.0, 1e16, 1e15, 0.1, -1.5]),
    pd.Series([1, 2, 2, -1, 10**17, 10**17 + 1, 0], dtype="int64"),
    pd.Series([1, None, 2, -1], dtype="Int64"),
    pd.Series(np.random.default_rng(0).normal(size=500).round(1)),
    pd.Series([np.nan, np.nan]),
])
def test_numeric_columns_factorise_as_their_text_would(values: pd.Series, placeholders: tuple[str, ...]) -> None:
    # Numbers take a path by value; the reference is the general path, fed the same values as Python objects.
    as_objects = pd.Series(values.astype(object).where(values.notna(), None), dtype=object)
    for weights in (None, np.arange(len(values)) + 1):
        fast, general = (factorize_keys(v, placeholders, weights) for v in (values, as_objects))
        assert fast.codes.tolist() == general.codes.tolist()
        assert (fast.keys, fast.labels, fast.merged) == (general.keys, general.labels, general.merged)
        assert fast.counts.tolist() == general.counts.tolist()
        assert fast.placeholder_rows == general.placeholder_rows
        assert fast.placeholder_spellings == general.placeholder_spellings


def test_normalize_keys_keeps_index() -> None:
    values = pd.Series(["A", "a", "n/a"], index=[10, 20, 30])
    assert normalize_keys(values).to_dict() == {10: "a", 20: "a", 30: None}


# --------------------------------------------------------------------------- target
def test_stage_column_with_positive_and_exclude() -> None:
    frame = pd.DataFrame({"stage": ["Closed Won", "closed won ", "Closed Lost", "Open", "", "Closed Lost"]})
    outcome = resolve_target(frame, "stage", positive=["Closed Won"], exclude=["open"])
    assert outcome.y.tolist() == [1, 1, 0, 0]
    assert outcome.keep.tolist() == [True, True, True, False, False, True]
    assert (outcome.excluded_rows, outcome.missing_rows) == (1, 1)
    assert outcome.positive == ["Closed Won"] and outcome.negative == ["Closed Lost"] and outcome.excluded == ["Open"]


@pytest.mark.parametrize("values", [
    ["1", "0", " 1 ", "1.0", "0.0"], [1, 0, 1, 1, 0], [1.0, 0.0, 1.0, 1.0, 0.0], [True, False, True, True, False],
    ["TRUE", "false", "True", "true", "FALSE"], ["yes", "No", "YES", "yes", "no"], ["Y", "n", "y", "Y", "N"],
])
def test_boolean_like_targets_need_no_positive(values: list[object]) -> None:
    outcome = resolve_target(pd.DataFrame({"won": values}), "won")
    assert outcome.y.tolist() == [1, 0, 1, 1, 0]


def test_missing_target_suggests_closest_names() -> None:
    with pytest.raises(DataError, match=r"target column 'converted' is not in the data; did you mean 'Converted'\?"):
        resolve_target(pd.DataFrame({"Converted": [0, 1], "Country": ["a", "b"]}), "converted")


def test_three_values_without_positive_says_how_to_fix() -> None:
    frame = pd.DataFrame({"stage": ["Closed Won", "Closed Lost", "Open"]})
    with pytest.raises(DataError, match=r"has 3 distinct values \('Closed Lost', 'Closed Won', 'Open'\); "
                                        r"pass positive=\[\.\.\.\].*exclude="):
        resolve_target(frame, "stage")


def test_two_non_boolean_values_need_positive() -> None:
    with pytest.raises(DataError, match="has 2 distinct values"):
        resolve_target(pd.DataFrame({"stage": ["Won", "Lost"]}), "stage")


def test_single_class_target_is_refused() -> None:
    with pytest.raises(DataError, match="has only non-customers among the 3 decided leads"):
        resolve_target(pd.DataFrame({"won": [0, 0, 0]}), "won")


def test_single_class_after_exclusion() -> None:
    frame = pd.DataFrame({"stage": ["Closed Won", "Open", "Closed Won"]})
    with pytest.raises(DataError, match="has only customers"):
        resolve_target(frame, "stage", positive=["Closed Won"], exclude=["Open"])


def test_unknown_positive_value_lists_the_values() -> None:
    with pytest.raises(DataError, match=r"positive value\(s\) \['won'\] not found in target column 'stage'; "
                                        r"its values are 'Closed Lost', 'Closed Won'"):
        resolve_target(pd.DataFrame({"stage": ["Closed Won", "Closed Lost"]}), "stage", positive=["Won"])


def test_unknown_exclude_value_is_refused() -> None:
    with pytest.raises(DataError, match=r"exclude value\(s\) \['pending'\] not found"):
        resolve_target(pd.DataFrame({"won": [0, 1]}), "won", exclude=["Pending"])


def test_all_blank_target_is_refused() -> None:
    with pytest.raises(DataError, match="no lead in 3 rows has a decided outcome"):
        resolve_target(pd.DataFrame({"won": ["", "N/A", None]}), "won")


@pytest.mark.parametrize("late", [0, 3, 17, 150])
def test_categorical_keys_equal_the_keys_of_its_values(late: int) -> None:
    # Reference: pandas.factorize of the same values held as objects (the path every other column takes).
    # A categorical is counted from its own codes; the categories met are ordered by first appearance, some
    # of them only after the first 4,096 rows (looked for one by one, or with more than 16 by a whole pass);
    # unused categories and missing rows are left out, weights count as rows do. 150 late categories make
    # the codes int16.
    rng = np.random.default_rng(late)
    n = 20_000
    categories = ["Google", "Bing", "select", "Yahoo", *(f"Late {i}" for i in range(late)), "LATE 0", "unused"]
    codes = rng.integers(0, 4, n)
    codes[rng.random(n) < 0.05] = -1
    # Late categories first met in the reverse order of their codes: an order by code would show in the keys.
    late_rows = np.sort(rng.choice(np.arange(4_096, n), late + 1, replace=False))[::-1]
    codes[late_rows] = np.arange(4, 5 + late)
    categorical = pd.Series(pd.Categorical.from_codes(codes, categories=categories))
    assert categorical.cat.codes.dtype == (np.int16 if late > 100 else np.int8)
    for weights in (None, rng.integers(1, 9, n)):
        fast, reference = factorize_keys(categorical, weights=weights), \
            factorize_keys(categorical.astype(object), weights=weights)
        np.testing.assert_array_equal(fast.codes, reference.codes)
        assert fast.codes.dtype == np.int64
        np.testing.assert_array_equal(fast.counts, reference.counts)
        assert fast.keys == reference.keys and fast.labels == reference.labels
        assert list(fast.merged.items()) == list(reference.merged.items())
        assert (fast.placeholder_rows, fast.placeholder_spellings) == \
            (reference.placeholder_rows, reference.placeholder_spellings)
    assert "late 0" in fast.merged or late == 0  # "Late 0" and "LATE 0" are one key


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint32"])
def test_whole_number_keys_equal_the_keys_of_their_floats(dtype: str) -> None:
    # Reference: the same column as float64, factorised by pandas as floats (the path of every float column).
    # Integers are hashed as integers; the keys, their order, counts, codes and placeholders must not change.
    rng = np.random.default_rng(3)
    values = rng.integers(0, 100, 50_000).astype(dtype)
    values[rng.random(50_000) < 0.05] = 99  # a placeholder number, read as missing
    as_int, as_float = pd.Series(values), pd.Series(values.astype(float))
    fast, reference = factorize_keys(as_int, ["99"]), factorize_keys(as_float, ["99"])
    np.testing.assert_array_equal(fast.codes, reference.codes)
    np.testing.assert_array_equal(fast.counts, reference.counts)
    np.testing.assert_array_equal(fast.numbers, reference.numbers)
    assert fast.keys == reference.keys and fast.placeholder_rows == reference.placeholder_rows > 0
    assert fast.placeholder_spellings == ["99"]


def test_integers_floats_cannot_tell_apart_are_one_key() -> None:
    # 2**53 and 2**53 + 1 are one float, and keys are made from floats: one key, as for the float column.
    values = pd.Series(np.array([2**53, 2**53 + 1, 5], dtype=np.int64))
    assert factorize_keys(values).keys == factorize_keys(values.astype(float)).keys == ["9007199254740992.0", "5"]
    assert factorize_keys(values).codes.tolist() == [0, 0, 1]


def test_spellings_tallied_in_dicts_equal_the_pandas_group_by(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reference: the pandas group-by path (_spellings_by_frame), forced by a threshold of -1; labels,
    # merged spellings (their order and counts too) must be the same from the dict path.
    import calibrate.cleaning as cleaning

    rng = np.random.default_rng(7)
    words = np.array(["Google", "google", " GOOGLE ", "Bing", "bing", "Select", "", None, "Ärzte", "ärzte",
                      "12", "12.0", "x y", "x  y", "X Y"], dtype=object)
    for trial in range(200):
        values = pd.Series(rng.choice(words[: rng.integers(2, len(words) + 1)], int(rng.integers(1, 300))),
                           dtype=object if trial % 3 else "str")
        if trial % 5 == 0:
            values = values.astype("category")
        weights = rng.integers(1, 9, len(values)) if trial % 4 == 0 else None
        by_dict = cleaning.factorize_keys(values, weights=weights)
        monkeypatch.setattr(cleaning, "_DICT_SPELLINGS", -1)
        by_frame = cleaning.factorize_keys(values, weights=weights)
        monkeypatch.undo()
        assert by_dict.labels == by_frame.labels and by_dict.keys == by_frame.keys
        assert [(k, list(v.items())) for k, v in by_dict.merged.items()] == \
            [(k, list(v.items())) for k, v in by_frame.merged.items()]
        assert all(type(n) is int for spellings in by_dict.merged.values() for n in spellings.values())
