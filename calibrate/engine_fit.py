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

import contextlib
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
import pyarrow.compute as pc

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
from calibrate.parallel import map_columns
from calibrate.target import Outcome, resolve_target

__all__ = ["AUTO_DUCKDB_BYTES", "CSV_BYTES_PER_CELL", "DEFAULT_SAMPLE_SIZE", "EXACT_DISTINCT_VALUES", "EngineSample",
           "EngineTable", "binned_on_engine", "choose_engine", "draw_engine_sample", "engine_notes", "refine_specs"]

#: Files at least this big are fitted on DuckDB unless an engine is named (a Parquet file: as CSV text).
AUTO_DUCKDB_BYTES = 512 * 2**20
#: Bytes a cell of a lead table takes as CSV text, about (7.0 on the scale benchmark's table, 6.8 on X
#: Education's export): a Parquet file is compressed, so its size in memory is judged by its cells.
CSV_BYTES_PER_CELL = 7
#: Training leads fetched into memory for the row-level steps.
DEFAULT_SAMPLE_SIZE = 250_000
_BUCKETS = 1_000_000
# A side's first fetch reads this many times its share of buckets, plus this many rows' worth: enough of each
# outcome nearly always, so a second pass over the table is rare.
_OVERFETCH, _OVERFETCH_ROWS = 1.1, 2000


def _is_spark_frame(data: Any) -> bool:
    return type(data).__module__.startswith("pyspark.") and hasattr(data, "createOrReplaceTempView")


def choose_engine(data: Any, engine: str | None = None, *, in_memory_for: Sequence[str] = ()) -> tuple[str, str]:
    """The engine a fit runs on, and why.

    A Spark DataFrame runs on Spark; a CSV file of at least
    :data:`AUTO_DUCKDB_BYTES`, or a Parquet file whose rows x columns would
    take that much as CSV (:data:`CSV_BYTES_PER_CELL` bytes a cell, from
    the file's footer), on DuckDB, unless ``in_memory_for`` names options
    that need every lead in memory (activity logs, CSV reading options): then
    such a file, like anything else, is read into memory (pandas). An engine
    named by the user is kept as it is.

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
        if path.suffix.lower() in (".csv", ".txt", ".tsv", ".parquet", ".pq") and path.is_file():
            size, what = _text_size(path)
            if size >= AUTO_DUCKDB_BYTES:
                if in_memory_for:
                    return "pandas", (f"{what}, read into memory all the same: {', '.join(in_memory_for)} "
                                      "need(s) every lead in memory")
                return "duckdb", f"{what} (at least {AUTO_DUCKDB_BYTES / 2**20:.0f} MiB), read out of core"
        return "pandas", "a file small enough to read into memory"
    return "pandas", "a DataFrame in memory"


def _text_size(path: Path) -> tuple[int, str]:
    """A file's size as CSV text, and how it was judged (a Parquet file by the cells its footer counts)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            metadata = pq.ParquetFile(path).metadata
        except (OSError, ValueError):  # not a Parquet file after all: reading it says why
            return path.stat().st_size, f"a {path.stat().st_size / 2**30:.1f} GiB file"
        size = metadata.num_rows * metadata.num_columns * CSV_BYTES_PER_CELL
        return size, (f"a Parquet file of {metadata.num_rows:,} rows x {metadata.num_columns} columns, about "
                      f"{size / 2**30:.1f} GiB as CSV")
    return path.stat().st_size, f"a {path.stat().st_size / 2**30:.1f} GiB file"


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
            import duckdb

            if isinstance(source, (str, os.PathLike)) and Path(source).suffix.lower() in (".xlsx", ".xls", ".xlsm"):
                raise DataError(f"'{source}': DuckDB reads CSV and Parquet; fit Excel files with engine='pandas'")
            self._con, relation = _duckdb_relation(source)
            self._con.execute(f"CREATE TEMP VIEW calibrate_leads AS SELECT * FROM {relation}")
            # UUID, HUGEINT, JSON and BIT read back from Arrow as themselves (the sample's fetch relies on it);
            # a DuckDB without the setting sends such columns the slower way.
            with contextlib.suppress(duckdb.Error):
                self._con.execute("SET arrow_lossless_conversion = true")
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


@dataclass
class _Side:
    """One side of the split to sample: buckets ``[low, high)``, ``wanted[y]`` rows of each outcome out of ``total``."""

    low: int
    high: int
    wanted: dict[int, int]
    total: int


