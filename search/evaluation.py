"""Final evaluation: every arm's best configuration trained again on fresh seeds, scored on test.

Picking the best of N trials on validation data flatters the winner; retraining it on seeds
it never saw and scoring on the untouched test split removes that bias. Each run is a trial of
the Optuna study `<study>/evaluation` (user attributes: arm, seed, test metrics, weights,
sigmas), so the comparison can be rebuilt from storage alone.
"""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from models import DivergedError, evaluate
from search.arms import REFERENCE, Arm, Config, reference_config
from search.events import EvaluationRunFinished, EventHandler
from search.storage import optuna_study_name
from search.trials import StudyContext, counts_toward_budget, train_config


def evaluation_seeds(context: StudyContext) -> list[int]:
    """Seeds the search never used (it trains every trial on `spec.seed`)."""
    return [context.spec.seed + 1 + i for i in range(context.spec.evaluation.seeds)]


def best_config(storage: optuna.storages.BaseStorage, study: str, arm: str) -> Config | None:
    arm_study = optuna.load_study(study_name=optuna_study_name(study, arm), storage=storage)
    try:
        return Config.from_attrs(arm_study.best_trial.user_attrs["config"])
    except ValueError:  # no trial of this arm completed
        return None


def run_final_evaluation(
    context: StudyContext,
    storage: optuna.storages.BaseStorage,
    evaluation: optuna.Study,
    arms: list[Arm],
    on_event: EventHandler,
) -> None:
    seeds = evaluation_seeds(context)
    finished = {
        (t.user_attrs["arm"], t.user_attrs["seed"])
        for t in evaluation.get_trials(deepcopy=False)
        if counts_toward_budget(t)
    }
    configs = {REFERENCE: reference_config(context.spec)} | {
        arm.name: best_config(storage, context.spec.name, arm.name) for arm in arms
    }
    to_run = [
        (arm, seed)
        for arm in [Arm(REFERENCE, "equal"), *arms]
        if configs[arm.name] is not None
        for seed in seeds
        if (arm.name, seed) not in finished
    ]
    total, done = len(configs) * len(seeds), len(finished)
    reference_test = _reference_test_metrics(context, evaluation)
    pending_reference: list[tuple[int, tuple[float, ...]]] = []
    for arm, seed in to_run:
        if arm.name != REFERENCE and pending_reference:
            reference_test = _tell_reference(context, evaluation, pending_reference)
            pending_reference = []
        if arm.name != REFERENCE and reference_test is None:
            raise DivergedError("every equal-weights reference run diverged on the test seeds")
        trial = evaluation.ask()
        trial.set_user_attr("arm", arm.name)
        trial.set_user_attr("seed", seed)
        trial.set_user_attr("config", configs[arm.name].to_attrs())
        try:
            result = train_config(context, arm, configs[arm.name], seed)
        except DivergedError as error:
            trial.set_user_attr("error", str(error))
            evaluation.tell(trial, state=TrialState.FAIL)
            done += 1
            on_event(EvaluationRunFinished(arm.name, seed, True, done, total))
            continue
        _, test_metrics = evaluate(result.model, context.problem.tasks, context.problem.test)
        trial.set_user_attr("test_metrics", context.per_task(test_metrics))
        trial.set_user_attr("weights", context.per_task(result.final.weights))
        trial.set_user_attr("sigmas", context.per_task(result.final.sigmas))
        trial.set_user_attr("seconds", round(result.seconds, 3))
        if arm.name == REFERENCE:
            # its value needs the mean of all reference seeds: told once they have all run
            pending_reference.append((trial.number, test_metrics))
        else:
            evaluation.tell(trial, context.score(test_metrics, reference_test))
        done += 1
        on_event(EvaluationRunFinished(arm.name, seed, False, done, total))
    if pending_reference:
        _tell_reference(context, evaluation, pending_reference)


def _mean_metrics(runs: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(sum(values) / len(values) for values in zip(*runs, strict=True))


def _reference_test_metrics(
    context: StudyContext, evaluation: optuna.Study
) -> tuple[float, ...] | None:
    runs = [
        tuple(t.user_attrs["test_metrics"][task] for task in context.tasks)
        for t in evaluation.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if t.user_attrs["arm"] == REFERENCE
    ]
    return _mean_metrics(runs) if runs else None


def _tell_reference(
    context: StudyContext, evaluation: optuna.Study, pending: list[tuple[int, tuple[float, ...]]]
) -> tuple[float, ...]:
    mean = _mean_metrics([metrics for _, metrics in pending])
    for number, metrics in pending:
        evaluation.tell(number, context.score(metrics, mean))
    return mean
