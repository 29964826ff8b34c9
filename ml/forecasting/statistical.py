"""Per-series statistical forecasters on statsforecast's models.

Models whose library version cannot hold a long season (ETS keeps at most 24 seasonal states) or has
none (SES, Holt, damped trend, CES, Theta's non-seasonal core) run on M4's seasonally adjusted data:
the series is divided by its classical multiplicative indices when the 90% test finds a season, the
model forecasts the adjusted series, and the forecast and its interval are multiplied back.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from statsforecast import models as sf

from ml.forecasting.base import Forecaster, Intervals
from ml.forecasting.seasonality import SeasonalAdjustment

# ETS in statsforecast (as in R's forecast) keeps at most 24 seasonal states.
ETS_MAX_SEASON = 24


def predict_adjusted(
    model, adjustment: SeasonalAdjustment, h: int, levels: tuple[int, ...]
) -> tuple[np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Forecast of a fitted statsforecast model, multiplied back by the series' seasonal indices."""
    ahead = adjustment.ahead(h)
    result = model.predict(h=h, level=list(levels)) if levels else model.predict(h=h)
    # Some models answer pandas Series; arrays keep the arithmetic plain.
    mean = np.asarray(result["mean"], dtype=float) * ahead
    bounds = {
        level: (
            np.asarray(result[f"lo-{level}"], dtype=float) * ahead,
            np.asarray(result[f"hi-{level}"], dtype=float) * ahead,
        )
        for level in levels
    }
    return mean, bounds


def stack_forecasts(per_series: list[tuple[np.ndarray, dict]], levels: tuple[int, ...]) -> tuple[np.ndarray, Intervals]:
    """Per-series (mean, bounds) pairs → (series, h) arrays."""
    mean = np.stack([forecast for forecast, _ in per_series])
    intervals = {
        level: (
            np.stack([bounds[level][0] for _, bounds in per_series]),
            np.stack([bounds[level][1] for _, bounds in per_series]),
        )
        for level in levels
    }
    return mean, intervals


class StatsforecastForecaster(Forecaster):
    """One statsforecast model per series, on seasonally adjusted data when `adjusts` says so.

    `max_history` keeps only the most recent values of each series (None: all of them).
    """

    adjusts: ClassVar[bool] = True

    def __init__(self, season: int = 1, max_history: int | None = None):
        self.season = season
        self.max_history = max_history

    def make_model(self):
        """A fresh, unfitted statsforecast model for one series."""
        raise NotImplementedError

    def _recent(self, y: np.ndarray) -> np.ndarray:
        return y[-self.max_history :] if self.max_history else y

    def _fit(self, values: list[np.ndarray]) -> None:
        self.history_ = [self._recent(y) for y in values]
        self.adjustments_ = [SeasonalAdjustment.fit(y, self.season if self.adjusts else 1) for y in self.history_]
        self.models_ = [
            self.make_model().fit(adjustment.adjust(y))
            for y, adjustment in zip(self.history_, self.adjustments_, strict=True)
        ]

    def _predict(self, h: int, levels: tuple[int, ...]) -> tuple[np.ndarray, Intervals]:
        per_series = [
            predict_adjusted(model, adjustment, h, levels)
            for model, adjustment in zip(self.models_, self.adjustments_, strict=True)
        ]
        return stack_forecasts(per_series, levels)


class Naive(StatsforecastForecaster):
    """The last value repeated (M4's Naive1)."""

    alias = "naive"
    adjusts = False

    def make_model(self):
        return sf.Naive()


class SeasonalNaive(StatsforecastForecaster):
    """The value one season earlier; needs one full season of history."""

    alias = "snaive"
    adjusts = False

    def min_length(self) -> int:
        return max(self.season, 1)

    def make_model(self):
        return sf.SeasonalNaive(season_length=max(self.season, 1))


class Naive2(StatsforecastForecaster):
    """M4's Naive2: the naive forecast of the seasonally adjusted series, re-seasonalised."""

    alias = "naive2"

    def make_model(self):
        return sf.Naive()


class SES(StatsforecastForecaster):
    """Simple exponential smoothing (ETS A,N,N) on seasonally adjusted data."""

    alias = "ses"

    def min_length(self) -> int:
        return 2

    def make_model(self):
        return sf.AutoETS(model="ANN")


class Holt(StatsforecastForecaster):
    """Holt's linear trend (ETS A,A,N) on seasonally adjusted data."""

    alias = "holt"

    def min_length(self) -> int:
        return 3

    def make_model(self):
        return sf.AutoETS(model="AAN", damped=False)


class Damped(StatsforecastForecaster):
    """Damped trend exponential smoothing (ETS A,Ad,N) on seasonally adjusted data."""

    alias = "damped"

    def min_length(self) -> int:
        return 3

    def make_model(self):
        return sf.AutoETS(model="AAN", damped=True)


class ETS(StatsforecastForecaster):
    """Automatic exponential smoothing (AIC-chosen error, trend, season); long seasons are adjusted first."""

    alias = "ets"

    def min_length(self) -> int:
        return 3

    @property
    def adjusts(self) -> bool:  # type: ignore[override]
        return self.season > ETS_MAX_SEASON

    def make_model(self):
        return sf.AutoETS(season_length=1 if self.adjusts else max(self.season, 1))


class Theta(StatsforecastForecaster):
    """The standard Theta method (M3/M4 benchmark) on seasonally adjusted data."""

    alias = "theta"

    def min_length(self) -> int:
        return 4

    def make_model(self):
        return sf.Theta()


class CES(StatsforecastForecaster):
    """Complex exponential smoothing on seasonally adjusted data."""

    alias = "ces"

    def min_length(self) -> int:
        return 3

    def make_model(self):
        return sf.AutoCES()
