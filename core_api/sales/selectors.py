"""Reads of the sales app: list querysets (query count independent of page size), filters, trace."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import Prefetch, Q, Sum

from inventory.models import LotOrigin
from inventory.trace import UPSTREAM, trace

from .models import (
    Allocation,
    AllocationStatus,
    Customer,
    CustomerReturn,
    Feedback,
    OrderStatus,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)


def customer_list():
    return Customer.objects.all()


def sales_order_list():
    lines = SalesOrderLine.objects.select_related("material").annotate(
        allocated=Sum(
            "allocations__qty", filter=~Q(allocations__status=AllocationStatus.RELEASED), default=Decimal("0")
        ),
    )
    return SalesOrder.objects.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=lines),
        Prefetch(
            "lines__allocations",
            queryset=Allocation.objects.select_related("roll", "lot", "location").order_by("id"),
        ),
        Prefetch("lines__shipment_lines", queryset=ShipmentLine.objects.only("id", "order_line_id", "qty")),
        "status_log__user",
    )


def shipment_list():
    return Shipment.objects.select_related("order", "customer").prefetch_related(
        Prefetch(
            "lines",
            queryset=ShipmentLine.objects.select_related("roll", "lot__material", "order_line").order_by("id"),
        )
    )


def customer_return_list():
    return CustomerReturn.objects.select_related("shipment", "customer", "location").prefetch_related(
        "lines__roll", "lines__lot"
    )


def feedback_list():
    return Feedback.objects.select_related("customer", "shipment", "lot", "roll")


class SalesOrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    order_date_from = django_filters.DateFilter(field_name="order_date", lookup_expr="gte")
    order_date_to = django_filters.DateFilter(field_name="order_date", lookup_expr="lte")

    class Meta:
        model = SalesOrder
        fields = ["customer", "status"]


class ShipmentFilter(django_filters.FilterSet):
    shipped_from = django_filters.IsoDateTimeFilter(field_name="shipped_at", lookup_expr="gte")
    shipped_to = django_filters.IsoDateTimeFilter(field_name="shipped_at", lookup_expr="lte")
    lot = django_filters.NumberFilter(field_name="lines__lot", distinct=True)
    roll = django_filters.NumberFilter(field_name="lines__roll", distinct=True)

    class Meta:
        model = Shipment
        fields = ["order", "customer"]


class FeedbackFilter(django_filters.FilterSet):
    class Meta:
        model = Feedback
        fields = ["customer", "shipment", "lot", "roll", "kind", "category", "status"]


# --- traceability -------------------------------------------------------------------------------
def _supplier_lots(node: dict, into: dict[int, dict]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        lot = current["lot"]
        if lot["origin"] == LotOrigin.RECEIPT and not current["repeated"]:
            into.setdefault(lot["id"], {**lot, "info": current["info"], "depth": current["depth"]})
        stack.extend(current["children"])


def complaint_trace(feedback: Feedback) -> dict:
    """From a complaint straight back to the supplier lots (and receipts) inside what was shipped.

    Starts at the complained roll, else its lot, else every lot on the shipment, and walks the
    genealogy upstream with inventory's trace (one query per level, annotated by every app).
    `supplier_lots` are the received lots at the leaves; `suppliers` come from procurement's
    annotation of those lots.
    """
    if feedback.roll_id:
        starts = [(feedback.roll.lot, feedback.roll)]
    elif feedback.lot_id:
        starts = [(feedback.lot, None)]
    elif feedback.shipment_id:
        seen = {}
        for line in ShipmentLine.objects.filter(shipment_id=feedback.shipment_id).select_related("lot__material"):
            seen.setdefault(line.lot_id, line.lot)
        starts = [(lot, None) for lot in seen.values()]
    else:
        starts = []
    trees = [trace(lot=lot, roll=roll, direction=UPSTREAM) for lot, roll in starts]
    supplier_lots: dict[int, dict] = {}
    for tree in trees:
        _supplier_lots(tree["root"], supplier_lots)
    suppliers = {
        lot["info"]["supplier"]["code"]: lot["info"]["supplier"]
        for lot in supplier_lots.values()
        if isinstance(lot["info"].get("supplier"), dict)
    }
    return {
        "feedback": {
            "id": feedback.pk,
            "number": feedback.number,
            "kind": feedback.kind,
            "category": feedback.category,
            "customer": feedback.customer.code,
            "shipment": feedback.shipment.number if feedback.shipment_id else None,
        },
        "supplier_lots": sorted(supplier_lots.values(), key=lambda lot: lot["code"]),
        "suppliers": [suppliers[code] for code in sorted(suppliers)],
        "trees": trees,
    }


def lot_shipments(lot_ids: list[int]) -> dict[int, dict]:
    """Trace annotator: which shipments (and customers) took fabric of each lot."""
    rows = (
        ShipmentLine.objects.filter(lot_id__in=lot_ids)
        .values("lot_id", "shipment_id", "shipment__number", "shipment__shipped_at", "shipment__customer__code")
        .annotate(qty=Sum("qty"))
        .order_by("lot_id", "shipment_id")
    )
    info: dict[int, dict] = {}
    for row in rows:
        entry = info.setdefault(row["lot_id"], {"shipments": [], "customers": []})
        entry["shipments"].append(
            {
                "id": row["shipment_id"],
                "number": row["shipment__number"],
                "shipped_at": row["shipment__shipped_at"].isoformat(),
                "customer": row["shipment__customer__code"],
                "qty": str(row["qty"]),
            }
        )
        if row["shipment__customer__code"] not in entry["customers"]:
            entry["customers"].append(row["shipment__customer__code"])
    return info
