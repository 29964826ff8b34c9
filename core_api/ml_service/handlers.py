"""What each kind of ML job does. Handlers read ERP data through `features`, call the `ml`
package, and return an `Outcome` whose `write` stores result rows when the job commits."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pandas as pd

from core.errors import InvalidInput, NotFound
from inventory.models import Material

from . import registry
from .jobs import Outcome, job_kind
from .models import JobKind, Recommendation

# Models the registry knows, and the training function of each.
INVENTORY_SURROGATE = "inventory_surrogate"


def _field(name: str) -> str:
    return f"params.{name}"


def _number(params: dict, name: str, *, default=None, minimum=None, maximum=None, exclusive=False, integer=False):
    value = params.get(name, default)
    if value is None:
        raise InvalidInput(f"{name} is required.", fields={_field(name): ["required"]})
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"{name} must be a number.", fields={_field(name): ["must be a number"]})
    try:
        number = int(value) if integer else float(value)
        if integer and float(value) != number:
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{name} must be a{'n integer' if integer else ' number'}.",
            fields={_field(name): ["must be a whole number" if integer else "must be a number"]},
        )
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(f"{name} must be finite.", fields={_field(name): ["must be finite"]})
    if minimum is not None and (number <= minimum if exclusive else number < minimum):
        rule = f"must be greater than {minimum}" if exclusive else f"must be at least {minimum}"
        raise InvalidInput(f"{name} {rule}.", fields={_field(name): [rule]})
    if maximum is not None and (number >= maximum if exclusive else number > maximum):
        rule = f"must be less than {maximum}" if exclusive else f"must be at most {maximum}"
        raise InvalidInput(f"{name} {rule}.", fields={_field(name): [rule]})
    return number


def _only(params: dict, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(
            f"Unknown parameter(s): {', '.join(unknown)}.",
            fields={_field(name): ["unknown parameter"] for name in unknown},
        )


def _material(params: dict, name: str = "material") -> Material:
    material_id = _number(params, name, integer=True, minimum=1)
    material = Material.objects.filter(pk=material_id).first()
    if material is None:
        raise NotFound(f"No material {material_id}.", fields={_field(name): ["no such material"]})
    return material


# --- training -----------------------------------------------------------------------------------
TRAINERS: dict[str, dict] = {}


def trainer(name: str, *, options: dict[str, dict], precheck=None):
    """Register how to train one registry model; `options` are its params with bounds or choices;
    `precheck()` refuses at submission (400) what could only fail later (no data to learn from)."""

    def decorate(fn):
        TRAINERS[name] = {"fn": fn, "options": options, "precheck": precheck}
        return fn

    return decorate


def validate_train(params: dict) -> dict:
    name = params.get("model")
    if name not in TRAINERS:
        raise InvalidInput(
            f"Unknown model {name!r}.", fields={_field("model"): [f"one of: {', '.join(sorted(TRAINERS))}"]}
        )
    options = TRAINERS[name]["options"]
    _only(params, {"model", "seed", *options})
    clean = {"model": name, "seed": _number(params, "seed", default=42, minimum=0, integer=True)}
    for option, bounds in options.items():
        if "choices" in bounds:
            value = params.get(option, bounds["default"])
            if value not in bounds["choices"]:
                raise InvalidInput(
                    f"Unknown {option} {value!r}.", fields={_field(option): [f"one of: {', '.join(bounds['choices'])}"]}
                )
            clean[option] = value
        else:
            clean[option] = _number(params, option, **bounds)
    if TRAINERS[name]["precheck"]:
        TRAINERS[name]["precheck"]()
    return clean


@job_kind(JobKind.TRAIN, validate=validate_train, description="train a model and register a new version")
def run_train(job, report) -> Outcome:
    spec = TRAINERS[job.params["model"]]
    with tempfile.TemporaryDirectory() as scratch:
        trained = spec["fn"](job.params, Path(scratch), report)
        version = registry.model_register(
            name=job.params["model"],
            algorithm=trained["algorithm"],
            params=job.params,
            metrics=trained["metrics"],
            fingerprint=trained["fingerprint"],
            artifact_dir=Path(scratch),
            job=job,
            user=job.created_by,
        )
    return Outcome(
        result={
            "model": version.name,
            "version": version.version,
            "model_version": version.pk,
            "metrics": version.metrics,
        }
    )


@trainer(
    INVENTORY_SURROGATE,
    options={
        "n_cases": {"default": 1500, "minimum": 50, "maximum": 50000, "integer": True},
        "n_estimators": {"default": 100, "minimum": 1, "maximum": 1000, "integer": True},
    },
)
def train_inventory_surrogate(params: dict, out: Path, report) -> dict:
    """The what-if surrogate learns (s, S) from optimised synthetic cases (no ERP data needed)."""
    import numpy as np

    from ml.inventory.what_if import CASE_COLUMNS, WhatIfSurrogate, sample_cases, solve_cases

    seed, n_cases = params["seed"], params["n_cases"]
    cases = sample_cases(n_cases, seed)
    solved = []
    chunks = np.array_split(np.arange(len(cases)), max(1, min(20, n_cases // 25)))
    for i, index in enumerate(chunks):
        solved.append(solve_cases(cases.iloc[index]))
        report(80 * (i + 1) / len(chunks), f"optimised {sum(len(c) for c in solved)}/{n_cases} cases")
    solved = pd.concat(solved, ignore_index=True)
    held_out = solved.sample(frac=0.2, random_state=seed)
    train = solved.drop(held_out.index)
    model = WhatIfSurrogate(n_estimators=params["n_estimators"], random_state=seed).fit(train[CASE_COLUMNS], train)
    report(90, "fitted; measuring on held-out cases")
    predicted = model.predict(held_out[CASE_COLUMNS])
    truth = held_out[["reorder_point", "order_up_to"]].to_numpy(dtype=float)
    mae = float(np.mean(np.abs(np.asarray(predicted, dtype=float).reshape(truth.shape) - truth)))
    model.save(out / "model.joblib")
    metrics = {"held_out_cases": len(held_out), "policy_mae": round(mae, 6)}
    (out / "metrics.json").write_text(json.dumps(metrics))
    return {"algorithm": "random_forest", "metrics": metrics, "fingerprint": registry.data_fingerprint(solved)}


# --- what-if ------------------------------------------------------------------------------------
WHAT_IF_PARAMS = {
    "material",
    "warehouse",
    "demand_mean",
    "demand_std",
    "service_level",
    "lead_time_mean",
    "lead_time_std",
    "ordering_cost",
    "holding_cost",
    "unit_cost",
}


def validate_what_if(params: dict) -> dict:
    _only(params, WHAT_IF_PARAMS)
    material = _material(params)
    clean = {
        "material": material.pk,
        "service_level": _number(params, "service_level", minimum=0, maximum=1, exclusive=True),
        "lead_time_mean": _number(params, "lead_time_mean", minimum=0, exclusive=True),
        "lead_time_std": _number(params, "lead_time_std", default=0, minimum=0),
        "ordering_cost": _number(params, "ordering_cost", minimum=0),
        "holding_cost": _number(params, "holding_cost", minimum=0, exclusive=True),
    }
    for name in ("demand_mean", "demand_std"):
        if name in params:
            clean[name] = _number(params, name, minimum=0, exclusive=name == "demand_mean")
    if "demand_mean" not in clean:
        from .features import demand_stats

        try:
            demand_stats(material.pk)
        except ValueError as exc:
            raise InvalidInput(str(exc), code="no_history", fields={_field("demand_mean"): [str(exc)]})
    if "unit_cost" in params:
        clean["unit_cost"] = _number(params, "unit_cost", minimum=0)
    if "warehouse" in params:
        clean["warehouse"] = _number(params, "warehouse", integer=True, minimum=1)
    return clean


def what_if_answer(params: dict):
    """One what-if with the champion surrogate (or the exact optimiser when none is trained yet)."""
    from ml.inventory.what_if import WhatIfSurrogate, what_if

    from .features import demand_stats

    inputs = {k: v for k, v in params.items() if k not in ("material", "warehouse")}
    if "demand_mean" not in inputs:
        mean, std = demand_stats(params["material"])
        inputs.setdefault("demand_mean", mean)
        inputs.setdefault("demand_std", std)
    champion = registry.champion(INVENTORY_SURROGATE)
    model = WhatIfSurrogate.load(Path(champion.artifact_path) / "model.joblib") if champion else None
    return what_if(model=model, **inputs), champion, inputs


def what_if_curve(params: dict) -> list[dict]:
    """Cost and fill rate across service levels for the same item (what more stock buys)."""
    from ml.inventory.what_if import WhatIfSurrogate, cost_service_curve

    _, champion, inputs = what_if_answer(params)
    model = WhatIfSurrogate.load(Path(champion.artifact_path) / "model.joblib") if champion else None
    item = {k: v for k, v in inputs.items() if k != "service_level"}
    return cost_service_curve(model=model, **item).to_dict(orient="records")


@job_kind(JobKind.WHAT_IF, validate=validate_what_if, description="recommend a reorder point and order-up-to level")
def run_what_if(job, report) -> Outcome:
    answer, champion, inputs = what_if_answer(job.params)
    result = {**answer.as_dict(), "inputs": inputs, "model_version": champion.pk if champion else None}

    def write():
        Recommendation.objects.create(
            job=job,
            model_version=champion,
            material_id=job.params["material"],
            inputs={**inputs, "warehouse": job.params.get("warehouse")},
            reorder_point=Decimal(str(round(answer.reorder_point, 3))),
            order_up_to=Decimal(str(round(answer.order_up_to, 3))),
            order_qty=Decimal(str(round(answer.order_quantity, 3))),
            expected_cost=Decimal(str(round(answer.expected_cost, 4))),
            fill_rate=Decimal(str(round(answer.fill_rate, 5))),
            created_by=job.created_by,
        )

    return Outcome(result=result, write=write)


# --- demand forecasting -------------------------------------------------------------------------
DEMAND_FORECAST = "demand_forecast"
FORECAST_ALGORITHMS = (
    "auto",
    "naive",
    "snaive",
    "naive2",
    "ses",
    "holt",
    "damped",
    "ets",
    "theta",
    "ces",
    "arima",
    "prophet",
    "lstm",
)
LEVELS = (80, 95)


def _forecast_setup(params: dict) -> dict:
    algorithm = params.get("algorithm", "auto")
    if algorithm not in FORECAST_ALGORITHMS:
        raise InvalidInput(
            f"Unknown algorithm {algorithm!r}.",
            fields={_field("algorithm"): [f"one of: {', '.join(FORECAST_ALGORITHMS)}"]},
        )
    return {"algorithm": algorithm}


def _demand_or_refuse(material_ids=None) -> pd.DataFrame:
    from .features import weekly_demand

    frame = weekly_demand(material_ids)
    if frame.empty:
        raise InvalidInput(
            "There is no sales history to learn from yet.",
            code="no_history",
            fields={_field("materials"): ["no confirmed sales order lines"]},
        )
    return frame


def _forecastable_or_refuse() -> None:
    from .features import forecastable_materials

    if not forecastable_materials():
        raise InvalidInput(
            "There is no sales history to learn from yet.",
            code="no_history",
            fields={_field("model"): ["no article has sold"]},
        )


def _fit_predict(config: dict, history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Fit the configured forecaster on `history` and return `unique_id, ds, yhat, lo80, hi80, lo95, hi95`."""
    from ml.forecasting.registry import make_forecaster

    season = int(config["season"])
    model = make_forecaster(config["algorithm"], season=season, horizon=horizon, seed=int(config["seed"]))
    lengths = history.groupby("unique_id")["y"].transform("size")
    # Articles with less history than the model needs (a seasonal naive needs a full season) get the
    # naive forecast instead of being dropped: every article asked for is answered.
    parts = [(model, history[lengths >= model.min_length()])]
    short = history[lengths < model.min_length()]
    if not short.empty:
        parts.append((make_forecaster("naive", season=season, horizon=horizon, seed=int(config["seed"])), short))
    frames = []
    for forecaster, frame in parts:
        if frame.empty:
            continue
        predicted = forecaster.fit(frame).predict(horizon, level=LEVELS)
        alias = forecaster.alias
        out = pd.DataFrame(
            {
                "unique_id": predicted["unique_id"],
                "ds": pd.to_datetime(predicted["ds"]),
                "yhat": predicted[alias].clip(lower=0),
            }
        )
        for level in LEVELS:
            out[f"lo{level}"] = predicted[f"{alias}-lo-{level}"].clip(lower=0)
            out[f"hi{level}"] = predicted[f"{alias}-hi-{level}"].clip(lower=0)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


