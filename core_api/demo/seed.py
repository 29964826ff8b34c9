"""Build the demo mill through Weft's own services: master data, then history week by week.

Every stock change goes through `inventory.services` (directly or via the procurement, production,
quality and sales services), each posted at its business date with `core.clock.posting_time`, so
the ledger, genealogy and KPIs over past periods read like a real mill's history.

The simulation, per week: goods arrive against purchase orders (some late, some in two parts) and
pass or fail incoming inspection (failures go back to the supplier); customers order (see
`demand.py`); orders due soon are allocated from released finished rolls and shipped; purchasing
reorders what the coming weeks will use; production knits/weaves greige, dyes it in-house or at the
dye house, finishes it and inspects every roll (4-point and shade) before releasing the lot; a few
shipments bring complaints or returns.
"""

from __future__ import annotations

import math
import random
import sys
import time as timer
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from core import clock
from core.errors import StockShortfall
from inventory import services as stock
from inventory.models import (
    GenealogyEdge,
    Location,
    LocationKind,
    Lot,
    Material,
    MaterialKind,
    QCStatus,
    Roll,
    StockBalance,
    StockMove,
)
from planning import services as planning
from procurement import services as procurement
from procurement.models import POStatus, PurchaseOrder, Supplier
from production import services as production
from production.models import BOM, Basis, JobWork, Machine, Stage, WorkOrder
from quality import services as quality
from quality.models import (
    DefectType,
    InspectionStage,
    ParameterKind,
    PointsThreshold,
    RejectionReason,
    RollInspection,
)
from sales import services as sales
from sales.models import Customer, FeedbackKind, OrderStatus, SalesOrder, SalesOrderLine, Shipment
from sales.services import SELLABLE_LOCATIONS
from users.models import User
from users.roles import ROLES
from users.services import demo_users_ensure

from . import catalogue as cat
from .demand import plan_orders, plan_promotions

D = Decimal
Q2 = D("0.01")
Q4 = D("0.0001")

# How much stock and how many documents: finished rolls of ~100 m, dye lots of at least MIN_BATCH_M.
FINISHED_ROLL_M = 250.0
DYED_ROLL_M = 1200.0
GREIGE_ROLL_M = 1500.0
MIN_BATCH_M = D("2000")
# Line sizes relative to the customer profiles (keeps the number of rolls, and seeding time, in check).
DEMAND_VOLUME = 0.6
# Unfulfilled orders are retried for allocation this long after their requested date, then left open.
RETRY_DAYS = 35
JOB_WORK_SHARE = 0.3  # share of dye lots sent to the dye house
LEAD_IN_WEEKS = 6  # purchasing and production start this long before the first order
COMPLAINT_RATE = 0.03
RETURN_RATE = 0.008
# The machines of each stage and the machine groups planning pools them in (capacity kg/day each);
# the last number is how rough a finishing range runs (a multiplier of its lots' 4-point scores).
MACHINE_GROUPS = (
    ("KNIT-CIRC", "Circular knitting", Stage.KNITTING, D("450"), "CK", "Mayer & Cie circular knitter", 6),
    ("WEAVE-AJ", "Air-jet weaving", Stage.WEAVING, D("300"), "AJ", "Toyota air-jet loom", 6),
    ("DYE-JET", "Soft-flow jet dyeing", Stage.DYEING, D("1000"), "JD", "Thies soft-flow jet", 4),
    ("FIN-STENTER", "Stenters", Stage.FINISHING, D("3000"), "ST", "Brückner stenter", 3),
)
FINISHING_ROUGHNESS = {"ST-01": 0.75, "ST-02": 1.0, "ST-03": 1.7}
KNIT_DEFECTS = (DefectType.NEEDLE_LINE, DefectType.DROP_STITCH, DefectType.BARRE, DefectType.SLUB, DefectType.STAIN)
WOVEN_DEFECTS = (
    DefectType.BROKEN_END,
    DefectType.MISSING_PICK,
    DefectType.THICK_PLACE,
    DefectType.THIN_PLACE,
    DefectType.SLUB,
)


class Progress:
    def __init__(self, out=None):
        self.out = out if out is not None else sys.stderr
        self.started = timer.monotonic()

    def __call__(self, message: str) -> None:
        self.out.write(f"[{timer.monotonic() - self.started:7.1f}s] {message}\n")
        self.out.flush()


