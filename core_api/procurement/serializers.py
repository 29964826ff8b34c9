"""Shapes only: output serializers for documents, strict input serializers for every write."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from core.serializers import StrictSerializer
from inventory.models import Location, Lot, Material, Roll, Warehouse

from .models import (
    Criterion,
    GoodsReceipt,
    GoodsReceiptLine,
    PriceList,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatusLog,
    ScorecardCriterion,
    Supplier,
    SupplierContact,
    SupplierReturn,
    SupplierReturnLine,
    SupplierScorecard,
)

QTY = {"max_digits": 16, "decimal_places": 4}
# Four decimals: what the stock ledger accepts as a unit cost.
PRICE = {"max_digits": 14, "decimal_places": 4}
MONTH_OR_DATE = ["%Y-%m-%d", "%Y-%m"]


class PositiveDecimalField(serializers.DecimalField):
    default_error_messages = {"not_positive": "must be greater than zero"}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value <= 0:
            self.fail("not_positive")
        return value


# --- suppliers -----------------------------------------------------------------------------------
class SupplierContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierContact
        fields = ["id", "name", "email", "phone"]
        read_only_fields = fields


class SupplierSerializer(serializers.ModelSerializer):
    contacts = SupplierContactSerializer(many=True, read_only=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True, default=None)
    standing = serializers.CharField(read_only=True, allow_null=True, default=None)
    standing_period = serializers.DateField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Supplier
        fields = [
            "id",
            "code",
            "name",
            "address",
            "payment_terms",
            "bank_details",
            "is_active",
            "contacts",
            "score",
            "standing",
            "standing_period",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_bank_details"):
            data.pop("bank_details", None)
        return data


class SupplierContactInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class SupplierInputSerializer(StrictSerializer):
    code = serializers.RegexField(r"^[A-Za-z0-9._-]{1,40}$")
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(required=False, allow_blank=True)
    payment_terms = serializers.CharField(max_length=120, required=False, allow_blank=True)
    bank_details = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    contacts = SupplierContactInputSerializer(many=True, required=False)


class SupplierImportSerializer(StrictSerializer):
    file = serializers.FileField()


class OnTimeRateSerializer(serializers.Serializer):
    supplier = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    lines = serializers.IntegerField()
    qty_ordered = serializers.DecimalField(**QTY)
    qty_on_time = serializers.DecimalField(**QTY)
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)


class OnTimeQuerySerializer(StrictSerializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


# --- price lists ---------------------------------------------------------------------------------
class PriceListSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)

    class Meta:
        model = PriceList
        fields = [
            "id",
            "supplier",
            "supplier_code",
            "material",
            "material_code",
            "unit",
            "price",
            "currency",
            "min_order_qty",
            "lead_time_days",
            "valid_from",
            "valid_to",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PriceListInputSerializer(StrictSerializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all())
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    price = serializers.DecimalField(**PRICE, min_value=Decimal("0"))
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    min_order_qty = serializers.DecimalField(**QTY, min_value=Decimal("0"), required=False)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)


# --- purchase orders -----------------------------------------------------------------------------
class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    amount = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "line_no",
            "material",
            "material_code",
            "unit",
            "qty",
            "unit_price",
            "amount",
            "list_price",
            "price_list",
            "promised_date",
            "qty_received",
        ]
        read_only_fields = fields

    def get_amount(self, line) -> str:
        return str((line.qty * line.unit_price).quantize(Decimal("0.01")))


class PurchaseOrderStatusLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, read_only=True)

    class Meta:
        model = PurchaseOrderStatusLog
        fields = ["from_status", "to_status", "user", "at", "note"]
        read_only_fields = fields


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)
    status_log = PurchaseOrderStatusLogSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "supplier",
            "supplier_code",
            "supplier_name",
            "warehouse",
            "warehouse_code",
            "order_date",
            "expected_date",
            "currency",
            "notes",
            "status",
            "total",
            "lines",
            "status_log",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_total(self, order) -> str:
        return str(
            sum((line.qty * line.unit_price for line in order.lines.all()), Decimal("0")).quantize(Decimal("0.01"))
        )


class PurchaseOrderLineInputSerializer(StrictSerializer):
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    qty = PositiveDecimalField(**QTY)
    unit_price = serializers.DecimalField(**PRICE, min_value=Decimal("0"), required=False)
    promised_date = serializers.DateField(required=False)


class PurchaseOrderInputSerializer(StrictSerializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all())
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    order_date = serializers.DateField(required=False)
    expected_date = serializers.DateField(required=False, allow_null=True)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = PurchaseOrderLineInputSerializer(many=True, allow_empty=False)


class PurchaseOrderTransitionSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


# --- receipts ------------------------------------------------------------------------------------
class ReceivedRollSerializer(serializers.ModelSerializer):
    class Meta:
        model = Roll
        fields = ["id", "code", "length_m", "weight_kg", "width_cm", "gsm"]
        read_only_fields = fields


class ReceivedLotSerializer(serializers.ModelSerializer):
    rolls = ReceivedRollSerializer(many=True, read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "code", "supplier_lot", "dye_lot", "qc_status", "rolls"]
        read_only_fields = fields


class ReceiptLineSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(source="po_line.line_no", read_only=True)
    material = serializers.IntegerField(source="po_line.material_id", read_only=True)
    material_code = serializers.CharField(source="po_line.material.code", read_only=True)
    unit = serializers.CharField(source="po_line.material.unit", read_only=True)
    lot = ReceivedLotSerializer(read_only=True)

    class Meta:
        model = GoodsReceiptLine
        fields = ["id", "po_line", "line_no", "material", "material_code", "unit", "qty", "unit_price", "lot"]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    purchase_order_number = serializers.CharField(source="purchase_order.number", read_only=True)
    supplier = serializers.IntegerField(source="purchase_order.supplier_id", read_only=True)
    supplier_code = serializers.CharField(source="purchase_order.supplier.code", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    lines = ReceiptLineSerializer(many=True, read_only=True)

    class Meta:
        model = GoodsReceipt
        fields = [
            "id",
            "number",
            "purchase_order",
            "purchase_order_number",
            "supplier",
            "supplier_code",
            "location",
            "location_code",
            "received_on",
            "delivery_note",
            "notes",
            "lines",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ReceiptRollInputSerializer(StrictSerializer):
    length_m = PositiveDecimalField(max_digits=10, decimal_places=2)
    weight_kg = PositiveDecimalField(max_digits=10, decimal_places=3, required=False)
    width_cm = PositiveDecimalField(max_digits=8, decimal_places=2, required=False)
    gsm = PositiveDecimalField(max_digits=8, decimal_places=2, required=False)
    code = serializers.CharField(max_length=40, required=False)


class ReceiptLineInputSerializer(StrictSerializer):
    po_line = serializers.IntegerField(min_value=1)
    qty = PositiveDecimalField(**QTY, required=False)
    supplier_lot = serializers.CharField(max_length=80, required=False, allow_blank=True)
    dye_lot = serializers.CharField(max_length=80, required=False, allow_blank=True)
    rolls = ReceiptRollInputSerializer(many=True, required=False)


class ReceiptInputSerializer(StrictSerializer):
    purchase_order = serializers.PrimaryKeyRelatedField(queryset=PurchaseOrder.objects.all())
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    received_on = serializers.DateField(required=False)
    delivery_note = serializers.CharField(max_length=80, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = ReceiptLineInputSerializer(many=True, allow_empty=False)


# --- supplier returns ----------------------------------------------------------------------------
class SupplierReturnLineSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    roll_code = serializers.CharField(source="roll.code", read_only=True, default=None)
    location_code = serializers.CharField(source="location.code", read_only=True)

    class Meta:
        model = SupplierReturnLine
        fields = [
            "id",
            "lot",
            "lot_code",
            "roll",
            "roll_code",
            "location",
            "location_code",
            "qty",
            "unit_price",
            "debit_amount",
            "receipt_line",
        ]
        read_only_fields = fields


class SupplierReturnSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    lines = SupplierReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierReturn
        fields = [
            "id",
            "number",
            "supplier",
            "supplier_code",
            "returned_on",
            "debit_note_ref",
            "debit_amount",
            "currency",
            "reason",
            "lines",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class SupplierReturnLineInputSerializer(StrictSerializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.select_related("material"))
    roll = serializers.PrimaryKeyRelatedField(queryset=Roll.objects.all(), required=False, allow_null=True)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    qty = PositiveDecimalField(**QTY, required=False)


class SupplierReturnInputSerializer(StrictSerializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all())
    returned_on = serializers.DateField(required=False)
    debit_note_ref = serializers.CharField(max_length=80, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    lines = SupplierReturnLineInputSerializer(many=True, allow_empty=False)


# --- scorecards ----------------------------------------------------------------------------------
class ScorecardSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        model = SupplierScorecard
        fields = [
            "id",
            "supplier",
            "supplier_code",
            "supplier_name",
            "period",
            "score",
            "standing",
            "breakdown",
            "computed_at",
        ]
        read_only_fields = fields


class ScorecardComputeSerializer(StrictSerializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all(), required=False)
    period_from = serializers.DateField(input_formats=MONTH_OR_DATE)
    period_to = serializers.DateField(input_formats=MONTH_OR_DATE)


class ScorecardSkippedSerializer(serializers.Serializer):
    supplier = serializers.IntegerField()
    period = serializers.DateField()


class ScorecardRunSerializer(serializers.Serializer):
    computed = ScorecardSerializer(many=True)
    skipped = ScorecardSkippedSerializer(many=True)


class ScorecardCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScorecardCriterion
        fields = ["key", "weight"]
        read_only_fields = fields


class CriteriaInputSerializer(StrictSerializer):
    criteria = serializers.DictField(
        child=serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100")
        ),
        allow_empty=False,
    )

    def validate_criteria(self, value):
        unknown = sorted(set(value) - set(Criterion.values))
        if unknown:
            raise serializers.ValidationError(
                f"unknown criteria: {', '.join(unknown)} (known: {', '.join(Criterion.values)})"
            )
        return value
