"""Stock posting throughput: `python -m benchmarks.stock_posting` (from the repository root).

Posts single-line issues and transfers through `inventory.services` and issues through the API
(Django's test Client, JWT and all middleware), one client at a time, and runs pgbench's TPC-B
on the same PostgreSQL server in the same run, so the figures are ratios to what that server does
for a textbook small transaction rather than absolute numbers that depend on the machine.

PostgreSQL comes from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/weft_bench); the
database is created and migrated when missing, and pgbench gets its own scratch database beside
it. Writes benchmarks/results/stock_posting.json and prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "benchmarks" / "results" / "stock_posting.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/weft_bench"
SECONDS = float(os.environ.get("WEFT_BENCH_SECONDS", "8"))


def _database(url: str) -> dict:
    parts = urlparse(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "name": parts.path.lstrip("/") or "weft_bench",
    }


def _ensure_database(db: dict, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(
        dbname="postgres", user=db["user"], password=db["password"] or None, host=db["host"], port=db["port"]
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(REPO / "core_api"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rate(post, seconds: float) -> tuple[float, int]:
    """Postings per second of `post()` called back to back for about `seconds`."""
    count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        post(count)
        count += 1
    return count / elapsed, count


def _stock_fixture(tag: str):
    from inventory import services
    from inventory.models import Location, LocationKind, LotOrigin, Material, QCStatus, Warehouse
    from inventory.services import StockLine

    warehouse = Warehouse.objects.create(code=f"B{tag}", name="bench")
    a = Location.objects.create(warehouse=warehouse, code=f"B{tag}-A", name="A", kind=LocationKind.STORES)
    b = Location.objects.create(warehouse=warehouse, code=f"B{tag}-B", name="B", kind=LocationKind.STORES)
    material = Material.objects.create(code=f"BY{tag}", name="bench yarn", kind="yarn", standard_cost=Decimal("2"))
    lots = []
    for i in range(8):
        lot = services.lot_create(
            material=material, origin=LotOrigin.OPENING, qc_status=QCStatus.RELEASED, code=f"BL{tag}-{i}"
        )
        # Several FIFO layers per key, as real stock has.
        for cost in ("2", "2.5", "3"):
            services.stock_receive(
                lines=[StockLine(lot=lot, location=a, qty=Decimal("1000000"), unit_cost=Decimal(cost))]
            )
        lots.append(lot)
    return a, b, lots


def _pgbench(db: dict, seconds: float) -> dict:
    scratch = f"{db['name']}_pgbench"
    _ensure_database(db, scratch)
    env = {**os.environ, "PGPASSWORD": db["password"]} if db["password"] else dict(os.environ)
    common = ["-h", db["host"], "-p", db["port"], "-U", db["user"]]
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", *common, scratch], check=True, capture_output=True, env=env)
    out = subprocess.run(
        ["pgbench", "-c", "1", "-j", "1", "-T", str(max(int(seconds), 1)), *common, scratch],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
    return {"tps": tps, "clients": 1, "scale": 1, "seconds": seconds}


def main() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("stock_posting needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    db = _database(url)
    _ensure_database(db, db["name"])
    _setup_django(url)

    from django.db import transaction
    from django.test import Client
    from rest_framework_simplejwt.tokens import RefreshToken

    from inventory import services
    from inventory.invariants import stock_invariant_violations
    from inventory.services import StockLine
    from users.services import user_create

    tag = str(int(time.time()))
    print("setting up stock …", file=sys.stderr)
    a, b, lots = _stock_fixture(tag)
    one = Decimal("1")

    def service_issue(i):
        with transaction.atomic():
            services.stock_issue(lines=[StockLine(lot=lots[i % len(lots)], location=a, qty=one)])

    def service_transfer(i):
        with transaction.atomic():
            services.stock_transfer(lines=[StockLine(lot=lots[i % len(lots)], location=a, qty=one)], to_location=b)

    user = user_create(username=f"bench-{tag}", password="bench-pass-1", roles=["storekeeper"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")

    def api_issue(i):
        response = client.post(
            "/api/v1/inventory/operations/issue/",
            {"lines": [{"lot": lots[i % len(lots)].pk, "location": a.pk, "qty": "1"}]},
            content_type="application/json",
        )
        if response.status_code != 201:
            raise RuntimeError(f"API answered {response.status_code}: {response.content[:200]!r}")

    print(f"posting for {SECONDS:.0f} s each …", file=sys.stderr)
    service_issue(0), api_issue(0)  # warm caches and connections
    issue_rate, issue_n = _rate(service_issue, SECONDS)
    transfer_rate, transfer_n = _rate(service_transfer, SECONDS)
    api_rate, api_n = _rate(api_issue, SECONDS)
    print("pgbench TPC-B …", file=sys.stderr)
    pgbench = _pgbench(db, SECONDS)
    problems = stock_invariant_violations()

    record = {
        "command": "python -m benchmarks.stock_posting",
        "database": f"postgresql {db['host']}:{db['port']}/{db['name']}",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "clients": 1,
        "seconds_per_measure": SECONDS,
        "service_issue_per_s": round(issue_rate, 1),
        "service_transfer_per_s": round(transfer_rate, 1),
        "api_issue_per_s": round(api_rate, 1),
        "pgbench_tpcb_tps": round(pgbench["tps"], 1),
        "ratio_service_issue_to_pgbench": round(issue_rate / pgbench["tps"], 3),
        "ratio_service_transfer_to_pgbench": round(transfer_rate / pgbench["tps"], 3),
        "ratio_api_issue_to_pgbench": round(api_rate / pgbench["tps"], 3),
        "postings": {"service_issue": issue_n, "service_transfer": transfer_n, "api_issue": api_n},
        "invariants_clean": not problems,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(record, indent=2) + "\n")
    print("| measure | per second | ratio to pgbench TPC-B |")
    print("|---|---:|---:|")
    print(f"| pgbench TPC-B (1 client) | {pgbench['tps']:.1f} | 1.000 |")
    print(f"| service issue (1 line) | {issue_rate:.1f} | {record['ratio_service_issue_to_pgbench']:.3f} |")
    print(
        f"| service transfer (1 line, 2 moves) | {transfer_rate:.1f} | {record['ratio_service_transfer_to_pgbench']:.3f} |"
    )
    print(f"| API issue (JWT, 1 line) | {api_rate:.1f} | {record['ratio_api_issue_to_pgbench']:.3f} |")
    print(f"\ninvariants clean: {record['invariants_clean']}; written to {RESULT.relative_to(REPO)}")
    return 0 if not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
