"""Opening Optuna's RDB storage at a SQLAlchemy URL, SQLite made safe for a few writers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import optuna
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_S = 60


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return None if parsed.database == ":memory:" else Path(parsed.database)


def open_storage(
    url: str, heartbeat_seconds: int | None = None, grace_seconds: int | None = None
) -> optuna.storages.RDBStorage:
    """Optuna's storage; for SQLite files WAL journaling and a busy timeout first.

    WAL is a property of the file, so setting it once here covers every later connection.
    With `heartbeat_seconds`, running trials beat and a trial silent for `grace_seconds` is
    stale: failed and (in an arm) retried (see `search.concurrency`).
    """
    engine_kwargs: dict = {}
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
        connection.close()
        engine_kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    if heartbeat_seconds is None:
        return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs)
    from taskweights.search.concurrency import retry_stale_trial

    return optuna.storages.RDBStorage(
        url,
        engine_kwargs=engine_kwargs,
        heartbeat_interval=heartbeat_seconds,
        grace_period=grace_seconds or 6 * heartbeat_seconds,
        heartbeat_stale_trial_callback=retry_stale_trial,
    )


@contextmanager
def storage_at(url: str) -> Iterator[optuna.storages.RDBStorage]:
    """`open_storage`, closing its connections on the way out (a server keeps few idle)."""
    storage = open_storage(url)
    try:
        yield storage
    finally:
        storage.remove_session()
        storage.engine.dispose()


def optuna_study_name(study: str, arm: str) -> str:
    """`<study>/<arm>`: optuna-dashboard lists a study's arms together."""
    return f"{study}/{arm}"
