"""Common ground of every forecaster: long-frame validation, the fit/predict contract, future dates.

A forecaster follows scikit-learn's contract: parameters in `__init__` only, `fit(df)` learns from a
long frame `unique_id, ds, y` holding many series and returns self, learned state ends in `_`, and
`predict(h, level)` answers a long frame `unique_id, ds, <alias>, <alias>-lo-<level>, <alias>-hi-<level>`
(statsforecast's column convention, so frames of several models merge on `unique_id, ds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ml.data import LONG_COLUMNS, DataError

Intervals = dict[int, tuple[np.ndarray, np.ndarray]]  # level → (lower, upper), each (series, h)


def split_series(df: pd.DataFrame, min_length: int = 1) -> tuple[np.ndarray, list[np.ndarray], pd.Series]:
    """Validate a long frame and split it into (ids, one float array per series, ds of each series).

    Raises DataError (one line) for what a user must fix: missing columns, no rows, a series without
    values, gaps (NaN) inside a series, negative values, a series shorter than `min_length`.
    """
    missing = [column for column in LONG_COLUMNS if column not in df.columns]
    if missing:
        raise DataError(f"the frame needs columns unique_id, ds, y (missing {', '.join(missing)})")
    if df.empty:
        raise DataError("there are no series")
    df = df.sort_values(["unique_id", "ds"], kind="stable")
    if df.duplicated(["unique_id", "ds"]).any():
        uid = df.loc[df.duplicated(["unique_id", "ds"]), "unique_id"].iloc[0]
        raise DataError(f"series {uid} has two values for the same ds")
    ids, values, stamps = [], [], {}
    for uid, group in df.groupby("unique_id", sort=True):
        y = group["y"].to_numpy(dtype=float)
        present = np.flatnonzero(~np.isnan(y))
        if len(present) == 0:
            raise DataError(f"series {uid} is empty")
        if len(present) < len(y):
            position = int(np.flatnonzero(np.isnan(y))[0]) + 1
            raise DataError(f"series {uid} has a missing value (NaN) at position {position}")
        if (y < 0).any():
            raise DataError(f"series {uid} has negative values; demand series must be non-negative")
        if len(y) < min_length:
            raise DataError(f"series {uid} has {len(y)} values; at least {min_length} are needed")
        ids.append(uid)
        values.append(y)
        stamps[uid] = group["ds"]
    return np.asarray(ids, dtype=object), values, pd.Series(stamps)


def future_ds(stamps: pd.Series, h: int) -> pd.Series:
    """The next `h` ds of one series: integer periods continue by 1; dates by the series' own frequency."""
    last = stamps.iloc[-1]
    if pd.api.types.is_integer_dtype(stamps):
        return pd.Series(np.arange(last + 1, last + h + 1))
    frequency = pd.infer_freq(stamps) if len(stamps) >= 3 else None
    if frequency is not None:
        return pd.Series(pd.date_range(last, periods=h + 1, freq=frequency)[1:])
    step = stamps.iloc[-1] - stamps.iloc[-2] if len(stamps) >= 2 else pd.Timedelta(days=7)
    return pd.Series([last + step * (i + 1) for i in range(h)])


def check_levels(level: Sequence[int]) -> tuple[int, ...]:
    levels = tuple(int(value) for value in level)
    if any(not 0 < value < 100 for value in levels):
        raise ValueError(f"interval levels are percentages strictly between 0 and 100, got {levels}")
    return levels


class Forecaster(BaseEstimator):
    """Base of all forecasters. Subclasses implement `_fit(values)` and `_predict(h, levels)`."""

    alias: ClassVar[str] = "model"

    def min_length(self) -> int:
        """Shortest history (values per series) the model can be fitted on."""
        return 1

    def fit(self, df: pd.DataFrame) -> Forecaster:
        self.ids_, values, self.ds_ = split_series(df, self.min_length())
        self._fit(values)
        return self

    def predict(self, h: int, level: Sequence[int] = (80, 95)) -> pd.DataFrame:
        if not hasattr(self, "ids_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted; call fit(df) first")
        if int(h) < 1:
            raise ValueError(f"the horizon must be at least 1, got {h}")
        levels = check_levels(level)
        mean, intervals = self._predict(int(h), levels)
        return self._frame(int(h), mean, intervals)

    def _frame(self, h: int, mean: np.ndarray, intervals: Intervals) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "unique_id": np.repeat(self.ids_, h),
                "ds": pd.concat([future_ds(self.ds_[uid], h) for uid in self.ids_], ignore_index=True),
                self.alias: mean.reshape(-1),
            }
        )
        for level, (lower, upper) in sorted(intervals.items()):
            # Intervals always hold the point forecast, whatever rounding or a library did.
            frame[f"{self.alias}-lo-{level}"] = np.minimum(lower.reshape(-1), frame[self.alias])
            frame[f"{self.alias}-hi-{level}"] = np.maximum(upper.reshape(-1), frame[self.alias])
        return frame

    def _fit(self, values: list[np.ndarray]) -> None:
        raise NotImplementedError

    def _predict(self, h: int, levels: tuple[int, ...]) -> tuple[np.ndarray, Intervals]:
        raise NotImplementedError
