"""Where external data lives, and loaders for the data contracts (long frames `unique_id, ds, y`)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """`WEFT_DATA_DIR`, else `../shared/data` beside the repository."""
    configured = os.environ.get("WEFT_DATA_DIR")
    return Path(configured) if configured else REPO_DIR.parent / "shared" / "data"
