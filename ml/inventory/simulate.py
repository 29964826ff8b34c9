"""Monte Carlo simulation of a reorder policy under random demand and random lead times.

Replications run side by side as numpy vectors; time is the only Python loop. Each period: review
the inventory position (on hand − backorders + on order), order per the policy, receive whatever is
due (an order with lead time L placed in period t arrives at the start of t + L, so L = 0 is
immediate), meet demand from stock (the rest is backordered), then charge h per unit on hand,
p per unit backordered and K per order at the end of the period — the conventions of
`ml.inventory.closed_forms`. Lead times are drawn per order, independently, so orders may cross.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ml.inventory.validation import InventoryInputError, check_count, check_number


@dataclass(frozen=True)
class Policy:
    """A reorder policy. Build with `Policy.s_S`, `Policy.r_Q` or `Policy.base_stock`."""

    kind: str  # "sS", "rQ" or "base_stock"
    reorder_point: float
    order_up_to: float | None = None
    order_quantity: float | None = None

    @classmethod
    def s_S(cls, s: float, S: float) -> Policy:
        """Order up to S whenever the inventory position is at or below s."""
        s, S = check_number("reorder point s", s), check_number("order-up-to level S", S)
        if S <= s:
            raise InventoryInputError(f"order-up-to level S must exceed the reorder point s, got s={s:g}, S={S:g}")
        return cls("sS", s, S, S - s)

    @classmethod
    def r_Q(cls, r: float, Q: float) -> Policy:
        """Order as many lots of Q as bring the inventory position above r whenever it is at or below r."""
        r, Q = check_number("reorder point r", r), check_number("order quantity Q", Q, positive=True)
        return cls("rQ", r, r + Q, Q)

    @classmethod
    def base_stock(cls, S: float) -> Policy:
        """Order up to S every period."""
        S = check_number("base-stock level S", S)
        return cls("base_stock", S, S, None)


@dataclass(frozen=True)
class SimulationResult:
    cost: float  # mean total cost per period
    cost_std_error: float  # across replications
    holding_cost: float
    stockout_cost: float
    ordering_cost: float
    fill_rate: float  # fraction of demand served from stock on arrival
    stockout_period_rate: float  # fraction of periods in which some demand waited
    stockout_periods: float  # mean number of such periods per replication
    orders_per_period: float
    mean_on_hand: float
    mean_backorders: float
    periods: int
    replications: int


def _rvs(distribution, size, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(distribution.rvs(size=size, random_state=rng), dtype=float)


def simulate(
    policy: Policy,
    demand,
    lead_time=0,
    *,
    h: float,
    p: float,
    K: float = 0.0,
    periods: int = 1000,
    replications: int = 100,
    warmup: int = 100,
    seed: int | None = 0,
) -> SimulationResult:
    """Simulate `policy` and report per-period costs and service.

    `demand` is a frozen scipy distribution (anything with `rvs(size, random_state)`) of demand per
    period; negative draws are treated as zero. `lead_time` is a whole number of periods, a pair
    (values, probabilities), or a frozen discrete distribution of whole periods. Statistics skip the first `warmup` periods. Same seed ⇒ same result.
    """
    if not isinstance(policy, Policy):
        raise InventoryInputError("policy must be a Policy (Policy.s_S, Policy.r_Q, Policy.base_stock)")
    h = check_number("holding cost h", h, low=0.0)
    p = check_number("stock-out cost p", p, low=0.0)
    K = check_number("ordering cost K", K, low=0.0)
    periods = check_count("periods", periods)
    replications = check_count("replications", replications)
    warmup = check_count("warmup", warmup, low=0)
    if not hasattr(demand, "rvs"):
        raise InventoryInputError("demand must be a distribution with rvs(), e.g. scipy.stats.poisson(6)")
    rng = np.random.default_rng(seed)
    horizon = warmup + periods
    demands = np.maximum(_rvs(demand, (replications, horizon), rng), 0.0)
    if isinstance(lead_time, int | np.integer):
        leads = np.full((replications, horizon), check_count("lead time", lead_time, low=0))
    elif isinstance(lead_time, tuple) and len(lead_time) == 2:
        values, probabilities = (np.asarray(part, dtype=float) for part in lead_time)
        leads = rng.choice(np.rint(values).astype(np.int64), size=(replications, horizon), p=probabilities)
    elif hasattr(lead_time, "rvs"):
        leads = np.rint(_rvs(lead_time, (replications, horizon), rng)).astype(np.int64)
    else:
        raise InventoryInputError(
            "lead time must be a whole number of periods, a (values, probabilities) pair or a discrete distribution"
        )
    if leads.min() < 0:
        raise InventoryInputError("lead times must not be negative")
    arrivals = np.zeros((replications, horizon + int(leads.max()) + 1))
    rows = np.arange(replications)

    start = policy.order_up_to if policy.order_up_to is not None else policy.reorder_point
    net = np.full(replications, float(start))  # on hand − backorders
    on_order = np.zeros(replications)
    # The loop only moves stock; costs and service are computed from these histories afterwards.
    net_history = np.empty((replications, horizon))
    ordered = np.empty((replications, horizon), dtype=bool)
    start_history = np.empty((replications, horizon))
    for t in range(horizon):
        position = net + on_order
        if policy.kind == "sS":
            quantity = np.where(position <= policy.reorder_point, policy.order_up_to - position, 0.0)
        elif policy.kind == "rQ":
            lots = np.floor((policy.reorder_point - position) / policy.order_quantity) + 1
            quantity = np.maximum(lots, 0.0) * policy.order_quantity
        else:
            quantity = np.maximum(policy.order_up_to - position, 0.0)
        arrivals[rows, t + leads[:, t]] += quantity
        on_order += quantity - arrivals[:, t]
        net += arrivals[:, t]
        start_history[:, t] = net
        net -= demands[:, t]
        net_history[:, t] = net
        ordered[:, t] = quantity > 0

    kept = slice(warmup, horizon)
    net_kept, demand_kept = net_history[:, kept], demands[:, kept]
    served = np.clip(start_history[:, kept], 0.0, demand_kept)
    on_hand = np.maximum(net_kept, 0.0)
    backorders = np.maximum(-net_kept, 0.0)
    totals = {
        "holding": h * on_hand.sum(axis=1),
        "stockout": p * backorders.sum(axis=1),
        "orders": ordered[:, kept].sum(axis=1),
        "demand": demand_kept.sum(axis=1),
        "served": served.sum(axis=1),
        "short": (served < demand_kept - 1e-9).sum(axis=1),
    }
    on_hand_sum, backorder_sum = on_hand.sum(axis=1), backorders.sum(axis=1)

    per_rep_cost = (totals["holding"] + totals["stockout"] + K * totals["orders"]) / periods
    demand_total = totals["demand"].sum()
    return SimulationResult(
        cost=float(per_rep_cost.mean()),
        cost_std_error=float(per_rep_cost.std(ddof=1) / math.sqrt(replications)) if replications > 1 else math.nan,
        holding_cost=float(totals["holding"].mean() / periods),
        stockout_cost=float(totals["stockout"].mean() / periods),
        ordering_cost=float(K * totals["orders"].mean() / periods),
        fill_rate=float(totals["served"].sum() / demand_total) if demand_total > 0 else 1.0,
        stockout_period_rate=float(totals["short"].mean() / periods),
        stockout_periods=float(totals["short"].mean()),
        orders_per_period=float(totals["orders"].mean() / periods),
        mean_on_hand=float(on_hand_sum.mean() / periods),
        mean_backorders=float(backorder_sum.mean() / periods),
        periods=periods,
        replications=replications,
    )
