"""Every write of the quality app (DESIGN §3.5).

Lot QC status changes only through `inventory.services.lot_set_qc_status` and roll marks only
through `inventory.services.roll_record_quality`, so stock and quality never disagree.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import post_save
from django.utils import timezone

from core.errors import BusinessRuleViolation, Conflict, InvalidInput, as_single_item
from core.models import update_rows
from inventory import services as stock
from inventory.models import Lot, QCStatus, Roll, StockBalance
from inventory.services import QC_TRANSITIONS, Document

from . import formulas
from .models import (
    Decision,
    DefectType,
    Inspection,
    InspectionParameter,
    InspectionResult,
    InspectionTemplate,
    NonConformance,
    NonConformanceStatus,
    ParameterKind,
    PointsThreshold,
    RollDefect,
    RollInspection,
    RollInspectionImage,
    ShadeReading,
    ShadeStandard,
)

DECISION_STATUS = {
    Decision.RELEASE: QCStatus.RELEASED,
    Decision.HOLD: QCStatus.ON_HOLD,
    Decision.REJECT: QCStatus.REJECTED,
}
DEFAULT_THRESHOLD_NAME = "standard"
LAB_Q = Decimal("0.001")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _numbered(model, prefix: str, **fields):
    document = model.objects.create(number=f"~{uuid.uuid4().hex[:18]}", **fields)
    document.number = f"{prefix}-{document.pk:06d}"
    model.objects.filter(pk=document.pk).update(number=document.number)
    return document


# --- templates ------------------------------------------------------------------------------------
def _clean_parameters(parameters: list[dict]) -> None:
    names = set()
    for i, p in enumerate(parameters):
        if p["name"] in names:
            raise InvalidInput(
                f"Parameter {p['name']} is listed twice.", fields={f"parameters.{i}.name": ["duplicate"]}
            )
        names.add(p["name"])
        low, high = p.get("min_value"), p.get("max_value")
        if p["kind"] != ParameterKind.NUMERIC and (low is not None or high is not None):
            raise InvalidInput(
                "Only numeric parameters have limits.",
                fields={f"parameters.{i}.min_value": ["numeric parameters only"]},
            )
        if low is not None and high is not None and low > high:
            raise InvalidInput(
                "min_value is above max_value.", fields={f"parameters.{i}.min_value": ["above max_value"]}
            )


def _write_parameters(template: InspectionTemplate, parameters: list[dict]) -> None:
    template.parameters.all().delete()
    InspectionParameter.objects.bulk_create(
        InspectionParameter(template=template, sequence=p.pop("sequence", i), **p) for i, p in enumerate(parameters)
    )


@transaction.atomic
def template_create(*, name: str, stage: str, parameters: list[dict], user=None, **fields) -> InspectionTemplate:
    if InspectionTemplate.objects.filter(name=name).exists():
        raise InvalidInput(f"Template {name} already exists.", code="duplicate", fields={"name": ["already exists"]})
    _clean_parameters(parameters)
    template = InspectionTemplate.objects.create(name=name, stage=stage, created_by=_user(user), **fields)
    _write_parameters(template, parameters)
    return template


@transaction.atomic
def template_update(*, template: InspectionTemplate, user=None, parameters: list[dict] | None = None, **changes):
    template = InspectionTemplate.objects.select_for_update().get(pk=template.pk)
    if parameters is not None:
        if template.inspections.exists():
            raise BusinessRuleViolation(
                "Inspections already used these parameters; create a new template instead.",
                code="template_in_use",
                fields={"parameters": ["template already used by inspections"]},
            )
        _clean_parameters(parameters)
        _write_parameters(template, parameters)
    for name, value in changes.items():
        setattr(template, name, value)
    template.bump_version()
    template.updated_by = _user(user)
    template.save()
    return template


# --- lot inspections ------------------------------------------------------------------------------
def _evaluate(parameter: InspectionParameter, result: dict, field: str) -> InspectionResult:
    numeric, flag, text = result.get("value_numeric"), result.get("value_bool"), result.get("value_text", "")
    if parameter.kind == ParameterKind.NUMERIC:
        if numeric is None:
            raise InvalidInput(f"{parameter.name} needs a number.", fields={f"{field}.value_numeric": ["required"]})
        passed = (parameter.min_value is None or numeric >= parameter.min_value) and (
            parameter.max_value is None or numeric <= parameter.max_value
        )
    elif parameter.kind == ParameterKind.PASS_FAIL:
        if flag is None:
            raise InvalidInput(f"{parameter.name} needs pass or fail.", fields={f"{field}.value_bool": ["required"]})
        passed = flag
    else:
        if parameter.required and not text.strip():
            raise InvalidInput(f"{parameter.name} needs a text.", fields={f"{field}.value_text": ["required"]})
        passed = True
    return InspectionResult(
        parameter=parameter, value_numeric=numeric, value_bool=flag, value_text=text, passed=bool(passed)
    )


def _lot_qty(lot: Lot) -> Decimal:
    return StockBalance.objects.filter(lot=lot).aggregate(total=Sum("on_hand"))["total"] or Decimal(0)


@transaction.atomic
def inspection_create(
    *,
    lot: Lot,
    template: InspectionTemplate,
    results: list[dict],
    decision: str | None = None,
    sample_size=None,
    release_to=None,
    rejection_reasons=(),
    notes: str = "",
    user=None,
) -> Inspection:
    """Record an inspection and move the lot's QC status accordingly (release / hold / reject)."""
    lot = Lot.objects.select_for_update().select_related("material").get(pk=lot.pk)
    if not template.is_active:
        raise BusinessRuleViolation(
            "The template is inactive.", code="template_inactive", fields={"template": ["inactive"]}
        )
    parameters = {p.pk: p for p in template.parameters.all()}
    evaluated, seen = [], set()
    for i, result in enumerate(results):
        parameter = parameters.get(result["parameter"])
        if parameter is None:
            raise InvalidInput(
                "Not a parameter of this template.", fields={f"results.{i}.parameter": ["not in template"]}
            )
        if parameter.pk in seen:
            raise InvalidInput("A parameter is given twice.", fields={f"results.{i}.parameter": ["given twice"]})
        seen.add(parameter.pk)
        evaluated.append(_evaluate(parameter, result, f"results.{i}"))
    missing = [p.name for p in parameters.values() if p.required and p.pk not in seen]
    if missing:
        raise InvalidInput(
            "Some required parameters have no result.", fields={"results": [f"missing: {', '.join(missing)}"]}
        )
    lot_qty = _lot_qty(lot)
    if sample_size is not None and sample_size > lot_qty:
        raise InvalidInput(
            "The sample is larger than the lot.",
            fields={"sample_size": [f"at most the lot's {lot_qty} {lot.material.unit}"]},
        )
    passed = all(r.passed for r in evaluated)
    decision = decision or (Decision.RELEASE if passed else Decision.HOLD)
    if decision == Decision.RELEASE and not passed:
        failed = [r.parameter.name for r in evaluated if not r.passed]
        raise BusinessRuleViolation(
            "A failing inspection cannot release the lot.",
            code="inspection_failed",
            fields={"decision": [f"failed: {', '.join(failed)}"]},
        )
    if decision == Decision.REJECT and not rejection_reasons:
        raise InvalidInput("Say why the lot is rejected.", fields={"rejection_reasons": ["required to reject"]})
    before, target = lot.qc_status, DECISION_STATUS[Decision(decision)]
    if target != before and target not in QC_TRANSITIONS.get(before, set()):
        raise BusinessRuleViolation(
            f"Lot {lot.code} is {lot.get_qc_status_display()}; it cannot be {decision}d.",
            code="lot_rejected" if before == QCStatus.REJECTED else "invalid_qc_transition",
            fields={"decision": [f"{decision} is not allowed for a {before} lot"]},
        )
    inspection = _numbered(
        Inspection,
        "QI",
        template=template,
        stage=template.stage,
        lot=lot,
        sample_size=sample_size,
        lot_qty=lot_qty,
        passed=passed,
        decision=decision,
        qc_status_before=before,
        qc_status_after=target,
        release_to=release_to,
        inspector=_user(user),
        notes=notes,
        created_by=_user(user),
    )
    for result in evaluated:
        result.inspection = inspection
    InspectionResult.objects.bulk_create(evaluated)
    inspection.rejection_reasons.set(rejection_reasons)
    if target != before:
        stock.lot_set_qc_status(
            lot=lot,
            status=target,
            user=user,
            release_to=release_to,
            document=Document("quality.inspection", str(inspection.pk), inspection.number),
        )
    return inspection


