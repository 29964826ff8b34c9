"""Shapes of the quality API. Input serializers are strict (unknown fields → 400)."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from core.serializers import StrictModelSerializer, StrictSerializer
from inventory.models import Location, Lot, Roll

from .models import (
    Decision,
    DefectType,
    Inspection,
    InspectionParameter,
    InspectionResult,
    InspectionStage,
    InspectionTemplate,
    NonConformance,
    NonConformanceStatus,
    ParameterKind,
    PointsThreshold,
    RejectionReason,
    RollDefect,
    RollInspection,
    RollInspectionImage,
    ShadeReading,
    ShadeStandard,
)

READING = {"max_digits": 14, "decimal_places": 4}
LAB = {"max_digits": 7, "decimal_places": 3}


# --- templates ------------------------------------------------------------------------------------
class InspectionParameterSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionParameter
        fields = ["id", "name", "kind", "unit", "min_value", "max_value", "required", "sequence"]


class TemplateSerializer(serializers.ModelSerializer):
    parameters = InspectionParameterSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionTemplate
        fields = ["id", "name", "stage", "material_kind", "description", "is_active", "parameters", "version"]


class InspectionParameterInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=ParameterKind.choices)
    unit = serializers.CharField(max_length=20, allow_blank=True, default="")
    min_value = serializers.DecimalField(**READING, required=False, allow_null=True)
    max_value = serializers.DecimalField(**READING, required=False, allow_null=True)
    required = serializers.BooleanField(default=True)
    sequence = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class TemplateCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    stage = serializers.ChoiceField(choices=InspectionStage.choices)
    material_kind = serializers.CharField(max_length=20, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")
    is_active = serializers.BooleanField(default=True)
    parameters = InspectionParameterInputSerializer(many=True, allow_empty=False)


class TemplateUpdateSerializer(StrictSerializer):
    stage = serializers.ChoiceField(choices=InspectionStage.choices, required=False)
    material_kind = serializers.CharField(max_length=20, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    is_active = serializers.BooleanField(required=False)
    parameters = InspectionParameterInputSerializer(many=True, allow_empty=False, required=False)


# --- reasons, thresholds --------------------------------------------------------------------------
class RejectionReasonSerializer(StrictModelSerializer):
    class Meta:
        model = RejectionReason
        fields = ["id", "code", "description", "is_active"]


class PointsThresholdSerializer(StrictModelSerializer):
    max_points_per_100yd2 = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))

    class Meta:
        model = PointsThreshold
        fields = ["id", "name", "max_points_per_100yd2", "description"]


# --- inspections ----------------------------------------------------------------------------------
class InspectionResultSerializer(serializers.ModelSerializer):
    parameter_name = serializers.CharField(source="parameter.name", read_only=True)

    class Meta:
        model = InspectionResult
        fields = ["parameter", "parameter_name", "value_numeric", "value_bool", "value_text", "passed"]


class InspectionSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    material = serializers.IntegerField(source="lot.material_id", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    inspector = serializers.CharField(source="inspector.username", default=None, read_only=True)
    results = InspectionResultSerializer(many=True, read_only=True)
    rejection_reasons = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "number",
            "template",
            "template_name",
            "stage",
            "lot",
            "lot_code",
            "material",
            "sample_size",
            "lot_qty",
            "is_sampled",
            "passed",
            "decision",
            "qc_status_before",
            "qc_status_after",
            "release_to",
            "rejection_reasons",
            "results",
            "inspector",
            "notes",
            "version",
            "created_at",
        ]


class InspectionResultInputSerializer(StrictSerializer):
    parameter = serializers.IntegerField(min_value=1)
    value_numeric = serializers.DecimalField(**READING, required=False, allow_null=True)
    value_bool = serializers.BooleanField(required=False, allow_null=True)
    value_text = serializers.CharField(allow_blank=True, required=False, default="")


class InspectionCreateSerializer(StrictSerializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.select_related("material"))
    template = serializers.PrimaryKeyRelatedField(queryset=InspectionTemplate.objects.all())
    results = InspectionResultInputSerializer(many=True)
    decision = serializers.ChoiceField(choices=Decision.choices, required=False)
    sample_size = serializers.DecimalField(**READING, min_value=Decimal("0.0001"), required=False, allow_null=True)
    release_to = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False, allow_null=True)
    rejection_reasons = serializers.SlugRelatedField(
        slug_field="code", queryset=RejectionReason.objects.filter(is_active=True), many=True, required=False
    )
    notes = serializers.CharField(allow_blank=True, default="")


# --- non-conformances -----------------------------------------------------------------------------
class NonConformanceSerializer(serializers.ModelSerializer):
    reason = serializers.SlugRelatedField(slug_field="code", allow_null=True, read_only=True)
    lot_code = serializers.CharField(source="lot.code", default=None, allow_null=True, read_only=True)

    class Meta:
        model = NonConformance
        fields = [
            "id",
            "number",
            "lot",
            "lot_code",
            "roll",
            "inspection",
            "reason",
            "description",
            "root_cause",
            "action",
            "status",
            "closed_at",
            "version",
            "created_at",
            "updated_at",
        ]


class NonConformanceCreateSerializer(StrictSerializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all(), required=False, allow_null=True)
    roll = serializers.PrimaryKeyRelatedField(queryset=Roll.objects.all(), required=False, allow_null=True)
    inspection = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), required=False, allow_null=True)
    reason = serializers.SlugRelatedField(
        slug_field="code", queryset=RejectionReason.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField()
    root_cause = serializers.CharField(allow_blank=True, default="")
    action = serializers.CharField(allow_blank=True, default="")
    status = serializers.ChoiceField(choices=NonConformanceStatus.choices, default=NonConformanceStatus.OPEN)


class NonConformanceUpdateSerializer(StrictSerializer):
    reason = serializers.SlugRelatedField(
        slug_field="code", queryset=RejectionReason.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False)
    root_cause = serializers.CharField(allow_blank=True, required=False)
    action = serializers.CharField(allow_blank=True, required=False)
    status = serializers.ChoiceField(choices=NonConformanceStatus.choices, required=False)


# --- roll inspections -----------------------------------------------------------------------------
class RollDefectSerializer(serializers.ModelSerializer):
    class Meta:
        model = RollDefect
        fields = ["id", "defect_type", "length_in", "hole_size_in", "position_yd", "points"]


class RollInspectionImageSerializer(serializers.ModelSerializer):
    class Meta:
        model = RollInspectionImage
        fields = ["id", "defect", "image", "caption", "uploaded_at"]


class RollInspectionSerializer(serializers.ModelSerializer):
    roll_code = serializers.CharField(source="roll.code", read_only=True)
    lot = serializers.IntegerField(source="roll.lot_id", read_only=True)
    inspector = serializers.CharField(source="inspector.username", default=None, read_only=True)
    defects = RollDefectSerializer(many=True, read_only=True)
    images = RollInspectionImageSerializer(many=True, read_only=True)

    class Meta:
        model = RollInspection
        fields = [
            "id",
            "number",
            "roll",
            "roll_code",
            "lot",
            "inspected_yards",
            "cuttable_width_in",
            "threshold_name",
            "threshold",
            "total_points",
            "points_per_100yd2",
            "grade",
            "defects",
            "images",
            "inspector",
            "notes",
            "version",
            "created_at",
        ]


class RollDefectInputSerializer(StrictSerializer):
    defect_type = serializers.ChoiceField(choices=DefectType.choices)
    length_in = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False)
    hole_size_in = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False)
    position_yd = serializers.DecimalField(max_digits=10, decimal_places=2)


class RollInspectionCreateSerializer(StrictSerializer):
    roll = serializers.PrimaryKeyRelatedField(queryset=Roll.objects.all())
    defects = RollDefectInputSerializer(many=True)
    threshold = serializers.CharField(max_length=60, required=False)
    inspected_yards = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    cuttable_width_in = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    notes = serializers.CharField(allow_blank=True, default="")


class RollImageUploadSerializer(StrictSerializer):
    image = serializers.FileField()
    defect = serializers.IntegerField(min_value=1, required=False)
    caption = serializers.CharField(max_length=200, allow_blank=True, default="")


# --- shade ----------------------------------------------------------------------------------------
class ShadeStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShadeStandard
        fields = [
            "id",
            "shade_code",
            "customer_code",
            "lab_dip_ref",
            "lab_l",
            "lab_a",
            "lab_b",
            "tolerance",
            "approved_at",
            "is_active",
            "version",
        ]


class ShadeStandardCreateSerializer(StrictSerializer):
    shade_code = serializers.CharField(max_length=40)
    customer_code = serializers.CharField(max_length=40, allow_blank=True, default="")
    lab_dip_ref = serializers.CharField(max_length=60, allow_blank=True, default="")
    lab_l = serializers.DecimalField(**LAB, min_value=Decimal(0), max_value=Decimal(100))
    lab_a = serializers.DecimalField(**LAB, min_value=Decimal(-200), max_value=Decimal(200))
    lab_b = serializers.DecimalField(**LAB, min_value=Decimal(-200), max_value=Decimal(200))
    tolerance = serializers.DecimalField(max_digits=6, decimal_places=3, min_value=Decimal("0.001"), default=Decimal(1))
    approved_at = serializers.DateTimeField(required=False)
    is_active = serializers.BooleanField(default=True)


class ShadeStandardUpdateSerializer(StrictSerializer):
    lab_dip_ref = serializers.CharField(max_length=60, allow_blank=True, required=False)
    tolerance = serializers.DecimalField(max_digits=6, decimal_places=3, min_value=Decimal("0.001"), required=False)
    is_active = serializers.BooleanField(required=False)


class ShadeReadingSerializer(serializers.ModelSerializer):
    roll_code = serializers.CharField(source="roll.code", read_only=True)
    shade_code = serializers.CharField(source="standard.shade_code", read_only=True)

    class Meta:
        model = ShadeReading
        fields = [
            "id",
            "roll",
            "roll_code",
            "standard",
            "shade_code",
            "lab_l",
            "lab_a",
            "lab_b",
            "delta_e",
            "band",
            "created_at",
        ]


class ShadeReadingCreateSerializer(StrictSerializer):
    roll = serializers.PrimaryKeyRelatedField(queryset=Roll.objects.all())
    lab_l = serializers.DecimalField(**LAB, min_value=Decimal(0), max_value=Decimal(100))
    lab_a = serializers.DecimalField(**LAB, min_value=Decimal(-200), max_value=Decimal(200))
    lab_b = serializers.DecimalField(**LAB, min_value=Decimal(-200), max_value=Decimal(200))
    standard = serializers.PrimaryKeyRelatedField(queryset=ShadeStandard.objects.all(), required=False)
    customer_code = serializers.CharField(max_length=40, allow_blank=True, default="")
