import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from core.errors import BusinessRuleViolation, Conflict, InvalidInput
from inventory.models import LocationKind, QCStatus, Roll, StockBalance
from quality import services
from quality.models import Inspection, NonConformanceStatus, RollDefect, RollInspection

from .factories import (
    FinishedFactory,
    LocationFactory,
    NumericParameterFactory,
    PassFailParameterFactory,
    RejectionReasonFactory,
    ShadeStandardFactory,
    TemplateFactory,
    ThresholdFactory,
    YarnFactory,
    receive,
    receive_rolls,
)


@pytest.fixture
def places(db):
    return (
        LocationFactory(code="QC", kind=LocationKind.QUARANTINE),
        LocationFactory(code="STORES", kind=LocationKind.STORES),
    )


@pytest.fixture
def template(db):
    template = TemplateFactory(name="Yarn receipt", stage="receipt")
    NumericParameterFactory(template=template, name="count CV %", min_value=0, max_value=Decimal("2.5"), sequence=0)
    PassFailParameterFactory(template=template, name="packing intact", sequence=1)
    return template


def results(template, cv, packing=True):
    cv_param, packing_param = template.parameters.order_by("sequence")
    return [
        {"parameter": cv_param.pk, "value_numeric": Decimal(cv)},
        {"parameter": packing_param.pk, "value_bool": packing},
    ]


def where(lot):
    return {
        b.location.code: b.on_hand
        for b in StockBalance.objects.filter(lot=lot, on_hand__gt=0).select_related("location")
    }


def test_passing_receipt_inspection_releases_the_lot_to_stores(places, template):
    quarantine, stores = places
    lot = receive(YarnFactory(), quarantine, "500", status=QCStatus.QUARANTINE)
    inspection = services.inspection_create(
        lot=lot, template=template, results=results(template, "1.8"), sample_size=Decimal("25"), release_to=stores
    )
    lot.refresh_from_db()
    assert inspection.passed and inspection.decision == "release" and inspection.is_sampled
    assert lot.qc_status == QCStatus.RELEASED and where(lot) == {"STORES": Decimal(500)}


def test_failing_inspection_holds_by_default_and_cannot_release(places, template):
    quarantine, stores = places
    lot = receive(YarnFactory(), quarantine, "500", status=QCStatus.QUARANTINE)
    with pytest.raises(BusinessRuleViolation) as refused:
        services.inspection_create(
            lot=lot, template=template, results=results(template, "3.1"), decision="release", release_to=stores
        )
    assert "decision" in refused.value.fields and not Inspection.objects.exists()
    held = services.inspection_create(lot=lot, template=template, results=results(template, "3.1"))
    lot.refresh_from_db()
    assert held.decision == "hold" and lot.qc_status == QCStatus.ON_HOLD and where(lot) == {"QC": Decimal(500)}


