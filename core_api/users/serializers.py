from rest_framework import serializers

from core.permissions import permitted_routes
from core.serializers import StrictModelSerializer, StrictSerializer

from .models import User
from .roles import ROLES


class UserSerializer(serializers.ModelSerializer):
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
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), allow_empty=True)


class UserUpdateSerializer(StrictModelSerializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), required=False)

    class Meta:
        model = User
        fields = ["email", "display_name", "first_name", "last_name", "is_active", "roles"]


class LogoutSerializer(StrictSerializer):
    refresh = serializers.CharField()
