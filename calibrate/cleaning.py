"""Text normalisation applied identically when fitting and when scoring.

A CRM export spells the same value several ways (``Google``, ``google``,
`` Google ``) and fills blank form fields with placeholders (``Select``,
``N/A``, ``-``). Every comparison of values in calibrate goes through
:func:`normalize_keys`, so a config scores new leads exactly as the data it
was fitted on was read.

Work is done on the distinct values of a column (``pandas.factorize``), never
row by row, so normalising millions of rows costs as much as normalising the
few hundred distinct labels they hold.

Examples
--------
>>> import pandas as pd
>>> from calibrate.cleaning import normalize_keys
>>> normalize_keys(pd.Series([" Google", "google", "Select", None, 3.0])).tolist()
['google', 'google', None, None, '3']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_PLACEHOLDERS",
    "FactorizedKeys",
    "factorize_keys",
    "factorize_values",
    "keys_of_values",
    "normalize_keys",
    "normalize_value",
]

#: Values that mean "left blank" in CRM exports (compared after normalisation).
DEFAULT_PLACEHOLDERS: tuple[str, ...] = (
    "",
    "select",
    "n/a",
    "#n/a",
    "-",
    "--",
    "unknown",
    "null",
    "nan",
    "(blank)",
)


_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=64)
def _placeholder_keys(placeholders: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_text_key(str(p)) for p in placeholders)


def _text_key(text: str) -> str:
    if text.isascii() and text.isprintable() and "  " not in text:
        # The common case, the same key: NFKC leaves ASCII as it is, casefold() is lower() on it, and its only
        # white space is single spaces (tabs, newlines and other controls are not printable).
        return text.strip().lower()
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _number_key(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def normalize_value(value: object, placeholders: Iterable[str] = DEFAULT_PLACEHOLDERS) -> str | None:
    """Return the comparison key of one value, or ``None`` when it means missing.

    Parameters
    ----------
    value : object
        A cell value: text, number, boolean or a missing marker.
    placeholders : iterable of str
        Values meaning "blank"; compared after normalisation.

    Returns
    -------
    str or None
        Unicode NFKC form, surrounding spaces stripped, inner runs of white
        space collapsed to one space, case-folded. Whole numbers lose their
        ``.0`` (``3.0`` and ``"3"`` are the same key).

    Examples
    --------
    >>> normalize_value("  Closed   WON ")
    'closed won'
    >>> normalize_value("Select") is None
    True
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        text = "true" if value else "false"
    elif isinstance(value, (int, np.integer)):
        text = str(int(value))
    elif isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        text = _number_key(value)
    else:
        text = _text_key(str(value))
    if placeholders and text in _placeholder_keys(tuple(placeholders)):
        return None
    return text


def _keys_of_uniques(uniques: np.ndarray) -> list[str | None]:
    """Keys of distinct values, by the fastest path their type allows."""
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    if kind == "string":
        return [_text_key(u) for u in uniques]
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        return [None if pd.isna(u) else _number_key(float(u)) for u in uniques]
    return [normalize_value(u, placeholders=()) for u in uniques]


@dataclass(frozen=True)
class FactorizedKeys:
    """A column reduced to integer codes into its distinct normalised keys.

    Attributes
    ----------
    codes : numpy.ndarray
        One int64 per row: an index into ``keys``, or -1 for missing.
    keys : list of str
        Distinct normalised keys, in order of first appearance.
    labels : list of str
        For each key, its most frequent spelling (ties: the smallest), the
        label shown to people.
    counts : numpy.ndarray
        Rows per key.
    merged : dict
        For keys spelled several ways, each spelling and its row count.
    placeholder_rows : int
        Rows that held a spelled-out placeholder (such as ``Select``), now missing.
    placeholder_spellings : list of str
        The distinct placeholders met, as spelled in the data.
    numbers : numpy.ndarray, optional
        For a numeric column, the distinct values behind the keys: the keys
        (each number's own spelling) are then written only when asked for, as
        a column of amounts can hold a distinct value per row.
    row_numbers : numpy.ndarray, optional
        For a numeric column factorised as floats, its values as float64 (NaN
        where missing): :func:`calibrate.attributes.to_numbers` reads them
        instead of converting the column again.
    """

    codes: np.ndarray
    counts: np.ndarray
    merged: dict[str, dict[str, int]]
    placeholder_rows: int
    placeholder_spellings: list[str]
    texts: list[str] | None = field(default=None, repr=False)
    spellings: list[str] | None = field(default=None, repr=False)
    numbers: np.ndarray | None = field(default=None, repr=False)
    row_numbers: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def keys(self) -> list[str]:
        """Distinct normalised keys, in order of first appearance."""
        if self.texts is not None:
            return self.texts
        return [_number_key(v) for v in np.asarray(self.numbers, dtype=float).tolist()]

    @property
    def labels(self) -> list[str]:
        """For each key, its most frequent spelling (a number's is its key)."""
        return self.spellings if self.spellings is not None else self.keys

    @property
    def label_of(self) -> dict[str, str]:
        """Display label of every key."""
        return dict(zip(self.keys, self.labels))


