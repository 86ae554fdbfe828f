"""CSV files for people: spreadsheet formulas in CRM fields are neutralised.

A lead field typed by a stranger (``=HYPERLINK("http://evil", "click")``)
becomes a live formula when a CSV is opened in Excel or Google Sheets. Every
CSV calibrate writes for humans goes through :func:`write_csv`, which prefixes
such text cells with a single quote (the OWASP recommendation) while numbers,
negative ones included, stay numbers.

Examples
--------
>>> import pandas as pd
>>> from calibrate.safe_csv import neutralize_formulas
>>> neutralize_formulas(pd.DataFrame({"a": ["=1+2", "-5", "@SUM(A1)", "ok"], "n": [-1, 2, 3, 4]}))["a"].tolist()
["'=1+2", '-5', "'@SUM(A1)", 'ok']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

__all__ = ["append_csv", "neutralize_formulas", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_formula(value: object) -> bool:
    """Text that a spreadsheet would run: a formula start that is not a number (``-5`` stays a number)."""
    return (isinstance(value, str) and value.startswith(_FORMULA_START)
            and bool(pd.isna(pd.to_numeric(value, errors="coerce"))))


def _neutralize_column(column: pd.Series) -> pd.Series | None:
    """The column with formula cells quoted, or None when it holds none (it is then kept as it is).

    The distinct values are checked first (a categorical's categories, Arrow's
    ``unique`` for Arrow text): most CRM columns hold no formula, and
    converting a million cells to Python objects costs 70 ms a column.
    """
    distinct = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column.unique()
    if not any(_is_formula(value) for value in distinct):
        return None
    codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
    lookup = np.array([*("'" + v if _is_formula(v) else v for v in uniques), None], dtype=object)
    fixed = lookup[codes]
    missing = np.flatnonzero(codes < 0)
    if len(missing):  # missing cells keep their own marker (None, NaN or NA)
        fixed[missing] = column.iloc[missing].to_numpy(dtype=object)
    return pd.Series(fixed, index=column.index, dtype=object, copy=False)


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets
    a leading ``'``, unless it is a number (``-5`` stays ``-5``). Numeric
    columns, and text columns holding no such cell, are kept as they are; a
    text column with one becomes a column of objects.
    """
    out = frame.copy(deep=False)  # columns are replaced, never written into: the caller's frame stays as it is
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(column.dtype) \
                or pd.api.types.is_string_dtype(column.dtype):
            fixed = _neutralize_column(column)
            if fixed is not None:
                out.isetitem(position, fixed)
    header = [("'" + c) if isinstance(c, str) and c.startswith(_FORMULA_START) else c for c in out.columns]
    return out.set_axis(header, axis=1)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as UTF-8 CSV (comma, CRLF as RFC 4180 says), formulas neutralised.

    With CRLF line ends the csv writer quotes any cell holding a lone carriage
    return, which would otherwise split a row in two when read back.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        append_csv(frame, handle, header=True)
    return path


def append_csv(frame: pd.DataFrame, handle: IO[str], *, header: bool) -> None:
    """Write ``frame``'s rows (and its header, when asked) to an open text file as :func:`write_csv` writes them.

    ``handle`` must be opened with ``newline=""`` and UTF-8, so the CRLF line
    ends are written as they are; appending batches this way gives the file
    :func:`write_csv` writes for the whole frame.
    """
    neutralize_formulas(frame).to_csv(handle, header=header, index=False, lineterminator="\r\n")
