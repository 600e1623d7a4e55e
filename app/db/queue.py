"""Work units as rows: a study's units queued stage by stage, claimed by workers.

Which units a stage holds, and in what order stages come, is the plan's (search/plan.py): this
module stores the units of a study's first stage, and when the last unit of a stage is done,
moves the study to the next stage and stores that stage's units.

Claiming is atomic: PostgreSQL skips rows another transaction has locked (`FOR UPDATE SKIP
LOCKED`); SQLite runs one writer at a time, and the `state = 'queued'` guard makes a lost race
claim nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from taskweights.app.db import counters
from taskweights.app.db.database import Database
from taskweights.app.db.tables import TERMINAL, StudyRow, WorkUnitRow, utcnow
from taskweights.search import DONE, SpecError, StudySpec, Unit, next_stage, units_of

MAX_ATTEMPTS = 5  # a unit whose workers keep dying fails its study


@dataclass(frozen=True)
class Claim:
    unit_id: int
    study_id: int
    unit: Unit
    spec: StudySpec


def unit_rows(study_id: int, spec: StudySpec, stage: int) -> list[WorkUnitRow]:
    return [
        WorkUnitRow(study_id=study_id, stage=unit.stage, arm=unit.arm, slot=unit.slot)
        for unit in units_of(spec, stage)
    ]


def enqueue_study(session: Session, study: StudyRow) -> None:
    """Store the units of the study's first stage, and start its progress counters."""
    spec = study.read_spec()
    session.add_all(unit_rows(study.id, spec, study.stage))
    counters.start_counting(session, study, spec)


def reap(session: Session, grace_seconds: float) -> None:
    """Units whose worker stopped beating go back to the queue (or fail, after many tries)."""
    stale = (
        WorkUnitRow.state == "running",
        WorkUnitRow.heartbeat_at < utcnow() - timedelta(seconds=grace_seconds),
    )
    doomed = session.scalars(
        update(WorkUnitRow)
        .where(*stale, WorkUnitRow.attempts >= MAX_ATTEMPTS)
        .values(state="failed", error="its workers kept dying", finished_at=utcnow())
        .returning(WorkUnitRow.study_id)
    ).all()
    for study_id in set(doomed):
        study = session.get_one(StudyRow, study_id)
        if study.status not in TERMINAL:
            study.status, study.error = "failed", "a work unit's workers kept dying"
            _cancel_queued(session, study_id)
    session.execute(update(WorkUnitRow).where(*stale).values(state="queued", worker=None))


def claim_next(
    db: Database,
    worker: str,
    grace_seconds: float = 30.0,
    study_id: int | None = None,
    skip: Collection[int] = (),
) -> Claim | None:
    """Take the oldest queued unit of a study still in progress (of `study_id`'s, if given;
    none of the studies in `skip`), or None if there is none."""
    with db.session() as session:
        reap(session, grace_seconds)
    with db.session() as session:
        candidate = (
            select(WorkUnitRow.id)
            .join(StudyRow, StudyRow.id == WorkUnitRow.study_id)
            .where(WorkUnitRow.state == "queued", StudyRow.status.in_(("queued", "running")))
            .order_by(WorkUnitRow.id)
            .limit(1)
        )
        if study_id is not None:
            candidate = candidate.where(WorkUnitRow.study_id == study_id)
        if skip:
            candidate = candidate.where(WorkUnitRow.study_id.not_in(skip))
        if session.get_bind().dialect.name == "postgresql":
            candidate = candidate.with_for_update(of=WorkUnitRow, skip_locked=True)
        now = utcnow()
        unit_id = session.execute(
            update(WorkUnitRow)
            .where(WorkUnitRow.id == candidate.scalar_subquery(), WorkUnitRow.state == "queued")
            .values(
                state="running",
                worker=worker,
                attempts=WorkUnitRow.attempts + 1,
                claimed_at=now,
                heartbeat_at=now,
            )
            .returning(WorkUnitRow.id)
        ).scalar_one_or_none()
        if unit_id is None:
            return None
        unit = session.get_one(WorkUnitRow, unit_id)
        study = session.get_one(StudyRow, unit.study_id)
        if study.status == "queued":
            study.status = "running"
        try:
            spec = study.read_spec()
        except SpecError as error:  # stored by a version whose spec cannot be upgraded
            unit.state, unit.finished_at = "failed", utcnow()
            study.status, study.error = "failed", unreadable(error)
            _cancel_queued(session, study.id)
            return None
        return Claim(unit.id, study.id, Unit(unit.stage, unit.arm, unit.slot), spec)


def finish(db: Database, claim: Claim, state: str, error: str | None = None) -> None:
    """Record a unit's end; the last unit of a stage advances the study (or ends it)."""
    with db.session() as session:
        session.execute(
            update(WorkUnitRow)
            .where(WorkUnitRow.id == claim.unit_id)
            .values(state=state, finished_at=utcnow(), error=error)
        )
        study = session.get_one(StudyRow, claim.study_id)
        if state == "failed" and study.status not in TERMINAL:
            unit = claim.unit
            study.status, study.error = "failed", f"{unit.phase} {unit.arm}: {error}"
            _cancel_queued(session, claim.study_id)
    if state == "done":
        advance(db, claim.study_id, claim.unit.stage)


def advance(db: Database, study_id: int, stage: int) -> None:
    """Move the study past `stage` if none of its units is left; only one caller wins."""
    with db.session() as session:
        unfinished = session.scalar(
            select(func.count())
            .select_from(WorkUnitRow)
            .where(WorkUnitRow.study_id == study_id, WorkUnitRow.stage == stage)
            .where(WorkUnitRow.state != "done")
        )
        if unfinished:
            return
        spec = session.get_one(StudyRow, study_id).read_spec()
        following = next_stage(spec, stage)
        won = session.execute(
            update(StudyRow)
            .where(StudyRow.id == study_id, StudyRow.stage == stage, StudyRow.status == "running")
            .values(stage=following, status="done" if following >= DONE else "running")
            .returning(StudyRow.id)
        ).scalar_one_or_none()
        if won is not None:
            session.add_all(unit_rows(study_id, spec, following))


def _cancel_queued(session: Session, study_id: int) -> None:
    session.execute(
        update(WorkUnitRow)
        .where(WorkUnitRow.study_id == study_id, WorkUnitRow.state == "queued")
        .values(state="cancelled", finished_at=utcnow())
    )


def cancel(session: Session, study: StudyRow) -> None:
    """No new unit starts; running ones see the status at their next epoch and stop."""
    if study.status not in TERMINAL:
        study.status = "cancelled"
        _cancel_queued(session, study.id)


def release(db: Database, claim: Claim) -> None:
    """Give a unit back to the queue (its worker is shutting down); another will resume it."""
    with db.session() as session:
        session.execute(
            update(WorkUnitRow)
            .where(WorkUnitRow.id == claim.unit_id, WorkUnitRow.state == "running")
            .values(state="queued", worker=None)
        )


def decline(db: Database, claim: Claim) -> None:
    """Give back a unit this worker cannot run (its problem is not installed here) as if it had
    never been claimed: a worker that can run it takes it."""
    with db.session() as session:
        session.execute(
            update(WorkUnitRow)
            .where(WorkUnitRow.id == claim.unit_id, WorkUnitRow.state == "running")
            .values(state="queued", worker=None, attempts=WorkUnitRow.attempts - 1)
        )


def unreadable(error: SpecError) -> str:
    reasons = "; ".join(f"{field}: {reason}" for field, reason in error.issues)
    return f"its stored spec can no longer be read: {reasons}"
