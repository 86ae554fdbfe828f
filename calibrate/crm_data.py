"""Seeded synthetic CRM export (leads, activity log, target accounts) with a documented ground truth.

:func:`make_crm_export` draws what a CRM hands over when asked for "all our
historical leads": a flat lead table, a separate log of timestamped marketing
activities, and the sales team's list of target accounts, with the junk such
exports hold (form-fill garbage, invalid e-mail addresses, mixed spellings of
activity types, multilingual job titles, events logged after the deal was
decided).  Every effect is known, so tests can check that signals derived from
the raw files (a decayed engagement score, e-mail and job-title flags,
stakeholder counts, target-account matches, junk detection) recover the truth,
and that an as-of aggregation does not leak post-decision events.

Generating model
----------------
*Accounts.*  Leads come in accounts of 1 to 8 leads (the account-size weights
of :mod:`calibrate.datasets`), sharing ``company_domain``, ``company`` (the
domain stem in title case, "polarstarbank.com" -> "Polarstar Bank"),
``industry`` and ``employees``.  An account has a buying window: an anchor day
drawn uniformly in ``start..end``, and its leads are created within 30 days
either side of it (reflected at the ends of the period), so all leads of an
account are created within 60 days of each other.  About 12 % of the accounts,
drawn independently of everything else, are on the target-account list.

*Leads.*  Each lead has a latent buying intent ``z ~ N(0, 1)``.  Its
``decided_date`` is ``created + d`` with ``d = min(7 + floor(Exponential(mean
60)), 240)`` days; leads whose decided date would fall after ``end`` are
"Open" (``decided_date`` empty).  A lead's *as-of* time is its decided date
(00:00 UTC), or ``end`` (00:00 UTC) for an open lead.  Job titles come from
eight groups (C-level, VP, Director, Manager, Individual contributor, Student,
Intern, Job seeker; shares 9/6/12/24/37/6/3/3 %), mostly in English with some
German, French, Spanish and Portuguese titles ("Geschäftsführer", "Directeur
Marketing", "Gerente de Ventas", "Praktikant", "Werkstudentin", "Looking for
work"); about 5 % of titles are blank, masked at random after the outcome.
The e-mail address is corporate (``first.last@company_domain``), free
(gmail.com, yahoo.com, outlook.com, hotmail.com, gmx.de, web.de), disposable
(mailinator.com, guerrillamail.com, yopmail.com, 10minutemail.com,
sharklasers.com) or invalid ("john.smith@", "asdf", "jane@localhost",
"j@x"); students, interns, job seekers and companies of fewer than 10
employees use free providers more.  ``company_domain`` is blank for about 70 %
of the non-corporate addresses.  ``lead_source`` is drawn independently of
everything (a null attribute).

*Form junk.*  About 3 % of leads, independently of intent, are junk form fills:
"test value" (first, last or company "test", "Test Test", "asdf"), "keyboard
mash" (first name "asdfgh", "qwerty", "jjjj", ...), "identical fields" (first
= last = company = one word) or "name equals company" (company "First Last").
Half of them get a disposable or invalid address (whatever their drawn type),
and their activity rates are multiplied by 0.15.

*Activity log.*  Per lead and activity type, the number of events before the
as-of time is Poisson(``rate x exp(0.6 z)``), times 0.15 for junk leads (and 0
for an open lead created on ``end``, which has no time yet).  Event times are
uniform whole seconds in ``[created 00:00, as-of)``.  Leakage traps, never in
the outcome: every "Closed Won" lead gets 3 to 10 extra ``page_view`` or
``email_open`` events (onboarding) and 15 % of the "Closed Lost" leads one
``unsubscribe``, uniform in the 60 days from the day after the decided date
(never after ``end``, so leads decided on ``end`` itself get none).  About 5 %
of the logged type names are spelled differently ("Pricing Page", "PRICING
PAGE", "pricing page", "Pricing-Page").  Timestamps are ISO 8601 UTC,
"2025-03-04T13:22:05Z"; the log is sorted by time.

=============  ==========  ===========  =============================
activity       rate        log-odds     note
=============  ==========  ===========  =============================
page_view      5.0         +0.05        per event, decayed
pricing_page   0.4         +0.5
demo_request   0.08        +1.2
email_open     3.5         +0.03
email_click    0.8         +0.2
webinar        0.15        +0.4
form_fill      0.5         +0.3
unsubscribe    0.04        -1.0         about 5 % of leads
=============  ==========  ===========  =============================

The mean rate multiplier is ``E exp(0.6 z) = exp(0.18)``, so a lead has about
12 events before its as-of time (13 with the post-decision ones).

*Outcome.*  ``outcome`` (1 = became a customer) is Bernoulli(``p_customer``),
drawn for open leads too; decided leads are "Closed Won" when it is 1, else
"Closed Lost".  With ``age`` the days from an event to the lead's as-of time
and ``h`` the half-life (``half_life_days``, default 30)::

    logit(p_customer) = intercept + 0.3 z + sum over the lead's events before its as-of time
                        of beta[activity] * 0.5 ** (age / h) + the terms below

=====================  ======================================  ==========
signal                 level                                   log-odds
=====================  ======================================  ==========
intercept              baseline                                -3.8
intent (latent)        per standard deviation                  +0.3
activity               beta per event (table above), decayed   see above
email_type             free / disposable / invalid             -0.6 / -1.5 / -1.5
role                   student / intern / job seeker           -1.8 / -1.5 / -1.5
seniority              C-level / VP / Director / Manager       +0.5 / +0.5 / +0.4 / +0.2
junk                   any junk reason                         -2.5
stakeholders           per other lead of the account, max 3    +0.35
target_account         listed                                  +0.7
industry               Software / Financial Services           +0.5 / +0.4
industry               Education / Retail / Nonprofit          -0.6 / -0.4 / -0.2
industry               Healthcare / Telecom. / Government      +0.1 / +0.1 / -0.1
lead_source            any                                     0 (null)
=====================  ======================================  ==========

Reference levels (corporate e-mail, employed, individual contributor or no
seniority, clean, unlisted) have 0; :func:`crm_true_effects` returns every
level.  The overall close rate of the decided leads is about 12 %.  Short
sales cycles close more often (their events are more recent, so less decayed).

Examples
--------
>>> from calibrate.crm_data import make_crm_export
>>> export = make_crm_export(500, seed=1)
>>> export.leads.shape
(500, 13)
>>> list(export.activities.columns)
['lead_id', 'activity', 'timestamp']
>>> bool(export.truth.index.equals(export.leads.index))
True
"""

