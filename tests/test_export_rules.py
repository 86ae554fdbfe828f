"""Tests of calibrate.export.rules: the CRM rule sheet and the rules JSON score leads as the config does.

The key tests re-implement a scorer in plain pandas from the written CSV (or
JSON) alone, the way a CRM admin would apply the sheet, and compare it with
:meth:`ScoringConfig.score` on leads the config was not fitted on.
"""

from __future__ import annotations

import csv
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator, ScoringConfig, make_leads
from calibrate.export.rules import (
    CSV_COLUMNS,
    RULE_COLUMNS,
    SCALE_COLUMNS,
    config_json,
    rules_table,
    scale_table,
    write_json,
    write_rules_csv,
)
from calibrate.grading import assign_grades

FIT = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def raw_config() -> ScoringConfig:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(holdout=None, signals=False).fit(make_leads(4000, seed=3), **FIT).config_


@pytest.fixture(scope="module")
def signal_config() -> ScoringConfig:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(holdout=None).fit(make_leads(4000, seed=3), **FIT).config_


@pytest.fixture(scope="module")
def new_leads() -> pd.DataFrame:
    return make_leads(1500, seed=8)


def _score(config: ScoringConfig, leads: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return config.score(leads)


# --------------------------------------------------------------------------- an independent scorer
def _key(values: pd.Series) -> pd.Series:
    """Text as the sheet says it is compared: NFKC, trimmed, spaces collapsed, case-insensitive."""
    text = values.astype("string")
    return text.str.normalize("NFKC").str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


def _unneutralize(column: pd.Series) -> pd.Series:
    return column.str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)


