"""Problems: data, seeded train/val/test splits, tasks and a default trunk.

A problem is built by name (see models/registry.py) from a function
`builder(seed, **params) -> Problem`; its keyword arguments are the parameters a spec may set.
A builder may also say how many bytes its data takes from its parameters alone (`sized_by`),
so a check refuses a problem too big for the machine before it allocates anything.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import torch
from torch import Tensor

from taskweights.models.errors import ConfigurationError, ParameterError
from taskweights.models.networks import (
    MultiTaskModel,
    MultiTaskNet,
    TrunkConfig,
    count_parameters,
)
from taskweights.models.registry import local_problem_builders, problem_entry_points
from taskweights.models.tasks import Task


@dataclass(frozen=True)
class Split:
    """Inputs and one target tensor per task (in task order), all on one device."""

    x: Tensor
    targets: tuple[Tensor, ...]

    def __len__(self) -> int:
        return len(self.x)

    def to(self, device: torch.device) -> Split:
        return Split(self.x.to(device), tuple(t.to(device) for t in self.targets))


NetworkFactory = Callable[[Sequence[Task]], MultiTaskModel]


@dataclass(frozen=True)
class Problem:
    """Data split three ways, its tasks, and the network to train on it.

    The network is `default_trunk` with a linear head per task (a spec's `trunk` may replace
    the trunk), unless the problem brings its own: `network(tasks)` builds a `MultiTaskModel`
    with one head per task it is given (a spec may drop tasks), in their order.
    """

    name: str
    tasks: tuple[Task, ...]
    train: Split
    val: Split
    test: Split
    default_trunk: TrunkConfig = field(default_factory=TrunkConfig)
    network: NetworkFactory | None = None

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.train.x.shape[1:])

    @property
    def task_names(self) -> list[str]:
        return [task.name for task in self.tasks]

    @property
    def data_bytes(self) -> int:
        """What every split's tensors take: what a builder's estimate (`sized_by`) foretells."""
        splits = (self.train, self.val, self.test)
        return sum(t.nbytes for split in splits for t in (split.x, *split.targets))

    def parameter_count(self, trunk: TrunkConfig | None = None) -> int:
        """The parameters of `build_model(trunk)`, without allocating them: a trunk's from its
        shape; a problem's own network built on the meta device (shapes, no memory)."""
        if self.network is None:
            outputs = [task.outputs for task in self.tasks]
            return count_parameters(trunk or self.default_trunk, self.input_shape, outputs)
        with torch.device("meta"):
            model = self.build_model(trunk)
        return sum(parameter.numel() for parameter in model.parameters())

    def build_model(self, trunk: TrunkConfig | None = None) -> MultiTaskModel:
        """A freshly initialised network for this problem's tasks (seed torch first)."""
        if self.network is None:
            return MultiTaskNet(self.tasks, trunk or self.default_trunk, self.input_shape)
        if trunk is not None:
            raise ConfigurationError(
                f"problem {self.name!r} builds its own network; a trunk cannot replace it."
            )
        model = self.network(self.tasks)
        if not isinstance(model, MultiTaskModel) or len(model.heads) != len(self.tasks):
            raise ConfigurationError(
                f"the network of problem {self.name!r} must be a MultiTaskModel with one head "
                f"per task ({len(self.tasks)})."
            )
        return model

    def to(self, device: torch.device) -> Problem:
        return replace(
            self, train=self.train.to(device), val=self.val.to(device), test=self.test.to(device)
        )

    def with_task_overrides(self, overrides: dict[str, dict[str, str]]) -> Problem:
        """The same problem with some tasks' `loss` / `metric` replaced (e.g. L1 and MAE)."""
        unknown = sorted(set(overrides) - set(self.task_names))
        if unknown:
            raise ConfigurationError(
                f"problem {self.name!r} has no task {unknown[0]!r}; tasks are {self.task_names}."
            )
        tasks = tuple(
            replace(
                t,
                loss=overrides.get(t.name, {}).get("loss", t.loss),
                metric=overrides.get(t.name, {}).get("metric", t.metric),
            )
            for t in self.tasks
        )
        return replace(self, tasks=tasks)

    def without_tasks(self, names: Sequence[str]) -> Problem:
        """The same problem without the tasks `names` (their targets, so their heads): does the
        rest do better or worse without them? At least one task stays."""
        unknown = sorted(set(names) - set(self.task_names))
        if unknown:
            raise ConfigurationError(
                f"problem {self.name!r} has no task {unknown[0]!r}; tasks are {self.task_names}."
            )
        kept = [i for i, task in enumerate(self.tasks) if task.name not in names]
        if not kept:
            raise ConfigurationError("every task has use: false; at least one task must stay.")

        def keep(split: Split) -> Split:
            return Split(split.x, tuple(split.targets[i] for i in kept))

        return replace(
            self,
            tasks=tuple(self.tasks[i] for i in kept),
            train=keep(self.train),
            val=keep(self.val),
            test=keep(self.test),
        )


