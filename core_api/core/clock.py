"""The posting clock: the business time written on ledger moves and status logs.

`now()` is `timezone.now()` unless a caller posts history at a business date:

    with posting_time(datetime(2024, 3, 5, 10, 30, tzinfo=UTC)):
        stock_receive(...)   # its moves and status logs carry 2024-03-05 10:30

Fields that record when something happened in the business (stock moves, genealogy edges, status
logs, inspections) default to `now`; the demo seeder uses this to write a mill's history.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_posting_time: ContextVar[datetime | None] = ContextVar("weft_posting_time", default=None)


def now() -> datetime:
    """The posting time in force: the one set by `posting_time`, else the current time."""
    at = _posting_time.get()
    return at if at is not None else timezone.now()


@contextmanager
def posting_time(at: datetime):
    """Post everything inside the block at `at` (an aware datetime)."""
    if timezone.is_naive(at):
        raise ValueError("posting_time needs an aware datetime")
    token = _posting_time.set(at)
    try:
        yield at
    finally:
        _posting_time.reset(token)
