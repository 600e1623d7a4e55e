"""`taskweights serve`: the API under uvicorn, and local worker processes beside it."""

from __future__ import annotations

import logging
import os

import uvicorn

from taskweights.app.api.main import create_app
from taskweights.app.db.database import upgrade_database
from taskweights.app.settings import Settings
from taskweights.app.workers.processes import log_to_stderr, start_workers, stop_workers

log = logging.getLogger("taskweights")


def serve(settings: Settings, host: str, port: int, workers: int | None) -> None:
    """The API on host:port, and `workers` local worker processes (default: one per core)."""
    log_to_stderr()
    upgrade_database(settings.db_url)
    count = workers if workers is not None else (settings.workers or os.cpu_count() or 1)
    processes = start_workers(settings, count)
    log.info("started %d worker(s); API on http://%s:%d", count, host, port)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        stop_workers(processes)
