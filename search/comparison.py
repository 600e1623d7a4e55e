"""The comparison: every arm's final-evaluation runs side by side, and a verdict.

Built from the study's spec and tasks (its row's, in app/db) and its Optuna trials (the
`<study>/evaluation` study and each arm's search study), so it can be printed again, or served,
without training anything.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import optuna

from taskweights.search.arms import EVALUATION, REFERENCE, TUNED
from taskweights.search.diagnostics import diagnose
from taskweights.search.dynamics import compare_dynamics
from taskweights.search.errors import StudyNotFoundError
from taskweights.search.pareto import pareto_view, tuned_points
from taskweights.search.records import (
    TrialRecord,
    best_trial,
    counts_toward_budget,
    normalised,
    read,
    score_of,
)
from taskweights.search.results import (
    ArmConfig,
    ArmResult,
    Comparison,
    Compute,
    Match,
    Pareto,
    SeedRun,
    Summary,
    TuningCurve,
)
from taskweights.search.scores import Score, TaskInfo, delta_m
from taskweights.search.spec import FRONT_PREFIX, StudySpec
from taskweights.search.storage import optuna_study_name
from taskweights.search.tuning import trials_to_match, tuning_curve
from taskweights.search.verdict import decide


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
    maximize = Score(spec.score, tuple(tasks)).direction == "maximize"
    by_arm, completed = _evaluation_runs(evaluation)
    reference_runs = [r.test_metrics for r in completed.get(REFERENCE, []) if r.test_metrics]
    if not reference_runs:
        raise StudyNotFoundError(f"study {name!r} has no finished final evaluation yet.")
    reference = _mean_dicts(reference_runs)
    searches = {  # every search arm's trials, loaded once and read below
        arm: optuna.load_study(
            study_name=optuna_study_name(name, arm), storage=storage
        ).get_trials(deepcopy=False)
        for arm in spec.arm_names
    }
    best = {arm: best_trial(trials, maximize) for arm, trials in searches.items()}
    front = _front_arms(spec, by_arm)
    learned = [s.arm_name for s in spec.strategies]
    evaluated = [*front, *learned, *spec.frozen_arms.values()] if spec.pareto else None
    arms = []
    for arm in evaluated or spec.evaluated_arms:
        runs = [r for r in completed.get(arm, []) if r.test_metrics and r.seed is not None]
        arms.append(
            ArmResult(
                arm=arm,
                strategy=_strategy(spec, arm),
                config=_config(spec, arm, searches, best, runs),
                compute=_compute(searches.get(arm) or (searches[TUNED] if arm in front else [])),
                failed_runs=len(by_arm.get(arm, [])) - len(runs),
                error=_arm_error(searches.get(arm, []), by_arm.get(arm, []), runs),
                **_test_results(spec, tasks, runs, reference),
            )
        )
    curve, matches = _tuning(searches[TUNED], best, spec, maximize)
    verdicts = {
        tuned: decide(arms, spec.score, maximize, tasks, matches, tuned, learned)
        for tuned in front or [TUNED]
    }
    names = [t.name for t in tasks]
    return Comparison(
        study=name,
        score=spec.score,
        tasks=list(tasks),
        reference={n: Summary.of([r[n] for r in reference_runs]) for n in names},
        arms=arms,
        tuning_curve=curve,
        trials_to_match=matches,
        pareto=_pareto(searches[TUNED], best, tasks),
        diagnostics=diagnose(spec, arms, searches, completed, curve, maximize),
        verdict=verdicts[_pick_front_point(front, searches[TUNED]) if front else TUNED],
        front=list(verdicts.values()) if front else [],
        dynamics=compare_dynamics(arms, spec.frozen_arms, maximize, tasks),
    )


def _evaluation_runs(
    evaluation: optuna.Study,
) -> tuple[dict[str, list[TrialRecord]], dict[str, list[TrialRecord]]]:
    """Final-evaluation runs by arm: those that used up budget, and those that completed."""
    by_arm: dict[str, list[TrialRecord]] = {}
    completed: dict[str, list[TrialRecord]] = {}
    for trial in evaluation.get_trials(deepcopy=False):
        record = read(trial)
        if counts_toward_budget(trial) and record.arm is not None:
            by_arm.setdefault(record.arm, []).append(record)
            if trial.state == optuna.trial.TrialState.COMPLETE:
                completed.setdefault(record.arm, []).append(record)
    return by_arm, completed


def _front_arms(spec: StudySpec, by_arm: dict[str, list[TrialRecord]]) -> list[str]:
    """Under score: pareto, the evaluated front points' arms (`tuned-<trial>`), in trial order."""
    if not spec.pareto:
        return []
    found = [arm for arm in by_arm if arm.startswith(FRONT_PREFIX)]
    return sorted(found, key=_front_trial)


def _front_trial(arm: str) -> int:
    return int(arm.removeprefix(FRONT_PREFIX))


def _pick_front_point(front: list[str], tuned: Sequence[optuna.trial.FrozenTrial]) -> str:
    """The front point with the best validation score (Δm): the one a scalar search would
    have picked, chosen without looking at test data."""
    return max(front, key=lambda arm: score_of(tuned[_front_trial(arm)]) or -math.inf)


