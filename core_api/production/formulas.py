"""Production arithmetic (DESIGN §3.4), Decimal in and out so it can feed the ledger."""

from __future__ import annotations

from decimal import Decimal

from inventory.models import MaterialKind, Roll, Unit
from inventory.units import fabric_kg_from_m

HUNDRED = Decimal(100)
# Materials whose mass ends up in the fabric. Dyes and chemicals are weighed in kg too, but they
# mostly leave with the bath, so counting them would hide the real process loss.
MASS_KINDS = (MaterialKind.FIBRE, MaterialKind.YARN, MaterialKind.GREIGE, MaterialKind.FINISHED)


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def gross_up(net, loss_pct) -> Decimal:
    """What must go in so that `net` comes out after losing `loss_pct` percent: net ÷ (1 − loss)."""
    return _d(net) / (1 - _d(loss_pct) / HUNDRED)


def greige_requirement(finished_qty, stage_losses_pct) -> Decimal:
    """Greige needed for a finished quantity: finished ÷ Π(1 − loss of each stage)."""
    required = _d(finished_qty)
    for loss in stage_losses_pct:
        required = gross_up(required, loss)
    return required


def process_loss_pct(input_kg, output_kg) -> Decimal | None:
    """(input − output) ÷ input, in percent; None when nothing went in."""
    input_kg, output_kg = _d(input_kg), _d(output_kg)
    if input_kg <= 0:
        return None
    return (input_kg - output_kg) / input_kg * HUNDRED


def stock_kg(material, qty, roll: Roll | None = None) -> Decimal | None:
    """The fabric-forming mass of `qty` of a material (a roll's own GSM and width), None if it has none."""
    if material.kind not in MASS_KINDS:
        return None
    if roll is not None:
        return fabric_kg_from_m(qty, roll.width_cm, roll.gsm)
    if material.unit == Unit.KG:
        return _d(qty)
    return None
