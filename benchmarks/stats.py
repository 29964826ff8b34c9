"""Small pure helpers the benchmarks share: percentiles, latency summaries, ratios, Markdown tables."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0 ≤ q ≤ 100) with linear interpolation between closest ranks (NumPy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(latencies_s: Sequence[float], elapsed_s: float, errors: int = 0) -> dict:
    """Requests per second and p50/p99 in milliseconds of requests that completed within `elapsed_s`."""
    if elapsed_s <= 0:
        raise ValueError("elapsed time must be positive")
    if not latencies_s:
        return {"requests": 0, "errors": errors, "rps": 0.0, "p50_ms": None, "p99_ms": None}
    return {
        "requests": len(latencies_s),
        "errors": errors,
        "rps": round(len(latencies_s) / elapsed_s, 1),
        "p50_ms": round(percentile(latencies_s, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies_s, 99) * 1000, 2),
    }


def ratio(value: float | None, baseline: float | None, places: int = 3) -> float | None:
    """value ÷ baseline rounded, or None when either is missing or the baseline is zero."""
    if value is None or not baseline:
        return None
    return round(value / baseline, places)


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A GitHub Markdown table; None shows as an empty cell, '|' in a cell is escaped."""

    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, the table {len(headers)} columns")
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)
