"""Every write of the production app: BOMs, work orders and job work (DESIGN §3.4).

Stock moves only through `inventory.services`; genealogy edges are written in the same
transaction as the posting that consumed the inputs, and each output lot is valued at the FIFO
cost of what it absorbed plus the stage's conversion cost (plus the dye house's fee).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Sum

from core.errors import BusinessRuleViolation, Conflict, InvalidInput, StockShortfall
from core.models import update_rows
from inventory import services as stock
from inventory.models import (
    LocationKind,
    Lot,
    LotOrigin,
    Material,
    MoveReason,
    QCStatus,
    StockBalance,
    Unit,
)
from inventory.services import Document, StockLine
from inventory.units import fabric_kg_from_m

from .formulas import gross_up, process_loss_pct, stock_kg
from .models import (
    BOM,
    Basis,
    BOMComponent,
    Consumption,
    JobWork,
    JobWorkIssue,
    JobWorkStatus,
    Machine,
    Output,
    Reservation,
    StatusLog,
    WorkOrder,
    WorkOrderStatus,
)

QTY_Q = Decimal("0.0001")
MONEY_Q = Decimal("0.0001")
# Unit costs of incoming lines go in at the precision the stock service accepts for quantities.
COST_Q = Decimal("0.0001")
MAX_BOM_DEPTH = 12

WORK_ORDER_TRANSITIONS = {
    WorkOrderStatus.DRAFT: {WorkOrderStatus.RELEASED, WorkOrderStatus.CANCELLED},
    WorkOrderStatus.RELEASED: {WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.CANCELLED},
    WorkOrderStatus.IN_PROGRESS: {WorkOrderStatus.COMPLETED},
    WorkOrderStatus.COMPLETED: {WorkOrderStatus.CLOSED},
}
JOB_WORK_TRANSITIONS = {
    JobWorkStatus.DRAFT: {JobWorkStatus.ISSUED, JobWorkStatus.CANCELLED},
    JobWorkStatus.ISSUED: {JobWorkStatus.RECONCILED},
}
RESERVE_STRATEGIES = ("fifo", "same_dye_lot", "none")
PICK_STRATEGIES = ("fifo", "same_dye_lot")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _qty(value) -> Decimal:
    return Decimal(value).quantize(QTY_Q, rounding=ROUND_HALF_UP)


def _money(value) -> Decimal:
    return Decimal(value).quantize(MONEY_Q, rounding=ROUND_HALF_UP)


def _positive(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except Exception:
        raise InvalidInput(f"{field} must be a number.", fields={field: ["must be a number"]})
    if not number.is_finite() or number <= 0:
        raise InvalidInput(f"{field} must be greater than zero.", fields={field: ["must be greater than zero"]})
    return number


def _numbered(model, prefix: str, **fields):
    """Create a document numbered from its primary key (PREFIX-000123): no gaps, no races."""
    document = model.objects.create(number=f"~{uuid.uuid4().hex[:18]}", **fields)
    document.number = f"{prefix}-{document.pk:06d}"
    model.objects.filter(pk=document.pk).update(number=document.number)
    return document


def _log(document, from_status: str, to_status: str, user, note: str = "") -> None:
    key = "work_order" if isinstance(document, WorkOrder) else "job_work"
    StatusLog.objects.create(
        **{key: document}, from_status=from_status, to_status=to_status, user=_user(user), note=note[:255]
    )


def _transition(document, to_status: str, transitions: dict, user, note: str = "") -> None:
    if to_status not in transitions.get(document.status, set()):
        raise BusinessRuleViolation(
            f"{document.number} is {document.get_status_display()}; it cannot become {to_status}.",
            code="invalid_transition",
            fields={"status": [f"{to_status} is not allowed from {document.status}"]},
        )
    _log(document, document.status, to_status, user, note)
    document.status = to_status
    document.bump_version()
    document.updated_by = _user(user)
    document.save()


# --- BOMs ---------------------------------------------------------------------------------------
@dataclass
class Requirement:
    level: int
    bom: BOM
    material: Material
    qty: Decimal  # in the material's stock unit, losses included
    loss_pct: Decimal


def output_kg_nominal(product: Material, qty) -> Decimal:
    """Mass of `qty` of a product from its nominal GSM and width (planning; rolls use their own)."""
    if product.unit == Unit.KG:
        return Decimal(qty)
    if product.is_fabric and product.gsm and product.width_cm:
        return fabric_kg_from_m(qty, product.width_cm, product.gsm)
    raise BusinessRuleViolation(
        f"{product.code} has components per kg of output but no GSM and width to weigh it.",
        code="product_not_weighable",
        fields={"product": ["needs GSM and width for per-kg components"]},
    )


def bom_requirements(*, bom: BOM, qty) -> list[Requirement]:
    """One level: what `qty` of the BOM's product needs of each component, losses included."""
    qty = Decimal(qty)
    kg = None
    rows = []
    for component in bom.components.all():
        base = qty
        if component.basis == Basis.KG:
            kg = kg if kg is not None else output_kg_nominal(bom.product, qty)
            base = kg
        rows.append(
            Requirement(
                level=1,
                bom=bom,
                material=component.material,
                qty=gross_up(base * component.qty_per_unit, component.loss_pct),
                loss_pct=component.loss_pct,
            )
        )
    return rows


def _active_boms(material_ids) -> dict[int, BOM]:
    boms = BOM.objects.filter(product_id__in=material_ids, is_active=True).select_related("product")
    return {b.product_id: b for b in boms.prefetch_related("components__material")}


