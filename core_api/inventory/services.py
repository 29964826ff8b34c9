"""The one inventory service: every stock mutation in Weft goes through `_post`.

It locks the balance rows it touches in key order (no deadlocks between concurrent postings),
checks every line (reporting all shortfalls in one 409), writes moves, balances and FIFO layers in
one transaction, and never edits a move. Public functions are thin, named `<entity>_<verb>`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import BusinessRuleViolation, InvalidInput, StockShortfall

from .models import (
    CostLayer,
    GenealogyEdge,
    Location,
    LocationKind,
    Lot,
    LotOrigin,
    Material,
    MoveReason,
    QCStatus,
    Roll,
    StockBalance,
    StockMove,
)
from .units import fabric_kg_from_m

VALUE_Q = Decimal("0.0001")
COST_Q = Decimal("0.000001")


class Document(NamedTuple):
    """The business document behind a posting, e.g. Document("procurement.receipt", "17", "GRN-000017")."""

    type: str
    id: str = ""
    ref: str = ""


NO_DOCUMENT = Document("")


@dataclass
class StockLine:
    """One line of a posting. `qty` is a positive magnitude except in `stock_adjust` (signed)."""

    lot: Lot
    location: Location
    qty: Decimal
    roll: Roll | None = None
    unit_cost: Decimal | None = None  # incoming stock only; defaults to the material's standard cost


@dataclass
class _Change:
    line_no: int
    lot: Lot
    roll: Roll | None
    location: Location
    qty: Decimal = Decimal("0")  # signed change of on_hand
    reserved: Decimal = Decimal("0")  # signed change of reserved
    unit_cost: Decimal | None = None
    layers_in: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # transferred FIFO layers
    reason: str = MoveReason.ADJUSTMENT

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.lot.pk, self.roll.pk if self.roll else 0, self.location.pk)


def _money(value: Decimal) -> Decimal:
    return value.quantize(VALUE_Q, rounding=ROUND_HALF_UP)


def _label(change: _Change) -> str:
    what = change.roll.code if change.roll else change.lot.code
    return f"{what} at {change.location.code}"


def _positive(qty, line_no: int) -> Decimal:
    try:
        value = Decimal(str(qty))
    except Exception:
        raise InvalidInput("Quantity must be a number.", fields={f"lines.{line_no}.qty": ["must be a number"]})
    if not value.is_finite() or value <= 0:
        raise InvalidInput(
            "Quantities must be greater than zero.", fields={f"lines.{line_no}.qty": ["must be greater than zero"]}
        )
    return value


def _check_line(line: StockLine, line_no: int) -> None:
    material = line.lot.material
    if line.roll is not None and line.roll.lot_id != line.lot.pk:
        raise InvalidInput(
            f"Roll {line.roll.code} does not belong to lot {line.lot.code}.",
            fields={f"lines.{line_no}.roll": ["not a roll of this lot"]},
        )
    if material.is_fabric and line.roll is None:
        raise InvalidInput(
            f"{material.code} is fabric: stock is kept per roll, name the roll.",
            fields={f"lines.{line_no}.roll": ["required for fabric"]},
        )


def _lock_balances(changes: list[_Change]) -> dict[tuple[int, int, int], StockBalance]:
    """Create missing balance rows, then lock every touched row in key order."""
    keys = sorted({c.key for c in changes})
    by_key = {c.key: c for c in changes}
    for key in keys:
        change = by_key[key]
        lookup = {"lot_id": key[0], "roll_id": key[1] or None, "location_id": key[2]}
        if not StockBalance.objects.filter(**lookup).exists():
            try:
                with transaction.atomic():
                    StockBalance.objects.create(material_id=change.lot.material_id, **lookup)
            except IntegrityError:
                pass  # a concurrent posting created it first
    locked = {}
    for key in keys:
        balance = StockBalance.objects.select_for_update().get(
            lot_id=key[0], roll_id=key[1] or None, location_id=key[2]
        )
        locked[key] = balance
    return locked


def _consume_layers(balance: StockBalance, qty: Decimal) -> list[tuple[Decimal, Decimal]]:
    """Take `qty` from the key's FIFO layers, oldest first; returns the (qty, unit cost) taken."""
    taken: list[tuple[Decimal, Decimal]] = []
    remaining = qty
    for layer in CostLayer.objects.select_for_update().filter(balance=balance, qty_remaining__gt=0).order_by("id"):
        if remaining <= 0:
            break
        use = min(layer.qty_remaining, remaining)
        layer.qty_remaining -= use
        layer.save(update_fields=["qty_remaining"])
        taken.append((use, layer.unit_cost))
        remaining -= use
    if remaining > 0:
        # Balance and layers disagree: that is a corrupted ledger, never a client error.
        raise RuntimeError(f"FIFO layers of balance {balance.pk} hold less than its on-hand quantity")
    return taken


