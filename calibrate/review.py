"""The quarterly review: is the config in force still right, and what should change?

:func:`review_config` takes the config in force and the leads of a later
period (or leads spanning several periods, split at the end of the config's
training period or at ``since``) and answers, with tests and intervals:

1. how the config did on the new leads against its training figures (AUC,
   close rate above the threshold, calibration per band);
2. whether the leads changed (population stability of the score and of every
   attribute, new and vanished levels);
3. whether what predicts a sale changed (close rate then and now per level,
   corrected for many tests; levels that gained or lost significance);
4. what a re-calibration on the new leads gives (a new config whose lineage
   names the old one, the rule-by-rule diff, and both configs scored on the
   same held-out new leads);
5. a recommendation with its reasons: keep, adjust the listed rules, or
   re-calibrate.

Examples
--------
>>> import warnings
>>> from calibrate import Calibrator, make_leads
>>> from calibrate.review import review_config
>>> leads = make_leads(12_000, seed=4)
>>> first = leads[leads["created_date"] < "2025-07-01"]
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     config = Calibrator().fit(first, target="stage", positive=["Closed Won"], exclude=["Open"],
...                               date_column="created_date").config_
...     result = review_config(config, leads, date_column="created_date")
>>> result.recommendation["action"] in {"keep", "adjust", "recalibrate"}
True
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from calibrate.cleaning import normalize_keys
from calibrate.config import ScoringConfig
from calibrate.drift import (
    auc_change,
    population_stability_index,
    proportion_change,
    psi_reading,
    psi_table,
    rate_changes,
    significance_changes,
)
from calibrate.errors import DataError
from calibrate.evaluate import auc_with_ci
from calibrate.io import read_leads
from calibrate.stats import level_statistics
from calibrate.target import resolve_target, suggest_columns

__all__ = ["Review", "review_config", "diff_configs", "effect_changes", "rolling_view"]

#: PSI above which a population counts as having shifted a lot (the usual reading).
MAJOR_SHIFT = 0.25


def diff_configs(old: ScoringConfig, new: ScoringConfig) -> pd.DataFrame:
    """Rule-by-rule difference of two configs.

    Returns
    -------
    pandas.DataFrame
        One row per rule present in either config whose points differ (or
        that exists in only one): ``attribute``, ``kind``, ``level``,
        ``change`` (``added``, ``removed``, ``changed``), ``points_old``,
        ``points_new``, ``delta`` and the evidence of both
        (``close_rate_old``/``_new``, ``leads_old``/``_new``).

    Examples
    --------
    >>> from calibrate import Calibrator, make_leads
    >>> fit = lambda seed: Calibrator(holdout=None).fit(make_leads(3000, seed=seed), target="stage",
    ...                                                 positive=["Closed Won"], exclude=["Open"]).config_
    >>> diff = diff_configs(fit(1), fit(2))
    >>> set(diff["change"]) <= {"added", "removed", "changed"}
    True
    """
    key = ["attribute", "kind", "level"]
    columns = [*key, "points", "leads", "close_rate"]
    merged = old.points_table()[columns].merge(new.points_table()[columns], on=key, how="outer",
                                               suffixes=("_old", "_new"), indicator=True)
    merged["change"] = merged["_merge"].map({"left_only": "removed", "right_only": "added", "both": "changed"})
    merged = merged.drop(columns="_merge")
    merged["delta"] = merged["points_new"].fillna(0) - merged["points_old"].fillna(0)
    differs = (merged["change"] != "changed") | (merged["delta"] != 0)
    out = merged[differs].sort_values(["attribute", "kind", "level"], kind="stable").reset_index(drop=True)
    for column in ("points_old", "points_new", "delta"):
        out[column] = out[column].astype("Int64")
    return out[[*key, "change", "points_old", "points_new", "delta", "leads_old", "leads_new", "close_rate_old",
                "close_rate_new"]]


@dataclass
class Review:
    """Everything the quarterly review found (see :func:`review_config`)."""

    period: dict[str, Any]
    performance: dict[str, Any]
    calibration: pd.DataFrame
    score_psi: dict[str, Any]
    attribute_psi: pd.DataFrame
    changes: pd.DataFrame
    significance: pd.DataFrame
    diff: pd.DataFrame
    champion_challenger: dict[str, Any]
    recommendation: dict[str, Any]
    new_config: ScoringConfig | None = None
    acceptance: pd.DataFrame | None = None
    rolling: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every number of the review, JSON-safe."""
        from calibrate.report.build import _clean, _records

        return _clean({
            "period": self.period, "recommendation": self.recommendation, "performance": self.performance,
            "calibration": _records(self.calibration), "score_psi": self.score_psi,
            "attribute_psi": _records(self.attribute_psi.assign(
                new_levels=self.attribute_psi["new_levels"].map(list),
                gone_levels=self.attribute_psi["gone_levels"].map(list))),
            "changes": _records(self.changes), "significance": _records(self.significance),
            "diff": _records(self.diff), "champion_challenger": self.champion_challenger,
            "acceptance": _records(self.acceptance) if self.acceptance is not None else None,
            "rolling": _records(self.rolling) if self.rolling is not None else None,
            "new_config_fingerprint": self.new_config.fingerprint if self.new_config is not None else None,
            "notes": self.notes,
        })

    def summary(self) -> str:
        """The review as the CLI prints it."""
        from calibrate.summary import format_review

        return format_review(self)

    def write(self, directory: str | os.PathLike[str]) -> dict[str, Any]:
        """Write ``review.json``, ``review.md``, ``review.html`` and the recalibrated config."""
        from calibrate.report.review_render import write_review

        return write_review(self, directory)


