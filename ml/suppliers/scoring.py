"""Supplier scoring from ERP data: an SVM on supplier performance features, with per-feature
contributions, combined with the rule scorecard (DESIGN §3.3 and §5).

`ml_service` builds the frame from the ERP, one row per supplier and period (a month, say):

| column | meaning |
|---|---|
| `supplier` | supplier id (the CV groups: one supplier's periods never straddle train and test) |
| `on_time_rate` | qty received by the promised date ÷ qty ordered, 0–1 |
| `lead_time_mean_days` | mean days from PO approval to receipt |
| `lead_time_std_days` | spread of those days |
| `accept_rate` | qty released by incoming inspection ÷ qty received, 0–1 |
| `price_variance` | (invoiced − price-list price) ÷ price-list price, a fraction |
| target | `kind="reliability"`: 1 when the *next* period was reliable (e.g. on time and accepted), else 0; `kind="score"`: a 0–100 score (e.g. the next period's scorecard) |

Other numeric columns can be used by naming them in `features`; missing values are imputed with the
training median. The model's score is 0–100: 100 × P(reliable) for the classifier (SVC with Platt
probabilities), the regressor's prediction clipped to 0–100 for SVR.

Contributions: baseline Shapley values against a reference supplier (the training medians). For
each feature, its average effect on the score when it is switched from the reference value to the
supplier's value, averaged over every order of switching the features; they add up exactly to
(score − reference score), so a purchaser reads "on-time rate −12 points, accept rate +3 …".
Exact for up to 10 features; beyond that, averaged over `n_permutations` seeded random orders
(still adding up exactly).
"""

from __future__ import annotations

import math
from itertools import combinations

import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR
from sklearn.utils.validation import check_is_fitted

from ml.suppliers.data import SupplierDataError

FEATURES = ["on_time_rate", "lead_time_mean_days", "lead_time_std_days", "accept_rate", "price_variance"]
EXACT_SHAPLEY_MAX_FEATURES = 10

# Scorecard standings (DESIGN §3.3): below 30 blocks new POs, below 50 warns.
STANDINGS = [(30.0, "very_poor"), (50.0, "poor"), (math.inf, "ok")]


