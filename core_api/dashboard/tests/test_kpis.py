"""Each KPI on a small fixture whose figures are worked out by hand in the comments."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import services as stock
from inventory.models import LocationKind, LotOrigin, QCStatus
from procurement.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, Supplier
from quality.services import roll_inspection_create
from sales import services as sales
from sales.tests.factories import CustomerFactory, FabricLotFactory, FinishedFabricFactory, LocationFactory, RollFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
KPIS = "/api/v1/kpis/"


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def noon(offset: int) -> datetime:
    return timezone.make_aware(datetime.combine(day(offset), time(12)))


def order(customer, material, qty, requested, *, confirm=True, price="5"):
    document = sales.sales_order_create(
        customer=customer,
        lines=[{"material": material, "qty": Decimal(qty), "unit_price": Decimal(price), "requested_date": requested}],
    )
    return sales.sales_order_confirm(order=document) if confirm else document


def inspect(roll, defect_lengths_in):
    """Final 4-point inspection through quality's service: one linear defect per yard listed."""
    defects = [
        {"defect_type": "slub", "length_in": Decimal(length), "position_yd": Decimal(i + 1)}
        for i, length in enumerate(defect_lengths_in)
    ]
    return roll_inspection_create(roll=roll, defects=defects)


@pytest.fixture
def mill(db):
    """Two 100 m rolls of SJ-180 at 3 per metre (600 in stock), then:

    order A: 100 m requested day −5, shipped day −6 (on time, in full)
    order B:  80 m requested day −3, shipped day −1 (late, in full)
    order C:  50 m requested day −2, confirmed, nothing shipped (20 m left in stock)
    order D:  40 m requested day −2, still a draft (not counted)
    order E:  30 m requested day +5, confirmed (not yet due)
    one complaint on A's shipment.
    """
    fg = LocationFactory(kind=LocationKind.FINISHED_GOODS)
    fabric = FinishedFabricFactory(article="SJ-180", width_cm=Decimal("150"))
    lot = FabricLotFactory(material=fabric)
    rolls = [RollFactory(lot=lot, length_m=Decimal("100"), location=fg, unit_cost=Decimal("3")) for _ in range(2)]
    customer = CustomerFactory()

    a = order(customer, fabric, "100", day(-5))
    sales.sales_order_allocate(order=a)
    shipment_a = sales.shipment_create(order=a, shipped_at=noon(-6))
    b = order(customer, fabric, "80", day(-3))
    sales.sales_order_allocate(order=b)
    sales.shipment_create(order=b, shipped_at=noon(-1))
    order(customer, fabric, "50", day(-2))
    order(customer, fabric, "40", day(-2), confirm=False)
    order(customer, fabric, "30", day(5))
    sales.feedback_create(customer=customer, kind="complaint", description="holes", shipment=shipment_a)
    return {"fabric": fabric, "fg": fg, "rolls": rolls}


