"""A worker process: claims work units from the database and runs them, one at a time.

Training never runs in the API's process. Any number of workers, on any number of machines,
can share one database: claiming is atomic (see `taskweights.app.db.queue`), and Optuna's own
storage is what the trials of one arm share.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import optuna
import torch
from sqlalchemy import delete, update

from taskweights.app.db import counters
from taskweights.app.db.database import Database, upgrade_database
from taskweights.app.db.datasets import reading_datasets
from taskweights.app.db.queue import Claim, claim_next, decline, finish, release
from taskweights.app.db.tables import (
    TERMINAL,
    EpochRow,
    StudyRow,
    WorkerRow,
    WorkUnitRow,
    utcnow,
)
from taskweights.app.settings import Settings
from taskweights.app.workers.processes import log_to_stderr
from taskweights.models import ModelsError, problem_names
from taskweights.search import (
    EpochFinished,
    Event,
    EventHandler,
    PhaseStarted,
    SearchError,
    StudyCancelled,
    Unit,
    open_storage,
    run_unit,
    study_context,
)
from taskweights.search.concurrency import PULSE
from taskweights.search.events import Phase, StopCheck
from taskweights.search.trials import StudyContext

log = logging.getLogger("taskweights.worker")
STOP_CHECK_SECONDS = 1.0  # how often a running unit looks at its study's status


UnitRunner = Callable[[StudyContext, optuna.storages.RDBStorage, Unit], None]


class Worker:
    """Claims units from the queue and runs them with `runner` (the plan's `run_unit`).

    Tests of the queue and the API pass a runner of their own where training is beside the
    point; everything else (claims, heartbeats, stop checks, recording the end) is the same.
    A local run is a worker of one study (`study_id`) whose events also go to `on_event`.
    """

    def __init__(
        self,
        db: Database,
        threads: int = 1,
        heartbeat_seconds: int = 5,
        grace_seconds: int = 30,
        runner: UnitRunner = run_unit,
        study_id: int | None = None,
        on_event: EventHandler | None = None,
        datasets_dir: Path | None = None,
    ) -> None:
        self.db = db
        self.datasets_dir = datasets_dir  # this machine's copies of datasets; None: reads none
        self.runner = runner
        self.study_id, self.on_event = study_id, on_event
        self.phase: Phase | None = None
        self.heartbeat_seconds, self.grace_seconds = heartbeat_seconds, grace_seconds
        self.storage = open_storage(db.url, heartbeat_seconds, grace_seconds)
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.stopping = threading.Event()
        self.current: Claim | None = None
        self.foreign: set[int] = set()  # studies whose problem this process cannot build
        torch.set_num_threads(threads)

    def run(
        self, poll_seconds: float = 1.0, once: bool = False, until_finished: bool = False
    ) -> None:
        """Claim and run units until `stop()`; with `once`, until the queue is empty; with
        `until_finished`, until this worker's study is done, failed or cancelled."""
        self._register()
        log.info("worker %s ready", self.id)
        datasets = (
            nullcontext()
            if self.datasets_dir is None
            else reading_datasets(self.db.url, self.datasets_dir)
        )
        try:
            with datasets, PULSE.beating(self._beat, self.heartbeat_seconds):
                self._claim_and_run(poll_seconds, once, until_finished)
        finally:
            self.stopping.set()
            with self.db.session() as session:
                session.execute(delete(WorkerRow).where(WorkerRow.id == self.id))
            self.storage.engine.dispose()

    def _claim_and_run(self, poll_seconds: float, once: bool, until_finished: bool) -> None:
        while not self.stopping.is_set():
            claim = claim_next(self.db, self.id, self.grace_seconds, self.study_id, self.foreign)
            if claim is None:
                if once or (until_finished and self._study_finished()):
                    return
                self.stopping.wait(poll_seconds)
                continue
            if claim.spec.problem.name not in problem_names():
                # a local run's problem, or a plugin not installed here: left to who has it
                log.info(
                    "leaving study %s: no problem %r here",
                    claim.spec.name,
                    claim.spec.problem.name,
                )
                decline(self.db, claim)
                self.foreign.add(claim.study_id)
                continue
            self._run_unit(claim)

    def stop(self) -> None:
        """Finish the current epoch, give the unit back to the queue, and exit."""
        self.stopping.set()

    def _run_unit(self, claim: Claim) -> None:
        log.info(
            "running %s %s (slot %d) of study %s",
            claim.unit.phase,
            claim.unit.arm,
            claim.unit.slot,
            claim.spec.name,
        )
        self.current = claim
        if self.on_event is not None and claim.unit.phase != self.phase:
            self.phase = claim.unit.phase
            self.on_event(PhaseStarted(self.phase))
        context = study_context(claim.spec)
        context = replace(
            context,
            on_event=self._recorder(claim, context.tasks),
            should_stop=self._stop_check(claim),
        )
        try:
            self.runner(context, self.storage, claim.unit)
        except StudyCancelled:
            if self.stopping.is_set():
                release(self.db, claim)
            else:
                finish(self.db, claim, "cancelled")
        except (ModelsError, SearchError) as error:
            finish(self.db, claim, "failed", str(error))
        except Exception as error:  # a bug: keep the worker alive, tell the user why
            log.exception("unit %s failed", claim.unit_id)
            finish(self.db, claim, "failed", f"internal error: {type(error).__name__}: {error}")
        except BaseException:  # Ctrl-C in a local run: the rerun resumes the unit
            release(self.db, claim)
            raise
        else:
            finish(self.db, claim, "done")
        finally:
            self.current = None

    def _recorder(self, claim: Claim, tasks: list[str]) -> EventHandler:
        """Every epoch of every run becomes a row, and every finished trial and evaluation run
        moves the study's counters: progress is visible while training runs."""

        def record(event: Event) -> None:
            if self.on_event is not None:
                self.on_event(event)
            if not isinstance(event, EpochFinished):
                with self.db.session() as session:
                    counters.record(session, claim.study_id, event)
                return
            r = event.record

            def per_task(values: tuple[float, ...]) -> dict[str, float]:
                return dict(zip(tasks, values, strict=True))

            with self.db.session() as session:
                session.add(
                    EpochRow(
                        study_id=claim.study_id,
                        arm=event.arm,
                        phase=event.phase,
                        trial=event.trial,
                        seed=event.seed,
                        epoch=r.epoch,
                        train_loss=per_task(r.train_loss),
                        val_loss=per_task(r.val_loss),
                        val_metric=per_task(r.val_metric),
                        weights=per_task(r.weights),
                        sigmas=None if r.sigmas is None else per_task(r.sigmas),
                        seconds=r.seconds,
                    )
                )

        return record

    def _stop_check(self, claim: Claim) -> StopCheck:
        last = {"at": 0.0, "stop": False}

        def should_stop() -> bool:
            if self.stopping.is_set():
                return True
            now = time.monotonic()
            if now - last["at"] >= STOP_CHECK_SECONDS:
                with self.db.session() as session:
                    status = session.get_one(StudyRow, claim.study_id).status
                last["at"], last["stop"] = now, status == "cancelled"
            return bool(last["stop"])

        return should_stop

    def _study_finished(self) -> bool:
        with self.db.session() as session:
            return session.get_one(StudyRow, self.study_id).status in TERMINAL

    def _register(self) -> None:
        with self.db.session() as session:
            session.add(WorkerRow(id=self.id, host=socket.gethostname(), pid=os.getpid()))

    def _beat(self) -> None:
        """The worker's row and its unit's: the queue requeues a unit whose worker went quiet."""
        now, claim = utcnow(), self.current
        with self.db.session() as session:
            session.execute(
                update(WorkerRow)
                .where(WorkerRow.id == self.id)
                .values(heartbeat_at=now, unit_id=claim.unit_id if claim else None)
            )
            if claim is not None:
                session.execute(
                    update(WorkUnitRow)
                    .where(WorkUnitRow.id == claim.unit_id)
                    .values(heartbeat_at=now)
                )


def run_worker(settings: Settings, once: bool = False) -> None:
    """One worker in this process; SIGTERM or Ctrl-C ends it after the current epoch."""
    log_to_stderr()
    upgrade_database(settings.db_url)
    worker = Worker(
        Database(settings.db_url),
        threads=settings.threads,
        heartbeat_seconds=settings.heartbeat_seconds,
        grace_seconds=settings.grace_seconds,
        datasets_dir=settings.datasets_dir,
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