@trainer(
    DEMAND_FORECAST,
    options={
        "algorithm": {"default": "auto", "choices": FORECAST_ALGORITHMS},
        "season": {"default": 52, "minimum": 1, "maximum": 104, "integer": True},
        "horizon": {"default": 13, "minimum": 1, "maximum": 104, "integer": True},
    },
    precheck=lambda: _forecastable_or_refuse(),
)
def train_demand_forecast(params: dict, out: Path, report) -> dict:
    """Backtest the algorithm on the mill's weekly demand (last `horizon` weeks held out), store its recipe."""
    from ml import metrics

    config = {
        **_forecast_setup(params),
        "season": params["season"],
        "horizon": params["horizon"],
        "seed": params["seed"],
    }
    demand = _demand_or_refuse()
    horizon = config["horizon"]
    report(10, f"weekly demand of {demand['unique_id'].nunique()} articles")
    cutoff = demand.groupby("unique_id")["ds"].transform("max") - pd.Timedelta(weeks=horizon)
    train, test = demand[demand["ds"] <= cutoff], demand[demand["ds"] > cutoff]
    enough = train.groupby("unique_id")["y"].size()
    ids = enough[enough >= max(2 * horizon, 8)].index
    train, test = train[train["unique_id"].isin(ids)], test[test["unique_id"].isin(ids)]
    if train.empty:
        raise InvalidInput(
            "Not enough weekly history to backtest a forecast.",
            code="no_history",
            fields={_field("horizon"): ["history shorter than twice the horizon"]},
        )
    predicted = _fit_predict(config, train, horizon)
    report(80, "backtest done")
    merged = test.merge(predicted, on=["unique_id", "ds"], how="inner").sort_values(["unique_id", "ds"])
    actual = merged.pivot(index="unique_id", columns="ds", values="y").to_numpy()
    forecast = merged.pivot(index="unique_id", columns="ds", values="yhat").to_numpy()
    histories = [g["y"].to_numpy() for _, g in train.sort_values("ds").groupby("unique_id")]
    scores = {
        "series": int(len(ids)),
        "smape": float(metrics.smape(actual, forecast).mean()),
        "mase": float(metrics.mase(actual, forecast, histories, m=1).mean()),
        "wape": float(metrics.wape(actual, forecast)),
        "bias": float(metrics.bias(actual, forecast)),
        "coverage80": float(metrics.coverage(merged["y"], merged["lo80"], merged["hi80"])),
        "coverage95": float(metrics.coverage(merged["y"], merged["lo95"], merged["hi95"])),
    }
    scores = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in scores.items()}
    (out / "config.json").write_text(json.dumps(config, indent=2))
    (out / "backtest_metrics.json").write_text(json.dumps(scores, indent=2))
    merged.to_csv(out / "backtest.csv", index=False)
    return {"algorithm": config["algorithm"], "metrics": scores, "fingerprint": registry.data_fingerprint(demand)}


