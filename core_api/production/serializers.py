"""Shapes of the production API. Input serializers are strict (unknown fields → 400)."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from core.serializers import StrictSerializer
from inventory.models import Location, Lot, Material, Roll

from .models import (
    BOM,
    Basis,
    BOMComponent,
    Consumption,
    JobWork,
    JobWorkIssue,
    Machine,
    Output,
    Reservation,
    Stage,
    StatusLog,
    WorkOrder,
)
from .services import PICK_STRATEGIES, RESERVE_STRATEGIES, job_work_reconciliation

POSITIVE = {"min_value": Decimal("0.0001")}


def qty_field(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=4, **{**POSITIVE, **kwargs})


# --- read shapes ----------------------------------------------------------------------------------
class BOMComponentSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)

    class Meta:
        model = BOMComponent
        fields = ["id", "material", "material_code", "unit", "qty_per_unit", "basis", "loss_pct", "sequence"]


class BOMSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    shade_code = serializers.CharField(source="product.shade_code", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)
    components = BOMComponentSerializer(many=True, read_only=True)

    class Meta:
        model = BOM
        fields = [
            "id",
            "code",
            "product",
            "product_code",
            "shade_code",
            "unit",
            "stage",
            "conversion_cost",
            "is_active",
            "notes",
            "components",
            "version",
            "created_at",
            "updated_at",
        ]


class ProductionStatusLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, read_only=True)

    class Meta:
        model = StatusLog
        fields = ["from_status", "to_status", "user", "note", "at"]


class ReservationSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    roll_code = serializers.CharField(source="roll.code", default=None, read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "lot", "lot_code", "roll", "roll_code", "location", "qty", "open_qty"]


class ConsumptionSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    material = serializers.IntegerField(source="lot.material_id", read_only=True)
    roll_code = serializers.CharField(source="roll.code", default=None, read_only=True)

    class Meta:
        model = Consumption
        fields = [
            "id",
            "lot",
            "lot_code",
            "material",
            "roll",
            "roll_code",
            "location",
            "qty",
            "kg",
            "value",
            "attributed_qty",
            "created_at",
        ]


class ProductionOutputSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)
    qc_status = serializers.CharField(source="lot.qc_status", read_only=True)
    rolls = serializers.SerializerMethodField()

    class Meta:
        model = Output
        fields = [
            "id",
            "lot",
            "lot_code",
            "dye_lot",
            "qc_status",
            "rolls",
            "qty",
            "kg",
            "input_qty",
            "input_kg",
            "process_loss_pct",
            "material_value",
            "conversion_value",
            "fee_value",
            "value",
            "created_at",
        ]

    def get_rolls(self, output) -> list[dict]:
        return [{"id": r.pk, "code": r.code, "length_m": str(r.length_m)} for r in output.lot.rolls.all()]


class MachineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Machine
        fields = ["id", "code", "name", "stage", "is_active", "notes", "version", "created_at", "updated_at"]


class WorkOrderSerializer(serializers.ModelSerializer):
    bom_code = serializers.CharField(source="bom.code", read_only=True)
    machine_code = serializers.CharField(source="machine.code", default=None, read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "bom",
            "bom_code",
            "product",
            "product_code",
            "unit",
            "stage",
            "status",
            "planned_qty",
            "output_qty",
            "source_location",
            "output_location",
            "issue_tolerance_pct",
            "dye_lot",
            "machine",
            "machine_code",
            "input_kg",
            "output_kg",
            "process_loss_pct",
            "input_value",
            "output_value",
            "due_date",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class WorkOrderDetailSerializer(WorkOrderSerializer):
    reservations = ReservationSerializer(many=True, read_only=True)
    inputs = ConsumptionSerializer(many=True, read_only=True)
    outputs = ProductionOutputSerializer(many=True, read_only=True)
    log = ProductionStatusLogSerializer(many=True, read_only=True)

    class Meta(WorkOrderSerializer.Meta):
        fields = [*WorkOrderSerializer.Meta.fields, "reservations", "inputs", "outputs", "log"]


class JobWorkIssueSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    roll_code = serializers.CharField(source="roll.code", default=None, read_only=True)

    class Meta:
        model = JobWorkIssue
        fields = [
            "id",
            "lot",
            "lot_code",
            "roll",
            "roll_code",
            "from_location",
            "qty",
            "kg",
            "consumed_qty",
            "returned_qty",
        ]


class JobWorkSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="partner_location.partner_name", read_only=True)
    output_material_code = serializers.CharField(source="output_material.code", read_only=True)
    reconciliation = serializers.SerializerMethodField()

    class Meta:
        model = JobWork
        fields = [
            "id",
            "number",
            "partner_location",
            "partner",
            "output_material",
            "output_material_code",
            "stage",
            "fee_per_kg",
            "status",
            "reconciliation",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_reconciliation(self, job_work) -> dict:
        figures = job_work_reconciliation(job_work)
        return {
            **{k: {name: str(v) for name, v in figures[k].items()} for k in ("qty", "kg")},
            "shrinkage_pct": None if figures["shrinkage_pct"] is None else str(figures["shrinkage_pct"]),
            "mass_loss_pct": None if figures["mass_loss_pct"] is None else str(figures["mass_loss_pct"]),
            "balanced": figures["balanced"],
        }


class JobWorkDetailSerializer(JobWorkSerializer):
    issues = JobWorkIssueSerializer(many=True, read_only=True)
    outputs = ProductionOutputSerializer(many=True, read_only=True)
    log = ProductionStatusLogSerializer(many=True, read_only=True)

    class Meta(JobWorkSerializer.Meta):
        fields = [*JobWorkSerializer.Meta.fields, "issues", "outputs", "log"]


# --- inputs ---------------------------------------------------------------------------------------
class ComponentInputSerializer(StrictSerializer):
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    qty_per_unit = serializers.DecimalField(max_digits=16, decimal_places=6, min_value=Decimal("0.000001"))
    basis = serializers.ChoiceField(choices=Basis.choices, default=Basis.UNIT)
    loss_pct = serializers.DecimalField(
        max_digits=7, decimal_places=4, min_value=Decimal(0), max_value=Decimal("99.9999"), default=Decimal(0)
    )
    sequence = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class BOMCreateSerializer(StrictSerializer):
    code = serializers.CharField(max_length=40)
    product = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    stage = serializers.ChoiceField(choices=Stage.choices)
    conversion_cost = serializers.DecimalField(
        max_digits=16, decimal_places=6, min_value=Decimal(0), default=Decimal(0)
    )
    is_active = serializers.BooleanField(default=True)
    notes = serializers.CharField(allow_blank=True, default="")
    components = ComponentInputSerializer(many=True, allow_empty=False)


class BOMUpdateSerializer(StrictSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    conversion_cost = serializers.DecimalField(max_digits=16, decimal_places=6, min_value=Decimal(0), required=False)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(allow_blank=True, required=False)
    components = ComponentInputSerializer(many=True, allow_empty=False, required=False)


class ExplodeQuerySerializer(StrictSerializer):
    qty = qty_field()


class StockLineInputSerializer(StrictSerializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.select_related("material"))
    roll = serializers.PrimaryKeyRelatedField(queryset=Roll.objects.all(), required=False, allow_null=True)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    qty = qty_field()


class WorkOrderCreateSerializer(StrictSerializer):
    bom = serializers.PrimaryKeyRelatedField(queryset=BOM.objects.select_related("product"))
    planned_qty = qty_field()
    source_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    output_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    issue_tolerance_pct = serializers.DecimalField(
        max_digits=7, decimal_places=4, min_value=Decimal(0), max_value=Decimal(100), required=False
    )
    dye_lot = serializers.CharField(max_length=80, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(allow_blank=True, default="")
    machine = serializers.PrimaryKeyRelatedField(queryset=Machine.objects.all(), required=False, allow_null=True)


class WorkOrderUpdateSerializer(StrictSerializer):
    planned_qty = qty_field(required=False)
    source_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    output_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    issue_tolerance_pct = serializers.DecimalField(
        max_digits=7, decimal_places=4, min_value=Decimal(0), max_value=Decimal(100), required=False
    )
    dye_lot = serializers.CharField(max_length=80, allow_blank=True, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(allow_blank=True, required=False)
    machine = serializers.PrimaryKeyRelatedField(queryset=Machine.objects.all(), required=False, allow_null=True)


class MachineCreateSerializer(StrictSerializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120)
    stage = serializers.ChoiceField(choices=Stage.choices)
    is_active = serializers.BooleanField(default=True)
    notes = serializers.CharField(allow_blank=True, default="")


class MachineUpdateSerializer(StrictSerializer):
    code = serializers.CharField(max_length=40, required=False)
    name = serializers.CharField(max_length=120, required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(allow_blank=True, required=False)


class ReleaseSerializer(StrictSerializer):
    strategy = serializers.ChoiceField(choices=RESERVE_STRATEGIES, default="fifo")
    lines = StockLineInputSerializer(many=True, required=False)


class WorkOrderIssueSerializer(StrictSerializer):
    lines = StockLineInputSerializer(many=True, required=False)
    strategy = serializers.ChoiceField(
        choices=PICK_STRATEGIES,
        required=False,
        help_text="With nothing reserved and no lines: pick the BOM's need from free stock and issue it.",
    )


class RollInputSerializer(StrictSerializer):
    length_m = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False)
    gsm = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"), required=False)
    code = serializers.CharField(max_length=40, required=False)


class ConsumedInputSerializer(StrictSerializer):
    input = serializers.IntegerField(min_value=1)
    qty = qty_field()


class OutputInputSerializer(StrictSerializer):
    rolls = RollInputSerializer(many=True, required=False, allow_empty=False)
    qty = qty_field(required=False)
    dye_lot = serializers.CharField(max_length=80, allow_blank=True, default="")
    consumed = ConsumedInputSerializer(many=True, required=False)


class CancelNoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=255, allow_blank=True, default="")


class ProductionNoBodySerializer(StrictSerializer):
    pass


class JobWorkCreateSerializer(StrictSerializer):
    partner_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    output_material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    stage = serializers.ChoiceField(choices=Stage.choices, default=Stage.DYEING)
    fee_per_kg = serializers.DecimalField(max_digits=16, decimal_places=6, min_value=Decimal(0), default=Decimal(0))
    notes = serializers.CharField(allow_blank=True, default="")


class JobWorkIssueInputSerializer(StrictSerializer):
    lines = StockLineInputSerializer(many=True, allow_empty=False)


class IssuePartSerializer(StrictSerializer):
    issue = serializers.IntegerField(min_value=1)
    qty = qty_field()


class JobWorkReceiveSerializer(StrictSerializer):
    to_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    rolls = RollInputSerializer(many=True, allow_empty=False)
    consumed = IssuePartSerializer(many=True, required=False)
    dye_lot = serializers.CharField(max_length=80, allow_blank=True, default="")


class JobWorkReturnSerializer(StrictSerializer):
    to_location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    items = IssuePartSerializer(many=True, required=False)
