"""The synthetic ledger's per-lot plans: 20 moves, and a used-up lot's balances end at zero."""

from collections import defaultdict
from decimal import Decimal

import pytest

from benchmarks.growth import MOVES_PER_LOT, move_plan


@pytest.mark.parametrize("kind", ["yarn", "greige", "finished"])
def test_a_used_up_lot_ends_empty_and_a_live_lot_keeps_stock(kind):
    for used_up, expect_empty in ((True, True), (False, False)):
        plan = move_plan(kind, used_up=used_up)
        assert len(plan) == MOVES_PER_LOT
        per_location = defaultdict(Decimal)
        for _reason, qty, role, _doc in plan:
            per_location[role] += Decimal(qty)
        assert all(v >= 0 for v in per_location.values())
        assert (sum(per_location.values()) == 0) is expect_empty
