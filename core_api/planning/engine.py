"""The MRP calculation: demand → netting → lot sizing → lead-time offset → explosion → capacity.

It reads the ERP (a fixed number of queries, whatever the number of materials) and returns plain
rows; `services.planning_results_write` stores them. Nothing here writes.

Rules (DESIGN §3.3–3.4):

- Buckets are ISO weeks; week 0 is the run date's week (its Monday). Requirements dated earlier
  fall in week 0 and are reported as past due.
- Gross demand of a SKU in a week = max(confirmed order lines, forecast): orders consume the
  forecast of their own week, so a week's demand is never counted twice; a week whose orders exceed
  the forecast takes the orders. (Forecast consumption without carrying over to other weeks.)
  The forecast is the planner's active override where one exists, else the newest forecast row.
  An order line counts what is still open: ordered − shipped − allocated (allocated rolls are
  already reserved, so they are taken off both sides).
- Netting: projected = released on hand − reserved + scheduled receipts (open purchase order lines
  by promised date, open work orders by due date, drafts included so a firmed planned order is not
  planned again; other incoming sources registered with inventory count in week 0) − gross.
  When projected falls below safety stock, a planned order covers the shortfall. Safety stock =
  the accepted optimiser recommendation's reorder point, else the reorder rule's min, else 0.
- Lot sizing ("auto"): the optimiser's order quantity (multiples of it), else min/max when the
  reorder rule has max > min (order up to max), else the rule's multiple, else lot for lot; a
  supplier's MOQ is the floor of a purchase. `lot_for_lot` forces lot for lot (MOQ still applies).
- A material with an active BOM is made: a planned work order due at the bucket's Monday, started
  lead-time days earlier (the BOM's planning row, else the stage default); its components are
  required in the week it starts, grossed up by their loss % (production's `bom_requirements`, so
  greige = finished ÷ Π(1 − loss)). Anything else is bought: the supplier with a price list valid
  on the run date, never an inactive or very-poor one, ranked by standing, then lead time, then
  price; ordered lead-time days before it is due.
- Capacity: a planned work order's output, weighed from the product's nominal GSM and width (kg
  for kg materials), loads its machine group (the BOM's planning row, else the first active group
  of the BOM's stage) in the week it starts; a week's load above capacity per day × working days
  is flagged. Existing open work orders are not part of the load.
- Materials are planned in low-level-code order so every parent's orders are known before a
  component is netted. A BOM cycle is reported and its materials are not exploded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from core.errors import BusinessRuleViolation
from inventory.models import Material, MaterialKind, QCStatus, ReorderRule, StockBalance
from inventory.supply import ON_ORDER, PLANNED_PRODUCTION, incoming_by_source
from ml_service.models import Forecast, ForecastOverride, Recommendation
from procurement.models import POStatus, PriceList, PurchaseOrderLine, Standing, SupplierScorecard
from production.models import BOM, WorkOrder, WorkOrderStatus
from production.services import bom_requirements, output_kg_nominal
from sales.models import OPEN_ORDER_STATUSES, Allocation, AllocationStatus, SalesOrderLine

from .models import (
    DEFAULT_STAGE_LEAD_DAYS,
    ExceptionCode,
    LotSizing,
    MachineGroup,
    OrderType,
    Severity,
)

ZERO = Decimal(0)
STEP = Decimal("0.0001")
# Materials that are normally made in the mill: without a BOM (and no supplier) they are "no BOM".
MADE_KINDS = (MaterialKind.GREIGE, MaterialKind.FINISHED, MaterialKind.GARMENT)
OPEN_PO = (POStatus.DRAFT, POStatus.SUBMITTED, POStatus.APPROVED, POStatus.PARTIALLY_RECEIVED)
OPEN_WO = (WorkOrderStatus.DRAFT, WorkOrderStatus.RELEASED, WorkOrderStatus.IN_PROGRESS)
STANDING_RANK = {Standing.GOOD: 0, Standing.AVERAGE: 1, None: 2, Standing.POOR: 3}


def up(value: Decimal) -> Decimal:
    return Decimal(value).quantize(STEP, rounding=ROUND_CEILING)


def text(value: Decimal) -> str:
    """A quantity for pegging: no trailing zeros, no exponent."""
    return f"{Decimal(value).normalize():f}"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Order:
    seq: int
    order_type: str
    material: object
    week: date
    start_date: date
    due_date: date
    net_qty: Decimal
    qty: Decimal
    lot_sizing: str
    pegging: list
    past_due: bool = False
    bom: object = None
    stage: str = ""
    machine_group: object = None
    supplier: object = None
    price_list: object = None
    load_kg: Decimal | None = None


@dataclass
class Issue:
    code: str
    severity: str
    message: str
    material: object = None
    machine_group: object = None
    week: date | None = None
    qty: Decimal | None = None
    details: dict = field(default_factory=dict)


@dataclass
class Load:
    machine_group: object
    week: date
    load_kg: Decimal
    capacity_kg: Decimal

    @property
    def overloaded(self) -> bool:
        return self.load_kg > self.capacity_kg


@dataclass
class Plan:
    start_week: date
    weeks: list[date]
    orders: list[Order] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    materials_planned: int = 0


def _root_pegs(pegs: list[dict]) -> list[dict]:
    """The independent demand behind some pegs (order lines, forecast weeks, safety stock)."""
    roots = []
    for peg in pegs:
        if peg["kind"] == "planned_order":
            roots.extend(peg.get("serves", []))
        else:
            roots.append(peg)
    return roots


class Planner:
    def __init__(self, *, run_date: date, horizon_weeks: int, warehouse_id: int | None = None, lot_sizing="auto"):
        self.run_date = run_date
        self.horizon = horizon_weeks
        self.warehouse_id = warehouse_id
        self.lot_sizing = lot_sizing
        self.start_week = monday(run_date)
        self.weeks = [self.start_week + timedelta(weeks=i) for i in range(horizon_weeks)]
        self.end = self.start_week + timedelta(weeks=horizon_weeks)
        self.gross: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * self.horizon)
        self.pegs: dict[int, list[list[dict]]] = defaultdict(lambda: [[] for _ in range(self.horizon)])
        self.materials: dict[int, object] = {}
        self.plan = Plan(start_week=self.start_week, weeks=self.weeks)
        self._seq = 0

    # --- helpers ------------------------------------------------------------------------------
    def index(self, day: date) -> int:
        return (day - self.start_week).days // 7

    def issue(self, code, severity, message, **kw) -> None:
        self.plan.issues.append(Issue(code=code, severity=severity, message=message, **kw))

    # --- 1. independent demand ----------------------------------------------------------------
    def load_demand(self) -> None:
        allocated = (
            Allocation.objects.filter(line=OuterRef("pk"), status=AllocationStatus.RESERVED)
            .values("line")
            .annotate(total=Sum("qty"))
            .values("total")
        )
        lines = (
            SalesOrderLine.objects.filter(order__status__in=OPEN_ORDER_STATUSES, requested_date__lt=self.end)
            .select_related("order", "material")
            .annotate(
                shipped=Coalesce(Sum("shipment_lines__qty"), ZERO),
                allocated=Coalesce(Subquery(allocated), ZERO),
            )
            .order_by("requested_date", "order_id", "line_no")
        )
        orders: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        order_pegs: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for line in lines:
            open_qty = line.qty - line.shipped - line.allocated
            if open_qty <= 0:
                continue
            self.materials[line.material_id] = line.material
            i = max(self.index(line.requested_date), 0)
            orders[(line.material_id, i)] += open_qty
            order_pegs[(line.material_id, i)].append(
                {
                    "kind": "sales_order_line",
                    "id": line.pk,
                    "order": line.order.number or f"SO#{line.order_id}",
                    "line_no": line.line_no,
                    "requested_date": line.requested_date.isoformat(),
                    "qty": text(open_qty),
                }
            )
            if line.requested_date < self.run_date:
                self.issue(
                    ExceptionCode.PAST_DUE,
                    Severity.WARNING,
                    f"{line.material.code}: order line {line.order.number}/{line.line_no} was requested for "
                    f"{line.requested_date}, before the run date; planned in the first week.",
                    material=line.material,
                    week=self.weeks[0],
                    qty=open_qty,
                    details={"sales_order_line": line.pk, "requested_date": line.requested_date.isoformat()},
                )
        forecast: dict[tuple[int, int], tuple[Decimal, str]] = {}
        rows = (
            Forecast.objects.filter(week__gte=self.start_week, week__lt=self.end)
            .select_related("material")
            .order_by("material_id", "week", "-created_at", "-id")
        )
        for row in rows:
            key = (row.material_id, self.index(row.week))
            if key not in forecast:  # the newest row of that material and week
                forecast[key] = (max(row.yhat, ZERO), "forecast")
                self.materials[row.material_id] = row.material
        overrides = ForecastOverride.objects.filter(
            is_active=True, week__gte=self.start_week, week__lt=self.end
        ).select_related("material")
        for override in overrides:
            forecast[(override.material_id, self.index(override.week))] = (override.qty, "override")
            self.materials[override.material_id] = override.material
        for key in set(orders) | set(forecast):
            material_id, i = key
            ordered = orders.get(key, ZERO)
            fc, source = forecast.get(key, (ZERO, ""))
            self.gross[material_id][i] += max(ordered, fc)
            self.pegs[material_id][i].extend(order_pegs.get(key, []))
            if fc > ordered:
                self.pegs[material_id][i].append(
                    {"kind": "forecast", "week": self.weeks[i].isoformat(), "source": source, "qty": text(fc - ordered)}
                )

    # --- 2. structure -------------------------------------------------------------------------
    def load_structure(self) -> None:
        """Active BOMs of everything reachable, cycles found, low-level codes assigned."""
        boms: dict[int, BOM] = {}
        frontier = set(self.materials)
        frontier |= set(ReorderRule.objects.filter(is_active=True).values_list("material_id", flat=True))
        frontier |= set(Recommendation.objects.filter(accepted=True).values_list("material_id", flat=True))
        seen: set[int] = set()
        while frontier:
            seen |= frontier
            found = (
                BOM.objects.filter(product_id__in=frontier, is_active=True)
                .select_related("product", "planning__machine_group")
                .prefetch_related("components__material")
            )
            next_frontier = set()
            for bom in found:
                boms[bom.product_id] = bom
                self.materials[bom.product_id] = bom.product
                for component in bom.components.all():
                    self.materials.setdefault(component.material_id, component.material)
                    if component.material_id not in seen:
                        next_frontier.add(component.material_id)
            frontier = next_frontier
        missing = seen - set(self.materials)
        if missing:
            for material in Material.objects.filter(pk__in=missing):
                self.materials[material.pk] = material
        self.boms = boms
        self.children = {pid: [c.material_id for c in bom.components.all()] for pid, bom in boms.items()}
        self._find_cycles()
        self._low_level_codes()

    def _find_cycles(self) -> None:
        self.cyclic: set[int] = set()
        state: dict[int, int] = {}  # 1 on the stack, 2 done
        for root in sorted(self.materials):
            if state.get(root):
                continue
            stack = [(root, iter(self.children.get(root, ())))]
            path = [root]
            state[root] = 1
            while stack:
                node, it = stack[-1]
                child = next(it, None)
                if child is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                    continue
                if state.get(child) == 1:
                    cycle = path[path.index(child) :]
                    if not set(cycle) <= self.cyclic:
                        codes = [self.materials[m].code for m in cycle]
                        self.issue(
                            ExceptionCode.BOM_CYCLE,
                            Severity.ERROR,
                            "BOM cycle: " + " → ".join([*codes, codes[0]]) + "; these materials are not exploded.",
                            material=self.materials[child],
                            details={"materials": codes, "boms": [self.boms[m].code for m in cycle]},
                        )
                    self.cyclic |= set(cycle)
                elif not state.get(child):
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(self.children.get(child, ()))))

    def _low_level_codes(self) -> None:
        edges = {p: [c for c in cs] for p, cs in self.children.items() if p not in self.cyclic}
        indegree: dict[int, int] = defaultdict(int)
        for _parent, kids in edges.items():
            for kid in kids:
                indegree[kid] += 1
        self.llc = dict.fromkeys(self.materials, 0)
        ready = [m for m in self.materials if indegree[m] == 0]
        order = []
        while ready:
            node = ready.pop()
            order.append(node)
            for kid in edges.get(node, ()):
                self.llc[kid] = max(self.llc[kid], self.llc[node] + 1)
                indegree[kid] -= 1
                if indegree[kid] == 0:
                    ready.append(kid)
        # Materials on a cycle (and below one) never reach zero in-degree: plan them last.
        deepest = max(self.llc.values(), default=0) + 1
        for material_id in self.materials:
            if material_id not in order:
                self.llc[material_id] = deepest

    # --- 3. supply and policies ---------------------------------------------------------------
    def load_supply(self) -> None:
        ids = list(self.materials)
        self.receipts: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * self.horizon)
        self.available: dict[int, Decimal] = defaultdict(Decimal)
        balances = StockBalance.objects.filter(material_id__in=ids, lot__qc_status=QCStatus.RELEASED)
        if self.warehouse_id:
            balances = balances.filter(location__warehouse_id=self.warehouse_id)
        for row in balances.values("material_id").annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved")):
            self.available[row["material_id"]] = row["on_hand"] - row["reserved"]
        po_lines = PurchaseOrderLine.objects.filter(
            material_id__in=ids, order__status__in=OPEN_PO, qty__gt=F("qty_received")
        )
        if self.warehouse_id:
            po_lines = po_lines.filter(order__warehouse_id=self.warehouse_id)
        for material_id, qty, received, promised in po_lines.values_list(
            "material_id", "qty", "qty_received", "promised_date"
        ):
            self._receive(material_id, promised, qty - received)
        work_orders = WorkOrder.objects.filter(product_id__in=ids, status__in=OPEN_WO)
        if self.warehouse_id:
            work_orders = work_orders.filter(output_location__warehouse_id=self.warehouse_id)
        for material_id, planned, made, due in work_orders.values_list(
            "product_id", "planned_qty", "output_qty", "due_date"
        ):
            self._receive(material_id, due or self.run_date, max(planned - made, ZERO))
        for name, totals in incoming_by_source(ids, self.warehouse_id).items():
            if name in (ON_ORDER, PLANNED_PRODUCTION):
                continue  # counted above, by date
            for material_id, qty in totals.items():
                self._receive(material_id, self.run_date, qty)

        self.safety: dict[int, Decimal] = {}
        self.order_qty: dict[int, Decimal] = {}
        recs = Recommendation.objects.filter(material_id__in=ids, accepted=True).order_by(
            "material_id", F("accepted_at").desc(nulls_last=True), "-id"
        )
        for rec in recs:
            if rec.material_id in self.safety:
                continue
            self.safety[rec.material_id] = rec.reorder_point
            if rec.order_qty and rec.order_qty > 0:
                self.order_qty[rec.material_id] = rec.order_qty
        self.rules: dict[int, dict] = {}
        rules = ReorderRule.objects.filter(material_id__in=ids, is_active=True)
        if self.warehouse_id:
            rules = rules.filter(warehouse_id=self.warehouse_id)
        for rule in rules.order_by("material_id", "warehouse_id"):
            entry = self.rules.setdefault(rule.material_id, {"min": ZERO, "max": ZERO, "multiple": rule.multiple})
            entry["min"] += rule.min_qty
            entry["max"] += rule.max_qty
        for material_id, rule in self.rules.items():
            self.safety.setdefault(material_id, rule["min"])

        standing = Subquery(
            SupplierScorecard.objects.filter(supplier=OuterRef("supplier")).order_by("-period").values("standing")[:1]
        )
        entries = (
            PriceList.objects.filter(material_id__in=ids, valid_from__lte=self.run_date, supplier__is_active=True)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.run_date))
            .select_related("supplier")
            .annotate(standing=standing)
        )
        self.sources: dict[int, list] = defaultdict(list)
        self.blocked: dict[int, list[str]] = defaultdict(list)
        for entry in entries:
            if entry.standing == Standing.VERY_POOR:
                self.blocked[entry.material_id].append(entry.supplier.code)
                continue
            self.sources[entry.material_id].append(entry)
        for candidates in self.sources.values():
            candidates.sort(
                key=lambda e: (STANDING_RANK.get(e.standing, 2), e.lead_time_days, e.price, e.supplier.code, e.pk)
            )

        self.groups_by_stage: dict[str, MachineGroup] = {}
        self.groups = list(MachineGroup.objects.filter(is_active=True).order_by("code"))
        for group in self.groups:
            self.groups_by_stage.setdefault(group.stage, group)

    def _receive(self, material_id: int, day: date, qty: Decimal) -> None:
        if qty <= 0 or day >= self.end:
            return
        self.receipts[material_id][max(self.index(day), 0)] += qty

    # --- 4. netting, lot sizing, explosion ----------------------------------------------------
    def lot_size(self, material_id: int, net: Decimal, projected: Decimal) -> tuple[Decimal, str]:
        if self.lot_sizing == LotSizing.LOT_FOR_LOT:
            return net, LotSizing.LOT_FOR_LOT
        if material_id in self.order_qty:
            q = self.order_qty[material_id]
            return (net / q).to_integral_value(rounding=ROUND_CEILING) * q, LotSizing.OPTIMISER
        rule = self.rules.get(material_id)
        if rule:
            multiple = rule["multiple"] if rule["multiple"] > 0 else Decimal(1)
            if rule["max"] > rule["min"]:
                qty = max(net, rule["max"] - projected)
                return (qty / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple, LotSizing.MIN_MAX
            if multiple != 1:
                return (net / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple, LotSizing.FIXED_MULTIPLE
        return net, LotSizing.LOT_FOR_LOT

    def plan_material(self, material_id: int) -> None:
        material = self.materials[material_id]
        gross = self.gross[material_id]
        receipts = self.receipts[material_id]
        safety = self.safety.get(material_id, ZERO)
        bom = self.boms.get(material_id)
        if material_id in self.cyclic:
            bom = None
        projected = self.available.get(material_id, ZERO)
        unplanned: list[tuple[int, Decimal]] = []
        for i in range(self.horizon):
            projected += receipts[i] - gross[i]
            if projected >= safety:
                continue
            net = up(safety - projected)
            pegs = self.pegs[material_id][i] or [{"kind": "safety_stock", "qty": text(net)}]
            if material_id in self.cyclic or (bom is None and not self.sources.get(material_id)):
                unplanned.append((i, net))
                projected += net
                continue
            qty, rule = self.lot_size(material_id, net, projected)
            if bom is not None:
                order = self._work_order(material, bom, i, net, up(qty), rule, pegs)
            else:
                order = self._purchase_order(material, i, net, qty, rule, pegs)
            projected += order.qty
        if unplanned:
            self._unplanned(material, unplanned)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _past_due(self, order: Order) -> None:
        if order.start_date >= self.run_date:
            return
        order.past_due = True
        verb = "start" if order.order_type == OrderType.WORK_ORDER else "be ordered"
        self.issue(
            ExceptionCode.PAST_DUE,
            Severity.ERROR,
            f"{order.material.code}: {order.qty.normalize()} {order.material.unit} due {order.due_date} should "
            f"{verb} on {order.start_date}, before the run date.",
            material=order.material,
            week=order.week,
            qty=order.qty,
            details={"planned_order": order.seq, "start_date": order.start_date.isoformat()},
        )

    def _work_order(self, material, bom, i, net, qty, rule, pegs) -> Order:
        planning = getattr(bom, "planning", None)  # None when the BOM has no planning row
        lead = planning.lead_time_days if planning else DEFAULT_STAGE_LEAD_DAYS.get(bom.stage, 0)
        group = (planning.machine_group if planning else None) or self.groups_by_stage.get(bom.stage)
        due = self.weeks[i]
        order = Order(
            seq=self._next_seq(),
            order_type=OrderType.WORK_ORDER,
            material=material,
            week=due,
            start_date=due - timedelta(days=lead),
            due_date=due,
            net_qty=net,
            qty=qty,
            lot_sizing=rule,
            pegging=pegs,
            bom=bom,
            stage=bom.stage,
            machine_group=group,
        )
        self._past_due(order)
        self.plan.orders.append(order)
        try:
            order.load_kg = output_kg_nominal(material, qty)
        except BusinessRuleViolation:
            self.issue(
                ExceptionCode.NOT_WEIGHABLE,
                Severity.WARNING,
                f"{material.code} has no GSM and width: its load on the machines is unknown.",
                material=material,
                week=due,
            )
        if group is None:
            self.issue(
                ExceptionCode.NO_MACHINE_GROUP,
                Severity.WARNING,
                f"BOM {bom.code} ({bom.stage}) loads no machine group; its capacity is not checked.",
                material=material,
                week=due,
                details={"bom": bom.code, "stage": bom.stage},
            )
        start_index = max(self.index(order.start_date), 0)
        try:
            requirements = bom_requirements(bom=bom, qty=qty)
        except BusinessRuleViolation as exc:
            self.issue(
                ExceptionCode.NOT_WEIGHABLE,
                Severity.ERROR,
                f"BOM {bom.code} cannot be exploded: {exc.message}",
                material=material,
                week=due,
                qty=qty,
            )
            return order
        serves = _root_pegs(pegs)
        for requirement in requirements:
            component = requirement.material.pk
            self.gross[component][start_index] += requirement.qty
            self.pegs[component][start_index].append(
                {
                    "kind": "planned_order",
                    "seq": order.seq,
                    "material": material.code,
                    "due_date": due.isoformat(),
                    "qty": text(up(requirement.qty)),
                    "serves": serves,
                }
            )
        return order

    def _purchase_order(self, material, i, net, qty, rule, pegs) -> Order:
        entry = self.sources[material.pk][0]
        if qty < entry.min_order_qty:
            qty = entry.min_order_qty
        due = self.weeks[i]
        order = Order(
            seq=self._next_seq(),
            order_type=OrderType.PURCHASE_ORDER,
            material=material,
            week=due,
            start_date=due - timedelta(days=entry.lead_time_days),
            due_date=due,
            net_qty=net,
            qty=up(qty),
            lot_sizing=rule,
            pegging=pegs,
            supplier=entry.supplier,
            price_list=entry,
        )
        self._past_due(order)
        self.plan.orders.append(order)
        return order

    def _unplanned(self, material, unplanned: list[tuple[int, Decimal]]) -> None:
        total = sum((qty for _, qty in unplanned), ZERO)
        weeks = [{"week": self.weeks[i].isoformat(), "qty": text(qty)} for i, qty in unplanned]
        first = self.weeks[unplanned[0][0]]
        if material.pk in self.cyclic:
            code, why = ExceptionCode.BOM_CYCLE, "is on a BOM cycle"
        elif self.blocked.get(material.pk):
            code = ExceptionCode.NO_SUPPLIER
            why = f"has only blocked (very poor) suppliers: {', '.join(sorted(self.blocked[material.pk]))}"
        elif material.kind in MADE_KINDS:
            code, why = ExceptionCode.NO_BOM, "has no active BOM and no supplier"
        else:
            code, why = ExceptionCode.NO_SUPPLIER, "has no supplier with a valid price list"
        self.issue(
            code,
            Severity.ERROR,
            f"{material.code} {why}: {total.normalize()} {material.unit} needed from {first} is not planned.",
            material=material,
            week=first,
            qty=total,
            details={"requirements": weeks},
        )

    # --- 5. capacity --------------------------------------------------------------------------
    def capacity(self) -> None:
        load: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for order in self.plan.orders:
            if order.machine_group is None or order.load_kg is None:
                continue
            i = min(max(self.index(order.start_date), 0), self.horizon - 1)
            load[(order.machine_group.pk, i)] += order.load_kg
        groups = {g.pk: g for g in self.groups}
        for order in self.plan.orders:
            if order.machine_group is not None:
                groups.setdefault(order.machine_group.pk, order.machine_group)
        for group in sorted(groups.values(), key=lambda g: g.code):
            capacity = group.capacity_kg_per_week
            for i, week in enumerate(self.weeks):
                row = Load(machine_group=group, week=week, load_kg=load.get((group.pk, i), ZERO), capacity_kg=capacity)
                self.plan.loads.append(row)
                if row.overloaded:
                    self.issue(
                        ExceptionCode.CAPACITY_OVERLOAD,
                        Severity.WARNING,
                        f"{group.code} is loaded {row.load_kg.quantize(Decimal('0.1'))} kg in the week of {week} "
                        f"against {capacity.quantize(Decimal('0.1'))} kg.",
                        machine_group=group,
                        week=week,
                        qty=row.load_kg,
                        details={"capacity_kg": str(capacity), "load_kg": str(row.load_kg)},
                    )

    # --- all ----------------------------------------------------------------------------------
    def run(self, report=None) -> Plan:
        report = report or (lambda pct, msg="": None)
        self.load_demand()
        report(10, "demand")
        self.load_structure()
        self.load_supply()
        report(25, "supply")
        ordered = sorted(self.materials, key=lambda m: (self.llc[m], self.materials[m].code))
        for n, material_id in enumerate(ordered, 1):
            self.plan_material(material_id)
            if n % 25 == 0:
                report(25 + 65 * n / len(ordered), f"{n}/{len(ordered)} materials")
        self.plan.materials_planned = len(ordered)
        self.capacity()
        report(95, "capacity")
        return self.plan
