"""Error envelope, body limits, health, schema, idempotency and ETag handling."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings


def assert_envelope(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


@pytest.mark.django_db
def test_health_reports_database_and_broker(api):
    response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "embedded"}


@pytest.mark.django_db
def test_health_reports_broker_error_as_degraded(api, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    body = api.get("/api/health/").json()
    assert body["status"] == "degraded" and body["broker"] == "error"


@pytest.mark.django_db
def test_malformed_json_is_400_in_envelope(admin_client):
    response = admin_client.generic("POST", "/api/v1/users/", data=b'{"username": ', content_type="application/json")
    assert_envelope(response, 400, "malformed_request")


@pytest.mark.django_db
def test_unknown_and_wrong_typed_fields_are_named(admin_client):
    error = assert_envelope(
        admin_client.post(
            "/api/v1/users/", {"username": "ok-name", "password": "long-enough-1", "roles": "x", "colour": 1}
        ),
        400,
        "validation_error",
    )
    assert "colour" in error["fields"] and "roles" in error["fields"]


@pytest.mark.django_db
@override_settings(WEFT_MAX_BODY_BYTES=1000)
def test_oversized_body_is_413(admin_client):
    response = admin_client.post("/api/v1/users/", {"username": "x" * 2000}, format="json")
    assert_envelope(response, 413, "payload_too_large")


@pytest.mark.django_db
def test_unknown_api_path_is_404_in_envelope(admin_client):
    assert_envelope(admin_client.get("/api/v1/no-such-thing/"), 404)


def test_schema_generates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/auth/token/" in out.getvalue()


@pytest.mark.django_db
def test_docs_page_is_served(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


@pytest.mark.django_db
def test_idempotency_key_replays_first_response(admin_client):
    from users.models import User

    body = {"username": "idem-user", "password": "long-enough-1", "roles": ["viewer"]}
    first = admin_client.post("/api/v1/users/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    for _ in range(5):
        again = admin_client.post("/api/v1/users/", body, HTTP_IDEMPOTENCY_KEY="k-1")
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
    assert User.objects.filter(username="idem-user").count() == 1


@pytest.mark.django_db
def test_idempotency_key_reused_with_other_body_is_409(admin_client):
    admin_client.post(
        "/api/v1/users/", {"username": "idem-a", "password": "long-enough-1", "roles": []}, HTTP_IDEMPOTENCY_KEY="k-2"
    )
    response = admin_client.post(
        "/api/v1/users/", {"username": "idem-b", "password": "long-enough-1", "roles": []}, HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert_envelope(response, 409, "idempotency_key_reused")


@pytest.mark.django_db
def test_failed_request_does_not_burn_the_idempotency_key(admin_client):
    bad = {"username": "idem-c", "password": "short", "roles": []}
    assert admin_client.post("/api/v1/users/", bad, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 400
    good = {"username": "idem-c", "password": "long-enough-1", "roles": []}
    assert admin_client.post("/api/v1/users/", good, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    assert admin_client.post("/api/v1/users/", bad, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 409


@pytest.mark.django_db
def test_audit_trail_records_actor_of_api_mutation(admin_client, client_as):
    admin_client.post("/api/v1/users/", {"username": "audited", "password": "long-enough-1", "roles": ["viewer"]})
    entries = admin_client.get("/api/v1/audit/", {"content_type__model": "user"}).json()["results"]
    created = [e for e in entries if e["object_repr"] == "audited" and e["action"] == "create"]
    assert created and created[0]["actor"] == admin_client.user.username
    assert client_as("planner").get("/api/v1/audit/").status_code == 403
