"""Shapes of the planning API (no business rules here)."""

from __future__ import annotations

from rest_framework import serializers

from core.serializers import StrictModelSerializer, StrictSerializer
from inventory.models import Location, Warehouse
from production.models import BOM

from .models import BOMPlanning, CapacityLoad, MachineGroup, PlannedOrder, PlanningException, PlanningRun


class RunSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="job.status", default=None, read_only=True)
    progress = serializers.IntegerField(source="job.progress", default=None, read_only=True)
    message = serializers.CharField(source="job.message", default=None, read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = PlanningRun
        fields = [
            "id",
            "job",
            "status",
            "progress",
            "message",
            "horizon_weeks",
            "run_date",
            "start_week",
            "warehouse",
            "lot_sizing",
            "note",
            "summary",
            "created_at",
            "created_by",
            "completed_at",
        ]


class RunCreateSerializer(StrictSerializer):
    horizon_weeks = serializers.IntegerField(
        min_value=1,
        max_value=104,
        error_messages={
            "min_value": "must be from 1 to 104 weeks",
            "max_value": "must be from 1 to 104 weeks",
        },
    )
    run_date = serializers.DateField(required=False)
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all(), required=False, allow_null=True)
    lot_sizing = serializers.ChoiceField(choices=["auto", "lot_for_lot"], required=False, default="auto")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CompareQuerySerializer(StrictSerializer):
    other = serializers.PrimaryKeyRelatedField(queryset=PlanningRun.objects.all())


class PlannedOrderSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    bom_code = serializers.CharField(source="bom.code", default=None, read_only=True)
    machine_group_code = serializers.CharField(source="machine_group.code", default=None, read_only=True)
    supplier_code = serializers.CharField(source="supplier.code", default=None, read_only=True)
    unit_price = serializers.DecimalField(
        source="price_list.price", max_digits=16, decimal_places=6, default=None, read_only=True
    )
    currency = serializers.CharField(source="price_list.currency", default=None, read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", default=None, read_only=True)
    purchase_order_number = serializers.CharField(source="purchase_order.number", default=None, read_only=True)
    firmed = serializers.BooleanField(source="is_firmed", read_only=True)

    class Meta:
        model = PlannedOrder
        fields = [
            "id",
            "run",
            "seq",
            "order_type",
            "material",
            "material_code",
            "unit",
            "stage",
            "bom",
            "bom_code",
            "machine_group",
            "machine_group_code",
            "supplier",
            "supplier_code",
            "unit_price",
            "currency",
            "week",
            "start_date",
            "due_date",
            "net_qty",
            "qty",
            "lot_sizing",
            "load_kg",
            "past_due",
            "pegging",
            "firmed",
            "firmed_at",
            "work_order",
            "work_order_number",
            "purchase_order",
            "purchase_order_number",
        ]


class FirmSerializer(StrictSerializer):
    source_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    output_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all(), required=False)


class BulkFirmSerializer(FirmSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)


class ExceptionSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", default=None, read_only=True)
    machine_group_code = serializers.CharField(source="machine_group.code", default=None, read_only=True)

    class Meta:
        model = PlanningException
        fields = [
            "id",
            "run",
            "code",
            "severity",
            "material",
            "material_code",
            "machine_group",
            "machine_group_code",
            "week",
            "qty",
            "message",
            "details",
        ]


class CapacityLoadSerializer(serializers.ModelSerializer):
    machine_group_code = serializers.CharField(source="machine_group.code", read_only=True)
    utilisation_pct = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True)

    class Meta:
        model = CapacityLoad
        fields = [
            "id",
            "run",
            "machine_group",
            "machine_group_code",
            "week",
            "load_kg",
            "capacity_kg",
            "utilisation_pct",
            "overloaded",
        ]


class MachineGroupSerializer(serializers.ModelSerializer):
    capacity_kg_per_week = serializers.DecimalField(max_digits=16, decimal_places=3, read_only=True)

    class Meta:
        model = MachineGroup
        fields = [
            "id",
            "code",
            "name",
            "stage",
            "capacity_kg_per_day",
            "days_per_week",
            "capacity_kg_per_week",
            "is_active",
            "machines",
            "version",
            "created_at",
            "updated_at",
        ]


class MachineGroupWriteSerializer(StrictModelSerializer):
    capacity_kg_per_day = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    days_per_week = serializers.IntegerField(min_value=1, max_value=7, required=False)

    class Meta:
        model = MachineGroup
        fields = ["code", "name", "stage", "capacity_kg_per_day", "days_per_week", "is_active", "machines"]
        extra_kwargs = {"code": {"validators": []}, "machines": {"required": False}}


class BOMPlanningSerializer(serializers.ModelSerializer):
    bom_code = serializers.CharField(source="bom.code", read_only=True)
    stage = serializers.CharField(source="bom.stage", read_only=True)
    machine_group_code = serializers.CharField(source="machine_group.code", default=None, read_only=True)

    class Meta:
        model = BOMPlanning
        fields = ["id", "bom", "bom_code", "stage", "lead_time_days", "machine_group", "machine_group_code", "version"]


class BOMPlanningWriteSerializer(StrictSerializer):
    bom = serializers.PrimaryKeyRelatedField(queryset=BOM.objects.all())
    lead_time_days = serializers.IntegerField(min_value=0, max_value=365)
    machine_group = serializers.PrimaryKeyRelatedField(
        queryset=MachineGroup.objects.all(), required=False, allow_null=True
    )
