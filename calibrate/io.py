"""Read a CRM export of historical leads into a :class:`pandas.DataFrame`.

:func:`read_leads` accepts a path to a delimited text file (``.csv``,
``.tsv``, ``.txt``, optionally gzip-compressed as ``.csv.gz`` etc.), a Parquet
file (``.parquet``, ``.pq``), an Excel workbook (``.xlsx``, ``.xlsm``, and
``.xls`` when ``xlrd`` is installed) or a DataFrame.

What comes back
---------------
* **Text files and Excel workbooks: every cell is text** (``str``). Nothing is
  converted, trimmed or treated as missing: an empty cell is ``""`` and
  placeholders such as ``"Select"`` or ``"N/A"`` arrive verbatim, with their
  leading/trailing spaces, for the cleaning step to judge. Excel numbers come
  back as their text (``5`` -> ``"5"``, ``2.5`` -> ``"2.5"``), dates as
  ``"2024-01-05 00:00:00"`` and booleans as ``"True"``/``"False"``.
* **Parquet files keep their stored types** (a typed source: numbers stay
  numbers, nulls stay missing). Named index columns stored by pandas come back
  as ordinary columns; the index is always a fresh ``RangeIndex``.
* **DataFrames** are returned as a deep copy, otherwise untouched.
* Column names are the header's, with leading/trailing whitespace (and a
  UTF-8 byte-order mark) removed. A header cell that is empty is named
  ``"Unnamed: <position>"`` (pandas' convention), so a file whose lines all
  end with a delimiter - X Education's ``Leads.csv`` - gets a last column
  ``"Unnamed: 37"`` whose values are all ``""``. It is kept here; the
  attribute step reports and leaves it out. If the data rows have more fields
  than the header (the header lacks the trailing delimiter the rows have), the
  extra fields also become ``"Unnamed: <position>"`` columns instead of
  silently shifting the data.

Encoding and delimiter of text files are detected (:func:`detect_encoding`,
:func:`detect_delimiter`) unless given. Problems that prevent a correct read
raise :class:`~calibrate.errors.DataError` with a one-line message naming the
file and a fix; repairs that still give a correct result emit a
:class:`~calibrate.errors.DataQualityWarning`.

Examples
--------
>>> import pandas as pd
>>> from calibrate.io import read_leads
>>> leads = read_leads(pd.DataFrame({"Lead Source": ["Google"], "Converted": [1]}))
>>> leads.columns.tolist()
['Lead Source', 'Converted']
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gzip
import importlib.util
import io
import os
import re
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from calibrate.errors import DataError, DataQualityWarning

__all__ = ["detect_delimiter", "detect_encoding", "iter_leads_coded", "read_leads", "read_leads_coded"]

#: Bytes looked at to guess the encoding (the whole file is still validated).
_ENCODING_SAMPLE_BYTES = 1 << 20
#: Characters of text looked at to guess the delimiter and read the header.
_DELIMITER_SAMPLE_CHARS = 1 << 16
#: Records (lines) parsed per candidate delimiter.
_DELIMITER_SAMPLE_LINES = 50
#: Chunk size used to validate a whole UTF-8 file without decoding it at once.
_VALIDATE_CHUNK_BYTES = 1 << 23

_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_SUPPORTED = (
    ".csv, .tsv, .txt (optionally gzip-compressed: .csv.gz, .tsv.gz, .txt.gz), "
    ".parquet, .pq, .xlsx, .xlsm, .xls"
)

_UTF8_NAMES = frozenset({"utf-8", "utf-8-sig"})
# Code pages charset-normalizer proposes for short Western samples although a
# CRM export is practically never in them: DOS, EBCDIC, classic Mac, HP.
_UNLIKELY_ENCODINGS = re.compile(r"^(cp(0\d\d|273|424|437|500|7\d\d|8[0-6]\d|875|1006|1026|1125|1140)|mac_|hp_)")


# --------------------------------------------------------------------------- #
# Public helpers
# --------------------------------------------------------------------------- #
def detect_encoding(raw: bytes) -> str:
    """Guess the text encoding of a file from its first bytes.

    Order of evidence: a byte-order mark (UTF-8 -> ``"utf-8-sig"``, UTF-32 ->
    ``"utf-32"``, UTF-16 LE/BE -> ``"utf-16"``); then a strict UTF-8 decode of
    the first 1 MiB (``"utf-8"``; pure ASCII counts as UTF-8, a multi-byte
    character cut by the sample's end is tolerated, NUL bytes rule UTF-8 out
    since they mean BOM-less UTF-16); then charset-normalizer's best guess,
    ranked towards the Windows code pages CRM exports are written in, with
    ``"cp1252"`` winning ties; finally ``"cp1252"`` or, if even that cannot
    decode the bytes, ``"latin-1"``.

    Only a sample is inspected: :func:`read_leads` still decodes the whole file
    strictly and falls back (with a warning) if a later byte disagrees.

    Parameters
    ----------
    raw : bytes
        The start of the file (or all of it).

    Returns
    -------
    str
        A Python codec name.

    Examples
    --------
    >>> detect_encoding("Zürich".encode("utf-8"))
    'utf-8'
    >>> detect_encoding(b"\\xef\\xbb\\xbfCity")
    'utf-8-sig'
    >>> detect_encoding("City\\nZürich\\nSão Paulo\\n".encode("cp1252"))
    'cp1252'
    """
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = bytes(raw[:_ENCODING_SAMPLE_BYTES])
    if b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError as exc:
            truncated_tail = exc.reason == "unexpected end of data" and exc.end == len(sample)
            if truncated_tail and len(sample) - exc.start <= 3:
                return "utf-8"
    guess = _charset_normalizer_guess(sample)
    if guess is not None:
        return guess
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(text_sample: str) -> str:
    """Guess the field delimiter of a delimited text file.

    Each candidate (``","``, ``";"``, tab, ``"|"``) parses the first 50 lines
    with the :mod:`csv` module (so quoted fields holding other delimiters or
    line breaks are handled). A candidate's score is the number of lines that
    share its most common field count, counting only field counts above one;
    the header having that field count too breaks ties. The best score wins;
    remaining ties go to the earlier candidate, so ``","`` wins ties, and a
    single-column file gives ``","``.

    Parameters
    ----------
    text_sample : str
        The decoded start of the file (a few dozen lines are enough).

    Returns
    -------
    str
        One of ``","``, ``";"``, ``"\\t"``, ``"|"``.

    Examples
    --------
    >>> detect_delimiter('name;city\\n"Doe, J.";"Paris; FR"\\nRoe;Lyon\\n')
    ';'
    >>> detect_delimiter("just one column\\nvalue\\n")
    ','
    """
    best, best_score = ",", (0, False)
    for candidate in _DELIMITERS:
        records = [fields for fields, _ in _parse_records(text_sample, candidate, _DELIMITER_SAMPLE_LINES)]
        widths = Counter(len(fields) for fields in records if len(fields) > 1)
        if not widths:
            continue
        width, lines = widths.most_common(1)[0]
        score = (lines, len(records[0]) == width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_leads(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read historical leads from a file (CSV/TSV/TXT, Parquet, Excel) or a DataFrame.

    Text files and Excel sheets come back with every cell as text (``""`` for
    an empty cell, placeholders and surrounding spaces verbatim); Parquet keeps
    its stored types; a DataFrame is returned as a deep copy. See the module
    docstring for the details, including the ``"Unnamed: <n>"`` column a
    trailing delimiter produces.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        Path of a ``.csv``, ``.tsv``, ``.txt`` (optionally ``.gz``-compressed),
        ``.parquet``/``.pq`` or ``.xlsx``/``.xlsm``/``.xls`` file, or a
        DataFrame.
    sep : str, optional
        Field delimiter of a text file (one character; ``"\\t"`` written as
        two characters is accepted as tab). Detected when omitted.
    encoding : str, optional
        Text encoding of a text file, e.g. ``"cp1252"``. Detected when
        omitted; when given, the file must decode with it strictly.
    sheet : str or int, optional
        Excel sheet name or 0-based position (a string of digits that is not a
        sheet name counts as a position). Default: the first sheet (with a
        :class:`~calibrate.errors.DataQualityWarning` if there are several).

    Returns
    -------
    pandas.DataFrame
        One row per lead, with a fresh ``RangeIndex``.

    Raises
    ------
    DataError
        The file is missing, a directory, empty, has a header but no rows, has
        an unsupported extension, is corrupt or cannot be parsed, has
        duplicated column names, has nested Parquet columns, or an option does
        not apply to the source.

    Warns
    -----
    DataQualityWarning
        The encoding guessed from the start of the file failed later in it and
        another was used; a workbook has several sheets and ``sheet`` was not
        given; data rows had more fields than the header and the extra fields
        hold values.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "leads.csv"
    >>> _ = path.write_text("Lead Source;Converted;\\nGoogle;1;\\n Select ;0;\\n", encoding="utf-8")
    >>> leads = read_leads(path)
    >>> leads.columns.tolist()
    ['Lead Source', 'Converted', 'Unnamed: 2']
    >>> leads["Lead Source"].tolist()
    ['Google', ' Select ']
    """
    return _read(source, sep=sep, encoding=encoding, sheet=sheet, text_codes=False)


