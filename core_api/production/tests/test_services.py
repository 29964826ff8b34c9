from decimal import Decimal

import pytest

from core.errors import BusinessRuleViolation, Conflict, InvalidInput, StockShortfall
from inventory.models import GenealogyEdge, Lot, MoveReason, QCStatus, Roll, StockBalance, StockMove
from inventory.supply import incoming_by_source
from inventory.trace import trace
from inventory.units import fabric_kg_from_m
from production import selectors, services
from production.formulas import greige_requirement
from production.models import Consumption, Output, Reservation, WorkOrderStatus

from .factories import receive, receive_rolls

# Unit costs carry 4 decimals, so a roll of a few hundred metres may round by a few cents.
CENT = Decimal("0.1")


def on_hand(lot, location=None):
    rows = StockBalance.objects.filter(lot=lot)
    if location is not None:
        rows = rows.filter(location=location)
    return sum((b.on_hand for b in rows), Decimal(0))


def value_of(lot):
    return sum((b.value for b in StockBalance.objects.filter(lot=lot)), Decimal(0))


def knit(mill, planned="1000", rolls=(330, 330, 330), yarn_cost="2.50"):
    """A knitting work order run end to end on a fresh 400 kg yarn lot."""
    yarn_lot = receive(mill.yarn, mill.stores, "400", yarn_cost)
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=Decimal(planned), source_location=mill.stores, output_location=mill.floor
    )
    services.work_order_release(work_order=wo)
    services.work_order_issue(work_order=wo)
    output = services.work_order_output(work_order=wo, rolls=[{"length_m": r} for r in rolls])
    services.work_order_complete(work_order=wo)
    wo.refresh_from_db()
    return wo, yarn_lot, output


# --- BOMs -----------------------------------------------------------------------------------------
def test_multi_level_explosion_grosses_up_every_stage(mill):
    rows = {(r.level, r.material.code): r.qty for r in services.bom_explode(product=mill.finished, qty=1000)}
    dyed = Decimal(1000) / Decimal("0.97")
    greige = dyed / Decimal("0.95")
    assert rows[(1, "D175")] == pytest.approx(dyed)
    assert rows[(2, "G180")] == pytest.approx(greige)
    # 2 % dye on the weight of the dyed fabric (its nominal GSM and width).
    assert rows[(2, "NAVY-DYE")] == pytest.approx(Decimal("0.02") * fabric_kg_from_m(dyed, 172, 175))
    # Yarn: the greige's weight grossed up by the knitting loss of 4 %.
    assert rows[(3, "Y30")] == pytest.approx(fabric_kg_from_m(greige, 180, 180) / Decimal("0.96"))
    assert services.greige_required(product=mill.finished, qty=1000) == pytest.approx(greige_requirement(1000, [3, 5]))


def test_a_bom_cannot_make_a_material_from_itself(mill):
    with pytest.raises(Conflict):  # the yarn is not made here, but the greige already has an active BOM
        services.bom_create(
            code="LOOP",
            product=mill.greige,
            stage="knitting",
            components=[{"material": mill.finished, "qty_per_unit": 1}],
        )
    mill.knit_bom.is_active = False
    mill.knit_bom.save()
    with pytest.raises(BusinessRuleViolation) as refused:
        services.bom_create(
            code="LOOP",
            product=mill.greige,
            stage="knitting",
            components=[{"material": mill.finished, "qty_per_unit": 1}],
        )
    assert refused.value.code == "bom_cycle"


