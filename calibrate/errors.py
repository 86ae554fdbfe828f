"""Exception and warning classes raised by calibrate.

Errors are for input that cannot give a correct result; the message names the
column (and, where it helps, the rows or values) and says how to fix it.
Warnings are statistical or data-quality caveats on a result that is still
correct.

Examples
--------
>>> from calibrate.errors import DataError
>>> try:
...     raise DataError("target column 'Converted' is missing; pass target=...")
... except DataError as exc:
...     print(exc)
target column 'Converted' is missing; pass target=...
"""

from __future__ import annotations

__all__ = [
    "CalibrateError",
    "DataError",
    "ConfigError",
    "CalibrateWarning",
    "DataQualityWarning",
    "SmallSampleWarning",
    "UnseenLevelWarning",
    "LeakageWarning",
]


class CalibrateError(Exception):
    """Base class of every error calibrate raises on purpose."""


class DataError(CalibrateError, ValueError):
    """The input data cannot be used as given (missing column, bad target, ...)."""


class ConfigError(CalibrateError, ValueError):
    """A scoring config is invalid, of an unknown schema version, or inconsistent."""


class CalibrateWarning(UserWarning):
    """Base class of calibrate's warnings."""


class DataQualityWarning(CalibrateWarning):
    """Something in the data was repaired or left out; the result is still correct."""


class SmallSampleWarning(CalibrateWarning):
    """Some levels have fewer leads than the minimum support; their evidence is weak."""


class UnseenLevelWarning(CalibrateWarning):
    """Scoring met values the config has never seen; they got the config's unseen points."""


class LeakageWarning(CalibrateWarning):
    """An attribute predicts the outcome too well: it may be filled in after the outcome is known."""
