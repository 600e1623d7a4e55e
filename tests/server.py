"""Real service processes for tests: `taskweights serve` on a free loopback port, workers,
and the checks that a study they ran lost and doubled nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import optuna
from optuna.trial import FrozenTrial, TrialState

from taskweights.search import counts_toward_budget, storage_at
from taskweights.search.records import read
from tests.conftest import wait_until

TASKWEIGHTS = str(Path(sys.executable).parent / "taskweights")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    db_url: str,
    workers: int = 2,
    token: str | None = None,
    log: Path | None = None,
    taskweights: str | Path = TASKWEIGHTS,
) -> Iterator[str]:
    """Start `taskweights serve` (this environment's, or the `taskweights` command given), wait
    until /health sees every worker, stop it after."""
    port = free_port()
    env = os.environ | {"TASKWEIGHTS_THREADS": "1"}
    if token:
        env["TASKWEIGHTS_TOKEN"] = token
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [taskweights, "serve", "--port", str(port), "--db", db_url, "--workers", str(workers)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert process.poll() is None, "taskweights serve exited"
        try:
            health = httpx.get(f"{url}/health", timeout=2).json()
            return bool(health["models"]) and int(health["workers_alive"]) >= workers
        except (httpx.TransportError, KeyError, ValueError):
            return False

    try:
        wait_until(up, seconds=120, what=f"taskweights serve, its models and {workers} worker(s)")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()  # type: ignore[union-attr]


def wait_for(
    client: httpx.Client, study_id: int, statuses: set[str], seconds: float = 240
) -> dict:
    def ended() -> dict | None:
        study: dict = client.get(f"/studies/{study_id}").json()
        return study if study["status"] in statuses else None

    found = wait_until(ended, seconds, what=f"study {study_id} to be {sorted(statuses)}")
    assert isinstance(found, dict)
    return found


def start_worker(db_url: str, log: Path) -> subprocess.Popen[bytes]:
    """`taskweights worker --db URL`, one torch thread, its output appended to `log`."""
    env = os.environ | {"TASKWEIGHTS_THREADS": "1"}
    with open(log, "ab") as output:
        return subprocess.Popen(
            [TASKWEIGHTS, "worker", "--db", db_url],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def assert_exact_budget(db_url: str, name: str, budget: int, seeds: int = 2) -> list[FrozenTrial]:
    """Exactly `budget` tuned trials counted, none left running, each (arm, seed) evaluated once.

    The study is expected to have the reference, the tuned arm and one learned arm.
    """
    with storage_at(db_url) as storage:
        tuned = optuna.load_study(study_name=f"{name}/tuned", storage=storage).trials
        evaluation = optuna.load_study(study_name=f"{name}/evaluation", storage=storage).trials
    assert len([t for t in tuned if counts_toward_budget(t)]) == budget
    assert not [t for t in tuned if t.state in (TrialState.RUNNING, TrialState.WAITING)]
    runs = [(read(t).arm, read(t).seed) for t in evaluation if t.state == TrialState.COMPLETE]
    assert sorted(runs) == sorted(set(runs))
    assert len(runs) == 3 * seeds
    return tuned
