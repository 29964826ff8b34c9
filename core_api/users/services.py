from django.contrib.auth.models import Group
from django.db import transaction

from core.errors import InvalidInput

from .models import User
from .roles import ADMIN, ROLES


def roles_ensure() -> None:
    for name in ROLES:
        Group.objects.get_or_create(name=name)


@transaction.atomic
def user_create(*, username: str, password: str, roles: list[str], email: str = "", display_name: str = "") -> User:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput(
            f"Unknown role(s): {', '.join(unknown)}.", fields={"roles": [f"unknown: {', '.join(unknown)}"]}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput("That username is taken.", code="duplicate", fields={"username": ["already exists"]})
    user = User(
        username=username, email=email, display_name=display_name, is_staff=ADMIN in roles, is_superuser=ADMIN in roles
    )
    user.set_password(password)
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str]) -> User:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput(
            f"Unknown role(s): {', '.join(unknown)}.", fields={"roles": [f"unknown: {', '.join(unknown)}"]}
        )
    roles_ensure()
    user.groups.set(Group.objects.filter(name__in=roles))
    user.is_staff = user.is_superuser = ADMIN in roles
    user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("_weft_roles", None)
    return user


@transaction.atomic
def demo_users_ensure(*, password: str) -> list[User]:
    """The demo admin and one user per role, all with `password`. Re-runnable."""
    roles_ensure()
    users = []
    for role in ROLES:
        user, _ = User.objects.get_or_create(username=role, defaults={"display_name": role.replace("_", " ").title()})
        user.set_password(password)
        user.is_active = True
        user.save()
        user_set_roles(user=user, roles=[role])
        users.append(user)
    return users
