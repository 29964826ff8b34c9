"""Feature extraction from ERP data into the pandas frames the `ml` package takes.

`ml` never touches the database: everything it learns from comes through here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from django.db.models import Sum
from django.db.models.functions import TruncWeek

from inventory.models import Material, MaterialKind


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_demand(material_ids=None, *, until: date | None = None) -> pd.DataFrame:
    """Ordered metres per finished material and ISO week (`unique_id` = material id, `ds` = Monday, `y`).

    Demand is what customers ordered (confirmed or later, cancelled excluded), dated by order date;
    weeks without orders between a material's first week and `until` are zeros, not gaps.
    """
    from sales.models import OrderStatus, SalesOrderLine

    lines = SalesOrderLine.objects.exclude(order__status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
    if material_ids is not None:
        lines = lines.filter(material_id__in=list(material_ids))
    if until is not None:
        lines = lines.filter(order__order_date__lt=_monday(until))
    rows = (
        lines.annotate(week=TruncWeek("order__order_date"))
        .values("material_id", "week")
        .annotate(y=Sum("qty"))
        .order_by("material_id", "week")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["material_id", "week", "y"])
    if frame.empty:
        return pd.DataFrame(
            {"unique_id": pd.Series(dtype=str), "ds": pd.Series(dtype="datetime64[ns]"), "y": pd.Series(dtype=float)}
        )
    frame["ds"] = pd.to_datetime(frame["week"]).dt.tz_localize(None).dt.normalize()
    frame["y"] = frame["y"].astype(float)
    last = pd.Timestamp(_monday(until) - timedelta(days=7)) if until else frame["ds"].max()
    filled = []
    for material_id, group in frame.groupby("material_id"):
        weeks = pd.date_range(group["ds"].min(), last, freq="W-MON")
        series = group.set_index("ds")["y"].reindex(weeks, fill_value=0.0)
        filled.append(pd.DataFrame({"unique_id": str(material_id), "ds": weeks, "y": series.to_numpy()}))
    return pd.concat(filled, ignore_index=True)


def forecastable_materials() -> list[int]:
    """Finished articles that have sold: the ones a demand forecast is made for."""
    from sales.models import SalesOrderLine

    sold = SalesOrderLine.objects.values_list("material_id", flat=True).distinct()
    return list(
        Material.objects.filter(kind__in=[MaterialKind.FINISHED, MaterialKind.GARMENT], pk__in=sold)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def demand_stats(material_id: int, *, weeks: int = 52) -> tuple[float, float]:
    """Mean and standard deviation of weekly demand over the last `weeks` weeks (what-if inputs)."""
    frame = weekly_demand([material_id])
    recent = frame.tail(weeks)["y"]
    if len(recent) < 4:
        raise ValueError("this material has less than four weeks of demand: give demand_mean and demand_std")
    return float(recent.mean()), float(recent.std(ddof=1))
