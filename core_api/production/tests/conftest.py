from decimal import Decimal
from types import SimpleNamespace

import pytest

from inventory.models import LocationKind
from production import services
from production.models import Basis, Stage

from .factories import DyeFactory, FinishedFactory, GreigeFactory, LocationFactory, YarnFactory


@pytest.fixture
def mill(db):
    """Locations, and the materials and BOMs of one article: yarn → greige → dyed → finished."""
    m = SimpleNamespace()
    m.stores = LocationFactory(code="STORES", kind=LocationKind.STORES)
    m.floor = LocationFactory(code="FLOOR", kind=LocationKind.PRODUCTION)
    m.quarantine = LocationFactory(code="QC", kind=LocationKind.QUARANTINE)
    m.fg = LocationFactory(code="FG", kind=LocationKind.FINISHED_GOODS)
    m.dye_house = LocationFactory(code="DYEHOUSE", kind=LocationKind.SUBCONTRACTOR, partner_name="Blue Dyers")
    m.yarn = YarnFactory(code="Y30")
    m.greige = GreigeFactory(code="G180", gsm=Decimal("180"), width_cm=Decimal("180"))  # 0.324 kg/m
    m.dyed = FinishedFactory(code="D175", gsm=Decimal("175"), width_cm=Decimal("172"), shade_code="NAVY-01")
    m.finished = FinishedFactory(code="F170", gsm=Decimal("170"), width_cm=Decimal("170"), shade_code="NAVY-01")
    m.dye = DyeFactory(code="NAVY-DYE")
    m.knit_bom = services.bom_create(
        code="KNIT-G180",
        product=m.greige,
        stage=Stage.KNITTING,
        conversion_cost=Decimal("0.20"),
        components=[{"material": m.yarn, "qty_per_unit": Decimal("1"), "basis": Basis.KG, "loss_pct": Decimal("4")}],
    )
    m.dye_bom = services.bom_create(
        code="DYE-NAVY",
        product=m.dyed,
        stage=Stage.DYEING,
        conversion_cost=Decimal("0.50"),
        components=[
            {"material": m.greige, "qty_per_unit": Decimal("1"), "loss_pct": Decimal("5")},
            {"material": m.dye, "qty_per_unit": Decimal("0.02"), "basis": Basis.KG},
        ],
    )
    m.finish_bom = services.bom_create(
        code="FIN-F170",
        product=m.finished,
        stage=Stage.FINISHING,
        conversion_cost=Decimal("0.10"),
        components=[{"material": m.dyed, "qty_per_unit": Decimal("1"), "loss_pct": Decimal("3")}],
    )
    return m
