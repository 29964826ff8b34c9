"""`python -m ml inventory-eval`: reproduce the textbook anchors, train the what-if surrogate on
optimised cases, and measure its cost gap against the optimiser on held-out cases and its latency."""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from ml.cli import BadInput
from ml.inventory.anchors import anchor_checks
from ml.inventory.validation import InventoryInputError, check_count
from ml.inventory.what_if import (
    CASE_COLUMNS,
    WhatIfCase,
    optimise_policy,
    policy_cost,
    sample_cases,
    solve_cases,
    train_surrogate,
    what_if,
)

HELD_OUT_SEED_OFFSET = 10_007  # held-out cases come from a different stream than the training cases


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed for cases, forest and simulations (default 0)")
    parser.add_argument("--train-cases", type=int, default=4000, help="optimised cases to train on (default 4000)")
    parser.add_argument("--test-cases", type=int, default=300, help="held-out cases for the cost gap (default 300)")
    parser.add_argument("--latency-runs", type=int, default=200, help="what-if calls timed (default 200)")
    parser.add_argument("--jobs", type=int, default=1, help="processes for optimising cases (default 1)")
    parser.add_argument("--save-model", metavar="PATH", help="write the trained surrogate here (joblib)")


def run(args: argparse.Namespace) -> dict:
    try:
        train_cases = check_count("--train-cases", args.train_cases, low=10)
        test_cases = check_count("--test-cases", args.test_cases)
        latency_runs = check_count("--latency-runs", args.latency_runs)
        jobs = check_count("--jobs", args.jobs)
        return _evaluate(args.seed, train_cases, test_cases, latency_runs, jobs, args.save_model)
    except InventoryInputError as exc:
        raise BadInput(str(exc))


def _evaluate(seed: int, train_cases: int, test_cases: int, latency_runs: int, jobs: int, save_model) -> dict:
    started = time.perf_counter()
    checks = anchor_checks(seed=seed)
    print(f"{'anchor':<22} {'published':>11} {'reproduced':>12} {'rel. error':>10}  ok", file=sys.stderr)
    for check in checks:
        error = abs(check.reproduced - check.published) / abs(check.published)
        print(
            f"{check.name:<22} {check.published:>11.5f} {check.reproduced:>12.5f} {error:>10.2e}  {'yes' if check.ok else 'NO'}",
            file=sys.stderr,
        )
    anchors_ok = all(check.ok for check in checks)

    model, _ = train_surrogate(train_cases, seed=seed, n_jobs=jobs, progress=True)
    if save_model:
        print(f"saved the surrogate to {model.save(save_model)}", file=sys.stderr)
    held_out = solve_cases(sample_cases(test_cases, seed + HELD_OUT_SEED_OFFSET), n_jobs=jobs)
    recommended = model.predict(held_out[CASE_COLUMNS])
    gaps = np.array(
        [
            policy_cost(WhatIfCase.build(**row), s, S) / optimum - 1
            for row, (s, S), optimum in zip(
                held_out[CASE_COLUMNS].to_dict("records"), recommended, held_out["cost"], strict=True
            )
        ]
    )
    print(
        f"surrogate vs optimiser on {test_cases} held-out cases: mean cost gap {gaps.mean():.2%}, "
        f"median {np.median(gaps):.2%}, 95th percentile {np.quantile(gaps, 0.95):.2%}, worst {gaps.max():.2%}",
        file=sys.stderr,
    )

    rows = held_out[CASE_COLUMNS].to_dict("records")
    surrogate_ms, optimiser_ms = [], []
    for run_index in range(latency_runs):
        inputs = rows[run_index % len(rows)]
        tick = time.perf_counter()
        what_if(**inputs, model=model, seed=seed)
        surrogate_ms.append((time.perf_counter() - tick) * 1000)
        tick = time.perf_counter()
        optimise_policy(WhatIfCase.build(**inputs))
        optimiser_ms.append((time.perf_counter() - tick) * 1000)
    what_if_ms = float(np.quantile(surrogate_ms, 0.95))
    print(
        f"what-if latency (surrogate + simulation of its answer) over {latency_runs} calls: "
        f"median {np.median(surrogate_ms):.1f} ms, p95 {what_if_ms:.1f} ms; "
        f"exact optimiser alone p95 {np.quantile(optimiser_ms, 0.95):.1f} ms",
        file=sys.stderr,
    )
    return {
        "anchors_ok": anchors_ok,
        "surrogate_cost_gap": round(float(gaps.mean()), 6),
        "what_if_ms": round(what_if_ms, 2),
        "surrogate_cost_gap_p95": round(float(np.quantile(gaps, 0.95)), 6),
        "train_cases": train_cases,
        "test_cases": test_cases,
        "seconds": round(time.perf_counter() - started, 1),
    }
