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

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, ProtectedError, Q
from django.db.models.signals import post_save
from django.utils import timezone

from core import clock
from core.errors import BusinessRuleViolation, Conflict, InvalidInput, StockShortfall, as_single_item
from core.models import update_rows

from .models import (
    FABRIC_KINDS,
    STOCK_UNIT,
    CostLayer,
    GenealogyEdge,
    Location,
    LocationKind,
    Lot,
    LotOrigin,
    Material,
    MaterialKind,
    MoveReason,
    QCStatus,
    ReorderRule,
    Roll,
    StockBalance,
    StockCount,
    StockCountLine,
    StockCountStatus,
    StockMove,
    Warehouse,
)
from .units import fabric_kg_from_m

VALUE_Q = Decimal("0.0001")
COST_Q = Decimal("0.000001")
QTY_LIMIT = Decimal(10) ** 12


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


class Layer(NamedTuple):
    """A FIFO slice: quantity, unit cost and its exact value (never recomputed from the two)."""

    qty: Decimal
    unit_cost: Decimal
    value: Decimal


@dataclass
class _Change:
    line_no: int
    lot: Lot
    roll: Roll | None
    location: Location
    qty: Decimal = Decimal("0")  # signed change of on_hand
    reserved: Decimal = Decimal("0")  # signed change of reserved
    unit_cost: Decimal | None = None
    reason: str = MoveReason.ADJUSTMENT
    # Incoming stock: the layers it brings. A transfer's incoming leg links to what its outgoing
    # leg consumed (`_LinkedLayers`); otherwise one layer at `unit_cost` is made.
    layers_in: list[Layer] | None = None
    # Outgoing stock: what it took from the key's FIFO queue (filled while posting).
    layers_out: list[Layer] = field(default_factory=list)
    # Outgoing stock: consume this move's layers before the FIFO order (a receipt's reversal).
    prefer_layers_of: int | None = None
    reverses: StockMove | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.lot.pk, self.roll.pk if self.roll else 0, self.location.pk)


class _LinkedLayers(list):
    """Layers of an incoming leg: exactly what its outgoing leg consumed (known only while posting)."""

    def __init__(self, source: _Change):
        super().__init__()
        self.source = source

    def __iter__(self):
        return iter(self.source.layers_out)

    def __len__(self) -> int:
        return len(self.source.layers_out)


def _money(value: Decimal) -> Decimal:
    return value.quantize(VALUE_Q, rounding=ROUND_HALF_UP)


def _n(qty: Decimal) -> str:
    """A quantity as people write it: 3, 2.5 (not 3.0000)."""
    return format(qty.normalize(), "f") if qty else "0"


def _label(change: _Change) -> str:
    what = change.roll.code if change.roll else change.lot.code
    return f"{what} at {change.location.code}"


def _decimal(qty, name: str, places: int = 4) -> Decimal:
    try:
        value = qty if isinstance(qty, Decimal) else Decimal(str(qty))
    except Exception:
        raise InvalidInput("Quantity must be a number.", fields={name: ["must be a number"]})
    if not value.is_finite():
        raise InvalidInput("Quantity must be a finite number.", fields={name: ["must be a finite number"]})
    if value.as_tuple().exponent < -places:
        raise InvalidInput(
            f"At most {places} decimal places.",
            fields={name: [f"at most {places} decimal places"]},
        )
    if abs(value) >= QTY_LIMIT:
        raise InvalidInput("Quantity is too large.", fields={name: [f"must be below {QTY_LIMIT}"]})
    return value


def _positive(qty, line_no: int, name: str | None = None) -> Decimal:
    name = name or f"lines.{line_no}.qty"
    value = _decimal(qty, name)
    if value <= 0:
        raise InvalidInput("Quantities must be greater than zero.", fields={name: ["must be greater than zero"]})
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
    if not material.is_fabric and line.roll is not None:
        raise InvalidInput(
            f"{material.code} is not fabric: it has no rolls.", fields={f"lines.{line_no}.roll": ["not fabric"]}
        )
    if line.unit_cost is not None:
        cost = _decimal(line.unit_cost, f"lines.{line_no}.unit_cost", places=6)
        if cost < 0:
            raise InvalidInput(
                "Unit cost cannot be negative.", fields={f"lines.{line_no}.unit_cost": ["must not be negative"]}
            )


def _key_filter(keys) -> Q:
    """Exactly the balance rows of `keys`: one term per (lot, location) with its rolls listed.

    A production output or a shipment names many rolls of few lots; one `roll_id IN (…)` per lot
    keeps the statement (and the ORM's work building it) small whatever the number of rolls.
    """
    rolls_by_place: dict[tuple[int, int], list[int]] = defaultdict(list)
    for lot_id, roll_id, location_id in keys:
        rolls_by_place[(lot_id, location_id)].append(roll_id)
    condition = Q(pk__in=[])
    for (lot_id, location_id), roll_ids in rolls_by_place.items():
        rolls = [r for r in roll_ids if r]
        if rolls:
            condition |= Q(lot_id=lot_id, location_id=location_id, roll_id__in=rolls)
        if len(rolls) < len(roll_ids):
            condition |= Q(lot_id=lot_id, location_id=location_id, roll__isnull=True)
    return condition


def _lock_balances(changes: list[_Change]) -> dict[tuple[int, int, int], StockBalance]:
    """Lock every touched balance row in key order, creating the missing ones first.

    One ordered SELECT … FOR UPDATE takes the locks (PostgreSQL locks rows in the order it returns
    them), so two postings touching the same keys always queue instead of deadlocking.
    """
    keys = sorted({c.key for c in changes})

    def select(wanted):
        rows = (
            StockBalance.objects.select_for_update()
            .filter(_key_filter(wanted))
            .order_by("lot_id", "roll_id", "location_id")
        )
        return {(b.lot_id, b.roll_id or 0, b.location_id): b for b in rows}

    locked = select(keys)
    missing = [k for k in keys if k not in locked]
    if missing:
        material_of = {c.key: c.lot.material_id for c in changes}
        # A concurrent posting may create the same rows: ON CONFLICT DO NOTHING makes that harmless.
        StockBalance.objects.bulk_create(
            [
                StockBalance(material_id=material_of[k], lot_id=k[0], roll_id=k[1] or None, location_id=k[2])
                for k in missing
            ],
            ignore_conflicts=True,
        )
        locked.update(select(missing))
    return locked


