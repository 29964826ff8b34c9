"""Reads: list querysets (joined up front so a page costs the same queries whatever its size),
FilterSets, and the reorder suggestions."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import django_filters as filters
from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    GenealogyEdge,
    Location,
    LocationKind,
    Lot,
    Material,
    QCStatus,
    ReorderRule,
    Roll,
    StockBalance,
    StockCount,
    StockCountLine,
    StockMove,
    Warehouse,
)
from .supply import ON_ORDER, PLANNED_PRODUCTION, incoming_by_source

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=4))


# --- querysets ----------------------------------------------------------------------------------
def material_list():
    return Material.objects.all()


def warehouse_list():
    return Warehouse.objects.all()


def location_list():
    return Location.objects.select_related("warehouse")


def lot_list():
    return (
        Lot.objects.select_related("material")
        .order_by("-id")
        .annotate(on_hand=Coalesce(Sum("balances__on_hand"), ZERO), reserved=Coalesce(Sum("balances__reserved"), ZERO))
    )


def roll_list():
    where = StockBalance.objects.filter(roll=OuterRef("pk"), on_hand__gt=0).order_by("-on_hand")
    return (
        Roll.objects.select_related("lot__material", "parent")
        .order_by("-id")
        .annotate(
            on_hand=Coalesce(Sum("balances__on_hand"), ZERO),
            reserved=Coalesce(Sum("balances__reserved"), ZERO),
            current_location_id=Subquery(where.values("location_id")[:1]),
            current_location_code=Subquery(where.values("location__code")[:1]),
        )
    )


def balance_list():
    return StockBalance.objects.select_related("material", "lot", "roll", "location__warehouse").annotate(
        available_qty=F("on_hand") - F("reserved")
    )


def move_list():
    return StockMove.objects.select_related("material", "lot", "roll", "location", "user")


def stock_count_list():
    lines = StockCountLine.objects.select_related("lot__material", "roll", "location")
    return StockCount.objects.select_related("warehouse", "posted_by").prefetch_related(
        Prefetch("lines", queryset=lines)
    )


def count_book_qty(lines) -> dict[tuple, Decimal]:
    """On hand now at each (lot, roll, location) key of a count's lines, in one query (0 where empty).

    A draft shows what posting it now would compare the counted quantities with.
    """
    keys = {(line.lot_id, line.roll_id, line.location_id) for line in lines}
    if not keys:
        return {}
    found = StockBalance.objects.filter(
        lot_id__in={k[0] for k in keys}, location_id__in={k[2] for k in keys}
    ).values_list("lot_id", "roll_id", "location_id", "on_hand")
    on_hand = {(lot, roll, location): qty for lot, roll, location, qty in found}
    return {key: on_hand.get(key, Decimal("0")) for key in keys}


def reorder_rule_list():
    return ReorderRule.objects.select_related("material", "warehouse")


def genealogy_edges():
    return GenealogyEdge.objects.select_related("parent_lot", "child_lot", "parent_roll", "child_roll")


# --- filters ------------------------------------------------------------------------------------
class MaterialFilter(filters.FilterSet):
    class Meta:
        model = Material
        fields = {
            "kind": ["exact", "in"],
            "is_active": ["exact"],
            "article": ["exact"],
            "shade_code": ["exact"],
            "code": ["exact"],
        }


class LocationFilter(filters.FilterSet):
    class Meta:
        model = Location
        fields = {"warehouse": ["exact"], "kind": ["exact", "in"], "is_active": ["exact"], "code": ["exact"]}


class LotFilter(filters.FilterSet):
    material_kind = filters.CharFilter(field_name="material__kind")

    class Meta:
        model = Lot
        fields = {
            "material": ["exact"],
            "qc_status": ["exact", "in"],
            "dye_lot": ["exact"],
            "code": ["exact", "icontains"],
            "origin": ["exact"],
            "supplier_lot": ["exact"],
        }


class RollFilter(filters.FilterSet):
    material = filters.NumberFilter(field_name="lot__material")
    dye_lot = filters.CharFilter(field_name="lot__dye_lot")
    in_stock = filters.BooleanFilter(method="filter_in_stock")

    class Meta:
        model = Roll
        fields = {
            "lot": ["exact"],
            "code": ["exact"],
            "parent": ["exact"],
            "shade_band": ["exact"],
            "grade": ["exact"],
        }

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(on_hand__gt=0) if value else queryset.filter(on_hand=0)


class BalanceFilter(filters.FilterSet):
    location_kind = filters.ChoiceFilter(field_name="location__kind", choices=LocationKind.choices)
    warehouse = filters.NumberFilter(field_name="location__warehouse")
    qc_status = filters.ChoiceFilter(field_name="lot__qc_status", choices=QCStatus.choices)
    available = filters.BooleanFilter(method="filter_available")
    include_empty = filters.BooleanFilter(method="filter_include_empty")

    class Meta:
        model = StockBalance
        fields = {"material": ["exact"], "lot": ["exact"], "roll": ["exact"], "location": ["exact"]}

    def filter_available(self, queryset, name, value):
        """`available=true`: only keys with stock free to issue (on hand less reserved > 0)."""
        return queryset.filter(available_qty__gt=0) if value else queryset.filter(available_qty__lte=0)

    def filter_include_empty(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        # Emptied keys stay in the table (history), but a stock list shows them only when asked.
        if not self.form.cleaned_data.get("include_empty"):
            queryset = queryset.filter(Q(on_hand__gt=0) | Q(reserved__gt=0))
        return queryset


class MoveFilter(filters.FilterSet):
    created_from = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    document = filters.CharFilter(method="filter_document")

    class Meta:
        model = StockMove
        fields = {
            "lot": ["exact"],
            "roll": ["exact"],
            "material": ["exact"],
            "location": ["exact"],
            "reason": ["exact", "in"],
            "document_type": ["exact"],
            "document_id": ["exact"],
            "document_ref": ["exact"],
            "posting": ["exact"],
        }

    def filter_document(self, queryset, name, value):
        """`document=procurement.receipt:17` (type and id) or a plain reference."""
        if ":" in value:
            kind, _, ident = value.partition(":")
            return queryset.filter(document_type=kind, document_id=ident)
        return queryset.filter(document_ref=value)


class StockCountFilter(filters.FilterSet):
    class Meta:
        model = StockCount
        fields = {"warehouse": ["exact"], "status": ["exact"], "code": ["exact"]}


class ReorderRuleFilter(filters.FilterSet):
    class Meta:
        model = ReorderRule
        fields = {"material": ["exact"], "warehouse": ["exact"], "is_active": ["exact"]}


# --- reorder suggestions ------------------------------------------------------------------------
@dataclass
class ReorderLine:
    rule: ReorderRule
    on_hand: Decimal
    reserved: Decimal
    incoming: dict[str, Decimal] = field(default_factory=dict)

    @property
    def on_order(self) -> Decimal:
        return self.incoming.get(ON_ORDER, Decimal(0))

    @property
    def planned_production(self) -> Decimal:
        return self.incoming.get(PLANNED_PRODUCTION, Decimal(0))

    @property
    def projected(self) -> Decimal:
        """DESIGN §3.3: on hand + on order + planned production − reserved (every incoming source)."""
        return self.on_hand + sum(self.incoming.values(), Decimal(0)) - self.reserved

    @property
    def suggest(self) -> bool:
        return self.projected <= self.rule.min_qty

    @property
    def suggested_qty(self) -> Decimal:
        """Enough to reach max, rounded up to the rule's multiple; zero when no order is due."""
        if not self.suggest:
            return Decimal(0)
        short = self.rule.max_qty - self.projected
        if short <= 0:
            return Decimal(0)
        return Decimal(math.ceil(short / self.rule.multiple)) * self.rule.multiple


