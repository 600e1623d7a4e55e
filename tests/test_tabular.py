"""The `csv` problem: columns to tasks and features, standardised on the training split only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from taskweights.models import (
    ParameterError,
    TrainConfig,
    build_problem,
    build_strategy,
    train,
)
from taskweights.models.datasets import use_datasets

HOUSES = Path(__file__).resolve().parent.parent / "examples" / "houses.csv"
TARGETS = [
    {"column": "price_eur", "kind": "regression"},
    {"column": "energy_class", "kind": "multiclass"},
    {"column": "sold_within_month", "kind": "binary"},
]


class Files:
    """A dataset source over bytes held here: the seam a database fills in the app."""

    def __init__(self, **files: bytes) -> None:
        self.files = files

    def read(self, dataset_id: str) -> bytes | None:
        return self.files.get(dataset_id)


@pytest.fixture(autouse=True)
def datasets() -> Iterator[Files]:
    rows = ["a,b,label,one,y"] + [f"{i},{i % 7},{'xy'[i % 2]},k,{i * 3}" for i in range(60)]
    source = Files(houses=HOUSES.read_bytes(), small=("\n".join(rows) + "\n").encode())
    previous = use_datasets(source)
    yield source
    use_datasets(previous)


def houses(**params: object):
    return build_problem(
        "csv", {"dataset": "houses", "targets": TARGETS, "categorical": ["city"]} | params, 0
    )


def test_targets_become_tasks_of_their_kind() -> None:
    problem = houses()
    assert problem.task_names == ["price_eur", "energy_class", "sold_within_month"]
    assert [t.kind for t in problem.tasks] == ["regression", "multiclass", "binary"]
    assert problem.tasks[1].outputs == 5  # A..E
    assert len(problem.train) + len(problem.val) + len(problem.test) == 1200
    # 6 numeric features (energy_kwh is no target here) and 4 cities one-hot
    assert problem.input_shape == (10,)


def test_numeric_features_and_regression_targets_are_standardised_on_train_only() -> None:
    problem = houses()
    numeric = problem.train.x[:, :6]
    assert torch.allclose(numeric.mean(0), torch.zeros(6), atol=1e-5)
    assert torch.allclose(numeric.std(0), torch.ones(6), atol=1e-5)
    assert not torch.allclose(problem.val.x[:, :6].mean(0), torch.zeros(6), atol=1e-3)
    one_hot = problem.train.x[:, 6:]
    assert set(one_hot.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(one_hot.sum(1), torch.ones(len(problem.train)))
    price = problem.train.targets[0]
    assert float(price.mean()) == pytest.approx(0.0, abs=1e-5)
    assert float(price.std()) == pytest.approx(1.0, abs=1e-5)


def test_regression_metrics_are_in_the_original_units() -> None:
    problem = houses()
    price = problem.tasks[0]
    assert 100_000 < price.scale < 300_000  # the training split's sd of prices in euros
    guess = torch.zeros_like(problem.test.targets[0])  # predicting the training mean
    rmse = price.compute_metric(guess, problem.test.targets[0])
    spread = float(problem.test.targets[0].std()) * price.scale
    assert rmse == pytest.approx(spread, rel=0.1)


def test_a_short_training_run_learns_every_task() -> None:
    problem = houses()
    strategy = build_strategy("equal", [t.is_classification for t in problem.tasks])
    result = train(problem, strategy, TrainConfig(epochs=15, lr=3e-3))
    price_rmse, class_accuracy, sold_accuracy = result.final.val_metric
    assert price_rmse < 0.5 * problem.tasks[0].scale  # well under the sd
    assert class_accuracy > 0.4  # 5 classes, the largest 28 %
    assert sold_accuracy > 0.5


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({"dataset": "nope"}, "dataset", "no dataset 'nope'"),
        (
            {"targets": [{"column": "prize", "kind": "regression"}]},
            "targets.0.column",
            "no column 'prize'",
        ),
        ({"targets": [{"column": "price_eur"}]}, "targets.0", "needs a column and a kind"),
        (
            {"targets": [{"column": "price_eur", "kind": "ordinal"}]},
            "targets.0.kind",
            "kind must be one of",
        ),
        (
            {"targets": [{"column": "city", "kind": "regression"}]},
            "targets.0.column",
            "not numeric",
        ),
        (
            {"targets": [{"column": "energy_class", "kind": "binary"}]},
            "targets.0.column",
            "has 5 classes",
        ),
        ({"categorical": []}, "features", "column 'city' is not numeric"),
        ({"features": ["area_m2", "rooms", "flat"]}, "features.2", "no column 'flat'"),
        ({"features": ["area_m2", "price_eur"]}, "features.1", "is a target"),
        ({"features": ["area_m2"]}, "categorical.0", "not a feature"),
        ({"val_fraction": 0.001}, "dataset", "too few for the splits"),
    ],
)
def test_bad_parameters_name_the_parameter_and_why(
    params: dict[str, object], parameter: str, reason: str
) -> None:
    with pytest.raises(ParameterError, match=reason) as caught:
        houses(**params)
    assert caught.value.parameter == parameter


def test_a_class_column_with_one_class_is_refused() -> None:
    with pytest.raises(ParameterError, match="has one class") as caught:
        build_problem(
            "csv",
            {"dataset": "small", "targets": [{"column": "one", "kind": "multiclass"}]},
            0,
        )
    assert caught.value.parameter == "targets.0.column"


def test_a_missing_target_value_names_its_row(datasets: Files) -> None:
    datasets.files["gaps"] = datasets.files["small"].replace(b"\n5,5,y,k,15\n", b"\n5,5,y,k,\n")
    with pytest.raises(ParameterError, match=r"1 missing values .*data row 6"):
        build_problem(
            "csv", {"dataset": "gaps", "targets": [{"column": "y", "kind": "regression"}]}, 0
        )


def test_too_few_rows_for_the_splits() -> None:
    target = [{"column": "y", "kind": "regression"}]
    params = {"dataset": "small", "targets": target, "features": ["a", "b"]}
    assert len(build_problem("csv", params, 0).val) == 12
    with pytest.raises(ParameterError, match=r"60 rows are too few.* 6 validation") as caught:
        build_problem("csv", params | {"val_fraction": 0.1}, 0)
    assert caught.value.parameter == "dataset"


def test_the_split_follows_the_seed() -> None:
    first, again, other = (
        houses(),
        houses(),
        build_problem(
            "csv", {"dataset": "houses", "targets": TARGETS, "categorical": ["city"]}, 1
        ),
    )
    assert torch.equal(first.test.targets[1], again.test.targets[1])
    assert not torch.equal(first.test.targets[1], other.test.targets[1])
