"""Writes of the planning app: machine groups, BOM planning rows, runs, and firming planned orders.

A run is an ML-service job of kind `planning` (registered in `planning.jobs`): the job framework
gives it a queue, progress, heartbeat, retries of a dead worker and cancellation; the results are
written in the same transaction that marks the job succeeded, so a run either has all of its rows
or none.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone

from core.errors import BusinessRuleViolation, InvalidInput
from inventory.models import Location, LocationKind, Warehouse
from ml_service.jobs import job_submit
from ml_service.models import JobKind
from procurement import services as procurement
from production import services as production

from .engine import Plan
from .models import (
    BOMPlanning,
    CapacityLoad,
    MachineGroup,
    OrderType,
    PlannedOrder,
    PlanningException,
    PlanningRun,
)

MAX_HORIZON = 104


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


# --- master data --------------------------------------------------------------------------------
def _check_members(machines, stage: str, group_pk=None) -> None:
    """Machines of a group run the group's stage and belong to no other group."""
    problems = []
    for machine in machines:
        if machine.stage != stage:
            problems.append(f"{machine.code} is a {machine.stage} machine, the group is {stage}")
        other = machine.machine_groups.exclude(pk=group_pk).first()
        if other is not None:
            problems.append(f"{machine.code} is already in group {other.code}")
    if problems:
        raise BusinessRuleViolation(
            "Some machines cannot join this group.", code="machine_not_allowed", fields={"machines": problems}
        )


@transaction.atomic
def machine_group_create(*, user=None, machines=None, **fields) -> MachineGroup:
    if MachineGroup.objects.filter(code=fields["code"]).exists():
        raise InvalidInput(
            f"Machine group {fields['code']} already exists.", code="duplicate", fields={"code": ["already exists"]}
        )
    _check_members(machines or [], fields["stage"])
    group = MachineGroup.objects.create(created_by=_user(user), updated_by=_user(user), **fields)
    if machines:
        group.machines.set(machines)
    return group


@transaction.atomic
def machine_group_update(*, group: MachineGroup, user=None, machines=None, **changes) -> MachineGroup:
    group = MachineGroup.objects.select_for_update().get(pk=group.pk)
    if "code" in changes and MachineGroup.objects.filter(code=changes["code"]).exclude(pk=group.pk).exists():
        raise InvalidInput(
            f"Machine group {changes['code']} already exists.", code="duplicate", fields={"code": ["already exists"]}
        )
    stage = changes.get("stage", group.stage)
    members = list(group.machines.all()) if machines is None else machines
    _check_members(members, stage, group_pk=group.pk)
    for name, value in changes.items():
        setattr(group, name, value)
    group.bump_version()
    group.updated_by = _user(user)
    group.save()
    if machines is not None:
        group.machines.set(machines)
    return group


@transaction.atomic
def bom_planning_set(*, bom, lead_time_days: int, machine_group: MachineGroup | None = None, user=None) -> BOMPlanning:
    """Create or replace the planning row (lead time, machine group) of one BOM."""
    row = BOMPlanning.objects.select_for_update().filter(bom=bom).first()
    if row is None:
        return BOMPlanning.objects.create(
            bom=bom, lead_time_days=lead_time_days, machine_group=machine_group, created_by=_user(user)
        )
    row.lead_time_days = lead_time_days
    row.machine_group = machine_group
    row.bump_version()
    row.updated_by = _user(user)
    row.save()
    return row


