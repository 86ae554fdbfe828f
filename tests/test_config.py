"""Tests of calibrate.config: the versioned scoring config (YAML/JSON, schema, validation)."""

from __future__ import annotations

import copy
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from jsonschema import Draft202012Validator

import calibrate
from calibrate import Calibrator
from calibrate.config import ScoringConfig
from calibrate.datasets import make_leads
from calibrate.errors import ConfigError

SCHEMA_PATH = Path(calibrate.__file__).resolve().parent / "schema" / "config-v3.json"
FIT_ARGS = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}


def fit(frame: pd.DataFrame, **params) -> ScoringConfig:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SmallSampleWarning on rare levels is expected here
        return Calibrator(**params).fit(frame, **FIT_ARGS).config_


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return make_leads(3000, seed=1)


@pytest.fixture(scope="module")
def config(leads: pd.DataFrame) -> ScoringConfig:
    return fit(leads)


@pytest.fixture(scope="module")
def unicode_config() -> ScoringConfig:
    """A config with non-ASCII level values and a float (non-integer) numeric attribute."""
    rng = np.random.default_rng(11)
    n = 900
    city = rng.choice(["Zürich", "São Paulo", "Kraków", "東京"], size=n)
    revenue = np.round(rng.lognormal(1.0, 1.0, size=n), 3)
    p = np.where(city == "Zürich", 0.45, 0.15) + np.where(revenue > 3, 0.2, 0.0)
    won = rng.random(n) < p
    frame = pd.DataFrame({
        "city": city,
        "revenue_musd": revenue,
        "stage": np.where(won, "Closed Won", "Closed Lost"),
    })
    frame.loc[::50, "stage"] = "Open"
    return fit(frame)


def numeric_index(document: dict) -> int:
    return next(i for i, a in enumerate(document["attributes"]) if a["kind"] == "numeric" and len(a["bins"]) >= 4)


def categorical_index(document: dict) -> int:
    return next(i for i, a in enumerate(document["attributes"]) if a["kind"] == "categorical" and len(a["levels"]) >= 2)


# --------------------------------------------------------------------------- #
# Round trips and determinism
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("which", ["config", "unicode_config"])
def test_yaml_round_trip_is_byte_identical(which, request):
    config = request.getfixturevalue(which)
    text = config.to_yaml()
    again = ScoringConfig.loads(text)
    assert again.to_yaml() == text
    assert again == config
    assert again.to_dict() == config.to_dict()


@pytest.mark.parametrize("which", ["config", "unicode_config"])
def test_json_round_trip_is_byte_identical(which, request):
    config = request.getfixturevalue(which)
    text = config.to_json()
    again = ScoringConfig.loads(text)
    assert again.to_json() == text
    assert again == config
    # JSON text is also valid JSON for a strict JSON parser (no NaN, no YAML-only syntax).
    assert json.loads(text) == config.to_dict()


def test_unicode_values_are_written_as_text_not_escapes(unicode_config):
    text = unicode_config.to_yaml()
    assert "Zürich" in text and "東京" in text
    assert "Zürich" in unicode_config.to_json()


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_save_then_load_gives_equal_config(config, tmp_path, suffix):
    path = config.save(tmp_path / "nested" / f"config{suffix}")
    assert path.is_file()
    raw = path.read_bytes()
    if suffix == ".json":
        assert raw.decode("utf-8") == config.to_json()
        json.loads(raw)
    else:
        assert raw.decode("utf-8") == config.to_yaml()
    loaded = ScoringConfig.load(path)
    assert loaded == config
    assert loaded.to_yaml() == config.to_yaml()


def test_fitting_twice_gives_byte_identical_yaml(leads, config):
    again = fit(leads)
    assert again.to_yaml() == config.to_yaml()
    assert again.to_json() == config.to_json()


def test_shuffled_rows_give_byte_identical_yaml(leads, config):
    shuffled = leads.sample(frac=1.0, random_state=123).reset_index(drop=True)
    assert not shuffled["lead_id"].equals(leads["lead_id"])
    assert fit(shuffled).to_yaml() == config.to_yaml()


