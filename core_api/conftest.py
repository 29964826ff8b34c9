"""Fixtures shared by every app's tests."""

import itertools

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from users.roles import ROLES

_counter = itertools.count()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    from users.services import user_create

    def make(*roles: str, username: str | None = None, password: str = "correct-horse-9"):
        name = username or f"{'-'.join(roles) or 'norole'}-{next(_counter)}"
        return user_create(username=name, password=password, roles=list(roles))

    return make


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    token = RefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def client_as(make_user):
    """`client_as("storekeeper")` → an APIClient signed in as a new user with that role."""

    def make(*roles: str):
        user = make_user(*roles)
        client = client_for(user)
        client.user = user
        return client

    return make


@pytest.fixture
def admin_client(client_as):
    return client_as("admin")


ALL_ROLES = ROLES
