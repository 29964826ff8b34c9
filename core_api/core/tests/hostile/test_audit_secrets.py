"""The audit trail, readable by admins, never carries a password hash."""


def test_audit_trail_holds_no_password_hash(admin_client):
    created = admin_client.post(
        "/api/v1/users/", {"username": "audit-probe", "password": "first-pass-123", "roles": ["viewer"]}, format="json"
    )
    assert created.status_code == 201, created.content
    entries = admin_client.get("/api/v1/audit/", {"page_size": 200}).json()["results"]
    mine = [e for e in entries if e["model"] == "users.user" and e["object_repr"] == "audit-probe"]
    assert mine, entries
    assert all("password" not in (e["changes"] or {}) for e in entries), [e["changes"] for e in mine]
