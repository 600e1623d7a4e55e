"""The training loop: `train(problem, strategy, config, on_epoch) -> TrainResult`.

Data stays in tensors on the device and minibatches are index permutations, so nothing but the
model runs per step. Deterministic under `config.seed`. Knows nothing of Optuna: the caller's
`on_epoch` callback may report, and may raise to stop the run (pruning).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import torch
from torch import Tensor

from taskweights.models.errors import ConfigurationError, DivergedError
from taskweights.models.networks import MultiTaskModel, TrunkConfig
from taskweights.models.problems import Problem, Split
from taskweights.models.strategies import GradientWeighting, LossWeighting, WeightingStrategy
from taskweights.models.tasks import Task


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 20  # full passes over the training split
    batch_size: int = 64
    lr: float = 1e-3  # Adam; a strategy's own parameters get lr * strategy.lr_scale
    weight_decay: float = 0.0  # on the model only, never on the strategy's parameters
    device: str = "auto"  # "auto": CUDA when available, else CPU
    seed: int = 0  # model initialisation and minibatch order (the data split has its own)

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ConfigurationError(f"{name} must be positive but got {getattr(self, name)}.")
        if not self.lr > 0:
            raise ConfigurationError(f"lr must be positive but got {self.lr}.")
        if self.weight_decay < 0:
            raise ConfigurationError(
                f"weight_decay must be non-negative but got {self.weight_decay}."
            )


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch left behind; tuples are in task order."""

    epoch: int  # 1-based
    train_loss: tuple[float, ...]  # mean unweighted training loss per task
    val_loss: tuple[float, ...]
    val_metric: tuple[float, ...]
    weights: tuple[float, ...]  # the strategy's effective multipliers during this epoch
    sigmas: tuple[float, ...] | None  # uncertainty weighting only
    seconds: float


@dataclass(frozen=True)
class TrainResult:
    model: MultiTaskModel
    strategy: WeightingStrategy
    history: list[EpochRecord]
    seconds: float

    @property
    def final(self) -> EpochRecord:
        return self.history[-1]


EpochCallback = Callable[[EpochRecord], None]


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigurationError(f"device {name!r} was asked for but CUDA is not available.")
    try:
        return torch.device(name)
    except RuntimeError as error:
        message = f"device must be 'auto', 'cpu' or 'cuda' but got {name!r}."
        raise ConfigurationError(message) from error


def train(
    problem: Problem,
    strategy: WeightingStrategy,
    config: TrainConfig,
    trunk: TrunkConfig | None = None,
    on_epoch: EpochCallback | None = None,
) -> TrainResult:
    started = time.perf_counter()
    device = resolve_device(config.device)
    torch.manual_seed(config.seed)
    problem = problem.to(device)
    model = problem.build_model(trunk)
    model.to(device)
    strategy.to(device)
    optimizer = build_optimizer(model, strategy, config)
    batches = torch.Generator(device=device).manual_seed(config.seed)
    history: list[EpochRecord] = []
    for epoch in range(1, config.epochs + 1):
        epoch_started = time.perf_counter()
        train_loss = train_one_epoch(model, strategy, problem, optimizer, config, batches)
        check_finite(train_loss, problem.tasks, epoch)
        weights, sigmas = strategy.effective_weights(), strategy.sigmas()
        strategy.end_epoch(train_loss[:-1])
        val_loss, val_metric = evaluate(model, problem.tasks, problem.val)
        record = EpochRecord(
            epoch=epoch,
            train_loss=tuple(train_loss[:-1].tolist()),
            val_loss=val_loss,
            val_metric=val_metric,
            weights=tuple(weights.tolist()),
            sigmas=None if sigmas is None else tuple(sigmas.tolist()),
            seconds=time.perf_counter() - epoch_started,
        )
        history.append(record)
        if on_epoch is not None:
            on_epoch(record)
    return TrainResult(model, strategy, history, time.perf_counter() - started)


def build_optimizer(
    model: MultiTaskModel, strategy: WeightingStrategy, config: TrainConfig
) -> torch.optim.Optimizer:
    """One Adam; the strategy's parameters get their own group: lr * lr_scale, no weight decay,
    and whatever else the strategy's `optimizer_options()` asks for."""
    groups: list[dict] = [
        {"params": list(model.parameters()), "weight_decay": config.weight_decay}
    ]
    own = [p for p in strategy.parameters() if p.requires_grad]
    if own:
        group = {"params": own, "lr": config.lr * strategy.lr_scale, "weight_decay": 0.0}
        groups.append(group | strategy.optimizer_options())
    return torch.optim.Adam(groups, lr=config.lr)


def train_one_epoch(
    model: MultiTaskModel,
    strategy: WeightingStrategy,
    problem: Problem,
    optimizer: torch.optim.Optimizer,
    config: TrainConfig,
    generator: torch.Generator,
) -> Tensor:
    """One pass in random minibatches; returns per-task mean losses, then the combined loss."""
    model.train()
    data = problem.train
    tasks = problem.tasks
    combine = loss_combiner(model, strategy)
    order = torch.randperm(len(data), generator=generator, device=data.x.device)
    batches = order.split(config.batch_size)
    # kept per step and reduced once per epoch: no bookkeeping ops (or GPU syncs) in the step
    step_task_losses: list[Tensor] = []
    step_losses: list[Tensor] = []
    for batch in batches:
        optimizer.zero_grad(set_to_none=True)  # before combine: GradNorm sets its grads there
        outputs = model(data.x[batch])
        losses = torch.stack(
            [
                task.compute_loss(output, target[batch])
                for task, output, target in zip(tasks, outputs, data.targets, strict=True)
            ]
        )
        loss = combine(losses)
        loss.backward()
        optimizer.step()
        strategy.after_step()
        step_task_losses.append(losses.detach())
        step_losses.append(loss.detach())
    sizes = torch.tensor([len(b) for b in batches], dtype=torch.float32, device=data.x.device)
    per_step = torch.cat([torch.stack(step_task_losses), torch.stack(step_losses)[:, None]], 1)
    return sizes @ per_step / len(data)


def loss_combiner(
    model: MultiTaskModel, strategy: WeightingStrategy
) -> Callable[[Tensor], Tensor]:
    """The one place the loop tells loss-level strategies from gradient-level ones."""
    if isinstance(strategy, GradientWeighting):
        return partial(strategy.combine, shared_parameters=model.shared_parameters())
    if isinstance(strategy, LossWeighting):
        return strategy.combine
    raise ConfigurationError(f"{type(strategy).__name__} implements no combine interface.")


def check_finite(train_loss: Tensor, tasks: Sequence[Task], epoch: int) -> None:
    """Raise `DivergedError` naming the first task (or the combined loss) that is not finite."""
    values = train_loss.tolist()
    for name, value in zip([*(t.name for t in tasks), "combined"], values, strict=True):
        if not math.isfinite(value):
            what = "the combined loss" if name == "combined" else f"the loss of task {name!r}"
            raise DivergedError(f"training diverged: {what} became {value} in epoch {epoch}.")


@torch.no_grad()
def evaluate(
    model: MultiTaskModel, tasks: Sequence[Task], split: Split, batch_size: int = 4096
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Unweighted loss and metric per task on a whole split."""
    model.eval()
    chunks = [model(x) for x in split.x.split(batch_size)]
    model.train()
    losses, metrics = [], []
    for i, task in enumerate(tasks):
        output = torch.cat([chunk[i] for chunk in chunks])
        losses.append(task.compute_loss(output, split.targets[i]).item())
        metrics.append(task.compute_metric(output, split.targets[i]))
    return tuple(losses), tuple(metrics)
