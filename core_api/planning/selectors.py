"""Reads of the planning app: querysets shaped for their serializers (no N+1), filters, comparison."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import django_filters
from django.db.models import Count, QuerySet, Sum

from production.models import Stage

from .models import (
    BOMPlanning,
    CapacityLoad,
    ExceptionCode,
    MachineGroup,
    OrderType,
    PlannedOrder,
    PlanningException,
    PlanningRun,
    Severity,
)


def run_list() -> QuerySet[PlanningRun]:
    return PlanningRun.objects.select_related("job", "warehouse", "created_by")


def planned_order_list() -> QuerySet[PlannedOrder]:
    return PlannedOrder.objects.select_related(
        "material", "bom", "machine_group", "supplier", "price_list", "work_order", "purchase_order", "firmed_by"
    )


def exception_list() -> QuerySet[PlanningException]:
    return PlanningException.objects.select_related("material", "machine_group")


def capacity_list() -> QuerySet[CapacityLoad]:
    return CapacityLoad.objects.select_related("machine_group")


def machine_group_list() -> QuerySet[MachineGroup]:
    return MachineGroup.objects.prefetch_related("machines")


def bom_planning_list() -> QuerySet[BOMPlanning]:
    return BOMPlanning.objects.select_related("bom", "machine_group")


class PlannedOrderFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="order_type", choices=OrderType.choices)
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    firmed = django_filters.BooleanFilter(field_name="firmed_at", lookup_expr="isnull", exclude=True)
    week_from = django_filters.DateFilter(field_name="week", lookup_expr="gte")
    week_to = django_filters.DateFilter(field_name="week", lookup_expr="lte")

    class Meta:
        model = PlannedOrder
        fields = {
            "run": ["exact"],
            "material": ["exact"],
            "supplier": ["exact"],
            "machine_group": ["exact"],
            "past_due": ["exact"],
        }


class ExceptionFilter(django_filters.FilterSet):
    code = django_filters.ChoiceFilter(choices=ExceptionCode.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)

    class Meta:
        model = PlanningException
        fields = {"run": ["exact"], "material": ["exact"], "machine_group": ["exact"]}


class CapacityFilter(django_filters.FilterSet):
    class Meta:
        model = CapacityLoad
        fields = {
            "run": ["exact"],
            "machine_group": ["exact"],
            "week": ["exact", "gte", "lte"],
            "overloaded": ["exact"],
        }


class MachineGroupFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = MachineGroup
        fields = {"is_active": ["exact"], "code": ["exact"]}


def _totals(run_id: int) -> dict[tuple[str, int], dict]:
    rows = (
        PlannedOrder.objects.filter(run_id=run_id)
        .values("order_type", "material_id", "material__code")
        .annotate(qty=Sum("qty"), count=Count("id"))
    )
    return {(r["order_type"], r["material_id"]): r for r in rows}


def run_compare(run: PlanningRun, other: PlanningRun) -> dict:
    """Per material and order type: quantity and count in each run, and the change (this − other)."""
    mine, theirs = _totals(run.pk), _totals(other.pk)
    lines = []
    for key in sorted(set(mine) | set(theirs), key=lambda k: (k[0], (mine.get(k) or theirs.get(k))["material__code"])):
        a, b = mine.get(key, {}), theirs.get(key, {})
        qty_a, qty_b = a.get("qty") or Decimal(0), b.get("qty") or Decimal(0)
        lines.append(
            {
                "order_type": key[0],
                "material": key[1],
                "material_code": (a or b)["material__code"],
                "qty": str(qty_a),
                "other_qty": str(qty_b),
                "delta_qty": str(qty_a - qty_b),
                "count": a.get("count", 0),
                "other_count": b.get("count", 0),
            }
        )
    exceptions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        PlanningException.objects.filter(run_id__in=(run.pk, other.pk)).values("run_id", "code").annotate(n=Count("id"))
    )
    for row in rows:
        exceptions[row["code"]][0 if row["run_id"] == run.pk else 1] = row["n"]
    return {
        "run": run.pk,
        "other": other.pk,
        "summary": run.summary,
        "other_summary": other.summary,
        "materials": lines,
        "exceptions": {code: {"count": c[0], "other_count": c[1]} for code, c in sorted(exceptions.items())},
    }
