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

import numpy as np
import pandas as pd

__all__ = ["neutralize_formulas", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralize_column(column: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    fixed = []
    for value in uniques:  # distinct values only
        text = value if isinstance(value, str) else None
        if text and text.startswith(_FORMULA_START) and pd.isna(pd.to_numeric(text, errors="coerce")):
            fixed.append("'" + text)
        else:
            fixed.append(value)
    lookup = np.array([*fixed, None], dtype=object)
    return pd.Series(lookup[codes], index=column.index, dtype=object).where(codes >= 0, column.astype(object))


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets
    a leading ``'``, unless it is a number (``-5`` stays ``-5``). Numeric
    columns are untouched.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype):
            out[name] = _neutralize_column(column)
    header = [("'" + c) if isinstance(c, str) and c.startswith(_FORMULA_START) else c for c in out.columns]
    return out.set_axis(header, axis=1)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as UTF-8 CSV (comma, CRLF as RFC 4180 says), formulas neutralised.

    With CRLF line ends the csv writer quotes any cell holding a lone carriage
    return, which would otherwise split a row in two when read back.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralize_formulas(frame).to_csv(path, index=False, lineterminator="\r\n", encoding="utf-8")
    return path
