from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from taskweights.models.strategies.base import LossWeighting, positive


class DynamicWeightAverage(LossWeighting):
    """Dynamic Weight Average (Liu, Johns & Davison, CVPR 2019).

    w_i(t) = K * exp(r_i(t-1) / T) / sum_j exp(r_j(t-1) / T),  r_i(t-1) = L_i(t-1) / L_i(t-2),
    with K tasks, temperature T and L the epoch-mean training loss; w = 1 for the first two
    epochs. A task whose loss falls slowly gets more weight.
    """

    weights: Tensor
    previous_losses: Tensor  # (2, n_tasks): epochs t-2 and t-1
    epochs_seen: Tensor

    def __init__(self, classification: Sequence[bool], *, temperature: float = 2.0) -> None:
        super().__init__(classification)
        self.temperature = positive("temperature", temperature)
        self.register_buffer("weights", torch.ones(self.n_tasks))
        self.register_buffer("previous_losses", torch.zeros(2, self.n_tasks))
        self.register_buffer("epochs_seen", torch.zeros((), dtype=torch.long))

    def combine(self, losses: Tensor) -> Tensor:
        return (self.weights * losses).sum()

    def end_epoch(self, mean_losses: Tensor) -> None:
        self.previous_losses = torch.stack([self.previous_losses[1], mean_losses.detach()])
        self.epochs_seen += 1
        if self.epochs_seen >= 2:
            rate = self.previous_losses[1] / self.previous_losses[0].clamp_min(1e-12)
            self.weights = self.n_tasks * torch.softmax(rate / self.temperature, dim=0)

    def effective_weights(self) -> Tensor:
        return self.weights
