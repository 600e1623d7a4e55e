"""The `csv` problem: an uploaded table, some columns as features, others as tasks.

Every check names the parameter at fault (`ParameterError`), so a spec that cannot work is a
422 before anything is stored. Numeric features and regression targets are standardised with the
training split's mean and standard deviation only (nothing of validation or test leaks in); a
regression task keeps the standard deviation as its `scale`, so its metrics are in the data's
own units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import torch
from torch import Tensor

from taskweights.models.datasets import load_table
from taskweights.models.errors import ParameterError
from taskweights.models.networks import TrunkConfig
from taskweights.models.problems import Problem, Split, sized_by, split_dataset
from taskweights.models.tasks import DEFAULTS, Task, TaskKind

if TYPE_CHECKING:
    import pandas as pd

MIN_SPLIT_ROWS = 10  # fewer rows in a split give metrics too noisy to compare weights on
TARGET_KEYS = frozenset({"column", "kind"})


def _csv_bytes(params: Mapping[str, Any]) -> int:
    """float32 inputs (a categorical feature one column per category), a float32 column per
    regression target and an int64 label per class target, per row: one-hot encoding can
    turn a small file into a huge tensor."""
    table = load_table(params["dataset"])
    tasks_in = _target_columns(table, params["targets"])
    categorical = params["categorical"]
    names = _feature_columns(table, params["features"], categorical, [c for c, _ in tasks_in])
    inputs = sum(_labels(table[name]).nunique() if name in categorical else 1 for name in names)
    labels = sum(4 if kind == "regression" else 8 for _, kind in tasks_in)
    return len(table) * (4 * inputs + labels)


@sized_by(_csv_bytes)
def csv(
    seed: int,
    *,
    dataset: str,
    targets: Sequence[Mapping[str, str]],
    features: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
) -> Problem:
    """An uploaded CSV file: `targets` [{column, kind}] are the tasks, `features` the inputs
    (default: every other column), `categorical` the features to one-hot encode."""
    table = load_table(dataset)
    tasks_in = _target_columns(table, targets)
    names = _feature_columns(table, features, categorical, [column for column, _ in tasks_in])
    check_split_sizes(len(table), val_fraction, test_fraction)
    numeric = [name for name in names if name not in categorical]
    x = torch.cat(
        [
            torch.tensor(table[numeric].to_numpy(dtype="float32")),
            *(_one_hot(table[name]) for name in categorical),
        ],
        dim=1,
    )
    labels = [_target_tensor(table[column], kind) for column, kind in tasks_in]
    train, val, test = split_dataset(x, labels, seed, val_fraction, test_fraction)
    train, val, test, scales = _standardise(train, val, test, len(numeric), tasks_in)
    tasks = tuple(
        Task(column, cast(TaskKind, kind), _outputs(table[column], kind), scale=scale)
        for (column, kind), scale in zip(tasks_in, scales, strict=True)
    )
    return Problem("csv", tasks, train, val, test, TrunkConfig("mlp", hidden=(128, 64)))


def check_split_sizes(rows: int, val_fraction: float, test_fraction: float) -> None:
    n_val, n_test = int(rows * val_fraction), int(rows * test_fraction)
    smallest = min(n_val, n_test, rows - n_val - n_test)
    if smallest < MIN_SPLIT_ROWS:
        raise ParameterError(
            "dataset",
            f"{rows} rows are too few for the splits: {rows - n_val - n_test} train, {n_val} "
            f"validation, {n_test} test rows; each needs at least {MIN_SPLIT_ROWS}.",
        )


def _target_columns(
    table: pd.DataFrame, targets: Sequence[Mapping[str, str]]
) -> list[tuple[str, str]]:
    """(column, kind) per target, each checked against the table."""
    if isinstance(targets, str | bytes) or not targets:
        raise ParameterError("targets", "targets must list at least one {column, kind}.")
    found: list[tuple[str, str]] = []
    for i, target in enumerate(targets):
        where = f"targets.{i}"
        if not isinstance(target, Mapping) or not set(target) >= TARGET_KEYS:
            raise ParameterError(where, "each target needs a column and a kind.")
        if extra := sorted(set(target) - TARGET_KEYS):
            raise ParameterError(where, f"unknown key {extra[0]!r}; a target has column, kind.")
        column, kind = str(target["column"]), target["kind"]
        if kind not in DEFAULTS:
            raise ParameterError(
                f"{where}.kind", f"kind must be one of {sorted(DEFAULTS)} but got {kind!r}."
            )
        _check_column(table, column, f"{where}.column")
        if column in (c for c, _ in found):
            raise ParameterError(f"{where}.column", f"column {column!r} is a target twice.")
        _check_target(table[column], kind, f"{where}.column")
        found.append((column, kind))
    return found


def _check_target(values: pd.Series, kind: str, where: str) -> None:
    import pandas as pd

    column = values.name
    missing = values.isna()
    if missing.any():
        first = int(missing.to_numpy().nonzero()[0][0]) + 1
        raise ParameterError(
            where,
            f"column {column!r} has {int(missing.sum())} missing values (the first in data row "
            f"{first}); a target needs a value in every row.",
        )
    if kind == "regression":
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise ParameterError(
                where, f"column {column!r} is not numeric; a regression target must be."
            )
        if values.nunique() < 2:
            raise ParameterError(
                where, f"column {column!r} holds one value only; there is nothing to predict."
            )
        return
    classes = values.nunique()
    if classes < 2:
        raise ParameterError(
            where,
            f"column {column!r} has one class ({values.iloc[0]!r}); a {kind} target needs two "
            "or more.",
        )
    if kind == "binary" and classes > 2:
        raise ParameterError(
            where,
            f"column {column!r} has {classes} classes; a binary target has two "
            "(use kind multiclass).",
        )


def _feature_columns(
    table: pd.DataFrame,
    features: Sequence[str] | None,
    categorical: Sequence[str],
    targets: list[str],
) -> list[str]:
    """The input columns; each numeric, or declared categorical."""
    import pandas as pd

    if features is None:
        names = [str(c) for c in table.columns if c not in targets]
    elif isinstance(features, str) or not features:
        raise ParameterError("features", "features must list at least one column.")
    else:
        names = [str(c) for c in features]
    for i, name in enumerate(names):
        where = f"features.{i}" if features is not None else "features"
        _check_column(table, name, where)
        if name in targets:
            raise ParameterError(where, f"column {name!r} is a target; it cannot be a feature.")
    for i, name in enumerate(categorical):
        _check_column(table, name, f"categorical.{i}")
        if name not in names:
            raise ParameterError(f"categorical.{i}", f"column {name!r} is not a feature.")
    if not names:
        raise ParameterError("features", "every column is a target: no features are left.")
    for i, name in enumerate(names):
        if name in categorical:
            continue
        where = f"features.{i}" if features is not None else "features"
        values = table[name]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            example = values.dropna().iloc[0] if values.notna().any() else None
            raise ParameterError(
                where,
                f"column {name!r} is not numeric (e.g. {example!r}); list it in categorical "
                "to one-hot encode it.",
            )
        if values.isna().any():
            raise ParameterError(
                where,
                f"column {name!r} has {int(values.isna().sum())} missing values; fill or drop "
                "them, or list it in categorical (missing becomes its own category).",
            )
    return names


def _check_column(table: pd.DataFrame, column: str, where: str) -> None:
    if column not in table.columns:
        raise ParameterError(
            where, f"no column {column!r} in the dataset; its columns are {list(table.columns)}."
        )


def _labels(values: pd.Series) -> pd.Series:
    """A categorical feature's values as the categories one-hot encoding gives a column each."""
    return values.astype("string").fillna("(missing)")


