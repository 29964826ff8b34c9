"""factory_boy factories for production tests, plus the stock set-up they share with quality's tests.

Stock is always put in through `inventory.services`, as procurement would.
"""

from decimal import Decimal

import factory

from inventory import services as stock
from inventory.models import Location, LocationKind, LotOrigin, Material, MaterialKind, QCStatus, Warehouse
from inventory.services import StockLine
from production.models import BOM, BOMComponent, Stage


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "MILL"
    name = "Main mill"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"LOC-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    kind = LocationKind.STORES


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    code = factory.Sequence(lambda n: f"MAT-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.kind} {o.code}")
    kind = MaterialKind.YARN
    standard_cost = Decimal("1")


class YarnFactory(MaterialFactory):
    kind = MaterialKind.YARN
    yarn_count_value = Decimal("30")
    yarn_count_system = "ne"


class GreigeFactory(MaterialFactory):
    kind = MaterialKind.GREIGE
    gsm = Decimal("180")
    width_cm = Decimal("180")
    article = "SJ-180"


class FinishedFactory(MaterialFactory):
    kind = MaterialKind.FINISHED
    gsm = Decimal("170")
    width_cm = Decimal("170")
    article = "SJ-180"
    shade_code = "NAVY-01"


class DyeFactory(MaterialFactory):
    kind = MaterialKind.DYE


class BOMFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BOM

    code = factory.Sequence(lambda n: f"BOM-{n}")
    product = factory.SubFactory(GreigeFactory)
    stage = Stage.KNITTING
    conversion_cost = Decimal("0")


class BOMComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BOMComponent

    bom = factory.SubFactory(BOMFactory)
    material = factory.SubFactory(YarnFactory)
    qty_per_unit = Decimal("1")
    basis = "unit"
    loss_pct = Decimal("0")


def receive(material, location, qty, unit_cost="1", *, status=QCStatus.RELEASED, supplier_lot="", user=None):
    """A lot of a non-fabric material received at `location`, with the QC status given."""
    lot = stock.lot_create(
        material=material, origin=LotOrigin.RECEIPT, qc_status=status, supplier_lot=supplier_lot, user=user
    )
    stock.stock_receive(
        lines=[StockLine(lot=lot, location=location, qty=Decimal(str(qty)), unit_cost=Decimal(str(unit_cost)))],
        user=user,
    )
    return lot


def receive_rolls(material, location, lengths, unit_cost="1", *, status=QCStatus.RELEASED, dye_lot=""):
    """A fabric lot of rolls (material GSM and width) received at `location`."""
    lot = stock.lot_create(material=material, origin=LotOrigin.OPENING, qc_status=status, dye_lot=dye_lot)
    rolls = [stock.roll_create(lot=lot, length_m=Decimal(str(length))) for length in lengths]
    stock.stock_receive(
        lines=[
            StockLine(lot=lot, roll=r, location=location, qty=r.length_m, unit_cost=Decimal(str(unit_cost)))
            for r in rolls
        ]
    )
    return lot, rolls
