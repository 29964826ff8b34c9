"""Reads: list querysets (no N+1), FilterSets, price lookup, supplier standing and delivery metrics."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from inventory.models import QCStatus

from .models import (
    GoodsReceipt,
    GoodsReceiptLine,
    POStatus,
    PriceList,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatusLog,
    Standing,
    Supplier,
    SupplierContact,
    SupplierMLScore,
    SupplierReturn,
    SupplierReturnLine,
    SupplierScorecard,
)

RATE_Q = Decimal("0.0001")
SCORE_Q = Decimal("0.01")
# Purchase orders the supplier has been asked to deliver (drafts and submissions are not orders yet).
ORDERED_STATUSES = (POStatus.APPROVED, POStatus.PARTIALLY_RECEIVED, POStatus.RECEIVED, POStatus.CLOSED)
SUPPLIER_CSV_COLUMNS = [
    "code",
    "name",
    "address",
    "payment_terms",
    "is_active",
    "contact_name",
    "contact_email",
    "contact_phone",
]


# --- suppliers and price lists -------------------------------------------------------------------
def _latest_scorecard(field: str):
    return Subquery(SupplierScorecard.objects.filter(supplier=OuterRef("pk")).order_by("-period").values(field)[:1])


def supplier_list():
    return Supplier.objects.prefetch_related("contacts").annotate(
        score=_latest_scorecard("score"),
        standing=_latest_scorecard("standing"),
        standing_period=_latest_scorecard("period"),
    )


class SupplierFilter(django_filters.FilterSet):
    standing = django_filters.ChoiceFilter(choices=Standing.choices)

    class Meta:
        model = Supplier
        fields = {"is_active": ["exact"], "code": ["exact"]}


def supplier_standing(supplier: Supplier) -> SupplierScorecard | None:
    """The supplier's most recent scorecard: its standing governs new purchase orders."""
    return SupplierScorecard.objects.filter(supplier=supplier).order_by("-period").first()


def supplier_csv_rows():
    contacts = Prefetch("contacts", queryset=SupplierContact.objects.order_by("id"))
    for supplier in Supplier.objects.prefetch_related(contacts).order_by("code"):
        first = next(iter(supplier.contacts.all()), None)
        yield {
            "code": supplier.code,
            "name": supplier.name,
            "address": supplier.address,
            "payment_terms": supplier.payment_terms,
            "is_active": "true" if supplier.is_active else "false",
            "contact_name": first.name if first else "",
            "contact_email": first.email if first else "",
            "contact_phone": first.phone if first else "",
        }


