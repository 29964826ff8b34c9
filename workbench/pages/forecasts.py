"""Forecasts: weekly demand history and forecast with 80/95% bands, model backtests, overrides."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench import api, ui

FORECASTS = "/api/v1/ml/forecasts/"
OVERRIDES = "/api/v1/ml/forecast-overrides/"
MODELS = "/api/v1/ml/models/"
HISTORY_WEEKS = 52
# What counts as demand, as the forecaster learns it: orders confirmed or further along.
DEMAND_STATUSES = ["confirmed", "allocated", "partially_shipped", "shipped", "closed"]
METRIC_COLUMNS = ["smape", "mase", "wape", "bias", "coverage80", "coverage95", "series"]
TABLE_COLUMNS = ["material", "week", "yhat", "lo80", "hi80", "lo95", "hi95", "override", "plan", "model"]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_history(orders: list[dict], material_ids: list[int]) -> pd.DataFrame:
    """Ordered quantity per material and week (Monday) from sales orders; weeks without orders are 0."""
    wanted = set(material_ids)
    rows = [
        {"material": line["material"], "week": monday(date.fromisoformat(order["order_date"])), "y": float(line["qty"])}
        for order in orders
        for line in order.get("lines", [])
        if line["material"] in wanted
    ]
    if not rows:
        return pd.DataFrame(columns=["material", "week", "y"])
    frame = pd.DataFrame(rows).groupby(["material", "week"], as_index=False)["y"].sum()
    filled = []
    last = frame["week"].max()
    for material, group in frame.groupby("material"):
        weeks = pd.date_range(group["week"].min(), last, freq="W-MON").date
        series = group.set_index("week")["y"].reindex(weeks, fill_value=0.0)
        filled.append(pd.DataFrame({"material": material, "week": weeks, "y": series.to_numpy()}))
    return pd.concat(filled, ignore_index=True)


def forecast_table(forecasts: list[dict], overrides: list[dict], codes: dict[int, str]) -> pd.DataFrame:
    """One row per material and week: the model's figures, the active override, and the plan (what planning uses)."""
    if not forecasts:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    frame = pd.DataFrame(forecasts)
    for column in ("yhat", "lo80", "hi80", "lo95", "hi95"):
        frame[column] = frame[column].astype(float)
    frame["week"] = pd.to_datetime(frame["week"]).dt.date
    active = {(o["material"], date.fromisoformat(o["week"])): float(o["qty"]) for o in overrides if o["is_active"]}
    frame["override"] = [active.get((m, w)) for m, w in zip(frame["material"], frame["week"], strict=True)]
    frame["plan"] = frame["override"].where(frame["override"].notna(), frame["yhat"])
    frame["material"] = frame["material"].map(lambda m: codes.get(m, str(m)))
    return frame[TABLE_COLUMNS].sort_values(["material", "week"]).reset_index(drop=True)


def backtest_table(versions: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "version": v["version"],
            "algorithm": v["algorithm"],
            "champion": v["is_champion"],
            **{m: v["metrics"].get(m) for m in METRIC_COLUMNS},
            "created": v["created_at"][:16].replace("T", " "),
        }
        for v in versions
    ]
    return pd.DataFrame(rows, columns=["version", "algorithm", "champion", *METRIC_COLUMNS, "created"])


def forecast_figure(history: pd.DataFrame, table: pd.DataFrame, code: str) -> go.Figure:
    """History, forecast, 95% and 80% bands and overrides of one article."""
    figure = go.Figure()
    rows = table[table["material"] == code]
    if not rows.empty:
        weeks = list(rows["week"])
        for level, color in ((95, "rgba(31,119,180,0.15)"), (80, "rgba(31,119,180,0.30)")):
            figure.add_trace(
                go.Scatter(
                    x=weeks + weeks[::-1],
                    y=list(rows[f"hi{level}"]) + list(rows[f"lo{level}"])[::-1],
                    fill="toself",
                    fillcolor=color,
                    line={"width": 0},
                    hoverinfo="skip",
                    name=f"{level}% interval",
                )
            )
        figure.add_trace(go.Scatter(x=weeks, y=rows["yhat"], name="forecast", line={"color": "#1f77b4", "width": 2}))
        overridden = rows[rows["override"].notna()]
        if not overridden.empty:
            figure.add_trace(
                go.Scatter(
                    x=overridden["week"],
                    y=overridden["override"],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 11, "color": "#d62728"},
                    name="planner override",
                )
            )
    if not history.empty:
        figure.add_trace(go.Scatter(x=history["week"], y=history["y"], name="ordered", line={"color": "#444"}))
    figure.update_layout(
        title=code,
        height=360,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis_title="metres per week",
        legend={"orientation": "h", "y": -0.15},
        hovermode="x unified",
    )
    return figure


