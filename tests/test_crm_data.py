"""Tests of calibrate.crm_data: the seeded CRM export (leads, activity log, target accounts) and its truth."""

from __future__ import annotations

import gzip
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import calibrate.crm_data as crm
from calibrate.crm_data import (
    ACTIVITY_COLUMNS,
    ACTIVITY_TYPES,
    LEAD_COLUMNS,
    CrmExport,
    crm_true_effects,
    main,
    make_crm_export,
    write_crm_export,
)

N = 20_000
SEED = 2025

# The documented model, written out independently of the module's tables.
INTERCEPT = -3.8
INTENT = 0.3
BETA = {
    "page_view": 0.05,
    "pricing_page": 0.5,
    "demo_request": 1.2,
    "email_open": 0.03,
    "email_click": 0.2,
    "webinar": 0.4,
    "form_fill": 0.3,
    "unsubscribe": -1.0,
}
EMAIL = {"corporate": 0.0, "free": -0.6, "disposable": -1.5, "invalid": -1.5}
ROLE = {"employed": 0.0, "student": -1.8, "intern": -1.5, "job seeker": -1.5}
SENIORITY = {"C-level": 0.5, "VP": 0.5, "Director": 0.4, "Manager": 0.2, "Individual contributor": 0.0, "none": 0.0}
JUNK = -2.5
STAKEHOLDER, STAKEHOLDER_CAP = 0.35, 3
TARGET = 0.7
INDUSTRY = {
    "Software": 0.5,
    "Financial Services": 0.4,
    "Healthcare": 0.1,
    "Manufacturing": 0.0,
    "Retail": -0.4,
    "Education": -0.6,
    "Government": -0.1,
    "Media": 0.0,
    "Telecommunications": 0.1,
    "Consulting": 0.0,
    "Nonprofit": -0.2,
    "Mining": 0.0,
}
FREE = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmx.de", "web.de"}
DISPOSABLE = {"mailinator.com", "guerrillamail.com", "yopmail.com", "10minutemail.com", "sharklasers.com"}
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


@pytest.fixture(scope="module")
def export() -> CrmExport:
    return make_crm_export(N, seed=SEED)


def _normalise_activity(names: pd.Series) -> pd.Series:
    return names.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def _events(export: CrmExport) -> pd.DataFrame:
    """The activity log with canonical types, parsed times and the lead's row, dates and as-of time."""
    ev = export.activities.copy()
    ev["type"] = _normalise_activity(ev["activity"])
    ev["time"] = pd.to_datetime(ev["timestamp"], format=TIMESTAMP)
    row = pd.Series(np.arange(len(export.leads)), index=export.leads["lead_id"])
    ev["row"] = row.loc[ev["lead_id"]].to_numpy()
    ev["created"] = pd.to_datetime(export.leads["created_date"]).to_numpy()[ev["row"]]
    ev["as_of"] = export.truth["as_of"].to_numpy()[ev["row"]]
    return ev


def _normalise_domain(values: pd.Series) -> pd.Series:
    return (
        values.str.strip()
        .str.lower()
        .str.replace(r"^https?://", "", regex=True)
        .str.replace(r"^www\.", "", regex=True)
        .str.rstrip("/")
    )


def _recompute_logit(export: CrmExport) -> tuple[np.ndarray, np.ndarray]:
    """The documented model, from the truth columns, the leads and the raw activity log."""
    leads, truth = export.leads, export.truth
    ev = _events(export)
    counted = ev[ev["time"] < ev["as_of"]]  # as-of aggregation: nothing at or after the as-of time
    age = (counted["as_of"] - counted["time"]).dt.total_seconds() / 86_400
    weight = counted["type"].map(BETA).to_numpy() * 0.5 ** (age.to_numpy() / export.half_life_days)
    activity = np.bincount(counted["row"].to_numpy(), weights=weight, minlength=len(leads))
    logit = (
        INTERCEPT
        + INTENT * truth["intent"].to_numpy()
        + activity
        + truth["email_type"].map(EMAIL).to_numpy()
        + truth["role"].map(ROLE).to_numpy()
        + truth["seniority"].map(SENIORITY).to_numpy()
        + JUNK * (truth["junk"] != "clean").to_numpy()
        + STAKEHOLDER * np.minimum(truth["account_leads"].to_numpy() - 1, STAKEHOLDER_CAP)
        + TARGET * truth["target_account"].to_numpy()
        + leads["industry"].map(INDUSTRY).to_numpy()
    )
    return logit, activity


