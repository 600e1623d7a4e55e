"""Scores: how a run's per-task metrics become the one number trials are ranked by.

`delta_m` is the multi-task literature's Δm (Maninis et al. 2019; Vandenhende et al. 2021): the
mean over tasks of the signed relative change of each metric against a reference run, in
percent, signed so that positive is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel

Direction = Literal["maximize", "minimize"]


class TaskLike(Protocol):
    """What a score needs of a task: a model's `Task`, or a stored `TaskInfo`."""

    @property
    def name(self) -> str: ...

    @property
    def higher_is_better(self) -> bool: ...


class TaskInfo(BaseModel):
    """A task as stored with a study and shown in its comparison (no tensors, no torch)."""

    name: str
    metric: str
    higher_is_better: bool


def delta_m(
    metrics: Sequence[float], reference: Sequence[float], higher_is_better: Sequence[bool]
) -> float:
    changes = [
        (1.0 if higher else -1.0) * (value - ref) / abs(ref)
        for value, ref, higher in zip(metrics, reference, higher_is_better, strict=True)
    ]
    return 100.0 * sum(changes) / len(changes)


@dataclass(frozen=True)
class Score:
    """`delta_m` against a reference, or one task's metric (`task:<name>`). Under `pareto` the
    tuned arm searches every task's metric, and Δm ranks everything else."""

    name: str
    tasks: tuple[TaskLike, ...]

    @property
    def task_index(self) -> int | None:
        if not self.name.startswith("task:"):
            return None
        return [t.name for t in self.tasks].index(self.name.removeprefix("task:"))

    @property
    def direction(self) -> Direction:
        index = self.task_index
        if index is None or self.tasks[index].higher_is_better:
            return "maximize"
        return "minimize"

    @property
    def task_directions(self) -> list[Direction]:
        """Each task metric's direction: the objectives of a front search (score: pareto)."""
        return ["maximize" if task.higher_is_better else "minimize" for task in self.tasks]

    def __call__(self, metrics: Sequence[float], reference: Sequence[float]) -> float:
        index = self.task_index
        if index is None:
            return delta_m(metrics, reference, [task.higher_is_better for task in self.tasks])
        return metrics[index]

    def better(self, a: float, b: float) -> bool:
        return a > b if self.direction == "maximize" else a < b
