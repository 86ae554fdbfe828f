"""Derived signals end to end: recovery of a known truth, reproduction by the scorer, CLI.

The truth comes from :func:`calibrate.crm_data.make_crm_export` (documented
generating model: engagement decaying with a known half-life, free/disposable/
invalid e-mail, students, junk form fills, colleagues from the same account and
target accounts all with known log-odds effects).
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator, ScoringConfig
from calibrate.activity import read_activities
from calibrate.cli import main
from calibrate.crm_data import make_crm_export, write_crm_export
from calibrate.errors import DataError
from calibrate.fingerprint import data_fingerprint

FIT = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"], "id_column": "lead_id",
       "as_of": "decided_date"}


@pytest.fixture(scope="module")
def export():
    return make_crm_export(20_000, seed=11, half_life_days=30.0)


@pytest.fixture(scope="module")
def fitted(export):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator().fit(export.leads, activities=export.activities,
                               target_accounts=export.target_accounts["domain"].tolist(), **FIT)
    return cal


def _points(cal: Calibrator, attribute: str) -> pd.Series:
    return cal.points_.loc[attribute]


def test_half_life_recovered_within_25_percent(fitted):
    estimate = fitted.decay_
    assert estimate is not None
    assert abs(estimate.half_life_days - 30.0) / 30.0 < 0.25, estimate.half_life_days
    # Decay beats raw counts out of sample.
    assert estimate.holdout_log_loss < estimate.no_decay_log_loss


def test_junk_signals_get_negative_points(fitted):
    email = _points(fitted, "email.domain_type")
    assert email["free"] < 0 and email["disposable"] < 0 and email["invalid"] < 0
    assert email["corporate"] >= 0
    role = _points(fitted, "title.role")
    assert role["student"] < 0
    assert (_points(fitted, "form.junk").drop(["clean", "(missing)", "(unseen)"], errors="ignore") < 0).any()


def test_accounts_and_target_accounts_get_positive_points(fitted):
    target = _points(fitted, "account.target")
    assert target["Yes"] > 0
    leads = _points(fitted, "account.leads")
    bins = [label for label in leads.index if label not in ("(missing)", "(unseen)")]
    # One lead alone in its account against the largest accounts (the truth: +0.35 per colleague, up to 3).
    assert leads[bins[-1]] > leads[bins[0]]
    assert leads[bins[-1]] > 0


def test_recency_points_fall_with_inactivity_and_step_rules_add_up(fitted):
    document = fitted.config_.to_dict()
    decay = document["decay"]
    assert decay["recency_attribute"] == "activity.days_since_last"
    spec = next(s for s in fitted.specs_ if s.name == "activity.days_since_last")
    points = [int(fitted.points_[(spec.name, label)]) for label in spec.labels]
    assert points[0] > points[-1]
    running = [decay["start_points"]]
    for rule in decay["step_rules"]:
        running.append(running[-1] + rule["add_points"])
    assert running == points
    assert decay["multiplier_per_30_days"] == pytest.approx(0.5 ** (30 / decay["half_life_days"]), rel=1e-5)


def test_config_scores_new_table_as_the_calibration_did(export, fitted):
    """Scoring the table plus the log reproduces the fit's scores, for training and held-out leads."""
    config = ScoringConfig.loads(fitted.config_.to_yaml())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = config.score(export.leads, activities=export.activities)
    assert len(scored) == len(export.leads)
    assert scored["lead_id"].tolist() == export.leads["lead_id"].tolist()
    decided = np.flatnonzero(fitted.outcome_.keep)
    train_rows, test_rows = decided[fitted.train_], decided[~fitted.train_]
    np.testing.assert_array_equal(scored["score"].to_numpy()[train_rows], fitted.training_scores_)
    np.testing.assert_array_equal(scored["score"].to_numpy()[test_rows], fitted._test_scores)


