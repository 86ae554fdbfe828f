"""Fitting on an engine: counts over every row, row-level steps on a stratified sample.

A lead table too big for memory stays where it is: a Parquet or CSV file that
DuckDB reads out of core, or a Spark DataFrame on a cluster. calibrate then
makes three passes over it on the engine:

1. the outcome values per side of the holdout split, counted. The split is a
   hash of each row's content (with ``random_state``), so it does not depend
   on the order of the rows;
2. a stratified sample of the training leads (``sample_size`` leads, exactly
   the data's share of customers) and a sample of the held-out leads, fetched
   into memory;
3. rows per (column, value, outcome) for the columns chosen on the sample,
   over every training lead (:func:`calibrate.engines.value_counts`).

Which columns become attributes, and whether numeric or categorical, is
decided on the sample. The levels are then set from the full counts
(:func:`refine_specs`): the categorical values reaching ``min_support``, and
numeric quantile bins computed from the counted values, exactly the bins the
in-memory path finds on the same leads (no approximate quantiles are needed,
since each distinct value's rows are known). Close rates, tests and lift
points use the full counts; the row-level steps (the multivariate methods,
the redundancy check, the score distribution, grades and the backtest) use
the samples, and the summary says so.

Examples
--------
>>> import pandas as pd
>>> leads = pd.DataFrame({"source": ["web", "event"] * 500, "won": [1, 0, 0, 0] * 250})
>>> table = EngineTable(leads, "duckdb")
>>> drawn = draw_engine_sample(table, "won", holdout=None, sample_size=400)
>>> drawn.train_leads, len(drawn.train), int(drawn.train_y.sum())
(1000, 400, 100)
"""

from __future__ import annotations

import hashlib
import math
import os
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibrate.attributes import (
    AttributeSpec,
    CategoricalSpec,
    NumericSpec,
    merge_small_bins,
    nice_edges,
    to_numbers,
)
from calibrate.cleaning import DEFAULT_PLACEHOLDERS, factorize_keys
from calibrate.engines import ENGINES, _duckdb_relation, spark_frame
from calibrate.errors import DataError, DataQualityWarning
from calibrate.target import Outcome, resolve_target

__all__ = ["AUTO_DUCKDB_BYTES", "DEFAULT_SAMPLE_SIZE", "choose_engine", "EngineTable", "EngineSample",
           "draw_engine_sample", "refine_specs", "engine_notes",
           "binned_on_engine", "EXACT_DISTINCT_VALUES"]

#: Files at least this big are fitted on DuckDB unless an engine is named.
AUTO_DUCKDB_BYTES = 512 * 2**20
#: Training leads fetched into memory for the row-level steps.
DEFAULT_SAMPLE_SIZE = 250_000
_BUCKETS = 1_000_000


def _is_spark_frame(data: Any) -> bool:
    return type(data).__module__.startswith("pyspark.") and hasattr(data, "createOrReplaceTempView")


def choose_engine(data: Any, engine: str | None = None) -> tuple[str, str]:
    """The engine a fit runs on, and why.

    A Spark DataFrame runs on Spark; a CSV or Parquet file of at least
    :data:`AUTO_DUCKDB_BYTES` on DuckDB; anything else in memory (pandas).

    Examples
    --------
    >>> import pandas as pd
    >>> choose_engine(pd.DataFrame({"a": [1]}))
    ('pandas', 'a DataFrame in memory')
    >>> choose_engine("leads.parquet", "duckdb")
    ('duckdb', 'engine chosen by the user')
    """
    if engine not in (None, "auto", *ENGINES):
        raise DataError(f"unknown engine {engine!r}; choose one of auto, {', '.join(ENGINES)} (CLI --engine)")
    if engine not in (None, "auto"):
        return str(engine), "engine chosen by the user"
    if _is_spark_frame(data):
        return "spark", "a Spark DataFrame"
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        if path.suffix.lower() in (".csv", ".txt", ".tsv", ".parquet", ".pq") and path.is_file() \
                and path.stat().st_size >= AUTO_DUCKDB_BYTES:
            return "duckdb", (f"a {path.stat().st_size / 2**30:.1f} GiB file (at least "
                              f"{AUTO_DUCKDB_BYTES / 2**20:.0f} MiB), read out of core")
        return "pandas", "a file small enough to read into memory"
    return "pandas", "a DataFrame in memory"


