"""Quality: defect Pareto and 4-point scores (points per 100 yd²) by supplier and article over time."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench import api, ui

INSPECTIONS = "/api/v1/quality/roll-inspections/"
SCANS = "/api/v1/ml/defect-scans/"
SCAN_KEY = "weft_scan"
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


def defect_map_figure(defect_map: list[list[float]]) -> go.Figure:
    """The CNN's defect probability per tile of the scan."""
    figure = go.Figure(go.Heatmap(z=defect_map, zmin=0, zmax=1, colorscale="Reds", colorbar={"title": "p(defect)"}))
    figure.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title="Defect map")
    figure.update_yaxes(autorange="reversed", showticklabels=False)
    figure.update_xaxes(showticklabels=False)
    return figure


def verdict_line(scan: dict) -> str:
    if not scan.get("verdict"):
        return f"Scan #{scan['id']}: waiting for the CNN."
    probability, threshold = float(scan["probability"]), float(scan["threshold"])
    word = "DEFECT" if scan["verdict"] == "defect" else "OK"
    return f"Scan #{scan['id']}: {word} (p = {probability:.3f}, threshold {threshold:.3f})"


def _scans(c: api.Client) -> None:
    st.subheader("Fabric scan check")
    inspector = any(role in ("quality", "admin") for role in c.roles) or bool(c.auth.get("is_superuser"))
    upload = None
    if inspector:
        upload = st.file_uploader("Upload a fabric scan", type=["png", "jpg", "jpeg", "bmp", "tif", "tiff"])
    else:
        st.caption("Quality inspectors upload scans; everyone sees the verdicts.")
    if upload is not None and st.button("Check scan", type="primary", icon=":material/document_scanner:"):
        with api.shown_errors("Scan refused"):
            scan = c.request("POST", SCANS, files={"image": (upload.name, upload.getvalue(), upload.type)})
        st.session_state[SCAN_KEY] = scan["id"]
        st.session_state.setdefault(ui.RUNNING_KEY, {})["scan"] = scan["job"]
        ui.forget_finished("scan")
    ui.job_panel("scan", lambda job: f"The CNN looked at scan #{job['params'].get('scan')}.")
    with api.shown_errors("Could not load scans"):
        scans = api.cached_get(c, SCANS, {"page_size": 20})["results"]
    if not scans:
        st.caption("No scans checked yet.")
        return
    by_id = {s["id"]: s for s in scans}
    ids = list(by_id)
    chosen_id = st.session_state.get(SCAN_KEY)
    # Ids, not rows, as options: a labelled scan is a changed row but the same choice.
    picked = st.selectbox(
        "Scan",
        ids,
        index=ids.index(chosen_id) if chosen_id in ids else 0,
        format_func=lambda i: verdict_line(by_id[i]),
        key="scan_pick",
    )
    scan = by_id[picked]
    if scan["verdict"] == "defect":
        st.error(verdict_line(scan), icon=":material/report:")
    elif scan["verdict"]:
        st.success(verdict_line(scan), icon=":material/check_circle:")
    else:
        st.info(verdict_line(scan))
    left, right = st.columns(2)
    if scan.get("image"):
        try:
            left.image(c.request("GET", scan["image"].replace(c.api_url, "")), caption="scan")
        except api.ApiError:
            left.caption("The scan image is not available.")
    if scan.get("defect_map"):
        right.plotly_chart(defect_map_figure(scan["defect_map"]), key="defect_map")
    if scan.get("inspector_label"):
        st.caption(
            f"Inspector {scan.get('labelled_by') or ''} said: {scan['inspector_label']}. {scan.get('inspector_note') or ''}"
        )
    elif inspector and scan.get("verdict"):
        note = st.text_input("Note for the label (optional)", key="scan_note")
        confirm, overrule = st.columns(2)
        for column, label, text in ((confirm, "defect", "It is defective"), (overrule, "ok", "It is OK")):
            if column.button(text, key=f"label-{label}"):
                with api.shown_errors("Label refused"):
                    c.post(f"{SCANS}{scan['id']}/label/", {"label": label, "note": note})
                api.forget_reads()
                st.rerun()


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
    cols[0].metric("Points per 100 yd²", ui.money(overall.get("value")))
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

    _scans(c)


if __name__ == "__main__":
    render()
