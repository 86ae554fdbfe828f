"""Tests of calibrate.safe_csv: CSV cells that cannot run as spreadsheet formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibrate.safe_csv import neutralize_formulas, write_csv


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x","y")',
        "=1+2",
        "+A1",
        "+cmd|' /C calc'!A0",
        "-A1",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "\t=1+2",
        "\tanything",
        "\r=1+2",
        "\ranything",
        "-",
        "--",
        "=",
    ],
)
def test_formula_prefixes_are_quoted(value):
    frame = pd.DataFrame({"text": [value, "plain"]})
    out = neutralize_formulas(frame)
    assert out["text"].tolist() == ["'" + value, "plain"]


@pytest.mark.parametrize("value", ["-5", "-5.25", "+5", "-1e3", "+0.5", "-0", "5", "0.001"])
def test_numbers_as_text_are_kept(value):
    out = neutralize_formulas(pd.DataFrame({"text": [value, "=1"]}))
    assert out["text"].tolist() == [value, "'=1"]


def test_plain_text_and_inner_formula_characters_are_kept():
    values = ["Software", "a=b", "x-y", "mail@example.com", "50%", " =not at start", ""]
    out = neutralize_formulas(pd.DataFrame({"text": values}))
    assert out["text"].tolist() == values


def test_numeric_columns_are_untouched():
    frame = pd.DataFrame({"i": [-1, 2, -300], "f": [-1.5, np.nan, 2.0], "b": [True, False, True]})
    out = neutralize_formulas(frame)
    pd.testing.assert_frame_equal(out, frame)


def test_numbers_in_an_object_column_are_kept():
    frame = pd.DataFrame({"mixed": pd.Series([-5, -2.5, "=1", "ok"], dtype=object)})
    out = neutralize_formulas(frame)
    assert out["mixed"].tolist() == [-5, -2.5, "'=1", "ok"]


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_missing_values_are_kept(dtype):
    try:
        column = pd.Series(["=1", None, "x", np.nan], dtype=dtype)
    except TypeError:
        pytest.skip(f"dtype {dtype!r} not available in this pandas")
    out = neutralize_formulas(pd.DataFrame({"c": column}))
    values = out["c"].tolist()
    assert values[0] == "'=1"
    assert values[2] == "x"
    assert pd.isna(values[1]) and pd.isna(values[3])


def test_categorical_column_is_neutralised():
    frame = pd.DataFrame({"c": pd.Categorical(["=1+2", "ok", "=1+2", "-5"])})
    out = neutralize_formulas(frame)
    assert [str(v) for v in out["c"]] == ["'=1+2", "ok", "'=1+2", "-5"]


def test_header_cells_are_neutralised():
    frame = pd.DataFrame({"=cmd": ["a"], "+x": ["b"], "-y": ["c"], "@z": ["d"], "\tt": ["e"], "ok": ["f"], 3: ["g"]})
    out = neutralize_formulas(frame)
    assert list(out.columns) == ["'=cmd", "'+x", "'-y", "'@z", "'\tt", "ok", 3]
    assert out.iloc[0].tolist() == ["a", "b", "c", "d", "e", "f", "g"]


def test_input_frame_is_not_modified():
    frame = pd.DataFrame({"=h": ["=1", "-5"], "n": [1, 2]})
    before = frame.copy()
    neutralize_formulas(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_index_and_row_order_are_kept():
    frame = pd.DataFrame({"c": ["=1", "b", "=1", "d"]}, index=[10, 3, 7, 1])
    out = neutralize_formulas(frame)
    assert out.index.tolist() == [10, 3, 7, 1]
    assert out["c"].tolist() == ["'=1", "b", "'=1", "d"]


def test_write_csv_round_trip_with_pandas(tmp_path):
    frame = pd.DataFrame({
        "name": ['=HYPERLINK("http://x","y")', "Zürich", "line\nbreak", "-5", "@me", "\tcmd", "ok, with comma"],
        "score": [-50, 0, 12, -3, 7, 1, 2],
        "ratio": [-0.5, np.nan, 1.25, 0.0, 3.0, 2.0, 1.0],
        "=header": ["+1", "+A1", "-x", "x", "", "y", "z"],
    })
    before = frame.copy()
    path = write_csv(frame, tmp_path / "sub" / "out.csv")
    assert path == tmp_path / "sub" / "out.csv"
    pd.testing.assert_frame_equal(frame, before)
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == len(frame) + 1  # RFC 4180 line ends: the header and one per row
    assert "Zürich".encode("utf-8") in raw

    back = pd.read_csv(path, dtype={"name": str, "'=header": str}, keep_default_na=False)
    assert list(back.columns) == ["name", "score", "ratio", "'=header"]
    assert back["name"].tolist() == ['\'=HYPERLINK("http://x","y")', "Zürich", "line\nbreak", "-5", "'@me", "'\tcmd",
                                     "ok, with comma"]
    assert back["score"].tolist() == [-50, 0, 12, -3, 7, 1, 2]
    assert pd.api.types.is_integer_dtype(back["score"])
    ratio = pd.to_numeric(back["ratio"].replace("", np.nan))
    np.testing.assert_allclose(ratio.to_numpy(), frame["ratio"].to_numpy(), equal_nan=True)
    assert back["'=header"].tolist() == ["+1", "'+A1", "'-x", "x", "", "y", "z"]


@pytest.mark.parametrize("value", ["\rcr", "before\rafter", "windows\r\nbreak"])
def test_write_csv_keeps_a_carriage_return_inside_a_cell(tmp_path, value):
    """A cell holding a carriage return must stay one cell of one row when read back."""
    frame = pd.DataFrame({"text": [value, "next"], "n": [1, 2]})
    path = write_csv(frame, tmp_path / "cr.csv")
    back = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    assert len(back) == 2
    assert back["n"].tolist() == [1, 2]
    expected = ("'" + value) if value.startswith("\r") else value
    assert back["text"].tolist() == [expected, "next"]


def test_columns_without_formulas_keep_their_dtype_and_values():
    frame = pd.DataFrame({"cat": pd.Categorical(["Software", "Retail", None]),
                          "text": pd.Series(["a", None, "b"], dtype="string"),
                          "hostile": ["ok", "=1", None]})
    out = neutralize_formulas(frame)
    assert out["cat"].dtype == frame["cat"].dtype and out["text"].dtype == frame["text"].dtype
    pd.testing.assert_series_equal(out["cat"], frame["cat"])
    pd.testing.assert_series_equal(out["text"], frame["text"])
    assert out["hostile"].tolist()[:2] == ["ok", "'=1"] and pd.isna(out["hostile"].iloc[2])


def test_repeated_column_names_are_each_neutralised():
    frame = pd.DataFrame([["=1", "ok", "@x"]], columns=["a", "a", "b"])
    out = neutralize_formulas(frame)
    assert out.iloc[0].tolist() == ["'=1", "ok", "'@x"]
    assert frame.iloc[0].tolist() == ["=1", "ok", "@x"]