class EngineTable:
    """A lead table on DuckDB or Spark, queried with SQL in the engine's dialect.

    Parameters
    ----------
    source : DataFrame, path or Spark DataFrame
        A CSV or Parquet file (DuckDB reads CSV cells as text), a pandas
        DataFrame, or (Spark) a Spark DataFrame.
    engine : {"duckdb", "spark"}
    spark : SparkSession, optional
        Needed for ``engine="spark"``.
    """

    def __init__(self, source: Any, engine: str, *, spark: Any = None) -> None:
        if engine not in ("duckdb", "spark"):
            raise DataError(f"EngineTable runs on duckdb or spark, not {engine!r}")
        self.engine, self.source, self.spark = engine, source, spark
        if engine == "duckdb":
            if isinstance(source, (str, os.PathLike)) and Path(source).suffix.lower() in (".xlsx", ".xls", ".xlsm"):
                raise DataError(f"'{source}': DuckDB reads CSV and Parquet; fit Excel files with engine='pandas'")
            self._con, relation = _duckdb_relation(source)
            self._con.execute(f"CREATE TEMP VIEW calibrate_leads AS SELECT * FROM {relation}")
            self.relation = "calibrate_leads"
            self.columns: list[str] = [str(r[0]) for r in self._con.execute("DESCRIBE calibrate_leads").fetchall()]
        else:
            if spark is None and _is_spark_frame(source):
                spark = self.spark = source.sparkSession
            if spark is None:
                raise DataError("engine='spark' needs a Spark session: pass spark=SparkSession.builder.getOrCreate()")
            frame = spark_frame(source, spark)
            self.relation = f"calibrate_leads_{uuid.uuid4().hex}"
            frame.createOrReplaceTempView(self.relation)
            self.columns = [str(c) for c in frame.columns]

    def quote(self, name: str) -> str:
        """The column name as an identifier of the engine's SQL."""
        if self.engine == "duckdb":
            return '"' + name.replace('"', '""') + '"'
        return "`" + name.replace("`", "``") + "`"

    def literal(self, text: str) -> str:
        """A string literal of the engine's SQL."""
        escaped = text.replace("'", "''") if self.engine == "duckdb" else text.replace("\\", "\\\\").replace("'", "\\'")
        return "'" + escaped + "'"

    def text(self, name: str) -> str:
        """The column cast to text, as :func:`calibrate.engines.value_counts` compares values."""
        return f"CAST({self.quote(name)} AS {'VARCHAR' if self.engine == 'duckdb' else 'STRING'})"

    def row_hash(self, seed: int) -> str:
        """A 64-bit hash of the row's content (every column) and ``seed``."""
        columns = ", ".join(self.quote(c) for c in self.columns)
        return f"hash({int(seed)}, {columns})" if self.engine == "duckdb" else f"xxhash64({int(seed)}, {columns})"

    def bucket(self, seed: int) -> str:
        """The row's bucket in ``0 .. 999,999``, uniform over rows: the holdout and the samples cut on it."""
        if self.engine == "duckdb":
            return f"CAST({self.row_hash(seed)} % {_BUCKETS} AS BIGINT)"
        return f"pmod({self.row_hash(seed)}, {_BUCKETS})"

    def query(self, sql: str) -> pd.DataFrame:
        """Run a SELECT on the engine; the result as a pandas DataFrame."""
        if self.engine == "duckdb":
            return self._con.execute(sql).df()
        return self.spark.sql(sql).toPandas()

    def check_columns(self, names: Sequence[str], what: str) -> None:
        """Raise a DataError naming any of ``names`` not in the table."""
        from calibrate.target import suggest_columns

        missing = [n for n in names if n not in self.columns]
        if missing:
            raise DataError(f"{what} {missing} not in the data{suggest_columns(str(missing[0]), self.columns)}")

    def duplicate_ids(self, id_column: str, limit: int = 5) -> pd.DataFrame:
        """Lead ids on more than one row (most repeated first), up to ``limit``."""
        key = self.quote(id_column)
        return self.query(f"SELECT {key} AS id, COUNT(*) AS n_rows FROM {self.relation} WHERE {key} IS NOT NULL "
                          f"GROUP BY {key} HAVING COUNT(*) > 1 ORDER BY n_rows DESC, id LIMIT {int(limit)}")


