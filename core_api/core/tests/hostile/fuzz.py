"""Shared machinery of the hostile suite: schema-driven fuzzing and the counts it reports.

The short versions run in `make test`; `python -m benchmarks.hostile` runs the same tests with
larger budgets (environment variables below) and collects the counts each test records.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

# Budgets: the defaults keep `make test` short; the benchmark raises them.
EXAMPLES = int(os.environ.get("WEFT_HOSTILE_EXAMPLES", "2"))
REPORT = os.environ.get("WEFT_HOSTILE_REPORT")


def record(section: str, **counts) -> None:
    """Add a test's counts to the report file the benchmark reads (no-op when no report is asked for)."""
    if not REPORT:
        return
    path = Path(REPORT)
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault(section, {})
    for key, value in counts.items():
        if isinstance(value, int | float) and isinstance(data[section].get(key), int | float):
            data[section][key] += value
        else:
            data[section][key] = value
    path.write_text(json.dumps(data, indent=2, sort_keys=True))


@dataclass
class FuzzResult:
    operations: int = 0
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