from __future__ import annotations

import argparse
import gzip
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibrate.datasets import (
    _ACCOUNT_SIZE_WEIGHTS,
    _DOMAIN_MIDDLES,
    _DOMAIN_PREFIXES,
    _DOMAIN_SUFFIXES,
    _EMPLOYEES_LOG_MEAN,
    _EMPLOYEES_LOG_SD,
    _FIRST_NAMES,
    _INDUSTRIES,
    _LAST_NAMES,
    _LEAD_SOURCES,
    _TLDS,
    _draw_grouped,
    _expit,
    _probs,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "ACTIVITY_TYPES",
    "LEAD_COLUMNS",
    "CrmExport",
    "crm_true_effects",
    "main",
    "make_crm_export",
    "write_crm_export",
]

#: Columns of :attr:`CrmExport.leads`, in order.
LEAD_COLUMNS: tuple[str, ...] = (
    "lead_id",
    "created_date",
    "decided_date",
    "first_name",
    "last_name",
    "company",
    "email",
    "company_domain",
    "job_title",
    "industry",
    "employees",
    "lead_source",
    "stage",
)

#: Columns of :attr:`CrmExport.activities`, in order.
ACTIVITY_COLUMNS: tuple[str, ...] = ("lead_id", "activity", "timestamp")

# ---------------------------------------------------------------------------
# Generating model.  The generator and crm_true_effects() read these tables.
# ---------------------------------------------------------------------------

_INTERCEPT = -3.8
_INTENT_COEF = 0.3
_INTENT_ACTIVITY = 0.6  # events ~ Poisson(rate * exp(0.6 z))

# activity type: (events per lead at z = 0, log-odds per event at age 0)
_ACTIVITIES: dict[str, tuple[float, float]] = {
    "page_view": (5.0, 0.05),
    "pricing_page": (0.4, 0.5),
    "demo_request": (0.08, 1.2),
    "email_open": (3.5, 0.03),
    "email_click": (0.8, 0.2),
    "webinar": (0.15, 0.4),
    "form_fill": (0.5, 0.3),
    "unsubscribe": (0.04, -1.0),
}

#: The canonical activity types of the log (other spellings occur in the file).
ACTIVITY_TYPES: tuple[str, ...] = tuple(_ACTIVITIES)

_VARIANT_SHARE = 0.05  # share of logged type names spelled differently

_DURATION_MIN, _DURATION_MEAN, _DURATION_CAP = 7, 60.0, 240  # days from created to decided
_ACCOUNT_HALF_WINDOW = 30  # leads of an account: anchor day +- 30 days

_ONBOARDING_MIN, _ONBOARDING_MAX = 3, 10  # post-decision events of won leads
_LOST_UNSUB_SHARE = 0.15  # lost leads with an unsubscribe after the decision
_POST_WINDOW_DAYS = 60

_STAKEHOLDER_COEF, _STAKEHOLDER_CAP = 0.35, 3
_TARGET_COEF, _TARGET_SHARE = 0.7, 0.12

