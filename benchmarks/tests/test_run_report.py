import os

from benchmarks import run


def test_key_figures_pick_nested_values_and_skip_missing_ones():
    results = {
        "api_load": {"endpoints": {"lots list": {"rps_ratio_to_bare": 0.13712}}},
        "growth": {"growth": {}},
    }
    lines = run.key_figures(results)
    assert lines[:4] == ["## Key figures", "", "| benchmark | figure | value |", "|---|---|---|"]
    rows = [line for line in lines[4:] if line]
    assert rows == ["| api_load | lots list req/s ÷ bare | 0.137 |"]


def test_no_key_figures_without_results():
    assert run.key_figures({}) == []


def test_every_key_figure_names_a_registered_benchmark():
    assert {name for name, _, _ in run.KEY_FIGURES} <= set(run.BENCHMARKS)


META = {"commit": "abc1234", "cpus": 2, "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T01:00:00+00:00"}


def test_report_lists_this_runs_outcomes_only_when_something_ran():
    assert "## This run" not in run.report({})
    text = run.report({"growth": {"status": "failed (1)", "seconds": 12.4}}, meta=META)
    assert "## This run" in text and "| growth | failed (1) | 12 |" in text
    assert "Commit `abc1234`, 2 CPUs" in text


def test_a_runs_report_leaves_out_results_written_before_it_started(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    old = tmp_path / "growth.json"
    old.write_text('{"data_ratio": 100.0}')
    os.utime(old, (1_000, 1_000))
    (tmp_path / "seed_demo.json").write_text('{"seed_seconds": 125.3}')
    ran = {name: {"status": "ok", "seconds": 1.0} for name in ("growth", "seed_demo")}
    text = run.report(ran, started_at=2_000, meta=META)
    assert "| seed_demo | seed_demo seconds | 125.3 |" in text
    assert "## growth" not in text and "No results from this run for: growth" in text
    # Rewriting from disk (`--report`) takes every file, whatever its age.
    assert "## growth" in run.report({})
