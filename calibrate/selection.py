"""Attribute selection: leakage suspects, redundancy and a ranked short list.

Three pure functions (no I/O) over statistics the rest of calibrate already
computes, kept deliberately simple: fixed, documented rules, no model fitted
to the outcome, nothing tuned on the data at hand.

* :func:`detect_leakage` names attributes that may be filled in after the
  outcome is known (information value, near-perfect separation, CRM field
  names).
* :func:`cramers_v_matrix` measures how much attributes duplicate each other
  (Cramér's V of every pair).
* :func:`select_attributes` ranks attributes by information value, drops
  those redundant with a stronger one, keeps the strongest ``max_attributes``
  and says why for each.

Notes
-----
Leakage rules, each giving a ``kind``:

``information_value``
    The attribute's information value exceeds ``iv_bound`` (1.0 by default:
    Siddiqi's scale calls IV above 0.5 "suspicious"; above 1.0 a single
    attribute separates customers from non-customers better than most whole
    scorecards do).
``separation``
    Levels that (i) hold at least ``min_leads`` leads and are real values
    (``(other)``, ``(missing)`` and ``(unseen)`` are ignored), (ii) close at
    ``>= separation_rate`` or ``<= 1 - separation_rate``, (iii) have an odds
    ratio against all other leads of at least ``min_odds_ratio`` (or at most
    its inverse; 0.5 added to each cell), so that a 97 % level is not
    "separation" when the baseline is 95 %, and (iv) together hold at least
    ``min_share`` of all leads. Condition (iv) exists because a genuine
    channel can be small and nearly pure (X Education's partner site
    "Welingak Website" closes 140 of 142 leads, 1.5 % of all leads), while a
    field written by sales after contact sorts a large part of the pipeline
    into near-certain outcomes (X Education's "Tags": eleven such levels
    holding 36 % of the leads).
``name``
    The lower-cased column name, with ``_``, ``-`` and camelCase turned into
    spaces, contains one of :data:`AFTER_CONTACT_KEYWORDS` as whole words
    ("Lead Quality" matches ``quality``; "Lead Profile" and "Lead Source" match
    nothing). A name alone proves nothing: the row says so, and the caller
    decides whether to drop the attribute.

Redundancy: Cramér's V of two attributes' level codes (bias-uncorrected, as
``scipy.stats.contingency.association(method="cramer")``); 1 means one
attribute determines the other.

Examples
--------
>>> import pandas as pd
>>> from calibrate.selection import detect_leakage
>>> attribute_stats = pd.DataFrame({"information_value": [0.05], "p_value": [0.2]},
...                                index=pd.Index(["Lead Quality"], name="attribute"))
>>> levels = pd.DataFrame({"leads": [500, 500], "customers": [50, 52]},
...     index=pd.MultiIndex.from_tuples([("Lead Quality", "High"), ("Lead Quality", "Low")],
...                                     names=["attribute", "level"]))
>>> detect_leakage(attribute_stats, levels)[["attribute", "kind"]].values.tolist()
[['Lead Quality', 'name']]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from calibrate.attributes import MISSING, OTHER, UNSEEN
from calibrate.errors import DataError
from calibrate.sampling import subsample_rows

__all__ = [
    "AFTER_CONTACT_KEYWORDS",
    "LEAKAGE_KINDS",
    "cramers_v_matrix",
    "detect_leakage",
    "select_attributes",
]

#: Words (matched as whole words of the lower-cased column name) of CRM fields
#: usually written by sales after first contact, or once the outcome is known.
#: Ambiguous words are left out on purpose: ``reason`` ("Reason for enquiry"
#: is a form field; "Lost Reason" is caught by ``lost``), ``call`` ("Do Not
#: Call" is a preference given before contact), ``qualification`` ("Highest
#: Qualification" is a demographic), ``activity`` and ``score`` (marketing
#: systems fill these before sales acts). Some that stay can still match a
#: harmless column ("Marital Status", "Home Owner"): a name match is a hint.
AFTER_CONTACT_KEYWORDS: tuple[str, ...] = (
    "tag", "tags",                               # free labels typed by reps ("Tags")
    "quality", "rating",                         # "Lead Quality", Salesforce "Rating"
    "status", "stage", "disposition", "outcome",  # "Lead Status", "Deal Stage", call disposition
    "closed", "close date", "close reason", "won", "lost", "converted", "disqualified",
    "opportunity", "deal",                        # objects that exist only after qualification
    "notes", "rep", "salesperson", "owner",       # "Sales Notes", "Sales Rep", "Lead Owner"
)

#: Leakage kinds, strongest evidence first (``kind`` of a suspect is the first that applies).
LEAKAGE_KINDS: tuple[str, ...] = ("separation", "information_value", "name")

_SPECIAL_LEVELS = (OTHER, MISSING, UNSEEN)


def _normalise_name(name: str) -> str:
    """Lower-case words of a column name: camelCase, ``_`` and punctuation become spaces."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", spaced.lower()).split())