def bom_explode(*, product: Material, qty) -> list[Requirement]:
    """Every level: components, then the components of those made in-house, down to purchased ones.

    One query per level, whatever the number of components.
    """
    qty = _positive(qty, "qty")
    root = _active_boms([product.pk]).get(product.pk)
    if root is None:
        raise BusinessRuleViolation(
            f"{product.code} has no active BOM.", code="no_bom", fields={"product": ["no active BOM"]}
        )
    rows: list[Requirement] = []
    frontier = [(root, qty, 1, (product.pk,))]
    while frontier:
        next_frontier = []
        level_rows = []
        for bom, need, level, path in frontier:
            if level > MAX_BOM_DEPTH:
                raise BusinessRuleViolation(
                    "The BOM structure is too deep (a cycle?).", code="bom_too_deep", fields={"product": ["too deep"]}
                )
            for row in bom_requirements(bom=bom, qty=need):
                row.level = level
                level_rows.append((row, path))
        made = _active_boms({row.material.pk for row, _ in level_rows})
        for row, path in level_rows:
            rows.append(row)
            child = made.get(row.material.pk)
            if child is not None:
                if row.material.pk in path:
                    raise BusinessRuleViolation(
                        f"{row.material.code} is made from itself.", code="bom_cycle", fields={"components": ["cycle"]}
                    )
                next_frontier.append((child, row.qty, row.level + 1, (*path, row.material.pk)))
        frontier = next_frontier
    return rows


def greige_required(*, product: Material, qty) -> Decimal:
    """Greige fabric needed for `qty` of a product, through every stage's loss."""
    return sum((r.qty for r in bom_explode(product=product, qty=qty) if r.material.kind == "greige"), Decimal(0))


def _clean_components(product: Material, components: list[dict]) -> list[dict]:
    if not components:
        raise InvalidInput("A BOM needs at least one component.", fields={"components": ["at least one"]})
    seen = set()
    for i, component in enumerate(components):
        material = component["material"]
        if material.pk == product.pk:
            raise InvalidInput(
                "A product cannot be its own component.", fields={f"components.{i}.material": ["same as the product"]}
            )
        if material.pk in seen:
            raise InvalidInput(
                f"{material.code} is listed twice.", fields={f"components.{i}.material": ["listed twice"]}
            )
        seen.add(material.pk)
        if component.get("basis") == Basis.KG and product.unit == Unit.PCS:
            raise InvalidInput(
                f"{product.code} is counted in pieces; components cannot be per kg of it.",
                fields={f"components.{i}.basis": ["per kg needs a product weighed in kg or fabric"]},
            )
    return components


def _check_no_cycle(product: Material, components: list[dict]) -> None:
    """Refuse a component whose own BOM tree already contains the product."""
    frontier = {c["material"].pk for c in components}
    seen = set()
    while frontier:
        if product.pk in frontier:
            raise BusinessRuleViolation(
                f"{product.code} would be made from itself.", code="bom_cycle", fields={"components": ["cycle"]}
            )
        seen |= frontier
        frontier = (
            set(
                BOMComponent.objects.filter(bom__product_id__in=frontier, bom__is_active=True).values_list(
                    "material_id", flat=True
                )
            )
            - seen
        )


def _write_components(bom: BOM, components: list[dict]) -> None:
    bom.components.all().delete()
    BOMComponent.objects.bulk_create(
        BOMComponent(
            bom=bom,
            material=c["material"],
            qty_per_unit=c["qty_per_unit"],
            basis=c.get("basis", Basis.UNIT),
            loss_pct=c.get("loss_pct", Decimal(0)),
            sequence=c.get("sequence", i),
        )
        for i, c in enumerate(components)
    )


def _check_single_active(product: Material, exclude_pk=None) -> None:
    other = BOM.objects.filter(product=product, is_active=True).exclude(pk=exclude_pk).first()
    if other is not None:
        raise Conflict(
            f"{product.code} already has the active BOM {other.code}; deactivate it first.",
            code="active_bom_exists",
            fields={"product": [f"active BOM {other.code} exists"]},
        )


@transaction.atomic
def bom_create(
    *,
    code: str,
    product: Material,
    stage: str,
    components: list[dict],
    conversion_cost=Decimal(0),
    is_active: bool = True,
    notes: str = "",
    user=None,
) -> BOM:
    components = _clean_components(product, components)
    if BOM.objects.filter(code=code).exists():
        raise InvalidInput(f"BOM code {code} already exists.", code="duplicate", fields={"code": ["already exists"]})
    if is_active:
        _check_single_active(product)
        _check_no_cycle(product, components)
    bom = BOM.objects.create(
        code=code,
        product=product,
        stage=stage,
        conversion_cost=conversion_cost,
        is_active=is_active,
        notes=notes,
        created_by=_user(user),
    )
    _write_components(bom, components)
    return bom


@transaction.atomic
def bom_update(*, bom: BOM, user=None, components: list[dict] | None = None, **changes) -> BOM:
    bom = BOM.objects.select_for_update().get(pk=bom.pk)
    for name, value in changes.items():
        setattr(bom, name, value)
    if components is not None:
        components = _clean_components(bom.product, components)
    if bom.is_active:
        _check_single_active(bom.product, exclude_pk=bom.pk)
        current = components if components is not None else [{"material": c.material} for c in bom.components.all()]
        _check_no_cycle(bom.product, current)
    if components is not None:
        _write_components(bom, components)
    bom.bump_version()
    bom.updated_by = _user(user)
    bom.save()
    return bom


# --- machines -----------------------------------------------------------------------------------
@transaction.atomic
def machine_create(*, code: str, name: str, stage: str, is_active: bool = True, notes: str = "", user=None) -> Machine:
    if Machine.objects.filter(code=code).exists():
        raise InvalidInput(f"Machine {code} already exists.", code="duplicate", fields={"code": ["already exists"]})
    return Machine.objects.create(
        code=code,
        name=name,
        stage=stage,
        is_active=is_active,
        notes=notes,
        created_by=_user(user),
        updated_by=_user(user),
    )


@transaction.atomic
def machine_update(*, machine: Machine, user=None, **changes) -> Machine:
    machine = Machine.objects.select_for_update().get(pk=machine.pk)
    if "code" in changes and Machine.objects.filter(code=changes["code"]).exclude(pk=machine.pk).exists():
        raise InvalidInput(
            f"Machine {changes['code']} already exists.", code="duplicate", fields={"code": ["already exists"]}
        )
    if "stage" in changes and changes["stage"] != machine.stage and machine.work_orders.exists():
        raise BusinessRuleViolation(
            f"{machine.code} has run work orders at {machine.stage}; its stage cannot change.",
            code="in_use",
            fields={"stage": ["work orders ran on this machine at its current stage"]},
        )
    for name, value in changes.items():
        setattr(machine, name, value)
    machine.bump_version()
    machine.updated_by = _user(user)
    machine.save()
    return machine


