"""/studies/{id}/report and /plots: the study for people, as a page and as images."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from taskweights.app.api import service
from taskweights.app.api.deps import ServicesDep
from taskweights.app.api.routes.studies import NOT_FOUND, StudyId
from taskweights.app.report.build import FORMATS, build_report, cached_plot, plot
from taskweights.app.schemas import Problem
from taskweights.search.plots import PLOTS

router = APIRouter(prefix="/studies", tags=["report"])
PLOT_FILE = rf"^({'|'.join(PLOTS)})\.({'|'.join(FORMATS)})$"
IMAGES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {"schema": {"type": "string"}} for media in FORMATS.values()}},
    409: {"model": Problem, "description": "not done yet"},
}


@router.get(
    "/{study_id}/report",
    response_class=Response,  # errors stay JSON: the page is declared below, as text/html
    responses={**NOT_FOUND, 200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def get_report(
    study_id: StudyId,
    services: ServicesDep,
    inline: Annotated[
        bool, Query(description="images inlined: one file that opens offline")
    ] = False,
) -> HTMLResponse:
    """The verdict, the trade-offs, the plots, the warnings, the compute and the spec; while the
    study runs, its progress (the page follows the event stream)."""
    study = service.get_row(services.session, study_id)
    html = build_report(
        services.session, services.storage, study, service.links(study), inline=inline
    )
    return HTMLResponse(html)


@router.get("/{study_id}/plots/{file}", response_class=Response, responses={**NOT_FOUND, **IMAGES})
def get_plot(
    study_id: StudyId,
    services: ServicesDep,
    file: Annotated[
        str, PathParam(pattern=PLOT_FILE, description=f"one of {list(PLOTS)}, .png or .svg")
    ],
) -> Response:
    """One plot of a finished study (drawn once, then kept)."""
    name, format = file.rsplit(".", 1)
    study = service.get_row(services.session, study_id)
    image = cached_plot(study, name, format)
    if image is None:
        comparison = service.comparison(services, study_id)  # 409 while the study runs
        image = plot(study, comparison, name, format)
    return Response(image, media_type=FORMATS[format])
