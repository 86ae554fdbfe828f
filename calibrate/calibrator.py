"""The Calibrator: from a lead export to close-rate evidence and a scoring config.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> cal = Calibrator(alpha=0.05).fit(load_sample_leads(), target="stage",
...                                  positive=["Closed Won"], exclude=["Open"])
>>> round(cal.baseline_.rate, 3) > 0
True
>>> cal.summary().columns[:4].tolist()
['attribute', 'level', 'level_kind', 'leads']
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from calibrate.accounts import (
    AccountStatus,
    TargetAccounts,
    read_account_status,
    read_target_accounts,
)
from calibrate.activity import ActivityLog, read_activities
from calibrate.attributes import AttributeSpec, CleaningNote, LeftOut, infer_attributes
from calibrate.cleaning import DEFAULT_PLACEHOLDERS
from calibrate.config import ScoringConfig
from calibrate.counting import count_levels, encode_all
from calibrate.derive import (
    DerivedSignals,
    SignalRecipe,
    derive_signals,
    plan_signals,
    signal_groups,
)
from calibrate.engine_fit import (
    DEFAULT_SAMPLE_SIZE,
    EngineSample,
    EngineTable,
    binned_on_engine,
    choose_engine,
    draw_engine_sample,
    engine_notes,
    refine_specs,
)
from calibrate.engines import level_counts, value_counts
from calibrate.errors import DataError, DataQualityWarning, LeakageWarning, SmallSampleWarning
from calibrate.evaluate import (
    calibration_edges,
    calibration_table,
    evaluate_scores,
    holdout_split,
)
from calibrate.fingerprint import data_fingerprint, fingerprint_of_rows, sorted_row_hashes
from calibrate.fitting import (
    PointsResult,
    PointsSettings,
    derive_points,
    resolve_shrinkage,
)
from calibrate.grading import (
    BAND_STYLES,
    ENGAGEMENT_LABELS,
    FIT_LABELS,
    THRESHOLD_RULES,
    assign_grades,
    assign_groups,
    band_table,
    grade_codes,
    grade_edges,
    grade_matrix_of_codes,
    make_bands,
)
from calibrate.io import read_leads_coded
from calibrate.memory import small_pages
from calibrate.parallel import in_background, take_rows
from calibrate.progress import Steps, progress_wanted
from calibrate.scoring import score_leads
from calibrate.selection import cramers_v_matrix, detect_leakage, select_attributes
from calibrate.signals.titles import compile_rules as compile_title_rules
from calibrate.stats import (
    CORRECTIONS,
    Baseline,
    attribute_statistics,
    baseline_rate,
    level_statistics,
)
from calibrate.target import Outcome, resolve_target, suggest_columns
from calibrate.validation import check_dates, check_duplicate_ids

__all__ = ["Calibrator", "METHODS"]

#: A job-title column with more distinct values than this is free text, replaced by its derived signals.
_DROPDOWN_VALUES = 12


def _distinct_values(values: pd.Series, placeholders: Sequence[str]) -> int:
    from calibrate.cleaning import factorize_keys

    # The distinct normalised keys (placeholders and blanks aside), without a key per row.
    if isinstance(values.dtype, pd.CategoricalDtype):
        # The categories that occur have the column's keys: factorised instead of its rows.
        codes = values.cat.codes.to_numpy()
        occurring = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)) > 0
        values = pd.Series(values.cat.categories[occurring])
    return len(factorize_keys(values, placeholders).counts)


#: Point methods: see :mod:`calibrate.fitting`.
METHODS = ("lift", "log_odds", "logistic")


class Calibrator:
    """Calibrate lead-scoring points from historical close rates.

    Parameters
    ----------
    method : {"lift", "log_odds", "logistic"}
        How evidence becomes points. ``lift``: the classic rule,
        ``points_per_lift × (lift − 1)``. ``log_odds``: ``points_to_double_odds
        / ln 2 × ln(odds ratio against the baseline)`` (weight of evidence), so
        summed points map to odds. ``logistic``: an L2-regularised logistic
        regression over all attribute levels at once, so overlapping
        attributes share credit; coefficients scaled the same way, intercept
        folded into the base score. ``lift`` and ``log_odds`` give points only
        to levels whose q-value is below ``alpha``.
    alpha : float
        False-discovery rate for giving a level points (``lift``, ``log_odds``).
    correction : {"fdr_bh", "fdr_by", "bonferroni", "holm", "none"}
        Multiple-testing correction across all levels of all attributes.
    min_support : int
        Minimum leads of a categorical value before it is pooled into
        ``(other)``, and of a quantile bin before it is merged.
    n_bins : int
        Quantile bins per numeric attribute (fewer when values repeat).
    bins : mapping of column to edges, optional
        Explicit interior bin edges, e.g. ``{"employees": [10, 21, 51]}``.
    categorical : sequence of str
        Numeric-looking columns to treat as categories.
    placeholders : sequence of str
        Values meaning blank (compared without case or surrounding spaces).
    points_per_lift : float
        Points for one unit of lift (``lift``).
    points_to_double_odds : float
        Points that double the odds (``log_odds``, ``logistic``).
    C : float
        Inverse regularisation strength of ``logistic`` (scikit-learn's ``C``).
    shrinkage : {"auto", "none", "beta_binomial", "pseudo_count"}
        Shrink close rates toward the baseline before deriving points;
        ``auto`` is ``beta_binomial`` for ``log_odds`` and ``none`` otherwise.
    pseudo_count : float
        Prior strength in leads for ``shrinkage="pseudo_count"``.
    rounding : {"auto", "nearest", "rank"}
        Integer rounding: ``rank`` adjusts levels by ±1 where that keeps the
        ranking of leads closer to the unrounded score; ``auto`` is
        ``nearest`` for ``lift`` and ``rank`` otherwise.
    monotone : sequence of str
        Numeric attributes whose bin points must rise or fall steadily
        (weighted isotonic regression; the direction is read from the data).
    attribute_cap : int, optional
        Largest points (in absolute value) one attribute may give.
    total_cap : int, optional
        Scores are clipped to ``[-total_cap, total_cap]`` (CRMs cap at 100 or 500).
    threshold : int
        The sales-ready score.
    threshold_rule : {"fixed", "share", "target_rate", "capacity"}
        How the sales-ready cut is placed: ``fixed`` keeps the scale as the
        method gives it; the others rescale the points so that the cut chosen
        by ``threshold_value`` (a share of leads, a target close rate, or the
        leads per period sales can take, with ``leads_per_period``) lands on
        ``threshold``.
    threshold_value : float, optional
        The rule's value: 0.1 for the top 10 %, 0.3 for a 30 % close rate, 50
        leads a week of capacity.
    leads_per_period : float, optional
        Leads arriving per period, for ``threshold_rule="capacity"``.
    band_style : {"heat", "letters", "rag", "yes_no"}
        Band names: cold/warm/hot, A–F, red/amber/green or no/yes.
    bands : sequence of mappings, optional
        Explicit bands ``{"name": ..., "max": ...}`` (``max`` exclusive; the
        last has none); overrides ``band_style``.
    groups : mapping of attribute to "fit" or "engagement", optional
        Overrides of the groups inferred from attribute names.
    sla : mapping of cell to text, optional
        Follow-up SLA per fit × engagement cell (``A1`` ... ``D4``).
    grades : bool
        Compute fit (A–D) and engagement (1–4) grades and their matrix.
    max_attributes : int, optional
        Keep at most this many attributes, strongest information value first.
    redundancy_bound : float
        Drop an attribute whose Cramér's V with a stronger kept one exceeds this.
    leakage : {"exclude", "keep"}
        Attributes that look recorded after the outcome or separate customers
        almost perfectly raise a ``LeakageWarning``; ``exclude`` leaves them out.
    leakage_iv : float
        Information value above which an attribute is a leakage suspect.
    holdout : float, optional
        Share of leads held out to backtest the config (the latest leads when a
        date column is given, a stratified random share otherwise). The points
        are fitted on the other leads; the config stores the held-out
        calibration table and metrics. ``None`` fits on all leads.
    random_state : int
        Seed of the random holdout split.
    confidence : float
        Level of the confidence intervals.
    replaces : ScoringConfig or str, optional
        The config (or its fingerprint) this fit replaces, recorded as the
        config's lineage so a chain of quarterly configs can be traced.
    created_at : str or datetime, optional
        Timestamp written into the config; none by default (or
        ``SOURCE_DATE_EPOCH``), so configs are reproducible.
    signals : bool
        Recognise e-mail, job-title, name and company columns by their
        content and add the derived signals (:mod:`calibrate.derive`):
        e-mail domain type, title role and seniority, form-fill junk, account
        size. ``False`` derives only what ``fit`` is asked for explicitly
        (activities, account column, target accounts).
    drop_junk : bool
        Set junk leads aside before calibration (a form-junk reason, or a
        disposable or invalid e-mail address) and count them; scoring then
        adds a ``junk`` column with the reason.
    decay : bool
        With an activity log, estimate how fast engagement stops predicting
        a sale (a half-life chosen by held-out fit) and store it in the
        config with step rules.
    sample_size : int
        On an engine (``fit(engine="duckdb"|"spark")``): the training leads
        fetched into memory for the row-level steps (multivariate methods,
        redundancy check, score distribution, grades); the held-out sample
        is capped at the same size. Counts and close rates use every lead.
    progress : bool, optional
        Show a progress bar of the fit's steps on standard error. Default:
        only on a terminal, never in a notebook (CLI: off with ``--quiet``).

    Attributes
    ----------
    outcome_ : Outcome
        The resolved target over all rows and the rows left out.
    train_ : numpy.ndarray
        Mask over the decided leads: the leads the points were fitted on.
    baseline_ : Baseline
        Close rate of the training leads with its interval.
    specs_ : list of AttributeSpec
        The attributes scored.
    left_out_ : list of LeftOut
        Columns not used, with the reason (including leakage and selection).
    notes_ : list of CleaningNote
        Placeholders read as missing, labels merged, values pooled, bins made.
    counts_, stats_ : pandas.DataFrame
        Per ``(attribute, level)``: counts; statistics, shrunk rate and points.
    attribute_stats_ : pandas.DataFrame
        Per attribute: association test and information value.
    selection_ : pandas.DataFrame
        Why each attribute was kept or dropped.
    leakage_ : pandas.DataFrame
        Leakage suspects and the reasons.
    points_ : pandas.Series
        Integer points per ``(attribute, level)``.
    base_points_ : int
        Points every lead starts with.
    groups_ : dict
        Fit or engagement group of every attribute.
    training_scores_ : numpy.ndarray
        Score of each training lead.
    backtest_ : dict or None
        Held-out metrics (AUC with interval, gains, calibration, above/below
        the threshold), when ``holdout`` is set.
    config_ : ScoringConfig
        The scoring config.
    signals_ : SignalRecipe or None
        The derived signals (what they are computed from).
    derived_ : DerivedSignals or None
        The derived columns of the fitted table and notes on deriving them.
    decay_ : HalfLifeEstimate or None
        The engagement half-life, with an activity log and ``decay=True``.
    junk_rows_ : int
        Rows set aside by ``drop_junk``.

    Examples
    --------
    >>> from calibrate import Calibrator, load_sample_leads
    >>> cal = Calibrator().fit(load_sample_leads(), target="stage", positive=["Closed Won"], exclude=["Open"])
    >>> cal.points_.loc[("requested_demo", "Yes")] > 0
    np.True_
    """

    def __init__(
        self,
        method: str = "lift",
        *,
        alpha: float = 0.05,
        correction: str = "fdr_bh",
        min_support: int = 30,
        n_bins: int = 5,
        bins: Mapping[str, Sequence[float]] | None = None,
        categorical: Sequence[str] = (),
        placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
        points_per_lift: float = 50,
        points_to_double_odds: float = 40,
        C: float = 1.0,
        shrinkage: str = "auto",
        pseudo_count: float = 20.0,
        rounding: str = "auto",
        monotone: Sequence[str] = (),
        attribute_cap: int | None = None,
        total_cap: int | None = None,
        threshold: int = 100,
        threshold_rule: str = "fixed",
        threshold_value: float | None = None,
        leads_per_period: float | None = None,
        band_style: str = "heat",
        bands: Sequence[Mapping[str, Any]] | None = None,
        groups: Mapping[str, str] | None = None,
        sla: Mapping[str, str] | None = None,
        grades: bool = True,
        max_attributes: int | None = None,
        redundancy_bound: float = 0.9,
        leakage: str = "exclude",
        leakage_iv: float = 1.0,
        holdout: float | None = 0.25,
        random_state: int = 0,
        confidence: float = 0.95,
        replaces: ScoringConfig | str | None = None,
        created_at: str | datetime | None = None,
        signals: bool = True,
        drop_junk: bool = False,
        decay: bool = True,
        sample_size: int = DEFAULT_SAMPLE_SIZE,
        progress: bool | None = None,
    ) -> None:
        self.method = method
        self.alpha = alpha
        self.correction = correction
        self.min_support = min_support
        self.n_bins = n_bins
        self.bins = bins
        self.categorical = categorical
        self.placeholders = placeholders
        self.points_per_lift = points_per_lift
        self.points_to_double_odds = points_to_double_odds
        self.C = C
        self.shrinkage = shrinkage
        self.pseudo_count = pseudo_count
        self.rounding = rounding
        self.monotone = monotone
        self.attribute_cap = attribute_cap
        self.total_cap = total_cap
        self.threshold = threshold
        self.threshold_rule = threshold_rule
        self.threshold_value = threshold_value
        self.leads_per_period = leads_per_period
        self.band_style = band_style
        self.bands = bands
        self.groups = groups
        self.sla = sla
        self.grades = grades
        self.max_attributes = max_attributes
        self.redundancy_bound = redundancy_bound
        self.leakage = leakage
        self.leakage_iv = leakage_iv
        self.holdout = holdout
        self.random_state = random_state
        self.confidence = confidence
        self.replaces = replaces
        self.created_at = created_at
        self.signals = signals
        self.drop_junk = drop_junk
        self.decay = decay
        self.sample_size = sample_size
        self.progress = progress

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (scikit-learn style)."""
        import inspect

        return {name: getattr(self, name) for name in inspect.signature(type(self)).parameters}

    # ------------------------------------------------------------------ checks
    def _check_parameters(self) -> None:
        choices = {"method": METHODS, "correction": CORRECTIONS, "threshold_rule": THRESHOLD_RULES,
                   "band_style": BAND_STYLES, "leakage": ("exclude", "keep"),
                   "shrinkage": ("auto", "none", "beta_binomial", "pseudo_count"),
                   "rounding": ("auto", "nearest", "rank")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {tuple(allowed)}, got {getattr(self, name)!r}")
        for name in ("alpha", "confidence"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"{name} must be between 0 and 1, got {getattr(self, name)!r}")
        if self.holdout is not None and not 0 < self.holdout < 1:
            raise ValueError(f"holdout must be a share between 0 and 1 (e.g. 0.25) or None, got {self.holdout!r}")
        if int(self.min_support) < 1:
            raise ValueError(f"min_support must be a positive count of leads, got {self.min_support!r}")
        if int(self.n_bins) < 1:
            raise ValueError(f"n_bins must be at least 1, got {self.n_bins!r}")
        for name in ("points_per_lift", "points_to_double_odds", "C", "leakage_iv", "pseudo_count"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.threshold_rule != "fixed" and self.threshold_value is None:
            raise ValueError(f"threshold_rule={self.threshold_rule!r} needs threshold_value= (a share such as 0.1, "
                             "a close rate such as 0.3, or leads per period sales can take)")
        if self.bands is not None:
            bands = list(self.bands)
            if not bands or "max" in bands[-1] or any("max" not in b for b in bands[:-1]):
                raise ValueError("bands: every band but the last needs a 'max'; the last has none")
        if self.max_attributes is not None and int(self.max_attributes) < 1:
            raise ValueError(f"max_attributes must be at least 1, got {self.max_attributes!r}")

    @property
    def bands_(self) -> list[dict[str, Any]]:
        """The bands in force: explicit ``bands`` or those of ``band_style``."""
        if self.bands is not None:
            return [dict(b) for b in self.bands]
        return make_bands(self.band_style, int(self.threshold))

    def _settings(self) -> PointsSettings:
        return PointsSettings(
            method=self.method, alpha=self.alpha, points_per_lift=float(self.points_per_lift),
            points_to_double_odds=float(self.points_to_double_odds), C=float(self.C),
            shrinkage=resolve_shrinkage(self.shrinkage, self.method), pseudo_count=float(self.pseudo_count),
            monotone=tuple(self.monotone), attribute_cap=self.attribute_cap, threshold=int(self.threshold),
            threshold_rule=self.threshold_rule, threshold_value=self.threshold_value,
            leads_per_period=self.leads_per_period,
            rounding=("nearest" if self.method == "lift" else "rank") if self.rounding == "auto" else self.rounding)

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        data: pd.DataFrame | str | os.PathLike[str],
        target: str,
        *,
        positive: Sequence[object] | None = None,
        exclude: Sequence[object] = (),
        drop: Sequence[str] = (),
        date_column: str | None = None,
        id_column: str | None = None,
        duplicate_ids: str = "refuse",
        activities: ActivityLog | pd.DataFrame | str | os.PathLike[str] | None = None,
        account_column: str | None = None,
        target_accounts: TargetAccounts | str | os.PathLike[str] | Sequence[str] | pd.DataFrame | None = None,
        account_status: AccountStatus | str | os.PathLike[str] | pd.DataFrame | None = None,
        as_of: str | None = None,
        engine: str | None = None,
        spark: Any = None,
    ) -> Calibrator:
        """Compute close rates, tests and points from historical leads.

        Parameters
        ----------
        data : DataFrame or path
            The lead export (CSV, Parquet, Excel or a DataFrame).
        target : str
            The outcome column.
        positive : sequence, optional
            Values of ``target`` that mean "became a customer"; optional for
            0/1 and boolean-like columns.
        exclude : sequence
            Values of ``target`` whose leads are still undecided (e.g.
            ``Open``): left out and counted.
        drop : sequence of str
            Columns not to use (e.g. fields filled in by sales after contact).
        date_column : str, optional
            A date column: records the training period and makes the holdout
            the latest leads.
        id_column : str, optional
            The lead id column; needed to join an activity log. Duplicate
            ids are refused unless ``duplicate_ids`` says which row to keep.
        duplicate_ids : {"refuse", "first", "last"}
            With ``id_column``: refuse duplicate lead ids (the error names
            them), or keep the first or the last row of each id and count the
            rows dropped (``duplicate_rows_``).
        activities : ActivityLog, DataFrame or path, optional
            An activity log (lead id, activity type, timestamp; columns found
            by name, see :func:`calibrate.activity.read_activities`): adds
            per-type counts, recency and velocity, and the engagement decay.
        account_column : str, optional
            Company domain column keying leads to accounts (default: a
            recognised domain column, else corporate e-mail domains).
        target_accounts : TargetAccounts, path, list or DataFrame, optional
            Target accounts (domains or company names); adds ``account.target``.
        account_status : AccountStatus, path or DataFrame, optional
            What accounts already are (a table with an account, a status such
            as customer or open opportunity, and optionally the date it holds
            from); adds ``account.status`` as of each lead's as-of date.
        as_of : str, optional
            The reference date of derived signals: a date column (the outcome
            date, e.g. ``decided_date``; blank cells take the activity log's
            cut-off) or one ISO date. Default: a column named like
            ``decided_date``/``closed_date`` when there is one.
        engine : {"auto", "pandas", "duckdb", "spark"}, optional
            Where the pass over the rows runs (see :mod:`calibrate.engine_fit`).
            Default (``None``/``"auto"``): pandas for DataFrames and files under
            512 MiB as CSV, DuckDB (out of core) for bigger CSV and Parquet
            files unless activities, account lists or ``duplicate_ids``
            first/last need every lead in memory
            (:func:`calibrate.engine_fit.choose_engine`), Spark for a Spark
            DataFrame. On DuckDB and Spark, counts and close
            rates use every lead and the row-level steps a stratified sample
            of ``sample_size`` leads; the holdout is a hash of each row's
            content. Derived signals (e-mail, title, activity logs, account
            lists) need ``engine="pandas"``.
        spark : SparkSession, optional
            The session for ``engine="spark"`` (a path or a Spark DataFrame).

        Returns
        -------
        Calibrator
            ``self``, fitted.
        """
        self._check_parameters()
        with small_pages():  # short-lived arrays: huge pages cost more than they save (calibrate.memory)
            in_memory = {"activities": activities, "target_accounts": target_accounts, "account_status": account_status,
                         f"duplicate_ids={duplicate_ids!r}": None if duplicate_ids == "refuse" else duplicate_ids}
            chosen, why = choose_engine(data, engine, in_memory_for=[k for k, v in in_memory.items() if v is not None])
            if chosen != "pandas":
                refused = {"activities": activities, "target_accounts": target_accounts, "account_status": account_status}
                given = [name for name, value in refused.items() if value is not None]
                if given:
                    raise DataError(f"{', '.join(given)} need every lead in memory to derive signals; fit with "
                                    "engine='pandas' (CLI --engine pandas), or derive the signals in the warehouse")
                if duplicate_ids not in ("refuse", "first", "last"):
                    raise ValueError(f"duplicate_ids must be 'refuse', 'first' or 'last', got {duplicate_ids!r}")
                with Steps(["outcome and split", "samples", "counting every lead", "tests and points", "backtest"],
                           enabled=progress_wanted(self.progress)) as steps:
                    return self._fit_on_engine(EngineTable(data, chosen, spark=spark), why, target, steps,
                                               positive=positive, exclude=exclude, drop=drop, date_column=date_column,
                                               id_column=id_column, duplicate_ids=duplicate_ids)
            with Steps(["reading", "signals", "attributes and tests", "points", "backtest"],
                       enabled=progress_wanted(self.progress)) as steps:
                return self._fit_in_memory(data, target, steps, positive=positive, exclude=exclude, drop=drop,
                                           date_column=date_column, id_column=id_column, duplicate_ids=duplicate_ids,
                                           activities=activities, account_column=account_column,
                                           target_accounts=target_accounts, account_status=account_status, as_of=as_of,
                                           why=why)

    def _fit_in_memory(self, data: Any, target: str, steps: Steps, *, positive: Sequence[object] | None,
                       exclude: Sequence[object], drop: Sequence[str], date_column: str | None,
                       id_column: str | None, duplicate_ids: str, activities: Any, account_column: str | None,
                       target_accounts: Any, account_status: Any, as_of: str | None, why: str) -> Calibrator:
        """Fit with every lead in memory (pandas)."""
        self.engine_: dict[str, Any] = {"name": "pandas", "reason": why}
        steps.advance("reading")
        # The title rules' patterns take some 50 ms of Python to compile on first use: compiled on a thread while
        # the file is read (the reader lets go of the interpreter lock), not later beside the row hashing.
        compiling = in_background(compile_title_rules) if self.signals else None
        frame = read_leads_coded(data)
        if compiling is not None:
            compiling.result()
        if frame.empty:
            raise DataError("the data has no rows")
        if duplicate_ids not in ("refuse", "first", "last"):
            raise ValueError(f"duplicate_ids must be 'refuse', 'first' or 'last', got {duplicate_ids!r}")
        self.duplicate_rows_: int = 0
        if id_column is not None:
            frame, self.duplicate_rows_ = check_duplicate_ids(frame, id_column, keep=duplicate_ids)
        n_rows = len(frame)
        steps.advance("signals")
        # Keyed on row content, so the same leads are held out whatever the order of the rows. Derived signals
        # are functions of the file's columns: hashing those alone keeps the split (and the fingerprint) of a
        # fit with signals and one without the same. Hashed on a thread while the signals are derived.
        file_columns = list(frame.columns)
        # One column after the other on that thread: with threads of its own it took as long, on both cores.
        hashing = in_background(functools.partial(sorted_row_hashes, threads=False), frame, file_columns)
        frame, derived_decided = self._derive(frame, id_column=id_column, activities=activities,
                                              account_column=account_column, target_accounts=target_accounts,
                                              account_status=account_status, as_of=as_of, date_column=date_column)
        unknown = [c for c in [*drop, *([date_column] if date_column else [])] if c not in frame.columns]
        if unknown:
            raise DataError(f"column(s) {unknown} not in the data{suggest_columns(str(unknown[0]), frame.columns)}")
        unknown = [c for c in [*self.monotone, *(self.groups or {})] if c not in frame.columns]
        if unknown:
            raise DataError(f"monotone/groups name column(s) {unknown} not in the data"
                            f"{suggest_columns(str(unknown[0]), frame.columns)}")
        outcome = resolve_target(frame, target, positive=positive, exclude=exclude, placeholders=self.placeholders)
        decided_rows = frame if outcome.keep.all() else take_rows(frame, outcome.keep)
        derived = set(self.signals_.outputs) if self.signals_ is not None else set()
        raw = [c for c in frame.columns if c not in derived]
        raw_row_hashes = hashing.result()
        if raw != file_columns:  # a derived signal named like a column of the file replaced it
            raw_row_hashes = sorted_row_hashes(frame, raw)
        elif self.junk_rows_:
            raw_row_hashes = raw_row_hashes[~np.asarray(self.derived_.junk, dtype=bool)]
        # The fingerprint sorts every row hash: on a thread, taken when the config is written.
        fingerprinting = (in_background(fingerprint_of_rows, raw, raw_row_hashes)
                          if len({str(c) for c in raw}) == len(raw) else None)
        keys = raw_row_hashes if outcome.keep.all() else raw_row_hashes[outcome.keep]  # read only: no copy needed
        period = self._period(decided_rows, date_column, allow_unparseable=self.holdout is None)
        if self.holdout is not None:
            dates = decided_rows[date_column] if date_column else None
            train, test = holdout_split(len(decided_rows), outcome.y, dates=dates, test_size=self.holdout,
                                        seed=self.random_state, row_keys=keys)
            self.split_: str = (f"time: the latest {self.holdout:.0%} of leads by {date_column} held out" if date_column
                                else f"stratified random: {self.holdout:.0%} of leads held out (seed {self.random_state})")
        else:
            train, test = np.ones(outcome.leads, dtype=bool), None
            self.split_ = "none: fitted on all leads"
        rows, y = take_rows(decided_rows, train), outcome.y[train]

        self.outcome_: Outcome = outcome
        self.train_: np.ndarray = train
        self.n_rows_: int = n_rows
        self.target_: str = target
        self.period_: dict[str, str] | None = period
        self._training_y = y
        self.train_leads_: int = len(y)
        self.train_customers_: int = int(y.sum())
        self.decided_leads_: int = outcome.leads
        self.decided_customers_: int = outcome.customers
        self.baseline_: Baseline = baseline_rate(len(y), int(y.sum()), self.confidence)
        decided = {target: "the target (outcome) column"}
        decided.update({c: "dropped by the user" for c in drop if c != target})
        if date_column:
            decided[date_column] = "the date column (records the training period)"
        decided.update({c: r for c, r in derived_decided.items() if c not in decided})
        steps.advance("attributes and tests")
        self._training_keys: np.ndarray | None = keys[train]
        self._fit_attributes(rows, y, decided, row_keys=self._training_keys)
        steps.advance("points")
        self._fit_decay(outcome, train)
        self._fit_grades(y, self._fit_points(y))
        self.backtest_: dict[str, Any] | None = None
        self.fingerprint_: str = data_fingerprint(frame[raw]) if fingerprinting is None else fingerprinting.result()
        # The held-out rows keep their derived columns.
        held_out = None if test is None else lambda: (take_rows(decided_rows, test), outcome.y[test])
        self._write_config(steps, held_out)
        return self

    def _fit_on_engine(self, table: EngineTable, why: str, target: str, steps: Steps, *, positive: Sequence[object] | None,
                       exclude: Sequence[object], drop: Sequence[str], date_column: str | None,
                       id_column: str | None, duplicate_ids: str) -> Calibrator:
        """Fit with counts over every row on DuckDB or Spark and row-level steps on samples."""
        table.check_columns([*drop, *([date_column] if date_column else []), *([id_column] if id_column else [])],
                            "column(s)")
        table.check_columns([*self.monotone, *(self.groups or {})], "monotone/groups name column(s)")
        self.duplicate_rows_ = 0
        if id_column is not None:
            repeated = table.duplicate_ids(id_column)
            if len(repeated):
                shown = ", ".join(f"{v!r} ({n} rows)" for v, n in zip(repeated["id"], repeated["n_rows"]))
                how = ("" if duplicate_ids == "refuse" else
                       f"; duplicate_ids={duplicate_ids!r} needs the rows in memory (engine='pandas'), ")
                raise DataError(f"lead id column {id_column!r} has duplicate ids, e.g. {shown}{how}"
                                "; remove the duplicates in the source first")
        steps.advance("outcome and split")
        drawn: EngineSample = draw_engine_sample(table, target, positive=positive, exclude=exclude,
                                                 placeholders=self.placeholders, holdout=self.holdout,
                                                 seed=self.random_state, sample_size=self.sample_size)
        self.signals_, self.derived_, self.activity_log_, self.junk_rows_ = None, None, None, 0
        if self.signals:
            self._warn_signals_not_derived(drawn.train)
        self.outcome_ = drawn.outcome
        self.n_rows_ = drawn.rows
        self.target_ = target
        self.fingerprint_ = drawn.fingerprint
        samples = [drawn.train, *([drawn.test] if drawn.test is not None else [])]
        self.period_ = self._period(pd.concat([s[[date_column]] for s in samples], ignore_index=True),
                                    date_column) if date_column else None
        self.split_ = drawn.split
        self.train_ = np.ones(len(drawn.train_y), dtype=bool)
        self._training_y = drawn.train_y
        self._training_keys = None  # the samples are in row-hash order: their first rows are already order-free
        self.train_leads_, self.train_customers_ = drawn.train_leads, drawn.train_customers
        self.decided_leads_ = drawn.train_leads + drawn.test_leads
        self.decided_customers_ = drawn.train_customers + drawn.test_customers
        self.baseline_ = baseline_rate(drawn.train_leads, drawn.train_customers, self.confidence)
        self.engine_ = {"name": table.engine, "reason": why, "rows_counted": drawn.train_leads,
                        "sample_leads": len(drawn.train_y),
                        "test_sample_leads": len(drawn.test_y) if drawn.test_y is not None else 0}
        decided = {target: "the target (outcome) column"}
        decided.update({c: "dropped by the user" for c in drop if c != target})
        if date_column:
            decided[date_column] = "the date column (records the training period)"
        if id_column:
            decided[id_column] = "the lead id"

        def count_on_engine(specs: list[AttributeSpec]) -> tuple[list[AttributeSpec], pd.DataFrame, list[str]]:
            steps.advance("counting every lead")
            by_bin = binned_on_engine(table, specs, drawn.train)
            counted = value_counts(table.source, [s.name for s in specs], target, engine=table.engine,
                                   spark=table.spark, where=drawn.train_where, values=by_bin)
            specs = refine_specs(specs, counted, min_support=self.min_support, n_bins=self.n_bins,
                                 user_bins=[*(self.bins or {}), *by_bin])
            return specs, level_counts(specs, counted, drawn.outcome_of), list(by_bin)

        self._fit_attributes(drawn.train, drawn.train_y, decided, count=count_on_engine,
                             sample_share=len(drawn.train_y) / drawn.train_leads)
        steps.advance("tests and points")
        self.decay_, self.decay_curve_ = None, None
        self._fit_grades(drawn.train_y, self._fit_points(drawn.train_y))
        self.backtest_ = None
        has_test = drawn.test is not None and len(drawn.test) > 0
        self._write_config(steps, (lambda: (drawn.test, drawn.test_y)) if has_test else None)
        return self

    def _write_config(self, steps: Steps, held_out: Callable[[], tuple[pd.DataFrame, np.ndarray]] | None) -> None:
        """Set ``config_``; with held-out leads, a draft config scores them and the backtest's sections are added."""
        from calibrate.document import build_document, with_backtest

        draft = build_document(self, draft=held_out is not None)
        self.config_: ScoringConfig = ScoringConfig._draft(draft) if held_out is not None else ScoringConfig(draft)
        steps.advance("backtest")
        if held_out is not None:
            self._backtest(*held_out())
            self.config_ = ScoringConfig(with_backtest(draft, self))  # as build_document would write it whole

    def _warn_signals_not_derived(self, rows: pd.DataFrame) -> None:
        """Warn when an engine fit meets e-mail or job-title columns: their signals are derived in memory only."""
        from calibrate.signals.detect import detect_signal_columns

        found = detect_signal_columns(rows, placeholders=self.placeholders)
        columns = [*found.email, *found.title]
        if columns:
            warnings.warn(f"column(s) {columns} hold e-mail addresses or job titles; their derived signals "
                          "(email.domain_type, title.role, title.seniority) are computed with every lead in memory, "
                          "so on this engine the columns are fitted as they are. Fit with engine='pandas' (CLI "
                          "--engine pandas) to score the signals, or signals=False (CLI --no-signals) for no signals",
                          DataQualityWarning, stacklevel=4)

    def _derive(self, frame: pd.DataFrame, *, id_column: str | None, activities: Any, account_column: str | None,
                target_accounts: Any, account_status: Any, as_of: str | None,
                date_column: str | None) -> tuple[pd.DataFrame, dict[str, str]]:
        """Add the derived signals to the lead table and set junk leads aside; reasons for the source columns."""
        self.signals_: SignalRecipe | None = None
        self.derived_: DerivedSignals | None = None
        self.activity_log_: ActivityLog | None = None
        self.junk_rows_: int = 0
        log = None
        if activities is not None:
            log = activities if isinstance(activities, ActivityLog) else read_activities(activities)
        targets = None
        if isinstance(target_accounts, pd.DataFrame):
            # A table: its domain or company columns hold the entries.
            headers = [c for c in target_accounts.columns if str(c).strip().casefold().replace(" ", "_") in
                       ("domain", "company_domain", "website", "url", "company", "company_name", "account", "name")]
            target_accounts = pd.concat([target_accounts[c] for c in headers]).tolist() if headers else []
        if target_accounts is not None:
            targets = target_accounts if isinstance(target_accounts, TargetAccounts) else read_target_accounts(
                target_accounts)
        statuses = None
        if account_status is not None:
            statuses = account_status if isinstance(account_status, AccountStatus) else read_account_status(
                account_status)
        recipe = plan_signals(frame, detect=bool(self.signals), id_column=id_column, activities=log,
                              account_column=account_column, target_accounts=targets, account_status=statuses,
                              as_of=as_of,
                              created_column=date_column, drop_junk=self.drop_junk, placeholders=self.placeholders)
        if not recipe.outputs:
            return frame, {}
        derived = derive_signals(frame, recipe, activities=log, placeholders=self.placeholders, categorical_text=True)
        self.signals_, self.derived_, self.activity_log_ = recipe, derived, log
        # Who the person is (name, address, company) is identity, not a trait; a raw job title is summarised by
        # its role and seniority, which also score titles never seen in training.
        reasons: dict[str, str] = {}
        for role, column in recipe.form.items():
            if role != "email":
                reasons[column] = f"{role.replace('_', ' ')}: identity, used only to check form-fill junk"
        if recipe.company:
            reasons[recipe.company] = "company name: identity, used only to match account lists"
        if recipe.email:
            reasons[recipe.email] = "e-mail address: identity; its domain type is scored as email.domain_type"
        if recipe.account:
            reasons[recipe.account] = "account key (company domain): identity; account signals are derived from it"
        if recipe.title and _distinct_values(frame[recipe.title], self.placeholders) > _DROPDOWN_VALUES:
            # Free text: the role and seniority generalise to titles never seen in training. A drop-down field
            # (a few values) stays a candidate, and the redundancy check keeps the stronger of it and its signals.
            reasons[recipe.title] = "job title (free text): scored through title.role and title.seniority"
        if recipe.id_column:
            reasons[recipe.id_column] = "the lead id (joins the activity log)"
        if recipe.as_of_column:
            reasons[recipe.as_of_column] = "the as-of date of derived signals (the outcome date)"
        frame = pd.concat([frame, derived.frame], axis=1)
        if derived.junk.any():
            self.junk_rows_ = int(derived.junk.sum())
            frame = take_rows(frame, ~np.asarray(derived.junk, dtype=bool))
            if frame.empty:
                raise DataError("every lead was set aside as junk; fit without drop_junk (CLI: without --drop-junk)")
        return frame, {c: r for c, r in reasons.items() if c in frame.columns}

    def _fit_decay(self, outcome: Outcome, train: np.ndarray) -> None:
        """Estimate the engagement half-life on the training leads (with an activity log)."""
        self.decay_: Any = None
        self.decay_curve_: pd.DataFrame | None = None
        features = self.derived_.activity if self.derived_ is not None else None
        if features is None or not self.decay:
            return
        from calibrate.decay import decay_curve, estimate_half_life

        # Positions of the training leads among the rows the derivation saw (junk rows included).
        kept_rows = np.flatnonzero(~self.derived_.junk)
        training_rows = kept_rows[np.flatnonzero(outcome.keep)[train]]
        position = np.full(len(self.derived_.junk), -1)
        position[training_rows] = np.arange(len(training_rows))
        events = features.events
        lead = position[events.lead]
        use = lead >= 0
        y = self.training_y_
        recency = features.frame["activity.days_since_last"].to_numpy()[training_rows]
        self.decay_curve_ = decay_curve(recency, y, confidence=self.confidence)
        if not use.any() or y.min() == y.max():
            return
        kept_events = type(events)(lead=lead[use], type_code=events.type_code[use], age_days=events.age_days[use])
        self.decay_ = estimate_half_life(kept_events, len(training_rows), len(self.signals_.activity_types), y,
                                         random_state=self.random_state, confidence=self.confidence)

    def _fit_attributes(self, rows: pd.DataFrame, y: np.ndarray, decided: Mapping[str, str], *,
                        count: Any = None, sample_share: float = 1.0, row_keys: np.ndarray | None = None) -> None:
        """Choose and clean the attributes, count their levels, test them and select.

        ``count`` (on an engine) takes the specs chosen on ``rows``, a sample
        holding ``sample_share`` of the training leads, and returns them with
        levels set from every lead, their counts, and the numeric columns
        binned at the sample's edges. ``row_keys`` (a content hash per row)
        picks the rows of the redundancy check on large tables.
        """
        derived = set(self.signals_.outputs) if self.signals_ is not None else set()
        raw_columns = [c for c in rows.columns if c not in derived]
        # On a sample the support is scaled down: the levels are set again from the full counts.
        specs, left_out, notes = infer_attributes(
            rows, min_support=max(1, math.ceil(self.min_support * sample_share)), n_bins=self.n_bins, bins=self.bins, categorical=self.categorical,
            placeholders=self.placeholders, left_out=decided, last_column=raw_columns[-1] if raw_columns else None)
        if not specs:
            reasons = "; ".join(f"{o.column}: {o.reason}" for o in left_out if o.column != self.target_)
            raise DataError(f"no usable attribute is left to score ({reasons or 'the data has only the target column'}); "
                            "add attribute columns or lower min_support")
        if count is None:
            counts, codes = count_levels(rows, specs, y)
        else:
            specs, counts, sampled = count(specs)
            codes = encode_all(rows, specs)
            notes = engine_notes(notes, specs, counts, min_support=self.min_support, n_bins=self.n_bins,
                                 user_bins=list(self.bins or {}), sampled=sampled)
        names = [spec.name for spec in specs]
        stats = level_statistics(counts[["leads", "customers"]], confidence=self.confidence,
                                 correction=self.correction, min_support=self.min_support)
        stats.insert(0, "level_kind", counts.loc[stats.index, "level_kind"])
        attribute_stats = attribute_statistics(counts[["leads", "customers"]])

        leakage = detect_leakage(attribute_stats, stats, iv_bound=self.leakage_iv)
        handling = ("left out (pass leakage='keep', CLI --keep-leaky, to use it)" if self.leakage == "exclude"
                    else "kept because leakage='keep'")
        for _, suspect in leakage.iterrows():
            warnings.warn(f"attribute {suspect['attribute']!r} looks like it leaks the outcome ({suspect['reason']}): "
                          f"fields filled in after contact learn the answer instead of predicting it; {handling}",
                          LeakageWarning, stacklevel=4)
        excluded = ({row["attribute"]: f"leakage suspect: {row['reason']}" for _, row in leakage.iterrows()}
                    if self.leakage == "exclude" else {})
        cramers_v = None
        if self.redundancy_bound < 1 and len(specs) > 1:
            cramers_v = cramers_v_matrix({n: codes[n] for n in names}, {s.name: len(s.level_labels) for s in specs},
                                         seed=self.random_state, row_keys=row_keys)
        selection = select_attributes(attribute_stats.loc[names], cramers_v, max_attributes=self.max_attributes,
                                      redundancy_bound=self.redundancy_bound, alpha=self.alpha, exclude=excluded)
        kept = set(selection.loc[selection["selected"], "attribute"])
        dropped = {row["attribute"]: row["reason"].removeprefix("dropped: ")
                   for _, row in selection.iterrows() if not row["selected"]}
        specs = [spec for spec in specs if spec.name in kept]
        if not specs:
            raise DataError("every attribute was left out (" + "; ".join(f"{k}: {v}" for k, v in dropped.items())
                            + "); pass leakage='keep' or raise max_attributes")
        order = {c: i for i, c in enumerate(rows.columns)}
        left_out = sorted([*left_out, *(LeftOut(a, r) for a, r in dropped.items())], key=lambda o: order[o.column])
        if len(specs) < len(names):  # the q-values correct for the levels of the attributes kept only
            names = [spec.name for spec in specs]
            counts = counts.loc[names]
            stats = level_statistics(counts[["leads", "customers"]], confidence=self.confidence,
                                     correction=self.correction, min_support=self.min_support)
            stats.insert(0, "level_kind", counts.loc[stats.index, "level_kind"])
        stats["significant"] = stats["q_value"] < self.alpha

        self.specs_: list[AttributeSpec] = specs
        self.left_out_: list[LeftOut] = left_out
        self.notes_: list[CleaningNote] = notes
        self.counts_: pd.DataFrame = counts
        self.stats_: pd.DataFrame = stats
        self.attribute_stats_: pd.DataFrame = attribute_stats
        self.leakage_: pd.DataFrame = leakage
        self.leakage_suspects_: list[str] = leakage["attribute"].astype(str).tolist()
        self.selection_: pd.DataFrame = selection
        self._codes = {name: codes[name] for name in names}
        small = stats[stats["small_support"]]
        if len(small):
            examples = ", ".join(f"{a}={lvl!r} ({n})" for (a, lvl), n in small["leads"].head(3).items())
            warnings.warn(f"{len(small)} level(s) have fewer than {self.min_support} leads (e.g. {examples}); "
                          "their close rates are uncertain and they score 0 unless the evidence is significant",
                          SmallSampleWarning, stacklevel=4)

    def _fit_points(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """Points, their groups and the training leads' scores; returns each lead's fit and engagement totals."""
        result: PointsResult = derive_points(self.specs_, self._codes, y, self.stats_, self._settings(),
                                             row_keys=self._training_keys)
        self.points_result_: PointsResult = result
        self.base_points_: int = result.base
        by_level = {}
        raw_by_level = {}
        for spec in self.specs_:
            for label, value, raw in zip(spec.level_labels, result.points[spec.name], result.raw_points[spec.name]):
                by_level[(spec.name, label)] = int(value)
                raw_by_level[(spec.name, label)] = float(raw)
        index = pd.MultiIndex.from_tuples(list(by_level), names=["attribute", "level"])
        self.points_: pd.Series = pd.Series(list(by_level.values()), index=index, name="points", dtype=np.int64)
        self.stats_["shrunk_rate"] = result.shrunk_rate
        self.stats_["raw_points"] = pd.Series(raw_by_level).reindex(self.stats_.index).to_numpy()
        self.stats_["points"] = self.points_.reindex(self.stats_.index).to_numpy()
        names = {s.name for s in self.specs_}
        derived_groups = ({k: v for k, v in signal_groups(self.signals_.outputs).items() if k in names}
                          if self.signals_ is not None else {})
        self.groups_: dict[str, str] = assign_groups([s.name for s in self.specs_], {**derived_groups,
                                                                                      **(self.groups or {})})
        # A lead's score is the base plus its fit and engagement totals: one lookup per attribute and lead for both.
        totals = self._group_scores()
        self.training_scores_: np.ndarray = np.add(totals["fit"], totals["engagement"]) + result.base
        if self.total_cap is not None:
            self.training_scores_ = np.clip(self.training_scores_, -self.total_cap, self.total_cap)
        return totals

    def _group_scores(self) -> dict[str, np.ndarray]:
        """Each training lead's total points of the fit attributes and of the engagement attributes."""
        n_rows = len(self.training_y_)
        totals = {"fit": np.zeros(n_rows, dtype=np.int64), "engagement": np.zeros(n_rows, dtype=np.int64)}
        looked_up = np.empty(n_rows, dtype=np.int64)  # reused: new memory costs page faults
        for spec in self.specs_:
            # Codes from encode_all index the levels' points: nothing is clipped.
            totals[self.groups_[spec.name]] += np.take(self.points_result_.points[spec.name].astype(np.int64, copy=False),
                                                       self._codes[spec.name], out=looked_up, mode="clip")
        return totals

    def _fit_grades(self, y: np.ndarray, totals: dict[str, np.ndarray]) -> None:
        """Fit and engagement grade edges from the training leads' group ``totals``, and the in-sample matrix."""
        self.grade_edges_: dict[str, list[float]] | None = None
        self.grade_matrix_: pd.DataFrame | None = None
        if not self.grades:
            return
        self.grade_edges_ = {"fit": grade_edges(totals["fit"], 4), "engagement": grade_edges(totals["engagement"], 4)}
        fit = grade_codes(totals["fit"], self.grade_edges_["fit"], FIT_LABELS)
        engagement = grade_codes(totals["engagement"], self.grade_edges_["engagement"], ENGAGEMENT_LABELS)
        self.grade_matrix_ = grade_matrix_of_codes(y, fit, engagement, confidence=self.confidence)
        self.grade_source_ = "in_sample"

    def _backtest(self, rows: pd.DataFrame, y: np.ndarray) -> None:
        """Score the held-out leads with the config, as any scorer would, and measure."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unseen values are expected on new leads and counted by the scorer
            derived = rows[list(self.signals_.outputs)] if self.signals_ is not None else None
            scored = score_leads(self.config_, rows.drop(columns=derived.columns) if derived is not None else rows,
                                 derived=derived)
        scores = scored["score"].to_numpy()
        self._test_y, self._test_scores, self._test_rows = y, scores, rows
        self._test_grades = scored["grade"].to_numpy() if "grade" in scored else None
        self._test_unseen = scored.attrs.get("unseen", {})
        edges = calibration_edges(self.training_scores_, n_bands=5)
        # A score reads as a probability through the training leads' close rate in its band; the Brier
        # score then measures those probabilities on the held-out leads.
        in_sample = calibration_table(self.training_y_, self.training_scores_, edges, confidence=self.confidence)
        rates = in_sample["close_rate"].fillna(self.baseline_.rate).to_numpy(dtype=float)
        probability = rates[np.searchsorted(np.asarray(edges, dtype=float), scores, side="right")]
        self.backtest_ = evaluate_scores(y, scores, threshold=int(self.threshold), edges=edges,
                                         probability=probability, confidence=self.confidence)
        self.backtest_["test_leads"], self.backtest_["test_customers"] = len(y), int(y.sum())
        if self.grades and "grade" in scored:
            # The scorer's fit and engagement scores graded by the config's edges: the cells its grade column
            # names, counted from positions instead of a string per lead.
            grades = self.config_._document["grades"]  # read only: to_dict() would deep-copy the document
            fit, engagement = (grade_codes(scored[f"{part}_score"].to_numpy(), grades[part]["edges"],
                                           grades[part]["labels"]) for part in ("fit", "engagement"))
            self.grade_matrix_ = grade_matrix_of_codes(y, fit, engagement, grades["fit"]["labels"],
                                                       grades["engagement"]["labels"], confidence=self.confidence)
            self.grade_source_ = "holdout"

    @staticmethod
    def _period(rows: pd.DataFrame, date_column: str | None, *, allow_unparseable: bool = True) -> dict[str, str] | None:
        if not date_column:
            return None
        dates = check_dates(rows[date_column], date_column, allow_unparseable=allow_unparseable)
        if dates.notna().sum() == 0:
            raise DataError(f"date column {date_column!r} has no parseable dates; give dates like 2025-01-31")
        return {"column": date_column, "start": dates.min().date().isoformat(), "end": dates.max().date().isoformat()}

    def compare(self, data: pd.DataFrame | str | os.PathLike[str], target: str, *,
                positive: Sequence[object] | None = None, exclude: Sequence[object] = (), drop: Sequence[str] = (),
                date_column: str | None = None) -> pd.DataFrame:
        """Fit every point method on one split and compare them with a reference logistic regression.

        See :func:`calibrate.compare.compare_methods`; this calibrator's
        parameters apply to every method.
        """
        from calibrate.compare import compare_methods

        self._check_parameters()
        return compare_methods(self, data, target, positive=positive, exclude=exclude, drop=drop,
                               date_column=date_column)

    def cross_validate(self, data: pd.DataFrame | str | os.PathLike[str], target: str, *,
                       positive: Sequence[object] | None = None, exclude: Sequence[object] = (),
                       drop: Sequence[str] = (), n_splits: int = 5) -> pd.DataFrame:
        """Stratified k-fold cross-validation; see :func:`calibrate.compare.cross_validate`."""
        from calibrate.compare import cross_validate

        self._check_parameters()
        return cross_validate(self, data, target, positive=positive, exclude=exclude, drop=drop, n_splits=n_splits)

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "training_scores_"):
            raise AttributeError("this Calibrator is not fitted yet; call fit(data, target=...) first")

    @property
    def training_y_(self) -> np.ndarray:
        """Outcome of the training leads."""
        return self._training_y

    def summary(self) -> pd.DataFrame:
        """Tidy evidence table: one row per attribute level.

        Columns: ``attribute``, ``level``, ``level_kind``, ``leads``,
        ``customers``, ``close_rate``, ``ci_low``, ``ci_high``, ``lift``,
        ``rate_diff``, ``p_value``, ``test``, ``q_value``, ``small_support``,
        ``significant``, ``shrunk_rate``, ``raw_points`` (before rounding),
        ``points``. Empty levels are not listed.
        """
        self._check_fitted()
        return self.stats_.reset_index()

    def threshold_summary(self) -> dict[str, Any]:
        """In-sample leads, customers, share and close rate at or above the threshold."""
        self._check_fitted()
        above = self.training_scores_ >= self.threshold
        y = self.training_y_
        leads, customers = int(above.sum()), int(y[above].sum())
        rate = customers / leads if leads else None
        return {"leads": leads, "customers": customers, "share_of_leads": leads / len(y),
                "close_rate": rate, "lift": rate / self.baseline_.rate if rate is not None else None}

    def band_summary(self) -> pd.DataFrame:
        """In-sample leads, customers and close rate per band."""
        self._check_fitted()
        bands = self.bands_
        per_band = band_table(self.training_y_, self.training_scores_, bands, confidence=self.confidence)
        names = [b["name"] for b in bands]
        same_name, _ = pd.factorize(pd.Index(names, dtype=object))  # bands sharing a name count together
        leads, customers = (np.bincount(same_name, weights=per_band[column].to_numpy())[same_name].astype(np.int64)
                            for column in ("leads", "customers"))
        grouped = pd.DataFrame({"leads": leads, "customers": customers}, index=pd.Index(names, name="band"))
        grouped["share_of_leads"] = grouped["leads"] / len(self.training_y_)
        grouped["close_rate"] = np.where(grouped["leads"] > 0, grouped["customers"] / grouped["leads"].clip(lower=1), np.nan)
        return grouped

    def threshold_table(self, thresholds: Sequence[int] | None = None) -> pd.DataFrame:
        """For candidate thresholds: share of leads above, their close rate, share of customers captured.

        Held-out leads when the fit had a holdout, the training leads otherwise.
        """
        from calibrate.evaluate import threshold_table

        self._check_fitted()
        if self.backtest_ is not None:
            return threshold_table(self._test_y, self._test_scores, thresholds)
        return threshold_table(self.training_y_, self.training_scores_, thresholds)

    def report(self, title: str | None = None) -> Any:
        """The diagnostic report: evidence, points, and score quality on the held-out leads.

        Without a holdout, score quality is measured in-sample (and the report says so).

        Returns
        -------
        calibrate.report.Report
        """
        from calibrate.report import build_report

        self._check_fitted()
        if self.backtest_ is not None:
            return build_report(self.config_, y=self._test_y, scores=self._test_scores, grades=self._test_grades,
                                notes=self.notes_, unseen=self._test_unseen, evaluation_label="held-out leads",
                                title=title)
        grades = None
        if self.grade_edges_ is not None:
            totals = self._group_scores()
            grades = (pd.Series(assign_grades(totals["fit"], self.grade_edges_["fit"], FIT_LABELS), dtype=object)
                      + pd.Series(assign_grades(totals["engagement"], self.grade_edges_["engagement"],
                                                ENGAGEMENT_LABELS), dtype=object)).to_numpy()
        return build_report(self.config_, y=self.training_y_, scores=self.training_scores_, grades=grades,
                            notes=self.notes_, evaluation_label="training leads (in-sample)", title=title)

    def _repr_html_(self) -> str:
        if not hasattr(self, "config_"):
            return f"<pre>{__import__('html').escape(repr(self))}</pre>"
        return self.report().to_html(fragment=True)

    # ------------------------------------------------------------------ config
    def __repr__(self) -> str:
        params = f"method={self.method!r}, alpha={self.alpha}, min_support={self.min_support}"
        if not hasattr(self, "config_"):
            return f"Calibrator({params})"
        return (f"Calibrator({params}) fitted on {len(self.training_y_)} leads: baseline {self.baseline_.rate:.2%}, "
                f"{len(self.specs_)} attributes, {int((self.points_ != 0).sum())} rules with points")
