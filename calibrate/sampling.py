"""Which rows a step uses when a table is too large to use them all.

Examples
--------
>>> import numpy as np
>>> from calibrate.sampling import subsample_rows
>>> keys = np.array([50, 10, 40, 30, 20], dtype=np.uint64)
>>> subsample_rows(5, 3, row_keys=keys).tolist()
[1, 4, 3]
"""

from __future__ import annotations

import numpy as np

__all__ = ["subsample_rows"]


def subsample_rows(n_rows: int, max_rows: int, *, seed: int = 0, row_keys: np.ndarray | None = None) -> np.ndarray:
    """Positions of ``max_rows`` of ``n_rows`` rows, drawn uniformly.

    Parameters
    ----------
    n_rows : int
        Rows in the table (at least ``max_rows``).
    max_rows : int
        Rows wanted.
    seed : int
        Seed of ``numpy.random.default_rng`` when no ``row_keys`` are given.
    row_keys : numpy.ndarray, optional
        A hash of each row's content (:func:`calibrate.fingerprint.row_hashes`):
        the rows with the ``max_rows`` smallest hashes are taken, so the same
        leads are used whatever the order of the rows.

    Returns
    -------
    numpy.ndarray
        Sorted int64 positions.

    Examples
    --------
    >>> len(subsample_rows(1_000, 10, seed=1))
    10
    """
    if not 0 < max_rows <= n_rows:
        raise ValueError(f"max_rows must be in 1..{n_rows}, got {max_rows}")
    if row_keys is None:
        return np.sort(np.random.default_rng(seed).choice(n_rows, size=max_rows, replace=False))
    if len(row_keys) != n_rows:
        raise ValueError(f"row_keys has {len(row_keys)} entries for {n_rows} rows")
    # In hash order, not position order, so sums over the sample add up in the same order too. Rows sharing a
    # hash hold the same values: whichever of them is taken, what is computed is the same.
    keys = np.asarray(row_keys)
    chosen = np.argpartition(keys, max_rows - 1)[:max_rows]
    return chosen[np.argsort(keys[chosen], kind="stable")].astype(np.int64)
