"""Materials, locations, lots, rolls and the append-only stock ledger (DESIGN §3.1–3.2).

Stock lives in `StockMove` rows that are never edited or deleted; `StockBalance` is derived from
them per (lot, roll, location) and held by database CHECKs at 0 ≤ reserved ≤ on_hand. Every write
goes through `inventory.services` — nothing else creates moves or touches balances.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import clock
from core.models import TimeStampedModel, VersionedModel

QTY = {"max_digits": 16, "decimal_places": 4}
MONEY = {"max_digits": 18, "decimal_places": 4}
UNIT_COST = {"max_digits": 16, "decimal_places": 6}


class Unit(models.TextChoices):
    KG = "kg", "kilograms"
    M = "m", "metres"
    PCS = "pcs", "pieces"


class MaterialKind(models.TextChoices):
    FIBRE = "fibre"
    YARN = "yarn"
    GREIGE = "greige", "greige fabric"
    FINISHED = "finished", "finished fabric"
    DYE = "dye"
    CHEMICAL = "chemical"
    ACCESSORY = "accessory"
    GARMENT = "garment"


# DESIGN §3.2: yarn, fibre, dyes and chemicals in kg; fabric in metres; garments in pieces.
STOCK_UNIT = {
    MaterialKind.FIBRE: Unit.KG,
    MaterialKind.YARN: Unit.KG,
    MaterialKind.GREIGE: Unit.M,
    MaterialKind.FINISHED: Unit.M,
    MaterialKind.DYE: Unit.KG,
    MaterialKind.CHEMICAL: Unit.KG,
    MaterialKind.ACCESSORY: Unit.PCS,
    MaterialKind.GARMENT: Unit.PCS,
}
FABRIC_KINDS = (MaterialKind.GREIGE, MaterialKind.FINISHED)


class YarnCountSystem(models.TextChoices):
    NE = "ne", "Ne (English cotton count)"
    NM = "nm", "Nm (metric count)"
    TEX = "tex", "tex"
    DENIER = "denier", "denier"


class Material(VersionedModel):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MaterialKind.choices)
    unit = models.CharField(max_length=5, choices=Unit.choices, editable=False)
    description = models.TextField(blank=True)
    # An article groups the colours of one fabric quality ("SJ-180" in navy, black, …).
    article = models.CharField(max_length=40, blank=True, db_index=True)
    yarn_count_value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    yarn_count_system = models.CharField(max_length=10, choices=YarnCountSystem.choices, blank=True)
    # {"cotton": "60", "polyester": "40"}: percent by fibre, sums to 100.
    composition = models.JSONField(default=dict, blank=True)
    gsm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    construction = models.CharField(max_length=120, blank=True)
    shade_code = models.CharField(max_length=40, blank=True, db_index=True)
    standard_cost = models.DecimalField(**UNIT_COST, default=Decimal("0"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(gsm__isnull=True) | Q(gsm__gt=0), name="material_gsm_positive"),
            models.CheckConstraint(
                condition=Q(width_cm__isnull=True) | Q(width_cm__gt=0), name="material_width_positive"
            ),
            models.CheckConstraint(
                condition=Q(yarn_count_value__isnull=True) | Q(yarn_count_value__gt=0),
                name="material_yarn_count_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_fabric(self) -> bool:
        return self.kind in FABRIC_KINDS

    def clean(self) -> None:
        if self.composition:
            try:
                total = sum(Decimal(str(v)) for v in self.composition.values())
            except Exception:
                raise ValidationError({"composition": ["percentages must be numbers"]})
            if total != Decimal("100"):
                raise ValidationError({"composition": [f"percentages must sum to 100 (they sum to {total})"]})
        if bool(self.yarn_count_value) != bool(self.yarn_count_system):
            raise ValidationError({"yarn_count_system": ["give both the yarn count value and its system"]})

    def save(self, *args, **kwargs):
        self.unit = STOCK_UNIT[MaterialKind(self.kind)]
        super().save(*args, **kwargs)


class Warehouse(TimeStampedModel):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LocationKind(models.TextChoices):
    STORES = "stores"
    QUARANTINE = "quarantine"
    PRODUCTION = "production", "production floor"
    SUBCONTRACTOR = "subcontractor"
    FINISHED_GOODS = "finished_goods", "finished goods"


class Location(TimeStampedModel):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="locations")
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    # For subcontractor locations: the dye house holding our greige (stock stays ours).
    partner_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class QCStatus(models.TextChoices):
    QUARANTINE = "quarantine"
    RELEASED = "released"
    ON_HOLD = "on_hold", "on hold"
    REJECTED = "rejected"


class LotOrigin(models.TextChoices):
    RECEIPT = "receipt"
    PRODUCTION = "production"
    OPENING = "opening"
    CUSTOMER_RETURN = "customer_return"
    ADJUSTMENT = "adjustment"


class Lot(VersionedModel):
    """A quantity of one material with provenance. A fabric lot is one dye lot made of rolls."""

    code = models.CharField(max_length=40, unique=True)
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="lots")
    origin = models.CharField(max_length=20, choices=LotOrigin.choices)
    supplier_lot = models.CharField(max_length=80, blank=True)
    dye_lot = models.CharField(max_length=80, blank=True, db_index=True)
    qc_status = models.CharField(max_length=12, choices=QCStatus.choices, default=QCStatus.QUARANTINE, db_index=True)
    received_at = models.DateTimeField(null=True, blank=True)
    produced_at = models.DateTimeField(null=True, blank=True)
    # The document that created the lot, e.g. ("procurement.receipt", "17", "GRN-000017").
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    source_ref = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["material", "qc_status"])]

    def __str__(self) -> str:
        return self.code


class Roll(VersionedModel):
    """One roll of fabric: its own stock unit (qty in metres) carrying weight, width, GSM, quality, shade."""

    code = models.CharField(max_length=40, unique=True)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="rolls")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="pieces")
    length_m = models.DecimalField(max_digits=10, decimal_places=2)
    weight_kg = models.DecimalField(max_digits=10, decimal_places=3)
    width_cm = models.DecimalField(max_digits=8, decimal_places=2)
    gsm = models.DecimalField(max_digits=8, decimal_places=2)
    # 4-point inspection result (quality app writes these through inventory services).
    points = models.PositiveIntegerField(null=True, blank=True)
    points_per_100yd2 = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField(max_length=10, blank=True)
    # Shade: CIE L*a*b* reading, ΔE00 to the approved standard, and the band it falls in.
    lab_l = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    lab_a = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    lab_b = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    delta_e = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    shade_band = models.CharField(max_length=10, blank=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(length_m__gt=0), name="roll_length_positive"),
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="roll_weight_positive"),
            models.CheckConstraint(condition=Q(width_cm__gt=0), name="roll_width_positive"),
            models.CheckConstraint(condition=Q(gsm__gt=0), name="roll_gsm_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class MoveReason(models.TextChoices):
    RECEIPT = "receipt"
    ISSUE = "issue"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    COUNT = "count", "stock count"
    OPENING = "opening", "opening balance"
    PRODUCTION_ISSUE = "production_issue"
    PRODUCTION_OUTPUT = "production_output"
    JOB_WORK = "job_work"
    SHIPMENT = "shipment"
    CUSTOMER_RETURN = "customer_return"
    SUPPLIER_RETURN = "supplier_return"
    SPLIT = "split", "roll cut/split"
    REVERSAL = "reversal"


class StockMove(models.Model):
    """One signed change of stock at one key. Append-only: never updated, never deleted."""

    posting = models.UUIDField(db_index=True)  # moves posted together (a transfer's pair) share it
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="moves")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="moves")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    unit_cost = models.DecimalField(**UNIT_COST)
    value = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=20, choices=MoveReason.choices)
    document_type = models.CharField(max_length=60, blank=True)
    document_id = models.CharField(max_length=40, blank=True)
    document_ref = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=255, blank=True)
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The posting time (core.clock): now, or the business date history is posted at.
    created_at = models.DateTimeField(default=clock.now, editable=False, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["lot", "id"]),
            models.Index(fields=["material", "created_at"]),
            models.Index(fields=["document_type", "document_id"]),
        ]
        constraints = [models.CheckConstraint(condition=~Q(qty=0), name="move_qty_nonzero")]

    def __str__(self) -> str:
        return f"{self.reason} {self.qty} {self.lot_id}@{self.location_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("stock moves are append-only; post a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("stock moves are append-only; post a reversal instead")


# A balance key that holds stock or value; emptied keys stay behind as history grows.
LIVE_BALANCE = ~Q(on_hand=0) | ~Q(value=0)


class StockBalance(models.Model):
    """Derived balance per (lot, roll, location); kept by the inventory service, checked by the DB."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="balances")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    on_hand = models.DecimalField(**QTY, default=Decimal("0"))
    reserved = models.DecimalField(**QTY, default=Decimal("0"))
    value = models.DecimalField(**MONEY, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="balance_on_hand_nonnegative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="balance_reserved_nonnegative"),
            models.CheckConstraint(condition=Q(reserved__lte=models.F("on_hand")), name="balance_reserved_le_on_hand"),
            models.UniqueConstraint(
                fields=["lot", "roll", "location"], condition=Q(roll__isnull=False), name="balance_roll_key_unique"
            ),
            models.UniqueConstraint(
                fields=["lot", "location"], condition=Q(roll__isnull=True), name="balance_lot_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["material", "location"]),
            # Keys still holding stock: what stock value and cover read, however long the history.
            models.Index(fields=["material"], condition=LIVE_BALANCE, name="balance_live_material"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}/{self.roll_id}@{self.location_id}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class CostLayer(models.Model):
    """FIFO valuation: a queue of [remaining qty, unit cost] consumed oldest first.

    Layers belong to one balance key (lot, roll, location) so that each key's value is exactly the
    value of the stock it holds; a transfer moves the consumed layers to the destination key.
    """

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="cost_layers")
    balance = models.ForeignKey("StockBalance", on_delete=models.PROTECT, related_name="layers")
    qty_in = models.DecimalField(**QTY)
    qty_remaining = models.DecimalField(**QTY)
    unit_cost = models.DecimalField(**UNIT_COST)
    # The exact value still in the layer: taking the whole remainder takes exactly this, so a key's
    # value returns to zero with its quantity instead of drifting by rounding of qty × unit cost.
    value_remaining = models.DecimalField(**MONEY, default=Decimal("0"))
    move = models.ForeignKey(StockMove, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["balance", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(qty_remaining__gte=0), name="layer_remaining_nonnegative"),
            models.CheckConstraint(condition=Q(qty_remaining__lte=models.F("qty_in")), name="layer_remaining_le_in"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.qty_remaining} @ {self.unit_cost}"


class GenealogyEdge(models.Model):
    """Input lot (or roll) → output lot (or roll), with the quantity consumed, written at posting time."""

    parent_lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="child_edges")
    parent_roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="child_edges")
    child_lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="parent_edges")
    child_roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="parent_edges")
    qty = models.DecimalField(**QTY)
    # The document that consumed and produced (a work order, a job-work receipt, a roll split).
    document_type = models.CharField(max_length=60, blank=True)
    document_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(qty__gt=0), name="edge_qty_positive")]

    def __str__(self) -> str:
        return f"{self.parent_lot_id} → {self.child_lot_id} ({self.qty})"


