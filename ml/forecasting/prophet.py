"""Prophet, one model per series, with intervals from its predictive samples (one draw serves every level)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from ml.forecasting.base import Forecaster, Intervals

# Integer periods become dates so that Prophet's calendar seasonalities apply; a season of 52 (or 53)
# periods is read as weeks in a year, which lets Prophet use the true 365.25-day year.
EPOCH = pd.Timestamp("2000-01-03")
YEARLY_SEASONS = (52, 53)


class ProphetForecaster(Forecaster):
    """Prophet per series. `season` > 1 adds a Fourier seasonality of that period (yearly for 52)."""

    alias = "prophet"

    def __init__(
        self,
        season: int = 1,
        changepoint_range: float = 0.95,
        uncertainty_samples: int = 200,
        seed: int = 0,
        verbose: int = 0,
    ):
        self.season = season
        self.changepoint_range = changepoint_range
        self.uncertainty_samples = uncertainty_samples
        self.seed = seed
        self.verbose = verbose

    def min_length(self) -> int:
        return 2

    def _dates(self, n: int, stamps: pd.Series) -> pd.Series:
        if not pd.api.types.is_integer_dtype(stamps):
            return pd.Series(pd.to_datetime(stamps).to_numpy())
        step = pd.Timedelta(days=7 if self.season in YEARLY_SEASONS else 1)
        return pd.Series(EPOCH + step * np.arange(n))

    def _fit(self, values: list[np.ndarray]) -> None:
        from cmdstanpy import disable_logging
        from prophet import Prophet

        self.models_ = []
        for uid, y in zip(self.ids_, values, strict=True):
            model = Prophet(
                yearly_seasonality=self.season in YEARLY_SEASONS and len(y) >= 2 * self.season,
                weekly_seasonality=False,
                daily_seasonality=False,
                # Prophet's default (0.8) freezes the trend over the last fifth of the history;
                # demand forecasts live off the most recent weeks.
                changepoint_range=self.changepoint_range,
                uncertainty_samples=self.uncertainty_samples,
            )
            if 1 < self.season and self.season not in YEARLY_SEASONS and len(y) >= 2 * self.season:
                model.add_seasonality("season", period=self.season, fourier_order=min(10, self.season // 2))
            history = pd.DataFrame({"ds": self._dates(len(y), self.ds_[uid]), "y": y})
            with disable_logging():  # one INFO line per Stan run otherwise
                self.models_.append(model.fit(history))
            if self.verbose and (len(self.models_) % 50 == 0 or len(self.models_) == len(values)):
                print(f"    prophet: fitted {len(self.models_)}/{len(values)} series", file=sys.stderr, flush=True)

    def _predict(self, h: int, levels: tuple[int, ...]) -> tuple[np.ndarray, Intervals]:
        # Prophet draws its samples from numpy's global generator.
        np.random.seed(self.seed)
        means, bounds = [], {level: ([], []) for level in levels}
        for model in self.models_:
            future = model.make_future_dataframe(
                periods=h, freq=model.history["ds"].diff().iloc[-1], include_history=False
            )
            means.append(model.predict(future)["yhat"].to_numpy())
            if levels:
                samples = model.predictive_samples(future)["yhat"]  # (h, samples)
                for level in levels:
                    tail = (100 - level) / 2
                    bounds[level][0].append(np.percentile(samples, tail, axis=1))
                    bounds[level][1].append(np.percentile(samples, 100 - tail, axis=1))
        return np.stack(means), {level: (np.stack(lo), np.stack(hi)) for level, (lo, hi) in bounds.items()}