def _post(
    changes: list[_Change], *, document: Document, user, note: str = "", reverses: dict | None = None
) -> list[StockMove]:
    """Validate and apply `changes` atomically. Raises StockShortfall with every short line."""
    posting = uuid.uuid4()
    moves: list[StockMove] = []
    with transaction.atomic():
        balances = _lock_balances(changes)
        # Net effect per key first, so a posting that takes and gives on one key is judged as a whole.
        net_qty: dict = defaultdict(Decimal)
        net_reserved: dict = defaultdict(Decimal)
        for c in changes:
            net_qty[c.key] += c.qty
            net_reserved[c.key] += c.reserved
        shortfalls: dict[str, list[str]] = {}
        for c in changes:
            balance = balances[c.key]
            new_on_hand = balance.on_hand + net_qty[c.key]
            new_reserved = balance.reserved + net_reserved[c.key]
            if c.qty < 0 and new_on_hand < 0:
                shortfalls[f"lines.{c.line_no}.qty"] = [f"{_label(c)}: {balance.on_hand} on hand, {-c.qty} requested"]
            elif c.reserved < 0 and new_reserved < 0:
                shortfalls[f"lines.{c.line_no}.qty"] = [
                    f"{_label(c)}: only {balance.reserved} reserved, {-c.reserved} to release"
                ]
            elif new_reserved > new_on_hand and (c.qty < 0 or c.reserved > 0):
                free = balance.on_hand - balance.reserved
                asked = -c.qty if c.qty < 0 else c.reserved
                shortfalls[f"lines.{c.line_no}.qty"] = [
                    f"{_label(c)}: {max(free, Decimal(0))} available (on hand less reserved), {asked} requested"
                ]
        if shortfalls:
            raise StockShortfall(
                f"Not enough stock for {len(shortfalls)} line(s); nothing was posted.", fields=shortfalls
            )

        for c in changes:
            balance = balances[c.key]
            if c.qty == 0:
                balance.reserved += c.reserved
                balance.save(update_fields=["reserved", "updated_at"])
                continue
            if c.qty < 0:
                taken = _consume_layers(balance, -c.qty)
                value = -sum((_money(q * cost) for q, cost in taken), Decimal("0"))
                unit_cost = (-value / -c.qty).quantize(COST_Q) if c.qty else Decimal("0")
                c.layers_in = taken
            else:
                layers = c.layers_in or [
                    (c.qty, c.unit_cost if c.unit_cost is not None else c.lot.material.standard_cost)
                ]
                value = sum((_money(q * Decimal(cost)) for q, cost in layers), Decimal("0"))
                unit_cost = (value / c.qty).quantize(COST_Q)
            move = StockMove.objects.create(
                posting=posting,
                material_id=c.lot.material_id,
                lot=c.lot,
                roll=c.roll,
                location=c.location,
                qty=c.qty,
                unit_cost=unit_cost,
                value=value,
                reason=c.reason,
                document_type=document.type,
                document_id=str(document.id),
                document_ref=document.ref,
                note=note[:255],
                reverses=(reverses or {}).get(c.line_no),
                user=user if getattr(user, "is_authenticated", False) else None,
            )
            if c.qty > 0:
                for q, cost in layers:
                    CostLayer.objects.create(
                        lot=c.lot, balance=balance, qty_in=q, qty_remaining=q, unit_cost=Decimal(cost), move=move
                    )
            balance.on_hand += c.qty
            balance.reserved += c.reserved
            balance.value += value
            balance.save(update_fields=["on_hand", "reserved", "value", "updated_at"])
            moves.append(move)
    return moves


def _changes(lines: list[StockLine], sign: int, reason: str, *, reserved_sign: int = 0) -> list[_Change]:
    changes = []
    for i, line in enumerate(lines):
        _check_line(line, i)
        qty = _positive(line.qty, i)
        changes.append(
            _Change(
                line_no=i,
                lot=line.lot,
                roll=line.roll,
                location=line.location,
                qty=sign * qty,
                reserved=reserved_sign * qty,
                unit_cost=line.unit_cost,
                reason=reason,
            )
        )
    if not changes:
        raise InvalidInput("A posting needs at least one line.", fields={"lines": ["at least one line"]})
    return changes