def effect_changes(then: pd.DataFrame, now: pd.DataFrame, *, alpha: float = 0.05,
                   correction: str = "fdr_bh") -> pd.DataFrame:
    """Did each level's effect (its odds ratio against the other leads) change between the periods?

    A change of the overall close rate moves every level's rate but no level's
    effect; this tests the effect itself: the Breslow-Day test of equal odds
    ratios across the two periods' level-vs-rest 2x2 tables
    (``statsmodels.stats.contingency_tables.StratifiedTable.test_equal_odds``),
    q-values across all levels tested.

    Parameters
    ----------
    then, now : pandas.DataFrame
        Indexed by ``(attribute, level)`` with ``leads`` and ``customers``;
        every attribute's levels partition its period's leads.

    Returns
    -------
    pandas.DataFrame
        ``attribute``, ``level``, ``odds_ratio_then``, ``odds_ratio_now``,
        ``p_value``, ``q_value``, ``effect_changed``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("demo", "Yes"), ("demo", "No")], names=["attribute", "level"])
    >>> then = pd.DataFrame({"leads": [500, 9500], "customers": [100, 600]}, index=idx)
    >>> now = pd.DataFrame({"leads": [500, 9500], "customers": [40, 600]}, index=idx)
    >>> bool(effect_changes(then, now)["effect_changed"].all())
    True
    """
    from statsmodels.stats.contingency_tables import StratifiedTable

    from calibrate.stats import adjust_pvalues

    both = then[["leads", "customers"]].merge(now[["leads", "customers"]], left_index=True, right_index=True,
                                              suffixes=("_then", "_now"))
    rows = []
    for (attribute, level), r in both.iterrows():  # levels, not leads: a few hundred 2x2 tables at most
        tables, ratios = [], []
        for side in ("then", "now"):
            total = then if side == "then" else now
            n_all = int(total.loc[attribute, "leads"].sum())
            x_all = int(total.loc[attribute, "customers"].sum())
            x, n = int(r[f"customers_{side}"]), int(r[f"leads_{side}"])
            table = np.array([[x, n - x], [x_all - x, (n_all - n) - (x_all - x)]], dtype=float)
            tables.append(table)
            ratios.append(((table[0, 0] + 0.5) * (table[1, 1] + 0.5)) / ((table[0, 1] + 0.5) * (table[1, 0] + 0.5)))
        testable = all(t.sum(axis=1).min() > 0 and t.sum(axis=0).min() > 0 for t in tables)
        p = float(StratifiedTable(tables).test_equal_odds().pvalue) if testable else np.nan
        rows.append({"attribute": attribute, "level": level, "odds_ratio_then": ratios[0], "odds_ratio_now": ratios[1],
                     "p_value": p})
    out = pd.DataFrame(rows, columns=["attribute", "level", "odds_ratio_then", "odds_ratio_now", "p_value"])
    out["q_value"] = adjust_pvalues(out["p_value"].to_numpy(dtype=float), correction)
    out["effect_changed"] = out["q_value"] < alpha
    return out


