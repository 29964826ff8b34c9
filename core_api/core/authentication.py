"""JWT authentication resolved once per request (the audit middleware and DRF share the answer)."""

from __future__ import annotations

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication

CACHE_ATTR = "_weft_jwt_auth"


class CachedJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication, remembered on the Django request.

    Only a success is remembered: an invalid or expired token is re-checked and refused by DRF with
    its 401, exactly as before.
    """

    def authenticate(self, request):
        django_request = getattr(request, "_request", request)
        cached = getattr(django_request, CACHE_ATTR, None)
        if cached is not None:
            return cached
        result = super().authenticate(request)
        if result is not None:
            setattr(django_request, CACHE_ATTR, result)
        return result


class CachedJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of simplejwt (`jwtAuth`, a bearer JWT) for the cached class."""

    target_class = "core.authentication.CachedJWTAuthentication"