def _check_machine(machine: Machine | None, stage: str) -> None:
    """A work order runs on an active machine of its own stage (or on no named machine)."""
    if machine is None:
        return
    if machine.stage != stage:
        raise BusinessRuleViolation(
            f"{machine.code} is a {machine.stage} machine; this work order is at {stage}.",
            code="wrong_machine_stage",
            fields={"machine": [f"not a {stage} machine"]},
        )
    if not machine.is_active:
        raise BusinessRuleViolation(
            f"Machine {machine.code} is inactive.", code="machine_inactive", fields={"machine": ["inactive"]}
        )


# --- work orders --------------------------------------------------------------------------------
def _document(work_order: WorkOrder) -> Document:
    return Document("production.workorder", str(work_order.pk), work_order.number)


def _lock(work_order: WorkOrder) -> WorkOrder:
    return (
        WorkOrder.objects.select_for_update()
        .select_related("bom__product", "product", "source_location", "output_location")
        .get(pk=work_order.pk)
    )


@transaction.atomic
def work_order_create(
    *,
    bom: BOM,
    planned_qty,
    source_location,
    output_location,
    user=None,
    issue_tolerance_pct=None,
    dye_lot: str = "",
    due_date=None,
    notes: str = "",
    machine: Machine | None = None,
) -> WorkOrder:
    planned_qty = _positive(planned_qty, "planned_qty")
    if not bom.is_active:
        raise BusinessRuleViolation(f"BOM {bom.code} is inactive.", code="bom_inactive", fields={"bom": ["inactive"]})
    _check_machine(machine, bom.stage)
    if output_location.kind == LocationKind.SUBCONTRACTOR:
        raise InvalidInput(
            "Work orders produce in-house; send work out through job work.",
            fields={"output_location": ["a subcontractor location"]},
        )
    fields = {}
    if issue_tolerance_pct is not None:
        fields["issue_tolerance_pct"] = issue_tolerance_pct
    work_order = _numbered(
        WorkOrder,
        "WO",
        bom=bom,
        product=bom.product,
        stage=bom.stage,
        planned_qty=planned_qty,
        source_location=source_location,
        output_location=output_location,
        dye_lot=dye_lot,
        due_date=due_date,
        notes=notes,
        machine=machine,
        created_by=_user(user),
        **fields,
    )
    _log(work_order, "", WorkOrderStatus.DRAFT, user)
    return work_order


@transaction.atomic
def work_order_update(*, work_order: WorkOrder, user=None, **changes) -> WorkOrder:
    work_order = _lock(work_order)
    if work_order.status != WorkOrderStatus.DRAFT:
        raise BusinessRuleViolation(
            f"{work_order.number} is {work_order.get_status_display()}; only a draft can be edited.",
            code="not_editable",
            fields={"status": ["only draft work orders can be edited"]},
        )
    if "planned_qty" in changes:
        changes["planned_qty"] = _positive(changes["planned_qty"], "planned_qty")
    if "machine" in changes:
        _check_machine(changes["machine"], work_order.stage)
    for name, value in changes.items():
        setattr(work_order, name, value)
    work_order.bump_version()
    work_order.updated_by = _user(user)
    work_order.save()
    return work_order


def _available_balances(material_ids, location) -> dict[int, list[StockBalance]]:
    """Released, unreserved stock of each material at `location`, oldest lot first (FIFO): one query."""
    by_material: dict[int, list[StockBalance]] = {pk: [] for pk in material_ids}
    rows = (
        StockBalance.objects.filter(
            material_id__in=list(by_material),
            location=location,
            lot__qc_status=QCStatus.RELEASED,
            on_hand__gt=F("reserved"),
        )
        .select_related("lot__material", "roll", "location")
        .order_by("lot__created_at", "lot_id", "roll_id")
    )
    for balance in rows:
        by_material[balance.material_id].append(balance)
    return by_material


def _pick(balances: list[StockBalance], need: Decimal, same_lot: bool) -> list[StockLine] | None:
    if same_lot:
        by_lot: dict[int, list[StockBalance]] = defaultdict(list)
        for b in balances:
            by_lot[b.lot_id].append(b)
        for group in by_lot.values():
            if sum(b.available for b in group) >= need:
                return _pick(group, need, same_lot=False)
        return None
    lines, left = [], need
    for b in balances:
        if left <= 0:
            break
        take = min(b.available, left)
        lines.append(StockLine(lot=b.lot, roll=b.roll, location=b.location, qty=take))
        left -= take
    return lines if left <= 0 else None


def _requirements_by_material(work_order: WorkOrder) -> dict[int, Requirement]:
    return {r.material.pk: r for r in bom_requirements(bom=work_order.bom, qty=work_order.planned_qty)}


def _pick_by_strategy(
    work_order: WorkOrder, needs: dict[int, Requirement], strategy: str, done: str = "reserved"
) -> list[StockLine]:
    """Every component's full need from free released stock at the source (FIFO or one dye lot each).

    Raises StockShortfall naming every short component; the balances come from one query.
    """
    picked, shortfalls = [], {}
    available = _available_balances(needs, work_order.source_location)
    for need in needs.values():
        qty = need.qty.quantize(QTY_Q, rounding=ROUND_CEILING)
        balances = available[need.material.pk]
        chosen = _pick(balances, qty, same_lot=strategy == "same_dye_lot")
        if chosen is None:
            have = sum((b.available for b in balances), Decimal(0))
            where = "in one lot " if strategy == "same_dye_lot" else ""
            shortfalls[f"components.{need.material.code}"] = [
                f"{qty} {need.material.unit} needed {where}at {work_order.source_location.code}, {have} available"
            ]
        else:
            picked.extend(chosen)
    if shortfalls:
        raise StockShortfall(
            f"Not enough released stock for {len(shortfalls)} component(s); nothing was {done}.",
            fields=shortfalls,
        )
    return picked


