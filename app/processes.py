"""`taskweights serve` and `taskweights worker`: the service's processes."""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

import optuna
import uvicorn

from taskweights.app.db import Database, upgrade_database
from taskweights.app.main import create_app
from taskweights.app.settings import Settings
from taskweights.app.worker import Worker

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
    stop_on_signals(worker.stop)
    worker.run(once=once)


def stop_on_signals(stop: Callable[[], None]) -> None:
    """SIGTERM and Ctrl-C call `stop`, from a thread of its own.

    A Python signal handler runs in the main thread between two bytecodes, possibly while that
    thread holds the lock inside the `threading.Event` that `stop` sets (in `Event.wait`, or in
    the handler of an earlier signal); setting it there deadlocks. A worker that got SIGTERM
    from `serve` and again from the kernel as `serve` died hung that way, never exiting.
    """

    def handler(_signum: int, _frame: object) -> None:
        threading.Thread(target=stop, name="stop", daemon=True).start()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def run_workers(settings: Settings, count: int, once: bool = False) -> int:
    """`count` workers on this machine, a process each; SIGTERM or Ctrl-C stops them all.

    Exit status 0 when every worker exited cleanly, else 1.
    """
    if count == 1:
        run_worker(settings, once)
        return 0
    log_to_stderr()
    upgrade_database(settings.db_url)  # once here, rather than raced by every child
    processes = start_workers(settings, count, once)
    log.info("started %d worker processes", count)

    def pass_on(signum: int, _frame: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, pass_on)
    codes = [process.wait() for process in processes]
    return 0 if all(code == 0 for code in codes) else 1


PR_SET_PDEATHSIG = 1


def _stop_with_parent(parent: int) -> None:
    """In a worker, before exec: the kernel sends it SIGTERM when `serve` dies, however it dies
    (uvicorn re-raises the signal that stopped it, so `serve` gets no chance to clean up).

    If `serve` died between the fork and this call, no signal will come: the worker ends now.
    """
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


def start_workers(
    settings: Settings, count: int, once: bool = False
) -> list[subprocess.Popen[bytes]]:
    """`count` worker processes that stop when this process dies, however it dies."""
    env = os.environ | {
        "TASKWEIGHTS_THREADS": str(settings.threads),
        "TASKWEIGHTS_DB_URL": settings.db_url,
    }
    command = [sys.executable, "-m", "taskweights", "worker", "--db", settings.db_url]
    command += ["--once"] if once else []
    linux = sys.platform.startswith("linux")
    preexec = functools.partial(_stop_with_parent, os.getpid()) if linux else None
    return [subprocess.Popen(command, env=env, preexec_fn=preexec) for _ in range(count)]


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
    processes = start_workers(settings, count)
    log.info("started %d worker(s); API on http://%s:%d", count, host, port)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        stop_workers(processes)


def quiet_optuna() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def log_to_stderr() -> None:
    """Servers and workers say what they do; the user-facing commands do not."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s[%(process)d] %(message)s")
