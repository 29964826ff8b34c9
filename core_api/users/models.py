from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Weft's user. Roles are groups (users.roles)."""

    display_name = models.CharField(max_length=150, blank=True)

    @property
    def roles(self) -> list[str]:
        from core.permissions import user_roles

        return sorted(user_roles(self))
