"""Shapes of the sales API. Input serializers are strict (unknown fields → 400); rules live in services."""

from decimal import Decimal

from rest_framework import serializers

from core.serializers import StrictModelSerializer, StrictSerializer
from inventory.models import Location, Lot, Material, Roll

from .models import (
    Allocation,
    Customer,
    CustomerReturn,
    CustomerReturnLine,
    Feedback,
    FeedbackCategory,
    FeedbackKind,
    FeedbackStatus,
    OrderStatusLog,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)

QTY_FIELD = {"max_digits": 16, "decimal_places": 4}
POSITIVE_QTY = {**QTY_FIELD, "min_value": Decimal("0.0001")}


# --- customers ----------------------------------------------------------------------------------
class ContactSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    role = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "contacts",
            "address",
            "points_threshold",
            "shade_tolerance",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerInputSerializer(StrictModelSerializer):
    code = serializers.RegexField(r"^[A-Za-z0-9._-]{1,20}$")
    contacts = ContactSerializer(many=True, required=False)
    points_threshold = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    shade_tolerance = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), required=False
    )

    class Meta:
        model = Customer
        fields = ["code", "name", "contacts", "address", "points_threshold", "shade_tolerance", "is_active"]
        # Uniqueness is checked by the service (case-insensitive), not by DRF's validator.
        extra_kwargs = {"code": {"validators": []}}


# --- orders -------------------------------------------------------------------------------------
class OrderLineInputSerializer(StrictSerializer):
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    qty = serializers.DecimalField(**POSITIVE_QTY, help_text="metres")
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=Decimal("0"))
    requested_date = serializers.DateField()


class SalesOrderInputSerializer(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    order_date = serializers.DateField(required=False)
    customer_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = OrderLineInputSerializer(many=True, allow_empty=False)


class SalesOrderUpdateSerializer(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False)
    order_date = serializers.DateField(required=False)
    customer_ref = serializers.CharField(max_length=60, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = OrderLineInputSerializer(many=True, allow_empty=False, required=False)


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class AllocationSerializer(serializers.ModelSerializer):
    roll_code = serializers.CharField(source="roll.code", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)
    shade_band = serializers.CharField(source="roll.shade_band", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "roll",
            "roll_code",
            "lot",
            "lot_code",
            "dye_lot",
            "shade_band",
            "location",
            "location_code",
            "qty",
            "status",
        ]
        read_only_fields = fields


class SalesOrderLineSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    allocated = serializers.DecimalField(**QTY_FIELD, read_only=True)
    shipped = serializers.SerializerMethodField()
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = SalesOrderLine
        fields = [
            "id",
            "line_no",
            "material",
            "material_code",
            "qty",
            "unit_price",
            "requested_date",
            "allocated",
            "shipped",
            "allocations",
        ]
        read_only_fields = fields

    def get_shipped(self, line) -> str:
        return str(sum((s.qty for s in line.shipment_lines.all()), Decimal("0")))


class OrderStatusLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, read_only=True)

    class Meta:
        model = OrderStatusLog
        fields = ["from_status", "to_status", "user", "at", "note"]
        read_only_fields = fields


class SalesOrderSerializer(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    lines = SalesOrderLineSerializer(many=True, read_only=True)
    status_log = OrderStatusLogSerializer(many=True, read_only=True)

    class Meta:
        model = SalesOrder
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "status",
            "order_date",
            "customer_ref",
            "notes",
            "lines",
            "status_log",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- shipments ----------------------------------------------------------------------------------
class ShipmentInputSerializer(StrictSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=SalesOrder.objects.all())
    rolls = serializers.PrimaryKeyRelatedField(
        queryset=Roll.objects.all(), many=True, required=False, help_text="default: every roll allocated to the order"
    )
    shipped_at = serializers.DateTimeField(required=False)
    carrier = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    vehicle = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ShipmentLineSerializer(serializers.ModelSerializer):
    roll_code = serializers.CharField(source="roll.code", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)
    material_code = serializers.CharField(source="lot.material.code", read_only=True)
    shade_band = serializers.CharField(source="roll.shade_band", read_only=True)
    grade = serializers.CharField(source="roll.grade", read_only=True)
    weight_kg = serializers.DecimalField(source="roll.weight_kg", max_digits=10, decimal_places=3, read_only=True)
    line_no = serializers.IntegerField(source="order_line.line_no", read_only=True)

    class Meta:
        model = ShipmentLine
        fields = [
            "id",
            "line_no",
            "order_line",
            "roll",
            "roll_code",
            "lot",
            "lot_code",
            "dye_lot",
            "material_code",
            "shade_band",
            "grade",
            "weight_kg",
            "qty",
            "unit_cost",
        ]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "customer",
            "customer_code",
            "shipped_at",
            "carrier",
            "vehicle",
            "notes",
            "lines",
            "version",
            "created_at",
        ]
        read_only_fields = fields


# --- returns ------------------------------------------------------------------------------------
class ReturnLineInputSerializer(StrictSerializer):
    roll = serializers.PrimaryKeyRelatedField(queryset=Roll.objects.all())
    qty = serializers.DecimalField(**POSITIVE_QTY, required=False, help_text="default: all of it")


class CustomerReturnInputSerializer(StrictSerializer):
    shipment = serializers.PrimaryKeyRelatedField(queryset=Shipment.objects.select_related("customer"))
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), help_text="a quarantine location")
    reason = serializers.CharField()
    returned_at = serializers.DateTimeField(required=False)
    lines = ReturnLineInputSerializer(many=True, allow_empty=False)


class CustomerReturnLineSerializer(serializers.ModelSerializer):
    roll_code = serializers.CharField(source="roll.code", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)

    class Meta:
        model = CustomerReturnLine
        fields = ["id", "shipment_line", "roll", "roll_code", "lot", "lot_code", "qty"]
        read_only_fields = fields


class CustomerReturnSerializer(serializers.ModelSerializer):
    shipment_number = serializers.CharField(source="shipment.number", read_only=True)
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    lines = CustomerReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = CustomerReturn
        fields = [
            "id",
            "number",
            "shipment",
            "shipment_number",
            "customer",
            "customer_code",
            "location",
            "location_code",
            "returned_at",
            "reason",
            "lines",
            "version",
            "created_at",
        ]
        read_only_fields = fields


# --- feedback -----------------------------------------------------------------------------------
class FeedbackInputSerializer(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    category = serializers.ChoiceField(choices=FeedbackCategory.choices, required=False, default="other")
    description = serializers.CharField()
    shipment = serializers.PrimaryKeyRelatedField(
        queryset=Shipment.objects.all(), required=False, allow_null=True, default=None
    )
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all(), required=False, allow_null=True, default=None)
    roll = serializers.PrimaryKeyRelatedField(
        queryset=Roll.objects.select_related("lot"), required=False, allow_null=True, default=None
    )
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    received_at = serializers.DateTimeField(required=False)


class FeedbackUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=FeedbackStatus.choices, required=False)
    resolution = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=FeedbackCategory.choices, required=False)
    description = serializers.CharField(required=False)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)


class FeedbackSerializer(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    shipment_number = serializers.CharField(source="shipment.number", default=None, allow_null=True, read_only=True)
    lot_code = serializers.CharField(source="lot.code", default=None, allow_null=True, read_only=True)
    roll_code = serializers.CharField(source="roll.code", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "kind",
            "category",
            "rating",
            "description",
            "shipment",
            "shipment_number",
            "lot",
            "lot_code",
            "roll",
            "roll_code",
            "status",
            "resolution",
            "received_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
