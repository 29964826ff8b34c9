"""Loaders for labelled fabric scans and the tiling every model in `ml.quality` shares.

Two folder layouts (DESIGN §5):

- `aitex`: `defect/*.png` and `no_defect/**/*.png`, named `NNNN_DDD_FF.png` (DDD the defect code, `000` for
  defect-free, FF the fabric code). The image label comes from the folder; the fabric code groups images for
  `--split fabric`.
- `masks`: `Images/<name>.<ext>` with a same-named `Masks/<name>.<ext>`; a pixel is defective where any colour
  channel of the mask is non-zero (alpha is ignored). Tiles are labelled by their mask.

Every image of one data set must have the same size (so tiles line up and batches stack); grayscale and RGB are
both accepted, and a set with any colour image is read as RGB throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}
AITEX_NAME = re.compile(r"^(?P<index>\d+)_(?P<defect>\d{3})_(?P<fabric>\w+?)$")
# Tile edges tried from the largest down; the first that divides the image and gives enough tiles wins, so a
# 4096×256 scan gets 256-pixel tiles and a 512×512 photo 128-pixel ones.
TILE_CANDIDATES = (256, 128, 64, 32)
MIN_TILES_PER_IMAGE = 16
# A tile counts as defective when at least this share of its pixels is marked (a few stray mask pixels on a
# tile edge are not a defect an inspector would flag on that tile).
DEFAULT_MIN_DEFECT_FRACTION = 0.005


class DatasetError(ValueError):
    """The folder cannot be used as a labelled set (the message says why, in one line)."""


@dataclass
class ScanSet:
    """Images in memory as uint8 arrays `(H, W, C)` with image labels and, for the masks layout, pixel masks."""

    images: list[np.ndarray]
    labels: np.ndarray  # 1 = defective image
    names: list[str]
    groups: list[str]  # fabric code (aitex) or image name (masks): the unit of `--split fabric`
    masks: list[np.ndarray] | None = None  # bool (H, W) per image
    layout: str = "aitex"
    defect_codes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.images[0].shape

    def subset(self, index: np.ndarray | list[int]) -> ScanSet:
        index = list(index)
        return ScanSet(
            images=[self.images[i] for i in index],
            labels=self.labels[index],
            names=[self.names[i] for i in index],
            groups=[self.groups[i] for i in index],
            masks=None if self.masks is None else [self.masks[i] for i in index],
            layout=self.layout,
            defect_codes=[self.defect_codes[i] for i in index] if self.defect_codes else [],
        )


def _read_image(path: Path) -> Image.Image:
    try:
        image = Image.open(path)
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise DatasetError(f"{path} is not a readable image ({exc.__class__.__name__})")
    return image


def _to_array(image: Image.Image, path: Path) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit scanners: keep the dynamic range but bring it to 8 bits like everything else.
        array = np.asarray(image, dtype=np.float64)
        peak = array.max() if array.max() > 0 else 1.0
        return (array / peak * 255.0).astype(np.uint8)[..., None]
    if image.mode == "L":
        return np.asarray(image, dtype=np.uint8)[..., None]
    if image.mode in ("RGB", "RGBA", "P", "LA", "CMYK", "YCbCr"):
        return np.asarray(image.convert("RGB"), dtype=np.uint8)
    if image.mode == "1":
        return (np.asarray(image, dtype=np.uint8) * 255)[..., None]
    raise DatasetError(f"{path} has an unsupported pixel mode {image.mode!r}")


def _image_files(folder: Path, recursive: bool) -> list[Path]:
    pattern = "**/*" if recursive else "*"
    files = sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))
    bad = [p for p in files if p.suffix.lower() not in IMAGE_SUFFIXES]
    if bad:
        raise DatasetError(f"{bad[0]} is not an image file (expected one of {', '.join(sorted(IMAGE_SUFFIXES))})")
    return files


def _check_sizes(images: list[np.ndarray], names: list[str]) -> None:
    first = images[0].shape[:2]
    for name, image in zip(names, images, strict=True):
        if image.shape[:2] != first:
            raise DatasetError(
                f"images differ in size: {names[0]} is {first[1]}×{first[0]} but {name} is "
                f"{image.shape[1]}×{image.shape[0]}"
            )


def _harmonise_channels(images: list[np.ndarray]) -> list[np.ndarray]:
    if all(im.shape[2] == 1 for im in images):
        return images
    return [np.repeat(im, 3, axis=2) if im.shape[2] == 1 else im for im in images]


def load_aitex(root: str | Path) -> ScanSet:
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    defect_dir, clean_dir = root / "defect", root / "no_defect"
    if not defect_dir.is_dir() or not clean_dir.is_dir():
        raise DatasetError(f"{root} needs defect/ and no_defect/ folders for --layout aitex")
    entries = [(p, 1) for p in _image_files(defect_dir, recursive=False)]
    entries += [(p, 0) for p in _image_files(clean_dir, recursive=True)]
    if not entries:
        raise DatasetError(f"no images under {root}/defect or {root}/no_defect")
    images, labels, names, groups, codes = [], [], [], [], []
    for path, label in entries:
        match = AITEX_NAME.match(path.stem)
        if not match:
            raise DatasetError(f"{path.name} does not follow the NNNN_DDD_FF naming (index_defect_fabric)")
        images.append(_to_array(_read_image(path), path))
        labels.append(label)
        names.append(str(path.relative_to(root)))
        groups.append(match["fabric"])
        codes.append(match["defect"])
    _check_sizes(images, names)
    return ScanSet(
        images=_harmonise_channels(images),
        labels=np.asarray(labels, dtype=np.int64),
        names=names,
        groups=groups,
        layout="aitex",
        defect_codes=codes,
    )


def load_masks(root: str | Path) -> ScanSet:
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    image_dir, mask_dir = root / "Images", root / "Masks"
    if not image_dir.is_dir():
        raise DatasetError(f"{root} needs an Images/ folder for --layout masks")
    if not mask_dir.is_dir():
        raise DatasetError(f"{root} needs a Masks/ folder beside Images/ for --layout masks")
    files = _image_files(image_dir, recursive=False)
    if not files:
        raise DatasetError(f"no images in {image_dir}")
    mask_files = {p.stem: p for p in _image_files(mask_dir, recursive=False)}
    images, masks, names = [], [], []
    for path in files:
        mask_path = mask_files.get(path.stem)
        if mask_path is None:
            raise DatasetError(f"no mask for {path.name} in {mask_dir} (expected {path.stem}.png or similar)")
        image = _to_array(_read_image(path), path)
        mask_image = _read_image(mask_path)
        if mask_image.mode in ("RGBA", "LA"):
            mask_image = mask_image.convert("RGBA" if mask_image.mode == "RGBA" else "LA")
            colour = np.asarray(mask_image)[..., :-1]
        else:
            colour = _to_array(mask_image, mask_path)
        if colour.shape[:2] != image.shape[:2]:
            raise DatasetError(
                f"mask {mask_path.name} is {colour.shape[1]}×{colour.shape[0]} but its image is "
                f"{image.shape[1]}×{image.shape[0]}"
            )
        images.append(image)
        masks.append(np.any(colour > 0, axis=-1))
        names.append(path.name)
    _check_sizes(images, names)
    labels = np.asarray([int(m.any()) for m in masks], dtype=np.int64)
    return ScanSet(
        images=_harmonise_channels(images),
        labels=labels,
        names=names,
        groups=[Path(n).stem for n in names],
        masks=masks,
        layout="masks",
    )


def load_dataset(root: str | Path, layout: str = "aitex") -> ScanSet:
    if layout == "aitex":
        return load_aitex(root)
    if layout == "masks":
        return load_masks(root)
    raise DatasetError(f"unknown layout {layout!r} (use aitex or masks)")


def choose_tile_size(height: int, width: int) -> int:
    """Largest candidate edge that divides the image and still gives a defect map of at least 16 tiles."""
    fitting = [t for t in TILE_CANDIDATES if height % t == 0 and width % t == 0]
    if not fitting:
        raise DatasetError(
            f"image size {width}×{height} is not a multiple of any tile size ({', '.join(map(str, TILE_CANDIDATES))})"
        )
    for tile in fitting:
        if (height // tile) * (width // tile) >= MIN_TILES_PER_IMAGE:
            return tile
    return fitting[-1]


def tile_origins(height: int, width: int, tile: int, stride: int) -> list[tuple[int, int]]:
    """Top-left corners of the tiles, row-major; the last row/column is always flush with the image edge."""

    def starts(length: int) -> list[int]:
        points = list(range(0, length - tile + 1, stride))
        if points[-1] != length - tile:
            points.append(length - tile)
        return points

    return [(y, x) for y in starts(height) for x in starts(width)]


def grid_shape(height: int, width: int, tile: int) -> tuple[int, int]:
    return height // tile, width // tile


def iter_tiles(image: np.ndarray, tile: int, stride: int) -> Iterator[np.ndarray]:
    for y, x in tile_origins(image.shape[0], image.shape[1], tile, stride):
        yield image[y : y + tile, x : x + tile]


def tile_image(image: np.ndarray, tile: int, stride: int | None = None) -> np.ndarray:
    """`(n_tiles, tile, tile, C)` view-copy of an `(H, W, C)` image; stride defaults to the tile (no overlap)."""
    stride = stride or tile
    if image.shape[0] % tile or image.shape[1] % tile:
        raise DatasetError(f"image size {image.shape[1]}×{image.shape[0]} is not a multiple of the {tile}-pixel tile")
    return np.stack(list(iter_tiles(image, tile, stride)))


def tile_labels(
    mask: np.ndarray, tile: int, stride: int | None = None, min_fraction: float = DEFAULT_MIN_DEFECT_FRACTION
) -> np.ndarray:
    """1 where a tile's share of defective mask pixels reaches `min_fraction` (at least one pixel)."""
    stride = stride or tile
    fractions = np.array([t.mean() for t in iter_tiles(mask, tile, stride)])
    return ((fractions >= min_fraction) & (fractions > 0)).astype(np.int64)
