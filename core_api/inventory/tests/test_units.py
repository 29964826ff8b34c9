"""Unit conversions against DESIGN §3.1's formulas."""

from decimal import Decimal as D

import pytest

from inventory.units import (
    fabric_kg_from_m,
    fabric_m_from_kg,
    gsm_to_oz_per_yd2,
    yarn_count_convert,
    yarn_count_to_tex,
)


def close(a, b, places=6):
    return abs(D(a) - D(b)) < D(10) ** -places


def test_ne_to_tex_is_590_5_over_ne():
    assert yarn_count_to_tex(D("30"), "ne") == D("590.5") / D("30")
    assert close(yarn_count_convert(D("30"), "ne", "tex"), D("19.683333"))


def test_nm_is_1000_over_tex_and_1_693_times_ne():
    assert close(yarn_count_convert(D("20"), "tex", "nm"), D("50"))
    assert close(yarn_count_convert(D("30"), "ne", "nm") / D("30"), D("1.693480"), 5)


def test_denier_is_9_tex_and_5315_over_ne():
    assert yarn_count_convert(D("20"), "tex", "denier") == D("180")
    assert close(yarn_count_convert(D("40"), "ne", "denier"), D("5314.5") / D("40"))


@pytest.mark.parametrize("system", ["ne", "nm", "tex", "denier"])
def test_round_trip_through_every_system(system):
    tex = D("19.7")
    there = yarn_count_convert(tex, "tex", system)
    assert close(yarn_count_convert(there, system, "tex"), tex)


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        yarn_count_to_tex(0, "ne")
    with pytest.raises(ValueError):
        yarn_count_to_tex(30, "cotton")


def test_fabric_kg_from_length_width_gsm():
    # 100 m × 1.5 m × 180 g/m² = 27 kg
    assert fabric_kg_from_m(D("100"), D("150"), D("180")) == D("27")


def test_fabric_metres_from_kg_is_the_inverse():
    assert fabric_m_from_kg(D("27"), D("150"), D("180")) == D("100")
    with pytest.raises(ValueError):
        fabric_m_from_kg(D("1"), D("0"), D("180"))


def test_oz_per_square_yard():
    assert close(gsm_to_oz_per_yd2(D("339.1")), D("10"))
