"""Bad input on every write endpoint (walked from the OpenAPI schema): wrong types, out-of-range
numbers, unknown ids, NUL bytes, unknown fields, malformed and oversized bodies. Every answer is a
4xx in the one error envelope, the field named when it is a field's fault, and nothing is written
(the row count of every table is unchanged)."""

import json
import traceback
from decimal import Decimal

import pytest
from django.core.signals import got_request_exception
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve

from core.tests.hostile.fuzz import record
from inventory import services as stock
from inventory.models import Location, LocationKind, Material, QCStatus, Warehouse
from inventory.services import StockLine

WRITE_METHODS = ("post", "put", "patch")
BODY_LIMIT = 4096  # the body limit in force during the test: a bigger body must get 413


def row_counts() -> dict[str, int]:
    tables = sorted(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _resolve_refs(schema: dict, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _wrong_values(prop: dict) -> list:
    """Values of the wrong type, or of the right type but out of bounds, for one property."""
    kind = prop.get("type")
    values: list = []
    if kind is None:  # free JSON (params, composition): any value has the right type
        return values
    if kind == "integer":
        values += ["not-a-number", 2**63, -(2**63) - 1, 1.5, True]
    elif kind == "number":
        values += ["not-a-number", "1e400", "-1e30", [1]]
    elif kind == "boolean":
        values += ["maybe", 7]
    elif kind == "array":
        values += ["not-a-list", [{"nested": "junk"}] * 3, list(range(5000))]
    elif kind == "object":
        values += [[1, 2], "not-an-object"]
    else:  # strings, decimals as strings, dates, enums, unknown
        values += [{"an": "object"}, "\x00nul", "x" * ((prop.get("maxLength") or 100_000) + 1)]
        if prop.get("format") in ("date", "date-time"):
            values.append("2025-13-45")
        if prop.get("format") == "decimal" or prop.get("pattern", "").startswith("^-?\\d"):
            values += ["1e400", "NaN", "-99999999999999999999.9999"]
    return values


def write_operations(schema: dict):
    for path, item in sorted(schema["paths"].items()):
        for method in WRITE_METHODS:
            operation = item.get(method)
            if not operation:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = _resolve_refs(schema, content.get("application/json", {}).get("schema", {}))
            yield path, method, body, "application/json" in content


def _existing_id(path: str) -> str:
    """The id of an object the route's view serves, when there is one; else an id that exists nowhere."""
    probe = path.replace("{id}", "1")
    try:
        match = resolve(probe)
    except Resolver404:
        return "1"
    queryset = getattr(getattr(match.func, "cls", None), "queryset", None)
    if queryset is not None:
        first = queryset.model.objects.order_by("pk").first()
        if first is not None:
            return str(first.pk)
    return "1"


@pytest.fixture
def world(db, make_user):
    """A little of everything, so that writes to existing objects reach their validation."""
    warehouse = Warehouse.objects.create(code="BAD-WH", name="Main")
    stores = Location.objects.create(warehouse=warehouse, code="BAD-ST", name="Stores", kind=LocationKind.STORES)
    yarn = Material.objects.create(
        code="BAD-Y", name="30s cotton", kind="yarn", yarn_count_value=Decimal("30"), yarn_count_system="ne"
    )
    lot = stock.lot_create(material=yarn, origin="opening", qc_status=QCStatus.RELEASED)
    stock.stock_receive(lines=[StockLine(lot=lot, location=stores, qty=Decimal("50"), unit_cost=Decimal("2"))])
    from procurement.services import supplier_create
    from sales.services import customer_create

    supplier_create(code="BAD-SUP", name="Spinner")
    customer_create(code="BAD-CUS", name="Buyer", address="1 Road")
    return make_user("admin")


def _send(client, method: str, url: str, body, *, raw: bytes | None = None):
    payload = raw if raw is not None else json.dumps(body)
    return getattr(client, method)(url, data=payload, content_type="application/json")


def _problem(response, *, field: str | None = None) -> str | None:
    if not 400 <= response.status_code < 500:
        return f"status {response.status_code}"
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} not in the error envelope: {response.content[:200]!r}"
    if not (isinstance(error.get("code"), str) and isinstance(error.get("message"), str)):
        return f"{response.status_code} envelope without code/message: {error}"
    if not isinstance(error.get("fields"), dict):
        return f"{response.status_code} envelope without fields: {error}"
    if field and response.status_code == 400 and not any(k.split(".")[0] == field for k in error["fields"]):
        return f"400 does not name the field {field!r}: {error}"
    return None


# A client-chosen string used as a cache key would break on memcached: an error here, not a warning.
@pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
@override_settings(WEFT_MAX_BODY_BYTES=BODY_LIMIT)
def test_bad_input_on_every_write_endpoint_is_refused_and_writes_nothing(world, client_as, admin_client):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    admin_client.raise_request_exception = False  # a server error is a finding to list, not a crash
    errors: list[str] = []

    def keep_error(sender, request=None, **kwargs):
        errors.append(traceback.format_exc().strip().splitlines()[-1])

    got_request_exception.connect(keep_error, weak=False)
    problems: list[str] = []
    written: dict[str, dict[str, int]] = {}
    operations = sent = 0
    for path, method, body_schema, takes_json in write_operations(schema):
        operations += 1
        url = path.replace("{id}", _existing_id(path))
        cases: list[tuple[str, object, bytes | None, str | None]] = [
            ("oversized body", None, b'{"x": "' + b"y" * (BODY_LIMIT + 10) + b'"}', None),
        ]
        if takes_json:
            cases += [
                ("malformed JSON", None, b'{"unterminated": ', None),
                ("a list instead of an object", [1, 2, 3], None, None),
                ("an unknown field", {"no_such_field": 1}, None, "no_such_field"),
            ]
            for name, prop in (body_schema.get("properties") or {}).items():
                prop = _resolve_refs(schema, prop)
                if prop.get("readOnly"):
                    continue
                for value in _wrong_values(prop):
                    cases.append((f"{name}={str(value)[:40]!r}", {name: value}, None, name))
                if prop.get("type") == "integer":  # an id that exists nowhere: refused, perhaps by a later check
                    cases.append((f"{name}=999999999", {name: 999_999_999}, None, None))
        before = row_counts()
        for label, body, raw, field in cases:
            sent += 1
            response = _send(admin_client, method, url, body, raw=raw)
            problem = _problem(response, field=field)
            if errors:
                problem = f"{problem}: {errors.pop()}"
                errors.clear()
            if problem:
                problems.append(f"{method.upper()} {url} with {label}: {problem}")
        after = row_counts()
        if after != before:
            written[f"{method.upper()} {url}"] = {t: after[t] - before[t] for t in before if after[t] != before[t]}
    got_request_exception.disconnect(keep_error)
    record(
        "bad_inputs", operations_checked=operations, requests=sent, problems=len(problems), tables_written=len(written)
    )
    assert operations > 90
    assert not (problems or written), (
        f"{len(problems)} of {sent} bad requests mishandled:\n"
        + "\n".join(problems[:80])
        + f"\nrefused requests wrote rows: {written}"
    )


ISSUE = "/api/v1/inventory/operations/issue/"
EXTRAS = [
    # (what, url, raw body, status, field the envelope must name)
    (
        "JSON nested deeper than the decoder follows",
        "/api/v1/inventory/warehouses/",
        "[" * 100_000 + "]" * 100_000,
        400,
        None,
    ),
    ("NaN is not JSON", ISSUE, '{"lines": [{"lot": 1, "location": 1, "qty": NaN}]}', 400, None),
    ("Infinity is not JSON", ISSUE, '{"lines": [{"lot": 1, "location": 1, "qty": Infinity}]}', 400, None),
    ("a quantity of 1e999999", ISSUE, '{"lines": [{"lot": 1, "location": 1, "qty": "1e999999"}]}', 400, "lines"),
    (
        "20,000 lines in one posting",
        ISSUE,
        json.dumps({"lines": [{"lot": 1, "location": 1, "qty": "1"}] * 20_000}),
        400,
        "lines",
    ),
    ("bytes that are not UTF-8", "/api/v1/inventory/warehouses/", b'{"code": "\xff\xfe", "name": "x"}', 400, None),
    (
        "a lot id past 64 bits",
        ISSUE,
        '{"lines": [{"lot": 9223372036854775808, "location": 1, "qty": "1"}]}',
        400,
        "lines",
    ),
    ("a lot id of 1.5", ISSUE, '{"lines": [{"lot": 1.5, "location": 1, "qty": "1"}]}', 400, "lines"),
    ("a body over the 10 MiB limit", ISSUE, b'{"x": "' + b"y" * (10 * 1024 * 1024) + b'"}', 413, None),
]


@pytest.mark.parametrize(("what", "url", "raw", "status", "field"), EXTRAS, ids=[e[0] for e in EXTRAS])
def test_hand_written_hostile_bodies(world, admin_client, what, url, raw, status, field):
    admin_client.raise_request_exception = False
    before = row_counts()
    response = _send(admin_client, "post", url, None, raw=raw.encode() if isinstance(raw, str) else raw)
    assert response.status_code == status, response.content[:300]
    assert _problem(response, field=field) is None, response.content[:300]
    assert row_counts() == before
