"""View plumbing shared by every app: Idempotency-Key, ETag/If-Match, health, audit trail."""

from __future__ import annotations

import hashlib

from auditlog.models import LogEntry
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import Conflict, InvalidInput, PreconditionFailed
from .models import IdempotencyRecord

MAX_IDEMPOTENCY_KEY = 255


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    digest.update(request.body or b"")
    return digest.hexdigest()


def if_match_version(request) -> int | None:
    """The version named by an If-Match header (`"3"` or `W/"3"`), or None when absent."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError:
        raise PreconditionFailed("If-Match must be the ETag of the document.", code="bad_if_match")


def check_if_match(request, document) -> None:
    """412 when the client edits a version other than the current one (no lost update)."""
    expected = if_match_version(request)
    if expected is not None and expected != document.version:
        raise PreconditionFailed(
            f"The document changed (version {document.version}, you sent {expected}); reload it.",
            code="stale_version",
            fields={"If-Match": [f"current version is {document.version}"]},
        )


class WeftAPIMixin:
    """Mixed into every Weft API view.

    - A POST with an `Idempotency-Key` header returns the first response on repeats, and 409 when
      the key is reused with a different body.
    - A response holding one versioned document gets an `ETag` of its version.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_record = None
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise InvalidInput(
                "Idempotency-Key is too long.",
                fields={"Idempotency-Key": [f"at most {MAX_IDEMPOTENCY_KEY} characters"]},
            )
        user = request.user if request.user.is_authenticated else None
        fingerprint = _request_fingerprint(request)
        try:
            with transaction.atomic():
                self._idempotency_record = IdempotencyRecord.objects.create(
                    user=user, key=key, method=request.method, path=request.path, request_hash=fingerprint
                )
                return
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=user, key=key)
        if record.request_hash != fingerprint:
            raise Conflict(
                "This Idempotency-Key was used for a different request.",
                code="idempotency_key_reused",
                fields={"Idempotency-Key": ["already used with another body or path"]},
            )
        raise _Replay(record)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            if record.status_code is None:
                raise Conflict("The first request with this Idempotency-Key is still running.", code="in_progress")
            return Response(record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"})
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency_record", None)
        if record is not None and 200 <= response.status_code < 300:
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
        data = getattr(response, "data", None)
        if isinstance(data, dict) and "id" in data and "version" in data and not response.has_header("ETag"):
            response["ETag"] = f'"{data["version"]}"'
        return response


class WeftAPIView(WeftAPIMixin, APIView):
    pass


class WeftGenericViewSet(WeftAPIMixin, viewsets.GenericViewSet):
    pass


class WeftReadOnlyViewSet(WeftAPIMixin, viewsets.ReadOnlyModelViewSet):
    pass


class WeftModelViewSet(WeftAPIMixin, viewsets.ModelViewSet):
    pass


class BenchConstantView(APIView):
    """A constant JSON answer with no authentication and no database: the framework's ceiling that
    `benchmarks.api_load` measures real endpoints against. Mounted only with WEFT_BENCH_ENDPOINTS on."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response({"status": "ok", "items": [1, 2, 3]})


class HealthView(WeftAPIView):
    authentication_classes: list = []

    @extend_schema(
        responses=inline_serializer(
            "Health",
            {"status": serializers.CharField(), "database": serializers.CharField(), "broker": serializers.CharField()},
        )
    )
    def get(self, request):
        database = "ok"
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            database = "error"
        broker = _broker_status()
        healthy = database == "ok" and broker != "error"
        body = {"status": "ok" if healthy else "degraded", "database": database, "broker": broker}
        return Response(body, status=200 if database == "ok" else 503)


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "embedded"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception:
        return "error"


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    model = serializers.SerializerMethodField()
    action = serializers.CharField(source="get_action_display", read_only=True)
    changes = serializers.JSONField(read_only=True)

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "actor", "action", "model", "object_pk", "object_repr", "changes"]

    def get_model(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class AuditViewSet(WeftAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who changed what, when (admins only)."""

    serializer_class = AuditEntrySerializer
    queryset = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    filterset_fields = {"object_pk": ["exact"], "actor__username": ["exact"], "content_type__model": ["exact"]}
    search_fields = ["object_repr"]
    ordering_fields = ["timestamp"]
