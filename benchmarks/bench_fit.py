"""Benchmark: read, fit and score generated lead exports of growing size.

Run ``python benchmarks/bench_fit.py [N ...]`` (default 100,000 and 1,000,000 leads); each
size runs in a fresh process so peak memory is its own. Results are appended to
``benchmarks/RESULTS.md`` with the machine and date. Not a test: nothing here asserts.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def _one(n_leads: int) -> str:
    import pandas as pd

    from calibrate import Calibrator, read_leads
    from calibrate.datasets import make_leads

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "leads.csv"
        make_leads(n_leads, seed=1).to_csv(csv, index=False)
        size_mb = csv.stat().st_size / 1e6
        t0 = time.perf_counter()
        frame = read_leads(csv)
        t1 = time.perf_counter()
        cal = Calibrator().fit(frame, target="stage", positive=["Closed Won"], exclude=["Open"])
        t2 = time.perf_counter()
        scored = cal.config_.score(frame)
        t3 = time.perf_counter()
    assert isinstance(scored, pd.DataFrame)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    return (f"| {n_leads:,} | {frame.shape[1]} | {size_mb:.0f} MB | {t1 - t0:.2f} s | {t2 - t1:.2f} s | "
            f"{t3 - t2:.2f} s | {peak_gb:.2f} GB |")


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        rows.append(out.stdout.strip().splitlines()[-1])
        print(rows[-1], flush=True)
    import numpy
    import pandas

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
               platform.processor() or platform.machine())
    header = (f"\n## {dt.date.today().isoformat()}: read, fit (lift), score; "
              f"{cpu} ({platform.machine()}), {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
              f"pandas {pandas.__version__}, numpy {numpy.__version__}\n\n"
              "| leads | columns | CSV size | read_leads | fit | score | peak RSS |\n|---|---|---|---|---|---|---|\n")
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(header + "\n".join(rows) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(_one(int(sys.argv[2])))
    else:
        main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