# --- API -------------------------------------------------------------------


def test_public_api_is_declared() -> None:
    for name in crm.__all__:
        assert hasattr(crm, name), name
    assert set(ACTIVITY_TYPES) == set(BETA)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="n_leads"):
        make_crm_export(0)
    with pytest.raises(ValueError, match="half_life_days"):
        make_crm_export(10, half_life_days=0)
    with pytest.raises(ValueError, match="half_life_days"):
        make_crm_export(10, half_life_days=math.inf)
    with pytest.raises(ValueError, match="before start"):
        make_crm_export(10, start="2025-06-01", end="2025-05-01")


def test_true_effects_table_is_the_documented_model() -> None:
    eff = crm_true_effects()
    assert list(eff.columns) == ["signal", "level", "log_odds"]
    table = {(s, lvl): v for s, lvl, v in eff.itertuples(index=False)}
    assert table[("intercept", "baseline")] == INTERCEPT
    assert table[("intent", "per standard deviation")] == INTENT
    for signal, coefs in (
        ("activity", BETA),
        ("email_type", EMAIL),
        ("role", ROLE),
        ("seniority", SENIORITY),
        ("industry", INDUSTRY),
    ):
        assert {lvl: v for (s, lvl), v in table.items() if s == signal} == coefs, signal
    assert {v for (s, lvl), v in table.items() if s == "junk" and lvl != "clean"} == {JUNK}
    assert table[("target_account", "listed")] == TARGET
    assert eff.loc[eff["signal"] == "stakeholders", "log_odds"].tolist() == [STAKEHOLDER]
    assert (eff.loc[eff["signal"] == "lead_source", "log_odds"] == 0).all()


# --- determinism -------------------------------------------------------------


def test_same_seed_same_frames_different_seed_different(export: CrmExport) -> None:
    again = make_crm_export(N, seed=SEED)
    for name in ("leads", "activities", "target_accounts", "truth"):
        pd.testing.assert_frame_equal(getattr(export, name), getattr(again, name), check_exact=True)
    assert again.half_life_days == export.half_life_days == 30.0
    other = make_crm_export(N, seed=SEED + 1)
    assert not other.leads.equals(export.leads)
    assert not other.activities.equals(export.activities)
    assert not other.truth["intent"].equals(export.truth["intent"])


