"""Writes of the ML service that are not jobs: planner overrides, accepting recommendations."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import BusinessRuleViolation, InvalidInput

from .models import Forecast, ForecastOverride, Recommendation


def latest_forecast_jobs() -> list[int]:
    """The newest forecast job per material (what planners and planning read by default)."""
    newest = Forecast.objects.values("material_id").annotate(job=Max("job_id"))
    return sorted({row["job"] for row in newest})


def forecast_for(material_id: int, week) -> Forecast | None:
    return Forecast.objects.filter(material_id=material_id, week=week).order_by("-job_id").first()


@transaction.atomic
def forecast_override_create(*, material, week, qty, reason: str, user=None) -> ForecastOverride:
    """A planner's figure replaces the model's for one week; earlier overrides of that week stay as history."""
    if week.weekday() != 0:
        raise InvalidInput("Forecast weeks start on Monday.", fields={"week": ["must be a Monday"]})
    if not reason or len(reason.strip()) < 3:
        raise InvalidInput("Say why you override the forecast.", fields={"reason": ["required"]})
    model = forecast_for(material.pk, week)
    ForecastOverride.objects.filter(material=material, week=week, is_active=True).update(is_active=False)
    actor = user if getattr(user, "is_authenticated", False) else None
    return ForecastOverride.objects.create(
        material=material,
        week=week,
        qty=qty,
        reason=reason.strip(),
        model_yhat=model.yhat if model else None,
        created_by=actor,
        updated_by=actor,
    )


@transaction.atomic
def recommendation_accept(*, recommendation: Recommendation, user=None) -> Recommendation:
    """Accept an optimised policy: it becomes the material's reorder rule (min = r, max = S)."""
    from inventory import services as inventory_services

    if recommendation.accepted:
        raise BusinessRuleViolation(
            "This recommendation is already accepted.", code="already_accepted", fields={"accepted": ["already"]}
        )
    warehouse_id = (recommendation.inputs or {}).get("warehouse")
    inventory_services.reorder_rule_apply(
        material=recommendation.material,
        warehouse_id=warehouse_id,
        min_qty=recommendation.reorder_point,
        max_qty=recommendation.order_up_to,
        user=user,
        note=f"accepted ML recommendation {recommendation.pk}",
    )
    recommendation.accepted = True
    recommendation.accepted_at = timezone.now()
    recommendation.save(update_fields=["accepted", "accepted_at", "updated_at"])
    return recommendation


@transaction.atomic
def defect_scan_create(*, image, roll_id: int | None = None, user=None):
    """Store an uploaded scan and queue the CNN's verdict on it."""
    from inventory.models import Roll

    from .jobs import job_submit
    from .models import DefectScan

    if roll_id is not None and not Roll.objects.filter(pk=roll_id).exists():
        raise InvalidInput(f"No roll {roll_id}.", fields={"roll": ["no such roll"]})
    actor = user if getattr(user, "is_authenticated", False) else None
    scan = DefectScan.objects.create(image=image, roll_id=roll_id, created_by=actor, updated_by=actor)
    job = job_submit(kind="detect_defects", params={"scan": scan.pk}, user=user)
    DefectScan.objects.filter(pk=scan.pk).update(job=job)
    scan.refresh_from_db()
    return scan


@transaction.atomic
def defect_scan_label(*, scan, label: str, note: str = "", user=None):
    """An inspector confirms or overrules the CNN; the answer trains the next model."""
    if not scan.verdict:
        raise BusinessRuleViolation(
            "The CNN has not given its verdict on this scan yet.",
            code="no_verdict",
            fields={"label": ["wait for the verdict"]},
        )
    scan.inspector_label, scan.inspector_note = label, note
    scan.labelled_by = user if getattr(user, "is_authenticated", False) else None
    scan.labelled_at = timezone.now()
    scan.save(update_fields=["inspector_label", "inspector_note", "labelled_by", "labelled_at", "updated_at"])
    return scan
