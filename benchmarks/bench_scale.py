"""Scale benchmark (issue 7): calibrate's fit against a numpy floor, optbinning and toad, up to 100M leads.

Usage (from the repository root; the baselines run in their own venv so they leave the dev venv alone)::

    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install -e . optbinning toad pyarrow
    python benchmarks/bench_scale.py --sizes 1M 10M --engines pandas duckdb --methods lift log_odds \\
        --baselines floor optbinning toad --python-baselines /tmp/benchvenv/bin/python --repeat 3 \\
        --data-dir build/bench --markdown build/bench/results.md
    # 100M rows: DuckDB only (the pandas engine, optbinning and toad hold every row in memory)
    python benchmarks/bench_scale.py --sizes 100M --engines duckdb --methods lift --baselines floor \\
        --timeout 7200 --data-dir build/bench --markdown build/bench/results_100m.md

Sizes take a plain count or a ``k``/``M`` suffix (``100000``, ``1M``, ``100M``). toad did not fit
1M rows in 30 minutes on 2 cores (its chi-merge starts from every distinct value of the amounts), and
``--timeout`` bounds each run. For each size:

1. **Data.** ``benchmarks/scale_data.py`` writes ``DATA_DIR/leads_n<N>_seed<S>.parquet`` (30
   attributes: 18 categorical as text with rare levels and blanks, 12 numeric with heavy zeros and
   missing values; ``converted`` 0/1 from a known logistic truth, AUC about 0.78) in 1M-row row
   groups, in bounded memory; an existing file of the same rows, seed and generator version is reused.
2. **Runs**, each in a fresh subprocess, so that its peak resident memory is its own. With
   ``--repeat N`` the floor and every calibrate fit run N times, taken in turns (floor, fit, fit, ...,
   floor, fit, ...), and each is reported by its median run, all runs' times in the notes: on a shared
   machine a slow spell then falls on the floor and the fits alike, where one run of each compared
   whichever spell each met. The baselines and the scoring runs run once.

   * ``floor``: the least any tool must do. Each column is read from the Parquet with pyarrow;
     categoricals are counted per (dictionary code, outcome) with ``numpy.bincount``; numerics are
     cut into 10 quantile bins (``np.quantile`` + ``np.searchsorted``, missing in a bin of its
     own) and counted the same way. One column at a time, so 100M rows fit in memory.
   * ``calibrate``: ``Calibrator(method=M).fit(PATH, target="converted", engine=E)`` for each
     method and engine (``engine=`` is left out for pandas when ``fit`` has no such parameter; a
     Spark run builds a ``local[*]`` session first, outside the timed part). The time covers
     reading, counting, points and the built-in held-out evaluation (25 %); the held-out AUC is
     ``backtest_["auc"]["auc"]``.
   * ``score-python``: ``config_.score(frame)`` on an in-memory frame (at most ``--score-rows``
     rows, the first row groups) with the config the first calibrate run of that method saved;
     leads per second of the scoring call alone, the median of 5 calls (first and fastest in
     the notes). Twice: the frame read by ``read_leads`` (engine column "text") and by
     ``read_leads_coded``, text as categoricals from the file's dictionary pages ("codes").
   * ``score-cli``: ``calibrate score CONFIG DATA --output OUT.parquet`` (``calibrate.cli.main``) on
     files of at most ``--score-rows`` leads, timed from its imports to the written file.
   * ``score-sql``: ``calibrate.export.sql.scoring_sql`` run by DuckDB over the whole Parquet file,
     aggregated (``COUNT(*)``, ``SUM(score)`` and a count of every added column) so that each row is
     scored; leads per second of the query.
   * ``optbinning``: ``BinningProcess`` + ``Scorecard(LogisticRegression())`` on the 30 attributes;
     ``toad``: ``Combiner().fit(..., method="chi", min_samples=0.05)`` + ``WOETransformer`` +
     ``LogisticRegression``. Both are fitted on the leads calibrate trained on and scored on the
     leads it held out (its ``train_`` mask, saved by the first calibrate run), so all AUCs are on
     the same leads; without a calibrate run, a stratified 75/25 ``train_test_split`` (seed 0).
     Their time covers reading the file, fitting, and scoring the held-out leads, like calibrate's.
     They run with ``--python-baselines`` (default: this interpreter).

   Wall time is measured inside the subprocess around the work (imports and interpreter start
   are in "process s"; the floor imports pyarrow, and calibrate's run pyarrow and the engine's
   library, which calibrate imports on first use, before the clock starts). Peak RSS is the child's own ``ru_maxrss`` from ``os.wait4`` (per child;
   ``getrusage(RUSAGE_CHILDREN)`` would be the largest of all children so far), or the largest
   resident size of its process tree sampled every 0.2 s when that is larger (Spark's JVM). A run
   that exits with an error, passes ``--timeout`` seconds or ``--mem-limit-gb`` GiB of resident
   memory (its process group is killed) is recorded as ``failed: <reason>`` and the benchmark goes
   on; stdout and stderr of each run are in ``DATA_DIR/logs/``.
3. **Report.** A Markdown table (machine, date, versions; per size and run: wall seconds, peak
   RSS, held-out AUC, ratio to the floor, optbinning's time over calibrate's, throughput) and
   the issue's targets, each marked met or not met, printed and written to ``--markdown``; the
   raw figures go to ``--json`` (default: the Markdown path with ``.json``, else
   ``DATA_DIR/results.json``).

Targets: calibrate fit at most 1.5x the floor at 1M and 10M rows; at 1M at least 10x faster than
optbinning with a held-out AUC at least optbinning's (both rounded to 3 decimals); 100M rows from
Parquet with the DuckDB engine under 4 GiB peak RSS; Python scoring at least 5M leads/s.

Not a test: nothing here asserts; the machine is shared, so compare figures of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULT_MARK = "@@BENCH_RESULT "
ENGINES = ("pandas", "duckdb", "spark")
METHODS = ("lift", "log_odds", "logistic")
BASELINES = ("floor", "optbinning", "toad")
SCORING = ("python", "cli", "sql")
GIB = 2**30


# --------------------------------------------------------------------------------------------------
# Workers: each runs in its own subprocess and prints one result line.
# --------------------------------------------------------------------------------------------------
def _columns() -> tuple[list[str], list[str], str]:
    sys.path.insert(0, str(HERE))
    from scale_data import CATEGORICAL, NUMERIC, TARGET

    return list(CATEGORICAL), list(NUMERIC), TARGET


def _split(job: dict[str, Any], y: Any) -> tuple[Any, Any, str]:
    """Training and held-out masks: calibrate's own when saved, else a stratified 75/25 split."""
    import numpy as np

    path = job.get("split")
    if path and Path(path).is_file():
        saved = np.load(path)
        test = np.unpackbits(saved["test"], count=int(saved["n"])).astype(bool)
        if len(test) == len(y):
            return ~test, test, "calibrate's held-out leads"
    from sklearn.model_selection import train_test_split

    _, test_rows = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    test = np.zeros(len(y), dtype=bool)
    test[test_rows] = True
    return ~test, test, "stratified 75/25 split (seed 0)"