def _resolve_lines(lines: list[dict], prefix: str = "lines") -> list[StockLine]:
    resolved = []
    for i, line in enumerate(lines):
        lot, roll = line["lot"], line.get("roll")
        if roll is None and lot.material.is_fabric:
            raise InvalidInput(
                f"{lot.material.code} is fabric: name the roll.", fields={f"{prefix}.{i}.roll": ["required for fabric"]}
            )
        resolved.append(StockLine(lot=lot, roll=roll, location=line["location"], qty=_positive(line["qty"], "qty")))
    return resolved


@transaction.atomic
def work_order_release(
    *, work_order: WorkOrder, user=None, strategy: str = "fifo", lines: list[dict] | None = None
) -> WorkOrder:
    """Reserve the BOM's materials (chosen lots, or FIFO / one dye lot from the source location)."""
    work_order = _lock(work_order)
    if work_order.status != WorkOrderStatus.DRAFT:
        raise BusinessRuleViolation(
            f"{work_order.number} is {work_order.get_status_display()}; only a draft can be released.",
            code="invalid_transition",
            fields={"status": [f"released is not allowed from {work_order.status}"]},
        )
    if strategy not in RESERVE_STRATEGIES:
        raise InvalidInput("Unknown strategy.", fields={"strategy": [f"one of: {', '.join(RESERVE_STRATEGIES)}"]})
    if lines:
        needs = _requirements_by_material(work_order)
        picked = _resolve_lines(lines)
        for i, line in enumerate(picked):
            if line.lot.material_id not in needs:
                raise BusinessRuleViolation(
                    f"{line.lot.material.code} is not in BOM {work_order.bom.code}.",
                    code="not_a_component",
                    fields={f"lines.{i}.lot": ["material not in the BOM"]},
                )
    elif strategy == "none":
        picked = []
    else:
        picked = _pick_by_strategy(work_order, _requirements_by_material(work_order), strategy)
    if picked:
        stock.stock_reserve(lines=picked, document=_document(work_order), user=user)
        Reservation.objects.bulk_create(
            Reservation(work_order=work_order, lot=p.lot, roll=p.roll, location=p.location, qty=p.qty, open_qty=p.qty)
            for p in picked
        )
    _transition(work_order, WorkOrderStatus.RELEASED, WORK_ORDER_TRANSITIONS, user)
    return work_order


def _release_reservations(work_order: WorkOrder, user) -> None:
    open_ones = list(work_order.reservations.filter(open_qty__gt=0).select_related("lot__material", "roll", "location"))
    if not open_ones:
        return
    stock.stock_unreserve(
        lines=[StockLine(lot=r.lot, roll=r.roll, location=r.location, qty=r.open_qty) for r in open_ones],
        document=_document(work_order),
        user=user,
    )
    Reservation.objects.filter(pk__in=[r.pk for r in open_ones]).update(open_qty=0)


def _split_by_reservations(
    open_ones: list[Reservation], lines: list[StockLine]
) -> tuple[list[StockLine], list[StockLine]]:
    """Each line's part reserved for the work order (its open reservations), and the rest.

    The reservations are used up; the reserved parts are issued out of the reservation and the rest
    from free stock, so issuing what release reserved is one posting.
    """
    reserved, free, touched = [], [], {}
    for line in lines:
        left = line.qty
        key = (line.lot.pk, line.roll.pk if line.roll else None, line.location.pk)
        for r in open_ones:
            if left <= 0:
                break
            if (r.lot_id, r.roll_id, r.location_id) != key:
                continue
            take = min(r.open_qty, left)
            if take <= 0:
                continue
            r.open_qty -= take
            left -= take
            touched[r.pk] = r
            reserved.append(StockLine(lot=line.lot, roll=line.roll, location=line.location, qty=take))
        if left > 0:
            free.append(StockLine(lot=line.lot, roll=line.roll, location=line.location, qty=left))
    if touched:
        update_rows(touched.values(), ["open_qty"])
    return reserved, free


@transaction.atomic
def work_order_issue(
    *, work_order: WorkOrder, user=None, lines: list[dict] | None = None, strategy: str | None = None
) -> WorkOrder:
    """Post production_issue moves from chosen lots (default: whatever release reserved).

    With nothing reserved and no lines, `strategy` ("fifo" or "same_dye_lot") picks the BOM's full
    need from free released stock at the source, as release would have reserved it, and issues it
    in the same posting (no reservation first); a shortfall issues nothing.
    """
    if strategy is not None and strategy not in PICK_STRATEGIES:
        raise InvalidInput("Unknown strategy.", fields={"strategy": [f"one of: {', '.join(PICK_STRATEGIES)}"]})
    work_order = _lock(work_order)
    if work_order.status not in (WorkOrderStatus.RELEASED, WorkOrderStatus.IN_PROGRESS):
        raise BusinessRuleViolation(
            f"{work_order.number} is {work_order.get_status_display()}; material is issued once it is released.",
            code="invalid_transition",
            fields={"status": ["issue needs a released or in-progress work order"]},
        )
    open_reservations = list(
        work_order.reservations.filter(open_qty__gt=0)
        .select_related("lot__material", "roll", "location")
        .order_by("id")
    )
    needs = _requirements_by_material(work_order)
    if lines:
        picked = _resolve_lines(lines)
    else:
        picked = [StockLine(lot=r.lot, roll=r.roll, location=r.location, qty=r.open_qty) for r in open_reservations]
        if not picked and strategy is not None:
            picked = _pick_by_strategy(work_order, needs, strategy, done="issued")
        if not picked:
            raise InvalidInput(
                "Nothing is reserved for this work order; name the lots to issue.",
                fields={"lines": ["required: nothing reserved"]},
            )
    # Nothing is issued before the first issue (the order is still released, not in progress).
    issued_before = (
        {}
        if work_order.status == WorkOrderStatus.RELEASED
        else dict(
            work_order.inputs.values("lot__material_id")
            .annotate(total=Sum("qty"))
            .values_list("lot__material_id", "total")
        )
    )
    asked: dict[int, Decimal] = defaultdict(Decimal)
    tolerance = 1 + work_order.issue_tolerance_pct / 100
    problems = {}
    for i, line in enumerate(picked):
        material = line.lot.material
        need = needs.get(material.pk)
        if need is None:
            problems[f"lines.{i}.lot"] = [f"{material.code} is not in BOM {work_order.bom.code}"]
            continue
        asked[material.pk] += line.qty
        allowed = need.qty * tolerance
        total = issued_before.get(material.pk, Decimal(0)) + asked[material.pk]
        if total > allowed:
            problems[f"lines.{i}.qty"] = [
                f"over the BOM: {_qty(need.qty)} {material.unit} of {material.code} needed for "
                f"{work_order.planned_qty} {work_order.product.unit} (+{work_order.issue_tolerance_pct}% tolerance "
                f"= {_qty(allowed)}); this would make {_qty(total)}"
            ]
    if problems:
        raise BusinessRuleViolation(
            "Issuing beyond what the BOM allows is refused; nothing was issued.", code="over_issue", fields=problems
        )
    reserved, free = _split_by_reservations(open_reservations, picked)
    issued: list[tuple[StockLine, object]] = []
    for part, from_reserved in ((reserved, True), (free, False)):
        if part:
            moves = stock.stock_issue(
                lines=part,
                reason=MoveReason.PRODUCTION_ISSUE,
                document=_document(work_order),
                user=user,
                from_reserved=from_reserved,
            )
            issued += zip(part, moves, strict=True)
    consumptions = []
    for line, move in issued:
        consumptions.append(
            Consumption(
                work_order=work_order,
                lot=line.lot,
                roll=line.roll,
                location=line.location,
                qty=line.qty,
                kg=stock_kg(line.lot.material, line.qty, line.roll),
                value=-move.value,
            )
        )
    Consumption.objects.bulk_create(consumptions)
    work_order.input_kg += sum((c.kg for c in consumptions if c.kg is not None), Decimal(0))
    work_order.input_value += sum((c.value for c in consumptions), Decimal(0))
    if work_order.status == WorkOrderStatus.RELEASED:
        _transition(work_order, WorkOrderStatus.IN_PROGRESS, WORK_ORDER_TRANSITIONS, user)
    else:
        work_order.bump_version()
        work_order.save()
    return work_order


