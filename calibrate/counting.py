"""Counting leads and customers per attribute level: the one pass over raw rows.

Each attribute is encoded to integer level codes (:meth:`encode` of its spec)
and counted with ``numpy.bincount``: a loop over attributes, never over rows.
Everything downstream works on the resulting count table, one row per
``(attribute, level)``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from calibrate.attributes import CategoricalSpec
>>> from calibrate.counting import count_levels
>>> spec = CategoricalSpec("demo", levels=["Yes", "No"])
>>> frame = pd.DataFrame({"demo": ["Yes", "No", "No", None]})
>>> table, codes = count_levels(frame, [spec], np.array([1, 0, 1, 0]))
>>> table.loc[("demo", "Yes"), ["leads", "customers"]].tolist()
[1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from calibrate.attributes import AttributeSpec
from calibrate.parallel import map_columns

__all__ = ["count_levels", "distinct_counts", "encode_all", "gather"]


def encode_all(frame: pd.DataFrame, specs: Sequence[AttributeSpec]) -> dict[str, np.ndarray]:
    """Level codes of every attribute, keyed by attribute name (the columns encoded on threads when long).

    Each attribute's codes come in the narrowest integer type that holds its
    levels (int8 up to 127): the fit keeps every attribute's codes at once.
    """
    columns = [(spec, frame[spec.name]) for spec in specs]
    codes = map_columns(_encode_narrow, columns, rows=len(frame))
    return {spec.name: code for spec, code in zip(specs, codes, strict=True)}


def _encode_narrow(item: tuple[AttributeSpec, pd.Series]) -> np.ndarray:
    """``spec.encode(values)`` in the narrowest integer type, gathered from the spec's small table."""
    spec, values = item
    codes, table = spec._encoded(values)
    table = _narrow(table, len(spec.level_labels))  # narrowed before the gather: no int64 code per row is made
    return gather(table, codes)


def _narrow(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Level codes in the narrowest integer type that holds them: every attribute's codes are kept for the fit."""
    dtype = np.int8 if n_levels <= 127 else np.int16 if n_levels <= 32_767 else np.int32
    return codes.astype(dtype, copy=False)


def gather(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[codes]``; codes narrower than intp (Arrow's int32 dictionary indices, int8 level codes) by Arrow.

    numpy would first copy such codes to intp; Arrow's take gathers from them as they are.

    Examples
    --------
    >>> import numpy as np
    >>> gather(np.array([10, 20, 30]), np.array([2, 0, 2], dtype=np.uint8)).tolist()
    [30, 10, 30]
    """
    if codes.dtype.itemsize >= np.dtype(np.intp).itemsize:
        return table[codes]
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.take(pa.array(table), pa.array(codes)).to_numpy()


def count_levels(
    frame: pd.DataFrame, specs: Sequence[AttributeSpec], y: np.ndarray
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Count leads and customers of every level of every attribute.

    Parameters
    ----------
    frame : pandas.DataFrame
        Leads with a decided outcome.
    specs : sequence of AttributeSpec
        The attributes to count.
    y : numpy.ndarray
        0/1 outcome per row of ``frame``.

    Returns
    -------
    counts : pandas.DataFrame
        Indexed by ``(attribute, level)`` in spec order, including the
        ``(other)``, ``(missing)`` and ``(unseen)`` levels (zero when empty);
        integer columns ``leads`` and ``customers``, and ``level_kind``
        (``value``, ``bin``, ``other``, ``missing`` or ``unseen``).
    codes : dict
        The level codes of every attribute, reused for in-sample scoring.
    """
    y = np.asarray(y, dtype=np.int64)
    codes = encode_all(frame, specs)
    leads, customers, attributes, levels, kinds = [], [], [], [], []
    pair_codes = np.empty(len(y), dtype=np.int64)  # one buffer for every attribute: new memory costs page faults
    for spec in specs:
        labels = spec.level_labels
        # One count of (level, outcome) pairs: leads and customers of each level in one pass.
        np.multiply(codes[spec.name], 2, out=pair_codes, dtype=np.int64)  # in int64: narrow codes would overflow
        pairs = np.bincount(np.add(pair_codes, y, out=pair_codes), minlength=2 * len(labels)).reshape(-1, 2)
        leads.append(pairs.sum(axis=1))
        customers.append(pairs[:, 1])
        attributes.extend([spec.name] * len(labels))
        levels.extend(labels)
        kinds.extend(spec.level_kinds)
    index = pd.MultiIndex.from_arrays([attributes, levels], names=["attribute", "level"])
    table = pd.DataFrame({"leads": np.concatenate(leads) if leads else np.zeros(0, dtype=np.int64),
                          "customers": np.concatenate(customers) if customers else np.zeros(0, dtype=np.int64),
                          "level_kind": kinds}, index=index)
    return table, codes


def distinct_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``numpy.unique(values, return_counts=True)``, in one counting pass for integers in a short range.

    Scores are whole numbers spread over a range about as wide as the leads
    are many: a ``bincount`` over the range gives the same distinct values
    and counts without the sort ``numpy.unique`` does (50 ms for 750,000
    scores). Other values go to ``numpy.unique``.

    Examples
    --------
    >>> import numpy as np
    >>> distinct, counts = distinct_counts(np.array([5, -2, 5, 7]))
    >>> distinct.tolist(), counts.tolist()
    ([-2, 5, 7], [1, 2, 1])
    """
    values = np.asarray(values)
    if values.dtype.kind not in "iu" or values.ndim != 1 or not len(values):
        return np.unique(values, return_counts=True)
    lowest, highest = int(values.min()), int(values.max())
    if highest - lowest > 2 * len(values) + 1024 or max(abs(lowest), abs(highest)) >= 2**62:
        # A sparse range (sorting is cheaper than counting it), or offsets int64 might not hold.
        return np.unique(values, return_counts=True)
    counts = np.bincount(np.subtract(values, lowest, dtype=np.int64), minlength=highest - lowest + 1)
    present = np.flatnonzero(counts)
    return (present + lowest).astype(values.dtype), counts[present].astype(np.intp)
