"""One global LSTM trained across all series on scaled windows (multi-output: the whole horizon at once).

Each training example is `input_size` consecutive values followed by `horizon` targets, divided by the
mean of its input values so that series of any size share one model. Prediction intervals come from
the errors on each series' most recent window, which is held out of training for this calibration.
"""

from __future__ import annotations

import sys

import numpy as np

from ml.forecasting.base import Forecaster, Intervals


def _windows(y: np.ndarray, input_size: int, horizon: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The last `limit` (input, target) windows of one series, stride 1, front-padded when short."""
    needed = input_size + horizon
    if len(y) < needed:
        y = np.concatenate([np.full(needed - len(y), y[0]), y])
    view = np.lib.stride_tricks.sliding_window_view(y, needed)[-limit:]
    return view[:, :input_size], view[:, input_size:]


def _scaled(inputs: np.ndarray) -> np.ndarray:
    level = inputs.mean(axis=1, keepdims=True)
    return np.where(level > 0, level, 1.0)


class LSTMForecaster(Forecaster):
    """Global Keras LSTM; `predict(h)` beyond `horizon` feeds its own forecasts back in."""

    alias = "lstm"

    def __init__(
        self,
        horizon: int = 13,
        input_size: int = 52,
        units: int = 64,
        epochs: int = 15,
        batch_size: int = 256,
        windows_per_series: int = 200,
        learning_rate: float = 1e-3,
        seed: int = 0,
        verbose: int = 0,
    ):
        self.horizon = horizon
        self.input_size = input_size
        self.units = units
        self.epochs = epochs
        self.batch_size = batch_size
        self.windows_per_series = windows_per_series
        self.learning_rate = learning_rate
        self.seed = seed
        self.verbose = verbose

    def min_length(self) -> int:
        return 2

    def _network(self):
        import keras

        network = keras.Sequential(
            [
                keras.Input((self.input_size, 1)),
                keras.layers.LSTM(self.units),
                keras.layers.Dense(self.units, activation="relu"),
                keras.layers.Dense(self.horizon),
            ]
        )
        # MAE matches the scaled absolute errors that sMAPE and MASE measure.
        network.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss="mae")
        return network

    def _fit(self, values: list[np.ndarray]) -> None:
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(self.seed)
        tf.config.experimental.enable_op_determinism()
        inputs, targets, calibration_inputs, calibration_targets = [], [], [], []
        for y in values:
            x, t = _windows(y, self.input_size, self.horizon, self.windows_per_series + 1)
            # The most recent window calibrates the intervals; training sees the ones before it.
            calibration_inputs.append(x[-1:])
            calibration_targets.append(t[-1:])
            if len(x) > 1:
                inputs.append(x[:-1])
                targets.append(t[:-1])
        x, t = np.concatenate(inputs), np.concatenate(targets)
        scale = _scaled(x)
        self.network_ = self._network()
        self.history_ = self.network_.fit(
            (x / scale - 1)[..., None],
            t / scale - 1,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=True,
            verbose=0,
            callbacks=[self._progress(keras)] if self.verbose else [],
        ).history
        x, t = np.concatenate(calibration_inputs), np.concatenate(calibration_targets)
        scale = _scaled(x)
        self.calibration_errors_ = np.abs(self._forward(x / scale - 1) - (t / scale - 1))  # (series, horizon)
        self.last_inputs_ = np.stack([_windows(y, self.input_size, 0, 1)[0][0] for y in values])

    def _progress(self, keras):
        # Keras writes its own progress to stdout, which belongs to the command's result.
        def report(epoch, logs):
            print(f"    lstm: epoch {epoch + 1}/{self.epochs} loss {logs['loss']:.4f}", file=sys.stderr, flush=True)

        return keras.callbacks.LambdaCallback(on_epoch_end=report)

    def _forward(self, scaled_inputs: np.ndarray) -> np.ndarray:
        return self.network_.predict(scaled_inputs[..., None], batch_size=4096, verbose=0)

    def _predict(self, h: int, levels: tuple[int, ...]) -> tuple[np.ndarray, Intervals]:
        inputs = self.last_inputs_.copy()
        steps = []
        while sum(step.shape[1] for step in steps) < h:
            scale = _scaled(inputs)
            step = np.maximum((self._forward(inputs / scale - 1) + 1) * scale, 0.0)
            steps.append(step)
            inputs = np.concatenate([inputs, step], axis=1)[:, -self.input_size :]
        mean = np.concatenate(steps, axis=1)[:, :h]
        scale = _scaled(self.last_inputs_)
        # Horizons past the calibrated ones reuse the last calibrated step's error quantile.
        steps_ahead = np.minimum(np.arange(h), self.horizon - 1)
        intervals = {}
        for level in levels:
            quantile = np.quantile(self.calibration_errors_, level / 100, axis=0)[steps_ahead]
            intervals[level] = (np.maximum(mean - quantile * scale, 0.0), mean + quantile * scale)
        return mean, intervals
