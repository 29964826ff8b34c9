"""The benchmark's constant endpoint exists only when WEFT_BENCH_ENDPOINTS is on."""

import importlib

import pytest
from django.test.utils import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import config.urls
from core.tests.test_permission_table import api_routes

BENCH_PATH = "/api/bench/constant/"


def _reload_urls() -> None:
    importlib.reload(config.urls)
    clear_url_caches()


def test_bench_route_is_absent_by_default(api):
    assert "bench-constant" not in api_routes()
    with pytest.raises(NoReverseMatch):
        reverse("bench-constant")
    response = api.get(BENCH_PATH)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_bench_route_answers_without_auth_or_database_when_switched_on(api):
    try:
        with override_settings(WEFT_BENCH_ENDPOINTS=True):
            _reload_urls()
            assert "bench-constant" in api_routes()
            # No `db` fixture here: pytest-django raises on any database access, so this proves none.
            response = api.get(BENCH_PATH)
            assert response.status_code == 200
            assert response.json() == {"status": "ok", "items": [1, 2, 3]}
            assert api.post(BENCH_PATH, {}).status_code == 405
    finally:
        _reload_urls()
    assert "bench-constant" not in api_routes()