def _work_floor(job: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import pyarrow.parquet as pq

    categorical, numeric, target = _columns()
    start, cpu_start = time.perf_counter(), time.process_time()
    y = pq.read_table(job["path"], columns=[target])[target].to_numpy().astype(np.int64)
    cells = 0
    for name in categorical:
        column = pq.read_table(job["path"], columns=[name], read_dictionary=[name])[name].unify_dictionaries()
        size = len(column.chunk(0).dictionary) if column.num_chunks else 0
        codes = np.concatenate([chunk.indices.fill_null(size).to_numpy() for chunk in column.chunks]).astype(np.int64)
        counts = np.bincount(codes * 2 + y, minlength=2 * (size + 1))
        cells += int(np.count_nonzero(counts.reshape(-1, 2).sum(axis=1)))
    for name in numeric:
        values = pq.read_table(job["path"], columns=[name])[name].to_numpy().astype(np.float64)
        missing = np.isnan(values)
        edges = np.unique(np.quantile(values[~missing], np.linspace(0, 1, 11)[1:-1])) if (~missing).any() else []
        codes = np.searchsorted(edges, values, side="right")
        codes[missing] = len(edges) + 1
        counts = np.bincount(codes * 2 + y, minlength=2 * (len(edges) + 2))
        cells += int(np.count_nonzero(counts.reshape(-1, 2).sum(axis=1)))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": len(y),
            "note": f"{cells} non-empty (attribute, level) cells"}


