"""The database: one SQLAlchemy URL for Optuna's tables and ours, migrations applied at start."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from taskweights.search import storage_at
from taskweights.search.storage import SQLITE_BUSY_TIMEOUT_S, sqlite_path

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "taskweights_alembic_version"  # Optuna writes its own `alembic_version`


def make_engine(url: str) -> Engine:
    if sqlite_path(url) is None:
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def enforce_foreign_keys(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA foreign_keys=ON")  # SQLite leaves them off by default

    return engine


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


MIGRATION_LOCK = 0x7461736B77  # any constant shared by every process migrating this database


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """One migrating process at a time: an advisory lock (PostgreSQL) or a file lock (SQLite)."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(f"{path.name}.migrate.lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK}
                )
                connection.commit()
    finally:
        engine.dispose()


def upgrade_database(url: str) -> None:
    """Create or migrate Optuna's tables and ours; safe at every start, from many processes."""
    with migration_lock(url):
        with storage_at(url):  # Optuna creates and checks its own schema (and SQLite's WAL)
            pass
        command.upgrade(alembic_config(url), "head")


class Database:
    """An engine and its session factory, built once per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
