"""The planning API: runs as jobs, results, firming through the owning apps' services, limits."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ml_service.models import JobStatus, MLJob
from planning.models import PlannedOrder, PlanningRun
from procurement.models import POStatus, PurchaseOrder
from production.models import WorkOrder, WorkOrderStatus

BASE = "/api/v1/planning"
# Tests that run a planning job commit for real: the job runner closes a connection that is inside
# a transaction (on PostgreSQL a test's wrapping transaction would go with it).
runs_jobs = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planner(client_as):
    return client_as("planner")


def start_run(client, capture, **body):
    with capture(execute=True):
        response = client.post(f"{BASE}/runs/", {"horizon_weeks": 6, "run_date": "2025-01-06", **body}, format="json")
    assert response.status_code == 202, response.content
    return response.json()


@pytest.mark.parametrize("horizon", [0, 105, -1, "twelve"])
def test_bad_horizon_is_400_and_writes_nothing(mill, planner, horizon):
    response = planner.post(f"{BASE}/runs/", {"horizon_weeks": horizon}, format="json")
    assert response.status_code == 400
    assert "horizon_weeks" in response.json()["error"]["fields"]
    assert not PlanningRun.objects.exists() and not MLJob.objects.filter(kind="planning").exists()


def test_unknown_field_and_missing_horizon_are_400(mill, planner):
    response = planner.post(f"{BASE}/runs/", {"horizon_weeks": 4, "colour": "red"}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["error"]["fields"]
    response = planner.post(f"{BASE}/runs/", {}, format="json")
    assert response.status_code == 400 and "horizon_weeks" in response.json()["error"]["fields"]


def test_only_planners_run_and_firm(mill, client_as):
    viewer = client_as("viewer")
    assert viewer.post(f"{BASE}/runs/", {"horizon_weeks": 4}, format="json").status_code == 403
    assert viewer.get(f"{BASE}/runs/").status_code == 200
    assert viewer.post(f"{BASE}/planned-orders/firm/", {"ids": [1]}, format="json").status_code == 403


@runs_jobs
def test_run_as_job_then_results(mill, planner, django_capture_on_commit_callbacks):
    run = start_run(planner, django_capture_on_commit_callbacks)
    body = planner.get(f"{BASE}/runs/{run['id']}/").json()
    assert body["status"] == JobStatus.SUCCEEDED and body["progress"] == 100
    assert body["summary"]["planned_work_orders"] == 8 and body["summary"]["planned_purchase_orders"] == 2
    assert MLJob.objects.get(pk=body["job"]).kind == "planning"

    pos = planner.get(f"{BASE}/planned-orders/", {"run": run["id"], "type": "purchase_order"}).json()["results"]
    assert [(p["material_code"], p["qty"], p["supplier_code"]) for p in pos] == [
        ("YARN", "296.8750", "SUP-A"),
        ("YARN", "100.0000", "SUP-A"),
    ]
    dyeing = planner.get(f"{BASE}/planned-orders/", {"run": run["id"], "stage": "dyeing"}).json()
    assert dyeing["count"] == 3
    knitting = planner.get(f"{BASE}/planned-orders/", {"run": run["id"], "material": mill.greige.pk}).json()
    assert [p["qty"] for p in knitting["results"]] == ["950.0000", "600.0000"]

    exceptions = planner.get(f"{BASE}/exceptions/", {"run": run["id"], "code": "past_due"}).json()["results"]
    assert [e["material_code"] for e in exceptions] == ["YARN"]
    over = planner.get(f"{BASE}/capacity/", {"run": run["id"], "overloaded": "true"}).json()["results"]
    assert [(c["machine_group_code"], c["week"], c["load_kg"]) for c in over] == [("KNIT", "2025-01-06", "307.8000")]


@runs_jobs
def test_firm_one_work_order_and_bulk_purchase_orders(mill, planner, django_capture_on_commit_callbacks):
    run = start_run(planner, django_capture_on_commit_callbacks)
    greige = PlannedOrder.objects.filter(run_id=run["id"], material=mill.greige).order_by("seq").first()
    response = planner.post(f"{BASE}/planned-orders/{greige.pk}/firm/", {}, format="json")
    assert response.status_code == 200, response.content
    work_order = WorkOrder.objects.get(pk=response.json()["work_order"])
    assert work_order.status == WorkOrderStatus.DRAFT and work_order.bom == mill.knit
    assert work_order.planned_qty == Decimal("950") and work_order.due_date.isoformat() == "2025-01-13"
    assert work_order.output_location == mill.stores and work_order.source_location == mill.floor
    # Firming twice is refused; nothing more is created.
    again = planner.post(f"{BASE}/planned-orders/{greige.pk}/firm/", {}, format="json")
    assert again.status_code == 422 and again.json()["error"]["code"] == "already_firmed"
    assert WorkOrder.objects.count() == 1

    ids = list(PlannedOrder.objects.filter(run_id=run["id"], order_type="purchase_order").values_list("pk", flat=True))
    response = planner.post(f"{BASE}/planned-orders/firm/", {"ids": ids}, format="json")
    assert response.status_code == 200, response.content
    numbers = {p["purchase_order_number"] for p in response.json()}
    assert len(numbers) == 1  # one PO for the supplier, one line per planned order
    po = PurchaseOrder.objects.exclude(notes="").get()
    assert po.status == POStatus.DRAFT and po.supplier == mill.supplier and po.currency == "EUR"
    assert sorted(line.qty for line in po.lines.all()) == [Decimal("100"), Decimal("296.875")]
    # The PO passed procurement's rules: prices come from the valid price list.
    assert {line.unit_price for line in po.lines.all()} == {Decimal("4")}


@runs_jobs
def test_bulk_firm_is_all_or_nothing(mill, planner, django_capture_on_commit_callbacks):
    run = start_run(planner, django_capture_on_commit_callbacks)
    first = PlannedOrder.objects.filter(run_id=run["id"]).order_by("seq").first()
    response = planner.post(f"{BASE}/planned-orders/firm/", {"ids": [first.pk, 999999]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()["error"]["fields"]
    assert not WorkOrder.objects.exists()
    assert not PlannedOrder.objects.filter(firmed_at__isnull=False).exists()


@runs_jobs
def test_firming_a_blocked_supplier_is_refused_by_procurement(mill, planner, django_capture_on_commit_callbacks):
    from procurement.models import Standing, SupplierScorecard

    run = start_run(planner, django_capture_on_commit_callbacks)
    # The supplier turned very poor after the run: procurement's rule refuses the PO.
    SupplierScorecard.objects.create(
        supplier=mill.supplier, period=date(2025, 1, 1), score=5, standing=Standing.VERY_POOR
    )
    po = PlannedOrder.objects.filter(run_id=run["id"], order_type="purchase_order").first()
    response = planner.post(f"{BASE}/planned-orders/{po.pk}/firm/", {}, format="json")
    assert response.status_code == 422 and response.json()["error"]["code"] == "supplier_blocked"
    po.refresh_from_db()
    assert po.firmed_at is None and po.purchase_order_id is None


@runs_jobs
def test_runs_are_kept_and_compared(mill, planner, django_capture_on_commit_callbacks):
    first = start_run(planner, django_capture_on_commit_callbacks)
    second = start_run(planner, django_capture_on_commit_callbacks, lot_sizing="lot_for_lot")
    response = planner.get(f"{BASE}/runs/{second['id']}/compare/", {"other": first["id"]})
    assert response.status_code == 200
    greige = next(m for m in response.json()["materials"] if m["material_code"] == "GREIGE")
    # Lot for lot: 915.625 + 625 = 1540.625 against 950 + 600 = 1550.
    assert Decimal(greige["qty"]) == Decimal("1540.625") and Decimal(greige["other_qty"]) == Decimal("1550")
    assert Decimal(greige["delta_qty"]) == Decimal("-9.375")
    assert planner.get(f"{BASE}/runs/{second['id']}/compare/").status_code == 400
    # The first run's results did not change.
    assert PlannedOrder.objects.filter(run_id=first["id"]).count() == 10


@runs_jobs
def test_list_query_counts_do_not_grow_with_page_size(mill, planner, django_capture_on_commit_callbacks):
    run = start_run(planner, django_capture_on_commit_callbacks)
    for path in ("planned-orders", "exceptions", "capacity", "runs", "machine-groups"):
        counts = []
        for size in (2, 20):
            with CaptureQueriesContext(connection) as ctx:
                response = planner.get(f"{BASE}/{path}/", {"run": run["id"], "page_size": size})
            assert response.status_code == 200, path
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], (path, counts)


def test_machine_groups_and_bom_planning(mill, planner, client_as):
    response = planner.post(
        f"{BASE}/machine-groups/",
        {"code": "LOOM", "name": "Air-jet looms", "stage": "weaving", "capacity_kg_per_day": "800"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["capacity_kg_per_week"] == "4800.000"
    gid = response.json()["id"]
    bad = planner.patch(f"{BASE}/machine-groups/{gid}/", {"capacity_kg_per_day": "-1"}, format="json")
    assert bad.status_code == 400 and "capacity_kg_per_day" in bad.json()["error"]["fields"]
    ok = planner.patch(f"{BASE}/machine-groups/{gid}/", {"days_per_week": 7}, format="json")
    assert ok.status_code == 200 and ok.json()["capacity_kg_per_week"] == "5600.000"
    dup = planner.post(
        f"{BASE}/machine-groups/",
        {"code": "LOOM", "name": "again", "stage": "weaving", "capacity_kg_per_day": "1"},
        format="json",
    )
    assert dup.status_code == 400 and "code" in dup.json()["error"]["fields"]
    row = planner.post(
        f"{BASE}/bom-planning/", {"bom": mill.dye_a.pk, "lead_time_days": 3, "machine_group": gid}, format="json"
    )
    assert row.status_code == 201 and row.json()["lead_time_days"] == 3
    assert client_as("sales").post(f"{BASE}/machine-groups/", {}, format="json").status_code == 403


def test_machine_groups_pool_machines_of_their_stage(mill, planner):
    from production import services as production

    looms = [production.machine_create(code=f"AJ-{k}", name=f"Loom {k}", stage="weaving") for k in (1, 2, 3)]
    knitter = production.machine_create(code="CK-1", name="Knitter", stage="knitting")
    body = {"code": "LOOMS", "name": "Looms", "stage": "weaving", "capacity_kg_per_day": "900"}
    created = planner.post(f"{BASE}/machine-groups/", {**body, "machines": [looms[0].pk, looms[1].pk]}, format="json")
    assert created.status_code == 201, created.content
    gid = created.json()["id"]
    assert sorted(created.json()["machines"]) == sorted([looms[0].pk, looms[1].pk])

    # A knitting machine cannot join a weaving group, nor a loom a second group: 422, nothing written.
    wrong = planner.patch(f"{BASE}/machine-groups/{gid}/", {"machines": [looms[0].pk, knitter.pk]}, format="json")
    assert wrong.status_code == 422
    assert wrong.json()["error"]["fields"]["machines"] == ["CK-1 is a knitting machine, the group is weaving"]
    other = planner.post(
        f"{BASE}/machine-groups/", {**body, "code": "MORE-LOOMS", "machines": [looms[1].pk]}, format="json"
    )
    assert other.status_code == 422
    assert other.json()["error"]["fields"]["machines"] == ["AJ-2 is already in group LOOMS"]
    assert planner.get(f"{BASE}/machine-groups/{gid}/").json()["machines"] == sorted([looms[0].pk, looms[1].pk])

    moved = planner.patch(f"{BASE}/machine-groups/{gid}/", {"machines": [looms[2].pk]}, format="json")
    assert moved.status_code == 200 and moved.json()["machines"] == [looms[2].pk]
    unknown = planner.patch(f"{BASE}/machine-groups/{gid}/", {"machines": [999999]}, format="json")
    assert unknown.status_code == 400 and "machines" in unknown.json()["error"]["fields"]