def _require_status(lines: list[StockLine], allowed: tuple[str, ...], action: str) -> None:
    refused = {
        f"lines.{i}.lot": [f"lot {line.lot.code} is {line.lot.get_qc_status_display()}"]
        for i, line in enumerate(lines)
        if line.lot.qc_status not in allowed
    }
    if refused:
        raise BusinessRuleViolation(
            f"Only {' or '.join(allowed)} stock may be {action}.", code="lot_not_released", fields=refused
        )


# --- public services --------------------------------------------------------------------------
def stock_receive(
    *, lines: list[StockLine], reason: str = MoveReason.RECEIPT, document: Document = NO_DOCUMENT, user=None, note=""
) -> list[StockMove]:
    """Stock in (receipt, production output, return, opening balance) at each line's unit cost."""
    return _post(_changes(lines, +1, reason), document=document, user=user, note=note)


def stock_issue(
    *,
    lines: list[StockLine],
    reason: str = MoveReason.ISSUE,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
    from_reserved: bool = False,
    allowed_status: tuple[str, ...] = (QCStatus.RELEASED,),
) -> list[StockMove]:
    """Stock out at FIFO cost. `from_reserved` consumes a reservation made earlier (a shipment)."""
    _require_status(lines, allowed_status, "issued")
    return _post(
        _changes(lines, -1, reason, reserved_sign=-1 if from_reserved else 0), document=document, user=user, note=note
    )


def stock_transfer(
    *,
    lines: list[StockLine],
    to_location: Location,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
    reason: str = MoveReason.TRANSFER,
    allowed_status: tuple[str, ...] = (QCStatus.RELEASED,),
) -> list[StockMove]:
    """A pair of moves per line (out of the line's location, into `to_location`) carrying FIFO value."""
    _require_status(lines, allowed_status, "transferred")
    outs = _changes(lines, -1, reason)
    changes: list[_Change] = []
    for c in outs:
        if c.location.pk == to_location.pk:
            raise InvalidInput(
                "Source and destination are the same location.",
                fields={f"lines.{c.line_no}.location": ["same as the destination"]},
            )
        changes.append(c)
    with transaction.atomic():
        moves = _post_transfer(changes, to_location, document=document, user=user, note=note)
    return moves


def _post_transfer(outs: list[_Change], to_location: Location, *, document, user, note) -> list[StockMove]:
    # Destination changes carry the exact FIFO layers the source gives up, so value moves with stock.
    # They are posted together: first lock every key (sources and destinations) in one sorted pass.
    ins = [
        _Change(line_no=c.line_no, lot=c.lot, roll=c.roll, location=to_location, qty=-c.qty, reason=c.reason)
        for c in outs
    ]
    posting_changes = outs + ins
    # `_post` fills each out-change's layers_in with what it consumed; in-changes read them after.
    # To keep one posting id and one lock pass, post outs and ins in one call with a link.
    for out, inn in zip(outs, ins, strict=True):
        inn.layers_in = _LinkedLayers(out)
    return _post(posting_changes, document=document, user=user, note=note)


class _LinkedLayers(list):
    """Layers of an incoming transfer leg: whatever the outgoing leg consumed (filled during posting)."""

    def __init__(self, source: _Change):
        super().__init__()
        self.source = source

    def __iter__(self):
        return iter(self.source.layers_in)

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self.source.layers_in)


def stock_adjust(
    *,
    lines: list[StockLine],
    reason: str = MoveReason.ADJUSTMENT,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
) -> list[StockMove]:
    """Signed corrections (stock counts, write-offs). Positive lines come in at their unit cost."""
    if not note.strip():
        raise InvalidInput("An adjustment needs a reason.", fields={"note": ["required"]})
    changes = []
    for i, line in enumerate(lines):
        _check_line(line, i)
        try:
            qty = Decimal(str(line.qty))
        except Exception:
            raise InvalidInput("Quantity must be a number.", fields={f"lines.{i}.qty": ["must be a number"]})
        if not qty.is_finite() or qty == 0:
            raise InvalidInput("Adjustments must change stock.", fields={f"lines.{i}.qty": ["must not be zero"]})
        changes.append(
            _Change(
                line_no=i,
                lot=line.lot,
                roll=line.roll,
                location=line.location,
                qty=qty,
                unit_cost=line.unit_cost,
                reason=reason,
            )
        )
    if not changes:
        raise InvalidInput("A posting needs at least one line.", fields={"lines": ["at least one line"]})
    return _post(changes, document=document, user=user, note=note)


