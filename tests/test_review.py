"""The quarterly review on generated data with and without a change of effect (issue 5)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from calibrate import Calibrator, ScoringConfig, make_leads
from calibrate.cli import main
from calibrate.datasets import DRIFT_EXAMPLE
from calibrate.review import diff_configs, effect_changes, review_config

STAGE = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}
XEDUCATION = Path(__file__).resolve().parents[2] / "shared" / "data" / "xeducation" / "Leads.csv"


def _config_for_first_half(leads: pd.DataFrame) -> ScoringConfig:
    first = leads[leads["created_date"] < "2025-07-01"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator().fit(first, date_column="created_date", **STAGE).config_


def _review(leads: pd.DataFrame) -> tuple[ScoringConfig, object]:
    config = _config_for_first_half(leads)
    return config, review_config(config, leads, date_column="created_date")


def test_no_change_keeps_the_config() -> None:
    # The recommendation controls its false alarms at alpha = 5 % (Bonferroni over its three test
    # families); over 10 unchanged datasets, 3 or more false alarms has probability 1.2 % (binomial).
    actions, flagged = [], []
    for seed in range(4, 14):
        _, result = _review(make_leads(40_000, seed=seed))
        actions.append(result.recommendation["action"])
        flagged.append(set(result.changes.loc[result.changes["effect_changed"], "attribute"]))
        assert result.score_psi["reading"] == "stable"
    assert actions.count("keep") >= 8, actions
    assert sum(bool(f) for f in flagged) <= 2, flagged


@pytest.mark.parametrize("seed", [4, 5])
def test_a_changed_effect_is_flagged_and_recalibration_recommended(seed: int) -> None:
    leads = make_leads(40_000, seed=seed, drift=DRIFT_EXAMPLE, drift_start="2025-07-01")
    config, result = _review(leads)
    flagged = result.changes[result.changes["effect_changed"]]
    assert set(flagged["attribute"]) == {"industry"}  # exactly the attribute whose effect changed
    software = flagged.set_index("level").loc["Software"]
    assert software["odds_ratio_now"] < software["odds_ratio_then"]
    assert result.recommendation["action"] == "recalibrate"
    assert any("industry" in reason for reason in result.recommendation["reasons"])
    # The challenger names the config in force in its lineage.
    assert result.new_config.to_dict()["lineage"]["replaces"] == config.fingerprint


def test_effect_change_test_is_breslow_day() -> None:
    index = pd.MultiIndex.from_tuples([("demo", "Yes"), ("demo", "No")], names=["attribute", "level"])
    then = pd.DataFrame({"leads": [800, 9200], "customers": [160, 600]}, index=index)
    now = pd.DataFrame({"leads": [900, 9100], "customers": [110, 640]}, index=index)
    result = effect_changes(then, now).set_index("level")
    # statsmodels called directly on the level-vs-rest tables of both periods.
    tables = [np.array([[160, 640], [600, 8600]]), np.array([[110, 790], [640, 8460]])]
    assert result.loc["Yes", "p_value"] == pytest.approx(StratifiedTable(tables).test_equal_odds().pvalue, rel=1e-12)


def test_an_overall_rate_change_is_not_an_effect_change() -> None:
    index = pd.MultiIndex.from_tuples([("a", "x"), ("a", "y"), ("a", "z")], names=["attribute", "level"])
    then = pd.DataFrame({"leads": [4000, 4000, 4000], "customers": [400, 200, 100]}, index=index)
    now = pd.DataFrame({"leads": [4000, 4000, 4000], "customers": [310, 152, 75]}, index=index)  # every odds ~0.75x
    result = effect_changes(then, now)
    assert not result["effect_changed"].any()


def test_diff_of_a_config_with_itself_is_empty_and_diff_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leads = make_leads(6000, seed=7)
    config = _config_for_first_half(leads)
    assert diff_configs(config, config).empty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = Calibrator(replaces=config).fit(leads[leads["created_date"] >= "2025-07-01"], **STAGE).config_
    diff = diff_configs(config, other)
    assert len(diff) > 0 and set(diff["change"]) <= {"added", "removed", "changed"}
    changed = diff[diff["change"] == "changed"]
    assert (changed["delta"] == changed["points_new"] - changed["points_old"]).all()
    old_path, new_path = config.save(tmp_path / "old.yaml"), other.save(tmp_path / "new.yaml")
    assert main(["diff", str(old_path), str(new_path)]) == 0
    out = capsys.readouterr().out
    assert f"{len(diff)} rule(s) differ" in out and "names the old one" in out
    assert main(["diff", str(old_path), str(old_path)]) == 0
    assert "No difference in points." in capsys.readouterr().out


def test_cli_review_writes_the_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leads = make_leads(20_000, seed=8, drift=DRIFT_EXAMPLE, drift_start="2025-07-01")
    rng = np.random.default_rng(1)
    config = _config_for_first_half(leads)
    leads["accepted by sales"] = np.where(rng.random(len(leads)) < 0.6, "yes", "no")
    data = tmp_path / "leads.csv"
    leads.to_csv(data, index=False)
    path = config.save(tmp_path / "config.yaml")
    assert main(["review", str(path), str(data), "--date-column", "created_date", "--acceptance-column",
                 "accepted by sales", "--output", str(tmp_path / "review")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Recommendation: RECALIBRATE") and "industry = Software" in out
    review = json.loads((tmp_path / "review" / "review.json").read_text(encoding="utf-8"))
    assert review["recommendation"]["action"] == "recalibrate"
    acceptance = pd.DataFrame(review["acceptance"])
    assert set(acceptance["by"]) == {"band", "grade"}
    assert acceptance.loc[acceptance["by"] == "band", "acceptance_rate"].between(0.5, 0.7).all()
    page = (tmp_path / "review" / "review.html").read_text(encoding="utf-8")
    assert "<script" not in page and "Recommendation: recalibrate" in page
    assert ScoringConfig.load(tmp_path / "review" / "recalibrated_config.yaml").to_dict()["lineage"]["replaces"] == \
        config.fingerprint


def test_review_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leads = make_leads(4000, seed=9)
    config = _config_for_first_half(leads)
    path = config.save(tmp_path / "config.yaml")
    data = tmp_path / "leads.csv"
    leads[leads["created_date"] < "2025-07-01"].to_csv(data, index=False)
    assert main(["review", str(path), str(data), "--date-column", "created_date"]) == 2
    assert capsys.readouterr().err.startswith("error: no lead falls in the new period")
    assert main(["review", str(path), str(data), "--date-column", "created"]) == 2
    assert "did you mean 'created_date'" in capsys.readouterr().err


@pytest.mark.skipif(not XEDUCATION.exists(), reason="../shared/data/xeducation/Leads.csv is not on this machine")
def test_review_runs_on_the_real_export_ordered_by_lead_number(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # X Education has no timestamps; Lead Number increases with time and serves as the order.
    leads = pd.read_csv(XEDUCATION, dtype=str, keep_default_na=False)
    cut = int(pd.to_numeric(leads["Lead Number"]).quantile(0.6))
    earlier = leads[pd.to_numeric(leads["Lead Number"]) < cut]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = Calibrator().fit(earlier, target="Converted").config_
    path = config.save(tmp_path / "config.yaml")
    assert main(["review", str(path), str(XEDUCATION), "--date-column", "Lead Number", "--since", str(cut),
                 "--output", str(tmp_path / "review")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Recommendation: ") and "Lead Number >= " in out
    assert (tmp_path / "review" / "review.html").exists()


def test_rolling_view_shows_the_drift_period_by_period() -> None:
    leads = make_leads(30_000, seed=10, drift=DRIFT_EXAMPLE, drift_start="2025-07-01")
    _, result = _review(leads)
    rolling = result.rolling
    assert list(dict.fromkeys(rolling["period"])) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    software = rolling[(rolling["attribute"] == "industry") & (rolling["level"] == "Software")].set_index("period")
    assert software.loc[["2025Q1", "2025Q2"], "close_rate"].min() > software.loc[["2025Q3", "2025Q4"], "close_rate"].max()
    # Counts per period partition the decided leads of that period (checked against pandas).
    decided = leads[~leads["stage"].str.strip().str.lower().eq("open")]
    quarter = pd.to_datetime(decided["created_date"]).dt.to_period("Q").astype(str)
    per_attribute = rolling[rolling["attribute"] == "industry"].groupby("period")["leads"].sum()
    assert per_attribute.to_dict() == quarter.value_counts().sort_index().to_dict()


def test_review_html_has_the_rolling_charts(tmp_path: Path) -> None:
    leads = make_leads(20_000, seed=11, drift=DRIFT_EXAMPLE, drift_start="2025-07-01")
    _, result = _review(leads)
    written = result.write(tmp_path)
    assert any(name.startswith("charts/rolling_") for name in written)
    page = written["review.html"].read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= 1


def test_acceptance_from_a_disqualification_reason() -> None:
    leads = make_leads(12_000, seed=12)
    rng = np.random.default_rng(2)
    reasons = np.where(rng.random(len(leads)) < 0.3, rng.choice(["no budget", "student", "spam"], len(leads)), "")
    leads["disqualification reason"] = reasons
    config = _config_for_first_half(leads)
    result = review_config(config, leads, date_column="created_date", acceptance_column="disqualification reason",
                           recalibrate=False)
    table = result.acceptance
    new = leads[(leads["created_date"] >= "2025-07-01") & ~leads["stage"].str.strip().str.lower().eq("open")]
    expected = (new["disqualification reason"] == "").mean()  # blank reason = accepted (pandas, directly)
    bands = table[table["by"] == "band"]
    assert bands["accepted"].sum() / bands["leads"].sum() == pytest.approx(expected)
    assert bands["leads"].sum() == len(new)


def test_a_worse_challenger_turns_recalibrate_into_adjust() -> None:
    from calibrate.review import _recommend

    changes = pd.DataFrame({"attribute": ["industry"], "level": ["Software"], "effect_changed": [True],
                            "changed": [True]})
    calibration = pd.DataFrame({"band": ["all"], "outside": [False]})
    psi = pd.DataFrame({"attribute": ["industry"], "psi": [0.01]})
    significance = pd.DataFrame({"attribute": [], "level": [], "status": []})
    better = {"difference": {"significant": True, "diff": 0.02, "auc_then": 0.70, "auc_now": 0.72, "p_value": 0.001}}
    worse = {"difference": {"significant": True, "diff": -0.03, "auc_then": 0.90, "auc_now": 0.87, "p_value": 0.001}}
    args = ({}, calibration, {"psi": 0.01}, psi, changes, significance)
    assert _recommend(*args, better, 0.05)["action"] == "recalibrate"
    decision = _recommend(*args, worse, 0.05)
    assert decision["action"] == "adjust" and decision["rules"] == [{"attribute": "industry", "level": "Software"}]
    assert "longer window" in decision["reasons"][-1]
    assert _recommend({}, calibration, {"psi": 0.01}, psi, changes.assign(effect_changed=False), significance, {},
                      0.05)["action"] == "keep"