class StockCountStatus(models.TextChoices):
    DRAFT = "draft"
    POSTED = "posted"
    CANCELLED = "cancelled"


class StockCount(VersionedModel):
    """A cycle count: counted quantity per key; posting adjusts each key to what was counted."""

    code = models.CharField(max_length=40, unique=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_counts")
    status = models.CharField(max_length=12, choices=StockCountStatus.choices, default=StockCountStatus.DRAFT)
    note = models.TextField(blank=True)
    # Why stock differs, required to post (it becomes the adjustment moves' note).
    reason = models.CharField(max_length=255, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.code


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    counted_qty = models.DecimalField(**QTY)
    # Filled when the count is posted: the book quantity at that moment and the adjustment made.
    book_qty = models.DecimalField(**QTY, null=True, blank=True)
    difference = models.DecimalField(**QTY, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(counted_qty__gte=0), name="count_line_counted_nonnegative"),
            models.UniqueConstraint(
                fields=["count", "lot", "roll", "location"],
                condition=Q(roll__isnull=False),
                name="count_line_roll_key_unique",
            ),
            models.UniqueConstraint(
                fields=["count", "lot", "location"], condition=Q(roll__isnull=True), name="count_line_lot_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.lot_id}/{self.roll_id}@{self.location_id} = {self.counted_qty}"


class ReorderRule(VersionedModel):
    """Min/max replenishment per material and warehouse (DESIGN §3.3)."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="reorder_rules")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reorder_rules")
    min_qty = models.DecimalField(**QTY)
    max_qty = models.DecimalField(**QTY)
    multiple = models.DecimalField(**QTY, default=Decimal("1"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["material__code", "warehouse__code"]
        constraints = [
            models.UniqueConstraint(fields=["material", "warehouse"], name="reorder_rule_material_warehouse_unique"),
            models.CheckConstraint(condition=Q(min_qty__gte=0), name="reorder_rule_min_nonnegative"),
            models.CheckConstraint(condition=Q(max_qty__gte=models.F("min_qty")), name="reorder_rule_max_ge_min"),
            models.CheckConstraint(condition=Q(multiple__gt=0), name="reorder_rule_multiple_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.material_id}@{self.warehouse_id}: {self.min_qty}..{self.max_qty}"
