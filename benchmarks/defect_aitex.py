"""Fabric defect detector on AITEX fabrics 02 and 03: `python -m benchmarks.defect_aitex`.

Runs the `defect-eval` evaluation with the default detector (the multiple-instance CNN stacked with the
tile-statistics scorer; split by image, 5 seeded splits), reports per split and on average the AUROC, accuracy,
precision, recall and F1 at the validation-chosen threshold, each scorer's AUROC alone on the same test images,
training seconds (wall and CPU) per split, and times inference of one 4096×256 scan (the stack and each scorer).
Writes `benchmarks/results/defect_aitex.json` and prints Markdown tables beside the published figures.
"""

from __future__ import annotations

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


def inference_ms(score, scan: np.ndarray) -> dict[str, float]:
    score(scan)  # first call builds the graph
    times, cpu = [], []
    for _ in range(TIMING_REPEATS):
        started, cpu_started = time.perf_counter(), time.process_time()
        score(scan)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
        "median_cpu_ms": float(np.median(cpu)),
    }


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from ml.quality.data import load_aitex
    from ml.quality.evaluate import evaluate

    root = data_dir() / "fabric-aitex"
    scans = load_aitex(root)
    load_at_start = list(os.getloadavg())
    result = evaluate(scans, split="image", n_splits=SPLITS, seed=SEED)
    detector = result["detector"]
    scan = next(image for image in scans.images if image.shape[:2] == (256, 4096))
    timing = {
        "stacked": inference_ms(lambda s: detector.predict_proba([s]), scan),
        "cnn": inference_ms(detector._cnn_proba, scan),
        "features": inference_ms(detector._features_proba, scan),
    }
    summary, rows = result["summary"], result["rows"]
    for name in ("cnn", "features"):
        summary[f"{name}_auroc"] = float(np.mean([row[f"{name}_auroc"] for row in rows]))
        summary[f"{name}_train_seconds"] = float(np.mean([row["member_train_seconds"][name] for row in rows]))
    train_cpu = float(np.mean([row["train_cpu_seconds"] for row in rows]))
    record = {
        "command": f"python -m ml defect-eval --data {root} --layout aitex --split image --splits {SPLITS} --seed {SEED}",
        "summary": summary,
        "splits": rows,
        "train_cpu_seconds_mean": train_cpu,
        "inference_ms_per_4096x256_scan": timing,
        # Baseline measured in the same run: the tile-statistics scorer (no network), the stack's other member.
        "ratio_to_tile_statistics": {
            "cnn_train_seconds": summary["cnn_train_seconds"] / summary["features_train_seconds"],
            "cnn_inference_ms": timing["cnn"]["median_ms"] / timing["features"]["median_ms"],
            "stacked_inference_ms": timing["stacked"]["median_ms"] / timing["features"]["median_ms"],
        },
        "published_image_auroc": PUBLISHED,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": list(os.getloadavg()),
        },
        "detector_params": detector.get_params(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(record, indent=2) + "\n")

    lines = [
        "| split | AUROC | accuracy | precision | recall | F1 | CNN alone AUROC | tile statistics alone AUROC "
        "| train s (CPU s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['split']} | {_f(row['auroc'])} | {_f(row['accuracy'])} | {_f(row['precision'])} | "
            f"{_f(row['recall'])} | {_f(row['f1'])} | {_f(row['cnn_auroc'])} | {_f(row['features_auroc'])} | "
            f"{row['train_seconds']:.0f} ({row['train_cpu_seconds']:.0f}) |"
        )
    lines.append(
        f"| mean | {_f(summary['auroc'])} | {_f(summary['accuracy'])} | {_f(summary['precision'])} | "
        f"{_f(summary['recall'])} | {_f(summary['f1'])} | {_f(summary['cnn_auroc'])} | "
        f"{_f(summary['features_auroc'])} | {summary['train_seconds']:.0f} ({train_cpu:.0f}) |"
    )
    lines += [
        "",
        "| method | supervision | image AUROC | recall | inference ms/scan (CPU ms) |",
        "|---|---|---|---|---|",
        f"| Weft DefectDetector, CNN + tile statistics (mean of {SPLITS} image splits) | image labels | "
        f"{_f(summary['auroc'])} | {_f(summary['recall'])} | "
        f"{timing['stacked']['median_ms']:.0f} ({timing['stacked']['median_cpu_ms']:.0f}) |",
        f"| its CNN alone | image labels | {_f(summary['cnn_auroc'])} | | "
        f"{timing['cnn']['median_ms']:.0f} ({timing['cnn']['median_cpu_ms']:.0f}) |",
        f"| its tile statistics alone | image labels | {_f(summary['features_auroc'])} | | "
        f"{timing['features']['median_ms']:.0f} ({timing['features']['median_cpu_ms']:.0f}) |",
    ]
    lines += [f"| {name} | none (few normal examples) | {auroc:.3f} | | |" for name, auroc in PUBLISHED.items()]
    print("\n".join(lines))
    print(f"wrote {RESULT.relative_to(Path.cwd()) if RESULT.is_relative_to(Path.cwd()) else RESULT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
