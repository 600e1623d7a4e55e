from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from taskweights.models.strategies.base import LossWeighting


class MagnitudeWeighting(LossWeighting):
    """The practitioner's heuristic: train the first epoch with equal weights, then fix each
    weight at the inverse of the task's mean loss over that epoch.

    The weights are scaled to sum to the number of tasks, as equal weights do, so the
    learning rate keeps its meaning: w_i = K * (1 / L_i) / sum_j (1 / L_j).
    """

    weights: Tensor
    fixed: Tensor

    def __init__(self, classification: Sequence[bool]) -> None:
        super().__init__(classification)
        self.register_buffer("weights", torch.ones(self.n_tasks))
        self.register_buffer("fixed", torch.zeros((), dtype=torch.bool))

    def combine(self, losses: Tensor) -> Tensor:
        return (self.weights * losses).sum()

    def end_epoch(self, mean_losses: Tensor) -> None:
        if self.fixed:
            return
        inverse = 1.0 / mean_losses.detach().clamp_min(1e-12)
        self.weights = self.n_tasks * inverse / inverse.sum()
        self.fixed = torch.ones((), dtype=torch.bool)

    def effective_weights(self) -> Tensor:
        return self.weights
