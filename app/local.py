"""Whole studies in this process, for scripts and notebooks: `taskweights.run_study` and
`taskweights.load_comparison`.

    import taskweights as tw
    result = tw.run_study("examples/digits.yaml", db="sqlite:///tw.db", progress=True)
    print(result.verdict.statement)
    tw.load_comparison("digits-demo", db="sqlite:///tw.db").to_frame()

The study walks the same plan (search/plan.py) a server's workers walk; rerunning the same spec
against the same database resumes it.
"""

from __future__ import annotations

from contextlib import nullcontext

from rich.console import Console

from taskweights.app.cli.render import StudyProgress
from taskweights.app.settings import Settings
from taskweights.search import comparison, plan
from taskweights.search.events import EventHandler, ignore
from taskweights.search.results import Comparison
from taskweights.search.spec import SpecSource, load_spec
from taskweights.search.storage import storage_at


def run_study(
    spec: SpecSource,
    db: str | None = None,
    progress: bool = False,
    on_event: EventHandler = ignore,
) -> Comparison:
    """Run (or resume) a study here and return its comparison.

    `spec`: a `StudySpec`, a mapping, or a YAML/JSON file. `db`: an SQLAlchemy URL (default:
    `TASKWEIGHTS_DB_URL`, else sqlite:///taskweights.db). `progress`: draw rich progress bars
    on stderr; `on_event` receives every progress event instead.
    """
    import torch  # only now: `import taskweights` stays light

    settings = Settings()
    study = load_spec(spec)
    url = db or settings.db_url
    threads = torch.get_num_threads()  # the caller's, given back after the run
    torch.set_num_threads(settings.threads)  # small models train fastest on one thread
    bars = StudyProgress(Console(stderr=True)) if progress else nullcontext(on_event)
    try:
        with bars as handler:
            plan.run_study(study, url, handler)
    finally:
        torch.set_num_threads(threads)
    return load_comparison(study.name, url)


def load_comparison(name: str, db: str | None = None) -> Comparison:
    """The comparison of the study called `name`, read from the database alone."""
    with storage_at(db or Settings().db_url) as storage:
        return comparison.load_comparison(storage, name)
