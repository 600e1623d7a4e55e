"""Tasks: one head's target, its loss and its metric.

A task's `kind` fixes sensible defaults (MSE/RMSE, BCE/accuracy, cross-entropy/accuracy); `loss`
and `metric` override them. Metrics are computed on whole splits, never on minibatches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor

from taskweights.models.errors import ConfigurationError

TaskKind = Literal["regression", "binary", "multiclass"]

LossFn = Callable[[Tensor, Tensor], Tensor]
MetricFn = Callable[[Tensor, Tensor], float]


def _binary_labels(logits: Tensor) -> Tensor:
    return (logits.squeeze(-1) > 0).long()


def _predicted_labels(output: Tensor, kind: TaskKind) -> Tensor:
    return _binary_labels(output) if kind == "binary" else output.argmax(dim=-1)


def _macro_f1(predicted: Tensor, target: Tensor, n_classes: int) -> float:
    """Macro-averaged F1 (binary tasks: F1 of the positive class)."""
    classes = [1] if n_classes == 2 else range(n_classes)
    scores = []
    for c in classes:
        true_positive = ((predicted == c) & (target == c)).sum().item()
        false_positive = ((predicted == c) & (target != c)).sum().item()
        false_negative = ((predicted != c) & (target == c)).sum().item()
        denominator = 2 * true_positive + false_positive + false_negative
        scores.append(2 * true_positive / denominator if denominator else 1.0)
    return float(sum(scores) / len(scores))


LOSSES: dict[str, LossFn] = {
    "mse": F.mse_loss,
    "l1": F.l1_loss,
    "bce": lambda out, y: F.binary_cross_entropy_with_logits(out.squeeze(-1), y.float()),
    "cross_entropy": F.cross_entropy,
}

# name -> (which task kinds it suits, higher is better)
METRICS: dict[str, tuple[frozenset[str], bool]] = {
    "rmse": (frozenset({"regression"}), False),
    "mae": (frozenset({"regression"}), False),
    "accuracy": (frozenset({"binary", "multiclass"}), True),
    "f1": (frozenset({"binary", "multiclass"}), True),
}

LOSS_KINDS: dict[str, frozenset[str]] = {
    "mse": frozenset({"regression"}),
    "l1": frozenset({"regression"}),
    "bce": frozenset({"binary"}),
    "cross_entropy": frozenset({"multiclass"}),
}

DEFAULTS: dict[str, tuple[str, str]] = {
    "regression": ("mse", "rmse"),
    "binary": ("bce", "accuracy"),
    "multiclass": ("cross_entropy", "accuracy"),
}


@dataclass(frozen=True)
class Task:
    """One prediction target of a multi-task problem.

    `outputs` is the head's width: targets for regression, classes for multiclass, 1 for binary.
    `scale`: a regression target trained divided by it (standardised) has its RMSE and MAE
    multiplied back, so metrics are in the data's own units.
    """

    name: str
    kind: TaskKind
    outputs: int
    loss: str = ""
    metric: str = ""
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in DEFAULTS:
            raise ConfigurationError(
                f"task kind must be one of {sorted(DEFAULTS)} but got {self.kind!r}."
            )
        default_loss, default_metric = DEFAULTS[self.kind]
        object.__setattr__(self, "loss", self.loss or default_loss)
        object.__setattr__(self, "metric", self.metric or default_metric)
        if self.loss not in LOSS_KINDS or self.kind not in LOSS_KINDS[self.loss]:
            suitable = sorted(n for n, kinds in LOSS_KINDS.items() if self.kind in kinds)
            raise ConfigurationError(
                f"loss of task {self.name!r} ({self.kind}) must be one of {suitable} "
                f"but got {self.loss!r}."
            )
        if self.metric not in METRICS or self.kind not in METRICS[self.metric][0]:
            suitable = sorted(n for n, (kinds, _) in METRICS.items() if self.kind in kinds)
            raise ConfigurationError(
                f"metric of task {self.name!r} ({self.kind}) must be one of {suitable} "
                f"but got {self.metric!r}."
            )
        if not self.scale > 0:
            raise ConfigurationError(f"scale must be positive but got {self.scale}.")
        if self.outputs < 1 or (self.kind == "multiclass" and self.outputs < 2):
            raise ConfigurationError(
                f"task {self.name!r} needs at least {2 if self.kind == 'multiclass' else 1} "
                f"outputs but got {self.outputs}."
            )

    @property
    def is_classification(self) -> bool:
        return self.kind != "regression"

    @property
    def higher_is_better(self) -> bool:
        return METRICS[self.metric][1]

    def compute_loss(self, output: Tensor, target: Tensor) -> Tensor:
        return LOSSES[self.loss](output, target)

    @torch.no_grad()
    def compute_metric(self, output: Tensor, target: Tensor) -> float:
        if self.metric == "rmse":
            return F.mse_loss(output, target).sqrt().item() * self.scale
        if self.metric == "mae":
            return F.l1_loss(output, target).item() * self.scale
        predicted = _predicted_labels(output, self.kind)
        if self.metric == "accuracy":
            return (predicted == target.long()).float().mean().item()
        n_classes = 2 if self.kind == "binary" else self.outputs
        return _macro_f1(predicted, target.long(), n_classes)
