"""The scoring config: versioned YAML/JSON carrying points and their evidence.

A :class:`ScoringConfig` is what a fit hands to other systems. It is a plain
document (nested dicts and lists) checked against the JSON Schema shipped in
``calibrate/schema/config-v3.json`` (versions 1 and 2 still load) and against rules a schema cannot express
(sorted, contiguous bins; distinct level values; increasing band bounds).
Loading uses a ``yaml.SafeLoader`` only: a file with Python object tags is
refused, never executed, and so is one with YAML aliases (``*name``), whose
nested expansion could take minutes and gigabytes to validate (calibrate
never writes anchors).

The same document always serialises to the same bytes: keys in a fixed
order, floats rounded to 6 significant digits when the config is built, no
timestamp unless one is given.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> cal = Calibrator().fit(load_sample_leads(), target="stage",
...                        positive=["Closed Won"], exclude=["Open"])
>>> text = cal.config_.to_yaml()
>>> ScoringConfig.loads(text).to_yaml() == text
True
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import numpy as np
import pandas as pd
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from calibrate.attributes import AttributeSpec, CategoricalSpec, NumericSpec
from calibrate.cleaning import normalize_value
from calibrate.errors import ConfigError

if TYPE_CHECKING:
    from calibrate.derive import SignalRecipe

__all__ = ["DEFAULT_BANDS", "READABLE_VERSIONS", "SCHEMA_VERSION", "ScoringConfig", "config_schema"]

SCHEMA_VERSION = 3

#: Versions this release reads; older documents are upgraded in memory on load.
READABLE_VERSIONS = (1, 2, 3)

#: Default bands: ``max`` is exclusive, so a score equal to the threshold is hot.
DEFAULT_BANDS: tuple[dict[str, Any], ...] = ({"name": "cold", "max": 40}, {"name": "warm", "max": 100}, {"name": "hot"})


@cache
def config_schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The JSON Schema of configs of a schema version (the current one by default).

    Examples
    --------
    >>> config_schema()["properties"]["schema_version"]
    {'const': 3}
    """
    text = resources.files("calibrate").joinpath("schema", f"config-v{version}.json").read_text("utf-8")
    return json.loads(text)


def _upgrade_v1(document: Mapping[str, Any]) -> dict[str, Any]:
    """A version-1 document in version-2 shape: attributes get their fit/engagement group."""
    from calibrate.grading import infer_group

    upgraded = copy.deepcopy(dict(document))
    upgraded["schema_version"] = 2
    upgraded["attributes"] = [dict(a, group=infer_group(a["name"])) for a in upgraded["attributes"]]
    upgraded["scale"] = dict(upgraded["scale"],
                             threshold_rule={"rule": "fixed", "value": upgraded["scale"]["threshold"]})
    return upgraded


class _FlowDict(dict):
    """A mapping written on one line in YAML (one level or bin per line)."""


class _ConfigDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors and aliases: loading refuses them."""
        return True


class _ConfigLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases.

    An alias repeats a node without copying it, so a few lines of nested
    aliases ("billion laughs") stand for millions of values that validation
    and error messages would walk. Configs need none.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ConfigError(f"config uses a YAML alias (*{event.anchor}) at line {event.start_mark.line + 1}; "
                              "aliases are refused, as they can expand to millions of values; write the repeated "
                              "values out in full")
        return super().compose_node(parent, index)


def _load_yaml(text: str) -> Any:
    """The YAML document: libyaml's safe loader when there (a 70 KB config in 0.05 s, not 0.3-0.8 s), else ours.

    The C loader's nodes are composed in C, past :class:`_ConfigLoader`'s alias
    check, so its events are read first: a document with an alias, or one it
    cannot parse, goes to :class:`_ConfigLoader`, whose errors name the line.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            if not any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=fast)):
                return yaml.load(text, Loader=fast)  # noqa: S506  (a safe loader)
        except yaml.YAMLError:
            pass  # reported by the loader below, as ever
    return yaml.load(text, Loader=_ConfigLoader)  # a SafeLoader that also refuses aliases


_ConfigDumper.add_representer(
    _FlowDict, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)
)
_ConfigDumper.add_representer(
    dict, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)
)