# title group: (share of leads, seniority, role, {title: relative weight})
_TITLE_GROUPS: dict[str, tuple[float, str, str, dict[str, float]]] = {
    "C-level": (0.09, "C-level", "employed", {
        "CEO": 0.22, "CTO": 0.12, "CFO": 0.08, "CMO": 0.07, "Founder": 0.14, "Co-Founder": 0.08,
        "Owner": 0.06, "Chief Revenue Officer": 0.05, "Geschäftsführer": 0.08, "Président Directeur Général": 0.03,
        "Director General": 0.03, "Diretor Executivo": 0.04,
    }),
    "VP": (0.06, "VP", "employed", {
        "VP of Sales": 0.25, "VP Marketing": 0.2, "Vice President Marketing": 0.12, "VP Engineering": 0.12,
        "SVP Sales": 0.08, "Vice President of Finance": 0.07, "Vizepräsident Vertrieb": 0.06,
        "Vice-président Ventes": 0.05, "Vicepresidente de Ventas": 0.05,
    }),
    "Director": (0.12, "Director", "employed", {
        "Director of Sales": 0.15, "Marketing Director": 0.14, "Head of Sales": 0.12, "Head of Marketing": 0.1,
        "IT Director": 0.1, "Head of Growth": 0.07, "Directeur Marketing": 0.07, "Directeur Commercial": 0.05,
        "Leiter Vertrieb": 0.08, "Directora de Marketing": 0.06, "Diretor Comercial": 0.06,
    }),
    "Manager": (0.24, "Manager", "employed", {
        "Sales Manager": 0.17, "Marketing Manager": 0.17, "IT Manager": 0.1, "Product Manager": 0.1,
        "Account Manager": 0.1, "Operations Manager": 0.08, "Gerente de Ventas": 0.06, "Gerente de Marketing": 0.04,
        "Teamleiter Vertrieb": 0.06, "Responsable Marketing": 0.05, "Gerente Comercial": 0.07,
    }),
    "Individual contributor": (0.37, "Individual contributor", "employed", {
        "Software Engineer": 0.16, "Account Executive": 0.12, "Data Analyst": 0.1, "Marketing Specialist": 0.1,
        "Sales Representative": 0.1, "Business Analyst": 0.08, "Consultant": 0.08, "Designer": 0.05,
        "Softwareentwickler": 0.06, "Ingénieur Logiciel": 0.04, "Analista de Datos": 0.04,
        "Analista de Marketing": 0.03, "Vendedor": 0.04,
    }),
    "Student": (0.06, "none", "student", {
        "Student": 0.4, "Graduate Student": 0.08, "MBA Student": 0.07, "Étudiant": 0.1, "Estudiante": 0.1,
        "Estudante": 0.07, "Werkstudentin": 0.08, "Werkstudent": 0.1,
    }),
    "Intern": (0.03, "none", "intern", {
        "Intern": 0.35, "Marketing Intern": 0.15, "Summer Intern": 0.05, "Praktikant": 0.15, "Praktikantin": 0.1,
        "Stagiaire": 0.1, "Becario": 0.05, "Estagiário": 0.05,
    }),
    "Job seeker": (0.03, "none", "job seeker", {
        "Job Seeker": 0.25, "Looking for work": 0.2, "Unemployed": 0.2, "Open to work": 0.1,
        "Arbeitssuchend": 0.08, "En recherche d'emploi": 0.07, "Desempleado": 0.05, "Desempregado": 0.05,
    }),
}  # fmt: skip
_SENIORITY_COEFS: dict[str, float] = {
    "C-level": 0.5,
    "VP": 0.5,
    "Director": 0.4,
    "Manager": 0.2,
    "Individual contributor": 0.0,
    "none": 0.0,
}
_ROLE_COEFS: dict[str, float] = {"employed": 0.0, "student": -1.8, "intern": -1.5, "job seeker": -1.5}
_TITLE_MISSING = 0.05

_EMAIL_COEFS: dict[str, float] = {"corporate": 0.0, "free": -0.6, "disposable": -1.5, "invalid": -1.5}
# who: (P(free), P(disposable), P(invalid)); the rest is corporate
_EMAIL_MIX: dict[str, tuple[float, float, float]] = {
    "not employed": (0.55, 0.08, 0.03),
    "tiny company": (0.40, 0.04, 0.015),
    "other": (0.15, 0.025, 0.015),
}
_TINY_COMPANY = 9  # employees
_FREE_PROVIDERS: dict[str, float] = {
    "gmail.com": 0.50,
    "yahoo.com": 0.10,
    "outlook.com": 0.12,
    "hotmail.com": 0.10,
    "gmx.de": 0.10,
    "web.de": 0.08,
}
_DISPOSABLE_PROVIDERS: dict[str, float] = {
    "mailinator.com": 0.35,
    "guerrillamail.com": 0.20,
    "yopmail.com": 0.20,
    "10minutemail.com": 0.10,
    "sharklasers.com": 0.15,
}
# invalid address pattern: weight ("first.last@", "asdf"-like, "first@localhost", "f@x")
_INVALID_PATTERNS = (0.4, 0.2, 0.2, 0.2)
_INVALID_WORDS = ("asdf", "none", "no", "x", "test", "-")
_DOMAIN_BLANK_IF_NOT_CORPORATE = 0.70

_JUNK_SHARE, _JUNK_COEF = 0.03, -2.5
_JUNK_REASONS: dict[str, float] = {
    "test value": 0.35,
    "keyboard mash": 0.30,
    "identical fields": 0.15,
    "name equals company": 0.20,
}
_JUNK_ACTIVITY = 0.15  # activity-rate multiplier of junk leads
_JUNK_BAD_EMAIL = 0.5  # junk leads with a disposable or invalid address
_TEST_FIRST = ("test", "Test", "TEST", "asdf")
_TEST_LAST = ("test", "Test", "asdf", "Testing")
_TEST_COMPANY = ("test", "Test", "Test Test", "asdf", "Test Inc")
_MASH_FIRST = ("asdfgh", "qwerty", "jjjj", "asdf", "qwertz", "zxcvb", "hjkl", "aaaa")
_MASH_LAST = ("sdfg", "jkjk", "qqqq", "lkjh", "fdsa")
_IDENTICAL_WORDS = ("hello", "abc", "xyz", "info", "sales", "name", "john", "marketing")

_SUFFIX_NAMES = {"ai": "AI", "hq": "HQ"}


