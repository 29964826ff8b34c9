"""Demand forecasting over many series at once (long frames `unique_id, ds, y`); see DESIGN §5."""

from ml.forecasting.registry import MODELS, make_forecaster, model_class

__all__ = ["MODELS", "make_forecaster", "model_class"]
