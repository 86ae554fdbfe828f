"""A fingerprint of a lead table that ignores row and column order.

Two exports holding the same leads give the same fingerprint whatever the
order of their rows or columns, so a config records exactly which data it was
fitted on without depending on how the file was sorted.

Examples
--------
>>> import pandas as pd
>>> from calibrate.fingerprint import data_fingerprint
>>> a = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
>>> data_fingerprint(a) == data_fingerprint(a.iloc[::-1][["y", "x"]])
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.core.util.hashing import combine_hash_arrays
from pandas.util import hash_pandas_object

from calibrate.cleaning import _is_arrow_string
from calibrate.counting import gather

__all__ = ["column_hashes", "combine_hashes", "data_fingerprint", "fingerprint_of_rows", "row_hashes",
           "sorted_row_hashes"]


def _is_text(values: pd.Series) -> bool:
    if isinstance(values.dtype, pd.StringDtype) or _is_arrow_string(values.dtype):
        return True
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "string"


def _categorical_hash(values: pd.Series) -> np.ndarray:
    # pandas hashes a categorical's missing cells as 2**64 - 1, not as the column's missing value, so
    # the same leads read as category or as text would split and fingerprint differently.
    categories = pd.Series(values.cat.categories)
    codes = values.cat.codes.to_numpy()
    distinct = _column_hash(categories) if len(categories) else np.zeros(0, dtype=np.uint64)
    blank = pd.Series([None], dtype="str") if _is_text(categories) else pd.Series([np.nan])
    blank_hash = hash_pandas_object(blank, index=False, categorize=False).to_numpy()[0]
    if codes.dtype in (np.int8, np.int16):
        # Read as unsigned, the missing code -1 is the table's last entry: one gather from the narrow codes.
        unsigned = codes.view(np.uint8 if codes.dtype == np.int8 else np.uint16)
        table = np.full(np.iinfo(unsigned.dtype).max + 1, blank_hash, dtype=np.uint64)
        table[:len(distinct)] = distinct
        return gather(table, unsigned)
    hashes = distinct.take(np.maximum(codes, 0)) if len(distinct) else np.zeros(len(values), dtype=np.uint64)
    hashes[codes < 0] = blank_hash
    return hashes


def _column_hash(values: pd.Series) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _categorical_hash(values)
    # categorize=False: with categorize=True pandas hashes each distinct value through its first
    # occurrence, and as 0 == 0.0 an object column holding both hashed them as whichever came first.
    if not _is_text(values) or len(values) < 2:
        return hash_pandas_object(values, index=False, categorize=False).to_numpy()
    # Text: hash each distinct string once and spread it by code (pandas hashes every cell, 10x slower).
    # Equal strings are the same value, so this is the cell-by-cell hash exactly; missing cells (None, NaN
    # and pd.NA hash differently) are hashed as themselves.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = hash_pandas_object(pd.Series(uniques, dtype=values.dtype), index=False, categorize=False).to_numpy()
    hashes = distinct.take(np.maximum(codes, 0)) if len(distinct) else np.zeros(len(values), dtype=np.uint64)
    missing = codes < 0
    if missing.any():
        # A string dtype has one missing value, so one hash; object columns may mix None, NaN and pd.NA.
        blanks = values[missing] if values.dtype == object else values[missing][:1]
        hashes[missing] = hash_pandas_object(blanks, index=False, categorize=False).to_numpy()
    return hashes


def column_hashes(frame: pd.DataFrame) -> list[np.ndarray]:
    """A 64-bit hash of every cell, column by column (in the frame's column order).

    Each is ``pandas.util.hash_pandas_object(column, index=False,
    categorize=False)``, text hashed once per distinct value, except that a
    categorical column hashes as its values would uncategorised: pandas gives
    a categorical's missing cells a hash of their own, so the same leads read
    as text or as categories would otherwise fingerprint and split apart.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    list of numpy.ndarray
        One uint64 array per column (by position, so same-named columns stay apart).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": ["a", "b", "a"]})
    >>> hashes = column_hashes(frame)[0]
    >>> bool(hashes[0] == hashes[2]), bool(hashes[0] == hashes[1])
    (True, False)
    """
    from calibrate.parallel import map_columns

    return map_columns(_column_hash, [frame.iloc[:, i] for i in range(frame.shape[1])], rows=len(frame))


def combine_hashes(hashes: Sequence[np.ndarray], length: int) -> np.ndarray:
    """Row hashes from column hashes, as ``hash_pandas_object`` combines a DataFrame's columns.

    Parameters
    ----------
    hashes : sequence of numpy.ndarray
        Column hashes (:func:`column_hashes`), in the order wanted.
    length : int
        Rows (for no columns).

    Returns
    -------
    numpy.ndarray
        One uint64 per row.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    >>> expected = pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy()
    >>> bool((combine_hashes(column_hashes(frame), 2) == expected).all())
    True
    """
    # pandas' own combiner (CPython's tuple hash), so a row hashes as hash_pandas_object(frame) does.
    return combine_hash_arrays(iter(hashes), len(hashes), length)


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """``hash_pandas_object(frame, index=False, categorize=False)``, faster on text.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    numpy.ndarray
        One uint64 per row, a function of the row's values in column order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": ["a", None, "a"], "y": [1.0, 2.0, 1.0]})
    >>> hashes = row_hashes(frame)
    >>> bool(hashes[0] == hashes[2]), bool(hashes[0] == hashes[1])
    (True, False)
    """
    return combine_hashes(column_hashes(frame), len(frame))


def sorted_row_hashes(frame: pd.DataFrame, columns: Sequence[object] | None = None, *,
                      threads: bool = True) -> np.ndarray:
    """:func:`row_hashes` of ``columns`` (default all) taken in sorted name order, a few columns at a time.

    Each column's cell hashes are folded into the row hashes as soon as they
    are computed, so a wide table never holds a hash per cell (a million rows
    of 30 columns would be 240 MB, most of a fit's first-touch memory).

    Parameters
    ----------
    frame : pandas.DataFrame
        A table whose column names are distinct.
    columns : sequence, optional
        The columns to hash.
    threads : bool
        Hash long columns on the machine's cores (:func:`calibrate.parallel.iter_columns`);
        False hashes one column after the other, for a caller that runs
        this on a thread of its own beside other work.

    Returns
    -------
    numpy.ndarray
        One uint64 per row: ``row_hashes(frame[sorted(columns, key=str)])``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"b": [1, 2], "a": ["x", "y"]})
    >>> bool((sorted_row_hashes(frame) == row_hashes(frame[["a", "b"]])).all())
    True
    """
    from calibrate.parallel import iter_columns

    names = sorted(frame.columns if columns is None else columns, key=str)
    columns_in_order = [frame[name] for name in names]
    hashes = (iter_columns(_column_hash, columns_in_order, rows=len(frame)) if threads
              else map(_column_hash, columns_in_order))
    return combine_hash_arrays(hashes, len(names), len(frame))


def fingerprint_of_rows(names: Sequence[object], rows: np.ndarray) -> str:
    """``sha256:<hex>`` of the column ``names`` and the multiset of ``rows`` (row hashes).

    With a table's distinct names and its :func:`sorted_row_hashes`, this is
    its :func:`data_fingerprint`.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"b": [1, 2], "a": ["x", "y"]})
    >>> fingerprint_of_rows(frame.columns, sorted_row_hashes(frame)) == data_fingerprint(frame)
    True
    """
    digest = hashlib.sha256()
    digest.update("\x1f".join(sorted(str(c) for c in names)).encode("utf-8"))
    digest.update(np.sort(rows).astype("<u8").tobytes())
    return "sha256:" + digest.hexdigest()


def data_fingerprint(frame: pd.DataFrame, hashes: Sequence[np.ndarray] | None = None) -> str:
    """``sha256:<hex>`` of the column names and the multiset of rows.

    Each row is hashed by ``pandas.util.hash_pandas_object`` (each value
    hashed as itself, ``categorize=False``) over the columns in sorted name
    order, then the row hashes are sorted, so the fingerprint changes with any
    value but not with the order of rows or columns. Columns sharing a name
    (after ``str``) are combined per row in an order-free way, so swapping
    them changes nothing either.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is ignored.
    hashes : sequence of numpy.ndarray, optional
        Its :func:`column_hashes`, when already computed.

    Returns
    -------
    str
        ``sha256:`` and 64 hex digits.

    Examples
    --------
    >>> import pandas as pd
    >>> mixed = pd.DataFrame({"x": pd.Series([0, 0.0], dtype=object)})
    >>> data_fingerprint(mixed) == data_fingerprint(mixed.iloc[::-1])
    True
    """
    names = [str(c) for c in frame.columns]
    columns = sorted(names)
    if hashes is None:
        hashes = column_hashes(frame)
    if len(hashes) != len(names):
        raise ValueError(f"{len(hashes)} column hashes for {len(names)} columns")
    if len(set(names)) == len(names):
        # Text hashes alike whether pandas holds it as "str" or object, so the reader's dtype choice is moot.
        position = {name: i for i, name in enumerate(names)}
        rows = combine_hashes([hashes[position[name]] for name in columns], len(frame))
    else:
        # Same-named columns cannot be put in a canonical order, so their hashes are sorted within each row.
        blocks = []
        for name in sorted(set(names)):
            block = np.column_stack([hashes[i] for i, n in enumerate(names) if n == name])
            blocks.append(np.sort(block, axis=1))
        rows = row_hashes(pd.DataFrame(np.hstack(blocks)))
    return fingerprint_of_rows(columns, rows)
