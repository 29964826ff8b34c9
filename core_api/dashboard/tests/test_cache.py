"""KPI answers are cached, and a posting changes the cached answer at once."""

from datetime import date
from decimal import Decimal

import pytest

from dashboard import views
from inventory.models import LocationKind
from sales import services as sales
from sales.tests.factories import CustomerFactory, FabricLotFactory, FinishedFabricFactory, LocationFactory, RollFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch):
    """Counts the KPI computations that reached the database (cache misses)."""
    calls = []
    real = views.evaluate

    def counting(name, period):
        calls.append(name)
        return real(name, period)

    monkeypatch.setattr(views, "evaluate", counting)
    return calls


def stock_value(client) -> float:
    response = client.get("/api/v1/kpis/stock-value/")
    assert response.status_code == 200, response.content
    return response.json()["value"]


def test_cached_kpi_changes_after_a_stock_posting(client_as, computed):
    client = client_as("storekeeper")
    fg = LocationFactory(kind=LocationKind.FINISHED_GOODS)
    lot = FabricLotFactory(material=FinishedFabricFactory(width_cm=Decimal("150")))
    RollFactory(lot=lot, length_m=Decimal("100"), location=fg, unit_cost=Decimal("3"))

    assert stock_value(client) == 300
    assert stock_value(client) == 300
    assert computed == ["stock-value"]  # the second answer came from the cache

    # A receipt posts ledger moves (bulk insert, no save signal): the cached KPI follows at once.
    RollFactory(lot=lot, length_m=Decimal("50"), location=fg, unit_cost=Decimal("4"))
    assert stock_value(client) == 500
    assert computed == ["stock-value", "stock-value"]

    # The full list shares the per-KPI entries.
    listed = client.get("/api/v1/kpis/").json()["kpis"]
    assert next(k for k in listed if k["name"] == "stock-value")["value"] == 500


def test_cached_kpi_changes_after_a_document_without_stock_moves(
    client_as, computed, django_capture_on_commit_callbacks
):
    client = client_as("planner")
    customer, fabric = CustomerFactory(), FinishedFabricFactory(width_cm=Decimal("150"))

    def open_orders() -> int:
        return client.get("/api/v1/kpis/open-orders/").json()["value"]

    assert open_orders() == 0
    assert open_orders() == 0
    line = {"material": fabric, "qty": Decimal("40"), "unit_price": Decimal("5"), "requested_date": date.today()}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sales.sales_order_confirm(order=sales.sales_order_create(customer=customer, lines=[line]))
    assert callbacks  # the version is bumped again once the posting commits
    assert open_orders() == 1
    assert computed == ["open-orders", "open-orders"]
