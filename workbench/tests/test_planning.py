"""Planning page: a run started here is the API's run; its orders, load and exceptions are shown; firming works."""

from __future__ import annotations

import pytest

from workbench import ui
from workbench.pages.planning import orders_table, peg_text

from .conftest import api_get, open_page

RUNS = "/api/v1/planning/runs/"
ORDERS = "/api/v1/planning/planned-orders/"


def wait_for_success(at, text: str, tries: int = 200):
    for _ in range(tries):
        if any(text in s.value for s in at.success):
            return
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        at.run()
    raise AssertionError(f"no success message containing {text!r}")


@pytest.fixture(scope="module")
def planned(stack, mill):
    """A 6-week run started from the page by the planner."""
    at = open_page(stack, "planner", "pages/planning.py")
    at.number_input(key="horizon").set_value(6)
    at.text_input(key="note").input("from the workbench")
    next(b for b in at.button if b.label == "Start planning run").click()
    at.run()
    wait_for_success(at, "Planning run finished")
    run = api_get(stack, RUNS, ordering="-id")["results"][0]
    assert run["note"] == "from the workbench" and run["horizon_weeks"] == 6 and run["status"] == "succeeded"
    return run


def test_the_run_started_here_shows_the_apis_orders_load_and_exceptions(stack, mill, planned):
    at = open_page(stack, "planner", "pages/planning.py")
    assert at.selectbox(key="run").value["id"] == planned["id"]
    orders = api_get(stack, ORDERS, run=planned["id"], page_size=200)["results"]
    exceptions = api_get(stack, "/api/v1/planning/exceptions/", run=planned["id"], page_size=200)
    capacity = api_get(stack, "/api/v1/planning/capacity/", run=planned["id"], page_size=200)["results"]
    makes = [o for o in orders if o["order_type"] == "work_order"]
    buys = [o for o in orders if o["order_type"] == "purchase_order"]
    # The dyed jersey is made on the jet from greige, and the greige is bought from a supplier.
    assert makes and all(o["material_code"] == "FIN-SJ180" and o["machine_group_code"] == "JET" for o in makes)
    assert buys and all(o["material_code"] == "GRG-SJ" and o["supplier_code"] for o in buys)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Planned work orders"] == str(len(makes))
    assert shown["Planned purchase orders"] == str(len(buys))
    assert shown["Exceptions"] == str(exceptions["count"])
    assert shown["Overloaded machine-weeks"] == str(sum(r["overloaded"] for r in capacity))

    table = at.dataframe[0].value
    assert list(table["material"]) == [o["material_code"] for o in sorted(orders, key=lambda o: o["seq"])]
    assert list(table["qty"]) == [float(o["qty"]) for o in sorted(orders, key=lambda o: o["seq"])]
    assert all(table["serves"].str.len() > 0), "every planned order says what it serves"

    load = at.get("plotly_chart")[0].proto.spec
    assert '"JET load"' in load and '"JET capacity"' in load
    if exceptions["count"]:
        assert len(at.dataframe[1].value) == exceptions["count"]


def test_firming_selected_orders_creates_draft_documents(stack, mill, planned):
    at = open_page(stack, "planner", "pages/planning.py")
    orders = api_get(stack, ORDERS, run=planned["id"], firmed="false", page_size=200)["results"]
    make = next(o for o in orders if o["order_type"] == "work_order")
    buy = next(o for o in orders if o["order_type"] == "purchase_order")
    at.multiselect(key="to_firm").set_value([make["id"], buy["id"]])
    at.run()
    next(b for b in at.button if b.label == "Firm selected").click()
    at.run()
    if not at.success:  # the page reruns after a write, so that every read is fresh
        at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    make = api_get(stack, f"{ORDERS}{make['id']}/")
    buy = api_get(stack, f"{ORDERS}{buy['id']}/")
    assert make["firmed"] and make["work_order_number"]
    assert buy["firmed"] and buy["purchase_order_number"]
    message = at.success[0].value
    assert make["work_order_number"] in message and buy["purchase_order_number"] in message
    work_order = api_get(stack, f"/api/v1/production/work-orders/{make['work_order']}/")
    assert work_order["status"] == "draft" and float(work_order["planned_qty"]) == float(make["qty"])
    purchase = api_get(stack, f"/api/v1/procurement/purchase-orders/{buy['purchase_order']}/")
    assert purchase["status"] == "draft" and purchase["supplier"] == buy["supplier"]
    # Firmed orders leave the list of orders to firm and show their document in the table.
    still_open = [w for w in at.multiselect if w.key == "to_firm"]
    assert all(make["id"] not in w.options and buy["id"] not in w.options for w in still_open)
    table = at.dataframe[0].value
    assert make["work_order_number"] in list(table["firmed as"])


def test_roles_that_may_not_plan_see_results_but_no_run_or_firm_actions(stack, planned):
    at = open_page(stack, "purchaser", "pages/planning.py")
    labels = [b.label for b in at.button]
    assert "Start planning run" not in labels and "Firm selected" not in labels
    assert "Only planners and admins start planning runs and firm planned orders." in [c.value for c in at.caption]
    assert at.dataframe[0].value.shape[0] > 0


def test_orders_table_and_pegging_read_as_a_planner_expects():
    orders = [
        {
            "id": 9,
            "seq": 2,
            "order_type": "purchase_order",
            "material_code": "GRG",
            "supplier_code": "KNIT-A",
            "start_date": "2025-01-06",
            "due_date": "2025-01-20",
            "qty": "150.000",
            "unit": "m",
            "pegging": [
                {"kind": "planned_order", "seq": 1, "material": "FIN", "qty": "105"},
                {"kind": "safety_stock", "qty": "45"},
            ],
        }
    ]
    row = orders_table(orders).iloc[0]
    assert (row["type"], row["supplier / machines"], row["qty"], row["firmed as"]) == ("buy", "KNIT-A", 150.0, "")
    assert row["serves"] == "planned order #1 (FIN) 105; safety stock 45"
    line = {"kind": "sales_order_line", "order": "SO-7", "line_no": 2, "qty": "60", "requested_date": "2025-01-29"}
    assert peg_text(line) == "SO-7/2 60 by 2025-01-29"
    assert peg_text({"kind": "forecast", "week": "2025-02-03", "qty": "80"}) == "forecast 80 in week 2025-02-03"
    assert ui.qty(150) == "150.0"
