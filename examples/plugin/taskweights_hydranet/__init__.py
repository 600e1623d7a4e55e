"""`hydranet`: a taskweights problem installed as a plugin (the `taskweights.problems` entry
point in pyproject.toml), the shape of the multi-task tutorials' HydraNet (one CNN trunk, an
age-like L1 regression head, a gender-like binary head, an ethnicity-like multi-class head), on
synthetic images generated from the seed so that it runs offline and learns in a few epochs.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from taskweights.models import ConfigurationError, MultiTaskModel, NetworkFactory, Problem, Task
from taskweights.models.problems import split_dataset

SHAPES = ("circle", "square", "diamond")  # the p-norm ball of p = 2, inf, 1
TASKS = (
    Task("size", "regression", 1, loss="l1", metric="mae"),
    Task("filled", "binary", 1),
    Task("shape", "multiclass", len(SHAPES)),
)


def draw(seed: int, n: int, size: int, noise: float) -> tuple[Tensor, list[Tensor]]:
    """`n` images (n, 1, size, size) of one shape each, and the three targets."""
    generator = torch.Generator().manual_seed(seed)

    def uniform(low: float, high: float) -> Tensor:
        return low + (high - low) * torch.rand(n, 1, 1, generator=generator)

    radius = uniform(size / 6, size / 3)
    centre_y, centre_x = uniform(size / 3, 2 * size / 3), uniform(size / 3, 2 * size / 3)
    shape = torch.randint(len(SHAPES), (n,), generator=generator)
    filled = torch.randint(2, (n,), generator=generator)
    grid = torch.arange(size, dtype=torch.float32)
    dy, dx = (grid.view(1, -1, 1) - centre_y).abs(), (grid.view(1, 1, -1) - centre_x).abs()
    distances = torch.stack([(dy**2 + dx**2).sqrt(), torch.maximum(dy, dx), dy + dx], dim=1)
    distance = distances[torch.arange(n), shape]  # (n, size, size)
    inside = distance <= radius
    outline = inside & (distance > radius - 1.0)
    pixels = torch.where(filled.view(-1, 1, 1).bool(), inside, outline).float()
    pixels += noise * torch.randn(pixels.shape, generator=generator)
    # the radius scaled to [-1, 1]: an L1 loss moves a head by steps of the learning rate
    size_target = (radius.view(-1, 1) - size / 4) / (size / 12)
    return pixels.unsqueeze(1), [size_target, filled, shape]


class Trunk(nn.Module):
    """Two 3x3 convolutions with 2x2 max-pooling, then a dense layer: the shared features."""

    def __init__(self, size: int, features: int = 64) -> None:
        super().__init__()
        self.convolutions = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.dense = nn.Sequential(nn.Linear(32 * (size // 4) ** 2, features), nn.ReLU())

    def forward(self, x: Tensor) -> Tensor:
        return self.dense(self.convolutions(x))


def network(size: int) -> NetworkFactory:
    """The problem's network factory: the trunk and a small two-layer head per task given."""

    def build(tasks: Sequence[Task]) -> MultiTaskModel:
        heads = [
            nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, task.outputs))
            for task in tasks
        ]
        return MultiTaskModel(Trunk(size), heads)

    return build


def hydranet(
    seed: int,
    *,
    n: int = 600,
    size: int = 16,
    noise: float = 0.1,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
) -> Problem:
    """Synthetic shapes on a CNN trunk: size (L1 regression), filled (binary), shape (3 classes).

    The three heads pull the trunk towards different features (extent, texture, outline), on
    losses of different scales: a case for weighting them.
    """
    if n < 20:
        raise ConfigurationError(f"n must be at least 20 but got {n}.")
    if size < 8 or size % 4:
        raise ConfigurationError(f"size must be a multiple of 4, at least 8, but got {size}.")
    if noise < 0:
        raise ConfigurationError(f"noise must not be negative but got {noise}.")
    x, targets = draw(seed, n, size, noise)
    train, val, test = split_dataset(x, targets, seed, val_fraction, test_fraction)
    return Problem("hydranet", TASKS, train, val, test, network=network(size))
