"""Lot-level defect probability from inspection and production features: a calibrated logistic regression.

Expected columns (one row per lot; extra columns are ignored, a missing expected column is an error unless
the model is built with its own `categorical` / `numeric` lists):

| column            | kind        | meaning                                                     |
|-------------------|-------------|-------------------------------------------------------------|
| `supplier`        | categorical | yarn supplier code                                          |
| `machine`         | categorical | loom / knitting machine id                                  |
| `shift`           | categorical | production shift (A/B/C or morning/evening/night)           |
| `stage`           | categorical | process stage where the lot was inspected (weaving, dyeing…)|
| `yarn_count_ne`   | numeric     | yarn count of the lot, English cotton count (Ne)            |
| `twist_tpi`       | numeric     | yarn twist, turns per inch                                  |
| `tenacity_cn_tex` | numeric     | single-yarn tenacity, cN/tex                                |
| `moisture_pct`    | numeric     | moisture regain at receipt, %                               |
| `defective`       | target 0/1  | the lot failed inspection (only for training)               |

Numeric features are standardised, so a coefficient reads "per standard deviation"; the table also gives the
odds ratio per one unit of the original column. Categories are one-hot against a reference level (the most
frequent one), so an odds ratio reads "lots from supplier B have x times the odds of a defect of lots from
the reference supplier, other things equal". Probabilities come from the same model recalibrated by
cross-validation (Platt scaling), since regularisation shrinks the raw probabilities toward the base rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DEFAULT_CATEGORICAL = ("supplier", "machine", "shift", "stage")
DEFAULT_NUMERIC = ("yarn_count_ne", "twist_tpi", "tenacity_cn_tex", "moisture_pct")
TARGET = "defective"


class LotDefectModel:
    """Calibrated logistic regression with an odds-ratio table a QC manager can read.

    Parameters
    ----------
    categorical, numeric: column names used as features (defaults: the documented ERP columns).
    C: inverse L2 regularisation strength of the logistic regression.
    calibration_folds: folds of the sigmoid calibration (fewer when a class is rarer than that).
    seed: random state for the calibration folds.
    """

    def __init__(
        self,
        categorical: tuple[str, ...] | list[str] = DEFAULT_CATEGORICAL,
        numeric: tuple[str, ...] | list[str] = DEFAULT_NUMERIC,
        C: float = 1.0,
        calibration_folds: int = 5,
        seed: int = 0,
    ):
        self.categorical = categorical
        self.numeric = numeric
        self.C = C
        self.calibration_folds = calibration_folds
        self.seed = seed

    def _pipeline(self, frame: pd.DataFrame) -> Pipeline:
        categorical = list(self.categorical)
        # The most frequent level is the reference, so odds ratios compare against the usual case.
        reference = [frame[c].astype(str).value_counts().index[0] for c in categorical]
        encoder = OneHotEncoder(drop=reference, handle_unknown="ignore", sparse_output=False)
        transformer = ColumnTransformer(
            [("categorical", encoder, categorical), ("numeric", StandardScaler(), list(self.numeric))],
            verbose_feature_names_out=False,
        )
        model = LogisticRegression(C=self.C, max_iter=2000)
        return Pipeline([("features", transformer), ("logit", model)])

    def _frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in (*self.categorical, *self.numeric) if c not in frame.columns]
        if missing:
            raise ValueError(f"missing columns: {', '.join(missing)}")
        out = frame[list(self.categorical) + list(self.numeric)].copy()
        for column in self.categorical:
            out[column] = out[column].astype(str)
        for column in self.numeric:
            out[column] = pd.to_numeric(out[column], errors="raise").astype(float)
        if out[list(self.numeric)].isna().any().any():
            raise ValueError("numeric columns contain missing values")
        return out

    def fit(self, frame: pd.DataFrame, y: pd.Series | np.ndarray | None = None) -> LotDefectModel:
        """Fit on a lot frame; `y` defaults to its `defective` column."""
        if y is None:
            if TARGET not in frame.columns:
                raise ValueError(f"no target: pass y or include a {TARGET!r} column")
            y = frame[TARGET]
        y = np.asarray(y).astype(int)
        if np.unique(y).size < 2:
            raise ValueError("the target has a single class; both defective and good lots are needed")
        features = self._frame(frame)
        self.interpretable_ = self._pipeline(features).fit(features, y)
        folds = int(min(self.calibration_folds, np.bincount(y).min()))
        if folds >= 2:
            from sklearn.model_selection import StratifiedKFold

            self.calibrated_ = CalibratedClassifierCV(
                self._pipeline(features),
                method="sigmoid",
                cv=StratifiedKFold(folds, shuffle=True, random_state=self.seed),
            ).fit(features, y)
        else:
            # Too few of one class for folds: the plain fit's probabilities are the best available.
            self.calibrated_ = self.interpretable_
        self.classes_ = np.array([0, 1])
        self.base_rate_ = float(y.mean())
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """`(n, 2)` probabilities of good / defective, scikit-learn style."""
        return self.calibrated_.predict_proba(self._frame(frame))

    def defect_probability(self, frame: pd.DataFrame) -> np.ndarray:
        return self.predict_proba(frame)[:, 1]

    def odds_ratios(self) -> pd.DataFrame:
        """One row per feature level: coefficient (log-odds), odds ratio, and what it is compared with."""
        transformer: ColumnTransformer = self.interpretable_.named_steps["features"]
        logit: LogisticRegression = self.interpretable_.named_steps["logit"]
        coefficients = logit.coef_.ravel()
        rows = []
        position = 0
        encoder: OneHotEncoder = transformer.named_transformers_["categorical"]
        for column, levels, dropped in zip(self.categorical, encoder.categories_, encoder.drop_idx_, strict=True):
            reference = levels[dropped]
            for index, level in enumerate(levels):
                if index == dropped:
                    continue
                coefficient = float(coefficients[position])
                rows.append(
                    {
                        "feature": column,
                        "level": level,
                        "compared_with": f"{column} = {reference}",
                        "coefficient": coefficient,
                        "odds_ratio": float(np.exp(coefficient)),
                        "odds_ratio_per_unit": None,
                    }
                )
                position += 1
        scaler: StandardScaler = transformer.named_transformers_["numeric"]
        for column, scale in zip(self.numeric, scaler.scale_, strict=True):
            coefficient = float(coefficients[position])
            rows.append(
                {
                    "feature": column,
                    "level": "+1 standard deviation",
                    "compared_with": f"{column} at its mean (sd {scale:.4g})",
                    "coefficient": coefficient,
                    "odds_ratio": float(np.exp(coefficient)),
                    "odds_ratio_per_unit": float(np.exp(coefficient / scale)),
                }
            )
            position += 1
        table = pd.DataFrame(rows)
        return table.sort_values("odds_ratio", key=lambda s: np.abs(np.log(s)), ascending=False).reset_index(drop=True)
