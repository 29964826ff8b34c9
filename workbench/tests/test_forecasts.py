"""Forecasts page: the table is the API's forecast, overrides replace a week, a new job is watched to the end."""

from __future__ import annotations

from datetime import date

from .conftest import api_get, open_page


def choose_articles(at, stack, codes: list[str]) -> None:
    rows = [api_get(stack, "/api/v1/inventory/materials/", code=code)["results"][0] for code in codes]
    at.multiselect(key="articles").set_value(rows)
    at.run()


def test_forecast_table_and_backtests_are_the_apis(stack, mill):
    at = open_page(stack, "planner", "pages/forecasts.py")
    sj, pq = mill["article_codes"][:2]
    choose_articles(at, stack, [sj, pq])
    table = at.dataframe[0].value
    for material_id, code in zip(mill["articles"][:2], (sj, pq), strict=True):
        expected = api_get(stack, "/api/v1/ml/forecasts/", material=material_id, latest="true")["results"]
        shown = table[table["material"] == code]
        assert len(shown) == len(expected) == 8
        assert [w.isoformat() for w in shown["week"]] == [f["week"] for f in expected]
        for column in ("yhat", "lo80", "hi80", "lo95", "hi95"):
            assert list(shown[column]) == [float(f[column]) for f in expected]
        assert list(shown["plan"]) == list(shown["yhat"])  # no override yet
    backtests = at.dataframe[1].value
    version = api_get(stack, "/api/v1/ml/models/", name="demand_forecast")["results"][-1]
    first = backtests[backtests["version"] == version["version"]].iloc[0]
    assert first["algorithm"] == "snaive" and first["smape"] == version["metrics"]["smape"]
    assert len(at.get("plotly_chart")) == 2
    csv = at.get("download_button")[0]
    assert not csv.proto.disabled


def test_search_filters_the_articles(stack, mill):
    at = open_page(stack, "planner", "pages/forecasts.py")
    at.text_input[0].input("rib")
    at.run()
    assert [o.split(" — ")[0] for o in at.multiselect(key="articles").options] == ["FIN-RIB"]
    at.text_input[0].input("no such article")
    at.run()
    assert "No article matches the search." in [i.value for i in at.info]


def test_override_a_week_with_a_reason(stack, mill):
    at = open_page(stack, "planner", "pages/forecasts.py")
    code = mill["article_codes"][1]
    choose_articles(at, stack, [code])
    week = at.selectbox(key="override_week").options[2]
    at.selectbox(key="override_week").set_value(date.fromisoformat(week))
    at.number_input(key="override_qty").set_value(432.0)
    at.text_input[1].input("trade fair order")
    next(b for b in at.button if b.label == "Save override").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value == f"Override saved: {code} week {week} = 432.0."
    saved = api_get(stack, "/api/v1/ml/forecast-overrides/", material=mill["articles"][1], is_active="true")
    assert [(o["week"], float(o["qty"]), o["reason"]) for o in saved["results"]] == [(week, 432.0, "trade fair order")]
    at.run()
    table = at.dataframe[0].value
    row = table[table["week"] == date.fromisoformat(week)].iloc[0]
    assert row["override"] == 432.0 and row["plan"] == 432.0


def test_an_override_without_reason_shows_the_apis_field_message(stack, mill):
    at = open_page(stack, "planner", "pages/forecasts.py")
    at.number_input(key="override_qty").set_value(10.0)
    next(b for b in at.button if b.label == "Save override").click()
    at.run()
    assert at.error[0].value.startswith("Override refused: ")
    assert "reason" in at.error[0].value


def test_run_a_forecast_job_and_watch_it_finish(stack, mill):
    at = open_page(stack, "planner", "pages/forecasts.py")
    rib = mill["article_codes"][2]
    choose_articles(at, stack, [rib])
    assert at.dataframe[0].value.empty
    at.slider(key="horizon").set_value(4)
    next(b for b in at.button if b.label == "Run forecast").click()
    at.run()
    assert at.get("progress"), "a running job shows its progress"
    for _ in range(240):
        if at.success:
            break
        at.run()
    assert at.success[0].value.endswith("done: 4 weeks for 1 article(s) with demand_forecast v1.")
    expected = api_get(stack, "/api/v1/ml/forecasts/", material=mill["articles"][2], latest="true")["results"]
    shown = at.dataframe[0].value
    assert list(shown["yhat"]) == [float(f["yhat"]) for f in expected] and len(expected) == 4


def test_viewer_may_read_but_not_plan(stack):
    at = open_page(stack, "viewer", "pages/forecasts.py")
    assert not at.error
    assert "Only planners override forecasts." in [c.value for c in at.caption]
    assert next(b for b in at.button if b.label == "Run forecast").disabled
