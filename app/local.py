"""Whole studies in this process, for scripts and notebooks: `taskweights.run_study` and
`taskweights.load_comparison`.

    import taskweights as tw
    result = tw.run_study("examples/digits.yaml", db="sqlite:///tw.db", progress=True)
    print(result.verdict.statement)
    tw.load_comparison("digits-demo", db="sqlite:///tw.db").to_frame()

A script's own problems run here too: `tw.run_study(spec, problems={"mine": factory})`, where
`factory(seed, **params)` returns a `taskweights.models.Problem` as the built-in ones do.

A local run stores its study as a server would (a row, work units, counters, every epoch) and
is a worker of that study alone, so `taskweights serve` on the same database shows it, its
`/sigmas` included, and rerunning the same spec resumes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from taskweights.app.cli.render import StudyProgress
from taskweights.app.schemas import DatasetPublic
from taskweights.app.settings import Settings
from taskweights.models.registry import local_problems
from taskweights.search.events import EventHandler, PhaseStarted, ignore
from taskweights.search.limits import check_limits
from taskweights.search.results import Comparison
from taskweights.search.spec import SpecSource, load_spec
from taskweights.search.storage import storage_at

if TYPE_CHECKING:
    import optuna
    from sqlalchemy.orm import Session

    from taskweights.app.db.tables import StudyRow
    from taskweights.models.problems import Problem

UNITS_OF_OTHERS_POLL_S = 1.0  # waiting on units that other workers of this database hold


def run_study(
    spec: SpecSource,
    db: str | None = None,
    progress: bool = False,
    on_event: EventHandler = ignore,
    problems: Mapping[str, Callable[..., Problem]] | None = None,
) -> Comparison:
    """Run (or resume) a study here and return its comparison.

    `spec`: a `StudySpec`, a mapping, or a YAML/JSON file. `db`: an SQLAlchemy URL (default:
    `TASKWEIGHTS_DB_URL`, else sqlite:///taskweights.db). `progress`: draw rich progress bars
    on stderr; `on_event` receives every progress event instead. `problems`: problems of this
    script by name (`factory(seed, **params) -> Problem`, its keyword-only parameters are what
    the spec's `problem.params` may set), nameable by the spec during this call; a name may not
    be a built-in problem's or an installed plugin's. Raises `ModelsError` if the study failed
    (the reason is the study's error).
    """
    with local_problems(problems or {}):  # the worker below trains in this process
        return _run_here(spec, db, progress, on_event)


def _run_here(
    spec: SpecSource, db: str | None, progress: bool, on_event: EventHandler
) -> Comparison:
    import torch  # only now: `import taskweights` stays light

    from taskweights.app.db import studies
    from taskweights.app.db.database import Database, upgrade_database
    from taskweights.app.db.datasets import reading_datasets
    from taskweights.app.db.tables import StudyRow
    from taskweights.app.workers.worker import Worker
    from taskweights.models.errors import ModelsError
    from taskweights.search.checks import check_against_models, task_infos

    settings = Settings()
    study_spec = load_spec(spec)
    limits = settings.limits()  # a server's defaults: a local run is refused what it refuses
    check_limits(study_spec, limits)  # the spec's own values, before the database is made
    url = db or settings.db_url
    upgrade_database(url)
    with reading_datasets(url, settings.datasets_dir):
        tasks = task_infos(check_against_models(study_spec, limits))
    database = Database(url)
    threads = torch.get_num_threads()  # the caller's, given back after the run
    bars = StudyProgress(Console(stderr=True)) if progress else nullcontext(on_event)
    try:
        with database.session() as session:
            study_id = studies.open_for_run(session, study_spec, tasks).id
        with bars as handler:
            worker = Worker(
                database,
                threads=settings.threads,  # small models train fastest on one thread
                heartbeat_seconds=settings.heartbeat_seconds,
                grace_seconds=settings.grace_seconds,
                study_id=study_id,
                on_event=handler,
                datasets_dir=settings.datasets_dir,
            )
            worker.run(poll_seconds=UNITS_OF_OTHERS_POLL_S, until_finished=True)
            handler(PhaseStarted("done"))
        with database.session() as session, storage_at(url) as storage:
            study = session.get_one(StudyRow, study_id)
            if study.status == "failed":
                raise ModelsError(study.error or "the study failed")
            return studies.finished_comparison(session, storage, study)
    finally:
        torch.set_num_threads(threads)
        database.dispose()


@contextmanager
def _opened(db: str | None) -> Iterator[tuple[Session, optuna.storages.RDBStorage]]:
    """A session on our tables and Optuna's storage, on `db` (upgraded first) or the default."""
    from taskweights.app.db.database import Database, upgrade_database

    url = db or Settings().db_url
    upgrade_database(url)
    database = Database(url)
    try:
        with database.session() as session, storage_at(url) as storage:
            yield session, storage
    finally:
        database.dispose()


def _by_name(session: Session, name: str) -> StudyRow:
    from taskweights.app.db import studies

    return studies.by_name(session, name)


def trials_csv(name: str, db: str | None = None, page_size: int = 500) -> str:
    """Every trial of the study called `name`, one CSV row each (app/exports.py)."""
    from taskweights.app.exports import trials_csv as to_csv
    from taskweights.app.schemas import TrialPublic
    from taskweights.search import trial_page

    with _opened(db) as (session, storage):
        study = _by_name(session, name)
        arms, tasks = study.read_spec().arm_names, study.read_tasks()
        trials: list[TrialPublic] = []
        while True:
            page, count = trial_page(storage, study.name, arms, len(trials), page_size)
            trials += [TrialPublic.of(trial) for trial in page]
            if not page or len(trials) >= count:
                break
    return to_csv(trials, [task.name for task in tasks])


def report_html(name: str, db: str | None = None) -> str:
    """The report page of the study called `name` as one self-contained file (plots inlined)."""
    from taskweights.app.report.build import build_report

    with _opened(db) as (session, storage):
        return build_report(session, storage, _by_name(session, name), {}, inline=True)


def write_plots(name: str, db: str | None, directory: Path) -> list[Path]:
    """Every plot of the finished study called `name`, as PNG files in `directory`."""
    from taskweights.app.db import studies
    from taskweights.app.report.build import plot
    from taskweights.search.plots import PLOTS

    directory.mkdir(parents=True, exist_ok=True)
    with _opened(db) as (session, storage):
        study = _by_name(session, name)
        comparison = studies.finished_comparison(session, storage, study)
        written = []
        for plot_name in PLOTS:
            path = directory / f"{plot_name}.png"
            path.write_bytes(plot(study, comparison, plot_name))
            written.append(path)
    return written


def load_comparison(name: str, db: str | None = None) -> Comparison:
    """The comparison of the study called `name`, read from the database alone; raises
    `StudyNotFinishedError` (with its progress) while it is not done."""
    from taskweights.app.db import studies

    with _opened(db) as (session, storage):
        return studies.finished_comparison(session, storage, _by_name(session, name))


def add_dataset(path: str | Path, db: str | None = None) -> DatasetPublic:
    """Store a CSV file in the database `db` (as POST /datasets does); its `id` is what a csv
    problem's `dataset` names. Raises `DatasetFileError` if the file is no CSV table."""
    from taskweights.app.db import datasets

    settings = Settings()
    with open(path, "rb") as file, _opened(db) as (session, _):
        row, _ = datasets.add(session, file, Path(path).name, settings.max_columns)
        datasets.write_cached(settings.datasets_dir, row.sha256, file)
        return DatasetPublic.model_validate(row, from_attributes=True)


def list_datasets(db: str | None = None) -> list[DatasetPublic]:
    """Every dataset stored in the database `db`, oldest first."""
    from taskweights.app.db import datasets

    with _opened(db) as (session, _):
        rows = datasets.listed(session)
        return [DatasetPublic.model_validate(row, from_attributes=True) for row in rows]


def delete_dataset(dataset_id: str, db: str | None = None) -> None:
    """Delete a dataset from the database `db`; `DatasetInUse` while a queued or running study
    reads it, `KeyError` if there is none."""
    from taskweights.app.db import datasets

    with _opened(db) as (session, _):
        if not datasets.remove(session, dataset_id, Settings().datasets_dir):
            raise KeyError(f"no dataset {dataset_id!r}")
