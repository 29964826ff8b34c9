"""What-if stock optimisation: `python -m benchmarks.inventory_what_if`.

Trains the Random Forest surrogate as `inventory-eval` does, then times one what-if answered by the
surrogate against the exact optimiser in the same run (both followed by the same simulation of the
answer), so the speed figure is a ratio that does not depend on the machine. Writes
`benchmarks/results/inventory_what_if.json` and prints a Markdown table.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np

from ml.inventory.what_if import (
    CASE_COLUMNS,
    WhatIfCase,
    policy_cost,
    sample_cases,
    solve_cases,
    train_surrogate,
    what_if,
)

RESULT = Path(__file__).resolve().parent / "results" / "inventory_what_if.json"
SEED = 0
TRAIN_CASES = 4000
HELD_OUT = 300
CALLS = 200


def _p95_ms(call, inputs: list[dict]) -> float:
    times = []
    for index in range(CALLS):
        started = time.perf_counter()
        call(inputs[index % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 95))


def main() -> int:
    model, _ = train_surrogate(TRAIN_CASES, seed=SEED, progress=True)
    held_out = solve_cases(sample_cases(HELD_OUT, SEED + 10_007))
    predicted = model.predict(held_out[CASE_COLUMNS])
    inputs = held_out[CASE_COLUMNS].to_dict("records")
    gaps = np.array(
        [
            policy_cost(WhatIfCase.build(**row), s, S) / optimum - 1
            for row, (s, S), optimum in zip(inputs, predicted, held_out["cost"], strict=True)
        ]
    )
    surrogate_ms = _p95_ms(lambda row: what_if(**row, model=model), inputs)
    optimiser_ms = _p95_ms(lambda row: what_if(**row), inputs)
    record = {
        "command": "python -m ml inventory-eval",
        "surrogate_cost_gap": {
            "mean": float(gaps.mean()),
            "p95": float(np.percentile(gaps, 95)),
            "max": float(gaps.max()),
        },
        "what_if_p95_ms": {"surrogate": surrogate_ms, "optimiser": optimiser_ms},
        "speed_ratio_optimiser_over_surrogate": optimiser_ms / surrogate_ms,
        "machine": platform.platform(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(record, indent=2) + "\n")
    print("| what-if answered by | p95 ms (with simulation) | mean cost gap |\n|---|---|---|")
    print(f"| exact (s,S) optimiser | {optimiser_ms:.1f} | 0 |")
    print(f"| Random Forest surrogate | {surrogate_ms:.1f} | {gaps.mean():.2%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
