"""Inventory optimisation: textbook anchors, simulator convergence, surrogate quality, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from ml.cli import main
from ml.inventory import (
    InventoryInputError,
    Policy,
    WhatIfCase,
    WhatIfSurrogate,
    base_stock_normal,
    base_stock_poisson,
    cost_service_curve,
    eoq,
    newsvendor_discrete,
    newsvendor_normal,
    optimise_policy,
    poisson_pmf,
    rq_normal,
    rq_poisson,
    simulate,
    ss_cost,
    ss_discrete,
    what_if,
)
from ml.inventory.closed_forms import rq_cost_normal, rq_cost_poisson
from ml.inventory.what_if import CASE_COLUMNS, policy_cost, sample_cases, solve_cases

TOL = 1e-3


# --- textbook anchors (Snyder & Shen) -----------------------------------------------------------


def test_eoq_anchor():
    result = eoq(K=8, h=0.225, demand_rate=1300)
    assert result.order_quantity == pytest.approx(304.0468, rel=TOL)
    assert result.cost == pytest.approx(68.4105, rel=TOL)


def test_newsvendor_normal_anchor():
    result = newsvendor_normal(h=0.18, p=0.70, mean=50, std=8)
    assert result.order_up_to == pytest.approx(56.6040, rel=TOL)
    assert result.cost == pytest.approx(1.99761, rel=TOL)


def test_ss_poisson_anchor():
    result = ss_discrete(h=1, p=4, K=5, period_pmf=poisson_pmf(6))
    assert (result.reorder_point, result.order_up_to) == (4, 10)
    assert result.cost == pytest.approx(8.03411, rel=TOL)


def test_rq_poisson_anchor():
    result = rq_poisson(h=20, p=150, K=100, demand_rate=1.5, lead_time=2)
    assert (result.reorder_point, result.order_quantity) == (3, 5)
    assert result.cost == pytest.approx(107.9236, rel=TOL)


def test_simulation_of_the_ss_anchor_lands_within_half_a_percent():
    result = simulate(Policy.s_S(4, 10), stats.poisson(6), 0, h=1, p=4, K=5, periods=4000, replications=100, seed=3)
    assert result.cost == pytest.approx(8.03411, rel=5e-3)
    assert result.holding_cost + result.stockout_cost + result.ordering_cost == pytest.approx(result.cost)
    assert 0.9 < result.fill_rate < 1.0
    assert 0 < result.stockout_period_rate < 1


# --- optimisers are optima -----------------------------------------------------------------------


def test_ss_optimum_beats_its_neighbours_with_a_lead_time():
    period, protection = poisson_pmf(6), poisson_pmf(18)
    best = ss_discrete(h=1, p=9, K=20, period_pmf=period, protection_pmf=protection)
    for ds, dS in [(-1, 0), (1, 0), (0, -1), (0, 1), (1, 1), (-1, -1)]:
        s, S = best.reorder_point + ds, best.order_up_to + dS
        assert ss_cost(s, S, 1, 9, 20, period, protection) >= best.cost - 1e-12


def test_rq_poisson_optimum_beats_its_neighbours():
    best = rq_poisson(h=2, p=30, K=40, demand_rate=4, lead_time=3)
    for dr, dQ in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, 1), (1, -1)]:
        assert rq_cost_poisson(best.reorder_point + dr, best.order_quantity + dQ, 2, 30, 40, 4, 3) >= best.cost - 1e-12


def test_rq_normal_is_close_to_poisson_exact_for_large_demand():
    # Poisson(λ) ≈ N(λ, λ) when λL is large, so the normal model lands near the exact discrete one.
    exact = rq_poisson(h=1, p=10, K=50, demand_rate=100, lead_time=2)
    normal = rq_normal(h=1, p=10, K=50, demand_rate=100, demand_std=10, lead_time=2)
    assert normal.cost == pytest.approx(exact.cost, rel=0.02)
    assert normal.reorder_point == pytest.approx(exact.reorder_point, abs=3)
    assert rq_cost_normal(normal.reorder_point, normal.order_quantity, 1, 10, 50, 100, 10, 2) == pytest.approx(
        normal.cost
    )


def test_newsvendor_discrete_matches_critical_ratio():
    pmf = poisson_pmf(20)
    result = newsvendor_discrete(h=1, p=3, pmf=pmf)
    cdf = np.cumsum(pmf)
    assert cdf[result.order_up_to] >= 0.75 > cdf[result.order_up_to - 1]


def test_base_stock_simulation_matches_its_cost():
    best = base_stock_poisson(h=1, p=4, demand_rate=6, lead_time=2)
    simulated = simulate(
        Policy.base_stock(best.order_up_to), stats.poisson(6), 2, h=1, p=4, periods=3000, replications=60
    )
    assert simulated.cost == pytest.approx(best.cost, rel=0.01)
    assert base_stock_normal(h=1, p=4, mean=6, std=6**0.5, lead_time=2).order_up_to == pytest.approx(
        best.order_up_to, abs=1
    )


def test_simulator_converges_as_it_runs_longer():
    policy = Policy.s_S(4, 10)
    errors = [
        abs(simulate(policy, stats.poisson(6), 0, h=1, p=4, K=5, periods=n, replications=40, seed=7).cost - 8.03411)
        for n in (50, 3000)
    ]
    assert errors[1] < errors[0]
    assert errors[1] < 0.01 * 8.03411


def test_simulator_handles_random_lead_times_and_rq():
    lead = ([1, 2, 3], [0.25, 0.5, 0.25])
    result = simulate(Policy.r_Q(20, 15), stats.poisson(6), lead, h=1, p=9, K=10, periods=500, replications=20)
    assert result.orders_per_period == pytest.approx(6 / 15, rel=0.05)
    assert result.fill_rate > 0.8


def test_simulator_is_deterministic_for_a_seed():
    run = lambda seed: simulate(Policy.s_S(4, 10), stats.poisson(6), 1, h=1, p=4, K=5, periods=300, seed=seed)  # noqa: E731
    assert run(11) == run(11)
    assert run(11) != run(12)


# --- what-if -------------------------------------------------------------------------------------

ITEM = dict(demand_mean=100, demand_std=30, lead_time_mean=3, lead_time_std=1, ordering_cost=200, holding_cost=0.5)


def test_what_if_optimiser_answer_and_simulation_agree():
    answer = what_if(**ITEM, service_level=0.95, periods=1500)
    case = WhatIfCase.build(**ITEM, service_level=0.95)
    assert answer.source == "optimiser"
    assert answer.penalty == pytest.approx(0.5 * 0.95 / 0.05)
    assert answer.order_up_to > answer.reorder_point > case.protection_mean * 0.9
    model_cost = policy_cost(case, answer.reorder_point, answer.order_up_to)
    # The optimiser assumes orders do not cross; the simulator draws lead times per order.
    assert answer.expected_cost == pytest.approx(model_cost, rel=0.05)
    assert 0.9 < answer.fill_rate < 1.0


@pytest.fixture(scope="module")
def surrogate_and_cases():
    cases = solve_cases(sample_cases(600, seed=1))
    model = WhatIfSurrogate(n_estimators=40, random_state=0).fit(cases[CASE_COLUMNS], cases)
    return model, cases


def test_surrogate_recommendation_is_close_to_the_optimiser(surrogate_and_cases):
    model, _ = surrogate_and_cases
    held_out = solve_cases(sample_cases(40, seed=99))
    predicted = model.predict(held_out[CASE_COLUMNS])
    gaps = [
        policy_cost(WhatIfCase.build(**row), s, S) / optimum - 1
        for row, (s, S), optimum in zip(
            held_out[CASE_COLUMNS].to_dict("records"), predicted, held_out["cost"], strict=True
        )
    ]
    assert min(gaps) >= -1e-9  # nothing beats the exact optimum in its own model
    assert np.mean(gaps) < 0.03


def test_surrogate_is_deterministic_and_round_trips(surrogate_and_cases, tmp_path):
    model, cases = surrogate_and_cases
    again = WhatIfSurrogate(n_estimators=40, random_state=0).fit(cases[CASE_COLUMNS], cases)
    np.testing.assert_array_equal(model.predict(cases[CASE_COLUMNS][:20]), again.predict(cases[CASE_COLUMNS][:20]))
    loaded = WhatIfSurrogate.load(model.save(tmp_path / "what_if.joblib"))
    first = what_if(**ITEM, service_level=0.9, model=model)
    assert first.source == "surrogate"
    assert what_if(**ITEM, service_level=0.9, model=loaded) == first


def test_surrogate_scales_with_the_item(surrogate_and_cases):
    model, _ = surrogate_and_cases
    small = WhatIfCase.build(**ITEM, service_level=0.9)
    big = WhatIfCase.build(**{**ITEM, "demand_mean": 1000, "demand_std": 300, "holding_cost": 0.05}, service_level=0.9)
    np.testing.assert_allclose(np.array(model.recommend(big)), 10 * np.array(model.recommend(small)), rtol=1e-9)


def test_cost_service_curve_buys_fill_rate_with_inventory():
    curve = cost_service_curve((0.8, 0.9, 0.98), **ITEM)
    assert list(curve["service_level"]) == [0.8, 0.9, 0.98]
    assert curve["reorder_point"].is_monotonic_increasing
    assert curve["fill_rate"].is_monotonic_increasing
    assert curve["inventory_cost"].iloc[-1] > curve["inventory_cost"].iloc[0]


def test_optimise_policy_reports_positive_cost():
    best = optimise_policy(WhatIfCase.build(**ITEM, penalty=5.0))
    assert best.cost > 0 and best.order_quantity == pytest.approx(best.order_up_to - best.reorder_point)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: eoq(K=-1, h=1, demand_rate=10),
        lambda: newsvendor_normal(h=1, p=-2, mean=10, std=1),
        lambda: newsvendor_normal(h=1, p=2, mean=-10, std=1),
        lambda: ss_discrete(h=1, p=4, K=5, period_pmf=[0.5, 0.4]),
        lambda: ss_discrete(h=1, p=4, K=5, period_pmf=[]),
        lambda: Policy.s_S(10, 4),
        lambda: simulate(Policy.s_S(4, 10), stats.poisson(6), 0, h=1, p=4, periods=0),
        lambda: simulate(Policy.s_S(4, 10), stats.poisson(6), -1, h=1, p=4),
        lambda: what_if(**ITEM, service_level=1.2),
        lambda: what_if(**ITEM, service_level=0.0),
        lambda: what_if(**ITEM),
        lambda: what_if(**{**ITEM, "demand_mean": -5}, service_level=0.9),
        lambda: what_if(**{**ITEM, "holding_cost": 0}, service_level=0.9),
        lambda: cost_service_curve((), **ITEM),
        lambda: WhatIfSurrogate.load("/nonexistent/what_if.joblib"),
    ],
)
def test_bad_input_raises_a_value_error(call):
    with pytest.raises(InventoryInputError) as raised:
        call()
    assert isinstance(raised.value, ValueError) and str(raised.value)


# --- CLI ----------------------------------------------------------------------------------------


def test_inventory_eval_cli_end_to_end():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ml",
            "inventory-eval",
            "--train-cases",
            "300",
            "--test-cases",
            "20",
            "--latency-runs",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["anchors_ok"] is True
    assert 0 <= result["surrogate_cost_gap"] < 0.1
    assert result["what_if_ms"] > 0
    assert "(s,S) simulated cost" in done.stderr


def test_inventory_eval_cli_rejects_bad_input(capsys):
    assert main(["inventory-eval", "--test-cases", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --test-cases") and "Traceback" not in err
