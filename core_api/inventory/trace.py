"""Lot and roll traceability over `GenealogyEdge` (DESIGN §3.4): upstream and downstream in one call.

The walk goes level by level: one query fetches every edge touching the current frontier, so a
trace costs one query per level (plus one per registered annotator), never one per node. A node
already expanded elsewhere in the tree is shown again marked `repeated` but not walked twice, which
also stops cycles; the walk stops at `max_depth` levels and `max_nodes` nodes and says so.

Other apps add what inventory cannot know (receipts and suppliers, shipments and customers) by
registering an annotator at start-up, in `AppConfig.ready`:

    from inventory.trace import register_annotator

    def receipts(lot_ids):
        return {lot_id: {"receipt": "GRN-000017", "supplier": "Acme Yarns"} for ...}

    register_annotator(receipts)

Each annotator is called once per trace with every lot id in the tree; what it returns for a lot
is merged into that lot's nodes under `info`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q

from core.errors import InvalidInput

from .models import GenealogyEdge, Lot, Roll

UPSTREAM = "upstream"
DOWNSTREAM = "downstream"
DIRECTIONS = (UPSTREAM, DOWNSTREAM)
MAX_DEPTH = 25
MAX_NODES = 5000

Annotator = Callable[[list[int]], dict[int, dict]]

_annotators: list[Annotator] = []


def register_annotator(fn: Annotator) -> None:
    """Add `fn(lot_ids) -> {lot_id: {extra info}}`; registering the same function twice is a no-op."""
    if fn not in _annotators:
        _annotators.append(fn)


def unregister_annotator(fn: Annotator) -> None:
    if fn in _annotators:
        _annotators.remove(fn)


def annotate_lots(lot_ids: Iterable[int]) -> dict[int, dict]:
    """{lot_id: merged info from every annotator}."""
    ids = sorted(set(lot_ids))
    merged: dict[int, dict] = {lot_id: {} for lot_id in ids}
    if not ids:
        return merged
    # The rolls a lot is made of, so a trace down from yarn ends at the rolls a customer can hold.
    for lot_id, code in Roll.objects.filter(lot_id__in=ids).order_by("code").values_list("lot_id", "code"):
        merged[lot_id].setdefault("rolls", []).append(code)
    for fn in list(_annotators):
        for lot_id, info in (fn(ids) or {}).items():
            if int(lot_id) in merged and info:
                merged[int(lot_id)].update(info)
    return merged


@dataclass
class _Node:
    lot: Lot
    roll: Roll | None
    depth: int
    qty: Decimal | None = None
    document: dict | None = None
    repeated: bool = False
    children: list[_Node] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return (self.lot.pk, self.roll.pk if self.roll else 0)


def _frontier_filter(frontier: list[_Node], direction: str) -> Q:
    """Edges whose near end is a frontier node: one Q for the whole level."""
    near = "child" if direction == UPSTREAM else "parent"
    lot_ids = [n.lot.pk for n in frontier if n.roll is None]
    roll_nodes = [n for n in frontier if n.roll is not None]
    condition = Q(pk__in=[])
    if lot_ids:
        # A lot's own roll splits are internal to it, not inputs or outputs of the lot.
        condition |= Q(**{f"{near}_lot_id__in": lot_ids}) & ~Q(parent_lot_id=F("child_lot_id"))
    if roll_nodes:
        condition |= Q(**{f"{near}_roll_id__in": [n.roll.pk for n in roll_nodes]})
        # Lot-level edges (no roll named) concern every roll of the lot.
        condition |= Q(**{f"{near}_lot_id__in": [n.lot.pk for n in roll_nodes], f"{near}_roll__isnull": True})
    return condition


def _touches(edge: GenealogyEdge, node: _Node, direction: str) -> bool:
    near_lot, near_roll = (
        (edge.child_lot_id, edge.child_roll_id) if direction == UPSTREAM else (edge.parent_lot_id, edge.parent_roll_id)
    )
    if node.roll is None:
        return near_lot == node.lot.pk and edge.parent_lot_id != edge.child_lot_id
    if near_roll == node.roll.pk:
        return True
    # A lot-level edge concerns every roll of the lot; upstream, a cut piece reaches it through
    # its parent roll rather than listing it twice.
    lot_level = near_lot == node.lot.pk and near_roll is None
    return lot_level and (direction == DOWNSTREAM or node.roll.parent_id is None)


def trace(*, lot: Lot, roll: Roll | None = None, direction: str, max_depth: int = MAX_DEPTH) -> dict:
    """The genealogy tree of a lot (or one roll of it) in `direction`, as plain data."""
    if direction not in DIRECTIONS:
        raise InvalidInput(
            "direction must be upstream or downstream.", fields={"direction": ["one of: upstream, downstream"]}
        )
    root = _Node(lot=lot, roll=roll, depth=0)
    expanded = {root.key}
    frontier = [root]
    nodes = 1
    truncated = False
    depth = 0
    while frontier:
        if depth >= max_depth or nodes >= MAX_NODES:
            truncated = True
            break
        edges = list(
            GenealogyEdge.objects.filter(_frontier_filter(frontier, direction))
            .select_related("parent_lot__material", "child_lot__material", "parent_roll", "child_roll")
            .order_by("id")
        )
        next_frontier = []
        for node in frontier:
            for edge in edges:
                if not _touches(edge, node, direction):
                    continue
                far_lot, far_roll = (
                    (edge.parent_lot, edge.parent_roll) if direction == UPSTREAM else (edge.child_lot, edge.child_roll)
                )
                child = _Node(
                    lot=far_lot,
                    roll=far_roll,
                    depth=depth + 1,
                    qty=edge.qty,
                    document={"type": edge.document_type, "id": edge.document_id} if edge.document_type else None,
                )
                if child.key in expanded or child.key == node.key:
                    child.repeated = True
                else:
                    expanded.add(child.key)
                    next_frontier.append(child)
                node.children.append(child)
                nodes += 1
        frontier = next_frontier
        depth += 1
    lot_ids = set()
    _collect_lots(root, lot_ids)
    info = annotate_lots(lot_ids)
    return {
        "direction": direction,
        "truncated": truncated,
        "max_depth": max_depth,
        "node_count": nodes,
        "lot_count": len(lot_ids),
        "root": _as_dict(root, info),
    }


def _collect_lots(node: _Node, into: set[int]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        into.add(current.lot.pk)
        stack.extend(current.children)


def _as_dict(root: _Node, info: dict[int, dict]) -> dict:
    def shape(node: _Node) -> dict:
        lot = node.lot
        material = lot.material
        return {
            "lot": {
                "id": lot.pk,
                "code": lot.code,
                "origin": lot.origin,
                "qc_status": lot.qc_status,
                "supplier_lot": lot.supplier_lot,
                "dye_lot": lot.dye_lot,
                "source": {"type": lot.source_type, "id": lot.source_id, "ref": lot.source_ref},
                "material": {"id": material.pk, "code": material.code, "name": material.name, "kind": material.kind},
            },
            "roll": {"id": node.roll.pk, "code": node.roll.code} if node.roll else None,
            "qty": None if node.qty is None else str(node.qty),
            "unit": material.unit,
            "document": node.document,
            "depth": node.depth,
            "repeated": node.repeated,
            "info": info.get(lot.pk, {}),
            "children": [shape(child) for child in node.children],
        }

    # Depth is capped at MAX_DEPTH, so plain recursion stays well inside Python's limit.
    return shape(root)
