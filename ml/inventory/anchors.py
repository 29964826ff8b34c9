"""Textbook optima (Snyder & Shen, *Fundamentals of Supply Chain Theory*) that the optimisers and the
simulator must reproduce; the published figures are quoted in the shared data README."""

from __future__ import annotations

from dataclasses import dataclass

from scipy import stats

from ml.inventory.closed_forms import eoq, newsvendor_normal, poisson_pmf, rq_poisson, ss_discrete
from ml.inventory.simulate import Policy, simulate

RELATIVE_TOLERANCE = 1e-3
SIMULATION_TOLERANCE = 5e-3


@dataclass(frozen=True)
class AnchorCheck:
    name: str
    published: float
    reproduced: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return abs(self.reproduced - self.published) <= self.tolerance * abs(self.published)


def anchor_checks(
    simulation_periods: int = 5000, simulation_replications: int = 200, seed: int = 0
) -> list[AnchorCheck]:
    checks: list[AnchorCheck] = []

    def add(name: str, published: float, reproduced: float, tolerance: float = RELATIVE_TOLERANCE) -> None:
        checks.append(AnchorCheck(name, published, float(reproduced), tolerance))

    result = eoq(K=8, h=0.225, demand_rate=1300)
    add("EOQ Q*", 304.0468, result.order_quantity)
    add("EOQ cost", 68.4105, result.cost)
    result = newsvendor_normal(h=0.18, p=0.70, mean=50, std=8)
    add("newsvendor S*", 56.6040, result.order_up_to)
    add("newsvendor cost", 1.99761, result.cost)
    ss = ss_discrete(h=1, p=4, K=5, period_pmf=poisson_pmf(6))
    add("(s,S) s", 4, ss.reorder_point)
    add("(s,S) S", 10, ss.order_up_to)
    add("(s,S) cost", 8.03411, ss.cost)
    simulated = simulate(
        Policy.s_S(ss.reorder_point, ss.order_up_to),
        stats.poisson(6),
        0,
        h=1,
        p=4,
        K=5,
        periods=simulation_periods,
        replications=simulation_replications,
        seed=seed,
    )
    add("(s,S) simulated cost", 8.03411, simulated.cost, SIMULATION_TOLERANCE)
    rq = rq_poisson(h=20, p=150, K=100, demand_rate=1.5, lead_time=2)
    add("(r,Q) r", 3, rq.reorder_point)
    add("(r,Q) Q", 5, rq.order_quantity)
    add("(r,Q) cost", 107.9236, rq.cost)
    return checks
