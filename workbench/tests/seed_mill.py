"""A small mill, written by `manage.py shell` inside a test stack (run as a script, not imported).

Three finished articles with 80 weeks of confirmed sales, a reorder rule, three suppliers with a
price list, six months of purchase orders, receipts and 4-point roll inspections, and their
monthly scorecards. Prints one JSON line with the ids the workbench tests look up.
"""

import json
import math
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from inventory import services as stock
from inventory.models import Location, LocationKind, LotOrigin, Material, QCStatus, Warehouse
from planning import services as planning
from procurement import services as procurement
from procurement.models import GoodsReceipt, GoodsReceiptLine, PriceList, PurchaseOrder, PurchaseOrderLine, Supplier
from production import services as production
from production.models import Stage
from quality.services import roll_inspection_create
from sales import services as sales
from sales.models import Customer

rng = random.Random(7)
today = timezone.localdate()
this_monday = today - timedelta(days=today.weekday())
start = this_monday - timedelta(weeks=80)

warehouse = Warehouse.objects.create(code="MAIN", name="Main mill")
stores = Location.objects.create(
    warehouse=warehouse, code="MAIN-FG", name="Finished goods", kind=LocationKind.FINISHED_GOODS
)
customer = Customer.objects.create(code="BUY-1", name="High Street Apparel")

articles = []
for i, (code, name, article, _level) in enumerate(
    [
        ("FIN-SJ180", "Single jersey 180", "SJ-180", 120),
        ("FIN-PQ220", "Pique 220", "PQ-220", 80),
        ("FIN-RIB", "Rib 1x1", "RB-11", 45),
    ]
):
    articles.append(
        Material.objects.create(
            code=code,
            name=name,
            kind="finished",
            article=article,
            gsm=180 + 20 * i,
            width_cm=160,
            standard_cost=Decimal("3"),
        )
    )
for week in range(80):
    lines = [
        {
            "material": material,
            "qty": Decimal(str(round(level * (1 + 0.3 * math.sin(2 * math.pi * week / 52)) + rng.uniform(-8, 8), 1))),
            "unit_price": Decimal("5"),
            "requested_date": start + timedelta(weeks=week, days=14),
        }
        for material, level in zip(articles, (120, 80, 45), strict=True)
    ]
    order = sales.sales_order_create(customer=customer, lines=lines, order_date=start + timedelta(weeks=week))
    sales.sales_order_confirm(order=order)

stock.reorder_rule_apply(
    material=articles[0], warehouse_id=warehouse.pk, min_qty=Decimal("300"), max_qty=Decimal("900")
)

greige = Material.objects.create(
    code="GRG-SJ", name="Greige jersey", kind="greige", article="SJ-G", gsm=170, width_cm=165
)
suppliers = [
    Supplier.objects.create(code=code, name=name)
    for code, name in [("KNIT-A", "Anand Knits"), ("KNIT-B", "Bharat Fabrics"), ("KNIT-C", "Coastal Textiles")]
]
prices = {"KNIT-A": "2.10", "KNIT-B": "1.85", "KNIT-C": "2.40"}
lateness = {"KNIT-A": [0, 0, 0, 2], "KNIT-B": [0, 3, 6, 9], "KNIT-C": [0, 0, 1, 0]}
defect_rate = {"KNIT-A": 2, "KNIT-B": 6, "KNIT-C": 1}
defect_types = ["slub", "thick_place", "hole", "stain", "barre", "broken_end"]
for supplier in suppliers:
    PriceList.objects.create(
        supplier=supplier,
        material=greige,
        price=Decimal(prices[supplier.code]),
        currency="EUR",
        min_order_qty=100,
        lead_time_days=14,
        valid_from=today - timedelta(days=400),
    )

first_month = (today.replace(day=1) - timedelta(days=160)).replace(day=1)
month = first_month
po_count = 0
while month <= today.replace(day=1):
    for supplier in suppliers:
        for k in range(2):
            promised = month + timedelta(days=5 + 10 * k)
            if promised > today - timedelta(days=1):
                continue
            po_count += 1
            po = PurchaseOrder.objects.create(
                supplier=supplier,
                order_date=promised - timedelta(days=14),
                warehouse=warehouse,
                currency="EUR",
                status="received",
            )
            line = PurchaseOrderLine.objects.create(
                order=po,
                line_no=1,
                material=greige,
                qty=200,
                unit_price=Decimal(prices[supplier.code]) * Decimal("1.02" if supplier.code == "KNIT-C" else "1"),
                promised_date=promised,
            )
            received_on = min(promised + timedelta(days=rng.choice(lateness[supplier.code])), today)
            receipt = GoodsReceipt.objects.create(purchase_order=po, location=stores, received_on=received_on)
            lot = stock.lot_create(material=greige, origin=LotOrigin.RECEIPT, qc_status=QCStatus.RELEASED)
            GoodsReceiptLine.objects.create(receipt=receipt, po_line=line, lot=lot, qty=200, unit_price=line.unit_price)
            for _r in range(2):
                roll = stock.roll_create(lot=lot, length_m=Decimal("100"))
                defects = [
                    {
                        "defect_type": rng.choice(defect_types),
                        "length_in": Decimal(rng.choice([2, 5, 8, 10])),
                        "position_yd": Decimal(y + 1),
                    }
                    for y in range(rng.randint(0, 2 * defect_rate[supplier.code]))
                ]
                for d in defects:
                    if d["defect_type"] == "hole":
                        d["hole_size_in"] = d.pop("length_in") / 4
                inspection = roll_inspection_create(roll=roll, defects=defects)
                inspected_at = timezone.make_aware(datetime.combine(received_on, time(12)))
                type(inspection).objects.filter(pk=inspection.pk).update(created_at=inspected_at)
    month = (month + timedelta(days=32)).replace(day=1)

procurement.scorecard_compute(period_from=first_month, period_to=today.replace(day=1))

# Planning: the jersey is dyed from the greige on one jet (40 kg a day), one week's lead time.
Location.objects.create(warehouse=warehouse, code="MAIN-FLOOR", name="Dye house", kind=LocationKind.PRODUCTION)
jet = planning.machine_group_create(
    code="JET", name="Jet dyeing", stage=Stage.DYEING, capacity_kg_per_day=Decimal("40")
)
dye_bom = production.bom_create(
    code="DYE-SJ180",
    product=articles[0],
    stage=Stage.DYEING,
    components=[{"material": greige, "qty_per_unit": Decimal("1"), "loss_pct": Decimal("5")}],
)
planning.bom_planning_set(bom=dye_bom, lead_time_days=7, machine_group=jet)

print(
    json.dumps(
        {
            "articles": [m.pk for m in articles],
            "article_codes": [m.code for m in articles],
            "warehouse": warehouse.pk,
            "greige": greige.pk,
            "suppliers": [s.pk for s in suppliers],
            "supplier_codes": [s.code for s in suppliers],
            "purchase_orders": po_count,
            "first_month": first_month.isoformat(),
            "dye_bom": dye_bom.pk,
        }
    )
)
