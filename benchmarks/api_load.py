"""API under load: `python -m benchmarks.api_load [--years 1] [--seconds 10] [--clients 16]`.

Seeds a demo mill (`seed_demo`) into a PostgreSQL database of its own, starts the API as deployed
(gunicorn with deploy/gunicorn.conf.py, production settings) with WEFT_BENCH_ENDPOINTS=1, and drives
typical list and detail endpoints with `--clients` concurrent keep-alive HTTP clients (threads,
JWT-authenticated). The baseline is /api/bench/constant/ — a DRF APIView answering constant JSON with
no authentication and no database — served by the same gunicorn processes in the same run: the
framework's ceiling on this machine. Each endpoint's requests/s is reported as a ratio to it.

SQL queries per request come from Django's test client with CaptureQueriesContext against the same
database (the second call, so one-off lookups are not counted).

Client and server share the machine's cores, so the client's own CPU is part of every figure.
PostgreSQL comes from DATABASE_URL's server (default 127.0.0.1:5432, user postgres); the database
is `weft_bench_api`, dropped at the end unless --keep-db. Writes benchmarks/results/api_load.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
API_DIR = REPO / "core_api"
sys.path[:0] = [str(API_DIR), str(REPO)]

from benchmarks.postgres import admin_sql  # noqa: E402
from benchmarks.stats import latency_summary, markdown_table, ratio  # noqa: E402

RESULT = REPO / "benchmarks" / "results" / "api_load.json"
DB_NAME = "weft_bench_api"
BASELINE = "bare DRF (constant JSON, no auth, no DB)"
PASSWORD = "weft-admin"


# Sent without a token: with one, the JWT middleware would look the user up (a query) even here.
ANONYMOUS = {BASELINE, "health (1 query, no auth)"}
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def endpoints(lot_id: int, order_id: int) -> dict[str, str]:
    """Label → path; the first is the baseline."""
    return {
        BASELINE: "/api/bench/constant/",
        "health (1 query, no auth)": "/api/health/",
        "materials list": "/api/v1/inventory/materials/",
        "lots list": "/api/v1/inventory/lots/",
        "lot detail": f"/api/v1/inventory/lots/{lot_id}/",
        "balances list": "/api/v1/inventory/balances/",
        "sales orders list": "/api/v1/sales/orders/",
        "sales order detail": f"/api/v1/sales/orders/{order_id}/",
        "KPI stock-value": "/api/v1/kpis/stock-value/",
        "KPIs, all": "/api/v1/kpis/",
    }


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="weft-bench-secret-key-not-for-production-0123456789",
        FIELD_ENCRYPTION_KEY="weft-bench-field-key-not-for-production-9876543210",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        WEFT_BENCH_ENDPOINTS="1",
        WEFT_ADMIN_PASSWORD=PASSWORD,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def manage(env: dict, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=API_DIR, env=env, capture_output=True, text=True, timeout=7200
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


# --- load client --------------------------------------------------------------------------------
class Client(threading.Thread):
    """One keep-alive HTTP/1.1 connection issuing GETs back to back until `stop_at`."""

    def __init__(self, port: int, path: str, headers: dict, start_at: float, stop_at: float):
        super().__init__(daemon=True)
        self.port, self.path, self.headers = port, path, headers
        self.start_at, self.stop_at = start_at, stop_at
        self.latencies: list[float] = []
        self.errors = 0
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while (now := time.perf_counter()) < self.stop_at:
            try:
                connection.request("GET", self.path, headers=self.headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.errors += 1
                continue
            done = time.perf_counter()
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status != 200:
                self.errors += 1
            elif self.start_at <= done <= self.stop_at:  # what completes inside the measured window
                self.latencies.append(done - now)
        connection.close()


def load(port: int, path: str, headers: dict, clients: int, seconds: float, warmup: float) -> dict:
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds
    threads = [Client(port, path, headers, start_at, stop_at) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [value for thread in threads for value in thread.latencies]
    statuses: dict[int, int] = {}
    for thread in threads:
        for status, count in thread.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    summary = latency_summary(latencies, seconds, errors=sum(t.errors for t in threads))
    summary["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    return summary


# --- gunicorn -----------------------------------------------------------------------------------
def start_api(env: dict, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
        cwd=API_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/bench/constant/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 120 s")


def stop_api(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": "admin", "password": PASSWORD})
    connection.request("POST", "/api/v1/auth/token/", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    payload = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"sign-in failed: {response.status} {payload}")
    return payload["access"]


def get_json(port: int, path: str, headers: dict) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    payload = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {payload}")
    return payload


# --- SQL queries per request --------------------------------------------------------------------
def query_counts(env: dict, paths: dict[str, str]) -> dict[str, dict]:
    """Queries per request with Django's test client in this process, against the same database."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import RefreshToken

    from users.models import User

    admin = User.objects.get(username="admin")
    signed_in = DjangoClient(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(admin).access_token}")
    anonymous = DjangoClient()

    def statements(captured) -> int:
        return sum(1 for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL))

    counts = {}
    for label, path in paths.items():
        client = anonymous if label in ANONYMOUS else signed_in
        client.get(path)
        cache.clear()  # KPIs: count what computing them costs, not a cache hit
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} in-process: {response.status_code} {response.content[:300]!r}")
        counts[label] = {"queries": statements(cold), "queries_cache_warm": statements(warm)}
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=1.0, help="years of demo-mill history to seed (default 1)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each (default 2)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database (and reuse it next time)")
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not server.startswith(("postgres://", "postgresql://")):
        print("api_load needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    parts = urlparse(server)
    database_url = parts._replace(path=f"/{DB_NAME}").geturl()
    env = server_env(database_url)

    created = True
    try:
        admin_sql(server, f'CREATE DATABASE "{DB_NAME}"')
    except Exception:  # it exists: start afresh unless asked to reuse it
        created = not args.keep_db
        if created:
            admin_sql(server, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            admin_sql(server, f'CREATE DATABASE "{DB_NAME}"')
    process = None
    try:
        print(f"migrating {DB_NAME} …", file=sys.stderr, flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "ensure_demo_users")
        print(f"seeding {args.years} year(s) of demo mill (unless kept from before) …", file=sys.stderr, flush=True)
        seed_seconds = manage(env, "seed_demo", "--if-empty", "--years", str(args.years))
        seed_seconds = seed_seconds if created else None  # a kept mill was not seeded now
        with tempfile.TemporaryDirectory() as root:
            from core.testing import free_port

            port = free_port()
            process = start_api(env, port, Path(root) / "gunicorn.log")
            plain = {"Connection": "keep-alive"}
            headers = {**plain, "Authorization": f"Bearer {token(port)}"}
            lot_id = get_json(port, "/api/v1/inventory/lots/?page_size=1", headers)["results"][0]["id"]
            order_id = get_json(port, "/api/v1/sales/orders/?page_size=1", headers)["results"][0]["id"]
            data = {
                name: get_json(port, f"{path}?page_size=1", headers)["count"]
                for name, path in {
                    "materials": "/api/v1/inventory/materials/",
                    "lots": "/api/v1/inventory/lots/",
                    "balances": "/api/v1/inventory/balances/",
                    "stock_moves": "/api/v1/inventory/stock-moves/",
                    "sales_orders": "/api/v1/sales/orders/",
                }.items()
            }
            paths = endpoints(lot_id, order_id)
            measured: dict[str, dict] = {}
            for label, path in paths.items():
                print(f"  {label}: {args.clients} clients × {args.seconds:.0f} s …", file=sys.stderr, flush=True)
                sent = plain if label in ANONYMOUS else headers
                measured[label] = load(port, path, sent, args.clients, args.seconds, args.warmup)
            # The baseline again at the end: how much the machine drifted during the run.
            baseline_end = load(port, paths[BASELINE], plain, args.clients, args.seconds, args.warmup)
            stop_api(process)
            process = None
        counts = query_counts(env, paths)
    finally:
        if process is not None:
            stop_api(process)
        if not args.keep_db:
            admin_sql(server, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')

    import multiprocessing

    base = measured[BASELINE]
    rows = {}
    for label, figures in measured.items():
        rows[label] = {
            "path": paths[label],
            **figures,
            "rps_ratio_to_bare": ratio(figures["rps"], base["rps"]),
            "p50_ratio_to_bare": ratio(figures["p50_ms"], base["p50_ms"], 2),
            **counts[label],
        }
    result = {
        "command": "python -m benchmarks.api_load " + " ".join(argv if argv is not None else sys.argv[1:]),
        "note": (
            f"load client ({args.clients} threads, Python http.client) and server (gunicorn) share "
            f"this machine's {os.cpu_count()} cores; requests/s are what both together reach"
        ),
        "server": {
            "gunicorn_config": "deploy/gunicorn.conf.py",
            "workers": int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)),
            "threads": int(os.environ.get("GUNICORN_THREADS", "4")),
            "settings": "config.settings.prod (no Redis: per-process KPI cache)",
            "database": f"postgresql {parts.hostname}:{parts.port or 5432}/{DB_NAME}",
        },
        "clients": args.clients,
        "seconds_per_endpoint": args.seconds,
        "seed_years": args.years,
        "seed_seconds": None if seed_seconds is None else round(seed_seconds, 1),
        "data": data,
        "baseline": BASELINE,
        "baseline_rps_at_end": baseline_end["rps"],
        "endpoints": rows,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        markdown_table(
            ["endpoint", "req/s", "× bare", "p50 ms", "p99 ms", "errors", "SQL queries (no BEGIN/COMMIT)"],
            [
                [
                    label,
                    r["rps"],
                    r["rps_ratio_to_bare"],
                    r["p50_ms"],
                    r["p99_ms"],
                    r["errors"],
                    r["queries"],
                ]
                for label, r in rows.items()
            ],
        )
    )
    print(f"\n{result['note']}; bare endpoint at the end: {baseline_end['rps']} req/s")
    return 0 if all(r["errors"] == 0 for r in rows.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
