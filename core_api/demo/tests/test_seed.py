"""The seeded demo mill: a consistent ledger, traceable rolls, designed demand, KPIs with numbers.

One small mill (a few weeks of history) is seeded once for the module and rolled back at the end.
"""

import io
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from demo.seed import demand_plan, history_start, mill_counts, seed_demo
from inventory.invariants import stock_invariant_violations
from inventory.models import Lot, LotOrigin, MaterialKind, MoveReason, Roll, StockMove
from inventory.trace import trace
from ml_service.features import weekly_demand
from procurement.models import GoodsReceipt, PurchaseOrderStatusLog
from quality.models import RollInspection
from sales.models import OrderStatusLog, SalesOrder

YEARS = 0.12
SEED = 7


@pytest.fixture(scope="module")
def mill(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            counts = seed_demo(years=YEARS, seed=SEED, out=io.StringIO())
            yield counts
            transaction.set_rollback(True)


def _upstream_receipt_lots(node) -> set[str]:
    found = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current["lot"]["origin"] == LotOrigin.RECEIPT:
            found.add(current["lot"]["code"])
        stack.extend(current.get("children", []))
    return found


def test_the_mill_has_its_parts(mill):
    assert mill["finished_skus"] >= 150
    assert mill["materials"] >= 150
    assert mill["suppliers"] == 20
    assert mill["customers"] == 25
    assert mill["sales_order_lines"] > 50
    assert mill["shipments"] > 0
    assert mill["roll_inspections"] > 0
    assert mill["job_works"] > 0


def test_stock_invariants_hold(mill):
    assert stock_invariant_violations() == []
    out = io.StringIO()
    call_command("check_stock_invariants", stdout=out)
    assert "hold" in out.getvalue()


def test_every_finished_roll_traces_to_a_supplier_lot(mill):
    rolls = list(
        Roll.objects.filter(lot__material__kind=MaterialKind.FINISHED)
        .exclude(lot__material__article="")
        .select_related("lot__material")
        .order_by("id")
    )
    assert rolls
    for roll in rolls:
        tree = trace(lot=roll.lot, roll=roll, direction="upstream")
        assert not tree["truncated"]
        assert _upstream_receipt_lots(tree["root"]), f"{roll.code} has no supplier lot upstream"


def test_history_is_dated_in_the_past(mill):
    start = history_start(years=YEARS, today=timezone.localdate())
    first_move = StockMove.objects.order_by("created_at").first().created_at
    assert first_move.date() < start  # purchasing starts weeks before the first order
    assert (
        StockMove.objects.filter(reason=MoveReason.SHIPMENT).order_by("created_at").first().created_at.date() >= start
    )
    assert len({m.date() for m in StockMove.objects.values_list("created_at", flat=True)}) > 20
    assert PurchaseOrderStatusLog.objects.filter(at__date__lt=start).exists()
    assert OrderStatusLog.objects.filter(at__date__lt=timezone.localdate() - timedelta(days=7)).exists()
    assert RollInspection.objects.filter(created_at__date__lt=timezone.localdate() - timedelta(days=7)).exists()
    for receipt in GoodsReceipt.objects.all()[:20]:
        lot_days = {line.lot.received_at.date() for line in receipt.lines.select_related("lot")}
        assert lot_days == {receipt.received_on}


def test_order_lines_carry_the_designed_demand(mill):
    """What ML reads (weekly_demand) is exactly the generator's plan, week by week, per article."""
    today = timezone.localdate()
    orders, _ = demand_plan(seed=SEED, start=history_start(years=YEARS, today=today), end=today)
    planned = defaultdict(float)
    for order in orders:
        monday = order.order_date - timedelta(days=order.order_date.weekday())
        for line in order.lines:
            planned[(f"F-{line.article}-{line.colour}", monday)] += float(line.qty)
    frame = weekly_demand()
    codes = dict(SalesOrder.objects.values_list("lines__material_id", "lines__material__code"))
    seen = defaultdict(float)
    for row in frame.itertuples():
        if row.y:
            seen[(codes[int(row.unique_id)], row.ds.date())] += row.y
    assert seen == planned


def test_if_empty_is_a_no_op_on_a_seeded_mill(mill):
    before = mill_counts()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out, stderr=io.StringIO())
    assert "nothing seeded" in out.getvalue()
    assert mill_counts() == before


def test_seeding_twice_without_if_empty_is_refused(mill):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--years", "0.1", stdout=io.StringIO(), stderr=io.StringIO())


def test_rejected_lots_and_returns_are_consistent(mill):
    for lot in Lot.objects.filter(qc_status="rejected", origin=LotOrigin.RECEIPT):
        assert StockMove.objects.filter(lot=lot, reason=MoveReason.SUPPLIER_RETURN).exists()


@pytest.mark.django_db
def test_kpis_answer_with_numbers(mill, admin_client):
    today = timezone.localdate()
    start = history_start(years=YEARS, today=today)
    response = admin_client.get("/api/v1/kpis/", {"from": start.isoformat(), "to": today.isoformat()})
    assert response.status_code == 200
    kpis = {k["name"]: k for k in response.json()["kpis"]}
    assert kpis["stock-value"]["value"] > 0
    assert kpis["fill-rate"]["metres_ordered"] > 0
    assert kpis["open-orders"]["received"] > 0
    assert kpis["points-per-100yd2"]["rolls"] > 0
    assert kpis["points-per-100yd2"]["value"] > 0
    assert kpis["supplier-on-time"]["value"] is not None
    # Before the history began the ledger held nothing: past periods are meaningful.
    before = admin_client.get("/api/v1/kpis/stock-value/", {"to": (start - timedelta(days=60)).isoformat()})
    assert before.status_code == 200
    assert before.json()["value"] == 0


@pytest.mark.django_db
def test_finished_rolls_are_graded_by_the_stenter_they_came_off(mill, admin_client):
    """Work orders run on the demo machines; the worn stenter (ST-03) grades rougher than ST-01."""
    from production.models import WorkOrder

    assert not WorkOrder.objects.filter(machine__isnull=True).exists()
    assert not WorkOrder.objects.exclude(machine__stage=F("stage")).exists()
    today = timezone.localdate()
    start = history_start(years=YEARS, today=today)
    body = admin_client.get(
        "/api/v1/kpis/points-per-100yd2/", {"from": (start - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    ).json()
    by_machine = {row["key"]: row for row in body["by_machine"]}
    assert set(by_machine) <= {"ST-01", "ST-02", "ST-03"}
    assert sum(row["rolls"] for row in by_machine.values()) == body["rolls"]
    assert by_machine["ST-03"]["value"] > 1.5 * by_machine["ST-01"]["value"]