def read_leads_coded(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """:func:`read_leads`, with a Parquet file's text columns as pandas categoricals.

    The text is read from the file's dictionary pages as codes, which takes a
    fifth of the time and a fraction of the memory of building one string per
    cell; a fit gives the same config from either (``tests/test_calibrator.py``).
    Other sources are read exactly as :func:`read_leads` reads them.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
    sep, encoding, sheet : optional
        As for :func:`read_leads` (text and Excel files).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "leads.parquet"
    >>> pd.DataFrame({"Lead Source": ["Google", None, "Google"], "Converted": [1, 0, 1]}).to_parquet(path)
    >>> leads = read_leads_coded(path)
    >>> str(leads["Lead Source"].dtype), leads["Lead Source"].isna().tolist()
    ('category', [False, True, False])
    """
    return _read(source, sep=sep, encoding=encoding, sheet=sheet, text_codes=True)


def iter_leads_coded(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    batch_rows: int = 1_000_000,
    sep: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Iterator[pd.DataFrame]:
    """:func:`read_leads_coded` a batch of rows at a time: a Parquet file larger than memory, in bounded memory.

    A Parquet file of more than ``batch_rows`` rows is read at most that
    many rows at a time (its text as categoricals, each batch's index
    continuing the row positions); put together, the batches are the frame
    :func:`read_leads_coded` reads, though a text column's categories are
    those of its own batch. Other sources, and smaller files, are read
    whole, as one batch, by :func:`read_leads_coded`.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
    batch_rows : int
        Most rows per batch (at least 1).
    sep, encoding, sheet : optional
        As for :func:`read_leads` (text and Excel files).

    Yields
    ------
    pandas.DataFrame

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "leads.parquet"
    >>> pd.DataFrame({"source": ["Google", "Ads", "Google"], "converted": [1, 0, 1]}).to_parquet(path)
    >>> [batch.index.tolist() for batch in iter_leads_coded(path, batch_rows=2)]
    [[0, 1], [2]]
    """
    if not isinstance(batch_rows, int) or isinstance(batch_rows, bool) or batch_rows < 1:
        raise DataError(f"batch_rows must be a whole number of at least 1, got {batch_rows!r}")
    if isinstance(source, (str, os.PathLike)):
        display = os.fspath(source)
        path = Path(display)
        _check_path(path, display)
        kind, _ = _classify(path, display)
        if kind == "parquet" and path.stat().st_size > 0 and _parquet_rows(path) > batch_rows:
            _reject_options(f"'{display}'", sep=sep, encoding=encoding, sheet=sheet)
            yield from _iter_parquet(path, display, batch_rows)
            return
    yield read_leads_coded(source, sep=sep, encoding=encoding, sheet=sheet)


def _parquet_rows(path: Path) -> int:
    """Rows of a Parquet file, from its footer (a file that is not Parquet: 0, and the reader says why)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return int(pq.read_metadata(path).num_rows)
    except (pa.ArrowException, OSError, ValueError):
        return 0


def _iter_parquet(path: Path, display: str, batch_rows: int) -> Iterator[pd.DataFrame]:
    """Batches of whole row groups (a row group longer than ``batch_rows`` in slices of its own).

    Row groups are read with ``read_row_groups``: pyarrow's ``iter_batches``
    over a whole file kept some 23 MB per million rows until the end of the
    file (3.19 GiB peak to score 100M leads, against 0.75 GiB this way).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema(path, display)
    first_row = 0
    try:
        with pq.ParquetFile(path, read_dictionary=_text_fields(schema)) as file:
            for groups in _row_group_batches(file.metadata, batch_rows):
                if len(groups) == 1 and file.metadata.row_group(groups[0]).num_rows > batch_rows:
                    parts = (pa.Table.from_batches([batch]).replace_schema_metadata(file.schema_arrow.metadata)
                             for batch in file.iter_batches(batch_size=batch_rows, row_groups=groups,
                                                            use_pandas_metadata=True))
                else:
                    parts = iter([file.read_row_groups(groups, use_pandas_metadata=True)])
                for table in parts:
                    if table.num_rows == 0:
                        continue
                    frame = table.to_pandas(split_blocks=True, self_destruct=True)
                    del table
                    yield _tidy_parquet_frame(frame, display, first_row=first_row)
                    first_row += len(frame)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(f"'{display}' could not be read as Parquet ({_one_line(exc)}); re-export it") from exc
    if first_row == 0:
        raise DataError(f"'{display}' has columns but no rows; export the leads with their data")


def _row_group_batches(metadata: object, batch_rows: int) -> list[list[int]]:
    """Consecutive row groups put together up to ``batch_rows`` rows (a longer group on its own)."""
    batches: list[list[int]] = []
    rows = 0
    for group in range(metadata.num_row_groups):  # type: ignore[attr-defined]
        n = metadata.row_group(group).num_rows  # type: ignore[attr-defined]
        if batches and rows + n <= batch_rows:
            batches[-1].append(group)
            rows += n
        else:
            batches.append([group])
            rows = n
    return batches


def _read(
    source: str | os.PathLike[str] | pd.DataFrame, *, sep: str | None, encoding: str | None,
    sheet: str | int | None, text_codes: bool,
) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        _reject_options("a DataFrame", sep=sep, encoding=encoding, sheet=sheet)
        repeated = source.columns[source.columns.duplicated()].unique().tolist()
        if repeated:
            # Selecting a repeated name gives a frame, not a column: every later step would misread it.
            raise DataError(f"the DataFrame has duplicate column names {repeated}; rename them (e.g. "
                            "frame.columns = [...]) so each column has its own name")
        return source.copy(deep=True)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path or a pandas.DataFrame, not {type(source).__name__}")

    display = os.fspath(source)
    path = Path(display)
    _check_path(path, display)
    kind, compressed = _classify(path, display)

    if kind == "text":
        _reject_options(f"'{display}'", sheet=sheet)
        return _read_text(path, display, compressed=compressed, sep=sep, encoding=encoding)
    if path.stat().st_size == 0:
        raise DataError(f"'{display}' is empty (0 bytes); export the leads again")
    if kind == "parquet":
        _reject_options(f"'{display}'", sep=sep, encoding=encoding, sheet=sheet)
        return _read_parquet(path, display, text_codes=text_codes)
    _reject_options(f"'{display}'", sep=sep, encoding=encoding)
    return _read_excel(path, display, sheet)


# --------------------------------------------------------------------------- #
# Path checks
# --------------------------------------------------------------------------- #
def _reject_options(what: str, **options: object) -> None:
    given = [name for name, value in options.items() if value is not None]
    if given:
        names = ", ".join(f"{name}=" for name in given)
        raise DataError(
            f"{names} does not apply to {what}; leave it out (sep=/encoding= are for text files, sheet= for Excel)"
        )


def _check_path(path: Path, display: str) -> None:
    if path.is_dir():
        inside = sorted(
            p.name for p in path.iterdir() if p.is_file() and _suffix_of(p) is not None
        )[:5]
        hint = f" (it holds {', '.join(repr(n) for n in inside)})" if inside else ""
        raise DataError(f"'{display}' is a directory, not a file; pass the path of a leads file inside it{hint}")
    if path.exists():
        return
    parent = path.parent
    if parent.is_dir():
        try:
            names = [p.name for p in parent.iterdir()]
        except OSError:
            names = []
        close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
        raise DataError(f"file not found: '{display}'; check the path{hint}")
    raise DataError(f"file not found: '{display}'; check the path (directory '{parent}' does not exist)")


def _suffix_of(path: Path) -> tuple[str, bool] | None:
    """Return (format suffix, gzip-compressed) or None if unsupported."""
    suffixes = [s.lower() for s in path.suffixes]
    if not suffixes:
        return None
    last = suffixes[-1]
    if last == ".gz":
        if len(suffixes) >= 2 and suffixes[-2] in _TEXT_SUFFIXES:
            return suffixes[-2], True
        return None
    if last in _TEXT_SUFFIXES + _PARQUET_SUFFIXES + _EXCEL_SUFFIXES:
        return last, False
    return None


def _classify(path: Path, display: str) -> tuple[str, bool]:
    found = _suffix_of(path)
    if found is None:
        shown = "".join(path.suffixes[-2:]) if path.suffix.lower() == ".gz" else path.suffix or "(none)"
        raise DataError(
            f"unsupported file type {shown} for '{display}'; supported: {_SUPPORTED}; export the leads in one of them"
        )
    suffix, compressed = found
    if suffix in _TEXT_SUFFIXES:
        return "text", compressed
    if suffix in _PARQUET_SUFFIXES:
        return "parquet", False
    return "excel", False


# --------------------------------------------------------------------------- #
# Text files
# --------------------------------------------------------------------------- #
def _read_text(path: Path, display: str, *, compressed: bool, sep: str | None, encoding: str | None) -> pd.DataFrame:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"'{display}' cannot be read ({_one_line(exc)}); check its permissions") from exc
    if not raw:
        raise DataError(f"'{display}' is empty (0 bytes); export the leads again")
    if compressed or raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, display)
        if not raw:
            raise DataError(f"'{display}' is empty (it decompresses to 0 bytes); export the leads again")
    if raw[:4] == b"PK\x03\x04":
        raise DataError(f"'{display}' is a zip archive or an Excel workbook, not text; rename it to .xlsx or unzip it")
    if raw[:4] == b"PAR1":
        raise DataError(f"'{display}' is a Parquet file, not text; rename it to .parquet")

    _, payload, sample = _decode(raw, display, encoding)
    del raw
    if not sample.strip():
        raise DataError(f"'{display}' is empty (only blank lines, no header); export the leads again")

    head = _delimiter_sample(sample)
    delimiter = _resolve_sep(sep, display) if sep is not None else detect_delimiter(head)
    records = _parse_records(head, delimiter, _DELIMITER_SAMPLE_LINES + 1)
    if not records:
        raise DataError(f"'{display}' is empty (only blank lines, no header); export the leads again")
    names = _header_names(records[0][0])
    if sep is not None:
        _check_given_sep(head, delimiter, len(names), display)

    # Rows with more fields than the header (a header without the trailing
    # delimiter every row has): name the extra fields instead of letting
    # pandas turn the first column(s) into the index.
    data_widths = Counter(len(fields) for fields, _ in records[1:])
    width = max(len(names), data_widths.most_common(1)[0][0]) if data_widths else len(names)
    if len(records) > 1 and len(records[1][0]) > width:
        fields, line = records[1]
        raise DataError(
            f"cannot parse '{display}': line {line} has {len(fields)} fields but the header has {len(names)}; "
            f"quote the field holding a '{_printable(delimiter)}' on that line or pass sep=..."
        )
    extra = [f"Unnamed: {i}" for i in range(len(names), width)]
    _check_unique(names + extra, display)

    try:
        frame = pd.read_csv(
            io.BytesIO(payload),
            sep=delimiter,
            header=0,
            names=names + extra,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8",
            engine="c",
            quotechar='"',
            doublequote=True,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"'{display}' is empty (no header); export the leads again") from exc
    except pd.errors.ParserError as exc:
        raise DataError(_parser_message(exc, display, delimiter)) from exc
    del payload

    if not isinstance(frame.index, pd.RangeIndex):  # pragma: no cover - guarded by the width check above
        raise DataError(
            f"cannot parse '{display}': rows have more fields than the header; check the delimiter or pass sep=..."
        )
    if len(frame) == 0:
        raise DataError(f"'{display}' has a header but no rows; export the leads with their data")
    _check_mixed_delimiters(frame, delimiter, display)
    if extra:
        filled = [c for c in extra if (frame[c] != "").any()]
        if filled:
            warnings.warn(
                f"'{display}': data rows have {width} fields but the header has {len(names)}; "
                f"the extra field(s) were read as {', '.join(repr(c) for c in extra)} and hold values; "
                "check the header",
                DataQualityWarning,
                stacklevel=3,
            )
    return frame


