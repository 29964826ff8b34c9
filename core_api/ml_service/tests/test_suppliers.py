"""Supplier ML scores from the mill's own receipts and inspections, fed back into the scorecard."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory import services as inventory
from inventory.models import LocationKind, QCStatus
from ml_service.features import supplier_features, supplier_training_frame
from procurement import services as procurement
from procurement.models import SupplierMLScore
from procurement.tests.factories import LocationFactory, MaterialFactory, PriceListFactory, SupplierFactory

# Per supplier: days late against the 10-day promise, and which months' lots fail inspection.
BEHAVIOUR = {
    "steady": {"late": lambda m: 0, "reject": lambda m: False},
    "careful": {"late": lambda m: -2, "reject": lambda m: False},
    "late": {"late": lambda m: 12, "reject": lambda m: m % 3 == 0},
    "patchy": {"late": lambda m: 9 * (m % 2), "reject": lambda m: m % 2 == 1},
}


@pytest.fixture
def supplier_history(db, make_user):
    quarantine = LocationFactory(kind=LocationKind.QUARANTINE)
    stores = LocationFactory(warehouse=quarantine.warehouse, kind=LocationKind.STORES)
    yarn = MaterialFactory()
    manager = make_user("purchase_manager")
    suppliers = {}
    for name, behaviour in BEHAVIOUR.items():
        supplier = SupplierFactory(code=name.upper())
        PriceListFactory(
            supplier=supplier,
            material=yarn,
            price=Decimal("4.00"),
            min_order_qty=Decimal("0"),
            valid_from=date(2023, 1, 1),
        )
        for month in range(10):
            ordered = date(2024, 1 + month, 3)
            promised = ordered + timedelta(days=10)
            order = procurement.purchase_order_create(
                supplier=supplier,
                warehouse=quarantine.warehouse,
                order_date=ordered,
                expected_date=promised,
                lines=[{"material": yarn, "qty": Decimal("100"), "promised_date": promised}],
            ).document
            procurement.purchase_order_submit(order=order, user=manager)
            procurement.purchase_order_approve(order=order, user=manager)
            receipt = procurement.receipt_create(
                purchase_order=order,
                received_on=promised + timedelta(days=behaviour["late"](month)),
                lines=[{"po_line": order.lines.get(), "qty": Decimal("100")}],
            )
            lot = receipt.lines.get().lot
            if behaviour["reject"](month):
                inventory.lot_set_qc_status(lot=lot, status=QCStatus.REJECTED)
            else:
                inventory.lot_set_qc_status(lot=lot, status=QCStatus.RELEASED, release_to=stores)
        suppliers[name] = supplier
    return suppliers


def test_supplier_features_follow_the_ledger(supplier_history):
    features = supplier_features().set_index(["supplier", "period"])
    steady = features.loc[supplier_history["steady"].pk]
    late = features.loc[supplier_history["late"].pk]
    assert (steady["on_time_rate"] == 1).all() and (late["on_time_rate"] == 0).all()
    assert steady["lead_time_mean_days"].iloc[0] == 10 and late["lead_time_mean_days"].iloc[0] == 22
    assert late["accept_rate"].iloc[0] == 0 and late["accept_rate"].iloc[1] == 1
    assert (steady["price_variance"] == 0).all()
    labelled = supplier_training_frame(supplier_features())
    assert len(labelled) == 4 * 9  # the last month of each supplier has no next month to learn from
    assert set(labelled["target"]) == {0, 1}


def test_scoring_job_ranks_reliable_suppliers_first_and_feeds_the_scorecard(
    supplier_history, client_as, django_capture_on_commit_callbacks
):
    planner = client_as("planner")
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post("/api/v1/ml/jobs/", {"kind": "score_suppliers", "params": {"seed": 3}}, format="json")
    job = planner.get(f"/api/v1/ml/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job["error"]
    scores = {
        s["supplier_code"]: s for s in planner.get("/api/v1/ml/supplier-scores/", {"latest": "true"}).json()["results"]
    }
    assert set(scores) == {"STEADY", "CAREFUL", "LATE", "PATCHY"}
    assert min(float(scores[n]["score"]) for n in ("STEADY", "CAREFUL")) > float(scores["LATE"]["score"])
    late = scores["LATE"]["contributions"]
    assert set(late) >= {"on_time_rate", "accept_rate"} and late["on_time_rate"] < 0
    stored = SupplierMLScore.objects.get(supplier=supplier_history["late"], period=date(2024, 10, 1))
    assert stored.score == Decimal(scores["LATE"]["score"])
