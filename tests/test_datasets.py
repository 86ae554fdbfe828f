"""Tests of calibrate.datasets: the seeded generator, its ground truth and the shipped sample."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, spearmanr

import calibrate.datasets as ds
from calibrate.datasets import (
    COLUMNS,
    DRIFT_EXAMPLE,
    DRIFT_LEVELS,
    EFFECT_ATTRIBUTES,
    NULL_ATTRIBUTES,
    PLACEHOLDERS,
    SAMPLE_PATH,
    SAMPLE_SEED,
    load_sample_leads,
    make_leads,
    true_effects,
    write_sample,
)

BIG_N = 50_000
BIG_SEED = 12_345
LABEL_COLUMNS = (
    "job_title",
    "industry",
    "country",
    "lead_source",
    "requested_demo",
    "webinar_attended",
    "unsubscribed",
    "stage",
)
PLACEHOLDER_KEYS = {p.strip().lower() for p in PLACEHOLDERS}


@pytest.fixture(scope="module")
def big() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A large clean sample and its truth."""
    return make_leads(BIG_N, seed=BIG_SEED, messy=False, return_truth=True)


@pytest.fixture(scope="module")
def decided(big: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """Decided leads of the large sample, with the outcome and the truth's groupings."""
    leads, truth = big
    frame = leads.join(truth)
    frame = frame[frame["stage"] != "Open"].copy()
    frame["won"] = (frame["stage"] == "Closed Won").astype(int)
    return frame


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return load_sample_leads()


def _normalise(leads: pd.DataFrame) -> pd.DataFrame:
    """Undo the messy layer: strip and casefold labels, placeholders to missing."""
    out = leads.copy()
    for col in ("company_domain", *LABEL_COLUMNS):
        s = out[col].astype(object)
        key = s.str.strip().str.lower()
        out[col] = key.where(~key.isin(PLACEHOLDER_KEYS), np.nan)
    emp = out["employees"].astype(object)
    emp = emp.where(~emp.str.strip().str.lower().isin(PLACEHOLDER_KEYS), np.nan)
    out["employees"] = pd.to_numeric(emp).astype("float64")
    for col in ("pricing_page_visits", "email_opens", "email_clicks", "careers_page_visits", "days_since_last_activity"):
        out[col] = pd.to_numeric(out[col]).astype("int64")
    return out


def _casefold_clean(leads: pd.DataFrame) -> pd.DataFrame:
    out = leads.copy()
    for col in ("company_domain", *LABEL_COLUMNS):
        out[col] = out[col].astype(object).str.lower()
    return out


# --- API surface -----------------------------------------------------------


def test_public_api_is_declared() -> None:
    for name in ds.__all__:
        assert hasattr(ds, name), name
    assert set(NULL_ATTRIBUTES).isdisjoint(EFFECT_ATTRIBUTES)
    assert set(NULL_ATTRIBUTES) <= set(COLUMNS)
    assert set(EFFECT_ATTRIBUTES) <= set(COLUMNS)
    assert len(NULL_ATTRIBUTES) >= 3
    assert SAMPLE_PATH == ds.Path(ds.__file__).resolve().parents[1] / "data" / "sample_leads.csv"


def test_docstring_examples_run() -> None:
    result = doctest.testmod(ds, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10
    assert result.failed == 0


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="n_leads"):
        make_leads(0)
    with pytest.raises(ValueError, match="before start"):
        make_leads(10, start="2025-06-01", end="2025-05-01")


def test_columns_types_and_ranges(big: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    leads, truth = big
    assert tuple(leads.columns) == COLUMNS
    assert leads.index.equals(truth.index)
    assert leads.index.equals(pd.RangeIndex(BIG_N))
    assert {"p_customer", "outcome"} <= set(truth.columns)
    assert leads["lead_id"].is_unique and leads["email"].is_unique
    assert leads["lead_id"].iloc[0] == "L000001"
    assert leads["lead_id"].str.fullmatch(r"L\d{6}").all()
    dates = pd.to_datetime(leads["created_date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2025-01-01") and dates.max() <= pd.Timestamp("2025-12-31")
    assert dates.is_monotonic_increasing  # ids follow creation order
    assert set(leads["stage"]) == {"Closed Won", "Closed Lost", "Open"}
    for col in ("requested_demo", "webinar_attended", "unsubscribed"):
        assert set(leads[col]) == {"Yes", "No"}
    emp = leads["employees"].dropna()
    assert emp.min() >= 1 and emp.max() <= 50_000 and (emp == emp.round()).all()
    assert emp.median() < emp.mean()  # skewed
    assert leads["days_since_last_activity"].between(0, 400).all()
    assert (leads["pricing_page_visits"] == 0).mean() > 0.5
    assert (leads["careers_page_visits"] == 0).mean() > 0.8
    assert 0.04 <= (leads["requested_demo"] == "Yes").mean() <= 0.06
    assert 0.01 <= (leads["unsubscribed"] == "Yes").mean() <= 0.05
    assert truth["p_customer"].between(0, 1).all()
    assert set(truth["outcome"].unique()) == {0, 1}
    # decided leads: stage is the drawn outcome
    dec = leads["stage"] != "Open"
    assert ((leads.loc[dec, "stage"] == "Closed Won") == (truth.loc[dec, "outcome"] == 1)).all()


def test_accounts_domains_and_emails(big: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    leads, truth = big
    per_domain = leads["company_domain"].dropna().value_counts()
    assert per_domain.max() <= 8
    assert per_domain.size > 5_000
    # industry and employees are account-level
    acc = leads.dropna(subset=["company_domain", "industry"]).groupby("company_domain")["industry"].nunique()
    assert (acc == 1).all()
    provider = leads["email"].str.split("@").str[1]
    free = provider.isin(["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"])
    disposable = provider.isin(["mailinator.com", "guerrillamail.com", "yopmail.com", "10minutemail.com"])
    assert (free == (truth["email_type"] == "free")).all()
    assert (disposable == (truth["email_type"] == "disposable")).all()
    corporate = ~free & ~disposable
    assert (provider[corporate] == leads.loc[corporate, "company_domain"]).all()
    assert leads.loc[corporate, "company_domain"].notna().all()
    assert leads.loc[~corporate, "company_domain"].isna().mean() > 0.5


def test_missing_rates_are_as_documented(big: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    leads, _ = big
    rates = leads.isna().mean()
    assert rates["industry"] == pytest.approx(0.06, abs=0.01)
    assert rates["job_title"] == pytest.approx(0.05, abs=0.01)
    assert rates["employees"] == pytest.approx(0.08, abs=0.01)
    assert rates["country"] == pytest.approx(0.03, abs=0.01)
    for col in ("lead_id", "email", "lead_source", "stage", "email_opens", "requested_demo"):
        assert rates[col] == 0


# --- determinism and the shipped sample ------------------------------------


def test_same_seed_same_frame_different_seed_different() -> None:
    a, ta = make_leads(3_000, seed=42, return_truth=True)
    b, tb = make_leads(3_000, seed=42, return_truth=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ta, tb)
    c = make_leads(3_000, seed=43)
    assert not a.equals(c)
    assert (a["email"] != c["email"]).mean() > 0.9


def test_shipped_csv_is_the_generator_output(tmp_path: pytest.TempPathFactory) -> None:
    assert SAMPLE_PATH.is_file(), "run `python -m calibrate.datasets` to write the sample"
    fresh = write_sample(tmp_path / "sample.csv")
    assert fresh.read_bytes() == SAMPLE_PATH.read_bytes()
    again = write_sample(tmp_path / "again.csv")
    assert again.read_bytes() == fresh.read_bytes()


def test_cli_writes_the_same_bytes(tmp_path: pytest.TempPathFactory) -> None:
    out = tmp_path / "cli.csv"
    assert ds.main(["--output", str(out), "--seed", "7", "--n-leads", "300"]) == 0
    assert out.read_bytes() == write_sample(tmp_path / "api.csv", seed=7, n_leads=300).read_bytes()
    assert len(out.read_text().splitlines()) == 301
    assert b"\r" not in out.read_bytes()


def test_load_sample_leads(sample: pd.DataFrame) -> None:
    assert sample.shape == (20_000, len(COLUMNS))
    assert tuple(sample.columns) == COLUMNS
    assert all(pd.api.types.is_string_dtype(t) for t in sample.dtypes)
    assert sample.notna().all().all()  # blanks are "" as in the file
    raw = pd.read_csv(SAMPLE_PATH, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(sample, raw)


def test_load_sample_leads_regenerates_identically(
    sample: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    monkeypatch.setattr(ds, "SAMPLE_PATH", tmp_path / "absent.csv")
    regenerated = ds.load_sample_leads()
    pd.testing.assert_frame_equal(regenerated, sample)


def test_shipped_sample_contains_its_traps(sample: pd.DataFrame) -> None:
    # placeholders and empty strings
    for col in ("industry", "job_title", "employees", "country", "company_domain"):
        values = set(sample[col])
        assert "" in values and "N/A" in values, col
    assert "Select" in set(sample["industry"])
    # case/space variants
    assert {"software", "SOFTWARE", " Software "} & set(sample["industry"])
    assert {"yes", "YES", "Yes "} & set(sample["requested_demo"])
    canon = _normalise(sample)
    assert sample["industry"].nunique() > canon["industry"].nunique() + 10
    # rare levels (fewer than 30 leads) in industry, country, lead_source, job_title
    for col in ("industry", "country", "lead_source", "job_title"):
        counts = canon[col].value_counts()
        assert (counts < 30).any(), col
    # Open leads to exclude, mostly recent
    stage = canon["stage"]
    assert set(stage) == {"closed won", "closed lost", "open"}
    assert 0.10 <= (stage == "open").mean() <= 0.15


# --- messy flag ------------------------------------------------------------


def test_messy_changes_only_the_spelling() -> None:
    messy, t_messy = make_leads(8_000, seed=5, messy=True, return_truth=True)
    clean, t_clean = make_leads(8_000, seed=5, messy=False, return_truth=True)
    pd.testing.assert_frame_equal(t_messy, t_clean)
    # the messy layer actually did something
    assert (messy["industry"].astype(object) != clean["industry"].astype(object)).mean() > 0.03
    assert not messy.isna().any().any()
    normalised = _normalise(messy)
    expected = _casefold_clean(clean)
    for col in COLUMNS:
        pd.testing.assert_series_equal(
            normalised[col].astype(object), expected[col].astype(object), check_dtype=False, obj=col
        )


# --- the ground truth ------------------------------------------------------


def test_baseline_rate_and_open_share(big: tuple[pd.DataFrame, pd.DataFrame], decided: pd.DataFrame) -> None:
    leads, _ = big
    assert 0.05 <= decided["won"].mean() <= 0.12
    assert 0.08 <= (leads["stage"] == "Open").mean() <= 0.18


def test_open_depends_on_created_date_only(big: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    leads, truth = big
    is_open = (leads["stage"] == "Open").astype(int)
    age = (pd.Timestamp("2025-12-31") - pd.to_datetime(leads["created_date"])).dt.days
    assert is_open[age <= 42].mean() > 0.5
    assert is_open[age > 90].mean() < 0.05
    assert abs(spearmanr(is_open, truth["p_customer"])[0]) < 0.03
    for col in ("requested_demo", "industry", "lead_source", "country"):
        table = pd.crosstab(leads[col].fillna("(missing)"), is_open)
        table = table[table.sum(axis=1) >= 200]
        assert chi2_contingency(table)[1] > 1e-4, col


def test_requested_demo_lift(decided: pd.DataFrame) -> None:
    rate = decided.groupby("requested_demo")["won"].mean()
    lift = rate["Yes"] / rate["No"]
    assert lift >= 2.5
    assert lift <= 5.0


def _null_levels(frame: pd.DataFrame, col: str) -> pd.Series:
    s = frame[col]
    if pd.api.types.is_numeric_dtype(s):
        return pd.cut(s, bins=[-1, 0, 1, 2, 3, 5, 8, np.inf]).astype(str)
    s = s.astype(object).fillna("(missing)")
    counts = s.value_counts()
    return s.where(s.map(counts) >= 200, "(other)")


@pytest.mark.parametrize("col", NULL_ATTRIBUTES)
def test_null_attribute_has_no_association_with_outcome(decided: pd.DataFrame, col: str) -> None:
    table = pd.crosstab(_null_levels(decided, col), decided["won"])
    assert table.shape[0] >= 2
    p_value = chi2_contingency(table)[1]
    assert p_value > 1e-4, f"{col}: chi-square p = {p_value:.2g}"


@pytest.mark.parametrize("col", NULL_ATTRIBUTES)
def test_null_attribute_is_independent_of_p_customer(big: tuple[pd.DataFrame, pd.DataFrame], col: str) -> None:
    leads, truth = big
    levels = _null_levels(leads, col)
    if pd.api.types.is_numeric_dtype(leads[col]):
        assert abs(spearmanr(leads[col], truth["p_customer"])[0]) < 0.03
    for level in levels.unique():
        indicator = (levels == level).astype(int)
        rho = spearmanr(indicator, truth["p_customer"])[0]
        assert abs(rho) < 0.03, f"{col}={level}: rho = {rho:.3f}"
        rho_intent = spearmanr(indicator, truth["intent"])[0]
        assert abs(rho_intent) < 0.03, f"{col}={level}: rho(intent) = {rho_intent:.3f}"


@pytest.mark.parametrize("col", NULL_ATTRIBUTES)
def test_null_attribute_is_independent_of_other_columns(big: tuple[pd.DataFrame, pd.DataFrame], col: str) -> None:
    leads, _ = big
    levels = _null_levels(leads, col)
    for other in ("industry", "job_title", "lead_source", "requested_demo", "pricing_page_visits", *NULL_ATTRIBUTES):
        if other == col:
            continue
        other_levels = _null_levels(leads, other)
        table = pd.crosstab(levels, other_levels)
        table = table.loc[table.sum(axis=1) >= 200, table.sum(axis=0) >= 200]
        assert chi2_contingency(table)[1] > 1e-4, f"{col} vs {other}"


def test_effect_signs_match_marginal_close_rates(decided: pd.DataFrame) -> None:
    """Every level with |log-odds| >= 0.4 closes above (or below) the rest of its attribute."""
    effects = true_effects()
    # columns of the decided frame holding each attribute's documented levels
    where = {
        "industry": "industry",
        "lead_source": "lead_source",
        "job_title": "seniority",
        "employees": "employees_band",
        "days_since_last_activity": "activity_band",
        "email": "email_type",
        "requested_demo": "requested_demo",
        "unsubscribed": "unsubscribed",
    }
    checked = 0
    for row in effects.itertuples():
        if row.attribute not in where or abs(row.log_odds) < 0.4:
            continue
        values = decided[where[row.attribute]]
        level = row.level.removesuffix(" provider")
        inside = values == level
        assert inside.sum() >= 200, (row.attribute, row.level)
        rate_in = decided.loc[inside, "won"].mean()
        rate_out = decided.loc[~inside & values.notna(), "won"].mean()
        assert np.sign(rate_in - rate_out) == np.sign(row.log_odds), (row.attribute, row.level, rate_in, rate_out)
        checked += 1
    assert checked >= 14


def test_numeric_effects_have_documented_direction(decided: pd.DataFrame) -> None:
    won = decided["won"]
    assert won[decided["pricing_page_visits"] >= 2].mean() > 1.5 * won[decided["pricing_page_visits"] == 0].mean()
    assert won[decided["careers_page_visits"] >= 1].mean() < 0.6 * won[decided["careers_page_visits"] == 0].mean()
    assert won[decided["email_clicks"] >= 2].mean() > won[decided["email_clicks"] == 0].mean()
    assert won[decided["days_since_last_activity"] > 180].mean() < 0.4 * won[decided["days_since_last_activity"] <= 30].mean()
    for col in ("pricing_page_visits", "email_clicks"):
        assert spearmanr(decided[col], decided["intent"])[0] > 0.1, col
    assert spearmanr(decided["days_since_last_activity"], decided["intent"])[0] < -0.1


def test_true_effects_table() -> None:
    effects = true_effects()
    assert list(effects.columns) == ["attribute", "level", "log_odds", "note"]
    assert effects["log_odds"].dtype == np.float64
    assert not effects.duplicated(["attribute", "level"]).any()
    assert set(EFFECT_ATTRIBUTES) <= set(effects["attribute"])
    assert set(NULL_ATTRIBUTES) <= set(effects["attribute"])
    for attr in EFFECT_ATTRIBUTES:
        assert (effects.loc[effects["attribute"] == attr, "log_odds"] != 0).any(), attr
    for attr in NULL_ATTRIBUTES:
        assert (effects.loc[effects["attribute"] == attr, "log_odds"] == 0).all(), attr
    # positive and negative effects both documented
    lookup = effects.set_index(["attribute", "level"])["log_odds"]
    assert lookup["requested_demo", "Yes"] > 0.8
    assert lookup["industry", "Software"] > 0 > lookup["industry", "Education"]
    assert lookup["lead_source", "Referral"] > 0 > lookup["lead_source", "Paid Social"]
    assert lookup["job_title", "Student/Intern/Job seeker"] < -1
    assert lookup["employees", "1-9"] < 0 < lookup["employees", "200-999"]
    assert lookup["unsubscribed", "Yes"] < 0
    assert lookup["email", "disposable provider"] < lookup["email", "free provider"] < 0


def test_true_effects_cover_the_generated_levels(big: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    leads, truth = big
    effects = true_effects()
    for col in ("industry", "lead_source", "country"):
        documented = set(effects.loc[effects["attribute"] == col, "level"])
        assert set(leads[col].dropna()) <= documented, col
    seniority = set(effects.loc[effects["attribute"] == "job_title", "level"])
    assert set(truth["seniority"]) <= seniority


def test_readme_documents_the_sample() -> None:
    readme = (SAMPLE_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert f"SAMPLE_SEED = {SAMPLE_SEED}" in readme
    for col in COLUMNS:
        assert f"`{col}`" in readme, col
    for row in true_effects().itertuples():
        if row.attribute == "country":
            continue
        assert f"| {row.attribute} | {row.level} | {row.log_odds:+.2f} |" in readme, (row.attribute, row.level)
    assert str(NULL_ATTRIBUTES).replace("'", '"') in readme


# --- drift -----------------------------------------------------------------

DRIFT_N = 60_000
DRIFT_START = "2025-07-02"  # the default: midpoint of 2025-01-01..2025-12-31


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@pytest.fixture(scope="module")
def drift_pair() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """60,000 clean leads with DRIFT_EXAMPLE, and the same seed without drift."""
    leads, truth = make_leads(DRIFT_N, seed=BIG_SEED, messy=False, return_truth=True, drift=DRIFT_EXAMPLE)
    base, base_truth = make_leads(DRIFT_N, seed=BIG_SEED, messy=False, return_truth=True)
    return leads, truth, base, base_truth


def _close_rate(leads: pd.DataFrame, mask: pd.Series) -> float:
    decided = mask & (leads["stage"] != "Open")
    return float((leads.loc[decided, "stage"] == "Closed Won").mean())


def test_drift_example_and_levels_match_the_model() -> None:
    assert DRIFT_EXAMPLE == {"industry": {"Software": -1.2}}
    effects = true_effects()
    for attribute, levels in DRIFT_LEVELS.items():
        documented = set(effects.loc[effects["attribute"] == attribute, "level"])
        assert set(levels) <= documented, attribute
        assert "(missing)" not in levels
    assert set(DRIFT_LEVELS) <= set(EFFECT_ATTRIBUTES)
    assert set(DRIFT_LEVELS).isdisjoint(NULL_ATTRIBUTES)
    assert {"industry", "lead_source", "job_title"} <= set(DRIFT_LEVELS)
    assert "VP" in DRIFT_LEVELS["job_title"] and "Paid Social" in DRIFT_LEVELS["lead_source"]
    readme = (SAMPLE_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert 'DRIFT_EXAMPLE = {"industry": {"Software": -1.2}}' in readme
    for attribute in DRIFT_LEVELS:
        assert f"`{attribute}`" in readme, attribute


def test_no_drift_leaves_the_output_unchanged() -> None:
    # the shipped-sample test checks the default byte for byte; a drift that
    # changes nothing, or drift_start alone, must give the very same frames too
    base, base_truth = make_leads(3_000, seed=9, return_truth=True)
    for kwargs in ({"drift": None}, {"drift": {}}, {"drift": {"industry": {"Software": 0.0}}}, {"drift_start": "2025-03-01"}):
        leads, truth = make_leads(3_000, seed=9, return_truth=True, **kwargs)
        pd.testing.assert_frame_equal(leads, base, obj=str(kwargs))
        pd.testing.assert_frame_equal(truth, base_truth, obj=str(kwargs))


def test_drift_lowers_software_close_rate_after_drift_start(
    drift_pair: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    leads, _, base, _ = drift_pair
    after = leads["created_date"] >= DRIFT_START
    software = leads["industry"] == "Software"
    manufacturing = leads["industry"] == "Manufacturing"
    sw_before, sw_after = _close_rate(leads, software & ~after), _close_rate(leads, software & after)
    mf_before, mf_after = _close_rate(leads, manufacturing & ~after), _close_rate(leads, manufacturing & after)
    assert sw_before >= 1.5 * sw_after, (sw_before, sw_after)
    assert abs(mf_after / mf_before - 1) < 0.25, (mf_before, mf_after)
    # without drift Software does not fall like that, and before drift_start nothing changed
    base_sw_before = _close_rate(base, software & ~after)
    assert base_sw_before == sw_before
    assert _close_rate(base, software & after) > 1.5 * sw_after


def test_drift_shifts_p_customer_by_the_amount_exactly(
    drift_pair: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    leads, truth, base, base_truth = drift_pair
    # drift draws nothing: the same leads, Open or not, with the same intent
    for col in COLUMNS:
        if col != "stage":
            pd.testing.assert_series_equal(leads[col], base[col], obj=col)
    assert ((leads["stage"] == "Open") == (base["stage"] == "Open")).all()
    for col in truth.columns.drop(["logit", "p_customer", "outcome"]):
        pd.testing.assert_series_equal(truth[col], base_truth[col], obj=col)

    after = (leads["created_date"] >= DRIFT_START).to_numpy()
    industry = leads["industry"]  # masked for 6 %; the drift follows the true industry
    sw_after = after & (industry == "Software").to_numpy()
    unchanged = ~after | (industry.notna() & (industry != "Software")).to_numpy()
    assert sw_after.sum() > 5_000
    shift = (truth["logit"] - base_truth["logit"]).to_numpy()
    np.testing.assert_allclose(shift[sw_after], -1.2, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(shift[unchanged], 0.0)
    masked_after = after & industry.isna().to_numpy()
    assert np.isclose(shift[masked_after], -1.2, rtol=0, atol=1e-12).sum() > 0
    assert (np.isclose(shift[masked_after], -1.2, rtol=0, atol=1e-12) | (shift[masked_after] == 0)).all()
    # p_customer is the model's probability at the shifted logit
    np.testing.assert_allclose(
        truth["p_customer"].to_numpy()[sw_after],
        _expit(base_truth["logit"].to_numpy()[sw_after] - 1.2),
        rtol=1e-12,
        atol=0,
    )
    np.testing.assert_array_equal(truth["p_customer"].to_numpy()[unchanged], base_truth["p_customer"].to_numpy()[unchanged])
    np.testing.assert_array_equal(truth["p_customer"], _expit(truth["logit"].to_numpy()))
    # the same uniforms decide the outcome: a negative drift only turns wins into losses
    assert (truth["outcome"] <= base_truth["outcome"]).all()
    assert (truth["outcome"] < base_truth["outcome"]).sum() > 100
    dec = truth["decided"]
    assert ((leads.loc[dec, "stage"] == "Closed Won") == (truth.loc[dec, "outcome"] == 1)).all()


def test_drift_of_several_attributes_from_a_given_date() -> None:
    drift = {"lead_source": {"Paid Social": +1.0}, "job_title": {"VP": -0.5, "Manager": 0.3}}
    leads, truth = make_leads(4_000, seed=3, messy=False, return_truth=True, drift=drift, drift_start="2025-10-01")
    _, base_truth = make_leads(4_000, seed=3, messy=False, return_truth=True)
    after = leads["created_date"] >= "2025-10-01"
    expected = (
        1.0 * (leads["lead_source"] == "Paid Social")
        - 0.5 * (truth["seniority"] == "VP")
        + 0.3 * (truth["seniority"] == "Manager")
    ).where(after, 0.0)
    assert (expected != 0).sum() > 300
    np.testing.assert_allclose(truth["logit"] - base_truth["logit"], expected, rtol=0, atol=1e-12)


def test_bad_drift_raises() -> None:
    with pytest.raises(ValueError, match="unknown attribute 'sector'.*industry, lead_source, job_title"):
        make_leads(10, drift={"sector": {"Software": -1.0}})
    with pytest.raises(ValueError, match="unknown attribute 'country'"):  # null attributes cannot drift
        make_leads(10, drift={"country": {"Germany": 1.0}})
    with pytest.raises(ValueError, match="unknown level 'Sofware' of 'industry'.*Software, Financial Services"):
        make_leads(10, drift={"industry": {"Sofware": -1.0}})
    with pytest.raises(ValueError, match="unknown level 'CEO' of 'job_title'.*C-level, VP, Director"):
        make_leads(10, drift={"job_title": {"CEO": 1.0}})
    with pytest.raises(ValueError, match="finite"):
        make_leads(10, drift={"industry": {"Software": float("nan")}})
    with pytest.raises(TypeError, match="mapping"):
        make_leads(10, drift={"industry": -1.2})  # type: ignore[dict-item]


@pytest.mark.parametrize("when", ["2024-12-31", "2026-01-01"])
def test_drift_start_outside_the_period_raises(when: str) -> None:
    with pytest.raises(ValueError, match="drift_start.*outside start..end"):
        make_leads(10, drift=DRIFT_EXAMPLE, drift_start=when)
    # the bounds themselves are allowed
    make_leads(10, drift=DRIFT_EXAMPLE, drift_start="2025-01-01")
    make_leads(10, drift=DRIFT_EXAMPLE, drift_start="2025-12-31")
