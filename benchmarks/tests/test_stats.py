import numpy as np
import pytest

from benchmarks.stats import latency_summary, markdown_table, percentile, ratio


@pytest.mark.parametrize("q", [0, 1, 25, 50, 90, 99, 100])
def test_percentile_matches_numpy_linear_interpolation(q):
    values = [0.3, 0.01, 0.2, 0.05, 0.07, 1.5, 0.02, 0.9, 0.04]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_one_value_and_bad_input():
    assert percentile([4.0], 99) == 4.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_counts_rate_and_milliseconds():
    latencies = [0.010] * 98 + [0.100, 0.200]
    summary = latency_summary(latencies, elapsed_s=4.0, errors=2)
    assert summary["requests"] == 100
    assert summary["errors"] == 2
    assert summary["rps"] == 25.0
    assert summary["p50_ms"] == 10.0
    assert summary["p99_ms"] == pytest.approx(101.0)


def test_latency_summary_with_no_completed_request():
    assert latency_summary([], elapsed_s=1.0, errors=5) == {
        "requests": 0,
        "errors": 5,
        "rps": 0.0,
        "p50_ms": None,
        "p99_ms": None,
    }


def test_ratio_rounds_and_refuses_missing_baseline():
    assert ratio(50, 200) == 0.25
    assert ratio(1, 3, places=2) == 0.33
    assert ratio(None, 2) is None
    assert ratio(5, 0) is None


def test_markdown_table_escapes_pipes_and_blanks_none():
    table = markdown_table(["name", "value"], [["a|b", 1], ["c", None]])
    assert table.splitlines() == ["| name | value |", "|---|---|", "| a\\|b | 1 |", "| c |  |"]
    with pytest.raises(ValueError):
        markdown_table(["one"], [[1, 2]])
