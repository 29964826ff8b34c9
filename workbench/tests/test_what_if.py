"""Stock what-if: the numbers shown are the API's answer; applying sets the reorder rule."""

from __future__ import annotations

from workbench import ui

from .conftest import api_get, open_page

WHAT_IF = "/api/v1/ml/what-if/"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def answer(stack, params: dict) -> dict:
    response = stack.call("POST", WHAT_IF, as_user="planner", json={"params": params, "curve": True})
    assert response.status_code == 200, response.text
    return response.json()


def test_recommendation_shown_is_the_apis_and_moves_with_the_service_level(stack, mill):
    at = open_page(stack, "planner", "pages/what_if.py")
    material = at.selectbox(key="material").value
    params = {
        "material": material["id"],
        "service_level": 0.95,
        "lead_time_mean": 2.0,
        "lead_time_std": 0.5,
        "ordering_cost": 50.0,
        "holding_cost": 0.2,
    }
    expected = answer(stack, params)
    shown = metrics(at)
    assert shown["Reorder point"] == ui.qty(expected["reorder_point"])
    assert shown["Order-up-to level"] == ui.qty(expected["order_up_to"])
    assert shown["Expected cost per week"] == ui.money(expected["expected_cost"])
    assert shown["Fill rate"] == ui.percent(expected["fill_rate"], 2)

    at.slider(key="service_level").set_value(0.99)
    at.run()
    higher = answer(stack, {**params, "service_level": 0.99})
    assert metrics(at)["Reorder point"] == ui.qty(higher["reorder_point"])
    assert higher["reorder_point"] > expected["reorder_point"]


def test_current_rule_is_compared_and_applying_sets_it(stack, mill):
    sj = mill["articles"][0]
    at = open_page(stack, "planner", "pages/what_if.py")
    code = mill["article_codes"][0]
    at.selectbox(key="material").set_value(api_get(stack, "/api/v1/inventory/materials/", code=code)["results"][0])
    at.run()
    rule = api_get(stack, "/api/v1/inventory/reorder-rules/", material=sj)["results"][0]
    table = at.dataframe[0].value
    assert list(table["current rule"]) == [float(rule["min_qty"]), float(rule["max_qty"])]
    params = {
        "material": sj,
        "service_level": 0.95,
        "lead_time_mean": 2.0,
        "lead_time_std": 0.5,
        "ordering_cost": 50.0,
        "holding_cost": 0.2,
    }
    expected = answer(stack, params)
    assert list(table["recommended"]) == [round(expected["reorder_point"], 1), round(expected["order_up_to"], 1)]

    apply = next(b for b in at.button if b.label == "Apply as rule")
    apply.click()
    at.run()
    for _ in range(120):
        if any("Reorder rule of" in s.value for s in at.success):
            break
        at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    recommendation = api_get(stack, "/api/v1/ml/recommendations/", material=sj, accepted="true")["results"][0]
    rule = api_get(stack, "/api/v1/inventory/reorder-rules/", material=sj)["results"][0]
    assert float(rule["min_qty"]) == float(recommendation["reorder_point"])
    assert float(rule["max_qty"]) == float(recommendation["order_up_to"])
    assert any(s.value.endswith(f"min {ui.qty(rule['min_qty'])}, max {ui.qty(rule['max_qty'])}.") for s in at.success)


def test_roles_that_may_not_plan_see_no_apply_button(stack):
    at = open_page(stack, "purchaser", "pages/what_if.py")
    assert not at.error
    assert "Apply as rule" not in [b.label for b in at.button]
    assert "Only planners and admins change reorder rules." in [c.value for c in at.caption]


def test_a_material_without_demand_asks_for_it(stack, mill):
    at = open_page(stack, "planner", "pages/what_if.py")
    greige = api_get(stack, "/api/v1/inventory/materials/", code="GRG-SJ")["results"][0]
    at.selectbox(key="material").set_value(greige)
    at.run()
    assert not at.error and not at.metric
    assert at.warning[0].value.endswith("switch on “Set demand myself” and enter it.")
    at.toggle(key="own_demand").set_value(True)
    at.run()
    params = {
        "material": greige["id"],
        "service_level": 0.95,
        "lead_time_mean": 2.0,
        "lead_time_std": 0.5,
        "ordering_cost": 50.0,
        "holding_cost": 0.2,
        "demand_mean": 100.0,
        "demand_std": 20.0,
    }
    expected = answer(stack, params)
    assert metrics(at)["Reorder point"] == ui.qty(expected["reorder_point"])
