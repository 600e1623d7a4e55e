"""Dependencies the routes share: the request's services and the bearer-token check."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from taskweights.app.api.service import Services
from taskweights.app.schemas import Problem

bearer = HTTPBearer(auto_error=False, description="the server's TASKWEIGHTS_TOKEN")


def get_services(request: Request) -> Iterator[Services]:
    """A session per request; handlers that change something commit it themselves."""
    state = request.app.state
    with state.db.sessions() as session:
        yield Services(session, state.storage, state.settings, state.models)


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    expected = request.app.state.settings.token
    if expected is None:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="this call needs 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


ServicesDep = Annotated[Services, Depends(get_services)]
TokenRequired = [Depends(require_token)]
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "the server's token is missing or wrong"}
}
