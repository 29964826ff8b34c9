"""The hand-computed mill: two finished SKUs sharing one greige, three stages, yarn bought in.

    YARN (kg) ──knitting, 0.25 kg/m, loss 20 %──► GREIGE (m)
    GREIGE ──dyeing, 1 m/m, loss 20 %──► DYED-A, DYED-B (m)
    DYED-A ──finishing, 1 m/m, loss 4 %──► FIN-A;  DYED-B ──finishing──► FIN-B

Lead times (BOM planning rows): 7 days per stage; yarn 7 days from SUP-A (MOQ 100 kg). SUP-BAD
sells the yarn cheaper and faster but stands very poor. The run date is Monday 2025-01-06.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from inventory import services as stock
from inventory.models import LocationKind, MaterialKind, QCStatus, ReorderRule
from inventory.services import StockLine
from ml_service.models import Forecast, ForecastOverride, MLJob, ModelVersion
from planning import services
from procurement import services as procurement
from procurement.models import PriceList, Standing, SupplierScorecard
from production import services as production
from production.models import Basis, Stage
from production.tests.factories import (
    FinishedFactory,
    GreigeFactory,
    LocationFactory,
    WarehouseFactory,
    YarnFactory,
    receive_rolls,
)
from sales.models import Customer, OrderStatus, SalesOrder, SalesOrderLine

RUN_DATE = date(2025, 1, 6)  # a Monday: week 0


def forecast(material, week, yhat, *, job=None, version=None):
    job = job or MLJob.objects.create(kind="forecast", status="succeeded")
    version = version or ModelVersion.objects.create(
        name="demand_forecast",
        version=ModelVersion.objects.count() + 1,
        algorithm="test",
        data_fingerprint="x",
        artifact_path="-",
    )
    return Forecast.objects.create(
        job=job, model_version=version, material=material, week=week, yhat=yhat, lo80=0, hi80=yhat, lo95=0, hi95=yhat
    )


def sales_line(material, qty, requested, *, customer=None, status=OrderStatus.CONFIRMED):
    customer = customer or Customer.objects.get_or_create(code="C1", defaults={"name": "Buyer"})[0]
    order = SalesOrder.objects.create(
        customer=customer, status=status, order_date=date(2024, 12, 1), number=f"SO-{SalesOrder.objects.count() + 1}"
    )
    return SalesOrderLine.objects.create(
        order=order, line_no=1, material=material, qty=qty, unit_price=5, requested_date=requested
    )


@pytest.fixture
def mill(db):
    m = SimpleNamespace()
    m.warehouse = WarehouseFactory()
    m.stores = LocationFactory(code="STORES", kind=LocationKind.STORES, warehouse=m.warehouse)
    m.floor = LocationFactory(code="FLOOR", kind=LocationKind.PRODUCTION, warehouse=m.warehouse)
    m.fg = LocationFactory(code="FG", kind=LocationKind.FINISHED_GOODS, warehouse=m.warehouse)
    m.yarn = YarnFactory(code="YARN")
    m.greige = GreigeFactory(code="GREIGE", gsm=Decimal("180"), width_cm=Decimal("180"))  # 0.324 kg/m
    m.dyed_a = FinishedFactory(code="DYED-A", gsm=Decimal("200"), width_cm=Decimal("100"))  # 0.2 kg/m
    m.dyed_b = FinishedFactory(code="DYED-B", gsm=Decimal("200"), width_cm=Decimal("100"))
    m.fin_a = FinishedFactory(code="FIN-A", gsm=Decimal("200"), width_cm=Decimal("100"))
    m.fin_b = FinishedFactory(code="FIN-B", gsm=Decimal("200"), width_cm=Decimal("100"))

    m.knit_group = services.machine_group_create(
        code="KNIT", name="Circular knitting", stage=Stage.KNITTING, capacity_kg_per_day=Decimal("40")
    )  # 240 kg a week
    m.dye_group = services.machine_group_create(
        code="JET", name="Jet dyeing", stage=Stage.DYEING, capacity_kg_per_day=Decimal("1000")
    )

    def bom(code, product, stage, component, per, loss, basis=Basis.UNIT):
        made = production.bom_create(
            code=code,
            product=product,
            stage=stage,
            components=[
                {"material": component, "qty_per_unit": Decimal(per), "loss_pct": Decimal(loss), "basis": basis}
            ],
        )
        services.bom_planning_set(bom=made, lead_time_days=7)
        return made

    m.knit = bom("KNIT-G", m.greige, Stage.KNITTING, m.yarn, "0.25", "20")
    m.dye_a = bom("DYE-A", m.dyed_a, Stage.DYEING, m.greige, "1", "20")
    m.dye_b = bom("DYE-B", m.dyed_b, Stage.DYEING, m.greige, "1", "20")
    m.fin_bom_a = bom("FIN-A", m.fin_a, Stage.FINISHING, m.dyed_a, "1", "4")
    m.fin_bom_b = bom("FIN-B", m.fin_b, Stage.FINISHING, m.dyed_b, "1", "4")

    m.supplier = procurement.supplier_create(code="SUP-A", name="Good Yarns")
    m.bad = procurement.supplier_create(code="SUP-BAD", name="Cheap Yarns")
    PriceList.objects.create(
        supplier=m.supplier,
        material=m.yarn,
        price=Decimal("4"),
        currency="EUR",
        min_order_qty=Decimal("100"),
        lead_time_days=7,
        valid_from=date(2024, 1, 1),
    )
    PriceList.objects.create(
        supplier=m.bad,
        material=m.yarn,
        price=Decimal("2"),
        currency="EUR",
        lead_time_days=1,
        valid_from=date(2024, 1, 1),
    )
    SupplierScorecard.objects.create(
        supplier=m.bad, period=date(2024, 12, 1), score=Decimal("12"), standing=Standing.VERY_POOR
    )
    SupplierScorecard.objects.create(
        supplier=m.supplier, period=date(2024, 12, 1), score=Decimal("80"), standing=Standing.GOOD
    )

    # Stock: FIN-A 120 m released; FIN-B 500 m in quarantine (not usable); greige 250 m released,
    # 50 m of it reserved.
    receive_rolls(m.fin_a, m.fg, [60, 60])
    receive_rolls(m.fin_b, m.fg, [500], status=QCStatus.QUARANTINE)
    lot, rolls = receive_rolls(m.greige, m.stores, [100, 100, 50])
    stock.stock_reserve(lines=[StockLine(lot=lot, roll=rolls[2], location=m.stores, qty=Decimal("50"))])
    # Greige: safety stock 100 (rule min), ordered in multiples of 50.
    ReorderRule.objects.create(material=m.greige, warehouse=m.warehouse, min_qty=100, max_qty=100, multiple=50)
    # Yarn on order: 100 kg promised 2025-01-14 (week 1), a draft PO (firmed, not yet sent).
    procurement.purchase_order_create(
        supplier=m.supplier,
        warehouse=m.warehouse,
        order_date=date(2025, 1, 2),
        currency="EUR",
        lines=[{"material": m.yarn, "qty": Decimal("100"), "promised_date": date(2025, 1, 14)}],
    )

    # Demand. FIN-A week 3 (01-27): an order line of 600 (requested Wed 01-29) against forecasts 700
    # (older) and 500 (newer). Week 4 (02-03): forecast 400, overridden by the planner to 480.
    m.line_a = sales_line(m.fin_a, Decimal("600"), date(2025, 1, 29))
    old = forecast(m.fin_a, date(2025, 1, 27), Decimal("700"))
    Forecast.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2024))
    forecast(m.fin_a, date(2025, 1, 27), Decimal("500"))
    forecast(m.fin_a, date(2025, 2, 3), Decimal("400"))
    ForecastOverride.objects.create(material=m.fin_a, week=date(2025, 2, 3), qty=Decimal("480"), reason="promo")
    # FIN-B week 3: an order of 100 consumes part of a forecast of 300.
    m.line_b = sales_line(m.fin_b, Decimal("100"), date(2025, 1, 27))
    forecast(m.fin_b, date(2025, 1, 27), Decimal("300"))
    assert MaterialKind.FINISHED == m.fin_a.kind
    return m
