"""Signals derived from raw lead fields: e-mail provider, job title, form junk.

Each module turns one kind of raw field into a small set of levels that the
attribute pipeline can score: :mod:`calibrate.signals.email` (corporate, free,
disposable or invalid address), :mod:`calibrate.signals.titles` (role and
seniority of a job title), :mod:`calibrate.signals.junk` (form-fill junk) and
:mod:`calibrate.signals.detect` (which columns hold those fields).

Examples
--------
>>> import pandas as pd
>>> from calibrate.signals import classify_email, title_seniority
>>> classify_email(pd.Series(["jo@acme.com"])).tolist(), title_seniority(pd.Series(["VP Sales"])).tolist()
(['corporate'], ['VP'])
"""

from __future__ import annotations

from calibrate.signals.detect import SignalColumns, detect_signal_columns
from calibrate.signals.email import (
    DOMAIN_TYPES,
    account_domain,
    classify_email,
    corporate_domain,
    domain_lists,
    email_domain,
)
from calibrate.signals.junk import CLEAN, JUNK_REASONS, form_junk
from calibrate.signals.titles import ROLES, SENIORITY, title_role, title_seniority

__all__ = [
    "CLEAN",
    "DOMAIN_TYPES",
    "JUNK_REASONS",
    "ROLES",
    "SENIORITY",
    "SignalColumns",
    "account_domain",
    "classify_email",
    "corporate_domain",
    "detect_signal_columns",
    "domain_lists",
    "email_domain",
    "form_junk",
    "title_role",
    "title_seniority",
]
