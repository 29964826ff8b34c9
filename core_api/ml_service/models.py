"""ML jobs, the model registry and the results the API serves (DESIGN §5).

`MLJob` is the source of truth for every piece of ML work; Celery only carries its id. Results are
written in the same transaction that marks the job succeeded, so a job has all its rows or none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel


class JobKind(models.TextChoices):
    TRAIN = "train"
    FORECAST = "forecast"
    BATCH_FORECAST = "batch_forecast"
    WHAT_IF = "what_if"
    SCORE_SUPPLIERS = "score_suppliers"
    DETECT_DEFECTS = "detect_defects"
    PLANNING = "planning"


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class MLJob(TimeStampedModel):
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    # The claim of the attempt now running: only that attempt may finish the job.
    claim = models.UUIDField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="mljob_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} {self.status}"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


class ModelVersion(models.Model):
    """One immutable trained model: what it is, what it scored, what data made it, where it lives."""

    name = models.CharField(max_length=60)  # demand_forecast, defect_cnn, supplier_svm, …
    version = models.PositiveIntegerField()
    algorithm = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict)
    data_fingerprint = models.CharField(max_length=64)
    artifact_path = models.CharField(max_length=500)
    job = models.ForeignKey(MLJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="model_versions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="model_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("model versions are immutable; register a new version")
        super().save(*args, **kwargs)


class ModelAlias(models.Model):
    """A movable name (`champion`) pointing at one version of a model: promote and roll back move it."""

    name = models.CharField(max_length=60)
    alias = models.CharField(max_length=30, default="champion")
    version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="aliases")
    previous = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "alias"], name="model_alias_unique")]

    def __str__(self) -> str:
        return f"{self.name}@{self.alias} → v{self.version.version}"


class Forecast(models.Model):
    """Weekly demand forecast of one finished material by one model version, with intervals."""

    job = models.ForeignKey(MLJob, on_delete=models.CASCADE, related_name="forecasts")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="forecasts")
    material = models.ForeignKey("inventory.Material", on_delete=models.PROTECT, related_name="forecasts")
    week = models.DateField()  # Monday of the ISO week
    yhat = models.DecimalField(max_digits=14, decimal_places=3)
    lo80 = models.DecimalField(max_digits=14, decimal_places=3)
    hi80 = models.DecimalField(max_digits=14, decimal_places=3)
    lo95 = models.DecimalField(max_digits=14, decimal_places=3)
    hi95 = models.DecimalField(max_digits=14, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["material", "week"]
        constraints = [models.UniqueConstraint(fields=["job", "material", "week"], name="forecast_job_material_week")]
        indexes = [models.Index(fields=["material", "week", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.material_id} {self.week}: {self.yhat}"


class ForecastOverride(TimeStampedModel):
    """A planner's figure for one material and week, with the reason; planning uses it over the model's."""

    material = models.ForeignKey("inventory.Material", on_delete=models.PROTECT, related_name="forecast_overrides")
    week = models.DateField()
    qty = models.DecimalField(max_digits=14, decimal_places=3)
    reason = models.CharField(max_length=500)
    model_yhat = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["material", "week", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "week"], condition=Q(is_active=True), name="one_active_override_per_week"
            ),
            models.CheckConstraint(condition=Q(qty__gte=0), name="override_qty_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"override {self.material_id} {self.week}: {self.qty}"


class Recommendation(TimeStampedModel):
    """An optimised stock policy for one material (what-if answer), with the simulator's figures."""

    job = models.ForeignKey(MLJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendations")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    material = models.ForeignKey("inventory.Material", on_delete=models.PROTECT, related_name="recommendations")
    inputs = models.JSONField(default=dict)
    reorder_point = models.DecimalField(max_digits=14, decimal_places=3)
    order_up_to = models.DecimalField(max_digits=14, decimal_places=3)
    order_qty = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    expected_cost = models.DecimalField(max_digits=16, decimal_places=4)
    fill_rate = models.DecimalField(max_digits=7, decimal_places=5)
    accepted = models.BooleanField(default=False)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.material_id}: r={self.reorder_point} S={self.order_up_to}"


class SupplierScore(models.Model):
    """The ML view of a supplier for one month: P(reliable next month) × 100, and why."""

    job = models.ForeignKey(MLJob, on_delete=models.CASCADE, related_name="supplier_scores")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("procurement.Supplier", on_delete=models.PROTECT, related_name="ml_service_scores")
    period = models.DateField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    reliability = models.DecimalField(max_digits=6, decimal_places=5)
    features = models.JSONField(default=dict)
    contributions = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supplier", "-period"]
        constraints = [models.UniqueConstraint(fields=["job", "supplier", "period"], name="supplier_score_unique")]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period}: {self.score}"


class DefectLabel(models.TextChoices):
    DEFECT = "defect"
    OK = "ok", "no defect"


class DefectScan(TimeStampedModel):
    """A fabric scan sent for the CNN's verdict; the inspector's confirm/overrule becomes a training label."""

    image = models.FileField(upload_to="defect_scans/%Y/%m/")
    roll = models.ForeignKey("inventory.Roll", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey(MLJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    probability = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)
    threshold = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)
    verdict = models.CharField(max_length=10, choices=DefectLabel.choices, blank=True)
    defect_map = models.JSONField(null=True, blank=True)  # rows × cols of tile probabilities
    inspector_label = models.CharField(max_length=10, choices=DefectLabel.choices, blank=True)
    inspector_note = models.CharField(max_length=500, blank=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    labelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"scan {self.pk}: {self.verdict or 'pending'}"
