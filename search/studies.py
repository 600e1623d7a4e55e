"""A study's Optuna studies: one per arm, plus one for the final evaluation runs.

They are named `<study>/<arm>`, so optuna-dashboard and `optuna.load_study` find them. The
evaluation study is created first and carries the spec and the problem's tasks: the name is
claimed once, and the comparison can be rebuilt from Optuna's storage alone. Torch-free: the
API creates these at submission.
"""

from __future__ import annotations

from collections.abc import Sequence

import optuna

from taskweights.search.arms import EVALUATION, build_pruner, build_sampler, sampler_seed
from taskweights.search.errors import StudyConflictError
from taskweights.search.scores import Direction, Score, TaskInfo
from taskweights.search.spec import SPEC_VERSION, StudySpec, read_stored_spec
from taskweights.search.storage import optuna_study_name

SPEC_ATTR = "taskweights_spec"
SPEC_VERSION_ATTR = "taskweights_spec_version"  # absent: version 1
ARM_ATTR = "taskweights_arm"
TASKS_ATTR = "taskweights_tasks"


def open_arm_study(
    storage: optuna.storages.BaseStorage,
    spec: StudySpec,
    arm: str,
    direction: Direction,
    slot: int = 0,
) -> optuna.Study:
    """The arm's Optuna study (created on first use), with a sampler of this process's own: see
    `sampler_seed` (`slot`: which of the processes sharing the arm this is)."""
    study = optuna.create_study(
        storage=storage,
        study_name=optuna_study_name(spec.name, arm),
        direction=direction,
        sampler=build_sampler(spec),
        pruner=build_pruner(spec),
        load_if_exists=True,
    )
    trials_so_far = len(study.get_trials(deepcopy=False))
    study.sampler = build_sampler(spec, sampler_seed(spec, slot, trials_so_far))
    if SPEC_ATTR not in study.user_attrs:
        study.set_user_attr(SPEC_ATTR, spec.model_dump(mode="json"))
        study.set_user_attr(SPEC_VERSION_ATTR, SPEC_VERSION)
        study.set_user_attr(ARM_ATTR, arm)
    return study


def claim_name(storage: optuna.storages.BaseStorage, spec: StudySpec) -> None:
    """Refuse to mix two different specs under one name; the same spec resumes (compared as
    specs, the stored one upgraded to today's fields, so an older study resumes too)."""
    try:
        evaluation = optuna.load_study(
            study_name=optuna_study_name(spec.name, EVALUATION), storage=storage
        )
    except KeyError:  # a new name
        return
    if SPEC_ATTR in evaluation.user_attrs and stored_study_spec(evaluation) != spec:
        raise StudyConflictError(
            f"a study named {spec.name!r} already exists in this database with another spec; "
            "choose another name (or rerun the original spec to resume it)."
        )


def prepare_study(
    storage: optuna.storages.BaseStorage, spec: StudySpec, tasks: Sequence[TaskInfo]
) -> None:
    """Claim the name and create the study that holds the spec; idempotent for the same spec."""
    claim_name(storage, spec)
    direction = Score(spec.score, tuple(tasks)).direction
    evaluation = open_arm_study(storage, spec, EVALUATION, direction)
    if TASKS_ATTR not in evaluation.user_attrs:
        evaluation.set_user_attr(TASKS_ATTR, [task.model_dump() for task in tasks])


def stored_study_spec(study: optuna.Study) -> StudySpec:
    """The spec an arm's Optuna study holds, upgraded to today's fields."""
    attrs = study.user_attrs
    return read_stored_spec(attrs[SPEC_ATTR], attrs.get(SPEC_VERSION_ATTR, 1))
