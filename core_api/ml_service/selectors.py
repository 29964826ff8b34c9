"""Reads of the ML service: how the champion forecast is doing in the real world."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
from django.utils import timezone

from .models import Forecast, ForecastOverride
from .registry import champion


def _wape(actual: pd.Series, predicted: pd.Series) -> float | None:
    total = float(actual.abs().sum())
    return None if total == 0 else round(float((actual - predicted).abs().sum()) / total, 6)


def forecast_monitoring(*, weeks: int = 12, today: date | None = None) -> dict:
    """Per past week: live accuracy of the forecasts made BEFORE that week began (the model's, and the
    planners' overrides on the same article-weeks), and input drift of total demand against the
    52 weeks before the champion was trained (z-score; |z| > 3 is flagged)."""
    from .features import weekly_demand

    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks)
    demand = weekly_demand(until=this_monday)
    demand["week"] = demand["ds"].dt.date
    actual = demand.set_index(["unique_id", "week"])["y"]

    rows = []
    forecasts = Forecast.objects.filter(week__gte=first, week__lt=this_monday).values(
        "material_id", "week", "yhat", "created_at", "job_id"
    )
    made = pd.DataFrame.from_records(list(forecasts), columns=["material_id", "week", "yhat", "created_at", "job_id"])
    if not made.empty:
        starts = made["week"].map(lambda w: timezone.make_aware(datetime.combine(w, time.min)))
        made = made[made["created_at"] < starts]
        # The newest forecast that was available before the week began.
        made = made.sort_values("job_id").groupby(["material_id", "week"]).tail(1)
        made["unique_id"] = made["material_id"].astype(str)
    overrides = pd.DataFrame.from_records(
        list(
            ForecastOverride.objects.filter(week__gte=first, week__lt=this_monday, is_active=True).values(
                "material_id", "week", "qty"
            )
        ),
        columns=["material_id", "week", "qty"],
    )
    for offset in range(weeks):
        week = first + timedelta(weeks=offset)
        entry = {
            "week": week,
            "model_wape": None,
            "pairs": 0,
            "override_wape": None,
            "model_wape_on_overrides": None,
            "override_pairs": 0,
        }
        if not made.empty:
            these = made[made["week"] == week]
            these = these[[(u, week) in actual.index for u in these["unique_id"]]]
            if len(these):
                truth = pd.Series([actual[(u, week)] for u in these["unique_id"]], dtype=float)
                entry["model_wape"] = _wape(truth, these["yhat"].astype(float).reset_index(drop=True))
                entry["pairs"] = len(these)
                if not overrides.empty:
                    mine = overrides[overrides["week"] == week].merge(these, on=["material_id", "week"])
                    if len(mine):
                        truth = pd.Series([actual[(str(m), week)] for m in mine["material_id"]], dtype=float)
                        entry["override_wape"] = _wape(truth, mine["qty"].astype(float))
                        entry["model_wape_on_overrides"] = _wape(truth, mine["yhat"].astype(float))
                        entry["override_pairs"] = len(mine)
        rows.append(entry)

    drift = []
    version = champion("demand_forecast")
    if version is not None and not demand.empty:
        totals = demand.groupby("week")["y"].sum()
        trained = version.created_at.date()
        reference = totals[(totals.index < trained) & (totals.index >= trained - timedelta(weeks=52))]
        mean, std = (
            float(reference.mean()) if len(reference) else np.nan,
            float(reference.std(ddof=1)) if len(reference) > 1 else np.nan,
        )
        for offset in range(weeks):
            week = first + timedelta(weeks=offset)
            if week in totals.index and std and std == std:
                z = (float(totals[week]) - mean) / std
                drift.append(
                    {
                        "week": week,
                        "total_demand": round(float(totals[week]), 3),
                        "z": round(z, 3),
                        "drifted": abs(z) > 3,
                    }
                )
    return {
        "champion": None
        if version is None
        else {
            "id": version.pk,
            "version": version.version,
            "algorithm": version.algorithm,
            "backtest": version.metrics,
        },
        "accuracy": rows,
        "drift": drift,
    }
