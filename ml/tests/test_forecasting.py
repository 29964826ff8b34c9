"""Forecasters, `auto` and the `forecast-eval` command, on synthetic seasonal series and a few M4 ones."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ml.cli import main
from ml.data import REPO_DIR, m4_weekly
from ml.forecasting import MODELS, make_forecaster
from ml.forecasting.auto import Auto
from ml.forecasting.lstm import LSTMForecaster
from ml.forecasting.registry import UnknownModel
from ml.forecasting.statistical import Naive, Naive2, SeasonalNaive
from ml.metrics import score_forecasts

SEASON, HORIZON, LEVELS = 12, 6, (80, 95)
PER_SERIES_MODELS = [name for name in MODELS if name != "lstm"]


def seasonal_frame(n_series: int = 3, length: int = 96, seed: int = 0) -> pd.DataFrame:
    """Positive demand with a trend, a 12-period season and noise, in long format with integer ds."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    frames = []
    for i in range(n_series):
        level = 100 * (i + 1)
        y = level * (1 + 0.003 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / SEASON)) + rng.normal(0, level * 0.03, length)
        frames.append(pd.DataFrame({"unique_id": f"S{i}", "ds": t + 1, "y": y}))
    return pd.concat(frames, ignore_index=True)


def assert_forecast_frame(forecasts: pd.DataFrame, alias: str, ids: list[str], h: int) -> None:
    assert len(forecasts) == len(ids) * h
    assert sorted(forecasts["unique_id"].unique()) == sorted(ids)
    assert np.isfinite(forecasts[alias]).all()
    for level in LEVELS:
        lower, upper = forecasts[f"{alias}-lo-{level}"], forecasts[f"{alias}-hi-{level}"]
        assert (lower <= forecasts[alias]).all() and (forecasts[alias] <= upper).all()
    assert (forecasts[f"{alias}-lo-95"] <= forecasts[f"{alias}-lo-80"] + 1e-9).all()
    assert (forecasts[f"{alias}-hi-80"] <= forecasts[f"{alias}-hi-95"] + 1e-9).all()


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return seasonal_frame()


@pytest.mark.parametrize("name", PER_SERIES_MODELS)
def test_each_model_forecasts_every_series_with_intervals_around_the_point(name, synthetic):
    forecaster = make_forecaster(name, season=SEASON, horizon=HORIZON, seed=1)
    forecasts = forecaster.fit(synthetic).predict(HORIZON, level=LEVELS)
    assert_forecast_frame(forecasts, name, ["S0", "S1", "S2"], HORIZON)
    last = synthetic.groupby("unique_id")["ds"].max()
    first_ahead = forecasts.groupby("unique_id")["ds"].min()
    assert (first_ahead == last + 1).all()


def test_seasonal_models_follow_the_season_and_naive2_adjusts_only_seasonal_series(synthetic):
    snaive = SeasonalNaive(season=SEASON).fit(synthetic).predict(SEASON)
    history = synthetic[synthetic["unique_id"] == "S0"]["y"].to_numpy()
    np.testing.assert_allclose(snaive[snaive["unique_id"] == "S0"]["snaive"], history[-SEASON:])

    naive = Naive().fit(synthetic).predict(HORIZON)["naive"].to_numpy()
    naive2 = Naive2(season=SEASON).fit(synthetic).predict(HORIZON)["naive2"].to_numpy()
    assert not np.allclose(naive, naive2)
    flat = synthetic.assign(y=np.random.default_rng(3).normal(100, 1, len(synthetic)))
    np.testing.assert_allclose(
        Naive().fit(flat).predict(HORIZON)["naive"], Naive2(season=SEASON).fit(flat).predict(HORIZON)["naive2"]
    )


def test_forecasts_continue_date_stamps_at_the_series_frequency():
    frame = seasonal_frame(n_series=1, length=40)
    frame["ds"] = pd.date_range("2024-01-07", periods=40, freq="W-SUN")
    forecasts = Naive().fit(frame).predict(3)
    assert list(forecasts["ds"]) == list(pd.date_range("2024-10-13", periods=3, freq="W-SUN"))


