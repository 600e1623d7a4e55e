"""Reading a study's state back from storage: progress per arm, trials, and deletion."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import optuna
import sqlalchemy as sa

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


# Optuna's own tables, the two columns of each a page of trials needs (Optuna owns them)
OPTUNA_STUDIES = sa.table("studies", sa.column("study_id"), sa.column("study_name"))
OPTUNA_TRIALS = sa.table(
    "trials", sa.column("trial_id"), sa.column("study_id"), sa.column("number")
)


def trial_page(
    storage: optuna.storages.RDBStorage, name: str, arms: list[str], offset: int, limit: int
) -> tuple[list[tuple[str, optuna.trial.FrozenTrial]], int]:
    """One page of the arms' trials (arm by arm, then by number) and their number in all.

    The count and the page's ids are one query each, and only the page's trials are loaded:
    a page costs the same at 20 trials and at 20,000.
    """
    arm_of = {optuna_study_name(name, arm): arm for arm in arms}
    studies, trials = OPTUNA_STUDIES, OPTUNA_TRIALS
    joined = trials.join(studies, trials.c.study_id == studies.c.study_id)
    of_these_arms = studies.c.study_name.in_(list(arm_of))
    arm_order = sa.case({n: i for i, n in enumerate(arm_of)}, value=studies.c.study_name)
    with storage.engine.connect() as connection:
        count = connection.scalar(
            sa.select(sa.func.count()).select_from(joined).where(of_these_arms)
        )
        rows = connection.execute(
            sa.select(trials.c.trial_id, trials.c.study_id, studies.c.study_name)
            .select_from(joined)
            .where(of_these_arms)
            .order_by(arm_order, trials.c.number)
            .offset(offset)
            .limit(limit)
        ).all()
    loaded = _load_trials(storage, [(study_id, trial_id) for trial_id, study_id, _ in rows])
    page = [(arm_of[study_name], loaded[trial_id]) for trial_id, _, study_name in rows]
    return page, int(count or 0)


NO_TRIAL_ID_ABOVE = 2**31 - 1  # `_get_trials` also returns trials above it: none (INTEGER ids)


def _load_trials(
    storage: optuna.storages.RDBStorage, ids: list[tuple[int, int]]
) -> dict[int, optuna.trial.FrozenTrial]:
    """These (study id, trial id) trials, in a few queries per study, not several per trial.

    Optuna's public storage API loads one trial, or all of a study's; its `_get_trials` loads a
    chosen set in bulk. It is private, so a version without it falls back to one at a time.
    """
    wanted: dict[int, set[int]] = {}
    for study_id, trial_id in ids:
        wanted.setdefault(study_id, set()).add(trial_id)
    try:
        return {
            trial._trial_id: trial
            for study_id, trial_ids in wanted.items()
            for trial in storage._get_trials(study_id, None, trial_ids, NO_TRIAL_ID_ABOVE)
        }
    except (AttributeError, TypeError):
        return {trial_id: storage.get_trial(trial_id) for _, trial_id in ids}


def delete_optuna_studies(storage: optuna.storages.BaseStorage, name: str) -> None:
    """Remove every Optuna study of the study called `name` (reference, arms, evaluation),
    found by name alone: its spec may be one this version cannot read."""
    prefix = optuna_study_name(name, "")
    for study_name in optuna.get_all_study_names(storage):
        if study_name.startswith(prefix):
            with contextlib.suppress(KeyError):
                optuna.delete_study(study_name=study_name, storage=storage)