def _name_match(name: str, keywords: Sequence[str]) -> str | None:
    """The longest keyword found as whole words in ``name``, or None."""
    words = f" {_normalise_name(name)} "
    found = [k for k in keywords if f" {_normalise_name(k)} " in words]
    return max(found, key=len) if found else None


def _separation(level_stats: pd.DataFrame, *, separation_rate: float, min_leads: int, min_odds_ratio: float,
                min_share: float) -> tuple[dict[str, str], float]:
    """Attributes meeting the separation rule, with a sentence each; and the baseline rate."""
    levels = level_stats.loc[level_stats["leads"] > 0, ["leads", "customers"]]
    attribute = levels.index.get_level_values(0)
    label = levels.index.get_level_values(1).astype(str)
    first = levels[attribute == attribute[0]]
    total_leads, total_customers = int(first["leads"].sum()), int(first["customers"].sum())
    baseline = total_customers / total_leads
    n1 = levels["leads"].to_numpy(dtype=float)
    x1 = levels["customers"].to_numpy(dtype=float)
    n2, x2 = total_leads - n1, total_customers - x1
    rate = x1 / n1
    odds_ratio = ((x1 + 0.5) * (n2 - x2 + 0.5)) / ((n1 - x1 + 0.5) * (x2 + 0.5))
    special = np.isin(label, _SPECIAL_LEVELS)
    if "level_kind" in level_stats.columns:
        kinds = level_stats.loc[levels.index, "level_kind"].astype(str).to_numpy()
        special |= np.isin(kinds, ["other", "missing", "unseen"])
    high = (rate >= separation_rate) & (odds_ratio >= min_odds_ratio)
    low = (rate <= 1 - separation_rate) & (odds_ratio <= 1 / min_odds_ratio)
    separating = (high | low) & (n1 >= min_leads) & ~special
    table = pd.DataFrame({"attribute": attribute.map(str), "level": label, "leads": n1, "rate": rate,
                          "high": high})[separating]
    share = table.groupby("attribute", sort=False)["leads"].sum() / total_leads
    sentences: dict[str, str] = {}
    for name in share.index[share >= min_share]:
        group = table[table["attribute"] == name]
        examples = []
        for side in (True, False):  # the largest high-closing and the largest low-closing level
            part = group[group["high"] == side]
            if len(part):
                row = part.loc[part["leads"].idxmax()]
                examples.append(f"{row['level']!r} closes at {row['rate']:.1%} of {int(row['leads']):,} leads")
        sentences[str(name)] = (
            f"{' and '.join(examples)} ({len(group)} level(s) at >= {separation_rate:.0%} or "
            f"<= {1 - separation_rate:.0%} hold {share[name]:.0%} of the leads, baseline {baseline:.1%})"
        )
    return sentences, baseline


