"""One training run of one configuration, and the Optuna objective built on it.

A search trial trains on the train split with the study's seed (common random numbers: trials
differ only in their configuration), reports its validation score every epoch, may be pruned,
and leaves its record (search/records.py: per-task metrics, weights, sigmas) on its trial; its
epochs go to whoever listens to `EpochFinished` (a worker stores them in the epoch table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import optuna

from taskweights.models import (
    DivergedError,
    EpochRecord,
    Problem,
    TrainConfig,
    TrainResult,
    build_strategy,
    train,
)
from taskweights.search.arms import Arm, Config, searches_front, suggest_config
from taskweights.search.checks import task_infos, trunk_config
from taskweights.search.errors import StudyCancelled
from taskweights.search.events import EpochFinished, EventHandler, Phase, StopCheck, ignore, never
from taskweights.search.records import TrialRecord, write
from taskweights.search.scores import Score, TaskInfo
from taskweights.search.spec import StudySpec


@dataclass(frozen=True)
class StudyContext:
    """What every run of one study shares."""

    spec: StudySpec
    problem: Problem
    score: Score
    on_event: EventHandler = ignore
    should_stop: StopCheck = never  # checked after every epoch of every run

    @property
    def task_infos(self) -> list[TaskInfo]:
        return task_infos(self.problem)

    @property
    def tasks(self) -> list[str]:
        return self.problem.task_names

    def per_task(self, values: tuple[float, ...] | None) -> dict[str, float] | None:
        return None if values is None else dict(zip(self.tasks, values, strict=True))


def train_config(
    context: StudyContext,
    arm: Arm,
    config: Config,
    run: tuple[Phase, int, int],
    on_epoch: Callable[[EpochRecord], None] | None = None,
) -> TrainResult:
    """Train one configuration; `run` is (phase, trial number, seed), for reports."""
    phase, trial_number, seed = run

    def each_epoch(record: EpochRecord) -> None:
        context.on_event(EpochFinished(arm.name, phase, trial_number, seed, record))
        if context.should_stop():
            raise StudyCancelled(
                f"stopped during epoch {record.epoch}: the study was cancelled or its worker "
                "is shutting down"
            )
        if on_epoch is not None:
            on_epoch(record)

    spec = context.spec
    classification = [task.is_classification for task in context.problem.tasks]
    strategy = build_strategy(arm.strategy, classification, config.strategy_params)
    train_config = TrainConfig(
        epochs=spec.training.epochs,
        batch_size=spec.training.batch_size,
        lr=config.lr,
        weight_decay=spec.training.weight_decay,
        device=spec.training.device,
        seed=seed,
    )
    trunk = trunk_config(spec.problem.trunk) if spec.problem.trunk else None
    return train(context.problem, strategy, train_config, trunk, each_epoch)


def run_record(context: StudyContext, result: TrainResult) -> TrialRecord:
    """What a finished search run leaves on its trial."""
    final = result.final
    return TrialRecord(
        val_metrics=context.per_task(final.val_metric),
        weights=context.per_task(final.weights),
        sigmas=context.per_task(final.sigmas),
        train_loss=context.per_task(final.train_loss),
        epochs=len(result.history),
        seconds=round(result.seconds, 3),
    )


def make_objective(
    context: StudyContext,
    arm: Arm,
    phase: Phase,
    reference: tuple[float, ...] | None,
    fixed: Config | None,
) -> Callable[[optuna.Trial], float | list[float]]:
    """The objective of an arm's study; `reference` is None only for the reference run itself.

    A front search (score: pareto) returns every task's validation metric and keeps its Δm
    in the record; it reports nothing per epoch (Optuna prunes single objectives only).
    """
    front = searches_front(context.spec, arm.name)

    def objective(trial: optuna.Trial) -> float | list[float]:
        config = fixed or suggest_config(trial, context.spec, arm, context.tasks)
        write(trial, TrialRecord(config=config, seed=context.spec.seed))

        def report(record: EpochRecord) -> None:
            if reference is None or front:
                return
            trial.report(context.score(record.val_metric, reference), record.epoch)
            if arm.trials > 1 and trial.should_prune():
                write(trial, TrialRecord(epochs=record.epoch))
                raise optuna.TrialPruned(f"pruned after epoch {record.epoch}")

        try:
            run = (phase, trial.number, context.spec.seed)
            result = train_config(context, arm, config, run, report)
        except DivergedError as error:
            write(trial, TrialRecord(error=str(error)))
            raise
        except StudyCancelled as error:
            write(trial, TrialRecord(error=str(error), interrupted=True))
            raise
        write(trial, run_record(context, result))
        metrics = result.final.val_metric
        score = context.score(metrics, reference or metrics)
        if front:
            write(trial, TrialRecord(score=score))
            return list(metrics)
        return score

    return objective
