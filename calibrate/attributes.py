"""Attribute specs: how each column becomes a small set of levels.

A spec is the single description of an attribute used both when fitting and
when scoring: a categorical attribute keeps its frequent values and pools the
rare ones into ``(other)``; a numeric attribute is cut into readable bins
with explicit edges. Missing values are their own level everywhere, and a
value never seen in training falls into ``(unseen)``.

:func:`infer_attributes` looks at a lead table and decides, column by column,
which columns become attributes and why the others are left out.

Examples
--------
>>> import pandas as pd
>>> from calibrate.attributes import infer_attributes
>>> frame = pd.DataFrame({"source": ["Google", "google", "Bing", "Select"] * 20,
...                       "id": range(80)})
>>> specs, left_out, notes = infer_attributes(frame, min_support=10)
>>> specs[0].levels, [(o.column, o.reason) for o in left_out]
(['Google', 'Bing'], [('id', 'identifier-like: every value is unique (80 rows)')])
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from calibrate.cleaning import (
    DEFAULT_PLACEHOLDERS,
    FactorizedKeys,
    factorize_keys,
    normalize_value,
)
from calibrate.errors import DataError, DataQualityWarning
from calibrate.parallel import iter_columns

__all__ = [
    "OTHER",
    "MISSING",
    "UNSEEN",
    "CategoricalSpec",
    "NumericSpec",
    "AttributeSpec",
    "LeftOut",
    "CleaningNote",
    "infer_attributes",
    "nice_edges",
    "merge_small_bins",
]

OTHER = "(other)"
MISSING = "(missing)"
UNSEEN = "(unseen)"

_TRAILING_COLUMN = re.compile(r"^Unnamed: \d+$")
# Names of key columns: "Prospect ID", "Lead Number", "lead_id", "Account #".
_ID_NAME = re.compile(r"(^|[^a-z])(id|ids|number|no|num|key|code|uuid|guid)([^a-z]|$)|#", re.IGNORECASE)
_DATE_REASON = "date/time column: dates are not scored (pass date_column= to record the period)"
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class LeftOut:
    """A column that does not become an attribute, and why."""

    column: str
    reason: str


@dataclass(frozen=True)
class CleaningNote:
    """Something the reading or cleaning did to a column, for the summary."""

    column: str
    kind: Literal["placeholders", "case_merged", "pooled", "binned"]
    detail: str
    rows: int = 0


@dataclass
class CategoricalSpec:
    """A categorical attribute: kept levels, rare values pooled, missing, unseen.

    Codes produced by :meth:`encode`: ``0 .. len(levels)-1`` for the kept
    levels, then ``(other)``, ``(missing)`` and ``(unseen)``.

    Examples
    --------
    >>> import pandas as pd
    >>> spec = CategoricalSpec("industry", levels=["Software", "Retail"], other_values=["Mining"])
    >>> spec.encode(pd.Series(["software ", "Mining", None, "Aerospace"])).tolist()
    [0, 2, 3, 4]
    """

    name: str
    levels: list[str]
    other_values: list[str] = field(default_factory=list)
    placeholders: tuple[str, ...] = DEFAULT_PLACEHOLDERS
    kind: Literal["categorical"] = "categorical"

    @property
    def level_labels(self) -> list[str]:
        return [*self.levels, OTHER, MISSING, UNSEEN]

    @property
    def level_kinds(self) -> list[str]:
        return ["value"] * len(self.levels) + ["other", "missing", "unseen"]

    def _key_codes(self) -> dict[str, int]:
        codes = {normalize_value(v, placeholders=()): i for i, v in enumerate(self.levels)}
        other = len(self.levels)
        codes.update({normalize_value(v, placeholders=()): other for v in self.other_values})
        codes.pop(None, None)
        return codes  # type: ignore[return-value]

    def encode(self, values: pd.Series) -> np.ndarray:
        """Integer level code of every row (vectorised over distinct values)."""
        codes, table = self._encoded(values)
        return table[codes]

    def _encoded(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, table)``: rows as non-negative indices into ``table``, the level code of each distinct value.

        ``table[codes]`` is :meth:`encode`; a scorer looks points up in the small
        table first and indexes the rows once.
        """
        from calibrate.cleaning import factorize_values, keys_of_values

        codes, uniques, missing = factorize_values(values)
        key_codes = self._key_codes()
        n = len(self.levels)
        keys = keys_of_values(uniques, missing, self.placeholders)
        table = np.array([n + 1 if k is None else key_codes.get(k, n + 2) for k in keys], dtype=np.int64)
        return codes, table


