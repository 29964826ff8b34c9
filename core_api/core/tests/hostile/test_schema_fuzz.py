"""schemathesis against the OpenAPI schema (/api/schema/), as an admin and as the least-privileged
role (viewer): schema-valid and schema-invalid requests to every operation, 0 server errors and 0
responses that break the schema. Deterministic (derandomized); WEFT_HOSTILE_EXAMPLES sets the
examples per operation and generation mode (the benchmark raises it)."""

import traceback
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.signals import got_request_exception
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from core.tests.hostile.fuzz import EXAMPLES, FuzzResult, record

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def fuzz(schema, token: str, *, examples: int) -> FuzzResult:
    """Every operation of `schema`, `examples` cases per generation mode; findings are collected."""
    result = FuzzResult()
    tracebacks: list[str] = []

    def keep_traceback(sender, request=None, **kwargs):
        tracebacks.append(traceback.format_exc())

    got_request_exception.connect(keep_traceback, weak=False)
    try:
        for entry in schema.get_all_operations():
            operation = entry.ok()
            result.operations += 1
            for mode in MODES:
                _fuzz_operation(operation, mode, token, examples, result, tracebacks)
    finally:
        got_request_exception.disconnect(keep_traceback)
    return result


def _fuzz_operation(operation, mode, token: str, examples: int, result: FuzzResult, tracebacks: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    seen: set[str] = set()

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        result.requests += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # a failed check: keep one of each kind and go on
            text = f"{operation.label} [{mode}]: {exc}"
            key = str(exc)[:120]
            if key not in seen:
                seen.add(key)
                if tracebacks:
                    result.server_errors.append(text + "\n" + tracebacks[-1][-3000:])
                else:
                    result.violations.append(text)
        tracebacks.clear()

    try:
        run()
    except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
        pass


@contextmanager
def requests_inside_the_test_transaction():
    """Like Django's test client: requests served in-process must not close the test's connection
    (on PostgreSQL, request_finished would close it mid-transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_schema_fuzz(role, make_user):
    user = make_user(role)
    with requests_inside_the_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        result = fuzz(schema, str(RefreshToken.for_user(user).access_token), examples=EXAMPLES)
    record(
        f"schema_fuzz_{role}",
        operations_checked=result.operations,
        requests=result.requests,
        server_errors=len(result.server_errors),
        violations=len(result.violations),
    )
    assert result.operations > 150 and result.requests > result.operations
    problems = result.server_errors + result.violations
    assert not problems, f"{len(problems)} problem(s) over {result.operations} operations:\n" + "\n\n".join(problems)
