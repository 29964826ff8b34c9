from decimal import Decimal

import pytest

from quality.formulas import capped_total, defect_points, delta_e_2000, grade, points_per_100yd2, shade_band


@pytest.mark.parametrize(
    ("length_in", "points"),
    [("0.5", 1), ("3", 1), ("3.01", 2), ("6", 2), ("6.5", 3), ("9", 3), ("9.01", 4), ("36", 4)],
)
def test_linear_defects_score_by_length(length_in, points):
    assert defect_points(length_in=Decimal(length_in)) == points


@pytest.mark.parametrize(("size_in", "points"), [("0.25", 2), ("1", 2), ("1.5", 4)])
def test_holes_score_by_size(size_in, points):
    assert defect_points(hole_size_in=Decimal(size_in)) == points


def test_no_linear_yard_counts_more_than_four_points():
    # Yard 10 holds 4 + 4 + 1 = 9 points but counts 4; yard 11 holds 3.
    defects = [(Decimal("10.1"), 4), (Decimal("10.5"), 4), (Decimal("10.9"), 1), (Decimal("11.0"), 3)]
    assert capped_total(defects) == 7


def test_points_per_100_square_yards():
    # 24 points on 100 yd of 60 in cuttable width: 24 × 3600 / (100 × 60) = 14.4
    assert points_per_100yd2(24, 100, 60) == Decimal("14.40")
    assert points_per_100yd2(40, Decimal("120"), Decimal("58")) == Decimal("20.69")


def test_grade_against_the_buyers_threshold():
    assert grade(Decimal("40.00"), 40) == "first"
    assert grade(Decimal("40.01"), 40) == "second"
    assert grade(Decimal("25"), 20) == "second"


# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", Table 1.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), "2.0425"),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), "2.8615"),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), "3.4412"),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), "1.0000"),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), "2.3669"),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), "7.1792"),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), "27.1492"),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), "1.2644"),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), "1.4441"),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), "0.9082"),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert delta_e_2000(lab1, lab2).quantize(Decimal("0.0001")) == Decimal(expected)


def test_shade_bands_by_tolerance():
    assert shade_band(Decimal("0.8"), Decimal("1")) == "A"
    assert shade_band(Decimal("1.0"), Decimal("1")) == "A"
    assert shade_band(Decimal("1.9"), Decimal("1")) == "B"
    assert shade_band(Decimal("2.01"), Decimal("1")) == "out"