def detect_leakage(
    attribute_stats: pd.DataFrame,
    level_stats: pd.DataFrame,
    *,
    iv_bound: float = 1.0,
    separation_rate: float = 0.97,
    min_leads: int = 30,
    min_odds_ratio: float = 20.0,
    min_share: float = 0.10,
    names: Sequence[str] = (),
    keywords: Sequence[str] = AFTER_CONTACT_KEYWORDS,
) -> pd.DataFrame:
    """Attributes that may be filled in after the outcome is known.

    Parameters
    ----------
    attribute_stats : pandas.DataFrame
        As returned by :func:`calibrate.stats.attribute_statistics`: indexed
        by attribute, with column ``information_value``.
    level_stats : pandas.DataFrame
        As returned by :func:`calibrate.stats.level_statistics` (or a
        Calibrator's ``stats_``): indexed by ``(attribute, level)`` with
        columns ``leads`` and ``customers``; an optional ``level_kind`` column
        also marks the ``(other)``/``(missing)``/``(unseen)`` levels.
    iv_bound : float
        Information value above which an attribute is suspect.
    separation_rate : float
        A level closing at this rate or more (or ``1 - separation_rate`` or
        less) separates the outcome...
    min_leads : int
        ...if it holds at least this many leads,
    min_odds_ratio : float
        ...its odds ratio against all other leads is at least this (or at
        most its inverse),
    min_share : float
        ...and such levels of the attribute together hold at least this share
        of all leads. See the module notes for why.
    names : sequence of str
        Further column names checked by the name rule only, e.g. columns of
        the export that are not attributes (leave out the target: "Converted"
        matches ``converted``); attributes in ``attribute_stats`` are always
        checked.
    keywords : sequence of str
        Words of the name rule.

    Returns
    -------
    pandas.DataFrame
        One row per suspect, by kind then information value (descending):
        ``attribute``; ``kind``, the strongest rule that applies
        (``"separation"``, ``"information_value"`` or ``"name"``); ``kinds``,
        every rule that applies (a tuple); ``reason``, sentences a person
        reads; ``information_value`` (NaN for ``names`` that are not
        attributes). Empty (same columns) when nothing is suspect.

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_tuples(
    ...     [("Tags", "Closed"), ("Tags", "Ringing"), ("Tags", "(missing)"), ("Region", "North"), ("Region", "South")],
    ...     names=["attribute", "level"])
    >>> levels = pd.DataFrame({"leads": [300, 400, 300, 500, 500], "customers": [297, 4, 99, 250, 150]}, index=index)
    >>> stats = pd.DataFrame({"information_value": [4.2, 0.16]}, index=pd.Index(["Tags", "Region"], name="attribute"))
    >>> suspects = detect_leakage(stats, levels)
    >>> suspects[["attribute", "kind", "kinds"]].values.tolist()
    [['Tags', 'separation', ('separation', 'information_value', 'name')]]
    >>> for sentence in suspects.loc[0, "reason"].split("; "):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(sentence)
    information value 4.20 (above 1.0)
    'Closed' closes at 99.0% of 300 leads and 'Ringing' closes at 1.0% of 400 leads
    (2 level(s) at >= 97% or <= 3% hold 70% of the leads, baseline 40.0%)
    named like a field filled in after contact ('tags')
    """
    if not 0.5 < separation_rate <= 1:
        raise ValueError(f"separation_rate must be in (0.5, 1], got {separation_rate!r}")
    if not min_odds_ratio >= 1:
        raise ValueError(f"min_odds_ratio must be at least 1, got {min_odds_ratio!r}")
    if not 0 <= min_share <= 1:
        raise ValueError(f"min_share must be in [0, 1], got {min_share!r}")
    for column, frame in (("information_value", attribute_stats), ("leads", level_stats), ("customers", level_stats)):
        if column not in frame.columns:
            raise DataError(f"column {column!r} is missing from the statistics given to detect_leakage")
    iv = attribute_stats["information_value"].astype(float)
    iv.index = iv.index.map(str)
    separation, _ = (_separation(level_stats, separation_rate=separation_rate, min_leads=min_leads,
                                 min_odds_ratio=min_odds_ratio, min_share=min_share)
                     if len(level_stats) and (level_stats["leads"] > 0).any() else ({}, np.nan))
    candidates = list(dict.fromkeys([*iv.index, *separation, *map(str, names)]))
    rows = []
    for name in candidates:
        value = float(iv.get(name, np.nan))
        found: dict[str, str] = {}
        if value > iv_bound:
            found["information_value"] = f"information value {value:.2f} (above {iv_bound})"
        if name in separation:
            found["separation"] = separation[name]
        keyword = _name_match(name, keywords)
        if keyword is not None:
            found["name"] = f"named like a field filled in after contact ({keyword!r})"
        if found:
            kinds = tuple(k for k in LEAKAGE_KINDS if k in found)
            order = ("information_value", "separation", "name")  # reading order of the sentences
            rows.append({"attribute": name, "kind": kinds[0], "kinds": kinds,
                         "reason": "; ".join(found[k] for k in order if k in found), "information_value": value})
    out = pd.DataFrame(rows, columns=["attribute", "kind", "kinds", "reason", "information_value"])
    if len(out):
        strength = out["kind"].map({k: i for i, k in enumerate(LEAKAGE_KINDS)})
        out = (out.assign(_strength=strength, _iv=out["information_value"].fillna(-np.inf))
                  .sort_values(["_strength", "_iv"], ascending=[True, False], kind="stable")
                  .drop(columns=["_strength", "_iv"]).reset_index(drop=True))
    return out


