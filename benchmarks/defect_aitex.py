"""Fabric defect detector on AITEX fabrics 02 and 03: `python -m benchmarks.defect_aitex [--cnn-splits 1]`.

Runs the `defect-eval` evaluation (split by image, 5 seeded splits) and times inference of one 4096×256 scan,
then does the same for the tile CNN (`method="cnn"`, the alternative scorer) on `--cnn-splits` splits
(0 skips it): training seconds and inference ms per scan for both, side by side in the same run.
Writes `benchmarks/results/defect_aitex.json` and prints a Markdown table beside the published figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from ml.data import data_dir

RESULT = Path(__file__).resolve().parent / "results" / "defect_aitex.json"
# Image-level AUROC on AITEX, few-shot and without defect labels (data/README.md, fabric-aitex).
PUBLISHED = {"InCTRL, 2-shot": 0.761, "InCTRL, 4-shot": 0.790, "InCTRL, 8-shot": 0.806}
SPLITS = 5
SEED = 0
TIMING_REPEATS = 20


def inference_ms(detector, scan: np.ndarray) -> dict[str, float]:
    detector.predict_proba([scan])  # first call builds the graph
    times, cpu = [], []
    for _ in range(TIMING_REPEATS):
        started, cpu_started = time.perf_counter(), time.process_time()
        detector.predict_proba([scan])
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
        "median_cpu_ms": float(np.median(cpu)),
    }


def cnn_figures(scans, scan: np.ndarray, splits: int) -> dict:
    """The tile CNN on the first `splits` image splits: accuracy, training and inference time."""
    from ml.quality.evaluate import evaluate

    result = evaluate(scans, split="image", n_splits=splits, seed=SEED, detector_params={"method": "cnn", "verbose": 0})
    return {
        "summary": result["summary"],
        "train_cpu_seconds_mean": float(np.mean([row["train_cpu_seconds"] for row in result["rows"]])),
        "inference_ms_per_4096x256_scan": inference_ms(result["detector"], scan),
        "detector_params": result["detector"].get_params(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cnn-splits", type=int, default=1, help="image splits for the tile CNN (0 skips it)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from ml.quality.data import load_aitex
    from ml.quality.evaluate import evaluate

    root = data_dir() / "fabric-aitex"
    scans = load_aitex(root)
    result = evaluate(scans, split="image", n_splits=SPLITS, seed=SEED)
    scan = next(image for image in scans.images if image.shape[:2] == (256, 4096))
    timing = inference_ms(result["detector"], scan)
    summary = result["summary"]
    train_cpu = float(np.mean([row["train_cpu_seconds"] for row in result["rows"]]))
    cnn = cnn_figures(scans, scan, args.cnn_splits) if args.cnn_splits > 0 else None
    record = {
        "command": f"python -m ml defect-eval --data {root} --layout aitex --split image --splits {SPLITS} --seed {SEED}",
        "summary": summary,
        "splits": [{k: v for k, v in row.items()} for row in result["rows"]],
        "train_cpu_seconds_mean": train_cpu,
        "inference_ms_per_4096x256_scan": timing,
        "published_image_auroc": PUBLISHED,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_end": list(os.getloadavg()),
        },
        "detector_params": result["detector"].get_params(),
        "cnn": cnn,
    }
    if cnn is not None:
        record["cnn_train_seconds_ratio_to_features"] = round(
            cnn["summary"]["train_seconds"] / summary["train_seconds"], 2
        )
        record["cnn_inference_ratio_to_features"] = round(
            cnn["inference_ms_per_4096x256_scan"]["median_ms"] / timing["median_ms"], 2
        )
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(record, indent=2) + "\n")

    lines = [
        "| method | supervision | image AUROC | recall | precision | F1 | train s/split (CPU s) "
        "| inference ms/scan (CPU ms) |",
        "|---|---|---|---|---|---|---|---|",
        f"| Weft DefectDetector (mean of {SPLITS} image splits) | image labels | {summary['auroc']:.3f} | "
        f"{summary['recall']:.3f} | {summary['precision']:.3f} | {summary['f1']:.3f} | "
        f"{summary['train_seconds']:.0f} ({train_cpu:.0f}) | {timing['median_ms']:.0f} ({timing['median_cpu_ms']:.0f}) |",
    ]
    if cnn is not None:
        c, ct = cnn["summary"], cnn["inference_ms_per_4096x256_scan"]
        lines.append(
            f"| Weft tile CNN (mean of {c['splits']} image split(s)) | image labels | {c['auroc']:.3f} | "
            f"{c['recall']:.3f} | {c['precision']:.3f} | {c['f1']:.3f} | "
            f"{c['train_seconds']:.0f} ({cnn['train_cpu_seconds_mean']:.0f}) | {ct['median_ms']:.0f} ({ct['median_cpu_ms']:.0f}) |"
        )
    lines += [f"| {name} | none (few normal examples) | {auroc:.3f} | | | | | |" for name, auroc in PUBLISHED.items()]
    print("\n".join(lines))
    print(f"wrote {RESULT.relative_to(Path.cwd()) if RESULT.is_relative_to(Path.cwd()) else RESULT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