def _work_calibrate(job: dict[str, Any]) -> dict[str, Any]:
    import inspect
    import warnings

    import numpy as np

    from calibrate import Calibrator

    warnings.simplefilter("ignore")
    cal = Calibrator(method=job["method"])
    engine = job["engine"]
    # The libraries calibrate imports on first use, imported before the clock starts, as the floor's are.
    import pyarrow.parquet  # noqa: F401
    if engine == "duckdb":
        import duckdb  # noqa: F401
    parameters = inspect.signature(cal.fit).parameters
    kwargs: dict[str, Any] = {}
    if engine != "pandas" or "engine" in parameters:
        kwargs["engine"] = engine
    note = ""
    if engine == "spark":
        from pyspark.sql import SparkSession

        session_start = time.perf_counter()
        spark = SparkSession.builder.master("local[*]").appName("bench_scale").getOrCreate()
        if "spark" in parameters:
            kwargs["spark"] = spark
        note = f"Spark session start {time.perf_counter() - session_start:.1f} s not timed"
    start, cpu_start = time.perf_counter(), time.process_time()
    cal.fit(job["path"], target=job["target"], **kwargs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    auc = cal.backtest_["auc"]["auc"] if cal.backtest_ else None
    if job.get("save_config"):
        cal.config_.save(job["save_config"])
    train = getattr(cal, "train_", None)
    if job.get("save_split") and train is not None and len(train) == job["rows"]:
        test = ~np.asarray(train, dtype=bool)
        np.savez(job["save_split"], test=np.packbits(test), n=len(test))
    attributes = len(cal.config_.attributes)
    ran_on = getattr(cal, "engine_", None)  # which engine did the pass, when calibrate records it
    ran_on = f"ran on {ran_on['name']}" if isinstance(ran_on, dict) and "name" in ran_on else ""
    note = "; ".join(filter(None, [f"{attributes} attributes in the config", ran_on, note]))
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": job["rows"], "auc": auc, "note": note}


#: Scoring calls timed per score-python run (the median is reported).
SCORE_CALLS = 5


def _work_score_python(job: dict[str, Any]) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from calibrate import ScoringConfig, read_leads
    from calibrate.io import read_leads_coded

    config = ScoringConfig.load(job["config"])
    coded = job.get("engine") == "codes"  # text as categoricals (read_leads_coded) or as text (read_leads)
    read_start = time.perf_counter()
    if job["rows"] <= job["score_rows"]:
        frame = (read_leads_coded if coded else read_leads)(job["path"])
    else:
        texts = [f.name for f in pq.read_schema(job["path"]) if pa.types.is_string(f.type)] if coded else None
        parquet = pq.ParquetFile(job["path"], read_dictionary=texts)
        groups, rows = [], 0
        while rows < job["score_rows"]:
            rows += parquet.metadata.row_group(len(groups)).num_rows
            groups.append(len(groups))
        frame = parquet.read_row_groups(groups).slice(0, job["score_rows"]).to_pandas()
    read_seconds = time.perf_counter() - read_start
    # A call takes a fraction of a second, so one call is at the mercy of a shared machine's other load:
    # the median of SCORE_CALLS calls is the figure, the first and fastest calls are in the note.
    calls = []
    for _ in range(SCORE_CALLS):
        start, cpu_start = time.perf_counter(), time.process_time()
        scored = config.score(frame)
        calls.append((time.perf_counter() - start, time.process_time() - cpu_start))
    seconds, cpu_seconds = sorted(calls)[len(calls) // 2]
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "leads": len(frame),
            "leads_per_s": len(frame) / seconds, "score_sum": int(scored["score"].sum()),
            "note": f"{len(frame):,} leads in memory (read {read_seconds:.1f} s, not timed); median of "
                    f"{len(calls)} calls (first {calls[0][0]:.3f} s, fastest {min(calls)[0]:.3f} s)"}


def _work_score_cli(job: dict[str, Any]) -> dict[str, Any]:
    """``calibrate score CONFIG DATA --output OUT.parquet``, as typed at a shell: imports, read, score and write."""
    start, cpu_start = time.perf_counter(), time.process_time()
    from calibrate.cli import main as cli

    out = Path(job["config"]).with_name(f"scored_n{job['rows']}_{job['method']}.parquet")
    status = cli(["score", job["config"], job["path"], "--output", str(out), "--quiet"])
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    if status != 0:
        raise RuntimeError(f"calibrate score exited with status {status}")
    size = out.stat().st_size
    out.unlink()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "leads": job["rows"], "leads_per_s": job["rows"] / seconds,
            "note": f"end to end: imports, reading the file, scoring, writing {size / 1e6:,.0f} MB of Parquet"}


