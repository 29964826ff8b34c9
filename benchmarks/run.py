"""`make bench`: run every benchmark, each in its own process, and write benchmarks/REPORT.md.

Each benchmark module writes its figures to benchmarks/results/<name>.json (measured side by side
with its baseline in the same run); this runner only orchestrates and summarises.
`python -m benchmarks.run [NAME …]` runs a subset.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# name → module; results/<name>.json is what the module writes.
BENCHMARKS = {
    "stock_posting": "benchmarks.stock_posting",
    "forecast_m4": "benchmarks.forecast_m4",
    "inventory_what_if": "benchmarks.inventory_what_if",
    "supplier_selection": "benchmarks.supplier_selection",
    "defect_aitex": "benchmarks.defect_aitex",
    "planning_run": "benchmarks.planning_run",
    "batch_forecast": "benchmarks.batch_forecast",
    "workbench_pages": "benchmarks.workbench_pages",
}


def _flatten(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, int | float | str | bool) or value is None:
        out[prefix] = value


def report(ran: dict[str, dict]) -> str:
    lines = [
        "# Weft benchmark report",
        "",
        "Written by `make bench` (`python -m benchmarks.run`). Every figure comes from the JSON a",
        "benchmark wrote in `benchmarks/results/`; ratios are against a baseline measured in the same run.",
        "",
    ]
    lines += ["| benchmark | status | seconds |", "|---|---|---|"]
    for name, outcome in ran.items():
        lines.append(f"| {name} | {outcome['status']} | {outcome['seconds']:.0f} |")
    for name in BENCHMARKS:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            continue
        flat: dict = {}
        _flatten("", json.loads(path.read_text()), flat)
        lines += ["", f"## {name}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in flat.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    ran = {}
    for name in names:
        print(f"== {name}", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", BENCHMARKS[name]], cwd=HERE.parent)
        ran[name] = {
            "status": "ok" if done.returncode == 0 else f"failed ({done.returncode})",
            "seconds": time.monotonic() - started,
        }
    (HERE / "REPORT.md").write_text(report(ran))
    print(f"wrote {HERE / 'REPORT.md'}", file=sys.stderr)
    return 0 if all(o["status"] == "ok" for o in ran.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
