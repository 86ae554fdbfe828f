"""Checks of inputs, with one voice: outcome arrays, lead ids, date columns.

:func:`as_outcome` checks arrays handed to the pure statistical functions;
:func:`check_duplicate_ids` and :func:`check_dates` check a lead table's id
and date columns before a fit. Row numbers in messages are 1-based data rows
(the header not counted): for a table read by :func:`calibrate.io.read_leads`
data row ``n`` is line ``n + 1`` of a CSV without line breaks inside fields.

Examples
--------
>>> from calibrate.validation import as_outcome
>>> as_outcome([True, False, 1.0]).tolist()
[1, 0, 1]
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS, normalize_keys
from calibrate.errors import DataError, DataQualityWarning

__all__ = ["as_outcome", "check_duplicate_ids", "check_dates"]


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
        raise DataError(
            f"the outcome {name} must be 0/1 (or True/False); convert it with calibrate.target first"
        ) from None
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        examples = ", ".join(map(str, pd.unique(arr[bad])[:3]))
        raise DataError(f"the outcome {name} must be 0/1 (or True/False); {int(bad.sum())} values are not (e.g. "
                        f"{examples}); map them to 0/1 or drop those leads")
    return values.astype(np.int64)


def _row_numbers(index: pd.Index, positions: np.ndarray) -> np.ndarray:
    """1-based data rows of ``positions``: index label + 1 for an integer index, else position + 1."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index[positions], dtype=np.int64) + 1
    return np.asarray(positions, dtype=np.int64) + 1


def _join_rows(rows: np.ndarray) -> str:
    shown = [str(r) for r in rows[:3]]
    more = ", ..." if len(rows) > 3 else ""
    return (" and ".join(shown) if len(shown) == 2 else ", ".join(shown)) + more


def check_duplicate_ids(
    frame: pd.DataFrame, id_column: str, keep: Literal["first", "last", "refuse"] = "refuse"
) -> tuple[pd.DataFrame, int]:
    """Find leads whose id appears on more than one row; refuse them or keep one row per id.

    Ids are compared as text with surrounding spaces removed (case kept: CRM
    ids such as Salesforce's are case-sensitive). Blank ids are not
    duplicates of each other and are kept. Vectorised with
    :meth:`pandas.Series.duplicated`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The lead table.
    id_column : str
        The lead id column.
    keep : {"refuse", "first", "last"}
        ``"refuse"`` raises when an id repeats; ``"first"``/``"last"`` keep
        the first/last row of each id and drop the others.

    Returns
    -------
    frame : pandas.DataFrame
        ``frame`` itself when no id repeats, else the rows kept (index labels
        unchanged, so later messages still name the file's rows).
    dropped : int
        Rows dropped.

    Raises
    ------
    DataError
        ``id_column`` is not in the data; or ``keep="refuse"`` and ids
        repeat: the message gives the count, two example ids with their data
        rows, and the fix.
    ValueError
        ``keep`` is not one of the three choices.

    Warns
    -----
    DataQualityWarning
        ``keep`` is ``"first"`` or ``"last"`` and rows were dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"lead_id": ["A", "B", "A "], "source": ["x", "y", "z"]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     kept, dropped = check_duplicate_ids(leads, "lead_id", keep="last")
    >>> kept["source"].tolist(), dropped
    (['y', 'z'], 1)
    """
    if keep not in ("first", "last", "refuse"):
        raise ValueError(f"keep must be 'first', 'last' or 'refuse', got {keep!r}")
    if id_column not in frame.columns:
        from calibrate.target import suggest_columns

        raise DataError(f"id column {id_column!r} is not in the data{suggest_columns(id_column, frame.columns)}; "
                        "pass the column holding the lead id (CLI: --id-column COL)")
    keys = frame[id_column].astype("string").str.strip()
    present = (keys.notna() & (keys != "")).to_numpy(dtype=bool, na_value=False)
    repeated = keys.duplicated(keep=False).to_numpy(dtype=bool) & present
    if not repeated.any():
        return frame, 0
    extra = keys.duplicated(keep="first").to_numpy(dtype=bool) & present
    n_extra = int(extra.sum())
    repeated_keys = keys[repeated]
    n_ids = int(repeated_keys.nunique())
    examples = []
    for key in repeated_keys.drop_duplicates().iloc[:2]:  # two example ids, not a loop over rows
        rows = _row_numbers(frame.index, np.flatnonzero(repeated & (keys == key).to_numpy(dtype=bool, na_value=False)))
        examples.append(f"{key!r} at data rows {_join_rows(rows)}")
    shown = "; ".join(examples)
    if keep == "refuse":
        raise DataError(
            f"id column {id_column!r} has {n_ids} id(s) on more than one row ({n_extra} extra row(s); e.g. {shown}); "
            "remove the duplicates from the export, or pass --duplicate-ids first|last "
            "(Python: keep='first'|'last') to keep one row per id"
        )
    kept = ~keys.duplicated(keep=keep).to_numpy(dtype=bool) | ~present
    warnings.warn(
        f"id column {id_column!r}: {n_extra} row(s) repeating {n_ids} id(s) were dropped, keeping the {keep} row of "
        f"each (e.g. {shown}); if they are distinct leads, give them distinct ids",
        DataQualityWarning,
        stacklevel=2,
    )
    return frame.loc[kept], n_extra


