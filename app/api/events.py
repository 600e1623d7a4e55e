"""Server-sent progress: the API polls the database and tells what changed.

Workers are other processes (often other machines), so the database is the one place that
knows; a poll every half second costs a few small queries.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from fastapi.sse import format_sse_event
from starlette.concurrency import run_in_threadpool

from taskweights.app.api import service
from taskweights.app.db.tables import TERMINAL
from taskweights.app.schemas import StudyPublic

POLL_SECONDS = 0.5


def _event(name: str, data: Any) -> bytes:
    return format_sse_event(event=name, data_str=json.dumps(data, default=str))


def _snapshot(state: Any, study_id: int) -> StudyPublic:
    with state.db.sessions() as session:
        services = service.Services(session, state.storage, state.settings, state.models)
        return service.to_public(services, service.get_row(session, study_id))


async def event_stream(state: Any, study_id: int, request: Request) -> AsyncIterator[bytes]:
    last: StudyPublic | None = None
    while not await request.is_disconnected():
        now = await run_in_threadpool(_snapshot, state, study_id)
        if last is None or now.phase != last.phase or now.status != last.status:
            yield _event("phase", {"status": now.status, "phase": now.phase})
        previous = {a.arm: a.done for a in last.arms} if last else {}
        for arm in now.arms:
            if arm.done != previous.get(arm.arm, 0):
                yield _event("trial", arm.model_dump())
        if last is None or now.evaluation.done != last.evaluation.done:
            yield _event("evaluation", now.evaluation.model_dump())
        if now.status in TERMINAL:
            yield _event("done", now.model_dump(mode="json"))
            return
        last = now
        await asyncio.sleep(POLL_SECONDS)