def _read_sheet(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet = sheet.apply(_unneutralize)
    rules, scale = sheet[sheet["section"] == "rule"], sheet[sheet["section"] == "scale"]
    return rules.reset_index(drop=True), scale.reset_index(drop=True)


def _optional_number(text: str) -> float | None:
    return float(text) if text != "" else None


def _sheet_rules(rules: pd.DataFrame) -> tuple[list[dict], int]:
    """The rule sheet's rows as rule dicts, and the base points."""
    base = rules.loc[rules["condition"] == "starts at", "points"]
    out = []
    for _, row in rules[rules["condition"] != "starts at"].iterrows():  # rules, not leads
        condition = row["condition"]
        rule = {"property": row["property"], "group": row["group"], "points": int(row["points"]), "values": [],
                "min": _optional_number(row["value_from"]), "max": _optional_number(row["value_to"])}
        if condition == "is any of":
            rule["test"] = "in"
            rule["values"] = [row["value"]]  # one value a row, pooled "(other)" values included
        elif condition == "is unknown":
            rule["test"] = "unknown"
            rule["values"] = ["" if v == "(empty)" else v for v in row["value"].split("; ")]
        elif condition == "is none of the known values":
            rule["test"] = "else"
        elif condition == "is not a number":
            rule["test"] = "not_number"
        elif condition in ("is less than", "is at least", "is between", "is any number"):
            rule["test"] = "range"
        else:
            raise AssertionError(f"unknown condition {condition!r}")
        out.append(rule)
    return out, int(base.iloc[0]) if len(base) else 0


def _json_rules(document: dict) -> tuple[list[dict], int]:
    out = []
    placeholders = document["placeholders"]
    for rule in document["rules"]:
        test = {"value": "in", "other": "in", "missing": "unknown", "range": "range",
                "unseen": "not_number" if rule["type"] == "numeric" else "else"}[rule["kind"]]
        values = placeholders if rule["kind"] == "missing" else rule["values"]
        out.append({**rule, "test": test, "values": values})
    return out, document["base_points"]


def _apply(rules: list[dict], base: int, cap: float | None, leads: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """Total score and per-group sums of leads under ``rules``: vectorised per rule."""
    n = len(leads)
    total = np.full(n, base, dtype=np.int64)
    groups = {"fit": np.zeros(n, dtype=np.int64), "engagement": np.zeros(n, dtype=np.int64)}
    for prop in dict.fromkeys(r["property"] for r in rules):
        own = [r for r in rules if r["property"] == prop]
        key = _key(leads[prop])
        unknown_texts = next((r["values"] for r in own if r["test"] == "unknown"), [])
        missing = (key.isna() | key.isin(_key(pd.Series(unknown_texts, dtype=object)).tolist())).to_numpy(bool)
        numbers = pd.to_numeric(key.where(~missing), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        known = np.zeros(n, dtype=bool)
        for rule in own:
            if rule["test"] == "in":
                hit = ~missing & key.isin(_key(pd.Series(rule["values"], dtype=object)).tolist()).to_numpy(bool)
                known |= hit
            elif rule["test"] == "unknown":
                hit = missing
            elif rule["test"] == "range":
                hit = ~missing & ~np.isnan(numbers)
                if rule["min"] is not None:
                    hit &= numbers >= rule["min"]
                if rule["max"] is not None:
                    hit &= numbers < rule["max"]
            elif rule["test"] == "not_number":
                hit = ~missing & np.isnan(numbers)
            else:
                hit = ~missing & ~known
            total += np.where(hit, rule["points"], 0)
            groups[rule["group"]] += np.where(hit, rule["points"], 0)
    if cap is not None:
        total = np.clip(total, -cap, cap)
    return total, groups


def _label(scores: np.ndarray, ranges: pd.DataFrame) -> np.ndarray:
    """Label of the [min_score, max_score) range each score falls in."""
    out = np.full(len(scores), None, dtype=object)
    for _, row in ranges.iterrows():
        low, high = _optional_number(row["min_score"]), _optional_number(row["max_score"])
        hit = np.ones(len(scores), dtype=bool)
        if low is not None:
            hit &= scores >= low
        if high is not None:
            hit &= scores < high
        assert not (hit & pd.notna(out)).any(), "scale ranges overlap"
        out[hit] = row["label"]
    return out


def _sheet_scores(path, leads: pd.DataFrame) -> tuple[np.ndarray, dict, pd.DataFrame]:
    rules, scale = _read_sheet(path)
    parsed, base = _sheet_rules(rules)
    cap_rows = scale[scale["item"] == "cap"]
    cap = float(cap_rows["max_score"].iloc[0]) if len(cap_rows) else None
    total, groups = _apply(parsed, base, cap, leads)
    return total, groups, scale


def _messy(leads: pd.DataFrame) -> pd.DataFrame:
    """New leads with spellings, placeholders, unseen values and text in numeric columns."""
    leads = leads.astype({c: object for c in leads.columns})
    leads.loc[0:9, "industry"] = ["  SOFTWARE ", "retail", "Select", "Aerospace", None, "ＳＯＦＴＷＡＲＥ", "n/a",
                                  "Software\t", "MINING", "-"]
    leads.loc[0:5, "employees"] = ["lots", "n/a", " 300 ", "249.5", None, "820"]
    leads.loc[0:3, "pricing_page_visits"] = ["2", " 3 ", "Unknown", "many"]
    return leads


# --------------------------------------------------------------------------- the key tests
def test_rule_sheet_scores_leads_exactly_as_the_config(raw_config, new_leads, tmp_path):
    path = write_rules_csv(raw_config, tmp_path / "rules.csv")
    expected = _score(raw_config, new_leads)
    total, groups, scale = _sheet_scores(path, new_leads)
    np.testing.assert_array_equal(total, expected["score"].to_numpy())
    assert (total != 0).any() and len(np.unique(total)) > 20
    # The bands and grades of the sheet's scale rows label leads as the config does.
    np.testing.assert_array_equal(_label(total, scale[scale["item"] == "band"]), expected["band"].to_numpy())
    grades = (pd.Series(_label(groups["fit"], scale[scale["item"] == "fit grade"]))
              + pd.Series(_label(groups["engagement"], scale[scale["item"] == "engagement grade"])))
    np.testing.assert_array_equal(grades.to_numpy(), expected["grade"].to_numpy())


def test_rule_sheet_handles_spellings_placeholders_and_unseen_values(raw_config, new_leads, tmp_path):
    document = raw_config.to_dict()
    document["scale"].update(base_points=5, total_cap=150)
    for attribute in document["attributes"]:
        if attribute["name"] == "industry":
            attribute["unseen"]["points"] = 7
            attribute["missing"]["points"] = -3
        if attribute["name"] == "employees":
            attribute["unseen"]["points"] = -9
    config = ScoringConfig(document)
    leads = _messy(new_leads)
    path = write_rules_csv(config, tmp_path / "rules.csv")
    expected = _score(config, leads)["score"].to_numpy()
    total, _, scale = _sheet_scores(path, leads)
    np.testing.assert_array_equal(total, expected)
    assert total.max() == 150 or (expected < 150).all()
    rules, _ = _read_sheet(path)
    # An attribute whose "anything else" rule has points lists every known value, zero-point ones included.
    industry = rules[rules["property"] == "industry"]
    levels = [level["value"] for a in document["attributes"] if a["name"] == "industry" for level in a["levels"]]
    assert industry.loc[industry["kind"] == "value", "value"].tolist() == levels
    assert industry["condition"].tolist()[-2:] == ["is unknown", "is none of the known values"]
    assert "select" in industry.loc[industry["condition"] == "is unknown", "value"].iloc[0].split("; ")
    assert rules.loc[0, ["property", "condition", "points"]].tolist() == ["(every lead)", "starts at", "5"]
    assert scale[scale["item"] == "cap"][["min_score", "max_score"]].values.tolist() == [["-150", "150"]]
    employees = rules[rules["property"] == "employees"]
    assert employees["condition"].iloc[-1] == "is not a number"


def test_json_rules_score_leads_exactly_as_the_config(raw_config, new_leads, tmp_path):
    document = raw_config.to_dict()
    document["scale"].update(base_points=-4, total_cap=120)
    for attribute in document["attributes"]:
        if attribute["name"] in ("industry", "employees"):
            attribute["unseen"]["points"] = 6
    config = ScoringConfig(document)
    leads = _messy(new_leads)
    data = json.loads(write_json(config, tmp_path / "rules.json").read_text("utf-8"))
    rules, base = _json_rules(data)
    total, groups = _apply(rules, base, data["total_cap"], leads)
    expected = _score(config, leads)
    np.testing.assert_array_equal(total, expected["score"].to_numpy())
    labels = {}
    for group in ("fit", "engagement"):
        np.testing.assert_array_equal(groups[group], expected[f"{group}_score"].to_numpy())
        frame = pd.DataFrame([{"label": r["label"], "min_score": "" if r["min"] is None else str(r["min"]),
                               "max_score": "" if r["max"] is None else str(r["max"])}
                              for r in data["grades"][group]])
        labels[group] = pd.Series(_label(groups[group], frame))
    np.testing.assert_array_equal((labels["fit"] + labels["engagement"]).to_numpy(), expected["grade"].to_numpy())


def test_derived_properties_say_what_they_are_computed_from(signal_config, new_leads, tmp_path):
    table = rules_table(signal_config)
    derived = set(signal_config.signals.outputs)
    assert derived & set(table["property"])
    is_derived = table["property"].isin(derived)
    assert table.loc[is_derived, "computed_from"].str.len().gt(0).all()
    assert (table.loc[~is_derived, "computed_from"] == "").all()
    email = table.loc[table["property"] == "email.domain_type", "computed_from"].iloc[0]
    assert "e-mail domain" in email and "email" in email
    # With the derived columns computed (as `calibrate score` writes them), the sheet scores as the config.
    scored = _score(signal_config, new_leads)
    path = write_rules_csv(signal_config, tmp_path / "rules.csv")
    total, _, _ = _sheet_scores(path, scored)
    np.testing.assert_array_equal(total, scored["score"].to_numpy())
    data = json.loads(config_json(signal_config))
    assert data["derived"]["derived"] == list(signal_config.signals.outputs)
    assert data["inputs"] == signal_config.input_columns


# --------------------------------------------------------------------------- table shapes
def test_rules_table_columns_order_and_zero_rules(raw_config):
    table = rules_table(raw_config)
    assert tuple(table.columns) == RULE_COLUMNS
    assert (table["points"] != 0).all() and table["points"].dtype == np.int64
    order = [raw_config.attributes.index(p) for p in table["property"]]
    assert order == sorted(order)
    assert set(table["group"]) <= {"fit", "engagement"}
    full = rules_table(raw_config, include_zero=True)
    pooled = {a["name"]: a["other"]["values"] for a in raw_config.to_dict()["attributes"] if "other" in a}
    assert pooled and any(len(values) > 1 for values in pooled.values())
    assert len(full) == len(raw_config.points_table()) + 1 + sum(len(v) - 1 for v in pooled.values())
    assert full.loc[0, ["property", "condition", "points"]].tolist() == ["(every lead)", "starts at", 0]
    # One row per pooled value, each with the pool's label, points and evidence.
    for name, values in pooled.items():
        rows = full[(full["property"] == name) & (full["kind"] == "other")]
        assert rows["value"].tolist() == values and set(rows["label"]) == {"(other)"}
        assert rows["points"].nunique() == 1 and rows["leads"].nunique() == 1
    merged = full.iloc[1:].drop_duplicates(["property", "kind", "label"]).reset_index(drop=True)
    points = raw_config.points_table()
    assert merged["points"].tolist() == points["points"].tolist()
    assert merged["property"].tolist() == points["attribute"].tolist()
    numeric = merged[merged["kind"] == "range"]
    between = numeric[numeric["condition"] == "is between"].iloc[0]
    assert between["value"] == f"{between['value_from']} to {between['value_to']}"
    assert isinstance(between["value_from"], int)


def test_scale_rows_match_bands_threshold_and_grades(raw_config):
    scale = scale_table(raw_config)
    assert tuple(scale.columns) == SCALE_COLUMNS
    assert scale.iloc[0].to_dict() == {"item": "threshold", "label": "sales-ready",
                                       "min_score": raw_config.threshold, "max_score": None}
    bands = scale[scale["item"] == "band"]
    assert bands["label"].tolist() == [b["name"] for b in raw_config.bands]
    assert bands["max_score"].tolist() == [b.get("max") for b in raw_config.bands]
    assert bands["min_score"].tolist() == [None] + [b["max"] for b in raw_config.bands[:-1]]
    grades = raw_config.to_dict()["grades"]
    scores = np.arange(-200, 201)
    for group in ("fit", "engagement"):
        rows = scale[scale["item"] == f"{group} grade"]
        frame = rows.map(lambda v: "" if v is None else str(v))
        expected = assign_grades(scores, grades[group]["edges"], grades[group]["labels"])
        np.testing.assert_array_equal(_label(scores, frame), expected)
    assert "cap" not in set(scale["item"])


def test_csv_has_sections_and_negative_points_stay_numbers(raw_config, tmp_path):
    path = write_rules_csv(raw_config, tmp_path / "rules.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        cells = list(csv.reader(handle))
    assert tuple(cells[0]) == CSV_COLUMNS
    points = [row[CSV_COLUMNS.index("points")] for row in cells[1:] if row[0] == "rule"]
    negative = [p for p in points if p.startswith(("-", "'"))]
    assert negative and all(p.startswith("-") and p[1:].isdigit() for p in negative)
    assert "-25" in points or any(int(p) < 0 for p in negative)
    assert path.read_bytes().count(b"\r\n") == len(cells)
    rules, scale = _read_sheet(path)
    assert len(rules) == len(rules_table(raw_config)) and len(scale) == len(scale_table(raw_config))
    threshold = scale[scale["item"] == "threshold"].iloc[0]
    assert (threshold["label"], threshold["min_score"], threshold["max_score"]) == ("sales-ready", "100", "")
    assert rules["value_from"].eq("").any() and rules["value_from"].str.fullmatch(r"-?\d+(\.\d+)?|").all()


# --------------------------------------------------------------------------- hostile values
HOSTILE = {
    "Software": '=HYPERLINK("http://x","y")',
    "Retail": "<script>alert(1)</script>",
    "Partner": "'; DROP TABLE x; --",
    "Referral": "@SUM(A1:A9)",
    "Paid Social": "+cmd|' /C calc'!A0",
    "Mining": "-2+3+cmd",
}


def _hostile_config(config: ScoringConfig) -> ScoringConfig:
    document = config.to_dict()
    for attribute in document["attributes"]:
        for level in attribute.get("levels", []):
            level["value"] = HOSTILE.get(level["value"], level["value"])
        if "other" in attribute:
            attribute["other"]["values"] = [HOSTILE.get(v, v) for v in attribute["other"]["values"]]
            attribute["other"]["points"] = 3
    document["scale"]["bands"][0]["name"] = "=1+1"
    return ScoringConfig(document)


def test_hostile_values_are_neutralised_in_the_csv(raw_config, tmp_path):
    config = _hostile_config(raw_config)
    path = write_rules_csv(config, tmp_path / "rules.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_START):
            assert pd.notna(pd.to_numeric(cell, errors="coerce")), f"live formula in the CSV: {cell!r}"
    raw = path.read_text("utf-8")
    assert "'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")" in raw
    rules, scale = _read_sheet(path)
    values = set(rules["value"])
    for hostile in ('=HYPERLINK("http://x","y")', "<script>alert(1)</script>", "'; DROP TABLE x; --",
                    "@SUM(A1:A9)", "+cmd|' /C calc'!A0"):
        assert hostile in values
    assert "-2+3+cmd" in set(rules.loc[rules["kind"] == "other", "value"])
    assert "=1+1" in set(scale["label"])
    assert len(rules) == len(rules_table(config))


def test_hostile_values_round_trip_in_json_and_still_score(raw_config, new_leads):
    config = _hostile_config(raw_config)
    text = config_json(config)
    assert "<script>" not in text and "\\u003cscript\\u003e" in text
    data = json.loads(text)
    values = {v for rule in data["rules"] for v in rule["values"]}
    assert {'=HYPERLINK("http://x","y")', "<script>alert(1)</script>", "'; DROP TABLE x; --"} <= values
    leads = new_leads.astype({"industry": object, "lead_source": object})
    leads.loc[0:3, "industry"] = ['=HYPERLINK("http://x","y")', " <SCRIPT>alert(1)</script>", "-2+3+CMD", "Software"]
    leads.loc[0:1, "lead_source"] = ["'; drop table x; --", "Partner"]
    rules, base = _json_rules(data)
    total, _ = _apply(rules, base, data["total_cap"], leads)
    np.testing.assert_array_equal(total, _score(config, leads)["score"].to_numpy())


def test_pooled_values_holding_the_separator_are_one_row_each(raw_config, new_leads, tmp_path):
    """Pooled values were joined with "; " in one cell, so "events; webinars" read as two values."""
    document = raw_config.to_dict()
    attribute = next(a for a in document["attributes"] if "other" in a and a["kind"] == "categorical")
    name = attribute["name"]
    tricky = ["events; webinars", "a; b", "x;y", "comma, inside", ' quote "inside" ']
    attribute["other"] = {**attribute["other"], "values": tricky, "points": 11}
    config = ScoringConfig(document)
    rows = rules_table(config)
    rows = rows[(rows["property"] == name) & (rows["kind"] == "other")]
    assert rows["value"].tolist() == tricky and (rows["points"] == 11).all()
    leads = new_leads.astype({name: object})
    leads.loc[0:6, name] = ["events; webinars", "EVENTS;  webinars", "events", "webinars", "a", "x;y", "a;b"]
    expected = _score(config, leads)
    assert expected.loc[[0, 1, 5], "score"].tolist() != _score(raw_config, leads).loc[[0, 1, 5], "score"].tolist()
    total, _, _ = _sheet_scores(write_rules_csv(config, tmp_path / "rules.csv"), leads)
    np.testing.assert_array_equal(total, expected["score"].to_numpy())
    data = json.loads(config_json(config))
    assert [r["values"] for r in data["rules"] if r["property"] == name and r["kind"] == "other"] == [tricky]


# --------------------------------------------------------------------------- JSON
def test_json_is_deterministic_and_describes_the_config(raw_config, tmp_path):
    first, second = config_json(raw_config), config_json(raw_config)
    assert first == second and first.endswith("\n") and first.count("\n") == 1
    reloaded = ScoringConfig.loads(raw_config.to_yaml())
    assert config_json(reloaded) == first
    a = write_json(raw_config, tmp_path / "a.json").read_bytes()
    b = write_json(raw_config, tmp_path / "b" / "b.json").read_bytes()
    assert a == b == first.encode("utf-8")
    data = json.loads(first)
    assert list(data) == sorted(data)
    assert (data["format"], data["version"]) == ("calibrate-rules", 1)
    assert data["config_fingerprint"] == raw_config.fingerprint
    assert data["threshold"] == raw_config.threshold and data["base_points"] == 0 and data["total_cap"] is None
    assert data["placeholders"] == sorted(raw_config.to_dict()["cleaning"]["placeholders"])
    assert data["inputs"] == raw_config.input_columns and data["derived"] is None
    assert [(b["name"], b["max"]) for b in data["bands"]] == [(b["name"], b.get("max")) for b in raw_config.bands]
    assert all(rule["points"] != 0 for rule in data["rules"])
    assert {rule["kind"] for rule in data["rules"]} <= {"value", "other", "missing", "unseen", "range"}
    assert set(data["rules"][0]) == {"property", "group", "type", "kind", "values", "min", "max", "points"}
    assert len(json.loads(config_json(raw_config, include_zero=True))["rules"]) == len(raw_config.points_table())
    assert data["grades"]["sla"]["A1"] == "24h"