# --- work orders ----------------------------------------------------------------------------------
def test_knitting_work_order_end_to_end(mill):
    wo, yarn_lot, output = knit(mill)
    need = fabric_kg_from_m(1000, 180, 180) / Decimal("0.96")  # 337.5 kg of yarn
    assert wo.status == WorkOrderStatus.COMPLETED
    assert [e.to_status for e in wo.log.all()] == ["draft", "released", "in_progress", "completed"]
    assert on_hand(yarn_lot) == Decimal(400) - need
    assert StockMove.objects.filter(lot=yarn_lot, reason=MoveReason.PRODUCTION_ISSUE).count() == 1
    # Nothing stays reserved once the reservation has been issued.
    assert sum(b.reserved for b in StockBalance.objects.filter(lot=yarn_lot)) == 0

    out_kg = fabric_kg_from_m(990, 180, 180)  # 320.76 kg of greige from three 330 m rolls
    assert wo.input_kg == need and wo.output_kg == out_kg
    assert wo.process_loss_pct == pytest.approx((need - out_kg) / need * 100, abs=Decimal("0.0001"))
    lot = output.lot
    assert lot.origin == "production" and lot.qc_status == QCStatus.RELEASED
    assert Roll.objects.filter(lot=lot).count() == 3 and on_hand(lot, mill.floor) == 990
    # Valued at the FIFO cost of the yarn consumed plus the stage's conversion cost.
    expected = need * Decimal("2.50") + 990 * Decimal("0.20")
    assert value_of(lot) == pytest.approx(expected, abs=CENT)
    assert output.value == value_of(lot)
    edge = GenealogyEdge.objects.get(child_lot=lot)
    assert (edge.parent_lot, edge.qty, edge.document_id) == (yarn_lot, need, str(wo.pk))


def test_issuing_beyond_the_bom_tolerance_is_refused_and_writes_nothing(mill):
    yarn_lot = receive(mill.yarn, mill.stores, "400")
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=1000, source_location=mill.stores, output_location=mill.floor
    )
    services.work_order_release(work_order=wo, strategy="none")
    before = StockMove.objects.count()
    # 337.5 kg needed, +5 % tolerance = 354.375 kg.
    line = {"lot": yarn_lot, "location": mill.stores, "qty": Decimal("355")}
    with pytest.raises(BusinessRuleViolation) as refused:
        services.work_order_issue(work_order=wo, lines=[line])
    assert refused.value.code == "over_issue" and "lines.0.qty" in refused.value.fields
    assert StockMove.objects.count() == before and not Consumption.objects.exists()
    services.work_order_issue(work_order=wo, lines=[{**line, "qty": Decimal("354")}])
    with pytest.raises(BusinessRuleViolation):  # cumulative: a second small issue goes over
        services.work_order_issue(work_order=wo, lines=[{**line, "qty": Decimal("1")}])


def test_output_heavier_than_its_input_is_refused_and_writes_nothing(mill):
    receive(mill.yarn, mill.stores, "400")
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=1000, source_location=mill.stores, output_location=mill.floor
    )
    services.work_order_release(work_order=wo)
    services.work_order_issue(work_order=wo)
    lots = Lot.objects.count()
    with pytest.raises(BusinessRuleViolation) as refused:  # 1100 m = 356.4 kg > 337.5 kg of yarn
        services.work_order_output(work_order=wo, rolls=[{"length_m": 550}, {"length_m": 550}])
    assert refused.value.code == "output_exceeds_input" and "rolls" in refused.value.fields
    assert Lot.objects.count() == lots and not Output.objects.exists()
    assert Consumption.objects.get().attributed_qty == 0


def test_release_reports_every_short_component_and_reserves_nothing(mill):
    greige_lot, _ = receive_rolls(mill.greige, mill.stores, [100])
    wo = services.work_order_create(
        bom=mill.dye_bom, planned_qty=500, source_location=mill.stores, output_location=mill.floor
    )
    with pytest.raises(StockShortfall) as short:
        services.work_order_release(work_order=wo)
    assert set(short.value.fields) == {"components.G180", "components.NAVY-DYE"}
    assert not Reservation.objects.exists()
    assert sum(b.reserved for b in StockBalance.objects.filter(lot=greige_lot)) == 0
    wo.refresh_from_db()
    assert wo.status == WorkOrderStatus.DRAFT


def test_same_dye_lot_reserves_from_one_lot_and_cancel_gives_it_back(mill):
    receive_rolls(mill.greige, mill.stores, [60, 60])  # 120 m: enough only together with the next lot
    big, _ = receive_rolls(mill.greige, mill.stores, [80, 80])
    receive(mill.dye, mill.stores, "10")
    wo = services.work_order_create(
        bom=mill.dye_bom, planned_qty=140, source_location=mill.stores, output_location=mill.floor
    )
    services.work_order_release(work_order=wo, strategy="same_dye_lot")
    greige_lots = {r.lot_id for r in wo.reservations.all() if r.lot.material_id == mill.greige.pk}
    assert greige_lots == {big.pk}
    assert sum(b.reserved for b in StockBalance.objects.filter(lot=big)) == pytest.approx(
        Decimal(140) / Decimal("0.95"), abs=CENT
    )
    services.work_order_cancel(work_order=wo)
    assert not StockBalance.objects.filter(reserved__gt=0).exists()
    wo.refresh_from_db()
    assert wo.status == WorkOrderStatus.CANCELLED
    with pytest.raises(BusinessRuleViolation):
        services.work_order_release(work_order=wo)


