"""Batch forecasting over the demo mill's articles with 1 and with 2 worker processes, and the API's
enqueue latency (POST /api/v1/ml/jobs/ → 202), on a real stack (gunicorn + Celery, embedded broker
by default; DATABASE_URL/REDIS_URL-style runs: `--database postgres --broker redis`).

`python -m benchmarks.batch_forecast [--years 1] [--chunk 10]` → benchmarks/results/batch_forecast.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "core_api"), str(REPO)]

from core.testing import LiveStack  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "batch_forecast.json"


def _wait_job(stack: LiveStack, job_id: int, timeout: float = 1800) -> dict:
    def finished():
        job = stack.call("GET", f"/api/v1/ml/jobs/{job_id}/", as_user="planner").json()
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    return stack.wait_for(finished, timeout=timeout, what=f"job {job_id}", interval=0.5)


def _submit(stack: LiveStack, kind: str, params: dict) -> tuple[int, float]:
    started = time.perf_counter()
    response = stack.call("POST", "/api/v1/ml/jobs/", as_user="planner", json={"kind": kind, "params": params})
    elapsed = time.perf_counter() - started
    if response.status_code != 202:
        raise SystemExit(f"{kind} refused: {response.status_code} {response.text}")
    return response.json()["id"], elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--broker", default="embedded", choices=["embedded", "redis"])
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as root,
        LiveStack(Path(root), database=args.database, broker=args.broker) as stack,
    ):
        print(f"seeding a {args.years}-year demo mill …", file=sys.stderr, flush=True)
        stack.manage("seed_demo", "--years", str(args.years), timeout=1800)
        stack.start_worker("worker-1")
        train, _ = _submit(stack, "train", {"model": "demand_forecast", "algorithm": "auto"})
        trained = _wait_job(stack, train)
        if trained["status"] != "succeeded":
            raise SystemExit(f"training failed: {trained['error'][:500]}")
        timings = {}
        for workers in (1, 2):
            if workers == 2:
                stack.start_worker("worker-2")
                time.sleep(5)  # let the second worker connect before the batch is split
            job_id, _ = _submit(stack, "batch_forecast", {"horizon": 13, "chunk_size": args.chunk})
            started = time.perf_counter()
            done = _wait_job(stack, job_id)
            timings[workers] = time.perf_counter() - started
            print(f"{workers} worker(s): {timings[workers]:.1f} s ({done['result']})", file=sys.stderr, flush=True)
        latencies = [
            _submit(
                stack,
                "what_if",
                {
                    "material": _some_material(stack),
                    "service_level": 0.95,
                    "lead_time_mean": 2,
                    "ordering_cost": 50,
                    "holding_cost": 0.2,
                    "demand_mean": 100,
                    "demand_std": 20,
                },
            )[1]
            for _ in range(30)
        ]
        articles = done["result"].get("materials")
    result = {
        "command": "python -m benchmarks.batch_forecast",
        "database": args.database,
        "broker": args.broker,
        "years": args.years,
        "chunk_size": args.chunk,
        "articles": articles,
        "seconds_1_worker": round(timings[1], 2),
        "seconds_2_workers": round(timings[2], 2),
        "speedup_2_vs_1": round(timings[1] / timings[2], 3),
        "enqueue_ms_p50": round(1000 * statistics.median(latencies), 1),
        "enqueue_ms_p95": round(1000 * sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 0


def _some_material(stack: LiveStack) -> int:
    page = stack.call("GET", "/api/v1/ml/forecasts/", as_user="planner", params={"page_size": 1}).json()
    return page["results"][0]["material"]


if __name__ == "__main__":
    raise SystemExit(main())
