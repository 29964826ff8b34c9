"""`python -m ml forecast-eval`: fit models on a train file, forecast the test horizon, score them (DESIGN §5)."""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from ml.cli import BadInput
from ml.data import DataError, continue_periods, read_series_csv
from ml.forecasting.base import Forecaster, future_ds, split_series
from ml.forecasting.registry import MODELS, UnknownModel, check_names, make_forecaster
from ml.forecasting.statistical import Naive2
from ml.metrics import owa, score_forecasts

LEVELS = (80, 95)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--train", required=True, help="train CSV, M4-style wide or long (unique_id, ds, y)")
    parser.add_argument("--test", required=True, help="test CSV in either layout; its width is the default horizon")
    parser.add_argument(
        "--models", default="auto", help=f"auto or comma-separated names ({', '.join(MODELS)}); default auto"
    )
    parser.add_argument("--horizon", type=int, help="forecast horizon H (default: the test file's width)")
    parser.add_argument("--season", type=int, default=1, help="seasonal period the models use (default 1)")
    parser.add_argument("--mase-m", type=int, help="MASE's scaling lag (default: the season)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Both files as long frames whose test rows follow the train rows, and the horizon; BadInput otherwise."""
    try:
        train = read_series_csv(args.train)
        test = read_series_csv(args.test)
    except DataError as exc:
        raise BadInput(str(exc))
    if test.attrs.get("layout") == "wide":
        if not pd.api.types.is_integer_dtype(train["ds"]):
            raise BadInput("a wide test file needs a train file with integer periods, not dates")
        test = continue_periods(train, test)
    widths = test.groupby("unique_id")["ds"].count()
    horizon = int(widths.max()) if args.horizon is None else args.horizon
    if horizon < 1:
        raise BadInput(f"the horizon must be at least 1, got {horizon}")
    wrong = widths[widths != horizon]
    if len(wrong):
        raise BadInput(f"test series {wrong.index[0]} has {wrong.iloc[0]} values but the horizon is {horizon}")
    missing = sorted(set(test["unique_id"]) ^ set(train["unique_id"]))
    if missing:
        raise BadInput(f"series {missing[0]} is in one file but not the other; train and test need the same ids")
    try:
        split_series(test)
    except DataError as exc:
        raise BadInput(f"{args.test}: {exc}")
    check_continuation(train, test, horizon)
    return train, test, horizon


def check_continuation(train: pd.DataFrame, test: pd.DataFrame, horizon: int) -> None:
    """Each test series must hold the `horizon` periods right after its train series (what gets forecast)."""
    if pd.api.types.is_integer_dtype(train["ds"]) != pd.api.types.is_integer_dtype(test["ds"]):
        raise BadInput("train and test ds differ in kind: one has integer periods, the other dates")
    test_ds = dict(tuple(test.sort_values(["unique_id", "ds"]).groupby("unique_id")["ds"]))
    for uid, stamps in train.sort_values(["unique_id", "ds"]).groupby("unique_id")["ds"]:
        expected = future_ds(stamps, horizon)
        if list(expected) != list(test_ds[uid]):
            raise BadInput(
                f"test series {uid} does not continue its train series (expected ds from {expected.iloc[0]})"
            )


def run(args: argparse.Namespace) -> dict:
    names = [name.strip() for name in args.models.split(",") if name.strip()]
    if not names:
        raise BadInput("--models names no model")
    try:
        check_names(names)
    except UnknownModel as exc:
        raise BadInput(str(exc))
    if args.season < 1:
        raise BadInput(f"--season must be at least 1, got {args.season}")
    mase_m = args.season if args.mase_m is None else args.mase_m
    if mase_m < 1:
        raise BadInput(f"--mase-m must be at least 1, got {mase_m}")
    train, test, horizon = load(args)
    forecasters = {
        name: make_forecaster(name, season=args.season, horizon=horizon, seed=args.seed, verbose=1) for name in names
    }
    needed = max([mase_m + 1] + [forecaster.min_length() for forecaster in forecasters.values()])
    try:
        split_series(train, min_length=needed)
    except DataError as exc:
        raise BadInput(f"{args.train}: {exc}")
    n_series = train["unique_id"].nunique()
    progress(f"forecast-eval: {n_series} series, horizon {horizon}, season {args.season}, MASE lag {mase_m}")
    results, naive2 = evaluate(train, test, forecasters, horizon, mase_m)
    progress(table(results, naive2))
    first = results[names[0]]
    return {
        "model": names[0],
        "smape": round(first["smape"], 4),
        "mase": round(first["mase"], 4),
        "owa": round(first["owa"], 4),
        "seconds": round(first["seconds"], 2),
        "series": n_series,
        "models": {
            name: {key: round(float(value), 4) for key, value in scores.items()} for name, scores in results.items()
        },
        "naive2": {"smape": round(naive2["smape"], 4), "mase": round(naive2["mase"], 4)},
    }


def evaluate(
    train: pd.DataFrame, test: pd.DataFrame, forecasters: dict[str, Forecaster], horizon: int, mase_m: int
) -> tuple[dict[str, dict], dict]:
    """Fit each forecaster on `train`, forecast `horizon` steps, score against `test`; progress on stderr.

    Returns per-model scores (sMAPE, MASE, OWA, WAPE, bias, interval coverage, seconds) and Naive2's.
    OWA's reference is Naive2 at M4's frequency for the set, which is MASE's lag (1 for M4 Weekly, where
    M4's Naive2 is the plain naive forecast).
    """
    reference = Naive2(season=mase_m)
    naive2 = score_forecasts(train, test, reference.fit(train).predict(horizon), reference.alias, mase_m)
    results = {}
    for name, forecaster in forecasters.items():
        progress(f"  fitting {name} on {train['unique_id'].nunique()} series …")
        started = time.perf_counter()
        forecasts = forecaster.fit(train).predict(horizon, level=LEVELS)
        seconds = time.perf_counter() - started
        scores = score_forecasts(train, test, forecasts, name, mase_m, LEVELS)
        scores["owa"] = owa(scores["smape"], scores["mase"], naive2["smape"], naive2["mase"])
        scores["seconds"] = seconds
        results[name] = scores
        progress(f"  {name}: sMAPE {scores['smape']:.3f}  MASE {scores['mase']:.3f}  {seconds:.1f} s")
    return results, naive2


def table(results: dict[str, dict], naive2: dict) -> str:
    header = f"{'model':<10} {'sMAPE':>8} {'MASE':>8} {'OWA':>7} {'WAPE':>7} {'bias':>7} {'cov80':>6} {'cov95':>6} {'seconds':>8}"
    lines = [header, "-" * len(header)]
    for name, s in results.items():
        lines.append(
            f"{name:<10} {s['smape']:8.3f} {s['mase']:8.3f} {s['owa']:7.3f} {s['wape']:7.2f} {s['bias']:7.2f} "
            f"{s['coverage_80']:6.2f} {s['coverage_95']:6.2f} {s['seconds']:8.1f}"
        )
    lines.append(f"{'(naive2)':<10} {naive2['smape']:8.3f} {naive2['mase']:8.3f} {1.0:7.3f}")
    return "\n".join(lines)
