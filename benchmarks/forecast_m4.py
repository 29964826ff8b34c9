"""Every forecaster on all 359 M4 Weekly series: `python -m benchmarks.forecast_m4 [--models a,b]`.

The settings are the M4 Weekly evaluation's (`--horizon 13 --season 52 --mase-m 1`), the code path is
`forecast-eval`'s, and statsforecast's AutoETS runs in the same process as the peer, so its seconds
are the yardstick for ours. Writes `benchmarks/results/forecast_m4.json` and prints a Markdown table
with the published figures of data/README.md beside the measured ones.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

from ml.data import data_dir, m4_weekly
from ml.forecasting.cli import evaluate, progress
from ml.forecasting.registry import MODELS, check_names, make_forecaster
from ml.metrics import owa, score_forecasts

RESULT = Path(__file__).resolve().parent / "results" / "forecast_m4.json"
HORIZON, SEASON, MASE_M, SEED = 13, 52, 1, 0
# Published sMAPE / MASE on M4 Weekly (data/README.md), set beside the model they compare with.
PUBLISHED = {
    "naive": ("Naive", 9.161, 2.777),
    "naive2": ("Naive2", 9.161, 2.777),
    "ses": ("SES", 9.012, 2.685),
    "damped": ("Damped", 8.866, 2.404),
    "theta": ("Theta", 9.093, 2.637),
    "ets": ("statsforecast AutoETS, non-seasonal", 8.706, 2.548),
    "prophet": ("Prophet (Nixtla, tuned)", 17.30, 7.29),
    "lstm": ("M4 RNN benchmark", 15.220, 5.132),
    "auto": ("ES-RNN, M4 winner", 7.817, 2.356),
    "peer AutoETS": ("statsforecast AutoETS, non-seasonal", 8.706, 2.548),
}
OTHER_PUBLISHED = [
    ("statsforecast AutoARIMA, non-seasonal", 8.431, 2.268),
    ("Forecast Pro (best weekly sMAPE)", 6.582, 2.107),
]


def peer_autoets(train: pd.DataFrame, test: pd.DataFrame, naive2: dict) -> dict:
    """statsforecast's AutoETS, non-seasonal as in the published row (ETS holds at most 24 seasonal states;
    asked for 52 it spends minutes on seasonal fits it then rejects)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    progress("  fitting peer AutoETS (statsforecast) …")
    started = time.perf_counter()
    forecasts = StatsForecast(models=[AutoETS(season_length=1)], freq=1, n_jobs=1).forecast(
        df=train, h=HORIZON, level=[80, 95]
    )
    seconds = time.perf_counter() - started
    scores = score_forecasts(train, test, forecasts, "AutoETS", MASE_M, (80, 95))
    scores["owa"] = owa(scores["smape"], scores["mase"], naive2["smape"], naive2["mase"])
    scores["seconds"] = seconds
    progress(f"  peer AutoETS: sMAPE {scores['smape']:.3f}  MASE {scores['mase']:.3f}  {seconds:.1f} s")
    return scores


def markdown(results: dict[str, dict]) -> str:
    lines = [
        "| model | sMAPE | MASE | OWA | cov 80 | cov 95 | seconds | published beside it | sMAPE | MASE |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        label, smape, mase = PUBLISHED.get(name, ("", None, None))
        published = f"{label} | {smape:.3f} | {mase:.3f}" if label else " | | "
        lines.append(
            f"| {name} | {s['smape']:.3f} | {s['mase']:.3f} | {s['owa']:.3f} | {s['coverage_80']:.2f} | "
            f"{s['coverage_95']:.2f} | {s['seconds']:.1f} | {published} |"
        )
    for label, smape, mase in OTHER_PUBLISHED:
        lines.append(f"| | | | | | | | {label} | {smape:.3f} | {mase:.3f} |")
    return "\n".join(lines)


def merged_with_earlier(record: dict) -> dict:
    """A run of some models updates their rows and keeps the other models' rows of earlier runs."""
    if not RESULT.is_file():
        return record
    earlier = json.loads(RESULT.read_text())
    models = earlier.get("models", {}) | record["models"]
    commands = sorted(set(earlier.get("commands", [earlier.get("command", "")])) | {record["command"]})
    peer = models["peer AutoETS"]["seconds"]
    return record | {
        "models": models,
        "commands": [command for command in commands if command],
        "total_seconds": None,
        "seconds_ratio_to_peer_autoets": {name: round(s["seconds"] / peer, 2) for name, s in models.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.forecast_m4", description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated model names (default: all)")
    args = parser.parse_args(argv)
    names = [name for name in args.models.split(",") if name]
    check_names(names)
    train, test = m4_weekly()
    forecasters = {name: make_forecaster(name, season=SEASON, horizon=HORIZON, seed=SEED, verbose=1) for name in names}
    progress(f"M4 Weekly: {train['unique_id'].nunique()} series, horizon {HORIZON}, season {SEASON}, MASE lag {MASE_M}")
    started = time.perf_counter()
    results, naive2 = evaluate(train, test, forecasters, HORIZON, MASE_M)
    results["peer AutoETS"] = peer_autoets(train, test, naive2)
    total = time.perf_counter() - started
    record = {
        "command": "python -m benchmarks.forecast_m4"
        + (f" --models {args.models}" if args.models != ",".join(MODELS) else ""),
        "data": str(data_dir() / "m4-weekly"),
        "series": int(train["unique_id"].nunique()),
        "settings": {"horizon": HORIZON, "season": SEASON, "mase_m": MASE_M, "seed": SEED},
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "total_seconds": round(total, 1),
        "naive2": {key: round(value, 4) for key, value in naive2.items()},
        "models": {name: {key: round(float(value), 4) for key, value in s.items()} for name, s in results.items()},
        "seconds_ratio_to_peer_autoets": {
            name: round(s["seconds"] / results["peer AutoETS"]["seconds"], 2) for name, s in results.items()
        },
        "published": {label: {"smape": smape, "mase": mase} for label, smape, mase in PUBLISHED.values()}
        | {label: {"smape": smape, "mase": mase} for label, smape, mase in OTHER_PUBLISHED},
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    if argv or args.models != ",".join(MODELS):
        record = merged_with_earlier(record)
    RESULT.write_text(json.dumps(record, indent=2) + "\n")
    print(markdown({name: record["models"][name] for name in record["models"]}))
    progress(f"total {total:.0f} s; wrote {RESULT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
