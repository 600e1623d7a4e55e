"""The two interfaces a weighting strategy can implement.

`LossWeighting.combine(losses)` turns the vector of per-task losses into one training loss.
`GradientWeighting.combine(losses, shared_parameters)` also sees the last shared layer (GradNorm).
Neither calls `backward()`: the training loop does, once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor, nn

from taskweights.models.errors import ConfigurationError


def positive(name: str, value: float) -> float:
    """Validate a hyperparameter that must be > 0."""
    if not value > 0:
        raise ConfigurationError(f"{name} must be positive but got {value}.")
    return float(value)


class WeightingStrategy(nn.Module, ABC):
    """Common ground: the task layout, learning-rate scale and what gets reported each epoch.

    `classification[i]` tells whether task i is a classification task (uncertainty weighting
    treats the two kinds differently). `lr_scale` multiplies the model's learning rate for the
    strategy's own parameters, if it has any.
    """

    lr_scale: float = 1.0
    classification: Tensor  # (n_tasks,) bool buffer

    def __init__(self, classification: Sequence[bool]) -> None:
        super().__init__()
        if not classification:
            raise ConfigurationError("a weighting strategy needs at least one task.")
        self.n_tasks = len(classification)
        self.register_buffer("classification", torch.tensor(list(classification)))

    @abstractmethod
    def effective_weights(self) -> Tensor:
        """The current multiplier of each task's loss (for reports; not normalised)."""

    def sigmas(self) -> Tensor | None:
        """Learned per-task noise scales, for strategies that have them."""
        return None

    def optimizer_options(self) -> dict[str, Any]:
        """Adam settings for the strategy's own parameter group beyond its learning rate
        (e.g. `betas`); the model's group keeps Adam's defaults."""
        return {}

    def after_step(self) -> None:
        """Called after every optimizer step (GradNorm renormalises its weights here)."""

    def end_epoch(self, mean_losses: Tensor) -> None:
        """Called once per epoch with the epoch's mean unweighted training loss per task."""


class LossWeighting(WeightingStrategy):
    @abstractmethod
    def combine(self, losses: Tensor) -> Tensor:
        """One scalar training loss from the (n_tasks,) vector of task losses."""


class GradientWeighting(WeightingStrategy):
    @abstractmethod
    def combine(self, losses: Tensor, shared_parameters: Sequence[nn.Parameter]) -> Tensor:
        """Like `LossWeighting.combine`, and may set `.grad` on the strategy's parameters."""
