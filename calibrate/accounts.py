"""Account signals: several people from one company, and target accounts.

A lead is rarely alone: when three people from the same company download
the price list, the company is shopping. This module keys leads to accounts
(a company domain column, else the domain of a corporate e-mail address; free
and throwaway providers are not accounts), counts per lead the leads and the
engaged stakeholders of its account *as of the lead's reference date* (a
colleague who signs up after the deal closed must not make the deal look
predictable), and flags the accounts of a target list.

Counting is vectorised: leads are sorted by (account, day) once and every
"how many colleagues before this date" is a :func:`numpy.searchsorted`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> keys = pd.Series(["acme.com", "acme.com", "acme.com", "initech.com", None])
>>> created = np.array([0.0, 5.0, 9.0, 1.0, 2.0])
>>> count_as_of(keys, created, as_of=np.array([6.0, 6.0, 30.0, 1.0, 2.0])).tolist()
[2.0, 2.0, 3.0, 1.0, nan]
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibrate.cleaning import normalize_keys
from calibrate.errors import DataError
from calibrate.signals.email import account_domain, corporate_domain

__all__ = ["TargetAccounts", "AccountStatus", "account_keys", "count_as_of", "read_target_accounts", "target_flags",
           "read_account_status", "status_as_of"]

# Header names a target-account file may use for its domains and its names.
_DOMAIN_HEADERS = ("domain", "company_domain", "website", "url", "web", "account_domain", "email_domain")
_NAME_HEADERS = ("company", "company_name", "account", "account_name", "name", "organisation", "organization")


@dataclass(frozen=True)
class TargetAccounts:
    """A target-account list, normalised for matching.

    Attributes
    ----------
    domains : tuple of str
        Company domains, lower case without scheme or ``www.``, sorted.
    names : tuple of str
        Company names (normalised keys: case-folded, spaces collapsed), sorted.
    source : str
        Where the list came from (file name), for reports.
    """

    domains: tuple[str, ...]
    names: tuple[str, ...]
    source: str = ""

    def __len__(self) -> int:
        return len(self.domains) + len(self.names)


def account_keys(frame: pd.DataFrame, *, account_column: str | None = None,
                 email_column: str | None = None) -> pd.Series:
    """The account of every lead: its company domain, else its corporate e-mail domain.

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads.
    account_column : str, optional
        A company domain or website column (``https://www.Acme.com/`` and
        ``acme.com`` are the same account).
    email_column : str, optional
        An e-mail column; its domain is the account when the address is
        corporate and the account column is blank. Free and disposable
        providers (gmail.com, mailinator.com) are never accounts.

    Returns
    -------
    pandas.Series
        The account key (a domain) per lead, ``None`` when unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"domain": ["https://www.Acme.com/", None, None],
    ...                       "email": ["jo@acme.com", "al@acme.com", "bo@gmail.com"]})
    >>> account_keys(leads, account_column="domain", email_column="email").tolist()
    ['acme.com', 'acme.com', None]
    """
    keys = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if account_column is not None:
        keys = account_domain(frame[account_column]).astype(object)
    if email_column is not None:
        keys = keys.where(keys.notna(), corporate_domain(frame[email_column]).astype(object))
    return keys.where(keys.notna(), None)


def count_as_of(keys: pd.Series | np.ndarray, day: np.ndarray, as_of: np.ndarray | None = None,
                since: np.ndarray | None = None) -> np.ndarray:
    """Per lead, how many items of its account fall after ``since`` and on or before its as-of day.

    Parameters
    ----------
    keys : Series or array
        Account key per item (``None`` when unknown).
    day : numpy.ndarray
        The day each item counts from (e.g. the lead's creation or first
        activity, in days since the epoch); ``NaN`` items never count.
    as_of : numpy.ndarray, optional
        Each lead's reference day; ``NaN`` or ``None`` counts every item of
        the account.
    since : numpy.ndarray, optional
        Count only items after this day (``since < day <= as_of``); ``NaN``
        or ``None`` for no lower bound.

    Returns
    -------
    numpy.ndarray
        Float counts, ``NaN`` for leads without an account key.

    Examples
    --------
    >>> import numpy as np
    >>> count_as_of(np.array(["a", "a", "b"], dtype=object), np.array([1.0, np.nan, 3.0])).tolist()
    [1.0, 1.0, 1.0]
    >>> count_as_of(np.array(["a", "a", "a"], dtype=object), np.array([0.0, 50.0, 100.0]),
    ...             as_of=np.array([100.0, 100.0, 100.0]), since=np.array([-90.0, -40.0, 10.0])).tolist()
    [3.0, 3.0, 2.0]
    """
    codes, _ = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    day = np.asarray(day, dtype=np.float64)
    query = np.full(len(codes), np.inf) if as_of is None else np.asarray(as_of, dtype=np.float64)
    has_key = codes >= 0
    counted = has_key & ~np.isnan(day)
    finite = np.concatenate([day[counted], query[np.isfinite(query)]])
    if not counted.any():
        return np.where(has_key, 0.0, np.nan)
    # One sorted array of (account, day) pairs packed into a float key; a lead's count is the
    # number of its account's pairs up to its as-of day, found with two binary searches.
    low, span = finite.min(), finite.max() - finite.min() + 2.0
    packed = np.sort(codes[counted] * span + (day[counted] - low))
    query_offset = np.where(np.isnan(query) | (query == np.inf), span - 1.0, np.clip(query - low, -1.0, span - 1.0))
    lows = np.searchsorted(packed, codes * span - 0.5, side="left")
    if since is not None:
        since = np.asarray(since, dtype=np.float64)
        start = np.where(np.isnan(since), -1.0, np.clip(since - low, -1.0, span - 1.0))
        lows = np.maximum(lows, np.searchsorted(packed, codes * span + start, side="right"))
    highs = np.searchsorted(packed, codes * span + query_offset, side="right")
    out = (highs - lows).astype(np.float64)
    out[~has_key] = np.nan
    return out


def read_target_accounts(source: str | os.PathLike[str] | Sequence[str]) -> TargetAccounts:
    """Read a target-account list: domains and/or company names.

    Parameters
    ----------
    source : path or sequence of str
        A text file with one domain or name per line, or a CSV whose header
        has a domain column (``domain``, ``website``, ``url``) and/or a name
        column (``company``, ``account``, ``name``); or the entries
        themselves. An entry that looks like a domain or web address
        (``acme.com``, ``https://www.acme.com``) matches the account key; any
        other entry matches the company name.

    Returns
    -------
    TargetAccounts

    Raises
    ------
    DataError
        The file does not exist or holds no entry.

    Examples
    --------
    >>> targets = read_target_accounts(["https://www.Acme.com/", "Initech Corp", "  "])
    >>> targets.domains, targets.names
    (('acme.com',), ('initech corp',))
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"target account file not found: '{path}'; pass a file of domains or company names, "
                            "one per line or in a CSV column named domain or company")
        entries, display = _entries_from_file(path), path.name
    else:
        entries, display = pd.Series(list(source), dtype=object), "(list)"
    entries = entries[entries.notna()].astype(str).str.strip()
    entries = entries[entries != ""]
    looks_like_domain = entries.str.contains(r"^(?:https?://)?(?:www\.)?[^\s@/]+\.[A-Za-z]{2,}(?:[/:?].*)?$", regex=True)
    domains = account_domain(entries[looks_like_domain]).dropna()
    names = pd.Series(normalize_keys(entries[~looks_like_domain]), dtype=object).dropna()
    result = TargetAccounts(tuple(sorted(set(domains))), tuple(sorted(set(names))), display)
    if not len(result):
        raise DataError(f"target account list {display} holds no domain or company name; "
                        "put one per line, or a CSV column named domain or company")
    return result


