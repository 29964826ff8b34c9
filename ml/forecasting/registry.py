"""Model names → forecaster classes. Classes load on first use: Prophet and TensorFlow import slowly."""

from __future__ import annotations

import importlib

from ml.forecasting.base import Forecaster

MODELS: dict[str, str] = {
    "auto": "ml.forecasting.auto:Auto",
    "naive": "ml.forecasting.statistical:Naive",
    "snaive": "ml.forecasting.statistical:SeasonalNaive",
    "naive2": "ml.forecasting.statistical:Naive2",
    "ses": "ml.forecasting.statistical:SES",
    "holt": "ml.forecasting.statistical:Holt",
    "damped": "ml.forecasting.statistical:Damped",
    "ets": "ml.forecasting.statistical:ETS",
    "theta": "ml.forecasting.statistical:Theta",
    "ces": "ml.forecasting.statistical:CES",
    "prophet": "ml.forecasting.prophet:ProphetForecaster",
    "lstm": "ml.forecasting.lstm:LSTMForecaster",
}


class UnknownModel(ValueError):
    pass


def check_names(names: list[str]) -> None:
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise UnknownModel(f"unknown model {', '.join(unknown)}; valid models: {', '.join(MODELS)}")


def model_class(name: str) -> type[Forecaster]:
    check_names([name])
    module_name, class_name = MODELS[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def make_forecaster(name: str, *, season: int = 1, horizon: int = 1, seed: int = 0, verbose: int = 0) -> Forecaster:
    """A forecaster with the run's settings; each class takes the ones among them it has parameters for."""
    cls = model_class(name)
    settings = {"season": season, "horizon": horizon, "seed": seed, "verbose": verbose}
    accepted = cls._get_param_names()
    return cls(**{key: value for key, value in settings.items() if key in accepted})
