"""`python -m ml supplier-eval --data DIR [--seed N]`: leave-one-task-out evaluation of supplier choice
on the supplier-acme case (see the shared data README for the join and the metric)."""

from __future__ import annotations

import argparse
import collections
import sys
import time

from ml.cli import BadInput
from ml.data import data_dir
from ml.suppliers.data import SupplierDataError, load_acme
from ml.suppliers.selection import DEFAULT_GRID, SupplierCostModel, hindsight_baseline, leave_one_task_out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        default=None,
        help="directory with tasks.xlsx, suppliers.csv, cost.csv (default: the shared supplier-acme)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the inner tuning folds (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the outer folds (default 2)")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    directory = args.data if args.data is not None else data_dir() / "supplier-acme"
    if args.jobs < 1:
        raise BadInput(f"--jobs must be at least 1, got {args.jobs}")
    try:
        case = load_acme(directory)
        n_tasks, n_suppliers = case.costs.shape
        _say(f"{n_tasks} tasks with costs × {n_suppliers} suppliers, {case.task_features.shape[1]} task features")
        if case.tasks_without_costs:
            dates = ", ".join(f"{task:%Y-%m-%d}" for task in case.tasks_without_costs)
            _say(f"left out {len(case.tasks_without_costs)} tasks that have features but no costs: {dates}")
        baseline_supplier, baseline_rmse = hindsight_baseline(case)
        _say(f"baseline: always {baseline_supplier} (best in hindsight over all tasks), RMSE {baseline_rmse:.5f}")
        model = SupplierCostModel(param_grid=DEFAULT_GRID, random_state=args.seed)
        rmse, chosen, params = leave_one_task_out(case, model, n_jobs=args.jobs, progress=_say)
    except SupplierDataError as exc:
        raise BadInput(str(exc))
    picks = collections.Counter(case.costs.columns[chosen])
    _say("suppliers chosen (held-out tasks): " + ", ".join(f"{name} ×{count}" for name, count in picks.most_common(8)))
    settings = collections.Counter(tuple(sorted(p.items())) for p in params)
    _say("settings chosen by the inner grouped CV (folds):")
    for setting, count in settings.most_common(5):
        _say(f"  {count:>3}  " + ", ".join(f"{name}={value:g}" for name, value in setting))
    _say(f"{'method':<46} {'RMSE':>8}")
    _say(f"{'always ' + baseline_supplier + ' (hindsight)':<46} {baseline_rmse:>8.5f}")
    _say(f"{'published SVR (rbf)':<46} {0.0269:>8.5f}")
    _say(f"{'per-supplier SVR, relative cost, nested tuning':<46} {rmse:>8.5f}")
    return {
        "rmse": round(rmse, 6),
        "baseline_rmse": round(baseline_rmse, 6),
        "seconds": round(time.perf_counter() - started, 1),
        "tasks": n_tasks,
        "tasks_left_out": len(case.tasks_without_costs),
        "baseline_supplier": baseline_supplier,
    }
