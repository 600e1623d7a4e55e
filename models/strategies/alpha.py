from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from taskweights.models.strategies.base import LossWeighting, positive


class LearnedConvexWeights(LossWeighting):
    """Learnable convex weights alpha = softmax(theta), trained with stop-gradient.

    The model descends sum_i sg(alpha_i) * L_i; the weights descend the spread of the weighted
    losses, Var_i[log alpha_i + log sg(L_i)], whose minimum is alpha_i proportional to 1 / L_i.
    The stop-gradients keep the two from gaming each other: the weights cannot shrink a loss
    by changing the model, and the model cannot move the weights.
    """

    def __init__(self, classification: Sequence[bool], *, weight_lr: float = 10.0) -> None:
        super().__init__(classification)
        self.lr_scale = positive("weight_lr", weight_lr)
        self.logits = nn.Parameter(torch.zeros(self.n_tasks))

    def alpha(self) -> Tensor:
        return torch.softmax(self.logits, dim=0)

    def combine(self, losses: Tensor) -> Tensor:
        alpha = self.alpha()
        model_loss = (alpha.detach() * losses).sum()
        log_weighted = torch.log(alpha) + torch.log(losses.detach().clamp_min(1e-12))
        balance = log_weighted.var(unbiased=False)
        return model_loss + balance

    def effective_weights(self) -> Tensor:
        return self.alpha().detach()