def _entries_from_file(path: Path) -> pd.Series:
    from calibrate.io import read_leads

    text = path.read_bytes()[:4096].decode("utf-8", errors="replace").splitlines()
    first = text[0].strip().casefold().lstrip("\ufeff") if text else ""
    header = [h.strip().strip('"').replace(" ", "_") for h in re.split(r"[,;\t|]", first)]
    if not any(h in _DOMAIN_HEADERS or h in _NAME_HEADERS for h in header):
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        return pd.Series(lines, dtype=object)
    table = read_leads(path)
    columns = [c for c in table.columns
               if str(c).strip().casefold().replace(" ", "_") in _DOMAIN_HEADERS + _NAME_HEADERS]
    return pd.concat([table[c] for c in columns], ignore_index=True).astype(object)


def target_flags(keys: pd.Series, targets: TargetAccounts, names: pd.Series | None = None) -> pd.Series:
    """``"Yes"`` for leads of a target account, else ``"No"``.

    Parameters
    ----------
    keys : pandas.Series
        Account keys (:func:`account_keys`).
    targets : TargetAccounts
        The list.
    names : pandas.Series, optional
        Company names of the leads, matched to the list's names.

    Examples
    --------
    >>> import pandas as pd
    >>> targets = TargetAccounts(("acme.com",), ("initech",))
    >>> target_flags(pd.Series(["acme.com", None, "x.com"]), targets,
    ...              names=pd.Series(["Acme", " INITECH", "X"])).tolist()
    ['Yes', 'Yes', 'No']
    """
    hit = keys.isin(list(targets.domains)).to_numpy().copy()
    if names is not None and targets.names:
        hit |= pd.Series(normalize_keys(names), dtype=object).isin(list(targets.names)).to_numpy()
    return pd.Series(np.where(hit, "Yes", "No"), index=keys.index, dtype=object)


