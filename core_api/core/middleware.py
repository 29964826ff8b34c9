"""Request-level guards that must run before any view reads the body or the user."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject

from .errors import envelope


class BodySizeLimitMiddleware:
    """Refuse bodies over WEFT_MAX_BODY_BYTES with 413 before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(envelope("bad_request", "Content-Length is not a number."), status=400)
        limit = settings.WEFT_MAX_BODY_BYTES
        if length > limit:
            return JsonResponse(
                envelope(
                    "payload_too_large",
                    f"Request body of {length} bytes exceeds the limit of {limit} bytes.",
                    {"body": [f"at most {limit} bytes"]},
                ),
                status=413,
            )
        return self.get_response(request)


def _jwt_user(request, fallback):
    from core.authentication import CachedJWTAuthentication

    try:
        result = CachedJWTAuthentication().authenticate(request)
    except Exception:  # an invalid token is DRF's to refuse; here we only need the actor
        return fallback
    return result[0] if result else fallback


class JWTUserMiddleware:
    """Resolve the JWT user at the Django level so the audit trail records the real actor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            fallback = request.user
            request.user = SimpleLazyObject(lambda: _jwt_user(request, fallback))
        return self.get_response(request)
