"""Crash safety: real processes killed mid-study; nothing lost, nothing run twice.

Heartbeats every second and a 4-second grace keep these tests short; production defaults
are 5 and 30 seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import optuna
import pytest
from optuna.trial import TrialState

from search import counts_toward_budget, failure_reason, storage_at
from tests.conftest import small_digits_spec
from tests.server import TASKWEIGHTS, running_server, wait_for

FAST_HEARTBEAT = {"TASKWEIGHTS_HEARTBEAT_SECONDS": "1", "TASKWEIGHTS_GRACE_SECONDS": "4"}
TUNED_TRIALS = 6


@pytest.fixture(autouse=True)
def fast_heartbeats(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in FAST_HEARTBEAT.items():
        monkeypatch.setenv(key, value)


def slow_spec(name: str) -> dict:
    """Trials of a second or two, so that a kill lands inside one."""
    return small_digits_spec(
        name,
        tuned={"trials": TUNED_TRIALS, "pruner": "none"},
        training={"epochs": 40, "batch_size": 32, "lr": 0.002},
    )


def start_worker(db_url: str, log: Path) -> subprocess.Popen[bytes]:
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


def wait_until(condition, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def tuned_done(client: httpx.Client, study_id: int) -> int:
    arms = client.get(f"/studies/{study_id}").json()["arms"]
    return next(a["done"] for a in arms if a["arm"] == "tuned")


def assert_nothing_lost_or_doubled(db_url: str, name: str) -> list[optuna.trial.FrozenTrial]:
    """Exactly the budget of tuned trials counted, and each (arm, seed) evaluated once."""
    with storage_at(db_url) as storage:
        tuned = optuna.load_study(study_name=f"{name}/tuned", storage=storage).trials
        evaluation = optuna.load_study(study_name=f"{name}/evaluation", storage=storage).trials
    assert len([t for t in tuned if counts_toward_budget(t)]) == TUNED_TRIALS
    assert not [t for t in tuned if t.state in (TrialState.RUNNING, TrialState.WAITING)]
    runs = [
        (t.user_attrs["arm"], t.user_attrs["seed"])
        for t in evaluation
        if t.state == TrialState.COMPLETE
    ]
    assert sorted(runs) == sorted(set(runs))
    assert len(runs) == 3 * 2  # (reference, tuned, uncertainty) x 2 seeds
    return tuned


def test_a_worker_killed_mid_trial_is_taken_over(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'kill.db'}"
    log = tmp_path / "workers.log"
    with running_server(db_url, workers=0) as url, httpx.Client(base_url=url) as client:
        study = client.post("/studies", json=slow_spec("killed")).json()
        victim, survivor = start_worker(db_url, log), start_worker(db_url, log)
        try:
            wait_until(lambda: tuned_done(client, study["id"]) >= 1)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=300)
            assert done["status"] == "done", done["error"]
        finally:
            stop(victim)
            stop(survivor)
    tuned = assert_nothing_lost_or_doubled(db_url, "killed")
    killed = [t for t in tuned if t.state == TrialState.FAIL and not counts_toward_budget(t)]
    assert [failure_reason(t) for t in killed] == ["its worker stopped (no heartbeat)"]
    retried = [t for t in tuned if t.system_attrs.get("failed_trial") == killed[0].number]
    assert len(retried) == 1 and retried[0].state == TrialState.COMPLETE
    assert retried[0].params == killed[0].params


def test_the_api_killed_and_restarted_mid_study(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'api.db'}"
    worker = start_worker(db_url, tmp_path / "worker.log")
    try:
        with running_server(db_url, workers=0) as url, httpx.Client(base_url=url) as client:
            study = client.post("/studies", json=slow_spec("survives")).json()
            wait_until(lambda: tuned_done(client, study["id"]) >= 1)
            api = subprocess.run(
                ["pgrep", "-f", f"serve --port {url.rsplit(':', 1)[1]}"],
                capture_output=True,
                text=True,
                check=False,
            )
            for pid in api.stdout.split():
                os.kill(int(pid), signal.SIGKILL)
        with running_server(db_url, workers=0) as url, httpx.Client(base_url=url) as client:
            assert client.get("/studies").json()["count"] == 1
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=300)
            assert done["status"] == "done", done["error"]
    finally:
        stop(worker)
    tuned = assert_nothing_lost_or_doubled(db_url, "survives")
    assert all(counts_toward_budget(t) for t in tuned)


def test_sigterm_gives_the_unit_back_at_once(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'term.db'}"
    log = tmp_path / "workers.log"
    with running_server(db_url, workers=0) as url, httpx.Client(base_url=url) as client:
        study = client.post("/studies", json=slow_spec("termed")).json()
        first = start_worker(db_url, log)
        wait_until(lambda: tuned_done(client, study["id"]) >= 1)
        stopped_at = time.monotonic()
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        assert time.monotonic() - stopped_at < 10  # the epoch ends, not the trial
        second = start_worker(db_url, log)
        try:
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=300)
            assert done["status"] == "done", done["error"]
        finally:
            stop(second)
    tuned = assert_nothing_lost_or_doubled(db_url, "termed")
    interrupted = [t for t in tuned if t.user_attrs.get("interrupted")]
    assert len(interrupted) == 1
    assert "shutting down" in interrupted[0].user_attrs["error"]


def test_serve_stops_its_workers(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'serve.db'}"
    with running_server(db_url, workers=2) as url:
        port = url.rsplit(":", 1)[1]
        serve = subprocess.run(
            ["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True, check=False
        ).stdout.split()
        children = subprocess.run(
            ["pgrep", "-P", serve[0]], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 2

    def gone(pid: str) -> bool:
        status = Path(f"/proc/{pid}/status")
        return not status.exists() or "zombie" in status.read_text().lower()

    wait_until(lambda: all(gone(pid) for pid in children), seconds=30)
