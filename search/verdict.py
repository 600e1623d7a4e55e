"""The verdict: tune or learn? The tuned arm against each learned arm, on the seeds they share.

Every arm's final-evaluation runs use the same fresh seeds, so a run of one arm pairs with the
run of another on the same seed: the test is a paired t-test on the per-seed differences (it
removes what a seed does to both), with Welch's t-test where runs do not pair up. Pairs are
corrected with Holm over the learned arms, per-task differences with Holm over the tasks. The
answer weighs the tuned arm against the learned arm with the best mean score.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scipy import stats

from taskweights.search.arms import TUNED
from taskweights.search.results import (
    Answer,
    ArmResult,
    Match,
    Pair,
    TaskDifference,
    Verdict,
)
from taskweights.search.scores import TaskInfo

ALPHA = 0.05


@dataclass(frozen=True)
class Tested:
    difference: float
    ci: tuple[float, float]
    p_value: float
    seeds: int
    paired: bool


def compare_by_seed(first: dict[int, float], second: dict[int, float]) -> Tested | None:
    """First minus second, by seed: paired where at least two seeds are shared, else Welch's
    test on all runs; None with fewer than two runs on a side."""
    shared = sorted(first.keys() & second.keys())
    if len(shared) >= 2:
        differences = [first[seed] - second[seed] for seed in shared]
        mean = statistics.fmean(differences)
        if _constant(differences, mean):  # the t statistic is undefined: no doubt left
            return Tested(mean, (mean, mean), 1.0 if mean == 0 else 0.0, len(shared), True)
        result = stats.ttest_rel([first[s] for s in shared], [second[s] for s in shared])
        return _tested(mean, result, len(shared), paired=True)
    a, b = list(first.values()), list(second.values())
    if len(a) < 2 or len(b) < 2:
        return None
    mean = statistics.fmean(a) - statistics.fmean(b)
    if _constant(a, statistics.fmean(a)) and _constant(b, statistics.fmean(b)):
        return Tested(mean, (mean, mean), 1.0 if mean == 0 else 0.0, min(len(a), len(b)), False)
    result = stats.ttest_ind(a, b, equal_var=False)
    return _tested(mean, result, min(len(a), len(b)), paired=False)


def _constant(values: Sequence[float], mean: float) -> bool:
    """No spread beyond float rounding (a t-test on it divides rounding noise by itself)."""
    return statistics.stdev(values) <= 1e-12 + 1e-9 * abs(mean)


def _tested(mean: float, result: object, seeds: int, paired: bool) -> Tested:
    interval = result.confidence_interval(1 - ALPHA)  # type: ignore[attr-defined]
    p_value = float(result.pvalue)  # type: ignore[attr-defined]
    return Tested(mean, (float(interval.low), float(interval.high)), p_value, seeds, paired)


def corrected(tested: Tested, p_holm: float) -> dict[str, Any]:
    """A test's fields as the results show them, with its Holm-corrected p."""
    return {
        "difference": tested.difference,
        "ci": tested.ci,
        "p_value": tested.p_value,
        "p_holm": p_holm,
        "significant": p_holm < ALPHA,
    }


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: the i-th smallest p times (m - i), kept monotone."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def oriented(tested: Tested, higher_is_better: bool) -> Tested:
    """Positive = the first arm better, whatever the metric's direction."""
    if higher_is_better:
        return tested
    low, high = tested.ci
    return Tested(-tested.difference, (-high, -low), tested.p_value, tested.seeds, tested.paired)


def score_difference(first: ArmResult, second: ArmResult, maximize: bool) -> Tested | None:
    """First minus second on the study's score, by seed; positive = first better."""
    result = compare_by_seed(
        {r.seed: r.score for r in first.runs}, {r.seed: r.score for r in second.runs}
    )
    return None if result is None else oriented(result, maximize)


def task_differences(
    first: ArmResult, second: ArmResult, tasks: Sequence[TaskInfo]
) -> list[TaskDifference]:
    """First minus second per task test metric (positive = first better), Holm over tasks."""
    tested = []
    for task in tasks:
        result = compare_by_seed(
            {r.seed: r.test[task.name] for r in first.runs},
            {r.seed: r.test[task.name] for r in second.runs},
        )
        if result is not None:
            tested.append((task.name, oriented(result, task.higher_is_better)))
    adjusted = holm([t.p_value for _, t in tested])
    return [
        TaskDifference(task=name, **corrected(t, p))
        for (name, t), p in zip(tested, adjusted, strict=True)
    ]


