"""Inspections, non-conformances, 4-point roll inspection and shade (DESIGN §3.5).

A lot's QC status lives on the inventory lot and changes only through `inventory.services`; what
lives here is the evidence: which template, which readings, who decided what.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from core import clock
from core.models import TimeStampedModel, VersionedModel
from inventory.models import Location, Lot, Roll

READING = {"max_digits": 14, "decimal_places": 4}
LAB = {"max_digits": 7, "decimal_places": 3}


class InspectionStage(models.TextChoices):
    RECEIPT = "receipt"
    IN_PROCESS = "in_process", "in process"
    FINAL = "final"


class ParameterKind(models.TextChoices):
    NUMERIC = "numeric"
    PASS_FAIL = "pass_fail", "pass/fail"
    TEXT = "text"


class InspectionTemplate(VersionedModel):
    name = models.CharField(max_length=120, unique=True)
    stage = models.CharField(max_length=12, choices=InspectionStage.choices)
    # Optional: which kind of material the template is for (yarn, greige, …).
    material_kind = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InspectionParameter(models.Model):
    template = models.ForeignKey(InspectionTemplate, on_delete=models.CASCADE, related_name="parameters")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=ParameterKind.choices)
    unit = models.CharField(max_length=20, blank=True)
    min_value = models.DecimalField(**READING, null=True, blank=True)
    max_value = models.DecimalField(**READING, null=True, blank=True)
    required = models.BooleanField(default=True)
    sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="parameter_unique_name"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="parameter_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id}: {self.name}"


class RejectionReason(TimeStampedModel):
    code = models.CharField(max_length=30, unique=True)
    description = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Decision(models.TextChoices):
    RELEASE = "release"
    HOLD = "hold"
    REJECT = "reject"


class Inspection(VersionedModel):
    number = models.CharField(max_length=20, unique=True)
    # When the lot was inspected: the posting time (core.clock), so history keeps its dates.
    created_at = models.DateTimeField(default=clock.now, editable=False)
    template = models.ForeignKey(InspectionTemplate, on_delete=models.PROTECT, related_name="inspections")
    stage = models.CharField(max_length=12, choices=InspectionStage.choices)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="inspections")
    # Sampled inspection: how much of the lot was looked at (None: the whole lot).
    sample_size = models.DecimalField(**READING, null=True, blank=True)
    lot_qty = models.DecimalField(**READING, null=True, blank=True)
    passed = models.BooleanField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    qc_status_before = models.CharField(max_length=12)
    qc_status_after = models.CharField(max_length=12)
    release_to = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rejection_reasons = models.ManyToManyField(RejectionReason, blank=True, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_sampled(self) -> bool:
        return self.sample_size is not None


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    parameter = models.ForeignKey(InspectionParameter, on_delete=models.PROTECT, related_name="+")
    value_numeric = models.DecimalField(**READING, null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    value_text = models.TextField(blank=True)
    passed = models.BooleanField()

    class Meta:
        ordering = ["inspection", "parameter__sequence", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "parameter"], name="result_one_per_parameter")]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.parameter_id}: {'pass' if self.passed else 'fail'}"


class NonConformanceStatus(models.TextChoices):
    OPEN = "open"
    IN_PROGRESS = "in_progress", "in progress"
    CLOSED = "closed"


class NonConformance(VersionedModel):
    number = models.CharField(max_length=20, unique=True)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="non_conformances")
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="non_conformances"
    )
    reason = models.ForeignKey(RejectionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    root_cause = models.TextField(blank=True)
    action = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=NonConformanceStatus.choices, default=NonConformanceStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number


class PointsThreshold(TimeStampedModel):
    """Acceptance limit in points per 100 yd², by name ("standard" 40, a strict buyer's 28 or 20)."""

    name = models.CharField(max_length=60, unique=True)
    max_points_per_100yd2 = models.DecimalField(max_digits=8, decimal_places=2)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(max_points_per_100yd2__gt=0), name="threshold_positive")]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points_per_100yd2})"


