"""Stock-ledger growth: `python -m benchmarks.growth [--sizes 100000,10000000]`.

Grows the stock ledger synthetically on PostgreSQL — lots, stock moves and genealogy edges by bulk
COPY (not the API), balances derived from the moves in SQL, so balance = Σ ledger holds by
construction — and times the reads a user waits on at each size, through the API (Django's test
client, the full view stack, KPI cache off):

- a balance lookup (`/inventory/balances/?lot=`), one lot's ledger page (`/inventory/stock-moves/?lot=`),
- a genealogy trace (`/inventory/lots/<id>/trace/`, upstream from a finished lot and downstream from yarn),
- every KPI endpoint (`/kpis/<name>/`, default period: the last 30 days) and `/kpis/`.

The mill posts `--moves-per-day` moves a day (default 3000), so 100× the moves is 100× the history;
each lot has 20 moves (receipt or production output, a transfer, 17 issues or shipments) and lots
form yarn → greige → finished families (3 yarn lots into one greige lot into two finished lots).
Lots older than `LIVE_DAYS` are used up (their outgoing moves take all they received), as in a mill
whose stock turns about eight times a year: the history grows, the stock on hand does not.
The figure at each size is the median over `--repeats` requests (random lots), taken round-robin
across the reads; the ratio is largest size ÷ smallest, also given net of a baseline read with no
ledger behind it (`/users/me/`) timed in the same rounds, since the machine may be busier at one size. The database (`weft_bench_growth` on DATABASE_URL's server) is dropped at
the end unless --keep-db. Writes benchmarks/results/growth.json.

During COPY the stock-move table's secondary indexes are dropped and rebuilt afterwards, and
foreign-key triggers are skipped (session_replication_role = replica); the run checks afterwards
that no move names a missing lot, material or location and that every balance equals its moves.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
API_DIR = REPO / "core_api"
sys.path[:0] = [str(API_DIR), str(REPO)]

from benchmarks.postgres import admin_sql  # noqa: E402
from benchmarks.stats import markdown_table, ratio  # noqa: E402

RESULT = REPO / "benchmarks" / "results" / "growth.json"
DB_NAME = "weft_bench_growth"
MOVES_PER_LOT = 20
FAMILY = ("yarn", "yarn", "yarn", "greige", "finished", "finished")  # lots in one genealogy family
CHUNK_LOTS = 10_000
# Timed at every size beside the ledger reads: the same request stack with no ledger behind it, so
# a ratio can be read net of how busy the machine was at each size.
BASELINE = "baseline: /users/me/ (no ledger)"
TABLES = ("inventory_genealogyedge", "inventory_costlayer", "inventory_stockbalance", "inventory_stockmove")

# Per kind: (reason, qty, location role, document type) for moves 0‥19; 1 and 2 are one transfer's pair.
OUT_QTY = {"yarn": "-10", "greige": "-10", "finished": "-30"}
TRANSFER_QTY = {"yarn": "200", "greige": "200", "finished": "600"}
LIVE_DAYS = 45  # lots received or made in the last LIVE_DAYS days still hold stock


def move_plan(kind: str, used_up: bool = False) -> list[tuple[str, str, str, str]]:
    """A lot's 20 moves; `used_up`: everything moves on and goes out, so the lot's balances end at 0."""
    first = ("receipt", "1000", "stores", "procurement.receipt") if kind == "yarn" else None
    first = first or ("production_output", "1000", "production", "production.workorder")
    moved = "1000" if used_up else TRANSFER_QTY[kind]
    if kind == "finished":
        roles, out = ("production", "finished"), ("shipment", "finished", "sales.shipment")
    elif kind == "yarn":
        roles, out = ("stores", "production"), ("production_issue", "production", "production.workorder")
    else:
        roles, out = ("production", "dyehouse"), ("job_work", "dyehouse", "production.jobwork")
    transfer = [("transfer", f"-{moved}", roles[0], ""), ("transfer", moved, roles[1], "")]
    outs = MOVES_PER_LOT - 3
    if used_up:  # 1000 out in 17 moves: 16 of 59 and one of 56
        quantities = ["-59"] * (outs - 1) + [str(-(1000 - 59 * (outs - 1)))]
    else:
        quantities = [OUT_QTY[kind]] * outs
    return [first, *transfer] + [(out[0], qty, out[1], out[2]) for qty in quantities]


# --- database plumbing --------------------------------------------------------------------------
def setup(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="0",
        WEFT_KPI_CACHE_S="0",  # time what computing a KPI costs, never a cache hit
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=API_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")
    import django

    django.setup()


def master_data() -> dict:
    """One warehouse, a location per role, materials per kind (ORM; small and fixed)."""
    from decimal import Decimal

    from inventory.models import STOCK_UNIT, Location, LocationKind, Material, MaterialKind, Warehouse

    warehouse = Warehouse.objects.create(code="GW", name="growth bench")
    kinds = {
        "stores": LocationKind.STORES,
        "production": LocationKind.PRODUCTION,
        "dyehouse": LocationKind.SUBCONTRACTOR,
        "finished": LocationKind.FINISHED_GOODS,
    }
    locations = {
        role: Location.objects.create(warehouse=warehouse, code=f"GW-{role}", name=role, kind=kind).pk
        for role, kind in kinds.items()
    }
    counts = {"yarn": 60, "greige": 20, "finished": 80}
    materials = {}
    for kind, count in counts.items():
        rows = [
            Material(
                code=f"G{kind[:2].upper()}{i:04d}",
                name=f"{kind} {i}",
                kind=kind,
                unit=STOCK_UNIT[MaterialKind(kind)],
                article=f"ART-{i % 20:02d}" if kind == "finished" else "",
                standard_cost=Decimal("2.5"),
            )
            for i in range(count)
        ]
        materials[kind] = [m.pk for m in Material.objects.bulk_create(rows)]
    return {"locations": locations, "materials": materials}


class TextStream(io.RawIOBase):
    """A file-like object psycopg2's copy_expert reads, fed by a generator of text chunks."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks).encode()
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def ledger_rows(lots: int, fixtures: dict, moves_per_day: int, today: date):
    """Text-format COPY chunks for lots, moves and edges (three generators over the same layout)."""
    span_days = lots * MOVES_PER_LOT // moves_per_day + 6
    first_day = today - timedelta(days=span_days)
    days = [(first_day + timedelta(days=d)).isoformat() for d in range(span_days + 8)]
    plans = {kind: move_plan(kind) for kind in set(FAMILY)}
    used_up = {kind: move_plan(kind, used_up=True) for kind in set(FAMILY)}
    locations, materials = fixtures["locations"], fixtures["materials"]

    def lot_kind(lot: int) -> str:
        return FAMILY[(lot - 1) % len(FAMILY)]

    def lot_day(lot: int) -> int:
        return (lot - 1) * MOVES_PER_LOT // moves_per_day

    def material(lot: int) -> int:
        ids = materials[lot_kind(lot)]
        return ids[((lot - 1) // len(FAMILY)) % len(ids)]

    def lot_chunks():
        for start in range(1, lots + 1, CHUNK_LOTS):
            out = []
            for lot in range(start, min(start + CHUNK_LOTS, lots + 1)):
                kind = lot_kind(lot)
                stamp = f"{days[lot_day(lot)]} 06:00:00+00"
                origin = "receipt" if kind == "yarn" else "production"
                dye_lot = f"DL{(lot - 1) // len(FAMILY)}" if kind == "finished" else ""
                out.append(
                    f"{lot}\t{stamp}\t{stamp}\t1\tGL{lot:08d}\t{origin}\t\t{dye_lot}\treleased\t\\N\t\\N\t\t\t\t\t"
                    f"\\N\t\\N\t{material(lot)}\n"
                )
            yield "".join(out)

    def move_chunks():
        move_id = 0
        for start in range(1, lots + 1, CHUNK_LOTS):
            out = []
            for lot in range(start, min(start + CHUNK_LOTS, lots + 1)):
                kind = lot_kind(lot)
                day = lot_day(lot)
                mat = material(lot)
                cost = f"{2 + (lot % 13) / 10:.6f}"
                cost_n = 2 + (lot % 13) / 10
                minute = lot % 60
                plan = used_up[kind] if day < span_days - LIVE_DAYS else plans[kind]
                for k, (reason, qty, role, doc_type) in enumerate(plan):
                    move_id += 1
                    posting = lot * 32 + (1 if k == 2 else k)
                    value = f"{float(qty) * cost_n:.4f}"
                    doc_id, doc_ref = (str(lot * 32 + k), f"DOC-{lot}-{k}") if doc_type else ("", "")
                    out.append(
                        f"{move_id}\t{posting:032x}\t{qty}\t{cost}\t{value}\t{reason}\t{doc_type}\t{doc_id}\t"
                        f"{doc_ref}\t\t{days[day + k // 4]} {8 + (k % 4) * 2:02d}:{minute:02d}:00+00\t"
                        f"{locations[role]}\t{lot}\t{mat}\t\\N\t\\N\t\\N\n"
                    )
            yield "".join(out)

    def edge_chunks():
        edge_id = 0
        families = lots // len(FAMILY)
        for start in range(0, families, CHUNK_LOTS):
            out = []
            for family in range(start, min(start + CHUNK_LOTS, families)):
                base = family * len(FAMILY) + 1  # yarn base, base+1, base+2 → greige base+3 → finished base+4, +5
                stamp = f"{days[lot_day(base + 3)]} 07:00:00+00"
                links = [(base, base + 3, "170"), (base + 1, base + 3, "170"), (base + 2, base + 3, "170")]
                links += [(base + 3, base + 4, "85"), (base + 3, base + 5, "85")]
                for parent, child, qty in links:
                    edge_id += 1
                    out.append(
                        f"{edge_id}\t{qty}\tproduction.workorder\t{child}\t{stamp}\t{child}\t{parent}\t\\N\t\\N\n"
                    )
            yield "".join(out)

    return lot_chunks, move_chunks, edge_chunks


LOT_COLUMNS = (
    "id, created_at, updated_at, version, code, origin, supplier_lot, dye_lot, qc_status, received_at, produced_at, "
    "source_type, source_id, source_ref, notes, created_by_id, updated_by_id, material_id"
)
MOVE_COLUMNS = (
    "id, posting, qty, unit_cost, value, reason, document_type, document_id, document_ref, note, created_at, "
    "location_id, lot_id, material_id, reverses_id, roll_id, user_id"
)
EDGE_COLUMNS = (
    "id, qty, document_type, document_id, created_at, child_lot_id, parent_lot_id, child_roll_id, parent_roll_id"
)


def grow(moves: int, fixtures: dict, moves_per_day: int) -> dict:
    """Replace the ledger with `moves` moves; returns seconds per phase and the row counts."""
    from django.db import connection

    lots = moves // MOVES_PER_LOT
    lot_chunks, move_chunks, edge_chunks = ledger_rows(lots, fixtures, moves_per_day, date.today())
    phases = {}
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)}, inventory_roll, inventory_lot RESTART IDENTITY CASCADE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inventory_stockmove' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.cursor
        started = time.perf_counter()
        raw.copy_expert(f"COPY inventory_lot ({LOT_COLUMNS}) FROM STDIN", TextStream(lot_chunks()), size=1 << 20)
        raw.copy_expert(f"COPY inventory_stockmove ({MOVE_COLUMNS}) FROM STDIN", TextStream(move_chunks()), 1 << 20)
        raw.copy_expert(f"COPY inventory_genealogyedge ({EDGE_COLUMNS}) FROM STDIN", TextStream(edge_chunks()), 1 << 20)
        phases["copy_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO inventory_stockbalance (material_id, lot_id, roll_id, location_id, on_hand, reserved, value, "
            "updated_at) SELECT material_id, lot_id, NULL, location_id, SUM(qty), 0, SUM(value), MAX(created_at) "
            "FROM inventory_stockmove GROUP BY material_id, lot_id, location_id ORDER BY lot_id, location_id"
        )
        phases["balances_s"] = time.perf_counter() - started
        cursor.execute("SET session_replication_role = DEFAULT")
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            cursor.execute(definition)
        phases["index_s"] = time.perf_counter() - started
        for table in ("inventory_lot", "inventory_stockmove", "inventory_genealogyedge", "inventory_stockbalance"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("inventory_lot", "inventory_stockmove", "inventory_genealogyedge", "inventory_stockbalance"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    phases["vacuum_analyze_s"] = time.perf_counter() - started
    return {"lots": lots, **{k: round(v, 1) for k, v in phases.items()}}


def check(moves: int) -> dict:
    """Referential integrity and balance = Σ ledger, checked in SQL after the trigger-less COPY."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM inventory_stockmove m WHERE NOT EXISTS "
            "(SELECT 1 FROM inventory_lot l WHERE l.id = m.lot_id AND l.material_id = m.material_id) "
            "OR NOT EXISTS (SELECT 1 FROM inventory_location c WHERE c.id = m.location_id)"
        )
        orphans = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM inventory_stockbalance b FULL JOIN (SELECT lot_id, location_id, SUM(qty) q "
            "FROM inventory_stockmove GROUP BY lot_id, location_id) s USING (lot_id, location_id) "
            "WHERE b.on_hand IS DISTINCT FROM s.q OR b.on_hand < 0"
        )
        mismatched = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM inventory_stockmove")
        count = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('inventory_stockmove')")
        size = cursor.fetchone()[0]
    return {
        "moves": count,
        "orphan_moves": orphans,
        "balances_not_equal_to_ledger": mismatched,
        "move_table_mb": round(size / 2**20),
    }


# --- timing -------------------------------------------------------------------------------------
def timings(lots: int, repeats: int, kpi_repeats: int, seed: int) -> dict[str, dict]:
    from django.test import Client
    from rest_framework_simplejwt.tokens import RefreshToken

    from dashboard.kpis import KPIS
    from users.models import User

    user = User.objects.filter(username="growth-bench").first()
    if user is None:
        from users.services import user_create

        user = user_create(username="growth-bench", password="growth-bench-1", roles=["admin"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    rng = random.Random(seed)
    families = lots // len(FAMILY)

    def family_lot(offset: int) -> int:
        return rng.randrange(families) * len(FAMILY) + 1 + offset

    reads = {
        BASELINE: lambda: "/api/v1/users/me/",
        "balance lookup (one lot)": lambda: f"/api/v1/inventory/balances/?lot={rng.randrange(1, lots + 1)}",
        "ledger page (one lot's moves)": lambda: f"/api/v1/inventory/stock-moves/?lot={rng.randrange(1, lots + 1)}",
        "trace upstream (finished lot)": lambda: f"/api/v1/inventory/lots/{family_lot(4)}/trace/?direction=upstream",
        "trace downstream (yarn lot)": lambda: f"/api/v1/inventory/lots/{family_lot(0)}/trace/?direction=downstream",
    }
    reads.update({f"KPI {name}": (lambda name=name: f"/api/v1/kpis/{name}/") for name in KPIS})
    reads["KPIs, all"] = lambda: "/api/v1/kpis/"
    for url in reads.values():
        client.get(url())  # warm: connection, plans, the pages each read touches
    # Round-robin, one request per read per round, so a busy spell on the machine hits every read alike.
    times: dict[str, list[float]] = {label: [] for label in reads}
    for round_no in range(max(repeats, kpi_repeats)):
        for label, url in reads.items():
            if round_no >= (kpi_repeats if label.startswith("KPI") else repeats):
                continue
            path = url()
            started = time.perf_counter()
            response = client.get(path)
            times[label].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code} {response.content[:300]!r}")
    out = {}
    for label, values in times.items():
        out[label] = {
            "median_ms": round(statistics.median(values), 2),
            "max_ms": round(max(values), 2),
            "n": len(values),
        }
        print(f"    {label}: {out[label]['median_ms']} ms", file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100000,10000000", help="stock moves per step, comma-separated (default 100000,10000000)"
    )
    parser.add_argument("--moves-per-day", type=int, default=3000, help="the mill's posting rate (default 3000)")
    parser.add_argument("--repeats", type=int, default=25, help="timed requests per lookup (default 25)")
    parser.add_argument("--kpi-repeats", type=int, default=5, help="timed requests per KPI (default 5)")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if sizes[0] < MOVES_PER_LOT * len(FAMILY):
        parser.error(f"sizes must be at least {MOVES_PER_LOT * len(FAMILY)} moves")

    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not server.startswith(("postgres://", "postgresql://")):
        print("growth needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    parts = urlparse(server)
    admin_sql(server, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(server, f'CREATE DATABASE "{DB_NAME}"')
    steps = {}
    try:
        setup(parts._replace(path=f"/{DB_NAME}").geturl())
        fixtures = master_data()
        for moves in sizes:
            print(f"== {moves:,} stock moves: COPY …", file=sys.stderr, flush=True)
            started = time.perf_counter()
            load = grow(moves, fixtures, args.moves_per_day)
            load["total_s"] = round(time.perf_counter() - started, 1)
            print(f"   loaded in {load['total_s']} s {load}; checking …", file=sys.stderr, flush=True)
            checked = check(moves)
            if checked["orphan_moves"] or checked["balances_not_equal_to_ledger"] or checked["moves"] != moves:
                raise RuntimeError(f"synthetic ledger is inconsistent: {checked}")
            steps[str(moves)] = {
                "load": load,
                "check": checked,
                "reads": timings(load["lots"], args.repeats, args.kpi_repeats, 0),
            }
        from django.db import connection

        connection.close()
    finally:
        if not args.keep_db:
            admin_sql(server, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')

    small, large = str(sizes[0]), str(sizes[-1])
    base_small, base_large = (steps[size]["reads"][BASELINE]["median_ms"] for size in (small, large))
    growth = {}
    for label in steps[small]["reads"]:
        ms_small, ms_large = steps[small]["reads"][label]["median_ms"], steps[large]["reads"][label]["median_ms"]
        growth[label] = {
            "ms_small": ms_small,
            "ms_large": ms_large,
            "ratio": ratio(ms_large, ms_small, 2),
            # (large ÷ its baseline) ÷ (small ÷ its baseline): the growth net of machine load.
            "ratio_net_of_baseline": ratio(ratio(ms_large, base_large, 4), ratio(ms_small, base_small, 4), 2),
        }
    result = {
        "command": "python -m benchmarks.growth " + " ".join(argv if argv is not None else sys.argv[1:]),
        "sizes": sizes,
        "data_ratio": sizes[-1] / sizes[0],
        "moves_per_day": args.moves_per_day,
        "history_days": {str(m): m // args.moves_per_day for m in sizes},
        "database": f"postgresql {parts.hostname}:{parts.port or 5432}/{DB_NAME} (dropped)",
        "growth": growth,
        "steps": steps,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        markdown_table(
            [
                "read",
                f"ms at {sizes[0]:,}",
                f"ms at {sizes[-1]:,}",
                f"ratio ({result['data_ratio']:.0f}× data)",
                "ratio net of baseline",
            ],
            [
                [label, g["ms_small"], g["ms_large"], g["ratio"], g["ratio_net_of_baseline"]]
                for label, g in growth.items()
            ],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