def test_shuffled_rows_give_byte_identical_yaml_and_shuffled_columns_only_reorder(leads, config):
    # Attributes are listed in the export's column order (what the analyst sees), so a column
    # shuffle reorders them; everything else, and every row shuffle, leaves the bytes alone.
    rows_shuffled = leads.sample(frac=1.0, random_state=321).reset_index(drop=True)
    assert fit(rows_shuffled).to_yaml() == config.to_yaml()
    columns = list(leads.columns)
    np.random.default_rng(7).shuffle(columns)
    assert columns != list(leads.columns)
    refit = fit(rows_shuffled[columns])
    assert refit.to_dict()["training"]["fingerprint"] == config.to_dict()["training"]["fingerprint"]
    # Derived signals (e-mail domain type, ...) follow the file's columns in their fixed order.
    derived = list(config.signals.outputs) if config.signals else []
    order = [c for c in [*columns, *derived] if c in config.attributes]
    assert refit.attributes == order
    reordered = config.to_dict()
    reordered["attributes"] = sorted(reordered["attributes"], key=lambda a: order.index(a["name"]))
    reordered["left_out"] = sorted(reordered["left_out"], key=lambda o: [*columns, *derived].index(o["column"]))
    assert refit.to_yaml() == type(config)(reordered).to_yaml()


def test_shuffled_columns_give_the_same_rules_per_attribute(leads, config):
    """Whatever the order of the attributes in the document, each one's rules are identical."""
    columns = list(leads.columns)[::-1]
    refit = fit(leads[columns])
    by_name = {a["name"]: a for a in config.to_dict()["attributes"]}
    refit_by_name = {a["name"]: a for a in refit.to_dict()["attributes"]}
    assert refit_by_name == by_name


def test_fingerprint_changes_when_a_value_changes(leads, config):
    changed = leads.copy()
    changed.loc[5, "industry"] = "Software" if changed.loc[5, "industry"] != "Software" else "Retail"
    assert fit(changed).to_dict()["training"]["fingerprint"] != config.to_dict()["training"]["fingerprint"]


# --------------------------------------------------------------------------- #
# created_at
# --------------------------------------------------------------------------- #


