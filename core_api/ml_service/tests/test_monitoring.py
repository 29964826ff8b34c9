"""Live accuracy counts only forecasts made before their week; overrides are scored on the same pairs."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ml_service.models import Forecast, ForecastOverride, MLJob, ModelVersion
from ml_service.selectors import forecast_monitoring

from .conftest import START, WEEKS, weekly_qty


def _aware(day, hours=0):
    return timezone.make_aware(datetime.combine(day, time.min)) + timedelta(hours=hours)


def test_weekly_accuracy_of_model_and_overrides(demand, planner_forecasts):
    week_no = 75
    week = START + timedelta(weeks=week_no)
    a0, a1 = float(weekly_qty(0, week_no)), float(weekly_qty(1, week_no))
    report = forecast_monitoring(weeks=4, today=START + timedelta(weeks=WEEKS - 1))
    [row] = [r for r in report["accuracy"] if r["week"] == week]
    # Model: +10 on article 0 and −20 on article 1 → WAPE = 30 / (a0 + a1); the late forecast is ignored.
    assert row["pairs"] == 2 and abs(row["model_wape"] - 30 / (a0 + a1)) < 1e-6
    # The planner overrode article 0 with actual + 5: 5 / a0 against the model's 10 / a0 on that pair.
    assert row["override_pairs"] == 1
    assert abs(row["override_wape"] - 5 / a0) < 1e-6 and abs(row["model_wape_on_overrides"] - 10 / a0) < 1e-6
    others = [r for r in report["accuracy"] if r["week"] != week]
    assert all(r["pairs"] == 0 and r["model_wape"] is None for r in others)


def test_monitoring_endpoint_and_its_bounds(demand, client_as):
    viewer = client_as("viewer")
    body = viewer.get("/api/v1/ml/monitoring/", {"weeks": 6}).json()
    assert len(body["accuracy"]) == 6 and body["champion"] is None
    assert viewer.get("/api/v1/ml/monitoring/", {"weeks": 0}).status_code == 400


@pytest.fixture
def planner_forecasts(demand):
    week_no = 75
    week = START + timedelta(weeks=week_no)
    version = ModelVersion.objects.create(
        name="demand_forecast", version=1, algorithm="snaive", data_fingerprint="x", artifact_path="/nowhere"
    )
    early = MLJob.objects.create(kind="forecast", status="succeeded")
    late = MLJob.objects.create(kind="forecast", status="succeeded")
    values = {demand[0]: weekly_qty(0, week_no) + 10, demand[1]: weekly_qty(1, week_no) - 20}
    for material, yhat in values.items():
        Forecast.objects.create(
            job=early,
            model_version=version,
            material=material,
            week=week,
            yhat=yhat,
            lo80=yhat,
            hi80=yhat,
            lo95=yhat,
            hi95=yhat,
        )
    wrong = Decimal("9999")
    Forecast.objects.create(
        job=late,
        model_version=version,
        material=demand[1],
        week=week,
        yhat=wrong,
        lo80=wrong,
        hi80=wrong,
        lo95=wrong,
        hi95=wrong,
    )
    Forecast.objects.filter(job=early).update(created_at=_aware(week - timedelta(days=3)))
    Forecast.objects.filter(job=late).update(created_at=_aware(week, hours=5))
    ForecastOverride.objects.create(material=demand[0], week=week, qty=weekly_qty(0, week_no) + 5, reason="fair")
