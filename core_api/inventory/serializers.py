"""Shapes of the inventory API. No business rules here: those live in services."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rest_framework import serializers

from core.serializers import StrictModelSerializer, StrictSerializer

from . import selectors
from .models import (
    QTY,
    Lot,
    Material,
    MaterialKind,
    ReorderRule,
    Roll,
    StockBalance,
    StockCount,
    StockCountLine,
    StockCountStatus,
    StockMove,
    Unit,
    Warehouse,
    YarnCountSystem,
)
from .models import Location as LocationModel
from .units import fabric_kg_from_m, gsm_to_oz_per_yd2, yarn_count_convert

QTY_FIELD = {"max_digits": QTY["max_digits"], "decimal_places": QTY["decimal_places"]}


def _fmt(value: Decimal | None, places: str = "0.001") -> str | None:
    return None if value is None else str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


# --- master data --------------------------------------------------------------------------------
class MaterialSerializer(serializers.ModelSerializer):
    yarn_count = serializers.SerializerMethodField(help_text="The yarn count in every system (ne, nm, tex, denier).")
    oz_per_yd2 = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "unit",
            "description",
            "article",
            "yarn_count_value",
            "yarn_count_system",
            "yarn_count",
            "composition",
            "gsm",
            "oz_per_yd2",
            "width_cm",
            "construction",
            "shade_code",
            "standard_cost",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_yarn_count(self, material) -> dict[str, str] | None:
        if material.yarn_count_value is None or not material.yarn_count_system:
            return None
        return {
            system: _fmt(yarn_count_convert(material.yarn_count_value, material.yarn_count_system, system))
            for system in YarnCountSystem.values
        }

    def get_oz_per_yd2(self, material) -> str | None:
        return None if material.gsm is None else _fmt(gsm_to_oz_per_yd2(material.gsm))


class MaterialWriteSerializer(StrictSerializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    description = serializers.CharField(required=False, allow_blank=True)
    article = serializers.CharField(max_length=40, required=False, allow_blank=True)
    yarn_count_value = serializers.DecimalField(max_digits=10, decimal_places=3, required=False, allow_null=True)
    yarn_count_system = serializers.ChoiceField(choices=YarnCountSystem.choices, required=False, allow_blank=True)
    composition = serializers.JSONField(
        required=False, help_text='Percent by fibre: {"cotton": "60", "polyester": "40"}'
    )
    gsm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    construction = serializers.CharField(max_length=120, required=False, allow_blank=True)
    shade_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    standard_cost = serializers.DecimalField(max_digits=16, decimal_places=6, required=False)
    is_active = serializers.BooleanField(required=False)


class WarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "created_at", "updated_at"]


class WarehouseWriteSerializer(StrictModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["code", "name"]
        extra_kwargs = {"code": {"validators": []}}


class LocationSerializer(serializers.ModelSerializer):
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = LocationModel
        fields = [
            "id",
            "warehouse",
            "warehouse_code",
            "code",
            "name",
            "kind",
            "partner_name",
            "is_active",
            "created_at",
            "updated_at",
        ]


class LocationWriteSerializer(StrictModelSerializer):
    class Meta:
        model = LocationModel
        fields = ["warehouse", "code", "name", "kind", "partner_name", "is_active"]
        extra_kwargs = {"code": {"validators": []}}


# --- lots and rolls -----------------------------------------------------------------------------
class LotSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    material_name = serializers.CharField(source="material.name", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    source = serializers.SerializerMethodField()
    on_hand = serializers.DecimalField(**QTY_FIELD, read_only=True, default=None)
    reserved = serializers.DecimalField(**QTY_FIELD, read_only=True, default=None)

    class Meta:
        model = Lot
        fields = [
            "id",
            "code",
            "material",
            "material_code",
            "material_name",
            "unit",
            "origin",
            "supplier_lot",
            "dye_lot",
            "qc_status",
            "received_at",
            "produced_at",
            "source",
            "notes",
            "on_hand",
            "reserved",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_source(self, lot) -> dict:
        return {"type": lot.source_type, "id": lot.source_id, "ref": lot.source_ref}


class LotReleaseSerializer(StrictSerializer):
    to_location = serializers.IntegerField(help_text="Where released quarantine stock goes (stores, production).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class LotStatusNoteSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RollSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    material = serializers.IntegerField(source="lot.material_id", read_only=True)
    material_code = serializers.CharField(source="lot.material.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)
    qc_status = serializers.CharField(source="lot.qc_status", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    kg_per_m = serializers.SerializerMethodField(help_text="This roll's own factor: width_m × GSM / 1000.")
    oz_per_yd2 = serializers.SerializerMethodField()
    on_hand_m = serializers.DecimalField(source="on_hand", **QTY_FIELD, read_only=True, default=None)
    on_hand_kg = serializers.SerializerMethodField()
    reserved_m = serializers.DecimalField(source="reserved", **QTY_FIELD, read_only=True, default=None)
    location = serializers.IntegerField(source="current_location_id", read_only=True, default=None)
    location_code = serializers.CharField(source="current_location_code", read_only=True, default=None)

    class Meta:
        model = Roll
        fields = [
            "id",
            "code",
            "lot",
            "lot_code",
            "material",
            "material_code",
            "dye_lot",
            "qc_status",
            "parent",
            "parent_code",
            "length_m",
            "weight_kg",
            "width_cm",
            "gsm",
            "kg_per_m",
            "oz_per_yd2",
            "on_hand_m",
            "on_hand_kg",
            "reserved_m",
            "location",
            "location_code",
            "points",
            "points_per_100yd2",
            "grade",
            "lab_l",
            "lab_a",
            "lab_b",
            "delta_e",
            "shade_band",
            "version",
            "created_at",
        ]

    def get_kg_per_m(self, roll) -> str:
        return _fmt(fabric_kg_from_m(1, roll.width_cm, roll.gsm), "0.0001")

    def get_oz_per_yd2(self, roll) -> str:
        return _fmt(gsm_to_oz_per_yd2(roll.gsm))

    def get_on_hand_kg(self, roll) -> str | None:
        on_hand = getattr(roll, "on_hand", None)
        return None if on_hand is None else _fmt(fabric_kg_from_m(on_hand, roll.width_cm, roll.gsm))


class RollPieceSerializer(StrictSerializer):
    length_m = serializers.DecimalField(max_digits=10, decimal_places=2)


class RollCutSerializer(StrictSerializer):
    pieces = RollPieceSerializer(many=True, allow_empty=False, max_length=200)


class RollConvertSerializer(StrictSerializer):
    kg = serializers.DecimalField(**QTY_FIELD, required=False, min_value=Decimal("0"))
    m = serializers.DecimalField(**QTY_FIELD, required=False, min_value=Decimal("0"))

    def validate(self, attrs):
        if ("kg" in attrs) == ("m" in attrs):
            raise serializers.ValidationError({"kg": ["give exactly one of kg or m"]})
        return attrs


# --- ledger and balances ------------------------------------------------------------------------
class BalanceSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    qc_status = serializers.CharField(source="lot.qc_status", read_only=True)
    roll_code = serializers.CharField(source="roll.code", read_only=True, default=None)
    location_code = serializers.CharField(source="location.code", read_only=True)
    location_kind = serializers.CharField(source="location.kind", read_only=True)
    warehouse = serializers.IntegerField(source="location.warehouse_id", read_only=True)
    available = serializers.SerializerMethodField()
    weight_kg = serializers.SerializerMethodField(help_text="Fabric: on hand in kg from the roll's own GSM and width.")

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "material",
            "material_code",
            "unit",
            "lot",
            "lot_code",
            "qc_status",
            "roll",
            "roll_code",
            "location",
            "location_code",
            "location_kind",
            "warehouse",
            "on_hand",
            "reserved",
            "available",
            "value",
            "weight_kg",
            "updated_at",
        ]

    def get_available(self, balance) -> str:
        return str(balance.on_hand - balance.reserved)

    def get_weight_kg(self, balance) -> str | None:
        if balance.roll is None:
            return None
        return _fmt(fabric_kg_from_m(balance.on_hand, balance.roll.width_cm, balance.roll.gsm))


class MoveSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    roll_code = serializers.CharField(source="roll.code", read_only=True, default=None)
    location_code = serializers.CharField(source="location.code", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True, default=None)
    document = serializers.SerializerMethodField()

    class Meta:
        model = StockMove
        fields = [
            "id",
            "posting",
            "created_at",
            "material",
            "material_code",
            "unit",
            "lot",
            "lot_code",
            "roll",
            "roll_code",
            "location",
            "location_code",
            "qty",
            "unit_cost",
            "value",
            "reason",
            "document",
            "note",
            "reverses",
            "user",
        ]

    def get_document(self, move) -> dict:
        return {"type": move.document_type, "id": move.document_id, "ref": move.document_ref}


# --- operations ---------------------------------------------------------------------------------
class OperationLineSerializer(StrictSerializer):
    lot = serializers.IntegerField(required=False, help_text="Lot id; may be omitted when a roll is given.")
    roll = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField(help_text="Where the stock is now.")
    qty = serializers.DecimalField(**QTY_FIELD, help_text='A decimal string, e.g. "12.5".')
    unit = serializers.ChoiceField(
        choices=Unit.choices, required=False, help_text="Checked against the material's stock unit."
    )

    def validate(self, attrs):
        if attrs.get("lot") is None and attrs.get("roll") is None:
            raise serializers.ValidationError({"lot": ["give the lot or the roll"]})
        return attrs


class AdjustLineSerializer(OperationLineSerializer):
    unit_cost = serializers.DecimalField(
        max_digits=16, decimal_places=6, required=False, help_text="For gains; defaults to the standard cost."
    )


class IssueSerializer(StrictSerializer):
    lines = OperationLineSerializer(many=True, allow_empty=False, max_length=500)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class TransferSerializer(IssueSerializer):
    to_location = serializers.IntegerField()


class AdjustSerializer(IssueSerializer):
    lines = AdjustLineSerializer(many=True, allow_empty=False, max_length=500)
    note = serializers.CharField(allow_blank=True, max_length=255, help_text="Why stock differs (required).")


class ReserveSerializer(StrictSerializer):
    lines = OperationLineSerializer(many=True, allow_empty=False, max_length=500)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60)


# --- stock counts -------------------------------------------------------------------------------
class StockCountLineSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    roll_code = serializers.CharField(source="roll.code", read_only=True, default=None)
    location_code = serializers.CharField(source="location.code", read_only=True)
    unit = serializers.CharField(source="lot.material.unit", read_only=True)

    class Meta:
        model = StockCountLine
        fields = [
            "id",
            "lot",
            "lot_code",
            "roll",
            "roll_code",
            "location",
            "location_code",
            "unit",
            "counted_qty",
            "book_qty",
            "difference",
        ]


class _StockCountList(serializers.ListSerializer):
    """A page of counts reads the live book of all its drafts' lines in one query, not one per draft."""

    def to_representation(self, data):
        counts = list(data.all() if hasattr(data, "all") else data)
        drafts = [line for c in counts if c.status == StockCountStatus.DRAFT for line in c.lines.all()]
        self.child.book = selectors.count_book_qty(drafts)
        try:
            return super().to_representation(counts)
        finally:
            self.child.book = None


