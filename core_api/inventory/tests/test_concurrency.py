"""Real concurrency on PostgreSQL: row locks keep concurrent consumers from overselling."""

import random
import threading
from decimal import Decimal as D

import pytest
from django.db import connections, transaction
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from core.errors import ApplicationError
from inventory import services
from inventory.invariants import stock_invariant_violations
from inventory.models import StockBalance, StockMove
from inventory.services import StockLine

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture(autouse=True)
def _postgres_only():
    if connections["default"].vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (run it in the PostgreSQL pass)")


def test_twenty_concurrent_issues_of_ten_from_a_lot_of_one_hundred(make_user, yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="100", unit_cost="2")
    clients = [client_for(make_user("storekeeper")) for _ in range(20)]
    start = threading.Barrier(20)
    statuses: list[int] = []
    bodies: list[dict] = []

    def worker(client):
        try:
            start.wait()
            response = client.post(
                "/api/v1/inventory/operations/issue/",
                {"lines": [{"lot": lot.pk, "location": stores.pk, "qty": "10"}]},
                format="json",
            )
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [201] * 10 + [409] * 10, bodies
    assert all(b["error"]["code"] == "stock_shortfall" for b in bodies if "error" in b)
    b = StockBalance.objects.get(lot=lot, location=stores)
    assert (b.on_hand, b.value) == (0, 0)
    assert StockMove.objects.filter(lot=lot, qty__lt=0).count() == 10
    assert not stock_invariant_violations()


def _stress_worker(args):
    """One process: 64 random postings, each its own transaction; refusals are expected."""
    seed, lot_ids, location_ids = args
    connections.close_all()
    from inventory.models import Location, Lot

    rng = random.Random(seed)
    lots = list(Lot.objects.select_related("material").filter(pk__in=lot_ids))
    locations = list(Location.objects.filter(pk__in=location_ids))
    done = refused = 0
    unexpected = []
    issued = D(0)
    for _ in range(64):
        kind = rng.choice(["issue", "transfer", "reserve", "issue2"])
        src, dst = rng.sample(locations, 2)
        qty = D(rng.randint(1, 6))
        try:
            with transaction.atomic():
                if kind == "issue":
                    services.stock_issue(lines=[StockLine(lot=rng.choice(lots), location=src, qty=qty)])
                    issued += qty
                elif kind == "issue2":
                    # Two keys in random order: the service must lock them in key order.
                    a, b = rng.sample(lots, 2)
                    services.stock_issue(
                        lines=[StockLine(lot=a, location=src, qty=qty), StockLine(lot=b, location=dst, qty=qty)]
                    )
                    issued += 2 * qty
                elif kind == "transfer":
                    a, b = rng.sample(lots, 2)
                    services.stock_transfer(
                        lines=[StockLine(lot=a, location=src, qty=qty), StockLine(lot=b, location=src, qty=qty)],
                        to_location=dst,
                    )
                else:
                    lot = rng.choice(lots)
                    services.stock_reserve(lines=[StockLine(lot=lot, location=src, qty=qty)])
                    services.stock_unreserve(lines=[StockLine(lot=lot, location=src, qty=qty)])
            done += 1
        except ApplicationError as exc:
            refused += 1
            if exc.status_code not in (409,):
                unexpected.append(f"{kind}: {exc.status_code} {exc.message}")
        except Exception as exc:  # anything else would be a 500
            unexpected.append(f"{kind}: {type(exc).__name__}: {exc}")
    connections.close_all()
    return done, refused, str(issued), unexpected


def test_stress_eight_processes_keep_the_ledger_sound(yarn, warehouse, stores, stores2, floor, make_lot):
    import multiprocessing

    lots = [make_lot(yarn, location=stores, qty="150", unit_cost=str(2 + i)) for i in range(4)]
    for lot in lots:
        services.stock_receive(lines=[StockLine(lot=lot, location=stores2, qty=D("60"), unit_cost=D("5"))])
    before = sum(b.on_hand for b in StockBalance.objects.all())
    connections.close_all()
    context = multiprocessing.get_context("fork")
    jobs = [(seed, [lot.pk for lot in lots], [stores.pk, stores2.pk, floor.pk]) for seed in range(8)]
    with context.Pool(8) as pool:
        results = pool.map(_stress_worker, jobs, chunksize=1)
    unexpected = [problem for *_, problems in results for problem in problems]
    assert not unexpected, unexpected
    assert sum(done for done, *_ in results) > 100
    issued = sum(D(r[2]) for r in results)
    after = sum(b.on_hand for b in StockBalance.objects.all())
    assert after == before - issued
    assert not stock_invariant_violations()
    assert not StockBalance.objects.filter(reserved__gt=0).exists()
