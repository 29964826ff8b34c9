"""The one error envelope: {"error": {"code", "message", "fields"}} for every 4xx/5xx.

Services raise `ApplicationError` subclasses; the DRF exception handler and the Django-level
handlers below turn every error (ours, DRF's, Django's) into the same envelope.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refusal a client can act on. Subclasses fix the HTTP status."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = {k: (v if isinstance(v, list) else [v]) for k, v in (fields or {}).items()}


@contextmanager
def as_single_item(prefix: str) -> Iterator[None]:
    """A bulk service called for one item: its errors name that item's fields (`items.0.qty` → `qty`)."""
    try:
        yield
    except ApplicationError as error:
        error.fields = {name.removeprefix(prefix): messages for name, messages in error.fields.items()}
        raise


class InvalidInput(ApplicationError):
    status_code = 400
    default_code = "invalid"


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"


class StockShortfall(Conflict):
    """Every shortfall of one posting at once: fields maps each short line to its message."""

    default_code = "stock_shortfall"


class PreconditionFailed(ApplicationError):
    status_code = 412
    default_code = "precondition_failed"


class PayloadTooLarge(ApplicationError):
    status_code = 413
    default_code = "payload_too_large"


class BusinessRuleViolation(ApplicationError):
    status_code = 422
    default_code = "business_rule"


def envelope(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"field" or "lines.0.qty": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            if key in ("non_field_errors", "__all__"):
                name = prefix or "non_field_errors"
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            out[prefix or "non_field_errors"] = [str(v) for v in detail]
        else:
            for i, value in enumerate(detail):
                if value:
                    for k, v in _flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                        out.setdefault(k, []).extend(v)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _first_message(fields: dict[str, list[str]], default: str) -> str:
    for name, messages in fields.items():
        if messages:
            return messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}"
    return default


def exception_handler(exc, context):
    """DRF exception handler: everything leaves as the envelope, and the transaction rolls back."""
    headers = {}
    if isinstance(exc, ApplicationError):
        status, body = exc.status_code, envelope(exc.code, exc.message, exc.fields)
    elif isinstance(exc, drf.ValidationError):
        fields = _flatten(exc.detail)
        status = 400
        body = envelope("validation_error", _first_message(fields, "Invalid input."), fields)
    elif isinstance(exc, drf.ParseError):
        status, body = 400, envelope("malformed_request", f"Malformed request body: {exc.detail}")
    elif isinstance(exc, drf.Throttled):
        status = 429
        wait = int(exc.wait or 1)
        headers["Retry-After"] = str(max(wait, 1))
        body = envelope("throttled", f"Too many requests; retry in {max(wait, 1)} s.")
    elif isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        status = 401
        detail = exc.detail
        code = "not_authenticated"
        message = "Authentication credentials were not provided or are not valid."
        if isinstance(detail, dict):
            code = str(detail.get("code", "token_not_valid"))
            message = str(detail.get("detail", message))
        elif detail:
            message = str(detail)
            code = getattr(detail, "code", code) or code
        body = envelope(code, message)
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    elif isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        status = 403
        body = envelope("permission_denied", str(getattr(exc, "detail", "")) or "Your role may not do this.")
    elif isinstance(exc, (drf.NotFound, Http404)):
        status, body = 404, envelope("not_found", "No such object.")
    elif isinstance(exc, drf.MethodNotAllowed):
        status, body = 405, envelope("method_not_allowed", str(exc.detail))
    elif isinstance(exc, drf.UnsupportedMediaType):
        status, body = 415, envelope("unsupported_media_type", str(exc.detail))
    elif isinstance(exc, drf.NotAcceptable):
        status, body = 406, envelope("not_acceptable", str(exc.detail))
    elif isinstance(exc, DjangoValidationError):
        fields = _flatten(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        status = 400
        body = envelope("validation_error", _first_message(fields, "Invalid input."), fields)
    elif isinstance(exc, IntegrityError):
        # A constraint the database enforced (a concurrent duplicate, a balance going negative).
        logger.warning("integrity error turned into 409: %s", exc)
        status = 409
        body = envelope("conflict", "The request conflicts with the current state; reload and retry.")
    elif isinstance(exc, drf.APIException):
        status = exc.status_code
        body = envelope(getattr(exc, "default_code", "error"), str(exc.detail))
    else:
        return None  # a genuine bug: let Django log it and answer 500 through handler500
    set_rollback()
    return Response(body, status=status, headers=headers)


# --- Django-level handlers (URLs outside DRF views) -------------------------------------------
def handler400(request, exception=None):
    return JsonResponse(envelope("bad_request", "Bad request."), status=400)


def handler403(request, exception=None):
    return JsonResponse(envelope("permission_denied", "Your role may not do this."), status=403)


def handler404(request, exception=None):
    return JsonResponse(envelope("not_found", "No such resource."), status=404)


def handler500(request):
    return JsonResponse(envelope("server_error", "Internal error; it has been logged."), status=500)
