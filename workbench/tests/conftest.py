"""One live Weft stack (API + worker on a temporary SQLite database) seeded with a small mill."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.testing import PASSWORD, LiveStack
from workbench import api

APP = Path(__file__).resolve().parents[1] / "app.py"
SEED = Path(__file__).with_name("seed_mill.py")
JOBS = "/api/v1/ml/jobs/"


def run_job(stack: LiveStack, kind: str, params: dict, *, timeout: float = 240) -> dict:
    response = stack.call("POST", JOBS, as_user="planner", json={"kind": kind, "params": params})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    def finished():
        job = stack.call("GET", f"{JOBS}{job_id}/").json()
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = stack.wait_for(finished, timeout=timeout, what=f"{kind} job {job_id}")
    assert job["status"] == "succeeded", (job["error"], stack.log("worker"))
    return job


def seed_mill(stack: LiveStack) -> dict:
    """The small mill, a trained forecaster with forecasts for two articles, and a what-if surrogate."""
    mill = json.loads(stack.manage("shell", "-c", SEED.read_text()).strip().splitlines()[-1])
    stack.start_worker()
    params = {"model": "demand_forecast", "algorithm": "snaive", "seed": 7, "season": 52, "horizon": 8}
    mill["forecaster"] = run_job(stack, "train", params)["result"]
    run_job(stack, "forecast", {"materials": mill["articles"][:2], "horizon": 8})
    surrogate = {"model": "inventory_surrogate", "seed": 3, "n_cases": 120, "n_estimators": 30}
    mill["surrogate"] = run_job(stack, "train", surrogate)["result"]
    run_job(stack, "score_suppliers", {"seed": 1})
    run_job(stack, "train", {"model": "defect_cnn", "dataset": "small", "epochs": 1, "seed": 1})
    return mill


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with LiveStack(tmp_path_factory.mktemp("workbench-stack")) as live:
        live.mill = seed_mill(live)
        yield live


@pytest.fixture(scope="session")
def mill(stack) -> dict:
    return stack.mill


@pytest.fixture(autouse=True)
def _api_url(stack, monkeypatch):
    monkeypatch.setenv("WEFT_API_URL", stack.base_url)
    st.cache_data.clear()
    yield


def auth_for(stack: LiveStack, username: str) -> dict:
    return api.login(username, PASSWORD, stack.base_url)


def open_page(stack: LiveStack, username: str, page: str | None = None, timeout: float = 90) -> AppTest:
    """The app signed in as `username`, on `page` (e.g. "pages/what_if.py")."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.session_state[api.AUTH_KEY] = auth_for(stack, username)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def api_get(stack: LiveStack, path: str, **params) -> dict:
    response = stack.call("GET", path, as_user="planner", params=params)
    assert response.status_code == 200, (response.text, stack.log("api")[-3000:])
    return response.json()


__all__ = ["api_get", "auth_for", "open_page", "requests", "run_job", "texts", "os"]


@pytest.fixture
def free_port_url() -> str:
    from core.testing import free_port

    return f"http://127.0.0.1:{free_port()}"
