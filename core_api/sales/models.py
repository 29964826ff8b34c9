"""Customers, sales orders, roll allocations, shipments, returns and feedback (DESIGN §3.6).

Stock never changes here: reservations, shipments and returns are posted through
`inventory.services`, and the rows below name the moves' documents ("sales.shipment", …).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from config.fields import EncryptedJSONField
from core.models import TimeStampedModel, VersionedModel
from inventory.models import MONEY, QTY, Location, Lot, Material, Roll


class Customer(VersionedModel):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    # [{"name", "role", "email", "phone"}]: the buyer, QA contact, accounts, …
    # Personal data: every value is encrypted at rest (FIELD_ENCRYPTION_KEY).
    contacts = EncryptedJSONField(default=list, blank=True)
    address = models.TextField(blank=True)
    # 4-point acceptance: a roll scoring more points per 100 yd² than this is not sold to the customer.
    points_threshold = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("40"))
    # Largest ΔE00 to the approved standard the customer accepts; a measured roll beyond it is not sold.
    shade_tolerance = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.00"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points_threshold__gt=0), name="sales_customer_points_threshold_positive"
            ),
            models.CheckConstraint(condition=Q(shade_tolerance__gt=0), name="sales_customer_shade_tolerance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    ALLOCATED = "allocated"
    PARTIALLY_SHIPPED = "partially_shipped", "partially shipped"
    SHIPPED = "shipped"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_ORDER_STATUSES = (
    OrderStatus.CONFIRMED,
    OrderStatus.ALLOCATED,
    OrderStatus.PARTIALLY_SHIPPED,
)


class SalesOrder(VersionedModel):
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True)
    order_date = models.DateField()
    customer_ref = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"SO#{self.pk}"


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)  # metres
    unit_price = models.DecimalField(**MONEY)  # per metre
    requested_date = models.DateField()

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="sales_line_no_unique"),
            models.CheckConstraint(condition=Q(qty__gt=0), name="sales_line_qty_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_line_price_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"


class OrderStatusLog(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="status_log")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '∅'} → {self.to_status}"


class AllocationStatus(models.TextChoices):
    RESERVED = "reserved"
    SHIPPED = "shipped"
    RELEASED = "released"


class Allocation(TimeStampedModel):
    """One roll (or the part of it) reserved for an order line."""

    line = models.ForeignKey(SalesOrderLine, on_delete=models.PROTECT, related_name="allocations")
    roll = models.ForeignKey(Roll, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    status = models.CharField(max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.RESERVED)

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="sales_allocation_qty_positive"),
            # A roll is held for at most one order line at a time.
            models.UniqueConstraint(
                fields=["roll"], condition=Q(status="reserved"), name="sales_allocation_one_open_per_roll"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roll_id} → line {self.line_id} ({self.qty})"


class Shipment(VersionedModel):
    """Stock out of allocated rolls; posted when created (stock moves name it)."""

    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    order = models.ForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="shipments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="shipments")
    shipped_at = models.DateTimeField(db_index=True)
    carrier = models.CharField(max_length=120, blank=True)
    vehicle = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"SH#{self.pk}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="shipment_line")
    order_line = models.ForeignKey(SalesOrderLine, on_delete=models.PROTECT, related_name="shipment_lines")
    roll = models.ForeignKey(Roll, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    unit_cost = models.DecimalField(max_digits=16, decimal_places=6)

    class Meta:
        ordering = ["shipment", "id"]
        constraints = [models.CheckConstraint(condition=Q(qty__gt=0), name="sales_shipment_line_qty_positive")]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.roll_id} ({self.qty})"


class CustomerReturn(VersionedModel):
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="returns")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="returns")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"RT#{self.pk}"


class CustomerReturnLine(models.Model):
    customer_return = models.ForeignKey(CustomerReturn, on_delete=models.CASCADE, related_name="lines")
    shipment_line = models.ForeignKey(ShipmentLine, on_delete=models.PROTECT, related_name="return_lines")
    roll = models.ForeignKey(Roll, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)

    class Meta:
        ordering = ["customer_return", "id"]
        constraints = [models.CheckConstraint(condition=Q(qty__gt=0), name="sales_return_line_qty_positive")]

    def __str__(self) -> str:
        return f"{self.customer_return_id}: {self.roll_id} ({self.qty})"


class FeedbackKind(models.TextChoices):
    FEEDBACK = "feedback"
    COMPLAINT = "complaint"


class FeedbackCategory(models.TextChoices):
    SHADE = "shade"
    DEFECT = "defect", "fabric defect"
    WIDTH = "width"
    WEIGHT = "weight", "weight / GSM"
    SHRINKAGE = "shrinkage"
    DELIVERY = "delivery"
    QUANTITY = "quantity"
    OTHER = "other"


class FeedbackStatus(models.TextChoices):
    OPEN = "open"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Feedback(VersionedModel):
    """Customer feedback or a complaint, tied to what was shipped so it traces back to supplier lots."""

    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="feedback")
    shipment = models.ForeignKey(Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=FeedbackKind.choices)
    category = models.CharField(max_length=12, choices=FeedbackCategory.choices, default=FeedbackCategory.OTHER)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5, for feedback
    description = models.TextField()
    status = models.CharField(max_length=15, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN)
    resolution = models.TextField(blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="sales_feedback_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=~Q(kind="complaint") | Q(shipment__isnull=False), name="sales_complaint_names_shipment"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"FB#{self.pk}"
