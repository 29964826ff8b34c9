"""Models page: the registry as the API has it; promote, roll back and retrain move it."""

from __future__ import annotations

from .conftest import api_get, open_page


def champion_of(stack, name: str) -> int:
    return next(v["version"] for v in api_get(stack, "/api/v1/ml/models/", name=name)["results"] if v["is_champion"])


def test_registry_table_is_the_apis(stack, mill):
    at = open_page(stack, "planner", "pages/models.py")
    table = at.dataframe[0].value
    versions = api_get(stack, "/api/v1/ml/models/", page_size=200)["results"]
    assert list(zip(table["model"], table["version"], table["champion"], strict=True)) == [
        (v["name"], v["version"], v["is_champion"]) for v in versions
    ]
    forecaster = table[table["model"] == "demand_forecast"].iloc[0]
    assert forecaster["smape"] == mill["forecaster"]["metrics"]["smape"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["demand_forecast champion"] == f"v{champion_of(stack, 'demand_forecast')}"


def test_live_accuracy_and_drift_are_the_apis(stack, mill):
    at = open_page(stack, "planner", "pages/models.py")
    monitoring = api_get(stack, "/api/v1/ml/monitoring/", weeks=12)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Backtest WAPE"] == f"{100 * monitoring['champion']['backtest']['wape']:.1f}%"
    assert metrics["Weeks drifted (|z| > 3)"] == str(sum(d["drifted"] for d in monitoring["drift"]))
    accuracy, drift = at.dataframe[1].value, at.dataframe[2].value
    assert [w.isoformat() if hasattr(w, "isoformat") else w for w in accuracy["week"]] == [
        row["week"] for row in monitoring["accuracy"]
    ]
    assert list(accuracy["pairs"]) == [row["pairs"] for row in monitoring["accuracy"]]
    assert list(drift["z"]) == [row["z"] for row in monitoring["drift"]] and len(drift) > 0
    at.slider(key="monitor_weeks").set_value(4)
    at.run()
    assert len(at.dataframe[1].value) == 4


def test_retrain_promote_and_roll_back(stack, mill):
    at = open_page(stack, "planner", "pages/models.py")
    at.selectbox(key="train_model").set_value("inventory_surrogate")
    at.run()
    at.number_input(key="n_cases").set_value(60)
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    for _ in range(240):
        if at.success:
            break
        at.run()
    assert at.success[0].value.startswith("Trained inventory_surrogate v2: held_out_cases ")
    assert champion_of(stack, "inventory_surrogate") == 1  # a new version waits to be promoted

    rows = api_get(stack, "/api/v1/ml/models/", name="inventory_surrogate")["results"]
    at.selectbox(key="promote_version").set_value(next(v for v in rows if v["version"] == 2))
    next(b for b in at.button if b.label == "Promote to champion").click()
    at.run()
    assert at.success[0].value == "inventory_surrogate v2 is now the champion."
    assert champion_of(stack, "inventory_surrogate") == 2

    at.selectbox(key="rollback_name").set_value("inventory_surrogate")
    next(b for b in at.button if b.label == "Roll back champion").click()
    at.run()
    assert at.success[0].value == "inventory_surrogate rolled back: v1 is the champion."
    assert champion_of(stack, "inventory_surrogate") == 1