def _numeric_placeholders(placeholders: tuple[str, ...]) -> np.ndarray:
    """The numbers whose key is a placeholder (``-1`` when ``"-1"`` is one)."""
    values = []
    for key in _placeholder_keys(placeholders):
        try:
            number = float(key)
        except ValueError:
            continue
        if _number_key(number) == key:
            values.append(number)
    return np.array(values, dtype=float)


def _count_codes(codes: np.ndarray, n_uniques: int, weights: np.ndarray | None) -> np.ndarray:
    """Rows (or ``weights``) per code, the NA sentinel -1 left out."""
    if weights is None and codes.dtype in (np.int8, np.int16):
        # Read as unsigned, the sentinel -1 is the highest value: counted with the rest, without a masked copy.
        unsigned = codes.view(np.uint8 if codes.dtype == np.int8 else np.uint16)
        return np.bincount(unsigned, minlength=n_uniques)[:n_uniques].astype(np.int64)
    if weights is None and codes.dtype == np.intp and codes.flags.writeable:
        # Shifted by one in place and back, the sentinel counts in slot 0: no masked copy (a third of the time).
        codes += 1
        try:
            return np.bincount(codes, minlength=n_uniques + 1)[1:].astype(np.int64)
        finally:
            codes -= 1
    present = codes >= 0
    every = bool(present.all())  # then the codes are counted as they are, without a masked copy
    rows = None if weights is None else np.asarray(weights, dtype=np.int64)[present]
    return np.bincount(codes if every else codes[present], weights=rows, minlength=n_uniques).astype(np.int64)


def _factorize_numbers(values: pd.Series, placeholders: Sequence[str], weights: np.ndarray | None) -> FactorizedKeys:
    """:func:`factorize_keys` of a numeric column, by value: equal numbers are equal keys and the reverse."""
    # Keys are made from float(value) (3 and 3.0 alike), so factorising the floats partitions rows as the keys
    # do, in the same order of first appearance; -0.0 and 0.0 are one value, as their key "0" is one.
    integers = values.to_numpy() if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu" else None
    if integers is not None and len(integers) and max(abs(int(integers.min())), abs(int(integers.max()))) < 2**53:
        # Whole numbers that floats hold exactly partition the rows as their floats do, in the same order; hashed
        # as integers they factorise three times faster. Their floats are made only when asked for (to_numbers).
        numbers = None
        codes, uniques = pd.factorize(integers, use_na_sentinel=True)
        uniques = uniques.astype(float)
    else:
        # A float64 column is its own floats (NaN where missing): no copy to fill missing values.
        numbers = values.to_numpy() if values.dtype == np.float64 else values.to_numpy(dtype=float, na_value=np.nan)
        codes, uniques = pd.factorize(numbers, use_na_sentinel=True)
    counts = _count_codes(codes, len(uniques), weights)
    is_placeholder = np.isin(uniques, _numeric_placeholders(tuple(placeholders)))
    placeholder_rows, spelled = 0, []
    if is_placeholder.any():
        integer = pd.api.types.is_integer_dtype(values.dtype)
        spelled = sorted({str(int(u)) if integer else str(float(u)) for u in uniques[is_placeholder]})
        placeholder_rows = int(counts[is_placeholder].sum())
        renumber = np.where(is_placeholder, -1, np.cumsum(~is_placeholder) - 1)
        codes = np.append(renumber, -1)[codes]  # the NA sentinel -1 picks the appended -1
        uniques, counts = uniques[~is_placeholder], counts[~is_placeholder]
    return FactorizedKeys(codes=codes.astype(np.int64, copy=False), counts=counts, merged={},
                          placeholder_rows=placeholder_rows,
                          placeholder_spellings=spelled, numbers=uniques, row_numbers=numbers)


