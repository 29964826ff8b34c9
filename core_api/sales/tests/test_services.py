"""Sales rules at the service level: allocation, shipments, returns, cancellation, feedback, trace."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import BusinessRuleViolation, InvalidInput, StockShortfall
from inventory import services as stock
from inventory.models import LotOrigin, MoveReason, QCStatus, StockBalance, StockMove
from inventory.services import Document, StockLine
from inventory.trace import DOWNSTREAM, trace
from procurement.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, Supplier
from sales import services
from sales.models import Allocation, AllocationStatus, CustomerReturn, Feedback, OrderStatus, Shipment
from sales.selectors import complaint_trace

from .factories import CustomerFactory, FabricLotFactory, FinishedFabricFactory, LocationFactory

pytestmark = pytest.mark.django_db


def confirmed_order(customer, lines):
    """lines: [(material, qty)] → a confirmed order."""
    order = services.sales_order_create(
        customer=customer,
        lines=[
            {"material": m, "qty": Decimal(str(q)), "unit_price": Decimal("5"), "requested_date": date.today()}
            for m, q in lines
        ],
    )
    return services.sales_order_confirm(order=order)


def balance(roll):
    return StockBalance.objects.get(roll=roll, on_hand__gt=0) if roll else None


def reserved_of(roll) -> Decimal:
    return sum((b.reserved for b in StockBalance.objects.filter(roll=roll)), Decimal("0"))


# --- allocation -----------------------------------------------------------------------------------
def test_allocation_keeps_a_line_in_one_dye_lot_and_one_shade_band(customer, fabric, make_rolls):
    old_lot = FabricLotFactory(material=fabric)
    make_rolls(old_lot, [60], shade_band="A")
    make_rolls(old_lot, [60], shade_band="B")
    young_lot = FabricLotFactory(material=fabric)
    big, small = make_rolls(young_lot, [80, 70], shade_band="A")
    order = confirmed_order(customer, [(fabric, 120)])

    order, plans = services.sales_order_allocate(order=order)

    report = plans[0].as_dict()
    assert report["dye_lots"] == [young_lot.code] and report["shade_bands"] == ["A"]
    assert report["message"] == "" and report["single_dye_lot"] and report["single_shade_band"]
    allocations = {a.roll_id: a.qty for a in Allocation.objects.filter(line__order=order)}
    assert allocations == {big.pk: Decimal("80"), small.pk: Decimal("40")}
    assert reserved_of(big) == 80 and reserved_of(small) == 40
    assert order.status == OrderStatus.ALLOCATED


def test_oldest_dye_lot_wins_between_lots_that_can_each_serve_the_line(customer, fabric, make_rolls):
    old_lot = FabricLotFactory(material=fabric)
    (old_roll,) = make_rolls(old_lot, [100])
    make_rolls(FabricLotFactory(material=fabric), [100])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 50)]))
    assert list(Allocation.objects.filter(line__order=order).values_list("roll_id", flat=True)) == [old_roll.pk]


def test_one_lot_across_shade_bands_is_said_in_the_report(customer, fabric, make_rolls):
    lot = FabricLotFactory(material=fabric)
    make_rolls(lot, [60], shade_band="A")
    make_rolls(lot, [50], shade_band="B")
    _, plans = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 100)]))
    report = plans[0].as_dict()
    assert report["dye_lots"] == [lot.code] and report["shade_bands"] == ["A", "B"]
    assert not report["single_shade_band"] and "mixed shade bands" in report["message"]
    assert Decimal(report["allocated"]) == 100


def test_a_line_no_single_lot_can_serve_is_split_and_said_so(customer, fabric, make_rolls):
    first = make_rolls(None, [60])[0].lot
    second = make_rolls(None, [70])[0].lot
    _, plans = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 100)]))
    report = plans[0].as_dict()
    assert not report["single_dye_lot"]
    assert sorted(report["dye_lots"]) == sorted([first.code, second.code])
    assert "cannot be served from one dye lot" in report["message"]
    # The bigger lot first, so as few lots as possible are opened.
    assert Allocation.objects.get(lot=second).qty == 70 and Allocation.objects.get(lot=first).qty == 30


def test_rolls_over_the_customer_points_threshold_or_shade_tolerance_are_not_allocated(fabric, make_rolls):
    strict = CustomerFactory(points_threshold=Decimal("20"), shade_tolerance=Decimal("0.80"))
    lot = FabricLotFactory(material=fabric)
    (too_many_points,) = make_rolls(lot, [100], points_per_100yd2=Decimal("25.5"))
    (off_shade,) = make_rolls(lot, [100], points_per_100yd2=Decimal("10"), delta_e=Decimal("1.2"))
    (good,) = make_rolls(lot, [60], points_per_100yd2=Decimal("18"), delta_e=Decimal("0.5"))

    order, _ = services.sales_order_allocate(order=confirmed_order(strict, [(fabric, 60)]))
    assert list(Allocation.objects.filter(line__order=order).values_list("roll_id", flat=True)) == [good.pk]

    # The same rolls serve a customer with the common 40-point threshold and a wider tolerance.
    relaxed = CustomerFactory(points_threshold=Decimal("40"), shade_tolerance=Decimal("1.50"))
    order, _ = services.sales_order_allocate(order=confirmed_order(relaxed, [(fabric, 200)]))
    allocated = set(Allocation.objects.filter(line__order=order).values_list("roll_id", flat=True))
    assert allocated == {too_many_points.pk, off_shade.pk}


def test_short_stock_is_refused_for_every_short_line_and_nothing_is_reserved(customer, make_rolls):
    navy, black = FinishedFabricFactory(), FinishedFabricFactory()
    lot = FabricLotFactory(material=navy)
    make_rolls(lot, [50])
    make_rolls(lot, [100], points_per_100yd2=Decimal("55"))  # over ACME's 40 points
    make_rolls(FabricLotFactory(material=black), [30])
    order = confirmed_order(customer, [(navy, 80), (black, 40)])

    with pytest.raises(StockShortfall) as refused:
        services.sales_order_allocate(order=order)

    fields = refused.value.fields
    assert set(fields) == {"lines.0.qty", "lines.1.qty"}
    assert "needs 80" in fields["lines.0.qty"][0] and "50" in fields["lines.0.qty"][0]
    assert "over the 40" in fields["lines.0.qty"][0]
    assert not Allocation.objects.exists()
    assert not StockBalance.objects.filter(reserved__gt=0).exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_quarantined_or_held_lots_and_quarantine_locations_are_never_allocated(
    customer, fabric, make_rolls, quarantine
):
    make_rolls(FabricLotFactory(material=fabric, qc_status=QCStatus.QUARANTINE), [100])
    make_rolls(FabricLotFactory(material=fabric, qc_status=QCStatus.ON_HOLD), [100])
    make_rolls(None, [100], location=quarantine)
    with pytest.raises(StockShortfall):
        services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 10)]))


def test_a_roll_held_for_one_order_is_not_offered_to_another(customer, fabric, make_rolls):
    make_rolls(None, [100])
    services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 40)]))
    with pytest.raises(StockShortfall):
        services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 40)]))


def test_allocating_a_draft_is_refused(customer, fabric):
    order = services.sales_order_create(
        customer=customer,
        lines=[{"material": fabric, "qty": Decimal("1"), "unit_price": Decimal("1"), "requested_date": date.today()}],
    )
    with pytest.raises(BusinessRuleViolation):
        services.sales_order_allocate(order=order)


def test_only_finished_fabric_is_sold(customer):
    from production.tests.factories import YarnFactory

    with pytest.raises(InvalidInput) as refused:
        services.sales_order_create(
            customer=customer,
            lines=[
                {
                    "material": YarnFactory(),
                    "qty": Decimal("1"),
                    "unit_price": Decimal("1"),
                    "requested_date": date.today(),
                }
            ],
        )
    assert "lines.0.material" in refused.value.fields


# --- cancel and close -----------------------------------------------------------------------------
def test_cancelling_releases_every_reservation(customer, fabric, make_rolls):
    rolls = make_rolls(None, [50, 50])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 80)]))
    order = services.sales_order_cancel(order=order, reason="buyer changed colour")
    assert order.status == OrderStatus.CANCELLED
    assert all(reserved_of(r) == 0 for r in rolls)
    assert set(Allocation.objects.values_list("status", flat=True)) == {AllocationStatus.RELEASED}
    assert list(order.status_log.values_list("to_status", flat=True)) == [
        "draft",
        "confirmed",
        "allocated",
        "cancelled",
    ]
    # Released rolls can be allocated again.
    services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 80)]))


def test_short_closing_a_partially_shipped_order_releases_what_is_left(customer, fabric, make_rolls):
    first, second = make_rolls(None, [50, 50])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 100)]))
    services.shipment_create(order=order, rolls=[first])
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_SHIPPED
    with pytest.raises(BusinessRuleViolation):
        services.sales_order_cancel(order=order)
    order = services.sales_order_close(order=order, reason="short-closed")
    assert order.status == OrderStatus.CLOSED and reserved_of(second) == 0


# --- shipments ------------------------------------------------------------------------------------
def test_shipment_issues_the_reserved_rolls_and_names_itself_on_the_ledger(customer, fabric, make_rolls, fg):
    first, second = make_rolls(None, [60, 40])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 100)]))

    shipment = services.shipment_create(order=order, carrier="DHL")

    moves = StockMove.objects.filter(document_type="sales.shipment", document_id=str(shipment.pk))
    assert {(m.roll_id, m.qty, m.reason, m.document_ref) for m in moves} == {
        (first.pk, Decimal("-60"), MoveReason.SHIPMENT, shipment.number),
        (second.pk, Decimal("-40"), MoveReason.SHIPMENT, shipment.number),
    }
    assert sum(m.value for m in moves) == Decimal("-300")  # 100 m at 3 per metre, FIFO
    for roll in (first, second):
        b = StockBalance.objects.get(roll=roll, location=fg)
        assert (b.on_hand, b.reserved, b.value) == (0, 0, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert set(Allocation.objects.values_list("status", flat=True)) == {AllocationStatus.SHIPPED}
    assert [line.unit_cost for line in shipment.lines.all()] == [Decimal("3"), Decimal("3")]


def test_a_partial_shipment_then_the_rest(customer, fabric, make_rolls):
    first, second = make_rolls(None, [60, 40])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 100)]))
    services.shipment_create(order=order, rolls=[second])
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_SHIPPED
    services.shipment_create(order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert reserved_of(first) == 0


def test_shipping_a_roll_not_allocated_to_the_order_writes_nothing(customer, fabric, make_rolls):
    (allocated,) = make_rolls(None, [50])
    (stranger,) = make_rolls(None, [50])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 50)]))
    moves_before = StockMove.objects.count()

    with pytest.raises(BusinessRuleViolation) as refused:
        services.shipment_create(order=order, rolls=[allocated, stranger])

    assert refused.value.fields == {"rolls.1": [f"roll {stranger.code} is not allocated to order {order.number}"]}
    assert not Shipment.objects.exists() and StockMove.objects.count() == moves_before
    assert reserved_of(allocated) == 50


def test_rolls_of_a_lot_put_on_hold_after_allocation_cannot_ship(customer, fabric, make_rolls):
    (roll,) = make_rolls(None, [50])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 50)]))
    stock.lot_set_qc_status(lot=roll.lot, status=QCStatus.ON_HOLD)
    moves_before = StockMove.objects.count()
    with pytest.raises(BusinessRuleViolation) as refused:
        services.shipment_create(order=order)
    assert refused.value.code == "lot_not_released" and "rolls.0" in refused.value.fields
    assert not Shipment.objects.exists() and StockMove.objects.count() == moves_before


# --- returns --------------------------------------------------------------------------------------
def shipped(customer, fabric, make_rolls, lengths=(60, 40)):
    rolls = make_rolls(None, list(lengths))
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, sum(lengths))]))
    return services.shipment_create(order=order), rolls


def test_a_return_comes_back_into_quarantine_at_cost_and_puts_the_lot_on_hold(customer, fabric, make_rolls, quarantine):
    shipment, (first, second) = shipped(customer, fabric, make_rolls)

    customer_return = services.customer_return_create(
        shipment=shipment, location=quarantine, lines=[{"roll": first, "qty": Decimal("25")}], reason="shade off"
    )

    (move,) = StockMove.objects.filter(document_type="sales.return")
    assert (move.roll_id, move.location_id, move.qty, move.value, move.reason) == (
        first.pk,
        quarantine.pk,
        Decimal("25"),
        Decimal("75"),
        MoveReason.CUSTOMER_RETURN,
    )
    assert move.document_ref == customer_return.number
    b = StockBalance.objects.get(roll=first, location=quarantine)
    assert (b.on_hand, b.value) == (Decimal("25"), Decimal("75"))
    first.lot.refresh_from_db()
    assert first.lot.qc_status == QCStatus.ON_HOLD

    # What is left of the roll can still come back; more than that cannot.
    with pytest.raises(BusinessRuleViolation) as refused:
        services.customer_return_create(
            shipment=shipment, location=quarantine, lines=[{"roll": first, "qty": Decimal("36")}], reason="x"
        )
    assert "35" in refused.value.fields["lines.0.qty"][0]
    services.customer_return_create(shipment=shipment, location=quarantine, lines=[{"roll": first}], reason="rest")
    assert StockBalance.objects.get(roll=first, location=quarantine).on_hand == 60


def test_returns_are_refused_outside_quarantine_or_for_rolls_not_shipped(customer, fabric, make_rolls, fg, quarantine):
    shipment, (first, _) = shipped(customer, fabric, make_rolls)
    (never_shipped,) = make_rolls(None, [10])
    moves_before = StockMove.objects.count()
    with pytest.raises(BusinessRuleViolation) as refused:
        services.customer_return_create(shipment=shipment, location=fg, lines=[{"roll": first}], reason="x")
    assert "location" in refused.value.fields
    with pytest.raises(BusinessRuleViolation) as refused:
        services.customer_return_create(
            shipment=shipment, location=quarantine, lines=[{"roll": never_shipped}], reason="x"
        )
    assert "lines.0.roll" in refused.value.fields
    assert StockMove.objects.count() == moves_before and not CustomerReturn.objects.exists()
    first.lot.refresh_from_db()
    assert first.lot.qc_status == QCStatus.RELEASED


# --- feedback and trace ---------------------------------------------------------------------------
def test_feedback_must_name_what_this_customer_received(customer, fabric, make_rolls):
    shipment, (roll, _) = shipped(customer, fabric, make_rolls)
    other = CustomerFactory()
    with pytest.raises(BusinessRuleViolation) as refused:
        services.feedback_create(customer=other, kind="complaint", description="holes", shipment=shipment)
    assert "shipment" in refused.value.fields
    (stranger,) = make_rolls(None, [10])
    with pytest.raises(BusinessRuleViolation) as refused:
        services.feedback_create(
            customer=customer, kind="complaint", description="holes", shipment=shipment, roll=stranger
        )
    assert "roll" in refused.value.fields
    with pytest.raises(InvalidInput):
        services.feedback_create(customer=customer, kind="complaint", description="no shipment named")
    assert not Feedback.objects.exists()

    complaint = services.feedback_create(
        customer=customer, kind="complaint", category="defect", description="holes", shipment=shipment, roll=roll
    )
    assert complaint.lot_id == roll.lot_id and complaint.number.startswith("CF-")


def test_a_complaint_traces_straight_back_to_the_supplier_lots(customer, make_rolls):
    from production.tests.factories import GreigeFactory, YarnFactory

    store = LocationFactory(kind="stores")
    yarn = YarnFactory()
    yarn_lot = stock.lot_create(
        material=yarn, origin=LotOrigin.RECEIPT, supplier_lot="SPIN-7781", qc_status=QCStatus.RELEASED
    )
    spinner = Supplier.objects.create(code="SPIN", name="Spinner")
    po = PurchaseOrder.objects.create(
        supplier=spinner, order_date=date.today(), warehouse=store.warehouse, currency="EUR", status="received"
    )
    po_line = PurchaseOrderLine.objects.create(
        order=po, line_no=1, material=yarn, qty=500, unit_price=2, promised_date=date.today()
    )
    receipt = GoodsReceipt.objects.create(purchase_order=po, location=store, received_on=date.today())
    GoodsReceiptLine.objects.create(receipt=receipt, po_line=po_line, lot=yarn_lot, qty=500, unit_price=2)
    greige_lot = stock.lot_create(material=GreigeFactory(), origin=LotOrigin.PRODUCTION, qc_status=QCStatus.RELEASED)
    fabric = FinishedFabricFactory()
    finished_lot = FabricLotFactory(material=fabric)
    stock.stock_receive(lines=[StockLine(lot=yarn_lot, location=store, qty=Decimal("500"))])
    stock.genealogy_record(parent_lot=yarn_lot, child_lot=greige_lot, qty=Decimal("400"), document=Document("wo", "1"))
    stock.genealogy_record(
        parent_lot=greige_lot, child_lot=finished_lot, qty=Decimal("900"), document=Document("wo", "2")
    )
    (roll,) = make_rolls(finished_lot, [100])
    order, _ = services.sales_order_allocate(order=confirmed_order(customer, [(fabric, 100)]))
    shipment = services.shipment_create(order=order, shipped_at=timezone.now() - timedelta(days=1))
    complaint = services.feedback_create(
        customer=customer, kind="complaint", category="shade", description="barré", shipment=shipment, roll=roll
    )

    result = complaint_trace(complaint)

    assert [lot["code"] for lot in result["supplier_lots"]] == [yarn_lot.code]
    assert result["supplier_lots"][0]["supplier_lot"] == "SPIN-7781"
    assert result["supplier_lots"][0]["depth"] == 2
    assert [supplier["code"] for supplier in result["suppliers"]] == ["SPIN"]
    root = result["trees"][0]["root"]
    assert root["roll"]["code"] == roll.code
    # The sales annotator tells the trace who got the finished lot.
    assert root["info"]["customers"] == [customer.code]
    assert root["info"]["shipments"][0]["number"] == shipment.number

    # And the other way: which customers got fabric made from this yarn lot.
    downstream = trace(lot=yarn_lot, direction=DOWNSTREAM)["root"]
    finished_node = downstream["children"][0]["children"][0]
    assert finished_node["lot"]["code"] == finished_lot.code
    assert finished_node["info"]["customers"] == [customer.code]
