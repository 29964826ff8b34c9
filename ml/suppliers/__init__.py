"""Supplier scoring (DESIGN §3.3, §5): choosing a supplier per task on the supplier-acme case
(`selection`), and SVM reliability/score models on ERP supplier features with per-feature
contributions, combined with the rule scorecard (`scoring`)."""

from ml.suppliers.data import AcmeCase, SupplierDataError, load_acme
from ml.suppliers.scoring import FEATURES, SupplierScorer, baseline_shapley, combine_scores, standing
from ml.suppliers.selection import SupplierCostModel, choice_rmse, hindsight_baseline, leave_one_task_out

__all__ = [
    "FEATURES",
    "AcmeCase",
    "SupplierCostModel",
    "SupplierDataError",
    "SupplierScorer",
    "baseline_shapley",
    "choice_rmse",
    "combine_scores",
    "hindsight_baseline",
    "leave_one_task_out",
    "load_acme",
    "standing",
]
