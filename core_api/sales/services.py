"""Every write of the sales app: keyword-only `<entity>_<verb>` functions, one transaction each.

Stock is touched only through `inventory.services`: reservations with `stock_reserve` /
`stock_unreserve` (document "sales.order"), shipments with `stock_issue(from_reserved=True)`
("sales.shipment"), returns with `stock_receive(reason=customer_return)` ("sales.return").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from core import clock
from core.errors import BusinessRuleViolation, InvalidInput, StockShortfall
from inventory.models import (
    Location,
    LocationKind,
    Lot,
    Material,
    MaterialKind,
    MoveReason,
    QCStatus,
    Roll,
    StockBalance,
)
from inventory.services import (
    Document,
    StockLine,
    lot_set_qc_status,
    stock_issue,
    stock_receive,
    stock_reserve,
    stock_unreserve,
)

from .models import (
    Allocation,
    AllocationStatus,
    Customer,
    CustomerReturn,
    CustomerReturnLine,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    OrderStatus,
    OrderStatusLog,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)

# Allowed next states per order status (one transition service, one log row per change).
ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.DRAFT: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.ALLOCATED, OrderStatus.CANCELLED},
    OrderStatus.ALLOCATED: {OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.PARTIALLY_SHIPPED: {OrderStatus.SHIPPED, OrderStatus.CLOSED},
    OrderStatus.SHIPPED: {OrderStatus.CLOSED},
    OrderStatus.CLOSED: set(),
    OrderStatus.CANCELLED: set(),
}

FEEDBACK_TRANSITIONS: dict[str, set[str]] = {
    FeedbackStatus.OPEN: {FeedbackStatus.INVESTIGATING, FeedbackStatus.RESOLVED, FeedbackStatus.CLOSED},
    FeedbackStatus.INVESTIGATING: {FeedbackStatus.RESOLVED, FeedbackStatus.CLOSED},
    FeedbackStatus.RESOLVED: {FeedbackStatus.CLOSED, FeedbackStatus.INVESTIGATING},
    FeedbackStatus.CLOSED: set(),
}

# Where sellable rolls wait; quarantine, production and subcontractor stock is never allocated.
SELLABLE_LOCATIONS = (LocationKind.FINISHED_GOODS, LocationKind.STORES)
# Incoming unit costs carry four decimal places in the inventory service.
COST_IN = Decimal("0.0001")


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _assign_number(document, prefix: str) -> None:
    # Numbers follow the primary key, so concurrent creates never collide.
    document.number = f"{prefix}-{document.pk:06d}"
    type(document).objects.filter(pk=document.pk).update(number=document.number)


def _order_document(order: SalesOrder) -> Document:
    return Document("sales.order", str(order.pk), order.number or "")


# --- customers ----------------------------------------------------------------------------------
CUSTOMER_FIELDS = ("code", "name", "contacts", "address", "points_threshold", "shade_tolerance", "is_active")


@transaction.atomic
def customer_create(*, user=None, **fields) -> Customer:
    if Customer.objects.filter(code__iexact=fields.get("code", "")).exists():
        raise InvalidInput("A customer with this code exists.", code="duplicate", fields={"code": ["already exists"]})
    customer = Customer(**{k: v for k, v in fields.items() if k in CUSTOMER_FIELDS})
    customer.created_by = customer.updated_by = _actor(user)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, user=None, **fields) -> Customer:
    code = fields.get("code")
    if code and Customer.objects.filter(code__iexact=code).exclude(pk=customer.pk).exists():
        raise InvalidInput("A customer with this code exists.", code="duplicate", fields={"code": ["already exists"]})
    for name, value in fields.items():
        if name in CUSTOMER_FIELDS:
            setattr(customer, name, value)
    customer.updated_by = _actor(user)
    customer.bump_version()
    customer.save()
    return customer


# --- orders -------------------------------------------------------------------------------------
def _check_lines(lines: list[dict]) -> None:
    if not lines:
        raise InvalidInput("An order needs at least one line.", fields={"lines": ["at least one line"]})
    problems = {}
    for i, line in enumerate(lines):
        material: Material = line["material"]
        if material.kind != MaterialKind.FINISHED:
            problems[f"lines.{i}.material"] = [f"{material.code} is not finished fabric"]
        elif not material.is_active:
            problems[f"lines.{i}.material"] = [f"{material.code} is inactive"]
    if problems:
        raise InvalidInput("Orders sell finished fabric only.", fields=problems)


def _write_lines(order: SalesOrder, lines: list[dict]) -> None:
    SalesOrderLine.objects.bulk_create(
        SalesOrderLine(
            order=order,
            line_no=i + 1,
            material=line["material"],
            qty=line["qty"],
            unit_price=line["unit_price"],
            requested_date=line["requested_date"],
        )
        for i, line in enumerate(lines)
    )


def _log(order: SalesOrder, from_status: str, to_status: str, user, note: str = "") -> None:
    OrderStatusLog.objects.create(
        order=order, from_status=from_status, to_status=to_status, user=_actor(user), at=clock.now(), note=note[:255]
    )


@transaction.atomic
def sales_order_create(
    *, customer: Customer, lines: list[dict], user=None, order_date=None, customer_ref: str = "", notes: str = ""
) -> SalesOrder:
    """A draft order; `lines` are dicts with material, qty (metres), unit_price, requested_date."""
    if not customer.is_active:
        raise BusinessRuleViolation(f"Customer {customer.code} is inactive.", fields={"customer": ["inactive"]})
    _check_lines(lines)
    order = SalesOrder.objects.create(
        customer=customer,
        order_date=order_date or timezone.localdate(),
        customer_ref=customer_ref,
        notes=notes,
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    _assign_number(order, "SO")
    _write_lines(order, lines)
    _log(order, "", OrderStatus.DRAFT, user)
    return order


def _lock_order(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update().select_related("customer").get(pk=order.pk)


@transaction.atomic
def sales_order_update(*, order: SalesOrder, user=None, lines: list[dict] | None = None, **fields) -> SalesOrder:
    """Edit a draft: header fields, and the lines replaced as a whole when `lines` is given."""
    order = _lock_order(order)
    if order.status != OrderStatus.DRAFT:
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.get_status_display()}; only drafts can be edited.",
            code="not_editable",
            fields={"status": ["must be draft"]},
        )
    customer = fields.get("customer")
    if customer is not None and not customer.is_active:
        raise BusinessRuleViolation(f"Customer {customer.code} is inactive.", fields={"customer": ["inactive"]})
    for name in ("customer", "order_date", "customer_ref", "notes"):
        if name in fields:
            setattr(order, name, fields[name])
    if lines is not None:
        _check_lines(lines)
        order.lines.all().delete()
        _write_lines(order, lines)
    order.updated_by = _actor(user)
    order.bump_version()
    order.save()
    return order


def _transition(order: SalesOrder, to_status: str, user, note: str = "") -> SalesOrder:
    if to_status == order.status:
        return order
    if to_status not in ORDER_TRANSITIONS[order.status]:
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.get_status_display()}; it cannot become {to_status}.",
            code="invalid_transition",
            fields={"status": [f"not allowed from {order.status}"]},
        )
    _log(order, order.status, to_status, user, note)
    order.status = to_status
    order.updated_by = _actor(user)
    order.bump_version()
    order.save(update_fields=["status", "updated_by", "version", "updated_at"])
    return order


@transaction.atomic
def sales_order_confirm(*, order: SalesOrder, user=None) -> SalesOrder:
    order = _lock_order(order)
    if order.status == OrderStatus.DRAFT:
        if not order.customer.is_active:
            raise BusinessRuleViolation(
                f"Customer {order.customer.code} is inactive.", fields={"customer": ["inactive"]}
            )
        if not order.lines.exists():
            raise BusinessRuleViolation("An order needs at least one line.", fields={"lines": ["at least one line"]})
    return _transition(order, OrderStatus.CONFIRMED, user)


def _release_open_allocations(order: SalesOrder, user) -> int:
    open_allocations = list(
        Allocation.objects.filter(line__order=order, status=AllocationStatus.RESERVED)
        .select_related("lot__material", "roll", "location")
        .order_by("id")
    )
    if open_allocations:
        stock_unreserve(
            lines=[StockLine(lot=a.lot, location=a.location, qty=a.qty, roll=a.roll) for a in open_allocations],
            document=_order_document(order),
            user=user,
        )
        Allocation.objects.filter(pk__in=[a.pk for a in open_allocations]).update(
            status=AllocationStatus.RELEASED, updated_at=timezone.now()
        )
    return len(open_allocations)


@transaction.atomic
def sales_order_cancel(*, order: SalesOrder, user=None, reason: str = "") -> SalesOrder:
    """Cancel an order that has shipped nothing, releasing every reservation it holds."""
    order = _lock_order(order)
    if OrderStatus.CANCELLED not in ORDER_TRANSITIONS[order.status]:
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.get_status_display()}; it cannot be cancelled"
            + (
                " (close it instead to release what is left)." if order.status == OrderStatus.PARTIALLY_SHIPPED else "."
            ),
            code="invalid_transition",
            fields={"status": [f"not allowed from {order.status}"]},
        )
    _release_open_allocations(order, user)
    return _transition(order, OrderStatus.CANCELLED, user, reason)


@transaction.atomic
def sales_order_close(*, order: SalesOrder, user=None, reason: str = "") -> SalesOrder:
    """Close a shipped order, or short-close a partially shipped one (releasing what is still held)."""
    order = _lock_order(order)
    if OrderStatus.CLOSED not in ORDER_TRANSITIONS[order.status]:
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.get_status_display()}; only shipped or partially shipped orders close.",
            code="invalid_transition",
            fields={"status": [f"not allowed from {order.status}"]},
        )
    _release_open_allocations(order, user)
    return _transition(order, OrderStatus.CLOSED, user, reason)


# --- allocation ---------------------------------------------------------------------------------
@dataclass
class LineAllocation:
    """What allocation did for one line; `message` says when it could not keep one dye lot / band."""

    line: SalesOrderLine
    requested: Decimal
    already: Decimal
    picks: list[tuple[StockBalance, Decimal]] = field(default_factory=list)
    message: str = ""

    @property
    def lots(self) -> list[str]:
        return sorted({b.lot.code for b, _ in self.picks})

    @property
    def shade_bands(self) -> list[str]:
        return sorted({b.roll.shade_band for b, _ in self.picks})

    def as_dict(self) -> dict:
        new = sum((q for _, q in self.picks), Decimal("0"))
        return {
            "line": self.line.pk,
            "line_no": self.line.line_no,
            "material": self.line.material.code,
            "requested": str(self.requested),
            "allocated": str(self.already + new),
            "newly_allocated": str(new),
            "rolls": [b.roll.code for b, _ in self.picks],
            "dye_lots": self.lots,
            "shade_bands": self.shade_bands,
            "single_dye_lot": len(self.lots) <= 1,
            "single_shade_band": len(self.shade_bands) <= 1,
            "message": self.message,
        }


def _available(balance: StockBalance) -> Decimal:
    return balance.on_hand - balance.reserved


def _lot_age(lot: Lot):
    # Oldest stock first (FIFO) among lots that can serve a line equally well.
    when = lot.produced_at or lot.received_at or lot.created_at
    return (when, lot.pk)


def _take(balances: list[StockBalance], need: Decimal) -> list[tuple[StockBalance, Decimal]]:
    picks = []
    for balance in sorted(balances, key=lambda b: (-_available(b), b.roll.code)):
        if need <= 0:
            break
        qty = min(_available(balance), need)
        picks.append((balance, qty))
        need -= qty
    return picks


def _plan_line(plan: LineAllocation, need: Decimal, candidates: list[StockBalance], preferred_lots: set[int]) -> None:
    """Prefer one dye lot in one shade band; then one lot across bands; then the fewest lots."""
    groups: dict[tuple[int, str], list[StockBalance]] = defaultdict(list)
    by_lot: dict[int, list[StockBalance]] = defaultdict(list)
    for balance in candidates:
        groups[(balance.lot_id, balance.roll.shade_band)].append(balance)
        by_lot[balance.lot_id].append(balance)

    def total(balances):
        return sum((_available(b) for b in balances), Decimal("0"))

    def rank(lot_id: int):
        return (lot_id not in preferred_lots, _lot_age(by_lot[lot_id][0].lot))

    whole = [key for key, balances in groups.items() if total(balances) >= need]
    if whole:
        key = min(whole, key=lambda k: rank(k[0]))
        plan.picks = _take(groups[key], need)
        return
    whole_lots = [lot_id for lot_id, balances in by_lot.items() if total(balances) >= need]
    if whole_lots:
        lot_id = min(whole_lots, key=rank)
        bands = sorted(
            (k for k in groups if k[0] == lot_id), key=lambda k: (-total(groups[k]), k[1])
        )  # biggest band first: fewest bands
        remaining = need
        for key in bands:
            taken = _take(groups[key], remaining)
            plan.picks += taken
            remaining -= sum((q for _, q in taken), Decimal("0"))
            if remaining <= 0:
                break
        plan.message = (
            f"Line {plan.line.line_no}: dye lot {plan.lots[0]} but mixed shade bands "
            f"{', '.join(b or '(unbanded)' for b in plan.shade_bands)}; no single band holds {need} m."
        )
        return
    remaining = need
    for lot_id in sorted(
        by_lot, key=lambda i: (i not in preferred_lots, -total(by_lot[i]), _lot_age(by_lot[i][0].lot))
    ):
        lot_bands = sorted((k for k in groups if k[0] == lot_id), key=lambda k: (-total(groups[k]), k[1]))
        for key in lot_bands:
            taken = _take(groups[key], remaining)
            plan.picks += taken
            remaining -= sum((q for _, q in taken), Decimal("0"))
            if remaining <= 0:
                break
        if remaining <= 0:
            break
    plan.message = (
        f"Line {plan.line.line_no} cannot be served from one dye lot: {need} m split across "
        f"{len(plan.lots)} lots ({', '.join(plan.lots)})."
    )


def _candidates(material_ids: set[int]) -> list[StockBalance]:
    held_rolls = Allocation.objects.filter(status=AllocationStatus.RESERVED).values("roll_id")
    return list(
        StockBalance.objects.filter(
            material_id__in=material_ids,
            roll__isnull=False,
            lot__qc_status=QCStatus.RELEASED,
            location__kind__in=SELLABLE_LOCATIONS,
            location__is_active=True,
            on_hand__gt=F("reserved"),
        )
        .exclude(roll_id__in=held_rolls)
        .select_related("lot__material", "roll", "location")
        .order_by("id")
    )


@transaction.atomic
def sales_order_allocate(*, order: SalesOrder, user=None) -> tuple[SalesOrder, list[LineAllocation]]:
    """Reserve released rolls for every line still short of its quantity, all lines or none.

    Rolls over the customer's points threshold or beyond its shade tolerance are never allocated.
    Each line prefers one dye lot in one shade band; when that is impossible the line's `message`
    says so. When eligible stock cannot cover every line, 409 lists each short line.
    """
    order = _lock_order(order)
    if order.status not in (OrderStatus.CONFIRMED, OrderStatus.ALLOCATED, OrderStatus.PARTIALLY_SHIPPED):
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.get_status_display()}; confirm it before allocating.",
            code="invalid_transition",
            fields={"status": ["must be confirmed, allocated or partially shipped"]},
        )
    customer = order.customer
    lines = list(
        order.lines.select_related("material")
        .annotate(
            held=Sum(
                "allocations__qty",
                filter=~Q(allocations__status=AllocationStatus.RELEASED),
                default=Decimal("0"),
            )
        )
        .order_by("line_no")
    )
    candidates = _candidates({line.material_id for line in lines})
    eligible: dict[int, list[StockBalance]] = defaultdict(list)
    excluded_points: dict[int, int] = defaultdict(int)
    excluded_shade: dict[int, int] = defaultdict(int)
    for balance in candidates:
        roll = balance.roll
        if roll.points_per_100yd2 is not None and roll.points_per_100yd2 > customer.points_threshold:
            excluded_points[balance.material_id] += 1
        elif roll.delta_e is not None and roll.delta_e > customer.shade_tolerance:
            excluded_shade[balance.material_id] += 1
        else:
            eligible[balance.material_id].append(balance)

    preferred = defaultdict(set)
    for line_id, lot_id in (
        Allocation.objects.filter(line__order=order)
        .exclude(status=AllocationStatus.RELEASED)
        .values_list("line_id", "lot_id")
    ):
        preferred[line_id].add(lot_id)

    plans: list[LineAllocation] = []
    shortfalls: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        plan = LineAllocation(line=line, requested=line.qty, already=line.held)
        plans.append(plan)
        need = line.qty - line.held
        if need <= 0:
            continue
        used = {b.roll_id for p in plans for b, _ in p.picks}
        pool = [b for b in eligible[line.material_id] if b.roll_id not in used]
        have = sum((_available(b) for b in pool), Decimal("0"))
        if have < need:
            reasons = []
            if excluded_points[line.material_id]:
                reasons.append(
                    f"{excluded_points[line.material_id]} roll(s) over the {customer.points_threshold} points/100 yd² threshold"
                )
            if excluded_shade[line.material_id]:
                reasons.append(f"{excluded_shade[line.material_id]} roll(s) beyond ΔE {customer.shade_tolerance}")
            shortfalls[f"lines.{index}.qty"] = [
                f"line {line.line_no} ({line.material.code}) needs {need} m; {have} m of released rolls is eligible"
                + (f" (excluded: {'; '.join(reasons)})" if reasons else "")
            ]
            continue
        _plan_line(plan, need, pool, preferred[line.pk])
    if shortfalls:
        raise StockShortfall(
            f"Not enough eligible stock for {len(shortfalls)} line(s); nothing was allocated.", fields=shortfalls
        )

    picks = [(plan.line, balance, qty) for plan in plans for balance, qty in plan.picks]
    if picks:
        stock_reserve(
            lines=[StockLine(lot=b.lot, location=b.location, qty=q, roll=b.roll) for _, b, q in picks],
            document=_order_document(order),
            user=user,
        )
        Allocation.objects.bulk_create(
            Allocation(
                line=line,
                roll=b.roll,
                lot=b.lot,
                location=b.location,
                qty=q,
                created_by=_actor(user),
                updated_by=_actor(user),
            )
            for line, b, q in picks
        )
    if order.status == OrderStatus.CONFIRMED:
        _transition(order, OrderStatus.ALLOCATED, user)
    return order, plans


# --- shipments ----------------------------------------------------------------------------------
def _shipped_by_line(order: SalesOrder) -> dict[int, Decimal]:
    return dict(
        ShipmentLine.objects.filter(order_line__order=order)
        .values("order_line_id")
        .annotate(total=Sum("qty"))
        .values_list("order_line_id", "total")
    )


@transaction.atomic
def shipment_create(
    *,
    order: SalesOrder,
    user=None,
    rolls: list[Roll] | None = None,
    shipped_at=None,
    carrier: str = "",
    vehicle: str = "",
    notes: str = "",
) -> Shipment:
    """Ship allocated rolls (all of the order's open allocations when `rolls` is None)."""
    order = _lock_order(order)
    if order.status not in (OrderStatus.ALLOCATED, OrderStatus.PARTIALLY_SHIPPED):
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.get_status_display()}; only allocated orders ship.",
            code="invalid_transition",
            fields={"order": ["must be allocated or partially shipped"]},
        )
    open_allocations = {
        a.roll_id: a
        for a in Allocation.objects.filter(line__order=order, status=AllocationStatus.RESERVED)
        .select_related("lot__material", "roll", "location", "line")
        .order_by("id")
    }
    if rolls is None:
        chosen = list(open_allocations.values())
        if not chosen:
            raise BusinessRuleViolation(
                f"Order {order.number} has nothing allocated to ship.", fields={"rolls": ["nothing allocated"]}
            )
    else:
        problems: dict[str, list[str]] = {}
        seen: set[int] = set()
        chosen = []
        for i, roll in enumerate(rolls):
            if roll.pk in seen:
                problems[f"rolls.{i}"] = [f"roll {roll.code} is listed twice"]
            elif roll.pk not in open_allocations:
                problems[f"rolls.{i}"] = [f"roll {roll.code} is not allocated to order {order.number}"]
            else:
                chosen.append(open_allocations[roll.pk])
            seen.add(roll.pk)
        if problems:
            raise BusinessRuleViolation("Only rolls allocated to the order can ship.", fields=problems)
    held = {
        f"rolls.{i}": [f"lot {a.lot.code} of roll {a.roll.code} is {a.lot.get_qc_status_display()}"]
        for i, a in enumerate(chosen)
        if a.lot.qc_status != QCStatus.RELEASED
    }
    if held:
        raise BusinessRuleViolation(
            "Rolls of lots that are not released cannot ship.", code="lot_not_released", fields=held
        )

    shipment = Shipment.objects.create(
        order=order,
        customer=order.customer,
        shipped_at=shipped_at or clock.now(),
        carrier=carrier,
        vehicle=vehicle,
        notes=notes,
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    _assign_number(shipment, "SH")
    moves = stock_issue(
        lines=[StockLine(lot=a.lot, location=a.location, qty=a.qty, roll=a.roll) for a in chosen],
        reason=MoveReason.SHIPMENT,
        document=Document("sales.shipment", str(shipment.pk), shipment.number),
        user=user,
        from_reserved=True,
        note=f"order {order.number}",
    )
    cost_by_roll = {move.roll_id: move.unit_cost for move in moves}
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment,
            allocation=a,
            order_line=a.line,
            roll=a.roll,
            lot=a.lot,
            qty=a.qty,
            unit_cost=cost_by_roll[a.roll_id],
        )
        for a in chosen
    )
    Allocation.objects.filter(pk__in=[a.pk for a in chosen]).update(
        status=AllocationStatus.SHIPPED, updated_at=timezone.now()
    )
    shipped = _shipped_by_line(order)
    complete = all(shipped.get(line.pk, Decimal("0")) >= line.qty for line in order.lines.all())
    _transition(order, OrderStatus.SHIPPED if complete else OrderStatus.PARTIALLY_SHIPPED, user, shipment.number)
    return shipment


