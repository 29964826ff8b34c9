"""The SPA's unit tests answer GET /users/me/ from a copy of the permission table
(frontend/src/test/permission-table.json). This test keeps that copy identical to the table, so a
component test cannot pass against permissions the API no longer grants.

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


def table_as_json() -> str:
    data = {name: {m: _encode(r) for m, r in sorted(methods.items())} for name, methods in PERMISSIONS.items()}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def test_spa_fixture_is_the_permission_table():
    expected = table_as_json()
    if os.environ.get("WEFT_WRITE_SPA_FIXTURE"):
        FIXTURE.write_text(expected)
    assert FIXTURE.read_text() == expected, (
        "frontend/src/test/permission-table.json is out of date; regenerate it "
        "(WEFT_WRITE_SPA_FIXTURE=1 .venv/bin/pytest core_api/core/tests/test_spa_permission_fixture.py)"
    )
