"""CSV exports: the comparison (one row per arm and task) and the trials (one row per trial),
from the API (`?format=csv`), the Python client and `taskweights compare --csv`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import cast

import httpx
import pytest

from taskweights.app import local
from taskweights.app.client import Client
from taskweights.app.local import run_study
from taskweights.search import validate_spec
from tests.conftest import small_digits_spec
from tests.inprocess import api_on
from tests.test_cli import taskweights

TASKS = ["digit", "group3", "recon"]


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('exports')) / 'exports.db'}"
    run_study(validate_spec(small_digits_spec("exports", strategies=["uncertainty", "dwa"])), url)
    return url


def test_the_comparison_as_csv_has_a_row_per_arm_and_task_with_the_jsons_numbers(
    finished: str,
) -> None:
    with api_on(finished) as http:
        comparison = http.get("/studies/1/comparison").json()
        response = http.get("/studies/1/comparison", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "study-1-comparison.csv" in response.headers["content-disposition"]
    rows = rows_of(response.text)
    assert [(r["arm"], r["task"]) for r in rows] == [
        (arm["arm"], task) for arm in comparison["arms"] for task in TASKS
    ]
    for row in rows:
        arm = next(a for a in comparison["arms"] if a["arm"] == row["arm"])
        task = row["task"]
        assert number(row["test_mean"]) == pytest.approx(arm["test"][task]["mean"], rel=1e-12)
        assert number(row["test_std"]) == pytest.approx(arm["test"][task]["std"], rel=1e-12)
        assert number(row["weight"]) == pytest.approx(arm["config"]["weights"][task])
        assert number(row["delta_m_mean"]) == pytest.approx(arm["delta_m"]["mean"])
        assert int(row["seeds"]) == len(arm["runs"]) == 2
        assert int(row["search_trials"]) == arm["compute"]["trials"]
        sigmas = arm["config"]["sigmas"]
        assert number(row["sigma"]) == (pytest.approx(sigmas[task]) if sigmas else None)


def test_the_trials_as_csv_have_a_row_per_trial_with_the_jsons_values(finished: str) -> None:
    with api_on(finished) as http:
        trials = http.get("/studies/1/trials", params={"limit": 500}).json()["data"]
        text = http.get("/studies/1/trials", params={"format": "csv", "limit": 500}).text
    rows = rows_of(text)
    assert list(rows[0]) == [
        "arm",
        "number",
        "state",
        "value",
        "epochs",
        "searched_lr",
        *(f"weight_{t}" for t in TASKS),
        *(f"val_{t}" for t in TASKS),
        *(f"sigma_{t}" for t in TASKS),
        "error",
    ]
    assert [(r["arm"], int(r["number"])) for r in rows] == [
        (t["arm"], t["number"]) for t in trials
    ]
    assert {r["arm"] for r in rows} == {"tuned", "uncertainty", "dwa"}
    for row, trial in zip(rows, trials, strict=True):
        assert row["state"] == trial["state"]
        assert number(row["value"]) == pytest.approx(trial["value"])
        for task in TASKS:
            assert number(row[f"val_{task}"]) == pytest.approx(trial["val_metrics"][task])
            assert number(row[f"weight_{task}"]) == pytest.approx(trial["weights"][task])
        has_sigmas = trial["sigmas"] is not None
        assert all((row[f"sigma_{t}"] != "") == has_sigmas for t in TASKS)


def test_a_bad_format_is_a_422_naming_the_field(finished: str) -> None:
    with api_on(finished) as http:
        response = http.get("/studies/1/comparison", params={"format": "xml"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.format"


def test_the_client_and_the_command_line_write_the_apis_csv(finished: str) -> None:
    with api_on(finished) as http:
        served = {
            what: http.get(f"/studies/1/{what}", params={"format": "csv", "limit": 500}).text
            for what in ("comparison", "trials")
        }
        client = Client("http://testserver", http=cast(httpx.Client, http))
        assert client.csv(1, "comparison") == served["comparison"]
        assert client.csv(1, "trials") == served["trials"]
        assert client.csv(1, "trials", page_size=2) == served["trials"]  # pages joined
    ran = taskweights("compare", "exports", "--db", finished, "--csv")
    assert ran.returncode == 0 and ran.stdout == served["comparison"]
    ran = taskweights("compare", "exports", "--db", finished, "--csv", "trials")
    assert ran.returncode == 0 and ran.stdout == served["trials"]
    assert local.trials_csv("exports", finished, page_size=2) == served["trials"]
