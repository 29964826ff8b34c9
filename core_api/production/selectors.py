"""Reads of the production app: querysets shaped for their serializers (no N+1), and filters."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import django_filters
from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

from .formulas import process_loss_pct
from .models import (
    BOM,
    BOMComponent,
    Consumption,
    JobWork,
    JobWorkIssue,
    Machine,
    Output,
    Reservation,
    StatusLog,
    WorkOrder,
    WorkOrderStatus,
)


def planned_production(material_ids: list[int], warehouse_id: int | None) -> dict[int, Decimal]:
    """Open work orders' remaining output per product: inventory's `planned_production` supply."""
    orders = WorkOrder.objects.filter(
        product_id__in=material_ids, status__in=(WorkOrderStatus.RELEASED, WorkOrderStatus.IN_PROGRESS)
    )
    if warehouse_id is not None:
        orders = orders.filter(output_location__warehouse_id=warehouse_id)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for product_id, planned, made in orders.values_list("product_id", "planned_qty", "output_qty"):
        totals[product_id] += max(planned - made, Decimal(0))
    return dict(totals)


def process_loss_by_stage(*, since=None, until=None) -> dict[str, dict]:
    """Process loss per stage over every output (work orders and job work): (Σ in − Σ out) ÷ Σ in, in kg."""
    outputs = Output.objects.filter(input_kg__isnull=False, kg__isnull=False)
    if since is not None:
        outputs = outputs.filter(created_at__gte=since)
    if until is not None:
        outputs = outputs.filter(created_at__lt=until)
    stage = Coalesce("work_order__stage", "job_work__stage")
    rows = outputs.annotate(stage=stage).values("stage").annotate(input_kg=Sum("input_kg"), output_kg=Sum("kg"))
    return {
        row["stage"]: {
            "input_kg": row["input_kg"],
            "output_kg": row["output_kg"],
            "process_loss_pct": process_loss_pct(row["input_kg"], row["output_kg"]),
        }
        for row in rows
    }


def lots_produced(lot_ids: list[int]) -> dict[int, dict]:
    """Trace annotation: which work order or job work produced each lot, at which stage."""
    info = {}
    for output in Output.objects.filter(lot_id__in=lot_ids).select_related("work_order", "job_work"):
        document = output.work_order or output.job_work
        info[output.lot_id] = {
            "produced_by": {
                "type": "work_order" if output.work_order_id else "job_work",
                "id": document.pk,
                "number": document.number,
                "stage": document.stage,
                "process_loss_pct": None if output.process_loss_pct is None else str(output.process_loss_pct),
            }
        }
    return info


def bom_list() -> QuerySet[BOM]:
    return BOM.objects.select_related("product").prefetch_related(
        Prefetch("components", queryset=BOMComponent.objects.select_related("material"))
    )


def dye_recipe(*, shade_code: str) -> BOM | None:
    """The dye recipe of a shade: the active dyeing-stage BOM of the material carrying that shade."""
    return bom_list().filter(stage="dyeing", is_active=True, product__shade_code=shade_code).first()


def machine_list() -> QuerySet[Machine]:
    return Machine.objects.all()


def work_order_list() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related("bom", "product", "source_location", "output_location", "machine")


def work_order_detail() -> QuerySet[WorkOrder]:
    return work_order_list().prefetch_related(
        Prefetch("inputs", queryset=Consumption.objects.select_related("lot__material", "roll", "location")),
        Prefetch("outputs", queryset=Output.objects.select_related("lot").prefetch_related("lot__rolls")),
        Prefetch("reservations", queryset=Reservation.objects.select_related("lot", "roll", "location")),
        Prefetch("log", queryset=StatusLog.objects.select_related("user")),
    )


def job_work_list() -> QuerySet[JobWork]:
    return JobWork.objects.select_related("partner_location", "output_material")


def job_work_detail() -> QuerySet[JobWork]:
    return job_work_list().prefetch_related(
        Prefetch("issues", queryset=JobWorkIssue.objects.select_related("lot", "roll", "from_location")),
        Prefetch("outputs", queryset=Output.objects.select_related("lot").prefetch_related("lot__rolls")),
        Prefetch("log", queryset=StatusLog.objects.select_related("user")),
    )


class BOMFilter(django_filters.FilterSet):
    shade_code = django_filters.CharFilter(field_name="product__shade_code")
    article = django_filters.CharFilter(field_name="product__article")
    component = django_filters.NumberFilter(field_name="components__material", distinct=True)

    class Meta:
        model = BOM
        fields = {"product": ["exact"], "stage": ["exact"], "is_active": ["exact"]}


class WorkOrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WorkOrder._meta.get_field("status").choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = WorkOrder
        fields = {
            "product": ["exact"],
            "stage": ["exact"],
            "bom": ["exact"],
            "dye_lot": ["exact"],
            "machine": ["exact"],
        }


class MachineFilter(django_filters.FilterSet):
    class Meta:
        model = Machine
        fields = {"stage": ["exact"], "is_active": ["exact"]}


class JobWorkFilter(django_filters.FilterSet):
    class Meta:
        model = JobWork
        fields = {"status": ["exact"], "partner_location": ["exact"], "output_material": ["exact"]}
