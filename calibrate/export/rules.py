"""CRM rule sheets and a rules JSON: a scoring config in the shape a CRM scoring screen takes.

:func:`rules_table` lists one row per rule (property, condition, value,
points, fit or engagement group) with the evidence behind it;
:func:`scale_table` gives the sales-ready threshold, the bands and the grade
edges. :func:`write_rules_csv` writes both in one CSV for people (a
``section`` column says ``rule`` or ``scale``), with spreadsheet formulas
neutralised by :func:`calibrate.safe_csv.write_csv`; :func:`config_json` and
:func:`write_json` give the same rules as compact, deterministic JSON for
systems with a scoring API.

How a lead is scored from the sheet (exactly as :meth:`ScoringConfig.score`):
the score starts at the ``(every lead)`` row's points (0 when there is no such
row), then every rule whose condition the lead meets adds its points (a
property's rules never overlap, so at most one applies per property), and the
total is clipped to the ``cap`` scale row when there is one. The ``band`` and
``threshold`` scale rows turn the score into a label; ``fit grade`` and
``engagement grade`` rows grade the sums of the fit (engagement) rules' points
only, without the ``(every lead)`` points or the cap.

Conditions:

* ``is any of``: the text value, compared after normalisation: Unicode NFKC,
  spaces trimmed, runs of white space collapsed to one, case-insensitive
  (``" google "`` matches ``Google``). Values pooled into ``(other)`` (too
  rare to score alone) get one row each, all with the pool's points and
  evidence and the label ``(other)``: a value is never split on a separator,
  so one holding ``"; "`` or ``,`` is read as written;
* ``is unknown``: no value, or one of the placeholder texts listed in
  ``value`` (``(empty)`` is the empty text), compared the same way;
* ``is none of the known values``: any other text, i.e. neither unknown nor
  one of the values of the property's other rows. When such a rule has
  points, every rule of its property is written, zero-point ones included,
  so the known values are all in the sheet;
* ``is less than`` / ``is at least`` / ``is between``: numbers;
  ``value_from`` is included and ``value_to`` excluded (``is between`` with
  ``value`` "10 to 20" means 10 <= x < 20); ``is any number`` for a numeric
  property cut in one bin only;
* ``is not a number``: text in a numeric property that is neither a number
  nor unknown.

Derived properties (``email.domain_type``, ``activity.days_since_last``,
...) have a ``computed_from`` text: the CRM needs that property created, and
filled the way the config's ``signals`` section says, before its rules can
run.

Mapping to CRMs
---------------
The sheet is neutral; each CRM takes it as follows. Names of screens and
options change between releases: check them in the CRM's own documentation.

* **HubSpot** (lead scoring with fit and engagement scores): each rule row
  becomes a criterion on its property inside the score of its ``group``
  (``fit`` or ``engagement``), adding ``points``; rows with negative points
  become criteria that subtract points. The ``threshold`` row is the score a
  workflow (or a score threshold) uses to mark a lead sales-ready; the band
  rows are the score ranges shown to sales.
* **Marketo** (Adobe Marketo Engage): each rule row becomes a smart campaign
  whose smart list filters (or triggers) on the field and value, with a
  *Change Score* flow step adding ``points`` (``-50`` subtracts). Marketo
  adds score changes up, so a campaign must not change the score twice for
  the same lead and value. Recency, when the config has a ``decay`` section,
  is given there as step rules (``inactive_days``, ``add_points``): each
  becomes a scheduled batch campaign changing the score of leads inactive for
  that many days.
* **Salesforce Account Engagement** (Pardot): ``fit`` rows are grading
  criteria on prospect fields in a grading profile; grades are letters, and
  the ``fit grade`` scale rows (A to D) give the edges of the fit points.
  ``engagement`` rows are scoring rules (automation or completion actions
  adjusting the prospect's score by ``points``).

Examples
--------
>>> from calibrate import Calibrator, make_leads
>>> config = Calibrator(holdout=None, signals=False).fit(make_leads(2000, seed=1), target="stage",
...                                                      positive=["Closed Won"], exclude=["Open"]).config_
>>> table = rules_table(config)
>>> list(table.columns[:6])
['property', 'group', 'condition', 'value', 'value_from', 'value_to']
>>> bool((table["points"] != 0).all())
True
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from calibrate.safe_csv import write_csv

if TYPE_CHECKING:
    from calibrate.config import ScoringConfig
    from calibrate.derive import SignalRecipe

__all__ = [
    "CSV_COLUMNS",
    "NORMALIZATION",
    "RULE_COLUMNS",
    "SCALE_COLUMNS",
    "config_json",
    "rules_table",
    "scale_table",
    "write_json",
    "write_rules_csv",
]

#: Columns of :func:`rules_table`, in order.
RULE_COLUMNS: tuple[str, ...] = ("property", "group", "condition", "value", "value_from", "value_to", "points",
                                 "leads", "close_rate", "computed_from", "kind", "label")

#: Columns of :func:`scale_table`, in order.
SCALE_COLUMNS: tuple[str, ...] = ("item", "label", "min_score", "max_score")

#: Columns of the CSV of :func:`write_rules_csv`: ``section``, the rule columns, then the scale-only ones.
CSV_COLUMNS: tuple[str, ...] = ("section", *RULE_COLUMNS, *(c for c in SCALE_COLUMNS if c not in RULE_COLUMNS))

#: How text values are compared, in words (the config's ``nfkc-trim-collapse-casefold``).
NORMALIZATION = "trim, collapse spaces, case-insensitive (NFKC casefold)"

_BASE_PROPERTY = "(every lead)"
_EMPTY_PLACEHOLDER = "(empty)"
_SEPARATOR = "; "


def _number(value: Any) -> int | float | None:
    """A config number as int when whole (31, not 31.0), else float; None stays None."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _text(value: float) -> str:
    return f"{value}" if isinstance(value, int) else f"{value:g}"


