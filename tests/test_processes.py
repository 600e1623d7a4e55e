"""The service's processes as a user starts them: an API alone, a worker alone, db upgrade."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
from sqlalchemy import create_engine, inspect

from tests.conftest import small_digits_spec
from tests.server import TASKWEIGHTS, running_server, wait_for


def test_api_alone_queues_and_a_separate_worker_runs_the_study(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'split.db'}"
    with running_server(db_url, workers=0) as url, httpx.Client(base_url=url) as client:
        study = client.post("/studies", json=small_digits_spec("split")).json()
        assert client.get("/health").json()["workers_alive"] == 0
        assert client.get(f"/studies/{study['id']}").json()["status"] == "queued"
        worker = subprocess.run(
            [TASKWEIGHTS, "worker", "--db", db_url, "--once"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert worker.returncode == 0, worker.stderr
        assert wait_for(client, study["id"], {"done", "failed"}, 10)["status"] == "done"


def test_db_upgrade_creates_every_table(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = subprocess.run(
        [TASKWEIGHTS, "db", "upgrade", "--db", db_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    tables = set(inspect(create_engine(db_url)).get_table_names())
    assert {"taskweights_studies", "taskweights_alembic_version", "trials"} <= tables
