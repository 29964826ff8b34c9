"""Real concurrency on PostgreSQL: two clerks allocating the last roll at once cannot both get it."""

import threading
from datetime import date

import pytest
from django.db import connections

from core.errors import ApplicationError
from inventory.models import StockBalance
from sales import services
from sales.models import Allocation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connections["default"].vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (run it in the PostgreSQL pass)")


def test_two_orders_racing_for_one_roll_reserve_it_once(customer, fabric, make_rolls):
    (roll,) = make_rolls(None, [100])
    orders = []
    for _ in range(2):
        order = services.sales_order_create(
            customer=customer,
            lines=[{"material": fabric, "qty": 70, "unit_price": 5, "requested_date": date.today()}],
        )
        orders.append(services.sales_order_confirm(order=order))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(order):
        try:
            start.wait()
            services.sales_order_allocate(order=order)
            outcomes.append("allocated")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes) == ["allocated", "stock_shortfall"]
    assert Allocation.objects.filter(roll=roll).count() == 1
    assert StockBalance.objects.get(roll=roll).reserved == 70
