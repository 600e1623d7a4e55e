"""Where each learned arm lands against the tuned arm's Pareto front of per-task validation
metrics: a weighting is one point on the trade-off between tasks, and the tuned trials map out
the trade-offs fixed weights can reach.

Metrics are oriented so that higher is better (a lower-is-better metric is negated); a point
dominates another when it is at least as good on every task and better on one. The margin of a
learned arm is the additive epsilon of the multi-objective literature, max over front points p
of min over tasks (p_t - l_t): positive, every task of the best such point beats the learned arm
by at least that much (it is dominated); zero or negative, no front point is better on every
task, and the learned arm is that far beyond the front on its best task against each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import optuna

from taskweights.search.records import normalised, read
from taskweights.search.results import LearnedPosition, Pareto, ParetoPoint
from taskweights.search.scores import TaskInfo

Point = tuple[float, ...]


def oriented(metrics: Mapping[str, float], tasks: Sequence[TaskInfo]) -> Point:
    return tuple(metrics[t.name] if t.higher_is_better else -metrics[t.name] for t in tasks)


def dominates(a: Point, b: Point) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and a != b


def tuned_points(trials: Sequence[optuna.trial.FrozenTrial]) -> list[ParetoPoint]:
    """The completed tuned trials as points: validation metrics and weights (summing to 1)."""
    points = []
    for trial in trials:
        record = read(trial)
        if trial.state == optuna.trial.TrialState.COMPLETE and record.val_metrics:
            weights = normalised(record.weights or {})
            points.append(
                ParetoPoint(trial=trial.number, weights=weights, metrics=record.val_metrics)
            )
    return points


def non_dominated(
    tuned: Sequence[ParetoPoint], tasks: Sequence[TaskInfo]
) -> list[tuple[ParetoPoint, Point]]:
    """The points no other point dominates, with their oriented metrics, in the given order."""
    points = [(trial, oriented(trial.metrics, tasks)) for trial in tuned]
    return [
        (trial, point)
        for trial, point in points
        if not any(dominates(other, point) for _, other in points)
    ]


def spread_front(
    tuned: Sequence[ParetoPoint], tasks: Sequence[TaskInfo], count: int
) -> list[ParetoPoint]:
    """At most `count` front points spread along the front, in trial order.

    Each task's best point first (the front's ends), then, one at a time, the point farthest
    from those chosen, with every task's metric scaled to [0, 1] over the front: greedy
    farthest-point sampling, deterministic (ties go to the lower trial number).
    """
    front = sorted(non_dominated(tuned, tasks), key=lambda item: item[0].trial)
    if len(front) <= count:
        return [trial for trial, _ in front]
    low = [min(p[i] for _, p in front) for i in range(len(tasks))]
    high = [max(p[i] for _, p in front) for i in range(len(tasks))]
    scaled = [
        tuple(
            (x - lo) / (hi - lo) if hi > lo else 0.0
            for x, lo, hi in zip(p, low, high, strict=True)
        )
        for _, p in front
    ]
    chosen: list[int] = []
    for i in range(len(tasks)):
        best = max(range(len(front)), key=lambda j: (scaled[j][i], -j))
        if best not in chosen and len(chosen) < count:
            chosen.append(best)
    while len(chosen) < count:
        farthest = max(
            (j for j in range(len(front)) if j not in chosen),
            key=lambda j: (min(_distance(scaled[j], scaled[c]) for c in chosen), -j),
        )
        chosen.append(farthest)
    return [front[j][0] for j in sorted(chosen)]


def _scaled(point: Point, low: Sequence[float], high: Sequence[float]) -> Point:
    return tuple(
        (x - lo) / (hi - lo) if hi > lo else 0.0
        for x, lo, hi in zip(point, low, high, strict=True)
    )


def _distance(a: Point, b: Point) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def pareto_view(
    tuned: Sequence[ParetoPoint],
    learned: Mapping[str, Mapping[str, float]],
    tasks: Sequence[TaskInfo],
) -> Pareto | None:
    """`tuned`: the tuned trials (with their validation metrics); `learned`: each learned arm's
    best search trial's validation metrics. None without a tuned trial."""
    if not tuned:
        return None
    front = non_dominated(tuned, tasks)
    positions = []
    for arm, metrics in learned.items():
        own = oriented(metrics, tasks)
        margin = max(min(p - o for p, o in zip(point, own, strict=True)) for _, point in front)
        positions.append(
            LearnedPosition(
                arm=arm,
                metrics=dict(metrics),
                dominated=any(dominates(point, own) for _, point in front),
                margin=margin,
            )
        )
    on_front = {trial.trial for trial, _ in front}
    return Pareto(
        front=[trial for trial, _ in front],
        learned=positions,
        dominated=[trial for trial in tuned if trial.trial not in on_front],
    )