@dataclass
class _Absorbed:
    consumption: Consumption
    qty: Decimal
    value: Decimal
    kg: Decimal | None


def _absorb(open_inputs: list[Consumption], consumed: list[dict] | None, field: str) -> list[_Absorbed]:
    """Which issued inputs an output absorbs: named ones with quantities, or all that is still open."""
    by_id = {c.pk: c for c in open_inputs}
    wanted: list[tuple[Consumption, Decimal]] = []
    if consumed:
        for i, item in enumerate(consumed):
            source = by_id.get(item["input"])
            if source is None:
                raise InvalidInput(
                    "Not an open input of this document.", fields={f"{field}.{i}.input": ["not an open input"]}
                )
            qty = _positive(item["qty"], f"{field}.{i}.qty")
            if qty > source.open_qty:
                raise BusinessRuleViolation(
                    f"Only {source.open_qty} of input {source.pk} is still open.",
                    code="over_consumption",
                    fields={f"{field}.{i}.qty": [f"at most {source.open_qty}"]},
                )
            wanted.append((source, qty))
    else:
        wanted = [(c, c.open_qty) for c in open_inputs if c.open_qty > 0]
    if not wanted:
        raise BusinessRuleViolation(
            "Nothing issued is waiting for an output; issue material first.",
            code="nothing_to_absorb",
            fields={field: ["no open input"]},
        )
    absorbed = []
    for source, qty in wanted:
        if qty == source.open_qty:  # the last piece takes the remainder, so no value is lost to rounding
            value = source.value - source.attributed_value
        else:
            value = _money(source.value * qty / source.qty)
        kg = None if source.kg is None else source.kg * qty / source.qty
        absorbed.append(_Absorbed(source, qty, value, kg))
        source.attributed_qty += qty
        source.attributed_value += value
    update_rows([source for source, _ in wanted], ["attributed_qty", "attributed_value"])
    return absorbed


def _output_lot(*, material, location, dye_lot, user, source: Document) -> Lot:
    # Output put into quarantine waits for inspection; anywhere else it is usable at once.
    status = QCStatus.QUARANTINE if location.kind == LocationKind.QUARANTINE else QCStatus.RELEASED
    return stock.lot_create(
        material=material, origin=LotOrigin.PRODUCTION, dye_lot=dye_lot, qc_status=status, source=source, user=user
    )


def _receive_output(
    *,
    lot: Lot,
    location,
    rolls: list[dict] | None,
    qty,
    total_value: Decimal,
    reason: str,
    document: Document,
    user,
) -> tuple[Decimal, Decimal | None, Decimal]:
    """Create rolls (fabric) and post them in at a share of `total_value`; returns (qty, kg, value)."""
    material = lot.material
    lines: list[StockLine] = []
    if material.is_fabric:
        made = stock.rolls_create(lot=lot, rolls=rolls, user=user)
        masses = [fabric_kg_from_m(r.length_m, r.width_cm, r.gsm) for r in made]
        out_kg = sum(masses, Decimal(0))
        out_qty = sum((r.length_m for r in made), Decimal(0))
        for roll, kg in zip(made, masses, strict=True):
            share = total_value * kg / out_kg
            lines.append(
                StockLine(lot=lot, roll=roll, location=location, qty=roll.length_m, unit_cost=share / roll.length_m)
            )
    else:
        out_qty = _positive(qty, "qty")
        out_kg = stock_kg(material, out_qty)
        lines.append(StockLine(lot=lot, location=location, qty=out_qty, unit_cost=total_value / out_qty))
    for line in lines:
        line.unit_cost = line.unit_cost.quantize(COST_Q, rounding=ROUND_HALF_UP)
    moves = stock.stock_receive(lines=lines, reason=reason, document=document, user=user)
    return out_qty, out_kg, sum((m.value for m in moves), Decimal(0))