_STATUS_HEADERS = ("status", "account_status", "stage", "relationship", "account_stage", "type", "account_type")
_SINCE_HEADERS = ("since", "status_since", "status_date", "since_date", "date", "start_date", "opened", "valid_from")


@dataclass(frozen=True)
class AccountStatus:
    """What each listed account already is (customer, open opportunity, ...), and since when.

    Attributes
    ----------
    keys : tuple of str
        Account domains (lower case, no scheme or ``www.``) or company-name keys.
    is_domain : tuple of bool
        Whether each key is a domain (else a company name).
    statuses : tuple of str
        The status of each entry, as written (trimmed).
    since : tuple of str or None
        ISO date from which the status holds; ``None`` when always.
    source : str
        Where the list came from, for reports.
    """

    keys: tuple[str, ...]
    is_domain: tuple[bool, ...]
    statuses: tuple[str, ...]
    since: tuple[str | None, ...]
    source: str = ""

    def to_records(self) -> list[dict[str, object]]:
        """One mapping per entry, for the config."""
        return [{"account": k, "kind": "domain" if d else "name", "status": s, "since": t}
                for k, d, s, t in zip(self.keys, self.is_domain, self.statuses, self.since, strict=True)]

    @classmethod
    def from_records(cls, records: Sequence[dict[str, object]], source: str = "") -> AccountStatus:
        return cls(tuple(str(r["account"]) for r in records), tuple(r["kind"] == "domain" for r in records),
                   tuple(str(r["status"]) for r in records),
                   tuple(None if r.get("since") is None else str(r["since"]) for r in records), source)


def _header_key(column: object) -> str:
    return str(column).strip().casefold().lstrip("\ufeff").replace(" ", "_").replace("-", "_")


def read_account_status(source: str | os.PathLike[str] | pd.DataFrame) -> AccountStatus:
    """Read an account status table: account, status and, optionally, the date the status holds from.

    Parameters
    ----------
    source : path or DataFrame
        A table (CSV, Excel, Parquet) with an account column (``domain``,
        ``website``, ``company``, ``account`` ...), a status column
        (``status``, ``stage``, ``relationship``, ``type``) and optionally a
        date column (``since``, ``status_date``, ``date``). A status counts for
        a lead only from its date on, so a deal won after the lead's outcome
        date cannot explain that outcome; without dates the status is taken
        as always held (a leakage risk that the summary names).

    Returns
    -------
    AccountStatus

    Raises
    ------
    DataError
        The file is missing, has no account or status column, or a date does
        not parse.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"domain": ["https://acme.com", "initech.com"], "status": ["Customer", "Open opportunity"],
    ...                       "since": ["2024-03-01", None]})
    >>> status = read_account_status(table)
    >>> status.keys, status.statuses, status.since
    (('acme.com', 'initech.com'), ('Customer', 'Open opportunity'), ('2024-03-01', None))
    """
    from calibrate.io import read_leads

    if isinstance(source, pd.DataFrame):
        table, display = source, "(table)"
    else:
        path = Path(source)
        if not path.is_file():
            raise DataError(f"account status file not found: '{path}'; pass a CSV with an account (domain or company) "
                            "column and a status column")
        table, display = read_leads(path), path.name
    headers = {_header_key(c): c for c in table.columns}
    key_column = next((headers[h] for h in _DOMAIN_HEADERS + _NAME_HEADERS if h in headers), None)
    status_column = next((headers[h] for h in _STATUS_HEADERS if h in headers), None)
    since_column = next((headers[h] for h in _SINCE_HEADERS if h in headers), None)
    if key_column is None or status_column is None:
        raise DataError(f"account status table {display} needs an account column (domain, website, company or "
                        f"account) and a status column (status, stage, relationship or type); it has "
                        f"{[str(c) for c in table.columns][:8]}")
    entries = pd.DataFrame({"key": table[key_column].astype(object), "status": table[status_column].astype(object)})
    entries["status"] = entries["status"].where(entries["status"].notna(), "").astype(str).str.strip()
    entries = entries[entries["key"].notna() & (entries["status"] != "")]
    text = entries["key"].astype(str).str.strip()
    is_domain = text.str.contains(r"^(?:https?://)?(?:www\.)?[^\s@/]+\.[A-Za-z]{2,}(?:[/:?].*)?$", regex=True)
    keys = account_domain(text).where(is_domain, pd.Series(normalize_keys(text), index=text.index, dtype=object))
    since: pd.Series = pd.Series([None] * len(entries), index=entries.index, dtype=object)
    if since_column is not None:
        raw = table.loc[entries.index, since_column]
        parsed = pd.to_datetime(raw.astype(object).where(raw.notna(), None), errors="coerce", format="mixed")
        bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if bad.any():
            raise DataError(f"account status table {display}: column {since_column!r} holds "
                            f"{int(bad.sum())} value(s) that are not dates (e.g. {raw[bad].iloc[0]!r}); "
                            "write dates as YYYY-MM-DD")
        since = parsed.dt.strftime("%Y-%m-%d").astype(object).where(parsed.notna(), None)
    out = pd.DataFrame({"key": keys, "is_domain": is_domain, "status": entries["status"], "since": since})
    out = out[out["key"].notna()].sort_values(["key", "since", "status"], na_position="first", kind="stable")
    if out.empty:
        raise DataError(f"account status table {display} holds no account with a status")
    return AccountStatus(tuple(out["key"]), tuple(bool(b) for b in out["is_domain"]), tuple(out["status"]),
                         tuple(out["since"]), display)