def _flow_rules(document: dict[str, Any]) -> dict[str, Any]:
    out = dict(document)
    attributes = []
    for attribute in document.get("attributes", []):
        attribute = dict(attribute)
        for key in ("levels", "bins"):
            if key in attribute:
                attribute[key] = [_FlowDict(rule) for rule in attribute[key]]
        for key in ("missing", "unseen"):
            if key in attribute:
                attribute[key] = _FlowDict(attribute[key])
        attributes.append(attribute)
    out["attributes"] = attributes
    if "scale" in out:
        out["scale"] = dict(out["scale"], bands=[_FlowDict(b) for b in out["scale"]["bands"]])
    if "training" in out and "score_bands" in out["training"]:
        out["training"] = dict(out["training"], score_bands=[_FlowDict(b) for b in out["training"]["score_bands"]])
    if "left_out" in out:
        out["left_out"] = [_FlowDict(item) for item in out["left_out"]]
    if "calibration" in out:
        out["calibration"] = dict(out["calibration"], bands=[_FlowDict(b) for b in out["calibration"]["bands"]])
    if "decay" in out:
        decay = dict(out["decay"])
        for key in ("step_rules", "curve"):
            if key in decay:
                decay[key] = [_FlowDict(item) for item in decay[key]]
        out["decay"] = decay
    if "grades" in out:
        grades = dict(out["grades"], cells=[_FlowDict(c) for c in out["grades"]["cells"]])
        grades.update({k: _FlowDict(grades[k]) for k in ("fit", "engagement")})
        out["grades"] = grades
    return out


def _check_semantics(document: Mapping[str, Any]) -> None:
    names = [a["name"] for a in document["attributes"]]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigError(f"attribute(s) {duplicated} appear more than once in the config; keep one of each")
    bands = document["scale"]["bands"]
    bounds = [b.get("max") for b in bands]
    if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
        raise ConfigError("scale.bands: every band but the last needs a 'max' and the last must have none")
    if any(a >= b for a, b in itertools.pairwise(bounds[:-1])):
        raise ConfigError(f"scale.bands: 'max' values must increase, got {bounds[:-1]}; order the bands from the "
                          "lowest max to the highest")
    for attribute in document["attributes"]:
        name = attribute["name"]
        if attribute["kind"] == "numeric":
            bins = attribute["bins"]
            if bins[0]["lower"] is not None or bins[-1]["upper"] is not None:
                raise ConfigError(f"attribute {name!r}: the first bin needs lower: null and the last upper: null "
                                  "so every number falls in a bin")
            for i, (left, right) in enumerate(itertools.pairwise(bins)):
                if left["upper"] is None or right["lower"] is None or left["upper"] != right["lower"]:
                    raise ConfigError(f"attribute {name!r}: bin {i + 1} ends at {left['upper']} but bin {i + 2} "
                                      f"starts at {right['lower']}; bins must be contiguous: start each bin where "
                                      "the previous one ends, or refit the config")
            edges = [b["upper"] for b in bins[:-1]]
            if any(a >= b for a, b in itertools.pairwise(edges)):
                raise ConfigError(f"attribute {name!r}: bin edges {edges} must be sorted and distinct; "
                                  "fix the bins or refit the config")
        else:
            values = [level["value"] for level in attribute["levels"]] + attribute.get("other", {}).get("values", [])
            keys = [normalize_value(v, placeholders=()) for v in values]
            clashes = sorted({v for v, k in zip(values, keys, strict=True) if keys.count(k) > 1})
            if clashes:
                raise ConfigError(f"attribute {name!r}: values {clashes} are the same after normalising case and "
                                  "spaces; keep one of them")


@cache
def _fast_validator(version: int) -> Any:
    return jsonschema_rs.Draft202012Validator(config_schema(version))