def _check_output_shape(material: Material, rolls, qty) -> None:
    if material.is_fabric and not rolls:
        raise InvalidInput(f"{material.code} is fabric: list the rolls produced.", fields={"rolls": ["required"]})
    if not material.is_fabric and rolls:
        raise InvalidInput(f"{material.code} is not fabric; give qty, not rolls.", fields={"rolls": ["not fabric"]})
    if not material.is_fabric and qty is None:
        raise InvalidInput("Give the quantity produced.", fields={"qty": ["required"]})


def _planned_kg(material: Material, rolls, qty) -> Decimal | None:
    """Mass of an output before anything is written, so a refused output leaves no trace."""
    if not material.is_fabric:
        return stock_kg(material, _positive(qty, "qty"))
    total = Decimal(0)
    for i, r in enumerate(rolls):
        width = r.get("width_cm") or material.width_cm
        gsm = r.get("gsm") or material.gsm
        if not width or not gsm:
            raise InvalidInput(
                "A roll needs its width and GSM.",
                fields={f"rolls.{i}.width_cm": ["required"], f"rolls.{i}.gsm": ["required"]},
            )
        total += fabric_kg_from_m(_positive(r["length_m"], f"rolls.{i}.length_m"), width, gsm)
    return total


def _check_mass(absorbed: list[_Absorbed], out_kg: Decimal | None, field: str) -> Decimal | None:
    in_kg = [a.kg for a in absorbed if a.kg is not None]
    if not in_kg or out_kg is None:
        return None
    total_in = sum(in_kg, Decimal(0))
    if out_kg > total_in:
        raise BusinessRuleViolation(
            f"The output weighs {_qty(out_kg)} kg but only {_qty(total_in)} kg went in.",
            code="output_exceeds_input",
            fields={field: [f"output {_qty(out_kg)} kg exceeds input {_qty(total_in)} kg"]},
        )
    return total_in


def _common_dye_lot(absorbed: list[_Absorbed]) -> str:
    dye_lots = {a.consumption.lot.dye_lot for a in absorbed if a.consumption.lot.material.is_fabric}
    return dye_lots.pop() if len(dye_lots) == 1 else ""


@transaction.atomic
def work_order_output(
    *,
    work_order: WorkOrder,
    user=None,
    rolls: list[dict] | None = None,
    qty=None,
    dye_lot: str = "",
    consumed: list[dict] | None = None,
) -> Output:
    """Record output: a new lot (and rolls) valued at what it absorbed + conversion, with genealogy."""
    work_order = _lock(work_order)
    if work_order.status != WorkOrderStatus.IN_PROGRESS:
        raise BusinessRuleViolation(
            f"{work_order.number} is {work_order.get_status_display()}; output is recorded while in progress.",
            code="invalid_transition",
            fields={"status": ["output needs an in-progress work order"]},
        )
    product = work_order.product
    _check_output_shape(product, rolls, qty)
    open_inputs = list(
        work_order.inputs.filter(attributed_qty__lt=F("qty")).select_related("lot__material", "roll").order_by("id")
    )
    absorbed = _absorb(open_inputs, consumed, "consumed")
    in_kg = _check_mass(absorbed, _planned_kg(product, rolls, qty), "rolls" if product.is_fabric else "qty")
    material_value = sum((a.value for a in absorbed), Decimal(0))
    out_qty_planned = (
        sum((Decimal(str(r["length_m"])) for r in rolls), Decimal(0)) if product.is_fabric else Decimal(str(qty))
    )
    conversion_value = _money(work_order.bom.conversion_cost * out_qty_planned)
    if not dye_lot:
        dye_lot = work_order.dye_lot or _common_dye_lot(absorbed)
    if not dye_lot and work_order.stage == "dyeing":
        dye_lot = f"{work_order.number}-{work_order.outputs.count() + 1}"
    document = _document(work_order)
    lot = _output_lot(
        material=product, location=work_order.output_location, dye_lot=dye_lot, user=user, source=document
    )
    out_qty, out_kg, value = _receive_output(
        lot=lot,
        location=work_order.output_location,
        rolls=rolls,
        qty=qty,
        total_value=material_value + conversion_value,
        reason=MoveReason.PRODUCTION_OUTPUT,
        document=document,
        user=user,
    )
    stock.genealogy_record_many(
        edges=[stock.Edge(a.consumption.lot, lot, a.qty, parent_roll=a.consumption.roll) for a in absorbed],
        document=document,
    )
    output = Output.objects.create(
        work_order=work_order,
        lot=lot,
        qty=out_qty,
        kg=out_kg,
        input_qty=sum((a.qty for a in absorbed if a.kg is not None), Decimal(0)),
        input_kg=in_kg,
        material_value=material_value,
        conversion_value=conversion_value,
        value=value,
        process_loss_pct=process_loss_pct(in_kg, out_kg) if in_kg is not None and out_kg is not None else None,
    )
    work_order.output_qty += out_qty
    work_order.output_kg += out_kg or 0
    work_order.output_value += value
    _refresh_loss(work_order)
    work_order.bump_version()
    work_order.updated_by = _user(user)
    work_order.save()
    return output


def _refresh_loss(work_order: WorkOrder) -> None:
    totals = work_order.outputs.filter(input_kg__isnull=False, kg__isnull=False).aggregate(
        input_kg=Sum("input_kg"), kg=Sum("kg")
    )
    if totals["input_kg"]:
        work_order.process_loss_pct = process_loss_pct(totals["input_kg"], totals["kg"]).quantize(QTY_Q)


@transaction.atomic
def work_order_complete(*, work_order: WorkOrder, user=None) -> WorkOrder:
    work_order = _lock(work_order)
    if work_order.status == WorkOrderStatus.IN_PROGRESS:
        if not work_order.outputs.exists():
            raise BusinessRuleViolation(
                f"{work_order.number} has no output yet.", code="no_output", fields={"outputs": ["record output first"]}
            )
        open_inputs = work_order.inputs.filter(attributed_qty__lt=F("qty"))
        if open_inputs.exists():
            raise BusinessRuleViolation(
                "Some issued material is in no output yet; record the output that used it.",
                code="open_inputs",
                fields={"inputs": [f"{open_inputs.count()} issued line(s) not in any output"]},
            )
        _release_reservations(work_order, user)
    _transition(work_order, WorkOrderStatus.COMPLETED, WORK_ORDER_TRANSITIONS, user)
    return work_order


