"""A scan goes in through the API, the CNN's verdict and defect map come out, the inspector's answer is kept."""

from pathlib import Path

import pytest
from django.conf import settings

from ml_service.models import DefectScan, MLJob

SMALL = Path(settings.WEFT_DATA_DIR) / "fabric-small"


@pytest.fixture
def trained(client_as, django_capture_on_commit_callbacks):
    planner = client_as("planner")
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(
            "/api/v1/ml/jobs/",
            {"kind": "train", "params": {"model": "defect_cnn", "dataset": "small", "epochs": 1, "seed": 1}},
            format="json",
        )
    job = planner.get(f"/api/v1/ml/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job["error"]
    return job


def test_scan_verdict_map_and_inspector_label(trained, client_as, django_capture_on_commit_callbacks):
    assert trained["result"]["metrics"]["dataset"] == "fabric-small"
    inspector = client_as("quality")
    with (SMALL / "Images" / "Fabric1.jpg").open("rb") as image, django_capture_on_commit_callbacks(execute=True):
        response = inspector.post("/api/v1/ml/defect-scans/", {"image": image}, format="multipart")
    assert response.status_code == 202, response.content
    scan = inspector.get(f"/api/v1/ml/defect-scans/{response.json()['id']}/").json()
    assert scan["verdict"] in ("defect", "ok") and 0 <= float(scan["probability"]) <= 1
    assert scan["verdict"] == ("defect" if float(scan["probability"]) >= float(scan["threshold"]) else "ok")
    rows, cols = len(scan["defect_map"]), len(scan["defect_map"][0])
    assert rows >= 2 and cols >= 2 and all(0 <= p <= 1 for row in scan["defect_map"] for p in row)
    labelled = inspector.post(
        f"/api/v1/ml/defect-scans/{scan['id']}/label/", {"label": "defect", "note": "slub"}, format="json"
    )
    assert labelled.status_code == 200 and labelled.json()["inspector_label"] == "defect"
    assert DefectScan.objects.get(pk=scan["id"]).labelled_by == inspector.user


def test_non_image_upload_is_refused_and_nothing_queued(trained, client_as, tmp_path):
    inspector = client_as("quality")
    fake = tmp_path / "scan.png"
    fake.write_text("not an image")
    before = MLJob.objects.count()
    with fake.open("rb") as upload:
        response = inspector.post("/api/v1/ml/defect-scans/", {"image": upload}, format="multipart")
    assert response.status_code == 400 and "image" in response.json()["error"]["fields"]
    assert MLJob.objects.count() == before and DefectScan.objects.count() == 0