def split_dataset(
    x: Tensor,
    targets: Sequence[Tensor],
    seed: int,
    val_fraction: float,
    test_fraction: float,
) -> tuple[Split, Split, Split]:
    """Shuffle once under `seed` and cut into train / val / test."""
    for label, fraction in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0.0 < fraction < 0.5:
            raise ConfigurationError(f"{label} must be in (0, 0.5) but got {fraction}.")
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    n_val, n_test = int(len(x) * val_fraction), int(len(x) * test_fraction)
    cuts = {
        "test": order[:n_test],
        "val": order[n_test : n_test + n_val],
        "train": order[n_test + n_val :],
    }
    train, val, test = (
        Split(x[idx], tuple(t[idx] for t in targets))
        for idx in (cuts["train"], cuts["val"], cuts["test"])
    )
    return train, val, test


ProblemBuilder = Callable[..., Problem]
Builder = TypeVar("Builder", bound=ProblemBuilder)
DataEstimate = Callable[[Mapping[str, Any]], int]
ESTIMATE = "estimate_bytes"  # the attribute of a builder that holds its `DataEstimate`


def sized_by(estimate: DataEstimate) -> Callable[[Builder], Builder]:
    """Give a problem builder its data estimate: the bytes of every split's tensors, from the
    builder's parameters (all of them, defaults filled in), computed without building them.

        @sized_by(lambda params: 4 * params["n"] * 3)
        def mine(seed, *, n=1000): ...

    A builder without one still works: its problem is measured once built.
    """

    def attach(builder: Builder) -> Builder:
        setattr(builder, ESTIMATE, estimate)
        return builder

    return attach


def whole(params: Mapping[str, Any], name: str) -> int:
    """Parameter `name` as an int for an estimate (a string or a float is no size)."""
    try:
        return operator.index(params[name])
    except TypeError:
        raise ParameterError(
            name, f"{name} must be a whole number but got {params[name]!r}."
        ) from None


def _kendall_bytes(params: Mapping[str, Any]) -> int:
    """float32 inputs of `features` columns and one float32 target per noise level."""
    noise = params["noise"]
    columns = whole(params, "features") + (len(noise) if isinstance(noise, Sequence) else 1)
    return 4 * whole(params, "n") * columns


@sized_by(_kendall_bytes)
def kendall_toy(
    seed: int,
    *,
    n: int = 2000,
    noise: Sequence[float] = (10.0, 1.0),
    features: int = 1,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
) -> Problem:
    """Kendall et al.'s toy regression: y_i = x . a_i + b_i + noise_i * eps, one task per noise.

    The noise standard deviations are known, so uncertainty weighting's learned sigmas can be
    checked against them.
    """
    if n < 20:
        raise ConfigurationError(f"n must be at least 20 but got {n}.")
    if not noise or any(s <= 0 for s in noise):
        raise ConfigurationError(f"noise must list positive standard deviations but got {noise}.")
    if features < 1:
        raise ConfigurationError(f"features must be positive but got {features}.")
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=generator)
    targets = []
    for sigma in noise:
        slope = 3.0 * torch.randn(features, 1, generator=generator)
        intercept = 10.0 * torch.rand(1, generator=generator) - 5.0
        eps = torch.randn(n, 1, generator=generator)
        targets.append(x @ slope + intercept + sigma * eps)
    tasks = tuple(Task(f"y{i + 1}", "regression", outputs=1) for i in range(len(noise)))
    train, val, test = split_dataset(x, targets, seed, val_fraction, test_fraction)
    return Problem("kendall-toy", tasks, train, val, test, TrunkConfig("mlp", hidden=(32,)))


