"""Starting and stopping worker processes: `taskweights worker --processes N`, and those of
`taskweights serve`. Torch-free: the processes started here import it, this one does not."""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys

from taskweights.app.db.database import upgrade_database
from taskweights.app.settings import Settings

log = logging.getLogger("taskweights")
WORKER_EXIT_SECONDS = 30


def run_workers(settings: Settings, count: int, once: bool = False) -> int:
    """`count` workers on this machine, a process each; SIGTERM or Ctrl-C stops them all.

    Exit status 0 when every worker exited cleanly, else 1.
    """
    if count == 1:
        from taskweights.app.workers.worker import run_worker  # this process trains: torch

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


def log_to_stderr() -> None:
    """Servers and workers say what they do; the user-facing commands do not."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s[%(process)d] %(message)s")