def _signal_sources(recipe: SignalRecipe, name: str) -> str:
    """Which inputs a derived column is computed from, in words."""
    columns: list[str | None] = []
    extra: list[str] = []
    if name == "email.domain_type":
        columns = [recipe.email]
    elif name.startswith("title."):
        columns = [recipe.title]
    elif name == "form.junk":
        columns = list(recipe.form.values())
    elif name.startswith("account."):
        columns = [recipe.account, recipe.account_email]
        if name == "account.leads":
            columns += [recipe.created, recipe.as_of_column]
        elif name == "account.engaged_stakeholders":
            columns += [recipe.id_column, recipe.as_of_column]
            extra.append("the activity log")
        elif name == "account.target":
            columns.append(recipe.company)
            extra.append("the target-account list in the config")
        elif name == "account.status":
            columns += [recipe.company, recipe.as_of_column]
            extra.append("the account statuses in the config")
    elif name.startswith("activity."):
        columns = [recipe.id_column, recipe.as_of_column]
        extra.append("the activity log")
    named = list(dict.fromkeys(c for c in columns if c))
    parts = ([f"column{'s' if len(named) > 1 else ''} {', '.join(named)}"] if named else []) + extra
    return " and ".join(parts) or "the lead table"


def _computed_from(config: ScoringConfig) -> dict[str, str]:
    """``computed_from`` text of every derived property."""
    from calibrate.derive import describe_signal

    recipe = config.signals
    if recipe is None:
        return {}
    return {name: f"{describe_signal(name)}; computed from {_signal_sources(recipe, name)}"
            for name in recipe.outputs}