def test_wrong_transitions_are_refused(mill):
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=10, source_location=mill.stores, output_location=mill.floor
    )
    with pytest.raises(BusinessRuleViolation):
        services.work_order_complete(work_order=wo)
    with pytest.raises(BusinessRuleViolation):
        services.work_order_output(work_order=wo, rolls=[{"length_m": 5}])
    with pytest.raises(BusinessRuleViolation):
        services.work_order_close(work_order=wo)


def test_genealogy_through_three_stages(mill):
    _, yarn_lot, knit_output = knit(mill)
    greige_rolls = list(Roll.objects.filter(lot=knit_output.lot))
    receive(mill.dye, mill.stores, "20", "12")
    dye_wo = services.work_order_create(
        bom=mill.dye_bom, planned_qty=900, source_location=mill.floor, output_location=mill.floor
    )
    services.work_order_release(work_order=dye_wo, strategy="none")
    services.work_order_issue(
        work_order=dye_wo,
        lines=[{"lot": r.lot, "roll": r, "location": mill.floor, "qty": r.length_m} for r in greige_rolls]
        + [{"lot": Lot.objects.get(material=mill.dye), "location": mill.stores, "qty": Decimal("5")}],
    )
    dyed = services.work_order_output(work_order=dye_wo, rolls=[{"length_m": 470}, {"length_m": 470}])
    services.work_order_complete(work_order=dye_wo)
    assert dyed.lot.dye_lot == f"{dye_wo.number}-1"

    dyed_rolls = list(Roll.objects.filter(lot=dyed.lot))
    fin_wo = services.work_order_create(
        bom=mill.finish_bom, planned_qty=900, source_location=mill.floor, output_location=mill.quarantine
    )
    services.work_order_release(work_order=fin_wo)
    services.work_order_issue(work_order=fin_wo)
    finished = services.work_order_output(work_order=fin_wo, rolls=[{"length_m": 450}, {"length_m": 455}])
    services.work_order_complete(work_order=fin_wo)
    # Finishing keeps the dye lot; output put into quarantine waits for inspection.
    assert finished.lot.dye_lot == dyed.lot.dye_lot and finished.lot.qc_status == QCStatus.QUARANTINE

    edges = {(e.parent_lot_id, e.parent_roll_id, e.child_lot_id) for e in GenealogyEdge.objects.all()}
    assert (yarn_lot.pk, None, knit_output.lot_id) in edges
    assert {(r.lot_id, r.pk, dyed.lot_id) for r in greige_rolls} <= edges
    assert {
        (r.lot_id, r.pk, finished.lot_id) for r in dyed_rolls if r.pk in {c.roll_id for c in fin_wo.inputs.all()}
    } <= edges

    finished_roll = Roll.objects.filter(lot=finished.lot).first()
    up = trace(lot=finished.lot, roll=finished_roll, direction="upstream")
    assert yarn_lot.code in str(up)
    down = trace(lot=yarn_lot, direction="downstream")
    assert finished.lot.code in str(down)

    # Each stage's value is carried into the next: finished stock is worth what went in plus conversion.
    assert value_of(finished.lot) == finished.value > 0
    assert finished.material_value == sum(c.value for c in fin_wo.inputs.all())
    assert finished.value == pytest.approx(finished.material_value + Decimal("905") * Decimal("0.10"), abs=CENT)


