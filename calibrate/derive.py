"""Derived signals: attributes computed from raw fields, an activity log and account lists.

A flat lead table misses three kinds of evidence: behaviour over time
(counts, recency and speed of a lead's activities, read from an activity
log), accounts (colleagues engaging from the same company, target accounts)
and junk (free or throwaway e-mail domains, students, bots filling forms).
:func:`plan_signals` decides which signals a lead table supports — columns
named by the user, or recognised by their content — and returns a
:class:`SignalRecipe`; :func:`derive_signals` computes the derived columns
from a recipe. The recipe is stored in the scoring config, so scoring new
leads computes exactly the same columns, with the same rules, as the fit did.

Derived column names say where they come from:

=================================  ===========================================
column                             meaning
=================================  ===========================================
``email.domain_type``              corporate / free / disposable / invalid
``title.role``                     student / intern / job seeker / employed
``title.seniority``                C-level / VP / director / manager / individual
``form.junk``                      clean, or why the form fill looks fake
``account.leads``                  leads of the account created from 90 days before the lead up to the as-of date
``account.engaged_stakeholders``   leads of the account with an activity by then
``account.target``                 Yes when the account is on the target list
``account.status``                 the account's status on the as-of date (customer, open opportunity, ...)
``activity.<type>.count``          activities of a type up to the as-of date
``activity.total.count``           all counted activities
``activity.days_since_last``       recency: days from the last activity to the as-of date
``activity.days_to_3rd``           velocity: days from the first to the third activity
``activity.per_week``              activities per week over the last 28 days
=================================  ===========================================

Every time-dependent signal is computed *as of* a reference date per lead:
the outcome date for decided leads (never after it: an onboarding e-mail
opened after the deal closed must not predict the deal), the given date or
the activity log's cut-off otherwise.

Examples
--------
>>> import pandas as pd
>>> leads = pd.DataFrame({"email": ["jo@acme.com", "x@mailinator.com", "al@gmail.com"],
...                       "job_title": ["VP Sales", "Student", "CEO"]})
>>> recipe = plan_signals(leads)
>>> recipe.outputs
('email.domain_type', 'title.role', 'title.seniority', 'account.leads')
>>> derive_signals(leads, recipe).frame["email.domain_type"].tolist()
['corporate', 'disposable', 'free']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from calibrate.accounts import AccountStatus, TargetAccounts, account_keys, count_as_of, status_as_of, target_flags
from calibrate.activity import ActivityFeatures, ActivityLog, aggregate_activities, ordinal
from calibrate.cleaning import DEFAULT_PLACEHOLDERS
from calibrate.errors import DataError
from calibrate.signals.detect import detect_signal_columns
from calibrate.signals.email import (
    DOMAIN_TYPES,
    _category_rows,
    _classify_distinct,
    _distinct_answers,
    _text_rows,
    domain_lists,
)
from calibrate.signals.junk import CLEAN, form_junk
from calibrate.signals.titles import ROLES, SENIORITY, _role_and_seniority
from calibrate.target import suggest_columns

__all__ = [
    "SignalRecipe",
    "DerivedSignals",
    "plan_signals",
    "derive_signals",
    "signal_groups",
    "junk_mask",
    "describe_signal",
    "JUNK_FILTER",
    "AS_OF_NAMES",
    "CREATED_NAMES",
]

#: What the optional junk pre-filter sets aside: any form-junk reason, and these e-mail types.
JUNK_FILTER: tuple[str, ...] = ("form", "disposable", "invalid")

#: Column names recognised as the outcome date (the as-of date of derived signals).
AS_OF_NAMES: tuple[str, ...] = ("decided_date", "decision_date", "closed_date", "close_date", "closedate",
                                "date_closed", "outcome_date", "converted_date", "conversion_date", "won_lost_date")

#: Column names recognised as the lead's creation date (accounts count colleagues created by the as-of date).
CREATED_NAMES: tuple[str, ...] = ("created_date", "create_date", "createdate", "created_at", "created", "created_on",
                                  "date_created", "lead_created", "lead_created_date", "creation_date")

_FORM_ROLES = ("first_name", "last_name", "name", "company", "email")


def _squash(name: object) -> str:
    return re.sub(r"[\s_\-]+", "_", str(name).strip().casefold())


def _find_named(columns: Sequence[object], names: Sequence[str]) -> str | None:
    squashed = {_squash(c): str(c) for c in columns}
    return next((squashed[n] for n in names if n in squashed), None)


@dataclass(frozen=True)
class SignalRecipe:
    """Which signals to derive, from which columns, with which parameters.

    A recipe is all a scorer needs to recompute the derived columns; it is
    stored in the config (:meth:`to_document`, :meth:`from_document`).

    Attributes
    ----------
    email, title : str or None
        The e-mail and job-title columns.
    form : mapping of str to str
        Form fields checked for junk: ``first_name``, ``last_name``,
        ``name``, ``company``, ``email`` -> column.
    account, account_email : str or None
        Company domain column; e-mail column whose corporate domain is the
        account when the domain column is blank.
    company : str or None
        Company-name column (matched to names on the target list).
    targets : TargetAccounts or None
        The target-account list, carried whole so scorers need no file.
    statuses : AccountStatus or None
        What accounts already are (customer, open opportunity), with the
        date each status holds from; carried whole.
    created : str or None
        Lead creation date column (accounts count colleagues created by the
        as-of date).
    id_column : str or None
        Lead id column joining the activity log.
    as_of_column, as_of_date : str or None
        Reference date per lead (a date column, blank cells taking
        ``as_of_date`` or the activity log's cut-off) or one date for all.
    activity_types : tuple of str
        Activity types counted (normalised names); empty without a log.
    nth : int
        Velocity is the days from the first to the ``nth`` activity.
    account_window_days : float or None
        ``account.leads`` counts the account's leads created from this many
        days before the lead up to its as-of date (a buying committee active
        at the same time; an account's whole history would grow with the
        data's span).
    junk_filter : tuple of str
        Non-empty when junk leads were set aside before calibration.
    email_lists : mapping of str to str
        Versions of the free and disposable domain lists.
    """

    email: str | None = None
    title: str | None = None
    form: Mapping[str, str] = field(default_factory=dict)
    account: str | None = None
    account_email: str | None = None
    company: str | None = None
    targets: TargetAccounts | None = None
    statuses: AccountStatus | None = None
    created: str | None = None
    id_column: str | None = None
    as_of_column: str | None = None
    as_of_date: str | None = None
    activity_types: tuple[str, ...] = ()
    nth: int = 3
    account_window_days: float | None = 90.0
    junk_filter: tuple[str, ...] = ()
    email_lists: Mapping[str, str] = field(default_factory=dict)

    @property
    def uses_activities(self) -> bool:
        """Whether scoring needs an activity log."""
        return bool(self.activity_types)

    @property
    def has_accounts(self) -> bool:
        return self.account is not None or self.account_email is not None

    @property
    def outputs(self) -> tuple[str, ...]:
        """The derived column names, in a fixed order."""
        names: list[str] = []
        if self.email:
            names.append("email.domain_type")
        if self.title:
            names += ["title.role", "title.seniority"]
        if self.form:
            names.append("form.junk")
        if self.has_accounts:
            names.append("account.leads")
            if self.uses_activities:
                names.append("account.engaged_stakeholders")
            if self.targets is not None:
                names.append("account.target")
            if self.statuses is not None:
                names.append("account.status")
        if self.uses_activities:
            names += [f"activity.{t}.count" for t in self.activity_types]
            names += ["activity.total.count", "activity.days_since_last", f"activity.days_to_{ordinal(self.nth)}",
                      "activity.per_week"]
        return tuple(names)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input columns a scorer must have, in a fixed order."""
        used = [self.email, self.title, *self.form.values(), self.account, self.account_email, self.company,
                self.created, self.id_column, self.as_of_column]
        seen: list[str] = []
        for column in used:
            if column is not None and column not in seen:
                seen.append(column)
        return tuple(seen)

    def to_document(self) -> dict[str, Any]:
        """The recipe as plain dicts and lists, for the config."""
        document: dict[str, Any] = {"derived": list(self.outputs), "inputs": list(self.inputs)}
        if self.email:
            document["email"] = {"column": self.email, "lists": dict(self.email_lists)}
        if self.title:
            document["title"] = {"column": self.title}
        if self.form:
            document["form"] = {role: self.form[role] for role in _FORM_ROLES if role in self.form}
        if self.has_accounts:
            account: dict[str, Any] = {"column": self.account, "email_column": self.account_email,
                                       "created_column": self.created, "window_days": self.account_window_days}
            if self.targets is not None:
                account["target_accounts"] = {"source": self.targets.source, "name_column": self.company,
                                              "domains": list(self.targets.domains), "names": list(self.targets.names)}
            if self.statuses is not None:
                account["status"] = {"source": self.statuses.source, "name_column": self.company,
                                     "entries": self.statuses.to_records()}
            document["account"] = account
        if self.uses_activities or self.as_of_column or self.as_of_date:
            document["as_of"] = {"column": self.as_of_column, "date": self.as_of_date,
                                 "otherwise": "the latest activity in the log" if self.uses_activities else "none"}
        if self.uses_activities:
            document["activities"] = {"id_column": self.id_column, "types": list(self.activity_types), "nth": self.nth}
        if self.junk_filter:
            document["junk_filter"] = list(self.junk_filter)
        return document

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> SignalRecipe:
        """Rebuild a recipe from its config section."""
        account = document.get("account") or {}
        targets = account.get("target_accounts")
        statuses = account.get("status")
        activities = document.get("activities") or {}
        as_of = document.get("as_of") or {}
        return cls(
            email=(document.get("email") or {}).get("column"),
            email_lists=dict((document.get("email") or {}).get("lists", {})),
            title=(document.get("title") or {}).get("column"),
            form=dict(document.get("form") or {}),
            account=account.get("column"), account_email=account.get("email_column"),
            created=account.get("created_column"), account_window_days=account.get("window_days"),
            company=(targets or statuses or {}).get("name_column"),
            statuses=AccountStatus.from_records(statuses["entries"], statuses.get("source", "")) if statuses else None,
            targets=TargetAccounts(tuple(targets["domains"]), tuple(targets["names"]), targets.get("source", ""))
            if targets else None,
            id_column=activities.get("id_column"), as_of_column=as_of.get("column"), as_of_date=as_of.get("date"),
            activity_types=tuple(activities.get("types", ())), nth=int(activities.get("nth", 3)),
            junk_filter=tuple(document.get("junk_filter", ())))


@dataclass
class DerivedSignals:
    """The derived columns of a lead table and what deriving them found.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per :attr:`SignalRecipe.outputs`, index of the leads.
    junk : numpy.ndarray
        Boolean per lead: set aside by the recipe's junk filter.
    notes : list of str
        What an analyst should know (unmatched activity rows, fallbacks).
    activity : ActivityFeatures or None
        The aggregation (with the per-event ages decay estimation uses).
    """

    frame: pd.DataFrame
    junk: np.ndarray
    notes: list[str]
    activity: ActivityFeatures | None = None


_MEANINGS = {
    "email.domain_type": "e-mail domain: corporate, free, disposable or invalid",
    "title.role": "job title role: student, intern, job seeker or employed",
    "title.seniority": "job title seniority: C-level, VP, director, manager or individual",
    "form.junk": "form fill: clean, or why it looks fake",
    "account.leads": "leads of the account created from 90 days before the lead up to its as-of date",
    "account.engaged_stakeholders": "leads of the account with an activity up to the as-of date",
    "account.target": "the account is on the target list",
    "account.status": "the account's status on the as-of date (customer, open opportunity, ...; none when unlisted)",
    "activity.total.count": "activities of the counted types up to the as-of date",
    "activity.days_since_last": "days from the last activity to the as-of date (recency)",
    "activity.per_week": "activities per week over the 28 days before the as-of date",
}


def describe_signal(name: str) -> str:
    """What a derived column means, in words for reports.

    Examples
    --------
    >>> describe_signal("activity.pricing_page.count")
    'pricing page activities up to the as-of date'
    >>> describe_signal("activity.days_to_3rd")
    'days from the first to the 3rd activity (velocity)'
    """
    if name in _MEANINGS:
        return _MEANINGS[name]
    if name.startswith("activity.days_to_"):
        return f"days from the first to the {name.removeprefix('activity.days_to_')} activity (velocity)"
    if name.startswith("activity.") and name.endswith(".count"):
        return f"{name.removeprefix('activity.').removesuffix('.count').replace('_', ' ')} activities up to the as-of date"
    return name


def signal_groups(outputs: Sequence[str]) -> dict[str, str]:
    """Fit or engagement group of each derived column.

    Examples
    --------
    >>> signal_groups(["form.junk", "activity.total.count", "account.engaged_stakeholders"])
    {'form.junk': 'fit', 'activity.total.count': 'engagement', 'account.engaged_stakeholders': 'engagement'}
    """
    return {name: "engagement" if name.startswith("activity.") or name == "account.engaged_stakeholders" else "fit"
            for name in outputs}


def _check_column(frame: pd.DataFrame, column: str | None, flag: str) -> None:
    if column is not None and column not in frame.columns:
        raise DataError(f"{flag} names column {column!r}, which is not in the data"
                        f"{suggest_columns(column, frame.columns)}")


def plan_signals(
    frame: pd.DataFrame,
    *,
    detect: bool = True,
    id_column: str | None = None,
    activities: ActivityLog | None = None,
    account_column: str | None = None,
    target_accounts: TargetAccounts | None = None,
    account_status: AccountStatus | None = None,
    as_of: str | None = None,
    created_column: str | None = None,
    nth: int = 3,
    drop_junk: bool = False,
    placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
) -> SignalRecipe:
    """Decide which signals a lead table supports.

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads.
    detect : bool
        Recognise e-mail, job-title, name, company and company-domain columns
        by their content and names (:func:`calibrate.signals.detect.detect_signal_columns`).
        With ``False`` only the signals asked for explicitly are derived.
    id_column : str, optional
        Lead id column; required with ``activities``.
    activities : ActivityLog, optional
        The activity log; its activity types become count signals.
    account_column : str, optional
        Company domain column (the account key).
    target_accounts : TargetAccounts, optional
        Target-account list; adds ``account.target``.
    account_status : AccountStatus, optional
        Account statuses (customer, open opportunity) with their dates;
        adds ``account.status``.
    as_of : str, optional
        A date column of the leads (the outcome date), or one ISO date.
        Default: a column named like ``decided_date`` or ``closed_date``.
    created_column : str, optional
        Lead creation date column; default a column named like ``created_date``.
    nth : int
        Velocity: days from the first to the ``nth`` activity.
    drop_junk : bool
        Record that junk leads (:data:`JUNK_FILTER`) are set aside.
    placeholders : sequence of str
        Values meaning blank.

    Returns
    -------
    SignalRecipe

    Raises
    ------
    DataError
        A named column is missing, or activities come without an id column.
    """
    for column, flag in ((id_column, "--id-column"), (account_column, "--account-column"),
                         (created_column, "created_column")):
        _check_column(frame, column, flag)
    found = detect_signal_columns(frame, placeholders=placeholders) if detect else None
    email = found.email[0] if found and found.email else None
    title = found.title[0] if found and found.title else None
    form: dict[str, str] = {}
    if found:
        for role in ("first_name", "last_name", "name", "company"):
            if getattr(found, role):
                form[role] = getattr(found, role)
        if form and email:
            form["email"] = email
    account = account_column or (found.account if found else None)
    company = found.company if found else None
    if activities is not None and id_column is None:
        raise DataError("an activity log needs the lead id column that joins it to the leads; "
                        "pass --id-column (Python: id_column=)")
    as_of_column, as_of_date = None, None
    if as_of is not None:
        if as_of in frame.columns:
            as_of_column = as_of
        else:
            try:
                as_of_date = pd.Timestamp(as_of).strftime("%Y-%m-%d")
            except (ValueError, TypeError):
                raise DataError(f"--as-of {as_of!r} is neither a column of the data nor a date (YYYY-MM-DD)"
                                f"{suggest_columns(as_of, frame.columns)}") from None
    elif activities is not None or account is not None or email is not None:
        as_of_column = _find_named(list(frame.columns), AS_OF_NAMES)
    created = created_column or _find_named(list(frame.columns), CREATED_NAMES)
    has_accounts = account is not None or email is not None
    if (target_accounts is not None or account_status is not None) and not has_accounts and company is None:
        raise DataError("a target-account list or account statuses need an account key: pass --account-column (a "
                        "company domain column), or have an e-mail or company-name column")
    return SignalRecipe(
        email=email, title=title, form=form, account=account, account_email=email if has_accounts else None,
        company=company if target_accounts is not None or account_status is not None else None,
        targets=target_accounts, statuses=account_status,
        created=created if has_accounts else None, id_column=id_column, as_of_column=as_of_column,
        as_of_date=as_of_date, activity_types=tuple(activities.types) if activities is not None else (),
        nth=int(nth), junk_filter=JUNK_FILTER if drop_junk else (),
        email_lists=domain_lists() if email else {})


def _days(values: pd.Series) -> np.ndarray:
    """Days since the epoch (fractional) of date-like values; NaN where blank or unparseable."""
    parsed = pd.to_datetime(values.astype(object).where(values.notna(), None), errors="coerce", utc=True,
                            format="mixed")
    days = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
    return days.to_numpy(dtype=np.float64, na_value=np.nan)


def _as_of_days(frame: pd.DataFrame, recipe: SignalRecipe, cut_off: float | None,
                override: str | None) -> tuple[np.ndarray | None, list[str]]:
    notes: list[str] = []
    fallback = override or recipe.as_of_date
    fallback_day = _days(pd.Series([fallback]))[0] if fallback else cut_off
    if recipe.as_of_column is None:
        if fallback_day is None:
            return None, notes
        return np.full(len(frame), fallback_day), notes
    column = frame[recipe.as_of_column]
    days = _days(column)
    unparseable = int(np.count_nonzero(np.isnan(days) & column.notna().to_numpy()
                                       & (column.astype(str).str.strip() != "").to_numpy()))
    if unparseable:
        notes.append(f"{unparseable} value(s) of the as-of column {recipe.as_of_column!r} are not dates; "
                     "those leads are taken as of the fallback date")
    blank = np.isnan(days)
    if blank.any() and fallback_day is not None:
        days = np.where(blank, fallback_day, days)
        notes.append(f"{int(blank.sum())} lead(s) without {recipe.as_of_column!r} (open leads) are taken as of "
                     f"{pd.Timestamp(fallback_day, unit='D').date()}")
    return days, notes


def _text_signals_only(frame: pd.DataFrame, recipe: SignalRecipe) -> bool:
    """Whether :func:`derive_signals` derives e-mail and title signals only here, and raises no error.

    Such a derivation reads nothing but the recipe's input columns, so a
    scorer may run it on a thread of its own while it scores the attributes.
    """
    if recipe.form or recipe.has_accounts or recipe.uses_activities or recipe.as_of_column is not None:
        return False
    if any(c not in frame.columns for c in recipe.inputs) or any(c in frame.columns for c in recipe.outputs):
        return False  # derive_signals raises the error
    return not any(isinstance(frame[c], pd.DataFrame) for c in recipe.inputs)  # duplicated labels: as well


def _text_signals(frame: pd.DataFrame, recipe: SignalRecipe, placeholders: Sequence[str], *,
                  categorical: bool = False) -> dict[str, pd.Series]:
    """The e-mail and job-title columns of ``recipe`` (``email.domain_type``, ``title.role``, ``title.seniority``).

    The e-mail column is factorised once, and the title column once for both
    title signals; only the distinct values are classified, and the answers
    gathered per row by Arrow, without a Python object per row (the public
    per-column functions factorise again for each signal and return objects).

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads, with the recipe's e-mail and title columns.
    recipe : SignalRecipe
        Which columns to read.
    placeholders : sequence of str
        Values meaning blank in the e-mail column.
    categorical : bool
        Whether the columns are categoricals over each signal's values
        (:data:`DOMAIN_TYPES`, :data:`ROLES`, :data:`SENIORITY`).

    Returns
    -------
    dict of str to pandas.Series
        The columns the recipe derives from text, index of ``frame``: what
        :func:`~calibrate.signals.email.classify_email`,
        :func:`~calibrate.signals.titles.title_role` and
        :func:`~calibrate.signals.titles.title_seniority` give, in the dtype
        a frame infers from their values (``str`` when any value is text),
        or as categoricals.
    """
    def rows(codes: np.ndarray, answers: np.ndarray, categories: Sequence[str]) -> pd.Series:
        return (_category_rows(codes, answers, categories, frame.index) if categorical
                else _text_rows(codes, answers, frame.index))

    columns: dict[str, pd.Series] = {}
    if recipe.email:
        codes, (kinds,) = _distinct_answers(frame[recipe.email], placeholders, _classify_distinct)
        columns["email.domain_type"] = rows(codes, kinds, DOMAIN_TYPES)
    if recipe.title:
        # The title rules take the default placeholders, not the config's: titles were always read so.
        codes, roles, seniorities = _role_and_seniority(frame[recipe.title])
        columns["title.role"] = rows(codes, roles, ROLES)
        columns["title.seniority"] = rows(codes, seniorities, SENIORITY)
    return columns


def _frame_values(values: pd.Series | np.ndarray) -> Any:
    """What a derived column is built from, free of its index (leads' labels may repeat).

    Object values go in as numpy objects, the frame inferring their dtype; a
    Series with a dtype of its own (a categorical, Arrow text) gives its
    array as it is, not a Python object per row to be turned back.
    """
    if not isinstance(values, pd.Series):
        return values
    return values.to_numpy() if values.dtype == object else values.array


def derive_signals(
    frame: pd.DataFrame,
    recipe: SignalRecipe,
    *,
    activities: ActivityLog | None = None,
    as_of: str | None = None,
    placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
    categorical_text: bool = False,
) -> DerivedSignals:
    """Compute the derived columns of ``recipe`` for a lead table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads, with every column of :attr:`SignalRecipe.inputs`.
    recipe : SignalRecipe
        What to derive (from :func:`plan_signals` or a config).
    activities : ActivityLog, optional
        Required when the recipe counts activities.
    as_of : str, optional
        Date taken by leads without an as-of value (default: the recipe's
        date, else the activity log's cut-off).
    placeholders : sequence of str
        Values meaning blank.
    categorical_text : bool
        Give ``email.domain_type``, ``title.role`` and ``title.seniority``
        as categoricals over their values instead of text: a one-byte code
        per lead, which is what a fit counts (it factorised the text again
        at every step). Default text, as scored leads show them.

    Returns
    -------
    DerivedSignals

    Raises
    ------
    DataError
        An input column is missing, an output column already exists, or the
        recipe needs an activity log that was not given.
    """
    missing = [c for c in recipe.inputs if c not in frame.columns]
    if missing:
        hints = "".join(suggest_columns(c, frame.columns) for c in missing[:2])
        raise DataError(f"column(s) {missing} that the derived signals are computed from are missing from the data"
                        f"{hints}; rename them in the data to the names used when fitting")
    repeated = sorted({str(c) for c in recipe.inputs if isinstance(frame[c], pd.DataFrame)})
    if repeated:
        raise DataError(f"column(s) {repeated} that the derived signals are computed from appear more than once in "
                        "the data; keep one column of each name (drop or rename the copies)")
    taken = [c for c in recipe.outputs if c in frame.columns]
    if taken:
        raise DataError(f"the data already has column(s) {taken} that calibrate derives; drop or rename them "
                        "(or fit with signals switched off: --no-signals)")
    if recipe.uses_activities and activities is None:
        raise DataError("this config scores activity signals (" + ", ".join(recipe.activity_types[:3]) +
                        ", ...); pass the activity log (CLI: --activities LOG; Python: activities=)")
    columns: dict[str, pd.Series | np.ndarray] = {}
    notes: list[str] = []
    index = frame.index
    columns.update(_text_signals(frame, recipe, placeholders, categorical=categorical_text))
    if recipe.form:
        columns["form.junk"] = form_junk(frame, **{role: column for role, column in recipe.form.items()})
    cut_off = None
    features = None
    if activities is not None and recipe.uses_activities:
        cut_off = float(np.max(activities.day)) if len(activities.day) else None
    as_of_days, as_of_notes = _as_of_days(frame, recipe, cut_off, as_of)
    notes += as_of_notes
    if recipe.uses_activities:
        assert activities is not None
        as_of_stamps = pd.to_datetime(as_of_days, unit="D", utc=True)
        features = aggregate_activities(activities, frame[recipe.id_column].to_numpy(), as_of_stamps,
                                        types=recipe.activity_types, nth=recipe.nth)
        activity_frame = features.frame.set_axis(index)
        if features.unmatched_rows:
            notes.append(f"{features.unmatched_rows:,} activity row(s) name a lead id not in the lead table")
        if features.ignored_after_as_of:
            notes.append(f"{features.ignored_after_as_of:,} activity row(s) after their lead's as-of date were "
                         "not counted (no activity after the outcome may predict it)")
        if features.other_types_ignored:
            notes.append(f"{features.other_types_ignored:,} activity row(s) of types the config does not count "
                         "were ignored")
    if recipe.has_accounts:
        keys = account_keys(frame, account_column=recipe.account, email_column=recipe.account_email)
        created_days = _days(frame[recipe.created]) if recipe.created else np.zeros(len(frame))
        count_until = None
        if recipe.created:
            # Colleagues created up to the lead's as-of date; without one, up to the lead's own creation, so
            # the count never depends on how far past the lead the table reaches.
            count_until = created_days if as_of_days is None else np.where(np.isnan(as_of_days), created_days,
                                                                            as_of_days)
        since = None
        if recipe.created and recipe.account_window_days is not None:
            # From `window` days before the lead came in: the lead itself and the colleagues of its buying window.
            since = np.minimum(created_days, count_until) - float(recipe.account_window_days)
        columns["account.leads"] = count_as_of(keys, created_days, count_until, since)
        if recipe.uses_activities:
            assert features is not None
            first_day = _first_activity_day(activities, frame[recipe.id_column].to_numpy(), recipe.activity_types)
            columns["account.engaged_stakeholders"] = count_as_of(keys, first_day, as_of_days)
        names = frame[recipe.company] if recipe.company else None
        if recipe.targets is not None:
            columns["account.target"] = target_flags(keys, recipe.targets, names=names)
        if recipe.statuses is not None:
            columns["account.status"] = status_as_of(keys, recipe.statuses, as_of_days, names=names)
            undated = sum(since is None for since in recipe.statuses.since)
            if undated:
                notes.append(f"{undated} account status(es) carry no date: taken as held at every lead's as-of date, "
                             "so a deal won after a lead's outcome would leak it (add a 'since' column)")
        if not recipe.created:
            notes.append("account.leads counts every lead of the account in the table (no creation date column)")
    derived = pd.DataFrame({name: _frame_values(values) for name, values in columns.items()}, index=index)
    if recipe.uses_activities:
        derived = pd.concat([derived, activity_frame], axis=1)
    derived = derived[list(recipe.outputs)]
    return DerivedSignals(derived, junk_mask(derived, recipe), notes, features)


def junk_mask(derived: pd.DataFrame, recipe: SignalRecipe) -> np.ndarray:
    """Leads the recipe's junk filter sets aside (all ``False`` without a filter).

    Examples
    --------
    >>> import pandas as pd
    >>> recipe = SignalRecipe(email="email", junk_filter=JUNK_FILTER)
    >>> junk_mask(pd.DataFrame({"email.domain_type": ["free", "disposable", None]}), recipe).tolist()
    [False, True, False]
    """
    junk = np.zeros(len(derived), dtype=bool)
    if not recipe.junk_filter:
        return junk
    if "form" in recipe.junk_filter and "form.junk" in derived:
        junk |= (derived["form.junk"].to_numpy() != CLEAN)
    if "email.domain_type" in derived:
        junk |= derived["email.domain_type"].isin([t for t in recipe.junk_filter if t != "form"]).to_numpy()
    return junk


def _first_activity_day(activities: ActivityLog, lead_ids: np.ndarray, types: Sequence[str]) -> np.ndarray:
    """Day of each lead's first activity of the counted types (NaN without one)."""
    counted = np.isin(np.asarray(activities.types, dtype=object)[activities.activity], list(types))
    position = pd.Index(pd.Series(lead_ids, dtype=object).astype(str).str.strip()).get_indexer(
        activities.lead_id[counted])
    matched = position >= 0
    first = pd.Series(activities.day[counted][matched]).groupby(position[matched]).min()
    out = np.full(len(lead_ids), np.nan)
    out[first.index.to_numpy()] = first.to_numpy()
    return out
