"""Demand and lead-time distributions from the two figures a planner knows (mean and spread), and their
discretisation onto a grid for the exact (s, S) optimiser."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ml.inventory.validation import check_number


def demand_distribution(mean: float, std: float):
    """Per-period demand: a gamma with this mean and std (non-negative, right-skewed like real
    demand), or a point mass when std = 0. A scipy frozen distribution."""
    mean = check_number("demand mean", mean, positive=True)
    std = check_number("demand std", std, low=0.0)
    if std == 0:
        return _Constant(mean)
    shape = (mean / std) ** 2
    return stats.gamma(a=shape, scale=mean / shape)


class _Constant:
    """Deterministic demand with the frozen-distribution methods the simulator and the grid use."""

    def __init__(self, value: float):
        self.value = value

    def rvs(self, size=None, random_state=None):
        return np.full(size, self.value)

    def mean(self) -> float:
        return self.value

    def std(self) -> float:
        return 0.0

    def cdf(self, x):
        return (np.asarray(x) >= self.value).astype(float)


def lead_time_pmf(mean: float, std: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Lead time in whole periods with this mean and std: a gamma discretised to the nearest integer
    and mean-corrected; std = 0 gives the one or two integers next to the mean."""
    mean = check_number("lead time mean", mean, low=0.0)
    std = check_number("lead time std", std, low=0.0)
    if std == 0 or mean == 0:
        low = math.floor(mean)
        upper_weight = mean - low
        if upper_weight < 1e-12:
            return np.array([low]), np.array([1.0])
        return np.array([low, low + 1]), np.array([1 - upper_weight, upper_weight])
    shape = (mean / std) ** 2
    gamma = stats.gamma(a=shape, scale=mean / shape)
    upper = int(math.ceil(gamma.isf(1e-6))) + 1
    values = np.arange(upper + 1)
    edges = np.concatenate(([0.0], values[:-1] + 0.5, [np.inf]))
    pmf = np.diff(gamma.cdf(edges))
    keep = pmf > 1e-9
    return values[keep], pmf[keep] / pmf[keep].sum()


def lead_time_distribution(mean: float, std: float = 0.0):
    values, pmf = lead_time_pmf(mean, std)
    return stats.rv_discrete(values=(values, pmf))


@dataclass(frozen=True)
class DiscreteModel:
    """A what-if case on an integer grid of `unit` demand units, ready for `ss_discrete`."""

    unit: float
    period_pmf: np.ndarray
    protection_pmf: np.ndarray


def discretise(
    demand_mean: float,
    demand_std: float,
    lead_time_mean: float,
    lead_time_std: float,
    order_scale: float,
    max_levels: int = 1500,
) -> DiscreteModel:
    """Per-period demand and protection-interval demand (L + 1 periods, L random) on a grid.

    The grid step resolves the demand spread (σ/4) but keeps the inventory levels the optimiser
    scans, up to the protection demand plus a few order sizes (`order_scale`), under `max_levels`.
    """
    distribution = demand_distribution(demand_mean, demand_std)
    lead_values, lead_probs = lead_time_pmf(lead_time_mean, lead_time_std)
    fine = demand_mean / 10 if demand_std == 0 else min(demand_mean / 10, demand_std / 4)
    span = demand_mean * (lead_values.max() + 1) + 8 * demand_std * math.sqrt(lead_values.max() + 1) + 3 * order_scale
    unit = max(fine, span / max_levels)
    upper = demand_mean + 12 * demand_std + unit
    edges = np.concatenate(([0.0], (np.arange(int(upper / unit) + 1) + 0.5) * unit, [np.inf]))
    period = np.diff(distribution.cdf(edges))
    period = period / period.sum()
    if period[0] >= 1.0:
        period = np.array([0.0, 1.0])
    protection = np.zeros(1)
    power = np.array([1.0])
    for periods in range(int(lead_values.max()) + 2):
        if periods > 0:
            power = np.convolve(power, period)
            power[power < 1e-14] = 0.0
            power = np.trim_zeros(power, "b")
        weight = lead_probs[lead_values == periods - 1].sum() if periods > 0 else 0.0
        if weight > 0:
            if protection.size < power.size:
                protection = np.pad(protection, (0, power.size - protection.size))
            protection[: power.size] += weight * power
    return DiscreteModel(unit=unit, period_pmf=period, protection_pmf=protection / protection.sum())
