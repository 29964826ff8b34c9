"""Fabric quality arithmetic: the 4-point system (ASTM D5430) and shade difference (CIEDE2000)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

INCHES_PER_YARD = Decimal(36)
METRES_PER_YARD = Decimal("0.9144")
CM_PER_INCH = Decimal("2.54")
MAX_POINTS_PER_YARD = 4
DEFAULT_THRESHOLD = Decimal(40)  # points per 100 yd², the common acceptance limit


def defect_points(*, length_in=None, hole_size_in=None) -> int:
    """Points of one defect: by length (≤3 in 1, ≤6 in 2, ≤9 in 3, else 4) or hole size (≤1 in 2, else 4)."""
    if hole_size_in is not None:
        return 2 if Decimal(hole_size_in) <= 1 else 4
    length = Decimal(length_in)
    if length <= 3:
        return 1
    if length <= 6:
        return 2
    if length <= 9:
        return 3
    return 4


def capped_total(defects: Iterable[tuple[Decimal, int]]) -> int:
    """Σ points over (position in yards, points), no linear yard counting more than 4."""
    per_yard: dict[int, int] = defaultdict(int)
    for position_yd, points in defects:
        per_yard[int(Decimal(position_yd).to_integral_value(ROUND_FLOOR))] += points
    return sum(min(points, MAX_POINTS_PER_YARD) for points in per_yard.values())


def points_per_100yd2(total_points: int, inspected_yards, cuttable_width_in) -> Decimal:
    """total × 3600 ÷ (yards inspected × cuttable width in inches)."""
    value = Decimal(total_points) * 3600 / (Decimal(inspected_yards) * Decimal(cuttable_width_in))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade(points_per_100: Decimal, threshold) -> str:
    """First quality within the buyer's limit, second beyond it."""
    return "first" if points_per_100 <= Decimal(threshold) else "second"


def delta_e_2000(lab1, lab2) -> Decimal:
    """CIEDE2000 colour difference of two L*a*b* readings."""
    import colour  # slow to import; only shade evaluation needs it

    value = colour.delta_E([float(v) for v in lab1], [float(v) for v in lab2], method="CIE 2000")
    return Decimal(str(float(value)))


def shade_band(delta_e, tolerance) -> str:
    """A within the tolerance, B within twice it, otherwise out of shade."""
    delta_e, tolerance = Decimal(delta_e), Decimal(tolerance)
    if delta_e <= tolerance:
        return "A"
    if delta_e <= 2 * tolerance:
        return "B"
    return "out"
