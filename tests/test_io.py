"""Tests of calibrate.io: reading lead exports from text, Parquet, Excel and DataFrames."""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate.errors import DataError, DataQualityWarning
from calibrate.io import detect_delimiter, detect_encoding, read_leads, read_leads_coded

LEADS_CSV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "xeducation" / "Leads.csv"

ACCENTED = [
    ("Zürich", "Société Générale"),
    ("São Paulo", "Müller & Söhne"),
    ("Málaga", "Crème Brûlée Ltd"),
]


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def rows_of(df: pd.DataFrame) -> list[list[str]]:
    return df.astype(object).values.tolist()


def no_warnings(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


# --------------------------------------------------------------------------- #
# Delimiters
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected_and_read(tmp_path: Path, sep: str) -> None:
    text = sep.join(["Lead Source", "City", "Converted"]) + "\n"
    text += sep.join(["Google", "Paris", "1"]) + "\n" + sep.join(["Direct Traffic", "Lyon", "0"]) + "\n"
    path = write(tmp_path / "leads.csv", text)

    df = no_warnings(read_leads, path)

    assert df.columns.tolist() == ["Lead Source", "City", "Converted"]
    assert rows_of(df) == [["Google", "Paris", "1"], ["Direct Traffic", "Lyon", "0"]]
    assert isinstance(df.index, pd.RangeIndex)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n1,2,3\n4,5,6\n", ","),
        ("a;b;c\n1;2,5;3\n4;5,1;6\n", ";"),  # decimal commas do not fool it
        ("a\tb\n1\tx, y\n2\tz\n", "\t"),
        ("a|b\n1|Doe, John\n2|Roe, Jane\n", "|"),
        ('name;city\n"Doe, J.";"Paris; FR"\nRoe;Lyon\n', ";"),
        ('a,b\n"x;y|z\tw",1\n"line one\nline two; three",2\n', ","),
        ("single column\nvalue\nother\n", ","),
        ("", ","),
    ],
)
def test_detect_delimiter(sample: str, expected: str) -> None:
    assert detect_delimiter(sample) == expected


def test_sep_overrides_detection(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.txt", "a;b,c\n1;2,3\n")
    assert read_leads(path, sep=";").columns.tolist() == ["a", "b,c"]
    assert read_leads(path, sep=",").columns.tolist() == ["a;b", "c"]
    tsv = write(tmp_path / "leads.tsv", "a\tb\n1\t2\n")
    assert read_leads(tsv, sep="\\t").columns.tolist() == ["a", "b"]


def test_quoted_fields_with_delimiters_and_newlines(tmp_path: Path) -> None:
    text = 'Prospect ID,Notes,City\n1,"called, no answer; retry","Paris"\n2,"line one\nline two, ""quoted""",Lyon\n'
    path = write(tmp_path / "leads.csv", text, newline="\r\n")

    df = read_leads(path)

    assert df.columns.tolist() == ["Prospect ID", "Notes", "City"]
    assert df["Notes"].tolist() == ["called, no answer; retry", 'line one\r\nline two, "quoted"']
    assert df["City"].tolist() == ["Paris", "Lyon"]


def test_single_column_file(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "Lead Source\nGoogle\nOlark Chat\n")
    df = read_leads(path)
    assert df.columns.tolist() == ["Lead Source"]
    assert df["Lead Source"].tolist() == ["Google", "Olark Chat"]


# --------------------------------------------------------------------------- #
# Raw values, trailing delimiters, header names
# --------------------------------------------------------------------------- #
def test_values_come_back_verbatim_as_text(tmp_path: Path) -> None:
    text = "Lead Source,Country,TotalVisits,Converted\nSelect,N/A,,1\n Google ,  , 5 ,0\nNA,null,2.50,1\n"
    path = write(tmp_path / "leads.csv", text)

    df = read_leads(path)

    assert rows_of(df) == [
        ["Select", "N/A", "", "1"],
        [" Google ", "  ", " 5 ", "0"],
        ["NA", "null", "2.50", "1"],
    ]
    assert not df.isna().any().any()
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in df.dtypes)


