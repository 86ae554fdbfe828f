"""The one pass over raw rows, on an engine: pandas, DuckDB or Spark.

Every count calibrate needs follows from one table: for each column, how many
rows hold each (value, outcome value) pair. :func:`value_counts` computes it
on the engine where the data lives, in a single scan: pandas for frames in
memory, DuckDB for CSV and Parquet files read out of core, Spark for data on
a cluster. Values are compared as text (``CAST(... AS VARCHAR)`` on the
engines, the file's text for CSV; an empty cell is blank like NULL), so each
engine returns the same table;
the cleaning rules (placeholders, case and space variants, bins) then apply
in Python to the *distinct* values, and :func:`level_counts` turns the table
into the leads and customers of every attribute level, identical to
:func:`calibrate.counting.count_levels` over the rows.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"demo": ["Yes", "yes ", None, "No"], "stage": ["Won", "Lost", "Won", "Open"]})
>>> value_counts(frame, ["demo"], "stage").to_dict("records")[:2]
[{'column': 'demo', 'value': None, 'target': 'Won', 'rows': 1}, {'column': 'demo', 'value': 'No', 'target': 'Open', 'rows': 1}]
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibrate.attributes import AttributeSpec
from calibrate.errors import DataError

__all__ = ["ENGINES", "level_counts", "spark_frame", "value_counts"]

#: Engines the counting pass runs on.
ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")

_COLUMNS = ["column", "value", "target", "rows"]
#: Columns counted per DuckDB query (grouping sets).
_GROUPING_SETS = 48
_INTEGERS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                       "UBIGINT", "UHUGEINT"})


def _tidy(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """One order and one set of types whatever the engine: columns as given, then value, then target."""
    table = table[_COLUMNS].copy()
    for name in ("value", "target"):
        # An empty cell is NULL to DuckDB's and Spark's CSV readers and "" to pandas': both are blank.
        text = table[name].astype(object)
        table[name] = text.where(text.notna() & (text != ""), None)
    # Merging "" into None can make two rows of one (value, target) pair.
    table = table.groupby(["column", "value", "target"], dropna=False, sort=False)["rows"].sum().reset_index()
    for name in ("value", "target"):
        table[name] = table[name].astype(object).where(table[name].notna(), None)
    table["rows"] = table["rows"].astype(np.int64)
    order = {c: i for i, c in enumerate(columns)}
    key = pd.DataFrame({"c": table["column"].map(order), "vn": table["value"].isna(), "v": table["value"].fillna(""),
                        "tn": table["target"].isna(), "t": table["target"].fillna("")})
    # Missing first within a column (False sorts before True, so flip), then text order.
    key["vn"], key["tn"] = ~key["vn"], ~key["tn"]
    ranked = key.sort_values(["c", "vn", "v", "tn", "t"], kind="stable").index
    return table.loc[ranked].reset_index(drop=True)


def _pandas(source: pd.DataFrame | str | os.PathLike[str], columns: Sequence[str], target: str) -> pd.DataFrame:
    from calibrate.io import read_leads

    frame = read_leads(source)
    blocks = []
    for column in columns:
        pair = pd.DataFrame({"value": _as_text(frame[column]), "target": _as_text(frame[target])})
        counted = pair.groupby(["value", "target"], dropna=False, sort=False).size().reset_index(name="rows")
        blocks.append(counted.assign(column=column))
    return pd.concat(blocks, ignore_index=True)


def _as_text(values: pd.Series) -> pd.Series:
    """Cell values as the engines' CAST to text gives them (None when missing)."""
    text = values.astype(object).where(values.notna(), None)
    return text.map(lambda v: v if v is None or isinstance(v, str) else str(v), na_action="ignore")


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _duckdb_relation(source: pd.DataFrame | str | os.PathLike[str]) -> tuple[Any, str]:
    import duckdb

    con = duckdb.connect()
    if isinstance(source, pd.DataFrame):
        con.register("source_frame", source)
        return con, "source_frame"
    path = Path(source)
    if not path.is_file():
        raise DataError(f"file not found: '{path}'; check the path")
    literal = "'" + str(path).replace("'", "''") + "'"
    if path.suffix.lower() in (".parquet", ".pq"):
        return con, f"read_parquet({literal})"
    return con, f"read_csv({literal}, header = true, all_varchar = true)"