# --- returns ------------------------------------------------------------------------------------
@transaction.atomic
def customer_return_create(
    *,
    shipment: Shipment,
    location: Location,
    lines: list[dict],
    reason: str,
    user=None,
    returned_at=None,
) -> CustomerReturn:
    """Rolls come back into a quarantine location; their lots go on hold until quality inspects them.

    `lines` are dicts with `roll` and optionally `qty` (default: all that shipped and has not come back).
    The stock returns at the unit cost it left with (to four decimal places).
    """
    if location.kind != LocationKind.QUARANTINE:
        raise BusinessRuleViolation(
            f"Returns go to a quarantine location; {location.code} is {location.get_kind_display()}.",
            fields={"location": ["must be a quarantine location"]},
        )
    if not lines:
        raise InvalidInput("A return needs at least one roll.", fields={"lines": ["at least one line"]})
    shipped = {
        sl.roll_id: sl
        for sl in ShipmentLine.objects.filter(shipment=shipment)
        .select_related("roll", "lot__material")
        .annotate(returned=Sum("return_lines__qty", default=Decimal("0")))
    }
    problems: dict[str, list[str]] = {}
    accepted: list[tuple[ShipmentLine, Decimal]] = []
    seen: set[int] = set()
    for i, line in enumerate(lines):
        roll: Roll = line["roll"]
        shipment_line = shipped.get(roll.pk)
        if shipment_line is None:
            problems[f"lines.{i}.roll"] = [f"roll {roll.code} was not on shipment {shipment.number}"]
            continue
        if roll.pk in seen:
            problems[f"lines.{i}.roll"] = [f"roll {roll.code} is listed twice"]
            continue
        seen.add(roll.pk)
        left = shipment_line.qty - shipment_line.returned
        qty = line.get("qty") or left
        if qty <= 0 or qty > left:
            problems[f"lines.{i}.qty"] = [f"roll {roll.code}: {left} m shipped and not yet returned, {qty} m given"]
            continue
        accepted.append((shipment_line, qty))
    if problems:
        raise BusinessRuleViolation("Only what was shipped can come back.", fields=problems)

    customer_return = CustomerReturn.objects.create(
        shipment=shipment,
        customer=shipment.customer,
        location=location,
        returned_at=returned_at or clock.now(),
        reason=reason,
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    _assign_number(customer_return, "RT")
    stock_receive(
        lines=[
            StockLine(lot=sl.lot, location=location, qty=qty, roll=sl.roll, unit_cost=sl.unit_cost.quantize(COST_IN))
            for sl, qty in accepted
        ],
        reason=MoveReason.CUSTOMER_RETURN,
        document=Document("sales.return", str(customer_return.pk), customer_return.number),
        user=user,
        note=f"return from {shipment.customer.code} of {shipment.number}",
    )
    CustomerReturnLine.objects.bulk_create(
        CustomerReturnLine(customer_return=customer_return, shipment_line=sl, roll=sl.roll, lot=sl.lot, qty=qty)
        for sl, qty in accepted
    )
    for lot in {sl.lot.pk: sl.lot for sl, _ in accepted}.values():
        if Lot.objects.filter(pk=lot.pk, qc_status=QCStatus.RELEASED).exists():
            lot_set_qc_status(
                lot=lot,
                status=QCStatus.ON_HOLD,
                user=user,
                document=Document("sales.return", str(customer_return.pk), customer_return.number),
            )
    return customer_return


# --- feedback and complaints --------------------------------------------------------------------
def _check_feedback_links(*, customer: Customer, shipment, lot, roll) -> Lot | None:
    problems: dict[str, list[str]] = {}
    if shipment is not None and shipment.customer_id != customer.pk:
        problems["shipment"] = [f"shipment {shipment.number} went to another customer"]
    if roll is not None:
        if lot is not None and roll.lot_id != lot.pk:
            problems["roll"] = [f"roll {roll.code} is not of lot {lot.code}"]
        lot = lot or roll.lot
    if shipment is not None and not problems:
        on_shipment = ShipmentLine.objects.filter(shipment=shipment)
        if roll is not None and not on_shipment.filter(roll=roll).exists():
            problems["roll"] = [f"roll {roll.code} was not on shipment {shipment.number}"]
        elif lot is not None and not on_shipment.filter(lot=lot).exists():
            problems["lot"] = [f"lot {lot.code} was not on shipment {shipment.number}"]
    if problems:
        raise BusinessRuleViolation("Feedback must name what the customer received.", fields=problems)
    return lot


@transaction.atomic
def feedback_create(
    *,
    customer: Customer,
    kind: str,
    description: str,
    user=None,
    shipment: Shipment | None = None,
    lot: Lot | None = None,
    roll: Roll | None = None,
    category: str = "other",
    rating: int | None = None,
    received_at=None,
) -> Feedback:
    """Feedback or a complaint. A complaint names the shipment (and ideally the roll or lot)."""
    if kind == FeedbackKind.COMPLAINT and shipment is None:
        raise InvalidInput("A complaint names the shipment it is about.", fields={"shipment": ["required"]})
    lot = _check_feedback_links(customer=customer, shipment=shipment, lot=lot, roll=roll)
    feedback = Feedback.objects.create(
        customer=customer,
        shipment=shipment,
        lot=lot,
        roll=roll,
        kind=kind,
        category=category,
        rating=rating,
        description=description,
        received_at=received_at or clock.now(),
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    _assign_number(feedback, "CF" if kind == FeedbackKind.COMPLAINT else "FB")
    return feedback


@transaction.atomic
def feedback_update(
    *, feedback: Feedback, user=None, status: str | None = None, resolution: str | None = None, **fields
) -> Feedback:
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status == FeedbackStatus.CLOSED:
        raise BusinessRuleViolation(f"{feedback.number} is closed.", code="not_editable", fields={"status": ["closed"]})
    for name in ("category", "description", "rating"):
        if name in fields:
            setattr(feedback, name, fields[name])
    if resolution is not None:
        feedback.resolution = resolution
    if status is not None and status != feedback.status:
        if status not in FEEDBACK_TRANSITIONS[feedback.status]:
            raise BusinessRuleViolation(
                f"{feedback.number} is {feedback.status}; it cannot become {status}.",
                code="invalid_transition",
                fields={"status": [f"not allowed from {feedback.status}"]},
            )
        if status in (FeedbackStatus.RESOLVED, FeedbackStatus.CLOSED) and not feedback.resolution.strip():
            raise InvalidInput(
                "Say how it was resolved before resolving or closing.", fields={"resolution": ["required"]}
            )
        feedback.status = status
    feedback.updated_by = _actor(user)
    feedback.bump_version()
    feedback.save()
    return feedback