def _fetch_sql(table: EngineTable, outcome_sql: str, ranges: Sequence[tuple[int, int]], seed: int) -> str:
    # The hash once per row, in a subquery: the filter and the sort key both read it.
    modulo = (f"(__calibrate_hash % {_BUCKETS})" if table.engine == "duckdb"
              else f"pmod(__calibrate_hash, {_BUCKETS})")
    within = " OR ".join(f"({modulo} >= {low} AND {modulo} < {high})" for low, high in ranges)
    return (f"SELECT *, {modulo} AS __calibrate_bucket FROM (SELECT *, {table.row_hash(seed)} AS __calibrate_hash, "
            f"{outcome_sql} AS __calibrate_y FROM {table.relation}) WHERE ({within}) AND __calibrate_y IS NOT NULL")


def _fetch(table: EngineTable, outcome_sql: str, ranges: Sequence[tuple[int, int]],
           seed: int) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """The decided rows in any of the bucket ranges, unordered, and their bucket, hash and outcome (arrays).

    The rows come as DuckDB gives them (the query's relation and its result
    as an Arrow table: :func:`_frame_of` turns the ones kept into pandas) or,
    on Spark, as a pandas DataFrame with the helper columns last.
    """
    sql = _fetch_sql(table, outcome_sql, ranges, seed)
    helpers = ("__calibrate_bucket", "__calibrate_hash", "__calibrate_y")
    if table.engine == "duckdb":
        # Arrow, not .df(): .df() makes a Python object of every text cell, most of the fetch's time.
        relation = table._con.sql(sql)
        rows = relation.to_arrow_table()
        return (relation, rows), *(rows.column(name).to_numpy() for name in helpers)
    frame = table.query(sql)
    return frame, *(frame[name].to_numpy() for name in helpers)


def _first_by_hash(bucket: np.ndarray, row_hash: np.ndarray, y: np.ndarray, wanted: dict[int, int]) -> np.ndarray:
    """Positions of the first ``wanted[y]`` rows of each outcome in (bucket, hash) order, in that order."""
    # Rows with one hash are one row's copies, so how ties fall does not change the sample.
    order = np.lexsort((row_hash, bucket))
    ordered_y = y[order]
    keep = np.zeros(len(order), dtype=bool)
    for k, n in wanted.items():
        mine = ordered_y == k
        keep[mine] = np.cumsum(mine)[mine] <= n
    return order[keep]


def _frame_of(table: EngineTable, fetched: Any, among: np.ndarray, chosen: np.ndarray, *,
              fallback_sql: str, wanted: dict[int, int]) -> pd.DataFrame:
    """Fetched rows ``among[chosen]`` (in that order) as pandas, typed as ``.df()`` of rows ``among`` types them.

    A sample is typed as DuckDB's ``.df()`` of its side's fetch (``among``)
    would type it, text aside: ``.df()`` types a column by the rows it
    converts (e.g. integers with a missing value anywhere become ``Int64``),
    so each column's type is decided on the side's rows and only the rows
    kept are converted. Text goes through Arrow (no Python object per cell)
    as categoricals of the same values; other
    columns through DuckDB's own conversion of their Arrow columns, provided
    they read back as the same DuckDB types. When one does not (e.g. ENUM),
    the side is fetched again with ``.df()`` (``fallback_sql``) and its
    ``wanted`` rows taken.
    """
    n_columns = len(table.columns)
    positions = among[chosen]
    if table.engine != "duckdb":
        return fetched.iloc[positions, :n_columns].reset_index(drop=True)
    relation, rows = fetched
    kinds = [str(kind) for kind in relation.types[:n_columns]]
    data = rows.select(range(n_columns))
    whole = len(among) == len(data)

    def has_values(i: int) -> bool:
        column = data.column(i)
        if whole:
            return column.null_count < len(data)
        return bool(pc.is_valid(column).to_numpy(zero_copy_only=False)[among].any())

    # Text through Arrow only where .df() would give pandas' str (not object, as without the str dtype, where
    # the two may spell missing values differently). An all-missing text column is object to .df() and str
    # to Arrow: it goes the DuckDB way.
    text_dtype = table._con.sql("SELECT 'text' AS probe").df()["probe"].dtype
    texts = [i for i, kind in enumerate(kinds) if kind == "VARCHAR" and text_dtype != object and has_values(i)]
    columns: dict[int, pd.Series] = {}
    # Arrow gathers and converts each column without the interpreter lock: the columns go on threads.
    # As categoricals: codes and each distinct text once, which every later step reads faster than text (a fit
    # gives the same config from either; tests/test_calibrator.py).
    gathered = map_columns(lambda i: data.column(i).take(positions).combine_chunks().dictionary_encode().to_pandas(),
                           texts, rows=len(positions))
    for i, text in zip(texts, gathered, strict=True):
        columns[i] = text
    rest = [i for i in range(n_columns) if i not in columns]
    if rest:
        part = data.select(rest) if whole else data.select(rest).take(among)
        back = table._con.from_arrow(part)
        if [str(kind) for kind in back.types] != [kinds[i] for i in rest]:
            frame = table._con.sql(fallback_sql).df()
            again = _first_by_hash(*(frame[name].to_numpy() for name in
                                     ("__calibrate_bucket", "__calibrate_hash", "__calibrate_y")), wanted)
            return frame.iloc[again, :n_columns].reset_index(drop=True)
        converted = back.df()
        for j, i in enumerate(rest):
            columns[i] = converted.iloc[:, j].take(chosen).reset_index(drop=True)
    frame = pd.DataFrame({i: columns[i] for i in range(n_columns)})
    frame.columns = pd.Index(table.columns)
    return frame


