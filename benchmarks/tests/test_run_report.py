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


def test_report_lists_this_runs_outcomes_only_when_something_ran():
    assert "## This run" not in run.report({})
    text = run.report({"growth": {"status": "failed (1)", "seconds": 12.4}})
    assert "## This run" in text and "| growth | failed (1) | 12 |" in text
