"""The server's token, checked once for every request, before the app reads a byte of its body.

With `TASKWEIGHTS_TOKEN` set, every path but `/health` needs it: the API, the report and its
plots, the event stream, the OpenAPI documents and optuna-dashboard. A client sends it as a bearer
token; a browser answers HTTP Basic with the token as the password (any user name), so the report
page and the dashboard open in a browser too. `TASKWEIGHTS_PUBLIC_READS=true` opens GET and HEAD
to anyone, writes still locked.

This is plain ASGI, wrapped around the whole application: a route's dependency would run only
after FastAPI has read and parsed the body, so an unauthenticated 100 MB upload would be read
first and refused after.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

OPEN_PATHS = frozenset({"/health"})  # load balancers and container checks ask it unannounced
READS = frozenset({"GET", "HEAD"})
UNAUTHORIZED_DETAIL = (
    "this server needs its token: 'Authorization: Bearer <token>' (in a browser, any user "
    "name and the token as the password)"
)


def presented_token(authorization: str) -> str:
    """The token in an Authorization header: a bearer token, or a Basic password."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


class TokenGuard:
    """Answers 401 to a request without the token, unless its path or method is open."""

    def __init__(self, app: ASGIApp, token: str | None, public_reads: bool = False) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.public_reads = public_reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or self._open(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = presented_token(headers.get(b"authorization", b"").decode("latin-1"))
        if secrets.compare_digest(given.encode(), self.token):
            await self.app(scope, receive, send)
            return
        await self._refuse(scope, receive, send)

    def _open(self, scope: Scope) -> bool:
        return scope["path"] in OPEN_PATHS or (self.public_reads and scope["method"] in READS)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse({"detail": UNAUTHORIZED_DETAIL}, status_code=401)
        # two challenges: a client sends a bearer token, a browser asks for a Basic password
        response.headers.append("WWW-Authenticate", 'Bearer realm="taskweights"')
        response.headers.append("WWW-Authenticate", 'Basic realm="taskweights"')
        # the body is never read: the server closes the connection rather than drain it
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
