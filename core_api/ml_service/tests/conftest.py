"""Shared ML-service fixtures: a mill with two years of weekly demand."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory.models import Material
from sales import services as sales
from sales.tests.factories import CustomerFactory

START = date(2024, 1, 1)  # a Monday
WEEKS = 80


def weekly_qty(article: int, week: int) -> Decimal:
    return Decimal(str(round(100 + 40 * article + 30 * math.sin(2 * math.pi * week / 52), 1)))


@pytest.fixture
def demand(db):
    """Two finished articles with 80 weeks of confirmed orders: a yearly wave on a level."""
    customer = CustomerFactory()
    materials = [
        Material.objects.create(code=f"FIN-{i}", name=f"Jersey {i}", kind="finished", gsm=180, width_cm=160)
        for i in range(2)
    ]
    for week in range(WEEKS):
        lines = [
            {
                "material": m,
                "qty": weekly_qty(i, week),
                "unit_price": Decimal("5"),
                "requested_date": START + timedelta(weeks=week, days=14),
            }
            for i, m in enumerate(materials)
        ]
        order = sales.sales_order_create(customer=customer, lines=lines, order_date=START + timedelta(weeks=week))
        sales.sales_order_confirm(order=order)
    return materials
