"""Stock posted inside `core.clock.posting_time` carries the business date, not the wall clock."""

from datetime import UTC, datetime
from decimal import Decimal

from core import clock
from inventory import services
from inventory.models import GenealogyEdge, LotOrigin, QCStatus, StockMove
from inventory.services import StockLine


def test_moves_lots_and_edges_take_the_posting_time(yarn, stores, quarantine):
    at = datetime(2023, 2, 14, 9, 0, tzinfo=UTC)
    with clock.posting_time(at):
        lot = services.lot_create(material=yarn, origin=LotOrigin.RECEIPT)
        services.stock_receive(lines=[StockLine(lot=lot, location=quarantine, qty=Decimal("10"))])
        services.lot_set_qc_status(lot=lot, status=QCStatus.RELEASED, release_to=stores, note="passed")
        child = services.lot_create(material=yarn, origin=LotOrigin.PRODUCTION)
        services.genealogy_record(parent_lot=lot, child_lot=child, qty=Decimal("1"))
    assert lot.code.startswith("L2302-")
    assert lot.received_at == at
    assert child.produced_at == at
    assert set(StockMove.objects.filter(lot=lot).values_list("created_at", flat=True)) == {at}
    assert GenealogyEdge.objects.get(child_lot=child).created_at == at
    lot.refresh_from_db()
    assert "2023-02-14 released: passed" in lot.notes


def test_without_a_posting_time_moves_are_stamped_now(yarn, stores):
    lot = services.lot_create(material=yarn, origin=LotOrigin.OPENING, qc_status=QCStatus.RELEASED)
    (move,) = services.stock_receive(lines=[StockLine(lot=lot, location=stores, qty=Decimal("1"))])
    assert move.created_at.year == datetime.now(UTC).year
    assert move.created_at == StockMove.objects.get(pk=move.pk).created_at