def test_a_rejected_lot_cannot_be_released(places, template):
    quarantine, stores = places
    lot = receive(YarnFactory(), quarantine, "500", status=QCStatus.QUARANTINE)
    with pytest.raises(InvalidInput):  # rejecting needs a reason code
        services.inspection_create(lot=lot, template=template, results=results(template, "4"), decision="reject")
    reason = RejectionReasonFactory(code="COUNT_CV")
    services.inspection_create(
        lot=lot, template=template, results=results(template, "4"), decision="reject", rejection_reasons=[reason]
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        services.inspection_create(
            lot=lot, template=template, results=results(template, "1"), decision="release", release_to=stores
        )
    assert refused.value.code == "lot_rejected" and "decision" in refused.value.fields
    lot.refresh_from_db()
    assert lot.qc_status == QCStatus.REJECTED and where(lot) == {"QC": Decimal(500)}
    assert Inspection.objects.count() == 1


def test_sample_cannot_exceed_the_lot(places, template):
    quarantine, stores = places
    lot = receive(YarnFactory(), quarantine, "50", status=QCStatus.QUARANTINE)
    with pytest.raises(InvalidInput) as refused:
        services.inspection_create(
            lot=lot, template=template, results=results(template, "1"), sample_size=Decimal("60"), release_to=stores
        )
    assert "sample_size" in refused.value.fields


def test_non_conformance_closes_only_with_root_cause_and_action(db):
    nc = services.non_conformance_create(description="Barre in dye lot 7781")
    with pytest.raises(BusinessRuleViolation) as refused:
        services.non_conformance_update(non_conformance=nc, status="closed", root_cause="yarn lot mix")
    assert set(refused.value.fields) == {"action"}
    nc = services.non_conformance_update(
        non_conformance=nc, status="closed", root_cause="yarn lot mix", action="segregate yarn lots per machine"
    )
    assert nc.status == NonConformanceStatus.CLOSED and nc.closed_at is not None


# --- 4-point --------------------------------------------------------------------------------------
@pytest.fixture
def roll(places):
    _, stores = places
    fabric = FinishedFactory(width_cm=Decimal("152.4"))  # 60 in
    _, rolls = receive_rolls(fabric, stores, [Decimal("91.44")])  # 100 yd
    return rolls[0]


def test_roll_inspection_grades_and_writes_the_roll(roll):
    defects = [
        {"defect_type": "slub", "length_in": Decimal("2"), "position_yd": Decimal("5.5")},  # 1
        {"defect_type": "stain", "length_in": Decimal("7"), "position_yd": Decimal("20")},  # 3
        {
            "defect_type": "hole",
            "hole_size_in": Decimal("1.5"),
            "position_yd": Decimal("20.4"),
        },  # 4, yard 20 capped at 4
        {"defect_type": "barre", "length_in": Decimal("60"), "position_yd": Decimal("99.9")},  # 4
    ]
    inspection = services.roll_inspection_create(roll=roll, defects=defects)
    assert (inspection.inspected_yards, inspection.cuttable_width_in) == (Decimal("100.00"), Decimal("60.00"))
    assert inspection.total_points == 9
    assert inspection.points_per_100yd2 == Decimal("5.40")  # 9 × 3600 / (100 × 60)
    assert inspection.grade == "first" and inspection.threshold == 40
    roll.refresh_from_db()
    assert (roll.points, roll.points_per_100yd2, roll.grade) == (9, Decimal("5.40"), "first")


def test_a_strict_buyers_threshold_grades_the_same_roll_second(roll):
    ThresholdFactory(name="strict", max_points_per_100yd2=Decimal("20"))
    defects = [
        {"defect_type": "broken_end", "length_in": Decimal("10"), "position_yd": Decimal(y)} for y in range(0, 30, 1)
    ]
    inspection = services.roll_inspection_create(roll=roll, defects=defects, threshold="strict")
    assert inspection.points_per_100yd2 == Decimal("72.00") and inspection.grade == "second"


def test_defect_beyond_the_roll_is_refused_and_nothing_written(roll):
    defects = [{"defect_type": "slub", "length_in": Decimal("1"), "position_yd": Decimal("100.5")}]
    with pytest.raises(InvalidInput) as refused:
        services.roll_inspection_create(roll=roll, defects=defects)
    assert "defects.0.position_yd" in refused.value.fields
    assert not RollInspection.objects.exists() and not RollDefect.objects.exists()
    roll.refresh_from_db()
    assert roll.points is None


def test_one_final_inspection_per_roll(roll):
    services.roll_inspection_create(roll=roll, defects=[])
    with pytest.raises(Conflict):
        services.roll_inspection_create(roll=roll, defects=[])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_inspectors_at_once_one_wins_the_other_gets_409(places):
    _, stores = places
    _, rolls = receive_rolls(FinishedFactory(), stores, [100])
    roll = rolls[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def inspect():
        try:
            barrier.wait()
            services.roll_inspection_create(roll=roll, defects=[])
            outcomes.append("ok")
        except Conflict:
            outcomes.append("409")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=inspect) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
    assert RollInspection.objects.filter(roll=roll).count() == 1


# --- shade ----------------------------------------------------------------------------------------
def test_shade_reading_sorts_the_roll_into_a_band(places):
    _, stores = places
    _, rolls = receive_rolls(FinishedFactory(shade_code="NAVY-01"), stores, [100, 100, 100])
    ShadeStandardFactory(shade_code="NAVY-01", lab_l=50, lab_a=0, lab_b=Decimal("-82.7485"), tolerance=Decimal("1.5"))
    bands = [
        services.shade_reading_create(roll=r, lab_l=50, lab_a=a, lab_b=b).band
        for r, (a, b) in zip(
            rolls, [("-1.3802", "-84.2814"), ("2.6772", "-79.7751"), ("2.8361", "-74.0200")], strict=True
        )
    ]
    assert bands == ["A", "B", "out"]  # ΔE00 1.0000, 2.0425, 3.4412 against tolerance 1.5
    roll = Roll.objects.get(pk=rolls[1].pk)
    # Readings are kept to 3 decimals, as the roll stores them, so ΔE moves in the last place.
    assert (roll.shade_band, roll.lab_a) == ("B", Decimal("2.677"))
    assert abs(roll.delta_e - Decimal("2.0425")) <= Decimal("0.002")


def test_a_customers_own_standard_wins_over_the_general_one(places):
    _, stores = places
    _, rolls = receive_rolls(FinishedFactory(shade_code="NAVY-01"), stores, [100])
    ShadeStandardFactory(shade_code="NAVY-01", tolerance=Decimal("1"))
    strict = ShadeStandardFactory(
        shade_code="NAVY-01", customer_code="ACME", lab_b=Decimal("-80"), tolerance=Decimal("0.5")
    )
    reading = services.shade_reading_create(roll=rolls[0], lab_l=50, lab_a=0, lab_b=-80, customer_code="ACME")
    assert reading.standard == strict and reading.band == "A" and reading.delta_e == 0


def test_no_approved_standard_is_a_business_rule(places):
    _, stores = places
    _, rolls = receive_rolls(FinishedFactory(shade_code="RED-9"), stores, [100])
    with pytest.raises(BusinessRuleViolation) as refused:
        services.shade_reading_create(roll=rolls[0], lab_l=50, lab_a=0, lab_b=0)
    assert refused.value.code == "no_standard"


# --- a whole lot at once --------------------------------------------------------------------------
def test_a_lots_rolls_graded_at_once_match_one_by_one(places):
    _, stores = places
    fabric = FinishedFactory(width_cm=Decimal("152.4"), shade_code="NAVY-01")  # 60 in
    _, rolls = receive_rolls(fabric, stores, [Decimal("91.44")] * 3)  # 100 yd each
    first = [
        {"defect_type": "slub", "length_in": Decimal("2"), "position_yd": Decimal("5.5")},  # 1
        {"defect_type": "hole", "hole_size_in": Decimal("1.5"), "position_yd": Decimal("20.4")},  # 4
    ]
    third = [
        {"defect_type": "broken_end", "length_in": Decimal("10"), "position_yd": Decimal(y)} for y in range(0, 30)
    ]  # 30 × 4 = 120 → 72 points/100 yd²
    made = services.roll_inspections_create(
        items=[
            {"roll": rolls[0], "defects": first},
            {"roll": rolls[1], "defects": []},
            {"roll": rolls[2], "defects": third},
        ]
    )
    assert [(i.total_points, i.points_per_100yd2, i.grade) for i in made] == [
        (5, Decimal("3.00"), "first"),
        (0, Decimal("0.00"), "first"),
        (120, Decimal("72.00"), "second"),
    ]
    assert [i.number for i in made] == [f"RI-{i.pk:06d}" for i in made]
    assert RollDefect.objects.filter(inspection=made[2]).count() == 30
    fresh = {r.pk: r for r in Roll.objects.filter(pk__in=[r.pk for r in rolls])}
    assert [(fresh[r.pk].points, fresh[r.pk].grade, fresh[r.pk].version) for r in rolls] == [
        (5, "first", 2),
        (0, "first", 2),
        (120, "second", 2),
    ]

    ShadeStandardFactory(shade_code="NAVY-01", lab_l=50, lab_a=0, lab_b=Decimal("-82.7485"), tolerance=Decimal("1.5"))
    standard = services.standard_for(shade_code="NAVY-01")
    readings = services.shade_readings_create(
        standard=standard,
        items=[
            {"roll": r, "lab_l": 50, "lab_a": Decimal(a), "lab_b": Decimal(b)}
            for r, (a, b) in zip(
                rolls, [("-1.3802", "-84.2814"), ("2.6772", "-79.7751"), ("2.8361", "-74.0200")], strict=True
            )
        ],
    )
    assert [r.band for r in readings] == ["A", "B", "out"]  # as one by one (ΔE00 1.0, 2.04, 3.44)
    roll = Roll.objects.get(pk=rolls[1].pk)
    assert (roll.shade_band, roll.lab_a, roll.points, roll.version) == ("B", Decimal("2.677"), 0, 3)


def test_a_lot_with_one_bad_roll_writes_nothing(places):
    _, stores = places
    _, rolls = receive_rolls(FinishedFactory(width_cm=Decimal("152.4")), stores, [Decimal("91.44")] * 2)
    bad = [{"defect_type": "slub", "length_in": Decimal("1"), "position_yd": Decimal("100.5")}]
    with pytest.raises(InvalidInput) as refused:
        services.roll_inspections_create(items=[{"roll": rolls[0], "defects": []}, {"roll": rolls[1], "defects": bad}])
    assert "items.1.defects.0.position_yd" in refused.value.fields
    assert not RollInspection.objects.exists() and not RollDefect.objects.exists()

    services.roll_inspection_create(roll=rolls[1], defects=[])
    with pytest.raises(Conflict) as again:
        services.roll_inspections_create(items=[{"roll": rolls[0], "defects": []}, {"roll": rolls[1], "defects": []}])
    assert "items.1.roll" in again.value.fields
    assert RollInspection.objects.count() == 1
