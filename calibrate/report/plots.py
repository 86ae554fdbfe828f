"""One function per diagnostic chart, in the style of scikit-learn's displays.

Every ``plot_*`` function takes plain results (DataFrames, arrays, numbers:
what a fitted :class:`~calibrate.Calibrator` holds, or what a scoring
config's ``to_dict()`` holds once put in a DataFrame), draws on ``ax`` (a new
figure when ``ax`` is None) and returns the :class:`~matplotlib.axes.Axes`.
Nothing is shown (no ``plt.show()``) and no global style is changed: colours
are explicit, from the colour-blind-safe Okabe–Ito palette. Values that come
from the data (attribute names, level labels, SLAs) are drawn as plain text:
a ``$`` in ``"$1M+"`` is escaped so that matplotlib does not read it as
mathtext. :func:`save_figure` writes a chart as PNG and closes it.

matplotlib is imported inside the functions, so importing this module is
cheap and never selects a backend.

Examples
--------
>>> import pandas as pd
>>> from matplotlib.figure import Figure
>>> from calibrate.report.plots import plot_points
>>> rules = pd.DataFrame({"attribute": ["requested_demo", "job_title"], "level": ["Yes", "Student"],
...                       "points": [113, -48]})
>>> ax = plot_points(rules, ax=Figure().subplots())
>>> [t.get_text() for t in ax.get_yticklabels()]
['requested_demo = Yes', 'job_title = Student']
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "PALETTE",
    "plot_rolling",
    "plot_decay_curve",
    "plot_attribute_evidence",
    "plot_calibration",
    "plot_gains",
    "plot_grade_matrix",
    "plot_points",
    "plot_score_distribution",
    "plot_threshold_table",
    "save_figure",
]

#: Okabe–Ito colours (readable with the common colour-vision deficiencies).
PALETTE: dict[str, str] = {
    "positive": "#0072B2",  # blue: a level that earns points, customers
    "negative": "#D55E00",  # vermillion: a level that loses points
    "neutral": "#BBBBBB",  # grey: no points or no significant evidence
    "secondary": "#E69F00",  # orange: non-customers, second series
    "tertiary": "#009E73",  # bluish green: third series
    "reference": "#555555",  # dark grey: baselines, diagonals
    "threshold": "#000000",  # black: the sales-ready threshold
    "empty": "#E5E5E5",  # light grey: cells without leads
}


# ---------------------------------------------------------------------- helpers
def _text(value: Any) -> str:
    r"""``value`` as plain text for matplotlib: ``$`` escaped as ``\$`` so no mathtext is parsed.

    Examples
    --------
    >>> _text("$1M+")
    '\\$1M+'
    >>> _text(None), _text(float("nan")), _text(3)
    ('(missing)', '(missing)', '3')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(missing)"
    return str(value).replace("$", "\\$")


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {missing}; got {list(frame.columns)}")


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats, None (from a config's records) read as NaN."""
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))


