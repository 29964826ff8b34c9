"""The stock ledger's invariants (DESIGN §3.2), checked with a handful of aggregate queries.

For every balance key: on_hand = Σ move qty, value = Σ move value, 0 ≤ reserved ≤ on_hand, and the
key's FIFO layers hold exactly its on-hand quantity and value. Also: no moves at a key that has no
balance row.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Round

from .models import CostLayer, StockBalance, StockMove

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=4))


def _sum(queryset, field: str):
    """A correlated SUM(field) over `queryset` (already filtered to the outer balance's key).

    Rounded to the 4 decimal places every summed field has: exact on PostgreSQL, and on SQLite (which
    sums decimals as floats) it removes the float noise a long ledger accumulates.
    """
    return Round(
        Coalesce(
            Subquery(queryset.order_by().values(group=Value(1)).annotate(total=Sum(field)).values("total")[:1]),
            ZERO,
        ),
        4,
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )


def _per_key(field: str):
    """Σ field of the moves at the outer balance's key (a lot key: moves naming no roll)."""
    roll_moves = StockMove.objects.filter(
        lot_id=OuterRef("lot_id"), location_id=OuterRef("location_id"), roll_id=OuterRef("roll_id")
    )
    lot_moves = StockMove.objects.filter(
        lot_id=OuterRef("lot_id"), location_id=OuterRef("location_id"), roll__isnull=True
    )
    return Case(When(roll__isnull=True, then=_sum(lot_moves, field)), default=_sum(roll_moves, field))


def stock_invariant_violations() -> list[str]:
    """Every broken invariant as a sentence; an empty list when the ledger is sound."""
    layers = CostLayer.objects.filter(balance_id=OuterRef("pk"))
    checked = StockBalance.objects.select_related("lot", "roll", "location").annotate(
        ledger_qty=_per_key("qty"),
        ledger_value=_per_key("value"),
        layer_qty=_sum(layers, "qty_remaining"),
        layer_value=_sum(layers, "value_remaining"),
    )
    wrong = checked.filter(
        ~Q(on_hand=F("ledger_qty"))
        | ~Q(value=F("ledger_value"))
        | Q(reserved__lt=0)
        | Q(reserved__gt=F("on_hand"))
        | ~Q(layer_qty=F("on_hand"))
        | ~Q(layer_value=F("value"))
    ).order_by("lot_id", "roll_id", "location_id")
    problems = []
    for b in wrong:
        key = f"{b.lot.code}{'/' + b.roll.code if b.roll else ''}@{b.location.code}"
        if b.on_hand != b.ledger_qty:
            problems.append(f"{key}: on_hand {b.on_hand} but the ledger sums to {b.ledger_qty}")
        if b.value != b.ledger_value:
            problems.append(f"{key}: value {b.value} but the ledger's values sum to {b.ledger_value}")
        if b.reserved < 0 or b.reserved > b.on_hand:
            problems.append(f"{key}: reserved {b.reserved} outside 0..on_hand {b.on_hand}")
        if b.layer_qty != b.on_hand:
            problems.append(f"{key}: FIFO layers hold {b.layer_qty}, on_hand is {b.on_hand}")
        if b.layer_value != b.value:
            problems.append(f"{key}: FIFO layers are worth {b.layer_value}, value is {b.value}")
    orphans = (
        StockMove.objects.filter(roll__isnull=True)
        .exclude(
            Exists(
                StockBalance.objects.filter(
                    lot_id=OuterRef("lot_id"), location_id=OuterRef("location_id"), roll__isnull=True
                )
            )
        )
        .values("lot__code", "location__code")
        .distinct()
    )
    for row in orphans:
        problems.append(f"{row['lot__code']}@{row['location__code']}: moves but no balance row")
    roll_orphans = (
        StockMove.objects.filter(roll__isnull=False)
        .exclude(
            Exists(
                StockBalance.objects.filter(
                    lot_id=OuterRef("lot_id"), location_id=OuterRef("location_id"), roll_id=OuterRef("roll_id")
                )
            )
        )
        .values("lot__code", "roll__code", "location__code")
        .distinct()
    )
    for row in roll_orphans:
        problems.append(f"{row['lot__code']}/{row['roll__code']}@{row['location__code']}: moves but no balance row")
    return problems
