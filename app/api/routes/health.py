"""/health: is the database reachable, and are workers alive?"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response, status
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from taskweights.app.api.deps import ServicesDep
from taskweights.app.db.tables import WorkerRow, utcnow
from taskweights.app.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
def health(services: ServicesDep, response: Response) -> Health:
    """200 when the database answers; `workers_alive` counts recent heartbeats; `models` says
    whether spec checks are warm (the first ones wait while torch loads)."""
    alive_within = timedelta(seconds=3 * services.settings.heartbeat_seconds)
    try:
        alive = services.session.scalar(
            select(func.count())
            .select_from(WorkerRow)
            .where(WorkerRow.heartbeat_at >= utcnow() - alive_within)
        )
    except SQLAlchemyError:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(
            status="degraded", database=False, workers_alive=0, models=services.models.ready
        )
    return Health(
        status="ok", database=True, workers_alive=alive or 0, models=services.models.ready
    )
