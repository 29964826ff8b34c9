"""A real Weft stack in subprocesses for integration tests: API (gunicorn), Celery worker, beat.

Used where a test must meet what a user meets: a real worker process on a real broker (the
embedded filesystem broker, or Redis), a real database file or PostgreSQL, real HTTP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

API_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = API_DIR.parent
BIN = Path(sys.executable).parent
PG_ADMIN_DSN = "dbname=postgres user=postgres host=127.0.0.1 connect_timeout=3"
PASSWORD = "weft-admin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> bool:
    try:
        import psycopg2

        psycopg2.connect(PG_ADMIN_DSN).close()
        return True
    except Exception:
        return False


def redis_available(url: str = "redis://127.0.0.1:6379/0") -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


class LiveStack:
    """`with LiveStack(tmp_path, database="sqlite", broker="embedded") as stack: stack.start_worker() …`"""

    def __init__(self, root: Path, *, database: str = "sqlite", broker: str = "embedded", env: dict | None = None):
        self.root = Path(root)
        self.database, self.broker = database, broker
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self._pg_name = None
        self._tokens: dict[str, str] = {}
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DJANGO_DEBUG="0",
            PYTHONUNBUFFERED="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            WEFT_SQLITE_PATH=str(self.root / "weft.sqlite3"),
            WEFT_BROKER_DIR=str(self.root / "broker"),
            WEFT_ARTIFACT_DIR=str(self.root / "artifacts"),
            WEFT_MEDIA_DIR=str(self.root / "media"),
            WEFT_ADMIN_PASSWORD=PASSWORD,
            WEFT_JOB_HEARTBEAT_S="1",
            WEFT_JOB_STALE_S="6",
            WEFT_REAPER_INTERVAL_S="2",
        )
        if database == "postgres":
            self._pg_name = f"weft_live_{uuid.uuid4().hex[:10]}"
            self.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{self._pg_name}"
        if broker == "redis":
            self.env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
        self.env.update(env or {})

    # --- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> LiveStack:
        self.root.mkdir(parents=True, exist_ok=True)
        if self._pg_name:
            self._pg_execute(f'CREATE DATABASE "{self._pg_name}"')
        if self.broker == "redis":
            import redis

            redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("ensure_demo_users")
        self.start_api()
        return self

    def __exit__(self, *exc) -> None:
        for name in list(self.processes):
            self.stop(name)
        if self._pg_name:
            self._pg_execute(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)')

    def _pg_execute(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(PG_ADMIN_DSN)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    def manage(self, *args: str, timeout: int = 600) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=API_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = self.root / f"{name}.log"
        self.logs[name] = log
        handle = log.open("ab")
        process = subprocess.Popen(
            command, cwd=API_DIR, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def start_api(self) -> None:
        self._spawn(
            "api",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--timeout",
                "120",
            ],
        )
        self.wait_for(lambda: self._health_ok(), timeout=60, what="the API to answer /api/health/")

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        return self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                "ml,default",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}-{uuid.uuid4().hex[:6]}@%h",
                "--loglevel",
                "INFO",
            ],
        )

    def start_beat(self) -> subprocess.Popen:
        return self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ],
        )

    def kill(self, name: str) -> None:
        """SIGKILL the process group: the worker and its pool children die with no chance to clean up."""
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace")[-6000:] if path and path.exists() else ""

    # --- HTTP -----------------------------------------------------------------------------------
    def _health_ok(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/api/health/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = requests.post(
                f"{self.base_url}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=30
            )
            response.raise_for_status()
            self._tokens[username] = response.json()["access"]
        return self._tokens[username]

    def call(self, method: str, path: str, *, as_user: str = "admin", **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(as_user)}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.base_url}{path}", headers=headers, timeout=60, **kwargs)

    @staticmethod
    def wait_for(condition, *, timeout: float, what: str, interval: float = 0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(interval)
        raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
