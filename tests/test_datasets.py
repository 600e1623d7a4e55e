"""CSV datasets: uploaded once by content, described, used by a spec's csv problem, deleted
only when no queued or running study needs them; read by workers from the database."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import taskweights as tw
from taskweights.app.cli import commands as cli
from tests.conftest import fresh_database
from tests.inprocess import api_on, work
from tests.server import TASKWEIGHTS, running_server

HOUSES = Path(__file__).resolve().parent.parent / "examples" / "houses.csv"
HOUSES_ID = hashlib.sha256(HOUSES.read_bytes()).hexdigest()[:16]
TARGETS = [
    {"column": "price_eur", "kind": "regression"},
    {"column": "energy_class", "kind": "multiclass"},
    {"column": "sold_within_month", "kind": "binary"},
]


def csv_spec(name: str, dataset: str = HOUSES_ID, **params: Any) -> dict[str, Any]:
    """A study on the houses table that trains in seconds."""
    return {
        "name": name,
        "problem": {
            "name": "csv",
            "params": {"dataset": dataset, "targets": TARGETS, "categorical": ["city"]} | params,
        },
        "strategies": ["uncertainty"],
        "tuned": {"trials": 2, "pruner": "none"},
        "training": {"epochs": 4, "batch_size": 128, "lr": 0.003},
        "evaluation": {"seeds": 2},
    }


def upload(http: TestClient, content: bytes, filename: str = "houses.csv") -> Any:
    return http.post("/datasets", files={"file": (filename, content, "text/csv")})


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    with fresh_database(request.param, tmp_path) as db_url, api_on(db_url) as http:
        yield http, db_url


def test_an_upload_is_stored_once_by_its_content_and_described(
    api: tuple[TestClient, str], data_dir: Path
) -> None:
    http, _ = api
    first = upload(http, HOUSES.read_bytes(), "../../etc/houses.csv")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["id"] == HOUSES_ID
    assert first.headers["location"] == f"/datasets/{HOUSES_ID}"
    assert body["filename"] == "houses.csv"  # a label: the client's folders are dropped
    assert (body["rows"], body["size"]) == (1200, HOUSES.stat().st_size)
    table = pd.read_csv(HOUSES)
    columns = {c["name"]: c for c in body["columns"]}
    assert list(columns) == list(table.columns)
    assert columns["price_eur"]["mean"] == pytest.approx(table["price_eur"].mean())
    assert columns["price_eur"]["max"] == table["price_eur"].max()
    assert columns["city"]["distinct"] == 4 and columns["city"]["mean"] is None
    # stored under the data directory by its hash, never at the name the client sent
    digest = hashlib.sha256(HOUSES.read_bytes()).hexdigest()
    assert [p.name for p in (data_dir / "datasets").iterdir()] == [f"{digest}.csv"]

    again = upload(http, HOUSES.read_bytes(), "copy.csv")
    assert again.status_code == 200 and again.json()["id"] == HOUSES_ID
    assert [d["id"] for d in http.get("/datasets").json()] == [HOUSES_ID]
    assert http.get(f"/datasets/{HOUSES_ID}").json() == body
    assert http.get("/datasets/0123456789abcdef").status_code == 404
    assert http.get("/datasets/not-an-id").status_code == 422


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a readable CSV"),
        (b"a,b\n", "no data rows"),
        (b"\xff\xfe\x00\x01garbage", "not UTF-8"),
        (b'a,b\n1,"2\n', "not a readable CSV"),
    ],
)
def test_a_file_that_is_no_csv_table_is_422_and_nothing_is_stored(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    with api_on(f"sqlite:///{tmp_path / 'db.sqlite'}") as http:
        answer = upload(http, content)
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert error["field"] == "file" and reason in error["reason"]
        assert http.get("/datasets").json() == []


def test_an_upload_needs_its_file_field_and_the_token(tmp_path: Path) -> None:
    with api_on(f"sqlite:///{tmp_path / 'db.sqlite'}") as http:
        missing = http.post("/datasets", files={"data": ("x.csv", b"a\n1\n", "text/csv")})
        assert missing.status_code == 422
        assert [e["field"] for e in missing.json()["errors"]] == ["file"]
        anonymous = http.post(
            "/datasets",
            files={"file": ("x.csv", b"a\n1\n", "text/csv")},
            headers={"Authorization": ""},
        )
        assert anonymous.status_code == 401


def test_an_upload_over_the_limit_is_413_whether_its_length_is_declared_or_not(
    tmp_path: Path,
) -> None:
    content = HOUSES.read_bytes()  # 52 kB, the limit 20 kB
    with api_on(f"sqlite:///{tmp_path / 'db.sqlite'}", max_upload_mb=0.02) as http:
        declared = upload(http, content)
        assert declared.status_code == 413
        assert "limit of 0.02 MB" in declared.json()["detail"]
        boundary = "taskweights-test-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                'filename="h.csv"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        chunked = http.post(
            "/datasets",
            content=(body[i : i + 4096] for i in range(0, len(body), 4096)),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert chunked.status_code == 413
        assert http.get("/datasets").json() == []
        assert upload(http, content[:15_000].rsplit(b"\n", 1)[0] + b"\n").status_code == 201


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"dataset": "0123456789abcdef"}, "dataset", "no dataset '0123456789abcdef'"),
        (
            {"targets": [{"column": "prize", "kind": "regression"}]},
            "targets.0.column",
            "no column 'prize'",
        ),
        ({"categorical": []}, "features", "column 'city' is not numeric"),
        (
            {"targets": [{"column": "energy_class", "kind": "binary"}]},
            "targets.0.column",
            "has 5 classes",
        ),
        ({"test_fraction": 0.005}, "dataset", "too few for the splits"),
    ],
)
def test_a_spec_the_table_cannot_serve_is_422_naming_the_column_and_nothing_is_stored(
    api: tuple[TestClient, str], params: dict[str, Any], field: str, reason: str
) -> None:
    http, _ = api
    upload(http, HOUSES.read_bytes())
    answer = http.post("/studies", json=csv_spec("bad", **params))
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["field"] == f"problem.params.{field}"
    assert reason in error["reason"]
    assert http.get("/studies").json()["count"] == 0


def test_a_dataset_stays_while_a_queued_study_needs_it(api: tuple[TestClient, str]) -> None:
    http, _ = api
    upload(http, HOUSES.read_bytes())
    study = http.post("/studies", json=csv_spec("houses"))
    assert study.status_code == 201, study.text
    refused = http.delete(f"/datasets/{HOUSES_ID}")
    assert refused.status_code == 409
    assert "houses (queued)" in refused.json()["detail"]
    assert refused.json()["studies"] == [study.json()["id"]]
    http.post(f"/studies/{study.json()['id']}/cancel")
    assert http.delete(f"/datasets/{HOUSES_ID}").status_code == 204
    assert http.get(f"/datasets/{HOUSES_ID}").status_code == 404
    assert http.delete(f"/datasets/{HOUSES_ID}").status_code == 404


def test_a_worker_elsewhere_reads_the_dataset_from_the_database(
    tmp_path: Path, data_dir: Path
) -> None:
    """The API's copy is on its disk only; the worker, with a data directory of its own (as on
    another machine), reads the file from the database and trains on it."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with api_on(db_url) as http:
        upload(http, HOUSES.read_bytes())
        study = http.post("/studies", json=csv_spec("houses")).json()
        elsewhere = tmp_path / "other-machine" / "datasets"
        work(db_url, datasets_dir=elsewhere)
        assert http.get(f"/studies/{study['id']}").json()["status"] == "done"
        comparison = http.get(f"/studies/{study['id']}/comparison").json()
    digest = hashlib.sha256(HOUSES.read_bytes()).hexdigest()
    assert (elsewhere / f"{digest}.csv").read_bytes() == HOUSES.read_bytes()
    tuned = next(arm for arm in comparison["arms"] if arm["arm"] == "tuned")
    assert set(tuned["test"]) == {"price_eur", "energy_class", "sold_within_month"}
    rmse = tuned["test"]["price_eur"]["mean"]
    assert 10_000 < rmse < 200_000  # euros: the original units, under the prices' sd (~150k)


