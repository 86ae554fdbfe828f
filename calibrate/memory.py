"""numpy's huge-page advice, switched off while calibrate works.

On Linux, numpy asks the kernel for transparent huge pages for every array
of 4 MB or more (``madvise(MADV_HUGEPAGE)``). Where transparent huge pages
are set to ``madvise`` (many distributions' default), the kernel may stop
to compact memory before it hands a huge page out. A fit makes hundreds of
short-lived arrays of a few megabytes (a column's codes, hashes, a score per
lead), written once and read a few times: huge pages save them little, and
the stalls cost a fresh 1M-lead fit 0.2-0.5 s of its 2 s on the benchmark
machine (half its time in the kernel; ``benchmarks/RESULTS.md``).

:func:`small_pages` turns the advice off for the duration of a fit and
restores numpy's setting after, also when fits run at once on threads. It
leaves numpy alone where the user decided: when ``NUMPY_MADVISE_HUGEPAGE``
is set (numpy's documented switch, read when numpy starts), or where numpy
has no such switch.

Examples
--------
>>> with small_pages():
...     pass
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["huge_page_advice", "small_pages"]

_lock = threading.Lock()
_depth = 0  # fits inside small_pages now
_restore_to: bool | None = None  # numpy's setting before the first of them


def _switch() -> Callable[[bool], bool] | None:
    """numpy's setter of its huge-page advice (returns the previous setting), or None where it has none."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage  # numpy 2
    except ImportError:
        try:
            from numpy.core.multiarray import _set_madvise_hugepage  # numpy 1
        except ImportError:
            return None
    return _set_madvise_hugepage


def huge_page_advice() -> bool | None:
    """Whether numpy now advises huge pages for its large arrays (None where it cannot say).

    Examples
    --------
    >>> with small_pages():
    ...     huge_page_advice() in (False, None) or "NUMPY_MADVISE_HUGEPAGE" in os.environ
    True
    """
    switch = _switch()
    if switch is None:
        return None
    with _lock:
        current = switch(True)
        switch(current)
    return bool(current)


@contextmanager
def small_pages() -> Iterator[None]:
    """numpy's huge-page advice off inside the block, numpy's own setting restored after.

    Nested and concurrent blocks share one switch: the first to enter turns
    the advice off, the last to leave restores it. A no-op when
    ``NUMPY_MADVISE_HUGEPAGE`` is set or numpy has no switch.
    """
    global _depth, _restore_to
    switch = None if "NUMPY_MADVISE_HUGEPAGE" in os.environ else _switch()
    if switch is None:
        yield
        return
    with _lock:
        if _depth == 0:
            _restore_to = switch(False)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _restore_to is not None:
                switch(_restore_to)
                _restore_to = None