def _sample_sides(table: EngineTable, target: str, outcome_of: dict[str | None, int | None], sides: Sequence[_Side],
                  seed: int) -> list[tuple[pd.DataFrame, np.ndarray]]:
    """Each side's ``wanted[y]`` rows of each outcome: the ones with the smallest hashes in its buckets.

    A side is fetched from the start of its buckets, a little more than its
    share of them; a side short of rows fetches twice as many buckets again.
    On DuckDB the sides share each fetch: one pass over the table for all of
    them. On Spark each side is fetched alone, since ``toPandas`` types a
    column by the rows it converts (integers with a missing value become
    floats) and the sample's types are those of its own side's fetch.
    """
    if table.engine != "duckdb" and len(sides) > 1:
        return [drawn for side in sides for drawn in _sample_sides(table, target, outcome_of, [side], seed)]
    cases = " ".join(f"WHEN {table.literal(t)} THEN {int(y)}" for t, y in outcome_of.items()
                     if t is not None and y is not None)
    # 1 or 0 for the decided outcome values, NULL for the rest: the fetch keeps decided leads only.
    outcome_sql = f"CASE {table.text(target)} {cases} END"
    shares = [min(1.0, _OVERFETCH * sum(side.wanted.values()) / max(side.total, 1)
                  + _OVERFETCH_ROWS / max(side.total, 1)) for side in sides]
    drawn: dict[int, tuple[pd.DataFrame, np.ndarray]] = {}
    while len(drawn) < len(sides):
        pending = [i for i in range(len(sides)) if i not in drawn]
        uppers = {i: sides[i].high if shares[i] >= 1 else
                  sides[i].low + math.ceil((sides[i].high - sides[i].low) * shares[i]) for i in pending}
        fetched, bucket, row_hash, y = _fetch(table, outcome_sql, [(sides[i].low, uppers[i]) for i in pending], seed)
        y = y.astype(np.int64)
        for i in pending:
            side = sides[i]
            among = np.flatnonzero((bucket >= side.low) & (bucket < uppers[i]))
            mine = y[among]
            enough = all(int((mine == k).sum()) >= n for k, n in side.wanted.items())
            if not enough and uppers[i] < side.high:
                shares[i] *= 2
                continue
            chosen = _first_by_hash(bucket[among], row_hash[among], mine, side.wanted)
            fallback = _fetch_sql(table, outcome_sql, [(side.low, uppers[i])], seed)
            drawn[i] = (_frame_of(table, fetched, among, chosen, fallback_sql=fallback, wanted=side.wanted),
                        mine[chosen].astype(np.int8))
    return [drawn[i] for i in range(len(sides))]


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
    sides = [_Side(cut, _BUCKETS, wanted, train_leads)]
    if cut and test_leads:
        take = min(test_leads, sample_size)
        test_share = take / test_leads
        test_wanted = {1: round(test_share * test_customers), 0: take - round(test_share * test_customers)}
        sides.append(_Side(0, cut, test_wanted, test_leads))
    samples = _sample_sides(table, target, outcome_of, sides, seed)
    (train, train_y), (test, test_y) = samples[0], (samples[1] if len(samples) > 1 else (None, None))
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
