"""`taskweights serve` and `taskweights worker`: the service's processes."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys

import optuna
import uvicorn

from app.db import Database, upgrade_database
from app.main import create_app
from app.settings import Settings
from app.worker import Worker

log = logging.getLogger("taskweights")
WORKER_EXIT_SECONDS = 30


def run_worker(settings: Settings, once: bool = False) -> None:
    """One worker in this process; SIGTERM or Ctrl-C ends it after the current epoch."""
    log_to_stderr()
    upgrade_database(settings.db_url)
    worker = Worker(
        Database(settings.db_url),
        threads=settings.threads,
        heartbeat_seconds=settings.heartbeat_seconds,
        grace_seconds=settings.grace_seconds,
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stop())
    worker.run(once=once)


PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In a worker, before exec: the kernel sends it SIGTERM when `serve` dies, however it dies
    (uvicorn re-raises the signal that stopped it, so `serve` gets no chance to clean up)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_workers(url: str, count: int) -> list[subprocess.Popen[bytes]]:
    env = os.environ | {"TASKWEIGHTS_THREADS": "1", "TASKWEIGHTS_DB_URL": url}
    command = [sys.executable, "-m", "app", "worker", "--db", url]
    linux = sys.platform.startswith("linux")
    return [
        subprocess.Popen(command, env=env, preexec_fn=_stop_with_parent if linux else None)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for process in workers:
        process.terminate()
    for process in workers:
        try:
            process.wait(timeout=WORKER_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()


def serve(settings: Settings, host: str, port: int, workers: int | None) -> None:
    """The API on host:port, and `workers` local worker processes (default: one per core)."""
    log_to_stderr()
    upgrade_database(settings.db_url)
    count = workers if workers is not None else (settings.workers or os.cpu_count() or 1)
    processes = start_workers(settings.db_url, count)
    log.info("started %d worker(s); API on http://%s:%d", count, host, port)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        stop_workers(processes)


def quiet_optuna() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def log_to_stderr() -> None:
    """Servers and workers say what they do; the user-facing commands do not."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
