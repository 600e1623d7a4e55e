"""The training loop, problems, networks and tasks of `models/`."""

from __future__ import annotations

import pytest
import torch

from taskweights.models import (
    ConfigurationError,
    DivergedError,
    EpochRecord,
    MultiTaskNet,
    Task,
    TrainConfig,
    TrunkConfig,
    build_problem,
    build_strategy,
    resolve_device,
    train,
)
from taskweights.models.training import build_optimizer


@pytest.fixture(scope="module")
def digits():
    return build_problem("digits", {}, seed=0)


def classification(problem) -> list[bool]:
    return [task.is_classification for task in problem.tasks]


def test_same_seed_same_history(digits) -> None:
    def run(seed: int):
        strategy = build_strategy("uncertainty", classification(digits))
        return train(digits, strategy, TrainConfig(epochs=3, seed=seed)).history

    first, second, other = run(0), run(0), run(1)
    assert [r.val_metric for r in first] == [r.val_metric for r in second]
    assert [r.sigmas for r in first] == [r.sigmas for r in second]
    assert [r.val_metric for r in first] != [r.val_metric for r in other]


def test_history_has_one_record_per_epoch_with_every_field(digits) -> None:
    calls: list[EpochRecord] = []
    strategy = build_strategy("uncertainty", classification(digits))
    result = train(digits, strategy, TrainConfig(epochs=4), on_epoch=calls.append)
    assert [r.epoch for r in result.history] == [1, 2, 3, 4]
    assert calls == result.history
    record = result.final
    for field in (record.train_loss, record.val_loss, record.val_metric, record.weights):
        assert len(field) == 3
    assert record.sigmas is not None and len(record.sigmas) == 3


def test_callback_can_stop_training(digits) -> None:
    class Stop(Exception):
        pass

    def stop_after_two(record) -> None:
        if record.epoch == 2:
            raise Stop

    with pytest.raises(Stop):
        train(
            digits,
            build_strategy("equal", classification(digits)),
            TrainConfig(epochs=9),
            on_epoch=stop_after_two,
        )


@pytest.mark.parametrize(
    ("name", "betas"), [("uncertainty", (0.9, 0.99)), ("alpha", (0.9, 0.999))]
)
def test_strategy_parameters_get_their_own_adam_group(digits, name, betas) -> None:
    # uncertainty weighting's s forgets its first, huge gradients sooner than the model does;
    # every other strategy's parameters keep Adam's defaults
    model = MultiTaskNet(digits.tasks, digits.default_trunk, digits.input_shape)
    strategy = build_strategy(name, classification(digits))
    config = TrainConfig(lr=2e-3)
    weights, own = build_optimizer(model, strategy, config).param_groups
    assert weights["betas"] == (0.9, 0.999) and weights["lr"] == 2e-3
    assert own["betas"] == betas and own["weight_decay"] == 0.0
    assert own["lr"] == pytest.approx(2e-3 * strategy.lr_scale)


def test_overflowing_loss_raises_diverged(digits) -> None:
    strategy = build_strategy("fixed", classification(digits), {"weights": [1.0, 1.0, 1e37]})
    with pytest.raises(DivergedError, match="diverged: the combined loss became inf in epoch 1"):
        train(digits, strategy, TrainConfig(epochs=3))


def test_nan_task_loss_names_the_task(digits) -> None:
    poisoned_targets = (*digits.train.targets[:2], torch.full_like(digits.train.targets[2], 1e30))
    poisoned = digits.__class__(
        digits.name,
        digits.tasks,
        digits.train.__class__(digits.train.x, poisoned_targets),
        digits.val,
        digits.test,
        digits.default_trunk,
    )
    with pytest.raises(DivergedError, match="task 'recon' became inf"):
        train(poisoned, build_strategy("equal", classification(digits)), TrainConfig(epochs=1))


def test_cnn_trunk_trains_on_images(digits) -> None:
    strategy = build_strategy("equal", classification(digits))
    trunk = TrunkConfig("cnn", hidden=(32,), channels=(8, 16))
    result = train(digits, strategy, TrainConfig(epochs=4, lr=3e-3), trunk=trunk)
    assert result.final.val_metric[0] > 0.5  # digit accuracy; chance is 0.1


def test_device_auto_picks_what_is_there() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    if not torch.cuda.is_available():
        with pytest.raises(ConfigurationError, match="CUDA is not available"):
            resolve_device("cuda")


def test_splits_are_disjoint_seeded_and_sized() -> None:
    a, b = build_problem("digits", {}, 0), build_problem("digits", {}, 0)
    assert torch.equal(a.test.x, b.test.x)
    assert not torch.equal(a.test.x, build_problem("digits", {}, 1).test.x)
    assert (len(a.train), len(a.val), len(a.test)) == (1079, 359, 359)
    rows = {tuple(x.flatten().tolist()) for x in a.train.x}
    assert sum(tuple(x.flatten().tolist()) in rows for x in a.test.x) < 5  # digits has a few twins


def test_digits_tasks_follow_the_spec() -> None:
    problem = build_problem("digits", {}, 0)
    digit, group3, recon = problem.train.targets
    assert torch.equal(group3[digit == 2], torch.zeros_like(group3[digit == 2]))
    assert torch.equal(group3[digit == 6], torch.ones_like(group3[digit == 6]))
    assert bool((group3[(digit != 2) & (digit != 6)] == 2).all())
    assert recon.shape[1] == 64
    assert recon.min() >= -1.0 and recon.max() <= 1.0


def test_kendall_toy_noise_is_what_was_asked() -> None:
    problem = build_problem("kendall-toy", {"n": 4000, "noise": [5.0, 0.5, 2.0]}, 0)
    assert problem.task_names == ["y1", "y2", "y3"]
    x = torch.cat([problem.train.x, torch.ones(len(problem.train), 1)], dim=1)
    for target, sigma in zip(problem.train.targets, [5.0, 0.5, 2.0], strict=True):
        fit = torch.linalg.lstsq(x, target).solution
        residual_std = (target - x @ fit).std().item()
        assert residual_std == pytest.approx(sigma, rel=0.05)


@pytest.mark.parametrize(
    ("task", "output", "target", "expected"),
    [
        (Task("r", "regression", 1), [[1.0], [3.0]], [[0.0], [0.0]], 5**0.5),
        (Task("r", "regression", 1, loss="l1", metric="mae"), [[1.0], [-3.0]], [[0.0], [0.0]], 2),
        (Task("b", "binary", 1), [[2.0], [-1.0], [0.5]], [1, 1, 0], 1 / 3),
        (Task("b", "binary", 1, metric="f1"), [[2.0], [-1.0], [0.5]], [1, 1, 0], 0.5),
        (Task("m", "multiclass", 3), [[0, 5, 0], [5, 0, 0]], [1, 2], 0.5),
    ],
)
def test_metrics_on_hand_computed_cases(task, output, target, expected) -> None:
    value = task.compute_metric(torch.tensor(output), torch.tensor(target))
    assert value == pytest.approx(expected)


def test_task_rejects_a_loss_of_the_wrong_kind() -> None:
    with pytest.raises(ConfigurationError, match="must be one of \\['l1', 'mse'\\]"):
        Task("r", "regression", 1, loss="cross_entropy")
