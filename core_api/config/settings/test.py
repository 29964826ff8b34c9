"""Settings for the test suite: same database selection as base (SQLite, or DATABASE_URL)."""

import os

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the worker integration tests start a real worker instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
# Parallel test workers must not share model files or uploads.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
WEFT_ARTIFACT_DIR = VAR_DIR / "test-artifacts" / _worker
MEDIA_ROOT = VAR_DIR / "test-media" / _worker
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