def check_dates(
    values: pd.Series,
    column: str,
    *,
    allow_unparseable: bool = True,
    today: str | pd.Timestamp | None = None,
) -> pd.Series:
    """Parse a date column, saying which values are not dates and which lie in the future.

    Parameters
    ----------
    values : pandas.Series
        The raw column (text or datetimes). Blanks and placeholders
        (``N/A``, ``-``, ...) are missing, not errors.
    column : str
        Its name, for messages.
    allow_unparseable : bool
        Whether text that is not a date only warns (the dates record the
        training period) or raises (the dates split the holdout by time).
    today : str or pandas.Timestamp, optional
        The reference for "in the future"; default the current UTC date.

    Returns
    -------
    pandas.Series
        ``datetime64`` values (time-zone-aware ones converted to UTC, naive
        ones taken as UTC; both made naive), ``NaT`` where missing or not a
        date; same index as ``values``.

    Raises
    ------
    DataError
        No value is a date, or ``allow_unparseable`` is false and some
        values are not dates.

    Warns
    -----
    DataQualityWarning
        Values that are not dates (ignored), and dates after ``today``.

    Examples
    --------
    >>> import pandas as pd
    >>> check_dates(pd.Series(["2025-01-31", "", "2025-02-01"]), "created", today="2026-01-01").dt.day.tolist()
    [31.0, nan, 1.0]
    """
    missing = normalize_keys(values, DEFAULT_PLACEHOLDERS).isna().to_numpy(dtype=bool)
    try:
        parsed = pd.to_datetime(values.astype(object).where(~missing, None), errors="coerce", format="mixed", utc=True)
    except (TypeError, ValueError) as exc:  # e.g. values that are neither text nor dates
        raise DataError(f"date column {column!r} could not be parsed ({' '.join(str(exc).split())}); "
                        "give dates like 2025-01-31 or 2025-01-31T09:30:00Z") from None
    parsed = parsed.dt.tz_localize(None)  # naive times read as UTC, time-zone-aware ones converted to it
    bad = parsed.isna().to_numpy(dtype=bool) & ~missing
    if parsed.notna().sum() == 0:
        example = f" (e.g. {str(values[~missing].iloc[0])!r})" if (~missing).any() else ""
        raise DataError(f"date column {column!r} has no parseable dates{example}; give dates like 2025-01-31, "
                        "or pass another date column")
    if bad.any():
        positions = np.flatnonzero(bad)
        rows = _row_numbers(values.index, positions[:2])
        shown = ", ".join(f"{str(v)!r} at data row {r}" for v, r in zip(values.iloc[positions[:2]], rows, strict=True))
        message = f"date column {column!r} has {len(positions)} value(s) that are not dates ({shown})"
        if not allow_unparseable:
            raise DataError(f"{message}; fix them (dates like 2025-01-31) or blank them")
        warnings.warn(f"{message}; they are ignored for the training period: fix them (dates like 2025-01-31) "
                      "or blank them", DataQualityWarning, stacklevel=2)
    now = pd.Timestamp(today) if today is not None else pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    future = (parsed > now + pd.Timedelta(days=1)).to_numpy(dtype=bool)
    if future.any():
        positions = np.flatnonzero(future)
        latest = parsed.max()
        rows = _row_numbers(values.index, positions[:2])
        shown = ", ".join(f"{str(v)!r} at data row {r}" for v, r in zip(values.iloc[positions[:2]], rows, strict=True))
        warnings.warn(
            f"date column {column!r} has {len(positions)} date(s) after today ({shown}); the training period "
            f"ends at {latest.date().isoformat()}: check that this is the lead's creation date and the export's clock",
            DataQualityWarning,
            stacklevel=2,
        )
    return parsed
