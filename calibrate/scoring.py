"""Apply a scoring config to leads.

Each attribute column is encoded with the very spec the config was fitted
with (same text normalisation, same placeholders, same bin edges), its points
looked up per level code, and the points summed: one vectorised pass per
attribute, no loop over rows. Text is normalised once per distinct value;
points are looked up per distinct value (or bin), then gathered per row. Large
tables are scored on several threads, one attribute at a time per thread; e-mail
and job-title signals that no attribute scores are derived on one of them.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> from calibrate.scoring import score_leads
>>> leads = load_sample_leads()
>>> config = Calibrator().fit(leads, target="stage", positive=["Closed Won"], exclude=["Open"]).config_
>>> scored = score_leads(config, leads.head(3))
>>> scored["band"].isin(["cold", "warm", "hot"]).all()
np.True_
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from calibrate.activity import ActivityLog
from calibrate.counting import gather
from calibrate.errors import DataError, UnseenLevelWarning
from calibrate.parallel import MAX_THREADS, THREADED_ROWS, available_cpus
from calibrate.target import suggest_columns

if TYPE_CHECKING:
    from calibrate.attributes import AttributeSpec
    from calibrate.config import ScoringConfig
    from calibrate.derive import DerivedSignals

__all__ = ["assign_bands", "score_leads", "unseen_warning_text"]

#: Below this many rows the attributes are scored one after the other; above, on up to MAX_THREADS threads
#: (Arrow's dictionary encoding and numpy's takes and sums release the GIL).
_THREADED_ROWS = THREADED_ROWS
#: Whole-number results (scores) spanning at most this many values are looked up per value of their range.
_RANGE_LIMIT = 1 << 20
_GROUPS = ("fit", "engagement")


def assign_bands(scores: np.ndarray, bands: list[dict]) -> np.ndarray:
    """Band name of every score; a band's ``max`` is exclusive.

    Examples
    --------
    >>> import numpy as np
    >>> assign_bands(np.array([0, 40, 99, 100]), [{"name": "cold", "max": 40}, {"name": "warm", "max": 100},
    ...                                           {"name": "hot"}]).tolist()
    ['cold', 'warm', 'warm', 'hot']
    """
    bounds = np.asarray([b["max"] for b in bands[:-1]], dtype=np.int64)
    names = np.asarray([b["name"] for b in bands], dtype=object)
    return names[np.searchsorted(bounds, scores, side="right")]


def _copy_on_write() -> bool:
    """Whether pandas copies on write (always from pandas 3; an option before)."""
    return int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True


def _n_threads(n_rows: int, n_attributes: int) -> int:
    if n_rows < _THREADED_ROWS or n_attributes < 2:
        return 1
    return max(1, min(available_cpus(), MAX_THREADS, n_attributes))


def _add_points(spec: AttributeSpec, points: np.ndarray, column: pd.Series, total: np.ndarray,
                buffer: np.ndarray) -> np.ndarray | None:
    """Add the attribute's points of every row to ``total``; the rows scored as unseen, when there are some.

    The spec reduces the column to codes into a small table (its distinct
    values, or its bins); points are looked up in the table, then gathered
    per row in one pass into ``buffer`` and summed into ``total``.
    """
    codes, table = spec._encoded(column)
    per_entry = points[table].astype(total.dtype, copy=False)
    if codes.dtype.itemsize < np.dtype(np.intp).itemsize:
        np.add(total, gather(per_entry, codes), out=total)
    else:
        np.take(per_entry, codes, out=buffer, mode="clip")  # codes index the table
        np.add(total, buffer, out=total)
    unseen = table == len(points) - 1
    if unseen.any():
        rows = gather(unseen.view(np.uint8), codes).view(bool)
        if rows.any():
            return rows
    return None


def _score_attributes(items: list[tuple[AttributeSpec, np.ndarray, str, pd.Series]], n_rows: int, dtype: type,
                      side_task: Callable[[], object] | None = None,
                      ) -> tuple[dict[str, np.ndarray], list[np.ndarray | None], object]:
    """Points per group summed over the attributes, each attribute's unseen rows (or None), ``side_task()``.

    Attributes are shared out among threads (text columns, the slowest, first);
    each thread sums into its own totals, added together at the end. Integer
    sums do not depend on their order, so the result is that of one thread.
    ``side_task`` (work no attribute needs, such as derived signals that are
    only shown) is taken first by one of the threads.
    """
    unseen: list[np.ndarray | None] = [None] * len(items)
    errors: dict[int, BaseException] = {}
    order = sorted(range(len(items)), key=lambda i: pd.api.types.is_numeric_dtype(items[i][3].dtype))
    lock = threading.Lock()
    pending = iter(([-1] if side_task is not None else []) + order)
    partials: list[dict[str, np.ndarray]] = []
    side: list[object] = [None]

    def work() -> None:
        totals: dict[str, np.ndarray] = {}
        buffer = np.empty(n_rows, dtype=dtype)
        while True:
            with lock:
                i = next(pending, None)
            if i is None:
                break
            try:
                if i < 0:
                    side[0] = side_task()  # type: ignore[misc]
                    continue
                spec, points, group, column = items[i]
                if group not in totals:
                    if group not in _GROUPS:
                        raise KeyError(group)
                    totals[group] = np.zeros(n_rows, dtype=dtype)
                unseen[i] = _add_points(spec, points, column, totals[group], buffer)
            except BaseException as error:  # noqa: BLE001  (re-raised below: the side task's, else the first attribute's)
                errors[i] = error
        with lock:
            partials.append(totals)

    n_threads = _n_threads(n_rows, len(items) + (side_task is not None))
    if n_threads == 1:
        work()
    else:
        threads = [threading.Thread(target=work, name=f"calibrate-score-{k}") for k in range(n_threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[min(errors)]
    by_group = {}
    for group in _GROUPS:
        parts = [totals[group] for totals in partials if group in totals]
        summed = np.zeros(n_rows, dtype=np.int64) if not parts else parts[0].astype(np.int64)
        for part in parts[1:]:
            summed += part
        by_group[group] = summed
    return by_group, unseen, side[0]


def _through_range(values: np.ndarray, function: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``function(values)`` of whole numbers, computed once per value of their range when it is short.

    ``function`` must work value by value (bands, grades of a score). The
    table of the range is rotated so that ``value mod len(table)`` indexes it:
    the rows are gathered in one pass, without an array of offsets.
    """
    if values.dtype.kind == "i" and len(values) >= 1024:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= min(len(values), _RANGE_LIMIT):
            table = np.roll(function(np.arange(lo, hi + 1, dtype=values.dtype)), lo % (hi - lo + 1))
            if lo <= 0 <= hi:
                # Every value is within one length of zero: a negative index counts from the end, as the modulo
                # does, and numpy's take is several times slower on negative indices than indexing is.
                return table[values]
            return np.take(table, values, mode="wrap")
    return function(values)


