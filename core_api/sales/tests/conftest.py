from decimal import Decimal

import pytest

from inventory.models import LocationKind

from .factories import CustomerFactory, FabricLotFactory, FinishedFabricFactory, LocationFactory, RollFactory


@pytest.fixture
def fg(db):
    return LocationFactory(code="FG-01", kind=LocationKind.FINISHED_GOODS)


@pytest.fixture
def quarantine(db):
    return LocationFactory(code="QC-HOLD", kind=LocationKind.QUARANTINE)


@pytest.fixture
def fabric(db):
    return FinishedFabricFactory(code="SJ-NAVY")


@pytest.fixture
def customer(db):
    return CustomerFactory(code="ACME")


@pytest.fixture
def make_rolls(fg, fabric):
    """make_rolls(lot_or_None, [lengths], **marks) → rolls of one dye lot stocked at FG-01."""

    def make(lot=None, lengths=(100,), location=None, **marks):
        lot = lot or FabricLotFactory(material=fabric)
        return [
            RollFactory(lot=lot, length_m=Decimal(str(length)), location=location or fg, **marks) for length in lengths
        ]

    return make