def _strategy(spec: StudySpec, arm: str) -> str:
    learned = {s.arm_name: s.name for s in spec.strategies}
    return learned.get(arm, "fixed")  # tuned, its front points and frozen arms: fixed weights


def _config(
    spec: StudySpec,
    arm: str,
    searches: dict[str, list[optuna.trial.FrozenTrial]],
    best: Mapping[str, optuna.trial.FrozenTrial | None],
    runs: list[TrialRecord],
) -> ArmConfig | None:
    if arm.startswith(FRONT_PREFIX) and spec.pareto:
        return _arm_config(True, searches[TUNED][_front_trial(arm)], runs)
    if arm not in searches:
        return _frozen_config(runs)
    return _arm_config(arm == TUNED, best[arm], runs)


def _test_results(
    spec: StudySpec,
    tasks: Sequence[TaskInfo],
    runs: list[TrialRecord],
    reference: dict[str, float],
) -> dict[str, Any]:
    """An arm's runs on the test split, each scored, and their summaries."""
    names = [t.name for t in tasks]
    directions = [t.higher_is_better for t in tasks]
    seed_runs = []
    for run in runs:
        test = run.test_metrics or {}
        dm = delta_m([test[n] for n in names], [reference[n] for n in names], directions)
        task = spec.score.removeprefix("task:") if spec.score.startswith("task:") else None
        score = dm if task is None else test[task]
        seed_runs.append(SeedRun(seed=run.seed or 0, test=test, delta_m=dm, score=score))
    if not seed_runs:
        return {"test": {}, "delta_m": None, "score": None, "runs": []}
    return {
        "test": {n: Summary.of([r.test[n] for r in seed_runs]) for n in names},
        "delta_m": Summary.of([r.delta_m for r in seed_runs]),
        "score": Summary.of([r.score for r in seed_runs]),
        "runs": seed_runs,
    }


def _tuning(
    tuned: Sequence[optuna.trial.FrozenTrial],
    best: Mapping[str, optuna.trial.FrozenTrial | None],
    spec: StudySpec,
    maximize: bool,
) -> tuple[TuningCurve | None, dict[str, Match]]:
    """The tuned arm's tuning curve (validation scores, in trial order), and the trials it
    needs to reach each learned arm's best validation score."""
    trials = [t for t in tuned if counts_toward_budget(t)]
    curve = tuning_curve([_search_score(t) for t in trials], spec.tuned.sampler, maximize)
    if curve is None:
        return None, {}
    matches = {}
    for arm, top in best.items():
        value = score_of(top) if top is not None else None
        if arm != TUNED and value is not None:
            matches[arm] = trials_to_match(curve, value, maximize)
    return curve, matches


def _pareto(
    tuned: Sequence[optuna.trial.FrozenTrial],
    best: Mapping[str, optuna.trial.FrozenTrial | None],
    tasks: Sequence[TaskInfo],
) -> Pareto | None:
    """The tuned trials' front of validation metrics, and each learned arm's best trial on it."""
    learned = {}
    for arm, top in best.items():
        metrics = read(top).val_metrics if top is not None else None
        if arm != TUNED and metrics:
            learned[arm] = metrics
    return pareto_view(tuned_points(tuned), learned, tasks)


def _search_score(trial: optuna.trial.FrozenTrial) -> float | None:
    """A completed trial's score; a pruned one's last report (what it had reached); None for
    one that failed."""
    if trial.state == optuna.trial.TrialState.COMPLETE:
        return score_of(trial)
    if trial.state == optuna.trial.TrialState.PRUNED and trial.intermediate_values:
        return trial.intermediate_values[max(trial.intermediate_values)]
    return None


def _arm_config(
    fixed: bool, best_search: optuna.trial.FrozenTrial | None, runs: list[TrialRecord]
) -> ArmConfig | None:
    """A searched arm's configuration: fixed weights as searched; learned ones as they ended."""
    if best_search is None:  # no trial of this arm completed
        return None
    best = read(best_search)
    if best.config is None or best.weights is None:
        return None
    params = {k: v for k, v in best.config.strategy_params.items() if k != "weights"}
    if fixed or not runs:
        weights, sigmas = normalised(best.weights), best.sigmas
    else:  # learned: what the weights became, averaged over the evaluation seeds
        weights = _mean_dicts([normalised(r.weights) for r in runs if r.weights])
        sigma_runs = [r.sigmas for r in runs if r.sigmas]
        sigmas = _mean_dicts(sigma_runs) if sigma_runs else None
    return ArmConfig(weights=weights, sigmas=sigmas, lr=best.config.lr, params=params)


def _frozen_config(runs: list[TrialRecord]) -> ArmConfig | None:
    """The weights a frozen arm trained with (every run the same), normalised like the others."""
    run = next((r for r in runs if r.weights and r.config), None)
    if run is None or run.weights is None or run.config is None:
        return None
    return ArmConfig(weights=normalised(run.weights), lr=run.config.lr)


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