def _work_score_sql(job: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    from calibrate import ScoringConfig
    from calibrate.export.sql import scoring_sql

    config = ScoringConfig.load(job["config"])
    con = duckdb.connect()
    literal = "'" + str(job["path"]).replace("'", "''") + "'"
    con.execute(f"CREATE VIEW leads AS SELECT * FROM read_parquet({literal})")
    text = scoring_sql(config, dialect="duckdb", table="leads")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip().rstrip(";")
    columns = [d[0] for d in con.execute(f"SELECT * FROM ({body}) AS scored LIMIT 0").description]
    added = [c for c in ("band", "fit_score", "engagement_score", "grade", "sla") if c in columns]
    aggregates = ", ".join(["COUNT(*)", 'SUM("score")', *[f'COUNT("{c}")' for c in added]])
    start, cpu_start = time.perf_counter(), time.process_time()
    row = con.execute(f"SELECT {aggregates} FROM ({body}) AS scored").fetchone()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    rows = int(row[0])
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "leads": rows, "leads_per_s": rows / seconds,
            "score_sum": int(row[1] or 0),
            "note": f"over the Parquet file, {threads} DuckDB threads"}


def _timed_baseline(job: dict[str, Any], held_out_probability: Any) -> dict[str, Any]:
    """Time a baseline: read the file, split it as calibrate did, fit, and score the held-out leads.

    ``held_out_probability(frame, y, train, test, categorical, numeric, target)``
    fits on the training rows and returns the event probability of the test rows.
    """
    import warnings

    import pandas as pd
    from sklearn.metrics import roc_auc_score

    warnings.simplefilter("ignore")
    categorical, numeric, target = _columns()
    start, cpu_start = time.perf_counter(), time.process_time()
    frame = pd.read_parquet(job["path"])
    y = frame[target].to_numpy()
    train, test, how = _split(job, y)
    probability = held_out_probability(frame, y, train, test, categorical, numeric, target)
    auc = float(roc_auc_score(y[test], probability))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": len(y), "auc": auc, "note": f"held out: {how}"}


def _work_optbinning(job: dict[str, Any]) -> dict[str, Any]:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    def held_out_probability(frame, y, train, test, categorical, numeric, target):  # noqa: ANN001, ANN202
        features = categorical + numeric
        process = BinningProcess(variable_names=features, categorical_variables=categorical)
        scorecard = Scorecard(binning_process=process, estimator=LogisticRegression(),
                              scaling_method="min_max", scaling_method_params={"min": 300, "max": 850})
        scorecard.fit(frame.loc[train, features], y[train])
        # The scorecard's points rank good risks high; the event probability ranks converters high.
        return scorecard.predict_proba(frame.loc[test, features])[:, 1]

    return _timed_baseline(job, held_out_probability)


def _work_toad(job: dict[str, Any]) -> dict[str, Any]:
    import toad
    from sklearn.linear_model import LogisticRegression

    def held_out_probability(frame, y, train, test, categorical, numeric, target):  # noqa: ANN001, ANN202
        features = categorical + numeric
        training = frame.loc[train, [*features, target]]
        combiner = toad.transform.Combiner()
        combiner.fit(training, y=target, method="chi", min_samples=0.05)
        woe = toad.transform.WOETransformer()
        x_train = woe.fit_transform(combiner.transform(training[features]), training[target])
        model = LogisticRegression(max_iter=1000).fit(x_train, y[train])
        return model.predict_proba(woe.transform(combiner.transform(frame.loc[test, features])))[:, 1]

    return _timed_baseline(job, held_out_probability)


WORKERS = {"floor": _work_floor, "calibrate": _work_calibrate, "score-python": _work_score_python,
           "score-cli": _work_score_cli, "score-sql": _work_score_sql, "optbinning": _work_optbinning, "toad": _work_toad}


def _worker(spec: str) -> None:
    job = json.loads(spec)
    result = WORKERS[job["tool"]](job)
    print(RESULT_MARK + json.dumps(result), flush=True)


# --------------------------------------------------------------------------------------------------
# Runner
# --------------------------------------------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (0 once gone)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith((" ", "\t"))]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line or "Killed" in line:
            return line[:300]
    return lines[-1][:300] if lines else "no error message"


