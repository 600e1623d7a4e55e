from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from taskweights.models.errors import ConfigurationError
from taskweights.models.strategies.base import LossWeighting


class FixedWeights(LossWeighting):
    """L = sum_i w_i * L_i with constant, user-given weights (what the tuned arm searches)."""

    weights: Tensor

    def __init__(self, classification: Sequence[bool], *, weights: Sequence[float]) -> None:
        super().__init__(classification)
        if len(weights) != self.n_tasks:
            raise ConfigurationError(
                f"weights must have one entry per task ({self.n_tasks}) but got {len(weights)}."
            )
        if any(not w >= 0 for w in weights) or not any(w > 0 for w in weights):
            raise ConfigurationError(
                f"weights must be non-negative and not all zero but got {list(weights)}."
            )
        self.register_buffer("weights", torch.tensor([float(w) for w in weights]))

    def combine(self, losses: Tensor) -> Tensor:
        return (self.weights * losses).sum()

    def effective_weights(self) -> Tensor:
        return self.weights


class EqualWeights(FixedWeights):
    """L = sum_i L_i: the baseline every other strategy is measured against."""

    def __init__(self, classification: Sequence[bool]) -> None:
        super().__init__(classification, weights=[1.0] * len(classification))

    def combine(self, losses: Tensor) -> Tensor:
        return losses.sum()  # the multiply by ones costs ~10 us a step (bench/)
