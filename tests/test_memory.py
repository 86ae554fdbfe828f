"""numpy's huge-page advice during a fit (calibrate.memory)."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator
from calibrate.errors import DataError
from calibrate.memory import _switch, huge_page_advice, small_pages

pytestmark = pytest.mark.skipif(_switch() is None, reason="this numpy has no huge-page switch")


@pytest.fixture(autouse=True)
def _numpy_advises_huge_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test starts from numpy's default (advice on), whatever the environment of the test run.
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    switch = _switch()
    previous = switch(True)
    yield
    switch(previous)


def test_advice_is_off_inside_and_restored_after() -> None:
    assert huge_page_advice() is True
    with small_pages():
        assert huge_page_advice() is False
        with small_pages():  # nested: still off, and the inner exit does not restore it
            assert huge_page_advice() is False
        assert huge_page_advice() is False
    assert huge_page_advice() is True


def test_a_setting_of_off_is_kept_off() -> None:
    _switch()(False)
    with small_pages():
        assert huge_page_advice() is False
    assert huge_page_advice() is False


def test_overlapping_blocks_on_threads_restore_once_the_last_leaves() -> None:
    # A enters, B enters, A leaves (B still inside: still off), B leaves (restored).
    a_inside, b_inside, a_left, b_may_leave = (threading.Event() for _ in range(4))
    seen: dict[str, bool | None] = {}

    def a() -> None:
        with small_pages():
            a_inside.set()
            b_inside.wait(5)
        a_left.set()

    def b() -> None:
        a_inside.wait(5)
        with small_pages():
            b_inside.set()
            a_left.wait(5)
            seen["after A left"] = huge_page_advice()
            b_may_leave.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    a_left.wait(5)
    b_may_leave.set()
    for thread in threads:
        thread.join(5)
    assert seen == {"after A left": False}
    assert huge_page_advice() is True


def test_the_users_environment_variable_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    with small_pages():
        assert huge_page_advice() is True


def test_a_fit_runs_without_the_advice_and_restores_it_even_when_it_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import calibrate.calibrator as calibrator

    seen = []
    real = calibrator.resolve_target

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(huge_page_advice())
        return real(*args, **kwargs)

    monkeypatch.setattr(calibrator, "resolve_target", spy)
    leads = pd.DataFrame({"x": np.arange(200) % 3, "won": np.arange(200) % 2})
    Calibrator(holdout=None).fit(leads, target="won")
    with pytest.raises(DataError, match="only customers"):
        Calibrator().fit(leads.assign(won=1), target="won")
    assert seen == [False, False]
    assert huge_page_advice() is True


def test_numpy_reads_the_environment_variable_at_start() -> None:
    # What the documented switch does, which small_pages respects: numpy 0 at start means no advice.
    code = "from calibrate.memory import huge_page_advice; print(huge_page_advice())"
    out = subprocess.run([sys.executable, "-c", code], env={"NUMPY_MADVISE_HUGEPAGE": "0", "PATH": ""},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
