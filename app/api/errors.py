"""The API's errors and the one place every error becomes an HTTP status.

ServiceError
├── NotFound (404)
├── Conflict (409): deleting a study that still runs, or a dataset a study still needs
├── PayloadTooLarge (413): an upload over the server's limit
└── InvalidInput (422): an Idempotency-Key reused with another body, a file that is no CSV
search.SpecError (422), search.StudyConflictError (409), search.StudyNotFoundError (404)
app.errors.StudyNotFinishedError (409): a comparison asked for before the study is done
models_process.ModelsUnavailable (503): the process that checks specs died twice in a row
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from taskweights.app.api.models_process import ModelsUnavailable
from taskweights.app.errors import StudyNotFinishedError
from taskweights.search.errors import SpecError, StudyConflictError, StudyNotFoundError
from taskweights.search.spec import field_issues


class ServiceError(Exception):
    status_code = 500

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class PayloadTooLarge(ServiceError):
    status_code = 413


class InvalidInput(ServiceError):
    """A 422 in the documented shape: `detail`, and the field at fault with the reason."""

    status_code = 422

    def __init__(self, detail: str, field: str, reason: str) -> None:
        super().__init__(detail, errors=[{"field": field, "reason": reason}])


class IdempotencyMismatch(InvalidInput):
    pass


def _spec_problem(
    issues: list[tuple[str, str]], detail: str = "invalid study spec"
) -> JSONResponse:
    errors = [{"field": field, "reason": reason} for field, reason in issues]
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # the same field paths and reasons as the CLI prints, without FastAPI's "body." prefix
        issues = field_issues(error.errors())
        if all(field == "body" or field.startswith("body.") for field, _ in issues):
            return _spec_problem([(f.removeprefix("body."), reason) for f, reason in issues])
        return _spec_problem(issues, detail="invalid request")  # a path, query or header

    @app.exception_handler(SpecError)
    async def invalid_spec(request: Request, error: SpecError) -> JSONResponse:
        return _spec_problem(error.issues)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": error.detail, **error.extra}, status_code=error.status_code)

    @app.exception_handler(StudyConflictError)
    async def name_conflict(request: Request, error: StudyConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.exception_handler(StudyNotFoundError)
    async def missing(request: Request, error: StudyNotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(StudyNotFinishedError)
    async def not_finished(request: Request, error: StudyNotFinishedError) -> JSONResponse:
        study = error.study
        body = {
            "detail": str(error),
            "status": study.status,
            "phase": study.phase,
            "progress": study.model_dump(mode="json", include={"arms", "evaluation"}),
        }
        return JSONResponse(body, status_code=409)

    @app.exception_handler(ModelsUnavailable)
    async def models_unavailable(request: Request, error: ModelsUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)
