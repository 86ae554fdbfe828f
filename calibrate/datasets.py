"""Seeded synthetic B2B leads with a documented ground truth.

:func:`make_leads` draws a CRM export of historical leads from a known
generating model, so that tests (and users trying the toolkit) can check that
a calibration recovers the real effects and gives no points to attributes
that have none.  The shipped sample ``data/sample_leads.csv`` is
``make_leads(seed=SAMPLE_SEED)``; :func:`load_sample_leads` reads it.

Generating model
----------------
Every lead gets a latent, unobserved *buying intent* ``z ~ N(0, 1)``.  Intent
drives several behaviours at once, so they overlap as in real data:

* ``requested_demo`` is "Yes" with probability ``expit(-3.35 + 1.0 z)``
  (about 5 % of leads);
* ``pricing_page_visits`` ~ Poisson(``exp(-1.4 + 0.8 z)``), mostly 0;
* ``email_clicks`` ~ Poisson(``exp(-0.2 + 0.2 z)``);
* ``days_since_last_activity`` ~ Exponential(mean ``exp(3.7 - 0.5 z)``)
  days, capped at 400;
* ``unsubscribed`` is "Yes" with probability ``expit(-3.9 - 0.5 z)``.

Firmographics are account-level (an account, keyed by ``company_domain``,
has 1 to 8 leads sharing ``industry`` and ``employees``).  The job title is
drawn per lead from six seniority groups; students, interns and job seekers
visit the careers page (``careers_page_visits`` ~ Poisson(1.2) for them,
Poisson(0.06) for everyone else) and, like very small companies, use free
e-mail providers more often.

The outcome (1 = became a customer) is Bernoulli(``p_customer``) with::

    logit(p_customer) = intercept + 0.4 z + sum of the coefficients below

=========================  ==============================  ==========
attribute                  level                           log-odds
=========================  ==============================  ==========
(intercept)                baseline                        -2.9
buying_intent (latent)     per standard deviation          +0.4
requested_demo             Yes                             +1.1
pricing_page_visits        per visit, capped at 5          +0.25
email_clicks               per click, capped at 10         +0.06
careers_page_visits        per visit, capped at 3          -0.5
unsubscribed               Yes                             -1.0
days_since_last_activity   0-30 / 31-90 / 91-180 / 181+    0 / -0.3 / -0.7 / -1.2
industry                   Software / Financial Services   +0.5 / +0.4
industry                   Education / Retail              -0.6 / -0.4
employees                  1-9 / 10-49                     -0.7 / -0.2
employees                  50-199 / 200-999 / 1000-4999    +0.2 / +0.4 / +0.2
job_title                  C-level / VP / Director         +0.5 / +0.5 / +0.4
job_title                  Student/Intern/Job seeker       -1.8
lead_source                Referral / Partner              +0.7 / +0.5
lead_source                Paid Social                     -0.5
email                      free / disposable provider      -0.5 / -1.5
=========================  ==============================  ==========

:func:`true_effects` returns the complete table (every level, including the
small and zero ones).  The latent intent also raises the close rate of the
behaviours it drives, so their *marginal* lifts are larger than their
coefficients (``requested_demo`` "Yes" closes about 3-4 times as often as
"No").

``country``, ``email_opens`` and ``webinar_attended`` (:data:`NULL_ATTRIBUTES`)
are drawn independently of everything else, their missingness too: every level
or bin of them has the same true close rate as the rest.

Missing values (``industry`` ~6 %, ``job_title`` ~5 %, ``employees`` ~8 %,
``country`` ~3 %) are masked completely at random *after* the outcome is
drawn from the true values, so a "missing" level closes at the attribute's
average rate.  ``company_domain`` is blank for about 70 % of the leads with a
free or disposable e-mail address (and so carries that signal).

``stage`` is "Open" (outcome not decided yet) with probability
``0.03 + 0.9 exp(-age / 40)``, where ``age`` is the number of days from
``created_date`` to the end of the period: mostly the leads of the last six
weeks, about 13-14 % overall, and independent of every attribute.  Decided leads
are "Closed Won" when the drawn outcome is 1, else "Closed Lost".  The truth
frame holds the drawn outcome for Open leads too.

Drift
-----
For a quarterly review that should notice a changed market, ``make_leads(drift=...,
drift_start=...)`` adds the given amounts to the coefficients of the named
categorical levels for leads created on or after ``drift_start`` (default: the
middle of the period), e.g. :data:`DRIFT_EXAMPLE` ``{"industry": {"Software":
-1.2}}``.  :data:`DRIFT_LEVELS` lists what can drift.  The truth frame's
``logit``, ``p_customer`` and ``outcome`` include the drift; no random number
is drawn for it, so the leads are otherwise those of the same seed without drift.

With ``messy=True`` (the default) the export gets what real exports have,
without changing the truth: some blank cells hold placeholders ("N/A", "-",
"Select", "unknown" or the empty string, mixed) and about 3 % of the labels
(1 % of the stages) are case or space variants ("software", " Software ",
"SOFTWARE"; "yes").  Rare levels (fewer than 30 leads in 20,000) exist in
``industry``, ``country``, ``lead_source`` and ``job_title``.

Examples
--------
>>> from calibrate.datasets import make_leads, NULL_ATTRIBUTES
>>> leads, truth = make_leads(1_000, seed=3, messy=False, return_truth=True)
>>> leads.shape
(1000, 18)
>>> bool((truth.index == leads.index).all())
True
>>> NULL_ATTRIBUTES
('country', 'email_opens', 'webinar_attended')
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd

__all__ = [
    "COLUMNS",
    "DRIFT_EXAMPLE",
    "DRIFT_LEVELS",
    "EFFECT_ATTRIBUTES",
    "NULL_ATTRIBUTES",
    "PLACEHOLDERS",
    "SAMPLE_N_LEADS",
    "SAMPLE_PATH",
    "SAMPLE_SEED",
    "load_sample_leads",
    "main",
    "make_leads",
    "true_effects",
    "write_sample",
]

#: Seed of the shipped sample ``data/sample_leads.csv``.
SAMPLE_SEED: int = 2025
#: Number of leads in the shipped sample.
SAMPLE_N_LEADS: int = 20_000
#: Where the shipped sample lives (``data/sample_leads.csv`` at the repository root).
SAMPLE_PATH: Path = Path(__file__).resolve().parents[1] / "data" / "sample_leads.csv"

#: Columns of :func:`make_leads`, in order.
COLUMNS: tuple[str, ...] = (
    "lead_id",
    "created_date",
    "email",
    "company_domain",
    "job_title",
    "industry",
    "country",
    "employees",
    "lead_source",
    "pricing_page_visits",
    "requested_demo",
    "email_opens",
    "email_clicks",
    "webinar_attended",
    "careers_page_visits",
    "unsubscribed",
    "days_since_last_activity",
    "stage",
)

#: Columns the outcome does not depend on, drawn independently of every other
#: column (missingness included): every level or bin of them is truly null.
NULL_ATTRIBUTES: tuple[str, ...] = ("country", "email_opens", "webinar_attended")

#: Columns with a real effect on the outcome (``email`` through its domain:
#: corporate, free or disposable provider).
EFFECT_ATTRIBUTES: tuple[str, ...] = (
    "requested_demo",
    "pricing_page_visits",
    "email_clicks",
    "careers_page_visits",
    "unsubscribed",
    "days_since_last_activity",
    "industry",
    "employees",
    "job_title",
    "lead_source",
    "email",
)

#: Placeholders that mean "blank" in the messy export (besides the empty string).
PLACEHOLDERS: tuple[str, ...] = ("", "N/A", "-", "Select", "unknown")

# ---------------------------------------------------------------------------
# Generating model: vocabularies, frequencies and coefficients.  The generator
# and true_effects() both read these tables, so the docs cannot drift.
# ---------------------------------------------------------------------------

_INTERCEPT = -2.9
_INTENT_COEF = 0.4

_DEMO_COEF = 1.1
_PRICING_COEF, _PRICING_CAP = 0.25, 5
_CLICKS_COEF, _CLICKS_CAP = 0.06, 10
_CAREERS_COEF, _CAREERS_CAP = -0.5, 3
_UNSUB_COEF = -1.0

# (upper bound in days, label, coefficient)
_ACTIVITY_BANDS: tuple[tuple[int, str, float], ...] = (
    (30, "0-30 days", 0.0),
    (90, "31-90 days", -0.3),
    (180, "91-180 days", -0.7),
    (10_000, "181+ days", -1.2),
)
_ACTIVITY_CAP = 400

# level: (share of accounts, coefficient)
_INDUSTRIES: dict[str, tuple[float, float]] = {
    "Software": (0.20, 0.5),
    "Financial Services": (0.10, 0.4),
    "Healthcare": (0.10, 0.1),
    "Manufacturing": (0.12, 0.0),
    "Retail": (0.09, -0.4),
    "Education": (0.08, -0.6),
    "Government": (0.05, -0.1),
    "Media": (0.06, 0.0),
    "Telecommunications": (0.05, 0.1),
    "Consulting": (0.08, 0.0),
    "Nonprofit": (0.0692, -0.2),
    "Mining": (0.0008, 0.0),
}

# (upper bound of the band, label, coefficient)
_EMPLOYEE_BANDS: tuple[tuple[int, str, float], ...] = (
    (9, "1-9", -0.7),
    (49, "10-49", -0.2),
    (199, "50-199", 0.2),
    (999, "200-999", 0.4),
    (4_999, "1000-4999", 0.2),
    (50_000, "5000+", 0.0),
)
_EMPLOYEES_LOG_MEAN = np.log(150.0)
_EMPLOYEES_LOG_SD = 1.9

# seniority group: (share of leads, coefficient, {title: relative weight})
_SENIORITY: dict[str, tuple[float, float, dict[str, float]]] = {
    "C-level": (
        0.10,
        0.5,
        {
            "CEO": 0.25,
            "CTO": 0.15,
            "CFO": 0.10,
            "COO": 0.08,
            "CMO": 0.08,
            "Founder": 0.17,
            "Co-Founder": 0.10,
            "Owner": 0.063,
            "Chief Revenue Officer": 0.007,
        },
    ),
    "VP": (
        0.07,
        0.5,
        {
            "VP of Sales": 0.33,
            "VP Marketing": 0.30,
            "VP Engineering": 0.22,
            "VP Operations": 0.14,
            "Vice President of Finance": 0.01,
        },
    ),
    "Director": (
        0.13,
        0.4,
        {
            "Director of Sales": 0.25,
            "Marketing Director": 0.25,
            "IT Director": 0.20,
            "Director of Operations": 0.15,
            "Head of Growth": 0.15,
        },
    ),
    "Manager": (
        0.25,
        0.1,
        {
            "Sales Manager": 0.20,
            "Marketing Manager": 0.20,
            "IT Manager": 0.15,
            "Operations Manager": 0.12,
            "Product Manager": 0.13,
            "Project Manager": 0.10,
            "Account Manager": 0.10,
        },
    ),
    "Individual contributor": (
        0.35,
        0.0,
        {
            "Software Engineer": 0.20,
            "Data Analyst": 0.13,
            "Marketing Specialist": 0.15,
            "Sales Representative": 0.15,
            "Business Analyst": 0.12,
            "Accountant": 0.08,
            "Consultant": 0.10,
            "Designer": 0.07,
        },
    ),
    "Student/Intern/Job seeker": (
        0.10,
        -1.8,
        {
            "Student": 0.50,
            "Intern": 0.25,
            "Job Seeker": 0.24,
            "Graduate Student": 0.01,
        },
    ),
}

# level: (share of leads, coefficient)
_LEAD_SOURCES: dict[str, tuple[float, float]] = {
    "Organic Search": (0.25, 0.0),
    "Paid Search": (0.18, 0.0),
    "Paid Social": (0.14, -0.5),
    "Referral": (0.07, 0.7),
    "Webinar": (0.08, 0.1),
    "Trade Show": (0.06, 0.2),
    "Content Download": (0.15, -0.1),
    "Partner": (0.0694, 0.5),
    "Podcast": (0.0006, 0.0),
}

# e-mail provider type: coefficient
_EMAIL_TYPES: dict[str, float] = {"corporate": 0.0, "free": -0.5, "disposable": -1.5}
_FREE_PROVIDERS: dict[str, float] = {
    "gmail.com": 0.55,
    "yahoo.com": 0.15,
    "outlook.com": 0.15,
    "hotmail.com": 0.15,
}
_DISPOSABLE_PROVIDERS: dict[str, float] = {
    "mailinator.com": 0.5,
    "guerrillamail.com": 0.2,
    "yopmail.com": 0.2,
    "10minutemail.com": 0.1,
}

# Null attributes: level -> share (country), drawn per lead, independently.
_COUNTRIES: dict[str, float] = {
    "United States": 0.34,
    "United Kingdom": 0.10,
    "Germany": 0.08,
    "Canada": 0.07,
    "France": 0.06,
    "India": 0.06,
    "Australia": 0.05,
    "Netherlands": 0.04,
    "Brazil": 0.04,
    "Spain": 0.03,
    "Sweden": 0.03,
    "Singapore": 0.03,
    "Japan": 0.0487,
    "Luxembourg": 0.0006,
    "Iceland": 0.0007,
}
_WEBINAR_RATE = 0.12
_OPENS_MEAN, _OPENS_SHAPE = 4.0, 1.5  # negative binomial (gamma-Poisson)

_MISSING_RATES: dict[str, float] = {
    "industry": 0.06,
    "job_title": 0.05,
    "employees": 0.08,
    "country": 0.03,
}
_DOMAIN_BLANK_IF_FREE = 0.70

_OPEN_FLOOR, _OPEN_PEAK, _OPEN_DECAY_DAYS = 0.025, 0.90, 40.0

_VARIANT_SHARE = 0.03
_STAGE_VARIANT_SHARE = 0.01
_PLACEHOLDER_WEIGHTS = (0.45, 0.20, 0.10, 0.15, 0.10)  # aligned with PLACEHOLDERS
_DROPDOWN_COLUMNS = ("job_title", "industry", "country")

_FIRST_NAMES = (
    "james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda",
    "william", "elizabeth", "david", "barbara", "richard", "susan", "joseph", "jessica",
    "thomas", "sarah", "charles", "karen", "daniel", "nancy", "matthew", "lisa",
    "anthony", "betty", "mark", "margaret", "paul", "sandra", "steven", "ashley",
    "andrew", "emily", "kevin", "donna", "brian", "michelle", "george", "carol",
    "priya", "wei", "lukas", "sofia", "mateo", "emma", "noah", "olivia", "liam", "aiko",
)  # fmt: skip
_LAST_NAMES = (
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis",
    "rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson",
    "thomas", "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson",
    "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker",
    "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
    "green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell",
    "carter", "roberts", "mueller", "schmidt", "schneider", "fischer", "dubois",
    "moreau", "patel", "sharma", "tanaka", "sato",
)  # fmt: skip
_DOMAIN_PREFIXES = (
    "acme", "blue", "north", "summit", "bright", "apex", "nova", "vertex", "pioneer",
    "river", "stone", "silver", "green", "red", "iron", "cloud", "data", "smart",
    "prime", "core", "alpha", "delta", "omega", "quantum", "urban", "global", "metro",
    "coastal", "peak", "cedar", "maple", "oak", "pine", "harbor", "falcon", "eagle",
    "lion", "tiger", "orbit", "stellar", "lumen", "fusion", "vector", "pixel",
    "crystal", "golden", "swift", "rapid", "clear", "true", "next", "open", "bold",
    "zen", "echo", "atlas", "titan", "polar", "sun", "moon",
)  # fmt: skip
_DOMAIN_MIDDLES = (
    "", "bay", "rock", "point", "wave", "field", "light", "bridge", "path", "line",
    "star", "gate", "view", "leaf", "hill", "spark", "wood", "brook", "crest", "forge",
    "shore", "stream", "ridge", "vale", "well", "mark", "stack", "grid", "loop", "way",
)  # fmt: skip
_DOMAIN_SUFFIXES = (
    "labs", "systems", "group", "tech", "works", "data", "health", "soft", "logic",
    "media", "capital", "partners", "solutions", "dynamics", "analytics", "networks",
    "retail", "foods", "energy", "bank", "learning", "studio", "consulting",
    "industries", "motors", "ware", "hq", "cloud", "ai", "bio",
)  # fmt: skip
_TLDS: dict[str, float] = {
    ".com": 0.70, ".io": 0.08, ".co": 0.06, ".net": 0.05, ".de": 0.05, ".co.uk": 0.06,
}  # fmt: skip
_ACCOUNT_SIZE_WEIGHTS = (0.45, 0.20, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02)  # 1..8 leads

#: Attributes and levels whose log-odds coefficient ``make_leads(drift=...)``
#: can change: every categorical term of the model, with the level labels of
#: :func:`true_effects` (``job_title`` by seniority group, ``employees`` and
#: ``days_since_last_activity`` by band, ``email`` by provider type).  Numeric
#: terms, the intercept, the latent intent, "(missing)" (masked after the
#: outcome) and the null attributes cannot drift.
DRIFT_LEVELS: dict[str, tuple[str, ...]] = {
    "industry": tuple(_INDUSTRIES),
    "lead_source": tuple(_LEAD_SOURCES),
    "job_title": tuple(_SENIORITY),
    "employees": tuple(b[1] for b in _EMPLOYEE_BANDS),
    "email": tuple(f"{t} provider" for t in _EMAIL_TYPES),
    "days_since_last_activity": tuple(b[1] for b in _ACTIVITY_BANDS),
    "requested_demo": ("Yes", "No"),
    "unsubscribed": ("Yes", "No"),
}

#: What tests use: Software, the industry that closes best (+0.5), closes far
#: less often after ``drift_start`` (+0.5 - 1.2 = -0.7 on the log-odds scale).
DRIFT_EXAMPLE: dict[str, dict[str, float]] = {"industry": {"Software": -1.2}}


def _probs(weights: dict[str, float] | tuple[float, ...]) -> np.ndarray:
    values = np.asarray(list(weights.values()) if isinstance(weights, dict) else weights)
    return values / values.sum()


def _draw_grouped(rng: np.random.Generator, shares: list[float], members: list[dict[str, float]],
                  n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` names from groups (group share x weight within the group): the names and their group index."""
    names = [name for group in members for name in group]
    group_of = np.asarray([i for i, group in enumerate(members) for _ in group])
    joint = np.concatenate([share * _probs(tuple(group.values())) for share, group in zip(shares, members)])
    drawn = rng.choice(len(names), size=n, p=joint / joint.sum())
    return np.asarray(names, dtype=object)[drawn], group_of[drawn]


