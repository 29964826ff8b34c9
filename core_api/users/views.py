import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from core.errors import InvalidInput
from core.views import WeftAPIMixin, WeftAPIView, WeftGenericViewSet

from . import services
from .models import User
from .serializers import (
    LogoutSerializer,
    MeSerializer,
    TokenObtainSerializer,
    TokenRefreshStrictSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
)


def _failure_key(username: str) -> str:
    # Hashed: a username is whatever a client sends (any length, any characters), a cache key is not.
    return "login-failures:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


class TokenObtainView(WeftAPIMixin, TokenObtainPairView):
    """Username + password → access and refresh tokens. Repeated failures per username get 429."""

    authentication_classes: list = []
    serializer_class = TokenObtainSerializer

    def post(self, request, *args, **kwargs):
        username = str(request.data.get("username", "")) if hasattr(request.data, "get") else ""
        now = time.time()
        window = settings.WEFT_LOGIN_FAILURE_WINDOW_S
        failures = [t for t in cache.get(_failure_key(username), []) if now - t < window]
        if len(failures) >= settings.WEFT_LOGIN_FAILURES_ALLOWED:
            raise exceptions.Throttled(wait=max(1, int(window - (now - failures[0])) + 1))
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.AuthenticationFailed:
            failures.append(now)
            cache.set(_failure_key(username), failures, window)
            raise


class TokenRefreshViewWeft(WeftAPIMixin, TokenRefreshView):
    authentication_classes: list = []
    serializer_class = TokenRefreshStrictSerializer


class LogoutView(WeftAPIView):
    """Blacklist the refresh token so it can never mint another access token."""

    @extend_schema(request=LogoutSerializer, responses={205: None})
    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = RefreshToken(serializer.validated_data["refresh"])
            if str(token.get("user_id")) != str(request.user.pk):
                raise InvalidInput("That refresh token belongs to another user.", fields={"refresh": ["not yours"]})
            token.blacklist()
        except TokenError as exc:
            raise InvalidInput(str(exc), code="token_not_valid", fields={"refresh": [str(exc)]})
        return Response(status=status.HTTP_205_RESET_CONTENT)


class MeView(WeftAPIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WeftGenericViewSet):
    """Admin user management."""

    queryset = User.objects.prefetch_related("groups").order_by("username")
    serializer_class = UserSerializer
    search_fields = ["username", "email", "display_name"]
    filterset_fields = {"is_active": ["exact"], "groups__name": ["exact"]}
    ordering_fields = ["username", "last_login"]

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request):
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserUpdateSerializer, responses=UserSerializer)
    def partial_update(self, request, pk=None):
        user = self.get_object()
        serializer = UserUpdateSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        roles = serializer.validated_data.pop("roles", None)
        for field, value in serializer.validated_data.items():
            setattr(user, field, value)
        user.save()
        if roles is not None:
            services.user_set_roles(user=user, roles=roles)
        return Response(UserSerializer(user).data)
