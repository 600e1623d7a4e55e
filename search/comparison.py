"""The comparison: every arm's final-evaluation runs side by side, and a verdict.

Built from the study's spec and tasks (its row's, in app/db) and its Optuna trials (the
`<study>/evaluation` study and each arm's search study), so it can be printed again, or served,
without training anything.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import optuna

from taskweights.search.arms import EVALUATION, REFERENCE, TUNED
from taskweights.search.diagnostics import diagnose
from taskweights.search.errors import StudyNotFoundError
from taskweights.search.pareto import pareto_view
from taskweights.search.records import TrialRecord, best_trial, counts_toward_budget, read
from taskweights.search.results import (
    ArmConfig,
    ArmResult,
    Comparison,
    Compute,
    Match,
    Pareto,
    ParetoPoint,
    SeedRun,
    Summary,
    TuningCurve,
)
from taskweights.search.scores import Score, TaskInfo, delta_m
from taskweights.search.spec import StudySpec
from taskweights.search.storage import optuna_study_name
from taskweights.search.tuning import trials_to_match, tuning_curve
from taskweights.search.verdict import decide


def normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {task: w / total for task, w in weights.items()}


def _mean_dicts(dicts: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.fmean(d[key] for d in dicts) for key in dicts[0]}


def _compute(trials: Sequence[optuna.trial.FrozenTrial]) -> Compute:
    finished = [t for t in trials if counts_toward_budget(t)]
    return Compute(
        trials=len(finished),
        epochs=sum(read(t).epochs or len(t.intermediate_values) for t in finished),
        seconds=round(sum(t.duration.total_seconds() for t in finished if t.duration), 2),
    )


def load_comparison(
    storage: optuna.storages.BaseStorage, spec: StudySpec, tasks: Sequence[TaskInfo]
) -> Comparison:
    """Rebuild a finished study's comparison from its Optuna studies."""
    name = spec.name
    try:
        evaluation = optuna.load_study(
            study_name=optuna_study_name(name, EVALUATION), storage=storage
        )
    except KeyError:
        raise StudyNotFoundError(f"no study named {name!r} in this database.") from None
    directions = [t.higher_is_better for t in tasks]
    maximize = Score(spec.score, tuple(tasks)).direction == "maximize"
    by_arm: dict[str, list[TrialRecord]] = {}  # runs that used up budget
    completed: dict[str, list[TrialRecord]] = {}
    for trial in evaluation.get_trials(deepcopy=False):
        record = read(trial)
        if counts_toward_budget(trial) and record.arm is not None:
            by_arm.setdefault(record.arm, []).append(record)
            if trial.state == optuna.trial.TrialState.COMPLETE:
                completed.setdefault(record.arm, []).append(record)
    reference_runs = [r.test_metrics for r in completed.get(REFERENCE, []) if r.test_metrics]
    if not reference_runs:
        raise StudyNotFoundError(f"study {name!r} has no finished final evaluation yet.")
    reference = _mean_dicts(reference_runs)
    names = [t.name for t in tasks]
    arms = []
    searches: dict[str, list[optuna.trial.FrozenTrial]] = {}
    strategies = {"tuned": "fixed"} | {s.arm_name: s.name for s in spec.strategies}
    for arm in spec.arm_names:
        runs = [r for r in completed.get(arm, []) if r.test_metrics and r.seed is not None]
        arm_study = optuna.load_study(study_name=optuna_study_name(name, arm), storage=storage)
        trials = searches[arm] = arm_study.get_trials(deepcopy=False)  # loaded once, read below
        seed_runs = []
        for run in runs:
            test = run.test_metrics or {}
            dm = delta_m([test[n] for n in names], [reference[n] for n in names], directions)
            score = dm if spec.score == "delta_m" else test[spec.score.removeprefix("task:")]
            seed_runs.append(SeedRun(seed=run.seed or 0, test=test, delta_m=dm, score=score))
        arms.append(
            ArmResult(
                arm=arm,
                strategy=strategies[arm],
                config=_arm_config(arm, best_trial(trials, maximize), runs),
                test={n: Summary.of([r.test[n] for r in seed_runs]) for n in names}
                if runs
                else {},
                delta_m=Summary.of([r.delta_m for r in seed_runs]) if runs else None,
                score=Summary.of([r.score for r in seed_runs]) if runs else None,
                compute=_compute(trials),
                runs=seed_runs,
                failed_runs=len(by_arm.get(arm, [])) - len(runs),
                error=_arm_error(trials, by_arm.get(arm, []), runs),
            )
        )
    reference_summary = {n: Summary.of([r[n] for r in reference_runs]) for n in names}
    curve, matches = _tuning(searches, spec, maximize)
    return Comparison(
        study=name,
        score=spec.score,
        tasks=list(tasks),
        reference=reference_summary,
        arms=arms,
        tuning_curve=curve,
        trials_to_match=matches,
        pareto=_pareto(searches, tasks, maximize),
        diagnostics=diagnose(spec, arms, searches, completed, curve, maximize),
        verdict=decide(arms, spec.score, maximize, tasks, matches),
    )


