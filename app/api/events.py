"""Server-sent progress: one poller per followed study tells every client what changed.

Workers are other processes (often other machines), so the database is the one place that
knows. However many clients follow a study, one task reads its status every half second (a few
rows: the counters) and hands the snapshot to all of them; each client turns the snapshots into
the events it has not sent yet. The poller ends with its last client.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from fastapi.sse import format_sse_event
from starlette.concurrency import run_in_threadpool

from taskweights.app.api import service
from taskweights.app.db.tables import TERMINAL
from taskweights.app.schemas import StudyPublic

POLL_SECONDS = 0.5


class StudyPoller:
    """The latest snapshot of one study, renewed every poll; `reads` counts the polls."""

    def __init__(self, state: Any, study_id: int) -> None:
        self.state, self.study_id = state, study_id
        self.snapshot: StudyPublic | None = None
        self.error: Exception | None = None
        self.reads = 0
        self.clients = 0
        self.renewed = asyncio.Condition()
        self.task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            try:
                snapshot = await run_in_threadpool(_snapshot, self.state, self.study_id)
            except Exception as error:  # the study was deleted, or the database is gone
                snapshot, self.error = None, error
            async with self.renewed:
                self.snapshot, self.reads = snapshot, self.reads + 1
                self.renewed.notify_all()
            if snapshot is None or snapshot.status in TERMINAL:
                return
            await asyncio.sleep(POLL_SECONDS)

    async def after(self, reads: int) -> tuple[StudyPublic | None, int]:
        """The first snapshot newer than poll number `reads` (None: the study is gone)."""
        async with self.renewed:
            await self.renewed.wait_for(lambda: self.reads > reads)
            return self.snapshot, self.reads


class StudyPollers:
    """The pollers of the studies someone follows, at most one per study."""

    def __init__(self) -> None:
        self.pollers: dict[int, StudyPoller] = {}

    @asynccontextmanager
    async def follow(self, state: Any, study_id: int) -> AsyncIterator[StudyPoller]:
        poller = self.pollers.get(study_id)
        if poller is None or poller.task.done():
            poller = self.pollers[study_id] = StudyPoller(state, study_id)
        poller.clients += 1
        try:
            yield poller
        finally:
            poller.clients -= 1
            if poller.clients == 0 and self.pollers.get(study_id) is poller:
                poller.task.cancel()
                del self.pollers[study_id]


def _event(name: str, data: Any) -> bytes:
    return format_sse_event(event=name, data_str=json.dumps(data, default=str))


def _snapshot(state: Any, study_id: int) -> StudyPublic:
    with state.db.sessions() as session:
        services = service.Services(session, state.storage, state.settings, state.models)
        return service.to_public(services, service.get_row(session, study_id))


def _changes(last: StudyPublic | None, now: StudyPublic) -> list[bytes]:
    events = []
    if last is None or now.phase != last.phase or now.status != last.status:
        events.append(_event("phase", {"status": now.status, "phase": now.phase}))
    previous = {a.arm: a.done for a in last.arms} if last else {}
    for arm in now.arms:
        if arm.done != previous.get(arm.arm, 0):
            events.append(_event("trial", arm.model_dump()))
    if last is None or now.evaluation.done != last.evaluation.done:
        events.append(_event("evaluation", now.evaluation.model_dump()))
    if now.status in TERMINAL:
        events.append(_event("done", now.model_dump(mode="json")))
    return events


async def event_stream(state: Any, study_id: int, request: Request) -> AsyncIterator[bytes]:
    pollers: StudyPollers = state.pollers
    async with pollers.follow(state, study_id) as poller:
        last: StudyPublic | None = None
        reads = 0
        while not await request.is_disconnected():
            now, reads = await poller.after(reads)
            if now is None:  # deleted while followed
                return
            for event in _changes(last, now):
                yield event
            if now.status in TERMINAL:
                return
            last = now
