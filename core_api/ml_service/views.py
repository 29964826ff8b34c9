from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.permissions import has_role
from core.views import WeftAPIView, WeftGenericViewSet
from users.roles import PLANNER, PURCHASE_MANAGER, PURCHASER, QUALITY

from . import handlers, registry, services
from .jobs import job_cancel, job_submit
from .models import (
    DefectScan,
    Forecast,
    ForecastOverride,
    JobKind,
    MLJob,
    ModelAlias,
    ModelVersion,
    Recommendation,
    SupplierScore,
)
from .selectors import forecast_monitoring
from .serializers import (
    DefectScanCreateSerializer,
    DefectScanLabelSerializer,
    DefectScanSerializer,
    ForecastOverrideSerializer,
    ForecastSerializer,
    MLJobCreateSerializer,
    MLJobSerializer,
    ModelVersionSerializer,
    RecommendationSerializer,
    SupplierScoreSerializer,
    WhatIfRequestSerializer,
    WhatIfResponseSerializer,
)

# Which roles may start which kind of job (the permission table lets these roles POST at all).
KIND_ROLES = {
    JobKind.TRAIN: (PLANNER,),
    JobKind.FORECAST: (PLANNER,),
    JobKind.BATCH_FORECAST: (PLANNER,),
    JobKind.WHAT_IF: (PLANNER, PURCHASER, PURCHASE_MANAGER),
    JobKind.SCORE_SUPPLIERS: (PLANNER, PURCHASER, PURCHASE_MANAGER),
    JobKind.DETECT_DEFECTS: (QUALITY, PLANNER),
    JobKind.PLANNING: (PLANNER,),
}


class MLJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """ML work: submit (202, runs on a Celery worker), watch progress, cancel."""

    queryset = MLJob.objects.select_related("created_by").order_by("-id")
    serializer_class = MLJobSerializer
    filterset_fields = {"kind": ["exact"], "status": ["exact", "in"], "parent": ["exact", "isnull"]}
    ordering_fields = ["id", "created_at", "finished_at"]

    @extend_schema(request=MLJobCreateSerializer, responses={202: MLJobSerializer})
    def create(self, request):
        serializer = MLJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind = serializer.validated_data["kind"]
        allowed = KIND_ROLES.get(kind)
        if allowed and not has_role(request.user, *allowed):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(f"Your role may not start {kind} jobs.")
        job = job_submit(kind=kind, params=serializer.validated_data["params"], user=request.user)
        return Response(MLJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=MLJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(MLJobSerializer(job_cancel(job=self.get_object(), user=request.user)).data)


class ModelVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """The registry: immutable versions; promote one to champion or roll the champion back."""

    queryset = ModelVersion.objects.select_related("created_by").order_by("name", "-version")
    serializer_class = ModelVersionSerializer
    filterset_fields = {"name": ["exact"], "algorithm": ["exact"]}
    ordering_fields = ["name", "version", "created_at"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["champion_ids"] = set(
            ModelAlias.objects.filter(alias=registry.CHAMPION).values_list("version_id", flat=True)
        )
        return context

    @extend_schema(request=None, responses=ModelVersionSerializer)
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        version = self.get_object()
        registry.model_promote(version=version, user=request.user)
        return Response(self.get_serializer(version).data)

    @extend_schema(request=None, responses=ModelVersionSerializer)
    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None):
        version = self.get_object()
        alias = registry.model_rollback(name=version.name, user=request.user)
        return Response(self.get_serializer(alias.version).data)


class ForecastViewSet(mixins.ListModelMixin, WeftGenericViewSet):
    """Forecasts per material and week. `?latest=true` keeps each material's newest forecast only."""

    serializer_class = ForecastSerializer
    filterset_fields = {
        "material": ["exact", "in"],
        "week": ["gte", "lte", "exact"],
        "job": ["exact"],
        "model_version": ["exact"],
    }
    ordering_fields = ["week", "material", "created_at"]

    def get_queryset(self):
        queryset = Forecast.objects.select_related("material", "model_version").order_by("material", "week")
        if self.request.query_params.get("latest", "").lower() in ("1", "true", "yes"):
            queryset = queryset.filter(job_id__in=services.latest_forecast_jobs())
        return queryset


class ForecastOverrideViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, WeftGenericViewSet):
    """A planner's override of one week's forecast, with a reason (audited). The newest one is active."""

    serializer_class = ForecastOverrideSerializer
    filterset_fields = {"material": ["exact"], "week": ["gte", "lte", "exact"], "is_active": ["exact"]}

    def get_queryset(self):
        return ForecastOverride.objects.select_related("created_by", "material").order_by("material", "week", "-id")

    def perform_create(self, serializer):
        override = services.forecast_override_create(user=self.request.user, **serializer.validated_data)
        serializer.instance = override


