"""Upgrades keep every study: a database as commit e0ac124 left it opens after
`taskweights db upgrade`, and so does one that only a local run of commit babdf3e wrote; stored
specs carry their version and are upgraded when read; a study whose spec cannot be read any
more shows as failed, with the reason, never as a 500."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import optuna
import pytest

from taskweights.app.cli import main
from taskweights.app.db.database import Database
from taskweights.app.db.tables import StudyRow
from taskweights.search import SpecError
from taskweights.search import spec as specs
from tests.conftest import small_digits_spec
from tests.inprocess import api_on, work

DUMP = Path(__file__).parent / "data" / "e0ac124.sql"
LOCAL_RUN = Path(__file__).parent / "data" / "babdf3e-local-run"  # .sql, .json: its comparison


def test_a_database_of_commit_e0ac124_keeps_its_studies(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(DUMP.read_text())
    url = f"sqlite:///{path}"
    assert main(["db", "upgrade", "--db", url]) == 0
    with api_on(url) as http:
        listed = {s["name"]: s for s in http.get("/studies").json()["data"]}
        finished, queued = listed["finished-at-e0ac124"], listed["queued-at-e0ac124"]
        assert (finished["status"], finished["phase"]) == ("done", "done")
        assert (queued["status"], queued["phase"]) == ("queued", "reference")
        comparison = http.get(f"/studies/{finished['id']}/comparison")
        assert comparison.status_code == 200
        assert {arm["arm"] for arm in comparison.json()["arms"]} == {"tuned", "uncertainty"}
        trials = http.get(f"/studies/{finished['id']}/trials", params={"arm": "tuned"}).json()
        assert trials["count"] == 3 and all(t["state"] == "COMPLETE" for t in trials["data"])
        work(url)  # today's worker runs the study yesterday's API queued
        assert http.get(f"/studies/{queued['id']}").json()["status"] == "done"
        assert http.get(f"/studies/{queued['id']}/comparison").status_code == 200


def test_a_study_only_an_older_local_run_knew_is_adopted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, `taskweights run` wrote Optuna's tables alone (the spec on an Optuna study): the
    upgrade gives the study a row, queued, and rerunning its spec finishes it without training."""
    path = tmp_path / "local.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(LOCAL_RUN.with_suffix(".sql").read_text())
    url = f"sqlite:///{path}"
    name = "run-locally-at-babdf3e"
    trials_before = trial_numbers(url)
    assert main(["db", "upgrade", "--db", url]) == 0
    capsys.readouterr()
    assert main(["compare", name, "--db", url]) == 2
    assert f"'{name}' is queued" in capsys.readouterr().err
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(small_digits_spec(name)))
    assert main(["run", str(spec), "--db", url, "--json"]) == 0
    rerun = json.loads(capsys.readouterr().out)
    assert trial_numbers(url) == trials_before  # nothing trained again
    then = json.loads(LOCAL_RUN.with_suffix(".json").read_text())
    del then["verdict"]  # the verdict (and what came after) is today's analysis of the same runs
    assert {key: rerun[key] for key in then} == then


def trial_numbers(url: str) -> dict[str, list[int]]:
    return {
        study: [t.number for t in optuna.load_study(study_name=study, storage=url).trials]
        for study in optuna.get_all_study_names(url)
    }


def test_a_spec_of_an_older_version_is_upgraded_when_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A version 2 that renamed `tuned.trials` (say, from `tuned.budget`) reads version 1."""

    def rename_budget(data: dict[str, Any]) -> dict[str, Any]:
        tuned = dict(data.get("tuned", {}))
        tuned["trials"] = tuned.pop("budget")
        return {**data, "tuned": tuned}

    monkeypatch.setattr(specs, "SPEC_VERSION", 2)
    monkeypatch.setattr(specs, "UPGRADES", {1: rename_budget})
    old = small_digits_spec("old", tuned={"budget": 7})
    assert specs.read_stored_spec(old, version=1).tuned.trials == 7
    with pytest.raises(SpecError, match="newer taskweights"):
        specs.read_stored_spec(old, version=3)


def test_a_study_whose_spec_cannot_be_read_shows_failed_with_the_reason(
    storage_url: str,
) -> None:
    with api_on(storage_url) as http:
        readable = http.post("/studies", json=small_digits_spec("readable")).json()
        database = Database(storage_url)
        try:
            with database.session() as session:
                session.add(StudyRow(name="from-the-future", spec={"name": "x"}, spec_version=99))
        finally:
            database.dispose()
        listed = http.get("/studies")
        assert listed.status_code == 200
        studies = {s["name"]: s for s in listed.json()["data"]}
        assert studies["readable"]["status"] == "queued"
        future = studies["from-the-future"]
        assert future["status"] == "failed"
        assert "stored spec can no longer be read" in future["error"]
        assert "newer taskweights" in future["error"]
        assert http.get(f"/studies/{future['id']}").status_code == 200
        assert http.get(f"/studies/{readable['id']}").json()["status"] == "queued"
