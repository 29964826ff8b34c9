from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import LocationKind, QCStatus, StockBalance
from quality.models import Inspection, RollDefect, RollInspection, RollInspectionImage

from .factories import (
    FinishedFactory,
    LocationFactory,
    NumericParameterFactory,
    RejectionReasonFactory,
    TemplateFactory,
    YarnFactory,
    receive,
    receive_rolls,
)

Q = "/api/v1/quality"


@pytest.fixture
def inspector(client_as):
    return client_as("quality")


@pytest.fixture
def stores(db):
    return LocationFactory(code="STORES", kind=LocationKind.STORES)


@pytest.fixture
def quarantine(db):
    return LocationFactory(code="QC", kind=LocationKind.QUARANTINE)


def error(response):
    body = response.json()["error"]
    return body["code"], body["fields"]


def test_releasing_a_rejected_lot_is_422_and_moves_nothing(inspector, quarantine, stores):
    template = TemplateFactory()
    param = NumericParameterFactory(template=template, min_value=0, max_value=5)
    RejectionReasonFactory(code="CONTAMINATION")
    lot = receive(YarnFactory(), quarantine, "300", status=QCStatus.QUARANTINE)
    rejected = inspector.post(
        f"{Q}/inspections/",
        {
            "lot": lot.pk,
            "template": template.pk,
            "decision": "reject",
            "rejection_reasons": ["CONTAMINATION"],
            "results": [{"parameter": param.pk, "value_numeric": "9"}],
        },
        format="json",
    )
    assert rejected.status_code == 201 and rejected.json()["rejection_reasons"] == ["CONTAMINATION"]
    response = inspector.post(
        f"{Q}/inspections/",
        {
            "lot": lot.pk,
            "template": template.pk,
            "decision": "release",
            "release_to": stores.pk,
            "results": [{"parameter": param.pk, "value_numeric": "1"}],
        },
        format="json",
    )
    assert response.status_code == 422
    assert error(response) == ("lot_rejected", {"decision": ["release is not allowed for a rejected lot"]})
    lot.refresh_from_db()
    assert lot.qc_status == QCStatus.REJECTED and Inspection.objects.count() == 1
    assert not StockBalance.objects.filter(lot=lot, location=stores).exists()


def test_inspection_bad_input_is_400_naming_the_field(inspector, quarantine):
    template = TemplateFactory()
    param = NumericParameterFactory(template=template)
    lot = receive(YarnFactory(), quarantine, "300", status=QCStatus.QUARANTINE)
    body = {"lot": lot.pk, "template": template.pk, "results": [{"parameter": param.pk, "value_bool": True}]}
    response = inspector.post(f"{Q}/inspections/", body, format="json")
    assert response.status_code == 400 and "results.0.value_numeric" in error(response)[1]
    response = inspector.post(f"{Q}/inspections/", {**body, "grade": "A"}, format="json")
    assert response.status_code == 400 and "grade" in error(response)[1]
    assert not Inspection.objects.exists()


def test_defects_outside_the_roll_are_400_and_nothing_is_written(inspector, stores):
    _, rolls = receive_rolls(FinishedFactory(), stores, [Decimal("91.44")])  # 100 yd
    body = {
        "roll": rolls[0].pk,
        "defects": [
            {"defect_type": "slub", "length_in": "2", "position_yd": "40"},
            {"defect_type": "hole", "hole_size_in": "0.5", "position_yd": "101"},
        ],
    }
    response = inspector.post(f"{Q}/roll-inspections/", body, format="json")
    assert response.status_code == 400
    code, fields = error(response)
    assert code == "position_outside_roll" and "0–100.00 yd" in fields["defects.1.position_yd"][0]
    assert not RollInspection.objects.exists() and not RollDefect.objects.exists()
    rolls[0].refresh_from_db()
    assert rolls[0].points is None and rolls[0].grade == ""


def test_second_inspection_of_a_roll_is_409(inspector, stores):
    _, rolls = receive_rolls(FinishedFactory(), stores, [100])
    body = {"roll": rolls[0].pk, "defects": []}
    assert inspector.post(f"{Q}/roll-inspections/", body, format="json").status_code == 201
    again = inspector.post(f"{Q}/roll-inspections/", body, format="json")
    assert again.status_code == 409 and error(again)[0] == "already_inspected"


