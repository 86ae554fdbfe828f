"""Large synthetic lead tables for the scale benchmark, written as Parquet in bounded memory.

``python benchmarks/scale_data.py --rows 10000000 --seed 1 --data-dir build/bench`` writes
``build/bench/leads_n10000000_seed1.parquet`` (and does nothing when that file is already there);
:func:`ensure_leads` does the same from Python and returns the path. ``bench_scale.py`` calls it.

What a file holds, one row per lead:

* 18 categorical columns stored as text (Parquet dictionary-encodes them): 3 to 40 levels with
  Zipf-like frequencies, some with rare levels (a few leads in 100,000), some with nulls, some with
  blank strings (``""``) and one with the placeholder ``"Unknown"``;
* 12 numeric columns: counts with heavy zeros (``page_views``, ``email_clicks``, ...), integer
  columns with nulls (``employees``, ``chat_messages``, ...) and amounts with zeros and NaN
  (``annual_revenue_usd``, ``budget_usd``); page views, sessions, e-mail opens and clicks
  share a hidden engagement factor, so they are correlated;
* ``converted`` (int8, 0/1): drawn from a fixed logistic truth (:data:`TRUTH`) on ``lead_source``,
  ``employee_band``, ``seniority``, ``plan_interest``, ``device``, ``page_views``, ``email_clicks``,
  ``webinars_attended``, ``days_since_first_visit`` and ``budget_usd``. About 8.4 % of leads
  convert, and the true probability ranks leads with an AUC near 0.78, so a scorecard's held-out
  AUC is meaningful (the other 20 columns are noise).

Rows are made in chunks of :data:`CHUNK_ROWS` (one Parquet row group each), chunk ``i`` from
``numpy.random.default_rng([seed, i])``: the same rows and seed give the same file (and the first
``k`` million rows of a larger file are the ``k``-million-row file), and memory stays bounded (under
1 GB) whatever the number of rows; about 0.3-0.5M rows/s on one core, 24 MB of Parquet per 1M rows. A file is written under a temporary name and
renamed when complete, so an interrupted run never leaves a file that looks cached. The file's
key-value metadata (``calibrate_bench``, :func:`read_metadata`) records the generator version, rows,
seed, the truth and the truth's own AUC on the first chunk.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["CATEGORICAL", "CHUNK_ROWS", "NUMERIC", "TARGET", "TRUTH", "chunk_with_truth", "ensure_leads", "leads_path",
           "make_chunk", "read_metadata", "truth_auc"]

#: Version of the generator: a file written by another version is made again.
GENERATOR_VERSION = 1
#: Rows per chunk and Parquet row group.
CHUNK_ROWS = 1_000_000
#: The outcome column.
TARGET = "converted"
_META_KEY = b"calibrate_bench"


def _named(stem: str, n: int) -> list[str]:
    return [f"{stem} {i:02d}" for i in range(1, n + 1)]


# name: (levels, Zipf exponent of the frequencies, missing kind, missing share, rare levels)
# Missing kind: "null" (Parquet null), "blank" (""), "Unknown" (a placeholder) or None.
CATEGORICAL: dict[str, tuple[list[str], float, str | None, float, int]] = {
    "lead_source": (["Organic Search", "Paid Search", "Direct", "Email", "Referral", "Partner", "Webinar",
                     "Social", "Display", "Trade Show", "Cold Call", "Purchased List"], 0.8, "null", 0.03, 0),
    "industry": (_named("Industry", 25), 0.9, "blank", 0.05, 0),
    "country": (_named("Country", 37), 1.3, "null", 0.01, 3),
    "region": (["North", "South", "East", "West", "Central", "Overseas"], 0.5, None, 0.0, 0),
    "employee_band": (["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10000+"],
                      0.6, "null", 0.10, 0),
    "revenue_band": (_named("Revenue band", 7), 0.4, "blank", 0.15, 0),
    "channel": (_named("Channel", 5), 0.8, None, 0.0, 0),
    "campaign": (_named("Campaign", 36), 1.1, "null", 0.20, 4),
    "device": (["Desktop", "Mobile", "Tablet"], 1.0, None, 0.0, 0),
    "browser": (_named("Browser", 8), 1.2, None, 0.0, 0),
    "language": (_named("Language", 13), 1.5, None, 0.0, 2),
    "product_interest": (_named("Product", 10), 0.7, "blank", 0.08, 0),
    "plan_interest": (["Free", "Starter", "Pro", "Enterprise"], 0.7, "Unknown", 0.10, 0),
    "referral_type": (_named("Referral type", 6), 0.6, "null", 0.40, 0),
    "utm_medium": (_named("Medium", 9), 1.0, "blank", 0.25, 0),
    "web_form": (_named("Form", 18), 1.0, None, 0.0, 2),
    "seniority": (["Student", "Entry", "Senior", "Manager", "Director", "VP", "C-Level"], 0.5, "null", 0.12, 0),
    "department": (_named("Department", 12), 0.9, "blank", 0.06, 0),
}
#: Share of leads of each rare level.
RARE_SHARE = 2e-5

#: Numeric columns and their type in the file.
NUMERIC: dict[str, str] = {
    "page_views": "int64", "sessions": "int64", "email_opens": "int64", "email_clicks": "int64",
    "webinars_attended": "int64", "downloads": "int64", "form_fills": "int64", "chat_messages": "int64",
    "days_since_first_visit": "int64", "employees": "int64", "annual_revenue_usd": "float64",
    "budget_usd": "float64",
}

#: The logistic truth: log-odds of converting = intercept + the sum of these terms.
TRUTH: dict[str, object] = {
    "intercept": -3.55,
    "lead_source": {"Organic Search": 0.2, "Paid Search": -0.1, "Direct": 0.1, "Email": 0.0, "Referral": 0.9,
                    "Partner": 0.6, "Webinar": 0.4, "Social": -0.4, "Display": -0.6, "Trade Show": 0.3,
                    "Cold Call": -0.5, "Purchased List": -0.9, None: -0.2},
    "employee_band": {"1-10": -0.6, "11-50": -0.4, "51-200": -0.2, "201-500": 0.0, "501-1000": 0.2,
                      "1001-5000": 0.4, "5001-10000": 0.6, "10000+": 0.8, None: -0.3},
    "seniority": {"Student": -1.0, "Entry": -0.4, "Senior": 0.0, "Manager": 0.1, "Director": 0.4, "VP": 0.5,
                  "C-Level": 0.7, None: -0.2},
    "plan_interest": {"Free": -0.6, "Starter": -0.1, "Pro": 0.3, "Enterprise": 0.5, "Unknown": -0.2},
    "device": {"Desktop": 0.0, "Mobile": -0.3, "Tablet": -0.1},
    "page_views": "0.35 * log1p(page_views)",
    "email_clicks": "0.6 if email_clicks > 0",
    "webinars_attended": "0.5 if webinars_attended > 0",
    "days_since_first_visit": "-0.0015 * days_since_first_visit (0 when null)",
    "budget_usd": "0.3 if budget_usd > 0",
}


def leads_path(data_dir: str | os.PathLike[str], rows: int, seed: int) -> Path:
    """Where the file of ``rows`` leads made with ``seed`` lives."""
    return Path(data_dir) / f"leads_n{rows}_seed{seed}.parquet"


def _probabilities(n_levels: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_levels + 1) ** exponent
    return weights / weights.sum()


def _categorical(rng: np.random.Generator, n: int, spec: tuple[list[str], float, str | None, float, int]
                 ) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Text column, level codes (-1 missing) and the dictionary used."""
    levels, exponent, missing, share, rare = spec
    names = list(levels) + [f"{levels[0].rsplit(' ', 1)[0]} rare {i}" for i in range(1, rare + 1)]
    p = np.concatenate([_probabilities(len(levels), exponent) * (1 - rare * RARE_SHARE), np.full(rare, RARE_SHARE)])
    # The permutation spreads the frequent levels over the list, so the first level is not always the commonest.
    order = np.random.default_rng(len(names)).permutation(len(levels))
    p[: len(levels)] = p[: len(levels)][np.argsort(order)]
    codes = np.searchsorted(np.cumsum(p), rng.random(n), side="right").clip(0, len(names) - 1).astype(np.int32)
    is_missing = rng.random(n) < share if missing else np.zeros(n, dtype=bool)
    dictionary = names
    if missing in ("blank", "Unknown"):
        dictionary = [*names, "" if missing == "blank" else "Unknown"]
        codes[is_missing] = len(names)
        mask = None
    else:
        mask = is_missing if missing == "null" else None
    indices = pa.array(codes, type=pa.int32(), mask=mask)
    column = pa.DictionaryArray.from_arrays(indices, pa.array(dictionary, type=pa.string())).cast(pa.string())
    truth_codes = np.where(is_missing, -1, codes)
    return column, truth_codes, np.array(dictionary, dtype=object)


