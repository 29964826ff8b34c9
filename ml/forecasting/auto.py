"""`auto`: per series, the best few statistical models by a rolling-origin backtest, averaged.

For each series the candidates forecast `windows` successive origins at the end of its history
(each origin sees only the values before it); each candidate's errors are scored relative to the
other candidates' on the same window (sMAPE and MASE halves, as M4's OWA does), and the `combine`
best by mean score are fitted on the whole history and averaged with equal weights. Equal weights
over a short list are sturdier than weights fitted to a few noisy windows.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

from ml.data import DataError
from ml.forecasting.base import Forecaster, Intervals
from ml.forecasting.registry import model_class
from ml.forecasting.seasonality import SeasonalAdjustment
from ml.forecasting.statistical import StatsforecastForecaster, predict_adjusted, stack_forecasts
from ml.metrics import smape

# statsforecast signals a series too short or too flat for a model in several ways ("tiny datasets"
# as NotImplementedError, "no model able to be fitted" as a bare Exception): any failure of one
# candidate only takes that candidate out; `_plan` raises DataError when none can be fitted.
UNFITTABLE = (Exception,)

DEFAULT_CANDIDATES = ("ses", "holt", "damped", "theta", "ces")


def _window_scores(actual: np.ndarray, forecasts: np.ndarray, history: np.ndarray) -> np.ndarray:
    """One score per candidate on one window: its sMAPE and MASE, each over the candidates' mean."""
    scale = np.mean(np.abs(np.diff(history))) if len(history) > 1 else 0.0
    smapes = smape(np.broadcast_to(actual, forecasts.shape), forecasts)
    maes = np.abs(forecasts - actual).mean(axis=1) / (scale if scale > 0 else 1.0)
    halves = []
    for errors in (smapes, maes):
        mean = errors.mean()
        halves.append(errors / mean if mean > 0 else np.ones_like(errors))
    return 0.5 * (halves[0] + halves[1])


@dataclass(frozen=True)
class _SeriesPlan:
    """What `fit` learned for one series: the chosen members, fitted, with their adjustments."""

    members: list[str]
    models: list
    adjustments: list[SeasonalAdjustment]
    scores: np.ndarray  # mean backtest score of every candidate (lower is better)


class Auto(Forecaster):
    """Rolling-origin selection and combination of fast statistical models, per series.

    `horizon` is the backtest's horizon (the one the forecasts are for); `max_history` keeps only the
    most recent values of each series (260: five years of weeks), for speed and because old regimes
    mislead: forecasting the last 13 weeks of M4 Weekly's train file, the candidates and their pairs
    had a lower sMAPE on 260 values than on 520 or on all of them.
    `n_jobs` series run in parallel (joblib); `verbose` reports progress on stderr.
    """

    alias = "auto"

    def __init__(
        self,
        season: int = 1,
        horizon: int = 13,
        candidates: Sequence[str] = DEFAULT_CANDIDATES,
        windows: int = 3,
        combine: int = 2,
        max_history: int | None = 260,
        n_jobs: int = 1,
        verbose: int = 0,
    ):
        self.season = season
        self.horizon = horizon
        self.candidates = candidates
        self.windows = windows
        self.combine = combine
        self.max_history = max_history
        self.n_jobs = n_jobs
        self.verbose = verbose

    def min_length(self) -> int:
        return max(self._members_template()[name].min_length() for name in self.candidates)

    def _members_template(self) -> dict[str, StatsforecastForecaster]:
        members = {}
        for name in self.candidates:
            cls = model_class(name)
            if not issubclass(cls, StatsforecastForecaster):
                raise ValueError(f"auto combines per-series statistical models; {name} is not one")
            members[name] = cls(season=self.season)
        return members

    def _fit(self, values: list[np.ndarray]) -> None:
        members = self._members_template()
        # Work is per series and independent; chunks keep joblib's overhead small.
        chunks = np.array_split(np.arange(len(values)), max(1, min(len(values), 8 * max(1, self.n_jobs))))
        plans = Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(self._plan_chunk)([values[i] for i in chunk], members) for chunk in chunks if len(chunk)
        )
        self.plans_ = []
        for chunk in plans:
            self.plans_.extend(chunk)
            if self.verbose:
                print(f"    auto: backtested {len(self.plans_)}/{len(values)} series", file=sys.stderr, flush=True)
        self.scores_ = np.stack([plan.scores for plan in self.plans_])
        self.chosen_ = [plan.members for plan in self.plans_]

    def _plan_chunk(self, values: list[np.ndarray], members: dict[str, StatsforecastForecaster]) -> list[_SeriesPlan]:
        return [self._plan(y, members) for y in values]

    def _recent(self, y: np.ndarray) -> np.ndarray:
        return y[-self.max_history :] if self.max_history else y

    def _fitted(self, y: np.ndarray, member: StatsforecastForecaster):
        adjustment = SeasonalAdjustment.fit(y, self.season if member.adjusts else 1)
        return member.make_model().fit(adjustment.adjust(y)), adjustment

    def _plan(self, y: np.ndarray, members: dict[str, StatsforecastForecaster]) -> _SeriesPlan:
        names = list(members)
        shortest = max(member.min_length() for member in members.values())
        scores = []
        for window in range(self.windows, 0, -1):
            origin = len(y) - window * self.horizon
            if origin < max(shortest, 2):
                continue
            history, actual = self._recent(y[:origin]), y[origin : origin + self.horizon]
            forecasts = []
            for name in names:
                try:
                    model, adjustment = self._fitted(history, members[name])
                    forecasts.append(predict_adjusted(model, adjustment, self.horizon, ())[0])
                except UNFITTABLE:  # too few values for this model's parameters: it sits this window out
                    forecasts.append(np.full(self.horizon, np.nan))
            scores.append(_window_scores(actual, np.stack(forecasts), history))
        # Too short to backtest: every candidate counts the same; one that never fitted counts last.
        if scores:
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean_scores = np.nanmean(np.stack(scores), axis=0)
            mean_scores = np.where(np.isfinite(mean_scores), mean_scores, np.inf)
        else:
            mean_scores = np.ones(len(names))
        recent = self._recent(y)
        chosen, fitted = [], []
        for i in np.argsort(mean_scores, kind="stable"):
            try:
                fitted.append(self._fitted(recent, members[names[i]]))
            except UNFITTABLE:
                continue
            chosen.append(names[i])
            if len(chosen) == max(1, self.combine):
                break
        if not chosen:
            raise DataError(f"no candidate model can be fitted on a series of {len(recent)} values")
        return _SeriesPlan(chosen, [model for model, _ in fitted], [adj for _, adj in fitted], mean_scores)

    def _predict(self, h: int, levels: tuple[int, ...]) -> tuple[np.ndarray, Intervals]:
        per_series = []
        for plan in self.plans_:
            members = [
                predict_adjusted(model, adjustment, h, levels)
                for model, adjustment in zip(plan.models, plan.adjustments, strict=True)
            ]
            # Bounds of an equal-weight combination: the members' quantiles averaged.
            mean = np.mean([forecast for forecast, _ in members], axis=0)
            bounds = {
                level: tuple(np.mean([member[level][side] for _, member in members], axis=0) for side in (0, 1))
                for level in levels
            }
            per_series.append((mean, bounds))
        return stack_forecasts(per_series, levels)