def test_created_at_is_injectable(leads, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = fit(leads, created_at="2026-01-01T00:00:00+00:00")
    assert config.to_dict()["created"] == "2026-01-01T00:00:00+00:00"
    assert "created: '2026-01-01T00:00:00+00:00'" in config.to_yaml() or \
        "created: 2026-01-01T00:00:00+00:00" in config.to_yaml()
    assert ScoringConfig.loads(config.to_yaml()).to_dict()["created"] == "2026-01-01T00:00:00+00:00"


def test_no_created_key_by_default(leads, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = fit(leads)
    assert "created" not in config.to_dict()
    assert not any(line.startswith("created:") for line in config.to_yaml().splitlines())


def test_source_date_epoch_sets_created(leads, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    config = fit(leads)
    assert config.to_dict()["created"] == "1970-01-01T00:00:00+00:00"


def test_explicit_created_at_wins_over_source_date_epoch(leads, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    config = fit(leads, created_at="2026-01-01T00:00:00+00:00")
    assert config.to_dict()["created"] == "2026-01-01T00:00:00+00:00"


# --------------------------------------------------------------------------- #
# JSON Schema, checked with jsonschema directly
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def schema_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("which", ["config", "unicode_config"])
def test_document_validates_against_shipped_schema(which, request, schema_validator):
    config = request.getfixturevalue(which)
    for document in (yaml.safe_load(config.to_yaml()), json.loads(config.to_json())):
        errors = list(schema_validator.iter_errors(document))
        assert errors == [], [e.message for e in errors[:3]]


def test_shipped_schema_rejects_a_broken_document(config, schema_validator):
    """The schema is not vacuous: it rejects what the loader rejects."""
    document = config.to_dict()
    document["attributes"][0]["unseen"]["points"] = "ten"
    assert not schema_validator.is_valid(document)
    document = config.to_dict()
    document["surprise"] = 1
    assert not schema_validator.is_valid(document)


def _mutations(document, rng, n):
    """``n`` copies of ``document``, each with one node deleted, added to or replaced by a value of another type."""
    paths = []
    stack = [((), document)]
    while stack:
        path, node = stack.pop()
        paths.append(path)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((path + (key,), child) for key, child in children)
    replacements = ["text", -1, 1.5, None, True, [], {}, 10**6]
    for i in rng.choice(len(paths), size=n):
        mutated = copy.deepcopy(document)
        *parents, last = paths[i] or ("schema_version",)
        node = mutated
        for key in parents:
            node = node[key]
        how = rng.integers(3)
        if how == 0 and isinstance(node, dict):
            del node[last]
        elif how == 1 and isinstance(node[last], dict):
            node[last]["unexpected"] = 1
        else:
            node[last] = replacements[rng.integers(len(replacements))]
        yield mutated


@pytest.mark.parametrize("which", ["config", "unicode_config"])
def test_jsonschema_rs_decides_as_python_jsonschema_on_broken_documents(which, request, schema_validator):
    # Loading decides with jsonschema-rs (fast) and words errors with python-jsonschema (the reference
    # implementation): on 600 documents broken one node at a time, both must accept and reject the same ones.
    import jsonschema_rs

    fast = jsonschema_rs.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    document = request.getfixturevalue(which).to_dict()
    verdicts = [(fast.is_valid(d), schema_validator.is_valid(d))
                for d in _mutations(document, np.random.default_rng(3), 600)]
    assert all(a == b for a, b in verdicts), [i for i, (a, b) in enumerate(verdicts) if a != b][:5]
    rejected = sum(not b for _, b in verdicts)
    assert 100 < rejected < 600  # neither validator is vacuous, and some changes are allowed (a level's text)


def test_a_numpy_number_in_a_document_is_refused_with_the_place_named(config):
    document = config.to_dict()
    document["scale"]["threshold"] = np.int64(100)  # JSON has no numpy numbers
    with pytest.raises(ConfigError, match=r"at scale/threshold: np.int64\(100\) is not of type 'integer'"):
        ScoringConfig(document)


# --------------------------------------------------------------------------- #
# Loading errors
# --------------------------------------------------------------------------- #


def dump(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def test_unknown_schema_version_is_refused(config):
    document = config.to_dict()
    document["schema_version"] = 4
    with pytest.raises(ConfigError, match=r"schema_version 4\b.*reads versions 1, 2, 3"):
        ScoringConfig.loads(dump(document))


def test_missing_schema_version_is_refused(config):
    document = config.to_dict()
    del document["schema_version"]
    with pytest.raises(ConfigError, match=r"no schema_version"):
        ScoringConfig.loads(dump(document))


def test_wrong_type_of_points_names_the_field(config):
    document = config.to_dict()
    document["attributes"][0]["levels"][0]["points"] = "ten"
    with pytest.raises(ConfigError) as info:
        ScoringConfig.loads(dump(document))
    message = str(info.value)
    # The message must say where the problem is and what it is, not dump the whole attribute.
    assert "attributes/0/levels/0/points" in message, message[:300]
    assert "'ten' is not of type 'integer'" in message, message[:300]
    assert len(message) < 500, f"message is {len(message)} characters long"


@pytest.mark.parametrize("spelling", ["json", "yaml"])
@pytest.mark.parametrize(("path", "value"), [(("attributes", 0, "levels", 0, "close_rate"), float("nan")),
                                             (("training", "baseline_rate"), float("inf")),
                                             (("scale", "threshold"), float("-inf"))])
def test_non_finite_numbers_are_refused_at_load_naming_the_field(config, spelling, path, value):
    """NaN and infinity load as floats, but to_json and the fingerprint fail on them later: refused at load."""
    document = config.to_dict()
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    text = json.dumps(document) if spelling == "json" else yaml.safe_dump(document, sort_keys=False)
    assert any(spelling in text for spelling in ("NaN", "Infinity", ".nan", ".inf"))
    with pytest.raises(ConfigError) as info:
        ScoringConfig.loads(text)
    message = str(info.value)
    assert "/".join(map(str, path)) in message and "non-finite number" in message and "\n" not in message
    assert "write a number there" in message
    with pytest.raises(ConfigError, match="non-finite"):
        ScoringConfig(document)


def test_wrong_type_of_threshold(config):
    document = config.to_dict()
    document["scale"]["threshold"] = "high"
    with pytest.raises(ConfigError, match=r"scale/threshold: 'high' is not of type 'integer'"):
        ScoringConfig.loads(dump(document))


def test_missing_required_field(config):
    document = config.to_dict()
    del document["scale"]
    with pytest.raises(ConfigError, match=r"'scale' is a required property"):
        ScoringConfig.loads(dump(document))


def test_unknown_top_level_field(config):
    document = config.to_dict()
    document["pointz"] = {}
    with pytest.raises(ConfigError, match=r"pointz"):
        ScoringConfig.loads(dump(document))


def test_not_a_mapping():
    with pytest.raises(ConfigError, match=r"mapping"):
        ScoringConfig.loads("- 1\n- 2\n")


@pytest.mark.parametrize("embedded", [False, True])
def test_python_object_tag_is_refused_and_not_executed(config, tmp_path, embedded):
    marker = tmp_path / "hacked.txt"
    payload = f'!!python/object/apply:os.system ["echo hacked > {marker}"]'
    if embedded:
        # A real config with the payload hidden in one field.
        text = config.to_yaml().replace("threshold: 100", f"threshold: {payload}", 1)
        assert payload in text
    else:
        text = payload + "\n"
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"python/object"):
        ScoringConfig.load(path)
    with pytest.raises(ConfigError, match=r"python/object"):
        ScoringConfig.loads(text)
    assert not marker.exists()


def test_invalid_yaml_reports_the_line(config):
    lines = config.to_yaml().splitlines()
    # Break line 5 (1-based) with an unclosed flow sequence.
    lines[4] = lines[4] + " [unclosed"
    text = "\n".join(lines) + "\n"
    with pytest.raises(ConfigError, match=r"not valid YAML.* line \d+") as info:
        ScoringConfig.loads(text)
    line = int(re.search(r"line (\d+)", str(info.value)).group(1))
    assert 5 <= line <= 6


def test_invalid_yaml_line_number_simple():
    text = "schema_version: 1\ngenerator: {name: calibrate\ntarget: x\n"
    with pytest.raises(ConfigError, match=r"line 3"):
        ScoringConfig.loads(text)


def test_bins_swapped_positions_are_refused(config):
    document = config.to_dict()
    i = numeric_index(document)
    bins = document["attributes"][i]["bins"]
    bins[1], bins[2] = bins[2], bins[1]
    name = document["attributes"][i]["name"]
    with pytest.raises(ConfigError, match=rf"{name}.*contiguous"):
        ScoringConfig.loads(dump(document))


def test_bins_with_swapped_edges_are_refused(config):
    """Contiguous but unsorted edges: bin 1 is [e2, e1), which would overlap its neighbours."""
    document = config.to_dict()
    i = numeric_index(document)
    bins = document["attributes"][i]["bins"]
    e1, e2 = bins[0]["upper"], bins[1]["upper"]
    bins[0]["upper"], bins[1]["lower"], bins[1]["upper"], bins[2]["lower"] = e2, e2, e1, e1
    name = document["attributes"][i]["name"]
    with pytest.raises(ConfigError, match=rf"{name}.*sorted"):
        ScoringConfig.loads(dump(document))


def test_bins_with_equal_edges_are_refused(config):
    document = config.to_dict()
    i = numeric_index(document)
    bins = document["attributes"][i]["bins"]
    bins[1]["upper"] = bins[1]["lower"]
    bins[2]["lower"] = bins[1]["lower"]
    with pytest.raises(ConfigError, match=r"sorted and distinct"):
        ScoringConfig.loads(dump(document))


def test_non_contiguous_bins_are_refused(config):
    document = config.to_dict()
    i = numeric_index(document)
    bins = document["attributes"][i]["bins"]
    bins[1]["lower"] = bins[0]["upper"] + 1  # a gap
    with pytest.raises(ConfigError, match=r"bin 1 ends at .* but bin 2 starts at .*contiguous"):
        ScoringConfig.loads(dump(document))


def test_bins_with_closed_outer_ends_are_refused(config):
    document = config.to_dict()
    i = numeric_index(document)
    document["attributes"][i]["bins"][-1]["upper"] = 10**6
    with pytest.raises(ConfigError, match=r"upper: null"):
        ScoringConfig.loads(dump(document))


def test_level_values_differing_only_in_case_are_refused(config):
    document = config.to_dict()
    i = categorical_index(document)
    levels = document["attributes"][i]["levels"]
    levels[1]["value"] = "  " + levels[0]["value"].upper() + " "
    name = document["attributes"][i]["name"]
    with pytest.raises(ConfigError, match=rf"{name}.*same after normalising case"):
        ScoringConfig.loads(dump(document))


def test_other_value_clashing_with_a_level_is_refused(config):
    document = config.to_dict()
    i = next(i for i, a in enumerate(document["attributes"]) if "other" in a)
    attribute = document["attributes"][i]
    attribute["other"]["values"].append(attribute["levels"][0]["value"].lower())
    with pytest.raises(ConfigError, match=r"same after normalising case"):
        ScoringConfig.loads(dump(document))


def test_duplicated_attribute_is_refused(config):
    document = config.to_dict()
    document["attributes"].append(copy.deepcopy(document["attributes"][0]))
    with pytest.raises(ConfigError, match=r"more than once"):
        ScoringConfig.loads(dump(document))


@pytest.mark.parametrize("maxes", [(100, 40), (40, 40)])
def test_band_max_not_increasing_is_refused(config, maxes):
    document = config.to_dict()
    document["scale"]["bands"] = [{"name": "cold", "max": maxes[0]}, {"name": "warm", "max": maxes[1]}, {"name": "hot"}]
    with pytest.raises(ConfigError, match=r"must increase"):
        ScoringConfig.loads(dump(document))


def test_last_band_with_max_is_refused(config):
    document = config.to_dict()
    document["scale"]["bands"] = [{"name": "cold", "max": 40}, {"name": "hot", "max": 100}]
    with pytest.raises(ConfigError, match=r"last must have none"):
        ScoringConfig.loads(dump(document))


def test_file_not_found(tmp_path):
    path = tmp_path / "missing.yaml"
    with pytest.raises(ConfigError, match=r"not found.*missing\.yaml"):
        ScoringConfig.load(path)


def test_non_utf8_file_is_refused(config, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema_version: 1\ngenerator: {name: calibraté, version: '0.1.0'}\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"not UTF-8"):
        ScoringConfig.load(path)


def test_load_error_names_the_file(config, tmp_path):
    document = config.to_dict()
    document["schema_version"] = 4
    path = tmp_path / "future.yaml"
    path.write_text(dump(document), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"future\.yaml.*schema_version 4"):
        ScoringConfig.load(path)


def test_constructor_does_not_alias_the_document(config):
    document = config.to_dict()
    wrapped = ScoringConfig(document)
    document["scale"]["threshold"] = 12345
    assert wrapped.threshold == config.threshold
    copied = wrapped.to_dict()
    copied["scale"]["threshold"] = 54321
    assert wrapped.threshold == config.threshold


# --------------------------------------------------------------------------- #
# points_table
# --------------------------------------------------------------------------- #


def expected_rules(document: dict) -> list[tuple[str, str, int]]:
    rules = []
    for attribute in document["attributes"]:
        name = attribute["name"]
        if attribute["kind"] == "numeric":
            rules += [(name, "bin", b["points"]) for b in attribute["bins"]]
        else:
            rules += [(name, "value", level["points"]) for level in attribute["levels"]]
            if "other" in attribute:
                rules.append((name, "other", attribute["other"]["points"]))
        rules += [(name, "missing", attribute["missing"]["points"]), (name, "unseen", attribute["unseen"]["points"])]
    return rules


def test_points_table_has_one_row_per_rule(config):
    document = config.to_dict()
    table = config.points_table()
    expected = expected_rules(document)
    assert len(table) == len(expected)
    got = list(zip(table["attribute"], table["kind"], table["points"].astype(int)))
    assert got == expected
    # Categorical values appear verbatim as levels.
    for attribute in document["attributes"]:
        if attribute["kind"] == "categorical":
            shown = table.loc[(table["attribute"] == attribute["name"]) & (table["kind"] == "value"), "level"].tolist()
            assert shown == [level["value"] for level in attribute["levels"]]


def test_points_table_follows_edited_points(config):
    document = config.to_dict()
    for k, (attribute) in enumerate(document["attributes"]):
        for j, rule in enumerate(attribute.get("levels", attribute.get("bins", []))):
            rule["points"] = 1000 * k + j
    edited = ScoringConfig(document)
    table = edited.points_table()
    assert list(zip(table["attribute"], table["kind"], table["points"].astype(int))) == expected_rules(document)


# --------------------------------------------------------------------------- #
# Serialisation of awkward values
# --------------------------------------------------------------------------- #

TRICKY_VALUES = [
    "yes", "No", "null", "~", "1.0", "0x1F", "1_000", "2024-01-01", "12:30", "1e3", ": colon", "#hash", "'quote",
    '"double"', "@at", "on", "- dash", "a: b", "[list]", "{map}", "*star", "&anchor", "!bang", "%pct", "`tick",
    "|pipe", ">gt", "=1+2", "Ünïcödé 東京", " padded ", "",
]


@pytest.fixture(scope="module")
def tricky_config(config) -> ScoringConfig:
    document = config.to_dict()
    attribute = document["attributes"][categorical_index(document)]
    attribute.pop("other", None)
    attribute["levels"] = [dict(attribute["levels"][0], value=value) for value in TRICKY_VALUES]
    return ScoringConfig(document)


def test_awkward_level_values_survive_yaml(tricky_config):
    text = tricky_config.to_yaml()
    again = ScoringConfig.loads(text)
    assert again.to_dict() == tricky_config.to_dict()
    assert again.to_yaml() == text


def test_awkward_level_values_survive_json(tricky_config):
    text = tricky_config.to_json()
    again = ScoringConfig.loads(text)
    assert again.to_dict() == tricky_config.to_dict()
    assert again.to_json() == text


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_numbers_written_in_exponent_form_survive_a_round_trip(leads, tmp_path, suffix):
    """alpha=1e-5 is written by json.dumps as ``1e-05``; it must load back as the number."""
    config = fit(leads, alpha=1e-5)
    assert config.to_dict()["method"]["alpha"] == 1e-5
    path = config.save(tmp_path / f"config{suffix}")
    loaded = ScoringConfig.load(path)
    assert loaded == config
    assert isinstance(loaded.to_dict()["method"]["alpha"], float)


def test_hand_written_json_numbers_in_exponent_form(config):
    document = config.to_dict()
    document["method"]["alpha"] = 1e-5
    document["training"]["baseline_ci_low"] = 2e-05
    text = json.dumps(document)
    assert '"alpha": 1e-05' in text
    loaded = ScoringConfig.loads(text)
    assert loaded.to_dict()["method"]["alpha"] == 1e-5
    assert loaded.to_dict()["training"]["baseline_ci_low"] == 2e-05


@pytest.mark.parametrize("text", ["schema_version: 3.0\n", "schema_version: true\n", "[{" * 200,
                                  '{"a": ' + "[" * 1000])
def test_fuzz_found_inputs_are_clean_errors(text):
    """Found by scripts/fuzz.py: a float or boolean version, deep nesting (YAML and JSON)."""
    with pytest.raises(ConfigError, match=r"schema_version|nested too deeply"):
        ScoringConfig.loads(text)


def test_yaml_is_read_by_libyaml_into_the_document_the_python_loader_reads(config, monkeypatch):
    # Reference: PyYAML's pure-Python safe loader (calibrate's alias-refusing subclass of it). libyaml's loader
    # must give the same document, and be the one used: the Python composer is made to fail to show it is not.
    import calibrate.config as config_module

    text = config.to_yaml()
    expected = yaml.load(text, Loader=config_module._ConfigLoader)
    assert yaml.__with_libyaml__  # PyYAML's wheels bundle libyaml
    monkeypatch.setattr(config_module._ConfigLoader, "compose_node",
                        lambda *a: pytest.fail("the pure-Python composer was used"))
    assert config_module._load_yaml(text) == expected
    assert ScoringConfig.loads(text).to_yaml() == text


def test_yaml_aliases_are_refused_on_the_libyaml_path_too(config):
    text = config.to_yaml().replace("version:", "anchor: &a [1, 2]\nreuse: *a\nversion:", 1)
    with pytest.raises(ConfigError, match=r"config uses a YAML alias \(\*a\) at line 2; aliases are refused"):
        ScoringConfig.loads(text)