# --- non-conformances -----------------------------------------------------------------------------
NC_TRANSITIONS = {
    NonConformanceStatus.OPEN: {NonConformanceStatus.IN_PROGRESS, NonConformanceStatus.CLOSED},
    NonConformanceStatus.IN_PROGRESS: {NonConformanceStatus.CLOSED},
    NonConformanceStatus.CLOSED: set(),
}


def _check_nc_close(nc: NonConformance) -> None:
    missing = {name: ["required to close"] for name in ("root_cause", "action") if not getattr(nc, name).strip()}
    if missing:
        raise BusinessRuleViolation(
            "A non-conformance closes with its root cause and action.", code="incomplete", fields=missing
        )


@transaction.atomic
def non_conformance_create(*, description: str, user=None, status: str = NonConformanceStatus.OPEN, **fields):
    nc = NonConformance(description=description, status=status, **fields)
    if status == NonConformanceStatus.CLOSED:
        _check_nc_close(nc)
    return _numbered(
        NonConformance,
        "NC",
        description=description,
        status=status,
        closed_at=timezone.now() if status == NonConformanceStatus.CLOSED else None,
        created_by=_user(user),
        **fields,
    )


@transaction.atomic
def non_conformance_update(*, non_conformance: NonConformance, user=None, **changes) -> NonConformance:
    nc = NonConformance.objects.select_for_update().get(pk=non_conformance.pk)
    status = changes.pop("status", nc.status)
    if nc.status == NonConformanceStatus.CLOSED:
        raise BusinessRuleViolation("The non-conformance is closed.", code="closed", fields={"status": ["closed"]})
    if status != nc.status and status not in NC_TRANSITIONS[nc.status]:
        raise BusinessRuleViolation(
            f"A {nc.status} non-conformance cannot become {status}.",
            code="invalid_transition",
            fields={"status": [f"{status} is not allowed from {nc.status}"]},
        )
    for name, value in changes.items():
        setattr(nc, name, value)
    if status == NonConformanceStatus.CLOSED:
        _check_nc_close(nc)
        nc.closed_at = timezone.now()
    nc.status = status
    nc.bump_version()
    nc.updated_by = _user(user)
    nc.save()
    return nc


