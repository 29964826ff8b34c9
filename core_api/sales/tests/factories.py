"""factory_boy factories for sales tests. Lots, rolls and stock go in through `inventory.services`."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from inventory import services as stock
from inventory.models import Location, LocationKind, Lot, LotOrigin, Material, MaterialKind, QCStatus, Roll, Warehouse
from inventory.services import Document, StockLine
from sales.models import Customer


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
    code = factory.Sequence(lambda n: f"S-LOC-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    kind = LocationKind.FINISHED_GOODS


class FinishedFabricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    code = factory.Sequence(lambda n: f"SJ-NAVY-{n}")
    name = factory.LazyAttribute(lambda o: f"Single jersey navy {o.code}")
    kind = MaterialKind.FINISHED
    article = "SJ-180"
    gsm = Decimal("180")
    width_cm = Decimal("150")
    standard_cost = Decimal("2")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"CUST{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Buyer {o.code}")
    address = "1 Garment Road\nDhaka"
    points_threshold = Decimal("40")
    shade_tolerance = Decimal("1.00")


class FabricLotFactory(factory.Factory):
    """A released finished-fabric dye lot, made through `inventory.services.lot_create`."""

    class Meta:
        model = Lot

    material = factory.SubFactory(FinishedFabricFactory)
    dye_lot = factory.Sequence(lambda n: f"DL-{n:04d}")
    origin = LotOrigin.PRODUCTION
    qc_status = QCStatus.RELEASED
    # Later lots are younger, so FIFO preference between lots is deterministic.
    produced_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=1000 - n))

    @classmethod
    def _create(cls, model_class, **kwargs):
        return stock.lot_create(**kwargs)


class RollFactory(factory.Factory):
    """A roll of `lot` received into `location` at `unit_cost` per metre, with its quality marks.

    Pass `points_per_100yd2`, `shade_band`, `grade`, `delta_e`, `points` to mark it as inspected.
    """

    class Meta:
        model = Roll

    lot = factory.SubFactory(FabricLotFactory)
    length_m = Decimal("100")
    location = factory.SubFactory(LocationFactory)
    unit_cost = Decimal("3")
    shade_band = "A"
    grade = "A"

    @classmethod
    def _create(cls, model_class, *, lot, length_m, location, unit_cost, **marks):
        roll = stock.roll_create(lot=lot, length_m=length_m)
        stock.stock_receive(
            lines=[StockLine(lot=lot, location=location, qty=Decimal(length_m), roll=roll, unit_cost=unit_cost)],
            reason="production_output",
            document=Document("tests.fixture", "1", "FIXTURE"),
        )
        marks = {k: v for k, v in marks.items() if v is not None}
        if marks:
            roll = stock.roll_record_quality(roll=roll, **marks)
        return roll
