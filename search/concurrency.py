"""Many processes on one study: arm locks, the process's heartbeat, and stale trials.

Optuna's `MaxTrialsCallback` counts trials after each one ends, so two workers finishing at the
same moment can both start one more: the budget overshoots. Here a worker reserves each trial
under a per-arm lock (a PostgreSQL advisory lock; for SQLite, whose workers share one machine,
a file lock) where it first fails stale trials, then counts, then asks. Trials are run by
ask-and-tell, and the process's one heartbeat thread (`Pulse`) records the running trial's
heartbeat through Optuna's own storage API, so Optuna's stale-trial machinery
(`fail_stale_trials`, `RetryHeartbeatStaleTrialCallback`) works as it does under
`study.optimize`.

Optuna only sees a trial as stale once it has a heartbeat: one whose process died between
`ask()` and its first beat would stay RUNNING for ever. So a worker gives its trial a first
beat and a mark (`BEATING_ATTR`) before it lets go of the arm lock, and any RUNNING trial that
another worker finds without the mark, under the same lock, belongs to a process that died
inside it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import optuna
from optuna.storages import RetryHeartbeatStaleTrialCallback
from optuna.trial import FrozenTrial, TrialState
from sqlalchemy import text

from taskweights.search.storage import sqlite_path

log = logging.getLogger("taskweights.concurrency")
HEARTBEAT_WITHOUT_OPTIMIZE = "Heartbeat of storage is supposed to be used with Study.optimize"


def ask(study: optuna.Study) -> optuna.Trial:
    """`study.ask()`, without the warning that heartbeats are meant for `optimize()`: our runs
    beat by themselves (`trial_heartbeat`)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", HEARTBEAT_WITHOUT_OPTIMIZE, UserWarning)
        return study.ask()


MAX_RETRIES = 3
BEATING_ATTR = "taskweights_beating"  # system attr: its heartbeat has started; "host:pid" runs it


def _lock_key(name: str) -> int:
    """A signed 64-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def arm_lock(storage: optuna.storages.RDBStorage, study_name: str) -> Iterator[None]:
    """Mutual exclusion among every process that reserves trials of this study."""
    path = sqlite_path(str(storage.engine.url))
    if path is not None:
        lock_file = path.with_name(f"{path.name}.locks") / f"{_lock_key(study_name):x}.lock"
        lock_file.parent.mkdir(exist_ok=True)
        with open(lock_file, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with storage.engine.connect() as connection:
        key = _lock_key(study_name)
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


class Pulse:
    """The one heartbeat of a process: a single thread that, every interval, beats for all that
    is alive in the process (a worker: its row and its unit's; a running trial: Optuna's
    heartbeat). A process that dies stops every beat at once; nothing else says it is alive.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._beats: dict[int, tuple[Callable[[], None], float]] = {}
        self._thread: threading.Thread | None = None
        self._next_key = 0

    @contextmanager
    def beating(self, beat: Callable[[], None], interval: float) -> Iterator[None]:
        """`beat` now, then every `interval` seconds (or more often) while the block runs."""
        beat()
        with self._lock:
            key, self._next_key = self._next_key, self._next_key + 1
            self._beats[key] = (beat, interval)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="pulse")
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                del self._beats[key]

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._beats:
                    self._thread = None  # the next `beating` starts a new one
                    return
                interval = min(every for _, every in self._beats.values())
            time.sleep(interval)
            with self._lock:
                beats = [beat for beat, _ in self._beats.values()]
            for beat in beats:
                try:
                    beat()
                except Exception:  # a database hiccup: the next beat may get through
                    log.warning("a heartbeat failed", exc_info=True)


PULSE = Pulse()  # this process's


@contextmanager
def trial_heartbeat(
    storage: optuna.storages.BaseStorage, study: optuna.Study, number: int
) -> Iterator[None]:
    """The trial beats with this process's pulse while the block runs (if the storage keeps
    heartbeats: a storage opened without them belongs to a single process)."""
    if not isinstance(storage, optuna.storages.RDBStorage):
        yield
        return
    interval = storage.get_heartbeat_interval()
    if interval is None:
        yield
        return
    trial_id = storage.get_trial_id_from_study_id_trial_number(
        storage.get_study_id_from_name(study.study_name), number
    )
    with PULSE.beating(lambda: storage.record_heartbeat(trial_id), interval):
        yield


def retry_stale_trial(study: optuna.Study, trial: FrozenTrial) -> None:
    """A trial whose process stopped beating runs again (same parameters) if it was an arm's.

    Optuna has already failed it; without an `error` it uses up no budget (see
    `counts_toward_budget`). The final-evaluation study re-runs missing (arm, seed) pairs by
    itself, so it gets no copy.
    """
    if not study.study_name.endswith("/evaluation"):
        RetryHeartbeatStaleTrialCallback(max_retry=MAX_RETRIES)(study, trial)


def first_heartbeat(storage: optuna.storages.RDBStorage, trial: optuna.Trial) -> None:
    """Under the arm lock, right after `ask()`: the trial's first beat, then its mark, which
    also says which process runs it."""
    storage.record_heartbeat(trial._trial_id)
    storage.set_trial_system_attr(trial._trial_id, BEATING_ATTR, process_name())


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def fail_trials_that_never_beat(study: optuna.Study) -> None:
    """Under the arm lock: fail (and retry) RUNNING trials whose process died before its first
    beat, as `fail_stale_trials` does with those that stopped beating."""
    never_beat = [
        trial
        for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        if BEATING_ATTR not in trial.system_attrs
    ]
    failed = [trial for trial in never_beat if fail_running_trial(study, trial)]
    for trial in failed:
        retry_stale_trial(study, study._storage.get_trial(trial._trial_id))


def fail_running_trial(study: optuna.Study, trial: FrozenTrial) -> bool:
    """Fail a trial whose process died inside it; False if it ended after all, or if another
    process failed it first."""
    try:
        return study._storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL)
    except optuna.exceptions.UpdateFinishedTrialError:
        return False
