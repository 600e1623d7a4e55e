"""A study's report and plots, built from the database alone: what the API serves and what
`taskweights report` and `compare --plots` write.

A finished study never changes, so its plots are drawn once per process and kept
(`PLOT_CACHE`); a running one is drawn fresh on every read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

import optuna
from sqlalchemy.orm import Session

from taskweights.app.db import studies
from taskweights.app.db.tables import StudyRow
from taskweights.app.report.page import Report, data_uri, render_report
from taskweights.search.results import Comparison
from taskweights.search.spec import StudySpec
from taskweights.search.storage import optuna_study_name

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


class PlotCache:
    """The plots of finished studies, newest kept: (study, plot, format) -> image bytes."""

    def __init__(self, size: int = 256) -> None:
        self._images: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[object, ...]) -> bytes | None:
        with self._lock:
            image = self._images.get(key)
            if image is not None:
                self._images.move_to_end(key)
            return image

    def clear(self) -> None:
        with self._lock:
            self._images.clear()

    def put(self, key: tuple[object, ...], image: bytes) -> None:
        with self._lock:
            self._images[key] = image
            while len(self._images) > self._size:
                self._images.popitem(last=False)


PLOT_CACHE = PlotCache()


def true_noise(spec: StudySpec, comparison: Comparison) -> dict[str, float] | None:
    """The noise the problem put on each task's target, where the spec says it (kendall-toy)."""
    noise = spec.problem.params.get("noise") if spec.problem.name == "kendall-toy" else None
    if not isinstance(noise, list) or len(noise) != len(comparison.tasks):
        return None
    return {task.name: float(sigma) for task, sigma in zip(comparison.tasks, noise, strict=True)}


def _key(study: StudyRow, name: str, format: str) -> tuple[object, ...]:
    return (study.id, study.name, study.created_at, name, format)


def cached_plot(study: StudyRow, name: str, format: str = "png") -> bytes | None:
    """The plot if this process drew it already: served without building the comparison."""
    return PLOT_CACHE.get(_key(study, name, format))


def plot(study: StudyRow, comparison: Comparison, name: str, format: str = "png") -> bytes:
    """One plot of a finished study, drawn once per process."""
    from taskweights.search.plots import render  # matplotlib loads on the first plot

    key = _key(study, name, format)
    image = PLOT_CACHE.get(key)
    if image is None:
        sigmas = true_noise(study.read_spec(), comparison)
        image = render(name, comparison, true_sigmas=sigmas, format=format)
        PLOT_CACHE.put(key, image)
    return image


def dashboard_links(
    storage: optuna.storages.BaseStorage, spec: StudySpec, prefix: str = "/dashboard"
) -> dict[str, str]:
    """Each search arm's page in optuna-dashboard (for the arms whose Optuna study exists)."""
    links = {}
    for arm in spec.arm_names:
        try:
            study_id = storage.get_study_id_from_name(optuna_study_name(spec.name, arm))
        except KeyError:
            continue
        links[arm] = f"{prefix}/studies/{study_id}"
    return links


def build_report(
    session: Session,
    storage: optuna.storages.BaseStorage,
    study: StudyRow,
    links: Mapping[str, str],
    *,
    inline: bool,
) -> str:
    """The report page of `study`: plots inlined (`inline`: a file that opens offline) or
    linked under `links["self"]`; served pages follow a running study's events."""
    from taskweights.search.plots import PLOTS

    public = studies.public(session, storage, study, dict(links))
    spec = study.read_spec()
    comparison = None
    images: dict[str, str] = {}
    if study.status == "done":
        comparison = studies.finished_comparison(session, storage, study)
        for name in PLOTS:
            images[name] = (
                data_uri(plot(study, comparison, name))
                if inline
                else f"{links['self']}/plots/{name}.png"
            )
    report = Report(
        study=public,
        spec=spec.model_dump(mode="json"),
        comparison=comparison,
        images=images,
        dashboard={} if inline else dashboard_links(storage, spec),
        events_url=None if inline else links.get("events"),
    )
    return render_report(report)
