"""Uploaded datasets: stored once by content hash, listed, read by workers, deleted when unused.

The database holds each file (every worker reads it from there, on any machine); each process
keeps a copy under its data directory, named by the hash, so a file crosses the network once
per machine. A client's file name is kept as a label only: nothing is ever written at a path
a client chose.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskweights.app.db.database import Database
from taskweights.app.db.tables import DatasetRow, StudyRow
from taskweights.app.errors import DatasetInUse
from taskweights.models.datasets import describe, parse_csv, readable, use_datasets

ID_LENGTH = 16  # hex digits of the SHA-256 that name a dataset
ACTIVE = ("queued", "running")


def content_hash(content: bytes | BinaryIO) -> str:
    digest, file = hashlib.sha256(), readable(content)
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def add(
    session: Session, file: BinaryIO, filename: str, max_columns: int
) -> tuple[DatasetRow, bool]:
    """The dataset holding the file's bytes, and whether it is new; `DatasetFileError` if they
    are no CSV table, or one wider than `max_columns` (then nothing is stored).

    Committed here: the same file sent twice at once is stored once, and the later request
    answers with the row the earlier one stored (the hash's unique column decides). The
    table is parsed from the file, and freed, before the bytes are read for the database:
    an upload costs what parsing it costs, not that plus copies of it.
    """
    digest = content_hash(file)
    existing = by_hash(session, digest)
    if existing is not None:
        return existing, False
    rows, columns = summary(file, max_columns)
    file.seek(0)
    content = file.read()
    row = DatasetRow(
        id=digest[:ID_LENGTH],
        sha256=digest,
        filename=PurePath(filename.replace("\\", "/")).name[:255] or "upload.csv",
        size=len(content),
        rows=rows,
        columns=columns,
        content=content,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # stored meanwhile by a concurrent upload of the same bytes
        session.rollback()
        stored = by_hash(session, digest)
        if stored is None:
            raise
        return stored, False
    session.expire(row, ["content"])  # stored: the row need not hold the bytes any longer
    return row, True


def summary(file: BinaryIO, max_columns: int) -> tuple[int, list[dict[str, Any]]]:
    """The table's rows and its columns' summary (the parsed table is freed on return)."""
    table = parse_csv(file, max_columns)
    return len(table), describe(table)


def by_hash(session: Session, digest: str) -> DatasetRow | None:
    return session.scalars(select(DatasetRow).where(DatasetRow.sha256 == digest)).first()


def listed(session: Session) -> list[DatasetRow]:
    return list(session.scalars(select(DatasetRow).order_by(DatasetRow.created_at)))


def remove(session: Session, dataset_id: str, cache_dir: Path) -> bool:
    """Delete the dataset and this machine's copy; False if there is none, `DatasetInUse` if a
    queued or running study needs it (finished studies keep their results either way)."""
    row = session.get(DatasetRow, dataset_id)
    if row is None:
        return False
    users = studies_using(session, dataset_id)
    if users:
        raise DatasetInUse(dataset_id, [(u.id, u.name, u.status) for u in users])
    session.delete(row)
    session.flush()
    (cache_dir / f"{row.sha256}.csv").unlink(missing_ok=True)
    return True


def studies_using(session: Session, dataset_id: str) -> list[StudyRow]:
    """Queued or running studies whose problem reads the dataset: it must stay until they end."""
    active = session.scalars(select(StudyRow).where(StudyRow.status.in_(ACTIVE)))
    return [study for study in active if dataset_of(study.spec) == dataset_id]


def dataset_of(spec: dict[str, object]) -> str | None:
    problem = spec.get("problem")
    if not isinstance(problem, dict) or problem.get("name") != "csv":
        return None
    params = problem.get("params")
    return str(params.get("dataset")) if isinstance(params, dict) else None


class DatabaseDatasets:
    """A `models.datasets` source: files from the database, through a copy in `cache_dir`.

    Picklable (a URL and a folder), so the API hands it to its models process.
    """

    def __init__(self, url: str, cache_dir: Path) -> None:
        self.url, self.cache_dir = url, cache_dir

    def read(self, dataset_id: str) -> bytes | None:
        database = Database(self.url)
        try:
            with database.session() as session:
                digest = session.scalar(
                    select(DatasetRow.sha256).where(DatasetRow.id == dataset_id)
                )
                if digest is None:
                    return None
                cached = self.cache_dir / f"{digest}.csv"
                if cached.is_file():
                    content = cached.read_bytes()
                    if content_hash(content) == digest:
                        return content
                content = session.scalars(
                    select(DatasetRow.content).where(DatasetRow.id == dataset_id)
                ).one()
        finally:
            database.dispose()
        write_cached(self.cache_dir, digest, content)
        return content


def write_cached(cache_dir: Path, digest: str, content: bytes | BinaryIO) -> None:
    """`<cache_dir>/<sha256>.csv`, written whole or not at all (processes may race here)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(handle, "wb") as file:
        shutil.copyfileobj(readable(content), file)
    os.replace(temporary, cache_dir / f"{digest}.csv")


@contextmanager
def reading_datasets(url: str, cache_dir: Path) -> Iterator[None]:
    """Problems built in this process read datasets from the database at `url` meanwhile,
    through copies in `cache_dir`."""
    previous = use_datasets(DatabaseDatasets(url, cache_dir))
    try:
        yield
    finally:
        use_datasets(previous)
