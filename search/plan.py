"""The schedule of a study, in one place: its units of work, their order, and how each runs.

A study is a sequence of stages; every unit of a stage must finish before the next stage's
units exist, because each stage needs what the one before produced:

    stage 0  reference   one unit: equal weights on the search seed (the Δm baseline)
    stage 1  search      up to `slots` units per arm; the arm's trials are shared by its units
    stage 2  evaluation  one unit: equal weights on every evaluation seed (the test baseline)
    stage 3  evaluation  one unit per (arm, evaluation seed); under score: pareto, the tuned
                         arm's per (front point, evaluation seed)
    stage 4  evaluation  one unit per (frozen arm, evaluation seed), when `analysis.frozen`
                         asks for them: a frozen arm's weights are its learned arm's final
                         weights in stage 3
    DONE

A stage without units (stage 4 of most studies) is passed over (`next_stage`).

The work queue (taskweights.app.db.queue) stores these units as rows and asks `units_of` what the
next stage holds; a worker runs the unit it claims with `run_unit`. A local run
(`taskweights run`, `tw.run_study`) is a worker of its own study, so it walks the same queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import optuna

from taskweights.search.arms import REFERENCE, build_arms, evaluation_slots
from taskweights.search.events import Phase
from taskweights.search.spec import StudySpec
from taskweights.search.studies import prepare_study

if TYPE_CHECKING:  # the context holds a built problem: torch
    from taskweights.search.trials import StudyContext

STAGE_PHASES: tuple[Phase, ...] = ("reference", "search", "evaluation", "evaluation", "evaluation")
DONE = len(STAGE_PHASES)
MAX_SLOTS = 8  # processes that can share one arm's trials


@dataclass(frozen=True, order=True)
class Unit:
    """One claimable piece of a study: a stage, the arm it works on, and its slot.

    For a search unit the slot tells the processes sharing an arm apart; for an arm's
    evaluation unit it is the index of the evaluation seed.
    """

    stage: int
    arm: str
    slot: int = 0

    @property
    def phase(self) -> Phase:
        return STAGE_PHASES[self.stage]


def phase_of(stage: int) -> Phase | Literal["done"]:
    """What users see of a stage: reference, search, evaluation, or done."""
    return "done" if stage >= DONE else STAGE_PHASES[stage]


def units_of(spec: StudySpec, stage: int, slots: int = MAX_SLOTS) -> list[Unit]:
    """The units of `stage`; none once the study is done. `slots` caps an arm's sharers."""
    match stage:
        case 0:
            return [Unit(0, REFERENCE)]
        case 1:
            return [
                Unit(1, arm.name, slot)
                for arm in build_arms(spec)
                for slot in range(min(arm.trials, slots))
            ]
        case 2:
            return [Unit(2, REFERENCE)]
        case 3:
            return [
                Unit(3, arm, slot)
                for arm in spec.arm_names
                for slot in range(evaluation_slots(spec, arm))
            ]
        case 4:
            return [
                Unit(4, arm, seed_index)
                for arm in spec.frozen_arms.values()
                for seed_index in range(spec.evaluation.seeds)
            ]
    return []


def next_stage(spec: StudySpec, stage: int) -> int:
    """The first stage after `stage` that has units, or DONE."""
    following = stage + 1
    while following < DONE and not units_of(spec, following):
        following += 1
    return following


def run_unit(context: StudyContext, storage: optuna.storages.RDBStorage, unit: Unit) -> None:
    """Run one unit to its end; any process may run any unit whose stage has been reached."""
    from taskweights.search import evaluation, runner  # torch is needed only to train

    match unit.stage:
        case 0:
            prepare_study(storage, context.spec, context.score.direction)
            runner.run_reference_phase(context, storage)
        case 1:
            runner.run_search_arm(context, storage, unit.arm, unit.slot)
        case 2:
            evaluation.run_reference_evaluation(context, storage)
        case 3:
            evaluation.run_arm_evaluation(context, storage, unit.arm, unit.slot)
        case 4:
            evaluation.run_frozen_evaluation(context, storage, unit.arm, unit.slot)
        case _:
            raise ValueError(f"no stage {unit.stage} in a study's plan")
