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


SUPPLIER_FEATURES = ["on_time_rate", "lead_time_mean_days", "lead_time_std_days", "accept_rate", "price_variance"]


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.to_period("M").dt.to_timestamp()


def supplier_features() -> pd.DataFrame:
    """One row per supplier and month: on-time rate (Odoo's rule, by promised month), lead-time mean
    and spread and accept rate (by receipt month), price variance against the price list (by order
    month). Months where a supplier had no activity are absent, not zeros."""
    from inventory.models import QCStatus
    from procurement.models import GoodsReceiptLine, POStatus, PurchaseOrderLine

    lines = pd.DataFrame.from_records(
        list(
            PurchaseOrderLine.objects.exclude(order__status__in=[POStatus.DRAFT, POStatus.CANCELLED]).values(
                "id", "order__supplier_id", "order__order_date", "promised_date", "qty", "unit_price", "list_price"
            )
        ),
        columns=["id", "order__supplier_id", "order__order_date", "promised_date", "qty", "unit_price", "list_price"],
    ).rename(columns={"order__supplier_id": "supplier", "order__order_date": "order_date"})
    receipts = pd.DataFrame.from_records(
        list(GoodsReceiptLine.objects.values("po_line_id", "qty", "receipt__received_on", "lot__qc_status")),
        columns=["po_line_id", "qty", "receipt__received_on", "lot__qc_status"],
    ).rename(columns={"receipt__received_on": "received_on", "lot__qc_status": "qc_status"})
    if lines.empty:
        return pd.DataFrame(columns=["supplier", "period", *SUPPLIER_FEATURES])
    for column in ("qty", "unit_price", "list_price"):
        lines[column] = lines[column].astype(float)
    receipts["qty"] = receipts["qty"].astype(float)
    joined = receipts.merge(lines, left_on="po_line_id", right_on="id", suffixes=("", "_ordered"))

    on_time_qty = (
        joined[pd.to_datetime(joined["received_on"]) <= pd.to_datetime(joined["promised_date"])]
        .groupby("po_line_id")["qty"]
        .sum()
    )
    lines["on_time_qty"] = lines["id"].map(on_time_qty).fillna(0.0).clip(upper=lines["qty"])
    lines["promised_month"] = _month(lines["promised_date"])
    on_time = (
        lines.groupby(["supplier", "promised_month"])
        .apply(lambda g: g["on_time_qty"].sum() / g["qty"].sum(), include_groups=False)
        .rename("on_time_rate")
    )

    joined["lead_days"] = (pd.to_datetime(joined["received_on"]) - pd.to_datetime(joined["order_date"])).dt.days
    joined["received_month"] = _month(joined["received_on"])
    lead = (
        joined.groupby(["supplier", "received_month"])["lead_days"]
        .agg(["mean", "std"])
        .rename(columns={"mean": "lead_time_mean_days", "std": "lead_time_std_days"})
    )
    judged = joined[joined["qc_status"].isin([QCStatus.RELEASED, QCStatus.REJECTED])]
    accept = (
        judged.groupby(["supplier", "received_month"])
        .apply(lambda g: g.loc[g["qc_status"] == QCStatus.RELEASED, "qty"].sum() / g["qty"].sum(), include_groups=False)
        .rename("accept_rate")
    )

    priced = lines[lines["list_price"] > 0].copy()
    priced["variance"] = (priced["unit_price"] - priced["list_price"]) / priced["list_price"]
    priced["order_month"] = _month(priced["order_date"])
    variance = priced.groupby(["supplier", "order_month"])["variance"].mean().rename("price_variance")

    parts = [on_time, lead, accept, variance]
    for part in parts:
        part.index = part.index.set_names(["supplier", "period"])
    frame = pd.concat(parts, axis=1).reset_index()
    return frame.sort_values(["supplier", "period"]).reset_index(drop=True)


def supplier_training_frame(features: pd.DataFrame, *, on_time_floor=0.9, accept_floor=0.95) -> pd.DataFrame:
    """Label each supplier-month with whether the supplier's NEXT active month was reliable
    (on time and accepted); the last month of each supplier has no label and is left out."""
    frame = features.copy()
    reliable = (frame["on_time_rate"].fillna(1.0) >= on_time_floor) & (frame["accept_rate"].fillna(1.0) >= accept_floor)
    frame["target"] = reliable.astype(int).groupby(frame["supplier"]).shift(-1)
    return frame.dropna(subset=["target"]).astype({"target": int})
