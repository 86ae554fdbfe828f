"""Benchmark: leads scored per second by ``score_leads`` on a wide in-memory table.

Run ``python benchmarks/bench_score.py [--sizes 1000000 5000000] [--attributes 30] [--repeat 3]``.

A table of about 30 attribute columns is built: the columns of
:func:`calibrate.datasets.make_leads` (text with messy spellings, numbers)
plus generated categorical columns (a few to a few hundred levels, spelled
several ways, with placeholders such as ``Select``) and integer columns, the
generated ones carrying a little signal so the fit keeps them. A config is
fitted on ``--fit-rows`` rows (default 200,000) without derived signals, then
``score_leads`` is timed (best of ``--repeat``) on frames of each size, drawn
from those rows, already in memory. Only the scoring is timed. Not a test:
nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd


def _extra_columns(n: int, n_categorical: int, n_numeric: int, rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """Generated attribute columns and the log-odds they add to each row."""
    columns: dict[str, object] = {}
    logit = np.zeros(n)
    for j in range(n_categorical):
        n_levels = [3, 5, 8, 12, 20, 40, 120, 300][j % 8]
        names = np.array([f"Value {j}-{k}" for k in range(n_levels)] + ["Select", "n/a"], dtype=object)
        weights = rng.dirichlet(np.full(n_levels + 2, 0.7))
        codes = rng.choice(n_levels + 2, size=n, p=weights)
        effect = rng.normal(0, 0.4, n_levels + 2)
        logit += effect[codes]
        spellings = np.stack([names, np.char.upper(names.astype(str)).astype(object),
                              np.array([f" {v} " for v in names], dtype=object)])
        variant = rng.choice(3, size=n, p=[0.9, 0.07, 0.03])
        values = pd.array(spellings[variant, codes], dtype="str")
        missing = rng.random(n) < 0.03
        values[missing] = None
        columns[f"cat_{j:02d}"] = values
    for j in range(n_numeric):
        if j % 2:
            values = rng.poisson(rng.uniform(0.5, 20), size=n).astype(np.int64)
        else:
            values = np.round(rng.lognormal(3, 1, size=n), 1)
            values[rng.random(n) < 0.05] = np.nan
        logit += 0.3 * (np.nan_to_num(values) > np.nanmedian(values))
        columns[f"num_{j:02d}"] = values
    return columns, logit


def build_table(n: int, attributes: int, seed: int = 1) -> pd.DataFrame:
    """``make_leads(n)`` widened with generated columns to about ``attributes`` attribute columns."""
    from calibrate.datasets import make_leads

    leads = make_leads(n, seed=seed)
    rng = np.random.default_rng(seed)
    n_extra = max(attributes - 13, 0)  # make_leads holds about 13 scorable columns
    columns, logit = _extra_columns(n, n_extra - n_extra // 3, n_extra // 3, rng)
    extra = pd.DataFrame(columns, index=leads.index)
    # Let the generated columns move the outcome of decided leads a little, so the fit keeps them.
    decided = leads["stage"].isin(["Closed Won", "Closed Lost"]).to_numpy()
    flip = decided & (rng.random(n) < 0.3)
    won = rng.random(n) < 1 / (1 + np.exp(-(logit - logit.mean() - 1.5)))
    stage = leads["stage"].to_numpy(dtype=object).copy()
    stage[flip] = np.where(won[flip], "Closed Won", "Closed Lost")
    leads["stage"] = pd.array(stage, dtype="str")
    return pd.concat([leads, extra], axis=1)


def sample_rows(table: pd.DataFrame, n: int, seed: int = 2) -> pd.DataFrame:
    """``n`` rows drawn with replacement from ``table``, with a fresh RangeIndex."""
    idx = np.random.default_rng(seed).integers(0, len(table), n)
    return table.take(idx).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--attributes", type=int, default=30, help="attribute columns in the table (about)")
    parser.add_argument("--fit-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one scoring run of the first size")
    args = parser.parse_args(argv)

    from calibrate import Calibrator
    from calibrate.scoring import score_leads

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    table = build_table(args.fit_rows, args.attributes)
    config = Calibrator(signals=False).fit(table, target="stage", positive=["Closed Won"], exclude=["Open"]).config_
    n_cat = sum(a["kind"] != "numeric" for a in config.to_dict()["attributes"])
    print(f"fitted on {len(table):,} rows in {time.perf_counter() - t0:.1f} s: {len(config.attributes)} attributes "
          f"({n_cat} categorical, {len(config.attributes) - n_cat} numeric)", flush=True)
    for n in args.sizes:
        frame = sample_rows(table.drop(columns=["stage"]), n)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            score_leads(config, frame)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            return
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            scored = score_leads(config, frame)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            del scored
        best = min(times)
        # CPU seconds (all threads) tell apart a slower scorer from a machine busy with other work.
        print(f"{n:>11,} rows x {len(config.attributes)} attributes: best {best:.3f} s of {args.repeat} "
              f"({', '.join(f'{t:.3f}' for t in times)}; CPU {', '.join(f'{c:.2f}' for c in cpu)} s) -> "
              f"{n / best / 1e6:.2f} M leads/s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
              flush=True)
        del frame


if __name__ == "__main__":
    main()