def mill_has_data() -> bool:
    return Material.objects.exists() or Supplier.objects.exists() or Customer.objects.exists()


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _composition(yarns: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Fibre shares of a fabric from its yarns, whole percent summing to 100."""
    shares: dict[str, Decimal] = defaultdict(D)
    for code, share in yarns:
        for fibre, pct in cat.YARN_BY_CODE[code].composition.items():
            shares[fibre] += D(share) * D(pct)
    rounded = {fibre: int(value.quantize(D("1"))) for fibre, value in shares.items()}
    biggest = max(rounded, key=lambda f: (rounded[f], f))
    rounded[biggest] += 100 - sum(rounded.values())
    return {fibre: str(value) for fibre, value in sorted(rounded.items()) if value > 0}


@dataclass
class Delivery:
    day: date
    order: PurchaseOrder
    parts: list[tuple[object, Decimal]]  # (po line, qty)
    profile: cat.SupplierProfile


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Seeder:
    def __init__(self, *, years: float, seed: int, today: date | None = None, progress: Progress | None = None):
        self.years = years
        self.seed = seed
        self.today = today or timezone.localdate()
        self.start = history_start(years=years, today=self.today)
        self.progress = progress or Progress()
        self.rng = random.Random(f"weft-demo-{seed}")
        self.tz = timezone.get_current_timezone()
        self.stats = Stats()
        self.deliveries: list[Delivery] = []
        self.held_lots: list[tuple[date, Lot]] = []
        self.pending_feedback: list[tuple[date, str, dict]] = []

    # --- helpers ----------------------------------------------------------------------------------
    def at(self, day: date, hour: int = 9, minute: int = 0):
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)), self.tz)
        return clock.posting_time(min(moment, timezone.now()))

    def count(self, name: str, n: int = 1) -> None:
        self.stats.counts[name] += n

    # --- master data ------------------------------------------------------------------------------
    def master_data(self) -> None:
        existing = {u.username: u for u in User.objects.filter(username__in=ROLES)}
        if len(existing) < len(ROLES):
            demo_users_ensure(password=settings.WEFT_ADMIN_PASSWORD)
            existing = {u.username: u for u in User.objects.filter(username__in=ROLES)}
        self.user = existing
        u = self.user["admin"]
        self.mill = stock.warehouse_create(code="MILL", name="Tirupur composite mill", user=u)
        self.fgw = stock.warehouse_create(code="FG", name="Finished goods warehouse", user=u)
        mk = stock.location_create
        self.stores = mk(warehouse=self.mill, code="MILL-ST", name="Yarn, greige and dye stores", kind="stores", user=u)
        self.qa = mk(warehouse=self.mill, code="MILL-QA", name="Incoming quarantine", kind="quarantine", user=u)
        self.floor = mk(
            warehouse=self.mill, code="MILL-PF", name="Dyeing and finishing floor", kind="production", user=u
        )
        self.dyehouse = mk(
            warehouse=self.mill,
            code="DH-SRI",
            name="Sri Murugan Dyeing (job work)",
            kind=LocationKind.SUBCONTRACTOR,
            partner_name="Sri Murugan Dyeing Works",
            user=u,
        )
        self.fg_qa = mk(
            warehouse=self.fgw, code="FG-QA", name="Final inspection and returns", kind="quarantine", user=u
        )
        self.fg = mk(warehouse=self.fgw, code="FG-ST", name="Finished goods", kind="finished_goods", user=u)

        self.materials: dict[str, Material] = {}
        for y in cat.YARNS:
            self.materials[y.code] = stock.material_create(
                code=y.code,
                name=y.name,
                kind="yarn",
                yarn_count_value=D(y.count_value),
                yarn_count_system=y.count_system,
                composition=y.composition,
                standard_cost=D(y.cost),
                user=u,
            )
        for c in cat.CONSUMABLES:
            self.materials[c.code] = stock.material_create(
                code=c.code, name=c.name, kind=c.kind, standard_cost=D(c.cost), user=u
            )
        for art in cat.ARTICLES:
            comp = _composition(art.yarns)
            self.materials[cat.greige_code(art)] = stock.material_create(
                code=cat.greige_code(art),
                name=f"{art.name} greige",
                kind="greige",
                article=art.code,
                composition=comp,
                gsm=D(art.greige_gsm),
                width_cm=D(art.greige_width_cm),
                construction=art.construction,
                standard_cost=D(art.price) * D("0.45"),
                user=u,
            )
            gsm_d, width_d = cat.dyed_geometry(art)
            for colour in art.colours:
                shade = cat.COLOURS[colour]
                self.materials[cat.dyed_code(art, colour)] = stock.material_create(
                    code=cat.dyed_code(art, colour),
                    name=f"{art.name} {shade.name}, dyed (before finishing)",
                    kind="finished",
                    composition=comp,
                    gsm=gsm_d,
                    width_cm=width_d,
                    construction=art.construction,
                    shade_code=colour,
                    standard_cost=D(art.price) * D("0.6"),
                    description="Dyed, not yet finished: work in process between dyeing and finishing.",
                    user=u,
                )
                self.materials[cat.finished_code(art, colour)] = stock.material_create(
                    code=cat.finished_code(art, colour),
                    name=f"{art.name} {shade.name}",
                    kind="finished",
                    article=art.code,
                    composition=comp,
                    gsm=D(art.gsm),
                    width_cm=D(art.width_cm),
                    construction=art.construction,
                    shade_code=colour,
                    standard_cost=D(art.price) * D("0.7"),
                    user=u,
                )
        self.count("materials", len(self.materials))
        self.progress(f"master data: {len(self.materials)} materials, 2 warehouses, 6 locations")
        self._boms(u)
        self._machines()
        self._suppliers()
        self._quality_setup()
        self._customers()

    def _boms(self, u) -> None:
        self.boms: dict[str, BOM] = {}
        m = self.materials
        for art in cat.ARTICLES:
            loss = cat.KNIT_LOSS if art.stage == "knitting" else cat.WEAVE_LOSS
            components = [
                {"material": m[y], "qty_per_unit": D(share), "basis": Basis.KG, "loss_pct": loss}
                for y, share in art.yarns
            ]
            if art.stage == "weaving":
                components += [
                    {"material": m[c], "qty_per_unit": D(q), "basis": Basis.KG} for c, q in cat.WEAVE_CHEMICALS
                ]
            greige = cat.greige_code(art)
            self.boms[greige] = production.bom_create(
                code=f"BOM-{greige}",
                product=m[greige],
                stage=art.stage,
                components=components,
                conversion_cost=D("0.35") if art.family == "knit" else D("0.55"),
                user=u,
            )
            for colour in art.colours:
                dyed, finished = cat.dyed_code(art, colour), cat.finished_code(art, colour)
                recipe = [{"material": m[greige], "qty_per_unit": cat.greige_per_dyed_m(art), "loss_pct": cat.DYE_LOSS}]
                recipe += [
                    {"material": m[d], "qty_per_unit": D(q), "basis": Basis.KG} for d, q in cat.COLOURS[colour].dyes
                ]
                recipe += [{"material": m[c], "qty_per_unit": D(q), "basis": Basis.KG} for c, q in cat.DYE_CHEMICALS]
                self.boms[dyed] = production.bom_create(
                    code=f"BOM-{dyed}",
                    product=m[dyed],
                    stage=Stage.DYEING,
                    components=recipe,
                    conversion_cost=D("0.40"),
                    notes=f"Dye recipe for shade {colour}",
                    user=u,
                )
                finishing = [
                    {"material": m[dyed], "qty_per_unit": cat.dyed_per_finished_m(art), "loss_pct": cat.FINISH_LOSS}
                ]
                finishing += [
                    {"material": m[c], "qty_per_unit": D(q), "basis": Basis.KG} for c, q in cat.FINISH_CHEMICALS
                ]
                self.boms[finished] = production.bom_create(
                    code=f"BOM-{finished}",
                    product=m[finished],
                    stage=Stage.FINISHING,
                    components=finishing,
                    conversion_cost=D("0.15"),
                    user=u,
                )
        # Components with their materials, so planning reads a BOM without a query per component.
        prefetched = BOM.objects.filter(pk__in=[b.pk for b in self.boms.values()]).select_related("product")
        by_pk = {b.pk: b for b in prefetched.prefetch_related("components__material")}
        self.boms = {code: by_pk[b.pk] for code, b in self.boms.items()}
        self.count("boms", len(self.boms))
        self.progress(f"BOMs: {len(self.boms)} (knitting/weaving, dyeing recipes, finishing)")

    def _machines(self) -> None:
        """The floor's machines, one stage each, pooled into planning's machine groups."""
        u = self.user["production"]
        self.machines: dict[str, list[Machine]] = {}
        self.machine_runs: dict[str, int] = defaultdict(int)
        for code, name, stage, per_machine, prefix, model, count in MACHINE_GROUPS:
            machines = [
                production.machine_create(code=f"{prefix}-{k:02d}", name=f"{model} no. {k}", stage=stage, user=u)
                for k in range(1, count + 1)
            ]
            self.machines[stage] = machines
            planning.machine_group_create(
                code=code,
                name=name,
                stage=stage,
                capacity_kg_per_day=per_machine * count,
                days_per_week=6,
                machines=machines,
                user=self.user["planner"],
            )
        self.count("machines", sum(len(m) for m in self.machines.values()))
        self.progress(f"machines: {self.stats.counts['machines']} in {len(MACHINE_GROUPS)} machine groups")

    def _next_machine(self, stage: str) -> Machine | None:
        """Work goes round the stage's machines in turn."""
        machines = self.machines.get(stage)
        if not machines:
            return None
        self.machine_runs[stage] += 1
        return machines[(self.machine_runs[stage] - 1) % len(machines)]

    def _suppliers(self) -> None:
        u = self.user["purchaser"]
        self.suppliers: dict[str, Supplier] = {}
        self.profiles: dict[str, cat.SupplierProfile] = {}
        self.sources: dict[str, list[cat.SupplierProfile]] = defaultdict(list)
        for p in cat.SUPPLIERS:
            supplier = procurement.supplier_create(
                code=p.code,
                name=p.name,
                payment_terms=p.terms,
                address="",
                contacts=[{"name": f"{p.name.split()[0]} sales desk", "email": f"sales@{p.code[4:].lower()}.example"}],
                user=u,
            )
            self.suppliers[p.code] = supplier
            self.profiles[p.code] = p
            for code in p.supplies:
                material = self.materials[code]
                moq = D("100") if material.kind == MaterialKind.YARN else D("25")
                procurement.price_list_create(
                    supplier=supplier,
                    material=material,
                    price=(material.standard_cost * D(str(p.price_factor))).quantize(Q4),
                    currency="USD",
                    valid_from=self.start - timedelta(days=120),
                    min_order_qty=moq,
                    lead_time_days=p.lead_days,
                    user=u,
                )
                self.sources[code].append(p)
        for code in list(self.sources):
            rule_min = D("500") if self.materials[code].kind == MaterialKind.YARN else D("50")
            stock.reorder_rule_create(
                material=self.materials[code],
                warehouse=self.mill,
                min_qty=rule_min,
                max_qty=rule_min * 4,
                multiple=D("25"),
                user=u,
            )
        self.count("suppliers", len(self.suppliers))
        self.progress(f"suppliers: {len(self.suppliers)} with price lists and reorder rules")

    def _quality_setup(self) -> None:
        u = self.user["quality"]
        for name, limit, text in (
            ("standard", "40", "Common 4-point acceptance"),
            ("strict", "28", "Strict buyers"),
            ("premium", "20", "Premium buyers"),
        ):
            PointsThreshold.objects.get_or_create(
                name=name, defaults={"max_points_per_100yd2": D(limit), "description": text}
            )
        self.reasons = {}
        for code, text in (
            ("COUNT-CV", "Yarn count variation out of limit"),
            ("STRENGTH", "Tenacity below specification"),
            ("CONTAM", "Contamination / foreign fibre"),
            ("DYE-STR", "Dye strength out of range"),
            ("SHADE", "Shade out of tolerance"),
        ):
            self.reasons[code] = RejectionReason.objects.get_or_create(code=code, defaults={"description": text})[0]
        self.yarn_template = quality.template_create(
            name="Yarn incoming",
            stage=InspectionStage.RECEIPT,
            material_kind="yarn",
            user=u,
            parameters=[
                {"name": "Count CV %", "kind": ParameterKind.NUMERIC, "unit": "%", "max_value": D("2.5")},
                {"name": "Tenacity", "kind": ParameterKind.NUMERIC, "unit": "cN/tex", "min_value": D("14")},
                {"name": "Contamination free", "kind": ParameterKind.PASS_FAIL},
            ],
        )
        self.chem_template = quality.template_create(
            name="Dye and chemical incoming",
            stage=InspectionStage.RECEIPT,
            user=u,
            parameters=[
                {
                    "name": "Strength vs standard",
                    "kind": ParameterKind.NUMERIC,
                    "unit": "%",
                    "min_value": D("95"),
                    "max_value": D("105"),
                },
                {"name": "Appearance", "kind": ParameterKind.PASS_FAIL},
            ],
        )
        self.final_template = quality.template_create(
            name="Finished fabric final",
            stage=InspectionStage.FINAL,
            material_kind="finished",
            user=u,
            parameters=[
                {
                    "name": "GSM deviation",
                    "kind": ParameterKind.NUMERIC,
                    "unit": "%",
                    "min_value": D("-5"),
                    "max_value": D("5"),
                },
                {
                    "name": "Width deviation",
                    "kind": ParameterKind.NUMERIC,
                    "unit": "%",
                    "min_value": D("-3"),
                    "max_value": D("3"),
                },
                {"name": "Shade continuity", "kind": ParameterKind.PASS_FAIL},
            ],
        )
        self.params = {
            t.pk: {p.name: p.pk for p in t.parameters.all()}
            for t in (self.yarn_template, self.chem_template, self.final_template)
        }
        self.standards = {}
        with self.at(self.start - timedelta(days=120)):
            for colour in cat.COLOURS.values():
                self.standards[colour.code] = quality.shade_standard_create(
                    shade_code=colour.code,
                    lab_dip_ref=f"LD-{colour.code}-01",
                    lab_l=D(str(colour.lab[0])),
                    lab_a=D(str(colour.lab[1])),
                    lab_b=D(str(colour.lab[2])),
                    tolerance=D("1.000"),
                    approved_at=clock.now(),
                    user=u,
                )
        self.progress("quality: thresholds 40/28/20, rejection reasons, 3 templates, shade standards")

    def _customers(self) -> None:
        u = self.user["sales"]
        self.customers: dict[str, Customer] = {}
        for p in cat.CUSTOMERS:
            self.customers[p.code] = sales.customer_create(
                code=p.code,
                name=p.name,
                points_threshold=D(p.points_threshold),
                shade_tolerance=D(p.shade_tolerance),
                address="",
                contacts=[{"name": "Fabric buyer", "role": "buyer", "email": f"buyer@{p.code[2:].lower()}.example"}],
                user=u,
            )
        self.count("customers", len(self.customers))
        self.progress(f"customers: {len(self.customers)} (4-point thresholds 40/28/20)")

    # --- the plan ---------------------------------------------------------------------------------
    def plan(self) -> None:
        self.orders, promotions = demand_plan(seed=self.seed, start=self.start, end=self.today)
        self.orders_by_week: dict[date, list] = defaultdict(list)
        for order in self.orders:
            self.orders_by_week[_monday(order.order_date)].append(order)
        # What one finished metre consumes of each purchased material and greige (losses included).
        self.factor = {
            cat.finished_code(art, colour): cat.consumption_per_finished_m(art, colour) for art, colour in cat.skus()
        }
        # Expected finished metres per week and SKU (the planners' forecast is the plan, smoothed).
        self.expected: dict[date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(D))
        for order in self.orders:
            week = _monday(order.order_date)
            for line in order.lines:
                self.expected[week][f"F-{line.article}-{line.colour}"] += line.qty
        lines = sum(len(o.lines) for o in self.orders)
        self.progress(f"demand plan: {len(self.orders)} orders, {lines} lines, {len(promotions)} promotions")

    def forecast(self, week: date, weeks: int) -> dict[str, Decimal]:
        """Finished metres per SKU expected over the next `weeks` weeks (the plan, smoothed over 3 weeks)."""
        total: dict[str, Decimal] = defaultdict(D)
        for k in range(weeks):
            for sku, qty in self.expected.get(week + timedelta(weeks=k), {}).items():
                total[sku] += qty
        return total

    # --- the weekly loop --------------------------------------------------------------------------
    def history(self) -> None:
        first = _monday(self.start) - timedelta(weeks=LEAD_IN_WEEKS)
        week = first
        month = None
        while week <= self.today:
            if (week.year, week.month) != month:
                month = (week.year, week.month)
                c = self.stats.counts
                self.progress(
                    f"{week:%Y-%m}: orders {c['sales_orders']}, shipments {c['shipments']}, "
                    f"receipts {c['receipts']}, work orders {c['work_orders']}, rolls {c['finished_rolls']}"
                )
            with transaction.atomic():
                self.week(week)
            week += timedelta(weeks=1)

    def week(self, week: date) -> None:
        self.receive(week)
        self.release_held(week)
        self.take_orders(week)
        self.ship(week)
        self.purchase(week)
        self.produce(week)

    # --- purchasing and receiving -----------------------------------------------------------------
    def _positions(self) -> dict[int, Decimal]:
        on_hand = dict(
            StockBalance.objects.filter(material__kind__in=("yarn", "dye", "chemical"))
            .exclude(lot__qc_status=QCStatus.REJECTED)
            .values("material_id")
            .annotate(q=Sum("on_hand"))
            .values_list("material_id", "q")
        )
        on_order = procurement_on_order()
        return {mid: on_hand.get(mid, D(0)) + on_order.get(mid, D(0)) for mid in set(on_hand) | set(on_order)}

    def purchase(self, week: date) -> None:
        if week >= self.start and week.isocalendar().week % 2:
            return  # purchasing reviews stock every other week
        day = week if week <= self.today else self.today
        need_per_week: dict[str, Decimal] = defaultdict(D)
        horizon = 8
        forecast = self.forecast(week, horizon)
        if week < self.start:  # before the first order: expect the first weeks' demand
            forecast = self.forecast(_monday(self.start), horizon)
        for sku, qty in forecast.items():
            for code, per_m in self.factor[sku].items():
                if code in self.sources:
                    need_per_week[code] += qty * per_m / horizon
        positions = self._positions()
        by_supplier: dict[str, list[dict]] = defaultdict(list)
        for code in sorted(need_per_week):
            weekly = need_per_week[code]
            if weekly <= 0:
                continue
            options = self.sources[code]
            profile = self.rng.choices(options, weights=[1 / (p.price_factor**6) for p in options])[0]
            lead_weeks = math.ceil(profile.lead_days / 7) + 1
            position = positions.get(self.materials[code].pk, D(0))
            if position >= weekly * (lead_weeks + 3):
                continue
            qty = weekly * (lead_weeks + 7) - position
            step = D("100") if self.materials[code].kind == MaterialKind.YARN else D("25")
            qty = max(step, (qty / step).to_integral_value(rounding="ROUND_CEILING") * step)
            by_supplier[profile.code].append({"material": self.materials[code], "qty": qty})
        for code in sorted(by_supplier):
            profile = self.profiles[code]
            with self.at(day, 10):
                outcome = procurement.purchase_order_create(
                    supplier=self.suppliers[code],
                    warehouse=self.mill,
                    lines=by_supplier[code],
                    order_date=day,
                    user=self.user["purchaser"],
                )
                order = outcome.document
                procurement.purchase_order_submit(order=order, user=self.user["purchaser"])
            with self.at(day, 15):
                procurement.purchase_order_approve(order=order, user=self.user["purchase_manager"])
            self.count("purchase_orders")
            self._schedule(order, profile, day)

    def _schedule(self, order: PurchaseOrder, profile: cat.SupplierProfile, day: date) -> None:
        lines = list(order.lines.select_related("material").order_by("line_no"))
        promised = day + timedelta(days=profile.lead_days)
        if self.rng.random() < profile.late_probability:
            arrival = promised + timedelta(days=self.rng.randint(2, profile.max_late_days))
        else:
            arrival = promised - timedelta(days=self.rng.randint(0, 3))
        arrival = max(arrival, day)
        over = D("1.02") if self.rng.random() < 0.1 else D("1")
        if self.rng.random() < profile.split_probability:
            first = [(line, (line.qty * D("0.6")).quantize(Q4)) for line in lines]
            rest = [(line, (line.qty * over).quantize(Q4) - q) for line, q in first]
            self.deliveries.append(Delivery(arrival, order, first, profile))
            self.deliveries.append(Delivery(arrival + timedelta(days=self.rng.randint(7, 18)), order, rest, profile))
        else:
            self.deliveries.append(
                Delivery(arrival, order, [(line, (line.qty * over).quantize(Q4)) for line in lines], profile)
            )

    def receive(self, week: date) -> None:
        end = min(week + timedelta(days=6), self.today)
        due = sorted((d for d in self.deliveries if d.day <= end), key=lambda d: (d.day, d.order.pk))
        self.deliveries = [d for d in self.deliveries if d.day > end]
        for delivery in due:
            day = delivery.day
            with self.at(day, 11):
                receipt = procurement.receipt_create(
                    purchase_order=delivery.order,
                    received_on=day,
                    location=self.qa,
                    delivery_note=f"DN-{delivery.profile.code[4:8]}-{delivery.order.pk:05d}",
                    lines=[
                        {"po_line": line, "qty": qty, "supplier_lot": f"{delivery.profile.code[4:8]}{day:%y%m%d}{i}"}
                        for i, (line, qty) in enumerate(delivery.parts, start=1)
                    ],
                    user=self.user["storekeeper"],
                )
            self.count("receipts")
            inspect_day = min(day + timedelta(days=1), self.today)
            rejected = []
            for receipt_line in receipt.lines.select_related("lot__material").order_by("id"):
                lot = receipt_line.lot
                if self.inspect_incoming(lot, delivery.profile, inspect_day):
                    continue
                rejected.append(lot)
            if rejected:
                return_day = min(inspect_day + timedelta(days=2), self.today)
                with self.at(return_day, 14):
                    procurement.supplier_return_create(
                        supplier=self.suppliers[delivery.profile.code],
                        lines=[{"lot": lot, "location": self.qa} for lot in rejected],
                        returned_on=return_day,
                        debit_note_ref=f"DBN-{receipt.number}",
                        reason="Failed incoming inspection",
                        user=self.user["storekeeper"],
                    )
                self.count("supplier_returns")

    def inspect_incoming(self, lot: Lot, profile: cat.SupplierProfile, day: date) -> bool:
        fail = self.rng.random() < profile.reject_probability
        rng = self.rng
        if lot.material.kind == MaterialKind.YARN:
            template = self.yarn_template
            names = self.params[template.pk]
            cv = D(str(round(rng.uniform(2.6, 3.6) if fail else rng.uniform(1.2, 2.3), 2)))
            results = [
                {"parameter": names["Count CV %"], "value_numeric": cv},
                {"parameter": names["Tenacity"], "value_numeric": D(str(round(rng.uniform(14.5, 19.5), 1)))},
                {"parameter": names["Contamination free"], "value_bool": not (fail and rng.random() < 0.3)},
            ]
            reasons = [self.reasons["COUNT-CV"]] + ([self.reasons["CONTAM"]] if not results[2]["value_bool"] else [])
        else:
            template = self.chem_template
            names = self.params[template.pk]
            strength = rng.uniform(89, 94) if fail else rng.uniform(97, 103)
            results = [
                {"parameter": names["Strength vs standard"], "value_numeric": D(str(round(strength, 1)))},
                {"parameter": names["Appearance"], "value_bool": True},
            ]
            reasons = [self.reasons["DYE-STR"]]
        with self.at(day, 13):
            quality.inspection_create(
                lot=lot,
                template=template,
                results=results,
                decision="reject" if fail else "release",
                rejection_reasons=reasons if fail else (),
                release_to=None if fail else self.stores,
                user=self.user["quality"],
            )
        self.count("incoming_inspections")
        if fail:
            self.count("rejected_lots")
        return not fail

    # --- sales --------------------------------------------------------------------------------
    def take_orders(self, week: date) -> None:
        for planned in self.orders_by_week.get(week, []):
            customer = self.customers[planned.customer]
            with self.at(planned.order_date, 9 + self.rng.randint(0, 7), self.rng.randint(0, 59)):
                order = sales.sales_order_create(
                    customer=customer,
                    order_date=planned.order_date,
                    user=self.user["sales"],
                    customer_ref=f"PO-{planned.customer[2:]}-{planned.order_date:%y%m%d}",
                    notes="promotion" if planned.promotion else "",
                    lines=[
                        {
                            "material": self.materials[f"F-{line.article}-{line.colour}"],
                            "qty": line.qty,
                            "unit_price": line.unit_price,
                            "requested_date": line.requested_date,
                        }
                        for line in planned.lines
                    ],
                )
                sales.sales_order_confirm(order=order, user=self.user["sales"])
            self.count("sales_orders")
            self.count("sales_order_lines", len(planned.lines))

    def _sellable_rolls(self) -> list[tuple[int, Decimal, Decimal | None, Decimal | None]]:
        """Released roll stock not yet reserved, where allocation looks for it: (material, free qty,
        points/100 yd², ΔE) per roll balance."""
        return list(
            StockBalance.objects.filter(
                roll__isnull=False,
                lot__qc_status=QCStatus.RELEASED,
                location__kind__in=SELLABLE_LOCATIONS,
                location__is_active=True,
                on_hand__gt=F("reserved"),
            ).values_list("material_id", F("on_hand") - F("reserved"), "roll__points_per_100yd2", "roll__delta_e")
        )

    @staticmethod
    def _eligible(rows, customer: Customer) -> dict[int, Decimal]:
        """Per material, the free roll stock within the customer's points threshold and shade tolerance."""
        totals: dict[int, Decimal] = defaultdict(D)
        for material_id, free, points, delta_e in rows:
            if points is not None and points > customer.points_threshold:
                continue
            if delta_e is not None and delta_e > customer.shade_tolerance:
                continue
            totals[material_id] += free
        return totals

    def ship(self, week: date) -> None:
        horizon = week + timedelta(days=13)
        last = min(week + timedelta(days=5), self.today)
        if last < week:
            return
        due = list(
            SalesOrder.objects.filter(status=OrderStatus.CONFIRMED, order_date__lte=last)
            .select_related("customer")
            .order_by("id")
        )
        requested: dict[int, date] = {}
        needs: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(D))
        for order_id, material_id, qty, when in SalesOrderLine.objects.filter(
            order__in=[o.pk for o in due]
        ).values_list("order_id", "material_id", "qty", "requested_date"):
            requested[order_id] = min(requested.get(order_id, when), when)
            needs[order_id][material_id] += qty
        # Upper bounds of what allocation can find per material (all free roll stock, and what of it
        # the customer's thresholds admit): an order they cannot cover fails allocation for certain,
        # so it is not tried (the same outcome without the service call).
        rows = self._sellable_rolls()
        sellable: dict[int, Decimal] = defaultdict(D)
        for material_id, free, _, _ in rows:
            sellable[material_id] += free
        eligible: dict[int, dict[int, Decimal]] = {}
        plans = []
        for order in due:
            when = requested[order.pk]
            if when > horizon or when < week - timedelta(days=RETRY_DAYS):
                continue
            ship_day = when - timedelta(days=self.rng.randint(0, 3))
            ship_day = min(max(ship_day, week, order.order_date + timedelta(days=1)), last)
            if ship_day < order.order_date:
                continue
            plans.append((ship_day, order.pk, order))
        for ship_day, _, order in sorted(plans, key=lambda p: (p[0], p[1])):
            if order.customer_id not in eligible:
                eligible[order.customer_id] = self._eligible(rows, order.customer)
            admitted = eligible[order.customer_id]
            if any(qty > min(sellable[mid], admitted.get(mid, D(0))) for mid, qty in needs[order.pk].items()):
                self.count("allocation_shortfalls")
                continue
            try:
                with self.at(ship_day, 8, 30), transaction.atomic():
                    sales.sales_order_allocate(order=order, user=self.user["sales"])
            except StockShortfall:
                self.count("allocation_shortfalls")
                continue
            for mid, qty in needs[order.pk].items():
                sellable[mid] -= qty
            with self.at(ship_day, 16):
                shipment = sales.shipment_create(
                    order=order,
                    shipped_at=clock.now(),
                    carrier=self.rng.choice(("Blue Dart", "DHL", "Own truck")),
                    user=self.user["storekeeper"],
                )
            self.count("shipments")
            self.after_shipment(shipment, ship_day)

    def after_shipment(self, shipment: Shipment, day: date) -> None:
        roll_draw = self.rng.random()
        if roll_draw < RETURN_RATE:
            self.customer_return(shipment, day)
        elif roll_draw < RETURN_RATE + COMPLAINT_RATE:
            when = day + timedelta(days=self.rng.randint(4, 25))
            if when <= self.today:
                line = shipment.lines.select_related("roll", "lot").order_by("id").first()
                category = self.rng.choice(("shade", "defect", "width", "weight", "shrinkage", "delivery"))
                with self.at(when, 12):
                    sales.feedback_create(
                        customer=shipment.customer,
                        kind=FeedbackKind.COMPLAINT,
                        shipment=shipment,
                        roll=line.roll,
                        category=category,
                        rating=self.rng.randint(1, 3),
                        received_at=clock.now(),
                        description=f"{category.capitalize()} issue on roll {line.roll.code}",
                        user=self.user["sales"],
                    )
                self.count("complaints")
        elif roll_draw > 0.97:
            when = day + timedelta(days=self.rng.randint(7, 30))
            if when <= self.today:
                with self.at(when, 12):
                    sales.feedback_create(
                        customer=shipment.customer,
                        kind=FeedbackKind.FEEDBACK,
                        shipment=shipment,
                        category="other",
                        rating=self.rng.randint(4, 5),
                        received_at=clock.now(),
                        description="Good running on the cutting table.",
                        user=self.user["sales"],
                    )
                self.count("feedback")

    def customer_return(self, shipment: Shipment, day: date) -> None:
        when = day + timedelta(days=self.rng.randint(6, 20))
        if when > self.today:
            return
        line = shipment.lines.select_related("roll", "lot").order_by("id").first()
        with self.at(when, 11):
            sales.feedback_create(
                customer=shipment.customer,
                kind=FeedbackKind.COMPLAINT,
                shipment=shipment,
                roll=line.roll,
                category="defect",
                rating=1,
                received_at=clock.now(),
                description=f"Holes across roll {line.roll.code}; returning it",
                user=self.user["sales"],
            )
            sales.customer_return_create(
                shipment=shipment,
                location=self.fg_qa,
                lines=[{"roll": line.roll}],
                returned_at=clock.now(),
                reason="Holes found at cutting",
                user=self.user["storekeeper"],
            )
        self.count("complaints")
        self.count("customer_returns")
        self.held_lots.append((min(when + timedelta(days=3), self.today), line.lot))

    def release_held(self, week: date) -> None:
        """Lots on hold (a return, a failed final inspection) are re-inspected and released."""
        end = week + timedelta(days=6)
        keep = []
        for day, lot in self.held_lots:
            if day > end or day > self.today:
                keep.append((day, lot))
                continue
            self.final_inspection(lot, max(day, week), passed=True, note="re-inspected after hold")
        self.held_lots = keep

    # --- production -------------------------------------------------------------------------------
    def _available(self) -> dict[tuple[int, int], Decimal]:
        """Unreserved released stock per (material, location), plus quarantine finished stock."""
        rows = (
            StockBalance.objects.filter(on_hand__gt=F("reserved"))
            .exclude(lot__qc_status__in=(QCStatus.REJECTED,))
            .values("material_id", "location_id")
            .annotate(q=Sum(F("on_hand") - F("reserved")))
        )
        return {(r["material_id"], r["location_id"]): r["q"] for r in rows}

    def produce(self, week: date) -> None:
        if week > self.today:
            return
        days = [min(week + timedelta(days=k), self.today) for k in range(6)]
        avail = self._available()
        open_demand = dict(
            SalesOrderLine.objects.filter(order__status=OrderStatus.CONFIRMED)
            .values("material_id")
            .annotate(q=Sum("qty"))
            .values_list("material_id", "q")
        )
        forecast = self.forecast(week + timedelta(weeks=1), 3)
        batches: list[tuple[cat.Article, str, Decimal]] = []
        for art, colour in cat.skus():
            f = self.materials[cat.finished_code(art, colour)]
            d = self.materials[cat.dyed_code(art, colour)]
            have = (
                avail.get((f.pk, self.fg.pk), D(0))
                + avail.get((f.pk, self.fg_qa.pk), D(0))
                + avail.get((d.pk, self.floor.pk), D(0)) / cat.dyed_per_finished_m(art)
            )
            need = open_demand.get(f.pk, D(0)) - have
            if need > 0:
                batch = need + forecast.get(f.code, D(0)) * D("0.5")
                batches.append((art, colour, max(batch, MIN_BATCH_M).quantize(D("1"))))
        if not batches:
            return
        # Greige first: knit or weave what the dye lots need, as the yarn in stores allows.
        greige_need: dict[str, Decimal] = defaultdict(D)
        for art, colour, qty in batches:
            greige_need[art.code] += qty * self.factor[cat.finished_code(art, colour)][cat.greige_code(art)]
        for art in cat.ARTICLES:
            if art.code not in greige_need:
                continue
            g = self.materials[cat.greige_code(art)]
            short = greige_need[art.code] - avail.get((g.pk, self.stores.pk), D(0))
            if short > 0:
                self.make_greige(art, short * D("2.5"), days[1], avail)
        avail = self._available()
        for n, (art, colour, qty) in enumerate(batches):
            self.dye_and_finish(art, colour, qty, days, avail, n)

    def _scale_to_stock(self, bom: BOM, qty: Decimal, location: Location, avail) -> Decimal:
        """The largest share of `qty` the components at `location` allow."""
        ratio = D(1)
        for req in production.bom_requirements(bom=bom, qty=qty):
            have = avail.get((req.material.pk, location.pk), D(0))
            if req.qty > 0:
                ratio = min(ratio, have / req.qty)
        return (qty * ratio * D("0.995")).quantize(D("1"), rounding=ROUND_DOWN)

    def _rolls(self, material: Material, kg: Decimal, target_m: float, spread: float = 0.0) -> list[dict]:
        """Split `kg` of output into rolls of about `target_m` metres, each with its own GSM and width."""
        gsm0, width0 = float(material.gsm), float(material.width_cm)
        total_m = float(kg) / (gsm0 * width0 / 100 / 1000)
        count = max(1, round(total_m / target_m))
        rolls, left = [], kg
        for i in range(count):
            gsm = D(str(round(gsm0 * (1 + self.rng.gauss(0, spread)), 2))) if spread else material.gsm
            width = D(str(round(width0 * (1 + self.rng.gauss(0, spread / 3)), 1))) if spread else material.width_cm
            share = left if i == count - 1 else (kg / count).quantize(D("0.001"), rounding=ROUND_DOWN)
            left -= share
            length = (share * 1000 / (gsm * width / 100)).quantize(Q2, rounding=ROUND_DOWN)
            if length <= 0:
                continue
            rolls.append({"length_m": length, "gsm": gsm, "width_cm": width})
        return rolls

    def _run_wo(
        self,
        bom: BOM,
        qty: Decimal,
        source,
        output,
        day: date,
        *,
        loss: tuple[float, float],
        target_m: float,
        spread: float = 0.0,
    ) -> WorkOrder | None:
        u = self.user["production"]
        with self.at(day, 7):
            wo = production.work_order_create(
                bom=bom,
                planned_qty=qty,
                source_location=source,
                output_location=output,
                due_date=day,
                machine=self._next_machine(bom.stage),
                user=u,
            )
            try:
                # Released and issued FIFO at once: one posting, no reservation to post and use up.
                with transaction.atomic():
                    production.work_order_release(work_order=wo, strategy="none", user=u)
                    wo = production.work_order_issue(work_order=wo, strategy="fifo", user=u)
            except StockShortfall:
                production.work_order_cancel(work_order=wo, user=u, note="material short")
                self.count("work_orders_cancelled")
                return None
        out_kg = wo.input_kg * D(str(1 - self.rng.uniform(*loss) / 100))
        rolls = self._rolls(bom.product, out_kg, target_m, spread)
        with self.at(day, 17):
            production.work_order_output(work_order=wo, rolls=rolls, user=u)
            production.work_order_complete(work_order=wo, user=u)
            production.work_order_close(work_order=wo, user=u)
        self.count("work_orders")
        return wo

    def make_greige(self, art: cat.Article, metres: Decimal, day: date, avail) -> None:
        g = self.materials[cat.greige_code(art)]
        bom = self.boms[g.code]
        qty = self._scale_to_stock(bom, metres.quantize(D("1")), self.stores, avail)
        if qty < 100:
            self.count("greige_short")
            return
        loss = float(cat.KNIT_LOSS if art.stage == "knitting" else cat.WEAVE_LOSS)
        if (
            self._run_wo(bom, qty, self.stores, self.stores, day, loss=(loss - 1.2, loss + 0.6), target_m=GREIGE_ROLL_M)
            is not None
        ):
            self.count("greige_lots")

    def dye_and_finish(self, art: cat.Article, colour: str, qty: Decimal, days: list[date], avail, n: int) -> None:
        dyed = self.materials[cat.dyed_code(art, colour)]
        bom = self.boms[dyed.code]
        keep = 1 - cat.FINISH_LOSS / 100
        dyed_m = (qty * cat.dyed_per_finished_m(art) / keep).quantize(D("1"))
        job_work = self.rng.random() < JOB_WORK_SHARE
        made = None
        if not job_work:
            dyed_m_ok = self._scale_to_stock(bom, dyed_m, self.stores, avail)
            if dyed_m_ok >= dyed_m * D("0.5"):
                made = self._run_wo(
                    bom,
                    dyed_m_ok,
                    self.stores,
                    self.floor,
                    days[2],
                    loss=(float(cat.DYE_LOSS) - 2, float(cat.DYE_LOSS) - 0.2),
                    target_m=DYED_ROLL_M,
                )
            if made is None:
                job_work = True  # dyes or chemicals short: the dye house brings its own
        if job_work:
            made = self.job_work(art, colour, dyed_m, days, avail)
        if made is None:
            return
        self._consume_avail(avail, bom, dyed_m)
        self.finish(art, colour, days)

    def _consume_avail(self, avail, bom: BOM, qty: Decimal) -> None:
        for req in production.bom_requirements(bom=bom, qty=qty):
            key = (req.material.pk, self.stores.pk)
            avail[key] = max(avail.get(key, D(0)) - req.qty, D(0))

    def job_work(self, art: cat.Article, colour: str, dyed_m: Decimal, days: list[date], avail=None):
        g = self.materials[cat.greige_code(art)]
        greige_m = dyed_m * cat.greige_per_dyed_m(art) / (1 - cat.DYE_LOSS / 100)
        if avail is not None:
            # `avail` never understates the greige in stores: when even it cannot cover half the
            # greige, the lots below cannot either (the same decision, without the query).
            have = avail.get((g.pk, self.stores.pk), D(0))
            if have <= 0 or greige_m.quantize(Q2) - have > greige_m / 2:
                self.count("dyeing_short")
                return None
        balances = list(
            StockBalance.objects.filter(
                material=g, location=self.stores, lot__qc_status=QCStatus.RELEASED, on_hand__gt=F("reserved")
            )
            .select_related("lot__material", "roll", "location")
            .order_by("lot_id", "roll_id")
        )
        lines, left = [], greige_m.quantize(Q2)
        for b in balances:
            if left <= 0:
                break
            take = min(b.on_hand - b.reserved, left)
            lines.append({"lot": b.lot, "roll": b.roll, "location": b.location, "qty": take})
            left -= take
        if not lines or left > greige_m / 2:
            self.count("dyeing_short")
            return None
        dyed = self.materials[cat.dyed_code(art, colour)]
        u = self.user["production"]
        with self.at(days[1], 10):
            jw = production.job_work_create(
                partner_location=self.dyehouse,
                output_material=dyed,
                fee_per_kg=D("0.85"),
                user=u,
                notes=f"Dye to shade {colour}",
            )
            jw = production.job_work_issue(job_work=jw, lines=lines, user=u)
        received_kg = jw.issued_kg * D(str(1 - self.rng.uniform(4.5, 8.0) / 100))
        with self.at(days[3], 15):
            production.job_work_receive(
                job_work=jw, rolls=self._rolls(dyed, received_kg, DYED_ROLL_M), to_location=self.floor, user=u
            )
            production.job_work_reconcile(job_work=jw, user=u)
        self.count("job_works")
        return jw

    def finish(self, art: cat.Article, colour: str, days: list[date]) -> None:
        dyed = self.materials[cat.dyed_code(art, colour)]
        finished = self.materials[cat.finished_code(art, colour)]
        bom = self.boms[finished.code]
        have = StockBalance.objects.filter(
            material=dyed, location=self.floor, lot__qc_status=QCStatus.RELEASED
        ).aggregate(q=Sum(F("on_hand") - F("reserved")))["q"] or D(0)
        keep = 1 - cat.FINISH_LOSS / 100
        qty = (have * keep / cat.dyed_per_finished_m(art) * D("0.999")).quantize(D("1"), rounding=ROUND_DOWN)
        if qty < 50:
            return
        wo = self._run_wo(
            bom, qty, self.floor, self.fg_qa, days[4], loss=(1.0, 2.6), target_m=FINISHED_ROLL_M, spread=0.015
        )
        if wo is None:
            self.count("finishing_short")
            return
        lot = wo.outputs.order_by("-id").first().lot
        roughness = FINISHING_ROUGHNESS.get(wo.machine.code, 1.0) if wo.machine else 1.0
        self.inspect_rolls(lot, art, colour, days[5], roughness=roughness)
        passed = self.rng.random() > 0.03
        self.final_inspection(lot, days[5], passed=passed)
        if not passed:
            self.held_lots.append((min(days[5] + timedelta(days=self.rng.randint(5, 12)), self.today), lot))

    def inspect_rolls(self, lot: Lot, art: cat.Article, colour: str, day: date, *, roughness: float = 1.0) -> None:
        u = self.user["quality"]
        rng = self.rng
        defects_pool = KNIT_DEFECTS if art.family == "knit" else WOVEN_DEFECTS
        # A lot's quality and shade: most lots are clean, some run rough (more so off a worn finishing
        # range), shade drifts per dye lot.
        lot_points = rng.lognormvariate(math.log(9), 0.55) * roughness
        standard = self.standards[colour]
        offset = [rng.gauss(0, 0.45) for _ in range(3)]
        rolls = list(Roll.objects.filter(lot=lot).order_by("id"))
        inspections, readings = [], []
        for roll in rolls:
            yards = float(roll.length_m) / 0.9144
            width_in = float(roll.width_cm) / 2.54
            target = lot_points * rng.uniform(0.6, 1.5) * yards * width_in / 3600
            defects = []
            while sum(d["points"] for d in defects) < target and len(defects) < 60:
                position = D(str(round(rng.uniform(0.5, max(yards - 0.5, 1.0)), 2)))
                if rng.random() < 0.08:
                    size = D(str(round(rng.uniform(0.2, 1.8), 2)))
                    defects.append(
                        {
                            "defect_type": DefectType.HOLE,
                            "hole_size_in": size,
                            "position_yd": position,
                            "points": 2 if size <= 1 else 4,
                        }
                    )
                else:
                    length = D(str(round(rng.uniform(0.5, 11), 2)))
                    points = 1 if length <= 3 else 2 if length <= 6 else 3 if length <= 9 else 4
                    defects.append(
                        {
                            "defect_type": rng.choice(defects_pool),
                            "length_in": length,
                            "position_yd": position,
                            "points": points,
                        }
                    )
            for d in defects:
                d.pop("points")
            inspections.append({"roll": roll, "defects": defects})
            reading = [standard.lab_l, standard.lab_a, standard.lab_b]
            lab = [float(v) + offset[i] + rng.gauss(0, 0.2) for i, v in enumerate(reading)]
            readings.append(
                {
                    "roll": roll,
                    "lab_l": D(str(round(lab[0], 2))),
                    "lab_a": D(str(round(lab[1], 2))),
                    "lab_b": D(str(round(lab[2], 2))),
                }
            )
        # The whole lot off the finishing range at once: 4-point grades, then shade readings.
        with self.at(day, 10):
            quality.roll_inspections_create(items=inspections, user=u)
            quality.shade_readings_create(items=readings, standard=standard, user=u)
        self.count("finished_rolls", len(rolls))

    def final_inspection(self, lot: Lot, day: date, *, passed: bool, note: str = "") -> None:
        names = self.params[self.final_template.pk]
        rng = self.rng
        gsm_dev = rng.uniform(-2.5, 2.5) if passed else rng.uniform(5.5, 7.5)
        with self.at(day, 15):
            quality.inspection_create(
                lot=lot,
                template=self.final_template,
                results=[
                    {"parameter": names["GSM deviation"], "value_numeric": D(str(round(gsm_dev, 2)))},
                    {"parameter": names["Width deviation"], "value_numeric": D(str(round(rng.uniform(-1.5, 1.5), 2)))},
                    {"parameter": names["Shade continuity"], "value_bool": True},
                ],
                decision="release" if passed else "hold",
                release_to=self.fg if passed else None,
                notes=note,
                user=self.user["quality"],
            )
        self.count("final_inspections")

    # --- wrap-up ----------------------------------------------------------------------------------
    def finish_up(self) -> None:
        months_from = max(_monday(self.start).replace(day=1), (self.today - timedelta(days=34 * 31)).replace(day=1))
        run = procurement.scorecard_compute(period_from=months_from, period_to=self.today)
        self.count("scorecards", len(run.computed))
        self.progress(f"supplier scorecards: {len(run.computed)} monthly cards")

    def run(self) -> dict[str, int]:
        self.progress(f"seeding the demo mill: {self.start} → {self.today}, seed {self.seed}")
        with transaction.atomic():
            self.master_data()
        self.plan()
        self.history()
        with transaction.atomic():
            self.finish_up()
        counts = mill_counts()
        self.progress("done: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return counts


def procurement_on_order() -> dict[int, Decimal]:
    from procurement.models import PurchaseOrderLine

    return dict(
        PurchaseOrderLine.objects.filter(
            order__status__in=(POStatus.APPROVED, POStatus.PARTIALLY_RECEIVED), qty__gt=F("qty_received")
        )
        .values("material_id")
        .annotate(q=Sum(F("qty") - F("qty_received")))
        .values_list("material_id", "q")
    )


def history_start(*, years: float, today: date) -> date:
    return today - timedelta(days=max(7, round(years * 365.25)))


def demand_plan(*, seed: int, start: date, end: date):
    """The orders the demo customers place from `start` to `end` (and the promotions behind them)."""
    rng = random.Random(f"weft-demo-demand-{seed}")
    promotions = plan_promotions(rng, start, end, [a.code for a in cat.ARTICLES])
    orders = plan_orders(rng, cat.CUSTOMERS, start, end, origin=start, promotions=promotions, volume=DEMAND_VOLUME)
    return orders, promotions


def mill_counts() -> dict[str, int]:
    return {
        "materials": Material.objects.count(),
        "finished_skus": Material.objects.filter(kind=MaterialKind.FINISHED).exclude(article="").count(),
        "suppliers": Supplier.objects.count(),
        "customers": Customer.objects.count(),
        "purchase_orders": PurchaseOrder.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "job_works": JobWork.objects.count(),
        "lots": Lot.objects.count(),
        "rolls": Roll.objects.count(),
        "roll_inspections": RollInspection.objects.count(),
        "sales_orders": SalesOrder.objects.count(),
        "sales_order_lines": SalesOrderLine.objects.count(),
        "shipments": Shipment.objects.count(),
        "stock_moves": StockMove.objects.count(),
        "genealogy_edges": GenealogyEdge.objects.count(),
    }


def seed_demo(*, years: float = 3.0, seed: int = 42, today: date | None = None, out=None) -> dict[str, int]:
    """Build the demo mill (the database must hold no mill yet). Returns row counts."""
    # Seeding writes tens of thousands of rows: no audit trail of its own rows, and no per-query
    # debug log (DEBUG keeps every SQL statement in memory).
    debug = settings.DEBUG
    settings.DEBUG = False
    if connection.vendor == "sqlite":
        # A bigger page cache for this connection only (64 MiB): the ledger outgrows the 2 MiB default.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")
    try:
        with disable_auditlog():
            return Seeder(years=years, seed=seed, today=today, progress=Progress(out)).run()
    finally:
        settings.DEBUG = debug
