"""Reads of the quality app: querysets shaped for their serializers (no N+1), and filters."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet

from .models import (
    Inspection,
    InspectionParameter,
    InspectionResult,
    InspectionTemplate,
    NonConformance,
    RollInspection,
    ShadeReading,
)


def lot_inspections(lot_ids: list[int]) -> dict[int, dict]:
    """Trace annotation: each lot's inspections (stage, decision), oldest first."""
    info: dict[int, dict] = {}
    rows = Inspection.objects.filter(lot_id__in=lot_ids).order_by("id")
    for number, lot_id, stage, decision, passed in rows.values_list("number", "lot_id", "stage", "decision", "passed"):
        info.setdefault(lot_id, {"inspections": []})["inspections"].append(
            {"number": number, "stage": stage, "decision": decision, "passed": passed}
        )
    return info


def template_list() -> QuerySet[InspectionTemplate]:
    return InspectionTemplate.objects.prefetch_related(
        Prefetch("parameters", queryset=InspectionParameter.objects.order_by("sequence", "id"))
    )


def inspection_list() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("template", "lot__material", "release_to", "inspector").prefetch_related(
        Prefetch("results", queryset=InspectionResult.objects.select_related("parameter")), "rejection_reasons"
    )


def non_conformance_list() -> QuerySet[NonConformance]:
    return NonConformance.objects.select_related("lot", "roll", "inspection", "reason")


def roll_inspection_list() -> QuerySet[RollInspection]:
    return RollInspection.objects.select_related("roll__lot", "inspector").prefetch_related("defects", "images")


def shade_reading_list() -> QuerySet[ShadeReading]:
    return ShadeReading.objects.select_related("roll", "standard", "inspector")


class InspectionFilter(django_filters.FilterSet):
    class Meta:
        model = Inspection
        fields = {
            "lot": ["exact"],
            "template": ["exact"],
            "stage": ["exact"],
            "decision": ["exact"],
            "passed": ["exact"],
        }


class RollInspectionFilter(django_filters.FilterSet):
    lot = django_filters.NumberFilter(field_name="roll__lot")
    max_points = django_filters.NumberFilter(field_name="points_per_100yd2", lookup_expr="lte")

    class Meta:
        model = RollInspection
        fields = {"roll": ["exact"], "grade": ["exact"], "threshold_name": ["exact"]}


class ShadeReadingFilter(django_filters.FilterSet):
    lot = django_filters.NumberFilter(field_name="roll__lot")

    class Meta:
        model = ShadeReading
        fields = {"roll": ["exact"], "standard": ["exact"], "band": ["exact"]}