def _take_layers(layers: list[CostLayer], qty: Decimal, prefer_move: int | None, touched: dict) -> list[Layer]:
    """Take `qty` from `layers` (oldest first, or `prefer_move`'s own layers first)."""
    if prefer_move is not None:
        layers = sorted(layers, key=lambda layer: (layer.move_id != prefer_move, layer.pk))
    taken: list[Layer] = []
    remaining = qty
    for layer in layers:
        if remaining <= 0:
            break
        if layer.qty_remaining <= 0:
            continue
        use = min(layer.qty_remaining, remaining)
        if use == layer.qty_remaining:
            value = layer.value_remaining
        else:
            value = min(_money(use * layer.unit_cost), layer.value_remaining)
        layer.qty_remaining -= use
        layer.value_remaining -= value
        touched[layer.pk] = layer
        taken.append(Layer(use, layer.unit_cost, value))
        remaining -= use
    if remaining > 0:
        # Balance and layers disagree: that is a corrupted ledger, never a client error.
        raise RuntimeError(f"FIFO layers hold {qty - remaining} where {qty} was expected")
    return taken


def _check_status(changes: list[_Change], allowed: tuple[str, ...] | None, action: str) -> None:
    """Judge QC status as it is now (read after the balance locks), not as the caller last saw it."""
    if not allowed:
        return
    status = dict(Lot.objects.filter(pk__in={c.lot.pk for c in changes}).values_list("pk", "qc_status"))
    refused = {}
    for c in changes:
        current = status.get(c.lot.pk, c.lot.qc_status)
        c.lot.qc_status = current
        if current not in allowed:
            refused[f"lines.{c.line_no}.lot"] = [f"lot {c.lot.code} is {c.lot.get_qc_status_display()}"]
    if refused:
        raise BusinessRuleViolation(
            f"Only {' or '.join(allowed)} stock may be {action}.", code="lot_not_released", fields=refused
        )


def _check_shortfalls(changes: list[_Change], balances: dict) -> None:
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
        name = f"lines.{c.line_no}.qty"
        if c.qty < 0 and new_on_hand < 0:
            shortfalls[name] = [f"{_label(c)}: {_n(balance.on_hand)} on hand, {_n(-c.qty)} requested"]
        elif c.reserved < 0 and new_reserved < 0:
            shortfalls[name] = [f"{_label(c)}: only {_n(balance.reserved)} reserved, {_n(-c.reserved)} to release"]
        elif new_reserved > new_on_hand and (c.qty < 0 or c.reserved > 0):
            free = max(balance.on_hand - balance.reserved, Decimal(0))
            asked = -c.qty if c.qty < 0 else c.reserved
            shortfalls[name] = [f"{_label(c)}: {_n(free)} available (on hand less reserved), {_n(asked)} requested"]
    if shortfalls:
        raise StockShortfall(f"Not enough stock for {len(shortfalls)} line(s); nothing was posted.", fields=shortfalls)


@dataclass
class Posting:
    """What one call of the service did: its id, the moves written and the balances after."""

    id: uuid.UUID
    moves: list[StockMove]
    balances: list[StockBalance]


def _post(
    changes: list[_Change],
    *,
    document: Document,
    user,
    note: str = "",
    allowed_status: tuple[str, ...] | None = None,
    action: str = "posted",
) -> Posting:
    """Validate and apply `changes` atomically. Raises StockShortfall with every short line."""
    if not changes:
        raise InvalidInput("A posting needs at least one line.", fields={"lines": ["at least one line"]})
    posting = uuid.uuid4()
    try:
        with transaction.atomic():
            balances = _lock_balances(changes)
            _check_status(changes, allowed_status, action)
            _check_shortfalls(changes, balances)
            moves = _apply(changes, balances, posting=posting, document=document, user=user, note=note)
    except OperationalError as exc:
        # A deadlock or lock timeout the database broke: the client may retry; nothing was written.
        if getattr(getattr(exc, "__cause__", None), "pgcode", None) in ("40P01", "40001", "55P03"):
            raise Conflict("A concurrent posting conflicted with this one; retry.", code="concurrent_conflict")
        raise
    ordered = [balances[k] for k in sorted(balances)]
    return Posting(posting, moves, ordered)


def _apply(changes: list[_Change], balances: dict, *, posting, document: Document, user, note: str) -> list[StockMove]:
    outgoing_keys = {balances[c.key].pk for c in changes if c.qty < 0}
    layers_by_balance: dict[int, list[CostLayer]] = defaultdict(list)
    if outgoing_keys:
        for layer in (
            CostLayer.objects.select_for_update()
            .filter(balance_id__in=outgoing_keys, qty_remaining__gt=0)
            .order_by("balance_id", "id")
        ):
            layers_by_balance[layer.balance_id].append(layer)
    touched_layers: dict[int, CostLayer] = {}
    actor = user if getattr(user, "is_authenticated", False) else None
    now = clock.now()
    # Outgoing legs first: an incoming leg linked to one needs its consumed layers.
    order = sorted(range(len(changes)), key=lambda i: (changes[i].qty >= 0, i))
    planned: list[tuple[_Change, StockMove, list[Layer]]] = []
    for i in order:
        c = changes[i]
        balance = balances[c.key]
        new_layers: list[Layer] = []
        if c.qty < 0:
            c.layers_out = _take_layers(layers_by_balance[balance.pk], -c.qty, c.prefer_layers_of, touched_layers)
            value = -sum((layer.value for layer in c.layers_out), Decimal("0"))
        elif c.qty > 0:
            if c.layers_in is not None:
                new_layers = list(c.layers_in)
            else:
                cost = c.unit_cost if c.unit_cost is not None else c.lot.material.standard_cost
                new_layers = [Layer(c.qty, Decimal(cost), _money(c.qty * Decimal(cost)))]
            value = sum((layer.value for layer in new_layers), Decimal("0"))
        else:
            value = Decimal("0")
        balance.on_hand += c.qty
        balance.reserved += c.reserved
        balance.value += value
        balance.updated_at = now
        if c.qty == 0:
            continue
        move = StockMove(
            posting=posting,
            material=c.lot.material,
            lot=c.lot,
            roll=c.roll,
            location=c.location,
            qty=c.qty,
            unit_cost=(abs(value) / abs(c.qty)).quantize(COST_Q),
            value=value,
            reason=c.reason,
            document_type=document.type,
            document_id=str(document.id),
            document_ref=document.ref,
            note=note[:255],
            reverses=c.reverses,
            user=actor,
            created_at=now,
        )
        planned.append((c, move, new_layers))
    # Written in bulk: one statement per table whatever the number of lines.
    moves = StockMove.objects.bulk_create([move for _, move, _ in planned])
    new_rows = [
        CostLayer(
            lot_id=c.lot.pk,
            balance=balances[c.key],
            qty_in=layer.qty,
            qty_remaining=layer.qty,
            unit_cost=layer.unit_cost,
            value_remaining=layer.value,
            move=move,
        )
        for c, move, layers in planned
        for layer in layers
    ]
    if new_rows:
        CostLayer.objects.bulk_create(new_rows)
    update_rows(touched_layers.values(), ["qty_remaining", "value_remaining"])
    update_rows([balances[k] for k in sorted({c.key for c in changes})], ["on_hand", "reserved", "value", "updated_at"])
    moves.sort(key=lambda m: m.pk)
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


