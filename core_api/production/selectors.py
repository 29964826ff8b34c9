"""Reads of the production app: querysets shaped for their serializers (no N+1), and filters."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet

from .models import BOM, BOMComponent, Consumption, JobWork, JobWorkIssue, Output, Reservation, StatusLog, WorkOrder


def bom_list() -> QuerySet[BOM]:
    return BOM.objects.select_related("product").prefetch_related(
        Prefetch("components", queryset=BOMComponent.objects.select_related("material"))
    )


def dye_recipe(*, shade_code: str) -> BOM | None:
    """The dye recipe of a shade: the active dyeing-stage BOM of the material carrying that shade."""
    return bom_list().filter(stage="dyeing", is_active=True, product__shade_code=shade_code).first()


def work_order_list() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related("bom", "product", "source_location", "output_location")


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
        fields = {"product": ["exact"], "stage": ["exact"], "bom": ["exact"], "dye_lot": ["exact"]}


class JobWorkFilter(django_filters.FilterSet):
    class Meta:
        model = JobWork
        fields = {"status": ["exact"], "partner_location": ["exact"], "output_material": ["exact"]}
