"""A short plain-text summary of a fit, as the CLI prints it.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> from calibrate.summary import format_fit_summary
>>> cal = Calibrator().fit(load_sample_leads(), target="stage", positive=["Closed Won"], exclude=["Open"])
>>> print(format_fit_summary(cal).splitlines()[0])
calibrate 0.1.0: lift method, alpha 0.05 (fdr_bh), minimum support 30 leads
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from calibrate import __version__

if TYPE_CHECKING:
    from calibrate.calibrator import Calibrator

__all__ = ["format_fit_summary", "format_comparison", "format_review", "format_diff"]


def _pct(x: float | None) -> str:
    return "n/a" if x is None or pd.isna(x) else f"{100 * x:.1f}%"


def _rule_line(attribute: str, level: str, row: pd.Series) -> str:
    return (f"  {int(row['points']):+5d}  {attribute} = {level}: {int(row['leads']):,} leads, close rate "
            f"{_pct(row['close_rate'])} (lift {row['lift']:.2f}, q = {row['q_value']:.2g})")


def _signal_lines(cal: Calibrator) -> list[str]:
    """Derived signals: which, from what, what deriving them found, and the decay."""
    recipe = cal.signals_
    if recipe is None:
        return []
    sources = {"email.domain_type": recipe.email, "title.role": recipe.title, "title.seniority": recipe.title,
               "form.junk": ", ".join(recipe.form.values()),
               "account.leads": recipe.account or (f"corporate domain of {recipe.account_email}"
                                                   if recipe.account_email else None),
               "account.target": recipe.targets.source if recipe.targets else None,
               "account.status": recipe.statuses.source if recipe.statuses else None}
    shown = [f"{name} (from {sources[name]})" if sources.get(name) else name for name in recipe.outputs
             if not name.startswith("activity.")]
    activity = [name for name in recipe.outputs if name.startswith("activity.")]
    if activity:
        shown.append(f"{len(activity)} activity signals from the log ({len(recipe.activity_types)} types)")
    lines = [f"Derived signals ({len(recipe.outputs)}): " + "; ".join(shown)]
    if recipe.as_of_column or recipe.as_of_date:
        lines.append(f"  - as of: {recipe.as_of_column or recipe.as_of_date}")
    if cal.junk_rows_:
        lines.append(f"  - {cal.junk_rows_:,} junk rows set aside before calibration (form junk, disposable or "
                     "invalid e-mail)")
    lines += [f"  - {note}" for note in (cal.derived_.notes if cal.derived_ is not None else [])]
    decay = cal.decay_
    if decay is not None:
        interval = (f" ({cal.confidence:.0%} CI {_days(decay.ci_low)} to {_days(decay.ci_high)})"
                    if decay.ci_low is not None or decay.ci_high is not None else "")
        lines.append(f"Engagement half-life: {decay.half_life_days:.0f} days{interval}; held-out log-loss "
                     f"{decay.holdout_log_loss:.4f} against {decay.no_decay_log_loss:.4f} without decay")
    return lines


def _days(value: float | None) -> str:
    return "open" if value is None else f"{value:.0f}"


def format_fit_summary(cal: Calibrator, *, top: int = 5) -> str:
    """Baseline, attributes used and left out, cleaning, top rules, threshold.

    Parameters
    ----------
    cal : Calibrator
        A fitted calibrator.
    top : int
        How many of the strongest positive and negative rules to list.

    Returns
    -------
    str
    """
    outcome, base = cal.outcome_, cal.baseline_
    lines = [f"calibrate {__version__}: {cal.method} method, alpha {cal.alpha} ({cal.correction}), "
             f"minimum support {cal.min_support} leads"]
    left = []
    if outcome.excluded_rows:
        left.append(f"{outcome.excluded_rows:,} undecided ({outcome.column} = {', '.join(outcome.excluded)})")
    if outcome.missing_rows:
        left.append(f"{outcome.missing_rows:,} with no outcome")
    lines.append(f"Data: {cal.n_rows_:,} rows" + (f"; left out {' and '.join(left)}" if left else "")
                 + f" -> {cal.decided_leads_:,} leads, {cal.decided_customers_:,} customers "
                 f"({outcome.column} = {', '.join(outcome.positive)})")
    lines += _signal_lines(cal)
    lines.append(f"Split: {cal.split_}; points fitted on {cal.train_leads_:,} leads")
    engine = getattr(cal, "engine_", {"name": "pandas"})
    if engine["name"] != "pandas":
        lines.append(f"Engine: {engine['name']} ({engine['reason']}); counts over all {engine['rows_counted']:,} "
                     f"training leads, row-level steps (score distribution, grades, multivariate points) on "
                     f"{engine['sample_leads']:,}, backtest on {engine['test_sample_leads']:,} held-out leads")
    lines.append(f"Baseline close rate: {_pct(base.rate)} ({base.confidence:.0%} CI {_pct(base.ci_low)} to {_pct(base.ci_high)})")
    lines.append(f"Attributes used ({len(cal.specs_)}): "
                 + ", ".join(f"{s.name} [{cal.groups_[s.name]}]" for s in cal.specs_))
    lines.append(f"Columns left out ({len(cal.left_out_)}):")
    lines += [f"  - {o.column}: {o.reason}" for o in cal.left_out_]
    if cal.notes_:
        lines.append("Cleaning:")
        for note in cal.notes_:
            rows = f" ({note.rows:,} rows)" if note.rows else ""
            lines.append(f"  - {note.column}: {note.detail}{rows}")
    if cal.leakage_suspects_:
        handling = "left out" if cal.leakage == "exclude" else "kept (leakage='keep')"
        lines.append(f"Leakage suspects, {handling}: " + "; ".join(
            f"{r['attribute']} ({r['reason']})" for _, r in cal.leakage_.iterrows()))
    stats = cal.stats_
    scored = stats[stats["points"] != 0].sort_values("points", kind="stable")
    positive = scored[scored["points"] > 0].iloc[::-1].head(top)
    negative = scored[scored["points"] < 0].head(top)
    why = (f"the rest are not significantly different from the baseline at q < {cal.alpha}" if cal.method != "logistic"
           else "regularised logistic regression: overlapping attributes share credit")
    lines.append(f"Rules with points: {len(scored)} of {len(stats)} levels ({why}); base points {cal.base_points_}")
    lines.append("Top positive rules:" if len(positive) else "Top positive rules: none")
    lines += [_rule_line(a, lvl, row) for (a, lvl), row in positive.iterrows()]
    lines.append("Top negative rules:" if len(negative) else "Top negative rules: none")
    lines += [_rule_line(a, lvl, row) for (a, lvl), row in negative.iterrows()]
    rule = cal.points_result_.threshold_rule
    if rule["rule"] != "fixed":
        lines.append(f"Threshold rule: {rule['rule']} = {rule['value']}"
                     + (f" with {rule['leads_per_period']} leads per period" if rule.get("leads_per_period") else "")
                     + f"; points scaled by {rule['scale_factor']:.3g} so that it lands on {cal.threshold}"
                     + ("" if rule.get("reached", True) else " (target not reached: the closest threshold is used)"))
    above = cal.threshold_summary()
    lines.append(f"Threshold {cal.threshold}: {above['leads']:,} training leads ({_pct(above['share_of_leads'])}) score at "
                 f"or above it and closed at {_pct(above['close_rate'])}"
                 + (f" ({above['lift']:.1f}x the baseline)" if above["lift"] is not None else "")
                 + " [in-sample]")
    bands = cal.band_summary()
    lines.append("Bands [in-sample]: " + "; ".join(
        f"{name} {int(r['leads']):,} leads ({_pct(r['share_of_leads'])}), close rate {_pct(r['close_rate'])}"
        for name, r in bands.iterrows()))
    if cal.backtest_ is not None:
        auc, above_t, below_t = cal.backtest_["auc"], cal.backtest_["above_threshold"], cal.backtest_["below_threshold"]
        lines.append(f"Backtest on {cal.backtest_['test_leads']:,} held-out leads: AUC {auc['auc']:.3f} "
                     f"({cal.confidence:.0%} CI {auc['ci_low']:.3f} to {auc['ci_high']:.3f}), Brier "
                     f"{cal.backtest_['brier']:.4f}; at or above {cal.threshold}: "
                     f"{int(above_t['leads']):,} leads ({_pct(above_t['share'])}) closing at {_pct(above_t['close_rate'])}"
                     f", below: {_pct(below_t['close_rate'])}")
        lines.append("Calibration (held-out): " + "; ".join(
            f"{_range(r)} {_pct(r['close_rate'])} ({_pct(r['ci_low'])}-{_pct(r['ci_high'])}, {int(r['leads']):,} leads)"
            for _, r in cal.backtest_["calibration"].iterrows()))
    candidates = sorted({max(1, round(cal.threshold * f)) for f in (0.5, 0.75, 1.0, 1.25, 1.5)})
    table = cal.threshold_table(candidates)
    where = "held-out" if cal.backtest_ is not None else "in-sample"
    lines.append(f"Candidate thresholds [{where}]: " + "; ".join(
        f"{int(r['threshold'])}: {_pct(r['share_of_leads_above'])} of leads closing at {_pct(r['close_rate_above'])}, "
        f"{_pct(r['share_of_customers_captured'])} of customers" for _, r in table.iterrows()))
    if cal.grade_matrix_ is not None:
        matrix = cal.grade_matrix_.set_index("cell")
        sla = cal.config_.to_dict()["grades"]["cells"] if hasattr(cal, "config_") else []
        sla_by_cell = {c["cell"]: c["sla"] for c in sla}
        lines.append(f"Fit x engagement [{cal.grade_source_.replace('_', '-')}]: close rate (leads) [SLA]")
        texts = {f"{fit}{e}": f"{_pct(matrix.loc[f'{fit}{e}', 'close_rate'])} "
                              f"({int(matrix.loc[f'{fit}{e}', 'leads']):,}) [{sla_by_cell.get(f'{fit}{e}', '')}]"
                 for fit in "ABCD" for e in "1234"}
        # A space at least between cells, however many leads a cell counts.
        width = max(22, max(len(text) for text in texts.values()) + 1)
        lines.append("       " + "".join(f"{e:>{width}}" for e in "1234"))
        for fit in "ABCD":
            lines.append(f"    {fit}  " + "".join(f"{texts[f'{fit}{e}']:>{width}}" for e in "1234"))
    return "\n".join(lines)


def _range(row: pd.Series) -> str:
    low, high = row["score_min"], row["score_max"]
    if (low is None or pd.isna(low)) and (high is None or pd.isna(high)):
        return "all scores:"
    if low is None or pd.isna(low):
        return f"<{high:g}:"
    if high is None or pd.isna(high):
        return f"{low:g}+:"
    return f"{low:g} to {high - 1:g}:"


def format_comparison(table: pd.DataFrame) -> str:
    """The method comparison as the CLI prints it.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"model": ["lift"], "auc": [0.7], "auc_ci_low": [0.65], "auc_ci_high": [0.75],
    ...     "brier": [float("nan")], "attributes": [5], "rules": [12], "share_above_threshold": [0.05],
    ...     "close_rate_above_threshold": [0.3]})
    >>> print(format_comparison(table).splitlines()[-1])
    lift                              0.700   0.650-0.750      n/a    5     12     5.0%     30.0%
    """
    lines = [f"Held-out comparison ({table.attrs.get('split', 'holdout')}, {table.attrs.get('test_leads', '?')} leads)",
             f"{'model':<32}{'AUC':>7}{'95% CI':>14}{'Brier':>9}{'attr':>5}{'rules':>7}{'above':>9}{'closing':>10}"]
    for _, r in table.iterrows():
        brier = "n/a" if pd.isna(r["brier"]) else f"{r['brier']:.4f}"
        lines.append(f"{r['model']:<32}{r['auc']:>7.3f}{r['auc_ci_low']:>8.3f}-{r['auc_ci_high']:.3f}{brier:>9}"
                     f"{int(r['attributes']):>5}{int(r['rules']):>7}{_pct(r['share_above_threshold']):>9}"
                     f"{_pct(r['close_rate_above_threshold']):>10}")
    if table.attrs.get("leakage_excluded"):
        lines.append("Left out of every model as leakage suspects: " + ", ".join(table.attrs["leakage_excluded"]))
    reference = table.loc[table["model"].str.startswith("reference"), "auc"]
    if len(reference):
        best = table.loc[~table["model"].str.startswith("reference")].sort_values("auc", ascending=False).iloc[0]
        lines.append(f"Best integer-points method: {best['model']} ({best['auc'] - reference.iloc[0]:+.3f} AUC against "
                     "the reference)")
    return "\n".join(lines)


def format_review(review: Any) -> str:
    """The quarterly review as the CLI prints it: recommendation first, then the evidence."""
    rec, period, perf = review.recommendation, review.period, review.performance
    lines = [f"Recommendation: {rec['action'].upper()}"]
    lines += [f"  - {reason}" for reason in rec["reasons"]]
    lines.append(f"New period: {period['how']}: {period['leads']:,} decided leads, {period['customers']:,} customers "
                 f"(close rate {_pct(period['rate'])})")
    auc = perf["auc_now"]
    change = perf.get("auc_change")
    lines.append(f"AUC now {auc['auc']:.3f} ({auc['ci_low']:.3f} to {auc['ci_high']:.3f})"
                 + (f"; then {change['auc_then']:.3f}, difference {change['diff']:+.3f} (p = {change['p_value']:.2g})"
                    if change else ""))
    above = perf.get("above_threshold")
    if above:
        lines.append(f"Close rate at or above the threshold: then {_pct(above['rate_then'])}, now {_pct(above['rate_now'])}"
                     f" (p = {above['p_value']:.2g}); below now {_pct(perf['close_rate_below_now'])}")
    lines.append("Calibration now vs then: " + "; ".join(
        f"{r['band']}: {_pct(r['rate_now'])} vs {_pct(r['rate_then'])}{' (changed)' if r['outside'] else ''}"
        for _, r in review.calibration.iterrows()))
    lines.append(f"Score stability: PSI {review.score_psi['psi']:.3f} ({review.score_psi['reading']})")
    shifted = review.attribute_psi.sort_values("psi", ascending=False).head(5)
    lines.append("Attribute stability (top PSI): " + "; ".join(
        f"{r['attribute']} {r['psi']:.3f} ({r['reading']})" for _, r in shifted.iterrows()))
    new_values = review.period.get("new_values") or {}
    if new_values:
        lines.append("Values never seen in training (scored with the unseen points): " + "; ".join(
            f"{attribute}: " + ", ".join(f"{value!r} ({n})" for value, n in values)
            for attribute, values in new_values.items()))
    gone = [f"{r['attribute']}: {', '.join(map(str, r['gone_levels']))}" for _, r in review.attribute_psi.iterrows()
            if len(r["gone_levels"])]
    if gone:
        lines.append("Levels with no leads any more: " + "; ".join(gone))
    changed = review.changes[review.changes["effect_changed"]]
    moved_rates = int(review.changes["changed"].sum())
    lines.append(f"Levels whose close rate changed: {moved_rates}; whose effect against the other leads changed: "
                 f"{len(changed)}" + ("" if not len(changed) else ":"))
    lines += [f"  - {r['attribute']} = {r['level']}: close rate {_pct(r['rate_then'])} then, {_pct(r['rate_now'])} now; "
              f"odds ratio {r['odds_ratio_then']:.2f} -> {r['odds_ratio_now']:.2f} (q = {r['effect_q_value']:.2g})"
              for _, r in changed.iterrows()]
    moved = review.significance[review.significance["status"].isin(["gained significance", "lost significance"])]
    if len(moved):
        lines.append("Significance changes: " + "; ".join(
            f"{r['attribute']} = {r['level']} {r['status']}" for _, r in moved.iterrows()))
    if review.champion_challenger:
        cc = review.champion_challenger
        lines.append(f"Champion vs challenger on {cc['test_leads']:,} held-out new leads: AUC "
                     f"{cc['champion']['auc']:.3f} (config in force) vs {cc['challenger']['auc']:.3f} (re-calibrated), "
                     f"p = {cc['difference']['p_value']:.2g}")
        lines.append(f"Points diff (re-calibrated vs in force): {len(review.diff)} rule(s) added, removed or changed")
    for note in review.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def format_diff(diff: pd.DataFrame) -> str:
    """``calibrate diff`` output: one line per rule that differs."""
    if diff.empty:
        return "No difference in points."
    lines = [f"{len(diff)} rule(s) differ:"]
    for _, r in diff.iterrows():
        old = "-" if pd.isna(r["points_old"]) else f"{int(r['points_old']):+d}"
        new = "-" if pd.isna(r["points_new"]) else f"{int(r['points_new']):+d}"
        lines.append(f"  {r['change']:<8} {r['attribute']} = {r['level']}: {old} -> {new}"
                     f" (close rate {_pct(r['close_rate_old'])} -> {_pct(r['close_rate_new'])})")
    return "\n".join(lines)
