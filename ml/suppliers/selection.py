"""Choosing a supplier for a task from the task's features (the supplier-acme case).

`SupplierCostModel` holds one RBF SVR per supplier, in a scikit-learn Pipeline with constant-column
removal and scaling. Each SVR predicts its supplier's cost *relative to the task's mean cost over all
suppliers*: only the order of suppliers within a task matters for choosing, and removing the task's
overall price level (most of the variance in cost) leaves the part that differs between suppliers.
The supplier with the lowest prediction is chosen.

Optionally the prediction is blended with a prior: the supplier's mean relative cost over the
training tasks, i.e. what "always choose the supplier best in hindsight" knows. `prior_weight` is
that blend's weight, learned like the SVR's C, γ and ε by grouped cross-validation on the training
tasks only (each task one group), scoring each setting by the quantity that matters: the RMSE of
(cost of the chosen supplier − cheapest cost).
"""

from __future__ import annotations

import itertools
import time

import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_selection import VarianceThreshold
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import GroupKFold
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR
from sklearn.utils.validation import check_is_fitted

from ml.suppliers.data import AcmeCase, SupplierDataError

DEFAULT_GRID = {
    "C": [0.001, 0.003, 0.01],
    "gamma_scale": [0.03, 0.1],
    "epsilon": [0.0],
    "prior_weight": [0.0, 0.5],
}


def choice_rmse(costs: np.ndarray, chosen: np.ndarray) -> float:
    """RMSE over tasks of (cost of the chosen supplier − the task's cheapest cost)."""
    regret = costs[np.arange(len(costs)), chosen] - costs.min(axis=1)
    return float(np.sqrt(np.mean(regret**2)))


def _predict_precomputed(svr: SVR, test_gram: np.ndarray) -> np.ndarray:
    """SVR.predict from the dual coefficients: the same numbers without per-call input validation,
    which dominates when thousands of tiny SVRs are scored during tuning."""
    return test_gram[:, svr.support_] @ svr.dual_coef_[0] + svr.intercept_[0]


def _relative(costs: np.ndarray) -> np.ndarray:
    return costs - costs.mean(axis=1, keepdims=True)


