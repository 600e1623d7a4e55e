"""Our tables, beside Optuna's in the same database (Optuna owns `studies`, `trials`, ...).

Optuna owns the trials; these tables own the study: its spec and tasks, its lifecycle, its
progress counters, its work units, every epoch of every run, and which workers are alive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column

from taskweights.app.schemas import TERMINAL_STATUSES
from taskweights.search.scores import TaskInfo
from taskweights.search.spec import SPEC_VERSION, StudySpec, read_stored_spec

STUDY_STATUSES = ("queued", "running", "done", "failed", "cancelled")
UNIT_STATES = ("queued", "running", "done", "failed", "cancelled")
TERMINAL = TERMINAL_STATUSES


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores them without their zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[dict[str, Any]]: JSON,
        datetime: UTCDateTime,
    }


class StudyRow(Base):
    __tablename__ = "taskweights_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    spec: Mapped[dict[str, Any]]
    spec_version: Mapped[int] = mapped_column(Integer, default=SPEC_VERSION)  # of `spec`
    tasks: Mapped[list[dict[str, Any]] | None]  # the problem's `TaskInfo`s, known once checked
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    stage: Mapped[int] = mapped_column(Integer, default=0)  # the plan's; DONE when done
    error: Mapped[str | None] = mapped_column(Text)
    evaluation_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    evaluation_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def read_spec(self) -> StudySpec:
        """The stored spec, upgraded to today's fields; `SpecError` if it cannot be read."""
        return read_stored_spec(self.spec, self.spec_version)

    def read_tasks(self) -> list[TaskInfo]:
        return [TaskInfo.model_validate(task) for task in self.tasks or []]


class ArmRow(Base):
    """An arm's progress, kept by the workers as its trials finish, so that reading a study's
    status costs the same at 20 trials and at 20,000 (Optuna keeps the trials themselves)."""

    __tablename__ = "taskweights_arms"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("taskweights_studies.id", ondelete="CASCADE"), primary_key=True
    )
    arm: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # its place among the spec's arms
    done: Mapped[int] = mapped_column(Integer, default=0)  # trials that used up budget
    budget: Mapped[int] = mapped_column(Integer)
    best: Mapped[float | None]  # the best validation score so far


class WorkUnitRow(Base):
    """One claimable piece of a study: a `search.plan.Unit` (stage, arm, slot) and its state.

    A search arm has several slots, so several workers can share its trial budget.
    """

    __tablename__ = "taskweights_work_units"
    __table_args__ = (
        UniqueConstraint(
            "study_id", "stage", "arm", "slot", name="uq_taskweights_work_units_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("taskweights_studies.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[int] = mapped_column(Integer)
    arm: Mapped[str] = mapped_column(String(64))
    slot: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class EpochRow(Base):
    """One epoch of one training run (search trial, reference or evaluation run)."""

    __tablename__ = "taskweights_epochs"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("taskweights_studies.id", ondelete="CASCADE"), index=True
    )
    arm: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(16))
    trial: Mapped[int]
    seed: Mapped[int]
    epoch: Mapped[int]
    train_loss: Mapped[dict[str, Any]]
    val_loss: Mapped[dict[str, Any]]
    val_metric: Mapped[dict[str, Any]]
    weights: Mapped[dict[str, Any]]
    sigmas: Mapped[dict[str, Any] | None]
    seconds: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkerRow(Base):
    """A worker process, alive while its heartbeat is recent."""

    __tablename__ = "taskweights_workers"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    unit_id: Mapped[int | None]


class DatasetRow(Base):
    """An uploaded CSV file, by content: the same bytes are one dataset, whoever sends them.

    The file itself is in the database, so a worker on any machine can read it; `content` is
    loaded only when asked for (listing datasets never reads the files).
    """

    __tablename__ = "taskweights_datasets"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # sha256[:16]
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded: a label, never a path
    size: Mapped[int] = mapped_column(Integer)  # bytes
    rows: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[dict[str, Any]]]  # per column: name, dtype, missing, distinct, ...
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