#: Up to this many distinct values a column's spellings are tallied in dicts (a pandas group-by costs
#: milliseconds of overhead per column); above it, by pandas.
_DICT_SPELLINGS = 20_000


def _spellings_by_frame(key_codes: np.ndarray, spelled: list[object], rows: np.ndarray,
                        key_uniques: Sequence[object]) -> tuple[list[object], dict[str, dict[str, int]]]:
    """Each key's label (its most common spelling, ties the smallest) and the spellings of merged keys."""
    spellings = pd.DataFrame({"key": key_codes, "spelled": spelled, "rows": rows})
    spellings = spellings[spellings["key"] >= 0].groupby(["key", "spelled"], as_index=False, sort=False)["rows"].sum()
    ranked = spellings.assign(neg=-spellings["rows"]).sort_values(["key", "neg", "spelled"], kind="stable")
    first = ranked.drop_duplicates("key")
    labels = first.set_index("key")["spelled"].reindex(range(len(key_uniques))).tolist()
    several = spellings[spellings.duplicated("key", keep=False)]
    merged = {str(key_uniques[k]): {spelling: int(n) for spelling, n in zip(g["spelled"], g["rows"], strict=True)}
              for k, g in several.groupby("key")}
    return labels, merged


def _spellings_by_dict(key_codes: np.ndarray, spelled: list[object], rows: np.ndarray,
                       key_uniques: Sequence[object]) -> tuple[list[object], dict[str, dict[str, int]]]:
    """:func:`_spellings_by_frame`, tallied in dicts: the same labels and merged spellings, in the same order."""
    tally: dict[tuple[int, object], int] = {}
    for key, spelling, n in zip(key_codes.tolist(), spelled, rows.tolist(), strict=True):
        if key >= 0:
            tally[key, spelling] = tally.get((key, spelling), 0) + n
    per_key: dict[int, list[tuple[object, int]]] = {}
    for (key, spelling), n in tally.items():  # in order of first appearance, as the group-by keeps them
        per_key.setdefault(key, []).append((spelling, n))
    labels = [min(per_key[k], key=lambda pair: (-pair[1], pair[0]))[0] for k in range(len(key_uniques))]
    merged = {str(key_uniques[k]): dict(per_key[k]) for k in sorted(per_key) if len(per_key[k]) > 1}
    return labels, merged


def factorize_keys(values: pd.Series, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
                   weights: np.ndarray | None = None) -> FactorizedKeys:
    """Factorise a column by normalised key, working on its distinct values only.

    Parameters
    ----------
    values : pandas.Series
        The raw column.
    placeholders : sequence of str
        Values meaning "blank".
    weights : numpy.ndarray, optional
        Rows each value stands for (values counted on an engine): the counts,
        the labels (most common spelling) and the placeholder rows use them.

    Returns
    -------
    FactorizedKeys

    Examples
    --------
    >>> import pandas as pd
    >>> f = factorize_keys(pd.Series(["Google", "google", "Select", "Bing", "Google"]))
    >>> f.codes.tolist(), f.keys, f.labels, f.placeholder_rows
    ([0, 0, -1, 1, 0], ['google', 'bing'], ['Google', 'Bing'], 1)
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype) \
            and not pd.api.types.is_complex_dtype(values.dtype):
        return _factorize_numbers(values, placeholders, weights)
    raw = _raw_values(values, weights)
    uniques, raw_counts = raw.values, raw.rows
    keys = _keys_of_uniques(uniques)
    pkeys = _placeholder_keys(tuple(placeholders))
    is_placeholder = np.array([k is not None and k in pkeys for k in keys], dtype=bool)
    spelled_out = is_placeholder & np.array([bool(k) for k in keys], dtype=bool)
    key_array = np.array(keys, dtype=object)
    key_array[is_placeholder] = None
    key_codes, key_uniques = pd.factorize(key_array, use_na_sentinel=True)
    key_of_slot = np.full(raw.n_slots + 1, -1, dtype=np.int64)  # the last slot is the NA sentinel -1's
    key_of_slot[raw.slot_of_value] = key_codes
    codes = key_of_slot[raw.row_codes]

    spelled = [u.strip() if isinstance(u, str) else k for u, k in zip(uniques, keys)]
    spelling = _spellings_by_dict if len(uniques) <= _DICT_SPELLINGS else _spellings_by_frame
    labels, merged = spelling(key_codes, spelled, raw_counts, key_uniques)
    counts = np.bincount(key_codes[key_codes >= 0], weights=raw_counts[key_codes >= 0],
                         minlength=len(key_uniques)).astype(np.int64)
    return FactorizedKeys(
        codes=codes, texts=[str(k) for k in key_uniques], spellings=labels, counts=counts, merged=merged,
        placeholder_rows=int(raw_counts[spelled_out].sum()),
        placeholder_spellings=sorted({str(u).strip() for u in uniques[spelled_out]}),
    )


class _RawValues(NamedTuple):
    """A column's distinct raw values, as :func:`pandas.factorize` gives them, and where its rows point."""

    row_codes: np.ndarray  # per row, a slot (-1 where missing)
    n_slots: int
    slot_of_value: np.ndarray  # the slot of each value
    values: np.ndarray  # in order of first appearance, as objects
    rows: np.ndarray  # rows (or weights) per value