def status_as_of(keys: pd.Series, status: AccountStatus, as_of: np.ndarray | None = None,
                 names: pd.Series | None = None) -> pd.Series:
    """Per lead, its account's status on its as-of day (the latest entry holding by then), else ``"none"``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> status = AccountStatus(("acme.com", "acme.com"), (True, True), ("Open opportunity", "Customer"),
    ...                        (None, "2025-06-01"))
    >>> day = (pd.Timestamp("2025-03-01") - pd.Timestamp("1970-01-01")).days
    >>> status_as_of(pd.Series(["acme.com", "acme.com", None]), status, np.array([day, day + 200, day])).tolist()
    ['Open opportunity', 'Customer', 'none']
    """
    entry_keys = np.asarray(status.keys, dtype=object)
    kind = np.asarray(status.is_domain, dtype=bool)
    since = pd.to_datetime(pd.Series(status.since, dtype=object), errors="coerce")
    since_day = ((since - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    since_day = np.where(np.isnan(since_day), -np.inf, since_day)
    # Lead -> key code: its domain when listed, else its company name when names are listed.
    lookup = pd.Index(pd.Series([f"d:{k}" if d else f"n:{k}" for k, d in zip(entry_keys, kind, strict=True)]).unique())
    code = lookup.get_indexer(("d:" + keys.astype(object).where(keys.notna(), "")).to_numpy(dtype=object))
    if names is not None and (~kind).any():
        by_name = lookup.get_indexer(("n:" + pd.Series(normalize_keys(names), dtype=object).fillna("")).to_numpy(
            dtype=object))
        code = np.where(code >= 0, code, by_name)
    entry_code = lookup.get_indexer([f"d:{k}" if d else f"n:{k}" for k, d in zip(entry_keys, kind, strict=True)])
    query = np.full(len(keys), np.inf) if as_of is None else np.where(np.isnan(as_of), np.inf, as_of)
    # Entries sorted by (key, since): the lead's entry is the last of its key starting on or before its as-of day.
    order = np.lexsort((since_day, entry_code))
    finite = since_day[np.isfinite(since_day)]
    low = min(finite.min(), np.nanmin(np.where(np.isfinite(query), query, np.nan), initial=0.0)) - 2 \
        if len(finite) else -2.0
    high = max(finite.max() if len(finite) else 0.0, np.nanmax(np.where(np.isfinite(query), query, np.nan),
                                                                initial=0.0)) + 2
    span = high - low + 2
    packed = entry_code[order] * span + (np.clip(since_day[order], low, high) - low)
    probe = code * span + (np.clip(query, low, high) - low)
    position = np.searchsorted(packed, probe, side="right") - 1
    hit = (code >= 0) & (position >= 0)
    hit[hit] &= entry_code[order][position[hit]] == code[hit]
    statuses = np.asarray(status.statuses, dtype=object)[order]
    out = np.where(hit, statuses[np.clip(position, 0, None)], "none")
    return pd.Series(out, index=keys.index, dtype=object)