def _pct(share: float) -> str:
    return f"{share * 100:g}%"


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _check_drift(drift: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Validate a ``drift`` argument; return it as plain dicts of floats."""
    if not isinstance(drift, Mapping):
        raise TypeError(f"drift must be a mapping attribute -> {{level: log-odds change}}, got {type(drift).__name__}")
    checked: dict[str, dict[str, float]] = {}
    for attribute, changes in drift.items():
        if attribute not in DRIFT_LEVELS:
            raise ValueError(
                f"drift: unknown attribute {attribute!r}; attributes that can drift: {', '.join(DRIFT_LEVELS)}"
            )
        if not isinstance(changes, Mapping):
            raise TypeError(
                f"drift[{attribute!r}] must be a mapping level -> log-odds change, got {type(changes).__name__}"
            )
        levels = DRIFT_LEVELS[attribute]
        checked[attribute] = {}
        for level, amount in changes.items():
            if level not in levels:
                raise ValueError(
                    f"drift: unknown level {level!r} of {attribute!r}; valid levels: {', '.join(levels)}"
                )
            value = float(amount)
            if not math.isfinite(value):
                raise ValueError(f"drift[{attribute!r}][{level!r}] must be finite, got {amount!r}")
            checked[attribute][level] = value
    return checked


def _dedupe_before_at(emails: pd.Series) -> pd.Series:
    """Make e-mail addresses unique by inserting ``.N`` before the ``@`` of repeats."""
    rank = emails.groupby(emails, sort=False).cumcount().to_numpy()
    repeat = rank > 0
    if repeat.any():
        parts = emails[repeat].str.split("@", n=1, expand=True)
        emails = emails.copy()
        emails[repeat] = parts[0] + "." + (rank[repeat] + 1).astype(str) + "@" + parts[1]
    return emails


# The generator draws everything from one default_rng(seed) in a fixed order;
# the messy layer uses a second, independent stream so that messy=True and
# messy=False give the same truth.  Drift draws nothing: with the same seed,
# every draw (the outcome's uniforms included) is the same with or without it.
# Nothing loops over rows.
def _generate(
    n: int,
    seed: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    drift: dict[str, dict[str, float]] | None = None,
    drift_start: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    # --- accounts: 1-8 leads each, sharing domain, industry and employees ---
    sizes = rng.choice(np.arange(1, 9), size=n, p=_probs(_ACCOUNT_SIZE_WEIGHTS))
    n_accounts = int(np.searchsorted(np.cumsum(sizes), n) + 1)
    account = np.repeat(np.arange(n_accounts), sizes[:n_accounts])[:n]
    rng.shuffle(account)

    # distinct name stems (prefix + middle + suffix) while they last, then repeats
    # that get a number appended ("acmelabs2.com")
    n_p, n_m, n_s = len(_DOMAIN_PREFIXES), len(_DOMAIN_MIDDLES), len(_DOMAIN_SUFFIXES)
    n_stems = n_p * n_m * n_s
    if n_accounts <= n_stems:
        stem_idx = rng.choice(n_stems, size=n_accounts, replace=False)
    else:
        stem_idx = rng.integers(n_stems, size=n_accounts)
    prefix = np.asarray(_DOMAIN_PREFIXES)[stem_idx // (n_m * n_s)]
    middle = np.asarray(_DOMAIN_MIDDLES)[(stem_idx // n_s) % n_m]
    suffix = np.asarray(_DOMAIN_SUFFIXES)[stem_idx % n_s]
    tld = rng.choice(list(_TLDS), size=n_accounts, p=_probs(_TLDS))
    stem = pd.Series(prefix, dtype=object) + pd.Series(middle, dtype=object) + pd.Series(suffix, dtype=object)
    acc_domain = stem + pd.Series(tld, dtype=object)
    rank = acc_domain.groupby(acc_domain, sort=False).cumcount().to_numpy()
    acc_domain = acc_domain.where(rank == 0, stem + (rank + 1).astype(str) + pd.Series(tld))
    acc_domain = acc_domain.to_numpy(dtype=object)

    acc_industry = rng.choice(list(_INDUSTRIES), size=n_accounts, p=_probs({k: v[0] for k, v in _INDUSTRIES.items()}))
    acc_employees = np.clip(
        np.rint(np.exp(rng.normal(_EMPLOYEES_LOG_MEAN, _EMPLOYEES_LOG_SD, size=n_accounts))), 1, 50_000
    ).astype(np.int64)

    domain = acc_domain[account]
    industry = acc_industry[account]
    employees = acc_employees[account]

    # --- people ---
    groups = list(_SENIORITY)
    job_title, group_idx = _draw_grouped(rng, [_SENIORITY[g][0] for g in groups], [_SENIORITY[g][2] for g in groups], n)
    seniority = np.asarray(groups, dtype=object)[group_idx]

    first = np.asarray(_FIRST_NAMES, dtype=object)[rng.integers(len(_FIRST_NAMES), size=n)]
    last = np.asarray(_LAST_NAMES, dtype=object)[rng.integers(len(_LAST_NAMES), size=n)]

    # e-mail type: students and very small companies use free providers more
    is_student = seniority == "Student/Intern/Job seeker"
    is_tiny = employees <= _EMPLOYEE_BANDS[0][0]
    p_free = np.where(is_student, 0.60, np.where(is_tiny, 0.40, 0.17))
    p_disp = np.where(is_student, 0.10, np.where(is_tiny, 0.05, 0.03))
    u = rng.random(n)
    email_type = np.where(u < p_disp, "disposable", np.where(u < p_disp + p_free, "free", "corporate")).astype(object)
    free_provider = rng.choice(list(_FREE_PROVIDERS), size=n, p=_probs(_FREE_PROVIDERS))
    disp_provider = rng.choice(list(_DISPOSABLE_PROVIDERS), size=n, p=_probs(_DISPOSABLE_PROVIDERS))
    digits = rng.integers(1, 10_000, size=n).astype(str)
    letters = np.asarray(list("abcdefghijklmnopqrstuvwxyz0123456789"), dtype="<U1")
    chars = np.ascontiguousarray(letters[rng.integers(len(letters), size=(n, 10))])
    junk = chars.view("<U10").ravel().astype(object)  # 10 random characters per lead
    f, la = pd.Series(first, dtype=object), pd.Series(last, dtype=object)
    corporate_email = f + "." + la + "@" + pd.Series(domain, dtype=object)
    free_email = f + "." + la + pd.Series(digits, dtype=object) + "@" + pd.Series(free_provider, dtype=object)
    disp_email = pd.Series(junk, dtype=object) + "@" + pd.Series(disp_provider, dtype=object)
    email = corporate_email.where(email_type == "corporate", free_email.where(email_type == "free", disp_email))
    email = _dedupe_before_at(email).to_numpy(dtype=object)

    blank_domain = (email_type != "corporate") & (rng.random(n) < _DOMAIN_BLANK_IF_FREE)
    company_domain = np.where(blank_domain, None, domain).astype(object)

    lead_source = rng.choice(list(_LEAD_SOURCES), size=n, p=_probs({k: v[0] for k, v in _LEAD_SOURCES.items()}))

    # --- behaviour, driven by latent intent ---
    intent = rng.standard_normal(n)
    requested_demo = rng.random(n) < _expit(-3.35 + 1.0 * intent)
    pricing = rng.poisson(np.exp(-1.4 + 0.8 * intent))
    clicks = rng.poisson(np.exp(-0.2 + 0.2 * intent))
    careers = rng.poisson(np.where(is_student, 1.2, 0.06))
    unsubscribed = rng.random(n) < _expit(-3.9 - 0.5 * intent)
    inactivity = np.minimum(np.floor(rng.exponential(np.exp(3.7 - 0.5 * intent))), _ACTIVITY_CAP).astype(np.int64)

    # --- null attributes: independent of everything ---
    country = rng.choice(list(_COUNTRIES), size=n, p=_probs(_COUNTRIES)).astype(object)
    opens = rng.poisson(rng.gamma(_OPENS_SHAPE, _OPENS_MEAN / _OPENS_SHAPE, size=n))
    webinar = rng.random(n) < _WEBINAR_RATE

    # --- outcome ---
    industry_coef = pd.Series({k: v[1] for k, v in _INDUSTRIES.items()})[industry].to_numpy()
    emp_edges = np.asarray([b[0] for b in _EMPLOYEE_BANDS])
    emp_band = np.searchsorted(emp_edges, employees, side="left")
    emp_coef = np.asarray([b[2] for b in _EMPLOYEE_BANDS])[emp_band]
    sen_coef = np.asarray([_SENIORITY[g][1] for g in groups])[group_idx]
    src_coef = pd.Series({k: v[1] for k, v in _LEAD_SOURCES.items()})[lead_source].to_numpy()
    mail_coef = pd.Series(_EMAIL_TYPES)[email_type].to_numpy()
    act_edges = np.asarray([b[0] for b in _ACTIVITY_BANDS])
    act_band = np.searchsorted(act_edges, inactivity, side="left")
    act_coef = np.asarray([b[2] for b in _ACTIVITY_BANDS])[act_band]
    logit = (
        _INTERCEPT
        + _INTENT_COEF * intent
        + _DEMO_COEF * requested_demo
        + _PRICING_COEF * np.minimum(pricing, _PRICING_CAP)
        + _CLICKS_COEF * np.minimum(clicks, _CLICKS_CAP)
        + _CAREERS_COEF * np.minimum(careers, _CAREERS_CAP)
        + _UNSUB_COEF * unsubscribed
        + act_coef
        + industry_coef
        + emp_coef
        + sen_coef
        + src_coef
        + mail_coef
    )
    u_outcome = rng.random(n)  # drawn here whatever the drift, so the stream stays aligned

    # --- dates and stage (stage depends on created_date only) ---
    days = pd.date_range(start, end, freq="D")
    weights = np.where(days.day_of_week >= 5, 0.3, 1.0) * np.linspace(0.85, 1.15, len(days))
    created = days[rng.choice(len(days), size=n, p=weights / weights.sum())]
    age = (end - created).days.to_numpy()
    p_open = _OPEN_FLOOR + _OPEN_PEAK * np.exp(-age / _OPEN_DECAY_DAYS)
    is_open = rng.random(n) < p_open

    # --- drift: leads created on or after drift_start get changed coefficients ---
    if drift and drift_start is not None:
        level_of = {
            "industry": industry,
            "lead_source": lead_source,
            "job_title": seniority,
            "employees": np.asarray(DRIFT_LEVELS["employees"], dtype=object)[emp_band],
            "email": email_type + " provider",
            "days_since_last_activity": np.asarray(DRIFT_LEVELS["days_since_last_activity"], dtype=object)[act_band],
            "requested_demo": np.where(requested_demo, "Yes", "No"),
            "unsubscribed": np.where(unsubscribed, "Yes", "No"),
        }
        shift = np.zeros(n)
        for attribute, changes in drift.items():
            for level, amount in changes.items():
                shift[level_of[attribute] == level] += amount
        logit = logit + np.where(np.asarray(created >= drift_start), shift, 0.0)
    p_customer = _expit(logit)
    outcome = (u_outcome < p_customer).astype(np.int64)
    stage = np.where(is_open, "Open", np.where(outcome == 1, "Closed Won", "Closed Lost")).astype(object)

    # --- missing completely at random, after the outcome ---
    masks = {col: rng.random(n) < rate for col, rate in _MISSING_RATES.items()}

    yes_no = np.asarray(["No", "Yes"], dtype=object)
    emp_out = employees.astype(float)
    emp_out[masks["employees"]] = np.nan
    leads = pd.DataFrame(
        {
            "created_date": created.strftime("%Y-%m-%d"),
            "email": email,
            "company_domain": company_domain,
            "job_title": np.where(masks["job_title"], None, job_title),
            "industry": np.where(masks["industry"], None, industry),
            "country": np.where(masks["country"], None, country),
            "employees": emp_out,
            "lead_source": lead_source,
            "pricing_page_visits": pricing.astype(np.int64),
            "requested_demo": yes_no[requested_demo.astype(int)],
            "email_opens": opens.astype(np.int64),
            "email_clicks": clicks.astype(np.int64),
            "webinar_attended": yes_no[webinar.astype(int)],
            "careers_page_visits": careers.astype(np.int64),
            "unsubscribed": yes_no[unsubscribed.astype(int)],
            "days_since_last_activity": inactivity,
            "stage": stage,
        }
    )
    truth = pd.DataFrame(
        {
            "intent": intent,
            "logit": logit,
            "p_customer": p_customer,
            "outcome": outcome,
            "decided": ~is_open,
            "seniority": seniority,
            "email_type": email_type,
            "employees_band": np.asarray([b[1] for b in _EMPLOYEE_BANDS], dtype=object)[emp_band],
            "activity_band": np.asarray([b[1] for b in _ACTIVITY_BANDS], dtype=object)[act_band],
        }
    )

    # rows in creation order, lead ids assigned in that order (as a CRM does)
    order = np.argsort(created.to_numpy(), kind="stable")
    leads = leads.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    width = max(6, len(str(n)))
    leads.insert(0, "lead_id", "L" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width))
    return leads[list(COLUMNS)], truth


def _messify(leads: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Add placeholders and case/space variants; the values' meaning is unchanged."""
    rng = np.random.default_rng([seed, 0x6D657373])  # independent of the main stream
    out = leads.copy()
    n = len(out)
    emp = out["employees"]
    emp_str = pd.Series(
        np.where(emp.isna(), "", emp.fillna(0).astype(np.int64).astype(str)), index=out.index, dtype="str"
    )
    out["employees"] = emp_str.where(emp.notna(), None)

    for col in ("company_domain", "job_title", "industry", "country", "employees"):
        # "Select" is what an untouched drop-down leaves; free-text fields never hold it
        weights = np.asarray(_PLACEHOLDER_WEIGHTS)
        if col not in _DROPDOWN_COLUMNS:
            weights = np.where(np.asarray(PLACEHOLDERS) == "Select", 0.0, weights)
        fill = rng.choice(np.asarray(PLACEHOLDERS, dtype=object), size=n, p=weights / weights.sum())
        out[col] = out[col].astype(object).where(out[col].notna(), fill).astype("str")

    kinds = np.asarray(["lower", "upper", "pad", "trail"])
    variant_cols = {
        "job_title": _VARIANT_SHARE,
        "industry": _VARIANT_SHARE,
        "country": _VARIANT_SHARE,
        "lead_source": _VARIANT_SHARE,
        "requested_demo": _VARIANT_SHARE,
        "webinar_attended": _VARIANT_SHARE,
        "unsubscribed": _VARIANT_SHARE,
        "stage": _STAGE_VARIANT_SHARE,
    }
    for col, share in variant_cols.items():
        pick = (rng.random(n) < share) & leads[col].notna().to_numpy()
        kind = kinds[rng.integers(len(kinds), size=n)]
        s = out[col]
        s = s.mask(pick & (kind == "lower"), s.str.lower())
        s = s.mask(pick & (kind == "upper"), s.str.upper())
        s = s.mask(pick & (kind == "pad"), " " + s + " ")
        s = s.mask(pick & (kind == "trail"), s + " ")
        out[col] = s
    return out


@overload
def make_leads(
    n_leads: int = ...,
    *,
    seed: int = ...,
    start: str = ...,
    end: str = ...,
    messy: bool = ...,
    return_truth: Literal[False] = ...,
    drift: Mapping[str, Mapping[str, float]] | None = ...,
    drift_start: str | None = ...,
) -> pd.DataFrame: ...
@overload
def make_leads(
    n_leads: int = ...,
    *,
    seed: int = ...,
    start: str = ...,
    end: str = ...,
    messy: bool = ...,
    return_truth: Literal[True],
    drift: Mapping[str, Mapping[str, float]] | None = ...,
    drift_start: str | None = ...,
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def make_leads(
    n_leads: int = 20_000,
    *,
    seed: int = 0,
    start: str = "2025-01-01",
    end: str = "2025-12-31",
    messy: bool = True,
    return_truth: bool = False,
    drift: Mapping[str, Mapping[str, float]] | None = None,
    drift_start: str | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a synthetic CRM export of B2B leads from the documented model.

    Parameters
    ----------
    n_leads : int, default 20_000
        Number of leads (rows).
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same
        frame, byte for byte.
    start, end : str, default "2025-01-01", "2025-12-31"
        ISO dates; ``created_date`` falls within ``start..end`` (inclusive),
        and leads created shortly before ``end`` are mostly still "Open".
    messy : bool, default True
        Add placeholders in blank cells ("N/A", "-", "Select", "unknown", "")
        and case/space variants of labels, as real exports have.  The truth
        is the same either way.  With ``messy=False`` values are clean and
        missing values are NaN (``employees`` is float64 then; with
        ``messy=True`` it holds strings, like the CSV).
    return_truth : bool, default False
        Also return the ground truth.
    drift : mapping, optional
        A change of the model over time, ``{attribute: {level: amount}}``:
        for leads created on or after ``drift_start``, ``amount`` is added to
        the log-odds coefficient of ``attribute`` = ``level`` (e.g.
        ``{"industry": {"Software": -1.2}}``, see :data:`DRIFT_EXAMPLE`, or
        ``{"lead_source": {"Paid Social": +1.0}}``).  The attributes and
        levels that can drift are :data:`DRIFT_LEVELS`: ``industry``,
        ``lead_source``, ``job_title`` (its seniority groups, e.g. "VP"),
        ``employees`` and ``days_since_last_activity`` (their bands, e.g.
        "1-9"), ``email`` ("corporate provider", "free provider",
        "disposable provider"), ``requested_demo`` and ``unsubscribed``
        ("Yes", "No"), with the labels of :func:`true_effects`.  Levels are
        matched on the true (unmasked) values, so a lead whose industry is
        masked drifts too.  Drift draws no random numbers: with the same
        seed, every column but ``stage`` (Closed Won/Lost of drifted leads)
        is the same as without it, Open leads included, and so are the truth
        columns but ``logit``, ``p_customer`` and ``outcome``.
        :func:`true_effects` keeps the coefficients before the drift.
    drift_start : str, optional
        ISO date in ``start..end`` from which (inclusive) the drift applies;
        default the midpoint, ``start`` + half the days of the period rounded
        down (2025-07-02 for the default period).  Ignored without ``drift``.

    Returns
    -------
    leads : pandas.DataFrame
        Columns :data:`COLUMNS`, index ``0..n_leads-1``, rows in creation
        order (``lead_id`` "L000001", ... follows that order).
    truth : pandas.DataFrame
        Only with ``return_truth=True``; same index as ``leads``.  Columns
        ``intent`` (latent buying intent), ``logit``, ``p_customer`` (true
        probability of becoming a customer), ``outcome`` (the drawn outcome,
        also for Open leads), ``decided`` (stage is not Open), ``seniority``
        (job-title group), ``email_type`` (corporate / free / disposable),
        ``employees_band`` and ``activity_band`` (from the unmasked values).

    Raises
    ------
    ValueError
        If ``n_leads`` < 1, ``end`` is before ``start``, ``drift`` names an
        attribute or level not in :data:`DRIFT_LEVELS` (the message lists the
        valid ones) or a non-finite amount, or ``drift_start`` is outside
        ``start..end``.
    TypeError
        If ``drift`` or one of its values is not a mapping.

    See Also
    --------
    true_effects : the coefficients of the generating model.
    load_sample_leads : the shipped 20,000-lead sample.

    Examples
    --------
    >>> from calibrate.datasets import make_leads
    >>> leads, truth = make_leads(2_000, seed=7, return_truth=True)
    >>> list(leads.columns[:4])
    ['lead_id', 'created_date', 'email', 'company_domain']
    >>> leads["lead_id"].iloc[0]
    'L000001'
    >>> sorted(leads["stage"].str.strip().str.title().unique())
    ['Closed Lost', 'Closed Won', 'Open']
    >>> bool(truth["p_customer"].between(0, 1).all())
    True

    Software closes less often from July (same seed, same leads):

    >>> drifted, t_drift = make_leads(2_000, seed=7, return_truth=True, drift={"industry": {"Software": -1.2}})
    >>> drifted["lead_id"].equals(leads["lead_id"]) and drifted["industry"].equals(leads["industry"])
    True
    >>> late = (drifted["created_date"] >= "2025-07-02") & (drifted["industry"] == "Software")
    >>> bool(((t_drift["logit"] - truth["logit"])[late] + 1.2).abs().max() < 1e-12)
    True
    """
    n = int(n_leads)
    if n < 1:
        raise ValueError(f"n_leads must be at least 1, got {n_leads!r}")
    t0, t1 = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if t1 < t0:
        raise ValueError(f"end ({end}) is before start ({start})")
    checked = _check_drift(drift) if drift is not None else None
    if drift_start is None:
        t_drift = t0 + pd.Timedelta(days=(t1 - t0).days // 2)
    else:
        t_drift = pd.Timestamp(drift_start).normalize()
        if not t0 <= t_drift <= t1:
            raise ValueError(f"drift_start ({drift_start}) is outside start..end ({t0.date()}..{t1.date()})")
    leads, truth = _generate(n, int(seed), t0, t1, checked, t_drift)
    if messy:
        leads = _messify(leads, int(seed))
    return (leads, truth) if return_truth else leads


def true_effects() -> pd.DataFrame:
    """Return the coefficients of the generating model as a tidy table.

    Returns
    -------
    pandas.DataFrame
        One row per term of ``logit(p_customer)``: columns ``attribute``,
        ``level`` (the canonical label, or a description such as "per visit,
        capped at 5" for numeric terms), ``log_odds`` (the coefficient) and
        ``note``.  Null attributes appear with ``log_odds`` 0.  Coefficients
        are conditional on the latent intent and on the other terms; the
        reference level of each categorical attribute has 0.

    Examples
    --------
    >>> from calibrate.datasets import true_effects
    >>> eff = true_effects()
    >>> list(eff.columns)
    ['attribute', 'level', 'log_odds', 'note']
    >>> float(eff.query("attribute == 'requested_demo' and level == 'Yes'")["log_odds"].iloc[0])
    1.1
    >>> bool((eff.loc[eff["attribute"] == "country", "log_odds"] == 0).all())
    True
    """
    rows: list[tuple[str, str, float, str]] = [
        ("(intercept)", "baseline", _INTERCEPT, "all terms at their reference level, average intent"),
        ("buying_intent", "per standard deviation", _INTENT_COEF,
         "latent, unobserved; also drives demo requests, pricing visits, clicks, recency, unsubscribes"),
        ("requested_demo", "Yes", _DEMO_COEF, "reference: No; marginal lift about 3-4x (intent adds to it)"),
        ("requested_demo", "No", 0.0, "reference"),
        ("pricing_page_visits", f"per visit, capped at {_PRICING_CAP}", _PRICING_COEF, "mostly 0; driven by intent"),
        ("email_clicks", f"per click, capped at {_CLICKS_CAP}", _CLICKS_COEF, "weak; driven by intent"),
        ("careers_page_visits", f"per visit, capped at {_CAREERS_CAP}", _CAREERS_COEF,
         "mostly 0; students, interns and job seekers visit most"),
        ("unsubscribed", "Yes", _UNSUB_COEF, "reference: No; low intent unsubscribes more"),
        ("unsubscribed", "No", 0.0, "reference"),
    ]  # fmt: skip
    for _, label, coef in _ACTIVITY_BANDS:
        rows.append(("days_since_last_activity", label, coef,
                     "reference" if coef == 0 else f"capped at {_ACTIVITY_CAP}; low intent is inactive longer"))  # fmt: skip
    for level, (share, coef) in _INDUSTRIES.items():
        note = f"{_pct(share)} of accounts" + ("; rare" if share < 0.0015 else "")
        rows.append(("industry", level, coef, note))
    rows.append(("industry", "(missing)", 0.0, f"{_MISSING_RATES['industry']:.0%} masked at random after the outcome"))
    for upper, label, coef in _EMPLOYEE_BANDS:
        rows.append(("employees", label, coef, "account size band" + ("; reference" if coef == 0 else "")))
    rows.append(("employees", "(missing)", 0.0, f"{_MISSING_RATES['employees']:.0%} masked at random after the outcome"))
    for group, (share, coef, titles) in _SENIORITY.items():
        rows.append(("job_title", group, coef, f"{_pct(share)} of leads; titles: " + ", ".join(titles)))
    rows.append(("job_title", "(missing)", 0.0, f"{_MISSING_RATES['job_title']:.0%} masked at random after the outcome"))
    for level, (share, coef) in _LEAD_SOURCES.items():
        note = f"{_pct(share)} of leads" + ("; rare" if share < 0.0015 else "")
        rows.append(("lead_source", level, coef, note))
    notes = {
        "corporate": "first.last@company_domain; reference",
        "free": "gmail.com, yahoo.com, outlook.com, hotmail.com",
        "disposable": "mailinator.com, guerrillamail.com, yopmail.com, 10minutemail.com",
    }
    for level, coef in _EMAIL_TYPES.items():
        rows.append(("email", f"{level} provider", coef, notes[level]))
    for level in _COUNTRIES:
        rows.append(("country", level, 0.0, "null: drawn independently of everything"))
    rows.append(("email_opens", "any count", 0.0, "null: negative binomial, mean 4, drawn independently"))
    rows.append(("webinar_attended", "Yes", 0.0, f"null: {_WEBINAR_RATE:.0%} Yes, drawn independently"))
    rows.append(("webinar_attended", "No", 0.0, "null"))
    return pd.DataFrame(rows, columns=["attribute", "level", "log_odds", "note"]).astype(
        {"attribute": "str", "level": "str", "log_odds": "float64", "note": "str"}
    )


def _to_csv_text(leads: pd.DataFrame) -> str:
    return leads.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _read_raw(source: str | Path | io.StringIO) -> pd.DataFrame:
    return pd.read_csv(source, dtype=str, keep_default_na=False)


def write_sample(
    path: str | Path = SAMPLE_PATH, *, seed: int = SAMPLE_SEED, n_leads: int = SAMPLE_N_LEADS
) -> Path:
    """Write the sample CSV deterministically (byte-identical for the same seed).

    Parameters
    ----------
    path : str or Path, default SAMPLE_PATH
        Destination; parent directories are created.
    seed : int, default SAMPLE_SEED
        Seed passed to :func:`make_leads`.
    n_leads : int, default SAMPLE_N_LEADS
        Number of leads.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from calibrate.datasets import write_sample
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_sample(pathlib.Path(tmp) / "leads.csv", seed=1, n_leads=100)
    ...     print(p.read_text().splitlines()[0][:24])
    lead_id,created_date,ema
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _to_csv_text(make_leads(n_leads, seed=seed, messy=True))
    path.write_bytes(text.encode("utf-8"))
    return path


def load_sample_leads() -> pd.DataFrame:
    """Return the shipped sample of 20,000 messy leads, every value a string.

    Reads ``data/sample_leads.csv`` (:data:`SAMPLE_PATH`) with
    ``pandas.read_csv(path, dtype=str, keep_default_na=False)``, so the raw
    values, placeholders and empty strings included, are exactly what the
    file holds.  If the file is absent (e.g. in an installed package), the
    sample is regenerated with ``make_leads(seed=SAMPLE_SEED)`` and put
    through the same CSV round trip, which gives the same frame (a test
    checks that the shipped file equals the regenerated one byte for byte).

    Returns
    -------
    pandas.DataFrame
        20,000 rows, columns :data:`COLUMNS`, all values strings.

    Examples
    --------
    >>> from calibrate.datasets import load_sample_leads
    >>> leads = load_sample_leads()
    >>> leads.shape
    (20000, 18)
    >>> leads["lead_id"].iloc[0]
    'L000001'
    """
    if SAMPLE_PATH.is_file():
        return _read_raw(SAMPLE_PATH)
    text = _to_csv_text(make_leads(SAMPLE_N_LEADS, seed=SAMPLE_SEED, messy=True))
    return _read_raw(io.StringIO(text))


def main(argv: list[str] | None = None) -> int:
    """Regenerate the sample CSV: ``python -m calibrate.datasets [--output PATH] [--seed N] [--n-leads N]``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from calibrate.datasets import main
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["--output", str(pathlib.Path(tmp) / "s.csv"), "--n-leads", "50"])
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m calibrate.datasets",
        description="Write the synthetic sample of leads (data/sample_leads.csv) from its seed.",
    )
    parser.add_argument("--output", type=Path, default=SAMPLE_PATH, help="CSV to write (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="seed (default: %(default)s)")
    parser.add_argument("--n-leads", type=int, default=SAMPLE_N_LEADS, help="number of leads (default: %(default)s)")
    args = parser.parse_args(argv)
    path = write_sample(args.output, seed=args.seed, n_leads=args.n_leads)
    print(f"wrote {args.n_leads} leads (seed {args.seed}) to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
