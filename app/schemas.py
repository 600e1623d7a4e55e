"""What the API takes and returns (the request body of POST /studies is `search.StudySpec`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from taskweights.search.pages import TrialSummary

StudyStatus = Literal["queued", "running", "done", "failed", "cancelled"]
MAX_DB_INT = 2**31 - 1  # the largest id or offset an INTEGER column (PostgreSQL's) holds
TERMINAL_STATUSES = frozenset({"done", "failed", "cancelled"})  # a study in one never changes


class FieldError(BaseModel):
    field: str = Field(description="dotted path of the bad field, e.g. tuned.trials")
    reason: str


class ValidationProblem(BaseModel):
    detail: str
    errors: list[FieldError]


class Problem(BaseModel):
    detail: str


class ArmProgressPublic(BaseModel):
    arm: str
    done: int = Field(description="trials finished (completed, pruned or failed)")
    budget: int
    best: float | None = Field(description="best validation score so far")


class EvaluationProgress(BaseModel):
    done: int
    total: int


class StudyPublic(BaseModel):
    id: int
    name: str
    status: StudyStatus
    phase: str = Field(description="reference, search, evaluation or done")
    error: str | None
    created_at: datetime
    updated_at: datetime
    arms: list[ArmProgressPublic]
    evaluation: EvaluationProgress
    links: dict[str, str]


class StudiesPublic(BaseModel):
    data: list[StudyPublic]
    count: int = Field(description="studies matching the filter, all pages together")


class TrialPublic(BaseModel):
    arm: str
    number: int
    state: str
    params: dict[str, Any]
    value: float | None
    val_metrics: dict[str, float] | None
    weights: dict[str, float] | None
    sigmas: dict[str, float] | None
    epochs: int
    error: str | None
    started_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, trial: TrialSummary) -> TrialPublic:
        record = trial.record
        return cls(
            arm=trial.arm,
            number=trial.number,
            state=trial.state.name,
            params=trial.params,
            value=trial.value,
            val_metrics=record.val_metrics,
            weights=record.weights,
            sigmas=record.sigmas,
            epochs=trial.epochs,
            error=trial.error,
            started_at=trial.started_at,
            completed_at=trial.completed_at,
        )


class TrialsPublic(BaseModel):
    data: list[TrialPublic]
    count: int


class EpochWeights(BaseModel):
    epoch: int
    weights: dict[str, float]
    sigmas: dict[str, float] | None


class WeightSeries(BaseModel):
    """One training run's effective weights (and sigmas) epoch by epoch."""

    arm: str
    phase: str
    trial: int
    seed: int
    epochs: list[EpochWeights]


class SigmasPublic(BaseModel):
    study: str
    data: list[WeightSeries]


class ParameterInfo(BaseModel):
    name: str
    default: Any = Field(description="null when required")
    required: bool


class ColumnSummary(BaseModel):
    name: str
    dtype: str = Field(description="as pandas reads it: int64, float64, str, ...")
    missing: int = Field(description="empty cells")
    distinct: int = Field(description="distinct values, missing ones not counted")
    mean: float | None = Field(default=None, description="numeric columns only")
    std: float | None = None
    min: float | None = None
    max: float | None = None


class DatasetPublic(BaseModel):
    id: str = Field(description="the first 16 hex digits of the file's SHA-256: a spec's dataset")
    filename: str = Field(description="the name it was uploaded under (a label)")
    size: int = Field(description="bytes")
    rows: int
    columns: list[ColumnSummary]
    created_at: datetime


class ProblemInfo(BaseModel):
    name: str
    description: str
    params: list[ParameterInfo]
    source: str = Field(
        description="where it comes from: 'built-in', or the name of the installed distribution "
        "whose `taskweights.problems` entry point adds it (e.g. 'taskweights-hydranet')"
    )


class StrategyInfo(BaseModel):
    name: str
    level: Literal["loss", "gradient"]
    description: str
    params: list[ParameterInfo]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: bool
    workers_alive: int
    models: bool = Field(
        description="the process that checks specs is warm: a POST /studies answers at once"
    )
