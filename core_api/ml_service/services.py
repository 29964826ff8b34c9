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