@pytest.mark.parametrize("name", ["auto", "prophet"])
def test_same_seed_gives_the_same_forecasts(name, synthetic):
    first = make_forecaster(name, season=SEASON, horizon=HORIZON, seed=7).fit(synthetic).predict(HORIZON)
    second = make_forecaster(name, season=SEASON, horizon=HORIZON, seed=7).fit(synthetic).predict(HORIZON)
    pd.testing.assert_frame_equal(first, second)


def test_lstm_trains_one_global_model_deterministically_on_a_tiny_set(synthetic):
    settings = {"horizon": HORIZON, "input_size": 24, "units": 8, "epochs": 2, "windows_per_series": 30, "seed": 3}
    first = LSTMForecaster(**settings).fit(synthetic)
    forecasts = first.predict(HORIZON + 2, level=LEVELS)  # past its horizon it feeds itself back
    assert_forecast_frame(forecasts, "lstm", ["S0", "S1", "S2"], HORIZON + 2)
    assert len(first.history_["loss"]) == 2
    second = LSTMForecaster(**settings).fit(synthetic).predict(HORIZON + 2, level=LEVELS)
    pd.testing.assert_frame_equal(forecasts, second)


def test_auto_beats_naive_on_real_m4_weekly_series():
    train, test = m4_weekly()
    ids = sorted(train["unique_id"].unique())[:8]
    train, test = train[train["unique_id"].isin(ids)], test[test["unique_id"].isin(ids)]
    auto = Auto(season=52, horizon=13).fit(train)
    auto_scores = score_forecasts(train, test, auto.predict(13), "auto", m=1)
    naive_scores = score_forecasts(train, test, Naive().fit(train).predict(13), "naive", m=1)
    assert auto_scores["smape"] < naive_scores["smape"]
    assert auto_scores["mase"] < naive_scores["mase"]
    assert len(auto.chosen_) == 8 and all(set(chosen) <= set(auto.candidates) for chosen in auto.chosen_)


def test_unknown_model_names_list_the_valid_ones():
    with pytest.raises(UnknownModel, match="valid models: auto, naive"):
        make_forecaster("arimax")


# --- the forecast-eval command -------------------------------------------------------------------------


def write_wide(frame: pd.DataFrame, path, pad: int = 0) -> None:
    """M4 layout: id column V1, then values, rows padded with trailing blanks to a common width."""
    rows = [[uid, *group["y"].tolist()] for uid, group in frame.groupby("unique_id", sort=True)]
    width = max(len(row) for row in rows) + pad
    rows = [row + [None] * (width - len(row)) for row in rows]
    pd.DataFrame(rows, columns=[f"V{i + 1}" for i in range(width)]).to_csv(path, index=False)


@pytest.fixture
def split_files(tmp_path, synthetic):
    """Train/test of the synthetic set in both layouts (the wide train of unequal lengths)."""
    frame = synthetic[~((synthetic["unique_id"] == "S2") & (synthetic["ds"] <= 10))]
    test = frame.groupby("unique_id").tail(HORIZON)
    train = frame.drop(test.index)
    write_wide(train, tmp_path / "train_wide.csv", pad=2)
    write_wide(test, tmp_path / "test_wide.csv")
    train.to_csv(tmp_path / "train_long.csv", index=False)
    test.to_csv(tmp_path / "test_long.csv", index=False)
    return tmp_path


