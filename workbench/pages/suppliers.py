"""Suppliers side by side: scorecard criteria, ML score, on-time trend, prices, ranking, radar."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from workbench import api, ui

SUPPLIERS = "/api/v1/procurement/suppliers/"
SCORECARDS = "/api/v1/procurement/scorecards/"
PRICES = "/api/v1/procurement/price-lists/"
ML_SCORES = "/api/v1/ml/supplier-scores/"
CRITERIA = ["on_time", "accept_rate", "price_variance", "lead_time_variability", "ml_score"]
CRITERION_NAMES = {
    "on_time": "on time",
    "accept_rate": "accepted",
    "price_variance": "price",
    "lead_time_variability": "lead-time steadiness",
    "ml_score": "ML score",
}
STANDING_COLORS = {"good": "#2ca02c", "average": "#ff7f0e", "poor": "#d62728", "very_poor": "#7f0000"}


def _float(value):
    return None if value in (None, "") else float(value)


def latest_cards(cards: list[dict]) -> dict[int, dict]:
    """Each supplier's newest monthly scorecard."""
    newest: dict[int, dict] = {}
    for card in cards:
        if card["supplier"] not in newest or card["period"] > newest[card["supplier"]]["period"]:
            newest[card["supplier"]] = card
    return newest


def criteria_table(chosen: list[dict], newest: dict[int, dict]) -> pd.DataFrame:
    """Criterion scores (0–100) of each supplier's newest scorecard, one column per supplier."""
    rows = []
    for key in CRITERIA:
        row = {"criterion": CRITERION_NAMES[key]}
        for supplier in chosen:
            card = newest.get(supplier["id"])
            part = (card or {}).get("breakdown", {}).get(key) or {}
            row[supplier["code"]] = _float(part.get("score"))
        rows.append(row)
    return pd.DataFrame(rows)


def ml_scores_by_supplier(rows: list[dict] | None) -> dict[int, dict]:
    if not rows:
        return {}
    newest: dict[int, dict] = {}
    for row in rows:
        key = row.get("supplier")
        stamp = str(row.get("period") or row.get("created_at") or "")
        if key not in newest or stamp > str(newest[key].get("period") or newest[key].get("created_at") or ""):
            newest[key] = row
    return newest


def ranking_table(
    chosen: list[dict],
    newest: dict[int, dict],
    on_time: dict[int, dict],
    prices: dict[int, float | None],
    ml: dict[int, dict],
) -> pd.DataFrame:
    rows = []
    for supplier in chosen:
        card = newest.get(supplier["id"]) or {}
        rows.append(
            {
                "supplier": supplier["code"],
                "name": supplier["name"],
                "score": _float(card.get("score")),
                "standing": card.get("standing"),
                "period": card.get("period"),
                "on-time 12 mo": _float((on_time.get(supplier["id"]) or {}).get("rate")),
                "mean price": prices.get(supplier["id"]),
                "ML score": _float((ml.get(supplier["id"]) or {}).get("score")),
            }
        )
    frame = pd.DataFrame(rows).sort_values("score", ascending=False, na_position="last").reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def on_time_trend(cards: list[dict], codes: dict[int, str]) -> pd.DataFrame:
    rows = [
        {
            "supplier": codes.get(card["supplier"], card["supplier_code"]),
            "month": card["period"],
            "on-time rate": _float(card["breakdown"].get("on_time", {}).get("value")),
            "score": _float(card["score"]),
        }
        for card in cards
        if card["supplier"] in codes
    ]
    return pd.DataFrame(rows, columns=["supplier", "month", "on-time rate", "score"]).sort_values(["supplier", "month"])


def price_table(prices: list[dict], chosen: list[dict]) -> pd.DataFrame:
    if not prices:
        return pd.DataFrame(columns=["material"])
    frame = pd.DataFrame(prices)
    frame["price"] = frame["price"].astype(float)
    pivot = frame.pivot_table(index="material_code", columns="supplier_code", values="price", aggfunc="min")
    pivot = pivot.reindex(columns=[s["code"] for s in chosen])
    return pivot.reset_index().rename(columns={"material_code": "material"})


def radar_figure(criteria: pd.DataFrame, chosen: list[dict]) -> go.Figure:
    figure = go.Figure()
    labels = list(criteria["criterion"])
    for supplier in chosen:
        values = [v if v == v and v is not None else 0 for v in criteria[supplier["code"]]]
        figure.add_trace(
            go.Scatterpolar(r=values + values[:1], theta=labels + labels[:1], fill="toself", name=supplier["code"])
        )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 100]}}, height=420, margin={"l": 30, "r": 30, "t": 30, "b": 30}
    )
    return figure


