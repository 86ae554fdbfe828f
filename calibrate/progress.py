"""Progress of a long fit: a bar on the terminal, nothing in notebooks or when asked to be quiet.

A fit is a few long steps (reading, counting on an engine, testing, the
backtest). :class:`Steps` shows them as one tqdm bar on standard error when
it is a terminal; in a notebook the cell's output would fill with bars, so
it stays quiet there unless asked (``progress=True``).

Examples
--------
>>> with Steps(["count", "test"], enabled=False) as steps:
...     steps.advance("count")
...     steps.advance("test")
>>> steps.done
2
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Any

__all__ = ["Steps", "progress_wanted"]


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    return get is not None and get() is not None and type(get()).__name__ == "ZMQInteractiveShell"


def progress_wanted(progress: bool | None) -> bool:
    """Whether to show progress: as asked, else only on a terminal outside notebooks.

    Examples
    --------
    >>> progress_wanted(False)
    False
    """
    if progress is not None:
        return bool(progress)
    return bool(getattr(sys.stderr, "isatty", lambda: False)()) and not _in_notebook()


class Steps:
    """A progress bar over named steps (a no-op when disabled).

    Parameters
    ----------
    names : sequence of str
        The steps, in order.
    enabled : bool
        Show the bar (see :func:`progress_wanted`).
    """

    def __init__(self, names: Sequence[str], *, enabled: bool) -> None:
        self.names = list(names)
        self.done = 0
        self._bar: Any = None
        if enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=len(self.names), desc="calibrate", unit="step", file=sys.stderr, leave=False,
                             bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}")

    def advance(self, name: str) -> None:
        """Mark the step ``name`` as starting (the previous one is done)."""
        if self._bar is not None:
            self._bar.set_description_str(f"calibrate: {name}")
            if self.done:
                self._bar.update(1)
        self.done += 1

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.update(self._bar.total - self._bar.n)
            self._bar.close()
