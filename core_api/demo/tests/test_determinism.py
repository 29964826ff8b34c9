"""Same seed, same mill; another seed, another mill (a short history at a fixed date)."""

import io
from datetime import date

import pytest
from django.db import transaction

from demo.seed import seed_demo
from inventory.models import Roll
from procurement.models import GoodsReceiptLine
from sales.models import SalesOrderLine, ShipmentLine

TODAY = date(2025, 6, 30)


def _snapshot() -> dict:
    return {
        "order_lines": list(
            SalesOrderLine.objects.order_by(
                "order__order_date", "order__customer__code", "order_id", "line_no"
            ).values_list("order__order_date", "order__customer__code", "material__code", "qty", "requested_date")
        ),
        "receipts": list(
            GoodsReceiptLine.objects.order_by("id").values_list(
                "receipt__received_on", "po_line__material__code", "qty"
            )
        ),
        "rolls": list(Roll.objects.order_by("id").values_list("code", "lot__material__code", "length_m", "points")),
        "shipped": list(ShipmentLine.objects.order_by("id").values_list("shipment__shipped_at", "roll__code", "qty")),
    }


def _seed(seed: int) -> dict:
    with transaction.atomic():
        seed_demo(years=0.05, seed=seed, today=TODAY, out=io.StringIO())
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


@pytest.mark.django_db
def test_same_seed_same_mill_and_another_seed_differs():
    first = _seed(3)
    assert first["order_lines"] and first["receipts"] and first["rolls"]
    assert _seed(3) == first
    other = _seed(4)
    assert other["order_lines"] != first["order_lines"]
    assert other["receipts"] != first["receipts"]
