"""Thin views: parse, call a service, serialise. Transitions are POST actions on the document."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.errors import InvalidInput
from core.permissions import has_role
from core.views import WeftAPIView, WeftGenericViewSet, check_if_match
from users.roles import PURCHASE_MANAGER, PURCHASER

from . import selectors, services
from .models import ScorecardCriterion
from .serializers import (
    CriteriaInputSerializer,
    OnTimeQuerySerializer,
    OnTimeRateSerializer,
    PriceListInputSerializer,
    PriceListSerializer,
    PurchaseOrderInputSerializer,
    PurchaseOrderSerializer,
    PurchaseOrderTransitionSerializer,
    ReceiptInputSerializer,
    ReceiptSerializer,
    ScorecardComputeSerializer,
    ScorecardCriterionSerializer,
    ScorecardRunSerializer,
    ScorecardSerializer,
    SupplierImportSerializer,
    SupplierInputSerializer,
    SupplierReturnInputSerializer,
    SupplierReturnSerializer,
    SupplierSerializer,
)


def _parse(serializer_class, request, *, partial: bool = False, data=None):
    serializer = serializer_class(data=request.data if data is None else data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class SupplierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Suppliers with contacts and their current scorecard standing; CSV import and export."""

    serializer_class = SupplierSerializer
    filterset_class = selectors.SupplierFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "score"]

    def get_queryset(self):
        return selectors.supplier_list().order_by("code")

    def get_serializer_context(self):
        # Bank details are for the people who pay suppliers, not for every role that reads them.
        return {
            **super().get_serializer_context(),
            "show_bank_details": has_role(self.request.user, PURCHASER, PURCHASE_MANAGER),
        }

    def _respond(self, supplier, code=status.HTTP_200_OK):
        supplier = self.get_queryset().get(pk=supplier.pk)
        return Response(self.get_serializer(supplier).data, status=code)

    @extend_schema(request=SupplierInputSerializer, responses={201: SupplierSerializer})
    def create(self, request):
        supplier = services.supplier_create(user=request.user, **_parse(SupplierInputSerializer, request))
        return self._respond(supplier, status.HTTP_201_CREATED)

    @extend_schema(request=SupplierInputSerializer, responses=SupplierSerializer)
    def partial_update(self, request, pk=None):
        supplier = self.get_object()
        check_if_match(request, supplier)
        fields = _parse(SupplierInputSerializer, request, partial=True)
        return self._respond(services.supplier_update(supplier=supplier, user=request.user, **fields))

    @extend_schema(request={"multipart/form-data": SupplierImportSerializer}, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="import", url_name="import", parser_classes=[MultiPartParser])
    def import_csv(self, request):
        upload = _parse(SupplierImportSerializer, request)["file"]
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("The file is not UTF-8 text.", fields={"file": ["must be UTF-8 encoded CSV"]})
        return Response(services.suppliers_import_csv(content=content, user=request.user))

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=False, methods=["get"], url_path="export", url_name="export")
    def export_csv(self, request):
        response = HttpResponse(selectors.suppliers_export_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="suppliers.csv"'
        return response

    @extend_schema(
        parameters=[OpenApiParameter("date_from", str), OpenApiParameter("date_to", str)],
        responses=OnTimeRateSerializer,
    )
    @action(detail=True, methods=["get"], url_path="on-time-rate")
    def on_time_rate(self, request, pk=None):
        """Qty received by the promised date ÷ qty ordered, over lines promised in the window (default 365 days)."""
        supplier = self.get_object()
        window = _parse(OnTimeQuerySerializer, request, data=request.query_params.dict())
        date_to = window.get("date_to") or timezone.localdate()
        date_from = window.get("date_from") or date_to - timedelta(days=365)
        if date_from > date_to:
            raise InvalidInput("date_from is after date_to.", fields={"date_from": ["after date_to"]})
        result = selectors.on_time_rate(supplier=supplier, date_from=date_from, date_to=date_to)
        body = {
            "supplier": supplier.pk,
            "date_from": date_from,
            "date_to": date_to,
            "lines": result.lines,
            "qty_ordered": result.qty_ordered,
            "qty_on_time": result.qty_on_time,
            "rate": result.rate,
        }
        return Response(OnTimeRateSerializer(body).data)


class PriceListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    serializer_class = PriceListSerializer
    filterset_class = selectors.PriceListFilter
    search_fields = ["supplier__code", "material__code"]
    ordering_fields = ["valid_from", "price"]

    def get_queryset(self):
        return selectors.price_list_list()

    @extend_schema(request=PriceListInputSerializer, responses={201: PriceListSerializer})
    def create(self, request):
        entry = services.price_list_create(user=request.user, **_parse(PriceListInputSerializer, request))
        return Response(PriceListSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PriceListInputSerializer, responses=PriceListSerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        check_if_match(request, entry)
        fields = _parse(PriceListInputSerializer, request, partial=True)
        return Response(
            PriceListSerializer(services.price_list_update(price_list=entry, user=request.user, **fields)).data
        )


class PurchaseOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Purchase orders: edits only in draft; submit → approve → receipts → close, or cancel while open."""

    serializer_class = PurchaseOrderSerializer
    filterset_class = selectors.PurchaseOrderFilter
    search_fields = ["number", "supplier__code", "supplier__name"]
    ordering_fields = ["order_date", "expected_date", "number", "id"]

    def get_queryset(self):
        return selectors.purchase_order_list()

    def _respond(self, outcome, code=status.HTTP_200_OK):
        order = self.get_queryset().get(pk=outcome.document.pk)
        return Response({**PurchaseOrderSerializer(order).data, "warnings": outcome.warnings}, status=code)

    @extend_schema(request=PurchaseOrderInputSerializer, responses={201: PurchaseOrderSerializer})
    def create(self, request):
        data = _parse(PurchaseOrderInputSerializer, request)
        return self._respond(services.purchase_order_create(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=PurchaseOrderInputSerializer, responses=PurchaseOrderSerializer)
    def partial_update(self, request, pk=None):
        order = self.get_object()
        check_if_match(request, order)
        fields = _parse(PurchaseOrderInputSerializer, request, partial=True)
        return self._respond(services.purchase_order_update(order=order, user=request.user, **fields))

    def _transition(self, request, service):
        order = self.get_object()
        check_if_match(request, order)
        note = _parse(PurchaseOrderTransitionSerializer, request)["note"]
        return self._respond(service(order=order, user=request.user, note=note))

    @extend_schema(request=PurchaseOrderTransitionSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.purchase_order_submit)

    @extend_schema(request=PurchaseOrderTransitionSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, services.purchase_order_approve)

    @extend_schema(request=PurchaseOrderTransitionSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, services.purchase_order_cancel)

    @extend_schema(request=PurchaseOrderTransitionSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(request, services.purchase_order_close)


class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Goods receipts against PO lines; each line becomes a lot (with rolls for fabric) in quarantine."""

    serializer_class = ReceiptSerializer
    filterset_class = selectors.ReceiptFilter
    search_fields = ["number", "delivery_note", "purchase_order__number"]
    ordering_fields = ["received_on", "id"]

    def get_queryset(self):
        return selectors.receipt_list()

    @extend_schema(request=ReceiptInputSerializer, responses={201: ReceiptSerializer})
    def create(self, request):
        receipt = services.receipt_create(user=request.user, **_parse(ReceiptInputSerializer, request))
        return Response(ReceiptSerializer(self.get_queryset().get(pk=receipt.pk)).data, status=status.HTTP_201_CREATED)


class SupplierReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Rejected lots back to the supplier, with the debit note amount."""

    serializer_class = SupplierReturnSerializer
    filterset_class = selectors.SupplierReturnFilter
    search_fields = ["number", "debit_note_ref"]
    ordering_fields = ["returned_on", "id"]

    def get_queryset(self):
        return selectors.supplier_return_list()

    @extend_schema(request=SupplierReturnInputSerializer, responses={201: SupplierReturnSerializer})
    def create(self, request):
        document = services.supplier_return_create(user=request.user, **_parse(SupplierReturnInputSerializer, request))
        return Response(
            SupplierReturnSerializer(self.get_queryset().get(pk=document.pk)).data, status=status.HTTP_201_CREATED
        )


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Monthly supplier scorecards; `compute` (re)scores a range of months."""

    serializer_class = ScorecardSerializer
    filterset_class = selectors.ScorecardFilter
    search_fields = ["supplier__code", "supplier__name"]
    ordering_fields = ["period", "score"]

    def get_queryset(self):
        return selectors.scorecard_list()

    @extend_schema(request=ScorecardComputeSerializer, responses=ScorecardRunSerializer)
    @action(detail=False, methods=["post"])
    def compute(self, request):
        run = services.scorecard_compute(**_parse(ScorecardComputeSerializer, request))
        body = {
            "computed": run.computed,
            "skipped": [{"supplier": supplier.pk, "period": period} for supplier, period in run.skipped],
        }
        return Response(ScorecardRunSerializer(body).data)


class ScorecardCriteriaView(WeftAPIView):
    """The scorecard's weighted criteria; PUT replaces every weight at once (they sum to 100)."""

    @extend_schema(responses=ScorecardCriterionSerializer(many=True))
    def get(self, request):
        return Response(ScorecardCriterionSerializer(ScorecardCriterion.objects.order_by("key"), many=True).data)

    @extend_schema(request=CriteriaInputSerializer, responses=ScorecardCriterionSerializer(many=True))
    def put(self, request):
        weights = _parse(CriteriaInputSerializer, request)["criteria"]
        criteria = services.scorecard_criteria_set(weights=weights, user=request.user)
        return Response(ScorecardCriterionSerializer(criteria, many=True).data)
