from decimal import Decimal

import pytest

from inventory.models import MaterialKind
from production.formulas import greige_requirement, gross_up, process_loss_pct, stock_kg


def test_greige_requirement_divides_by_every_stage_yield():
    # 1000 m finished through finishing (3 %) and dyeing (5 %) losses.
    assert greige_requirement(1000, [3, 5]) == pytest.approx(Decimal(1000) / (Decimal("0.97") * Decimal("0.95")))
    assert round(greige_requirement(1000, [3, 5]), 2) == Decimal("1085.19")


def test_no_loss_means_no_extra_greige():
    assert greige_requirement(Decimal("250"), []) == Decimal("250")
    assert gross_up(100, 0) == 100


def test_process_loss_is_the_share_of_input_mass_lost():
    assert process_loss_pct(Decimal("337.5"), Decimal("320.76")) == pytest.approx(Decimal("4.96"))
    assert process_loss_pct(100, 100) == 0
    assert process_loss_pct(0, 0) is None


def test_fabric_mass_comes_from_each_rolls_own_gsm_and_width():
    class Roll:
        width_cm = Decimal("180")
        gsm = Decimal("180")

    class Material:
        kind = MaterialKind.GREIGE
        unit = "m"

    # 100 m × 1.8 m × 180 g/m² = 32.4 kg
    assert stock_kg(Material, Decimal("100"), Roll) == Decimal("32.4")


def test_dyes_carry_no_fabric_mass():
    class Dye:
        kind = MaterialKind.DYE
        unit = "kg"

    assert stock_kg(Dye, Decimal("5")) is None
