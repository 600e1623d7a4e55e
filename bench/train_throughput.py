"""Training throughput of the project's trainer against a bare, hand-written PyTorch loop.

What: samples per second of `models.train(problem, EqualWeights, TrainConfig(...))` on a
problem (`--problem`, default `digits`; `mnist` trains a CNN with a decoder head), and of the
loop a competent engineer would write by hand for the same job: the same network
(`problem.build_model()`, so the architecture and, under the same seed, the initial weights are
identical), Adam with the same learning rate, the same batch size, the same per-task losses
(cross-entropy for classes, MSE for values, summed with equal weights), the same tensors with
minibatches taken by `torch.randperm` index
permutation, and the same thread count. Like the trainer, the bare loop evaluates the validation
split once per epoch (forward under `no_grad`; each task's loss, argmax accuracy / RMSE: what a
hand-written loop that logs validation reports) and accumulates the epoch's training loss.

Samples/s = epochs * len(train split) / wall seconds of the whole fit call (model construction,
training and the per-epoch validation, in both).

Why: the trainer is generic (any weighting strategy, any number of tasks, per-epoch records and
callbacks). That generality should cost next to nothing on top of the model's own work; the
printed `ratio` (trainer median / bare median) says how close it comes. A ratio well below 1
means per-step Python or tensor overhead in `models/training.py`, the strategy's `combine` or
the tasks' `compute_loss` / `compute_metric`.

The two are interleaved `--repeats` times (alternating which goes first, after one uncounted
warm-up of each) so that drift in the machine's speed hits both alike. A fit at batch size 256
lasts about a tenth of a second, so on a shared, busy machine raise `--repeats` (31 gives stable
medians). The last line printed is `ratio: X.XX`.

    python bench/train_throughput.py [--problem digits] [--epochs 20] [--batch-size 64]
        [--repeats 7] [--threads 1]
"""

from __future__ import annotations

import argparse
import gc
import operator
import statistics
import sys
import time
from collections.abc import Callable
from functools import reduce
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from taskweights.models import (
    Problem,
    TrainConfig,
    build_problem,
    build_strategy,
    train,
)

LR = 1e-3  # TrainConfig's default
SEED = 0

# A fit takes the problem, epochs and batch size; returns (wall seconds, final val accuracy
# of the first task), the accuracy being a sanity check that both loops trained the same way.
Fit = Callable[[Problem, int, int], tuple[float, float]]


def fit_trainer(problem: Problem, epochs: int, batch_size: int) -> tuple[float, float]:
    """The project's trainer with equal weights, timed around the whole `train` call."""
    strategy = build_strategy("equal", [task.is_classification for task in problem.tasks])
    config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=LR, device="cpu", seed=SEED)
    started = time.perf_counter()
    result = train(problem, strategy, config)
    seconds = time.perf_counter() - started
    return seconds, result.final.val_metric[0]


def bare_loss(kind: str) -> Callable[[Tensor, Tensor], Tensor]:
    """The loss a hand-written loop would pick for a task of this kind."""
    return {
        "multiclass": F.cross_entropy,
        "binary": lambda out, y: F.binary_cross_entropy_with_logits(out.squeeze(-1), y.float()),
        "regression": F.mse_loss,
    }[kind]


def bare_metric(kind: str, output: Tensor, target: Tensor) -> float:
    """Accuracy (argmax, or logit > 0) for classes, RMSE for values."""
    if kind == "regression":
        return F.mse_loss(output, target).sqrt().item()
    predicted = output.argmax(dim=-1) if kind == "multiclass" else (output.squeeze(-1) > 0)
    return (predicted.long() == target).float().mean().item()


def fit_bare(problem: Problem, epochs: int, batch_size: int) -> tuple[float, float]:
    """A hand-written loop doing the same work as the trainer, timed the same way."""
    started = time.perf_counter()
    torch.manual_seed(SEED)
    model = problem.build_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    generator = torch.Generator().manual_seed(SEED)
    kinds = [task.kind for task in problem.tasks]
    losses = [bare_loss(kind) for kind in kinds]
    x, targets = problem.train.x, problem.train.targets
    val_x, val_targets = problem.val.x, problem.val.targets
    n = len(x)
    train_losses: list[float] = []  # what a real loop would log
    val_losses: list[list[float]] = []
    val_metrics: list[float] = []
    for _ in range(epochs):
        model.train()
        running = 0.0
        for batch in torch.randperm(n, generator=generator).split(batch_size):
            optimizer.zero_grad(set_to_none=True)
            outputs = model(x[batch])
            loss = reduce(  # l1 + l2 + l3
                operator.add,
                [f(out, y[batch]) for f, out, y in zip(losses, outputs, targets, strict=True)],
            )
            loss.backward()
            optimizer.step()
            running += loss.item() * len(batch)
        train_losses.append(running / n)
        model.eval()
        with torch.no_grad():
            outputs = model(val_x)
            val_losses.append(
                [f(out, y).item() for f, out, y in zip(losses, outputs, val_targets, strict=True)]
            )
            val_metrics = [
                bare_metric(kind, out, y)
                for kind, out, y in zip(kinds, outputs, val_targets, strict=True)
            ]
        model.train()
    return time.perf_counter() - started, val_metrics[0]


def timed(fit: Fit, problem: Problem, epochs: int, batch_size: int) -> tuple[float, float]:
    """(samples per second, final val accuracy) of one fit."""
    gc.collect()
    seconds, accuracy = fit(problem, epochs, batch_size)
    return epochs * len(problem.train) / seconds, accuracy


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="digits", help="a problem's name (default digits)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "repeats", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    problem = build_problem(args.problem, {}, seed=SEED)
    fits: dict[str, Fit] = {"trainer": fit_trainer, "bare": fit_bare}
    print(
        f"{args.problem}: {len(problem.train)} train / {len(problem.val)} val samples, "
        f"epochs={args.epochs}, batch_size={args.batch_size}, threads={args.threads}, "
        f"torch {torch.__version__}"
    )
    for fit in fits.values():  # warm-up, not counted
        timed(fit, problem, args.epochs, args.batch_size)

    rates: dict[str, list[float]] = {name: [] for name in fits}
    accuracies: dict[str, float] = {}
    print(f"{'repeat':>6}  {'first':>7}  {'trainer/s':>10}  {'bare/s':>10}  {'ratio':>6}")
    for repeat in range(args.repeats):
        order = ["trainer", "bare"] if repeat % 2 == 0 else ["bare", "trainer"]
        for name in order:
            rate, accuracies[name] = timed(fits[name], problem, args.epochs, args.batch_size)
            rates[name].append(rate)
        trainer, bare = rates["trainer"][-1], rates["bare"][-1]
        print(
            f"{repeat + 1:>6}  {order[0]:>7}  {trainer:>10.0f}  {bare:>10.0f}  "
            f"{trainer / bare:>6.2f}"
        )

    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"{'median':>6}  {'':>7}  {medians['trainer']:>10.0f}  {medians['bare']:>10.0f}")
    print(
        f"final val {problem.tasks[0].metric} ({problem.tasks[0].name}): "
        f"trainer {accuracies['trainer']:.4f}, "
        f"bare {accuracies['bare']:.4f}"
    )
    print(f"ratio: {medians['trainer'] / medians['bare']:.2f}")


if __name__ == "__main__":
    main()
