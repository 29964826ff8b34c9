"""Where external data lives, and loaders for the data contracts (long frames `unique_id, ds, y`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

REPO_DIR = Path(__file__).resolve().parents[1]

LONG_COLUMNS = ("unique_id", "ds", "y")


class DataError(ValueError):
    """A data file that does not follow its contract; the message says what is wrong, in one line."""


def data_dir() -> Path:
    """`WEFT_DATA_DIR`, else `../shared/data` beside the repository."""
    configured = os.environ.get("WEFT_DATA_DIR")
    return Path(configured) if configured else REPO_DIR.parent / "shared" / "data"


def read_wide_csv(path: str | os.PathLike) -> pd.DataFrame:
    """M4-style wide CSV (id column, then values, trailing blanks) → long frame with integer `ds` from 1.

    A blank inside a series (a value after a blank) is kept as NaN so that validation can report it;
    only the trailing blanks are padding.
    """
    wide = pd.read_csv(path)
    if wide.empty:
        raise DataError(f"{path}: the file has no series")
    if wide.shape[1] < 2:
        raise DataError(f"{path}: a wide file needs an id column and at least one value column")
    ids = wide.iloc[:, 0].astype(str).to_numpy()
    try:
        values = wide.iloc[:, 1:].apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{path}: non-numeric value ({exc})")
    present = ~np.isnan(values)
    # Length of each row = position of its last present value + 1 (0 when the row is all blank).
    lengths = np.where(present.any(axis=1), values.shape[1] - np.argmax(present[:, ::-1], axis=1), 0)
    frames = [
        pd.DataFrame({"unique_id": uid, "ds": np.arange(1, n + 1), "y": values[row, :n]})
        for row, (uid, n) in enumerate(zip(ids, lengths, strict=True))
    ]
    empty = [uid for uid, n in zip(ids, lengths, strict=True) if n == 0]
    if empty:
        raise DataError(f"{path}: empty series {', '.join(empty[:5])}")
    return pd.concat(frames, ignore_index=True)


def read_long_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Long CSV with columns `unique_id, ds, y`; `ds` stays integer when it is, else it is parsed as a date."""
    frame = pd.read_csv(path, dtype={"unique_id": str})
    missing = [column for column in LONG_COLUMNS if column not in frame.columns]
    if missing:
        raise DataError(f"{path}: a long file needs columns unique_id, ds, y (missing {', '.join(missing)})")
    frame = frame[list(LONG_COLUMNS)].copy()
    if not pd.api.types.is_integer_dtype(frame["ds"]):
        try:
            frame["ds"] = pd.to_datetime(frame["ds"])
        except (ValueError, TypeError) as exc:
            raise DataError(f"{path}: ds is neither an integer period nor a date ({exc})")
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
    return frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def read_series_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Either layout, told apart by the header: long files name `unique_id, ds, y`, wide ones do not.

    The layout read is kept in `frame.attrs["layout"]` (a wide file's `ds` counts from 1).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        header = pd.read_csv(path, nrows=0).columns
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty")
    layout = "long" if set(LONG_COLUMNS) <= set(header) else "wide"
    frame = read_long_csv(path) if layout == "long" else read_wide_csv(path)
    if frame.empty:
        raise DataError(f"{path}: the file has no rows")
    frame.attrs["layout"] = layout
    return frame


def m4_weekly() -> tuple[pd.DataFrame, pd.DataFrame]:
    """M4 Weekly train and test as long frames (test `ds` continues each series' train `ds`)."""
    folder = data_dir() / "m4-weekly"
    train = read_wide_csv(folder / "Weekly-train.csv")
    test = read_wide_csv(folder / "Weekly-test.csv")
    return train, continue_periods(train, test)


def continue_periods(train: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Renumber a wide test file's integer `ds` (1..h) so that it follows each series' train periods."""
    last = train.groupby("unique_id", sort=False)["ds"].max()
    test = test.copy()
    test["ds"] = test["ds"] + test["unique_id"].map(last).to_numpy()
    return test
