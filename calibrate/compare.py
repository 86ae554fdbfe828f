"""Fit every point method on the same split and compare them on held-out leads.

The reference is a plain logistic regression (scikit-learn, default L2
penalty) on the one-hot levels of every usable attribute, with float
predictions: no significance gating, no rounding, no selection. The integer
point methods should come close to it; if they do not, points are being
lost somewhere.

Examples
--------
>>> from calibrate import Calibrator, load_sample_leads
>>> table = Calibrator().compare(load_sample_leads(), target="stage", positive=["Closed Won"], exclude=["Open"])
>>> table["model"].tolist()
['lift', 'log_odds', 'logistic', 'reference logistic regression']
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from calibrate.attributes import infer_attributes
from calibrate.errors import DataError
from calibrate.evaluate import auc_with_ci, brier_score, holdout_split, kfold_splits
from calibrate.fingerprint import row_hashes
from calibrate.io import read_leads
from calibrate.methods import one_hot_design
from calibrate.target import resolve_target

if TYPE_CHECKING:
    from calibrate.calibrator import Calibrator

__all__ = ["compare_methods", "cross_validate"]


def compare_methods(calibrator: Calibrator, data: pd.DataFrame | str | os.PathLike[str], target: str, *,
                    positive: Sequence[object] | None = None, exclude: Sequence[object] = (),
                    drop: Sequence[str] = (), date_column: str | None = None,
                    methods: Sequence[str] = ("lift", "log_odds", "logistic")) -> pd.DataFrame:
    """Held-out comparison of point methods and a reference logistic regression.

    Parameters
    ----------
    calibrator : Calibrator
        Its parameters apply to every method (``method`` and ``holdout`` aside:
        each method is fitted on the training part of one shared split, of
        ``calibrator.holdout`` or 25 %).
    data, target, positive, exclude, drop, date_column
        As in :meth:`Calibrator.fit`.
    methods : sequence of str
        Point methods to compare.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``model``, ``auc``, ``auc_ci_low``, ``auc_ci_high``,
        ``brier`` (reference only: integer scores are not probabilities),
        ``attributes``, ``rules`` (levels with points), ``share_above_threshold``,
        ``close_rate_above_threshold``.
    """
    from calibrate.calibrator import Calibrator

    frame = read_leads(data)
    outcome = resolve_target(frame, target, positive=positive, exclude=exclude, placeholders=calibrator.placeholders)
    decided = frame.loc[outcome.keep].reset_index(drop=True)
    dates = decided[date_column] if date_column else None
    test_size = calibrator.holdout or 0.25
    keys = row_hashes(decided[sorted(decided.columns, key=str)])
    train, test = holdout_split(len(decided), outcome.y, dates=dates, test_size=test_size, seed=calibrator.random_state,
                                row_keys=keys)
    train_rows, test_rows, y_test = decided.loc[train], decided.loc[test], outcome.y[test]
    positive_labels = outcome.positive  # the decided rows hold only positive and negative values now

    rows: list[dict[str, Any]] = []
    leaky: list[str] = []
    params = calibrator.get_params() | {"holdout": None}
    for method in methods:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal = Calibrator(**(params | {"method": method})).fit(
                train_rows, target, positive=positive_labels, drop=drop, date_column=date_column)
            scores = cal.config_.score(test_rows)["score"].to_numpy()
        leaky = cal.leakage_suspects_ if calibrator.leakage == "exclude" else []
        auc = auc_with_ci(y_test, scores, confidence=calibrator.confidence)
        above = scores >= calibrator.threshold
        rows.append({"model": method, "auc": auc["auc"], "auc_ci_low": auc["ci_low"], "auc_ci_high": auc["ci_high"],
                     "brier": np.nan, "attributes": len(cal.specs_), "rules": int((cal.points_ != 0).sum()),
                     "share_above_threshold": float(above.mean()),
                     "close_rate_above_threshold": float(y_test[above].mean()) if above.any() else np.nan})

    # Reference: every usable attribute (leakage suspects aside), one-hot levels, float predictions.
    decided_columns = {target: "target", **{c: "dropped" for c in drop}, **({date_column: "date"} if date_column else {}),
                       **{c: "leakage" for c in leaky}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        specs, _, _ = infer_attributes(train_rows, min_support=calibrator.min_support, n_bins=calibrator.n_bins,
                                       bins=calibrator.bins, categorical=calibrator.categorical,
                                       placeholders=calibrator.placeholders, left_out=decided_columns)
    if not specs:
        raise DataError("no usable attribute for the reference model")
    n_levels = {s.name: len(s.level_labels) for s in specs}
    design_train = one_hot_design({s.name: s.encode(train_rows[s.name]) for s in specs}, n_levels)
    design_test = one_hot_design({s.name: s.encode(test_rows[s.name]) for s in specs}, n_levels)
    model = LogisticRegression(C=1.0, max_iter=5000).fit(design_train, outcome.y[train])
    probability = model.predict_proba(design_test)[:, 1]
    auc = auc_with_ci(y_test, probability, confidence=calibrator.confidence)
    rows.append({"model": "reference logistic regression", "auc": auc["auc"], "auc_ci_low": auc["ci_low"],
                 "auc_ci_high": auc["ci_high"], "brier": brier_score(y_test, probability), "attributes": len(specs),
                 "rules": int(design_train.shape[1]), "share_above_threshold": np.nan,
                 "close_rate_above_threshold": np.nan})
    table = pd.DataFrame(rows)
    table.attrs["split"] = (f"time: latest {test_size:.0%} by {date_column}" if date_column
                            else f"stratified random {test_size:.0%} (seed {calibrator.random_state})")
    table.attrs["test_leads"] = int(test.sum())
    table.attrs["leakage_excluded"] = list(leaky)
    return table


def cross_validate(calibrator: Calibrator, data: pd.DataFrame | str | os.PathLike[str], target: str, *,
                   positive: Sequence[object] | None = None, exclude: Sequence[object] = (),
                   drop: Sequence[str] = (), n_splits: int = 5) -> pd.DataFrame:
    """Stratified k-fold cross-validation of the calibrator's method.

    Each fold fits the calibrator (without its own holdout) on the other folds
    and scores the fold with the resulting config, as a scorer would.

    Returns
    -------
    pandas.DataFrame
        One row per fold: ``fold``, ``train_leads``, ``test_leads``, ``auc``,
        ``auc_ci_low``, ``auc_ci_high``, ``share_above_threshold``,
        ``close_rate_above_threshold``, ``close_rate_below_threshold``.

    Examples
    --------
    >>> from calibrate import Calibrator, make_leads
    >>> folds = Calibrator().cross_validate(make_leads(4000, seed=1), target="stage", positive=["Closed Won"],
    ...                                     exclude=["Open"], n_splits=3)
    >>> len(folds), bool(folds["auc"].between(0.5, 1).all())
    (3, True)
    """
    from calibrate.calibrator import Calibrator

    frame = read_leads(data)
    outcome = resolve_target(frame, target, positive=positive, exclude=exclude, placeholders=calibrator.placeholders)
    decided = frame.loc[outcome.keep].reset_index(drop=True)
    params = calibrator.get_params() | {"holdout": None}
    rows = []
    for fold, (train_index, test_index) in enumerate(kfold_splits(outcome.y, n_splits=n_splits,
                                                                  seed=calibrator.random_state), start=1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal = Calibrator(**params).fit(decided.iloc[train_index], target, positive=outcome.positive, drop=drop)
            scores = cal.config_.score(decided.iloc[test_index])["score"].to_numpy()
        y = outcome.y[test_index]
        auc = auc_with_ci(y, scores, confidence=calibrator.confidence)
        above = scores >= calibrator.threshold
        rows.append({"fold": fold, "train_leads": len(train_index), "test_leads": len(test_index), "auc": auc["auc"],
                     "auc_ci_low": auc["ci_low"], "auc_ci_high": auc["ci_high"],
                     "share_above_threshold": float(above.mean()),
                     "close_rate_above_threshold": float(y[above].mean()) if above.any() else np.nan,
                     "close_rate_below_threshold": float(y[~above].mean()) if (~above).any() else np.nan})
    return pd.DataFrame(rows)