class RollInspection(VersionedModel):
    """The final 4-point inspection of one roll (ASTM D5430); one per roll."""

    # When the roll was inspected: the posting time (core.clock), so history keeps its dates.
    created_at = models.DateTimeField(default=clock.now, editable=False)

    number = models.CharField(max_length=20, unique=True)
    roll = models.OneToOneField(Roll, on_delete=models.PROTECT, related_name="inspection")
    inspected_yards = models.DecimalField(max_digits=10, decimal_places=2)
    cuttable_width_in = models.DecimalField(max_digits=8, decimal_places=2)
    threshold_name = models.CharField(max_length=60)
    threshold = models.DecimalField(max_digits=8, decimal_places=2)
    total_points = models.PositiveIntegerField()
    points_per_100yd2 = models.DecimalField(max_digits=8, decimal_places=2)
    grade = models.CharField(max_length=10)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(inspected_yards__gt=0), name="roll_inspection_yards_positive"),
            models.CheckConstraint(condition=Q(cuttable_width_in__gt=0), name="roll_inspection_width_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class DefectType(models.TextChoices):
    SLUB = "slub"
    THICK_PLACE = "thick_place", "thick place"
    THIN_PLACE = "thin_place", "thin place"
    BROKEN_END = "broken_end", "broken end"
    MISSING_PICK = "missing_pick", "missing pick"
    NEEDLE_LINE = "needle_line", "needle line"
    DROP_STITCH = "drop_stitch", "drop stitch"
    BARRE = "barre"
    STAIN = "stain"
    SHADE_VARIATION = "shade_variation", "shade variation"
    CREASE = "crease"
    HOLE = "hole"
    OTHER = "other"


class RollDefect(models.Model):
    inspection = models.ForeignKey(RollInspection, on_delete=models.CASCADE, related_name="defects")
    defect_type = models.CharField(max_length=20, choices=DefectType.choices)
    # Linear defects carry their length; holes their size (both in inches).
    length_in = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    hole_size_in = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    position_yd = models.DecimalField(max_digits=10, decimal_places=2)
    points = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["inspection", "position_yd", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_in__isnull=False, hole_size_in__isnull=True)
                | Q(length_in__isnull=True, hole_size_in__isnull=False),
                name="defect_length_or_hole",
            )
        ]

    def __str__(self) -> str:
        return f"{self.defect_type} @ {self.position_yd} yd ({self.points})"


class RollInspectionImage(models.Model):
    """A defect photo or scan tile; kept as a file under MEDIA_ROOT to train the defect CNN."""

    inspection = models.ForeignKey(RollInspection, on_delete=models.CASCADE, related_name="images")
    defect = models.ForeignKey(RollDefect, null=True, blank=True, on_delete=models.SET_NULL, related_name="images")
    image = models.FileField(upload_to="roll-inspections/%Y/%m/")
    caption = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class ShadeStandard(VersionedModel):
    """The approved lab dip of a shade, optionally for one customer, and its ΔE tolerance."""

    shade_code = models.CharField(max_length=40, db_index=True)
    customer_code = models.CharField(max_length=40, blank=True)
    lab_dip_ref = models.CharField(max_length=60, blank=True)
    lab_l = models.DecimalField(**LAB)
    lab_a = models.DecimalField(**LAB)
    lab_b = models.DecimalField(**LAB)
    # Band A: ΔE00 ≤ tolerance; band B: ≤ 2 × tolerance; beyond that the roll is out of shade.
    tolerance = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("1.000"))
    approved_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["shade_code", "customer_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["shade_code", "customer_code"], condition=Q(is_active=True), name="shade_standard_one_active"
            ),
            models.CheckConstraint(condition=Q(tolerance__gt=0), name="shade_tolerance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shade_code}/{self.customer_code or '*'}"


class ShadeReading(models.Model):
    roll = models.ForeignKey(Roll, on_delete=models.PROTECT, related_name="shade_readings")
    standard = models.ForeignKey(ShadeStandard, on_delete=models.PROTECT, related_name="readings")
    lab_l = models.DecimalField(**LAB)
    lab_a = models.DecimalField(**LAB)
    lab_b = models.DecimalField(**LAB)
    delta_e = models.DecimalField(max_digits=7, decimal_places=3)
    band = models.CharField(max_length=10)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.roll_id}: ΔE {self.delta_e} ({self.band})"
