"""Reading a study's progress back from Optuna's trials (studies stored before the counters),
and deleting a study's Optuna studies."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import optuna

from taskweights.search.arms import EVALUATION, build_arms, evaluation_run_count
from taskweights.search.records import best_value, finished_count
from taskweights.search.spec import StudySpec
from taskweights.search.storage import optuna_study_name


@dataclass(frozen=True)
class ArmProgress:
    arm: str
    done: int  # trials that used up budget
    budget: int
    best: float | None  # best validation score so far


@dataclass(frozen=True)
class StudyProgress:
    arms: list[ArmProgress]
    evaluation_done: int
    evaluation_total: int


def _load(storage: optuna.storages.BaseStorage, name: str, arm: str) -> optuna.Study | None:
    try:
        return optuna.load_study(study_name=optuna_study_name(name, arm), storage=storage)
    except KeyError:  # not created yet
        return None


def study_progress(storage: optuna.storages.BaseStorage, spec: StudySpec) -> StudyProgress:
    arms = []
    for arm in build_arms(spec):
        study = _load(storage, spec.name, arm.name)
        done = finished_count(study) if study else 0
        arms.append(ArmProgress(arm.name, done, arm.trials, best_value(study) if study else None))
    evaluation = _load(storage, spec.name, EVALUATION)
    done = finished_count(evaluation) if evaluation else 0
    return StudyProgress(arms, done, evaluation_run_count(spec))


def delete_optuna_studies(storage: optuna.storages.BaseStorage, name: str) -> None:
    """Remove every Optuna study of the study called `name` (reference, arms, evaluation),
    found by name alone: its spec may be one this version cannot read."""
    prefix = optuna_study_name(name, "")
    for study_name in optuna.get_all_study_names(storage):
        if study_name.startswith(prefix):
            with contextlib.suppress(KeyError):
                optuna.delete_study(study_name=study_name, storage=storage)
