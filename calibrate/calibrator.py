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

import math
import os
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from calibrate import __version__
from calibrate.attributes import AttributeSpec, CleaningNote, LeftOut, NumericSpec, infer_attributes
from calibrate.cleaning import DEFAULT_PLACEHOLDERS
from calibrate.config import DEFAULT_BANDS, SCHEMA_VERSION, ScoringConfig
from calibrate.counting import count_levels
from calibrate.errors import DataError, LeakageWarning, SmallSampleWarning
from calibrate.fingerprint import data_fingerprint
from calibrate.io import read_leads
from calibrate.points import DEFAULT_POINTS_PER_LIFT, METHODS, lift_points
from calibrate.scoring import assign_bands
from calibrate.stats import CORRECTIONS, Baseline, attribute_statistics, baseline_rate, level_statistics
from calibrate.target import Outcome, resolve_target, suggest_columns

__all__ = ["Calibrator"]

_SIGNIFICANT_DIGITS = 6


def _num(value: Any) -> float | int | None:
    """A JSON/YAML-safe number rounded to 6 significant digits (None for NaN)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    if not math.isfinite(value):
        return None
    return float(f"{value:.{_SIGNIFICANT_DIGITS}g}")


def _created_at(created_at: str | datetime | None) -> str | None:
    if isinstance(created_at, datetime):
        return created_at.isoformat()
    if created_at is not None:
        return str(created_at)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC).isoformat()
    return None


class Calibrator:
    """Calibrate lead-scoring points from historical close rates.

    Parameters
    ----------
    method : {"lift"}
        How evidence becomes points; see :mod:`calibrate.points`.
    alpha : float
        False-discovery rate: levels get points only when their q-value is
        below it.
    correction : {"fdr_bh", "fdr_by", "bonferroni", "holm", "none"}
        Multiple-testing correction across all levels of all attributes.
    min_support : int
        Minimum leads of a categorical value before it is pooled into
        ``(other)``, and of a quantile bin before it is merged.
    n_bins : int
        Quantile bins per numeric attribute (fewer when values repeat).
    bins : mapping of column to edges, optional
        Explicit interior bin edges per numeric column, e.g.
        ``{"employees": [10, 21, 51]}`` for 1–9, 10–20, 21–50, 51+.
    categorical : sequence of str
        Numeric-looking columns to treat as categories.
    placeholders : sequence of str
        Values meaning blank (compared without case or surrounding spaces).
    points_per_lift : float
        Points for one unit of lift above the baseline (``lift`` method).
    threshold : int
        The sales-ready score.
    bands : sequence of mappings
        Score bands in order, each ``{"name": ..., "max": ...}`` with ``max``
        exclusive; the last has no ``max``.
    confidence : float
        Level of the confidence intervals.
    leakage_iv : float
        Attributes with a larger information value raise a ``LeakageWarning``:
        values that predict this well are usually filled in after the outcome
        (Siddiqi calls IV above 0.5 "suspicious"; 1.0 keeps false alarms rare).
    created_at : str or datetime, optional
        Timestamp written into the config; by default none (or
        ``SOURCE_DATE_EPOCH`` when set), so configs are reproducible.

    Attributes
    ----------
    outcome_ : Outcome
        The resolved target and the rows left out.
    baseline_ : Baseline
        Overall close rate with its interval.
    specs_ : list of AttributeSpec
        The attributes and their levels or bins.
    left_out_ : list of LeftOut
        Columns not used, with the reason.
    notes_ : list of CleaningNote
        Placeholders read as missing, labels merged, values pooled, bins made.
    counts_ : pandas.DataFrame
        Leads and customers per ``(attribute, level)``.
    stats_ : pandas.DataFrame
        Per-level statistics and points.
    attribute_stats_ : pandas.DataFrame
        Per-attribute association test and information value.
    points_ : pandas.Series
        Integer points per ``(attribute, level)``.
    leakage_suspects_ : list of str
        Attributes whose information value exceeds ``leakage_iv``.
    training_scores_ : numpy.ndarray
        In-sample score of each training lead.
    config_ : ScoringConfig
        The scoring config.

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
        points_per_lift: float = DEFAULT_POINTS_PER_LIFT,
        threshold: int = 100,
        bands: Sequence[Mapping[str, Any]] = DEFAULT_BANDS,
        confidence: float = 0.95,
        leakage_iv: float = 1.0,
        created_at: str | datetime | None = None,
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
        self.threshold = threshold
        self.bands = bands
        self.confidence = confidence
        self.leakage_iv = leakage_iv
        self.created_at = created_at

    # ------------------------------------------------------------------ checks
    def _check_parameters(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, got {self.alpha!r}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must be between 0 and 1, got {self.confidence!r}")
        if self.correction not in CORRECTIONS:
            raise ValueError(f"correction must be one of {CORRECTIONS}, got {self.correction!r}")
        if int(self.min_support) < 1:
            raise ValueError(f"min_support must be a positive count of leads, got {self.min_support!r}")
        if int(self.n_bins) < 1:
            raise ValueError(f"n_bins must be at least 1, got {self.n_bins!r}")
        if not self.leakage_iv > 0:
            raise ValueError(f"leakage_iv must be positive, got {self.leakage_iv!r}")
        if not self.points_per_lift > 0:
            raise ValueError(f"points_per_lift must be positive, got {self.points_per_lift!r}")
        bands = list(self.bands)
        if not bands or "max" in bands[-1] or any("max" not in b for b in bands[:-1]):
            raise ValueError("bands: every band but the last needs a 'max'; the last has none")

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
            A date column giving the training period recorded in the config.

        Returns
        -------
        Calibrator
            ``self``, fitted.
        """
        self._check_parameters()
        frame = read_leads(data)
        if frame.empty:
            raise DataError("the data has no rows")
        unknown = [c for c in [*drop, *([date_column] if date_column else [])] if c not in frame.columns]
        if unknown:
            raise DataError(f"column(s) {unknown} not in the data{suggest_columns(str(unknown[0]), frame.columns)}")
        outcome = resolve_target(frame, target, positive=positive, exclude=exclude, placeholders=self.placeholders)
        rows = frame.loc[outcome.keep]

        decided = {target: "the target (outcome) column"}
        decided.update({c: "dropped by the user" for c in drop if c != target})
        if date_column:
            decided[date_column] = "the date column (records the training period)"
        specs, left_out, notes = infer_attributes(
            rows, min_support=self.min_support, n_bins=self.n_bins, bins=self.bins, categorical=self.categorical,
            placeholders=self.placeholders, left_out=decided,
        )
        if not specs:
            reasons = "; ".join(f"{o.column}: {o.reason}" for o in left_out if o.column != target)
            raise DataError(f"no usable attribute is left to score ({reasons or 'the data has only the target column'}); "
                            "add attribute columns or lower min_support")

        counts, codes = count_levels(rows, specs, outcome.y)
        stats = level_statistics(counts[["leads", "customers"]], confidence=self.confidence,
                                 correction=self.correction, min_support=self.min_support)
        stats.insert(0, "level_kind", counts.loc[stats.index, "level_kind"])
        stats["significant"] = stats["q_value"] < self.alpha
        points = lift_points(stats, alpha=self.alpha, points_per_lift=self.points_per_lift)
        stats["points"] = points

        self.outcome_: Outcome = outcome
        self.n_rows_: int = len(frame)
        self.baseline_: Baseline = baseline_rate(outcome.leads, outcome.customers, self.confidence)
        self.specs_: list[AttributeSpec] = specs
        self.left_out_: list[LeftOut] = left_out
        self.notes_: list[CleaningNote] = notes
        self.counts_: pd.DataFrame = counts
        self.stats_: pd.DataFrame = stats
        self.attribute_stats_: pd.DataFrame = attribute_statistics(counts[["leads", "customers"]])
        self.points_: pd.Series = points
        self.training_scores_: np.ndarray = self._in_sample_scores(codes)
        self.period_: dict[str, str] | None = self._period(rows, date_column)
        self.fingerprint_: str = data_fingerprint(frame)
        small = stats[stats["small_support"] & (stats["level_kind"] != "unseen")]
        if len(small):
            examples = ", ".join(f"{a}={lvl!r} ({n})" for (a, lvl), n in small["leads"].head(3).items())
            warnings.warn(f"{len(small)} level(s) have fewer than {self.min_support} leads (e.g. {examples}); "
                          "their close rates are uncertain and they score 0 unless the evidence is significant",
                          SmallSampleWarning, stacklevel=2)
        self.leakage_suspects_: list[str] = self._leakage_suspects()
        self.config_: ScoringConfig = ScoringConfig(self._document())
        return self

    def _leakage_suspects(self) -> list[str]:
        """Attributes whose information value exceeds ``leakage_iv``, warned about once each."""
        suspects = self.attribute_stats_.index[self.attribute_stats_["information_value"] > self.leakage_iv].tolist()
        for attribute in suspects:
            levels = self.stats_.loc[attribute]
            levels = levels[levels["leads"] >= self.min_support]
            extreme = (levels["close_rate"] - self.baseline_.rate).abs().idxmax() if len(levels) else None
            example = (f"; {extreme!r} closes at {levels.loc[extreme, 'close_rate']:.1%} of "
                       f"{int(levels.loc[extreme, 'leads'])} leads" if extreme is not None else "")
            warnings.warn(f"attribute {attribute!r} predicts the outcome suspiciously well (information value "
                          f"{self.attribute_stats_.loc[attribute, 'information_value']:.2f}{example}); if it is filled "
                          f"in after contact (e.g. by sales) it leaks the outcome: drop it (drop=[...], CLI --drop)",
                          LeakageWarning, stacklevel=3)
        return [str(a) for a in suspects]

    def _in_sample_scores(self, codes: Mapping[str, np.ndarray]) -> np.ndarray:
        total = np.zeros(self.outcome_.leads, dtype=np.int64)
        for spec in self.specs_:
            per_level = self.points_.reindex(pd.MultiIndex.from_arrays(
                [[spec.name] * len(spec.level_labels), spec.level_labels])).fillna(0).to_numpy(dtype=np.int64)
            total += per_level[codes[spec.name]]
        return total

    @staticmethod
    def _period(rows: pd.DataFrame, date_column: str | None) -> dict[str, str] | None:
        if not date_column:
            return None
        dates = pd.to_datetime(rows[date_column], errors="coerce", format="mixed")
        if dates.notna().sum() == 0:
            raise DataError(f"date column {date_column!r} has no parseable dates; give dates like 2025-01-31")
        return {"column": date_column, "start": dates.min().date().isoformat(), "end": dates.max().date().isoformat()}

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "training_scores_"):
            raise AttributeError("this Calibrator is not fitted yet; call fit(data, target=...) first")

    def summary(self) -> pd.DataFrame:
        """Tidy evidence table: one row per attribute level.

        Columns: ``attribute``, ``level``, ``level_kind``, ``leads``,
        ``customers``, ``close_rate``, ``ci_low``, ``ci_high``, ``lift``,
        ``rate_diff``, ``p_value``, ``test``, ``q_value``, ``small_support``,
        ``significant``, ``points``. Empty levels are not listed.
        """
        self._check_fitted()
        return self.stats_.reset_index()

    def threshold_summary(self) -> dict[str, Any]:
        """In-sample leads, customers, share and close rate at or above the threshold."""
        self._check_fitted()
        above = self.training_scores_ >= self.threshold
        leads, customers = int(above.sum()), int(self.outcome_.y[above].sum())
        rate = customers / leads if leads else None
        return {"leads": leads, "customers": customers, "share_of_leads": leads / self.outcome_.leads,
                "close_rate": rate, "lift": rate / self.baseline_.rate if rate is not None else None}

    def band_summary(self) -> pd.DataFrame:
        """In-sample leads, customers and close rate per band."""
        self._check_fitted()
        names = assign_bands(self.training_scores_, list(self.bands))
        frame = pd.DataFrame({"band": names, "customer": self.outcome_.y})
        grouped = frame.groupby("band", sort=False)["customer"].agg(["size", "sum"])
        order = [b["name"] for b in self.bands]
        grouped = grouped.reindex(order, fill_value=0).rename(columns={"size": "leads", "sum": "customers"})
        grouped["share_of_leads"] = grouped["leads"] / self.outcome_.leads
        grouped["close_rate"] = np.where(grouped["leads"] > 0, grouped["customers"] / grouped["leads"].clip(lower=1), np.nan)
        return grouped

    # ------------------------------------------------------------------ config
    def _evidence(self, attribute: str, level: str) -> dict[str, Any]:
        key = (attribute, level)
        if key not in self.stats_.index:
            return {"points": 0, "leads": 0, "customers": 0}
        row = self.stats_.loc[key]
        return {
            "points": int(row["points"]), "leads": int(row["leads"]), "customers": int(row["customers"]),
            "close_rate": _num(row["close_rate"]), "ci_low": _num(row["ci_low"]), "ci_high": _num(row["ci_high"]),
            "lift": _num(row["lift"]), "p_value": _num(row["p_value"]), "q_value": _num(row["q_value"]),
        }

    def _attribute_document(self, spec: AttributeSpec) -> dict[str, Any]:
        from calibrate.attributes import MISSING, OTHER

        if isinstance(spec, NumericSpec):
            def edge(x: float | None) -> float | int | None:
                return int(x) if x is not None and spec.integer and float(x).is_integer() else _num(x)

            bins = [{"lower": edge(lo), "upper": edge(hi), "label": label, **self._evidence(spec.name, label)}
                    for (lo, hi), label in zip(spec.bounds, spec.labels)]
            head: dict[str, Any] = {"name": spec.name, "kind": "numeric", "integer": spec.integer, "bins": bins}
        else:
            levels = [{"value": value, **self._evidence(spec.name, value)} for value in spec.levels]
            head = {"name": spec.name, "kind": "categorical", "levels": levels}
            if spec.other_values:
                head["other"] = {"values": list(spec.other_values), **self._evidence(spec.name, OTHER)}
        head["missing"] = self._evidence(spec.name, MISSING)
        head["unseen"] = {"points": 0}
        return head

    def _document(self) -> dict[str, Any]:
        outcome, baseline = self.outcome_, self.baseline_
        training: dict[str, Any] = {
            "rows": self.n_rows_, "rows_excluded": outcome.excluded_rows, "rows_without_outcome": outcome.missing_rows,
            "leads": outcome.leads, "customers": outcome.customers, "baseline_rate": _num(baseline.rate),
            "baseline_ci_low": _num(baseline.ci_low), "baseline_ci_high": _num(baseline.ci_high),
            "fingerprint": self.fingerprint_,
        }
        if self.period_:
            training["period"] = self.period_
        bands = self.band_summary()
        training["score_bands"] = [
            {"band": str(name), "leads": int(r["leads"]), "customers": int(r["customers"]),
             "share_of_leads": _num(r["share_of_leads"]), "close_rate": _num(r["close_rate"])}
            for name, r in bands.iterrows()
        ]
        training["above_threshold"] = {k: _num(v) for k, v in self.threshold_summary().items()}
        document: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "generator": {"name": "calibrate", "version": __version__},
        }
        created = _created_at(self.created_at)
        if created:
            document["created"] = created
        document.update({
            "target": {"column": outcome.column, "positive": outcome.positive, "negative": outcome.negative,
                       "excluded": outcome.excluded},
            "training": training,
            "method": {"name": self.method, "alpha": float(self.alpha), "correction": self.correction,
                       "min_support": int(self.min_support), "points_per_lift": _num(int(self.points_per_lift) if float(self.points_per_lift).is_integer()
                                               else float(self.points_per_lift)),
                       "confidence": float(self.confidence), "n_bins": int(self.n_bins)},
            "cleaning": {"placeholders": list(self.placeholders), "normalization": "nfkc-trim-collapse-casefold"},
            "scale": {"base_points": 0, "threshold": int(self.threshold), "bands": [dict(b) for b in self.bands]},
            "attributes": [self._attribute_document(spec) for spec in self.specs_],
            "left_out": [{"column": str(o.column), "reason": o.reason} for o in self.left_out_],
        })
        return document

    def __repr__(self) -> str:
        params = f"method={self.method!r}, alpha={self.alpha}, min_support={self.min_support}"
        if not hasattr(self, "config_"):
            return f"Calibrator({params})"
        return (f"Calibrator({params}) fitted on {self.outcome_.leads} leads: baseline {self.baseline_.rate:.2%}, "
                f"{len(self.specs_)} attributes, {int((self.points_ != 0).sum())} rules with points")