@transaction.atomic
def work_order_close(*, work_order: WorkOrder, user=None) -> WorkOrder:
    work_order = _lock(work_order)
    _transition(work_order, WorkOrderStatus.CLOSED, WORK_ORDER_TRANSITIONS, user)
    return work_order


@transaction.atomic
def work_order_cancel(*, work_order: WorkOrder, user=None, note: str = "") -> WorkOrder:
    work_order = _lock(work_order)
    if WorkOrderStatus.CANCELLED in WORK_ORDER_TRANSITIONS.get(work_order.status, set()):
        _release_reservations(work_order, user)
    _transition(work_order, WorkOrderStatus.CANCELLED, WORK_ORDER_TRANSITIONS, user, note)
    return work_order


# --- job work -----------------------------------------------------------------------------------
def _jw_document(job_work: JobWork) -> Document:
    return Document("production.jobwork", str(job_work.pk), job_work.number)


def _lock_jw(job_work: JobWork) -> JobWork:
    return JobWork.objects.select_for_update().select_related("partner_location", "output_material").get(pk=job_work.pk)


def _require_jw_status(job_work: JobWork, allowed: tuple[str, ...], action: str) -> None:
    if job_work.status not in allowed:
        raise BusinessRuleViolation(
            f"{job_work.number} is {job_work.get_status_display()}; it cannot {action}.",
            code="invalid_transition",
            fields={"status": [f"{action} needs status {' or '.join(allowed)}"]},
        )


@transaction.atomic
def job_work_create(
    *, partner_location, output_material: Material, fee_per_kg=Decimal(0), stage: str = "dyeing", notes="", user=None
) -> JobWork:
    if partner_location.kind != LocationKind.SUBCONTRACTOR:
        raise InvalidInput(
            "Job work goes to a subcontractor location.", fields={"partner_location": ["not a subcontractor location"]}
        )
    if not output_material.is_fabric:
        raise InvalidInput("Job work returns fabric.", fields={"output_material": ["not fabric"]})
    job_work = _numbered(
        JobWork,
        "JW",
        partner_location=partner_location,
        output_material=output_material,
        fee_per_kg=fee_per_kg,
        stage=stage,
        notes=notes,
        created_by=_user(user),
    )
    _log(job_work, "", JobWorkStatus.DRAFT, user)
    return job_work


@transaction.atomic
def job_work_issue(*, job_work: JobWork, lines: list[dict], user=None) -> JobWork:
    """Send fabric to the dye house: a transfer to its location (the stock stays ours)."""
    job_work = _lock_jw(job_work)
    _require_jw_status(job_work, (JobWorkStatus.DRAFT, JobWorkStatus.ISSUED), "issue fabric")
    picked = _resolve_lines(lines)
    for i, line in enumerate(picked):
        if not line.lot.material.is_fabric:
            raise InvalidInput("Job work takes fabric rolls.", fields={f"lines.{i}.lot": ["not fabric"]})
    stock.stock_transfer(
        lines=picked,
        to_location=job_work.partner_location,
        reason=MoveReason.JOB_WORK,
        document=_jw_document(job_work),
        user=user,
    )
    issues = [
        JobWorkIssue(
            job_work=job_work,
            lot=line.lot,
            roll=line.roll,
            from_location=line.location,
            qty=line.qty,
            kg=stock_kg(line.lot.material, line.qty, line.roll),
        )
        for line in picked
    ]
    JobWorkIssue.objects.bulk_create(issues)
    job_work.issued_qty += sum((i.qty for i in issues), Decimal(0))
    job_work.issued_kg += sum((i.kg for i in issues), Decimal(0))
    if job_work.status == JobWorkStatus.DRAFT:
        _transition(job_work, JobWorkStatus.ISSUED, JOB_WORK_TRANSITIONS, user)
    else:
        job_work.bump_version()
        job_work.save()
    return job_work


def _pick_issues(job_work: JobWork, items: list[dict] | None, field: str) -> list[tuple[JobWorkIssue, Decimal]]:
    open_issues = {
        i.pk: i for i in job_work.issues.select_related("lot__material", "roll", "from_location").order_by("id")
    }
    if not items:
        chosen = [(i, i.open_qty) for i in open_issues.values() if i.open_qty > 0]
        if not chosen:
            raise BusinessRuleViolation(
                "Nothing is left at the dye house.", code="nothing_outstanding", fields={field: ["nothing outstanding"]}
            )
        return chosen
    chosen = []
    for n, item in enumerate(items):
        issue = open_issues.get(item["issue"])
        if issue is None:
            raise InvalidInput("Not an issue of this job work.", fields={f"{field}.{n}.issue": ["unknown issue"]})
        qty = _positive(item["qty"], f"{field}.{n}.qty")
        if qty > issue.open_qty:
            raise BusinessRuleViolation(
                f"Only {issue.open_qty} of that issue is still at the dye house.",
                code="over_consumption",
                fields={f"{field}.{n}.qty": [f"at most {issue.open_qty}"]},
            )
        chosen.append((issue, qty))
    return chosen


