"""The SPA's unit tests answer GET /users/me/ from a copy of the permission table
(frontend/src/test/permission-table.json). This test keeps every route in that copy identical to
the table, so a component test cannot pass against permissions the API no longer grants (a route
added to the table since is simply not in the copy until it is regenerated).

Regenerate after changing config/permissions.py:
    WEFT_WRITE_SPA_FIXTURE=1 .venv/bin/pytest core_api/core/tests/test_spa_permission_fixture.py
"""

import json
import os
from pathlib import Path

from config.permissions import PERMISSIONS
from users.roles import ANYONE, AUTHENTICATED

FIXTURE = Path(__file__).resolve().parents[3] / "frontend" / "src" / "test" / "permission-table.json"


def _encode(rule) -> str | list[str]:
    if rule is ANYONE:
        return "ANYONE"
    if rule is AUTHENTICATED:
        return "AUTHENTICATED"
    return sorted(rule)


def table() -> dict[str, dict[str, str | list[str]]]:
    return {name: {m: _encode(r) for m, r in sorted(methods.items())} for name, methods in PERMISSIONS.items()}


def test_spa_fixture_agrees_with_the_permission_table():
    if os.environ.get("WEFT_WRITE_SPA_FIXTURE"):
        FIXTURE.write_text(json.dumps(table(), indent=1, sort_keys=True) + "\n")
    copy = json.loads(FIXTURE.read_text())
    current = table()
    stale = {name: (rules, current.get(name)) for name, rules in copy.items() if current.get(name) != rules}
    assert not stale, (
        f"frontend/src/test/permission-table.json differs from config/permissions.py for {sorted(stale)}; "
        "regenerate it (WEFT_WRITE_SPA_FIXTURE=1 .venv/bin/pytest core_api/core/tests/test_spa_permission_fixture.py)"
    )
    # The routes the SPA's actions name are all in the copy (checked by src/app/__tests__/nav.test.ts).
    assert "procurement-purchase-orders-approve" in copy