def _schema_errors(document: Mapping[str, Any], version: int) -> None:
    # jsonschema-rs decides (a compliant Draft 2020-12 validator: about 1 ms for a config of 30 attributes,
    # where python-jsonschema takes 0.1 s, most of it re-walking levels for unevaluatedProperties); on a
    # failure python-jsonschema names the problem, as its best_match points at the deepest bad value.
    try:
        if _fast_validator(version).is_valid(document):
            return
        unsupported = None
    except ValueError as problem:  # a value JSON cannot hold, such as a numpy number
        unsupported = problem
    errors = list(Draft202012Validator(config_schema(version)).iter_errors(document))
    if errors:
        # best_match descends into oneOf branches, so a bad `points` inside an attribute is named
        # as such instead of "attribute 0 is not valid under any of the given schemas".
        error = best_match(errors)
        while error.context:
            error = best_match(error.context)
        path, message = error.absolute_path, error.message
    elif unsupported is not None:
        path, message = [], f"it holds a value JSON cannot hold ({unsupported})"
    else:  # the two validators disagree: the deciding one's own words
        error = next(_fast_validator(version).iter_errors(document))
        path, message = error.instance_path, error.message
    where = "/".join(str(p) for p in path) or "(top level)"
    message = message if len(message) <= 200 else message[:200] + "..."
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise ConfigError(f"config does not match schema version {version} at {where}: {message}{more}; fix it "
                      "there (a config written by 'calibrate fit' matches) or refit the config")


def _check_finite(document: Mapping[str, Any]) -> None:
    """Refuse NaN and infinite numbers (JSON ``NaN``/``Infinity``, YAML ``.nan``/``.inf``).

    The schema's ``number`` admits them, but a config holding one cannot be
    written back (JSON has no such numbers) nor fingerprinted: better refused
    at load, naming where, than failing later in ``to_json``.
    """
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:  # iterative: a deeply nested document must not overflow the stack here
        where, node = stack.pop()
        if isinstance(node, Mapping):
            items = list(node.items())
        elif isinstance(node, list):
            items = list(enumerate(node))
        else:
            continue
        for key, value in reversed(items):  # reversed onto a stack: the first problem in reading order is named
            path = f"{where}/{key}" if where else str(key)
            for item, what in ((value, ""), (key, " as a key")):
                if isinstance(item, float) and not np.isfinite(item):
                    raise ConfigError(f"config holds the non-finite number {item}{what} at {path}; a config "
                                      "needs finite numbers: write a number there (or null where the schema "
                                      "allows it), or refit the config")
            stack.append((path, value))


def _validate(document: Any) -> dict[str, Any]:
    """Check a document and return it in the current version's shape."""
    if document is None:
        raise ConfigError("the config is empty; pass a scoring config written by 'calibrate fit'")
    if not isinstance(document, Mapping):
        raise ConfigError(f"a config must be a mapping of settings (schema_version, attributes, ...), got "
                          f"{type(document).__name__}; is this a calibrate scoring config?")
    version = document.get("schema_version")
    if version is None:
        raise ConfigError("the config has no schema_version; is this a calibrate scoring config?")
    if isinstance(version, bool) or not isinstance(version, int) or version not in READABLE_VERSIONS:
        raise ConfigError(f"unknown schema_version {version!r}: this calibrate reads versions "
                          f"{', '.join(map(str, READABLE_VERSIONS))}; use the calibrate release that wrote the config, "
                          "or refit it")
    _check_finite(document)
    _schema_errors(document, version)
    if version == 1:
        document = _upgrade_v1(document)
        _schema_errors(document, 2)
    if version < SCHEMA_VERSION:
        # Version 3 only added optional sections (derived signals, decay): same shape otherwise.
        document = dict(document, schema_version=SCHEMA_VERSION)
        _schema_errors(document, SCHEMA_VERSION)
    _check_semantics(document)
    return dict(document)


def _specs(document: Mapping[str, Any]) -> list[tuple[AttributeSpec, np.ndarray, str]]:
    """Rebuild each attribute's spec, its points per level code and its group."""
    placeholders = tuple(document["cleaning"]["placeholders"])
    out: list[tuple[AttributeSpec, np.ndarray, str]] = []
    for attribute in document["attributes"]:
        special = [attribute["missing"]["points"], attribute["unseen"]["points"]]
        if attribute["kind"] == "numeric":
            bins = attribute["bins"]
            spec: AttributeSpec = NumericSpec(attribute["name"], edges=[float(b["upper"]) for b in bins[:-1]],
                                              integer=bool(attribute.get("integer", False)), placeholders=placeholders)
            points = [b["points"] for b in bins] + special
        else:
            other = attribute.get("other", {"values": [], "points": 0})
            spec = CategoricalSpec(attribute["name"], levels=[level["value"] for level in attribute["levels"]],
                                   other_values=list(other["values"]), placeholders=placeholders)
            points = [level["points"] for level in attribute["levels"]] + [other["points"]] + special
        out.append((spec, np.asarray(points, dtype=np.int64), attribute.get("group", "fit")))
    return out


