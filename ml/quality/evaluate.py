"""Seeded train/test splits of a labelled scan set and the figures `defect-eval` reports."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from ml.quality.data import DatasetError, ScanSet
from ml.quality.detector import DefectDetector

TEST_FRACTION = 0.25
METRICS = ("auroc", "accuracy", "precision", "recall", "f1")


def split_indices(
    scans: ScanSet, split: str, n_splits: int, seed: int
) -> Iterator[tuple[int, np.ndarray, np.ndarray, str]]:
    """(split number, train indices, test indices, description), never sharing an image between the two.

    `image`: a stratified random quarter of the images is the test set, reshuffled per split.
    `fabric`: each split holds out one fabric (group) in turn; with more splits than fabrics the rotation
    repeats with a different training seed.
    """
    n = len(scans)
    if split == "image":
        strata = _strata(scans)
        for k in range(n_splits):
            rng = np.random.default_rng([seed, k])
            test = []
            for value in np.unique(strata):
                members = np.flatnonzero(strata == value)
                rng.shuffle(members)
                take = max(1, round(TEST_FRACTION * members.size)) if members.size > 1 else 0
                test.extend(members[:take].tolist())
            test_index = np.array(sorted(test), dtype=int)
            yield k, np.setdiff1d(np.arange(n), test_index), test_index, f"{test_index.size} test images"
    elif split == "fabric":
        groups = np.asarray(scans.groups)
        names = sorted(set(scans.groups))
        if len(names) < 2:
            raise DatasetError(f"--split fabric needs at least two fabrics; found only {names[0]!r}")
        for k in range(n_splits):
            held = names[k % len(names)]
            test_index = np.flatnonzero(groups == held)
            yield k, np.flatnonzero(groups != held), test_index, f"fabric {held} held out"
    else:
        raise DatasetError(f"unknown split {split!r} (use image or fabric)")


def _strata(scans: ScanSet) -> np.ndarray:
    if scans.layout == "masks":
        # All images may be defective; stratify by how much of each is, so every test set has small and large.
        shares = np.array([m.mean() for m in scans.masks])
        return (shares > np.median(shares)).astype(int)
    return scans.labels


def binary_metrics(scores: np.ndarray, truth: np.ndarray, threshold: float) -> dict[str, float | None]:
    truth = np.asarray(truth, dtype=np.int64)
    predicted = (np.asarray(scores) >= threshold).astype(np.int64)
    auroc = roc_auc_score(truth, scores) if np.unique(truth).size == 2 else None
    return {
        "auroc": None if auroc is None else float(auroc),
        "accuracy": float(accuracy_score(truth, predicted)),
        "precision": float(precision_score(truth, predicted, zero_division=0)),
        "recall": float(recall_score(truth, predicted, zero_division=0)),
        "f1": float(f1_score(truth, predicted, zero_division=0)),
    }


def evaluate(
    scans: ScanSet,
    split: str = "image",
    n_splits: int = 1,
    seed: int = 0,
    detector_params: dict | None = None,
    log=None,
) -> dict:
    """Train a fresh detector per split and score it on that split's unseen images.

    Returns `summary` (the averaged figures), `rows` (one per split), `unit` and `detector` (the last split's,
    for timing or inspection).
    """
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    if n_splits < 1:
        raise DatasetError("--splits must be at least 1")
    unit = "tile" if scans.layout == "masks" else "image"
    if unit == "image" and np.unique(scans.labels).size < 2:
        which = "defective" if scans.labels[0] == 1 else "defect-free"
        raise DatasetError(f"every image is {which}; both classes are needed")
    rows = []
    for k, train_index, test_index, description in split_indices(scans, split, n_splits, seed):
        train, test = scans.subset(train_index), scans.subset(test_index)
        log(f"split {k + 1}/{n_splits}: {len(train)} training images, {description}")
        params = {"seed": seed + k, "decision_unit": unit, **(detector_params or {})}
        detector = DefectDetector(**params)
        started, cpu_started = time.perf_counter(), time.process_time()
        detector.fit(train.images, train.labels, masks=train.masks)
        train_seconds = time.perf_counter() - started
        train_cpu_seconds = time.process_time() - cpu_started
        scores, truth = detector.unit_scores(test.images, test.labels, test.masks)
        row = binary_metrics(scores, truth, detector.threshold_)
        row.update(
            split=k + 1,
            train_seconds=train_seconds,
            train_cpu_seconds=train_cpu_seconds,
            threshold=detector.threshold_,
            test_samples=int(truth.size),
        )
        row["test_defective"] = int(truth.sum())
        if unit == "image" and detector.method == "stacked":
            # Each scorer of the stack on the same unseen images, for comparison (no retraining).
            for name, member in detector.member_proba(test.images).items():
                row[f"{name}_auroc"] = binary_metrics(member, truth, 0.5)["auroc"]
            row["member_train_seconds"] = dict(detector.member_seconds_)
        rows.append(row)
        log(_format_row(row))
    summary = {name: _mean([row[name] for row in rows]) for name in METRICS}
    summary["train_seconds"] = float(np.mean([row["train_seconds"] for row in rows]))
    summary["splits"] = len(rows)
    log(_table(rows, summary, unit))
    return {"summary": summary, "rows": rows, "unit": unit, "detector": detector}


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.mean(known)) if known else None


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def _format_row(row: dict) -> str:
    figures = " ".join(f"{name} {_fmt(row[name])}" for name in METRICS)
    members = "".join(
        f" ({name} alone {_fmt(row[f'{name}_auroc'])})" for name in ("cnn", "features") if f"{name}_auroc" in row
    )
    return (
        f"split {row['split']}: {figures}{members} threshold {row['threshold']:.4f} train {row['train_seconds']:.1f}s"
    )


def _table(rows: list[dict], summary: dict, unit: str) -> str:
    header = f"| split | test {unit}s (defective) | AUROC | accuracy | precision | recall | F1 | train s |"
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {row['split']} | {row['test_samples']} ({row['test_defective']}) | "
            + " | ".join(_fmt(row[name]) for name in METRICS)
            + f" | {row['train_seconds']:.1f} |"
        )
    lines.append(
        "| mean | | " + " | ".join(_fmt(summary[name]) for name in METRICS) + f" | {summary['train_seconds']:.1f} |"
    )
    return "\n".join(lines)
