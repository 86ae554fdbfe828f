"""Which columns of a lead table hold e-mail addresses, job titles, names and company names.

E-mail and job-title columns are recognised by what they hold, whatever they
are called ("Email", "E-Mail-Adresse", "contact"); person-name, company-name
and company-website columns by their names, since a name looks like any
other word. :func:`detect_signal_columns` returns the columns found and why
each was taken, in the order of the frame.

Rules
-----
* e-mail: a text column of which at least 80 % of the non-missing values
  (in the first ``sample`` rows) are valid e-mail addresses
  (:func:`calibrate.signals.email.email_domain`).
* job title: a text column, not an e-mail column, of which at least 40 % of
  the non-missing values hold a seniority keyword above "individual" or a
  student, intern or job-seeker keyword (:mod:`calibrate.signals.titles`),
  or at least 20 % when its name reads as a title (:data:`TITLE_NAME`:
  title, job, position, role, occupation, funktion, poste, cargo). The word
  "lead" does not count here: CRM columns such as "Lead Profile" or
  "Lifecycle Stage" are full of "Lead".
* first name, last name, full name, company, company website: the first
  text column whose name, case-folded without accents, spaces, ``_``, ``-``
  and ``.`` (and without a leading "contact", "lead", "person" or
  "customer"), is one of :data:`FIRST_NAME_NAMES`, :data:`LAST_NAME_NAMES`,
  :data:`FULL_NAME_NAMES`, :data:`COMPANY_NAMES` or :data:`ACCOUNT_NAMES`;
  a website column also needs at least 50 % of its values to be domains or
  web addresses. "nome" (Italian, Portuguese) is a first name when the
  table has a last-name column, else a full name.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"Email": ["jo@acme.com", "al@gmail.com"], "Job Title": ["CEO", "Intern"],
...                       "First Name": ["Jo", "Al"], "Company Name": ["Acme", "Beta"], "Lead Source": ["Web", "Ads"]})
>>> found = detect_signal_columns(frame)
>>> found.email, found.title, found.first_name, found.company, found.name
(('Email',), ('Job Title',), 'First Name', 'Company Name', None)
>>> found.reasons["Email"]
'100% of values are e-mail addresses'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS, normalize_keys
from calibrate.signals.email import account_domain, email_domain
from calibrate.signals.titles import (
    SENIORITY,
    _fold,
    _role_of,
    _seniority_of,
    normalize_title,
)

__all__ = [
    "ACCOUNT_NAMES",
    "ACCOUNT_SHARE",
    "COMPANY_NAMES",
    "EMAIL_SHARE",
    "FIRST_NAME_NAMES",
    "FULL_NAME_NAMES",
    "LAST_NAME_NAMES",
    "TITLE_NAME",
    "TITLE_SHARE",
    "TITLE_SHARE_BY_NAME",
    "SignalColumns",
    "detect_signal_columns",
]

#: Share of valid addresses among the non-missing values that makes an e-mail column.
EMAIL_SHARE = 0.8
#: Share of values holding a title keyword that makes a job-title column ...
TITLE_SHARE = 0.4
#: ... or, for a column whose name matches :data:`TITLE_NAME`, this share.
TITLE_SHARE_BY_NAME = 0.2
#: Column names (case-folded) that read as job titles.
TITLE_NAME = re.compile(r"title|job|position|role|occupation|funktion|poste|cargo")
#: Share of domains or web addresses that makes a website column a company-domain column.
ACCOUNT_SHARE = 0.5

#: Column names (case-folded, without accents, spaces, "_", "-", ".") of first names.
FIRST_NAME_NAMES: frozenset[str] = frozenset({
    "firstname", "first", "fname", "givenname", "forename", "vorname", "prenom", "nombre", "primeironome",
    "voornaam",
})  # fmt: skip
#: ... of last names.
LAST_NAME_NAMES: frozenset[str] = frozenset({
    "lastname", "last", "lname", "surname", "familyname", "nachname", "nom", "apellido", "apellidos",
    "sobrenome", "achternaam", "cognome",
})  # fmt: skip
#: ... of full names.
FULL_NAME_NAMES: frozenset[str] = frozenset({
    "name", "fullname", "personname", "nombrecompleto", "nomcomplet", "nomecompleto", "vollername", "naam",
    "nome",
})  # fmt: skip
#: ... of company names.
COMPANY_NAMES: frozenset[str] = frozenset({
    "company", "companyname", "organisation", "organization", "organisationname", "organizationname",
    "accountname", "firma", "firmenname", "unternehmen", "empresa", "nombreempresa", "nombredelaempresa",
    "societe", "entreprise", "nomdelentreprise", "azienda", "bedrijf", "bedrijfsnaam", "employer",
})  # fmt: skip
#: ... of company domains or websites.
ACCOUNT_NAMES: frozenset[str] = frozenset({
    "companydomain", "domain", "accountdomain", "website", "companywebsite", "websiteurl", "companyurl", "url",
    "web", "homepage", "webseite", "sitioweb", "siteweb",
})  # fmt: skip
_NAME_PREFIXES = ("contact", "lead", "person", "customer")
_AMBIGUOUS_FIRST = "nome"
_LEAD_WORD = re.compile(r"(?<!\w)leads?(?!\w)")


@dataclass(frozen=True)
class SignalColumns:
    """Columns of a lead table that hold the raw fields of derived signals.

    Attributes
    ----------
    email : tuple of str
        E-mail address columns.
    title : tuple of str
        Job-title columns.
    first_name, last_name, name, company : str or None
        The first-name, last-name, full-name and company-name columns.
    account : str or None
        A company-domain or website column.
    reasons : dict of str to str
        For each column found, why it was recognised.

    Examples
    --------
    >>> found = SignalColumns(email=("Email",), reasons={"Email": "99% of values are e-mail addresses"})
    >>> found.email, found.title, found.company
    (('Email',), (), None)
    """

    email: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    company: str | None = None
    account: str | None = None
    reasons: dict[str, str] = field(default_factory=dict)


def _name_key(column: object) -> str:
    return re.sub(r"[\s_\-.]+", "", _fold(str(column)))


def _name_keys(column: object) -> set[str]:
    """The column's name key, and the key without a leading "contact", "lead", ... ."""
    key = _name_key(column)
    return {key} | {key[len(p) :] for p in _NAME_PREFIXES if key.startswith(p) and len(key) > len(p)}


