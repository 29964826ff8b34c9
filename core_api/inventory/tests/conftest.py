"""Inventory fixtures: one warehouse with stores, quarantine and production, a yarn and a fabric."""

from decimal import Decimal

import pytest

from inventory import services
from inventory.models import Location, LocationKind, LotOrigin, Material, QCStatus, StockBalance, StockMove, Warehouse
from inventory.services import StockLine


@pytest.fixture
def warehouse(db):
    return Warehouse.objects.create(code="MAIN", name="Main mill")


@pytest.fixture
def stores(warehouse):
    return Location.objects.create(warehouse=warehouse, code="MAIN-ST", name="Stores", kind=LocationKind.STORES)


@pytest.fixture
def stores2(warehouse):
    return Location.objects.create(warehouse=warehouse, code="MAIN-ST2", name="Stores 2", kind=LocationKind.STORES)


@pytest.fixture
def quarantine(warehouse):
    return Location.objects.create(warehouse=warehouse, code="MAIN-QA", name="Quarantine", kind=LocationKind.QUARANTINE)


@pytest.fixture
def floor(warehouse):
    return Location.objects.create(
        warehouse=warehouse, code="MAIN-PF", name="Production floor", kind=LocationKind.PRODUCTION
    )


@pytest.fixture
def yarn(db):
    return Material.objects.create(
        code="Y-30CW",
        name="30s combed cotton",
        kind="yarn",
        yarn_count_value=Decimal("30"),
        yarn_count_system="ne",
        composition={"cotton": "100"},
        standard_cost=Decimal("3.5"),
    )


@pytest.fixture
def fabric(db):
    return Material.objects.create(
        code="F-SJ180-NAVY",
        name="Single jersey 180 navy",
        kind="finished",
        gsm=Decimal("180"),
        width_cm=Decimal("150"),
        standard_cost=Decimal("2"),
    )


@pytest.fixture
def make_lot(db):
    def make(material, *, location=None, qty=None, unit_cost=None, status=QCStatus.RELEASED, code=None, **kwargs):
        lot = services.lot_create(material=material, origin=LotOrigin.OPENING, qc_status=status, code=code, **kwargs)
        if location is not None and qty is not None:
            services.stock_receive(
                lines=[StockLine(lot=lot, location=location, qty=Decimal(qty), unit_cost=unit_cost)],
                reason="opening",
            )
        return lot

    return make


@pytest.fixture
def make_roll(db):
    def make(lot, length, *, location=None, unit_cost=None, **kwargs):
        roll = services.roll_create(lot=lot, length_m=Decimal(length), **kwargs)
        if location is not None:
            services.stock_receive(
                lines=[StockLine(lot=lot, roll=roll, location=location, qty=Decimal(length), unit_cost=unit_cost)],
                reason="opening",
            )
        return roll

    return make


def balance(lot, location, roll=None) -> StockBalance:
    return StockBalance.objects.get(lot=lot, location=location, roll=roll)


def ledger_snapshot():
    """Everything a refused request must leave untouched."""
    return (
        list(StockMove.objects.order_by("id").values_list("id", "qty", "value")),
        list(StockBalance.objects.order_by("id").values_list("id", "on_hand", "reserved", "value")),
    )
