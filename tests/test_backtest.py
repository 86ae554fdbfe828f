"""Points that predict (issue 3), end to end on generated data with a known truth.

The generator (calibrate.datasets) drives ``requested_demo``, ``pricing_page_visits``,
``email_clicks`` and recency from one latent buying intent, so those attributes
overlap: the lift rule counts the intent once per attribute, a multivariate
model shares it out.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator, ScoringConfig, make_leads
from calibrate.cli import main
from calibrate.summary import format_fit_summary

STAGE = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}
XEDUCATION = Path(__file__).resolve().parents[2] / "shared" / "data" / "xeducation" / "Leads.csv"


def _fit(data: pd.DataFrame, date_column: str | None = None, **params: object) -> Calibrator:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(**params).fit(data, date_column=date_column, **STAGE)


def _span(cal: Calibrator, attribute: str) -> int:
    points = cal.points_.loc[attribute]
    return int(points.max() - points.min())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_logistic_beats_lift_and_shares_credit_between_overlapping_attributes(seed: int) -> None:
    leads = make_leads(30_000, seed=seed)
    # The same threshold rule puts both methods on one scale: 100 = the top 10 % of leads.
    params = {"threshold_rule": "share", "threshold_value": 0.1}
    lift, logistic = _fit(leads, method="lift", **params), _fit(leads, method="logistic", **params)
    assert logistic.config_.to_dict()["evaluation"]["auc"] > lift.config_.to_dict()["evaluation"]["auc"]
    for attribute in ("requested_demo", "pricing_page_visits"):
        assert _span(logistic, attribute) < _span(lift, attribute), attribute


@pytest.fixture(scope="module")
def sample_fit() -> Calibrator:
    return _fit(make_leads(20_000, seed=21), method="log_odds")


def test_calibration_table_holds_on_new_leads(sample_fit: Calibrator) -> None:
    # The config's held-out calibration bands, checked on 60,000 fresh leads from the same process.
    bands = sample_fit.config_.to_dict()["calibration"]["bands"]
    assert sample_fit.config_.to_dict()["calibration"]["source"] == "holdout" and len(bands) >= 4
    fresh = make_leads(60_000, seed=22)
    decided = fresh[~fresh["stage"].str.strip().str.lower().eq("open")]
    won = decided["stage"].str.strip().str.lower().eq("closed won").to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = sample_fit.config_.score(decided)["score"].to_numpy()
    inside = 0
    for band in bands:
        low = -np.inf if band["score_min"] is None else band["score_min"]
        high = np.inf if band["score_max"] is None else band["score_max"]
        members = (scores >= low) & (scores < high)
        observed = won[members].mean()
        inside += band["ci_low"] <= observed <= band["ci_high"]
    assert inside >= len(bands) - 1
    # The bands are ordered: higher scores close more often.
    rates = [band["close_rate"] for band in bands]
    assert rates == sorted(rates)


def test_shrinkage_pulls_small_levels_toward_the_baseline(sample_fit: Calibrator) -> None:
    table = sample_fit.summary()
    shrinkage = sample_fit.config_.to_dict()["method"]["shrinkage"]
    assert shrinkage["method"] == "beta_binomial"
    base = shrinkage["prior_mean"]  # the estimated prior: the pooled close rate of the levels
    assert base == pytest.approx(sample_fit.baseline_.rate, rel=0.1)
    between = (table["shrunk_rate"] - base) * (table["close_rate"] - base) >= -1e-9
    closer = (table["shrunk_rate"] - base).abs() <= (table["close_rate"] - base).abs() + 1e-6
    assert between.all() and closer.all()
    small, large = table.nsmallest(5, "leads"), table.nlargest(5, "leads")
    pulled = lambda t: ((t["close_rate"] - t["shrunk_rate"]).abs() / (t["close_rate"] - base).abs().clip(1e-9)).mean()
    assert pulled(small) > pulled(large)


def test_rounding_keeps_the_ranking(sample_fit: Calibrator) -> None:
    rounding = sample_fit.config_.to_dict()["method"]["rounding"]
    assert rounding["rank_correlation_after"] >= rounding["rank_correlation_before"] > 0.99


def test_threshold_rules_place_100_where_the_rule_says() -> None:
    leads = make_leads(12_000, seed=5)
    share = _fit(leads, method="log_odds", threshold_rule="share", threshold_value=0.1, holdout=None)
    assert share.threshold_summary()["share_of_leads"] == pytest.approx(0.1, abs=0.02)
    rule = share.config_.to_dict()["scale"]["threshold_rule"]
    assert rule["rule"] == "share" and rule["value"] == 0.1 and rule["scale_factor"] > 0
    n = len(share.training_y_)
    capacity = _fit(leads, method="log_odds", threshold_rule="capacity", threshold_value=n / 10,
                    leads_per_period=n, holdout=None)
    assert capacity.points_.equals(share.points_)
    target = _fit(leads, method="log_odds", threshold_rule="target_rate", threshold_value=0.25, holdout=None)
    above = target.threshold_summary()
    assert target.config_.to_dict()["scale"]["threshold_rule"]["reached"] is True
    assert above["close_rate"] >= 0.25 - 0.02 and above["leads"] >= 30
    assert "Threshold rule: target_rate = 0.25" in format_fit_summary(target)


@pytest.mark.parametrize(("style", "names"), [("letters", ["F", "E", "D", "C", "B", "A"]),
                                              ("rag", ["red", "amber", "green"]), ("yes_no", ["no", "yes"])])
def test_band_styles_reach_the_config(style: str, names: list[str]) -> None:
    cal = _fit(make_leads(4000, seed=6), band_style=style, holdout=None)
    bands = cal.config_.to_dict()["scale"]["bands"]
    assert [b["name"] for b in bands] == names and bands[-2]["max"] == 100
    assert cal.config_.to_dict()["scale"]["band_style"] == style


def test_fit_engagement_matrix_in_config_and_summary(sample_fit: Calibrator) -> None:
    document = sample_fit.config_.to_dict()
    grades = document["grades"]
    assert [c["cell"] for c in grades["cells"]] == [f + e for f in "ABCD" for e in "1234"]
    assert sum(c["leads"] for c in grades["cells"]) == document["evaluation"]["test_leads"]
    sla = {c["cell"]: c["sla"] for c in grades["cells"]}
    assert sla["A1"] == sla["B1"] == "24h" and sla["A3"] == "48h" and sla["D4"] == "nurture"
    groups = {a["name"]: a["group"] for a in document["attributes"]}
    assert groups["industry"] == groups["email.domain_type"] == "fit" and groups["requested_demo"] == "engagement"
    # A1 (best fit, most engaged) closes more than D4.
    rate = {c["cell"]: c["close_rate"] for c in grades["cells"]}
    assert rate["A1"] > rate["D4"]
    text = format_fit_summary(sample_fit)
    assert "Fit x engagement [holdout]" in text and "[24h]" in text


def test_grade_cells_stay_apart_with_large_counts(sample_fit: Calibrator, monkeypatch: pytest.MonkeyPatch) -> None:
    # Cells with thousands of leads and a long SLA are wider than the old fixed 22 columns: they must not
    # run into each other (each grid row reads as four "rate (leads) [sla]" cells separated by spaces).
    wide = sample_fit.grade_matrix_.assign(leads=sample_fit.grade_matrix_["leads"] * 10_000)
    monkeypatch.setattr(sample_fit, "grade_matrix_", wide)
    lines = format_fit_summary(sample_fit).splitlines()
    grid = lines[next(i for i, line in enumerate(lines) if line.startswith("Fit x engagement")) + 2:][:4]
    for fit, line in zip("ABCD", grid, strict=True):
        cells = re.findall(r"(?:^|\s)(\d+\.\d%) \(([\d,]+)\) \[(\w+)\]", line)
        assert line.split()[0] == fit and len(cells) == 4, line


def test_group_and_sla_overrides() -> None:
    cal = _fit(make_leads(4000, seed=7), groups={"lead_source": "fit"}, sla={"A1": "4h"}, holdout=None)
    document = cal.config_.to_dict()
    assert {a["name"]: a["group"] for a in document["attributes"]}["lead_source"] == "fit"
    assert next(c for c in document["grades"]["cells"] if c["cell"] == "A1")["sla"] == "4h"


def test_monotone_caps_and_selection() -> None:
    leads = make_leads(8000, seed=8)
    cal = _fit(leads, method="log_odds", monotone=["days_since_last_activity"], attribute_cap=30, total_cap=100,
               max_attributes=5, holdout=None)
    recency = [b["points"] for b in next(a for a in cal.config_.to_dict()["attributes"]
                                         if a["name"] == "days_since_last_activity")["bins"]]
    assert recency == sorted(recency, reverse=True)  # longer inactivity never scores more
    assert cal.points_.abs().max() <= 30
    assert cal.training_scores_.max() <= 100
    kept = cal.selection_[cal.selection_["selected"]]
    assert len(cal.specs_) == 5 == len(kept)
    assert set(kept["attribute"]) == set(cal.attribute_stats_["information_value"].nlargest(5).index)


def test_redundant_copy_is_dropped_and_named() -> None:
    leads = make_leads(5000, seed=9)
    leads["demo_requested_copy"] = leads["requested_demo"]
    cal = _fit(leads, holdout=None)
    reasons = {o.column: o.reason for o in cal.left_out_}
    dropped = "demo_requested_copy" if "demo_requested_copy" in reasons else "requested_demo"
    kept = "requested_demo" if dropped == "demo_requested_copy" else "demo_requested_copy"
    assert f"redundant with '{kept}'" in reasons[dropped]


def test_time_split_holds_out_the_latest_leads() -> None:
    leads = make_leads(6000, seed=10)
    cal = _fit(leads, date_column="created_date")
    decided = leads.loc[cal.outcome_.keep, "created_date"].to_numpy()
    assert decided[~cal.train_].min() >= decided[cal.train_].max()
    assert cal.config_.to_dict()["evaluation"]["split"].startswith("time")


def test_compare_lists_every_method_and_the_reference() -> None:
    table = Calibrator().compare(make_leads(8000, seed=11), **STAGE)
    assert table["model"].tolist() == ["lift", "log_odds", "logistic", "reference logistic regression"]
    assert table["auc"].between(0.6, 0.9).all()
    assert (table["auc_ci_low"] < table["auc"]).all() and (table["auc"] < table["auc_ci_high"]).all()


def test_cli_compare_prints_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "leads.csv"
    make_leads(5000, seed=12).to_csv(path, index=False)
    assert main(["fit", str(path), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome", "Open",
                 "--method", "compare"]) == 0
    out = capsys.readouterr().out
    assert "reference logistic regression" in out and "Best integer-points method" in out
    assert not (tmp_path / "calibrate_config.yaml").exists()


def test_cli_threshold_rule_and_band_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, config = tmp_path / "leads.csv", tmp_path / "config.yaml"
    make_leads(5000, seed=13).to_csv(path, index=False)
    assert main(["fit", str(path), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome", "Open",
                 "--method", "log_odds", "--threshold-rule", "share", "--threshold-value", "0.1",
                 "--band-style", "letters", "--group", "lead_source=fit", "--sla", "A1=4h", "--output", str(config)]) == 0
    out = capsys.readouterr().out
    assert "Threshold rule: share = 0.1" in out and "Backtest on" in out and "Fit x engagement" in out
    document = ScoringConfig.load(config).to_dict()
    assert document["scale"]["threshold_rule"]["rule"] == "share" and document["scale"]["band_style"] == "letters"


@pytest.mark.skipif(not XEDUCATION.exists(), reason="../shared/data/xeducation/Leads.csv is not on this machine")
def test_xeducation_compare_integer_points_within_002_of_the_reference() -> None:
    table = Calibrator().compare(XEDUCATION, target="Converted")
    assert set(table.attrs["leakage_excluded"]) >= {"Tags", "Lead Quality"}
    reference = table.loc[table["model"] == "reference logistic regression", "auc"].iloc[0]
    best = table.loc[table["model"] != "reference logistic regression", "auc"].max()
    assert best >= reference - 0.02


def test_cross_validation_folds_partition_the_leads() -> None:
    leads = make_leads(6000, seed=14)
    folds = Calibrator().cross_validate(leads, n_splits=4, **STAGE)
    decided = int((~leads["stage"].str.strip().str.lower().eq("open")).sum())
    assert folds["fold"].tolist() == [1, 2, 3, 4]
    assert folds["test_leads"].sum() == decided and (folds["train_leads"] + folds["test_leads"] == decided).all()
    assert folds["auc"].between(0.6, 0.9).all()
    assert (folds["close_rate_above_threshold"] > folds["close_rate_below_threshold"]).all()


def test_brier_score_of_band_probabilities(sample_fit: Calibrator) -> None:
    # sklearn's brier_score_loss on the held-out leads, probabilities read from the training bands.
    from sklearn.metrics import brier_score_loss

    from calibrate.evaluate import calibration_table

    edges = [b["score_max"] for b in sample_fit.config_.to_dict()["calibration"]["bands"][:-1]]
    train = calibration_table(sample_fit.training_y_, sample_fit.training_scores_, edges)
    y_test = sample_fit.outcome_.y[~sample_fit.train_]
    band = np.searchsorted(np.asarray(edges, dtype=float), sample_fit._test_scores, side="right")
    expected = brier_score_loss(y_test, train["close_rate"].to_numpy(dtype=float)[band])
    assert sample_fit.config_.to_dict()["evaluation"]["brier"] == pytest.approx(expected, rel=1e-5)
    # Better than predicting the baseline for everyone.
    assert expected < brier_score_loss(y_test, np.full(len(y_test), sample_fit.baseline_.rate))


def test_holdout_grade_matrix_counts_the_grades_the_scorer_writes(sample_fit: Calibrator) -> None:
    # Reference: grade_matrix of the grade column the scorer wrote for the held-out leads.
    from calibrate.grading import grade_matrix, split_grades

    assert sample_fit.grade_source_ == "holdout"
    expected = grade_matrix(sample_fit._test_y, *split_grades(sample_fit._test_grades), confidence=sample_fit.confidence)
    pd.testing.assert_frame_equal(sample_fit.grade_matrix_, expected)
    assert sample_fit.grade_matrix_["leads"].sum() == len(sample_fit._test_y)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_config_after_the_backtest_is_the_whole_document_built_again(engine: str) -> None:
    # Reference: build_document of the fitted calibrator, every section rebuilt from its final state.
    from calibrate.document import build_document

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator(method="log_odds").fit(make_leads(3000, seed=5), engine=engine, **STAGE)
    assert cal.backtest_ is not None and cal.grade_source_ == "holdout"
    assert ScoringConfig(build_document(cal)).to_yaml() == cal.config_.to_yaml()
