"""Scoring as SQL: one SELECT that scores a lead table where it lives.

:func:`scoring_sql` turns a :class:`~calibrate.config.ScoringConfig` into a
single ``SELECT`` returning every input column plus ``score`` and ``band``
(and, when the config has grades, ``fit_score``, ``engagement_score``,
``grade`` and ``sla``), built as a sqlglot expression tree so that every
identifier and literal taken from the data is quoted by sqlglot, then
written in the dialect asked for (``duckdb``, ``postgres``, ``snowflake``,
``bigquery``, ``spark``).

The SQL applies the Python scorer's rules:

* text is compared on a key: ``LOWER(TRIM(REGEXP_REPLACE(value, '\\s+', ' ')))``;
  the config's values, placeholders and pooled spellings are written as keys
  too. Python also applies Unicode NFKC and case folding: values that differ
  from a known one only by compatibility forms (ligatures, full-width
  letters, ``ß``/``ss``) score as unseen in SQL;
* numbers are keyed as Python keys them (:func:`calibrate.cleaning.normalize_value`):
  a whole number below 10^15 without a fraction (the number ``3.0`` is
  ``3``), NaN missing. This goes by the column's type, found at run time
  (``TYPEOF``, ``PG_TYPEOF``, ``SYSTEM$TYPEOF``), exactly as Python goes by
  the value's type: the *text* ``"3.0"`` stays ``3.0``, as in Python, and
  is not the level ``3``. Other numbers are written by the database, which
  may differ from Python's ``repr`` (Spark writes ``1.5E-5``). BigQuery has
  no run-time type test: its statement keys every column as text, and a
  number column is keyed as BigQuery casts it to text;
* a blank, NULL or placeholder is ``missing``; a value the config has not
  seen is ``unseen``; numbers fall in left-closed bins, and text in a numeric
  column is ``unseen``;
* bands' ``max`` is exclusive; grades are left-closed; the total is capped
  at ``scale.total_cap`` when set.

Derived signals (``email.domain_type``, ``activity.*``, ...) are not computed
in SQL: the statement expects them as columns of the table, named as in the
config, and its header comment lists them with the inputs they come from
(``calibrate score`` writes them; the config's ``signals`` section says how).

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> config = Calibrator(signals=False).fit(load_sample_leads(), target="stage", positive=["Closed Won"],
...                                        exclude=["Open"]).config_
>>> sql = scoring_sql(config, dialect="duckdb", table="leads")
>>> sql.splitlines()[0]
'-- calibrate scoring SQL (duckdb): every column of "leads" plus score, band, fit_score, engagement_score, grade, sla'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from calibrate.cleaning import normalize_value
from calibrate.errors import ConfigError

if TYPE_CHECKING:
    from calibrate.config import ScoringConfig

__all__ = ["DIALECTS", "scoring_sql", "text_key_sql", "value_key_sql"]

#: Dialects the export writes (sqlglot's names).
DIALECTS: tuple[str, ...] = ("duckdb", "postgres", "snowflake", "bigquery", "spark")

# A number as pandas.to_numeric reads one (after the key's trimming and lower-casing).
_NUMBER = r"^[+-]?(([0-9]+[.]?[0-9]*)|([.][0-9]+))(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$"
# What a missing key is compared as: text keys are trimmed and number keys have no spaces, so none equals it.
_MISSING_KEY = " (missing)"
# The run-time type of a column, as text, per dialect (BigQuery has no such function).
_TYPE_OF = {"duckdb": "TYPEOF", "spark": "TYPEOF", "postgres": "PG_TYPEOF", "snowflake": "SYSTEM$TYPEOF"}
# Number types in those functions' words (lower case): DOUBLE, decimal(10,2), double precision, NUMBER(38,0)[SB1], ...
_NUMBER_TYPE = r"^(double|float|real|decimal|numeric|number|u?(tiny|small|big|huge)?int(eger)?)([^a-z]|$)"


def _literal(value: Any) -> exp.Expression:
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def text_key_sql(column: exp.Expression) -> exp.Expression:
    """The comparison key of text in SQL: trimmed, spaces collapsed, lower case.

    Examples
    --------
    >>> from sqlglot import exp
    >>> print(text_key_sql(exp.column("Lead Source", quoted=True)).sql("duckdb"))
    LOWER(TRIM(REGEXP_REPLACE(CAST("Lead Source" AS TEXT), '\\s+', ' ', 'g')))
    """
    text = exp.Cast(this=column, to=exp.DataType.build("text"))
    collapsed = exp.RegexpReplace(this=text, expression=exp.Literal.string(r"\s+"),
                                  replacement=exp.Literal.string(" "))
    return exp.Lower(this=exp.Trim(this=collapsed))


def _number_key_sql(column: exp.Expression) -> exp.Expression:
    """The key of a number, as :func:`calibrate.cleaning.normalize_value` writes it.

    Whole numbers below 10^15 go through BIGINT, so every dialect writes them
    alike (``3``, not ``3.0`` or ``3.00``); NaN is missing; infinities are
    ``inf``/``-inf``; other numbers are the dialect's text of the double.
    """
    number = exp.Cast(this=column, to=exp.DataType.build("double"))
    whole = exp.And(this=exp.LT(this=exp.Abs(this=number.copy()), expression=exp.Literal.number("1e15")),
                    expression=exp.EQ(this=number.copy(), expression=exp.Round(this=number.copy())))
    as_whole = exp.Cast(this=exp.Cast(this=number.copy(), to=exp.DataType.build("bigint")),
                        to=exp.DataType.build("text"))
    text = exp.Lower(this=exp.Cast(this=number.copy(), to=exp.DataType.build("text")))
    # NaN fails the whole test (it sorts above every number in DuckDB, Postgres and Spark): missing here.
    other = (exp.Case().when(_in(text, ["nan"]), exp.Null())
             .when(_in(text, ["inf", "+inf", "infinity", "+infinity"]), exp.Literal.string("inf"))
             .when(_in(text, ["-inf", "-infinity"]), exp.Literal.string("-inf"))
             .else_(text.copy()))
    return exp.Case().when(exp.Paren(this=whole), as_whole).else_(other)


def value_key_sql(column: exp.Expression, dialect: str) -> exp.Expression:
    """The comparison key of a column in SQL: the number key on number columns, else the text key.

    Python keys a value by its type (:func:`calibrate.cleaning.normalize_value`):
    the number ``3.0`` is ``3`` and the text ``"3.0"`` is ``3.0``. SQL values
    of one column share a type, so the statement asks the column's type at
    run time (BigQuery cannot: there every column is keyed as text).

    Parameters
    ----------
    column : sqlglot.exp.Expression
        The column (or any expression).
    dialect : str
        One of :data:`DIALECTS`.

    Returns
    -------
    sqlglot.exp.Expression

    Examples
    --------
    >>> from sqlglot import exp
    >>> import duckdb
    >>> key = value_key_sql(exp.column("x"), "duckdb").sql("duckdb")
    >>> [duckdb.sql(f"SELECT {key} FROM (SELECT {x} AS x)").fetchall()[0][0] for x in ("3.0::DOUBLE", "'3.0'")]
    ['3', '3.0']
    """
    function = _TYPE_OF.get(dialect)
    if function is None:
        return text_key_sql(column)
    return exp.Case().when(_is_number_type(column, function), _number_key_sql(column)).else_(
        text_key_sql(column.copy()))


def _is_number_type(column: exp.Expression, function: str) -> exp.Expression:
    """True when the column's SQL type (asked with ``function``) is a number type."""
    type_name = exp.Lower(this=exp.Cast(this=exp.Anonymous(this=function, expressions=[column.copy()]),
                                        to=exp.DataType.build("text")))
    return exp.RegexpLike(this=type_name, expression=exp.Literal.string(_NUMBER_TYPE))


