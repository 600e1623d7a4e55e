"""The service's processes as a user starts them: an API alone, workers alone, db upgrade.

(The API alone with separate workers, SIGKILLed and SIGTERMed, is tests/test_crash.py's.)

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import optuna
from sqlalchemy import create_engine, inspect, select

from taskweights.app.db.database import Database
from taskweights.app.db.tables import WorkUnitRow
from taskweights.search.concurrency import BEATING_ATTR
from tests.conftest import small_digits_spec, wait_until
from tests.server import (
    TASKWEIGHTS,
    assert_exact_budget,
    running_server,
    stop,
    wait_for,
)

# what a user must never see from workers sharing one database
STORAGE_TROUBLE = re.compile(r"database is locked|deadlock|could not serialize|Traceback", re.I)


def test_four_workers_share_one_arm_with_its_exact_budget_and_distinct_trials(
    storage_url: str, tmp_path: Path
) -> None:
    budget = 24
    spec = small_digits_spec(
        "four",
        tuned={"trials": budget, "pruner": "none"},
        training={"epochs": 8, "batch_size": 64, "lr": 0.003},
        evaluation={"seeds": 4},  # 10 evaluation units: more than one worker finishes in time
    )
    log, serve_log = tmp_path / "workers.log", tmp_path / "serve.log"
    with (
        running_server(storage_url, workers=0, log=serve_log) as url,
        httpx.Client(base_url=url, timeout=60) as client,
        open(log, "wb") as output,
    ):
        workers = subprocess.Popen(
            [TASKWEIGHTS, "worker", "--db", storage_url, "--processes", "4"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(
                lambda: client.get("/health").json()["workers_alive"] == 4,
                what="four workers ready to share the study",
            )
            study = client.post("/studies", json=spec).json()
            done = wait_for(client, study["id"], {"done", "failed"}, seconds=400)
            assert done["status"] == "done", done["error"]
            assert client.get("/health").json()["workers_alive"] == 4
            children = subprocess.run(
                ["pgrep", "-P", str(workers.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
            assert len(children) == 4
        finally:
            stop(workers)
    assert workers.returncode == 0  # SIGTERM: every worker finished cleanly
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    tuned = assert_exact_budget(storage_url, "four", budget, seeds=4)
    assert len(tuned) == budget  # no trial failed, none was retried
    distinct = {tuple(sorted(t.params.items())) for t in tuned}
    assert len(distinct) == budget, "workers sharing the arm proposed the same trial twice"
    runners = {
        process_name(t) for t in tuned if process_name(t) is not None
    }  # "host:pid" of the process that ran each tuned trial
    assert len(runners) >= 2, f"the tuned arm was not shared: {runners}"
    assert len(unit_workers(storage_url, stage=3)) >= 2, "the evaluation runs were not shared"
    for output_text in (log.read_text(), serve_log.read_text()):
        assert not STORAGE_TROUBLE.search(output_text), output_text[-2000:]


def process_name(trial: optuna.trial.FrozenTrial) -> str | None:
    name = trial.system_attrs.get(BEATING_ATTR)
    return None if name is None else str(name)


def unit_workers(db_url: str, stage: int) -> set[str]:
    """The workers that ran the units of this stage of the plan."""
    database = Database(db_url)
    try:
        with database.session() as session:
            query = select(WorkUnitRow.worker).where(WorkUnitRow.stage == stage)
            return {worker for worker in session.scalars(query) if worker is not None}
    finally:
        database.dispose()


def test_db_upgrade_creates_every_table(storage_url: str) -> None:
    result = subprocess.run(
        [TASKWEIGHTS, "db", "upgrade", "--db", storage_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    engine = create_engine(storage_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"taskweights_studies", "taskweights_alembic_version", "trials"} <= tables
