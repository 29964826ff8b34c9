"""Thin views: parse, call a service, serialise (DESIGN §4)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.views import WeftGenericViewSet, check_if_match

from . import selectors, serializers, services


def _parsed(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class BOMViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Bills of materials per product and stage; a dyeing BOM is the shade's dye recipe."""

    serializer_class = serializers.BOMSerializer
    filterset_class = selectors.BOMFilter
    search_fields = ["code", "product__code", "product__name", "product__shade_code"]
    ordering_fields = ["code", "stage", "updated_at"]

    def get_queryset(self):
        return selectors.bom_list()

    @extend_schema(request=serializers.BOMCreateSerializer, responses={201: serializers.BOMSerializer})
    def create(self, request):
        bom = services.bom_create(**_parsed(serializers.BOMCreateSerializer, request.data), user=request.user)
        return Response(serializers.BOMSerializer(selectors.bom_list().get(pk=bom.pk)).data, status=201)

    @extend_schema(request=serializers.BOMUpdateSerializer, responses=serializers.BOMSerializer)
    def partial_update(self, request, pk=None):
        bom = self.get_object()
        check_if_match(request, bom)
        changes = _parsed(serializers.BOMUpdateSerializer, request.data)
        services.bom_update(bom=bom, user=request.user, **changes)
        return Response(serializers.BOMSerializer(selectors.bom_list().get(pk=bom.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("qty", str, required=True)])
    @action(detail=True, methods=["get"])
    def explode(self, request, pk=None):
        """Every level's requirement for `qty` of the product, losses included, and the greige it needs."""
        bom = self.get_object()
        qty = _parsed(serializers.ExplodeQuerySerializer, request.query_params.dict())["qty"]
        rows = services.bom_explode(product=bom.product, qty=qty)
        greige = sum((r.qty for r in rows if r.material.kind == "greige"), 0)
        return Response(
            {
                "product": bom.product_id,
                "qty": str(qty),
                "greige_required": str(services._qty(greige)),
                "rows": [
                    {
                        "level": r.level,
                        "bom": r.bom.code,
                        "stage": r.bom.stage,
                        "material": r.material.pk,
                        "material_code": r.material.code,
                        "unit": r.material.unit,
                        "loss_pct": str(r.loss_pct),
                        "qty": str(services._qty(r.qty)),
                    }
                    for r in rows
                ],
            }
        )


class MachineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Machines on the floor, one stage each; a work order names the machine it runs on."""

    serializer_class = serializers.MachineSerializer
    filterset_class = selectors.MachineFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "stage", "updated_at"]

    def get_queryset(self):
        return selectors.machine_list()

    @extend_schema(request=serializers.MachineCreateSerializer, responses={201: serializers.MachineSerializer})
    def create(self, request):
        machine = services.machine_create(
            **_parsed(serializers.MachineCreateSerializer, request.data), user=request.user
        )
        return Response(serializers.MachineSerializer(machine).data, status=201)

    @extend_schema(request=serializers.MachineUpdateSerializer, responses=serializers.MachineSerializer)
    def partial_update(self, request, pk=None):
        machine = self.get_object()
        check_if_match(request, machine)
        changes = _parsed(serializers.MachineUpdateSerializer, request.data)
        machine = services.machine_update(machine=machine, user=request.user, **changes)
        return Response(serializers.MachineSerializer(machine).data)


class WorkOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Work orders: draft → released → in_progress → completed → closed (cancelled from draft/released)."""

    filterset_class = selectors.WorkOrderFilter
    search_fields = ["number", "product__code", "dye_lot"]
    ordering_fields = ["number", "due_date", "status", "updated_at"]

    def get_queryset(self):
        return selectors.work_order_list() if self.action == "list" else selectors.work_order_detail()

    def get_serializer_class(self):
        return serializers.WorkOrderSerializer if self.action == "list" else serializers.WorkOrderDetailSerializer

    def _detail(self, work_order, code=200):
        fresh = selectors.work_order_detail().get(pk=work_order.pk)
        return Response(serializers.WorkOrderDetailSerializer(fresh).data, status=code)

    @extend_schema(
        request=serializers.WorkOrderCreateSerializer, responses={201: serializers.WorkOrderDetailSerializer}
    )
    def create(self, request):
        data = _parsed(serializers.WorkOrderCreateSerializer, request.data)
        return self._detail(services.work_order_create(**data, user=request.user), 201)

    @extend_schema(request=serializers.WorkOrderUpdateSerializer, responses=serializers.WorkOrderDetailSerializer)
    def partial_update(self, request, pk=None):
        work_order = self.get_object()
        check_if_match(request, work_order)
        changes = _parsed(serializers.WorkOrderUpdateSerializer, request.data)
        return self._detail(services.work_order_update(work_order=work_order, user=request.user, **changes))

    @extend_schema(request=serializers.ReleaseSerializer, responses=serializers.WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        data = _parsed(serializers.ReleaseSerializer, request.data)
        return self._detail(services.work_order_release(work_order=self.get_object(), user=request.user, **data))

    @extend_schema(request=serializers.WorkOrderIssueSerializer, responses=serializers.WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        data = _parsed(serializers.WorkOrderIssueSerializer, request.data)
        return self._detail(services.work_order_issue(work_order=self.get_object(), user=request.user, **data))

    @extend_schema(request=serializers.OutputInputSerializer, responses={201: serializers.WorkOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def output(self, request, pk=None):
        data = _parsed(serializers.OutputInputSerializer, request.data)
        output = services.work_order_output(work_order=self.get_object(), user=request.user, **data)
        return self._detail(output.work_order, 201)

    @extend_schema(request=serializers.ProductionNoBodySerializer, responses=serializers.WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        _parsed(serializers.ProductionNoBodySerializer, request.data)
        return self._detail(services.work_order_complete(work_order=self.get_object(), user=request.user))

    @extend_schema(request=serializers.ProductionNoBodySerializer, responses=serializers.WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        _parsed(serializers.ProductionNoBodySerializer, request.data)
        return self._detail(services.work_order_close(work_order=self.get_object(), user=request.user))

    @extend_schema(request=serializers.CancelNoteSerializer, responses=serializers.WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _parsed(serializers.CancelNoteSerializer, request.data)
        return self._detail(services.work_order_cancel(work_order=self.get_object(), user=request.user, **data))


class JobWorkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Greige sent to a dye house and processed fabric received back, reconciled."""

    filterset_class = selectors.JobWorkFilter
    search_fields = ["number", "partner_location__partner_name", "output_material__code"]
    ordering_fields = ["number", "status", "updated_at"]

    def get_queryset(self):
        return selectors.job_work_list() if self.action == "list" else selectors.job_work_detail()

    def get_serializer_class(self):
        return serializers.JobWorkSerializer if self.action == "list" else serializers.JobWorkDetailSerializer

    def _detail(self, job_work, code=200):
        fresh = selectors.job_work_detail().get(pk=job_work.pk)
        return Response(serializers.JobWorkDetailSerializer(fresh).data, status=code)

    @extend_schema(request=serializers.JobWorkCreateSerializer, responses={201: serializers.JobWorkDetailSerializer})
    def create(self, request):
        data = _parsed(serializers.JobWorkCreateSerializer, request.data)
        return self._detail(services.job_work_create(**data, user=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=serializers.JobWorkIssueInputSerializer, responses=serializers.JobWorkDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        data = _parsed(serializers.JobWorkIssueInputSerializer, request.data)
        return self._detail(services.job_work_issue(job_work=self.get_object(), user=request.user, **data))

    @extend_schema(request=serializers.JobWorkReceiveSerializer, responses={201: serializers.JobWorkDetailSerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        data = _parsed(serializers.JobWorkReceiveSerializer, request.data)
        output = services.job_work_receive(job_work=self.get_object(), user=request.user, **data)
        return self._detail(output.job_work, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.JobWorkReturnSerializer, responses=serializers.JobWorkDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_unprocessed(self, request, pk=None):
        data = _parsed(serializers.JobWorkReturnSerializer, request.data)
        return self._detail(services.job_work_return(job_work=self.get_object(), user=request.user, **data))

    @extend_schema(request=serializers.ProductionNoBodySerializer, responses=serializers.JobWorkDetailSerializer)
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        _parsed(serializers.ProductionNoBodySerializer, request.data)
        return self._detail(services.job_work_reconcile(job_work=self.get_object(), user=request.user))

    @extend_schema(request=serializers.ProductionNoBodySerializer, responses=serializers.JobWorkDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        _parsed(serializers.ProductionNoBodySerializer, request.data)
        return self._detail(services.job_work_cancel(job_work=self.get_object(), user=request.user))
