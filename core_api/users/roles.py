"""Roles are Django groups. The permission table (config/permissions.py) refers to these names."""

ADMIN = "admin"
PLANNER = "planner"
PURCHASER = "purchaser"
PURCHASE_MANAGER = "purchase_manager"
STOREKEEPER = "storekeeper"
PRODUCTION = "production"
QUALITY = "quality"
SALES = "sales"
VIEWER = "viewer"

ROLES = (ADMIN, PLANNER, PURCHASER, PURCHASE_MANAGER, STOREKEEPER, PRODUCTION, QUALITY, SALES, VIEWER)


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# Special table entries: no token needed at all, or any signed-in user whatever the role.
ANYONE = _Marker("ANYONE")
AUTHENTICATED = _Marker("AUTHENTICATED")
# Every role may read master data and documents.
EVERY_ROLE = frozenset(ROLES)