def _rules(config: ScoringConfig, include_zero: bool, *, row_per_pooled_value: bool) -> list[dict[str, Any]]:
    """Every rule written, as dicts holding the fields of both the table and the JSON.

    ``row_per_pooled_value``: the ``(other)`` pool as one rule per value (the sheet, whose ``value``
    cell holds one text) rather than one rule listing them (the JSON, whose ``values`` is a list).
    """
    document = config.to_dict()
    placeholders = [p if p != "" else _EMPTY_PLACEHOLDER for p in document["cleaning"]["placeholders"]]
    derived = _computed_from(config)
    rules: list[dict[str, Any]] = []
    base = int(document["scale"].get("base_points", 0))
    if base or include_zero:
        rules.append({"property": _BASE_PROPERTY, "group": None, "type": None, "kind": "base",
                      "condition": "starts at", "value": "", "values": [], "min": None, "max": None,
                      "points": base, "leads": None, "close_rate": None, "computed_from": "", "label": ""})
    for attribute in document["attributes"]:
        name, numeric = attribute["name"], attribute["kind"] == "numeric"
        common = {"property": name, "group": attribute.get("group", "fit"),
                  "type": "numeric" if numeric else "categorical", "computed_from": derived.get(name, "")}
        own: list[dict[str, Any]] = []
        if numeric:
            bins = attribute["bins"]
            for rule in bins:
                low, high = _number(rule["lower"]), _number(rule["upper"])
                if low is None and high is None:
                    condition, value = "is any number", ""
                elif low is None:
                    condition, value = "is less than", _text(high)
                elif high is None:
                    condition, value = "is at least", _text(low)
                else:
                    condition, value = "is between", f"{_text(low)} to {_text(high)}"
                own.append({"kind": "range", "condition": condition, "value": value, "values": [], "min": low,
                            "max": high, "label": rule.get("label", value), "evidence": rule})
        else:
            for rule in attribute["levels"]:
                own.append({"kind": "value", "condition": "is any of", "value": rule["value"],
                            "values": [rule["value"]], "label": rule["value"], "evidence": rule})
            if "other" in attribute:
                values = list(attribute["other"]["values"])
                # The sheet's value cell holds one text: joined values would be ambiguous if one held the joiner.
                pools = [([v], v) for v in values] if row_per_pooled_value else [(values, "")]
                own += [{"kind": "other", "condition": "is any of", "value": value, "values": pool,
                         "label": "(other)", "evidence": attribute["other"]} for pool, value in pools]
        own.append({"kind": "missing", "condition": "is unknown", "value": _SEPARATOR.join(placeholders),
                    "values": [], "label": "(missing)", "evidence": attribute["missing"]})
        own.append({"kind": "unseen", "condition": "is not a number" if numeric else "is none of the known values",
                    "value": "", "values": [], "label": "(unseen)", "evidence": attribute["unseen"]})
        # "none of the known values" needs every known value listed, zero-point ones included.
        everything = include_zero or own[-1]["evidence"]["points"] != 0
        for rule in own:
            evidence = rule.pop("evidence")
            if everything or evidence["points"] != 0:
                rules.append({**common, "min": None, "max": None, **rule, "points": int(evidence["points"]),
                              "leads": evidence.get("leads"), "close_rate": evidence.get("close_rate")})
    return rules


