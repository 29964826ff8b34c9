"""The hostile suite, long versions: `python -m benchmarks.hostile` (from the repository root).

Runs the same tests `make test` runs (core_api/core/tests/hostile, the permission matrix, the mixed
concurrency test and the repeatedly killed worker) with larger budgets: more schemathesis examples per
operation, more threads and operations, more worker kills, and the killed-worker test on PostgreSQL +
Redis too. A SQLite pass, then a PostgreSQL pass when a server answers on 127.0.0.1:5432 (database
from DATABASE_URL, default postgres://postgres@127.0.0.1:5432/weft_hostile_bench). Each test adds its
counts to a report; this module writes them to benchmarks/results/hostile.json with the totals the
suite is judged by: operations checked, server errors, schema violations, unexpected 2xx, oversells,
lost and duplicated jobs, restore row-count differences.

Budgets: WEFT_HOSTILE_EXAMPLES (default here 10, five times `make test`), WEFT_HOSTILE_KILLS (8), WEFT_HOSTILE_THREADS (12),
WEFT_HOSTILE_OPERATIONS (40).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "benchmarks" / "results" / "hostile.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/weft_hostile_bench"
TESTS = [
    "core_api/core/tests/hostile",
    "core_api/core/tests/test_permission_table.py",
    "core_api/sales/tests/test_mixed_concurrency.py",
    "core_api/ml_service/tests/test_worker_kills.py",
]
BUDGETS = {
    "WEFT_HOSTILE_EXAMPLES": "10",
    "WEFT_HOSTILE_KILLS": "8",
    "WEFT_HOSTILE_THREADS": "12",
    "WEFT_HOSTILE_OPERATIONS": "40",
    "WEFT_HOSTILE_ALL_STACKS": "1",
}


def _postgres_up() -> bool:
    try:
        import psycopg2

        psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1 connect_timeout=3").close()
        return True
    except Exception:
        return False


def _run_pass(marker: str, database_url: str | None, extra_args: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update({k: os.environ.get(k, v) for k, v in BUDGETS.items()})
        if database_url:
            env["DATABASE_URL"] = database_url
        env["WEFT_HOSTILE_REPORT"] = str(report)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", marker, *extra_args, *TESTS],
            cwd=REPO,
            env=env,
        )
        counts = json.loads(report.read_text()) if report.exists() else {}
    return {"passed": done.returncode == 0, "seconds": round(time.monotonic() - started, 1), "counts": counts}


def _total(passes: dict, section_prefix: str, key: str) -> int:
    return sum(
        int(values.get(key, 0))
        for outcome in passes.values()
        for section, values in outcome["counts"].items()
        if section.startswith(section_prefix)
    )


def main() -> int:
    passes = {"sqlite": _run_pass("not postgres", None, [])}
    if _postgres_up():
        url = os.environ.get("DATABASE_URL") or DEFAULT_URL
        passes["postgres"] = _run_pass("not sqlite_only", url, ["--create-db"])
    totals = {
        "operations_checked": _total(passes, "schema_fuzz", "operations_checked"),
        "fuzz_requests": _total(passes, "schema_fuzz", "requests"),
        "server_errors": _total(passes, "schema_fuzz", "server_errors"),
        "schema_violations": _total(passes, "schema_fuzz", "violations"),
        "bad_input_requests": _total(passes, "bad_inputs", "requests"),
        "bad_input_mishandled": _total(passes, "bad_inputs", "problems"),
        "bad_input_tables_written": _total(passes, "bad_inputs", "tables_written"),
        "permission_combinations": _total(passes, "permission_matrix", "combinations_checked"),
        "unexpected_2xx": _total(passes, "permission_matrix", "unexpected_2xx"),
        "concurrent_operations": _total(passes, "concurrency", "operations"),
        "oversells": _total(passes, "concurrency", "oversells"),
        "invariant_violations": _total(passes, "concurrency", "invariant_violations"),
        "worker_kills": _total(passes, "worker_kills", "kills"),
        "jobs_lost": _total(passes, "worker_kills", "lost"),
        "jobs_duplicated": _total(passes, "worker_kills", "duplicated"),
        "restore_row_count_diffs": _total(passes, "backup_restore", "restore_row_count_diffs"),
    }
    result = {
        "budgets": {k: os.environ.get(k, v) for k, v in BUDGETS.items()},
        "totals": totals,
        "passes": passes,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print("| figure | value |\n|---|---|")
    for key, value in totals.items():
        print(f"| {key} | {value} |")
    print(f"wrote {RESULT}")
    return 0 if all(outcome["passed"] for outcome in passes.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