def _zero_inflated(rng: np.random.Generator, n: int, zero_share: float, mean: np.ndarray | float) -> np.ndarray:
    counts = 1 + rng.poisson(np.maximum(np.asarray(mean, dtype=float) - 1, 0), size=n)
    return np.where(rng.random(n) < zero_share, 0, counts).astype(np.int64)


def _with_nulls(rng: np.random.Generator, values: np.ndarray, share: float) -> tuple[pa.Array, np.ndarray]:
    mask = rng.random(len(values)) < share
    return pa.array(values, mask=mask), mask


def _effect(table: dict[object, float], codes: np.ndarray, dictionary: np.ndarray) -> np.ndarray:
    lookup = np.array([table.get(str(level), table.get(None, 0.0)) for level in dictionary] + [table.get(None, 0.0)])
    return lookup[np.where(codes < 0, len(dictionary), codes)]


def make_chunk(n: int, seed: int, index: int) -> pa.Table:
    """Chunk ``index`` of the file made with ``seed``: ``n`` rows, 30 attributes and ``converted``."""
    return chunk_with_truth(n, seed, index)[0]


def chunk_with_truth(n: int, seed: int, index: int) -> tuple[pa.Table, np.ndarray]:
    """:func:`make_chunk` and the true log-odds of each row (to measure the truth's own AUC)."""
    rng = np.random.default_rng([seed, index])
    columns: dict[str, pa.Array] = {}
    logit = np.full(n, float(TRUTH["intercept"]))
    for name, spec in CATEGORICAL.items():
        column, codes, dictionary = _categorical(rng, n, spec)
        columns[name] = column
        if name in TRUTH:
            logit += _effect(TRUTH[name], codes, dictionary)  # type: ignore[arg-type]

    engagement = np.exp(0.6 * rng.standard_normal(n))  # hidden: makes the engagement counts correlated
    numeric: dict[str, pa.Array] = {}
    numeric["page_views"] = pa.array(_zero_inflated(rng, n, 0.45, 8 * engagement))
    numeric["sessions"] = pa.array(_zero_inflated(rng, n, 0.30, 3 * engagement))
    opens = _zero_inflated(rng, n, 0.50, 4 * engagement)
    numeric["email_opens"] = pa.array(opens)
    clicks = np.where(opens > 0, _zero_inflated(rng, n, 0.55, 1.5 * engagement), 0)
    numeric["email_clicks"] = pa.array(clicks)
    numeric["webinars_attended"] = pa.array(_zero_inflated(rng, n, 0.92, 1.3))
    numeric["downloads"] = pa.array(_zero_inflated(rng, n, 0.80, 2.0))
    numeric["form_fills"] = pa.array(_zero_inflated(rng, n, 0.60, 1.5))
    numeric["chat_messages"], _ = _with_nulls(rng, _zero_inflated(rng, n, 0.95, 4.0), 0.05)
    days = np.minimum(rng.exponential(120, n), 1500).astype(np.int64)
    numeric["days_since_first_visit"], days_missing = _with_nulls(rng, days, 0.02)
    numeric["employees"], _ = _with_nulls(rng, np.round(rng.lognormal(4.5, 1.8, n)).astype(np.int64) + 1, 0.20)
    revenue = np.round(rng.lognormal(15, 2, n), 2)
    revenue[rng.random(n) < 0.05] = 0.0
    revenue[rng.random(n) < 0.30] = np.nan
    numeric["annual_revenue_usd"] = pa.array(revenue, from_pandas=True)
    budget = np.round(rng.lognormal(9, 1.2, n), 2)
    budget[rng.random(n) < 0.60] = 0.0
    budget[rng.random(n) < 0.10] = np.nan
    numeric["budget_usd"] = pa.array(budget, from_pandas=True)
    columns.update(numeric)

    page_views = numeric["page_views"].to_numpy()
    logit += 0.35 * np.log1p(page_views) + 0.6 * (clicks > 0)
    logit += 0.5 * (numeric["webinars_attended"].to_numpy() > 0)
    logit += -0.0015 * np.where(days_missing, 0, days)
    logit += 0.3 * (np.nan_to_num(budget) > 0)
    converted = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    columns[TARGET] = pa.array(converted)
    return pa.table(columns), logit


