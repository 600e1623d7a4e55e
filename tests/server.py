"""A real `taskweights serve` for tests: uvicorn on a free loopback port, real workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

TASKWEIGHTS = str(Path(sys.executable).parent / "taskweights")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    db_url: str, workers: int = 2, token: str | None = None, log: Path | None = None
) -> Iterator[str]:
    """Start `taskweights serve`, wait until /health sees every worker, stop it after."""
    port = free_port()
    env = os.environ | {"TASKWEIGHTS_THREADS": "1"}
    if token:
        env["TASKWEIGHTS_TOKEN"] = token
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [TASKWEIGHTS, "serve", "--port", str(port), "--db", db_url, "--workers", str(workers)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "taskweights serve exited"
            try:
                if httpx.get(f"{url}/health", timeout=2).json()["workers_alive"] >= workers:
                    break
            except (httpx.TransportError, KeyError, ValueError):
                pass
            assert time.monotonic() < deadline, "taskweights serve did not come up"
            time.sleep(0.3)
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
    deadline = time.monotonic() + seconds
    while True:
        study = client.get(f"/studies/{study_id}").json()
        if study["status"] in statuses:
            return study
        assert time.monotonic() < deadline, f"study {study_id} stuck: {study}"
        time.sleep(0.3)