def _materials(params: dict, *, required: bool) -> list[int] | None:
    from .features import forecastable_materials

    if "materials" not in params:
        if required:
            raise InvalidInput("Name the materials to forecast.", fields={_field("materials"): ["required"]})
        return None
    ids = params["materials"]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InvalidInput(
            "materials must be a non-empty list of ids.",
            fields={_field("materials"): ["a non-empty list of material ids"]},
        )
    known = set(forecastable_materials())
    unknown = sorted(set(ids) - known)
    if unknown:
        missing = sorted(set(unknown) - set(Material.objects.filter(pk__in=unknown).values_list("pk", flat=True)))
        raise (NotFound if missing else InvalidInput)(
            f"Cannot forecast material(s) {unknown}: unknown or never sold.",
            code="unknown_article",
            fields={_field("materials"): [f"unknown or never sold: {unknown}"]},
        )
    return sorted(set(ids))


def _forecast_version(params: dict):
    from .models import ModelVersion

    if "model_version" in params:
        version_id = _number(params, "model_version", integer=True, minimum=1)
        version = ModelVersion.objects.filter(pk=version_id, name=DEMAND_FORECAST).first()
        if version is None:
            raise NotFound(
                f"No demand-forecast model version {version_id}.",
                fields={_field("model_version"): ["no such demand_forecast version"]},
            )
        return version
    return None


