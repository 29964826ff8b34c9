"""Fabric defect detector: a scan gets an image-level defect probability, a per-tile defect map and a threshold.

Three scorers share the API (fit / predict_proba / predict / defect_map / save / load; the threshold for a target
recall is chosen on validation images held out of the training images):

- `method="stacked"` (default): the CNN below and the tile-statistics scorer, each trained on the same training
  images, averaged in probability (`cnn_weight` for the CNN, the rest for the statistics). The combination has no
  parameters learned from data, so nothing about it can have seen a validation or test image. Once the threshold
  is placed on the held-out validation images, the tile-statistics forest is refitted on all training images
  (`refit_features`; seconds), while the CNN keeps the model the threshold was placed with.
- `method="cnn"`: the fully convolutional multiple-instance CNN alone (TensorFlow/Keras).
- `method="features"`: multi-scale anomaly statistics of each tile (`ml.quality.features`) scored by an extremely
  randomised tree ensemble alone.
Measured figures (AITEX fabrics 02/03, five image splits) are in `benchmarks/results/defect_aitex.json`.

The CNN reads a whole scan at once: each scan is standardised, average-pooled by `downsample` (a 4096×256 scan
becomes 1024×64) and passed through seven 3×3 convolutions (three of stride 2) with batch normalisation, giving
one logit per cell of 8 × `downsample` pixels (32×32 pixels by default, 8×128 cells for an AITEX scan). Training is
multiple-instance learning: a defective scan says only that *some* cell is defective, so the image logit is a smooth
maximum (log-mean-exp with sharpness `pooling_r`) of the cell logits over the cells that show cloth, and the loss is
taken on the image. A tile of the defect map is the largest cell logit inside it. Where pixel masks exist (the
`masks` layout), each tile also gets its own label and loss, which teaches the map directly.

Design choices that matter for fabric:
- Each scan is standardised by its own median and inter-quartile range before anything else, so lighting and
  camera gain differ between mills without moving the model, while a defect keeps its contrast against its own
  cloth.
- Only cloth is judged: cells with saturated pixels (blown-out margins beside the cloth), the tile's width of
  cells beside them and, on line scans, the selvage tiles at both ends are left out of the pooling, as in the
  tile statistics. Otherwise the network learns the margins, which differ between rolls and not between defects.
- Batch normalisation, not group normalisation: a batch holds a few whole scans, i.e. thousands of cells, so the
  batch statistics are stable; with group norm or none the network stalled at chance on AITEX.
- Augmentation: horizontal and vertical flips (weave looks the same mirrored) and per-scan brightness/contrast
  jitter.
- Class imbalance: each class contributes half of the loss, at image level and at tile level.
- A few members trained with different seeds can be averaged (in logits) into one saved Keras model.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ml.quality.data import DatasetError, choose_tile_size, grid_shape
from ml.quality.threshold import choose_threshold

MODEL_FILE = "model.keras"
FOREST_FILE = "forest.joblib"
METADATA_FILE = "metadata.json"
FORMAT_VERSION = 2
METHODS = ("stacked", "cnn", "features")
# Standardised pixels beyond this many robust standard deviations carry no more information (saturated margins,
# specular glints) and would dominate the first convolution.
CLIP_SIGMAS = 8.0
# Three stride-2 convolutions: one output cell per 8×8 input pixels (after downsampling).
NET_STRIDE = 8
_MASKED = -1e4

_threads_configured = False


def _tf():
    """TensorFlow, with its thread pools sized to the machine once (all cores for one op, one op at a time)."""
    global _threads_configured
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    if not _threads_configured:
        _threads_configured = True
        try:
            tf.config.threading.set_intra_op_parallelism_threads(os.cpu_count() or 1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:  # the runtime was started by someone else first; keep its pools
            pass
    return tf


def as_image_list(images: Any) -> list[np.ndarray]:
    """Accept one `(H, W[, C])` image, a list of them, or an `(N, H, W[, C])` array; return `(H, W, C)` uint8."""
    if isinstance(images, np.ndarray) and images.ndim in (2, 3) and not (images.ndim == 3 and images.shape[-1] > 4):
        images = [images]
    result = []
    for image in images:
        array = np.asarray(image)
        if array.ndim == 2:
            array = array[..., None]
        if array.ndim != 3:
            raise DatasetError(f"expected an image of shape (H, W) or (H, W, C), got {array.shape}")
        if array.dtype != np.uint8:
            if np.issubdtype(array.dtype, np.floating) and array.size and array.max() <= 1.0:
                array = array * 255.0
            array = np.clip(array, 0, 255).astype(np.uint8)
        result.append(array)
    return result


def standardise(image: np.ndarray) -> np.ndarray:
    """Per-scan, per-channel robust standardisation to float32.

    Saturated pixels (0 or 255) are left out of the statistics: scans carry blown-out margins beside the cloth
    (a quarter of some AITEX scans), and counting them would stretch the scale several-fold and flatten the
    weave, and with it every defect, on exactly those scans.
    """
    pixels = image.astype(np.float32)
    sample = pixels[::2, ::2].reshape(-1, pixels.shape[-1])
    medians, scales = [], []
    for channel in range(sample.shape[1]):
        values = sample[:, channel]
        cloth = values[(values > 0) & (values < 255)]
        if cloth.size >= 0.05 * values.size:
            values = cloth
        low, median, high = np.percentile(values, [25, 50, 75])
        medians.append(median)
        # An almost flat scan (IQR of a grey level or two) would be blown up into noise; floor the scale.
        scales.append(max((high - low) / 1.349, 2.0))
    standardised = (pixels - np.asarray(medians, np.float32)) / np.asarray(scales, np.float32)
    return np.clip(standardised, -CLIP_SIGMAS, CLIP_SIGMAS).astype(np.float32)


class DefectDetector:
    """Defect probability per scan, per-tile defect map and a recall-targeted threshold (see the module notes).

    Parameters
    ----------
    tile_size: edge of the square map tiles in pixels; `None` picks the largest of 256/128/64/32 that divides the
        image and still gives at least 16 tiles (256 for a 4096×256 scan, 128 for 512×512).
    epochs: passes over the training images per CNN member.
    batch_images: scans per gradient step (each is a whole scan).
    members: CNNs trained with different seeds and averaged.
    width: channels of the first convolutions (the net doubles it twice).
    downsample: average-pooling factor applied to the standardised scan before the CNN (speed versus fine detail);
        lowered automatically when a tile is smaller than 8 × downsample pixels.
    pooling_r: sharpness of the log-mean-exp pooling of cell logits into the image logit (large = max).
    tile_loss_weight: weight of the tile-level loss where masks give tile labels.
    target_recall: the threshold is the highest one whose recall on the validation images reaches this.
    validation_fraction: share of the training images held out (by image, stratified) to choose the threshold.
    decision_unit: `image` (a scan is defective or not) or `tile` (each tile is judged, as with masks).
    learning_rate: peak Adam learning rate of the CNN (cosine decay).
    seed: seeds NumPy, Python and TensorFlow; with op determinism the same data and seed give the same model.
    verbose: 0 silent, 1 one line per CNN epoch on stderr.
    method: `stacked` (default: CNN and tile statistics averaged), `cnn` or `features` alone.
    n_trees: trees of the tile-statistics ensemble.
    feature_tile: edge of the tiles the tile statistics describe; `None` takes a quarter of the map tile (at least
        64 pixels) when learning from image labels, and the map tile itself when learning from masks.
    cnn_weight: the CNN's share of the `stacked` probability (the tile statistics get the rest).
    refit_features: when the threshold images are held out of the training images (no `validation` given), refit
        the tile-statistics forest on all training images once the threshold is placed (the CNN is not refitted).
    """

    def __init__(
        self,
        tile_size: int | None = None,
        epochs: int = 30,
        batch_images: int = 4,
        members: int = 1,
        width: int = 16,
        downsample: int = 4,
        pooling_r: float = 5.0,
        tile_loss_weight: float = 1.0,
        target_recall: float = 0.95,
        validation_fraction: float = 0.2,
        decision_unit: str = "image",
        learning_rate: float = 1e-3,
        seed: int = 0,
        verbose: int = 1,
        method: str = "stacked",
        n_trees: int = 500,
        feature_tile: int | None = None,
        cnn_weight: float = 0.5,
        refit_features: bool = True,
    ):
        self.tile_size = tile_size
        self.epochs = epochs
        self.batch_images = batch_images
        self.members = members
        self.width = width
        self.downsample = downsample
        self.pooling_r = pooling_r
        self.tile_loss_weight = tile_loss_weight
        self.target_recall = target_recall
        self.validation_fraction = validation_fraction
        self.decision_unit = decision_unit
        self.learning_rate = learning_rate
        self.seed = seed
        self.verbose = verbose
        self.method = method
        self.n_trees = n_trees
        self.feature_tile = feature_tile
        self.cnn_weight = cnn_weight
        self.refit_features = refit_features

    # ------------------------------------------------------------------ parameters (scikit-learn style)
    _PARAM_NAMES = (
        "tile_size",
        "epochs",
        "batch_images",
        "members",
        "width",
        "downsample",
        "pooling_r",
        "tile_loss_weight",
        "target_recall",
        "validation_fraction",
        "decision_unit",
        "learning_rate",
        "seed",
        "verbose",
        "method",
        "n_trees",
        "feature_tile",
        "cnn_weight",
        "refit_features",
    )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._PARAM_NAMES}

    def set_params(self, **params: Any) -> DefectDetector:
        for name, value in params.items():
            if name not in self._PARAM_NAMES:
                raise ValueError(f"unknown parameter {name!r}")
            setattr(self, name, value)
        return self

    @property
    def uses_cnn(self) -> bool:
        return self.method in ("stacked", "cnn")

    @property
    def uses_features(self) -> bool:
        return self.method in ("stacked", "features")

    # ------------------------------------------------------------------ model
    def _build_member(self, channels: int):
        tf = _tf()
        keras = tf.keras
        layers = keras.layers
        inputs = keras.Input((None, None, channels), name="scan")

        def block(x, filters, stride):
            x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            return layers.ReLU()(x)

        w = self.width
        x = block(inputs, w, 1)
        x = block(x, w, 2)
        x = block(x, 2 * w, 1)
        x = block(x, 2 * w, 2)
        x = block(x, 4 * w, 1)
        x = block(x, 4 * w, 2)
        x = block(x, 4 * w, 1)
        logit = layers.Conv2D(1, 1, name="cell_logit")(x)
        return keras.Model(inputs, logit)

    def _ensemble(self, members: list, channels: int):
        tf = _tf()
        keras = tf.keras
        if len(members) == 1:
            return members[0]
        inputs = keras.Input((None, None, channels), name="scan")
        logit = keras.layers.Average(name="ensemble_logit")([m(inputs) for m in members])
        return keras.Model(inputs, logit)

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        images: Any,
        labels: Any | None = None,
        masks: list[np.ndarray] | None = None,
        validation: tuple[Any, Any, list[np.ndarray] | None] | None = None,
    ) -> DefectDetector:
        """Train on scans with image labels (1 = defective) and optional pixel masks.

        `validation` = (images, labels, masks) sets the threshold; without it a stratified share of the training
        images (`validation_fraction`) is held out, by image, for that purpose. Neither scorer of the `stacked`
        method sees the held-out images: they are only scored, to place the threshold.
        """
        images = as_image_list(images)
        if not images:
            raise DatasetError("no training images")
        if labels is None:
            if masks is None:
                raise DatasetError("labels or masks are needed to train")
            labels = [int(np.any(m)) for m in masks]
        labels = np.asarray(labels, dtype=np.int64).ravel()
        if labels.size != len(images):
            raise DatasetError(f"{len(images)} images but {labels.size} labels")
        self._check_images(images)
        if self.decision_unit not in ("image", "tile"):
            raise ValueError("decision_unit must be 'image' or 'tile'")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        if not 0 <= self.cnn_weight <= 1:
            raise ValueError("cnn_weight must be between 0 and 1")
        if self.decision_unit == "tile" and masks is None:
            raise DatasetError("decision_unit='tile' needs masks to label the tiles")
        height, width, channels = images[0].shape
        self.tile_size_ = self.tile_size or choose_tile_size(height, width)
        if height % self.tile_size_ or width % self.tile_size_:
            raise DatasetError(f"image size {width}×{height} is not a multiple of the {self.tile_size_}-pixel tile")
        self.image_shape_ = (height, width, channels)
        self.channels_ = channels
        self.grid_shape_ = grid_shape(height, width, self.tile_size_)
        if self.uses_cnn:
            self.downsample_ = _fitting_downsample(self.tile_size_, self.downsample)

        rng = np.random.default_rng(self.seed)
        if validation is None:
            fit_index, val_index = self._validation_split(labels, masks, rng)
            val_images = [images[i] for i in val_index]
            val_labels = labels[val_index]
            val_masks = None if masks is None else [masks[i] for i in val_index]
            images = [images[i] for i in fit_index]
            labels = labels[fit_index]
            masks = None if masks is None else [masks[i] for i in fit_index]
        else:
            val_images = as_image_list(validation[0])
            val_labels = np.asarray(validation[1], dtype=np.int64).ravel()
            val_masks = validation[2] if len(validation) > 2 else None
        self._check_trainable(labels, masks)
        started = time.perf_counter()
        self.history_ = []
        self.fit_samples_ = len(images)
        self.member_seconds_ = {}
        if self.uses_features:
            self._fit_features(images, labels, masks)
            self.member_seconds_["features"] = time.perf_counter() - started
        if self.uses_cnn:
            cnn_started = time.perf_counter()
            self._fit_cnn(images, labels, masks, channels)
            self.member_seconds_["cnn"] = time.perf_counter() - cnn_started
        self.train_seconds_ = time.perf_counter() - started
        self._set_threshold(val_images, val_labels, val_masks)
        if validation is None and self.refit_features and self.uses_features:
            # The threshold was placed with a forest that never saw the held-out images; the forest that ships
            # learns from every training image (cheap; the CNN is not retrained, it keeps the threshold's view).
            refit_started = time.perf_counter()
            all_images = images + val_images
            all_labels = np.concatenate([labels, val_labels])
            all_masks = None if masks is None else list(masks) + list(val_masks)
            self._check_trainable(all_labels, all_masks)
            self._fit_features(all_images, all_labels, all_masks, described=self._described_fit_)
            refit_seconds = time.perf_counter() - refit_started
            self.member_seconds_["features"] += refit_seconds
            self.train_seconds_ += refit_seconds
            self.metrics_["train_seconds"] = self.train_seconds_
            self.metrics_["features_fit_samples"] = len(all_images)
        self._described_fit_ = None
        return self

    def _fit_features(self, images, labels, masks, described: list | None = None) -> None:
        from ml.quality import features as tf_features

        tile_model = self.decision_unit == "tile" or masks is not None
        default = self.tile_size_ if tile_model else min(self.tile_size_, max(64, self.tile_size_ // 4))
        self.feature_tile_ = int(self.feature_tile or default)
        if tile_model and self.feature_tile_ != self.tile_size_:
            raise ValueError("with masks the features are taken on the map tiles; leave feature_tile unset")
        if self.tile_size_ % self.feature_tile_:
            raise ValueError(f"feature_tile {self.feature_tile_} must divide the tile size {self.tile_size_}")
        known = list(described or [])
        described = known + [self._describe(image) for image in images[len(known) :]]
        self._described_fit_ = described
        if tile_model:
            # Tile labels exist: learn tiles directly (the image score is then its worst tile).
            x = np.concatenate([tf_features.tile_vectors(f, u) for f, u in described])
            y = np.concatenate([self._tile_truth(m) for m in masks])
            self.unit_model_ = "tile"
        else:
            x = np.stack([tf_features.image_vector(f, u) for f, u in described])
            y = labels
            self.unit_model_ = "image"
        self.forest_ = tf_features.make_forest(self.seed, self.n_trees).fit(x, y)
        self.history_.append(
            {"scorer": "features", "samples": int(len(y)), "positives": int(np.sum(y)), "unit": self.unit_model_}
        )

    def _describe(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from ml.quality.features import tile_features

        image = self._conform(image)
        return tile_features(standardise(image), image, self.feature_tile_)

    def _conform(self, image: np.ndarray) -> np.ndarray:
        if image.shape[-1] != self.image_shape_[-1]:
            image = _match_channels(image, self.image_shape_[-1])
        tile = self.tile_size_
        if image.shape[0] % tile or image.shape[1] % tile:
            raise DatasetError(
                f"image size {image.shape[1]}×{image.shape[0]} is not a multiple of the {tile}-pixel tile"
            )
        return image

    def _fit_cnn(self, images, labels, masks, channels) -> None:
        tf = _tf()
        tf.keras.utils.set_random_seed(self.seed)
        try:
            tf.config.experimental.enable_op_determinism()
        except Exception:  # pragma: no cover - older TF builds without the switch
            pass
        inputs = np.stack([self._cnn_input(image) for image in images])
        cloth = np.stack([self._cloth_cells(image) for image in images])
        tile_y = None
        if masks is not None:
            tile_y = np.stack([self._tile_truth(m).reshape(self.grid_shape_) for m in masks]).astype(np.float32)
            # A tile with no cloth cell is not judged, whatever its mask says.
            tile_y[~self._cloth_tiles(cloth)] = -1.0
        members = []
        for member in range(self.members):
            tf.keras.utils.set_random_seed(self.seed + 1000 * member)
            model = self._build_member(channels)
            self.history_.append(self._train_member(model, inputs, cloth, labels, tile_y, member))
            members.append(model)
        self.model_ = self._ensemble(members, channels)

    def _cnn_input(self, image: np.ndarray) -> np.ndarray:
        """The standardised scan average-pooled by `downsample_`, `(H / d, W / d, C)` float32."""
        standardised = standardise(self._conform(image))
        d = self.downsample_
        h, w, c = standardised.shape
        return standardised.reshape(h // d, d, w // d, d, c).mean(axis=(1, 3)).astype(np.float32)

    @property
    def cell_size_(self) -> int:
        return NET_STRIDE * self.downsample_

    def _cloth_cells(self, image: np.ndarray) -> np.ndarray:
        """Bool `(H / cell, W / cell)`: the cells that show cloth and are pooled into the image score."""
        from ml.quality.features import LINE_SCAN_MIN_COLUMNS, SATURATED_SHARE

        image = self._conform(image)
        cell, tile = self.cell_size_, self.tile_size_
        h, w = image.shape[:2]
        saturated = np.any((image == 0) | (image == 255), axis=-1)
        bad = saturated.reshape(h // cell, cell, w // cell, cell).mean(axis=(1, 3)) > SATURATED_SHARE
        reach = tile // cell
        # The tile's width of cells beside a margin holds the cloth edge, whose step would read as a defect.
        grown = bad.copy()
        for step in range(1, min(reach, bad.shape[1] - 1) + 1):
            grown[:, step:] |= bad[:, :-step]
            grown[:, :-step] |= bad[:, step:]
        if w // tile >= LINE_SCAN_MIN_COLUMNS:
            grown[:, :reach] = True
            grown[:, -reach:] = True
        if grown.all():
            grown[:] = False
        return ~grown

    def _cloth_tiles(self, cloth: np.ndarray) -> np.ndarray:
        """Bool `(..., rows, cols)`: map tiles with at least one cloth cell."""
        k = self.tile_size_ // self.cell_size_
        rows, cols = self.grid_shape_
        return cloth.reshape(*cloth.shape[:-2], rows, k, cols, k).any(axis=(-3, -1))

    def _set_threshold(self, val_images, val_labels, val_masks) -> None:
        val_scores, val_truth = self._unit_scores(val_images, val_labels, val_masks)
        if not val_truth.any():
            raise DatasetError("the validation share has no defective sample; add defective images")
        self.threshold_ = choose_threshold(val_scores, val_truth, self.target_recall)
        self.validation_ = {
            "samples": int(val_truth.size),
            "defective": int(val_truth.sum()),
            "recall": float((val_scores[val_truth == 1] >= self.threshold_).mean()),
            "false_alarm_rate": float((val_scores[val_truth == 0] >= self.threshold_).mean())
            if (val_truth == 0).any()
            else None,
        }
        self.metrics_ = {
            "validation": self.validation_,
            "train_seconds": self.train_seconds_,
            "member_train_seconds": self.member_seconds_,
            "fit_samples": self.fit_samples_,
        }
        self._log(
            f"threshold {self.threshold_:.4f} (validation recall {self.validation_['recall']:.3f} "
            f"on {self.validation_['defective']} defective {self.decision_unit}s); "
            f"trained in {self.train_seconds_:.1f}s"
        )

    def _check_images(self, images: list[np.ndarray]) -> None:
        first = images[0].shape
        for image in images:
            if image.shape != first:
                raise DatasetError(f"images differ in shape: {first} and {image.shape}")

    def _validation_split(self, labels, masks, rng) -> tuple[np.ndarray, np.ndarray]:
        n = labels.size
        if self.decision_unit == "tile":
            # Every image may be defective here; stratify on how much of it is.
            strata = np.asarray([np.mean(m) > np.median([np.mean(x) for x in masks]) for m in masks], dtype=int)
        else:
            strata = labels
        val = []
        for value in np.unique(strata):
            members = np.flatnonzero(strata == value)
            rng.shuffle(members)
            take = max(1, round(self.validation_fraction * members.size)) if members.size > 1 else 0
            val.extend(members[:take].tolist())
        val_index = np.array(sorted(val), dtype=int)
        fit_index = np.setdiff1d(np.arange(n), val_index)
        if val_index.size == 0 or fit_index.size == 0:
            raise DatasetError("too few images to hold out validation images for the threshold")
        return fit_index, val_index

    def _check_trainable(self, labels, masks) -> None:
        if self.decision_unit == "image" and np.unique(labels).size < 2:
            which = "defective" if labels[0] == 1 else "defect-free"
            raise DatasetError(f"every training image is {which}; both classes are needed")
        if masks is not None:
            tiles = np.concatenate([self._tile_truth(m) for m in masks])
            if self.decision_unit == "tile" and np.unique(tiles).size < 2:
                raise DatasetError("every training tile has the same label; both classes are needed")

    def _tile_truth(self, mask: np.ndarray) -> np.ndarray:
        from ml.quality.data import tile_labels

        return tile_labels(mask, self.tile_size_)

    # ------------------------------------------------------------------ training loop
    def _train_member(self, model, inputs, cloth, labels, tile_y, member: int) -> list[dict]:
        tf = _tf()
        rng = np.random.default_rng(self.seed + 7919 * (member + 1))
        n = len(inputs)
        steps_per_epoch = math.ceil(n / self.batch_images)
        total_steps = max(1, steps_per_epoch * self.epochs)
        schedule = tf.keras.optimizers.schedules.CosineDecay(self.learning_rate, total_steps, alpha=0.02)
        optimizer = tf.keras.optimizers.Adam(schedule)
        positive_share = float(np.clip(labels.mean(), 0.05, 0.95))
        image_weights = np.where(labels == 1, 0.5 / positive_share, 0.5 / (1 - positive_share)).astype(np.float32)
        tile_weight_pos = tile_weight_neg = 1.0
        if tile_y is not None:
            known = tile_y[tile_y >= 0]
            share = float(np.clip(known.mean() if known.size else 0.5, 0.02, 0.98))
            tile_weight_pos, tile_weight_neg = 0.5 / share, 0.5 / (1 - share)
        # With every image defective the image loss has nothing to teach; the tile loss carries training.
        use_image_loss = self.decision_unit == "image" or np.unique(labels).size > 1
        r = float(self.pooling_r)
        tile_loss_weight = float(self.tile_loss_weight) if tile_y is not None else 0.0
        k = self.tile_size_ // self.cell_size_
        rows, cols = self.grid_shape_
        _, h, w, c = inputs.shape
        hc, wc = cloth.shape[1:]

        @tf.function(
            input_signature=[
                tf.TensorSpec((None, h, w, c), tf.float32),
                tf.TensorSpec((None, hc, wc), tf.float32),
                tf.TensorSpec((None,), tf.float32),
                tf.TensorSpec((None,), tf.float32),
                tf.TensorSpec((None, rows, cols), tf.float32),
            ],
            reduce_retracing=True,
        )
        def train_step(x, mask, image_y, image_w, tiles_y):
            with tf.GradientTape() as tape:
                cells = tf.squeeze(model(x, training=True), -1)
                image_logits = _pool_cells_tf(cells, mask, r)
                image_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=image_y, logits=image_logits)
                loss = tf.reduce_sum(image_loss * image_w) / tf.reduce_sum(image_w) if use_image_loss else 0.0
                if tile_loss_weight > 0:
                    tile_logits = _tile_max_tf(cells, mask, rows, cols, k)
                    known = tf.cast(tiles_y >= 0, tf.float32)
                    tile_w = known * tf.where(tiles_y > 0.5, tile_weight_pos, tile_weight_neg)
                    per_tile = tf.nn.sigmoid_cross_entropy_with_logits(
                        labels=tf.maximum(tiles_y, 0.0), logits=tile_logits
                    )
                    loss = loss + tile_loss_weight * tf.reduce_sum(per_tile * tile_w) / (tf.reduce_sum(tile_w) + 1e-6)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            return loss

        cloth = cloth.astype(np.float32)
        no_tiles = np.full((rows, cols), -1.0, np.float32)
        history = []
        for epoch in range(self.epochs):
            started = time.perf_counter()
            order = rng.permutation(n)
            losses = []
            for start in range(0, n, self.batch_images):
                batch = order[start : start + self.batch_images]
                xs, ms, ts = [], [], []
                for index in batch:
                    x, m, t = _augment(inputs[index], cloth[index], no_tiles if tile_y is None else tile_y[index], rng)
                    xs.append(x)
                    ms.append(m)
                    ts.append(t)
                loss = train_step(
                    tf.constant(np.stack(xs)),
                    tf.constant(np.stack(ms)),
                    tf.constant(labels[batch].astype(np.float32)),
                    tf.constant(image_weights[batch]),
                    tf.constant(np.stack(ts)),
                )
                losses.append(float(loss))
            record = {"member": member, "epoch": epoch + 1, "loss": float(np.mean(losses))}
            record["seconds"] = time.perf_counter() - started
            history.append(record)
            self._log(
                f"cnn member {member + 1}/{self.members} epoch {epoch + 1}/{self.epochs} "
                f"loss {record['loss']:.4f} ({record['seconds']:.1f}s)"
            )
        return history

    # ------------------------------------------------------------------ prediction
    def _check_fitted(self) -> None:
        if (self.uses_cnn and not hasattr(self, "model_")) or (self.uses_features and not hasattr(self, "forest_")):
            raise RuntimeError("DefectDetector is not fitted; call fit() or load() first")

    def _cnn_cells(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell logits `(H / cell, W / cell)` of one scan and its cloth cells."""
        image = self._conform(image)
        x = self._cnn_input(image)[None]
        cells = np.asarray(self.model_(x, training=False))[0, ..., 0].astype(np.float64)
        return cells, self._cloth_cells(image)

    def _cnn_proba(self, image: np.ndarray) -> float:
        cells, cloth = self._cnn_cells(image)
        return float(_sigmoid(_pool_cells_np(cells, cloth, self.pooling_r)))

    def _cnn_map(self, image: np.ndarray) -> np.ndarray:
        cells, cloth = self._cnn_cells(image)
        k = self.tile_size_ // self.cell_size_
        rows, cols = image.shape[0] // self.tile_size_, image.shape[1] // self.tile_size_
        masked = np.where(cloth, cells, -np.inf).reshape(rows, k, cols, k).max(axis=(1, 3))
        # A tile with no cloth (margin, selvage) is not judged: probability 0.
        return np.where(np.isfinite(masked), _sigmoid(np.where(np.isfinite(masked), masked, 0.0)), 0.0)

    def _features_proba(self, image: np.ndarray) -> float:
        from ml.quality.features import image_vector

        if self.unit_model_ == "tile":
            return float(self._features_map(image).max())
        x = image_vector(*self._describe(image))[None, :]
        return float(self._positive_proba(x)[0])

    def _features_map(self, image: np.ndarray) -> np.ndarray:
        from ml.quality.features import tile_vectors, tile_vectors_for_image_model

        rows, cols = image.shape[0] // self.tile_size_, image.shape[1] // self.tile_size_
        described = self._describe(image)
        build = tile_vectors if self.unit_model_ == "tile" else tile_vectors_for_image_model
        f = self.tile_size_ // self.feature_tile_
        fine = self._positive_proba(build(*described)).reshape(rows, f, cols, f)
        return fine.max(axis=(1, 3))

    def member_proba(self, images: Any) -> dict[str, np.ndarray]:
        """Each scorer's own probability per scan: `{"cnn": …, "features": …}` (those the method uses)."""
        self._check_fitted()
        images = as_image_list(images)
        out = {}
        if self.uses_cnn:
            out["cnn"] = np.asarray([self._cnn_proba(image) for image in images])
        if self.uses_features:
            out["features"] = np.asarray([self._features_proba(image) for image in images])
        return out

    def _combine(self, members: dict[str, Any]):
        if self.method == "stacked":
            return self.cnn_weight * members["cnn"] + (1 - self.cnn_weight) * members["features"]
        return members["cnn" if self.method == "cnn" else "features"]

    def image_logits(self, images: Any) -> np.ndarray:
        p = np.clip(self.predict_proba(images), 1e-7, 1 - 1e-7)
        return np.log(p / (1 - p))

    def predict_proba(self, images: Any) -> np.ndarray:
        """Probability that each scan is defective, shape `(n_images,)`."""
        return np.asarray(self._combine(self.member_proba(images)), dtype=np.float64)

    def _positive_proba(self, x: np.ndarray) -> np.ndarray:
        classes = list(self.forest_.classes_)
        if 1 not in classes:
            return np.zeros(len(x))
        return self.forest_.predict_proba(x)[:, classes.index(1)]

    def predict(self, images: Any) -> np.ndarray:
        """1 where a scan's probability reaches the validation-chosen threshold."""
        return (self.predict_proba(images) >= self.threshold_).astype(np.int64)

    def defect_map(self, image: Any) -> np.ndarray:
        """Per-tile defect probabilities on the non-overlapping grid, shape `(H // tile, W // tile)`."""
        self._check_fitted()
        (image,) = as_image_list(image)
        image = self._conform(image)
        maps = {}
        if self.uses_cnn:
            maps["cnn"] = self._cnn_map(image)
        if self.uses_features:
            maps["features"] = self._features_map(image)
        return self._combine(maps)

    def tile_proba(self, images: Any) -> np.ndarray:
        """Defect maps of several scans stacked, shape `(n_images, rows, cols)`."""
        return np.stack([self.defect_map(image) for image in as_image_list(images)])

    def _unit_scores(self, images, labels, masks) -> tuple[np.ndarray, np.ndarray]:
        """Scores and truth of the decision unit: one per image, or one per tile when judging tiles."""
        if self.decision_unit == "tile":
            scores = self.tile_proba(images).reshape(len(images), -1)
            truth = np.stack([self._tile_truth(m) for m in masks])
            return scores.ravel(), truth.ravel()
        return self.predict_proba(images), np.asarray(labels, dtype=np.int64)

    def unit_scores(self, images: Any, labels: Any = None, masks: list[np.ndarray] | None = None):
        """(scores, truth) for evaluation at the detector's decision unit."""
        self._check_fitted()
        return self._unit_scores(as_image_list(images), labels, masks)

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> Path:
        self._check_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.uses_features:
            import joblib

            joblib.dump(self.forest_, directory / FOREST_FILE)
        if self.uses_cnn:
            self.model_.save(directory / MODEL_FILE)
        metadata = {
            "format_version": FORMAT_VERSION,
            "params": self.get_params(),
            "tile_size": self.tile_size_,
            "image_shape": list(self.image_shape_),
            "grid_shape": list(self.grid_shape_),
            "threshold": self.threshold_,
            "unit_model": getattr(self, "unit_model_", None),
            "feature_tile": getattr(self, "feature_tile_", None),
            "downsample": getattr(self, "downsample_", None),
            "pooling": {"kind": "log-mean-exp over cloth cells", "r": self.pooling_r},
            "normalisation": {"kind": "per-scan median / IQR", "clip_sigmas": CLIP_SIGMAS},
            "metrics": self.metrics_,
            "history": self.history_,
        }
        (directory / METADATA_FILE).write_text(json.dumps(metadata, indent=2, default=float))
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> DefectDetector:
        directory = Path(directory)
        metadata_path = directory / METADATA_FILE
        if not metadata_path.is_file():
            raise FileNotFoundError(f"{directory} does not hold a saved DefectDetector (no {METADATA_FILE})")
        metadata = json.loads(metadata_path.read_text())
        version = metadata.get("format_version")
        params = dict(metadata.get("params", {}))
        # Version 1 saved the tile-statistics scorer (loads as is) or an older tile CNN (no longer readable).
        if version not in (1, FORMAT_VERSION) or (version == 1 and params.get("method") != "features"):
            raise ValueError(f"unsupported DefectDetector format {version} (method {params.get('method')!r}); retrain")
        detector = cls(**params)
        needed = ([FOREST_FILE] if detector.uses_features else []) + ([MODEL_FILE] if detector.uses_cnn else [])
        missing = [name for name in needed if not (directory / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{directory} does not hold a saved DefectDetector (missing {', '.join(missing)})")
        if detector.uses_features:
            import joblib

            detector.forest_ = joblib.load(directory / FOREST_FILE)
            detector.unit_model_ = metadata.get("unit_model") or "image"
            detector.feature_tile_ = int(metadata.get("feature_tile") or metadata["tile_size"])
        if detector.uses_cnn:
            detector.model_ = _tf().keras.models.load_model(directory / MODEL_FILE, compile=False)
            detector.downsample_ = int(metadata["downsample"])
        detector.tile_size_ = int(metadata["tile_size"])
        detector.image_shape_ = tuple(metadata["image_shape"])
        detector.channels_ = detector.image_shape_[-1]
        detector.grid_shape_ = tuple(metadata["grid_shape"])
        detector.threshold_ = float(metadata["threshold"])
        detector.metrics_ = metadata["metrics"]
        detector.validation_ = metadata["metrics"].get("validation")
        detector.history_ = metadata.get("history", [])
        detector.train_seconds_ = metadata["metrics"].get("train_seconds")
        return detector

    def _log(self, message: str) -> None:
        if self.verbose:
            print(f"[defect] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- helpers


def _fitting_downsample(tile: int, wanted: int) -> int:
    """The largest power-of-two factor up to `wanted` whose network cell (8 × factor pixels) divides the tile."""
    factor = 1
    while factor * 2 <= max(1, wanted) and tile % (NET_STRIDE * factor * 2) == 0:
        factor *= 2
    if tile % (NET_STRIDE * factor):
        raise DatasetError(f"the CNN needs tiles that are a multiple of {NET_STRIDE} pixels; got {tile}")
    return factor


def _pool_cells_tf(cells, mask, r):
    """Smooth maximum of cell logits over cloth cells, per image: (1/r) log mean exp(r z) (r → ∞ is the max)."""
    import tensorflow as tf

    n = tf.shape(cells)[0]
    z = tf.reshape(r * cells + _MASKED * (1.0 - mask), [n, -1])
    count = tf.maximum(tf.reduce_sum(tf.reshape(mask, [n, -1]), axis=1), 1.0)
    return (tf.reduce_logsumexp(z, axis=1) - tf.math.log(count)) / r


def _tile_max_tf(cells, mask, rows, cols, k):
    """Largest cloth-cell logit inside each map tile, `(N, rows, cols)`."""
    import tensorflow as tf

    masked = cells + _MASKED * (1.0 - mask)
    return tf.reduce_max(tf.reshape(masked, [-1, rows, k, cols, k]), axis=[2, 4])


def _pool_cells_np(cells: np.ndarray, cloth: np.ndarray, r: float) -> float:
    values = r * np.asarray(cells, dtype=np.float64)[cloth]
    if values.size == 0:
        values = r * np.asarray(cells, dtype=np.float64).ravel()
    peak = values.max()
    return float((peak + np.log(np.mean(np.exp(values - peak)))) / r)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _match_channels(image: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1:
        return image.mean(axis=-1, keepdims=True).astype(np.uint8)
    return np.repeat(image[..., :1], channels, axis=-1)


def _augment(x: np.ndarray, cloth: np.ndarray, tiles: np.ndarray, rng: np.random.Generator):
    """Flips (the same for the scan, its cloth cells and tile labels) and a small brightness/contrast jitter."""
    if rng.random() < 0.5:
        x, cloth, tiles = x[:, ::-1], cloth[:, ::-1], tiles[:, ::-1]
    if rng.random() < 0.5:
        x, cloth, tiles = x[::-1], cloth[::-1], tiles[::-1]
    # Brightness/contrast that survives standardisation only as a residual: a few percent of gain and offset.
    gain = rng.uniform(0.85, 1.15)
    offset = rng.uniform(-0.15, 0.15)
    return (x * gain + offset).astype(np.float32), np.ascontiguousarray(cloth), np.ascontiguousarray(tiles)