def test_threshold_table_by_name(inspector, stores):
    created = inspector.post(
        f"{Q}/points-thresholds/", {"name": "buyer-x", "max_points_per_100yd2": "20"}, format="json"
    )
    assert created.status_code == 201
    _, rolls = receive_rolls(FinishedFactory(width_cm=Decimal("152.4")), stores, [Decimal("91.44")])
    defects = [{"defect_type": "crease", "length_in": "12", "position_yd": str(y)} for y in range(6)]  # 24 points
    body = {"roll": rolls[0].pk, "defects": defects, "threshold": "buyer-x"}
    unknown = inspector.post(f"{Q}/roll-inspections/", {**body, "threshold": "nobody"}, format="json")
    assert unknown.status_code == 400 and "threshold" in error(unknown)[1]
    graded = inspector.post(f"{Q}/roll-inspections/", body, format="json").json()
    assert (graded["points_per_100yd2"], graded["grade"], graded["threshold"]) == ("14.40", "first", "20.00")


def test_defect_image_upload(inspector, stores, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, rolls = receive_rolls(FinishedFactory(), stores, [100])
    graded = inspector.post(
        f"{Q}/roll-inspections/",
        {"roll": rolls[0].pk, "defects": [{"defect_type": "hole", "hole_size_in": "0.5", "position_yd": "3"}]},
        format="json",
    ).json()
    png = SimpleUploadedFile("hole.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    response = inspector.post(
        f"{Q}/roll-inspections/{graded['id']}/images/",
        {"image": png, "defect": graded["defects"][0]["id"], "caption": "hole at 3 yd"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    stored = RollInspectionImage.objects.get()
    assert stored.defect_id == graded["defects"][0]["id"]
    assert (tmp_path / stored.image.name).read_bytes().endswith(b"fake")
    missing = inspector.post(f"{Q}/roll-inspections/{graded['id']}/images/", {"caption": "x"}, format="multipart")
    assert missing.status_code == 400 and "image" in error(missing)[1]


def test_roles(client_as, stores):
    _, rolls = receive_rolls(FinishedFactory(), stores, [100])
    body = {"roll": rolls[0].pk, "defects": []}
    assert client_as("production").post(f"{Q}/roll-inspections/", body, format="json").status_code == 403
    assert client_as("viewer").get(f"{Q}/roll-inspections/").status_code == 200
    assert (
        client_as("production").post(f"{Q}/non-conformances/", {"description": "oil stain"}, format="json").status_code
        == 201
    )


def test_non_conformance_lifecycle(inspector):
    nc = inspector.post(f"{Q}/non-conformances/", {"description": "needle lines on M-12"}, format="json").json()
    url = f"{Q}/non-conformances/{nc['id']}/"
    refused = inspector.patch(url, {"status": "closed"}, format="json")
    assert refused.status_code == 422 and set(error(refused)[1]) == {"root_cause", "action"}
    closed = inspector.patch(
        url,
        {"status": "closed", "root_cause": "worn needle", "action": "needle change schedule"},
        format="json",
        HTTP_IF_MATCH=f'"{nc["version"]}"',
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_shade_standard_one_active_per_shade_and_customer(inspector):
    body = {"shade_code": "NAVY-01", "customer_code": "ACME", "lab_l": "32", "lab_a": "1", "lab_b": "-25"}
    assert inspector.post(f"{Q}/shade-standards/", body, format="json").status_code == 201
    again = inspector.post(f"{Q}/shade-standards/", body, format="json")
    assert again.status_code == 409
    assert inspector.post(f"{Q}/shade-standards/", {**body, "lab_l": "120"}, format="json").status_code == 400


def test_list_queries_do_not_grow_with_page_size(inspector, stores):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            for resource in ("roll-inspections", "shade-readings", "inspections", "templates", "non-conformances"):
                assert inspector.get(f"{Q}/{resource}/", {"page_size": 50}).status_code == 200
        return len(ctx)

    fabric = FinishedFactory(shade_code="NAVY-01")
    _, rolls = receive_rolls(fabric, stores, [100] * 8)
    inspector.post(
        f"{Q}/shade-standards/", {"shade_code": "NAVY-01", "lab_l": "32", "lab_a": "1", "lab_b": "-25"}, format="json"
    )

    def grade(roll):
        defects = [{"defect_type": "slub", "length_in": "1", "position_yd": "2"}]
        inspector.post(f"{Q}/roll-inspections/", {"roll": roll.pk, "defects": defects}, format="json")
        inspector.post(
            f"{Q}/shade-readings/", {"roll": roll.pk, "lab_l": "32", "lab_a": "1", "lab_b": "-25"}, format="json"
        )
        inspector.post(f"{Q}/non-conformances/", {"description": f"check {roll.code}"}, format="json")

    for roll in rolls[:2]:
        grade(roll)
    few = count_queries()
    for roll in rolls[2:]:
        grade(roll)
    assert count_queries() == few
