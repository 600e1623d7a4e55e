"""Problems that bring their own network: any trunk, any head per task."""

from __future__ import annotations

from dataclasses import replace

import pytest
from torch import nn

from taskweights.models import (
    ConfigurationError,
    MultiTaskModel,
    TrainConfig,
    TrunkConfig,
    build_problem,
    build_strategy,
    train,
)


def conv_with_decoder(tasks) -> MultiTaskModel:
    """A small CNN encoder; linear heads for the classes, a decoder head for the pixels."""
    trunk = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(128, 32)
    )
    heads = []
    for task in tasks:
        if task.name == "recon":
            heads.append(nn.Sequential(nn.ReLU(), nn.Linear(32, 64), nn.Tanh()))
        else:
            heads.append(nn.Sequential(nn.ReLU(), nn.Linear(32, task.outputs)))
    return MultiTaskModel(trunk, heads)


@pytest.fixture(scope="module")
def own_network():
    return replace(build_problem("digits", {}, seed=0), network=conv_with_decoder)


def classification(problem) -> list[bool]:
    return [task.is_classification for task in problem.tasks]


@pytest.mark.parametrize("strategy", ["equal", "gradnorm"])
def test_a_problem_trains_its_own_network(own_network, strategy: str) -> None:
    result = train(
        own_network,
        build_strategy(strategy, classification(own_network)),
        TrainConfig(epochs=3, lr=3e-3),
    )
    assert isinstance(next(result.model.trunk.children()), nn.Conv2d)
    assert result.final.val_metric[0] > 0.5  # digit accuracy; chance is 0.1


def test_gradnorm_measures_the_last_shared_layer(own_network) -> None:
    model = own_network.build_model()
    *_, last = model.trunk.children()
    assert model.shared_parameters() == list(last.parameters())


def test_its_network_gets_only_the_tasks_in_use(own_network) -> None:
    model = own_network.without_tasks(["recon"]).build_model()
    assert len(model.heads) == 2


def test_a_trunk_cannot_replace_its_own_network(own_network) -> None:
    with pytest.raises(ConfigurationError, match="builds its own network"):
        own_network.build_model(TrunkConfig("mlp", hidden=(8,)))


def test_a_network_with_the_wrong_heads_is_refused(own_network) -> None:
    broken = replace(own_network, network=lambda tasks: conv_with_decoder(tasks[:1]))
    with pytest.raises(ConfigurationError, match="one head per task"):
        broken.build_model()