def _raw_values(values: pd.Series, weights: np.ndarray | None) -> _RawValues:
    """The distinct raw values of a column, in order of first appearance.

    A categorical keeps its own codes, one slot per category (the categories
    met are the values): its rows are not factorised again, which costs
    pandas 16 ms per 750,000 rows against 3 ms here. Other columns go
    through :func:`pandas.factorize`, one slot per value.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        n_categories = len(values.cat.categories)
        per_category = _count_codes(codes, n_categories, weights)
        met = _in_order_of_appearance(codes, np.flatnonzero(per_category))
        return _RawValues(codes, n_categories, met, np.asarray(values.cat.categories.take(met), dtype=object),
                          per_category[met])
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return _RawValues(codes, len(uniques), np.arange(len(uniques)), np.asarray(uniques, dtype=object),
                      _count_codes(codes, len(uniques), weights))


def _in_order_of_appearance(codes: np.ndarray, met: np.ndarray) -> np.ndarray:
    """The codes ``met`` (each occurring in ``codes``) in order of their first occurrence.

    Most appear among the first rows; each of the others is looked for on
    its own, unless there are many, when the whole column is read once.
    """
    head = pd.unique(codes[:4096])
    order = head[head >= 0].astype(np.intp)
    later = np.setdiff1d(met, order)
    if len(later) > 16:
        order = pd.unique(codes)
        return order[order >= 0].astype(np.intp)
    if len(later):
        first_rows = [int(np.argmax(codes == code)) for code in later]
        order = np.concatenate([order, later[np.argsort(first_rows)]])
    return order


def _is_arrow_string(dtype: object) -> bool:
    """A pandas dtype whose values are held in an Arrow string array."""
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
    return False


#: Arrow text columns longer than this are factorised by looking their values up among those of their first
#: _SAMPLE_ROWS rows (a lookup costs less than building the dictionary); values met later are encoded apart.
_LOOKUP_ROWS = 1 << 18
_SAMPLE_ROWS = 1 << 16


def _factorize_arrow(array: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`factorize_values` of an Arrow string (Chunked)Array, values in order of first appearance."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def dictionary_of(encoded: object) -> tuple[object, object]:
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.chunk(0) if encoded.num_chunks == 1 else encoded.combine_chunks()
        return encoded.indices, encoded.dictionary

    def numpy_of(indices: object) -> np.ndarray:
        return indices.to_numpy() if isinstance(indices, pa.ChunkedArray) else indices.to_numpy(zero_copy_only=False)

    if len(array) <= _LOOKUP_ROWS:
        indices, dictionary = dictionary_of(pc.dictionary_encode(array, null_encoding="encode"))
        return (numpy_of(indices), dictionary.to_numpy(zero_copy_only=False),
                dictionary.is_null().to_numpy(zero_copy_only=False))
    # The sample's values come first in the column too, in the same order; later values after them. A null
    # in the looked-up set matches the missing rows (one slot, after the sample's values).
    _, seen = dictionary_of(pc.dictionary_encode(array.slice(0, _SAMPLE_ROWS)))
    seen = pa.concat_arrays([seen, pa.nulls(1, type=seen.type)])
    indices = pc.index_in(array, value_set=seen)
    uniques = seen.to_numpy(zero_copy_only=False)
    missing = np.zeros(len(uniques), dtype=bool)
    missing[-1] = True
    if not indices.null_count:
        return numpy_of(indices), uniques, missing
    # Values missing from the sample: encoded apart, their codes following the slots above.
    later = np.flatnonzero(numpy_of(pc.is_null(indices)))
    later_indices, later_values = dictionary_of(pc.dictionary_encode(array.take(later)))
    if isinstance(indices, pa.ChunkedArray):
        indices = indices.chunk(0) if indices.num_chunks == 1 else indices.combine_chunks()
    # The index values as stored (whatever they hold under a null), copied once to be written.
    codes = np.frombuffer(indices.buffers()[1], dtype=np.int32, count=indices.offset + len(indices))[indices.offset:]
    codes = codes.copy()
    codes[later] = numpy_of(later_indices).astype(np.int64) + len(uniques)
    uniques = np.concatenate([uniques, later_values.to_numpy(zero_copy_only=False)])
    return codes, uniques, np.append(missing, np.zeros(len(later_values), dtype=bool))


def factorize_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of the rows into the column's distinct raw values (no normalisation yet).

    Arrow-backed text (pandas' default ``str`` dtype) is encoded by Arrow
    directly (a long column by looking its rows up among the values of its
    first rows), its int32 codes used without a copy; a categorical by its
    own codes; anything else goes through :func:`pandas.factorize`. The
    distinct values are those :func:`factorize_keys` normalises (a
    categorical's unused categories besides), so :func:`keys_of_values` gives
    the same keys.

    Returns
    -------
    codes : numpy.ndarray
        One non-negative integer per row (any integer dtype): an index into ``uniques``.
    uniques : numpy.ndarray of object
        The distinct raw values in order of first appearance (a categorical's
        categories in their order); missing values (None, NaN, NA) share one
        slot, holding None.
    missing : numpy.ndarray of bool
        One per slot of ``uniques``: whether it is the missing slot.

    Examples
    --------
    >>> import pandas as pd
    >>> codes, uniques, missing = factorize_values(pd.Series(["b", None, "a", "b"]))
    >>> codes.tolist(), uniques.tolist(), missing.tolist()
    ([0, 1, 2, 0], ['b', None, 'a'], [False, True, False])
    """
    if len(values) and _is_arrow_string(values.dtype):
        return _factorize_arrow(values.array.__arrow_array__())
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), np.asarray(values.cat.categories, dtype=object)
        codes = codes.astype(np.int32) if len(codes) and codes.min() < 0 else codes  # room for the missing slot
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    missing = np.zeros(len(uniques), dtype=bool)
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, None)
        missing = np.append(missing, True)
    return codes, uniques, missing


