"""factory_boy factories for procurement tests (and the inventory master data they need)."""

from datetime import date
from decimal import Decimal

import factory

from inventory.models import Location, LocationKind, Material, MaterialKind, Warehouse
from procurement.models import PriceList, Supplier, SupplierContact


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.LazyAttribute(lambda o: f"Warehouse {o.code}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"LOC-{n}")
    name = factory.LazyAttribute(lambda o: f"Location {o.code}")
    kind = LocationKind.QUARANTINE


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    code = factory.Sequence(lambda n: f"YRN-{n:04d}")
    name = factory.Sequence(lambda n: f"Cotton yarn 30/1 #{n}")
    kind = MaterialKind.YARN
    standard_cost = Decimal("3.00")


class FabricFactory(MaterialFactory):
    code = factory.Sequence(lambda n: f"FAB-{n:04d}")
    name = factory.Sequence(lambda n: f"Single jersey 180 #{n}")
    kind = MaterialKind.GREIGE
    gsm = Decimal("180")
    width_cm = Decimal("150")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"SUP-{n:04d}")
    name = factory.Sequence(lambda n: f"Spinning Mill {n}")
    address = "Plot 7, Textile Park"
    payment_terms = "Net 30"
    bank_details = "IBAN XX00 1234"


class SupplierContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierContact

    supplier = factory.SubFactory(SupplierFactory)
    name = "Asha Rao"
    email = factory.Sequence(lambda n: f"sales{n}@mill.example")
    phone = "+91 98450 00000"


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    supplier = factory.SubFactory(SupplierFactory)
    material = factory.SubFactory(MaterialFactory)
    price = Decimal("4.000000")
    currency = "USD"
    min_order_qty = Decimal("100")
    lead_time_days = 14
    valid_from = date(2020, 1, 1)
    valid_to = None
