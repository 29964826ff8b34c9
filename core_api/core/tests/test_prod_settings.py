"""Production settings: `check --deploy` is clean with the required environment, a missing secret
stops the process, logs are JSON, Sentry starts only with a DSN, PostgreSQL sslmode is configurable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

API_DIR = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "p8Vx2-kQz7rT1mW9sLc4Hn6Yb3Jd5Fg0Ae8Ru2Ki7Ow1Pq4Zt6Xy9Ml3Nb5Vc7Dh0Gj",
    "DJANGO_ALLOWED_HOSTS": "weft.example.com",
    "FIELD_ENCRYPTION_KEY": "a-separate-long-random-field-encryption-key",
    "DATABASE_URL": "postgres://weft:secret@db.example.com:5432/weft",
}


def run(code_or_args, env_extra: dict | None = None, drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SENTRY_", "FIELD_"))}
    env.update(REQUIRED)
    env.update(env_extra or {})
    for name in drop:
        env.pop(name, None)
    args = ["manage.py", *code_or_args] if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=API_DIR, env=env, capture_output=True, text=True, timeout=240)


SETUP = "import django; django.setup(); from django.conf import settings\n"


def test_check_deploy_is_clean():
    done = run(["check", "--deploy", "--fail-level", "WARNING"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_a_missing_secret_stops_the_process():
    for name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DJANGO_ALLOWED_HOSTS"):
        done = run(SETUP, drop=(name,))
        assert done.returncode != 0 and name in done.stderr, name


def test_hardening_logging_sentry_and_sslmode():
    code = SETUP + (
        "import json, logging, sentry_sdk\n"
        "print(json.dumps({'hsts': settings.SECURE_HSTS_SECONDS, 'ssl': settings.SECURE_SSL_REDIRECT,"
        " 'cookies': settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,"
        " 'sslmode': settings.DATABASES['default']['OPTIONS'].get('sslmode'),"
        " 'sentry': sentry_sdk.get_client().is_active(),"
        " 'static': settings.STORAGES['staticfiles']['BACKEND']}))\n"
        "logging.getLogger('weft.test').warning('stock posted', extra={'lot': 'L-1'})\n"
    )
    done = run(code, {"DATABASE_SSLMODE": "verify-full", "SENTRY_DSN": "https://key@o0.ingest.sentry.io/1"})
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "hsts": 31536000,
        "ssl": True,
        "cookies": True,
        "sslmode": "verify-full",
        "sentry": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
    record = json.loads(done.stderr.strip().splitlines()[-1])
    assert record["message"] == "stock posted" and record["level"] == "WARNING" and record["lot"] == "L-1"
    assert record["logger"] == "weft.test" and "time" in record

    done = run(SETUP + "import sentry_sdk; print(sentry_sdk.get_client().is_active())")
    assert done.stdout.strip().splitlines()[-1] == "False"