def test_trailing_delimiter_on_every_line_with_crlf(tmp_path: Path) -> None:
    text = "Prospect ID,Lead Origin,Converted,\n" "p1,API,0,\n" "p2,Landing Page Submission,1,\n" "p3,,0,\n"
    path = write(tmp_path / "leads.csv", text, newline="\r\n")

    df = read_leads(path)

    assert df.columns.tolist() == ["Prospect ID", "Lead Origin", "Converted", "Unnamed: 3"]
    assert df["Prospect ID"].tolist() == ["p1", "p2", "p3"]
    assert df["Lead Origin"].tolist() == ["API", "Landing Page Submission", ""]
    assert df["Converted"].tolist() == ["0", "1", "0"]
    assert df["Unnamed: 3"].tolist() == ["", "", ""]
    assert isinstance(df.index, pd.RangeIndex)


def test_trailing_delimiter_on_rows_only_does_not_shift_data(tmp_path: Path) -> None:
    # pandas alone would use "Prospect ID" as the index and shift every column.
    path = write(tmp_path / "leads.csv", "Prospect ID,Lead Origin,Converted\np1,API,0,\np2,Chat,1,\n", newline="\r\n")

    df = no_warnings(read_leads, path)

    assert df.columns.tolist() == ["Prospect ID", "Lead Origin", "Converted", "Unnamed: 3"]
    assert rows_of(df) == [["p1", "API", "0", ""], ["p2", "Chat", "1", ""]]
    assert isinstance(df.index, pd.RangeIndex)


def test_extra_fields_holding_values_warn(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "a,b\n1,2,x\n3,4,y\n")
    with pytest.warns(DataQualityWarning, match=r"header has 2.*'Unnamed: 2'"):
        df = read_leads(path)
    assert df["Unnamed: 2"].tolist() == ["x", "y"]


def test_header_names_are_stripped_and_empty_ones_named(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", " Lead Source ,,\tCity\t|x\n" "a,b,c|x\n", encoding="utf-8")
    df = read_leads(path, sep=",")
    assert df.columns.tolist() == ["Lead Source", "Unnamed: 1", "City\t|x"]


def test_short_rows_are_padded_with_empty_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "a,b,c\n1,2,3\n4,5\n")
    df = read_leads(path)
    assert rows_of(df) == [["1", "2", "3"], ["4", "5", ""]]


# --------------------------------------------------------------------------- #
# Encodings
# --------------------------------------------------------------------------- #
def _accented_csv() -> str:
    return "Prospect ID,City,Company\n" + "".join(f"{i},{city},{company}\n" for i, (city, company) in enumerate(ACCENTED))


def _assert_accented(df: pd.DataFrame) -> None:
    assert df.columns.tolist() == ["Prospect ID", "City", "Company"]
    assert df["City"].tolist() == [city for city, _ in ACCENTED]
    assert df["Company"].tolist() == [company for _, company in ACCENTED]


def test_utf8(tmp_path: Path) -> None:
    _assert_accented(no_warnings(read_leads, write(tmp_path / "leads.csv", _accented_csv(), "utf-8")))