@dataclass
class NumericSpec:
    """A numeric attribute cut at explicit edges into left-closed bins.

    With interior edges ``e1 < ... < ek`` the bins are ``x < e1``,
    ``e1 <= x < e2``, ..., ``x >= ek``; the first and last bins are open so
    every number falls in exactly one bin. Codes: bins, then ``(missing)``,
    then ``(unseen)`` for text that is not a number.

    Examples
    --------
    >>> import pandas as pd
    >>> spec = NumericSpec("employees", edges=[10, 21], integer=True, observed_min=1)
    >>> spec.labels
    ['1–9', '10–20', '21+']
    >>> spec.encode(pd.Series(["3", 10, 20.5, 5000, None, "lots"])).tolist()
    [0, 1, 1, 2, 3, 4]
    """

    name: str
    edges: list[float]
    integer: bool = False
    observed_min: float | None = None
    placeholders: tuple[str, ...] = DEFAULT_PLACEHOLDERS
    kind: Literal["numeric"] = "numeric"

    @property
    def labels(self) -> list[str]:
        return bin_labels(self.edges, integer=self.integer, observed_min=self.observed_min)

    @property
    def level_labels(self) -> list[str]:
        return [*self.labels, MISSING, UNSEEN]

    @property
    def level_kinds(self) -> list[str]:
        return ["bin"] * (len(self.edges) + 1) + ["missing", "unseen"]

    @property
    def bounds(self) -> list[tuple[float | None, float | None]]:
        """``(lower, upper)`` of each bin; ``None`` for an open end."""
        cuts: list[float | None] = [None, *self.edges, None]
        return list(zip(cuts[:-1], cuts[1:], strict=True))

    def encode(self, values: pd.Series) -> np.ndarray:
        """Integer bin code of every row."""
        codes, table = self._encoded(values)
        return table[codes]

    def _encoded(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, table)``: rows as non-negative indices into ``table``, the level code of each entry.

        ``table[codes]`` is :meth:`encode`. Numbers are binned as floats (what
        :func:`to_numbers` gives); a column of whole numbers spanning a short
        range is binned once per value of the range and indexed by its values.
        Text is parsed once per distinct normalised key.
        """
        from calibrate.cleaning import factorize_values, keys_of_values

        n_bins = len(self.edges) + 1
        dtype = values.dtype
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            if isinstance(dtype, np.dtype) and (dtype.kind == "i" or (dtype.kind == "u" and dtype.itemsize < 8)) \
                    and len(values):
                x = values.to_numpy()
                lo, hi = int(x.min()), int(x.max())
                if hi - lo <= min(max(len(x), 1024), 1 << 22):
                    start = 0 if 0 <= lo <= 4096 else lo
                    table = self._bin_floats(np.arange(start, hi + 1, dtype=np.int64).astype(float))
                    return (x if start == 0 else np.subtract(x, start, dtype=np.int64)), table.astype(np.int64)
            if isinstance(dtype, np.dtype):  # to_numbers' floats without its copy and NaN fill (no NA to fill)
                numbers = values.to_numpy().astype(float, copy=False)
            else:
                numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            return self._bin_floats(numbers), np.arange(n_bins + 2, dtype=np.int64)
        codes, uniques, missing = factorize_values(values)
        keys = keys_of_values(uniques, missing, self.placeholders)
        distinct = list(dict.fromkeys(k for k in keys if k is not None))  # as factorize_keys lists them
        parsed = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce").to_numpy(dtype=float)
        key_code = dict(zip(distinct, np.where(np.isnan(parsed), n_bins + 1, self._bin_floats(parsed)).tolist(),
                            strict=True))
        table = np.array([n_bins if k is None else key_code[k] for k in keys], dtype=np.int64)
        return codes, table

    def _bin_floats(self, numbers: np.ndarray) -> np.ndarray:
        """Bin code of every float (``len(edges) + 1`` for NaN); uint8 when the codes fit."""
        edges = np.asarray(self.edges, dtype=float)
        n_bins = len(edges) + 1
        if len(edges) <= 8 and not np.isnan(edges).any() and bool(np.all(edges[1:] >= edges[:-1])):
            # Counting the edges at or below each value is what searchsorted(side="right") finds, in a few
            # streaming passes instead of a binary search per row.
            codes = np.zeros(len(numbers), dtype=np.uint8)
            flag = np.empty(len(numbers), dtype=bool)
            for edge in edges:
                np.greater_equal(numbers, edge, out=flag)
                np.add(codes, flag.view(np.uint8), out=codes)
            np.isnan(numbers, out=flag)
            np.copyto(codes, np.uint8(n_bins), where=flag)
            return codes
        codes = np.searchsorted(edges, numbers, side="right").astype(np.int64)
        codes[np.isnan(numbers)] = n_bins
        return codes


AttributeSpec = CategoricalSpec | NumericSpec


def to_numbers(values: pd.Series, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
               factorized: FactorizedKeys | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column as float64 (``factorized``: its keys, when already computed).

    Returns
    -------
    numbers : numpy.ndarray
        Float values, NaN where missing or unparseable.
    unparseable : numpy.ndarray of bool
        Rows holding text that is neither a number nor a placeholder.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        if factorized is not None and factorized.row_numbers is not None:
            return factorized.row_numbers, np.zeros(len(values), dtype=bool)
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return numbers, np.zeros(len(values), dtype=bool)
    factorized = factorized or factorize_keys(values, placeholders)
    parsed = _parsed_keys(factorized)
    lookup = np.append(parsed, np.nan)
    numbers = lookup[factorized.codes]
    bad = np.append(np.isnan(parsed), False)
    return numbers, bad[factorized.codes]


def _parsed_keys(factorized: FactorizedKeys) -> np.ndarray:
    """Each key as a float, NaN where it is not a number."""
    return pd.to_numeric(pd.Series(factorized.keys, dtype=object), errors="coerce").to_numpy(dtype=float)


def _format_number(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


def bin_labels(edges: Sequence[float], *, integer: bool, observed_min: float | None = None) -> list[str]:
    """Readable labels of the bins cut at ``edges``.

    Integer data reads as ranges (``1–9``, ``10–20``, ``21+``); other data as
    half-open intervals (``< 1.5``, ``1.5 to <3``, ``≥ 3``).

    Examples
    --------
    >>> bin_labels([10, 21, 51], integer=True, observed_min=1)
    ['1–9', '10–20', '21–50', '51+']
    >>> bin_labels([1.5, 3], integer=False)
    ['< 1.5', '1.5 to <3', '≥ 3']
    """
    if not edges:
        return ["all values"]
    fmt = _format_number
    labels = []
    if integer:
        first_hi = math.ceil(edges[0]) - 1
        lo = observed_min if observed_min is not None and observed_min <= first_hi else None
        if lo is None:
            labels.append(f"≤ {fmt(first_hi)}")
        else:
            labels.append(fmt(lo) if lo == first_hi else f"{fmt(math.ceil(lo))}–{fmt(first_hi)}")
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            a_i, b_i = math.ceil(a), math.ceil(b) - 1
            labels.append(fmt(a_i) if a_i == b_i else f"{fmt(a_i)}–{fmt(b_i)}")
        labels.append(f"{fmt(math.ceil(edges[-1]))}+")
    else:
        labels.append(f"< {fmt(edges[0])}")
        labels.extend(f"{fmt(a)} to <{fmt(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True))
        labels.append(f"≥ {fmt(edges[-1])}")
    return labels


def _round_significant(x: np.ndarray, digits: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(x == 0, 0, np.floor(np.log10(np.abs(x))))
    factor = 10.0 ** (digits - 1 - magnitude)
    return np.round(x * factor) / factor


def _quantile_sorted(ordered: np.ndarray, probabilities: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """``np.quantile`` (linear) of the sorted values ``ordered``, or of each repeated ``weights`` times, unrepeated."""
    if weights is None:
        return np.quantile(ordered, probabilities)
    cumulative = np.cumsum(weights)
    position = (cumulative[-1] - 1) * np.asarray(probabilities, dtype=float)
    below = np.floor(position)
    t = position - below
    # The value at position k of the repeated array is the first whose cumulative count exceeds k.
    a = ordered[np.searchsorted(cumulative, below, side="right")]
    b = ordered[np.searchsorted(cumulative, np.minimum(below + 1, cumulative[-1] - 1), side="right")]
    return np.where(t >= 0.5, b - (b - a) * (1 - t), a + (b - a) * t)  # numpy's lerp, for equal results


def _is_sorted(values: np.ndarray) -> bool:
    return bool(np.all(values[1:] >= values[:-1]))


def nice_edges(values: np.ndarray, n_bins: int, *, integer: bool, weights: np.ndarray | None = None) -> list[float]:
    """Interior quantile edges rounded to two significant figures, deduplicated.

    Few distinct values (no more than ``n_bins``) get one bin each. With
    ``weights`` (rows per value, e.g. counted on an engine) the edges are those
    of the values each repeated that many times.

    Examples
    --------
    >>> import numpy as np
    >>> nice_edges(np.arange(1, 1001), 4, integer=True)
    [250.0, 500.0, 750.0]
    >>> nice_edges(np.array([0, 0, 0, 1, 2]), 5, integer=True)
    [1.0, 2.0]
    >>> nice_edges(np.array([0, 1, 2, 3, 4, 5]), 3, integer=True, weights=np.array([600, 80, 80, 80, 80, 80]))
    [1.0, 3.0]
    """
    is_finite = np.isfinite(values)
    finite = values[is_finite]
    weights = None if weights is None else np.asarray(weights, dtype=np.int64)[is_finite]
    # Sorted once here: the distinct values, the quantiles and the recursion then read ordered data. An
    # edge depends on the values at quantile positions only, so the order of equal values does not matter.
    if weights is None:
        finite = np.sort(finite)
    elif not _is_sorted(finite):
        order = np.argsort(finite)
        finite, weights = finite[order], weights[order]
    return _nice_edges_sorted(finite, n_bins, integer=integer, weights=weights)


def _nice_edges_sorted(finite: np.ndarray, n_bins: int, *, integer: bool, weights: np.ndarray | None) -> list[float]:
    """:func:`nice_edges` of sorted finite values."""
    distinct = finite[np.concatenate([[True], finite[1:] != finite[:-1]])] if len(finite) else finite
    if len(distinct) <= 1:
        return []
    if len(distinct) <= n_bins:
        return [float(v) for v in distinct[1:]]
    lowest = distinct[0]
    at_lowest = int(np.searchsorted(finite, lowest, side="right"))  # the sorted values start with the lowest
    share_lowest = at_lowest / len(finite) if weights is None else weights[:at_lowest].sum() / weights.sum()
    if n_bins > 2 and share_lowest > 1 / n_bins:
        # A heavy lowest value (0 visits for most leads) gets its own bin; the rest is cut by quantiles.
        rest_edges = _nice_edges_sorted(finite[at_lowest:], n_bins - 1, integer=integer,
                                        weights=None if weights is None else weights[at_lowest:])
        return [float(distinct[1]), *(e for e in rest_edges if e > distinct[1])]
    cut = _quantile_sorted(finite, np.linspace(0, 1, n_bins + 1)[1:-1], weights)
    # A cut at a value keeps that value in the upper bin; moving it one step up
    # keeps the heavy value (such as 0 visits) whole in the lower bin instead.
    cut = np.where(cut == distinct[0], distinct[1], cut)
    cut = _round_significant(cut, 2)
    if integer:
        cut = np.ceil(cut)
    edges = np.unique(cut)
    edges = edges[(edges > distinct[0]) & (edges <= distinct[-1])]
    return [float(e) for e in edges]


def merge_small_bins(values: np.ndarray, edges: list[float], min_support: int,
                     weights: np.ndarray | None = None) -> list[float]:
    """Drop edges until every bin holds at least ``min_support`` values (rows, with ``weights``).

    Examples
    --------
    >>> import numpy as np
    >>> merge_small_bins(np.array([1.0, 2.0, 3.0]), [2.0, 3.0], 10, weights=np.array([50, 5, 40]))
    [2.0]
    """
    edges = list(edges)
    is_finite = np.isfinite(values)
    finite = values[is_finite]
    weights = None if weights is None else np.asarray(weights, dtype=np.int64)[is_finite]
    if _is_sorted(finite):
        # Each bin's count is a difference of cumulative counts at its edges: no pass over the values.
        cumulative = np.concatenate([[0], np.cumsum(weights) if weights is not None else np.arange(1, len(finite) + 1)])

        def bin_counts() -> np.ndarray:
            return np.diff(cumulative[[0, *np.searchsorted(finite, edges, side="left"), len(finite)]])
    else:
        def bin_counts() -> np.ndarray:
            return np.bincount(np.searchsorted(edges, finite, side="right"), weights=weights,
                               minlength=len(edges) + 1)
    while edges:
        counts = bin_counts()
        smallest = int(np.argmin(counts))
        if counts[smallest] >= min_support:
            break
        # Merge the smallest bin with its smaller neighbour by removing the edge between them.
        if smallest == 0:
            edges.pop(0)
        elif smallest == len(edges):
            edges.pop()
        else:
            left, right = counts[smallest - 1], counts[smallest + 1]
            edges.pop(smallest - 1 if left <= right else smallest)
    return edges


def _row_numbers(series: pd.Series, placeholders: Sequence[str], factorized: FactorizedKeys) -> np.ndarray:
    """A numeric column's number per row (:func:`to_numbers`)."""
    return to_numbers(series, placeholders, factorized)[0]