def _pct(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{100 * value:.1f}%" if abs(value) < 0.1 else f"{100 * value:.0f}%"


def _number(value: Any) -> str:
    """A score edge: integers without a decimal point."""
    number = float(value)
    return f"{int(number)}" if number.is_integer() else f"{number:g}"


def _is_open(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _band_label(low: Any, high: Any) -> str:
    """Label of the left-closed band ``low <= score < high`` (None: open end).

    Examples
    --------
    >>> _band_label(None, -42.0), _band_label(-42.0, -16.0), _band_label(35.0, None), _band_label(5, 6)
    ('< -42', '-42 to -17', '35+', '5')
    >>> _band_label(0.5, 2.5), _band_label(None, None)
    ('0.5 to < 2.5', 'all scores')
    """
    if _is_open(low) and _is_open(high):
        return "all scores"
    if _is_open(low):
        return f"< {_number(high)}"
    if _is_open(high):
        return f"{_number(low)}+"
    low, high = float(low), float(high)
    if low.is_integer() and high.is_integer():  # integer scores: the band holds low ... high - 1
        return _number(low) if high - 1 <= low else f"{_number(low)} to {_number(high - 1)}"
    return f"{_number(low)} to < {_number(high)}"


def _nice_width(span: float, target_bins: int) -> float:
    raw = span / target_bins
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude
    return 10 * magnitude


# ---------------------------------------------------------------------- charts
def plot_attribute_evidence(levels: pd.DataFrame, *, baseline: float, title: str | None = None,
                            ax: Axes | None = None) -> Axes:
    """Close rate of each level of one attribute, with its interval and points.

    Parameters
    ----------
    levels : pandas.DataFrame
        One row per level, drawn top to bottom in the given order: ``level``,
        ``leads``, ``close_rate``, ``ci_low``, ``ci_high`` (e.g. Wilson),
        ``points`` and optionally ``significant`` (e.g.
        ``cal.stats_.loc["requested_demo"].reset_index()``).
    baseline : float
        The overall close rate, drawn as a dashed vertical line.
    title : str, optional
        Chart title; default the ``attribute`` column's single value, if
        any, else a generic one.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Bars (one per level; width = close rate) coloured blue for levels
        that earn points, vermillion for levels that lose points and grey for
        levels without points or without significant evidence; error bars
        from ``ci_low`` to ``ci_high``; "+113 pts · 633 leads" at each bar.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> levels = pd.DataFrame({"level": ["Yes", "No"], "leads": [633, 9000], "close_rate": [0.30, 0.06],
    ...                        "ci_low": [0.26, 0.055], "ci_high": [0.34, 0.065], "points": [113, 0],
    ...                        "significant": [True, False]})
    >>> ax = plot_attribute_evidence(levels, baseline=0.077, title="requested_demo", ax=Figure().subplots())
    >>> [round(float(bar.get_width()), 2) for bar in ax.containers[0]], ax.texts[0].get_text()
    ([0.3, 0.06], '+113 pts · 633 leads')
    """
    _require(levels, ["level", "leads", "close_rate", "ci_low", "ci_high", "points"], "plot_attribute_evidence")
    n = len(levels)
    ax = _new_axes(ax, (8.0, max(2.6, 0.42 * n + 1.6)))
    rate = _floats(levels, "close_rate")
    low, high = _floats(levels, "ci_low"), _floats(levels, "ci_high")
    points = np.nan_to_num(_floats(levels, "points"))
    leads = np.nan_to_num(_floats(levels, "leads")).astype(np.int64)
    significant = levels["significant"].eq(True).to_numpy() if "significant" in levels else np.ones(n, dtype=bool)
    colours = [PALETTE["positive"] if s and p > 0 else PALETTE["negative"] if s and p < 0 else PALETTE["neutral"]
               for p, s in zip(points, significant)]
    y = np.arange(n)[::-1].astype(float)  # first level on top
    width = np.nan_to_num(rate)
    ax.barh(y, width, height=0.7, color=colours, edgecolor="none", zorder=2)
    known = np.isfinite(rate) & np.isfinite(low) & np.isfinite(high)
    if known.any():
        ax.errorbar(rate[known], y[known],
                    xerr=np.vstack([np.clip(rate - low, 0, None), np.clip(high - rate, 0, None)])[:, known],
                    fmt="none", ecolor="#222222", elinewidth=1.1, capsize=3, zorder=3)
    reach = float(np.nanmax(np.r_[high[known], rate[known], baseline])) if n else baseline
    reach = reach if math.isfinite(reach) and reach > 0 else 1.0
    for i in range(n):
        end = np.nanmax([rate[i], high[i]]) if np.isfinite([rate[i], high[i]]).any() else 0.0
        note = f"{int(points[i]):+d} pts" if points[i] else "0 pts"
        note += f" · {leads[i]:,} leads" if leads[i] else " · no leads"
        ax.text(end + 0.015 * reach, y[i], note, va="center", ha="left", fontsize=8.5, color="#222222", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.6})
    baseline_line = ax.axvline(baseline, color=PALETTE["reference"], linestyle="--", linewidth=1.2, zorder=4,
                               label=f"All leads: {_pct(baseline)}")
    ax.set_yticks(y, [_text(v) for v in levels["level"]])
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, reach * 1.45)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Close rate (bar) and its confidence interval (whisker)")
    if title is None:
        attributes = levels["attribute"].dropna().unique() if "attribute" in levels else []
        title = f"Close rate by {attributes[0]}" if len(attributes) == 1 else "Close rate by level"
    ax.set_title(_text(title), loc="left", fontweight="bold", pad=22)
    from matplotlib.patches import Patch

    handles = [Patch(color=PALETTE["positive"], label="Earns points"),
               Patch(color=PALETTE["negative"], label="Loses points"),
               Patch(color=PALETTE["neutral"], label="0 points / not significant"), baseline_line]
    # Above the plot, under the title: never over bars or their notes.
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, fontsize=8, frameon=False,
              borderaxespad=0.2, handlelength=1.4, columnspacing=1.2)
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    return ax


