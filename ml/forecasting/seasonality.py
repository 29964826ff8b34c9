"""M4's seasonal adjustment: a 90% autocorrelation test, then a classical multiplicative decomposition.

Naive2 and the non-seasonal models that run on seasonally adjusted data (SES, Holt, damped trend,
ETS for long seasons) share it, so that "seasonal" means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

# M4's critical value: a one-sided 95% bound, i.e. the two-sided 90% test of the competition's guide.
CRITICAL_VALUE = norm.ppf(0.95)


def is_seasonal(y: np.ndarray, season: int) -> bool:
    """M4's test: |ACF at lag `season`| above 1.645·sqrt((1 + 2·Σ ACF²(1..season−1)) / n).

    M4 only tests series with at least three full seasons.
    """
    if season < 2 or len(y) < 3 * season or np.ptp(y) == 0:
        return False
    correlations = acf(y, nlags=season, fft=False)[1:]
    limit = CRITICAL_VALUE * np.sqrt((1 + 2 * np.sum(correlations[:-1] ** 2)) / len(y))
    return bool(abs(correlations[-1]) > limit)


@dataclass(frozen=True)
class SeasonalAdjustment:
    """Seasonal indices of one series (all ones when it is not seasonal), in-sample and ahead."""

    season: int
    indices: np.ndarray  # one multiplicative index per in-sample value

    @classmethod
    def fit(cls, y: np.ndarray, season: int) -> SeasonalAdjustment:
        if not is_seasonal(y, season) or (y <= 0).any():
            # Multiplicative indices need positive data; zero-demand weeks are left unadjusted.
            return cls(season, np.ones(len(y)))
        indices = seasonal_decompose(y, model="multiplicative", period=season).seasonal
        return cls(season, np.asarray(indices, dtype=float))

    @property
    def seasonal(self) -> bool:
        return not np.all(self.indices == 1.0)

    def adjust(self, y: np.ndarray) -> np.ndarray:
        return y / self.indices

    def ahead(self, h: int) -> np.ndarray:
        """Indices of the next h periods: the last full season repeated."""
        if not self.seasonal:
            return np.ones(h)
        # Period n + k falls on the same position of the season as period n − season + (k mod season).
        return self.indices[-self.season :][np.arange(h) % self.season]