def test_activities_after_the_outcome_are_not_counted(export, fitted):
    """An independent pandas count of events strictly before each lead's as-of date."""
    config = fitted.config_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = config.score(export.leads, activities=export.activities)
    log = export.activities.assign(time=pd.to_datetime(export.activities["timestamp"], utc=True))
    cut_off = log["time"].max()
    as_of = pd.to_datetime(export.leads["decided_date"].replace("", None), utc=True).fillna(cut_off.normalize())
    as_of = as_of.where(export.leads["decided_date"] != "", cut_off)
    joined = log.merge(pd.DataFrame({"lead_id": export.leads["lead_id"], "as_of": as_of}), on="lead_id")
    counted = joined[joined["time"] <= joined["as_of"]].groupby("lead_id").size()
    expected = counted.reindex(export.leads["lead_id"]).fillna(0).astype(int).to_numpy()
    np.testing.assert_array_equal(scored["activity.total.count"].to_numpy(), expected)
    after = joined[joined["time"] > joined["as_of"]]
    assert len(after) > 1000  # the generator's onboarding events after a won deal: the trap exists


def test_config_is_deterministic_and_round_trips(export, fitted):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = Calibrator().fit(export.leads, activities=export.activities,
                                 target_accounts=export.target_accounts["domain"].tolist(), **FIT)
    assert again.config_.to_yaml() == fitted.config_.to_yaml()
    assert ScoringConfig.loads(fitted.config_.to_yaml()) == fitted.config_
    signals = fitted.config_.to_dict()["signals"]
    assert "activity.days_since_last" in signals["derived"]
    assert signals["activities"]["id_column"] == "lead_id"
    assert len(signals["account"]["target_accounts"]["domains"]) == export.target_accounts["domain"].nunique()


def test_scoring_without_the_log_names_the_flag(fitted, export):
    with pytest.raises(DataError, match="--activities"):
        fitted.config_.score(export.leads)


