"""Demo-mill seeding time: `python -m benchmarks.seed_demo [--years 3]`.

Times `manage.py seed_demo --years N` on a fresh SQLite database in a temporary directory (after
`migrate`, which is timed apart), counts the rows it wrote, and measures in the same run the floor
for writing that many rows: one executemany INSERT of as many 10-column rows into a scratch SQLite
file with the same pragmas. Seeding goes through Weft's services (locks, FIFO layers, genealogy,
audit off), so the ratio says what the business rules cost over raw writes.
Writes benchmarks/results/seed_demo.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
API_DIR = REPO / "core_api"
RESULT = REPO / "benchmarks" / "results" / "seed_demo.json"
COUNTED = (
    "inventory_stockmove",
    "inventory_lot",
    "inventory_roll",
    "inventory_genealogyedge",
    "procurement_purchaseorder",
    "sales_salesorder",
    "sales_shipment",
    "quality_rollinspection",
)


def manage(env: dict, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=API_DIR, env=env, capture_output=True, text=True, timeout=7200
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def row_counts(path: Path) -> tuple[int, dict[str, int]]:
    connection = sqlite3.connect(path)
    tables = [
        name
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
    ]
    counts = {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables}
    connection.close()
    return sum(counts.values()), {name: counts.get(name, 0) for name in COUNTED}


def raw_insert_seconds(path: Path, rows: int) -> float:
    """One transaction of `rows` 10-column INSERTs (an id, text, numbers, a timestamp) via executemany."""
    connection = sqlite3.connect(path)
    connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    connection.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c REAL, d REAL, e REAL, f INTEGER, g INTEGER, "
        "h TEXT, i TEXT)"
    )
    data = (
        (n, f"code-{n}", "reason", n * 0.5, 2.25, n * 1.125, n % 97, n % 13, "2025-01-01T00:00:00", "")
        for n in range(rows)
    )
    started = time.perf_counter()
    with connection:
        connection.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", data)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=3.0, help="years of history (default 3, as the full demo)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DJANGO_DEBUG="0",
            WEFT_SQLITE_PATH=str(root / "weft.sqlite3"),
            WEFT_BROKER_DIR=str(root / "broker"),
            WEFT_ARTIFACT_DIR=str(root / "artifacts"),
            WEFT_MEDIA_DIR=str(root / "media"),
            TF_CPP_MIN_LOG_LEVEL="2",
        )
        print("migrate …", file=sys.stderr, flush=True)
        migrate_s = manage(env, "migrate", "--noinput", "-v", "0")
        print(f"seed_demo --years {args.years} …", file=sys.stderr, flush=True)
        seed_s = manage(env, "seed_demo", "--years", str(args.years))
        total_rows, counts = row_counts(root / "weft.sqlite3")
        raw_s = raw_insert_seconds(root / "raw.sqlite3", total_rows)
    result = {
        "command": "python -m benchmarks.seed_demo " + " ".join(argv if argv is not None else sys.argv[1:]),
        "database": "SQLite (fresh file in a temporary directory)",
        "years": args.years,
        "migrate_seconds": round(migrate_s, 1),
        "seed_seconds": round(seed_s, 1),
        "seed_seconds_per_year": round(seed_s / args.years, 1),
        "rows_written": total_rows,
        "rows": counts,
        "raw_insert_seconds_same_rows": round(raw_s, 2),
        "ratio_seed_to_raw_insert": round(seed_s / raw_s, 1) if raw_s else None,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_end": list(os.getloadavg()),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print("| measure | value |\n|---|---|")
    for key in ("years", "migrate_seconds", "seed_seconds", "rows_written", "raw_insert_seconds_same_rows"):
        print(f"| {key} | {result[key]} |")
    print(f"| ratio seed ÷ raw insert of the same rows | {result['ratio_seed_to_raw_insert']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
