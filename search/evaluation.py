"""Final evaluation: every arm's best configuration trained again on fresh seeds, scored on test.

Picking the best of N trials on validation data flatters the winner; retraining it on seeds
it never saw and scoring on the untouched test split removes that bias. Each run is a trial of
the Optuna study `<study>/evaluation` (its record: arm, seed, test metrics, weights, sigmas),
so the comparison can be rebuilt from storage alone.
"""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from taskweights.models import DivergedError, evaluate
from taskweights.search.arms import (
    EVALUATION,
    REFERENCE,
    TUNED,
    Arm,
    Config,
    arm_named,
    evaluation_run_count,
    reference_config,
    searches_front,
)
from taskweights.search.concurrency import ask, fail_running_trial, trial_heartbeat
from taskweights.search.errors import StudyCancelled
from taskweights.search.events import EvaluationRunFinished
from taskweights.search.pareto import spread_front, tuned_points
from taskweights.search.records import TrialRecord, counts_toward_budget, read, write
from taskweights.search.spec import FRONT_PREFIX, StudySpec
from taskweights.search.storage import optuna_study_name
from taskweights.search.trials import StudyContext, train_config


def evaluation_seeds(context: StudyContext) -> list[int]:
    """Seeds the search never used (it trains every trial on `spec.seed`)."""
    return [context.spec.seed + 1 + i for i in range(context.spec.evaluation.seeds)]


def best_config(storage: optuna.storages.BaseStorage, study: str, arm: str) -> Config | None:
    arm_study = optuna.load_study(study_name=optuna_study_name(study, arm), storage=storage)
    try:
        return read(arm_study.best_trial).config
    except ValueError:  # no trial of this arm completed
        return None


def evaluation_study(storage: optuna.storages.BaseStorage, spec: StudySpec) -> optuna.Study:
    """The study holding every evaluation run (created with the study, by its reference unit)."""
    return optuna.load_study(study_name=optuna_study_name(spec.name, EVALUATION), storage=storage)


def run_reference_evaluation(context: StudyContext, storage: optuna.storages.BaseStorage) -> None:
    """Equal weights on every evaluation seed: every arm's score is measured against their mean.

    One unit of work (a run's value needs the mean of all of them); the arms' runs, which
    only need that mean, can then go in parallel.
    """
    evaluation = evaluation_study(storage, context.spec)
    reference = Arm(REFERENCE, "equal")
    config = reference_config(context.spec)
    finished = _finished_runs(evaluation)
    runs = []
    for seed in evaluation_seeds(context):
        if (REFERENCE, seed) not in finished:
            _fail_abandoned_runs(evaluation, REFERENCE, seed)
            outcome = _evaluate_once(context, storage, evaluation, reference, config, seed)
            if outcome is not None:
                runs.append(outcome)  # told below, once the mean is known
            _report_progress(context, evaluation, REFERENCE, seed, outcome is None, len(runs))
    if runs:
        mean = _mean_metrics([metrics for _, metrics in runs])
        for number, metrics in runs:
            evaluation.tell(number, context.score(metrics, mean))
    if _reference_test_metrics(context, evaluation) is None:
        raise DivergedError("every equal-weights reference run diverged on the test seeds")


def run_arm_evaluation(
    context: StudyContext, storage: optuna.storages.BaseStorage, arm_name: str, slot: int
) -> None:
    """The arm's best configuration on one evaluation seed (`slot`), scored against the
    reference; under score: pareto, the tuned arm's front point `slot // seeds` instead.

    Nothing to do if the run is already finished, or if no trial of the arm completed.
    """
    spec = context.spec
    evaluation = evaluation_study(storage, spec)
    reference = _required_reference(context, evaluation)
    point, seed_index = divmod(slot, spec.evaluation.seeds)
    if searches_front(spec, arm_name):
        chosen = front_point(context, storage, point)
    else:
        config = best_config(storage, spec.name, arm_name)
        chosen = None if config is None else (arm_named(spec, arm_name), config)
    if chosen is not None:
        seed = evaluation_seeds(context)[seed_index]
        _evaluate_arm(context, storage, evaluation, reference, *chosen, seed)


def front_point(
    context: StudyContext, storage: optuna.storages.BaseStorage, index: int
) -> tuple[Arm, Config] | None:
    """The tuned front's `index`-th point of those `spread_front` picks, as an arm of its own
    (`tuned-<trial number>`, fixed weights); None if the front has fewer points."""
    spec = context.spec
    tuned = optuna.load_study(study_name=optuna_study_name(spec.name, TUNED), storage=storage)
    trials = tuned.get_trials(deepcopy=False)
    points = spread_front(tuned_points(trials), context.task_infos, spec.evaluation.front)
    if index >= len(points):
        return None
    config = read(trials[points[index].trial]).config
    if config is None:
        return None
    return Arm(f"{FRONT_PREFIX}{points[index].trial}", "fixed"), config


def _required_reference(context: StudyContext, evaluation: optuna.Study) -> tuple[float, ...]:
    """The reference's mean test metrics, which every arm's run is scored against."""
    reference = _reference_test_metrics(context, evaluation)
    if reference is None:
        raise DivergedError("the equal-weights reference has no finished evaluation run")
    return reference