def _duckdb(source: pd.DataFrame | str | os.PathLike[str], columns: Sequence[str], target: str,
            where: str | None = None, values: Mapping[str, str] | None = None) -> pd.DataFrame:
    if not columns:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in _COLUMNS})
    con, relation = _duckdb_relation(source)
    values = values or {}
    rows = con.sql(f"SELECT * FROM {relation}")  # not run: only its column types are read
    kinds = {str(c): str(kind) for c, kind in zip(rows.columns, rows.types)}
    # Integers are grouped as they are and cast to text once per group: the text of an integer is the integer.
    keys = {c: values.get(c) or (_quote(c) if kinds.get(c) in _INTEGERS else f"CAST({_quote(c)} AS VARCHAR)")
            for c in columns}
    # Each grouping set costs DuckDB a fixed effort that grows with the number of sets in the query, so wide
    # tables are counted in batches of columns, one scan each.
    batches = [columns[i:i + _GROUPING_SETS] for i in range(0, len(columns), _GROUPING_SETS)]
    return pd.concat([_duckdb_batch(con, relation, {c: keys[c] for c in batch}, target, where) for batch in batches],
                     ignore_index=True)


def _duckdb_batch(con: Any, relation: str, keys: Mapping[str, str], target: str, where: str | None) -> pd.DataFrame:
    names = [f"__calibrate_key{i}" for i in range(len(keys))]
    # One scan, one grouping set per column: each row is counted once per column without being copied out
    # into (column, value) pairs first (an UNNEST of every row made that pass several times slower). In a
    # column's set the other keys are NULL, so COALESCE gives its value and GROUPING tells which column it is.
    which = " ".join(f"WHEN GROUPING({n}) = 0 THEN {_quote_literal(c)}" for n, c in zip(names, keys))
    keyed = ", ".join(f"{k} AS {n}" for k, n in zip(keys.values(), names))
    sets = ", ".join(f"({n}, __calibrate_target)" for n in names)
    text = ", ".join(f"CAST({n} AS VARCHAR)" for n in names)
    query = (f"SELECT CASE {which} END AS \"column\", COALESCE({text}) AS \"value\", "
             f"__calibrate_target AS \"target\", COUNT(*) AS \"rows\" FROM (SELECT {keyed}, "
             f"CAST({_quote(target)} AS VARCHAR) AS __calibrate_target FROM {relation}"
             f"{f' WHERE {where}' if where else ''}) GROUP BY GROUPING SETS ({sets})")
    return con.execute(query).df()


def _quote_literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def spark_frame(source: Any, spark: Any) -> Any:
    """A Spark DataFrame of ``source``: a pandas DataFrame, a CSV or Parquet path, or a Spark DataFrame."""
    if isinstance(source, pd.DataFrame):
        return spark.createDataFrame(source.astype(object).where(source.notna(), None))
    if isinstance(source, (str, os.PathLike)):
        path = str(source)
        if not Path(path).exists():
            raise DataError(f"file not found: '{path}'; check the path")
        return (spark.read.parquet(path) if path.lower().endswith((".parquet", ".pq"))
                else spark.read.option("header", "true").option("inferSchema", "false").csv(path))
    return source  # a Spark DataFrame


def _spark(source: Any, columns: Sequence[str], target: str, spark: Any, where: str | None = None,
           values: Mapping[str, str] | None = None) -> pd.DataFrame:
    from pyspark.sql import functions as F

    frame = spark_frame(source, spark)
    if where:
        frame = frame.where(F.expr(where))
    values = values or {}
    pairs = F.explode(F.array(*[F.struct(F.lit(c).alias("column"), (F.expr(values[c]) if c in values else
                                                                     F.col(f"`{c}`").cast("string")).alias("value"))
                                for c in columns]))
    exploded = frame.select(F.col(f"`{target}`").cast("string").alias("target"), pairs.alias("pair"))
    grouped = exploded.groupBy(F.col("pair.column").alias("column"), F.col("pair.value").alias("value"),
                               "target").count().withColumnRenamed("count", "rows")
    return grouped.toPandas()