# --- public services --------------------------------------------------------------------------
def stock_receive(
    *, lines: list[StockLine], reason: str = MoveReason.RECEIPT, document: Document = NO_DOCUMENT, user=None, note=""
) -> list[StockMove]:
    """Stock in (receipt, production output, return, opening balance) at each line's unit cost."""
    return _post(_changes(lines, +1, reason), document=document, user=user, note=note).moves


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
    return stock_issue_posting(
        lines=lines,
        reason=reason,
        document=document,
        user=user,
        note=note,
        from_reserved=from_reserved,
        allowed_status=allowed_status,
    ).moves


def stock_issue_posting(
    *,
    lines: list[StockLine],
    reason: str = MoveReason.ISSUE,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
    from_reserved: bool = False,
    allowed_status: tuple[str, ...] = (QCStatus.RELEASED,),
) -> Posting:
    changes = _changes(lines, -1, reason, reserved_sign=-1 if from_reserved else 0)
    return _post(changes, document=document, user=user, note=note, allowed_status=allowed_status, action="issued")


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
    return stock_transfer_posting(
        lines=lines,
        to_location=to_location,
        document=document,
        user=user,
        note=note,
        reason=reason,
        allowed_status=allowed_status,
    ).moves


def stock_transfer_posting(
    *,
    lines: list[StockLine],
    to_location: Location,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
    reason: str = MoveReason.TRANSFER,
    allowed_status: tuple[str, ...] = (QCStatus.RELEASED,),
) -> Posting:
    outs = _changes(lines, -1, reason)
    for c in outs:
        if c.location.pk == to_location.pk:
            raise InvalidInput(
                "Source and destination are the same location.",
                fields={f"lines.{c.line_no}.location": ["same as the destination"]},
            )
    # The destination receives exactly the FIFO layers the source gives up, so value moves with
    # stock; both legs are one posting (one lock pass, one posting id).
    ins = []
    for c in outs:
        incoming = _Change(line_no=c.line_no, lot=c.lot, roll=c.roll, location=to_location, qty=-c.qty, reason=c.reason)
        incoming.layers_in = _LinkedLayers(c)
        ins.append(incoming)
    return _post(
        outs + ins, document=document, user=user, note=note, allowed_status=allowed_status, action="transferred"
    )


def stock_adjust(
    *,
    lines: list[StockLine],
    reason: str = MoveReason.ADJUSTMENT,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
) -> list[StockMove]:
    """Signed corrections (stock counts, write-offs). Positive lines come in at their unit cost."""
    return stock_adjust_posting(lines=lines, reason=reason, document=document, user=user, note=note).moves


def stock_adjust_posting(
    *,
    lines: list[StockLine],
    reason: str = MoveReason.ADJUSTMENT,
    document: Document = NO_DOCUMENT,
    user=None,
    note: str = "",
) -> Posting:
    if not (note or "").strip():
        raise InvalidInput("An adjustment needs a reason.", fields={"note": ["required: why stock differs"]})
    changes = []
    for i, line in enumerate(lines):
        _check_line(line, i)
        qty = _decimal(line.qty, f"lines.{i}.qty")
        if qty == 0:
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
    return _post(changes, document=document, user=user, note=note, action="adjusted")


def stock_reserve(
    *,
    lines: list[StockLine],
    document: Document = NO_DOCUMENT,
    user=None,
    allowed_status: tuple[str, ...] = (QCStatus.RELEASED,),
) -> Posting:
    """Hold available stock for a document (an order line). No move: stock has not moved."""
    changes = _changes(lines, 0, MoveReason.ISSUE, reserved_sign=+1)
    return _post(changes, document=document, user=user, allowed_status=allowed_status, action="reserved")


def stock_unreserve(*, lines: list[StockLine], document: Document = NO_DOCUMENT, user=None) -> Posting:
    """Release a reservation; refuses to release more than is reserved at the key."""
    return _post(_changes(lines, 0, MoveReason.ISSUE, reserved_sign=-1), document=document, user=user)


def stock_reverse(*, document: Document, user=None, note: str = "") -> list[StockMove]:
    """Cancel a document's postings: one reversing move per original move, nothing edited.

    Value comes back exactly: a reversed receipt takes its own FIFO layers first, a reversed
    transfer hands the destination's layers back to the source, a reversed issue returns at the
    value it left with.
    """
    if not document.type or not str(document.id):
        raise InvalidInput("Name the document whose postings to reverse.", fields={"document": ["required"]})
    with transaction.atomic():
        # Locking the originals makes two concurrent reversals of one document queue: the second
        # then finds them reversed and posts nothing.
        originals = list(
            StockMove.objects.select_for_update(of=("self",))
            .filter(document_type=document.type, document_id=str(document.id), reversed_by__isnull=True)
            .exclude(reason=MoveReason.REVERSAL)
            .select_related("lot__material", "roll", "location")
            .order_by("id")
        )
        if not originals:
            return []
        changes: list[_Change] = []
        for i, move in enumerate(originals):
            change = _Change(
                line_no=i,
                lot=move.lot,
                roll=move.roll,
                location=move.location,
                qty=-move.qty,
                reason=MoveReason.REVERSAL,
                reverses=move,
            )
            if move.qty > 0:
                change.prefer_layers_of = move.pk
            else:
                change.layers_in = [Layer(-move.qty, move.unit_cost, -move.value)]
            changes.append(change)
        # A transfer (or a roll cut) moved value from its outgoing to its incoming leg; reversing
        # it moves back what the incoming leg's reversal takes, not a recomputed figure.
        takers = [c for c, m in zip(changes, originals, strict=True) if m.qty > 0]
        paired: set[int] = set()
        for c, move in zip(changes, originals, strict=True):
            if move.qty >= 0:
                continue
            for taker in takers:
                if (
                    id(taker) not in paired
                    and taker.reverses.posting == move.posting
                    and taker.lot.pk == move.lot_id
                    and -taker.qty == c.qty
                ):
                    paired.add(id(taker))
                    c.layers_in = _LinkedLayers(taker)
                    break
        return _post(
            changes, document=document, user=user, note=note or f"reversal of {document.ref or document.id}"
        ).moves


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


