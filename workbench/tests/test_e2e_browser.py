"""End to end in headless Chromium: the real API, `streamlit run`, sign in, move a what-if slider."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from core.testing import LiveStack, free_port
from workbench import ui

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def workbench_url(stack, tmp_path):
    port = free_port()
    env = {**os.environ, "WEFT_API_URL": stack.base_url}
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "workbench" / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy():
        try:
            return requests.get(f"{url}/_stcore/health", timeout=2).ok
        except requests.RequestException:
            return False

    try:
        LiveStack.wait_for(healthy, timeout=60, what="streamlit to answer")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]', has_text=label).locator('[data-testid="stMetricValue"]')


def test_sign_in_and_move_a_what_if_slider(stack, mill, workbench_url):
    material = stack.call(
        "GET",
        "/api/v1/inventory/materials/",
        params={"kind__in": "finished,garment,greige,yarn,fibre,dye,chemical,accessory", "is_active": "true"},
    ).json()
    first = sorted(material["results"], key=lambda m: (m["kind"] not in ("finished", "garment"), m["code"]))[0]
    base = {
        "material": first["id"],
        "lead_time_mean": 2.0,
        "lead_time_std": 0.5,
        "ordering_cost": 50.0,
        "holding_cost": 0.2,
    }

    def reorder_point(level: float) -> str:
        body = {"params": {**base, "service_level": level}, "curve": True}
        return ui.qty(stack.call("POST", "/api/v1/ml/what-if/", as_user="planner", json=body).json()["reorder_point"])

    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=60_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1300})
        page.set_default_timeout(60_000)
        page.goto(workbench_url)
        page.get_by_role("textbox", name="Username").fill("planner")
        page.get_by_role("textbox", name="Password").fill("weft-admin")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Forecasts")).to_be_visible()

        page.get_by_role("link", name="Stock what-if").click()  # in-app navigation keeps the session
        expect(page.get_by_role("heading", name="Stock what-if")).to_be_visible()
        expect(metric(page, "Reorder point")).to_have_text(reorder_point(0.95))

        slider = page.get_by_role("slider").first
        slider.focus()
        slider.press("End")  # service level to its maximum, 0.99
        expect(metric(page, "Reorder point")).to_have_text(reorder_point(0.99))
        page.wait_for_timeout(500)  # let the curve redraw before the picture
        page.screenshot(path=str(ARTIFACTS / "workbench-what-if.png"), full_page=True)
        browser.close()
