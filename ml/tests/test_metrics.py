"""Metric definitions, checked on hand-computed cases and on the M4 Weekly anchor."""

from __future__ import annotations

import numpy as np
import pytest

from ml.data import m4_weekly
from ml.metrics import bias, coverage, mase, owa, score_forecasts, smape, wape


def test_smape_matches_hand_computation_and_handles_double_zero():
    assert smape([100.0, 0.0], [110.0, 0.0])[0] == pytest.approx(100 * (2 * 10 / 210) / 2)
    assert smape(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])).tolist() == [0.0, 0.0]


def test_mase_scales_by_the_in_sample_naive_error_at_lag_m():
    history = np.array([1.0, 3.0, 2.0, 4.0])  # lag-1 changes 2, 1, 2 → 5/3; lag-2 changes 1, 1 → 1
    assert mase([5.0], [4.0], [history], m=1)[0] == pytest.approx(1 / (5 / 3))
    assert mase([5.0], [4.0], [history], m=2)[0] == pytest.approx(1.0)


def test_owa_is_the_mean_of_the_two_ratios_to_naive2():
    assert owa(9.0, 2.0, 10.0, 4.0) == pytest.approx(0.5 * (0.9 + 0.5))


def test_set_level_wape_bias_and_coverage():
    actual, predicted = np.array([10.0, 20.0]), np.array([12.0, 15.0])
    assert wape(actual, predicted) == pytest.approx(100 * 7 / 30)
    assert bias(actual, predicted) == pytest.approx(100 * -3 / 30)
    assert coverage(actual, [9.0, 21.0], [11.0, 25.0]) == 0.5


def test_naive_on_m4_weekly_reproduces_the_published_anchor():
    train, test = m4_weekly()
    assert train["unique_id"].nunique() == 359
    last = train.groupby("unique_id")["y"].last()
    forecasts = test[["unique_id", "ds"]].assign(naive=test["unique_id"].map(last))
    scores = score_forecasts(train, test, forecasts, "naive", m=1)
    assert round(scores["smape"], 3) == 9.161
    assert round(scores["mase"], 3) == 2.777