def _tuning(
    searches: dict[str, list[optuna.trial.FrozenTrial]], spec: StudySpec, maximize: bool
) -> tuple[TuningCurve | None, dict[str, Match]]:
    """The tuned arm's tuning curve (validation scores, in trial order), and the trials it
    needs to reach each learned arm's best validation score."""
    trials = [t for t in searches[TUNED] if counts_toward_budget(t)]
    curve = tuning_curve([_search_score(t) for t in trials], spec.tuned.sampler, maximize)
    if curve is None:
        return None, {}
    matches = {}
    for arm, trials in searches.items():
        best = best_trial(trials, maximize)
        if arm != TUNED and best is not None and best.value is not None:
            matches[arm] = trials_to_match(curve, best.value, maximize)
    return curve, matches


def _pareto(
    searches: dict[str, list[optuna.trial.FrozenTrial]],
    tasks: Sequence[TaskInfo],
    maximize: bool,
) -> Pareto | None:
    """The tuned trials' front of validation metrics, and each learned arm's best trial on it."""
    tuned = []
    for trial in searches[TUNED]:
        record = read(trial)
        if trial.state == optuna.trial.TrialState.COMPLETE and record.val_metrics:
            weights = normalised(record.weights) if record.weights else {}
            tuned.append(
                ParetoPoint(trial=trial.number, weights=weights, metrics=record.val_metrics)
            )
    learned = {}
    for arm, trials in searches.items():
        best = best_trial(trials, maximize)
        metrics = read(best).val_metrics if best is not None else None
        if arm != TUNED and metrics:
            learned[arm] = metrics
    return pareto_view(tuned, learned, tasks)


def _search_score(trial: optuna.trial.FrozenTrial) -> float | None:
    """A completed trial's score; a pruned one's last report (what it had reached); None for
    one that failed."""
    if trial.state == optuna.trial.TrialState.COMPLETE:
        return trial.value
    if trial.state == optuna.trial.TrialState.PRUNED and trial.intermediate_values:
        return trial.intermediate_values[max(trial.intermediate_values)]
    return None


def _arm_config(
    arm: str, best_search: optuna.trial.FrozenTrial | None, runs: list[TrialRecord]
) -> ArmConfig | None:
    if best_search is None:  # no trial of this arm completed
        return None
    best = read(best_search)
    if best.config is None or best.weights is None:
        return None
    params = {k: v for k, v in best.config.strategy_params.items() if k != "weights"}
    if arm == TUNED or not runs:
        weights, sigmas = normalised(best.weights), best.sigmas
    else:  # learned: what the weights became, averaged over the evaluation seeds
        weights = _mean_dicts([normalised(r.weights) for r in runs if r.weights])
        sigma_runs = [r.sigmas for r in runs if r.sigmas]
        sigmas = _mean_dicts(sigma_runs) if sigma_runs else None
    return ArmConfig(weights=weights, sigmas=sigmas, lr=best.config.lr, params=params)


def _arm_error(
    trials: Sequence[optuna.trial.FrozenTrial],
    evaluation_runs: list[TrialRecord],
    completed: list[TrialRecord],
) -> str | None:
    if completed:
        return None
    search_runs = [read(t) for t in trials]
    errors = [r.error for r in [*evaluation_runs, *search_runs] if r.error]
    return errors[0] if errors else "no trial of this arm completed"
