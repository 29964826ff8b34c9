"""The ML API as planners meet it: jobs in, results out, registry moves, bad input refused."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ml_service.models import Forecast, ForecastOverride, MLJob, ModelVersion

JOBS = "/api/v1/ml/jobs/"


def submit(client, kind, params, capture):
    with capture(execute=True):
        response = client.post(JOBS, {"kind": kind, "params": params}, format="json")
    return response


@pytest.fixture
def planner(client_as):
    return client_as("planner")


def train(planner, capture, algorithm="snaive", seed=7):
    response = submit(
        planner,
        "train",
        {"model": "demand_forecast", "algorithm": algorithm, "seed": seed, "season": 52, "horizon": 8},
        capture,
    )
    assert response.status_code == 202, response.content
    job = planner.get(f"{JOBS}{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job["error"]
    return job


def test_training_registers_a_version_and_same_data_same_seed_same_metrics(
    demand, planner, django_capture_on_commit_callbacks
):
    first = train(planner, django_capture_on_commit_callbacks, "theta")
    second = train(planner, django_capture_on_commit_callbacks, "theta")
    assert first["result"]["version"] == 1 and second["result"]["version"] == 2
    assert first["result"]["metrics"] == second["result"]["metrics"]
    assert first["result"]["metrics"]["series"] == 2 and first["result"]["metrics"]["smape"] < 15
    versions = planner.get("/api/v1/ml/models/", {"name": "demand_forecast"}).json()["results"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["is_champion"]  # the first version became champion; later ones wait for promotion
    assert versions[0]["data_fingerprint"] == versions[1]["data_fingerprint"]


def test_forecast_uses_champion_and_rollback_switches_the_next_request(
    demand, planner, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    v1 = train(planner, capture, "snaive")["result"]["model_version"]
    v2 = train(planner, capture, "theta")["result"]["model_version"]
    assert planner.post(f"/api/v1/ml/models/{v2}/promote/").status_code == 200
    ids = [m.pk for m in demand]

    def forecast_version():
        response = submit(planner, "forecast", {"materials": ids, "horizon": 6}, capture)
        job = planner.get(f"{JOBS}{response.json()['id']}/").json()
        assert job["status"] == "succeeded", job["error"]
        return job["result"]["model_version"]

    assert forecast_version() == v2
    rolled = planner.post(f"/api/v1/ml/models/{v2}/rollback/")
    assert rolled.status_code == 200 and rolled.json()["id"] == v1
    assert forecast_version() == v1
    rows = planner.get("/api/v1/ml/forecasts/", {"latest": "true", "material": ids[0]}).json()["results"]
    assert len(rows) == 6 and all(r["model_version"] == v1 for r in rows)
    assert all(Decimal(r["lo80"]) <= Decimal(r["yhat"]) <= Decimal(r["hi80"]) for r in rows)


def test_batch_forecast_splits_into_chunks_and_finishes(demand, planner, django_capture_on_commit_callbacks):
    train(planner, django_capture_on_commit_callbacks, "snaive")
    response = submit(planner, "batch_forecast", {"horizon": 4, "chunk_size": 1}, django_capture_on_commit_callbacks)
    parent = MLJob.objects.get(pk=response.json()["id"])
    assert parent.status == "succeeded" and parent.children.count() == 2
    assert Forecast.objects.filter(job__parent=parent).count() == 8


@pytest.mark.parametrize(
    ("kind", "params", "status", "field"),
    [
        ("teleport", {}, 400, "kind"),
        ("forecast", {"materials": [999999], "horizon": 4}, 404, "params.materials"),
        ("forecast", {"materials": "all", "horizon": 4}, 400, "params.materials"),
        ("train", {"model": "demand_forecast", "horizon": -3}, 400, "params.horizon"),
        ("train", {"model": "crystal_ball"}, 400, "params.model"),
        (
            "what_if",
            {"material": "MAT", "service_level": 1.2, "lead_time_mean": 2, "ordering_cost": 1, "holding_cost": 1},
            400,
            "params.material",
        ),
        ("forecast", {"materials": [1], "horizon": 4, "model_version": 424242}, 404, "params.model_version"),
    ],
)
def test_bad_jobs_are_refused_and_nothing_is_queued(
    demand, planner, kind, params, status, field, django_capture_on_commit_callbacks
):
    if kind == "forecast" and params["materials"] == [1]:
        params = {**params, "materials": [demand[0].pk]}
    before = MLJob.objects.count()
    response = submit(planner, kind, params, django_capture_on_commit_callbacks)
    assert response.status_code == status, response.content
    assert field in response.json()["error"]["fields"]
    assert MLJob.objects.count() == before


def test_service_level_outside_zero_one_is_refused(demand, planner, django_capture_on_commit_callbacks):
    params = {
        "material": demand[0].pk,
        "service_level": 1.0,
        "lead_time_mean": 2,
        "ordering_cost": 50,
        "holding_cost": 0.2,
    }
    response = submit(planner, "what_if", params, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "params.service_level" in response.json()["error"]["fields"]


def test_what_if_recommends_from_the_articles_own_demand(demand, planner, django_capture_on_commit_callbacks):
    params = {
        "material": demand[0].pk,
        "service_level": 0.95,
        "lead_time_mean": 2,
        "lead_time_std": 0.5,
        "ordering_cost": 50,
        "holding_cost": 0.2,
    }
    response = submit(planner, "what_if", params, django_capture_on_commit_callbacks)
    job = planner.get(f"{JOBS}{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job["error"]
    result = job["result"]
    assert 90 < result["inputs"]["demand_mean"] < 110
    assert result["order_up_to"] > result["reorder_point"] > result["inputs"]["demand_mean"] * 2
    assert 0.9 < result["fill_rate"] <= 1
    recommendation = planner.get("/api/v1/ml/recommendations/", {"material": demand[0].pk}).json()["results"][0]
    assert Decimal(recommendation["reorder_point"]) == Decimal(str(round(result["reorder_point"], 3)))


def test_only_allowed_roles_start_each_kind(demand, client_as, django_capture_on_commit_callbacks):
    quality = client_as("quality")
    response = submit(quality, "train", {"model": "demand_forecast"}, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert client_as("storekeeper").post(JOBS, {"kind": "train", "params": {}}, format="json").status_code == 403


def test_planner_override_is_kept_beside_the_model(demand, planner, django_capture_on_commit_callbacks):
    train(planner, django_capture_on_commit_callbacks, "snaive")
    submit(planner, "forecast", {"materials": [demand[0].pk], "horizon": 2}, django_capture_on_commit_callbacks)
    week = Forecast.objects.filter(material=demand[0]).order_by("week").first().week
    body = {"material": demand[0].pk, "week": week.isoformat(), "qty": "500", "reason": "trade fair order"}
    created = planner.post("/api/v1/ml/forecast-overrides/", body, format="json")
    assert created.status_code == 201, created.content
    assert Decimal(created.json()["model_yhat"]) == Forecast.objects.get(material=demand[0], week=week).yhat
    again = planner.post("/api/v1/ml/forecast-overrides/", {**body, "qty": "450"}, format="json")
    assert again.status_code == 201
    active = ForecastOverride.objects.filter(material=demand[0], week=week, is_active=True)
    assert [o.qty for o in active] == [Decimal("450")]
    assert ForecastOverride.objects.filter(material=demand[0], week=week).count() == 2
    bad = planner.post(
        "/api/v1/ml/forecast-overrides/", {**body, "week": (week + timedelta(days=1)).isoformat()}, format="json"
    )
    assert bad.status_code == 400 and "week" in bad.json()["error"]["fields"]
    assert ModelVersion.objects.count() == 1


def test_accepting_a_recommendation_sets_the_reorder_rule(demand, planner, django_capture_on_commit_callbacks):
    from inventory.models import ReorderRule, Warehouse

    warehouse = Warehouse.objects.create(code="MAIN", name="Main")
    params = {
        "material": demand[1].pk,
        "warehouse": warehouse.pk,
        "service_level": 0.9,
        "lead_time_mean": 1,
        "ordering_cost": 20,
        "holding_cost": 0.5,
        "demand_mean": 50,
        "demand_std": 10,
    }
    submit(planner, "what_if", params, django_capture_on_commit_callbacks)
    recommendation = planner.get("/api/v1/ml/recommendations/", {"material": demand[1].pk}).json()["results"][0]
    accepted = planner.post(f"/api/v1/ml/recommendations/{recommendation['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["accepted"]
    rule = ReorderRule.objects.get(material=demand[1], warehouse=warehouse)
    assert rule.min_qty == Decimal(recommendation["reorder_point"])
    assert rule.max_qty == Decimal(recommendation["order_up_to"])
    assert planner.post(f"/api/v1/ml/recommendations/{recommendation['id']}/accept/").status_code == 422


def test_instant_what_if_answers_and_moves_with_service_level(demand, planner):
    params = {
        "material": demand[0].pk,
        "lead_time_mean": 2,
        "lead_time_std": 0.5,
        "ordering_cost": 50,
        "holding_cost": 0.2,
    }
    low = planner.post("/api/v1/ml/what-if/", {"params": {**params, "service_level": 0.8}}, format="json")
    high = planner.post(
        "/api/v1/ml/what-if/", {"params": {**params, "service_level": 0.99}, "curve": True}, format="json"
    )
    assert low.status_code == 200 and high.status_code == 200, high.content
    assert high.json()["reorder_point"] > low.json()["reorder_point"]
    curve = high.json()["curve"]
    assert len(curve) >= 4 and curve[-1]["fill_rate"] >= curve[0]["fill_rate"]
    refused = planner.post("/api/v1/ml/what-if/", {"params": {**params, "service_level": 0}}, format="json")
    assert refused.status_code == 400 and "params.service_level" in refused.json()["error"]["fields"]


def test_articles_shorter_than_a_season_still_get_a_forecast(demand, planner, django_capture_on_commit_callbacks):
    """A seasonal naive needs 52 weeks; an article launched 20 weeks ago is forecast naively, not dropped."""
    from datetime import timedelta

    from inventory.models import Material
    from sales import services as sales
    from sales.tests.factories import CustomerFactory

    from .conftest import START, WEEKS

    new = Material.objects.create(code="FIN-NEW", name="New jersey", kind="finished", gsm=180, width_cm=160)
    customer = CustomerFactory()
    for week in range(WEEKS - 20, WEEKS):
        order = sales.sales_order_create(
            customer=customer,
            order_date=START + timedelta(weeks=week),
            lines=[
                {
                    "material": new,
                    "qty": Decimal("30"),
                    "unit_price": Decimal("5"),
                    "requested_date": START + timedelta(weeks=week, days=7),
                }
            ],
        )
        sales.sales_order_confirm(order=order)
    trained = train(planner, django_capture_on_commit_callbacks, "snaive")
    assert trained["result"]["metrics"]["series"] == 2  # the backtest keeps articles with enough history
    response = submit(
        planner, "forecast", {"materials": [demand[0].pk, new.pk], "horizon": 4}, django_capture_on_commit_callbacks
    )
    job = planner.get(f"{JOBS}{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job["error"]
    rows = Forecast.objects.filter(material=new)
    assert rows.count() == 4 and all(r.yhat == Decimal("30") for r in rows)
