"""`python -m ml defect-eval --data DIR [--layout aitex|masks] [--split image|fabric] [--splits K] [--seed N]`.

Trains a fresh defect detector on each of K seeded splits and scores it on images it never saw. With the
`masks` layout every image may be defective, so the figures are per tile (tiles labelled by their mask) while
the split is still by image. The detector is the default `stacked` one (the multiple-instance CNN and the
tile-statistics scorer averaged); `--method cnn|features` evaluates either alone. `--epochs` and `--members` are
optional knobs for quick runs (defaults: the detector's own).
"""

from __future__ import annotations

import argparse
import os

from ml.cli import BadInput
from ml.data import data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default=None, help="data folder (default: $WEFT_DATA_DIR/fabric-aitex)")
    parser.add_argument("--layout", choices=("aitex", "masks"), default="aitex")
    parser.add_argument("--split", choices=("image", "fabric"), default="image")
    parser.add_argument("--splits", type=int, default=1, help="number of seeded splits (figures averaged)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--method",
        choices=("stacked", "cnn", "features"),
        default=None,
        help="scorer: stacked (default: CNN + tile statistics), cnn or features alone (advanced)",
    )
    parser.add_argument("--epochs", type=int, default=None, help="training epochs per network (advanced)")
    parser.add_argument("--members", type=int, default=None, help="networks averaged per detector (advanced)")


def run(args: argparse.Namespace) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from ml.quality.data import DatasetError, load_dataset
    from ml.quality.evaluate import evaluate

    if args.splits < 1:
        raise BadInput("--splits must be at least 1")
    for name in ("epochs", "members"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise BadInput(f"--{name} must be at least 1")
    data = args.data or str(data_dir() / ("fabric-aitex" if args.layout == "aitex" else "fabric-small"))
    params = {name: getattr(args, name) for name in ("method", "epochs", "members") if getattr(args, name) is not None}
    try:
        scans = load_dataset(data, args.layout)
        result = evaluate(scans, split=args.split, n_splits=args.splits, seed=args.seed, detector_params=params)
    except DatasetError as exc:
        raise BadInput(str(exc))
    return result["summary"]
