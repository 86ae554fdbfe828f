"""Thresholds with a meaning, band styles, and fit x engagement grades.

Pure functions, no I/O, vectorised (sorting, cumulative sums and
``numpy.bincount``; no loop over rows).

* **Threshold rules** (:func:`place_threshold`): where "sales-ready" starts,
  as a fixed score, a share of leads, a target close rate, or the capacity of
  the sales team; :func:`rescale_to_threshold` then scales the points so that
  the chosen threshold lands on the configured sales-ready score (100).
* **Band styles** (:func:`make_bands`, :func:`band_table`): heat, letters,
  red/amber/green or yes/no, always with a band boundary at the threshold.
* **Fit x engagement grades** (:func:`infer_group`, :func:`assign_groups`,
  :func:`grade_edges`, :func:`assign_grades`, :func:`grade_matrix`,
  :func:`sla_table`): who the lead is (fit, A-D) against what the lead did
  (engagement, 1-4), with the close rate and a follow-up SLA per cell.

Conventions: a lead is *above* a threshold ``t`` when ``score >= t``; band
``max`` values are exclusive (as in :func:`calibrate.scoring.assign_bands`);
close-rate intervals are Wilson intervals (:func:`calibrate.stats.wilson_interval`).

Examples
--------
>>> import numpy as np
>>> from calibrate.grading import place_threshold, make_bands
>>> score = np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
>>> y = np.array([0, 0, 0, 0, 0, 1, 0, 1, 1, 1])
>>> result = place_threshold(score, y, rule="share", value=0.2)
>>> result["threshold"], result["leads_above"], result["close_rate_above"]
(81, 2, 1.0)
>>> make_bands("rag", 100)
[{'name': 'red', 'max': 50}, {'name': 'amber', 'max': 100}, {'name': 'green'}]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from calibrate.counting import distinct_counts
from calibrate.errors import DataError
from calibrate.validation import as_outcome

__all__ = [
    "THRESHOLD_RULES",
    "BAND_STYLES",
    "GROUPS",
    "DEFAULT_GROUP",
    "FIT_KEYWORDS",
    "ENGAGEMENT_KEYWORDS",
    "FIT_LABELS",
    "ENGAGEMENT_LABELS",
    "DEFAULT_SLA",
    "place_threshold",
    "rescale_to_threshold",
    "make_bands",
    "band_table",
    "infer_group",
    "explain_group",
    "assign_groups",
    "grade_edges",
    "assign_grades",
    "grade_codes",
    "split_grades",
    "grade_matrix",
    "grade_matrix_of_codes",
    "sla_table",
]


def _wilson_interval(customers: np.ndarray, leads: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`calibrate.stats.wilson_interval`, imported on first use: scoring needs no scipy or statsmodels."""
    from calibrate.stats import wilson_interval

    return wilson_interval(customers, leads, confidence)


#: Rules accepted by :func:`place_threshold`.
THRESHOLD_RULES = ("fixed", "share", "target_rate", "capacity")

#: Styles accepted by :func:`make_bands`.
BAND_STYLES = ("heat", "letters", "rag", "yes_no")

#: The two attribute groups.
GROUPS = ("fit", "engagement")

#: Group of a column name no keyword matches (:func:`explain_group` says so).
DEFAULT_GROUP = "fit"

#: Keywords of *who the lead is* (firmographic, demographic, self-declared profile).
#: Matched as whole words of the column name (``_``, spaces, punctuation and
#: camelCase split words); a word also matches in plural or past-tense form
#: (``employees``, ``industries``), and a keyword of several words matches
#: consecutive words.
FIT_KEYWORDS: tuple[str, ...] = (
    # firmographic
    "industry", "sector", "vertical", "company", "organization", "organisation", "account", "employee",
    "headcount", "size", "revenue", "turnover", "domain", "technology", "founded", "funding",
    # where they are
    "country", "city", "region", "location", "territory", "address", "zip", "postcode", "timezone", "language",
    # who they are
    "job", "title", "seniority", "role", "department", "function", "position", "occupation", "profession",
    "specialization", "specialisation", "specialty", "education", "degree", "age", "gender", "income",
    # declared needs and assessed profile
    "persona", "profile", "quality", "budget", "need", "matters most",
)