@dataclass(frozen=True, eq=False)
class CrmExport:
    """A synthetic CRM export and its ground truth (see :func:`make_crm_export`).

    Attributes
    ----------
    leads : pandas.DataFrame
        One row per lead, columns :data:`LEAD_COLUMNS`, in creation order.
    activities : pandas.DataFrame
        The activity log, columns :data:`ACTIVITY_COLUMNS`, sorted by time.
    target_accounts : pandas.DataFrame
        Column ``domain``: the target accounts, domains in mixed formats.
    truth : pandas.DataFrame
        Per lead, same index as ``leads``: the latent and true values.
    half_life_days : float
        Half-life of the engagement decay in the true model.

    Examples
    --------
    >>> from calibrate.crm_data import make_crm_export
    >>> export = make_crm_export(300, seed=2, half_life_days=14)
    >>> export.half_life_days
    14.0
    >>> list(export.target_accounts.columns)
    ['domain']
    """

    leads: pd.DataFrame
    activities: pd.DataFrame
    target_accounts: pd.DataFrame
    truth: pd.DataFrame
    half_life_days: float


def _choice(
    rng: np.random.Generator, options: tuple[str, ...] | list[str], size: int, p: np.ndarray | None = None
) -> np.ndarray:
    """Draw ``size`` strings from ``options`` as an object array."""
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p)]


def _spellings(name: str) -> tuple[str, ...]:
    """The canonical activity name followed by its variant spellings."""
    words = name.split("_")
    return (
        name,
        " ".join(w.capitalize() for w in words),
        " ".join(words).upper(),
        " ".join(words),
        "-".join(w.capitalize() for w in words),
    )


def _title(values: pd.Series) -> pd.Series:
    return values.str.slice(0, 1).str.upper() + values.str.slice(1)