def _key_of(value: Any) -> str | None:
    return normalize_value(value, placeholders=())


def _in(key: exp.Expression, values: list[str]) -> exp.Expression:
    return exp.In(this=key.copy(), expressions=[exp.Literal.string(v) for v in values])


def _missing_condition(key: exp.Expression, placeholders: list[str]) -> exp.Expression:
    condition: exp.Expression = exp.Is(this=key.copy(), expression=exp.Null())
    if placeholders:
        condition = exp.Or(this=condition, expression=_in(key, placeholders))
    return exp.Paren(this=condition)


def _attribute_points(attribute: dict[str, Any], placeholders: list[str], dialect: str) -> exp.Expression:
    """CASE giving an attribute's points for each row."""
    column = exp.column(attribute["name"], quoted=True)
    unseen = _literal(int(attribute["unseen"]["points"]))
    if attribute["kind"] == "numeric":
        # Text of a number column parses back to the same number, so the text key serves both types here
        # (and is written once per bin, so it is kept short); only NaN needs the type: it is missing.
        key = text_key_sql(column)
        missing = _missing_condition(key, placeholders)
        function = _TYPE_OF.get(dialect)
        if "nan" not in placeholders and function is not None:
            missing = exp.Or(this=missing, expression=exp.Paren(this=exp.And(
                this=_is_number_type(column, function), expression=exp.EQ(this=key.copy(),
                                                                          expression=exp.Literal.string("nan")))))
        case = exp.Case().when(missing, _literal(int(attribute["missing"]["points"])))
        is_number = exp.RegexpLike(this=key.copy(), expression=exp.Literal.string(_NUMBER))
        case = case.when(exp.Not(this=exp.Paren(this=is_number)), unseen)
        by_bin = _bin_case(case, exp.Cast(this=key.copy(), to=exp.DataType.build("double")), attribute["bins"])
        if function is None:
            return by_bin
        # A number column needs no text key (a regular expression per row and bin): its text has no spaces to
        # collapse, always reads as a number, and parses back to the same double. The type test is constant
        # per column, so the engine takes one branch.
        text = exp.Lower(this=exp.Cast(this=column.copy(), to=exp.DataType.build("text")))
        number_missing = exp.Paren(this=exp.Or(this=exp.Is(this=column.copy(), expression=exp.Null()),
                                               expression=_in(text, sorted({*placeholders, "nan"}))))
        on_number = _bin_case(exp.Case().when(number_missing, _literal(int(attribute["missing"]["points"]))),
                              exp.Cast(this=column.copy(), to=exp.DataType.build("double")), attribute["bins"])
        return exp.Case().when(_is_number_type(column, function), on_number).else_(by_bin)
    key = value_key_sql(column, dialect)
    # A simple CASE on the key (written once) for the values: placeholders, levels, then the pooled spellings.
    by_value: dict[str, int] = {p: int(attribute["missing"]["points"]) for p in placeholders}
    for level in attribute["levels"]:
        level_key = _key_of(level["value"])
        if level_key is not None:
            by_value.setdefault(level_key, int(level["points"]))
    other = attribute.get("other") or {}
    for value in other.get("values", []):
        other_key = _key_of(value)
        if other_key is not None:
            by_value.setdefault(other_key, int(other["points"]))
    # Values scoring what the ELSE gives are left out: the same result, a shorter statement.
    unseen_points = int(attribute["unseen"]["points"])
    ifs = [exp.If(this=exp.Literal.string(k), true=_literal(v)) for k, v in by_value.items() if v != unseen_points]
    # The key is written once, as computing it is most of the statement's work: a missing key becomes a
    # stand-in no key can equal (keys have no leading space).
    missing = exp.If(this=exp.Literal.string(_MISSING_KEY), true=_literal(int(attribute["missing"]["points"])))
    keyed = exp.Coalesce(this=key.copy(), expressions=[exp.Literal.string(_MISSING_KEY)])
    return exp.Case(this=keyed, ifs=[missing, *ifs], default=unseen)


