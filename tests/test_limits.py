"""Bounded work: a problem says its data's size before it is built, and a network's
parameters are counted without building it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
import torch

from taskweights.models import MultiTaskNet, Problem, Task, TrunkConfig
from taskweights.models.datasets import use_datasets
from taskweights.models.mnist import network as mnist_network
from taskweights.models.problems import (
    build_problem,
    estimate_data_bytes,
    split_dataset,
)
from taskweights.search import load_spec
from tests.test_examples import EXAMPLES, ExampleFiles

HOUSES = load_spec(EXAMPLES / "houses.yaml").problem.params  # the csv problem's, as shipped

MAX_REASON = 300  # search.checks.REASON_CHARS: a reason is one short line


@pytest.fixture
def example_files() -> Iterator[None]:
    """examples/houses.csv, for the csv problem, in this process."""
    previous = use_datasets(ExampleFiles())
    yield
    use_datasets(previous)


# --- estimates and counts, before anything is built ------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("kendall-toy", {}),
        ("kendall-toy", {"n": 300, "features": 3, "noise": [1.0, 2.0, 3.0]}),
        ("digits", {}),
        ("mnist", {"n": 100}),
        ("qm9", {"n": 100, "targets": ["mu", "gap"]}),
        ("csv", HOUSES),
    ],
    ids=["kendall", "kendall-3", "digits", "mnist", "qm9", "csv"],
)
def test_a_built_in_problem_says_its_data_size_before_it_is_built(
    name: str, params: dict[str, Any], example_files: None
) -> None:
    estimate = estimate_data_bytes(name, params)
    assert estimate == build_problem(name, params, seed=1).data_bytes


def test_a_csv_estimate_counts_each_category_as_a_column(example_files: None) -> None:
    """One-hot encoding is where a small file becomes a large tensor."""
    numbers_only = estimate_data_bytes(
        "csv", {**HOUSES, "features": ["area_m2"], "categorical": []}
    )
    one_hot = estimate_data_bytes("csv", {**HOUSES, "features": ["city"]})
    assert numbers_only is not None and one_hot is not None
    table = pd.read_csv(EXAMPLES / "houses.csv")
    assert one_hot - numbers_only == len(table) * 4 * (table["city"].nunique() - 1)


@pytest.mark.parametrize(
    ("trunk", "shape"),
    [
        (TrunkConfig(), (5,)),
        (TrunkConfig("mlp", (256, 128), dropout=0.1), (1, 8, 8)),
        (TrunkConfig("cnn", (32,), (16, 32)), (1, 8, 8)),
        (TrunkConfig("cnn", (7, 3), (4,)), (3, 28, 28)),
    ],
)
def test_a_trunk_is_counted_as_torch_counts_it_once_built(
    trunk: TrunkConfig, shape: tuple[int, ...]
) -> None:
    tasks = [Task("a", "multiclass", outputs=10), Task("b", "regression", outputs=64)]
    problem = two_task_problem(shape, tasks)
    built = sum(p.numel() for p in MultiTaskNet(tasks, trunk, shape).parameters())
    assert problem.parameter_count(trunk) == built


def test_a_problems_own_network_is_counted_on_the_meta_device() -> None:
    tasks = [Task("digit", "multiclass", outputs=10), Task("recon", "regression", outputs=784)]
    problem = replace(two_task_problem((1, 28, 28), tasks), network=mnist_network)
    built = sum(p.numel() for p in mnist_network(tasks).parameters())
    assert problem.parameter_count() == built


def two_task_problem(shape: tuple[int, ...], tasks: Sequence[Task]) -> Problem:
    x = torch.zeros(40, *shape)
    targets = [torch.zeros(40, dtype=torch.long), torch.zeros(40, tasks[1].outputs)]
    train, val, test = split_dataset(x, targets, 0, 0.25, 0.25)
    return Problem("two", tuple(tasks), train, val, test)
