"""The posting service's rules: FIFO value, shortfalls, QC status, reservations, reversal, append-only."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.errors import BusinessRuleViolation, InvalidInput, StockShortfall
from inventory import services
from inventory.invariants import stock_invariant_violations
from inventory.models import CostLayer, GenealogyEdge, MoveReason, QCStatus, Roll, StockBalance, StockMove
from inventory.services import Document, StockLine

from .conftest import balance, ledger_snapshot

pytestmark = pytest.mark.django_db


def receive(lot, location, qty, cost, roll=None, document=None):
    return services.stock_receive(
        lines=[StockLine(lot=lot, location=location, qty=D(qty), unit_cost=D(cost), roll=roll)],
        document=document or services.NO_DOCUMENT,
    )


# --- FIFO valuation -----------------------------------------------------------------------------
def test_issue_takes_the_oldest_layers_first(yarn, stores, make_lot):
    lot = make_lot(yarn)
    receive(lot, stores, "10", "2")
    receive(lot, stores, "10", "4")
    [move] = services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("12"))])
    assert move.value == D("-28")  # 10 × 2 + 2 × 4
    assert move.unit_cost == D("2.333333")
    b = balance(lot, stores)
    assert (b.on_hand, b.value) == (D("8"), D("32"))


def test_transfer_carries_the_fifo_value_it_took(yarn, stores, stores2, make_lot):
    lot = make_lot(yarn)
    receive(lot, stores, "10", "2")
    receive(lot, stores, "10", "4")
    out, into = services.stock_transfer(lines=[StockLine(lot=lot, location=stores, qty=D("15"))], to_location=stores2)
    assert out.value == D("-40") and into.value == D("40")
    assert out.posting == into.posting
    # The destination keeps both costs in FIFO order: issuing 12 there costs 10 × 2 + 2 × 4.
    [issue] = services.stock_issue(lines=[StockLine(lot=lot, location=stores2, qty=D("12"))])
    assert issue.value == D("-28")
    assert balance(lot, stores).value == D("20")
    assert not stock_invariant_violations()


def test_value_returns_to_exactly_zero_when_stock_does(yarn, stores, make_lot):
    lot = make_lot(yarn)
    receive(lot, stores, "3", "1")  # 3 × 1/3 would not add up by rounding qty × cost
    services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("1"))])
    services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("1"))])
    services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("1"))])
    assert balance(lot, stores).value == 0
    lot2 = make_lot(yarn)
    receive(lot2, stores, "3", "0.333333")
    for _ in range(3):
        services.stock_issue(lines=[StockLine(lot=lot2, location=stores, qty=D("1"))])
    b = balance(lot2, stores)
    assert (b.on_hand, b.value) == (0, 0)


def test_reversal_of_an_issue_restores_its_value(yarn, stores, make_lot):
    lot = make_lot(yarn)
    receive(lot, stores, "10", "2")
    receive(lot, stores, "10", "4")
    doc = Document("production.workorder", "7", "WO-7")
    services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("12"))], document=doc)
    [back] = services.stock_reverse(document=doc)
    assert back.qty == D("12") and back.value == D("28") and back.reason == MoveReason.REVERSAL
    b = balance(lot, stores)
    assert (b.on_hand, b.value) == (D("20"), D("60"))
    assert services.stock_reverse(document=doc) == []  # already reversed: nothing more
    assert not stock_invariant_violations()


def test_reversal_of_a_receipt_takes_its_own_layer(yarn, stores, make_lot):
    lot = make_lot(yarn)
    receive(lot, stores, "10", "2")
    grn = Document("procurement.receipt", "3", "GRN-3")
    receive(lot, stores, "5", "7", document=grn)
    [back] = services.stock_reverse(document=grn)
    assert back.value == D("-35")  # its own layer at 7, not the oldest at 2
    assert balance(lot, stores).value == D("20")


def test_reversal_of_a_transfer_moves_the_value_back(yarn, stores, stores2, make_lot):
    lot = make_lot(yarn)
    receive(lot, stores, "10", "2")
    receive(lot, stores, "10", "4")
    doc = Document("inventory.transfer", "9")
    services.stock_transfer(lines=[StockLine(lot=lot, location=stores, qty=D("15"))], to_location=stores2, document=doc)
    services.stock_reverse(document=doc)
    assert (balance(lot, stores).on_hand, balance(lot, stores).value) == (D("20"), D("60"))
    assert (balance(lot, stores2).on_hand, balance(lot, stores2).value) == (0, 0)
    assert not stock_invariant_violations()


def test_reversal_short_of_stock_is_refused_whole(yarn, stores, make_lot):
    lot = make_lot(yarn)
    grn = Document("procurement.receipt", "4")
    receive(lot, stores, "10", "2", document=grn)
    services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("4"))])
    before = ledger_snapshot()
    with pytest.raises(StockShortfall):
        services.stock_reverse(document=grn)
    assert ledger_snapshot() == before


# --- shortfalls and validation ------------------------------------------------------------------
def test_every_shortfall_is_reported_at_once_and_nothing_is_written(yarn, stores, make_lot):
    a = make_lot(yarn, location=stores, qty="5")
    b = make_lot(yarn, location=stores, qty="100")
    c = make_lot(yarn, location=stores, qty="1")
    before = ledger_snapshot()
    with pytest.raises(StockShortfall) as caught:
        services.stock_issue(
            lines=[
                StockLine(lot=a, location=stores, qty=D("6")),
                StockLine(lot=b, location=stores, qty=D("10")),
                StockLine(lot=c, location=stores, qty=D("2")),
            ]
        )
    assert set(caught.value.fields) == {"lines.0.qty", "lines.2.qty"}
    assert "5" in caught.value.fields["lines.0.qty"][0]
    assert ledger_snapshot() == before


def test_two_lines_on_one_key_are_judged_together(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    with pytest.raises(StockShortfall):
        services.stock_issue(
            lines=[StockLine(lot=lot, location=stores, qty=D("6")), StockLine(lot=lot, location=stores, qty=D("6"))]
        )
    assert balance(lot, stores).on_hand == D("10")


@pytest.mark.parametrize("qty", ["0", "-1", "abc", "NaN", "1.00001"])
def test_bad_quantities_are_400(yarn, stores, make_lot, qty):
    lot = make_lot(yarn, location=stores, qty="10")
    before = ledger_snapshot()
    with pytest.raises(InvalidInput) as caught:
        services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=qty)])
    assert "lines.0.qty" in caught.value.fields
    assert ledger_snapshot() == before


def test_fabric_needs_its_roll(fabric, stores, make_lot):
    lot = make_lot(fabric)
    with pytest.raises(InvalidInput) as caught:
        services.stock_receive(lines=[StockLine(lot=lot, location=stores, qty=D("10"))])
    assert caught.value.fields == {"lines.0.roll": ["required for fabric"]}


@pytest.mark.parametrize("status", [QCStatus.QUARANTINE, QCStatus.ON_HOLD, QCStatus.REJECTED])
def test_only_released_stock_is_issued(yarn, stores, make_lot, status):
    lot = make_lot(yarn, location=stores, qty="10", status=status)
    with pytest.raises(BusinessRuleViolation) as caught:
        services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("1"))])
    assert caught.value.code == "lot_not_released"
    assert list(caught.value.fields) == ["lines.0.lot"]


def test_status_is_read_fresh_not_from_the_callers_copy(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    stale = type(lot).objects.get(pk=lot.pk)
    services.lot_set_qc_status(lot=lot, status=QCStatus.ON_HOLD)
    with pytest.raises(BusinessRuleViolation):
        services.stock_issue(lines=[StockLine(lot=stale, location=stores, qty=D("1"))])


# --- reservations -------------------------------------------------------------------------------
def test_reserved_stock_cannot_be_issued_by_others(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    services.stock_reserve(lines=[StockLine(lot=lot, location=stores, qty=D("7"))])
    b = balance(lot, stores)
    assert (b.on_hand, b.reserved, b.available) == (D("10"), D("7"), D("3"))
    with pytest.raises(StockShortfall) as caught:
        services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("4"))])
    assert "3 available" in caught.value.fields["lines.0.qty"][0]
    with pytest.raises(StockShortfall):
        services.stock_reserve(lines=[StockLine(lot=lot, location=stores, qty=D("4"))])
    # The holder ships from its reservation.
    services.stock_issue(lines=[StockLine(lot=lot, location=stores, qty=D("7"))], from_reserved=True)
    b = balance(lot, stores)
    assert (b.on_hand, b.reserved) == (D("3"), D("0"))


def test_unreserve_releases_at_most_what_is_reserved(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    services.stock_reserve(lines=[StockLine(lot=lot, location=stores, qty=D("5"))])
    with pytest.raises(StockShortfall) as caught:
        services.stock_unreserve(lines=[StockLine(lot=lot, location=stores, qty=D("6"))])
    assert "only 5" in caught.value.fields["lines.0.qty"][0]
    services.stock_unreserve(lines=[StockLine(lot=lot, location=stores, qty=D("5"))])
    assert balance(lot, stores).reserved == 0
    assert not StockMove.objects.filter(reason=MoveReason.ISSUE).exists()  # reservations move nothing


# --- adjustments --------------------------------------------------------------------------------
def test_adjust_needs_a_reason(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    before = ledger_snapshot()
    with pytest.raises(InvalidInput) as caught:
        services.stock_adjust(lines=[StockLine(lot=lot, location=stores, qty=D("-1"))], note="  ")
    assert "note" in caught.value.fields
    assert ledger_snapshot() == before


def test_adjust_gains_at_their_cost_and_losses_at_fifo(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10", unit_cost="2")
    [gain] = services.stock_adjust(
        lines=[StockLine(lot=lot, location=stores, qty=D("2"), unit_cost=D("5"))], note="found in the bay"
    )
    assert gain.value == D("10")
    [loss] = services.stock_adjust(lines=[StockLine(lot=lot, location=stores, qty=D("-11"))], note="water damage")
    assert loss.value == D("-25")
    with pytest.raises(StockShortfall):
        services.stock_adjust(lines=[StockLine(lot=lot, location=stores, qty=D("-2"))], note="more damage")


# --- append-only --------------------------------------------------------------------------------
def test_moves_are_never_edited_or_deleted(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    move = StockMove.objects.get(lot=lot)
    move.qty = D("99")
    with pytest.raises(ValueError):
        move.save()
    with pytest.raises(ValueError):
        move.delete()
    assert StockMove.objects.get(pk=move.pk).qty == D("10")


# --- QC release ---------------------------------------------------------------------------------
def test_release_moves_quarantine_stock_to_stores(yarn, stores, quarantine, make_lot):
    lot = make_lot(yarn, location=quarantine, qty="10", unit_cost="3", status=QCStatus.QUARANTINE)
    with pytest.raises(InvalidInput) as caught:
        services.lot_set_qc_status(lot=lot, status=QCStatus.RELEASED)
    assert "release_to" in caught.value.fields
    lot = services.lot_set_qc_status(lot=lot, status=QCStatus.RELEASED, release_to=stores)
    assert lot.qc_status == QCStatus.RELEASED and lot.version == 2
    assert (balance(lot, quarantine).on_hand, balance(lot, stores).on_hand) == (0, D("10"))
    assert balance(lot, stores).value == D("30")


def test_rejected_is_final(yarn, make_lot):
    lot = make_lot(yarn, status=QCStatus.QUARANTINE)
    services.lot_set_qc_status(lot=lot, status=QCStatus.REJECTED)
    with pytest.raises(BusinessRuleViolation):
        services.lot_set_qc_status(lot=lot, status=QCStatus.RELEASED)


# --- rolls --------------------------------------------------------------------------------------
def test_roll_weight_follows_its_own_gsm_and_width(fabric, make_lot):
    lot = make_lot(fabric)
    roll = services.roll_create(lot=lot, length_m=D("100"), gsm=D("200"), width_cm=D("160"))
    assert roll.weight_kg == D("32.000")  # 100 × 1.6 × 200 / 1000


def test_cut_makes_pieces_with_genealogy_and_stock(fabric, stores, make_lot, make_roll):
    lot = make_lot(fabric)
    roll = make_roll(lot, "100", location=stores, unit_cost="3")
    pieces = services.roll_cut(roll=roll, lengths=[D("30"), D("20")])
    assert [p.length_m for p in pieces] == [D("30"), D("20")]
    assert all(p.parent_id == roll.pk and p.gsm == roll.gsm for p in pieces)
    assert balance(lot, stores, roll).on_hand == D("50")
    assert balance(lot, stores, pieces[0]).value == D("90")
    edges = GenealogyEdge.objects.filter(parent_roll=roll).order_by("id")
    assert [(e.child_roll_id, e.qty) for e in edges] == [(pieces[0].pk, D("30")), (pieces[1].pk, D("20"))]
    with pytest.raises(StockShortfall):
        services.roll_cut(roll=roll, lengths=[D("51")])
    assert Roll.objects.filter(parent=roll).count() == 2
    assert not stock_invariant_violations()


# --- invariants ---------------------------------------------------------------------------------
def test_invariant_check_finds_a_tampered_balance(yarn, stores, make_lot):
    lot = make_lot(yarn, location=stores, qty="10")
    call_command("check_stock_invariants")
    StockBalance.objects.filter(lot=lot).update(on_hand=D("11"))
    CostLayer.objects.filter(lot=lot).update(value_remaining=D("1"))
    problems = stock_invariant_violations()
    assert any("ledger sums to 10" in p for p in problems)
    assert any("FIFO layers hold 10" in p for p in problems)
    assert any("FIFO layers are worth 1" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("check_stock_invariants")


# --- several at once (a production output) -------------------------------------------------------
def test_rolls_of_one_output_are_made_together_in_the_code_sequence(fabric, yarn, make_lot):
    from auditlog.models import LogEntry

    lot = make_lot(fabric)
    first = services.roll_create(lot=lot, length_m=D("10"))
    made = services.rolls_create(
        lot=lot, rolls=[{"length_m": D("100")}, {"length_m": D("50"), "gsm": D("200"), "width_cm": D("160")}]
    )
    stamp, number = first.code.rsplit("-", 1)
    assert [r.code for r in made] == [f"{stamp}-{int(number) + 1:06d}", f"{stamp}-{int(number) + 2:06d}"]
    assert all(r.pk for r in made)
    # Weight from GSM and width: 100 m × 1.5 m × 180 g = 27 kg; 50 m × 1.6 m × 200 g = 16 kg.
    assert [
        (r.weight_kg, r.gsm, r.width_cm) for r in Roll.objects.filter(pk__in=[r.pk for r in made]).order_by("pk")
    ] == [
        (D("27.000"), D("180"), D("150")),
        (D("16.000"), D("200"), D("160")),
    ]
    # Written in one insert, yet each roll is in the audit trail.
    assert LogEntry.objects.filter(content_type__model="roll", object_pk__in=[str(r.pk) for r in made]).count() == 2

    with pytest.raises(InvalidInput) as bad:
        services.rolls_create(lot=lot, rolls=[{"length_m": D("5")}, {"length_m": D("-1")}])
    assert "rolls.1.length_m" in bad.value.fields
    with pytest.raises(InvalidInput):
        services.rolls_create(lot=make_lot(yarn), rolls=[{"length_m": D("5")}])
    assert Roll.objects.filter(lot=lot).count() == 3


def test_genealogy_edges_of_one_posting_in_one_call(fabric, yarn, make_lot):
    yarn_a, yarn_b, out = make_lot(yarn), make_lot(yarn), make_lot(fabric)
    document = Document("production.workorder", "7", "WO-000007")
    services.genealogy_record_many(
        edges=[services.Edge(yarn_a, out, D("12.5")), services.Edge(yarn_b, out, D("3"))], document=document
    )
    assert sorted(
        GenealogyEdge.objects.filter(child_lot=out).values_list("parent_lot__code", "qty", "document_id")
    ) == sorted([(yarn_a.code, D("12.5"), "7"), (yarn_b.code, D("3"), "7")])
    with pytest.raises(InvalidInput) as bad:
        services.genealogy_record_many(edges=[services.Edge(yarn_a, out, D("1")), services.Edge(out, out, D("1"))])
    assert "edges.1.parent_lot" in bad.value.fields
    assert GenealogyEdge.objects.filter(child_lot=out).count() == 2


def test_quality_marks_of_several_rolls_in_one_statement(fabric, make_lot):
    lot = make_lot(fabric)
    rolls = services.rolls_create(lot=lot, rolls=[{"length_m": D("100")}, {"length_m": D("90")}])
    services.rolls_record_quality(
        marks=[(rolls[0], {"points": 4, "grade": "first"}), (rolls[1], {"points": 70, "grade": "second"})]
    )
    assert list(Roll.objects.filter(lot=lot).order_by("pk").values_list("points", "grade", "version")) == [
        (4, "first", 2),
        (70, "second", 2),
    ]
    with pytest.raises(InvalidInput):
        services.rolls_record_quality(marks=[(rolls[0], {"length_m": D("1")})])
