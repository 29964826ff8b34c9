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
    assert "Live monitoring is not served by this API yet." in [c.value for c in at.caption]


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
