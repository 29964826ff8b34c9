"""The sales API as its users meet it: the order-to-shipment flow, refusals, roles, PDFs, list cost."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services as stock
from inventory.models import QCStatus, StockBalance, StockMove
from sales.models import Allocation, Customer, Feedback, SalesOrder, Shipment

from .factories import CustomerFactory, FabricLotFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/sales/orders/"


def error_of(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def pdf_pages(content: bytes) -> int:
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    return len(re.findall(rb"/Type /Page[^s]", content))


@pytest.fixture
def sales(client_as):
    return client_as("sales")


@pytest.fixture
def storekeeper(client_as):
    return client_as("storekeeper")


def create_order(client, customer, lines):
    body = {
        "customer": customer.pk,
        "customer_ref": "PO-778",
        "lines": [
            {"material": m.pk, "qty": str(q), "unit_price": "4.50", "requested_date": date.today().isoformat()}
            for m, q in lines
        ],
    }
    response = client.post(ORDERS, body)
    assert response.status_code == 201, response.content
    return response.json()


def allocated_order(client, customer, fabric, qty):
    order = create_order(client, customer, [(fabric, qty)])
    assert client.post(f"{ORDERS}{order['id']}/confirm/").status_code == 200
    response = client.post(f"{ORDERS}{order['id']}/allocate/")
    assert response.status_code == 200, response.content
    return response.json()


def test_order_to_shipment_flow(sales, storekeeper, customer, fabric, make_rolls):
    lot = FabricLotFactory(material=fabric, dye_lot="DL-NAVY-1")
    rolls = make_rolls(lot, [70, 50], shade_band="B", grade="A", points=Decimal("12"))

    order = create_order(sales, customer, [(fabric, 100)])
    assert order["status"] == "draft" and order["number"].startswith("SO-")
    confirmed = sales.post(f"{ORDERS}{order['id']}/confirm/")
    assert confirmed.json()["status"] == "confirmed" and confirmed["ETag"] == f'"{confirmed.json()["version"]}"'

    allocated = sales.post(f"{ORDERS}{order['id']}/allocate/").json()
    assert allocated["status"] == "allocated" and allocated["warnings"] == []
    (report,) = allocated["allocation"]
    assert report["dye_lots"] == [lot.code] and report["shade_bands"] == ["B"] and report["single_dye_lot"]
    assert Decimal(allocated["lines"][0]["allocated"]) == 100
    assert {a["roll_code"] for a in allocated["lines"][0]["allocations"]} == {r.code for r in rolls}

    # Sales clerks manage orders; storekeepers ship.
    assert sales.post("/api/v1/sales/shipments/", {"order": order["id"]}).status_code == 403
    response = storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"], "carrier": "Maersk"})
    assert response.status_code == 201, response.content
    shipment = response.json()
    assert sorted(Decimal(line["qty"]) for line in shipment["lines"]) == [Decimal("30"), Decimal("70")]
    assert {line["dye_lot"] for line in shipment["lines"]} == {"DL-NAVY-1"}
    assert sales.get(f"{ORDERS}{order['id']}/").json()["status"] == "shipped"
    assert StockMove.objects.filter(document_type="sales.shipment", reason="shipment").count() == 2

    packing = storekeeper.get(f"/api/v1/sales/shipments/{shipment['id']}/packing-list/")
    assert packing.status_code == 200 and packing["Content-Type"] == "application/pdf"
    assert pdf_pages(packing.content) == 1
    labels = sales.get(f"/api/v1/sales/shipments/{shipment['id']}/labels/", HTTP_ACCEPT="application/pdf")
    assert labels.status_code == 200 and labels["Content-Type"] == "application/pdf"
    assert pdf_pages(labels.content) == 2  # one label per roll


def test_allocating_beyond_stock_is_409_listing_lines_and_writes_nothing(sales, customer, fabric, make_rolls):
    make_rolls(None, [40])
    order = create_order(sales, customer, [(fabric, 30), (fabric, 50)])
    sales.post(f"{ORDERS}{order['id']}/confirm/")
    error = error_of(sales.post(f"{ORDERS}{order['id']}/allocate/"), 409)
    assert error["code"] == "stock_shortfall" and set(error["fields"]) == {"lines.1.qty"}
    assert not Allocation.objects.exists() and not StockBalance.objects.filter(reserved__gt=0).exists()
    assert SalesOrder.objects.get(pk=order["id"]).status == "confirmed"


def test_shipping_rolls_not_allocated_or_of_a_held_lot_is_refused(sales, storekeeper, customer, fabric, make_rolls):
    (roll,) = make_rolls(None, [40])
    (stranger,) = make_rolls(None, [40])
    order = allocated_order(sales, customer, fabric, 40)
    moves = StockMove.objects.count()

    error = error_of(storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"], "rolls": [stranger.pk]}), 422)
    assert "rolls.0" in error["fields"]

    stock.lot_set_qc_status(lot=roll.lot, status=QCStatus.ON_HOLD)
    error = error_of(storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"], "rolls": [roll.pk]}), 422)
    assert error["code"] == "lot_not_released"
    assert not Shipment.objects.exists() and StockMove.objects.count() == moves


def test_bad_order_input_names_the_field_and_writes_nothing(sales, customer, fabric):
    line = {"material": fabric.pk, "qty": "-5", "unit_price": "1", "requested_date": "2025-13-01"}
    error = error_of(sales.post(ORDERS, {"customer": customer.pk, "lines": [line], "colour": "red"}), 400)
    assert {"colour", "lines.0.qty", "lines.0.requested_date"} <= set(error["fields"])
    error = error_of(sales.post(ORDERS, {"customer": customer.pk, "lines": []}), 400)
    assert "lines" in error["fields"]
    assert not SalesOrder.objects.exists()


def test_only_drafts_are_edited_and_a_stale_if_match_is_412_on_edits_and_transitions(sales, customer, fabric):
    order = create_order(sales, customer, [(fabric, 10)])
    url = f"{ORDERS}{order['id']}/"
    new_lines = [{"material": fabric.pk, "qty": "25", "unit_price": "5", "requested_date": "2030-01-31"}]
    edited = sales.patch(url, {"lines": new_lines, "notes": "rush"}, HTTP_IF_MATCH=f'"{order["version"]}"')
    assert edited.status_code == 200, edited.content
    assert Decimal(edited.json()["lines"][0]["qty"]) == 25 and edited.json()["version"] == order["version"] + 1
    error_of(sales.patch(url, {"notes": "lost update"}, HTTP_IF_MATCH=f'"{order["version"]}"'), 412)
    error_of(sales.post(f"{url}confirm/", HTTP_IF_MATCH=f'"{order["version"]}"'), 412)
    assert sales.post(f"{url}confirm/", HTTP_IF_MATCH=f'"{order["version"] + 1}"').status_code == 200
    error = error_of(sales.patch(url, {"notes": "too late"}), 422)
    assert "status" in error["fields"]
    assert SalesOrder.objects.get(pk=order["id"]).notes == "rush"


def test_cancel_through_the_api_releases_reservations(sales, customer, fabric, make_rolls):
    (roll,) = make_rolls(None, [40])
    order = allocated_order(sales, customer, fabric, 40)
    response = sales.post(f"{ORDERS}{order['id']}/cancel/", {"reason": "credit hold"})
    assert response.json()["status"] == "cancelled"
    assert response.json()["status_log"][-1]["note"] == "credit hold"
    assert StockBalance.objects.get(roll=roll).reserved == 0
    error_of(sales.post(f"{ORDERS}{order['id']}/close/"), 422)


def test_returns_and_feedback(sales, storekeeper, client_as, customer, fabric, make_rolls, quarantine):
    (roll,) = make_rolls(None, [40])
    order = allocated_order(sales, customer, fabric, 40)
    shipment = storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"]}).json()

    body = {"shipment": shipment["id"], "location": quarantine.pk, "reason": "holes", "lines": [{"roll": roll.pk}]}
    assert sales.post("/api/v1/sales/returns/", body).status_code == 403
    response = storekeeper.post("/api/v1/sales/returns/", body)
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["lines"][0]["qty"]) == 40
    assert StockBalance.objects.get(roll=roll, location=quarantine).on_hand == 40
    roll.lot.refresh_from_db()
    assert roll.lot.qc_status == QCStatus.ON_HOLD

    other = CustomerFactory()
    complaint = {"customer": other.pk, "kind": "complaint", "description": "holes", "shipment": shipment["id"]}
    error = error_of(sales.post("/api/v1/sales/feedback/", complaint), 422)
    assert "shipment" in error["fields"]
    assert not Feedback.objects.exists()

    complaint.update(customer=customer.pk, roll=roll.pk, category="defect")
    created = sales.post("/api/v1/sales/feedback/", complaint)
    assert created.status_code == 201, created.content
    assert created.json()["lot"] == roll.lot_id

    quality = client_as("quality")
    url = f"/api/v1/sales/feedback/{created.json()['id']}/"
    assert quality.get("/api/v1/sales/feedback/").json()["count"] == 1
    assert client_as("storekeeper").get("/api/v1/sales/feedback/").status_code == 403
    trace = quality.get(f"{url}trace/")
    assert trace.status_code == 200 and trace.json()["trees"][0]["root"]["roll"]["code"] == roll.code
    error = error_of(quality.patch(url, {"status": "resolved"}), 400)
    assert "resolution" in error["fields"]
    resolved = quality.patch(url, {"status": "resolved", "resolution": "credit note for 40 m"})
    assert resolved.json()["status"] == "resolved"


def test_customers_are_kept_by_sales_and_read_by_everyone(sales, client_as):
    body = {
        "code": "ZARA-ES",
        "name": "Strict buyer",
        "points_threshold": "20",
        "shade_tolerance": "0.8",
        "contacts": [{"name": "Ana", "role": "QA", "email": "ana@example.com"}],
    }
    response = sales.post("/api/v1/sales/customers/", body)
    assert response.status_code == 201, response.content
    assert response.json()["points_threshold"] == "20.00"
    error_of(sales.post("/api/v1/sales/customers/", {**body, "code": "zara-es"}), 400)
    error = error_of(sales.post("/api/v1/sales/customers/", {**body, "code": "X", "points_threshold": "0"}), 400)
    assert "points_threshold" in error["fields"]
    error = error_of(sales.post("/api/v1/sales/customers/", {**body, "code": "Y", "contacts": [{"email": "x"}]}), 400)
    assert "contacts.0.name" in error["fields"] and "contacts.0.email" in error["fields"]
    assert Customer.objects.count() == 1
    assert client_as("viewer").get("/api/v1/sales/customers/?search=zara").json()["count"] == 1
    assert client_as("viewer").post("/api/v1/sales/customers/", {**body, "code": "Z"}).status_code == 403


def test_list_query_count_does_not_grow_with_page_size(sales, storekeeper, fabric, make_rolls):
    def ship_one():
        customer = CustomerFactory()
        make_rolls(None, [20, 20])
        order = allocated_order(sales, customer, fabric, 40)
        shipment = storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"]}).json()
        complaint = {"customer": customer.pk, "kind": "complaint", "description": "x", "shipment": shipment["id"]}
        assert sales.post("/api/v1/sales/feedback/", complaint).status_code == 201

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert sales.get(url).status_code == 200
        return len(queries)

    ship_one()
    few = {url: count(url) for url in (ORDERS, "/api/v1/sales/shipments/", "/api/v1/sales/feedback/")}
    ship_one()
    ship_one()
    many = {url: count(url) for url in few}
    assert few == many


def test_a_repeated_shipment_post_with_its_idempotency_key_ships_once(sales, storekeeper, customer, fabric, make_rolls):
    make_rolls(None, [40])
    order = allocated_order(sales, customer, fabric, 40)
    first = storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"]}, HTTP_IDEMPOTENCY_KEY="ship-1")
    again = storekeeper.post("/api/v1/sales/shipments/", {"order": order["id"]}, HTTP_IDEMPOTENCY_KEY="ship-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Shipment.objects.count() == 1 and StockMove.objects.filter(reason="shipment").count() == 1