def rolling_view(config: ScoringConfig, rows: pd.DataFrame, y: np.ndarray, dates: pd.Series, *,
                 freq: str = "Q") -> pd.DataFrame:
    """Each level's close rate and points period by period, on the config's own levels.

    Points per period are what the config's univariate rule would give on that
    period alone (``lift`` with its scale, otherwise log-odds points with the
    config's points per doubling of the odds), gated by that period's BH
    q-values: a view of how the evidence moves, not a fitted config.

    Parameters
    ----------
    config : ScoringConfig
    rows : pandas.DataFrame
        Decided leads.
    y : numpy.ndarray
        Their outcome.
    dates : pandas.Series
        Their dates (parsed) or an increasing order column (cut into 4 equal groups).
    freq : str
        Pandas period frequency for dates: ``"Q"`` quarters, ``"M"`` months.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``attribute``, ``level``, ``leads``, ``customers``,
        ``close_rate``, ``ci_low``, ``ci_high``, ``q_value``, ``points``.
    """
    from calibrate.fitting import PointsSettings, _univariate_points

    method = config.to_dict()["method"]
    settings = PointsSettings(method="lift" if method["name"] == "lift" else "log_odds", alpha=method["alpha"],
                              points_per_lift=float(method.get("points_per_lift", 50)),
                              points_to_double_odds=float(method.get("points_to_double_odds", 40)))
    if pd.api.types.is_datetime64_any_dtype(dates):
        periods = dates.dt.to_period(freq).astype(str).to_numpy()
    else:
        periods = pd.qcut(pd.to_numeric(dates), 4, duplicates="drop").astype(str).to_numpy()
    blocks = []
    for period in sorted(pd.unique(periods)):
        mask = periods == period
        counts = _counts_now(config, rows.loc[mask], y[mask])
        counts = counts[counts["leads"] > 0]
        if counts["customers"].groupby(level=0).sum().iloc[0] in (0, counts["leads"].groupby(level=0).sum().iloc[0]):
            continue  # a period with only one class has no close-rate evidence
        stats = level_statistics(counts)
        stats["points"] = np.round(_univariate_points(stats, settings, "close_rate")).astype(np.int64)
        blocks.append(stats.reset_index().assign(period=period))
    columns = ["period", "attribute", "level", "leads", "customers", "close_rate", "ci_low", "ci_high", "q_value",
               "points"]
    return pd.concat(blocks, ignore_index=True)[columns] if blocks else pd.DataFrame(columns=columns)


