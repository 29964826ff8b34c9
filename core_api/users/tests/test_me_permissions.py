"""GET /users/me/ tells the client what the permission table lets the signed-in user call."""

import pytest

from config.permissions import PERMISSIONS
from users.roles import ANYONE, AUTHENTICATED

ME = "/api/v1/users/me/"


@pytest.mark.django_db
def test_storekeeper_may_receive_but_not_approve(client_as):
    perms = client_as("storekeeper").get(ME).json()["permissions"]
    assert perms["procurement-receipts-list"] == ["GET", "POST"]
    assert "procurement-purchase-orders-approve" not in perms
    assert perms["production-work-orders-issue"] == ["POST"]
    assert "production-work-orders-release" not in perms
    assert "planning-planned-orders-firm" not in perms
    # read-only routes come with GET only
    assert perms["inventory-reorder-rules-detail"] == ["GET"]


@pytest.mark.django_db
def test_purchase_manager_may_approve(client_as):
    perms = client_as("purchase_manager").get(ME).json()["permissions"]
    assert perms["procurement-purchase-orders-approve"] == ["POST"]
    assert "procurement-receipts-list" in perms and perms["procurement-receipts-list"] == ["GET"]


@pytest.mark.django_db
def test_admin_gets_every_declared_method(admin_client):
    perms = admin_client.get(ME).json()["permissions"]
    assert perms == {name: sorted(methods) for name, methods in PERMISSIONS.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["planner", "viewer", "sales", "quality", "production"])
def test_permissions_match_the_table_for_every_role(client_as, role):
    client = client_as(role)
    perms = client.get(ME).json()["permissions"]
    for name, methods in PERMISSIONS.items():
        expected = sorted(m for m, rule in methods.items() if rule is ANYONE or rule is AUTHENTICATED or role in rule)
        assert perms.get(name, []) == expected, name


@pytest.mark.django_db
def test_anonymous_gets_401(api):
    response = api.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"]
