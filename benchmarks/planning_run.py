"""MRP run time on the demo mill: `python -m benchmarks.planning_run` (from the repository root).

Builds the demo mill (`seed_demo`, WEFT_BENCH_YEARS years of history, default 3) in a temporary
SQLite database, adds machine groups for its stages, forecasts nothing extra (demand is the
mill's open sales orders plus whatever forecasts the seed wrote), then runs a 12-week plan as a
`planning` job exactly as the API would (claimed, run, results written in one transaction) and
times it, repeating the engine alone a few times. Writes benchmarks/results/planning_run.json and
prints a Markdown table.
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(REPO / "core_api"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
            },
            "horizon_weeks": HORIZON,
            "job": {"outcome": outcome, "status": job.status, "seconds": round(job_s, 3)},
            "engine_seconds": {
                "median": round(statistics.median(engine_s), 3),
                "runs": [round(s, 3) for s in engine_s],
            },
            "summary": run.summary,
            "planned_orders_written": PlannedOrder.objects.filter(run=run).count(),
        }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print("| what | value |\n|---|---|")
    print(f"| 12-week run as a job (claim, plan, write) | {result['job']['seconds']} s ({job.status}) |")
    print(f"| engine alone, median of {REPEATS} | {result['engine_seconds']['median']} s |")
    print(f"| materials planned | {run.summary.get('materials_planned')} |")
    print(
        f"| planned WOs / POs | {run.summary.get('planned_work_orders')} / {run.summary.get('planned_purchase_orders')} |"
    )
    print(f"| exceptions | {run.summary.get('exceptions')} |")
    return result


if __name__ == "__main__":
    main()
