"""Thin views: parse, call a service, serialise (DESIGN §4)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.views import WeftGenericViewSet, check_if_match

from . import selectors, serializers, services
from .models import PointsThreshold, RejectionReason, ShadeStandard


def _parsed(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _ReadCreate(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    pass


class TemplateViewSet(_ReadCreate):
    """Inspection templates: parameters (numeric min/max, pass/fail, text) applied at one stage."""

    serializer_class = serializers.TemplateSerializer
    filterset_fields = {"stage": ["exact"], "is_active": ["exact"], "material_kind": ["exact"]}
    search_fields = ["name"]
    ordering_fields = ["name", "stage"]

    def get_queryset(self):
        return selectors.template_list()

    def _out(self, template, code=200):
        return Response(self.serializer_class(selectors.template_list().get(pk=template.pk)).data, status=code)

    @extend_schema(request=serializers.TemplateCreateSerializer, responses={201: serializers.TemplateSerializer})
    def create(self, request):
        data = _parsed(serializers.TemplateCreateSerializer, request.data)
        return self._out(services.template_create(**data, user=request.user), 201)

    @extend_schema(request=serializers.TemplateUpdateSerializer, responses=serializers.TemplateSerializer)
    def partial_update(self, request, pk=None):
        template = self.get_object()
        check_if_match(request, template)
        data = _parsed(serializers.TemplateUpdateSerializer, request.data)
        return self._out(services.template_update(template=template, user=request.user, **data))


class RejectionReasonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _ReadCreate):
    """Reason codes for rejections and non-conformances (master data)."""

    serializer_class = serializers.RejectionReasonSerializer
    queryset = RejectionReason.objects.all()
    filterset_fields = {"is_active": ["exact"]}
    search_fields = ["code", "description"]
    http_method_names = ["get", "post", "patch", "head", "options"]


class PointsThresholdViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _ReadCreate):
    """Named 4-point acceptance limits: "standard" 40, a strict buyer's 28 or 20."""

    serializer_class = serializers.PointsThresholdSerializer
    queryset = PointsThreshold.objects.all()
    search_fields = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]


class InspectionViewSet(_ReadCreate):
    """Lot inspections; the decision moves the lot's QC status (release, hold, reject)."""

    serializer_class = serializers.InspectionSerializer
    filterset_class = selectors.InspectionFilter
    search_fields = ["number", "lot__code"]
    ordering_fields = ["created_at", "number"]

    def get_queryset(self):
        return selectors.inspection_list()

    @extend_schema(request=serializers.InspectionCreateSerializer, responses={201: serializers.InspectionSerializer})
    def create(self, request):
        data = _parsed(serializers.InspectionCreateSerializer, request.data)
        inspection = services.inspection_create(**data, user=request.user)
        return Response(self.serializer_class(selectors.inspection_list().get(pk=inspection.pk)).data, status=201)


class NonConformanceViewSet(_ReadCreate):
    serializer_class = serializers.NonConformanceSerializer
    filterset_fields = {"status": ["exact"], "lot": ["exact"], "reason__code": ["exact"]}
    search_fields = ["number", "description", "root_cause"]
    ordering_fields = ["created_at", "number", "status"]

    def get_queryset(self):
        return selectors.non_conformance_list()

    def _out(self, nc, code=200):
        return Response(self.serializer_class(selectors.non_conformance_list().get(pk=nc.pk)).data, status=code)

    @extend_schema(
        request=serializers.NonConformanceCreateSerializer, responses={201: serializers.NonConformanceSerializer}
    )
    def create(self, request):
        data = _parsed(serializers.NonConformanceCreateSerializer, request.data)
        return self._out(services.non_conformance_create(**data, user=request.user), 201)

    @extend_schema(request=serializers.NonConformanceUpdateSerializer, responses=serializers.NonConformanceSerializer)
    def partial_update(self, request, pk=None):
        nc = self.get_object()
        check_if_match(request, nc)
        data = _parsed(serializers.NonConformanceUpdateSerializer, request.data)
        return self._out(services.non_conformance_update(non_conformance=nc, user=request.user, **data))


class RollInspectionViewSet(_ReadCreate):
    """4-point roll inspection (ASTM D5430): one final inspection per roll, graded and written to the roll."""

    serializer_class = serializers.RollInspectionSerializer
    filterset_class = selectors.RollInspectionFilter
    search_fields = ["number", "roll__code"]
    ordering_fields = ["created_at", "points_per_100yd2"]

    def get_queryset(self):
        return selectors.roll_inspection_list()

    def _out(self, inspection, code=200):
        fresh = selectors.roll_inspection_list().get(pk=inspection.pk)
        return Response(self.serializer_class(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(
        request=serializers.RollInspectionCreateSerializer, responses={201: serializers.RollInspectionSerializer}
    )
    def create(self, request):
        data = _parsed(serializers.RollInspectionCreateSerializer, request.data)
        return self._out(services.roll_inspection_create(**data, user=request.user), 201)

    @extend_schema(request=serializers.RollImageUploadSerializer, responses={201: serializers.RollInspectionSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def images(self, request, pk=None):
        """Upload a defect image (multipart `image`), optionally tied to one of the inspection's defects."""
        inspection = self.get_object()
        data = _parsed(serializers.RollImageUploadSerializer, request.data)
        services.roll_inspection_add_image(
            inspection=inspection,
            image=data["image"],
            defect_id=data.get("defect"),
            caption=data["caption"],
            user=request.user,
        )
        return self._out(inspection, 201)


class ShadeStandardViewSet(_ReadCreate):
    """Approved lab dips per shade (optionally per customer) with their ΔE00 tolerance."""

    serializer_class = serializers.ShadeStandardSerializer
    queryset = ShadeStandard.objects.all()
    filterset_fields = {"shade_code": ["exact"], "customer_code": ["exact"], "is_active": ["exact"]}
    search_fields = ["shade_code", "customer_code", "lab_dip_ref"]

    @extend_schema(
        request=serializers.ShadeStandardCreateSerializer, responses={201: serializers.ShadeStandardSerializer}
    )
    def create(self, request):
        data = _parsed(serializers.ShadeStandardCreateSerializer, request.data)
        return Response(
            self.serializer_class(services.shade_standard_create(**data, user=request.user)).data, status=201
        )

    @extend_schema(request=serializers.ShadeStandardUpdateSerializer, responses=serializers.ShadeStandardSerializer)
    def partial_update(self, request, pk=None):
        standard = self.get_object()
        check_if_match(request, standard)
        data = _parsed(serializers.ShadeStandardUpdateSerializer, request.data)
        updated = services.shade_standard_update(standard=standard, user=request.user, **data)
        return Response(self.serializer_class(updated).data)


class ShadeReadingViewSet(_ReadCreate):
    """L*a*b* readings of rolls, ΔE00 against the approved standard and the shade band."""

    serializer_class = serializers.ShadeReadingSerializer
    filterset_class = selectors.ShadeReadingFilter
    ordering_fields = ["created_at", "delta_e"]

    def get_queryset(self):
        return selectors.shade_reading_list()

    @extend_schema(
        request=serializers.ShadeReadingCreateSerializer, responses={201: serializers.ShadeReadingSerializer}
    )
    def create(self, request):
        data = _parsed(serializers.ShadeReadingCreateSerializer, request.data)
        reading = services.shade_reading_create(**data, user=request.user)
        return Response(self.serializer_class(selectors.shade_reading_list().get(pk=reading.pk)).data, status=201)
