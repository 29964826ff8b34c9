"""Stock what-if: how much to hold for a material at a service level, and what that costs."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from workbench import api, ui

WHAT_IF = "/api/v1/ml/what-if/"
RULES = "/api/v1/inventory/reorder-rules/"
RECOMMENDATIONS = "/api/v1/ml/recommendations/"
APPLIED_KEY = "weft_applied_recommendations"


@st.cache_data(ttl=300, show_spinner="Optimising…")
def _answer(api_url: str, username: str, params: tuple, _client: api.Client) -> dict:
    # A what-if is a pure question (nothing is written), so the same sliders give the cached answer.
    return _client.post(WHAT_IF, {"params": dict(params), "curve": True})


def what_if(c: api.Client, params: dict) -> dict:
    return _answer(c.api_url, c.username, tuple(sorted(params.items())), c)


def curve_figure(curve: list[dict], chosen_level: float, chosen_cost: float) -> go.Figure:
    """Expected cost (and what the mill pays) against service level, with the fill rate it buys."""
    frame = pd.DataFrame(curve)
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(
        go.Scatter(x=frame["service_level"], y=frame["expected_cost"], name="expected cost", mode="lines+markers"),
        secondary_y=False,
    )
    if "inventory_cost" in frame:
        figure.add_trace(
            go.Scatter(
                x=frame["service_level"],
                y=frame["inventory_cost"],
                name="holding + ordering",
                mode="lines",
                line={"dash": "dot"},
            ),
            secondary_y=False,
        )
    figure.add_trace(
        go.Scatter(
            x=frame["service_level"], y=frame["fill_rate"], name="fill rate", mode="lines", line={"color": "#2ca02c"}
        ),
        secondary_y=True,
    )
    figure.add_trace(
        go.Scatter(
            x=[chosen_level],
            y=[chosen_cost],
            name="your choice",
            mode="markers",
            marker={"size": 14, "symbol": "star", "color": "#d62728"},
        ),
        secondary_y=False,
    )
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        xaxis={"title": "service level (cycle)", "tickformat": ".0%"},
    )
    figure.update_yaxes(title_text="cost per week", secondary_y=False)
    figure.update_yaxes(title_text="fill rate", tickformat=".0%", secondary_y=True)
    return figure


def rule_comparison(rule: dict | None, answer: dict) -> pd.DataFrame:
    """The current reorder rule beside the recommendation (min = reorder point, max = order-up-to)."""
    current_min = float(rule["min_qty"]) if rule else None
    current_max = float(rule["max_qty"]) if rule else None
    return pd.DataFrame(
        [
            {
                "level": "reorder point (min)",
                "current rule": current_min,
                "recommended": round(answer["reorder_point"], 1),
                "change": None if current_min is None else round(answer["reorder_point"] - current_min, 1),
            },
            {
                "level": "order-up-to (max)",
                "current rule": current_max,
                "recommended": round(answer["order_up_to"], 1),
                "change": None if current_max is None else round(answer["order_up_to"] - current_max, 1),
            },
        ]
    )


def _inputs(material: dict) -> dict:
    st.subheader("Assumptions")
    left, right = st.columns(2)
    params = {
        "material": material["id"],
        "service_level": left.slider("Service level", 0.80, 0.99, 0.95, 0.01, key="service_level"),
        "lead_time_mean": left.slider("Lead time, mean (weeks)", 0.5, 12.0, 2.0, 0.5, key="lead_time_mean"),
        "lead_time_std": left.slider("Lead time spread, std dev (weeks)", 0.0, 4.0, 0.5, 0.25, key="lead_time_std"),
        "ordering_cost": right.slider("Ordering cost per order", 0.0, 500.0, 50.0, 5.0, key="ordering_cost"),
        "holding_cost": right.slider("Holding cost per unit and week", 0.01, 2.0, 0.2, 0.01, key="holding_cost"),
    }
    if right.toggle("Set demand myself (otherwise the last 52 weeks of orders)", key="own_demand"):
        params["demand_mean"] = right.number_input("Weekly demand, mean", 0.1, 1e6, 100.0, key="demand_mean")
        params["demand_std"] = right.number_input("Weekly demand, std dev", 0.0, 1e6, 20.0, key="demand_std")
    return params


def _apply(c: api.Client, params: dict, rule: dict | None) -> None:
    st.subheader("Apply as the reorder rule")
    if not c.may_plan():
        st.caption("Only planners and admins change reorder rules.")
        return
    warehouse = rule["warehouse"] if rule else None
    if warehouse is None:
        with api.shown_errors("Could not load warehouses"):
            warehouses = api.cached_list(c, "/api/v1/inventory/warehouses/")
        if not warehouses:
            st.caption("Create a warehouse first.")
            return
        chosen = st.selectbox("Warehouse", warehouses, format_func=lambda w: f"{w['code']} — {w['name']}")
        warehouse = chosen["id"]
    if st.button("Apply as rule", type="primary", icon=":material/rule:"):
        with api.shown_errors("Could not apply"):
            ui.start_job(c, "apply-rule", "what_if", {**params, "warehouse": warehouse})
    job = ui.job_panel("apply-rule", lambda job: f"Recommendation computed by job #{job['id']}.")
    if job and job["status"] == "succeeded":
        applied = st.session_state.setdefault(APPLIED_KEY, {})
        if job["id"] not in applied:
            with api.shown_errors("Could not accept the recommendation"):
                recommendation = c.get(RECOMMENDATIONS, {"job": job["id"]})["results"][0]
                applied[job["id"]] = c.post(f"{RECOMMENDATIONS}{recommendation['id']}/accept/")
            api.forget_reads()
            st.rerun()
        accepted = applied[job["id"]]
        st.success(
            f"Reorder rule of {accepted['material_code']} set to min {ui.qty(accepted['reorder_point'])}, "
            f"max {ui.qty(accepted['order_up_to'])}.",
            icon=":material/task_alt:",
        )


def render() -> None:
    c = ui.client()
    st.title("Stock what-if")
    with api.shown_errors("Could not load materials"):
        catalogue = ui.materials(c, ("finished", "garment", "greige", "yarn", "fibre", "dye", "chemical", "accessory"))
    if not catalogue:
        st.info("There are no materials yet.")
        return
    # Articles that sell first: their demand history answers the what-if without typing demand in.
    catalogue = sorted(catalogue, key=lambda m: (m["kind"] not in ("finished", "garment"), m["code"]))
    material = st.selectbox("Material", catalogue, format_func=ui.material_label, key="material")
    params = _inputs(material)
    try:
        answer = what_if(c, params)
    except api.ApiError as exc:
        if exc.code != "no_history":
            with api.shown_errors("What-if refused"):
                raise
        st.warning(f"{exc.message.capitalize()}: switch on “Set demand myself” and enter it.")
        st.stop()
    with api.shown_errors("Could not load the reorder rule"):
        rules = api.cached_list(c, RULES, {"material": material["id"]})
    rule = next((r for r in rules if r.get("is_active", True)), None)

    st.subheader("Recommendation")
    cols = st.columns(4)
    cols[0].metric("Reorder point", ui.qty(answer["reorder_point"]))
    cols[1].metric("Order-up-to level", ui.qty(answer["order_up_to"]))
    cols[2].metric("Expected cost per week", ui.money(answer["expected_cost"]))
    cols[3].metric("Fill rate", ui.percent(answer["fill_rate"], 2))
    inputs = answer.get("inputs", {})
    source = "surrogate model" if answer.get("model_version") else "exact optimiser"
    st.caption(
        f"Weekly demand {ui.qty(inputs.get('demand_mean'))} ± {ui.qty(inputs.get('demand_std'))}; "
        f"order about {ui.qty(answer.get('order_quantity'))} at a time; answered by the {source}."
    )
    st.plotly_chart(curve_figure(answer.get("curve", []), params["service_level"], answer["expected_cost"]))

    st.subheader("Current rule")
    if rule is None:
        st.caption("This material has no reorder rule yet.")
    st.dataframe(rule_comparison(rule, answer), hide_index=True, key="rule_comparison")
    _apply(c, params, rule)


if __name__ == "__main__":
    render()
