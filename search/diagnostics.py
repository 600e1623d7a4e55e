"""Warnings where a result cannot be taken at face value: each a code, the arm and task it is
about, and a sentence that says why and what to do.

Read from what the study stored (trials, their records, the evaluation runs): no training.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence

import optuna
from optuna.trial import TrialState

from taskweights.search.arms import TUNED
from taskweights.search.records import (
    TrialRecord,
    best_trial,
    counts_toward_budget,
    read,
    score_of,
)
from taskweights.search.results import ArmResult, Diagnostic, TuningCurve
from taskweights.search.spec import STATIC_STRATEGIES, StudySpec

EDGE = 0.05  # of the weight range's width on the log scale
LATE = 0.8  # the last 20 % of the budget
COLLAPSE = 0.9  # of the (normalised) weight on one task
SIGMA_BAND = (0.8, 1.25)  # sigma^2 against the task's training loss times the kind's factor
CURSE_SPREADS = 2.0  # the search's best beyond its retrains' mean, in their standard deviations


def diagnose(
    spec: StudySpec,
    arms: Sequence[ArmResult],
    searches: Mapping[str, Sequence[optuna.trial.FrozenTrial]],
    evaluations: Mapping[str, Sequence[TrialRecord]],
    curve: TuningCurve | None,
    maximize: bool,
) -> list[Diagnostic]:
    """`searches`: each arm's search trials; `evaluations`: each arm's completed runs."""
    tuned = searches.get(TUNED, [])
    best = best_trial(tuned, maximize)  # the tuned arm's pick, which three of these judge
    found = [
        *_weights_at_range_edge(spec, best),
        *_budget_small(tuned, best, curve),
        *_winners_curse(arms, best, maximize),
        *_weight_collapse(arms),
        *_sigmas_not_converged(spec, evaluations),
        *_duplicate_trials(tuned),
    ]
    for arm, trials in searches.items():
        found += _failed_trials(arm, trials)
    return found


def _weights_at_range_edge(
    spec: StudySpec, best: optuna.trial.FrozenTrial | None
) -> list[Diagnostic]:
    if best is None:
        return []
    low, high = (math.log(bound) for bound in spec.tuned.weight_range)
    found = []
    for name, value in best.params.items():
        if not name.startswith("w_"):
            continue
        position = (math.log(value) - low) / (high - low)
        if position < EDGE or position > 1 - EDGE:
            edge = "lower" if position < EDGE else "upper"
            found.append(
                Diagnostic(
                    code="weight_at_range_edge",
                    arm=TUNED,
                    task=name.removeprefix("w_"),
                    message=(
                        f"the best tuned weight {value:.3g} is at the {edge} edge of "
                        f"weight_range {list(spec.tuned.weight_range)}: widen the range"
                    ),
                )
            )
    return found


def _budget_small(
    tuned: Sequence[optuna.trial.FrozenTrial],
    top: optuna.trial.FrozenTrial | None,
    curve: TuningCurve | None,
) -> list[Diagnostic]:
    used = [t for t in tuned if counts_toward_budget(t)]  # the best, completed, is among them
    if top is None or len(used) < 2:
        return []
    best = used.index(top)
    reasons = []
    if best >= LATE * len(used):
        reasons.append(f"the best trial was number {best + 1} of {len(used)}")
    if curve is not None:
        late = curve.points[max(math.ceil(LATE * len(curve.points)) - 1, 0)].mid
        last = curve.points[-1].mid
        if late is not None and last is not None and last != late:
            reasons.append(f"the tuning curve still moves from {late:.3g} to {last:.3g}")
    if not reasons:
        return []
    return [
        Diagnostic(
            code="budget_small",
            arm=TUNED,
            task=None,
            message=(
                "tuning had not levelled off in the last 20 % of its budget "
                f"({'; '.join(reasons)}): more trials may find better weights"
            ),
        )
    ]


def _winners_curse(
    arms: Sequence[ArmResult], top: optuna.trial.FrozenTrial | None, maximize: bool
) -> list[Diagnostic]:
    arm = next((a for a in arms if a.arm == TUNED), None)
    best = score_of(top) if top is not None else None
    if arm is None or len(arm.runs) < 2 or best is None:
        return []
    scores = [run.score for run in arm.runs]
    mean, spread = statistics.fmean(scores), statistics.stdev(scores)
    gap = best - mean if maximize else mean - best
    if spread <= 0 or gap <= CURSE_SPREADS * spread:
        return []
    return [
        Diagnostic(
            code="winners_curse",
            arm=TUNED,
            task=None,
            message=(
                f"the best search trial scored {best:.3g}, its retrains on fresh seeds "
                f"{mean:.3g}±{spread:.2g}: picking the best of many trials flattered it"
            ),
        )
    ]


def _weight_collapse(arms: Sequence[ArmResult]) -> list[Diagnostic]:
    found = []
    for arm in arms:
        if arm.strategy in STATIC_STRATEGIES or arm.config is None:
            continue  # fixed weights were chosen (tuned, frozen, equal), not learned
        task, weight = max(arm.config.weights.items(), key=lambda item: item[1])
        if weight > COLLAPSE:
            found.append(
                Diagnostic(
                    code="weight_collapse",
                    arm=arm.arm,
                    task=task,
                    message=(
                        f"{arm.arm} ended with {weight:.0%} of the weight on {task}: "
                        "the other tasks barely train"
                    ),
                )
            )
    return found


def _sigmas_not_converged(
    spec: StudySpec, evaluations: Mapping[str, Sequence[TrialRecord]]
) -> list[Diagnostic]:
    """At its optimum, Kendall's term puts sigma^2 at (2 x factor) x the task's loss, i.e. its
    effective weight w = factor / sigma^2 at 1 / (2 L): the ratio 1 / (2 w L) should be 1."""
    uncertainty = {s.arm_name for s in spec.strategies if s.name == "uncertainty"}
    found = []
    for arm in uncertainty:
        runs = [r for r in evaluations.get(arm, []) if r.weights and r.train_loss]
        if not runs:
            continue
        for task in runs[0].weights or {}:
            ratios = [
                1 / (2 * (r.weights or {})[task] * (r.train_loss or {})[task])
                for r in runs
                if (r.train_loss or {}).get(task)
            ]
            if not ratios:
                continue
            ratio = statistics.fmean(ratios)
            if not SIGMA_BAND[0] <= ratio <= SIGMA_BAND[1]:
                found.append(
                    Diagnostic(
                        code="sigma_not_converged",
                        arm=arm,
                        task=task,
                        message=(
                            f"at the last epoch sigma^2 is {ratio:.2f}x its optimum for the "
                            f"task's training loss (want {SIGMA_BAND[0]}-{SIGMA_BAND[1]}): "
                            "sigma had not converged; train longer or raise sigma_lr"
                        ),
                    )
                )
    return found


def _failed_trials(arm: str, trials: Sequence[optuna.trial.FrozenTrial]) -> list[Diagnostic]:
    failed = [t for t in trials if t.state == TrialState.FAIL and counts_toward_budget(t)]
    if not failed:
        return []
    reasons = Counter(read(t).error for t in failed)
    reason, times = reasons.most_common(1)[0]
    return [
        Diagnostic(
            code="failed_trials",
            arm=arm,
            task=None,
            message=(
                f"{len(failed)} of {len(trials)} trials failed; most often ({times}x): {reason}"
            ),
        )
    ]


def _duplicate_trials(tuned: Sequence[optuna.trial.FrozenTrial]) -> list[Diagnostic]:
    counted = Counter(
        tuple(sorted(t.params.items())) for t in tuned if counts_toward_budget(t) and t.params
    )
    repeats = sum(n - 1 for n in counted.values() if n > 1)
    if not repeats:
        return []
    return [
        Diagnostic(
            code="duplicate_trials",
            arm=TUNED,
            task=None,
            message=f"{repeats} tuned trials repeated an earlier trial's weights: budget wasted",
        )
    ]
