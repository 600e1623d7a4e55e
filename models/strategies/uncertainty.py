from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from taskweights.models.strategies.base import LossWeighting, positive


class UncertaintyWeighting(LossWeighting):
    """Homoscedastic uncertainty weighting (Kendall, Gal & Cipolla, CVPR 2018).

    Per task a learnable s_i = log sigma_i^2 (initialised to `initial_log_variance`):
        regression:      0.5 * exp(-s_i) * L_i + 0.5 * s_i
        classification:        exp(-s_i) * L_i + 0.5 * s_i
    For regression the term is minimal at sigma_i^2 = L_i, so sigma estimates the task's noise.
    `sigma_lr` multiplies the model's learning rate for s: at a model rate of 1e-3, s would
    need thousands of steps to travel to log(100).
    """

    factor: Tensor

    def __init__(
        self,
        classification: Sequence[bool],
        *,
        sigma_lr: float = 10.0,
        initial_log_variance: float = 0.0,
    ) -> None:
        super().__init__(classification)
        self.lr_scale = positive("sigma_lr", sigma_lr)
        self.log_variance = nn.Parameter(torch.full((self.n_tasks,), float(initial_log_variance)))
        # 1/2 for regression (Gaussian likelihood), 1 for classification (scaled softmax)
        self.register_buffer("factor", torch.where(self.classification, 1.0, 0.5))

    def combine(self, losses: Tensor) -> Tensor:
        s = self.log_variance
        return (self.factor * torch.exp(-s) * losses + 0.5 * s).sum()

    def effective_weights(self) -> Tensor:
        return (self.factor * torch.exp(-self.log_variance)).detach()

    def sigmas(self) -> Tensor:
        return torch.exp(0.5 * self.log_variance).detach()
