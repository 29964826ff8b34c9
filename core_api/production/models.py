"""BOMs per material and stage, work orders and job work (DESIGN §3.4).

Stock never moves here: work orders and job work call `inventory.services`, and these tables keep
what the documents need on top of the ledger (what was issued, what came out, what it cost).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from core import clock
from core.models import VersionedModel
from inventory.models import MONEY, QTY, UNIT_COST, Location, Lot, Material, Roll

PCT = {"max_digits": 7, "decimal_places": 4}
KG = {"max_digits": 16, "decimal_places": 4}


class Stage(models.TextChoices):
    KNITTING = "knitting"
    WEAVING = "weaving"
    DYEING = "dyeing"
    FINISHING = "finishing"
    CUTTING = "cutting"
    SEWING = "sewing"


class Basis(models.TextChoices):
    UNIT = "unit", "per stock unit of output"
    KG = "kg", "per kg of output"


class BOM(VersionedModel):
    """How one unit of `product` is made at one stage. A dyeing BOM is the shade's dye recipe."""

    code = models.CharField(max_length=40, unique=True)
    product = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="boms")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    # Cost of the stage itself (labour, power, machine) per stock unit of output.
    conversion_cost = models.DecimalField(**UNIT_COST, default=Decimal("0"))
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            # Explosion needs one answer to "how is this material made".
            models.UniqueConstraint(fields=["product"], condition=Q(is_active=True), name="bom_one_active_per_product"),
            models.CheckConstraint(condition=Q(conversion_cost__gte=0), name="bom_conversion_cost_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.code


class BOMComponent(models.Model):
    bom = models.ForeignKey(BOM, on_delete=models.CASCADE, related_name="components")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    # In the component's stock unit, per stock unit (or per kg) of output.
    qty_per_unit = models.DecimalField(max_digits=16, decimal_places=6)
    basis = models.CharField(max_length=4, choices=Basis.choices, default=Basis.UNIT)
    # Share of the component lost in the stage: requirement = qty ÷ (1 − loss).
    loss_pct = models.DecimalField(**PCT, default=Decimal("0"))
    sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bom", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bom", "material"], name="bom_component_unique_material"),
            models.CheckConstraint(condition=Q(qty_per_unit__gt=0), name="bom_component_qty_positive"),
            models.CheckConstraint(condition=Q(loss_pct__gte=0, loss_pct__lt=100), name="bom_component_loss_range"),
        ]

    def __str__(self) -> str:
        return f"{self.bom_id}: {self.material_id} × {self.qty_per_unit}"


class Machine(VersionedModel):
    """One machine on the floor (a circular knitting machine, a loom, a jet dyer, a stenter).

    A work order runs on one machine of its stage, so output quality can be read per machine.
    Planning pools machines into machine groups for capacity.
    """

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class WorkOrderStatus(models.TextChoices):
    DRAFT = "draft"
    RELEASED = "released"
    IN_PROGRESS = "in_progress", "in progress"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class WorkOrder(VersionedModel):
    number = models.CharField(max_length=20, unique=True)
    bom = models.ForeignKey(BOM, on_delete=models.PROTECT, related_name="work_orders")
    product = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="work_orders")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    planned_qty = models.DecimalField(**QTY)
    status = models.CharField(max_length=12, choices=WorkOrderStatus.choices, default=WorkOrderStatus.DRAFT)
    source_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    output_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    # Issuing more than the BOM needs for the planned quantity, by more than this, is refused.
    issue_tolerance_pct = models.DecimalField(**PCT, default=Decimal("5"))
    dye_lot = models.CharField(max_length=80, blank=True)
    # The machine the order runs on (of the order's stage); its output rolls are attributed to it.
    machine = models.ForeignKey(Machine, null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders")
    # Accumulated from issues and outputs; process loss = (input − output) ÷ input, in kg.
    input_kg = models.DecimalField(**KG, default=Decimal("0"))
    output_kg = models.DecimalField(**KG, default=Decimal("0"))
    output_qty = models.DecimalField(**QTY, default=Decimal("0"))
    process_loss_pct = models.DecimalField(**PCT, null=True, blank=True)
    input_value = models.DecimalField(**MONEY, default=Decimal("0"))
    output_value = models.DecimalField(**MONEY, default=Decimal("0"))
    due_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "product"])]
        constraints = [models.CheckConstraint(condition=Q(planned_qty__gt=0), name="work_order_planned_positive")]

    def __str__(self) -> str:
        return self.number