class SupplierCostModel(BaseEstimator):
    """Per-supplier SVR of relative cost from task features; see the module docstring.

    `fit(task_features, costs)`: task_features a frame (tasks × numeric features), costs a frame
    (same tasks × suppliers). `gamma_scale` multiplies scikit-learn's `gamma="scale"` (1 / number of
    features on standardised data). With `param_grid` (a dict of lists over C, gamma_scale, epsilon,
    prior_weight) the parameters are chosen by `n_splits`-fold grouped CV on the training tasks
    (tasks shuffled into folds with `random_state`);
    `best_params_` and `cv_results_` record the search.
    """

    def __init__(
        self,
        C: float = 0.01,
        gamma_scale: float = 0.1,
        epsilon: float = 0.0,
        prior_weight: float = 0.0,
        param_grid: dict | None = None,
        n_splits: int = 3,
        random_state: int | None = 0,
    ):
        self.C = C
        self.gamma_scale = gamma_scale
        self.epsilon = epsilon
        self.prior_weight = prior_weight
        self.param_grid = param_grid
        self.n_splits = n_splits
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------------------------

    @staticmethod
    def _check(task_features: pd.DataFrame, costs: pd.DataFrame | None = None) -> None:
        if not isinstance(task_features, pd.DataFrame) or task_features.empty:
            raise SupplierDataError("task features must be a non-empty frame")
        if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in task_features.dtypes):
            raise SupplierDataError("task features must be numeric")
        if costs is not None:
            if not isinstance(costs, pd.DataFrame) or costs.shape[1] < 2:
                raise SupplierDataError("costs must be a frame with one column per supplier (at least two)")
            if not task_features.index.equals(costs.index):
                raise SupplierDataError("task features and costs must hold the same tasks in the same order")
            if costs.isna().any().any():
                raise SupplierDataError("costs must not be missing")

    def _pipeline(self, n_features: int, params: dict) -> Pipeline:
        svr = SVR(kernel="rbf", C=params["C"], gamma=params["gamma_scale"] / n_features, epsilon=params["epsilon"])
        return Pipeline(
            [
                ("drop_constant", VarianceThreshold(0.0)),
                ("scale", StandardScaler()),
                ("svr", MultiOutputRegressor(svr)),
            ]
        )

    def fit(self, task_features: pd.DataFrame, costs: pd.DataFrame) -> SupplierCostModel:
        self._check(task_features, costs)
        X = task_features.to_numpy(dtype=float)
        relative = _relative(costs.to_numpy(dtype=float))
        if self.param_grid:
            self.cv_results_ = self._search(X, costs.to_numpy(dtype=float))
            best = self.cv_results_.iloc[0]
            self.best_params_ = {name: float(best[name]) for name in self.param_grid}
        else:
            self.best_params_ = {name: getattr(self, name) for name in DEFAULT_GRID}
        params = {**{name: getattr(self, name) for name in DEFAULT_GRID}, **self.best_params_}
        n_features = int((X.std(axis=0) > 0).sum())
        if n_features == 0:
            raise SupplierDataError("every task feature is constant: nothing to learn from")
        self.pipeline_ = self._pipeline(n_features, params).fit(X, relative)
        self.prior_ = relative.mean(axis=0)
        self.params_ = params
        self.suppliers_ = list(costs.columns)
        self.feature_names_in_ = np.array(task_features.columns, dtype=object)
        self.reference_ = np.median(X, axis=0)
        return self

    def _search(self, X: np.ndarray, costs: np.ndarray) -> pd.DataFrame:
        """Grouped CV over the grid. All suppliers and all (C, ε) share one RBF Gram matrix per γ,
        which gives the same fits as the pipeline (same scaling, same kernel) at a fraction of the cost."""
        grid = {name: list(self.param_grid.get(name, [getattr(self, name)])) for name in DEFAULT_GRID}
        unknown = set(self.param_grid) - set(DEFAULT_GRID)
        if unknown:
            raise SupplierDataError(f"unknown parameters in the grid: {sorted(unknown)}")
        n_tasks = len(X)
        splits = min(self.n_splits, n_tasks)
        if splits < 2:
            raise SupplierDataError("tuning needs at least two tasks")
        kept = X.std(axis=0) > 0
        splitter = GroupKFold(n_splits=splits, shuffle=True, random_state=self.random_state)
        folds = list(splitter.split(X, groups=np.arange(n_tasks)))
        chosen = {key: np.empty(n_tasks, dtype=int) for key in itertools.product(*grid.values())}
        for train, test in folds:
            scaler = StandardScaler().fit(X[train][:, kept])
            Z = scaler.transform(X[:, kept])
            relative = _relative(costs[train])
            prior = relative.mean(axis=0)
            for gamma_scale in grid["gamma_scale"]:
                gram = rbf_kernel(Z, gamma=gamma_scale / kept.sum())
                train_gram, test_gram = gram[np.ix_(train, train)], gram[np.ix_(test, train)]
                for C, epsilon in itertools.product(grid["C"], grid["epsilon"]):
                    predicted = np.column_stack(
                        [
                            _predict_precomputed(
                                SVR(kernel="precomputed", C=C, epsilon=epsilon).fit(train_gram, target), test_gram
                            )
                            for target in relative.T
                        ]
                    )
                    for weight in grid["prior_weight"]:
                        blended = (1 - weight) * predicted + weight * prior
                        chosen[(C, gamma_scale, epsilon, weight)][test] = blended.argmin(axis=1)
        rows = [
            dict(zip(DEFAULT_GRID, key, strict=True), cv_rmse=choice_rmse(costs, picks))
            for key, picks in chosen.items()
        ]
        # Ties go to the simpler model: more prior, smaller C, smaller γ.
        return pd.DataFrame(rows).sort_values(
            ["cv_rmse", "prior_weight", "C", "gamma_scale"], ascending=[True, False, True, True], ignore_index=True
        )

    # -- prediction ------------------------------------------------------------------------------

    def _features(self, task_features: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        self._check(task_features)
        missing = [name for name in self.feature_names_in_ if name not in task_features.columns]
        if missing:
            raise SupplierDataError(f"task features lack columns {missing[:5]}")
        return task_features[list(self.feature_names_in_)].to_numpy(dtype=float)

    def _predict_array(self, X: np.ndarray) -> np.ndarray:
        weight = self.params_["prior_weight"]
        return (1 - weight) * self.pipeline_.predict(X) + weight * self.prior_

    def predict(self, task_features: pd.DataFrame) -> pd.DataFrame:
        """Predicted cost of each supplier relative to the task's mean (tasks × suppliers)."""
        X = self._features(task_features)
        return pd.DataFrame(self._predict_array(X), index=task_features.index, columns=self.suppliers_)

    def choose(self, task_features: pd.DataFrame) -> pd.Series:
        """The supplier with the lowest predicted cost for each task."""
        return self.predict(task_features).idxmin(axis=1)

    def contributions(self, task_features: pd.DataFrame, supplier: str) -> pd.DataFrame:
        """Why a supplier's predicted relative cost is what it is, one column per task feature: the
        prediction minus the prediction with that feature set to its training median. Positive means
        the feature's value makes this supplier look dearer. Effects are one at a time, so they need
        not add up exactly to the prediction's distance from the all-median task."""
        if supplier not in self.suppliers_:
            raise SupplierDataError(f"unknown supplier {supplier!r}")
        X = self._features(task_features)
        column = self.suppliers_.index(supplier)
        base = self._predict_array(X)[:, column]
        n_tasks, n_features = X.shape
        # Every (task, feature) swap in one batch: one predict call instead of one per feature.
        swapped = np.repeat(X[:, None, :], n_features, axis=1)
        swapped[:, np.arange(n_features), np.arange(n_features)] = self.reference_
        predicted = self._predict_array(swapped.reshape(-1, n_features))[:, column].reshape(n_tasks, n_features)
        effects = base[:, None] - predicted
        return pd.DataFrame(effects, index=task_features.index, columns=self.feature_names_in_)

    def save(self, path) -> None:
        joblib.dump(self, path, compress=3)

    @classmethod
    def load(cls, path) -> SupplierCostModel:
        try:
            model = joblib.load(path)
        except FileNotFoundError:
            raise SupplierDataError(f"no supplier model at {path}")
        if not isinstance(model, cls):
            raise SupplierDataError(f"{path} does not hold a {cls.__name__}")
        return model


def hindsight_baseline(case: AcmeCase) -> tuple[str, float]:
    """The single supplier with the lowest choice RMSE over all tasks, and that RMSE (uses every task:
    an oracle reference, not a model)."""
    regret = case.regret
    rmse = np.sqrt((regret**2).mean(axis=0))
    return str(rmse.idxmin()), float(rmse.min())


def _fold(case: AcmeCase, model: SupplierCostModel, task: int) -> tuple[int, dict]:
    train = np.arange(len(case.costs)) != task
    fitted = model.fit(case.task_features.iloc[train], case.costs.iloc[train])
    chosen = fitted.choose(case.task_features.iloc[[task]]).iloc[0]
    return case.costs.columns.get_loc(chosen), getattr(fitted, "best_params_", {})


def leave_one_task_out(
    case: AcmeCase, model: SupplierCostModel, n_jobs: int = 1, progress=None
) -> tuple[float, np.ndarray, list[dict]]:
    """Refit `model` (with its own tuning) without each task in turn and choose for the held-out task.
    Returns the choice RMSE, the chosen supplier index per task, and the parameters each fold chose."""
    n_tasks = len(case.costs)
    if n_tasks < 3:
        raise SupplierDataError("leave-one-task-out needs at least three tasks with costs")
    started = time.perf_counter()
    runner = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    results = []
    for done, result in enumerate(runner(joblib.delayed(_fold)(case, model, task) for task in range(n_tasks)), start=1):
        results.append(result)
        if progress is not None and (done % 10 == 0 or done == n_tasks):
            progress(f"leave-one-task-out {done}/{n_tasks} ({time.perf_counter() - started:.0f} s)")
    chosen = np.array([index for index, _ in results])
    return choice_rmse(case.costs.to_numpy(), chosen), chosen, [params for _, params in results]
