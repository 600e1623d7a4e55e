"""A study's row: created (by a POST or a local run), shown, and declared finished, in one place.

The row claims the study's name (a unique column), holds its spec and tasks, and its status
answers "is it finished?" for the API (409 until it is done) and the CLI (exit 2) alike.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import optuna
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskweights.app.db import counters, queue
from taskweights.app.db.tables import StudyRow, WorkUnitRow
from taskweights.app.db.trajectories import trajectories
from taskweights.app.errors import StudyNotFinishedError
from taskweights.app.schemas import ArmProgressPublic, EvaluationProgress, StudyPublic
from taskweights.search import (
    Comparison,
    SpecError,
    StudyConflictError,
    StudyNotFoundError,
    StudySpec,
    TaskInfo,
    load_comparison,
    phase_of,
)
from taskweights.search.progress import StudyProgress
from taskweights.search.spec import STATIC_STRATEGIES


def create(
    session: Session,
    spec: StudySpec,
    tasks: Sequence[TaskInfo],
    idempotency_key: str | None = None,
    request_hash: str | None = None,
) -> StudyRow:
    """A new queued study with its first units; `StudyConflictError` if the name is taken
    (the name's unique column decides, so two concurrent creations cannot both win)."""
    study = StudyRow(
        name=spec.name,
        spec=spec.model_dump(mode="json"),
        tasks=[task.model_dump() for task in tasks],
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
    session.add(study)
    try:
        session.flush()
    except IntegrityError:  # a concurrent request took the name (or the key) first
        session.rollback()
        raise StudyConflictError(f"a study named {spec.name!r} already exists") from None
    queue.enqueue_study(session, study)
    return study


def open_for_run(session: Session, spec: StudySpec, tasks: Sequence[TaskInfo]) -> StudyRow:
    """The study a local run works on: new, or the same spec's earlier one, which resumes
    (failed or cancelled work is queued again). Another spec under the name is refused."""
    study = session.scalar(select(StudyRow).where(StudyRow.name == spec.name))
    if study is None:
        return create(session, spec, tasks)
    if study.read_spec() != spec:
        raise StudyConflictError(
            f"a study named {spec.name!r} already exists in this database with another spec; "
            "choose another name (or rerun the original spec to resume it)."
        )
    if not study.tasks:
        study.tasks = [task.model_dump() for task in tasks]
    if study.status in ("failed", "cancelled"):
        session.execute(
            update(WorkUnitRow)
            .where(WorkUnitRow.study_id == study.id, WorkUnitRow.stage == study.stage)
            .where(WorkUnitRow.state.in_(("failed", "cancelled")))
            .values(state="queued", worker=None, attempts=0, error=None)
        )
        study.status, study.error = "queued", None
    return study


def by_name(session: Session, name: str) -> StudyRow:
    study = session.scalar(select(StudyRow).where(StudyRow.name == name))
    if study is None:
        raise StudyNotFoundError(f"no study named {name!r} in this database.")
    return study


def public(
    session: Session, storage: optuna.storages.BaseStorage, study: StudyRow, links: dict[str, str]
) -> StudyPublic:
    """The study as users see it; one whose stored spec cannot be read shows as failed, with
    the reason, and no progress (a list must never fail because of one old row)."""
    status, reason = study.status, study.error
    try:
        progress = counters.read(session, storage, study, study.read_spec())
    except SpecError as error:
        progress = StudyProgress(arms=[], evaluation_done=0, evaluation_total=0)
        status, reason = "failed", queue.unreadable(error)
    return StudyPublic(
        id=study.id,
        name=study.name,
        status=status,  # type: ignore[arg-type]
        phase=phase_of(study.stage),
        error=reason,
        created_at=study.created_at,
        updated_at=study.updated_at,
        arms=[
            ArmProgressPublic(arm=a.arm, done=a.done, budget=a.budget, best=a.best)
            for a in progress.arms
        ],
        evaluation=EvaluationProgress(
            done=progress.evaluation_done, total=progress.evaluation_total
        ),
        links=links,
    )


def finished_comparison(
    session: Session,
    storage: optuna.storages.BaseStorage,
    study: StudyRow,
    links: dict[str, str] | None = None,
) -> Comparison:
    """The comparison of a done study; `StudyNotFinishedError` (with its progress) before that.

    A done study never changes, so its comparison is built once per process and kept: a report
    page's plot requests, each a comparison, cost one build. Treat it as read-only.
    """
    if study.status != "done":
        raise StudyNotFinishedError(public(session, storage, study, links or {}))
    key = (study.id, study.name, study.created_at)
    with _FINISHED_LOCK:
        kept = _FINISHED.get(key)
    if kept is not None:
        return kept
    comparison = load_comparison(storage, study.read_spec(), study.read_tasks())
    learned = [arm.arm for arm in comparison.arms if arm.strategy not in STATIC_STRATEGIES]
    comparison = comparison.model_copy(
        update={"trajectories": trajectories(session, study.id, learned)}
    )
    with _FINISHED_LOCK:
        _FINISHED[key] = comparison
        while len(_FINISHED) > FINISHED_KEPT:
            _FINISHED.pop(next(iter(_FINISHED)))
    return comparison


FINISHED_KEPT = 32  # comparisons of done studies kept per process (a few hundred kB each)
_FINISHED: dict[tuple[object, ...], Comparison] = {}
_FINISHED_LOCK = threading.Lock()


def forget_finished() -> None:
    """Drop the kept comparisons (benchmarks time a first view)."""
    with _FINISHED_LOCK:
        _FINISHED.clear()
