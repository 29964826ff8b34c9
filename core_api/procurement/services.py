"""Every procurement write: keyword-only `<entity>_<verb>` functions, one transaction each.

Stock moves only through `inventory.services`: a receipt creates lots (and rolls) in quarantine and
posts `stock_receive` at the PO line's price; a supplier return posts `stock_issue` of rejected lots.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.errors import ApplicationError, BusinessRuleViolation, InvalidInput
from core.permissions import has_role
from inventory.models import LocationKind, LotOrigin, MoveReason, QCStatus, StockBalance
from inventory.services import Document, StockLine, lot_create, roll_create, stock_issue, stock_receive
from users.roles import PURCHASE_MANAGER

from . import selectors
from .models import (
    Criterion,
    GoodsReceipt,
    GoodsReceiptLine,
    POStatus,
    PriceList,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatusLog,
    ScorecardCriterion,
    Standing,
    Supplier,
    SupplierContact,
    SupplierMLScore,
    SupplierReturn,
    SupplierReturnLine,
    SupplierScorecard,
)

MONEY_Q = Decimal("0.0001")
RECEIPT_DOCUMENT = "procurement.receipt"
RETURN_DOCUMENT = "procurement.supplier_return"

# The pipeline: allowed next states per state (django-oscar's pattern). Receipts drive the
# approved → partially_received → received steps; people drive the rest.
PO_TRANSITIONS: dict[str, set[str]] = {
    POStatus.DRAFT: {POStatus.SUBMITTED, POStatus.CANCELLED},
    POStatus.SUBMITTED: {POStatus.APPROVED, POStatus.CANCELLED},
    POStatus.APPROVED: {POStatus.PARTIALLY_RECEIVED, POStatus.RECEIVED, POStatus.CANCELLED},
    POStatus.PARTIALLY_RECEIVED: {POStatus.RECEIVED, POStatus.CLOSED},
    POStatus.RECEIVED: {POStatus.CLOSED},
    POStatus.CLOSED: set(),
    POStatus.CANCELLED: set(),
}
RECEIVABLE = (POStatus.APPROVED, POStatus.PARTIALLY_RECEIVED)

# Standing bands on the 0–100 score: lower bound inclusive.
STANDING_BANDS = ((Decimal("80"), Standing.GOOD), (Decimal("50"), Standing.AVERAGE), (Decimal("30"), Standing.POOR))


class RoleRequired(ApplicationError):
    """The service itself refuses a step the caller's role may not take (defence behind the table)."""

    status_code = 403
    default_code = "permission_denied"


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _default_currency() -> str:
    return getattr(settings, "WEFT_CURRENCY", "USD")


def over_receipt_tolerance() -> Decimal:
    """Fraction of a PO line's qty that may be received on top of it (setting in percent, default 5)."""
    return Decimal(str(getattr(settings, "WEFT_OVER_RECEIPT_TOLERANCE_PERCENT", 5))) / Decimal(100)


def _number(obj, prefix: str) -> None:
    obj.number = f"{prefix}-{obj.pk:06d}"
    type(obj).objects.filter(pk=obj.pk).update(number=obj.number)


def _decimal(value, field_name: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field_name} must be a number.", fields={field_name: ["must be a number"]})
    if not result.is_finite():
        raise InvalidInput(f"{field_name} must be a number.", fields={field_name: ["must be a finite number"]})
    return result


# --- suppliers -----------------------------------------------------------------------------------
SUPPLIER_FIELDS = ("code", "name", "address", "payment_terms", "bank_details", "is_active")


def _set_contacts(supplier: Supplier, contacts: list[dict], user) -> None:
    supplier.contacts.all().delete()
    SupplierContact.objects.bulk_create(
        SupplierContact(supplier=supplier, created_by=_actor(user), **contact) for contact in contacts
    )


@transaction.atomic
def supplier_create(*, code: str, name: str, contacts: list[dict] | None = None, user=None, **fields) -> Supplier:
    if Supplier.objects.filter(code__iexact=code).exists():
        raise InvalidInput(f"Supplier code {code} exists.", code="duplicate", fields={"code": ["already exists"]})
    supplier = Supplier.objects.create(code=code, name=name, created_by=_actor(user), updated_by=_actor(user), **fields)
    _set_contacts(supplier, contacts or [], user)
    return supplier


@transaction.atomic
def supplier_update(*, supplier: Supplier, contacts: list[dict] | None = None, user=None, **fields) -> Supplier:
    code = fields.get("code")
    if code and Supplier.objects.filter(code__iexact=code).exclude(pk=supplier.pk).exists():
        raise InvalidInput(f"Supplier code {code} exists.", code="duplicate", fields={"code": ["already exists"]})
    for name, value in fields.items():
        setattr(supplier, name, value)
    supplier.updated_by = _actor(user)
    supplier.bump_version()
    supplier.save()
    if contacts is not None:
        _set_contacts(supplier, contacts, user)
    return supplier


