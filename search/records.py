"""A trial's record: what taskweights writes on an Optuna trial, every key defined here once.

Optuna owns trials (parameters, values, states, intermediate values) and keeps this record as
the trial's user attributes: `write` stores the fields given, `read` gives them back typed. The
per-epoch history is not here: it is the study's, in our epoch table (app/db/tables.py).
Torch-free: the API, the progress display and the comparison read records without training.
"""

from __future__ import annotations

from collections.abc import Sequence

import optuna
from pydantic import BaseModel, ConfigDict

from taskweights.search.arms import Config

STALE_REASON = "its worker stopped (no heartbeat)"


class TrialRecord(BaseModel):
    """A search trial, the reference's run, or a final-evaluation run (those name their arm)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    arm: str | None = None  # evaluation runs: whose configuration this is
    seed: int | None = None
    config: Config | None = None
    val_metrics: dict[str, float] | None = None  # search trials: per task, at the last epoch
    score: float | None = None  # a front search's trial (one value per task): its Δm
    test_metrics: dict[str, float] | None = None  # evaluation runs
    weights: dict[str, float] | None = None  # the loss weights training ended with
    sigmas: dict[str, float] | None = None  # uncertainty weighting's learned sigmas
    train_loss: dict[str, float] | None = None  # per task, over the last epoch
    epochs: int | None = None  # epochs trained (fewer than the spec's if pruned)
    seconds: float | None = None
    error: str | None = None  # why it failed, written by the run itself
    interrupted: bool = False  # stopped by a cancel, a shutdown or Ctrl-C: uses no budget


def write(trial: optuna.Trial, record: TrialRecord) -> None:
    """Store the fields `record` was given (the others keep what the trial holds)."""
    for key, value in record.model_dump(mode="json", exclude_unset=True).items():
        trial.set_user_attr(key, value)


def read(trial: optuna.trial.FrozenTrial) -> TrialRecord:
    return TrialRecord.model_validate(trial.user_attrs)


def counts_toward_budget(trial: optuna.trial.FrozenTrial) -> bool:
    """Finished trials, except failures that were not the trial's own doing.

    A trial that fails on its own (divergence) records its `error` while it runs. One whose
    process was killed never could (and Optuna cannot annotate a trial once failed); one
    stopped by a cancel or a shutdown is marked interrupted before it is failed.
    """
    if trial.state == optuna.trial.TrialState.FAIL:
        record = read(trial)
        return record.error is not None and not record.interrupted
    return trial.state.is_finished()


def failure_reason(trial: optuna.trial.FrozenTrial) -> str | None:
    return failure_reason_of(trial.state, read(trial))


def failure_reason_of(state: optuna.trial.TrialState, record: TrialRecord) -> str | None:
    """Why a failed trial failed: its own error, else its process died inside it."""
    if state != optuna.trial.TrialState.FAIL:
        return None
    return record.error or STALE_REASON


def finished_count(study: optuna.Study) -> int:
    """Trials that used up budget: completed, pruned, or failed on their own (not interrupted)."""
    return sum(1 for t in study.get_trials(deepcopy=False) if counts_toward_budget(t))


def normalised(weights: dict[str, float]) -> dict[str, float]:
    """Loss weights scaled to sum to 1, so arms, trials and epochs compare directly."""
    total = sum(weights.values()) or 1.0
    return {task: w / total for task, w in weights.items()}


def score_of(trial: optuna.trial.FrozenTrial) -> float | None:
    """The trial's score: its value, or for a trial with one value per task (a front search),
    the Δm its record keeps."""
    if trial.values is not None and len(trial.values) > 1:
        return read(trial).score
    return trial.value


def best_trial(
    trials: Sequence[optuna.trial.FrozenTrial], maximize: bool
) -> optuna.trial.FrozenTrial | None:
    """The completed trial with the best score, from a list already loaded (None: none)."""
    scored = [
        (score, t)
        for t in trials
        if t.state == optuna.trial.TrialState.COMPLETE and (score := score_of(t)) is not None
    ]
    if not scored:
        return None
    return (max if maximize else min)(scored, key=lambda item: item[0])[1]


def best_value(study: optuna.Study) -> float | None:
    """The best score so far (a front search's: the best Δm of its trials)."""
    if len(study.directions) > 1:
        best = best_trial(study.get_trials(deepcopy=False), maximize=True)
        return None if best is None else score_of(best)
    try:
        return study.best_value
    except ValueError:  # no completed trial yet
        return None