def test_junk_prefilter_sets_aside_and_flags(export):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator(drop_junk=True, holdout=None).fit(export.leads, target="stage", positive=["Closed Won"],
                                                           exclude=["Open"])
    derived = cal.derived_.frame
    expected = (derived["form.junk"] != "clean") | derived["email.domain_type"].isin(["disposable", "invalid"])
    assert cal.junk_rows_ == int(expected.sum()) > 0
    assert cal.config_.to_dict()["training"]["rows_set_aside_as_junk"] == cal.junk_rows_
    # The fingerprint is of the leads kept (the file's columns), though rows are hashed before junk is known.
    assert cal.fingerprint_ == data_fingerprint(export.leads.loc[~expected.to_numpy()])
    # used + excluded + junk = rows read
    outcome = cal.outcome_
    assert outcome.leads + outcome.excluded_rows + outcome.missing_rows + cal.junk_rows_ == len(export.leads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = cal.config_.score(export.leads)
    assert (scored["junk"] != "").sum() == cal.junk_rows_
    assert set(scored.loc[scored["junk"] != "", "junk"]) <= {
        "test value", "keyboard mash", "identical fields", "name equals company", "disposable e-mail",
        "invalid e-mail"}


def test_signals_off_derives_nothing(export):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator(signals=False, holdout=None).fit(export.leads, target="stage", positive=["Closed Won"],
                                                          exclude=["Open"])
    assert cal.signals_ is None
    assert "signals" not in cal.config_.to_dict()
    assert not any(s.name.startswith(("email.", "title.", "account.")) for s in cal.specs_)


def test_sample_leads_disposable_and_students_negative():
    """make_leads' truth: disposable e-mail -1.5 and free -0.5 log-odds, students/interns/job seekers -1.8."""
    from calibrate.datasets import make_leads

    leads = make_leads(20_000, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator().fit(leads, target="stage", positive=["Closed Won"], exclude=["Open"])
    assert "email.domain_type" in [s.name for s in cal.specs_]
    email = _points(cal, "email.domain_type")
    assert email["disposable"] < 0 and email["free"] < 0


def run(*args: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def test_cli_fit_and_score_with_activity_log(tmp_path):
    paths = write_crm_export(make_crm_export(4_000, seed=5), tmp_path / "crm")
    config = tmp_path / "config.yaml"
    status, out, err = run("fit", paths["leads"], "--target", "stage", "--positive", "Closed Won",
                           "--exclude-outcome", "Open", "--id-column", "lead_id", "--activities", paths["activities"],
                           "--target-accounts", paths["target_accounts"], "--as-of", "decided_date",
                           "--output", config)
    assert status == 0, err
    assert "Derived signals" in out and "Engagement half-life" in out
    scored_path = tmp_path / "scored.csv"
    status, out, err = run("score", config, paths["leads"], "--activities", paths["activities"],
                           "--output", scored_path)
    assert status == 0, err
    scored = pd.read_csv(scored_path, dtype=str, keep_default_na=False)
    assert len(scored) == 4_000 and "activity.total.count" in scored.columns
    status, out, err = run("score", config, paths["leads"], "--output", scored_path)
    assert status == 2
    assert err.startswith("error: ") and "--activities" in err
    assert "Traceback" not in err
    status, out, err = run("fit", paths["leads"], "--target", "stage", "--activities", paths["activities"])
    assert status == 2 and err.startswith("error: ") and "--id-column" in err


def test_read_activities_of_the_written_log_matches_the_frame(tmp_path):
    export = make_crm_export(1_000, seed=2)
    paths = write_crm_export(export, tmp_path)
    from_file = read_activities(paths["activities"])
    from_frame = read_activities(export.activities)
    assert from_file.types == from_frame.types
    np.testing.assert_array_equal(from_file.day, from_frame.day)


def test_report_shows_the_signals_and_the_decay(fitted, tmp_path):
    report = fitted.report()
    section = next(s for s in report.data["sections"] if s["key"] == "signals")
    names = [item["name"] for item in section["derived"]]
    assert "activity.days_since_last" in names and "account.target" in names
    assert section["decay"]["half_life_days"] == pytest.approx(fitted.decay_.half_life_days, rel=1e-5)
    assert "decay" in report.charts and report.charts["decay"][:8] == b"\x89PNG\r\n\x1a\n"
    html = report.to_html()
    assert "Derived signals" in html and "How engagement cools" in html
    markdown = report.to_markdown()
    assert "Half-life of engagement" in markdown
    written = report.write(tmp_path / "report")
    assert (tmp_path / "report" / "charts" / "decay.png").is_file(), written


def test_account_status_counts_only_from_its_date():
    """A status holds from its 'since' date: a deal won after a lead's outcome does not mark that lead."""
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(8)],
        "email": ["a@acme.com", "b@acme.com", "c@initech.com", "d@gmail.com", "e@acme.com", "f@umbrella.com",
                  "g@initech.com", "h@hooli.com"],
        "decided_date": ["2025-01-10", "2025-08-01", "2025-03-01", "2025-03-01", "", "2025-02-01", "2025-09-01",
                         "2025-05-01"],
    })
    status = pd.DataFrame({"website": ["https://www.acme.com/", "initech.com", "initech.com", "hooli.com"],
                           "status": ["Customer", "Open opportunity", "Customer", "Churned"],
                           "since": ["2025-06-01", "2025-01-01", "2025-08-15", None]})
    from calibrate.accounts import read_account_status
    from calibrate.derive import derive_signals, plan_signals

    recipe = plan_signals(leads, account_status=read_account_status(status), as_of="decided_date")
    derived = derive_signals(leads, recipe, as_of="2025-12-31")
    assert derived.frame["account.status"].tolist() == [
        "none",              # acme became a customer in June, after this lead's January outcome
        "Customer",          # acme lead decided in August
        "Open opportunity",  # initech open opportunity since January; customer only from mid-August
        "none",              # a free-mail address is no account
        "Customer",          # an open lead is taken as of the fallback date
        "none",              # umbrella is not listed
        "Customer",          # initech lead decided in September
        "Churned",           # no date: always held (the summary warns)
    ]
    assert any(note.startswith("1 account status(es) carry no date") for note in derived.notes)
    document = recipe.to_document()
    again = type(recipe).from_document(document)
    assert derive_signals(leads, again, as_of="2025-12-31").frame.equals(derived.frame)
