"""The service's processes as a user starts them: an API alone, workers alone, db upgrade.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import create_engine, inspect

from tests.conftest import small_digits_spec
from tests.server import (
    TASKWEIGHTS,
    assert_exact_budget,
    running_server,
    stop,
    wait_for,
)

# what a user must never see from workers sharing one database
STORAGE_TROUBLE = re.compile(r"database is locked|deadlock|could not serialize|Traceback", re.I)


def test_api_alone_queues_and_a_separate_worker_runs_the_study(storage_url: str) -> None:
    with running_server(storage_url, workers=0) as url, httpx.Client(base_url=url) as client:
        study = client.post("/studies", json=small_digits_spec("split")).json()
        assert client.get("/health").json()["workers_alive"] == 0
        assert client.get(f"/studies/{study['id']}").json()["status"] == "queued"
        worker = subprocess.run(
            [TASKWEIGHTS, "worker", "--db", storage_url, "--once"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert worker.returncode == 0, worker.stderr
        assert wait_for(client, study["id"], {"done", "failed"}, 10)["status"] == "done"


def test_four_workers_share_one_study_with_its_exact_budget(
    storage_url: str, tmp_path: Path
) -> None:
    budget = 12
    spec = small_digits_spec(
        "four",
        tuned={"trials": budget, "pruner": "none"},
        training={"epochs": 8, "batch_size": 64, "lr": 0.003},
    )
    log, serve_log = tmp_path / "workers.log", tmp_path / "serve.log"
    with (
        running_server(storage_url, workers=0, log=serve_log) as url,
        httpx.Client(base_url=url) as client,
        open(log, "wb") as output,
    ):
        study = client.post("/studies", json=spec).json()
        workers = subprocess.Popen(
            [TASKWEIGHTS, "worker", "--db", storage_url, "--processes", "4"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
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
    tuned = assert_exact_budget(storage_url, "four", budget)
    assert len(tuned) == budget  # no trial failed, none was retried
    text = log.read_text()
    sharing = set(re.findall(r"\[(\d+)\] running search tuned \(slot \d\) of study four", text))
    assert len(sharing) >= 2, f"the tuned arm was not shared: {text[-2000:]}"
    evaluating = set(re.findall(r"\[(\d+)\] running evaluation (?!reference)\w+ ", text))
    assert len(evaluating) >= 2, f"the evaluation runs were not shared: {text[-2000:]}"
    for output_text in (text, serve_log.read_text()):
        assert not STORAGE_TROUBLE.search(output_text), output_text[-2000:]


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
