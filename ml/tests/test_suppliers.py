"""Supplier scoring: the supplier-acme join, the cost model, the ERP scorer and its contributions, the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ml.cli import main
from ml.data import data_dir
from ml.suppliers.data import SupplierDataError, load_acme
from ml.suppliers.scoring import FEATURES, SupplierScorer, baseline_shapley, combine_scores, standing
from ml.suppliers.selection import SupplierCostModel, choice_rmse, hindsight_baseline, leave_one_task_out

ACME = data_dir() / "supplier-acme"


@pytest.fixture(scope="module")
def acme():
    return load_acme(ACME)


# --- the join ---------------------------------------------------------------------------------


def test_acme_join_keeps_tasks_with_costs_and_lists_the_rest(acme):
    raw_tasks = pd.read_excel(ACME / "tasks.xlsx")
    raw_costs = pd.read_csv(ACME / "cost.csv")
    assert acme.costs.shape == (raw_costs["Task ID"].nunique(), raw_costs["Supplier ID"].nunique())
    assert len(acme.costs) + len(acme.tasks_without_costs) == len(raw_tasks)
    assert (len(acme.costs), len(acme.tasks_without_costs)) == (120, 10)
    assert acme.task_features.index.equals(acme.costs.index)
    assert list(acme.costs.columns[:3]) == ["S1", "S2", "S3"]
    # A cost.csv date and a tasks.xlsx date (one written with a trailing space) meet on one task.
    first = pd.Timestamp("2019-05-30")
    assert acme.costs.loc[first, "S1"] == pytest.approx(
        raw_costs.loc[(raw_costs["Task ID"] == "30/05/2019") & (raw_costs["Supplier ID"] == "S1"), "Cost"].iloc[0]
    )
    assert raw_tasks["Task ID"].astype(str).str.endswith(" ").any()


def test_hindsight_baseline_is_s56(acme):
    supplier, rmse = hindsight_baseline(acme)
    assert supplier == "S56"
    assert rmse == pytest.approx(0.0256, abs=5e-5)
    assert choice_rmse(acme.costs.to_numpy(), np.full(len(acme.costs), acme.costs.columns.get_loc("S56"))) == rmse


@pytest.fixture()
def acme_copy(tmp_path):
    for name in ("tasks.xlsx", "suppliers.csv", "cost.csv"):
        shutil.copy(ACME / name, tmp_path / name)
    return tmp_path


def test_missing_file_is_a_data_error(acme_copy):
    (acme_copy / "cost.csv").unlink()
    with pytest.raises(SupplierDataError, match="missing file"):
        load_acme(acme_copy)


def test_missing_cost_row_is_a_data_error(acme_copy):
    costs = pd.read_csv(acme_copy / "cost.csv")
    costs.iloc[5:].to_csv(acme_copy / "cost.csv", index=False)
    with pytest.raises(SupplierDataError, match="no cost for supplier"):
        load_acme(acme_copy)


def test_empty_costs_are_a_data_error(acme_copy):
    (acme_copy / "cost.csv").write_text("Task ID,Supplier ID,Cost\n")
    with pytest.raises(SupplierDataError):
        load_acme(acme_copy)


# --- the cost model -----------------------------------------------------------------------------


def test_cost_model_fits_tunes_and_chooses(acme):
    tasks, costs = acme.task_features.iloc[:40], acme.costs.iloc[:40]
    grid = {"C": [0.003, 0.01], "gamma_scale": [0.1], "prior_weight": [0.0, 0.5]}
    model = SupplierCostModel(param_grid=grid)
    assert model.fit(tasks, costs) is model
    assert set(model.best_params_) == set(grid)
    assert model.cv_results_["cv_rmse"].is_monotonic_increasing
    chosen = model.choose(acme.task_features.iloc[40:45])
    assert set(chosen) <= set(acme.costs.columns)
    predicted = model.predict(acme.task_features.iloc[40:45])
    assert predicted.shape == (5, 64)
    again = SupplierCostModel(param_grid=grid).fit(tasks, costs)
    pd.testing.assert_frame_equal(again.predict(acme.task_features.iloc[40:45]), predicted)


def test_cost_model_contributions_point_at_features_that_matter(acme):
    model = SupplierCostModel(C=0.01, gamma_scale=0.1).fit(acme.task_features.iloc[:60], acme.costs.iloc[:60])
    row = acme.task_features.iloc[[70]]
    effects = model.contributions(row, "S56")
    assert effects.shape == (1, acme.task_features.shape[1])
    constant = acme.task_features.columns[acme.task_features.iloc[:60].std() == 0]
    assert (effects[constant].abs().to_numpy() < 1e-12).all()  # a feature the model cannot see has no effect
    assert effects.abs().to_numpy().max() > 0
    reference_task = pd.DataFrame([model.reference_], columns=acme.task_features.columns)
    assert np.abs(model.contributions(reference_task, "S56").to_numpy()).max() < 1e-12
    with pytest.raises(SupplierDataError):
        model.contributions(row, "S999")


def test_cost_model_round_trips(acme, tmp_path):
    model = SupplierCostModel().fit(acme.task_features.iloc[:30], acme.costs.iloc[:30])
    model.save(tmp_path / "cost.joblib")
    loaded = SupplierCostModel.load(tmp_path / "cost.joblib")
    pd.testing.assert_frame_equal(
        loaded.predict(acme.task_features.iloc[30:33]), model.predict(acme.task_features.iloc[30:33])
    )


def test_leave_one_task_out_on_a_small_slice(acme):
    from ml.suppliers.data import AcmeCase

    small = AcmeCase(acme.task_features.iloc[:12], acme.supplier_features, acme.costs.iloc[:12], [])
    rmse, chosen, params = leave_one_task_out(small, SupplierCostModel(C=0.003, gamma_scale=0.03))
    assert len(chosen) == 12 and len(params) == 12
    assert rmse == pytest.approx(choice_rmse(small.costs.to_numpy(), chosen))
    assert 0 <= rmse < small.regret.to_numpy().max()


# --- the ERP scorer -----------------------------------------------------------------------------


def erp_frame(n_suppliers: int = 16, periods: int = 8, seed: int = 0) -> pd.DataFrame:
    """Supplier-periods where good suppliers (hidden quality q) are on time, accepted and reliable."""
    rng = np.random.default_rng(seed)
    rows = []
    for supplier in range(n_suppliers):
        quality = rng.uniform()
        for _ in range(periods):
            on_time = np.clip(0.6 + 0.35 * quality + rng.normal(0, 0.05), 0, 1)
            accept = np.clip(0.85 + 0.12 * quality + rng.normal(0, 0.03), 0, 1)
            logit = 12 * (on_time - 0.78) + 10 * (accept - 0.91)
            rows.append(
                {
                    "supplier": f"V{supplier}",
                    "on_time_rate": on_time,
                    "lead_time_mean_days": rng.normal(20 - 8 * quality, 2),
                    "lead_time_std_days": abs(rng.normal(5 - 3 * quality, 1)),
                    "accept_rate": accept,
                    "price_variance": rng.normal(0.0, 0.02),
                    "reliable_next": int(rng.uniform() < 1 / (1 + np.exp(-logit))),
                    "next_score": float(np.clip(50 + 150 * (on_time - 0.78) + 100 * (accept - 0.91), 0, 100)),
                }
            )
    return pd.DataFrame(rows)


SMALL_GRID_SVC = {"svm__estimator__C": [1.0], "svm__estimator__gamma": ["scale", 0.1]}


def test_reliability_scorer_learns_and_explains():
    frame = erp_frame()
    model = SupplierScorer(param_grid=SMALL_GRID_SVC, n_splits=4).fit(frame, target="reliable_next")
    assert model.best_params_ and np.isfinite(model.cv_score_)
    probabilities = model.reliability(frame)
    assert probabilities.between(0, 1).all()
    good, bad = frame["on_time_rate"].idxmax(), frame["on_time_rate"].idxmin()
    assert probabilities[good] > probabilities[bad]
    contributions = model.contributions(frame.loc[[good, bad]])
    total = contributions[FEATURES].sum(axis=1)
    np.testing.assert_allclose(total, contributions["score"] - contributions["reference_score"], atol=1e-9)
    assert contributions.loc[good, "on_time_rate"] > 0 > contributions.loc[bad, "on_time_rate"]
    np.testing.assert_allclose(contributions["score"], model.score(frame.loc[[good, bad]]))


def test_score_scorer_is_deterministic_and_round_trips(tmp_path):
    frame = erp_frame(seed=1)
    grid = {"svm__C": [3.0, 30.0], "svm__gamma": ["scale"]}
    first = SupplierScorer(kind="score", param_grid=grid, n_splits=4).fit(frame, target="next_score")
    second = SupplierScorer(kind="score", param_grid=grid, n_splits=4).fit(frame, target="next_score")
    np.testing.assert_array_equal(first.score(frame), second.score(frame))
    assert first.score(frame).between(0, 100).all()
    first.save(tmp_path / "score.joblib")
    np.testing.assert_array_equal(SupplierScorer.load(tmp_path / "score.joblib").score(frame), first.score(frame))
    # the score tracks the target it learned
    assert np.corrcoef(first.score(frame), frame["next_score"])[0, 1] > 0.8


def test_sampled_shapley_also_adds_up():
    rng = np.random.default_rng(0)
    X, reference = rng.normal(size=(4, 12)), np.zeros(12)
    weights = rng.normal(size=12)

    def predict(batch):
        return batch @ weights + 0.5 * batch[:, 0] * batch[:, 1]

    phi = baseline_shapley(predict, X, reference, n_permutations=16, seed=3)
    np.testing.assert_allclose(phi.sum(axis=1), predict(X) - predict(reference[None, :]), atol=1e-9)
    # with no interaction, a linear feature's value is exact: its weight times its change
    np.testing.assert_allclose(phi[:, 5], weights[5] * X[:, 5], atol=1e-9)


def test_combining_with_the_rule_scorecard():
    assert combine_scores(80.0, 40.0, ml_weight=25) == pytest.approx(50.0)
    assert combine_scores(80.0, 40.0, ml_weight=0) == pytest.approx(40.0)
    combined = combine_scores(pd.Series([90.0, 10.0]), pd.Series([70.0, 20.0]), ml_weight=50)
    assert list(combined) == [80.0, 15.0]
    assert [standing(score) for score in (10, 29.9, 30, 49, 50, 95)] == ["very_poor"] * 2 + ["poor"] * 2 + ["ok"] * 2
    with pytest.raises(SupplierDataError):
        combine_scores(120.0, 50.0)
    with pytest.raises(SupplierDataError):
        combine_scores(50.0, 50.0, ml_weight=150)


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame(), "non-empty"),
        (erp_frame().drop(columns="accept_rate"), "lacks columns"),
        (erp_frame().assign(reliable_next=1), "both 0 and 1"),
        (erp_frame().drop(columns="reliable_next"), "target column"),
    ],
)
def test_scorer_bad_input(frame, message):
    with pytest.raises(SupplierDataError, match=message):
        SupplierScorer(param_grid=SMALL_GRID_SVC).fit(frame, target="reliable_next")


# --- CLI ----------------------------------------------------------------------------------------


def test_supplier_eval_cli_end_to_end(tmp_path):
    # A slice of the real case (first 8 tasks with costs, plus one task without costs) keeps it fast.
    case = load_acme(ACME)
    kept = case.costs.index[:8]
    tasks = pd.read_excel(ACME / "tasks.xlsx")
    task_dates = pd.to_datetime(tasks["Task ID"].astype(str).str.strip(), format="%Y %m %d")
    tasks[task_dates.isin(kept) | (task_dates == case.tasks_without_costs[0])].to_excel(
        tmp_path / "tasks.xlsx", index=False
    )
    costs = pd.read_csv(ACME / "cost.csv")
    costs[pd.to_datetime(costs["Task ID"], format="%d/%m/%Y").isin(kept)].to_csv(tmp_path / "cost.csv", index=False)
    shutil.copy(ACME / "suppliers.csv", tmp_path / "suppliers.csv")
    done = subprocess.run(
        [sys.executable, "-m", "ml", "supplier-eval", "--data", str(tmp_path), "--seed", "1", "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) >= {"rmse", "baseline_rmse", "seconds"}
    assert result["tasks"] == 8 and result["tasks_left_out"] == 1
    assert "left out 1 tasks that have features but no costs" in done.stderr
    assert 0 <= result["baseline_rmse"] <= result["rmse"] + 1  # both finite regrets


def test_supplier_eval_cli_bad_input(tmp_path, capsys):
    assert main(["supplier-eval", "--data", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no data directory") and "Traceback" not in err
    (tmp_path / "suppliers.csv").write_text("Supplier ID,SF1\nS1,1\n")
    assert main(["supplier-eval", "--data", str(tmp_path)]) == 2
    assert "missing file" in capsys.readouterr().err
