"""Dependencies the routes share: the request's services, and the token's place in the docs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer

from taskweights.app.api.service import Services
from taskweights.app.schemas import Problem

# documents the token in /openapi.json (the docs' Authorize button); `auth.TokenGuard` checks it
bearer = HTTPBearer(auto_error=False, description="the server's TASKWEIGHTS_TOKEN")
DocumentedToken = [Security(bearer)]


def get_services(request: Request) -> Iterator[Services]:
    """A session per request; handlers that change something commit it themselves."""
    state = request.app.state
    with state.db.sessions() as session:
        yield Services(session, state.storage, state.settings, state.models)


ServicesDep = Annotated[Services, Depends(get_services)]
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "the server's token is missing or wrong"}
}
