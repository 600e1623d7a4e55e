"""/studies: submit a spec, follow its progress, read trials, sigmas and the comparison."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse

from taskweights.app.api import service
from taskweights.app.api.deps import ServicesDep
from taskweights.app.api.events import event_stream
from taskweights.app.exports import comparison_csv, trials_csv
from taskweights.app.schemas import (
    MAX_DB_INT,
    Problem,
    SigmasPublic,
    StudiesPublic,
    StudyPublic,
    TrialsPublic,
)
from taskweights.search import Comparison, StudySpec

router = APIRouter(prefix="/studies", tags=["studies"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no study with this id"}
}
# ids and offsets stay within the database's integer columns: beyond, 422 (not a 500)
StudyId = Annotated[int, PathParam(ge=0, le=MAX_DB_INT)]
Offset = Annotated[int, Query(ge=0, le=MAX_DB_INT)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        400: {"model": Problem, "description": "the body is not JSON"},
        409: {"model": Problem, "description": "the name is taken"},
    },
)
def create_study(
    spec: StudySpec,
    services: ServicesDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> StudyPublic:
    """Queue a study; workers pick it up. The same Idempotency-Key and body return it again."""
    study, replayed = service.create_study(services, spec, idempotency_key)
    services.session.commit()
    response.headers["Location"] = f"/studies/{study.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return service.to_public(services, study)


@router.get("")
def list_studies(
    services: ServicesDep,
    status: Literal["queued", "running", "done", "failed", "cancelled"] | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> StudiesPublic:
    return service.list_studies(services, status, offset, limit)


@router.get("/{study_id}", responses=NOT_FOUND)
def get_study(study_id: StudyId, services: ServicesDep) -> StudyPublic:
    """Status, phase, and per arm the trials done against the budget and the best so far."""
    return service.to_public(services, service.get_row(services.session, study_id))


Format = Annotated[
    Literal["json", "csv"], Query(description="csv: the same as comma-separated values")
]
CSV_TOO: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
}


@router.get(
    "/{study_id}/comparison",
    response_model=Comparison,  # or a CSV response, which FastAPI passes through
    responses={**CSV_TOO, **NOT_FOUND, 409: {"model": Problem, "description": "not done yet"}},
)
def get_comparison(
    study_id: StudyId, services: ServicesDep, format: Format = "json"
) -> Comparison | Response:
    """Best tuned weights against learned weights and sigmas, on held-out data
    (`format=csv`: one row per arm and task)."""
    comparison = service.comparison(services, study_id)
    if format == "csv":
        return csv_response(comparison_csv(comparison), f"study-{study_id}-comparison.csv")
    return comparison


@router.get("/{study_id}/trials", response_model=TrialsPublic, responses={**CSV_TOO, **NOT_FOUND})
def list_trials(
    study_id: StudyId,
    services: ServicesDep,
    arm: str | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    format: Format = "json",
) -> TrialsPublic | Response:
    """A page of the study's trials, arm by arm (`format=csv`: one row per trial)."""
    page = service.trials(services, study_id, arm, offset, limit)
    if format == "csv":
        tasks = service.task_names(services, study_id)
        return csv_response(trials_csv(page.data, tasks), f"study-{study_id}-trials.csv")
    return page


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{study_id}/sigmas", responses=NOT_FOUND)
def get_sigmas(study_id: StudyId, services: ServicesDep, arm: str | None = None) -> SigmasPublic:
    """Effective weights (and uncertainty weighting's sigmas) per epoch, per run, per arm."""
    return service.sigmas(services, study_id, arm)


@router.post("/{study_id}/cancel", responses=NOT_FOUND)
def cancel_study(study_id: StudyId, services: ServicesDep) -> StudyPublic:
    """No new work starts; running trials stop at their next epoch."""
    study = service.cancel(services, study_id)
    services.session.commit()
    return service.to_public(services, study)


@router.delete(
    "/{study_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        **NOT_FOUND,
        409: {"model": Problem, "description": "still running"},
    },
)
def delete_study(study_id: StudyId, services: ServicesDep) -> None:
    """Remove the study's rows and its Optuna studies."""
    service.delete_study(services, study_id)
    services.session.commit()


@router.get(
    "/{study_id}/events",
    response_class=StreamingResponse,
    responses={**NOT_FOUND, 200: {"content": {"text/event-stream": {}}}},
)
def study_events(
    study_id: StudyId, services: ServicesDep, request: Request
) -> EventSourceResponse:
    """Server-sent events: `phase`, `trial`, `evaluation`, and `done` (then the stream ends)."""
    service.get_row(services.session, study_id)  # 404 before the stream starts
    return EventSourceResponse(event_stream(request.app.state, study_id, request))
