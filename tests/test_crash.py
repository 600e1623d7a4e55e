"""Crash safety: real processes killed mid-study; nothing lost, nothing run twice.

Heartbeats every second and a 4-second grace keep these tests short; production defaults
are 5 and 30 seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import optuna
import pytest
from optuna.trial import TrialState
from sqlalchemy import select

from taskweights.app.db.database import Database
from taskweights.app.db.tables import WorkUnitRow
from taskweights.search import counts_toward_budget, failure_reason
from taskweights.search.concurrency import BEATING_ATTR
from taskweights.search.records import read
from taskweights.search.storage import storage_at
from tests.conftest import small_digits_spec, wait_until
from tests.server import (
    assert_exact_budget,
    running_server,
    start_worker,
    stop,
    wait_for,
)

FAST_HEARTBEAT = {"TASKWEIGHTS_HEARTBEAT_SECONDS": "1", "TASKWEIGHTS_GRACE_SECONDS": "4"}
TUNED_TRIALS = 4
EPOCHS = 40


@pytest.fixture
def db_url(storage_url: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return storage_url


@pytest.fixture(autouse=True)
def fast_heartbeats(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in FAST_HEARTBEAT.items():
        monkeypatch.setenv(key, value)


def slow_spec(name: str) -> dict:
    """Trials of a few seconds, so that a kill lands inside one."""
    return small_digits_spec(
        name,
        tuned={"trials": TUNED_TRIALS, "pruner": "none"},
        training={"epochs": EPOCHS, "batch_size": 64, "lr": 0.002},
    )


def tuned_done(client: httpx.Client, study_id: int) -> int:
    arms = client.get(f"/studies/{study_id}").json()["arms"]
    return next(a["done"] for a in arms if a["arm"] == "tuned")


def early_in_a_trial(db_url: str, name: str, pid: int | None = None) -> bool:
    """A tuned trial is training and has most of its epochs ahead: a signal now lands inside it.

    With `pid`: a trial that process runs.
    """
    with storage_at(db_url) as storage:
        trials = optuna.load_study(study_name=f"{name}/tuned", storage=storage).get_trials(
            deepcopy=False, states=(TrialState.RUNNING,)
        )
    if pid is not None:
        runner = f"{socket.gethostname()}:{pid}"
        trials = [t for t in trials if t.system_attrs.get(BEATING_ATTR) == runner]
    return any(0 < len(t.intermediate_values) < EPOCHS // 2 for t in trials)


def assert_nothing_lost_or_doubled(db_url: str, name: str) -> list[optuna.trial.FrozenTrial]:
    return assert_exact_budget(db_url, name, TUNED_TRIALS)


def test_a_worker_killed_mid_trial_is_taken_over(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    with (
        running_server(db_url, workers=0) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        study = client.post("/studies", json=slow_spec("killed")).json()
        victim = start_worker(db_url, log)  # alone: its next trial follows its first at once
        survivor = None
        try:
            wait_until(lambda: tuned_done(client, study["id"]) >= 1, what="a first tuned trial")
            wait_until(
                lambda: early_in_a_trial(db_url, "killed", victim.pid),
                what="the victim early in its next trial",
            )
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            survivor = start_worker(db_url, log)
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=300)
            assert done["status"] == "done", done["error"]
        finally:
            stop(victim)
            if survivor is not None:
                stop(survivor)
    tuned = assert_nothing_lost_or_doubled(db_url, "killed")
    killed = [t for t in tuned if t.state == TrialState.FAIL and not counts_toward_budget(t)]
    assert [failure_reason(t) for t in killed] == ["its worker stopped (no heartbeat)"]
    retried = [t for t in tuned if t.system_attrs.get("failed_trial") == killed[0].number]
    assert len(retried) == 1 and retried[0].state == TrialState.COMPLETE
    # The retry keeps what the killed trial had suggested (a kill between ask and the first
    # suggestion would leave nothing to keep, and the sampler would then pick afresh).
    assert killed[0].params and killed[0].params.items() <= retried[0].params.items()
    weights = {frozenset(t.params) for t in tuned if t.state == TrialState.COMPLETE}
    assert len(weights) == 1 and frozenset(retried[0].params) in weights


def test_the_api_killed_and_restarted_mid_study(db_url: str, tmp_path: Path) -> None:
    worker = start_worker(db_url, tmp_path / "worker.log")
    try:
        with (
            running_server(db_url, workers=0) as url,
            httpx.Client(base_url=url, timeout=60) as client,
        ):
            study = client.post("/studies", json=slow_spec("survives")).json()
            wait_until(lambda: tuned_done(client, study["id"]) >= 1)
            api = subprocess.run(
                ["pgrep", "-f", f"serve --port {url.rsplit(':', 1)[1]}"],
                capture_output=True,
                text=True,
                check=False,
            )
            children = serve_children(api.stdout.split()[0])
            assert children, "the models process is serve's child"
            for pid in api.stdout.split():
                os.kill(int(pid), signal.SIGKILL)
            wait_until(
                lambda: all(gone(pid) for pid in children),
                seconds=30,
                what="the models process to end with the API",
            )
        with (
            running_server(db_url, workers=0) as url,
            httpx.Client(base_url=url, timeout=60) as client,
        ):
            assert client.get("/studies").json()["count"] == 1
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=300)
            assert done["status"] == "done", done["error"]
    finally:
        stop(worker)
    tuned = assert_nothing_lost_or_doubled(db_url, "survives")
    assert all(counts_toward_budget(t) for t in tuned)


def test_sigterm_gives_the_unit_back_at_once(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    with (
        running_server(db_url, workers=0) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        study = client.post("/studies", json=slow_spec("termed")).json()
        first = start_worker(db_url, log)
        wait_until(lambda: tuned_done(client, study["id"]) >= 1)
        wait_until(lambda: early_in_a_trial(db_url, "termed"))
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0
        with storage_at(db_url) as storage:
            tuned = optuna.load_study(study_name="termed/tuned", storage=storage).trials
        [stopped] = [t for t in tuned if read(t).interrupted]
        assert len(stopped.intermediate_values) < EPOCHS  # the epoch ended, not the trial
        assert unit_states(db_url) == {"queued"}  # given back, not left to the reaper
        second = start_worker(db_url, log)
        try:
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=300)
            assert done["status"] == "done", done["error"]
        finally:
            stop(second)
    tuned = assert_nothing_lost_or_doubled(db_url, "termed")
    interrupted = [t for t in tuned if read(t).interrupted]
    assert len(interrupted) == 1
    assert "shutting down" in str(read(interrupted[0]).error)


def test_serve_stops_its_workers_and_its_models_process(db_url: str) -> None:
    with running_server(db_url, workers=2) as url:
        port = url.rsplit(":", 1)[1]
        serve = subprocess.run(
            ["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True, check=False
        ).stdout.split()
        children = serve_children(serve[0])
        commands = [Path(f"/proc/{pid}/cmdline").read_text() for pid in children]
        assert len([c for c in commands if "worker" in c]) == 2
        assert len([c for c in commands if "spawn_main" in c]) == 1  # the models process
    wait_until(
        lambda: all(gone(pid) for pid in children), seconds=30, what="serve's children to end"
    )


def serve_children(pid: str) -> list[str]:
    return subprocess.run(
        ["pgrep", "-P", pid], capture_output=True, text=True, check=False
    ).stdout.split()


def gone(pid: str) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" in status.read_text().lower()
    except OSError:
        return True


def unit_states(db_url: str) -> set[str]:
    """The states of the search units of the tuned arm."""
    database = Database(db_url)
    try:
        with database.session() as session:
            return set(
                session.scalars(
                    select(WorkUnitRow.state).where(
                        WorkUnitRow.stage == 1, WorkUnitRow.arm == "tuned"
                    )
                )
            )
    finally:
        database.dispose()


SIGNAL_INSIDE_THE_EVENTS_LOCK = """
import os, signal, threading, time
from taskweights.app.workers.worker import stop_on_signals
stopped = threading.Event()
stop_on_signals(stopped.set)
with stopped._cond:  # this thread holds the Event's lock, as it does inside Event.wait
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.5)  # the handler runs here, in this thread, the lock still held
assert stopped.wait(10)
"""


def test_a_signal_that_lands_while_the_stop_event_is_locked_still_stops() -> None:
    """`serve` and the kernel (its parent died) may both signal a worker at once: a handler
    could then run inside another's `Event.set`. One that set the worker's Event in the main
    thread deadlocked there, and the worker never exited."""
    result = subprocess.run(
        [sys.executable, "-c", SIGNAL_INSIDE_THE_EVENTS_LOCK],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
