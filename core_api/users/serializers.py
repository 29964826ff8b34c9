from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from core.permissions import permitted_routes
from core.serializers import StrictFieldsMixin, StrictModelSerializer, StrictSerializer

from .models import User
from .roles import ROLES


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class OptionalEmailField(serializers.CharField):
    """An e-mail address, or "" when none was given (users need not have one); the schema says both."""

    default_error_messages = {"invalid": "Enter a valid email address."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                self.fail("invalid")
        return value


class UserSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "display_name",
            "first_name",
            "last_name",
            "is_active",
            "roles",
            "last_login",
        ]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    """The signed-in user, with what the permission table lets them call (route name → methods)."""

    permissions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "permissions"]
        read_only_fields = fields

    def get_permissions(self, user) -> dict[str, list[str]]:
        return permitted_routes(user)


class UserCreateSerializer(StrictSerializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
    password = serializers.CharField(min_length=8, max_length=128, write_only=True)
    email = OptionalEmailField(required=False, allow_blank=True, max_length=254, default="")
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), allow_empty=True)


class UserUpdateSerializer(StrictModelSerializer):
    email = OptionalEmailField(required=False, allow_blank=True, max_length=254)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), required=False)

    class Meta:
        model = User
        fields = ["email", "display_name", "first_name", "last_name", "is_active", "roles"]


class LogoutSerializer(StrictSerializer):
    refresh = serializers.CharField()


class TokenObtainSerializer(StrictFieldsMixin, TokenObtainPairSerializer):
    """Username and password; anything else is an unknown field (400)."""


class TokenRefreshStrictSerializer(StrictFieldsMixin, TokenRefreshSerializer):
    """The refresh token; anything else is an unknown field (400)."""