class StockCountSerializer(serializers.ModelSerializer):
    """A count; on a draft each line's `book_qty` and `difference` are live (on hand now), on a posted
    count they are what posting found."""

    book: dict | None = None  # set by the list serializer for a whole page

    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    posted_by = serializers.CharField(source="posted_by.username", read_only=True, default=None)
    lines = StockCountLineSerializer(many=True, read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.status == StockCountStatus.DRAFT:
            lines = list(instance.lines.all())
            book = self.book if self.book is not None else selectors.count_book_qty(lines)
            for line, shown in zip(lines, data["lines"], strict=True):
                qty = book[(line.lot_id, line.roll_id, line.location_id)]
                shown["book_qty"] = f"{qty:.4f}"
                shown["difference"] = f"{line.counted_qty - qty:.4f}"
        return data

    class Meta:
        model = StockCount
        list_serializer_class = _StockCountList
        fields = [
            "id",
            "code",
            "warehouse",
            "warehouse_code",
            "status",
            "note",
            "reason",
            "posted_at",
            "posted_by",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ]


class CountLineInputSerializer(StrictSerializer):
    lot = serializers.IntegerField(required=False)
    roll = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField()
    counted_qty = serializers.DecimalField(**QTY_FIELD, min_value=Decimal("0"))

    def validate(self, attrs):
        if attrs.get("lot") is None and attrs.get("roll") is None:
            raise serializers.ValidationError({"lot": ["give the lot or the roll"]})
        return attrs


class StockCountCreateSerializer(StrictSerializer):
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    note = serializers.CharField(required=False, allow_blank=True)
    lines = CountLineInputSerializer(many=True, allow_empty=False, max_length=2000)


class StockCountUpdateSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True)
    lines = CountLineInputSerializer(many=True, allow_empty=False, max_length=2000, required=False)


