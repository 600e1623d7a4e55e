"""A study's Optuna studies: one per arm, plus one for the final evaluation runs.

They are named `<study>/<arm>`, so optuna-dashboard and `optuna.load_study` find them. They hold
trials only: the spec, the tasks and the lifecycle belong to the study's row in our tables
(app/db), which also claims the name. Torch-free: the API creates these at submission.
"""

from __future__ import annotations

from collections.abc import Sequence

import optuna

from taskweights.search.arms import (
    EVALUATION,
    build_pruner,
    build_sampler,
    sampler_seed,
    searches_front,
)
from taskweights.search.scores import Direction
from taskweights.search.spec import StudySpec
from taskweights.search.storage import optuna_study_name


def open_arm_study(
    storage: optuna.storages.BaseStorage,
    spec: StudySpec,
    arm: str,
    direction: Direction,
    slot: int = 0,
    task_directions: Sequence[Direction] = (),
) -> optuna.Study:
    """The arm's Optuna study (created on first use), with a sampler of this process's own: see
    `sampler_seed` (`slot`: which of the processes sharing the arm this is). A front search
    (`searches_front`) has one objective per task, in `task_directions` order."""
    study = optuna.create_study(
        storage=storage,
        study_name=optuna_study_name(spec.name, arm),
        directions=list(task_directions) if searches_front(spec, arm) else [direction],
        sampler=build_sampler(spec),
        pruner=build_pruner(spec, arm),
        load_if_exists=True,
    )
    trials_so_far = len(study.get_trials(deepcopy=False))
    study.sampler = build_sampler(spec, sampler_seed(spec, slot, trials_so_far))
    return study


def prepare_study(
    storage: optuna.storages.BaseStorage, spec: StudySpec, direction: Direction
) -> None:
    """Create the study's evaluation study (idempotent), so the dashboard lists it at once."""
    open_arm_study(storage, spec, EVALUATION, direction)
