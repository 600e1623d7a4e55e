from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from taskweights.models.strategies.base import LossWeighting

EPSILON = 1e-12  # a task whose loss reaches 0 stops pulling, it does not send the sum to -inf


class LogLossWeighting(LossWeighting):
    """L = sum_i log L_i: invariant to each loss's scale, with nothing to tune.

    Its gradient is sum_i (1 / L_i) grad L_i: each task weighted by the inverse of its current
    loss, so a task measured in larger units gets no larger say (e.g. Kendall et al.'s
    weighting with sigma at its optimum, or "log-loss" baselines in Kurin et al. 2022).
    """

    last_weights: Tensor

    def __init__(self, classification: Sequence[bool]) -> None:
        super().__init__(classification)
        self.register_buffer("last_weights", torch.ones(self.n_tasks))

    def combine(self, losses: Tensor) -> Tensor:
        clamped = losses.clamp_min(EPSILON)
        self.last_weights = 1.0 / clamped.detach()
        return torch.log(clamped).sum()

    def effective_weights(self) -> Tensor:
        return self.last_weights