# --- lots and rolls -----------------------------------------------------------------------------
def _next_code(prefix: str, model) -> str:
    stamp = clock.now().strftime("%y%m")
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
                    received_at=received_at or (clock.now() if origin == LotOrigin.RECEIPT else None),
                    produced_at=produced_at or (clock.now() if origin == LotOrigin.PRODUCTION else None),
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


def rolls_create(*, lot: Lot, rolls: list[dict], user=None) -> list[Roll]:
    """Several rolls of one fabric lot at once (a production output): one code lookup, one insert.

    Each item takes `roll_create`'s fields (length_m, width_cm, gsm, weight_kg, code); errors name
    the item (`rolls.<i>.<field>`). Codes not given continue the R<yymm>-<n> sequence in order.
    """
    material = lot.material
    if not material.is_fabric:
        raise InvalidInput(
            f"{material.code} is not fabric; only fabric lots have rolls.", fields={"lot": ["not fabric"]}
        )
    if not rolls:
        raise InvalidInput("Give at least one roll.", fields={"rolls": ["at least one roll"]})
    actor = _actor(user)
    built = []
    for i, item in enumerate(rolls):
        length = _positive(item["length_m"], i, f"rolls.{i}.length_m")
        width_cm, gsm = item.get("width_cm"), item.get("gsm")
        width = Decimal(str(width_cm if width_cm is not None else (material.width_cm or 0)))
        grams = Decimal(str(gsm if gsm is not None else (material.gsm or 0)))
        if width <= 0 or grams <= 0:
            raise InvalidInput(
                "A roll needs its width and GSM.",
                fields={f"rolls.{i}.width_cm": ["required"], f"rolls.{i}.gsm": ["required"]},
            )
        weight_kg = item.get("weight_kg")
        weight = Decimal(str(weight_kg)) if weight_kg is not None else fabric_kg_from_m(length, width, grams)
        if weight <= 0:
            raise InvalidInput(
                "Roll weight must be greater than zero.", fields={f"rolls.{i}.weight_kg": ["must be > 0"]}
            )
        built.append(
            Roll(
                code=item.get("code") or "",
                lot=lot,
                length_m=length,
                width_cm=width,
                gsm=grams,
                weight_kg=weight.quantize(Decimal("0.001")),
                created_by=actor,
            )
        )
    given = [r.code for r in built if r.code]
    if len(set(given)) < len(given) or Roll.objects.filter(code__in=given).exists():
        raise InvalidInput(
            "Roll codes must be new and distinct.", code="duplicate", fields={"rolls": ["code already exists"]}
        )
    unnamed = [r for r in built if not r.code]
    for attempt in range(5):
        if unnamed:
            first = _next_code("R", Roll)
            prefix, number = first.rsplit("-", 1)
            for k, roll in enumerate(unnamed):
                roll.code = f"{prefix}-{int(number) + k:06d}"
        try:
            with transaction.atomic():
                # Primary keys come back on PostgreSQL and on SQLite ≥ 3.35 (RETURNING).
                made = Roll.objects.bulk_create(built)
                # bulk_create sends no signals: send post_save so the audit trail records each roll.
                for roll in made:
                    post_save.send(
                        sender=Roll, instance=roll, created=True, update_fields=None, raw=False, using=roll._state.db
                    )
                return made
        except IntegrityError:
            if not unnamed or attempt == 4:
                raise InvalidInput(
                    "Roll codes must be new and distinct.", code="duplicate", fields={"rolls": ["code already exists"]}
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
    *,
    lot: Lot,
    status: str,
    user=None,
    release_to: Location | None = None,
    document: Document = NO_DOCUMENT,
    note: str = "",
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
            held = [
                b
                for b in StockBalance.objects.filter(
                    lot=lot, location__kind=LocationKind.QUARANTINE, on_hand__gt=0
                ).select_related("location", "roll")
                if b.on_hand > b.reserved
            ]
            if held:
                if release_to is None or release_to.kind == LocationKind.QUARANTINE:
                    raise InvalidInput(
                        "Releasing stock needs a destination that is not quarantine.",
                        fields={"release_to": ["required: a stores or production location"]},
                    )
                if not release_to.is_active:
                    raise InvalidInput(
                        f"Location {release_to.code} is inactive.", fields={"release_to": ["inactive location"]}
                    )
                stock_transfer(
                    lines=[
                        StockLine(lot=lot, location=b.location, roll=b.roll, qty=b.on_hand - b.reserved) for b in held
                    ],
                    to_location=release_to,
                    document=document if document.type else Document("inventory.lot_release", str(lot.pk), lot.code),
                    user=user,
                    note=note or f"QC release of {lot.code}",
                    allowed_status=(QCStatus.QUARANTINE, QCStatus.ON_HOLD),
                )
        lot.qc_status = status
        if note:
            stamp = clock.now().strftime("%Y-%m-%d")
            lot.notes = f"{lot.notes}\n{stamp} {status}: {note}".strip()
        lot.bump_version()
        lot.updated_by = _actor(user)
        # A plain save, not a queryset update, so the audit trail records who changed the status.
        lot.save(update_fields=["qc_status", "notes", "version", "updated_at", "updated_by"])
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
    edge = Edge(parent_lot, child_lot, qty, parent_roll, child_roll)
    with as_single_item("edges.0."):
        return genealogy_record_many(edges=[edge], document=document)[0]


class Edge(NamedTuple):
    """One input → output edge for `genealogy_record_many`."""

    parent_lot: Lot
    child_lot: Lot
    qty: Decimal
    parent_roll: Roll | None = None
    child_roll: Roll | None = None


def genealogy_record_many(*, edges: list[Edge], document: Document = NO_DOCUMENT) -> list[GenealogyEdge]:
    """`genealogy_record` for every edge of one posting, in one insert; errors name `edges.<i>`."""
    rows = []
    for i, edge in enumerate(edges):
        if edge.parent_lot.pk == edge.child_lot.pk and edge.parent_roll is None:
            raise InvalidInput(
                "A lot cannot be its own input.", fields={f"edges.{i}.parent_lot": ["same as the output"]}
            )
        rows.append(
            GenealogyEdge(
                parent_lot=edge.parent_lot,
                parent_roll=edge.parent_roll,
                child_lot=edge.child_lot,
                child_roll=edge.child_roll,
                qty=_positive(edge.qty, i, f"edges.{i}.qty"),
                document_type=document.type,
                document_id=str(document.id),
            )
        )
    made = GenealogyEdge.objects.bulk_create(rows)
    for edge in made:  # bulk_create sends no signals; the audit trail still records each edge
        post_save.send(
            sender=GenealogyEdge, instance=edge, created=True, update_fields=None, raw=False, using=edge._state.db
        )
    return made


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


def rolls_record_quality(*, marks: list[tuple[Roll, dict]], user=None) -> list[Roll]:
    """`roll_record_quality` for several rolls in one statement; call it with the rolls locked.

    `marks` pairs each roll with its marks (the same fields for every roll); the Roll objects given
    are updated in place (marks, version, updated_at/by) and returned.
    """
    if not marks:
        return []
    fields = set(marks[0][1])
    unknown = sorted(fields - set(ROLL_QUALITY_FIELDS))
    if unknown:
        raise InvalidInput("Not a roll quality mark.", fields={name: ["not a quality mark"] for name in unknown})
    if any(set(m) != fields for _, m in marks):
        raise InvalidInput("Give every roll the same marks.", fields={"marks": ["same fields for every roll"]})
    now = timezone.now()
    actor = user if getattr(user, "is_authenticated", False) else None
    rolls = []
    for roll, values in marks:
        for name, value in values.items():
            setattr(roll, name, value)
        roll.version = (roll.version or 0) + 1
        roll.updated_at = now
        if actor is not None:
            roll.updated_by = actor
        rolls.append(roll)
    written = [*sorted(fields), "version", "updated_at", *(["updated_by"] if actor is not None else [])]
    update_rows(rolls, written)
    return rolls


# --- roll cut / split ---------------------------------------------------------------------------
def roll_cut(*, roll: Roll, lengths: list, user=None) -> list[Roll]:
    """Cut pieces off a roll: each piece becomes a new roll of the same lot, in the same place.

    The pieces' metres leave the parent roll and enter the pieces at the FIFO value they carried,
    with a genealogy edge parent → piece. Pieces summing to the whole roll split it entirely.
    """
    if not lengths:
        raise InvalidInput("Give at least one piece.", fields={"pieces": ["at least one piece"]})
    wanted = [_positive(length, i, f"pieces.{i}.length_m") for i, length in enumerate(lengths)]
    with transaction.atomic():
        # The roll row is the cut's lock: concurrent cuts of one roll queue and number pieces in turn.
        roll = Roll.objects.select_for_update().select_related("lot__material").get(pk=roll.pk)
        lot = roll.lot
        if lot.qc_status == QCStatus.REJECTED:
            raise BusinessRuleViolation(
                f"Lot {lot.code} is rejected; its rolls go back to the supplier, not to the cutting table.",
                code="lot_not_released",
                fields={"roll": ["lot is rejected"]},
            )
        held = list(StockBalance.objects.filter(roll=roll, on_hand__gt=0).select_related("location"))
        if not held:
            raise StockShortfall(f"Roll {roll.code} has no stock to cut.", fields={"roll": ["no stock on hand"]})
        if len(held) > 1:
            raise BusinessRuleViolation(
                f"Roll {roll.code} is booked at several locations; move it to one first.",
                fields={"roll": ["stock at several locations"]},
            )
        location = held[0].location
        existing = roll.pieces.count()
        pieces = [
            roll_create(
                lot=lot,
                length_m=length,
                width_cm=roll.width_cm,
                gsm=roll.gsm,
                user=user,
                code=f"{roll.code}-{existing + i + 1}"[:40],
                parent=roll,
            )
            for i, length in enumerate(wanted)
        ]
        outs, ins = [], []
        for i, (piece, length) in enumerate(zip(pieces, wanted, strict=True)):
            out = _Change(line_no=i, lot=lot, roll=roll, location=location, qty=-length, reason=MoveReason.SPLIT)
            incoming = _Change(line_no=i, lot=lot, roll=piece, location=location, qty=length, reason=MoveReason.SPLIT)
            incoming.layers_in = _LinkedLayers(out)
            outs.append(out)
            ins.append(incoming)
        document = Document("inventory.roll_cut", str(roll.pk), roll.code)
        try:
            _post(outs + ins, document=document, user=user, note=f"cut of {roll.code}")
        except StockShortfall:
            available = held[0].on_hand - held[0].reserved
            raise StockShortfall(
                f"Roll {roll.code} has {available} m available; the pieces need {sum(wanted)} m.",
                fields={"pieces": [f"{available} m available (on hand less reserved), {sum(wanted)} m requested"]},
            )
        for piece, length in zip(pieces, wanted, strict=True):
            genealogy_record(
                parent_lot=lot, parent_roll=roll, child_lot=lot, child_roll=piece, qty=length, document=document
            )
    return pieces


# --- master data --------------------------------------------------------------------------------
MATERIAL_FIELDS = (
    "code",
    "name",
    "kind",
    "description",
    "article",
    "yarn_count_value",
    "yarn_count_system",
    "composition",
    "gsm",
    "width_cm",
    "construction",
    "shade_code",
    "standard_cost",
    "is_active",
)


def _material_rules(data: dict, instance: Material | None = None) -> tuple[dict, dict[str, list[str]]]:
    """Typed textile attributes checked (DESIGN §3.1); returns the cleaned data and any errors."""
    merged = {name: getattr(instance, name) for name in MATERIAL_FIELDS} if instance else {}
    merged.update(data)
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    if "composition" in data:
        composition = data["composition"] or {}
        if not isinstance(composition, dict):
            errors["composition"] = ["an object of fibre → percent"]
        else:
            normal: dict[str, Decimal] = {}
            for fibre, percent in composition.items():
                name = str(fibre).strip().lower()
                try:
                    value = Decimal(str(percent))
                except Exception:
                    errors.setdefault("composition", []).append(f"{fibre}: percent must be a number")
                    continue
                if not name:
                    errors.setdefault("composition", []).append("fibre names must not be empty")
                elif not value.is_finite() or value <= 0 or value > 100:
                    errors.setdefault("composition", []).append(f"{fibre}: percent must be in (0, 100]")
                elif name in normal:
                    errors.setdefault("composition", []).append(f"{fibre}: named twice")
                else:
                    normal[name] = value
            if normal and "composition" not in errors:
                total = sum(normal.values(), Decimal(0))
                if total != 100:
                    errors["composition"] = [f"percentages must sum to 100 (they sum to {total})"]
            cleaned["composition"] = {k: _n(v.quantize(Decimal("0.01"))) for k, v in normal.items()}
    has_value = merged.get("yarn_count_value") is not None
    has_system = bool(merged.get("yarn_count_system"))
    if has_value != has_system:
        missing = "yarn_count_system" if has_value else "yarn_count_value"
        errors[missing] = ["give both the yarn count value and its system"]
    for name in ("yarn_count_value", "gsm", "width_cm"):
        value = merged.get(name)
        if value is not None and value <= 0:
            errors[name] = ["must be greater than zero"]
    if merged.get("standard_cost") is not None and merged["standard_cost"] < 0:
        errors["standard_cost"] = ["must not be negative"]
    return cleaned, errors


def material_create(*, user=None, **data) -> Material:
    cleaned, errors = _material_rules(data)
    if Material.objects.filter(code=data.get("code")).exists():
        errors["code"] = ["already exists"]
    if errors:
        raise InvalidInput("The material is not valid.", fields=errors)
    material = Material(**cleaned, created_by=_actor(user), updated_by=_actor(user))
    material.save()
    return material


def material_update(*, material: Material, user=None, **data) -> Material:
    cleaned, errors = _material_rules(data, material)
    if "code" in data and Material.objects.filter(code=data["code"]).exclude(pk=material.pk).exists():
        errors["code"] = ["already exists"]
    if errors:
        raise InvalidInput("The material is not valid.", fields=errors)
    if "kind" in data and data["kind"] != material.kind and material.lots.exists():
        if (
            STOCK_UNIT[MaterialKind(data["kind"])] != material.unit
            or (MaterialKind(data["kind"]) in FABRIC_KINDS) != material.is_fabric
        ):
            raise BusinessRuleViolation(
                f"{material.code} has lots in {material.unit}; its kind cannot change to one stocked otherwise.",
                fields={"kind": ["lots exist in the current unit"]},
            )
    for name, value in cleaned.items():
        setattr(material, name, value)
    material.updated_by = _actor(user)
    material.bump_version()
    material.save()
    return material


def material_delete(*, material: Material) -> None:
    if material.lots.exists() or material.reorder_rules.exists():
        raise BusinessRuleViolation(
            f"{material.code} has lots or reorder rules; deactivate it instead.",
            code="in_use",
            fields={"material": ["in use: set is_active to false"]},
        )
    try:
        with transaction.atomic():
            material.delete()
    except ProtectedError:
        raise BusinessRuleViolation(
            f"{material.code} is used by other documents; deactivate it instead.",
            code="in_use",
            fields={"material": ["in use: set is_active to false"]},
        )


def materials_import(*, rows: list[tuple[int, dict]], user=None) -> dict:
    """Create or update materials by code from parsed CSV rows, all or nothing.

    `rows` are (line number, typed fields); every rule is checked on every row before anything is
    written, and the errors name the row: `rows.<line>.<field>`.
    """
    errors: dict[str, list[str]] = {}
    existing = {m.code: m for m in Material.objects.filter(code__in=[data.get("code") for _, data in rows])}
    seen: dict[str, int] = {}
    plans = []
    for line, data in rows:
        code = data.get("code")
        if code in seen:
            errors[f"rows.{line}.code"] = [f"same code as line {seen[code]}"]
            continue
        seen[code] = line
        instance = existing.get(code)
        cleaned, row_errors = _material_rules(data, instance)
        if instance and data.get("kind") not in (None, instance.kind) and instance.lots.exists():
            row_errors["kind"] = ["lots exist in the current unit"]
        for name, messages in row_errors.items():
            errors[f"rows.{line}.{name}"] = messages
        plans.append((instance, cleaned))
    if not rows:
        errors["file"] = ["no data rows"]
    if errors:
        raise InvalidInput(
            f"{len({k.split('.')[1] for k in errors if k.startswith('rows.')})} row(s) are not valid; nothing was imported.",
            fields=errors,
        )
    created = updated = 0
    with transaction.atomic():
        for instance, cleaned in plans:
            if instance is None:
                material_create(user=user, **cleaned)
                created += 1
            else:
                material_update(material=instance, user=user, **{k: v for k, v in cleaned.items() if k != "code"})
                updated += 1
    return {"created": created, "updated": updated}


def warehouse_create(*, user=None, **data) -> Warehouse:
    if Warehouse.objects.filter(code=data.get("code")).exists():
        raise InvalidInput("Warehouse code already exists.", code="duplicate", fields={"code": ["already exists"]})
    return Warehouse.objects.create(**data, created_by=_actor(user), updated_by=_actor(user))


def warehouse_update(*, warehouse: Warehouse, user=None, **data) -> Warehouse:
    if "code" in data and Warehouse.objects.filter(code=data["code"]).exclude(pk=warehouse.pk).exists():
        raise InvalidInput("Warehouse code already exists.", code="duplicate", fields={"code": ["already exists"]})
    for name, value in data.items():
        setattr(warehouse, name, value)
    warehouse.updated_by = _actor(user)
    warehouse.save()
    return warehouse


def location_create(*, user=None, **data) -> Location:
    if Location.objects.filter(code=data.get("code")).exists():
        raise InvalidInput("Location code already exists.", code="duplicate", fields={"code": ["already exists"]})
    return Location.objects.create(**data, created_by=_actor(user), updated_by=_actor(user))


def location_update(*, location: Location, user=None, **data) -> Location:
    if "code" in data and Location.objects.filter(code=data["code"]).exclude(pk=location.pk).exists():
        raise InvalidInput("Location code already exists.", code="duplicate", fields={"code": ["already exists"]})
    if "kind" in data and data["kind"] != location.kind and location.balances.filter(on_hand__gt=0).exists():
        raise BusinessRuleViolation(
            f"{location.code} holds stock; its kind cannot change.", fields={"kind": ["location holds stock"]}
        )
    if (
        "warehouse" in data
        and data["warehouse"] != location.warehouse
        and location.balances.filter(on_hand__gt=0).exists()
    ):
        raise BusinessRuleViolation(
            f"{location.code} holds stock; it cannot move to another warehouse.",
            fields={"warehouse": ["location holds stock"]},
        )
    for name, value in data.items():
        setattr(location, name, value)
    location.updated_by = _actor(user)
    location.save()
    return location


def _delete_unused(obj, label: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise BusinessRuleViolation(
            f"{label} is in use; deactivate it instead.", code="in_use", fields={"id": ["in use"]}
        )


def warehouse_delete(*, warehouse: Warehouse) -> None:
    _delete_unused(warehouse, f"Warehouse {warehouse.code}")


def location_delete(*, location: Location) -> None:
    _delete_unused(location, f"Location {location.code}")


# --- reorder rules ------------------------------------------------------------------------------
def _reorder_rules_check(merged: dict) -> None:
    errors = {}
    for name in ("min_qty", "max_qty"):
        if merged[name] < 0:
            errors[name] = ["must not be negative"]
    if merged["multiple"] <= 0:
        errors["multiple"] = ["must be greater than zero"]
    if not errors and merged["max_qty"] < merged["min_qty"]:
        errors["max_qty"] = ["must be at least min_qty"]
    if errors:
        raise InvalidInput("The reorder rule is not valid.", fields=errors)


def reorder_rule_create(*, user=None, **data) -> ReorderRule:
    merged = {"multiple": Decimal("1"), **data}
    _reorder_rules_check(merged)
    if ReorderRule.objects.filter(material=data["material"], warehouse=data["warehouse"]).exists():
        raise InvalidInput(
            "This material already has a rule for this warehouse.",
            code="duplicate",
            fields={"material": ["already has a rule for this warehouse"]},
        )
    return ReorderRule.objects.create(**merged, created_by=_actor(user), updated_by=_actor(user))


def reorder_rule_update(*, rule: ReorderRule, user=None, **data) -> ReorderRule:
    merged = {name: getattr(rule, name) for name in ("min_qty", "max_qty", "multiple")} | data
    _reorder_rules_check(merged)
    material, warehouse = data.get("material", rule.material), data.get("warehouse", rule.warehouse)
    if ReorderRule.objects.filter(material=material, warehouse=warehouse).exclude(pk=rule.pk).exists():
        raise InvalidInput(
            "This material already has a rule for this warehouse.",
            code="duplicate",
            fields={"material": ["already has a rule for this warehouse"]},
        )
    for name, value in data.items():
        setattr(rule, name, value)
    rule.updated_by = _actor(user)
    rule.bump_version()
    rule.save()
    return rule


def reorder_rule_apply(
    *, material, warehouse_id: int | None, min_qty, max_qty, user=None, note: str = ""
) -> ReorderRule:
    """Set a material's rule in a warehouse to (min, max), creating it if needed (accepted recommendations).

    Without a warehouse the mill's only warehouse is meant; with several, the caller must say which.
    """
    if warehouse_id is None:
        warehouses = list(Warehouse.objects.values_list("pk", flat=True)[:2])
        if len(warehouses) != 1:
            raise InvalidInput("Say which warehouse the rule is for.", fields={"warehouse": ["required"]})
        warehouse_id = warehouses[0]
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise InvalidInput(f"No warehouse {warehouse_id}.", fields={"warehouse": ["no such warehouse"]})
    values = {"min_qty": Decimal(str(min_qty)), "max_qty": Decimal(str(max_qty))}
    rule = ReorderRule.objects.select_for_update().filter(material=material, warehouse=warehouse).first()
    if rule is None:
        return reorder_rule_create(user=user, material=material, warehouse=warehouse, **values)
    return reorder_rule_update(rule=rule, user=user, **values)


def reorder_rule_delete(*, rule: ReorderRule) -> None:
    rule.delete()


# --- stock counts -------------------------------------------------------------------------------
@dataclass
class CountLine:
    lot: Lot
    location: Location
    counted_qty: Decimal
    roll: Roll | None = None


def _count_lines_check(warehouse: Warehouse, lines: list[CountLine]) -> None:
    errors: dict[str, list[str]] = {}
    seen: dict[tuple, int] = {}
    for i, line in enumerate(lines):
        try:
            _check_line(StockLine(lot=line.lot, location=line.location, qty=Decimal(1), roll=line.roll), i)
        except InvalidInput as exc:
            errors.update(exc.fields)
        try:
            qty = _decimal(line.counted_qty, f"lines.{i}.counted_qty")
            if qty < 0:
                errors[f"lines.{i}.counted_qty"] = ["must not be negative"]
        except InvalidInput as exc:
            errors.update(exc.fields)
        if line.location.warehouse_id != warehouse.pk:
            errors[f"lines.{i}.location"] = [f"not in warehouse {warehouse.code}"]
        key = (line.lot.pk, line.roll.pk if line.roll else 0, line.location.pk)
        if key in seen:
            errors[f"lines.{i}.lot"] = [f"same lot, roll and location as line {seen[key]}"]
        seen[key] = i
    if errors:
        raise InvalidInput("The count lines are not valid.", fields=errors)


def _count_lines_write(count: StockCount, lines: list[CountLine]) -> None:
    count.lines.all().delete()
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(
                count=count, lot=line.lot, roll=line.roll, location=line.location, counted_qty=line.counted_qty
            )
            for line in lines
        ]
    )