def _bin_case(case: exp.Case, number: exp.Expression, bins: list[dict[str, Any]]) -> exp.Expression:
    for b in bins[:-1]:
        case = case.when(exp.LT(this=number.copy(), expression=_literal(float(b["upper"]))), _literal(int(b["points"])))
    return case.else_(_literal(int(bins[-1]["points"])))


def _sum(terms: list[exp.Expression], start: int = 0) -> exp.Expression:
    total: exp.Expression = _literal(int(start))
    for term in terms:
        total = exp.Add(this=total, expression=exp.Paren(this=term))
    return total


def _band_case(score: exp.Expression, bands: list[dict[str, Any]]) -> exp.Expression:
    case = exp.Case()
    for band in bands[:-1]:
        case = case.when(exp.LT(this=score.copy(), expression=_literal(int(band["max"]))), _literal(str(band["name"])))
    return case.else_(_literal(str(bands[-1]["name"])))


def _grade_case(score: exp.Expression, edges: list[float], labels: list[str]) -> exp.Expression:
    # assign_grades: the label index is len(edges) - (number of edges <= score); the top grade first.
    if not edges:  # a group without points: every lead gets the first grade
        return _literal(str(labels[0]))
    case = exp.Case()
    for i, edge in enumerate(reversed(edges)):
        case = case.when(exp.GTE(this=score.copy(), expression=_literal(float(edge))), _literal(str(labels[i])))
    return case.else_(_literal(str(labels[len(edges)])))


