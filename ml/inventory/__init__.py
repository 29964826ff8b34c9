"""Inventory optimisation: textbook optimisers (`closed_forms`), a policy simulator (`simulate`) and
the what-if API with its Random Forest surrogate (`what_if`). See DESIGN §5."""

from ml.inventory.closed_forms import (
    base_stock_normal,
    base_stock_poisson,
    eoq,
    newsvendor_discrete,
    newsvendor_normal,
    poisson_pmf,
    rq_normal,
    rq_poisson,
    ss_cost,
    ss_discrete,
)
from ml.inventory.simulate import Policy, SimulationResult, simulate
from ml.inventory.validation import InventoryInputError
from ml.inventory.what_if import (
    WhatIfAnswer,
    WhatIfCase,
    WhatIfSurrogate,
    cost_service_curve,
    optimise_policy,
    train_surrogate,
    what_if,
)

__all__ = [
    "InventoryInputError",
    "Policy",
    "SimulationResult",
    "WhatIfAnswer",
    "WhatIfCase",
    "WhatIfSurrogate",
    "base_stock_normal",
    "base_stock_poisson",
    "cost_service_curve",
    "eoq",
    "newsvendor_discrete",
    "newsvendor_normal",
    "optimise_policy",
    "poisson_pmf",
    "rq_normal",
    "rq_poisson",
    "simulate",
    "ss_cost",
    "ss_discrete",
    "train_surrogate",
    "what_if",
]