class StockCountPostSerializer(StrictSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=255, help_text="Why stock differs (required).")


# --- reorder ------------------------------------------------------------------------------------
class ReorderRuleSerializer(serializers.ModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = ReorderRule
        fields = [
            "id",
            "material",
            "material_code",
            "unit",
            "warehouse",
            "warehouse_code",
            "min_qty",
            "max_qty",
            "multiple",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]


class ReorderRuleWriteSerializer(StrictModelSerializer):
    class Meta:
        model = ReorderRule
        fields = ["material", "warehouse", "min_qty", "max_qty", "multiple", "is_active"]
        # Uniqueness is the service's to judge (one message naming the field).
        validators: list = []


class ReorderSuggestionSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule.pk")
    material = serializers.IntegerField(source="rule.material_id")
    material_code = serializers.CharField(source="rule.material.code")
    unit = serializers.CharField(source="rule.material.unit")
    warehouse = serializers.IntegerField(source="rule.warehouse_id")
    warehouse_code = serializers.CharField(source="rule.warehouse.code")
    min_qty = serializers.DecimalField(source="rule.min_qty", **QTY_FIELD)
    max_qty = serializers.DecimalField(source="rule.max_qty", **QTY_FIELD)
    multiple = serializers.DecimalField(source="rule.multiple", **QTY_FIELD)
    on_hand = serializers.DecimalField(**QTY_FIELD)
    on_order = serializers.DecimalField(**QTY_FIELD)
    planned_production = serializers.DecimalField(**QTY_FIELD)
    incoming = serializers.DictField(child=serializers.DecimalField(**QTY_FIELD))
    reserved = serializers.DecimalField(**QTY_FIELD)
    projected = serializers.DecimalField(**QTY_FIELD)
    suggest = serializers.BooleanField()
    suggested_qty = serializers.DecimalField(**QTY_FIELD)


class CsvUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="A UTF-8 CSV file with a header row.")