def scoring_sql(config: ScoringConfig, *, dialect: str = "duckdb", table: str = "leads", pretty: bool = True) -> str:
    """One SELECT scoring every row of ``table`` with ``config``, in ``dialect``.

    Parameters
    ----------
    config : ScoringConfig
        The config to apply.
    dialect : {"duckdb", "postgres", "snowflake", "bigquery", "spark"}
        SQL dialect written (sqlglot's names).
    table : str
        The lead table; a dotted name (``crm.public.leads``) is read as
        catalog, schema and table, each part quoted.
    pretty : bool
        Indented, one clause per line.

    Returns
    -------
    str
        A header comment (what the statement returns and the columns it
        needs, derived signals included) and the statement.

    Raises
    ------
    ConfigError
        An unknown dialect or an empty table name.
    """
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown SQL dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    if not table or not table.strip():
        raise ConfigError("the table name is empty; pass --table NAME (e.g. crm.leads)")
    document = config.to_dict()
    placeholders = sorted({k for k in (_key_of(p) for p in document["cleaning"]["placeholders"]) if k is not None})
    points = {a["name"]: _attribute_points(a, placeholders, dialect) for a in document["attributes"]}
    scale = document["scale"]
    total = _sum(list(points.values()), int(scale.get("base_points", 0)))
    cap = scale.get("total_cap")
    if cap is not None:
        total = exp.Greatest(this=exp.Least(this=total, expressions=[_literal(int(cap))]),
                             expressions=[_literal(-int(cap))])
    parts = [exp.to_identifier(p, quoted=True) for p in table.split(".")]
    source = exp.Table(this=parts[-1], db=parts[-2] if len(parts) > 1 else None,
                       catalog=parts[-3] if len(parts) > 2 else None)
    inner_columns: list[exp.Expression] = [exp.Star(), exp.alias_(total, "score", quoted=True)]
    grades = document.get("grades")
    groups = {a["name"]: a.get("group", "fit") for a in document["attributes"]}
    if grades:
        for group in ("fit", "engagement"):
            terms = [points[name] for name in points if groups[name] == group]
            inner_columns.append(exp.alias_(_sum([t.copy() for t in terms]), f"{group}_score", quoted=True))
    inner = exp.select(*inner_columns).from_(source)
    score = exp.column("score", quoted=True)
    middle_columns: list[exp.Expression] = [exp.Star(), exp.alias_(_band_case(score, scale["bands"]), "band",
                                                                   quoted=True)]
    if grades:
        fit = _grade_case(exp.column("fit_score", quoted=True), grades["fit"]["edges"], grades["fit"]["labels"])
        engagement = _grade_case(exp.column("engagement_score", quoted=True), grades["engagement"]["edges"],
                                 grades["engagement"]["labels"])
        middle_columns.append(exp.alias_(exp.DPipe(this=fit, expression=engagement), "grade", quoted=True))
    statement = exp.select(*middle_columns).from_(exp.alias_(exp.Subquery(this=inner), "scored", quoted=True))
    if grades:
        # The SLA reads the grade, so it is one level out.
        sla = exp.Case()
        for cell in grades["cells"]:
            sla = sla.when(exp.EQ(this=exp.column("grade", quoted=True), expression=_literal(str(cell["cell"]))),
                           _literal(str(cell.get("sla", ""))))
        statement = exp.select(exp.Star(), exp.alias_(sla.else_(_literal("")), "sla", quoted=True)).from_(
            exp.alias_(exp.Subquery(this=statement), "graded", quoted=True))
    text = statement.sql(dialect=dialect, pretty=pretty)
    sqlglot.parse_one(text, read=dialect)  # what we write must read back in its own dialect
    return _header(config, dialect, table, grades is not None) + text + "\n"


def _header(config: ScoringConfig, dialect: str, table: str, grades: bool) -> str:
    recipe = config.signals
    derived = [name for name in config.attributes if recipe is not None and name in recipe.outputs]
    raw = [name for name in config.attributes if name not in derived]
    added = ["score", "band"] + (["fit_score", "engagement_score", "grade", "sla"] if grades else [])
    quoted = ".".join(exp.to_identifier(part, quoted=True).sql(dialect=dialect) for part in table.split("."))
    lines = [f"-- calibrate scoring SQL ({dialect}): every column of {quoted} plus {', '.join(added)}",
             f"-- config {config.fingerprint}",
             "-- input columns: " + ", ".join(_comment(name) for name in raw)]
    if derived:
        from calibrate.derive import describe_signal

        lines.append("-- derived signals expected as columns, computed by calibrate from "
                     + ", ".join(_comment(c) for c in recipe.inputs) + (" and the activity log" if
                                                                          recipe.uses_activities else "")
                     + " (the file 'calibrate score' writes holds them):")
        lines += [f"--   {_comment(name)}: {_comment(describe_signal(name))}" for name in derived]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """Text safe inside a ``--`` comment line (no line breaks)."""
    return " ".join(str(text).split())
