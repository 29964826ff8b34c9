"""Quality: defect Pareto and 4-point scores (points per 100 yd²) by supplier and article over time."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench import api, ui

INSPECTIONS = "/api/v1/quality/roll-inspections/"
POINTS_KPI = "/api/v1/kpis/points-per-100yd2/"


def month_starts(months: int, today: date | None = None) -> list[tuple[date, date]]:
    """The last `months` calendar months as (first day, last day), the current month last (up to today)."""
    today = today or date.today()
    periods, start = [], today.replace(day=1)
    for _ in range(months):
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        periods.append((start, min(end, today)))
        start = (start - timedelta(days=1)).replace(day=1)
    return periods[::-1]


def points_over_time(kpis: list[dict], group: str) -> pd.DataFrame:
    """Points per 100 yd² per month and supplier (or article), from one KPI answer per month."""
    rows = [
        {
            "month": kpi["from"][:7],
            group: row["key"] or "in-house",
            "points per 100 yd²": row["value"],
            "rolls": row["rolls"],
        }
        for kpi in kpis
        for row in kpi.get(f"by_{group}", [])
    ]
    return pd.DataFrame(rows, columns=["month", group, "points per 100 yd²", "rolls"])


def pareto(inspections: list[dict]) -> pd.DataFrame:
    """Defect types by points, largest first, with the cumulative share."""
    rows = [
        {"defect": d["defect_type"].replace("_", " "), "points": d["points"]} for i in inspections for d in i["defects"]
    ]
    if not rows:
        return pd.DataFrame(columns=["defect", "points", "count", "cumulative share"])
    frame = pd.DataFrame(rows).groupby("defect").agg(points=("points", "sum"), count=("points", "size"))
    frame = frame.sort_values(["points", "count"], ascending=False).reset_index()
    frame["cumulative share"] = (frame["points"].cumsum() / frame["points"].sum()).round(4)
    return frame


def pareto_figure(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_trace(go.Bar(x=frame["defect"], y=frame["points"], name="points", marker_color="#1f77b4"))
    figure.add_trace(
        go.Scatter(
            x=frame["defect"],
            y=frame["cumulative share"],
            name="cumulative share",
            yaxis="y2",
            mode="lines+markers",
            line={"color": "#d62728"},
        )
    )
    figure.update_layout(
        title="Defect Pareto (4-point system)",
        height=360,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis={"title": "points"},
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def trend_figure(frame: pd.DataFrame, group: str):
    import plotly.express as px

    figure = px.line(frame, x="month", y="points per 100 yd²", color=group, markers=True, height=340)
    figure.update_layout(margin={"l": 10, "r": 10, "t": 20, "b": 10})
    return figure


def render() -> None:
    c = ui.client()
    st.title("Quality")
    months = st.slider("Months", 1, 24, 6, key="months")
    periods = month_starts(months)
    since = periods[0][0]
    with api.shown_errors("Could not load quality figures"):
        kpis = [
            api.cached_get(c, POINTS_KPI, {"from": start.isoformat(), "to": end.isoformat()}) for start, end in periods
        ]
        overall = api.cached_get(c, POINTS_KPI, {"from": since.isoformat(), "to": periods[-1][1].isoformat()})
        inspections = api.cached_list(c, INSPECTIONS, {"ordering": "-created_at"})
    recent = [i for i in inspections if i["created_at"][:10] >= since.isoformat()]

    cols = st.columns(3)
    cols[0].metric("Points per 100 yd²", ui.qty(overall.get("value")) if overall.get("value") is not None else "—")
    cols[1].metric("Rolls inspected", overall.get("rolls") or 0)
    failed = sum(1 for i in recent if i.get("grade") == "second")
    cols[2].metric("Second-quality rolls", failed)

    table = pareto(recent)
    st.subheader("Defects")
    if table.empty:
        st.caption("No defects recorded in this period.")
    else:
        st.plotly_chart(pareto_figure(table), key="pareto")
    st.dataframe(table, hide_index=True, key="pareto_table")

    for group in ("supplier", "article"):
        st.subheader(f"Points per 100 yd² by {group}")
        frame = points_over_time(kpis, group)
        if frame.empty:
            st.caption("No roll inspections in this period.")
            continue
        st.plotly_chart(trend_figure(frame, group), key=f"trend-{group}")
        summary = pd.DataFrame(
            [
                {group: row["key"] or "in-house", "points per 100 yd²": row["value"], "rolls": row["rolls"]}
                for row in overall.get(f"by_{group}", [])
            ]
        )
        st.dataframe(summary, hide_index=True, key=f"summary-{group}")


if __name__ == "__main__":
    render()
