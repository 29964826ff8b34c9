"""Role checks driven by the one permission table in `config/permissions.py`."""

from rest_framework.permissions import BasePermission

from users.roles import ADMIN, ANYONE, AUTHENTICATED


def user_roles(user) -> frozenset[str]:
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_weft_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMIN)
        cached = frozenset(names)
        user._weft_roles = cached
    return cached


def allowed_roles(url_name: str | None, method: str):
    """The table's entry for a route and method: ANYONE, AUTHENTICATED, a set of roles, or None."""
    from config.permissions import PERMISSIONS

    method = "GET" if method in ("HEAD", "OPTIONS") else method
    return PERMISSIONS.get(url_name or "", {}).get(method)


def has_role(user, *roles: str) -> bool:
    held = user_roles(user)
    return ADMIN in held or bool(held.intersection(roles))


def permitted_routes(user) -> dict[str, list[str]]:
    """Every route (URL name) of the permission table with the methods this user may call on it.

    Derived from the one table, so a client deciding which actions to offer agrees with the API.
    """
    from config.permissions import PERMISSIONS

    signed_in = bool(user and user.is_authenticated)
    out: dict[str, list[str]] = {}
    for url_name, methods in PERMISSIONS.items():
        allowed = sorted(
            method
            for method, rule in methods.items()
            if rule is ANYONE or (signed_in and (rule is AUTHENTICATED or has_role(user, *rule)))
        )
        if allowed:
            out[url_name] = allowed
    return out


class RoleTablePermission(BasePermission):
    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        match = request.resolver_match
        rule = allowed_roles(match.url_name if match else None, request.method)
        if rule is None:
            return False
        if rule is ANYONE:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if rule is AUTHENTICATED:
            return True
        return has_role(request.user, *rule)
