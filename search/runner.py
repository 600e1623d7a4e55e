"""Running the reference and the search arms: trials reserved within budget, run, told to Optuna.

Every unit is resumable: finished trials stored under the study's name are kept, and running it
again with the same spec only does what is missing. The order of units is search/plan.py's.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import optuna
from optuna.trial import FrozenTrial, TrialState

from taskweights.models import DivergedError
from taskweights.search.arms import (
    REFERENCE,
    Arm,
    Config,
    arm_named,
    reference_config,
)
from taskweights.search.checks import check_against_models
from taskweights.search.concurrency import (
    arm_lock,
    ask,
    fail_trials_that_never_beat,
    first_heartbeat,
    trial_heartbeat,
)
from taskweights.search.errors import StudyCancelled
from taskweights.search.events import (
    ArmStarted,
    EventHandler,
    Phase,
    StopCheck,
    TrialFinished,
    ignore,
    never,
)
from taskweights.search.records import (
    TrialRecord,
    best_value,
    counts_toward_budget,
    finished_count,
    read,
    score_of,
    write,
)
from taskweights.search.scores import Score
from taskweights.search.spec import StudySpec
from taskweights.search.storage import optuna_study_name
from taskweights.search.studies import open_arm_study
from taskweights.search.trials import StudyContext, make_objective

OPEN = (TrialState.RUNNING, TrialState.WAITING)  # reserved: they will use up budget


def reserve_trial(
    storage: optuna.storages.RDBStorage, study: optuna.Study, arm: Arm
) -> optuna.Trial | None:
    """The arm's next trial, or None once finished, running and waiting trials fill its budget.

    Under the arm's lock no two processes count at once, so the budget is met exactly; a
    waiting trial (the retry of a stale one) is always taken before a new one is sampled.
    """
    with arm_lock(storage, study.study_name), warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        beating = storage.get_heartbeat_interval() is not None  # else: the only process
        if beating:
            optuna.storages.fail_stale_trials(study)
            fail_trials_that_never_beat(study)
        trials = study.get_trials(deepcopy=False)
        waiting = any(t.state == TrialState.WAITING for t in trials)
        taken = sum(1 for t in trials if counts_toward_budget(t) or t.state in OPEN)
        if taken >= arm.trials and not waiting:
            return None
        trial = ask(study)
        if beating:
            first_heartbeat(storage, trial)
        return trial


def run_trial(
    storage: optuna.storages.BaseStorage,
    study: optuna.Study,
    trial: optuna.Trial,
    objective: Callable[[optuna.Trial], float | list[float]],
) -> FrozenTrial:
    """Run one reserved trial under its heartbeat and tell Optuna how it ended.

    Divergence is the trial's own result and uses up budget; anything else that stops it
    (cancel, shutdown, Ctrl-C, a bug) marks it interrupted, so its place in the budget stays
    free.
    """
    with trial_heartbeat(storage, study, trial.number):
        try:
            value = objective(trial)
        except optuna.TrialPruned:
            return study.tell(trial, state=TrialState.PRUNED)
        except DivergedError:
            return study.tell(trial, state=TrialState.FAIL)
        except BaseException:
            write(trial, TrialRecord(interrupted=True))
            study.tell(trial, state=TrialState.FAIL)
            raise
        return study.tell(trial, value)


def run_arm(
    context: StudyContext,
    storage: optuna.storages.RDBStorage,
    arm: Arm,
    reference: tuple[float, ...] | None,
    fixed: Config | None = None,
    slot: int = 0,
) -> optuna.Study:
    """Run trials of this arm until its budget is met; other processes (slots) may run it too."""
    score = context.score
    study = open_arm_study(
        storage, context.spec, arm.name, score.direction, slot, score.task_directions
    )
    context.on_event(ArmStarted(arm.name, finished_count(study), arm.trials))
    phase: Phase = "reference" if arm.name == REFERENCE else "search"
    objective = make_objective(context, arm, phase, reference, fixed)
    while True:
        trial = reserve_trial(storage, study, arm)
        if trial is None:
            if not others_still_running(storage, study):
                return study
            wait_for_others(context, storage)
            continue
        finished = run_trial(storage, study, trial, objective)
        context.on_event(
            TrialFinished(
                arm.name,
                finished.number,
                finished.state.name,
                score_of(finished),
                finished_count(study),
                arm.trials,
                best_value(study),
            )
        )


def others_still_running(storage: optuna.storages.RDBStorage, study: optuna.Study) -> bool:
    """Whether trials of other processes hold budget that is not used up yet.

    Such a trial may still end in a way that frees its place (its worker dies): so the arm is
    finished only when none is left, and this worker waits rather than walking away. Without
    heartbeats (a local run, the only process) nothing else can be running.
    """
    if storage.get_heartbeat_interval() is None:
        return False
    return bool(study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)))


def wait_for_others(context: StudyContext, storage: optuna.storages.RDBStorage) -> None:
    """One heartbeat's wait, unless the study is cancelled or this worker is stopping."""
    if context.should_stop():
        raise StudyCancelled(
            "stopped while waiting for other workers' last trials: the study was cancelled "
            "or its worker is shutting down"
        )
    time.sleep(storage.get_heartbeat_interval() or 1)


def study_context(
    spec: StudySpec, on_event: EventHandler = ignore, should_stop: StopCheck = never
) -> StudyContext:
    problem = check_against_models(spec)
    return StudyContext(spec, problem, Score(spec.score, problem.tasks), on_event, should_stop)


def run_reference_phase(context: StudyContext, storage: optuna.storages.RDBStorage) -> None:
    """Equal weights on the search seed: the validation metrics Δm is measured against."""
    run_arm(context, storage, Arm(REFERENCE, "equal"), None, reference_config(context.spec))
    reference_metrics(context, storage)  # raises if the reference could not be trained


def reference_metrics(
    context: StudyContext, storage: optuna.storages.RDBStorage
) -> tuple[float, ...]:
    study = optuna.load_study(
        study_name=optuna_study_name(context.spec.name, REFERENCE), storage=storage
    )
    completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    metrics = read(completed[0]).val_metrics if completed else None
    if metrics is None:
        errors = [error for t in study.trials if (error := read(t).error)]
        reason = errors[-1] if errors else "it did not complete"
        raise DivergedError(f"the equal-weights reference run failed: {reason}")
    return tuple(metrics[task] for task in context.tasks)


def run_search_arm(
    context: StudyContext, storage: optuna.storages.RDBStorage, arm_name: str, slot: int = 0
) -> None:
    arm = arm_named(context.spec, arm_name)
    run_arm(context, storage, arm, reference_metrics(context, storage), slot=slot)
