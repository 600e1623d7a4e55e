"""The API and a worker in the test process: `create_app` under FastAPI's TestClient, and a
`Worker` that runs until the queue is empty (with the real unit runner, or a test's own)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi.testclient import TestClient

from taskweights.app.api.main import create_app
from taskweights.app.db.database import Database
from taskweights.app.settings import Settings
from taskweights.app.workers.worker import UnitRunner, Worker
from tests.conftest import wait_until

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def api_on(db_url: str, **settings: Any) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=db_url, token=TOKEN, **settings))
    try:
        with TestClient(app, headers=AUTH) as http:
            yield http
    finally:
        app.state.storage.engine.dispose()
        app.state.db.dispose()


def work(db_url: str, runner: UnitRunner | None = None, datasets_dir: Path | None = None) -> None:
    """One worker in this process, until the queue is empty (copying datasets it reads into
    `datasets_dir`, when given)."""
    worker = Worker(
        Database(db_url), heartbeat_seconds=1, grace_seconds=30, datasets_dir=datasets_dir
    )
    if runner is not None:
        worker.runner = runner
    try:
        worker.run(poll_seconds=0.1, once=True)
    finally:
        worker.db.dispose()


@contextmanager
def served(db_url: str, **settings: Any) -> Iterator[str]:
    """`create_app` under a real uvicorn server, in a thread of this process: for what a
    TestClient cannot show (concurrent connections, a body not yet sent), without the seconds
    a server process takes to start. Yields its base URL."""
    app = create_app(Settings(db_url=db_url, token=TOKEN, **settings))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), 30, what="uvicorn to start")
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.storage.engine.dispose()
        app.state.db.dispose()
