"""Tests of calibrate.scoring: applying a config to leads, checked against an independent re-implementation."""

from __future__ import annotations

import math
import re
import unicodedata
import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from calibrate import Calibrator
from calibrate.config import DEFAULT_BANDS, ScoringConfig
from calibrate.datasets import make_leads
from calibrate.errors import DataError, UnseenLevelWarning
from calibrate.scoring import assign_bands, score_leads

FIT_ARGS = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}
GRADES = ["fit_score", "engagement_score", "grade", "sla"]  # added after score and band when a config has grades


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    # Raw columns only: derived signals (e-mail domain type, ...) have their own tests in test_derived_signals.py.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(signals=False).fit(make_leads(3000, seed=1), **FIT_ARGS).config_


@pytest.fixture(scope="module")
def distinct_config(config: ScoringConfig) -> ScoringConfig:
    """The fitted config with every rule given its own non-zero points (and a base), so that
    any mix-up of levels, bins, other, missing or unseen changes the score."""
    rng = np.random.default_rng(2024)
    document = config.to_dict()
    document["scale"]["base_points"] = 7
    for attribute in document["attributes"]:
        rules = list(attribute.get("levels", [])) + list(attribute.get("bins", []))
        if "other" in attribute:
            rules.append(attribute["other"])
        rules += [attribute["missing"], attribute["unseen"]]
        values = rng.choice(np.r_[-200:0, 1:201], size=len(rules), replace=False)
        for rule, value in zip(rules, values):
            rule["points"] = int(value)
    return ScoringConfig(document)


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return make_leads(250, seed=9)


def score_quietly(config: ScoringConfig, frame: pd.DataFrame, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnseenLevelWarning)
        return config.score(frame, **kwargs)


# --------------------------------------------------------------------------- #
# An independent scorer written from the config document and its documentation
# --------------------------------------------------------------------------- #


