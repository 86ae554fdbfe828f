"""Apply a scoring config to leads.

Each attribute column is encoded with the very spec the config was fitted
with (same text normalisation, same placeholders, same bin edges), its points
looked up per level code, and the points summed: one vectorised pass per
attribute, no loop over rows.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> from calibrate.scoring import score_leads
>>> leads = load_sample_leads()
>>> config = Calibrator().fit(leads, target="stage", positive=["Closed Won"], exclude=["Open"]).config_
>>> scored = score_leads(config, leads.head(3))
>>> scored["band"].isin(["cold", "warm", "hot"]).all()
np.True_
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from calibrate.activity import ActivityLog
from calibrate.errors import DataError, UnseenLevelWarning
from calibrate.target import suggest_columns

if TYPE_CHECKING:
    from calibrate.config import ScoringConfig

__all__ = ["score_leads", "assign_bands"]


def assign_bands(scores: np.ndarray, bands: list[dict]) -> np.ndarray:
    """Band name of every score; a band's ``max`` is exclusive.

    Examples
    --------
    >>> import numpy as np
    >>> assign_bands(np.array([0, 40, 99, 100]), [{"name": "cold", "max": 40}, {"name": "warm", "max": 100},
    ...                                           {"name": "hot"}]).tolist()
    ['cold', 'warm', 'warm', 'hot']
    """
    bounds = np.asarray([b["max"] for b in bands[:-1]], dtype=np.int64)
    names = np.asarray([b["name"] for b in bands], dtype=object)
    return names[np.searchsorted(bounds, scores, side="right")]


def score_leads(config: ScoringConfig, data: pd.DataFrame, *, activities: ActivityLog | pd.DataFrame | str | None = None,
                as_of: str | None = None, derived: pd.DataFrame | None = None, score_column: str = "score",
                band_column: str = "band", grade_columns: bool = True) -> pd.DataFrame:
    """Score every row of ``data`` with ``config``.

    Parameters
    ----------
    config : ScoringConfig
        The config to apply.
    data : pandas.DataFrame
        Leads; every column of ``config.input_columns`` must be present.
        Other columns are kept untouched, in their order.
    activities : ActivityLog, DataFrame or path, optional
        The activity log, required when the config counts activities
        (``config.signals.uses_activities``).
    as_of : str, optional
        Date (YYYY-MM-DD) the derived signals are computed as of for leads
        without an as-of value; default the activity log's latest activity.
    derived : pandas.DataFrame, optional
        The config's derived signal columns, already computed for these rows
        (e.g. over a larger table, so account counts see every colleague);
        the recipe is then not run again.
    score_column, band_column : str
        Names of the columns added.
    grade_columns : bool
        When the config has fit x engagement grades, also add ``fit_score``,
        ``engagement_score``, ``grade`` (the cell, e.g. ``A1``) and ``sla``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data``, same rows in the same order, plus the derived
        signals of the config (``email.domain_type``, ``activity.*``, ...),
        a ``junk`` column (the reason, empty when clean) when the config set
        junk leads aside, the integer score (capped at ``scale.total_cap`` when set), the band and, with
        grades, the grade columns. ``attrs["unseen"]`` counts, per attribute,
        the values never seen in training.

    Warns
    -----
    UnseenLevelWarning
        Values never seen in training (or text in a numeric column) were
        scored with the config's unseen points; the warning counts them.

    Raises
    ------
    DataError
        An attribute column is missing, or the output columns already exist.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"score needs a pandas DataFrame, got {type(data).__name__}; read files with read_leads()")
    missing = [name for name in config.input_columns if name not in data.columns]
    if missing:
        hints = "".join(suggest_columns(name, [c for c in data.columns if c not in config.attributes]) for name in missing[:3])
        raise DataError(f"column(s) {missing} used by the config are missing from the data{hints}; "
                        "rename them in the data to the names the config was fitted on")
    document = config.to_dict()
    recipe = config.signals
    source, derived_columns = data, pd.DataFrame(index=data.index)
    junk = None
    if recipe is not None:
        from calibrate.activity import read_activities
        from calibrate.derive import DerivedSignals, derive_signals, junk_mask

        if derived is not None:
            signals = DerivedSignals(derived[list(recipe.outputs)], junk_mask(derived, recipe), [])
        else:
            log = read_activities(activities) if activities is not None and not isinstance(activities, ActivityLog) \
                else activities
            signals = derive_signals(data, recipe, activities=log, as_of=as_of,
                                     placeholders=tuple(document["cleaning"]["placeholders"]))
        derived_columns = signals.frame
        source = pd.concat([data, derived_columns], axis=1)
        if recipe.junk_filter:
            reason = derived_columns.get("form.junk", pd.Series("clean", index=data.index)).astype(object)
            email_type = derived_columns.get("email.domain_type", pd.Series(None, index=data.index, dtype=object))
            reason = reason.where(reason != "clean", email_type.where(email_type.isin(recipe.junk_filter)) + " e-mail")
            junk = reason.where(signals.junk, "").fillna("")
    for column in (score_column, band_column):
        if column in data.columns:
            raise DataError(f"the data already has a column {column!r}; rename it or pass "
                            f"{'score_column' if column == score_column else 'band_column'}= (CLI: --score-column/--band-column)")
    scale = document["scale"]
    total = np.full(len(data), int(scale.get("base_points", 0)), dtype=np.int64)
    by_group = {"fit": np.zeros(len(data), dtype=np.int64), "engagement": np.zeros(len(data), dtype=np.int64)}
    unseen: list[str] = []
    unseen_counts: dict[str, int] = {}
    for spec, points, group in config.specs_and_points():
        codes = spec.encode(source[spec.name])
        contribution = points[codes]
        total += contribution
        by_group[group] += contribution
        unseen_code = len(points) - 1
        n_unseen = int(np.count_nonzero(codes == unseen_code))
        if n_unseen:
            unseen_counts[spec.name] = n_unseen
            examples = pd.unique(source[spec.name].to_numpy()[codes == unseen_code])[:3]
            unseen.append(f"{spec.name}: {n_unseen} ({', '.join(repr(str(v)) for v in examples)})")
    if unseen:
        warnings.warn(f"values never seen in training were scored with the unseen points: {'; '.join(unseen)}",
                      UnseenLevelWarning, stacklevel=3)
    cap = scale.get("total_cap")
    if cap is not None:
        total = np.clip(total, -cap, cap)
    out = pd.concat([data, derived_columns], axis=1) if len(derived_columns.columns) else data.copy()
    if junk is not None:
        if "junk" in data.columns:
            raise DataError("the data already has a column 'junk'; rename it (the config adds the junk reason there)")
        out["junk"] = junk
    out.attrs["unseen"] = unseen_counts
    out[score_column] = total
    out[band_column] = pd.Series(assign_bands(total, config.bands), index=data.index, dtype=object)
    grades = document.get("grades")
    if grades and grade_columns:
        from calibrate.grading import assign_grades

        fit = assign_grades(by_group["fit"], grades["fit"]["edges"], grades["fit"]["labels"])
        engagement = assign_grades(by_group["engagement"], grades["engagement"]["edges"], grades["engagement"]["labels"])
        cells = pd.Series(fit, index=data.index, dtype=object) + pd.Series(engagement, index=data.index, dtype=object)
        sla = {c["cell"]: c.get("sla", "") for c in grades["cells"]}
        extra = {"fit_score": by_group["fit"], "engagement_score": by_group["engagement"], "grade": cells,
                 "sla": cells.map(sla).fillna("")}
        taken = [c for c in extra if c in data.columns]
        if taken:
            raise DataError(f"the data already has column(s) {taken}; rename them, or pass grade_columns=False")
        for name, values in extra.items():
            out[name] = values
    return out