def plot_points(rules: pd.DataFrame, *, top: int = 20, ax: Axes | None = None) -> Axes:
    """The rules with the most points (in absolute value) as a diverging bar chart.

    Parameters
    ----------
    rules : pandas.DataFrame
        One row per rule: ``attribute``, ``level``, ``points`` (e.g.
        ``cal.points_.reset_index()`` or ``config.points_table()``). Rules
        with 0 points are left out.
    top : int
        How many rules to draw, strongest first.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per rule, labelled "attribute = level", most positive on top,
        most negative at the bottom.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> rules = pd.DataFrame({"attribute": ["a", "a", "b", "c"], "level": ["x", "y", "z", "w"],
    ...                       "points": [10, -30, 0, 50]})
    >>> ax = plot_points(rules, top=2, ax=Figure().subplots())
    >>> [float(bar.get_width()) for bar in ax.containers[0]]
    [50.0, -30.0]
    """
    _require(rules, ["attribute", "level", "points"], "plot_points")
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    frame = rules.reset_index(drop=True).assign(_points=np.nan_to_num(_floats(rules, "points")))
    frame = frame[frame["_points"] != 0]
    frame = frame.loc[frame["_points"].abs().sort_values(ascending=False, kind="stable").index[:top]]
    frame = frame.sort_values("_points", ascending=False, kind="stable")
    n = len(frame)
    ax = _new_axes(ax, (8.0, max(2.6, 0.36 * n + 1.6)))
    values = frame["_points"].to_numpy(dtype=float)
    y = np.arange(n)[::-1].astype(float)
    colours = [PALETTE["positive"] if v > 0 else PALETTE["negative"] for v in values]
    ax.barh(y, values, height=0.7, color=colours, zorder=2)
    reach = float(np.abs(values).max()) if n else 1.0
    for value, position in zip(values, y):
        ax.text(value + (0.02 if value > 0 else -0.02) * reach, position, f"{int(value):+d}", va="center",
                ha="left" if value > 0 else "right", fontsize=8.5, color="#222222")
    ax.axvline(0, color=PALETTE["reference"], linewidth=1)
    labels = [f"{_text(a)} = {_text(level)}" for a, level in zip(frame["attribute"], frame["level"])]
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, max(n, 1) - 0.4)
    left = 1.2 * values.min() if (values < 0).any() else -0.05 * reach  # room for the value labels
    right = 1.12 * values.max() if (values > 0).any() else 0.05 * reach
    ax.set_xlim(left, right)
    if not n:
        ax.text(0.5, 0.5, "No rule gives points", transform=ax.transAxes, ha="center", va="center", color="#555555")
    ax.set_xlabel("Points added to the lead score")
    shown = f"top {n} " if len(rules) > n and n else ""
    ax.set_title(f"Scoring rules: {shown}by size of points", loc="left", fontweight="bold")
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    return ax


