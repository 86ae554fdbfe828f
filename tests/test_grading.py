"""Tests of calibrate.grading: threshold rules, rescaling, band styles, fit/engagement groups, grades and SLAs.

Threshold rules and grade edges are checked against brute-force loops written here, counts against pandas,
intervals against statsmodels.
"""

from __future__ import annotations

import doctest
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from calibrate import grading
from calibrate.errors import DataError
from calibrate.grading import (
    DEFAULT_SLA,
    assign_grades,
    assign_groups,
    band_table,
    explain_group,
    grade_edges,
    grade_matrix,
    infer_group,
    make_bands,
    place_threshold,
    rescale_to_threshold,
    sla_table,
)
from calibrate.scoring import assign_bands


# --------------------------------------------------------------------------- #
# brute-force references
# --------------------------------------------------------------------------- #
def integer_thresholds(score: np.ndarray) -> range:
    """Every integer threshold from the lowest score (all leads above) to one past the highest (none)."""
    return range(math.floor(score.min()), math.floor(score.max()) + 2)


def brute_share(score: np.ndarray, share: float) -> int:
    for t in integer_thresholds(score):
        if np.mean(score >= t) <= share:
            return t
    raise AssertionError("unreachable: no lead is above the last threshold")


def brute_target_rate(score: np.ndarray, y: np.ndarray, rate: float, min_leads: int = 30) -> tuple[int, bool]:
    for t in integer_thresholds(score):
        above = score >= t
        if above.sum() >= min_leads and y[above].mean() >= rate:
            return t, True
    supported = [t for t in integer_thresholds(score) if (score >= t).sum() >= min(min_leads, len(score))]
    return max(supported), False


def check_statistics(result: dict, score: np.ndarray, y: np.ndarray) -> None:
    above = score >= result["threshold"]
    n_above, c_above = int(above.sum()), int(y[above].sum())
    assert result["leads"] == len(score) and result["customers"] == int(y.sum())
    assert result["leads_above"] == n_above
    assert result["customers_above"] == c_above
    assert result["share_of_leads_above"] == pytest.approx(n_above / len(score))
    if n_above:
        low, high = proportion_confint(c_above, n_above, method="wilson")
        assert result["close_rate_above"] == pytest.approx(c_above / n_above)
        assert result["ci_low_above"] == pytest.approx(low, abs=1e-12)
        assert result["ci_high_above"] == pytest.approx(high, abs=1e-12)
    else:
        assert math.isnan(result["close_rate_above"]) and math.isnan(result["ci_low_above"])
    if y.sum():
        assert result["share_of_customers_captured"] == pytest.approx(c_above / y.sum())
    if n_above < len(score):
        assert result["close_rate_below"] == pytest.approx(y[~above].mean())
    else:
        assert math.isnan(result["close_rate_below"])


