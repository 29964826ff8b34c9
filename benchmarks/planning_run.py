"""MRP run time on the demo mill: `python -m benchmarks.planning_run` (from the repository root).

Builds the demo mill (`seed_demo`, WEFT_BENCH_YEARS years of history, default 3) in a temporary
SQLite database, adds machine groups for its stages, trains the demand forecaster and forecasts
every article (the `train` and `batch_forecast` jobs, chunks included, run in this process as a
worker would run them), so demand is the open sales orders plus the forecasts as a planner's
would be. Then it runs a 12-week plan as a `planning` job exactly as the API would (claimed, run,
results written in one transaction) and times it, repeating the engine alone a few times; the
baseline in the same run is the engine on the orders alone (no forecasts). Writes
benchmarks/results/planning_run.json and prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "benchmarks" / "results" / "planning_run.json"
HORIZON = 12
REPEATS = int(os.environ.get("WEFT_BENCH_REPEATS", "3"))
YEARS = float(os.environ.get("WEFT_BENCH_YEARS", "3"))


def _setup(path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    # Jobs run in this process; what they enqueue goes to a broker folder nobody else reads.
    os.environ["WEFT_BROKER_DIR"] = str(path.parent / "broker")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(REPO / "core_api"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run_job(kind: str, params: dict) -> dict:
    """Submit one job and run it, then its chunks, here as a worker would; its outcome and seconds."""
    from ml_service.jobs import execute_job, job_submit
    from ml_service.models import MLJob

    started = time.perf_counter()
    job = job_submit(kind=kind, params=params)
    execute_job(job.pk, worker="bench")
    for child in MLJob.objects.filter(parent=job).order_by("pk"):
        execute_job(child.pk, worker="bench")
    job.refresh_from_db()
    seconds = time.perf_counter() - started
    print(f"{kind}: {job.status} in {seconds:.1f} s", file=sys.stderr, flush=True)
    if job.status != "succeeded":
        raise SystemExit(f"the {kind} job {job.status}: {job.error} (a plan without forecasts is not this benchmark)")
    return {"status": job.status, "error": job.error or None, "seconds": round(seconds, 1)}


def main() -> dict:
    with tempfile.TemporaryDirectory(prefix="weft-planning-bench-") as tmp:
        _setup(Path(tmp) / "bench.sqlite3")
        from django.core.management import call_command
        from django.utils import timezone

        from inventory.models import Material
        from ml_service.jobs import execute_job
        from ml_service.models import Forecast, MLJob
        from planning import services
        from planning.engine import Planner, monday
        from planning.models import MachineGroup, PlannedOrder, PlanningRun
        from production.models import BOM
        from sales.models import OPEN_ORDER_STATUSES, SalesOrderLine

        started = time.perf_counter()
        call_command("seed_demo", years=YEARS, seed=42, verbosity=0)
        seed_s = time.perf_counter() - started
        for code, stage, kg_day in (
            ("KNIT", "knitting", 6000),
            ("LOOM", "weaving", 4000),
            ("JET", "dyeing", 8000),
            ("STENTER", "finishing", 12000),
        ):
            if not MachineGroup.objects.filter(stage=stage).exists():
                services.machine_group_create(code=code, name=code, stage=stage, capacity_kg_per_day=kg_day)

        today = timezone.localdate()
        # The engine on the open orders alone, before any forecast exists: the baseline.
        baseline_s = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            Planner(run_date=today, horizon_weeks=HORIZON).run()
            baseline_s.append(time.perf_counter() - started)

        started = time.perf_counter()
        forecast_jobs = {
            kind: _run_job(kind, params)
            for kind, params in (
                ("train", {"model": "demand_forecast", "seed": 42, "horizon": 13}),
                ("batch_forecast", {"horizon": HORIZON + 1}),
            )
        }
        forecast_s = time.perf_counter() - started

        run = PlanningRun.objects.create(horizon_weeks=HORIZON, run_date=today, start_week=monday(today))
        job = MLJob.objects.create(kind="planning", params={"run": run.pk, "horizon_weeks": HORIZON})
        run.job = job
        run.save(update_fields=["job"])
        started = time.perf_counter()
        outcome = execute_job(job.pk, worker="bench")
        job_s = time.perf_counter() - started
        job.refresh_from_db()
        run.refresh_from_db()

        engine_s = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            Planner(run_date=today, horizon_weeks=HORIZON).run()
            engine_s.append(time.perf_counter() - started)

        result = {
            "benchmark": "planning_run",
            "date": date.today().isoformat(),
            "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
            "database": "sqlite (temporary file)",
            "demo": {
                "years": YEARS,
                "seed_s": round(seed_s, 1),
                "materials": Material.objects.count(),
                "active_boms": BOM.objects.filter(is_active=True).count(),
                "open_order_lines": SalesOrderLine.objects.filter(order__status__in=OPEN_ORDER_STATUSES).count(),
                "forecast_rows": Forecast.objects.count(),
                "forecast_articles": Forecast.objects.values("material").distinct().count(),
            },
            "forecasting": {"jobs": forecast_jobs, "seconds": round(forecast_s, 1)},
            "horizon_weeks": HORIZON,
            "job": {"outcome": outcome, "status": job.status, "seconds": round(job_s, 3)},
            "engine_seconds": {
                "median": round(statistics.median(engine_s), 3),
                "runs": [round(s, 3) for s in engine_s],
            },
            "baseline_engine_seconds_orders_only": {
                "median": round(statistics.median(baseline_s), 3),
                "runs": [round(s, 3) for s in baseline_s],
            },
            "ratio_engine_to_orders_only": round(statistics.median(engine_s) / statistics.median(baseline_s), 2),
            "summary": run.summary,
            "planned_orders_written": PlannedOrder.objects.filter(run=run).count(),
        }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print("| what | value |\n|---|---|")
    print(f"| 12-week run as a job (claim, plan, write) | {result['job']['seconds']} s ({job.status}) |")
    print(f"| engine alone, median of {REPEATS} | {result['engine_seconds']['median']} s |")
    print(f"| engine on the orders alone (baseline) | {result['baseline_engine_seconds_orders_only']['median']} s |")
    print(f"| forecasting first (train + batch) | {result['forecasting']['seconds']} s |")
    print(f"| materials planned | {run.summary.get('materials_planned')} |")
    print(
        f"| planned WOs / POs | {run.summary.get('planned_work_orders')} / {run.summary.get('planned_purchase_orders')} |"
    )
    print(f"| exceptions | {run.summary.get('exceptions')} |")
    return result


if __name__ == "__main__":
    main()
