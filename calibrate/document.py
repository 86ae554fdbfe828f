"""Build the scoring-config document of a fitted Calibrator.

Numbers are rounded to 6 significant digits here, once, so the document (and
so the YAML/JSON bytes) does not move with the last bits of floating point.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> from calibrate.document import build_document
>>> cal = Calibrator().fit(load_sample_leads(), target="stage", positive=["Closed Won"], exclude=["Open"])
>>> sorted(build_document(cal))[:4]
['attributes', 'calibration', 'cleaning', 'evaluation']
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from calibrate import __version__
from calibrate.attributes import MISSING, OTHER, AttributeSpec, NumericSpec
from calibrate.config import SCHEMA_VERSION

if TYPE_CHECKING:
    from calibrate.calibrator import Calibrator

__all__ = ["build_document", "with_backtest"]

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


def _whole(value: float) -> float | int:
    """Integers stay integers (50, not 50.0), so the CLI and the API write the same bytes."""
    return int(value) if float(value).is_integer() else _num(value)


def _created_at(created_at: str | datetime | None) -> str | None:
    if isinstance(created_at, datetime):
        return created_at.isoformat()
    if created_at is not None:
        return str(created_at)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC).isoformat()
    return None


def _rates(row: pd.Series | dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: _num(row[k]) for k in keys}


_EVIDENCE_COLUMNS = ("leads", "customers", "close_rate", "ci_low", "ci_high", "shrunk_rate", "lift", "p_value",
                     "q_value")


def _evidence_of(cal: Calibrator) -> Callable[[str, str], dict[str, Any]]:
    """The evidence of each ``(attribute, level)``, read from ``stats_`` in one pass (a lookup per level is slow)."""
    points = {key: int(value) for key, value in cal.points_.items()}
    stats = cal.stats_[[c for c in _EVIDENCE_COLUMNS if c in cal.stats_.columns]]
    rows = dict(zip(stats.index, stats.to_dict("records"), strict=True))
    shrunk = cal.points_result_.shrinkage.get("method") != "none"

    def evidence(attribute: str, level: str) -> dict[str, Any]:
        key = (attribute, level)
        row = rows.get(key)
        if row is None:
            return {"points": points.get(key, 0), "leads": 0, "customers": 0}
        found = {"points": points.get(key, 0), "leads": int(row["leads"]), "customers": int(row["customers"]),
                 **_rates(row, ("close_rate", "ci_low", "ci_high"))}
        if shrunk:
            found["shrunk_rate"] = _num(row["shrunk_rate"])
        found.update(_rates(row, ("lift", "p_value", "q_value")))
        return found

    return evidence


def _attribute(cal: Calibrator, spec: AttributeSpec, evidence: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    if isinstance(spec, NumericSpec):
        def edge(x: float | None) -> float | int | None:
            return int(x) if x is not None and spec.integer and float(x).is_integer() else _num(x)

        bins = [{"lower": edge(lo), "upper": edge(hi), "label": label, **evidence(spec.name, label)}
                for (lo, hi), label in zip(spec.bounds, spec.labels)]
        head: dict[str, Any] = {"name": spec.name, "kind": "numeric", "group": cal.groups_[spec.name],
                                "integer": spec.integer, "bins": bins}
    else:
        levels = [{"value": value, **evidence(spec.name, value)} for value in spec.levels]
        head = {"name": spec.name, "kind": "categorical", "group": cal.groups_[spec.name], "levels": levels}
        if spec.other_values:
            head["other"] = {"values": list(spec.other_values), **evidence(spec.name, OTHER)}
    head["missing"] = evidence(spec.name, MISSING)
    head["unseen"] = {"points": 0}
    return head


def _method(cal: Calibrator) -> dict[str, Any]:
    result = cal.points_result_
    method: dict[str, Any] = {"name": cal.method, "alpha": float(cal.alpha), "correction": cal.correction,
                              "min_support": int(cal.min_support)}
    if cal.method == "lift":
        method["points_per_lift"] = _whole(cal.points_per_lift)
    else:
        method["points_to_double_odds"] = _whole(cal.points_to_double_odds)
    if cal.method == "logistic":
        method["C"] = _whole(cal.C)
    shrinkage = {"method": result.shrinkage.get("method", "none")}
    if shrinkage["method"] != "none":
        shrinkage.update(prior_mean=_num(result.shrinkage.get("prior_mean")),
                         prior_strength=_num(result.shrinkage.get("prior_strength")))
        if result.shrinkage.get("capped"):
            shrinkage["note"] = "no overdispersion between levels: the prior strength hit its cap"
    method.update({"confidence": float(cal.confidence), "n_bins": int(cal.n_bins), "shrinkage": shrinkage,
                   "attribute_cap": cal.attribute_cap, "monotone": list(cal.monotone)})
    if result.rounding:
        method["rounding"] = {k: _num(v) for k, v in result.rounding.items()}
    method["selection"] = {"max_attributes": cal.max_attributes, "redundancy_bound": float(cal.redundancy_bound),
                           "leakage": cal.leakage}
    return method


def _band_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"score_min": _num(r["score_min"]), "score_max": _num(r["score_max"]), "leads": int(r["leads"]),
             "customers": int(r["customers"]), **_rates(r, ("close_rate", "ci_low", "ci_high"))}
            for _, r in table.iterrows()]


def _calibration(cal: Calibrator) -> dict[str, Any]:
    from calibrate.evaluate import calibration_edges, calibration_table

    if cal.backtest_ is not None:
        return {"source": "holdout", "split": cal.split_, "bands": _band_rows(cal.backtest_["calibration"])}
    edges = calibration_edges(cal.training_scores_, n_bands=5)
    table = calibration_table(cal.training_y_, cal.training_scores_, edges, confidence=cal.confidence)
    return {"source": "in_sample", "split": cal.split_, "bands": _band_rows(table)}


def _evaluation(cal: Calibrator) -> dict[str, Any]:
    backtest = cal.backtest_
    evaluation: dict[str, Any] = {"split": cal.split_, "train_leads": int(cal.train_leads_)}
    if backtest is None:
        return evaluation
    side_keys = ("leads", "customers", "share", "close_rate", "ci_low", "ci_high")
    evaluation.update({
        "test_leads": int(backtest["test_leads"]), "test_customers": int(backtest["test_customers"]),
        "auc": _num(backtest["auc"]["auc"]), "auc_ci_low": _num(backtest["auc"]["ci_low"]),
        "auc_ci_high": _num(backtest["auc"]["ci_high"]), "brier": _num(backtest["brier"]),
        "above_threshold": {k: _num(backtest["above_threshold"][k]) for k in side_keys},
        "below_threshold": {k: _num(backtest["below_threshold"][k]) for k in side_keys},
    })
    return evaluation


def _grades(cal: Calibrator) -> dict[str, Any] | None:
    from calibrate.grading import ENGAGEMENT_LABELS, FIT_LABELS, sla_table

    if not cal.grades or cal.grade_edges_ is None:
        return None
    sla = sla_table(cal.sla)
    cells = [{"cell": r["cell"], "fit_grade": r["fit_grade"], "engagement_grade": r["engagement_grade"],
              "leads": int(r["leads"]), "customers": int(r["customers"]),
              **_rates(r, ("close_rate", "ci_low", "ci_high")), "sla": sla[r["cell"]]}
             for _, r in cal.grade_matrix_.iterrows()]
    return {"fit": {"edges": [_whole(e) for e in cal.grade_edges_["fit"]], "labels": list(FIT_LABELS)},
            "engagement": {"edges": [_whole(e) for e in cal.grade_edges_["engagement"]],
                           "labels": list(ENGAGEMENT_LABELS)},
            "source": cal.grade_source_, "cells": cells}


def _decay(cal: Calibrator) -> dict[str, Any] | None:
    """Half-life for scorers that multiply, step rules for scorers that add."""
    from calibrate.decay import decay_multiplier, step_rules

    estimate = cal.decay_
    if estimate is None:
        return None
    section: dict[str, Any] = {
        "half_life_days": _num(estimate.half_life_days), "ci_low": _num(estimate.ci_low),
        "ci_high": _num(estimate.ci_high), "confidence": _num(cal.confidence), "method": estimate.method,
        "holdout_log_loss": _num(estimate.holdout_log_loss), "no_decay_log_loss": _num(estimate.no_decay_log_loss),
        "multiplier_per_30_days": _num(decay_multiplier(estimate.half_life_days, 30)),
    }
    recency = next((s for s in cal.specs_ if s.name == "activity.days_since_last"), None)
    if recency is not None:
        points = [int(cal.points_[(recency.name, label)]) for label in recency.labels]
        section["recency_attribute"] = recency.name
        section["start_points"] = points[0]
        section["step_rules"] = [{"inactive_days": _whole(r["inactive_days"]), "add_points": int(r["add_points"])}
                                 for r in step_rules([min(0.0, recency.edges[0] - 1), *recency.edges], points)]
        section["no_activity_points"] = int(cal.points_[(recency.name, recency.level_labels[-2])])
    if cal.decay_curve_ is not None:
        section["curve"] = [{"days": str(r["days"]), "leads": int(r["leads"]), "customers": int(r["customers"]),
                             "close_rate": _num(r["close_rate"]), "ci_low": _num(r["ci_low"]),
                             "ci_high": _num(r["ci_high"]), "lift": _num(r["lift"])}
                            for _, r in cal.decay_curve_.iterrows()]
    return section


def build_document(cal: Calibrator, *, draft: bool = False) -> dict[str, Any]:
    """The config document (nested dicts and lists) of a fitted calibrator.

    A ``draft`` is built before the backtest, to score the held-out leads:
    its calibration (measured on them afterwards, :func:`with_backtest`) is
    left empty instead of measured on the training leads.
    """
    outcome, baseline = cal.outcome_, cal.baseline_
    evidence = _evidence_of(cal)
    training: dict[str, Any] = {
        "rows": cal.n_rows_, "rows_excluded": outcome.excluded_rows, "rows_without_outcome": outcome.missing_rows,
        "leads": int(cal.train_leads_), "customers": int(cal.train_customers_), "baseline_rate": _num(baseline.rate),
        "baseline_ci_low": _num(baseline.ci_low), "baseline_ci_high": _num(baseline.ci_high),
        "fingerprint": cal.fingerprint_,
    }
    if cal.junk_rows_:
        training["rows_set_aside_as_junk"] = cal.junk_rows_
    if cal.engine_["name"] != "pandas":
        training["engine"] = {"name": cal.engine_["name"], "rows_counted": int(cal.engine_["rows_counted"]),
                              "sample_leads": int(cal.engine_["sample_leads"]),
                              "test_sample_leads": int(cal.engine_["test_sample_leads"])}
    if cal.period_:
        training["period"] = cal.period_
    training["score_bands"] = [
        {"band": str(name), "leads": int(r["leads"]), "customers": int(r["customers"]),
         "share_of_leads": _num(r["share_of_leads"]), "close_rate": _num(r["close_rate"])}
        for name, r in cal.band_summary().iterrows()]
    training["above_threshold"] = {k: _num(v) for k, v in cal.threshold_summary().items()}
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "generator": {"name": "calibrate", "version": __version__}}
    created = _created_at(cal.created_at)
    if created:
        document["created"] = created
    rule = {k: (_num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
            for k, v in cal.points_result_.threshold_rule.items()}
    document.update({
        "target": {"column": outcome.column, "positive": outcome.positive, "negative": outcome.negative,
                   "excluded": outcome.excluded},
        "training": training,
        "method": _method(cal),
        "cleaning": {"placeholders": list(cal.placeholders), "normalization": "nfkc-trim-collapse-casefold"},
        "scale": {"base_points": int(cal.base_points_), "threshold": int(cal.threshold), "threshold_rule": rule,
                  "total_cap": cal.total_cap, "band_style": "custom" if cal.bands is not None else cal.band_style,
                  "bands": cal.bands_},
        "attributes": [_attribute(cal, spec, evidence) for spec in cal.specs_],
        "left_out": [{"column": str(o.column), "reason": o.reason} for o in cal.left_out_],
        "calibration": None if draft else _calibration(cal),
        "evaluation": _evaluation(cal),
    })
    if cal.signals_ is not None:
        document["signals"] = cal.signals_.to_document()
    decay = _decay(cal)
    if decay:
        document["decay"] = decay
    grades = _grades(cal)
    if grades:
        document["grades"] = grades
    if cal.replaces is not None:
        replaced = cal.replaces if isinstance(cal.replaces, str) else cal.replaces.fingerprint
        document["lineage"] = {"replaces": replaced}
    return document


def with_backtest(draft: dict[str, Any], cal: Calibrator) -> dict[str, Any]:
    """:func:`build_document` of ``cal``, from its ``draft`` built before the backtest ran.

    Only the held-out calibration, the evaluation and the grade cells come
    from the backtest; the other sections are the draft's (in the same
    order, so the YAML is byte for byte the full build's).
    """
    document = dict(draft)
    document["calibration"] = _calibration(cal)
    document["evaluation"] = _evaluation(cal)
    grades = _grades(cal)
    if grades:
        document["grades"] = grades
    return document