def _grade_columns(fit_score: np.ndarray, engagement_score: np.ndarray, grades: dict,
                   index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """The ``grade`` (cell, e.g. ``A1``) and ``sla`` columns.

    As ``assign_grades`` of each score, the cell their concatenation and the
    SLA mapped from the cells, but computed per fit x engagement cell and
    gathered per row.
    """
    from calibrate.grading import assign_grades

    sla = {c["cell"]: c.get("sla", "") for c in grades["cells"]}
    ids = []
    names = []
    for scores, part in ((fit_score, grades["fit"]), (engagement_score, grades["engagement"])):
        labels = [str(label) for label in part["labels"]]
        assign_grades(np.zeros(0), part["edges"], part["labels"])  # validates edges and labels as for the rows
        position = pd.Index(labels, dtype=object)
        ids.append(_through_range(scores, lambda v, p=part, pos=position: pos.get_indexer(
            assign_grades(v, p["edges"], p["labels"])).astype(np.min_scalar_type(len(pos)))))
        names.append(labels)
    n_engagement = len(names[1])
    cells = np.array([f + e for f in names[0] for e in names[1]], dtype=object)
    cell = ids[0].astype(np.min_scalar_type(len(cells))) * n_engagement + ids[1]
    present = np.flatnonzero(np.bincount(cell, minlength=len(cells)))
    # The SLA of the cells present, through the same Series.map as per row, so its dtype is the same.
    present_sla = pd.Series(cells[present], dtype=object).map(sla).fillna("")
    position = np.zeros(len(cells), dtype=np.int64)
    position[present] = np.arange(len(present))
    sla_values = present_sla.array.take(position).take(cell)
    return (pd.Series(cells[cell], index=index, dtype=object, copy=False),
            pd.Series(sla_values, index=index, dtype=present_sla.dtype, copy=False))


def score_leads(config: ScoringConfig, data: pd.DataFrame, *, activities: ActivityLog | pd.DataFrame | str | None = None,
                as_of: str | None = None, derived: pd.DataFrame | None = None, score_column: str = "score",
                band_column: str = "band", grade_columns: bool = True) -> pd.DataFrame:
    """Score every row of ``data`` with ``config``.

    Parameters
    ----------
    config : ScoringConfig
        The config to apply.
    data : pandas.DataFrame
        Leads; every column of ``config.input_columns`` must be present.
        Other columns are kept untouched, in their order.
    activities : ActivityLog, DataFrame or path, optional
        The activity log, required when the config counts activities
        (``config.signals.uses_activities``).
    as_of : str, optional
        Date (YYYY-MM-DD) the derived signals are computed as of for leads
        without an as-of value; default the activity log's latest activity.
    derived : pandas.DataFrame, optional
        The config's derived signal columns, already computed for these rows
        (e.g. over a larger table, so account counts see every colleague);
        the recipe is then not run again.
    score_column, band_column : str
        Names of the columns added.
    grade_columns : bool
        When the config has fit x engagement grades, also add ``fit_score``,
        ``engagement_score``, ``grade`` (the cell, e.g. ``A1``) and ``sla``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data``, same rows in the same order, plus the derived
        signals of the config (``email.domain_type``, ``activity.*``, ...),
        a ``junk`` column (the reason, empty when clean) when the config set
        junk leads aside, the integer score (capped at ``scale.total_cap`` when set), the band and, with
        grades, the grade columns. ``attrs["unseen"]`` counts, per attribute,
        the values never seen in training; ``attrs["unseen_examples"]``
        lists up to three of them.

    Warns
    -----
    UnseenLevelWarning
        Values never seen in training (or text in a numeric column) were
        scored with the config's unseen points; the warning counts them.

    Raises
    ------
    DataError
        An attribute column is missing, or the output columns already exist.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"score needs a pandas DataFrame, got {type(data).__name__}; read files with read_leads()")
    missing = [name for name in config.input_columns if name not in data.columns]
    if missing:
        hints = "".join(suggest_columns(name, [c for c in data.columns if c not in config.attributes]) for name in missing[:3])
        raise DataError(f"column(s) {missing} used by the config are missing from the data{hints}; "
                        "rename them in the data to the names the config was fitted on")
    document = config._document  # read only: to_dict() would deep-copy the whole document, evidence and all
    recipe = config.signals
    signals = None
    later: Callable[[], DerivedSignals] | None = None
    if recipe is not None:
        from calibrate.activity import read_activities
        from calibrate.derive import (
            DerivedSignals,
            _text_signals_only,
            derive_signals,
            junk_mask,
        )

        if derived is not None:
            signals = DerivedSignals(derived[list(recipe.outputs)], junk_mask(derived, recipe), [])
        else:
            log = read_activities(activities) if activities is not None and not isinstance(activities, ActivityLog) \
                else activities
            placeholders = tuple(document["cleaning"]["placeholders"])
            if _text_signals_only(data, recipe) and not any(name in recipe.outputs for name in config.attributes):
                # No attribute scores them and deriving them cannot fail: they are derived on a thread of their own
                # while the attributes are scored, from a frame of their own (no frame is shared across threads).
                inputs = data[list(recipe.inputs)]

                def later() -> DerivedSignals:
                    return derive_signals(inputs, recipe, activities=log, as_of=as_of, placeholders=placeholders)
            else:
                signals = derive_signals(data, recipe, activities=log, as_of=as_of, placeholders=placeholders)
    source = data if signals is None else pd.concat([data, signals.frame], axis=1)
    for column in (score_column, band_column):
        if column in data.columns:
            raise DataError(f"the data already has a column {column!r}; rename it or pass "
                            f"{'score_column' if column == score_column else 'band_column'}= (CLI: --score-column/--band-column)")
    scale = document["scale"]
    n_rows = len(data)
    items = [(spec, points, group, source[spec.name]) for spec, points, group in config.specs_and_points()]
    # Sums in int32 when no sum of points can leave its range (half the memory traffic), else int64.
    bound = abs(int(scale.get("base_points", 0))) + sum(int(np.abs(points).max(initial=0)) for _, points, _, _ in items)
    by_group, unseen_rows, side = _score_attributes(items, n_rows, np.int32 if bound < 2**31 - 1 else np.int64,
                                                    side_task=later)
    if later is not None:
        signals = cast("DerivedSignals", side)
    derived_columns, junk = pd.DataFrame(index=data.index), None
    if signals is not None:
        derived_columns = signals.frame
        if recipe.junk_filter:
            reason = derived_columns.get("form.junk", pd.Series("clean", index=data.index)).astype(object)
            email_type = derived_columns.get("email.domain_type",
                                             pd.Series(None, index=data.index, dtype=object)).astype(object)
            reason = reason.where(reason != "clean", email_type.where(email_type.isin(recipe.junk_filter)) + " e-mail")
            junk = reason.where(signals.junk, "").fillna("")
    total = np.add(by_group["fit"], by_group["engagement"])
    total += int(scale.get("base_points", 0))
    unseen_counts: dict[str, int] = {}
    unseen_examples: dict[str, list[str]] = {}
    for (spec, _, _, column), rows in zip(items, unseen_rows, strict=True):
        if rows is not None:
            unseen_counts[spec.name] = int(np.count_nonzero(rows))
            # The first three distinct values, not the whole column as objects.
            unseen_examples[spec.name] = [str(v) for v in pd.unique(column.iloc[np.flatnonzero(rows)].to_numpy())[:3]]
    if unseen_counts:
        warnings.warn(unseen_warning_text(unseen_counts, unseen_examples), UnseenLevelWarning, stacklevel=3)
    cap = scale.get("total_cap")
    if cap is not None:
        total = np.clip(total, -cap, cap)
    base = pd.concat([data, derived_columns], axis=1) if len(derived_columns.columns) else \
        data.copy(deep=not _copy_on_write())  # under copy-on-write a shallow copy is a copy, without copying
    if junk is not None and "junk" in data.columns:
        raise DataError("the data already has a column 'junk'; rename it (the config adds the junk reason there)")
    added: dict[str, object] = {} if junk is None else {"junk": junk}
    added[score_column] = total
    added[band_column] = pd.Series(_through_range(total, lambda v: assign_bands(v, config.bands)), index=data.index,
                                   dtype=object, copy=False)
    grades = document.get("grades")
    if grades and grade_columns:
        taken = [c for c in ("fit_score", "engagement_score", "grade", "sla") if c in data.columns]
        if n_rows >= 1024 and not taken:
            grade, sla_column = _grade_columns(by_group["fit"], by_group["engagement"], grades, data.index)
        else:
            from calibrate.grading import assign_grades

            fit = assign_grades(by_group["fit"], grades["fit"]["edges"], grades["fit"]["labels"])
            engagement = assign_grades(by_group["engagement"], grades["engagement"]["edges"],
                                       grades["engagement"]["labels"])
            grade = pd.Series(fit, index=data.index, dtype=object) + pd.Series(engagement, index=data.index,
                                                                               dtype=object)
            sla = {c["cell"]: c.get("sla", "") for c in grades["cells"]}
            sla_column = grade.map(sla).fillna("")
        if taken:
            raise DataError(f"the data already has column(s) {taken}; rename them, or pass grade_columns=False")
        added.update({"fit_score": by_group["fit"], "engagement_score": by_group["engagement"], "grade": grade,
                      "sla": sla_column})
    out = _with_columns(base, added, unseen_counts)
    out.attrs["unseen_examples"] = unseen_examples
    return out


def unseen_warning_text(counts: dict[str, int], examples: dict[str, list[str]]) -> str:
    """The :class:`UnseenLevelWarning` message: rows per attribute scored as unseen, with example values.

    Examples
    --------
    >>> unseen_warning_text({"industry": 2}, {"industry": ["Mining", "Space"]})
    "values never seen in training were scored with the unseen points: industry: 2 ('Mining', 'Space')"
    """
    parts = [f"{name}: {count} ({', '.join(repr(v) for v in examples.get(name, []))})" for name, count in counts.items()]
    return f"values never seen in training were scored with the unseen points: {'; '.join(parts)}"


def _with_columns(base: pd.DataFrame, added: dict[str, object], unseen_counts: dict[str, int]) -> pd.DataFrame:
    """``base`` with the ``added`` columns after its own, ``attrs["unseen"]`` set; built in one concatenation.

    The same frame as inserting the columns one by one (into a MultiIndex of
    columns, or over a column of the same name, they are inserted so).
    """
    if isinstance(base.columns, pd.MultiIndex) or any(name in base.columns for name in added):
        for name, values in added.items():
            base[name] = values
        base.attrs["unseen"] = unseen_counts
        return base
    columns = [values.rename(name) if isinstance(values, pd.Series) else
               pd.Series(values, index=base.index, name=name, copy=False) for name, values in added.items()]
    out = pd.concat([base, *columns], axis=1)
    out.attrs = base.attrs
    out.attrs["unseen"] = unseen_counts
    return out