def validate_forecast(params: dict) -> dict:
    _only(params, {"materials", "horizon", "model_version"})
    clean = {
        "materials": _materials(params, required=True),
        "horizon": _number(params, "horizon", default=13, minimum=1, maximum=104, integer=True),
    }
    version = _forecast_version(params)
    if version:
        clean["model_version"] = version.pk
    elif registry.champion(DEMAND_FORECAST) is None:
        raise InvalidInput(
            "No demand-forecast model is trained yet: run a train job first.",
            code="no_model",
            fields={_field("model_version"): ["no champion demand_forecast model"]},
        )
    return clean


def _version_for(params: dict):
    from .models import ModelVersion

    if params.get("model_version"):
        return ModelVersion.objects.get(pk=params["model_version"])
    return registry.champion_or_404(DEMAND_FORECAST)


@job_kind(JobKind.FORECAST, validate=validate_forecast, description="forecast weekly demand of some articles")
def run_forecast(job, report) -> Outcome:
    from .models import Forecast

    version = _version_for(job.params)  # the champion at run time: a rollback takes effect on the next job
    config = json.loads((Path(version.artifact_path) / "config.json").read_text())
    demand = _demand_or_refuse(job.params["materials"])
    report(20, f"fitting {version} on {demand['unique_id'].nunique()} articles")
    predicted = _fit_predict(config, demand, job.params["horizon"])
    report(90, "forecast computed")

    def q(value) -> Decimal:
        return Decimal(str(round(float(value), 3)))

    def write():
        Forecast.objects.bulk_create(
            [
                Forecast(
                    job=job,
                    model_version=version,
                    material_id=int(row.unique_id),
                    week=row.ds.date(),
                    yhat=q(row.yhat),
                    lo80=q(row.lo80),
                    hi80=q(row.hi80),
                    lo95=q(row.lo95),
                    hi95=q(row.hi95),
                )
                for row in predicted.itertuples()
            ]
        )

    return Outcome(
        result={
            "model_version": version.pk,
            "model": str(version),
            "rows": len(predicted),
            "materials": predicted["unique_id"].nunique(),
        },
        write=write,
    )


