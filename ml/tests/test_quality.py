"""Fabric defect detection: loaders, tiling, threshold, the detector (CNN stacked with tile statistics) end to end,
the lot model, CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from ml.data import REPO_DIR, data_dir
from ml.quality.data import (
    DatasetError,
    choose_tile_size,
    load_aitex,
    load_masks,
    tile_image,
    tile_labels,
    tile_origins,
)
from ml.quality.lots import LotDefectModel
from ml.quality.threshold import choose_threshold, recall_at

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

FABRIC_SMALL = data_dir() / "fabric-small"


def _write(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def _texture(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    weave = 128 + 30 * np.sin(xx * np.pi / 2) * np.sin(yy * np.pi / 2)
    return np.clip(weave + rng.normal(0, 8, (height, width)), 0, 255).astype(np.uint8)


@pytest.fixture
def aitex_dir(tmp_path: Path) -> Path:
    """A miniature aitex-layout folder: 512×128 scans, defects are dark blobs, two fabrics."""
    rng = np.random.default_rng(0)
    root = tmp_path / "aitex"
    for index in range(6):
        fabric = "02" if index % 2 else "03"
        clean = _texture(rng, 128, 512)
        _write(root / "no_defect" / f"roll{fabric}" / f"{index + 1:04d}_000_{fabric}.png", clean)
        defect = _texture(rng, 128, 512)
        y, x = rng.integers(10, 100), rng.integers(10, 480)
        defect[y : y + 20, x : x + 20] = 20
        _write(root / "defect" / f"{index + 10:04d}_019_{fabric}.png", defect)
    return root


# ---------------------------------------------------------------------- loaders and tiling


def test_aitex_loader_reads_labels_fabrics_and_codes(aitex_dir: Path) -> None:
    scans = load_aitex(aitex_dir)
    assert len(scans) == 12
    assert scans.shape == (128, 512, 1)
    assert scans.labels.sum() == 6
    assert set(scans.groups) == {"02", "03"}
    defect_names = [n for n, label in zip(scans.names, scans.labels, strict=True) if label]
    assert all(n.startswith("defect/") for n in defect_names)
    assert {c for c, label in zip(scans.defect_codes, scans.labels, strict=True) if not label} == {"000"}


def test_masks_loader_labels_tiles_from_the_colour_channels() -> None:
    scans = load_masks(FABRIC_SMALL)
    assert len(scans) == 24
    assert scans.shape == (512, 512, 3)
    assert all(m.shape == (512, 512) and m.dtype == bool for m in scans.masks)
    shares = np.array([m.mean() for m in scans.masks])
    assert 0.005 < shares.min() and shares.max() < 0.3  # 1–22 % of the area per the data README
    tile = choose_tile_size(512, 512)
    assert tile == 128
    per_image = np.stack([tile_labels(m, tile) for m in scans.masks])
    assert per_image.shape == (24, 16)
    assert 0 < per_image.mean() < 1  # both clean and defective tiles exist


def test_tiling_covers_the_scan_in_row_major_order() -> None:
    image = np.arange(256 * 1024, dtype=np.uint32).reshape(256, 1024, 1)
    tiles = tile_image(image, 256)
    assert tiles.shape == (4, 256, 256, 1)
    np.testing.assert_array_equal(tiles[1], image[:, 256:512])
    assert choose_tile_size(256, 4096) == 256
    origins = tile_origins(256, 1024, 256, 128)
    assert [x for _, x in origins] == [0, 128, 256, 384, 512, 640, 768]
    with pytest.raises(DatasetError):
        tile_image(np.zeros((250, 1024, 1)), 256)


def test_tile_labels_need_a_minimum_share_of_defect_pixels() -> None:
    mask = np.zeros((64, 128), dtype=bool)
    mask[0, 0] = True  # a single stray pixel is not a defective tile
    mask[10:30, 80:100] = True
    np.testing.assert_array_equal(tile_labels(mask, 64), [0, 1])


# ---------------------------------------------------------------------- threshold


def test_threshold_meets_the_target_recall_on_validation_scores() -> None:
    rng = np.random.default_rng(3)
    labels = np.r_[np.ones(40), np.zeros(60)]
    scores = np.r_[rng.beta(5, 2, 40), rng.beta(2, 5, 60)]
    for target in (0.8, 0.9, 0.95, 1.0):
        threshold = choose_threshold(scores, labels, target)
        assert recall_at(scores, labels, threshold) >= target
        # …and it is the highest such threshold: the next positive up would break the target.
        higher = np.sort(scores[labels == 1])
        above = higher[higher > threshold]
        if above.size:
            assert recall_at(scores, labels, above[0] + 1e-12) < target


def test_threshold_sits_between_scores_not_on_one() -> None:
    threshold = choose_threshold(np.array([0.9, 0.8, 0.3, 0.2]), np.array([1, 1, 0, 0]), 1.0)
    assert 0.3 < threshold < 0.8


# ---------------------------------------------------------------------- the CNN end to end


def test_detector_trains_saves_loads_and_maps_on_fabric_small(tmp_path: Path) -> None:
    from ml.quality.detector import DefectDetector

    scans = load_masks(FABRIC_SMALL)
    train, test = scans.subset(range(0, 18)), scans.subset(range(18, 24))
    detector = DefectDetector(epochs=2, members=1, decision_unit="tile", seed=1, verbose=0)
    assert detector.fit(train.images, train.labels, masks=train.masks) is detector
    assert 0 < detector.threshold_ < 1
    assert detector.validation_["recall"] >= detector.target_recall

    probabilities = detector.predict_proba(test.images)
    assert probabilities.shape == (6,)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    defect_map = detector.defect_map(test.images[0])
    assert defect_map.shape == (4, 4)

    saved = detector.save(tmp_path / "model")
    metadata = json.loads((saved / "metadata.json").read_text())
    assert metadata["tile_size"] == 128 and metadata["threshold"] == detector.threshold_
    assert "validation" in metadata["metrics"]
    loaded = DefectDetector.load(saved)
    np.testing.assert_allclose(loaded.predict_proba(test.images), probabilities, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loaded.defect_map(test.images[0]), defect_map, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(loaded.predict(test.images), detector.predict(test.images))


def test_detector_is_deterministic_on_grayscale_scans_of_another_size(aitex_dir: Path) -> None:
    from ml.quality.detector import DefectDetector

    scans = load_aitex(aitex_dir)
    detector = DefectDetector(
        method="cnn", epochs=8, batch_images=2, width=8, validation_fraction=0.34, seed=0, verbose=0
    )
    detector.fit(scans.images, scans.labels)
    assert detector.tile_size_ == 64 and detector.defect_map(scans.images[0]).shape == (2, 8)
    # Same seed, same data: the same model (op determinism is on).
    again = DefectDetector(**detector.get_params()).fit(scans.images, scans.labels)
    np.testing.assert_allclose(again.predict_proba(scans.images), detector.predict_proba(scans.images), atol=1e-6)


def test_stacked_scorers_learn_from_training_images_only(aitex_dir: Path) -> None:
    """Validation images only place the threshold: other validation images give the very same scorers."""
    from ml.quality.detector import DefectDetector

    scans = load_aitex(aitex_dir)
    train = scans.subset(range(0, 12, 2))  # index 0, 2, … : three clean and three defective scans
    held = scans.subset(range(1, 12, 2))
    params = {"epochs": 2, "batch_images": 3, "width": 4, "n_trees": 50, "seed": 4, "verbose": 0}
    first = DefectDetector(**params).fit(train.images, train.labels, validation=(held.images, held.labels))
    flipped = 1 - held.labels  # nonsense labels on the validation images
    second = DefectDetector(**params).fit(train.images, train.labels, validation=(held.images, flipped))
    assert first.method == "stacked" and first.fit_samples_ == len(train)
    assert first.history_[0]["scorer"] == "features" and first.history_[0]["samples"] == len(train)
    members = first.member_proba(held.images)
    assert set(members) == {"cnn", "features"}
    np.testing.assert_allclose(second.member_proba(held.images)["cnn"], members["cnn"], atol=1e-6)
    np.testing.assert_allclose(second.member_proba(held.images)["features"], members["features"])
    # The stack is the weighted mean of its scorers; only the threshold followed the validation labels.
    np.testing.assert_allclose(first.predict_proba(held.images), 0.5 * members["cnn"] + 0.5 * members["features"])
    assert first.threshold_ != second.threshold_


def test_forest_is_refitted_on_all_training_images_after_the_threshold_is_placed(aitex_dir: Path) -> None:
    """The threshold comes from a forest that never saw the held-out images; the shipped forest sees them all."""
    from ml.quality.detector import DefectDetector

    scans = load_aitex(aitex_dir)
    params = {"method": "features", "n_trees": 30, "validation_fraction": 0.34, "seed": 2, "verbose": 0}
    refitted = DefectDetector(**params).fit(scans.images, scans.labels)
    held_out_only = DefectDetector(**params, refit_features=False).fit(scans.images, scans.labels)
    first, last = refitted.history_[0], refitted.history_[-1]
    assert first["samples"] == held_out_only.history_[-1]["samples"] == held_out_only.fit_samples_ < len(scans)
    assert last["samples"] == len(scans) and refitted.metrics_["features_fit_samples"] == len(scans)
    assert refitted.threshold_ == held_out_only.threshold_
    assert not np.allclose(refitted.predict_proba(scans.images), held_out_only.predict_proba(scans.images))


def test_cnn_pools_only_cloth_cells_of_a_line_scan() -> None:
    """Blown-out margins, the tile beside them and the selvage tiles at the ends are not judged."""
    from ml.quality.detector import DefectDetector

    rng = np.random.default_rng(5)
    scan = _texture(rng, 256, 4096)[..., None]
    scan[:, 1024:1100] = 255  # a saturated strip inside tile 4
    detector = DefectDetector(method="cnn")
    detector.tile_size_, detector.image_shape_, detector.grid_shape_ = 256, scan.shape, (1, 16)
    detector.downsample_ = 4
    cloth = detector._cloth_cells(scan)
    assert cloth.shape == (8, 128)  # 32-pixel cells
    columns = cloth.all(axis=0)
    assert not columns[:8].any() and not columns[-8:].any()  # selvage tiles at both ends
    assert not columns[1024 // 32 - 8 : 1100 // 32 + 9].any()  # the strip and a tile's width either side
    assert columns[8 : 1024 // 32 - 8].all() and columns[1100 // 32 + 9 : -8].all()
    # Tiles 3 and 4 hold no cloth cell at all; tile 5 keeps the cells beyond the strip's neighbourhood.
    assert detector._cloth_tiles(cloth).tolist() == [[i not in (0, 3, 4, 15) for i in range(16)]]


def test_saved_tile_statistics_model_of_format_1_still_loads_and_old_cnn_is_refused(
    tmp_path: Path, aitex_dir: Path
) -> None:
    from ml.quality.detector import DefectDetector

    scans = load_aitex(aitex_dir)
    detector = DefectDetector(method="features", n_trees=20, validation_fraction=0.34, verbose=0)
    detector.fit(scans.images, scans.labels)
    saved = detector.save(tmp_path / "v1")
    metadata = json.loads((saved / "metadata.json").read_text())
    metadata["format_version"] = 1
    metadata["params"].pop("cnn_weight")  # format 1 predates the stack
    (saved / "metadata.json").write_text(json.dumps(metadata))
    loaded = DefectDetector.load(saved)
    np.testing.assert_allclose(loaded.predict_proba(scans.images), detector.predict_proba(scans.images))
    metadata["params"]["method"] = "cnn"
    (saved / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="unsupported DefectDetector format 1"):
        DefectDetector.load(saved)


# ---------------------------------------------------------------------- lot-level logistic regression


def test_lot_model_recovers_a_known_supplier_effect() -> None:
    rng = np.random.default_rng(7)
    n = 4000
    frame = pd.DataFrame(
        {
            "supplier": rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2]),
            "machine": rng.choice(["L1", "L2", "L3"], n),
            "shift": rng.choice(["morning", "evening", "night"], n),
            "stage": rng.choice(["weaving", "dyeing"], n),
            "yarn_count_ne": rng.normal(30, 4, n),
            "twist_tpi": rng.normal(18, 2, n),
            "tenacity_cn_tex": rng.normal(15, 1.5, n),
            "moisture_pct": rng.normal(8, 1, n),
        }
    )
    true_log_odds = -1.5 + 1.0 * (frame["supplier"] == "B") + 0.6 * (frame["moisture_pct"] - 8)
    frame["defective"] = rng.random(n) < 1 / (1 + np.exp(-true_log_odds))

    model = LotDefectModel(C=10.0).fit(frame)
    table = model.odds_ratios()
    supplier_b = table[(table.feature == "supplier") & (table.level == "B")].iloc[0]
    assert supplier_b.compared_with == "supplier = A"
    assert abs(supplier_b.coefficient - 1.0) < 0.2
    moisture = table[table.feature == "moisture_pct"].iloc[0]
    assert abs(np.log(moisture.odds_ratio_per_unit) - 0.6) < 0.12
    machines = table[table.feature == "machine"]
    assert (np.abs(np.log(machines.odds_ratio)) < 0.2).all()  # no effect was put in
    assert table.iloc[0].feature in {"supplier", "moisture_pct"}  # strongest effects come first

    probability = model.defect_probability(frame)
    assert probability.shape == (n,)
    # Calibrated: the mean predicted probability matches the observed defect rate.
    assert abs(probability.mean() - frame["defective"].mean()) < 0.02
    with pytest.raises(ValueError, match="missing columns"):
        model.defect_probability(frame.drop(columns=["machine"]))


# ---------------------------------------------------------------------- CLI


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", "ml", "defect-eval", *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_evaluates_fabric_small_and_ends_with_json() -> None:
    done = _cli("--data", str(FABRIC_SMALL), "--layout", "masks", "--epochs", "1", "--seed", "3")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) == {"auroc", "accuracy", "precision", "recall", "f1", "train_seconds", "splits"}
    assert result["splits"] == 1 and result["train_seconds"] > 0
    assert 0 <= result["auroc"] <= 1 and 0 <= result["f1"] <= 1
    assert "| split |" in done.stderr and "[defect] threshold" in done.stderr


def _bad_input_cases(tmp_path: Path, aitex_dir: Path) -> list[tuple[list[str], str]]:
    cases = []
    not_image = tmp_path / "not_image"
    shutil.copytree(aitex_dir, not_image)
    (not_image / "defect" / "notes.txt").write_text("inspector notes")
    cases.append((["--data", str(not_image)], "not an image file"))

    fake_png = tmp_path / "fake_png"
    shutil.copytree(aitex_dir, fake_png)
    (fake_png / "defect" / "0099_019_02.png").write_bytes(b"this is not a png")
    cases.append((["--data", str(fake_png)], "not a readable image"))

    mixed = tmp_path / "mixed_sizes"
    shutil.copytree(aitex_dir, mixed)
    _write(mixed / "defect" / "0098_019_02.png", np.zeros((128, 256), dtype=np.uint8))
    cases.append((["--data", str(mixed)], "differ in size"))

    odd = tmp_path / "odd_size"
    for label, folder in ((1, "defect"), (0, "no_defect/r")):
        for i in range(3):
            _write(
                odd / folder / f"{i + 1 + 10 * label:04d}_{'019' if label else '000'}_02.png",
                np.zeros((100, 300), np.uint8),
            )
    cases.append((["--data", str(odd)], "not a multiple"))

    empty = tmp_path / "empty"
    (empty / "defect").mkdir(parents=True)
    (empty / "no_defect").mkdir()
    cases.append((["--data", str(empty)], "no images"))

    one_class = tmp_path / "one_class"
    shutil.copytree(aitex_dir / "defect", one_class / "defect")
    (one_class / "no_defect").mkdir()
    cases.append((["--data", str(one_class)], "both classes"))

    missing_mask = tmp_path / "missing_mask"
    _write(missing_mask / "Images" / "a.png", np.zeros((128, 128, 3), np.uint8))
    _write(missing_mask / "Images" / "b.png", np.zeros((128, 128, 3), np.uint8))
    _write(missing_mask / "Masks" / "a.png", np.zeros((128, 128, 3), np.uint8))
    cases.append((["--data", str(missing_mask), "--layout", "masks"], "no mask for b.png"))

    cases.append((["--data", str(tmp_path / "nowhere")], "not a folder"))
    return cases


def test_cli_bad_input_exits_2_with_one_line(tmp_path: Path, aitex_dir: Path) -> None:
    from ml.cli import main

    for args, message in _bad_input_cases(tmp_path, aitex_dir):
        code = main(["defect-eval", *args])
        assert code == 2, (args, message)
    # The message itself, and no traceback, through a real process for one case of each loader.
    for args, message in [
        c for c in _bad_input_cases(tmp_path / "again", aitex_dir) if "not an image" in c[1] or "mask" in c[1]
    ]:
        done = _cli(*args)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert lines[-1].startswith("error: ") and message in lines[-1]
        assert "Traceback" not in done.stderr and done.stdout == ""
