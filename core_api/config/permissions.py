"""The permission table: for every API route (URL name) and method, who may call it.

`ANYONE` needs no token; `AUTHENTICATED` is any signed-in user; otherwise a set of roles. The admin
role may call everything declared here. A route or method missing from the table is refused, and
a test (core/tests/test_permission_table.py) fails when an API route is missing from it.
DRF router names are `<basename>-list`, `<basename>-detail` and `<basename>-<action>`.
"""

from users.roles import (
    ADMIN,
    ANYONE,
    AUTHENTICATED,
    EVERY_ROLE,
    PLANNER,
    PRODUCTION,
    PURCHASE_MANAGER,
    PURCHASER,
    QUALITY,
    SALES,
    STOREKEEPER,
    VIEWER,
)

R = EVERY_ROLE  # read access for every role


def roles(*names: str) -> frozenset[str]:
    return frozenset({ADMIN, *names})


ADMIN_ONLY = roles()

PERMISSIONS: dict[str, dict[str, object]] = {
    # --- platform -------------------------------------------------------------------------
    "health": {"GET": ANYONE},
    "schema": {"GET": ANYONE},
    "docs": {"GET": ANYONE},
    "auth-token": {"POST": ANYONE},
    "auth-token-refresh": {"POST": ANYONE},
    "auth-logout": {"POST": AUTHENTICATED},
    "users-me": {"GET": AUTHENTICATED},
    "users-list": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "users-detail": {"GET": ADMIN_ONLY, "PATCH": ADMIN_ONLY},
    "audit-list": {"GET": ADMIN_ONLY},
    "audit-detail": {"GET": ADMIN_ONLY},
    # --- inventory ------------------------------------------------------------------------
    # --- procurement ----------------------------------------------------------------------
    # --- production -----------------------------------------------------------------------
    # --- quality --------------------------------------------------------------------------
    # --- sales ----------------------------------------------------------------------------
    # --- dashboard ------------------------------------------------------------------------
    # --- ml_service -----------------------------------------------------------------------
    # --- planning -------------------------------------------------------------------------
}

# Names kept importable for the sections above.
__all__ = [
    "PERMISSIONS",
    "R",
    "roles",
    "ADMIN_ONLY",
    "PLANNER",
    "PRODUCTION",
    "PURCHASE_MANAGER",
    "PURCHASER",
    "QUALITY",
    "SALES",
    "STOREKEEPER",
    "VIEWER",
]
