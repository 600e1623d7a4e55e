"""The tuned front of validation metrics, and where each learned arm lands against it."""

from __future__ import annotations

import pytest

from taskweights.search.pareto import dominates, pareto_view, spread_front
from taskweights.search.results import ParetoPoint
from taskweights.search.scores import TaskInfo

TASKS = [
    TaskInfo(name="acc", metric="accuracy", higher_is_better=True),
    TaskInfo(name="rmse", metric="rmse", higher_is_better=False),
]


def point(trial: int, acc: float, rmse: float) -> ParetoPoint:
    return ParetoPoint(trial=trial, weights={}, metrics={"acc": acc, "rmse": rmse})


def test_domination_is_at_least_as_good_everywhere_and_better_somewhere() -> None:
    assert dominates((1.0, -0.2), (0.9, -0.3))
    assert dominates((1.0, -0.2), (1.0, -0.3))
    assert not dominates((1.0, -0.2), (1.0, -0.2))
    assert not dominates((1.0, -0.5), (0.9, -0.3))


def test_the_front_and_the_learned_arms_margins_by_hand() -> None:
    tuned = [
        point(0, acc=0.90, rmse=0.30),
        point(1, acc=0.95, rmse=0.40),
        point(2, acc=0.85, rmse=0.35),  # behind trial 0 on both: not on the front
        point(3, acc=0.80, rmse=0.20),
    ]
    learned = {
        "behind": {"acc": 0.84, "rmse": 0.36},  # trial 0 leads by 0.06 and 0.06; trial 3: -0.04
        "beyond": {"acc": 0.97, "rmse": 0.25},  # no front point better on both tasks
    }
    view = pareto_view(tuned, learned, TASKS)
    assert view is not None
    assert [p.trial for p in view.front] == [0, 1, 3]
    places = {p.arm: p for p in view.learned}
    assert places["behind"].dominated
    assert places["behind"].margin == pytest.approx(0.06)
    beyond = places["beyond"]
    assert not beyond.dominated
    # against trial 0: min(0.90 - 0.97, -0.30 + 0.25) = -0.07; trial 1: min(-0.02, -0.15)
    # = -0.15; trial 3: min(-0.17, 0.05) = -0.17: the largest, -0.07
    assert beyond.margin == pytest.approx(-0.07)


def test_no_tuned_trial_no_view() -> None:
    assert pareto_view([], {"uncertainty": {"acc": 0.9, "rmse": 0.1}}, TASKS) is None


def test_spread_front_keeps_each_tasks_best_then_the_farthest_points() -> None:
    # a front of five: each step buys accuracy with error; and one dominated trial
    front = [point(i, acc=0.5 + 0.1 * i, rmse=0.1 + 0.1 * i) for i in range(5)]
    tuned = [*front, point(9, acc=0.4, rmse=0.9)]
    assert [p.trial for p in spread_front(tuned, TASKS, 10)] == [0, 1, 2, 3, 4]
    # both ends first (best acc is trial 4, best rmse trial 0), then the farthest: the middle
    assert [p.trial for p in spread_front(tuned, TASKS, 3)] == [0, 2, 4]
    assert [p.trial for p in spread_front(tuned, TASKS, 2)] == [0, 4]
    assert [p.trial for p in spread_front(tuned, TASKS, 1)] == [4]  # the first task's best


def test_spread_front_with_three_tasks_covers_every_tasks_best() -> None:
    tasks = [*TASKS, TaskInfo(name="f1", metric="f1", higher_is_better=True)]

    def p3(trial: int, acc: float, rmse: float, f1: float) -> ParetoPoint:
        return ParetoPoint(trial=trial, weights={}, metrics={"acc": acc, "rmse": rmse, "f1": f1})

    tuned = [
        p3(0, 0.9, 0.5, 0.5),  # best acc
        p3(1, 0.5, 0.1, 0.5),  # best rmse
        p3(2, 0.5, 0.5, 0.9),  # best f1
        p3(3, 0.7, 0.3, 0.7),  # the middle
        p3(4, 0.69, 0.31, 0.69),  # next to the middle
    ]
    assert [p.trial for p in spread_front(tuned, tasks, 3)] == [0, 1, 2]
    assert [p.trial for p in spread_front(tuned, tasks, 4)] == [0, 1, 2, 3]