@transaction.atomic
def job_work_receive(
    *,
    job_work: JobWork,
    rolls: list[dict],
    to_location,
    user=None,
    consumed: list[dict] | None = None,
    dye_lot: str = "",
) -> Output:
    """Processed fabric back from the dye house: a new lot and rolls, at greige cost + fee, with genealogy."""
    job_work = _lock_jw(job_work)
    _require_jw_status(job_work, (JobWorkStatus.ISSUED,), "receive fabric")
    if to_location.kind == LocationKind.SUBCONTRACTOR:
        raise InvalidInput("Receive into one of our locations.", fields={"to_location": ["a subcontractor location"]})
    material = job_work.output_material
    _check_output_shape(material, rolls, None)
    chosen = _pick_issues(job_work, consumed, "consumed")
    out_kg_planned = _planned_kg(material, rolls, None)
    in_kg = sum((issue.kg * qty / issue.qty for issue, qty in chosen), Decimal(0))
    if out_kg_planned > in_kg:
        raise BusinessRuleViolation(
            f"The fabric received weighs {_qty(out_kg_planned)} kg but only {_qty(in_kg)} kg was sent.",
            code="output_exceeds_input",
            fields={"rolls": [f"output {_qty(out_kg_planned)} kg exceeds input {_qty(in_kg)} kg"]},
        )
    document = _jw_document(job_work)
    lines = [StockLine(lot=i.lot, roll=i.roll, location=job_work.partner_location, qty=q) for i, q in chosen]
    moves = stock.stock_issue(lines=lines, reason=MoveReason.JOB_WORK, document=document, user=user)
    material_value = -sum((m.value for m in moves), Decimal(0))
    fee_value = _money(job_work.fee_per_kg * out_kg_planned)
    if not dye_lot:
        dye_lot = f"{job_work.number}-{job_work.outputs.count() + 1}"
    lot = _output_lot(material=material, location=to_location, dye_lot=dye_lot, user=user, source=document)
    out_qty, out_kg, value = _receive_output(
        lot=lot,
        location=to_location,
        rolls=rolls,
        qty=None,
        total_value=material_value + fee_value,
        reason=MoveReason.PRODUCTION_OUTPUT,
        document=document,
        user=user,
    )
    stock.genealogy_record_many(
        edges=[stock.Edge(issue.lot, lot, qty, parent_roll=issue.roll) for issue, qty in chosen], document=document
    )
    consumptions = []
    for (issue, qty), move in zip(chosen, moves, strict=True):
        JobWorkIssue.objects.filter(pk=issue.pk).update(consumed_qty=F("consumed_qty") + qty)
        consumptions.append(
            Consumption(
                job_work=job_work,
                lot=issue.lot,
                roll=issue.roll,
                location=job_work.partner_location,
                qty=qty,
                kg=issue.kg * qty / issue.qty,
                value=-move.value,
                attributed_qty=qty,
                attributed_value=-move.value,
            )
        )
    Consumption.objects.bulk_create(consumptions)
    in_qty = sum((q for _, q in chosen), Decimal(0))
    output = Output.objects.create(
        job_work=job_work,
        lot=lot,
        qty=out_qty,
        kg=out_kg,
        input_qty=in_qty,
        input_kg=in_kg,
        material_value=material_value,
        fee_value=fee_value,
        value=value,
        process_loss_pct=process_loss_pct(in_kg, out_kg),
    )
    job_work.consumed_qty += in_qty
    job_work.consumed_kg += in_kg
    job_work.received_qty += out_qty
    job_work.received_kg += out_kg
    job_work.bump_version()
    job_work.updated_by = _user(user)
    job_work.save()
    return output


@transaction.atomic
def job_work_return(*, job_work: JobWork, to_location, user=None, items: list[dict] | None = None) -> JobWork:
    """Unprocessed fabric back from the dye house (a transfer home), default: all that is outstanding."""
    job_work = _lock_jw(job_work)
    _require_jw_status(job_work, (JobWorkStatus.ISSUED,), "take fabric back")
    if to_location.kind == LocationKind.SUBCONTRACTOR:
        raise InvalidInput("Return into one of our locations.", fields={"to_location": ["a subcontractor location"]})
    chosen = _pick_issues(job_work, items, "items")
    stock.stock_transfer(
        lines=[StockLine(lot=i.lot, roll=i.roll, location=job_work.partner_location, qty=q) for i, q in chosen],
        to_location=to_location,
        reason=MoveReason.JOB_WORK,
        document=_jw_document(job_work),
        user=user,
        note="returned unprocessed",
    )
    for issue, qty in chosen:
        JobWorkIssue.objects.filter(pk=issue.pk).update(returned_qty=F("returned_qty") + qty)
        job_work.returned_qty += qty
        job_work.returned_kg += issue.kg * qty / issue.qty
    job_work.bump_version()
    job_work.updated_by = _user(user)
    job_work.save()
    return job_work


def job_work_reconciliation(job_work: JobWork) -> dict:
    """issued = received + loss + returned (+ what is still at the dye house), in metres and in kg."""
    figures = {}
    for unit, suffix in (("qty", "qty"), ("kg", "kg")):
        issued = getattr(job_work, f"issued_{suffix}")
        consumed = getattr(job_work, f"consumed_{suffix}")
        received = getattr(job_work, f"received_{suffix}")
        returned = getattr(job_work, f"returned_{suffix}")
        loss = consumed - received
        outstanding = issued - consumed - returned
        figures[unit] = {
            "issued": _qty(issued),
            "received": _qty(received),
            "loss": _qty(loss),
            "returned": _qty(returned),
            "outstanding": _qty(outstanding),
        }
    figures["shrinkage_pct"] = (
        None if not job_work.consumed_qty else _qty(process_loss_pct(job_work.consumed_qty, job_work.received_qty))
    )
    figures["mass_loss_pct"] = (
        None if not job_work.consumed_kg else _qty(process_loss_pct(job_work.consumed_kg, job_work.received_kg))
    )
    figures["balanced"] = figures["qty"]["outstanding"] == 0
    return figures


@transaction.atomic
def job_work_reconcile(*, job_work: JobWork, user=None) -> JobWork:
    job_work = _lock_jw(job_work)
    _require_jw_status(job_work, (JobWorkStatus.ISSUED,), "be reconciled")
    figures = job_work_reconciliation(job_work)
    if not figures["balanced"]:
        outstanding = figures["qty"]["outstanding"]
        raise BusinessRuleViolation(
            f"{outstanding} m is still at the dye house: issued ≠ received + loss + returned.",
            code="not_reconciled",
            fields={"issued": [f"{outstanding} m outstanding; receive or return it first"]},
        )
    _transition(job_work, JobWorkStatus.RECONCILED, JOB_WORK_TRANSITIONS, user)
    return job_work


@transaction.atomic
def job_work_cancel(*, job_work: JobWork, user=None) -> JobWork:
    job_work = _lock_jw(job_work)
    _transition(job_work, JobWorkStatus.CANCELLED, JOB_WORK_TRANSITIONS, user)
    return job_work