def test_process_loss_by_stage_weighs_every_output(mill):
    knit(mill)
    knit(mill, rolls=(300, 300))
    loss = selectors.process_loss_by_stage()["knitting"]
    yarn_in = 2 * fabric_kg_from_m(1000, 180, 180) / Decimal("0.96")
    greige_out = fabric_kg_from_m(1590, 180, 180)
    assert (loss["input_kg"], loss["output_kg"]) == (yarn_in, greige_out)
    assert loss["process_loss_pct"] == pytest.approx((yarn_in - greige_out) / yarn_in * 100)


def test_open_work_orders_count_as_planned_production(mill):
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=1000, source_location=mill.stores, output_location=mill.floor
    )
    assert incoming_by_source([mill.greige.pk])["planned_production"] == {}
    receive(mill.yarn, mill.stores, "400")
    services.work_order_release(work_order=wo)
    assert incoming_by_source([mill.greige.pk])["planned_production"] == {mill.greige.pk: Decimal(1000)}
    services.work_order_issue(work_order=wo)
    services.work_order_output(work_order=wo, rolls=[{"length_m": 300}])
    assert incoming_by_source([mill.greige.pk], mill.floor.warehouse_id)["planned_production"] == {
        mill.greige.pk: Decimal(700)
    }


# --- job work -------------------------------------------------------------------------------------
def test_job_work_issue_receive_return_and_reconcile(mill):
    greige_lot, rolls = receive_rolls(mill.greige, mill.stores, [100, 100, 100], unit_cost="1.00")
    jw = services.job_work_create(
        partner_location=mill.dye_house, output_material=mill.dyed, fee_per_kg=Decimal("0.80")
    )
    services.job_work_issue(
        job_work=jw, lines=[{"lot": greige_lot, "roll": r, "location": mill.stores, "qty": r.length_m} for r in rolls]
    )
    # Still ours, now at the dye house.
    assert on_hand(greige_lot, mill.dye_house) == 300 and on_hand(greige_lot, mill.stores) == 0
    issues = list(jw.issues.all())
    output = services.job_work_receive(
        job_work=jw,
        to_location=mill.stores,
        rolls=[{"length_m": 92}, {"length_m": 92}],
        consumed=[{"issue": issues[0].pk, "qty": 100}, {"issue": issues[1].pk, "qty": 100}],
        dye_lot="BD-7781",
    )
    out_kg = fabric_kg_from_m(184, 172, 175)
    assert output.lot.dye_lot == "BD-7781" and output.kg == out_kg
    assert output.value == pytest.approx(Decimal(200) + Decimal("0.80") * out_kg, abs=CENT)
    assert value_of(output.lot) == output.value
    assert {(e.parent_roll_id, e.qty) for e in GenealogyEdge.objects.filter(child_lot=output.lot)} == {
        (rolls[0].pk, 100),
        (rolls[1].pk, 100),
    }
    jw.refresh_from_db()
    with pytest.raises(BusinessRuleViolation) as refused:
        services.job_work_reconcile(job_work=jw)
    assert refused.value.code == "not_reconciled"
    services.job_work_return(job_work=jw, to_location=mill.stores)
    assert on_hand(greige_lot, mill.stores) == 100 and on_hand(greige_lot, mill.dye_house) == 0
    jw.refresh_from_db()
    services.job_work_reconcile(job_work=jw)
    figures = services.job_work_reconciliation(jw)
    qty = figures["qty"]
    assert (qty["issued"], qty["received"], qty["loss"], qty["returned"], qty["outstanding"]) == (300, 184, 16, 100, 0)
    assert qty["issued"] == qty["received"] + qty["loss"] + qty["returned"]
    assert figures["shrinkage_pct"] == 8
    kg = figures["kg"]
    assert kg["issued"] == kg["received"] + kg["loss"] + kg["returned"]


def test_job_work_output_heavier_than_greige_sent_is_refused(mill):
    greige_lot, rolls = receive_rolls(mill.greige, mill.stores, [100])
    jw = services.job_work_create(partner_location=mill.dye_house, output_material=mill.dyed)
    services.job_work_issue(
        job_work=jw, lines=[{"lot": greige_lot, "roll": rolls[0], "location": mill.stores, "qty": 100}]
    )
    lots = Lot.objects.count()
    with pytest.raises(BusinessRuleViolation) as refused:  # 120 m × 0.301 kg/m > 32.4 kg
        services.job_work_receive(job_work=jw, to_location=mill.stores, rolls=[{"length_m": 120}])
    assert refused.value.code == "output_exceeds_input"
    assert Lot.objects.count() == lots and on_hand(greige_lot, mill.dye_house) == 100