def test_utf8_with_bom_gives_clean_first_column_name(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", _accented_csv(), "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    df = no_warnings(read_leads, path)
    _assert_accented(df)
    assert df.columns[0] == "Prospect ID"


def test_utf8_with_bom_and_quoted_header(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", '"Prospect ID";"City"\n"1";"Zürich"\n', "utf-8-sig")
    df = read_leads(path)
    assert df.columns.tolist() == ["Prospect ID", "City"]
    assert df["City"].tolist() == ["Zürich"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_single_byte_western_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "leads.csv", _accented_csv(), encoding)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    _assert_accented(no_warnings(read_leads, path))


def test_cp1252_specific_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "Company,Notes\nSociété Générale,“quoted” – 5€\n", "cp1252")
    df = read_leads(path)
    assert df["Company"].tolist() == ["Société Générale"]
    assert df["Notes"].tolist() == ["“quoted” – 5€"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    raw = _accented_csv().encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "leads.csv"
    path.write_bytes(raw)
    _assert_accented(no_warnings(read_leads, path))


def test_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", _accented_csv(), "cp1252")
    _assert_accented(read_leads(path, encoding="cp1252"))


def test_late_non_ascii_byte_falls_back_with_warning(tmp_path: Path) -> None:
    filler = "".join(f"{i},Paris,Acme\n" for i in range(120_000))  # > 1 MiB of ASCII
    text = "Prospect ID,City,Company\n" + filler + "999999,Zürich,Société Générale\n"
    path = write(tmp_path / "leads.csv", text, "cp1252")
    assert path.stat().st_size > (1 << 20)

    with pytest.warns(DataQualityWarning, match=r"looked like utf-8.*line 120002.*cp1252"):
        df = read_leads(path)

    assert len(df) == 120_001
    assert df["City"].iloc[-1] == "Zürich"
    assert df["Company"].iloc[-1] == "Société Générale"


def test_late_utf8_character_is_decoded(tmp_path: Path) -> None:
    filler = "".join(f"{i},Paris\n" for i in range(150_000))
    path = write(tmp_path / "leads.csv", "id,City\n" + filler + "x,São Paulo\n", "utf-8")
    df = no_warnings(read_leads, path)
    assert df["City"].iloc[-1] == "São Paulo"


def test_mixed_encodings_raise(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("id,City\n1,Zürich\n".encode() + b"2,Z\xfcrich\n")
    with pytest.raises(DataError, match=r"mixes encodings.*0xFC at line 3"):
        read_leads(path)


def test_mostly_cp1252_with_utf8_sequences_warns(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(_accented_csv().encode("cp1252") + "9,Zürich,Nestlé\n".encode())
    with pytest.warns(DataQualityWarning, match=r"read as cp1252 but holds 2 byte sequence\(s\) that look like UTF-8"):
        df = read_leads(path)
    assert df["City"].tolist()[:3] == [city for city, _ in ACCENTED]


def test_wrong_explicit_encoding_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", _accented_csv(), "cp1252")
    with pytest.raises(DataError, match=r"cannot be decoded as 'utf-8'.*line 2"):
        read_leads(path, encoding="utf-8")
    with pytest.raises(DataError, match=r"unknown encoding 'klingon'"):
        read_leads(path, encoding="klingon")


def test_detect_encoding() -> None:
    assert detect_encoding(b"a,b\n1,2\n") == "utf-8"
    assert detect_encoding("Zürich".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa,b\n") == "utf-8-sig"
    assert detect_encoding("a,b\n".encode("utf-16")) == "utf-16"
    assert detect_encoding(_accented_csv().encode("cp1252")) == "cp1252"
    # a multi-byte character cut at the end of the sample is still UTF-8
    assert detect_encoding("ab,São".encode()[:-2]) == "utf-8"


# --------------------------------------------------------------------------- #
# Other sources
# --------------------------------------------------------------------------- #
def test_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv.gz"
    path.write_bytes(gzip.compress(_accented_csv().encode("cp1252")))
    _assert_accented(read_leads(path))


def test_parquet_round_trip(tmp_path: Path) -> None:
    original = pd.DataFrame(
        {
            "Prospect ID": ["p1", "p2", "p3"],
            "City": ["Zürich", None, "Select"],
            "TotalVisits": [5.0, None, 2.0],
            "Converted": [1, 0, 1],
        }
    )
    path = tmp_path / "leads.parquet"
    original.to_parquet(path, index=False)

    df = read_leads(path)

    pd.testing.assert_frame_equal(df, original)
    assert df["Converted"].dtype == "int64"  # typed source: types kept


def test_parquet_named_index_becomes_a_column(tmp_path: Path) -> None:
    original = pd.DataFrame({"Prospect ID": ["p1", "p2"], "Converted": [1, 0]}).set_index("Prospect ID")
    path = tmp_path / "leads.pq"
    original.to_parquet(path)
    df = read_leads(path)
    assert df.columns.tolist() == ["Prospect ID", "Converted"]
    assert isinstance(df.index, pd.RangeIndex)


def test_coded_parquet_text_is_categorical_with_the_same_values(tmp_path: Path) -> None:
    original = pd.DataFrame({
        "Prospect ID": ["p1", "p2", "p3", "p4"],
        "City": ["Zürich", None, " Select ", "Zürich"],
        "TotalVisits": [5.0, None, 2.0, 1.0],
        "Converted": [1, 0, 1, 0],
    })
    path = tmp_path / "leads.parquet"
    original.to_parquet(path, index=False)

    plain, coded = read_leads(path), read_leads_coded(path)

    assert [str(coded[c].dtype) for c in coded] == ["category", "category", "float64", "int64"]
    for column in original:
        pd.testing.assert_series_equal(coded[column].astype(plain[column].dtype), plain[column])
    # Other sources are read as read_leads reads them.
    csv = tmp_path / "leads.csv"
    original.to_csv(csv, index=False)
    pd.testing.assert_frame_equal(read_leads_coded(csv), read_leads(csv))


@pytest.mark.parametrize("index", [None, "Prospect ID", ["Prospect ID", "City"]])
def test_coded_parquet_read_a_few_columns_at_a_time_lines_up(tmp_path: Path, index: object) -> None:
    # Reference: read_leads (pandas.read_parquet, the whole table at once). read_leads_coded converts a few
    # columns at a time; with a stored index (which comes with every batch) and more columns than a batch,
    # every column must hold the same values in the same rows and order, the index columns first.
    rng = np.random.default_rng(5)
    n = 500
    original = pd.DataFrame({
        "Prospect ID": [f"p{i}" for i in rng.permutation(n)],
        "City": rng.choice(["Zürich", "Select", None], n),
        **{f"visits {i}": rng.poisson(3, n).astype(float) for i in range(6)},
        "Created": pd.date_range("2025-01-01", periods=n, freq="h", tz="Europe/Paris"),
        "Converted": rng.integers(0, 2, n),
    })
    path = tmp_path / "leads.parquet"
    (original if index is None else original.set_index(index)).to_parquet(path)

    plain, coded = read_leads(path), read_leads_coded(path)

    assert coded.columns.tolist() == plain.columns.tolist() == original.columns.tolist()
    assert isinstance(coded.index, pd.RangeIndex)
    for column in original:
        pd.testing.assert_series_equal(coded[column].astype(plain[column].dtype), plain[column])


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_excel_round_trip_as_text(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "leads.xlsx",
        {"Leads": [[" Prospect ID ", "City", "TotalVisits", "Converted"], ["p1", "Zürich", 5, 1], ["p2", None, 2.5, 0], ["p3", "Select", None, 1]]},
    )

    df = no_warnings(read_leads, path)

    assert df.columns.tolist() == ["Prospect ID", "City", "TotalVisits", "Converted"]
    assert rows_of(df) == [["p1", "Zürich", "5", "1"], ["p2", "", "2.5", "0"], ["p3", "Select", "", "1"]]
    assert isinstance(df.index, pd.RangeIndex)


def test_excel_dates_and_booleans_come_back_as_text(tmp_path: Path) -> None:
    import datetime as dt

    path = _workbook(
        tmp_path / "leads.xlsx",
        {"Leads": [["Created", "Opted In", "Score"], [dt.datetime(2024, 1, 5), True, 0.25], [dt.datetime(2024, 1, 5, 13, 4), False, 3.0]]},
    )
    df = read_leads(path)
    assert rows_of(df) == [["2024-01-05 00:00:00", "True", "0.25"], ["2024-01-05 13:04:00", "False", "3"]]


def test_excel_with_two_sheets(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "leads.xlsx",
        {"First": [["a", "b"], ["1", "2"]], "Second": [["Lead Source", "Converted"], ["Google", 1], ["Chat", 0]]},
    )

    with pytest.warns(DataQualityWarning, match=r"2 sheets \('First', 'Second'\).*read the first, 'First'.*sheet=.*--sheet"):
        first = read_leads(path)
    assert first.columns.tolist() == ["a", "b"]

    second = no_warnings(read_leads, path, sheet="Second")
    assert second.columns.tolist() == ["Lead Source", "Converted"]
    assert rows_of(second) == [["Google", "1"], ["Chat", "0"]]
    assert no_warnings(read_leads, path, sheet=1).equals(second)
    assert no_warnings(read_leads, path, sheet="1").equals(second)  # as the CLI passes it

    with pytest.raises(DataError, match=r"no sheet 'Secnd'.*did you mean 'Second'"):
        read_leads(path, sheet="Secnd")
    with pytest.raises(DataError, match=r"no sheet at position 5"):
        read_leads(path, sheet=5)


def test_dataframe_input_is_copied(tmp_path: Path) -> None:
    original = pd.DataFrame({"Lead Source": ["Google", "Select"], "Converted": [1, 0]})
    df = read_leads(original)
    assert df.equals(original)
    assert df is not original
    df.loc[0, "Lead Source"] = "changed"
    df["new"] = 1
    assert original["Lead Source"].tolist() == ["Google", "Select"]
    assert original.columns.tolist() == ["Lead Source", "Converted"]


# --------------------------------------------------------------------------- #
# Errors
# --------------------------------------------------------------------------- #
def test_missing_file_suggests_close_names(tmp_path: Path) -> None:
    write(tmp_path / "leads.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"file not found: '.*lead\.csv'; check the path; did you mean 'leads\.csv'"):
        read_leads(tmp_path / "lead.csv")
    with pytest.raises(DataError, match=r"file not found: .*directory .* does not exist"):
        read_leads(tmp_path / "nowhere" / "leads.csv")


def test_directory_raises(tmp_path: Path) -> None:
    write(tmp_path / "leads.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"is a directory, not a file.*'leads\.csv'"):
        read_leads(tmp_path)


@pytest.mark.parametrize("name", ["leads.csv", "leads.parquet", "leads.xlsx"])
def test_empty_file_raises(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(DataError, match=r"is empty"):
        read_leads(tmp_path / name)


def test_blank_lines_only_raises(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"is empty"):
        read_leads(write(tmp_path / "leads.csv", "\n\n  \n"))


@pytest.mark.parametrize("text", ["Prospect ID,Converted\n", "Prospect ID,Converted", "Prospect ID,Converted\r\n\r\n"])
def test_header_without_rows_raises(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataError, match=r"has a header but no rows"):
        read_leads(write(tmp_path / "leads.csv", text))


def test_excel_header_without_rows_raises(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "leads.xlsx", {"Leads": [["Prospect ID", "Converted"]]})
    with pytest.raises(DataError, match=r"has a header but no rows"):
        read_leads(path)


def test_parquet_without_rows_raises(tmp_path: Path) -> None:
    path = tmp_path / "leads.parquet"
    pd.DataFrame({"a": pd.Series([], dtype="int64")}).to_parquet(path)
    with pytest.raises(DataError, match=r"no rows"):
        read_leads(path)


@pytest.mark.parametrize("name", ["leads.json", "leads", "leads.xlsb", "leads.tar.gz"])
def test_unsupported_extension_raises(tmp_path: Path, name: str) -> None:
    write(tmp_path / name, "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"unsupported file type.*supported: \.csv, \.tsv, \.txt.*\.parquet.*\.xlsx"):
        read_leads(tmp_path / name)


def test_corrupt_parquet_raises(tmp_path: Path) -> None:
    path = tmp_path / "leads.parquet"
    path.write_bytes(b"this is not parquet at all")
    with pytest.raises(DataError, match=r"could not be read as Parquet"):
        read_leads(path)


def test_truncated_parquet_raises(tmp_path: Path) -> None:
    path = tmp_path / "leads.parquet"
    pd.DataFrame({"a": range(100)}).to_parquet(path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match=r"could not be read as Parquet"):
        read_leads(path)


def test_nested_parquet_column_raises(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": ["p1"], "address": [{"city": "Paris", "zip": "75001"}], "tags": [["a", "b"]]})
    path = tmp_path / "leads.parquet"
    pq.write_table(table, path)
    with pytest.raises(DataError, match=r"nested Parquet column\(s\) 'address'.*'tags'.*flatten"):
        read_leads(path)


def test_corrupt_excel_raises(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DataError, match=r"could not be read as an Excel workbook"):
        read_leads(path)


def test_xls_without_xlrd_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xlrd" else real_find_spec(name, *a))
    path = tmp_path / "leads.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old workbook")
    with pytest.raises(DataError, match=r"needs xlrd: pip install xlrd"):
        read_leads(path)


def test_unparseable_csv_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n")
    with pytest.raises(DataError, match=r"cannot parse '.*leads\.csv' near line 4: Expected 3 fields in line 4, saw 4"):
        read_leads(path)


def test_unterminated_quote_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", 'a,b\n1,2\n3,"open\n5,6\n')
    with pytest.raises(DataError, match=r"cannot parse .*EOF inside string"):
        read_leads(path)


def test_odd_first_row_raises_instead_of_shifting(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "a,b,c\n1,2,3,4\n5,6,7\n8,9,10\n")
    with pytest.raises(DataError, match=r"line 2 has 4 fields but the header has 3"):
        read_leads(path)


@pytest.mark.parametrize(
    ("header", "shown"),
    [("Email,City,Email", r"'Email' \(columns 1, 3\)"), ("Email,City,Email ", r"'Email' \(columns 1, 3\)"), ("a,a,b,b", r"'a'.*'b'")],
)
def test_duplicated_column_names_raise(tmp_path: Path, header: str, shown: str) -> None:
    path = write(tmp_path / "leads.csv", header + "\n" + ",".join("x" * len(header.split(","))) + "\n")
    with pytest.raises(DataError, match=rf"duplicated column names in its header: {shown}.*rename"):
        read_leads(path)


def test_duplicated_excel_column_names_raise(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "leads.xlsx", {"Leads": [["City", "City"], ["a", "b"]]})
    with pytest.raises(DataError, match=r"duplicated column names.*'City'"):
        read_leads(path)


def test_options_that_do_not_apply_raise(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"sheet= does not apply"):
        read_leads(path, sheet="Leads")
    with pytest.raises(DataError, match=r"sep= does not apply to a DataFrame"):
        read_leads(pd.DataFrame({"a": [1]}), sep=",")
    with pytest.raises(DataError, match=r"sep=';;' .* must be one character"):
        read_leads(path, sep=";;")


def test_misnamed_binary_files_raise(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path / "book.xlsx", {"Leads": [["a"], ["1"]]})
    renamed = tmp_path / "leads.csv"
    renamed.write_bytes(xlsx.read_bytes())
    with pytest.raises(DataError, match=r"not text; rename it to \.xlsx"):
        read_leads(renamed)


def test_corrupt_gzip_raises(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n" * 100)[:30])
    with pytest.raises(DataError, match=r"not a valid gzip file"):
        read_leads(path)


def test_other_source_types_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="path or a pandas.DataFrame"):
        read_leads(123)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# The real X Education export
# --------------------------------------------------------------------------- #
@pytest.mark.skipif(not LEADS_CSV.is_file(), reason=f"X Education Leads.csv not present at {LEADS_CSV}")
def test_xeducation_leads_csv() -> None:
    df = read_leads(LEADS_CSV)

    assert df.shape == (9240, 38)
    assert df.columns[0] == "Prospect ID"
    assert df.columns[-1] == "Unnamed: 37"
    assert (df["Unnamed: 37"] == "").all()
    assert set(df["Converted"].unique()) == {"0", "1"}
    assert df["Prospect ID"].str.fullmatch(r"[0-9a-f-]{36}").all()
    assert (df["Lead Number"].str.fullmatch(r"\d+")).all()
    assert "Select" in set(df["Specialization"])


@pytest.mark.parametrize("options", [{"encoding": "rot13"}, {"encoding": "base64"}, {"sep": "é"}])
def test_fuzz_found_options_are_clean_errors(tmp_path, options):
    """Found by scripts/fuzz.py: codecs that are not text encodings, a non-ASCII delimiter."""
    path = tmp_path / "leads.csv"
    path.write_text("aé b\n1é2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"unknown encoding|line break \(ASCII\)"):
        read_leads(path, **options)


def test_a_dataframe_with_duplicate_column_names_is_refused_naming_them() -> None:
    frame = pd.DataFrame([[1, "a", "b"], [0, "c", "d"]], columns=["won", "source", "source"])
    with pytest.raises(DataError, match=r"duplicate column names \['source'\]; rename them"):
        read_leads(frame)
