"""The outcome: which leads became customers, and which are still undecided.

A CRM writes the outcome in many ways: a 0/1 column, booleans as text
(``TRUE``, ``yes``, ``Y``), or a stage (``Closed Won``, ``Closed Lost``,
``Open``). :func:`resolve_target` turns it into a 0/1 array, drops the rows
the user says are undecided, and explains every row it leaves out.

Examples
--------
>>> import pandas as pd
>>> from calibrate.target import resolve_target
>>> stage = pd.DataFrame({"stage": ["Closed Won", "closed lost", "Open", "Closed Lost"]})
>>> outcome = resolve_target(stage, "stage", positive=["Closed Won"], exclude=["Open"])
>>> outcome.y.tolist(), outcome.excluded_rows, outcome.positive
([1, 0, 0], 1, ['Closed Won'])
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS, factorize_keys, normalize_value
from calibrate.errors import DataError

__all__ = ["Outcome", "resolve_target", "suggest_columns"]

#: Keys (after normalising case, spaces and ``1.0`` -> ``1``) of a boolean-like outcome. A column whose
#: decided values all fall in these two sets needs no ``positive=``, even when an export mixes spellings
#: (``TRUE``, ``yes``, ``Y`` next to ``false``, ``No``, ``N``).
_TRUE_KEYS = frozenset({"1", "true", "yes", "y", "t"})
_FALSE_KEYS = frozenset({"0", "false", "no", "n", "f"})


@dataclass(frozen=True)
class Outcome:
    """The resolved outcome of the leads kept for fitting.

    Attributes
    ----------
    column : str
        The target column.
    y : numpy.ndarray
        0/1 (int8) per kept row.
    keep : numpy.ndarray
        Boolean mask over the input rows: rows with a decided outcome.
    positive : list of str
        The values counted as customers, as spelled in the data.
    negative : list of str
        The other decided values.
    excluded : list of str
        Values whose rows were left out as undecided (``exclude=``).
    excluded_rows : int
        Rows left out because their value is in ``excluded``.
    missing_rows : int
        Rows left out because the outcome is blank.
    """

    column: str
    y: np.ndarray
    keep: np.ndarray
    positive: list[str]
    negative: list[str]
    excluded: list[str]
    excluded_rows: int
    missing_rows: int

    @property
    def leads(self) -> int:
        return int(self.y.size)

    @property
    def customers(self) -> int:
        return int(self.y.sum())


def suggest_columns(name: str, columns: Sequence[object], n: int = 3) -> str:
    """A ``did you mean ...`` phrase with the columns closest to ``name``.

    Examples
    --------
    >>> suggest_columns("converted", ["Lead ID", "Converted", "Country"])
    "; did you mean 'Converted'?"
    """
    by_fold = {str(c).casefold(): str(c) for c in columns}
    if name.casefold() in by_fold:
        return f"; did you mean {by_fold[name.casefold()]!r}?"
    close = difflib.get_close_matches(name.casefold(), list(by_fold), n=n, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(by_fold[c]) for c in close) + "?"


def _canonical_number(key: str) -> str:
    try:
        number = float(key)
    except ValueError:
        return key
    return str(int(number)) if number.is_integer() else key


def _quote_values(values: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def resolve_target(
    frame: pd.DataFrame,
    target: str,
    *,
    positive: Sequence[object] | None = None,
    exclude: Sequence[object] = (),
    placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
    weights: np.ndarray | None = None,
) -> Outcome:
    """Turn the outcome column into 0/1 and say which rows are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        The lead table.
    target : str
        The outcome column.
    positive : sequence, optional
        Values that count as a customer (compared without case or
        surrounding spaces). Optional for 0/1 and boolean-like columns
        (``1``/``0``, ``TRUE``/``FALSE``, ``yes``/``no``, ``Y``/``N``,
        ``T``/``F``, spellings mixed or not; ``"1.0"`` and ``" 1 "`` read
        as ``1``).
    exclude : sequence
        Values whose rows are undecided (e.g. ``Open``) and left out.
    placeholders : sequence of str
        Values meaning blank; rows with a blank outcome are left out.
    weights : numpy.ndarray, optional
        Rows each row of ``frame`` stands for (``frame`` then holds distinct
        outcome values counted on an engine): the row counts and the checks
        use them; ``y`` and ``keep`` stay one entry per row of ``frame``.

    Returns
    -------
    Outcome

    Raises
    ------
    DataError
        The column is missing, has one decided lead or one class only, or
        has values that are not boolean-like and no ``positive``.

    Examples
    --------
    >>> import pandas as pd
    >>> resolve_target(pd.DataFrame({"won": ["TRUE", "false", " true "]}), "won").y.tolist()
    [1, 0, 1]
    >>> resolve_target(pd.DataFrame({"won": ["yes", "N", "TRUE", "1.0", "0"]}), "won").y.tolist()
    [1, 0, 1, 1, 0]
    """
    if target not in frame.columns:
        raise DataError(f"target column {target!r} is not in the data{suggest_columns(target, frame.columns)} "
                        f"(columns: {_quote_values([str(c) for c in frame.columns], 8)})")
    factorized = factorize_keys(frame[target], placeholders)
    keys = [_canonical_number(k) for k in factorized.keys]
    label = dict(zip(keys, factorized.labels, strict=True))
    codes = factorized.codes
    rows = None if weights is None else np.asarray(weights, dtype=np.int64)
    n_rows = len(frame) if rows is None else int(rows.sum())

    def rows_of(mask: np.ndarray) -> int:
        return int(np.count_nonzero(mask)) if rows is None else int(rows[mask].sum())

    exclude_keys = {_canonical_number(normalize_value(v, ()) or "") for v in exclude}
    unknown_excluded = sorted(exclude_keys - set(keys))
    if unknown_excluded:
        raise DataError(f"exclude value(s) {unknown_excluded} not found in target column {target!r}; "
                        f"its values are {_quote_values(sorted(set(label.values())))}")
    decided_keys = [k for k in dict.fromkeys(keys) if k not in exclude_keys]
    if not decided_keys:
        raise DataError(f"no lead in {n_rows} rows has a decided outcome in {target!r} (values are blank"
                        + (" or excluded" if exclude_keys else "") + "); check the column and exclude=")

    if positive is not None:
        positive_keys = {_canonical_number(normalize_value(v, ()) or "") for v in positive}
        unknown = sorted(positive_keys - set(keys))
        if unknown:
            raise DataError(f"positive value(s) {unknown} not found in target column {target!r}; "
                            f"its values are {_quote_values(sorted(set(label.values())))}")
    else:
        present = set(decided_keys)
        positive_keys = set(_TRUE_KEYS)
        if not present <= _TRUE_KEYS | _FALSE_KEYS:
            shown = _quote_values(sorted({label[k] for k in decided_keys}))
            raise DataError(f"target column {target!r} has {len(present)} distinct values ({shown}); "
                            f"pass positive=[...] (CLI: --positive VALUE) to say which mean 'became a customer'"
                            + (" and exclude=[...] (--exclude-outcome) for undecided ones" if len(present) > 2 else ""))

    # One entry per key, and False for the NA code -1 (the last): missing rows are neither.
    key_is_positive = np.array([k in positive_keys for k in keys] + [False])
    key_is_excluded = np.array([k in exclude_keys for k in keys] + [False])
    key_is_kept = np.array([k not in exclude_keys for k in keys] + [False])
    missing = codes < 0
    excluded = key_is_excluded[codes]
    keep = key_is_kept[codes]
    y = key_is_positive[codes][keep].astype(np.int8)

    positive_labels = sorted({label[k] for k in keys if k in positive_keys})
    negative_labels = sorted({label[k] for k in decided_keys if k not in positive_keys})
    outcome = Outcome(
        column=target, y=y, keep=keep, positive=positive_labels, negative=negative_labels,
        excluded=sorted({label[k] for k in keys if k in exclude_keys}),
        excluded_rows=rows_of(excluded), missing_rows=rows_of(missing),
    )
    leads = rows_of(keep)
    customers = int(np.count_nonzero(y)) if rows is None else int(rows[keep][y == 1].sum())
    if leads == 0:
        raise DataError(f"no lead in {n_rows} rows has a decided outcome in {target!r}; check exclude= and the column")
    if leads == 1:
        raise DataError(f"only 1 lead (of {n_rows} row(s)) has a decided outcome in {target!r}; close rates need "
                        "many leads with both outcomes (hundreds at least): export more history")
    if customers in (0, leads):
        which = "customers" if customers else "non-customers"
        raise DataError(f"target column {target!r} has only {which} among the {leads} decided leads "
                        f"(values: {_quote_values(positive_labels + negative_labels)}); "
                        "a close rate needs both: check positive= and exclude=")
    return outcome
