from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from taskweights.models.strategies.base import LossWeighting, positive

EPSILON = 1e-8  # FAMO's offset inside the logarithms (its minimum losses are taken as 0)


class FAMO(LossWeighting):
    """Fast Adaptive Multitask Optimization (Liu, Liu, Ye & Liu, NeurIPS 2023).

    Task weights z = softmax(xi). The model descends sum_i (z_i / c) log(L_i + eps) with
    c = sum_i z_i / (L_i + eps) held constant: a step that decreases every task's log-loss at
    the same rate. The logits learn from how the log-losses moved since the previous step,
    delta_i = log(L_i(prev) + eps) - log(L_i + eps): their gradient is J_softmax^T delta + gamma xi
    (a task that improved faster than the others loses weight).

    One difference from the paper: it measures delta on the next batch rather than by a second
    forward pass on the same batch, so a step costs one pass like every other strategy.
    `w_lr` is the logits' learning rate as a multiple of the model's (the paper's defaults,
    0.025 against 1e-3, make 25); `gamma` is its weight decay on the logits.
    """

    previous: Tensor
    has_previous: Tensor
    last_weights: Tensor

    def __init__(
        self, classification: Sequence[bool], *, gamma: float = 0.001, w_lr: float = 25.0
    ) -> None:
        super().__init__(classification)
        self.gamma = positive("gamma", gamma)
        self.lr_scale = positive("w_lr", w_lr)
        self.logits = nn.Parameter(torch.zeros(self.n_tasks))
        self.register_buffer("previous", torch.ones(self.n_tasks))
        self.register_buffer("has_previous", torch.zeros((), dtype=torch.bool))
        self.register_buffer("last_weights", torch.ones(self.n_tasks))

    def combine(self, losses: Tensor) -> Tensor:
        z = torch.softmax(self.logits, dim=0)
        shifted = losses + EPSILON
        c = (z / shifted).sum().detach()
        model_loss = (z.detach() / c * torch.log(shifted)).sum()
        self.last_weights = (z / (c * shifted)).detach()
        logit_loss = 0.5 * self.gamma * (self.logits**2).sum()
        current = torch.log(shifted.detach())
        if self.has_previous:
            logit_loss = logit_loss + (z * (self.previous - current)).sum()
        self.previous = current
        self.has_previous = torch.ones((), dtype=torch.bool)
        return model_loss + logit_loss

    def effective_weights(self) -> Tensor:
        return self.last_weights
