"""Thin views: parse → call a service → serialise."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.views import WeftGenericViewSet, check_if_match

from . import selectors, services
from .documents import packing_list_pdf, roll_labels_pdf
from .serializers import (
    CustomerInputSerializer,
    CustomerReturnInputSerializer,
    CustomerReturnSerializer,
    CustomerSerializer,
    FeedbackInputSerializer,
    FeedbackSerializer,
    FeedbackUpdateSerializer,
    ReasonSerializer,
    SalesOrderInputSerializer,
    SalesOrderSerializer,
    SalesOrderUpdateSerializer,
    ShipmentInputSerializer,
    ShipmentSerializer,
)

READ_WRITE = ["get", "post", "patch", "head", "options"]
READ_CREATE = ["get", "post", "head", "options"]


class PDFRenderer(BaseRenderer):
    """Lets clients ask for `Accept: application/pdf`; the PDF actions answer with the bytes themselves."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF document")}


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    queryset = selectors.customer_list()
    serializer_class = CustomerSerializer
    http_method_names = READ_WRITE
    filterset_fields = ["is_active"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "created_at"]

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerSerializer})
    def create(self, request):
        data = CustomerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = services.customer_create(user=request.user, **data.validated_data)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CustomerInputSerializer, responses=CustomerSerializer)
    def partial_update(self, request, pk=None):
        customer = self.get_object()
        check_if_match(request, customer)
        data = CustomerInputSerializer(customer, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        customer = services.customer_update(customer=customer, user=request.user, **data.validated_data)
        return Response(CustomerSerializer(customer).data)


class SalesOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Sales orders: draft → confirmed → allocated → partially_shipped → shipped → closed, or cancelled."""

    queryset = selectors.sales_order_list()
    serializer_class = SalesOrderSerializer
    http_method_names = READ_WRITE
    filterset_class = selectors.SalesOrderFilter
    search_fields = ["number", "customer__code", "customer__name", "customer_ref"]
    ordering_fields = ["order_date", "number", "created_at"]

    def _current(self, request):
        # Transitions honour If-Match like edits do, so acting on a stale screen is refused (412).
        order = self.get_object()
        check_if_match(request, order)
        return order

    def _answer(self, order, code=status.HTTP_200_OK, **extra):
        fresh = selectors.sales_order_list().get(pk=order.pk)
        return Response({**SalesOrderSerializer(fresh).data, **extra}, status=code)

    @extend_schema(request=SalesOrderInputSerializer, responses={201: SalesOrderSerializer})
    def create(self, request):
        data = SalesOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.sales_order_create(user=request.user, **data.validated_data)
        return self._answer(order, status.HTTP_201_CREATED)

    @extend_schema(request=SalesOrderUpdateSerializer, responses=SalesOrderSerializer)
    def partial_update(self, request, pk=None):
        order = self.get_object()
        check_if_match(request, order)
        data = SalesOrderUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.sales_order_update(order=order, user=request.user, **data.validated_data)
        return self._answer(order)

    @extend_schema(request=None, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = services.sales_order_confirm(order=self._current(request), user=request.user)
        return self._answer(order)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "AllocatedOrder",
            {
                "order": SalesOrderSerializer(),
                "allocation": serializers.ListField(child=serializers.DictField()),
                "warnings": serializers.ListField(child=serializers.CharField()),
            },
        ),
        description="Reserve released rolls for every line still short (all lines or none; 409 lists short lines). "
        "`allocation` reports per line the rolls, dye lots and shade bands used; `warnings` says which lines "
        "could not be served from one dye lot or one shade band.",
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        order, plans = services.sales_order_allocate(order=self._current(request), user=request.user)
        return self._answer(
            order,
            allocation=[plan.as_dict() for plan in plans],
            warnings=[plan.message for plan in plans if plan.message],
        )

    @extend_schema(request=ReasonSerializer, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.sales_order_cancel(order=self._current(request), user=request.user, **data.validated_data)
        return self._answer(order)

    @extend_schema(request=ReasonSerializer, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.sales_order_close(order=self._current(request), user=request.user, **data.validated_data)
        return self._answer(order)


class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Shipments post stock out of the order's allocated rolls when they are created."""

    queryset = selectors.shipment_list()
    serializer_class = ShipmentSerializer
    http_method_names = READ_CREATE
    filterset_class = selectors.ShipmentFilter
    search_fields = ["number", "order__number", "customer__code"]
    ordering_fields = ["shipped_at", "number"]

    @extend_schema(request=ShipmentInputSerializer, responses={201: ShipmentSerializer})
    def create(self, request):
        data = ShipmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_create(user=request.user, **data.validated_data)
        fresh = selectors.shipment_list().get(pk=shipment.pk)
        return Response(ShipmentSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def _lines(self, shipment):
        return list(shipment.lines.all())

    @extend_schema(responses=PDF_RESPONSE)
    @action(
        detail=True,
        methods=["get"],
        url_path="packing-list",
        url_name="packing-list",
        renderer_classes=[JSONRenderer, PDFRenderer],
    )
    def packing_list(self, request, pk=None):
        shipment = self.get_object()
        return _pdf(packing_list_pdf(shipment, self._lines(shipment)), f"{shipment.number}-packing-list.pdf")

    @extend_schema(responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def labels(self, request, pk=None):
        shipment = self.get_object()
        return _pdf(roll_labels_pdf(shipment, self._lines(shipment)), f"{shipment.number}-labels.pdf")


class CustomerReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Returned rolls go into quarantine and their lots on hold until quality inspects them."""

    queryset = selectors.customer_return_list()
    serializer_class = CustomerReturnSerializer
    http_method_names = READ_CREATE
    filterset_fields = ["shipment", "customer"]
    search_fields = ["number", "shipment__number", "customer__code"]
    ordering_fields = ["returned_at", "number"]

    @extend_schema(request=CustomerReturnInputSerializer, responses={201: CustomerReturnSerializer})
    def create(self, request):
        data = CustomerReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer_return = services.customer_return_create(user=request.user, **data.validated_data)
        fresh = selectors.customer_return_list().get(pk=customer_return.pk)
        return Response(CustomerReturnSerializer(fresh).data, status=status.HTTP_201_CREATED)


class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Customer feedback and complaints, linked to shipment, lot and roll."""

    queryset = selectors.feedback_list()
    serializer_class = FeedbackSerializer
    http_method_names = READ_WRITE
    filterset_class = selectors.FeedbackFilter
    search_fields = ["number", "description", "customer__code"]
    ordering_fields = ["received_at", "number"]

    @extend_schema(request=FeedbackInputSerializer, responses={201: FeedbackSerializer})
    def create(self, request):
        data = FeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.feedback_create(user=request.user, **data.validated_data)
        return Response(FeedbackSerializer(selectors.feedback_list().get(pk=feedback.pk)).data, status=201)

    @extend_schema(request=FeedbackUpdateSerializer, responses=FeedbackSerializer)
    def partial_update(self, request, pk=None):
        feedback = self.get_object()
        check_if_match(request, feedback)
        data = FeedbackUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.feedback_update(feedback=feedback, user=request.user, **data.validated_data)
        return Response(FeedbackSerializer(selectors.feedback_list().get(pk=feedback.pk)).data)

    @extend_schema(
        responses=inline_serializer(
            "ComplaintTrace",
            {
                "feedback": serializers.DictField(),
                "supplier_lots": serializers.ListField(child=serializers.DictField()),
                "trees": serializers.ListField(child=serializers.DictField()),
            },
        ),
        description="Upstream genealogy of the complained roll / lot (or every lot on the shipment), with the "
        "supplier (receipt) lots at its leaves.",
    )
    @action(detail=True, methods=["get"])
    def trace(self, request, pk=None):
        return Response(selectors.complaint_trace(self.get_object()))
