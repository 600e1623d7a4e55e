"""What the routes do, written against a session and Optuna's storage (no HTTP in here)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import optuna
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from taskweights.app.api.errors import Conflict, IdempotencyMismatch, NotFound
from taskweights.app.api.models_process import ModelsProcess
from taskweights.app.db import queue, studies
from taskweights.app.db.datasets import DatabaseDatasets
from taskweights.app.db.tables import TERMINAL, EpochRow, StudyRow, WorkUnitRow
from taskweights.app.schemas import (
    EpochWeights,
    SigmasPublic,
    StudiesPublic,
    StudyPublic,
    TrialPublic,
    TrialsPublic,
    WeightSeries,
)
from taskweights.app.settings import Settings
from taskweights.search import (
    Comparison,
    StudyConflictError,
    StudySpec,
    delete_optuna_studies,
    prepare_study,
)
from taskweights.search.limits import check_limits as within_limits
from taskweights.search.pages import trial_page
from taskweights.search.scores import Score


@dataclass(frozen=True)
class Services:
    """What every request needs: a session, Optuna's storage, the settings."""

    session: Session
    storage: optuna.storages.RDBStorage
    settings: Settings
    models: ModelsProcess


def check_limits(spec: StudySpec, settings: Settings) -> None:
    """What the spec alone says against the server's limits, before the models process is
    asked (which checks the problem's data, the network and the samples to train)."""
    within_limits(spec, settings.limits())


def request_hash(spec: StudySpec) -> str:
    return hashlib.sha256(spec.canonical_json().encode()).hexdigest()


def create_study(
    services: Services, spec: StudySpec, idempotency_key: str | None
) -> tuple[StudyRow, bool]:
    """The new study (queued), or the one this Idempotency-Key made before; and whether so.

    Retries with one key may arrive together: the name's unique column lets one create the
    study, and every other one finds it under the key and replays it.
    """
    session, digest = services.session, request_hash(spec)
    earlier = keyed_study(session, idempotency_key, digest)
    if earlier is not None:
        return earlier, True
    check_limits(spec, services.settings)
    try:
        if session.scalar(select(StudyRow.id).where(StudyRow.name == spec.name)) is not None:
            raise StudyConflictError(f"a study named {spec.name!r} already exists")
        datasets = DatabaseDatasets(services.settings.db_url, services.settings.datasets_dir)
        within = services.settings.limits()
        tasks = services.models.check(spec, datasets, within)  # builds problem, strategies: child
        direction = Score(spec.score, tuple(tasks)).direction
        prepare_study(services.storage, spec, direction)  # its Optuna studies, for the dashboard
        return studies.create(session, spec, tasks, idempotency_key, digest), False
    except StudyConflictError:
        earlier = keyed_study(session, idempotency_key, digest)  # a concurrent retry's
        if earlier is None:
            raise
        return earlier, True


def keyed_study(session: Session, idempotency_key: str | None, digest: str) -> StudyRow | None:
    """The study made with this Idempotency-Key, if any; 422 if its body was another."""
    if idempotency_key is None:
        return None
    earlier = session.scalar(select(StudyRow).where(StudyRow.idempotency_key == idempotency_key))
    if earlier is not None and earlier.request_hash != digest:
        raise IdempotencyMismatch(
            "this Idempotency-Key was used with another request body",
            "Idempotency-Key",
            "already used with another request body",
        )
    return earlier


def get_row(session: Session, study_id: int) -> StudyRow:
    study = session.get(StudyRow, study_id)
    if study is None:
        raise NotFound(f"no study with id {study_id}")
    return study


def links(study: StudyRow) -> dict[str, str]:
    base = f"/studies/{study.id}"
    return {
        "self": base,
        "comparison": f"{base}/comparison",
        "trials": f"{base}/trials",
        "sigmas": f"{base}/sigmas",
        "events": f"{base}/events",
        "cancel": f"{base}/cancel",
        "dashboard": "/dashboard",
    }


def to_public(services: Services, study: StudyRow) -> StudyPublic:
    return studies.public(services.session, services.storage, study, links(study))


def list_studies(services: Services, status: str | None, offset: int, limit: int) -> StudiesPublic:
    query = select(StudyRow)
    if status is not None:
        query = query.where(StudyRow.status == status)
    count = services.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = services.session.scalars(query.order_by(StudyRow.id).offset(offset).limit(limit))
    return StudiesPublic(data=[to_public(services, row) for row in rows], count=count)


def comparison(services: Services, study_id: int) -> Comparison:
    study = get_row(services.session, study_id)
    return studies.finished_comparison(services.session, services.storage, study, links(study))


def trials(
    services: Services, study_id: int, arm: str | None, offset: int, limit: int
) -> TrialsPublic:
    study = get_row(services.session, study_id)
    spec = study.read_spec()
    arms = spec.arm_names if arm is None else [arm]
    if arm is not None and arm not in spec.arm_names:
        raise NotFound(f"study {study.name!r} has no arm {arm!r}; arms: {spec.arm_names}")
    page, count = trial_page(services.storage, study.name, arms, offset, limit)
    return TrialsPublic(data=[TrialPublic.of(trial) for trial in page], count=count)


def task_names(services: Services, study_id: int) -> list[str]:
    return [task.name for task in get_row(services.session, study_id).read_tasks()]


def sigmas(services: Services, study_id: int, arm: str | None) -> SigmasPublic:
    study = get_row(services.session, study_id)
    query = select(EpochRow).where(EpochRow.study_id == study_id)
    if arm is not None:
        query = query.where(EpochRow.arm == arm)
    rows = services.session.scalars(
        query.order_by(EpochRow.phase, EpochRow.arm, EpochRow.trial, EpochRow.epoch)
    )
    series: dict[tuple[str, str, int], WeightSeries] = {}
    for row in rows:
        key = (row.phase, row.arm, row.trial)
        if key not in series:
            series[key] = WeightSeries(
                arm=row.arm, phase=row.phase, trial=row.trial, seed=row.seed, epochs=[]
            )
        series[key].epochs.append(
            EpochWeights(epoch=row.epoch, weights=row.weights, sigmas=row.sigmas)
        )
    return SigmasPublic(study=study.name, data=list(series.values()))


def cancel(services: Services, study_id: int) -> StudyRow:
    study = get_row(services.session, study_id)
    queue.cancel(services.session, study)
    return study


def delete_study(services: Services, study_id: int) -> None:
    """The study's Optuna studies, then our rows (a running study must be cancelled first).

    Optuna writes through its own connection: it goes first, before this session holds
    SQLite's write lock.
    """
    study = get_row(services.session, study_id)
    if study.status not in TERMINAL:
        raise Conflict(f"study {study.name!r} is {study.status}: cancel it before deleting it")
    delete_optuna_studies(services.storage, study.name)
    for table in (EpochRow, WorkUnitRow):
        services.session.execute(delete(table).where(table.study_id == study_id))
    services.session.delete(study)
