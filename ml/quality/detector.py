"""Fabric defect detector: tiles of a scan are scored, tile scores give an image score and a defect map.

Two scorers share the API (fit / predict_proba / predict / defect_map / save / load, threshold for a target
recall chosen on held-out validation images):

- `method="features"` (default): multi-scale anomaly statistics of each tile (block means against their local
  background, row/column profiles, spread; `ml.quality.features`) and an extremely randomised tree ensemble
  trained on image labels (or on tile labels where masks exist). On AITEX fabrics 02/03 this reaches about
  0.945 image AUROC over five image splits with seconds of CPU time per split; see
  `benchmarks/results/defect_aitex.json`.
- `method="cnn"`: the tile CNN below. Trained from scratch on a few dozen scans it learned the exposure
  difference between fabrics before the defects and stayed far below the features scorer on AITEX (0.62-0.75
  image AUROC on one split after 100-600 steps), so it is kept for mills with many labelled scans.

CNN training is multiple-instance learning: a defective scan says only that *some* tile is defective, so the image
logit is a smooth maximum (log-mean-exp) of its tile logits and the loss is taken on the image. Where pixel
masks exist (the `masks` layout), each tile also gets its own label and loss, which teaches the map directly.

Design choices that matter for fabric:
- Each scan is standardised by its own median and inter-quartile range before tiling, so lighting and camera
  gain differ between mills without moving the model, while a defect keeps its contrast against its own cloth.
- Augmentation: horizontal and vertical flips (weave looks the same mirrored), a random tiling offset every
  epoch (the same defect is seen at different positions in its tile, and never cut in half the same way
  twice; no synthetic seams from padding), and per-scan brightness/contrast jitter.
- Class imbalance: each class contributes half of the loss, at image level and at tile level.
- Inference tiles overlap by half a tile, so a defect on a tile border is seen whole by some tile.
- A few members trained with different seeds are averaged (in logits) into one saved Keras model.
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

from ml.quality.data import DatasetError, choose_tile_size, grid_shape, tile_origins
from ml.quality.threshold import choose_threshold

MODEL_FILE = "model.keras"
FOREST_FILE = "forest.joblib"
METADATA_FILE = "metadata.json"
FORMAT_VERSION = 1
# Standardised pixels beyond this many robust standard deviations carry no more information (saturated margins,
# specular glints) and would dominate the first convolution.
CLIP_SIGMAS = 8.0


def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

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
    """Tile CNN with image-level defect probability, per-tile defect map and a recall-targeted threshold.

    Parameters
    ----------
    tile_size: edge of the square tiles in pixels; `None` picks the largest of 256/128/64/32 that divides the
        image and still gives at least 16 tiles (256 for a 4096×256 scan, 128 for 512×512).
    epochs: passes over the training images per ensemble member.
    batch_images: scans per gradient step (all their tiles go in one batch).
    members: networks trained with different seeds and averaged.
    width: channels of the first convolution (the net doubles it twice).
    downsample: average-pooling factor applied to tiles before the first convolution (speed versus fine detail).
    pooling_r: sharpness of the log-mean-exp pooling of tile logits into the image logit (large = max).
    tile_loss_weight: weight of the tile-level loss where masks give tile labels.
    target_recall: the threshold is the highest one whose recall on the validation images reaches this.
    validation_fraction: share of the training images held out (by image, stratified) to choose the threshold.
    decision_unit: `image` (a scan is defective or not) or `tile` (each tile is judged, as with masks).
    learning_rate: peak Adam learning rate (cosine decay to zero).
    seed: seeds NumPy, Python and TensorFlow; with op determinism the same data and seed give the same model.
    verbose: 0 silent, 1 one line per epoch on stderr.
    method: `features` (default) scores tiles by multi-scale anomaly statistics and learns from the labels with
        an extremely randomised tree ensemble (`ml.quality.features`); `cnn` trains the tile CNN described
        above. The epoch, width and learning-rate knobs apply to `cnn` only.
    n_trees: trees of the `features` ensemble.
    feature_tile: edge of the tiles the `features` method describes; `None` takes a quarter of the map tile (at least
        64 pixels) when learning from image labels, so margins and selvage cost less cloth, and the map tile itself
        when learning from masks. The defect map shows the worst of the small tiles inside each map tile.
    """

    def __init__(
        self,
        tile_size: int | None = None,
        epochs: int = 60,
        batch_images: int = 2,
        members: int = 1,
        width: int = 16,
        downsample: int = 4,
        pooling_r: float = 10.0,
        tile_loss_weight: float = 1.0,
        target_recall: float = 0.95,
        validation_fraction: float = 0.2,
        decision_unit: str = "image",
        learning_rate: float = 3e-3,
        seed: int = 0,
        verbose: int = 1,
        method: str = "features",
        n_trees: int = 500,
        feature_tile: int | None = None,
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
    )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._PARAM_NAMES}

    def set_params(self, **params: Any) -> DefectDetector:
        for name, value in params.items():
            if name not in self._PARAM_NAMES:
                raise ValueError(f"unknown parameter {name!r}")
            setattr(self, name, value)
        return self

    # ------------------------------------------------------------------ model
    def _build_member(self, channels: int):
        tf = _tf()
        keras = tf.keras
        layers = keras.layers
        tile = self.tile_size_
        inputs = keras.Input((tile, tile, channels), name="tile")
        x = inputs
        if self.downsample > 1:
            x = layers.AveragePooling2D(self.downsample)(x)
        # A fixed local-contrast channel (each pixel minus its neighbourhood mean): the weave is regular, so a
        # defect is mostly what differs from the cloth right around it; given this up front the net finds the
        # defective tile in far fewer steps than when it has to learn the subtraction from image labels alone.
        local_mean = layers.AveragePooling2D(pool_size=7, strides=1, padding="same")(x)
        x = layers.Concatenate()([x, layers.Subtract()([x, local_mean])])

        def block(x, filters, stride):
            x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
            # Group norm, not batch norm: a batch holds the tiles of only two scans, and batch statistics let the
            # net judge a scan relative to its batch-mate, which means nothing at inference.
            x = layers.GroupNormalization(groups=4)(x)
            return layers.ReLU()(x)

        w = self.width
        x = block(x, w, 2)
        x = block(x, w, 1)
        x = block(x, 2 * w, 2)
        x = block(x, 2 * w, 1)
        x = block(x, 4 * w, 2)
        x = block(x, 4 * w, 1)
        # Max pooling finds the one spot that looks wrong; average pooling describes the cloth around it, so the
        # head can compare the two instead of learning an absolute level per fabric.
        pooled = layers.Concatenate()([layers.GlobalMaxPooling2D()(x), layers.GlobalAveragePooling2D()(x)])
        pooled = layers.Dropout(0.2)(pooled)
        logit = layers.Dense(1, name="tile_logit")(pooled)
        return keras.Model(inputs, logit)

    def _ensemble(self, members: list, channels: int):
        tf = _tf()
        keras = tf.keras
        if len(members) == 1:
            return members[0]
        inputs = keras.Input((self.tile_size_, self.tile_size_, channels), name="tile")
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
        images (`validation_fraction`) is held out, by image, for that purpose.
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
        if self.decision_unit == "tile" and masks is None:
            raise DatasetError("decision_unit='tile' needs masks to label the tiles")
        height, width, channels = images[0].shape
        self.tile_size_ = self.tile_size or choose_tile_size(height, width)
        if height % self.tile_size_ or width % self.tile_size_:
            raise DatasetError(f"image size {width}×{height} is not a multiple of the {self.tile_size_}-pixel tile")
        self.image_shape_ = (height, width, channels)
        self.grid_shape_ = grid_shape(height, width, self.tile_size_)

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
        if self.method not in ("features", "cnn"):
            raise ValueError("method must be 'features' or 'cnn'")
        started = time.perf_counter()
        if self.method == "features":
            self._fit_features(images, labels, masks)
        else:
            self._fit_cnn(images, labels, masks, channels)
        self.train_seconds_ = time.perf_counter() - started
        self._set_threshold(val_images, val_labels, val_masks)
        return self

    def _fit_features(self, images, labels, masks) -> None:
        from ml.quality import features as tf_features

        tile_model = self.decision_unit == "tile" or masks is not None
        default = self.tile_size_ if tile_model else min(self.tile_size_, max(64, self.tile_size_ // 4))
        self.feature_tile_ = int(self.feature_tile or default)
        if tile_model and self.feature_tile_ != self.tile_size_:
            raise ValueError("with masks the features are taken on the map tiles; leave feature_tile unset")
        if self.tile_size_ % self.feature_tile_:
            raise ValueError(f"feature_tile {self.feature_tile_} must divide the tile size {self.tile_size_}")
        described = [self._describe(image) for image in images]
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
        self.model_ = self.forest_
        self.history_ = [{"samples": int(len(y)), "positives": int(np.sum(y)), "unit": self.unit_model_}]

    def _describe(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from ml.quality.features import tile_features

        if image.shape[-1] != self.image_shape_[-1]:
            image = _match_channels(image, self.image_shape_[-1])
        tile = self.tile_size_
        if image.shape[0] % tile or image.shape[1] % tile:
            raise DatasetError(
                f"image size {image.shape[1]}×{image.shape[0]} is not a multiple of the {tile}-pixel tile"
            )
        return tile_features(standardise(image), image, self.feature_tile_)

    def _fit_cnn(self, images, labels, masks, channels) -> None:
        tf = _tf()
        tf.keras.utils.set_random_seed(self.seed)
        try:
            tf.config.experimental.enable_op_determinism()
        except Exception:  # pragma: no cover - older TF builds without the switch
            pass
        standardised = [standardise(im) for im in images]
        members = []
        self.history_ = []
        for member in range(self.members):
            tf.keras.utils.set_random_seed(self.seed + 1000 * member)
            model = self._build_member(channels)
            # Lets progress callbacks score the member being trained; replaced by the ensemble below.
            self.model_ = model
            self.history_.append(self._train_member(model, standardised, labels, masks, member))
            members.append(model)
        self.model_ = self._ensemble(members, channels)

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
        self.metrics_ = {"validation": self.validation_, "train_seconds": self.train_seconds_}
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
    def _train_member(self, model, images, labels, masks, member: int) -> list[dict]:
        tf = _tf()
        rng = np.random.default_rng(self.seed + 7919 * (member + 1))
        n = len(images)
        steps_per_epoch = math.ceil(n / self.batch_images)
        total_steps = max(1, steps_per_epoch * self.epochs)
        schedule = tf.keras.optimizers.schedules.CosineDecay(
            self.learning_rate, total_steps, warmup_target=None, alpha=0.02
        )
        optimizer = tf.keras.optimizers.Adam(schedule)
        positive_share = float(np.clip(labels.mean(), 0.05, 0.95))
        image_weights = np.where(labels == 1, 0.5 / positive_share, 0.5 / (1 - positive_share)).astype(np.float32)
        tile_weight_pos = tile_weight_neg = 1.0
        if masks is not None:
            share = float(np.clip(np.mean(np.concatenate([self._tile_truth(m) for m in masks])), 0.02, 0.98))
            tile_weight_pos, tile_weight_neg = 0.5 / share, 0.5 / (1 - share)
        # With every image defective the image loss has nothing to teach; the tile loss carries training.
        use_image_loss = self.decision_unit == "image" or np.unique(labels).size > 1
        r = float(self.pooling_r)
        tile_loss_weight = float(self.tile_loss_weight) if masks is not None else 0.0
        channels = images[0].shape[-1]
        tile = self.tile_size_

        @tf.function(
            input_signature=[
                tf.TensorSpec((None, tile, tile, channels), tf.float32),
                tf.TensorSpec((None,), tf.int32),
                tf.TensorSpec((None,), tf.float32),
                tf.TensorSpec((None,), tf.float32),
                tf.TensorSpec((None,), tf.float32),
                tf.TensorSpec((), tf.int32),
            ],
            reduce_retracing=True,
        )
        def train_step(tiles, segment, image_y, image_w, tile_y, n_images):
            with tf.GradientTape() as tape:
                tile_logits = tf.squeeze(model(tiles, training=True), -1)
                image_logits = _log_mean_exp(tile_logits, segment, n_images, r)
                image_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=image_y, logits=image_logits)
                loss = tf.reduce_sum(image_loss * image_w) / tf.reduce_sum(image_w) if use_image_loss else 0.0
                if tile_loss_weight > 0:
                    known = tf.cast(tile_y >= 0, tf.float32)
                    tile_w = known * tf.where(tile_y > 0.5, tile_weight_pos, tile_weight_neg)
                    per_tile = tf.nn.sigmoid_cross_entropy_with_logits(
                        labels=tf.maximum(tile_y, 0.0), logits=tile_logits
                    )
                    loss = loss + tile_loss_weight * tf.reduce_sum(per_tile * tile_w) / (tf.reduce_sum(tile_w) + 1e-6)
                loss = loss + tf.add_n(model.losses) if model.losses else loss
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            return loss

        history = []
        for epoch in range(self.epochs):
            started = time.perf_counter()
            order = rng.permutation(n)
            losses = []
            for start in range(0, n, self.batch_images):
                batch = order[start : start + self.batch_images]
                tiles, segment, tile_y = [], [], []
                for slot, index in enumerate(batch):
                    image, mask = _augment(images[index], None if masks is None else masks[index], rng)
                    origins = _jittered_origins(image.shape[0], image.shape[1], tile, rng)
                    tiles.extend(image[y : y + tile, x : x + tile] for y, x in origins)
                    segment.extend([slot] * len(origins))
                    if mask is None:
                        tile_y.extend([-1.0] * len(origins))
                    else:
                        tile_y.extend(_mask_tile_label(mask[y : y + tile, x : x + tile]) for y, x in origins)
                loss = train_step(
                    tf.constant(np.stack(tiles)),
                    tf.constant(np.asarray(segment, dtype=np.int32)),
                    tf.constant(labels[batch].astype(np.float32)),
                    tf.constant(image_weights[batch]),
                    tf.constant(np.asarray(tile_y, dtype=np.float32)),
                    tf.constant(len(batch), dtype=tf.int32),
                )
                losses.append(float(loss))
            record = {"member": member, "epoch": epoch + 1, "loss": float(np.mean(losses))}
            record["seconds"] = time.perf_counter() - started
            history.append(record)
            self._log(
                f"member {member + 1}/{self.members} epoch {epoch + 1}/{self.epochs} "
                f"loss {record['loss']:.4f} ({record['seconds']:.1f}s)"
            )
        return history

    # ------------------------------------------------------------------ prediction
    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise RuntimeError("DefectDetector is not fitted; call fit() or load() first")

    def _tile_logits(self, image: np.ndarray, stride: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
        tile = self.tile_size_
        if image.shape[0] % tile or image.shape[1] % tile:
            raise DatasetError(
                f"image size {image.shape[1]}×{image.shape[0]} is not a multiple of the {tile}-pixel tile"
            )
        if image.shape[-1] != self.image_shape_[-1]:
            image = _match_channels(image, self.image_shape_[-1])
        standardised = standardise(image)
        origins = tile_origins(image.shape[0], image.shape[1], tile, stride)
        tiles = np.stack([standardised[y : y + tile, x : x + tile] for y, x in origins])
        logits = np.asarray(self.model_(tiles, training=False)).reshape(-1)
        return logits, origins

    def image_logits(self, images: Any) -> np.ndarray:
        self._check_fitted()
        if self.method == "features":
            p = np.clip(self.predict_proba(images), 1e-6, 1 - 1e-6)
            return np.log(p / (1 - p))
        stride = max(1, self.tile_size_ // 2)
        out = []
        for image in as_image_list(images):
            logits, _ = self._tile_logits(image, stride)
            out.append(_log_mean_exp_np(logits, self.pooling_r))
        return np.asarray(out)

    def predict_proba(self, images: Any) -> np.ndarray:
        """Probability that each scan is defective, shape `(n_images,)`."""
        if self.method == "features":
            self._check_fitted()
            from ml.quality.features import image_vector

            scores = []
            for image in as_image_list(images):
                if self.unit_model_ == "tile":
                    scores.append(float(self.defect_map(image).max()))
                else:
                    x = image_vector(*self._describe(image))[None, :]
                    scores.append(float(self._positive_proba(x)[0]))
            return np.asarray(scores)
        return _sigmoid(self.image_logits(images))

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
        rows, cols = image.shape[0] // self.tile_size_, image.shape[1] // self.tile_size_
        if self.method == "features":
            from ml.quality.features import tile_vectors, tile_vectors_for_image_model

            described = self._describe(image)
            build = tile_vectors if self.unit_model_ == "tile" else tile_vectors_for_image_model
            f = self.tile_size_ // self.feature_tile_
            fine = self._positive_proba(build(*described)).reshape(rows, f, cols, f)
            return fine.max(axis=(1, 3))
        logits, _ = self._tile_logits(image, self.tile_size_)
        return _sigmoid(logits).reshape(image.shape[0] // self.tile_size_, image.shape[1] // self.tile_size_)

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
        if self.method == "features":
            import joblib

            joblib.dump(self.forest_, directory / FOREST_FILE)
        else:
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
            "pooling": {"kind": "log-mean-exp", "r": self.pooling_r, "inference_stride": self.tile_size_ // 2},
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
        params = json.loads(metadata_path.read_text()).get("params", {}) if metadata_path.is_file() else {}
        model_file = FOREST_FILE if params.get("method") == "features" else MODEL_FILE
        if not metadata_path.is_file() or not (directory / model_file).is_file():
            raise FileNotFoundError(
                f"{directory} does not hold a saved DefectDetector ({MODEL_FILE} or {FOREST_FILE} + {METADATA_FILE})"
            )
        metadata = json.loads(metadata_path.read_text())
        if metadata.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported DefectDetector format {metadata.get('format_version')}")
        detector = cls(**metadata["params"])
        if detector.method == "features":
            import joblib

            detector.forest_ = detector.model_ = joblib.load(directory / FOREST_FILE)
            detector.unit_model_ = metadata.get("unit_model") or "image"
            detector.feature_tile_ = int(metadata.get("feature_tile") or metadata["tile_size"])
        else:
            detector.model_ = _tf().keras.models.load_model(directory / MODEL_FILE, compile=False)
        detector.tile_size_ = int(metadata["tile_size"])
        detector.image_shape_ = tuple(metadata["image_shape"])
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


def _log_mean_exp(tile_logits, segment, n_images, r):
    """Smooth maximum of tile logits per image: (1/r) log mean exp(r z); r → ∞ is the max, r → 0 the mean."""
    import tensorflow as tf

    scaled = r * tile_logits
    peak = tf.math.unsorted_segment_max(scaled, segment, n_images)
    shifted = tf.exp(scaled - tf.gather(tf.stop_gradient(peak), segment))
    total = tf.math.unsorted_segment_sum(shifted, segment, n_images)
    count = tf.math.unsorted_segment_sum(tf.ones_like(scaled), segment, n_images)
    return (tf.stop_gradient(peak) + tf.math.log(total / count)) / r


def _log_mean_exp_np(logits: np.ndarray, r: float) -> float:
    scaled = r * np.asarray(logits, dtype=np.float64)
    peak = scaled.max()
    return float((peak + np.log(np.mean(np.exp(scaled - peak)))) / r)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _match_channels(image: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1:
        return image.mean(axis=-1, keepdims=True).astype(np.uint8)
    return np.repeat(image[..., :1], channels, axis=-1)


def _mask_tile_label(mask_tile: np.ndarray) -> float:
    from ml.quality.data import DEFAULT_MIN_DEFECT_FRACTION

    fraction = float(mask_tile.mean())
    return 1.0 if fraction > 0 and fraction >= DEFAULT_MIN_DEFECT_FRACTION else 0.0


def _jittered_origins(height: int, width: int, tile: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """A tile grid shifted by a random offset, plus tiles flush with the edges so nothing is left uncovered."""

    def starts(length: int) -> list[int]:
        if length == tile:
            return [0]
        offset = int(rng.integers(0, tile))
        points = {0, length - tile}
        points.update(range(offset, length - tile + 1, tile))
        return sorted(points)

    return [(y, x) for y in starts(height) for x in starts(width)]


def _augment(image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator):
    if rng.random() < 0.5:
        image = image[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    if rng.random() < 0.5:
        image = image[::-1]
        mask = None if mask is None else mask[::-1]
    # Brightness/contrast that survives standardisation only as a residual: a few percent of gain and offset.
    gain = rng.uniform(0.85, 1.15)
    offset = rng.uniform(-0.15, 0.15)
    return (image * gain + offset).astype(np.float32), mask
