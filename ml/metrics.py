"""Forecast accuracy metrics with the M4 competition's definitions.

Point metrics take arrays of shape (series, horizon) (or one series as a 1-d array) and return one
figure per series; the set's figure is the mean over series, as M4 reports it. OWA is computed on
the set's means, not per series.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _as_2d(values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[None, :] if array.ndim == 1 else array


def smape(y_true, y_pred) -> np.ndarray:
    """Per-series sMAPE in percent: mean(200·|y−ŷ| / (|y|+|ŷ|)); a step where both are 0 scores 0."""
    y_true, y_pred = _as_2d(y_true), _as_2d(y_pred)
    denominator = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(2 * np.abs(y_true - y_pred), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    return 100 * ratio.mean(axis=1)


def mase_scale(insample: Sequence[np.ndarray], m: int = 1) -> np.ndarray:
    """In-sample MAE of the naive forecast at lag m, one per series (the MASE denominator)."""
    scales = []
    for series in insample:
        series = np.asarray(series, dtype=float)
        if len(series) <= m:
            raise ValueError(f"MASE at lag {m} needs more than {m} in-sample values, got {len(series)}")
        scales.append(np.mean(np.abs(series[m:] - series[:-m])))
    return np.asarray(scales)


def mase(y_true, y_pred, insample: Sequence[np.ndarray], m: int = 1) -> np.ndarray:
    """Per-series MASE: MAE of the forecast over the in-sample MAE of the lag-m naive forecast."""
    y_true, y_pred = _as_2d(y_true), _as_2d(y_pred)
    scale = mase_scale(insample, m)
    mae = np.abs(y_true - y_pred).mean(axis=1)
    # A constant history has no naive error; M4 has none, and a perfect forecast of it scores 0.
    return np.divide(mae, scale, out=np.where(mae > 0, np.inf, 0.0), where=scale > 0)


def owa(smape_value: float, mase_value: float, smape_naive2: float, mase_naive2: float) -> float:
    """Overall weighted average relative to Naive2, from the set's mean sMAPE and MASE (M4)."""
    return 0.5 * (smape_value / smape_naive2 + mase_value / mase_naive2)


def wape(y_true, y_pred) -> float:
    """Weighted absolute percentage error over the whole set: Σ|y−ŷ| / Σ|y|, in percent."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return float(100 * np.abs(y_true - y_pred).sum() / np.abs(y_true).sum())


def bias(y_true, y_pred) -> float:
    """Signed error over the whole set relative to its volume: Σ(ŷ−y) / Σ|y|, in percent (> 0: over-forecast)."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return float(100 * (y_pred - y_true).sum() / np.abs(y_true).sum())


def coverage(y_true, lower, upper) -> float:
    """Share of actual values inside their prediction interval [lower, upper], as a fraction."""
    y_true = np.asarray(y_true, dtype=float)
    inside = (np.asarray(lower, dtype=float) <= y_true) & (y_true <= np.asarray(upper, dtype=float))
    return float(inside.mean())


def score_forecasts(
    train: pd.DataFrame,
    test: pd.DataFrame,
    forecasts: pd.DataFrame,
    column: str,
    m: int = 1,
    levels: Sequence[int] = (),
) -> dict[str, float]:
    """Set-level sMAPE, MASE, WAPE, bias and interval coverage of one forecast column.

    `train` and `test` are long frames; `forecasts` has `unique_id, ds` and the forecast column (plus
    `{column}-lo-{level}` / `{column}-hi-{level}` for each level). Rows are matched on `unique_id, ds`.
    """
    merged = test.merge(forecasts, on=["unique_id", "ds"], how="left", validate="one_to_one")
    if merged[column].isna().any():
        raise ValueError(f"forecast column {column!r} misses some test rows or holds NaN")
    merged = merged.sort_values(["unique_id", "ds"], kind="stable")
    ids = merged["unique_id"].unique()
    horizon = len(merged) // len(ids)
    actual = merged["y"].to_numpy().reshape(len(ids), horizon)
    predicted = merged[column].to_numpy().reshape(len(ids), horizon)
    history = dict(tuple(train.sort_values(["unique_id", "ds"], kind="stable").groupby("unique_id", sort=False)["y"]))
    insample = [history[uid].to_numpy() for uid in ids]
    result = {
        "smape": float(smape(actual, predicted).mean()),
        "mase": float(mase(actual, predicted, insample, m).mean()),
        "wape": wape(actual, predicted),
        "bias": bias(actual, predicted),
    }
    for level in levels:
        result[f"coverage_{level}"] = coverage(
            merged["y"], merged[f"{column}-lo-{level}"], merged[f"{column}-hi-{level}"]
        )
    return result