def _optional(c: api.Client, path: str, params: dict) -> list[dict] | None:
    """Rows of a route that may not exist on this API yet (None when it does not)."""
    try:
        return api.cached_list(c, path, params)
    except api.ApiError as exc:
        if exc.status == 404:
            return None
        raise


def _contributions(row: dict) -> dict[str, float]:
    for key in ("contributions", "feature_contributions", "explanation"):
        value = row.get(key)
        if isinstance(value, dict):
            return {
                str(k): float(v)
                for k, v in value.items()
                if isinstance(v, int | float) and k not in ("score", "reference_score")
            }
    return {}


def render() -> None:
    c = ui.client()
    st.title("Suppliers")
    with api.shown_errors("Could not load suppliers"):
        suppliers = api.cached_list(c, SUPPLIERS, {"is_active": "true"})
    if len(suppliers) < 2:
        st.info("Comparing needs at least two active suppliers.")
        return
    chosen = st.multiselect(
        "Suppliers to compare (2–5)",
        suppliers,
        default=suppliers[: min(3, len(suppliers))],
        format_func=lambda s: f"{s['code']} — {s['name']}",
        max_selections=5,
        key="suppliers",
    )
    if len(chosen) < 2:
        st.info("Pick two to five suppliers.")
        return
    codes = {s["id"]: s["code"] for s in chosen}
    with api.shown_errors("Could not load supplier figures"):
        cards = [card for s in chosen for card in api.cached_list(c, SCORECARDS, {"supplier": s["id"]})]
        on_time = {s["id"]: api.cached_get(c, f"{SUPPLIERS}{s['id']}/on-time-rate/") for s in chosen}
        prices = [p for s in chosen for p in api.cached_list(c, PRICES, {"supplier": s["id"]})]
        ml_rows = _optional(c, ML_SCORES, {"latest": "true"})
    newest = latest_cards(cards)
    mean_price = {
        s["id"]: (
            sum(float(p["price"]) for p in prices if p["supplier"] == s["id"])
            / max(1, sum(1 for p in prices if p["supplier"] == s["id"]))
            if any(p["supplier"] == s["id"] for p in prices)
            else None
        )
        for s in chosen
    }
    ml = ml_scores_by_supplier(ml_rows)
    criteria = criteria_table(chosen, newest)
    ranking = ranking_table(chosen, newest, on_time, mean_price, ml)

    st.subheader("Ranking")
    st.dataframe(
        ranking,
        hide_index=True,
        key="ranking",
        column_config={
            "score": st.column_config.ProgressColumn("score", min_value=0, max_value=100, format="%.2f"),
            "on-time 12 mo": st.column_config.NumberColumn(format="percent"),
        },
    )
    bands = px.bar(
        ranking,
        x="supplier",
        y="score",
        color="standing",
        color_discrete_map=STANDING_COLORS,
        range_y=[0, 100],
        title="Scorecard score and standing (newest month)",
        height=320,
    )
    left, right = st.columns(2)
    left.plotly_chart(bands, key="bands")
    right.plotly_chart(radar_figure(criteria, chosen), key="radar")

    st.subheader("Scorecard criteria (0–100)")
    st.dataframe(criteria, hide_index=True, key="criteria")

    st.subheader("On-time trend")
    trend = on_time_trend(cards, codes)
    if trend.empty:
        st.caption("No scorecards yet: compute them on the procurement side.")
    else:
        figure = px.line(trend, x="month", y="on-time rate", color="supplier", markers=True, height=320)
        figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
        st.plotly_chart(figure, key="trend")

    st.subheader("Prices")
    st.dataframe(price_table(prices, chosen), hide_index=True, key="prices")

    st.subheader("ML supplier score")
    if ml_rows is None:
        st.caption("The ML supplier score is not served by this API yet.")
    elif not ml:
        st.caption("No ML supplier scores yet: a purchaser or planner runs a score_suppliers job.")
    else:
        for supplier in chosen:
            row = ml.get(supplier["id"])
            if not row:
                continue
            parts = _contributions(row)
            reference = (row.get("contributions") or {}).get("reference_score")
            baseline = f" (an average supplier scores {ui.qty(reference)})" if reference is not None else ""
            st.markdown(f"**{supplier['code']}**: ML score {ui.qty(row.get('score'))}{baseline}")
            if parts:
                frame = pd.DataFrame({"feature": list(parts), "contribution": list(parts.values())})
                figure = px.bar(frame.sort_values("contribution"), x="contribution", y="feature", orientation="h")
                st.plotly_chart(figure, key=f"ml-{supplier['code']}")


if __name__ == "__main__":
    render()