def test_write_is_byte_identical_and_round_trips(export: CrmExport, tmp_path) -> None:
    first = write_crm_export(export, tmp_path / "a")
    second = write_crm_export(make_crm_export(N, seed=SEED), tmp_path / "b")
    assert set(first) == {"leads", "activities", "target_accounts"}
    assert [p.name for p in first.values()] == ["leads.csv", "activities.csv.gz", "target_accounts.csv"]
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes(), key
    raw = first["activities"].read_bytes()
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\x00\x00\x00\x00"  # gzip, mtime 0
    text = gzip.decompress(raw).decode("utf-8")
    assert text.startswith("lead_id,activity,timestamp\n") and "\r" not in text

    leads = pd.read_csv(first["leads"], dtype=str, keep_default_na=False)
    expected = export.leads.astype({"employees": "str"})
    pd.testing.assert_frame_equal(leads, expected, check_dtype=False)
    acts = pd.read_csv(first["activities"], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(acts, export.activities, check_dtype=False)
    targets = pd.read_csv(first["target_accounts"], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(targets, export.target_accounts, check_dtype=False)


def test_main_writes_the_three_files(tmp_path, capsys) -> None:
    assert main(["--leads", "300", "--seed", "4", "--out", str(tmp_path / "out")]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["activities.csv.gz", "leads.csv", "target_accounts.csv"]
    leads = pd.read_csv(tmp_path / "out" / "leads.csv", dtype=str, keep_default_na=False)
    assert len(leads) == 300 and tuple(leads.columns) == LEAD_COLUMNS
    assert "wrote 300 leads" in capsys.readouterr().err


# --- leads -------------------------------------------------------------------


def test_lead_columns_ids_and_dates(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    assert tuple(leads.columns) == LEAD_COLUMNS
    assert tuple(export.activities.columns) == ACTIVITY_COLUMNS
    assert leads.index.equals(pd.RangeIndex(N)) and truth.index.equals(leads.index)
    assert leads["lead_id"].iloc[0] == "C000001" and leads["lead_id"].str.fullmatch(r"C\d{6}").all()
    assert leads["lead_id"].is_unique
    created = pd.to_datetime(leads["created_date"], format="%Y-%m-%d")
    assert created.is_monotonic_increasing  # ids follow creation order
    assert created.min() >= pd.Timestamp("2025-01-01") and created.max() <= pd.Timestamp("2025-12-31")
    assert set(leads["stage"]) == {"Closed Won", "Closed Lost", "Open"}
    is_open = leads["stage"] == "Open"
    assert ((leads["decided_date"] == "") == is_open).all()
    assert (truth["decided"] == ~is_open).all()
    decided = pd.to_datetime(leads.loc[~is_open, "decided_date"], format="%Y-%m-%d")
    days = (decided - created[~is_open]).dt.days
    assert days.min() >= 7 and days.max() <= 240
    assert decided.max() <= pd.Timestamp("2025-12-31")
    assert (truth.loc[~is_open, "as_of"] == decided).all()
    assert (truth.loc[is_open, "as_of"] == pd.Timestamp("2025-12-31")).all()
    won = leads["stage"] == "Closed Won"
    assert (won == (~is_open & (truth["outcome"] == 1))).all()
    assert truth["p_customer"].between(0, 1).all()
    assert np.allclose(truth["p_customer"], 1 / (1 + np.exp(-truth["logit"])))
    assert leads["employees"].dtype == np.int64 and leads["employees"].between(1, 50_000).all()


def test_overall_close_rate_of_decided_leads(export: CrmExport) -> None:
    decided = export.leads[export.leads["stage"] != "Open"]
    rate = (decided["stage"] == "Closed Won").mean()
    assert 0.08 <= rate <= 0.18


def test_accounts_share_firmographics_and_a_buying_window(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    by_account = leads.groupby(truth["account"])
    for col in ("industry", "employees"):
        assert (by_account[col].nunique() == 1).all(), col
    assert (leads["company_domain"].replace("", np.nan).groupby(truth["account"]).nunique() <= 1).all()
    sizes = truth.groupby("account").size()
    assert sizes.max() <= 8 and (truth["account_leads"] == truth["account"].map(sizes)).all()
    created = pd.to_datetime(leads["created_date"])
    span = created.groupby(truth["account"]).agg(lambda s: (s.max() - s.min()).days)
    assert span.max() <= 60
    assert 0.3 <= (sizes > 1).mean() <= 0.7


def test_email_types_and_domains(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    kind = truth["email_type"]
    share = kind.value_counts(normalize=True)
    assert 0.015 <= share["invalid"] <= 0.035
    email = leads["email"]
    valid = email.str.fullmatch(r"[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
    assert valid[kind != "invalid"].all() and not valid[kind == "invalid"].any()
    domain = email.str.split("@").str[1]
    assert domain[kind == "free"].isin(FREE).all()
    assert domain[kind == "disposable"].isin(DISPOSABLE).all()
    assert (domain[kind == "corporate"] == leads.loc[kind == "corporate", "company_domain"]).all()
    assert email[kind != "invalid"].is_unique
    blank = leads.loc[kind != "corporate", "company_domain"] == ""
    assert 0.65 <= blank.mean() <= 0.75
    assert (leads.loc[kind == "corporate", "company_domain"] != "").all()
    # students, interns and job seekers use free providers more
    student_free = (kind[truth["role"] != "employed"] == "free").mean()
    assert student_free > 2 * (kind[truth["role"] == "employed"] == "free").mean()


def test_job_titles_multilingual_and_sometimes_missing(export: CrmExport) -> None:
    titles = export.leads["job_title"]
    assert 0.04 <= (titles == "").mean() <= 0.06
    for title in ("Geschäftsführer", "Directeur Marketing", "Gerente de Ventas", "Praktikant", "Étudiant",
                  "Werkstudentin", "Looking for work", "Head of Sales", "Chief Revenue Officer"):  # fmt: skip
        assert (titles == title).any(), title
    role = export.truth["role"]
    assert set(role) == {"employed", "student", "intern", "job seeker"}
    assert (export.truth.loc[role != "employed", "seniority"] == "none").all()


def test_junk_share_and_shapes(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    junk = truth["junk"]
    share = (junk != "clean").mean()
    assert 0.025 <= share <= 0.035  # ~3 %, sd 0.12 points
    assert set(junk) == {"clean", "test value", "keyboard mash", "identical fields", "name equals company"}
    same = junk == "identical fields"
    assert ((leads["first_name"] == leads["last_name"]) & (leads["last_name"] == leads["company"]))[same].all()
    named = junk == "name equals company"
    assert (leads["company"] == leads["first_name"] + " " + leads["last_name"])[named].all()
    test = junk == "test value"
    has_test = leads[["first_name", "last_name", "company"]].apply(
        lambda col: col.str.lower().str.contains("test|asdf")
    )
    assert has_test[test].any(axis=1).all()
    bad_mail = truth["email_type"].isin(["disposable", "invalid"])
    assert bad_mail[junk != "clean"].mean() > 0.4 > bad_mail[junk == "clean"].mean()
    # junk leads have few activities
    counts = export.activities["lead_id"].value_counts().reindex(leads["lead_id"], fill_value=0).to_numpy()
    assert counts[(junk != "clean").to_numpy()].mean() < 0.3 * counts[(junk == "clean").to_numpy()].mean()


def test_target_accounts_share_formats_and_truth(export: CrmExport) -> None:
    targets = export.target_accounts
    assert list(targets.columns) == ["domain"]
    n_accounts = export.truth["account"].nunique()
    assert len(targets) == export.truth.loc[export.truth["target_account"], "account"].nunique()
    assert 0.105 <= len(targets) / n_accounts <= 0.135  # ~12 %, sd ~0.4 points
    written = targets["domain"]
    assert written.str.startswith("https://www.").any() and written.str.startswith("WWW.").any()
    bare = _normalise_domain(written)
    assert bare.is_unique and bare.is_monotonic_increasing  # sorted by the bare domain
    assert (bare != written).mean() > 0.3
    domain = export.leads["company_domain"]
    known = domain != ""
    assert (domain[known].isin(set(bare)) == export.truth.loc[known, "target_account"]).all()


# --- activity log ------------------------------------------------------------


def test_activity_log_format_and_spellings(export: CrmExport) -> None:
    acts = export.activities
    assert acts["timestamp"].str.fullmatch(r"2025-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    assert pd.to_datetime(acts["timestamp"], format=TIMESTAMP).is_monotonic_increasing
    canonical = _normalise_activity(acts["activity"])
    assert set(canonical) == set(ACTIVITY_TYPES)
    variant = acts["activity"] != canonical
    assert 0.03 <= variant.mean() <= 0.07
    assert {"Pricing Page", "PRICING PAGE", "pricing_page"} <= set(acts["activity"])
    assert acts["lead_id"].isin(set(export.leads["lead_id"])).all()


def test_events_per_lead_and_unsubscribe_share(export: CrmExport) -> None:
    ev = _events(export)
    counted = ev[ev["time"] < ev["as_of"]]
    per_lead = len(counted) / N
    assert 10 <= per_lead <= 15
    unsub = counted.loc[counted["type"] == "unsubscribe", "row"].nunique() / N
    assert 0.03 <= unsub <= 0.07
    # more intent, more activity
    n_events = np.bincount(counted["row"], minlength=N)
    assert np.corrcoef(export.truth["intent"], np.log1p(n_events))[0, 1] > 0.3


def test_no_activity_before_created_or_after_end(export: CrmExport) -> None:
    ev = _events(export)
    assert (ev["time"] >= ev["created"]).all()
    assert ev["time"].max() < pd.Timestamp("2026-01-01")


def test_post_decision_events_are_leakage_traps_only(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    ev = _events(export)
    after = ev[ev["time"] >= ev["as_of"]]
    assert len(after) > 0
    rows = after["row"].to_numpy()
    assert truth["decided"].to_numpy()[rows].all()
    decided_date = pd.to_datetime(leads["decided_date"].replace("", np.nan)).to_numpy()[rows]
    assert (after["time"].dt.normalize().to_numpy() > decided_date).all()  # on a later day
    stage = leads["stage"].to_numpy()[rows]
    assert after.loc[stage == "Closed Won", "type"].isin(["page_view", "email_open"]).all()
    assert (after.loc[stage == "Closed Lost", "type"] == "unsubscribe").all()
    # every won lead decided before the last day has 3-10 onboarding events
    won = (leads["stage"] == "Closed Won") & (leads["decided_date"] < "2025-12-31")
    n_after = after.groupby("row").size().reindex(np.flatnonzero(won), fill_value=0)
    assert n_after.between(3, 10).all()
    lost = leads["stage"] == "Closed Lost"
    share = after.loc[stage == "Closed Lost", "row"].nunique() / lost.sum()
    assert 0.10 <= share <= 0.20


@pytest.mark.parametrize(("n", "seed", "half_life"), [(N, SEED, 30.0), (3_000, 11, 7.5)])
def test_truth_logit_matches_the_documented_model(export: CrmExport, n: int, seed: int, half_life: float) -> None:
    default = (n, seed, half_life) == (N, SEED, 30.0)
    data = export if default else make_crm_export(n, seed=seed, half_life_days=half_life)
    assert data.half_life_days == half_life
    logit, activity = _recompute_logit(data)
    assert np.abs(activity - data.truth["activity_term"].to_numpy()).max() < 1e-9
    assert np.abs(logit - data.truth["logit"].to_numpy()).max() < 1e-9


def test_half_life_changes_only_the_decay() -> None:
    fast = make_crm_export(2_000, seed=5, half_life_days=5)
    slow = make_crm_export(2_000, seed=5, half_life_days=200)
    assert fast.truth["intent"].equals(slow.truth["intent"])
    assert fast.leads["created_date"].equals(slow.leads["created_date"])
    active = slow.truth["activity_term"].abs() > 0
    assert (fast.truth["activity_term"].abs()[active] < slow.truth["activity_term"].abs()[active]).mean() > 0.9


# --- behaviour -----------------------------------------------------------------


def test_students_close_far_less_often(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    decided = leads["stage"] != "Open"
    won = leads["stage"] == "Closed Won"
    student = truth["role"] == "student"
    n_student = int((decided & student).sum())
    p_student = won[decided & student].mean()
    p_rest = won[decided & ~student].mean()
    margin = 3 * math.sqrt(p_rest * (1 - p_rest) / n_student)  # binomial sd at the rest's rate
    assert n_student > 500
    assert p_student < p_rest - margin


def test_stakeholders_and_target_accounts_close_more_often(export: CrmExport) -> None:
    leads, truth = export.leads, export.truth
    decided = (leads["stage"] != "Open").to_numpy()
    won = (leads["stage"] == "Closed Won").to_numpy()
    multi = (truth["account_leads"] >= 3).to_numpy()
    single = (truth["account_leads"] == 1).to_numpy()
    assert won[decided & multi].mean() > 1.3 * won[decided & single].mean()
    target = truth["target_account"].to_numpy()
    assert won[decided & target].mean() > 1.3 * won[decided & ~target].mean()
    junk = (truth["junk"] != "clean").to_numpy()
    assert won[decided & junk].mean() < 0.5 * won[decided & ~junk].mean()


def test_docstring_examples_mention_the_api() -> None:
    assert re.search(r"logit\(p_customer\)", crm.__doc__ or "")
    for name in ("make_crm_export", "crm_true_effects", "write_crm_export", "main"):
        assert ">>>" in (getattr(crm, name).__doc__ or ""), name


def test_shipped_sample_matches_its_generator(tmp_path) -> None:
    """data/sample_crm/ is `python -m calibrate.crm_data --leads 20000 --seed 2025` (data/README.md)."""
    shipped = Path(__file__).resolve().parents[1] / "data" / "sample_crm"
    written = write_crm_export(make_crm_export(20_000, seed=2025), tmp_path)
    for path in written.values():
        assert (shipped / path.name).read_bytes() == path.read_bytes(), path.name
