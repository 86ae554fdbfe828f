"""Benchmark: read a large activity log and aggregate it per lead.

Run ``python benchmarks/bench_activity.py --rows 10000000 --leads 1000000 --format parquet --out DIR``.
A random log (one row per event: activity id, lead id, activity type, time) and
a lead table (ids and as-of dates, 10 % missing) are written to ``DIR`` (kept
and reused by later runs with the same sizes), then two fresh processes run
:func:`calibrate.activity.read_activities` alone and ``read_activities`` +
:func:`calibrate.activity.aggregate_activities`, so that each reports its own
peak resident memory (``ru_maxrss``). Prints a Markdown table row. Not a test:
nothing here asserts, and nothing is written to ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

TYPES = ["Page View", "pricing_page", "Demo Request", "Email Open", "Email Click", "Webinar", "Form Fill",
         "Unsubscribe"]
HEADER = ("| rows | leads | format | file size | read_activities | peak RSS (read) | aggregate_activities "
          "| peak RSS (read + aggregate) |\n|---|---|---|---|---|---|---|---|")


def _paths(out: Path, rows: int, leads: int, fmt: str) -> tuple[Path, Path]:
    return out / f"activity_{rows}_{leads}.{fmt}", out / f"leads_{leads}.parquet"


def _generate(out: Path, rows: int, leads: int, fmt: str, seed: int = 0) -> None:
    """Write the log and the lead table (vectorised; reused when present)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    log_path, leads_path = _paths(out, rows, leads, fmt)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = pa.array(np.char.add("L", np.char.zfill(np.arange(int(leads * 1.02)).astype(str), 8)))  # 2 % not leads
    if not leads_path.exists():
        as_of = np.datetime64("2024-06-01T00:00:00", "s").astype(np.int64) + rng.integers(0, 365 * 86_400, leads)
        as_of_array = pa.array(as_of, pa.timestamp("s", tz="UTC"), mask=rng.random(leads) < 0.1)
        pq.write_table(pa.table({"Lead ID": ids.slice(0, leads), "closed_at": as_of_array}), leads_path)
    if log_path.exists():
        return
    start = np.datetime64("2023-06-01T00:00:00", "s").astype(np.int64)
    table = pa.table({
        "Activity ID": pa.array(np.arange(rows, dtype=np.int64)),
        "Lead ID": ids.take(pa.array(rng.integers(0, len(ids), rows))),
        "Activity Type": pa.array(TYPES).take(pa.array(rng.integers(0, len(TYPES), rows))),
        "Activity Date": pa.array(start + rng.integers(0, 730 * 86_400, rows), pa.timestamp("s", tz="UTC")),
    })
    if fmt == "parquet":
        pq.write_table(table, log_path)
    else:  # times as text: "2024-09-12 22:56:11Z"
        pcsv.write_csv(table, log_path)


def _peak_gb() -> float:
    scale = 1 if platform.system() == "Darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e9


def _run_step(step: str, log_path: Path, leads_path: Path) -> dict[str, float]:
    """One measurement in this (fresh) process."""
    import warnings

    import pandas as pd

    from calibrate.activity import aggregate_activities, read_activities

    warnings.simplefilter("ignore")
    result: dict[str, float] = {}
    if step == "aggregate":
        leads = pd.read_parquet(leads_path)
    t0 = time.perf_counter()
    log = read_activities(log_path)
    result["read_s"] = time.perf_counter() - t0
    result["events"] = len(log)
    if step == "aggregate":
        t1 = time.perf_counter()
        features = aggregate_activities(log, leads["Lead ID"], leads["closed_at"])
        result["aggregate_s"] = time.perf_counter() - t1
        result["unmatched_rows"] = features.unmatched_rows
        result["ignored_after_as_of"] = features.ignored_after_as_of
    result["peak_gb"] = _peak_gb()
    return result


def _child(step: str, log_path: Path, leads_path: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--step", step, "--log", str(log_path), "--leads-file", str(leads_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Generate the data (unless present), measure in two fresh processes, print a Markdown table row.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Examples
    --------
    >>> import tempfile
    >>> main(["--rows", "2000", "--leads", "200", "--format", "csv", "--out", tempfile.mkdtemp()])
    ... # doctest: +ELLIPSIS
    | rows | leads | format | file size | read_activities | peak RSS (read) | aggregate_activities ...
    |---|---|---|---|---|---|---|---|
    | 2,000 | 200 | csv | 0 MB | ... s | ... GB | ... s | ... GB |
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="activity rows (default 10,000,000)")
    parser.add_argument("--leads", type=int, default=1_000_000, help="leads in the lead table (default 1,000,000)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--out", type=Path, default=Path("bench_activity_data"), help="folder for the generated files")
    parser.add_argument("--step", choices=("read", "aggregate"), help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--leads-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(_run_step(args.step, args.log, args.leads_file)))
        return

    t0 = time.perf_counter()
    _generate(args.out, args.rows, args.leads, args.format)
    log_path, leads_path = _paths(args.out, args.rows, args.leads, args.format)
    print(f"data ready in {time.perf_counter() - t0:.1f} s: {log_path} ({log_path.stat().st_size / 1e6:.0f} MB)",
          file=sys.stderr)
    read = _child("read", log_path, leads_path)
    both = _child("aggregate", log_path, leads_path)
    print(HEADER)
    print(f"| {args.rows:,} | {args.leads:,} | {args.format} | {log_path.stat().st_size / 1e6:.0f} MB "
          f"| {read['read_s']:.1f} s | {read['peak_gb']:.2f} GB | {both['aggregate_s']:.1f} s "
          f"| {both['peak_gb']:.2f} GB |")


if __name__ == "__main__":
    main()
