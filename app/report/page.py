"""The report page: one study on one page, the verdict first.

Server-rendered HTML (Jinja2) with its stylesheet in the page and no external assets: the API
serves it at `/studies/{id}/report` (plots linked, live while the study runs), and
`taskweights report` writes it as one self-contained file (plots inlined as data URIs) that
opens offline.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from taskweights.app.schemas import StudyPublic
from taskweights.search.results import Comparison

ENVIRONMENT = Environment(
    loader=PackageLoader("taskweights.app.report", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
PLOT_TITLES = {
    "weights": "Learned weights and sigmas during training (evaluation runs)",
    "tasks": "Test metric per task and arm",
    "tuning": "Tuning curve: tuned trials needed to match each learned arm",
    "pareto": "Tuned Pareto front of validation metrics, learned arms placed",
    "compute": "Score against search compute",
}


@dataclass(frozen=True)
class Report:
    """What one report shows; `images` maps a plot's name to its `src` (a URL or a data URI)."""

    study: StudyPublic
    spec: Mapping[str, Any]
    comparison: Comparison | None = None
    images: Mapping[str, str] = field(default_factory=dict)
    dashboard: Mapping[str, str] = field(default_factory=dict)  # arm -> its dashboard page
    events_url: str | None = None  # served while running: the page follows the event stream


def render_report(report: Report) -> str:
    return ENVIRONMENT.get_template("report.html").render(
        report=report,
        study=report.study,
        comparison=report.comparison,
        spec_json=json.dumps(report.spec, indent=2, sort_keys=True),
        plot_titles=PLOT_TITLES,
    )


def data_uri(image: bytes, media_type: str = "image/png") -> str:
    """An image as a `src` that needs no server: what makes the written report self-contained."""
    return f"data:{media_type};base64,{base64.b64encode(image).decode('ascii')}"