def truth_auc(y: np.ndarray, logit: np.ndarray) -> float:
    """AUC of the true log-odds (Mann-Whitney, ties one half): the best any scorecard can hope for."""
    from scipy.stats import rankdata

    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(logit)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def read_metadata(path: str | os.PathLike[str]) -> dict[str, object]:
    """The generator's metadata of a file (empty when it has none)."""
    try:
        return json.loads((pq.read_schema(path).metadata or {}).get(_META_KEY, b"{}"))
    except (OSError, ValueError, pa.ArrowException):
        return {}


def _is_cached(path: Path, rows: int, seed: int) -> bool:
    if not path.is_file():
        return False
    meta = read_metadata(path)
    try:
        stored_rows = pq.ParquetFile(path).metadata.num_rows
    except (OSError, ValueError, pa.ArrowException):
        return False
    return (stored_rows == rows and meta.get("version") == GENERATOR_VERSION
            and meta.get("rows") == rows and meta.get("seed") == seed)


def ensure_leads(rows: int, seed: int = 1, data_dir: str | os.PathLike[str] = "build/bench", *,
                 verbose: bool = True) -> tuple[Path, float | None]:
    """The path of the file of ``rows`` leads made with ``seed``, written first when not cached.

    Returns the path and the seconds spent writing it (``None`` when it was cached).
    """
    path = leads_path(data_dir, rows, seed)
    if _is_cached(path, rows, seed):
        if verbose:
            print(f"data: {path} cached ({path.stat().st_size / 1e6:,.0f} MB)", flush=True)
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    meta = {"version": GENERATOR_VERSION, "rows": rows, "seed": seed, "chunk_rows": CHUNK_ROWS,
            "target": TARGET, "truth": {k: ({str(kk): vv for kk, vv in v.items()} if isinstance(v, dict) else v)
                                        for k, v in TRUTH.items()}}
    start = time.perf_counter()
    writer = None
    try:
        for index, first in enumerate(range(0, rows, CHUNK_ROWS)):
            chunk, logit = chunk_with_truth(min(CHUNK_ROWS, rows - first), seed, index)
            if writer is None:
                meta["truth_auc_first_chunk"] = round(truth_auc(chunk[TARGET].to_numpy(), logit), 4)
                schema = chunk.schema.with_metadata({_META_KEY: json.dumps(meta).encode()})
                writer = pq.ParquetWriter(partial, schema, compression="snappy")
            writer.write_table(chunk.replace_schema_metadata(schema.metadata), row_group_size=CHUNK_ROWS)
            if verbose and (index + 1) % 10 == 0:
                done = first + len(chunk)
                print(f"data: {done:,} / {rows:,} rows, {time.perf_counter() - start:.0f} s", flush=True)
        if writer is not None:
            writer.close()
            writer = None
        partial.replace(path)
    finally:
        if writer is not None:
            writer.close()
        partial.unlink(missing_ok=True)
    seconds = time.perf_counter() - start
    if verbose:
        print(f"data: wrote {path} ({rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB) in {seconds:.1f} s "
              f"({rows / seconds / 1e6:.2f} M rows/s)", flush=True)
    return path, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", default="build/bench")
    args = parser.parse_args(argv)
    for rows in args.rows:
        ensure_leads(rows, args.seed, args.data_dir)


if __name__ == "__main__":
    main()