def stock_count_create(*, warehouse: Warehouse, lines: list[CountLine], note: str = "", user=None) -> StockCount:
    _count_lines_check(warehouse, lines)
    with transaction.atomic():
        for attempt in range(5):
            try:
                with transaction.atomic():
                    count = StockCount.objects.create(
                        code=_next_code("SC", StockCount),
                        warehouse=warehouse,
                        note=note,
                        created_by=_actor(user),
                        updated_by=_actor(user),
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise Conflict("Could not number the count; retry.", code="concurrent_conflict")
        _count_lines_write(count, lines)
    return count


def _count_for_edit(count: StockCount) -> StockCount:
    count = StockCount.objects.select_for_update().select_related("warehouse").get(pk=count.pk)
    if count.status != StockCountStatus.DRAFT:
        raise BusinessRuleViolation(
            f"Count {count.code} is {count.status}; only drafts change.",
            code="invalid_status",
            fields={"status": [f"is {count.status}, must be draft"]},
        )
    return count


def stock_count_update(
    *, count: StockCount, lines: list[CountLine] | None = None, note: str | None = None, user=None
) -> StockCount:
    with transaction.atomic():
        count = _count_for_edit(count)
        if lines is not None:
            _count_lines_check(count.warehouse, lines)
            _count_lines_write(count, lines)
        if note is not None:
            count.note = note
        count.updated_by = _actor(user)
        count.bump_version()
        count.save()
    return count


def stock_count_post(*, count: StockCount, reason: str, user=None) -> StockCount:
    """Adjust every counted key to the counted quantity (book quantity read under lock)."""
    if not (reason or "").strip():
        raise InvalidInput("Posting a count needs a reason.", fields={"reason": ["required: why stock differs"]})
    with transaction.atomic():
        count = _count_for_edit(count)
        lines = list(count.lines.select_related("lot__material", "roll", "location"))
        if not lines:
            raise BusinessRuleViolation(
                f"Count {count.code} has no lines.", code="empty_count", fields={"lines": ["at least one line"]}
            )
        probes = [
            _Change(line_no=i, lot=line.lot, roll=line.roll, location=line.location) for i, line in enumerate(lines)
        ]
        balances = _lock_balances(probes)
        changes = []
        for probe, line in zip(probes, lines, strict=True):
            balance = balances[probe.key]
            line.book_qty = balance.on_hand
            line.difference = line.counted_qty - balance.on_hand
            if line.difference:
                # A gain comes in at the key's average cost, or the standard cost when it was empty.
                cost = (
                    (balance.value / balance.on_hand).quantize(COST_Q)
                    if balance.on_hand > 0
                    else line.lot.material.standard_cost
                )
                probe.qty = line.difference
                probe.unit_cost = cost
                probe.reason = MoveReason.COUNT
                changes.append(probe)
        if changes:
            _post(
                changes,
                document=Document("inventory.stock_count", str(count.pk), count.code),
                user=user,
                note=reason,
                action="adjusted",
            )
        StockCountLine.objects.bulk_update(lines, ["book_qty", "difference"])
        count.status = StockCountStatus.POSTED
        count.reason = reason[:255]
        count.posted_at = timezone.now()
        count.posted_by = _actor(user)
        count.updated_by = _actor(user)
        count.bump_version()
        count.save()
    return count


def stock_count_cancel(*, count: StockCount, user=None) -> StockCount:
    with transaction.atomic():
        count = _count_for_edit(count)
        count.status = StockCountStatus.CANCELLED
        count.updated_by = _actor(user)
        count.bump_version()
        count.save()
    return count


# --- opening balances ---------------------------------------------------------------------------
def opening_balances_import(*, rows: list[tuple[int, dict]], user=None) -> dict:
    """Lots (and rolls) with their opening stock from parsed CSV rows, all or nothing.

    Row fields: material and location (codes), qty, unit_cost, and optionally lot (code; rows
    naming one lot code share the lot), supplier_lot, dye_lot, qc_status (default released), and
    for fabric roll (code), width_cm, gsm, weight_kg. Errors name the row: `rows.<line>.<field>`.
    """
    errors: dict[str, list[str]] = {}
    if not rows:
        raise InvalidInput("The file has no data rows.", fields={"file": ["no data rows"]})
    materials = {m.code: m for m in Material.objects.filter(code__in={d.get("material") for _, d in rows})}
    locations = {loc.code: loc for loc in Location.objects.filter(code__in={d.get("location") for _, d in rows})}
    lot_codes = {d["lot"] for _, d in rows if d.get("lot")}
    roll_codes = [d["roll"] for _, d in rows if d.get("roll")]
    taken_lots = set(Lot.objects.filter(code__in=lot_codes).values_list("code", flat=True))
    taken_rolls = set(Roll.objects.filter(code__in=roll_codes).values_list("code", flat=True))
    lot_material: dict[str, str] = {}
    rolls_seen: dict[str, int] = {}
    keys_seen: dict[tuple, int] = {}
    for line, data in rows:

        def err(name, message, line=line):
            errors.setdefault(f"rows.{line}.{name}", []).append(message)

        material = materials.get(data.get("material"))
        location = locations.get(data.get("location"))
        if material is None:
            err("material", "no such material code")
        elif not material.is_active:
            err("material", "material is inactive")
        if location is None:
            err("location", "no such location code")
        qty = data.get("qty")
        if qty is None or qty <= 0:
            err("qty", "must be greater than zero")
        if data.get("unit_cost") is not None and data["unit_cost"] < 0:
            err("unit_cost", "must not be negative")
        lot_code = data.get("lot")
        if lot_code:
            if lot_code in taken_lots:
                err("lot", "lot code already exists")
            if material is not None and lot_material.setdefault(lot_code, material.code) != material.code:
                err("lot", f"lot {lot_code} is already used for material {lot_material[lot_code]} in this file")
        if material is not None and material.is_fabric:
            roll_code = data.get("roll")
            if roll_code:
                if roll_code in taken_rolls:
                    err("roll", "roll code already exists")
                if roll_code in rolls_seen:
                    err("roll", f"same roll code as line {rolls_seen[roll_code]}")
                rolls_seen[roll_code] = line
            width = data.get("width_cm") or material.width_cm
            gsm = data.get("gsm") or material.gsm
            if not width or width <= 0:
                err("width_cm", "required for fabric (or set on the material), greater than zero")
            if not gsm or gsm <= 0:
                err("gsm", "required for fabric (or set on the material), greater than zero")
        elif material is not None and data.get("roll"):
            err("roll", "only fabric has rolls")
        elif material is not None and lot_code and location is not None:
            key = (lot_code, location.code)
            if key in keys_seen:
                err("lot", f"same lot and location as line {keys_seen[key]}")
            keys_seen[key] = line
        if material is not None and material.unit and data.get("unit") and data["unit"] != material.unit:
            err("unit", f"{material.code} is stocked in {material.unit}")
    if errors:
        bad = len({k.split(".")[1] for k in errors})
        raise InvalidInput(f"{bad} row(s) are not valid; nothing was imported.", fields=errors)

    batch = uuid.uuid4().hex[:12]
    document = Document("inventory.opening_balance", batch, f"OB-{batch}")
    with transaction.atomic():
        lots: dict[str, Lot] = {}
        lines = []
        for _line_no, data in rows:
            material = materials[data["material"]]
            lot_code = data.get("lot")
            lot = lots.get(lot_code) if lot_code else None
            if lot is None:
                lot = lot_create(
                    material=material,
                    origin=LotOrigin.OPENING,
                    user=user,
                    code=lot_code or None,
                    supplier_lot=data.get("supplier_lot") or "",
                    dye_lot=data.get("dye_lot") or "",
                    qc_status=data.get("qc_status") or QCStatus.RELEASED,
                    source=document,
                )
                if lot_code:
                    lots[lot_code] = lot
            roll = None
            if material.is_fabric:
                roll = roll_create(
                    lot=lot,
                    length_m=data["qty"],
                    width_cm=data.get("width_cm"),
                    gsm=data.get("gsm"),
                    weight_kg=data.get("weight_kg"),
                    user=user,
                    code=data.get("roll") or None,
                )
            lines.append(
                StockLine(
                    lot=lot,
                    location=locations[data["location"]],
                    qty=data["qty"],
                    roll=roll,
                    unit_cost=data.get("unit_cost"),
                )
            )
        stock_receive(lines=lines, reason=MoveReason.OPENING, document=document, user=user, note="opening balance")
    return {
        "document": document.ref,
        "lots": len({line.lot.pk for line in lines}),
        "rolls": sum(1 for line in lines if line.roll),
        "lines": len(lines),
    }