def keys_of_values(uniques: np.ndarray, missing: np.ndarray,
                   placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> list[str | None]:
    """Normalised key of each distinct value of :func:`factorize_values`, ``None`` where missing.

    The keys are those :func:`factorize_keys` gives the same values: ``None``
    for the missing slot and for placeholders.

    Examples
    --------
    >>> import numpy as np
    >>> keys_of_values(np.array([" Google", None, "Select"], dtype=object), np.array([False, True, False]))
    ['google', None, None]
    """
    present = ~np.asarray(missing, dtype=bool)
    keys: list[str | None] = [None] * len(uniques)
    pkeys = _placeholder_keys(tuple(placeholders))
    for i, key in zip(np.flatnonzero(present).tolist(), _keys_of_uniques(uniques[present]), strict=True):
        keys[i] = None if key is None or key in pkeys else key
    return keys


def normalize_keys(values: pd.Series, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> pd.Series:
    """Normalised keys of a column, ``None`` where missing or a placeholder.

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_keys(pd.Series(["Yes", " YES", "n/a"])).tolist()
    ['yes', 'yes', None]
    """
    factorized = factorize_keys(values, placeholders)
    lookup = np.array(factorized.keys + [None], dtype=object)
    return pd.Series(lookup[factorized.codes], index=values.index, dtype=object)