def stock_reserve(
    *,
    lines: list[StockLine],
    document: Document = NO_DOCUMENT,
    user=None,
    allowed_status: tuple[str, ...] = (QCStatus.RELEASED,),
) -> None:
    """Hold available stock for a document (an order line). No move: stock has not moved."""
    _require_status(lines, allowed_status, "reserved")
    for c in (changes := _changes(lines, 0, MoveReason.ISSUE, reserved_sign=+1)):
        c.qty = Decimal("0")
    _post(changes, document=document, user=user)


def stock_unreserve(*, lines: list[StockLine], document: Document = NO_DOCUMENT, user=None) -> None:
    changes = _changes(lines, 0, MoveReason.ISSUE, reserved_sign=-1)
    for c in changes:
        c.qty = Decimal("0")
    _post(changes, document=document, user=user)


def stock_reverse(*, document: Document, user=None, note: str = "") -> list[StockMove]:
    """Cancel a document's postings: one reversing move per original move, nothing edited."""
    if not document.type or not str(document.id):
        raise InvalidInput("Name the document whose postings to reverse.", fields={"document": ["required"]})
    originals = list(
        StockMove.objects.filter(document_type=document.type, document_id=str(document.id), reversed_by__isnull=True)
        .exclude(reason=MoveReason.REVERSAL)
        .select_related("lot__material", "roll", "location")
        .order_by("id")
    )
    if not originals:
        return []
    changes = []
    reverses = {}
    for i, move in enumerate(originals):
        changes.append(
            _Change(
                line_no=i,
                lot=move.lot,
                roll=move.roll,
                location=move.location,
                qty=-move.qty,
                unit_cost=move.unit_cost,
                reason=MoveReason.REVERSAL,
            )
        )
        reverses[i] = move
    return _post(
        changes,
        document=document,
        user=user,
        note=note or f"reversal of {document.ref or document.id}",
        reverses=reverses,
    )


