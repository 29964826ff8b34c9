"""Token flow end to end: obtain, use, refresh with rotation, logout, and every bad token → 401."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/users/me/"


def login(api, username, password="correct-horse-9"):
    return api.post(TOKEN, {"username": username, "password": password}, format="json")


def bearer(api, access):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api


@pytest.mark.django_db
def test_login_me_refresh_logout(api, make_user):
    user = make_user("storekeeper")
    tokens = login(api, user.username).json()
    me = bearer(api, tokens["access"]).get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == user.username and me.json()["roles"] == ["storekeeper"]

    rotated = api.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").json()
    assert rotated["access"] and rotated["refresh"] != tokens["refresh"]
    # rotation blacklists the old refresh token
    reused = api.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "token_not_valid"

    bearer(api, rotated["access"])
    assert api.post(LOGOUT, {"refresh": rotated["refresh"]}, format="json").status_code == 205
    after = api.post(REFRESH, {"refresh": rotated["refresh"]}, format="json")
    assert after.status_code == 401


@pytest.mark.django_db
def test_wrong_password_is_401_in_envelope(api, make_user):
    user = make_user("viewer")
    response = login(api, user.username, "wrong-password")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


@pytest.mark.django_db
def test_sixth_failed_login_in_a_minute_is_throttled(api, make_user):
    user = make_user("viewer")
    for _ in range(5):
        assert login(api, user.username, "nope-nope").status_code == 401
    sixth = login(api, user.username, "nope-nope")
    assert sixth.status_code == 429
    assert int(sixth["Retry-After"]) > 0
    assert sixth.json()["error"]["code"] == "throttled"
    # throttling is per username: another user still signs in
    other = make_user("viewer")
    assert login(api, other.username).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["expired", "forged", "garbage"])
def test_bad_access_tokens_get_401(api, make_user, kind, settings):
    user = make_user("viewer")
    if kind == "expired":
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=-timedelta(minutes=1))
        value = str(token)
    elif kind == "forged":
        good = str(AccessToken.for_user(user))
        header, payload, _ = good.split(".")
        value = f"{header}.{payload}.c2lnbmVkLWJ5LXNvbWVib2R5LWVsc2U"
    else:
        value = "not-a-token"
    response = bearer(api, value).get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


@pytest.mark.django_db
def test_no_token_is_401(api):
    response = api.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_admin_manages_users_and_roles(admin_client):
    created = admin_client.post(
        "/api/v1/users/", {"username": "new-buyer", "password": "long-enough-1", "roles": ["purchaser"]}
    )
    assert created.status_code == 201 and created.json()["roles"] == ["purchaser"]
    uid = created.json()["id"]
    updated = admin_client.patch(f"/api/v1/users/{uid}/", {"roles": ["purchaser", "purchase_manager"]})
    assert updated.json()["roles"] == ["purchase_manager", "purchaser"]
    dup = admin_client.post("/api/v1/users/", {"username": "new-buyer", "password": "long-enough-1", "roles": []})
    assert dup.status_code == 400 and "username" in dup.json()["error"]["fields"]


@pytest.mark.django_db
def test_demo_users_command_creates_one_user_per_role():
    from django.core.management import call_command

    from users.models import User
    from users.roles import ROLES

    call_command("ensure_demo_users")
    call_command("ensure_demo_users")  # re-runnable
    for role in ROLES:
        assert User.objects.get(username=role).roles == [role]


@pytest.mark.django_db
def test_a_signed_in_request_looks_the_user_up_once(api, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("storekeeper")
    bearer(api, login(api, user.username).json()["access"])
    with CaptureQueriesContext(connection) as queries:
        assert api.get(ME).status_code == 200
    user_reads = [q["sql"] for q in queries if 'FROM "users_user"' in q["sql"] and "WHERE" in q["sql"]]
    assert len(user_reads) == 1, user_reads
