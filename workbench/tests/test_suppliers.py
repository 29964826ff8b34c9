"""Suppliers page: ranking, criteria and ML scores are the API's."""

from __future__ import annotations

from .conftest import api_get, open_page


def test_ranking_is_the_newest_scorecards_in_score_order(stack, mill):
    at = open_page(stack, "planner", "pages/suppliers.py")
    assert not at.error
    ranking = at.dataframe[0].value
    cards = api_get(stack, "/api/v1/procurement/scorecards/", page_size=200)["results"]
    newest = {}
    for card in cards:
        if card["supplier_code"] not in newest or card["period"] > newest[card["supplier_code"]]["period"]:
            newest[card["supplier_code"]] = card
    expected = sorted(newest.values(), key=lambda c: -float(c["score"]))
    assert list(ranking["score"]) == [float(c["score"]) for c in expected]
    assert list(ranking["standing"]) == [c["standing"] for c in expected]
    assert list(ranking["rank"]) == [1, 2, 3]
    for _, row in ranking.iterrows():
        supplier = mill["suppliers"][mill["supplier_codes"].index(row["supplier"])]
        rate = api_get(stack, f"/api/v1/procurement/suppliers/{supplier}/on-time-rate/")["rate"]
        assert row["on-time 12 mo"] == float(rate)
    scores = {
        s["supplier_code"]: float(s["score"])
        for s in api_get(stack, "/api/v1/ml/supplier-scores/", latest="true")["results"]
    }
    assert dict(zip(ranking["supplier"], ranking["ML score"], strict=True)) == scores
    assert ranking.loc[ranking["supplier"] == "KNIT-B", "mean price"].iloc[0] == 1.85


def test_criteria_and_prices_side_by_side(stack, mill):
    at = open_page(stack, "planner", "pages/suppliers.py")
    criteria = at.dataframe[1].value
    assert list(criteria.columns) == ["criterion", "KNIT-A", "KNIT-B", "KNIT-C"]
    card = api_get(stack, "/api/v1/procurement/scorecards/", supplier=mill["suppliers"][1], page_size=200)["results"][0]
    on_time = criteria[criteria["criterion"] == "on time"]["KNIT-B"].iloc[0]
    assert on_time == float(card["breakdown"]["on_time"]["score"])
    prices = at.dataframe[2].value
    assert prices.iloc[0].to_dict() == {"material": "GRG-SJ", "KNIT-A": 2.1, "KNIT-B": 1.85, "KNIT-C": 2.4}
    assert any(m.value.startswith("**KNIT-A**: ML score ") for m in at.markdown)
    assert at.get("plotly_chart")  # bands, radar, trend, contributions


def test_one_supplier_is_not_a_comparison(stack, mill):
    at = open_page(stack, "planner", "pages/suppliers.py")
    at.multiselect(key="suppliers").set_value(at.multiselect(key="suppliers").value[:1])
    at.run()
    assert "Pick two to five suppliers." in [i.value for i in at.info]