def decide(
    arms: Sequence[ArmResult],
    score: str,
    maximize: bool,
    tasks: Sequence[TaskInfo],
    matches: Mapping[str, Match] | None = None,
    tuned_arm: str = TUNED,
    learned_arms: Collection[str] | None = None,
) -> Verdict:
    """Tune or learn: `tuned_arm` against `learned_arms` (default: every other arm); arms in
    neither (frozen copies, other front points) take no part."""
    tuned = next((a for a in arms if a.arm == tuned_arm and len(a.runs) >= 2), None)
    learned = [
        a
        for a in arms
        if a.arm != tuned_arm
        and (learned_arms is None or a.arm in learned_arms)
        and len(a.runs) >= 2
    ]
    if tuned is None or not learned:
        side = "the tuned arm" if tuned is None else "no learned arm"
        return Verdict(
            answer=None,
            tuned=tuned.arm if tuned else None,
            learned=None,
            test="none",
            pairs=[],
            statement=f"No verdict: {side} finished two evaluation runs.",
        )
    tested = {}
    for arm in learned:
        result = score_difference(tuned, arm, maximize)
        if result is not None:
            tested[arm.arm] = result
    adjusted = holm([t.p_value for t in tested.values()])
    pairs = [
        Pair(
            arm=name,
            **corrected(t, p),
            seeds=t.seeds,
            tasks=task_differences(tuned, next(a for a in learned if a.arm == name), tasks),
        )
        for (name, t), p in zip(tested.items(), adjusted, strict=True)
    ]
    sign = 1 if maximize else -1
    best = max(learned, key=lambda a: sign * a.score.mean if a.score else -math.inf)
    pair = next(p for p in pairs if p.arm == best.arm)
    match = (matches or {}).get(best.arm)
    answer: Answer = ("tune" if pair.difference > 0 else "learn") if pair.significant else "tie"
    paired = all(t.paired for t in tested.values())
    test = (
        f"paired t-test over {pair.seeds} shared seeds"
        if paired
        else "Welch's t-test (runs do not share seeds)"
    )
    return Verdict(
        answer=answer,
        tuned=tuned.arm,
        learned=best.arm,
        test=test,
        pairs=pairs,
        statement=_statement(answer, tuned, best, pair, score, test, match),
    )


def _statement(
    answer: Answer,
    tuned: ArmResult,
    learned: ArmResult,
    pair: Pair,
    score: str,
    test: str,
    match: Match | None,
) -> str:
    unit = f"({score})" if score.startswith("task:") else "points of Δm (%)"
    low, high = pair.ci
    better = "better" if pair.difference >= 0 else "worse"
    numbers = (
        f"{tuned.arm} scores {abs(pair.difference):.3g} {unit} {better}, 95 % CI of the "
        f"difference [{low:+.3g}, {high:+.3g}], {test}, Holm p = {pair.p_holm:.3g}"
    )
    if answer == "tie":
        head = (
            f"Tie: {tuned.arm} and {learned.arm} (the best learned arm) do not differ "
            "significantly"
        )
    else:
        winner, loser = (tuned.arm, learned.arm) if answer == "tune" else (learned.arm, tuned.arm)
        head = f"{answer.capitalize()}: {winner} beats {loser}"
    wins = task_wins(tuned.arm, learned.arm, pair.tasks)
    return f"{head} ({numbers}). {_cost(tuned, learned, match)} {wins}"


def _cost(tuned: ArmResult, learned: ArmResult, match: Match | None) -> str:
    """What tuning paid: the trials it needed to match the learned arm, and its compute."""
    ratio = tuned.compute.epochs / max(learned.compute.epochs, 1)
    spent = f"Tuning spent {ratio:.3g}x the search epochs of {learned.arm}"
    if match is None:
        return spent + "."
    if match.mid is None:
        return (
            f"{spent}, and its {tuned.compute.trials} trials did not reach {learned.arm}'s "
            "validation score."
        )
    band = f"{match.low or '?'}-{match.high or 'more than the budget'}"
    trials = "trial" if match.mid == 1 else "trials"
    return (
        f"{spent}; it needed {match.mid} {trials} ({band}) to reach {learned.arm}'s "
        f"validation score, {match.mid / max(learned.compute.trials, 1):.3g}x its trials."
    )


def task_wins(first: str, second: str, tasks: Sequence[TaskDifference]) -> str:
    won = {
        first: [t.task for t in tasks if t.significant and t.difference > 0],
        second: [t.task for t in tasks if t.significant and t.difference < 0],
    }
    said = [f"{arm} wins {', '.join(names)}" for arm, names in won.items() if names]
    return ("Per task: " + "; ".join(said) + ".") if said else "No task differs significantly."