def _gathered(per_key: np.ndarray, factorized: FactorizedKeys) -> np.ndarray:
    """``per_key`` (one entry per key, then one for missing rows) gathered per row of the column."""
    return per_key[factorized.codes]


def _distinct_numbers(row_numbers: Callable[[], np.ndarray], factorized: FactorizedKeys
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Values covering the column's ``row_numbers()`` (NaN left out; one may repeat) and the rows holding each.

    The column's keys already partition its rows: each key's number and row
    count, unless a number sits outside the keys (a numeric placeholder such
    as -1 is no key but still a number here), when the numbers are counted anew.
    A numeric column without placeholders has its keys' numbers at hand: its
    rows are not read.
    """
    if factorized.numbers is not None and factorized.placeholder_rows == 0:
        return np.asarray(factorized.numbers, dtype=float), factorized.counts
    numbers = row_numbers()
    present = factorized.codes >= 0
    if np.isnan(numbers[~present]).all():
        per_key = np.full(len(factorized.counts), np.nan)
        per_key[factorized.codes[present]] = numbers[present]
        return per_key, factorized.counts
    codes, distinct = pd.factorize(numbers, use_na_sentinel=True)
    return distinct, np.bincount(codes[codes >= 0], minlength=len(distinct))


def _is_text_key_column(series: pd.Series, n_rows: int) -> bool:
    """A text column whose raw values are all distinct (ids, e-mails): known without normalising them."""
    if n_rows < 20 or not (pd.api.types.is_string_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype)):
        return False
    head = series.head(1000)
    # A repeat among the first rows settles it without a pass over the whole column.
    if head.nunique(dropna=False) != len(head) or series.nunique(dropna=False) != n_rows:
        return False
    sample = series.head(200).dropna()
    return len(sample) > 0 and pd.api.types.infer_dtype(sample, skipna=True) == "string" and \
        pd.isna(pd.to_numeric(sample, errors="coerce")).any()


def _data_rows(series: pd.Series, mask: np.ndarray, limit: int = 2) -> list[tuple[str, int]]:
    """Up to ``limit`` ``(value, 1-based data row)`` examples of the rows in ``mask``.

    The data row is the index label plus one for an integer index (the rows
    a fit keeps carry their position in the file), else the position plus one.
    """
    positions = np.flatnonzero(mask)[:limit]
    labels = series.index[positions]
    rows = labels + 1 if pd.api.types.is_integer_dtype(labels.dtype) else positions + 1
    return [(str(value), int(row)) for value, row in zip(series.iloc[positions].tolist(), rows, strict=True)]


def _warn_mostly_numeric(column: object, series: pd.Series, factorized: FactorizedKeys, unparseable: np.ndarray,
                         n_present: int) -> None:
    """Warn when a column of numbers is read as categories because a few cells hold text.

    Parameters
    ----------
    column : object
        The column name.
    series : pandas.Series
        Its raw values.
    factorized : FactorizedKeys
        Its keys.
    unparseable : numpy.ndarray of bool
        Keys holding text that is neither a number nor a placeholder.
    n_present : int
        Rows not missing.

    Warns
    -----
    DataQualityWarning
        At least 90 % of the present rows are numbers: the column is not
        binned, so the warning names the text cells and how to read them as
        missing instead.
    """
    n_text = int(factorized.counts[unparseable].sum())
    if n_present - n_text < 0.9 * n_present:
        return
    rows = np.append(unparseable, False)[factorized.codes]  # the NA sentinel -1 picks the appended False
    examples = ", ".join(f"{value.strip()!r} at data row {row}" for value, row in _data_rows(series, rows))
    warnings.warn(
        f"column {str(column)!r} holds numbers in {n_present - n_text} of {n_present} rows but text in {n_text} "
        f"({examples}), so it was read as categories instead of numeric bins; fix those cells, or pass "
        "placeholders=[...] (CLI: --placeholder VALUE) to read them as missing",
        DataQualityWarning,
        stacklevel=3,
    )


def _warn_odd_numbers(column: object, series: pd.Series, row_numbers: Callable[[], np.ndarray], is_integer: bool,
                      distinct: np.ndarray) -> None:
    """Warn about infinite values, and about a few negative values in a column of counts.

    Both are binned as the scorer bins them (infinities in the open-ended
    first or last bin, negatives in the lowest bin), so fitting and scoring
    agree; the warning says how to read them as missing instead.

    Parameters
    ----------
    column : object
        The column name.
    series : pandas.Series
        Its raw values.
    row_numbers : callable
        Gives the values as floats (NaN where missing).
    is_integer : bool
        Whether every finite value is a whole number.
    distinct : numpy.ndarray
        Values covering the rows' numbers (NaN aside): the rows are read only
        when these hold an infinity or a negative number.

    Warns
    -----
    DataQualityWarning
        The column holds ``inf``/``-inf``; or it is whole numbers, at most
        5 % of them negative with one or two distinct negative values (a
        sentinel such as ``-1`` in a count).
    """
    if np.isinf(distinct).any():
        infinite = np.isinf(row_numbers())
        examples = ", ".join(f"{value.strip()!r} at data row {row}" for value, row in _data_rows(series, infinite))
        warnings.warn(
            f"column {str(column)!r} holds {int(infinite.sum())} infinite value(s) ({examples}); they are binned in "
            "the open-ended first/last bin, as when scoring; fix the export, or pass placeholders=[...] "
            "(CLI: --placeholder=inf --placeholder=-inf) to read them as missing",
            DataQualityWarning,
            stacklevel=3,
        )
    if not is_integer or not (distinct < 0).any():
        return
    numbers = row_numbers()
    negative = np.isfinite(numbers) & (numbers < 0)
    n_negative = int(negative.sum())
    finite = int(np.isfinite(numbers).sum())
    if n_negative == 0 or n_negative > 0.05 * finite or len(np.unique(numbers[negative])) > 2:
        return
    examples = ", ".join(f"{value.strip()!r} at data row {row}" for value, row in _data_rows(series, negative))
    first = _format_number(float(numbers[negative][0]))
    warnings.warn(
        f"column {str(column)!r} is whole numbers, {finite - n_negative} of them 0 or more, but {n_negative} are "
        f"negative ({examples}); a count cannot be negative: if {first} means unknown, pass placeholders=[...] "
        f"(CLI: --placeholder={first}) to read it as missing, else those leads stay in the lowest bin",
        DataQualityWarning,
        stacklevel=3,
    )


def _is_date_like(keys: Sequence[str]) -> bool:
    sample = keys[:200]
    return bool(sample) and sum(bool(_DATE_LIKE.match(k)) for k in sample) >= 0.95 * len(sample)


def infer_attributes(
    frame: pd.DataFrame,
    *,
    min_support: int = 30,
    n_bins: int = 5,
    bins: Mapping[str, Sequence[float]] | None = None,
    categorical: Sequence[str] = (),
    placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
    left_out: Mapping[str, str] | None = None,
    last_column: object | None = None,
) -> tuple[list[AttributeSpec], list[LeftOut], list[CleaningNote]]:
    """Decide which columns become attributes and build their specs.

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads used for fitting (rows with an outcome only).
    min_support : int
        Categorical values with fewer leads are pooled into ``(other)``;
        quantile bins are merged until each holds at least this many leads.
    n_bins : int
        Number of quantile bins for numeric columns without explicit edges.
    bins : mapping of column to edges, optional
        Explicit interior edges, e.g. ``{"employees": [10, 21, 51]}`` for
        1–9, 10–20, 21–50, 51+. Kept as given (small bins are flagged, not merged).
    categorical : sequence of str
        Numeric-looking columns to treat as categories (codes, zip codes).
    placeholders : sequence of str
        Values meaning blank.
    left_out : mapping of column to reason, optional
        Columns already decided against (target, user drops), with reasons.
    last_column : column name, optional
        The file's last column, for telling an empty trailing column (every
        line ends with a delimiter); default the frame's last column (derived
        signals come after the file's columns).

    Returns
    -------
    specs : list of AttributeSpec
    left_out : list of LeftOut
    notes : list of CleaningNote

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"visits": list(range(50)) * 2, "flag": ["Yes"] * 100})
    >>> specs, left_out, _ = infer_attributes(frame, n_bins=4, min_support=10)
    >>> specs[0].labels, left_out[0].reason
    (['0–11', '12–23', '24–36', '37+'], "constant: every lead has the same value ('Yes')")
    """
    bins = dict(bins or {})
    decided = dict(left_out or {})
    unknown_bins = sorted(set(bins) - set(frame.columns))
    if unknown_bins:
        raise DataError(f"bins given for column(s) not in the data: {unknown_bins}; check the names")
    placeholders = tuple(placeholders)
    n_rows = len(frame)
    specs: list[AttributeSpec] = []
    excluded: list[LeftOut] = []
    notes: list[CleaningNote] = []
    if last_column is None:
        last_column = frame.columns[-1] if len(frame.columns) else None

    # Columns left out before their values are read; the others are factorised a few at a time on threads
    # (one pure function per column; a batch's codes at most are held at once) as the loop reaches them.
    reasons: dict[object, str] = {}
    for column in frame.columns:
        if column in decided:
            reasons[column] = decided[column]
        elif pd.api.types.is_datetime64_any_dtype(frame[column].dtype):
            reasons[column] = _DATE_REASON
        elif _is_text_key_column(frame[column], n_rows):
            reasons[column] = f"identifier-like: every value is unique ({n_rows} rows)"
    read = [column for column in frame.columns if column not in reasons]
    factorized_in_order = iter_columns(lambda series: factorize_keys(series, placeholders), [frame[c] for c in read],
                                       rows=n_rows)

    for column in frame.columns:
        if column in reasons:
            excluded.append(LeftOut(column, reasons[column]))
            continue
        series = frame[column]
        factorized = next(factorized_in_order)
        n_present = int(factorized.counts.sum())  # rows with a key
        if factorized.placeholder_rows:
            spelled = ", ".join(repr(s) for s in factorized.placeholder_spellings[:5])
            notes.append(CleaningNote(column, "placeholders", f"{spelled} read as missing",
                                      factorized.placeholder_rows))
        if n_present == 0:
            reason = ("empty trailing column: every line ends with a delimiter"
                      if column == last_column and _TRAILING_COLUMN.match(str(column)) else "all values missing")
            excluded.append(LeftOut(column, reason))
            continue
        n_keys = len(factorized.counts)
        if n_keys == 1 and n_present == n_rows:
            only = factorized.labels[0]
            excluded.append(LeftOut(column, f"constant: every lead has the same value ({only!r})"))
            continue
        # The column's number per row, made only when a question needs the rows (most are asked of the
        # distinct numbers); None when the column is not numbers.
        numbers: Callable[[], np.ndarray] | None = None
        if column in categorical:
            pass
        elif pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            # Every value is a number (or missing).
            numbers = functools.cache(functools.partial(_row_numbers, series, placeholders, factorized))
        else:
            # Text is parsed once per key, and rows are read only when every key is a number.
            parsed = _parsed_keys(factorized)
            unparseable = np.isnan(parsed)
            if unparseable.any():
                _warn_mostly_numeric(column, series, factorized, unparseable, n_present)
            else:
                numbers = functools.cache(functools.partial(_gathered, np.append(parsed, np.nan), factorized))
        distinct = rows_per_number = finite_distinct = None
        if numbers is not None:
            # The distinct numbers with their rows: every later question about the numbers is asked of them.
            distinct, rows_per_number = _distinct_numbers(numbers, factorized)
            finite_distinct = distinct[np.isfinite(distinct)]
        is_integer = finite_distinct is not None and bool(np.all(np.mod(finite_distinct, 1) == 0))
        if distinct is not None:
            _warn_odd_numbers(column, series, numbers, is_integer, distinct)
        # Unique text is a key (e-mail, UUID); unique whole numbers only when named like one: a
        # count such as seconds on site can be unique by chance in a small export.
        if n_keys == n_present and n_present >= 0.5 * n_rows and n_rows >= 20 and (
                numbers is None or (is_integer and _ID_NAME.search(str(column)))):
            excluded.append(LeftOut(column, f"identifier-like: every value is unique ({n_present} rows)"))
            continue
        if numbers is None and _is_date_like(factorized.keys):
            excluded.append(LeftOut(column, _DATE_REASON))
            continue

        merged = factorized.merged
        if merged and numbers is None:
            examples = "; ".join("/".join(sorted(v)[:3]) for v in list(merged.values())[:3])
            rows = sum(sum(v.values()) - max(v.values()) for v in merged.values())
            notes.append(CleaningNote(column, "case_merged",
                                      f"{len(merged)} label(s) differing only in case or spaces merged ({examples})",
                                      rows))

        if numbers is not None:
            if column in bins:
                edges = sorted(float(e) for e in bins[column])
                if len(set(edges)) != len(edges) or any(not math.isfinite(e) for e in edges):
                    raise DataError(f"bins for column {column!r} must be distinct finite numbers, "
                                    f"got {list(bins[column])}")
                how = "user-given edges"
            else:
                # On the distinct numbers weighted by their rows: the same edges, without sorting every row.
                # Sorted once for both steps, which then read ordered values.
                order = np.argsort(distinct)
                ordered, weights = distinct[order], rows_per_number[order]
                edges = merge_small_bins(ordered, nice_edges(ordered, n_bins, integer=is_integer, weights=weights),
                                         min_support, weights=weights)
                how = (f"quantile edges ({n_bins} bins asked, rounded to 2 significant figures, "
                       f"bins under {min_support} leads merged)")
            spec = NumericSpec(str(column), edges=edges, integer=is_integer,
                               observed_min=float(finite_distinct.min()) if len(finite_distinct) else None,
                               placeholders=placeholders)
            if len(edges) == 0 and n_present == n_rows:
                excluded.append(LeftOut(column, f"numeric column with too little spread to bin into groups of "
                                                f"{min_support} leads"))
                continue
            notes.append(CleaningNote(column, "binned", f"{len(edges) + 1} bins by {how}: {', '.join(spec.labels)}"))
            specs.append(spec)
            continue

        counts, labels = factorized.counts, factorized.labels
        order = sorted(range(n_keys), key=lambda i: (-counts[i], labels[i]))
        kept = [labels[i] for i in order if counts[i] >= min_support]
        pooled = sorted(labels[i] for i in order if counts[i] < min_support)
        if not kept:
            excluded.append(LeftOut(column, f"no value reaches the minimum support of {min_support} leads "
                                            f"({n_keys} distinct values)"))
            continue
        if len(kept) == 1 and not pooled and n_present == n_rows:
            excluded.append(LeftOut(column, f"constant: every lead has the same value ({kept[0]!r})"))
            continue
        if pooled:
            rows = int(sum(counts[i] for i in order if counts[i] < min_support))
            notes.append(CleaningNote(column, "pooled",
                                      f"{len(pooled)} value(s) under {min_support} leads pooled into {OTHER}", rows))
        specs.append(CategoricalSpec(str(column), levels=kept, other_values=pooled, placeholders=placeholders))
    return specs, excluded, notes
