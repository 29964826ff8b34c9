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


def trainer(name: str, *, options: dict[str, dict]):
    """Register how to train one registry model; `options` are its numeric params with bounds."""

    def decorate(fn):
        TRAINERS[name] = {"fn": fn, "options": options}
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
        clean[option] = _number(params, option, **bounds)
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