def _gunzip(raw: bytes, display: str) -> bytes:
    try:
        return gzip.decompress(raw)
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError) as exc:
        raise DataError(
            f"'{display}' is not a valid gzip file ({_one_line(exc)}); compress it again or pass the plain CSV"
        ) from exc


def _resolve_sep(sep: str, display: str) -> str:
    aliases = {"\\t": "\t", "tab": "\t"}
    resolved = aliases.get(sep, sep)
    if len(resolved) != 1 or resolved in ('"', "\n", "\r") or not resolved.isascii():
        raise DataError(
            f"sep={sep!r} for '{display}' must be one character other than a quote or line break (ASCII), e.g. ',' or ';'"
        )
    return resolved


def _check_given_sep(head: str, delimiter: str, n_columns: int, display: str) -> None:
    """Refuse a given ``sep`` that reads the header as one column while another delimiter splits it.

    Parameters
    ----------
    head : str
        The decoded start of the file.
    delimiter : str
        The delimiter the caller gave.
    n_columns : int
        Columns the header has with ``delimiter``.
    display : str
        The file as named in messages.

    Raises
    ------
    DataError
        The header is a single column with ``delimiter`` but the detected
        delimiter gives the header and most lines several columns.
    """
    if n_columns > 1:
        return
    detected = detect_delimiter(head)
    if detected == delimiter:
        return
    records = _parse_records(head, detected, _DELIMITER_SAMPLE_LINES)
    if len(records[0][0]) < 2:
        return
    header = next(line for line in head.splitlines() if line.strip())
    shown = _printable(detected)
    raise DataError(
        f"with sep='{_printable(delimiter)}' the header of '{display}' is one column ({_shorten(header)!r}) but the "
        f"file looks delimited by '{shown}' ({len(records[0][0])} columns); pass sep='{shown}' (CLI: --sep '{shown}') "
        "or leave sep out to detect it"
    )


