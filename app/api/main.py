"""The FastAPI application: `create_app(settings)` builds one (tests build theirs on a temp db).

optuna-dashboard's front end wants `/dashboard`, `/api/...` and `/static/...` at the site root,
so its WSGI app is mounted last, at `/`: it answers every path our routes do not own (and our
API stays away from `/api` and `/static`).
"""

from __future__ import annotations

import re

import optuna_dashboard
from a2wsgi import WSGIMiddleware
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from taskweights.app.api.auth import TokenGuard
from taskweights.app.api.deps import UNAUTHORIZED, DocumentedToken
from taskweights.app.api.errors import install_error_handlers
from taskweights.app.api.events import StudyPollers
from taskweights.app.api.models_process import MODELS
from taskweights.app.api.routes import catalog, datasets, health, report, studies
from taskweights.app.db.database import Database, upgrade_database
from taskweights.app.schemas import ValidationProblem
from taskweights.app.settings import Settings
from taskweights.search.storage import open_storage


def create_app(settings: Settings) -> FastAPI:
    upgrade_database(settings.db_url)
    app = FastAPI(
        title="taskweights",
        summary="Tune fixed multi-task loss weights, or learn them? Both, compared.",
        version="0.1.0",
        # every 422 has our body (install_error_handlers), documented in place of FastAPI's
        responses={422: {"model": ValidationProblem, "description": "every bad field, and why"}},
    )
    app.state.settings = settings
    app.state.db = Database(settings.db_url)
    app.state.storage = open_storage(settings.db_url)
    app.state.models = MODELS
    app.state.pollers = StudyPollers()  # one per study its event streams follow
    MODELS.start()  # warms up while the first requests are answered
    install_error_handlers(app)
    for module in (studies, datasets, report, catalog):
        app.include_router(module.router, dependencies=DocumentedToken, responses=UNAUTHORIZED)
    app.include_router(health.router)  # open to anyone: container and load-balancer checks
    dashboard = WSGIMiddleware(optuna_dashboard.wsgi(app.state.storage))
    app.mount("/", dashboard_only(dashboard, app))  # type: ignore[arg-type]
    app.add_middleware(TokenGuard, token=settings.token, public_reads=settings.public_reads)
    return app


DASHBOARD_PATHS = ("/dashboard", "/api/", "/static/", "/favicon.ico")


def dashboard_only(dashboard: ASGIApp, api: FastAPI) -> ASGIApp:
    """The fallback mounted at `/` serves the dashboard's own paths and nothing else: a path
    of ours asked with a method it does not take is 405 (with `Allow`), any other path 404."""

    async def fallback(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path == "/" or path.startswith(DASHBOARD_PATHS):
            await dashboard(scope, receive, send)
            return
        allowed = allowed_methods(api, path)
        response = (
            JSONResponse(
                {"detail": "Method Not Allowed"},
                status_code=405,
                headers={"Allow": ", ".join(allowed)},
            )
            if allowed
            else JSONResponse({"detail": "Not Found"}, status_code=404)
        )
        await response(scope, receive, send)

    return fallback


def allowed_methods(api: FastAPI, path: str) -> list[str]:
    """The methods the API documents for `path` (none: not a path of ours)."""
    for template, operations in api.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), path):
            return sorted(method.upper() for method in operations)
    return []