class WhatIfView(WeftAPIView):
    """An instant what-if (the surrogate answers in milliseconds): params as for a `what_if` job.

    With `curve: true` the answer also holds the cost-versus-service-level curve.
    """

    @extend_schema(request=WhatIfRequestSerializer, responses=WhatIfResponseSerializer)
    def post(self, request):
        body = WhatIfRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        params = handlers.validate_what_if(dict(body.validated_data["params"]))
        answer, champion, inputs = handlers.what_if_answer(params)
        result = {**answer.as_dict(), "inputs": inputs, "model_version": champion.pk if champion else None}
        if body.validated_data["curve"]:
            result["curve"] = handlers.what_if_curve(params)
        return Response(result)


class SupplierScoreViewSet(mixins.ListModelMixin, WeftGenericViewSet):
    """ML supplier scores with per-feature contributions. `?latest=true` keeps the newest job's scores."""

    serializer_class = SupplierScoreSerializer
    filterset_fields = {"supplier": ["exact", "in"], "period": ["gte", "lte", "exact"], "job": ["exact"]}
    ordering_fields = ["score", "period", "supplier"]

    def get_queryset(self):
        queryset = SupplierScore.objects.select_related("supplier").order_by("supplier__code", "-period")
        if self.request.query_params.get("latest", "").lower() in ("1", "true", "yes"):
            newest = SupplierScore.objects.order_by("-job_id").values_list("job_id", flat=True).first()
            queryset = queryset.filter(job_id=newest)
        return queryset


class DefectScanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Upload a fabric scan → the CNN's verdict and defect map (a job); inspectors confirm or overrule."""

    serializer_class = DefectScanSerializer
    filterset_fields = {"verdict": ["exact"], "inspector_label": ["exact"], "roll": ["exact"]}

    def get_queryset(self):
        return DefectScan.objects.select_related("labelled_by").order_by("-id")

    @extend_schema(request={"multipart/form-data": DefectScanCreateSerializer}, responses={202: DefectScanSerializer})
    def create(self, request):
        body = DefectScanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scan = services.defect_scan_create(
            image=body.validated_data["image"], roll_id=body.validated_data.get("roll"), user=request.user
        )
        return Response(self.get_serializer(scan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=DefectScanLabelSerializer, responses=DefectScanSerializer)
    @action(detail=True, methods=["post"])
    def label(self, request, pk=None):
        body = DefectScanLabelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scan = services.defect_scan_label(scan=self.get_object(), user=request.user, **body.validated_data)
        return Response(self.get_serializer(scan).data)


class MonitoringView(WeftAPIView):
    """The champion forecast's live accuracy per week (model and planner overrides) and input drift."""

    @extend_schema(responses=dict)
    def get(self, request):
        try:
            weeks = int(request.query_params.get("weeks", 12))
        except ValueError:
            weeks = 0
        if not 1 <= weeks <= 104:
            from core.errors import InvalidInput

            raise InvalidInput("weeks must be a whole number from 1 to 104.", fields={"weeks": ["1 to 104"]})
        return Response(forecast_monitoring(weeks=weeks))


class RecommendationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    serializer_class = RecommendationSerializer
    filterset_fields = {"material": ["exact"], "accepted": ["exact"], "job": ["exact"]}

    def get_queryset(self):
        return Recommendation.objects.select_related("material").order_by("-id")

    @extend_schema(request=None, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        recommendation = services.recommendation_accept(recommendation=self.get_object(), user=request.user)
        return Response(self.get_serializer(recommendation).data)
