"""CSV in and out for master data and opening balances: parse every row, report every bad cell.

Rows are named by their line in the file (the header is line 1), the way a spreadsheet shows them:
an error on the first data row's GSM is `rows.2.gsm`.
"""

from __future__ import annotations

import csv
import io

from rest_framework import serializers

from core.errors import InvalidInput
from core.serializers import StrictSerializer

from .models import QCStatus, Unit
from .serializers import MaterialWriteSerializer
from .services import MATERIAL_FIELDS

MAX_ROWS = 20000


def _read(upload) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", fields={"file": ["must be UTF-8 CSV"]})
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise InvalidInput("The file has no header row.", fields={"file": ["needs a header row"]})
    reader.fieldnames = header
    rows = []
    try:
        for record in reader:
            if None in record:
                raise InvalidInput(
                    f"Line {reader.line_num} has more cells than the header.",
                    fields={f"rows.{reader.line_num}": ["more cells than the header"]},
                )
            cells = {k: (v or "").strip() for k, v in record.items()}
            if any(cells.values()):
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise InvalidInput("The file is too long.", fields={"file": [f"at most {MAX_ROWS} rows"]})
    except csv.Error as exc:
        raise InvalidInput(f"The file is not valid CSV: {exc}.", fields={"file": ["not valid CSV"]})
    return header, rows


def _typed(rows, serializer_class, header: list[str], allowed: tuple[str, ...], convert=None):
    unknown = sorted(set(header) - set(allowed))
    if unknown:
        raise InvalidInput(
            f"Unknown column(s): {', '.join(unknown)}.", fields={"file": [f"unknown column: {c}" for c in unknown]}
        )
    errors: dict[str, list[str]] = {}
    typed = []
    for line, cells in rows:
        # An empty cell means "not given": the default on create, unchanged on update.
        data = {k: v for k, v in cells.items() if v != ""}
        if convert:
            data, problems = convert(data)
            for name, message in problems.items():
                errors[f"rows.{line}.{name}"] = [message]
        serializer = serializer_class(data=data)
        if serializer.is_valid():
            typed.append((line, dict(serializer.validated_data)))
        else:
            for name, messages in serializer.errors.items():
                errors[f"rows.{line}.{name}"] = (
                    [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
                )
    if errors:
        bad = len({key.split(".")[1] for key in errors})
        raise InvalidInput(f"{bad} row(s) are not valid; nothing was imported.", fields=errors)
    return typed


# --- materials ----------------------------------------------------------------------------------
def _composition_from_cell(data: dict) -> tuple[dict, dict]:
    """`cotton:60;polyester:40` → {"cotton": "60", "polyester": "40"}."""
    if "composition" not in data:
        return data, {}
    parts = {}
    for chunk in data["composition"].split(";"):
        if not chunk.strip():
            continue
        fibre, sep, percent = chunk.partition(":")
        if not sep:
            return {k: v for k, v in data.items() if k != "composition"}, {
                "composition": "write it as fibre:percent;fibre:percent"
            }
        parts[fibre.strip()] = percent.strip()
    return {**data, "composition": parts}, {}


def composition_to_cell(composition: dict) -> str:
    return ";".join(f"{fibre}:{percent}" for fibre, percent in (composition or {}).items())


def materials_from_csv(upload) -> list[tuple[int, dict]]:
    header, rows = _read(upload)
    return _typed(rows, MaterialWriteSerializer, header, MATERIAL_FIELDS, _composition_from_cell)


def materials_to_csv(materials) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MATERIAL_FIELDS)
    for m in materials:
        row = []
        for name in MATERIAL_FIELDS:
            value = getattr(m, name)
            if name == "composition":
                value = composition_to_cell(value)
            elif value is None:
                value = ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row.append(value)
        writer.writerow(row)
    return out.getvalue()


# --- opening balances ---------------------------------------------------------------------------
class OpeningRowSerializer(StrictSerializer):
    material = serializers.CharField(max_length=40)
    location = serializers.CharField(max_length=40)
    qty = serializers.DecimalField(max_digits=16, decimal_places=4)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    unit_cost = serializers.DecimalField(max_digits=16, decimal_places=6, required=False)
    lot = serializers.CharField(max_length=40, required=False)
    supplier_lot = serializers.CharField(max_length=80, required=False)
    dye_lot = serializers.CharField(max_length=80, required=False)
    qc_status = serializers.ChoiceField(choices=QCStatus.choices, required=False)
    roll = serializers.CharField(max_length=40, required=False)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    gsm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, required=False)


OPENING_COLUMNS = tuple(OpeningRowSerializer().fields)


def opening_rows_from_csv(upload) -> list[tuple[int, dict]]:
    header, rows = _read(upload)
    missing = [c for c in ("material", "location", "qty") if c not in header]
    if missing:
        raise InvalidInput(
            f"Missing column(s): {', '.join(missing)}.", fields={"file": [f"missing column: {c}" for c in missing]}
        )
    return _typed(rows, OpeningRowSerializer, header, OPENING_COLUMNS)