def test_the_cli_adds_lists_and_deletes_datasets_in_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["dataset", "add", str(HOUSES), "--db", db]) == 0
    out = capsys.readouterr().out
    assert f"dataset {HOUSES_ID} (houses.csv): 1,200 rows, 10 columns" in out
    assert "price_eur" in out and "energy_class" in out
    assert cli.main(["dataset", "list", "--db", db]) == 0
    assert HOUSES_ID in capsys.readouterr().out
    assert cli.main(["dataset", "show", HOUSES_ID, "--db", db]) == 0
    assert "sold_within_month" in capsys.readouterr().out
    assert cli.main(["dataset", "delete", HOUSES_ID, "--db", db]) == 0
    assert cli.main(["dataset", "show", HOUSES_ID, "--db", db]) == 2
    assert f"no dataset '{HOUSES_ID}'" in capsys.readouterr().err


def test_the_cli_says_what_is_wrong_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["dataset", "add", str(tmp_path / "nope.csv"), "--db", db]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "empty.csv").write_text("a,b\n")
    assert cli.main(["dataset", "add", str(tmp_path / "empty.csv"), "--db", db]) == 2
    assert "no data rows" in capsys.readouterr().err
    assert cli.main(["dataset", "add", "--db", db]) == 2
    assert "needs a CSV file" in capsys.readouterr().err


def test_a_dataset_through_a_real_server_its_workers_and_the_cli(
    tmp_path: Path, write_spec: Any
) -> None:
    """`taskweights dataset add --url`, then `submit --wait`: a real uvicorn server and a
    worker process train the uploaded table."""
    db_url = f"sqlite:///{tmp_path / 'served.db'}"
    with running_server(db_url, workers=1) as url:
        added = subprocess.run(
            [TASKWEIGHTS, "dataset", "add", str(HOUSES), "--url", url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        assert f"dataset {HOUSES_ID} (houses.csv)" in added.stdout
        spec = write_spec(csv_spec("served") | {"strategies": ["dwa"]})
        submitted = subprocess.run(
            [TASKWEIGHTS, "submit", str(spec), "--url", url, "--wait", "--json"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert submitted.returncode == 0, submitted.stderr
        comparison = json.loads(submitted.stdout)
        assert {arm["arm"] for arm in comparison["arms"]} == {"tuned", "dwa"}
        listed = subprocess.run(
            [TASKWEIGHTS, "dataset", "list", "--url", url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert HOUSES_ID in listed.stdout


def test_a_script_stores_a_table_and_runs_a_study_on_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'local.db'}"
    dataset = tw.add_dataset(HOUSES, db=db)
    assert dataset.id == HOUSES_ID and dataset.rows == 1200
    features = ["area_m2", "rooms", "age_years", "city"]
    spec = csv_spec("local", targets=TARGETS[:2], features=features) | {"strategies": ["equal"]}
    comparison = tw.run_study(spec, db=db)
    assert {task.name for task in comparison.tasks} == {"price_eur", "energy_class"}
