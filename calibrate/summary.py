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

from typing import TYPE_CHECKING

import pandas as pd

from calibrate import __version__

if TYPE_CHECKING:
    from calibrate.calibrator import Calibrator

__all__ = ["format_fit_summary"]


def _pct(x: float | None) -> str:
    return "n/a" if x is None or pd.isna(x) else f"{100 * x:.1f}%"


def _rule_line(attribute: str, level: str, row: pd.Series) -> str:
    return (f"  {int(row['points']):+5d}  {attribute} = {level}: {int(row['leads']):,} leads, close rate "
            f"{_pct(row['close_rate'])} (lift {row['lift']:.2f}, q = {row['q_value']:.2g})")


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
                 + f" -> {outcome.leads:,} leads, {outcome.customers:,} customers "
                 f"({outcome.column} = {', '.join(outcome.positive)})")
    lines.append(f"Baseline close rate: {_pct(base.rate)} ({base.confidence:.0%} CI {_pct(base.ci_low)} to {_pct(base.ci_high)})")
    lines.append(f"Attributes used ({len(cal.specs_)}): {', '.join(s.name for s in cal.specs_)}")
    lines.append(f"Columns left out ({len(cal.left_out_)}):")
    lines += [f"  - {o.column}: {o.reason}" for o in cal.left_out_]
    if cal.notes_:
        lines.append("Cleaning:")
        for note in cal.notes_:
            rows = f" ({note.rows:,} rows)" if note.rows else ""
            lines.append(f"  - {note.column}: {note.detail}{rows}")
    if cal.leakage_suspects_:
        lines.append("Leakage suspects (predict the outcome too well; drop them if filled in after contact): "
                     + ", ".join(cal.leakage_suspects_))
    stats = cal.stats_
    scored = stats[stats["points"] != 0].sort_values("points", kind="stable")
    positive = scored[scored["points"] > 0].iloc[::-1].head(top)
    negative = scored[scored["points"] < 0].head(top)
    lines.append(f"Rules with points: {len(scored)} of {len(stats)} levels (the rest are not significantly "
                 f"different from the baseline at q < {cal.alpha})")
    lines.append("Top positive rules:" if len(positive) else "Top positive rules: none")
    lines += [_rule_line(a, lvl, row) for (a, lvl), row in positive.iterrows()]
    lines.append("Top negative rules:" if len(negative) else "Top negative rules: none")
    lines += [_rule_line(a, lvl, row) for (a, lvl), row in negative.iterrows()]
    above = cal.threshold_summary()
    lines.append(f"Threshold {cal.threshold}: {above['leads']:,} training leads ({_pct(above['share_of_leads'])}) score at "
                 f"or above it and closed at {_pct(above['close_rate'])}"
                 + (f" ({above['lift']:.1f}x the baseline)" if above["lift"] is not None else "")
                 + " [in-sample]")
    bands = cal.band_summary()
    lines.append("Bands [in-sample]: " + "; ".join(
        f"{name} {int(r['leads']):,} leads ({_pct(r['share_of_leads'])}), close rate {_pct(r['close_rate'])}"
        for name, r in bands.iterrows()))
    return "\n".join(lines)
