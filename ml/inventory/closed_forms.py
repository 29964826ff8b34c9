"""Closed forms and exact optimisers of the textbook inventory models (Snyder & Shen, *Fundamentals of
Supply Chain Theory*, ch. 3–5), each returning the policy and its expected cost per period.

Cost conventions, as in the book: `h` holding cost per unit per period, `p` backorder (stock-out)
cost per unit per period, `K` fixed cost per order; demand is fully backlogged. Periodic-review
models (newsvendor, base-stock, (s,S)) review at the start of a period, an order placed with lead
time L arrives at the start of period t + L, demand follows, and costs are charged on the
end-of-period inventory level, so the protection interval is L + 1 periods. Continuous-review
(r,Q) models use the lead-time demand of L time units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from ml.inventory.validation import InventoryInputError, check_count, check_number, check_pmf


@dataclass(frozen=True)
class EOQResult:
    order_quantity: float
    cost: float  # ordering + holding per unit time


@dataclass(frozen=True)
class BaseStockResult:
    order_up_to: float
    cost: float  # expected holding + backorder per period


@dataclass(frozen=True)
class RQResult:
    reorder_point: float
    order_quantity: float
    cost: float  # expected ordering + holding + backorder per unit time


@dataclass(frozen=True)
class SSResult:
    reorder_point: int  # s: order when the inventory position is at or below s
    order_up_to: int  # S
    cost: float  # expected ordering + holding + backorder per period

    @property
    def order_quantity(self) -> int:
        return self.order_up_to - self.reorder_point


def _check_costs(h: float, p: float) -> tuple[float, float]:
    return check_number("holding cost h", h, positive=True), check_number("stock-out cost p", p, positive=True)


# ---------------------------------------------------------------------------------------------
# EOQ and newsvendor


def eoq(K: float, h: float, demand_rate: float) -> EOQResult:
    """Economic order quantity: Q* = √(2Kλ/h), cost √(2Kλh) per unit time."""
    K = check_number("ordering cost K", K, positive=True)
    h = check_number("holding cost h", h, positive=True)
    demand_rate = check_number("demand rate", demand_rate, positive=True)
    return EOQResult(order_quantity=math.sqrt(2 * K * demand_rate / h), cost=math.sqrt(2 * K * demand_rate * h))


def newsvendor_normal(h: float, p: float, mean: float, std: float) -> BaseStockResult:
    """Newsvendor with N(mean, std²) demand: S* = μ + σ z, cost (h + p) σ φ(z), z = Φ⁻¹(p / (p + h))."""
    h, p = _check_costs(h, p)
    mean = check_number("demand mean", mean, low=0.0)
    std = check_number("demand std", std, low=0.0)
    z = stats.norm.ppf(p / (p + h))
    return BaseStockResult(order_up_to=float(mean + std * z), cost=float((h + p) * std * stats.norm.pdf(z)))


def newsvendor_cost_normal(order_up_to: float, h: float, p: float, mean: float, std: float) -> float:
    """Expected holding + backorder cost of stocking `order_up_to` against N(mean, std²) demand."""
    if std == 0:
        return h * max(order_up_to - mean, 0.0) + p * max(mean - order_up_to, 0.0)
    z = (order_up_to - mean) / std
    shortfall = std * _normal_loss(z)
    return h * (order_up_to - mean + shortfall) + p * shortfall


def _normal_loss(z):
    """Standard normal first-order loss E[(Z − z)+]."""
    return stats.norm.pdf(z) - z * stats.norm.sf(z)


def _normal_loss2(z):
    """Standard normal second-order loss ½ E[((Z − z)+)²] = ∫_z^∞ n(x) dx."""
    return 0.5 * ((z * z + 1) * stats.norm.sf(z) - z * stats.norm.pdf(z))


def expected_level_cost(pmf: np.ndarray, h: float, p: float, levels) -> np.ndarray:
    """G(y) = E[h (y − D)+ + p (D − y)+] for integer levels y (any sign) and D with `pmf` on 0, 1, …."""
    pmf = np.asarray(pmf, dtype=float)
    levels = np.asarray(levels, dtype=np.int64)
    mean = float(np.arange(pmf.size) @ pmf)
    # E[(y − D)+] = Σ_{k<y} F(k) for y ≥ 0, with F = 1 beyond the support.
    cdf = np.minimum(np.cumsum(pmf), 1.0)
    cum_cdf = np.concatenate(([0.0], np.cumsum(cdf)))
    clipped = np.clip(levels, 0, pmf.size)
    overage = cum_cdf[clipped] + np.maximum(levels - pmf.size, 0)
    underage = overage - (levels - mean)
    return h * overage + p * underage


def newsvendor_discrete(h: float, p: float, pmf) -> BaseStockResult:
    """Newsvendor with integer demand of mass function `pmf` on 0, 1, …: the smallest S with F(S) ≥ p/(p+h)."""
    h, p = _check_costs(h, p)
    pmf = check_pmf("demand pmf", pmf)
    critical_ratio = p / (p + h)
    order_up_to = int(np.searchsorted(np.cumsum(pmf), critical_ratio - 1e-12))
    return BaseStockResult(order_up_to=order_up_to, cost=float(expected_level_cost(pmf, h, p, [order_up_to])[0]))


# ---------------------------------------------------------------------------------------------
# Base-stock (periodic review, protection interval L + 1 periods)


def protection_normal(mean: float, std: float, lead_time: float, lead_time_std: float = 0.0) -> tuple[float, float]:
    """Mean and std of demand over L + 1 periods when L itself is random: Var = (L̄+1)σ² + μ² σ_L²."""
    periods = lead_time + 1
    return mean * periods, math.sqrt(periods * std**2 + mean**2 * lead_time_std**2)


def base_stock_normal(
    h: float, p: float, mean: float, std: float, lead_time: float = 0.0, lead_time_std: float = 0.0
) -> BaseStockResult:
    """Optimal base-stock level with N(mean, std²) demand per period and lead time L (mean, std) periods."""
    lead_time = check_number("lead time", lead_time, low=0.0)
    lead_time_std = check_number("lead time std", lead_time_std, low=0.0)
    mean = check_number("demand mean", mean, low=0.0)
    std = check_number("demand std", std, low=0.0)
    return newsvendor_normal(h, p, *protection_normal(mean, std, lead_time, lead_time_std))


def base_stock_poisson(h: float, p: float, demand_rate: float, lead_time: int = 0) -> BaseStockResult:
    """Optimal base-stock level with Poisson demand per period and a fixed lead time of L periods."""
    demand_rate = check_number("demand rate", demand_rate, positive=True)
    lead_time = check_count("lead time", lead_time, low=0)
    return newsvendor_discrete(h, p, poisson_pmf(demand_rate * (lead_time + 1)))


def poisson_pmf(mean: float, tail: float = 1e-12) -> np.ndarray:
    """Poisson mass function on 0 … n with the tail beyond n below `tail`, renormalised."""
    upper = int(stats.poisson.isf(tail, mean)) + 1
    pmf = stats.poisson.pmf(np.arange(upper + 1), mean)
    return pmf / pmf.sum()


# ---------------------------------------------------------------------------------------------
# (r, Q), continuous review


def rq_cost_poisson(r: int, Q: int, h: float, p: float, K: float, demand_rate: float, lead_time: float) -> float:
    """Exact cost of (r, Q) with Poisson demand: [Kλ + Σ_{y=r+1}^{r+Q} G(y)] / Q, G on lead-time demand."""
    pmf = poisson_pmf(demand_rate * lead_time)
    return float((K * demand_rate + expected_level_cost(pmf, h, p, np.arange(r + 1, r + Q + 1)).sum()) / Q)


def rq_poisson(h: float, p: float, K: float, demand_rate: float, lead_time: float) -> RQResult:
    """Exact optimal (r, Q) with Poisson demand (Federgruen & Zheng 1992).

    The Q inventory positions r+1 … r+Q are equally likely, so the best window of size Q is the Q
    cheapest consecutive levels of the convex G; grow the window one level at a time from argmin G
    while the next cheapest level costs less than the current average.
    """
    h, p = _check_costs(h, p)
    K = check_number("ordering cost K", K, low=0.0)
    demand_rate = check_number("demand rate", demand_rate, positive=True)
    lead_time = check_number("lead time", lead_time, low=0.0)
    pmf = poisson_pmf(demand_rate * lead_time) if lead_time > 0 else np.array([1.0])
    span = pmf.size + int(4 * math.sqrt(2 * max(K, 1e-9) * demand_rate * (h + p) / (h * p))) + 16
    levels = np.arange(-span, pmf.size + span)
    G = expected_level_cost(pmf, h, p, levels)
    low = high = int(np.argmin(G))
    total = G[low]
    Q = 1
    cost = (K * demand_rate + total) / Q
    while True:
        left = G[low - 1] if low > 0 else math.inf
        right = G[high + 1] if high + 1 < G.size else math.inf
        step = min(left, right)
        if not step < cost:
            break
        if left <= right:
            low -= 1
        else:
            high += 1
        total += step
        Q += 1
        cost = (K * demand_rate + total) / Q
        if low == 0 or high + 1 == G.size:
            raise InventoryInputError("(r,Q) search left its range: check the costs and the demand rate")
    return RQResult(reorder_point=int(levels[low]) - 1, order_quantity=Q, cost=float(cost))


def rq_cost_normal(
    r: float, Q: float, h: float, p: float, K: float, demand_rate: float, demand_std: float, lead_time: float
) -> float:
    """Exact cost of (r, Q) when lead-time demand is N(λL, σ²L): [Kλ + ∫_r^{r+Q} G(y) dy] / Q."""
    mean = demand_rate * lead_time
    std = demand_std * math.sqrt(lead_time)
    if std == 0:
        # Deterministic lead-time demand: G(y) = h (y − μ)+ + p (μ − y)+, integrated piecewise.
        def integral(a: float, b: float) -> float:
            up = max(b, mean) - max(a, mean)
            down = min(b, mean) - min(a, mean)
            return h * ((max(b, mean) - mean) ** 2 - (max(a, mean) - mean) ** 2) / 2 * (up > 0) + p * (
                (mean - min(a, mean)) ** 2 - (mean - min(b, mean)) ** 2
            ) / 2 * (down > 0)

        return (K * demand_rate + integral(r, r + Q)) / Q
    holding = h * Q * (r - mean + Q / 2)
    shortage = (h + p) * std**2 * (_normal_loss2((r - mean) / std) - _normal_loss2((r + Q - mean) / std))
    return float((K * demand_rate + holding + shortage) / Q)


def rq_normal(h: float, p: float, K: float, demand_rate: float, demand_std: float, lead_time: float) -> RQResult:
    """Optimal (r, Q) with normally distributed demand (σ per unit time), the continuous analogue of
    `rq_poisson`: minimises the exact cost of the normal model, starting from EOQ and the newsvendor."""
    h, p = _check_costs(h, p)
    K = check_number("ordering cost K", K, positive=True)
    demand_rate = check_number("demand rate", demand_rate, positive=True)
    demand_std = check_number("demand std", demand_std, low=0.0)
    lead_time = check_number("lead time", lead_time, low=0.0)
    Q0 = eoq(K, h, demand_rate).order_quantity
    r0 = newsvendor_normal(h, p, demand_rate * lead_time, demand_std * math.sqrt(lead_time)).order_up_to - Q0 / 2

    def objective(x: np.ndarray) -> float:
        return rq_cost_normal(x[0], max(x[1], 1e-9), h, p, K, demand_rate, demand_std, lead_time)

    best = optimize.minimize(objective, x0=[r0, Q0], method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-10})
    r, Q = best.x
    return RQResult(reorder_point=float(r), order_quantity=float(Q), cost=float(best.fun))


# ---------------------------------------------------------------------------------------------
# (s, S), periodic review, discrete demand


class _SSModel:
    """G(y) on the protection-interval demand and the renewal function of per-period demand, cached
    as arrays because the Zheng–Federgruen search evaluates c(s, S) many times."""

    def __init__(self, period_pmf: np.ndarray, protection_pmf: np.ndarray, h: float, p: float, K: float):
        self.period_pmf = period_pmf
        self.protection_pmf = protection_pmf
        self.h, self.p, self.K = h, p, K
        self._renewal = np.empty(0)
        self._low = -protection_pmf.size
        self._G = expected_level_cost(protection_pmf, h, p, np.arange(self._low, 2 * protection_pmf.size + 1))

    def G_range(self, start: int, stop: int) -> np.ndarray:
        """G(y) for y = start … stop − 1."""
        high = self._low + self._G.size
        if start < self._low or stop > high:
            low = min(start, self._low) - self.protection_pmf.size
            high = max(stop, high) + self.protection_pmf.size
            self._G = expected_level_cost(self.protection_pmf, self.h, self.p, np.arange(low, high))
            self._low = low
        return self._G[start - self._low : stop - self._low]

    def G(self, level: int) -> float:
        return float(self.G_range(level, level + 1)[0])

    def renewal(self, size: int) -> np.ndarray:
        """m(j): expected number of periods the cumulative demand since an order equals exactly j."""
        if self._renewal.size < size:
            size = max(size, 2 * self._renewal.size, 64)
            pmf = np.zeros(size)
            pmf[: min(size, self.period_pmf.size)] = self.period_pmf[:size]
            m = np.empty(size)
            m[0] = 1.0 / (1.0 - pmf[0])
            for j in range(1, size):
                m[j] = (pmf[1 : j + 1] @ m[j - 1 :: -1]) * m[0]
            self._renewal = m
        return self._renewal

    def cost(self, s: int, S: int) -> float:
        """c(s, S) = [K + Σ_{d=0}^{S−s−1} m(d) G(S − d)] / M(S − s)."""
        span = S - s
        m = self.renewal(span)[:span]
        return float((self.K + m @ self.G_range(s + 1, S + 1)[::-1]) / m.sum())


def ss_discrete(h: float, p: float, K: float, period_pmf, protection_pmf=None) -> SSResult:
    """Exact optimal (s, S) for integer demand (Zheng & Federgruen 1991).

    `period_pmf` is the per-period demand on 0, 1, …; `protection_pmf` the demand over the protection
    interval (L + 1 periods; defaults to one period, i.e. zero lead time).
    """
    h, p = _check_costs(h, p)
    K = check_number("ordering cost K", K, positive=True)
    period_pmf = check_pmf("demand pmf", period_pmf)
    protection_pmf = period_pmf if protection_pmf is None else check_pmf("protection-interval pmf", protection_pmf)
    model = _SSModel(period_pmf, protection_pmf, h, p, K)
    return _zheng_federgruen(model)


def ss_cost(s: int, S: int, h: float, p: float, K: float, period_pmf, protection_pmf=None) -> float:
    """Expected cost per period of a given (s, S) under the model of `ss_discrete`."""
    if S <= s:
        raise InventoryInputError(f"order-up-to level S must exceed the reorder point s, got s={s}, S={S}")
    period_pmf = check_pmf("demand pmf", period_pmf)
    protection_pmf = period_pmf if protection_pmf is None else check_pmf("protection-interval pmf", protection_pmf)
    return _SSModel(period_pmf, protection_pmf, h, p, K).cost(int(s), int(S))


def _zheng_federgruen(model: _SSModel) -> SSResult:
    size = model.protection_pmf.size
    y_star = -size + int(np.argmin(model.G_range(-size, 2 * size + 1)))
    G = model.G
    s, S0 = y_star, y_star
    while True:
        s -= 1
        if model.cost(s, S0) <= G(s):
            break
    cost0 = model.cost(s, S0)
    S = S0 + 1
    while G(S) <= cost0:
        if model.cost(s, S) < cost0:
            S0 = S
            while model.cost(s, S0) <= G(s + 1):
                s += 1
            cost0 = model.cost(s, S0)
        S += 1
    return SSResult(reorder_point=s, order_up_to=S0, cost=cost0)
