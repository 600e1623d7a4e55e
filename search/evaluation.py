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
from search.concurrency import trial_heartbeat
from search.errors import StudyCancelled
from search.events import EvaluationRunFinished
from search.storage import optuna_study_name
from search.trials import INTERRUPTED_ATTR, StudyContext, counts_toward_budget, train_config


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
) -> None:
    """Reference seeds first (every arm's score is measured against their mean), then arms."""
    seeds = evaluation_seeds(context)
    finished = {
        (t.user_attrs["arm"], t.user_attrs["seed"])
        for t in evaluation.get_trials(deepcopy=False)
        if counts_toward_budget(t)
    }
    configs = {REFERENCE: reference_config(context.spec)}
    for arm in arms:
        if (config := best_config(storage, context.spec.name, arm.name)) is not None:
            configs[arm.name] = config
    total, done = len(configs) * len(seeds), len(finished)

    def run(arm: Arm, seed: int) -> tuple[int, tuple[float, ...]] | None:
        nonlocal done
        outcome = _evaluate_once(context, storage, evaluation, arm, configs[arm.name], seed)
        done += 1
        context.on_event(EvaluationRunFinished(arm.name, seed, outcome is None, done, total))
        return outcome

    reference_arm = Arm(REFERENCE, "equal")
    pending = [run(reference_arm, s) for s in seeds if (REFERENCE, s) not in finished]
    reference_runs = [outcome for outcome in pending if outcome is not None]
    if reference_runs:  # a reference run's value needs the mean of all of them
        mean = _mean_metrics([metrics for _, metrics in reference_runs])
        for number, metrics in reference_runs:
            evaluation.tell(number, context.score(metrics, mean))
    reference_test = _reference_test_metrics(context, evaluation)
    if reference_test is None:
        raise DivergedError("every equal-weights reference run diverged on the test seeds")
    for arm in arms:
        for seed in seeds:
            if arm.name in configs and (arm.name, seed) not in finished:
                outcome = run(arm, seed)
                if outcome is not None:
                    number, metrics = outcome
                    evaluation.tell(number, context.score(metrics, reference_test))


def _evaluate_once(
    context: StudyContext,
    storage: optuna.storages.BaseStorage,
    evaluation: optuna.Study,
    arm: Arm,
    config: Config,
    seed: int,
) -> tuple[int, tuple[float, ...]] | None:
    """Train and test one (arm, seed); the trial is left for the caller to tell, or failed."""
    trial = evaluation.ask()
    trial.set_user_attr("arm", arm.name)
    trial.set_user_attr("seed", seed)
    trial.set_user_attr("config", config.to_attrs())
    try:
        with trial_heartbeat(storage, evaluation, trial.number):
            result = train_config(context, arm, config, ("evaluation", trial.number, seed))
    except DivergedError as error:
        trial.set_user_attr("error", str(error))
        evaluation.tell(trial, state=TrialState.FAIL)
        return None
    except StudyCancelled as error:
        trial.set_user_attr("error", str(error))
        trial.set_user_attr(INTERRUPTED_ATTR, True)
        evaluation.tell(trial, state=TrialState.FAIL)
        raise
    _, test_metrics = evaluate(result.model, context.problem.tasks, context.problem.test)
    trial.set_user_attr("test_metrics", context.per_task(test_metrics))
    trial.set_user_attr("weights", context.per_task(result.final.weights))
    trial.set_user_attr("sigmas", context.per_task(result.final.sigmas))
    trial.set_user_attr("seconds", round(result.seconds, 3))
    return trial.number, test_metrics


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
