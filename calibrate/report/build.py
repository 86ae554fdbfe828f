"""Build a diagnostic report once; render it as HTML, Markdown and JSON.

A :class:`Report` holds a plain dict (every number behind the report, what
``summary.json`` contains) and the charts as PNG bytes. Rendering never
recomputes anything: ``to_html`` fills a jinja2 template (autoescaped, so a
lead field holding ``<script>`` shows as text), ``to_markdown`` a Markdown
one, ``write`` puts ``report.html``, ``report.md``, ``summary.json`` and the
PNG charts in a folder.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> from calibrate.report import build_report
>>> cal = Calibrator().fit(load_sample_leads(), target="stage", positive=["Closed Won"], exclude=["Open"])
>>> report = build_report(cal.config_, y=cal._test_y, scores=cal._test_scores, notes=cal.notes_)
>>> [section["key"] for section in report.data["sections"]][:3]
['headline', 'data_quality', 'attribute_evidence']
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibrate import __version__
from calibrate.config import ScoringConfig
from calibrate.evaluate import auc_with_ci, calibration_table, gains_table, threshold_table
from calibrate.grading import grade_matrix, split_grades
from calibrate.stats import information_value, wilson_interval

__all__ = ["Report", "build_report"]

_CHART_ORDER = ("score_distribution", "gains", "calibration", "thresholds", "grade_matrix", "points", "decay")


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become None, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return _clean(frame.astype(object).where(frame.notna(), None).to_dict("records"))


def _png(ax: Any) -> bytes:
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    return buffer.getvalue()


def _levels(attribute: dict[str, Any], alpha: float) -> pd.DataFrame:
    rules: list[dict[str, Any]] = []
    if attribute["kind"] == "numeric":
        rules += [dict(b, level=b.get("label", "")) for b in attribute["bins"]]
    else:
        rules += [dict(level, level=level["value"]) for level in attribute["levels"]]
        if "other" in attribute:
            rules.append(dict(attribute["other"], level="(other)"))
    rules.append(dict(attribute["missing"], level="(missing)"))
    frame = pd.DataFrame(rules)
    frame = frame[frame["leads"] > 0].copy()
    for column in ("close_rate", "ci_low", "ci_high", "lift", "q_value"):
        if column not in frame:
            frame[column] = np.nan
    frame["significant"] = frame["q_value"].astype(float) < alpha
    return frame[["level", "points", "leads", "customers", "close_rate", "ci_low", "ci_high", "lift", "q_value",
                  "significant"]].reset_index(drop=True)


class Report:
    """A built report: ``data`` (JSON-safe dict) and ``charts`` (name → PNG bytes).

    Examples
    --------
    >>> report = Report({"title": "t", "sections": []}, {})
    >>> report.to_dict()["title"]
    't'
    """

    def __init__(self, data: dict[str, Any], charts: dict[str, bytes]) -> None:
        self.data = data
        self.charts = charts

    def to_dict(self) -> dict[str, Any]:
        """The numbers behind the report (``summary.json``)."""
        return json.loads(json.dumps(self.data))

    def to_json(self) -> str:
        """``summary.json`` text (deterministic)."""
        return json.dumps(self.data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def _environment(self) -> Any:
        import jinja2

        return jinja2.Environment(
            loader=jinja2.PackageLoader("calibrate", "report/templates"),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def to_html(self, *, fragment: bool = False) -> str:
        """One self-contained HTML page (styles and images inline), or a fragment for notebooks."""
        environment = self._environment()
        environment.filters.update(_FILTERS)
        images = {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
                  for name, png in self.charts.items()}
        return environment.get_template("report.html.j2").render(report=self.data, images=images, fragment=fragment)

    def to_markdown(self, image_dir: str = "charts") -> str:
        """Markdown with the charts as PNG links under ``image_dir`` (see :meth:`write`)."""
        import jinja2

        environment = jinja2.Environment(loader=jinja2.PackageLoader("calibrate", "report/templates"),
                                         autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                         lstrip_blocks=True)
        environment.filters.update(_FILTERS)
        images = {name: f"{image_dir}/{name}.png" for name in self.charts}
        return environment.get_template("report.md.j2").render(report=self.data, images=images)

    def write(self, directory: str | os.PathLike[str]) -> dict[str, Path]:
        """Write ``report.html``, ``report.md``, ``summary.json`` and ``charts/*.png``."""
        directory = Path(directory)
        charts = directory / "charts"
        charts.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, png in self.charts.items():
            path = charts / f"{name}.png"
            path.write_bytes(png)
            written[f"charts/{name}.png"] = path
        for name, text in (("report.html", self.to_html()), ("report.md", self.to_markdown()),
                           ("summary.json", self.to_json())):
            path = directory / name
            path.write_text(text, encoding="utf-8")
            written[name] = path
        return written

    def _repr_html_(self) -> str:
        return self.to_html(fragment=True)

    def __repr__(self) -> str:
        return f"<Report {self.data.get('title')!r}: {len(self.data.get('sections', []))} sections, {len(self.charts)} charts>"


def _md_cell(value: Any) -> str:
    """A Markdown table cell: pipes and HTML characters cannot break the table or inject markup."""
    text = "" if value is None else str(value)
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("\n", " "), ("\r", " ")):
        text = text.replace(raw, safe)
    return text


def _pct(value: Any, digits: int = 1) -> str:
    return "n/a" if value is None or (isinstance(value, float) and not math.isfinite(value)) else f"{100 * value:.{digits}f}%"


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, str):
        return value
    return f"{value:.{digits}g}"


def _points(value: Any) -> str:
    return "n/a" if value is None else f"{int(value):+d}"


_FILTERS = {"pct": _pct, "num": _number, "pts": _points, "md": _md_cell}


def _signals_section(document: dict[str, Any], charts: dict[str, bytes], caveats: list[str]) -> dict[str, Any] | None:
    """What calibrate derived, from which inputs, and how fast engagement cools."""
    from calibrate.derive import SignalRecipe, describe_signal
    from calibrate.report import plots

    stored = document.get("signals")
    if not stored:
        return None
    recipe = SignalRecipe.from_document(stored)
    used = {a["name"] for a in document["attributes"]}
    derived = [{"name": name, "meaning": describe_signal(name), "used": name in used} for name in recipe.outputs]
    section: dict[str, Any] = {"key": "signals", "title": "Derived signals", "derived": derived,
                               "inputs": list(recipe.inputs), "as_of": stored.get("as_of"),
                               "activity_types": list(recipe.activity_types),
                               "targets": ({"source": recipe.targets.source, "domains": len(recipe.targets.domains),
                                            "names": len(recipe.targets.names)} if recipe.targets else None),
                               "junk_rows": document["training"].get("rows_set_aside_as_junk", 0),
                               "email_lists": stored.get("email", {}).get("lists"), "decay": None}
    decay = document.get("decay")
    if decay:
        section["decay"] = decay
        if decay.get("curve"):
            charts["decay"] = _png(plots.plot_decay_curve(pd.DataFrame(decay["curve"]),
                                                          baseline=document["training"]["baseline_rate"],
                                                          half_life_days=decay["half_life_days"]))
            section["chart"] = "decay"
    if recipe.uses_activities:
        caveats.append("Activity signals are computed as of each lead's outcome date"
                       + (f" ({recipe.as_of_column})" if recipe.as_of_column else "")
                       + "; scorers must count only activities up to the scoring date, as the config says.")
    return section


def build_report(config: ScoringConfig, *, y: np.ndarray | None = None, scores: np.ndarray | None = None,
                 grades: Sequence[str] | None = None, notes: Sequence[Any] = (), unseen: dict[str, int] | None = None,
                 evaluation_label: str = "held-out leads", title: str | None = None) -> Report:
    """Build the diagnostic report of a config, with score quality measured on the given leads.

    Parameters
    ----------
    config : ScoringConfig
        The scoring config (evidence, points, left-out columns, grades).
    y, scores : numpy.ndarray, optional
        Outcome and score of the leads to measure the score on (held-out leads
        after a fit, or any period's leads with ``calibrate report``).
        Without them, the report uses the evaluation stored in the config.
    grades : sequence of str, optional
        Grade cell (``A1`` ...) of each of those leads, for the matrix.
    notes : sequence of CleaningNote
        What cleaning did (placeholders, merges, pooling, bins).
    unseen : dict, optional
        Values never seen in training per attribute, from scoring.
    evaluation_label : str
        What the measured leads are, for headings.
    title : str, optional
        Report title.

    Returns
    -------
    Report
    """
    from calibrate.report import plots

    document = config.to_dict()
    training, method, scale = document["training"], document["method"], document["scale"]
    alpha, threshold = float(method["alpha"]), int(scale["threshold"])
    charts: dict[str, bytes] = {}
    sections: list[dict[str, Any]] = []
    caveats: list[str] = []

    # 1. Headline ----------------------------------------------------------------------------------
    measured = y is not None and scores is not None and len(y) > 0
    if measured:
        y = np.asarray(y, dtype=np.int64)
        scores = np.asarray(scores, dtype=float)
        above = scores >= threshold
        low, high = wilson_interval(np.array([y[above].sum()]), np.array([max(above.sum(), 1)]))
        threshold_meaning = {"source": evaluation_label, "leads": int(len(y)), "share_above": float(above.mean()),
                             "close_rate_above": float(y[above].mean()) if above.any() else None,
                             "ci_low": float(low[0]) if above.any() else None,
                             "ci_high": float(high[0]) if above.any() else None,
                             "close_rate_below": float(y[~above].mean()) if (~above).any() else None}
    else:
        evaluation = document.get("evaluation", {})
        side = evaluation.get("above_threshold") or {}
        threshold_meaning = {"source": "stored in the config", "leads": evaluation.get("test_leads"),
                             "share_above": side.get("share"), "close_rate_above": side.get("close_rate"),
                             "ci_low": side.get("ci_low"), "ci_high": side.get("ci_high"),
                             "close_rate_below": (evaluation.get("below_threshold") or {}).get("close_rate")}
    headline = {
        "key": "headline", "title": "Headline",
        "period": training.get("period"), "rows": training["rows"], "leads": training["leads"],
        "customers": training["customers"], "baseline_rate": training["baseline_rate"],
        "baseline_ci_low": training.get("baseline_ci_low"), "baseline_ci_high": training.get("baseline_ci_high"),
        "method": method["name"], "threshold": threshold, "threshold_rule": scale.get("threshold_rule"),
        "threshold_meaning": threshold_meaning, "target": document["target"],
        "split": document.get("evaluation", {}).get("split"),
    }
    sections.append(headline)

    # 2. Data quality ------------------------------------------------------------------------------
    left_out = document.get("left_out", [])
    leakage = [item for item in left_out if item["reason"].startswith("leakage suspect")]
    missing = [{"attribute": a["name"], "missing_leads": a["missing"].get("leads", 0),
                "missing_share": a["missing"].get("leads", 0) / training["leads"]} for a in document["attributes"]]
    sections.append({
        "key": "data_quality", "title": "Data quality",
        "left_out": left_out, "leakage": leakage,
        "cleaning": [{"column": n.column, "kind": n.kind, "detail": n.detail, "rows": n.rows} for n in notes],
        "missing": sorted(missing, key=lambda m: -m["missing_share"]),
        "unseen": [{"attribute": k, "values": v} for k, v in sorted((unseen or {}).items())],
    })
    for item in leakage:
        caveats.append(f"{item['column']} was left out as a leakage suspect: {item['reason'].removeprefix('leakage suspect: ')}.")

    # 3. Attribute evidence, strongest first -----------------------------------------------------
    evidence = []
    for attribute in document["attributes"]:
        levels = _levels(attribute, alpha)
        customers = levels["customers"].to_numpy()
        strength = information_value(customers, levels["leads"].to_numpy() - customers) if len(levels) > 1 else 0.0
        evidence.append({"name": attribute["name"], "group": attribute.get("group"), "kind": attribute["kind"],
                         "information_value": strength, "levels": _records(levels)})
    evidence.sort(key=lambda e: -e["information_value"])
    for number, item in enumerate(evidence, start=1):
        # File-safe chart name whatever the attribute is called (names come from the data).
        key = f"evidence_{number:02d}_" + (re.sub(r"[^a-z0-9]+", "_", item["name"].lower()).strip("_")[:40] or "attribute")
        levels = pd.DataFrame(item["levels"])
        if len(levels):
            charts[key] = _png(plots.plot_attribute_evidence(levels, baseline=training["baseline_rate"],
                                                             title=item["name"]))
            item["chart"] = key
        small = levels[levels["leads"] < method["min_support"]] if len(levels) else levels
        for _, level in small.iterrows():
            caveats.append(f"{item['name']} = {level['level']}: only {int(level['leads'])} leads; its close rate is "
                           "uncertain and it scores 0 unless the evidence is significant.")
        near = levels[(levels["q_value"] >= alpha) & (levels["q_value"] < 2 * alpha)] if len(levels) else levels
        for _, level in near.iterrows():
            caveats.append(f"{item['name']} = {level['level']} is near significance (q = {level['q_value']:.3f}): "
                           "it scores 0 now and may earn points with more data.")
    sections.append({"key": "attribute_evidence", "title": "Attribute evidence", "alpha": alpha,
                     "attributes": evidence})

    # 4. Points table ------------------------------------------------------------------------------
    rules = config.points_table()
    rules["condition"] = rules.apply(lambda r: f"{r['attribute']} = {r['level']}", axis=1)
    charts["points"] = _png(plots.plot_points(rules[rules["points"] != 0], top=20))
    sections.append({"key": "points", "title": "Points", "base_points": scale.get("base_points", 0),
                     "total_cap": scale.get("total_cap"), "bands": scale["bands"],
                     "rules": _records(rules[["attribute", "kind", "level", "points", "leads", "close_rate", "q_value"]]),
                     "chart": "points"})

    # 5. Score quality -----------------------------------------------------------------------------
    quality: dict[str, Any] = {"key": "score_quality", "title": "Score quality", "source": evaluation_label,
                               "measured": measured}
    if measured:
        quality["auc"] = auc_with_ci(y, scores) if 0 < y.sum() < len(y) else None
        gains = gains_table(y, scores) if y.sum() > 0 else None
        edges = [b["score_max"] for b in document["calibration"]["bands"][:-1]]
        calibration = calibration_table(y, scores, edges)
        table = threshold_table(y, scores, sorted({max(1, round(threshold * f)) for f in
                                                    (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)}))
        quality.update({"gains": _records(gains) if gains is not None else [], "calibration": _records(calibration),
                        "thresholds": _records(table)})
        charts["score_distribution"] = _png(plots.plot_score_distribution(scores, y, threshold=threshold))
        if gains is not None:
            charts["gains"] = _png(plots.plot_gains(gains))
        charts["calibration"] = _png(plots.plot_calibration(calibration))
        charts["thresholds"] = _png(plots.plot_threshold_table(table, threshold=threshold))
        config_bands = pd.DataFrame(document["calibration"]["bands"])
        outside = [i for i, (obs, row) in enumerate(zip(calibration.itertuples(), config_bands.itertuples()))
                   if obs.leads >= 30 and row.ci_low is not None and not (row.ci_low <= obs.close_rate <= row.ci_high)]
        if outside:
            caveats.append(f"{len(outside)} of {len(config_bands)} score bands closed outside the interval stored in "
                           f"the config on these {evaluation_label}: the calibration may have drifted.")
    else:
        quality["calibration"] = document["calibration"]["bands"]
        evaluation = document.get("evaluation", {})
        quality["auc"] = ({"auc": evaluation["auc"], "ci_low": evaluation["auc_ci_low"], "ci_high": evaluation["auc_ci_high"]}
                          if evaluation.get("auc") is not None else None)
        caveats.append("No leads were given to measure the score on: score quality comes from the evaluation stored "
                       "in the config.")
    sections.append(quality)

    # 6. Fit x engagement --------------------------------------------------------------------------
    stored = document.get("grades")
    if stored:
        sla = {cell["cell"]: cell.get("sla", "") for cell in stored["cells"]}
        if measured and grades is not None:
            matrix = grade_matrix(y, *split_grades(grades))
            source = evaluation_label
        else:
            matrix = pd.DataFrame(stored["cells"])
            source = stored.get("source", "config")
        matrix["sla"] = matrix["cell"].map(sla)
        charts["grade_matrix"] = _png(plots.plot_grade_matrix(matrix))
        sections.append({"key": "grades", "title": "Fit × engagement", "source": source, "cells": _records(matrix),
                         "chart": "grade_matrix"})

    # 7. Derived signals and decay ----------------------------------------------------------------
    signals = _signals_section(document, charts, caveats)
    if signals:
        sections.append(signals)

    # 8. Caveats -----------------------------------------------------------------------------------
    split = document.get("evaluation", {}).get("split", "")
    if split.startswith("none"):
        caveats.append("The points were fitted on every lead (no holdout): measured quality is in-sample and optimistic.")
    if document["calibration"]["source"] == "in_sample":
        caveats.append("The calibration table in the config is in-sample; fit with a holdout to measure it on new leads.")
    for item in (unseen or {}).items():
        caveats.append(f"{item[0]}: {item[1]} values never seen in training scored with the unseen points (0).")
    caveats.append("Close rates are of leads whose outcome was decided; undecided leads "
                   f"({', '.join(document['target'].get('excluded', [])) or 'none'}) are left out.")
    sections.append({"key": "caveats", "title": "Caveats", "notes": caveats})

    data = {"title": title or "Lead-scoring model review", "generator": f"calibrate {__version__}",
            "config_fingerprint": training["fingerprint"], "created": document.get("created"),
            "chart_order": [name for name in _CHART_ORDER if name in charts], "sections": sections}
    return Report(_clean(data), charts)
