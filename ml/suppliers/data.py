"""The supplier-selection case (`supplier-acme`, see the shared data README): task features, supplier
features and the cost of every supplier on every task, joined on the task date."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class SupplierDataError(ValueError):
    """Missing or malformed supplier data that the user can fix."""


@dataclass(frozen=True)
class AcmeCase:
    task_features: pd.DataFrame  # index: task date; columns TF1…; only tasks that have costs
    supplier_features: pd.DataFrame  # index: supplier id (S1…); columns SF1…
    costs: pd.DataFrame  # index: task date (same order as task_features); columns: supplier ids
    tasks_without_costs: list[pd.Timestamp]  # tasks with features but no cost rows: left out

    @property
    def regret(self) -> pd.DataFrame:
        """Cost of each supplier above the cheapest on that task: the error of choosing it."""
        return self.costs.sub(self.costs.min(axis=1), axis=0)


def _read(path: Path, reader) -> pd.DataFrame:
    if not path.is_file():
        raise SupplierDataError(f"missing file {path}")
    try:
        frame = reader(path)
    except Exception as exc:  # a corrupt workbook raises anything from zipfile to openpyxl
        raise SupplierDataError(f"cannot read {path}: {exc}")
    if frame.empty:
        raise SupplierDataError(f"{path} holds no rows")
    return frame


def _parse_dates(values: pd.Series, fmt: str, path: Path) -> pd.Series:
    parsed = pd.to_datetime(values.astype(str).str.strip(), format=fmt, errors="coerce")
    if parsed.isna().any():
        bad = values[parsed.isna()].iloc[0]
        raise SupplierDataError(f"{path}: task id {bad!r} is not a date written as {fmt}")
    return parsed


def load_acme(directory: str | Path) -> AcmeCase:
    """Read `tasks.xlsx`, `suppliers.csv` and `cost.csv` from `directory` and join them.

    Task ids are dates: `2019 05 30` (sometimes with a trailing space) in tasks.xlsx and
    `30/05/2019` in cost.csv. Tasks with features but no costs are left out and listed in
    `tasks_without_costs`; a task with costs but no features, or a task missing some supplier's
    cost, is an error.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise SupplierDataError(f"no data directory {directory}")
    tasks = _read(directory / "tasks.xlsx", lambda path: pd.read_excel(path, engine="openpyxl"))
    suppliers = _read(directory / "suppliers.csv", pd.read_csv)
    costs = _read(directory / "cost.csv", pd.read_csv)
    for frame, name, columns in (
        (tasks, "tasks.xlsx", ["Task ID"]),
        (suppliers, "suppliers.csv", ["Supplier ID"]),
        (costs, "cost.csv", ["Task ID", "Supplier ID", "Cost"]),
    ):
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise SupplierDataError(f"{name} lacks columns {missing}")

    tasks = tasks.assign(task=_parse_dates(tasks["Task ID"], "%Y %m %d", directory / "tasks.xlsx"))
    tasks = tasks.drop(columns="Task ID").set_index("task").sort_index()
    if tasks.index.has_duplicates:
        raise SupplierDataError("tasks.xlsx repeats a task date")
    costs = costs.assign(task=_parse_dates(costs["Task ID"], "%d/%m/%Y", directory / "cost.csv"))
    if costs.duplicated(["task", "Supplier ID"]).any():
        raise SupplierDataError("cost.csv holds two costs for one task and supplier")
    suppliers = suppliers.set_index("Supplier ID")
    # Supplier order S1, S2, … S64 rather than the string order S1, S10, S11, …
    order = sorted(suppliers.index, key=lambda name: (len(name), name))
    suppliers = suppliers.loc[order]

    matrix = costs.pivot(index="task", columns="Supplier ID", values="Cost")
    unknown = sorted(set(matrix.columns) - set(suppliers.index))
    if unknown:
        raise SupplierDataError(f"cost.csv names suppliers not in suppliers.csv: {unknown[:5]}")
    matrix = matrix.reindex(columns=order)
    if matrix.isna().any().any():
        task, supplier = matrix.stack(future_stack=True).loc[lambda s: s.isna()].index[0]
        raise SupplierDataError(f"cost.csv has no cost for supplier {supplier} on task {task:%Y-%m-%d}")
    no_features = matrix.index.difference(tasks.index)
    if len(no_features):
        raise SupplierDataError(f"cost.csv has tasks without features, e.g. {no_features[0]:%Y-%m-%d}")
    if not pd.api.types.is_numeric_dtype(matrix.stack()):
        raise SupplierDataError("cost.csv costs must be numbers")
    without_costs = list(tasks.index.difference(matrix.index))
    matrix = matrix.sort_index()
    if matrix.empty:
        raise SupplierDataError("no task has costs")
    return AcmeCase(
        task_features=tasks.loc[matrix.index].astype(float),
        supplier_features=suppliers.astype(float),
        costs=matrix.astype(float),
        tasks_without_costs=without_costs,
    )
