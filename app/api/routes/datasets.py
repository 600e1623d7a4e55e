"""/datasets: upload a CSV file once, see its columns, use its id in a spec, delete it unused."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from fastapi import Path as PathParam
from fastapi.routing import APIRoute
from starlette.types import Message, Receive

from taskweights.app.api.deps import UNAUTHORIZED, ServicesDep, TokenRequired
from taskweights.app.api.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from taskweights.app.db import datasets
from taskweights.app.db.tables import DatasetRow
from taskweights.app.errors import DatasetInUse
from taskweights.app.schemas import DatasetPublic, Problem, ValidationProblem
from taskweights.models.datasets import DatasetFileError

DatasetId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no dataset with this id"}
}


def upload_limit(request: Request) -> int:
    return int(request.app.state.settings.max_upload_mb * 1_000_000)


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the upload is larger than this server's limit of {limit / 1e6:g} MB "
        "(TASKWEIGHTS_MAX_UPLOAD_MB)"
    )


class LimitedUpload(APIRoute):
    """Refuses a body over the upload limit before reading it (its Content-Length says so), or
    as soon as it passes the limit (a chunked body): a huge upload never fills memory or disk.

    The body is read here, then replayed to the route (whose form parser would turn an error
    raised while it reads into a 400).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            limit = upload_limit(request)
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large(limit)
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise too_large(limit)
            return await handler(Request(request.scope, replay(bytes(body))))

        return limited


def replay(body: bytes) -> Receive:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


router = APIRouter(prefix="/datasets", tags=["datasets"], route_class=LimitedUpload)


def to_public(row: DatasetRow) -> DatasetPublic:
    return DatasetPublic.model_validate(row, from_attributes=True)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=TokenRequired,
    responses={
        **UNAUTHORIZED,
        200: {"model": DatasetPublic, "description": "the same file was uploaded before"},
        400: {"model": Problem, "description": "the body is not multipart/form-data"},
        413: {"model": Problem, "description": "larger than the server's upload limit"},
        422: {"model": ValidationProblem, "description": "the file is no CSV table"},
    },
)
def upload_dataset(
    file: Annotated[UploadFile, File(description="a CSV file with a header row")],
    services: ServicesDep,
    response: Response,
) -> DatasetPublic:
    """Store a CSV file by its content: 201 with its id (a spec's `problem.params.dataset`);
    the same bytes again answer 200 with the same id."""
    content = file.file.read()
    try:
        row, created = datasets.add(services.session, content, file.filename or "")
    except DatasetFileError as error:
        raise InvalidInput("invalid dataset", "file", str(error)) from error
    services.session.commit()
    datasets.write_cached(services.settings.datasets_dir, row.sha256, content)
    response.headers["Location"] = f"/datasets/{row.id}"
    if not created:
        response.status_code = status.HTTP_200_OK
    return to_public(row)


@router.get("")
def list_datasets(services: ServicesDep) -> list[DatasetPublic]:
    """Every uploaded dataset, oldest first, with its columns."""
    return [to_public(row) for row in datasets.listed(services.session)]


@router.get("/{dataset_id}", responses=NOT_FOUND)
def get_dataset(dataset_id: DatasetId, services: ServicesDep) -> DatasetPublic:
    """Its rows and, per column, the dtype, missing and distinct values, and numbers' range."""
    return to_public(found(services, dataset_id))


@router.delete(
    "/{dataset_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=TokenRequired,
    responses={
        **NOT_FOUND,
        **UNAUTHORIZED,
        409: {"model": Problem, "description": "a queued or running study reads it"},
    },
)
def delete_dataset(dataset_id: DatasetId, services: ServicesDep) -> None:
    """Delete it, unless a queued or running study needs it (finished studies keep results)."""
    try:
        removed = datasets.remove(services.session, dataset_id, services.settings.datasets_dir)
    except DatasetInUse as error:
        raise Conflict(str(error), studies=error.study_ids) from error
    if not removed:
        raise NotFound(f"no dataset with id {dataset_id}")
    services.session.commit()


def found(services: ServicesDep, dataset_id: str) -> DatasetRow:
    row = services.session.get(DatasetRow, dataset_id)
    if row is None:
        raise NotFound(f"no dataset with id {dataset_id}")
    return row
