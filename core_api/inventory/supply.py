"""Incoming supply that inventory cannot see in its own tables: purchase orders, planned production.

Inventory imports none of the apps that own those documents. Instead each registers a provider at
start-up, in its `AppConfig.ready`:

    from inventory.supply import register_incoming

    def on_order(material_ids, warehouse_id):
        ...  # {material_id: Decimal qty in the material's stock unit} for open PO lines
        return totals

    register_incoming("on_order", on_order)

`warehouse_id` is None for "every warehouse". The reorder suggestions add up every provider; the
name says which column the quantity belongs to (`on_order` and `planned_production` are the two
DESIGN §3.3 names; any other name is shown as its own column and counted as incoming).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

ON_ORDER = "on_order"
PLANNED_PRODUCTION = "planned_production"

IncomingProvider = Callable[[list[int], int | None], dict[int, Decimal]]

_providers: dict[str, IncomingProvider] = {}


def register_incoming(name: str, fn: IncomingProvider) -> None:
    """Register (or replace, so a reloaded app does not count twice) the provider called `name`."""
    _providers[name] = fn


def unregister_incoming(name: str) -> None:
    _providers.pop(name, None)


def incoming_providers() -> dict[str, IncomingProvider]:
    return dict(_providers)


def incoming_by_source(material_ids: Iterable[int], warehouse_id: int | None = None) -> dict[str, dict[int, Decimal]]:
    """{provider name: {material_id: qty}} for the materials asked; missing materials mean zero."""
    ids = sorted(set(material_ids))
    if not ids:
        return {name: {} for name in _providers}
    result: dict[str, dict[int, Decimal]] = {}
    for name, fn in _providers.items():
        answered = fn(ids, warehouse_id) or {}
        result[name] = {int(k): Decimal(v) for k, v in answered.items() if int(k) in set(ids)}
    return result