@dataclass
class EngineSample:
    """What the engine passes give a fit: full counts of the outcome and samples of rows.

    Attributes
    ----------
    rows : int
        Rows in the table.
    outcome : Outcome
        The outcome resolved over the distinct outcome values (``y`` and
        ``keep`` per distinct value; the row counts over every row).
    outcome_of : dict
        Outcome text (as the engine casts it; ``None`` for blank) -> 1, 0 or
        ``None`` (left out).
    train_leads, train_customers, test_leads, test_customers : int
        Decided leads and customers on each side of the split, over every row.
    train, test : pandas.DataFrame
        The samples (``test`` is ``None`` without a holdout), rows ordered by
        their hash.
    train_y, test_y : numpy.ndarray
        Their outcomes.
    train_where : str
        SQL condition selecting every decided training lead.
    split : str
        How the split was made, for the summary.
    fingerprint : str
        ``sha256:`` of the columns and an order-free digest of the row hashes.
    """

    engine: str
    rows: int
    outcome: Outcome
    outcome_of: dict[str | None, int | None]
    train_leads: int
    train_customers: int
    test_leads: int
    test_customers: int
    train: pd.DataFrame
    train_y: np.ndarray
    test: pd.DataFrame | None
    test_y: np.ndarray | None
    train_where: str
    split: str
    fingerprint: str


def _outcome_counts(table: EngineTable, target: str, *, cut: int, seed: int) -> pd.DataFrame:
    bucket, row_hash = table.bucket(seed), table.row_hash(seed)
    if table.engine == "duckdb":
        digest = f"bit_xor({row_hash}) AS hash_xor, SUM({bucket}) AS bucket_sum"
    else:
        digest = f"bit_xor({row_hash}) AS hash_xor, SUM(CAST({bucket} AS BIGINT)) AS bucket_sum"
    # Distinct rows (approximate, HyperLogLog): identical rows hash alike and share a side of the split.
    digest += f", approx_count_distinct({row_hash}) AS distinct_rows"
    return table.query(f"SELECT {table.quote(target)} AS value, {table.text(target)} AS text, "
                       f"{bucket} < {cut} AS held_out, COUNT(*) AS n_rows, {digest} FROM {table.relation} "
                       "GROUP BY 1, 2, 3")


def _fetch(table: EngineTable, target: str, decided_texts: list[str], *, low: int, high: int, seed: int) -> pd.DataFrame:
    values = ", ".join(table.literal(t) for t in decided_texts)
    # The hash once per row, in a subquery: the filter and the sort key both read it.
    modulo = (f"(__calibrate_hash % {_BUCKETS})" if table.engine == "duckdb"
              else f"pmod(__calibrate_hash, {_BUCKETS})")
    rows = table.query(f"SELECT *, {modulo} AS __calibrate_bucket FROM (SELECT *, {table.row_hash(seed)} AS "
                       f"__calibrate_hash, {table.text(target)} AS __calibrate_outcome FROM {table.relation}) "
                       f"WHERE {modulo} >= {low} AND {modulo} < {high} AND __calibrate_outcome IN ({values})")
    return rows.sort_values(["__calibrate_bucket", "__calibrate_hash"], kind="stable").reset_index(drop=True)


