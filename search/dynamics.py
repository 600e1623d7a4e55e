"""Endpoint or dynamics: each learned arm against its final weights held fixed.

A learned weighting that beats fixed weights may win because it *found* good weights (then its
final weights, frozen and trained from scratch, do as well) or because the weights *moved*
during training (then the frozen copy falls behind). `analysis.frozen` trains the frozen copies
(search/evaluation.py); this module tests each learned arm against its copy on the seeds they
share, with the verdict's tests (search/verdict.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from taskweights.search.results import ArmResult, Dynamics
from taskweights.search.scores import TaskInfo
from taskweights.search.verdict import (
    Tested,
    corrected,
    holm,
    score_difference,
    task_differences,
    task_wins,
)


def compare_dynamics(
    arms: Sequence[ArmResult],
    frozen_arms: Mapping[str, str],
    maximize: bool,
    tasks: Sequence[TaskInfo],
) -> list[Dynamics]:
    """One `Dynamics` per learned arm whose frozen copy finished two runs or more."""
    by_name = {arm.arm: arm for arm in arms}
    tested: list[tuple[ArmResult, ArmResult, Tested]] = []
    for learned_name, frozen_name in frozen_arms.items():
        learned, frozen = by_name.get(learned_name), by_name.get(frozen_name)
        if learned is None or frozen is None:
            continue
        result = score_difference(learned, frozen, maximize)
        if result is not None:
            tested.append((learned, frozen, result))
    adjusted = holm([result.p_value for _, _, result in tested])
    found = []
    for (learned, frozen, result), p_holm in zip(tested, adjusted, strict=True):
        per_task = task_differences(learned, frozen, tasks)
        fields = corrected(result, p_holm)
        found.append(
            Dynamics(
                arm=learned.arm,
                frozen=frozen.arm,
                seeds=result.seeds,
                tasks=per_task,
                statement=_statement(learned.arm, frozen.arm, result, fields["significant"])
                + " "
                + task_wins(learned.arm, frozen.arm, per_task),
                **fields,
            )
        )
    return found


def _statement(learned: str, frozen: str, result: Tested, significant: bool) -> str:
    low, high = result.ci
    numbers = f"{result.difference:+.3g}, 95 % CI [{low:+.3g}, {high:+.3g}]"
    if not significant:
        return (
            f"{learned}'s final weights, held fixed ({frozen}), do as well as its dynamics "
            f"({learned} minus {frozen}: {numbers}, not significant): where its weights end, "
            "not how they move, explains its result."
        )
    if result.difference > 0:
        return (
            f"{learned}'s dynamics matter: it beats its final weights held fixed ({frozen}) "
            f"by {numbers}; the path the weights take, not only their endpoint, helps."
        )
    return (
        f"{learned}'s final weights, held fixed from the start ({frozen}), beat {learned} "
        f"itself ({learned} minus {frozen}: {numbers}): its weights end well but get there "
        "late."
    )
