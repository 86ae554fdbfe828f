"""Column work on threads gives what the loop gives (calibrate.parallel)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from calibrate import parallel
from calibrate.counting import encode_all
from calibrate.datasets import make_leads
from calibrate.fingerprint import _column_hash, column_hashes


def test_threads_are_used_only_for_long_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cpus", lambda: 8)
    assert parallel.n_threads(parallel.THREADED_ROWS - 1, 30) == 1
    assert parallel.n_threads(parallel.THREADED_ROWS, 1) == 1
    assert parallel.n_threads(parallel.THREADED_ROWS, 30) == parallel.MAX_THREADS
    assert parallel.n_threads(parallel.THREADED_ROWS, 3) == 3
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    assert parallel.n_threads(10**7, 30) == 2


def test_map_columns_keeps_the_order_and_runs_on_several_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    names: set[str] = set()
    barrier = threading.Barrier(2, timeout=10)

    def work(item: int) -> int:
        names.add(threading.current_thread().name)
        if item < 2:
            barrier.wait()  # the first two items run at once, or this times out
        return item * item

    assert parallel.map_columns(work, list(range(10)), rows=parallel.THREADED_ROWS) == [i * i for i in range(10)]
    assert len(names) == 2 and all(name.startswith("calibrate-column") for name in names)


def _fails_on_columns_3_and_6(item: int) -> int:
    if item in (3, 6):
        raise ValueError(f"column {item}")
    return item


def test_map_columns_raises_the_first_error_in_column_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    for rows in (10, parallel.THREADED_ROWS):
        with pytest.raises(ValueError, match="column 3"):
            parallel.map_columns(_fails_on_columns_3_and_6, list(range(8)), rows=rows)


def test_hashes_and_codes_on_threads_equal_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reference: the per-column functions called one after the other in this thread.
    from calibrate.attributes import infer_attributes

    frame = make_leads(3_000, seed=5)
    frame["amount"] = np.random.default_rng(0).lognormal(5, 2, len(frame))
    specs, _, _ = infer_attributes(frame.drop(columns=["converted"], errors="ignore"))
    loop_hashes = [_column_hash(frame.iloc[:, i]) for i in range(frame.shape[1])]
    loop_codes = {spec.name: spec.encode(frame[spec.name]) for spec in specs}
    monkeypatch.setattr(parallel, "THREADED_ROWS", 1)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    assert parallel.n_threads(len(frame), frame.shape[1]) == 2
    for threaded, loop in zip(column_hashes(frame), loop_hashes, strict=True):
        np.testing.assert_array_equal(threaded, loop)
    threaded_codes = encode_all(frame, specs)
    assert list(threaded_codes) == list(loop_codes)
    for name, codes in loop_codes.items():
        np.testing.assert_array_equal(threaded_codes[name], codes)
    threaded_specs, _, _ = infer_attributes(frame.drop(columns=["converted"], errors="ignore"))
    assert [(s.name, s.level_labels) for s in threaded_specs] == [(s.name, s.level_labels) for s in specs]


def test_in_background_runs_on_another_thread_and_raises_through_result() -> None:
    ran_on = parallel.in_background(lambda: threading.get_ident()).result()
    assert ran_on != threading.get_ident()
    failing = parallel.in_background(int, "not a number")
    with pytest.raises(ValueError, match="invalid literal"):
        failing.result()


def test_iter_columns_works_ahead_of_the_caller_two_columns_per_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # The threads go on with the next columns while the caller holds a result, but never more than
    # two results per thread wait (each can be a column's worth of codes).
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    started: list[int] = []
    lock = threading.Lock()
    five_started = threading.Event()

    def work(item: int) -> int:
        with lock:
            started.append(item)
            if len(started) == 5:
                five_started.set()
        return item * 10

    results = parallel.iter_columns(work, list(range(9)), rows=parallel.THREADED_ROWS)
    assert next(results) == 0
    # Taking the first result starts the fifth column (2 threads x 2 ahead), while the caller holds it.
    assert five_started.wait(timeout=10)
    with lock:
        assert sorted(started) == [0, 1, 2, 3, 4]
    assert list(results) == [i * 10 for i in range(1, 9)]
    assert sorted(started) == list(range(9))


def test_iter_columns_raises_the_first_error_in_order_and_stops_when_the_caller_stops(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    for rows in (10, parallel.THREADED_ROWS):
        results = parallel.iter_columns(_fails_on_columns_3_and_6, list(range(8)), rows=rows)
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(ValueError, match="column 3"):
            next(results)

    started: list[int] = []
    results = parallel.iter_columns(started.append, list(range(100)), rows=parallel.THREADED_ROWS)
    next(results)
    results.close()  # the caller stops early: the columns not yet started are not worked on
    assert len(started) <= 5


def test_take_rows_on_threads_equals_loc_for_every_kind_of_column(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reference: pandas' own frame.loc[mask].
    import pandas as pd

    monkeypatch.setattr(parallel, "THREADED_ROWS", 1)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    rng = np.random.default_rng(3)
    n = 500
    frame = pd.DataFrame({
        "category": pd.Categorical(rng.choice(["a", "b", None], n)),
        "text": pd.Series(rng.choice(["x", "y", None], n), dtype="str"),
        "objects": pd.Series(rng.choice(["p", 1, None], n), dtype=object),
        "integers": rng.integers(0, 9, n),
        "floats": rng.normal(size=n),
        "nullable": pd.array(rng.choice([1, 2, None], n), dtype="Int64"),
        "flags": rng.random(n) < 0.5,
        "dates": pd.date_range("2026-01-01", periods=n, freq="h"),
    }, index=pd.Index(rng.permutation(n) + 1000, name="lead"))
    frame.insert(3, "integers ", frame["floats"] * 2)
    frame.columns = [*frame.columns[:-1], "floats"]  # a repeated name
    frame.attrs["source"] = "export.csv"
    mask = rng.random(n) < 0.6
    expected = frame.loc[mask]
    taken = parallel.take_rows(frame, mask)
    pd.testing.assert_frame_equal(taken, expected)
    assert taken.attrs == expected.attrs and taken.index.name == "lead"
    assert parallel.take_rows(frame, np.zeros(n, dtype=bool)).shape == (0, frame.shape[1])