# --- lots and rolls -----------------------------------------------------------------------------
def _next_code(prefix: str, model) -> str:
    stamp = timezone.now().strftime("%y%m")
    last = (
        model.objects.filter(code__startswith=f"{prefix}{stamp}-")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{stamp}-{number:06d}"


def lot_create(
    *,
    material: Material,
    origin: str,
    user=None,
    code: str | None = None,
    supplier_lot: str = "",
    dye_lot: str = "",
    qc_status: str = QCStatus.QUARANTINE,
    source: Document = NO_DOCUMENT,
    received_at=None,
    produced_at=None,
) -> Lot:
    """A new lot; its code is barcode-friendly (L<yymm>-<n>) unless given."""
    if not material.is_active:
        raise BusinessRuleViolation(f"Material {material.code} is inactive.", fields={"material": ["inactive"]})
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Lot.objects.create(
                    code=code or _next_code("L", Lot),
                    material=material,
                    origin=origin,
                    supplier_lot=supplier_lot,
                    dye_lot=dye_lot,
                    qc_status=qc_status,
                    source_type=source.type,
                    source_id=str(source.id),
                    source_ref=source.ref,
                    received_at=received_at or (timezone.now() if origin == LotOrigin.RECEIPT else None),
                    produced_at=produced_at or (timezone.now() if origin == LotOrigin.PRODUCTION else None),
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                )
        except IntegrityError:
            if code or attempt == 4:
                raise InvalidInput(
                    f"Lot code {code} already exists.", code="duplicate", fields={"code": ["already exists"]}
                )
    raise AssertionError("unreachable")


def roll_create(
    *,
    lot: Lot,
    length_m,
    width_cm=None,
    gsm=None,
    weight_kg=None,
    user=None,
    code: str | None = None,
    parent: Roll | None = None,
) -> Roll:
    """A roll of a fabric lot. Width and GSM default to the material's; weight follows from them."""
    material = lot.material
    if not material.is_fabric:
        raise InvalidInput(
            f"{material.code} is not fabric; only fabric lots have rolls.", fields={"lot": ["not fabric"]}
        )
    length = _positive(length_m, 0)
    width = Decimal(str(width_cm if width_cm is not None else (material.width_cm or 0)))
    grams = Decimal(str(gsm if gsm is not None else (material.gsm or 0)))
    if width <= 0 or grams <= 0:
        raise InvalidInput("A roll needs its width and GSM.", fields={"width_cm": ["required"], "gsm": ["required"]})
    weight = Decimal(str(weight_kg)) if weight_kg is not None else fabric_kg_from_m(length, width, grams)
    if weight <= 0:
        raise InvalidInput("Roll weight must be greater than zero.", fields={"weight_kg": ["must be > 0"]})
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Roll.objects.create(
                    code=code or _next_code("R", Roll),
                    lot=lot,
                    parent=parent,
                    length_m=length,
                    width_cm=width,
                    gsm=grams,
                    weight_kg=weight.quantize(Decimal("0.001")),
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                )
        except IntegrityError:
            if code or attempt == 4:
                raise InvalidInput(
                    f"Roll code {code} already exists.", code="duplicate", fields={"code": ["already exists"]}
                )
    raise AssertionError("unreachable")


# Allowed QC transitions: quarantine → released/on_hold/rejected; on_hold → released/rejected;
# released → on_hold (a complaint); rejected is final (the stock goes back to the supplier).
QC_TRANSITIONS = {
    QCStatus.QUARANTINE: {QCStatus.RELEASED, QCStatus.ON_HOLD, QCStatus.REJECTED},
    QCStatus.ON_HOLD: {QCStatus.RELEASED, QCStatus.REJECTED},
    QCStatus.RELEASED: {QCStatus.ON_HOLD},
    QCStatus.REJECTED: set(),
}


def lot_set_qc_status(
    *, lot: Lot, status: str, user=None, release_to: Location | None = None, document: Document = NO_DOCUMENT
) -> Lot:
    """Change a lot's QC status. Releasing moves its quarantine stock to `release_to` (stores)."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().select_related("material").get(pk=lot.pk)
        if status not in QC_TRANSITIONS.get(lot.qc_status, set()):
            raise BusinessRuleViolation(
                f"Lot {lot.code} is {lot.get_qc_status_display()}; it cannot become {status}.",
                code="invalid_qc_transition",
                fields={"status": [f"not allowed from {lot.qc_status}"]},
            )
        if status == QCStatus.RELEASED:
            held = list(
                StockBalance.objects.filter(
                    lot=lot, location__kind=LocationKind.QUARANTINE, on_hand__gt=0
                ).select_related("location", "roll")
            )
            if held:
                if release_to is None or release_to.kind == LocationKind.QUARANTINE:
                    raise InvalidInput(
                        "Releasing stock needs a destination that is not quarantine.",
                        fields={"release_to": ["required: a stores or production location"]},
                    )
                stock_transfer(
                    lines=[
                        StockLine(lot=lot, location=b.location, roll=b.roll, qty=b.on_hand - b.reserved) for b in held
                    ],
                    to_location=release_to,
                    document=document if document.type else Document("inventory.lot_release", str(lot.pk), lot.code),
                    user=user,
                    note=f"QC release of {lot.code}",
                    allowed_status=(QCStatus.QUARANTINE, QCStatus.ON_HOLD),
                )
        Lot.objects.filter(pk=lot.pk).update(qc_status=status, version=F("version") + 1, updated_at=timezone.now())
        lot.refresh_from_db()
    return lot


def genealogy_record(
    *,
    parent_lot: Lot,
    child_lot: Lot,
    qty,
    parent_roll: Roll | None = None,
    child_roll: Roll | None = None,
    document: Document = NO_DOCUMENT,
) -> GenealogyEdge:
    """An edge input → output with the quantity consumed; call it in the posting's transaction."""
    if parent_lot.pk == child_lot.pk and parent_roll is None:
        raise InvalidInput("A lot cannot be its own input.", fields={"parent_lot": ["same as the output"]})
    return GenealogyEdge.objects.create(
        parent_lot=parent_lot,
        parent_roll=parent_roll,
        child_lot=child_lot,
        child_roll=child_roll,
        qty=_positive(qty, 0),
        document_type=document.type,
        document_id=str(document.id),
    )


# Marks a roll carries from inspection (DESIGN §3.5); only the quality app writes them, through here.
ROLL_QUALITY_FIELDS = ("points", "points_per_100yd2", "grade", "lab_l", "lab_a", "lab_b", "delta_e", "shade_band")


def roll_record_quality(*, roll: Roll, user=None, **marks) -> Roll:
    """Write a roll's 4-point result and/or shade reading; nothing else about the roll changes."""
    unknown = sorted(set(marks) - set(ROLL_QUALITY_FIELDS))
    if unknown:
        raise InvalidInput("Not a roll quality mark.", fields={name: ["not a quality mark"] for name in unknown})
    changes = {**marks, "version": F("version") + 1, "updated_at": timezone.now()}
    if getattr(user, "is_authenticated", False):
        changes["updated_by"] = user
    Roll.objects.filter(pk=roll.pk).update(**changes)
    roll.refresh_from_db()
    return roll
