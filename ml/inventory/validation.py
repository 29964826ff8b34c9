"""Input checks shared by the optimisers, the simulator and the what-if API."""

from __future__ import annotations

import math

import numpy as np


class InventoryInputError(ValueError):
    """A parameter a planner can fix (a negative cost, a service level of 1.2, an empty demand)."""


def check_number(name: str, value: float, *, low: float | None = None, positive: bool = False) -> float:
    """`value` as a finite float; `low` is an inclusive bound, `positive` excludes zero."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InventoryInputError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(number):
        raise InventoryInputError(f"{name} must be finite, got {value!r}")
    if positive and number <= 0:
        raise InventoryInputError(f"{name} must be positive, got {value!r}")
    if low is not None and number < low:
        raise InventoryInputError(f"{name} must be at least {low:g}, got {value!r}")
    return number


def check_probability(name: str, value: float) -> float:
    """A level strictly between 0 and 1 (a service level of 0 or 1 has no finite optimum)."""
    number = check_number(name, value)
    if not 0.0 < number < 1.0:
        raise InventoryInputError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return number


def check_count(name: str, value: int, *, low: int = 1) -> int:
    if isinstance(value, bool) or int(value) != value:
        raise InventoryInputError(f"{name} must be a whole number, got {value!r}")
    if int(value) < low:
        raise InventoryInputError(f"{name} must be at least {low}, got {value!r}")
    return int(value)


def check_pmf(name: str, pmf) -> np.ndarray:
    """A probability mass function on 0, 1, 2, … as a 1-D array summing to 1 (within 1e-6)."""
    array = np.asarray(pmf, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise InventoryInputError(f"{name} must be a non-empty 1-D array of probabilities")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise InventoryInputError(f"{name} must hold non-negative finite probabilities")
    total = array.sum()
    if abs(total - 1.0) > 1e-6:
        raise InventoryInputError(f"{name} must sum to 1, sums to {total:.6g}")
    if array[0] >= 1.0:
        raise InventoryInputError(f"{name} puts all its mass on zero demand: no reorder policy is needed")
    return array / total
