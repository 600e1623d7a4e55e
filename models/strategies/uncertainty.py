from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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

    s gets Adam's betas `SIGMA_BETAS`, not the model's (0.9, 0.999): while the losses are still
    large, d/ds = 0.5 - factor * exp(-s) * L is in the tens; a second moment with a 1000-step
    memory kept remembering that long after the loss fell, and shrank the steps of s about tenfold
    just when s had to follow the loss down (on a 3-task toy, sigma = 0.99 for a noise of 0.5
    after 150 epochs). A 100-step memory forgets the start within a few epochs.
    """

    SIGMA_BETAS = (0.9, 0.99)  # Adam's (beta1, beta2) for s
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

    def optimizer_options(self) -> dict[str, Any]:
        return {"betas": self.SIGMA_BETAS}

    def combine(self, losses: Tensor) -> Tensor:
        s = self.log_variance
        return (self.factor * torch.exp(-s) * losses + 0.5 * s).sum()

    def effective_weights(self) -> Tensor:
        return (self.factor * torch.exp(-self.log_variance)).detach()

    def sigmas(self) -> Tensor:
        return torch.exp(0.5 * self.log_variance).detach()