def _key(value) -> str | None:
    """nfkc-trim-collapse-casefold; whole floats lose their .0; None for missing."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return " ".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def _points_of(attribute: dict, value, placeholders: set[str]) -> int:
    key = _key(value)
    if key is None or key in placeholders:
        return attribute["missing"]["points"]
    if attribute["kind"] == "categorical":
        for level in attribute["levels"]:
            if _key(level["value"]) == key:
                return level["points"]
        other = attribute.get("other", {"values": []})
        if any(_key(v) == key for v in other["values"]):
            return other["points"]
        return attribute["unseen"]["points"]
    if isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
    else:
        try:
            x = float(key)
        except ValueError:
            return attribute["unseen"]["points"]
    if math.isnan(x):
        return attribute["missing"]["points"]
    for b in attribute["bins"]:
        if (b["lower"] is None or b["lower"] <= x) and (b["upper"] is None or x < b["upper"]):
            return b["points"]
    raise AssertionError(f"{x} falls in no bin of {attribute['name']}")


def expected_scores(config: ScoringConfig, frame: pd.DataFrame) -> np.ndarray:
    document = config.to_dict()
    assert document["cleaning"]["normalization"] == "nfkc-trim-collapse-casefold"
    placeholders = {_key(p) for p in document["cleaning"]["placeholders"]}
    base = document["scale"].get("base_points", 0)
    out = []
    for _, row in frame.iterrows():
        out.append(base + sum(_points_of(a, row[a["name"]], placeholders) for a in document["attributes"]))
    return np.array(out, dtype=np.int64)


def expected_bands(config: ScoringConfig, scores: np.ndarray) -> list[str]:
    bands = config.bands
    names = []
    for s in scores:
        names.append(next(b["name"] for b in bands if "max" not in b or s < b["max"]))
    return names


def messy_frame(config: ScoringConfig, base: pd.DataFrame) -> pd.DataFrame:
    """``base`` with case/space variants, placeholders, numbers as text, NaN, bin edges and unseen text."""
    document = config.to_dict()
    frame = base.copy().astype(object)
    n = len(frame)
    rng = np.random.default_rng(5)
    row = 0
    for attribute in document["attributes"]:
        name = attribute["name"]
        if attribute["kind"] == "categorical":
            values = [level["value"] for level in attribute["levels"]] + attribute.get("other", {}).get("values", [])
            variants = []
            for v in values[:4]:
                variants += [v.upper(), f"  {v.lower()} ", v.swapcase(), v.replace(" ", "   ")]
            variants += ["N/A", "Select", "", "  ", "unknown", "-", "NULL", None, np.nan, "Aerospace", "zzz"]
        else:
            edges = [b["upper"] for b in attribute["bins"][:-1]]
            variants = []
            for e in edges:
                variants += [e, e - 1, e - 0.5, str(e), f" {e} ", f"{float(e)}", e + 0.25]
            variants += [-5, 10**9, "1e9", "-3", "N/A", "", "Select", None, np.nan, float("nan"), "lots", "12abc"]
        for v in variants:
            frame.at[frame.index[row % n], name] = v
            row += int(rng.integers(1, 4))
    return frame


def test_independent_reimplementation_on_clean_data(distinct_config, leads):
    scored = score_quietly(distinct_config, leads)
    expected = expected_scores(distinct_config, leads)
    np.testing.assert_array_equal(scored["score"].to_numpy(), expected)
    assert scored["band"].tolist() == expected_bands(distinct_config, expected)


def test_independent_reimplementation_on_messy_data(distinct_config, leads):
    frame = messy_frame(distinct_config, leads)
    scored = score_quietly(distinct_config, frame)
    expected = expected_scores(distinct_config, frame)
    mismatch = np.flatnonzero(scored["score"].to_numpy() != expected)
    assert mismatch.size == 0, frame.iloc[mismatch[:5]].to_dict("records")
    assert scored["band"].tolist() == expected_bands(distinct_config, expected)


def test_independent_reimplementation_with_fitted_points(config, leads):
    frame = messy_frame(config, leads)
    scored = score_quietly(config, frame)
    np.testing.assert_array_equal(scored["score"].to_numpy(), expected_scores(config, frame))


def test_scores_are_non_trivial(distinct_config, leads):
    """Guard for the tests above: the distinct config spreads the scores."""
    scores = score_quietly(distinct_config, leads)["score"]
    assert scores.nunique() > 100


def test_case_and_space_variants_score_like_the_level(distinct_config, leads):
    document = distinct_config.to_dict()
    attribute = next(a for a in document["attributes"] if a["name"] == "industry")
    level = attribute["levels"][0]
    frame = pd.concat([leads.iloc[[0]]] * 4, ignore_index=True)
    frame["industry"] = [level["value"], level["value"].upper(), f"  {level['value'].lower()}  ", level["value"].swapcase()]
    scores = score_quietly(distinct_config, frame)["score"]
    assert scores.nunique() == 1


def test_numbers_as_text_score_like_numbers(distinct_config, leads):
    bins = next(a for a in distinct_config.to_dict()["attributes"] if a["name"] == "employees")["bins"]
    edge = bins[1]["lower"]
    frame = pd.concat([leads.iloc[[0]]] * 5, ignore_index=True).astype({"employees": object})
    frame["employees"] = [edge, str(edge), f" {edge} ", f"{float(edge)}", float(edge)]
    scores = score_quietly(distinct_config, frame)["score"]
    assert scores.nunique() == 1


def test_placeholders_and_nan_score_as_missing(distinct_config, leads):
    document = distinct_config.to_dict()
    industry = next(a for a in document["attributes"] if a["name"] == "industry")
    frame = pd.concat([leads.iloc[[0]]] * 8, ignore_index=True).astype({"industry": object})
    frame["industry"] = ["N/A", "Select", "", "  ", "unknown", "-", None, np.nan]
    scored = score_quietly(distinct_config, frame)
    assert scored["score"].nunique() == 1
    reference = frame.iloc[[0]].copy()
    reference["industry"] = industry["levels"][0]["value"]
    diff = int(scored["score"].iloc[0]) - int(score_quietly(distinct_config, reference)["score"].iloc[0])
    assert diff == industry["missing"]["points"] - industry["levels"][0]["points"]


# --------------------------------------------------------------------------- #
# Shape of the output
# --------------------------------------------------------------------------- #


def test_rows_order_and_original_columns_are_preserved(config, leads):
    frame = leads.copy()
    frame.index = pd.Index([f"row{i}" for i in range(len(frame))][::-1])
    before = frame.copy()
    scored = score_quietly(config, frame)
    assert len(scored) == len(frame)
    assert list(scored.columns) == [*frame.columns, "score", "band", *GRADES]
    assert scored.index.equals(frame.index)
    assert_frame_equal(scored[list(frame.columns)], frame)
    assert_frame_equal(frame, before)  # input not modified
    assert pd.api.types.is_integer_dtype(scored["score"])
    assert set(scored["band"]) <= {b["name"] for b in config.bands}


def test_row_order_is_kept_per_row(distinct_config, leads):
    shuffled = leads.sample(frac=1.0, random_state=1)
    a = score_quietly(distinct_config, leads)
    b = score_quietly(distinct_config, shuffled)
    assert_frame_equal(b, a.loc[shuffled.index])


def test_shuffled_columns_and_extra_columns(distinct_config, leads):
    reference = score_quietly(distinct_config, leads)
    rng = np.random.default_rng(3)
    columns = list(leads.columns)
    rng.shuffle(columns)
    shuffled = leads[columns]
    scored = score_quietly(distinct_config, shuffled)
    assert list(scored.columns) == [*columns, "score", "band", *GRADES]
    np.testing.assert_array_equal(scored["score"].to_numpy(), reference["score"].to_numpy())

    extra = leads.assign(notes="call back", priority=np.arange(len(leads)))
    extra.insert(0, "crm_owner", "alice")
    scored = score_quietly(distinct_config, extra)
    assert list(scored.columns) == [*extra.columns, "score", "band", *GRADES]
    assert_frame_equal(scored[list(extra.columns)], extra)
    np.testing.assert_array_equal(scored["score"].to_numpy(), reference["score"].to_numpy())


def test_only_the_attribute_columns_are_needed(distinct_config, leads):
    minimal = leads[distinct_config.attributes]
    np.testing.assert_array_equal(score_quietly(distinct_config, minimal)["score"].to_numpy(),
                                  score_quietly(distinct_config, leads)["score"].to_numpy())


def test_deterministic(distinct_config, leads):
    frame = messy_frame(distinct_config, leads)
    assert_frame_equal(score_quietly(distinct_config, frame), score_quietly(distinct_config, frame))


def test_score_leads_function_equals_method(config, leads):
    assert_frame_equal(score_quietly(config, leads), _score_leads_quietly(config, leads))


def _score_leads_quietly(config, frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnseenLevelWarning)
        return score_leads(config, frame)


def test_empty_frame(config, leads):
    scored = config.score(leads.iloc[:0])
    assert len(scored) == 0
    assert list(scored.columns) == [*leads.columns, "score", "band", *GRADES]


# --------------------------------------------------------------------------- #
# Unseen values and out-of-range numbers
# --------------------------------------------------------------------------- #


def test_unseen_values_get_unseen_points_and_a_warning(config):
    clean = make_leads(200, seed=7, messy=False)
    document = config.to_dict()
    placeholders = {_key(p) for p in document["cleaning"]["placeholders"]}
    industry = next(a for a in document["attributes"] if a["name"] == "industry")
    employees = next(a for a in document["attributes"] if a["name"] == "employees")
    frame = clean.copy().astype({"industry": object, "employees": object})
    industry_rows, employee_rows = [0, 3, 10, 11, 50], [5, 6, 7]
    frame.loc[industry_rows, "industry"] = "Aerospace"
    frame.loc[employee_rows, "employees"] = "lots"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = config.score(clean)["score"].to_numpy()
        caught.clear()
        after = config.score(frame)["score"].to_numpy()
    unseen = [w for w in caught if issubclass(w.category, UnseenLevelWarning)]
    assert len(unseen) == 1
    message = str(unseen[0].message)
    assert re.search(r"\bindustry\b\D*\b5\b", message), message
    assert re.search(r"\bemployees\b\D*\b3\b", message), message
    assert "Aerospace" in message and "lots" in message

    assert industry["unseen"]["points"] == 0 and employees["unseen"]["points"] == 0
    for i in industry_rows:
        assert after[i] - before[i] == 0 - _points_of(industry, clean.loc[i, "industry"], placeholders)
    for i in employee_rows:
        assert after[i] - before[i] == 0 - _points_of(employees, clean.loc[i, "employees"], placeholders)
    untouched = np.setdiff1d(np.arange(len(frame)), industry_rows + employee_rows)
    np.testing.assert_array_equal(after[untouched], before[untouched])


def test_unseen_points_are_used_when_non_zero(distinct_config, leads):
    document = distinct_config.to_dict()
    industry = next(a for a in document["attributes"] if a["name"] == "industry")
    frame = pd.concat([leads.iloc[[0]]] * 2, ignore_index=True).astype({"industry": object})
    frame["industry"] = [industry["levels"][0]["value"], "Aerospace"]
    with pytest.warns(UnseenLevelWarning, match=r"industry"):
        scores = distinct_config.score(frame)["score"].to_numpy()
    assert scores[1] - scores[0] == industry["unseen"]["points"] - industry["levels"][0]["points"]


def test_no_warning_when_everything_was_seen(config):
    clean = make_leads(200, seed=7, messy=False)
    frame = clean[config.attributes].copy()
    # Keep only values that the config knows, so no warning is due.
    document = config.to_dict()
    for attribute in document["attributes"]:
        if attribute["kind"] == "categorical":
            known = {_key(level["value"]) for level in attribute["levels"]}
            known |= {_key(v) for v in attribute.get("other", {}).get("values", [])}
            frame = frame[frame[attribute["name"]].map(lambda v, known=known: _key(v) is None or _key(v) in known)]
    assert len(frame) > 50
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnseenLevelWarning)
        config.score(frame)


@pytest.mark.parametrize("value, which", [(10**9, -1), (-5, 0), ("1000000000", -1), ("-5", 0), (float("inf"), -1)])
def test_numbers_outside_all_bins_fall_in_the_open_end_bins(distinct_config, leads, value, which):
    document = distinct_config.to_dict()
    employees = next(a for a in document["attributes"] if a["name"] == "employees")
    bins = employees["bins"]
    assert bins[0]["lower"] is None and bins[-1]["upper"] is None
    inside = bins[which]["upper"] - 1 if which == 0 else bins[which]["lower"] + 1
    frame = pd.concat([leads.iloc[[0]]] * 2, ignore_index=True).astype({"employees": object})
    frame["employees"] = [inside, value]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnseenLevelWarning)
        scores = distinct_config.score(frame)["score"].to_numpy()
    assert scores[0] == scores[1]


def test_bin_edges_are_left_closed(distinct_config, leads):
    document = distinct_config.to_dict()
    employees = next(a for a in document["attributes"] if a["name"] == "employees")
    bins = employees["bins"]
    edge = bins[1]["lower"]
    frame = pd.concat([leads.iloc[[0]]] * 3, ignore_index=True)
    frame["employees"] = [str(edge - 1), str(edge), "N/A"]
    scores = score_quietly(distinct_config, frame)["score"].to_numpy()
    missing = employees["missing"]["points"]
    assert scores[0] - scores[2] == bins[0]["points"] - missing
    assert scores[1] - scores[2] == bins[1]["points"] - missing


# --------------------------------------------------------------------------- #
# Errors and output column names
# --------------------------------------------------------------------------- #


def test_missing_column_is_named(config, leads):
    with pytest.raises(DataError, match=r"industry"):
        config.score(leads.drop(columns=["industry"]))


def test_missing_column_suggests_a_close_name(config, leads):
    with pytest.raises(DataError, match=r"\['industry'\].*did you mean 'Industry'"):
        config.score(leads.rename(columns={"industry": "Industry"}))


def test_input_with_score_column_is_refused(config, leads):
    with pytest.raises(DataError, match=r"'score'"):
        config.score(leads.assign(score=1))
    with pytest.raises(DataError, match=r"'band'"):
        config.score(leads.assign(band="x"))


def test_custom_output_column_names(config, leads):
    frame = leads.assign(score=1, band="x")
    scored = score_quietly(config, frame, score_column="lead_score", band_column="lead_band")
    assert list(scored.columns) == [*frame.columns, "lead_score", "lead_band", *GRADES]
    assert (scored["score"] == 1).all() and (scored["band"] == "x").all()
    reference = score_quietly(config, leads)
    np.testing.assert_array_equal(scored["lead_score"].to_numpy(), reference["score"].to_numpy())
    assert scored["lead_band"].tolist() == reference["band"].tolist()


def test_score_column_only(config, leads):
    scored = score_quietly(config, leads, score_column="lead_score")
    assert list(scored.columns)[-6:-4] == ["lead_score", "band"]


def test_not_a_dataframe(config):
    with pytest.raises(DataError, match=r"DataFrame"):
        config.score([{"industry": "Software"}])


# --------------------------------------------------------------------------- #
# Bands
# --------------------------------------------------------------------------- #


def test_assign_bands_boundaries_with_default_bands():
    bands = [dict(b) for b in DEFAULT_BANDS]
    scores = np.array([-500, -1, 0, 39, 40, 41, 99, 100, 101, 10**6])
    assert assign_bands(scores, bands).tolist() == [
        "cold", "cold", "cold", "cold", "warm", "warm", "warm", "hot", "hot", "hot"]


def test_assign_bands_custom_bands():
    bands = [{"name": "a", "max": -10}, {"name": "b", "max": 0}, {"name": "c", "max": 25}, {"name": "d"}]
    scores = np.array([-11, -10, -1, 0, 24, 25, 26])
    assert assign_bands(scores, bands).tolist() == ["a", "b", "b", "c", "c", "d", "d"]


def test_assign_bands_single_band():
    assert assign_bands(np.array([-5, 0, 500]), [{"name": "all"}]).tolist() == ["all", "all", "all"]


@pytest.mark.parametrize("base, band", [(39, "cold"), (40, "warm"), (99, "warm"), (100, "hot"), (101, "hot")])
def test_threshold_score_is_hot(config, leads, base, band):
    """End to end: all points zero, base_points fixes every score."""
    assert config.threshold == 100
    document = config.to_dict()
    document["scale"]["base_points"] = base
    for attribute in document["attributes"]:
        for rule in [*attribute.get("levels", []), *attribute.get("bins", []), attribute["missing"], attribute["unseen"]]:
            rule["points"] = 0
        if "other" in attribute:
            attribute["other"]["points"] = 0
    scored = score_quietly(ScoringConfig(document), leads.head(20))
    assert (scored["score"] == base).all()
    assert (scored["band"] == band).all()


def test_grade_columns_split_the_score_by_group(config, leads):
    scored = score_quietly(config, leads)
    document = config.to_dict()
    assert (scored["fit_score"] + scored["engagement_score"] + document["scale"]["base_points"] == scored["score"]).all()
    grades = document["grades"]
    for group, column, position in (("fit", "fit_score", 0), ("engagement", "engagement_score", 1)):
        edges, labels = grades[group]["edges"], grades[group]["labels"]
        # Highest scores get the first label; a grade starts at its lower edge (left-closed).
        expected = [labels[len(edges) - int(np.searchsorted(edges, v, side="right"))] for v in scored[column]]
        assert scored["grade"].str[position].tolist() == expected
    sla = {cell["cell"]: cell["sla"] for cell in grades["cells"]}
    assert scored["sla"].tolist() == [sla[g] for g in scored["grade"]]


def test_grade_columns_can_be_left_out(config, leads):
    scored = score_quietly(config, leads, grade_columns=False)
    assert list(scored.columns) == [*leads.columns, "score", "band"]


def test_total_cap_clips_scores(distinct_config, leads):
    document = distinct_config.to_dict()
    document["scale"]["total_cap"] = 50
    capped = score_quietly(ScoringConfig(document), leads)["score"]
    uncapped = score_quietly(distinct_config, leads)["score"]
    assert (capped == uncapped.clip(-50, 50)).all() and (uncapped.abs() > 50).any()


def test_derived_signals_come_between_the_input_columns_and_the_score(leads):
    """A config with derived signals returns input columns, then its derived columns, then score and band."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = Calibrator().fit(make_leads(3000, seed=1), **FIT_ARGS).config_
    derived = list(config.signals.outputs)
    assert "email.domain_type" in derived
    scored = score_quietly(config, leads)
    assert list(scored.columns) == [*leads.columns, *derived, "score", "band", "fit_score", "engagement_score",
                                    "grade", "sla"]
    assert scored[list(leads.columns)].equals(leads)
    # Only the input columns the config needs: raw attributes plus the sources of the derived signals.
    needed = leads[config.input_columns]
    assert score_quietly(config, needed)["score"].tolist() == scored["score"].tolist()