def suppliers_export_csv() -> str:
    """Every supplier as CSV, in the columns `suppliers_import_csv` reads back (no bank details)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SUPPLIER_CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(supplier_csv_rows())
    return out.getvalue()


def price_list_list():
    return PriceList.objects.select_related("supplier", "material")


class PriceListFilter(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(method="filter_valid_on")

    class Meta:
        model = PriceList
        fields = {"supplier": ["exact"], "material": ["exact"], "currency": ["exact"]}

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value)


def price_list_valid(*, supplier: Supplier, material_id: int, currency: str, on: date) -> PriceList | None:
    """The price-list entry in force on `on` (entries never overlap, so there is at most one)."""
    return (
        PriceList.objects.filter(supplier=supplier, material_id=material_id, currency=currency, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from", "-id")
        .first()
    )


# --- documents -----------------------------------------------------------------------------------
def purchase_order_list():
    return PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by").prefetch_related(
        Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("material").order_by("line_no")),
        Prefetch("status_log", queryset=PurchaseOrderStatusLog.objects.select_related("user").order_by("id")),
    )


class PurchaseOrderFilter(django_filters.FilterSet):
    order_date_from = django_filters.DateFilter(field_name="order_date", lookup_expr="gte")
    order_date_to = django_filters.DateFilter(field_name="order_date", lookup_expr="lte")
    material = django_filters.NumberFilter(field_name="lines__material", distinct=True)

    class Meta:
        model = PurchaseOrder
        fields = {"supplier": ["exact"], "status": ["exact", "in"], "warehouse": ["exact"]}


def receipt_list():
    return GoodsReceipt.objects.select_related("purchase_order__supplier", "location", "created_by").prefetch_related(
        Prefetch(
            "lines",
            queryset=GoodsReceiptLine.objects.select_related("po_line__material", "lot").prefetch_related("lot__rolls"),
        )
    )


class ReceiptFilter(django_filters.FilterSet):
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    supplier = django_filters.NumberFilter(field_name="purchase_order__supplier")

    class Meta:
        model = GoodsReceipt
        fields = {"purchase_order": ["exact"]}


def supplier_return_list():
    return SupplierReturn.objects.select_related("supplier", "created_by").prefetch_related(
        Prefetch("lines", queryset=SupplierReturnLine.objects.select_related("lot", "roll", "location"))
    )


class SupplierReturnFilter(django_filters.FilterSet):
    class Meta:
        model = SupplierReturn
        fields = {"supplier": ["exact"], "returned_on": ["gte", "lte"]}


def scorecard_list():
    return SupplierScorecard.objects.select_related("supplier")


class ScorecardFilter(django_filters.FilterSet):
    period = django_filters.DateFilter()
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = SupplierScorecard
        fields = {"supplier": ["exact"], "standing": ["exact"]}


# --- metrics -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OnTimeRate:
    qty_ordered: Decimal
    qty_on_time: Decimal
    lines: int

    @property
    def rate(self) -> Decimal | None:
        if not self.qty_ordered:
            return None
        return (self.qty_on_time / self.qty_ordered).quantize(RATE_Q, rounding=ROUND_HALF_UP)


def on_time_rate(*, supplier: Supplier, date_from: date, date_to: date, today: date | None = None) -> OnTimeRate:
    """Odoo's on-time delivery: qty received by the promised date ÷ qty ordered.

    Counts the lines of ordered POs (approved or later, not cancelled) whose promised date falls in
    the window; lines not yet due (promised after today) are left out rather than counted late.
    Receipts beyond a line's ordered qty do not make up for another line.
    """
    today = today or timezone.localdate()
    lines = (
        PurchaseOrderLine.objects.filter(
            order__supplier=supplier,
            order__status__in=ORDERED_STATUSES,
            promised_date__gte=date_from,
            promised_date__lte=min(date_to, today),
        )
        .annotate(
            on_time=Sum("receipt_lines__qty", filter=Q(receipt_lines__receipt__received_on__lte=F("promised_date")))
        )
        .values_list("qty", "on_time")
    )
    ordered = on_time = Decimal("0")
    count = 0
    for qty, received in lines:
        ordered += qty
        on_time += min(received or Decimal("0"), qty)
        count += 1
    return OnTimeRate(qty_ordered=ordered, qty_on_time=on_time, lines=count)


def month_bounds(period: date) -> tuple[date, date]:
    start = period.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def accept_rate(*, supplier: Supplier, date_from: date, date_to: date) -> Decimal | None:
    """Released qty ÷ decided qty (released + rejected) of lots received in the window."""
    decided = GoodsReceiptLine.objects.filter(
        receipt__purchase_order__supplier=supplier,
        receipt__received_on__range=(date_from, date_to),
        lot__qc_status__in=(QCStatus.RELEASED, QCStatus.REJECTED),
    ).aggregate(
        total=Sum("qty"),
        released=Sum("qty", filter=Q(lot__qc_status=QCStatus.RELEASED)),
    )
    if not decided["total"]:
        return None
    return ((decided["released"] or Decimal("0")) / decided["total"]).quantize(RATE_Q, rounding=ROUND_HALF_UP)


def price_variance(*, supplier: Supplier, date_from: date, date_to: date) -> Decimal | None:
    """(paid − price list) ÷ price list, weighted by qty, over receipts in the window; > 0 means paid more."""
    totals = GoodsReceiptLine.objects.filter(
        receipt__purchase_order__supplier=supplier,
        receipt__received_on__range=(date_from, date_to),
        po_line__list_price__isnull=False,
    ).aggregate(paid=Sum(F("unit_price") * F("qty")), listed=Sum(F("po_line__list_price") * F("qty")))
    if not totals["listed"]:
        return None
    return ((totals["paid"] - totals["listed"]) / totals["listed"]).quantize(RATE_Q, rounding=ROUND_HALF_UP)


def lead_time_variability(*, supplier: Supplier, date_from: date, date_to: date) -> Decimal | None:
    """Coefficient of variation (σ ÷ mean) of order-to-receipt days over the window's receipts.

    Needs two receipts: one delivery says nothing about how much lead times vary.
    """
    days = [
        (received - ordered).days
        for received, ordered in GoodsReceipt.objects.filter(
            purchase_order__supplier=supplier, received_on__range=(date_from, date_to)
        ).values_list("received_on", "purchase_order__order_date")
    ]
    if len(days) < 2:
        return None
    mean = statistics.fmean(days)
    if mean <= 0:
        return Decimal("0")
    return Decimal(str(statistics.stdev(days) / mean)).quantize(RATE_Q, rounding=ROUND_HALF_UP)


def ml_score(*, supplier: Supplier, period: date) -> Decimal | None:
    return (
        SupplierMLScore.objects.filter(supplier=supplier, period=period.replace(day=1))
        .values_list("score", flat=True)
        .first()
    )


# --- providers registered with inventory (see apps.py) -------------------------------------------
OPEN_FOR_RECEIPT = (POStatus.APPROVED, POStatus.PARTIALLY_RECEIVED)


def on_order_quantities(material_ids: list[int], warehouse_id: int | None) -> dict[int, Decimal]:
    """Qty still to come on approved POs, per material, in the material's stock unit."""
    lines = PurchaseOrderLine.objects.filter(
        material_id__in=material_ids, order__status__in=OPEN_FOR_RECEIPT, qty__gt=F("qty_received")
    )
    if warehouse_id is not None:
        lines = lines.filter(order__warehouse_id=warehouse_id)
    totals: dict[int, Decimal] = {}
    for row in lines.values("material_id").annotate(open_qty=Sum(F("qty") - F("qty_received"))):
        totals[row["material_id"]] = row["open_qty"]
    return totals


def lot_provenance(lot_ids: list[int]) -> dict[int, dict]:
    """Receipt, purchase order and supplier of each received lot, for inventory's trace."""
    rows = GoodsReceiptLine.objects.filter(lot_id__in=lot_ids).select_related(
        "receipt__purchase_order__supplier", "po_line"
    )
    info = {}
    for row in rows:
        receipt = row.receipt
        order = receipt.purchase_order
        info[row.lot_id] = {
            "receipt": {"id": receipt.pk, "number": receipt.number, "received_on": receipt.received_on.isoformat()},
            "purchase_order": {"id": order.pk, "number": order.number, "line_no": row.po_line.line_no},
            "supplier": {"id": order.supplier_id, "code": order.supplier.code, "name": order.supplier.name},
        }
    return info