class ScoringConfig:
    """A validated scoring config: points per attribute level plus their evidence.

    Parameters
    ----------
    document : mapping
        The config as nested dicts and lists (what ``yaml.safe_load`` of a
        config file gives). It is validated and deep-copied.

    Raises
    ------
    ConfigError
        The document does not match the schema, has an unknown schema
        version, or is inconsistent (overlapping bins, duplicated values).

    Examples
    --------
    >>> from calibrate import Calibrator, load_sample_leads
    >>> leads = load_sample_leads()
    >>> config = Calibrator().fit(leads, target="stage", positive=["Closed Won"], exclude=["Open"]).config_
    >>> scored = config.score(leads)
    >>> len(scored) == len(leads), list(scored.columns[-6:])
    (True, ['score', 'band', 'fit_score', 'engagement_score', 'grade', 'sla'])
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document: dict[str, Any] = copy.deepcopy(_validate(document))

    @classmethod
    def _draft(cls, document: Mapping[str, Any]) -> ScoringConfig:
        # A document the calibrator has just built, wrapped to score its held-out leads before the final
        # config (the one users get) is built from the same parts and checked: schema checks cost a third of
        # a second on 30 attributes, and this one would pass the same checks.
        # Not copied: the calibrator drops the draft once the final config is built (and copied).
        config = cls.__new__(cls)
        config._document = dict(document)
        return config

    # ----------------------------------------------------------------- reading
    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> ScoringConfig:
        """Validate a document and wrap it."""
        return cls(document)

    @classmethod
    def loads(cls, text: str) -> ScoringConfig:
        """Parse a config from YAML or JSON text."""
        try:
            return cls._loads(text)
        except RecursionError:
            raise ConfigError("config is nested too deeply to be a calibrate scoring config") from None

    @classmethod
    def _loads(cls, text: str) -> ScoringConfig:
        if text.lstrip().startswith("{"):
            # JSON proper: YAML 1.1 would read exponent numbers such as 1e-05 as strings.
            try:
                return cls(json.loads(text))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"config is not valid JSON at line {exc.lineno}, column {exc.colno}: "
                                  f"{exc.msg}; fix the file there") from None
        try:
            document = _load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            tag = re.search(r"tag:yaml\.org,2002:(python/\S+?)'", problem)
            if isinstance(exc, yaml.constructor.ConstructorError) and tag:
                raise ConfigError(f"config holds the Python object tag !!{tag.group(1)}{where}: refused, never run; "
                                  "a scoring config is plain YAML: remove the tag or refit the config") from None
            raise ConfigError(f"config is not valid YAML/JSON{where}: {problem}; fix the file there (only plain "
                              "YAML is read; Python object tags are refused)") from None
        return cls(document)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ScoringConfig:
        """Read and validate a config file (``.yaml``, ``.yml`` or ``.json``)."""
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file not found: '{path}'; check the path")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"config file '{path}' is not UTF-8 text; is it a calibrate config?") from None
        try:
            return cls.loads(text)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None

    # ----------------------------------------------------------------- writing
    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the document."""
        return copy.deepcopy(self._document)

    def to_yaml(self) -> str:
        """The config as YAML text (deterministic)."""
        return yaml.dump(_flow_rules(self._document), Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True,
                         width=100_000)

    def to_json(self) -> str:
        """The config as JSON text (deterministic)."""
        return json.dumps(self._document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the config; ``.json`` gives JSON, anything else YAML."""
        path = Path(path)
        text = self.to_json() if path.suffix.lower() == ".json" else self.to_yaml()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path

    # ----------------------------------------------------------------- reading fields
    @property
    def fingerprint(self) -> str:
        """``sha256:<hex>`` of the config's JSON text: names this exact config in a lineage.

        Examples
        --------
        >>> from calibrate import Calibrator, make_leads
        >>> config = Calibrator(holdout=None).fit(make_leads(2000, seed=1), target="stage",
        ...                                       positive=["Closed Won"], exclude=["Open"]).config_
        >>> config.fingerprint.startswith("sha256:"), len(config.fingerprint)
        (True, 71)
        """
        import hashlib

        return "sha256:" + hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @property
    def threshold(self) -> int:
        """The sales-ready score."""
        return int(self._document["scale"]["threshold"])

    @property
    def bands(self) -> list[dict[str, Any]]:
        """Bands in order, ``max`` exclusive."""
        return copy.deepcopy(self._document["scale"]["bands"])

    @property
    def attributes(self) -> list[str]:
        """Names of the columns the config scores."""
        return [a["name"] for a in self._document["attributes"]]

    @property
    def signals(self) -> SignalRecipe | None:
        """The recipe of the derived signals, or ``None`` when the config scores raw columns only."""
        from calibrate.derive import SignalRecipe

        section = self._document.get("signals")
        return SignalRecipe.from_document(section) if section else None

    @property
    def input_columns(self) -> list[str]:
        """The columns a lead table needs to be scored: raw attributes plus the inputs of derived signals."""
        recipe = self.signals
        derived = set(recipe.outputs) if recipe else set()
        raw = [name for name in self.attributes if name not in derived]
        return raw + [c for c in (recipe.inputs if recipe else ()) if c not in raw]

    @property
    def baseline_rate(self) -> float:
        """Close rate of the training leads."""
        return float(self._document["training"]["baseline_rate"])

    def points_table(self) -> pd.DataFrame:
        """Every rule as a row: attribute, kind, condition, points and evidence.

        Examples
        --------
        >>> from calibrate import Calibrator, load_sample_leads
        >>> config = Calibrator().fit(load_sample_leads(), target="stage", positive=["Closed Won"],
        ...                           exclude=["Open"]).config_
        >>> list(config.points_table().columns[:4])
        ['attribute', 'kind', 'level', 'points']
        """
        rows = []
        evidence = ("leads", "customers", "close_rate", "ci_low", "ci_high", "lift", "q_value")
        for attribute in self._document["attributes"]:
            rules: list[tuple[str, str, Mapping[str, Any]]] = []
            if attribute["kind"] == "numeric":
                rules += [("bin", b.get("label", f"[{b['lower']}, {b['upper']})"), b) for b in attribute["bins"]]
            else:
                rules += [("value", level["value"], level) for level in attribute["levels"]]
                if "other" in attribute:
                    rules.append(("other", "(other)", attribute["other"]))
            rules += [("missing", "(missing)", attribute["missing"]), ("unseen", "(unseen)", attribute["unseen"])]
            for kind, level, rule in rules:
                rows.append({"attribute": attribute["name"], "kind": kind, "level": level, "points": rule["points"],
                             **{k: rule.get(k) for k in evidence}})
        return pd.DataFrame(rows)

    # ----------------------------------------------------------------- scoring
    def score(self, data: pd.DataFrame, *, activities: Any = None, as_of: str | None = None,
              score_column: str = "score", band_column: str = "band", grade_columns: bool = True) -> pd.DataFrame:
        """Score leads: the input rows in order, all columns kept, plus score and band (and grades).

        See :func:`calibrate.scoring.score_leads`.
        """
        from calibrate.scoring import score_leads

        return score_leads(self, data, activities=activities, as_of=as_of, score_column=score_column,
                           band_column=band_column, grade_columns=grade_columns)

    def specs_and_points(self) -> list[tuple[AttributeSpec, np.ndarray, str]]:
        """Each attribute's spec, its points per level code and its group (for scorers)."""
        return _specs(self._document)

    # ----------------------------------------------------------------- dunder
    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScoringConfig) and self._document == other._document

    def __hash__(self) -> int:
        return hash(self.to_json())

    def _repr_html_(self) -> str:
        """The points table with its evidence, for Jupyter."""
        import html

        table = self.points_table()
        table = table[table["points"] != 0] if (table["points"] != 0).any() else table
        head = html.escape(repr(self))
        return f"<p>{head}</p>" + table.to_html(index=False, escape=True, float_format=lambda x: f"{x:.4g}",
                                                na_rep="")

    def __repr__(self) -> str:
        training = self._document["training"]
        return (f"<ScoringConfig v{self._document['schema_version']}: {len(self.attributes)} attributes, "
                f"threshold {self.threshold}, trained on {training['leads']} leads "
                f"(baseline {training['baseline_rate']:.2%})>")