def rules_table(config: ScoringConfig, *, include_zero: bool = False) -> pd.DataFrame:
    """One row per rule: property, condition, value and points, as a CRM scoring screen takes them.

    Parameters
    ----------
    config : ScoringConfig
        The config to export.
    include_zero : bool
        Also list the rules worth 0 points (and the ``(every lead)`` row when
        the base points are 0). By default only rules that move the score are
        listed, except that a property whose ``is none of the known values``
        rule has points gets all its rules (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RULE_COLUMNS`:

        ``property``
            The column name as in the config (``(every lead)`` for the base
            points).
        ``group``
            ``fit`` or ``engagement`` (empty for the base points).
        ``condition``
            ``is any of``, ``is unknown``, ``is none of the known values``,
            ``is less than``, ``is at least``, ``is between``, ``is any
            number``, ``is not a number`` or ``starts at``.
        ``value``
            Human text: the value (one pooled value on each ``(other)``
            row), the ``"; "``-separated placeholders read as unknown, or the
            numbers ("10 to 20").
        ``value_from``, ``value_to``
            Bounds of a numeric rule (from included, to excluded), else None.
        ``points``
            Integer points added (negative: subtracted).
        ``leads``, ``close_rate``
            Training evidence of the rule (may be empty); on ``(other)``
            rows, of the whole pool, repeated on each of its rows.
        ``computed_from``
            For a derived property, what it means and which inputs it is
            computed from; empty for raw columns.
        ``kind``
            ``base``, ``value``, ``other``, ``missing``, ``unseen`` or
            ``range`` (as in the JSON).
        ``label``
            The rule's label in calibrate's reports (``31–90``, ``(other)``).

        Rows: the base points, then attributes in config order, rules in
        config order (values or bins, one ``(other)`` row per pooled value,
        unknown, unseen).

    Examples
    --------
    >>> from calibrate import Calibrator, make_leads
    >>> config = Calibrator(holdout=None, signals=False).fit(make_leads(2000, seed=1), target="stage",
    ...                                                      positive=["Closed Won"], exclude=["Open"]).config_
    >>> table = rules_table(config)
    >>> table.loc[table["property"] == "requested_demo", ["condition", "value", "points"]].to_dict("records")
    [{'condition': 'is any of', 'value': 'No', 'points': -6}, {'condition': 'is any of', 'value': 'Yes', 'points': 103}]
    >>> len(rules_table(config, include_zero=True)) > len(table)
    True
    """
    rows = _rules(config, include_zero, row_per_pooled_value=True)
    table = pd.DataFrame({
        "property": pd.Series([r["property"] for r in rows], dtype=object),
        "group": pd.Series([r["group"] for r in rows], dtype=object),
        "condition": pd.Series([r["condition"] for r in rows], dtype=object),
        "value": pd.Series([r["value"] for r in rows], dtype=object),
        "value_from": pd.Series([r["min"] for r in rows], dtype=object),
        "value_to": pd.Series([r["max"] for r in rows], dtype=object),
        "points": pd.Series([r["points"] for r in rows], dtype="int64"),
        "leads": pd.Series([r["leads"] for r in rows], dtype="Int64"),
        "close_rate": pd.Series([r["close_rate"] for r in rows], dtype="float64"),
        "computed_from": pd.Series([r["computed_from"] for r in rows], dtype=object),
        "kind": pd.Series([r["kind"] for r in rows], dtype=object),
        "label": pd.Series([r["label"] for r in rows], dtype=object),
    })
    return table[list(RULE_COLUMNS)]


