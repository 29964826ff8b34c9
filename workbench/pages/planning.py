"""Planning: start an MRP run, read its machine load and planned orders, firm the ones to act on."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench import api, ui

RUNS = "/api/v1/planning/runs/"
ORDERS = "/api/v1/planning/planned-orders/"
EXCEPTIONS = "/api/v1/planning/exceptions/"
CAPACITY = "/api/v1/planning/capacity/"
RUN_SLOT = "planning-run"
FIRMED_KEY = "weft_planning_firmed"
PEG_NAMES = {
    "sales_order_line": "order",
    "forecast": "forecast",
    "safety_stock": "safety stock",
    "planned_order": "planned order",
}


def run_label(run: dict) -> str:
    status = run.get("status") or "—"
    note = f" · {run['note']}" if run.get("note") else ""
    return f"Run #{run['id']} — {run['horizon_weeks']} weeks from {run['start_week']} ({status}){note}"


def peg_text(peg: dict) -> str:
    """One peg as a planner reads it: what the planned quantity serves."""
    kind = peg.get("kind")
    qty = peg.get("qty", "")
    if kind == "sales_order_line":
        return f"{peg.get('order')}/{peg.get('line_no')} {qty} by {peg.get('requested_date')}"
    if kind == "forecast":
        return f"forecast {qty} in week {peg.get('week')}"
    if kind == "planned_order":
        return f"planned order #{peg.get('seq')} ({peg.get('material')}) {qty}"
    return f"{PEG_NAMES.get(kind, kind)} {qty}"


def orders_table(orders: list[dict]) -> pd.DataFrame:
    """Planned orders, one row each: what, how much, when, from whom or on which machines, and why."""
    rows = [
        {
            "id": o["id"],
            "#": o["seq"],
            "type": "make" if o["order_type"] == "work_order" else "buy",
            "material": o["material_code"],
            "stage": o.get("stage") or "",
            "supplier / machines": o.get("supplier_code") or o.get("machine_group_code") or "",
            "start": o["start_date"],
            "due": o["due_date"],
            "qty": float(o["qty"]),
            "unit": o.get("unit") or "",
            "load kg": None if o.get("load_kg") in (None, "") else float(o["load_kg"]),
            "past due": bool(o.get("past_due")),
            "firmed as": o.get("work_order_number") or o.get("purchase_order_number") or "",
            "serves": "; ".join(peg_text(p) for p in o.get("pegging") or []),
        }
        for o in orders
    ]
    columns = ["id", "#", "type", "material", "stage", "supplier / machines", "start", "due", "qty", "unit"]
    columns += ["load kg", "past due", "firmed as", "serves"]
    return pd.DataFrame(rows, columns=columns)


def load_figure(capacity: list[dict]) -> go.Figure:
    """Load per machine group and week (bars, red where overloaded) against capacity (line)."""
    figure = go.Figure()
    groups = sorted({row["machine_group_code"] for row in capacity})
    for group in groups:
        rows = sorted((r for r in capacity if r["machine_group_code"] == group), key=lambda r: r["week"])
        weeks = [r["week"] for r in rows]
        figure.add_trace(
            go.Bar(
                x=weeks,
                y=[float(r["load_kg"]) for r in rows],
                name=f"{group} load",
                marker={"color": ["#d62728" if r["overloaded"] else "#1f77b4" for r in rows]},
                legendgroup=group,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=weeks,
                y=[float(r["capacity_kg"]) for r in rows],
                name=f"{group} capacity",
                mode="lines",
                line={"dash": "dash"},
                legendgroup=group,
            )
        )
    figure.update_layout(
        barmode="group",
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        yaxis={"title": "kg per week"},
        xaxis={"title": "week"},
    )
    return figure


def _start_run(c: api.Client) -> None:
    if not c.may_plan():
        st.caption("Only planners and admins start planning runs and firm planned orders.")
        return
    with st.form("new-run"):
        left, middle, right = st.columns(3)
        horizon = left.number_input("Horizon (weeks)", min_value=1, max_value=104, value=12, key="horizon")
        sizing = middle.selectbox(
            "Lot sizing",
            ["auto", "lot_for_lot"],
            format_func=lambda v: "rules and optimiser" if v == "auto" else "lot for lot",
            key="lot_sizing",
        )
        note = right.text_input("Note", key="note", max_chars=255)
        submitted = st.form_submit_button("Start planning run", type="primary", icon=":material/play_arrow:")
    if submitted:
        with api.shown_errors("Could not start the run"):
            run = c.post(RUNS, {"horizon_weeks": int(horizon), "lot_sizing": sizing, "note": note})
        st.session_state.setdefault(ui.RUNNING_KEY, {})[RUN_SLOT] = run["job"]
        st.session_state.setdefault(ui.DONE_KEY, {}).pop(RUN_SLOT, None)
    ui.job_panel(RUN_SLOT, lambda job: f"Planning run finished (job #{job['id']}).")


def _firm(c: api.Client, table: pd.DataFrame) -> None:
    documents = st.session_state.pop(FIRMED_KEY, None)
    if documents:
        st.success(f"Firmed as draft documents: {', '.join(sorted(set(documents)))}.", icon=":material/task_alt:")
    open_rows = table[table["firmed as"] == ""]
    if not c.may_plan() or open_rows.empty:
        return
    st.subheader("Firm planned orders")
    labels = {
        int(
            row["id"]
        ): f"#{row['#']} {row['type']} {row['material']} {ui.qty(row['qty'])} {row['unit']} due {row['due']}"
        for _, row in open_rows.iterrows()
    }
    chosen = st.multiselect("Planned orders to firm", list(labels), format_func=labels.get, key="to_firm")
    if st.button("Firm selected", type="primary", icon=":material/task_alt:", disabled=not chosen):
        with api.shown_errors("Could not firm"):
            firmed = c.post(f"{ORDERS}firm/", {"ids": chosen})
        api.forget_reads()
        st.session_state[FIRMED_KEY] = [o.get("work_order_number") or o.get("purchase_order_number") for o in firmed]
        st.session_state.pop("to_firm", None)
        st.rerun()


def render() -> None:
    c = ui.client()
    st.title("Planning")
    _start_run(c)
    with api.shown_errors("Could not load planning runs"):
        runs = c.get(RUNS, {"ordering": "-id", "page_size": 50})["results"]
    if not runs:
        st.info("No planning runs yet.")
        return
    run = st.selectbox("Run", runs, format_func=run_label, key="run")
    if run.get("status") != "succeeded":
        st.info(f"Run #{run['id']} is {run.get('status') or 'waiting'}: its results appear when it finishes.")
        return
    with api.shown_errors("Could not load the run's results"):
        orders = api.cached_list(c, ORDERS, {"run": run["id"], "ordering": "seq"})
        exceptions = api.cached_list(c, EXCEPTIONS, {"run": run["id"]})
        capacity = api.cached_list(c, CAPACITY, {"run": run["id"], "ordering": "week"})
    table = orders_table(orders)
    cols = st.columns(4)
    cols[0].metric("Planned work orders", int((table["type"] == "make").sum()))
    cols[1].metric("Planned purchase orders", int((table["type"] == "buy").sum()))
    cols[2].metric("Exceptions", len(exceptions))
    cols[3].metric("Overloaded machine-weeks", sum(1 for r in capacity if r["overloaded"]))

    st.subheader("Machine load")
    if capacity:
        st.plotly_chart(load_figure(capacity), key="load")
    else:
        st.caption("No work order of this run loads a machine group.")

    st.subheader("Planned orders")
    kinds = st.segmented_control("Show", ["all", "make", "buy"], default="all", key="kind")
    shown = table if kinds in (None, "all") else table[table["type"] == kinds]
    st.dataframe(
        shown.drop(columns=["id"]),
        hide_index=True,
        key="orders",
        column_config={"qty": st.column_config.NumberColumn(format="%.1f")},
    )
    _firm(c, table)

    st.subheader("Exceptions")
    if exceptions:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "severity": e["severity"],
                        "code": e["code"],
                        "material": e.get("material_code") or e.get("machine_group_code") or "",
                        "week": e.get("week"),
                        "message": e["message"],
                    }
                    for e in exceptions
                ]
            ),
            hide_index=True,
            key="exceptions",
        )
    else:
        st.caption("This run found nothing to flag.")


if __name__ == "__main__":
    render()