def _counts_now(config: ScoringConfig, rows: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """Leads and customers per (attribute, level) of the new leads, through the config's own specs."""
    blocks = []
    document = {a["name"]: a for a in config.to_dict()["attributes"]}
    for spec, points, _ in config.specs_and_points():
        codes = spec.encode(rows[spec.name])
        labels = list(spec.level_labels)
        if spec.kind == "numeric":
            labels[: len(spec.edges) + 1] = [b.get("label", "") for b in document[spec.name]["bins"]]
        leads = np.bincount(codes, minlength=len(labels))
        customers = np.bincount(codes, weights=y, minlength=len(labels)).astype(np.int64)
        index = pd.MultiIndex.from_arrays([[spec.name] * len(labels), labels], names=["attribute", "level"])
        blocks.append(pd.DataFrame({"leads": leads, "customers": customers}, index=index))
    return pd.concat(blocks)


def _unseen_values(config: ScoringConfig, rows: pd.DataFrame, top: int = 5) -> dict[str, list[list[Any]]]:
    """Per attribute, the most frequent values never seen in training, with their lead counts."""
    found: dict[str, list[list[Any]]] = {}
    for spec, points, _ in config.specs_and_points():
        codes = spec.encode(rows[spec.name])
        unseen = rows[spec.name][codes == len(points) - 1]
        if len(unseen):
            counts = unseen.astype(str).str.strip().value_counts().head(top)
            found[spec.name] = [[value, int(n)] for value, n in counts.items()]
    return found


def _counts_then(config: ScoringConfig) -> pd.DataFrame:
    table = config.points_table()
    table = table[table["kind"] != "unseen"]
    frame = table.set_index(["attribute", "level"])[["leads", "customers", "q_value"]]
    frame.index = frame.index.set_names(["attribute", "level"])
    return frame.fillna({"leads": 0, "customers": 0}).astype({"leads": np.int64, "customers": np.int64})


def _split_new_period(frame: pd.DataFrame, config: ScoringConfig, date_column: str | None,
                      since: str | float | None) -> tuple[pd.Series, dict[str, Any]]:
    period = config.to_dict()["training"].get("period")
    if date_column is None:
        return pd.Series(True, index=frame.index), {"how": "all given leads are the new period", "since": None}
    if date_column not in frame.columns:
        raise DataError(f"date column {date_column!r} is not in the data{suggest_columns(date_column, frame.columns)}")
    values = frame[date_column]
    numbers = pd.to_numeric(values, errors="coerce")
    if since is None and period is None:
        raise DataError("the config records no training period: pass since= (CLI --since) to say where the new "
                        "period starts")
    if numbers.notna().mean() > 0.95:  # an order column (e.g. X Education's Lead Number)
        if since is None:
            raise DataError(f"{date_column!r} holds numbers, not dates: pass since= (CLI --since) with the first "
                            "value of the new period")
        cut = float(since)
        new = numbers >= cut
        how = f"{date_column} >= {since} (an increasing order column)"
    else:
        dates = pd.to_datetime(values, errors="coerce", format="mixed")
        if dates.isna().all():
            raise DataError(f"date column {date_column!r} has no parseable dates; give dates like 2025-01-31")
        cut = pd.Timestamp(since) if since is not None else pd.Timestamp(period["end"]) + pd.Timedelta(days=1)
        new = dates >= cut
        how = f"{date_column} on or after {cut.date().isoformat()}"
    if not new.any():
        raise DataError(f"no lead falls in the new period ({how}); check since= or the data")
    return new.fillna(False), {"how": how, "since": str(since) if since is not None else (period or {}).get("end")}


def review_config(config: ScoringConfig, data: pd.DataFrame | str | os.PathLike[str], *,
                  date_column: str | None = None, since: str | float | None = None, alpha: float = 0.05,
                  acceptance_column: str | None = None, recalibrate: bool = True,
                  activities: Any = None) -> Review:
    """Review the config in force on the leads of a later period.

    Parameters
    ----------
    config : ScoringConfig
        The config in force.
    data : DataFrame or path
        Leads with their outcome (the config's target column). With
        ``date_column``, only the leads after the config's training period (or
        from ``since`` on) are the new period.
    date_column : str, optional
        Date (or increasing order) column splitting periods.
    since : str or number, optional
        First date (or order value) of the new period; default: the day after
        the config's training period.
    alpha : float
        Chance of recommending a change when nothing changed: each of the three
        families of tests behind "recalibrate" (AUC, calibration bands, effects)
        runs at ``alpha / 3`` (Bonferroni), with BH q-values within a family.
    acceptance_column : str, optional
        A column saying whether sales accepted the lead (yes/no, 1/0), or its
        disqualification reason (blank: accepted), for the acceptance rate and
        the close rate of accepted leads by band and grade.
    recalibrate : bool
        Fit a challenger config on the new leads and compare.
    activities : ActivityLog, DataFrame or path, optional
        The activity log, when the config scores activity signals.

    Returns
    -------
    Review
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # empty cells in statsmodels' odds ratios: not errors
        return _review(config, data, date_column=date_column, since=since, alpha=alpha,
                       acceptance_column=acceptance_column, recalibrate=recalibrate, activities=activities)


def _with_signals(config: ScoringConfig, raw: pd.DataFrame, activities: Any) -> tuple[pd.DataFrame, Any]:
    """The leads with the config's derived signals added (computed over the whole table), and the log read."""
    from calibrate.activity import ActivityLog, read_activities
    from calibrate.derive import derive_signals

    log = activities if activities is None or isinstance(activities, ActivityLog) else read_activities(activities)
    recipe = config.signals
    if recipe is None:
        return raw, log
    derived = derive_signals(raw, recipe, activities=log, placeholders=config.to_dict()["cleaning"]["placeholders"])
    return pd.concat([raw, derived.frame], axis=1), log


def _review(config: ScoringConfig, data: pd.DataFrame | str | os.PathLike[str], *, date_column: str | None,
            since: str | float | None, alpha: float, acceptance_column: str | None, recalibrate: bool,
            activities: Any = None) -> Review:
    from calibrate.calibrator import Calibrator
    from calibrate.scoring import score_leads

    raw = read_leads(data)
    frame, log = _with_signals(config, raw, activities)
    recipe = config.signals
    outputs = list(recipe.outputs) if recipe is not None else []
    document = config.to_dict()
    # A "recalibrate" rests on three families of tests (AUC, calibration bands, effects); each is run at
    # alpha / 3 so that an unchanged config is kept with probability of at least 1 - alpha (Bonferroni).
    family_alpha = alpha / 3
    target = document["target"]
    new_mask, period = _split_new_period(frame, config, date_column, since)
    rows_all = frame.loc[new_mask]
    column = target["column"]
    present = set(rows_all[column].astype(str).str.strip().str.casefold()) if column in rows_all else set()
    excluded = [v for v in target.get("excluded", []) if v.strip().casefold() in present]
    outcome = resolve_target(rows_all, column, positive=target["positive"], exclude=excluded,
                             placeholders=document["cleaning"]["placeholders"])
    rows, y = rows_all.loc[outcome.keep], outcome.y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = score_leads(config, rows.drop(columns=outputs), derived=rows[outputs] if outputs else None)
    scores = scored["score"].to_numpy()
    score_by_row = pd.Series(scores, index=rows.index)
    period.update({"leads": int(len(y)), "customers": int(y.sum()), "rate": float(y.mean())})
    notes: list[str] = []

    # 1. Performance ------------------------------------------------------------------------------
    evaluation = document.get("evaluation", {})
    auc_now = auc_with_ci(y, scores)
    performance: dict[str, Any] = {"auc_now": auc_now}
    if evaluation.get("auc") is not None:
        performance["auc_change"] = auc_change({"auc": evaluation["auc"], "ci_low": evaluation["auc_ci_low"],
                                                "ci_high": evaluation["auc_ci_high"]}, auc_now, alpha=family_alpha)
    else:
        notes.append("The config stores no held-out AUC: the AUC is reported now without a then.")
    threshold = int(document["scale"]["threshold"])
    above = scores >= threshold
    then_above = evaluation.get("above_threshold") or document["training"].get("above_threshold") or {}
    if then_above.get("leads") and above.any():
        performance["above_threshold"] = proportion_change(int(then_above["customers"]), int(then_above["leads"]),
                                                           int(y[above].sum()), int(above.sum()))
    performance["close_rate_above_now"] = float(y[above].mean()) if above.any() else None
    performance["close_rate_below_now"] = float(y[~above].mean()) if (~above).any() else None

    bands = document["calibration"]["bands"]
    edges = np.asarray([b["score_max"] for b in bands[:-1]], dtype=float)
    band_of = np.searchsorted(edges, scores, side="right")
    leads_now = np.bincount(band_of, minlength=len(bands))
    customers_now = np.bincount(band_of, weights=y, minlength=len(bands)).astype(np.int64)
    labels = [f"< {b['score_max']:g}" if b["score_min"] is None else
              (f"{b['score_min']:g}+" if b["score_max"] is None else f"{b['score_min']:g} to < {b['score_max']:g}")
              for b in bands]
    # Both sides are samples (the config's rates come from its held-out leads), so each band is a
    # two-sample comparison, not a test against a fixed rate.
    band_index = pd.MultiIndex.from_arrays([["score"] * len(bands), labels], names=["attribute", "level"])
    band_then = pd.DataFrame({"leads": [b["leads"] for b in bands], "customers": [b["customers"] for b in bands]},
                             index=band_index)
    band_now = pd.DataFrame({"leads": leads_now, "customers": customers_now}, index=band_index)
    calibration = rate_changes(band_then[band_then["leads"] > 0], band_now, alpha=family_alpha)
    calibration = calibration.rename(columns={"level": "band", "changed": "outside"}).drop(columns="attribute")

    # 2. Did the leads change? ---------------------------------------------------------------------
    score_psi_value = population_stability_index(np.array([b["leads"] for b in bands]), leads_now)
    score_psi = {"psi": score_psi_value, "reading": psi_reading(score_psi_value)}
    then = _counts_then(config)
    now = _counts_now(config, rows, y)
    attribute_psi = psi_table(then[["leads"]], now[["leads"]])
    period["new_values"] = _unseen_values(config, rows)

    # 3. Did what predicts a sale change? ----------------------------------------------------------
    changes = rate_changes(then[["leads", "customers"]], now, alpha=alpha)
    effects = effect_changes(then[["leads", "customers"]], now, alpha=family_alpha)
    changes = changes.merge(effects[["attribute", "level", "odds_ratio_then", "odds_ratio_now", "q_value",
                                     "effect_changed"]].rename(columns={"q_value": "effect_q_value"}),
                            on=["attribute", "level"], how="left")
    changes["effect_changed"] = changes["effect_changed"].fillna(False).astype(bool)
    now_stats = level_statistics(now[now["leads"] > 0])
    significance = significance_changes(then["q_value"], now_stats["q_value"], alpha=alpha)

    # 4. Re-calibration: a challenger fitted on the new leads ---------------------------------------
    new_config, diff, challenge = None, pd.DataFrame(), {}
    if recalibrate:
        method = document["method"]
        params = {"method": method["name"], "alpha": method["alpha"], "correction": method["correction"],
                  "min_support": method["min_support"], "threshold": threshold,
                  "replaces": config}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # With dates, the challenger is backtested on the most recent new leads (a time split).
            by_date = (date_column if date_column is not None and
                       pd.to_numeric(rows[date_column], errors="coerce").notna().mean() <= 0.95 else None)
            signal_options = {}
            if recipe is not None:
                # The challenger derives the same signals from the same inputs.
                params["signals"] = bool(recipe.email or recipe.title or recipe.form)
                params["drop_junk"] = bool(recipe.junk_filter)
                signal_options = {"id_column": recipe.id_column, "activities": log if recipe.uses_activities else None,
                                  "account_column": recipe.account, "target_accounts": recipe.targets,
                                  "account_status": recipe.statuses,
                                  "as_of": recipe.as_of_column or recipe.as_of_date}
            challenger = Calibrator(**params).fit(rows.drop(columns=outputs), column, positive=target["positive"],
                                                  date_column=by_date, **signal_options)
            champion_scores = score_by_row.loc[challenger._test_rows.index].to_numpy()
        new_config = challenger.config_
        diff = diff_configs(config, new_config)
        champion = auc_with_ci(challenger._test_y, champion_scores)
        challenger_auc = auc_with_ci(challenger._test_y, challenger._test_scores)
        challenge = {"test_leads": int(len(challenger._test_y)), "champion": champion, "challenger": challenger_auc,
                     "difference": auc_change(champion, challenger_auc, alpha=family_alpha)}

    # 5. Sales acceptance --------------------------------------------------------------------------
    acceptance = None
    if acceptance_column is not None:
        acceptance = _acceptance(rows, scored, y, acceptance_column, document["cleaning"]["placeholders"])

    rolling = None
    if date_column is not None:
        everything = resolve_target(frame, column, positive=target["positive"],
                                    exclude=[v for v in target.get("excluded", []) if v.strip().casefold() in
                                             set(frame[column].astype(str).str.strip().str.casefold())],
                                    placeholders=document["cleaning"]["placeholders"])
        decided = frame.loc[everything.keep]
        raw = decided[date_column]
        numbers = pd.to_numeric(raw, errors="coerce")
        dates = numbers if numbers.notna().mean() > 0.95 else pd.to_datetime(raw, errors="coerce", format="mixed")
        known = dates.notna().to_numpy()
        rolling = rolling_view(config, decided.loc[known], everything.y[known], dates[known])

    recommendation = _recommend(performance, calibration, score_psi, attribute_psi, changes, significance,
                                challenge, family_alpha)
    return Review(period=period, performance=performance, calibration=calibration, score_psi=score_psi,
                  attribute_psi=attribute_psi, changes=changes, significance=significance, diff=diff,
                  champion_challenger=challenge, recommendation=recommendation, new_config=new_config,
                  acceptance=acceptance, rolling=rolling, notes=notes)


def _acceptance(rows: pd.DataFrame, scored: pd.DataFrame, y: np.ndarray, column: str,
                placeholders: list[str]) -> pd.DataFrame:
    if column not in rows.columns:
        raise DataError(f"acceptance column {column!r} is not in the data{suggest_columns(column, rows.columns)}")
    try:  # yes/no, 1/0, TRUE/FALSE ...
        resolved = resolve_target(rows, column, placeholders=placeholders)
        mask, accepted_y = resolved.keep, resolved.y
    except DataError:  # a disqualification reason: blank means accepted, any reason means rejected
        reasons = normalize_keys(rows[column], placeholders)
        mask, accepted_y = np.ones(len(rows), dtype=bool), reasons.isna().to_numpy().astype(np.int64)
    frame = pd.DataFrame({"band": scored["band"].to_numpy()[mask], "accepted": accepted_y,
                          "customer_accepted": y[mask] * accepted_y})
    if "grade" in scored:
        frame["grade"] = scored["grade"].to_numpy()[mask]
    tables = []
    for by in [c for c in ("band", "grade") if c in frame]:
        grouped = frame.groupby(by, sort=True).agg(leads=("accepted", "size"), accepted=("accepted", "sum"),
                                                   customers_accepted=("customer_accepted", "sum"))
        grouped["acceptance_rate"] = grouped["accepted"] / grouped["leads"]
        grouped["close_rate_accepted"] = grouped["customers_accepted"] / grouped["accepted"].where(grouped["accepted"] > 0)
        tables.append(grouped.reset_index().rename(columns={by: "group"}).assign(by=by))
    return pd.concat(tables, ignore_index=True)[["by", "group", "leads", "accepted", "acceptance_rate",
                                                 "customers_accepted", "close_rate_accepted"]]


def _recommend(performance: dict[str, Any], calibration: pd.DataFrame, score_psi: dict[str, Any],
               attribute_psi: pd.DataFrame, changes: pd.DataFrame, significance: pd.DataFrame,
               challenge: dict[str, Any], alpha: float) -> dict[str, Any]:
    reasons_recalibrate: list[str] = []
    reasons_adjust: list[str] = []
    changed = changes[changes["effect_changed"]]
    if len(changed):
        attributes = sorted(changed["attribute"].unique())
        reasons_recalibrate.append(
            f"what predicts a sale changed: the effect of {len(changed)} level(s) against the other leads changed "
            f"significantly (Breslow-Day, q < {alpha:.3g}) in {', '.join(attributes)}")
    auc = performance.get("auc_change")
    if auc and auc["significant"] and auc["diff"] < 0:
        reasons_recalibrate.append(f"the AUC fell from {auc['auc_then']:.3f} to {auc['auc_now']:.3f} "
                                   f"(p = {auc['p_value']:.2g})")
    outside = calibration[calibration["outside"]]
    if len(outside) >= 2:
        reasons_recalibrate.append(f"{len(outside)} score bands close outside their calibrated rate")
    elif len(outside) == 1:
        reasons_adjust.append(f"score band {outside.iloc[0]['band']} closes outside its calibrated rate")
    if score_psi["psi"] > MAJOR_SHIFT:
        reasons_recalibrate.append(f"the score distribution shifted (PSI {score_psi['psi']:.2f})")
    if challenge:
        difference = challenge["difference"]
        if difference["significant"] and difference["diff"] > 0:
            reasons_recalibrate.append(f"the re-calibrated config ranks new leads better (AUC "
                                       f"{difference['auc_then']:.3f} → {difference['auc_now']:.3f})")
    # Gaining or losing significance alone is not a reason: a larger sample (or chance near the
    # boundary) moves q-values without any change in the close rate; the rate tests above decide.
    shifted = attribute_psi[attribute_psi["psi"] > MAJOR_SHIFT]
    if len(shifted):
        reasons_adjust.append("the mix of leads shifted in " + ", ".join(shifted["attribute"]))
    worse = bool(challenge) and challenge["difference"]["significant"] and challenge["difference"]["diff"] < 0
    if reasons_recalibrate and worse:
        # The new leads alone make a worse config than the one in force: change the rules that moved
        # rather than everything (or re-fit on a longer window).
        difference = challenge["difference"]
        action = "adjust"
        reasons = reasons_recalibrate + reasons_adjust + [
            f"but a config re-fitted on the new leads alone ranks them worse (AUC {difference['auc_then']:.3f} in "
            f"force vs {difference['auc_now']:.3f}, p = {difference['p_value']:.2g}): adjust the listed rules, "
            "or re-calibrate on a longer window"]
    elif reasons_recalibrate:
        action, reasons = "recalibrate", reasons_recalibrate + reasons_adjust
    elif reasons_adjust:
        action, reasons = "adjust", reasons_adjust
    else:
        action, reasons = "keep", ["no significant change in performance, calibration, lead mix or effects"]
    rules = changed[["attribute", "level"]].to_dict("records")
    return {"action": action, "reasons": reasons, "rules": rules}
