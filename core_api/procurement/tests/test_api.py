"""The procurement API as its users meet it: contracts, roles, refusals that write nothing, list costs."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Lot, QCStatus, StockMove
from inventory.services import lot_set_qc_status
from procurement import services
from procurement.models import (
    GoodsReceipt,
    POStatus,
    PriceList,
    PurchaseOrder,
    ScorecardCriterion,
    Supplier,
    SupplierContact,
    SupplierReturn,
    SupplierScorecard,
)

from .conftest import ORDER_DATE
from .factories import PriceListFactory, SupplierContactFactory, SupplierFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/procurement"


def refused(response, status, code=None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error["fields"]


def po_body(supplier, warehouse, material, qty="500", **extra):
    return {
        "supplier": supplier.pk,
        "warehouse": warehouse.pk,
        "order_date": ORDER_DATE.isoformat(),
        "lines": [{"material": material.pk, "qty": qty}],
        **extra,
    }


# --- suppliers -----------------------------------------------------------------------------------------
def test_purchaser_creates_supplier_every_role_reads_bank_details_only_for_buyers(client_as):
    purchaser = client_as("purchaser")
    body = {
        "code": "ACME",
        "name": "Acme Spinners",
        "payment_terms": "Net 45",
        "bank_details": "IBAN DE00 1111",
        "contacts": [{"name": "Ravi", "email": "ravi@acme.example", "phone": "+91 1"}],
    }
    response = purchaser.post(f"{BASE}/suppliers/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["contacts"][0]["email"] == "ravi@acme.example" and created["bank_details"] == "IBAN DE00 1111"
    assert response["ETag"] == '"1"'

    for role in ("viewer", "quality", "storekeeper"):
        seen = client_as(role).get(f"{BASE}/suppliers/{created['id']}/")
        assert seen.status_code == 200 and "bank_details" not in seen.json()
    refused(client_as("viewer").post(f"{BASE}/suppliers/", {**body, "code": "OTHER"}), 403)
    assert refused(purchaser.post(f"{BASE}/suppliers/", body), 400, "duplicate") == {"code": ["already exists"]}
    assert Supplier.objects.count() == 1


def test_supplier_patch_with_stale_if_match_is_412_and_writes_nothing(client_as):
    client = client_as("purchaser")
    supplier = SupplierFactory(name="Old name")
    url = f"{BASE}/suppliers/{supplier.pk}/"
    ok = client.patch(url, {"name": "New name"}, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    fields = refused(client.patch(url, {"name": "Lost update"}, HTTP_IF_MATCH='"1"'), 412, "stale_version")
    assert "If-Match" in fields
    supplier.refresh_from_db()
    assert (supplier.name, supplier.version) == ("New name", 2)


def test_supplier_csv_round_trip_and_all_or_nothing_import(client_as):
    client = client_as("purchase_manager")
    existing = SupplierFactory(code="KNIT1", name="Knitters")
    SupplierContactFactory(supplier=existing, name="Old contact")
    good = (
        "code,name,address,payment_terms,is_active,contact_name,contact_email,contact_phone\n"
        "KNIT1,Knitters Ltd,,Net 60,true,Meena,meena@knit.example,+91 2\n"
        "DYE7,Dye House Seven,Ring Road,Net 30,false,,,\n"
    )
    response = client.post(
        f"{BASE}/suppliers/import/", {"file": SimpleUploadedFile("s.csv", good.encode())}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 1}
    existing.refresh_from_db()
    assert existing.name == "Knitters Ltd" and existing.contacts.get().name == "Meena"
    assert Supplier.objects.get(code="DYE7").is_active is False

    bad = "code,name,contact_name,contact_email\nNEW1,New one,,\nNEW2,,Sam,not-an-email\nNEW1,Again,,\n"
    before = (Supplier.objects.count(), SupplierContact.objects.count())
    fields = refused(
        client.post(
            f"{BASE}/suppliers/import/", {"file": SimpleUploadedFile("s.csv", bad.encode())}, format="multipart"
        ),
        400,
        "import_invalid",
    )
    assert set(fields) == {"rows.2.name", "rows.2.contact_email", "rows.3.code"}
    assert (Supplier.objects.count(), SupplierContact.objects.count()) == before

    # Columns left out keep what the supplier had.
    partial = "code,name\nDYE7,Dye House 7\n"
    client.post(
        f"{BASE}/suppliers/import/", {"file": SimpleUploadedFile("s.csv", partial.encode())}, format="multipart"
    )
    dye = Supplier.objects.get(code="DYE7")
    assert (dye.name, dye.address, dye.is_active) == ("Dye House 7", "Ring Road", False)
    dye.name = "Dye House Seven"
    dye.save()

    export = client_as("viewer").get(f"{BASE}/suppliers/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0] == "code,name,address,payment_terms,is_active,contact_name,contact_email,contact_phone"
    assert "DYE7,Dye House Seven,Ring Road,Net 30,false,,," in lines and "IBAN" not in export.content.decode()


def test_import_with_a_wrong_header_is_400(client_as):
    response = client_as("purchaser").post(
        f"{BASE}/suppliers/import/", {"file": SimpleUploadedFile("s.csv", b"id,title\n1,x\n")}, format="multipart"
    )
    assert "header" in refused(response, 400)


# --- price lists ---------------------------------------------------------------------------------------
def test_price_list_create_validates_and_refuses_overlap(client_as, supplier, yarn):
    client = client_as("purchaser")
    body = {"supplier": supplier.pk, "material": yarn.pk, "price": "4.10", "valid_from": "2019-01-01"}
    refused(client.post(f"{BASE}/price-lists/", {**body, "price": "-1"}), 400)
    refused(client.post(f"{BASE}/price-lists/", {**body, "valid_to": "2018-01-01"}), 400)
    refused(client.post(f"{BASE}/price-lists/", body), 422, "overlapping_price_list")
    ok = client.post(f"{BASE}/price-lists/", {**body, "valid_to": "2019-12-31", "min_order_qty": "50"})
    assert ok.status_code == 201, ok.content
    assert PriceList.objects.filter(supplier=supplier, material=yarn).count() == 2
    assert client_as("planner").get(f"{BASE}/price-lists/?valid_on=2019-06-01").json()["count"] == 1
    refused(client_as("sales").get(f"{BASE}/price-lists/"), 403)


# --- purchase orders -----------------------------------------------------------------------------------
def test_po_create_defaults_price_and_reports_no_warnings(client_as, supplier, warehouse, yarn):
    response = client_as("purchaser").post(f"{BASE}/purchase-orders/", po_body(supplier, warehouse, yarn))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["number"].startswith("PO-") and body["warnings"] == []
    assert body["lines"][0]["unit_price"] == "4.000000" and body["total"] == "2000.00"
    assert [(e["from_status"], e["to_status"]) for e in body["status_log"]] == [("", "draft")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"material": "MAT", "qty": "-5"}]}, "lines.0.qty"),
        ({"lines": [{"material": "MAT", "qty": "0"}]}, "lines.0.qty"),
        ({"lines": [{"material": 999999, "qty": "5"}]}, "lines.0.material"),
        ({"supplier": 999999}, "supplier"),
        ({"warehouse": 999999}, "warehouse"),
        ({"lines": []}, "lines"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_po_input_is_400_naming_the_field_and_writes_nothing(client_as, supplier, warehouse, yarn, change, field):
    body = po_body(supplier, warehouse, yarn)
    body.update(change)
    for line in body["lines"]:
        if line.get("material") == "MAT":
            line["material"] = yarn.pk
    fields = refused(client_as("purchaser").post(f"{BASE}/purchase-orders/", body), 400)
    assert field in fields
    assert not PurchaseOrder.objects.exists()


def test_unknown_po_is_404(client_as):
    refused(client_as("purchaser").get(f"{BASE}/purchase-orders/999999/"), 404)
    refused(client_as("purchase_manager").post(f"{BASE}/purchase-orders/999999/approve/", {}), 404)


def test_moq_violation_is_422(client_as, supplier, warehouse, yarn):
    fields = refused(
        client_as("purchaser").post(f"{BASE}/purchase-orders/", po_body(supplier, warehouse, yarn, qty="10")),
        422,
        "below_moq",
    )
    assert "lines.0.qty" in fields
    assert not PurchaseOrder.objects.exists()


def test_blocked_supplier_is_422_and_poor_supplier_warns(client_as, supplier, warehouse, yarn):
    client = client_as("purchaser")
    SupplierScorecard.objects.create(supplier=supplier, period=date(2024, 1, 1), score=12, standing="very_poor")
    assert "supplier" in refused(
        client.post(f"{BASE}/purchase-orders/", po_body(supplier, warehouse, yarn)), 422, "supplier_blocked"
    )
    assert not PurchaseOrder.objects.exists()
    SupplierScorecard.objects.create(supplier=supplier, period=date(2024, 2, 1), score=42, standing="poor")
    response = client.post(f"{BASE}/purchase-orders/", po_body(supplier, warehouse, yarn))
    assert response.status_code == 201 and "poor" in response.json()["warnings"][0]


def test_pipeline_through_the_api_with_roles_and_log(client_as, supplier, warehouse, yarn):
    purchaser, manager = client_as("purchaser"), client_as("purchase_manager")
    order = purchaser.post(f"{BASE}/purchase-orders/", po_body(supplier, warehouse, yarn)).json()
    url = f"{BASE}/purchase-orders/{order['id']}"
    assert purchaser.post(f"{url}/submit/", {}).json()["status"] == "submitted"
    refused(purchaser.post(f"{url}/approve/", {}), 403)
    refused(client_as("storekeeper").post(f"{url}/approve/", {}), 403)
    approved = manager.post(f"{url}/approve/", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    refused(manager.post(f"{url}/close/", {}), 422, "invalid_transition")
    cancelled = purchaser.post(f"{url}/cancel/", {"note": "budget cut"}).json()
    log = [(e["from_status"], e["to_status"], e["user"], e["note"]) for e in cancelled["status_log"]]
    assert log == [
        ("", "draft", purchaser.user.username, ""),
        ("draft", "submitted", purchaser.user.username, ""),
        ("submitted", "approved", manager.user.username, ""),
        ("approved", "cancelled", purchaser.user.username, "budget cut"),
    ]
    assert cancelled["version"] == 4 and approved["ETag"] == '"3"'


def test_po_edits_only_in_draft_with_if_match(client_as, supplier, warehouse, yarn, fabric):
    client = client_as("purchaser")
    order = client.post(f"{BASE}/purchase-orders/", po_body(supplier, warehouse, yarn)).json()
    url = f"{BASE}/purchase-orders/{order['id']}/"
    edit = {"notes": "rush", "lines": [{"material": fabric.pk, "qty": "120", "promised_date": "2024-04-02"}]}
    ok = client.patch(url, edit, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200, ok.content
    assert ok.json()["lines"][0]["material"] == fabric.pk and ok.json()["version"] == 2
    refused(client.patch(url, {"notes": "stale"}, HTTP_IF_MATCH='"1"'), 412, "stale_version")
    client.post(f"{BASE}/purchase-orders/{order['id']}/submit/", {})
    refused(client.patch(url, {"notes": "too late"}), 422, "not_editable")
    assert PurchaseOrder.objects.get(pk=order["id"]).notes == "rush"


# --- receipts ------------------------------------------------------------------------------------------
def receipt_body(order, qty="400", **extra):
    line = order.lines.order_by("line_no").first()
    return {
        "purchase_order": order.pk,
        "received_on": "2024-03-15",
        "delivery_note": "DC-881",
        "lines": [{"po_line": line.pk, "qty": qty, "supplier_lot": "SL-77", "dye_lot": ""}],
        **extra,
    }


def test_storekeeper_receives_the_same_receipt_once_whatever_the_retries(client_as, approved_order):
    order = approved_order()
    client = client_as("storekeeper")
    responses = [
        client.post(f"{BASE}/receipts/", receipt_body(order), HTTP_IDEMPOTENCY_KEY="grn-dc-881") for _ in range(10)
    ]
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert all(r["Idempotent-Replayed"] == "true" for r in responses[1:])
    assert GoodsReceipt.objects.count() == 1 and StockMove.objects.count() == 1
    order.refresh_from_db()
    assert order.status == POStatus.PARTIALLY_RECEIVED and order.lines.first().qty_received == 400
    lot = responses[0].json()["lines"][0]["lot"]
    assert lot["qc_status"] == "quarantine" and lot["supplier_lot"] == "SL-77"

    refused(client_as("purchaser").post(f"{BASE}/receipts/", receipt_body(order)), 403)


def test_receipt_refusals_write_nothing(client_as, approved_order):
    client = client_as("storekeeper")
    order = approved_order()
    cancelled = approved_order()
    services.purchase_order_cancel(order=cancelled, user=client.user)

    def counts():
        return GoodsReceipt.objects.count(), Lot.objects.count(), StockMove.objects.count()

    before = counts()
    assert "purchase_order" in refused(client.post(f"{BASE}/receipts/", receipt_body(cancelled)), 422, "not_receivable")
    assert "lines.0.qty" in refused(
        client.post(f"{BASE}/receipts/", receipt_body(order, qty="1050.01")), 422, "over_receipt"
    )
    assert "lines.0.qty" in refused(client.post(f"{BASE}/receipts/", receipt_body(order, qty="-3")), 400)
    assert "purchase_order" in refused(
        client.post(f"{BASE}/receipts/", {**receipt_body(order), "purchase_order": 999999}), 400
    )
    other_line = cancelled.lines.first().pk
    bad_line = receipt_body(order)
    bad_line["lines"][0]["po_line"] = other_line
    assert "lines.0.po_line" in refused(client.post(f"{BASE}/receipts/", bad_line), 400)
    assert counts() == before
    refused(client.get(f"{BASE}/receipts/999999/"), 404)


def test_fabric_receipt_with_rolls(client_as, approved_order):
    order = approved_order()
    line = order.lines.get(line_no=2)
    body = {
        "purchase_order": order.pk,
        "received_on": "2024-03-18",
        "lines": [
            {
                "po_line": line.pk,
                "dye_lot": "DL-42",
                "rolls": [{"length_m": "150"}, {"length_m": "148.5", "weight_kg": "40.2"}],
            }
        ],
    }
    response = client_as("storekeeper").post(f"{BASE}/receipts/", body)
    assert response.status_code == 201, response.content
    received = response.json()["lines"][0]
    assert received["qty"] == "298.5000" and received["lot"]["dye_lot"] == "DL-42"
    assert sorted(r["length_m"] for r in received["lot"]["rolls"]) == ["148.50", "150.00"]


# --- supplier returns ----------------------------------------------------------------------------------
def test_supplier_return_of_a_rejected_lot(client_as, approved_order, supplier):
    order = approved_order()
    lot = (
        services.receipt_create(
            purchase_order=order,
            lines=[{"po_line": order.lines.first().pk, "qty": Decimal("400")}],
            received_on=date(2024, 3, 15),
        )
        .lines.get()
        .lot
    )
    client = client_as("storekeeper")
    body = {"supplier": supplier.pk, "debit_note_ref": "DN-1", "lines": [{"lot": lot.pk, "qty": "100"}]}
    refused(client.post(f"{BASE}/supplier-returns/", body), 422, "lot_not_released")
    assert not SupplierReturn.objects.exists()
    lot_set_qc_status(lot=lot, status=QCStatus.REJECTED)
    response = client.post(f"{BASE}/supplier-returns/", body)
    assert response.status_code == 201, response.content
    assert response.json()["debit_amount"] == "400.0000" and response.json()["currency"] == "USD"
    refused(client.post(f"{BASE}/supplier-returns/", {**body, "lines": [{"lot": 999999}]}), 400)


# --- on-time rate and scorecards -----------------------------------------------------------------------
def test_on_time_rate_endpoint(client_as, approved_order, supplier):
    order = approved_order()  # promised 2024-03-20: 1000 kg yarn, 300 m fabric
    services.receipt_create(
        purchase_order=order,
        lines=[{"po_line": order.lines.get(line_no=1).pk, "qty": Decimal("650")}],
        received_on=date(2024, 3, 20),
    )
    response = client_as("quality").get(
        f"{BASE}/suppliers/{supplier.pk}/on-time-rate/?date_from=2024-03-01&date_to=2024-03-31"
    )
    assert response.status_code == 200
    assert response.json() == {
        "supplier": supplier.pk,
        "date_from": "2024-03-01",
        "date_to": "2024-03-31",
        "lines": 2,
        "qty_ordered": "1300.0000",
        "qty_on_time": "650.0000",
        "rate": "0.5000",
    }
    refused(client_as("quality").get(f"{BASE}/suppliers/{supplier.pk}/on-time-rate/?date_from=x"), 400)
    refused(client_as("quality").get(f"{BASE}/suppliers/999999/on-time-rate/"), 404)


def test_scorecard_compute_criteria_and_list(client_as, approved_order, supplier):
    manager = client_as("purchase_manager")
    bad = manager.put(f"{BASE}/scorecard-criteria/", {"criteria": {"on_time": "70", "accept_rate": "20"}})
    assert "criteria" in refused(bad, 400, "weights_sum")
    assert "criteria" in refused(manager.put(f"{BASE}/scorecard-criteria/", {"criteria": {"speed": "100"}}), 400)
    assert sum(ScorecardCriterion.objects.values_list("weight", flat=True)) == 100
    assert len(ScorecardCriterion.objects.all()) == 5
    ok = manager.put(f"{BASE}/scorecard-criteria/", {"criteria": {"on_time": "100"}})
    assert ok.json() == [{"key": "on_time", "weight": "100.00"}]
    refused(client_as("purchaser").put(f"{BASE}/scorecard-criteria/", {"criteria": {"on_time": "100"}}), 403)

    approved_order()  # lines promised 2024-03-20, nothing received: 0 % on time
    response = manager.post(
        f"{BASE}/scorecards/compute/", {"supplier": supplier.pk, "period_from": "2024-02", "period_to": "2024-03"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(c["period"], c["score"], c["standing"]) for c in body["computed"]] == [("2024-03-01", "0.00", "very_poor")]
    assert body["skipped"] == [{"supplier": supplier.pk, "period": "2024-02-01"}]
    listed = client_as("viewer").get(f"{BASE}/scorecards/?supplier={supplier.pk}").json()
    assert listed["count"] == 1 and listed["results"][0]["breakdown"]["on_time"]["used"] is True
    blocked = client_as("viewer").get(f"{BASE}/suppliers/?standing=very_poor").json()
    assert [row["id"] for row in blocked["results"]] == [supplier.pk]
    standing = client_as("viewer").get(f"{BASE}/suppliers/{supplier.pk}/").json()
    assert (standing["standing"], standing["score"]) == ("very_poor", "0.00")
    refused(
        client_as("purchaser").post(f"{BASE}/scorecards/compute/", {"period_from": "2024-01", "period_to": "2024-01"}),
        403,
    )
    refused(manager.post(f"{BASE}/scorecards/compute/", {"period_from": "2024-05", "period_to": "2024-01"}), 400)


# --- list costs ----------------------------------------------------------------------------------------
def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize(
    "resource", ["suppliers", "price-lists", "purchase-orders", "receipts", "supplier-returns", "scorecards"]
)
def test_list_query_count_does_not_grow_with_page_size(client_as, approved_order, resource, yarn, fabric):
    for _ in range(3):
        other = SupplierFactory()
        SupplierContactFactory(supplier=other)
        PriceListFactory(supplier=other, material=yarn)
        PriceListFactory(supplier=other, material=fabric, min_order_qty=0)
        SupplierScorecard.objects.create(supplier=other, period=date(2024, 1, 1), score=60, standing="average")
        order = approved_order(supplier=other)
        receipt = services.receipt_create(
            purchase_order=order,
            lines=[
                {"po_line": order.lines.get(line_no=1).pk, "qty": Decimal("100")},
                {"po_line": order.lines.get(line_no=2).pk, "rolls": [{"length_m": "50"}, {"length_m": "60"}]},
            ],
            received_on=date(2024, 3, 15),
        )
        lot = receipt.lines.first().lot
        lot_set_qc_status(lot=lot, status=QCStatus.REJECTED)
        services.supplier_return_create(supplier=other, lines=[{"lot": lot, "qty": Decimal("10")}])
    client = client_as("purchase_manager")
    small, small_rows = _queries(client, f"{BASE}/{resource}/?page_size=1")
    large, large_rows = _queries(client, f"{BASE}/{resource}/?page_size=50")
    assert small_rows == 1 and large_rows >= 3
    assert large == small
