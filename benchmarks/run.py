"""`make bench`: run every benchmark, each in its own process, and write benchmarks/REPORT.md.

Each benchmark module writes its figures to benchmarks/results/<name>.json (measured side by side
with its baseline in the same run); this runner only orchestrates and summarises.
`python -m benchmarks.run [NAME …]` runs a subset; `--report` only rewrites REPORT.md from the results on disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
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
    "api_load": "benchmarks.api_load",
    "growth": "benchmarks.growth",
    "seed_demo": "benchmarks.seed_demo",
    "hostile": "benchmarks.hostile",
}

# The summary table at the top of the report: (benchmark, what, path into its JSON).
KEY_FIGURES = [
    ("stock_posting", "service issue/s ÷ pgbench TPC-B tps", ("ratio_service_issue_to_pgbench",)),
    ("stock_posting", "API issue/s ÷ pgbench TPC-B tps", ("ratio_api_issue_to_pgbench",)),
    (
        "api_load",
        "bare DRF endpoint, req/s (16 clients)",
        ("endpoints", "bare DRF (constant JSON, no auth, no DB)", "rps"),
    ),
    ("api_load", "materials list req/s ÷ bare", ("endpoints", "materials list", "rps_ratio_to_bare")),
    ("api_load", "lots list req/s ÷ bare", ("endpoints", "lots list", "rps_ratio_to_bare")),
    ("api_load", "lot detail req/s ÷ bare", ("endpoints", "lot detail", "rps_ratio_to_bare")),
    ("api_load", "sales orders list req/s ÷ bare", ("endpoints", "sales orders list", "rps_ratio_to_bare")),
    ("api_load", "KPI stock-value req/s ÷ bare", ("endpoints", "KPI stock-value", "rps_ratio_to_bare")),
    ("growth", "ledger page ms, largest ÷ smallest size", ("growth", "ledger page (one lot's moves)", "ratio")),
    (
        "growth",
        "  same, net of the no-ledger baseline",
        ("growth", "ledger page (one lot's moves)", "ratio_net_of_baseline"),
    ),
    ("growth", "balance lookup ms, largest ÷ smallest", ("growth", "balance lookup (one lot)", "ratio")),
    ("growth", "trace upstream ms, largest ÷ smallest", ("growth", "trace upstream (finished lot)", "ratio")),
    ("growth", "KPI stock-value ms, largest ÷ smallest", ("growth", "KPI stock-value", "ratio")),
    (
        "growth",
        "  same, net of the no-ledger baseline",
        ("growth", "KPI stock-value", "ratio_net_of_baseline"),
    ),
    ("growth", "KPIs, all, ms largest ÷ smallest", ("growth", "KPIs, all", "ratio")),
    ("growth", "data, largest ÷ smallest (moves)", ("data_ratio",)),
    ("forecast_m4", "auto forecaster OWA (M4 Weekly)", ("models", "auto", "owa")),
    ("forecast_m4", "auto forecaster seconds ÷ statsforecast AutoETS", ("seconds_ratio_to_peer_autoets", "auto")),
    ("defect_aitex", "defect detector image AUROC (CNN + tile statistics)", ("summary", "auroc")),
    ("defect_aitex", "defect detector recall at the chosen threshold", ("summary", "recall")),
    ("defect_aitex", "  its CNN alone, image AUROC", ("summary", "cnn_auroc")),
    ("defect_aitex", "defect training s per split", ("summary", "train_seconds")),
    (
        "defect_aitex",
        "defect inference ms per 4096×256 scan",
        ("inference_ms_per_4096x256_scan", "stacked", "median_ms"),
    ),
    (
        "defect_aitex",
        "  CNN training s ÷ tile-statistics training s",
        ("ratio_to_tile_statistics", "cnn_train_seconds"),
    ),
    ("supplier_selection", "SVR fit s (fixed params) ÷ Ridge fit s", ("fit", "ratio_svr_fixed_to_ridge")),
    ("batch_forecast", "batch forecast speed-up, 2 workers vs 1", ("speedup_2_vs_1",)),
    ("inventory_what_if", "what-if p95 ms, surrogate", ("what_if_p95_ms", "surrogate")),
    ("inventory_what_if", "what-if p95 ms, optimiser ÷ surrogate", ("speed_ratio_optimiser_over_surrogate",)),
    ("inventory_what_if", "surrogate mean cost gap to the optimum", ("surrogate_cost_gap", "mean")),
    ("workbench_pages", "workbench quality page cold render s", ("pages", "quality", "cold_s")),
    ("workbench_pages", "workbench planning page cold render s", ("pages", "planning", "cold_s")),
    (
        "workbench_pages",
        "  quality page warm render ÷ bare Streamlit script",
        ("pages", "quality", "warm_ratio_to_baseline"),
    ),
    ("planning_run", "MRP engine seconds (median)", ("engine_seconds", "median")),
    ("planning_run", "  ÷ the same engine on open orders alone", ("ratio_engine_to_orders_only",)),
    ("planning_run", "  planned work orders", ("summary", "planned_work_orders")),
    ("seed_demo", "seed_demo seconds", ("seed_seconds",)),
    (
        "hostile",
        "schema fuzz server errors (admin, PostgreSQL)",
        ("passes", "postgres", "counts", "schema_fuzz_admin", "server_errors"),
    ),
    (
        "hostile",
        "permission matrix unexpected 2xx (PostgreSQL)",
        ("passes", "postgres", "counts", "permission_matrix", "unexpected_2xx"),
    ),
    ("hostile", "concurrent oversells (PostgreSQL)", ("passes", "postgres", "counts", "concurrency", "oversells")),
    ("hostile", "jobs lost to worker kills (PostgreSQL)", ("passes", "postgres", "counts", "worker_kills", "lost")),
    ("seed_demo", "seed_demo ÷ raw insert of the same rows", ("ratio_seed_to_raw_insert",)),
]


def _flatten(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, int | float | str | bool) or value is None:
        out[prefix] = value


def _pick(data, path: tuple):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data if isinstance(data, int | float | str) else None


def key_figures(results: dict[str, dict]) -> list[str]:
    """The summary table: one row per key figure whose benchmark has results."""
    rows = [
        f"| {name} | {label} | {round(value, 3) if isinstance(value, float) else value} |"
        for name, label, path in KEY_FIGURES
        if name in results and (value := _pick(results[name], path)) is not None
    ]
    if not rows:
        return []
    return ["## Key figures", "", "| benchmark | figure | value |", "|---|---|---|", *rows, ""]


def report(ran: dict[str, dict], started_at: float | None = None, meta: dict | None = None) -> str:
    """The report; with `ran`, only results files written since `started_at` (this run) are read."""
    source = (
        "Written by `make bench` (`python -m benchmarks.run`)."
        if ran
        else "Written by `python -m benchmarks.run --report` from each benchmark's latest results on disk."
    )
    lines = [
        "# Weft benchmark report",
        "",
        f"{source} Every figure comes from the JSON a",
        "benchmark wrote in `benchmarks/results/`; ratios are against a baseline measured in the same run.",
        "",
    ]
    paths = {name: RESULTS / f"{name}.json" for name in BENCHMARKS}
    results = {
        name: json.loads(path.read_text())
        for name, path in paths.items()
        if path.exists() and (started_at is None or path.stat().st_mtime >= started_at)
    }
    lines += key_figures(results)
    if ran:
        lines += [
            "## This run",
            "",
            f"Commit `{meta['commit']}`, {meta['cpus']} CPUs, {meta['started']} to {meta['finished']} (UTC).",
            "",
            "| benchmark | status | seconds |",
            "|---|---|---|",
        ]
        for name, outcome in ran.items():
            lines.append(f"| {name} | {outcome['status']} | {outcome['seconds']:.0f} |")
        stale = [name for name in ran if name not in results]
        if stale:
            lines += ["", f"No results from this run for: {', '.join(stale)} (earlier files are not reported)."]
    for name, data in results.items():
        flat: dict = {}
        _flatten("", data, flat)
        lines += ["", f"## {name}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in flat.items()]
    return "\n".join(lines) + "\n"


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
    return done.stdout.strip() or None


def main(argv: list[str]) -> int:
    if argv == ["--report"]:  # rewrite REPORT.md from the results on disk, running nothing
        (HERE / "REPORT.md").write_text(report({}))
        return 0
    names = argv or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    run_started = time.time()
    ran = {}
    for number, name in enumerate(names, 1):
        print(f"== [{number}/{len(names)}] {name}", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", BENCHMARKS[name]], cwd=HERE.parent)
        ran[name] = {
            "status": "ok" if done.returncode == 0 else f"failed ({done.returncode})",
            "seconds": time.monotonic() - started,
        }
        print(f"== {name}: {ran[name]['status']} in {ran[name]['seconds']:.0f} s", file=sys.stderr, flush=True)
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "started": datetime.fromtimestamp(run_started, UTC).isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "cpus": os.cpu_count(),
    }
    (RESULTS / "run.json").write_text(json.dumps({**meta, "benchmarks": ran}, indent=2) + "\n")
    (HERE / "REPORT.md").write_text(report(ran, started_at=run_started, meta=meta))
    print(f"wrote {HERE / 'REPORT.md'}", file=sys.stderr)
    return 0 if all(o["status"] == "ok" for o in ran.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
