"""Settings shared by every environment; values come from the environment (django-environ)."""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

API_DIR = Path(__file__).resolve().parents[2]  # core_api/
REPO_DIR = API_DIR.parent
VAR_DIR = REPO_DIR / "var"
# The `ml` package sits beside core_api/ and is imported by the ML service.
if str(REPO_DIR) not in sys.path:
    sys.path.append(str(REPO_DIR))

env = environ.Env()
environ.Env.read_env(REPO_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="weft-insecure-development-key-change-me")
# Encrypts personal and banking data at rest (config.fields). Development/test default derived from
# SECRET_KEY; production settings require it from the environment.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default=f"weft-dev-field-key:{SECRET_KEY}")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "corsheaders",
    "auditlog",
    "django_celery_beat",
    # Weft: core first, then the domain from the ground floor up.
    "core",
    "users",
    "inventory",
    "procurement",
    "production",
    "quality",
    "sales",
    "ml_service",
    "dashboard",
    "planning",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.JWTUserMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# --- Database: SQLite (embedded default) unless DATABASE_URL is set. -------------------------
SQLITE_PATH = Path(env("WEFT_SQLITE_PATH", default=str(VAR_DIR / "weft.sqlite3")))
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    sslmode = env("DATABASE_SSLMODE", default="")
    if sslmode:
        DATABASES["default"]["OPTIONS"]["sslmode"] = sslmode
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# Every request is one transaction: an error anywhere rolls the whole document back.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, local memory otherwise. ------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "weft",
            "TIMEOUT": env.int("CACHE_TIMEOUT_S", default=300),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TZ_NAME", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIST = REPO_DIR / "frontend" / "dist"
STATICFILES_DIRS = [p for p in [FRONTEND_DIST] if p.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("WEFT_MEDIA_DIR", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# KPI responses are cached this long at most (postings invalidate them at once; see dashboard.cache).
# Without Redis the cache is per process, so another process's postings show within this bound.
WEFT_KPI_CACHE_S = env.int("WEFT_KPI_CACHE_S", default=300 if REDIS_URL else 15)

# --- Weft ------------------------------------------------------------------------------------
_shared_data = REPO_DIR.parent / "shared" / "data"
WEFT_DATA_DIR = Path(env("WEFT_DATA_DIR", default=str(_shared_data)))
WEFT_ARTIFACT_DIR = Path(env("WEFT_ARTIFACT_DIR", default=str(VAR_DIR / "artifacts")))
WEFT_ADMIN_PASSWORD = env("WEFT_ADMIN_PASSWORD", default="weft-admin")
# Largest request body accepted by the API (bytes); larger bodies get 413.
WEFT_MAX_BODY_BYTES = env.int("WEFT_MAX_BODY_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = WEFT_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = WEFT_MAX_BODY_BYTES
# Failed logins per username per minute before the next one gets 429.
WEFT_LOGIN_FAILURES_ALLOWED = 5
WEFT_LOGIN_FAILURE_WINDOW_S = 60
# Benchmarks only (`benchmarks.api_load`): mount a constant-JSON endpoint with no auth and no database
# at /api/bench/constant/ as the framework's ceiling. Off in every normal deployment.
WEFT_BENCH_ENDPOINTS = env.bool("WEFT_BENCH_ENDPOINTS", default=False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.authentication.CachedJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RoleTablePermission"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "6000/min"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": SECRET_KEY,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Weft API",
    "DESCRIPTION": "ERP for textile mills with machine-learning decision support.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    # Several documents have a `status`, `kind` or `stage`: name each choice set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "LocationKindEnum": "inventory.models.LocationKind",
        "MaterialKindEnum": "inventory.models.MaterialKind",
        "StockCountStatusEnum": "inventory.models.StockCountStatus",
        "DefectLabelEnum": "ml_service.models.DefectLabel",
        "JobKindEnum": "ml_service.models.JobKind",
        "JobStatusEnum": "ml_service.models.JobStatus",
        "ProductionStageEnum": "production.models.Stage",
        "PurchaseOrderStatusEnum": "procurement.models.POStatus",
        "JobWorkStatusEnum": "production.models.JobWorkStatus",
        "WorkOrderStatusEnum": "production.models.WorkOrderStatus",
        "InspectionStageEnum": "quality.models.InspectionStage",
        "NonConformanceStatusEnum": "quality.models.NonConformanceStatus",
        "ParameterKindEnum": "quality.models.ParameterKind",
        "AllocationStatusEnum": "sales.models.AllocationStatus",
        "FeedbackKindEnum": "sales.models.FeedbackKind",
        "FeedbackStatusEnum": "sales.models.FeedbackStatus",
        "SalesOrderStatusEnum": "sales.models.OrderStatus",
    },
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://127.0.0.1:5173", "http://localhost:5173"])
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

# --- Celery: Redis when REDIS_URL is set, otherwise a filesystem broker (no server needed). --
CELERY_BROKER_DIR = Path(env("WEFT_BROKER_DIR", default=str(VAR_DIR / "broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest task's hard limit, so a running job is never handed out twice.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 3600),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # The reaper must run even when every ml worker is busy (or dead).
    "ml_service.tasks.reap_stale_jobs": {"queue": "default"},
    "ml_service.tasks.*": {"queue": "ml"},
    "planning.tasks.*": {"queue": "ml"},
}
# ML jobs heartbeat while they run; a job silent for WEFT_JOB_STALE_S is re-queued by the reaper.
WEFT_JOB_HEARTBEAT_S = env.int("WEFT_JOB_HEARTBEAT_S", default=5)
WEFT_JOB_STALE_S = env.int("WEFT_JOB_STALE_S", default=60)
WEFT_REAPER_INTERVAL_S = env.int("WEFT_REAPER_INTERVAL_S", default=15)
CELERY_BEAT_SCHEDULE = {
    "reap-stale-ml-jobs": {"task": "ml_service.tasks.reap_stale_jobs", "schedule": float(WEFT_REAPER_INTERVAL_S)},
    "nightly-retraining": {
        "task": "ml_service.tasks.nightly_retraining",
        "schedule": crontab(hour=2, minute=0),
    },
    "nightly-forecast-refresh": {
        "task": "ml_service.tasks.nightly_forecast_refresh",
        "schedule": crontab(hour=3, minute=30),
    },
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "SERVE_PERMISSIONS": ["core.permissions.RoleTablePermission"],
        "SERVE_AUTHENTICATION": [],
    }
)
INSTALLED_APPS.append("drf_spectacular_sidecar")

# The audit trail records every mutation of every model but the derived/plumbing ones.
AUDITLOG_INCLUDE_ALL_MODELS = True
# Encrypted personal/banking fields are kept out of the audit trail (it would store them in clear).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "procurement.supplier", "exclude_fields": ["bank_details"]},
    {"model": "procurement.suppliercontact", "exclude_fields": ["email", "phone"]},
    {"model": "sales.customer", "exclude_fields": ["contacts"]},
    # Password hashes stay out of it too (admins read the trail).
    {"model": "users.user", "exclude_fields": ["password"]},
)
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "core.idempotencyrecord",
    "sessions",
    "admin",
    "token_blacklist",
    "django_celery_beat",
    "auditlog",
    "contenttypes",
    "auth.permission",
)
