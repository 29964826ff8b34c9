"""Suppliers, price lists, purchase orders, goods receipts, supplier returns, scorecards (DESIGN §3.3).

Documents subclass `VersionedModel` (ETag / If-Match). Stock is never written here: receipts and
returns post through `inventory.services`, and the rows below only record what was posted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from config.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from core import clock
from core.models import TimeStampedModel, VersionedModel
from inventory.models import MONEY, QTY, UNIT_COST, Location, Lot, Material, Warehouse

RATE = {"max_digits": 7, "decimal_places": 4}  # a fraction 0..1 (or a signed variance)
SCORE = {"max_digits": 6, "decimal_places": 2}  # 0..100


class Supplier(VersionedModel):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    payment_terms = models.CharField(max_length=120, blank=True)
    # Encrypted at rest (FIELD_ENCRYPTION_KEY); the API shows it only to purchasing roles.
    bank_details = EncryptedTextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierContact(TimeStampedModel):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    # Personal data: encrypted at rest.
    email = EncryptedEmailField(blank=True)
    phone = EncryptedCharField(max_length=40, blank=True)

    class Meta:
        ordering = ["supplier", "id"]

    def __str__(self) -> str:
        return self.name


class PriceList(VersionedModel):
    """One supplier's price for one material over a validity window (no overlaps per currency)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="price_lists")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(**UNIT_COST)
    currency = models.CharField(max_length=3)
    min_order_qty = models.DecimalField(**QTY, default=Decimal("0"))
    lead_time_days = models.PositiveIntegerField(default=0)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["supplier", "material", "-valid_from"]
        indexes = [models.Index(fields=["supplier", "material", "valid_from"])]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="price_list_price_nonnegative"),
            models.CheckConstraint(condition=Q(min_order_qty__gte=0), name="price_list_moq_nonnegative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="price_list_validity_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}/{self.material_id}: {self.price} {self.currency} from {self.valid_from}"


class POStatus(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTIALLY_RECEIVED = "partially_received", "partially received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PurchaseOrder(VersionedModel):
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    order_date = models.DateField()
    expected_date = models.DateField(null=True, blank=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=POStatus.choices, default=POStatus.DRAFT, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"PO #{self.pk}"


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)  # in the material's stock unit
    unit_price = models.DecimalField(**UNIT_COST)
    # The price-list entry valid at order time and its price, kept to measure price variance later.
    price_list = models.ForeignKey(PriceList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    list_price = models.DecimalField(**UNIT_COST, null=True, blank=True)
    promised_date = models.DateField()
    qty_received = models.DecimalField(**QTY, default=Decimal("0"))

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="po_line_no_unique"),
            models.CheckConstraint(condition=Q(qty__gt=0), name="po_line_qty_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="po_line_price_nonnegative"),
            models.CheckConstraint(condition=Q(qty_received__gte=0), name="po_line_received_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"


class PurchaseOrderStatusLog(models.Model):
    """One row per status change of a purchase order: who, when, from, to."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="status_log")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=clock.now, editable=False)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '∅'} → {self.to_status}"


class GoodsReceipt(VersionedModel):
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    delivery_note = models.CharField(max_length=80, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["received_on"])]

    def __str__(self) -> str:
        return self.number or f"GRN #{self.pk}"


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    po_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="receipt_line")
    qty = models.DecimalField(**QTY)
    unit_price = models.DecimalField(**UNIT_COST)

    class Meta:
        ordering = ["receipt", "id"]
        constraints = [models.CheckConstraint(condition=Q(qty__gt=0), name="receipt_line_qty_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.qty} of PO line {self.po_line_id}"


class SupplierReturn(VersionedModel):
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="returns")
    returned_on = models.DateField()
    debit_note_ref = models.CharField(max_length=80, blank=True)
    debit_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"RTN #{self.pk}"


class SupplierReturnLine(models.Model):
    supplier_return = models.ForeignKey(SupplierReturn, on_delete=models.CASCADE, related_name="lines")
    receipt_line = models.ForeignKey(GoodsReceiptLine, on_delete=models.PROTECT, related_name="return_lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey("inventory.Roll", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    unit_price = models.DecimalField(**UNIT_COST)
    debit_amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["supplier_return", "id"]
        constraints = [models.CheckConstraint(condition=Q(qty__gt=0), name="return_line_qty_positive")]

    def __str__(self) -> str:
        return f"{self.supplier_return_id}: {self.qty} of lot {self.lot_id}"


class Criterion(models.TextChoices):
    ON_TIME = "on_time", "on-time delivery"
    ACCEPT_RATE = "accept_rate", "accept rate"
    PRICE_VARIANCE = "price_variance", "price variance"
    LEAD_TIME_VARIABILITY = "lead_time_variability", "lead-time variability"
    ML_SCORE = "ml_score", "ML score"


class ScorecardCriterion(TimeStampedModel):
    """The weight of one criterion in the supplier scorecard; the weights sum to 100."""

    key = models.CharField(max_length=30, choices=Criterion.choices, unique=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=100), name="criterion_weight_0_100")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.weight}"


class Standing(models.TextChoices):
    VERY_POOR = "very_poor", "very poor"
    POOR = "poor"
    AVERAGE = "average"
    GOOD = "good"


class SupplierMLScore(TimeStampedModel):
    """The ML service's score (0–100) for a supplier and month, written through `supplier_set_ml_score`."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="ml_scores")
    period = models.DateField()  # first day of the month
    score = models.DecimalField(**SCORE)

    class Meta:
        ordering = ["supplier", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "period"], name="ml_score_supplier_period_unique"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="ml_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period:%Y-%m}: {self.score}"


class SupplierScorecard(TimeStampedModel):
    """A supplier's weighted score for one month; months with no activity have no row."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="scorecards")
    period = models.DateField()  # first day of the month
    score = models.DecimalField(**SCORE)
    standing = models.CharField(max_length=12, choices=Standing.choices)
    # {criterion: {"value": raw measure, "score": 0..100, "weight": configured, "used": bool}}
    breakdown = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["supplier", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "period"], name="scorecard_supplier_period_unique"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="scorecard_score_0_100"),
        ]
        indexes = [models.Index(fields=["supplier", "period"])]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period:%Y-%m}: {self.score} ({self.standing})"