def _sample_side(table: EngineTable, target: str, outcome_of: dict[str | None, int | None], *, low: int, high: int,
                 wanted: dict[int, int], total: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``wanted[y]`` rows of each outcome from buckets ``[low, high)``: the ones with the smallest hashes."""
    decided = [t for t, y in outcome_of.items() if t is not None and y is not None]
    need = sum(wanted.values())
    share = min(1.0, 1.1 * need / max(total, 1) + 2000 / max(total, 1))
    while True:
        upper = high if share >= 1 else low + math.ceil((high - low) * share)
        rows = _fetch(table, target, decided, low=low, high=upper, seed=seed)
        y = rows["__calibrate_outcome"].map(outcome_of).to_numpy(dtype=np.int64)
        enough = all(int((y == k).sum()) >= n for k, n in wanted.items())
        if enough or upper >= high:
            break
        share *= 2
    order = pd.Series(y).groupby(y).cumcount().to_numpy()
    keep = order < np.array([wanted.get(int(k), 0) for k in y], dtype=np.int64)
    helpers = ["__calibrate_bucket", "__calibrate_hash", "__calibrate_outcome"]
    sample = rows.loc[keep].drop(columns=helpers).reset_index(drop=True)
    return sample, y[keep].astype(np.int8)


def draw_engine_sample(table: EngineTable, target: str, *, positive: Sequence[object] | None = None,
                       exclude: Sequence[object] = (), placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
                       holdout: float | None = 0.25, seed: int = 0,
                       sample_size: int = DEFAULT_SAMPLE_SIZE) -> EngineSample:
    """Resolve the outcome, split and sample the rows on the engine (passes 1 and 2).

    Parameters
    ----------
    table : EngineTable
    target : str
        The outcome column.
    positive, exclude, placeholders
        As :func:`calibrate.target.resolve_target`.
    holdout : float, optional
        Share of leads held out (by row hash); ``None`` for none.
    seed : int
        Seeds the row hash, hence the split and the samples.
    sample_size : int
        Training leads fetched (all of them when fewer); the held-out sample
        is capped at the same size.

    Returns
    -------
    EngineSample
    """
    table.check_columns([target], "target column")
    if sample_size < 100:
        raise DataError(f"sample_size must be at least 100 leads, got {sample_size}")
    cut = round((holdout or 0) * _BUCKETS)
    counts = _outcome_counts(table, target, cut=cut, seed=seed)
    distinct = counts.groupby("text", dropna=False, sort=True).agg(value=("value", "first"), n_rows=("n_rows", "sum"))
    distinct = distinct.reset_index()
    outcome = resolve_target(pd.DataFrame({target: distinct["value"].astype(object)}), target, positive=positive,
                             exclude=exclude, placeholders=placeholders, weights=distinct["n_rows"].to_numpy())
    y_of_distinct = np.full(len(distinct), -1, dtype=np.int64)
    y_of_distinct[outcome.keep] = outcome.y
    outcome_of: dict[str | None, int | None] = {
        (None if pd.isna(t) else str(t)): (None if y < 0 else int(y)) for t, y in zip(distinct["text"], y_of_distinct)}
    texts = counts["text"].map(lambda t: None if pd.isna(t) else str(t))
    y = texts.map(outcome_of)
    decided = y.notna().to_numpy()
    held = counts["held_out"].astype(bool).to_numpy()
    n = counts["n_rows"].to_numpy(dtype=np.int64)
    positive_rows = decided & (y.fillna(0).to_numpy() == 1)
    by_side = {side: (int(n[decided & mask].sum()), int(n[positive_rows & mask].sum()))
               for side, mask in (("train", ~held), ("test", held))}
    distinct_rows = int(counts["distinct_rows"].sum())
    if cut and distinct_rows < 0.5 * n.sum():
        warnings.warn(f"only {distinct_rows:,} distinct rows among {int(n.sum()):,} (approximately): identical rows "
                      "hash alike and fall on the same side of the holdout, so the split is coarse; add the lead id "
                      "column to the table", DataQualityWarning, stacklevel=3)
    train_leads, train_customers = by_side["train"]
    test_leads, test_customers = by_side["test"]
    if train_customers in (0, train_leads) or train_leads < 2:
        raise DataError(f"the training side of the split has {train_leads:,} decided leads and {train_customers:,} "
                        "customers; a close rate needs both outcomes: lower holdout or check the target")

    share = min(1.0, sample_size / train_leads)
    wanted = {1: round(share * train_customers), 0: round(share * (train_leads - train_customers))}
    train, train_y = _sample_side(table, target, outcome_of, low=cut, high=_BUCKETS, wanted=wanted,
                                  total=train_leads, seed=seed)
    test = test_y = None
    if cut and test_leads:
        take = min(test_leads, sample_size)
        test_share = take / test_leads
        test_wanted = {1: round(test_share * test_customers), 0: take - round(test_share * test_customers)}
        test, test_y = _sample_side(table, target, outcome_of, low=0, high=cut, wanted=test_wanted,
                                    total=test_leads, seed=seed)
    decided_texts = ", ".join(table.literal(t) for t, v in outcome_of.items() if t is not None and v is not None)
    train_where = f"{table.bucket(seed)} >= {cut} AND {table.text(target)} IN ({decided_texts})"
    sampled = "every training lead" if share >= 1 else f"a stratified sample of {len(train):,} training leads"
    split = (f"hash of each row's content (seed {seed}): {holdout:.0%} of leads held out on {table.engine}; "
             f"counts over all {train_leads:,} training leads, row-level steps on {sampled}"
             if cut else f"none: fitted on all leads on {table.engine}; row-level steps on {sampled}")
    digest = hashlib.sha256()
    digest.update("\x1f".join(sorted(table.columns)).encode("utf-8"))
    hash_xor = int(np.bitwise_xor.reduce(counts["hash_xor"].astype("int64").to_numpy())) if len(counts) else 0
    digest.update(f"{table.engine}|{int(n.sum())}|{hash_xor}|{int(counts['bucket_sum'].sum())}".encode())
    return EngineSample(
        engine=table.engine, rows=int(n.sum()), outcome=outcome, outcome_of=outcome_of, train_leads=train_leads,
        train_customers=train_customers, test_leads=test_leads, test_customers=test_customers, train=train,
        train_y=train_y, test=test, test_y=test_y, train_where=train_where, split=split,
        fingerprint="sha256:" + digest.hexdigest())


#: A numeric column with more distinct values than this in the sample is binned on the engine.
EXACT_DISTINCT_VALUES = 2_000


def binned_on_engine(table: EngineTable, specs: Sequence[AttributeSpec], sample: pd.DataFrame) -> dict[str, str]:
    """SQL giving each row's bin, for numeric columns with too many distinct values to count one by one.

    Counting every distinct amount of 100 million leads would hold 100 million
    groups; these columns keep the bins found on the sample (its quantiles:
    approximate) and the engine counts rows per bin. Each bin is counted
    under a number inside it (its lower edge), so the counts read back as
    any value would. Other columns are counted value by value and binned
    exactly (:func:`refine_specs`).
    """
    sql: dict[str, str] = {}
    for spec in specs:
        if not isinstance(spec, NumericSpec) or sample[spec.name].nunique() <= EXACT_DISTINCT_VALUES:
            continue
        column = table.quote(spec.name)
        number = f"TRY_CAST({column} AS DOUBLE)"
        first = spec.observed_min if spec.observed_min is not None and (
            not spec.edges or spec.observed_min < spec.edges[0]) else (spec.edges[0] - 1 if spec.edges else 0.0)
        inside = [first, *spec.edges]
        cases = " ".join(f"WHEN {number} < {edge!r} THEN {table.literal(repr(float(low)))}"
                         for edge, low in zip(spec.edges, inside[:-1], strict=True))
        sql[spec.name] = (f"CASE WHEN {column} IS NULL THEN NULL WHEN {number} IS NULL THEN {table.text(spec.name)} "
                          f"WHEN isnan({number}) THEN NULL {cases} ELSE {table.literal(repr(float(inside[-1])))} END")
    return sql


def refine_specs(specs: Sequence[AttributeSpec], table: pd.DataFrame, *, min_support: int, n_bins: int,
                 user_bins: Sequence[str] = ()) -> list[AttributeSpec]:
    """Set the levels of specs chosen on a sample from the counts over every row (pass 3).

    Parameters
    ----------
    specs : sequence of AttributeSpec
        Specs inferred on the sample.
    table : pandas.DataFrame
        :func:`calibrate.engines.value_counts` of the specs' columns over the
        training leads.
    min_support, n_bins : int
        As :func:`calibrate.attributes.infer_attributes`.
    user_bins : sequence of str
        Numeric columns whose edges stay as they are: given by the user, or
        binned on the engine (:func:`binned_on_engine`).

    Returns
    -------
    list of AttributeSpec
        Categorical specs keep the values with at least ``min_support`` leads
        and pool the rest; numeric specs get the quantile bins of the counted
        values (the in-memory path's rule, weighted by rows).

    Warns
    -----
    DataQualityWarning
        A numeric column holds text in rows the sample did not see; those
        rows are counted, and later scored, as ``(unseen)``.
    """
    per_value = table.groupby(["column", "value"], dropna=False, sort=False)["rows"].sum().reset_index()
    refined: list[AttributeSpec] = []
    for spec in specs:
        mine = per_value[per_value["column"] == spec.name]
        values = mine["value"].astype(object).reset_index(drop=True)
        rows = mine["rows"].to_numpy(dtype=np.int64)
        if isinstance(spec, NumericSpec):
            if spec.name in user_bins:
                refined.append(spec)
                continue
            numbers, unparseable = to_numbers(values, spec.placeholders)
            if unparseable.any():
                examples = ", ".join(repr(v) for v in values[unparseable].head(3))
                warnings.warn(f"numeric column {spec.name!r}: {int(rows[unparseable].sum()):,} row(s) outside the "
                              f"sample hold text that is not a number (e.g. {examples}); they count as (unseen). "
                              "Clean the column or fit it as a category (categorical=[...])", DataQualityWarning,
                              stacklevel=3)
            finite = np.isfinite(numbers)
            if not finite.any():
                refined.append(spec)
                continue
            integer = bool(np.all(np.mod(numbers[finite], 1) == 0))
            edges = merge_small_bins(numbers, nice_edges(numbers, n_bins, integer=integer, weights=rows), min_support,
                                     weights=rows)
            refined.append(NumericSpec(spec.name, edges=edges, integer=integer,
                                       observed_min=float(numbers[finite].min()), placeholders=spec.placeholders))
            continue
        factorized = factorize_keys(values, spec.placeholders, weights=rows)
        labels, key_rows = factorized.labels, factorized.counts
        order = sorted(range(len(labels)), key=lambda i: (-key_rows[i], labels[i]))
        kept = [labels[i] for i in order if key_rows[i] >= min_support]
        pooled = sorted(labels[i] for i in order if key_rows[i] < min_support)
        refined.append(CategoricalSpec(spec.name, levels=kept, other_values=pooled, placeholders=spec.placeholders)
                       if kept else spec)
    return refined


def engine_notes(notes: Sequence[Any], specs: Sequence[AttributeSpec], counts: pd.DataFrame, *, min_support: int,
                 n_bins: int, user_bins: Sequence[str] = (), sampled: Sequence[str] = ()) -> list[Any]:
    """The cleaning notes of a sample, with the bins and pooled values restated from the full counts."""
    from calibrate.attributes import OTHER, CleaningNote

    new: dict[tuple[str, str], Any] = {}
    for spec in specs:
        if isinstance(spec, NumericSpec):
            how = ("user-given edges" if spec.name in user_bins else
                   "quantile edges of the sample (approximate: too many distinct values to count one by one; "
                   "the leads per bin are counted over every lead)" if spec.name in sampled else
                   f"quantile edges of every training lead ({n_bins} bins asked, rounded to 2 significant figures, "
                   f"bins under {min_support} leads merged)")
            new[(spec.name, "binned")] = CleaningNote(spec.name, "binned", f"{len(spec.edges) + 1} bins by {how}: "
                                                                          f"{', '.join(spec.labels)}")
        elif spec.other_values:
            rows = int(counts.loc[(spec.name, OTHER), "leads"])
            new[(spec.name, "pooled")] = CleaningNote(spec.name, "pooled", f"{len(spec.other_values)} value(s) under "
                                                                          f"{min_support} leads pooled into {OTHER}", rows)
    names = {spec.name for spec in specs}
    restated: list[Any] = []
    for note in notes:
        if note.kind in ("binned", "pooled") and note.column in names:
            if (note.column, note.kind) in new:  # in the sample's place, restated from the full counts
                restated.append(new.pop((note.column, note.kind)))
            continue
        restated.append(note)
    return restated + list(new.values())
