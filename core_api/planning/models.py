"""Material requirements planning: machine groups, per-BOM planning data, and kept runs.

A run's results (planned orders, exceptions, capacity load) are written once, in the transaction
that finishes its job, and never edited afterwards; firming only stamps which real document a
planned order became.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel, VersionedModel
from inventory.models import QTY, Material, Warehouse
from production.models import BOM, Stage

KG_DAY = {"max_digits": 14, "decimal_places": 3}

# Lead time of a stage when its BOM has no planning row (days from start to output).
DEFAULT_STAGE_LEAD_DAYS = {
    Stage.KNITTING: 7,
    Stage.WEAVING: 10,
    Stage.DYEING: 5,
    Stage.FINISHING: 3,
    Stage.CUTTING: 2,
    Stage.SEWING: 5,
}


class MachineGroup(VersionedModel):
    """Knitting machines, looms, dye machines…: what a stage can put through, in kg per day."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    # The stage whose work orders load this group (unless a BOM's planning row names another).
    stage = models.CharField(max_length=12, choices=Stage.choices)
    capacity_kg_per_day = models.DecimalField(**KG_DAY)
    days_per_week = models.PositiveSmallIntegerField(default=6)
    is_active = models.BooleanField(default=True)
    # The machines pooled in the group (of the group's stage; a machine is in at most one group).
    machines = models.ManyToManyField("production.Machine", blank=True, related_name="machine_groups")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity_kg_per_day__gte=0), name="machine_group_capacity_nonneg"),
            models.CheckConstraint(
                condition=Q(days_per_week__gte=1, days_per_week__lte=7), name="machine_group_days_1_7"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def capacity_kg_per_week(self) -> Decimal:
        return self.capacity_kg_per_day * self.days_per_week


class BOMPlanning(VersionedModel):
    """Planning data of one BOM (its stage): lead time and the machine group it loads."""

    bom = models.OneToOneField(BOM, on_delete=models.CASCADE, related_name="planning")
    lead_time_days = models.PositiveIntegerField()
    machine_group = models.ForeignKey(
        MachineGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="boms"
    )

    class Meta:
        ordering = ["bom__code"]

    def __str__(self) -> str:
        return f"{self.bom_id}: {self.lead_time_days} d"


class PlanningRun(TimeStampedModel):
    """One MRP run over `horizon_weeks` weeks from `start_week` (a Monday); results are immutable."""

    job = models.OneToOneField(
        "ml_service.MLJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="planning_run"
    )
    horizon_weeks = models.PositiveSmallIntegerField()
    run_date = models.DateField()  # "today" of the run: earlier starts are past due
    start_week = models.DateField()  # Monday of the run date's week
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lot_sizing = models.CharField(max_length=12, default="auto")
    note = models.CharField(max_length=255, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Totals written with the results: counts and quantities per kind, for comparing runs.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_weeks__gte=1, horizon_weeks__lte=104), name="planning_run_horizon_1_104"
            )
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.horizon_weeks} w from {self.start_week})"


class OrderType(models.TextChoices):
    WORK_ORDER = "work_order", "planned work order"
    PURCHASE_ORDER = "purchase_order", "planned purchase order"


class LotSizing(models.TextChoices):
    LOT_FOR_LOT = "lot_for_lot", "lot for lot"
    FIXED_MULTIPLE = "fixed_multiple", "reorder rule multiple"
    MIN_MAX = "min_max", "up to the reorder rule's max"
    OPTIMISER = "optimiser", "optimiser's order quantity"


class PlannedOrder(models.Model):
    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="planned_orders")
    seq = models.PositiveIntegerField()  # order within the run; pegging names parents by it
    order_type = models.CharField(max_length=16, choices=OrderType.choices)
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    bom = models.ForeignKey(BOM, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    machine_group = models.ForeignKey(MachineGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        "procurement.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    price_list = models.ForeignKey(
        "procurement.PriceList", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    week = models.DateField()  # the bucket (Monday) the order is due in
    start_date = models.DateField()  # release (work order) or order (purchase) date
    due_date = models.DateField()
    net_qty = models.DecimalField(**QTY)  # what netting asked for
    qty = models.DecimalField(**QTY)  # after lot sizing and MOQ
    lot_sizing = models.CharField(max_length=16, choices=LotSizing.choices)
    load_kg = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    # [{"kind": "sales_order_line" | "forecast" | "safety_stock" | "planned_order", …, "qty": "…"}]
    pegging = models.JSONField(default=list)
    past_due = models.BooleanField(default=False)
    # Set once, by firming.
    firmed_at = models.DateTimeField(null=True, blank=True)
    firmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_order = models.ForeignKey(
        "production.WorkOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purchase_order = models.ForeignKey(
        "procurement.PurchaseOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["run", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="planned_order_run_seq_unique"),
            models.CheckConstraint(condition=Q(qty__gt=0), name="planned_order_qty_positive"),
            models.CheckConstraint(
                condition=Q(order_type="work_order", bom__isnull=False)
                | Q(order_type="purchase_order", supplier__isnull=False),
                name="planned_order_source_present",
            ),
        ]
        indexes = [models.Index(fields=["run", "order_type", "material"])]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.seq} {self.order_type} {self.material_id} × {self.qty}"

    @property
    def is_firmed(self) -> bool:
        return self.firmed_at is not None


class ExceptionCode(models.TextChoices):
    NO_BOM = "no_bom", "SKU with no BOM"
    NO_SUPPLIER = "no_supplier", "material with no supplier"
    BOM_CYCLE = "bom_cycle", "BOM cycle"
    PAST_DUE = "past_due", "past-due requirement"
    CAPACITY_OVERLOAD = "capacity_overload", "capacity overload"
    NO_MACHINE_GROUP = "no_machine_group", "stage with no machine group"
    NOT_WEIGHABLE = "not_weighable", "cannot weigh for capacity or per-kg components"


class Severity(models.TextChoices):
    ERROR = "error"
    WARNING = "warning"


class PlanningException(models.Model):
    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="exceptions")
    code = models.CharField(max_length=20, choices=ExceptionCode.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    machine_group = models.ForeignKey(MachineGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    week = models.DateField(null=True, blank=True)
    qty = models.DecimalField(**QTY, null=True, blank=True)
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.code}: {self.message}"


class CapacityLoad(models.Model):
    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="capacity")
    machine_group = models.ForeignKey(MachineGroup, on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    load_kg = models.DecimalField(max_digits=16, decimal_places=4)
    capacity_kg = models.DecimalField(max_digits=16, decimal_places=4)
    overloaded = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "machine_group", "week"]
        constraints = [
            models.UniqueConstraint(fields=["run", "machine_group", "week"], name="capacity_load_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.machine_group_id} {self.week}: {self.load_kg}/{self.capacity_kg}"

    @property
    def utilisation_pct(self) -> Decimal | None:
        if self.capacity_kg <= 0:
            return None
        return self.load_kg / self.capacity_kg * 100
