"""Workbench page renders: `python -m benchmarks.workbench_pages`.

Starts a real API on a temporary SQLite database, seeds the demo mill (`seed_demo`), trains the
models the pages show with a worker, then renders every workbench page with Streamlit's AppTest as
a planner: once cold (empty caches, every read goes to the API) and several times warm. Writes
`benchmarks/results/workbench_pages.json` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "core_api"), str(REPO)]

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.testing import PASSWORD, LiveStack  # noqa: E402
from workbench import api  # noqa: E402

RESULT = Path(__file__).resolve().parent / "results" / "workbench_pages.json"
APP = REPO / "workbench" / "app.py"
PAGES = {
    "forecasts": "pages/forecasts.py",
    "what_if": "pages/what_if.py",
    "suppliers": "pages/suppliers.py",
    "quality": "pages/quality.py",
    "models": "pages/models.py",
    "planning": "pages/planning.py",
}
FIRST_JOBS = [
    ("train", {"model": "demand_forecast", "algorithm": "snaive", "seed": 42, "horizon": 13}),
    ("train", {"model": "inventory_surrogate", "seed": 42, "n_cases": 400, "n_estimators": 50}),
    ("batch_forecast", {"horizon": 13}),
    ("score_suppliers", {"seed": 42}),
]


def run_job(stack: LiveStack, kind: str, params: dict) -> dict:
    """Run one job to its end (children included); a refusal or failure is recorded, not raised."""
    job = stack.call("POST", "/api/v1/ml/jobs/", as_user="planner", json={"kind": kind, "params": params}).json()
    if "id" not in job:
        return {"status": "refused", "error": job.get("error", {}).get("message")}
    return wait_job(stack, job["id"], f"{kind} job")


def wait_job(stack: LiveStack, job_id: int, what: str) -> dict:
    """Wait until a job and its chunks have ended; the job as the API shows it then."""

    def done():
        now = stack.call("GET", f"/api/v1/ml/jobs/{job_id}/").json()
        if now["status"] in ("succeeded", "failed", "cancelled"):
            children = stack.call("GET", "/api/v1/ml/jobs/", params={"parent": job_id, "page_size": 200}).json()
            if all(c["status"] in ("succeeded", "failed", "cancelled") for c in children["results"]):
                return now
        return None

    return stack.wait_for(done, timeout=1800, what=f"{what} {job_id}", interval=1)


def render(auth: dict, page: str) -> tuple[float, list[str]]:
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.session_state[api.AUTH_KEY] = auth
    at.run()
    at.switch_page(page)
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    problems = [e.message for e in at.exception] + [e.value for e in at.error]
    return seconds, problems


# The framework's floor, timed the same way: a script that draws a title and a line, no API calls.
BASELINE_SCRIPT = "import streamlit as st\nst.title('Weft')\nst.write('ok')\n"


def render_baseline() -> float:
    at = AppTest.from_string(BASELINE_SCRIPT, default_timeout=60)
    at.run()
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=1.0, help="years of demo-mill history (default 1)")
    parser.add_argument("--warm-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root, LiveStack(Path(root)) as stack:
        started = time.perf_counter()
        stack.manage("seed_demo", "--years", str(args.years), timeout=1800)
        seeded = time.perf_counter() - started
        stack.start_worker()
        jobs = {}
        for kind, params in FIRST_JOBS:
            outcome = run_job(stack, kind, params)
            name = f"{kind}:{params['model']}" if "model" in params else kind
            jobs[name] = {"status": outcome["status"], "error": outcome.get("error") or None}
        # A 12-week plan, so the planning page has loads, planned orders and exceptions to show.
        run = stack.call("POST", "/api/v1/planning/runs/", as_user="planner", json={"horizon_weeks": 12}).json()
        planned = wait_job(stack, run["job"], "planning job")
        jobs["planning"] = {"status": planned["status"], "error": planned.get("error") or None}
        os.environ["WEFT_API_URL"] = stack.base_url
        auth = api.login("planner", PASSWORD, stack.base_url)
        baseline = statistics.median(render_baseline() for _ in range(max(3, args.warm_runs)))
        pages = {}
        for name, path in PAGES.items():
            st.cache_data.clear()
            cold, problems = render(auth, path)
            warm = [render(auth, path)[0] for _ in range(args.warm_runs)]
            pages[name] = {
                "cold_s": round(cold, 3),
                "warm_median_s": round(statistics.median(warm), 3),
                "cold_ratio_to_baseline": round(cold / baseline, 1),
                "warm_ratio_to_baseline": round(statistics.median(warm) / baseline, 1),
                "problems": problems,
            }
        counts = {
            name: stack.call("GET", path, params={"page_size": 1}).json().get("count")
            for name, path in {
                "materials": "/api/v1/inventory/materials/",
                "sales_orders": "/api/v1/sales/orders/",
                "suppliers": "/api/v1/procurement/suppliers/",
                "roll_inspections": "/api/v1/quality/roll-inspections/",
                "forecasts": "/api/v1/ml/forecasts/",
            }.items()
        }
    result = {
        "benchmark": "workbench_pages",
        "years": args.years,
        "seed_seconds": round(seeded, 1),
        "jobs": jobs,
        "data": counts,
        "baseline": {"what": "a two-line Streamlit script, same harness", "median_s": round(baseline, 4)},
        "pages": pages,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print("| page | cold render (s) | warm render, median (s) | problems |")
    print("|---|---|---|---|")
    for name, figures in pages.items():
        print(f"| {name} | {figures['cold_s']} | {figures['warm_median_s']} | {len(figures['problems'])} |")
    print(json.dumps({name: figures["cold_s"] for name, figures in pages.items()}))


if __name__ == "__main__":
    main()
