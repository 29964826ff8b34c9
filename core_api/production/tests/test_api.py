from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Lot, Roll, StockBalance, StockMove
from production import services
from production.models import BOM, Consumption, WorkOrder

from .factories import receive, receive_rolls

BASE = "/api/v1/production"


@pytest.fixture
def supervisor(client_as):
    return client_as("production")


def error(response):
    body = response.json()["error"]
    return body["code"], body["fields"]


def new_work_order(client, mill, bom=None, planned="1000", **extra):
    body = {
        "bom": (bom or mill.knit_bom).pk,
        "planned_qty": planned,
        "source_location": mill.stores.pk,
        "output_location": mill.floor.pk,
        **extra,
    }
    response = client.post(f"{BASE}/work-orders/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_create_a_dye_recipe_and_find_it_by_shade(supervisor, mill):
    mill.dye_bom.is_active = False
    mill.dye_bom.save()
    body = {
        "code": "DYE-NAVY-2",
        "product": mill.dyed.pk,
        "stage": "dyeing",
        "conversion_cost": "0.45",
        "components": [
            {"material": mill.greige.pk, "qty_per_unit": "1", "loss_pct": "5"},
            {"material": mill.dye.pk, "qty_per_unit": "0.025", "basis": "kg"},
        ],
    }
    response = supervisor.post(f"{BASE}/boms/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["shade_code"] == "NAVY-01" and len(response.json()["components"]) == 2
    found = supervisor.get(f"{BASE}/boms/", {"shade_code": "NAVY-01", "stage": "dyeing", "is_active": "true"}).json()
    assert [b["code"] for b in found["results"]] == ["DYE-NAVY-2"]


def test_bom_bad_input_names_the_field_and_writes_nothing(supervisor, mill):
    count = BOM.objects.count()
    body = {"code": "X", "product": mill.dyed.pk, "stage": "dyeing", "components": [], "colour": "navy"}
    response = supervisor.post(f"{BASE}/boms/", body, format="json")
    assert response.status_code == 400
    assert set(error(response)[1]) == {"colour", "components"}
    body = {**body, "components": [{"material": mill.greige.pk, "qty_per_unit": "1", "loss_pct": "100"}]}
    body.pop("colour")
    response = supervisor.post(f"{BASE}/boms/", body, format="json")
    assert response.status_code == 400 and "components.0.loss_pct" in error(response)[1]
    assert BOM.objects.count() == count


def test_explode_reports_greige_needed_for_finished_fabric(client_as, mill):
    response = client_as("planner").get(f"{BASE}/boms/{mill.finish_bom.pk}/explode/", {"qty": "1000"})
    assert response.status_code == 200
    assert Decimal(response.json()["greige_required"]) == pytest.approx(
        Decimal(1000) / (Decimal("0.97") * Decimal("0.95")), abs=Decimal("0.0001")
    )
    assert {r["material_code"] for r in response.json()["rows"]} == {"D175", "G180", "NAVY-DYE", "Y30"}
    assert client_as("planner").get(f"{BASE}/boms/{mill.finish_bom.pk}/explode/", {"qty": "-1"}).status_code == 400


def test_work_order_through_the_api(supervisor, mill):
    yarn_lot = receive(mill.yarn, mill.stores, "400", "2.50")
    wo = new_work_order(supervisor, mill)
    url = f"{BASE}/work-orders/{wo['id']}"
    released = supervisor.post(f"{url}/release/", {"strategy": "fifo"}, format="json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert released.json()["reservations"][0]["lot"] == yarn_lot.pk
    issued = supervisor.post(f"{url}/issue/", {}, format="json").json()
    assert issued["status"] == "in_progress" and Decimal(issued["input_kg"]) == Decimal("337.5")
    out = supervisor.post(f"{url}/output/", {"rolls": [{"length_m": "500"}, {"length_m": "490"}]}, format="json")
    assert out.status_code == 201, out.content
    output = out.json()["outputs"][0]
    assert len(output["rolls"]) == 2 and Decimal(output["value"]) > Decimal("843.75")
    done = supervisor.post(f"{url}/complete/", {}, format="json").json()
    assert done["status"] == "completed" and Decimal(done["process_loss_pct"]) == pytest.approx(
        Decimal("4.96"), abs=Decimal("0.01")
    )
    closed = supervisor.post(f"{url}/close/", {}, format="json")
    assert closed.json()["status"] == "closed" and closed["ETag"] == f'"{closed.json()["version"]}"'
    assert [e["to_status"] for e in closed.json()["log"]] == ["draft", "released", "in_progress", "completed", "closed"]


def test_issuing_beyond_the_bom_is_422_and_writes_nothing(supervisor, mill):
    yarn_lot = receive(mill.yarn, mill.stores, "400")
    wo = new_work_order(supervisor, mill)
    supervisor.post(f"{BASE}/work-orders/{wo['id']}/release/", {"strategy": "none"}, format="json")
    moves = StockMove.objects.count()
    line = {"lot": yarn_lot.pk, "location": mill.stores.pk, "qty": "380"}
    response = supervisor.post(f"{BASE}/work-orders/{wo['id']}/issue/", {"lines": [line]}, format="json")
    assert response.status_code == 422
    code, fields = error(response)
    assert code == "over_issue" and "354.3750" in fields["lines.0.qty"][0]
    assert StockMove.objects.count() == moves and not Consumption.objects.exists()
    assert WorkOrder.objects.get(pk=wo["id"]).status == "released"


def test_issue_by_strategy_over_the_api(supervisor, mill):
    yarn_lot = receive(mill.yarn, mill.stores, "400")
    wo = new_work_order(supervisor, mill)
    url = f"{BASE}/work-orders/{wo['id']}"
    supervisor.post(f"{url}/release/", {"strategy": "none"}, format="json")
    bad = supervisor.post(f"{url}/issue/", {"strategy": "cheapest"}, format="json")
    assert bad.status_code == 400 and "strategy" in error(bad)[1]
    issued = supervisor.post(f"{url}/issue/", {"strategy": "fifo"}, format="json")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "in_progress" and Decimal(issued.json()["input_kg"]) == Decimal("337.5")
    assert StockBalance.objects.get(lot=yarn_lot).on_hand == Decimal("62.5")


def test_output_heavier_than_input_is_422_and_writes_nothing(supervisor, mill):
    receive(mill.yarn, mill.stores, "400")
    wo = new_work_order(supervisor, mill)
    url = f"{BASE}/work-orders/{wo['id']}"
    supervisor.post(f"{url}/release/", {}, format="json")
    supervisor.post(f"{url}/issue/", {}, format="json")
    lots, rolls = Lot.objects.count(), Roll.objects.count()
    response = supervisor.post(f"{url}/output/", {"rolls": [{"length_m": "1100"}]}, format="json")
    assert response.status_code == 422
    assert error(response)[0] == "output_exceeds_input" and "rolls" in error(response)[1]
    assert (Lot.objects.count(), Roll.objects.count()) == (lots, rolls)


def test_wrong_status_is_422_and_other_roles_are_refused(client_as, supervisor, mill):
    wo = new_work_order(supervisor, mill)
    response = supervisor.post(f"{BASE}/work-orders/{wo['id']}/complete/", {}, format="json")
    assert response.status_code == 422 and "status" in error(response)[1]
    assert client_as("viewer").post(f"{BASE}/work-orders/{wo['id']}/release/", {}, format="json").status_code == 403
    assert client_as("viewer").get(f"{BASE}/work-orders/{wo['id']}/").status_code == 200


def test_cancel_releases_the_reservation(supervisor, mill):
    yarn_lot = receive(mill.yarn, mill.stores, "400")
    wo = new_work_order(supervisor, mill)
    supervisor.post(f"{BASE}/work-orders/{wo['id']}/release/", {}, format="json")
    assert StockBalance.objects.get(lot=yarn_lot).reserved == Decimal("337.5")
    response = supervisor.post(f"{BASE}/work-orders/{wo['id']}/cancel/", {"note": "order withdrawn"}, format="json")
    assert response.json()["status"] == "cancelled"
    assert StockBalance.objects.get(lot=yarn_lot).reserved == 0


def test_edit_a_draft_with_if_match(supervisor, mill):
    wo = new_work_order(supervisor, mill)
    url = f"{BASE}/work-orders/{wo['id']}/"
    stale = supervisor.patch(url, {"planned_qty": "800"}, format="json", HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412
    fresh = supervisor.patch(url, {"planned_qty": "800"}, format="json", HTTP_IF_MATCH=f'"{wo["version"]}"')
    assert fresh.status_code == 200 and Decimal(fresh.json()["planned_qty"]) == 800


def test_work_order_list_queries_do_not_grow_with_page_size(supervisor, mill):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert supervisor.get(f"{BASE}/work-orders/", {"page_size": 50}).status_code == 200
            assert supervisor.get(f"{BASE}/job-work/", {"page_size": 50}).status_code == 200
            assert supervisor.get(f"{BASE}/boms/", {"page_size": 50}).status_code == 200
        return len(ctx)

    for _ in range(2):
        services.work_order_create(
            bom=mill.knit_bom, planned_qty=10, source_location=mill.stores, output_location=mill.floor
        )
        services.job_work_create(partner_location=mill.dye_house, output_material=mill.dyed)
    few = count_queries()
    for _ in range(6):
        services.work_order_create(
            bom=mill.knit_bom, planned_qty=10, source_location=mill.stores, output_location=mill.floor
        )
        services.job_work_create(partner_location=mill.dye_house, output_material=mill.dyed)
    assert count_queries() == few


def test_job_work_through_the_api(supervisor, mill):
    greige_lot, rolls = receive_rolls(mill.greige, mill.stores, [100, 100])
    created = supervisor.post(
        f"{BASE}/job-work/",
        {"partner_location": mill.dye_house.pk, "output_material": mill.dyed.pk, "fee_per_kg": "0.80"},
        format="json",
    )
    assert created.status_code == 201
    url = f"{BASE}/job-work/{created.json()['id']}"
    lines = [{"lot": greige_lot.pk, "roll": r.pk, "location": mill.stores.pk, "qty": "100"} for r in rolls]
    issued = supervisor.post(f"{url}/issue/", {"lines": lines}, format="json").json()
    assert issued["status"] == "issued" and issued["reconciliation"]["qty"]["outstanding"] == "200.0000"
    first = issued["issues"][0]["id"]
    received = supervisor.post(
        f"{url}/receive/",
        {"to_location": mill.stores.pk, "rolls": [{"length_m": "93"}], "consumed": [{"issue": first, "qty": "100"}]},
        format="json",
    )
    assert received.status_code == 201, received.content
    refused = supervisor.post(f"{url}/reconcile/", {}, format="json")
    assert refused.status_code == 422 and "issued" in error(refused)[1]
    supervisor.post(f"{url}/return/", {"to_location": mill.stores.pk}, format="json")
    done = supervisor.post(f"{url}/reconcile/", {}, format="json").json()
    qty = done["reconciliation"]["qty"]
    assert done["status"] == "reconciled" and done["reconciliation"]["balanced"]
    assert (qty["issued"], qty["received"], qty["loss"], qty["returned"]) == (
        "200.0000",
        "93.0000",
        "7.0000",
        "100.0000",
    )


def test_job_work_must_go_to_a_subcontractor(supervisor, mill):
    response = supervisor.post(
        f"{BASE}/job-work/", {"partner_location": mill.stores.pk, "output_material": mill.dyed.pk}, format="json"
    )
    assert response.status_code == 400 and "partner_location" in error(response)[1]


def test_machines_and_work_orders_by_machine(supervisor, client_as, mill):
    created = supervisor.post(
        f"{BASE}/machines/", {"code": "CK-07", "name": "Circular knitter 7", "stage": "knitting"}, format="json"
    )
    assert created.status_code == 201, created.content
    machine = created.json()["id"]
    assert (
        supervisor.post(
            f"{BASE}/machines/", {"code": "CK-07", "name": "again", "stage": "knitting"}, format="json"
        ).status_code
        == 400
    )
    bad = supervisor.post(f"{BASE}/machines/", {"code": "X", "name": "x", "stage": "moonwalk"}, format="json")
    assert bad.status_code == 400 and "stage" in error(bad)[1]
    assert (
        client_as("viewer")
        .post(f"{BASE}/machines/", {"code": "V", "name": "v", "stage": "knitting"}, format="json")
        .status_code
        == 403
    )

    on_machine = new_work_order(supervisor, mill, machine=machine)
    assert (on_machine["machine"], on_machine["machine_code"]) == (machine, "CK-07")
    new_work_order(supervisor, mill)
    listed = supervisor.get(f"{BASE}/work-orders/", {"machine": machine}).json()
    assert [row["number"] for row in listed["results"]] == [on_machine["number"]]

    wrong = supervisor.post(
        f"{BASE}/work-orders/",
        {
            "bom": mill.finish_bom.pk,
            "planned_qty": "10",
            "source_location": mill.floor.pk,
            "output_location": mill.fg.pk,
            "machine": machine,
        },
        format="json",
    )
    assert wrong.status_code == 422 and error(wrong) == (
        "wrong_machine_stage",
        {"machine": ["not a finishing machine"]},
    )
    assert WorkOrder.objects.count() == 2

    renamed = supervisor.patch(f"{BASE}/machines/{machine}/", {"name": "Knitter seven"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Knitter seven"
    assert supervisor.get(f"{BASE}/machines/", {"stage": "knitting"}).json()["count"] == 1
