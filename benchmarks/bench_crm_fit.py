"""Benchmark: a whole fit with derived signals (activity log, accounts, junk) and scoring with the log.

Run ``python benchmarks/bench_crm_fit.py --leads 200000``. Draws
:func:`calibrate.crm_data.make_crm_export`, fits ``Calibrator()`` with the
activity log, the target accounts and ``as_of="decided_date"``, scores the
leads with the config and the log, and prints the times, the half-life
found and the peak resident memory. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from calibrate import Calibrator
    from calibrate.crm_data import make_crm_export

    export = make_crm_export(args.leads, seed=args.seed)
    start = time.perf_counter()
    cal = Calibrator().fit(export.leads, target="stage", positive=["Closed Won"], exclude=["Open"],
                           id_column="lead_id", as_of="decided_date", activities=export.activities,
                           target_accounts=export.target_accounts["domain"].tolist())
    fit = time.perf_counter() - start
    start = time.perf_counter()
    cal.config_.score(export.leads, activities=export.activities)
    score = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"| {args.leads:,} | {len(export.activities):,} | {fit:.1f} s | {cal.decay_.half_life_days:.1f} d "
          f"| {score:.1f} s | {peak:.2f} GB |")


if __name__ == "__main__":
    main()