def reorder_lines(*, warehouse_id: int | None = None, material_id: int | None = None, only_due: bool = True):
    """One line per active rule: stock position and the order to place (when projected ≤ min).

    On hand counts every lot that may still be used (quarantine, released, on hold), not rejected
    ones, in the rule's warehouse; reserved is what orders already hold.
    """
    rules = list(reorder_rule_list().filter(is_active=True, material__is_active=True))
    if warehouse_id:
        rules = [r for r in rules if r.warehouse_id == int(warehouse_id)]
    if material_id:
        rules = [r for r in rules if r.material_id == int(material_id)]
    if not rules:
        return []
    stock = (
        StockBalance.objects.filter(
            material_id__in={r.material_id for r in rules},
            location__warehouse_id__in={r.warehouse_id for r in rules},
        )
        .exclude(lot__qc_status=QCStatus.REJECTED)
        .values("material_id", "location__warehouse_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    )
    position = {(row["material_id"], row["location__warehouse_id"]): row for row in stock}
    by_warehouse: dict[int, list[int]] = defaultdict(list)
    for rule in rules:
        by_warehouse[rule.warehouse_id].append(rule.material_id)
    # One call per provider per warehouse, not per material.
    incoming = {wh: incoming_by_source(ids, wh) for wh, ids in by_warehouse.items()}
    lines = []
    for rule in rules:
        row = position.get((rule.material_id, rule.warehouse_id), {})
        sources = {name: qty.get(rule.material_id, Decimal(0)) for name, qty in incoming[rule.warehouse_id].items()}
        line = ReorderLine(
            rule=rule,
            on_hand=row.get("on_hand") or Decimal(0),
            reserved=row.get("reserved") or Decimal(0),
            incoming=sources,
        )
        if line.suggest or not only_due:
            lines.append(line)
    return lines