def validate_batch_forecast(params: dict) -> dict:
    _only(params, {"materials", "horizon", "chunk_size", "model_version"})
    forecast_params = {k: v for k, v in params.items() if k in ("horizon", "model_version")}
    clean = validate_forecast({**forecast_params, "materials": params.get("materials") or _all_materials_or_refuse()})
    clean.pop("materials")
    if "materials" in params:
        clean["materials"] = _materials(params, required=True)
    clean["chunk_size"] = _number(params, "chunk_size", default=25, minimum=1, maximum=1000, integer=True)
    return clean


def _all_materials_or_refuse() -> list[int]:
    from .features import forecastable_materials

    ids = forecastable_materials()
    if not ids:
        raise InvalidInput(
            "There is no sales history to forecast yet.",
            code="no_history",
            fields={_field("materials"): ["no article has sold"]},
        )
    return ids


@job_kind(
    JobKind.BATCH_FORECAST,
    validate=validate_batch_forecast,
    description="forecast every article in chunks that run on any free worker",
)
def run_batch_forecast(job, report) -> Outcome:
    from .jobs import job_submit

    ids = job.params.get("materials") or _all_materials_or_refuse()
    size = job.params["chunk_size"]
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    version = _version_for(job.params)
    report(5, f"{len(ids)} articles in {len(chunks)} chunks")

    def write():
        # Children are created in the commit that records the split, so a re-run never doubles them.
        for chunk in chunks:
            job_submit(
                kind=JobKind.FORECAST,
                user=job.created_by,
                parent=job,
                params={"materials": chunk, "horizon": job.params["horizon"], "model_version": version.pk},
            )

    return Outcome(
        result={"materials": len(ids), "chunks": len(chunks), "model_version": version.pk},
        write=write,
        waits_for_children=True,
    )


# --- supplier scoring ---------------------------------------------------------------------------
SUPPLIER_SVM = "supplier_svm"


def validate_score_suppliers(params: dict) -> dict:
    from procurement.models import GoodsReceiptLine

    _only(params, {"seed"})
    if not GoodsReceiptLine.objects.exists():
        raise InvalidInput(
            "No goods have been received yet: there is no supplier history to learn from.", code="no_history", fields={}
        )
    return {"seed": _number(params, "seed", default=42, minimum=0, integer=True)}


