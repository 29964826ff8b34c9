"""Procurement fixtures: a warehouse with quarantine and stores, a yarn and a fabric, a supplier."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from inventory.models import LocationKind
from procurement import services

from .factories import FabricFactory, LocationFactory, MaterialFactory, PriceListFactory, SupplierFactory

ORDER_DATE = date(2024, 3, 1)
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Leave out this folder's `postgres` tests on SQLite, as `make test-sqlite` does with -m.

    They race real connections against each other; SQLite's in-memory test database cannot hold
    two writers, so there they would fail for a reason that has nothing to do with procurement.
    """
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    mine = [item for item in items if item.get_closest_marker("postgres") and HERE in Path(item.path).parents]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]


@pytest.fixture
def quarantine(db):
    return LocationFactory(kind=LocationKind.QUARANTINE)


@pytest.fixture
def warehouse(quarantine):
    return quarantine.warehouse


@pytest.fixture
def stores(warehouse):
    return LocationFactory(warehouse=warehouse, kind=LocationKind.STORES)


@pytest.fixture
def yarn(db):
    return MaterialFactory()


@pytest.fixture
def fabric(db):
    return FabricFactory()


@pytest.fixture
def supplier(yarn, fabric):
    supplier = SupplierFactory()
    PriceListFactory(supplier=supplier, material=yarn, price=Decimal("4.00"), min_order_qty=Decimal("100"))
    PriceListFactory(supplier=supplier, material=fabric, price=Decimal("2.50"), min_order_qty=Decimal("0"))
    return supplier


@pytest.fixture
def manager(make_user):
    return make_user("purchase_manager")


@pytest.fixture
def purchaser(make_user):
    return make_user("purchaser")


@pytest.fixture
def approved_order(supplier, warehouse, yarn, fabric, purchaser, manager):
    """An approved PO: 1000 kg yarn at 4.00 and 300 m greige at 2.50, promised 2024-03-20."""

    def make(*, supplier=supplier, lines=None, order_date=ORDER_DATE, expected_date=date(2024, 3, 20)):
        order = services.purchase_order_create(
            supplier=supplier,
            warehouse=warehouse,
            order_date=order_date,
            expected_date=expected_date,
            lines=lines or [{"material": yarn, "qty": Decimal("1000")}, {"material": fabric, "qty": Decimal("300")}],
            user=purchaser,
        ).document
        services.purchase_order_submit(order=order, user=purchaser)
        return services.purchase_order_approve(order=order, user=manager).document

    return make
