"""Activity logs: read them and aggregate them per lead as of a reference date.

An activity log has one row per event: the lead's id, the activity type
(``"Page View"``, ``"Demo Request"``, ``"Email Open"`` ...) and when it
happened. :func:`read_activities` reads one (CSV/TSV/TXT, Excel, Parquet or a
DataFrame) into an :class:`ActivityLog`; :func:`aggregate_activities` turns it
into per-lead features (counts per type, recency, velocity) for a lead table.

The leakage guard
-----------------
Every lead is aggregated **as of** its own reference date (for historical
leads, the date their outcome was decided; for open leads, today). Activities
after that date are ignored and counted in
:attr:`ActivityFeatures.ignored_after_as_of`: an activity that happened after
the sale must never explain the sale.

Conventions
-----------
* Lead ids are compared as text with surrounding spaces removed (case kept);
  whole numbers lose a ``.0`` (``660737.0`` and ``"660737"`` are one id).
  Empty ids and placeholders (``"N/A"``, ``"null"`` ...) mean "no id".
* Activity types are normalised to ``snake_case`` keys: Unicode NFKC,
  case-folded, runs of spaces, ``-``, ``_`` and ``.`` become one ``_``
  (``"Pricing Page"`` -> ``"pricing_page"``); they name the feature columns
  ``activity.<type>.count``.
* Times: a timestamp with a UTC offset is converted to UTC; one without is
  taken as UTC. A date without a time means 00:00 UTC that day (so for an
  as-of date, activities later that day count as after it: the conservative
  side of the leakage guard). Text is parsed as ISO 8601 first, then with the
  format guessed from the first value that is not ISO (month-first for
  ``03/05/2024``), then value by value. Numbers are taken as Unix times
  (seconds, milliseconds or microseconds, told apart by their size).
* Days are fractional days since 1970-01-01 UTC (``float64``); day counts
  reported per lead are whole days, rounded down.

Memory: a 10-million-row log takes about 0.5 GB as an :class:`ActivityLog`;
Parquet files are read column-selectively, plain UTF-8 text files with
pyarrow's multi-threaded CSV reader (falling back to
:func:`calibrate.io.read_leads`, which handles any encoding, when that reader
refuses the file). See ``benchmarks/bench_activity.py``.

Examples
--------
>>> import pandas as pd
>>> from calibrate.activity import read_activities, aggregate_activities
>>> log = read_activities(pd.DataFrame({
...     "Lead ID": ["L1", "L1", "L2", "L1"],
...     "Activity Type": ["Page View", "Demo Request", "Page View", "Page View"],
...     "Activity Date": ["2024-03-01", "2024-03-05 10:00", "2024-03-02", "2024-04-20"],
... }))
>>> log.types
('demo_request', 'page_view')
>>> features = aggregate_activities(log, pd.Series(["L1", "L2", "L3"]), as_of="2024-03-10")
>>> features.frame[["activity.page_view.count", "activity.total.count", "activity.days_since_last"]]
   activity.page_view.count  activity.total.count  activity.days_since_last
0                         1                     2                       4.0
1                         1                     1                       8.0
2                         0                     0                       NaN
>>> features.ignored_after_as_of
1
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS, normalize_value
from calibrate.errors import DataError, DataQualityWarning
from calibrate.io import detect_delimiter, detect_encoding, read_leads
from calibrate.target import suggest_columns

__all__ = [
    "RECENT_WINDOW_DAYS",
    "ActivityEvents",
    "ActivityFeatures",
    "ActivityLog",
    "aggregate_activities",
    "detect_activity_columns",
    "normalize_activity_type",
    "ordinal",
    "read_activities",
]

#: Length of the window (days up to the as-of date) behind ``activity.per_week``.
RECENT_WINDOW_DAYS = 28

#: Drop reasons, in the order a row is checked (a row counts under the first that applies).
_DROP_REASONS = ("missing lead id", "missing activity type", "missing timestamp", "unparseable timestamp")

_MICROSECONDS_PER_DAY = 86_400_000_000
# Distinct non-ISO timestamp texts parsed one by one (dateutil) at most.
_MAX_MIXED_FORMAT_VALUES = 20_000

_PLACEHOLDER_KEYS = frozenset(DEFAULT_PLACEHOLDERS)
_TYPE_SEPARATORS = re.compile(r"[\s._\-]+")

_ROLES = ("lead_id", "activity", "timestamp")
_ROLE_TEXT = {"lead_id": "the lead id", "activity": "the activity type", "timestamp": "the activity time"}
_ROLE_FLAG = {
    "lead_id": "--activity-id-column",
    "activity": "--activity-type-column",
    "timestamp": "--activity-time-column",
}
# Column names (case-folded, without spaces, "_" and "-") that identify each
# role: the first tier is specific, the second generic and only used when no
# column of the first tier exists (an activity log's own "id" column must not
# make "lead_id" ambiguous).
_ROLE_NAMES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "lead_id": (
        frozenset({"leadid", "leadnumber", "leadno", "prospectid", "prospectnumber", "contactid",
                   "contactnumber", "personid", "leadkey", "leadref"}),
        frozenset({"id", "lead", "prospect", "contact", "person"}),
    ),
    "activity": (
        frozenset({"activity", "activitytype", "activityname", "activitytypename", "eventtype", "eventname",
                   "actiontype", "activitykind"}),
        frozenset({"type", "event", "action", "name", "kind"}),
    ),
    "timestamp": (
        frozenset({"timestamp", "occurredat", "occurredon", "createdat", "createdon", "createddate",
                   "datecreated", "eventtime", "eventdate", "eventtimestamp", "eventdatetime", "activitydate",
                   "activitytime", "activitytimestamp", "activitydatetime", "activityat", "loggedat"}),
        frozenset({"time", "datetime", "date", "created", "when", "at"}),
    ),
}


# --------------------------------------------------------------------------- #
# Data classes
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class ActivityLog:
    """A cleaned activity log: one entry per usable event.

    Attributes
    ----------
    lead_id : numpy.ndarray
        Object array of normalised lead ids (text, surrounding spaces removed).
    activity : numpy.ndarray
        Integer codes into :attr:`types`.
    types : tuple of str
        Normalised activity type keys, sorted.
    day : numpy.ndarray
        ``float64`` fractional days since 1970-01-01 00:00 UTC.
    columns : dict
        ``{"lead_id": ..., "activity": ..., "timestamp": ...}``: the source
        columns used.
    rows_read : int
        Rows in the source, before any was dropped.
    dropped : dict
        Rows dropped per reason (``"missing lead id"``, ``"missing activity
        type"``, ``"missing timestamp"``, ``"unparseable timestamp"``); a row
        counts under the first reason that applies, so ``rows_read ==
        len(log) + sum(dropped.values())``.
    id_codes, id_keys : numpy.ndarray, optional
        ``lead_id`` factorised (``id_keys[id_codes] == lead_id``), filled in by
        :func:`read_activities` so that :func:`aggregate_activities` joins on
        the distinct ids only. Leave them out when building a log by hand.

    Examples
    --------
    >>> import numpy as np
    >>> log = ActivityLog(lead_id=np.array(["L1", "L2"], dtype=object), activity=np.array([0, 1]),
    ...                   types=("email_open", "page_view"), day=np.array([19800.5, 19801.0]),
    ...                   columns={"lead_id": "id", "activity": "type", "timestamp": "time"},
    ...                   rows_read=2, dropped={})
    >>> len(log), str(log.cut_off)
    (2, '2024-03-19 00:00:00+00:00')
    """

    lead_id: np.ndarray
    activity: np.ndarray
    types: tuple[str, ...]
    day: np.ndarray
    columns: dict[str, str]
    rows_read: int
    dropped: dict[str, int]
    id_codes: np.ndarray | None = field(default=None, repr=False)
    id_keys: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        n = len(self.lead_id)
        if len(self.activity) != n or len(self.day) != n:
            raise DataError(
                f"ActivityLog arrays differ in length (lead_id {n}, activity {len(self.activity)}, "
                f"day {len(self.day)}); give one entry per event in each"
            )
        if (self.id_codes is None) != (self.id_keys is None) or (self.id_codes is not None and len(self.id_codes) != n):
            raise DataError("ActivityLog id_codes and id_keys go together and id_codes needs one entry per event; "
                            "leave both out")

    def __len__(self) -> int:
        return len(self.lead_id)

    @property
    def cut_off(self) -> pd.Timestamp:
        """The latest event time in the log (UTC); ``NaT`` for an empty log."""
        if len(self.day) == 0:
            return pd.NaT
        return _day_to_timestamp(float(np.max(self.day)))


@dataclass(frozen=True, eq=False)
class ActivityEvents:
    """The counted events of an aggregation, for decay estimation.

    Attributes
    ----------
    lead : numpy.ndarray
        ``int64`` row position of the event's lead in the lead table.
    type_code : numpy.ndarray
        Integer code of the event's type into :attr:`ActivityFeatures.types`.
    age_days : numpy.ndarray
        ``float64`` days from the event to its lead's as-of date (>= 0).

    Examples
    --------
    >>> import numpy as np
    >>> events = ActivityEvents(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([1.5, 10.0, 0.0]))
    >>> len(events)
    3
    """

    lead: np.ndarray
    type_code: np.ndarray
    age_days: np.ndarray

    def __len__(self) -> int:
        return len(self.lead)


@dataclass(frozen=True, eq=False)
class ActivityFeatures:
    """Per-lead activity features and the bookkeeping of how they were made.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per lead of the lead table, in its order (``RangeIndex``);
        columns ``activity.<type>.count`` per type, ``activity.total.count``,
        ``activity.days_since_last``, ``activity.days_to_<nth>`` and
        ``activity.per_week``.
    types : tuple of str
        The activity types counted, in column order.
    nth : int
        The ``n`` of ``activity.days_to_<nth>``.
    unmatched_rows : int
        Log rows whose lead id is not in the lead table.
    other_types_ignored : int
        Rows of matched leads whose type is not in :attr:`types`.
    ignored_after_as_of : int
        Rows of matched leads and counted types that happened after the lead's
        as-of date (the leakage guard).
    leads_without_activity : int
        Leads with no counted activity.
    as_of_fallback : int
        Leads whose as-of date was missing and took :attr:`cut_off`.
    cut_off : pandas.Timestamp
        The latest event time of the log (UTC).
    events : ActivityEvents
        The counted events (lead position, type code, age in days).

    Examples
    --------
    >>> import pandas as pd
    >>> from calibrate.activity import read_activities, aggregate_activities
    >>> log = read_activities(pd.DataFrame({"lead_id": ["A", "B"], "type": ["Webinar", "Webinar"],
    ...                                     "timestamp": ["2024-01-01", "2024-01-02"]}))
    >>> feats = aggregate_activities(log, ["A", "B"], "2024-01-10")
    >>> feats.frame.columns.tolist()
    ['activity.webinar.count', 'activity.total.count', 'activity.days_since_last', 'activity.days_to_3rd', 'activity.per_week']
    """

    frame: pd.DataFrame
    types: tuple[str, ...]
    nth: int
    unmatched_rows: int
    other_types_ignored: int
    ignored_after_as_of: int
    leads_without_activity: int
    as_of_fallback: int
    cut_off: pd.Timestamp
    events: ActivityEvents


# --------------------------------------------------------------------------- #
# Small public helpers
# --------------------------------------------------------------------------- #
def ordinal(n: int) -> str:
    """English ordinal of a positive integer: ``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``21st``.

    Parameters
    ----------
    n : int
        A positive integer.

    Returns
    -------
    str

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '103rd']
    """
    suffixes = {1: "st", 2: "nd", 3: "rd"}
    suffix = "th" if n % 100 in (11, 12, 13) else suffixes.get(n % 10, "th")
    return f"{n}{suffix}"


def normalize_activity_type(value: object) -> str | None:
    """Normalised key of one activity type name, or ``None`` when it means missing.

    Parameters
    ----------
    value : object
        An activity type as spelled in a log or a config.

    Returns
    -------
    str or None
        NFKC, case-folded, runs of spaces, ``-``, ``_`` and ``.`` replaced by
        one ``_``, no leading or trailing ``_``; ``None`` for blanks and
        placeholders such as ``"N/A"``.

    Examples
    --------
    >>> normalize_activity_type("  Pricing Page ")
    'pricing_page'
    >>> normalize_activity_type("E-mail  Open"), normalize_activity_type("FORM_fill")
    ('e_mail_open', 'form_fill')
    >>> normalize_activity_type("N/A") is None
    True
    """
    key = normalize_value(value)
    if key is None:
        return None
    key = _TYPE_SEPARATORS.sub("_", key).strip("_")
    return key or None


def detect_activity_columns(
    frame: pd.DataFrame,
    *,
    lead_id: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
) -> dict[str, str]:
    """Find the lead-id, activity-type and timestamp columns of an activity log.

    Explicit names win. Otherwise a column is recognised by its name,
    case-folded and without spaces, ``_`` and ``-``: ``lead_id``, ``Lead
    Number``, ``prospect_id``, ``contact_id``, ``person_id`` (then ``id``,
    ``lead``) for the lead id; ``activity``, ``activity_type``,
    ``event_type``, ``Activity Name`` (then ``type``, ``event``, ``action``)
    for the type; ``timestamp``, ``occurred_at``, ``created_at``,
    ``event_time``, ``Activity Date`` (then ``time``, ``datetime``, ``date``)
    for the time. Generic names are only considered when no specific one is
    present.

    Parameters
    ----------
    frame : pandas.DataFrame
        The log (only its column names are used).
    lead_id, activity, timestamp : str, optional
        Column names to use instead of detecting them.

    Returns
    -------
    dict
        ``{"lead_id": column, "activity": column, "timestamp": column}``.

    Raises
    ------
    DataError
        A given column does not exist, or no column or several columns fit a
        role; the message names the option to pass.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame(columns=["id", "Prospect ID", "Activity Type", "Created At", "Notes"])
    >>> detect_activity_columns(log)
    {'lead_id': 'Prospect ID', 'activity': 'Activity Type', 'timestamp': 'Created At'}
    >>> detect_activity_columns(log, timestamp="Notes")["timestamp"]
    'Notes'
    """
    return _detect_columns([str(c) for c in frame.columns], {"lead_id": lead_id, "activity": activity,
                                                             "timestamp": timestamp})


def _name_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


def _detect_columns(columns: list[str], given: dict[str, str | None]) -> dict[str, str]:
    listed = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
    chosen: dict[str, str] = {}
    for role in _ROLES:
        name = given[role]
        if name is None:
            continue
        if not isinstance(name, str) or name not in columns:
            raise DataError(
                f"activity log has no column {name!r} ({role}=, CLI {_ROLE_FLAG[role]}){suggest_columns(str(name), columns)}; "
                f"its columns are {listed}"
            )
        chosen[role] = name
    taken = set(chosen.values())
    for role in _ROLES:
        if role in chosen:
            continue
        free = [c for c in columns if c not in taken]
        found: list[str] = []
        for tier in _ROLE_NAMES[role]:
            found = [c for c in free if _name_key(c) in tier]
            if found:
                break
        how = f"pass {_ROLE_FLAG[role]} NAME (Python: {role}='NAME')"
        if not found:
            raise DataError(f"activity log: no column looks like {_ROLE_TEXT[role]} (columns: {listed}); {how}")
        if len(found) > 1:
            shown = " and ".join(repr(c) for c in found)
            raise DataError(
                f"activity log: several columns could hold {_ROLE_TEXT[role]} ({shown}); {how} with one of them"
            )
        chosen[role] = found[0]
        taken.add(found[0])
    return {role: chosen[role] for role in _ROLES}


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #
def read_activities(
    source: pd.DataFrame | str | os.PathLike[str],
    *,
    lead_id: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
) -> ActivityLog:
    """Read an activity log (one row per event) into an :class:`ActivityLog`.

    Rows without a lead id, an activity type or a timestamp are dropped and
    counted in :attr:`ActivityLog.dropped`, and so are rows whose timestamp
    is not a date.

    Parameters
    ----------
    source : pandas.DataFrame, str or os.PathLike
        A DataFrame, or the path of a CSV/TSV/TXT (any delimiter and
        encoding, optionally gzip-compressed), Excel or Parquet file. Only the
        three columns used are read from Parquet.
    lead_id, activity, timestamp : str, optional
        Column names; detected when omitted (see
        :func:`detect_activity_columns`).

    Returns
    -------
    ActivityLog

    Raises
    ------
    DataError
        The file cannot be read, the columns cannot be found, the log has no
        usable row, or more than half of the timestamps are not dates (the
        wrong column, most likely).

    Warns
    -----
    DataQualityWarning
        Rows were dropped; the message gives the count per reason and an
        example of a timestamp that is not a date.

    Examples
    --------
    >>> import pandas as pd
    >>> log = read_activities(pd.DataFrame({
    ...     "contact_id": [" C1", "C2", "C2"],
    ...     "event": ["Email Open", "email_open", "Form Fill"],
    ...     "occurred_at": ["2024-05-01T08:00:00+02:00", "2024-05-02", "2024-05-03 12:00"],
    ... }))
    >>> log.lead_id.tolist(), log.types, log.activity.tolist()
    (['C1', 'C2', 'C2'], ('email_open', 'form_fill'), [0, 0, 1])
    >>> (log.day - 19844).round(3).tolist()
    [0.25, 1.0, 2.5]
    """
    given = {"lead_id": lead_id, "activity": activity, "timestamp": timestamp}
    if isinstance(source, pd.DataFrame):
        columns = _detect_columns([str(c) for c in source.columns], given)
        by_text = {str(c): c for c in source.columns}
        values = {role: source[by_text[col]] for role, col in columns.items()}
        return _build_log(values, columns, len(source), "activity log")
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path or a pandas.DataFrame, not {type(source).__name__}")
    display = os.fspath(source)
    path = Path(display)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".parquet", ".pq") and path.is_file():
        columns, values, rows = _read_parquet_columns(path, display, given)
        return _build_log(values, columns, rows, f"'{display}'")
    if suffixes and suffixes[-1] in (".csv", ".tsv", ".txt") and path.is_file():
        fast = _read_text_columns(path, display, given)
        if fast is not None:
            columns, values, rows = fast
            return _build_log(values, columns, rows, f"'{display}'")
    frame = read_leads(source)  # any encoding, Excel, gzip; its errors name the file and a fix
    columns = _detect_columns([str(c) for c in frame.columns], given)
    values = {role: frame[col] for role, col in columns.items()}
    return _build_log(values, columns, len(frame), f"'{display}'")


def _read_parquet_columns(path: Path, display: str, given: dict[str, str | None]) -> tuple[dict[str, str], dict[str, Any], int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(f"'{display}' could not be read as Parquet ({_one_line(exc)}); re-export it or check it is not truncated") from exc
    raw_names = [str(n) for n in schema.names]
    stripped = [n.strip() for n in raw_names]
    columns = _detect_columns(stripped, given)
    raw = {role: raw_names[stripped.index(col)] for role, col in columns.items()}
    for role, name in raw.items():
        if pa.types.is_nested(schema.field(name).type):
            raise DataError(
                f"'{display}': column {name!r} ({role}) is nested ({schema.field(name).type}); "
                f"flatten it or pass {_ROLE_FLAG[role]} with a plain column"
            )
    try:
        table = pq.read_table(path, columns=list(dict.fromkeys(raw.values())))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(f"'{display}' could not be read as Parquet ({_one_line(exc)}); re-export it") from exc
    values = {role: table.column(name) for role, name in raw.items()}
    return columns, values, table.num_rows


def _read_text_columns(path: Path, display: str, given: dict[str, str | None]) -> tuple[dict[str, str], dict[str, Any], int] | None:
    """Fast path for plain UTF-8 text: pyarrow's CSV reader, only the three columns.

    Returns None whenever the file needs :func:`read_leads`'s care (other
    encodings, gzip, odd headers, rows the fast reader refuses).
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return None
    if not head or head[:2] == b"\x1f\x8b" or head[:4] in (b"PK\x03\x04", b"PAR1"):
        return None
    if detect_encoding(head) not in ("utf-8", "utf-8-sig"):
        return None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    cut = max(text.rfind("\n", 0, 1 << 16), 0)
    sample = text[: cut + 1] if len(text) > (1 << 16) and cut else text
    delimiter = detect_delimiter(sample)
    try:
        header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=True))
    except (StopIteration, csv.Error):
        return None
    if any("\n" in f or "\r" in f for f in header):
        return None
    names = [f.strip() if f.strip() else f"Unnamed: {i}" for i, f in enumerate(header)]
    if len(set(names)) != len(names):
        return None
    columns = _detect_columns(names, given)
    used = list(dict.fromkeys(columns.values()))
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                            newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pcsv.ConvertOptions(include_columns=used, column_types={c: pa.string() for c in used},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.num_rows == 0:
        return None
    return columns, {role: table.column(col) for role, col in columns.items()}, table.num_rows


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _build_log(values: dict[str, Any], columns: dict[str, str], rows: int, where: str) -> ActivityLog:
    if rows == 0:
        raise DataError(f"{where} has no rows; export the activity log with its data")
    id_codes, id_keys = _factorize_keys(values["lead_id"], _id_keys)
    type_codes, type_keys = _factorize_keys(values["activity"], _type_keys)
    day, missing_time, bad_time, example = _parse_times(values["timestamp"])

    time_col = columns["timestamp"]
    stated = int((~missing_time).sum())
    n_bad = int(bad_time.sum())
    if stated == 0:
        raise DataError(f"{where}: timestamp column {time_col!r} is empty; pass {_ROLE_FLAG['timestamp']} "
                        "(Python: timestamp=) with the column holding the activity time")
    if n_bad * 2 > stated:
        raise DataError(
            f"{where}: {n_bad:,} of {stated:,} values of timestamp column {time_col!r} are not dates (e.g. {example!r}); "
            f"pass {_ROLE_FLAG['timestamp']} (Python: timestamp=) with the column holding the activity time"
        )

    no_id = id_codes < 0
    no_type = ~no_id & (type_codes < 0)
    ok_so_far = ~(no_id | no_type)
    no_time = ok_so_far & missing_time
    unparseable = ok_so_far & bad_time
    keep = ok_so_far & ~missing_time & ~bad_time
    dropped = dict(zip(_DROP_REASONS, (int(no_id.sum()), int(no_type.sum()), int(no_time.sum()),
                                       int(unparseable.sum())), strict=True))
    kept = int(keep.sum())
    if kept == 0:
        detail = ", ".join(f"{reason}: {count:,}" for reason, count in dropped.items() if count)
        raise DataError(f"{where} has no usable rows ({detail}); check the columns {columns} or pass them explicitly")
    if kept < rows:
        detail = ", ".join(
            f"{reason}: {count:,}" + (f" (e.g. {example!r})" if reason == "unparseable timestamp" else "")
            for reason, count in dropped.items() if count
        )
        warnings.warn(
            f"{where}: dropped {rows - kept:,} of {rows:,} activity rows ({detail}); "
            f"fill in or fix those rows to count them",
            DataQualityWarning,
            stacklevel=3,
        )

    # Compact the distinct ids to those of kept rows, and the types to sorted codes.
    id_codes = id_codes[keep]
    used_ids = np.bincount(id_codes, minlength=len(id_keys)) > 0
    if not used_ids.all():  # ids only met on dropped rows: renumber the others
        id_codes = (np.cumsum(used_ids) - 1)[id_codes]
        id_keys = id_keys[used_ids]
    type_codes = type_codes[keep]
    used_types = np.unique(type_codes)
    names = type_keys[used_types]
    order = np.argsort(names.astype(str), kind="stable")
    recode = np.empty(len(type_keys), dtype=np.int32)
    recode[used_types[order]] = np.arange(len(order), dtype=np.int32)
    id_codes = id_codes.astype(np.int32 if len(id_keys) < 2**31 else np.int64)
    return ActivityLog(
        lead_id=id_keys[id_codes],
        activity=recode[type_codes],
        types=tuple(str(t) for t in names[order]),
        day=day[keep],
        columns=dict(columns),
        rows_read=int(rows),
        dropped=dropped,
        id_codes=id_codes,
        id_keys=id_keys,
    )


# --------------------------------------------------------------------------- #
# Keys: lead ids and activity types
# --------------------------------------------------------------------------- #
def _factorize_keys(values: Any, keys_of: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for missing) into distinct normalised keys (object array, no duplicates)."""
    codes, uniques = _factorize(values)
    keys = keys_of(uniques)  # object array, None for missing
    key_codes, distinct = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    key_codes = np.append(key_codes.astype(np.int64), -1)  # index -1 (missing) -> -1
    return key_codes[codes], np.asarray(distinct, dtype=object)


def _factorize(values: Any) -> tuple[np.ndarray, pd.Index]:
    import pyarrow as pa

    if isinstance(values, (pa.ChunkedArray, pa.Array)):
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            encoded = values.dictionary_encode()
            if isinstance(encoded, pa.ChunkedArray):
                encoded = encoded.combine_chunks()
            codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            return codes, pd.Index(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
        values = values.to_pandas()
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object) if isinstance(values, list) else values))
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def _missing_text(text: pd.Series) -> np.ndarray:
    return (text.isna() | text.str.casefold().isin(_PLACEHOLDER_KEYS)).to_numpy(dtype=bool)


def _id_keys(uniques: pd.Index) -> np.ndarray:
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    if kind in ("string", "empty"):
        text = pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.strip()
    elif kind == "integer":
        try:
            text = pd.Series(np.asarray(uniques, dtype=np.int64)).astype("str")
        except OverflowError:  # beyond int64: value by value
            text = pd.Series([_id_key(u) for u in uniques], dtype="str")
    elif kind in ("floating", "mixed-integer-float", "decimal"):
        number = np.asarray(uniques, dtype=float)
        whole = np.isfinite(number) & (np.round(number) == number) & (np.abs(number) < 1e15)
        as_int = pd.Series(np.where(whole, number, 0).astype(np.int64)).astype(str)
        as_float = pd.Series(number).map(repr)
        text = pd.Series(np.where(whole, as_int, as_float), dtype="str").where(~np.isnan(number))
    else:  # mixed kinds (rare): value by value over the distinct values
        text = pd.Series([_id_key(u) for u in uniques], dtype="str")
    keys = text.to_numpy(dtype=object, na_value=None)
    keys[_missing_text(text)] = None
    return keys


def _id_key(value: object) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    return str(value).strip()


def _type_keys(uniques: pd.Index) -> np.ndarray:
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    if kind in ("string", "empty"):
        text = pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.normalize("NFKC").str.casefold()
        missing = _missing_text(text.str.replace(r"\s+", " ", regex=True).str.strip())
        text = text.str.replace(_TYPE_SEPARATORS, "_", regex=True).str.strip("_")
        keys = text.to_numpy(dtype=object, na_value=None)
        keys[missing | (text == "").to_numpy(dtype=bool)] = None
        return keys
    return np.array([normalize_activity_type(u) for u in uniques] + [None], dtype=object)[:-1]


def _normalize_lead_ids(lead_ids: Any) -> tuple[np.ndarray, str]:
    """Normalised ids of the lead table (object array, None for missing) and its name."""
    name = str(lead_ids.name) if isinstance(lead_ids, pd.Series) and lead_ids.name is not None else "lead id"
    if isinstance(lead_ids, pd.Index):
        lead_ids = lead_ids.to_series(index=pd.RangeIndex(len(lead_ids)))
    elif not isinstance(lead_ids, pd.Series):
        values = np.asarray(lead_ids, dtype=object) if isinstance(lead_ids, (list, tuple)) else np.asarray(lead_ids)
        if values.ndim != 1:
            raise DataError(f"lead_ids must be one column of ids (got shape {values.shape}); pass the id column")
        lead_ids = pd.Series(values)
    codes, keys = _factorize_keys(lead_ids.reset_index(drop=True), _id_keys)
    out = np.append(keys, None)[codes]
    return out, name


# --------------------------------------------------------------------------- #
# Timestamps
# --------------------------------------------------------------------------- #
def _day_to_timestamp(day: float) -> pd.Timestamp:
    return pd.Timestamp(round(day * _MICROSECONDS_PER_DAY), unit="us", tz="UTC")


def _datetimes_to_days(values: np.ndarray) -> np.ndarray:
    """``datetime64`` array (UTC, naive) -> float days; NaT -> NaN."""
    micro = values.astype("datetime64[us]")
    days = micro.astype(np.int64) / _MICROSECONDS_PER_DAY
    days[np.isnat(micro)] = np.nan
    return days


def _parse_times(values: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    """Parse timestamps to float days since the epoch (UTC).

    Returns (day, missing, unparseable, example of an unparseable value).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        try:
            values = pa.chunked_array([pa.array(values)])
        except (pa.ArrowException, TypeError, ValueError):  # pragma: no cover - a str column converts
            pass
    if isinstance(values, (pa.ChunkedArray, pa.Array)):
        kind = values.type
        if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
            micro = pc.cast(values, pa.timestamp("us", tz=None if pa.types.is_date(kind) else kind.tz))
            return _arrow_micro_to_days(micro)
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            for target in (pa.timestamp("us", tz="UTC"), pa.timestamp("us")):
                try:  # all values ISO 8601 of one kind: arrow parses them fast; else pandas below
                    return _arrow_micro_to_days(pc.cast(values, target))
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    continue
        values = values.to_pandas()
    series = pd.Series(values).reset_index(drop=True) if not isinstance(values, pd.Series) else values.reset_index(drop=True)
    n = len(series)
    no = np.zeros(n, dtype=bool)
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        days = _datetimes_to_days(series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy())
        return days, np.isnan(days), no, None
    if pd.api.types.is_datetime64_dtype(dtype):
        days = _datetimes_to_days(series.to_numpy())
        return days, np.isnan(days), no, None
    if pd.api.types.is_bool_dtype(dtype):
        return np.full(n, np.nan), series.isna().to_numpy(), series.notna().to_numpy(), str(series.dropna().iloc[0]) if series.notna().any() else None
    if pd.api.types.is_numeric_dtype(dtype):
        return _epoch_to_days(series.to_numpy(dtype=float, na_value=np.nan))
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("datetime", "datetime64", "date"):
        parsed = pd.to_datetime(series, utc=True, errors="coerce", format="mixed")
        days = _datetimes_to_days(parsed.dt.tz_localize(None).to_numpy())
        missing = series.isna().to_numpy()
        return days, missing, np.isnan(days) & ~missing, None
    if kind not in ("string", "empty"):
        series = series.map(lambda v: v if v is None or isinstance(v, str) or pd.isna(v) else str(v))
    return _parse_text_times(pd.Series(series, dtype="str"))


def _arrow_micro_to_days(micro: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    import pyarrow as pa

    as_int = micro.cast(pa.int64())
    if isinstance(as_int, pa.ChunkedArray):
        as_int = as_int.combine_chunks()
    missing = as_int.is_null().to_numpy(zero_copy_only=False)
    days = as_int.fill_null(0).to_numpy(zero_copy_only=False) / _MICROSECONDS_PER_DAY
    days[missing] = np.nan
    return days, missing, np.zeros(len(days), dtype=bool), None


def _epoch_to_days(number: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    missing = np.isnan(number)
    if missing.all():
        return number, missing, ~missing, None
    size = float(np.median(np.abs(number[~missing])))
    for low, high, per_day in ((1e8, 1e11, 86_400.0), (1e11, 1e14, 86_400e3), (1e14, 1e17, 86_400e6)):
        if low <= size < high:
            return number / per_day, missing, np.zeros(len(number), dtype=bool), None
    example = float(number[~missing][0])
    shown = int(example) if example.is_integer() else example
    return np.full(len(number), np.nan), missing, ~missing, f"{shown} (a number, not a Unix time)"


def _parse_text_times(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    stripped = text.str.strip()
    missing = _missing_text(stripped)
    candidates = stripped.where(~missing)
    parsed = pd.to_datetime(candidates, format="ISO8601", utc=True, errors="coerce")
    days = _datetimes_to_days(parsed.dt.tz_localize(None).to_numpy())
    bad = np.isnan(days) & ~missing
    if bad.any():
        failed = candidates[bad]
        distinct = pd.Index(pd.unique(failed.to_numpy(dtype=object)))
        found = np.full(len(distinct), np.nan)
        guesses = (pd.tseries.api.guess_datetime_format(str(v)) for v in distinct[:10])
        guessed = next((g for g in guesses if g is not None), None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if guessed is not None:
                second = pd.to_datetime(pd.Series(distinct, dtype="str"), format=guessed, utc=True, errors="coerce")
                found = _datetimes_to_days(second.dt.tz_localize(None).to_numpy())
            left = np.isnan(found)
            if 0 < left.sum() <= _MAX_MIXED_FORMAT_VALUES:
                third = pd.to_datetime(pd.Series(distinct[left], dtype="str"), format="mixed", utc=True, errors="coerce")
                found[left] = _datetimes_to_days(third.dt.tz_localize(None).to_numpy())
        days[bad] = found[distinct.get_indexer(failed.to_numpy(dtype=object))]
        bad = np.isnan(days) & ~missing
    example = str(stripped[bad].iloc[0]) if bad.any() else None
    return days, missing, bad, example


def _parse_as_of(as_of: Any, n: int, cut_off_day: float) -> tuple[np.ndarray, int]:
    """Per-lead as-of days and the number of leads that took the cut-off."""
    scalar = isinstance(as_of, (str, bytes, pd.Timestamp)) or np.ndim(as_of) == 0
    if scalar:
        if as_of is None or (not isinstance(as_of, str) and pd.isna(as_of)):
            return np.full(n, cut_off_day), n
        day, missing, bad, example = _parse_times(pd.Series([as_of], dtype=object))
        if bad.any():
            raise DataError(f"as_of {as_of!r} is not a date; pass e.g. '2024-06-30' or a pandas.Timestamp")
        if missing.all():
            return np.full(n, cut_off_day), n
        return np.full(n, day[0]), 0
    values = as_of.reset_index(drop=True) if isinstance(as_of, pd.Series) else as_of
    if len(values) != n:
        raise DataError(f"as_of has {len(values):,} dates but the lead table has {n:,} ids; "
                        "pass one as-of date per lead (aligned with lead_ids) or a single date")
    day, missing, bad, example = _parse_times(values)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            f"as_of: {len(rows):,} values are not dates (e.g. {example!r} at row {rows[0]}); "
            "fix them or leave them empty to use the log's cut-off"
        )
    day = np.where(missing, cut_off_day, day)
    return day, int(missing.sum())


# --------------------------------------------------------------------------- #
# Aggregation
# --------------------------------------------------------------------------- #
def aggregate_activities(
    log: ActivityLog,
    lead_ids: pd.Series | np.ndarray,
    as_of: pd.Series | np.ndarray | pd.Timestamp | str,
    *,
    types: Sequence[str] | None = None,
    nth: int = 3,
) -> ActivityFeatures:
    """Aggregate an activity log per lead, each lead as of its own reference date.

    Only events of the listed ``types``, of leads in ``lead_ids``, at or
    before the lead's as-of date count, everywhere (counts, recency,
    velocity). The others are counted in :attr:`ActivityFeatures.unmatched_rows`,
    :attr:`~ActivityFeatures.other_types_ignored` and
    :attr:`~ActivityFeatures.ignored_after_as_of`, checked in that order.

    Parameters
    ----------
    log : ActivityLog
        From :func:`read_activities`.
    lead_ids : pandas.Series or numpy.ndarray
        The lead table's id column (normalised as the log's ids). Each id
        must appear once; missing ids get no activity.
    as_of : pandas.Series, numpy.ndarray, pandas.Timestamp or str
        One reference date per lead (aligned with ``lead_ids``; datetimes or
        ISO text; missing entries take the log's cut-off, its latest event
        time) or one date for all leads (``None``: the cut-off).
    types : sequence of str, optional
        Activity types to count, in column order (normalised like the log's).
        Default: all types of the log, sorted. A listed type the log lacks
        gets a column of zeros.
    nth : int
        The ``n`` of ``activity.days_to_<nth>`` (default 3).

    Returns
    -------
    ActivityFeatures
        ``frame`` columns: ``activity.<type>.count`` (int64) per type,
        ``activity.total.count`` (int64), ``activity.days_since_last``
        (whole days from the latest counted event to the as-of date, NaN
        without activity), ``activity.days_to_<nth>`` (whole days from the
        first to the nth counted event, NaN with fewer than ``nth``),
        ``activity.per_week`` (events in the 28 days up to the as-of date,
        divided by 4).

    Raises
    ------
    DataError
        Duplicated lead ids, an as-of date that is not a date, as-of dates not
        aligned with the ids, an empty ``types`` or ``nth`` below 1.

    Examples
    --------
    >>> import pandas as pd
    >>> log = read_activities(pd.DataFrame({
    ...     "lead_id": ["A", "A", "A", "B", "B", "Z"],
    ...     "type": ["Page View", "Page View", "Demo Request", "Page View", "Page View", "Page View"],
    ...     "timestamp": ["2024-01-01", "2024-01-03", "2024-01-10", "2024-01-05", "2024-02-01", "2024-01-01"],
    ... }))
    >>> leads = pd.DataFrame({"id": ["A", "B"], "closed": ["2024-01-20", "2024-01-20"]})
    >>> feats = aggregate_activities(log, leads["id"], leads["closed"], types=["page_view", "Demo Request"])
    >>> feats.frame.T
                                     0      1
    activity.page_view.count      2.00   1.00
    activity.demo_request.count   1.00   0.00
    activity.total.count          3.00   1.00
    activity.days_since_last     10.00  15.00
    activity.days_to_3rd          9.00    NaN
    activity.per_week             0.75   0.25
    >>> feats.unmatched_rows, feats.ignored_after_as_of
    (1, 1)
    """
    if isinstance(nth, bool) or not isinstance(nth, (int, np.integer)) or nth < 1:
        raise DataError(f"nth={nth!r} must be a whole number of at least 1 (the n of activity.days_to_<n>), e.g. 3")
    nth = int(nth)
    chosen = _chosen_types(log, types)
    ids, id_name = _normalize_lead_ids(lead_ids)
    n, k = len(ids), len(chosen)

    has_id = pd.notna(ids)
    index = pd.Index(ids[has_id], dtype=object)
    if not index.is_unique:
        dup = index[index.duplicated(keep=False)]
        counts = dup.value_counts()
        raise DataError(
            f"lead table column {id_name!r} has {len(counts):,} duplicated ids (e.g. {counts.index[0]!r} appears "
            f"{int(counts.iloc[0])} times); each lead must appear once: drop or merge the duplicates"
        )
    rows_with_id = np.append(np.flatnonzero(has_id), -1)  # found == -1 picks the appended -1
    if log.id_codes is not None and log.id_keys is not None:
        lead = rows_with_id[index.get_indexer(pd.Index(log.id_keys, dtype=object))][log.id_codes]
    else:
        codes, distinct = pd.factorize(np.asarray(log.lead_id, dtype=object))
        lead = rows_with_id[index.get_indexer(pd.Index(distinct, dtype=object))][codes]

    cut_off_day = float(np.max(log.day)) if len(log) else np.nan
    as_of_day, fallback = _parse_as_of(as_of, n, cut_off_day)

    type_map = np.full(len(log.types), -1, dtype=np.int64)
    position_of = {t: i for i, t in enumerate(chosen)}
    for code, name in enumerate(log.types):  # a handful of types
        type_map[code] = position_of.get(name, -1)
    matched = lead >= 0
    unmatched_rows = int(len(log) - matched.sum())
    type_code = type_map[np.asarray(log.activity, dtype=np.int64)]
    listed = matched & (type_code >= 0)
    other_types_ignored = int(matched.sum() - listed.sum())
    rows = np.flatnonzero(listed)
    lead, type_code = lead[rows].astype(np.int64), type_code[rows]
    # Ages in whole microseconds (the resolution of the times): the difference of two float day
    # numbers is off by a fraction of a microsecond, which would turn exactly 7 days into 6.99999.
    age = np.rint((as_of_day[lead] - np.asarray(log.day, dtype=np.float64)[rows]) * _MICROSECONDS_PER_DAY)
    counted = age >= 0  # the leakage guard: nothing after the as-of date counts
    ignored_after = int(len(rows) - counted.sum())
    lead, type_code, age = lead[counted], type_code[counted], age[counted]
    del rows, counted, matched, listed

    counts = np.bincount(lead * k + type_code, minlength=n * k).reshape(n, k).astype(np.int64)
    total = counts.sum(axis=1)
    youngest = np.full(n, np.inf)
    np.minimum.at(youngest, lead, age)
    days_since_last = np.where(total > 0, np.floor(youngest / _MICROSECONDS_PER_DAY), np.nan)
    days_to_nth = _days_first_to_nth(lead, age, n, nth)
    recent = age < RECENT_WINDOW_DAYS * _MICROSECONDS_PER_DAY
    per_week = np.bincount(lead[recent], minlength=n) / (RECENT_WINDOW_DAYS / 7)

    data: dict[str, np.ndarray] = {f"activity.{t}.count": counts[:, i] for i, t in enumerate(chosen)}
    data["activity.total.count"] = total
    data["activity.days_since_last"] = days_since_last
    data[f"activity.days_to_{ordinal(nth)}"] = days_to_nth
    data["activity.per_week"] = per_week.astype(np.float64)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    return ActivityFeatures(
        frame=frame,
        types=chosen,
        nth=nth,
        unmatched_rows=unmatched_rows,
        other_types_ignored=other_types_ignored,
        ignored_after_as_of=ignored_after,
        leads_without_activity=int((total == 0).sum()),
        as_of_fallback=fallback,
        cut_off=_day_to_timestamp(cut_off_day) if len(log) else pd.NaT,
        events=ActivityEvents(lead=lead, type_code=type_code.astype(np.int32), age_days=age / _MICROSECONDS_PER_DAY),
    )


def _chosen_types(log: ActivityLog, types: Sequence[str] | None) -> tuple[str, ...]:
    if types is None:
        chosen = tuple(sorted(log.types))
    else:
        if isinstance(types, str):
            types = [types]
        keys = [normalize_activity_type(t) for t in types]
        blank = [t for t, key in zip(types, keys, strict=True) if key is None]
        if blank:
            raise DataError(f"types= holds blank or placeholder names {blank!r}; list activity types such as 'page_view'")
        chosen = tuple(dict.fromkeys(k for k in keys if k is not None))
        if not chosen:
            raise DataError("types= is empty; list the activity types to count (e.g. ['page_view']) or pass None for all")
    if "total" in chosen:
        raise DataError("activity type 'total' would clash with the column activity.total.count; "
                        "rename that type in the log or leave it out of types=")
    return chosen


def _days_first_to_nth(lead: np.ndarray, age: np.ndarray, n: int, nth: int) -> np.ndarray:
    """Whole days from each lead's first to its nth event (NaN with fewer), without sorting.

    ``age`` holds whole microseconds before the as-of date.

    Each pass takes every lead's oldest remaining event time and removes all
    events at that time (ties count as several events), so at most ``nth``
    passes over the events find the nth oldest.
    """
    oldest_age = np.full(n, -np.inf)
    np.maximum.at(oldest_age, lead, age)
    result = np.full(n, np.nan)
    if nth == 1:
        result[np.isfinite(oldest_age)] = 0.0
        return result
    remaining = age.copy()
    seen = np.zeros(n, dtype=np.int64)
    current = oldest_age
    for _ in range(nth):  # at most nth passes, each vectorised over the events
        at_current = (remaining == current[lead]) & (remaining >= 0)
        tied = np.bincount(lead[at_current], minlength=n)
        reached = (seen < nth) & (seen + tied >= nth)
        result[reached] = np.floor((oldest_age[reached] - current[reached]) / _MICROSECONDS_PER_DAY)
        seen += tied
        remaining[at_current] = -np.inf
        if not (seen < nth).any():
            break
        current = np.full(n, -np.inf)
        np.maximum.at(current, lead, remaining)
    return result
