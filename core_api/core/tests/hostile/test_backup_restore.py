"""Backup and restore drill on PostgreSQL, as deploy/README.md does it: `pg_dump -Fc` of a database
holding a small mill made through the services, `pg_restore --exit-on-error` into a fresh database,
then every table has the same row count and `manage.py check_stock_invariants` passes on the copy."""

import os
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal as D

import psycopg2
import pytest
from django.db import connection, connections

from core.testing import API_DIR, PG_ADMIN_DSN
from core.tests.hostile.fuzz import record
from inventory import services as stock
from inventory.models import Location, LocationKind, Material, QCStatus, Warehouse
from inventory.services import StockLine
from sales import services as sales
from sales.tests.factories import CustomerFactory, FabricLotFactory, FinishedFabricFactory, RollFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connections["default"].vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (run it in the PostgreSQL pass)")


def _small_mill(make_user) -> None:
    """Receipts, issues, transfers, reservations, an order allocated and shipped, users: real rows
    in the ledger, documents, audit trail and auth tables."""
    make_user("storekeeper")
    warehouse = Warehouse.objects.create(code="DR-WH", name="Drill mill")
    stores = Location.objects.create(warehouse=warehouse, code="DR-ST", name="Stores", kind=LocationKind.STORES)
    floor = Location.objects.create(warehouse=warehouse, code="DR-PF", name="Floor", kind=LocationKind.PRODUCTION)
    fg = Location.objects.create(warehouse=warehouse, code="DR-FG", name="FG", kind=LocationKind.FINISHED_GOODS)
    yarn = Material.objects.create(
        code="DR-Y", name="30s cotton", kind="yarn", yarn_count_value=D("30"), yarn_count_system="ne"
    )
    for i in range(3):
        lot = stock.lot_create(material=yarn, origin="opening", qc_status=QCStatus.RELEASED)
        stock.stock_receive(lines=[StockLine(lot=lot, location=stores, qty=D(100 + i), unit_cost=D(2 + i))])
        stock.stock_transfer(lines=[StockLine(lot=lot, location=stores, qty=D(30))], to_location=floor)
        stock.stock_issue(lines=[StockLine(lot=lot, location=floor, qty=D(12))])
        stock.stock_reserve(lines=[StockLine(lot=lot, location=stores, qty=D(5))])
    fabric = FinishedFabricFactory(code="DR-SJ")
    lot = FabricLotFactory(material=fabric)
    for length in (80, 95, 110):
        RollFactory(lot=lot, length_m=D(length), location=fg)
    customer = CustomerFactory(code="DR-CUS")
    order = sales.sales_order_create(
        customer=customer, lines=[{"material": fabric, "qty": 150, "unit_price": 5, "requested_date": date.today()}]
    )
    order = sales.sales_order_confirm(order=order)
    order, _ = sales.sales_order_allocate(order=order)
    sales.shipment_create(order=order)


def _counts(dbname: str) -> dict[str, int]:
    conn = psycopg2.connect(f"{PG_ADMIN_DSN.replace('dbname=postgres', f'dbname={dbname}')}")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


def _admin(sql: str) -> None:
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def test_dump_and_restore_keeps_every_row_and_a_sound_ledger(make_user, tmp_path):
    _small_mill(make_user)
    source = connection.settings_dict["NAME"]
    settings = connection.settings_dict
    target = f"weft_restore_{uuid.uuid4().hex[:10]}"
    dump = tmp_path / "weft.dump"
    host = ["-h", settings.get("HOST") or "127.0.0.1", "-p", str(settings.get("PORT") or 5432)]
    user = ["-U", settings.get("USER") or "postgres"]
    subprocess.run(["pg_dump", *host, *user, "-d", source, "-Fc", "-f", str(dump)], check=True, timeout=300)
    _admin(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            ["pg_restore", *host, *user, "-d", target, "--no-owner", "--exit-on-error", str(dump)],
            check=True,
            timeout=300,
        )
        before, after = _counts(source), _counts(target)
        diffs = {t: (before.get(t), after.get(t)) for t in set(before) | set(after) if before.get(t) != after.get(t)}
        check = subprocess.run(
            [sys.executable, "manage.py", "check_stock_invariants"],
            cwd=API_DIR,
            env={
                **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                "DATABASE_URL": f"postgres://{user[1]}@{host[1]}:{host[3]}/{target}",
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    record(
        "backup_restore",
        tables=len(before),
        rows=sum(before.values()),
        restore_row_count_diffs=len(diffs),
        invariants_ok=check.returncode == 0,
    )
    assert before["inventory_stockmove"] > 10 and before["sales_shipmentline"] >= 1 and before["auditlog_logentry"] > 0
    assert not diffs, diffs
    assert check.returncode == 0 and "invariants hold" in check.stdout, check.stdout + check.stderr