_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


def _csv_supplier_row(row: dict, line: int, errors: dict[str, list[str]]) -> dict | None:
    def fail(column: str, message: str) -> None:
        errors.setdefault(f"rows.{line}.{column}", []).append(message)

    code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
    if not code:
        fail("code", "required")
    elif len(code) > 40:
        fail("code", "at most 40 characters")
    if not name:
        fail("name", "required")
    elif len(name) > 200:
        fail("name", "at most 200 characters")
    active = (row.get("is_active") or "").strip().lower()
    if active not in _TRUE | _FALSE | {""}:
        fail("is_active", "true or false")
    email = (row.get("contact_email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("contact_email", "not a valid email address")
    contact_name = (row.get("contact_name") or "").strip()
    if (email or (row.get("contact_phone") or "").strip()) and not contact_name:
        fail("contact_name", "required when an email or phone is given")
    if len(row.get("payment_terms") or "") > 120:
        fail("payment_terms", "at most 120 characters")
    values = {"code": code, "name": name}
    # A column left out of the file leaves that field of an existing supplier as it is.
    for column in ("address", "payment_terms"):
        if column in row:
            values[column] = (row[column] or "").strip()
    if "is_active" in row:
        values["is_active"] = active not in _FALSE
    values["contact"] = (
        {"name": contact_name, "email": email, "phone": (row.get("contact_phone") or "").strip()[:40]}
        if contact_name
        else None
    )
    return values


@transaction.atomic
def suppliers_import_csv(*, content: str, user=None) -> dict:
    """Create or update suppliers by code from CSV. Every row is checked first: one bad row, no writes.

    Errors name the data row (`rows.<n>.<column>`, n counted from 1 after the header).
    """
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("code", "name") if c not in header]
    unknown = [c for c in header if c not in selectors.SUPPLIER_CSV_COLUMNS]
    if missing or unknown:
        fields = {}
        if missing:
            fields["header"] = [f"missing column(s): {', '.join(missing)}"]
        if unknown:
            fields.setdefault("header", []).append(f"unknown column(s): {', '.join(unknown)}")
        raise InvalidInput("The CSV header is not the supplier export's.", fields=fields)
    reader.fieldnames = header
    errors: dict[str, list[str]] = {}
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=1):
        if None in row:
            errors.setdefault(f"rows.{line}", []).append("more values than columns")
        values = _csv_supplier_row(row, line, errors)
        key = values["code"].lower()
        if key and key in seen:
            errors.setdefault(f"rows.{line}.code", []).append(f"duplicate of row {seen[key]}")
        seen.setdefault(key, line)
        parsed.append(values)
    if not parsed and not errors:
        raise InvalidInput("The CSV holds no suppliers.", fields={"file": ["no data rows"]})
    if errors:
        raise InvalidInput(
            f"{len({k.split('.')[1] for k in errors})} row(s) are invalid; nothing was imported.",
            code="import_invalid",
            fields=errors,
        )
    existing = {
        s.code.lower(): s for s in Supplier.objects.annotate(code_lower=Lower("code")).filter(code_lower__in=list(seen))
    }
    created = updated = 0
    for values in parsed:
        contact = values.pop("contact")
        supplier = existing.get(values["code"].lower())
        if supplier is None:
            supplier = supplier_create(user=user, contacts=[contact] if contact else [], **values)
            created += 1
            continue
        supplier_update(supplier=supplier, user=user, **values)
        if contact:
            first = supplier.contacts.order_by("id").first()
            if first:
                for name, value in contact.items():
                    setattr(first, name, value)
                first.updated_by = _actor(user)
                first.save()
            else:
                SupplierContact.objects.create(supplier=supplier, created_by=_actor(user), **contact)
        updated += 1
    return {"created": created, "updated": updated}


# --- price lists ---------------------------------------------------------------------------------
def _check_price_list(entry: PriceList) -> None:
    if entry.valid_to is not None and entry.valid_to < entry.valid_from:
        raise InvalidInput("valid_to is before valid_from.", fields={"valid_to": ["must not be before valid_from"]})
    if entry.price < 0:
        raise InvalidInput("A price cannot be negative.", fields={"price": ["must be zero or more"]})
    if entry.min_order_qty < 0:
        raise InvalidInput("MOQ cannot be negative.", fields={"min_order_qty": ["must be zero or more"]})
    overlapping = PriceList.objects.filter(
        supplier_id=entry.supplier_id, material_id=entry.material_id, currency=entry.currency
    ).exclude(pk=entry.pk)
    if entry.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=entry.valid_to)
    overlapping = overlapping.exclude(valid_to__lt=entry.valid_from).first()
    if overlapping:
        until = overlapping.valid_to or "open end"
        raise BusinessRuleViolation(
            "Another price of this supplier and material is valid in the same dates.",
            code="overlapping_price_list",
            fields={"valid_from": [f"overlaps price list {overlapping.pk} ({overlapping.valid_from} – {until})"]},
        )