def _is_text(values: pd.Series) -> bool:
    """Whether a column holds text (not numbers, booleans or dates)."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.infer_dtype(dtype.categories, skipna=True) in ("string", "mixed")
    if pd.api.types.is_string_dtype(dtype) and dtype != object:
        return True
    if dtype != object:
        return False
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "mixed", "mixed-integer")


def _share(flags: np.ndarray, present: np.ndarray, rows: np.ndarray) -> float:
    """Share of the present rows flagged, from distinct values and the rows holding each."""
    return int(rows[flags & present].sum()) / int(rows[present].sum())


def _title_matches(values: pd.Series, placeholders: Sequence[str]) -> np.ndarray:
    """Whether each value holds a seniority (above individual) or role keyword; False where missing."""
    normalized = normalize_title(values, placeholders=placeholders)
    codes, uniques = pd.factorize(normalized.to_numpy(dtype=object), use_na_sentinel=True)
    if not len(uniques):
        return np.zeros(len(values), dtype=bool)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object).str.replace(_LEAD_WORD, " ", regex=True)
    matched = (_seniority_of(distinct) != SENIORITY[-1]) | (_role_of(distinct) != "employed")
    return np.append(matched, False)[codes]


def _distinct_values(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The distinct values of a column (missing ones too), in its dtype, and the rows holding each."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = pd.Series(uniques) if isinstance(uniques, pd.api.extensions.ExtensionArray) else \
        pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    return distinct, np.bincount(codes, minlength=len(distinct))


@dataclass(frozen=True)
class _ValueFlags:
    """What each distinct value of the text columns is, per column: one test call over all of them."""

    present: list[np.ndarray]
    numeric: list[np.ndarray]
    email: list[np.ndarray]
    title: list[np.ndarray]


def _flag_values(distinct: list[pd.Series], placeholders: Sequence[str]) -> _ValueFlags:
    """Run every value test once over the distinct values of all columns, then split the flags by column.

    Each test costs a few milliseconds whatever the number of values (pandas string methods, a dozen
    patterns), and a lead table has tens of text columns of tens of distinct values each.
    """
    pooled = pd.Series(np.concatenate([np.asarray(d, dtype=object) for d in distinct]), dtype=object)
    bounds = np.cumsum([len(d) for d in distinct])[:-1]

    def split(flags: pd.Series | np.ndarray) -> list[np.ndarray]:
        return np.split(np.asarray(flags, dtype=bool), bounds)

    return _ValueFlags(present=split(normalize_keys(pooled, placeholders).notna()),
                       numeric=split(pd.to_numeric(pooled, errors="coerce").notna()),
                       email=split(email_domain(pooled).notna()),
                       title=split(_title_matches(pooled, placeholders)))


def detect_signal_columns(
    frame: pd.DataFrame,
    *,
    placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
    sample: int = 5_000,
) -> SignalColumns:
    """Find the e-mail, job-title, name, company and company-website columns of a lead table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads.
    placeholders : sequence of str
        Values meaning "left blank": not counted when shares of values are
        measured.
    sample : int
        Only the first ``sample`` rows are read (deterministic).

    Returns
    -------
    SignalColumns
        Columns in the order of the frame; the rules are in the module
        docstring.

    Examples
    --------
    >>> from calibrate.datasets import make_leads
    >>> found = detect_signal_columns(make_leads(500, seed=1))
    >>> found.email, found.title, found.account
    (('email',), ('job_title',), 'company_domain')
    """
    head = frame.head(max(int(sample), 1))
    emails: list[str] = []
    titles: list[str] = []
    roles: dict[str, str | None] = dict.fromkeys(("first_name", "last_name", "name", "company", "account"))
    reasons: dict[str, str] = {}
    named = {
        "first_name": FIRST_NAME_NAMES, "last_name": LAST_NAME_NAMES, "name": FULL_NAME_NAMES,
        "company": COMPANY_NAMES, "account": ACCOUNT_NAMES,
    }  # fmt: skip
    ambiguous: str | None = None
    # Every test is a function of the value alone: each distinct value is read once, weighted by its rows.
    text = [column for column in frame.columns
            if not isinstance(head[column], pd.DataFrame) and _is_text(head[column])]  # not duplicated labels
    distinct = [_distinct_values(head[column]) for column in text]
    flags = _flag_values([values for values, _ in distinct], placeholders) if text else None
    for i, column in enumerate(text):
        values, rows = distinct[i]
        present = flags.present[i]
        if not present.any():
            continue
        if _share(flags.numeric[i], present, rows) > 0.9:
            continue  # numbers read as text (every CSV cell is text): no address, title or name
        share = _share(flags.email[i], present, rows)
        if share >= EMAIL_SHARE:
            emails.append(column)
            reasons[column] = f"{share:.0%} of values are e-mail addresses"
            continue
        share = _share(flags.title[i], present, rows)
        by_name = bool(TITLE_NAME.search(_fold(str(column))))
        if share >= TITLE_SHARE or (by_name and share >= TITLE_SHARE_BY_NAME):
            titles.append(column)
            why = "the name reads as a job title and " if share < TITLE_SHARE else ""
            reasons[column] = f"{why}{share:.0%} of values hold a seniority or role keyword"
            continue
        keys = _name_keys(column)
        for role, names in named.items():
            if roles[role] is not None or not keys & names:
                continue
            if role == "account":
                share = _share(account_domain(values).notna().to_numpy(), present, rows)
                if share < ACCOUNT_SHARE:
                    continue
                reasons[column] = f"the name reads as a company domain or website and {share:.0%} of values are domains"
            else:
                reasons[column] = f"the name reads as a {role.replace('_', ' ')} column"
            roles[role] = column
            if role == "name" and _AMBIGUOUS_FIRST in keys:
                ambiguous = column
            break
    if ambiguous is not None and roles["last_name"] is not None and roles["first_name"] is None:
        # Italian and Portuguese forms pair "Nome" with "Cognome"/"Sobrenome": there it is the first name.
        roles["first_name"], roles["name"] = ambiguous, None
        reasons[ambiguous] = "the name reads as a first name column (next to a last-name column)"
    return SignalColumns(email=tuple(emails), title=tuple(titles), reasons=reasons, **roles)
