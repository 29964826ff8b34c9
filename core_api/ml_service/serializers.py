from rest_framework import serializers

from core.serializers import StrictModelSerializer, StrictSerializer

from .models import Forecast, ForecastOverride, MLJob, ModelVersion, Recommendation


class MLJobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = MLJob
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "progress",
            "message",
            "result",
            "error",
            "attempts",
            "max_attempts",
            "worker",
            "heartbeat_at",
            "started_at",
            "finished_at",
            "cancel_requested",
            "parent",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class MLJobCreateSerializer(StrictSerializer):
    kind = serializers.CharField(max_length=20)
    params = serializers.JSONField(required=False, default=dict)


class ModelVersionSerializer(serializers.ModelSerializer):
    is_champion = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "name",
            "version",
            "algorithm",
            "params",
            "metrics",
            "data_fingerprint",
            "artifact_path",
            "job",
            "created_by",
            "created_at",
            "is_champion",
        ]
        read_only_fields = fields

    def get_is_champion(self, version) -> bool:
        return version.pk in self.context.get("champion_ids", set())


class ForecastSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    model = serializers.CharField(source="model_version.__str__", read_only=True)

    class Meta:
        model = Forecast
        fields = [
            "id",
            "job",
            "model_version",
            "model",
            "material",
            "material_code",
            "week",
            "yhat",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
            "created_at",
        ]
        read_only_fields = fields


class ForecastOverrideSerializer(StrictModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = ForecastOverride
        fields = ["id", "material", "week", "qty", "reason", "model_yhat", "is_active", "created_by", "created_at"]
        read_only_fields = ["id", "model_yhat", "is_active", "created_by", "created_at"]
        # A new override replaces the active one (the service retires it), so no uniqueness check here.
        validators: list = []
        extra_kwargs = {"qty": {"min_value": 0}, "reason": {"min_length": 3}}


class RecommendationSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "job",
            "model_version",
            "material",
            "material_code",
            "inputs",
            "reorder_point",
            "order_up_to",
            "order_qty",
            "expected_cost",
            "fill_rate",
            "accepted",
            "accepted_at",
            "created_at",
        ]
        read_only_fields = fields


class WhatIfRequestSerializer(StrictSerializer):
    params = serializers.DictField()
    curve = serializers.BooleanField(default=False)


class WhatIfResponseSerializer(serializers.Serializer):
    reorder_point = serializers.FloatField()
    order_up_to = serializers.FloatField()
    order_quantity = serializers.FloatField()
    expected_cost = serializers.FloatField()
    fill_rate = serializers.FloatField()
    inputs = serializers.DictField()
    model_version = serializers.IntegerField(allow_null=True)
    curve = serializers.ListField(child=serializers.DictField(), required=False)


class SupplierScoreSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        from .models import SupplierScore

        model = SupplierScore
        fields = [
            "id",
            "job",
            "model_version",
            "supplier",
            "supplier_code",
            "supplier_name",
            "period",
            "score",
            "reliability",
            "features",
            "contributions",
            "created_at",
        ]
        read_only_fields = fields


class DefectScanSerializer(serializers.ModelSerializer):
    labelled_by = serializers.CharField(source="labelled_by.username", default=None, read_only=True)

    class Meta:
        from .models import DefectScan

        model = DefectScan
        fields = [
            "id",
            "image",
            "roll",
            "job",
            "model_version",
            "probability",
            "threshold",
            "verdict",
            "defect_map",
            "inspector_label",
            "inspector_note",
            "labelled_by",
            "labelled_at",
            "created_at",
        ]
        read_only_fields = fields


class DefectScanCreateSerializer(StrictSerializer):
    image = serializers.ImageField()
    roll = serializers.IntegerField(required=False, min_value=1)


class DefectScanLabelSerializer(StrictSerializer):
    label = serializers.ChoiceField(choices=["defect", "ok"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
