"""Decision threshold for a target recall, chosen on held-out validation scores."""

from __future__ import annotations

import math

import numpy as np


def choose_threshold(scores: np.ndarray, labels: np.ndarray, target_recall: float = 0.95) -> float:
    """Highest threshold whose recall on these scores reaches `target_recall` (decision: score >= threshold).

    The threshold sits halfway (in log-odds) between the lowest positive that must be caught and the next score
    below it, not on the positive itself: validation sets are small, and a threshold glued to one validation
    score loses recall on the first slightly weaker defect in production.
    """
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels).ravel().astype(bool)
    if scores.shape != labels.shape:
        raise ValueError("scores and labels differ in length")
    if not 0 < target_recall <= 1:
        raise ValueError("target_recall must be in (0, 1]")
    positives = np.sort(scores[labels])[::-1]
    if positives.size == 0:
        raise ValueError("no positive sample to set a recall threshold on")
    needed = max(1, math.ceil(target_recall * positives.size - 1e-9))
    anchor = positives[needed - 1]
    below = scores[scores < anchor]
    if below.size == 0:
        return float(anchor)
    return float(_midpoint_logit(anchor, below.max()))


def _midpoint_logit(high: float, low: float) -> float:
    eps = 1e-7
    high, low = np.clip([high, low], eps, 1 - eps)
    mid = (np.log(high / (1 - high)) + np.log(low / (1 - low))) / 2
    value = 1 / (1 + np.exp(-mid))
    # Rounding in the logistic can push the midpoint onto `high` itself; it must never pass it.
    return float(min(value, high))


def recall_at(scores: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    labels = np.asarray(labels).astype(bool)
    return float((np.asarray(scores)[labels] >= threshold).mean()) if labels.any() else float("nan")