def plot_score_distribution(scores: np.ndarray, y: np.ndarray, *, threshold: int | None = None,
                            ax: Axes | None = None) -> Axes:
    """Overlaid score histograms (as densities) of customers and non-customers.

    Parameters
    ----------
    scores : numpy.ndarray
        Score per lead.
    y : numpy.ndarray
        Outcome per lead, 0/1 or boolean (1: became a customer).
    threshold : int, optional
        The sales-ready score, drawn as a vertical line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Two step-filled histograms on shared bins whose edges are multiples
        of a round width (1, 2, 5, 10, ... points), so integer scores never
        straddle a bin edge.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = plot_score_distribution(np.array([0, 10, 20, 50, 60]), np.array([0, 0, 1, 1, 1]), threshold=40,
    ...                              ax=Figure().subplots())
    >>> ax.get_legend_handles_labels()[1]
    ['Customers (3)', 'Non-customers (2)', 'Sales-ready threshold (40)']
    """
    from calibrate.validation import as_outcome

    values = np.asarray(scores, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {values.shape}")
    outcome = as_outcome(y, len(values))
    finite = np.isfinite(values)
    values, outcome = values[finite], outcome[finite]
    ax = _new_axes(ax, (8.0, 4.2))
    if len(values):
        lowest, highest = float(values.min()), float(values.max())
        integer = bool(np.all(values == np.round(values)))
        span = highest - lowest
        width = 1.0 if integer and span <= 60 else _nice_width(max(span, 1e-9), 40)
        if integer:
            width = max(1.0, round(width))
        start = math.floor(lowest / width) * width
        edges = np.arange(start, highest + width + width / 2, width)
        if integer and width == 1:
            edges = edges - 0.5  # one bar centred on each integer score
            edges = np.r_[edges, edges[-1] + 1] if edges[-1] <= highest else edges
        for label, mask, colour in (("Customers", outcome == 1, PALETTE["positive"]),
                                    ("Non-customers", outcome == 0, PALETTE["secondary"])):
            if mask.any():
                ax.hist(values[mask], bins=edges, density=True, histtype="stepfilled", alpha=0.45, color=colour,
                        edgecolor=colour, linewidth=1.2, label=f"{label} ({int(mask.sum()):,})")
    else:
        ax.text(0.5, 0.5, "No scores", transform=ax.transAxes, ha="center", va="center", color="#555555")
    if threshold is not None:
        ax.axvline(threshold, color=PALETTE["threshold"], linestyle="--", linewidth=1.4,
                   label=f"Sales-ready threshold ({_number(threshold)})")
    ax.set_xlabel("Lead score")
    ax.set_ylabel("Share of each group's leads per score point")
    ax.set_title("Scores of customers and non-customers", loc="left", fontweight="bold")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8.5)
    return ax


