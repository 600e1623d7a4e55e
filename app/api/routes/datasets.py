"""/datasets: upload a CSV file once, see its columns, use its id in a spec, delete it unused."""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response, status
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Message, Receive

from taskweights.app.api.deps import ServicesDep
from taskweights.app.api.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from taskweights.app.api.service import Services
from taskweights.app.db import datasets
from taskweights.app.db.tables import DatasetRow
from taskweights.app.errors import DatasetInUse
from taskweights.app.schemas import DatasetPublic, Problem, ValidationProblem
from taskweights.models.datasets import DatasetFileError

# the body as documented; `received_file` reads it (not FastAPI, whose parsing would turn the
# upload limit's error into a 400)
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "contentMediaType": "application/octet-stream",
                            "description": "a CSV file with a header row",
                        }
                    },
                    "required": ["file"],
                }
            }
        },
    }
}
DatasetId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no dataset with this id"}
}


def upload_limit(request: Request) -> int:
    return int(request.app.state.settings.max_upload_mb * 1_000_000)


class UploadTooLarge(Exception):
    """The body passed the upload limit while it was read."""


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the upload is larger than this server's limit of {limit / 1e6:g} MB "
        "(TASKWEIGHTS_MAX_UPLOAD_MB)"
    )


def within(receive: Receive, limit: int) -> Receive:
    """`receive`, raising `UploadTooLarge` as soon as the body passes `limit` bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise UploadTooLarge
        return message

    return counted


async def received_file(request: Request) -> UploadFile:
    """The upload's `file` field, streamed into a temporary file (on disk past 1 MB), so a
    large upload never sits in memory; 413 before reading a body whose Content-Length is over
    the limit, or as soon as a chunked one passes it."""
    limit = upload_limit(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    try:
        form = await Request(request.scope, within(request.receive, limit)).form(max_files=1)
    except UploadTooLarge:
        raise too_large(limit) from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        await form.close()
        raise InvalidInput(
            "invalid dataset",
            "file",
            "Field required: send the CSV file as the multipart form field 'file'",
        )
    return file


# one upload is parsed and stored at a time per API process: however many arrive together,
# memory holds one table's worth (the others wait on disk, in their temporary files)
STORING = threading.Lock()
LIBC = ctypes.CDLL("libc.so.6") if sys.platform.startswith("linux") else None


def give_back_memory() -> None:
    """Return freed heap memory to the system (glibc keeps a parse's large buffers otherwise,
    one arena per thread, so uploads stored by different threads would add up)."""
    if LIBC is not None:
        LIBC.malloc_trim(0)


def stored(services: Services, file: UploadFile) -> tuple[DatasetRow, bool]:
    """The upload, stored by content (blocking: the hash, parsing and the database)."""
    try:
        with STORING:
            try:
                row, created = datasets.add(
                    services.session, file.file, file.filename or "", services.settings.max_columns
                )
            finally:
                give_back_memory()
    except DatasetFileError as error:
        raise InvalidInput("invalid dataset", "file", str(error)) from error
    datasets.write_cached(services.settings.datasets_dir, row.sha256, file.file)
    return row, created


router = APIRouter(prefix="/datasets", tags=["datasets"])


def to_public(row: DatasetRow) -> DatasetPublic:
    return DatasetPublic.model_validate(row, from_attributes=True)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": DatasetPublic, "description": "the same file was uploaded before"},
        400: {"model": Problem, "description": "the body is not multipart/form-data"},
        413: {"model": Problem, "description": "larger than the server's upload limit"},
        422: {"model": ValidationProblem, "description": "the file is no CSV table"},
    },
    openapi_extra=UPLOAD_BODY,
)
async def upload_dataset(
    request: Request, services: ServicesDep, response: Response
) -> DatasetPublic:
    """Store a CSV file by its content: 201 with its id (a spec's `problem.params.dataset`);
    the same bytes again answer 200 with the same id."""
    file = await received_file(request)
    try:
        row, created = await run_in_threadpool(stored, services, file)
    finally:
        await file.close()
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
    responses={
        **NOT_FOUND,
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