def _grade_ranges(grades: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Each grade's ``[min, max)`` of its group score, as :func:`calibrate.grading.assign_grades` grades.

    With ``k`` edges the first ``k + 1`` labels are used; the first label is
    the top grade (from the last edge up), the ``k + 1``-th is below the first edge.
    """
    if not grades:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for group in ("fit", "engagement"):
        edges = [_number(e) for e in grades[group]["edges"]]
        labels = [str(label) for label in grades[group]["labels"]][: len(edges) + 1]
        k = len(edges)
        out[group] = [{"label": label, "min": edges[k - 1 - j] if j < k else None, "max": edges[k - j] if j else None}
                      for j, label in enumerate(labels)]
    return out


def scale_table(config: ScoringConfig) -> pd.DataFrame:
    """The threshold, the bands, the score cap and the grade edges: what turns a score into a label.

    Parameters
    ----------
    config : ScoringConfig
        The config to export.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCALE_COLUMNS`. ``min_score`` is included and
        ``max_score`` excluded; None is an open end. Rows, in order:

        * ``threshold``: ``label`` ``sales-ready``, ``min_score`` the threshold;
        * ``band``: one per band, ``label`` its name; band *i* covers
          [max of band *i - 1*, its max);
        * ``cap`` (when the config caps the total): scores are clipped to
          [``min_score``, ``max_score``], both ends included;
        * ``fit grade`` and ``engagement grade`` (when the config has
          grades): ``label`` the grade (A-D, 1-4), ``min_score`` and
          ``max_score`` on the sum of that group's rule points only
          (without the ``(every lead)`` points or the cap), top grade first.

    Examples
    --------
    >>> from calibrate import Calibrator, make_leads
    >>> config = Calibrator(holdout=None, signals=False).fit(make_leads(2000, seed=1), target="stage",
    ...                                                      positive=["Closed Won"], exclude=["Open"]).config_
    >>> scale_table(config).head(4).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'item': 'threshold', 'label': 'sales-ready', 'min_score': 100, 'max_score': None},
     {'item': 'band', 'label': 'cold', 'min_score': None, 'max_score': 40},
     {'item': 'band', 'label': 'warm', 'min_score': 40, 'max_score': 100},
     {'item': 'band', 'label': 'hot', 'min_score': 100, 'max_score': None}]
    """
    document = config.to_dict()
    rows: list[dict[str, Any]] = [{"item": "threshold", "label": "sales-ready", "min_score": config.threshold,
                                   "max_score": None}]
    previous = None
    for band in config.bands:
        high = _number(band.get("max"))
        rows.append({"item": "band", "label": band["name"], "min_score": previous, "max_score": high})
        previous = high
    cap = document["scale"].get("total_cap")
    if cap is not None:
        rows.append({"item": "cap", "label": "scores are clipped to this range (both ends included)",
                     "min_score": -int(cap), "max_score": int(cap)})
    for group, ranges in _grade_ranges(document.get("grades")).items():
        rows += [{"item": f"{group} grade", "label": r["label"], "min_score": r["min"], "max_score": r["max"]}
                 for r in ranges]
    return pd.DataFrame({column: pd.Series([r[column] for r in rows], dtype=object) for column in SCALE_COLUMNS})


def write_rules_csv(config: ScoringConfig, path: str | os.PathLike[str], *, include_zero: bool = False) -> Path:
    """Write the rule sheet for people: rules and scale in one CSV, formulas neutralised.

    The first column, ``section``, is ``rule`` for the rows of
    :func:`rules_table` and ``scale`` for those of :func:`scale_table`; the
    other columns are :data:`CSV_COLUMNS` (the union of both tables, ``label``
    shared). Written by :func:`calibrate.safe_csv.write_csv`: UTF-8, CRLF,
    text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return get a leading ``'`` so no spreadsheet runs them, while numbers
    (negative points included) stay numbers. Empty cells are empty.

    Parameters
    ----------
    config : ScoringConfig
        The config to export.
    path : str or path-like
        Where to write; parent folders are created.
    include_zero : bool
        Also list zero-point rules (see :func:`rules_table`).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from calibrate import Calibrator, make_leads
    >>> config = Calibrator(holdout=None, signals=False).fit(make_leads(2000, seed=1), target="stage",
    ...                                                      positive=["Closed Won"], exclude=["Open"]).config_
    >>> path = write_rules_csv(config, pathlib.Path(tempfile.mkdtemp()) / "rules.csv")
    >>> sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    >>> list(sheet.columns[:5]), sorted(set(sheet["section"]))
    (['section', 'property', 'group', 'condition', 'value'], ['rule', 'scale'])
    """
    rules = rules_table(config, include_zero=include_zero).astype(object)
    scale = scale_table(config).astype(object)
    rules.insert(0, "section", "rule")
    scale.insert(0, "section", "scale")
    sheet = pd.concat([rules, scale], ignore_index=True, sort=False).astype(object)
    sheet = sheet.where(sheet.notna(), None)[list(CSV_COLUMNS)]
    return write_csv(sheet, path)


def config_json(config: ScoringConfig, *, include_zero: bool = False) -> str:
    """The rules as compact, deterministic JSON for systems with a scoring API.

    Parameters
    ----------
    config : ScoringConfig
        The config to export.
    include_zero : bool
        Also list zero-point rules (see :func:`rules_table`).

    Returns
    -------
    str
        One line of JSON plus a newline: keys sorted, no NaN, UTF-8 text
        (``ensure_ascii=False``) except that ``<``, ``>``, ``&`` and the
        Unicode line separators are written as ``\\u`` escapes, so the text
        can be embedded in HTML or JavaScript as it is. The same config always
        gives the same text. Fields:

        ``format``, ``version``
            ``"calibrate-rules"`` and ``1``: this layout.
        ``config_fingerprint``
            :attr:`ScoringConfig.fingerprint` of the config exported.
        ``threshold``
            The sales-ready score (a score at or above it is sales-ready).
        ``base_points``
            Every lead's score starts here.
        ``total_cap``
            Null, or the score is clipped to ``[-total_cap, total_cap]``.
        ``normalization``, ``placeholders``
            How text is compared (:data:`NORMALIZATION`) and the texts
            (sorted, compared the same way) that mean "no value".
        ``inputs``
            The columns a lead needs (:attr:`ScoringConfig.input_columns`).
        ``derived``
            The config's ``signals`` section (how derived properties such as
            ``email.domain_type`` are computed from the inputs), or null.
        ``rules``
            In config order, each ``{"property", "group", "type", "kind",
            "values", "min", "max", "points"}``; ``type`` is ``numeric`` or
            ``categorical``; ``kind`` is ``value`` or ``other`` (the text is
            any of ``values``; one ``other`` rule lists every pooled value), ``missing`` (no value or a placeholder),
            ``unseen`` (categorical: any other text; numeric: text that is
            not a number) or ``range`` (``min <= x < max``, null for an open
            end). A lead gets the points of every rule it meets; a property
            without a matching rule adds 0.
        ``bands``
            ``{"name", "min", "max"}`` in order, ``min`` included, ``max``
            excluded, null for an open end.
        ``grades``
            Null, or ``{"fit": [...], "engagement": [...], "sla": {cell: sla}}``
            with ``{"label", "min", "max"}`` ranges (top grade first) of the
            sum of that group's rule points (without ``base_points`` or the cap).

    Examples
    --------
    >>> import json
    >>> from calibrate import Calibrator, make_leads
    >>> config = Calibrator(holdout=None, signals=False).fit(make_leads(2000, seed=1), target="stage",
    ...                                                      positive=["Closed Won"], exclude=["Open"]).config_
    >>> document = json.loads(config_json(config))
    >>> document["format"], document["threshold"], document["rules"][0]["property"]
    ('calibrate-rules', 100, 'pricing_page_visits')
    >>> config_json(config) == config_json(config)
    True
    """
    document = config.to_dict()
    rules = [{"property": r["property"], "group": r["group"], "type": r["type"], "kind": r["kind"],
              "values": r["values"], "min": r["min"], "max": r["max"], "points": r["points"]}
             for r in _rules(config, include_zero, row_per_pooled_value=False) if r["kind"] != "base"]
    bands, previous = [], None
    for band in config.bands:
        high = _number(band.get("max"))
        bands.append({"name": band["name"], "min": previous, "max": high})
        previous = high
    grades = document.get("grades")
    grades_out = None
    if grades:
        grades_out = {**_grade_ranges(grades), "sla": {c["cell"]: c.get("sla", "") for c in grades["cells"]}}
    out = {
        "format": "calibrate-rules",
        "version": 1,
        "config_fingerprint": config.fingerprint,
        "threshold": config.threshold,
        "base_points": int(document["scale"].get("base_points", 0)),
        "total_cap": document["scale"].get("total_cap"),
        "normalization": NORMALIZATION,
        "placeholders": sorted(document["cleaning"]["placeholders"]),
        "inputs": config.input_columns,
        "derived": document.get("signals") or None,
        "rules": rules,
        "bands": bands,
        "grades": grades_out,
    }
    text = json.dumps(out, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text + "\n"


def write_json(config: ScoringConfig, path: str | os.PathLike[str], *, include_zero: bool = False) -> Path:
    """Write :func:`config_json` to ``path`` (UTF-8); parent folders are created.

    Parameters
    ----------
    config : ScoringConfig
        The config to export.
    path : str or path-like
        Where to write.
    include_zero : bool
        Also list zero-point rules.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from calibrate import Calibrator, make_leads
    >>> config = Calibrator(holdout=None, signals=False).fit(make_leads(2000, seed=1), target="stage",
    ...                                                      positive=["Closed Won"], exclude=["Open"]).config_
    >>> path = write_json(config, pathlib.Path(tempfile.mkdtemp()) / "rules.json")
    >>> json.loads(path.read_text("utf-8"))["config_fingerprint"] == config.fingerprint
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(config_json(config, include_zero=include_zero).encode("utf-8"))
    return path