HOSTILE_TEXT = ["jo@acme.com", " Jo@Acme.COM ", "x@gmail.com", "a@mailinator.com", "asdf", "", "  ", None, np.nan,
                "Select", "n/a", "a@b@c.com", "jo@", "jürgen@müller.de", "42", "CEO", "Co-Founder & CEO",
                " vp sales ", "Werkstudent", "Intern", "Geschäftsführer", "ｃｅｏ", "Partner Manager"]


def _hostile_column(kind: str, n: int, seed: int) -> pd.Series:
    values = [HOSTILE_TEXT[i] for i in np.random.default_rng(seed).integers(0, len(HOSTILE_TEXT), n)]
    if kind == "object":
        return pd.Series(values, dtype=object)
    text = [v if isinstance(v, str) else None for v in values]
    if kind == "category":
        return pd.Series(pd.Categorical(text))
    if kind == "missing":
        return pd.Series([None] * n, dtype=object)
    return pd.Series(text, dtype="str")


@pytest.fixture(scope="module")
def text_signal_configs() -> dict[str, ScoringConfig]:
    """Configs whose only derived signals are e-mail and title ones: scored, not scored, junk-filtered."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = Calibrator().fit(make_leads(3000, seed=1), **FIT_ARGS).config_.to_dict()
    fitted["signals"].pop("account")
    fitted["signals"]["derived"] = ["email.domain_type", "title.role", "title.seniority"]
    fitted["signals"]["inputs"] = ["email", "job_title"]
    fitted["attributes"] = [a for a in fitted["attributes"] if not a["name"].startswith("account.")]
    assert {"email.domain_type", "title.seniority"} <= {a["name"] for a in fitted["attributes"]}
    configs = {"scored": ScoringConfig.from_dict(fitted)}
    shown = dict(fitted, attributes=[a for a in fitted["attributes"] if "." not in a["name"]])
    configs["shown"] = ScoringConfig.from_dict(shown)
    configs["junk"] = ScoringConfig.from_dict(dict(shown, signals=dict(shown["signals"], junk_filter=["disposable"])))
    return configs


@pytest.mark.parametrize("which", ["scored", "shown", "junk"])
@pytest.mark.parametrize("threaded", [False, True])
def test_text_signals_score_as_derive_signals(text_signal_configs, leads, which, threaded, monkeypatch) -> None:
    """Scoring with e-mail and title signals (derived on a thread of their own when no attribute scores
    them) is scoring with derive_signals' frame given, on hostile values too."""
    import calibrate.scoring
    from calibrate.derive import _text_signals_only, derive_signals

    if threaded:
        monkeypatch.setattr(calibrate.scoring, "_THREADED_ROWS", 1)
    config = text_signal_configs[which]
    data = leads.drop(columns=["company_domain"])
    hostile = data.assign(email=_hostile_column("object", len(data), 3).to_numpy(),
                          job_title=_hostile_column("str", len(data), 4).array)
    for frame in (data, hostile, data.head(0)):
        assert _text_signals_only(frame, config.signals)
        placeholders = tuple(config.to_dict()["cleaning"]["placeholders"])
        derived = derive_signals(frame, config.signals, placeholders=placeholders).frame
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnseenLevelWarning)
            assert_frame_equal(score_leads(config, frame), score_leads(config, frame, derived=derived))