def value_counts(source: Any, columns: Sequence[str], target: str, *, engine: str = "pandas",
                 spark: Any = None, where: str | None = None,
                 values: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rows per (column, value, outcome value) in one pass over the rows.

    Parameters
    ----------
    source : DataFrame, path or Spark DataFrame
        The leads: a pandas DataFrame, a CSV or Parquet file, or (Spark) a
        Spark DataFrame.
    columns : sequence of str
        The columns to count.
    target : str
        The outcome column.
    engine : {"pandas", "duckdb", "spark"}
        Where the pass runs. DuckDB reads CSV (every cell as text) and
        Parquet directly, out of core; Spark needs ``spark=`` (a session).
    spark : SparkSession, optional
        The session, for ``engine="spark"``.
    where : str, optional
        A SQL condition in the engine's dialect: only rows meeting it are
        counted (DuckDB and Spark).
    values : mapping of column to SQL, optional
        DuckDB and Spark: a text expression counted instead of a column's
        own text (e.g. its bin, for numbers with millions of distinct values).

    Returns
    -------
    pandas.DataFrame
        Columns ``column``, ``value`` (text, ``None`` when missing),
        ``target`` (text or ``None``) and ``rows``; in the order of
        ``columns``, then missing first, then by text. Identical across
        engines for the same data.

    Raises
    ------
    DataError
        An unknown engine, a missing column, or Spark without a session.
    """
    if engine not in ENGINES:
        raise DataError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)} (CLI --engine)")
    columns = [str(c) for c in columns]
    if engine == "pandas":
        if where or values:
            raise DataError("where= and values= are for the SQL engines (duckdb, spark); filter the DataFrame instead")
        table = _pandas(source, columns, target)
    elif engine == "duckdb":
        table = _duckdb(source, columns, target, where, values)
    else:
        if spark is None:
            raise DataError("engine='spark' needs a Spark session: pass spark=SparkSession.builder.getOrCreate()")
        table = _spark(source, columns, target, spark, where, values)
    return _tidy(table, columns)


def level_counts(specs: Sequence[AttributeSpec], table: pd.DataFrame,
                 outcome_of: Mapping[Any, int | None]) -> pd.DataFrame:
    """Leads and customers per attribute level, from :func:`value_counts`.

    Parameters
    ----------
    specs : sequence of AttributeSpec
        The attributes (their ``encode`` runs on the distinct values only).
    table : pandas.DataFrame
        Output of :func:`value_counts` for (at least) the specs' columns.
    outcome_of : mapping
        Outcome value (text, or ``None`` for blank) -> 1 (customer), 0, or
        ``None`` (left out: undecided or blank). Values not in the mapping
        are left out.

    Returns
    -------
    pandas.DataFrame
        As :func:`calibrate.counting.count_levels`: indexed by
        ``(attribute, level)``, columns ``leads``, ``customers``,
        ``level_kind``.
    """
    target = table["target"].map(lambda v: outcome_of.get(v), na_action=None)
    kept = table[target.notna().to_numpy()]
    y = target[target.notna()].to_numpy(dtype=np.int64)
    blocks = []
    for spec in specs:
        mine = (kept["column"] == spec.name).to_numpy()
        rows = kept[mine]
        codes = spec.encode(rows["value"].reset_index(drop=True))
        labels = spec.level_labels
        weights = rows["rows"].to_numpy(dtype=np.int64)
        leads = np.bincount(codes, weights=weights, minlength=len(labels)).astype(np.int64)
        customers = np.bincount(codes, weights=weights * y[mine], minlength=len(labels)).astype(np.int64)
        index = pd.MultiIndex.from_arrays([[spec.name] * len(labels), labels], names=["attribute", "level"])
        blocks.append(pd.DataFrame({"leads": leads, "customers": customers, "level_kind": spec.level_kinds},
                                   index=index))
    return pd.concat(blocks)
