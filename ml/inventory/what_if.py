"""What-if stock optimisation for planners and the ERP.

A planner gives what they know about an item — demand per period (mean, std), lead time in periods
(mean, spread), ordering cost K, holding cost h per unit per period, and either a service level α or
a stock-out penalty p per unit per period — and gets a periodic-review (s, S) policy: reorder point
s, order-up-to level S, typical order quantity S − s, with the simulator's expected cost and fill
rate for that answer.

Without a penalty, the service level sets it: p = h·α / (1 − α), the penalty at which α is the
newsvendor critical ratio. The fill rate the simulator reports is what the policy actually achieves.
A unit cost, when given, adds the purchase cost (unit cost × mean demand) to the reported cost; it
does not move the policy because every unit demanded is bought eventually (full backlogging).

Two ways to answer:
- `optimise_policy`: exact (Zheng–Federgruen) on the demand discretised to a grid, with the
  protection-interval demand mixed over the lead-time distribution (orders assumed not to cross);
  tens of milliseconds to a second.
- `WhatIfSurrogate`: a Random Forest trained on optimised cases (`solve_cases`) on scale-free
  features; answers in a few milliseconds and can be saved and loaded by a service.
`what_if` uses the surrogate when given one, the optimiser otherwise, then simulates the answer.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import RandomForestRegressor
from sklearn.utils.validation import check_is_fitted

from ml.inventory.closed_forms import SSResult, _SSModel, ss_discrete
from ml.inventory.distributions import DiscreteModel, demand_distribution, discretise, lead_time_pmf
from ml.inventory.simulate import Policy, SimulationResult, simulate
from ml.inventory.validation import InventoryInputError, check_count, check_number, check_probability

# The columns of a what-if case frame (one row per item), as `solve_cases` and the surrogate expect.
CASE_COLUMNS = [
    "demand_mean",
    "demand_std",
    "lead_time_mean",
    "lead_time_std",
    "ordering_cost",
    "holding_cost",
    "penalty",
]


@dataclass(frozen=True)
class WhatIfCase:
    """One validated what-if question (penalty resolved from the service level when not given)."""

    demand_mean: float
    demand_std: float
    lead_time_mean: float
    lead_time_std: float
    ordering_cost: float
    holding_cost: float
    penalty: float
    unit_cost: float = 0.0

    @classmethod
    def build(
        cls,
        *,
        demand_mean: float,
        demand_std: float,
        lead_time_mean: float,
        lead_time_std: float = 0.0,
        ordering_cost: float,
        holding_cost: float,
        service_level: float | None = None,
        penalty: float | None = None,
        unit_cost: float | None = None,
    ) -> WhatIfCase:
        holding = check_number("holding cost", holding_cost, positive=True)
        if penalty is None:
            if service_level is None:
                raise InventoryInputError("give a service level or a stock-out penalty")
            level = check_probability("service level", service_level)
            penalty = holding * level / (1 - level)
        return cls(
            demand_mean=check_number("demand mean", demand_mean, positive=True),
            demand_std=check_number("demand std", demand_std, low=0.0),
            lead_time_mean=check_number("lead time mean", lead_time_mean, low=0.0),
            lead_time_std=check_number("lead time std", lead_time_std, low=0.0),
            ordering_cost=check_number("ordering cost", ordering_cost, positive=True),
            holding_cost=holding,
            penalty=check_number("stock-out penalty", penalty, positive=True),
            unit_cost=0.0 if unit_cost is None else check_number("unit cost", unit_cost, low=0.0),
        )

    @property
    def economic_order_quantity(self) -> float:
        return math.sqrt(2 * self.ordering_cost * self.demand_mean / self.holding_cost)

    @property
    def protection_mean(self) -> float:
        return self.demand_mean * (self.lead_time_mean + 1)

    @property
    def protection_scale(self) -> float:
        """Spread of protection-interval demand, floored at 5 % of a period's demand so it never vanishes."""
        variance = (self.lead_time_mean + 1) * self.demand_std**2 + self.demand_mean**2 * self.lead_time_std**2
        return math.sqrt(variance + (0.05 * self.demand_mean) ** 2)

    def discrete_model(self) -> DiscreteModel:
        return discretise(
            self.demand_mean, self.demand_std, self.lead_time_mean, self.lead_time_std, self.economic_order_quantity
        )


@dataclass(frozen=True)
class OptimisedPolicy:
    reorder_point: float
    order_up_to: float
    order_quantity: float
    cost: float  # expected holding + stock-out + ordering cost per period in the optimiser's model


