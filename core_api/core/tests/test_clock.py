from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from core import clock


def test_now_is_the_current_time_outside_a_posting_block():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_posting_time_sets_now_and_restores_it():
    at = datetime(2023, 4, 5, 10, 30, tzinfo=UTC)
    with clock.posting_time(at):
        assert clock.now() == at
        inner = at + timedelta(days=1)
        with clock.posting_time(inner):
            assert clock.now() == inner
        assert clock.now() == at
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)


def test_posting_time_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        with clock.posting_time(datetime(2023, 4, 5)):
            pass
