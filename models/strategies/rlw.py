from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from taskweights.models.strategies.base import LossWeighting


class RandomLossWeighting(LossWeighting):
    """Random loss weighting (Lin et al., TMLR 2022): w = softmax(z), z ~ N(0, I) every step.

    Draws from torch's global generator, so a seeded run is reproducible. Reports the mean of
    the weights drawn since the last epoch ended.
    """

    weight_sum: Tensor
    draws: Tensor

    def __init__(self, classification: Sequence[bool]) -> None:
        super().__init__(classification)
        self.register_buffer("weight_sum", torch.zeros(self.n_tasks))
        self.register_buffer("draws", torch.zeros(()))

    def combine(self, losses: Tensor) -> Tensor:
        weights = torch.softmax(torch.randn(self.n_tasks, device=losses.device), dim=0)
        self.weight_sum += weights
        self.draws += 1
        return (weights * losses).sum()

    def end_epoch(self, mean_losses: Tensor) -> None:
        self.weight_sum.zero_()
        self.draws.zero_()

    def effective_weights(self) -> Tensor:
        if self.draws == 0:
            return torch.full((self.n_tasks,), 1.0 / self.n_tasks, device=self.weight_sum.device)
        return self.weight_sum / self.draws
