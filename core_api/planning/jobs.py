"""The `planning` job kind: an MRP run on the ML service's job framework.

Registering a kind (rather than a task of our own) reuses what that framework already guarantees:
claimed exactly once, heartbeat and re-queue of a dead worker, progress, cancellation, and the
result rows written in the transaction that marks the job succeeded.
"""

from __future__ import annotations

from ml_service.jobs import Outcome, job_kind
from ml_service.models import JobKind

from .engine import Planner
from .models import PlanningRun
from .services import planning_results_write, validate_run_params


@job_kind(JobKind.PLANNING, validate=validate_run_params, description="material requirements planning run")
def run_planning(job, report) -> Outcome:
    run = PlanningRun.objects.get(pk=job.params["run"])
    plan = Planner(
        run_date=run.run_date,
        horizon_weeks=run.horizon_weeks,
        warehouse_id=run.warehouse_id,
        lot_sizing=run.lot_sizing,
    ).run(report)

    def write() -> None:
        planning_results_write(run=PlanningRun.objects.select_for_update().get(pk=run.pk), plan=plan)

    result = {
        "run": run.pk,
        "planned_orders": len(plan.orders),
        "exceptions": len(plan.issues),
        "overloaded_weeks": sum(1 for load in plan.loads if load.overloaded),
    }
    return Outcome(result=result, write=write)