@dataclass(frozen=True)
class WhatIfAnswer:
    reorder_point: float
    order_up_to: float
    order_quantity: float
    expected_cost: float  # simulated holding + stock-out + ordering (+ purchase) cost per period
    fill_rate: float  # simulated fraction of demand served from stock
    stockout_period_rate: float  # simulated fraction of periods with unmet demand
    holding_cost: float
    stockout_cost: float
    ordering_cost: float
    purchase_cost: float
    penalty: float  # the stock-out penalty used (implied by the service level when not given)
    source: str  # "surrogate" or "optimiser"

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Exact optimiser


def optimise_policy(case: WhatIfCase) -> OptimisedPolicy:
    """Cost-optimal (s, S) for `case` (Zheng–Federgruen on the discretised model), in demand units."""
    model = case.discrete_model()
    best: SSResult = ss_discrete(
        case.holding_cost * model.unit,
        case.penalty * model.unit,
        case.ordering_cost,
        model.period_pmf,
        model.protection_pmf,
    )
    return OptimisedPolicy(
        reorder_point=best.reorder_point * model.unit,
        order_up_to=best.order_up_to * model.unit,
        order_quantity=best.order_quantity * model.unit,
        cost=best.cost,
    )


def policy_cost(
    case: WhatIfCase, reorder_point: float, order_up_to: float, model: DiscreteModel | None = None
) -> float:
    """Expected cost per period of any (s, S) in the optimiser's model of `case` (levels snapped to its grid)."""
    model = model or case.discrete_model()
    s = int(math.floor(reorder_point / model.unit + 1e-9))
    S = max(int(round(order_up_to / model.unit)), s + 1)
    ss = _SSModel(
        model.period_pmf,
        model.protection_pmf,
        case.holding_cost * model.unit,
        case.penalty * model.unit,
        case.ordering_cost,
    )
    return ss.cost(s, S)


# ---------------------------------------------------------------------------------------------
# Training cases