def _check_mixed_delimiters(frame: pd.DataFrame, delimiter: str, display: str) -> None:
    """Refuse rows written with another delimiter than the rest of the file.

    Such a row parses as one field: its whole text lands in the first column
    and every other column is padded with ``""``, so its values would be
    silently lost. A row counts when its other columns are all empty and its
    first cell splits, with another candidate delimiter, into exactly the
    header's number of fields (only checked for three or more columns, so a
    stray ``;`` in a note is not mistaken for one). Vectorised over rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file as read, every cell text.
    delimiter : str
        The delimiter the file was read with.
    display : str
        The file as named in messages.

    Raises
    ------
    DataError
        Naming the count, the first rows (1-based data rows) and the
        delimiter they use.
    """
    n_columns = frame.shape[1]
    if n_columns < 3:
        return
    # Narrow down column by column from the last: rows with values drop out after a column or two.
    rows = np.flatnonzero((frame.iloc[:, -1] == "").to_numpy())
    for position in range(n_columns - 2, 0, -1):
        if rows.size == 0:
            return
        rows = rows[(frame.iloc[rows, position] == "").to_numpy()]
    if rows.size == 0:
        return
    first = frame.iloc[rows, 0]
    for other in _DELIMITERS:
        if other == delimiter:
            continue
        hits = first[first.str.count(re.escape(other)) == n_columns - 1]
        if hits.empty:
            continue
        # read_csv gives a RangeIndex: label + 1 is the 1-based data row.
        shown = ", ".join(str(int(label) + 1) for label in hits.index[:5]) + (", ..." if len(hits) > 5 else "")
        raise DataError(
            f"'{display}' mixes delimiters: {len(hits)} data row(s) use '{_printable(other)}' instead of "
            f"'{_printable(delimiter)}' (data rows {shown}, e.g. {_shorten(hits.iloc[0])!r}), so their values "
            f"would all land in column {str(frame.columns[0])!r}; re-export the file with one delimiter "
            f"(or replace '{_printable(other)}' by '{_printable(delimiter)}' on those rows)"
        )