def _evaluate_arm(
    context: StudyContext,
    storage: optuna.storages.BaseStorage,
    evaluation: optuna.Study,
    reference_test: tuple[float, ...],
    arm: Arm,
    config: Config,
    seed: int,
) -> None:
    """Train `config` on `seed` as a run of `arm`, unless that run is already finished."""
    if (arm.name, seed) in _finished_runs(evaluation):
        return
    _fail_abandoned_runs(evaluation, arm.name, seed)
    outcome = _evaluate_once(context, storage, evaluation, arm, config, seed)
    if outcome is not None:
        number, metrics = outcome
        evaluation.tell(number, context.score(metrics, reference_test))
    _report_progress(context, evaluation, arm.name, seed, outcome is None)


def run_frozen_evaluation(
    context: StudyContext, storage: optuna.storages.BaseStorage, arm_name: str, seed_index: int
) -> None:
    """A learned arm's final weights held fixed, on one evaluation seed: "the endpoint" against
    "the dynamics" that reached it.

    The weights are the learned arm's final effective weights on its evaluation runs, each
    normalised to a mean of 1 (equal weights' scale), then averaged over seeds; the learning
    rate is the learned arm's best. Nothing to do if the learned arm has no finished run.
    """
    spec = context.spec
    evaluation = evaluation_study(storage, spec)
    reference = _required_reference(context, evaluation)
    learned = next(source for source, frozen in spec.frozen_arms.items() if frozen == arm_name)
    config = best_config(storage, spec.name, learned)
    weights = _final_weights(context, evaluation, learned)
    if config is None or weights is None:
        return
    frozen = Config({"weights": weights}, config.lr)
    seed = evaluation_seeds(context)[seed_index]
    _evaluate_arm(context, storage, evaluation, reference, Arm(arm_name, "fixed"), frozen, seed)


def _final_weights(
    context: StudyContext, evaluation: optuna.Study, arm: str
) -> list[float] | None:
    """The arm's final weights in task order, each run's scaled to a mean of 1, seed-averaged."""
    runs = [
        [weights[task] for task in context.tasks]
        for t in evaluation.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if (record := read(t)).arm == arm and (weights := record.weights)
    ]
    if not runs:
        return None
    scaled = [[w * len(run) / sum(run) for w in run] for run in runs]
    return [round(sum(column) / len(column), 6) for column in zip(*scaled, strict=True)]


def _finished_runs(evaluation: optuna.Study) -> set[tuple[str, int]]:
    return {
        (record.arm, record.seed)
        for t in evaluation.get_trials(deepcopy=False)
        if counts_toward_budget(t)
        and (record := read(t)).arm is not None
        and record.seed is not None
    }


def _fail_abandoned_runs(evaluation: optuna.Study, arm: str, seed: int) -> None:
    """Fail RUNNING trials of this (arm, seed): only the one unit that owns the pair runs it,
    so any such trial is left from a worker that died inside it."""
    for trial in evaluation.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        record = read(trial)
        if (record.arm, record.seed) == (arm, seed):
            fail_running_trial(evaluation, trial)


def _report_progress(
    context: StudyContext,
    evaluation: optuna.Study,
    arm: str,
    seed: int,
    failed: bool,
    untold: int = 0,
) -> None:
    """`untold`: runs of this process that finished training but wait for their value."""
    done = len(_finished_runs(evaluation)) + untold
    total = evaluation_run_count(context.spec)
    context.on_event(EvaluationRunFinished(arm, seed, failed, done, total))


def _evaluate_once(
    context: StudyContext,
    storage: optuna.storages.BaseStorage,
    evaluation: optuna.Study,
    arm: Arm,
    config: Config,
    seed: int,
) -> tuple[int, tuple[float, ...]] | None:
    """Train and test one (arm, seed); the trial is left for the caller to tell, or failed."""
    trial = ask(evaluation)
    write(trial, TrialRecord(arm=arm.name, seed=seed, config=config))
    try:
        with trial_heartbeat(storage, evaluation, trial.number):
            result = train_config(context, arm, config, ("evaluation", trial.number, seed))
    except DivergedError as error:
        write(trial, TrialRecord(error=str(error)))
        evaluation.tell(trial, state=TrialState.FAIL)
        return None
    except StudyCancelled as error:
        write(trial, TrialRecord(error=str(error), interrupted=True))
        evaluation.tell(trial, state=TrialState.FAIL)
        raise
    _, test_metrics = evaluate(result.model, context.problem.tasks, context.problem.test)
    write(
        trial,
        TrialRecord(
            test_metrics=context.per_task(test_metrics),
            weights=context.per_task(result.final.weights),
            sigmas=context.per_task(result.final.sigmas),
            train_loss=context.per_task(result.final.train_loss),
            seconds=round(result.seconds, 3),
        ),
    )
    return trial.number, test_metrics


def _mean_metrics(runs: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(sum(values) / len(values) for values in zip(*runs, strict=True))


def _reference_test_metrics(
    context: StudyContext, evaluation: optuna.Study
) -> tuple[float, ...] | None:
    records = [
        read(t) for t in evaluation.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    ]
    runs = [
        tuple(record.test_metrics[task] for task in context.tasks)
        for record in records
        if record.arm == REFERENCE and record.test_metrics is not None
    ]
    return _mean_metrics(runs) if runs else None
