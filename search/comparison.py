"""The comparison: every arm's final-evaluation runs side by side, and a verdict.

Built from storage alone (the `<study>/evaluation` study and each arm's search study), so it can
be printed again, or served, without training anything.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import optuna
from scipy import stats

from taskweights.search.arms import EVALUATION, REFERENCE, TUNED, Config
from taskweights.search.errors import StudyNotFoundError
from taskweights.search.records import counts_toward_budget
from taskweights.search.results import (
    ArmConfig,
    ArmResult,
    Comparison,
    Compute,
    SeedRun,
    Summary,
    Verdict,
)
from taskweights.search.scores import TaskInfo, delta_m
from taskweights.search.storage import optuna_study_name
from taskweights.search.studies import TASKS_ATTR, stored_study_spec

SIGNIFICANCE_LEVEL = 0.05


def normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {task: w / total for task, w in weights.items()}


def _mean_dicts(dicts: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.fmean(d[key] for d in dicts) for key in dicts[0]}


def _compute(study: optuna.Study) -> Compute:
    finished = [t for t in study.get_trials(deepcopy=False) if counts_toward_budget(t)]
    return Compute(
        trials=len(finished),
        epochs=sum(t.user_attrs.get("epochs", len(t.intermediate_values)) for t in finished),
        seconds=round(sum(t.duration.total_seconds() for t in finished if t.duration), 2),
    )


def _better(a: float, b: float, maximize: bool) -> bool:
    return a > b if maximize else a < b


def decide(arms: list[ArmResult], score: str, maximize: bool) -> Verdict:
    ranked = sorted(
        (a for a in arms if a.score is not None and len(a.runs) >= 2),
        key=lambda a: a.score.mean if a.score else 0.0,
        reverse=maximize,
    )
    if not ranked:
        return Verdict(
            best=None,
            runner_up=None,
            difference=None,
            p_value=None,
            significant=False,
            statement="No arm finished two evaluation runs.",
        )
    best = ranked[0]
    if len(ranked) == 1:
        return Verdict(
            best=best.arm,
            runner_up=None,
            difference=None,
            p_value=None,
            significant=False,
            statement=f"{best.arm} is the only arm evaluated.",
        )
    runner_up = ranked[1]
    a, b = [r.score for r in best.runs], [r.score for r in runner_up.runs]
    difference = statistics.fmean(a) - statistics.fmean(b)
    p_value = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    if math.isnan(p_value):  # both arms identical on every seed
        p_value = 1.0
    significant = p_value < SIGNIFICANCE_LEVEL
    unit = " points of Δm (%)" if score == "delta_m" else f" ({score})"
    statement = (
        f"{best.arm} beats {runner_up.arm} by {abs(difference):.3g}{unit}; "
        f"Welch's t-test over {len(a)} and {len(b)} seeds gives p = {p_value:.3g}: "
        + ("significant" if significant else "not significant")
        + f" at {SIGNIFICANCE_LEVEL}."
    )
    return Verdict(
        best=best.arm,
        runner_up=runner_up.arm,
        difference=difference,
        p_value=p_value,
        significant=significant,
        statement=statement,
    )


def load_comparison(storage: optuna.storages.BaseStorage, name: str) -> Comparison:
    """Rebuild a finished study's comparison from its Optuna studies."""
    try:
        evaluation = optuna.load_study(
            study_name=optuna_study_name(name, EVALUATION), storage=storage
        )
    except KeyError:
        raise StudyNotFoundError(f"no study named {name!r} in this database.") from None
    spec = stored_study_spec(evaluation)
    tasks = [TaskInfo.model_validate(t) for t in evaluation.user_attrs[TASKS_ATTR]]
    directions = [t.higher_is_better for t in tasks]
    maximize = evaluation.direction == optuna.study.StudyDirection.MAXIMIZE
    trials = evaluation.get_trials(deepcopy=False)
    by_arm: dict[str, list[optuna.trial.FrozenTrial]] = {}
    for trial in trials:
        if counts_toward_budget(trial):
            by_arm.setdefault(trial.user_attrs["arm"], []).append(trial)
    completed = {
        arm: [t for t in runs if t.state == optuna.trial.TrialState.COMPLETE]
        for arm, runs in by_arm.items()
    }
    reference_runs = [t.user_attrs["test_metrics"] for t in completed.get(REFERENCE, [])]
    if not reference_runs:
        raise StudyNotFoundError(f"study {name!r} has no finished final evaluation yet.")
    reference = _mean_dicts(reference_runs)
    names = [t.name for t in tasks]
    arms = []
    strategies = {"tuned": "fixed"} | {s.arm_name: s.name for s in spec.strategies}
    for arm in spec.arm_names:
        runs = completed.get(arm, [])
        arm_study = optuna.load_study(study_name=optuna_study_name(name, arm), storage=storage)
        seed_runs = []
        for t in runs:
            test = t.user_attrs["test_metrics"]
            dm = delta_m([test[n] for n in names], [reference[n] for n in names], directions)
            score = dm if spec.score == "delta_m" else test[spec.score.removeprefix("task:")]
            seed_runs.append(
                SeedRun(seed=t.user_attrs["seed"], test=test, delta_m=dm, score=score)
            )
        arms.append(
            ArmResult(
                arm=arm,
                strategy=strategies[arm],
                config=_arm_config(arm, arm_study, runs),
                test={n: Summary.of([r.test[n] for r in seed_runs]) for n in names}
                if runs
                else {},
                delta_m=Summary.of([r.delta_m for r in seed_runs]) if runs else None,
                score=Summary.of([r.score for r in seed_runs]) if runs else None,
                compute=_compute(arm_study),
                runs=seed_runs,
                failed_runs=len(by_arm.get(arm, [])) - len(runs),
                error=_arm_error(arm_study, by_arm.get(arm, []), runs),
            )
        )
    reference_summary = {n: Summary.of([r[n] for r in reference_runs]) for n in names}
    return Comparison(
        study=name,
        score=spec.score,
        tasks=tasks,
        reference=reference_summary,
        arms=arms,
        verdict=decide(arms, spec.score, maximize),
    )


def _arm_config(
    arm: str, arm_study: optuna.Study, runs: list[optuna.trial.FrozenTrial]
) -> ArmConfig | None:
    try:
        best = arm_study.best_trial
    except ValueError:
        return None
    config = Config.from_attrs(best.user_attrs["config"])
    params = {k: v for k, v in config.strategy_params.items() if k != "weights"}
    if arm == TUNED or not runs:
        weights = normalised(best.user_attrs["weights"])
        sigmas = best.user_attrs.get("sigmas")
    else:  # learned: what the weights became, averaged over the evaluation seeds
        weights = _mean_dicts([normalised(t.user_attrs["weights"]) for t in runs])
        sigma_runs = [t.user_attrs["sigmas"] for t in runs if t.user_attrs.get("sigmas")]
        sigmas = _mean_dicts(sigma_runs) if sigma_runs else None
    return ArmConfig(weights=weights, sigmas=sigmas, lr=config.lr, params=params)


def _arm_error(
    arm_study: optuna.Study,
    evaluation_runs: list[optuna.trial.FrozenTrial],
    completed: list[optuna.trial.FrozenTrial],
) -> str | None:
    if completed:
        return None
    failed = [t for t in [*evaluation_runs, *arm_study.trials] if "error" in t.user_attrs]
    if failed:
        return failed[0].user_attrs["error"]
    return "no trial of this arm completed"