def kpi(client, name, **params):
    response = client.get(f"{KPIS}{name}/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == name and body["formula"]
    return body


def test_on_time_in_full(mill, client_as):
    body = kpi(client_as("viewer"), "on-time-in-full")
    # Due lines: A (on time, full), B (late), C (nothing) → 1 of 3. D is a draft, E not yet due.
    assert (body["lines_on_time_in_full"], body["lines_due"]) == (1, 3)
    assert body["value"] == round(1 / 3, 4)


def test_fill_rate(mill, client_as):
    body = kpi(client_as("sales"), "fill-rate")
    # Shipped against due lines: 100 + 80 + 0 of 100 + 80 + 50.
    assert body["metres_filled"] == 180 and body["metres_ordered"] == 230
    assert body["value"] == round(180 / 230, 4)
    # Before B shipped (period ending day −2) only A had been filled, of A and B (C is due on day −2).
    early = kpi(client_as("sales"), "fill-rate", **{"to": day(-2).isoformat()})
    assert early["value"] == round(100 / 230, 4)


def test_open_orders(mill, client_as):
    body = kpi(client_as("planner"), "open-orders")
    # C (50 m) and E (30 m) are confirmed and unshipped; A and B shipped; D is a draft.
    assert body["value"] == 2 and body["open_metres"] == 80 and body["open_value"] == 80 * 5
    assert body["received"] == 4
    # Yesterday none of these orders existed yet.
    assert kpi(client_as("planner"), "open-orders", to=day(-1).isoformat())["value"] == 0


def test_complaint_rate(mill, client_as):
    body = kpi(client_as("quality"), "complaint-rate")
    assert (body["complaints"], body["shipments"], body["value"]) == (1, 2, 0.5)
    # A period with no shipment has no rate rather than a division by zero.
    quiet = kpi(client_as("quality"), "complaint-rate", **{"from": day(-60).isoformat(), "to": day(-40).isoformat()})
    assert quiet["value"] is None and quiet["shipments"] == 0


def test_stock_value_days_of_cover_and_turns(mill, client_as):
    client = client_as("storekeeper")
    # 200 m received at 3, 180 m shipped: 20 m worth 60 remain.
    value = kpi(client, "stock-value")
    assert value["value"] == 60 and value["by_kind"] == {"finished": 60}
    assert kpi(client, "stock-value", to=day(-1).isoformat())["value"] == 0  # the ledger starts today

    # 20 m on hand ÷ (180 m shipped ÷ 30 days) = 3.3 days.
    cover = kpi(client, "days-of-cover")
    assert (cover["on_hand_metres"], cover["shipped_metres"], cover["days"]) == (20, 180, 30)
    assert cover["value"] == round(20 / (180 / 30), 1)

    # Cost of goods shipped 540 ÷ average stock value ((0 + 60) ÷ 2) = 18 turns in 30 days.
    turns = kpi(client, "inventory-turns")
    assert turns["cost_of_goods_shipped"] == 540 and turns["average_stock_value"] == 30
    assert turns["period_turns"] == 18 and turns["value"] == round(18 * 365 / 30, 2)


def test_points_per_100yd2_by_article_and_supplier(mill, client_as):
    supplier = Supplier.objects.create(code="WEAVE-1", name="Weaver one")
    po = PurchaseOrder.objects.create(
        supplier=supplier, order_date=day(-20), warehouse=mill["fg"].warehouse, currency="EUR", status="received"
    )
    poplin = FinishedFabricFactory(article="PQ-220", width_cm=Decimal("180"))
    line = PurchaseOrderLine.objects.create(
        order=po, line_no=1, material=poplin, qty=50, unit_price=2, promised_date=day(-3)
    )
    receipt = GoodsReceipt.objects.create(purchase_order=po, location=mill["fg"], received_on=day(-3))
    bought = stock.lot_create(material=poplin, origin=LotOrigin.RECEIPT, qc_status=QCStatus.RELEASED)
    GoodsReceiptLine.objects.create(receipt=receipt, po_line=line, lot=bought, qty=50, unit_price=2)
    bought_roll = RollFactory(lot=bought, length_m=Decimal("50"), location=mill["fg"])
    first, second = mill["rolls"]
    inspect(first, [10, 4])  # 4 + 2 = 6 points
    inspect(second, [10] * 5)  # 5 × 4 = 20 points
    inspect(bought_roll, [10, 10, 4])  # 4 + 4 + 2 = 10 points

    body = kpi(client_as("quality"), "points-per-100yd2")
    # Inspected yards and cuttable inches, as quality rounds them: 100 m = 109.36 yd, 150 cm = 59.06 in,
    # 50 m = 54.68 yd, 180 cm = 70.87 in.
    sj_area = 2 * 109.36 * 59.06
    pq_area = 54.68 * 70.87
    assert body["rolls"] == 3 and body["value"] == round(36 * 3600 / (sj_area + pq_area), 2)
    sj, pq = round(26 * 3600 / sj_area, 2), round(10 * 3600 / pq_area, 2)
    assert [(row["key"], row["value"]) for row in body["by_article"]] == [("PQ-220", pq), ("SJ-180", sj)]
    assert {row["key"]: row["value"] for row in body["by_supplier"]} == {None: sj, "WEAVE-1": pq}


def test_supplier_on_time(db, client_as):
    fg = LocationFactory()
    yarn = FinishedFabricFactory()

    def po_line(supplier, qty, promised, receipts, status="approved"):
        po = PurchaseOrder.objects.create(
            supplier=supplier, order_date=day(-40), warehouse=fg.warehouse, currency="EUR", status=status
        )
        line = PurchaseOrderLine.objects.create(
            order=po, line_no=1, material=yarn, qty=qty, unit_price=1, promised_date=day(promised)
        )
        for qty_received, on in receipts:
            receipt = GoodsReceipt.objects.create(purchase_order=po, location=fg, received_on=day(on))
            lot = stock.lot_create(material=yarn, origin=LotOrigin.RECEIPT)
            GoodsReceiptLine.objects.create(receipt=receipt, po_line=line, lot=lot, qty=qty_received, unit_price=1)

    one = Supplier.objects.create(code="S1", name="One")
    two = Supplier.objects.create(code="S2", name="Two")
    po_line(one, 100, -10, [(60, -12), (40, -8)])  # 60 of 100 by the promised date
    po_line(two, 50, -5, [(70, -6)])  # over-delivered on time: counts as 50 of 50
    po_line(two, 30, -40, [])  # promised before the period
    po_line(one, 20, -4, [], status="cancelled")

    body = kpi(client_as("purchaser"), "supplier-on-time")
    assert body["value"] == round(110 / 150, 4)
    assert [(row["supplier"], row["value"]) for row in body["by_supplier"]] == [("S1", 0.6), ("S2", 1.0)]


def test_all_kpis_at_once_for_every_role(mill, client_as):
    response = client_as("viewer").get(KPIS, {"from": day(-29).isoformat(), "to": TODAY.isoformat()})
    assert response.status_code == 200
    body = response.json()
    names = [k["name"] for k in body["kpis"]]
    assert names == [
        "on-time-in-full",
        "fill-rate",
        "open-orders",
        "complaint-rate",
        "stock-value",
        "days-of-cover",
        "inventory-turns",
        "points-per-100yd2",
        "supplier-on-time",
    ]
    assert all(k["from"] == body["from"] == day(-29).isoformat() for k in body["kpis"])


def test_unknown_kpi_is_404_and_bad_dates_are_400(db, client_as, api):
    client = client_as("viewer")
    response = client.get(f"{KPIS}happiness/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client.get(f"{KPIS}fill-rate/", {"from": "2025-02-30"})
    assert response.status_code == 400 and "from" in response.json()["error"]["fields"]
    response = client.get(KPIS, {"from": "2025-03-02", "to": "2025-03-01"})
    assert response.status_code == 400 and "from" in response.json()["error"]["fields"]
    assert api.get(KPIS).status_code == 401


def test_points_per_100yd2_by_machine(db, client_as):
    """Finished rolls attributed to the finishing range their work order ran on.

    Three finishing work orders turn dyed rolls into 100 m rolls of a 150 cm fabric (109.36 yd ×
    59.06 in each, as quality rounds them): two rolls on STENTER-1 (6 and 8 points), one on
    STENTER-2 (20 points), one on an order that named no machine (2 points).
    """
    from production import services as production
    from production.models import Stage
    from production.tests.factories import FinishedFactory, LocationFactory, receive_rolls

    floor = LocationFactory(code="FLOOR", kind=LocationKind.PRODUCTION)
    fg = LocationFactory(code="FG", kind=LocationKind.FINISHED_GOODS)
    dyed = FinishedFactory(code="D175", gsm=Decimal("175"), width_cm=Decimal("172"), article="")
    finished = FinishedFactory(code="F170", gsm=Decimal("170"), width_cm=Decimal("150"), article="SJ-170")
    receive_rolls(dyed, floor, [150, 150, 150])
    bom = production.bom_create(
        code="FIN-F170",
        product=finished,
        stage=Stage.FINISHING,
        components=[{"material": dyed, "qty_per_unit": Decimal("1"), "loss_pct": Decimal("3")}],
    )
    good = production.machine_create(code="STENTER-1", name="Stenter one", stage=Stage.FINISHING)
    rough = production.machine_create(code="STENTER-2", name="Stenter two", stage=Stage.FINISHING)

    def run(machine, rolls):
        wo = production.work_order_create(
            bom=bom, planned_qty=Decimal(100 * rolls), source_location=floor, output_location=fg, machine=machine
        )
        production.work_order_release(work_order=wo)
        production.work_order_issue(work_order=wo)
        output = production.work_order_output(work_order=wo, rolls=[{"length_m": Decimal("100")}] * rolls)
        return list(output.lot.rolls.order_by("id"))

    first, second = run(good, 2)
    (third,) = run(rough, 1)
    (fourth,) = run(None, 1)
    inspect(first, [10, 4])  # 4 + 2 = 6 points
    inspect(second, [10, 10])  # 8 points
    inspect(third, [10] * 5)  # 20 points
    inspect(fourth, [4])  # 2 points

    body = kpi(client_as("quality"), "points-per-100yd2")
    area = 109.36 * 59.06
    assert body["rolls"] == 4 and body["value"] == round(36 * 3600 / (4 * area), 2)
    assert {row["key"]: (row["value"], row["rolls"], row["points"]) for row in body["by_machine"]} == {
        "STENTER-1": (round(14 * 3600 / (2 * area), 2), 2, 14),
        "STENTER-2": (round(20 * 3600 / area, 2), 1, 20),
        None: (round(2 * 3600 / area, 2), 1, 2),
    }