def run_job(python: str, job: dict[str, Any], *, timeout: float, mem_limit: float, log_dir: Path) -> dict[str, Any]:
    """Run one job in a fresh subprocess; its result with wall, process time and peak RSS, or why it failed."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stem = log_dir / job["name"].replace("/", "_").replace(" ", "_")
    out_path, err_path = stem.with_suffix(".out"), stem.with_suffix(".err")
    command = [python, str(Path(__file__).resolve()), "--worker", json.dumps(job)]
    start = time.perf_counter()
    with open(out_path, "w", encoding="utf-8") as out, open(err_path, "w", encoding="utf-8") as err:
        try:
            process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        except OSError as exc:
            return {**{k: job[k] for k in ("name", "tool", "rows", "engine", "method") if k in job},
                    "process_seconds": 0.0, "peak_rss_gib": 0.0, "status": f"failed: cannot start {python}: {exc}"}
        killed, sampled_peak, status, usage = None, 0, 0, None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                break
            sampled_peak = max(sampled_peak, _tree_rss(process.pid))
            elapsed = time.perf_counter() - start
            if killed is None and elapsed > timeout:
                killed = f"timeout after {timeout:.0f} s"
            elif killed is None and sampled_peak > mem_limit * GIB:
                killed = f"killed at the memory cap ({sampled_peak / GIB:.2f} GiB > {mem_limit:g} GiB)"
            if killed:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.2)
        process.returncode = os.waitstatus_to_exitcode(status)
    process_seconds = time.perf_counter() - start
    peak = max(usage.ru_maxrss * 1024 if usage else 0, sampled_peak)
    record: dict[str, Any] = {**{k: job[k] for k in ("name", "tool", "rows", "engine", "method") if k in job},
                              "process_seconds": process_seconds, "peak_rss_gib": peak / GIB}
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    results = [line[len(RESULT_MARK):] for line in stdout.splitlines() if line.startswith(RESULT_MARK)]
    if killed:
        record["status"] = f"failed: {killed}"
    elif process.returncode != 0 or not results:
        if process.returncode < 0:
            name = signal.Signals(-process.returncode).name
            reason = f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        else:
            reason = _last_error(err_path.read_text(encoding="utf-8", errors="replace"))
        record["status"] = f"failed: {reason}"
    else:
        record.update(json.loads(results[-1]))
        record["rows"], record["status"] = job["rows"], "ok"
    return record


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time (the first failure, if any run failed), noting every run's wall time."""
    failed = [r for r in runs if r["status"] != "ok"]
    if failed or len(runs) == 1:
        return failed[0] if failed else runs[0]
    ordered = sorted(runs, key=lambda r: r["seconds"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    walls = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    median["note"] = "; ".join(filter(None, [median.get("note", ""),
                                             f"median of {len(runs)} runs in turns ({walls} s)"]))
    median["runs_seconds"] = [r["seconds"] for r in runs]
    return median


def parse_size(text: str) -> int:
    """``100000``, ``1e6``, ``250k``, ``10M`` or ``1G`` as a number of rows."""
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale > 1 else text
    try:
        value = float(number) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of rows: {text!r}") from None
    if value < 1000 or value != int(value):
        raise argparse.ArgumentTypeError(f"give at least 1000 whole rows, not {text!r}")
    return int(value)


def _generate(rows: int, seed: int, data_dir: Path, log_dir: Path) -> dict[str, Any]:
    """Write (or find) the data file in a subprocess, so the runner itself stays small."""
    sys.path.insert(0, str(HERE))
    from scale_data import leads_path, read_metadata

    path = leads_path(data_dir, rows, seed)
    log_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with open(log_dir / f"generate_n{rows}.out", "w", encoding="utf-8") as log:
        done = subprocess.run([sys.executable, str(HERE / "scale_data.py"), "--rows", str(rows), "--seed", str(seed),
                               "--data-dir", str(data_dir)], stdout=log, stderr=subprocess.STDOUT, check=False)
    seconds = time.perf_counter() - start
    text = (log_dir / f"generate_n{rows}.out").read_text(encoding="utf-8", errors="replace")
    print(text.strip(), flush=True)
    if done.returncode != 0 or not path.is_file():
        return {"rows": rows, "path": str(path), "status": f"failed: {_last_error(text)}"}
    cached = " cached " in text
    meta = read_metadata(path)
    return {"rows": rows, "path": str(path), "status": "ok", "cached": cached,
            "seconds": None if cached else seconds, "bytes": path.stat().st_size,
            "truth_auc": meta.get("truth_auc_first_chunk")}


def _version(python: str, package: str) -> str:
    code = ("import importlib.metadata as m, sys\ntry: print(m.version(sys.argv[1]))\n"
            "except m.PackageNotFoundError: print('not installed')")
    try:
        done = subprocess.run([python, "-c", code, package], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return done.stdout.strip() or "unknown"


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
               platform.processor() or platform.machine())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu": f"{cpu} ({platform.machine()})", "cores": os.cpu_count(), "ram_gib": memory / GIB,
            "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "python": platform.python_version()}


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value / 1e6:,.2f}M leads/s"


def _label(record: dict[str, Any]) -> tuple[str, str, str]:
    tool = record["tool"]
    return (tool, record.get("engine", ""), record.get("method", ""))


def annotate(records: list[dict[str, Any]]) -> None:
    """Ratio to the floor and optbinning's time over calibrate's, per size."""
    for rows in sorted({r["rows"] for r in records}):
        same = [r for r in records if r["rows"] == rows and r["status"] == "ok"]
        floor = next((r["seconds"] for r in same if r["tool"] == "floor"), None)
        optbinning = next((r for r in same if r["tool"] == "optbinning"), None)
        for r in same:
            if floor and r["tool"] in ("calibrate", "optbinning", "toad"):
                r["x_floor"] = r["seconds"] / floor
            if optbinning and r["tool"] == "calibrate":
                r["optbinning_over"] = optbinning["seconds"] / r["seconds"]
        # Python and SQL scored the same leads with the same config: their total score should agree.
        for python in (r for r in same if r["tool"] == "score-python" and "agree" not in r.get("note", "")):
            sql = next((r for r in same if r["tool"] == "score-sql" and r.get("method") == python.get("method")), None)
            if sql is not None and sql["leads"] == python["leads"]:
                agree = "equals" if sql["score_sum"] == python["score_sum"] else "differs from"
                python["note"] += f"; total score {agree} SQL's ({python['score_sum']:,} vs {sql['score_sum']:,})"


def targets(records: list[dict[str, Any]], sizes: list[int]) -> list[str]:
    """The issue's targets, one line per measured run: met or not met."""
    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    lines = []
    cal = [r for r in records if r["tool"] == "calibrate"]
    lines.append("- calibrate fit ≤ 1.5× the floor at 1M and 10M rows:")
    for rows in (1_000_000, 10_000_000):
        runs = [r for r in cal if r["rows"] == rows]
        if not runs:
            lines.append(f"  - {rows:,}: not measured")
        for r in runs:
            if "x_floor" in r:
                lines.append(f"  - {rows:,} {r['engine']} {r['method']}: {r['x_floor']:.2f}× "
                             f"({r['seconds']:.1f} s vs floor {r['seconds'] / r['x_floor']:.1f} s): "
                             f"{verdict(r['x_floor'] <= 1.5)}")
            else:
                lines.append(f"  - {rows:,} {r['engine']} {r['method']}: not measured ({r['status']})")
    lines.append("- ≥ 10× faster than optbinning at 1M with held-out AUC ≥ optbinning's (3 decimals):")
    optbinning = next((r for r in records if r["tool"] == "optbinning" and r["rows"] == 1_000_000), None)
    runs = [r for r in cal if r["rows"] == 1_000_000]
    if optbinning is None or optbinning["status"] != "ok" or not runs:
        why = "no 1M run" if optbinning is None or not runs else optbinning["status"]
        lines.append(f"  - not measured ({why})")
    else:
        for r in runs:
            if r["status"] != "ok":
                lines.append(f"  - {r['engine']} {r['method']}: not measured ({r['status']})")
                continue
            faster = r["optbinning_over"]
            auc_ok = round(r["auc"], 3) >= round(optbinning["auc"], 3)
            lines.append(f"  - {r['engine']} {r['method']}: {faster:.1f}× faster, AUC {r['auc']:.3f} vs "
                         f"{optbinning['auc']:.3f}: {verdict(faster >= 10 and auc_ok)}")
    lines.append("- 100M rows from Parquet with the DuckDB engine under 4 GiB peak RSS:")
    runs = [r for r in cal if r["rows"] == 100_000_000 and r.get("engine") == "duckdb"]
    if not runs:
        lines.append("  - not measured" + ("" if 100_000_000 in sizes else " (100M not in --sizes)"))
    for r in runs:
        ok = r["status"] == "ok" and r["peak_rss_gib"] < 4
        figure = (f"{r['peak_rss_gib']:.2f} GiB peak, {r['seconds']:.1f} s" if r["status"] == "ok"
                  else f"{r['status']} (peak {r['peak_rss_gib']:.2f} GiB)")
        lines.append(f"  - duckdb {r['method']}: {figure}: {verdict(ok)}")
    lines.append("- Python scoring ≥ 5M leads/s:")
    runs = [r for r in records if r["tool"] == "score-python"]
    if not runs:
        lines.append("  - not measured")
    for r in runs:
        ok = r["status"] == "ok" and r["leads_per_s"] >= 5e6
        figure = _rate(r.get("leads_per_s")) if r["status"] == "ok" else r["status"]
        leads = f" ({r['leads']:,} leads in memory)" if r.get("leads", r["rows"]) != r["rows"] else ""
        frame = {"text": ", text", "codes": ", text as categoricals"}.get(r.get("engine", ""), "")
        lines.append(f"  - {r['rows']:,} {r['method']}{frame}{leads}: {figure}: {verdict(ok)}")
    return lines


def markdown(records: list[dict[str, Any]], data: list[dict[str, Any]], info: dict[str, Any],
             sizes: list[int]) -> str:
    annotate(records)
    out = [f"## {info['machine']['date']}: scale benchmark (issue 7)", "",
           f"`{info['command']}`", "",
           f"Machine: {info['machine']['cpu']}, {info['machine']['cores']} cores, "
           f"{info['machine']['ram_gib']:.0f} GiB RAM, load average {info['load'][0]:.1f} at the start and "
           f"{info['load'][1]:.1f} at the end (shared machine: compare figures of one run). "
           f"Python {info['machine']['python']}; "
           + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
           + f"; baselines run by `{info['python_baselines']}` (optbinning {info['baseline_versions']['optbinning']}, "
           f"toad {info['baseline_versions']['toad']}, scikit-learn {info['baseline_versions']['scikit-learn']}).",
           ""]
    for d in data:
        if d["status"] != "ok":
            out.append(f"- data {d['rows']:,} rows: {d['status']}")
            continue
        made = ("cached" if d["cached"] else
                f"generated in {d['seconds']:.1f} s ({d['rows'] / d['seconds'] / 1e6:.2f}M rows/s)")
        out.append(f"- data {d['rows']:,} rows: `{d['path']}`, {d['bytes'] / 1e6:,.0f} MB, {made}; "
                   f"the truth's own AUC (first row group) {_fmt(d.get('truth_auc'), 3)}")
    legend = ("Wall s: the timed work inside the subprocess (calibrate and the baselines: read, fit and held-out "
              "evaluation; floor: read and count; scoring: the scoring call or query). Process s: the whole "
              "subprocess. CPU s: CPU time of the timed work, all threads of the subprocess (less sensitive than wall "
              "time to other load on a shared machine). × floor: wall over the floor's at that size. "
              "optbinning ÷: optbinning's wall over this "
              "run's.")
    header = ("| rows | tool | engine | method | wall s | CPU s | process s | peak RSS GiB | held-out AUC | × floor "
              "| optbinning ÷ | throughput | status / notes |")
    out += ["", legend, "", header, "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in records:
        tool, engine, method = _label(r)
        status = r["status"] if r["status"] != "ok" else r.get("note", "")
        out.append(f"| {r['rows']:,} | {tool} | {engine} | {method} | {_fmt(r.get('seconds'))} | "
                   f"{_fmt(r.get('cpu_seconds'))} | "
                   f"{_fmt(r['process_seconds'], 1)} | {_fmt(r['peak_rss_gib'])} | {_fmt(r.get('auc'), 4)} | "
                   f"{_fmt(r.get('x_floor'))} | {_fmt(r.get('optbinning_over'), 1)} | {_rate(r.get('leads_per_s'))} "
                   f"| {status.replace('|', '/')} |")
    out += ["", "Targets:", "", *targets(records, sizes), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Scale benchmark: calibrate vs a numpy floor, optbinning, toad.")
    parser.add_argument("--sizes", type=parse_size, nargs="+", default=[100_000, 1_000_000],
                        help="rows per file: 100000, 1M, 10M, 100M (default 100k 1M)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=["pandas"])
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=["lift", "log_odds"])
    parser.add_argument("--baselines", nargs="*", choices=BASELINES, default=list(BASELINES))
    parser.add_argument("--scoring", nargs="*", choices=SCORING, default=list(SCORING),
                        help="scoring throughput runs, with the config of each method (default: python cli sql)")
    parser.add_argument("--score-rows", type=parse_size, default=10_000_000,
                        help="at most this many leads in memory for Python scoring (default 10M)")
    parser.add_argument("--python-baselines", default=sys.executable,
                        help="interpreter for optbinning and toad (default: this one)")
    parser.add_argument("--data-dir", type=Path, default=Path("build/bench"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run before it is killed")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of the floor and of each calibrate fit, taken in turns; the median is reported "
                             "(default 1)")
    parser.add_argument("--mem-limit-gb", type=float, default=None,
                        help="GiB of resident memory per run before it is killed (default: 80%% of RAM)")
    parser.add_argument("--markdown", type=Path, default=None, help="write the report here (default: print only)")
    parser.add_argument("--json", type=Path, default=None,
                        help="raw results (default: MARKDOWN with .json, else DATA_DIR/results.json)")
    args = parser.parse_args(argv)

    info = {"machine": machine(), "command": "python benchmarks/bench_scale.py " + shlex.join(sys.argv[1:]),
            "python_baselines": args.python_baselines,
            "versions": {p: _version(sys.executable, p) for p in ("calibrate", "pandas", "numpy", "duckdb", "pyarrow")},
            "baseline_versions": {p: _version(args.python_baselines, p)
                                  for p in ("optbinning", "toad", "scikit-learn")}}
    load_at_start = os.getloadavg()[0]
    mem_limit = args.mem_limit_gb or 0.8 * info["machine"]["ram_gib"]
    log_dir = args.data_dir / "logs"
    records: list[dict[str, Any]] = []
    data: list[dict[str, Any]] = []

    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    def run(python: str, job: dict[str, Any], *, keep: bool = True) -> dict[str, Any]:
        print(f"run: {job['name']} ...", flush=True)
        record = run_job(python, job, timeout=args.timeout, mem_limit=mem_limit, log_dir=log_dir)
        if keep:
            records.append(record)
        print(f"     {record['status']}: wall {_fmt(record.get('seconds'))} s, "
              f"process {record['process_seconds']:.1f} s, "
              f"peak {record['peak_rss_gib']:.2f} GiB, AUC {_fmt(record.get('auc'), 4) or '-'}"
              + (f", {_rate(record['leads_per_s'])}" if record.get("leads_per_s") else ""), flush=True)
        return record

    for rows in args.sizes:
        made = _generate(rows, args.seed, args.data_dir, log_dir)
        data.append(made)
        if made["status"] != "ok":
            continue
        path = str(Path(made["path"]).resolve())
        base = {"path": path, "rows": rows, "target": "converted"}
        split = args.data_dir.resolve() / f"split_n{rows}_seed{args.seed}.npz"
        split.unlink(missing_ok=True)
        configs: dict[str, Path] = {}
        # The floor and the fits, taken in turns --repeat times, so that a slow spell of a shared machine falls
        # on every tool alike; each is reported by its median run. The first turn saves the configs and split.
        fits = [{**base, "tool": "floor", "name": f"n{rows}_floor"}] if "floor" in args.baselines else []
        for engine in args.engines:
            for method in args.methods:
                job = {**base, "tool": "calibrate", "engine": engine, "method": method,
                       "name": f"n{rows}_calibrate_{engine}_{method}"}
                config = args.data_dir.resolve() / f"config_n{rows}_seed{args.seed}_{method}.yaml"
                if not any(f.get("save_config") == str(config) for f in fits):
                    config.unlink(missing_ok=True)
                    job["save_config"] = str(config)
                fits.append({**job, "save_split": str(split)})  # saved by the first in-memory fit
        turns: list[list[dict[str, Any]]] = [[] for _ in fits]
        for turn in range(args.repeat):
            for job, runs in zip(fits, turns, strict=True):
                unsaved = {"save_config", "save_split"} if turn else ({"save_split"} if split.is_file() else set())
                runs.append(run(sys.executable, {k: v for k, v in job.items() if k not in unsaved}, keep=False))
        for job, runs in zip(fits, turns, strict=True):
            records.append(_median_run(runs))
            config = job.get("save_config")
            if config and runs[0]["status"] == "ok" and Path(config).is_file():
                configs[job["method"]] = Path(config)
        for kind in args.scoring:
            # Python scores a frame of text (read_leads) and one of categoricals (read_leads_coded, the fit's reader).
            for reader in (("text", "codes") if kind == "python" else ("",)):
                for method in args.methods:
                    tool = f"score-{kind}"
                    job = {**base, "tool": tool, "method": method, "score_rows": args.score_rows,
                           "name": f"n{rows}_{tool}_{reader + '_' if reader else ''}{method}",
                           **({"engine": reader} if reader else {})}
                    if kind == "cli" and rows > args.score_rows:
                        continue  # `calibrate score` holds every lead in memory: scored as SQL, where they live
                    if method not in configs:
                        records.append({**{k: job[k] for k in ("name", "tool", "rows", "method")},
                                        "process_seconds": 0.0, "peak_rss_gib": 0.0,
                                        "status": "failed: no config (the calibrate fit failed)"})
                        continue
                    run(sys.executable, {**job, "config": str(configs[method])})
        for baseline in ("optbinning", "toad"):
            if baseline in args.baselines:
                run(args.python_baselines, {**base, "tool": baseline, "name": f"n{rows}_{baseline}",
                                            "split": str(split)})
    info["load"] = [load_at_start, os.getloadavg()[0]]
    report = markdown(records, data, info, args.sizes)
    print("\n" + report, flush=True)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(report, encoding="utf-8")
        print(f"wrote {args.markdown}", flush=True)
    raw = args.json or (args.markdown.with_suffix(".json") if args.markdown else args.data_dir / "results.json")
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps({"info": info, "data": data, "runs": records}, indent=2, default=str), encoding="utf-8")
    print(f"wrote {raw}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        _worker(sys.argv[2])
    else:
        main()
