"""The data-science notebooks run end to end (small parameters) and are stored without outputs.

Notebook 01 reads the mill's weekly demand through the REST API: this harness builds a small mill
history, serves it with a live server, exports the demand with the notebooks' own API client and
hands the CSV to the notebook (WEFT_DEMAND_CSV)."""

from __future__ import annotations

import math
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from django.utils import timezone
from nbclient import NotebookClient

from inventory.models import LocationKind
from sales import services as sales
from sales.tests.factories import CustomerFactory, FabricLotFactory, FinishedFabricFactory, LocationFactory, RollFactory

REPO = Path(__file__).resolve().parents[3]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
WEEKS = 30
pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow]

sys.path.insert(0, str(REPO / "notebooks"))
from weft_client import WeftClient  # noqa: E402


def test_the_four_notebooks_are_stored_without_outputs():
    assert [p.name for p in NOTEBOOKS] == [
        "01_demand_forecasting.ipynb",
        "02_defect_detection.ipynb",
        "03_supplier_scoring.ipynb",
        "04_inventory_what_if.ipynb",
    ]
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(not cell.outputs and cell.execution_count is None for cell in code), path.name
        assert any("parameters" in cell.metadata.get("tags", []) for cell in code), path.name
        source = "\n".join(cell.source for cell in code)
        assert "from ml" in source or "import ml" in source, path.name


@pytest.fixture
def demand_csv(live_server, make_user, tmp_path) -> Path:
    """Two finished articles shipped every week for WEEKS weeks, exported through the API."""
    fg = LocationFactory(kind=LocationKind.FINISHED_GOODS)
    customer = CustomerFactory()
    today = timezone.localdate()
    for article, base in (("SJ-180", 120), ("TW-240", 60)):
        fabric = FinishedFabricFactory(article=article, width_cm=Decimal("150"))
        lot = FabricLotFactory(material=fabric)
        for week in range(WEEKS, 0, -1):
            qty = Decimal(round(base * (1 + 0.3 * math.sin(week / 4)) + (week * 7) % 13))
            RollFactory(lot=lot, length_m=qty, location=fg, unit_cost=Decimal("3"))
            day = today - timedelta(weeks=week)
            line = {"material": fabric, "qty": qty, "unit_price": Decimal("5"), "requested_date": day}
            order = sales.sales_order_confirm(order=sales.sales_order_create(customer=customer, lines=[line]))
            sales.sales_order_allocate(order=order)
            shipped_at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=12)
            sales.shipment_create(order=order, shipped_at=shipped_at)
    make_user("sales", username="nb-sales", password="notebook-pass-9")
    weekly = WeftClient(live_server.url, "nb-sales", "notebook-pass-9").weekly_demand()
    assert weekly["unique_id"].nunique() == 2 and len(weekly) >= 2 * (WEEKS - 1)
    path = tmp_path / "weekly_demand.csv"
    weekly.to_csv(path, index=False)
    return path


def test_notebooks_execute(demand_csv, monkeypatch, capsys):
    monkeypatch.setenv("WEFT_DEMAND_CSV", str(demand_csv))
    monkeypatch.delenv("WEFT_NB_FULL", raising=False)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    seconds = {}
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        seconds[path.name] = round(time.perf_counter() - started, 1)
        errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, path.name
    with capsys.disabled():
        print(f"\nnotebook run times (s): {seconds}, total {sum(seconds.values()):.0f}")
