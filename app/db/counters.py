"""A study's progress as counters in our tables: what `GET /studies`, `GET /studies/{id}` and
the event stream show, read in a bounded number of rows whatever the number of trials.

The queue starts the counters when it stores a study; workers move them as trials and
evaluation runs finish (`record`); a study stored before the counters existed is counted from
Optuna's trials once, on its first read.
"""

from __future__ import annotations

import optuna
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskweights.app.db.tables import ArmRow, StudyRow
from taskweights.search.arms import build_arms, evaluation_run_count
from taskweights.search.events import ArmStarted, EvaluationRunFinished, Event, TrialFinished
from taskweights.search.progress import ArmProgress, StudyProgress, study_progress
from taskweights.search.spec import StudySpec


def start_counting(session: Session, study: StudyRow, spec: StudySpec) -> None:
    """Every arm at 0 of its budget; the evaluation at 0 of its runs."""
    session.add_all(
        ArmRow(study_id=study.id, arm=arm.name, position=i, done=0, budget=arm.trials)
        for i, arm in enumerate(build_arms(spec))
    )
    study.evaluation_done, study.evaluation_total = 0, evaluation_run_count(spec)


def record(session: Session, study_id: int, event: Event) -> None:
    """Move the counters an event moves. Workers sharing an arm report in any order: a count
    only ever grows, and the best score goes with the newest count."""
    match event:
        case TrialFinished(arm=arm, done=done, best=best):
            _count_trials(session, study_id, arm, done, best=best)
        case ArmStarted(arm=arm, done=done):
            _count_trials(session, study_id, arm, done)
        case EvaluationRunFinished(done=done):
            session.execute(
                update(StudyRow)
                .where(StudyRow.id == study_id, StudyRow.evaluation_done <= done)
                .values(evaluation_done=done)
            )


def _count_trials(session: Session, study_id: int, arm: str, done: int, **best: object) -> None:
    session.execute(
        update(ArmRow)
        .where(ArmRow.study_id == study_id, ArmRow.arm == arm, ArmRow.done <= done)
        .values(done=done, **best)
    )


def read(
    session: Session, storage: optuna.storages.BaseStorage, study: StudyRow, spec: StudySpec
) -> StudyProgress:
    """The counters, in the spec's order of arms (counted from Optuna once if there are none)."""
    rows = session.scalars(
        select(ArmRow).where(ArmRow.study_id == study.id).order_by(ArmRow.position)
    ).all()
    if not rows:
        return _count_once(session, storage, study, spec)
    return StudyProgress(
        arms=[ArmProgress(row.arm, row.done, row.budget, row.best) for row in rows],
        evaluation_done=study.evaluation_done,
        evaluation_total=study.evaluation_total,
    )


def _count_once(
    session: Session, storage: optuna.storages.BaseStorage, study: StudyRow, spec: StudySpec
) -> StudyProgress:
    progress = study_progress(storage, spec)
    session.add_all(
        ArmRow(study_id=study.id, arm=a.arm, position=i, done=a.done, budget=a.budget, best=a.best)
        for i, a in enumerate(progress.arms)
    )
    study.evaluation_done = progress.evaluation_done
    study.evaluation_total = progress.evaluation_total
    try:
        session.commit()
    except IntegrityError:  # another reader counted it first
        session.rollback()
    return progress
