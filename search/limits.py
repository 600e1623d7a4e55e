"""What one study may ask of a machine: its limits, and the one check against them.

Every spec value that sizes memory or time is checked here before anything is stored: what
the spec says alone (trials, epochs, seeds, batch, trunk widths and depth, strategies, front
points), and what only the problem says (its data, the network's parameters, the samples
trained), once the models' check has estimated or measured it (`Sizes`). Each issue names the
field, the limit and the setting that raises it. Torch-free: the API checks a spec here before
it asks its models process.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from taskweights.search.errors import SpecError
from taskweights.search.spec import StudySpec

SETTING = "TASKWEIGHTS_{}"  # the environment variable of a limit (app/settings.py owns them)
MB = 2**20


@dataclass(frozen=True)
class Limits:
    """A server's (or a local run's) limits, named as the settings that set them."""

    max_trials: int  # per arm
    max_epochs: int
    max_seeds: int
    max_batch_size: int
    max_width: int  # units of a trunk layer, filters of a convolution
    max_depth: int  # entries of trunk.hidden, of trunk.channels
    max_strategies: int
    max_front: int  # evaluation.front
    max_parameters: int  # the network's, trunk and heads
    max_data_mb: float  # the problem's tensors, every split
    max_work: int  # epochs x training rows x training runs: what a study may ask to train


@dataclass(frozen=True)
class Sizes:
    """What only the problem says; None where not known (yet)."""

    data_bytes: int | None = None
    parameters: int | None = None
    train_rows: int | None = None


Issue = tuple[str, str]


def exceeded(spec: StudySpec, limits: Limits, sizes: Sizes | None = None) -> list[Issue]:
    """(field, reason) for every value over its limit: the spec's, and `sizes` where given."""
    return [*_spec_values(spec, limits), *_sizes(spec, limits, sizes or Sizes())]


def check_limits(spec: StudySpec, limits: Limits, sizes: Sizes | None = None) -> None:
    """`SpecError` listing what `exceeded` finds, if anything."""
    issues = exceeded(spec, limits, sizes)
    if issues:
        raise SpecError(issues)


def shown(value: float) -> str:
    """A number as a reason shows it: whole, or short when it is huge (10**400 stays short)."""
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"about 10^{math.floor(math.log10(abs(value)))}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}"
    return str(int(value))


def _limit(limit: str, limits: Limits, unit: str = "") -> str:
    """The limit and how to raise it: this server's limit of 4096 (TASKWEIGHTS_MAX_WIDTH)."""
    setting = SETTING.format(limit.upper())
    return f"this server's limit of {shown(getattr(limits, limit))}{unit} ({setting})"


def _over(value: float, limit: str, limits: Limits) -> str:
    return f"{shown(value)} exceeds {_limit(limit, limits)}"


def _spec_values(spec: StudySpec, limits: Limits) -> Iterator[Issue]:
    scalars = [
        ("tuned.trials", spec.tuned.trials, "max_trials"),
        ("training.epochs", spec.training.epochs, "max_epochs"),
        ("training.batch_size", spec.training.batch_size, "max_batch_size"),
        ("evaluation.seeds", spec.evaluation.seeds, "max_seeds"),
        ("strategies", len(spec.strategies), "max_strategies"),
    ]
    if spec.pareto:  # front points are evaluated only under score: pareto
        scalars.append(("evaluation.front", spec.evaluation.front, "max_front"))
    for field, value, limit in scalars:
        if value > getattr(limits, limit):
            yield field, _over(value, limit, limits)
    trunk = spec.problem.trunk
    if trunk is None:
        return
    layers = {"hidden": trunk.hidden, "channels": trunk.channels if trunk.type == "cnn" else []}
    for name, widths in layers.items():
        field = f"problem.trunk.{name}"
        if len(widths) > limits.max_depth:
            yield field, f"{len(widths)} layers: " + _over(len(widths), "max_depth", limits)
        wide = next((i for i, width in enumerate(widths) if width > limits.max_width), None)
        if wide is not None:
            yield f"{field}.{wide}", _over(widths[wide], "max_width", limits)


def _sizes(spec: StudySpec, limits: Limits, sizes: Sizes) -> Iterator[Issue]:
    if sizes.data_bytes is not None and sizes.data_bytes > limits.max_data_mb * MB:
        yield (
            "problem.params",
            f"problem {spec.problem.name!r} would hold about {_bytes(sizes.data_bytes)} of "
            "data with these parameters, over " + _limit("max_data_mb", limits, " MB"),
        )
    if sizes.parameters is not None and sizes.parameters > limits.max_parameters:
        where = "problem.trunk" if spec.problem.trunk is not None else "problem.name"
        yield (
            where,
            "the network's parameters: " + _over(sizes.parameters, "max_parameters", limits),
        )
    if sizes.train_rows is not None:
        runs = training_runs(spec)
        work = spec.training.epochs * sizes.train_rows * runs
        if work > limits.max_work:
            yield (
                "training.epochs",
                f"{spec.training.epochs} epochs x {sizes.train_rows} training rows x {runs} "
                f"training runs = {shown(work)} samples to train, over "
                + _limit("max_work", limits),
            )


def training_runs(spec: StudySpec) -> int:
    """The most training runs the spec can ask for: the reference, every arm's trials, and
    the final evaluation's runs."""
    from taskweights.search.arms import build_arms, evaluation_run_count  # loads Optuna

    return 1 + sum(arm.trials for arm in build_arms(spec)) + evaluation_run_count(spec)


def _bytes(count: int) -> str:
    if count >= 2**60:
        return f"{shown(count)} bytes"
    for unit, size in (("TB", 2**40), ("GB", 2**30), ("MB", MB)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} bytes"
