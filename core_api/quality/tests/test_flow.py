"""A mill's day through the API: yarn in, inspected and released, knitted, dyed, finished, rolls
graded and shaded, the finished lot released, and a finished roll traced back to its yarn lot."""

from decimal import Decimal

from inventory.models import LocationKind, LotOrigin, QCStatus, Roll, StockBalance
from inventory.services import StockLine, lot_create, stock_receive
from production.models import Basis, Stage
from production.tests.factories import DyeFactory, FinishedFactory, GreigeFactory, LocationFactory, YarnFactory

P = "/api/v1/production"
Q = "/api/v1/quality"


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def walk(tree: dict):
    stack = [tree["root"]]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node["children"])


def lots_in(tree: dict) -> set[str]:
    return {node["lot"]["code"] for node in walk(tree)}


def test_yarn_to_graded_finished_roll_and_back(client_as):
    supervisor, inspector, viewer = client_as("production"), client_as("quality"), client_as("viewer")
    quarantine = LocationFactory(code="QC", kind=LocationKind.QUARANTINE)
    stores = LocationFactory(code="STORES", kind=LocationKind.STORES)
    floor = LocationFactory(code="FLOOR", kind=LocationKind.PRODUCTION)
    fg = LocationFactory(code="FG", kind=LocationKind.FINISHED_GOODS)
    yarn, dye = YarnFactory(code="Y30"), DyeFactory(code="NAVY-DYE")
    greige = GreigeFactory(code="G180", gsm=Decimal("180"), width_cm=Decimal("180"))
    dyed = FinishedFactory(code="D175", gsm=Decimal("175"), width_cm=Decimal("172"), shade_code="NAVY-01")
    finished = FinishedFactory(code="F170", gsm=Decimal("170"), width_cm=Decimal("170"), shade_code="NAVY-01")

    # Yarn arrives into quarantine (procurement's receipt, here through the stock service).
    yarn_lot = lot_create(material=yarn, origin=LotOrigin.RECEIPT, supplier_lot="SPIN-4471")
    stock_receive(lines=[StockLine(lot=yarn_lot, location=quarantine, qty=Decimal("400"), unit_cost=Decimal("2.5"))])
    dye_lot = lot_create(material=dye, origin=LotOrigin.RECEIPT, qc_status=QCStatus.RELEASED)
    stock_receive(lines=[StockLine(lot=dye_lot, location=stores, qty=Decimal("20"), unit_cost=Decimal("12"))])

    # Incoming inspection passes and releases the yarn to stores.
    template = ok(
        inspector.post(
            f"{Q}/templates/",
            {
                "name": "Yarn receipt",
                "stage": "receipt",
                "material_kind": "yarn",
                "parameters": [
                    {"name": "count CV %", "kind": "numeric", "min_value": "0", "max_value": "2.5"},
                    {"name": "packing intact", "kind": "pass_fail"},
                ],
            },
            format="json",
        ),
        201,
    )
    cv, packing = (p["id"] for p in template["parameters"])
    inspection = ok(
        inspector.post(
            f"{Q}/inspections/",
            {
                "lot": yarn_lot.pk,
                "template": template["id"],
                "sample_size": "20",
                "release_to": stores.pk,
                "results": [{"parameter": cv, "value_numeric": "1.9"}, {"parameter": packing, "value_bool": True}],
            },
            format="json",
        ),
        201,
    )
    assert inspection["qc_status_after"] == "released" and inspection["is_sampled"]

    # BOMs for three stages.
    def bom(code, product, stage, conversion, components):
        body = {
            "code": code,
            "product": product.pk,
            "stage": stage,
            "conversion_cost": conversion,
            "components": components,
        }
        return ok(supervisor.post(f"{P}/boms/", body, format="json"), 201)

    knit_bom = bom(
        "KNIT",
        greige,
        Stage.KNITTING,
        "0.20",
        [{"material": yarn.pk, "qty_per_unit": "1", "basis": Basis.KG, "loss_pct": "4"}],
    )
    dye_bom = bom(
        "DYE-NAVY",
        dyed,
        Stage.DYEING,
        "0.50",
        [
            {"material": greige.pk, "qty_per_unit": "1", "loss_pct": "5"},
            {"material": dye.pk, "qty_per_unit": "0.02", "basis": Basis.KG},
        ],
    )
    finish_bom = bom(
        "FIN", finished, Stage.FINISHING, "0.10", [{"material": dyed.pk, "qty_per_unit": "1", "loss_pct": "3"}]
    )

    def run(bom_id, planned, source, output_location, rolls, release=None):
        wo = ok(
            supervisor.post(
                f"{P}/work-orders/",
                {
                    "bom": bom_id,
                    "planned_qty": planned,
                    "source_location": source.pk,
                    "output_location": output_location.pk,
                },
                format="json",
            ),
            201,
        )
        url = f"{P}/work-orders/{wo['id']}"
        ok(supervisor.post(f"{url}/release/", release or {}, format="json"))
        ok(supervisor.post(f"{url}/issue/", {}, format="json"))
        ok(supervisor.post(f"{url}/output/", {"rolls": [{"length_m": r} for r in rolls]}, format="json"), 201)
        return ok(supervisor.post(f"{url}/complete/", {}, format="json"))

    knit = run(knit_bom["id"], "1000", stores, floor, ["330", "330", "330"])
    greige_rolls = Roll.objects.filter(lot_id=knit["outputs"][0]["lot"]).order_by("id")
    dye_lines = [{"lot": r.lot_id, "roll": r.pk, "location": floor.pk, "qty": str(r.length_m)} for r in greige_rolls]
    dye_lines.append({"lot": dye_lot.pk, "location": stores.pk, "qty": "5.5"})
    dyeing = run(dye_bom["id"], "930", floor, floor, ["465", "465"], release={"lines": dye_lines})
    finishing = run(finish_bom["id"], "900", floor, quarantine, ["300", "300", "300"])
    for wo in (knit, dyeing, finishing):
        assert wo["status"] == "completed" and Decimal(wo["process_loss_pct"]) > 0
        assert Decimal(wo["output_value"]) > Decimal(wo["input_value"])  # inputs + conversion cost

    finished_lot = finishing["outputs"][0]
    assert finished_lot["qc_status"] == "quarantine" and finished_lot["dye_lot"] == dyeing["outputs"][0]["dye_lot"]

    # Final inspection: every roll graded by 4 points and shade, then the lot released to finished goods.
    ok(
        inspector.post(
            f"{Q}/shade-standards/",
            {"shade_code": "NAVY-01", "lab_l": "32.5", "lab_a": "1.2", "lab_b": "-24.8", "tolerance": "1.0"},
            format="json",
        ),
        201,
    )
    for roll in finished_lot["rolls"]:
        graded = ok(
            inspector.post(
                f"{Q}/roll-inspections/",
                {"roll": roll["id"], "defects": [{"defect_type": "slub", "length_in": "2", "position_yd": "12.5"}]},
                format="json",
            ),
            201,
        )
        assert graded["grade"] == "first"
        ok(
            inspector.post(
                f"{Q}/shade-readings/",
                {"roll": roll["id"], "lab_l": "32.6", "lab_a": "1.3", "lab_b": "-24.5"},
                format="json",
            ),
            201,
        )
    final = ok(
        inspector.post(
            f"{Q}/templates/",
            {"name": "Final fabric", "stage": "final", "parameters": [{"name": "hand feel ok", "kind": "pass_fail"}]},
            format="json",
        ),
        201,
    )
    ok(
        inspector.post(
            f"{Q}/inspections/",
            {
                "lot": finished_lot["lot"],
                "template": final["id"],
                "release_to": fg.pk,
                "results": [{"parameter": final["parameters"][0]["id"], "value_bool": True}],
            },
            format="json",
        ),
        201,
    )
    finished_rolls = Roll.objects.filter(lot_id=finished_lot["lot"])
    assert all(r.grade == "first" and r.shade_band == "A" and r.points == 1 for r in finished_rolls)
    at_fg = StockBalance.objects.filter(lot_id=finished_lot["lot"], location=fg)
    assert sum(b.on_hand for b in at_fg) == 900 and sum(b.value for b in at_fg) > 0

    # Trace: the finished roll upstream to the yarn lot, and the yarn lot downstream to the finished lot.
    roll = finished_rolls.first()
    up = ok(viewer.get(f"/api/v1/inventory/rolls/{roll.pk}/trace/", {"direction": "upstream"}))
    assert yarn_lot.code in lots_in(up)
    yarn_node = next(n for n in walk(up) if n["lot"]["code"] == yarn_lot.code)
    assert yarn_node["info"]["inspections"] == [
        {"number": inspection["number"], "stage": "receipt", "decision": "release", "passed": True}
    ]
    assert dye_lot.code in lots_in(up)
    down = ok(viewer.get(f"/api/v1/inventory/lots/{yarn_lot.pk}/trace/", {"direction": "downstream"}))
    assert roll.lot.code in lots_in(down)
    finished_node = next(n for n in walk(down) if n["lot"]["code"] == roll.lot.code)
    assert roll.code in finished_node["info"]["rolls"]
    assert down["root"]["children"][0]["info"]["produced_by"]["number"] == knit["number"]
