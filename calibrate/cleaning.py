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

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_PLACEHOLDERS",
    "normalize_keys",
    "normalize_value",
    "factorize_keys",
    "FactorizedKeys",
    "display_labels",
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


def _placeholder_keys(placeholders: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_value(p, placeholders=()) or "" for p in placeholders)


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
        text = str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    else:
        text = unicodedata.normalize("NFKC", str(value))
        text = " ".join(text.split()).casefold()
    if placeholders and text in _placeholder_keys(tuple(placeholders)):
        return None
    return text


@dataclass(frozen=True)
class FactorizedKeys:
    """A column reduced to integer codes into its distinct normalised keys.

    Attributes
    ----------
    codes : numpy.ndarray
        One int64 per row: an index into ``keys``, or -1 for missing.
    keys : list of str
        Distinct normalised keys, in order of first appearance.
    raw_by_key : dict
        For each key, the distinct raw spellings seen and how many rows each had.
    placeholder_rows : int
        Rows that held a non-empty placeholder (such as ``Select``) now missing.
    """

    codes: np.ndarray
    keys: list[str]
    raw_by_key: dict[str, dict[str, int]]
    placeholder_rows: int


def factorize_keys(values: pd.Series, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> FactorizedKeys:
    """Factorise a column by normalised key in one vectorised pass.

    Parameters
    ----------
    values : pandas.Series
        The raw column.
    placeholders : sequence of str
        Values meaning "blank".

    Returns
    -------
    FactorizedKeys

    Examples
    --------
    >>> import pandas as pd
    >>> f = factorize_keys(pd.Series(["Google", "google", "Select", "Bing"]))
    >>> f.codes.tolist(), f.keys, f.placeholder_rows
    ([0, 0, -1, 1], ['google', 'bing'], 1)
    """
    raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    counts = np.bincount(raw_codes[raw_codes >= 0], minlength=len(uniques))
    pkeys = _placeholder_keys(tuple(placeholders))
    key_index: dict[str, int] = {}
    raw_by_key: dict[str, dict[str, int]] = {}
    unique_to_key = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: NA sentinel
    placeholder_rows = 0
    for i, raw in enumerate(uniques):  # distinct values only, not rows
        key = normalize_value(raw, placeholders=())
        if key is None or key in pkeys:
            if key:  # a spelled-out placeholder, not an empty cell
                placeholder_rows += int(counts[i])
            continue
        code = key_index.setdefault(key, len(key_index))
        unique_to_key[i] = code
        spelled = str(raw).strip() if not isinstance(raw, (float, np.floating)) else key
        spellings = raw_by_key.setdefault(key, {})
        spellings[spelled] = spellings.get(spelled, 0) + int(counts[i])
    codes = unique_to_key[raw_codes]  # -1 stays -1 through the sentinel slot
    return FactorizedKeys(codes=codes, keys=list(key_index), raw_by_key=raw_by_key, placeholder_rows=placeholder_rows)


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


def display_labels(raw_by_key: dict[str, dict[str, int]]) -> dict[str, str]:
    """Pick one label per key: its most frequent spelling (ties: the smallest).

    Examples
    --------
    >>> display_labels({"google": {"Google": 40, "google": 3}})
    {'google': 'Google'}
    """
    return {key: min(spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, spellings in raw_by_key.items()}