# --- 4-point roll inspection ----------------------------------------------------------------------
def threshold_for(name: str | None) -> tuple[str, Decimal]:
    name = name or DEFAULT_THRESHOLD_NAME
    row = PointsThreshold.objects.filter(name=name).first()
    if row is not None:
        return row.name, row.max_points_per_100yd2
    if name == DEFAULT_THRESHOLD_NAME:
        return name, formulas.DEFAULT_THRESHOLD
    raise InvalidInput(f"No acceptance threshold called {name}.", fields={"threshold": ["unknown threshold"]})


def _clean_defects(defects: list[dict], inspected_yards: Decimal, roll_yards: Decimal) -> list[RollDefect]:
    rows = []
    for i, d in enumerate(defects):
        position = d["position_yd"]
        if position < 0 or position > inspected_yards:
            limit = "the roll length" if inspected_yards == roll_yards else "the inspected length"
            raise InvalidInput(
                "A defect lies outside the roll.",
                code="position_outside_roll",
                fields={f"defects.{i}.position_yd": [f"must be within 0–{inspected_yards} yd ({limit})"]},
            )
        is_hole = d["defect_type"] == DefectType.HOLE
        length, hole = d.get("length_in"), d.get("hole_size_in")
        if is_hole and (hole is None or length is not None):
            raise InvalidInput(
                "A hole is measured by its size.", fields={f"defects.{i}.hole_size_in": ["required for a hole"]}
            )
        if not is_hole and (length is None or hole is not None):
            raise InvalidInput(
                "A linear defect is measured by its length.",
                fields={f"defects.{i}.length_in": ["required for this defect"]},
            )
        rows.append(
            RollDefect(
                defect_type=d["defect_type"],
                length_in=length,
                hole_size_in=hole,
                position_yd=position,
                points=formulas.defect_points(length_in=length, hole_size_in=hole),
            )
        )
    return rows


@transaction.atomic
def roll_inspection_create(
    *,
    roll: Roll,
    defects: list[dict],
    threshold: str | None = None,
    inspected_yards=None,
    cuttable_width_in=None,
    notes: str = "",
    user=None,
) -> RollInspection:
    """Grade a roll by the 4-point system and write the result onto the roll. One per roll."""
    item = {
        "roll": roll,
        "defects": defects,
        "inspected_yards": inspected_yards,
        "cuttable_width_in": cuttable_width_in,
        "notes": notes,
    }
    with as_single_item("items.0."):
        return roll_inspections_create(items=[item], threshold=threshold, user=user)[0]


