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

import numpy as np
import pandas as pd

__all__ = ["data_fingerprint"]


def _hashes(values: pd.DataFrame | pd.Series) -> np.ndarray:
    # categorize=False: with categorize=True pandas hashes each distinct value through its first
    # occurrence, and as 0 == 0.0 an object column holding both hashed them as whichever came first.
    return pd.util.hash_pandas_object(values, index=False, categorize=False).to_numpy()


def data_fingerprint(frame: pd.DataFrame) -> str:
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
    renamed = frame.set_axis(names, axis=1)
    if len(set(names)) == len(names):
        # Text hashes alike whether pandas holds it as "str" or object, so the reader's dtype choice is moot.
        row_hashes = _hashes(renamed[columns])
    else:
        # Same-named columns cannot be put in a canonical order, so their hashes are sorted within each row.
        blocks = []
        for name in sorted(set(names)):
            positions = [i for i, n in enumerate(names) if n == name]
            block = np.column_stack([_hashes(renamed.iloc[:, i]) for i in positions])
            blocks.append(np.sort(block, axis=1))
        row_hashes = _hashes(pd.DataFrame(np.hstack(blocks)))
    digest = hashlib.sha256()
    digest.update("\x1f".join(columns).encode("utf-8"))
    digest.update(np.sort(row_hashes).astype("<u8").tobytes())
    return "sha256:" + digest.hexdigest()