def test_issuing_what_release_reserved_is_one_posting(mill):
    wo, yarn_lot, _ = knit(mill)
    issue_postings = StockMove.objects.filter(document_id=str(wo.pk), reason=MoveReason.PRODUCTION_ISSUE)
    assert issue_postings.values("posting").distinct().count() == 1
    assert not Reservation.objects.filter(work_order=wo, open_qty__gt=0).exists()


def test_issue_picks_fifo_from_free_stock_in_one_posting_without_reserving(mill):
    old = receive(mill.yarn, mill.stores, "200", "2.00")
    new = receive(mill.yarn, mill.stores, "400", "3.00")
    held = receive(mill.yarn, mill.stores, "500", status=QCStatus.QUARANTINE)
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=1000, source_location=mill.stores, output_location=mill.floor
    )
    services.work_order_release(work_order=wo, strategy="none")
    wo = services.work_order_issue(work_order=wo, strategy="fifo")
    need = fabric_kg_from_m(1000, 180, 180) / Decimal("0.96")  # 337.5 kg
    # The oldest released lot first, then the next; the quarantined lot is not touched.
    assert on_hand(old) == 0 and on_hand(new) == Decimal(400) - (need - 200) and on_hand(held) == 500
    moves = StockMove.objects.filter(document_id=str(wo.pk))
    assert {m.reason for m in moves} == {MoveReason.PRODUCTION_ISSUE}
    assert moves.values("posting").distinct().count() == 1
    assert not Reservation.objects.filter(work_order=wo).exists()
    assert not StockBalance.objects.filter(reserved__gt=0).exists()
    assert wo.status == WorkOrderStatus.IN_PROGRESS and wo.input_kg == need
    assert wo.input_value == pytest.approx(200 * Decimal("2.00") + (need - 200) * Decimal("3.00"), abs=CENT)


def test_issue_by_strategy_short_of_stock_issues_nothing(mill):
    receive_rolls(mill.greige, mill.stores, [100])
    wo = services.work_order_create(
        bom=mill.dye_bom, planned_qty=500, source_location=mill.stores, output_location=mill.floor
    )
    services.work_order_release(work_order=wo, strategy="none")
    moves = StockMove.objects.count()
    with pytest.raises(StockShortfall) as short:
        services.work_order_issue(work_order=wo, strategy="fifo")
    assert set(short.value.fields) == {"components.G180", "components.NAVY-DYE"}
    assert "nothing was issued" in str(short.value)
    assert StockMove.objects.count() == moves and not Consumption.objects.exists()
    wo.refresh_from_db()
    assert wo.status == WorkOrderStatus.RELEASED
    with pytest.raises(InvalidInput) as bad:
        services.work_order_issue(work_order=wo, strategy="cheapest")
    assert "strategy" in bad.value.fields


def test_a_work_order_runs_on_an_active_machine_of_its_stage(mill):
    knitter = services.machine_create(code="CK-01", name="Circular knitter 1", stage="knitting")
    stenter = services.machine_create(code="ST-01", name="Stenter 1", stage="finishing")
    wo = services.work_order_create(
        bom=mill.knit_bom, planned_qty=100, source_location=mill.stores, output_location=mill.floor, machine=knitter
    )
    assert wo.machine == knitter and list(knitter.work_orders.all()) == [wo]
    with pytest.raises(BusinessRuleViolation) as wrong:
        services.work_order_update(work_order=wo, machine=stenter)
    assert wrong.value.code == "wrong_machine_stage" and "machine" in wrong.value.fields
    stenter = services.machine_update(machine=stenter, is_active=False)
    with pytest.raises(BusinessRuleViolation) as inactive:
        services.work_order_create(
            bom=mill.finish_bom, planned_qty=100, source_location=mill.floor, output_location=mill.fg, machine=stenter
        )
    assert inactive.value.code == "machine_inactive"
    # A machine that has run work cannot move to another stage; its history would change meaning.
    with pytest.raises(BusinessRuleViolation):
        services.machine_update(machine=knitter, stage="weaving")
