"""calibrate: lead-scoring points justified by close rates, with honest statistics.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> cal = Calibrator().fit(load_sample_leads(), target="stage",
...                        positive=["Closed Won"], exclude=["Open"])
>>> cal.config_.threshold
100
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from calibrate.config import ScoringConfig
from calibrate.errors import (
    CalibrateError,
    CalibrateWarning,
    ConfigError,
    DataError,
    DataQualityWarning,
    LeakageWarning,
    SmallSampleWarning,
    UnseenLevelWarning,
)
from calibrate.io import read_leads, read_leads_coded
from calibrate.activity import read_activities
from calibrate.accounts import read_target_accounts

if TYPE_CHECKING:
    from calibrate.calibrator import Calibrator
    from calibrate.crm_data import make_crm_export
    from calibrate.datasets import load_sample_leads, make_leads

__all__ = [
    "__version__",
    "Calibrator",
    "ScoringConfig",
    "read_leads",
    "read_leads_coded",
    "read_activities",
    "read_target_accounts",
    "make_crm_export",
    "load_sample_leads",
    "make_leads",
    "CalibrateError",
    "DataError",
    "ConfigError",
    "CalibrateWarning",
    "DataQualityWarning",
    "LeakageWarning",
    "SmallSampleWarning",
    "UnseenLevelWarning",
]


def __getattr__(name: str) -> Any:
    # Calibrator loads on first use: it brings scipy, statsmodels and scikit-learn (1.3 s), which scoring
    # with a config (`calibrate score`, `ScoringConfig.load(...).score(...)`) does not need.
    if name == "Calibrator":
        from calibrate.calibrator import Calibrator

        return Calibrator
    # The sample-data helpers load lazily so that `python -m calibrate.datasets` runs cleanly.
    if name in ("load_sample_leads", "make_leads"):
        from calibrate import datasets

        return getattr(datasets, name)
    if name == "make_crm_export":
        from calibrate import crm_data

        return crm_data.make_crm_export
    raise AttributeError(f"module 'calibrate' has no attribute {name!r}")
