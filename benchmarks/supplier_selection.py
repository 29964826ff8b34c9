"""Supplier selection on the supplier-acme case: `python -m benchmarks.supplier_selection`.

Every method is scored the same way: leave one task out, learn on the other tasks only (tuning
included), choose a supplier for the held-out task; RMSE of (chosen cost − cheapest cost). Writes
`benchmarks/results/supplier_selection.json` and prints a Markdown table beside the published figures.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml.data import data_dir
from ml.suppliers.data import load_acme
from ml.suppliers.selection import DEFAULT_GRID, SupplierCostModel, choice_rmse, hindsight_baseline, leave_one_task_out

RESULT = Path(__file__).resolve().parent / "results" / "supplier_selection.json"
PUBLISHED = {"SVR (rbf), published": 0.0269, "Ridge, published": 0.0401}
SEED = 0
ALPHAS = np.logspace(0, 5, 11)


def _loto_choices(costs: np.ndarray, fit_predict) -> np.ndarray:
    """Chosen supplier per held-out task; `fit_predict(train_index, test_index)` scores suppliers."""
    chosen = np.empty(len(costs), dtype=int)
    for task in range(len(costs)):
        train = np.arange(len(costs)) != task
        chosen[task] = int(np.argmin(fit_predict(train, task)))
    return chosen


def main() -> int:
    case = load_acme(data_dir() / "supplier-acme")
    X = case.task_features.to_numpy()
    X = X[:, X.std(axis=0) > 0]
    costs = case.costs.to_numpy()
    relative = costs - costs.mean(axis=1, keepdims=True)
    ranks = np.argsort(np.argsort(costs, axis=1), axis=1) / (costs.shape[1] - 1)
    baseline_supplier, baseline_rmse = hindsight_baseline(case)
    rows: dict[str, dict] = {}

    def record(name: str, started: float, rmse: float) -> None:
        rows[name] = {"rmse": round(rmse, 6), "seconds": round(time.perf_counter() - started, 1)}
        print(f"{name:<58} {rmse:.5f}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    chosen = _loto_choices(costs, lambda train, task: relative[train].mean(axis=0))
    record("best supplier on the training tasks (no features)", started, choice_rmse(costs, chosen))

    # RidgeCV's efficient leave-one-out runs over rows, and a row here is a task: grouped by task.
    for name, target in (("relative cost", relative), ("rank within the task", ranks)):
        started = time.perf_counter()
        chosen = _loto_choices(
            costs,
            lambda train, task, target=target: (
                make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))
                .fit(X[train], target[train])
                .predict(X[[task]])[0]
            ),
        )
        record(f"per-supplier Ridge, {name}, α by inner LOO", started, choice_rmse(costs, chosen))

    started = time.perf_counter()
    rmse, _, _ = leave_one_task_out(case, SupplierCostModel(param_grid=DEFAULT_GRID, random_state=SEED), n_jobs=2)
    record("per-supplier SVR, relative cost, C/γ/prior by inner CV", started, rmse)

    # One fit on every task, as the scoring job does: tuned (the grid search inside) and with fixed
    # parameters, beside a per-supplier Ridge fit on the same data as the baseline.
    fit_times = {}
    started = time.perf_counter()
    tuned = SupplierCostModel(param_grid=DEFAULT_GRID, random_state=SEED).fit(case.task_features, case.costs)
    fit_times["svr_fit_with_grid_search_s"] = round(time.perf_counter() - started, 3)
    fixed = dict(tuned.best_params_)
    started = time.perf_counter()
    SupplierCostModel(random_state=SEED, **fixed).fit(case.task_features, case.costs)
    fit_times["svr_fit_fixed_params_s"] = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS)).fit(X, relative)
    fit_times["ridge_fit_baseline_s"] = round(time.perf_counter() - started, 4)
    fit_times["ratio_svr_fixed_to_ridge"] = round(
        fit_times["svr_fit_fixed_params_s"] / max(fit_times["ridge_fit_baseline_s"], 1e-6), 1
    )
    print(f"fit times: {fit_times}", file=sys.stderr, flush=True)

    record_json = {
        "command": f"python -m ml supplier-eval --data {data_dir() / 'supplier-acme'} --seed {SEED}",
        "tasks": len(costs),
        "tasks_left_out": len(case.tasks_without_costs),
        "baseline": {"supplier": baseline_supplier, "rmse": round(baseline_rmse, 6)},
        "methods": rows,
        "fit": fit_times,
        "published": PUBLISHED,
        "machine": platform.platform(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(record_json, indent=2) + "\n")
    print("| method | LOTO RMSE |\n|---|---|")
    print(f"| always {baseline_supplier} (best in hindsight) | {baseline_rmse:.4f} |")
    for name, value in PUBLISHED.items():
        print(f"| {name} | {value:.4f} |")
    for name, row in rows.items():
        print(f"| {name} | {row['rmse']:.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
