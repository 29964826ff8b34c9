"""Headline KPIs, each defined once here with its formula in its docstring.

Every KPI is a function of a `Period` (both dates inclusive) computed with aggregate queries (a
handful per KPI, whatever the data volume) and registered with `@kpi`. The API serves them at
`/api/v1/kpis/` (all) and `/api/v1/kpis/<name>/?from=&to=`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from inventory.models import LIVE_BALANCE, MaterialKind, MoveReason, StockBalance, StockMove
from procurement.models import GoodsReceiptLine, POStatus, PurchaseOrderLine
from production.models import Output
from quality.models import RollInspection
from sales.models import (
    OPEN_ORDER_STATUSES,
    Feedback,
    FeedbackKind,
    OrderStatus,
    OrderStatusLog,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)

ZERO = Decimal("0")
QTY = DecimalField(max_digits=20, decimal_places=4)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass(frozen=True)
class KPI:
    name: str
    title: str
    unit: str
    compute: Callable[[Period], dict]

    @property
    def formula(self) -> str:
        return " ".join((self.compute.__doc__ or "").split())


KPIS: dict[str, KPI] = {}


def kpi(name: str, title: str, unit: str):
    def register(fn: Callable[[Period], dict]):
        KPIS[name] = KPI(name=name, title=title, unit=unit, compute=fn)
        return fn

    return register


def evaluate(name: str, period: Period) -> dict:
    definition = KPIS[name]
    result = definition.compute(period)
    return {
        "name": definition.name,
        "title": definition.title,
        "unit": definition.unit,
        "formula": definition.formula,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        **result,
    }


def _ratio(numerator, denominator, places: int = 4) -> float | None:
    if not denominator:
        return None
    return float(round(Decimal(numerator) / Decimal(denominator), places))


def _number(value, places: int = 4) -> float:
    return float(round(Decimal(value or 0), places))


def _sales_lines_due(period: Period):
    """Confirmed (not draft, not cancelled) order lines requested in the period and already due."""
    last_due = min(period.end, timezone.localdate())
    return SalesOrderLine.objects.filter(requested_date__gte=period.start, requested_date__lte=last_due).exclude(
        order__status__in=(OrderStatus.DRAFT, OrderStatus.CANCELLED)
    )


def _shipped_qty(**filters) -> Coalesce:
    shipped = (
        ShipmentLine.objects.filter(order_line=OuterRef("pk"), **filters)
        .values("order_line")
        .annotate(total=Sum("qty"))
        .values("total")
    )
    return Coalesce(Subquery(shipped, output_field=QTY), Value(ZERO), output_field=QTY)


# --- customer service ---------------------------------------------------------------------------
@kpi("on-time-in-full", "On time in full", "ratio")
def on_time_in_full(period: Period) -> dict:
    """OTIF = order lines whose full quantity shipped on or before the requested date ÷ order lines
    requested in the period (and due by today), counting lines of every order that is neither draft
    nor cancelled."""
    totals = (
        _sales_lines_due(period)
        .annotate(on_time=_shipped_qty(shipment__shipped_at__date__lte=OuterRef("requested_date")))
        .aggregate(lines=Count("id"), otif=Count("id", filter=Q(on_time__gte=F("qty"))))
    )
    return {
        "value": _ratio(totals["otif"], totals["lines"]),
        "lines_on_time_in_full": totals["otif"],
        "lines_due": totals["lines"],
    }


@kpi("fill-rate", "Fill rate", "ratio")
def fill_rate(period: Period) -> dict:
    """Volume fill rate = Σ min(metres shipped by the end of the period, metres ordered) ÷ Σ metres
    ordered, over order lines requested in the period (and due by today) of orders neither draft nor
    cancelled."""
    totals = (
        _sales_lines_due(period)
        .annotate(shipped=_shipped_qty(shipment__shipped_at__lt=period.end_at))
        .aggregate(ordered=Sum("qty", default=ZERO), filled=Sum(Least(F("shipped"), F("qty")), default=ZERO))
    )
    return {
        "value": _ratio(totals["filled"], totals["ordered"]),
        "metres_filled": _number(totals["filled"]),
        "metres_ordered": _number(totals["ordered"]),
    }


@kpi("open-orders", "Open orders", "orders")
def open_orders(period: Period) -> dict:
    """Open orders = orders whose status at the end of the period (from the status log) is confirmed,
    allocated or partially shipped; open metres = Σ max(ordered − shipped by then, 0) over their
    lines, open value = Σ open metres × unit price. `received` counts orders dated in the period
    that were confirmed (not draft, not cancelled before confirmation)."""
    status_then = (
        OrderStatusLog.objects.filter(order=OuterRef("pk"), at__lt=period.end_at)
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    open_ids = SalesOrder.objects.annotate(status_then=Subquery(status_then)).filter(
        status_then__in=OPEN_ORDER_STATUSES
    )
    count = open_ids.count()
    outstanding = Greatest(F("qty") - F("shipped"), Value(ZERO), output_field=QTY)
    totals = (
        SalesOrderLine.objects.filter(order__in=open_ids.values("pk"))
        .annotate(shipped=_shipped_qty(shipment__shipped_at__lt=period.end_at))
        .aggregate(
            metres=Sum(outstanding, default=ZERO),
            value=Sum(ExpressionWrapper(outstanding * F("unit_price"), output_field=QTY), default=ZERO),
        )
    )
    received = (
        SalesOrder.objects.filter(order_date__gte=period.start, order_date__lte=period.end)
        .filter(status_log__to_status=OrderStatus.CONFIRMED)
        .distinct()
        .count()
    )
    return {
        "value": count,
        "open_metres": _number(totals["metres"]),
        "open_value": _number(totals["value"], 2),
        "received": received,
    }


@kpi("complaint-rate", "Complaint rate", "complaints per shipment")
def complaint_rate(period: Period) -> dict:
    """Complaint rate = complaints received in the period ÷ shipments shipped in the period."""
    complaints = Feedback.objects.filter(
        kind=FeedbackKind.COMPLAINT, received_at__gte=period.start_at, received_at__lt=period.end_at
    ).count()
    shipments = Shipment.objects.filter(shipped_at__gte=period.start_at, shipped_at__lt=period.end_at).count()
    return {"value": _ratio(complaints, shipments), "complaints": complaints, "shipments": shipments}


# --- stock --------------------------------------------------------------------------------------
def _ledger_at(moment: datetime, field: str, by: str | None = None, **filters) -> dict:
    """Σ `field` ("value" or "qty") of every stock move posted before `moment`, per `by` (or one total
    under None).

    Read as today's balances minus the moves posted since `moment` (the balances hold exactly the sum of
    their moves, an invariant the posting service keeps and `check_stock_invariants` checks), so the cost
    follows the number of stock keys and of recent moves, not the length of the whole ledger.
    """
    balance_field = "value" if field == "value" else "on_hand"

    def sums(queryset, column) -> dict:
        queryset = queryset.filter(**filters)
        if by is None:
            return {None: queryset.aggregate(total=Sum(column, default=ZERO))["total"]}
        rows = queryset.values(by).annotate(total=Sum(column)).order_by(by)
        return {row[by]: row["total"] or ZERO for row in rows}

    now = sums(StockBalance.objects.filter(LIVE_BALANCE), balance_field)
    since = sums(StockMove.objects.filter(created_at__gte=moment), field)
    return {key: now.get(key, ZERO) - since.get(key, ZERO) for key in now.keys() | since.keys()}


def _stock_value_at(moment: datetime) -> Decimal:
    return sum(_ledger_at(moment, "value").values(), ZERO)


@kpi("stock-value", "Stock value", "money")
def stock_value(period: Period) -> dict:
    """Stock value at the end of the period = Σ value of every stock move posted before then (the
    ledger's FIFO valuation), also split by material kind."""
    by_kind = _ledger_at(period.end_at, "value", "material__kind")
    split = {kind: _number(by_kind[kind], 2) for kind in sorted(by_kind)}
    return {"value": _number(sum(split.values()), 2), "by_kind": split}


@kpi("days-of-cover", "Days of cover (finished fabric)", "days")
def days_of_cover(period: Period) -> dict:
    """Days of cover = finished-fabric metres on hand at the end of the period ÷ average metres
    shipped per day in the period (metres shipped ÷ days in the period); none when nothing shipped."""
    finished = {"material__kind": MaterialKind.FINISHED}
    on_hand = sum(_ledger_at(period.end_at, "qty", **finished).values(), ZERO)
    shipped = -StockMove.objects.filter(
        reason=MoveReason.SHIPMENT, created_at__gte=period.start_at, created_at__lt=period.end_at, **finished
    ).aggregate(q=Sum("qty", default=ZERO))["q"]
    daily = shipped / period.days if shipped else ZERO
    return {
        "value": _ratio(on_hand, daily, 1),
        "on_hand_metres": _number(on_hand),
        "shipped_metres": _number(shipped),
        "days": period.days,
    }


@kpi("inventory-turns", "Inventory turns (annualised)", "turns per year")
def inventory_turns(period: Period) -> dict:
    """Inventory turns = cost of goods shipped in the period (−Σ value of shipment moves) ÷ average
    stock value ((value at start + value at end) ÷ 2), annualised × 365 ÷ days in the period."""
    cogs = -StockMove.objects.filter(
        reason=MoveReason.SHIPMENT, created_at__gte=period.start_at, created_at__lt=period.end_at
    ).aggregate(v=Sum("value", default=ZERO))["v"]
    opening = _stock_value_at(period.start_at)
    closing = _stock_value_at(period.end_at)
    average = (opening + closing) / 2
    turns = cogs / average if average else None
    return {
        "value": None if turns is None else _number(turns * 365 / period.days, 2),
        "period_turns": None if turns is None else _number(turns),
        "cost_of_goods_shipped": _number(cogs, 2),
        "average_stock_value": _number(average, 2),
    }


# --- quality and suppliers ----------------------------------------------------------------------
@kpi("points-per-100yd2", "Average 4-point score", "points per 100 yd²")
def points_per_100yd2(period: Period) -> dict:
    """Average points per 100 yd² = Σ total points × 3600 ÷ Σ (inspected yards × cuttable width in
    inches) over the final roll inspections recorded in the period (area-weighted, ASTM D5430),
    overall, by article, by supplier (the supplier of the receipt that brought the roll's lot in;
    lots made in-house show as no supplier) and by machine (the machine of the work order whose output
    is the roll's lot, for finished rolls the finishing range; none when the order named no machine
    or the lot came from a receipt or a dye house)."""
    inspections = RollInspection.objects.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    area = ExpressionWrapper(F("inspected_yards") * F("cuttable_width_in"), output_field=QTY)
    # Aliases differ from field names: an aggregate named like a column it reads confuses the SQL.
    sums = {"points_sum": Sum("total_points"), "area_sum": Sum(area), "roll_count": Count("id")}

    def rate(row) -> float | None:
        if not row["area_sum"]:
            return None
        return _number(Decimal(row["points_sum"]) * 3600 / Decimal(row["area_sum"]), 2)

    def grouped(field: str, rows=None) -> list[dict]:
        rows = (inspections if rows is None else rows).values(field).annotate(**sums).order_by(field)
        return [
            {"key": row[field] or None, "value": rate(row), "rolls": row["roll_count"], "points": row["points_sum"]}
            for row in rows
        ]

    machine = (
        Output.objects.filter(lot=OuterRef("roll__lot"), work_order__isnull=False)
        .order_by("id")
        .values("work_order__machine__code")[:1]
    )
    overall = inspections.aggregate(**sums)
    return {
        "value": rate(overall),
        "rolls": overall["roll_count"],
        "by_article": grouped("roll__lot__material__article"),
        "by_supplier": grouped("roll__lot__receipt_line__receipt__purchase_order__supplier__code"),
        "by_machine": grouped("machine_code", inspections.annotate(machine_code=Subquery(machine))),
    }


@kpi("supplier-on-time", "Supplier on-time delivery", "ratio")
def supplier_on_time(period: Period) -> dict:
    """Supplier on-time rate = Σ min(qty received on or before the promised date, qty ordered) ÷
    Σ qty ordered, over purchase order lines promised in the period (orders neither draft nor
    cancelled), overall and per supplier (Odoo's rule)."""
    on_time = (
        GoodsReceiptLine.objects.filter(po_line=OuterRef("pk"), receipt__received_on__lte=OuterRef("promised_date"))
        .values("po_line")
        .annotate(total=Sum("qty"))
        .values("total")
    )
    lines = (
        PurchaseOrderLine.objects.filter(promised_date__gte=period.start, promised_date__lte=period.end)
        .exclude(order__status__in=(POStatus.DRAFT, POStatus.CANCELLED))
        .annotate(received_on_time=Coalesce(Subquery(on_time, output_field=QTY), Value(ZERO), output_field=QTY))
    )
    sums = {
        "ordered": Sum("qty", default=ZERO),
        "on_time": Sum(Least(F("received_on_time"), F("qty")), default=ZERO),
    }
    overall = lines.aggregate(**sums)
    per_supplier = lines.values("order__supplier__code").annotate(**sums).order_by("order__supplier__code")
    return {
        "value": _ratio(overall["on_time"], overall["ordered"]),
        "by_supplier": [
            {
                "supplier": row["order__supplier__code"],
                "value": _ratio(row["on_time"], row["ordered"]),
                "on_time_qty": _number(row["on_time"]),
                "ordered_qty": _number(row["ordered"]),
            }
            for row in per_supplier
        ],
    }
