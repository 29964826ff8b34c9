"""Mixed concurrency on PostgreSQL: storekeepers issuing, clerks reserving, and orders being allocated
and shipped, all at once on the same rolls. Nothing is oversold and the ledger stays sound."""

import os
import random
import threading
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connections, transaction
from django.db.models import Sum

from core.errors import ApplicationError
from core.tests.hostile.fuzz import record
from inventory import services as stock
from inventory.invariants import stock_invariant_violations
from inventory.models import StockBalance, StockMove
from inventory.services import StockLine
from sales import services
from sales.models import ShipmentLine

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = int(os.environ.get("WEFT_HOSTILE_THREADS", "6"))
OPERATIONS = int(os.environ.get("WEFT_HOSTILE_OPERATIONS", "12"))  # per thread


@pytest.fixture(autouse=True)
def _postgres_only():
    if connections["default"].vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (run it in the PostgreSQL pass)")


def _worker(seed: int, rolls, fg, customer, fabric, start: threading.Barrier, out: list):
    rng = random.Random(seed)
    issued = D(0)
    done = refused = 0
    unexpected: list[str] = []
    try:
        start.wait()
        for _ in range(OPERATIONS):
            kind = rng.choice(["issue", "reserve", "order", "order"])
            roll = rng.choice(rolls)
            qty = D(rng.randint(5, 45))
            try:
                if kind == "issue":
                    with transaction.atomic():
                        stock.stock_issue(lines=[StockLine(lot=roll.lot, location=fg, qty=qty, roll=roll)])
                    issued += qty
                elif kind == "reserve":
                    # Hold stock for a moment, then let it go: a shipment or an issue in between must
                    # not take what is held.
                    line = StockLine(lot=roll.lot, location=fg, qty=qty, roll=roll)
                    with transaction.atomic():
                        stock.stock_reserve(lines=[line])
                    with transaction.atomic():
                        stock.stock_unreserve(lines=[line])
                else:
                    order = services.sales_order_create(
                        customer=customer,
                        lines=[{"material": fabric, "qty": qty, "unit_price": 5, "requested_date": date.today()}],
                    )
                    order = services.sales_order_confirm(order=order)
                    order, _ = services.sales_order_allocate(order=order)
                    services.shipment_create(order=order)
                done += 1
            except ApplicationError as exc:
                refused += 1
                if exc.status_code not in (409, 422):
                    unexpected.append(f"{kind}: {exc.status_code} {exc.code} {exc.message}")
            except Exception as exc:  # anything else would reach a user as a 500
                unexpected.append(f"{kind}: {type(exc).__name__}: {exc}")
    finally:
        connections.close_all()
        out.append((issued, done, refused, unexpected))


def test_concurrent_issues_reservations_and_shipments_never_oversell(customer, fabric, fg, make_rolls):
    lengths = [120, 90, 60, 150]
    rolls = make_rolls(None, lengths) + make_rolls(None, lengths[:2])
    received = D(sum(lengths) + sum(lengths[:2]))
    start = threading.Barrier(THREADS)
    out: list = []
    threads = [
        threading.Thread(target=_worker, args=(seed, rolls, fg, customer, fabric, start, out))
        for seed in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert len(out) == THREADS, "a worker thread did not finish"

    unexpected = [problem for *_, problems in out for problem in problems]
    issued = sum((o[0] for o in out), D(0))
    shipped = ShipmentLine.objects.aggregate(total=Sum("qty"))["total"] or D(0)
    balances = StockBalance.objects.filter(roll__in=rolls)
    on_hand = balances.aggregate(total=Sum("on_hand"))["total"]
    out_moves = -(StockMove.objects.filter(roll__in=rolls, qty__lt=0).aggregate(total=Sum("qty"))["total"] or D(0))
    oversold = sum(1 for b in balances if b.on_hand < 0 or b.reserved > b.on_hand or b.reserved < 0)
    # Every roll gave out at most its length; every successful issue or shipment shows in the ledger.
    oversold += sum(
        1
        for roll, length in zip(rolls, lengths + lengths[:2], strict=True)
        if -(StockMove.objects.filter(roll=roll, qty__lt=0).aggregate(t=Sum("qty"))["t"] or 0) > length
    )
    violations = stock_invariant_violations()
    record(
        "concurrency",
        operations=sum(o[1] + o[2] for o in out),
        succeeded=sum(o[1] for o in out),
        refused=sum(o[2] for o in out),
        oversells=oversold,
        unexpected_errors=len(unexpected),
        invariant_violations=len(violations),
    )
    assert not unexpected, unexpected
    assert oversold == 0
    assert out_moves == issued + shipped
    assert on_hand == received - issued - shipped
    assert not violations, violations
    assert sum(o[1] for o in out) > 0 and sum(o[2] for o in out) >= 0