def cramers_v_matrix(
    codes: Mapping[str, np.ndarray],
    n_levels: Mapping[str, int],
    *,
    max_rows: int | None = 200_000,
    seed: int = 0,
    row_keys: np.ndarray | None = None,
) -> pd.DataFrame:
    """Cramér's V of every pair of attributes, from their level codes.

    Each pair's contingency table counts ``code_a * n_levels[b] + code_b``
    over the rows (a few attributes at a time, see :func:`_pair_tables`);
    empty rows and columns are dropped and V computed as
    ``scipy.stats.contingency.association(table, method="cramer")`` does.
    A few milliseconds a pair for a million rows, so large tables are
    sampled (``max_rows``).

    Parameters
    ----------
    codes : mapping of str to numpy.ndarray
        Integer level codes (``0 <= code < n_levels[name]``) of each
        attribute, all of the same length (as from
        :func:`calibrate.counting.count_levels`).
    n_levels : mapping of str to int
        Number of level codes of each attribute (``len(spec.level_labels)``).
    max_rows : int or None
        Above this many rows, V is computed on a uniform sample of
        ``max_rows`` rows (a sample of 200,000 estimates V to about 0.003,
        far finer than the redundancy bound needs); None uses every row.
    seed : int
        Seed of that sample, drawn with ``numpy.random.default_rng(seed)``
        when no ``row_keys`` are given.
    row_keys : numpy.ndarray, optional
        A hash of each row's content: the sample is then the ``max_rows``
        rows with the smallest hashes, the same whatever the order of the rows.

    Returns
    -------
    pandas.DataFrame
        Symmetric, indexed and columned by attribute in the order of
        ``codes``, 1 on the diagonal; NaN for a pair where one attribute has
        a single observed level (V undefined).

    Examples
    --------
    >>> import numpy as np
    >>> codes = {"a": np.array([0, 0, 1, 1, 2, 2]), "b": np.array([1, 1, 0, 0, 2, 2]),
    ...          "c": np.array([0, 1, 0, 1, 0, 1])}
    >>> cramers_v_matrix(codes, {"a": 3, "b": 3, "c": 2}).round(3).values.tolist()
    [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    names = [str(n) for n in codes]
    arrays = {}
    for name, values in codes.items():
        values = np.asarray(values)
        if name not in n_levels:
            raise DataError(f"n_levels has no entry for attribute {name!r}")
        if values.ndim != 1 or (values.size and not np.issubdtype(values.dtype, np.integer)):
            raise DataError(f"codes of {name!r} must be a one-dimensional integer array")
        if values.size and (values.min() < 0 or values.max() >= n_levels[name]):
            raise DataError(f"codes of {name!r} must lie in [0, {n_levels[name]}); "
                            f"got {values.min()}..{values.max()}")
        arrays[str(name)] = values
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) > 1:
        raise DataError(f"codes of the attributes have different lengths: {sorted(lengths)}")
    n_rows = lengths.pop() if lengths else 0
    if max_rows is not None and n_rows > max_rows:
        rows = subsample_rows(n_rows, max_rows, seed=seed, row_keys=row_keys)
        arrays = {name: a[rows] for name, a in arrays.items()}
    sizes = [int(n_levels[name]) for name in codes]
    tables = _pair_tables([arrays[name] for name in names], sizes)
    v = np.eye(len(names))
    for (i, j), table in tables.items():
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        v[i, j] = v[j, i] = _cramers_v(table) if min(table.shape) >= 2 else np.nan
    return pd.DataFrame(v, index=pd.Index(names, name="attribute"), columns=pd.Index(names, name="attribute"))


#: Largest number of level combinations of a block of attributes counted jointly by :func:`_pair_tables`.
_BLOCK_CELLS = 256


def _pair_tables(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> dict[tuple[int, int], np.ndarray]:
    """The contingency table of every pair of attributes ``i < j``, shaped ``(sizes[i], sizes[j])``.

    A pass over the rows costs the same whatever it counts, so attributes are
    taken in blocks of a few with few level combinations (at most
    :data:`_BLOCK_CELLS`), and each pair of blocks is counted jointly in one
    ``numpy.bincount``: every pair table is a sum of that joint table, and the
    counts equal a ``bincount`` of the pair (integers, summed exactly). Thirty
    attributes of 6 to 40 levels make about sixteen blocks: some 130 passes
    instead of 435.
    """
    blocks: list[list[int]] = []
    for i, size in enumerate(sizes):
        if blocks and math.prod(sizes[k] for k in blocks[-1]) * size <= _BLOCK_CELLS:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    cells = [math.prod(sizes[k] for k in block) for block in blocks]
    block_codes = []
    for block in blocks:
        code = codes[block[0]]
        for k in block[1:]:
            # Mixed radix, so the joint table reshapes to the members' sizes; in int64, as codes may be narrow.
            code = np.multiply(code, sizes[k], dtype=np.int64) + codes[k]
        block_codes.append(code)

    tables: dict[tuple[int, int], np.ndarray] = {}

    def add_pairs(joint: np.ndarray, members: list[int], pairs: list[tuple[int, int]]) -> None:
        joint = joint.reshape([sizes[k] for k in members])
        for x, y in pairs:
            others = tuple(axis for axis in range(len(members)) if axis not in (x, y))
            tables[(members[x], members[y])] = joint.sum(axis=others) if others else joint

    for block, code, size in zip(blocks, block_codes, cells, strict=True):
        if len(block) > 1:  # the pairs within a block
            add_pairs(np.bincount(code, minlength=size), block,
                      [(x, y) for x in range(len(block)) for y in range(x + 1, len(block))])
    # Written into the same buffers pair after pair: a fresh array per pair costs more in page faults
    # (first touch of new memory) than the arithmetic.
    n_rows = len(codes[0]) if len(codes) else 0
    pair_code = np.empty(n_rows, dtype=np.int64)
    scaled_buffers: dict[int, np.ndarray] = {}
    for b in range(len(blocks)):
        scaled: dict[int, np.ndarray] = {}  # block b's codes times each later block's cells, made once
        for c in range(b + 1, len(blocks)):
            if cells[c] not in scaled:
                if cells[c] not in scaled_buffers:
                    scaled_buffers[cells[c]] = np.empty(n_rows, dtype=np.int64)
                buffer = scaled_buffers[cells[c]]
                scaled[cells[c]] = np.multiply(block_codes[b], cells[c], out=buffer, dtype=np.int64)
            joint = np.bincount(np.add(scaled[cells[c]], block_codes[c], out=pair_code), minlength=cells[b] * cells[c])
            add_pairs(joint, blocks[b] + blocks[c],
                      [(x, len(blocks[b]) + y) for x in range(len(blocks[b])) for y in range(len(blocks[c]))])
    return tables


def _cramers_v(table: np.ndarray) -> float:
    """``scipy.stats.contingency.association(table, method="cramer")`` without its per-call overhead.

    Pearson's chi-square against the expected counts of scipy's
    ``expected_freq`` (row sums times column sums over the total, the same
    sums in the same order, without its ``apply_over_axes``), summed as
    ``chi2_contingency(correction=False)`` sums it; V is
    ``sqrt(chi2 / n / (min(rows, columns) - 1))``, as scipy computes it
    (equal to ``association`` to the last bit in ``tests/test_selection.py``).
    A few hundred pairs cost a tenth of a second less.
    """
    observed = table.astype(np.float64)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    chi2 = ((observed - expected) ** 2 / expected).sum()
    return math.sqrt(chi2 / observed.sum() / (min(observed.shape) - 1))


def select_attributes(
    attribute_stats: pd.DataFrame,
    cramers_v: pd.DataFrame | None,
    *,
    max_attributes: int | None = None,
    redundancy_bound: float = 0.8,
    alpha: float = 0.05,
    exclude: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rank attributes, drop redundant and excluded ones, keep the strongest.

    The rule, in order:

    1. Rank every attribute by information value (descending), ties by
       association p-value (ascending, NaN last), then by name (ascending,
       by code point): never by position, so the order of the columns in the
       data cannot change which of two equally strong attributes is kept.
    2. Attributes in ``exclude`` are dropped with the caller's reason.
    3. Walk the ranking; an attribute whose Cramér's V with an attribute
       already kept exceeds ``redundancy_bound`` is dropped as a duplicate
       of the one with the highest V (``duplicates``).
    4. Of the rest, the first ``max_attributes`` are kept.

    An attribute whose association p-value is not below ``alpha`` is *not*
    dropped for that: its levels' own tests decide their points (a level
    without significant evidence scores 0), so it costs nothing. Its reason
    says it is not associated with the outcome; ``max_attributes`` usually
    pushes such attributes out, as they rank last.

    Parameters
    ----------
    attribute_stats : pandas.DataFrame
        As returned by :func:`calibrate.stats.attribute_statistics`: indexed
        by attribute, with ``information_value`` and ``p_value``.
    cramers_v : pandas.DataFrame or None
        As returned by :func:`cramers_v_matrix`, covering every attribute not
        excluded; None skips the redundancy step.
    max_attributes : int, optional
        Keep at most this many attributes.
    redundancy_bound : float
        Cramér's V above which two attributes are redundant.
    alpha : float
        Significance level the reasons quote for the association test.
    exclude : mapping of str to str, optional
        Attribute name to the reason it is left out (e.g. a leakage
        suspect). Names that are not attributes are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per attribute, in ranking order: ``attribute``, ``selected``
        (bool), ``reason`` (``"kept: ..."`` or ``"dropped: ..."``), ``rank``
        (1 = highest information value, over all attributes),
        ``information_value``, ``p_value``, ``duplicates`` (the stronger
        attribute it duplicates, else None).

    Examples
    --------
    >>> import pandas as pd
    >>> stats = pd.DataFrame({"information_value": [0.10, 0.40, 0.38], "p_value": [1e-3, 1e-30, 1e-28]},
    ...                      index=pd.Index(["City", "Source", "Channel"], name="attribute"))
    >>> v = pd.DataFrame([[1, 0.1, 0.1], [0.1, 1, 0.95], [0.1, 0.95, 1]], index=stats.index, columns=stats.index)
    >>> table = select_attributes(stats, v)
    >>> table[["attribute", "selected", "duplicates"]].values.tolist()
    [['Source', True, None], ['Channel', False, 'Source'], ['City', True, None]]
    >>> print(table.loc[1, "reason"])
    dropped: redundant with 'Source' (Cramér's V 0.95 above 0.80)
    """
    if max_attributes is not None and (int(max_attributes) != max_attributes or max_attributes < 1):
        raise ValueError(f"max_attributes must be a positive integer or None, got {max_attributes!r}")
    if not 0 < redundancy_bound <= 1:
        raise ValueError(f"redundancy_bound must be in (0, 1], got {redundancy_bound!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    for column in ("information_value", "p_value"):
        if column not in attribute_stats.columns:
            raise DataError(f"column {column!r} is missing from attribute_stats")
    exclude = {str(k): str(v) for k, v in (exclude or {}).items()}
    table = pd.DataFrame({
        "attribute": attribute_stats.index.map(str),
        "information_value": attribute_stats["information_value"].to_numpy(dtype=float),
        "p_value": attribute_stats["p_value"].to_numpy(dtype=float),
    })
    if table["attribute"].duplicated().any():
        twice = table.loc[table["attribute"].duplicated(), "attribute"].tolist()
        raise DataError(f"attribute_stats lists attribute(s) more than once: {twice}")
    table = (table.assign(_iv=table["information_value"].fillna(-np.inf), _p=table["p_value"].fillna(np.inf))
                  .sort_values(["_iv", "_p", "attribute"], ascending=[False, True, True], kind="stable")
                  .drop(columns=["_iv", "_p"]).reset_index(drop=True))
    table["rank"] = np.arange(1, len(table) + 1)
    candidates = [a for a in table["attribute"] if a not in exclude]
    if cramers_v is not None:
        missing = [a for a in candidates if a not in cramers_v.index or a not in cramers_v.columns]
        if missing:
            raise DataError(f"cramers_v has no row/column for attribute(s) {missing}; compute it over every attribute")

    selected: dict[str, bool] = {}
    reasons: dict[str, str] = {}
    duplicates: dict[str, str | None] = {}
    kept: list[str] = []
    n_kept = 0
    for row in table.itertuples(index=False):  # one step per attribute (tens), never per lead
        name = row.attribute
        duplicates[name] = None
        if name in exclude:
            selected[name], reasons[name] = False, f"dropped: {exclude[name]}"
            continue
        if cramers_v is not None and kept:
            v = cramers_v.loc[name, kept].astype(float)
            if (v > redundancy_bound).any():
                stronger = str(v.idxmax())
                selected[name], duplicates[name] = False, stronger
                reasons[name] = (f"dropped: redundant with {stronger!r} (Cramér's V {v[stronger]:.2f} "
                                 f"above {redundancy_bound:.2f})")
                continue
        kept.append(name)
        p_text = "p < 1e-300" if row.p_value == 0 else f"p = {row.p_value:.2g}"
        evidence = f"information value {row.information_value:.2f}, {p_text} (rank {row.rank})"
        if not row.p_value < alpha:
            evidence += f"; not associated with the outcome at alpha {alpha:g}, its levels are unlikely to earn points"
        if max_attributes is not None and n_kept >= max_attributes:
            selected[name] = False
            reasons[name] = f"dropped: beyond the {max_attributes} strongest attributes; {evidence}"
            continue
        n_kept += 1
        selected[name], reasons[name] = True, f"kept: {evidence}"
    table["selected"] = table["attribute"].map(selected).astype(bool)
    table["reason"] = table["attribute"].map(reasons)
    table["duplicates"] = pd.Series([duplicates[a] for a in table["attribute"]], dtype=object)
    return table[["attribute", "selected", "reason", "rank", "information_value", "p_value", "duplicates"]]
