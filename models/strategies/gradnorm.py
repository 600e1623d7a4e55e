from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from taskweights.models.strategies.base import GradientWeighting, positive


class GradNorm(GradientWeighting):
    """GradNorm (Chen et al., ICML 2018): learn weights that balance gradient magnitudes.

    With G_i = ||grad_W w_i L_i|| on the last shared layer W, relative inverse training rate
    r_i = (L_i / L_i(0)) / mean_j(L_j / L_j(0)) and asymmetry alpha, the weights descend
        L_grad = sum_i | G_i - mean_j(G_j) * r_i^alpha |     (the target held constant)
    while the model descends sum_i w_i L_i with the weights held constant. After each step the
    weights are renormalised to sum to the number of tasks.
    """

    initial_losses: Tensor
    started: Tensor

    def __init__(
        self, classification: Sequence[bool], *, alpha: float = 1.5, weight_lr: float = 10.0
    ) -> None:
        super().__init__(classification)
        self.alpha = positive("alpha", alpha)
        self.lr_scale = positive("weight_lr", weight_lr)
        self.weights = nn.Parameter(torch.ones(self.n_tasks))
        self.register_buffer("initial_losses", torch.zeros(self.n_tasks))
        self.register_buffer("started", torch.zeros((), dtype=torch.bool))

    def combine(self, losses: Tensor, shared_parameters: Sequence[nn.Parameter]) -> Tensor:
        if not self.started:
            self.initial_losses = losses.detach().clamp_min(1e-12)
            self.started.fill_(True)
        # G_i = w_i * ||grad_W L_i||: the norm is computed once, without a second-order graph
        raw_norms = torch.stack(
            [
                torch.cat(
                    [
                        g.flatten()
                        for g in torch.autograd.grad(loss, shared_parameters, retain_graph=True)
                    ]
                ).norm()
                for loss in losses
            ]
        )
        grad_norms = self.weights * raw_norms
        loss_ratio = losses.detach() / self.initial_losses
        inverse_rate = loss_ratio / loss_ratio.mean()
        target = (grad_norms.mean() * inverse_rate**self.alpha).detach()
        balance = (grad_norms - target).abs().sum()
        self.weights.grad = torch.autograd.grad(balance, self.weights, retain_graph=True)[0]
        return (self.weights.detach() * losses).sum()

    def after_step(self) -> None:
        with torch.no_grad():
            self.weights.clamp_(min=1e-6)
            self.weights.mul_(self.n_tasks / self.weights.sum())

    def effective_weights(self) -> Tensor:
        return self.weights.detach()
