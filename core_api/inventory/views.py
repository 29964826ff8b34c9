"""Inventory API: thin views that parse, call `services`, and serialise."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a 500
from rest_framework.response import Response

from core.errors import InvalidInput
from core.views import WeftGenericViewSet, WeftModelViewSet, WeftReadOnlyViewSet, check_if_match

from . import csv_io, selectors, services
from . import serializers as s
from .models import Location, Lot, Roll
from .services import CountLine, Document, Posting, StockLine
from .trace import DIRECTIONS, trace
from .units import fabric_kg_from_m, fabric_m_from_kg


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _locations(ids) -> dict[int, Location]:
    return Location.objects.select_related("warehouse").in_bulk(set(ids))


def _resolve(lines: list[dict], *, qty_field: str = "qty") -> list[tuple[dict, Lot, Roll | None, Location]]:
    """Line ids → objects in three queries whatever the number of lines; unknown ids → 400."""
    rolls = Roll.objects.select_related("lot__material").in_bulk({x["roll"] for x in lines if x.get("roll")})
    lots = Lot.objects.select_related("material").in_bulk({x["lot"] for x in lines if x.get("lot")})
    locations = _locations(x["location"] for x in lines)
    errors: dict[str, list[str]] = {}
    resolved = []
    for i, line in enumerate(lines):
        roll = rolls.get(line.get("roll")) if line.get("roll") else None
        if line.get("roll") and roll is None:
            errors[f"lines.{i}.roll"] = [f"no roll with id {line['roll']}"]
        lot = lots.get(line["lot"]) if line.get("lot") else (roll.lot if roll else None)
        if line.get("lot") and lot is None:
            errors[f"lines.{i}.lot"] = [f"no lot with id {line['lot']}"]
        location = locations.get(line["location"])
        if location is None:
            errors[f"lines.{i}.location"] = [f"no location with id {line['location']}"]
        elif not location.is_active:
            errors[f"lines.{i}.location"] = [f"location {location.code} is inactive"]
        if lot is not None and roll is not None and roll.lot_id != lot.pk:
            errors[f"lines.{i}.roll"] = [f"roll {roll.code} is not in lot {lot.code}"]
        unit = line.get("unit")
        if lot is not None and unit and unit != lot.material.unit:
            errors[f"lines.{i}.unit"] = [
                f"{lot.material.code} is stocked in {lot.material.unit}, not {unit}"
                + (" (convert on the roll: GET /rolls/{id}/convert/)" if lot.material.is_fabric else "")
            ]
        resolved.append((line, lot, roll, location))
    if errors:
        raise InvalidInput("Some lines name unknown or unsuitable stock.", fields=errors)
    return resolved


def _stock_lines(lines: list[dict]) -> list[StockLine]:
    return [
        StockLine(lot=lot, roll=roll, location=location, qty=line["qty"], unit_cost=line.get("unit_cost"))
        for line, lot, roll, location in _resolve(lines)
    ]


def _posting_response(posting: Posting) -> Response:
    return Response(
        {
            "posting": str(posting.id),
            "moves": s.MoveSerializer(posting.moves, many=True).data,
            "balances": s.BalanceSerializer(posting.balances, many=True).data,
        },
        status=status.HTTP_201_CREATED,
    )


def _document(data: dict, kind: str) -> Document:
    return Document(f"inventory.{kind}", "", data.get("reference", ""))


# --- master data --------------------------------------------------------------------------------
class MaterialViewSet(WeftModelViewSet):
    """Materials with typed textile attributes; the stock unit follows from the kind."""

    queryset = selectors.material_list()
    serializer_class = s.MaterialSerializer
    filterset_class = selectors.MaterialFilter
    search_fields = ["code", "name", "article", "shade_code", "construction"]
    ordering_fields = ["code", "name", "kind", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(request=s.MaterialWriteSerializer, responses=s.MaterialSerializer)
    def create(self, request, *args, **kwargs):
        material = services.material_create(user=request.user, **_valid(s.MaterialWriteSerializer, request))
        return Response(s.MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MaterialWriteSerializer, responses=s.MaterialSerializer)
    def partial_update(self, request, *args, **kwargs):
        material = self.get_object()
        check_if_match(request, material)
        data = _valid(s.MaterialWriteSerializer, request, partial=True)
        material = services.material_update(material=material, user=request.user, **data)
        return Response(s.MaterialSerializer(material).data)

    def destroy(self, request, *args, **kwargs):
        material = self.get_object()
        check_if_match(request, material)
        services.material_delete(material=material)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request={"multipart/form-data": s.CsvUploadSerializer}, responses=dict)
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_csv(self, request):
        """Create or update materials by code from a CSV file; all rows or none."""
        upload = _valid(s.CsvUploadSerializer, request)["file"]
        result = services.materials_import(rows=csv_io.materials_from_csv(upload), user=request.user)
        return Response(result, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=False, methods=["get"], url_path="export", url_name="export")
    def export_csv(self, request):
        """The (filtered) materials as CSV, in the import's format."""
        materials = self.filter_queryset(self.get_queryset())
        response = HttpResponse(csv_io.materials_to_csv(materials), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="materials.csv"'
        return response


class WarehouseViewSet(WeftModelViewSet):
    queryset = selectors.warehouse_list()
    serializer_class = s.WarehouseSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(request=s.WarehouseWriteSerializer, responses=s.WarehouseSerializer)
    def create(self, request, *args, **kwargs):
        warehouse = services.warehouse_create(user=request.user, **_valid(s.WarehouseWriteSerializer, request))
        return Response(s.WarehouseSerializer(warehouse).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WarehouseWriteSerializer, responses=s.WarehouseSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(s.WarehouseWriteSerializer, request, partial=True)
        warehouse = services.warehouse_update(warehouse=self.get_object(), user=request.user, **data)
        return Response(s.WarehouseSerializer(warehouse).data)

    def destroy(self, request, *args, **kwargs):
        services.warehouse_delete(warehouse=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationViewSet(WeftModelViewSet):
    """Stores, quarantine, production floor, subcontractor (stock stays ours), finished goods."""

    queryset = selectors.location_list()
    serializer_class = s.LocationSerializer
    filterset_class = selectors.LocationFilter
    search_fields = ["code", "name", "partner_name"]
    ordering_fields = ["code", "name", "kind"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(request=s.LocationWriteSerializer, responses=s.LocationSerializer)
    def create(self, request, *args, **kwargs):
        location = services.location_create(user=request.user, **_valid(s.LocationWriteSerializer, request))
        return Response(s.LocationSerializer(location).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.LocationWriteSerializer, responses=s.LocationSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(s.LocationWriteSerializer, request, partial=True)
        location = services.location_update(location=self.get_object(), user=request.user, **data)
        return Response(s.LocationSerializer(location).data)

    def destroy(self, request, *args, **kwargs):
        services.location_delete(location=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- lots and rolls -----------------------------------------------------------------------------
TRACE_PARAMS = [
    OpenApiParameter("direction", str, enum=list(DIRECTIONS), required=True),
    OpenApiParameter("max_depth", int, required=False),
]


def _trace_args(request) -> dict:
    direction = request.query_params.get("direction", "")
    if direction not in DIRECTIONS:
        raise InvalidInput(
            "direction must be upstream or downstream.", fields={"direction": ["one of: upstream, downstream"]}
        )
    args = {"direction": direction}
    if "max_depth" in request.query_params:
        try:
            depth = int(request.query_params["max_depth"])
        except ValueError:
            depth = 0
        if not 1 <= depth <= 25:
            raise InvalidInput("max_depth must be 1 to 25.", fields={"max_depth": ["an integer from 1 to 25"]})
        args["max_depth"] = depth
    return args


class LotViewSet(WeftReadOnlyViewSet):
    """Lots (read); QC status changes go through the release/hold/reject actions."""

    queryset = selectors.lot_list()
    serializer_class = s.LotSerializer
    filterset_class = selectors.LotFilter
    search_fields = ["code", "supplier_lot", "dye_lot", "material__code", "material__name", "source_ref"]
    ordering_fields = ["id", "code", "received_at", "produced_at", "qc_status"]

    def _after(self, lot) -> Response:
        return Response(s.LotSerializer(self.get_queryset().get(pk=lot.pk)).data)

    @extend_schema(request=s.LotReleaseSerializer, responses=s.LotSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Release from quarantine (or hold): the quarantine stock moves to `to_location`."""
        lot = self.get_object()
        data = _valid(s.LotReleaseSerializer, request)
        destination = _locations([data["to_location"]]).get(data["to_location"])
        if destination is None:
            raise InvalidInput(
                "No such location.", fields={"to_location": [f"no location with id {data['to_location']}"]}
            )
        lot = services.lot_set_qc_status(
            lot=lot, status="released", release_to=destination, user=request.user, note=data.get("note", "")
        )
        return self._after(lot)

    @extend_schema(request=s.LotStatusNoteSerializer, responses=s.LotSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        data = _valid(s.LotStatusNoteSerializer, request)
        lot = services.lot_set_qc_status(
            lot=self.get_object(), status="on_hold", user=request.user, note=data.get("note", "")
        )
        return self._after(lot)

    @extend_schema(request=s.LotStatusNoteSerializer, responses=s.LotSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _valid(s.LotStatusNoteSerializer, request)
        lot = services.lot_set_qc_status(
            lot=self.get_object(), status="rejected", user=request.user, note=data.get("note", "")
        )
        return self._after(lot)

    @extend_schema(parameters=TRACE_PARAMS, responses=dict)
    @action(detail=True, methods=["get"])
    def trace(self, request, pk=None):
        """Genealogy tree: upstream (what went into this lot) or downstream (where it went)."""
        args = _trace_args(request)
        lot = get_object_or_404(Lot.objects.select_related("material"), pk=pk)
        return Response(trace(lot=lot, **args))


class RollViewSet(WeftReadOnlyViewSet):
    """Fabric rolls (read), with kg↔m from each roll's own GSM and width; cut/split action."""

    queryset = selectors.roll_list()
    serializer_class = s.RollSerializer
    filterset_class = selectors.RollFilter
    search_fields = ["code", "lot__code", "lot__dye_lot", "lot__material__code"]
    ordering_fields = ["id", "code", "length_m", "shade_band", "grade"]

    @extend_schema(request=s.RollCutSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def cut(self, request, pk=None):
        """Cut pieces off the roll (all of it: a split); pieces are new rolls traced to this one."""
        roll = self.get_object()
        data = _valid(s.RollCutSerializer, request)
        pieces = services.roll_cut(roll=roll, lengths=[p["length_m"] for p in data["pieces"]], user=request.user)
        rows = self.get_queryset().in_bulk([roll.pk, *(p.pk for p in pieces)])
        return Response(
            {
                "parent": s.RollSerializer(rows[roll.pk]).data,
                "pieces": s.RollSerializer([rows[p.pk] for p in pieces], many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(parameters=TRACE_PARAMS, responses=dict)
    @action(detail=True, methods=["get"])
    def trace(self, request, pk=None):
        args = _trace_args(request)
        roll = get_object_or_404(Roll.objects.select_related("lot__material"), pk=pk)
        return Response(trace(lot=roll.lot, roll=roll, **args))

    @extend_schema(
        parameters=[OpenApiParameter("kg", str, required=False), OpenApiParameter("m", str, required=False)],
        responses=dict,
    )
    @action(detail=True, methods=["get"])
    def convert(self, request, pk=None):
        """kg ↔ metres for this roll: kg = m × width_m × GSM / 1000."""
        roll = self.get_object()
        serializer = s.RollConvertSerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "kg" in data:
            kg, m = data["kg"], fabric_m_from_kg(data["kg"], roll.width_cm, roll.gsm)
        else:
            m, kg = data["m"], fabric_kg_from_m(data["m"], roll.width_cm, roll.gsm)
        return Response(
            {"roll": roll.pk, "kg": str(kg.quantize(Decimal("0.001"))), "m": str(m.quantize(Decimal("0.01")))}
        )


# --- balances and ledger ------------------------------------------------------------------------
class BalanceViewSet(WeftReadOnlyViewSet):
    """Stock per (lot, roll, location): on hand, reserved, available, value."""

    queryset = selectors.balance_list()
    serializer_class = s.BalanceSerializer
    filterset_class = selectors.BalanceFilter
    search_fields = ["lot__code", "roll__code", "material__code", "location__code"]
    ordering_fields = ["id", "on_hand", "reserved", "value", "updated_at"]


class MoveViewSet(WeftReadOnlyViewSet):
    """The append-only ledger."""

    queryset = selectors.move_list()
    serializer_class = s.MoveSerializer
    filterset_class = selectors.MoveFilter
    search_fields = ["document_ref", "note", "lot__code", "roll__code"]
    ordering_fields = ["id", "created_at", "qty", "value"]


# --- operations ---------------------------------------------------------------------------------
class OperationViewSet(WeftGenericViewSet):
    """Stock operations by lot / roll / location id. Quantities are decimal strings in the
    material's unit; a refused operation writes nothing."""

    serializer_class = s.IssueSerializer

    @extend_schema(request=s.IssueSerializer, responses={201: dict})
    @action(detail=False, methods=["post"])
    def issue(self, request):
        data = _valid(s.IssueSerializer, request)
        posting = services.stock_issue_posting(
            lines=_stock_lines(data["lines"]),
            document=_document(data, "issue"),
            user=request.user,
            note=data.get("note", ""),
        )
        return _posting_response(posting)

    @extend_schema(request=s.TransferSerializer, responses={201: dict})
    @action(detail=False, methods=["post"])
    def transfer(self, request):
        data = _valid(s.TransferSerializer, request)
        destination = _locations([data["to_location"]]).get(data["to_location"])
        if destination is None:
            raise InvalidInput(
                "No such location.", fields={"to_location": [f"no location with id {data['to_location']}"]}
            )
        if not destination.is_active:
            raise InvalidInput("The destination is inactive.", fields={"to_location": ["inactive location"]})
        posting = services.stock_transfer_posting(
            lines=_stock_lines(data["lines"]),
            to_location=destination,
            document=_document(data, "transfer"),
            user=request.user,
            note=data.get("note", ""),
        )
        return _posting_response(posting)

    @extend_schema(request=s.AdjustSerializer, responses={201: dict})
    @action(detail=False, methods=["post"])
    def adjust(self, request):
        """Signed corrections with a reason (`note`); gains come in at `unit_cost`."""
        data = _valid(s.AdjustSerializer, request)
        posting = services.stock_adjust_posting(
            lines=_stock_lines(data["lines"]),
            document=_document(data, "adjustment"),
            user=request.user,
            note=data["note"],
        )
        return _posting_response(posting)

    @extend_schema(request=s.ReserveSerializer, responses={201: dict})
    @action(detail=False, methods=["post"])
    def reserve(self, request):
        data = _valid(s.ReserveSerializer, request)
        posting = services.stock_reserve(
            lines=_stock_lines(data["lines"]), document=_document(data, "reservation"), user=request.user
        )
        return _posting_response(posting)

    @extend_schema(request=s.ReserveSerializer, responses={201: dict})
    @action(detail=False, methods=["post"])
    def unreserve(self, request):
        data = _valid(s.ReserveSerializer, request)
        posting = services.stock_unreserve(
            lines=_stock_lines(data["lines"]), document=_document(data, "reservation"), user=request.user
        )
        return _posting_response(posting)


# --- stock counts -------------------------------------------------------------------------------
def _count_lines(lines: list[dict]) -> list[CountLine]:
    return [
        CountLine(lot=lot, roll=roll, location=location, counted_qty=line["counted_qty"])
        for line, lot, roll, location in _resolve(lines)
    ]


class StockCountViewSet(WeftModelViewSet):
    """Cycle counts: draft with counted quantities → post (adjusts every key to the count)."""

    queryset = selectors.stock_count_list()
    serializer_class = s.StockCountSerializer
    filterset_class = selectors.StockCountFilter
    search_fields = ["code", "note", "reason"]
    ordering_fields = ["id", "created_at", "posted_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _out(self, count, code=status.HTTP_200_OK) -> Response:
        return Response(s.StockCountSerializer(self.get_queryset().get(pk=count.pk)).data, status=code)

    @extend_schema(request=s.StockCountCreateSerializer, responses=s.StockCountSerializer)
    def create(self, request, *args, **kwargs):
        data = _valid(s.StockCountCreateSerializer, request)
        count = services.stock_count_create(
            warehouse=data["warehouse"], lines=_count_lines(data["lines"]), note=data.get("note", ""), user=request.user
        )
        return self._out(count, status.HTTP_201_CREATED)

    @extend_schema(request=s.StockCountUpdateSerializer, responses=s.StockCountSerializer)
    def partial_update(self, request, *args, **kwargs):
        count = self.get_object()
        check_if_match(request, count)
        data = _valid(s.StockCountUpdateSerializer, request)
        count = services.stock_count_update(
            count=count,
            lines=_count_lines(data["lines"]) if "lines" in data else None,
            note=data.get("note"),
            user=request.user,
        )
        return self._out(count)

    @extend_schema(request=s.StockCountPostSerializer, responses=s.StockCountSerializer)
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_count(self, request, pk=None):
        count = self.get_object()
        check_if_match(request, count)
        data = _valid(s.StockCountPostSerializer, request)
        return self._out(services.stock_count_post(count=count, reason=data["reason"], user=request.user))

    @extend_schema(request=None, responses=s.StockCountSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        count = self.get_object()
        check_if_match(request, count)
        return self._out(services.stock_count_cancel(count=count, user=request.user))


# --- opening balances, reorder ------------------------------------------------------------------
class OpeningBalanceViewSet(WeftGenericViewSet):
    serializer_class = s.CsvUploadSerializer

    @extend_schema(request={"multipart/form-data": s.CsvUploadSerializer}, responses={201: dict})
    def create(self, request):
        """Opening stock from CSV: lots (and rolls for fabric) created and received, all or nothing.

        Columns: material, location, qty (required); unit, unit_cost, lot, supplier_lot, dye_lot,
        qc_status, roll, width_cm, gsm, weight_kg.
        """
        upload = _valid(s.CsvUploadSerializer, request)["file"]
        result = services.opening_balances_import(rows=csv_io.opening_rows_from_csv(upload), user=request.user)
        return Response(result, status=status.HTTP_201_CREATED)


class ReorderRuleViewSet(WeftModelViewSet):
    queryset = selectors.reorder_rule_list()
    serializer_class = s.ReorderRuleSerializer
    filterset_class = selectors.ReorderRuleFilter
    search_fields = ["material__code", "material__name", "warehouse__code"]
    ordering_fields = ["id", "min_qty", "max_qty"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(request=s.ReorderRuleWriteSerializer, responses=s.ReorderRuleSerializer)
    def create(self, request, *args, **kwargs):
        rule = services.reorder_rule_create(user=request.user, **_valid(s.ReorderRuleWriteSerializer, request))
        return Response(s.ReorderRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReorderRuleWriteSerializer, responses=s.ReorderRuleSerializer)
    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        check_if_match(request, rule)
        data = _valid(s.ReorderRuleWriteSerializer, request, partial=True)
        return Response(
            s.ReorderRuleSerializer(services.reorder_rule_update(rule=rule, user=request.user, **data)).data
        )

    def destroy(self, request, *args, **kwargs):
        rule = self.get_object()
        check_if_match(request, rule)
        services.reorder_rule_delete(rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReorderSuggestionViewSet(mixins.ListModelMixin, WeftGenericViewSet):
    """Per active rule: projected = on hand + on order + planned production − reserved; an order
    to reach max (rounded up to the multiple) when projected ≤ min. `?all=true` lists every rule."""

    serializer_class = s.ReorderSuggestionSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("warehouse", int, required=False),
            OpenApiParameter("material", int, required=False),
            OpenApiParameter("all", bool, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        params = {}
        for name in ("warehouse", "material"):
            value = request.query_params.get(name)
            if value:
                if not value.isdigit():
                    raise InvalidInput(f"{name} must be an id.", fields={name: ["an integer id"]})
                params[f"{name}_id"] = int(value)
        only_due = request.query_params.get("all", "").lower() not in ("1", "true", "yes")
        lines = selectors.reorder_lines(only_due=only_due, **params)
        page = self.paginate_queryset(lines)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
