"""Thin views: parse, call a service, serialise (DESIGN §4)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from core.views import WeftGenericViewSet, check_if_match

from . import selectors, serializers, services


def _parsed(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """MRP runs: POST starts one as a job (202; poll the run or `/api/v1/ml/jobs/{job}/`); results are kept."""

    serializer_class = serializers.RunSerializer
    ordering_fields = ["id", "created_at", "run_date"]

    def get_queryset(self):
        return selectors.run_list()

    @extend_schema(request=serializers.RunCreateSerializer, responses={202: serializers.RunSerializer})
    def create(self, request):
        data = _parsed(serializers.RunCreateSerializer, request.data)
        run = services.planning_run_start(**data, user=request.user)
        return Response(serializers.RunSerializer(selectors.run_list().get(pk=run.pk)).data, status=202)

    @extend_schema(parameters=[OpenApiParameter("other", int, required=True)])
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """This run against another: quantities per material and order type, exceptions per code."""
        run = self.get_object()
        other = _parsed(serializers.CompareQuerySerializer, request.query_params.dict())["other"]
        return Response(selectors.run_compare(run, other))


class PlannedOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Planned work orders (per stage) and purchase orders (per supplier), with pegging; firm them."""

    serializer_class = serializers.PlannedOrderSerializer
    filterset_class = selectors.PlannedOrderFilter
    search_fields = ["material__code", "supplier__code"]
    ordering_fields = ["seq", "due_date", "start_date", "qty"]

    def get_queryset(self):
        return selectors.planned_order_list()

    @extend_schema(request=serializers.FirmSerializer, responses=serializers.PlannedOrderSerializer)
    @action(detail=True, methods=["post"])
    def firm(self, request, pk=None):
        """Create the draft work order or purchase order of this planned order."""
        order = self.get_object()
        data = _parsed(serializers.FirmSerializer, request.data)
        services.planned_orders_firm(ids=[order.pk], user=request.user, **data)
        return Response(serializers.PlannedOrderSerializer(selectors.planned_order_list().get(pk=order.pk)).data)

    @extend_schema(
        operation_id="planning_planned_orders_firm_bulk",
        request=serializers.BulkFirmSerializer,
        responses=serializers.PlannedOrderSerializer(many=True),
    )
    @action(detail=False, methods=["post"], url_path="firm", url_name="firm-bulk")
    def firm_bulk(self, request):
        """Firm many at once, all or none; purchases are grouped into one PO per supplier."""
        data = _parsed(serializers.BulkFirmSerializer, request.data)
        orders = services.planned_orders_firm(user=request.user, **data)
        fresh = selectors.planned_order_list().filter(pk__in=[o.pk for o in orders]).order_by("pk")
        return Response(serializers.PlannedOrderSerializer(fresh, many=True).data)


class ExceptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """What a run could not plan or found wrong: no BOM, no supplier, BOM cycle, past due, overload."""

    serializer_class = serializers.ExceptionSerializer
    filterset_class = selectors.ExceptionFilter
    search_fields = ["message", "material__code"]
    ordering_fields = ["id", "week", "code"]

    def get_queryset(self):
        return selectors.exception_list()


class CapacityViewSet(mixins.ListModelMixin, WeftGenericViewSet):
    """Load per machine group and week against its capacity (kg)."""

    serializer_class = serializers.CapacityLoadSerializer
    filterset_class = selectors.CapacityFilter
    ordering_fields = ["week", "load_kg"]

    def get_queryset(self):
        return selectors.capacity_list()


class MachineGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Knitting machines, looms, dye machines: capacity in kg per day; a stage's work orders load them."""

    serializer_class = serializers.MachineGroupSerializer
    filterset_class = selectors.MachineGroupFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "stage"]

    def get_queryset(self):
        return selectors.machine_group_list()

    @extend_schema(request=serializers.MachineGroupWriteSerializer, responses={201: serializers.MachineGroupSerializer})
    def create(self, request):
        data = _parsed(serializers.MachineGroupWriteSerializer, request.data)
        group = services.machine_group_create(**data, user=request.user)
        return Response(serializers.MachineGroupSerializer(group).data, status=201)

    @extend_schema(request=serializers.MachineGroupWriteSerializer, responses=serializers.MachineGroupSerializer)
    def partial_update(self, request, pk=None):
        group = self.get_object()
        check_if_match(request, group)
        serializer = serializers.MachineGroupWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        group = services.machine_group_update(group=group, user=request.user, **serializer.validated_data)
        return Response(serializers.MachineGroupSerializer(group).data)


class BOMPlanningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Lead time (days) and machine group per BOM; POST creates or replaces a BOM's row."""

    serializer_class = serializers.BOMPlanningSerializer
    filterset_fields = {"bom": ["exact"], "machine_group": ["exact"]}
    ordering_fields = ["bom__code"]

    def get_queryset(self):
        return selectors.bom_planning_list()

    @extend_schema(request=serializers.BOMPlanningWriteSerializer, responses={201: serializers.BOMPlanningSerializer})
    def create(self, request):
        data = _parsed(serializers.BOMPlanningWriteSerializer, request.data)
        row = services.bom_planning_set(**data, user=request.user)
        return Response(serializers.BOMPlanningSerializer(selectors.bom_planning_list().get(pk=row.pk)).data, 201)
