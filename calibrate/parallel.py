"""Work that is one pure function per column, on the machine's cores.

Arrow's, numpy's and pandas' kernels (hashing, factorising, gathering) let go
of the interpreter lock, so a function of one column each runs on threads
nearly twice as fast on two cores. Results come back in the order of the
columns, each exactly what a loop would give: the work per column does not
depend on the others, whichever thread does it.

Examples
--------
>>> map_columns(len, [[1, 2], [3]], rows=2)
[2, 1]
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["MAX_THREADS", "THREADED_ROWS", "available_cpus", "in_background", "iter_columns", "map_columns",
           "n_threads", "take_rows"]

#: Below this many rows a column's work is too short for threads to pay: the columns go one after the other.
THREADED_ROWS = 200_000
#: Threads at the most, whatever the machine.
MAX_THREADS = 4

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it).

    Examples
    --------
    >>> available_cpus() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def n_threads(rows: int, tasks: int) -> int:
    """Threads for ``tasks`` pieces of work over ``rows`` rows each: 1 below :data:`THREADED_ROWS`.

    Examples
    --------
    >>> n_threads(1_000, 30)
    1
    """
    if rows < THREADED_ROWS or tasks < 2:
        return 1
    return max(1, min(available_cpus(), MAX_THREADS, tasks))


def map_columns(function: Callable[[_Item], _Result], items: Sequence[_Item], *, rows: int) -> list[_Result]:
    """``[function(item) for item in items]``, on threads when the columns are long.

    Parameters
    ----------
    function : callable
        A pure function of one item (one column's data): it must not change
        shared state, as the items run at once.
    items : sequence
        The columns (taken out of their frame by the caller, in its thread).
    rows : int
        Rows per column, which decides whether threads pay.

    Returns
    -------
    list
        The results in the order of ``items``. The first item (in that
        order) that raises has its error raised, as in the loop.
    """
    threads = n_threads(rows, len(items))
    if threads == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(threads, thread_name_prefix="calibrate-column") as pool:
        return list(pool.map(function, items))


def iter_columns(function: Callable[[_Item], _Result], items: Sequence[_Item], *, rows: int) -> Iterator[_Result]:
    """:func:`map_columns` as the caller reads the results, two columns per thread ahead of it.

    The threads start on the next column as soon as the caller takes a
    result, so they work while the caller works on the results; at most two
    results per thread wait at once (each can be a column's worth of codes
    or hashes). The first item (in order) that raises has its error raised
    when the caller reaches it, as in the loop.

    Examples
    --------
    >>> list(iter_columns(len, [[1, 2], [3]], rows=2))
    [2, 1]
    """
    threads = n_threads(rows, len(items))
    if threads == 1:
        yield from (function(item) for item in items)
        return
    upcoming = iter(items)
    with ThreadPoolExecutor(threads, thread_name_prefix="calibrate-column") as pool:
        ahead = deque(pool.submit(function, item) for item in itertools.islice(upcoming, 2 * threads))
        try:
            while ahead:
                result = ahead.popleft().result()
                for item in itertools.islice(upcoming, 1):
                    ahead.append(pool.submit(function, item))
                yield result
        finally:  # the caller stopped early (or an item raised): the columns not started are not worked on
            for future in ahead:
                future.cancel()


def in_background(function: Callable[..., _Result], *args: Any) -> Future[_Result]:
    """Start ``function(*args)`` on a thread of its own; the caller goes on and takes ``.result()`` when needed.

    For work that lets go of the interpreter lock (hashing, sorting) while
    the caller's own work is mostly Python. ``function`` must be pure, and
    its arguments not changed until the result is taken. An error it raises
    is raised by ``.result()``.

    Examples
    --------
    >>> in_background(sorted, [3, 1, 2]).result()
    [1, 2, 3]
    """
    pool = ThreadPoolExecutor(1, thread_name_prefix="calibrate-background")
    try:
        return pool.submit(function, *args)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def take_rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """``frame.loc[mask]`` (a boolean mask over its rows), the columns taken on threads when long.

    pandas takes a frame's columns one after the other; each column's
    values are taken here on the machine's cores (numpy's and Arrow's takes
    let go of the interpreter lock), then put together with the same index,
    names and dtypes, one block per column.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> take_rows(pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}), np.array([True, False, True]))
       a  b
    0  1  x
    2  3  z
    """
    import numpy as np
    import pandas as pd

    kept = int(np.count_nonzero(mask))
    if n_threads(kept, frame.shape[1]) == 1:
        return frame.loc[mask]
    positions = np.flatnonzero(mask)
    # The arrays are taken out of the frame here, in the caller's thread: pandas' own caches are not thread-safe.
    arrays = map_columns(lambda values: values.take(positions), [frame.iloc[:, i].array for i in range(frame.shape[1])],
                         rows=kept)
    index = frame.index[mask]
    taken = pd.concat([pd.Series(values, index=index, copy=False) for values in arrays], axis=1, ignore_index=True)
    taken.columns = frame.columns
    taken.attrs = dict(frame.attrs)
    return taken