def _orders(c: api.Client) -> list[dict]:
    since = monday(date.today()) - timedelta(weeks=HISTORY_WEEKS)
    return api.cached_list(
        c, "/api/v1/sales/orders/", {"status": DEMAND_STATUSES, "order_date_from": since.isoformat()}
    )


def _override_form(c: api.Client, chosen: list[dict], table: pd.DataFrame) -> None:
    st.subheader("Override a week")
    if not c.may_plan():
        st.caption("Only planners override forecasts.")
        return
    if table.empty:
        st.caption("Run a forecast first: overrides replace a forecast week.")
        return
    with st.form("override"):
        left, middle, right = st.columns(3)
        material = left.selectbox("Article", chosen, format_func=lambda m: m["code"], key="override_material")
        weeks = sorted(table.loc[table["material"] == material["code"], "week"].unique())
        week = middle.selectbox("Week (Monday)", weeks, key="override_week")
        amount = right.number_input("Quantity", min_value=0.0, value=None, step=10.0, key="override_qty")
        reason = st.text_input("Reason", placeholder="e.g. trade fair order confirmed by the buyer")
        if st.form_submit_button("Save override", type="primary"):
            if week is None or amount is None:
                st.error("Pick a forecast week and enter the quantity planning should use.")
                return
            with api.shown_errors("Override refused"):
                saved = c.post(
                    OVERRIDES, {"material": material["id"], "week": week.isoformat(), "qty": amount, "reason": reason}
                )
            api.forget_reads()
            st.success(f"Override saved: {material['code']} week {saved['week']} = {ui.qty(saved['qty'])}.")


def render() -> None:
    c = ui.client()
    st.title("Forecasts")
    with api.shown_errors("Could not load articles"):
        catalogue = ui.materials(c)
    filters = st.columns([2, 1])
    text = filters[0].text_input("Search articles", placeholder="code, name or article")
    kinds = filters[1].multiselect("Kind", ["finished", "garment"], default=["finished", "garment"])
    found = [m for m in ui.search_materials(catalogue, text) if m["kind"] in kinds]
    if not found:
        st.info("No article matches the search.")
        return
    chosen = st.multiselect(
        "Articles", found, default=found[:1], format_func=ui.material_label, max_selections=6, key="articles"
    )
    if not chosen:
        st.info("Pick at least one article.")
        return
    ids = [m["id"] for m in chosen]
    codes = {m["id"]: m["code"] for m in catalogue}

    with api.shown_errors("Could not load forecasts"):
        forecasts = [f for i in ids for f in api.cached_list(c, FORECASTS, {"material": i, "latest": "true"})]
        overrides = [o for i in ids for o in api.cached_list(c, OVERRIDES, {"material": i, "is_active": "true"})]
        history = weekly_history(_orders(c), ids)
        versions = api.cached_list(c, MODELS, {"name": "demand_forecast"})
    table = forecast_table(forecasts, overrides, codes)

    for material in chosen:
        code = material["code"]
        own_history = history[history["material"] == material["id"]]
        st.plotly_chart(forecast_figure(own_history, table, code), key=f"chart-{code}")
        if table[table["material"] == code].empty:
            st.caption(f"No forecast for {code} yet: run one below.")

    st.subheader("Forecast table")
    st.dataframe(table, hide_index=True, key="forecast_table")
    st.download_button(
        "Download CSV",
        table.to_csv(index=False).encode(),
        file_name=f"weft-forecast-{date.today().isoformat()}.csv",
        mime="text/csv",
        disabled=table.empty,
    )

    st.subheader("Backtest of model versions")
    st.dataframe(backtest_table(versions), hide_index=True, key="backtests")

    _override_form(c, chosen, table)

    st.subheader("Run a new forecast")
    horizon = st.slider("Horizon (weeks)", 1, 52, 13, key="horizon")
    if st.button("Run forecast", type="primary", disabled=not c.may_plan()):
        with api.shown_errors("Forecast refused"):
            ui.start_job(c, "forecast", "forecast", {"materials": ids, "horizon": horizon})
    ui.job_panel(
        "forecast",
        lambda job: (
            f"Forecast job #{job['id']} done: {job['result'].get('rows')} weeks for "
            f"{job['result'].get('materials')} article(s) with {job['result'].get('model')}."
        ),
    )


if __name__ == "__main__":
    render()
