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


def data_fingerprint(frame: pd.DataFrame) -> str:
    """``sha256:<hex>`` of the column names and the multiset of rows.

    Each row is hashed by ``pandas.util.hash_pandas_object`` over the columns
    in sorted name order, then the row hashes are sorted, so the fingerprint
    changes with any value but not with the order of rows or columns.
    """
    columns = sorted(map(str, frame.columns))
    renamed = frame.set_axis([str(c) for c in frame.columns], axis=1)[columns]
    # Text hashes alike whether pandas holds it as "str" or object, so the reader's dtype choice is moot.
    row_hashes = np.sort(pd.util.hash_pandas_object(renamed, index=False).to_numpy())
    digest = hashlib.sha256()
    digest.update("\x1f".join(columns).encode("utf-8"))
    digest.update(row_hashes.astype("<u8").tobytes())
    return "sha256:" + digest.hexdigest()
