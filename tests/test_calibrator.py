"""The Calibrator end to end: counts, points, determinism, warnings, errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import yaml

from calibrate import (
    Calibrator,
    DataError,
    LeakageWarning,
    ScoringConfig,
    SmallSampleWarning,
    load_sample_leads,
    make_leads,
    read_leads,
)
from calibrate.fingerprint import data_fingerprint

GOLDEN = Path(__file__).parent / "golden"
XEDUCATION = Path(__file__).resolve().parents[2] / "shared" / "data" / "xeducation" / "Leads.csv"
STAGE = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}


def _fit(data: pd.DataFrame, **params: object) -> Calibrator:
    # The issue-2 behaviour: points from all leads, no holdout (holdout is tested in test_backtest.py).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(**({"holdout": None} | params)).fit(data, **STAGE)


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return make_leads(6000, seed=11)


@pytest.fixture(scope="module")
def cal(leads: pd.DataFrame) -> Calibrator:
    return _fit(leads)


def test_counts_match_an_independent_pandas_count(leads: pd.DataFrame, cal: Calibrator) -> None:
    decided = leads[~leads["stage"].str.strip().str.lower().eq("open")]
    won = decided["stage"].str.strip().str.lower().eq("closed won")
    demo = decided["requested_demo"].str.strip().str.lower()
    for value, label in (("yes", "Yes"), ("no", "No")):
        row = cal.counts_.loc[("requested_demo", label)]
        assert row["leads"] == int((demo == value).sum())
        assert row["customers"] == int((won & (demo == value)).sum())
    assert cal.baseline_.leads == len(decided) and cal.baseline_.customers == int(won.sum())
    # Every attribute's levels partition the same decided leads.
    per_attribute = cal.counts_.groupby(level=0, sort=False)[["leads", "customers"]].sum()
    assert (per_attribute["leads"] == len(decided)).all() and (per_attribute["customers"] == won.sum()).all()


def test_points_follow_the_documented_lift_rule(cal: Calibrator) -> None:
    table = cal.summary()
    expected = np.where(table["q_value"] < 0.05, np.round(50 * (table["lift"] - 1)), 0)
    assert (table["points"] == expected).all()
    assert (table.loc[table["points"] > 0, "lift"] > 1).all() and (table.loc[table["points"] < 0, "lift"] < 1).all()


def test_summary_is_tidy(cal: Calibrator) -> None:
    table = cal.summary()
    assert table.columns.tolist() == [
        "attribute", "level", "level_kind", "leads", "customers", "close_rate", "ci_low", "ci_high", "lift",
        "rate_diff", "p_value", "test", "q_value", "small_support", "significant", "shrunk_rate", "raw_points",
        "points"]
    assert (table["ci_low"] <= table["close_rate"]).all() and (table["close_rate"] <= table["ci_high"]).all()
    assert set(table["level_kind"]) <= {"value", "bin", "other", "missing"}


def test_in_sample_scores_equal_the_config_scoring_path(leads: pd.DataFrame, cal: Calibrator) -> None:
    # Scored whole, as fitted: account signals count colleagues across the table.
    scored = cal.config_.score(leads).loc[cal.outcome_.keep]
    assert (scored["score"].to_numpy() == cal.training_scores_).all()
    above = cal.threshold_summary()
    assert above["leads"] == int((scored["score"] >= 100).sum())
    bands = cal.band_summary()
    assert bands["leads"].sum() == cal.outcome_.leads
    assert bands.loc["hot", "leads"] == above["leads"]


def test_config_is_byte_identical_for_the_same_rows_in_any_order(leads: pd.DataFrame, cal: Calibrator) -> None:
    assert _fit(leads.copy()).config_.to_yaml() == cal.config_.to_yaml()
    assert _fit(leads.sample(frac=1, random_state=3)).config_.to_yaml() == cal.config_.to_yaml()


def test_column_order_changes_only_the_order_of_attributes(leads: pd.DataFrame, cal: Calibrator) -> None:
    reordered = _fit(leads[list(reversed(leads.columns))]).config_
    derived = [name for name in cal.config_.attributes if name in cal.config_.signals.outputs]
    raw = [name for name in cal.config_.attributes if name not in derived]
    # The file's columns in their new order, then the derived signals in their fixed order.
    assert reordered.attributes == [*reversed(raw), *derived]
    by_rule = ["attribute", "kind", "level"]
    pd.testing.assert_frame_equal(reordered.points_table().sort_values(by_rule, ignore_index=True),
                                  cal.config_.points_table().sort_values(by_rule, ignore_index=True))
    assert reordered.to_dict()["training"] == cal.config_.to_dict()["training"]


def test_config_changes_when_the_data_changes(leads: pd.DataFrame, cal: Calibrator) -> None:
    other = leads.copy()
    other.loc[other.index[0], "country"] = "Atlantis"
    assert _fit(other).config_.to_dict()["training"]["fingerprint"] != cal.config_.to_dict()["training"]["fingerprint"]


def test_sample_config_matches_the_golden_file() -> None:
    # Golden file made once from the shipped sample with the defaults (the README's run);
    # compared, never rewritten by a test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = Calibrator().fit(load_sample_leads(), **STAGE)
    assert fitted.config_.to_yaml() == (GOLDEN / "sample_config.yaml").read_text(encoding="utf-8")


def test_version_1_configs_still_load_and_score() -> None:
    # Written by calibrate 0.1.0 before the schema moved to version 2 (issue 3); never rewritten.
    text = (GOLDEN / "sample_config_v1.yaml").read_text(encoding="utf-8")
    old = yaml.safe_load(text)
    assert old["schema_version"] == 1
    config = ScoringConfig.loads(text)
    assert config.to_dict()["schema_version"] == 3
    assert config.to_dict()["scale"]["threshold_rule"] == {"rule": "fixed", "value": 100}
    groups = {a["name"]: a["group"] for a in config.to_dict()["attributes"]}
    assert groups["industry"] == "fit" and groups["requested_demo"] == "engagement"
    # Scores are the sums of the version-1 points, read straight from the old document.
    leads = load_sample_leads().head(300)
    scored = config.score(leads)
    demo = next(a for a in old["attributes"] if a["name"] == "requested_demo")
    points = {level["value"].lower(): level["points"] for level in demo["levels"]}
    contribution = leads["requested_demo"].str.strip().str.lower().map(points)
    others = config.score(leads.assign(requested_demo="No"))["score"] - points["no"]
    assert (scored["score"] == others + contribution).all()


def test_missing_values_get_points_when_the_data_says_so() -> None:
    rng = np.random.default_rng(5)
    n = 4000
    won = rng.random(n) < 0.1
    # The field is blank far more often for customers: missing is informative.
    blank = np.where(won, rng.random(n) < 0.8, rng.random(n) < 0.2)
    frame = pd.DataFrame({"budget": np.where(blank, "", rng.choice(["low", "high"], n)),
                          "noise": rng.choice(["a", "b"], n), "won": won.astype(int)})
    cal = Calibrator(holdout=None, leakage="keep").fit(frame, target="won")
    missing = cal.config_.to_dict()["attributes"][0]["missing"]
    assert missing["points"] > 0 and missing["leads"] == int(blank.sum())


def test_period_is_recorded_from_the_date_column(leads: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator().fit(leads, date_column="created_date", **STAGE)
    period = cal.config_.to_dict()["training"]["period"]
    decided_dates = pd.to_datetime(leads.loc[cal.outcome_.keep, "created_date"])
    assert period == {"column": "created_date", "start": decided_dates.min().date().isoformat(),
                      "end": decided_dates.max().date().isoformat()}
    assert "created_date" not in cal.config_.attributes


def test_small_levels_warn(leads: pd.DataFrame) -> None:
    with pytest.warns(SmallSampleWarning, match=r"level\(s\) have fewer than 30 leads \(e\.g\. ") as caught:
        cal = Calibrator().fit(leads, **STAGE)
    small = cal.summary().query("leads < 30")
    assert str(caught[0].message).startswith(f"{len(small)} level(s)")
    first = small.iloc[0]
    assert f"{first['attribute']}={first['level']!r} ({first['leads']})" in str(caught[0].message)


def test_leaky_column_warns_and_names_itself() -> None:
    rng = np.random.default_rng(2)
    won = rng.random(3000) < 0.3
    tags = np.where(won, rng.choice(["Closed by sales", "Will revert"], 3000), rng.choice(["Ringing", "switched off"], 3000))
    frame = pd.DataFrame({"Tags": tags, "source": rng.choice(["a", "b", "c"], 3000), "Converted": won.astype(int)})
    with pytest.warns(LeakageWarning, match=r"attribute 'Tags' looks like it leaks the outcome \(information value "
                                            r".*'Closed by sales' closes at 100\.0%.*left out \(pass leakage='keep'"):
        cal = Calibrator().fit(frame, target="Converted")
    assert cal.leakage_suspects_ == ["Tags"] and cal.config_.attributes == ["source"]
    assert any(o.column == "Tags" and o.reason.startswith("leakage suspect") for o in cal.left_out_)
    with pytest.warns(LeakageWarning, match="kept because leakage='keep'"):
        kept = Calibrator(leakage="keep").fit(frame, target="Converted")
    assert "Tags" in kept.config_.attributes


@pytest.mark.parametrize(("params", "message"), [
    ({"method": "magic"}, r"method must be one of \('lift', 'log_odds', 'logistic'\)"),
    ({"threshold_rule": "share"}, r"threshold_rule='share' needs threshold_value="),
    ({"holdout": 1.5}, r"holdout must be a share between 0 and 1"),
    ({"band_style": "rainbow"}, r"band_style must be one of"),
    ({"alpha": 1.5}, "alpha must be between 0 and 1"),
    ({"correction": "fdr_magic"}, "correction must be one of"),
    ({"min_support": 0}, "min_support must be a positive count"),
    ({"points_per_lift": -1}, "points_per_lift must be positive"),
    ({"bands": [{"name": "a"}, {"name": "b"}]}, "every band but the last needs a 'max'"),
])
def test_bad_parameters_are_refused_at_fit(leads: pd.DataFrame, params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Calibrator(**params).fit(leads, **STAGE)


def test_no_usable_attribute_is_a_data_error() -> None:
    frame = pd.DataFrame({"lead_id": [f"L{i}" for i in range(100)], "won": [0, 1] * 50})
    with pytest.raises(DataError, match=r"no usable attribute is left to score \(lead_id: identifier-like"):
        Calibrator().fit(frame, target="won")


def test_unknown_drop_column_is_a_data_error(leads: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"column\(s\) \['Industry'\] not in the data; did you mean 'industry'\?"):
        Calibrator().fit(leads, drop=["Industry"], **STAGE)


def test_unparseable_date_column_is_a_data_error(leads: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="date column 'industry' has no parseable dates"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Calibrator().fit(leads, date_column="industry", **STAGE)
    with pytest.raises(DataError, match="date column 'industry' has no parseable dates"):
        Calibrator(holdout=None).fit(leads, date_column="industry", **STAGE)


def test_results_need_a_fit() -> None:
    with pytest.raises(AttributeError, match="not fitted yet"):
        Calibrator().summary()


@pytest.mark.skipif(not XEDUCATION.exists(), reason="../shared/data/xeducation/Leads.csv is not on this machine")
def test_xeducation_export_needs_no_cleaning() -> None:
    with pytest.warns(LeakageWarning) as caught:
        cal = Calibrator(holdout=None).fit(XEDUCATION, target="Converted")
    reasons = {o.column: o.reason for o in cal.left_out_}
    assert reasons["Unnamed: 37"] == "empty trailing column: every line ends with a delimiter"
    assert reasons["Prospect ID"].startswith("identifier-like") and reasons["Lead Number"].startswith("identifier-like")
    assert reasons["Magazine"].startswith("constant")
    notes = {(n.column, n.kind): n for n in cal.notes_}
    assert notes[("Lead Source", "case_merged")].detail.count("Google/google") == 1
    assert "'Select'" in notes[("Specialization", "placeholders")].detail
    assert cal.baseline_.leads == 9240 and cal.baseline_.customers == 3561
    assert {"Tags", "Lead Quality"} <= set(cal.leakage_suspects_)
    assert any("'Tags'" in str(w.message) for w in caught)
    assert not {"Tags", "Lead Quality"} & set(cal.config_.attributes)  # excluded by default


@pytest.mark.parametrize("method", ["lift", "logistic"])
def test_a_parquet_file_read_as_codes_fits_the_config_its_text_gives(tmp_path: Path, method: str) -> None:
    # The fit reads a Parquet file's text as categoricals (its dictionary pages); the messy sample has
    # placeholders, case variants, blanks, e-mail addresses and titles, which must come out the same.
    path = tmp_path / "leads.parquet"
    make_leads(6000, seed=11).to_parquet(path, index=False)
    options = dict(target="stage", positive=["Closed Won"], exclude=["Open"])
    from_text = Calibrator(method=method).fit(read_leads(path), **options)
    from_file = Calibrator(method=method).fit(path, **options)
    assert from_file.engine_["name"] == "pandas"
    assert from_file.config_.to_yaml() == from_text.config_.to_yaml()


def test_the_fingerprint_is_of_the_file_whatever_signals_are_derived(tmp_path: Path) -> None:
    # The messy sample has e-mail and job-title columns, so a fit with signals adds derived columns; the
    # fingerprint is calibrate.fingerprint.data_fingerprint of the leads as read, with or without them.
    path = tmp_path / "leads.csv"
    make_leads(3000, seed=5).to_csv(path, index=False)
    with_signals = _fit(str(path))
    without = _fit(str(path), signals=False)
    assert with_signals.signals_ is not None and with_signals.signals_.outputs
    assert with_signals.fingerprint_ == without.fingerprint_ == data_fingerprint(read_leads(path))


def test_distinct_title_values_of_a_categorical_are_those_of_its_text():
    # Reference: the same column as object text (every row factorised). Unused categories do not count.
    from calibrate.calibrator import _distinct_values

    text = pd.Series(["CEO", "ceo ", "Select", None, "VP Sales", "n/a", "CEO"], dtype=object)
    coded = text.astype(pd.CategoricalDtype(["CEO", "ceo ", "Select", "VP Sales", "n/a", "Intern (unused)"]))
    for placeholders in (("select", "n/a"), ()):
        assert _distinct_values(coded, placeholders) == _distinct_values(text, placeholders)
    assert _distinct_values(coded, ("select", "n/a")) == 2  # ceo, vp sales
