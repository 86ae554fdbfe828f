"""Checks of arrays handed to the pure statistical functions, with one voice.

Examples
--------
>>> from calibrate.validation import as_outcome
>>> as_outcome([True, False, 1.0]).tolist()
[1, 0, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from calibrate.errors import DataError

__all__ = ["as_outcome"]


def as_outcome(y: Any, n_rows: int | None = None, name: str = "y") -> np.ndarray:
    """``y`` as an int64 array of 0 (non-customer) and 1 (customer).

    Raises
    ------
    DataError
        ``y`` is not one-dimensional, does not have ``n_rows`` values, or holds
        values other than 0/1 (True/False).
    """
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise DataError(f"the outcome {name} must be one-dimensional, got shape {arr.shape}")
    if n_rows is not None and len(arr) != n_rows:
        raise DataError(f"the outcome {name} has {len(arr)} values but there are {n_rows} leads; "
                        "pass one outcome per lead")
    if arr.dtype == bool:
        return arr.astype(np.int64)
    try:
        values = arr.astype(float)
    except (TypeError, ValueError):
        raise DataError(f"the outcome {name} must be 0/1 (or True/False); convert it with calibrate.target first") from None
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        examples = ", ".join(map(str, pd.unique(arr[bad])[:3]))
        raise DataError(f"the outcome {name} must be 0/1 (or True/False); {int(bad.sum())} values are not (e.g. "
                        f"{examples}); map them to 0/1 or drop those leads")
    return values.astype(np.int64)
