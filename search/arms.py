"""Arms and their search spaces.

Every arm is one Optuna study. The tuned arm searches fixed weights (log-uniform, the first
task pinned to 1: Adam barely sees the loss's overall scale, so a free scale wastes a
dimension). Every arm, learned ones included, searches the shared hyperparameters the spec
declares (today: a learning-rate range), so no arm wins only because it was tuned and the
others were not.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import optuna

from taskweights.search.spec import Range, StudySpec

REFERENCE = "reference"  # equal weights at the spec's learning rate: the yardstick of Δm
TUNED = "tuned"
EVALUATION = "evaluation"


@dataclass(frozen=True)
class Arm:
    name: str
    strategy: str  # a name in models.STRATEGIES
    params: dict[str, Any] = field(default_factory=dict)  # strategy hyperparameters
    trials: int = 1

    @property
    def searches_weights(self) -> bool:
        return self.name == TUNED


@dataclass(frozen=True)
class Config:
    """One point of an arm's search space: what a single training run needs."""

    strategy_params: dict[str, Any]
    lr: float


def has_shared_search(spec: StudySpec) -> bool:
    return isinstance(spec.training.lr, Range)


def build_arms(spec: StudySpec) -> list[Arm]:
    learned_trials = spec.tuned.trials if has_shared_search(spec) else 1
    return [
        Arm(TUNED, "fixed", trials=spec.tuned.trials),
        *(Arm(s.arm_name, s.name, dict(s.params), learned_trials) for s in spec.strategies),
    ]


def arm_named(spec: StudySpec, name: str) -> Arm:
    return next(arm for arm in build_arms(spec) if arm.name == name)


def evaluation_slots(spec: StudySpec, arm: str) -> int:
    """An arm's final-evaluation runs: one per evaluation seed, and under score: pareto, the
    tuned arm's one per (front point, seed): slot = point index * seeds + seed index."""
    points = spec.evaluation.front if searches_front(spec, arm) else 1
    return points * spec.evaluation.seeds


def evaluation_run_count(spec: StudySpec) -> int:
    """The final evaluation's runs: the reference and every arm (frozen ones too), on each
    evaluation seed; at most, under score: pareto (a front may have fewer points)."""
    arms = sum(evaluation_slots(spec, arm) for arm in spec.evaluated_arms)
    return arms + spec.evaluation.seeds


def reference_config(spec: StudySpec) -> Config:
    lr = spec.training.lr
    return Config({}, lr.midpoint if isinstance(lr, Range) else lr)


def suggest_config(trial: optuna.Trial, spec: StudySpec, arm: Arm, tasks: list[str]) -> Config:
    params = dict(arm.params)
    if arm.searches_weights:
        low, high = spec.tuned.weight_range
        params["weights"] = [
            1.0
            if i == 0 and not spec.tuned.free_first
            else trial.suggest_float(f"w_{task}", low, high, log=True)
            for i, task in enumerate(tasks)
        ]
    lr = spec.training.lr
    if isinstance(lr, Range):
        lr = trial.suggest_float("lr", lr.low, lr.high, log=lr.log)
    return Config(params, lr)


SEED_STRIDE = 1_000_003  # a prime above any trial count: (slot, trials so far) never collide


def sampler_seed(spec: StudySpec, slot: int, trials_so_far: int) -> int:
    """The seed of one process's sampler for an arm.

    Processes sharing an arm (one per slot), and a process resuming one (trials already stored),
    each draw from a random stream of their own: seeded alike, they proposed the same start-up
    trials. The first process of a fresh arm, which is every local run, draws from `spec.seed`
    itself, so one process with the same spec reproduces its trials exactly.
    """
    return (spec.seed + slot * SEED_STRIDE + trials_so_far) % 2**32


def build_sampler(spec: StudySpec, seed: int | None = None) -> optuna.samplers.BaseSampler:
    """The arm's sampler; `seed` defaults to the spec's. QMC always takes the spec's seed: its
    points are indexed by trial number, so every process must draw from the one sequence.

    TPE runs with `constant_liar`: trials other processes are running count as bad results, so
    concurrent processes spread out instead of proposing the same region (alone, a process
    never sees another's running trial, and nothing changes).
    """
    seed = spec.seed if seed is None else seed
    with warnings.catch_warnings():  # constant_liar is flagged experimental
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return _SAMPLERS[spec.tuned.sampler](spec, seed)


_SAMPLERS: dict[str, Callable[[StudySpec, int], optuna.samplers.BaseSampler]] = {
    "tpe": lambda spec, seed: optuna.samplers.TPESampler(seed=seed, constant_liar=True),
    "random": lambda spec, seed: optuna.samplers.RandomSampler(seed=seed),
    "cmaes": lambda spec, seed: optuna.samplers.CmaEsSampler(seed=seed),
    "gp": lambda spec, seed: optuna.samplers.GPSampler(seed=seed),
    "qmc": lambda spec, seed: optuna.samplers.QMCSampler(seed=spec.seed),
    "nsga2": lambda spec, seed: optuna.samplers.NSGAIISampler(seed=seed),
}


def searches_front(spec: StudySpec, arm: str) -> bool:
    """Whether the arm's Optuna study has one objective per task (the tuned arm, score: pareto)."""
    return spec.pareto and arm == TUNED


def build_pruner(spec: StudySpec, arm: str = "") -> optuna.pruners.BasePruner:
    """The spec's pruner; none for a front search (Optuna's pruners take one objective)."""
    if searches_front(spec, arm):
        return optuna.pruners.NopPruner()
    epochs = spec.training.epochs
    pruners = {
        "median": lambda: optuna.pruners.MedianPruner(
            n_startup_trials=5, n_warmup_steps=max(1, epochs // 3)
        ),
        "hyperband": lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=epochs),
        "none": optuna.pruners.NopPruner,
    }
    return pruners[spec.tuned.pruner]()