#: Keywords of *what the lead did*: visits and time on site, content and
#: intent actions (pricing, demo, forms, downloads, webinars), email and call
#: responses and opt-outs, activity and recency, tags set during the sales
#: conversation, and how the lead came in (source, origin, channel, campaign,
#: referral, where they heard of you). A name matching both lists is
#: engagement: a behaviour word is more specific than the noun it qualifies
#: (``company_page_visits``, ``X Education Forums``).
ENGAGEMENT_KEYWORDS: tuple[str, ...] = (
    # on the website
    "visit", "view", "pageview", "page", "session", "time spent", "time on site", "duration", "bounce", "pricing",
    # intent and content
    "demo", "trial", "signup", "sign up", "register", "request", "form", "download", "ebook", "whitepaper",
    "free copy", "webinar", "event", "attend", "meeting", "quote", "cart", "purchase",
    # email, calls and consent
    "open", "click", "reply", "response", "respond", "chat", "call", "newsletter", "subscribe", "unsubscribe",
    "opt out", "optout", "do not",
    # activity and recency
    "activity", "engagement", "engage", "interaction", "touch", "touchpoint", "days since", "recency", "frequency",
    "tag",
    # how they came in
    "source", "origin", "channel", "campaign", "utm", "medium", "referral", "referrer", "recommendation", "hear",
    "search", "newspaper", "article", "magazine", "forum", "advertisement", "ad", "ads", "social", "word of mouth",
)

#: Default fit grade labels, best first.
FIT_LABELS: tuple[str, ...] = ("A", "B", "C", "D")

#: Default engagement grade labels, best first.
ENGAGEMENT_LABELS: tuple[str, ...] = ("1", "2", "3", "4")

#: Default follow-up per grade cell: strong fit *and* strong engagement within
#: a day (A1, B1), good ones within two days (A2, A3, B2, B3), every other
#: cell (weak fit or weak engagement) goes to nurturing campaigns.
DEFAULT_SLA: dict[str, str] = {
    f + e: ("24h" if f + e in ("A1", "B1") else "48h" if f in "AB" and e in "23" else "nurture")
    for f in FIT_LABELS for e in ENGAGEMENT_LABELS
}

_BAND_FRACTIONS: dict[str, tuple[tuple[str, int, int], ...]] = {
    # (band name, numerator, denominator): the band starts at ceil(numerator / denominator * threshold)
    "heat": (("cold", 0, 1), ("warm", 2, 5), ("hot", 1, 1)),
    "letters": (("F", 0, 1), ("E", 1, 5), ("D", 2, 5), ("C", 3, 5), ("B", 4, 5), ("A", 1, 1)),
    "rag": (("red", 0, 1), ("amber", 1, 2), ("green", 1, 1)),
    "yes_no": (("no", 0, 1), ("yes", 1, 1)),
}

#: Smallest threshold giving every band of a style at least one integer score.
_MIN_BAND_THRESHOLD = {"heat": 2, "letters": 5, "rag": 2}


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #

def _scores(score: Any, name: str = "score") -> np.ndarray:
    """Scores as a finite float array (DataError when empty or not finite)."""
    try:
        values = np.asarray(score, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numeric") from None
    if values.ndim != 1:
        raise DataError(f"{name} must be one-dimensional (one score per lead), got shape {values.shape}")
    if len(values) == 0:
        raise DataError(f"{name} is empty; at least one lead is needed")
    if not np.isfinite(values).all():
        raise DataError(f"{name} has {int((~np.isfinite(values)).sum())} missing or infinite value(s); "
                        "score every lead first")
    return values


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _rate(customers: float, leads: float) -> float:
    return customers / leads if leads > 0 else math.nan


# --------------------------------------------------------------------------- #
# threshold rules
# --------------------------------------------------------------------------- #
def place_threshold(score: np.ndarray, y: np.ndarray, *, rule: str, value: float,
                    leads_per_period: float | None = None, min_leads: int = 30,
                    confidence: float = 0.95) -> dict[str, Any]:
    """Place the sales-ready threshold by a rule with a business meaning.

    A lead is *above* an integer threshold ``t`` when ``score >= t``.
    Thresholds are searched among the integers from the lowest score (every
    lead above; rounded down for fractional scores) to one more than the
    highest (no lead above). Integers between two observed scores select the
    same leads; the rules return the *smallest* integer that satisfies them,
    i.e. one more than the highest score left below (``floor`` + 1 for
    fractional scores).

    Parameters
    ----------
    score : numpy.ndarray
        Score of every lead (finite; integers as written by
        :func:`calibrate.scoring.score_leads`, fractions allowed).
    y : numpy.ndarray
        Outcome of every lead: 1 (or True) for a customer, 0 otherwise.
    rule : {"fixed", "share", "target_rate", "capacity"}
        * ``"fixed"``: the threshold is ``value``, an integer score.
        * ``"share"``: the smallest threshold with at most ``value`` (a share
          of leads, e.g. 0.10) of the leads above it.
        * ``"target_rate"``: the smallest threshold whose leads above close at
          ``value`` (e.g. 0.30) or more, with at least ``min_leads`` leads
          above. When no threshold reaches it, the highest threshold that
          keeps ``min_leads`` leads above (all leads when there are fewer) is
          returned with ``reached=False`` and a ``message``; no error.
        * ``"capacity"``: sales can take ``value`` leads per period while
          ``leads_per_period`` leads arrive per period: the ``"share"`` rule
          with ``value / leads_per_period`` (capped at 1).
    value : float
        The rule's parameter (see ``rule``).
    leads_per_period : float, optional
        Incoming leads per period; required by, and only by, ``"capacity"``.
    min_leads : int
        Leads needed above a ``"target_rate"`` threshold for its close rate
        to count.
    confidence : float
        Level of the Wilson interval of the close rate above.

    Returns
    -------
    dict
        ``rule``, ``value``, ``leads_per_period``, ``threshold`` (int),
        ``reached`` (bool), ``message`` (None when reached), ``leads``,
        ``customers``, ``leads_above``, ``customers_above``,
        ``share_of_leads_above``, ``close_rate_above``, ``ci_low_above``,
        ``ci_high_above``, ``share_of_customers_captured`` and
        ``close_rate_below``. Undefined rates (no lead above, no lead below,
        no customer) are NaN.

    Raises
    ------
    ValueError
        Unknown rule, a ``value`` out of range for the rule, or
        ``leads_per_period`` missing (capacity) or given (other rules).
    DataError
        Empty or non-finite scores, or an outcome that is not 0/1.

    Examples
    --------
    >>> import numpy as np
    >>> score = np.array([0, 20, 20, 40, 60, 80, 100, 100])
    >>> y = np.array([0, 0, 0, 0, 1, 0, 1, 1])
    >>> place_threshold(score, y, rule="share", value=0.25)["threshold"]
    81
    >>> r = place_threshold(score, y, rule="target_rate", value=0.7, min_leads=3)
    >>> r["threshold"], r["leads_above"], round(r["close_rate_above"], 2), r["reached"]
    (41, 4, 0.75, True)
    >>> place_threshold(score, y, rule="capacity", value=20, leads_per_period=80)["threshold"]
    81
    """
    if rule not in THRESHOLD_RULES:
        raise ValueError(f"rule must be one of {THRESHOLD_RULES}, got {rule!r}")
    value = _number(value, "value")
    if rule == "capacity":
        if leads_per_period is None:
            raise ValueError("rule='capacity' needs leads_per_period, the number of leads arriving per period "
                             "(value is how many of them sales can take); pass leads_per_period=...")
        leads_per_period = _number(leads_per_period, "leads_per_period")
        if leads_per_period <= 0:
            raise ValueError(f"leads_per_period must be positive, got {leads_per_period}")
        if value <= 0:
            raise ValueError(f"value (leads sales can take per period) must be positive for rule='capacity', got {value}")
    elif leads_per_period is not None:
        raise ValueError(f"leads_per_period is only used by rule='capacity', not rule={rule!r}; drop it")
    if rule == "fixed" and not value.is_integer():
        raise ValueError(f"value must be an integer score for rule='fixed', got {value}; round it")
    if rule == "share" and not 0 <= value <= 1:
        raise ValueError(f"value must be a share of leads between 0 and 1 for rule='share' (0.10 for the top 10 %), "
                         f"got {value}; divide a percentage by 100")
    if rule == "target_rate" and not 0 < value <= 1:
        raise ValueError(f"value must be a close rate in (0, 1] for rule='target_rate' (0.30 for 30 %), got {value}; "
                         "divide a percentage by 100")
    if isinstance(min_leads, bool) or not isinstance(min_leads, (int, np.integer)) or min_leads < 1:
        raise ValueError(f"min_leads must be a positive integer, got {min_leads!r}")

    scores = _scores(score)
    outcome = as_outcome(y, len(scores))
    n, total_customers = len(scores), int(outcome.sum())
    # For an integer t, score >= t exactly when floor(score) >= t.
    floored = np.floor(scores).astype(np.int64)
    distinct, inverse = np.unique(floored, return_inverse=True)
    leads_at = np.bincount(inverse, minlength=len(distinct))
    customers_at = np.bincount(inverse, weights=outcome, minlength=len(distinct)).astype(np.int64)
    # Candidate k: the smallest integer leaving the k lowest distinct values below.
    candidates = np.concatenate([distinct[:1], distinct + 1])
    leads_above = n - np.concatenate([[0], np.cumsum(leads_at)])
    customers_above = total_customers - np.concatenate([[0], np.cumsum(customers_at)])

    reached, message = True, None
    if rule == "fixed":
        threshold = int(value)
    else:
        if rule == "target_rate":
            with np.errstate(invalid="ignore", divide="ignore"):
                rate = customers_above / leads_above
            ok = (leads_above >= min_leads) & (rate >= value)
            if ok.any():
                k = int(np.argmax(ok))
            else:
                reached = False
                k = int(np.flatnonzero(leads_above >= min(min_leads, n))[-1])
                supported = leads_above >= min(min_leads, n)
                best = float(np.nanmax(np.where(supported, rate, np.nan)))
                message = (f"no threshold reaches a close rate of {value:.1%} with at least {min_leads} leads above it "
                           f"(the best with enough leads is {best:.1%}); returned the highest threshold keeping "
                           f"{min(min_leads, n)} leads above; lower the target rate or min_leads")
        else:
            share = value if rule == "share" else min(value / leads_per_period, 1.0)  # type: ignore[operator]
            k = int(np.argmax(leads_above / n <= share))  # the last candidate (no lead above) always qualifies
        threshold = int(candidates[k])

    above = floored >= threshold
    n_above = int(above.sum())
    c_above = int(outcome[above].sum())
    low, high = _wilson_interval(np.array([c_above]), np.array([n_above]), confidence)
    return {
        "rule": rule,
        "value": value,
        "leads_per_period": leads_per_period,
        "threshold": threshold,
        "reached": reached,
        "message": message,
        "leads": n,
        "customers": total_customers,
        "leads_above": n_above,
        "customers_above": c_above,
        "share_of_leads_above": n_above / n,
        "close_rate_above": _rate(c_above, n_above),
        "ci_low_above": float(low[0]),
        "ci_high_above": float(high[0]),
        "share_of_customers_captured": _rate(c_above, total_customers),
        "close_rate_below": _rate(total_customers - c_above, n - n_above),
    }


def rescale_to_threshold(points_per_level: Mapping[str, np.ndarray], base: float, threshold_raw: float,
                         target: int = 100) -> tuple[dict[str, np.ndarray], float, float]:
    """Scale points so that the rule's threshold becomes the sales-ready score.

    Every attribute's points and the base points are multiplied by
    ``factor = target / threshold_raw``, so a lead's score is multiplied by
    it too and ``raw >= threshold_raw`` exactly when ``scaled >= target``.
    This keeps "100 = sales-ready" true whatever threshold rule the user
    picks: the rule decides *which* leads are sales-ready, the scale puts
    them at 100 and above. When ``threshold_raw <= 0`` no positive factor can
    do that; the points are left as they are (factor 1.0) and the base is
    shifted by ``target - threshold_raw`` instead, with the same effect.

    Parameters
    ----------
    points_per_level : mapping of str to numpy.ndarray
        Raw points of each attribute's levels (not modified).
    base : float
        Raw base points added to every lead.
    threshold_raw : float
        The threshold on the raw scale (e.g. ``place_threshold(...)["threshold"]``).
    target : int
        The configured sales-ready score.

    Returns
    -------
    points : dict of str to numpy.ndarray
        New float points per level, same keys.
    base : float
        New base points.
    factor : float
        The multiplier applied (1.0 for a shift).

    Notes
    -----
    Rounding to integer points is the caller's job. Rounded points can move
    a lead lying right at the boundary (and ``t * (100 / t)`` need not be
    exactly 100 in floating point): re-check the leads above after rounding.

    Examples
    --------
    >>> import numpy as np
    >>> points, base, factor = rescale_to_threshold({"demo": np.array([0, 40]), "visits": np.array([5, 10])}, 0, 50)
    >>> points["demo"].tolist(), base, factor
    ([0.0, 80.0], 0.0, 2.0)
    """
    threshold_raw = _number(threshold_raw, "threshold_raw")
    base = _number(base, "base")
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)) or target <= 0:
        raise ValueError(f"target must be a positive integer score (the sales-ready score, e.g. 100), got {target!r}")
    if threshold_raw > 0:
        factor = target / threshold_raw
        new_base = base * factor
    else:
        factor = 1.0
        new_base = base + (target - threshold_raw)
    points = {name: np.asarray(values, dtype=float) * factor for name, values in points_per_level.items()}
    return points, float(new_base), float(factor)


