"""Procurement rules at the service level: pipeline, prices, receipts, returns, on-time rate, scorecards."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import close_old_connections

from core.errors import BusinessRuleViolation, InvalidInput
from inventory.models import Lot, MoveReason, QCStatus, Roll, StockBalance, StockMove
from inventory.services import lot_set_qc_status
from inventory.supply import ON_ORDER, incoming_by_source
from inventory.trace import annotate_lots
from procurement import selectors, services
from procurement.models import (
    GoodsReceipt,
    POStatus,
    PurchaseOrder,
    PurchaseOrderStatusLog,
    ScorecardCriterion,
    Standing,
    SupplierScorecard,
)

from .conftest import ORDER_DATE
from .factories import MaterialFactory, PriceListFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def receive(order, *, qty=None, rolls=None, on=date(2024, 3, 15), line=0, user=None, **extra):
    po_line = order.lines.order_by("line_no")[line]
    data = {"po_line": po_line.pk, "supplier_lot": "SL-1", "dye_lot": "DL-1"}
    if rolls is not None:
        data["rolls"] = rolls
    else:
        data["qty"] = Decimal(str(qty))
    return services.receipt_create(purchase_order=order, lines=[data], received_on=on, user=user, **extra)


# --- purchase orders ---------------------------------------------------------------------------------
def test_unit_price_and_promised_date_default_from_the_valid_price_list(supplier, warehouse, yarn, purchaser):
    PriceListFactory(supplier=supplier, material=MaterialFactory(), price=Decimal("9"))  # another material: not used
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        order_date=ORDER_DATE,
        lines=[{"material": yarn, "qty": 500}],
        user=purchaser,
    ).document
    line = order.lines.get()
    assert line.unit_price == Decimal("4.00") and line.list_price == Decimal("4.00")
    assert line.promised_date == date(2024, 3, 15)  # order date + 14 days lead time
    assert order.number == f"PO-{order.pk:06d}" and order.status == POStatus.DRAFT


def test_expired_price_list_is_not_used(supplier, warehouse, purchaser):
    material = MaterialFactory()
    PriceListFactory(supplier=supplier, material=material, valid_from=date(2023, 1, 1), valid_to=date(2023, 12, 31))
    with pytest.raises(InvalidInput) as refused:
        services.purchase_order_create(
            supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": material, "qty": 500}]
        )
    assert "lines.0.unit_price" in refused.value.fields
    assert not PurchaseOrder.objects.exists()


def test_below_moq_is_refused_and_nothing_written(supplier, warehouse, yarn, purchaser):
    with pytest.raises(BusinessRuleViolation) as refused:
        services.purchase_order_create(
            supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": yarn, "qty": 99}]
        )
    assert refused.value.code == "below_moq" and "lines.0.qty" in refused.value.fields
    assert not PurchaseOrder.objects.exists() and not PurchaseOrderStatusLog.objects.exists()


def test_overlapping_price_lists_are_refused(supplier, yarn):
    with pytest.raises(BusinessRuleViolation) as refused:
        services.price_list_create(supplier=supplier, material=yarn, price=Decimal("5"), valid_from=date(2024, 6, 1))
    assert refused.value.code == "overlapping_price_list"


def test_pipeline_logs_every_change_with_who_and_from_to(approved_order, purchaser, manager):
    order = approved_order()
    receive(order, qty=400)
    order.refresh_from_db()
    assert order.status == POStatus.PARTIALLY_RECEIVED
    services.purchase_order_close(order=order, user=purchaser, note="supplier cannot deliver the rest")
    log = list(order.status_log.order_by("id").values_list("from_status", "to_status", "user__username"))
    assert log == [
        ("", "draft", purchaser.username),
        ("draft", "submitted", purchaser.username),
        ("submitted", "approved", manager.username),
        ("approved", "partially_received", None),
        ("partially_received", "closed", purchaser.username),
    ]


def test_transitions_outside_the_pipeline_are_refused_without_a_log_row(approved_order, purchaser, manager):
    order = approved_order()
    receive(order, qty=400)
    logs = PurchaseOrderStatusLog.objects.count()
    for bad in (services.purchase_order_cancel, services.purchase_order_submit):
        with pytest.raises(BusinessRuleViolation) as refused:
            bad(order=order, user=manager)
        assert refused.value.code == "invalid_transition"
    assert PurchaseOrderStatusLog.objects.count() == logs
    order.refresh_from_db()
    assert order.status == POStatus.PARTIALLY_RECEIVED


def test_cancel_from_every_open_state(supplier, warehouse, yarn, purchaser, manager):
    def draft():
        return services.purchase_order_create(
            supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": yarn, "qty": 500}]
        ).document

    for steps in (
        [],
        [services.purchase_order_submit],
        [services.purchase_order_submit, services.purchase_order_approve],
    ):
        order = draft()
        for step in steps:
            step(order=order, user=manager)
        assert services.purchase_order_cancel(order=order, user=purchaser).document.status == POStatus.CANCELLED


def test_approval_needs_the_purchase_manager_role_in_the_service(supplier, warehouse, yarn, purchaser):
    order = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": yarn, "qty": 500}]
    ).document
    services.purchase_order_submit(order=order, user=purchaser)
    with pytest.raises(services.RoleRequired):
        services.purchase_order_approve(order=order, user=purchaser)
    order.refresh_from_db()
    assert order.status == POStatus.SUBMITTED


def test_edits_only_in_draft(approved_order, yarn):
    order = approved_order()
    with pytest.raises(BusinessRuleViolation) as refused:
        services.purchase_order_update(order=order, notes="change")
    assert refused.value.code == "not_editable"


def test_draft_edit_replaces_lines_and_bumps_version(supplier, warehouse, yarn, fabric):
    order = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": yarn, "qty": 500}]
    ).document
    version = order.version
    order = services.purchase_order_update(
        order=order, lines=[{"material": fabric, "qty": 80, "unit_price": Decimal("2.40")}]
    ).document
    line = order.lines.get()
    assert (line.material, line.qty, line.unit_price, line.list_price) == (fabric, 80, Decimal("2.40"), Decimal("2.50"))
    assert order.version == version + 1


def test_changing_supplier_reprices_list_prices_and_keeps_typed_ones(supplier, warehouse, yarn, fabric):
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        order_date=ORDER_DATE,
        lines=[{"material": yarn, "qty": 500}, {"material": fabric, "qty": 80, "unit_price": Decimal("2.10")}],
    ).document
    other = SupplierFactory()
    PriceListFactory(supplier=other, material=yarn, price=Decimal("3.70"))
    PriceListFactory(supplier=other, material=fabric, price=Decimal("2.60"), min_order_qty=0)
    order = services.purchase_order_update(order=order, supplier=other).document
    prices = list(order.lines.order_by("line_no").values_list("unit_price", "list_price"))
    assert prices == [(Decimal("3.70"), Decimal("3.70")), (Decimal("2.10"), Decimal("2.60"))]


def _card(supplier, score, period=date(2024, 2, 1)):
    return SupplierScorecard.objects.create(
        supplier=supplier, period=period, score=score, standing=services.standing_for(Decimal(score))
    )


def test_very_poor_supplier_is_blocked_and_poor_one_warns(supplier, warehouse, yarn):
    lines = [{"material": yarn, "qty": 500}]
    _card(supplier, "60", period=date(2023, 12, 1))
    _card(supplier, "29.99")  # the latest period decides
    with pytest.raises(BusinessRuleViolation) as refused:
        services.purchase_order_create(supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=lines)
    assert refused.value.code == "supplier_blocked" and "supplier" in refused.value.fields
    assert not PurchaseOrder.objects.exists()

    SupplierScorecard.objects.filter(supplier=supplier, period=date(2024, 2, 1)).update(score=30, standing="poor")
    outcome = services.purchase_order_create(supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=lines)
    assert len(outcome.warnings) == 1 and "poor" in outcome.warnings[0]


@pytest.mark.parametrize(
    ("score", "standing"),
    [("0", "very_poor"), ("29.99", "very_poor"), ("30", "poor"), ("49.99", "poor"), ("50", "average"), ("80", "good")],
)
def test_standing_bands(score, standing):
    assert services.standing_for(Decimal(score)) == standing


# --- receipts ----------------------------------------------------------------------------------------
def test_partial_then_full_receipt_creates_quarantined_lots_at_the_po_price(approved_order, quarantine, fabric):
    order = approved_order()
    first = receive(order, qty=600)
    lot = first.lines.get().lot
    assert (lot.qc_status, lot.supplier_lot, lot.dye_lot, lot.source_type, lot.source_ref) == (
        QCStatus.QUARANTINE,
        "SL-1",
        "DL-1",
        "procurement.receipt",
        first.number,
    )
    move = StockMove.objects.get(lot=lot)
    assert (move.qty, move.unit_cost, move.location, move.reason) == (600, Decimal("4"), quarantine, MoveReason.RECEIPT)
    assert move.document_type == "procurement.receipt" and move.document_id == str(first.pk)

    rolls = [{"length_m": "120.5"}, {"length_m": "100", "weight_kg": "26.1", "gsm": "175"}, {"length_m": "79.5"}]
    second = receive(order, rolls=rolls, line=1)
    fabric_lot = second.lines.get().lot
    assert second.lines.get().qty == Decimal("300")
    assert sorted(Roll.objects.filter(lot=fabric_lot).values_list("length_m", flat=True)) == [79.5, 100, 120.5]
    assert Roll.objects.get(lot=fabric_lot, length_m=100).weight_kg == Decimal("26.1")
    assert StockBalance.objects.filter(lot=fabric_lot, location=quarantine).count() == 3
    order.refresh_from_db()
    assert order.status == POStatus.PARTIALLY_RECEIVED

    receive(order, qty=400)
    order.refresh_from_db()
    assert order.status == POStatus.RECEIVED
    assert [line.qty_received for line in order.lines.order_by("line_no")] == [1000, 300]


def test_over_receipt_within_tolerance_is_accepted_beyond_refused(approved_order, settings):
    order = approved_order()
    receive(order, qty=1050)  # exactly 5 % over
    order.refresh_from_db()
    with pytest.raises(BusinessRuleViolation) as refused:
        receive(order, qty="0.01")
    assert refused.value.code == "over_receipt" and "lines.0.qty" in refused.value.fields

    settings.WEFT_OVER_RECEIPT_TOLERANCE_PERCENT = 0
    other = approved_order()
    with pytest.raises(BusinessRuleViolation):
        receive(other, qty="1000.5")


def test_refused_receipt_writes_nothing(approved_order):
    order = approved_order()
    counts = (GoodsReceipt.objects.count(), Lot.objects.count(), StockMove.objects.count())
    with pytest.raises(BusinessRuleViolation):
        receive(order, qty=2000)
    assert (GoodsReceipt.objects.count(), Lot.objects.count(), StockMove.objects.count()) == counts
    order.refresh_from_db()
    assert order.status == POStatus.APPROVED and order.lines.first().qty_received == 0


def test_receiving_against_unapproved_or_finished_orders_is_refused(approved_order, supplier, warehouse, yarn, manager):
    draft = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": yarn, "qty": 500}]
    ).document
    submitted = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, order_date=ORDER_DATE, lines=[{"material": yarn, "qty": 500}]
    ).document
    services.purchase_order_submit(order=submitted, user=manager)
    cancelled = approved_order()
    services.purchase_order_cancel(order=cancelled, user=manager)
    closed = approved_order()
    receive(closed, qty=10)
    services.purchase_order_close(order=closed, user=manager)
    for order in (draft, submitted, cancelled, closed):
        with pytest.raises(BusinessRuleViolation) as refused:
            receive(order, qty=10)
        assert refused.value.code == "not_receivable", order.status


def test_fabric_needs_rolls_and_receipts_go_to_quarantine(approved_order, stores):
    order = approved_order()
    with pytest.raises(InvalidInput) as refused:
        receive(order, qty=100, line=1)
    assert "lines.0.rolls" in refused.value.fields
    with pytest.raises(BusinessRuleViolation) as refused:
        receive(order, qty=100, location=stores)
    assert refused.value.code == "not_quarantine"


# --- supplier returns --------------------------------------------------------------------------------
def test_rejected_lot_goes_back_with_a_debit_note(approved_order, supplier):
    order = approved_order()
    receipt = receive(order, qty=600)
    lot = receipt.lines.get().lot
    with pytest.raises(BusinessRuleViolation) as refused:  # still in quarantine: not rejected
        services.supplier_return_create(supplier=supplier, lines=[{"lot": lot, "qty": Decimal("100")}])
    assert refused.value.code == "lot_not_released"

    lot_set_qc_status(lot=lot, status=QCStatus.REJECTED)
    lot.refresh_from_db()
    document = services.supplier_return_create(
        supplier=supplier, lines=[{"lot": lot, "qty": Decimal("250")}], debit_note_ref="DN-9"
    )
    assert document.debit_amount == Decimal("1000.0000")  # 250 kg × 4.00
    assert StockBalance.objects.get(lot=lot).on_hand == 350
    move = StockMove.objects.get(lot=lot, reason=MoveReason.SUPPLIER_RETURN)
    assert move.qty == -250 and move.document_type == "procurement.supplier_return"

    whole = services.supplier_return_create(supplier=supplier, lines=[{"lot": lot}])
    assert whole.lines.get().qty == 350 and whole.debit_amount == Decimal("1400.0000")


def test_return_to_another_supplier_is_refused(approved_order):
    lot = receive(approved_order(), qty=600).lines.get().lot
    lot_set_qc_status(lot=lot, status=QCStatus.REJECTED)
    with pytest.raises(BusinessRuleViolation) as refused:
        services.supplier_return_create(supplier=SupplierFactory(), lines=[{"lot": lot}])
    assert refused.value.code == "not_from_supplier"


# --- on-time rate --------------------------------------------------------------------------------------
def test_on_time_rate_on_a_hand_computed_fixture(supplier, warehouse, yarn, fabric, manager):
    """Three lines promised in March 2024, one in April (outside the window):

    line A 1000 kg promised 03-10: 600 received 03-08, 400 received 03-12  → 600 on time
    line B  300 m  promised 03-20: 315 received 03-20 (over-receipt)        → 300 on time (capped)
    line C  500 kg promised 03-25: nothing received                         →   0 on time
    line D  200 kg promised 04-05: 200 received 04-01                       → outside the window
    rate = (600 + 300 + 0) / (1000 + 300 + 500) = 0.5
    """
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        order_date=date(2024, 3, 1),
        lines=[
            {"material": yarn, "qty": 1000, "promised_date": date(2024, 3, 10)},
            {"material": fabric, "qty": 300, "promised_date": date(2024, 3, 20)},
            {"material": yarn, "qty": 500, "promised_date": date(2024, 3, 25)},
            {"material": yarn, "qty": 200, "promised_date": date(2024, 4, 5)},
        ],
    ).document
    services.purchase_order_submit(order=order, user=manager)
    services.purchase_order_approve(order=order, user=manager)
    receive(order, qty=600, on=date(2024, 3, 8))
    receive(order, qty=400, on=date(2024, 3, 12))
    receive(order, rolls=[{"length_m": "200"}, {"length_m": "115"}], on=date(2024, 3, 20), line=1)
    receive(order, qty=200, on=date(2024, 4, 1), line=3)
    # A cancelled order's lines do not count.
    cancelled = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        order_date=date(2024, 3, 1),
        lines=[{"material": yarn, "qty": 900, "promised_date": date(2024, 3, 5)}],
    ).document
    services.purchase_order_cancel(order=cancelled, user=manager)

    result = selectors.on_time_rate(supplier=supplier, date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))
    assert (result.qty_ordered, result.qty_on_time, result.lines, result.rate) == (1800, 900, 3, Decimal("0.5"))


# --- scorecards ----------------------------------------------------------------------------------------
def test_criteria_weights_must_sum_to_100():
    with pytest.raises(InvalidInput) as refused:
        services.scorecard_criteria_set(weights={"on_time": Decimal("60"), "accept_rate": Decimal("30")})
    assert refused.value.code == "weights_sum" and "criteria" in refused.value.fields
    assert sum(ScorecardCriterion.objects.values_list("weight", flat=True)) == 100  # the defaults stand
    services.scorecard_criteria_set(weights={"on_time": Decimal("60"), "accept_rate": Decimal("40")})
    assert dict(ScorecardCriterion.objects.values_list("key", "weight")) == {"on_time": 60, "accept_rate": 40}


def test_scorecard_skips_idle_months_and_renormalises_missing_criteria(approved_order, supplier, stores):
    """January: PO lines due, all received late and its lots decided; February idle; March nothing due.

    Weights on_time 50, accept_rate 50 → January = (0 × 50 + 75 × 50) / 100 = 37.5 (poor).
    """
    services.scorecard_criteria_set(weights={"on_time": Decimal("50"), "accept_rate": Decimal("50")})
    order = approved_order(order_date=date(2023, 12, 20), expected_date=date(2024, 1, 10))
    good = receive(order, qty=750, on=date(2024, 1, 15)).lines.get().lot
    bad = receive(order, qty=250, on=date(2024, 1, 16)).lines.get().lot
    lot_set_qc_status(lot=good, status=QCStatus.RELEASED, release_to=stores)
    lot_set_qc_status(lot=bad, status=QCStatus.REJECTED)
    services.supplier_set_ml_score(supplier=supplier, period=date(2024, 2, 1), score=90)  # not activity

    run = services.scorecard_compute(supplier=supplier, period_from=date(2024, 1, 1), period_to=date(2024, 3, 1))
    assert [(c.period, c.score, c.standing) for c in run.computed] == [(date(2024, 1, 1), Decimal("37.50"), "poor")]
    assert [period for _, period in run.skipped] == [date(2024, 2, 1), date(2024, 3, 1)]
    card = run.computed[0]
    assert card.breakdown["on_time"]["score"] == "0.00" and card.breakdown["accept_rate"]["value"] == "0.7500"
    assert SupplierScorecard.objects.filter(supplier=supplier).count() == 1

    # The ML service's score for January joins the weighted mean (60 % weight after renormalising).
    services.scorecard_criteria_set(
        weights={"on_time": Decimal("20"), "accept_rate": Decimal("20"), "ml_score": Decimal("60")}
    )
    services.supplier_set_ml_score(supplier=supplier, period=date(2024, 1, 31), score=Decimal("80"))
    card.refresh_from_db()
    assert card.score == Decimal("63.00")  # (0 × 20 + 75 × 20 + 80 × 60) / 100
    assert card.standing == Standing.AVERAGE


def test_price_variance_and_lead_time_variability(approved_order, supplier, yarn, warehouse, manager):
    services.scorecard_criteria_set(weights={"price_variance": Decimal("50"), "lead_time_variability": Decimal("50")})
    order = approved_order(
        order_date=date(2024, 5, 1),
        expected_date=date(2024, 5, 20),
        lines=[{"material": yarn, "qty": 1000, "unit_price": Decimal("4.40")}],
    )
    receive(order, qty=500, on=date(2024, 5, 11))  # 10 days
    receive(order, qty=500, on=date(2024, 5, 31))  # 30 days: mean 20, sample σ 14.142 → CV 0.7071
    card = services.scorecard_compute(supplier=supplier, period_from=date(2024, 5, 1), period_to=date(2024, 5, 1))
    card = card.computed[0]
    assert card.breakdown["price_variance"]["value"] == "0.1000"  # paid 10 % over the price list
    assert card.breakdown["price_variance"]["score"] == "50.00"
    assert card.breakdown["lead_time_variability"]["value"] == "0.7071"
    assert card.score == Decimal("39.65")  # (50 + 29.29) / 2


def test_ml_score_is_validated(supplier):
    with pytest.raises(InvalidInput):
        services.supplier_set_ml_score(supplier=supplier, period=date(2024, 1, 1), score=101)


# --- registered with inventory -------------------------------------------------------------------------
def test_open_po_quantities_are_on_order_for_inventory(approved_order, yarn, fabric, warehouse):
    order = approved_order()
    receive(order, qty=400)
    on_order = incoming_by_source([yarn.pk, fabric.pk], warehouse.pk)[ON_ORDER]
    assert on_order == {yarn.pk: Decimal("600"), fabric.pk: Decimal("300")}
    assert incoming_by_source([yarn.pk], warehouse.pk + 1000)[ON_ORDER] == {}


def test_trace_annotation_names_receipt_po_and_supplier(approved_order, supplier):
    order = approved_order()
    receipt = receive(order, qty=400)
    lot = receipt.lines.get().lot
    info = annotate_lots([lot.pk])[lot.pk]
    assert info["receipt"]["number"] == receipt.number
    assert info["purchase_order"] == {"id": order.pk, "number": order.number, "line_no": 1}
    assert info["supplier"]["code"] == supplier.code


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_storekeepers_at_once_cannot_over_receive_together(approved_order):
    """Each receipt alone fits the tolerance; together they do not. The PO row lock lets one through."""
    order = approved_order()
    barrier = threading.Barrier(2)
    outcomes = []

    def receive_600():
        try:
            barrier.wait()
            receive(order, qty=600)
            outcomes.append("ok")
        except BusinessRuleViolation as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=receive_600) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "over_receipt"]
    assert GoodsReceipt.objects.filter(purchase_order=order).count() == 1
    assert order.lines.get(line_no=1).qty_received == 600