def _one_hot(values: pd.Series) -> Tensor:
    import pandas as pd

    return torch.tensor(pd.get_dummies(_labels(values)).to_numpy(dtype="float32"))


def _target_tensor(values: pd.Series, kind: str) -> Tensor:
    """Regression: values as a column of floats; classes: their index among the sorted values."""
    import pandas as pd

    if kind == "regression":
        return torch.tensor(values.to_numpy(dtype="float32")).unsqueeze(1)
    codes, _ = pd.factorize(values, sort=True)
    return torch.tensor(codes, dtype=torch.long)


def _outputs(values: pd.Series, kind: str) -> int:
    return {"regression": 1, "binary": 1}.get(kind, int(values.nunique()))


def _standardise(
    train: Split, val: Split, test: Split, numeric: int, tasks: list[tuple[str, str]]
) -> tuple[Split, Split, Split, list[float]]:
    """Numeric features (the first `numeric` columns) and regression targets scaled by the
    training split's statistics; returns each task's scale (1 for classes)."""
    mean = torch.zeros(train.x.shape[1])
    std = torch.ones(train.x.shape[1])
    mean[:numeric] = train.x[:, :numeric].mean(0)
    std[:numeric] = train.x[:, :numeric].std(0).clamp_min(1e-12)
    shifts: list[tuple[Any, Any]] = []
    scales: list[float] = []
    for target, (_, kind) in zip(train.targets, tasks, strict=True):
        if kind == "regression":
            spread = float(target.std().clamp_min(1e-12))
            shifts.append((target.mean(), spread))
            scales.append(spread)
        else:
            shifts.append((None, None))
            scales.append(1.0)

    def scaled(split: Split) -> Split:
        targets = tuple(
            t if centre is None else (t - centre) / spread
            for t, (centre, spread) in zip(split.targets, shifts, strict=True)
        )
        return Split((split.x - mean) / std, targets)

    return scaled(train), scaled(val), scaled(test), scales
