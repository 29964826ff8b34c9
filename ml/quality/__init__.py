"""Fabric quality: the defect detector on scans (`DefectDetector`: a multiple-instance CNN stacked with tile
statistics) and the lot-level logistic model (`LotDefectModel`).

TensorFlow is imported only when a detector is built, trained or loaded.
"""

from ml.quality.data import DatasetError, ScanSet, load_aitex, load_dataset, load_masks
from ml.quality.detector import DefectDetector
from ml.quality.threshold import choose_threshold

__all__ = [
    "DatasetError",
    "DefectDetector",
    "ScanSet",
    "choose_threshold",
    "load_aitex",
    "load_dataset",
    "load_masks",
]