# --------------------------------------------------------------------------- #
# bands
# --------------------------------------------------------------------------- #
def make_bands(style: str, threshold: int) -> list[dict[str, Any]]:
    """Bands of a style, with a band boundary at the threshold.

    Bands are ascending, ``max`` exclusive, the last band without ``max``
    (the convention of :func:`calibrate.scoring.assign_bands`). The top band
    starts at the threshold, so a score equal to the threshold is in it. A
    band said to start at ``f * threshold`` starts at ``ceil(f * threshold)``:
    for integer scores, exactly the scores ``>= f * threshold``.

    * ``"heat"``: cold < 0.4 t <= warm < t <= hot.
    * ``"letters"``: F < 0.2 t <= E < 0.4 t <= D < 0.6 t <= C < 0.8 t <= B < t <= A.
    * ``"rag"``: red < 0.5 t <= amber < t <= green.
    * ``"yes_no"``: no < t <= yes.

    Raises
    ------
    ValueError
        Unknown style, a non-integer threshold, or a threshold too small for
        every band to hold an integer score (heat and rag need 2, letters 5).

    Examples
    --------
    >>> make_bands("heat", 100)
    [{'name': 'cold', 'max': 40}, {'name': 'warm', 'max': 100}, {'name': 'hot'}]
    >>> [b.get("max") for b in make_bands("letters", 100)]
    [20, 40, 60, 80, 100, None]
    >>> make_bands("yes_no", 75)
    [{'name': 'no', 'max': 75}, {'name': 'yes'}]
    """
    if style not in _BAND_FRACTIONS:
        raise ValueError(f"style must be one of {BAND_STYLES}, got {style!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)):
        raise ValueError(f"threshold must be an integer score, got {threshold!r}")
    threshold = int(threshold)
    spec = _BAND_FRACTIONS[style]
    starts = [-((-num * threshold) // den) for _, num, den in spec[1:]]  # exact integer ceil
    if any(b <= a for a, b in zip(starts, starts[1:])):
        raise ValueError(f"threshold={threshold} is too small for band style {style!r}: its bands would not each "
                         f"hold an integer score; use a threshold of at least {_MIN_BAND_THRESHOLD[style]} (e.g. 100) "
                         "or style='yes_no'")
    bands: list[dict[str, Any]] = [{"name": name, "max": start} for (name, _, _), start in zip(spec[:-1], starts)]
    bands.append({"name": spec[-1][0]})
    return bands


def _check_bands(bands: Sequence[Mapping[str, Any]]) -> np.ndarray:
    if not isinstance(bands, Sequence) or len(bands) == 0:
        raise ValueError("bands must be a non-empty list of {'name': ..., 'max': ...} with no 'max' on the last band")
    if any(not isinstance(b, Mapping) or "name" not in b for b in bands):
        raise ValueError("every band needs a 'name'; bands look like [{'name': 'cold', 'max': 40}, {'name': 'hot'}]")
    if any("max" not in b for b in bands[:-1]) or bands[-1].get("max") is not None:
        raise ValueError("bands: every band but the last needs a 'max' (exclusive) and the last must have none")
    bounds = np.asarray([b["max"] for b in bands[:-1]], dtype=float)
    if (np.diff(bounds) <= 0).any():
        raise ValueError(f"bands: 'max' values must increase, got {bounds.tolist()}")
    return bounds


def band_table(y: np.ndarray, score: np.ndarray, bands: Sequence[Mapping[str, Any]], *,
               confidence: float = 0.95) -> pd.DataFrame:
    """Leads, customers and close rate of every band.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome (0/1) of every lead.
    score : numpy.ndarray
        Score of every lead.
    bands : list of dict
        Ascending bands, ``max`` exclusive, the last without ``max``.
    confidence : float
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per band, in the bands' order: ``band``, ``score_min``
        (inclusive: the previous band's ``max``; missing for the first band),
        ``score_max`` (exclusive: the band's ``max``; missing for the last),
        ``leads``, ``share_of_leads``, ``customers``, ``close_rate``,
        ``ci_low``, ``ci_high`` (NaN for an empty band).

    Examples
    --------
    >>> import numpy as np
    >>> t = band_table(np.array([0, 0, 1, 1]), np.array([10, 50, 100, 120]), make_bands("heat", 100))
    >>> t[["band", "leads", "customers", "close_rate"]].to_dict("list")
    {'band': ['cold', 'warm', 'hot'], 'leads': [1, 1, 2], 'customers': [0, 0, 2], 'close_rate': [0.0, 0.0, 1.0]}
    """
    bounds = _check_bands(bands)
    scores = _scores(score)
    outcome = as_outcome(y, len(scores))
    index = np.searchsorted(bounds, scores, side="right")
    leads = np.bincount(index, minlength=len(bands))
    customers = np.bincount(index, weights=outcome, minlength=len(bands)).astype(np.int64)
    low, high = _wilson_interval(customers, leads, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(leads > 0, customers / np.maximum(leads, 1), np.nan)
    maxima = [b.get("max") for b in bands]
    return pd.DataFrame({
        "band": pd.Series([str(b["name"]) for b in bands], dtype=object),
        "score_min": pd.array([None] + maxima[:-1], dtype="Int64"),
        "score_max": pd.array(maxima, dtype="Int64"),
        "leads": leads.astype(np.int64),
        "share_of_leads": leads / len(scores),
        "customers": customers,
        "close_rate": rate,
        "ci_low": low,
        "ci_high": high,
    })


# --------------------------------------------------------------------------- #
# fit vs engagement
# --------------------------------------------------------------------------- #
def _words(name: str) -> list[str]:
    """Lower-cased words of a column name (``_``, spaces, punctuation, camelCase)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    return [w for w in re.split(r"[\W_]+", text.casefold()) if w]


def _forms(word: str) -> set[str]:
    """A word and its singular / present forms (visits -> visit, industries -> industry, opened -> open)."""
    forms = {word}
    if len(word) > 3:
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
        if word.endswith("s") and not word.endswith("ss"):
            forms.add(word[:-1])
        if word.endswith("ed"):
            forms.update({word[:-2], word[:-1]})
    return forms


def _match(words: list[str], keywords: Sequence[str]) -> str | None:
    forms = [_forms(w) for w in words]
    for keyword in keywords:
        parts = keyword.split()
        for i in range(len(words) - len(parts) + 1):
            if all(part in forms[i + j] for j, part in enumerate(parts)):
                return keyword
    return None


def explain_group(name: str) -> tuple[str, str]:
    """Group of a column name and why: the keyword matched, or that none did.

    Examples
    --------
    >>> explain_group("TotalVisits")
    ('engagement', "keyword 'visit'")
    >>> explain_group("lead_id")
    ('fit', 'default: no keyword matched')
    """
    words = _words(name)
    keyword = _match(words, ENGAGEMENT_KEYWORDS)
    if keyword is not None:
        return "engagement", f"keyword {keyword!r}"
    keyword = _match(words, FIT_KEYWORDS)
    if keyword is not None:
        return "fit", f"keyword {keyword!r}"
    return DEFAULT_GROUP, "default: no keyword matched"


def infer_group(name: str) -> str:
    """``"fit"`` (who the lead is) or ``"engagement"`` (what the lead did) from a column name.

    The name is split into lower-cased words (``_``, spaces, punctuation and
    camelCase boundaries) and matched against :data:`ENGAGEMENT_KEYWORDS`
    first, then :data:`FIT_KEYWORDS`, as whole words. How the lead came in
    (source, origin, channel, campaign, referral) counts as engagement. A
    name no keyword matches is ``"fit"`` (:data:`DEFAULT_GROUP`);
    :func:`explain_group` tells which keyword decided, so a report can show
    the names that were defaulted. Override with :func:`assign_groups`.

    Examples
    --------
    >>> [infer_group(n) for n in ["job_title", "pricing_page_visits", "Lead Source", "EmployeeCount"]]
    ['fit', 'engagement', 'engagement', 'fit']
    """
    return explain_group(name)[0]


def assign_groups(names: Iterable[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Group of every column: inferred by :func:`infer_group`, or overridden.

    Parameters
    ----------
    names : iterable of str
        Column names.
    overrides : mapping of str to str, optional
        ``{column: "fit" | "engagement"}`` (case-insensitive) for the columns
        the inference gets wrong.

    Returns
    -------
    dict
        ``{name: group}`` in the order of ``names``.

    Raises
    ------
    ValueError
        An override names a column not in ``names`` or a group other than
        fit / engagement.

    Examples
    --------
    >>> assign_groups(["industry", "lead_source"], {"lead_source": "fit"})
    {'industry': 'fit', 'lead_source': 'fit'}
    """
    names = list(names)
    groups = {name: infer_group(str(name)) for name in names}
    for column, group in (overrides or {}).items():
        if column not in groups:
            raise ValueError(f"group override names column {column!r}, which is not among the columns "
                             f"{names[:10]}{' ...' if len(names) > 10 else ''}; fix the name or drop the override")
        normalised = group.strip().lower() if isinstance(group, str) else group
        if normalised not in GROUPS:
            raise ValueError(f"group override for column {column!r} must be 'fit' or 'engagement', got {group!r}")
        groups[column] = normalised
    return groups


# --------------------------------------------------------------------------- #
# grades
# --------------------------------------------------------------------------- #
def grade_edges(scores: np.ndarray, n_grades: int = 4) -> list[float]:
    """Interior grade edges at the quantiles of the scores.

    Edge ``k`` (``k = 1 .. n_grades - 1``) is the observed score whose count
    of leads strictly below it is closest to ``k / n_grades`` of the leads
    (the lower one on a tie), so grades are as balanced as ties allow and
    each edge is an observed (for integer scores, integer) score. Edges are
    distinct and above the lowest score, so every grade holds at least one
    lead: scores with few distinct values (or heavy ties) give fewer edges,
    i.e. fewer grades than ``n_grades`` (one distinct value: no edge, one
    grade). Grades are left-closed: ``[edge_k, edge_k+1)``.

    Raises
    ------
    ValueError
        ``n_grades`` is not a positive integer.
    DataError
        Empty or non-finite scores.

    Examples
    --------
    >>> import numpy as np
    >>> grade_edges(np.arange(100))
    [25.0, 50.0, 75.0]
    >>> grade_edges(np.array([0, 0, 0, 5, 5, 5, 5, 5]))
    [5.0]
    """
    if isinstance(n_grades, bool) or not isinstance(n_grades, (int, np.integer)) or n_grades < 1:
        raise ValueError(f"n_grades must be a positive integer (e.g. 4), got {n_grades!r}")
    values = _scores(scores, "scores")
    given = np.asarray(scores)
    distinct, counts = distinct_counts(given if given.dtype.kind in "iu" else values)  # integers: counted
    if len(distinct) < 2 or n_grades == 1:
        return []
    below = np.cumsum(counts)[:-1]  # leads strictly below distinct[1:]
    targets = np.arange(1, n_grades) * len(values) / n_grades
    chosen = np.abs(below[None, :] - targets[:, None]).argmin(axis=1)
    return [float(v) for v in distinct[1:][np.unique(chosen)]]


def assign_grades(scores: np.ndarray, edges: Sequence[float], labels: Sequence[str]) -> np.ndarray:
    """Grade label of every score; the highest scores get the first label.

    ``labels[grade_codes(scores, edges, labels)]``.

    Grades are left-closed (a score equal to an edge is in the higher grade).
    With ``e`` edges, the first ``e + 1`` labels are used: fewer edges than
    labels minus one (see :func:`grade_edges`) leave the last labels unused.

    Raises
    ------
    ValueError
        Edges not strictly increasing, duplicate labels, or fewer than
        ``len(edges) + 1`` labels.

    Examples
    --------
    >>> import numpy as np
    >>> assign_grades(np.array([0, 24, 25, 60, 99]), [25, 50, 75], ["A", "B", "C", "D"]).tolist()
    ['D', 'D', 'C', 'B', 'A']
    """
    return np.asarray([str(label) for label in labels], dtype=object)[grade_codes(scores, edges, labels)]


def grade_codes(scores: np.ndarray, edges: Sequence[float], labels: Sequence[str]) -> np.ndarray:
    """Position in ``labels`` of every score's grade (:func:`assign_grades` without a string per lead).

    Raises
    ------
    ValueError
        As :func:`assign_grades`.

    Examples
    --------
    >>> import numpy as np
    >>> grade_codes(np.array([0, 24, 25, 60, 99]), [25, 50, 75], ["A", "B", "C", "D"]).tolist()
    [3, 3, 2, 1, 0]
    """
    bounds = np.asarray(list(edges), dtype=float)
    labels = [str(label) for label in labels]
    if bounds.ndim != 1 or (np.diff(bounds) <= 0).any() or not np.isfinite(bounds).all():
        raise ValueError(f"edges must be finite and strictly increasing, got {list(edges)}")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must be distinct, got {labels}")
    if len(labels) < len(bounds) + 1:
        raise ValueError(f"{len(bounds)} edges make {len(bounds) + 1} grades but only {len(labels)} labels were "
                         "given; pass more labels or fewer edges")
    values = np.asarray(scores, dtype=float)
    if values.ndim != 1 or not np.isfinite(values).all():
        raise DataError("scores must be one-dimensional and finite (one score per lead); score every lead first")
    from_bottom = np.searchsorted(bounds, values, side="right")
    return len(bounds) - from_bottom


def split_grades(grades: Sequence[object] | np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Fit and engagement part of each assigned grade (``"B2"`` -> ``"B"``, ``"2"``).

    One split per distinct grade, not per lead: a Python string operation
    per lead would cost more than the whole grade matrix. A missing grade
    gives ``None`` in both parts.

    Returns
    -------
    tuple of numpy.ndarray
        The fit grades and the engagement grades (object arrays).

    Examples
    --------
    >>> fit, engagement = split_grades(["A1", "D4", "A1", None])
    >>> fit.tolist(), engagement.tolist()
    (['A', 'D', 'A', None], ['1', '4', '1', None])
    """
    codes, distinct = pd.factorize(grades if isinstance(grades, pd.Series) else np.asarray(grades, dtype=object))
    texts = [str(grade) for grade in distinct]
    # Code -1 (missing) takes the last entry, None.
    fit = np.array([text[:1] for text in texts] + [None], dtype=object)
    engagement = np.array([text[1:] for text in texts] + [None], dtype=object)
    return fit[codes], engagement[codes]


def grade_matrix(y: np.ndarray, fit_grade: np.ndarray, engagement_grade: np.ndarray,
                 fit_labels: Sequence[str] = FIT_LABELS, engagement_labels: Sequence[str] = ENGAGEMENT_LABELS, *,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Leads, customers and close rate of every fit x engagement cell.

    Returns
    -------
    pandas.DataFrame
        One row per cell, every cell present (fit labels outer, engagement
        labels inner: A1, A2, ..., D4): ``fit_grade``, ``engagement_grade``,
        ``cell`` (e.g. ``"A1"``), ``leads``, ``customers``, ``close_rate``,
        ``ci_low``, ``ci_high`` (Wilson; NaN for an empty cell).

    Raises
    ------
    DataError
        A grade not among its labels, lengths that differ, or a non-0/1 outcome.

    Examples
    --------
    >>> import numpy as np
    >>> m = grade_matrix(np.array([1, 0, 0]), np.array(["A", "A", "D"]), np.array(["1", "1", "4"]))
    >>> len(m), m.loc[m["cell"] == "A1", ["leads", "customers", "close_rate"]].to_dict("records")
    (16, [{'leads': 2, 'customers': 1, 'close_rate': 0.5}])
    """
    fit_labels, engagement_labels = [str(x) for x in fit_labels], [str(x) for x in engagement_labels]
    for name, labels in (("fit_labels", fit_labels), ("engagement_labels", engagement_labels)):
        if not labels or len(set(labels)) != len(labels):
            raise ValueError(f"{name} must be non-empty and distinct, got {labels}")
    codes = []
    for name, grades, labels in (("fit_grade", fit_grade, fit_labels),
                                 ("engagement_grade", engagement_grade, engagement_labels)):
        values = np.asarray(grades, dtype=object)
        if values.ndim != 1:
            raise DataError(f"{name} must be one-dimensional, got shape {values.shape}")
        code = pd.Index(labels, dtype=object).get_indexer(values).astype(np.int64)
        if (code < 0).any():
            raise DataError(f"{name} has value(s) {pd.unique(values[code < 0])[:3].tolist()} not among the labels "
                            f"{labels}; pass the labels the grades were assigned with")
        codes.append(code)
    return grade_matrix_of_codes(y, codes[0], codes[1], fit_labels, engagement_labels, confidence=confidence)


def grade_matrix_of_codes(y: np.ndarray, fit_codes: np.ndarray, engagement_codes: np.ndarray,
                          fit_labels: Sequence[str] = FIT_LABELS, engagement_labels: Sequence[str] = ENGAGEMENT_LABELS,
                          *, confidence: float = 0.95) -> pd.DataFrame:
    """:func:`grade_matrix` of grades given as positions in their labels (:func:`grade_codes`).

    Examples
    --------
    >>> import numpy as np
    >>> m = grade_matrix_of_codes(np.array([1, 0, 0]), np.array([0, 0, 3]), np.array([0, 0, 3]))
    >>> m.loc[m["cell"] == "A1", ["leads", "customers"]].to_dict("records")
    [{'leads': 2, 'customers': 1}]
    """
    fit_labels, engagement_labels = [str(x) for x in fit_labels], [str(x) for x in engagement_labels]
    codes = [np.asarray(fit_codes, dtype=np.int64), np.asarray(engagement_codes, dtype=np.int64)]
    for name, code, labels in (("fit", codes[0], fit_labels), ("engagement", codes[1], engagement_labels)):
        if code.ndim != 1 or (len(code) and (code.min() < 0 or code.max() >= len(labels))):
            raise DataError(f"{name} grade codes must be one-dimensional positions in {labels}; pass "
                            "grade_codes(scores, edges, labels) of the scores")
    if len(codes[0]) != len(codes[1]):
        raise DataError(f"fit_grade has {len(codes[0])} values but engagement_grade has {len(codes[1])}")
    outcome = as_outcome(y, len(codes[0]))
    n_cells = len(fit_labels) * len(engagement_labels)
    cell = codes[0] * len(engagement_labels) + codes[1]
    leads = np.bincount(cell, minlength=n_cells).astype(np.int64)
    customers = np.bincount(cell, weights=outcome, minlength=n_cells).astype(np.int64)
    low, high = _wilson_interval(customers, leads, confidence)
    fit_col = np.repeat(np.asarray(fit_labels, dtype=object), len(engagement_labels))
    eng_col = np.tile(np.asarray(engagement_labels, dtype=object), len(fit_labels))
    return pd.DataFrame({
        "fit_grade": pd.Series(fit_col, dtype=object),
        "engagement_grade": pd.Series(eng_col, dtype=object),
        "cell": pd.Series(fit_col + eng_col, dtype=object),
        "leads": leads,
        "customers": customers,
        "close_rate": np.where(leads > 0, customers / np.maximum(leads, 1), np.nan),
        "ci_low": low,
        "ci_high": high,
    })


def sla_table(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Follow-up SLA of all 16 cells: :data:`DEFAULT_SLA` with overrides.

    Raises
    ------
    ValueError
        An override names an unknown cell or is not a non-empty string.

    Examples
    --------
    >>> table = sla_table({"C1": "72h"})
    >>> table["A1"], table["C1"], table["D4"], len(table)
    ('24h', '72h', 'nurture', 16)
    """
    table = dict(DEFAULT_SLA)
    for cell, sla in (overrides or {}).items():
        if cell not in table:
            raise ValueError(f"SLA override names cell {cell!r}; cells are a fit grade A-D followed by an "
                             f"engagement grade 1-4 (A1 ... D4)")
        if not isinstance(sla, str) or not sla.strip():
            raise ValueError(f"SLA for cell {cell!r} must be a non-empty string such as '24h' or 'nurture', got {sla!r}")
        table[cell] = sla.strip()
    return table
