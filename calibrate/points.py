"""Point methods: from per-level evidence to integer points.

Notes
-----
The ``lift`` method is the classic rule of lead scoring, "close rate of the
value against the overall close rate", made honest by a significance gate:

.. math::

   \\text{points} = \\operatorname{round}\\bigl(s \\cdot (\\text{lift} - 1)\\bigr)
   \\quad\\text{if } q < \\alpha, \\text{ else } 0,

where ``lift = close_rate / baseline_rate`` and ``s`` (``points_per_lift``)
is how many points one unit of lift is worth: a value closing at twice the
baseline earns ``s`` points, one closing at half of it loses ``s / 2``, one
that never closes loses ``s``. Levels whose q-value does not reach
``alpha`` (the false-discovery rate) get 0: the data does not tell them apart
from the baseline.

The default scale, 50 points per unit of lift, gives the sales-ready
threshold of 100 a plain reading: one value closing at three times the
baseline makes a lead sales-ready on its own; two values each closing at
twice the baseline do so together.

Examples
--------
>>> import pandas as pd
>>> from calibrate.points import lift_points
>>> stats = pd.DataFrame({"lift": [3.85, 0.87, 1.6], "q_value": [1e-40, 2e-9, 0.3]})
>>> lift_points(stats, alpha=0.05, points_per_lift=20).tolist()
[57, -3, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["METHODS", "lift_points", "DEFAULT_POINTS_PER_LIFT"]

#: Point methods this version implements.
METHODS = ("lift",)

#: Default scale of the lift method: points for one unit of lift above the baseline
#: (lift 3 alone reaches the default threshold of 100).
DEFAULT_POINTS_PER_LIFT = 50


def lift_points(stats: pd.DataFrame, *, alpha: float = 0.05, points_per_lift: float = DEFAULT_POINTS_PER_LIFT) -> pd.Series:
    """Integer points of every level by the lift rule.

    Parameters
    ----------
    stats : pandas.DataFrame
        Level statistics with columns ``lift`` and ``q_value``.
    alpha : float
        Levels with ``q_value < alpha`` get points; the others get 0.
    points_per_lift : float
        Points for one unit of lift above (or below) 1.

    Returns
    -------
    pandas.Series
        int64 points, same index as ``stats``.
    """
    significant = (stats["q_value"] < alpha).to_numpy()  # NaN compares False: untestable levels score 0
    raw = points_per_lift * (stats["lift"].to_numpy(dtype=float) - 1.0)
    points = np.where(significant, np.round(raw), 0.0)
    return pd.Series(points.astype(np.int64), index=stats.index, name="points")