# --- runs ---------------------------------------------------------------------------------------
def validate_run_params(params: dict) -> dict:
    """The job's params, checked again by the job framework (a run submitted as a plain ML job)."""
    allowed = {"run", "horizon_weeks", "run_date", "warehouse", "lot_sizing"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput("Unknown parameters.", fields={f"params.{k}": ["unknown parameter"] for k in unknown})
    horizon = params.get("horizon_weeks")
    if not isinstance(horizon, int) or isinstance(horizon, bool) or not 1 <= horizon <= MAX_HORIZON:
        raise InvalidInput(
            "The horizon must be 1 to 104 weeks.",
            fields={"horizon_weeks": [f"an integer from 1 to {MAX_HORIZON}"]},
        )
    if not isinstance(params.get("run"), int):
        raise InvalidInput("A planning job names its run.", fields={"params.run": ["required (a run id)"]})
    return params


@transaction.atomic
def planning_run_start(
    *,
    horizon_weeks: int,
    run_date: date | None = None,
    warehouse: Warehouse | None = None,
    lot_sizing: str = "auto",
    note: str = "",
    user=None,
) -> PlanningRun:
    if not 1 <= horizon_weeks <= MAX_HORIZON:
        raise InvalidInput(
            "The horizon must be 1 to 104 weeks.", fields={"horizon_weeks": [f"an integer from 1 to {MAX_HORIZON}"]}
        )
    from .engine import monday

    run_date = run_date or timezone.localdate()
    run = PlanningRun.objects.create(
        horizon_weeks=horizon_weeks,
        run_date=run_date,
        start_week=monday(run_date),
        warehouse=warehouse,
        lot_sizing=lot_sizing,
        note=note,
        created_by=_user(user),
        updated_by=_user(user),
    )
    job = job_submit(
        kind=JobKind.PLANNING,
        params={"run": run.pk, "horizon_weeks": horizon_weeks},
        user=user,
    )
    run.job = job
    run.save(update_fields=["job"])
    return run


def _summary(plan: Plan) -> dict:
    by_code: dict[str, int] = defaultdict(int)
    for issue in plan.issues:
        by_code[issue.code] += 1
    return {
        "materials_planned": plan.materials_planned,
        "planned_work_orders": sum(1 for o in plan.orders if o.order_type == OrderType.WORK_ORDER),
        "planned_purchase_orders": sum(1 for o in plan.orders if o.order_type == OrderType.PURCHASE_ORDER),
        "past_due_orders": sum(1 for o in plan.orders if o.past_due),
        "exceptions": len(plan.issues),
        "exceptions_by_code": dict(sorted(by_code.items())),
        "overloaded_weeks": sum(1 for load in plan.loads if load.overloaded),
    }


def planning_results_write(*, run: PlanningRun, plan: Plan) -> None:
    """Store a run's results once (called inside the job's finishing transaction)."""
    if run.completed_at is not None or run.planned_orders.exists():
        raise BusinessRuleViolation(
            f"Run {run.pk} already has results; runs are immutable.", code="run_immutable", fields={"run": ["done"]}
        )
    PlannedOrder.objects.bulk_create(
        PlannedOrder(
            run=run,
            seq=o.seq,
            order_type=o.order_type,
            material=o.material,
            stage=o.stage,
            bom=o.bom,
            machine_group=o.machine_group,
            supplier=o.supplier,
            price_list=o.price_list,
            week=o.week,
            start_date=o.start_date,
            due_date=o.due_date,
            net_qty=o.net_qty,
            qty=o.qty,
            lot_sizing=o.lot_sizing,
            load_kg=o.load_kg,
            pegging=o.pegging,
            past_due=o.past_due,
        )
        for o in plan.orders
    )
    PlanningException.objects.bulk_create(
        PlanningException(
            run=run,
            code=i.code,
            severity=i.severity,
            material=i.material,
            machine_group=i.machine_group,
            week=i.week,
            qty=i.qty,
            message=i.message[:500],
            details=i.details,
        )
        for i in plan.issues
    )
    CapacityLoad.objects.bulk_create(
        CapacityLoad(
            run=run,
            machine_group=load.machine_group,
            week=load.week,
            load_kg=load.load_kg,
            capacity_kg=load.capacity_kg,
            overloaded=load.overloaded,
        )
        for load in plan.loads
    )
    run.summary = _summary(plan)
    run.completed_at = timezone.now()
    run.save(update_fields=["summary", "completed_at", "updated_at"])


# --- firming ------------------------------------------------------------------------------------
def _default_location(kind: str, warehouse_id: int | None, field: str) -> Location:
    locations = Location.objects.filter(kind=kind, is_active=True)
    if warehouse_id:
        locations = locations.filter(warehouse_id=warehouse_id)
    location = locations.order_by("code").first()
    if location is None:
        raise BusinessRuleViolation(
            f"No active {kind} location to default to; name one.", code="no_location", fields={field: ["required"]}
        )
    return location


def _lock_unfirmed(ids: list[int]) -> list[PlannedOrder]:
    orders = list(
        PlannedOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("run", "material", "bom", "supplier", "price_list")
        .order_by("pk")
    )
    found = {o.pk for o in orders}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            "Unknown planned orders.", code="not_found", fields={"ids": [f"unknown: {', '.join(map(str, missing))}"]}
        )
    firmed = [o for o in orders if o.is_firmed]
    if firmed:
        raise BusinessRuleViolation(
            "Planned orders already firmed.",
            code="already_firmed",
            fields={"ids": [f"already firmed: {', '.join(str(o.pk) for o in firmed)}"]},
        )
    return orders