def plot_gains(gains: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Cumulative gains: the share of customers found by working the best-scored leads first.

    Parameters
    ----------
    gains : pandas.DataFrame
        :func:`calibrate.evaluate.gains_table` (highest scores first):
        ``cumulative_share_of_leads``, ``cumulative_share_of_customers`` and,
        optionally, ``lift`` per group (drawn as "2.9×" at each point).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The gains curve from (0, 0) through one point per group (first line)
        and the diagonal of a random order (second line).

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from calibrate.evaluate import gains_table
    >>> table = gains_table(np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0]), np.arange(10)[::-1], n_groups=5)
    >>> ax = plot_gains(table, ax=Figure().subplots())
    >>> curve = ax.get_lines()[0]
    >>> curve.get_xdata()[-1], curve.get_ydata()[-1]
    (np.float64(1.0), np.float64(1.0))
    """
    _require(gains, ["cumulative_share_of_leads", "cumulative_share_of_customers"], "plot_gains")
    ax = _new_axes(ax, (6.4, 5.2))
    x = np.r_[0.0, _floats(gains, "cumulative_share_of_leads")]
    y = np.r_[0.0, _floats(gains, "cumulative_share_of_customers")]
    ax.plot(x, y, color=PALETTE["positive"], marker="o", markersize=4, linewidth=2, label="Leads in score order",
            clip_on=False, zorder=3)
    ax.plot([0, 1], [0, 1], color=PALETTE["reference"], linestyle="--", linewidth=1.2, label="Leads in random order",
            zorder=2)
    ax.fill_between(x, x, y, where=y >= x, color=PALETTE["positive"], alpha=0.08, linewidth=0, zorder=1)
    if "lift" in gains and len(gains):
        for xi, yi, lift in zip(x[1:], y[1:], _floats(gains, "lift")):
            if math.isfinite(lift):
                ax.annotate(f"{lift:.1f}×", (xi, yi), xytext=(-4, 5), textcoords="offset points", ha="right",
                            va="bottom", fontsize=7.5, color="#333333")
        ax.text(0.98, 0.03, "Numbers: lift of each group\n(its close rate ÷ the average)", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=7.5, color="#555555")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    _percent_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("Share of leads worked, highest scores first")
    ax.set_ylabel("Share of all customers found")
    ax.set_title("Gains: customers found by working top-scored leads first", loc="left", fontweight="bold")
    ax.legend(loc="upper left", fontsize=8.5)
    ax.grid(color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    return ax


def plot_calibration(calibration: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Observed close rate per score band, with its interval: do higher scores close more?

    Parameters
    ----------
    calibration : pandas.DataFrame
        :func:`calibrate.evaluate.calibration_table`, lowest band first:
        ``score_min`` (None for the first, open band), ``score_max`` (None
        for the last), ``leads``, ``close_rate``, ``ci_low``, ``ci_high``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per band (height = close rate; 0 and "no leads" for an empty
        band) labelled by its score range ("< -42", "-42 to -17", "35+"),
        interval whiskers and the band's lead count above each bar.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from calibrate.evaluate import calibration_table
    >>> table = calibration_table(np.array([0, 0, 1, 0, 1, 1]), np.array([0, 10, 20, 30, 40, 50]), [20, 40])
    >>> ax = plot_calibration(table, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['< 20', '20 to 39', '40+']
    """
    _require(calibration, ["score_min", "score_max", "leads", "close_rate", "ci_low", "ci_high"], "plot_calibration")
    n = len(calibration)
    ax = _new_axes(ax, (max(5.5, 1.1 * n + 2.5), 4.2))
    rate = _floats(calibration, "close_rate")
    low, high = _floats(calibration, "ci_low"), _floats(calibration, "ci_high")
    leads = np.nan_to_num(_floats(calibration, "leads")).astype(np.int64)
    x = np.arange(n, dtype=float)
    ax.bar(x, np.nan_to_num(rate), width=0.65, color=PALETTE["positive"], alpha=0.85, zorder=2)
    known = np.isfinite(rate) & np.isfinite(low) & np.isfinite(high)
    if known.any():
        ax.errorbar(x[known], rate[known],
                    yerr=np.vstack([np.clip(rate - low, 0, None), np.clip(high - rate, 0, None)])[:, known],
                    fmt="none", ecolor="#222222", elinewidth=1.1, capsize=4, zorder=3)
    top = float(np.nanmax(np.r_[high[known], rate[known]])) if known.any() else 0.0
    top = top if top > 0 else 1.0
    for i in range(n):
        end = high[i] if np.isfinite(high[i]) else (rate[i] if np.isfinite(rate[i]) else 0.0)
        note = f"{leads[i]:,} leads" if leads[i] else "no leads"
        ax.text(x[i], end + 0.02 * top, note, ha="center", va="bottom", fontsize=8.5, color="#222222")
    ax.set_xticks(x, [_band_label(lo, hi) for lo, hi in zip(calibration["score_min"], calibration["score_max"])])
    ax.set_xlim(-0.6, max(n, 1) - 0.4)
    ax.set_ylim(0, top * 1.18)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("Score band")
    ax.set_ylabel("Close rate (whisker: confidence interval)")
    ax.set_title("Close rate by score band", loc="left", fontweight="bold")
    ax.grid(axis="y", color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    return ax


def plot_grade_matrix(cells: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Close rate of every fit (rows, A on top) × engagement (columns) cell as a heatmap.

    Parameters
    ----------
    cells : pandas.DataFrame
        One row per cell (:func:`calibrate.grading.grade_matrix`, or a
        config's ``grades.cells``): ``fit_grade``, ``engagement_grade``,
        ``leads``, ``close_rate`` and optionally ``customers`` and ``sla``.
        Rows and columns keep the order in which the grades first appear.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        An image of the close rates (NaN for cells without leads, drawn
        hatched grey with "no leads"), blue below the overall close rate and
        red above it, each cell annotated with its close rate, leads and SLA,
        and a colourbar labelled "close rate".

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from calibrate.grading import grade_matrix
    >>> cells = grade_matrix(np.array([1, 0, 0, 1]), np.array(["A", "A", "D", "B"]), np.array(["1", "2", "4", "1"]))
    >>> ax = plot_grade_matrix(cells, ax=Figure().subplots())
    >>> ax.images[0].get_array()[0, :2].tolist(), ax.texts[0].get_text()
    ([1.0, 0.0], '100%\\n1 lead')
    """
    _require(cells, ["fit_grade", "engagement_grade", "leads", "close_rate"], "plot_grade_matrix")
    from matplotlib import colormaps
    from matplotlib.colors import Normalize, TwoSlopeNorm
    from matplotlib.patches import Rectangle

    fit = cells["fit_grade"].astype(str).to_numpy()
    engagement = cells["engagement_grade"].astype(str).to_numpy()
    fit_labels, engagement_labels = list(pd.unique(fit)), list(pd.unique(engagement))
    ax = _new_axes(ax, (1.45 * len(engagement_labels) + 2.6, 1.05 * len(fit_labels) + 1.6))
    leads = np.nan_to_num(_floats(cells, "leads"))
    close_rate = np.where(leads > 0, _floats(cells, "close_rate"), np.nan)
    sla = (cells["sla"].to_numpy(dtype=object) if "sla" in cells else np.full(len(cells), None, dtype=object))
    shape = (len(fit_labels), len(engagement_labels))
    rates, lead_grid = np.full(shape, np.nan), np.zeros(shape, dtype=np.int64)
    sla_grid = np.full(shape, "", dtype=object)
    for f, e, n, r, s in zip(fit, engagement, leads, close_rate, sla):
        i, j = fit_labels.index(f), engagement_labels.index(e)
        rates[i, j], lead_grid[i, j] = r, int(n)
        sla_grid[i, j] = "" if _is_open(s) or str(s) == "" else _text(s)

    finite = rates[np.isfinite(rates)]
    total = leads.sum()
    if "customers" in cells and total > 0:
        centre = float(np.nansum(_floats(cells, "customers")) / total)  # the overall close rate
    else:
        known = np.isfinite(close_rate)
        centre = float(np.average(close_rate[known], weights=leads[known])) if known.any() else math.nan
    vmin, vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    if vmin < centre < vmax:
        norm: Normalize = TwoSlopeNorm(vcenter=centre, vmin=vmin, vmax=vmax)
    else:
        norm = Normalize(vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1e-9)
    cmap = colormaps["RdBu_r"].with_extremes(bad=PALETTE["empty"])
    image = ax.imshow(np.ma.masked_invalid(rates), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    for i, j in np.ndindex(rates.shape):
        rate = rates[i, j]
        sla_text = sla_grid[i, j]
        if not math.isfinite(rate):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=PALETTE["empty"], edgecolor="#AAAAAA",
                                   hatch="///", linewidth=0))
            lines = ["no leads"] + ([f"SLA: {sla_text}"] if sla_text else [])
            ax.text(j, i, "\n".join(lines), ha="center", va="center", fontsize=8.5, color="#444444")
            continue
        red, green, blue, _ = cmap(norm(rate))
        dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5
        count = int(lead_grid[i, j])
        lines = [_pct(rate), f"{count:,} lead" + ("" if count == 1 else "s")]
        lines += [f"SLA: {sla_text}"] if sla_text else []
        ax.text(j, i, "\n".join(lines), ha="center", va="center", fontsize=8.5,
                color="white" if dark else "#111111")
    ax.set_xticks(np.arange(len(engagement_labels)), [_text(v) for v in engagement_labels])
    ax.set_yticks(np.arange(len(fit_labels)), [_text(v) for v in fit_labels])
    ax.set_xlabel("Engagement grade (1 = most engaged)")
    ax.set_ylabel("Fit grade (A = best fit)")
    ax.set_title("Close rate by fit × engagement", loc="left", fontweight="bold")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    colourbar = ax.figure.colorbar(image, ax=ax, fraction=0.05, pad=0.03)
    colourbar.set_label("close rate")
    _percent_axis(colourbar.ax.yaxis)
    return ax


def plot_threshold_table(table: pd.DataFrame, *, threshold: int | None = None, ax: Axes | None = None) -> Axes:
    """What each candidate sales-ready threshold passes on to sales.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`calibrate.evaluate.threshold_table`: ``threshold``,
        ``share_of_leads_above``, ``close_rate_above``,
        ``share_of_customers_captured`` and optionally ``ci_low_above`` and
        ``ci_high_above`` (drawn as a band around the close rate).
    threshold : int, optional
        The chosen threshold, drawn as a vertical line (with its values
        marked when it is one of the table's thresholds).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Three lines against the threshold, in this order: close rate of the
        leads at or above it, share of customers captured, share of leads
        passed on.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from calibrate.evaluate import threshold_table
    >>> table = threshold_table(np.array([0, 1, 0, 1, 1]), np.array([0, 10, 10, 20, 30]), [0, 10, 20, 30])
    >>> ax = plot_threshold_table(table, threshold=20, ax=Figure().subplots())
    >>> ax.get_lines()[1].get_ydata().tolist()
    [1.0, 1.0, 0.6666666666666666, 0.3333333333333333]
    """
    _require(table, ["threshold", "share_of_leads_above", "close_rate_above", "share_of_customers_captured"],
             "plot_threshold_table")
    ax = _new_axes(ax, (9.5, 4.4))
    cut = _floats(table, "threshold")
    series = [("close_rate_above", "Close rate of leads at or above", PALETTE["positive"], "-"),
              ("share_of_customers_captured", "Share of customers captured", PALETTE["negative"], "-"),
              ("share_of_leads_above", "Share of leads passed to sales", PALETTE["tertiary"], ":")]
    for column, label, colour, style in series:
        ax.plot(cut, _floats(table, column), color=colour, linestyle=style, linewidth=2, label=label,
                marker="o" if len(cut) <= 12 else None, markersize=3.5)
    if {"ci_low_above", "ci_high_above"} <= set(table.columns):
        ax.fill_between(cut, _floats(table, "ci_low_above"), _floats(table, "ci_high_above"),
                        color=PALETTE["positive"], alpha=0.15, linewidth=0, label="Confidence interval of the close rate")
    if threshold is not None:
        ax.axvline(threshold, color=PALETTE["threshold"], linestyle="--", linewidth=1.3,
                   label=f"Sales-ready threshold ({_number(threshold)})")
        exact = np.flatnonzero(cut == float(threshold))
        if len(exact):
            row = table.iloc[int(exact[0])]
            for column, _, colour, _ in series:
                value = float(pd.to_numeric(row[column], errors="coerce"))
                if math.isfinite(value):
                    ax.plot([threshold], [value], marker="o", markersize=7, color=colour, markeredgecolor="white",
                            zorder=5)
                    ax.annotate(_pct(value), (threshold, value), xytext=(6, 4), textcoords="offset points",
                                fontsize=8, color=colour)
    ax.set_ylim(0, 1.05)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("Sales-ready threshold (leads scoring at or above it go to sales)")
    ax.set_ylabel("Share / close rate")
    ax.set_title("What each threshold passes on to sales", loc="left", fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)  # beside, not over, the lines
    ax.grid(color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    return ax


def plot_rolling(rolling: pd.DataFrame, attribute: str, *, max_levels: int = 8, ax: Axes | None = None) -> Axes:
    """One attribute's close rate per level over periods (the review's rolling view).

    Parameters
    ----------
    rolling : pandas.DataFrame
        Columns ``period``, ``attribute``, ``level``, ``leads``, ``close_rate``
        (as :func:`calibrate.review.rolling_view` returns).
    attribute : str
        The attribute to draw.
    max_levels : int
        Only the levels with the most leads are drawn.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> table = pd.DataFrame({"period": ["2025Q1", "2025Q2"] * 2, "attribute": "demo", "level": ["Yes", "Yes", "No", "No"],
    ...                       "leads": [100, 120, 900, 880], "close_rate": [0.2, 0.1, 0.05, 0.05]})
    >>> ax = plot_rolling(table, "demo")
    >>> len(ax.get_lines())
    2
    """
    _require(rolling, ["period", "attribute", "level", "leads", "close_rate"], "plot_rolling")
    data = rolling[rolling["attribute"] == attribute]
    ax = _new_axes(ax, (8.0, 3.6))
    periods = list(dict.fromkeys(data["period"].astype(str)))
    top = data.groupby("level")["leads"].sum().sort_values(ascending=False).head(max_levels).index
    for level in top:
        rows = data[data["level"] == level]
        series = pd.Series(rows["close_rate"].to_numpy(dtype=float), index=rows["period"].astype(str))
        ax.plot(periods, [series.get(p, np.nan) for p in periods], marker="o", label=_text(level))
    _percent_axis(ax.yaxis)
    ax.set_title(_text(attribute), loc="left", fontweight="bold")
    ax.set_ylabel("Close rate")
    ax.set_xlabel("Period")
    ax.legend(fontsize=8, ncols=2, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_decay_curve(curve: pd.DataFrame, *, baseline: float, half_life_days: float | None = None,
                     ax: Axes | None = None) -> Axes:
    """Close rate by days since the lead's last activity, with the fitted half-life.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`calibrate.decay.decay_curve`: ``days`` (bucket label),
        ``leads``, ``close_rate``, ``ci_low``, ``ci_high``.
    baseline : float
        Overall close rate, drawn as a horizontal line.
    half_life_days : float, optional
        The estimated half-life, named in the title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One point per bucket with its interval as an error bar.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> curve = pd.DataFrame({"days": ["0-6", "7-29", "30+"], "leads": [50, 40, 30],
    ...                       "close_rate": [0.3, 0.2, 0.05], "ci_low": [0.2, 0.1, 0.01], "ci_high": [0.4, 0.3, 0.1]})
    >>> ax = plot_decay_curve(curve, baseline=0.2, half_life_days=30, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0-6', '7-29', '30+']
    """
    _require(curve, ["days", "leads", "close_rate", "ci_low", "ci_high"], "plot_decay_curve")
    ax = _new_axes(ax, (9.5, 4.2))
    x = np.arange(len(curve))
    rate = _floats(curve, "close_rate")
    low, high = _floats(curve, "ci_low"), _floats(curve, "ci_high")
    ax.errorbar(x, rate, yerr=np.vstack([np.nan_to_num(rate - low), np.nan_to_num(high - rate)]), fmt="o-",
                color=PALETTE["positive"], ecolor=PALETTE["positive"], elinewidth=1.2, capsize=3, linewidth=1.6,
                label="Close rate (with confidence interval)")
    ax.axhline(baseline, color=PALETTE["reference"], linestyle="--", linewidth=1.1, label=f"Baseline ({_pct(baseline)})")
    for i, leads in enumerate(curve["leads"]):
        ax.annotate(f"{int(leads):,}", (x[i], 0), xytext=(0, 3), textcoords="offset points", ha="center",
                    fontsize=7.5, color=PALETTE["reference"])
    ax.set_xticks(x, [_text(d) for d in curve["days"]])
    ax.set_ylim(0, max(float(np.nanmax(high)) if np.isfinite(high).any() else 0.0, baseline) * 1.15 + 1e-9)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("Days since the lead's last activity (leads per bucket at the bottom)")
    ax.set_ylabel("Close rate")
    title = "How engagement cools"
    if half_life_days is not None:
        title += f": half-life {half_life_days:.0f} days"
    ax.set_title(title, loc="left", fontweight="bold")
    ax.legend(loc="upper right", fontsize=8.5, frameon=False)
    ax.grid(color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    return ax


def save_figure(ax: Axes, path: str | os.PathLike[str]) -> Path:
    """Save the figure holding ``ax`` as PNG (110 dpi, tight bounding box) and close it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An axes of the figure to save (what every ``plot_*`` returns).
    path : str or path-like
        The PNG file to write; its folder must exist.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from calibrate.evaluate import gains_table
    >>> ax = plot_gains(gains_table(np.array([1, 0, 1, 0]), np.array([3, 2, 1, 0]), n_groups=2))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save_figure(ax, pathlib.Path(folder) / "gains.png")
    ...     written.read_bytes()[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    import matplotlib.pyplot as plt

    target = Path(path)
    figure = getattr(ax.figure, "figure", None) or ax.figure  # the root figure, also for a subfigure
    figure.savefig(target, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return target