class StatusLog(models.Model):
    """One row per status change of a work order or a job work: who, when, from, to."""

    work_order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="log")
    job_work = models.ForeignKey("JobWork", null=True, blank=True, on_delete=models.CASCADE, related_name="log")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work_order__isnull=False, job_work__isnull=True)
                | Q(work_order__isnull=True, job_work__isnull=False),
                name="status_log_one_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Reservation(models.Model):
    """Stock held for a work order at release; issued or released again later."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="reservations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    open_qty = models.DecimalField(**QTY)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(open_qty__gte=0), name="reservation_open_nonnegative")]

    def __str__(self) -> str:
        return f"{self.lot_id}/{self.roll_id}: {self.open_qty} of {self.qty}"


class Consumption(models.Model):
    """Material issued to a work order or consumed from a job work's issue (one row per lot/roll)."""

    work_order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="inputs")
    job_work = models.ForeignKey("JobWork", null=True, blank=True, on_delete=models.CASCADE, related_name="inputs")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    kg = models.DecimalField(**KG, null=True, blank=True)  # None for what carries no fabric mass (dyes)
    value = models.DecimalField(**MONEY)
    # How much of it an output has absorbed (cost and genealogy); the rest is still work in progress.
    attributed_qty = models.DecimalField(**QTY, default=Decimal("0"))
    attributed_value = models.DecimalField(**MONEY, default=Decimal("0"))
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="consumption_qty_positive"),
            models.CheckConstraint(condition=Q(attributed_qty__lte=models.F("qty")), name="consumption_attributed_le"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}/{self.roll_id}: {self.qty}"

    @property
    def open_qty(self) -> Decimal:
        return self.qty - self.attributed_qty


class Output(models.Model):
    """A lot (and its rolls) produced by a work order or received back from job work."""

    work_order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="outputs")
    job_work = models.ForeignKey("JobWork", null=True, blank=True, on_delete=models.CASCADE, related_name="outputs")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    kg = models.DecimalField(**KG, null=True, blank=True)
    input_qty = models.DecimalField(**QTY, default=Decimal("0"))  # the main input it absorbed, its stock unit
    input_kg = models.DecimalField(**KG, null=True, blank=True)
    material_value = models.DecimalField(**MONEY, default=Decimal("0"))
    conversion_value = models.DecimalField(**MONEY, default=Decimal("0"))
    fee_value = models.DecimalField(**MONEY, default=Decimal("0"))
    value = models.DecimalField(**MONEY)
    process_loss_pct = models.DecimalField(**PCT, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.qty}"


class JobWorkStatus(models.TextChoices):
    DRAFT = "draft"
    ISSUED = "issued"
    RECONCILED = "reconciled"
    CANCELLED = "cancelled"


class JobWork(VersionedModel):
    """Greige sent to a dye house (a subcontractor location: still our stock) and fabric received back."""

    number = models.CharField(max_length=20, unique=True)
    partner_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    output_material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.DYEING)
    fee_per_kg = models.DecimalField(**UNIT_COST, default=Decimal("0"))
    status = models.CharField(max_length=12, choices=JobWorkStatus.choices, default=JobWorkStatus.DRAFT)
    issued_qty = models.DecimalField(**QTY, default=Decimal("0"))
    issued_kg = models.DecimalField(**KG, default=Decimal("0"))
    consumed_qty = models.DecimalField(**QTY, default=Decimal("0"))
    consumed_kg = models.DecimalField(**KG, default=Decimal("0"))
    returned_qty = models.DecimalField(**QTY, default=Decimal("0"))
    returned_kg = models.DecimalField(**KG, default=Decimal("0"))
    received_qty = models.DecimalField(**QTY, default=Decimal("0"))
    received_kg = models.DecimalField(**KG, default=Decimal("0"))
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number


class JobWorkIssue(models.Model):
    """One roll (or lot) sent to the dye house; consumed by receipts or returned."""

    job_work = models.ForeignKey(JobWork, on_delete=models.CASCADE, related_name="issues")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    qty = models.DecimalField(**QTY)
    kg = models.DecimalField(**KG)
    consumed_qty = models.DecimalField(**QTY, default=Decimal("0"))
    returned_qty = models.DecimalField(**QTY, default=Decimal("0"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consumed_qty__gte=0, returned_qty__gte=0)
                & Q(qty__gte=models.F("consumed_qty") + models.F("returned_qty")),
                name="job_work_issue_within_issued",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}/{self.roll_id}: {self.qty}"

    @property
    def open_qty(self) -> Decimal:
        return self.qty - self.consumed_qty - self.returned_qty
