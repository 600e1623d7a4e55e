"""Uncertainty weighting converges at its defaults: three regression tasks, noise 3, 0.5 and 1.5.

Unlike tests/test_kendall.py, nothing is tuned here: default strategy parameters and the
default TrainConfig (batch 64, lr 1e-3), 150 epochs. The low-noise task is the hard one: its
loss starts at 35-55 and ends near 0.25, so s = log sigma^2 first climbs and must then travel
down by about 3. With Adam's default beta2 = 0.999 for s, the second moment still remembered the
first epochs' gradients and s crawled: sigma = 0.59, 0.94 and 0.99 on seeds 0, 6 and 9.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from taskweights.models import TrainConfig, build_problem, build_strategy, evaluate, train

NOISE = (3.0, 0.5, 1.5)
N = 1500  # 900 training samples, 15 steps an epoch
EPOCHS = 150


@pytest.fixture(scope="module", params=[0, 6, 9], ids=lambda seed: f"seed{seed}")
def sigmas_and_mse(request: pytest.FixtureRequest) -> Iterator[tuple[list[float], list[float]]]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        seed: int = request.param
        problem = build_problem("kendall-toy", {"n": N, "noise": list(NOISE)}, seed=seed)
        strategy = build_strategy("uncertainty", [False, False, False], {})
        result = train(problem, strategy, TrainConfig(epochs=EPOCHS, device="cpu", seed=seed))
        train_mse, _ = evaluate(result.model, problem.tasks, problem.train)
        assert result.final.sigmas is not None
        yield list(result.final.sigmas), list(train_mse)
    finally:
        torch.set_num_threads(threads)


def test_sigmas_match_the_true_noise_at_defaults(
    sigmas_and_mse: tuple[list[float], list[float]],
) -> None:
    sigmas, _ = sigmas_and_mse
    for i, (sigma, noise) in enumerate(zip(sigmas, NOISE, strict=True)):
        assert sigma == pytest.approx(noise, rel=0.15), f"task {i + 1}: sigma = {sigma:.3f}"


def test_sigma_squared_has_caught_up_with_the_training_mse(
    sigmas_and_mse: tuple[list[float], list[float]],
) -> None:
    # converged, not merely near the noise: s sits at its optimum for the loss it sees
    for i, (sigma, mse) in enumerate(zip(*sigmas_and_mse, strict=True)):
        assert sigma**2 == pytest.approx(mse, rel=0.10), (
            f"task {i + 1}: sigma^2 = {sigma**2:.4f} but the training MSE is {mse:.4f}"
        )