def random_leads(seed: int, n: int = 400, spread: int = 60, fractional: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    score = rng.integers(-spread // 3, spread, size=n).astype(float)
    if fractional:
        score = score + rng.random(n)
    # Higher scores close more often, so target rates are reachable at some thresholds.
    p = 1 / (1 + np.exp(-(score - spread / 2) / (spread / 6)))
    y = (rng.random(n) < p).astype(int)
    return score, y


# --------------------------------------------------------------------------- #
# threshold rules
# --------------------------------------------------------------------------- #
HAND_SCORE = np.array([0, 20, 20, 40, 60, 80, 100, 100])
HAND_Y = np.array([0, 0, 0, 0, 1, 0, 1, 1])


def test_fixed_rule_on_hand_example() -> None:
    r = place_threshold(HAND_SCORE, HAND_Y, rule="fixed", value=60)
    assert (r["threshold"], r["reached"], r["message"]) == (60, True, None)
    assert (r["leads_above"], r["customers_above"]) == (4, 3)
    assert r["close_rate_above"] == 0.75 and r["close_rate_below"] == 0.0
    assert r["share_of_customers_captured"] == 1.0 and r["share_of_leads_above"] == 0.5
    assert isinstance(r["threshold"], int)
    check_statistics(r, HAND_SCORE, HAND_Y)
    assert place_threshold(HAND_SCORE, HAND_Y, rule="fixed", value=100.0)["threshold"] == 100


def test_share_rule_on_hand_example() -> None:
    # 25 % of 8 leads = 2: the two 100s; the smallest integer leaving 80 below is 81.
    assert place_threshold(HAND_SCORE, HAND_Y, rule="share", value=0.25)["threshold"] == 81
    # 30 % allows at most 2.4 leads: still 81 (81..100 keep 2 leads, 61..80 keep 3).
    assert place_threshold(HAND_SCORE, HAND_Y, rule="share", value=0.30)["threshold"] == 81
    assert place_threshold(HAND_SCORE, HAND_Y, rule="share", value=0.375)["threshold"] == 61
    assert place_threshold(HAND_SCORE, HAND_Y, rule="share", value=1.0)["threshold"] == 0  # every lead
    r = place_threshold(HAND_SCORE, HAND_Y, rule="share", value=0.0)
    assert (r["threshold"], r["leads_above"]) == (101, 0)
    assert math.isnan(r["close_rate_above"])


def test_target_rate_on_hand_example() -> None:
    r = place_threshold(HAND_SCORE, HAND_Y, rule="target_rate", value=0.7, min_leads=3)
    assert (r["threshold"], r["leads_above"], r["reached"]) == (41, 4, True)
    # 100 % needs the two 100s only, but then fewer than 3 leads are above.
    r = place_threshold(HAND_SCORE, HAND_Y, rule="target_rate", value=1.0, min_leads=3)
    assert r["reached"] is False and r["threshold"] == 61 and r["leads_above"] == 3
    assert "no threshold reaches" in r["message"] and "100.0%" in r["message"]
    assert place_threshold(HAND_SCORE, HAND_Y, rule="target_rate", value=1.0, min_leads=2)["threshold"] == 81


def test_target_rate_default_needs_30_leads() -> None:
    r = place_threshold(HAND_SCORE, HAND_Y, rule="target_rate", value=0.1)
    # Only 8 leads: never 30 above; the fallback keeps every lead above.
    assert r["reached"] is False and r["threshold"] == 0 and r["leads_above"] == 8


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fractional", [False, True])
def test_rules_match_brute_force(seed: int, fractional: bool) -> None:
    score, y = random_leads(seed, fractional=fractional)
    for share in (0.0, 0.05, 0.1, 0.29, 0.5, 0.8, 1.0):
        r = place_threshold(score, y, rule="share", value=share)
        assert r["threshold"] == brute_share(score, share), share
        assert r["share_of_leads_above"] <= share
        check_statistics(r, score, y)
    for rate in (0.2, 0.4, 0.6, 0.8, 0.95, 1.0):
        r = place_threshold(score, y, rule="target_rate", value=rate)
        assert (r["threshold"], r["reached"]) == brute_target_rate(score, y, rate), rate
        assert (r["message"] is None) == r["reached"]
        if r["reached"]:
            assert r["close_rate_above"] >= rate and r["leads_above"] >= 30
        check_statistics(r, score, y)
    for t in (-100, -3, 0, 17, 59, 1000):
        check_statistics(place_threshold(score, y, rule="fixed", value=t), score, y)


def test_unreachable_target_rate_is_flagged_not_raised() -> None:
    score, _ = random_leads(3)
    y = np.zeros(len(score), dtype=int)
    y[:5] = 1
    r = place_threshold(score, y, rule="target_rate", value=0.5)
    assert r["reached"] is False and isinstance(r["message"], str)
    assert r["leads_above"] >= 30
    # The highest threshold keeping 30 leads above: one more and fewer than 30 are above.
    assert (score >= r["threshold"] + 1).sum() < 30 or r["threshold"] + 1 > score.max()
    assert (r["threshold"], False) == brute_target_rate(score, y, 0.5)


@pytest.mark.parametrize("seed", range(3))
def test_capacity_equals_share(seed: int) -> None:
    score, y = random_leads(seed)
    for capacity, arriving in ((10, 400), (50, 1000), (29, 100), (3, 7), (500, 400)):
        r = place_threshold(score, y, rule="capacity", value=capacity, leads_per_period=arriving)
        s = place_threshold(score, y, rule="share", value=min(capacity / arriving, 1.0))
        assert r["threshold"] == s["threshold"]
        assert r["rule"] == "capacity" and r["leads_per_period"] == arriving
        for key in ("leads_above", "close_rate_above", "share_of_customers_captured"):
            assert r[key] == s[key] or (math.isnan(r[key]) and math.isnan(s[key]))
    # Capacity beyond the arrivals: every lead goes to sales.
    assert place_threshold(score, y, rule="capacity", value=500, leads_per_period=400)["leads_above"] == len(score)


def test_threshold_parameter_errors() -> None:
    with pytest.raises(ValueError, match="leads_per_period"):
        place_threshold(HAND_SCORE, HAND_Y, rule="capacity", value=10)
    with pytest.raises(ValueError, match="leads_per_period.*only used"):
        place_threshold(HAND_SCORE, HAND_Y, rule="share", value=0.1, leads_per_period=100)
    with pytest.raises(ValueError, match="leads_per_period must be positive"):
        place_threshold(HAND_SCORE, HAND_Y, rule="capacity", value=10, leads_per_period=0)
    with pytest.raises(ValueError, match="rule must be one of"):
        place_threshold(HAND_SCORE, HAND_Y, rule="top", value=0.1)
    with pytest.raises(ValueError, match="divide a percentage by 100"):
        place_threshold(HAND_SCORE, HAND_Y, rule="share", value=10)
    with pytest.raises(ValueError, match="close rate"):
        place_threshold(HAND_SCORE, HAND_Y, rule="target_rate", value=30)
    with pytest.raises(ValueError, match="integer score"):
        place_threshold(HAND_SCORE, HAND_Y, rule="fixed", value=99.5)
    with pytest.raises(ValueError, match="value must be a number"):
        place_threshold(HAND_SCORE, HAND_Y, rule="fixed", value="100")
    with pytest.raises(DataError, match="0/1"):
        place_threshold(HAND_SCORE, HAND_Y * 2, rule="fixed", value=50)
    with pytest.raises(DataError, match="8"):
        place_threshold(HAND_SCORE, HAND_Y[:-1], rule="fixed", value=50)
    with pytest.raises(DataError, match="missing or infinite"):
        place_threshold(np.array([1.0, np.nan]), np.array([0, 1]), rule="fixed", value=50)
    with pytest.raises(DataError, match="empty"):
        place_threshold(np.array([]), np.array([]), rule="fixed", value=50)


# --------------------------------------------------------------------------- #
# rescaling
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("rule,value", [("share", 0.1), ("share", 0.6), ("target_rate", 0.5), ("fixed", 5)])
def test_rescale_keeps_the_leads_above(seed: int, rule: str, value: float) -> None:
    rng = np.random.default_rng(seed)
    n = 500
    points = {"a": rng.normal(0, 30, size=6), "b": rng.normal(10, 20, size=4), "c": rng.normal(-5, 15, size=9)}
    codes = {name: rng.integers(0, len(p), size=n) for name, p in points.items()}
    base = int(rng.integers(-20, 20))

    def total(points: dict, base: float) -> np.ndarray:
        return base + sum(p[codes[name]] for name, p in points.items())

    raw = total(points, base)
    y = (rng.random(n) < 1 / (1 + np.exp(-raw / 20))).astype(int)
    result = place_threshold(raw, y, rule=rule, value=value)
    new_points, new_base, factor = rescale_to_threshold(points, base, result["threshold"])
    scaled = total(new_points, new_base)
    assert np.array_equal(scaled >= 100, raw >= result["threshold"])
    assert int((scaled >= 100).sum()) == result["leads_above"]
    if result["threshold"] > 0:
        assert factor == pytest.approx(100 / result["threshold"])
        assert np.allclose(scaled, raw * factor)
    else:
        assert factor == 1.0 and new_base == base + 100 - result["threshold"]
    assert set(new_points) == set(points) and all(v.dtype == float for v in new_points.values())


def test_rescale_does_not_modify_inputs_and_handles_targets() -> None:
    points = {"demo": np.array([0, 40]), "visits": np.array([5, 10])}
    new_points, base, factor = rescale_to_threshold(points, 10, 50, target=1000)
    assert factor == 20.0 and base == 200.0
    assert new_points["demo"].tolist() == [0.0, 800.0]
    assert points["demo"].tolist() == [0, 40]
    # A non-positive raw threshold is reached by shifting the base.
    new_points, base, factor = rescale_to_threshold(points, 0, -30)
    assert factor == 1.0 and base == 130.0 and new_points["visits"].tolist() == [5.0, 10.0]
    with pytest.raises(ValueError, match="target"):
        rescale_to_threshold(points, 0, 50, target=0)
    with pytest.raises(ValueError, match="threshold_raw"):
        rescale_to_threshold(points, 0, float("nan"))


# --------------------------------------------------------------------------- #
# bands
# --------------------------------------------------------------------------- #
STYLE_STARTS = {  # band name -> fraction of the threshold where it starts
    "heat": [("cold", None), ("warm", Fraction(2, 5)), ("hot", Fraction(1))],
    "letters": [("F", None), ("E", Fraction(1, 5)), ("D", Fraction(2, 5)), ("C", Fraction(3, 5)),
                ("B", Fraction(4, 5)), ("A", Fraction(1))],
    "rag": [("red", None), ("amber", Fraction(1, 2)), ("green", Fraction(1))],
    "yes_no": [("no", None), ("yes", Fraction(1))],
}


def test_default_styles_at_100() -> None:
    assert make_bands("heat", 100) == [{"name": "cold", "max": 40}, {"name": "warm", "max": 100}, {"name": "hot"}]
    assert make_bands("letters", 100) == [{"name": "F", "max": 20}, {"name": "E", "max": 40}, {"name": "D", "max": 60},
                                          {"name": "C", "max": 80}, {"name": "B", "max": 100}, {"name": "A"}]
    assert make_bands("rag", 100) == [{"name": "red", "max": 50}, {"name": "amber", "max": 100}, {"name": "green"}]
    assert make_bands("yes_no", 100) == [{"name": "no", "max": 100}, {"name": "yes"}]


MIN_THRESHOLD = {"heat": 2, "letters": 5, "rag": 2, "yes_no": 1}


@pytest.mark.parametrize("style,threshold", [(style, t) for style in STYLE_STARTS for t in (100, 75, 37, 12, 5, 2, 1)
                                             if t >= MIN_THRESHOLD[style]])
def test_band_styles(style: str, threshold: int) -> None:
    bands = make_bands(style, threshold)
    assert [b["name"] for b in bands] == [name for name, _ in STYLE_STARTS[style]]
    maxima = [b["max"] for b in bands[:-1]]
    assert "max" not in bands[-1]
    assert all(isinstance(m, int) for m in maxima)
    assert maxima == sorted(set(maxima)), "maxima must strictly increase"
    assert maxima[-1] == threshold, "the top band starts at the threshold"
    scores = np.arange(-10, 3 * threshold)
    names = assign_bands(scores, bands)
    assert names[scores == threshold][0] == bands[-1]["name"]
    assert names[scores == threshold - 1][0] == bands[-2]["name"]
    # Every integer score is in the band its definition says (fractions exact, no float round-off).
    starts = STYLE_STARTS[style]
    expected = [[name for name, f in starts if f is None or s >= f * threshold][-1] for s in scores]
    assert names.tolist() == expected
    # Every band holds at least one integer score.
    assert set(names) == {b["name"] for b in bands}


def test_band_style_errors() -> None:
    with pytest.raises(ValueError, match="style must be one of"):
        make_bands("traffic", 100)
    with pytest.raises(ValueError, match="at least 5"):
        make_bands("letters", 4)
    for style, smallest in MIN_THRESHOLD.items():
        if style != "yes_no":
            with pytest.raises(ValueError, match=f"at least {smallest}"):
                make_bands(style, smallest - 1)
    with pytest.raises(ValueError, match="too small"):
        make_bands("rag", -10)
    with pytest.raises(ValueError, match="integer"):
        make_bands("heat", 99.5)
    assert make_bands("yes_no", 0) == [{"name": "no", "max": 0}, {"name": "yes"}]


def test_band_table_matches_pandas() -> None:
    score, y = random_leads(11, n=600, spread=150)
    bands = make_bands("letters", 100)
    table = band_table(y, score, bands)
    names = assign_bands(score, bands)
    grouped = pd.DataFrame({"band": names, "y": y}).groupby("band")["y"].agg(["size", "sum"])
    grouped = grouped.reindex([b["name"] for b in bands], fill_value=0)
    assert table["band"].tolist() == ["F", "E", "D", "C", "B", "A"]
    assert table["leads"].tolist() == grouped["size"].tolist()
    assert table["customers"].tolist() == grouped["sum"].tolist()
    assert table["share_of_leads"].sum() == pytest.approx(1.0)
    assert table["score_min"].tolist()[1:] == [20, 40, 60, 80, 100] and pd.isna(table["score_min"].iloc[0])
    assert table["score_max"].tolist()[:-1] == [20, 40, 60, 80, 100] and pd.isna(table["score_max"].iloc[-1])
    ok = table["leads"] > 0
    low, high = proportion_confint(table.loc[ok, "customers"], table.loc[ok, "leads"], method="wilson")
    assert np.allclose(table.loc[ok, "ci_low"], low, atol=1e-12)
    assert np.allclose(table.loc[ok, "ci_high"], high, atol=1e-12)
    assert np.allclose(table.loc[ok, "close_rate"], table.loc[ok, "customers"] / table.loc[ok, "leads"])


def test_band_table_empty_band_and_bad_bands() -> None:
    table = band_table(np.array([0, 1]), np.array([120, 130]), make_bands("heat", 100))
    assert table["leads"].tolist() == [0, 0, 2]
    assert table["close_rate"].isna().tolist() == [True, True, False]
    with pytest.raises(ValueError, match="last must have none"):
        band_table(np.array([0]), np.array([1]), [{"name": "a", "max": 5}, {"name": "b", "max": 9}])
    with pytest.raises(ValueError, match="must increase"):
        band_table(np.array([0]), np.array([1]), [{"name": "a", "max": 50}, {"name": "b", "max": 40}, {"name": "c"}])


# --------------------------------------------------------------------------- #
# fit vs engagement
# --------------------------------------------------------------------------- #
SAMPLE_GROUPS = {
    "lead_id": "fit",  # no keyword: the default
    "created_date": "fit",  # no keyword: the default
    "email": "fit",  # no keyword: the default
    "company_domain": "fit",
    "job_title": "fit",
    "industry": "fit",
    "country": "fit",
    "employees": "fit",
    "lead_source": "engagement",
    "pricing_page_visits": "engagement",
    "requested_demo": "engagement",
    "email_opens": "engagement",
    "email_clicks": "engagement",
    "webinar_attended": "engagement",
    "careers_page_visits": "engagement",
    "unsubscribed": "engagement",
    "days_since_last_activity": "engagement",
}

X_EDUCATION_GROUPS = {
    "Lead Origin": "engagement",
    "Lead Source": "engagement",
    "Do Not Email": "engagement",
    "Do Not Call": "engagement",
    "TotalVisits": "engagement",
    "Total Time Spent on Website": "engagement",
    "Page Views Per Visit": "engagement",
    "Last Activity": "engagement",
    "Country": "fit",
    "Specialization": "fit",
    "How did you hear about X Education": "engagement",
    "What is your current occupation": "fit",
    "What matters most to you in choosing a course": "fit",
    "Search": "engagement",
    "Newspaper Article": "engagement",
    "X Education Forums": "engagement",
    "Newspaper": "engagement",
    "Digital Advertisement": "engagement",
    "Through Recommendations": "engagement",
    "Tags": "engagement",
    "Lead Quality": "fit",
    "Lead Profile": "fit",
    "City": "fit",
    "Asymmetrique Activity Index": "engagement",
    "Asymmetrique Profile Index": "fit",
    "Asymmetrique Activity Score": "engagement",
    "Asymmetrique Profile Score": "fit",
    "A free copy of Mastering The Interview": "engagement",
    "Last Notable Activity": "engagement",
}


@pytest.mark.parametrize("expected", [SAMPLE_GROUPS, X_EDUCATION_GROUPS], ids=["sample", "x_education"])
def test_infer_group_on_known_columns(expected: dict[str, str]) -> None:
    assert {name: infer_group(name) for name in expected} == expected
    assert assign_groups(expected) == expected


def test_sample_csv_columns_are_covered() -> None:
    from calibrate.datasets import SAMPLE_PATH

    columns = pd.read_csv(SAMPLE_PATH, nrows=0).columns.tolist()
    assert set(columns) - {"stage"} == set(SAMPLE_GROUPS)


def test_explain_group_reports_defaults_and_keywords() -> None:
    defaulted = [name for name in {**SAMPLE_GROUPS, **X_EDUCATION_GROUPS} if explain_group(name)[1].startswith("default")]
    assert sorted(defaulted) == ["created_date", "email", "lead_id"]
    assert explain_group("pricing_page_visits") == ("engagement", "keyword 'visit'")
    assert explain_group("Asymmetrique Profile Score") == ("fit", "keyword 'profile'")


def test_infer_group_word_boundaries_and_forms() -> None:
    assert infer_group("EmployeeCount") == "fit"
    assert infer_group("numberOfDownloads") == "engagement"  # camelCase, plural
    assert infer_group("HTMLPageViews") == "engagement"  # acronym before a camelCase word
    assert infer_group("industries") == "fit"  # -ies plural
    assert infer_group("company page visits") == "engagement"  # behaviour wins over the noun
    assert infer_group("lead-origin") == "engagement"
    # Keywords match whole words only: "percentage" is not "age", "loaded" is not "ad", "openness" is not "open".
    for name in ("percentage", "loaded_flag", "openness", "shadow_id"):
        assert explain_group(name) == ("fit", "default: no keyword matched"), name
    assert infer_group("") == "fit"


def test_assign_groups_overrides_and_errors() -> None:
    names = list(SAMPLE_GROUPS)
    groups = assign_groups(names, {"lead_source": "Fit", "email": "engagement"})
    assert list(groups) == names
    assert groups["lead_source"] == "fit" and groups["email"] == "engagement" and groups["industry"] == "fit"
    assert assign_groups(names, None) == SAMPLE_GROUPS
    with pytest.raises(ValueError, match="'stage'.*not among the columns"):
        assign_groups(names, {"stage": "fit"})
    with pytest.raises(ValueError, match="'industry' must be 'fit' or 'engagement'"):
        assign_groups(names, {"industry": "firmographic"})
    with pytest.raises(ValueError, match="must be 'fit' or 'engagement'"):
        assign_groups(names, {"industry": None})


# --------------------------------------------------------------------------- #
# grades
# --------------------------------------------------------------------------- #
def brute_edges(scores: np.ndarray, n_grades: int) -> list[float]:
    distinct = sorted(set(scores.tolist()))
    edges = []
    for k in range(1, n_grades):
        target = k * len(scores) / n_grades
        best = min(distinct[1:], key=lambda v: (abs((scores < v).sum() - target), v))
        if best not in edges:
            edges.append(best)
    return edges


def test_grade_edges_balanced_on_continuous_scores() -> None:
    scores = np.random.default_rng(5).normal(50, 20, size=1000)
    edges = grade_edges(scores)
    assert len(edges) == 3 and edges == sorted(edges)
    grades = assign_grades(scores, edges, ["A", "B", "C", "D"])
    counts = pd.Series(grades).value_counts()
    assert counts.to_dict() == {"A": 250, "B": 250, "C": 250, "D": 250}
    # A holds the highest scores, D the lowest.
    assert scores[grades == "A"].min() > scores[grades == "B"].max()
    assert scores[grades == "C"].min() > scores[grades == "D"].max()
    assert set(assign_grades(scores, grade_edges(scores, 5), list("12345"))) == set("12345")


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_grades", [2, 3, 4, 6])
def test_grade_edges_match_brute_force_on_tied_integer_scores(seed: int, n_grades: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.choice([0, 5, 10, 20, 40, 75], p=[0.4, 0.2, 0.15, 0.1, 0.1, 0.05], size=300)
    edges = grade_edges(scores, n_grades)
    assert edges == brute_edges(scores, n_grades)
    assert all(float(e).is_integer() for e in edges) and len(set(edges)) == len(edges)
    grades = assign_grades(scores, edges, [str(i) for i in range(1, n_grades + 1)])
    assert len(set(grades)) == len(edges) + 1  # every grade used holds leads


def test_few_distinct_values_give_fewer_grades() -> None:
    assert grade_edges(np.array([0, 0, 0, 5, 5, 5, 5, 5])) == [5.0]
    assert grade_edges(np.array([0, 0, 10, 10, 20, 20, 30, 30, 30])) == [10.0, 20.0, 30.0]
    assert grade_edges(np.array([0, 10, 20])) == [10.0, 20.0]
    assert grade_edges(np.full(50, 7)) == []
    assert grade_edges(np.arange(10), n_grades=1) == []
    grades = assign_grades(np.array([0, 0, 5, 5]), [5.0], ["A", "B", "C", "D"])
    assert grades.tolist() == ["B", "B", "A", "A"]
    assert assign_grades(np.full(3, 7), [], ["1", "2", "3", "4"]).tolist() == ["1", "1", "1"]
    with pytest.raises(ValueError, match="n_grades"):
        grade_edges(np.arange(10), n_grades=0)
    with pytest.raises(DataError):
        grade_edges(np.array([1.0, np.nan]))


def test_assign_grades_left_closed_and_errors() -> None:
    grades = assign_grades(np.array([-5, 10, 19.9, 20, 35, 1e9]), [10, 20, 30], ["1", "2", "3", "4"])
    assert grades.tolist() == ["4", "3", "3", "2", "1", "1"]
    assert assign_grades(np.array([], dtype=float), [10], ["A", "B"]).tolist() == []
    with pytest.raises(ValueError, match="strictly increasing"):
        assign_grades(np.array([1]), [10, 10], ["A", "B", "C"])
    with pytest.raises(ValueError, match="labels"):
        assign_grades(np.array([1]), [10, 20, 30, 40], ["A", "B", "C", "D"])
    with pytest.raises(ValueError, match="distinct"):
        assign_grades(np.array([1]), [10], ["A", "A"])


def test_grade_matrix_matches_crosstab_and_wilson() -> None:
    rng = np.random.default_rng(8)
    n = 2000
    fit = rng.choice(list("ABCD"), size=n)
    engagement = rng.choice(list("1234"), size=n)
    keep = ~((fit == "D") & (engagement == "1")) & ~((fit == "A") & (engagement == "4"))  # two empty cells
    fit, engagement = fit[keep], engagement[keep]
    y = (rng.random(len(fit)) < np.where(fit == "A", 0.3, 0.05)).astype(int)
    matrix = grade_matrix(y, fit, engagement)
    assert len(matrix) == 16
    assert matrix["cell"].tolist() == [f + e for f in "ABCD" for e in "1234"]
    assert list(matrix.columns) == ["fit_grade", "engagement_grade", "cell", "leads", "customers", "close_rate",
                                    "ci_low", "ci_high"]
    leads = pd.crosstab(fit, engagement).reindex(index=list("ABCD"), columns=list("1234"), fill_value=0)
    customers = pd.crosstab(fit, engagement, values=y, aggfunc="sum").reindex(
        index=list("ABCD"), columns=list("1234")).fillna(0)
    assert matrix["leads"].tolist() == leads.to_numpy().ravel().tolist()
    assert matrix["customers"].tolist() == customers.to_numpy().ravel().astype(int).tolist()
    assert matrix["leads"].sum() == len(y) and matrix["customers"].sum() == y.sum()
    empty = matrix["cell"].isin(["D1", "A4"])
    assert (matrix.loc[empty, "leads"] == 0).all()
    assert matrix.loc[empty, ["close_rate", "ci_low", "ci_high"]].isna().all().all()
    full = matrix[~empty]
    low, high = proportion_confint(full["customers"], full["leads"], method="wilson")
    assert np.allclose(full["ci_low"], low, atol=1e-12) and np.allclose(full["ci_high"], high, atol=1e-12)
    assert np.allclose(full["close_rate"], full["customers"] / full["leads"])


def test_grade_matrix_from_scores_end_to_end_and_errors() -> None:
    rng = np.random.default_rng(1)
    fit_score, engagement_score = rng.integers(0, 80, 500), rng.integers(0, 60, 500)
    y = rng.integers(0, 2, 500)
    fit = assign_grades(fit_score, grade_edges(fit_score), grading.FIT_LABELS)
    engagement = assign_grades(engagement_score, grade_edges(engagement_score), grading.ENGAGEMENT_LABELS)
    matrix = grade_matrix(y, fit, engagement)
    assert matrix["leads"].sum() == 500
    with pytest.raises(DataError, match="not among the labels"):
        grade_matrix(np.array([0, 1]), np.array(["A", None], dtype=object), np.array(["1", "2"]))
    with pytest.raises(DataError, match=r"\['E'\]"):
        grade_matrix(np.array([0, 1]), np.array(["A", "E"]), np.array(["1", "2"]))
    with pytest.raises(DataError, match="engagement_grade has 1"):
        grade_matrix(np.array([0, 1]), np.array(["A", "B"]), np.array(["1"]))
    with pytest.raises(DataError, match="0/1"):
        grade_matrix(np.array([0, 3]), np.array(["A", "B"]), np.array(["1", "2"]))
    custom = grade_matrix(np.array([1]), np.array(["hi"]), np.array(["x"]), ("hi", "lo"), ("x", "y", "z"))
    assert custom["cell"].tolist() == ["hix", "hiy", "hiz", "lox", "loy", "loz"]


# --------------------------------------------------------------------------- #
# SLA
# --------------------------------------------------------------------------- #
def test_default_sla() -> None:
    assert len(DEFAULT_SLA) == 16
    assert {c for c, s in DEFAULT_SLA.items() if s == "24h"} == {"A1", "B1"}
    assert {c for c, s in DEFAULT_SLA.items() if s == "48h"} == {"A2", "A3", "B2", "B3"}
    assert sum(s == "nurture" for s in DEFAULT_SLA.values()) == 10
    assert sla_table() == DEFAULT_SLA and sla_table() is not DEFAULT_SLA


def test_sla_overrides_and_errors() -> None:
    table = sla_table({"C1": " 72h ", "A1": "4h"})
    assert table["C1"] == "72h" and table["A1"] == "4h" and table["B1"] == "24h" and len(table) == 16
    assert DEFAULT_SLA["A1"] == "24h"  # the default is not modified
    with pytest.raises(ValueError, match="'E1'"):
        sla_table({"E1": "24h"})
    with pytest.raises(ValueError, match="'a1'"):
        sla_table({"a1": "24h"})
    with pytest.raises(ValueError, match="non-empty string"):
        sla_table({"A1": "  "})
    with pytest.raises(ValueError, match="non-empty string"):
        sla_table({"A1": 24})


# --------------------------------------------------------------------------- #
# module conventions
# --------------------------------------------------------------------------- #
def test_docstring_examples_run() -> None:
    result = doctest.testmod(grading, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 20
    assert result.failed == 0


def test_public_api_is_documented() -> None:
    for name in grading.__all__:
        obj = getattr(grading, name)
        if callable(obj):
            assert obj.__doc__ and "Examples" in obj.__doc__, name


@pytest.mark.parametrize("dtype", [object, "str", "string"])
def test_split_grades_equals_the_per_lead_string_split(dtype):
    # Reference: pandas' own per-element .str[0] / .str[1:], what the split replaced.
    grades = pd.Series(["A1", "D4", "B12", "A1", None, "C3"], dtype=dtype)
    fit, engagement = grading.split_grades(grades)
    reference = grades.astype(object)
    assert fit.tolist() == [None if pd.isna(g) else g for g in reference.str[0]]
    assert engagement.tolist() == [None if pd.isna(g) else g for g in reference.str[1:]]
    with pytest.raises(DataError, match="not among the labels"):
        grading.grade_matrix(np.zeros(len(grades), dtype=int), fit, engagement)
    kept = grades.notna().to_numpy() & (grades != "B12").fillna(False).to_numpy()
    matrix = grading.grade_matrix(np.array([1, 0, 0, 1, 0, 1])[kept], fit[kept], engagement[kept])
    assert matrix.set_index("cell").loc[["A1", "D4", "C3"], "leads"].tolist() == [2, 1, 1]
    assert matrix.set_index("cell").loc["A1", "customers"] == 2


def test_the_matrix_of_grade_codes_equals_the_matrix_of_their_labels() -> None:
    # Reference: grade_matrix of the labels assign_grades gives; the fit builds it from positions instead.
    from calibrate.grading import ENGAGEMENT_LABELS, FIT_LABELS, grade_codes, grade_matrix_of_codes

    rng = np.random.default_rng(6)
    fit_scores, engagement_scores = rng.integers(-50, 80, 2000), rng.integers(-30, 60, 2000)
    y = (rng.random(2000) < 0.2).astype(int)
    fit_edges, engagement_edges = grade_edges(fit_scores, 4), grade_edges(engagement_scores, 4)
    fit = grade_codes(fit_scores, fit_edges, FIT_LABELS)
    engagement = grade_codes(engagement_scores, engagement_edges, ENGAGEMENT_LABELS)
    assert np.asarray(FIT_LABELS, dtype=object)[fit].tolist() == \
        assign_grades(fit_scores, fit_edges, FIT_LABELS).tolist()
    expected = grade_matrix(y, assign_grades(fit_scores, fit_edges, FIT_LABELS),
                            assign_grades(engagement_scores, engagement_edges, ENGAGEMENT_LABELS))
    pd.testing.assert_frame_equal(grade_matrix_of_codes(y, fit, engagement), expected)
    with pytest.raises(DataError, match="positions"):
        grade_matrix_of_codes(y, fit + 4, engagement)