def _shorten(text: object, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _printable(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter


def _delimiter_sample(text: str) -> str:
    """The start of the text, cut after a line break when it is long."""
    if len(text) <= _DELIMITER_SAMPLE_CHARS:
        return text
    cut = max(text.rfind("\n", 0, _DELIMITER_SAMPLE_CHARS), text.rfind("\r", 0, _DELIMITER_SAMPLE_CHARS))
    return text[: cut + 1] if cut > 0 else text


def _parse_records(text: str, delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """Up to ``limit`` non-blank records as (fields, first line number)."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False
    )
    records: list[tuple[list[str], int]] = []
    line = 0
    try:
        for fields in reader:
            start = line + 1
            line = reader.line_num
            if not fields:
                continue
            records.append((fields, start))
            if len(records) >= limit:
                break
    except csv.Error:  # unterminated quote at the sample's end, huge field, ...
        pass
    return records


def _header_names(fields: list[str]) -> list[str]:
    names = []
    for position, field in enumerate(fields):
        name = field.replace("\ufeff", "").strip() if position == 0 else field.strip()
        names.append(name if name else f"Unnamed: {position}")
    return names


def _check_unique(names: list[str], display: str) -> None:
    counts = Counter(names)
    duplicated = [name for name, count in counts.items() if count > 1]
    if duplicated:
        detail = "; ".join(
            f"{name!r} (columns {', '.join(str(i + 1) for i, n in enumerate(names) if n == name)})"
            for name in duplicated
        )
        raise DataError(
            f"'{display}' has duplicated column names in its header: {detail}; "
            "rename them so every column name is unique"
        )


def _parser_message(exc: Exception, display: str, delimiter: str) -> str:
    text = _one_line(exc).replace("Error tokenizing data. C error: ", "")
    where = re.search(r"\b(line|row) (\d+)", text)
    # pandas counts "line N" from 1 but "row N" (an unclosed quote) from 0, the header being row 0.
    line = int(where.group(2)) + (where.group(1) == "row") if where else None
    at = f" near line {line}" if where else ""
    hint = " (a quote opened there is never closed)" if "EOF inside string" in text else ""
    return (
        f"cannot parse '{display}'{at}: {text}{hint}; check the quoting and delimiter ('{_printable(delimiter)}') "
        "there, or pass sep=..."
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# --------------------------------------------------------------------------- #
# Encodings
# --------------------------------------------------------------------------- #
def _charset_normalizer_guess(sample: bytes) -> str | None:
    """charset-normalizer's best guess, ranked for CRM exports.

    On short samples its ranking between close code pages is noisy (a
    cp1252 file with "Zürich" may come out as cp1250 or cp775), so: DOS,
    EBCDIC and Mac pages are dropped when anything else fits; cp1252 wins
    when it is nearly as good as the best (chaos within 0.01, coherence
    within 0.06), then another Windows page under the same condition, else
    the best match. The UTF-8-looking sequences of a mixed sample are left
    out of the guess (they are flagged separately).
    """
    guess = _rank_guess(sample)
    if guess is not None and _is_single_byte(_codec_name(guess)) and _UTF8_SEQUENCE.search(sample):
        stripped = _rank_guess(_UTF8_SEQUENCE.sub(b"", sample))
        if stripped is not None and _is_single_byte(_codec_name(stripped)):
            guess = stripped
    return guess


def _rank_guess(sample: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    candidates: list[tuple[float, float, str]] = []
    for match in from_bytes(sample):
        for name in dict.fromkeys([match.encoding, *match.could_be_from_charset]):
            candidates.append((match.chaos, -match.coherence, name))
    candidates = [c for c in candidates if not _UNLIKELY_ENCODINGS.match(c[2])] or candidates
    if not candidates:
        return None
    best = min(candidates)
    close = [c for c in candidates if c[0] <= best[0] + 0.01 and c[1] <= best[1] + 0.06]
    for preferred in (lambda n: n == "cp1252", lambda n: re.fullmatch(r"cp125\d", n) is not None):
        chosen = [c for c in close if preferred(c[2])]
        if chosen:
            best = min(chosen)
            break
    name = best[2]
    return {"ascii": "utf-8", "utf_8": "utf-8", "latin_1": "latin-1"}.get(name, name)


def _codec_name(encoding: str) -> str:
    codec = codecs.lookup(encoding)
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, hex: codecs, not text encodings
        raise LookupError(encoding)
    return codec.name


def _decode(raw: bytes, display: str, forced: str | None) -> tuple[str, bytes, str]:
    """Decode strictly; return (encoding, UTF-8 payload for pandas, text sample)."""
    if forced is not None:
        try:
            codec = _codec_name(forced)
        except LookupError as exc:
            raise DataError(
                f"unknown encoding {forced!r} for '{display}'; "
                "use e.g. 'utf-8', 'cp1252' or 'latin-1', or omit encoding="
            ) from exc
        try:
            return _decode_as(raw, codec)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"'{display}' cannot be decoded as {forced!r}: {_describe_bad_byte(raw, exc)}; "
                "pass the right encoding= or omit it to detect the encoding"
            ) from exc

    guessed = detect_encoding(raw)
    codec = _codec_name(guessed)
    if codec not in _UTF8_NAMES and _is_single_byte(codec):
        _check_utf8_mixed_in(raw[:_ENCODING_SAMPLE_BYTES], display, guessed)
    try:
        return _decode_as(raw, codec)
    except UnicodeDecodeError as exc:
        failure = exc
    sample_is_ascii = raw[:_ENCODING_SAMPLE_BYTES].isascii()
    if codec in _UTF8_NAMES and not sample_is_ascii:
        # Genuine UTF-8 (multi-byte characters) at the start, invalid bytes
        # later: re-decoding everything with a single-byte code page would turn
        # the earlier characters into mojibake.
        raise DataError(
            f"'{display}' mixes encodings: it starts as UTF-8 but {_describe_bad_byte(raw, failure)} is not UTF-8; "
            "re-save the file as UTF-8 or pass encoding=..."
        )
    start = max(0, failure.start - (1 << 16))
    window_guess = _codec_name(detect_encoding(raw[start : failure.start + (1 << 16)]))
    for fallback in dict.fromkeys([window_guess, "cp1252", "iso8859-1"]):
        if fallback == codec or fallback in _UTF8_NAMES:
            continue
        try:
            result = _decode_as(raw, fallback)
        except UnicodeDecodeError:
            continue
        shown = "latin-1" if fallback == "iso8859-1" else fallback
        warnings.warn(
            f"'{display}': the start of the file looked like {guessed} but {_describe_bad_byte(raw, failure)} "
            f"is not valid {guessed}; read the whole file as {shown} instead; pass encoding=... if that is wrong",
            DataQualityWarning,
            stacklevel=4,
        )
        return result
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_ASCII_BYTES = bytes(range(128))


def _is_single_byte(codec: str) -> bool:
    return len(bytes(range(256)).decode(codec, errors="replace")) == 256


def _check_utf8_mixed_in(sample: bytes, display: str, guessed: str) -> None:
    """Refuse (or flag) a sample holding both UTF-8 characters and non-UTF-8 bytes.

    Decoding such text with one single-byte code page would silently turn its
    UTF-8 characters into mojibake (``"Zürich"`` -> ``"ZÃ¼rich"``).
    """
    utf8 = _UTF8_SEQUENCE.findall(sample)
    if not utf8:
        return
    high_bytes = len(sample.translate(None, _ASCII_BYTES))
    stray = high_bytes - sum(len(seq) for seq in utf8)
    try:
        sample.decode("utf-8")
        return  # pragma: no cover - detect_encoding would have said UTF-8
    except UnicodeDecodeError as exc:
        where = _describe_bad_byte(sample, exc)
    if len(utf8) >= stray:
        raise DataError(
            f"'{display}' mixes encodings: it is mostly UTF-8 but {where} is not UTF-8; "
            "re-save the file as UTF-8 or pass encoding=..."
        )
    warnings.warn(
        f"'{display}' was read as {guessed} but holds {len(utf8)} byte sequence(s) that look like UTF-8 "
        f"(first non-UTF-8 byte: {where}); those characters may show as mojibake such as 'Ã©'; "
        "re-save the file in one encoding or pass encoding=...",
        DataQualityWarning,
        stacklevel=5,
    )


def _decode_as(raw: bytes, codec: str) -> tuple[str, bytes, str]:
    """Strictly decode ``raw``; raise UnicodeDecodeError (with file offsets) on failure."""
    if codec in _UTF8_NAMES:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        sample = ""
        view = memoryview(raw)
        for offset in range(0, len(raw), _VALIDATE_CHUNK_BYTES):
            chunk = view[offset : offset + _VALIDATE_CHUNK_BYTES]
            final = offset + _VALIDATE_CHUNK_BYTES >= len(raw)
            pending = len(decoder.getstate()[0])  # bytes of a character cut by the previous chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                raise UnicodeDecodeError(
                    "utf-8", raw, offset - pending + exc.start, offset - pending + exc.end, exc.reason
                ) from None
            if offset == 0:
                sample = text[: _ENCODING_SAMPLE_BYTES]
        sample = sample.removeprefix("\ufeff")
        return codec, raw, sample
    text = raw.decode(codec)
    text = text.removeprefix("\ufeff")
    return codec, text.encode("utf-8"), text[:_ENCODING_SAMPLE_BYTES]


def _describe_bad_byte(raw: bytes, exc: UnicodeDecodeError) -> str:
    position = exc.start
    line = raw.count(b"\n", 0, position) + 1
    return f"byte 0x{raw[position]:02X} at line {line} (offset {position})"


# --------------------------------------------------------------------------- #
# Parquet
# --------------------------------------------------------------------------- #
def _read_parquet(path: Path, display: str, *, text_codes: bool = False) -> pd.DataFrame:
    import pyarrow as pa

    schema = _parquet_schema(path, display)
    try:
        if text_codes:
            frame = _read_parquet_by_columns(path, _text_fields(schema))
        else:
            frame = pd.read_parquet(path, engine="pyarrow")
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(f"'{display}' could not be read as Parquet ({_one_line(exc)}); re-export it") from exc
    return _tidy_parquet_frame(frame, display)


def _parquet_schema(path: Path, display: str) -> object:
    """The file's Arrow schema; a clear error for a file that is not Parquet or has nested columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(
            f"'{display}' could not be read as Parquet ({_one_line(exc)}); re-export it or check it is not truncated"
        ) from exc
    nested = [field.name for field in schema if pa.types.is_nested(field.type)]
    if nested:
        shown = ", ".join(f"{name!r} ({schema.field(name).type})" for name in nested)
        raise DataError(
            f"'{display}' has nested Parquet column(s) {shown}; flatten them into plain columns "
            "(e.g. pandas.json_normalize) before reading"
        )
    return schema


def _text_fields(schema: object) -> list[str]:
    """Names of a schema's text columns (read as categoricals by :func:`read_leads_coded`)."""
    import pyarrow as pa

    return [field.name for field in schema  # type: ignore[attr-defined]
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)]


def _tidy_parquet_frame(frame: pd.DataFrame, display: str, *, first_row: int | None = None) -> pd.DataFrame:
    """A stored named index made a column again, names stripped and unique, at least one row.

    An unnamed stored index is only row positions: dropped, for a RangeIndex;
    with ``first_row`` (a batch of a larger file), positions from there on.
    """
    if not isinstance(frame.index, pd.RangeIndex):
        # A named index stored by pandas is data (e.g. "Prospect ID"): make it a column again.
        named = [name for name in frame.index.names if name is not None]
        if named:
            frame = frame.reset_index(level=named)
        if not isinstance(frame.index, pd.RangeIndex):
            frame = frame.reset_index(drop=True)
    if first_row is not None:
        frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    frame.columns = [c.strip() if isinstance(c, str) else c for c in frame.columns]
    _check_unique([str(c) for c in frame.columns], display)
    if len(frame) == 0:
        raise DataError(f"'{display}' has columns but no rows; export the leads with their data")
    return frame


#: Columns of a Parquet file read and converted at a time by :func:`read_leads_coded`.
_PARQUET_COLUMNS_AT_A_TIME = 4


def _read_parquet_by_columns(path: Path, texts: Sequence[str]) -> pd.DataFrame:
    """A Parquet file as pandas, ``texts`` as categoricals, a few columns at a time.

    Each batch of columns is decoded and converted one block per column, the
    Arrow buffers freed as they are converted (``split_blocks``,
    ``self_destruct``), so the next batch reuses their memory. Decoding the
    whole table first and gathering its numeric columns into 2-D blocks (the
    defaults) touched 100-250 MB of fresh memory at 1M rows: 0.3-0.8 s of
    page faults on the benchmark machine, against 0.2-0.3 s for the whole
    read this way. The pandas metadata brings the stored index with every
    batch, so the batches line up as the whole table would.
    """
    import pyarrow.parquet as pq

    with pq.ParquetFile(path, read_dictionary=texts) as file:
        names = file.schema_arrow.names
        parts = [file.read(columns=names[start:start + _PARQUET_COLUMNS_AT_A_TIME], use_pandas_metadata=True)
                 .to_pandas(split_blocks=True, self_destruct=True)
                 for start in range(0, max(len(names), 1), _PARQUET_COLUMNS_AT_A_TIME)]
    return parts[0] if len(parts) == 1 else pd.concat(parts, axis=1)


# --------------------------------------------------------------------------- #
# Excel
# --------------------------------------------------------------------------- #
def _read_excel(path: Path, display: str, sheet: str | int | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".xls" and importlib.util.find_spec("xlrd") is None:
        raise DataError(
            f"reading the old .xls format of '{display}' needs xlrd: pip install xlrd (or save it as .xlsx or .csv)"
        )
    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # openpyxl/xlrd raise many types for a corrupt file
        raise DataError(
            f"'{display}' could not be read as an Excel workbook ({_one_line(exc)}); open and re-save it, "
            "or export it as CSV"
        ) from exc
    with book:
        sheets = [str(name) for name in book.sheet_names]
        if not sheets:
            raise DataError(f"'{display}' has no sheets; export the leads again")
        chosen = _choose_sheet(sheets, sheet, display)
        if sheet is None and len(sheets) > 1:
            warnings.warn(
                f"'{display}' has {len(sheets)} sheets ({', '.join(repr(s) for s in sheets)}); read the first, "
                f"{chosen!r}; pass sheet=... (CLI: --sheet) to read another",
                DataQualityWarning,
                stacklevel=3,
            )
        try:
            cells = pd.read_excel(
                book,
                sheet_name=chosen,
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
            )
        except Exception as exc:
            raise DataError(
                f"sheet {chosen!r} of '{display}' could not be read ({_one_line(exc)}); open and re-save the workbook, "
                "or export it as CSV"
            ) from exc

    if cells.shape[0] == 0 or cells.shape[1] == 0:
        raise DataError(f"sheet {chosen!r} of '{display}' is empty; choose the sheet holding the leads with sheet=...")
    cells = cells.fillna("")  # error cells (#DIV/0!) come back missing
    _check_merged_cells(_merged_ranges(path, chosen), cells, chosen, display)
    names = _header_names([str(v) for v in cells.iloc[0].tolist()])
    _check_unique(names, display)
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = names
    if len(frame) == 0:
        raise DataError(f"sheet {chosen!r} of '{display}' has a header but no rows; export the leads with their data")
    return frame


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _merged_ranges(path: Path, sheet: str) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges of an ``.xlsx``/``.xlsm`` sheet.

    pandas reads a merged range as its top-left value followed by blanks, so
    the ranges are looked up in the workbook's XML (the ``mergeCell``
    elements of the sheet part; openpyxl's read-only mode does not expose
    them). Best effort: an ``.xls`` file or any unexpected structure gives
    no ranges.

    Parameters
    ----------
    path : pathlib.Path
        The workbook.
    sheet : str
        The sheet name.

    Returns
    -------
    list of tuple
        ``(first_row, first_column, last_row, last_column)``, 0-based (row 0
        is the sheet's row 1, the header pandas reads), sorted.
    """
    import html
    import zipfile

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
            rid = None
            for match in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", book):
                tag = match.group(0)
                name = re.search(rb'\bname="([^"]*)"', tag)
                if name and html.unescape(name.group(1).decode("utf-8")) == sheet:
                    found = re.search(rb'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', tag)
                    rid = found and (found.group(1) or found.group(2))
                    break
            if not rid:
                return []
            target = None
            for match in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
                if re.search(rb'\bId="' + re.escape(rid) + rb'"', match.group(0)):
                    found = re.search(rb'\bTarget="([^"]*)"', match.group(0))
                    target = found and found.group(1).decode("utf-8")
                    break
            if not target:
                return []
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = archive.read(part)
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return []
    ranges = []
    for match in _MERGE_REF.finditer(xml):
        first_col, first_row, last_col, last_row = match.group(1), match.group(2), match.group(3), match.group(4)
        last_col, last_row = last_col or first_col, last_row or first_row
        ranges.append((int(first_row) - 1, _column_index(first_col), int(last_row) - 1, _column_index(last_col)))
    return sorted(ranges)


def _column_index(letters: bytes) -> int:
    """0-based index of an Excel column name (``b"A"`` -> 0, ``b"AB"`` -> 27)."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _cell_name(row: int, column: int) -> str:
    """Excel name of a 0-based cell (``(0, 27)`` -> ``"AB1"``)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _check_merged_cells(ranges: list[tuple[int, int, int, int]], cells: pd.DataFrame, sheet: str, display: str) -> None:
    """Refuse merged header cells; warn about merged data cells.

    A merged header cell (a group title over several columns, or a header
    spanning two rows) names one column and leaves the others ``Unnamed``
    or turns a header row into data; a merged data cell holds its value in
    its first cell only, the others read as blank.

    Parameters
    ----------
    ranges : list of tuple
        From :func:`_merged_ranges`.
    cells : pandas.DataFrame
        The sheet as read, header row first.
    sheet, display : str
        The sheet and file as named in messages.

    Raises
    ------
    DataError
        A merged range includes the header row.

    Warns
    -----
    DataQualityWarning
        Merged ranges below the header.
    """
    if not ranges:
        return
    header = [r for r in ranges if r[0] <= 0 <= r[2]]
    if header:
        shown = "; ".join(
            f"{_cell_name(r[0], r[1])}:{_cell_name(r[2], r[3])} "
            f"{str(cells.iat[r[0], r[1]]) if r[1] < cells.shape[1] else ''!r}"
            for r in header[:3]
        )
        raise DataError(
            f"sheet {sheet!r} of '{display}' has merged cells in its header row ({shown}); unmerge them so the first "
            "row holds one name per column (delete a title row above the names), save, or export the sheet as CSV"
        )
    blanks = sum((r[2] - r[0] + 1) * (r[3] - r[1] + 1) - 1 for r in ranges)
    first = ranges[0]
    warnings.warn(
        f"sheet {sheet!r} of '{display}' has {len(ranges)} merged cell range(s) below the header (e.g. "
        f"{_cell_name(first[0], first[1])}:{_cell_name(first[2], first[3])}); only the first cell of each holds the "
        f"value, so {blanks} cell(s) were read as blank; unmerge them and fill the value down if every row has it",
        DataQualityWarning,
        stacklevel=4,
    )


def _choose_sheet(sheets: list[str], sheet: str | int | None, display: str) -> str:
    listed = ", ".join(repr(s) for s in sheets)
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, bool) or not isinstance(sheet, (str, int)):
        raise DataError(
            f"sheet= must be a sheet name or a 0-based position, not {sheet!r}; sheets of '{display}': {listed}"
        )
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
        raise DataError(
            f"'{display}' has no sheet at position {sheet} (0-based; it has {len(sheets)}: {listed}); pass one of them"
        )
    if sheet in sheets:
        return sheet
    if sheet.strip().isdigit():  # "--sheet 1" on the command line
        return _choose_sheet(sheets, int(sheet), display)
    close = difflib.get_close_matches(sheet, sheets, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise DataError(f"'{display}' has no sheet {sheet!r} (sheets: {listed}){hint}")
