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

from taskweights.search.results import LearnedPosition, Pareto, ParetoPoint
from taskweights.search.scores import TaskInfo

Point = tuple[float, ...]


def oriented(metrics: Mapping[str, float], tasks: Sequence[TaskInfo]) -> Point:
    return tuple(metrics[t.name] if t.higher_is_better else -metrics[t.name] for t in tasks)


def dominates(a: Point, b: Point) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and a != b


def pareto_view(
    tuned: Sequence[ParetoPoint],
    learned: Mapping[str, Mapping[str, float]],
    tasks: Sequence[TaskInfo],
) -> Pareto | None:
    """`tuned`: the tuned trials (with their validation metrics); `learned`: each learned arm's
    best search trial's validation metrics. None without a tuned trial."""
    if not tuned:
        return None
    points = [(trial, oriented(trial.metrics, tasks)) for trial in tuned]
    front = [
        (trial, point)
        for trial, point in points
        if not any(dominates(other, point) for _, other in points)
    ]
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
    return Pareto(front=[trial for trial, _ in front], learned=positions)
