"""Every API route is in the permission table, and every role gets exactly what the table says."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from config.permissions import PERMISSIONS
from core.permissions import allowed_roles
from core.tests.hostile.fuzz import record
from users.roles import ADMIN, ANYONE, AUTHENTICATED, ROLES


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def api_routes() -> dict[str, list[str]]:
    """URL name → the keyword arguments its pattern needs, for every route under api/."""
    routes: dict[str, list[str]] = {}
    for route, entry in _walk(get_resolver().url_patterns):
        plain = route.replace("^", "")
        if not plain.startswith("api/") or "format" in entry.pattern.regex.groupindex:
            continue
        assert entry.name, f"API route {plain} has no name, so the permission table cannot refer to it"
        routes.setdefault(entry.name, list(entry.pattern.regex.groupindex))
    return routes


ROUTES = api_routes()
PRINCIPALS = [None, *ROLES]


def test_every_api_route_is_in_the_table():
    missing = sorted(set(ROUTES) - set(PERMISSIONS))
    assert not missing, f"routes missing from config/permissions.py: {missing}"


def test_the_table_names_only_real_routes():
    stale = sorted(set(PERMISSIONS) - set(ROUTES))
    assert not stale, f"table entries with no route: {stale}"


def test_methods_in_the_table_are_http_methods():
    for name, methods in PERMISSIONS.items():
        assert set(methods) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}, name


def _url(name: str, kwargs: list[str]) -> str:
    return reverse(name, kwargs={k: "1" for k in kwargs})


def _expected(name: str, method: str, role: str | None) -> bool:
    rule = allowed_roles(name, method)
    if rule is None:
        return False
    if rule is ANYONE:
        return True
    if role is None:
        return False
    return rule is AUTHENTICATED or role == ADMIN or role in rule


@pytest.fixture
def principals(db):
    from rest_framework_simplejwt.tokens import RefreshToken

    from users.services import user_create

    clients = {None: APIClient()}
    for role in ROLES:
        user = user_create(username=f"perm-{role}", password="perm-check-1", roles=[role])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        clients[role] = client
    return clients


@pytest.mark.parametrize("role", PRINCIPALS, ids=lambda r: r or "anonymous")
def test_role_gets_exactly_what_the_table_allows(role, principals):
    client = principals[role]
    wrong = []
    checked = unexpected_2xx = 0
    for name, kwargs in sorted(ROUTES.items()):
        url = _url(name, kwargs)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            declared = method in PERMISSIONS.get(name, {})
            response = getattr(client, method.lower())(url, {}, format="json") if method != "GET" else client.get(url)
            refused = response.status_code in (401, 403)
            checked += 1
            if 200 <= response.status_code < 300 and not (declared and _expected(name, method, role)):
                unexpected_2xx += 1
            if declared and _expected(name, method, role) == refused:
                wrong.append(f"{method} {url} as {role}: {response.status_code}")
            if not declared and response.status_code < 400:
                wrong.append(f"{method} {url} as {role}: {response.status_code} but the method is not in the table")
            if response.status_code >= 500:
                wrong.append(f"{method} {url} as {role}: server error {response.status_code}")
    record("permission_matrix", combinations_checked=checked, unexpected_2xx=unexpected_2xx, mismatches=len(wrong))
    assert checked == len(ROUTES) * 5
    assert not wrong, "\n".join(wrong)


def test_table_keys_are_plain_names():
    for name in PERMISSIONS:
        assert re.fullmatch(r"[a-z0-9_-]+", name), name