@transaction.atomic
def planned_orders_firm(
    *,
    ids: list[int],
    user=None,
    source_location: Location | None = None,
    output_location: Location | None = None,
    warehouse: Warehouse | None = None,
) -> list[PlannedOrder]:
    """Turn planned orders into draft work orders and draft purchase orders, all or none.

    Purchase orders: one per supplier, currency and warehouse, one line per planned order. Every
    document goes through its app's service, so its rules apply (a blocked supplier, an inactive
    BOM, an MOQ refuse the whole call).
    """
    if not ids:
        raise InvalidInput("Name at least one planned order.", fields={"ids": ["at least one"]})
    if len(set(ids)) != len(ids):
        raise InvalidInput("A planned order is named twice.", fields={"ids": ["duplicates"]})
    orders = _lock_unfirmed(ids)
    now = timezone.now()
    today = timezone.localdate()
    groups: dict[tuple, list[PlannedOrder]] = defaultdict(list)
    for order in orders:
        if order.order_type == OrderType.WORK_ORDER:
            wh = order.run.warehouse_id
            source = source_location or _default_location(LocationKind.PRODUCTION, wh, "source_location")
            output_kind = LocationKind.FINISHED_GOODS if order.material.kind == "finished" else LocationKind.STORES
            output = output_location or _default_location(output_kind, wh, "output_location")
            work_order = production.work_order_create(
                bom=order.bom,
                planned_qty=order.qty,
                source_location=source,
                output_location=output,
                due_date=order.due_date,
                notes=f"Planned order {order.pk} of planning run {order.run_id}.",
                user=user,
            )
            order.work_order = work_order
        else:
            target = warehouse or order.run.warehouse
            if target is None:
                target = Warehouse.objects.order_by("code").first()
                if target is None:
                    raise BusinessRuleViolation(
                        "No warehouse to receive into.", code="no_warehouse", fields={"warehouse": ["required"]}
                    )
            groups[(order.supplier_id, order.price_list.currency, target.pk)].append(order)
            order._warehouse = target
        order.firmed_at = now
        order.firmed_by = _user(user)
    for (_, currency, _), members in groups.items():
        expected = max(max(o.due_date for o in members), today)
        outcome = procurement.purchase_order_create(
            supplier=members[0].supplier,
            warehouse=members[0]._warehouse,
            currency=currency,
            expected_date=expected,
            lines=[{"material": o.material, "qty": o.qty, "promised_date": max(o.due_date, today)} for o in members],
            notes="Planned orders " + ", ".join(str(o.pk) for o in members) + f" of planning run {members[0].run_id}.",
            user=user,
        )
        for o in members:
            o.purchase_order = outcome.document
    PlannedOrder.objects.bulk_update(orders, ["firmed_at", "firmed_by", "work_order", "purchase_order"])
    return orders