@job_kind(
    JobKind.SCORE_SUPPLIERS,
    validate=validate_score_suppliers,
    description="learn which suppliers stay reliable and score every supplier's latest month",
)
def run_score_suppliers(job, report) -> Outcome:
    from ml.suppliers.scoring import FEATURES, SupplierScorer
    from procurement.services import supplier_set_ml_score

    from .features import supplier_features, supplier_training_frame
    from .models import SupplierScore

    features = supplier_features()
    training = supplier_training_frame(features)
    if training.empty or training["target"].nunique() < 2:
        raise InvalidInput(
            "Supplier history has too little variety to learn from: need months that were and "
            "were not followed by a reliable month.",
            code="no_history",
            fields={},
        )
    report(20, f"{len(training)} supplier-months from {training['supplier'].nunique()} suppliers")
    # A feature no supplier-month has (e.g. lead-time spread with one receipt a month) is left out.
    usable = [name for name in FEATURES if training[name].notna().any()]
    scorer = SupplierScorer(
        kind="reliability",
        features=usable,
        random_state=job.params["seed"],
        n_splits=min(5, training["supplier"].nunique()),
    )
    scorer.fit(training, target="target", groups="supplier")
    report(70, "fitted; scoring each supplier's latest month")
    latest = features.sort_values("period").groupby("supplier").tail(1).reset_index(drop=True)
    scores = scorer.score(latest).to_numpy()
    reliability = scorer.reliability(latest).to_numpy()
    contributions = scorer.contributions(latest)
    with tempfile.TemporaryDirectory() as scratch:
        scorer.save(Path(scratch) / "model.joblib")
        version = registry.model_register(
            name=SUPPLIER_SVM,
            algorithm="svc",
            params=job.params,
            metrics={
                "training_rows": len(training),
                "suppliers": int(training["supplier"].nunique()),
                "reliable_share": round(float(training["target"].mean()), 4),
            },
            fingerprint=registry.data_fingerprint(training),
            artifact_dir=Path(scratch),
            job=job,
            user=job.created_by,
        )

    def clean(values: dict) -> dict:
        return {k: (None if pd.isna(v) else round(float(v), 6)) for k, v in values.items()}

    rows = []
    for i, row in latest.iterrows():
        rows.append(
            {
                "supplier": int(row["supplier"]),
                "period": row["period"].date(),
                "score": round(float(scores[i]), 2),
                "reliability": round(float(reliability[i]), 5),
                "features": clean(row[usable].to_dict()),
                "contributions": clean(contributions.iloc[i].to_dict()),
            }
        )

    def write():
        from procurement.models import Supplier

        suppliers = Supplier.objects.in_bulk([r["supplier"] for r in rows])
        for r in rows:
            SupplierScore.objects.create(
                job=job,
                model_version=version,
                supplier_id=r["supplier"],
                period=r["period"],
                score=Decimal(str(r["score"])),
                reliability=Decimal(str(r["reliability"])),
                features=r["features"],
                contributions=r["contributions"],
            )
            # The scorecard's ML criterion reads the score through procurement's own service.
            supplier_set_ml_score(supplier=suppliers[r["supplier"]], period=r["period"], score=Decimal(str(r["score"])))

    return Outcome(result={"model_version": version.pk, "suppliers": len(rows)}, write=write)


# --- fabric defect detection --------------------------------------------------------------------
DEFECT_CNN = "defect_cnn"


def _scan_dataset(choice: str):
    """AITEX when the data directory has it (the real scans), else the small masked set shipped for demos."""
    from django.conf import settings

    from ml.quality.data import load_dataset

    root = Path(settings.WEFT_DATA_DIR)
    if choice in ("auto", "aitex") and (root / "fabric-aitex").is_dir():
        return "fabric-aitex", load_dataset(root / "fabric-aitex", "aitex")
    if choice == "aitex":
        raise InvalidInput("The AITEX scans are not in the data directory.", fields={_field("dataset"): ["not found"]})
    return "fabric-small", load_dataset(root / "fabric-small", "masks")


def _labelled_scans(shape) -> tuple[list, list]:
    """Inspector-confirmed scans of the training set's size: their answers are labels for the next model."""
    import numpy as np
    from PIL import Image

    from .models import DefectLabel, DefectScan

    images, labels = [], []
    for scan in DefectScan.objects.exclude(inspector_label="").order_by("id"):
        with Image.open(scan.image.path) as raw:
            array = np.asarray(raw.convert("L" if shape[2] == 1 else "RGB"))
        array = array[..., None] if array.ndim == 2 else array
        if array.shape == tuple(shape):
            images.append(array)
            labels.append(int(scan.inspector_label == DefectLabel.DEFECT))
    return images, labels


