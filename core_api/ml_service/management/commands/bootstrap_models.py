"""Queue the first training of every model that has no version yet (run by `make run` after seeding)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.errors import ApplicationError
from ml_service.jobs import job_submit
from ml_service.models import JobStatus, MLJob, ModelVersion

FIRST_MODELS = [
    ("train", {"model": "inventory_surrogate"}),
    ("train", {"model": "demand_forecast"}),
    ("score_suppliers", {}),
    ("train", {"model": "defect_cnn"}),
]


class Command(BaseCommand):
    help = "Queue training jobs for models that have never been trained; the worker runs them in the background."

    def handle(self, *args, **options):
        open_jobs = MLJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        for kind, params in FIRST_MODELS:
            name = params.get("model", "supplier_svm")
            pending = open_jobs.filter(kind=kind, **({"params__model": name} if kind == "train" else {}))
            if ModelVersion.objects.filter(name=name).exists() or pending.exists():
                continue
            try:
                with transaction.atomic():
                    job = job_submit(kind=kind, params=params)
            except ApplicationError as exc:
                self.stdout.write(f"  {name}: not queued ({exc.message})")
                continue
            self.stdout.write(f"  {name}: training queued as job {job.pk} (progress at /api/v1/ml/jobs/{job.pk}/)")