@transaction.atomic
def price_list_create(*, supplier: Supplier, material, price, valid_from: date, user=None, **fields) -> PriceList:
    fields.setdefault("currency", _default_currency())
    entry = PriceList(supplier=supplier, material=material, price=price, valid_from=valid_from, **fields)
    _check_price_list(entry)
    entry.created_by = entry.updated_by = _actor(user)
    entry.save()
    return entry


@transaction.atomic
def price_list_update(*, price_list: PriceList, user=None, **fields) -> PriceList:
    for name, value in fields.items():
        setattr(price_list, name, value)
    _check_price_list(price_list)
    price_list.updated_by = _actor(user)
    price_list.bump_version()
    price_list.save()
    return price_list


# --- purchase orders -----------------------------------------------------------------------------
@dataclass
class Outcome:
    """A document and the warnings the user should see (a poor supplier, say)."""

    document: object
    warnings: list[str] = field(default_factory=list)


def supplier_check_for_order(supplier: Supplier) -> list[str]:
    """Refuse inactive and very poor suppliers (422); return a warning for a poor one."""
    if not supplier.is_active:
        raise BusinessRuleViolation(
            f"Supplier {supplier.code} is inactive.", code="supplier_inactive", fields={"supplier": ["inactive"]}
        )
    card = selectors.supplier_standing(supplier)
    if card is None:
        return []
    if card.standing == Standing.VERY_POOR:
        raise BusinessRuleViolation(
            f"Supplier {supplier.code} stands very poor (score {card.score} for {card.period:%Y-%m}); "
            "new purchase orders are blocked.",
            code="supplier_blocked",
            fields={"supplier": [f"standing very poor (score {card.score}, {card.period:%Y-%m})"]},
        )
    if card.standing == Standing.POOR:
        return [f"Supplier {supplier.code} stands poor (score {card.score} for {card.period:%Y-%m})."]
    return []


def _build_lines(order: PurchaseOrder, lines: list[dict]) -> list[PurchaseOrderLine]:
    if not lines:
        raise InvalidInput("A purchase order needs at least one line.", fields={"lines": ["at least one line"]})
    built, moq_errors, errors = [], {}, {}
    for i, data in enumerate(lines):
        material = data["material"]
        qty = _decimal(data["qty"], f"lines.{i}.qty")
        if qty <= 0:
            errors[f"lines.{i}.qty"] = ["must be greater than zero"]
            continue
        if not material.is_active:
            errors[f"lines.{i}.material"] = [f"material {material.code} is inactive"]
            continue
        entry = selectors.price_list_valid(
            supplier=order.supplier, material_id=material.pk, currency=order.currency, on=order.order_date
        )
        unit_price = data.get("unit_price")
        if unit_price is None:
            if entry is None:
                errors[f"lines.{i}.unit_price"] = [
                    f"required: no {order.currency} price list of this supplier for {material.code} "
                    f"is valid on {order.order_date}"
                ]
                continue
            unit_price = entry.price
        elif _decimal(unit_price, f"lines.{i}.unit_price") < 0:
            errors[f"lines.{i}.unit_price"] = ["must be zero or more"]
            continue
        promised = data.get("promised_date") or order.expected_date
        if promised is None:
            promised = order.order_date + timedelta(days=entry.lead_time_days if entry else 0)
        if promised < order.order_date:
            errors[f"lines.{i}.promised_date"] = ["must not be before the order date"]
            continue
        if entry is not None and qty < entry.min_order_qty:
            moq_errors[f"lines.{i}.qty"] = [
                f"below the supplier's minimum order quantity of {entry.min_order_qty.normalize()} {material.unit}"
            ]
        built.append(
            PurchaseOrderLine(
                order=order,
                line_no=i + 1,
                material=material,
                qty=qty,
                unit_price=Decimal(str(unit_price)),
                price_list=entry,
                list_price=entry.price if entry else None,
                promised_date=promised,
            )
        )
    if errors:
        raise InvalidInput(f"{len(errors)} line(s) are invalid.", fields=errors)
    if moq_errors:
        raise BusinessRuleViolation(
            "Order quantity below the supplier's minimum order quantity.", code="below_moq", fields=moq_errors
        )
    return built


def _check_dates(order_date: date, expected_date: date | None) -> None:
    if expected_date is not None and expected_date < order_date:
        raise InvalidInput(
            "The expected date is before the order date.", fields={"expected_date": ["must not be before order_date"]}
        )