@trainer(
    DEFECT_CNN,
    options={
        "dataset": {"default": "auto", "choices": ("auto", "aitex", "small")},
        "epochs": {"default": 30, "minimum": 1, "maximum": 500, "integer": True},
    },
)
def train_defect_cnn(params: dict, out: Path, report) -> dict:
    import numpy as np

    from ml.quality.detector import DefectDetector

    name, data = _scan_dataset(params["dataset"])
    images, labels = list(data.images), list(data.labels)
    masks = list(data.masks) if data.masks is not None else None
    extra_images, extra_labels = _labelled_scans(data.shape)
    if extra_images and masks is None:
        images += extra_images
        labels += extra_labels
    report(10, f"{len(images)} scans from {name} (+{len(extra_images)} inspector-labelled)")
    # Every fabric-small image has a defect: there, clean and defective examples are tiles (from the masks).
    unit = "tile" if data.layout == "masks" else "image"
    detector = DefectDetector(epochs=params["epochs"], seed=params["seed"], decision_unit=unit, verbose=0)
    detector.fit(images, np.asarray(labels), masks)
    report(90, "trained")
    detector.save(out)
    metrics = {
        k: round(float(v), 6)
        for k, v in (getattr(detector, "validation_", None) or {}).items()
        if isinstance(v, int | float)
    }
    metrics.update({"dataset": name, "scans": len(images), "threshold": round(float(detector.threshold_), 6)})
    fingerprint = registry.data_fingerprint(
        pd.DataFrame({"name": list(data.names) + [f"label-{i}" for i in range(len(extra_images))], "label": labels})
    )
    # The detector's default scorer is the CNN stacked with tile statistics (extremely randomised trees).
    algorithm = {
        "stacked": "mil_cnn+tile_features_extra_trees",
        "cnn": "mil_cnn",
        "features": "tile_features_extra_trees",
    }.get(detector.method, detector.method)
    return {"algorithm": algorithm, "metrics": metrics, "fingerprint": fingerprint}


def validate_detect_defects(params: dict) -> dict:
    from .models import DefectScan

    _only(params, {"scan"})
    scan_id = _number(params, "scan", integer=True, minimum=1)
    if not DefectScan.objects.filter(pk=scan_id).exists():
        raise NotFound(f"No scan {scan_id}.", fields={_field("scan"): ["no such scan"]})
    if registry.champion(DEFECT_CNN) is None:
        raise InvalidInput(
            "No defect model is trained yet: run a train job for defect_cnn first.",
            code="no_model",
            fields={_field("scan"): ["no champion defect_cnn model"]},
        )
    return {"scan": scan_id}


@job_kind(JobKind.DETECT_DEFECTS, validate=validate_detect_defects, description="the CNN's verdict on one scan")
def run_detect_defects(job, report) -> Outcome:
    import numpy as np
    from PIL import Image

    from ml.quality.detector import DefectDetector

    from .models import DefectLabel, DefectScan

    scan = DefectScan.objects.get(pk=job.params["scan"])
    version = registry.champion_or_404(DEFECT_CNN)
    detector = DefectDetector.load(version.artifact_path)
    channels = detector_channels(detector)
    with Image.open(scan.image.path) as raw:
        array = np.asarray(raw.convert("L" if channels == 1 else "RGB"))
    array = array[..., None] if array.ndim == 2 else array
    report(40, "model loaded")
    probability = float(detector.predict_proba([array])[0])
    defect_map = np.asarray(detector.defect_map(array)).round(4).tolist()
    threshold = float(detector.threshold_)
    verdict = DefectLabel.DEFECT if probability >= threshold else DefectLabel.OK

    def write():
        DefectScan.objects.filter(pk=scan.pk).update(
            job=job,
            model_version=version,
            probability=Decimal(str(round(probability, 5))),
            threshold=Decimal(str(round(threshold, 5))),
            verdict=verdict,
            defect_map=defect_map,
        )

    return Outcome(
        result={
            "scan": scan.pk,
            "probability": probability,
            "threshold": threshold,
            "verdict": verdict,
            "model_version": version.pk,
        },
        write=write,
    )


def detector_channels(detector) -> int:
    return int(getattr(detector, "channels_", 1) or 1)
