"""Models: the registry's versions and metrics, the champion, promote/rollback, retraining."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench import api, ui

MODELS = "/api/v1/ml/models/"
TRAINABLE = {
    "demand_forecast": ["auto", "snaive", "naive", "naive2", "ses", "holt", "damped", "ets", "theta", "ces", "arima"],
    "inventory_surrogate": ["random_forest"],
}
MONITORING = "/api/v1/ml/monitoring/"


def registry_table(versions: list[dict]) -> pd.DataFrame:
    """One row per version, its metrics spread into columns (numbers only)."""
    rows = []
    for v in versions:
        metrics = {k: val for k, val in (v.get("metrics") or {}).items() if isinstance(val, int | float)}
        rows.append(
            {
                "id": v["id"],
                "model": v["name"],
                "version": v["version"],
                "champion": v["is_champion"],
                "algorithm": v["algorithm"],
                **metrics,
                "created by": v.get("created_by"),
                "created": v["created_at"][:16].replace("T", " "),
            }
        )
    return pd.DataFrame(rows)


def champions(versions: list[dict]) -> dict[str, dict]:
    return {v["name"]: v for v in versions if v["is_champion"]}


def _registry_actions(c: api.Client, versions: list[dict]) -> None:
    st.subheader("Champion")
    if not c.may_plan():
        st.caption("Only planners promote or roll back models.")
        return
    left, right = st.columns(2)
    with left:
        version = st.selectbox(
            "Version to promote",
            versions,
            format_func=lambda v: (
                f"{v['name']} v{v['version']} ({v['algorithm']})" + (" ★" if v["is_champion"] else "")
            ),
            key="promote_version",
        )
        if st.button("Promote to champion", icon=":material/military_tech:"):
            with api.shown_errors("Promote refused"):
                promoted = c.post(f"{MODELS}{version['id']}/promote/")
            api.forget_reads()
            st.session_state["models_notice"] = f"{promoted['name']} v{promoted['version']} is now the champion."
            st.rerun()
    with right:
        names = sorted({v["name"] for v in versions})
        name = st.selectbox("Model to roll back", names, key="rollback_name")
        if st.button("Roll back champion", icon=":material/undo:"):
            target = next(v for v in versions if v["name"] == name)
            with api.shown_errors("Rollback refused"):
                back = c.post(f"{MODELS}{target['id']}/rollback/")
            api.forget_reads()
            st.session_state["models_notice"] = f"{back['name']} rolled back: v{back['version']} is the champion."
            st.rerun()


def _retrain(c: api.Client) -> None:
    st.subheader("Retrain")
    if not c.may_plan():
        st.caption("Only planners start training.")
        return
    cols = st.columns(4)
    model = cols[0].selectbox("Model", list(TRAINABLE), key="train_model")
    algorithm = cols[1].selectbox("Algorithm", TRAINABLE[model], key="train_algorithm")
    seed = cols[2].number_input("Seed", min_value=0, value=42, step=1, key="train_seed")
    params: dict = {"model": model, "seed": int(seed)}
    if model == "demand_forecast":
        params.update(algorithm=algorithm, horizon=int(cols[3].number_input("Backtest weeks", 1, 52, 8, key="bt")))
    else:
        params["n_cases"] = int(cols[3].number_input("Training cases", 50, 50000, 1500, step=50, key="n_cases"))
    if st.button("Train", type="primary", icon=":material/model_training:"):
        with api.shown_errors("Training refused"):
            ui.start_job(c, "train", "train", params)
    ui.job_panel(
        "train",
        lambda job: (
            f"Trained {job['result'].get('model')} v{job['result'].get('version')}: "
            + ", ".join(f"{k} {v}" for k, v in (job["result"].get("metrics") or {}).items())
        ),
    )


def accuracy_table(monitoring: dict) -> pd.DataFrame:
    columns = ["week", "model_wape", "pairs", "override_wape", "model_wape_on_overrides", "override_pairs"]
    return pd.DataFrame(monitoring.get("accuracy") or [], columns=columns)


def drift_table(monitoring: dict) -> pd.DataFrame:
    return pd.DataFrame(monitoring.get("drift") or [], columns=["week", "total_demand", "z", "drifted"])


def accuracy_figure(accuracy: pd.DataFrame, backtest_wape: float | None) -> go.Figure:
    figure = go.Figure()
    for column, name in (
        ("model_wape", "model (all forecasts)"),
        ("model_wape_on_overrides", "model, on overridden weeks"),
        ("override_wape", "planner overrides"),
    ):
        figure.add_trace(go.Scatter(x=accuracy["week"], y=accuracy[column], name=name, mode="lines+markers"))
    if backtest_wape is not None:
        figure.add_hline(y=backtest_wape, line_dash="dot", annotation_text="backtest WAPE")
    figure.update_layout(
        title="Live WAPE per week (lower is better)",
        height=320,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis={"tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def drift_figure(drift: pd.DataFrame) -> go.Figure:
    colors = ["#d62728" if flagged else "#1f77b4" for flagged in drift["drifted"]]
    figure = go.Figure(go.Bar(x=drift["week"], y=drift["z"], marker_color=colors, name="z"))
    for bound in (-3, 3):
        figure.add_hline(y=bound, line_dash="dot", line_color="#d62728")
    figure.update_layout(
        title="Input drift: total weekly demand against the year before training (z-score)",
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return figure


def _monitoring(c: api.Client) -> None:
    st.subheader("Live accuracy and drift of the demand forecast")
    weeks = st.slider("Weeks", 4, 52, 12, key="monitor_weeks")
    try:
        monitoring = api.cached_get(c, MONITORING, {"weeks": weeks})
    except api.ApiError as exc:
        if exc.status == 404:
            st.caption("Live monitoring is not served by this API yet.")
            return
        raise
    champion = monitoring.get("champion")
    if champion is None:
        st.caption("No champion demand forecast yet.")
        return
    accuracy, drift = accuracy_table(monitoring), drift_table(monitoring)
    backtest = (champion.get("backtest") or {}).get("wape")
    scored = accuracy[accuracy["pairs"] > 0]
    cols = st.columns(3)
    cols[0].metric("Backtest WAPE", ui.percent(backtest) if backtest is not None else "—")
    live = (scored["model_wape"] * scored["pairs"]).sum() / scored["pairs"].sum() if len(scored) else None
    cols[1].metric("Live WAPE (pair-weighted)", ui.percent(live) if live is not None else "—")
    cols[2].metric("Weeks drifted (|z| > 3)", int(drift["drifted"].sum()) if len(drift) else 0)
    st.caption(
        f"Champion v{champion['version']} ({champion['algorithm']}). Live accuracy counts forecasts made before "
        "their week began; overrides are compared on the same article-weeks."
    )
    if len(scored):
        st.plotly_chart(accuracy_figure(accuracy, backtest), key="accuracy")
    else:
        st.caption("No week has both a forecast made in advance and its actual demand yet.")
    st.dataframe(accuracy, hide_index=True, key="accuracy_table")
    if len(drift):
        st.plotly_chart(drift_figure(drift), key="drift")
    st.dataframe(drift, hide_index=True, key="drift_table")


def render() -> None:
    c = ui.client()
    st.title("Models")
    notice = st.session_state.pop("models_notice", None)
    if notice:
        st.success(notice)
    with api.shown_errors("Could not load the registry"):
        versions = api.cached_list(c, MODELS)
    if versions:
        cols = st.columns(max(1, len(champions(versions))))
        for col, (name, champion) in zip(cols, sorted(champions(versions).items()), strict=False):
            col.metric(f"{name} champion", f"v{champion['version']}", help=champion["algorithm"])
        st.dataframe(registry_table(versions), hide_index=True, key="registry")
        _registry_actions(c, versions)
    else:
        st.info("The registry is empty: train a first model below.")
    _retrain(c)
    with api.shown_errors("Could not load monitoring"):
        _monitoring(c)


if __name__ == "__main__":
    render()