# Everything is drawn from one default_rng(seed) in a fixed order, vectorised.
def _generate(n: int, seed: int, t0: np.datetime64, t1: np.datetime64, half_life: float) -> CrmExport:
    rng = np.random.default_rng(seed)
    n_days = int((t1 - t0).astype(np.int64)) + 1

    # --- accounts: 1-8 leads each, a 60-day buying window per account ---
    sizes = rng.choice(np.arange(1, 9), size=n, p=_probs(_ACCOUNT_SIZE_WEIGHTS))
    n_accounts = int(np.searchsorted(np.cumsum(sizes), n) + 1)
    account = np.repeat(np.arange(n_accounts), sizes[:n_accounts])[:n]
    rng.shuffle(account)
    account_leads_per_acc = np.bincount(account, minlength=n_accounts)

    n_p, n_m, n_s = len(_DOMAIN_PREFIXES), len(_DOMAIN_MIDDLES), len(_DOMAIN_SUFFIXES)
    n_stems = n_p * n_m * n_s
    if n_accounts <= n_stems:
        stem_idx = rng.choice(n_stems, size=n_accounts, replace=False)
    else:
        stem_idx = rng.integers(n_stems, size=n_accounts)
    prefix = pd.Series(np.asarray(_DOMAIN_PREFIXES, dtype=object)[stem_idx // (n_m * n_s)], dtype=object)
    middle = pd.Series(np.asarray(_DOMAIN_MIDDLES, dtype=object)[(stem_idx // n_s) % n_m], dtype=object)
    suffix = pd.Series(np.asarray(_DOMAIN_SUFFIXES, dtype=object)[stem_idx % n_s], dtype=object)
    tld = pd.Series(_choice(rng, list(_TLDS), n_accounts, p=_probs(_TLDS)), dtype=object)
    stem = prefix + middle + suffix
    rank = (stem + tld).groupby(stem + tld, sort=False).cumcount().to_numpy()
    number = pd.Series(np.where(rank == 0, "", (rank + 1).astype(str)), dtype=object)
    acc_domain = (stem + number + tld).to_numpy(dtype=object)
    suffix_name = suffix.map(lambda s: _SUFFIX_NAMES.get(s, s.capitalize()))
    acc_company = (_title(prefix + middle) + " " + suffix_name + np.where(rank == 0, "", " " + number)).to_numpy(
        dtype=object
    )
    acc_industry = _choice(rng, list(_INDUSTRIES), n_accounts, p=_probs({k: v[0] for k, v in _INDUSTRIES.items()}))
    acc_employees = np.clip(
        np.rint(np.exp(rng.normal(_EMPLOYEES_LOG_MEAN, _EMPLOYEES_LOG_SD, size=n_accounts))), 1, 50_000
    ).astype(np.int64)
    acc_target = rng.random(n_accounts) < _TARGET_SHARE
    acc_anchor = rng.integers(n_days, size=n_accounts)

    # created day: the account's anchor +- 30 days, reflected into the period
    day = acc_anchor[account] + rng.integers(-_ACCOUNT_HALF_WINDOW, _ACCOUNT_HALF_WINDOW + 1, size=n)
    day = np.where(day < 0, -day - 1, day)
    day = np.where(day >= n_days, 2 * n_days - 1 - day, day)
    day = np.clip(day, 0, n_days - 1)

    # rows in creation order; lead ids follow it
    order = np.argsort(day, kind="stable")
    account, day = account[order], day[order]

    # --- dates ---
    duration = np.minimum(_DURATION_MIN + np.floor(rng.exponential(_DURATION_MEAN, size=n)), _DURATION_CAP)
    decided_day = day + duration.astype(np.int64)
    decided = decided_day <= n_days - 1
    as_of_day = np.where(decided, decided_day, n_days - 1)
    t0_sec = int(t0.astype("datetime64[s]").astype(np.int64))
    created_sec = t0_sec + day * 86_400
    as_of_sec = t0_sec + as_of_day * 86_400
    end_excl_sec = t0_sec + n_days * 86_400

    # --- people ---
    groups = list(_TITLE_GROUPS)
    job_title, group_idx = _draw_grouped(rng, [_TITLE_GROUPS[g][0] for g in groups],
                                         [_TITLE_GROUPS[g][3] for g in groups], n)
    seniority = np.asarray([_TITLE_GROUPS[g][1] for g in groups], dtype=object)[group_idx]
    role = np.asarray([_TITLE_GROUPS[g][2] for g in groups], dtype=object)[group_idx]

    first = pd.Series(_choice(rng, _FIRST_NAMES, n), dtype=object).str.capitalize()
    last = pd.Series(_choice(rng, _LAST_NAMES, n), dtype=object).str.capitalize()
    company = pd.Series(acc_company[account], dtype=object)
    domain = acc_domain[account]
    employees = acc_employees[account]

    # --- form junk (independent of intent) ---
    is_junk = rng.random(n) < _JUNK_SHARE
    reason = _choice(rng, list(_JUNK_REASONS), n, p=_probs(_JUNK_REASONS))
    junk = np.where(is_junk, reason, "clean").astype(object)
    test_parts = rng.random((n, 3)) < np.asarray([0.9, 0.7, 0.6])  # which fields hold a test value
    test_parts[:, 0] |= ~test_parts.any(axis=1)  # at least one
    test_first = pd.Series(_choice(rng, _TEST_FIRST, n), dtype=object)
    test_last = pd.Series(_choice(rng, _TEST_LAST, n), dtype=object)
    test_company = pd.Series(_choice(rng, _TEST_COMPANY, n), dtype=object)
    mash_first = pd.Series(_choice(rng, _MASH_FIRST, n), dtype=object)
    mash_last = pd.Series(_choice(rng, _MASH_LAST, n), dtype=object)
    mash_last_used = rng.random(n) < 0.5
    word = pd.Series(_choice(rng, _IDENTICAL_WORDS, n), dtype=object)
    word = word.where(rng.random(n) < 0.5, word.str.capitalize())

    is_test = junk == "test value"
    is_mash = junk == "keyboard mash"
    is_same = junk == "identical fields"
    is_namecomp = junk == "name equals company"
    first = first.mask(is_test & test_parts[:, 0], test_first).mask(is_mash, mash_first).mask(is_same, word)
    last = (
        last.mask(is_test & test_parts[:, 1], test_last).mask(is_mash & mash_last_used, mash_last).mask(is_same, word)
    )
    company = (
        company.mask(is_test & test_parts[:, 2], test_company).mask(is_same, word).mask(is_namecomp, first + " " + last)
    )

    # --- e-mail ---
    who = np.where(role != "employed", 0, np.where(employees <= _TINY_COMPANY, 1, 2))
    mix = np.asarray(list(_EMAIL_MIX.values()))[who]
    u = rng.random(n)
    cut_free, cut_disp = mix[:, 0], mix[:, 0] + mix[:, 1]
    email_type = np.select(
        [u < cut_free, u < cut_disp, u < cut_disp + mix[:, 2]], ["free", "disposable", "invalid"], "corporate"
    ).astype(object)
    bad_junk = is_junk & (rng.random(n) < _JUNK_BAD_EMAIL)
    bad_kind = np.where(rng.random(n) < 0.5, "disposable", "invalid").astype(object)
    email_type = np.where(bad_junk, bad_kind, email_type).astype(object)

    local_first = first.str.lower().str.replace(r"[^0-9a-zà-ÿ]+", "", regex=True)
    local_first = local_first.where(local_first != "", "x")
    local_last = last.str.lower().str.replace(r"[^0-9a-zà-ÿ]+", "", regex=True)
    local_last = local_last.where(local_last != "", "x")
    digits = pd.Series(rng.integers(1, 10_000, size=n).astype(str), dtype=object)
    free_provider = pd.Series(_choice(rng, list(_FREE_PROVIDERS), n, p=_probs(_FREE_PROVIDERS)), dtype=object)
    disp_provider = pd.Series(
        _choice(rng, list(_DISPOSABLE_PROVIDERS), n, p=_probs(_DISPOSABLE_PROVIDERS)), dtype=object
    )
    letters = np.asarray(list("abcdefghijklmnopqrstuvwxyz0123456789"), dtype="<U1")
    chars = np.ascontiguousarray(letters[rng.integers(len(letters), size=(n, 10))])
    random_local = pd.Series(chars.view("<U10").ravel().astype(object), dtype=object)
    invalid_kind = rng.choice(len(_INVALID_PATTERNS), size=n, p=_probs(_INVALID_PATTERNS))
    invalid_word = pd.Series(_choice(rng, _INVALID_WORDS, n), dtype=object)
    invalid = pd.Series(
        np.select(
            [invalid_kind == 0, invalid_kind == 1, invalid_kind == 2],
            [local_first + "." + local_last + "@", invalid_word, local_first + "@localhost"],
            local_first.str.slice(0, 1) + "@x",
        ),
        dtype=object,
    )
    corporate = local_first + "." + local_last + "@" + pd.Series(domain, dtype=object)
    free = local_first + "." + local_last + digits + "@" + free_provider
    disposable = random_local + "@" + disp_provider
    email = pd.Series(
        np.select(
            [email_type == "corporate", email_type == "free", email_type == "disposable"],
            [corporate, free, disposable],
            invalid,
        ),
        dtype=object,
    )
    # unique valid addresses: repeats get ".N" before the "@"
    valid = pd.Series(email_type != "invalid")
    rank = email[valid].groupby(email[valid], sort=False).cumcount()
    repeat = rank[rank > 0]
    if len(repeat):
        parts = email[repeat.index].str.split("@", n=1, expand=True)
        email[repeat.index] = parts[0] + "." + (repeat + 1).astype(str) + "@" + parts[1]
    blank_domain = (email_type != "corporate") & (rng.random(n) < _DOMAIN_BLANK_IF_NOT_CORPORATE)
    company_domain = np.where(blank_domain, "", domain).astype(object)

    lead_source = _choice(rng, list(_LEAD_SOURCES), n, p=_probs({k: v[0] for k, v in _LEAD_SOURCES.items()}))

    # --- activity before the as-of time ---
    intent = rng.standard_normal(n)
    types = list(_ACTIVITIES)
    rates = np.asarray([v[0] for v in _ACTIVITIES.values()])
    betas = np.asarray([v[1] for v in _ACTIVITIES.values()])
    window = as_of_sec - created_sec  # whole days, in seconds; 0 only for open leads created on `end`
    scale = np.exp(_INTENT_ACTIVITY * intent) * np.where(is_junk, _JUNK_ACTIVITY, 1.0) * (window > 0)
    counts = rng.poisson(rates[None, :] * scale[:, None])
    flat = counts.ravel()
    ev_lead = np.repeat(np.repeat(np.arange(n), len(types)), flat)
    ev_type = np.repeat(np.tile(np.arange(len(types)), n), flat)
    ev_sec = created_sec[ev_lead] + rng.integers(0, np.maximum(window[ev_lead], 1))
    age_days = (as_of_sec[ev_lead] - ev_sec) / 86_400.0
    activity_term = np.bincount(ev_lead, weights=betas[ev_type] * 0.5 ** (age_days / half_life), minlength=n)

    # --- outcome ---
    industry_coef = pd.Series({k: v[1] for k, v in _INDUSTRIES.items()})[acc_industry[account]].to_numpy()
    account_leads = account_leads_per_acc[account]
    target = acc_target[account]
    logit = (
        _INTERCEPT
        + _INTENT_COEF * intent
        + activity_term
        + pd.Series(_EMAIL_COEFS)[email_type].to_numpy()
        + pd.Series(_ROLE_COEFS)[role].to_numpy()
        + pd.Series(_SENIORITY_COEFS)[seniority].to_numpy()
        + _JUNK_COEF * is_junk
        + _STAKEHOLDER_COEF * np.minimum(account_leads - 1, _STAKEHOLDER_CAP)
        + _TARGET_COEF * target
        + industry_coef
    )
    p_customer = _expit(logit)
    outcome = (rng.random(n) < p_customer).astype(np.int64)
    won = decided & (outcome == 1)
    lost = decided & (outcome == 0)
    stage = np.where(~decided, "Open", np.where(won, "Closed Won", "Closed Lost")).astype(object)

    # --- leakage traps: events after the decided date (never after `end`) ---
    post_start = as_of_sec + 86_400
    post_window = np.clip(np.minimum(post_start + _POST_WINDOW_DAYS * 86_400, end_excl_sec) - post_start, 0, None)
    n_onboard = rng.integers(_ONBOARDING_MIN, _ONBOARDING_MAX + 1, size=n) * (won & (post_window > 0))
    n_unsub = ((rng.random(n) < _LOST_UNSUB_SHARE) & lost & (post_window > 0)).astype(np.int64)
    post_lead = np.concatenate([np.repeat(np.arange(n), n_onboard), np.repeat(np.arange(n), n_unsub)])
    onboard_type = np.where(rng.random(int(n_onboard.sum())) < 0.5, types.index("page_view"), types.index("email_open"))
    post_type = np.concatenate([onboard_type, np.full(int(n_unsub.sum()), types.index("unsubscribe"))])
    post_sec = post_start[post_lead] + rng.integers(0, np.maximum(post_window[post_lead], 1))

    # --- the log: sorted by time, ~5 % of type names spelled differently ---
    all_lead = np.concatenate([ev_lead, post_lead])
    all_type = np.concatenate([ev_type, post_type]).astype(np.int64)
    all_sec = np.concatenate([ev_sec, post_sec])
    spell = np.asarray([_spellings(t) for t in types], dtype=object)
    n_events = len(all_lead)
    variant = np.where(rng.random(n_events) < _VARIANT_SHARE, rng.integers(1, spell.shape[1], size=n_events), 0)
    rel_sec = all_sec - t0_sec
    span = int(n_days) * 86_400 * n * len(types)
    if span < 2**62:  # one int64 key (time, lead, type) sorts faster than lexsort
        ev_order = np.argsort((rel_sec * n + all_lead) * len(types) + all_type, kind="stable")
    else:
        ev_order = np.lexsort((all_type, all_lead, rel_sec))
    width = max(6, len(str(n)))
    lead_id = ("C" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)).to_numpy(dtype=object)
    dates = t0 + np.arange(n_days + _DURATION_CAP + 1).astype("timedelta64[D]")
    date_str = np.datetime_as_string(dates, unit="D").astype(object)
    clock = np.datetime_as_string(np.arange(86_400).astype("datetime64[s]"), unit="s")
    time_str = pd.Series(clock, dtype=object).str.slice(10).add("Z").to_numpy(dtype=object)  # "T13:22:05Z"
    sorted_sec = rel_sec[ev_order]
    stamps = date_str[sorted_sec // 86_400] + time_str[sorted_sec % 86_400]
    activities = pd.DataFrame(
        {
            "lead_id": lead_id[all_lead[ev_order]],
            "activity": spell[all_type[ev_order], variant[ev_order]],
            "timestamp": stamps,
        }
    ).astype("str")

    # --- missing job titles, masked after the outcome ---
    title_out = np.where(rng.random(n) < _TITLE_MISSING, "", job_title).astype(object)

    leads = pd.DataFrame(
        {
            "lead_id": lead_id,
            "created_date": date_str[day],
            "decided_date": np.where(decided, date_str[decided_day], "").astype(object),
            "first_name": first.to_numpy(dtype=object),
            "last_name": last.to_numpy(dtype=object),
            "company": company.to_numpy(dtype=object),
            "email": email.to_numpy(dtype=object),
            "company_domain": company_domain,
            "job_title": title_out,
            "industry": acc_industry[account],
            "employees": employees,
            "lead_source": lead_source,
            "stage": stage,
        }
    ).astype({c: "str" for c in LEAD_COLUMNS if c != "employees"})

    truth = pd.DataFrame(
        {
            "intent": intent,
            "logit": logit,
            "p_customer": p_customer,
            "outcome": outcome,
            "decided": decided,
            "as_of": pd.Series(dates[as_of_day].astype("datetime64[ns]")),
            "email_type": email_type,
            "role": role,
            "seniority": seniority,
            "junk": junk,
            "account": account.astype(np.int64),
            "account_leads": account_leads.astype(np.int64),
            "target_account": target,
            "activity_term": activity_term,
        }
    ).astype({"email_type": "str", "role": "str", "seniority": "str", "junk": "str"})

    # --- target accounts: the domain as sales typed it ---
    listed = np.flatnonzero(acc_target)
    dom = pd.Series(acc_domain[listed], dtype=object)
    fmt = rng.choice(6, size=len(listed), p=_probs((0.45, 0.15, 0.12, 0.12, 0.08, 0.08)))
    written = pd.Series(
        np.select(
            [fmt == 0, fmt == 1, fmt == 2, fmt == 3, fmt == 4],
            ["https://www." + _title(dom) + "/", "WWW." + dom, "www." + dom, "http://" + dom, dom.str.upper()],
            dom + "/",
        ),
        dtype=object,
    )
    target_accounts = (
        pd.DataFrame({"key": dom, "domain": written})
        .sort_values("key", kind="stable")[["domain"]]
        .reset_index(drop=True)
        .astype("str")
    )
    return CrmExport(
        leads=leads,
        activities=activities,
        target_accounts=target_accounts,
        truth=truth,
        half_life_days=half_life,
    )


def make_crm_export(
    n_leads: int = 20_000,
    *,
    seed: int = 0,
    half_life_days: float = 30.0,
    start: str = "2025-01-01",
    end: str = "2025-12-31",
) -> CrmExport:
    """Draw a synthetic CRM export (leads, activity log, target accounts) from the documented model.

    Parameters
    ----------
    n_leads : int, default 20_000
        Number of leads.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same
        frames.
    half_life_days : float, default 30.0
        Half-life of the engagement decay: an event ``age`` days before the
        lead's as-of time adds ``beta * 0.5 ** (age / half_life_days)`` to the
        log-odds.
    start, end : str, default "2025-01-01", "2025-12-31"
        ISO dates; ``created_date`` and every event fall within ``start..end``
        (inclusive).  Leads not decided by ``end`` are "Open".

    Returns
    -------
    CrmExport
        ``leads`` (columns :data:`LEAD_COLUMNS`; ``lead_id`` "C000001", ... in
        creation order; blank cells are empty strings, ``employees`` is
        int64), ``activities`` (columns :data:`ACTIVITY_COLUMNS`, sorted by
        time, post-decision events included), ``target_accounts`` (column
        ``domain``, sorted by the bare domain), ``truth`` (same index as
        ``leads``: ``intent``, ``logit``, ``p_customer``, ``outcome`` (drawn,
        also for open leads), ``decided``, ``as_of`` (decided date or ``end``,
        00:00), ``email_type``, ``role``, ``seniority``, ``junk`` (reason or
        "clean"), ``account``, ``account_leads``, ``target_account``,
        ``activity_term``) and ``half_life_days``.

    Raises
    ------
    ValueError
        If ``n_leads`` < 1, ``half_life_days`` is not a positive finite
        number, or ``end`` is before ``start``.

    See Also
    --------
    crm_true_effects : the coefficients of the generating model.
    write_crm_export : write the three files.

    Examples
    --------
    >>> from calibrate.crm_data import make_crm_export
    >>> export = make_crm_export(2_000, seed=7)
    >>> export.leads["lead_id"].iloc[0]
    'C000001'
    >>> sorted(export.leads["stage"].unique())
    ['Closed Lost', 'Closed Won', 'Open']
    >>> export.activities.iloc[0].tolist()  # the log is sorted by time; ISO 8601 UTC
    ['C000010', 'email_open', '2025-01-02T03:09:01Z']
    >>> bool(export.activities["timestamp"].str.fullmatch(r"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ").all())
    True
    >>> bool((export.truth["p_customer"].between(0, 1)).all())
    True
    """
    n = int(n_leads)
    if n < 1:
        raise ValueError(f"n_leads must be at least 1, got {n_leads!r}")
    half_life = float(half_life_days)
    if not (math.isfinite(half_life) and half_life > 0):
        raise ValueError(f"half_life_days must be a positive number, got {half_life_days!r}")
    t0 = np.datetime64(pd.Timestamp(start).normalize().date(), "D")
    t1 = np.datetime64(pd.Timestamp(end).normalize().date(), "D")
    if t1 < t0:
        raise ValueError(f"end ({end}) is before start ({start})")
    return _generate(n, int(seed), t0, t1, half_life)


def crm_true_effects() -> pd.DataFrame:
    """Return the coefficients of the generating model of :func:`make_crm_export` as a tidy table.

    Returns
    -------
    pandas.DataFrame
        One row per term of ``logit(p_customer)``: columns ``signal``,
        ``level`` and ``log_odds``.  ``activity`` rows hold the log-odds of
        one event at age 0 (decayed with the export's ``half_life_days``);
        ``stakeholders`` is per other lead of the account, capped at 3;
        reference levels and the null ``lead_source`` have 0.

    Examples
    --------
    >>> from calibrate.crm_data import crm_true_effects
    >>> eff = crm_true_effects()
    >>> list(eff.columns)
    ['signal', 'level', 'log_odds']
    >>> float(eff.query("signal == 'activity' and level == 'demo_request'")["log_odds"].iloc[0])
    1.2
    >>> float(eff.query("signal == 'role' and level == 'student'")["log_odds"].iloc[0])
    -1.8
    """
    rows: list[tuple[str, str, float]] = [
        ("intercept", "baseline", _INTERCEPT),
        ("intent", "per standard deviation", _INTENT_COEF),
    ]
    rows += [("activity", name, beta) for name, (_, beta) in _ACTIVITIES.items()]
    rows += [("email_type", level, coef) for level, coef in _EMAIL_COEFS.items()]
    rows += [("role", level, coef) for level, coef in _ROLE_COEFS.items()]
    rows += [("seniority", level, coef) for level, coef in _SENIORITY_COEFS.items()]
    rows.append(("junk", "clean", 0.0))
    rows += [("junk", reason, _JUNK_COEF) for reason in _JUNK_REASONS]
    rows.append(("stakeholders", f"per other lead of the account, capped at {_STAKEHOLDER_CAP}", _STAKEHOLDER_COEF))
    rows += [("target_account", "listed", _TARGET_COEF), ("target_account", "not listed", 0.0)]
    rows += [("industry", level, coef) for level, (_, coef) in _INDUSTRIES.items()]
    rows += [("lead_source", level, 0.0) for level in _LEAD_SOURCES]
    return pd.DataFrame(rows, columns=["signal", "level", "log_odds"]).astype(
        {"signal": "str", "level": "str", "log_odds": "float64"}
    )


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_crm_export(export: CrmExport, directory: str | Path) -> dict[str, Path]:
    """Write the export as ``leads.csv``, ``activities.csv.gz`` and ``target_accounts.csv``.

    The bytes depend only on the export: the CSVs are UTF-8 with ``\\n`` line
    ends and the gzip member has no file name and modification time 0.

    Parameters
    ----------
    export : CrmExport
        What :func:`make_crm_export` returned.
    directory : str or Path
        Destination directory, created if needed; existing files are replaced.

    Returns
    -------
    dict of str to Path
        The paths written, keyed ``"leads"``, ``"activities"`` and ``"target_accounts"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from calibrate.crm_data import make_crm_export, write_crm_export
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_crm_export(make_crm_export(200, seed=3), tmp)
    ...     sorted(p.name for p in paths.values())
    ['activities.csv.gz', 'leads.csv', 'target_accounts.csv']
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "leads": out / "leads.csv",
        "activities": out / "activities.csv.gz",
        "target_accounts": out / "target_accounts.csv",
    }
    paths["leads"].write_bytes(_csv_bytes(export.leads))
    paths["activities"].write_bytes(gzip.compress(_csv_bytes(export.activities), compresslevel=6, mtime=0))
    paths["target_accounts"].write_bytes(_csv_bytes(export.target_accounts))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic CRM export: ``python -m calibrate.crm_data --leads N --seed S --out DIR``.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``): ``--leads``
        (default 20000), ``--seed`` (default 2025), ``--out`` (default
        "crm_export"), ``--half-life`` (days, default 30), ``--start``,
        ``--end``.

    Returns
    -------
    int
        0 on success.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from calibrate.crm_data import main
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["--leads", "100", "--seed", "1", "--out", tmp])
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m calibrate.crm_data",
        description="Write a synthetic CRM export (leads, activity log, target accounts) from its seed.",
    )
    parser.add_argument("--leads", type=int, default=20_000, help="number of leads (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2025, help="seed (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("crm_export"), help="directory (default: %(default)s)")
    parser.add_argument("--half-life", type=float, default=30.0, help="engagement half-life, days (default: 30)")
    parser.add_argument("--start", default="2025-01-01", help="first created date (default: %(default)s)")
    parser.add_argument("--end", default="2025-12-31", help="last date of the export (default: %(default)s)")
    args = parser.parse_args(argv)
    export = make_crm_export(args.leads, seed=args.seed, half_life_days=args.half_life, start=args.start, end=args.end)
    paths = write_crm_export(export, args.out)
    print(
        f"wrote {len(export.leads)} leads, {len(export.activities)} activities and "
        f"{len(export.target_accounts)} target accounts (seed {args.seed}) to {paths['leads'].parent}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