class SupplierScorer(BaseEstimator):
    """SVC (reliability, Platt-calibrated) or SVR (score) in a Pipeline (median imputation, scaling), tuned by grouped CV.

    `param_grid` uses the pipeline's names: `svm__estimator__C`, `svm__estimator__gamma` for the
    classifier (the SVC inside its calibration wrapper), `svm__C`, `svm__gamma` for the regressor;
    the search runs when the training frame has at least `n_splits` suppliers. Deterministic for a
    `random_state`.
    """

    def __init__(
        self,
        kind: str = "reliability",
        features: list[str] | None = None,
        param_grid: dict | None = None,
        n_splits: int = 5,
        n_permutations: int = 64,
        random_state: int = 0,
    ):
        self.kind = kind
        self.features = features
        self.param_grid = param_grid
        self.n_splits = n_splits
        self.n_permutations = n_permutations
        self.random_state = random_state

    def _feature_names(self) -> list[str]:
        return list(self.features) if self.features is not None else list(FEATURES)

    def _matrix(self, frame: pd.DataFrame, names: list[str]) -> np.ndarray:
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            raise SupplierDataError("supplier frame must be a non-empty DataFrame")
        missing = [name for name in names if name not in frame.columns]
        if missing:
            raise SupplierDataError(f"supplier frame lacks columns {missing}; expected {names}")
        try:
            values = frame[names].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise SupplierDataError(f"supplier features {names} must be numeric")
        if np.isinf(values).any():
            raise SupplierDataError("supplier features must be finite")
        return values

    def _pipeline(self) -> Pipeline:
        if self.kind == "reliability":
            # Platt probabilities through scikit-learn's calibration wrapper (SVC(probability=True) is deprecated).
            svm = CalibratedClassifierCV(SVC(kernel="rbf"), method="sigmoid", ensemble=False, cv=3)
        elif self.kind == "score":
            svm = SVR(kernel="rbf")
        else:
            raise SupplierDataError(f"kind must be 'reliability' or 'score', got {self.kind!r}")
        return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()), ("svm", svm)])

    def fit(self, frame: pd.DataFrame, target: str = "target", groups: str = "supplier") -> SupplierScorer:
        names = self._feature_names()
        X = self._matrix(frame, names)
        if target not in frame.columns:
            raise SupplierDataError(f"supplier frame lacks the target column {target!r}")
        y = frame[target].to_numpy()
        if pd.isna(y).any():
            raise SupplierDataError(f"target column {target!r} has missing values")
        pipeline = self._pipeline()
        if self.kind == "reliability":
            classes = set(np.unique(y))
            if not classes <= {0, 1} or len(classes) < 2:
                raise SupplierDataError("a reliability target must hold both 0 and 1")
            y = y.astype(int)
        else:
            y = y.astype(float)
        group_ids = frame[groups].to_numpy() if groups in frame.columns else np.arange(len(frame))
        prefix = "svm__estimator__" if self.kind == "reliability" else "svm__"
        grid = self.param_grid or {prefix + "C": [0.3, 1.0, 3.0], prefix + "gamma": ["scale", 0.1]}
        if len(np.unique(group_ids)) >= self.n_splits:
            search = GridSearchCV(
                pipeline,
                grid,
                cv=GroupKFold(n_splits=self.n_splits, shuffle=True, random_state=self.random_state),
                scoring="neg_log_loss" if self.kind == "reliability" else "neg_root_mean_squared_error",
            )
            search.fit(X, y, groups=group_ids)
            self.pipeline_ = search.best_estimator_
            self.best_params_ = search.best_params_
            self.cv_score_ = float(search.best_score_)
        else:
            self.pipeline_ = pipeline.fit(X, y)
            self.best_params_ = {}
            self.cv_score_ = math.nan
        self.feature_names_in_ = np.array(names, dtype=object)
        self.reference_ = np.nanmedian(X, axis=0)
        return self

    def _score_array(self, X: np.ndarray) -> np.ndarray:
        if self.kind == "reliability":
            return 100.0 * self.pipeline_.predict_proba(X)[:, 1]
        return np.clip(self.pipeline_.predict(X), 0.0, 100.0)

    def score(self, frame: pd.DataFrame) -> pd.Series:
        """The ML score, 0–100, per row."""
        check_is_fitted(self, "pipeline_")
        return pd.Series(self._score_array(self._matrix(frame, list(self.feature_names_in_))), index=frame.index)

    def reliability(self, frame: pd.DataFrame) -> pd.Series:
        """P(reliable next period) per row (classifier only)."""
        if self.kind != "reliability":
            raise SupplierDataError("reliability probabilities come from a kind='reliability' scorer")
        return self.score(frame) / 100.0

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per-row, per-feature contributions to the score in points (module docstring), plus
        `reference_score` and `score`; the feature columns sum to score − reference_score."""
        check_is_fitted(self, "pipeline_")
        X = self._matrix(frame, list(self.feature_names_in_))
        X = np.where(np.isnan(X), self.reference_, X)
        phi = baseline_shapley(self._score_array, X, self.reference_, self.n_permutations, self.random_state)
        result = pd.DataFrame(phi, index=frame.index, columns=self.feature_names_in_)
        result["reference_score"] = float(self._score_array(self.reference_[None, :])[0])
        result["score"] = self._score_array(X)
        return result

    def save(self, path) -> None:
        joblib.dump(self, path, compress=3)

    @classmethod
    def load(cls, path) -> SupplierScorer:
        try:
            model = joblib.load(path)
        except FileNotFoundError:
            raise SupplierDataError(f"no supplier scorer at {path}")
        if not isinstance(model, cls):
            raise SupplierDataError(f"{path} does not hold a {cls.__name__}")
        return model


def baseline_shapley(
    predict, X: np.ndarray, reference: np.ndarray, n_permutations: int = 64, seed: int = 0
) -> np.ndarray:
    """Shapley values of `predict` at each row of X against the single `reference` point.

    Exact (all 2^p coalitions in one batch) for p ≤ 10 features; otherwise averaged over seeded random
    feature orders. Either way each row's values sum to predict(x) − predict(reference).
    """
    n, p = X.shape
    if p <= EXACT_SHAPLEY_MAX_FEATURES:
        masks = np.array([[(m >> j) & 1 for j in range(p)] for m in range(2**p)], dtype=bool)
        batch = np.where(masks[None, :, :], X[:, None, :], reference[None, None, :]).reshape(-1, p)
        values = predict(batch).reshape(n, 2**p)
        index = {tuple(mask): k for k, mask in enumerate(masks)}
        phi = np.zeros((n, p))
        for j in range(p):
            others = [k for k in range(p) if k != j]
            for size in range(p):
                weight = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
                for subset in combinations(others, size):
                    without = np.zeros(p, dtype=bool)
                    without[list(subset)] = True
                    with_j = without.copy()
                    with_j[j] = True
                    phi[:, j] += weight * (values[:, index[tuple(with_j)]] - values[:, index[tuple(without)]])
        return phi
    rng = np.random.default_rng(seed)
    phi = np.zeros((n, p))
    for _ in range(n_permutations):
        order = rng.permutation(p)
        current = np.repeat(reference[None, :], n, axis=0)
        previous = predict(current)
        for j in order:
            current[:, j] = X[:, j]
            now = predict(current)
            phi[:, j] += now - previous
            previous = now
    return phi / n_permutations


def combine_scores(ml_score, rule_score, ml_weight: float = 30.0):
    """Scorecard total with the ML score as one weighted criterion: weights are percentages that sum to
    100, so the rule criteria share 100 − `ml_weight`. Scalars or aligned Series."""
    if not 0 <= ml_weight <= 100:
        raise SupplierDataError(f"ml_weight must lie in 0–100, got {ml_weight}")
    for name, value in (("ml score", ml_score), ("rule score", rule_score)):
        values = np.asarray(value, dtype=float)
        if np.isnan(values).any() or (values < 0).any() or (values > 100).any():
            raise SupplierDataError(f"{name} must lie in 0–100")
    return (ml_weight * ml_score + (100 - ml_weight) * rule_score) / 100


def standing(score: float) -> str:
    """Scorecard band: `very_poor` (< 30, block new POs), `poor` (< 50, warn), else `ok`."""
    return next(name for upper, name in STANDINGS if score < upper)