def run_cli(capsys, *arguments) -> tuple[int, str, str]:
    code = main(["forecast-eval", *map(str, arguments)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_forecast_eval_prints_the_headline_json_last(capsys, split_files, layout):
    code, out, err = run_cli(
        capsys,
        "--train", split_files / f"train_{layout}.csv",
        "--test", split_files / f"test_{layout}.csv",
        "--models", "theta,naive",
        "--season", SEASON,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["model"] == "theta" and result["series"] == 3
    assert set(result) >= {"smape", "mase", "owa", "seconds"}
    assert result["smape"] < result["models"]["naive"]["smape"]
    assert "sMAPE" in err and "theta" in err  # the table goes to stderr


def test_forecast_eval_runs_auto_by_default(capsys, split_files):
    code, out, err = run_cli(
        capsys, "--train", split_files / "train_wide.csv", "--test", split_files / "test_wide.csv",
        "--season", SEASON, "--mase-m", 1,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["model"] == "auto" and result["series"] == 3 and result["owa"] < 1
    assert "auto: backtested 3/3 series" in err  # progress of the long step


def test_python_dash_m_ml_prints_json_as_its_last_stdout_line(split_files):
    completed = subprocess.run(
        [sys.executable, "-m", "ml", "forecast-eval", "--train", split_files / "train_long.csv",
         "--test", split_files / "test_long.csv", "--models", "naive2"],
        capture_output=True, text=True, cwd=REPO_DIR, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["model"] == "naive2" and result["series"] == 3 and result["mase"] > 0


def bad_wide(tmp_path, name: str, rows: list[list]) -> str:
    width = max(len(row) for row in rows)
    frame = pd.DataFrame([row + [None] * (width - len(row)) for row in rows])
    frame.columns = [f"V{i + 1}" for i in range(width)]
    frame.to_csv(tmp_path / name, index=False)
    return str(tmp_path / name)


def bad_inputs(tmp_path, files) -> dict[str, tuple[list, str]]:
    train, test = str(files / "train_wide.csv"), str(files / "test_wide.csv")
    (tmp_path / "empty.csv").write_text("")
    series = list(np.linspace(10, 40, 30))
    long_test = str(files / "test_long.csv")
    shifted_test = str(tmp_path / "shifted.csv")
    pd.read_csv(long_test).assign(ds=lambda frame: frame["ds"] + 1).to_csv(shifted_test, index=False)
    return {
        "missing file": (["--train", str(tmp_path / "nope.csv"), "--test", test], "no such file"),
        "empty file": (["--train", str(tmp_path / "empty.csv"), "--test", test], "empty"),
        "empty series": (["--train", bad_wide(tmp_path, "e.csv", [["A", *series], ["B"]]), "--test", test], "empty series B"),
        "short series": (["--train", bad_wide(tmp_path, "s.csv", [["S0", 5.0], ["S1", *series], ["S2", *series]]), "--test", test, "--season", "4"], "at least"),
        "NaN inside": (["--train", bad_wide(tmp_path, "n.csv", [["S0", 1.0, None, 3.0, *series], ["S1", *series], ["S2", *series]]), "--test", test], "missing value"),
        "negative": (["--train", bad_wide(tmp_path, "g.csv", [["S0", *series, -1.0], ["S1", *series], ["S2", *series]]), "--test", test], "negative"),
        "horizon 0": (["--train", train, "--test", test, "--horizon", "0"], "horizon"),
        "unknown model": (["--train", train, "--test", test, "--models", "naive,bogus"], "unknown model bogus"),
        "width not horizon": (["--train", train, "--test", long_test, "--horizon", "4"], "horizon is 4"),
        "test not after train": (["--train", str(files / "train_long.csv"), "--test", shifted_test], "does not continue"),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["missing file", "empty file", "empty series", "short series", "NaN inside", "negative", "horizon 0",
     "unknown model", "width not horizon", "test not after train"],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, split_files, case):
    arguments, expected = bad_inputs(tmp_path, split_files)[case]
    code, out, err = (
        run_cli(capsys, *arguments, "--models", "naive") if "--models" not in arguments else run_cli(capsys, *arguments)
    )
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err
    assert expected in lines[0]


def test_auto_copes_with_twenty_weeks_of_intermittent_history():
    """A 13-week backtest on 20 weeks leaves 7 values: too few for some candidates' parameters
    ("tiny datasets"); those sit the window out and auto still answers for every series."""
    rng = np.random.default_rng(0)
    weeks = 20
    intermittent = rng.poisson(3, weeks) * rng.integers(0, 2, weeks) * 40.0
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(["a", "b"], weeks),
            "ds": np.tile(pd.date_range("2025-01-06", periods=weeks, freq="W-MON"), 2),
            "y": np.concatenate([intermittent, 100 + rng.normal(0, 10, weeks)]),
        }
    )
    predicted = make_forecaster("auto", season=52, horizon=13).fit(frame).predict(13)
    assert len(predicted) == 26 and predicted["auto"].notna().all() and (predicted["auto"] >= 0).all()