def sample_cases(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` random what-if cases spanning what a mill plans: demand CV 0.1–1, lead time 0–8 periods
    (a third of them fixed), K / (h·μ) 0.2–50 (EOQ of 0.6–10 periods' demand), service 80–99.5 %."""
    n = check_count("number of cases", n)
    rng = np.random.default_rng(seed)
    demand_mean = np.exp(rng.uniform(np.log(1.0), np.log(1000.0), n))
    holding = np.exp(rng.uniform(np.log(0.01), np.log(1.0), n))
    lead_time = rng.uniform(0.0, 8.0, n)
    lead_std = np.where(rng.uniform(size=n) < 1 / 3, 0.0, rng.uniform(0.0, 0.5, n) * np.maximum(lead_time, 0.5))
    lead_std = np.where(lead_time == 0, 0.0, lead_std)
    service = rng.uniform(0.80, 0.995, n)
    return pd.DataFrame(
        {
            "demand_mean": demand_mean,
            "demand_std": demand_mean * rng.uniform(0.1, 1.0, n),
            "lead_time_mean": lead_time,
            "lead_time_std": lead_std,
            "ordering_cost": demand_mean * holding * np.exp(rng.uniform(np.log(0.2), np.log(50.0), n)),
            "holding_cost": holding,
            "penalty": holding * service / (1 - service),
        }
    )


def _cases(frame: pd.DataFrame) -> list[WhatIfCase]:
    missing = [column for column in CASE_COLUMNS if column not in frame.columns]
    if missing:
        raise InventoryInputError(f"case frame lacks columns {missing}; expected {CASE_COLUMNS}")
    return [WhatIfCase.build(**row) for row in frame[CASE_COLUMNS].to_dict("records")]


def _solve_chunk(frame: pd.DataFrame) -> list[tuple[float, float, float]]:
    return [(result.reorder_point, result.order_up_to, result.cost) for result in map(optimise_policy, _cases(frame))]


def solve_cases(cases: pd.DataFrame, n_jobs: int = 1, progress: bool = False) -> pd.DataFrame:
    """`cases` with the optimiser's `reorder_point`, `order_up_to` and `cost` appended."""
    if len(cases) == 0:
        raise InventoryInputError("no cases to solve")
    chunks = [cases.iloc[start : start + 50] for start in range(0, len(cases), 50)]
    started = time.perf_counter()
    results: list[tuple[float, float, float]] = []
    runner = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    report_every = max(1, len(chunks) // 10)
    for done, chunk in enumerate(runner(joblib.delayed(_solve_chunk)(chunk) for chunk in chunks), start=1):
        results.extend(chunk)
        if progress and (done % report_every == 0 or done == len(chunks)):
            print(
                f"optimising cases {len(results)}/{len(cases)} ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    solved = cases.reset_index(drop=True).copy()
    solved[["reorder_point", "order_up_to", "cost"]] = np.array(results)
    return solved


# ---------------------------------------------------------------------------------------------
# Surrogate


def _features(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scale-free features of case rows (columns in CASE_COLUMNS order), and the scales that map
    the surrogate's targets back to stock levels: protection mean and spread, and the EOQ."""
    mean, std, lead, lead_std, K, h, p = values.T
    eoq = np.sqrt(2 * K * mean / h)
    scale = np.sqrt((lead + 1) * std**2 + mean**2 * lead_std**2 + (0.05 * mean) ** 2)
    features = np.column_stack(
        [
            std / mean,
            lead,
            lead_std,
            np.log(K / (h * mean)),
            stats.norm.ppf(p / (p + h)),
            np.log(eoq / scale),
        ]
    )
    return features, mean * (lead + 1), scale, eoq


class WhatIfSurrogate(RegressorMixin, BaseEstimator):
    """Random Forest that maps a what-if case to its optimal (s, S).

    X: a frame with CASE_COLUMNS (or an array in that order); y: columns `reorder_point`,
    `order_up_to` (what `solve_cases` returns). It learns scale-free targets — the reorder point as
    (s − protection mean) / protection spread and the order quantity as (S − s) / EOQ — so one model
    serves items of any size. `verbose` prints progress while the trees grow.
    """

    def __init__(
        self, n_estimators: int = 100, min_samples_leaf: int = 4, random_state: int = 0, verbose: bool = False
    ):
        self.n_estimators = n_estimators
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state
        self.verbose = verbose

    @staticmethod
    def _values(X) -> np.ndarray:
        if isinstance(X, pd.DataFrame):
            missing = [column for column in CASE_COLUMNS if column not in X.columns]
            if missing:
                raise InventoryInputError(f"what-if frame lacks columns {missing}")
            X = X[CASE_COLUMNS]
        values = np.asarray(X, dtype=float)
        if values.ndim != 2 or values.shape[1] != len(CASE_COLUMNS) or values.shape[0] == 0:
            raise InventoryInputError(f"what-if input must be a non-empty table with columns {CASE_COLUMNS}")
        if not np.all(np.isfinite(values)) or np.any(values[:, [0, 4, 5, 6]] <= 0) or np.any(values < 0):
            raise InventoryInputError("what-if inputs must be finite; means and costs positive, spreads non-negative")
        return values

    def fit(self, X, y) -> WhatIfSurrogate:
        values = self._values(X)
        target = np.asarray(y[["reorder_point", "order_up_to"]] if isinstance(y, pd.DataFrame) else y, dtype=float)
        if target.shape != (values.shape[0], 2):
            raise InventoryInputError("y must hold reorder_point and order_up_to for every case")
        features, protection_mean, scale, eoq = _features(values)
        targets = np.column_stack([(target[:, 0] - protection_mean) / scale, (target[:, 1] - target[:, 0]) / eoq])
        forest = RandomForestRegressor(
            n_estimators=0,
            min_samples_leaf=self.min_samples_leaf,
            random_state=self.random_state,
            warm_start=True,
            n_jobs=1,
        )
        # Grow the forest in steps so long trainings can report progress; the result equals one fit.
        step = max(1, self.n_estimators // 10)
        started = time.perf_counter()
        for grown in range(step, self.n_estimators + step, step):
            forest.set_params(n_estimators=min(grown, self.n_estimators))
            forest.fit(features, targets)
            if self.verbose:
                print(
                    f"growing trees {forest.n_estimators}/{self.n_estimators} ({time.perf_counter() - started:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
            if forest.n_estimators == self.n_estimators:
                break
        self.forest_ = forest
        self.n_features_in_ = len(CASE_COLUMNS)
        return self

    def predict(self, X) -> np.ndarray:
        """(s, S) per row, shape (n, 2)."""
        check_is_fitted(self, "forest_")
        values = self._values(X)
        features, protection_mean, scale, eoq = _features(values)
        predicted = self.forest_.predict(features)
        reorder_point = protection_mean + predicted[:, 0] * scale
        quantity = np.maximum(predicted[:, 1], 1e-6) * eoq
        return np.column_stack([reorder_point, reorder_point + quantity])

    def recommend(self, case: WhatIfCase) -> tuple[float, float]:
        values = np.array([[getattr(case, column) for column in CASE_COLUMNS]])
        s, S = self.predict(values)[0]
        return float(s), float(S)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> WhatIfSurrogate:
        try:
            model = joblib.load(Path(path))
        except FileNotFoundError:
            raise InventoryInputError(f"no what-if model at {path}")
        if not isinstance(model, cls):
            raise InventoryInputError(f"{path} does not hold a {cls.__name__}")
        return model


def train_surrogate(
    n_cases: int = 2000, seed: int = 0, n_jobs: int = 1, progress: bool = False, **params
) -> tuple[WhatIfSurrogate, pd.DataFrame]:
    """Sample and optimise `n_cases` cases, fit a surrogate on them; returns the model and the cases."""
    cases = solve_cases(sample_cases(n_cases, seed), n_jobs=n_jobs, progress=progress)
    model = WhatIfSurrogate(random_state=seed, verbose=progress, **params).fit(cases[CASE_COLUMNS], cases)
    return model, cases


# ---------------------------------------------------------------------------------------------
# The what-if API


def simulate_case(
    case: WhatIfCase,
    reorder_point: float,
    order_up_to: float,
    *,
    periods: int = 300,
    replications: int = 64,
    seed: int = 0,
) -> SimulationResult:
    """Simulate (s, S) under the case's gamma demand and discretised-gamma lead time."""
    return simulate(
        Policy.s_S(reorder_point, order_up_to),
        demand_distribution(case.demand_mean, case.demand_std),
        lead_time_pmf(case.lead_time_mean, case.lead_time_std),
        h=case.holding_cost,
        p=case.penalty,
        K=case.ordering_cost,
        periods=periods,
        replications=replications,
        warmup=50,
        seed=seed,
    )


def what_if(
    *,
    demand_mean: float,
    demand_std: float,
    lead_time_mean: float,
    lead_time_std: float = 0.0,
    ordering_cost: float,
    holding_cost: float,
    service_level: float | None = None,
    penalty: float | None = None,
    unit_cost: float | None = None,
    model: WhatIfSurrogate | None = None,
    periods: int = 300,
    replications: int = 64,
    seed: int = 0,
) -> WhatIfAnswer:
    """Recommend (s, S) for one item and report its simulated cost and fill rate (see the module doc)."""
    case = WhatIfCase.build(
        demand_mean=demand_mean,
        demand_std=demand_std,
        lead_time_mean=lead_time_mean,
        lead_time_std=lead_time_std,
        ordering_cost=ordering_cost,
        holding_cost=holding_cost,
        service_level=service_level,
        penalty=penalty,
        unit_cost=unit_cost,
    )
    if model is not None:
        s, S = model.recommend(case)
        source = "surrogate"
    else:
        best = optimise_policy(case)
        s, S = best.reorder_point, best.order_up_to
        source = "optimiser"
    simulated = simulate_case(case, s, S, periods=periods, replications=replications, seed=seed)
    purchase = case.unit_cost * case.demand_mean
    return WhatIfAnswer(
        reorder_point=s,
        order_up_to=S,
        order_quantity=S - s,
        expected_cost=simulated.cost + purchase,
        fill_rate=simulated.fill_rate,
        stockout_period_rate=simulated.stockout_period_rate,
        holding_cost=simulated.holding_cost,
        stockout_cost=simulated.stockout_cost,
        ordering_cost=simulated.ordering_cost,
        purchase_cost=purchase,
        penalty=case.penalty,
        source=source,
    )


def cost_service_curve(
    service_levels=(0.80, 0.85, 0.90, 0.95, 0.975, 0.99),
    *,
    model: WhatIfSurrogate | None = None,
    seed: int = 0,
    **inputs,
) -> pd.DataFrame:
    """One what-if per service level (penalty implied by each): what holding more stock costs, and
    the fill rate it buys. `inputs` are `what_if`'s item inputs without service level or penalty.
    Columns: service_level, reorder_point, order_up_to, order_quantity, fill_rate,
    inventory_cost (holding + ordering, what the mill pays), expected_cost (with the implied penalty)."""
    if "penalty" in inputs or "service_level" in inputs:
        raise InventoryInputError("the curve sets the service level itself: leave service_level and penalty out")
    levels = [check_probability("service level", level) for level in service_levels]
    if not levels:
        raise InventoryInputError("give at least one service level")
    rows = []
    for level in sorted(levels):
        answer = what_if(service_level=level, model=model, seed=seed, **inputs)
        rows.append(
            {
                "service_level": level,
                "reorder_point": answer.reorder_point,
                "order_up_to": answer.order_up_to,
                "order_quantity": answer.order_quantity,
                "fill_rate": answer.fill_rate,
                "inventory_cost": answer.holding_cost + answer.ordering_cost + answer.purchase_cost,
                "expected_cost": answer.expected_cost,
            }
        )
    return pd.DataFrame(rows)