@transaction.atomic
def roll_inspections_create(*, items: list[dict], threshold: str | None = None, user=None) -> list[RollInspection]:
    """`roll_inspection_create` for several rolls at once (a lot off the finishing range), all or none.

    Each item holds `roll`, `defects` and optionally `inspected_yards`, `cuttable_width_in` and
    `notes`; errors name the item (`items.<i>.…`). The rolls are locked together, the inspections,
    their defects and the rolls' marks are written in one statement each.
    """
    if not items:
        raise InvalidInput("Give at least one roll.", fields={"items": ["at least one roll"]})
    ids = [item["roll"].pk for item in items]
    if len(set(ids)) < len(ids):
        raise InvalidInput("A roll is listed twice.", fields={"items": ["each roll once"]})
    rolls = {r.pk: r for r in Roll.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    done = dict(RollInspection.objects.filter(roll_id__in=ids).values_list("roll_id", "number"))
    if done:
        first = next(i for i, pk in enumerate(ids) if pk in done)
        raise Conflict(
            f"Roll {rolls[ids[first]].code} already has its final inspection {done[ids[first]]}.",
            code="already_inspected",
            fields={f"items.{first}.roll": [f"inspected in {done[ids[first]]}"]},
        )
    threshold_name, limit = threshold_for(threshold)
    planned = []
    for i, item in enumerate(items):
        roll = rolls[item["roll"].pk]
        roll_yards = (roll.length_m / formulas.METRES_PER_YARD).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        given = item.get("inspected_yards")
        yards = roll_yards if given is None else Decimal(given)
        if yards > roll_yards:
            raise InvalidInput(
                "More yards inspected than the roll has.",
                fields={f"items.{i}.inspected_yards": [f"at most {roll_yards} yd"]},
            )
        width = item.get("cuttable_width_in")
        width = (
            (roll.width_cm / formulas.CM_PER_INCH).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if width is None
            else Decimal(width)
        )
        try:
            rows = _clean_defects(item.get("defects", []), yards, roll_yards)
        except InvalidInput as error:
            error.fields = {f"items.{i}.{name}": messages for name, messages in (error.fields or {}).items()}
            raise
        total = formulas.capped_total((r.position_yd, r.points) for r in rows)
        per_100 = formulas.points_per_100yd2(total, yards, width)
        planned.append((roll, yards, width, total, per_100, formulas.grade(per_100, limit), rows, item))
    inspections = RollInspection.objects.bulk_create(
        RollInspection(
            number=f"~{uuid.uuid4().hex[:18]}",
            roll=roll,
            inspected_yards=yards,
            cuttable_width_in=width,
            threshold_name=threshold_name,
            threshold=limit,
            total_points=total,
            points_per_100yd2=per_100,
            grade=quality,
            inspector=_user(user),
            notes=item.get("notes", ""),
            created_by=_user(user),
        )
        for roll, yards, width, total, per_100, quality, rows, item in planned
    )
    for inspection in inspections:
        inspection.number = f"RI-{inspection.pk:06d}"
    update_rows(inspections, ["number"])
    defects = []
    for inspection, (_, _, _, _, _, _, rows, _) in zip(inspections, planned, strict=True):
        for row in rows:
            row.inspection = inspection
            defects.append(row)
    RollDefect.objects.bulk_create(defects)
    stock.rolls_record_quality(
        marks=[
            (roll, {"points": total, "points_per_100yd2": per_100, "grade": quality})
            for roll, _, _, total, per_100, quality, _, _ in planned
        ],
        user=user,
    )
    for inspection in inspections:  # bulk writes send no signals; the audit trail still records them
        post_save.send(sender=RollInspection, instance=inspection, created=True, raw=False, using=inspection._state.db)
    return inspections


@transaction.atomic
def roll_inspection_add_image(*, inspection: RollInspection, image, defect_id=None, caption: str = "", user=None):
    defect = None
    if defect_id is not None:
        defect = inspection.defects.filter(pk=defect_id).first()
        if defect is None:
            raise InvalidInput("Not a defect of this inspection.", fields={"defect": ["not in this inspection"]})
    return RollInspectionImage.objects.create(
        inspection=inspection, defect=defect, image=image, caption=caption, uploaded_by=_user(user)
    )


# --- shade ----------------------------------------------------------------------------------------
def _lab(value) -> Decimal:
    return Decimal(value).quantize(LAB_Q, rounding=ROUND_HALF_UP)


@transaction.atomic
def shade_standard_create(*, user=None, **fields) -> ShadeStandard:
    if ShadeStandard.objects.filter(
        shade_code=fields["shade_code"], customer_code=fields.get("customer_code", ""), is_active=True
    ).exists() and fields.get("is_active", True):
        raise Conflict(
            "An approved standard for this shade and customer is already active; deactivate it first.",
            code="active_standard_exists",
            fields={"shade_code": ["active standard exists"]},
        )
    fields.setdefault("approved_at", timezone.now())
    return ShadeStandard.objects.create(created_by=_user(user), **fields)


@transaction.atomic
def shade_standard_update(*, standard: ShadeStandard, user=None, **changes) -> ShadeStandard:
    standard = ShadeStandard.objects.select_for_update().get(pk=standard.pk)
    for name, value in changes.items():
        setattr(standard, name, value)
    if standard.is_active and (
        ShadeStandard.objects.filter(
            shade_code=standard.shade_code, customer_code=standard.customer_code, is_active=True
        )
        .exclude(pk=standard.pk)
        .exists()
    ):
        raise Conflict(
            "Another standard for this shade and customer is active.",
            code="active_standard_exists",
            fields={"is_active": ["another standard is active"]},
        )
    standard.bump_version()
    standard.updated_by = _user(user)
    standard.save()
    return standard


def standard_for(*, shade_code: str, customer_code: str = "") -> ShadeStandard | None:
    """The customer's own approved standard of a shade, else the shade's general one."""
    candidates = ShadeStandard.objects.filter(
        shade_code=shade_code, is_active=True, customer_code__in={customer_code, ""}
    )
    by_customer = {s.customer_code: s for s in candidates}
    return by_customer.get(customer_code) or by_customer.get("")


@transaction.atomic
def shade_reading_create(
    *, roll: Roll, lab_l, lab_a, lab_b, standard: ShadeStandard | None = None, customer_code: str = "", user=None
) -> ShadeReading:
    """ΔE00 of a roll against the approved standard and its band, written to the roll."""
    roll = Roll.objects.select_for_update().select_related("lot__material").get(pk=roll.pk)
    if standard is None:
        shade_code = roll.lot.material.shade_code
        standard = standard_for(shade_code=shade_code, customer_code=customer_code) if shade_code else None
        if standard is None:
            raise BusinessRuleViolation(
                f"No approved standard for shade {shade_code or '(none)'}; approve a lab dip first.",
                code="no_standard",
                fields={"standard": ["no active standard for this roll's shade"]},
            )
    return shade_readings_create(
        items=[{"roll": roll, "lab_l": lab_l, "lab_a": lab_a, "lab_b": lab_b}], standard=standard, user=user
    )[0]


@transaction.atomic
def shade_readings_create(*, items: list[dict], standard: ShadeStandard, user=None) -> list[ShadeReading]:
    """`shade_reading_create` for several rolls of one shade against one standard, all or none.

    Each item holds `roll`, `lab_l`, `lab_a`, `lab_b`; errors name the item (`items.<i>.…`).
    """
    if not items:
        raise InvalidInput("Give at least one roll.", fields={"items": ["at least one roll"]})
    if not standard.is_active:
        raise BusinessRuleViolation(
            "That standard is inactive.", code="standard_inactive", fields={"standard": ["inactive"]}
        )
    ids = [item["roll"].pk for item in items]
    if len(set(ids)) < len(ids):
        raise InvalidInput("A roll is listed twice.", fields={"items": ["each roll once"]})
    rolls = {r.pk: r for r in Roll.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    target = (standard.lab_l, standard.lab_a, standard.lab_b)
    readings, marks = [], []
    for item in items:
        reading = (_lab(item["lab_l"]), _lab(item["lab_a"]), _lab(item["lab_b"]))
        delta_e = formulas.delta_e_2000(reading, target).quantize(LAB_Q, rounding=ROUND_HALF_UP)
        band = formulas.shade_band(delta_e, standard.tolerance)
        roll = rolls[item["roll"].pk]
        readings.append(
            ShadeReading(
                roll=roll,
                standard=standard,
                lab_l=reading[0],
                lab_a=reading[1],
                lab_b=reading[2],
                delta_e=delta_e,
                band=band,
                inspector=_user(user),
            )
        )
        marks.append(
            (
                roll,
                {"lab_l": reading[0], "lab_a": reading[1], "lab_b": reading[2], "delta_e": delta_e, "shade_band": band},
            )
        )
    made = ShadeReading.objects.bulk_create(readings)
    stock.rolls_record_quality(marks=marks, user=user)
    for row in made:  # bulk writes send no signals; the audit trail still records them
        post_save.send(sender=ShadeReading, instance=row, created=True, raw=False, using=row._state.db)
    return made