@pytest.mark.parametrize("which", ["scored", "shown"])
@pytest.mark.parametrize("threaded", [False, True])
def test_text_signal_errors_come_before_scoring(text_signal_configs, leads, which, threaded, monkeypatch) -> None:
    """derive_signals' errors are raised as scoring starts, also when no attribute scores the signals (which
    are then derived on a scoring thread): before the check of the score column, and never half-way."""
    import calibrate.scoring

    if threaded:
        monkeypatch.setattr(calibrate.scoring, "_THREADED_ROWS", 1)
    config = text_signal_configs[which]
    data = leads.drop(columns=["company_domain"])
    with pytest.raises(DataError, match=re.escape("already has column(s) ['title.role'] that calibrate derives")):
        score_quietly(config, data.assign(score=1, **{"title.role": "x"}))
    with pytest.raises(DataError, match=re.escape("column(s) ['email'] that the derived signals are computed from "
                                                  "appear more than once")):
        score_quietly(config, pd.concat([data, data[["email"]]], axis=1).assign(score=1))
    with pytest.raises(DataError, match="already has a column 'score'"):
        score_quietly(config, data.assign(score=1))


def test_categorical_columns_score_as_their_values(distinct_config, leads):
    # A categorical is encoded by its own codes; its unused categories (a placeholder, a case variant, text
    # never seen) and missing cells must change nothing against the independent reimplementation.
    frame = messy_frame(distinct_config, leads)
    coded = frame.copy()
    for column in coded.columns:
        if coded[column].dtype == object or str(coded[column].dtype) == "str":
            categories = coded[column].astype("category")
            extra = [v for v in ("Select", "SOFTWARE", "never seen") if v not in categories.cat.categories]
            coded[column] = categories.cat.add_categories(extra)
    assert any(str(dtype) == "category" for dtype in coded.dtypes)
    scored = score_quietly(distinct_config, coded)
    np.testing.assert_array_equal(scored["score"].to_numpy(), expected_scores(distinct_config, frame))
    assert scored["score"].tolist() == score_quietly(distinct_config, frame)["score"].tolist()


def test_scoring_with_a_config_loads_no_statistics_libraries(tmp_path):
    # `calibrate score` and scoring jobs need pandas and the config only: scipy, statsmodels and scikit-learn
    # took 1.3 s to import, twice what the rest of a 1M-lead scoring run from the command line took.
    import subprocess
    import sys

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = Calibrator().fit(make_leads(3000, seed=3), target="stage", positive=["Closed Won"],
                                  exclude=["Open"]).config_
    assert config.to_dict().get("grades")  # the grade columns are scored too
    path = tmp_path / "config.yaml"
    config.save(path)
    script = ("import sys, warnings; warnings.simplefilter('ignore')\n"
              "from calibrate import ScoringConfig\nfrom calibrate.datasets import make_leads\n"
              f"scored = ScoringConfig.load({str(path)!r}).score(make_leads(2000, seed=4))\n"
              "assert {'score', 'band', 'grade'} <= set(scored.columns)\n"
              "print(sorted(m for m in ('scipy', 'statsmodels', 'sklearn') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