def _log(order: PurchaseOrder, from_status: str, to_status: str, user, note: str = "") -> None:
    PurchaseOrderStatusLog.objects.create(
        order=order, from_status=from_status, to_status=to_status, user=_actor(user), note=note[:255]
    )


@transaction.atomic
def purchase_order_create(
    *,
    supplier: Supplier,
    warehouse,
    lines: list[dict],
    order_date: date | None = None,
    expected_date: date | None = None,
    currency: str | None = None,
    notes: str = "",
    user=None,
) -> Outcome:
    warnings = supplier_check_for_order(supplier)
    order_date = order_date or timezone.localdate()
    _check_dates(order_date, expected_date)
    order = PurchaseOrder.objects.create(
        supplier=supplier,
        warehouse=warehouse,
        order_date=order_date,
        expected_date=expected_date,
        currency=(currency or _default_currency()).upper(),
        notes=notes,
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    PurchaseOrderLine.objects.bulk_create(_build_lines(order, lines))
    _number(order, "PO")
    _log(order, "", POStatus.DRAFT, user)
    return Outcome(order, warnings)


def _lock_order(order: PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder.objects.select_for_update().select_related("supplier").get(pk=order.pk)


@transaction.atomic
def purchase_order_update(*, order: PurchaseOrder, user=None, lines: list[dict] | None = None, **fields) -> Outcome:
    """Edit a draft (header fields, and the lines replaced as a whole when given)."""
    order = _lock_order(order)
    if order.status != POStatus.DRAFT:
        raise BusinessRuleViolation(
            f"{order.number} is {order.get_status_display()}; only drafts can be edited.",
            code="not_editable",
            fields={"status": [f"is {order.status}, must be draft"]},
        )
    for name, value in fields.items():
        setattr(order, name, value)
    if "currency" in fields:
        order.currency = order.currency.upper()
    warnings = supplier_check_for_order(order.supplier) if "supplier" in fields else []
    _check_dates(order.order_date, order.expected_date)
    if lines is None and {"supplier", "currency", "order_date"} & set(fields):
        # The price list in force may have changed: prices that came from the old one are looked up
        # again, prices the buyer typed are kept.
        lines = [
            {
                "material": line.material,
                "qty": line.qty,
                "promised_date": line.promised_date,
                **({} if line.unit_price == line.list_price else {"unit_price": line.unit_price}),
            }
            for line in order.lines.select_related("material")
        ]
    if lines is not None:
        built = _build_lines(order, lines)
        order.lines.all().delete()
        PurchaseOrderLine.objects.bulk_create(built)
    order.updated_by = _actor(user)
    order.bump_version()
    order.save()
    return Outcome(order, warnings)


def _transition(order: PurchaseOrder, to_status: str, user, note: str = "") -> PurchaseOrder:
    """The one place a PO changes status: checks the pipeline, bumps the version, logs the change."""
    if to_status not in PO_TRANSITIONS[order.status]:
        allowed = ", ".join(sorted(PO_TRANSITIONS[order.status])) or "none"
        raise BusinessRuleViolation(
            f"{order.number} is {order.get_status_display()}; it cannot become {to_status}.",
            code="invalid_transition",
            fields={"status": [f"{order.status} → {to_status} is not allowed (allowed: {allowed})"]},
        )
    from_status = order.status
    order.status = to_status
    order.updated_by = _actor(user)
    order.bump_version()
    order.save(update_fields=["status", "updated_by", "version", "updated_at"])
    _log(order, from_status, to_status, user, note)
    return order


@transaction.atomic
def purchase_order_transition(*, order: PurchaseOrder, to_status: str, user=None, note: str = "") -> Outcome:
    order = _lock_order(order)
    warnings: list[str] = []
    if to_status == POStatus.SUBMITTED:
        if not order.lines.exists():
            raise BusinessRuleViolation(
                "A purchase order needs lines before it is submitted.", code="no_lines", fields={"lines": ["empty"]}
            )
        warnings = supplier_check_for_order(order.supplier)
    if to_status == POStatus.APPROVED and not has_role(user, PURCHASE_MANAGER):
        raise RoleRequired(
            "Approving a purchase order needs the purchase_manager role.",
            fields={"role": ["purchase_manager required"]},
        )
    return Outcome(_transition(order, to_status, user, note), warnings)


def purchase_order_submit(*, order: PurchaseOrder, user=None, note: str = "") -> Outcome:
    return purchase_order_transition(order=order, to_status=POStatus.SUBMITTED, user=user, note=note)


def purchase_order_approve(*, order: PurchaseOrder, user=None, note: str = "") -> Outcome:
    return purchase_order_transition(order=order, to_status=POStatus.APPROVED, user=user, note=note)


def purchase_order_cancel(*, order: PurchaseOrder, user=None, note: str = "") -> Outcome:
    return purchase_order_transition(order=order, to_status=POStatus.CANCELLED, user=user, note=note)


def purchase_order_close(*, order: PurchaseOrder, user=None, note: str = "") -> Outcome:
    return purchase_order_transition(order=order, to_status=POStatus.CLOSED, user=user, note=note)


# --- goods receipts ------------------------------------------------------------------------------
def _receipt_location(order: PurchaseOrder, location):
    if location is None:
        candidates = list(
            order.warehouse.locations.filter(kind=LocationKind.QUARANTINE, is_active=True).order_by("code")[:2]
        )
        if len(candidates) != 1:
            raise BusinessRuleViolation(
                f"Warehouse {order.warehouse.code} has {'no' if not candidates else 'several'} quarantine "
                "location(s); name the one to receive into.",
                code="no_quarantine_location",
                fields={"location": ["required: one quarantine location of the receiving warehouse"]},
            )
        return candidates[0]
    if location.kind != LocationKind.QUARANTINE or location.warehouse_id != order.warehouse_id:
        raise BusinessRuleViolation(
            "Receipts wait in quarantine until incoming inspection passes.",
            code="not_quarantine",
            fields={"location": [f"must be a quarantine location of warehouse {order.warehouse.code}"]},
        )
    if not location.is_active:
        raise BusinessRuleViolation("That location is inactive.", fields={"location": ["inactive"]})
    return location


def _receipt_qty(i: int, data: dict, material) -> Decimal:
    rolls = data.get("rolls") or []
    qty = data.get("qty")
    if material.is_fabric:
        if not rolls:
            raise InvalidInput(
                f"{material.code} is fabric: list its rolls.", fields={f"lines.{i}.rolls": ["required for fabric"]}
            )
        lengths = [_decimal(roll["length_m"], f"lines.{i}.rolls.{n}.length_m") for n, roll in enumerate(rolls)]
        bad = {f"lines.{i}.rolls.{n}.length_m": ["must be greater than zero"] for n, v in enumerate(lengths) if v <= 0}
        if bad:
            raise InvalidInput("Roll lengths must be positive.", fields=bad)
        total = sum(lengths, Decimal("0"))
        if qty is not None and _decimal(qty, f"lines.{i}.qty") != total:
            raise InvalidInput(
                "qty must be the sum of the roll lengths.",
                fields={f"lines.{i}.qty": [f"rolls add up to {total} m"]},
            )
        return total
    if rolls:
        raise InvalidInput(
            f"{material.code} is not fabric; it has no rolls.", fields={f"lines.{i}.rolls": ["only for fabric"]}
        )
    if qty is None:
        raise InvalidInput("qty is required.", fields={f"lines.{i}.qty": ["required"]})
    value = _decimal(qty, f"lines.{i}.qty")
    if value <= 0:
        raise InvalidInput("Quantities must be positive.", fields={f"lines.{i}.qty": ["must be greater than zero"]})
    return value


@transaction.atomic
def receipt_create(
    *,
    purchase_order: PurchaseOrder,
    lines: list[dict],
    received_on: date | None = None,
    location=None,
    delivery_note: str = "",
    notes: str = "",
    user=None,
) -> GoodsReceipt:
    """Receive against PO lines: lots (and rolls) in quarantine, stock in at the PO price, PO status.

    Each line is `{"po_line", "qty" | "rolls": [{"length_m", "weight_kg"?, "width_cm"?, "gsm"?, "code"?}],
    "supplier_lot"?, "dye_lot"?}`; one lot per line.
    """
    order = _lock_order(purchase_order)
    if order.status not in RECEIVABLE:
        raise BusinessRuleViolation(
            f"{order.number} is {order.get_status_display()}; goods are received only against approved orders.",
            code="not_receivable",
            fields={"purchase_order": [f"is {order.status}; must be approved or partially received"]},
        )
    location = _receipt_location(order, location)
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise InvalidInput("A receipt cannot be dated in the future.", fields={"received_on": ["in the future"]})
    if received_on < order.order_date:
        raise InvalidInput(
            "A receipt cannot predate its order.", fields={"received_on": [f"before the order date {order.order_date}"]}
        )
    if not lines:
        raise InvalidInput("A receipt needs at least one line.", fields={"lines": ["at least one line"]})

    po_lines = {line.pk: line for line in order.lines.select_related("material").select_for_update()}
    quantities: list[Decimal] = []
    incoming: dict[int, Decimal] = defaultdict(Decimal)
    for i, data in enumerate(lines):
        po_line = po_lines.get(getattr(data["po_line"], "pk", data["po_line"]))
        if po_line is None:
            raise InvalidInput(
                f"That line is not on {order.number}.", fields={f"lines.{i}.po_line": [f"not a line of {order.number}"]}
            )
        data["po_line"] = po_line
        qty = _receipt_qty(i, data, po_line.material)
        quantities.append(qty)
        incoming[po_line.pk] += qty
    tolerance = over_receipt_tolerance()
    over: dict[str, list[str]] = {}
    reported: set[int] = set()
    for i, data in enumerate(lines):
        po_line = data["po_line"]
        room = max(po_line.qty * (1 + tolerance) - po_line.qty_received, Decimal("0"))
        if incoming[po_line.pk] > room and po_line.pk not in reported:
            reported.add(po_line.pk)  # one message per PO line, on its first receipt line
            over[f"lines.{i}.qty"] = [
                f"PO line {po_line.line_no}: ordered {po_line.qty.normalize()}, received "
                f"{po_line.qty_received.normalize()}, at most {room.normalize()} more "
                f"(tolerance {(tolerance * 100).normalize()} %)"
            ]
    if over:
        raise BusinessRuleViolation(
            "Receiving more than ordered beyond the over-receipt tolerance.", code="over_receipt", fields=over
        )

    receipt = GoodsReceipt.objects.create(
        purchase_order=order,
        location=location,
        received_on=received_on,
        delivery_note=delivery_note,
        notes=notes,
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    _number(receipt, "GRN")
    document = Document(RECEIPT_DOCUMENT, str(receipt.pk), receipt.number)
    stock_lines: list[StockLine] = []
    receipt_lines: list[GoodsReceiptLine] = []
    for data, qty in zip(lines, quantities, strict=True):
        po_line = data["po_line"]
        # Inventory accepts costs with at most 4 decimal places; a stored 4.000000 is 4.
        unit_cost = po_line.unit_price.normalize()
        lot = lot_create(
            material=po_line.material,
            origin=LotOrigin.RECEIPT,
            user=user,
            supplier_lot=data.get("supplier_lot", ""),
            dye_lot=data.get("dye_lot", ""),
            qc_status=QCStatus.QUARANTINE,
            source=document,
        )
        for roll_data in data.get("rolls") or []:
            roll = roll_create(lot=lot, user=user, **roll_data)
            stock_lines.append(StockLine(lot=lot, location=location, qty=roll.length_m, roll=roll, unit_cost=unit_cost))
        if not po_line.material.is_fabric:
            stock_lines.append(StockLine(lot=lot, location=location, qty=qty, unit_cost=unit_cost))
        receipt_lines.append(
            GoodsReceiptLine(receipt=receipt, po_line=po_line, lot=lot, qty=qty, unit_price=po_line.unit_price)
        )
    GoodsReceiptLine.objects.bulk_create(receipt_lines)
    stock_receive(lines=stock_lines, reason=MoveReason.RECEIPT, document=document, user=user)

    for po_line_id, qty in incoming.items():
        po_line = po_lines[po_line_id]
        po_line.qty_received += qty
        po_line.save(update_fields=["qty_received"])
    complete = all(line.qty_received >= line.qty for line in po_lines.values())
    target = POStatus.RECEIVED if complete else POStatus.PARTIALLY_RECEIVED
    if target != order.status:
        _transition(order, target, user, note=f"receipt {receipt.number}")
    else:
        order.bump_version()
        order.save(update_fields=["version", "updated_at"])
    return receipt


# --- supplier returns ----------------------------------------------------------------------------
def _return_location(i: int, lot, roll, location):
    if location is not None:
        return location
    held = list(
        StockBalance.objects.filter(lot=lot, roll=roll, on_hand__gt=0).select_related("location").order_by("id")[:2]
    )
    if len(held) != 1:
        raise InvalidInput(
            "Name the location to return from.",
            fields={
                f"lines.{i}.location": [
                    "required: the lot has no stock" if not held else "required: stock is in several locations"
                ]
            },
        )
    return held[0].location


@transaction.atomic
def supplier_return_create(
    *,
    supplier: Supplier,
    lines: list[dict],
    returned_on: date | None = None,
    debit_note_ref: str = "",
    reason: str = "",
    user=None,
) -> SupplierReturn:
    """Rejected lots back to their supplier: stock out of the rejected lots, debit note at the PO price.

    Each line is `{"lot", "roll"?, "location"?, "qty"?}`; qty defaults to what the lot (roll) holds there.
    """
    if not lines:
        raise InvalidInput("A return needs at least one line.", fields={"lines": ["at least one line"]})
    prepared = []
    currencies = set()
    for i, data in enumerate(lines):
        lot, roll = data["lot"], data.get("roll")
        receipt_line = GoodsReceiptLine.objects.select_related("receipt__purchase_order").filter(lot=lot).first()
        if receipt_line is None or receipt_line.receipt.purchase_order.supplier_id != supplier.pk:
            raise BusinessRuleViolation(
                f"Lot {lot.code} was not received from {supplier.code}.",
                code="not_from_supplier",
                fields={f"lines.{i}.lot": [f"not received from supplier {supplier.code}"]},
            )
        if roll is not None and roll.lot_id != lot.pk:
            raise InvalidInput("That roll is not of this lot.", fields={f"lines.{i}.roll": ["not a roll of this lot"]})
        if lot.material.is_fabric and roll is None:
            raise InvalidInput("Fabric is returned per roll.", fields={f"lines.{i}.roll": ["required for fabric"]})
        location = _return_location(i, lot, roll, data.get("location"))
        qty = data.get("qty")
        if qty is None:
            balance = StockBalance.objects.filter(lot=lot, roll=roll, location=location).first()
            qty = balance.on_hand - balance.reserved if balance else Decimal("0")
            if qty <= 0:
                raise InvalidInput("Nothing of that lot is there.", fields={f"lines.{i}.qty": ["no stock to return"]})
        qty = _decimal(qty, f"lines.{i}.qty")
        if qty <= 0:
            raise InvalidInput("Quantities must be positive.", fields={f"lines.{i}.qty": ["must be greater than zero"]})
        currencies.add(receipt_line.receipt.purchase_order.currency)
        prepared.append((lot, roll, location, qty, receipt_line))
    if len(currencies) > 1:
        raise InvalidInput(
            "One debit note is in one currency.",
            fields={"lines": [f"lots were bought in {', '.join(sorted(currencies))}"]},
        )

    document = SupplierReturn.objects.create(
        supplier=supplier,
        returned_on=returned_on or timezone.localdate(),
        debit_note_ref=debit_note_ref,
        reason=reason,
        currency=currencies.pop(),
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    _number(document, "RTN")
    rows, stock_lines = [], []
    for lot, roll, location, qty, receipt_line in prepared:
        amount = (qty * receipt_line.unit_price).quantize(MONEY_Q, rounding=ROUND_HALF_UP)
        rows.append(
            SupplierReturnLine(
                supplier_return=document,
                receipt_line=receipt_line,
                lot=lot,
                roll=roll,
                location=location,
                qty=qty,
                unit_price=receipt_line.unit_price,
                debit_amount=amount,
            )
        )
        stock_lines.append(StockLine(lot=lot, location=location, qty=qty, roll=roll))
    SupplierReturnLine.objects.bulk_create(rows)
    stock_issue(
        lines=stock_lines,
        reason=MoveReason.SUPPLIER_RETURN,
        document=Document(RETURN_DOCUMENT, str(document.pk), document.number),
        user=user,
        note=reason,
        allowed_status=(QCStatus.REJECTED,),
    )
    document.debit_amount = sum((row.debit_amount for row in rows), Decimal("0"))
    document.save(update_fields=["debit_amount"])
    return document


# --- scorecards ----------------------------------------------------------------------------------
@transaction.atomic
def scorecard_criteria_set(*, weights: dict[str, Decimal], user=None) -> list[ScorecardCriterion]:
    """Replace every criterion's weight at once; the weights must sum to 100."""
    unknown = sorted(set(weights) - set(Criterion.values))
    if unknown:
        raise InvalidInput("Unknown criteria.", fields={"criteria": [f"unknown: {', '.join(unknown)}"]})
    errors = {f"criteria.{key}": ["must be between 0 and 100"] for key, w in weights.items() if not 0 <= w <= 100}
    if errors:
        raise InvalidInput("Weights are between 0 and 100.", fields=errors)
    total = sum(weights.values(), Decimal("0"))
    if total != 100:
        raise InvalidInput(
            f"Criterion weights must sum to 100 (they sum to {total.normalize()}).",
            code="weights_sum",
            fields={"criteria": [f"weights must sum to 100, not {total.normalize()}"]},
        )
    ScorecardCriterion.objects.exclude(key__in=list(weights)).delete()
    for key, weight in weights.items():
        ScorecardCriterion.objects.update_or_create(
            key=key,
            defaults={"weight": weight, "updated_by": _actor(user)},
            create_defaults={"weight": weight, "created_by": _actor(user)},
        )
    return list(ScorecardCriterion.objects.order_by("key"))


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, Decimal("0")), Decimal("100"))


def criterion_scores(*, supplier: Supplier, period: date) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """{criterion: (raw measure, 0–100 score)} for one supplier and month; (None, None) means no data.

    On-time and accept rate score as percentages. Price variance loses 5 points per percent paid
    above the price list (paying less scores 100). Lead-time variability scores 100 × (1 − CV).
    """
    start, end = selectors.month_bounds(period)
    on_time = selectors.on_time_rate(supplier=supplier, date_from=start, date_to=end).rate
    accept = selectors.accept_rate(supplier=supplier, date_from=start, date_to=end)
    variance = selectors.price_variance(supplier=supplier, date_from=start, date_to=end)
    variability = selectors.lead_time_variability(supplier=supplier, date_from=start, date_to=end)
    ml = selectors.ml_score(supplier=supplier, period=start)
    hundred = Decimal("100")
    return {
        Criterion.ON_TIME: (on_time, None if on_time is None else _clamp(on_time * hundred)),
        Criterion.ACCEPT_RATE: (accept, None if accept is None else _clamp(accept * hundred)),
        Criterion.PRICE_VARIANCE: (
            variance,
            None if variance is None else _clamp(hundred - 5 * max(variance * hundred, Decimal("0"))),
        ),
        Criterion.LEAD_TIME_VARIABILITY: (
            variability,
            None if variability is None else _clamp(hundred * (1 - variability)),
        ),
        Criterion.ML_SCORE: (ml, ml),
    }


def standing_for(score: Decimal) -> str:
    for floor, standing in STANDING_BANDS:
        if score >= floor:
            return standing
    return Standing.VERY_POOR


def _months(period_from: date, period_to: date) -> list[date]:
    months, current = [], period_from.replace(day=1)
    while current <= period_to:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


@dataclass
class ScorecardRun:
    computed: list[SupplierScorecard] = field(default_factory=list)
    skipped: list[tuple[Supplier, date]] = field(default_factory=list)


def _score_period(supplier: Supplier, period: date, weights: dict[str, Decimal]) -> SupplierScorecard | None:
    scores = criterion_scores(supplier=supplier, period=period)
    # The ML score alone is no activity: a month with nothing ordered due or received is skipped.
    if all(scores[key][1] is None for key in scores if key != Criterion.ML_SCORE):
        SupplierScorecard.objects.filter(supplier=supplier, period=period).delete()
        return None
    # Criteria with no data this month drop out and the others' weights are scaled up to 100.
    used = {key: w for key, w in weights.items() if w > 0 and scores[key][1] is not None}
    total_weight = sum(used.values(), Decimal("0"))
    if not total_weight:
        SupplierScorecard.objects.filter(supplier=supplier, period=period).delete()
        return None
    score = sum((scores[key][1] * w for key, w in used.items()), Decimal("0")) / total_weight
    score = _clamp(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    breakdown = {
        key: {
            "value": None if value is None else str(value),
            "score": None if points is None else str(points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
            "weight": str(weights.get(key, Decimal("0"))),
            "used": key in used,
        }
        for key, (value, points) in scores.items()
    }
    card, _ = SupplierScorecard.objects.update_or_create(
        supplier=supplier,
        period=period,
        defaults={"score": score, "standing": standing_for(score), "breakdown": breakdown},
    )
    return card


@transaction.atomic
def scorecard_compute(*, period_from: date, period_to: date, supplier: Supplier | None = None) -> ScorecardRun:
    """Score every month from `period_from` to `period_to` for one supplier (or every active one)."""
    if period_to < period_from:
        raise InvalidInput("period_to is before period_from.", fields={"period_to": ["before period_from"]})
    months = _months(period_from, period_to)
    if len(months) > 36:
        raise InvalidInput("Compute at most 36 months at once.", fields={"period_to": ["at most 36 months"]})
    weights = dict(ScorecardCriterion.objects.values_list("key", "weight"))
    suppliers = [supplier] if supplier else list(Supplier.objects.filter(is_active=True).order_by("code"))
    run = ScorecardRun()
    for each in suppliers:
        for month in months:
            card = _score_period(each, month, weights)
            if card is None:
                run.skipped.append((each, month))
            else:
                run.computed.append(card)
    return run


@transaction.atomic
def supplier_set_ml_score(*, supplier: Supplier, period: date, score) -> SupplierMLScore:
    """The ML service's supplier score (0–100) for a month; rescores that month if it had a scorecard."""
    value = _decimal(score, "score")
    if not 0 <= value <= 100:
        raise InvalidInput("An ML score is between 0 and 100.", fields={"score": ["must be between 0 and 100"]})
    period = period.replace(day=1)
    row, _ = SupplierMLScore.objects.update_or_create(
        supplier=supplier, period=period, defaults={"score": value.quantize(Decimal("0.01"))}
    )
    if SupplierScorecard.objects.filter(supplier=supplier, period=period).exists():
        _score_period(supplier, period, dict(ScorecardCriterion.objects.values_list("key", "weight")))
    return row
