"""The diagnostic charts draw what the fitted results say."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import cbook
from matplotlib.container import BarContainer, ErrorbarContainer

from calibrate import Calibrator, load_sample_leads
from calibrate.evaluate import threshold_table
from calibrate.report import plots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def cal() -> Calibrator:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator().fit(load_sample_leads(), target="stage", positive=["Closed Won"], exclude=["Open"])


@pytest.fixture(autouse=True)
def close_new_figures():
    before = set(plt.get_fignums())
    yield
    for number in set(plt.get_fignums()) - before:
        plt.close(number)


def _bars(ax) -> BarContainer:
    return next(c for c in ax.containers if isinstance(c, BarContainer))


def _error_segments(ax) -> np.ndarray:
    """The whisker segments of the (single) error bar container: shape (n, 2, 2)."""
    container = next(c for c in ax.containers if isinstance(c, ErrorbarContainer))
    (collection,) = container.lines[2]
    return np.array(collection.get_segments())


def _labels_top_down(ax) -> list[str]:
    """Y tick labels as read from the top of the chart down."""
    ticks = sorted(zip(ax.get_yticks(), ax.get_yticklabels()), key=lambda pair: -pair[0])
    return [label.get_text() for _, label in ticks]


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# ---------------------------------------------------------------------- attribute evidence
def test_attribute_evidence_draws_each_level_with_its_rate_interval_and_points(cal: Calibrator) -> None:
    levels = cal.stats_.loc["requested_demo"].reset_index()
    baseline = cal.baseline_.rate
    ax = plots.plot_attribute_evidence(levels, baseline=baseline, title="requested_demo")

    bars = _bars(ax)
    assert len(bars) == len(levels)
    np.testing.assert_allclose([b.get_width() for b in bars], levels["close_rate"])
    # Levels top to bottom in the given order.
    centres = [b.get_y() + b.get_height() / 2 for b in bars]
    assert centres == sorted(centres, reverse=True)
    assert _labels_top_down(ax) == levels["level"].tolist()
    # Whiskers span exactly the Wilson interval, at each bar's height.
    segments = _error_segments(ax)
    np.testing.assert_allclose(segments[:, 0, 0], levels["ci_low"])
    np.testing.assert_allclose(segments[:, 1, 0], levels["ci_high"])
    np.testing.assert_allclose(segments[:, 0, 1], centres)
    # The dashed baseline sits at the overall close rate.
    (line,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert set(line.get_xdata()) == {baseline}
    # Points and lead counts annotated: "+113 pts · 633 leads".
    for _, level in levels.iterrows():
        sign = f"{int(level['points']):+d} pts" if level["points"] else "0 pts"
        assert f"{sign} · {int(level['leads']):,} leads" in _texts(ax)
    assert ax.get_title(loc="left") == "requested_demo"


def test_attribute_evidence_colours_by_sign_of_significant_points() -> None:
    levels = pd.DataFrame({"level": ["up", "down", "zero", "weak"], "leads": [100, 100, 100, 100],
                           "close_rate": [0.3, 0.02, 0.1, 0.2], "ci_low": [0.2, 0.0, 0.05, 0.1],
                           "ci_high": [0.4, 0.05, 0.15, 0.3], "points": [40, -30, 0, 25],
                           "significant": [True, True, False, False]})
    ax = plots.plot_attribute_evidence(levels, baseline=0.1)
    colours = [matplotlib.colors.to_hex(b.get_facecolor()) for b in _bars(ax)]
    palette = plots.PALETTE
    assert colours == [palette["positive"].lower(), palette["negative"].lower(), palette["neutral"].lower(),
                       palette["neutral"].lower()]


def test_attribute_evidence_from_config_records_with_none(cal: Calibrator) -> None:
    # A config's levels come as records: numbers may be None and there is no 'significant' column.
    attribute = next(a for a in cal.config_.to_dict()["attributes"] if a["name"] == "lead_source")
    levels = pd.DataFrame([dict(level, level=level["value"]) for level in attribute["levels"]]
                          + [{"level": "(empty)", "leads": 0, "close_rate": None, "ci_low": None, "ci_high": None,
                              "points": 0}])
    ax = plots.plot_attribute_evidence(levels, baseline=0.08)
    assert len(_bars(ax)) == len(levels)
    assert _bars(ax)[-1].get_width() == 0
    assert "0 pts · no leads" in _texts(ax)
    ax.figure.canvas.draw()


def test_dollar_in_a_level_label_renders_literally(cal: Calibrator) -> None:
    levels = cal.stats_.loc["requested_demo"].reset_index()
    levels["level"] = ["$1M+", "$100k to $1M"]
    ax = plots.plot_attribute_evidence(levels, baseline=cal.baseline_.rate, title="revenue ($)")
    ax.figure.canvas.draw()  # no mathtext ParseException
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("$1M+" in label for label in labels)
    assert not any(cbook.is_math_text(label) for label in [*labels, ax.get_title(loc="left")])

    rules = pd.DataFrame({"attribute": ["revenue"], "level": ["$1M+ $5M"], "points": [30]})
    ax = plots.plot_points(rules)
    ax.figure.canvas.draw()
    (label,) = ax.get_yticklabels()
    assert "revenue = " in label.get_text() and "$5M" in label.get_text()
    assert not cbook.is_math_text(label.get_text())


# ---------------------------------------------------------------------- points
def test_points_draws_the_strongest_rules_diverging(cal: Calibrator) -> None:
    rules = cal.points_.reset_index()
    ax = plots.plot_points(rules, top=8)
    nonzero = rules[rules["points"] != 0]
    strongest = nonzero.loc[nonzero["points"].abs().sort_values(ascending=False, kind="stable").index[:8]]
    widths = [b.get_width() for b in _bars(ax)]
    assert len(widths) == 8
    assert widths == sorted(widths, reverse=True)  # most positive on top, most negative at the bottom
    assert sorted(widths) == sorted(strongest["points"].astype(float))
    ordered = strongest.sort_values("points", ascending=False, kind="stable")
    assert _labels_top_down(ax) == [f"{a} = {lvl}" for a, lvl in zip(ordered["attribute"], ordered["level"])]
    assert 0 not in widths


def test_points_with_no_rules_draws_an_empty_note() -> None:
    ax = plots.plot_points(pd.DataFrame({"attribute": ["a"], "level": ["x"], "points": [0]}))
    assert len(_bars(ax)) == 0
    assert "No rule gives points" in _texts(ax)


# ---------------------------------------------------------------------- score distribution
def test_score_distribution_shares_integer_bins_and_marks_the_threshold(cal: Calibrator) -> None:
    scores, y = cal._test_scores, cal._test_y
    ax = plots.plot_score_distribution(scores, y, threshold=100)
    customers, others = ax.patches[:2]
    assert customers.get_label() == f"Customers ({int(y.sum()):,})"
    assert others.get_label() == f"Non-customers ({int((y == 0).sum()):,})"
    # Same bins for both groups, each a density (area 1), with round-number edges.
    first, second = (p.get_path().vertices for p in (customers, others))
    np.testing.assert_array_equal(np.unique(first[:, 0]), np.unique(second[:, 0]))
    edges = np.unique(first[:, 0])
    width = np.diff(edges)[0]
    np.testing.assert_allclose(np.diff(edges), width)
    assert width == int(width) and edges[0] % width == 0
    assert edges[0] <= scores.min() and edges[-1] > scores.max()
    heights = np.histogram(scores[y == 1], bins=edges, density=True)[0]
    assert np.isclose((heights * width).sum(), 1.0)
    (threshold,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert set(threshold.get_xdata()) == {100}


def test_score_distribution_narrow_integer_scores_get_one_bin_per_score() -> None:
    ax = plots.plot_score_distribution(np.array([0, 1, 1, 2, 3, 3, 3]), np.array([0, 0, 1, 0, 1, 1, 0]))
    edges = np.unique(ax.patches[0].get_path().vertices[:, 0])
    np.testing.assert_allclose(edges, [-0.5, 0.5, 1.5, 2.5, 3.5])


# ---------------------------------------------------------------------- gains
def test_gains_curve_runs_from_origin_to_one_one_above_the_diagonal(cal: Calibrator) -> None:
    gains = cal.backtest_["gains"]
    ax = plots.plot_gains(gains)
    curve, diagonal = ax.get_lines()[:2]
    x, y = curve.get_xdata(), curve.get_ydata()
    assert (x[0], y[0]) == (0, 0)
    assert (x[-1], y[-1]) == pytest.approx((1.0, 1.0))
    np.testing.assert_allclose(x[1:], gains["cumulative_share_of_leads"])
    np.testing.assert_allclose(y[1:], gains["cumulative_share_of_customers"])
    assert list(diagonal.get_xdata()) == [0, 1] and list(diagonal.get_ydata()) == [0, 1]
    assert f"{gains['lift'].iloc[0]:.1f}×" in _texts(ax)


def test_an_existing_axes_is_drawn_on_and_returned(cal: Calibrator) -> None:
    _, (left, right) = plt.subplots(1, 2)
    before = plt.get_fignums()
    assert plots.plot_gains(cal.backtest_["gains"], ax=right) is right
    assert plots.plot_calibration(cal.backtest_["calibration"], ax=left) is left
    assert plt.get_fignums() == before
    assert right.get_lines() and left.containers


# ---------------------------------------------------------------------- calibration
def test_calibration_bars_intervals_band_labels_and_counts(cal: Calibrator) -> None:
    table = cal.backtest_["calibration"]
    ax = plots.plot_calibration(table)
    bars = _bars(ax)
    assert len(bars) == len(table)
    np.testing.assert_allclose([b.get_height() for b in bars], table["close_rate"])
    segments = _error_segments(ax)
    np.testing.assert_allclose(segments[:, 0, 1], table["ci_low"])
    np.testing.assert_allclose(segments[:, 1, 1], table["ci_high"])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    low, high = table["score_max"].iloc[0], table["score_min"].iloc[-1]
    assert labels[0] == f"< {int(low)}" and labels[-1] == f"{int(high)}+"
    assert labels[1] == f"{int(table['score_min'].iloc[1])} to {int(table['score_max'].iloc[1]) - 1}"
    for leads in table["leads"]:
        assert f"{leads:,} leads" in _texts(ax)


def test_calibration_empty_band_says_no_leads() -> None:
    table = pd.DataFrame({"score_min": [None, 0.0], "score_max": [0.0, None], "leads": [10, 0],
                          "close_rate": [0.2, np.nan], "ci_low": [0.05, np.nan], "ci_high": [0.5, np.nan]})
    ax = plots.plot_calibration(table)
    assert [b.get_height() for b in _bars(ax)] == [0.2, 0]
    assert "no leads" in _texts(ax)


# ---------------------------------------------------------------------- grade matrix
def test_grade_matrix_heatmap_is_the_four_by_four_close_rates(cal: Calibrator) -> None:
    cells = cal.grade_matrix_.copy()
    cells["sla"] = [{"A": "24h", "B": "48h"}.get(f, "nurture") for f in cells["fit_grade"]]
    ax = plots.plot_grade_matrix(cells)
    (image,) = ax.images
    expected = cells.pivot(index="fit_grade", columns="engagement_grade", values="close_rate")
    np.testing.assert_allclose(image.get_array(), expected.loc[list("ABCD"), list("1234")].to_numpy())
    assert np.asarray(image.get_array())[0, 0] == pytest.approx(cells.loc[cells["cell"] == "A1", "close_rate"].item())
    # Row 0 of the image (A) is drawn at the top: the y axis runs downward.
    assert ax.yaxis_inverted() and image.origin == "upper"
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    assert ticks == {0: "A", 1: "B", 2: "C", 3: "D"}
    assert [t.get_text() for t in ax.get_xticklabels()] == list("1234")
    a1 = cells.iloc[0]
    assert f"{a1['close_rate']:.0%}\n{a1['leads']:,} leads\nSLA: 24h" in _texts(ax)
    assert image.cmap.name.startswith("RdBu_r")
    colourbar = image.colorbar
    assert colourbar is not None and colourbar.ax.get_ylabel() == "close rate"


def test_grade_matrix_empty_cell_is_hatched_and_says_no_leads(cal: Calibrator) -> None:
    cells = pd.DataFrame(cal.config_.to_dict()["grades"]["cells"])  # the config's records, with SLAs
    empty = ["leads", "customers", "close_rate", "ci_low", "ci_high"]
    cells.loc[cells["cell"] == "C2", empty] = [0, 0, None, None, None]
    ax = plots.plot_grade_matrix(cells)
    array = ax.images[0].get_array()
    assert np.ma.is_masked(array) and array.mask[2, 1] and array.mask.sum() == 1
    assert any(t.startswith("no leads") for t in _texts(ax))
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_xy() == (0.5, 1.5)
    ax.figure.canvas.draw()


# ---------------------------------------------------------------------- threshold table
def test_threshold_table_lines_and_chosen_threshold(cal: Calibrator) -> None:
    table = threshold_table(cal._test_y, cal._test_scores, [25, 50, 75, 100, 125, 150])
    ax = plots.plot_threshold_table(table, threshold=100)
    rate, captured, share = ax.get_lines()[:3]
    np.testing.assert_allclose(rate.get_xdata(), table["threshold"])
    np.testing.assert_allclose(rate.get_ydata(), table["close_rate_above"])
    np.testing.assert_allclose(captured.get_ydata(), table["share_of_customers_captured"])
    np.testing.assert_allclose(share.get_ydata(), table["share_of_leads_above"])
    (marker,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert set(marker.get_xdata()) == {100}
    row = table.loc[table["threshold"] == 100].iloc[0]
    assert f"{row['close_rate_above']:.0%}" in _texts(ax)


# ---------------------------------------------------------------------- saving
def test_save_figure_writes_a_png_and_closes_the_figure(cal: Calibrator, tmp_path) -> None:
    before = plt.get_fignums()
    ax = plots.plot_gains(cal.backtest_["gains"])
    assert len(plt.get_fignums()) == len(before) + 1
    path = plots.save_figure(ax, tmp_path / "gains.png")
    assert path == tmp_path / "gains.png"
    content = path.read_bytes()
    assert len(content) > 1000 and content[:8] == PNG_SIGNATURE
    assert plt.get_fignums() == before


def test_every_chart_from_real_results_renders(cal: Calibrator, tmp_path) -> None:
    charts = [
        plots.plot_attribute_evidence(cal.stats_.loc["industry"].reset_index(), baseline=cal.baseline_.rate),
        plots.plot_points(cal.stats_.reset_index()),
        plots.plot_score_distribution(cal._test_scores, cal._test_y, threshold=cal.threshold),
        plots.plot_grade_matrix(cal.grade_matrix_),
        plots.plot_threshold_table(threshold_table(cal._test_y, cal._test_scores), threshold=cal.threshold),
    ]
    for i, ax in enumerate(charts):
        assert plots.save_figure(ax, tmp_path / f"{i}.png").read_bytes()[:8] == PNG_SIGNATURE


def test_module_import_does_not_need_pyplot() -> None:
    import subprocess
    import sys

    code = "import sys, calibrate.report.plots; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False"]  # importing the module selects no backend