def group3(digit: Tensor) -> Tensor:
    """{2 -> 0, 6 -> 1, anything else -> 2}: the coarse grouping of digits and mnist."""
    return torch.where(digit == 2, 0, torch.where(digit == 6, 1, 2))


DIGITS = 1797  # the images scikit-learn bundles


@sized_by(lambda params: DIGITS * (2 * 64 * 4 + 2 * 8))  # pixels and recon, two class labels
def digits(seed: int, *, val_fraction: float = 0.2, test_fraction: float = 0.2) -> Problem:
    """scikit-learn's bundled 8x8 digits: a 10-class, a 3-class and a 64-pixel regression task.

    The pixel reconstruction (MSE on [-1, 1]) lives on a different scale from the two
    cross-entropies: the situation where loss weights matter.
    """
    from sklearn.datasets import load_digits  # bundled with scikit-learn, no download

    bunch = load_digits()
    images = torch.tensor(bunch.images, dtype=torch.float32)  # values 0..16
    digit = torch.tensor(bunch.target, dtype=torch.long)
    x = (images / 16.0).unsqueeze(1)  # (n, 1, 8, 8): fits both trunks
    recon = images.flatten(1) / 8.0 - 1.0
    tasks = (
        Task("digit", "multiclass", outputs=10),
        Task("group3", "multiclass", outputs=3),
        Task("recon", "regression", outputs=64),
    )
    train, val, test = split_dataset(
        x, [digit, group3(digit), recon], seed, val_fraction, test_fraction
    )
    # 256-128 with light dropout fits the data: equal weights reach 0.976 test digit accuracy
    # (30 epochs, lr 1e-3, seeds 1-5); the former 64-32 under-fitted at 0.936
    trunk = TrunkConfig("mlp", hidden=(256, 128), dropout=0.1)
    return Problem("digits", tasks, train, val, test, trunk)


def available_problems() -> dict[str, ProblemBuilder]:
    """Built-in problems, those installed as `taskweights.problems` entry points, and those a
    script registered for a local run (`registry.local_problems`)."""
    installed = {name: entry.load() for name, entry in problem_entry_points().items()}
    return installed | local_problem_builders()


EMPTY = inspect.Parameter.empty  # the default of a parameter a spec must set


def problem_parameters(builder: ProblemBuilder) -> dict[str, Any]:
    """The parameters a spec may set for this problem, with their defaults (or `EMPTY`)."""
    signature = inspect.signature(builder)
    return {
        name: parameter.default
        for name, parameter in signature.parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }


def build_problem(name: str, params: dict[str, Any], seed: int) -> Problem:
    return _builder(name, params)(seed, **params)


def estimate_data_bytes(name: str, params: Mapping[str, Any]) -> int | None:
    """What `build_problem(name, params, ...).data_bytes` will be, without building it; None
    when the builder offers no estimate (`sized_by`). Raises what a bad parameter raises."""
    builder = _builder(name, params)
    estimate: DataEstimate | None = getattr(builder, ESTIMATE, None)
    if estimate is None:
        return None
    arguments = {p: params.get(p, default) for p, default in problem_parameters(builder).items()}
    return int(estimate(arguments))


def _builder(name: str, params: Mapping[str, Any]) -> ProblemBuilder:
    """The builder of problem `name`, once `params` are parameters it takes, and all it needs."""
    problems = available_problems()
    if name not in problems:
        raise ConfigurationError(f"Unknown problem {name!r}; choose from {sorted(problems)}.")
    builder = problems[name]
    allowed = problem_parameters(builder)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ParameterError(
            unknown[0],
            f"problem {name!r} has no parameter {unknown[0]!r}; it takes {sorted(allowed)}.",
        )
    missing = [p for p, default in allowed.items() if default is EMPTY and p not in params]
    if missing:
        raise ParameterError(missing[0], f"problem {name!r} needs the parameter {missing[0]!r}.")
    return builder
